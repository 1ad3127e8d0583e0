/* db_meter_view: the meters, their state and alarms as the screens read
 * them. Read-only, except nothing: the poller writes, the desk reads. */
#include "db_meter_view.h"

#include <stdio.h>
#include <string.h>

#include "db_int.h"
#include "err.h"

/* The heartbeat setting the poller writes (db_poll_heartbeat). */
#define HEARTBEAT_KEY "poll.heartbeat"

/* One meter row; the columns match fill(). The open alarms are counted
 * once per query (a scan of the open ones only, the partial index
 * events_open), not once per meter. */
#define MV_SELECT \
	"SELECT m.id, m.meter_no, ifnull(a.account_no, ''), ifnull(c.name, ''), " \
	"ifnull(a.building, ''), a.floor IS NOT NULL, ifnull(a.floor, 0), ifnull(a.room, ''), " \
	"m.mode, m.status, ifnull(b.name, ''), ifnull(w.unit_id, 0), s.meter_id IS NOT NULL, " \
	"ifnull(s.online, 0), s.read_at IS NOT NULL, ifnull(s.relay, 0), " \
	"ifnull(s.keep_power, 0), ifnull(s.balance_fen, 0), ifnull(s.read_at, 0), " \
	"ifnull(s.updated_at, 0), " \
	"ifnull(ev.n, 0) " \
	"FROM meters m " \
	"LEFT JOIN accounts a ON a.id = m.account_id " \
	"LEFT JOIN customers c ON c.id = a.customer_id " \
	"LEFT JOIN meter_wiring w ON w.meter_id = m.id " \
	"LEFT JOIN buses b ON b.id = w.bus_id " \
	"LEFT JOIN meter_state s ON s.meter_id = m.id " \
	"LEFT JOIN (SELECT meter_id, count(*) AS n, max(kind = 'arrears') AS arrears " \
	"  FROM events WHERE cleared_at IS NULL AND meter_id IS NOT NULL " \
	"  GROUP BY meter_id) ev ON ev.meter_id = m.id "

static void fill(sqlite3_stmt *st, struct mv_meter *m)
{
	memset(m, 0, sizeof(*m));
	m->meter_id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, m->meter_no, sizeof(m->meter_no));
	db_col_text(st, 2, m->account_no, sizeof(m->account_no));
	db_col_text(st, 3, m->customer, sizeof(m->customer));
	db_col_text(st, 4, m->building, sizeof(m->building));
	m->has_floor = sqlite3_column_int(st, 5);
	m->floor = sqlite3_column_int(st, 6);
	db_col_text(st, 7, m->room, sizeof(m->room));
	db_col_text(st, 8, m->mode, sizeof(m->mode));
	db_col_text(st, 9, m->status, sizeof(m->status));
	db_col_text(st, 10, m->bus, sizeof(m->bus));
	m->unit = sqlite3_column_int(st, 11);
	m->has_state = sqlite3_column_int(st, 12);
	m->online = sqlite3_column_int(st, 13);
	m->has_reading = sqlite3_column_int(st, 14);
	m->relay = sqlite3_column_int(st, 15);
	m->keep_power = sqlite3_column_int(st, 16);
	m->balance_fen = sqlite3_column_int64(st, 17);
	m->read_at = sqlite3_column_int64(st, 18);
	m->updated_at = sqlite3_column_int64(st, 19);
	m->open_alarms = sqlite3_column_int(st, 20);
}

int db_mv_each(struct db *db, const struct mv_filter *f,
	       int (*fn)(const struct mv_meter *, void *), void *ctx)
{
	char like[80] = "";
	sqlite3_stmt *st;
	struct mv_meter m;
	int rc;

	if (f->text && *f->text) {
		/* A search, not a pattern: the LIKE wildcards are escaped. */
		size_t j = 0;
		like[j++] = '%';
		for (const char *p = f->text; *p && j < sizeof(like) - 3; p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				like[j++] = '\\';
			like[j++] = *p;
		}
		like[j++] = '%';
		like[j] = 0;
	}
	rc = db_prepare(db, &st,
			MV_SELECT
			"WHERE m.status = 'active' "
			"AND (?1 IS NULL OR m.meter_no LIKE ?1 ESCAPE '\\' "
			"  OR a.account_no LIKE ?1 ESCAPE '\\' OR c.name LIKE ?1 ESCAPE '\\' "
			"  OR a.room LIKE ?1 ESCAPE '\\' "
			"  OR (a.building || '-' || a.room) LIKE ?1 ESCAPE '\\') "
			"AND (?2 IS NULL OR a.building = ?2) "
			"AND (?3 = 0 OR a.floor = ?4) "
			"AND CASE ?5 WHEN 1 THEN s.online = 1 "
			"  WHEN 2 THEN w.meter_id IS NOT NULL AND ifnull(s.online, 0) = 0 "
			"  WHEN 3 THEN s.relay = 1 "
			"  WHEN 4 THEN ifnull(ev.arrears, 0) = 1 "
			"  WHEN 5 THEN ifnull(ev.n, 0) > 0 "
			"  ELSE 1 END "
			"ORDER BY a.building, a.floor, a.room, m.meter_no LIMIT ?6",
			"nnIIIi", like, f->building, f->has_floor, f->floor, (int)f->status,
			f->limit > 0 ? f->limit : (int64_t)-1);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fill(st, &m);
		if ((rc = fn(&m, ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "meter list");
out:
	sqlite3_finalize(st);
	return rc;
}

int db_mv_get(struct db *db, const char *meter_no, struct mv_meter *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_prepare(db, &st, MV_SELECT "WHERE m.meter_no = ?", "t", meter_no)))
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		fill(st, out);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = err_set(-SD_NOT_FOUND, "no meter %s", meter_no);
	} else {
		rc = db_error(db, rc, "meter");
	}
	sqlite3_finalize(st);
	return rc;
}

int db_mv_buildings(struct db *db, int (*fn)(const char *, void *), void *ctx)
{
	sqlite3_stmt *st;
	char b[33];
	int rc;

	rc = db_prepare(db, &st,
			"SELECT DISTINCT a.building FROM meters m JOIN accounts a "
			"ON a.id = m.account_id WHERE m.status = 'active' AND a.building <> '' "
			"ORDER BY a.building", "");
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_col_text(st, 0, b, sizeof(b));
		if ((rc = fn(b, ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "buildings");
out:
	sqlite3_finalize(st);
	return rc;
}

/* Runs a newest-first query of points and stores them oldest first. */
static int points(struct db *db, const char *sql, int64_t meter_id, struct mv_point *out, int n,
		  int *got, int history)
{
	sqlite3_stmt *st;
	int rc, k = 0;

	*got = 0;
	if ((rc = db_prepare(db, &st, sql, "iI", meter_id, n)))
		return rc;
	while (k < n && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct mv_point *p = &out[k++];
		memset(p, 0, sizeof(*p));
		p->ts = sqlite3_column_int64(st, 0);
		p->value = sqlite3_column_int64(st, 1);
		if (history) {
			p->energy_wh = sqlite3_column_int64(st, 2);
			p->balance_fen = sqlite3_column_int64(st, 3);
			p->voltage_dv = sqlite3_column_int64(st, 4);
		}
	}
	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_error(db, rc, "meter history");
	sqlite3_finalize(st);
	for (int i = 0; i < k / 2; i++) {
		struct mv_point t = out[i];
		out[i] = out[k - 1 - i];
		out[k - 1 - i] = t;
	}
	*got = k;
	return rc;
}

int db_mv_history(struct db *db, int64_t meter_id, struct mv_point *out, int n, int *got)
{
	return points(db,
		      "SELECT ts, power_w, energy_wh, balance_fen, voltage_dv FROM meter_history "
		      "WHERE meter_id = ? ORDER BY ts DESC LIMIT ?",
		      meter_id, out, n, got, 1);
}

int db_mv_daily(struct db *db, int64_t meter_id, struct mv_point *out, int n, int *got)
{
	return points(db,
		      "SELECT day_ts, wh FROM energy_daily WHERE meter_id = ? "
		      "ORDER BY day_ts DESC LIMIT ?",
		      meter_id, out, n, got, 0);
}

#define MV_ALARM_SELECT \
	"SELECT e.id, e.kind, ifnull(m.meter_no, ''), ifnull(b.name, ''), " \
	"ifnull(a.account_no, ''), ifnull(c.name, ''), e.detail, e.raised_at, " \
	"ifnull(e.cleared_at, 0), ifnull(e.acked_at, 0), ifnull(o.login, '') FROM events e " \
	"LEFT JOIN meters m ON m.id = e.meter_id " \
	"LEFT JOIN accounts a ON a.id = m.account_id " \
	"LEFT JOIN customers c ON c.id = a.customer_id " \
	"LEFT JOIN buses b ON b.id = e.bus_id " \
	"LEFT JOIN operators o ON o.id = e.acked_by "

static int alarm_rows(struct db *db, const char *sql, const char *meter_no, int64_t limit,
		      int (*fn)(const struct mv_alarm *, void *), void *ctx)
{
	sqlite3_stmt *st;
	struct mv_alarm a;
	int rc;

	if ((rc = db_prepare(db, &st, sql, "nni", meter_no, meter_no, limit)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&a, 0, sizeof(a));
		a.id = sqlite3_column_int64(st, 0);
		db_col_text(st, 1, a.kind, sizeof(a.kind));
		db_col_text(st, 2, a.meter_no, sizeof(a.meter_no));
		db_col_text(st, 3, a.bus, sizeof(a.bus));
		db_col_text(st, 4, a.account_no, sizeof(a.account_no));
		db_col_text(st, 5, a.customer, sizeof(a.customer));
		db_col_text(st, 6, a.detail, sizeof(a.detail));
		a.raised_at = sqlite3_column_int64(st, 7);
		a.cleared_at = sqlite3_column_int64(st, 8);
		a.acked_at = sqlite3_column_int64(st, 9);
		db_col_text(st, 10, a.acked_by, sizeof(a.acked_by));
		if ((rc = fn(&a, ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "alarms");
out:
	sqlite3_finalize(st);
	return rc;
}

int db_mv_alarms(struct db *db, const char *meter_no, int64_t cleared,
		 int (*fn)(const struct mv_alarm *, void *), void *ctx)
{
	int rc;

	rc = alarm_rows(db, MV_ALARM_SELECT "WHERE e.cleared_at IS NULL "
			"AND (? IS NULL OR m.meter_no = ?) ORDER BY e.id DESC LIMIT ?",
			meter_no, -1, fn, ctx);
	if (rc || cleared <= 0)
		return rc;
	return alarm_rows(db, MV_ALARM_SELECT "WHERE e.cleared_at IS NOT NULL "
			  "AND (? IS NULL OR m.meter_no = ?) ORDER BY e.cleared_at DESC, e.id DESC "
			  "LIMIT ?", meter_no, cleared, fn, ctx);
}

int db_mv_pulse(struct db *db, int64_t *heartbeat, int *interval_ms, int64_t *open_unacked)
{
	sqlite3_stmt *st;
	char hb[64];
	long long t = 0;
	int iv = 0, rc;

	rc = db_prepare(db, &st,
			"SELECT (SELECT value FROM settings WHERE key = '" HEARTBEAT_KEY "'), "
			"(SELECT count(*) FROM events WHERE cleared_at IS NULL AND acked_at IS NULL)",
			"");
	if (rc)
		return rc;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_col_text(st, 0, hb, sizeof(hb));
		if (sscanf(hb, "%lld %d", &t, &iv) < 1)
			t = 0;
		*heartbeat = t;
		*interval_ms = iv;
		*open_unacked = sqlite3_column_int64(st, 1);
		rc = 0;
	} else {
		rc = db_error(db, rc, "service pulse");
	}
	sqlite3_finalize(st);
	return rc;
}
