/* rpt_finance: the finance family's registry, the ledger composition every
 * money report is made of, and the sales/income report. Read-only SQL
 * over ledger, accounts, meters and operators. */
#include "rpt_finance_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_int.h"
#include "err.h"

#define ALL_PERIODS (1u << RPT_SPAN | 1u << RPT_DAY | 1u << RPT_MONTH | 1u << RPT_YEAR)
#define G(x) (1u << RPT_BY_##x)

const struct report_def report_finance[] = {
	{ "sales", "Sales and income", G(NONE) | G(OPERATOR) | G(SHIFT) | G(BUILDING) | G(ACCOUNT) |
	  G(METER) | G(SITE), ALL_PERIODS, rpt_finance_sales },
	{ "shift", "Shift reconciliation", G(NONE), 1u << RPT_SPAN, rpt_finance_shift },
	{ "zreport", "Z-report of a shift", G(NONE), 1u << RPT_SPAN, rpt_finance_zreport },
	{ "daily-close", "Daily close of the desk", G(NONE), 1u << RPT_SPAN, rpt_finance_daily_close },
	{ "balances", "Recharged, used and remaining per account", G(NONE), 1u << RPT_SPAN,
	  rpt_finance_balances },
	{ "arrears", "Accounts in arrears", G(NONE), 1u << RPT_SPAN, rpt_finance_arrears },
	{ "low-balance", "Accounts at a low-balance alarm level", G(NONE), 1u << RPT_SPAN,
	  rpt_finance_low_balance },
	{ NULL, NULL, 0, 0, NULL }
};

const char *const rpt_money_headers[RPT_MONEY_COLS] = {
	"sales_n", "sales", "debt_repaid", "fees", "refunds", "reversals", "adjustments", "net"
};

void rpt_money_add(struct rpt_money *sum, const struct rpt_money *m)
{
	sum->n_sales += m->n_sales;
	sum->sales += m->sales;
	sum->debt += m->debt;
	sum->fees += m->fees;
	sum->refunds += m->refunds;
	sum->reversals += m->reversals;
	sum->adjustments += m->adjustments;
	sum->net += m->net;
}

void rpt_money_cells(const struct rpt_money *m, const char **cells, char buf[8][24])
{
	const int64_t v[7] = { m->sales, m->debt, m->fees, m->refunds, m->reversals,
			       m->adjustments, m->net };

	cells[0] = rpt_int_cell(m->n_sales, buf[0], 24);
	for (int i = 0; i < 7; i++)
		cells[i + 1] = rpt_money_cell(v[i], buf[i + 1], 24);
}

void rpt_money_kinds(struct rpt_table *t, int first)
{
	rpt_table_set_kind(t, first, RPT_KIND_INT);
	for (int i = 1; i < RPT_MONEY_COLS; i++)
		rpt_table_set_kind(t, first + i, RPT_KIND_MONEY);
}

int rpt_refuse(const struct report_args *a, const char *name, unsigned refuse)
{
	static const char *const opt[] = { "--building", "--account", "--meter", "--shift", "--yoy" };
	const int given[] = { a->building != NULL, a->account_no != NULL, a->meter_no != NULL,
			      a->shift_id != 0, a->yoy };

	for (int i = 0; i < 5; i++)
		if ((refuse & (1u << i)) && given[i])
			return err_set(-SD_USAGE, "the %s report does not take %s", name, opt[i]);
	return 0;
}

/* The grouping as SQL: the key shown, the key rows sort by, and the join
 * it needs (only the grouping's table is joined: a year of a large site's
 * ledger is summed in a third of the time without the others). */
static void group_sql(enum report_group g, const char **key, const char **sort, const char **join)
{
	*join = "";
	switch (g) {
	case RPT_BY_OPERATOR:
		*key = *sort = "o.login";
		*join = "JOIN operators o ON o.id = l.operator_id ";
		break;
	case RPT_BY_SHIFT:
		*key = "ifnull(CAST(l.shift_id AS TEXT), '')";
		*sort = "ifnull(l.shift_id, 0)";
		break;
	case RPT_BY_BUILDING:
		*key = *sort = "a.building";
		*join = "JOIN accounts a ON a.id = l.account_id ";
		break;
	case RPT_BY_ACCOUNT:
		*key = "a.account_no";
		*sort = "CAST(a.account_no AS INTEGER)";
		*join = "JOIN accounts a ON a.id = l.account_id ";
		break;
	case RPT_BY_METER:
		*key = *sort = "ifnull(m.meter_no, '')";
		*join = "LEFT JOIN meters m ON m.id = l.meter_id ";
		break;
	default:
		*key = *sort = "'all'";
	}
}

int rpt_money_rows(struct db *db, const struct report_args *a, int64_t from, int64_t to,
		   struct rpt_money_row **rows, int *n)
{
	char sql[3072], period[160];
	const char *key, *sort, *join;
	struct rpt_money_row *v = NULL;
	sqlite3_stmt *st;
	int rc, cap = 0;

	*rows = NULL;
	*n = 0;
	group_sql(a->group, &key, &sort, &join);
	report_period_sql(a->period, "l.ts", a->utc_offset_min, period, sizeof(period));
	/* The kinds are those of the shift totals (db/db_sale.c SHIFT_SELECT):
	 * a reversal counts under reversals whatever it reverses. */
	snprintf(sql, sizeof(sql),
		 "SELECT %s AS p, %s AS g, "
		 "count(CASE WHEN l.kind = 'sale' THEN 1 END), "
		 "ifnull(sum(CASE WHEN l.kind = 'sale' THEN l.amount END), 0), "
		 "ifnull(sum(CASE WHEN l.kind = 'debt_repayment' THEN l.amount END), 0), "
		 "ifnull(sum(CASE WHEN l.kind = 'fee' THEN l.amount END), 0), "
		 "ifnull(sum(CASE WHEN l.kind = 'refund' THEN l.amount END), 0), "
		 "ifnull(sum(CASE WHEN l.kind = 'reversal' THEN l.amount END), 0), "
		 "ifnull(sum(CASE WHEN l.kind = 'adjustment' THEN l.amount END), 0), "
		 "ifnull(sum(l.amount), 0) "
		 "FROM ledger l %s"
		 "WHERE l.ts >= ?1 AND l.ts < ?2 "
		 "AND (?3 IS NULL OR l.account_id IN (SELECT id FROM accounts WHERE building = ?3)) "
		 "AND (?4 IS NULL OR l.account_id = (SELECT id FROM accounts WHERE account_no = ?4)) "
		 "AND (?5 IS NULL OR l.meter_id = (SELECT id FROM meters WHERE meter_no = ?5)) "
		 "AND (?6 = 0 OR l.shift_id = ?6) AND (?7 = 0 OR l.operator_id = ?7) "
		 "GROUP BY p, g ORDER BY p, min(%s), g",
		 period, key, join, sort);
	if ((rc = db_prepare(db, &st, sql, "iinnnii", from, to, a->building, a->account_no,
			     a->meter_no, a->shift_id, a->operator_id)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rpt_money_row *r;
		if (*n == cap) {
			int ncap = cap ? cap * 2 : 32;
			struct rpt_money_row *nv = realloc(v, (size_t)ncap * sizeof(*v));
			if (!nv) {
				rc = err_set(-SD_NOMEM, "report rows");
				goto out;
			}
			v = nv;
			cap = ncap;
		}
		r = &v[(*n)++];
		memset(r, 0, sizeof(*r));
		db_col_text(st, 0, r->period, sizeof(r->period));
		db_col_text(st, 1, r->group, sizeof(r->group));
		r->m.n_sales = sqlite3_column_int64(st, 2);
		r->m.sales = sqlite3_column_int64(st, 3);
		r->m.debt = sqlite3_column_int64(st, 4);
		r->m.fees = sqlite3_column_int64(st, 5);
		r->m.refunds = sqlite3_column_int64(st, 6);
		r->m.reversals = sqlite3_column_int64(st, 7);
		r->m.adjustments = sqlite3_column_int64(st, 8);
		r->m.net = sqlite3_column_int64(st, 9);
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "sales report");
out:
	sqlite3_finalize(st);
	if (rc) {
		free(v);
		*n = 0;
	} else {
		*rows = v;
	}
	return rc;
}

/* The same local instant one calendar year before (29 February goes to
 * 1 March, as timegm() normalises it). */
static int64_t year_before(int64_t t, int utc_offset_min)
{
	time_t lt = (time_t)(t + (int64_t)utc_offset_min * 60);
	struct tm tm;

	gmtime_r(&lt, &tm);
	tm.tm_year -= 1;
	return (int64_t)timegm(&tm) - (int64_t)utc_offset_min * 60;
}

/* The period key of a year before, moved onto this year's ("2025-11" ->
 * "2026-11"), so rows of both years meet. */
static void key_plus_year(const char *key, char *buf, size_t len)
{
	if (strlen(key) >= 4 && key[0] >= '0' && key[0] <= '9')
		snprintf(buf, len, "%04d%s", atoi(key) + 1, key + 4);
	else
		snprintf(buf, len, "%s", key);
}

static int64_t last_year_net(const struct rpt_money_row *prev, int nprev, const char *period,
			     const char *group)
{
	char k[24];

	for (int i = 0; i < nprev; i++) {
		key_plus_year(prev[i].period, k, sizeof(k));
		if (!strcmp(k, period) && !strcmp(prev[i].group, group))
			return prev[i].m.net;
	}
	return 0;
}

int rpt_finance_sales(struct db *db, const struct report_args *a, struct report_result *res)
{
	const char *h[2 + RPT_MONEY_COLS + 1];
	struct rpt_money_row *rows = NULL, *prev = NULL;
	struct rpt_money sum = { 0 };
	struct rpt_table *t = NULL, *tt = NULL;
	int n = 0, nprev = 0, nc = 0, rc, grouped = a->group != RPT_BY_NONE && a->group != RPT_BY_SITE;
	int64_t prev_sum = 0;
	char span[40], f[16], to[16];

	snprintf(res->title, sizeof(res->title), "Sales and income");
	report_subtitle(a, res);
	if ((rc = rpt_money_rows(db, a, a->from, a->to, &rows, &n)))
		return rc;
	if (a->yoy && (rc = rpt_money_rows(db, a, year_before(a->from, a->utc_offset_min),
					   year_before(a->to, a->utc_offset_min), &prev, &nprev)))
		goto out;
	h[nc++] = "period";
	if (grouped)
		h[nc++] = report_group_name(a->group);
	for (int i = 0; i < RPT_MONEY_COLS; i++)
		h[nc++] = rpt_money_headers[i];
	if (a->yoy)
		h[nc++] = "net_last_year";
	if (!(t = rpt_table_new(nc, h))) {
		rc = err_set(-SD_NOMEM, "report");
		goto out;
	}
	rpt_money_kinds(t, grouped ? 2 : 1);
	if (a->yoy)
		rpt_table_set_kind(t, nc - 1, RPT_KIND_MONEY);
	snprintf(span, sizeof(span), "%s..%s", report_local_date(a->from, a->utc_offset_min, f, 16),
		 report_local_date(a->to - 1, a->utc_offset_min, to, 16));
	for (int i = 0; i < n && !rc; i++) {
		const char *cells[2 + RPT_MONEY_COLS + 1];
		char buf[8][24], ly[24];
		int k = 0;
		cells[k++] = strcmp(rows[i].period, "span") ? rows[i].period : span;
		if (grouped)
			cells[k++] = rows[i].group;
		rpt_money_cells(&rows[i].m, cells + k, buf);
		k += RPT_MONEY_COLS;
		if (a->yoy) {
			int64_t v = last_year_net(prev, nprev, rows[i].period, rows[i].group);
			cells[k++] = rpt_money_cell(v, ly, sizeof(ly));
		}
		rpt_money_add(&sum, &rows[i].m);
		rc = rpt_table_add(t, cells);
	}
	if (rc)
		goto out;
	rc = report_add_table(res, "Sales", t);
	t = NULL;
	if (rc)
		goto out;
	/* The totals: the same columns over the whole span. */
	for (int i = 0; i < nprev; i++)
		prev_sum += prev[i].m.net;
	{
		const char *th[RPT_MONEY_COLS + 2], *cells[RPT_MONEY_COLS + 2];
		char buf[8][24], ly[24];
		int k = 0;
		th[k++] = "period";
		for (int i = 0; i < RPT_MONEY_COLS; i++)
			th[k++] = rpt_money_headers[i];
		if (a->yoy)
			th[k++] = "net_last_year";
		if (!(tt = rpt_table_new(k, th))) {
			rc = err_set(-SD_NOMEM, "report");
			goto out;
		}
		rpt_money_kinds(tt, 1);
		if (a->yoy)
			rpt_table_set_kind(tt, k - 1, RPT_KIND_MONEY);
		cells[0] = span;
		rpt_money_cells(&sum, cells + 1, buf);
		if (a->yoy)
			cells[k - 1] = rpt_money_cell(prev_sum, ly, sizeof(ly));
		if (!(rc = rpt_table_add(tt, cells))) {
			rc = report_add_table(res, "Totals", tt);
			tt = NULL;
		}
	}
out:
	rpt_table_free(t);
	rpt_table_free(tt);
	free(rows);
	free(prev);
	return rc;
}
