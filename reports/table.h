/* table: renders rows of text as an aligned table for people (double-width
 * CJK characters counted as two columns), as TSV for scripts, or as CSV
 * (RFC 4180, optionally with a UTF-8 BOM for Excel) for spreadsheets.
 * Listings of the CLI and reports share it. A column may have a kind
 * (integer, money, energy) so renderers that know numbers (XLSX) write
 * numbers with a number format; cells stay text, money as "1234.50" yuan
 * and energy as "12.345" kWh, exact to the fen and the Wh. */
#ifndef SALEDESK_TABLE_H
#define SALEDESK_TABLE_H

#include <stddef.h>
#include <stdint.h>
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

/* What a column holds. Cells of a number kind are canonical text: an
 * integer "-12", money in yuan with exactly two decimals "-1234.50" (no
 * separators; the aligned table shows them grouped, "1,234.50"), energy
 * in kWh with exactly three decimals "12.345". An empty cell is "no
 * value" in every kind. */
enum rpt_kind { RPT_KIND_TEXT, RPT_KIND_INT, RPT_KIND_MONEY, RPT_KIND_ENERGY };

/* Sets the kind of column col (0-based); number kinds right-align. */
void rpt_table_set_kind(struct rpt_table *t, int col, enum rpt_kind kind);

/* Returns the kind of column col. */
enum rpt_kind rpt_table_kind(const struct rpt_table *t, int col);

/* Returns the number of columns. */
int rpt_table_cols(const struct rpt_table *t);

/* Returns the header of column col (without '>'); owned by t. */
const char *rpt_table_header(const struct rpt_table *t, int col);

/* Returns the cell at row, col; owned by t. */
const char *rpt_table_cell(const struct rpt_table *t, int row, int col);

/* Formats fen as a money cell, "1234.50" / "-0.05", into buf (at least
 * 24 bytes); returns buf. */
char *rpt_money_cell(int64_t fen, char *buf, size_t len);

/* Formats Wh as an energy cell in kWh with three decimals, "12.345",
 * exact; returns buf (at least 24 bytes). */
char *rpt_energy_cell(int64_t wh, char *buf, size_t len);

/* Formats n as an integer cell; returns buf (at least 24 bytes). */
char *rpt_int_cell(int64_t n, char *buf, size_t len);

/* Options of rpt_table_write(). */
enum rpt_write_flags {
	RPT_WRITE_BOM = 1 << 0,     /* CSV and TSV: start with a UTF-8 BOM (EF BB BF) */
	RPT_WRITE_NO_HEADER = 1 << 1, /* leave the header line out */
};

/* Writes the table to out in format fmt with flags (enum
 * rpt_write_flags); rpt_table_print() is this with no flags. */
void rpt_table_write(const struct rpt_table *t, FILE *out, enum rpt_format fmt, unsigned flags);

/* Frees t; NULL is fine. */
void rpt_table_free(struct rpt_table *t);

/* Parses "table", "tsv" or "csv"; returns 0 or -SD_USAGE. */
int rpt_format_parse(const char *name, enum rpt_format *fmt);

/* Returns the number of terminal columns s occupies (wide characters count
 * two, invalid bytes one). */
int rpt_text_width(const char *s);

#endif
