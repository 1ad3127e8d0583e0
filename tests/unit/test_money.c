/* Money: what a cashier may type, what is refused and why, formatting,
 * and the one rounding rule at its edges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "money.h"

struct parse_case {
	const char *text;
	unsigned flags;
	int rc;
	int64_t fen;
};

static const struct parse_case parse_cases[] = {
	{ "12", 0, 0, 1200 },
	{ "12.3", 0, 0, 1230 },
	{ "12.30", 0, 0, 1230 },
	{ "0.01", 0, 0, 1 },
	{ ".5", 0, 0, 50 },
	{ "12.", 0, 0, 1200 },
	{ "  50  ", 0, 0, 5000 },
	{ "12.300", 0, 0, 1230 },             /* exact, trailing zeros */
	{ "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x8e\xef\xbc\x93", 0, 0, 1230 }, /* １２．３ */
	{ "\xc2\xa5" "12", 0, 0, 1200 },      /* ¥12 */
	{ "\xef\xbf\xa5" "12.5", 0, 0, 1250 },/* ￥12.5 */
	{ "7\xe5\x85\x83", 0, 0, 700 },       /* 7元 */
	{ "\xe3\x80\x80" "8", 0, 0, 800 },    /* ideographic space */
	{ "99999999.99", 0, 0, 9999999999 },
	{ "12.345", 0, -SD_MONEY_DECIMALS, 0 },
	{ "0.001", 0, -SD_MONEY_DECIMALS, 0 },
	{ "1e3", 0, -SD_MONEY_SYNTAX, 0 },
	{ "12,50", 0, -SD_MONEY_SYNTAX, 0 },
	{ "1 2", 0, -SD_MONEY_SYNTAX, 0 },
	{ "", 0, -SD_MONEY_SYNTAX, 0 },
	{ ".", 0, -SD_MONEY_SYNTAX, 0 },
	{ "abc", 0, -SD_MONEY_SYNTAX, 0 },
	{ "1.2.3", 0, -SD_MONEY_SYNTAX, 0 },
	{ "0x10", 0, -SD_MONEY_SYNTAX, 0 },
	{ "-5", 0, -SD_MONEY_NEGATIVE, 0 },
	{ "-5", MONEY_ALLOW_NEGATIVE, 0, -500 },
	{ "\xef\xbc\x8d" "5", MONEY_ALLOW_NEGATIVE, 0, -500 }, /* full-width minus */
	{ "0", 0, -SD_MONEY_ZERO, 0 },
	{ "0.00", 0, -SD_MONEY_ZERO, 0 },
	{ "0", MONEY_ALLOW_ZERO, 0, 0 },
	{ "-0", 0, -SD_MONEY_ZERO, 0 },
	{ "100000000", 0, -SD_MONEY_RANGE, 0 },
	{ "99999999.999", 0, -SD_MONEY_DECIMALS, 0 },
	{ "99999999999999999999999", 0, -SD_MONEY_RANGE, 0 },
	{ "9223372036854775808", 0, -SD_MONEY_RANGE, 0 },
};

static void test_parse_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		int64_t fen = -42;
		int rc = money_parse(c->text, c->flags, &fen);

		if (rc != c->rc || (rc == 0 && fen != c->fen))
			fail_msg("\"%s\": rc %d fen %lld, wanted rc %d fen %lld", c->text, rc,
				 (long long)fen, c->rc, (long long)c->fen);
	}
}

static void test_refusals_leave_output_alone(void **state)
{
	int64_t fen = 777;

	(void)state;
	assert_int_equal(money_parse("12.345", 0, &fen), -SD_MONEY_DECIMALS);
	assert_int_equal(fen, 777);
}

static void test_every_refusal_has_a_sentence(void **state)
{
	(void)state;
	assert_string_equal(err_str(-SD_MONEY_DECIMALS), "too many decimals");
	assert_non_null(strstr(err_str(-SD_MONEY_SYNTAX), "two decimals"));
	assert_string_equal(err_str(-9999), "unknown error");
}

static void test_price_and_energy_parse(void **state)
{
	int64_t v;

	(void)state;
	assert_int_equal(price_parse("0.588", &v), 0);
	assert_int_equal(v, 5880);
	assert_int_equal(price_parse("0.5883", &v), 0);
	assert_int_equal(v, 5883);
	assert_int_equal(price_parse("0.58831", &v), -SD_MONEY_DECIMALS);
	assert_int_equal(price_parse("100", &v), -SD_MONEY_RANGE);
	assert_int_equal(energy_parse("12.345", 0, &v), 0);
	assert_int_equal(v, 12345);
	assert_int_equal(energy_parse("0", MONEY_ALLOW_ZERO, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(energy_parse("1.0001", 0, &v), -SD_MONEY_DECIMALS);
}

struct round_case {
	int64_t num, den, want;
};

/* Halves go away from zero; everything else to the nearest. */
static const struct round_case round_cases[] = {
	{ 0, 10, 0 },     { 4, 10, 0 },     { 5, 10, 1 },      { 6, 10, 1 },
	{ 14, 10, 1 },    { 15, 10, 2 },    { 25, 10, 3 },     { -4, 10, 0 },
	{ -5, 10, -1 },   { -15, 10, -2 },  { -16, 10, -2 },   { 1, 3, 0 },
	{ 2, 3, 1 },      { -2, 3, -1 },    { 49999, 100000, 0 }, { 50000, 100000, 1 },
	{ INT64_MAX, 1, INT64_MAX },         { INT64_MAX, INT64_MAX, 1 },
	{ INT64_MAX / 2, INT64_MAX, 0 },     { INT64_MAX / 2 + 1, INT64_MAX, 1 },
	{ INT64_MIN, 1, INT64_MIN },         { INT64_MIN, 2, INT64_MIN / 2 },
};

static void test_round_div_table(void **state)
{
	size_t i;
	int64_t out;

	(void)state;
	for (i = 0; i < sizeof(round_cases) / sizeof(round_cases[0]); i++) {
		const struct round_case *c = &round_cases[i];
		assert_int_equal(money_round_div(c->num, c->den, &out), 0);
		if (out != c->want)
			fail_msg("%lld/%lld = %lld, wanted %lld", (long long)c->num,
				 (long long)c->den, (long long)out, (long long)c->want);
	}
}

static void test_round_div_edges(void **state)
{
	int64_t out;
	__int128 big = (__int128)INT64_MAX * 3;

	(void)state;
	assert_int_equal(money_round_div(1, 0, &out), -SD_INVAL);
	assert_int_equal(money_round_div(1, -1, &out), -SD_INVAL);
	assert_int_equal(money_round_div128(big, 2, &out), -SD_OVERFLOW);
	assert_int_equal(money_round_div128(big, 3, &out), 0);
	assert_int_equal(out, INT64_MAX);
	/* 1 Wh at 0.5 yuan/kWh is 0.05 fen: rounds to 0; 10 Wh is 0.5 fen: 1. */
	assert_int_equal(money_round_div128((__int128)1 * 5000, PRICE_WH_PER_FEN, &out), 0);
	assert_int_equal(out, 0);
	assert_int_equal(money_round_div128((__int128)10 * 5000, PRICE_WH_PER_FEN, &out), 0);
	assert_int_equal(out, 1);
}

static void test_format(void **state)
{
	char b[MONEY_BUFSZ];

	(void)state;
	assert_string_equal(money_format(0, b, sizeof(b)), "0.00");
	assert_string_equal(money_format(5, b, sizeof(b)), "0.05");
	assert_string_equal(money_format(-5, b, sizeof(b)), "-0.05");
	assert_string_equal(money_format(123456, b, sizeof(b)), "1234.56");
	assert_string_equal(money_format_grouped(123456789, b, sizeof(b)), "1,234,567.89");
	assert_string_equal(money_format_grouped(-100000, b, sizeof(b)), "-1,000.00");
	assert_string_equal(money_format_grouped(99999, b, sizeof(b)), "999.99");
	assert_string_equal(money_format(INT64_MIN, b, sizeof(b)), "-92233720368547758.08");
	assert_string_equal(price_format(5880, b, sizeof(b)), "0.5880");
	assert_string_equal(energy_format(12345, b, sizeof(b)), "12.35");
	assert_string_equal(energy_format(12344, b, sizeof(b)), "12.34");
	assert_string_equal(energy_format(-5, b, sizeof(b)), "-0.01");
}

static void test_parse_format_round_trip(void **state)
{
	static const int64_t values[] = { 1, 9, 10, 99, 100, 12345, 9999999999 };
	char b[MONEY_BUFSZ];
	int64_t back;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		assert_int_equal(money_parse(money_format(values[i], b, sizeof(b)), 0, &back), 0);
		assert_int_equal(back, values[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_refusals_leave_output_alone),
		cmocka_unit_test(test_every_refusal_has_a_sentence),
		cmocka_unit_test(test_price_and_energy_parse),
		cmocka_unit_test(test_round_div_table),
		cmocka_unit_test(test_round_div_edges),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_parse_format_round_trip),
	};
	return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
