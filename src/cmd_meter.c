/* cmd_meter: `saledesk meter ...` — wiring meters to buses, their latest
 * state, and queueing commands (relay, recharge, parameters, clock) for
 * the poller to carry out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cli.h"
#include "clock.h"
#include "commands.h"
#include "db_bus.h"
#include "db_meter.h"
#include "db_poll.h"
#include "err.h"
#include "meter.h"
#include "meter_ctl.h"
#include "meter_view.h"
#include "money.h"
#include "perm.h"

/* Reads a 16-byte key as 32 hex digits (one line) from fd. */
static int read_key(int fd, unsigned char key[BUS_KEY_LEN])
{
	char buf[80];
	ssize_t n = 0, r;
	int i;

	while (n < (ssize_t)sizeof(buf) - 1 && (r = read(fd, buf + n, 1)) == 1 && buf[n] != '\n')
		n++;
	buf[n] = 0;
	if (n != 2 * BUS_KEY_LEN)
		goto bad;
	for (i = 0; i < BUS_KEY_LEN; i++) {
		unsigned v;

		if (sscanf(buf + 2 * i, "%2x", &v) != 1)
			goto bad;
		key[i] = (unsigned char)v;
	}
	memset(buf, 0, sizeof(buf));
	return 0;
bad:
	memset(buf, 0, sizeof(buf));
	return err_set(-SD_INVAL, "the recharge key must be 32 hex digits on one line");
}

/* A meter on a config-file bus is wired by the file (docs/poll.md §1):
 * `meter wire` may only give it its key, on the bus and unit the file
 * says; `meter unwire` leaves it alone. b is the target bus when it is a
 * config bus, NULL otherwise. */
static int not_config_wired(struct cli *c, const struct bus_rec *b, int unit)
{
	int64_t meter_id, bus_id;
	int wired_unit, from_config, rc;

	if ((rc = db_meter_id(c->db, c->argv[0], &meter_id)))
		return rc;
	rc = db_meter_wiring(c->db, meter_id, &bus_id, &wired_unit, &from_config);
	if (rc && rc != -SD_NOT_FOUND)
		return rc;
	if (b && (rc || bus_id != b->id || wired_unit != unit))
		return err_set(-SD_STATE, "bus %s comes from the config file; wire meters there "
					  "(\"unit %d = %s\" in its [bus %s] section)",
			       b->name, unit, c->argv[0], b->name);
	if (!b && !rc && from_config)
		return err_set(-SD_STATE, "meter %s is wired by the config file; change its [bus] "
					  "section there", c->argv[0]);
	return 0;
}

static int run_meter_wire(struct cli *c)
{
	const char *bus = cli_get(c, "bus"), *unit_s = cli_get(c, "unit");
	const char *key_fd = cli_get(c, "key-fd"), *kv_s = cli_get(c, "key-version");
	unsigned char key[BUS_KEY_LEN];
	struct bus_rec b;
	int64_t meter_id;
	int unit, rc, kv = -1;
	char kv_text[24] = "";
	char *end;

	if (!bus || !unit_s)
		return cli_usage_error(c, "give --bus NAME and --unit ID");
	unit = (int)strtol(unit_s, &end, 10);
	if (end == unit_s || *end || unit < 1 || unit > 247)
		return cli_usage_error(c, "--unit: a Modbus unit id, 1-247");
	if (kv_s) {
		kv = (int)strtol(kv_s, &end, 16);
		if (end == kv_s || *end || kv < 0 || kv > 0x7F)
			return cli_usage_error(c, "--key-version: the meter's recharge key version, "
						  "00-7F (hex)");
		snprintf(kv_text, sizeof(kv_text), " key_version=%02X", kv);
	}
	if (key_fd && (rc = read_key(atoi(key_fd), key)))
		return cli_fail(rc);
	if ((rc = cli_login(c)) || (rc = perm_check(&c->s, PERM_METER_CONTROL)) ||
	    (rc = db_begin(c->db)))
		goto out;
	if ((rc = db_bus_get(c->db, bus, &b)) || (rc = not_config_wired(c, b.from_config ? &b : NULL,
								       unit)) ||
	    (rc = db_meter_wire(c->db, c->argv[0], b.id, unit, key_fd ? key : NULL, kv,
				    &meter_id)) ||
	    (rc = audit_log(&c->s, "meter.wire", c->argv[0], "bus=%s unit=%d%s%s", b.name, unit,
			    key_fd ? " key=set" : "", kv_text)) ||
	    (rc = db_commit(c->db))) {
		db_rollback(c->db);
		goto out;
	}
	printf("Meter %s is unit %d on bus %s\n", c->argv[0], unit, b.name);
out:
	memset(key, 0, sizeof(key));
	return rc ? cli_fail(rc) : 0;
}

static int run_meter_unwire(struct cli *c)
{
	int rc;

	if ((rc = cli_login(c)) || (rc = perm_check(&c->s, PERM_METER_CONTROL)) ||
	    (rc = db_begin(c->db)))
		return cli_fail(rc);
	if ((rc = not_config_wired(c, NULL, 0)) || (rc = db_meter_unwire(c->db, c->argv[0])) ||
	    (rc = audit_log(&c->s, "meter.unwire", c->argv[0], "%s", "")) ||
	    (rc = db_commit(c->db))) {
		db_rollback(c->db);
		return cli_fail(rc);
	}
	printf("Meter %s is no longer polled\n", c->argv[0]);
	return 0;
}

struct status_ctx {
	struct cli *c;
	struct rpt_table *t;
};

static int status_row(const struct meter_state_rec *m, void *arg)
{
	struct status_ctx *s = arg;
	char unit[8], read_at[40], energy[MONEY_BUFSZ], bal[MONEY_BUFSZ], v[48], p[24];
	char relay[16], count[24], err[80];
	const char *cells[13];

	snprintf(unit, sizeof(unit), "%d", m->unit);
	cli_time(s->c, m->read_at, read_at, sizeof(read_at));
	energy_format(m->r.energy_wh, energy, sizeof(energy));
	money_format(m->r.balance_fen, bal, sizeof(bal));
	snprintf(v, sizeof(v), "%lld.%lld", (long long)m->r.voltage_dv / 10,
		 (long long)m->r.voltage_dv % 10);
	snprintf(p, sizeof(p), "%lld", (long long)m->r.power_w);
	snprintf(relay, sizeof(relay), "%s%s", m->r.relay ? "open" : "closed",
		 m->r.keep_power ? "+keep" : "");
	snprintf(count, sizeof(count), "%lld", (long long)m->r.purchase_count);
	snprintf(err, sizeof(err), "%lld/%lld/%lld", (long long)m->timeouts,
		 (long long)m->crc_errors, (long long)m->exceptions);
	cells[0] = m->meter_no;
	cells[1] = m->bus;
	cells[2] = unit;
	cells[3] = !m->has_state ? "never" : m->online ? "online" : "offline";
	cells[4] = read_at;
	cells[5] = m->has_reading ? energy : "";
	cells[6] = m->has_reading ? bal : "";
	cells[7] = m->has_reading ? v : "";
	cells[8] = m->has_reading ? p : "";
	cells[9] = m->has_reading ? relay : "";
	cells[10] = m->has_reading ? count : "";
	cells[11] = err;
	cells[12] = m->last_error;
	return rpt_table_add(s->t, cells);
}

static int run_meter_status(struct cli *c)
{
	static const char *const h[] = { "meter", "bus", ">unit", "state", "read_at",
					 ">kwh", ">balance", ">volts", ">watts", "relay",
					 ">purchases", "timeouts/crc/exc", "last_error" };
	struct status_ctx s = { c, rpt_table_new(13, h) };
	const char *bus = cli_get(c, "bus");
	struct bus_rec b = { 0 };
	int rc = 0, i;

	if (!s.t)
		return cli_fail(-SD_NOMEM);
	if ((rc = cli_login(c)) || (rc = perm_check(&c->s, PERM_ACCOUNT_VIEW)) ||
	    (bus && (rc = db_bus_get(c->db, bus, &b))))
		goto out;
	if (c->argc == 0)
		rc = db_poll_state_each(c->db, b.id, NULL, status_row, &s);
	for (i = 0; !rc && i < c->argc; i++)
		rc = db_poll_state_each(c->db, b.id, c->argv[i], status_row, &s);
	if (!rc)
		rpt_table_print(s.t, stdout, c->fmt);
out:
	rpt_table_free(s.t);
	return rc ? cli_fail(rc) : 0;
}

/* `meter params METER`: the device info and parameters the service last
 * read, and for each parameter the desk wrote whether the meter holds it. */
static int run_meter_params(struct cli *c)
{
	static const char *const label[METER_PARAM_KINDS] = { "alarm levels", "credit limit", "prices", "TOU" };
	struct meter_view v;
	const struct meter_params_rec *pr = &v.pr;
	char t[40], have[160], want[160];
	int64_t at;
	int rc, k;

	if ((rc = cli_login(c)) || (rc = meter_view_get(&c->s, c->argv[0], &v)))
		return cli_fail(rc);
	printf("Meter %s%s\n", v.m.meter_no, v.wired ? "" : " (not wired: the service does not read it)");
	if (pr->info_at) {
		printf("Device info, read %s:\n", cli_time(c, pr->info_at, t, sizeof(t)));
		printf("  type         %s\n", pr->info.type == 3 ? "three-phase"
					 : pr->info.type == 1 ? "single-phase" : "unknown");
		printf("  number       %s%s\n", pr->info.number,
		       strcmp(pr->info.number, v.m.meter_no) ? "  (NOT this meter: see the alarms)" : "");
		printf("  map version  %d.%d\n", pr->info.map_version >> 8, pr->info.map_version & 0xFF);
		printf("  firmware     %d.%02d\n", pr->info.firmware >> 8, pr->info.firmware & 0xFF);
		printf("  key version  %02X%s\n", (unsigned)pr->info.key_version,
		       pr->info.key_version ? "" : " (its maker's own key)");
		printf("  features     %s%s%s\n", pr->info.features & 1 ? "remote recharge " : "",
		       pr->info.features & 2 ? "TOU " : "", pr->info.features & 4 ? "remote relay" : "");
	} else {
		printf("Device info: not read yet (the service reads it when it first reaches the meter)\n");
	}
	if (!pr->params_at) {
		printf("Parameters: not read yet (the service reads them once a day and after a write)\n");
		return 0;
	}
	printf("Parameters, read %s:\n", cli_time(c, pr->params_at, t, sizeof(t)));
	for (k = 0; k < METER_PARAM_KINDS; k++) {
		rc = meter_param_check(c->db, v.m.meter_id, &pr->p, meter_param_kinds[k], have, want,
				       sizeof(have), &at);
		if (rc < 0 && rc != -SD_NOT_FOUND)
			return cli_fail(rc);
		printf("  %-12s %s", label[k], have);
		if (rc == 1)
			printf("  DIFFERS: the desk wrote %s on %s", want, cli_time(c, at, t, sizeof(t)));
		else if (rc == 0)
			printf("  (as the desk wrote it)");
		printf("\n");
	}
	if (!pr->p.power_limit_w)
		printf("  power limit  none\n");
	else if (pr->p.restore_s)
		printf("  power limit  %lld W, restored after %d s\n", (long long)pr->p.power_limit_w,
		       pr->p.restore_s);
	else
		printf("  power limit  %lld W, restored by a close command\n",
		       (long long)pr->p.power_limit_w);
	if (pr->p.malignant_w)
		printf("  malignant    a load step of %d W trips\n", pr->p.malignant_w);
	else
		printf("  malignant    off\n");
	return 0;
}

/* Queues one command of kind with args for every target meter (the
 * positional meters, or all wired to --bus), as one batch when there are
 * several, in one transaction (meter_queue). perm is checked there. */
static int queue(struct cli *c, enum perm perm, const char *const *meters, int nmeters,
		 const char *kind, const char *args)
{
	const char *at = cli_get(c, "at");
	struct meter_queued q;
	int64_t when;
	int rc;

	/* `meter set` queues several kinds: log in once. */
	if (!c->db && (rc = cli_login(c)))
		return rc;
	when = clock_now();
	if (at && (rc = cli_parse_time(c, at, &when)))
		return rc;
	if ((rc = meter_queue(&c->s, perm, meters, nmeters, cli_get(c, "bus"), kind, args, when,
			      &q)))
		return rc;
	if (q.batch)
		printf("Queued %s for %d meters as batch %lld\n", kind, q.total, (long long)q.batch);
	else
		printf("Queued %s for meter %s as command %lld\n", kind, q.meter_no,
		       (long long)q.first);
	return 0;
}

static int run_meter_relay(struct cli *c)
{
	static const char *const words[][2] = {
		{ "open", "relay_open" }, { "close", "relay_close" },
		{ "keep-on", "keep_on" }, { "keep", "keep_on" }, { "keep-off", "keep_off" },
	};
	const char *action = c->argv[c->argc - 1];
	int rc;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(action, words[i][0]) != 0)
			continue;
		rc = queue(c, PERM_METER_CONTROL, (const char *const *)c->argv, c->argc - 1,
			   words[i][1], "");
		return rc ? cli_fail(rc) : 0;
	}
	return cli_usage_error(c, "the last word is open, close, keep-on or keep-off");
}

static int run_meter_recharge(struct cli *c)
{
	const char *amount = cli_get(c, "amount"), *seq_s = cli_get(c, "seq");
	struct meter_cmd cmd;
	int64_t fen, seq = 0;
	char buf[MONEY_BUFSZ];
	int rc;

	memset(&cmd, 0, sizeof(cmd));
	if (!amount)
		return cli_usage_error(c, "give --amount YUAN");
	if ((rc = money_parse(amount, 0, &fen)))
		return cli_fail(rc);
	if (fen > 10000000)
		return cli_fail(err_set(-SD_MONEY_RANGE, "a remote recharge is at most 100000.00"));
	if (seq_s && ((seq = atoll(seq_s)) <= 0 || seq > 0xffffffffLL))
		return cli_usage_error(c, "--seq: a purchase sequence number above 0");
	/* Recharging is selling: the cashier's permission. The ledger entry
	 * of the sale is the sales issue's; this queues the meter side. */
	if ((rc = cli_login(c)) || (rc = perm_check(&c->s, PERM_SALE)) || (rc = db_begin(c->db)))
		return cli_fail(rc);
	snprintf(cmd.meter_no, sizeof(cmd.meter_no), "%s", c->argv[0]);
	snprintf(cmd.kind, sizeof(cmd.kind), "recharge");
	if ((rc = db_meter_id(c->db, c->argv[0], &cmd.meter_id)) ||
	    (!seq && (rc = db_cmd_next_seq(c->db, cmd.meter_id, &seq))))
		goto out;
	snprintf(cmd.args, sizeof(cmd.args), "seq=%lld amount=%lld", (long long)seq,
		 (long long)fen);
	cmd.purchase_seq = seq;
	cmd.amount = fen;
	cmd.created_at = cmd.not_before = clock_now();
	if ((rc = db_cmd_insert(c->db, &cmd, c->s.operator_id)) ||
	    (rc = audit_log(&c->s, "meter.recharge", cmd.meter_no, "seq=%lld amount=%s",
			    (long long)seq, money_format(fen, buf, sizeof(buf)))) ||
	    (rc = db_commit(c->db)))
		goto out;
	printf("Queued recharge of %s for meter %s as command %lld (purchase %lld)\n",
	       money_format(fen, buf, sizeof(buf)), cmd.meter_no, (long long)cmd.id,
	       (long long)seq);
out:
	if (rc) {
		db_rollback(c->db);
		return cli_fail(rc);
	}
	return 0;
}

/* Turns "a,b,c" of money or prices into fen/units "x,y,z". */
static int convert_list(const char *text, int want, int prices, char *out, size_t len)
{
	char buf[256], *save = NULL, *tok;
	size_t used = 0;
	int n = 0, rc;
	int64_t v;

	snprintf(buf, sizeof(buf), "%s", text);
	out[0] = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		rc = prices ? price_parse(tok, &v) : money_parse(tok, MONEY_ALLOW_ZERO, &v);
		if (rc)
			return rc;
		used += (size_t)snprintf(out + used, len - used, "%s%lld", n ? "," : "",
					 (long long)v);
		if (used >= len)
			return err_set(-SD_INVAL, "too many values");
		n++;
	}
	if (n != want)
		return err_set(-SD_INVAL, "\"%s\": give %d values separated by commas", text, want);
	return 0;
}

/* "00:00=4,08:00=3" into "0,4,480,3". */
static int convert_tou(const char *text, char *out, size_t len)
{
	const char *p = text;
	size_t used = 0;
	int h, m, r, k, n = 0;

	out[0] = 0;
	while (*p) {
		if (sscanf(p, "%d:%d=%d%n", &h, &m, &r, &k) != 3 || h < 0 || h > 23 || m < 0 ||
		    m > 59 || r < 1 || r > 4)
			return err_set(-SD_INVAL, "--tou: HH:MM=R,... with R 1 sharp, 2 peak, "
						  "3 flat, 4 valley");
		used += (size_t)snprintf(out + used, len - used, "%s%d,%d", n ? "," : "", h * 60 + m, r);
		if (used >= len || ++n > 8)
			return err_set(-SD_INVAL, "--tou: at most 8 segments");
		p += k;
		if (*p == ',')
			p++;
		else if (*p)
			return err_set(-SD_INVAL, "--tou: segments are separated by commas");
	}
	return n ? 0 : err_set(-SD_INVAL, "--tou: no segments");
}

static int run_meter_set(struct cli *c)
{
	const char *prices = cli_get(c, "prices"), *alarms = cli_get(c, "alarms");
	const char *credit = cli_get(c, "credit-limit"), *tou = cli_get(c, "tou");
	const char *const *meters = (const char *const *)c->argv;
	char args[201];
	int64_t fen;
	int rc = 0, any = 0;

	if (c->argc == 0 && !cli_get(c, "bus"))
		return cli_usage_error(c, "name meters, or --bus NAME for all its meters");
	if (prices) {
		if ((rc = convert_list(prices, 4, 1, args, sizeof(args))) ||
		    (rc = queue(c, PERM_METER_CONTROL, meters, c->argc, "prices", args)))
			return cli_fail(rc);
		any = 1;
	}
	if (tou) {
		if ((rc = convert_tou(tou, args, sizeof(args))) ||
		    (rc = queue(c, PERM_METER_CONTROL, meters, c->argc, "tou", args)))
			return cli_fail(rc);
		any = 1;
	}
	if (alarms) {
		if ((rc = convert_list(alarms, 3, 0, args, sizeof(args))) ||
		    (rc = queue(c, PERM_METER_CONTROL, meters, c->argc, "alarm_levels", args)))
			return cli_fail(rc);
		any = 1;
	}
	if (credit) {
		if ((rc = money_parse(credit, MONEY_ALLOW_ZERO, &fen)))
			return cli_fail(rc);
		snprintf(args, sizeof(args), "%lld", (long long)fen);
		if ((rc = queue(c, PERM_METER_CONTROL, meters, c->argc, "credit_limit", args)))
			return cli_fail(rc);
		any = 1;
	}
	if (cli_get(c, "clock-sync")) {
		if ((rc = queue(c, PERM_METER_CONTROL, meters, c->argc, "clock_sync", "")))
			return cli_fail(rc);
		any = 1;
	}
	if (!any)
		return cli_usage_error(c, "give at least one of --prices, --tou, --alarms, "
					  "--credit-limit, --clock-sync");
	return 0;
}

struct cmds_ctx {
	struct cli *c;
	struct rpt_table *t;
};

static int cmds_row(const struct meter_cmd *m, void *arg)
{
	struct cmds_ctx *x = arg;
	char id[24], batch[24], tries[8], created[40], updated[40], when[40];
	const char *cells[11];

	snprintf(id, sizeof(id), "%lld", (long long)m->id);
	snprintf(batch, sizeof(batch), "%lld", (long long)m->batch_id);
	snprintf(tries, sizeof(tries), "%d", m->tries);
	cells[0] = id;
	cells[1] = m->batch_id ? batch : "";
	cells[2] = m->meter_no;
	cells[3] = m->kind;
	cells[4] = m->args;
	cells[5] = m->state;
	cells[6] = m->reason;
	cells[7] = tries;
	cells[8] = cli_time(x->c, m->not_before, when, sizeof(when));
	cells[9] = cli_time(x->c, m->created_at, created, sizeof(created));
	cells[10] = cli_time(x->c, m->updated_at, updated, sizeof(updated));
	return rpt_table_add(x->t, cells);
}

static int run_meter_commands(struct cli *c)
{
	static const char *const h[] = { ">id", ">batch", "meter", "kind", "args", "state",
					 "reason", ">tries", "not_before", "queued", "updated" };
	struct cmds_ctx x = { c, rpt_table_new(11, h) };
	struct cmd_filter f = { cli_get(c, "meter"), cli_get(c, "state"), 0, 50 };
	int rc;

	if (!x.t)
		return cli_fail(-SD_NOMEM);
	if (cli_get(c, "batch"))
		f.batch_id = atoll(cli_get(c, "batch"));
	if (cli_get(c, "last"))
		f.limit = atoll(cli_get(c, "last"));
	if ((rc = cli_login(c)) || (rc = perm_check(&c->s, PERM_ACCOUNT_VIEW)) ||
	    (rc = db_cmd_each(c->db, &f, cmds_row, &x))) {
		rpt_table_free(x.t);
		return cli_fail(rc);
	}
	rpt_table_print(x.t, stdout, c->fmt);
	rpt_table_free(x.t);
	return 0;
}

static const struct cli_opt wire_opts[] = {
	{ "bus", "NAME", 0, "the bus the meter is on" },
	{ "unit", "ID", 0, "its Modbus unit id (address), 1-247" },
	{ "key-fd", "N", 0, "read its own 16-byte recharge key (an override of the derived one) "
			    "as 32 hex digits from descriptor N" },
	{ "key-version", "VV", 0, "its recharge key version (hex, default 01): the key file's "
				  "MK06 of that version derives its key" },
	{ NULL, NULL, 0, NULL },
};
static const struct cli_opt status_opts[] = {
	{ "bus", "NAME", 0, "only the meters of this bus" },
	{ NULL, NULL, 0, NULL },
};
static const struct cli_opt queue_opts[] = {
	{ "bus", "NAME", 0, "every meter wired to this bus (a batch)" },
	{ "at", "TIME", 0, "not before this local time, \"YYYY-MM-DD HH:MM\"" },
	{ NULL, NULL, 0, NULL },
};
static const struct cli_opt recharge_opts[] = {
	{ "amount", "YUAN", 0, "the amount to credit" },
	{ "seq", "N", 0, "purchase sequence number (default: the meter's count + 1)" },
	{ NULL, NULL, 0, NULL },
};
static const struct cli_opt set_opts[] = {
	{ "prices", "S,P,F,V", 0, "the four TOU prices, yuan/kWh" },
	{ "tou", "HH:MM=R,...", 0, "TOU segments, R 1 sharp 2 peak 3 flat 4 valley" },
	{ "alarms", "A1,A2,A3", 0, "low-balance alarm levels, yuan" },
	{ "credit-limit", "YUAN", 0, "overdraft allowed before the relay opens" },
	{ "clock-sync", NULL, 0, "set the meter clock to the desk's" },
	{ "bus", "NAME", 0, "every meter wired to this bus (a batch)" },
	{ "at", "TIME", 0, "not before this local time, \"YYYY-MM-DD HH:MM\"" },
	{ NULL, NULL, 0, NULL },
};
static const struct cli_opt commands_opts[] = {
	{ "meter", "METER", 0, "only this meter" },
	{ "state", "STATE", 0, "queued, sent, done or failed" },
	{ "batch", "N", 0, "only this batch" },
	{ "last", "N", 0, "the newest N (default 50)" },
	{ NULL, NULL, 0, NULL },
};
const struct cli_cmd cmd_meter_wire = {
	"meter wire", "METER --bus NAME --unit ID [--key-fd N]",
	"tell the poller where a meter answers",
	CLI_LOGIN, wire_opts, 1, 1, run_meter_wire,
};
const struct cli_cmd cmd_meter_unwire = {
	"meter unwire", "METER", "stop polling a meter",
	CLI_LOGIN, NULL, 1, 1, run_meter_unwire,
};
const struct cli_cmd cmd_meter_status = {
	"meter status", "[METER...] [--bus NAME]", "the latest state the poller read",
	CLI_LOGIN | CLI_FORMAT, status_opts, 0, 1000, run_meter_status,
};
const struct cli_cmd cmd_meter_params = {
	"meter params", "METER",
	"the device info and parameters the service read from a meter, against what the desk wrote",
	CLI_LOGIN, NULL, 1, 1, run_meter_params,
};
const struct cli_cmd cmd_meter_relay = {
	"meter relay", "[METER...] [--bus NAME] open|close|keep-on|keep-off [--at TIME]",
	"queue a relay command",
	CLI_LOGIN, queue_opts, 1, 1000, run_meter_relay,
};
const struct cli_cmd cmd_meter_recharge = {
	"meter recharge", "METER --amount YUAN [--seq N]",
	"queue a remote recharge (safe to repeat: the purchase number makes it once only)",
	CLI_LOGIN, recharge_opts, 1, 1, run_meter_recharge,
};
const struct cli_cmd cmd_meter_set = {
	"meter set", "[METER...] [--bus NAME] [--prices ..] [--tou ..] [--alarms ..] [--credit-limit ..] [--clock-sync] [--at TIME]",
	"queue parameter writes to meters",
	CLI_LOGIN, set_opts, 0, 1000, run_meter_set,
};
const struct cli_cmd cmd_meter_commands = {
	"meter commands", "[--meter METER] [--state STATE] [--batch N] [--last N]",
	"the command queue and what became of each command",
	CLI_LOGIN | CLI_FORMAT, commands_opts, 0, 0, run_meter_commands,
};
