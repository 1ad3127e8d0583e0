/* clock: the one place the domain reads the time, so tests can set it. */
#ifndef SALEDESK_CLOCK_H
#define SALEDESK_CLOCK_H

#include <stdint.h>

/* Returns the current time as UTC Unix seconds (or the time set by a test). */
int64_t clock_now(void);

/* Makes clock_now() return t from now on; 0 goes back to the real clock.
 * For tests only. */
void clock_set(int64_t t);

/* Returns a monotonic time in milliseconds, for timeouts and durations. */
int64_t clock_mono_ms(void);

/* Formats UTC seconds as local "YYYY-MM-DD HH:MM:SS" into buf (at least 20
 * bytes) and returns buf; utc_offset_min is the site's offset from UTC. */
char *clock_format_local(int64_t t, int utc_offset_min, char *buf, unsigned len);

#endif
