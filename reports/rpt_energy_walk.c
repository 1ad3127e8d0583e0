/* rpt_energy_walk: the hourly energy rollup priced by the tariff engine in
 * pieces (rpe_walk in rpt_energy_int.h). A month of the S2 site is about
 * four million meter-hours: reading them as rows of energy_hourly and
 * pricing each alone took seconds, so the walk reads them 24 to a row
 * (energy_day_hours), and as a tariff without tier blocks is linear, sums
 * the hours that price alike and prices them once (docs/reports-energy.md,
 * "Charges"). */
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "err.h"
#include "rpt_energy_int.h"
#include "tariffs.h"

/* Hours that price alike: in one period, under one version for the whole
 * hour, with the same seconds at each rate. */
struct hour_class {
	int64_t bucket, rep; /* rep: its first hour, priced for all */
	int version;         /* -1: none in force (not priced) */
	int64_t secs[TARIFF_RATE_COUNT];
};

/* One tariff as the walk uses it: loaded once, and for a tariff without
 * tier blocks the class of every hour of the span. */
struct walk_tariff {
	struct tariff_set *set;
	int tiered;
	int *cls;   /* per hour from base */
	struct hour_class *c;
	int nc;
	int64_t *sum; /* per class: the current meter's Wh */
	int64_t *first_at;
};

struct walk {
	struct db *db;
	const struct report_args *a;
	int64_t from, to, base; /* base: the hour holding from */
	int nh;                 /* hours from base to to */
	enum report_period p;
	struct walk_tariff *t;
	int nt;
};

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int version_index(const struct tariff *t, int64_t at)
{
	const struct tariff_version *v;

	return tariff_version_at(t, at, &v) ? -1 : (int)(v - t->versions);
}

/* Sorts every hour of the span into classes for a tariff without tiers:
 * the split of 3600 Wh over the hour is its seconds at each rate. */
static int classify(struct walk *w, struct walk_tariff *wt)
{
	const struct tariff *t = &wt->set->engine;
	int bucket_first = 0;
	int64_t bucket = INT64_MIN;

	wt->cls = calloc((size_t)w->nh + 1, sizeof(*wt->cls));
	wt->c = calloc((size_t)w->nh + 1, sizeof(*wt->c));
	if (!wt->cls || !wt->c)
		return -SD_NOMEM;
	for (int i = 0; i < w->nh; i++) {
		int64_t h = w->base + (int64_t)i * 3600;
		struct hour_class k;
		struct tariff_cost cost;
		int j, rc;

		memset(&k, 0, sizeof(k));
		k.rep = h;
		k.bucket = w->p == RPT_SPAN ? w->from
					    : rpe_bucket(h, w->a->utc_offset_min, w->p, w->from);
		k.version = version_index(t, h);
		if (k.bucket != bucket) {
			bucket = k.bucket;
			bucket_first = wt->nc;
		}
		if (k.version >= 0) {
			rc = tariff_cost(t, h, h + 3600, 3600, 0, &cost);
			if (rc == -SD_TARIFF_NONE)
				k.version = -1;
			else if (rc)
				return rc;
			else
				memcpy(k.secs, cost.wh, sizeof(k.secs));
		}
		/* A version change inside the hour: the hour is its own class. */
		j = wt->nc;
		if (version_index(t, h + 3599) == k.version)
			for (j = bucket_first; j < wt->nc; j++)
				if (wt->c[j].version == k.version &&
				    !memcmp(wt->c[j].secs, k.secs, sizeof(k.secs)))
					break;
		if (j == wt->nc)
			wt->c[wt->nc++] = k;
		wt->cls[i] = j;
	}
	wt->sum = calloc((size_t)wt->nc + 1, sizeof(*wt->sum));
	wt->first_at = calloc((size_t)wt->nc + 1, sizeof(*wt->first_at));
	return wt->sum && wt->first_at ? 0 : -SD_NOMEM;
}

static int tariff_get(struct walk *w, int64_t id, struct walk_tariff **out)
{
	struct walk_tariff *wt;
	int i, rc;

	for (i = 0; i < w->nt; i++)
		if (w->t[i].set->row.id == id) {
			*out = &w->t[i];
			return 0;
		}
	wt = realloc(w->t, (size_t)(w->nt + 1) * sizeof(*wt));
	if (!wt)
		return -SD_NOMEM;
	w->t = wt;
	wt = &w->t[w->nt];
	memset(wt, 0, sizeof(*wt));
	if ((rc = tariffs_load(w->db, NULL, id, w->a->utc_offset_min, &wt->set)))
		return rc;
	w->nt++;
	for (size_t v = 0; v < wt->set->n_versions; v++)
		if (wt->set->versions[v].n_tiers > 0)
			wt->tiered = 1;
	*out = wt;
	return wt->tiered ? 0 : classify(w, wt);
}

static void walk_free(struct walk *w)
{
	for (int i = 0; i < w->nt; i++) {
		tariffs_free(w->t[i].set);
		free(w->t[i].cls);
		free(w->t[i].c);
		free(w->t[i].sum);
		free(w->t[i].first_at);
	}
	free(w->t);
}

/* Prices wh over the hour at (pc->at) with mtd Wh before it this month. */
static int price(const struct tariff *t, int64_t at, int64_t wh, int64_t mtd,
		 struct rpe_piece *pc)
{
	struct tariff_cost cost;
	int rc;

	memset(pc, 0, sizeof(*pc));
	pc->at = at;
	pc->wh = wh;
	rc = tariff_cost(t, at, at + 3600, wh, mtd, &cost);
	if (rc == -SD_TARIFF_NONE)
		return 0;
	if (rc)
		return rc;
	pc->priced = 1;
	pc->fen = cost.fen;
	memcpy(pc->rate_wh, cost.wh, sizeof(pc->rate_wh));
	return 0;
}

/* Prices the current meter's classes, in the order of their first hour. */
static int flush(struct walk_tariff *wt, const struct rpe_meter *m,
		 int (*fn)(const struct rpe_meter *, const struct rpe_piece *, void *), void *arg)
{
	struct rpe_piece pc;
	int rc = 0;

	if (!wt || wt->tiered)
		return 0;
	for (int k = 0; k < wt->nc && !rc; k++) {
		if (!wt->sum[k])
			continue;
		/* No version in force: the energy is counted, not priced. */
		if (wt->c[k].version < 0) {
			memset(&pc, 0, sizeof(pc));
			pc.wh = wt->sum[k];
		} else if ((rc = price(&wt->set->engine, wt->c[k].rep, wt->sum[k], 0, &pc))) {
			break;
		}
		pc.at = wt->first_at[k];
		rc = fn(m, &pc, arg);
	}
	for (int k = 0; k < wt->nc; k++)
		wt->sum[k] = 0;
	return rc;
}

int rpe_walk(struct db *db, const struct report_args *a, int64_t from, int64_t to,
	     enum report_period p,
	     int (*fn)(const struct rpe_meter *m, const struct rpe_piece *pc, void *arg), void *arg)
{
	struct walk w;
	struct walk_tariff *wt = NULL;
	struct rpe_meter m;
	struct rpe_piece pc;
	sqlite3_stmt *st = NULL;
	int64_t mtd = 0, month_end = 0, first = tariff_month_start(from, a->utc_offset_min);
	int rc, src;

	if (to <= from)
		return 0;
	memset(&w, 0, sizeof(w));
	w.db = db;
	w.a = a;
	w.from = from;
	w.to = to;
	w.p = p;
	w.base = floordiv(from, 3600) * 3600;
	w.nh = (int)((to - w.base + 3599) / 3600);
	memset(&m, 0, sizeof(m));
	m.id = -1;
	/* From the local month start: for a tiered tariff the hours before
	 * from count towards the month-to-date energy. The day rows hold the
	 * hourly rollup 24 hours a row (migration energy_day_hours). */
	rc = db_prepare(db, &st,
			"SELECT m.id, m.tariff_id, m.meter_no, ifnull(a.account_no, ''), "
			"ifnull(a.building, ''), d.day_ts, d.h0, d.h1, d.h2, d.h3, d.h4, d.h5, d.h6, "
			"d.h7, d.h8, d.h9, d.h10, d.h11, d.h12, d.h13, d.h14, d.h15, d.h16, d.h17, "
			"d.h18, d.h19, d.h20, d.h21, d.h22, d.h23 "
			"FROM meters m LEFT JOIN accounts a ON a.id = m.account_id "
			"JOIN energy_day_hours d ON d.meter_id = m.id AND d.day_ts >= ?1 "
			"AND d.day_ts < ?2 "
			"WHERE (?3 IS NULL OR a.building = ?3) AND (?4 IS NULL OR a.account_no = ?4) "
			"AND (?5 IS NULL OR m.meter_no = ?5) ORDER BY m.id, d.day_ts",
			"iinnn", floordiv(first, 86400) * 86400, to, a->building, a->account_no,
			a->meter_no);
	if (rc)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0), day;

		if (id != m.id) {
			if ((rc = flush(wt, &m, fn, arg)))
				goto out;
			m.id = id;
			m.tariff_id = sqlite3_column_int64(st, 1);
			db_col_text(st, 2, m.meter_no, sizeof(m.meter_no));
			db_col_text(st, 3, m.account_no, sizeof(m.account_no));
			db_col_text(st, 4, m.building, sizeof(m.building));
			if ((rc = tariff_get(&w, m.tariff_id, &wt)))
				goto out;
			mtd = 0;
			month_end = 0;
		}
		day = sqlite3_column_int64(st, 5);
		for (int k = 0; k < 24; k++) {
			int64_t h = day + k * 3600, wh = sqlite3_column_int64(st, 6 + k);

			if (!wh || h < first || h >= to)
				continue;
			if (!wt->tiered) {
				int c;

				if (h < from)
					continue;
				c = wt->cls[(h - w.base) / 3600];
				if (!wt->sum[c])
					wt->first_at[c] = h;
				wt->sum[c] += wh;
				continue;
			}
			if (h >= month_end) {
				/* Tier blocks restart at each local month. */
				mtd = 0;
				month_end = tariff_next_month_start(h, a->utc_offset_min);
			}
			if (h >= from &&
			    ((rc = price(&wt->set->engine, h, wh, mtd, &pc)) || (rc = fn(&m, &pc, arg))))
				goto out;
			mtd += wh;
		}
	}
	rc = src == SQLITE_DONE ? flush(wt, &m, fn, arg)
				: db_error(db, src, "reading the hourly energy");
out:
	sqlite3_finalize(st);
	walk_free(&w);
	return rc;
}
