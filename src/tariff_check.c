/* tariff_check: validation of tariff versions and whole tariffs, with a
 * reason a person can act on (see tariff.h). */
#include "tariff.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "money.h"
#include "tariff_int.h"

__attribute__((format(printf, 3, 4)))
int tariff_fail(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (why && why_len) {
		va_start(ap, fmt);
		vsnprintf(why, why_len, fmt, ap);
		va_end(ap);
	}
	return -SD_TARIFF;
}

/* Days in a month of a leap year: season dates are checked against the
 * longest calendar so that 02-29 may be named. */
int tariff_mmdd_valid(int mmdd)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30,
				       31, 31, 30, 31, 30, 31 };
	int m = mmdd / 100, d = mmdd % 100;

	return m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1];
}

/* Names a season for messages: "" when it is the only, whole-year one. */
static void season_label(const struct tariff_version *v, int i, char *buf,
			 size_t len)
{
	char a[8], b[8];
	const struct tariff_season *s = &v->seasons[i];

	if (v->n_seasons == 1) {
		buf[0] = 0;
		return;
	}
	tariff_fmt_mmdd(s->from_mmdd, a, sizeof(a));
	tariff_fmt_mmdd(s->to_mmdd, b, sizeof(b));
	snprintf(buf, len, "season %s..%s: ", a, b);
}

static int check_price(const char *what, int64_t p, int zero_ok, char *why,
		       size_t why_len)
{
	char buf[MONEY_BUFSZ], max[MONEY_BUFSZ];

	if (p < 0)
		return tariff_fail(why, why_len,
				   "%s price must not be negative", what);
	if (p == 0 && !zero_ok)
		return tariff_fail(why, why_len,
				   "%s price must be greater than 0", what);
	if (p > TARIFF_PRICE_MAX)
		return tariff_fail(why, why_len,
				   "%s price %s is above the limit of %s "
				   "yuan/kWh", what,
				   price_format(p, buf, sizeof(buf)),
				   price_format(TARIFF_PRICE_MAX, max,
						sizeof(max)));
	return 0;
}

static int check_day(const struct tariff_version *v, int si, char *why,
		     size_t why_len)
{
	const struct tariff_season *s = &v->seasons[si];
	signed char owner[TARIFF_DAY_MIN];
	char lab[40], a[40], b[40], c[16], d[16];
	int i, m, gap;

	season_label(v, si, lab, sizeof(lab));
	if (s->n_segments < 1)
		return tariff_fail(why, why_len, "%sno time segments", lab);
	if (s->n_segments > TARIFF_MAX_SEGMENTS)
		return tariff_fail(why, why_len, "%smore than %d time segments",
				   lab, TARIFF_MAX_SEGMENTS);
	memset(owner, -1, sizeof(owner));
	for (i = 0; i < s->n_segments; i++) {
		const struct tariff_segment *g = &s->segments[i];

		if (g->start_min < 0 || g->start_min >= TARIFF_DAY_MIN ||
		    g->end_min < 1 || g->end_min > TARIFF_DAY_MIN)
			return tariff_fail(why, why_len,
					   "%ssegment %d: time out of "
					   "00:00-24:00", lab, i + 1);
		tariff_fmt_seg(g, a, sizeof(a));
		if (g->start_min == g->end_min)
			return tariff_fail(why, why_len,
					   "%ssegment %s is empty", lab, a);
		if ((unsigned)g->rate >= TARIFF_RATE_COUNT)
			return tariff_fail(why, why_len,
					   "%ssegment %s: unknown rate", lab,
					   a);
		if (v->price[g->rate] <= 0)
			return tariff_fail(why, why_len,
					   "%ssegment %s uses the %s rate, "
					   "which has no price", lab, a,
					   tariff_rate_name(g->rate));
		for (m = 0; m < TARIFF_DAY_MIN; m++) {
			if (!tariff_seg_has(g, m))
				continue;
			if (owner[m] >= 0) {
				tariff_fmt_seg(&s->segments[owner[m]], b,
					       sizeof(b));
				tariff_fmt_hhmm(m, c, sizeof(c));
				return tariff_fail(why, why_len,
						   "%ssegments %s and %s "
						   "overlap at %s", lab, b, a,
						   c);
			}
			owner[m] = (signed char)i;
		}
	}
	for (m = 0; m < TARIFF_DAY_MIN; m++) {
		if (owner[m] >= 0)
			continue;
		for (gap = m; gap < TARIFF_DAY_MIN && owner[gap] < 0; gap++)
			;
		tariff_fmt_hhmm(m, c, sizeof(c));
		tariff_fmt_hhmm(gap, d, sizeof(d));
		return tariff_fail(why, why_len,
				   "%sthe time %s-%s is in no segment", lab, c,
				   d);
	}
	return 0;
}

static int check_seasons(const struct tariff_version *v, char *why,
			 size_t why_len)
{
	int i, j, m, d, rc;
	char a[8];

	if (v->n_seasons < 1)
		return tariff_fail(why, why_len,
				   "a TOU tariff needs time segments");
	if (v->n_seasons > TARIFF_MAX_SEASONS)
		return tariff_fail(why, why_len, "more than %d seasons",
				   TARIFF_MAX_SEASONS);
	for (i = 0; i < v->n_seasons; i++) {
		const struct tariff_season *s = &v->seasons[i];

		if (!tariff_mmdd_valid(s->from_mmdd) ||
		    !tariff_mmdd_valid(s->to_mmdd))
			return tariff_fail(why, why_len,
					   "season %d: start or end is not a "
					   "date", i + 1);
		rc = check_day(v, i, why, why_len);
		if (rc)
			return rc;
	}
	/* Every day of a leap year in exactly one season. */
	for (m = 1; m <= 12; m++) {
		for (d = 1; d <= 31; d++) {
			int mmdd = m * 100 + d, first = -1;

			if (!tariff_mmdd_valid(mmdd))
				continue;
			for (j = 0; j < v->n_seasons; j++) {
				if (!tariff_season_has(&v->seasons[j], mmdd))
					continue;
				if (first >= 0) {
					tariff_fmt_mmdd(mmdd, a, sizeof(a));
					return tariff_fail(why, why_len,
							   "%s is in two "
							   "seasons (%d and "
							   "%d)", a, first + 1,
							   j + 1);
				}
				first = j;
			}
			if (first < 0) {
				tariff_fmt_mmdd(mmdd, a, sizeof(a));
				return tariff_fail(why, why_len,
						   "%s is in no season", a);
			}
		}
	}
	return 0;
}

static int check_tiers(const struct tariff_version *v, char *why,
		       size_t why_len)
{
	char a[40], b[24];
	int i, rc;

	if (v->n_tiers < 0 || v->n_tiers > TARIFF_MAX_TIERS)
		return tariff_fail(why, why_len,
				   "between 0 and %d tiers allowed",
				   TARIFF_MAX_TIERS);
	for (i = 0; i < v->n_tiers; i++) {
		const struct tariff_tier *tr = &v->tiers[i];
		int last = i == v->n_tiers - 1;

		snprintf(a, sizeof(a), "tier %d increment", i + 1);
		rc = check_price(a, tr->price_add, 1, why, why_len);
		if (rc)
			return rc;
		if (last && tr->upto_wh != TARIFF_TIER_OPEN)
			return tariff_fail(why, why_len,
					   "the last tier must have no upper "
					   "end (write it as FROMkWh-)");
		if (last)
			break;
		if (tr->upto_wh == TARIFF_TIER_OPEN)
			return tariff_fail(why, why_len,
					   "only the last tier may have no "
					   "upper end (tier %d has none)",
					   i + 1);
		if (tr->upto_wh <= (i ? v->tiers[i - 1].upto_wh : 0)) {
			snprintf(b, sizeof(b), "%lld",
				 (long long)(i ? v->tiers[i - 1].upto_wh : 0));
			return tariff_fail(why, why_len,
					   "tier %d must end above where it "
					   "starts (%s Wh), it ends at %lld Wh",
					   i + 1, b, (long long)tr->upto_wh);
		}
	}
	return 0;
}

int tariff_version_validate(const struct tariff_version *v, char *why,
			    size_t why_len)
{
	int i, rc;

	if (!v)
		return tariff_fail(why, why_len, "no tariff given");
	if (v->kind == TARIFF_KIND_FLAT) {
		rc = check_price("the flat", v->price[TARIFF_FLAT], 0, why,
				 why_len);
		if (rc)
			return rc;
		for (i = 0; i < TARIFF_RATE_COUNT; i++)
			if (i != TARIFF_FLAT && v->price[i] != 0)
				return tariff_fail(why, why_len,
						   "a flat tariff has one "
						   "price; the %s price must "
						   "be 0",
						   tariff_rate_name(i));
		if (v->purchase_price != 0)
			return tariff_fail(why, why_len,
					   "a flat tariff has no separate "
					   "purchase price");
		if (v->n_seasons != 0)
			return tariff_fail(why, why_len,
					   "a flat tariff has no seasons or "
					   "time segments");
	} else if (v->kind == TARIFF_KIND_TOU) {
		for (i = 0; i < TARIFF_RATE_COUNT; i++) {
			rc = check_price(tariff_rate_name(i), v->price[i], 1,
					 why, why_len);
			if (rc)
				return rc;
		}
		rc = check_price("the purchase", v->purchase_price, 1, why,
				 why_len);
		if (rc)
			return rc;
		if (v->purchase_price == 0 && v->price[TARIFF_FLAT] == 0)
			return tariff_fail(why, why_len,
					   "no flat price, so set purchase= "
					   "to the price that converts money "
					   "to kWh");
		rc = check_seasons(v, why, why_len);
		if (rc)
			return rc;
	} else {
		return tariff_fail(why, why_len,
				   "the kind must be flat or tou");
	}
	rc = check_tiers(v, why, why_len);
	if (rc)
		return rc;
	/* Base plus increment is what the meter is told; keep it in range. */
	for (i = 0; i < TARIFF_RATE_COUNT; i++) {
		int64_t top = v->price[i];

		if (v->n_tiers > 0)
			top += v->tiers[v->n_tiers - 1].price_add;
		if (v->price[i] > 0 && top > TARIFF_PRICE_MAX)
			return check_price("the top-tier", top, 0, why,
					   why_len);
	}
	if (v->purchase_price > 0 && v->n_tiers > 0 &&
	    v->purchase_price + v->tiers[v->n_tiers - 1].price_add >
		    TARIFF_PRICE_MAX)
		return check_price("the top-tier purchase",
				   v->purchase_price +
					   v->tiers[v->n_tiers - 1].price_add,
				   0, why, why_len);
	return 0;
}

static void fmt_local(int64_t at, int off, char *buf, size_t len)
{
	int64_t day = tariff_local_day(at, off), y;
	int64_t sod = at + (int64_t)off * 60 - day * SEC_PER_DAY;
	int m, d;

	tariff_civil_from_days(day, &y, &m, &d);
	snprintf(buf, len, "%04lld-%02d-%02d %02d:%02d:%02d", (long long)y, m,
		 d, (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
}

int tariff_validate(const struct tariff *t, char *why, size_t why_len)
{
	char inner[TARIFF_WHY_SZ], a[32], b[32];
	size_t i;
	int rc;

	if (!t)
		return tariff_fail(why, why_len, "no tariff given");
	if (t->utc_offset_min < TARIFF_OFFSET_MIN ||
	    t->utc_offset_min > TARIFF_OFFSET_MAX)
		return tariff_fail(why, why_len,
				   "UTC offset %d minutes is outside "
				   "-720..+840", t->utc_offset_min);
	if (t->n_versions == 0 || !t->versions)
		return tariff_fail(why, why_len, "the tariff has no versions");
	for (i = 0; i < t->n_versions; i++) {
		const struct tariff_version *v = &t->versions[i];

		if (v->effective_from > MAX_ABS_TIME ||
		    v->effective_from < -MAX_ABS_TIME)
			return tariff_fail(why, why_len,
					   "version %zu: effective date out "
					   "of range", i + 1);
		rc = tariff_version_validate(v, inner, sizeof(inner));
		if (rc)
			return tariff_fail(why, why_len, "version %zu: %s",
					   i + 1, inner);
		if (i > 0 && v->effective_from <= v[-1].effective_from) {
			fmt_local(v->effective_from, t->utc_offset_min, a,
				  sizeof(a));
			fmt_local(v[-1].effective_from, t->utc_offset_min, b,
				  sizeof(b));
			return tariff_fail(why, why_len,
					   "version %zu takes effect at %s, "
					   "not after version %zu at %s", i + 1,
					   a, i, b);
		}
	}
	return 0;
}
