/* tariff: the pricing engine. Flat and time-of-use (尖峰平谷) prices, by
 * season, with monthly tier blocks (阶梯) added on top, in versions that take
 * effect at a given instant so a price change never rewrites the past.
 *
 * Pure functions, integer arithmetic only: no clock, no TZ, no allocation.
 * Units are those of money.h: price in 0.0001 yuan/kWh, energy in Wh, money
 * in fen. Local time is the site's fixed UTC offset, given in struct tariff.
 * docs/tariffs.md explains the model and the text form to administrators. */
#ifndef SALEDESK_TARIFF_H
#define SALEDESK_TARIFF_H

#include <stddef.h>
#include <stdint.h>

#define TARIFF_MAX_SEGMENTS 12 /* per season's day table */
#define TARIFF_MAX_SEASONS 4
#define TARIFF_MAX_TIERS 8

/* Highest price, tier increment, or price plus increment accepted:
 * 99.9999 yuan/kWh, the most price_parse() reads. */
#define TARIFF_PRICE_MAX INT64_C(999999)
/* upto_wh of the last tier: the block has no upper end. The database keeps
 * it as NULL. */
#define TARIFF_TIER_OPEN INT64_MAX
/* Minutes in a day; a segment may end at 24:00 = 1440. */
#define TARIFF_DAY_MIN 1440
/* Site offsets accepted, in minutes east of UTC (China: +480). */
#define TARIFF_OFFSET_MIN (-720)
#define TARIFF_OFFSET_MAX 840

/* Room for a reason sentence and for the text form of any version. */
#define TARIFF_WHY_SZ 160
#define TARIFF_TEXT_SZ 2048

/* The four TOU rates; the values index tariff_version.price[] and
 * tariff_cost.wh[]. A flat version bills everything at TARIFF_FLAT. */
enum tariff_rate {
	TARIFF_SHARP,  /* 尖 */
	TARIFF_PEAK,   /* 峰 */
	TARIFF_FLAT,   /* 平 */
	TARIFF_VALLEY, /* 谷 */
	TARIFF_RATE_COUNT
};

enum tariff_kind {
	TARIFF_KIND_FLAT, /* one price, price[TARIFF_FLAT]; no seasons */
	TARIFF_KIND_TOU,  /* segments pick one of the four prices */
};

/* [start_min, end_min) in local minutes of the day. start_min > end_min
 * means the segment crosses midnight (22:00-06:00 is 1320, 360). */
struct tariff_segment {
	int start_min; /* 0..1439 */
	int end_min;   /* 1..1440 */
	enum tariff_rate rate;
};

/* Local month-day range, both ends included, written month*100 + day
 * (0601..0831 is 601, 831). from_mmdd > to_mmdd wraps the year end
 * (1101..0331). One TOU season with 101..1231 means "no seasons". */
struct tariff_season {
	int from_mmdd;
	int to_mmdd;
	int n_segments;
	struct tariff_segment segments[TARIFF_MAX_SEGMENTS];
};

/* A block of month-to-date use [previous upto_wh, upto_wh); the first block
 * starts at 0, the last has upto_wh == TARIFF_TIER_OPEN. price_add is added
 * to whatever base price (flat or the TOU rate) applies. */
struct tariff_tier {
	int64_t upto_wh;
	int64_t price_add; /* >= 0, 0.0001 yuan/kWh */
};

/* One version: the row tariff_version and its child rows. */
struct tariff_version {
	int64_t effective_from; /* UTC Unix seconds */
	enum tariff_kind kind;
	/* Flat: only price[TARIFF_FLAT], the others 0. TOU: every rate a
	 * segment uses is > 0; a rate no segment uses may be 0. */
	int64_t price[TARIFF_RATE_COUNT];
	/* TOU only: the price that converts money to kWh for meters that
	 * hold energy; 0 means "use price[TARIFF_FLAT]". 0 for flat. */
	int64_t purchase_price;
	int n_seasons; /* flat: 0; TOU: 1..TARIFF_MAX_SEASONS */
	struct tariff_season seasons[TARIFF_MAX_SEASONS];
	int n_tiers; /* 0: no tier blocks */
	struct tariff_tier tiers[TARIFF_MAX_TIERS];
};

/* A tariff as the engine sees it. versions is caller-owned, sorted by
 * strictly increasing effective_from; the engine never writes to it. */
struct tariff {
	int utc_offset_min; /* site local time = UTC + this; China +480 */
	const struct tariff_version *versions;
	size_t n_versions;
};

/* What an interval's energy costs. wh[] sums exactly to the energy. */
struct tariff_cost {
	int64_t fen;
	int64_t wh[TARIFF_RATE_COUNT];
};

/* Checks one version: prices in range (> 0 where used), segments covering
 * each day exactly once, seasons covering every day of a leap year exactly
 * once, tiers increasing and ending open. Returns 0 or -SD_TARIFF with the
 * reason written to why (caller's buffer, may be NULL). */
int tariff_version_validate(const struct tariff_version *v, char *why,
			    size_t why_len);

/* Checks a whole tariff: the offset, at least one version, each version,
 * and effective_from strictly increasing. Returns 0 or -SD_TARIFF with the
 * reason (naming the version) in why (caller's buffer, may be NULL). */
int tariff_validate(const struct tariff *t, char *why, size_t why_len);

/* Finds the version in force at t (the latest with effective_from <= t);
 * *out points into t->versions. Returns 0 or -SD_TARIFF_NONE. */
int tariff_version_at(const struct tariff *t, int64_t at,
		      const struct tariff_version **out);

/* Costs wh Wh used evenly over [t0, t1), given mtd_wh Wh already used in
 * t0's local month before t0. Splits by version, season, segment, month
 * (tiers restart at each local month start) and tier block; the energy
 * split is apportioned by largest remainder, the cost rounded once by
 * money_round_div128. t must be valid. Returns 0, -SD_INVAL (t1 <= t0,
 * wh or mtd_wh < 0, interval over 100 years), -SD_TARIFF_NONE,
 * -SD_OVERFLOW (the cost would exceed MONEY_MAX_FEN) or -SD_TARIFF (t not
 * valid: no segment at some time). */
int tariff_cost(const struct tariff *t, int64_t t0, int64_t t1, int64_t wh,
		int64_t mtd_wh, struct tariff_cost *out);

/* The Wh that fen buys at instant at, for meters that hold energy: priced
 * at the purchase price (flat price if none), walking tier blocks from
 * mtd_wh, rounded DOWN so the customer never gets more than paid for.
 * Returns 0, -SD_INVAL (negative input), -SD_TARIFF_NONE or
 * -SD_OVERFLOW. */
int tariff_energy_for_amount(const struct tariff *t, int64_t at, int64_t fen,
			     int64_t mtd_wh, int64_t *wh);

/* The rate and unit price (tier increment included) that apply at instant
 * at after mtd_wh Wh this month; for screens. Returns 0, -SD_INVAL (at
 * out of range), -SD_TARIFF_NONE, or -SD_TARIFF (t not valid). */
int tariff_price_at(const struct tariff *t, int64_t at, int64_t mtd_wh,
		    enum tariff_rate *rate, int64_t *price);

/* Parses the one-line text form of a version ("flat 0.5880", "tou
 * peak=... segments=...", see docs/tariffs.md) into *v, leaving
 * v->effective_from 0 for the caller to set; the result is validated.
 * Returns 0 or -SD_TARIFF with the reason in why (caller's buffer, may be
 * NULL). */
int tariff_parse(const char *text, struct tariff_version *v, char *why,
		 size_t why_len);

/* Writes the canonical text form of v into buf (caller's, TARIFF_TEXT_SZ
 * is always enough). Returns 0, -SD_TARIFF if v is invalid, or
 * -SD_OVERFLOW if buf is too small. */
int tariff_format(const struct tariff_version *v, char *buf, size_t len);

/* English name of a rate or kind ("sharp", "tou"), the spelling the text
 * form and the database use; static storage, never NULL. */
const char *tariff_rate_name(enum tariff_rate rate);
const char *tariff_kind_name(enum tariff_kind kind);

/* Looks a rate or kind up by name (English, or 尖/峰/平/谷 for rates).
 * Returns 0 or -SD_TARIFF. */
int tariff_rate_from_name(const char *name, enum tariff_rate *rate);
int tariff_kind_from_name(const char *name, enum tariff_kind *kind);

/* Civil calendar (proleptic Gregorian) <-> days since 1970-01-01. */
int64_t tariff_days_from_civil(int64_t y, int m, int d);
void tariff_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* UTC instant at which the site-local month containing at begins, and the
 * one at which the next begins; the database sums month-to-date use from
 * here. */
int64_t tariff_month_start(int64_t at, int utc_offset_min);
int64_t tariff_next_month_start(int64_t at, int utc_offset_min);

#endif
