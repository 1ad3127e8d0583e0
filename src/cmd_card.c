/* cmd_card: `saledesk card ...`: readers, waiting for a card, reading,
 * issuing, technician cards, check cards, recycling. Commands that need
 * the card keys unlock the key file with --passphrase-fd or the terminal,
 * once per run, and wipe them before exit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "card_desk.h"
#include "cli.h"
#include "commands.h"
#include "err.h"
#include "keys.h"
#include "money.h"

static int parse_uint(const char *text, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!text || !*text)
		return -1;
	v = strtoul(text, &end, 10);
	if (*end || v > max || text[0] == '-')
		return -1;
	*out = v;
	return 0;
}

/* Opens the configured reader and waits --wait seconds for a card. */
int cmd_open_reader(struct cli *c, struct card_reader **r)
{
	unsigned long wait = 0;
	const char *w = cli_get(c, "wait");
	int rc;

	if (w && parse_uint(w, 3600, &wait))
		return err_set(-SD_USAGE, "--wait takes seconds");
	if ((rc = reader_open(c->cfg.reader, r)))
		return rc;
	if (wait && (rc = reader_wait(*r, 1, (int)wait * 1000, NULL)) == -SD_TIMEOUT)
		return err_set(-SD_NO_CARD, "no card was inserted within %lu s", wait);
	return rc;
}

int cmd_unlock_keys(struct cli *c, struct card_keyring **ring)
{
	char pass[256];
	int rc = cmd_keys_passphrase(c, 0, pass, sizeof(pass));

	if (!rc)
		rc = keys_unlock(c->cfg.keys_file, pass, ring);
	OPENSSL_cleanse(pass, sizeof(pass));
	return rc;
}

static const char *type_name(int t)
{
	static const char *const n[] = {"unknown", "user", "check", "reset", "clear", "setting"};
	return t >= 1 && t <= 5 ? n[t] : n[0];
}

static const char *subtype_name(int t)
{
	static const char *const n[] = {"-", "opening", "purchase", "replacement"};
	return t >= 1 && t <= 3 ? n[t] : n[0];
}

static void print_amount(const char *label, unsigned unit, uint64_t v)
{
	char buf[48];

	if (unit == 2)
		printf("%s%llu Wh\n", label, (unsigned long long)v);
	else
		printf("%s%s yuan\n", label, money_format((int64_t)v, buf, sizeof(buf)));
}

static void print_state(struct cli *c, const struct card_state *st, const struct card_rec *rec,
			int known)
{
	char hex[17], when[32];

	printf("serial: %s\n", card_serial_hex(st->serial, hex));
	if (st->blank) {
		printf("state: blank (not issued)\n");
		goto counts;
	}
	if (!st->issued) {
		printf("state: personalised, no card info (an issue was interrupted: issue it again)\n");
		goto counts;
	}
	printf("type: %s%s%s\n", type_name(st->info.type), st->info.type == CARD_USER ? " / " : "",
	       st->info.type == CARD_USER ? subtype_name(st->info.subtype) : "");
	printf("key version: %02X\n", st->info.key_version);
	printf("utility: %u\n", st->info.utility);
	if (st->info.type == CARD_USER) {
		printf("account: %s\n", st->info.account);
		for (int i = 0; i < st->info.nmeters; i++)
			printf("meter: %s\n", st->info.meters[i]);
	}
	printf("issued: %s\n", cli_time(c, st->info.issued, when, sizeof(when)));
	printf("verified: %s\n", st->authenticated ? "yes (card and record MACs checked)"
						  : "no (plain read)");
	if (known)
		printf("desk record: %s, %s, purchase %lld\n", rec->kind, rec->status,
		       (long long)rec->purchase_seq);
	else
		printf("desk record: none\n");
	if (st->has_purchase) {
		printf("last purchase: %u\n", st->last.seq);
		print_amount("  amount: ", st->last.unit, st->last.amount);
		print_amount("  cumulative: ", st->last.unit, st->last.cumulative);
		printf("  sold: %s\n", cli_time(c, st->last.time, when, sizeof(when)));
	} else if (st->info.type == CARD_USER) {
		printf("last purchase: none\n");
	}
	if (st->has_purchase && card_purchase_cancelled(st, st->last.seq)) {
		printf("written back: no; purchase %u cancelled at the desk at %s (no meter will "
		       "credit it)\n", st->last.seq, cli_time(c, st->ret.time, when, sizeof(when)));
	} else if (st->returned) {
		printf("written back: yes, by meter %s at %s\n", st->ret.meter,
		       cli_time(c, st->ret.time, when, sizeof(when)));
		printf("  meter count: %u, result %02X\n", st->ret.count, st->ret.result);
		print_amount("  remaining: ", st->ret.unit, st->ret.remaining);
		print_amount("  overdraft: ", st->ret.unit, st->ret.overdraft);
		printf("  energy: %llu Wh, status %04X\n", (unsigned long long)st->ret.energy,
		       st->ret.status);
	} else if (st->has_purchase) {
		printf("written back: no (insert the card in the meter)\n");
	}
	if (st->tech_cmd == 0x21)
		printf("check answer: meter %s count %u remaining %u energy %llu Wh\n",
		       st->check.meter, st->check.count, st->check.remaining,
		       (unsigned long long)st->check.energy);
	else if (st->tech_cmd >= 0x23 && st->tech_cmd <= 0x25)
		printf("order: uses left %u\n", st->uses_left);
counts:
	printf("apdus: %lu, bytes: %lu\n", st->apdus, st->bytes);
}

static void print_reader(const char *name, int present, void *ctx)
{
	(void)ctx;
	printf("%s\t%s\n", name, present ? "card" : "empty");
}

static int run_card_readers(struct cli *c)
{
	int rc;

	(void)c;
	rc = reader_list(print_reader, NULL);
	return rc ? cli_fail(rc) : 0;
}

static int run_card_wait(struct cli *c)
{
	struct card_reader *r = NULL;
	unsigned long secs = 30;
	unsigned events = 0;
	int removed = cli_get(c, "removed") != NULL, rc;

	if (cli_get(c, "timeout") && parse_uint(cli_get(c, "timeout"), 86400, &secs))
		return cli_usage_error(c, "--timeout takes seconds");
	if ((rc = config_load(c->config_arg, c->db_arg, &c->cfg)) ||
	    (rc = reader_open(c->cfg.reader, &r)))
		goto out;
	rc = reader_wait(r, !removed, (int)secs * 1000, &events);
	if (!rc)
		printf("%s %s (events %u)\n", reader_name(r), removed ? "empty" : "card", events);
out:
	reader_free(r);
	return rc ? cli_fail(rc) : 0;
}

static int run_card_read(struct cli *c)
{
	struct card_keyring *ring = NULL;
	struct card_reader *r = NULL;
	struct card_state st;
	struct card_rec rec;
	int rc, known = 0;

	if ((rc = cli_login(c)) ||
	    (cli_get(c, "verify") && (rc = cmd_unlock_keys(c, &ring))) || (rc = cmd_open_reader(c, &r)) ||
	    (rc = card_desk_read(&c->s, r, ring, &st, &rec, &known)))
		goto out;
	print_state(c, &st, &rec, known);
out:
	card_keys_free(ring);
	reader_free(r);
	return rc ? cli_fail(rc) : 0;
}

static int run_card_issue(struct cli *c)
{
	struct card_keyring *ring = NULL;
	struct card_reader *r = NULL;
	struct card_state st;
	int rc, resumed = 0;
	int sub = cli_get(c, "replacement") ? CARD_REPLACEMENT
		  : cli_get(c, "purchase-card") ? CARD_PURCHASE : CARD_OPENING;
	char hex[17];

	if ((rc = cli_login(c)) || (rc = cmd_unlock_keys(c, &ring)) || (rc = cmd_open_reader(c, &r)) ||
	    (rc = card_desk_issue_user(&c->s, r, ring, c->argv[0], sub, &st, &resumed)))
		goto out;
	printf("%s card %s for account %s (%s card, key version %02X); apdus: %lu, bytes: %lu\n",
	       resumed ? "Already issued:" : "Issued", card_serial_hex(st.serial, hex), c->argv[0],
	       subtype_name(sub), st.info.key_version, st.apdus, st.bytes);
out:
	card_keys_free(ring);
	reader_free(r);
	return rc ? cli_fail(rc) : 0;
}

static int parse_alarms(const char *text, uint32_t a[3])
{
	char buf[128], *p, *save = NULL;
	int i = 0;
	int64_t fen;

	snprintf(buf, sizeof(buf), "%s", text);
	for (p = strtok_r(buf, ",", &save); p && i < 3; p = strtok_r(NULL, ",", &save), i++) {
		if (money_parse(p, 0, &fen) || fen > 99999999)
			return -1;
		a[i] = (uint32_t)fen;
	}
	return i == 3 ? 0 : -1;
}

static int run_card_issue_tech(struct cli *c)
{
	static const char *const names[] = {"", "", "check", "reset", "clear", "setting"};
	struct card_keyring *ring = NULL;
	struct card_reader *r = NULL;
	struct card_tariff_plan plan;
	struct card_order o;
	struct card_state st;
	uint8_t ef03[96], ef04[96];
	unsigned long v;
	int64_t fen;
	int rc, resumed = 0, type = 0;
	const char *t;
	char hex[17], from[64];

	for (int i = 2; i <= 5; i++)
		if (!strcmp(c->argv[0], names[i]))
			type = i;
	if (!type)
		return cli_usage_error(c, "the kind is check, reset, clear or setting");
	memset(&o, 0, sizeof(o));
	o.uses = 1;
	if ((t = cli_get(c, "meter")))
		snprintf(o.target, sizeof(o.target), "%s", t);
	if ((t = cli_get(c, "uses"))) {
		if (parse_uint(t, 65535, &v) || !v)
			return cli_usage_error(c, "--uses takes 1 to 65535");
		o.uses = (uint16_t)v;
	}
	if ((t = cli_get(c, "valid-until")) ) {
		int64_t when;
		if ((rc = cli_parse_time(c, t, &when)))
			return cli_fail(rc);
		o.valid_until = (uint32_t)when;
	}
	if ((t = cli_get(c, "preset"))) {
		if (money_parse(t, 0, &fen) || fen > 99999999)
			return cli_usage_error(c, "--preset takes an amount in yuan");
		o.preset = (uint32_t)fen;
		o.preset_unit = 1;
	}
	if (type == CARD_SETTING) {
		if (!(t = cli_get(c, "version")) || parse_uint(t, 0xFFFFFFFFul, &v) || !v)
			return cli_usage_error(c, "a setting card needs --version N (above the meters')");
		o.version = (uint32_t)v;
		if ((t = cli_get(c, "alarms"))) {
			if (parse_alarms(t, o.alarm))
				return cli_usage_error(c, "--alarms takes A1,A2,A3 in yuan");
			o.flags |= 1 << 2;
		}
		if ((t = cli_get(c, "credit-limit"))) {
			if (money_parse(t, 0, &fen) || fen > 99999999)
				return cli_usage_error(c, "--credit-limit takes yuan");
			o.credit_limit = (uint32_t)fen;
			o.flags |= 1 << 3;
		}
		if ((t = cli_get(c, "power-limit"))) {
			if (parse_uint(t, 0xFFFFFFFFul, &v))
				return cli_usage_error(c, "--power-limit takes watts");
			o.power_limit = (uint32_t)v;
			o.flags |= 1 << 4;
		}
		if (!o.flags && !cli_get(c, "tariff"))
			return cli_usage_error(c, "a setting card sets --tariff, --alarms, "
						  "--credit-limit or --power-limit");
	}
	if (type != CARD_SETTING && cli_get(c, "tariff"))
		return cli_usage_error(c, "--tariff is for a setting card");
	if ((rc = cli_login(c)) ||
	    (type == CARD_SETTING && (t = cli_get(c, "tariff")) &&
	     (rc = card_desk_setting_tariff(&c->s, t, &o, ef03, ef04, &plan))) ||
	    (rc = cmd_unlock_keys(c, &ring)) || (rc = cmd_open_reader(c, &r)) ||
	    (rc = card_desk_issue_tech(&c->s, r, ring, type, &o, &st, &resumed)))
		goto out;
	printf("%s %s card %s (key version %02X); apdus: %lu, bytes: %lu\n",
	       resumed ? "Already issued:" : "Issued", names[type], card_serial_hex(st.serial, hex),
	       st.info.key_version, st.apdus, st.bytes);
	if (o.flags & 1)
		printf("tariff: %s version %u (EF03)\n", t, plan.cur.id);
	if (o.flags & 2)
		printf("next tariff: version %u from %s (EF04)\n", plan.next.id,
		       cli_time(c, plan.next.activation, from, sizeof(from)));
out:
	card_keys_free(ring);
	reader_free(r);
	return rc ? cli_fail(rc) : 0;
}

static int run_card_check(struct cli *c)
{
	struct card_keyring *ring = NULL;
	struct card_reader *r = NULL;
	struct card_state st;
	struct card_rec rec;
	int rc;

	memset(&rec, 0, sizeof(rec));
	if ((rc = cli_login(c)) || (rc = cmd_unlock_keys(c, &ring)) || (rc = cmd_open_reader(c, &r)) ||
	    (rc = card_desk_read_check(&c->s, r, ring, &st)))
		goto out;
	print_state(c, &st, &rec, 0);
	printf("meter: %s\naccount: %s\npurchase count: %u\n", st.check.meter,
	       st.check.account[0] ? st.check.account : "-", st.check.count);
	print_amount("remaining: ", st.check.unit, st.check.remaining);
	printf("energy: %llu Wh\nstatus: %04X\nfirmware: %04X\n",
	       (unsigned long long)st.check.energy, st.check.status, st.check.firmware);
out:
	card_keys_free(ring);
	reader_free(r);
	return rc ? cli_fail(rc) : 0;
}

static int run_card_recycle(struct cli *c)
{
	struct card_keyring *ring = NULL;
	struct card_reader *r = NULL;
	struct card_state st;
	char hex[17];
	int rc;

	if ((rc = cli_login(c)) || (rc = cmd_unlock_keys(c, &ring)) || (rc = cmd_open_reader(c, &r)) ||
	    (rc = card_desk_recycle(&c->s, r, ring, cli_get(c, "force") != NULL, &st)))
		goto out;
	printf("Recycled card %s: it is blank and can be issued again; apdus: %lu, bytes: %lu\n",
	       card_serial_hex(st.serial, hex), st.apdus, st.bytes);
out:
	card_keys_free(ring);
	reader_free(r);
	return rc ? cli_fail(rc) : 0;
}

static int run_card_load(struct cli *c)
{
	struct card_keyring *ring = NULL;
	struct card_reader *r = NULL;
	struct card_state before;
	const char *a = cli_get(c, "amount");
	int64_t fen, seq = 0;
	int rc, settled = 0;
	char buf[32];

	if (!a || money_parse(a, 0, &fen))
		return cli_usage_error(c, "give --amount YUAN");
	if ((rc = cli_login(c)) || (rc = cmd_unlock_keys(c, &ring)) || (rc = cmd_open_reader(c, &r)) ||
	    (rc = card_desk_load(&c->s, r, ring, c->argv[0], fen, &before, &seq, &settled)))
		goto out;
	if (settled)
		printf("Purchase %lld was already on the card (written before it was pulled out); "
		       "the desk now records it. Nothing new was written.\n", (long long)seq);
	else
		printf("Wrote purchase %lld of %s yuan to the card of account %s; apdus: %lu, "
		       "bytes: %lu\n", (long long)seq, money_format(fen, buf, sizeof(buf)),
		       c->argv[0], before.apdus, before.bytes);
out:
	card_keys_free(ring);
	reader_free(r);
	return rc ? cli_fail(rc) : 0;
}

static int run_card_cancel(struct cli *c)
{
	struct card_keyring *ring = NULL;
	struct card_reader *r = NULL;
	struct card_state before;
	unsigned long seq;
	int rc, already = 0;

	if (!cli_get(c, "seq") || parse_uint(cli_get(c, "seq"), 0xFFFFFFFFul, &seq) || !seq)
		return cli_usage_error(c, "give --seq N, the purchase to cancel");
	if ((rc = cli_login(c)) || (rc = cmd_unlock_keys(c, &ring)) || (rc = cmd_open_reader(c, &r)) ||
	    (rc = card_desk_cancel(&c->s, r, ring, c->argv[0], (int64_t)seq, &before, &already)))
		goto out;
	if (already)
		printf("Purchase %lu was already cancelled on the card (before it was pulled out); "
		       "nothing new was written.\n", seq);
	else
		printf("Cancelled purchase %lu on the card of account %s: no meter will credit it; "
		       "apdus: %lu, bytes: %lu\n", seq, c->argv[0], before.apdus, before.bytes);
out:
	card_keys_free(ring);
	reader_free(r);
	return rc ? cli_fail(rc) : 0;
}

struct list_ctx {
	struct cli *c;
	struct rpt_table *t;
};

static int list_row(const struct card_rec *rec, void *ctx)
{
	struct list_ctx *l = ctx;
	char kv[8], seq[24], when[32];
	const char *row[7];

	snprintf(kv, sizeof(kv), "%02X", rec->key_version);
	snprintf(seq, sizeof(seq), "%lld", (long long)rec->purchase_seq);
	row[0] = rec->serial;
	row[1] = rec->kind;
	row[2] = rec->account_no[0] ? rec->account_no : "-";
	row[3] = rec->status;
	row[4] = kv;
	row[5] = seq;
	row[6] = cli_time(l->c, rec->issued_at, when, sizeof(when));
	return rpt_table_add(l->t, row);
}

static int run_card_list(struct cli *c)
{
	static const char *const cols[] = {"serial", "kind", "account", "status", "keys",
					   "purchase", "issued"};
	struct list_ctx l = {c, NULL};
	int rc;

	if ((rc = cli_login(c)))
		return cli_fail(rc);
	l.t = rpt_table_new(7, cols);
	if (!l.t)
		return cli_fail(-SD_NOMEM);
	rc = card_desk_list(&c->s, list_row, &l);
	return cli_table_done(c, l.t, rc);
}

static int return_row(const struct card_return_rec *r, void *ctx)
{
	struct list_ctx *l = ctx;
	char cnt[16], rem[32], od[32], kwh[32], res[8], when[32], read[32];

	snprintf(cnt, sizeof(cnt), "%lld", (long long)r->count);
	if (r->unit == 2) {
		snprintf(rem, sizeof(rem), "%lld Wh", (long long)r->remaining);
		snprintf(od, sizeof(od), "%lld Wh", (long long)r->overdraft);
	} else {
		money_format(r->remaining, rem, sizeof(rem));
		money_format(r->overdraft, od, sizeof(od));
	}
	snprintf(kwh, sizeof(kwh), "%lld.%02lld", (long long)(r->energy_wh / 1000),
		 (long long)(r->energy_wh % 1000 / 10));
	snprintf(res, sizeof(res), "%02llX", (long long)r->result);
	return rpt_table_add(l->t, (const char *[]){ r->serial, r->meter_no, cnt, rem, od, kwh, res,
						     cli_time(l->c, r->meter_time, when, sizeof(when)),
						     cli_time(l->c, r->read_at, read, sizeof(read)) });
}

static int run_card_returns(struct cli *c)
{
	static const char *const cols[] = { "card", "meter", "count", "remaining", "overdraft",
					    "energy_kwh", "result", "meter_time", "read_at" };
	struct list_ctx l = { c, NULL };
	const char *lim = cli_get(c, "limit");
	int rc;

	if ((rc = cli_login(c)))
		return cli_fail(rc);
	if (!(l.t = rpt_table_new(9, cols)))
		return cli_fail(-SD_NOMEM);
	rc = card_desk_returns(&c->s, c->argc ? c->argv[0] : NULL, lim ? strtoll(lim, NULL, 10) : 0,
			       return_row, &l);
	return cli_table_done(c, l.t, rc);
}

static const struct cli_opt returns_opts[] = {
	{ "limit", "N", 0, "the newest N only" },
	{ NULL, NULL, 0, NULL },
};
static const struct cli_opt wait_opts[] = {
	{ "removed", NULL, 0, "wait for the card to be taken out instead" },
	{ "timeout", "SECONDS", 0, "give up after that long (default 30)" },
	{ NULL, NULL, 0, NULL },
};
static const struct cli_opt read_opts[] = {
	{ "verify", NULL, 0, "authenticate the card and check its MACs (needs the key file)" },
	PASS_OPT, WAIT_OPT, { NULL, NULL, 0, NULL },
};
static const struct cli_opt issue_opts[] = {
	{ "purchase-card", NULL, 0, "a purchase card (subtype 02) instead of an opening card" },
	{ "replacement", NULL, 0, "a replacement for the account's lost or broken card" },
	PASS_OPT, WAIT_OPT, { NULL, NULL, 0, NULL },
};
static const struct cli_opt tech_opts[] = {
	{ "meter", "NO", 0, "the one meter the card works on (default: any)" },
	{ "uses", "N", 0, "how many times a meter may act on it (default 1)" },
	{ "valid-until", "TIME", 0, "YYYY-MM-DD[ HH:MM]: refused by meters after that" },
	{ "preset", "YUAN", 0, "clear card: the balance after the clear (default 0)" },
	{ "version", "N", 0, "setting card: parameter version, above the meters' last" },
	{ "alarms", "A1,A2,A3", 0, "setting card: alarm levels in yuan" },
	{ "credit-limit", "YUAN", 0, "setting card: credit limit" },
	{ "power-limit", "W", 0, "setting card: power limit in watts" },
	{ "tariff", "CODE", 0, "setting card: the tariff in force (EF03) and the next one (EF04)" },
	PASS_OPT, WAIT_OPT, { NULL, NULL, 0, NULL },
};
static const struct cli_opt keys_opts[] = { PASS_OPT, WAIT_OPT, { NULL, NULL, 0, NULL } };
static const struct cli_opt recycle_opts[] = {
	{ "force", NULL, 0, "recycle even with a purchase no meter has credited" },
	PASS_OPT, WAIT_OPT, { NULL, NULL, 0, NULL },
};
static const struct cli_opt load_opts[] = {
	{ "amount", "YUAN", 0, "the amount of the purchase record" },
	PASS_OPT, WAIT_OPT, { NULL, NULL, 0, NULL },
};
static const struct cli_opt cancel_opts[] = {
	{ "seq", "N", 0, "the purchase to cancel: the card's last, not yet in a meter" },
	PASS_OPT, WAIT_OPT, { NULL, NULL, 0, NULL },
};

const struct cli_cmd cmd_card_readers = {
	"card readers", "", "list the card readers and whether a card is in each",
	0, NULL, 0, 0, run_card_readers,
};
const struct cli_cmd cmd_card_wait = {
	"card wait", "", "wait until a card is inserted (or, with --removed, taken out)",
	0, wait_opts, 0, 0, run_card_wait,
};
const struct cli_cmd cmd_card_read = {
	"card read", "", "show what the card in the reader holds",
	CLI_LOGIN, read_opts, 0, 0, run_card_read,
};
const struct cli_cmd cmd_card_issue = {
	"card issue", "ACCOUNT", "issue the card in the reader as the account's user card",
	CLI_LOGIN, issue_opts, 1, 1, run_card_issue,
};
const struct cli_cmd cmd_card_issue_tech = {
	"card issue-tech", "check|reset|clear|setting",
	"issue a technician card (technicians only)", CLI_LOGIN, tech_opts, 1, 1,
	run_card_issue_tech,
};
const struct cli_cmd cmd_card_check = {
	"card check", "", "read a check card back after a meter answered it",
	CLI_LOGIN, keys_opts, 0, 0, run_card_check,
};
const struct cli_cmd cmd_card_recycle = {
	"card recycle", "", "blank the card in the reader (administrator only)",
	CLI_LOGIN, recycle_opts, 0, 0, run_card_recycle,
};
const struct cli_cmd cmd_card_load = {
	"card load", "ACCOUNT --amount YUAN",
	"write a purchase record without a sale: recovery and tests (administrator only)",
	CLI_LOGIN, load_opts, 1, 1, run_card_load,
};
const struct cli_cmd cmd_card_cancel = {
	"card cancel", "ACCOUNT --seq N",
	"cancel a purchase record no meter has credited: recovery and tests (administrator only)",
	CLI_LOGIN, cancel_opts, 1, 1, run_card_cancel,
};
const struct cli_cmd cmd_card_list = {
	"card list", "", "list the cards the desk has issued",
	CLI_LOGIN | CLI_FORMAT, NULL, 0, 0, run_card_list,
};
const struct cli_cmd cmd_card_returns = {
	"card returns", "[ACCOUNT]",
	"list the meters' write-backs (返写) read from user cards: balance, count, result",
	CLI_LOGIN | CLI_FORMAT, returns_opts, 0, 1, run_card_returns,
};
