/* ui_report: what the report screens share (ui_reports.c: the list of
 * reports, the form of a report's span and filters, running and saving
 * it; ui_report_view.c: the result with its tables and charts). Private
 * to ui/. */
#ifndef SALEDESK_UI_REPORT_H
#define SALEDESK_UI_REPORT_H

#include "report_run.h"
#include "ui_int.h"

/* One report run: the report, the arguments it ran with (the strings
 * point into the buffers here) and its result. */
struct ui_report {
	struct ui *u;
	const struct report_def *def;
	struct report_args a;
	struct report_result res;
	char building[UI_FIELD_MAX], account[UI_FIELD_MAX], meter[UI_FIELD_MAX];
};

/* Shows r->res until the operator leaves (Esc): title, span, each table
 * aligned and scrollable both ways, F4 to the next table, F5 the charts
 * where the report has them, F6 to save it to a file. Returns 0, or -1
 * when the operator asked to quit the program. */
int ui_report_view(struct ui_report *r);

/* Asks for a file name and saves r->res there as CSV or XLSX (by the
 * name's ending) through report_save, which audits the export; says
 * where it went or why not. */
void ui_report_save(struct ui_report *r);

#endif
