/* shift: a cashier's shift — opened with a cash float, every cash
 * movement booked to it, closed with the counted cash (over/short) and a
 * Z-report. */
#ifndef SALEDESK_SHIFT_H
#define SALEDESK_SHIFT_H

#include <stdint.h>

#include "db_sale.h"
#include "receipt.h"
#include "sale.h"
#include "session.h"

/* Opens a shift for the session's operator with opening_float fen in the
 * drawer; sets *id. -SD_EXISTS if one is open. Needs PERM_SALE. */
int shift_open(const struct session *s, int64_t opening_float, int64_t *id);

/* Reads the session operator's open shift with its totals; -SD_NO_SHIFT. */
int shift_current(const struct session *s, struct shift_rec *out);

/* Closes the open shift with counted fen in the drawer; *out gets the
 * shift with its totals (over/short = counted - expected). Refused while a
 * sale of the shift is pending. */
int shift_close(const struct session *s, int64_t counted, struct shift_rec *out);

/* Reads shift id: the operator's own, or any with PERM_SHIFT_VIEW. */
int shift_get(const struct session *s, int64_t id, struct shift_rec *out);

/* Calls fn for the shifts of operator login (NULL: every operator, which
 * needs PERM_SHIFT_VIEW; a cashier sees their own), newest first. */
int shift_list(const struct session *s, const char *login, int64_t limit,
	       int (*fn)(const struct shift_rec *, void *), void *ctx);

/* Lays out the Z-report of shift sh (totals by kind, float, expected,
 * counted, over/short) for a printer of width characters. */
int shift_zreport(const struct session *s, const struct shift_rec *sh, int width, int zh,
		  struct rcpt_doc *doc);

/* Prints the Z-report of shift sh on io's printer. */
int shift_print_zreport(const struct session *s, const struct sale_io *io,
			const struct shift_rec *sh);

#endif
