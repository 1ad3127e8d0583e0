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

/* One line of the Z-report with its value kept as a number: the printed
 * Z-report (shift_zreport) and `saledesk report zreport` are both made
 * from these lines, so they cannot disagree. */
enum shift_zvalue { SHIFT_Z_NONE, SHIFT_Z_TEXT, SHIFT_Z_COUNT, SHIFT_Z_MONEY };
struct shift_zline {
	enum rcpt_style style;   /* as printed */
	char label[64];
	enum shift_zvalue kind;  /* which of text / n holds the value */
	char text[256];
	int64_t n;               /* a count, or fen */
};
#define SHIFT_Z_MAX 24

/* Fills out (SHIFT_Z_MAX lines) with the Z-report of shift sh for the
 * desk named desk, times in the site's local time, labels in Chinese when
 * zh; returns the number of lines. Pure. */
int shift_zreport_lines(const struct shift_rec *sh, const char *desk, int utc_offset_min, int zh,
			struct shift_zline *out);

/* Lays out the Z-report of shift sh (totals by kind, float, expected,
 * counted, over/short) for a printer of width characters. */
int shift_zreport(const struct session *s, const struct shift_rec *sh, int width, int zh,
		  struct rcpt_doc *doc);

/* Prints the Z-report of shift sh on io's printer. */
int shift_print_zreport(const struct session *s, const struct sale_io *io,
			const struct shift_rec *sh);

#endif
