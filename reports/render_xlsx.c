/* render_xlsx: a report's result as an XLSX workbook through
 * libxlsxwriter, the only file that includes xlsxwriter.h. Number columns
 * become number cells (money and energy with their formats), so a sum in
 * the spreadsheet is a sum; the text of a cell is exact and the number
 * cell holds it to the precision Excel keeps (15 digits: any amount to
 * the fen up to 10^13 yuan). */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "err.h"

/* Excel's rules for a sheet name: 1 to 31 characters, none of []:*?/\ ,
 * unique in the workbook (case-insensitive; the reports' names are). */
static void sheet_name(const char *want, int i, char *buf, size_t len)
{
	size_t n = 0;

	for (const char *p = want ? want : ""; *p && n + 1 < len && n < 31; p++)
		buf[n++] = strchr("[]:*?/\\", *p) ? '_' : *p;
	buf[n] = 0;
	if (!n)
		snprintf(buf, len, "Sheet%d", i + 1);
}

static int write_sheet(lxw_workbook *wb, const struct report_result *res, int i,
		       lxw_format *const fmt[4], lxw_format *bold)
{
	const struct rpt_table *t = res->tables[i];
	int ncols = rpt_table_cols(t), nrows = rpt_table_rows(t);
	char name[64];
	lxw_worksheet *ws;
	lxw_error e = LXW_NO_ERROR;

	sheet_name(res->table_names[i], i, name, sizeof(name));
	if (!(ws = workbook_add_worksheet(wb, name)))
		return err_set(-SD_IO, "XLSX: cannot add the sheet \"%s\"", name);
	worksheet_write_string(ws, 0, 0, res->title, bold);
	worksheet_write_string(ws, 1, 0, res->subtitle, NULL);
	for (int c = 0; c < ncols; c++) {
		worksheet_write_string(ws, 3, (lxw_col_t)c, rpt_table_header(t, c), bold);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
				     rpt_table_kind(t, c) == RPT_KIND_TEXT ? 16 : 13, NULL);
	}
	for (int r = 0; r < nrows && !e; r++)
		for (int c = 0; c < ncols && !e; c++) {
			const char *s = rpt_table_cell(t, r, c);
			enum rpt_kind k = rpt_table_kind(t, c);
			lxw_row_t row = (lxw_row_t)(r + 4);
			char *end;
			double v;

			if (!*s)
				continue;
			if (k != RPT_KIND_TEXT) {
				errno = 0;
				v = strtod(s, &end);
				if (!*end && !errno) {
					e = worksheet_write_number(ws, row, (lxw_col_t)c, v, fmt[k]);
					continue;
				}
			}
			e = worksheet_write_string(ws, row, (lxw_col_t)c, s, NULL);
		}
	if (e)
		return err_set(-SD_IO, "XLSX: %s", lxw_strerror(e));
	worksheet_freeze_panes(ws, 4, 0);
	return 0;
}

int report_write_xlsx(const struct report_result *res, const char *path)
{
	char tmp[4096];
	lxw_workbook *wb;
	lxw_format *fmt[4] = { NULL }, *bold;
	lxw_error e;
	int rc = 0;

	/* Written beside the target and renamed: a half-written workbook is
	 * never left under the name asked for. */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) >= sizeof(tmp))
		return err_set(-SD_INVAL, "the file name is too long");
	if (!(wb = workbook_new(tmp)))
		return err_set(-SD_IO, "cannot create %s", path);
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	fmt[RPT_KIND_INT] = workbook_add_format(wb);
	format_set_num_format(fmt[RPT_KIND_INT], "0");
	fmt[RPT_KIND_MONEY] = workbook_add_format(wb);
	format_set_num_format(fmt[RPT_KIND_MONEY], "#,##0.00");
	fmt[RPT_KIND_ENERGY] = workbook_add_format(wb);
	format_set_num_format(fmt[RPT_KIND_ENERGY], "#,##0.000");
	if (!res->ntables) {
		/* A workbook needs a sheet; the title says what is empty. */
		lxw_worksheet *ws = workbook_add_worksheet(wb, "Report");
		if (ws) {
			worksheet_write_string(ws, 0, 0, res->title, bold);
			worksheet_write_string(ws, 1, 0, res->subtitle, NULL);
		}
	}
	for (int i = 0; i < res->ntables && !rc; i++)
		rc = write_sheet(wb, res, i, fmt, bold);
	e = workbook_close(wb);
	if (!rc && e)
		rc = err_set(-SD_IO, "XLSX %s: %s", path, lxw_strerror(e));
	if (!rc && rename(tmp, path))
		rc = err_set(-SD_IO, "cannot write %s: %s", path, strerror(errno));
	if (rc)
		unlink(tmp);
	return rc;
}
