#include "clock.h"

#include <stdio.h>
#include <time.h>

static int64_t clock_fixed;

int64_t clock_now(void)
{
	if (clock_fixed)
		return clock_fixed;
	return (int64_t)time(NULL);
}

void clock_set(int64_t t)
{
	clock_fixed = t;
}

int64_t clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *clock_format_local(int64_t t, int utc_offset_min, char *buf, unsigned len)
{
	/* The site keeps a fixed offset (China has no DST), so gmtime of the
	 * shifted instant is the local wall time without touching TZ. */
	time_t shifted = (time_t)(t + (int64_t)utc_offset_min * 60);
	struct tm tm;

	gmtime_r(&shifted, &tm);
	snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return buf;
}
