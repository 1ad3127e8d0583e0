/* report_run: the domain side of reports — who may run which report
 * (checked here, not only in a UI), the receipt-printer layout of a short
 * report, and the audit row of an export to a file. */
#ifndef SALEDESK_REPORT_RUN_H
#define SALEDESK_REPORT_RUN_H

#include "config.h"
#include "report.h"
#include "session.h"

/* Returns non-zero for the reports of operators' money, which take an
 * operator filter (a->operator_id): sales, shift, zreport, daily-close. */
int report_by_operator(const struct report_def *def);

/* Runs def for the operator of s into res (freed by the caller with
 * report_result_free). Finance reports need PERM_REPORT_FINANCE, energy
 * reports PERM_REPORT_ENERGY. Without PERM_SHIFT_VIEW (a cashier) the
 * money reports of operators — sales, shift, zreport, daily-close — are
 * narrowed to the operator's own (a->operator_id is set), and asking for
 * another operator's is -SD_PERM. Checks that a->account_no and
 * a->meter_no exist (-SD_NOT_FOUND) and that the span is not empty. */
int report_run(const struct session *s, const struct report_def *def, struct report_args *a,
	       struct report_result *res);

/* Prints res on cfg's receipt printer (ESC/POS or text, as receipts are).
 * The zreport is printed by shift_print_zreport(), the very path of
 * `shift close --print`; any other report is laid out as label/value
 * pairs, one group per row, and must fit one receipt document (64 lines):
 * longer ones are -SD_OVERFLOW ("use --format text"). */
int report_print(const struct session *s, const struct config *cfg, int zh,
		 const struct report_def *def, const struct report_args *a,
		 const struct report_result *res);

/* Sets a->period and a->group to the first the report takes (the
 * offline report is by meter, demand by month): what a CLI or screen
 * starts from before the operator's choices. */
void report_args_defaults(const struct report_def *def, struct report_args *a);

/* The filters a report takes besides its groupings and periods. */
enum report_filter {
	REPORT_F_BUILDING = 1 << 0,
	REPORT_F_ACCOUNT = 1 << 1,
	REPORT_F_METER = 1 << 2,
	REPORT_F_SHIFT = 1 << 3,
};

/* Returns the enum report_filter bits def takes (the finance reports
 * refuse the others with a usage error; docs/reports.md). */
unsigned report_filters(const struct report_def *def);

/* Writes res to path in fmt (flags: enum rpt_write_flags) the way
 * `--out` does — a temporary file beside it renamed, so a half-written
 * file never has the name; XLSX through report_write_xlsx — and audits
 * the export (report_audit_export, format named as `--format`). The CLI
 * and the UI's report screen both save through here. Returns 0 or a
 * negative SD_ code with a detail. */
int report_save(const struct session *s, const struct report_def *def,
		const struct report_args *a, const struct report_result *res,
		enum report_format fmt, unsigned flags, const char *path);

/* Writes the audit row of an export of res (report def, format) to path:
 * "report.export", the report's name, and the span, format, file and row
 * count. */
int report_audit_export(const struct session *s, const struct report_def *def,
			const struct report_args *a, const char *format, const char *path,
			const struct report_result *res);

/* Writes the daily energy export of the site-local day starting at
 * day_start into dir (report_export_daily) and audits it; path gets the
 * file. Needs PERM_REPORT_ENERGY. */
int report_export_day(const struct session *s, int64_t day_start, int utc_offset_min,
		      const char *dir, char *path, unsigned len);

#endif
