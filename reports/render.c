/* render: a report's result as an aligned table, A4 plain text, TSV or
 * CSV. The tables do the cells (reports/table.c); this adds what makes a
 * report of them: the title, the span, the tables' names, a footer. */
#include "report.h"

#include <string.h>

#include "clock.h"
#include "err.h"

/* Plain text for A4 at 10 characters an inch is about 80 columns wide; a
 * wider table is printed as it is (landscape, or a smaller font). */
#define TEXT_RULE_WIDTH 78

int report_format_parse(const char *name, enum report_format *fmt)
{
	static const char *const names[] = { "table", "text", "tsv", "csv", "xlsx" };

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i])) {
			*fmt = (enum report_format)i;
			return 0;
		}
	return err_set(-SD_USAGE, "unknown format \"%s\"; use table, text, tsv, csv or xlsx", name);
}

static void rule(FILE *out, const char *ch, int n)
{
	while (n-- > 0)
		fputs(ch, out);
	fputc('\n', out);
}

/* A table for people; one with no rows says so under its header rather
 * than leave a reader wondering whether something failed. */
static void aligned(const struct rpt_table *t, FILE *out)
{
	rpt_table_write(t, out, RPT_TABLE, 0);
	if (!rpt_table_rows(t))
		fputs("(none)\n", out);
}

int report_render(const struct report_result *res, FILE *out, enum report_format fmt,
		  unsigned flags, int64_t generated, int utc_offset_min)
{
	char when[32];
	int i;

	switch (fmt) {
	case REPORT_FMT_XLSX:
		return err_set(-SD_USAGE, "an XLSX workbook goes to a file: give --out FILE.xlsx");
	case REPORT_FMT_TSV:
	case REPORT_FMT_CSV:
		for (i = 0; i < res->ntables; i++) {
			if (i)
				fputs(fmt == REPORT_FMT_CSV ? "\r\n" : "\n", out);
			rpt_table_write(res->tables[i], out, fmt == REPORT_FMT_CSV ? RPT_CSV : RPT_TSV,
					i ? flags & ~(unsigned)RPT_WRITE_BOM : flags);
		}
		break;
	case REPORT_FMT_TABLE:
		for (i = 0; i < res->ntables; i++) {
			if (res->ntables > 1)
				fprintf(out, "%s%s:\n", i ? "\n" : "", res->table_names[i]);
			aligned(res->tables[i], out);
		}
		break;
	case REPORT_FMT_TEXT:
		fprintf(out, "%s\n%s\n", res->title, res->subtitle);
		rule(out, "=", TEXT_RULE_WIDTH);
		for (i = 0; i < res->ntables; i++) {
			fprintf(out, "\n%s\n", res->table_names[i]);
			rule(out, "-", rpt_text_width(res->table_names[i]));
			aligned(res->tables[i], out);
		}
		fputc('\n', out);
		rule(out, "-", TEXT_RULE_WIDTH);
		if (generated)
			fprintf(out, "Printed %.16s (site time). Money in yuan, energy in kWh.\n",
				clock_format_local(generated, utc_offset_min, when, sizeof(when)));
		else
			fputs("Money in yuan, energy in kWh.\n", out);
		fputc('\f', out);
		break;
	}
	if (fflush(out) || ferror(out))
		return err_set(-SD_IO, "the report could not be written");
	return 0;
}
