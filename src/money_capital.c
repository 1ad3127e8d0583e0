/* money_capital: amounts in the capital numerals (大写) that Chinese
 * receipts and cheques carry, so a changed digit cannot go unnoticed.
 * Follows the People's Bank rules (支付结算办法): 壹 before 拾, one 零 for
 * a run of zeros inside the number, 整 after 元 when there are no jiao or
 * fen. Where the rules make 零 optional (the 万 or 元 digit is zero but
 * the next one is not) we leave it out. */
#include "money.h"

#include <stdio.h>
#include <string.h>

static const char *const digit[] = { "零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖" };
static const char *const place[] = { "", "拾", "佰", "仟" };

/* Appends a section 1..9999: zeros between digits collapse into one 零,
 * trailing zeros are silent. */
static void section(char *out, size_t len, unsigned n)
{
	unsigned d[4] = { n / 1000, n / 100 % 10, n / 10 % 10, n % 10 };
	int i, started = 0, zero = 0;

	for (i = 0; i < 4; i++) {
		if (d[i] == 0) {
			zero = started;
			continue;
		}
		if (zero)
			strncat(out, digit[0], len - strlen(out) - 1);
		strncat(out, digit[d[i]], len - strlen(out) - 1);
		strncat(out, place[3 - i], len - strlen(out) - 1);
		started = 1;
		zero = 0;
	}
}

/* Appends n > 0 yuan: splits at 亿 and 万, recursing so that even 亿亿
 * (beyond any real amount) reads right. A lower part that does not fill
 * its section (101 0000 0005) is joined with 零. */
static void integer(char *out, size_t len, uint64_t n)
{
	static const struct {
		uint64_t unit;
		const char *name;
	} split[] = { { 100000000, "亿" }, { 10000, "万" } };
	size_t i;

	for (i = 0; i < 2; i++) {
		if (n < split[i].unit)
			continue;
		integer(out, len, n / split[i].unit);
		strncat(out, split[i].name, len - strlen(out) - 1);
		n %= split[i].unit;
		if (n == 0)
			return;
		if (n < split[i].unit / 10)
			strncat(out, digit[0], len - strlen(out) - 1);
		integer(out, len, n);
		return;
	}
	section(out, len, (unsigned)n);
}

char *money_capital(int64_t fen, char *buf, size_t len)
{
	char out[256] = "";
	uint64_t mag = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	uint64_t yuan = mag / 100;
	unsigned jiao = (unsigned)(mag / 10 % 10), cent = (unsigned)(mag % 10);
	size_t n;

	if (fen < 0)
		strcat(out, "负");
	if (yuan) {
		integer(out, sizeof(out), yuan);
		strcat(out, "元");
	}
	if (jiao) {
		strcat(out, digit[jiao]);
		strcat(out, "角");
	} else if (yuan && cent) {
		strcat(out, digit[0]); /* 壹元零伍分: the jiao digit sits between */
	}
	if (cent) {
		strcat(out, digit[cent]);
		strcat(out, "分");
	}
	if (mag == 0)
		strcat(out, "零元整");
	else if (!jiao && !cent)
		strcat(out, "整");
	n = strlen(out);
	if (len == 0)
		return buf;
	if (n >= len)
		n = 0;
	memcpy(buf, out, n);
	buf[n] = 0;
	return buf;
}
