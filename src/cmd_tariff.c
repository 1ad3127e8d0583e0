/* cmd_tariff: `saledesk tariff ...`. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "commands.h"
#include "err.h"
#include "money.h"
#include "perm.h"
#include "tariffs.h"

static int run_tariff_add(struct cli *c)
{
	const char *spec = cli_get(c, "spec"), *when = cli_get(c, "effective");
	int64_t from = 0;
	int rc;

	if (!spec)
		return cli_usage_error(c, "give the prices with --spec, e.g. --spec 'flat 0.5880'");
	if ((rc = cli_login(c)))
		return cli_fail(rc);
	if (when && (rc = cli_parse_time(c, when, &from)))
		return cli_fail(rc);
	if ((rc = tariffs_add(&c->s, c->argv[0], cli_get(c, "name"), spec, from)))
		return cli_fail(rc);
	printf("Tariff %s: version %s saved.\n", c->argv[0], when ? when : "in force now");
	return 0;
}

struct list_ctx {
	struct cli *c;
	struct rpt_table *t;
};

/* The version of t in force now, or the first one if none is yet. */
static const struct tariff_version *current(const struct tariff_set *t)
{
	const struct tariff_version *v;

	if (tariff_version_at(&t->engine, clock_now(), &v))
		v = &t->versions[0];
	return v;
}

static int list_row(const struct tariff_row *row, void *arg)
{
	struct list_ctx *l = arg;
	struct tariff_set *t;
	char n[16], from[40], spec[TARIFF_TEXT_SZ];
	const char *cells[6];
	const struct tariff_version *v;
	int rc;

	if ((rc = tariffs_load(l->c->db, row->code, 0, l->c->utc_offset_min, &t)))
		return rc;
	v = current(t);
	tariff_format(v, spec, sizeof(spec));
	snprintf(n, sizeof(n), "%d", row->n_versions);
	cells[0] = row->code;
	cells[1] = row->name;
	cells[2] = tariffs_kind_text(v);
	cells[3] = cli_time(l->c, v->effective_from, from, sizeof(from));
	cells[4] = n;
	cells[5] = spec;
	rc = rpt_table_add(l->t, cells);
	tariffs_free(t);
	return rc;
}

static int run_tariff_list(struct cli *c)
{
	static const char *const h[] = { "code", "name", "kind", "in_force_since", ">versions",
					 "prices" };
	struct list_ctx l = { c, rpt_table_new(6, h) };
	int rc = l.t ? 0 : -SD_NOMEM;

	if (!rc && !(rc = cli_login(c)))
		rc = tariffs_list(&c->s, list_row, &l);
	return cli_table_done(c, l.t, rc);
}

static int show_row(const struct tariff_version_row *v, void *arg)
{
	struct list_ctx *l = arg;
	char from[40], at[40];
	const char *cells[5];

	cells[0] = cli_time(l->c, v->effective_from, from, sizeof(from));
	cells[1] = v->kind;
	cells[2] = v->spec;
	cells[3] = v->created_by[0] ? v->created_by : "system";
	cells[4] = cli_time(l->c, v->created_at, at, sizeof(at));
	return rpt_table_add(l->t, cells);
}

static int run_tariff_show(struct cli *c)
{
	static const char *const h[] = { "effective_from", "kind", "prices", "by", "saved_at" };
	struct list_ctx l = { c, rpt_table_new(5, h) };
	struct tariff_row row;
	int rc = l.t ? 0 : -SD_NOMEM;

	if (!rc && !(rc = cli_login(c)))
		rc = tariffs_versions(&c->s, c->argv[0], &row, show_row, &l);
	if (!rc && c->fmt == RPT_TABLE)
		printf("Tariff %s — %s\n\n", row.code, row.name);
	return cli_table_done(c, l.t, rc);
}

/* Logs in and loads the tariff named by the first argument. */
static int load_for_quote(struct cli *c, struct tariff_set **t)
{
	int rc;

	/* Viewing permission is enough to price an example. */
	if ((rc = cli_login(c)) || (rc = perm_check(&c->s, PERM_TARIFF_VIEW)))
		return rc;
	return tariffs_load(c->db, c->argv[0], 0, c->utc_offset_min, t);
}

static int run_tariff_cost(struct cli *c)
{
	static const char *const h[] = { "rate", ">kwh" };
	const char *kwh = cli_get(c, "kwh"), *from = cli_get(c, "from"), *to = cli_get(c, "to");
	const char *used = cli_get(c, "month-used");
	struct tariff_set *t = NULL;
	struct tariff_cost cost;
	struct rpt_table *tab = NULL;
	int64_t wh, t0, t1, mtd = 0;
	char buf[MONEY_BUFSZ];
	int rc, i;

	if (!kwh || !from || !to)
		return cli_usage_error(c, "give --kwh, --from and --to");
	if ((rc = load_for_quote(c, &t)))
		goto fail;
	if ((rc = energy_parse(kwh, MONEY_ALLOW_ZERO, &wh)) ||
	    (used && (rc = energy_parse(used, MONEY_ALLOW_ZERO, &mtd))) ||
	    (rc = cli_parse_time(c, from, &t0)) || (rc = cli_parse_time(c, to, &t1)) ||
	    (rc = tariff_cost(&t->engine, t0, t1, wh, mtd, &cost)))
		goto fail_explain;
	if (!(tab = rpt_table_new(2, h))) {
		rc = -SD_NOMEM;
		goto fail;
	}
	for (i = 0; i < TARIFF_RATE_COUNT; i++) {
		const char *cells[2] = { tariff_rate_name((enum tariff_rate)i),
					 energy_format(cost.wh[i], buf, sizeof(buf)) };
		if ((rc = rpt_table_add(tab, cells)))
			goto fail;
	}
	{
		char total[MONEY_BUFSZ];
		const char *cells[2] = { "cost_yuan", money_format(cost.fen, total, sizeof(total)) };
		if ((rc = rpt_table_add(tab, cells)))
			goto fail;
	}
	rpt_table_print(tab, stdout, c->fmt);
	rpt_table_free(tab);
	tariffs_free(t);
	return 0;
fail_explain:
	if (rc == -SD_TARIFF_NONE) {
		char first[40];
		err_set(rc, "tariff %s starts at %s", t->row.code,
			cli_time(c, t->versions[0].effective_from, first, sizeof(first)));
	}
fail:
	rpt_table_free(tab);
	tariffs_free(t);
	return cli_fail(rc);
}

static int run_tariff_energy(struct cli *c)
{
	const char *amount = cli_get(c, "amount"), *at = cli_get(c, "at");
	const char *used = cli_get(c, "month-used");
	struct tariff_set *t = NULL;
	int64_t fen, when = clock_now(), mtd = 0, wh;
	int rc;

	if (!amount)
		return cli_usage_error(c, "give --amount in yuan");
	if ((rc = load_for_quote(c, &t)) || (rc = money_parse(amount, 0, &fen)) ||
	    (at && (rc = cli_parse_time(c, at, &when))) ||
	    (used && (rc = energy_parse(used, MONEY_ALLOW_ZERO, &mtd))) ||
	    (rc = tariff_energy_for_amount(&t->engine, when, fen, mtd, &wh))) {
		if (rc == -SD_TARIFF_NONE) {
			char first[40];
			err_set(rc, "tariff %s starts at %s", t->row.code,
				cli_time(c, t->versions[0].effective_from, first, sizeof(first)));
		}
		tariffs_free(t);
		return cli_fail(rc);
	}
	/* Three decimals: a meter credits Wh, not tens of Wh. */
	printf("%lld.%03lld\n", (long long)(wh / 1000), (long long)(wh % 1000));
	tariffs_free(t);
	return 0;
}

static const struct cli_opt add_opts[] = {
	{ "name", "NAME", 0, "the tariff's name (for a new tariff)" },
	{ "spec", "PRICES", 0, "the prices in text form, see docs/tariffs.md" },
	{ "effective", "WHEN", 0, "local time the version takes over (new versions)" },
	{ NULL, NULL, 0, NULL },
};
const struct cli_cmd cmd_tariff_add = {
	"tariff add", "CODE --spec PRICES [--name NAME] [--effective WHEN]",
	"add a tariff, or a new version of one (administrator only)",
	CLI_LOGIN, add_opts, 1, 1, run_tariff_add,
};
const struct cli_cmd cmd_tariff_list = {
	"tariff list", "", "list tariffs with the prices in force",
	CLI_LOGIN | CLI_FORMAT, NULL, 0, 0, run_tariff_list,
};
const struct cli_cmd cmd_tariff_show = {
	"tariff show", "CODE", "show every version of a tariff",
	CLI_LOGIN | CLI_FORMAT, NULL, 1, 1, run_tariff_show,
};
static const struct cli_opt cost_opts[] = {
	{ "kwh", "KWH", 0, "energy used" },
	{ "from", "WHEN", 0, "start of the interval, local time" },
	{ "to", "WHEN", 0, "end of the interval, local time" },
	{ "month-used", "KWH", 0, "energy already used this month before --from" },
	{ NULL, NULL, 0, NULL },
};
const struct cli_cmd cmd_tariff_cost = {
	"tariff cost", "CODE --kwh KWH --from WHEN --to WHEN",
	"price energy used over an interval, split by rate",
	CLI_LOGIN | CLI_FORMAT, cost_opts, 1, 1, run_tariff_cost,
};
static const struct cli_opt energy_opts[] = {
	{ "amount", "YUAN", 0, "money paid" },
	{ "at", "WHEN", 0, "instant of the purchase (default now)" },
	{ "month-used", "KWH", 0, "energy already used this month" },
	{ NULL, NULL, 0, NULL },
};
const struct cli_cmd cmd_tariff_energy = {
	"tariff energy", "CODE --amount YUAN", "the kWh an amount buys, for energy meters",
	CLI_LOGIN, energy_opts, 1, 1, run_tariff_energy,
};
