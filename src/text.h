/* text: small checks on text a person typed and the one bounded UTF-8
 * copy, shared by the domain, the database layer and the screens. */
#ifndef SALEDESK_TEXT_H
#define SALEDESK_TEXT_H

#include <stddef.h>

/* Counts the characters (not bytes) of UTF-8 text. */
int utf8_chars(const char *s);

/* Returns the display columns of UTF-8 text: CJK and other East Asian
 * wide characters count two, combining marks and controls none, invalid
 * bytes one each. Decided by code point ranges, not by the locale, so
 * receipts and reports line up the same whatever setlocale() said. */
int text_width(const char *s);

/* Checks that s is 1 to max characters of ASCII letters, digits and the
 * characters in extra; otherwise returns -SD_INVAL with a detail naming
 * what (e.g. "a login") and the rule. */
int text_check_ident(const char *s, size_t max, const char *extra, const char *what);

/* Copies src (NULL counts as "") into dst of len bytes, always
 * NUL-terminated when len > 0, cutting at a character start when it does
 * not fit so that no UTF-8 sequence is left in two. Returns 1 when src was
 * cut, 0 when it fitted whole. */
int text_copy(char *dst, size_t len, const char *src);

#endif
