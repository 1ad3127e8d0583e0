/* meter: register map decoding and command encoding. */
#include "meter.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "money.h"

static uint32_t u32(const uint16_t *r)
{
	return (uint32_t)r[0] << 16 | r[1];
}

static int32_t i32(const uint16_t *r)
{
	return (int32_t)u32(r);
}

int meter_live_regs(int phases)
{
	return phases == 3 ? METER_LIVE_3P : METER_LIVE_1P;
}

int meter_decode_live(const uint16_t *r, int n, int utc_offset_min, struct poll_reading *o)
{
	int64_t off = (int64_t)utc_offset_min * 60;

	if (n != METER_LIVE_1P && n != METER_LIVE_3P)
		return err_set(-SD_INVAL, "a live block has 50 or 68 registers, not %d", n);
	memset(o, 0, sizeof(*o));
	/* Energy registers count 0.01 kWh = 10 Wh. */
	o->energy_wh = (int64_t)u32(r + 0x00) * 10;
	o->sharp_wh = (int64_t)u32(r + 0x02) * 10;
	o->peak_wh = (int64_t)u32(r + 0x04) * 10;
	o->flat_wh = (int64_t)u32(r + 0x06) * 10;
	o->valley_wh = (int64_t)u32(r + 0x08) * 10;
	o->voltage_dv = r[0x0B];
	o->current_ca = r[0x0C];
	o->power_w = i32(r + 0x12);
	o->reactive_var = i32(r + 0x14);
	o->apparent_va = u32(r + 0x16);
	o->pf_milli = (int16_t)r[0x18];
	o->freq_chz = r[0x11];
	o->relay = r[0x19];
	o->relay_reason = r[0x1A];
	o->keep_power = r[0x1B];
	o->alarm_level = r[0x1C];
	o->flags = r[0x1D];
	o->balance_fen = i32(r + 0x1E);
	o->energy_left_wh = (int64_t)i32(r + 0x20) * 10;
	o->purchased_fen = u32(r + 0x22);
	o->purchase_count = u32(r + 0x24);
	o->md_w = u32(r + 0x26);
	o->md_at = u32(r + 0x28) ? (int64_t)u32(r + 0x28) - off : 0;
	o->meter_clock = (int64_t)u32(r + 0x2A) - off;
	o->price = u32(r + 0x2C);
	o->rate = r[0x2E];
	o->freeze_seq = r[0x2F];
	o->month_wh = (int64_t)u32(r + 0x30) * 10;
	if (n == METER_LIVE_3P) {
		o->u_b_dv = r[0x33];
		o->u_c_dv = r[0x34];
	}
	return 0;
}

int meter_decode_freeze(const uint16_t *r, int utc_offset_min, struct freeze_rec *o)
{
	if (u32(r) == 0)
		return -SD_NOT_FOUND;
	o->freeze_at = (int64_t)u32(r) - (int64_t)utc_offset_min * 60;
	o->energy_wh = (int64_t)u32(r + 2) * 10;
	o->sharp_wh = (int64_t)u32(r + 4) * 10;
	o->peak_wh = (int64_t)u32(r + 6) * 10;
	o->flat_wh = (int64_t)u32(r + 8) * 10;
	o->valley_wh = (int64_t)u32(r + 10) * 10;
	o->md_w = u32(r + 12);
	o->balance_fen = i32(r + 14);
	return 0;
}

/* Parses up to max comma-separated non-negative integers of args. */
static int parse_list(const char *args, int64_t *v, int max)
{
	const char *p = args;
	char *end;
	int n = 0;

	while (*p && n < max) {
		long long x = strtoll(p, &end, 10);

		if (end == p || x < 0)
			return -1;
		v[n++] = x;
		if (*end == 0)
			return n;
		if (*end != ',')
			return -1;
		p = end + 1;
	}
	return *p ? -1 : n;
}

void meter_decode_info(const uint16_t *r, struct meter_info *o)
{
	int k;

	memset(o, 0, sizeof(*o));
	o->type = r[0x00];
	o->map_version = r[0x01];
	o->firmware = r[0x02];
	o->address = r[0x03];
	for (k = 0; k < 12; k++) {
		unsigned char c = (unsigned char)(r[0x04 + k / 2] >> (k % 2 ? 0 : 8));

		/* The number is compared and shown: nothing but digits. */
		o->number[k] = c >= '0' && c <= '9' ? (char)c : '?';
	}
	o->key_version = r[0x0A];
	o->features = r[0x0B];
}

void meter_decode_params(const uint16_t *r, struct meter_params *o)
{
	int k;

	memset(o, 0, sizeof(*o));
	for (k = 0; k < 3; k++)
		o->alarm[k] = u32(r + 2 * k);
	o->credit_limit = u32(r + 0x06);
	o->power_limit_w = u32(r + 0x08);
	o->restore_s = r[0x0A];
	o->malignant_w = r[0x0B];
	for (k = 0; k < 4; k++)
		o->price[k] = u32(r + 0x0C + 2 * k);
	o->tou_n = r[0x14] > 8 ? 8 : r[0x14];
	for (k = 0; k < o->tou_n; k++) {
		o->tou_start[k] = r[0x15 + 2 * k];
		o->tou_rate[k] = r[0x16 + 2 * k];
	}
}

const char *const meter_param_kinds[METER_PARAM_KINDS] = { "alarm_levels", "credit_limit", "prices", "tou" };

/* The canonical args (docs/poll.md) of parameter command kind as p holds
 * them; -SD_INVAL for a kind that is not a parameter. */
static int params_args(const struct meter_params *p, const char *kind, char *buf, size_t len)
{
	buf[0] = 0;
	if (strcmp(kind, "prices") == 0)
		snprintf(buf, len, "%lld,%lld,%lld,%lld", (long long)p->price[0],
			 (long long)p->price[1], (long long)p->price[2], (long long)p->price[3]);
	else if (strcmp(kind, "alarm_levels") == 0)
		snprintf(buf, len, "%lld,%lld,%lld", (long long)p->alarm[0], (long long)p->alarm[1],
			 (long long)p->alarm[2]);
	else if (strcmp(kind, "credit_limit") == 0)
		snprintf(buf, len, "%lld", (long long)p->credit_limit);
	else if (strcmp(kind, "tou") == 0)
		db_poll_tou_text(p, buf, len);
	else
		return err_set(-SD_INVAL, "%s is not a meter parameter", kind);
	return 0;
}

int meter_params_apply(struct meter_params *p, const char *kind, const char *args)
{
	int64_t v[16];
	int n = parse_list(args, v, 16), k;

	if (strcmp(kind, "prices") == 0 && n == 4)
		for (k = 0; k < 4; k++)
			p->price[k] = v[k];
	else if (strcmp(kind, "alarm_levels") == 0 && n == 3)
		for (k = 0; k < 3; k++)
			p->alarm[k] = v[k];
	else if (strcmp(kind, "credit_limit") == 0 && n == 1)
		p->credit_limit = v[0];
	else if (strcmp(kind, "tou") == 0 && n >= 2 && n <= 16 && n % 2 == 0) {
		memset(p->tou_start, 0, sizeof(p->tou_start));
		memset(p->tou_rate, 0, sizeof(p->tou_rate));
		p->tou_n = n / 2;
		for (k = 0; k < n / 2; k++) {
			p->tou_start[k] = (int)v[2 * k];
			p->tou_rate[k] = (int)v[2 * k + 1];
		}
	} else
		return err_set(-SD_INVAL, "bad values \"%s\" for %s", args, kind);
	return 0;
}

int meter_params_hold(const struct meter_params *p, const char *kind, const char *args)
{
	struct meter_params want = *p;
	char have[160], wrote[160];
	int rc;

	if ((rc = meter_params_apply(&want, kind, args)) ||
	    (rc = params_args(p, kind, have, sizeof(have))) ||
	    (rc = params_args(&want, kind, wrote, sizeof(wrote))))
		return rc;
	return strcmp(have, wrote) == 0;
}

int meter_params_describe(const struct meter_params *p, const char *kind, char *buf, size_t len)
{
	char a[4][MONEY_BUFSZ];
	size_t used = 0;
	int k;

	buf[0] = 0;
	if (strcmp(kind, "prices") == 0) {
		for (k = 0; k < 4 && used < len; k++)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", k ? "/" : "",
						 price_format(p->price[k], a[k], sizeof(a[k])));
		if (used < len)
			snprintf(buf + used, len - used, " yuan/kWh");
	} else if (strcmp(kind, "alarm_levels") == 0) {
		for (k = 0; k < 3; k++)
			money_format(p->alarm[k], a[k], sizeof(a[k]));
		snprintf(buf, len, "%s/%s/%s yuan", a[0], a[1], a[2]);
	} else if (strcmp(kind, "credit_limit") == 0) {
		money_format(p->credit_limit, a[0], sizeof(a[0]));
		snprintf(buf, len, "%s yuan", a[0]);
	} else if (strcmp(kind, "tou") == 0) {
		for (k = 0; k < p->tou_n && used < len; k++)
			used += (size_t)snprintf(buf + used, len - used, "%s%02d:%02d=%d", k ? " " : "",
						 p->tou_start[k] / 60, p->tou_start[k] % 60,
						 p->tou_rate[k]);
	} else {
		return err_set(-SD_INVAL, "%s is not a meter parameter", kind);
	}
	return 0;
}

int meter_recharge_mac(const unsigned char key[16], const char *meter_no, uint32_t seq,
		       uint32_t amount, unsigned char mac[8])
{
	unsigned char m[24], full[32];
	unsigned int len = sizeof(full);
	int i;

	if (strlen(meter_no) != 12)
		return err_set(-SD_INVAL, "meter number %s is not 12 digits", meter_no);
	memcpy(m, "SDRC", 4);
	memcpy(m + 4, meter_no, 12);
	for (i = 0; i < 4; i++) {
		m[16 + i] = (unsigned char)(seq >> (24 - 8 * i));
		m[20 + i] = (unsigned char)(amount >> (24 - 8 * i));
	}
	if (!HMAC(EVP_sha256(), key, 16, m, sizeof(m), full, &len) || len != 32)
		return err_set(-SD_CRYPTO, "HMAC-SHA256 for the recharge MAC failed");
	memcpy(mac, full, 8);
	memset(full, 0, sizeof(full));
	return 0;
}

void meter_recharge_regs(uint32_t seq, uint32_t amount, const unsigned char mac[8],
			 uint16_t regs[8])
{
	int i;

	regs[0] = (uint16_t)(seq >> 16);
	regs[1] = (uint16_t)seq;
	regs[2] = (uint16_t)(amount >> 16);
	regs[3] = (uint16_t)amount;
	for (i = 0; i < 4; i++)
		regs[4 + i] = (uint16_t)(mac[2 * i] << 8 | mac[2 * i + 1]);
}

int meter_relay_code(const char *kind)
{
	if (strcmp(kind, "relay_open") == 0)
		return 0x1A;
	if (strcmp(kind, "relay_close") == 0)
		return 0x1C;
	if (strcmp(kind, "keep_on") == 0)
		return 0x3A;
	if (strcmp(kind, "keep_off") == 0)
		return 0x3B;
	return 0;
}


static void put32(uint16_t *r, int64_t v)
{
	r[0] = (uint16_t)((uint64_t)v >> 16);
	r[1] = (uint16_t)v;
}

int meter_param_regs(const char *kind, const char *args, int64_t local_now, int *addr,
		     uint16_t *regs, int *n)
{
	int64_t v[16];
	int k, i;

	if (strcmp(kind, "clock_sync") == 0) {
		*addr = METER_CLOCK_ADDR;
		put32(regs, local_now);
		*n = 2;
		return 0;
	}
	k = parse_list(args, v, 16);
	if (strcmp(kind, "prices") == 0 && k == 4) {
		/* All four prices in one FC16, as the meter checks the set. */
		*addr = 0x010C;
		for (i = 0; i < 4; i++) {
			if (v[i] < 1 || v[i] > 1000000)
				goto bad;
			put32(regs + 2 * i, v[i]);
		}
		*n = 8;
		return 0;
	}
	if (strcmp(kind, "alarm_levels") == 0 && k == 3) {
		if (v[0] < v[1] || v[1] < v[2] || v[0] > 0x7fffffff)
			goto bad;
		*addr = 0x0100;
		for (i = 0; i < 3; i++)
			put32(regs + 2 * i, v[i]);
		*n = 6;
		return 0;
	}
	if (strcmp(kind, "credit_limit") == 0 && k == 1 && v[0] <= 0x7fffffff) {
		*addr = 0x0106;
		put32(regs, v[0]);
		*n = 2;
		return 0;
	}
	if (strcmp(kind, "tou") == 0 && k >= 2 && k <= 16 && k % 2 == 0) {
		/* args: start minute,rate pairs; the whole table in one FC16. */
		*addr = 0x0114;
		memset(regs, 0, 17 * sizeof(*regs));
		regs[0] = (uint16_t)(k / 2);
		for (i = 0; i < k; i += 2) {
			if (v[i] > 1439 || v[i + 1] < 1 || v[i + 1] > 4 || (i && v[i] <= v[i - 2]))
				goto bad;
			regs[1 + i] = (uint16_t)v[i];
			regs[2 + i] = (uint16_t)v[i + 1];
		}
		*n = 17;
		return 0;
	}
bad:
	return err_set(-SD_INVAL, "bad values \"%s\" for %s", args, kind);
}
