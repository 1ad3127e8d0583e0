/* rpt_energy_list: the meters offline as of an instant and the alarms
 * raised over a span (lists of meter state, not sums). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_int.h"
#include "err.h"
#include "rpt_energy_int.h"

/* Hours as "12.5" (one decimal, rounded down). */
static char *hours(int64_t s, char *buf, unsigned len)
{
	if (s < 0)
		s = 0;
	snprintf(buf, len, "%lld.%lld", (long long)(s / 3600), (long long)(s % 3600 / 360));
	return buf;
}

int rpe_offline_run(struct db *db, const struct report_args *a, struct report_result *res)
{
	static const char *const hd[] = { "Meter", "Account", "Building", "Last read",
					  "Offline since", ">Hours offline", ">Missed polls",
					  "Last error" };
	struct rpt_table *t;
	sqlite3_stmt *st = NULL;
	int64_t now = a->now ? a->now : a->to ? a->to : (int64_t)time(NULL);
	int rc, src = SQLITE_DONE;
	char b[8][48];

	memset(res, 0, sizeof(*res));
	snprintf(res->title, sizeof(res->title), "Meters offline");
	snprintf(res->subtitle, sizeof(res->subtitle), "As of %s; active meters the service "
		 "marks offline or has never read", rpe_time(now, a->utc_offset_min, b[0], sizeof(b[0])));
	if (!(t = rpt_table_new(8, hd)))
		return -SD_NOMEM;
	res->tables[0] = t;
	res->table_names[0] = "Offline";
	res->ntables = 1;
	/* Since: the meter_offline alarm open at now, else the last good
	 * reading (the alarm is raised only after some missed polls). */
	rc = db_prepare(db, &st,
			"SELECT m.meter_no, ifnull(a.account_no, ''), ifnull(a.building, ''), "
			"ifnull(s.read_at, 0), ifnull((SELECT min(e.raised_at) FROM events e "
			"  WHERE e.kind = 'meter_offline' AND e.meter_id = m.id AND e.raised_at <= ?1 "
			"  AND (e.cleared_at IS NULL OR e.cleared_at > ?1)), 0), "
			"ifnull(s.misses, 0), ifnull(s.last_error, '') "
			"FROM meters m LEFT JOIN accounts a ON a.id = m.account_id "
			"LEFT JOIN meter_state s ON s.meter_id = m.id "
			"WHERE m.status = 'active' AND ifnull(s.online, 0) = 0 "
			"AND (?2 IS NULL OR a.building = ?2) AND (?3 IS NULL OR a.account_no = ?3) "
			"AND (?4 IS NULL OR m.meter_no = ?4) ORDER BY m.meter_no",
			"innn", now, a->building, a->account_no, a->meter_no);
	while (!rc && (src = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t read_at = sqlite3_column_int64(st, 3), ev = sqlite3_column_int64(st, 4);
		int64_t since = ev ? ev : read_at;
		const char *cells[8];

		cells[0] = (const char *)sqlite3_column_text(st, 0);
		cells[1] = (const char *)sqlite3_column_text(st, 1);
		cells[2] = (const char *)sqlite3_column_text(st, 2);
		cells[3] = read_at ? rpe_time(read_at, a->utc_offset_min, b[3], sizeof(b[3]))
				   : "never";
		cells[4] = since ? rpe_time(since, a->utc_offset_min, b[4], sizeof(b[4])) : "";
		cells[5] = since ? hours(now - since, b[5], sizeof(b[5])) : "";
		snprintf(b[6], sizeof(b[6]), "%lld", (long long)sqlite3_column_int64(st, 5));
		cells[6] = b[6];
		cells[7] = (const char *)sqlite3_column_text(st, 6);
		rc = rpt_table_add(t, cells);
	}
	if (!rc && src != SQLITE_DONE)
		rc = db_error(db, src, "reading the meter state");
	sqlite3_finalize(st);
	if (rc)
		report_result_free(res);
	return rc;
}

/* Counts of one kind of alarm. */
struct kind_count {
	char kind[24];
	int64_t raised, cleared, acked;
};

int rpe_alarms_run(struct db *db, const struct report_args *a, struct report_result *res)
{
	static const char *const hd[] = { "Raised", "Kind", "Meter", "Bus", "Account", "Detail",
					  "Cleared", "Acknowledged", "By" };
	static const char *const hk[] = { "Kind", ">Raised", ">Cleared", ">Acknowledged",
					  ">Still open" };
	struct kind_count kinds[32];
	struct rpt_table *det, *byk;
	sqlite3_stmt *st = NULL;
	int64_t now = a->now ? a->now : INT64_MAX;
	int nk = 0, rc, src = SQLITE_DONE, i;
	char b[9][48];

	memset(res, 0, sizeof(*res));
	if (a->to <= a->from)
		return err_set(-SD_INVAL, "the span is empty: --to must be after --from");
	snprintf(res->title, sizeof(res->title), "Alarms");
	rpe_subtitle(a, "alarms raised in the span; cleared and acknowledged as of the report",
		     res);
	det = rpt_table_new(9, hd);
	byk = rpt_table_new(5, hk);
	res->tables[0] = det;
	res->table_names[0] = "Alarms";
	res->tables[1] = byk;
	res->table_names[1] = "By kind";
	res->ntables = 2;
	if (!det || !byk) {
		report_result_free(res);
		return -SD_NOMEM;
	}
	rc = db_prepare(db, &st,
			"SELECT e.raised_at, e.kind, ifnull(m.meter_no, ''), ifnull(b.name, ''), "
			"ifnull(a.account_no, ''), e.detail, ifnull(e.cleared_at, 0), "
			"ifnull(e.acked_at, 0), ifnull(o.login, '') FROM events e "
			"LEFT JOIN meters m ON m.id = e.meter_id LEFT JOIN buses b ON b.id = e.bus_id "
			"LEFT JOIN accounts a ON a.id = m.account_id "
			"LEFT JOIN operators o ON o.id = e.acked_by "
			"WHERE e.raised_at >= ?1 AND e.raised_at < ?2 "
			"AND (?3 IS NULL OR a.building = ?3) AND (?4 IS NULL OR a.account_no = ?4) "
			"AND (?5 IS NULL OR m.meter_no = ?5) ORDER BY e.raised_at, e.id",
			"iinnn", a->from, a->to, a->building, a->account_no, a->meter_no);
	while (!rc && (src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 1);
		int64_t cl = sqlite3_column_int64(st, 6), ak = sqlite3_column_int64(st, 7);
		const char *cells[9];

		/* Cleared or acknowledged after the report's instant is not yet. */
		if (cl > now)
			cl = 0;
		if (ak > now)
			ak = 0;
		cells[0] = rpe_time(sqlite3_column_int64(st, 0), a->utc_offset_min, b[0], sizeof(b[0]));
		for (i = 1; i <= 5; i++)
			cells[i] = (const char *)sqlite3_column_text(st, i);
		cells[6] = rpe_time(cl, a->utc_offset_min, b[6], sizeof(b[6]));
		cells[7] = rpe_time(ak, a->utc_offset_min, b[7], sizeof(b[7]));
		cells[8] = ak ? (const char *)sqlite3_column_text(st, 8) : "";
		rc = rpt_table_add(det, cells);
		for (i = 0; i < nk && strcmp(kinds[i].kind, kind); i++)
			;
		if (i == nk && nk < (int)(sizeof(kinds) / sizeof(kinds[0]))) {
			memset(&kinds[nk], 0, sizeof(kinds[nk]));
			snprintf(kinds[nk].kind, sizeof(kinds[nk].kind), "%s", kind);
			nk++;
		}
		if (i < nk) {
			kinds[i].raised++;
			kinds[i].cleared += cl != 0;
			kinds[i].acked += ak != 0;
		}
	}
	if (!rc && src != SQLITE_DONE)
		rc = db_error(db, src, "reading the alarms");
	sqlite3_finalize(st);
	for (i = 0; !rc && i < nk; i++) {
		const char *cells[5];

		cells[0] = kinds[i].kind;
		snprintf(b[1], sizeof(b[1]), "%lld", (long long)kinds[i].raised);
		snprintf(b[2], sizeof(b[2]), "%lld", (long long)kinds[i].cleared);
		snprintf(b[3], sizeof(b[3]), "%lld", (long long)kinds[i].acked);
		snprintf(b[4], sizeof(b[4]), "%lld", (long long)(kinds[i].raised - kinds[i].cleared));
		cells[1] = b[1];
		cells[2] = b[2];
		cells[3] = b[3];
		cells[4] = b[4];
		rc = rpt_table_add(byk, cells);
	}
	if (rc)
		report_result_free(res);
	return rc;
}
