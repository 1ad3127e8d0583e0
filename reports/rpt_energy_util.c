/* rpt_energy_util: the kWh, yuan and local-time text and the local
 * periods that the energy reports and the daily export share
 * (rpt_energy_int.h); the priced walk is in rpt_energy_walk.c. */
#include "rpt_energy_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


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
