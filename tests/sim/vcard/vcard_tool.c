/* vcard_tool: `vcard image new|personalise|purchase|meter-insert|show|apdu`.
 * Every change goes through the same APDU engine as the card in the reader,
 * so an image made offline is exactly what the desk would have made. */
#include "vcard_desk.h"
#include "vcard_tool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Returns the value of --name in argv, or NULL. */
static const char *opt(int argc, char **argv, const char *name)
{
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return argv[i + 1];
	return NULL;
}

static unsigned long long num(const char *s, unsigned long long dflt)
{
	return s ? strtoull(s, NULL, 0) : dflt;
}

static int parse_hex(const char *s, uint8_t *out, size_t cap, size_t *n)
{
	size_t len = strlen(s);

	if (len % 2 || len / 2 > cap)
		return -1;
	for (size_t i = 0; i < len / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	*n = len / 2;
	return 0;
}

static int load_keys(int argc, char **argv, struct vcard_keyset *ks, int required)
{
	const char *k = opt(argc, argv, "--keys");

	if (!k) {
		if (required)
			fprintf(stderr, "vcard: --keys is required\n");
		return required ? -1 : 1;
	}
	return vcard_keyset_load(k, ks);
}

static int cmd_new(int argc, char **argv)
{
	struct vcard_image img;
	struct vcard_keyset ks;
	uint8_t serial[8];
	const char *s = opt(argc, argv, "--serial");
	size_t n = 0;

	if (load_keys(argc, argv, &ks, 0) == 1)
		vcard_keyset_load("test", &ks); /* the transport key of the test batch */
	if (s) {
		if (parse_hex(s, serial, 8, &n) || n != 8) {
			fprintf(stderr, "vcard: --serial takes 16 hex digits\n");
			return 2;
		}
	} else if (vcard_random(serial, 8)) {
		return 1;
	}
	if (vcard_image_blank(&img, serial, &ks))
		return 1;
	return vcard_image_save(argv[0], &img) ? 1 : 0;
}

static int card_type(const char *s)
{
	static const char *names[] = {"user", "check", "reset", "clear", "setting"};

	for (int i = 0; i < 5; i++)
		if (!strcmp(s, names[i]))
			return i + 1;
	return -1;
}

static int cmd_personalise(int argc, char **argv)
{
	struct vcard_image img;
	struct vcard_keyset ks;
	struct vcard_desk d;
	struct vcard_info info;
	const char *t = opt(argc, argv, "--type"), *st = opt(argc, argv, "--subtype");
	const char *acct = opt(argc, argv, "--account");

	memset(&info, 0, sizeof info);
	if (load_keys(argc, argv, &ks, 1) || vcard_image_load(argv[0], &img))
		return 1;
	info.card_type = (uint8_t)(t ? card_type(t) : 1);
	if (t && card_type(t) < 0) {
		fprintf(stderr, "vcard: unknown card type %s\n", t);
		return 2;
	}
	info.subtype = info.card_type == 1 ? 1 : 0;
	if (st)
		info.subtype = !strcmp(st, "opening") ? 1 : !strcmp(st, "purchase") ? 2 :
			       !strcmp(st, "replacement") ? 3 : 0;
	if (info.card_type == 1 && !info.subtype) {
		fprintf(stderr, "vcard: bad --subtype\n");
		return 2;
	}
	info.utility = (uint32_t)num(opt(argc, argv, "--utility"), 1);
	if (acct && vcard_bcd6(acct, info.account)) {
		fprintf(stderr, "vcard: --account takes up to 12 digits\n");
		return 2;
	}
	for (int i = 1; i + 1 < argc; i++) {
		if (strcmp(argv[i], "--meter"))
			continue;
		if (info.nmeters == 4 || vcard_bcd6(argv[i + 1], info.meters[info.nmeters])) {
			fprintf(stderr, "vcard: at most 4 --meter of up to 12 digits\n");
			return 2;
		}
		info.nmeters++;
	}
	info.issued = (uint32_t)num(opt(argc, argv, "--time"), (unsigned long long)time(NULL));
	vcard_desk_open(&d, &img, &ks);
	if (vcard_desk_personalise(&d, &info)) {
		fprintf(stderr, "vcard: personalisation failed, SW %04X\n", d.last_sw);
		return 1;
	}
	return vcard_image_save(argv[0], &img) ? 1 : 0;
}

static int cmd_purchase(int argc, char **argv)
{
	struct vcard_image img;
	struct vcard_keyset ks;
	struct vcard_desk d;
	struct vcard_purchase p;
	const char *u = opt(argc, argv, "--unit"), *al = opt(argc, argv, "--alarms");
	int r;

	memset(&p, 0, sizeof p);
	if (load_keys(argc, argv, &ks, 1) || vcard_image_load(argv[0], &img))
		return 1;
	p.seq = (uint32_t)num(opt(argc, argv, "--seq"), 0);
	p.amount = (uint32_t)num(opt(argc, argv, "--amount"), 0);
	p.unit = (u && !strcmp(u, "wh")) ? 2 : 1;
	p.cumulative = num(opt(argc, argv, "--cumulative"), p.amount);
	p.time = (uint32_t)num(opt(argc, argv, "--time"), (unsigned long long)time(NULL));
	if (al) {
		unsigned a, b, c;
		if (sscanf(al, "%u,%u,%u", &a, &b, &c) != 3) {
			fprintf(stderr, "vcard: --alarms A1,A2,A3\n");
			return 2;
		}
		p.alarm[0] = a;
		p.alarm[1] = b;
		p.alarm[2] = c;
		p.flags |= 4;
	}
	if (opt(argc, argv, "--credit-limit") || opt(argc, argv, "--hoard-limit")) {
		p.credit_limit = (uint32_t)num(opt(argc, argv, "--credit-limit"), 0);
		p.hoard_limit = (uint32_t)num(opt(argc, argv, "--hoard-limit"), 0);
		p.flags |= 8;
	}
	vcard_desk_open(&d, &img, &ks);
	r = vcard_desk_purchase(&d, &p);
	if (r == -3) {
		fprintf(stderr, "vcard: refused: the last purchase was not written back by the meter\n");
		return 3;
	}
	if (r) {
		fprintf(stderr, "vcard: purchase failed (%s), SW %04X\n",
			r == -2 ? "card is not ours" : "card error", d.last_sw);
		return 1;
	}
	printf("apdus: %lu\n", d.apdus);
	return vcard_image_save(argv[0], &img) ? 1 : 0;
}

/* Writes a reset, clear or setting order into EF06 of a technician card,
 * through a desk session like the desk would. */
static int cmd_order(int argc, char **argv)
{
	struct vcard_image img;
	struct vcard_keyset ks;
	struct vcard_desk d;
	struct vcard_order o;
	const uint8_t *info;
	uint8_t ef6[192], cmd;
	const char *tg = opt(argc, argv, "--target"), *al = opt(argc, argv, "--alarms");

	memset(&o, 0, sizeof o);
	if (load_keys(argc, argv, &ks, 1) || vcard_image_load(argv[0], &img))
		return 1;
	if (vcard_unframe(img.ef[VCARD_EF_INFO], 64, &cmd, &info) < 51 || info[0] < 3 || info[0] > 5) {
		fprintf(stderr, "vcard: not a reset, clear or setting card\n");
		return 2;
	}
	if (tg && vcard_bcd6(tg, o.target)) {
		fprintf(stderr, "vcard: bad --target\n");
		return 2;
	}
	o.uses = (uint16_t)num(opt(argc, argv, "--uses"), 1);
	o.valid_until = (uint32_t)num(opt(argc, argv, "--valid-until"), 0);
	o.operator_id = (uint32_t)num(opt(argc, argv, "--operator"), 0);
	o.preset = (uint32_t)num(opt(argc, argv, "--preset"), 0);
	o.preset_unit = o.preset ? 1 : 0;
	o.version = (uint32_t)num(opt(argc, argv, "--version"), 1);
	if (al) {
		unsigned a, b, c;
		if (sscanf(al, "%u,%u,%u", &a, &b, &c) != 3)
			return 2;
		o.alarm[0] = a;
		o.alarm[1] = b;
		o.alarm[2] = c;
		o.flags |= 4;
	}
	if (opt(argc, argv, "--credit-limit") || opt(argc, argv, "--hoard-limit")) {
		o.credit_limit = (uint32_t)num(opt(argc, argv, "--credit-limit"), 0);
		o.hoard_limit = (uint32_t)num(opt(argc, argv, "--hoard-limit"), 0);
		o.flags |= 8;
	}
	if (opt(argc, argv, "--power-limit")) {
		o.power_limit = (uint32_t)num(opt(argc, argv, "--power-limit"), 0);
		o.flags |= 16;
	}
	if (vcard_tech_encode(&ks, &img, info[0], &o, ef6) < 0)
		return 1;
	vcard_desk_open(&d, &img, &ks);
	if (vcard_desk_auth(&d, VCARD_KID_SALE) ||
	    vcard_desk_sm(&d, 0x04, 0xD6, 0x86, 0x00, ef6, sizeof ef6) != 0x9000) {
		fprintf(stderr, "vcard: writing the order failed, SW %04X\n", d.last_sw);
		return 1;
	}
	return vcard_image_save(argv[0], &img) ? 1 : 0;
}

static int meter_load(const char *path, struct vcard_meter *m)
{
	char line[256], key[64], val[128];
	FILE *f = fopen(path, "r");

	if (!f)
		return 1; /* no state yet: a new meter */
	while (fgets(line, sizeof line, f)) {
		size_t n = 0;
		if (sscanf(line, "%63[^=]=%127s", key, val) != 2)
			continue;
		if (!strcmp(key, "meter_no"))
			vcard_bcd6(val, m->meter_no);
		else if (!strcmp(key, "account_no"))
			parse_hex(val, m->account_no, 6, &n);
		else if (!strcmp(key, "card_serial"))
			parse_hex(val, m->card_serial, 8, &n);
		else if (!strcmp(key, "opened"))
			m->opened = atoi(val);
		else if (!strcmp(key, "count"))
			m->count = (uint32_t)strtoul(val, NULL, 10);
		else if (!strcmp(key, "unit"))
			m->unit = (uint8_t)atoi(val);
		else if (!strcmp(key, "remaining"))
			m->remaining = strtoll(val, NULL, 10);
		else if (!strcmp(key, "cumulative"))
			m->cumulative = strtoull(val, NULL, 10);
		else if (!strcmp(key, "energy_total"))
			m->energy_total = strtoull(val, NULL, 10);
		else if (!strcmp(key, "status"))
			m->status = (uint16_t)strtoul(val, NULL, 16);
		else if (!strcmp(key, "hoard_limit"))
			m->hoard_limit = (uint32_t)strtoul(val, NULL, 10);
		else if (!strcmp(key, "credit_limit"))
			m->credit_limit = (uint32_t)strtoul(val, NULL, 10);
		else if (!strcmp(key, "illegal_count"))
			m->illegal_count = (uint16_t)atoi(val);
		else if (!strcmp(key, "param_version"))
			m->param_version = (uint32_t)strtoul(val, NULL, 10);
		else if (!strcmp(key, "power_limit_w"))
			m->power_limit_w = (uint32_t)strtoul(val, NULL, 10);
		else if (!strcmp(key, "tariff_id"))
			m->tariff_id = (uint32_t)strtoul(val, NULL, 10);
		else if (!strcmp(key, "standby_id"))
			m->standby_id = (uint32_t)strtoul(val, NULL, 10);
		else if (!strcmp(key, "standby_at"))
			m->standby_at = (uint32_t)strtoul(val, NULL, 10);
		else if (!strcmp(key, "alarms"))
			sscanf(val, "%u,%u,%u", &m->alarm[0], &m->alarm[1], &m->alarm[2]);
	}
	fclose(f);
	return 0;
}

static void hexf(FILE *f, const char *k, const uint8_t *p, size_t n)
{
	fprintf(f, "%s=", k);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02X", p[i]);
	fputc('\n', f);
}

static int meter_save(const char *path, const struct vcard_meter *m)
{
	FILE *f = fopen(path, "w");
	char no[13];

	if (!f)
		return -1;
	for (int i = 0; i < 6; i++)
		snprintf(no + 2 * i, 3, "%02X", m->meter_no[i]);
	fprintf(f, "meter_no=%s\n", no);
	hexf(f, "account_no", m->account_no, 6);
	hexf(f, "card_serial", m->card_serial, 8);
	fprintf(f, "opened=%d\ncount=%u\nunit=%u\nremaining=%lld\ncumulative=%llu\n",
		m->opened, m->count, m->unit, (long long)m->remaining,
		(unsigned long long)m->cumulative);
	fprintf(f, "energy_total=%llu\nstatus=%04X\nhoard_limit=%u\ncredit_limit=%u\n",
		(unsigned long long)m->energy_total, m->status, m->hoard_limit, m->credit_limit);
	fprintf(f, "alarms=%u,%u,%u\nillegal_count=%u\n", m->alarm[0], m->alarm[1],
		m->alarm[2], m->illegal_count);
	fprintf(f, "param_version=%u\npower_limit_w=%u\ntariff_id=%u\n", m->param_version,
		m->power_limit_w, m->tariff_id);
	fprintf(f, "standby_id=%u\nstandby_at=%u\n", m->standby_id, m->standby_at);
	return fclose(f) ? -1 : 0;
}

static int cmd_meter_insert(int argc, char **argv)
{
	struct vcard_image img;
	struct vcard_keyset ks;
	struct vcard_meter m;
	const char *ms = opt(argc, argv, "--meter-state"), *no = opt(argc, argv, "--meter-no");
	int res;

	memset(&m, 0, sizeof m);
	if (!ms) {
		fprintf(stderr, "vcard: --meter-state is required\n");
		return 2;
	}
	if (load_keys(argc, argv, &ks, 1) || vcard_image_load(argv[0], &img))
		return 1;
	meter_load(ms, &m);
	if (no && vcard_bcd6(no, m.meter_no)) {
		fprintf(stderr, "vcard: bad --meter-no\n");
		return 2;
	}
	m.now = (uint32_t)num(opt(argc, argv, "--time"), (unsigned long long)time(NULL));
	res = vcard_meter_insert(&img, &m, &ks);
	printf("result: %02X %s\n", res, vcard_meter_result_str(res));
	printf("count: %u\nremaining: %lld\n", m.count, (long long)m.remaining);
	if (vcard_image_save(argv[0], &img) || meter_save(ms, &m))
		return 1;
	return res <= VCARD_METER_NO_CREDIT ? 0 : 4;
}

static int cmd_show(int argc, char **argv)
{
	struct vcard_image img;
	struct vcard_keyset ks;
	int k = load_keys(argc, argv, &ks, 0);

	if (k < 0 || vcard_image_load(argv[0], &img))
		return 1;
	vcard_image_print(&img, k == 0 ? &ks : NULL);
	return 0;
}

/* Offline exchange: one power-on session, the image saved after each
 * command that changed it, one "RESPONSE" line per APDU. */
static int cmd_apdu(int argc, char **argv)
{
	struct vcard_image img;
	struct vcard_session s;
	int rc = 0;

	if (vcard_image_load(argv[0], &img))
		return 1;
	vcard_session_reset(&s);
	for (int i = 1; i < argc; i++) {
		uint8_t apdu[300];
		struct vcard_rapdu r;
		size_t n = 0;
		if (parse_hex(argv[i], apdu, sizeof apdu, &n)) {
			fprintf(stderr, "vcard: not hex: %s\n", argv[i]);
			return 2;
		}
		vcard_apdu_process(&img, &s, apdu, n, &r);
		if (r.dirty && vcard_image_save(argv[0], &img))
			rc = 1;
		for (size_t j = 0; j < r.len; j++)
			printf("%02X", r.buf[j]);
		printf("\n");
	}
	return rc;
}

int vcard_tool(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "vcard: image SUBCOMMAND FILE ...\n");
		return 2;
	}
	if (!strcmp(argv[0], "new"))
		return cmd_new(argc - 1, argv + 1);
	if (!strcmp(argv[0], "personalise") || !strcmp(argv[0], "personalize"))
		return cmd_personalise(argc - 1, argv + 1);
	if (!strcmp(argv[0], "purchase"))
		return cmd_purchase(argc - 1, argv + 1);
	if (!strcmp(argv[0], "order"))
		return cmd_order(argc - 1, argv + 1);
	if (!strcmp(argv[0], "meter-insert"))
		return cmd_meter_insert(argc - 1, argv + 1);
	if (!strcmp(argv[0], "show"))
		return cmd_show(argc - 1, argv + 1);
	if (!strcmp(argv[0], "apdu"))
		return cmd_apdu(argc - 1, argv + 1);
	fprintf(stderr, "vcard: unknown image subcommand %s\n", argv[0]);
	return 2;
}
