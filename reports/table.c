/* table: aligned text, TSV and CSV renderings of rows. */
#include "table.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "text.h"

struct rpt_table {
	int ncols, nrows, cap;
	char **headers;
	int *right;
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
	if (!t->headers || !t->right)
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

int rpt_text_width(const char *s)
{
	return text_width(s);
}

static void pad(FILE *out, int n)
{
	while (n-- > 0)
		fputc(' ', out);
}

static void print_aligned(const struct rpt_table *t, FILE *out)
{
	int *width = calloc((size_t)t->ncols, sizeof(int));
	int r, c;

	if (!width)
		return;
	for (c = 0; c < t->ncols; c++)
		width[c] = rpt_text_width(t->headers[c]);
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			int w = rpt_text_width(t->cells[r * t->ncols + c]);
			if (w > width[c])
				width[c] = w;
		}
	for (r = -1; r < t->nrows; r++) {
		/* Trailing blanks of a row (empty last cells) are not printed:
		 * they show up in diffs and make lines wrap on narrow screens. */
		int pending = 0;
		for (c = 0; c < t->ncols; c++) {
			const char *s = r < 0 ? t->headers[c] : t->cells[r * t->ncols + c];
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
	void (*cell)(FILE *, const char *) = fmt == RPT_CSV ? print_csv_cell : print_tsv_cell;
	const char *sep = fmt == RPT_CSV ? "," : "\t";
	const char *eol = fmt == RPT_CSV ? "\r\n" : "\n";
	int r, c;

	if (fmt == RPT_TABLE) {
		print_aligned(t, out);
		return;
	}
	for (r = -1; r < t->nrows; r++) {
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
