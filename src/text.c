/* text: small checks on text a person typed, and the bounded copy. */
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

int text_copy(char *dst, size_t len, const char *src)
{
	size_t n;
	int cut = 0;

	if (!len)
		return src && *src;
	if (!src)
		src = "";
	n = strlen(src);
	if (n >= len) {
		/* Back off to the start of the character the limit falls in. */
		n = len - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
		cut = 1;
	}
	memmove(dst, src, n);
	dst[n] = 0;
	return cut;
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

/* Decodes one UTF-8 sequence at s; returns its length (1 for an invalid
 * byte, which then stands for itself) and stores the code point, or -1
 * when invalid. Overlong forms and surrogates count as invalid. */
static int utf8_decode(const unsigned char *s, long *cp)
{
	int n, i;
	long c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2, c = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3, c = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4, c = s[0] & 0x07;
	else
		goto bad;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*cp = c;
	return n;
bad:
	*cp = -1;
	return 1;
}

struct cp_range {
	long lo, hi;
};

/* Zero-width: combining marks, zero-width space and joiners, variation
 * selectors. Not exhaustive; the scripts a Chinese desk meets. */
static const struct cp_range zero_width[] = {
	{ 0x0300, 0x036F }, { 0x0483, 0x0489 }, { 0x0591, 0x05BD },
	{ 0x0610, 0x061A }, { 0x064B, 0x065F }, { 0x0E31, 0x0E31 },
	{ 0x0E34, 0x0E3A }, { 0x0E47, 0x0E4E }, { 0x1AB0, 0x1AFF },
	{ 0x1DC0, 0x1DFF }, { 0x200B, 0x200F }, { 0x202A, 0x202E },
	{ 0x2060, 0x2064 }, { 0x20D0, 0x20FF }, { 0x302A, 0x302D },
	{ 0x3099, 0x309A }, { 0xFE00, 0xFE0F }, { 0xFE20, 0xFE2F },
	{ 0xFEFF, 0xFEFF }, { 0xE0100, 0xE01EF },
};

/* East Asian Wide and Fullwidth (Unicode UAX #11), in broad blocks. */
static const struct cp_range wide[] = {
	{ 0x1100, 0x115F }, { 0x231A, 0x231B }, { 0x2329, 0x232A },
	{ 0x23E9, 0x23EC }, { 0x2E80, 0x303E }, { 0x3041, 0x3247 },
	{ 0x3250, 0x4DBF }, { 0x4E00, 0xA4CF }, { 0xA960, 0xA97F },
	{ 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF }, { 0xFE10, 0xFE19 },
	{ 0xFE30, 0xFE6F }, { 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 },
	{ 0x16FE0, 0x18CFF }, { 0x1B000, 0x1B2FF }, { 0x1F300, 0x1F64F },
	{ 0x1F900, 0x1F9FF }, { 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
};

static int in_ranges(long c, const struct cp_range *r, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c < r[mid].lo)
			hi = mid;
		else if (c > r[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

int text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int w = 0;
	long c;

	while (*p) {
		p += utf8_decode(p, &c);
		if (c < 0)
			w++;
		else if (c < 0x20 || (c >= 0x7F && c < 0xA0))
			continue;
		else if (in_ranges(c, zero_width, sizeof(zero_width) / sizeof(zero_width[0])))
			continue;
		else if (in_ranges(c, wide, sizeof(wide) / sizeof(wide[0])))
			w += 2;
		else
			w++;
	}
	return w;
}
