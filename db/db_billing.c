/* db_billing: billed_usage and the questions the poller asks of it. */
#include "db_billing.h"

#include "db_int.h"
#include "err.h"

int db_bill_insert(struct db *db, const struct bill_row *r)
{
	return db_run(db,
		      "INSERT INTO billed_usage(meter_id, account_id, from_ts, to_ts, energy_from, "
		      "energy_to, wh, mtd_wh, sharp_wh, peak_wh, flat_wh, valley_wh, fen, tariff_id) "
		      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		      "iiiiiiiiiiiiii", r->meter_id, r->account_id, r->from_ts, r->to_ts,
		      r->energy_from, r->energy_to, r->wh, r->mtd_wh, r->rate_wh[0], r->rate_wh[1],
		      r->rate_wh[2], r->rate_wh[3], r->fen, r->tariff_id);
}

int db_bill_cursor_get(struct db *db, int64_t meter_id, struct bill_cursor *c)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, &st, "SELECT ts, energy_wh, seen_at FROM billing_cursor "
				     "WHERE meter_id = ?", "i", meter_id);

	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		c->ts = sqlite3_column_int64(st, 0);
		c->energy_wh = sqlite3_column_int64(st, 1);
		c->seen_at = sqlite3_column_int64(st, 2);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? -SD_NOT_FOUND : db_error(db, rc, "billing cursor");
	}
	sqlite3_finalize(st);
	return rc;
}

int db_bill_cursor_set(struct db *db, int64_t meter_id, const struct bill_cursor *c)
{
	return db_run(db, "INSERT INTO billing_cursor(meter_id, ts, energy_wh, seen_at) "
			  "VALUES (?, ?, ?, ?) ON CONFLICT(meter_id) DO UPDATE SET ts = excluded.ts, "
			  "energy_wh = excluded.energy_wh, seen_at = excluded.seen_at",
		      "iiii", meter_id, c->ts, c->energy_wh, c->seen_at);
}

int db_bill_month_wh(struct db *db, int64_t meter_id, int64_t month_start, int64_t *wh)
{
	return db_int(db, wh,
		      "SELECT ifnull(sum(CASE WHEN from_ts >= ?2 THEN wh "
		      "ELSE wh * (to_ts - ?2) / (to_ts - from_ts) END), 0) "
		      "FROM billed_usage WHERE meter_id = ?1 AND to_ts > ?2",
		      "ii", meter_id, month_start);
}

int db_bill_relay_open_pending(struct db *db, int64_t meter_id, int64_t since, int64_t *n)
{
	return db_int(db, n,
		      "SELECT count(*) FROM commands WHERE meter_id = ? AND kind = 'relay_open' "
		      "AND (state IN ('queued', 'sent') OR (state = 'failed' AND updated_at > ?))",
		      "ii", meter_id, since);
}
