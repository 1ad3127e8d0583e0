/* money: parsing, formatting and the one rounding rule. */
#include "money.h"

#include <stdio.h>
#include <string.h>

#include "err.h"

#define PRICE_MAX_UNITS INT64_C(999999)          /* 99.9999 yuan/kWh */
#define ENERGY_MAX_WH INT64_C(999999999999)      /* 999,999,999.999 kWh */

int money_round_div128(__int128 num, int64_t den, int64_t *out)
{
	__int128 q, r;

	if (den <= 0)
		return -SD_INVAL;
	q = num / den;
	r = num % den;
	/* Halves go away from zero: compare the remainder with what is left
	 * to the next multiple, which never overflows. */
	if (r >= 0 ? r >= den - r : -r >= den + r)
		q += r >= 0 ? 1 : -1;
	if (q > INT64_MAX || q < INT64_MIN)
		return -SD_OVERFLOW;
	*out = (int64_t)q;
	return 0;
}

int money_round_div(int64_t num, int64_t den, int64_t *out)
{
	return money_round_div128(num, den, out);
}

/* Reads one character of a number, folding the full-width forms a Chinese
 * input method produces into ASCII. Returns the bytes consumed, 0 at end. */
static size_t next_char(const unsigned char *s, int *c)
{
	if (s[0] == 0)
		return 0;
	/* U+FF01..U+FF5E are EF BC 81..EF BD 9E and map to 0x21..0x7E. */
	if (s[0] == 0xEF && s[1] == 0xBC && s[2] >= 0x81 && s[2] <= 0xBF) {
		*c = s[2] - 0x81 + 0x21;
		return 3;
	}
	if (s[0] == 0xEF && s[1] == 0xBD && s[2] >= 0x80 && s[2] <= 0x9E) {
		*c = s[2] - 0x80 + 0x60;
		return 3;
	}
	if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) { /* U+3000 */
		*c = ' ';
		return 3;
	}
	if (s[0] == 0xC2 && s[1] == 0xA5) { /* ¥ U+00A5 */
		*c = 0xA5;
		return 2;
	}
	if (s[0] == 0xEF && s[1] == 0xBF && s[2] == 0xA5) { /* ￥ U+FFE5 */
		*c = 0xA5;
		return 3;
	}
	if (s[0] == 0xE5 && s[1] == 0x85 && s[2] == 0x83) { /* 元 */
		*c = 0x5143;
		return 3;
	}
	*c = s[0];
	return 1;
}

/* Parses [blanks][sign][¥]digits[.digits][元][blanks] scaled by 10^decimals
 * into *out, refusing more than max_value. */
static int parse_decimal(const char *text, int decimals, int64_t max_value,
			 unsigned flags, int64_t *out)
{
	const unsigned char *s = (const unsigned char *)text;
	int64_t whole = 0, frac = 0;
	int c, nfrac = 0, nwhole = 0, negative = 0, seen_dot = 0, seen_end = 0;
	int extra_nonzero = 0, i;
	size_t n;

	if (!text)
		return -SD_MONEY_SYNTAX;
	while ((n = next_char(s, &c)) && c == ' ')
		s += n;
	if (n && (c == '-' || c == '+')) {
		negative = c == '-';
		s += n;
	}
	if ((n = next_char(s, &c)) && c == 0xA5)
		s += n;
	while ((n = next_char(s, &c))) {
		s += n;
		if (seen_end) {
			if (c != ' ' && c != 0x5143)
				return -SD_MONEY_SYNTAX;
		} else if (c >= '0' && c <= '9') {
			if (seen_dot) {
				if (nfrac < decimals)
					frac = frac * 10 + (c - '0');
				else if (c != '0')
					extra_nonzero = 1;
				nfrac++;
			} else {
				if (whole > (max_value + 1) / 10 + 1)
					return -SD_MONEY_RANGE;
				whole = whole * 10 + (c - '0');
				nwhole++;
			}
		} else if (c == '.' && !seen_dot) {
			seen_dot = 1;
		} else if (c == ' ' || c == 0x5143) {
			seen_end = 1;
		} else {
			return -SD_MONEY_SYNTAX;
		}
	}
	if (nwhole == 0 && nfrac == 0)
		return -SD_MONEY_SYNTAX;
	/* "12.300" is exact and accepted; "12.345" would need rounding that
	 * the cashier did not ask for. */
	if (extra_nonzero)
		return -SD_MONEY_DECIMALS;
	for (i = nfrac < decimals ? nfrac : decimals; i < decimals; i++)
		frac *= 10;
	for (i = 0; i < decimals; i++) {
		if (whole > max_value)
			return -SD_MONEY_RANGE;
		whole *= 10;
	}
	whole += frac;
	if (whole > max_value)
		return -SD_MONEY_RANGE;
	if (negative && whole != 0 && !(flags & MONEY_ALLOW_NEGATIVE))
		return -SD_MONEY_NEGATIVE;
	if (whole == 0 && !(flags & MONEY_ALLOW_ZERO))
		return -SD_MONEY_ZERO;
	*out = negative ? -whole : whole;
	return 0;
}

int money_parse(const char *text, unsigned flags, int64_t *fen)
{
	return parse_decimal(text, 2, MONEY_MAX_FEN, flags, fen);
}

int price_parse(const char *text, int64_t *units)
{
	return parse_decimal(text, 4, PRICE_MAX_UNITS, 0, units);
}

int energy_parse(const char *text, unsigned flags, int64_t *wh)
{
	return parse_decimal(text, 3, ENERGY_MAX_WH, flags, wh);
}

/* Writes value/10^decimals with the given number of decimals and optional
 * thousands separators. */
static char *format_fixed(int64_t value, int decimals, int grouped, char *buf,
			  size_t len)
{
	char digits[32], tmp[48];
	uint64_t mag = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
	int nd, i, j = 0, nwhole;

	nd = snprintf(digits, sizeof(digits), "%0*llu", decimals + 1,
		      (unsigned long long)mag);
	nwhole = nd - decimals;
	if (value < 0)
		tmp[j++] = '-';
	for (i = 0; i < nwhole; i++) {
		if (grouped && i > 0 && (nwhole - i) % 3 == 0)
			tmp[j++] = ',';
		tmp[j++] = digits[i];
	}
	if (decimals > 0) {
		tmp[j++] = '.';
		for (i = nwhole; i < nd; i++)
			tmp[j++] = digits[i];
	}
	tmp[j] = 0;
	snprintf(buf, len, "%s", tmp);
	return buf;
}

char *money_format(int64_t fen, char *buf, size_t len)
{
	return format_fixed(fen, 2, 0, buf, len);
}

char *money_format_grouped(int64_t fen, char *buf, size_t len)
{
	return format_fixed(fen, 2, 1, buf, len);
}

char *price_format(int64_t units, char *buf, size_t len)
{
	return format_fixed(units, 4, 0, buf, len);
}

char *energy_format(int64_t wh, char *buf, size_t len)
{
	int64_t dwh = 0;

	/* Shown in hundredths of a kWh: one rounding, by the one rule. */
	money_round_div(wh, 10, &dwh);
	return format_fixed(dwh, 2, 0, buf, len);
}
