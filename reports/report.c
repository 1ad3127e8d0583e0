/* report: the registry of the finance and energy report families. */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"

static const struct report_def *const families[] = { report_finance, report_energy };

const struct report_def *report_find(const char *name)
{
	for (unsigned f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (const struct report_def *d = families[f]; d->name; d++)
			if (!strcmp(d->name, name))
				return d;
	return NULL;
}

void report_each(void (*fn)(const struct report_def *def, void *arg), void *arg)
{
	for (unsigned f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (const struct report_def *d = families[f]; d->name; d++)
			fn(d, arg);
}

void report_result_free(struct report_result *res)
{
	for (int i = 0; i < res->ntables; i++)
		rpt_table_free(res->tables[i]);
	memset(res, 0, sizeof(*res));
}

int report_add_table(struct report_result *res, const char *name, struct rpt_table *t)
{
	if (!t)
		return err_set(-SD_NOMEM, "report table");
	if (res->ntables >= REPORT_MAX_TABLES) {
		rpt_table_free(t);
		return err_set(-SD_OVERFLOW, "a report holds at most %d tables", REPORT_MAX_TABLES);
	}
	res->tables[res->ntables] = t;
	res->table_names[res->ntables++] = name;
	return 0;
}

char *report_period_sql(enum report_period p, const char *col, int utc_offset_min, char *buf,
			size_t len)
{
	static const char *const fmt[] = { NULL, "%Y-%m-%d", "%Y-%m", "%Y" };

	if (p == RPT_SPAN || (unsigned)p > RPT_YEAR)
		snprintf(buf, len, "'span'");
	else
		snprintf(buf, len, "strftime('%s', %s + %d, 'unixepoch')", fmt[p], col,
			 utc_offset_min * 60);
	return buf;
}

char *report_local_date(int64_t t, int utc_offset_min, char *buf, size_t len)
{
	char full[32];

	clock_format_local(t, utc_offset_min, full, sizeof(full));
	snprintf(buf, len, "%.10s", full);
	return buf;
}

static const char *const period_names[] = { "span", "day", "month", "year" };
static const char *const group_names[] = { "none", "operator", "shift", "building",
					   "account", "meter", "site" };

const char *report_period_name(enum report_period p)
{
	return (unsigned)p <= RPT_YEAR ? period_names[p] : "?";
}

const char *report_group_name(enum report_group g)
{
	return (unsigned)g <= RPT_BY_SITE ? group_names[g] : "?";
}

int report_period_parse(const char *name, enum report_period *p)
{
	for (unsigned i = 0; i < sizeof(period_names) / sizeof(period_names[0]); i++)
		if (!strcmp(name, period_names[i])) {
			*p = (enum report_period)i;
			return 0;
		}
	return err_set(-SD_USAGE, "unknown period \"%s\"; use day, month, year or span", name);
}

int report_group_parse(const char *name, enum report_group *g)
{
	for (unsigned i = 0; i < sizeof(group_names) / sizeof(group_names[0]); i++)
		if (!strcmp(name, group_names[i])) {
			*g = (enum report_group)i;
			return 0;
		}
	return err_set(-SD_USAGE, "unknown grouping \"%s\"; use none, operator, shift, building, "
				  "account, meter or site", name);
}

void report_subtitle(const struct report_args *a, struct report_result *res)
{
	char from[16], to[16], more[160] = "";
	int off = a->utc_offset_min, n = 0;

	report_local_date(a->from, off, from, sizeof(from));
	report_local_date(a->to - 1, off, to, sizeof(to));
	if (a->period != RPT_SPAN)
		n += snprintf(more + n, sizeof(more) - (size_t)n, ", by %s",
			      report_period_name(a->period));
	if (a->group != RPT_BY_NONE && n < (int)sizeof(more))
		n += snprintf(more + n, sizeof(more) - (size_t)n, ", per %s",
			      report_group_name(a->group));
	if (a->building && n < (int)sizeof(more))
		n += snprintf(more + n, sizeof(more) - (size_t)n, ", building %s", a->building);
	if (a->account_no && n < (int)sizeof(more))
		n += snprintf(more + n, sizeof(more) - (size_t)n, ", account %s", a->account_no);
	if (a->meter_no && n < (int)sizeof(more))
		n += snprintf(more + n, sizeof(more) - (size_t)n, ", meter %s", a->meter_no);
	if (a->shift_id && n < (int)sizeof(more))
		snprintf(more + n, sizeof(more) - (size_t)n, ", shift %lld", (long long)a->shift_id);
	snprintf(res->subtitle, sizeof(res->subtitle), "%s to %s (site time UTC%c%02d:%02d)%s", from,
		 to, off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60, more);
}

int report_is_finance(const struct report_def *def)
{
	for (const struct report_def *d = report_finance; d->name; d++)
		if (d == def)
			return 1;
	return 0;
}

void report_subtitle_add(struct report_result *res, const char *fmt, ...)
{
	size_t n = strlen(res->subtitle);
	va_list ap;

	if (n + 2 >= sizeof(res->subtitle))
		return;
	memcpy(res->subtitle + n, ", ", 3);
	va_start(ap, fmt);
	vsnprintf(res->subtitle + n + 2, sizeof(res->subtitle) - n - 2, fmt, ap);
	va_end(ap);
}
