/* db_alarm: the events table. */
#include "db_alarm.h"

#include "db_int.h"
#include "err.h"

int db_alarm_raise(struct db *db, const char *kind, int64_t meter_id, int64_t bus_id,
		   const char *detail, int64_t now, int *raised)
{
	int rc;

	/* The partial unique index events_open makes a second raise of an
	 * open alarm a no-op. */
	rc = db_run(db, "INSERT OR IGNORE INTO events(kind, meter_id, bus_id, detail, raised_at) "
			"VALUES (?, NULLIF(?, 0), NULLIF(?, 0), ?, ?)",
		    "tiiti", kind, meter_id, bus_id, detail ? detail : "", now);
	*raised = rc == 0 && sqlite3_changes(db->conn) > 0;
	return rc;
}

int db_alarm_clear(struct db *db, const char *kind, int64_t meter_id, int64_t bus_id,
		   int64_t now, int *cleared)
{
	int rc;

	rc = db_run(db, "UPDATE events SET cleared_at = ? WHERE kind = ? AND "
			"ifnull(meter_id, 0) = ? AND ifnull(bus_id, 0) = ? AND cleared_at IS NULL",
		    "itii", now, kind, meter_id, bus_id);
	*cleared = rc == 0 && sqlite3_changes(db->conn) > 0;
	return rc;
}

int db_alarm_ack(struct db *db, int64_t id, int64_t operator_id, int64_t now)
{
	int64_t acked;
	int rc;

	rc = db_int(db, &acked, "SELECT acked_at IS NOT NULL FROM events WHERE id = ?", "i", id);
	if (rc == -SD_NOT_FOUND)
		return err_set(rc, "no event %lld; see `saledesk alarm list`", (long long)id);
	if (rc)
		return rc;
	if (acked)
		return err_set(-SD_STATE, "event %lld was already acknowledged", (long long)id);
	return db_run(db, "UPDATE events SET acked_at = ?, acked_by = ? WHERE id = ?", "iii",
		      now, operator_id, id);
}

int db_alarm_each(struct db *db, const struct alarm_filter *f,
		  int (*fn)(const struct alarm_rec *, void *), void *ctx)
{
	sqlite3_stmt *st;
	struct alarm_rec a;
	int rc;

	rc = db_prepare(db, &st,
			"SELECT e.id, e.kind, ifnull(m.meter_no, ''), ifnull(b.name, ''), e.detail, "
			"e.raised_at, ifnull(e.cleared_at, 0), ifnull(e.acked_at, 0), "
			"ifnull(o.login, '') FROM events e "
			"LEFT JOIN meters m ON m.id = e.meter_id "
			"LEFT JOIN buses b ON b.id = e.bus_id "
			"LEFT JOIN operators o ON o.id = e.acked_by "
			"WHERE (? = 0 OR e.cleared_at IS NULL) AND (? = 0 OR e.acked_at IS NULL) "
			"AND (? IS NULL OR m.meter_no = ?) ORDER BY e.id DESC LIMIT ?",
			"IInni", f->open_only, f->unacked_only, f->meter_no, f->meter_no,
			f->limit > 0 ? f->limit : (int64_t)-1);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a.id = sqlite3_column_int64(st, 0);
		db_col_text(st, 1, a.kind, sizeof(a.kind));
		db_col_text(st, 2, a.meter_no, sizeof(a.meter_no));
		db_col_text(st, 3, a.bus, sizeof(a.bus));
		db_col_text(st, 4, a.detail, sizeof(a.detail));
		a.raised_at = sqlite3_column_int64(st, 5);
		a.cleared_at = sqlite3_column_int64(st, 6);
		a.acked_at = sqlite3_column_int64(st, 7);
		db_col_text(st, 8, a.acked_by, sizeof(a.acked_by));
		if ((rc = fn(&a, ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "alarm list");
out:
	sqlite3_finalize(st);
	return rc;
}
