/* csv: an RFC 4180 record reader. */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

#define CSV_MAX_RECORD (64 * 1024)

struct csv_reader {
	FILE *f;
	int line;     /* lines consumed so far */
	int started;
	char *buf;    /* the record's fields, NUL-separated */
	size_t len;
};

struct csv_reader *csv_open(FILE *f)
{
	struct csv_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	if (!(r->buf = malloc(CSV_MAX_RECORD + 1))) {
		free(r);
		return NULL;
	}
	r->f = f;
	return r;
}

void csv_close(struct csv_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r);
}

int csv_next(struct csv_reader *r, char **fields, int *nfields, int *line)
{
	int c, quoted = 0, at_field_start = 1, n = 0;
	size_t starts[CSV_MAX_FIELDS];

	if (!r->started) {
		/* Excel writes a byte-order mark; it is not part of the first
		 * header name. */
		r->started = 1;
		c = fgetc(r->f);
		if (c == 0xEF) {
			if (fgetc(r->f) != 0xBB || fgetc(r->f) != 0xBF)
				return err_set(-SD_INVAL, "line 1: not UTF-8 text");
		} else if (c != EOF) {
			ungetc(c, r->f);
		}
	}
	r->len = 0;
	*line = r->line + 1;
	c = fgetc(r->f);
	if (c == EOF)
		return 0;
	ungetc(c, r->f);
	starts[n++] = 0;
	for (;;) {
		c = fgetc(r->f);
		if (quoted) {
			if (c == EOF)
				return err_set(-SD_INVAL, "line %d: a quoted field is never closed",
					       *line);
			if (c == '"') {
				int d = fgetc(r->f);
				if (d != '"') {
					quoted = 0;
					if (d != EOF)
						ungetc(d, r->f);
					continue;
				}
			}
			if (c == '\n')
				r->line++;
		} else if (c == '"' && at_field_start) {
			quoted = 1;
			at_field_start = 0;
			continue;
		} else if (c == ',' || c == '\n' || c == EOF) {
			if (r->len >= CSV_MAX_RECORD)
				goto too_long;
			r->buf[r->len++] = 0;
			if (c != ',')
				break;
			if (n == CSV_MAX_FIELDS)
				return err_set(-SD_INVAL, "line %d: more than %d fields", *line,
					       CSV_MAX_FIELDS);
			starts[n++] = r->len;
			at_field_start = 1;
			continue;
		} else if (c == '\r') {
			int d = fgetc(r->f);
			if (d == '\n' || d == EOF) {
				if (d == '\n')
					ungetc(d, r->f);
				continue;
			}
			ungetc(d, r->f);
		}
		at_field_start = 0;
		if (r->len >= CSV_MAX_RECORD)
			goto too_long;
		r->buf[r->len++] = (char)c;
	}
	r->line++;
	for (int i = 0; i < n; i++)
		fields[i] = r->buf + starts[i];
	*nfields = n;
	return 1;
too_long:
	return err_set(-SD_INVAL, "line %d: record longer than %d bytes", *line, CSV_MAX_RECORD);
}
