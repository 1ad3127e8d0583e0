/* report: the registry of the finance and energy report families. */
#include "report.h"

#include <string.h>

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
