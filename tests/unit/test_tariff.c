/* Unit tests for the tariff engine: hand-computed, table-driven cases.
 *
 * Units: price in 0.0001 yuan/kWh, energy in Wh, money in fen, so the cost
 * of W Wh at price p is W * p / 100000 fen before the one rounding (halves
 * away from zero). Times are written in site local time (UTC+8, +480). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "money.h"
#include "tariff.h"

#define CN 480 /* China Standard Time, minutes east of UTC */

struct lt {
	int y, m, d, h, mi;
};

/* UTC seconds of a China local time. */
static int64_t at_cn(struct lt t)
{
	return tariff_days_from_civil(t.y, t.m, t.d) * 86400 + t.h * 3600 +
	       t.mi * 60 - CN * 60;
}

/* Parses a version that the test expects to be valid. */
static void must_parse(const char *text, struct tariff_version *v)
{
	char why[TARIFF_WHY_SZ] = "";
	int rc = tariff_parse(text, v, why, sizeof(why));

	if (rc)
		print_error("cannot parse \"%s\": %s\n", text, why);
	assert_int_equal(rc, 0);
}

/* ---- civil calendar ---------------------------------------------------- */

static void test_civil_dates_match_known_day_numbers(void **state)
{
	/* Day numbers from Python's datetime.date(...) - date(1970, 1, 1). */
	static const struct {
		int64_t y;
		int m, d;
		int64_t days;
	} cases[] = {
		{ 1970, 1, 1, 0 },          /* the epoch */
		{ 1969, 12, 31, -1 },       /* before it: floor, not trunc */
		{ 2000, 1, 1, 10957 },
		{ 2000, 2, 29, 11016 },     /* 2000 leaps: divisible by 400 */
		{ 2000, 3, 1, 11017 },
		{ 2024, 2, 29, 19782 },     /* ordinary leap year */
		{ 2024, 12, 31, 20088 },    /* year end of a leap year */
		{ 2025, 1, 1, 20089 },
		{ 2100, 2, 28, 47540 },     /* 2100 does not leap ... */
		{ 2100, 3, 1, 47541 },      /* ... so 03-01 follows 02-28 */
		{ 1900, 2, 28, -25509 },    /* nor does 1900 */
		{ 1900, 3, 1, -25508 },
		{ 1600, 2, 29, -135081 },   /* 1600 does */
		{ 1, 1, 1, -719162 },
		{ 9999, 12, 31, 2932896 },
		{ 2026, 11, 24, 20781 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t y;
		int m, d;

		assert_int_equal(tariff_days_from_civil(cases[i].y, cases[i].m,
							cases[i].d),
				 cases[i].days);
		tariff_civil_from_days(cases[i].days, &y, &m, &d);
		assert_int_equal(y, cases[i].y);
		assert_int_equal(m, cases[i].m);
		assert_int_equal(d, cases[i].d);
	}
}

static void test_civil_dates_round_trip_day_by_day(void **state)
{
	/* Each day number maps to a date one day after the previous one. */
	int64_t days, y, py;
	int m, d, pm, pd;

	(void)state;
	tariff_civil_from_days(-800001, &py, &pm, &pd);
	for (days = -800000; days <= 800000; days++) {
		tariff_civil_from_days(days, &y, &m, &d);
		assert_int_equal(tariff_days_from_civil(y, m, d), days);
		if (d != pd + 1) {
			assert_int_equal(d, 1);
			assert_true(m == pm + 1 || (m == 1 && pm == 12 &&
						    y == py + 1));
		}
		py = y;
		pm = m;
		pd = d;
	}
}

static void test_month_start_is_local_midnight_of_the_1st(void **state)
{
	(void)state;
	/* 2026-02-01 00:30 local is 2026-01-31 16:30 UTC: already February
	 * at the site, so the month began at 2026-01-31 16:00 UTC. */
	assert_int_equal(tariff_month_start(at_cn((struct lt){ 2026, 2, 1, 0,
							       30 }), CN),
			 at_cn((struct lt){ 2026, 2, 1, 0, 0 }));
	/* 2026-01-31 23:59 local is still January. */
	assert_int_equal(tariff_month_start(at_cn((struct lt){ 2026, 1, 31,
							       23, 59 }), CN),
			 at_cn((struct lt){ 2026, 1, 1, 0, 0 }));
	/* Year end. */
	assert_int_equal(tariff_next_month_start(at_cn((struct lt){ 2026, 12,
								    15, 12,
								    0 }), CN),
			 at_cn((struct lt){ 2027, 1, 1, 0, 0 }));
	/* A site west of UTC (-05:00): 2026-03-01 03:00 UTC is still
	 * 2026-02-28 22:00 there; February began 2026-02-01 05:00 UTC. */
	assert_int_equal(tariff_month_start(tariff_days_from_civil(2026, 3, 1)
						    * 86400 + 3 * 3600, -300),
			 tariff_days_from_civil(2026, 2, 1) * 86400 +
				 5 * 3600);
	/* Leap February runs to 29th. */
	assert_int_equal(tariff_next_month_start(at_cn((struct lt){ 2028, 2,
								    29, 23,
								    59 }), CN),
			 at_cn((struct lt){ 2028, 3, 1, 0, 0 }));
}

/* ---- cost of an interval ---------------------------------------------- */

/* Tariffs the cases refer to. */
static const char T_FLAT[] = "flat 0.5880";
static const char T_FLAT_HALF[] = "flat 0.5000";
static const char T_FLAT_MIN[] = "flat 0.0001";
/* 22-06 valley, 06-08 flat, 08-10 peak, 10-11 sharp, 11-18 flat,
 * 18-22 peak; 1.2 / 0.9 / 0.6 / 0.3 yuan. */
static const char T_TOU[] =
	"tou sharp=1.2000 peak=0.9000 flat=0.6000 valley=0.3000 "
	"segments=22:00-06:00:valley,06:00-08:00:flat,08:00-10:00:peak,"
	"10:00-11:00:sharp,11:00-18:00:flat,18:00-22:00:peak";
/* Summer (07-01..08-31): valley before noon, peak after; otherwise flat. */
static const char T_SEASON[] =
	"tou peak=1.0000 flat=0.6000 valley=0.3000 "
	"season=07-01..08-31 segments=00:00-12:00:valley,12:00-24:00:peak "
	"season=09-01..06-30 segments=00:00-24:00:flat";
/* Winter season wraps the year end. */
static const char T_WRAP[] =
	"tou flat=0.6000 valley=0.3000 "
	"season=11-01..03-31 segments=00:00-24:00:valley "
	"season=04-01..10-31 segments=00:00-24:00:flat";
/* Blocks of 200 kWh a month: 0.50, 0.55, then 0.80 yuan. */
static const char T_TIER[] =
	"flat 0.5000 tiers=0-200kWh:+0,200-400kWh:+0.0500,400kWh-:+0.3000";
/* The first season ends on 02-29; in other years that is 02-28. */
static const char T_LEAP[] =
	"tou flat=0.6000 valley=0.3000 "
	"season=01-01..02-29 segments=00:00-24:00:valley "
	"season=03-01..12-31 segments=00:00-24:00:flat";
/* Peak/valley with tiers on top; first block 100 kWh, then +0.10. */
static const char T_TOU_TIER[] =
	"tou peak=0.9000 valley=0.3000 purchase=0.6000 "
	"segments=08:00-22:00:peak,22:00-08:00:valley "
	"tiers=0-100kWh:+0,100kWh-:+0.1000";
/* Two equal rates: shows that rounding happens once, not per piece. */
static const char T_TWO_HALVES[] =
	"tou peak=0.5000 valley=0.5000 purchase=0.5000 "
	"segments=08:00-20:00:peak,20:00-08:00:valley";

struct cost_case {
	const char *name;
	const char *text;
	struct lt t0, t1;
	int64_t wh, mtd;
	int rc;
	int64_t fen;
	int64_t split[TARIFF_RATE_COUNT]; /* sharp, peak, flat, valley */
};

static const struct cost_case cost_cases[] = {
	/* 1000 Wh * 5880 / 100000 = 58.8 fen -> 59. */
	{ "flat price", T_FLAT, { 2026, 1, 15, 9, 0 }, { 2026, 1, 15, 10, 0 },
	  1000, 0, 0, 59, { 0, 0, 1000, 0 } },
	/* 09:00-10:00 is all peak: 1000 * 9000 / 1e5 = 90 fen. */
	{ "tou within one segment", T_TOU, { 2026, 1, 15, 9, 0 },
	  { 2026, 1, 15, 10, 0 }, 1000, 0, 0, 90, { 0, 1000, 0, 0 } },
	/* 07-11, 1000 Wh/h: flat 1000 (07-08), peak 2000 (08-10), sharp
	 * 1000 (10-11): 6e6 + 18e6 + 12e6 = 36e6 / 1e5 = 360 fen. */
	{ "tou across several segments", T_TOU, { 2026, 1, 15, 7, 0 },
	  { 2026, 1, 15, 11, 0 }, 4000, 0, 0, 360, { 1000, 2000, 1000, 0 } },
	/* 23:00-05:00 lies in 22:00-06:00 valley, which crosses midnight:
	 * 600 * 3000 / 1e5 = 18 fen. */
	{ "segment crossing midnight", T_TOU, { 2026, 1, 15, 23, 0 },
	  { 2026, 1, 16, 5, 0 }, 600, 0, 0, 18, { 0, 0, 0, 600 } },
	/* 21:00-02:00, 100 Wh/h: peak 100 (21-22), valley 400 (22-02):
	 * 900000 + 1200000 = 2.1e6 / 1e5 = 21 fen. */
	{ "interval crossing midnight", T_TOU, { 2026, 1, 15, 21, 0 },
	  { 2026, 1, 16, 2, 0 }, 500, 0, 0, 21, { 0, 100, 0, 400 } },
	/* 07:30-10:30, 1000 Wh over 3 h: flat 1/6, peak 4/6, sharp 1/6 of
	 * it = 166.67 / 666.67 / 166.67 Wh. Floors 166+666+166 = 998; the
	 * 2 Wh left go to the largest remainders, all equal (2/3), so to
	 * sharp then peak: 167 / 667 / 166. Cost, exact: 1/6 kWh * 0.6 +
	 * 2/3 * 0.9 + 1/6 * 1.2 = 0.1 + 0.6 + 0.2 yuan = 90 fen. */
	{ "largest remainder split", T_TOU, { 2026, 1, 15, 7, 30 },
	  { 2026, 1, 15, 10, 30 }, 1000, 0, 0, 90, { 167, 667, 166, 0 } },
	/* 1 Wh over 08:00-20:00 (peak) and nothing else: trivial split. */
	{ "tiny energy over many hours", T_TOU, { 2026, 1, 15, 9, 0 },
	  { 2026, 1, 15, 17, 0 }, 1, 0, 0, 0, { 0, 0, 1, 0 } },
	/* Zero energy costs nothing. */
	{ "zero energy", T_TOU, { 2026, 1, 15, 0, 0 }, { 2026, 1, 16, 0, 0 },
	  0, 0, 0, 0, { 0, 0, 0, 0 } },
	/* A whole day of T_TOU, 2400 Wh (100/h): valley 8 h, flat 9 h,
	 * peak 6 h, sharp 1 h: 800*3000 + 900*6000 + 600*9000 + 100*12000
	 * = 2.4e6 + 5.4e6 + 5.4e6 + 1.2e6 = 14.4e6 / 1e5 = 144 fen. */
	{ "a whole day", T_TOU, { 2026, 1, 15, 0, 0 }, { 2026, 1, 16, 0, 0 },
	  2400, 0, 0, 144, { 100, 600, 900, 800 } },
	/* 08-31 23:00 to 09-01 01:00: summer peak 100 Wh then the rest of
	 * year's flat 100 Wh: 100*10000 + 100*6000 = 1.6e6 -> 16 fen. */
	{ "season switch at midnight", T_SEASON, { 2026, 8, 31, 23, 0 },
	  { 2026, 9, 1, 1, 0 }, 200, 0, 0, 16, { 0, 100, 100, 0 } },
	/* 06-30 11:00 to 07-01 11:00, 2400 Wh: 06-30 11-24 flat 1300 Wh,
	 * 07-01 00-11 valley 1100: 1300*6000 + 1100*3000 = 7.8e6 + 3.3e6
	 * = 11.1e6 -> 111 fen. */
	{ "season switch into summer", T_SEASON, { 2026, 6, 30, 11, 0 },
	  { 2026, 7, 1, 11, 0 }, 2400, 0, 0, 111, { 0, 0, 1300, 1100 } },
	/* Winter season 11-01..03-31 wraps the year: 12-31 23:00 to 01-01
	 * 01:00 is all valley, 200 * 3000 / 1e5 = 6 fen. */
	{ "season wrapping the year end", T_WRAP, { 2026, 12, 31, 23, 0 },
	  { 2027, 1, 1, 1, 0 }, 200, 0, 0, 6, { 0, 0, 0, 200 } },
	/* 03-31 23:00 to 04-01 01:00: valley 100 + flat 100 = 3e5 + 6e5 =
	 * 9e5 -> 9 fen. */
	{ "wrapping season ends", T_WRAP, { 2027, 3, 31, 23, 0 },
	  { 2027, 4, 1, 1, 0 }, 200, 0, 0, 9, { 0, 0, 100, 100 } },
	/* mtd 199000 + 1000 Wh ends exactly at the 200 kWh boundary: all
	 * first block, 1000 * 5000 / 1e5 = 50 fen. */
	{ "tier: exactly at the boundary", T_TIER, { 2026, 1, 15, 9, 0 },
	  { 2026, 1, 15, 10, 0 }, 1000, 199000, 0, 50, { 0, 0, 1000, 0 } },
	/* One Wh below: 999 * 5000 = 4995000 / 1e5 = 49.95 -> 50 fen. */
	{ "tier: one Wh below", T_TIER, { 2026, 1, 15, 9, 0 },
	  { 2026, 1, 15, 10, 0 }, 999, 199000, 0, 50, { 0, 0, 999, 0 } },
	/* One Wh above: 1000 * 5000 + 1 * 5500 = 5005500 -> 50.055 -> 50. */
	{ "tier: one Wh above", T_TIER, { 2026, 1, 15, 9, 0 },
	  { 2026, 1, 15, 10, 0 }, 1001, 199000, 0, 50, { 0, 0, 1001, 0 } },
	/* Starting exactly at 200 kWh: all second block, 1000*5500 = 55. */
	{ "tier: starting at the boundary", T_TIER, { 2026, 1, 15, 9, 0 },
	  { 2026, 1, 15, 10, 0 }, 1000, 200000, 0, 55, { 0, 0, 1000, 0 } },
	/* mtd 150 kWh, 300 kWh: 50 kWh @0.50 + 200 @0.55 + 50 @0.80 =
	 * 25 + 110 + 40 yuan = 17500 fen. */
	{ "tier: three blocks at once", T_TIER, { 2026, 1, 15, 0, 0 },
	  { 2026, 1, 16, 0, 0 }, 300000, 150000, 0, 17500,
	  { 0, 0, 300000, 0 } },
	/* 21:00-23:00, mtd 99000, 2000 Wh: 21-22 peak 1000 Wh, fills the
	 * first block exactly: 1000 * 9000; 22-23 valley 1000 Wh in the
	 * second block: 1000 * (3000 + 1000). 9e6 + 4e6 = 13e6 -> 130. */
	{ "tiers on top of tou", T_TOU_TIER, { 2026, 1, 15, 21, 0 },
	  { 2026, 1, 15, 23, 0 }, 2000, 99000, 0, 130, { 0, 1000, 0, 1000 } },
	/* 01-31 23:00 to 02-01 01:00 local, mtd 399000: January's 1000 Wh
	 * finish the second block (1000 * 5500 = 5.5e6); tiers restart at
	 * local midnight of 02-01 (16:00 UTC), so February's 1000 Wh are in
	 * the first block (5e6): 10.5e6 -> 105 fen, not 55 + 80 = 135. */
	{ "month boundary resets tiers", T_TIER, { 2026, 1, 31, 23, 0 },
	  { 2026, 2, 1, 1, 0 }, 2000, 399000, 0, 105, { 0, 0, 2000, 0 } },
	/* 2026-01-01 to 2026-03-01 (59 days), 10 kWh a day: January's
	 * 310 kWh = 200 @0.50 + 110 @0.55 = 100 + 60.5 yuan; blocks restart
	 * on 02-01, February's 280 kWh = 200 @0.50 + 80 @0.55 = 100 + 44
	 * yuan. 304.5 yuan = 30450 fen. */
	{ "tiers restart every month of a long interval", T_TIER,
	  { 2026, 1, 1, 0, 0 }, { 2026, 3, 1, 0, 0 }, 590000, 0, 0, 30450,
	  { 0, 0, 590000, 0 } },
	/* 2028 leaps: 02-29 23:00 is still the first season (valley 100 Wh
	 * = 3e5), 03-01 00:00 the second (flat 100 Wh = 6e5): 9 fen. */
	{ "season ending on 02-29, leap year", T_LEAP, { 2028, 2, 29, 23, 0 },
	  { 2028, 3, 1, 1, 0 }, 200, 0, 0, 9, { 0, 0, 100, 100 } },
	/* 2027 does not: the first season ends with 02-28. Same 9 fen. */
	{ "season ending on 02-29, common year", T_LEAP,
	  { 2027, 2, 28, 23, 0 }, { 2027, 3, 1, 1, 0 }, 200, 0, 0, 9,
	  { 0, 0, 100, 100 } },
	/* Half a fen and either side of it, at 0.5000 yuan/kWh (1 Wh =
	 * 0.05 fen): 10 Wh = 0.5 -> 1; 9 Wh = 0.45 -> 0; 30 Wh = 1.5 -> 2;
	 * 50 Wh = 2.5 -> 3 (halves away from zero, not to even). */
	{ "rounding: 0.5 fen up", T_FLAT_HALF, { 2026, 1, 15, 9, 0 },
	  { 2026, 1, 15, 10, 0 }, 10, 0, 0, 1, { 0, 0, 10, 0 } },
	{ "rounding: 0.45 fen down", T_FLAT_HALF, { 2026, 1, 15, 9, 0 },
	  { 2026, 1, 15, 10, 0 }, 9, 0, 0, 0, { 0, 0, 9, 0 } },
	{ "rounding: 1.5 fen up", T_FLAT_HALF, { 2026, 1, 15, 9, 0 },
	  { 2026, 1, 15, 10, 0 }, 30, 0, 0, 2, { 0, 0, 30, 0 } },
	{ "rounding: 2.5 fen up", T_FLAT_HALF, { 2026, 1, 15, 9, 0 },
	  { 2026, 1, 15, 10, 0 }, 50, 0, 0, 3, { 0, 0, 50, 0 } },
	/* At 0.0001 yuan/kWh, 1 fen = 100000 Wh: 49999 Wh = 0.49999 -> 0,
	 * 50000 Wh = 0.5 -> 1. */
	{ "rounding: just below half", T_FLAT_MIN, { 2026, 1, 15, 9, 0 },
	  { 2026, 1, 15, 10, 0 }, 49999, 0, 0, 0, { 0, 0, 49999, 0 } },
	{ "rounding: exactly half", T_FLAT_MIN, { 2026, 1, 15, 9, 0 },
	  { 2026, 1, 15, 10, 0 }, 50000, 0, 0, 1, { 0, 0, 50000, 0 } },
	/* 19:00-21:00, 10 Wh: 5 Wh peak = 0.25 fen, 5 Wh valley = 0.25 fen;
	 * rounded once the sum 0.5 gives 1 fen (per piece it would be 0). */
	{ "rounding once over pieces", T_TWO_HALVES, { 2026, 1, 15, 19, 0 },
	  { 2026, 1, 15, 21, 0 }, 10, 0, 0, 1, { 0, 5, 0, 5 } },
	/* 1 Wh over 07:00-10:00 (1/3 flat, 2/3 peak): floors 0 + 0, the
	 * 1 Wh goes to peak (remainder 2/3 beats 1/3). Cost 1/3 * 6000 +
	 * 2/3 * 9000 = 8000 / 1e5 = 0.08 -> 0. */
	{ "one Wh split by remainder", T_TOU, { 2026, 1, 15, 7, 0 },
	  { 2026, 1, 15, 10, 0 }, 1, 0, 0, 0, { 0, 1, 0, 0 } },
	/* MONEY_MAX_FEN is 9999999999 fen. At 1.2000 (sharp, 10:00-11:00),
	 * 1 fen = 100000/12000 Wh; 83333333325 Wh cost exactly
	 * 9999999999 fen; 83333333330 Wh cost 10000000000 (>max). */
	{ "largest cost accepted", T_TOU, { 2026, 1, 15, 10, 0 },
	  { 2026, 1, 15, 11, 0 }, 83333333325, 0, 0, 9999999999,
	  { 83333333325, 0, 0, 0 } },
	{ "cost above the money limit", T_TOU, { 2026, 1, 15, 10, 0 },
	  { 2026, 1, 15, 11, 0 }, 83333333330, 0, -SD_OVERFLOW, 0,
	  { 0, 0, 0, 0 } },
	/* INT64_MAX Wh: far beyond; the __int128 sum does not wrap. */
	{ "cost overflowing int64", T_TOU, { 2026, 1, 15, 0, 0 },
	  { 2026, 1, 15, 0, 1 }, INT64_MAX, INT64_MAX, -SD_OVERFLOW, 0,
	  { 0, 0, 0, 0 } },
	/* Bad arguments. */
	{ "empty interval", T_FLAT, { 2026, 1, 15, 9, 0 },
	  { 2026, 1, 15, 9, 0 }, 10, 0, -SD_INVAL, 0, { 0, 0, 0, 0 } },
	{ "negative energy", T_FLAT, { 2026, 1, 15, 9, 0 },
	  { 2026, 1, 15, 10, 0 }, -1, 0, -SD_INVAL, 0, { 0, 0, 0, 0 } },
	{ "interval over 100 years", T_FLAT, { 2000, 1, 1, 0, 0 },
	  { 2101, 1, 1, 0, 0 }, 1, 0, -SD_INVAL, 0, { 0, 0, 0, 0 } },
};

static void test_cost_hand_computed_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cost_cases) / sizeof(cost_cases[0]); i++) {
		const struct cost_case *c = &cost_cases[i];
		struct tariff_version v;
		struct tariff t = { CN, &v, 1 };
		struct tariff_cost out = { -1, { -1, -1, -1, -1 } };
		int rc, r;

		must_parse(c->text, &v);
		v.effective_from = at_cn((struct lt){ 1990, 1, 1, 0, 0 });
		rc = tariff_cost(&t, at_cn(c->t0), at_cn(c->t1), c->wh, c->mtd,
				 &out);
		if (rc != c->rc || (rc == 0 && out.fen != c->fen))
			print_error("case \"%s\": rc %d fen %lld\n", c->name,
				    rc, (long long)out.fen);
		assert_int_equal(rc, c->rc);
		if (rc)
			continue;
		assert_int_equal(out.fen, c->fen);
		for (r = 0; r < TARIFF_RATE_COUNT; r++) {
			if (out.wh[r] != c->split[r])
				print_error("case \"%s\": %s %lld Wh\n",
					    c->name, tariff_rate_name(r),
					    (long long)out.wh[r]);
			assert_int_equal(out.wh[r], c->split[r]);
		}
	}
}

/* A price change inside the interval: 0.50 until 2026-07-01 00:00 local,
 * 0.60 after. 06-30 23:00 to 07-01 01:00, 2000 Wh: 1000 * 5000 + 1000 *
 * 6000 = 11e6 -> 110 fen. The old version still prices the old hour. */
static void test_cost_splits_at_a_version_change(void **state)
{
	struct tariff_version v[3];
	struct tariff t = { CN, v, 3 };
	struct tariff_cost out;
	char why[TARIFF_WHY_SZ];

	(void)state;
	must_parse("flat 0.5000", &v[0]);
	must_parse("flat 0.6000", &v[1]);
	/* A third version from 2026-07-01 12:00: TOU with a noon peak. */
	must_parse("tou peak=1.0000 flat=0.6000 "
		   "segments=00:00-12:00:flat,12:00-24:00:peak", &v[2]);
	v[0].effective_from = at_cn((struct lt){ 2026, 1, 1, 0, 0 });
	v[1].effective_from = at_cn((struct lt){ 2026, 7, 1, 0, 0 });
	v[2].effective_from = at_cn((struct lt){ 2026, 7, 1, 12, 0 });
	assert_int_equal(tariff_validate(&t, why, sizeof(why)), 0);

	assert_int_equal(tariff_cost(&t, at_cn((struct lt){ 2026, 6, 30, 23, 0 }),
				     at_cn((struct lt){ 2026, 7, 1, 1, 0 }),
				     2000, 0, &out), 0);
	assert_int_equal(out.fen, 110);
	assert_int_equal(out.wh[TARIFF_FLAT], 2000);

	/* 11:00-13:00 on 07-01, 2000 Wh: 11-12 under v[1], flat 0.60
	 * (6e6); 12-13 under v[2], peak 1.00 (10e6): 16e6 -> 160 fen. */
	assert_int_equal(tariff_cost(&t, at_cn((struct lt){ 2026, 7, 1, 11, 0 }),
				     at_cn((struct lt){ 2026, 7, 1, 13, 0 }),
				     2000, 0, &out), 0);
	assert_int_equal(out.fen, 160);
	assert_int_equal(out.wh[TARIFF_FLAT], 1000);
	assert_int_equal(out.wh[TARIFF_PEAK], 1000);

	/* Before the first version there is no price at all. */
	assert_int_equal(tariff_cost(&t, at_cn((struct lt){ 2025, 12, 31, 23, 0 }),
				     at_cn((struct lt){ 2026, 1, 1, 1, 0 }),
				     2000, 0, &out), -SD_TARIFF_NONE);
}

/* A new version in mid-month keeps counting the month's use: tiers do not
 * restart at a price change. 0.50 until 01-15 12:00, 0.60 after, both with
 * +0.10 above 200 kWh. 11:00-13:00, mtd 199000, 2000 Wh: the first hour's
 * 1000 Wh fill the first block at 0.50 (5e6); the second hour's 1000 Wh
 * are in the second block of the new version, 0.60 + 0.10 (7e6). 12e6 ->
 * 120 fen. */
static void test_cost_month_use_carries_across_versions(void **state)
{
	struct tariff_version v[2];
	struct tariff t = { CN, v, 2 };
	struct tariff_cost out;

	(void)state;
	must_parse("flat 0.5000 tiers=0-200kWh:+0,200kWh-:+0.1000", &v[0]);
	must_parse("flat 0.6000 tiers=0-200kWh:+0,200kWh-:+0.1000", &v[1]);
	v[0].effective_from = at_cn((struct lt){ 2026, 1, 1, 0, 0 });
	v[1].effective_from = at_cn((struct lt){ 2026, 1, 15, 12, 0 });
	assert_int_equal(tariff_cost(&t, at_cn((struct lt){ 2026, 1, 15, 11, 0 }),
				     at_cn((struct lt){ 2026, 1, 15, 13, 0 }),
				     2000, 199000, &out), 0);
	assert_int_equal(out.fen, 120);
	assert_int_equal(out.wh[TARIFF_FLAT], 2000);
}

/* Whatever the interval, the split sums to the energy exactly. */
static void test_cost_split_always_sums_to_energy(void **state)
{
	struct tariff_version v;
	struct tariff t = { CN, &v, 1 };
	struct tariff_cost out;
	int64_t t0 = at_cn((struct lt){ 2026, 3, 1, 0, 0 }), wh, len;
	int r;

	(void)state;
	must_parse(T_TOU_TIER, &v);
	v.effective_from = 0;
	for (wh = 0; wh < 2000; wh += 7) {
		for (len = 1; len < 200000; len = len * 3 + 11) {
			int64_t sum = 0;

			assert_int_equal(tariff_cost(&t, t0 + wh * 13, t0 +
						     wh * 13 + len, wh, 99990,
						     &out), 0);
			for (r = 0; r < TARIFF_RATE_COUNT; r++) {
				assert_true(out.wh[r] >= 0);
				sum += out.wh[r];
			}
			assert_int_equal(sum, wh);
		}
	}
}

/* ---- energy an amount buys -------------------------------------------- */

struct energy_case {
	const char *name;
	const char *text;
	int64_t fen, mtd;
	int rc;
	int64_t wh;
};

static const struct energy_case energy_cases[] = {
	/* 100 fen at 0.5000: 100 * 100000 / 5000 = 2000 Wh exactly. */
	{ "flat, exact", T_FLAT_HALF, 100, 0, 0, 2000 },
	/* 100 fen at 0.5880: 1e7 / 5880 = 1700.68 -> 1700 (down). */
	{ "flat, rounds down", T_FLAT, 100, 0, 0, 1700 },
	/* 1 fen at 0.5880: 1e5 / 5880 = 17.006 -> 17. */
	{ "one fen", T_FLAT, 1, 0, 0, 17 },
	/* 0.9999 Wh never becomes 1: 1 fen at 99.9999 -> 1e5 / 999999 =
	 * 0.1 -> 0 Wh. */
	{ "less than one Wh", "flat 99.9999", 1, 0, 0, 0 },
	/* TOU without purchase price buys at the flat rate 0.6000:
	 * 60 fen -> 6e6 / 6000 = 1000 Wh. */
	{ "tou at the flat rate", T_TOU, 60, 0, 0, 1000 },
	/* purchase=0.6000 with tiers: the first 100 kWh cost 6000 fen;
	 * the other 4000 fen at 0.7000 buy 4e8 / 7000 = 57142.86 -> 57142;
	 * total 157142 Wh. */
	{ "tou purchase price with tiers", T_TOU_TIER, 10000, 0, 0, 157142 },
	/* mtd 199000 of the 200 kWh first block: 1000 Wh left cost 50 fen;
	 * the other 50 fen at 0.5500 buy 5e6 / 5500 = 909.09 -> 909:
	 * 1909 Wh. */
	{ "tiers from month-to-date", T_TIER, 100, 199000, 0, 1909 },
	/* Exactly enough for the rest of the block: 50 fen -> 1000 Wh. */
	{ "exactly fills a block", T_TIER, 50, 199000, 0, 1000 },
	/* mtd already in the top block: 80 fen at 0.8000 -> 1000 Wh. */
	{ "top block", T_TIER, 80, 500000, 0, 1000 },
	{ "zero money", T_FLAT, 0, 0, 0, 0 },
	{ "negative money", T_FLAT, -1, 0, -SD_INVAL, 0 },
	/* More than MONEY_MAX_FEN is refused. */
	{ "amount over the money limit", T_FLAT, MONEY_MAX_FEN + 1, 0,
	  -SD_OVERFLOW, 0 },
	/* The largest amount at the lowest price still fits: 9999999999
	 * fen * 1e5 / 1 = 999999999900000 Wh. */
	{ "largest amount, lowest price", T_FLAT_MIN, MONEY_MAX_FEN, 0, 0,
	  INT64_C(999999999900000) },
};

static void test_energy_for_amount_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(energy_cases) / sizeof(energy_cases[0]); i++) {
		const struct energy_case *c = &energy_cases[i];
		struct tariff_version v;
		struct tariff t = { CN, &v, 1 };
		int64_t wh = -1;
		int rc;

		must_parse(c->text, &v);
		rc = tariff_energy_for_amount(&t, at_cn((struct lt){ 2026, 1,
								 15, 9, 0 }),
					      c->fen, c->mtd, &wh);
		if (rc != c->rc || (rc == 0 && wh != c->wh))
			print_error("case \"%s\": rc %d wh %lld\n", c->name,
				    rc, (long long)wh);
		assert_int_equal(rc, c->rc);
		if (rc == 0)
			assert_int_equal(wh, c->wh);
	}
}

/* The energy sold never costs more than the money paid: sweep amounts and
 * check that the energy bought, billed at the same prices, costs at most
 * the amount (before rounding: wh * price <= fen * 100000). */
static void test_energy_for_amount_never_exceeds_payment(void **state)
{
	struct tariff_version v;
	struct tariff t = { CN, &v, 1 };
	int64_t fen, wh;

	(void)state;
	must_parse("flat 0.5883", &v);
	for (fen = 0; fen < 20000; fen += 13) {
		assert_int_equal(tariff_energy_for_amount(&t, 0, fen, 0, &wh),
				 0);
		assert_true(wh * 5883 <= fen * 100000);
		assert_true((wh + 1) * 5883 > fen * 100000);
	}
}

static void test_price_at_includes_rate_and_tier(void **state)
{
	struct tariff_version v;
	struct tariff t = { CN, &v, 1 };
	enum tariff_rate rate;
	int64_t price;

	(void)state;
	must_parse(T_TOU_TIER, &v);
	v.effective_from = 0;
	/* 21:00 is peak 0.9000; 150 kWh is in the second block (+0.1000). */
	assert_int_equal(tariff_price_at(&t, at_cn((struct lt){ 2026, 1, 15,
								21, 0 }),
					 150000, &rate, &price), 0);
	assert_int_equal(rate, TARIFF_PEAK);
	assert_int_equal(price, 10000);
	/* 07:59 is valley; 99999 Wh is still the first block. */
	assert_int_equal(tariff_price_at(&t, at_cn((struct lt){ 2026, 1, 15,
								7, 59 }),
					 99999, &rate, &price), 0);
	assert_int_equal(rate, TARIFF_VALLEY);
	assert_int_equal(price, 3000);
	v.effective_from = at_cn((struct lt){ 2027, 1, 1, 0, 0 });
	assert_int_equal(tariff_price_at(&t, 0, 0, &rate, &price),
			 -SD_TARIFF_NONE);
}

/* ---- validation -------------------------------------------------------- */

struct bad_case {
	const char *text;
	const char *why; /* a substring of the reason */
};

/* Texts the parser reads but the tariff they describe is wrong, and texts
 * the parser itself refuses: each reason names what is wrong. */
static const struct bad_case bad_cases[] = {
	{ "", "empty" },
	{ "fixed 0.5", "starts with \"fixed\"; expected flat or tou" },
	{ "flat", "flat needs its price next" },
	{ "flat peak=0.9", "flat needs its price next" },
	{ "flat 0.58801", "price 0.58801: a price has at most four decimals" },
	{ "flat abc", "price abc: not a price" },
	{ "flat -0.5", "price -0.5: must not be negative" },
	{ "flat 0", "price 0: must be greater than 0" },
	{ "flat 100", "price 100: above the limit of 99.9999" },
	{ "flat 0.5 0.6", "\"0.6\": expected KEY=VALUE" },
	{ "flat 0.5 peak=1", "peak=: a flat tariff takes only a price" },
	{ "tou foo=1", "unknown key \"foo=\"" },
	{ "tou peak=0.9 peak=0.8", "peak= given twice" },
	{ "tou peak=0.9x", "peak=0.9x: not a price" },
	{ "tou flat=0.6 purchase=0.12345 segments=00:00-24:00:flat",
	  "purchase=0.12345: a price has at most four decimals" },
	{ "tou flat=0.6", "a tou tariff needs segments=" },
	{ "tou flat=0.6 segments=00:00-25:00:flat",
	  "segment \"00:00-25:00:flat\": write HH:MM-HH:MM:RATE" },
	{ "tou flat=0.6 segments=00:00-12:60:flat",
	  "segment \"00:00-12:60:flat\"" },
	{ "tou flat=0.6 segments=24:00-08:00:flat", "starts at 24:00" },
	{ "tou flat=0.6 segments=00:00-24:00:cheap",
	  "unknown rate \"cheap\"" },
	{ "tou flat=0.6 segments=00:00-12:00:flat,,12:00-24:00:flat",
	  "an empty item between commas" },
	{ "tou flat=0.6 segments=00:00-12:00:flat segments=12:00-24:00:flat",
	  "segments= given twice" },
	{ "tou flat=0.6 segments=00:00-12:00:flat",
	  "the time 12:00-24:00 is in no segment" },
	{ "tou flat=0.6 segments=00:00-13:00:flat,12:00-24:00:flat",
	  "segments 00:00-13:00 and 12:00-24:00 overlap at 12:00" },
	{ "tou flat=0.6 segments=08:00-08:00:flat", "segment 08:00-08:00 is empty" },
	{ "tou flat=0.6 segments=22:00-06:00:flat,06:00-23:00:flat",
	  "overlap at 22:00" },
	{ "tou peak=0.9 purchase=0.5 segments=00:00-12:00:peak,"
	  "12:00-24:00:valley",
	  "segment 12:00-24:00 uses the valley rate, which has no price" },
	{ "tou peak=0.9 segments=00:00-24:00:peak",
	  "no flat price, so set purchase=" },
	{ "tou flat=0.6 season=01-01..06-30 segments=00:00-24:00:flat "
	  "season=07-02..12-31 segments=00:00-24:00:flat",
	  "07-01 is in no season" },
	{ "tou flat=0.6 season=01-01..07-01 segments=00:00-24:00:flat "
	  "season=07-01..12-31 segments=00:00-24:00:flat",
	  "07-01 is in two seasons (1 and 2)" },
	{ "tou flat=0.6 season=03-01..02-28 segments=00:00-24:00:flat",
	  "02-29 is in no season" },
	{ "tou flat=0.6 season=13-01..12-31 segments=00:00-24:00:flat",
	  "season=13-01..12-31: 13-01 is not a date" },
	{ "tou flat=0.6 season=06-01-08-31 segments=00:00-24:00:flat",
	  "write MM-DD..MM-DD" },
	{ "tou flat=0.6 season=01-01..12-31",
	  "the last season= has no segments=" },
	{ "tou flat=0.6 segments=00:00-24:00:flat season=01-01..12-31",
	  "segments= before it already cover the whole year" },
	{ "tou flat=0.6 season=07-01..08-31 segments=00:00-08:00:flat "
	  "season=09-01..06-30 segments=00:00-24:00:flat",
	  "season 07-01..08-31: the time 08:00-24:00 is in no segment" },
	{ "flat 0.5 tiers=0-200kWh:+0,200-100kWh:+0.1,100kWh-:+0.2",
	  "tier 2 must end above where it starts" },
	{ "flat 0.5 tiers=0-200kWh:+0,300kWh-:+0.1",
	  "tier 2 must start at 200 kWh" },
	{ "flat 0.5 tiers=0-200kWh:+0,200-400kWh:+0.1",
	  "the last tier must have no upper end" },
	{ "flat 0.5 tiers=0kWh-:+0,200kWh-:+0.1", "must be the last" },
	{ "flat 0.5 tiers=0-2x0kWh:+0,200kWh-:+0.1",
	  "tier 1: \"2x0\" is not an amount of kWh" },
	{ "flat 0.5 tiers=0-200kWh:+x,200kWh-:+0.1",
	  "tier 1 increment +x: not a price" },
	{ "flat 0.5 tiers=0-200kWh+0", "tier \"0-200kWh+0\": write" },
	{ "flat 99.0000 tiers=0-1kWh:+0,1kWh-:+1.0000",
	  "the top-tier price 100.0000 is above the limit" },
};

static void test_bad_texts_name_the_problem(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct tariff_version v;
		char why[TARIFF_WHY_SZ] = "";
		int rc = tariff_parse(bad_cases[i].text, &v, why, sizeof(why));

		if (rc != -SD_TARIFF || !strstr(why, bad_cases[i].why))
			print_error("\"%s\": rc %d, why \"%s\", expected "
				    "\"%s\"\n", bad_cases[i].text, rc, why,
				    bad_cases[i].why);
		assert_int_equal(rc, -SD_TARIFF);
		assert_non_null(strstr(why, bad_cases[i].why));
	}
}

/* Mistakes only a hand-built struct (or a damaged database row) can make. */
static void test_validate_struct_errors(void **state)
{
	struct tariff_version v[2];
	struct tariff t = { CN, v, 2 };
	char why[TARIFF_WHY_SZ] = "";

	(void)state;
	must_parse("flat 0.5000", &v[0]);
	must_parse("flat 0.6000", &v[1]);
	v[0].effective_from = at_cn((struct lt){ 2026, 7, 1, 0, 0 });
	v[1].effective_from = at_cn((struct lt){ 2026, 1, 1, 0, 0 });
	assert_int_equal(tariff_validate(&t, why, sizeof(why)), -SD_TARIFF);
	assert_string_equal(why, "version 2 takes effect at 2026-01-01 "
				 "00:00:00, not after version 1 at "
				 "2026-07-01 00:00:00");
	v[1].effective_from = v[0].effective_from; /* equal: still wrong */
	assert_int_equal(tariff_validate(&t, why, sizeof(why)), -SD_TARIFF);
	v[1].effective_from = v[0].effective_from + 1;
	assert_int_equal(tariff_validate(&t, why, sizeof(why)), 0);

	t.utc_offset_min = 900;
	assert_int_equal(tariff_validate(&t, why, sizeof(why)), -SD_TARIFF);
	assert_non_null(strstr(why, "UTC offset 900"));
	t.utc_offset_min = CN;

	v[1].price[TARIFF_PEAK] = 9000;
	assert_int_equal(tariff_validate(&t, why, sizeof(why)), -SD_TARIFF);
	assert_string_equal(why, "version 2: a flat tariff has one price; "
				 "the peak price must be 0");
	v[1].price[TARIFF_PEAK] = 0;
	v[1].purchase_price = 6000;
	assert_int_equal(tariff_version_validate(&v[1], why, sizeof(why)),
			 -SD_TARIFF);
	assert_non_null(strstr(why, "no separate purchase price"));
	v[1].purchase_price = 0;
	v[1].kind = (enum tariff_kind)7;
	assert_int_equal(tariff_version_validate(&v[1], why, sizeof(why)),
			 -SD_TARIFF);
	assert_string_equal(why, "the kind must be flat or tou");
	v[1].kind = TARIFF_KIND_FLAT;
	v[1].price[TARIFF_FLAT] = TARIFF_PRICE_MAX + 1;
	assert_int_equal(tariff_version_validate(&v[1], why, sizeof(why)),
			 -SD_TARIFF);
	assert_string_equal(why, "the flat price 100.0000 is above the limit "
				 "of 99.9999 yuan/kWh");

	t.n_versions = 0;
	assert_int_equal(tariff_validate(&t, why, sizeof(why)), -SD_TARIFF);
	assert_string_equal(why, "the tariff has no versions");
	/* why may be NULL when the caller only wants the verdict. */
	assert_int_equal(tariff_validate(&t, NULL, 0), -SD_TARIFF);
}

/* ---- text form --------------------------------------------------------- */

static const struct {
	const char *in, *canonical;
} round_trips[] = {
	{ "flat 0.588", "flat 0.5880" },
	{ "  flat\t0.5880  ", "flat 0.5880" },
	{ "tou valley=0.3 peak=0.9 segments=08:00-22:00:peak,"
	  "22:00-08:00:valley purchase=0.6",
	  "tou peak=0.9000 valley=0.3000 purchase=0.6000 "
	  "segments=08:00-22:00:peak,22:00-08:00:valley" },
	/* Chinese rate names, a segment ending at "00:00" = 24:00, and an
	 * unsorted table: segments come out in order of start time. */
	{ "tou \xe5\xb3\xb0=0.9 \xe8\xb0\xb7=0.3 flat=0.6 "
	  "segments=22:00-00:00:\xe8\xb0\xb7,0:00-08:00:\xe8\xb0\xb7,"
	  "08:00-22:00:\xe5\xb3\xb0",
	  "tou peak=0.9000 flat=0.6000 valley=0.3000 "
	  "segments=00:00-08:00:valley,08:00-22:00:peak,22:00-24:00:valley" },
	/* Seasons come out in order of start date. */
	{ "tou flat=0.6 peak=1 season=09-01..06-30 segments=00:00-24:00:flat "
	  "season=07-01..08-31 segments=12:00-24:00:peak,00:00-12:00:flat",
	  "tou peak=1.0000 flat=0.6000 season=07-01..08-31 "
	  "segments=00:00-12:00:flat,12:00-24:00:peak season=09-01..06-30 "
	  "segments=00:00-24:00:flat" },
	/* A whole-year season is the same as none. */
	{ "tou flat=0.6 season=01-01..12-31 segments=00:00-24:00:flat",
	  "tou flat=0.6000 segments=00:00-24:00:flat" },
	{ "flat 0.5 tiers=0-200kWh:+0,200-400.5KWH:+0.05,400.5kWh-:+0.3",
	  "flat 0.5000 tiers=0-200kWh:+0.0000,200-400.5kWh:+0.0500,"
	  "400.5kWh-:+0.3000" },
	{ "flat 0.5 tiers=0-0.001:0,0.001-:0.0001",
	  "flat 0.5000 tiers=0-0.001kWh:+0.0000,0.001kWh-:+0.0001" },
	{ T_TOU_TIER, "tou peak=0.9000 valley=0.3000 purchase=0.6000 "
		      "segments=08:00-22:00:peak,22:00-08:00:valley "
		      "tiers=0-100kWh:+0.0000,100kWh-:+0.1000" },
};

static void test_text_form_round_trips(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(round_trips) / sizeof(round_trips[0]); i++) {
		struct tariff_version v, w;
		char buf[TARIFF_TEXT_SZ], again[TARIFF_TEXT_SZ];

		must_parse(round_trips[i].in, &v);
		assert_int_equal(tariff_format(&v, buf, sizeof(buf)), 0);
		assert_string_equal(buf, round_trips[i].canonical);
		/* The canonical form is a fixed point. */
		must_parse(buf, &w);
		assert_int_equal(tariff_format(&w, again, sizeof(again)), 0);
		assert_string_equal(again, buf);
		assert_memory_equal(&v, &w, sizeof(v));
	}
}

static void test_format_refuses_small_buffer_and_bad_version(void **state)
{
	struct tariff_version v;
	char buf[8];

	(void)state;
	must_parse(T_TOU, &v);
	assert_int_equal(tariff_format(&v, buf, sizeof(buf)), -SD_OVERFLOW);
	assert_string_equal(buf, "");
	v.price[TARIFF_SHARP] = 0; /* a segment still uses sharp */
	assert_int_equal(tariff_format(&v, buf, sizeof(buf)), -SD_TARIFF);
}

/* The largest version (4 seasons * 12 segments, 8 tiers) fits
 * TARIFF_TEXT_SZ both ways. */
static void test_largest_version_fits_text_size(void **state)
{
	struct tariff_version v, w;
	char buf[TARIFF_TEXT_SZ], why[TARIFF_WHY_SZ];
	static const int from[4] = { 101, 401, 701, 1001 };
	static const int to[4] = { 331, 630, 930, 1231 };
	int s, g, i;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.kind = TARIFF_KIND_TOU;
	for (i = 0; i < TARIFF_RATE_COUNT; i++)
		v.price[i] = 999999 - i;
	v.purchase_price = 999999;
	v.n_seasons = 4;
	for (s = 0; s < 4; s++) {
		v.seasons[s].from_mmdd = from[s];
		v.seasons[s].to_mmdd = to[s];
		v.seasons[s].n_segments = TARIFF_MAX_SEGMENTS;
		for (g = 0; g < TARIFF_MAX_SEGMENTS; g++) {
			v.seasons[s].segments[g].start_min = g * 120;
			v.seasons[s].segments[g].end_min = g * 120 + 120;
			v.seasons[s].segments[g].rate =
				(enum tariff_rate)(g % 4);
		}
	}
	v.n_tiers = TARIFF_MAX_TIERS;
	for (i = 0; i < TARIFF_MAX_TIERS; i++) {
		v.tiers[i].upto_wh = INT64_C(999999999990) + i;
		v.tiers[i].price_add = 0;
	}
	v.tiers[TARIFF_MAX_TIERS - 1].upto_wh = TARIFF_TIER_OPEN;
	assert_int_equal(tariff_version_validate(&v, why, sizeof(why)), 0);
	assert_int_equal(tariff_format(&v, buf, sizeof(buf)), 0);
	assert_int_equal(tariff_parse(buf, &w, why, sizeof(why)), 0);
	assert_memory_equal(&v, &w, sizeof(v));
}

static void test_rate_and_kind_names(void **state)
{
	enum tariff_rate r;
	enum tariff_kind k;

	(void)state;
	assert_string_equal(tariff_rate_name(TARIFF_SHARP), "sharp");
	assert_string_equal(tariff_rate_name(TARIFF_VALLEY), "valley");
	assert_string_equal(tariff_kind_name(TARIFF_KIND_TOU), "tou");
	assert_int_equal(tariff_rate_from_name("\xe5\xb0\x96", &r), 0); /* 尖 */
	assert_int_equal(r, TARIFF_SHARP);
	assert_int_equal(tariff_rate_from_name("peak", &r), 0);
	assert_int_equal(r, TARIFF_PEAK);
	assert_int_equal(tariff_rate_from_name("Peak", &r), -SD_TARIFF);
	assert_int_equal(tariff_kind_from_name("flat", &k), 0);
	assert_int_equal(k, TARIFF_KIND_FLAT);
	assert_int_equal(tariff_kind_from_name("tiered", &k), -SD_TARIFF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil_dates_match_known_day_numbers),
		cmocka_unit_test(test_civil_dates_round_trip_day_by_day),
		cmocka_unit_test(test_month_start_is_local_midnight_of_the_1st),
		cmocka_unit_test(test_cost_hand_computed_cases),
		cmocka_unit_test(test_cost_splits_at_a_version_change),
		cmocka_unit_test(test_cost_month_use_carries_across_versions),
		cmocka_unit_test(test_cost_split_always_sums_to_energy),
		cmocka_unit_test(test_energy_for_amount_cases),
		cmocka_unit_test(test_energy_for_amount_never_exceeds_payment),
		cmocka_unit_test(test_price_at_includes_rate_and_tier),
		cmocka_unit_test(test_bad_texts_name_the_problem),
		cmocka_unit_test(test_validate_struct_errors),
		cmocka_unit_test(test_text_form_round_trips),
		cmocka_unit_test(test_format_refuses_small_buffer_and_bad_version),
		cmocka_unit_test(test_largest_version_fits_text_size),
		cmocka_unit_test(test_rate_and_kind_names),
	};

	return cmocka_run_group_tests_name("tariff", tests, NULL, NULL);
}
