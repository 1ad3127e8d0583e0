/* rpt_finance_balance: recharged, used and remaining per account (the
 * finance report the sources name), and the arrears and low-balance
 * lists made from the same figures. Definitions (docs/reports.md,
 * "balances"):
 * - recharged: the account's credits, DB_LEDGER_IS_CREDIT (sales,
 *   refunds, adjustments and their reversals; not fees or debt
 *   repayments), in the span and in all;
 * - an account with a desk-billed meter (or no meter) is kept by the
 *   desk: used is its billed_usage, remaining = recharged - used, which
 *   is db_ledger_balance();
 * - an account of card or remote meters is kept by its meters: remaining
 *   is the sum of the meters' balance registers, used = purchased -
 *   balance (what the meters took from what reached them), and
 *   not_on_meter = recharged - purchased (sold at the desk, not yet in a
 *   meter: a card not yet inserted, a queued recharge). A meter never
 *   read leaves used and remaining empty. */
#include "rpt_finance_int.h"

#include <stdlib.h>
#include <string.h>

#include "alarm.h"
#include "clock.h"
#include "db_int.h"
#include "db_sale.h"
#include "err.h"

struct bal_row {
	char account_no[13], building[33], room[17], customer[65], phone[21], modes[32];
	int desk;             /* kept by the desk (billed or no meter) */
	int known;            /* used and remaining are known */
	int64_t span, total, used, remaining, not_on_meter, as_of;
	int64_t credit_limit, alarm[3], debt;
};

#define BAL_SQL \
	"WITH cr AS (SELECT l.account_id AS id, sum(l.amount) AS total, " \
	"  sum(CASE WHEN l.ts >= ?1 AND l.ts < ?2 THEN l.amount ELSE 0 END) AS span " \
	"  FROM ledger l LEFT JOIN ledger o ON o.id = l.reverses " \
	"  WHERE " DB_LEDGER_IS_CREDIT("l", "o") " GROUP BY l.account_id), " \
	"bu AS (SELECT account_id AS id, sum(fen) AS fen FROM billed_usage GROUP BY account_id), " \
	"ms AS (SELECT m.account_id AS id, max(m.mode = 'billed') AS billed, " \
	"  group_concat(DISTINCT m.mode) AS modes, count(*) AS nm, count(s.balance_fen) AS nread, " \
	"  sum(s.balance_fen) AS bal, sum(ifnull(s.purchased_fen, 0)) AS purch, " \
	"  min(s.read_at) AS asof " \
	"  FROM meters m LEFT JOIN meter_state s ON s.meter_id = m.id " \
	"  WHERE m.status = 'active' AND m.account_id IS NOT NULL GROUP BY m.account_id) " \
	"SELECT a.account_no, a.building, a.room, c.name, ifnull(c.phone, ''), " \
	"  ifnull(ms.modes, ''), ifnull(ms.billed, 0), ifnull(ms.nm, 0), ifnull(ms.nread, 0), " \
	"  ifnull(cr.span, 0), ifnull(cr.total, 0), ifnull(bu.fen, 0), ifnull(ms.bal, 0), " \
	"  ifnull(ms.purch, 0), ifnull(ms.asof, 0), a.credit_limit, a.alarm1, a.alarm2, a.alarm3, " \
	"  a.debt " \
	"FROM accounts a JOIN customers c ON c.id = a.customer_id " \
	"LEFT JOIN cr ON cr.id = a.id LEFT JOIN bu ON bu.id = a.id LEFT JOIN ms ON ms.id = a.id " \
	"WHERE a.status <> 'pre' AND (?3 IS NULL OR a.building = ?3) " \
	"  AND (?4 IS NULL OR a.account_no = ?4) " \
	"  AND (?5 IS NULL OR a.id = (SELECT account_id FROM meters WHERE meter_no = ?5)) " \
	"ORDER BY CAST(a.account_no AS INTEGER)"

/* Calls fn for every account of a's filters with its figures. */
static int each_balance(struct db *db, const struct report_args *a,
			int (*fn)(const struct bal_row *, void *), void *ctx)
{
	sqlite3_stmt *st;
	struct bal_row r;
	int rc;

	if ((rc = db_prepare(db, &st, BAL_SQL, "iinnn", a->from, a->to, a->building, a->account_no,
			     a->meter_no)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t nm, nread, usage, bal, purch;
		memset(&r, 0, sizeof(r));
		db_col_text(st, 0, r.account_no, sizeof(r.account_no));
		db_col_text(st, 1, r.building, sizeof(r.building));
		db_col_text(st, 2, r.room, sizeof(r.room));
		db_col_text(st, 3, r.customer, sizeof(r.customer));
		db_col_text(st, 4, r.phone, sizeof(r.phone));
		db_col_text(st, 5, r.modes, sizeof(r.modes));
		nm = sqlite3_column_int64(st, 7);
		nread = sqlite3_column_int64(st, 8);
		r.desk = sqlite3_column_int64(st, 6) || nm == 0;
		r.span = sqlite3_column_int64(st, 9);
		r.total = sqlite3_column_int64(st, 10);
		usage = sqlite3_column_int64(st, 11);
		bal = sqlite3_column_int64(st, 12);
		purch = sqlite3_column_int64(st, 13);
		r.credit_limit = sqlite3_column_int64(st, 15);
		for (int k = 0; k < 3; k++)
			r.alarm[k] = sqlite3_column_int64(st, 16 + k);
		r.debt = sqlite3_column_int64(st, 19);
		if (r.desk) {
			r.known = 1;
			r.used = usage;
			r.remaining = r.total - usage;
		} else if (nread == nm) {
			r.known = 1;
			r.remaining = bal;
			r.used = purch - bal;
			r.not_on_meter = r.total - purch;
			r.as_of = sqlite3_column_int64(st, 14);
		}
		if ((rc = fn(&r, ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "balances");
out:
	sqlite3_finalize(st);
	return rc;
}

struct bal_ctx {
	struct rpt_table *t;
	const struct report_args *a;
	int64_t n, unknown, span, total, used, remaining, not_on_meter;
	int64_t debt, owed;
};

static char *minute(int64_t t, int off, char *buf, size_t len)
{
	char full[32];

	if (!t) {
		buf[0] = 0;
		return buf;
	}
	clock_format_local(t, off, full, sizeof(full));
	snprintf(buf, len, "%.16s", full);
	return buf;
}

static int balance_row(const struct bal_row *r, void *p)
{
	struct bal_ctx *c = p;
	char b[6][24], asof[24];

	c->n++;
	c->span += r->span;
	c->total += r->total;
	if (r->known) {
		c->used += r->used;
		c->remaining += r->remaining;
		c->not_on_meter += r->not_on_meter;
	} else {
		c->unknown++;
	}
	return rpt_table_add(c->t, (const char *[]){
		r->account_no, r->building, r->room, r->customer, r->modes,
		r->desk ? "desk" : "meter",
		rpt_money_cell(r->span, b[0], 24), rpt_money_cell(r->total, b[1], 24),
		r->known ? rpt_money_cell(r->used, b[2], 24) : "",
		r->known ? rpt_money_cell(r->remaining, b[3], 24) : "",
		!r->desk && r->known ? rpt_money_cell(r->not_on_meter, b[4], 24) : "",
		minute(r->as_of, c->a->utc_offset_min, asof, sizeof(asof)) });
}

int rpt_finance_balances(struct db *db, const struct report_args *a, struct report_result *res)
{
	static const char *const h[] = { "account", "building", "room", "customer", "mode", "basis",
					 "recharged", "recharged_total", "used", "remaining",
					 "not_on_meter", "meter_read_at" };
	static const char *const th[] = { "accounts", "recharged", "recharged_total", "used",
					  "remaining", "not_on_meter", "unread" };
	struct bal_ctx c = { .a = a };
	struct rpt_table *tt;
	char b[7][24];
	int rc;

	snprintf(res->title, sizeof(res->title), "Recharged, used and remaining");
	report_subtitle(a, res);
	if ((rc = rpt_refuse(a, "balances", RPT_F_SHIFT | RPT_F_YOY)))
		return rc;
	if (!(c.t = rpt_table_new(12, h)))
		return err_set(-SD_NOMEM, "report");
	for (int k = 6; k < 11; k++)
		rpt_table_set_kind(c.t, k, RPT_KIND_MONEY);
	if ((rc = each_balance(db, a, balance_row, &c))) {
		rpt_table_free(c.t);
		return rc;
	}
	if ((rc = report_add_table(res, "Accounts", c.t)))
		return rc;
	if (!(tt = rpt_table_new(7, th)))
		return err_set(-SD_NOMEM, "report");
	rpt_table_set_kind(tt, 0, RPT_KIND_INT);
	for (int k = 1; k < 6; k++)
		rpt_table_set_kind(tt, k, RPT_KIND_MONEY);
	rpt_table_set_kind(tt, 6, RPT_KIND_INT);
	if ((rc = rpt_table_add(tt, (const char *[]){
		     rpt_int_cell(c.n, b[0], 24), rpt_money_cell(c.span, b[1], 24),
		     rpt_money_cell(c.total, b[2], 24), rpt_money_cell(c.used, b[3], 24),
		     rpt_money_cell(c.remaining, b[4], 24), rpt_money_cell(c.not_on_meter, b[5], 24),
		     rpt_int_cell(c.unknown, b[6], 24) }))) {
		rpt_table_free(tt);
		return rc;
	}
	return report_add_table(res, "Totals", tt);
}

static void as_of_subtitle(const struct report_args *a, struct report_result *res)
{
	char now[32], more[128] = "";

	clock_format_local(a->now, a->utc_offset_min, now, sizeof(now));
	if (a->building)
		snprintf(more, sizeof(more), ", building %s", a->building);
	snprintf(res->subtitle, sizeof(res->subtitle), "As of %.16s (site time)%s", now, more);
}

static int arrears_row(const struct bal_row *r, void *p)
{
	struct bal_ctx *c = p;
	int64_t owed;
	char b[4][24];

	if (!(r->known && r->remaining < 0) && r->debt <= 0)
		return 0;
	owed = (r->known && r->remaining < 0 ? -r->remaining : 0) + r->debt;
	c->n++;
	c->remaining += r->known && r->remaining < 0 ? r->remaining : 0;
	c->debt += r->debt;
	c->owed += owed;
	return rpt_table_add(c->t, (const char *[]){
		r->account_no, r->building, r->room, r->customer, r->phone, r->modes,
		r->known ? rpt_money_cell(r->remaining, b[0], 24) : "",
		rpt_money_cell(r->credit_limit, b[1], 24),
		r->known && r->remaining < -r->credit_limit ? "yes" : "no",
		rpt_money_cell(r->debt, b[2], 24), rpt_money_cell(owed, b[3], 24) });
}

int rpt_finance_arrears(struct db *db, const struct report_args *a, struct report_result *res)
{
	static const char *const h[] = { "account", "building", "room", "customer", "phone", "mode",
					 "balance", "credit_limit", "past_limit", "old_debt", "owed" };
	static const char *const th[] = { "accounts", "balance", "old_debt", "owed" };
	struct bal_ctx c = { .a = a };
	struct rpt_table *tt;
	char b[4][24];
	int rc;

	snprintf(res->title, sizeof(res->title), "Accounts in arrears");
	as_of_subtitle(a, res);
	if ((rc = rpt_refuse(a, "arrears", RPT_F_SHIFT | RPT_F_YOY)))
		return rc;
	if (!(c.t = rpt_table_new(11, h)))
		return err_set(-SD_NOMEM, "report");
	rpt_table_set_kind(c.t, 6, RPT_KIND_MONEY);
	rpt_table_set_kind(c.t, 7, RPT_KIND_MONEY);
	rpt_table_set_kind(c.t, 9, RPT_KIND_MONEY);
	rpt_table_set_kind(c.t, 10, RPT_KIND_MONEY);
	if ((rc = each_balance(db, a, arrears_row, &c))) {
		rpt_table_free(c.t);
		return rc;
	}
	if ((rc = report_add_table(res, "Arrears", c.t)))
		return rc;
	if (!(tt = rpt_table_new(4, th)))
		return err_set(-SD_NOMEM, "report");
	rpt_table_set_kind(tt, 0, RPT_KIND_INT);
	for (int k = 1; k < 4; k++)
		rpt_table_set_kind(tt, k, RPT_KIND_MONEY);
	if ((rc = rpt_table_add(tt, (const char *[]){
		     rpt_int_cell(c.n, b[0], 24), rpt_money_cell(c.remaining, b[1], 24),
		     rpt_money_cell(c.debt, b[2], 24), rpt_money_cell(c.owed, b[3], 24) }))) {
		rpt_table_free(tt);
		return rc;
	}
	return report_add_table(res, "Totals", tt);
}

static int low_row(const struct bal_row *r, void *p)
{
	struct bal_ctx *c = p;
	unsigned al;
	const char *level;
	char b[4][24];

	if (!r->known || r->alarm[0] <= 0)
		return 0;
	al = alarm_desk_balance(r->remaining, r->credit_limit, r->alarm);
	if (al & (1u << ALARM_LOW_BALANCE_3))
		level = "3";
	else if (al & (1u << ALARM_LOW_BALANCE_2))
		level = "2";
	else if (al & (1u << ALARM_LOW_BALANCE_1))
		level = "1";
	else
		return 0;
	c->n++;
	return rpt_table_add(c->t, (const char *[]){
		r->account_no, r->building, r->room, r->customer, r->phone, r->modes,
		rpt_money_cell(r->remaining, b[0], 24), level,
		rpt_money_cell(r->alarm[0], b[1], 24), rpt_money_cell(r->alarm[1], b[2], 24),
		rpt_money_cell(r->alarm[2], b[3], 24),
		(al & (1u << ALARM_ARREARS)) ? "yes" : "no" });
}

int rpt_finance_low_balance(struct db *db, const struct report_args *a, struct report_result *res)
{
	static const char *const h[] = { "account", "building", "room", "customer", "phone", "mode",
					 "balance", "level", "alarm1", "alarm2", "alarm3",
					 "arrears" };
	struct bal_ctx c = { .a = a };
	int rc;

	snprintf(res->title, sizeof(res->title), "Accounts at a low-balance level");
	as_of_subtitle(a, res);
	if ((rc = rpt_refuse(a, "low-balance", RPT_F_SHIFT | RPT_F_YOY)))
		return rc;
	if (!(c.t = rpt_table_new(12, h)))
		return err_set(-SD_NOMEM, "report");
	rpt_table_set_kind(c.t, 6, RPT_KIND_MONEY);
	rpt_table_set_kind(c.t, 7, RPT_KIND_INT);
	for (int k = 8; k < 11; k++)
		rpt_table_set_kind(c.t, k, RPT_KIND_MONEY);
	if ((rc = each_balance(db, a, low_row, &c))) {
		rpt_table_free(c.t);
		return rc;
	}
	return report_add_table(res, "Low balance", c.t);
}
