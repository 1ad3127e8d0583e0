/* receipt: what a customer takes home. The facts of a receipt (struct
 * receipt) are serialised into the receipts table so a reprint shows the
 * same facts; receipt_layout() turns them into a device-neutral document
 * of lines, and the renderers turn a document into UTF-8 text or ESC/POS
 * bytes for a thermal printer (printer.h sends them). */
#ifndef SALEDESK_RECEIPT_H
#define SALEDESK_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

/* Printer widths receipt_layout() accepts, in characters (58 mm paper has
 * 32, 80 mm paper 48). */
#define RECEIPT_WIDTH_MIN 24
#define RECEIPT_WIDTH_MAX 80

/* A receipt's facts; one struct for every kind. Strings are UTF-8. */
struct receipt {
	char kind[16];           /* sale, refund, reversal, fee, opening, close */
	char number[24];         /* receipt number, e.g. 20261124-000123 */
	char desk[64];           /* desk name (utility / office) */
	char operator_name[256];
	char customer[256];
	char account_no[13];
	char room[192];          /* building-room, "" if none */
	char meter_no[13];
	int64_t amount;          /* fen; the money the customer paid (negative for refunds) */
	int64_t energy_wh;       /* 0: not shown */
	char tariff[128];        /* one line: code and price, e.g. "RES 0.5880 元/kWh" */
	int64_t debt_paid;       /* fen of this payment that went to old debt */
	int64_t debt_left;       /* old debt still owed after it */
	int64_t credited;        /* fen put on the card/meter (amount - debt_paid - fee) */
	int64_t balance;         /* fen on the account after, when has_balance */
	int has_balance;
	int64_t tendered, change;/* cash handed over and change given; 0,0: not shown */
	int64_t purchase_seq;    /* 0: not shown */
	int64_t time;            /* UTC Unix seconds; shown in local time */
	int reprint;             /* set when rendering a reprint: marked 重印 / REPRINT with reprint_time */
	int64_t reprint_time;
	char note[201];
	int utc_offset_min;      /* the site's local time = UTC + this (China: 480);
				  * stored, so a reprint shows the original clock */
};

/* Serialises r into a heap string (caller frees) of "key=value\n" lines
 * that receipt_decode() reads back; this is what the receipts table stores,
 * so a reprint re-renders the same facts. Values are escaped (newline,
 * backslash). reprint and reprint_time are not stored. Returns 0 or
 * -SD_NOMEM. */
int receipt_encode(const struct receipt *r, char **out);

/* Parses a body written by receipt_encode() into *r (zeroed first; keys
 * absent stay 0 or ""); unknown keys are ignored (forward compatible);
 * -SD_INVAL with a detail on a malformed line, a bad number or a value too
 * long for its field. */
int receipt_decode(const char *body, struct receipt *r);

/* One line of a laid-out receipt. */
enum rcpt_style { RCPT_TITLE, RCPT_CENTER, RCPT_TEXT, RCPT_PAIR, RCPT_RULE, RCPT_BIG_PAIR };
struct rcpt_line { enum rcpt_style style; char left[256]; char right[256]; };
struct rcpt_doc { int n; struct rcpt_line line[64]; int width; };

/* Lays r out for a printer of width characters (24..80) in Chinese (zh
 * non-zero) or English labels. Money through money_format(), the amount
 * also in capitals (大写金额 money_capital) in Chinese mode and in both
 * modes on the sale line "金额大写/In words". doc is overwritten and holds
 * no pointers. Returns 0 or -SD_INVAL for a width out of range. */
int receipt_layout(const struct receipt *r, int width, int zh, struct rcpt_doc *doc);

/* Any other document (the Z-report later) can be built by appending lines:
 * set doc->n = 0 and doc->width, then add. Copies left and right (NULL is
 * "", cut at 255 bytes on a character boundary); a RULE's left is its
 * character ("" for '-'). Returns 0 or -SD_OVERFLOW when doc is full. */
int rcpt_add(struct rcpt_doc *doc, enum rcpt_style st, const char *left, const char *right);

/* Renders doc as UTF-8 text, lines padded by display width (CJK = 2
 * columns), long values wrapped, into a heap buffer (caller frees). A
 * title wraps at half the width, as the printer prints it double width;
 * no row ends in blanks. *out is NUL-terminated, *len excludes the NUL.
 * Returns 0, -SD_INVAL (width out of range) or -SD_NOMEM. */
int rcpt_render_text(const struct rcpt_doc *doc, char **out, size_t *len);

struct escpos_opts { int zh; int cut; int drawer; };

/* Renders doc as ESC/POS bytes (heap, caller frees): ESC @ init; in zh
 * mode FS & (Chinese character mode) and text converted to GB18030 with
 * iconv; ESC a for alignment, GS ! double size for titles (width and
 * height) and BIG_PAIR (height only, so its columns stay those of the text
 * render), ESC E bold; feed (ESC d 4); GS V cut (partial) when cut; ESC p 0
 * drawer kick when drawer. In English mode a row holding non-ASCII text is
 * converted to GB18030 too, between FS & and FS . (invalid UTF-8 prints as
 * '?'). Same layout rules as the text render. Returns 0, -SD_INVAL,
 * -SD_NOMEM, or -SD_IO when iconv lacks GB18030. */
int rcpt_render_escpos(const struct rcpt_doc *doc, const struct escpos_opts *o, uint8_t **out, size_t *len);

#endif
