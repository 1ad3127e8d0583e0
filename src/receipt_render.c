/* receipt_render: a laid-out document as UTF-8 text or ESC/POS bytes.
 * Both renderers share one row builder (wrapping, padding, alignment), so
 * the text preview and the paper show the same rows; they differ only in
 * how a row's alignment and size reach the output. */
#include "receipt.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "text.h"

/* A row never holds more than one input string plus padding. */
#define ROW_MAX 1024

/* ---- growable output buffer ---------------------------------------- */

struct buf {
	char *p;
	size_t n, cap;
	int failed;
};

static void buf_put(struct buf *b, const void *d, size_t n)
{
	if (b->failed)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *p;
		while (cap < b->n + n + 1)
			cap *= 2;
		if (!(p = realloc(b->p, cap))) {
			b->failed = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, d, n);
	b->n += n;
	b->p[b->n] = 0;
}

/* Appends n bytes given as ints: the ESC/POS commands read like the
 * manual, buf_bytes(b, 3, 0x1B, 'a', 1). */
static void buf_bytes(struct buf *b, int n, ...)
{
	unsigned char tmp[8];
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < n && i < (int)sizeof(tmp); i++)
		tmp[i] = (unsigned char)va_arg(ap, int);
	va_end(ap);
	buf_put(b, tmp, (size_t)i);
}

static void buf_spaces(struct buf *b, int n)
{
	while (n-- > 0)
		buf_put(b, " ", 1);
}

/* ---- characters ----------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s, 0 if s does not start one. */
static int char_len(const unsigned char *s)
{
	int n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	/* Overlong 3- and 4-byte forms, surrogates and beyond U+10FFFF. */
	if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) ||
	    (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
		return 0;
	return n;
}

static int char_width(const char *s, int n)
{
	char tmp[5];

	memcpy(tmp, s, (size_t)n);
	tmp[n] = 0;
	return text_width(tmp);
}

/* Copies src into dst (at least as large) as printable UTF-8: invalid
 * bytes become '?', control characters a blank, except newlines that a
 * note may hold, and blanks around the text go. A printer would take a
 * stray control byte as a command. */
static void sanitize(const char *src, char *dst)
{
	const unsigned char *s = (const unsigned char *)src;
	char *o = dst;

	while (*s == ' ' || *s == '\t')
		s++;

	while (*s) {
		int n = char_len(s);
		if (n == 0) {
			*o++ = '?';
			s++;
		} else if (n == 1 && (*s < 0x20 || *s == 0x7F)) {
			*o++ = *s == '\n' ? '\n' : ' ';
			s++;
		} else if (n == 2 && s[0] == 0xC2 && s[1] < 0xA0) { /* C1 controls */
			*o++ = ' ';
			s += 2;
		} else {
			memcpy(o, s, (size_t)n);
			o += n;
			s += n;
		}
	}
	while (o > dst && (o[-1] == ' ' || o[-1] == '\n'))
		o--;
	*o = 0;
}

/* Cuts the next row of at most cols columns off *pp into row (ROW_MAX
 * bytes) and returns its width, or -1 when the text is used up. Breaks at
 * the last blank rather than inside a Latin word, anywhere next to a CJK
 * character, and always at a newline. */
static int next_row(const char **pp, int cols, char *row)
{
	const char *p = *pp, *q, *brk = NULL;
	int w = 0, prev_wide = 0;
	size_t rn;

	while (*p == ' ')
		p++;
	if (!*p) {
		*pp = p;
		return -1;
	}
	for (q = p; *q && *q != '\n';) {
		int n = char_len((const unsigned char *)q), cw, wide;

		n = n ? n : 1;
		cw = char_width(q, n);
		wide = cw > 1;
		if (w + cw > cols) {
			if (q == p)
				q += n; /* wider than the row: print it anyway */
			else if (*q != ' ' && !wide && !prev_wide && brk)
				q = brk;
			break;
		}
		if (*q == ' ')
			brk = q;
		w += cw;
		q += n;
		prev_wide = wide;
	}
	rn = (size_t)(q - p);
	if (rn >= ROW_MAX)
		rn = ROW_MAX - 1;
	memcpy(row, p, rn);
	while (rn > 0 && row[rn - 1] == ' ')
		rn--;
	row[rn] = 0;
	*pp = *q == '\n' ? q + 1 : q;
	return text_width(row);
}

/* ---- the shared row builder ---------------------------------------- */

enum row_align { ROW_LEFT, ROW_CENTER, ROW_RIGHT };

/* Receives the rows of a document: text is what the row prints, without
 * the blanks an alignment adds; width is the document's. */
struct sink {
	void (*row)(struct sink *s, enum rcpt_style st, enum row_align al, int width,
		    const char *text);
};

static void wrap_rows(struct sink *s, enum rcpt_style st, enum row_align al, int width,
		      int cols, const char *text)
{
	char row[ROW_MAX];

	while (next_row(&text, cols, row) >= 0)
		s->row(s, st, al, width, row);
}

/* A pair is label on the left, value on the right. A value too long for
 * the room beside its label wraps there, continuing right-aligned; if that
 * room is under half the width, the value goes below the label. */
static void pair_rows(struct sink *s, const struct rcpt_line *ln, int width, const char *left,
		      const char *right)
{
	int lw = text_width(left), rw = text_width(right), avail = width - lw - 1;
	char row[ROW_MAX], first[ROW_MAX];
	const char *p = right;
	size_t ln_len;
	int fw, gap;

	if (!right[0]) {
		wrap_rows(s, ln->style, ROW_LEFT, width, width, left);
		return;
	}
	if (strchr(left, '\n') || avail < width / 2) {
		wrap_rows(s, ln->style, ROW_LEFT, width, width, left);
		wrap_rows(s, ln->style, ROW_RIGHT, width, width, right);
		return;
	}
	if (!strchr(right, '\n') && rw <= avail) {
		fw = rw;
		snprintf(first, sizeof(first), "%s", right);
	} else if ((fw = next_row(&p, avail, first)) < 0) {
		first[0] = 0;
	}
	/* Fits: each side is at most 255 bytes (struct rcpt_line), the gap
	 * at most the width. */
	ln_len = strlen(left);
	gap = width - lw - (fw > 0 ? fw : 0);
	memcpy(row, left, ln_len);
	memset(row + ln_len, ' ', (size_t)gap);
	snprintf(row + ln_len + gap, sizeof(row) - ln_len - (size_t)gap, "%s", first);
	s->row(s, ln->style, ROW_LEFT, width, row);
	if (p != right)
		wrap_rows(s, ln->style, ROW_RIGHT, width, avail, p);
}

/* Feeds every row of doc to s. Titles wrap at half the width because the
 * printer doubles their characters. */
static int build_rows(const struct rcpt_doc *doc, struct sink *s)
{
	char left[512], right[512], rule[RECEIPT_WIDTH_MAX + 1];
	int i, width = doc->width;

	if (width < RECEIPT_WIDTH_MIN || width > RECEIPT_WIDTH_MAX)
		return err_set(-SD_INVAL, "receipt width %d is not between %d and %d", width,
			       RECEIPT_WIDTH_MIN, RECEIPT_WIDTH_MAX);
	for (i = 0; i < doc->n && i < (int)(sizeof(doc->line) / sizeof(doc->line[0])); i++) {
		const struct rcpt_line *ln = &doc->line[i];
		char l[sizeof(ln->left) + 1], r[sizeof(ln->right) + 1];

		/* Copy first: a line filled by hand may lack its NUL. */
		memcpy(l, ln->left, sizeof(ln->left));
		l[sizeof(ln->left)] = 0;
		memcpy(r, ln->right, sizeof(ln->right));
		r[sizeof(ln->right)] = 0;
		sanitize(l, left);
		sanitize(r, right);
		switch (ln->style) {
		case RCPT_RULE:
			memset(rule, left[0] > ' ' && left[0] < 0x7F ? left[0] : '-', (size_t)width);
			rule[width] = 0;
			s->row(s, ln->style, ROW_LEFT, width, rule);
			break;
		case RCPT_TITLE:
			wrap_rows(s, ln->style, ROW_CENTER, width, width / 2, left);
			break;
		case RCPT_CENTER:
			wrap_rows(s, ln->style, ROW_CENTER, width, width, left);
			break;
		case RCPT_TEXT:
			wrap_rows(s, ln->style, ROW_LEFT, width, width, left);
			break;
		case RCPT_PAIR:
		case RCPT_BIG_PAIR:
			pair_rows(s, ln, width, left, right);
			break;
		}
	}
	return 0;
}

/* ---- text ----------------------------------------------------------- */

struct text_sink {
	struct sink base;
	struct buf out;
};

static void text_row(struct sink *s, enum rcpt_style st, enum row_align al, int width,
		     const char *text)
{
	struct text_sink *t = (struct text_sink *)s;
	int w = text_width(text);

	(void)st;
	if (al == ROW_CENTER)
		buf_spaces(&t->out, (width - w) / 2);
	else if (al == ROW_RIGHT)
		buf_spaces(&t->out, width - w);
	buf_put(&t->out, text, strlen(text));
	buf_put(&t->out, "\n", 1);
}

int rcpt_render_text(const struct rcpt_doc *doc, char **out, size_t *len)
{
	struct text_sink t = { { text_row }, { NULL, 0, 0, 0 } };
	int rc;

	*out = NULL;
	*len = 0;
	rc = build_rows(doc, &t.base);
	buf_put(&t.out, "", 0);
	if (rc == 0 && t.out.failed)
		rc = -SD_NOMEM;
	if (rc < 0) {
		free(t.out.p);
		return rc;
	}
	*out = t.out.p;
	*len = t.out.n;
	return 0;
}

/* ---- ESC/POS -------------------------------------------------------- */

#define ESC 0x1B
#define FS 0x1C
#define GS 0x1D

struct escpos_sink {
	struct sink base;
	struct buf out;
	iconv_t cd;
	int zh, align, size, bold;
};

/* Appends text as GB18030. The text is valid UTF-8 (sanitized), so a
 * failure is a character GB18030 lacks, which it has none of; '?' then. */
static void put_gb18030(struct escpos_sink *e, const char *text)
{
	char tmp[ROW_MAX * 4];
	char *in = (char *)text, *o = tmp;
	size_t inleft = strlen(text), outleft = sizeof(tmp);

	iconv(e->cd, NULL, NULL, NULL, NULL);
	while (inleft > 0) {
		if (iconv(e->cd, &in, &inleft, &o, &outleft) != (size_t)-1)
			break;
		if (errno != EILSEQ && errno != EINVAL)
			break;
		if (outleft > 0) {
			*o++ = '?';
			outleft--;
		}
		in++;
		inleft--;
		while (inleft > 0 && ((unsigned char)*in & 0xC0) == 0x80) {
			in++;
			inleft--;
		}
	}
	buf_put(&e->out, tmp, (size_t)(o - tmp));
}

static int is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

static void escpos_row(struct sink *s, enum rcpt_style st, enum row_align al, int width,
		       const char *text)
{
	struct escpos_sink *e = (struct escpos_sink *)s;
	/* GS ! n: high nibble width, low nibble height. A title doubles both
	 * (it was wrapped at half width); the amount doubles only its height
	 * so its columns stay those of the text render. */
	int size = st == RCPT_TITLE ? 0x11 : st == RCPT_BIG_PAIR ? 0x01 : 0x00;
	int bold = st == RCPT_TITLE || st == RCPT_BIG_PAIR;
	int align = al == ROW_CENTER ? 1 : al == ROW_RIGHT ? 2 : 0;

	(void)width;
	if (align != e->align)
		buf_bytes(&e->out, 3, ESC, 'a', align);
	if (size != e->size)
		buf_bytes(&e->out, 3, GS, '!', size);
	if (bold != e->bold)
		buf_bytes(&e->out, 3, ESC, 'E', bold);
	e->align = align;
	e->size = size;
	e->bold = bold;
	if (e->zh) {
		put_gb18030(e, text);
	} else if (is_ascii(text)) {
		buf_put(&e->out, text, strlen(text));
	} else {
		buf_bytes(&e->out, 2, FS, '&');
		put_gb18030(e, text);
		buf_bytes(&e->out, 2, FS, '.');
	}
	buf_bytes(&e->out, 1, '\n');
}

int rcpt_render_escpos(const struct rcpt_doc *doc, const struct escpos_opts *o, uint8_t **out,
		       size_t *len)
{
	struct escpos_sink e = { { escpos_row }, { NULL, 0, 0, 0 }, (iconv_t)-1, o->zh, 0, 0, 0 };
	int rc;

	*out = NULL;
	*len = 0;
	e.cd = iconv_open("GB18030", "UTF-8");
	if (e.cd == (iconv_t)-1)
		return err_set(-SD_IO, "iconv cannot convert UTF-8 to GB18030 (glibc gconv modules missing?)");
	buf_bytes(&e.out, 2, ESC, '@');
	/* Open the drawer first: the cashier makes change while it prints. */
	if (o->drawer)
		buf_bytes(&e.out, 5, ESC, 'p', 0, 25, 250);
	if (o->zh)
		buf_bytes(&e.out, 2, FS, '&');
	rc = build_rows(doc, &e.base);
	if (e.size)
		buf_bytes(&e.out, 3, GS, '!', 0);
	if (e.bold)
		buf_bytes(&e.out, 3, ESC, 'E', 0);
	if (e.align)
		buf_bytes(&e.out, 3, ESC, 'a', 0);
	/* Feed the last row past the cutter before cutting. */
	buf_bytes(&e.out, 3, ESC, 'd', 4);
	if (o->cut)
		buf_bytes(&e.out, 3, GS, 'V', 1);
	iconv_close(e.cd);
	if (rc == 0 && e.out.failed)
		rc = -SD_NOMEM;
	if (rc < 0) {
		free(e.out.p);
		return rc;
	}
	*out = (uint8_t *)e.out.p;
	*len = e.out.n;
	return 0;
}
