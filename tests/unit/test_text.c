/* text_copy: the one bounded copy fits ASCII, cuts ASCII, and never leaves
 * a Chinese character or an emoji in two at the limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text.h"

/* A buffer of 16 with a guard byte after the len given, to see that
 * nothing is written past it. */
struct buf {
	char b[16];
};

static void copy_into(struct buf *d, size_t len, const char *src, int want_cut,
		      const char *want)
{
	memset(d->b, 'X', sizeof(d->b));
	assert_int_equal(text_copy(d->b, len, src), want_cut);
	assert_string_equal(d->b, want);
	if (len < sizeof(d->b))
		assert_true(d->b[len] == 'X');
}

static void test_ascii_fits(void **state)
{
	struct buf d;

	(void)state;
	copy_into(&d, 8, "abc", 0, "abc");
}

static void test_ascii_is_cut(void **state)
{
	struct buf d;

	(void)state;
	copy_into(&d, 4, "abcdef", 1, "abc");
}

static void test_chinese_character_at_the_limit_is_not_cut(void **state)
{
	struct buf d;

	(void)state;
	/* "a中文": 'a' then two 3-byte characters. In 5 bytes (4 and the
	 * NUL) only 'a' and 中 fit whole; in 6, 7 the second still does not. */
	copy_into(&d, 5, "a\xe4\xb8\xad\xe6\x96\x87", 1, "a\xe4\xb8\xad");
	copy_into(&d, 6, "a\xe4\xb8\xad\xe6\x96\x87", 1, "a\xe4\xb8\xad");
	copy_into(&d, 7, "a\xe4\xb8\xad\xe6\x96\x87", 1, "a\xe4\xb8\xad");
	/* limit one byte into 中: only the 'a' */
	copy_into(&d, 3, "a\xe4\xb8\xad", 1, "a");
}

static void test_emoji_at_the_limit_is_not_cut(void **state)
{
	struct buf d;

	(void)state;
	/* "ab😀" (U+1F600, 4 bytes): every limit inside it keeps "ab". */
	for (size_t len = 3; len <= 6; len++)
		copy_into(&d, len, "ab\xf0\x9f\x98\x80", 1, "ab");
	copy_into(&d, 7, "ab\xf0\x9f\x98\x80", 0, "ab\xf0\x9f\x98\x80");
}

static void test_len_one_gives_empty(void **state)
{
	struct buf d;

	(void)state;
	copy_into(&d, 1, "abc", 1, "");
	copy_into(&d, 1, "\xe4\xb8\xad", 1, "");
	copy_into(&d, 1, "", 0, "");
}

static void test_exact_fit(void **state)
{
	struct buf d;

	(void)state;
	copy_into(&d, 4, "abc", 0, "abc");
	copy_into(&d, 4, "\xe4\xb8\xad", 0, "\xe4\xb8\xad");
	copy_into(&d, 5, "\xf0\x9f\x98\x80", 0, "\xf0\x9f\x98\x80");
}

static void test_null_and_zero_len(void **state)
{
	struct buf d;

	(void)state;
	copy_into(&d, 4, NULL, 0, "");
	memset(d.b, 'X', sizeof(d.b));
	assert_int_equal(text_copy(d.b, 0, "abc"), 1);
	assert_true(d.b[0] == 'X');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_fits),
		cmocka_unit_test(test_ascii_is_cut),
		cmocka_unit_test(test_chinese_character_at_the_limit_is_not_cut),
		cmocka_unit_test(test_emoji_at_the_limit_is_not_cut),
		cmocka_unit_test(test_len_one_gives_empty),
		cmocka_unit_test(test_exact_fit),
		cmocka_unit_test(test_null_and_zero_len),
	};
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
