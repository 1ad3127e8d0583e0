/* rpt_energy_util: numbers, local periods and the priced hourly walk that
 * the energy reports and the daily export share (rpt_energy_int.h). */
#include "rpt_energy_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "err.h"
#include "tariffs.h"

#define DAY_S INT64_C(86400)

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

char *rpe_yuan(int64_t fen, char *buf, unsigned len)
{
	uint64_t m = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;

	snprintf(buf, len, "%s%" PRIu64 ".%02" PRIu64, fen < 0 ? "-" : "", m / 100, m % 100);
	return buf;
}

char *rpe_kwh(int64_t wh, char *buf, unsigned len)
{
	uint64_t m = wh < 0 ? (uint64_t)0 - (uint64_t)wh : (uint64_t)wh;

	snprintf(buf, len, "%s%" PRIu64 ".%03" PRIu64, wh < 0 ? "-" : "", m / 1000, m % 1000);
	return buf;
}

char *rpe_time(int64_t at, int off_min, char *buf, unsigned len)
{
	int64_t local = at + (int64_t)off_min * 60, day = floordiv(local, DAY_S), y;
	int64_t sod = local - day * DAY_S;
	int m, d;

	if (at <= 0) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	tariff_civil_from_days(day, &y, &m, &d);
	snprintf(buf, len, "%04" PRId64 "-%02d-%02d %02d:%02d", y, m, d, (int)(sod / 3600),
		 (int)(sod % 3600 / 60));
	return buf;
}

int64_t rpe_bucket(int64_t at, int off_min, enum report_period p, int64_t span_from)
{
	int64_t off = (int64_t)off_min * 60, day, y;
	int m, d;

	switch (p) {
	case RPT_DAY:
		return floordiv(at + off, DAY_S) * DAY_S - off;
	case RPT_MONTH:
		return tariff_month_start(at, off_min);
	case RPT_YEAR:
		day = floordiv(at + off, DAY_S);
		tariff_civil_from_days(day, &y, &m, &d);
		return tariff_days_from_civil(y, 1, 1) * DAY_S - off;
	case RPT_SPAN:
	default:
		return span_from;
	}
}

int64_t rpe_bucket_end(int64_t start, int off_min, enum report_period p, int64_t span_to)
{
	int64_t off = (int64_t)off_min * 60, y;
	int m, d;

	switch (p) {
	case RPT_DAY:
		return start + DAY_S;
	case RPT_MONTH:
		return tariff_next_month_start(start, off_min);
	case RPT_YEAR:
		tariff_civil_from_days(floordiv(start + off, DAY_S), &y, &m, &d);
		return tariff_days_from_civil(y + 1, 1, 1) * DAY_S - off;
	case RPT_SPAN:
	default:
		return span_to;
	}
}

char *rpe_bucket_label(int64_t start, int64_t span_to, int off_min, enum report_period p,
		       char *buf, unsigned len)
{
	int64_t off = (int64_t)off_min * 60, y, y2;
	int m, d, m2, d2;

	tariff_civil_from_days(floordiv(start + off, DAY_S), &y, &m, &d);
	switch (p) {
	case RPT_DAY:
		snprintf(buf, len, "%04" PRId64 "-%02d-%02d", y, m, d);
		break;
	case RPT_MONTH:
		snprintf(buf, len, "%04" PRId64 "-%02d", y, m);
		break;
	case RPT_YEAR:
		snprintf(buf, len, "%04" PRId64, y);
		break;
	case RPT_SPAN:
	default:
		/* The span's last local day, both ends included. */
		tariff_civil_from_days(floordiv(span_to - 1 + off, DAY_S), &y2, &m2, &d2);
		snprintf(buf, len, "%04" PRId64 "-%02d-%02d..%04" PRId64 "-%02d-%02d", y, m, d, y2,
			 m2, d2);
		break;
	}
	return buf;
}

int64_t rpe_shift_years(int64_t at, int off_min, int years)
{
	int64_t off = (int64_t)off_min * 60, local = at + off, day = floordiv(local, DAY_S), y;
	int m, d;

	tariff_civil_from_days(day, &y, &m, &d);
	y += years;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		d = 28;
	return tariff_days_from_civil(y, m, d) * DAY_S + (local - day * DAY_S) - off;
}

/* The tariffs met so far, loaded once each for the walk. */
struct tariff_cache {
	struct tariff_set **sets;
	int n, cap;
};

static int cache_get(struct db *db, struct tariff_cache *c, int64_t id, int off_min,
		     const struct tariff **out)
{
	struct tariff_set *t;
	int i, rc;

	for (i = 0; i < c->n; i++)
		if (c->sets[i]->row.id == id) {
			*out = &c->sets[i]->engine;
			return 0;
		}
	if (c->n == c->cap) {
		int cap = c->cap ? c->cap * 2 : 8;
		struct tariff_set **s = realloc(c->sets, (size_t)cap * sizeof(*s));

		if (!s)
			return -SD_NOMEM;
		c->sets = s;
		c->cap = cap;
	}
	if ((rc = tariffs_load(db, NULL, id, off_min, &t)))
		return rc;
	c->sets[c->n++] = t;
	*out = &t->engine;
	return 0;
}

static void cache_free(struct tariff_cache *c)
{
	for (int i = 0; i < c->n; i++)
		tariffs_free(c->sets[i]);
	free(c->sets);
}

int rpe_walk_hours(struct db *db, const struct report_args *a, int64_t from, int64_t to,
		   int (*fn)(const struct rpe_meter *m, const struct rpe_hour *h, void *arg),
		   void *arg)
{
	struct tariff_cache cache = { 0 };
	const struct tariff *tariff = NULL;
	struct rpe_meter m;
	struct rpe_hour h;
	struct tariff_cost cost;
	sqlite3_stmt *st = NULL;
	int64_t mtd = 0, month_end = 0, first = tariff_month_start(from, a->utc_offset_min);
	int rc, src;

	memset(&m, 0, sizeof(m));
	m.id = -1;
	/* From the local month start: the hours before from only count
	 * towards the month-to-date energy the tier blocks start from. */
	rc = db_prepare(db, &st,
			"SELECT m.id, m.tariff_id, m.meter_no, ifnull(a.account_no, ''), "
			"ifnull(a.building, ''), h.hour_ts, h.wh "
			"FROM meters m LEFT JOIN accounts a ON a.id = m.account_id "
			"JOIN energy_hourly h ON h.meter_id = m.id AND h.hour_ts >= ?1 "
			"AND h.hour_ts < ?2 "
			"WHERE (?3 IS NULL OR a.building = ?3) AND (?4 IS NULL OR a.account_no = ?4) "
			"AND (?5 IS NULL OR m.meter_no = ?5) ORDER BY m.id, h.hour_ts",
			"iinnn", first, to, a->building, a->account_no, a->meter_no);
	if (rc)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		if (id != m.id) {
			m.id = id;
			m.tariff_id = sqlite3_column_int64(st, 1);
			db_col_text(st, 2, m.meter_no, sizeof(m.meter_no));
			db_col_text(st, 3, m.account_no, sizeof(m.account_no));
			db_col_text(st, 4, m.building, sizeof(m.building));
			if ((rc = cache_get(db, &cache, m.tariff_id, a->utc_offset_min, &tariff)))
				goto out;
			mtd = 0;
			month_end = 0;
		}
		memset(&h, 0, sizeof(h));
		h.hour_ts = sqlite3_column_int64(st, 5);
		h.wh = sqlite3_column_int64(st, 6);
		if (h.hour_ts >= month_end) {
			/* Tier blocks restart at each local month. */
			mtd = 0;
			month_end = tariff_next_month_start(h.hour_ts, a->utc_offset_min);
		}
		if (h.hour_ts >= from) {
			rc = tariff_cost(tariff, h.hour_ts, h.hour_ts + 3600, h.wh, mtd, &cost);
			if (rc && rc != -SD_TARIFF_NONE)
				goto out;
			if (!rc) {
				h.priced = 1;
				h.fen = cost.fen;
				memcpy(h.rate_wh, cost.wh, sizeof(h.rate_wh));
			}
			if ((rc = fn(&m, &h, arg)))
				goto out;
		}
		mtd += h.wh;
	}
	rc = src == SQLITE_DONE ? 0 : db_error(db, src, "reading the hourly energy");
out:
	sqlite3_finalize(st);
	cache_free(&cache);
	return rc;
}
