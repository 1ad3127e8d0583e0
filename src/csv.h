/* csv: reads RFC 4180 records (quoted fields, doubled quotes, CRLF or LF,
 * a UTF-8 byte-order mark at the start) from a file, one record a call. */
#ifndef SALEDESK_CSV_H
#define SALEDESK_CSV_H

#include <stdio.h>

#define CSV_MAX_FIELDS 64

struct csv_reader;

/* Starts reading f (the caller keeps and closes it). Free with
 * csv_close(). NULL on out of memory. */
struct csv_reader *csv_open(FILE *f);

/* Reads the next record. On success *nfields is set and fields[i] point
 * into the reader (valid until the next call). Returns 1 for a record, 0 at
 * end of file, or a negative SD_ code (a quote never closed, too many
 * fields, a line over 64 KiB). *line is the line number the record starts
 * on. */
int csv_next(struct csv_reader *r, char **fields, int *nfields, int *line);

/* Frees the reader; NULL is fine. */
void csv_close(struct csv_reader *r);

#endif
