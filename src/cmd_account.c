/* cmd_account: `saledesk account ...`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "cli.h"
#include "commands.h"
#include "err.h"
#include "money.h"

static const struct cli_opt open_opts[] = {
	{ "account-no", "NUMBER", 0, "account number, digits (default: the next free)" },
	{ "name", "NAME", 0, "customer's name" },
	{ "id-number", "ID", 0, "customer's ID card number" },
	{ "phone", "PHONE", 0, "customer's phone" },
	{ "address", "TEXT", 0, "customer's postal address" },
	{ "building", "NAME", 0, "building of the premises" },
	{ "floor", "N", 0, "floor" },
	{ "room", "ROOM", 0, "room" },
	{ "area", "M2", 0, "floor area in m², for per-area charges" },
	{ "tariff", "CODE", 0, "tariff of the meters that name none" },
	{ "mode", "MODE", 0, "card, remote or billed, for meters that name none (default card)" },
	{ "meter", "NO[:TARIFF[:MODE[:PHASES]]]", 1, "a meter of the account" },
	{ "credit-limit", "YUAN", 0, "how far below zero before the relay trips" },
	{ "alarm1", "YUAN", 0, "first low-balance alarm (default 30)" },
	{ "alarm2", "YUAN", 0, "second low-balance alarm (default 20)" },
	{ "alarm3", "YUAN", 0, "third low-balance alarm (default 10)" },
	{ "debt", "YUAN", 0, "old debt to recover from purchases" },
	{ "debt-mode", "MODE", 0, "none, share (a percentage of each purchase) or fixed" },
	{ "debt-share", "PERCENT", 0, "share of each purchase that repays the debt" },
	{ "debt-fixed", "YUAN", 0, "fixed amount of each purchase that repays the debt" },
	/* not form fields: cmd_account_ops.c's one-flow opening */
	{ "issue-card", NULL, 0, "issue the user card in the reader now" },
	{ "fee", "YUAN", 0, "opening fee taken now (a receipt in your shift)" },
	{ "pre", NULL, 0, "pre-register only: open it later with `account activate`" },
	PASS_OPT, WAIT_OPT,
	{ NULL, NULL, 0, NULL },
};

static int run_account_open(struct cli *c)
{
	struct account_form f;
	char field[32], no[ACCOUNT_NO_MAX + 1];
	const struct cli_opt *o;
	const char **vals;
	int rc, n, i;

	account_form_init(&f);
	for (o = open_opts; strcmp(o->name, "issue-card"); o++) {
		vals = cli_get_all(c, o->name, &n);
		snprintf(field, sizeof(field), "%s", o->name);
		for (char *p = field; *p; p++)
			if (*p == '-')
				*p = '_';
		for (i = 0; i < n; i++)
			if ((rc = account_form_set(&f, field, vals[i])))
				return cli_fail(rc);
	}
	if (cli_get(c, "issue-card") || cli_get(c, "fee") || cli_get(c, "pre"))
		return cmd_account_open_ops(c, &f);
	if ((rc = cli_login(c)) || (rc = account_open(&c->s, &f, no)))
		return cli_fail(rc);
	printf("Opened account %s for %s.\n", no, f.acc.customer.name);
	return 0;
}

static void print_bad_row(int line, const char *why, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "line %d: %s\n", line, why);
}

static int run_account_import(struct cli *c)
{
	FILE *in;
	int rc, n = 0;

	if ((rc = cli_login(c)))
		return cli_fail(rc);
	in = strcmp(c->argv[0], "-") == 0 ? stdin : fopen(c->argv[0], "r");
	if (!in)
		return cli_fail(err_set(-SD_IO, "cannot read %s", c->argv[0]));
	rc = account_import_as(&c->s, in, cli_get(c, "pre") != NULL, print_bad_row, NULL, &n);
	if (in != stdin)
		fclose(in);
	if (rc)
		return cli_fail(rc);
	printf("Imported %d accounts%s.\n", n, cli_get(c, "pre") ? " (pre-registered)" : "");
	return 0;
}

struct list_ctx {
	struct cli *c;
	struct rpt_table *t;
};

static int list_row(const struct account_rec *a, void *arg)
{
	struct list_ctx *l = arg;
	char floor[16], meters[ACCOUNT_MAX_METERS * (METER_NO_MAX + 1)] = "";
	const char *cells[8];
	int i;

	for (i = 0; i < a->n_meters; i++) {
		if (i)
			strcat(meters, ",");
		strcat(meters, a->meters[i].meter_no);
	}
	snprintf(floor, sizeof(floor), "%d", a->floor);
	cells[0] = a->account_no;
	cells[1] = a->customer.name;
	cells[2] = a->building;
	cells[3] = a->has_floor ? floor : "";
	cells[4] = a->room;
	cells[5] = a->customer.phone;
	cells[6] = meters;
	cells[7] = a->status;
	return rpt_table_add(l->t, cells);
}

static int list_accounts(struct cli *c, struct account_filter *f)
{
	static const char *const h[] = { "account", "name", "building", ">floor", "room",
					 "phone", "meters", "status" };
	struct list_ctx l = { c, rpt_table_new(8, h) };
	int rc = l.t ? 0 : -SD_NOMEM;

	if (!rc && !(rc = cli_login(c)))
		rc = account_list(&c->s, f, list_row, &l);
	if (!rc && c->fmt == RPT_TABLE && rpt_table_rows(l.t) == 0) {
		printf("(no accounts match)\n");
		rpt_table_free(l.t);
		return 0;
	}
	return cli_table_done(c, l.t, rc);
}

static int parse_limit(struct cli *c, struct account_filter *f)
{
	const char *limit = cli_get(c, "limit");
	char *end;

	if (!limit)
		return 0;
	f->limit = strtoll(limit, &end, 10);
	return *end || f->limit <= 0 ? -1 : 0;
}

static int run_account_list(struct cli *c)
{
	struct account_filter f = { NULL, cli_get(c, "building"), cli_get(c, "status"), 0 };

	if (parse_limit(c, &f))
		return cli_usage_error(c, "--limit needs a positive number");
	return list_accounts(c, &f);
}

static int run_account_search(struct cli *c)
{
	struct account_filter f = { c->argv[0], NULL, NULL, 0 };

	if (parse_limit(c, &f))
		return cli_usage_error(c, "--limit needs a positive number");
	return list_accounts(c, &f);
}

static void add_kv(struct rpt_table *t, const char *k, const char *v)
{
	const char *cells[2] = { k, v };

	rpt_table_add(t, cells);
}

static int run_account_show(struct cli *c)
{
	static const char *const h[] = { "field", "value" };
	static const char *const mh[] = { "meter", "tariff", "mode", ">phases", "status" };
	struct rpt_table *t = rpt_table_new(2, h), *mt = rpt_table_new(5, mh);
	struct account_rec a;
	char b[8][MONEY_BUFSZ], floor[16], opened[40], debt[96];
	int rc, i;

	if (!t || !mt) {
		rc = -SD_NOMEM;
		goto fail;
	}
	if ((rc = cli_login(c)) || (rc = account_get(&c->s, c->argv[0], &a)))
		goto fail;
	snprintf(floor, sizeof(floor), "%d", a.floor);
	add_kv(t, "account", a.account_no);
	add_kv(t, "status", a.status);
	add_kv(t, "name", a.customer.name);
	add_kv(t, "id_number", a.customer.id_number);
	add_kv(t, "phone", a.customer.phone);
	add_kv(t, "address", a.customer.address);
	add_kv(t, "building", a.building);
	add_kv(t, "floor", a.has_floor ? floor : "");
	add_kv(t, "room", a.room);
	add_kv(t, "area_m2", money_format(a.area_dm2, b[0], sizeof(b[0])));
	add_kv(t, "credit_limit", money_format(a.credit_limit, b[1], sizeof(b[1])));
	add_kv(t, "alarm1", money_format(a.alarm[0], b[2], sizeof(b[2])));
	add_kv(t, "alarm2", money_format(a.alarm[1], b[3], sizeof(b[3])));
	add_kv(t, "alarm3", money_format(a.alarm[2], b[4], sizeof(b[4])));
	add_kv(t, "old_debt", money_format(a.debt, b[5], sizeof(b[5])));
	if (strcmp(a.debt_mode, "share") == 0)
		snprintf(debt, sizeof(debt), "share %s%%", money_format(a.debt_share_bp, b[6], sizeof(b[6])));
	else if (strcmp(a.debt_mode, "fixed") == 0)
		snprintf(debt, sizeof(debt), "fixed %s", money_format(a.debt_fixed, b[6], sizeof(b[6])));
	else
		snprintf(debt, sizeof(debt), "none");
	add_kv(t, "debt_repayment", debt);
	add_kv(t, "opened_at", cli_time(c, a.opened_at, opened, sizeof(opened)));
	for (i = 0; i < a.n_meters; i++) {
		char ph[8];
		const char *cells[5] = { a.meters[i].meter_no, a.meters[i].tariff_code,
					 a.meters[i].mode, ph, a.meters[i].status };
		snprintf(ph, sizeof(ph), "%d", a.meters[i].phases);
		rpt_table_add(mt, cells);
	}
	rpt_table_print(t, stdout, c->fmt);
	printf("\n");
	rpt_table_print(mt, stdout, c->fmt);
	rpt_table_free(t);
	rpt_table_free(mt);
	return 0;
fail:
	rpt_table_free(t);
	rpt_table_free(mt);
	return cli_fail(rc);
}

const struct cli_cmd cmd_account_open = {
	"account open", "--name NAME --meter NO --tariff CODE [OPTIONS]",
	"open an account for a customer, with its meters",
	CLI_LOGIN, open_opts, 0, 0, run_account_open,
};
static const struct cli_opt import_opts[] = {
	{ "pre", NULL, 0, "pre-register the accounts (open each later with `account activate`)" },
	{ NULL, NULL, 0, NULL },
};
const struct cli_cmd cmd_account_import = {
	"account import", "FILE.csv",
	"open many accounts from CSV; nothing is imported if any row is bad",
	CLI_LOGIN, import_opts, 1, 1, run_account_import,
};
static const struct cli_opt list_opts[] = {
	{ "building", "NAME", 0, "only this building" },
	{ "status", "STATUS", 0, "only pre, open or closed accounts" },
	{ "limit", "N", 0, "at most N accounts" },
	{ NULL, NULL, 0, NULL },
};
const struct cli_cmd cmd_account_list = {
	"account list", "[--building NAME] [--status STATUS]", "list accounts",
	CLI_LOGIN | CLI_FORMAT, list_opts, 0, 0, run_account_list,
};
static const struct cli_opt search_opts[] = {
	{ "limit", "N", 0, "at most N accounts" },
	{ NULL, NULL, 0, NULL },
};
const struct cli_cmd cmd_account_search = {
	"account search", "TEXT",
	"find accounts by number, name, phone, room or meter number",
	CLI_LOGIN | CLI_FORMAT, search_opts, 1, 1, run_account_search,
};
const struct cli_cmd cmd_account_show = {
	"account show", "ACCOUNT", "show an account, its customer and meters",
	CLI_LOGIN | CLI_FORMAT, NULL, 1, 1, run_account_show,
};
