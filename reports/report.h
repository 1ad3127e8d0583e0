/* report: the desk's read-only reports (docs/reports.md). Each report is a
 * named query over one span that fills one or more rpt_tables; the CLI
 * (`saledesk report NAME`), the UI's report screens and the printers render
 * them. Two families register here: finance (reports/rpt_finance*.c) and
 * energy and meters (reports/rpt_energy*.c). Reports never write. */
#ifndef SALEDESK_REPORT_H
#define SALEDESK_REPORT_H

#include <stdint.h>

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

#endif
