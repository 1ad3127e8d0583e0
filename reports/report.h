/* report: the desk's read-only reports (docs/reports.md). Each report is a
 * named query over one span that fills one or more rpt_tables; the CLI
 * (`saledesk report NAME`), the UI's report screens and the printers render
 * them. Two families register here: finance (reports/rpt_finance*.c) and
 * energy and meters (reports/rpt_energy*.c). Reports never write. */
#ifndef SALEDESK_REPORT_H
#define SALEDESK_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "table.h"

struct db;

/* How rows are bucketed in time: by the site's local day, month or year,
 * or one row for the whole span. */
enum report_period { RPT_SPAN, RPT_DAY, RPT_MONTH, RPT_YEAR };

/* What rows are grouped by besides time. Not every report takes every
 * grouping; report_def.groups says which (a bit per value). */
enum report_group {
	RPT_BY_NONE,     /* one total */
	RPT_BY_OPERATOR,
	RPT_BY_SHIFT,
	RPT_BY_BUILDING,
	RPT_BY_ACCOUNT,
	RPT_BY_METER,
	RPT_BY_SITE,
};

/* What a report is asked for. Times are UTC Unix seconds; the span is
 * [from, to). Local days and months start at the site's local midnight
 * (utc_offset_min east of UTC, as config's [site] offset). Filters left
 * NULL (or 0) mean all. */
struct report_args {
	int64_t from, to;
	int utc_offset_min;
	enum report_period period;
	enum report_group group;
	const char *building;   /* only this building */
	const char *account_no; /* only this account */
	const char *meter_no;   /* only this meter */
	int64_t shift_id;       /* only this shift (shift, zreport) */
	int64_t operator_id;    /* only this operator */
	int yoy;                /* add the same span a year before beside it */
	int64_t now;            /* the report's "as of" (lists of state) */
};

/* One rendered result: a title line, the facts of the span under it
 * ("From 2026-11-01 to 2026-12-01, building A") and one or more tables
 * (a report may have a detail table and a totals table). */
#define REPORT_MAX_TABLES 4
struct report_result {
	char title[128];
	char subtitle[256];
	int ntables;
	struct rpt_table *tables[REPORT_MAX_TABLES];
	const char *table_names[REPORT_MAX_TABLES]; /* sheet names in XLSX */
};

/* A report: its CLI name, a one-line title, the groupings it accepts
 * (1u << RPT_BY_x) and periods (1u << RPT_x), and the function that runs
 * it into res (which the caller frees with report_result_free). run
 * returns 0 or a negative SD_ code with err_set detail. */
struct report_def {
	const char *name;
	const char *title;
	unsigned groups;
	unsigned periods;
	int (*run)(struct db *db, const struct report_args *a, struct report_result *res);
};

/* The two families' tables, each ended by an entry whose name is NULL. */
extern const struct report_def report_finance[];
extern const struct report_def report_energy[];

/* Returns the report called name, or NULL. The pointer is static. */
const struct report_def *report_find(const char *name);

/* Calls fn for every registered report in listing order. */
void report_each(void (*fn)(const struct report_def *def, void *arg), void *arg);

/* Writes the daily energy export (docs/reports.md, "Daily energy export")
 * of the site-local day that starts at day_start (the UTC instant of its
 * local midnight) into dir, atomically (a temporary file renamed), and
 * puts the file's path in path (len bytes). Returns 0 or a negative SD_
 * code. Implemented in reports/rpt_export.c. */
int report_export_daily(struct db *db, int64_t day_start, int utc_offset_min, const char *dir,
			char *path, unsigned len);

/* Frees the tables of res and zeroes it; a zeroed res is fine. */
void report_result_free(struct report_result *res);

/* ---- Helpers both families use (reports/report.c) ---- */

/* Appends table t named name (the XLSX sheet, at most 31 characters) to
 * res, which then owns it. Returns 0, or -SD_NOMEM when t is NULL (its
 * allocation failed) and -SD_OVERFLOW when res is full; t is freed on
 * failure. */
int report_add_table(struct report_result *res, const char *name, struct rpt_table *t);

/* Writes into buf an SQL expression that buckets the UTC seconds column
 * col by period in the site's local time: the text "2026-11-24",
 * "2026-11", "2026" or, for RPT_SPAN, the constant 'span'. Returns buf. */
char *report_period_sql(enum report_period p, const char *col, int utc_offset_min, char *buf,
			size_t len);

/* Formats the local date of UTC instant t as "YYYY-MM-DD" into buf. */
char *report_local_date(int64_t t, int utc_offset_min, char *buf, size_t len);

/* Sets res->subtitle to the span and filters of a: "2026-11-01 to
 * 2026-11-30 (site time UTC+08:00), by day, building A". The span's end
 * is shown inclusive: the last local day before a->to. */
void report_subtitle(const struct report_args *a, struct report_result *res);

/* Appends ", " and the printf-style text to res->subtitle (cut to fit). */
void report_subtitle_add(struct report_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parses a period ("day", "month", "year", "span") or a grouping
 * ("none", "operator", "shift", "building", "account", "meter", "site");
 * returns 0 or -SD_USAGE with a detail. */
int report_period_parse(const char *name, enum report_period *p);
int report_group_parse(const char *name, enum report_group *g);

/* Returns the name of a period or grouping, as parsed above; static. */
const char *report_period_name(enum report_period p);
const char *report_group_name(enum report_group g);

/* Returns non-zero when def is one of report_finance[] (money: the CLI
 * checks PERM_REPORT_FINANCE), zero for the energy family. */
int report_is_finance(const struct report_def *def);

/* ---- Renderers (reports/render.c, reports/render_xlsx.c) ---- */

/* How a result is written: the aligned table for screens, plain text for
 * A4 paper (title, subtitle, each table under its name, a footer), TSV,
 * CSV (RFC 4180) or an XLSX workbook (one sheet per table). */
enum report_format { REPORT_FMT_TABLE, REPORT_FMT_TEXT, REPORT_FMT_TSV, REPORT_FMT_CSV,
		     REPORT_FMT_XLSX };

/* Parses "table", "text", "tsv", "csv" or "xlsx"; 0 or -SD_USAGE. */
int report_format_parse(const char *name, enum report_format *fmt);

/* Writes res to out in fmt (not XLSX, which needs a file: -SD_USAGE).
 * flags are enum rpt_write_flags (RPT_WRITE_BOM for CSV and TSV). TSV and
 * CSV hold the tables one after the other, a blank line between them,
 * each with its header line; the title is not in them. generated is the
 * UTC instant shown in the text format's footer (0: none). Returns 0 or
 * -SD_IO when out could not be written. */
int report_render(const struct report_result *res, FILE *out, enum report_format fmt,
		  unsigned flags, int64_t generated, int utc_offset_min);

/* Writes res as an XLSX workbook at path: one sheet per table named by
 * table_names, the title and subtitle in its first two rows, the header
 * in row 4, then the rows; integer, money (#,##0.00) and energy
 * (#,##0.000) columns as number cells. Returns 0 or -SD_IO with a detail. */
int report_write_xlsx(const struct report_result *res, const char *path);

#endif
