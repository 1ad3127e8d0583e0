/* table: renders rows of text as an aligned table for people (double-width
 * CJK characters counted as two columns), as TSV for scripts, or as CSV
 * (RFC 4180) for spreadsheets. Listings of the CLI and reports share it. */
#ifndef SALEDESK_TABLE_H
#define SALEDESK_TABLE_H

#include <stdio.h>

enum rpt_format { RPT_TABLE, RPT_TSV, RPT_CSV };

struct rpt_table;

/* Makes a table with ncols columns named by headers; a header starting
 * with '>' right-aligns its column (numbers) and the '>' is not shown.
 * Returns NULL on out of memory; free with rpt_table_free(). */
struct rpt_table *rpt_table_new(int ncols, const char *const *headers);

/* Appends a row of ncols cells (NULL counts as ""); the table copies them.
 * Returns 0 or -SD_NOMEM. */
int rpt_table_add(struct rpt_table *t, const char *const *cells);

/* Returns the number of rows added. */
int rpt_table_rows(const struct rpt_table *t);

/* Writes the table to out in format fmt. TSV and CSV start with a header
 * line; TSV escapes tab, newline and backslash as \t, \n and \\. */
void rpt_table_print(const struct rpt_table *t, FILE *out, enum rpt_format fmt);

/* Frees t; NULL is fine. */
void rpt_table_free(struct rpt_table *t);

/* Parses "table", "tsv" or "csv"; returns 0 or -SD_USAGE. */
int rpt_format_parse(const char *name, enum rpt_format *fmt);

/* Returns the number of terminal columns s occupies (wide characters count
 * two, invalid bytes one). */
int rpt_text_width(const char *s);

#endif
