/* table: aligned text, TSV and CSV renderings of rows. */
#include "table.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "text.h"

struct rpt_table {
	int ncols, nrows, cap;
	char **headers;
	int *right;
	enum rpt_kind *kind;
	char **cells; /* nrows * ncols */
};

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

struct rpt_table *rpt_table_new(int ncols, const char *const *headers)
{
	struct rpt_table *t = calloc(1, sizeof(*t));
	int i;

	if (!t)
		return NULL;
	t->ncols = ncols;
	t->headers = calloc((size_t)ncols, sizeof(char *));
	t->right = calloc((size_t)ncols, sizeof(int));
	t->kind = calloc((size_t)ncols, sizeof(enum rpt_kind));
	if (!t->headers || !t->right || !t->kind)
		goto fail;
	for (i = 0; i < ncols; i++) {
		const char *h = headers[i];
		if (h[0] == '>') {
			t->right[i] = 1;
			h++;
		}
		if (!(t->headers[i] = strdup(h)))
			goto fail;
	}
	return t;
fail:
	rpt_table_free(t);
	return NULL;
}

int rpt_table_add(struct rpt_table *t, const char *const *cells)
{
	int i;

	if (t->nrows == t->cap) {
		int cap = t->cap ? t->cap * 2 : 16;
		char **c = realloc(t->cells, (size_t)cap * (size_t)t->ncols * sizeof(char *));
		if (!c)
			return -SD_NOMEM;
		t->cells = c;
		t->cap = cap;
	}
	for (i = 0; i < t->ncols; i++) {
		char *c = dup_or_empty(cells[i]);
		if (!c) {
			while (i-- > 0)
				free(t->cells[t->nrows * t->ncols + i]);
			return -SD_NOMEM;
		}
		t->cells[t->nrows * t->ncols + i] = c;
	}
	t->nrows++;
	return 0;
}

int rpt_table_rows(const struct rpt_table *t)
{
	return t->nrows;
}

void rpt_table_set_kind(struct rpt_table *t, int col, enum rpt_kind kind)
{
	if (col < 0 || col >= t->ncols)
		return;
	t->kind[col] = kind;
	if (kind != RPT_KIND_TEXT)
		t->right[col] = 1;
}

enum rpt_kind rpt_table_kind(const struct rpt_table *t, int col)
{
	return col >= 0 && col < t->ncols ? t->kind[col] : RPT_KIND_TEXT;
}

int rpt_table_cols(const struct rpt_table *t)
{
	return t->ncols;
}

const char *rpt_table_header(const struct rpt_table *t, int col)
{
	return col >= 0 && col < t->ncols ? t->headers[col] : "";
}

const char *rpt_table_cell(const struct rpt_table *t, int row, int col)
{
	if (row < 0 || row >= t->nrows || col < 0 || col >= t->ncols)
		return "";
	return t->cells[row * t->ncols + col];
}

/* n / unit with exactly decimals digits, exact (no floating point). */
static char *fixed_cell(int64_t n, int64_t unit, int decimals, char *buf, size_t len)
{
	uint64_t mag = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;

	snprintf(buf, len, "%s%" PRIu64 ".%0*" PRIu64, n < 0 ? "-" : "", mag / (uint64_t)unit,
		 decimals, mag % (uint64_t)unit);
	return buf;
}

char *rpt_money_cell(int64_t fen, char *buf, size_t len)
{
	return fixed_cell(fen, 100, 2, buf, len);
}

char *rpt_energy_cell(int64_t wh, char *buf, size_t len)
{
	return fixed_cell(wh, 1000, 3, buf, len);
}

char *rpt_int_cell(int64_t n, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRId64, n);
	return buf;
}

/* The aligned table shows money grouped by thousands ("12,345.60"), as
 * screens and receipts do; other renderers keep the canonical cell. */
static const char *shown(const struct rpt_table *t, int c, const char *s, char *buf, size_t len)
{
	const char *dot, *digits;
	size_t n, i, o = 0;

	if (t->kind[c] != RPT_KIND_MONEY || !*s || !(dot = strchr(s, '.')))
		return s;
	digits = s[0] == '-' ? s + 1 : s;
	n = (size_t)(dot - digits);
	if (n <= 3 || n + n / 3 + strlen(dot) + 2 > len)
		return s;
	if (s[0] == '-')
		buf[o++] = '-';
	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	snprintf(buf + o, len - o, "%s", dot);
	return buf;
}

int rpt_text_width(const char *s)
{
	return text_width(s);
}

static void pad(FILE *out, int n)
{
	while (n-- > 0)
		fputc(' ', out);
}

static void print_aligned(const struct rpt_table *t, FILE *out, unsigned flags)
{
	int *width = calloc((size_t)t->ncols, sizeof(int));
	char g[64];
	int r, c;

	if (!width)
		return;
	for (c = 0; c < t->ncols; c++)
		width[c] = rpt_text_width(t->headers[c]);
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			int w = rpt_text_width(shown(t, c, t->cells[r * t->ncols + c], g, sizeof(g)));
			if (w > width[c])
				width[c] = w;
		}
	for (r = (flags & RPT_WRITE_NO_HEADER) ? 0 : -1; r < t->nrows; r++) {
		/* Trailing blanks of a row (empty last cells) are not printed:
		 * they show up in diffs and make lines wrap on narrow screens. */
		int pending = 0;
		for (c = 0; c < t->ncols; c++) {
			const char *s = r < 0 ? t->headers[c]
					      : shown(t, c, t->cells[r * t->ncols + c], g, sizeof(g));
			int gap = width[c] - rpt_text_width(s);
			if (c)
				pending += 2;
			if (t->right[c])
				pending += gap;
			if (*s) {
				pad(out, pending);
				fputs(s, out);
				pending = 0;
			}
			if (!t->right[c])
				pending += gap;
		}
		fputc('\n', out);
	}
	free(width);
}

static void print_tsv_cell(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\t')
			fputs("\\t", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (*s == '\r')
			fputs("\\r", out);
		else if (*s == '\\')
			fputs("\\\\", out);
		else
			fputc(*s, out);
	}
}

static void print_csv_cell(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

void rpt_table_print(const struct rpt_table *t, FILE *out, enum rpt_format fmt)
{
	rpt_table_write(t, out, fmt, 0);
}

void rpt_table_write(const struct rpt_table *t, FILE *out, enum rpt_format fmt, unsigned flags)
{
	void (*cell)(FILE *, const char *) = fmt == RPT_CSV ? print_csv_cell : print_tsv_cell;
	const char *sep = fmt == RPT_CSV ? "," : "\t";
	const char *eol = fmt == RPT_CSV ? "\r\n" : "\n";
	int r, c;

	if (fmt == RPT_TABLE) {
		print_aligned(t, out, flags);
		return;
	}
	if (flags & RPT_WRITE_BOM)
		fputs("\xEF\xBB\xBF", out);
	for (r = (flags & RPT_WRITE_NO_HEADER) ? 0 : -1; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			if (c)
				fputs(sep, out);
			cell(out, r < 0 ? t->headers[c] : t->cells[r * t->ncols + c]);
		}
		fputs(eol, out);
	}
}

void rpt_table_free(struct rpt_table *t)
{
	int i;

	if (!t)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	for (i = 0; t->headers && i < t->ncols; i++)
		free(t->headers[i]);
	free(t->headers);
	free(t->right);
	free(t->kind);
	free(t->cells);
	free(t);
}

int rpt_format_parse(const char *name, enum rpt_format *fmt)
{
	if (strcmp(name, "table") == 0)
		*fmt = RPT_TABLE;
	else if (strcmp(name, "tsv") == 0)
		*fmt = RPT_TSV;
	else if (strcmp(name, "csv") == 0)
		*fmt = RPT_CSV;
	else
		return err_set(-SD_USAGE, "unknown format \"%s\"; use table, tsv or csv", name);
	return 0;
}
