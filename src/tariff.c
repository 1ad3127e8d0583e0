/* tariff: the pricing engine (see tariff.h and docs/tariffs.md): civil
 * dates, month starts, version lookup, the cost of an interval, the energy
 * an amount buys and the price at an instant. Validation is in
 * tariff_check.c, the text form in tariff_text.c. */
#include "tariff.h"

#include <string.h>

#include "err.h"
#include "money.h"
#include "tariff_int.h"

/* Longest interval tariff_cost() takes: 100 years. Bounds the loop and
 * keeps every intermediate product far inside __int128. */
#define MAX_INTERVAL_SEC (INT64_C(36525) * SEC_PER_DAY)

/* ---- civil calendar ------------------------------------------------ */

/* Howard Hinnant's days_from_civil: counts in 400-year eras so that the
 * leap rule is exact for any year, before 1970 as well. */
int64_t tariff_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void tariff_civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468, era, doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t tariff_local_day(int64_t at, int off_min)
{
	return floor_div(at + (int64_t)off_min * 60, SEC_PER_DAY);
}

/* UTC instant of local midnight starting the given local day. */
static int64_t day_start(int64_t day, int off_min)
{
	return day * SEC_PER_DAY - (int64_t)off_min * 60;
}

int64_t tariff_month_start(int64_t at, int utc_offset_min)
{
	int64_t y;
	int m, d;

	tariff_civil_from_days(tariff_local_day(at, utc_offset_min), &y, &m,
			       &d);
	return day_start(tariff_days_from_civil(y, m, 1), utc_offset_min);
}

int64_t tariff_next_month_start(int64_t at, int utc_offset_min)
{
	int64_t y;
	int m, d;

	tariff_civil_from_days(tariff_local_day(at, utc_offset_min), &y, &m,
			       &d);
	if (++m > 12) {
		m = 1;
		y++;
	}
	return day_start(tariff_days_from_civil(y, m, 1), utc_offset_min);
}

/* ---- lookups --------------------------------------------------------- */

int tariff_season_has(const struct tariff_season *s, int mmdd)
{
	if (s->from_mmdd <= s->to_mmdd)
		return mmdd >= s->from_mmdd && mmdd <= s->to_mmdd;
	return mmdd >= s->from_mmdd || mmdd <= s->to_mmdd;
}

int tariff_seg_has(const struct tariff_segment *g, int minute)
{
	if (g->start_min < g->end_min)
		return minute >= g->start_min && minute < g->end_min;
	return minute >= g->start_min || minute < g->end_min;
}

static const struct tariff_season *season_at(const struct tariff_version *v,
					     int mmdd)
{
	int i;

	for (i = 0; i < v->n_seasons; i++)
		if (tariff_season_has(&v->seasons[i], mmdd))
			return &v->seasons[i];
	return NULL;
}

/* Finds the TOU rate in force at local second sod of local day `day`, and
 * the local minute at which that stretch ends, never past midnight so a
 * piece never spans two days (and two seasons). */
static int tou_rate(const struct tariff_version *v, int64_t day, int64_t sod,
		    enum tariff_rate *rate, int *end_min)
{
	const struct tariff_season *s;
	int64_t y;
	int m, d, i, minute = (int)(sod / 60);

	tariff_civil_from_days(day, &y, &m, &d);
	s = season_at(v, m * 100 + d);
	if (!s)
		return -SD_TARIFF;
	for (i = 0; i < s->n_segments; i++) {
		const struct tariff_segment *g = &s->segments[i];

		if (!tariff_seg_has(g, minute))
			continue;
		*rate = g->rate;
		if (g->start_min < g->end_min || minute < g->end_min)
			*end_min = g->end_min;
		else
			*end_min = TARIFF_DAY_MIN;
		return 0;
	}
	return -SD_TARIFF;
}

int tariff_version_at(const struct tariff *t, int64_t at,
		      const struct tariff_version **out)
{
	size_t i;

	for (i = t->n_versions; i-- > 0;) {
		if (t->versions[i].effective_from <= at) {
			*out = &t->versions[i];
			return 0;
		}
	}
	return -SD_TARIFF_NONE;
}

/* Index of the tier holding month-to-date use u (Wh). */
static int tier_at(const struct tariff_version *v, int64_t u)
{
	int i;

	for (i = 0; i < v->n_tiers - 1; i++)
		if (u < v->tiers[i].upto_wh)
			return i;
	return v->n_tiers - 1;
}

int tariff_price_at(const struct tariff *t, int64_t at, int64_t mtd_wh,
		    enum tariff_rate *rate, int64_t *price)
{
	const struct tariff_version *v;
	enum tariff_rate r = TARIFF_FLAT;
	int64_t p;
	int rc, end_min;

	if (at > MAX_ABS_TIME || at < -MAX_ABS_TIME)
		return -SD_INVAL;
	rc = tariff_version_at(t, at, &v);
	if (rc)
		return rc;
	if (v->kind == TARIFF_KIND_TOU) {
		int64_t day = tariff_local_day(at, t->utc_offset_min);
		int64_t sod = at + (int64_t)t->utc_offset_min * 60 -
			      day * SEC_PER_DAY;

		rc = tou_rate(v, day, sod, &r, &end_min);
		if (rc)
			return rc;
	}
	p = v->price[r];
	if (v->n_tiers > 0)
		p += v->tiers[tier_at(v, mtd_wh)].price_add;
	*rate = r;
	*price = p;
	return 0;
}

/* ---- cost of an interval -------------------------------------------- */

/* All energies below are "scaled": Wh times the interval length in
 * seconds, so that energy spread evenly over the interval falls on whole
 * numbers in every piece and nothing is rounded until the very end. */
struct cost_walk {
	__int128 num;                       /* scaled Wh * price units */
	__int128 rate_e[TARIFF_RATE_COUNT]; /* scaled Wh per rate */
	__int128 used;                      /* scaled Wh this month */
	int64_t dur;                        /* t1 - t0 */
};

/* Bills scaled energy e used at one rate, walking the tier blocks from the
 * month-to-date use: each block's share pays the rate's price plus that
 * block's increment. */
static void bill_piece(struct cost_walk *w, const struct tariff_version *v,
		       enum tariff_rate rate, __int128 e)
{
	int64_t base = v->price[rate];
	int i;

	w->rate_e[rate] += e;
	if (v->n_tiers == 0) {
		w->num += e * base;
		w->used += e;
		return;
	}
	for (i = 0; i < v->n_tiers && e > 0; i++) {
		const struct tariff_tier *tr = &v->tiers[i];
		__int128 take = e, hi;

		if (tr->upto_wh != TARIFF_TIER_OPEN && i < v->n_tiers - 1) {
			hi = (__int128)tr->upto_wh * w->dur;
			if (w->used >= hi)
				continue;
			if (take > hi - w->used)
				take = hi - w->used;
		}
		w->num += take * (base + tr->price_add);
		w->used += take;
		e -= take;
	}
}

/* Splits wh over the rates by largest remainder: floors first, then the
 * few Wh left go to the rates with the biggest fractions, so the parts sum
 * exactly to wh. Ties go to the rate listed first (sharp, peak, flat,
 * valley) so the split depends on nothing but the inputs. */
static void apportion(const struct cost_walk *w, int64_t wh, int64_t *out)
{
	__int128 rem[TARIFF_RATE_COUNT];
	int64_t left = wh;
	int i, j, best;

	for (i = 0; i < TARIFF_RATE_COUNT; i++) {
		out[i] = (int64_t)(w->rate_e[i] / w->dur);
		rem[i] = w->rate_e[i] % w->dur;
		left -= out[i];
	}
	for (j = 0; j < left; j++) {
		best = 0;
		for (i = 1; i < TARIFF_RATE_COUNT; i++)
			if (rem[i] > rem[best])
				best = i;
		out[best]++;
		rem[best] = -1;
	}
}

int tariff_cost(const struct tariff *t, int64_t t0, int64_t t1, int64_t wh,
		int64_t mtd_wh, struct tariff_cost *out)
{
	struct cost_walk w;
	int64_t cur = t0, month_end, fen;
	int off = t->utc_offset_min, rc;

	if (t1 <= t0 || wh < 0 || mtd_wh < 0 || t0 < -MAX_ABS_TIME ||
	    t1 > MAX_ABS_TIME || t1 - t0 > MAX_INTERVAL_SEC)
		return -SD_INVAL;
	memset(&w, 0, sizeof(w));
	w.dur = t1 - t0;
	w.used = (__int128)mtd_wh * w.dur;
	month_end = tariff_next_month_start(t0, off);
	while (cur < t1) {
		const struct tariff_version *v;
		enum tariff_rate rate = TARIFF_FLAT;
		int64_t end = t1;
		size_t vi;

		if (cur >= month_end) {
			w.used = 0; /* tiers restart each local month */
			month_end = tariff_next_month_start(cur, off);
		}
		rc = tariff_version_at(t, cur, &v);
		if (rc)
			return rc;
		vi = (size_t)(v - t->versions);
		if (vi + 1 < t->n_versions &&
		    t->versions[vi + 1].effective_from < end)
			end = t->versions[vi + 1].effective_from;
		if (month_end < end)
			end = month_end;
		if (v->kind == TARIFF_KIND_TOU) {
			int64_t day = tariff_local_day(cur, off);
			int64_t sod = cur + (int64_t)off * 60 - day * SEC_PER_DAY;
			int end_min;

			rc = tou_rate(v, day, sod, &rate, &end_min);
			if (rc)
				return rc;
			if (day_start(day, off) + end_min * 60 < end)
				end = day_start(day, off) + end_min * 60;
		}
		/* A piece always moves time forward on a valid tariff; an
		 * unvalidated one must not hang the desk. */
		if (end <= cur)
			return -SD_TARIFF;
		bill_piece(&w, v, rate, (__int128)wh * (end - cur));
		cur = end;
	}
	/* The one rounding: scaled Wh * price / (seconds * Wh-price per fen). */
	rc = money_round_div128(w.num, w.dur * PRICE_WH_PER_FEN, &fen);
	if (rc || fen > MONEY_MAX_FEN)
		return -SD_OVERFLOW;
	out->fen = fen;
	apportion(&w, wh, out->wh);
	return 0;
}

/* ---- energy an amount buys ------------------------------------------- */

int tariff_energy_for_amount(const struct tariff *t, int64_t at, int64_t fen,
			     int64_t mtd_wh, int64_t *wh)
{
	const struct tariff_version *v;
	__int128 money, total = 0;
	int64_t base, u = mtd_wh;
	int i, rc;

	if (fen < 0 || mtd_wh < 0 || at > MAX_ABS_TIME || at < -MAX_ABS_TIME)
		return -SD_INVAL;
	if (fen > MONEY_MAX_FEN)
		return -SD_OVERFLOW;
	rc = tariff_version_at(t, at, &v);
	if (rc)
		return rc;
	base = v->price[TARIFF_FLAT];
	if (v->kind == TARIFF_KIND_TOU && v->purchase_price > 0)
		base = v->purchase_price;
	if (base <= 0)
		return -SD_TARIFF;
	/* Money in Wh * price units: exact, so only the last block's
	 * division rounds, and it rounds down. */
	money = (__int128)fen * PRICE_WH_PER_FEN;
	if (v->n_tiers == 0) {
		total = money / base;
	} else {
		for (i = tier_at(v, u); i < v->n_tiers; i++) {
			int64_t p = base + v->tiers[i].price_add;
			__int128 cap, cost;

			if (i == v->n_tiers - 1) {
				total += money / p;
				break;
			}
			cap = v->tiers[i].upto_wh - u;
			cost = cap * p;
			if (money < cost) {
				total += money / p;
				break;
			}
			money -= cost;
			total += cap;
			u = v->tiers[i].upto_wh;
		}
	}
	if (total > INT64_MAX)
		return -SD_OVERFLOW;
	*wh = (int64_t)total;
	return 0;
}
