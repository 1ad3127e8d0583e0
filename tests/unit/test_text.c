/* text_copy: the one bounded copy fits ASCII, cuts ASCII, and never leaves
 * a Chinese character or an emoji in two at the limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "text.h"

/* One copy: src into len bytes gives want, cut or not. */
struct copy_case {
	size_t len;
	const char *src;
	int cut;
	const char *want;
};

#define ZH "\xe4\xb8\xad"           /* 中, 3 bytes */
#define WEN "\xe6\x96\x87"          /* 文, 3 bytes */
#define EMOJI "\xf0\x9f\x98\x80"    /* U+1F600, 4 bytes */

static const struct copy_case ascii_fits[] = { { 8, "abc", 0, "abc" }, { 0 } };
static const struct copy_case ascii_cut[] = { { 4, "abcdef", 1, "abc" }, { 0 } };
/* "a中文" in 5, 6 and 7 bytes keeps "a中" (文 never fits whole); a limit
 * one byte into 中 keeps only the 'a'. */
static const struct copy_case chinese_at_limit[] = {
	{ 5, "a" ZH WEN, 1, "a" ZH }, { 6, "a" ZH WEN, 1, "a" ZH },
	{ 7, "a" ZH WEN, 1, "a" ZH }, { 3, "a" ZH, 1, "a" }, { 0 }
};
/* "ab😀": every limit inside the emoji keeps "ab"; 7 bytes hold it all. */
static const struct copy_case emoji_at_limit[] = {
	{ 3, "ab" EMOJI, 1, "ab" }, { 4, "ab" EMOJI, 1, "ab" }, { 5, "ab" EMOJI, 1, "ab" },
	{ 6, "ab" EMOJI, 1, "ab" }, { 7, "ab" EMOJI, 0, "ab" EMOJI }, { 0 }
};
static const struct copy_case len_one[] = {
	{ 1, "abc", 1, "" }, { 1, ZH, 1, "" }, { 1, "", 0, "" }, { 0 }
};
static const struct copy_case exact_fit[] = {
	{ 4, "abc", 0, "abc" }, { 4, ZH, 0, ZH }, { 5, EMOJI, 0, EMOJI }, { 0 }
};
static const struct copy_case null_src[] = { { 4, NULL, 0, "" }, { 0 } };

/* Runs the cases in *state into a buffer with guard bytes after len, so a
 * write past the limit is seen too. */
static void run_cases(void **state)
{
	const struct copy_case *c;

	for (c = *state; c->len; c++) {
		char b[16];
		memset(b, 'X', sizeof(b));
		if (text_copy(b, c->len, c->src) != c->cut)
			fail_msg("len %zu: cut should be %d", c->len, c->cut);
		assert_string_equal(b, c->want);
		assert_true(b[c->len] == 'X');
	}
}

static void test_zero_len_writes_nothing(void **state)
{
	char b[4] = "XXX";

	(void)state;
	assert_int_equal(text_copy(b, 0, "abc"), 1);
	assert_string_equal(b, "XXX");
}

#define CASES(name, table) { name, run_cases, NULL, NULL, (void *)(table) }

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASES("ascii_fits", ascii_fits),
		CASES("ascii_is_cut", ascii_cut),
		CASES("chinese_character_at_the_limit_is_not_cut", chinese_at_limit),
		CASES("emoji_at_the_limit_is_not_cut", emoji_at_limit),
		CASES("len_one_gives_empty", len_one),
		CASES("exact_fit", exact_fit),
		CASES("null_source_gives_empty", null_src),
		cmocka_unit_test(test_zero_len_writes_nothing),
	};
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
