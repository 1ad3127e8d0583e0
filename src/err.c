#include "err.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const err_messages[] = {
#define SD_STATUS_MSG(name, msg) msg,
	SD_STATUS_LIST(SD_STATUS_MSG)
#undef SD_STATUS_MSG
};

static _Thread_local char err_detail_buf[512];

const char *err_str(int code)
{
	int i = code < 0 ? -code : code;

	if (i >= SD_COUNT)
		return "unknown error";
	return err_messages[i];
}

int err_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err_detail_buf, sizeof(err_detail_buf), fmt, ap);
	va_end(ap);
	return code;
}

const char *err_detail(void)
{
	return err_detail_buf;
}

void err_clear(void)
{
	err_detail_buf[0] = 0;
}

char *err_text(int code, char *buf, unsigned len)
{
	if (err_detail_buf[0])
		snprintf(buf, len, "%s: %s", err_str(code), err_detail_buf);
	else
		snprintf(buf, len, "%s", err_str(code));
	return buf;
}
