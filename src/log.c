#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int log_level = -1;

static enum log_level level_from_env(void)
{
	static const char *const names[] = { "debug", "info", "warn", "error",
					     "off" };
	const char *v = getenv("SALEDESK_LOG");
	unsigned i;

	for (i = 0; v && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v, names[i]) == 0)
			return (enum log_level)i;
	return LOG_WARN;
}

void log_set_level(enum log_level level)
{
	log_level = (int)level;
}

enum log_level log_get_level(void)
{
	if (log_level < 0)
		log_level = (int)level_from_env();
	return (enum log_level)log_level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const tags[] = { "debug", "info", "warning", "error" };
	char line[1024];
	va_list ap;
	int n;

	if (level < log_get_level() || level >= LOG_OFF)
		return;
	/* One write per line, so lines from the poller's bus threads never
	 * interleave. */
	n = snprintf(line, sizeof(line), "saledesk: %s: ", tags[level]);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	strcat(line, "\n");
	fputs(line, stderr);
}
