/* text: small checks on text a person typed. */
#include "text.h"

#include <stdio.h>
#include <string.h>

#include "err.h"

int utf8_chars(const char *s)
{
	int n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

int text_check_ident(const char *s, size_t max, const char *extra, const char *what)
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t n = strlen(s);
	char allowed[96], rule[64] = "";
	size_t i;

	if (n == 0 || n > max)
		return err_set(-SD_INVAL, "%s has 1 to %zu characters", what, max);
	snprintf(allowed, sizeof(allowed), "%s%s", alnum, extra);
	if (strspn(s, allowed) == n)
		return 0;
	for (i = 0; extra[i]; i++) {
		size_t len = strlen(rule);
		snprintf(rule + len, sizeof(rule) - len, "%s'%c'", i ? ", " : "", extra[i]);
	}
	return err_set(-SD_INVAL, "%s uses only letters, digits and %s", what, rule);
}
