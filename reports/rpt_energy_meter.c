/* rpt_energy_meter: the monthly freeze report (energy between a meter's
 * own freeze records, the basis of postpaid bills) and maximum demand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "err.h"
#include "rpt_energy_int.h"

/* A freeze record as the report reads it. */
struct frz {
	int64_t at, wh, rate[TARIFF_RATE_COUNT], md_w, reading;
	int has_reading;
};

/* What is wrong with a freeze, in words; "ok" when nothing. */
static void freeze_check(const struct frz *prev, const struct frz *f, char *buf, unsigned len)
{
	int64_t sum = 0;
	char k[32];
	int n = 0;

	buf[0] = '\0';
	for (int r = 0; r < TARIFF_RATE_COUNT; r++)
		sum += f->rate[r];
	/* The desk's reading is the last one before the freeze instant, so
	 * it can never be above what the meter froze (poll.c raises the
	 * freeze_mismatch alarm on the same rule). */
	if (!f->has_reading)
		n += snprintf(buf + n, len - (unsigned)n, "%sno desk reading", n ? "; " : "");
	else if (f->reading > f->wh)
		n += snprintf(buf + n, len - (unsigned)n, "%sMISMATCH: desk read %s kWh more",
			      n ? "; " : "", rpe_kwh(f->reading - f->wh, k, sizeof(k)));
	if (sum != f->wh && n < (int)len)
		n += snprintf(buf + n, len - (unsigned)n, "%sMISMATCH: rates sum to %s kWh",
			      n ? "; " : "", rpe_kwh(sum, k, sizeof(k)));
	if (prev && f->wh < prev->wh && n < (int)len)
		n += snprintf(buf + n, len - (unsigned)n, "%sregister went back (replaced?)",
			      n ? "; " : "");
	if (!prev && n < (int)len)
		n += snprintf(buf + n, len - (unsigned)n, "%sno earlier freeze", n ? "; " : "");
	if (!n)
		snprintf(buf, len, "ok");
}

int rpe_freeze_run(struct db *db, const struct report_args *a, struct report_result *res)
{
	static const char *const hd[] = { "Meter", "Account", "From", "To", ">Start kWh",
					  ">End kWh", ">kWh", ">Sharp kWh", ">Peak kWh",
					  ">Flat kWh", ">Valley kWh", ">MD kW",
					  ">Desk reading kWh", "Check" };
	static const char *const ht[] = { ">Freezes", ">kWh", ">Sharp kWh", ">Peak kWh",
					  ">Flat kWh", ">Valley kWh", ">Flagged" };
	struct rpt_table *det, *tot;
	struct frz prev, f;
	sqlite3_stmt *st = NULL;
	int64_t cur_meter = -1, tot_wh = 0, tot_rate[TARIFF_RATE_COUNT] = { 0 }, nfrz = 0, nflag = 0;
	int have_prev = 0, rc, src;
	char b[14][48], check[160];

	memset(res, 0, sizeof(*res));
	snprintf(res->title, sizeof(res->title), "Monthly freeze report");
	rpe_subtitle(a, "freezes in the span, each against the one before", res);
	det = rpt_table_new(14, hd);
	tot = rpt_table_new(7, ht);
	res->tables[0] = det;
	res->table_names[0] = "Freezes";
	res->tables[1] = tot;
	res->table_names[1] = "Totals";
	res->ntables = 2;
	if (!det || !tot) {
		report_result_free(res);
		return -SD_NOMEM;
	}
	rc = db_prepare(db, &st,
			"SELECT m.id, m.meter_no, ifnull(a.account_no, ''), f.freeze_at, f.energy_wh, "
			"f.sharp_wh, f.peak_wh, f.flat_wh, f.valley_wh, f.md_w, f.reading_wh "
			"FROM meters m LEFT JOIN accounts a ON a.id = m.account_id "
			"JOIN meter_freezes f ON f.meter_id = m.id AND f.freeze_at < ?1 "
			"WHERE (?2 IS NULL OR a.building = ?2) AND (?3 IS NULL OR a.account_no = ?3) "
			"AND (?4 IS NULL OR m.meter_no = ?4) ORDER BY m.meter_no, f.freeze_at",
			"innn", a->to, a->building, a->account_no, a->meter_no);
	while (!rc && (src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *cells[14];
		int64_t id = sqlite3_column_int64(st, 0);
		int r;

		if (id != cur_meter) {
			cur_meter = id;
			have_prev = 0;
		}
		memset(&f, 0, sizeof(f));
		f.at = sqlite3_column_int64(st, 3);
		f.wh = sqlite3_column_int64(st, 4);
		for (r = 0; r < TARIFF_RATE_COUNT; r++)
			f.rate[r] = sqlite3_column_int64(st, 5 + r);
		f.md_w = sqlite3_column_int64(st, 9);
		f.has_reading = sqlite3_column_type(st, 10) != SQLITE_NULL;
		f.reading = sqlite3_column_int64(st, 10);
		if (f.at >= a->from) {
			const struct frz *p = have_prev ? &prev : NULL;

			freeze_check(p, &f, check, sizeof(check));
			cells[0] = (const char *)sqlite3_column_text(st, 1);
			cells[1] = (const char *)sqlite3_column_text(st, 2);
			cells[2] = p ? rpe_time(p->at, a->utc_offset_min, b[2], sizeof(b[2])) : "";
			cells[3] = rpe_time(f.at, a->utc_offset_min, b[3], sizeof(b[3]));
			cells[4] = p ? rpe_kwh(p->wh, b[4], sizeof(b[4])) : "";
			cells[5] = rpe_kwh(f.wh, b[5], sizeof(b[5]));
			cells[6] = p ? rpe_kwh(f.wh - p->wh, b[6], sizeof(b[6])) : "";
			for (r = 0; r < TARIFF_RATE_COUNT; r++)
				cells[7 + r] = p ? rpe_kwh(f.rate[r] - p->rate[r], b[7 + r],
							   sizeof(b[7 + r]))
						 : "";
			cells[11] = rpe_kwh(f.md_w, b[11], sizeof(b[11]));
			cells[12] = f.has_reading ? rpe_kwh(f.reading, b[12], sizeof(b[12])) : "";
			cells[13] = check;
			rc = rpt_table_add(det, cells);
			nfrz++;
			if (strcmp(check, "ok"))
				nflag++;
			if (p) {
				tot_wh += f.wh - p->wh;
				for (r = 0; r < TARIFF_RATE_COUNT; r++)
					tot_rate[r] += f.rate[r] - p->rate[r];
			}
		}
		prev = f;
		have_prev = 1;
	}
	if (!rc && src != SQLITE_DONE)
		rc = db_error(db, src, "reading the freeze records");
	sqlite3_finalize(st);
	if (!rc) {
		const char *cells[7];

		snprintf(b[0], sizeof(b[0]), "%lld", (long long)nfrz);
		cells[0] = b[0];
		cells[1] = rpe_kwh(tot_wh, b[1], sizeof(b[1]));
		for (int r = 0; r < TARIFF_RATE_COUNT; r++)
			cells[2 + r] = rpe_kwh(tot_rate[r], b[2 + r], sizeof(b[2 + r]));
		snprintf(b[6], sizeof(b[6]), "%lld", (long long)nflag);
		cells[6] = b[6];
		rc = rpt_table_add(tot, cells);
	}
	if (rc)
		report_result_free(res);
	return rc;
}

/* The meters that pass a's filters, by number. */
static int meters_prepare(struct db *db, const struct report_args *a, sqlite3_stmt **st)
{
	return db_prepare(db, st,
			  "SELECT m.id, m.meter_no, ifnull(a.account_no, '') FROM meters m "
			  "LEFT JOIN accounts a ON a.id = m.account_id "
			  "WHERE (?1 IS NULL OR a.building = ?1) AND (?2 IS NULL OR a.account_no = ?2) "
			  "AND (?3 IS NULL OR m.meter_no = ?3) ORDER BY m.meter_no",
			  "nnn", a->building, a->account_no, a->meter_no);
}

int rpe_demand_run(struct db *db, const struct report_args *a, struct report_result *res)
{
	static const char *const hd[] = { "Month", "Meter", "Account", ">Freeze MD kW",
					  ">Max power kW", "Max power at", ">Demand kW" };
	struct rpt_table *det;
	sqlite3_stmt *ms = NULL, *fz = NULL, *pw = NULL;
	int64_t month;
	int rc, src = SQLITE_DONE;
	char b[7][48];

	memset(res, 0, sizeof(*res));
	if (a->to <= a->from)
		return err_set(-SD_INVAL, "the span is empty: --to must be after --from");
	snprintf(res->title, sizeof(res->title), "Maximum demand");
	rpe_subtitle(a, "per meter and local month", res);
	if (!(det = rpt_table_new(7, hd)))
		return -SD_NOMEM;
	res->tables[0] = det;
	res->table_names[0] = "Demand";
	res->ntables = 1;
	/* A freeze closes the month that holds the instant just before it
	 * (a freeze at 1 March 00:00 holds February's maximum demand). */
	rc = db_prepare(db, &fz, "SELECT max(md_w) FROM meter_freezes WHERE meter_id = ? "
				 "AND freeze_at > ? AND freeze_at <= ?", "");
	if (!rc)
		rc = db_prepare(db, &pw, "SELECT power_w, ts FROM meter_history WHERE meter_id = ? "
					 "AND ts >= ? AND ts < ? ORDER BY power_w DESC, ts LIMIT 1",
				"");
	if (!rc)
		rc = meters_prepare(db, a, &ms);
	while (!rc && (src = sqlite3_step(ms)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(ms, 0);

		for (month = rpe_bucket(a->from, a->utc_offset_min, RPT_MONTH, 0);
		     !rc && month < a->to; month = tariff_next_month_start(month, a->utc_offset_min)) {
			int64_t end = tariff_next_month_start(month, a->utc_offset_min);
			int64_t lo = month < a->from ? a->from : month, hi = end > a->to ? a->to : end;
			int64_t md = -1, pmax = -1, pat = 0;
			const char *cells[7];

			sqlite3_bind_int64(fz, 1, id);
			sqlite3_bind_int64(fz, 2, month);
			sqlite3_bind_int64(fz, 3, end);
			if (sqlite3_step(fz) == SQLITE_ROW && sqlite3_column_type(fz, 0) != SQLITE_NULL)
				md = sqlite3_column_int64(fz, 0);
			sqlite3_reset(fz);
			sqlite3_bind_int64(pw, 1, id);
			sqlite3_bind_int64(pw, 2, lo);
			sqlite3_bind_int64(pw, 3, hi);
			if (sqlite3_step(pw) == SQLITE_ROW) {
				pmax = sqlite3_column_int64(pw, 0);
				pat = sqlite3_column_int64(pw, 1);
			}
			sqlite3_reset(pw);
			if (md < 0 && pmax < 0)
				continue;
			cells[0] = rpe_bucket_label(month, a->to, a->utc_offset_min, RPT_MONTH, b[0],
						    sizeof(b[0]));
			cells[1] = (const char *)sqlite3_column_text(ms, 1);
			cells[2] = (const char *)sqlite3_column_text(ms, 2);
			cells[3] = md >= 0 ? rpe_kwh(md, b[3], sizeof(b[3])) : "";
			cells[4] = pmax >= 0 ? rpe_kwh(pmax, b[4], sizeof(b[4])) : "";
			cells[5] = pmax >= 0 ? rpe_time(pat, a->utc_offset_min, b[5], sizeof(b[5])) : "";
			cells[6] = rpe_kwh(md > pmax ? md : pmax, b[6], sizeof(b[6]));
			rc = rpt_table_add(det, cells);
		}
	}
	if (!rc && src != SQLITE_DONE)
		rc = db_error(db, src, "reading the meters");
	sqlite3_finalize(ms);
	sqlite3_finalize(fz);
	sqlite3_finalize(pw);
	if (rc)
		report_result_free(res);
	return rc;
}
