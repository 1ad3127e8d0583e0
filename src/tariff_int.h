/* tariff_int: helpers shared by tariff.c, tariff_check.c and tariff_text.c.
 * Internal to the tariff module, not part of its API: include tariff.h. */
#ifndef SALEDESK_TARIFF_INT_H
#define SALEDESK_TARIFF_INT_H

#include <stddef.h>
#include <stdint.h>

#include "tariff.h"

#define SEC_PER_DAY 86400
/* Instants the engine handles: about +-31,000 years around 1970, so that
 * adding the site offset or a month never overflows. */
#define MAX_ABS_TIME INT64_C(1000000000000)

/* tariff.c */

/* Returns the site-local day (days since 1970-01-01) holding instant at. */
int64_t tariff_local_day(int64_t at, int off_min);
/* Returns 1 if season s holds local date mmdd (month*100 + day), else 0. */
int tariff_season_has(const struct tariff_season *s, int mmdd);
/* Returns 1 if segment g holds local minute of the day minute, else 0. */
int tariff_seg_has(const struct tariff_segment *g, int minute);

/* tariff_check.c */

/* Writes the reason into why (caller's buffer, may be NULL); returns
 * -SD_TARIFF. */
__attribute__((format(printf, 3, 4)))
int tariff_fail(char *why, size_t why_len, const char *fmt, ...);
/* Returns 1 if mmdd is a day of a leap year (so 02-29 counts), else 0. */
int tariff_mmdd_valid(int mmdd);

/* tariff_text.c; each writes into buf, the caller's. */

/* Writes minutes as "HH:MM" (6 bytes); out of 0..1440 prints "00:00". */
void tariff_fmt_hhmm(int min, char *buf, size_t len);
/* Writes month*100 + day as "MM-DD" (8 bytes is always enough). */
void tariff_fmt_mmdd(int mmdd, char *buf, size_t len);
/* Writes a segment's times as "HH:MM-HH:MM" (12 bytes). */
void tariff_fmt_seg(const struct tariff_segment *g, char *buf, size_t len);

#endif
