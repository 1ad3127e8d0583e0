/* cmd_report: `saledesk report NAME` for every report of both families
 * (docs/reports.md) and `saledesk report list`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "commands.h"
#include "db_operator.h"
#include "err.h"
#include "report_run.h"

#define DAY_S 86400

/* Parses --from/--to into a->from, a->to (see docs/reports.md, "Spans"):
 * a date alone is a whole local day (--to's day included); a date with a
 * time is that instant (--to's excluded). No option: today. Returns 0 or
 * a usage error's exit code. */
static int parse_span(struct cli *c, struct report_args *a)
{
	const char *f = cli_get(c, "from"), *t = cli_get(c, "to");
	int64_t off = (int64_t)c->utc_offset_min * 60, now = clock_now();
	int64_t today = (now + off) / DAY_S * DAY_S - off;
	int64_t v;

	if (f && cli_parse_time(c, f, &v))
		return cli_usage_error(c, "--from: %s", err_detail());
	a->from = f ? v : today;
	if (t) {
		if (cli_parse_time(c, t, &v))
			return cli_usage_error(c, "--to: %s", err_detail());
		/* "2026-11-30" means the whole 30th. */
		a->to = strlen(t) <= 10 ? v + DAY_S : v;
		if (!f)
			a->from = a->to - DAY_S;
	} else {
		a->to = today + DAY_S;
		if (f && a->from >= a->to)
			a->to = a->from + DAY_S;
	}
	if (a->to <= a->from)
		return cli_usage_error(c, "--from %s is not before --to %s", f ? f : "(today)",
				       t ? t : "(today)");
	return 0;
}

static int run_report(struct cli *c)
{
	const struct report_def *def = report_find(c->argv[0]);
	const char *fmt_name = cli_get(c, "format") ? cli_get(c, "format") : "table";
	const char *v, *out = cli_get(c, "out");
	struct report_args a = { 0 };
	struct report_result res = { 0 };
	enum report_format fmt;
	unsigned flags = 0;
	int rc;

	if (!def)
		return cli_usage_error(c, "unknown report \"%s\"; see 'saledesk report list'",
				       c->argv[0]);
	if (report_format_parse(fmt_name, &fmt))
		return cli_usage_error(c, "%s", err_detail());
	if (fmt == REPORT_FMT_XLSX && !out)
		return cli_usage_error(c, "--format xlsx writes a file: give --out FILE.xlsx");
	if (cli_get(c, "bom")) {
		if (fmt != REPORT_FMT_CSV && fmt != REPORT_FMT_TSV)
			return cli_usage_error(c, "--bom is for --format csv or tsv");
		flags |= RPT_WRITE_BOM;
	}
	report_args_defaults(def, &a);
	if ((v = cli_get(c, "by")) && report_period_parse(v, &a.period))
		return cli_usage_error(c, "--by: %s", err_detail());
	if (!(def->periods & (1u << a.period)))
		return cli_usage_error(c, "the %s report does not take --by %s", def->name, v);
	if ((v = cli_get(c, "group")) && report_group_parse(v, &a.group))
		return cli_usage_error(c, "--group: %s", err_detail());
	if (!(def->groups & (1u << a.group)))
		return cli_usage_error(c, "the %s report does not take --group %s", def->name, v);
	if ((v = cli_get(c, "shift"))) {
		char *end;
		a.shift_id = strtoll(v, &end, 10);
		if (*end || a.shift_id <= 0)
			return cli_usage_error(c, "--shift needs a shift number");
	}
	a.building = cli_get(c, "building");
	a.account_no = cli_get(c, "account");
	a.meter_no = cli_get(c, "meter");
	a.yoy = cli_get(c, "yoy") != NULL;
	if (cli_get(c, "of") && !report_by_operator(def))
		return cli_usage_error(c, "the %s report does not take --of", def->name);
	/* Dates are checked before the password is asked for, with the
	 * site's offset only known after the database opens. */
	if ((rc = parse_span(c, &a)))
		return rc;
	if ((rc = cli_login(c)))
		return cli_fail(rc);
	if ((rc = parse_span(c, &a)))
		return rc;
	a.utc_offset_min = c->utc_offset_min;
	a.now = clock_now();
	if ((v = cli_get(c, "of"))) {
		struct operator_rec op;
		if ((rc = db_operator_get(c->db, v, &op)))
			return cli_fail(rc == -SD_NOT_FOUND ? err_set(rc, "no operator %s", v) : rc);
		a.operator_id = op.id;
	}
	if ((rc = report_run(&c->s, def, &a, &res)))
		return cli_fail(rc);
	if ((v = cli_get(c, "of")) && a.operator_id != c->s.operator_id)
		report_subtitle_add(&res, "operator %s", v);
	if (out)
		rc = report_save(&c->s, def, &a, &res, fmt, flags, out);
	else
		rc = report_render(&res, stdout, fmt, flags, clock_now(), c->utc_offset_min);
	if (!rc && cli_get(c, "print"))
		rc = report_print(&c->s, &c->cfg, !strncmp(c->cfg.locale, "zh", 2), def, &a, &res);
	report_result_free(&res);
	if (rc)
		return cli_fail(rc);
	if (out)
		fprintf(stderr, "Report %s written to %s.\n", def->name, out);
	return 0;
}

static void list_row(const struct report_def *d, void *ctx)
{
	char groups[128] = "", periods[64] = "";
	size_t n = 0;

	for (int g = RPT_BY_NONE; g <= RPT_BY_SITE; g++)
		if (d->groups & (1u << g) && n < sizeof(groups))
			n += (size_t)snprintf(groups + n, sizeof(groups) - n, "%s%s", n ? "," : "",
					      report_group_name((enum report_group)g));
	n = 0;
	for (int p = RPT_SPAN; p <= RPT_YEAR; p++)
		if (d->periods & (1u << p) && n < sizeof(periods))
			n += (size_t)snprintf(periods + n, sizeof(periods) - n, "%s%s", n ? "," : "",
					      report_period_name((enum report_period)p));
	rpt_table_add(ctx, (const char *[]){ d->name, report_is_finance(d) ? "finance" : "energy",
					     d->title, periods, groups });
}

static int run_report_list(struct cli *c)
{
	struct rpt_table *t = rpt_table_new(5, (const char *[]){ "report", "family", "title",
								 "by", "group" });

	if (t)
		report_each(list_row, t);
	return cli_table_done(c, t, 0);
}

static const struct cli_opt report_opts[] = {
	{ "from", "DATE", 0, "first local day (YYYY-MM-DD) or instant (\"YYYY-MM-DD HH:MM\"); default today" },
	{ "to", "DATE", 0, "last local day, included (or an instant, excluded); default today" },
	{ "by", "PERIOD", 0, "rows by day, month, year or span (one row)" },
	{ "group", "BY", 0, "rows per operator, shift, building, account, meter or site" },
	{ "building", "B", 0, "only accounts of building B" },
	{ "account", "N", 0, "only account N" },
	{ "meter", "N", 0, "only meter N" },
	{ "shift", "ID", 0, "only shift ID (shift, zreport)" },
	{ "of", "LOGIN", 0, "only that operator's money (administrators)" },
	{ "yoy", NULL, 0, "the same span a year before beside it" },
	{ "format", "FMT", 0, "table (default), text (A4), tsv, csv or xlsx" },
	{ "bom", NULL, 0, "start CSV or TSV with a UTF-8 BOM (for Excel)" },
	{ "out", "FILE", 0, "write to FILE (needed for xlsx); the export is audited" },
	{ "print", NULL, 0, "also print it on the receipt printer (short reports: the Z-report)" },
	{ NULL, NULL, 0, NULL }
};

const struct cli_cmd cmd_report = {
	"report", "NAME [--from DATE] [--to DATE] [--by PERIOD] [--group BY] [--format FMT] "
	"[--out FILE]", "run a report (see `saledesk report list`, docs/reports.md)",
	CLI_LOGIN, report_opts, 1, 1, run_report,
};
static const struct cli_opt export_opts[] = {
	{ "day", "DATE", 0, "the site-local day (YYYY-MM-DD); default yesterday" },
	{ "dir", "DIR", 0, "folder to write to; default [export] dir of the config" },
	{ NULL, NULL, 0, NULL }
};

static int run_report_export(struct cli *c)
{
	const char *d = cli_get(c, "day"), *dir = cli_get(c, "dir");
	int64_t off, day, v;
	char path[PATH_MAX];
	int rc;

	if (d && strlen(d) != 10)
		return cli_usage_error(c, "--day: a date, YYYY-MM-DD");
	if ((rc = cli_login(c)))
		return cli_fail(rc);
	/* the site's offset is known once the database is open */
	if (d && cli_parse_time(c, d, &v))
		return cli_usage_error(c, "--day: %s", err_detail());
	off = (int64_t)c->utc_offset_min * 60;
	day = d ? v : (clock_now() + off) / DAY_S * DAY_S - off - DAY_S;
	if ((rc = report_export_day(&c->s, day, c->utc_offset_min, dir ? dir : c->cfg.export_dir,
				    path, sizeof(path))))
		return cli_fail(rc);
	printf("Wrote %s\n", path);
	return 0;
}

const struct cli_cmd cmd_report_export = {
	"report export", "[--day DATE] [--dir DIR]",
	"write the daily energy export for a third-party platform (docs/reports-energy.md)",
	CLI_LOGIN, export_opts, 0, 0, run_report_export,
};
const struct cli_cmd cmd_report_list = {
	"report list", "", "list the reports", CLI_FORMAT, NULL, 0, 0, run_report_list,
};
