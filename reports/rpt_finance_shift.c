/* rpt_finance_shift: shift reconciliation, the Z-report and the daily
 * close. Shift figures come from db_shift_get()/db_shift_each() — the
 * same SQL as closing a shift — and the Z-report's lines from
 * shift_zreport_lines(), the same as the printed one. */
#include "rpt_finance_int.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db_int.h"
#include "db_sale.h"
#include "err.h"
#include "shift.h"

/* Cash in and cash out of a shift: the sum of its positive ledger rows,
 * and of its negative ones as a positive amount paid out. */
static int shift_in_out(struct db *db, int64_t shift_id, int64_t *in, int64_t *out)
{
	int rc = db_int(db, in, "SELECT ifnull(sum(max(amount, 0)), 0) FROM ledger WHERE shift_id = ?",
			"i", shift_id);

	return rc ? rc : db_int(db, out, "SELECT ifnull(sum(max(-amount, 0)), 0) FROM ledger "
					 "WHERE shift_id = ?", "i", shift_id);
}

struct shift_list {
	struct shift_rec *v;
	int n, cap;
	int64_t from, to;
};

static int keep_shift(const struct shift_rec *s, void *ctx)
{
	struct shift_list *l = ctx;

	if (s->opened_at < l->from || s->opened_at >= l->to)
		return 0;
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 16;
		struct shift_rec *v = realloc(l->v, (size_t)cap * sizeof(*v));
		if (!v)
			return err_set(-SD_NOMEM, "shifts");
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *s;
	return 0;
}

/* The shifts of the report: a->shift_id alone, or those of a->operator_id
 * (0: all) opened in [a->from, a->to), oldest first. */
static int load_shifts(struct db *db, const struct report_args *a, struct shift_list *l)
{
	int rc;

	memset(l, 0, sizeof(*l));
	l->from = a->from;
	l->to = a->to;
	if (a->shift_id) {
		struct shift_rec s;
		if ((rc = db_shift_get(db, a->shift_id, &s)))
			return rc == -SD_NOT_FOUND ? err_set(rc, "no shift %lld", (long long)a->shift_id)
						   : rc;
		if (a->operator_id && s.operator_id != a->operator_id)
			return err_set(-SD_PERM, "shift %lld is another operator's",
				       (long long)a->shift_id);
		l->from = INT64_MIN;
		l->to = INT64_MAX;
		return keep_shift(&s, l);
	}
	if ((rc = db_shift_each(db, a->operator_id, 0, keep_shift, l)))
		return rc;
	for (int i = 0; i < l->n / 2; i++) {
		struct shift_rec t = l->v[i];
		l->v[i] = l->v[l->n - 1 - i];
		l->v[l->n - 1 - i] = t;
	}
	return 0;
}

static char *local_minute(int64_t t, int off, char *buf, size_t len)
{
	char full[32];

	if (!t) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	clock_format_local(t, off, full, sizeof(full));
	snprintf(buf, len, "%.16s", full);
	return buf;
}

int rpt_finance_shift(struct db *db, const struct report_args *a, struct report_result *res)
{
	static const char *const h[] = {
		"shift", "operator", "opened", "closed", "float", "cash_in", "cash_out", "expected",
		"counted", "over_short", "sales_n", "sales", "debt_repaid", "fees", "refunds",
		"reversals", "adjustments", "pending"
	};
	static const char *const th[] = { "shifts", "float", "cash_in", "cash_out", "expected",
					   "counted", "over_short", "pending" };
	struct shift_list l;
	struct rpt_table *t, *tt = NULL;
	int64_t tot[7] = { 0 };
	int rc;

	snprintf(res->title, sizeof(res->title), "Shift reconciliation");
	report_subtitle(a, res);
	if ((rc = rpt_refuse(a, "shift", RPT_F_BUILDING | RPT_F_ACCOUNT | RPT_F_METER | RPT_F_YOY)))
		return rc;
	if ((rc = load_shifts(db, a, &l)))
		goto out0;
	if (!(t = rpt_table_new(18, h))) {
		rc = err_set(-SD_NOMEM, "report");
		goto out0;
	}
	rpt_table_set_kind(t, 0, RPT_KIND_INT);
	for (int c = 4; c < 10; c++)
		rpt_table_set_kind(t, c, RPT_KIND_MONEY);
	rpt_table_set_kind(t, 10, RPT_KIND_INT);
	for (int c = 11; c < 17; c++)
		rpt_table_set_kind(t, c, RPT_KIND_MONEY);
	rpt_table_set_kind(t, 17, RPT_KIND_INT);
	for (int i = 0; i < l.n && !rc; i++) {
		const struct shift_rec *s = &l.v[i];
		char b[18][24], op[24], cl[24];
		int64_t in, outv;
		const char *cells[18];
		if ((rc = shift_in_out(db, s->id, &in, &outv)))
			break;
		cells[0] = rpt_int_cell(s->id, b[0], 24);
		cells[1] = s->login;
		cells[2] = local_minute(s->opened_at, a->utc_offset_min, op, sizeof(op));
		cells[3] = s->closed_at ? local_minute(s->closed_at, a->utc_offset_min, cl, sizeof(cl))
					: "open";
		cells[4] = rpt_money_cell(s->opening_float, b[4], 24);
		cells[5] = rpt_money_cell(in, b[5], 24);
		cells[6] = rpt_money_cell(outv, b[6], 24);
		cells[7] = rpt_money_cell(s->expected, b[7], 24);
		cells[8] = s->closed_at ? rpt_money_cell(s->counted_cash, b[8], 24) : "";
		cells[9] = s->closed_at ? rpt_money_cell(s->counted_cash - s->expected, b[9], 24) : "";
		cells[10] = rpt_int_cell(s->n_sales, b[10], 24);
		cells[11] = rpt_money_cell(s->sales, b[11], 24);
		cells[12] = rpt_money_cell(s->debt, b[12], 24);
		cells[13] = rpt_money_cell(s->fees, b[13], 24);
		cells[14] = rpt_money_cell(s->refunds, b[14], 24);
		cells[15] = rpt_money_cell(s->reversals, b[15], 24);
		cells[16] = rpt_money_cell(s->other, b[16], 24);
		cells[17] = rpt_int_cell(s->n_pending, b[17], 24);
		tot[0] += s->opening_float;
		tot[1] += in;
		tot[2] += outv;
		tot[3] += s->expected;
		if (s->closed_at) {
			tot[4] += s->counted_cash;
			tot[5] += s->counted_cash - s->expected;
		}
		tot[6] += s->n_pending;
		rc = rpt_table_add(t, cells);
	}
	if (rc) {
		rpt_table_free(t);
		goto out0;
	}
	if ((rc = report_add_table(res, "Shifts", t)))
		goto out0;
	if (!(tt = rpt_table_new(8, th))) {
		rc = err_set(-SD_NOMEM, "report");
		goto out0;
	}
	rpt_table_set_kind(tt, 0, RPT_KIND_INT);
	for (int c = 1; c < 7; c++)
		rpt_table_set_kind(tt, c, RPT_KIND_MONEY);
	rpt_table_set_kind(tt, 7, RPT_KIND_INT);
	{
		char b[8][24];
		const char *cells[8];
		cells[0] = rpt_int_cell(l.n, b[0], 24);
		for (int c = 1; c < 7; c++)
			cells[c] = rpt_money_cell(tot[c - 1], b[c], 24);
		cells[7] = rpt_int_cell(tot[6], b[7], 24);
		if ((rc = rpt_table_add(tt, cells)))
			rpt_table_free(tt);
		else
			rc = report_add_table(res, "Totals", tt);
	}
out0:
	free(l.v);
	return rc;
}

int rpt_finance_zreport(struct db *db, const struct report_args *a, struct report_result *res)
{
	static const char *const h[] = { "item", "value", "amount" };
	struct shift_zline lines[SHIFT_Z_MAX];
	struct shift_rec s;
	struct rpt_table *t;
	char desk[64] = "";
	int rc, n;

	if ((rc = rpt_refuse(a, "zreport", RPT_F_BUILDING | RPT_F_ACCOUNT | RPT_F_METER | RPT_F_YOY)))
		return rc;
	if (!a->shift_id) {
		/* The operator's newest shift, open or closed. */
		struct shift_list l = { 0 };
		l.from = INT64_MIN;
		l.to = INT64_MAX;
		rc = db_shift_each(db, a->operator_id, 1, keep_shift, &l);
		if (!rc && !l.n)
			rc = err_set(-SD_NOT_FOUND, "no shift to report; give --shift ID");
		if (!rc)
			s = l.v[0];
		free(l.v);
		if (rc)
			return rc;
	} else if ((rc = db_shift_get(db, a->shift_id, &s))) {
		return rc == -SD_NOT_FOUND ? err_set(rc, "no shift %lld", (long long)a->shift_id) : rc;
	}
	if (a->operator_id && s.operator_id != a->operator_id)
		return err_set(-SD_PERM, "shift %lld is another operator's", (long long)s.id);
	db_setting_get(db, "site.name", desk, sizeof(desk));
	n = shift_zreport_lines(&s, desk, a->utc_offset_min, 0, lines);
	snprintf(res->title, sizeof(res->title), "Z-report of shift %lld", (long long)s.id);
	snprintf(res->subtitle, sizeof(res->subtitle), "%.60s%s%.120s, shift %lld", desk,
		 desk[0] ? ", " : "", s.name, (long long)s.id);
	if (!(t = rpt_table_new(3, h)))
		return err_set(-SD_NOMEM, "report");
	rpt_table_set_kind(t, 2, RPT_KIND_MONEY);
	/* The printed document's title lines and rules are the frame of a
	 * receipt, not figures: the table keeps the labelled lines. */
	for (int i = 0; i < n && !rc; i++) {
		char v[24], m[24];
		const struct shift_zline *l = &lines[i];
		if (l->kind == SHIFT_Z_NONE)
			continue;
		rc = rpt_table_add(t, (const char *[]){
			l->label,
			l->kind == SHIFT_Z_TEXT ? l->text
			: l->kind == SHIFT_Z_COUNT ? rpt_int_cell(l->n, v, sizeof(v)) : "",
			l->kind == SHIFT_Z_MONEY ? rpt_money_cell(l->n, m, sizeof(m)) : "" });
	}
	if (rc) {
		rpt_table_free(t);
		return rc;
	}
	return report_add_table(res, "Z-report", t);
}

int rpt_finance_daily_close(struct db *db, const struct report_args *a, struct report_result *res)
{
	static const char *const sh_h[] = { "shift", "operator", "opened", "closed", "float",
					    "expected", "counted", "over_short", "pending" };
	struct report_args by_op = *a;
	struct rpt_money_row *rows = NULL;
	struct rpt_money sum = { 0 };
	struct shift_list l = { 0 };
	struct rpt_table *t = NULL;
	int64_t over = 0, pending = 0;
	int n = 0, rc;

	snprintf(res->title, sizeof(res->title), "Daily close");
	report_subtitle(a, res);
	if ((rc = rpt_refuse(a, "daily-close", RPT_F_BUILDING | RPT_F_ACCOUNT | RPT_F_METER |
					       RPT_F_SHIFT | RPT_F_YOY)))
		return rc;
	by_op.period = RPT_SPAN;
	by_op.group = RPT_BY_OPERATOR;
	if ((rc = rpt_money_rows(db, &by_op, a->from, a->to, &rows, &n)))
		return rc;
	{
		const char *h[1 + RPT_MONEY_COLS];
		h[0] = "operator";
		memcpy(h + 1, rpt_money_headers, sizeof(rpt_money_headers));
		if (!(t = rpt_table_new(1 + RPT_MONEY_COLS, h))) {
			rc = err_set(-SD_NOMEM, "report");
			goto out;
		}
		rpt_money_kinds(t, 1);
		for (int i = 0; i < n && !rc; i++) {
			const char *cells[1 + RPT_MONEY_COLS];
			char b[8][24];
			cells[0] = rows[i].group;
			rpt_money_cells(&rows[i].m, cells + 1, b);
			rpt_money_add(&sum, &rows[i].m);
			rc = rpt_table_add(t, cells);
		}
		if (rc)
			goto out;
		rc = report_add_table(res, "By operator", t);
		t = NULL;
		if (rc)
			goto out;
	}
	/* Every shift that opened in the day, or was open during it. */
	l.from = INT64_MIN;
	l.to = a->to;
	if ((rc = db_shift_each(db, a->operator_id, 0, keep_shift, &l)))
		goto out;
	if (!(t = rpt_table_new(9, sh_h))) {
		rc = err_set(-SD_NOMEM, "report");
		goto out;
	}
	rpt_table_set_kind(t, 0, RPT_KIND_INT);
	for (int c = 4; c < 8; c++)
		rpt_table_set_kind(t, c, RPT_KIND_MONEY);
	rpt_table_set_kind(t, 8, RPT_KIND_INT);
	for (int i = l.n - 1; i >= 0 && !rc; i--) {
		const struct shift_rec *s = &l.v[i];
		char b[9][24], op[24], cl[24];
		if (s->closed_at && s->closed_at < a->from)
			continue;
		rc = rpt_table_add(t, (const char *[]){
			rpt_int_cell(s->id, b[0], 24), s->login,
			local_minute(s->opened_at, a->utc_offset_min, op, sizeof(op)),
			s->closed_at ? local_minute(s->closed_at, a->utc_offset_min, cl, sizeof(cl))
				     : "open",
			rpt_money_cell(s->opening_float, b[4], 24), rpt_money_cell(s->expected, b[5], 24),
			s->closed_at ? rpt_money_cell(s->counted_cash, b[6], 24) : "",
			s->closed_at ? rpt_money_cell(s->counted_cash - s->expected, b[7], 24) : "",
			rpt_int_cell(s->n_pending, b[8], 24) });
		if (s->closed_at)
			over += s->counted_cash - s->expected;
		pending += s->n_pending;
	}
	if (rc)
		goto out;
	rc = report_add_table(res, "Shifts", t);
	t = NULL;
	if (rc)
		goto out;
	{
		const char *h[RPT_MONEY_COLS + 2], *cells[RPT_MONEY_COLS + 2];
		char b[8][24], o[24], p[24];
		memcpy(h, rpt_money_headers, sizeof(rpt_money_headers));
		h[RPT_MONEY_COLS] = "over_short";
		h[RPT_MONEY_COLS + 1] = "pending";
		if (!(t = rpt_table_new(RPT_MONEY_COLS + 2, h))) {
			rc = err_set(-SD_NOMEM, "report");
			goto out;
		}
		rpt_money_kinds(t, 0);
		rpt_table_set_kind(t, RPT_MONEY_COLS, RPT_KIND_MONEY);
		rpt_table_set_kind(t, RPT_MONEY_COLS + 1, RPT_KIND_INT);
		rpt_money_cells(&sum, cells, b);
		cells[RPT_MONEY_COLS] = rpt_money_cell(over, o, sizeof(o));
		cells[RPT_MONEY_COLS + 1] = rpt_int_cell(pending, p, sizeof(p));
		if (!(rc = rpt_table_add(t, cells))) {
			rc = report_add_table(res, "Totals", t);
			t = NULL;
		}
	}
out:
	rpt_table_free(t);
	free(rows);
	free(l.v);
	return rc;
}
