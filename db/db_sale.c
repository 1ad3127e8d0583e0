/* db_sale: sales, the ledger, receipts and shifts. */
#include "db_sale.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "err.h"

/* ---- sales ---- */

/* Sale s was reversed, or refunded: a correction row names its ledger
 * row, or a refund row names the sale in its note. */
#define SALE_REVERSED \
	"EXISTS (SELECT 1 FROM ledger x WHERE s.ledger_id IS NOT NULL AND (x.reverses = s.ledger_id " \
	"  OR (x.kind = 'refund' AND x.account_id = s.account_id " \
	"      AND x.note LIKE 'refund of sale ' || s.id || ':%')))"
#define SALE_COLS \
	"s.id, s.status, s.mode, s.account_id, a.account_no, s.meter_id, m.meter_no, " \
	"ifnull(s.card_id, 0), ifnull(s.purchase_seq, 0), s.amount, s.debt_paid, s.credited, " \
	"s.energy_wh, s.tendered, s.operator_id, o.login, s.shift_id, s.created_at, " \
	"ifnull(s.settled_at, 0), ifnull(s.ledger_id, 0), s.reason, " \
	"ifnull((SELECT r.id FROM receipts r WHERE r.ledger_id = s.ledger_id), 0), " \
	SALE_REVERSED
#define SALE_FROM \
	" FROM sales s JOIN accounts a ON a.id = s.account_id JOIN meters m ON m.id = s.meter_id " \
	"JOIN operators o ON o.id = s.operator_id "

static void read_sale(sqlite3_stmt *st, struct sale_rec *s)
{
	memset(s, 0, sizeof(*s));
	s->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, s->status, sizeof(s->status));
	db_col_text(st, 2, s->mode, sizeof(s->mode));
	s->account_id = sqlite3_column_int64(st, 3);
	db_col_text(st, 4, s->account_no, sizeof(s->account_no));
	s->meter_id = sqlite3_column_int64(st, 5);
	db_col_text(st, 6, s->meter_no, sizeof(s->meter_no));
	s->card_id = sqlite3_column_int64(st, 7);
	s->purchase_seq = sqlite3_column_int64(st, 8);
	s->amount = sqlite3_column_int64(st, 9);
	s->debt_paid = sqlite3_column_int64(st, 10);
	s->credited = sqlite3_column_int64(st, 11);
	s->energy_wh = sqlite3_column_int64(st, 12);
	s->tendered = sqlite3_column_int64(st, 13);
	s->operator_id = sqlite3_column_int64(st, 14);
	db_col_text(st, 15, s->operator_login, sizeof(s->operator_login));
	s->shift_id = sqlite3_column_int64(st, 16);
	s->created_at = sqlite3_column_int64(st, 17);
	s->settled_at = sqlite3_column_int64(st, 18);
	s->ledger_id = sqlite3_column_int64(st, 19);
	db_col_text(st, 20, s->reason, sizeof(s->reason));
	s->receipt_id = sqlite3_column_int64(st, 21);
	s->reversed = sqlite3_column_int(st, 22);
}

/* Runs a one-row sale query; -SD_NOT_FOUND when it has no row. */
static int sale_one(struct db *db, struct sale_rec *out, const char *where, int64_t arg)
{
	char sql[2048];
	sqlite3_stmt *st;
	int rc;

	/* the columns hold a LIKE pattern with '%': pass them as an argument */
	snprintf(sql, sizeof(sql), "SELECT %s" SALE_FROM "WHERE %s", SALE_COLS, where);
	if ((rc = db_prepare(db, &st, sql, "i", arg)))
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_sale(st, out);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? -SD_NOT_FOUND : db_error(db, rc, "reading a sale");
	}
	sqlite3_finalize(st);
	return rc;
}

int db_sale_get(struct db *db, int64_t id, struct sale_rec *out)
{
	return sale_one(db, out, "s.id = ?", id);
}

int db_sale_pending_of(struct db *db, int64_t account_id, struct sale_rec *out)
{
	return sale_one(db, out, "s.account_id = ? AND s.status = 'pending'", account_id);
}

int db_sale_insert(struct db *db, struct sale_rec *s)
{
	struct sale_rec old;
	int64_t n = 0;
	int rc = db_sale_pending_of(db, s->account_id, &old);

	if (!rc)
		return err_set(-SD_SALE_PENDING, "sale %lld of account %s is still pending",
			       (long long)old.id, old.account_no);
	if (rc != -SD_NOT_FOUND)
		return rc;
	if (s->purchase_seq) {
		rc = db_int(db, &n,
			    "SELECT count(*) FROM sales s WHERE status <> 'void' AND purchase_seq = ?1 "
			    "AND ((mode = 'card' AND ?2 = 'card' AND account_id = ?3 "
			    "      AND NOT " SALE_REVERSED ") "
			    "  OR (mode = 'remote' AND ?2 = 'remote' AND meter_id = ?4))",
			    "itii", s->purchase_seq, s->mode, s->account_id, s->meter_id);
		if (rc)
			return rc;
		if (n)
			return err_set(-SD_EXISTS, "purchase %lld was already sold",
				       (long long)s->purchase_seq);
	}
	rc = db_run(db,
		    "INSERT INTO sales(mode, account_id, meter_id, card_id, purchase_seq, amount, "
		    "debt_paid, credited, energy_wh, tendered, operator_id, shift_id, created_at) "
		    "VALUES (?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?)",
		    "tiiiiiiiiiiii", s->mode, s->account_id, s->meter_id, s->card_id,
		    s->purchase_seq, s->amount, s->debt_paid, s->credited, s->energy_wh, s->tendered,
		    s->operator_id, s->shift_id, s->created_at);
	if (rc)
		return rc;
	return db_int(db, &s->id, "SELECT last_insert_rowid()", "");
}

int db_sale_find_seq(struct db *db, int64_t account_id, int64_t seq, int64_t *id)
{
	/* the newest: a cancelled purchase's number is reused by the next */
	return db_int(db, id, "SELECT id FROM sales WHERE account_id = ? AND mode = 'card' "
			      "AND purchase_seq = ? AND status = 'complete' ORDER BY id DESC LIMIT 1",
		      "ii", account_id, seq);
}

int db_cmd_cancel_recharge(struct db *db, int64_t meter_id, int64_t seq, int64_t *n)
{
	int rc = db_run(db, "UPDATE commands SET state = 'failed', reason = 'cancelled at the desk', "
			    "updated_at = strftime('%s', 'now') WHERE meter_id = ? AND kind = 'recharge' "
			    "AND purchase_seq = ? AND state = 'queued'",
			"ii", meter_id, seq);

	*n = rc ? 0 : sqlite3_changes(db->conn);
	return rc;
}

int db_sale_seq_dead(struct db *db, int64_t account_id, int64_t seq, int *dead)
{
	int64_t n = 0;
	int rc = db_int(db, &n,
			"SELECT (SELECT count(*) FROM sales s WHERE account_id = ?1 AND mode = 'card' "
			"  AND purchase_seq = ?2 AND status = 'complete' AND " SALE_REVERSED ") > 0 "
			"AND (SELECT count(*) FROM sales s WHERE account_id = ?1 AND mode = 'card' "
			"  AND purchase_seq = ?2 AND status = 'complete' AND NOT " SALE_REVERSED ") = 0",
			"ii", account_id, seq);

	*dead = n != 0;
	return rc;
}

/* Another desk process may have settled the sale since it was read:
 * exactly one pending row must change, or nothing is booked. */
static int settled_once(struct db *db, int rc, int64_t id)
{
	if (!rc && sqlite3_changes(db->conn) != 1)
		return err_set(-SD_STATE, "sale %lld was already settled by another desk process",
			       (long long)id);
	return rc;
}

int db_sale_complete(struct db *db, int64_t id, int64_t ledger_id, int64_t now)
{
	return settled_once(db, db_run(db, "UPDATE sales SET status = 'complete', ledger_id = ?, "
					   "settled_at = ? WHERE id = ? AND status = 'pending'",
				       "iii", ledger_id, now, id), id);
}

int db_sale_void(struct db *db, int64_t id, const char *reason, int64_t now)
{
	return settled_once(db, db_run(db, "UPDATE sales SET status = 'void', reason = substr(?, 1, "
					   "200), settled_at = ? WHERE id = ? AND status = 'pending'",
				       "tii", reason, now, id), id);
}

int db_sale_each(struct db *db, const struct sale_filter *f,
		 int (*fn)(const struct sale_rec *, void *), void *ctx)
{
	struct sale_rec s;
	sqlite3_stmt *st;
	int rc;

	rc = db_prepare(db, &st,
			"SELECT " SALE_COLS SALE_FROM
			"WHERE (?1 = 0 OR s.account_id = ?1) AND (?2 = 0 OR s.shift_id = ?2) "
			"AND (?3 IS NULL OR s.status = ?3) "
			"AND (?4 = ?5 OR (s.created_at >= ?4 AND s.created_at < ?5)) "
			"ORDER BY CASE WHEN ?6 > 0 THEN -s.id ELSE s.id END LIMIT ?6",
			"iiniii", f->account_id, f->shift_id, f->status, f->from, f->to,
			f->limit > 0 ? f->limit : (int64_t)-1);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_sale(st, &s);
		if ((rc = fn(&s, ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "sale list");
out:
	sqlite3_finalize(st);
	return rc;
}

int db_sale_sum(struct db *db, int64_t account_id, int64_t from, int64_t to, int64_t *sum)
{
	return db_int(db, sum,
		      "SELECT ifnull(sum(amount), 0) FROM sales WHERE account_id = ? "
		      "AND status <> 'void' AND created_at >= ? AND created_at < ?",
		      "iii", account_id, from, to);
}

/* ---- ledger ---- */

#define LEDGER_COLS \
	"id, ts, kind, account_id, ifnull(meter_id, 0), ifnull(card_id, 0), amount, energy_wh, " \
	"ifnull(purchase_seq, 0), operator_id, ifnull(shift_id, 0), ifnull(reverses, 0), note"

static int ledger_one(struct db *db, struct ledger_rec *l, const char *where, int64_t a,
		      int64_t b, int64_t c)
{
	char sql[512];
	sqlite3_stmt *st;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT " LEDGER_COLS " FROM ledger WHERE %s LIMIT 1", where);
	if ((rc = db_prepare(db, &st, sql, "iii", a, b, c)))
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(l, 0, sizeof(*l));
		l->id = sqlite3_column_int64(st, 0);
		l->ts = sqlite3_column_int64(st, 1);
		db_col_text(st, 2, l->kind, sizeof(l->kind));
		l->account_id = sqlite3_column_int64(st, 3);
		l->meter_id = sqlite3_column_int64(st, 4);
		l->card_id = sqlite3_column_int64(st, 5);
		l->amount = sqlite3_column_int64(st, 6);
		l->energy_wh = sqlite3_column_int64(st, 7);
		l->purchase_seq = sqlite3_column_int64(st, 8);
		l->operator_id = sqlite3_column_int64(st, 9);
		l->shift_id = sqlite3_column_int64(st, 10);
		l->reverses = sqlite3_column_int64(st, 11);
		db_col_text(st, 12, l->note, sizeof(l->note));
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? -SD_NOT_FOUND : db_error(db, rc, "reading the ledger");
	}
	sqlite3_finalize(st);
	return rc;
}

int db_ledger_insert(struct db *db, struct ledger_rec *l)
{
	int rc = db_run(db,
			"INSERT INTO ledger(ts, kind, account_id, meter_id, card_id, amount, energy_wh, "
			"purchase_seq, operator_id, shift_id, reverses, note) "
			"VALUES (?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, NULLIF(?, 0), ?, "
			"NULLIF(?, 0), NULLIF(?, 0), ?)",
			"itiiiiiiiiit", l->ts, l->kind, l->account_id, l->meter_id, l->card_id,
			l->amount, l->energy_wh, l->purchase_seq, l->operator_id, l->shift_id,
			l->reverses, l->note);

	return rc ? rc : db_int(db, &l->id, "SELECT last_insert_rowid()", "");
}

int db_ledger_get(struct db *db, int64_t id, struct ledger_rec *out)
{
	return ledger_one(db, out, "id = ?1 AND ?2 = ?3", id, 0, 0);
}

int db_ledger_find(struct db *db, const char *kind, int64_t account_id, const char *note,
		   struct ledger_rec *out)
{
	sqlite3_stmt *st;
	int64_t id;
	int rc = db_prepare(db, &st, "SELECT id FROM ledger WHERE kind = ? AND account_id = ? "
				     "AND note = ?", "tit", kind, account_id, note);

	if (rc)
		return rc;
	rc = sqlite3_step(st);
	id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	rc = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -SD_NOT_FOUND : db_error(db, rc, "ledger");
	sqlite3_finalize(st);
	return rc ? rc : db_ledger_get(db, id, out);
}

int db_ledger_reversal_of(struct db *db, int64_t id, struct ledger_rec *out)
{
	struct ledger_rec orig;
	int rc = db_ledger_get(db, id, &orig);

	if (rc)
		return rc;
	return ledger_one(db, out,
			  "reverses = ?1 OR (kind = 'refund' AND ?2 > 0 AND account_id = ?3 "
			  "AND purchase_seq = ?2 AND meter_id IS (SELECT meter_id FROM ledger "
			  "WHERE id = ?1))",
			  id, orig.purchase_seq, orig.account_id);
}

int db_ledger_balance(struct db *db, int64_t account_id, int64_t *balance)
{
	/* Credits from the ledger, less what billed meters used (not cash, so
	 * not in the ledger): both sums are read in one statement, so they
	 * come from one snapshot even outside a transaction. */
	return db_int(db, balance,
		      "SELECT (SELECT ifnull(sum(l.amount), 0) FROM ledger l LEFT JOIN ledger o "
		      "ON o.id = l.reverses WHERE l.account_id = ?1 AND "
		      DB_LEDGER_IS_CREDIT("l", "o") ") - "
		      "(SELECT ifnull(sum(u.fen), 0) FROM billed_usage u WHERE u.account_id = ?1)",
		      "i", account_id);
}

int db_account_debt_add(struct db *db, int64_t account_id, int64_t delta)
{
	return db_run(db, "UPDATE accounts SET debt = max(0, debt + ?) WHERE id = ?", "ii", delta,
		      account_id);
}

/* ---- receipts ---- */

int db_receipt_insert(struct db *db, int64_t ledger_id, int64_t day, int64_t now,
		      const char *body, int64_t *id, char number[24])
{
	char tmp[24];
	int64_t next = 0;
	int rc;

	if ((rc = db_int(db, &next, "SELECT ifnull(max(id), 0) + 1 FROM receipts", "")))
		return rc;
	snprintf(tmp, sizeof(tmp), "%08lld-%06lld", (long long)day, (long long)next);
	rc = db_run(db, "INSERT INTO receipts(id, number, ledger_id, created_at, body) "
			"VALUES (?, ?, ?, ?, ?)",
		    "itiit", next, tmp, ledger_id, now, body);
	if (rc)
		return rc;
	*id = next;
	memcpy(number, tmp, sizeof(tmp));
	return 0;
}

int db_receipt_set_body(struct db *db, int64_t id, const char *body)
{
	return db_run(db, "UPDATE receipts SET body = ? WHERE id = ?", "ti", body, id);
}

static int receipt_one(struct db *db, struct receipt_rec *out, const char *where,
		       const char *types, ...)
{
	char sql[512];
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	snprintf(sql, sizeof(sql),
		 "SELECT id, number, ledger_id, created_at, body, prints, ifnull(invoiced_at, 0) "
		 "FROM receipts WHERE %s",
		 where);
	va_start(ap, types);
	rc = db_vprepare(db, &st, sql, types, ap);
	va_end(ap);
	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		db_col_text(st, 1, out->number, sizeof(out->number));
		out->ledger_id = sqlite3_column_int64(st, 2);
		out->created_at = sqlite3_column_int64(st, 3);
		out->body = strdup((const char *)sqlite3_column_text(st, 4));
		out->prints = sqlite3_column_int(st, 5);
		out->invoiced_at = sqlite3_column_int64(st, 6);
		rc = out->body ? 0 : err_set(-SD_NOMEM, "receipt");
	} else {
		rc = rc == SQLITE_DONE ? -SD_NOT_FOUND : db_error(db, rc, "reading a receipt");
	}
	sqlite3_finalize(st);
	return rc;
}

int db_receipt_get(struct db *db, const char *number, struct receipt_rec *out)
{
	if (number[0] && strspn(number, "0123456789") == strlen(number))
		return receipt_one(db, out, "id = ?", "i", (int64_t)strtoll(number, NULL, 10));
	return receipt_one(db, out, "number = ?", "t", number);
}

int db_receipt_of_ledger(struct db *db, int64_t ledger_id, struct receipt_rec *out)
{
	return receipt_one(db, out, "ledger_id = ?", "i", ledger_id);
}

int db_receipt_printed(struct db *db, int64_t id)
{
	return db_run(db, "UPDATE receipts SET prints = prints + 1 WHERE id = ?", "i", id);
}

int db_receipt_invoiced(struct db *db, int64_t id, int64_t ts)
{
	int64_t at = 0;
	int rc = db_int(db, &at, "SELECT ifnull(invoiced_at, 0) FROM receipts WHERE id = ?", "i", id);

	if (rc)
		return rc;
	if (at)
		return err_set(-SD_STATE, "receipt %lld is already marked invoiced", (long long)id);
	return db_run(db, "UPDATE receipts SET invoiced_at = ? WHERE id = ?", "ii", ts, id);
}

int db_receipt_each_unprinted(struct db *db, int (*fn)(const struct receipt_rec *, void *),
			      void *ctx)
{
	struct receipt_rec r;
	sqlite3_stmt *st;
	int rc;

	rc = db_prepare(db, &st,
			"SELECT id, number, ledger_id, created_at, prints, ifnull(invoiced_at, 0) "
			"FROM receipts WHERE prints = 0 ORDER BY id",
			"");
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.id = sqlite3_column_int64(st, 0);
		db_col_text(st, 1, r.number, sizeof(r.number));
		r.ledger_id = sqlite3_column_int64(st, 2);
		r.created_at = sqlite3_column_int64(st, 3);
		r.prints = sqlite3_column_int(st, 4);
		r.invoiced_at = sqlite3_column_int64(st, 5);
		if ((rc = fn(&r, ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "receipt list");
out:
	sqlite3_finalize(st);
	return rc;
}

/* ---- shifts ---- */

/* A shift with its totals: every ledger row booked to it, by kind; a
 * reversal counts under reversals whatever it reverses. Cash expected is
 * the float plus every movement. */
#define SHIFT_SELECT \
	"SELECT s.id, s.operator_id, o.login, o.name, s.opened_at, ifnull(s.closed_at, 0), " \
	"s.opening_float, ifnull(s.counted_cash, 0), " \
	"(SELECT count(*) FROM ledger l WHERE l.shift_id = s.id AND l.kind = 'sale'), " \
	"ifnull(sum(CASE WHEN l.kind = 'sale' THEN l.amount END), 0), " \
	"ifnull(sum(CASE WHEN l.kind = 'debt_repayment' THEN l.amount END), 0), " \
	"ifnull(sum(CASE WHEN l.kind = 'refund' THEN l.amount END), 0), " \
	"ifnull(sum(CASE WHEN l.kind = 'reversal' THEN l.amount END), 0), " \
	"ifnull(sum(CASE WHEN l.kind = 'fee' THEN l.amount END), 0), " \
	"ifnull(sum(CASE WHEN l.kind = 'adjustment' THEN l.amount END), 0), " \
	"s.opening_float + ifnull(sum(l.amount), 0), " \
	"(SELECT count(*) FROM sales p WHERE p.shift_id = s.id AND p.status = 'pending') " \
	"FROM shifts s JOIN operators o ON o.id = s.operator_id " \
	"LEFT JOIN ledger l ON l.shift_id = s.id "

static void read_shift(sqlite3_stmt *st, struct shift_rec *s)
{
	memset(s, 0, sizeof(*s));
	s->id = sqlite3_column_int64(st, 0);
	s->operator_id = sqlite3_column_int64(st, 1);
	db_col_text(st, 2, s->login, sizeof(s->login));
	db_col_text(st, 3, s->name, sizeof(s->name));
	s->opened_at = sqlite3_column_int64(st, 4);
	s->closed_at = sqlite3_column_int64(st, 5);
	s->opening_float = sqlite3_column_int64(st, 6);
	s->counted_cash = sqlite3_column_int64(st, 7);
	s->n_sales = sqlite3_column_int64(st, 8);
	s->sales = sqlite3_column_int64(st, 9);
	s->debt = sqlite3_column_int64(st, 10);
	s->refunds = sqlite3_column_int64(st, 11);
	s->reversals = sqlite3_column_int64(st, 12);
	s->fees = sqlite3_column_int64(st, 13);
	s->other = sqlite3_column_int64(st, 14);
	s->expected = sqlite3_column_int64(st, 15);
	s->n_pending = sqlite3_column_int64(st, 16);
}

static int shift_query(struct db *db, const char *where, int64_t a, int64_t limit,
		       int (*fn)(const struct shift_rec *, void *), void *ctx)
{
	char sql[2048];
	struct shift_rec s;
	sqlite3_stmt *st;
	int rc, found = 0;

	snprintf(sql, sizeof(sql), SHIFT_SELECT "WHERE %s GROUP BY s.id ORDER BY s.id DESC LIMIT ?2",
		 where);
	if ((rc = db_prepare(db, &st, sql, "ii", a, limit > 0 ? limit : (int64_t)-1)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_shift(st, &s);
		found = 1;
		if ((rc = fn(&s, ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? (found ? 0 : -SD_NOT_FOUND) : db_error(db, rc, "shift");
out:
	sqlite3_finalize(st);
	return rc;
}

static int copy_shift(const struct shift_rec *s, void *ctx)
{
	*(struct shift_rec *)ctx = *s;
	return 0;
}

int db_shift_open(struct db *db, int64_t operator_id, int64_t opening_float, int64_t now,
		  int64_t *id)
{
	struct shift_rec cur;
	int rc = db_shift_current(db, operator_id, &cur);

	if (!rc)
		return err_set(-SD_EXISTS, "shift %lld is already open", (long long)cur.id);
	if (rc != -SD_NOT_FOUND)
		return rc;
	rc = db_run(db, "INSERT INTO shifts(operator_id, opened_at, opening_float) VALUES (?, ?, ?)",
		    "iii", operator_id, now, opening_float);
	return rc ? rc : db_int(db, id, "SELECT last_insert_rowid()", "");
}

int db_shift_current(struct db *db, int64_t operator_id, struct shift_rec *out)
{
	return shift_query(db, "s.operator_id = ?1 AND s.closed_at IS NULL", operator_id, 1,
			   copy_shift, out);
}

int db_shift_get(struct db *db, int64_t id, struct shift_rec *out)
{
	return shift_query(db, "s.id = ?1", id, 1, copy_shift, out);
}

int db_shift_close(struct db *db, int64_t id, int64_t counted, int64_t now)
{
	return db_run(db, "UPDATE shifts SET closed_at = ?, counted_cash = ? "
			  "WHERE id = ? AND closed_at IS NULL",
		      "iii", now, counted, id);
}

int db_shift_each(struct db *db, int64_t operator_id, int64_t limit,
		  int (*fn)(const struct shift_rec *, void *), void *ctx)
{
	int rc = shift_query(db, "?1 = 0 OR s.operator_id = ?1", operator_id, limit, fn, ctx);

	return rc == -SD_NOT_FOUND ? 0 : rc;
}
