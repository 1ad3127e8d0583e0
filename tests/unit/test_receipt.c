/* Receipts: capital numerals, the stored form, the text layout, the
 * ESC/POS bytes (read back by a small decoder) and the three printer
 * sinks, with a fake `lp` for CUPS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <iconv.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "err.h"
#include "money.h"
#include "printer.h"
#include "receipt.h"
#include "text.h"

/* ---- capitals ------------------------------------------------------- */

struct capital_case {
	int64_t fen;
	const char *text;
};

static const struct capital_case capital_cases[] = {
	{ 0, "零元整" },
	{ 5, "伍分" },
	{ 50, "伍角" },
	{ 55, "伍角伍分" },
	{ 100, "壹元整" },
	{ 105, "壹元零伍分" },
	{ 150, "壹元伍角" },
	{ 1000, "壹拾元整" },
	{ 1500, "壹拾伍元整" },
	{ 10000, "壹佰元整" },
	{ 11000, "壹佰壹拾元整" },
	{ 100000, "壹仟元整" },
	{ 100500, "壹仟零伍元整" },
	{ 101000, "壹仟零壹拾元整" },
	{ 1000000, "壹万元整" },
	{ 1000150, "壹万零壹元伍角" },
	{ 10001000, "壹拾万零壹拾元整" },
	{ 100000001, "壹佰万元零壹分" },
	{ 2000000000, "贰仟万元整" },
	{ 10000000000, "壹亿元整" },
	{ 10000000500, "壹亿零伍元整" },
	{ 123456789, "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分" },
	{ 168032, "壹仟陆佰捌拾元叁角贰分" },
	{ 9999999999, "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分" },
	{ -10000, "负壹佰元整" },
	{ -5, "负伍分" },
};

static void test_capital_edges(void **state)
{
	char buf[192];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(capital_cases) / sizeof(capital_cases[0]); i++) {
		const struct capital_case *c = &capital_cases[i];
		money_capital(c->fen, buf, sizeof(buf));
		if (strcmp(buf, c->text) != 0)
			fail_msg("%lld: \"%s\", wanted \"%s\"", (long long)c->fen, buf, c->text);
	}
}

static void test_capital_any_int64_fits_and_short_buffer_is_empty(void **state)
{
	char buf[192], small[8] = "xxxxxxx";

	(void)state;
	money_capital(INT64_MIN, buf, sizeof(buf));
	assert_true(strncmp(buf, "负玖亿", strlen("负玖亿")) == 0);
	assert_non_null(strstr(buf, "捌分"));
	money_capital(INT64_MAX, buf, sizeof(buf));
	assert_true(strlen(buf) > 100);
	money_capital(MONEY_MAX_FEN, buf, 80);
	assert_string_equal(buf, "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分");
	assert_string_equal(money_capital(10000, small, sizeof(small)), "");
}

/* ---- a sample receipt ----------------------------------------------- */

static void sample(struct receipt *r)
{
	memset(r, 0, sizeof(*r));
	strcpy(r->kind, "sale");
	strcpy(r->number, "20261118-000123");
	strcpy(r->desk, "城东供电营业厅");
	strcpy(r->operator_name, "王小明");
	strcpy(r->customer, "欧阳娜娜 Ouyang Nana 东区物业管理有限公司");
	strcpy(r->account_no, "000123456789");
	strcpy(r->room, "3栋-1单元-502");
	strcpy(r->meter_no, "100200300400");
	r->amount = 10000;
	r->energy_wh = 170068;
	strcpy(r->tariff, "RES 0.5880 元/kWh");
	r->debt_paid = 500;
	r->debt_left = 1200;
	r->credited = 9500;
	r->balance = 12345;
	r->has_balance = 1;
	r->tendered = 20000;
	r->change = 10000;
	r->purchase_seq = 7;
	r->time = 1795000000;
	r->utc_offset_min = 480;
	strcpy(r->note, "first line\nsecond line with a rather long English sentence that must wrap");
}

/* ---- stored form ---------------------------------------------------- */

static void test_encode_decode_round_trip(void **state)
{
	struct receipt r, back;
	char *a = NULL, *b = NULL;

	(void)state;
	sample(&r);
	strcpy(r.note, "a\\b\nc\\nd\r\\\\end\\");
	strcpy(r.operator_name, "x=y=z");
	r.reprint = 1;
	r.reprint_time = 5;
	assert_int_equal(receipt_encode(&r, &a), 0);
	assert_null(strchr(strstr(a, "note="), '\r'));
	assert_int_equal(receipt_decode(a, &back), 0);
	assert_string_equal(back.note, r.note);
	assert_string_equal(back.operator_name, "x=y=z");
	assert_string_equal(back.customer, r.customer);
	assert_string_equal(back.tariff, r.tariff);
	assert_int_equal(back.amount, 10000);
	assert_int_equal(back.energy_wh, 170068);
	assert_int_equal(back.balance, 12345);
	assert_int_equal(back.has_balance, 1);
	assert_int_equal(back.utc_offset_min, 480);
	assert_int_equal(back.time, 1795000000);
	assert_int_equal(back.reprint, 0); /* a printing, not a fact */
	assert_int_equal(receipt_encode(&back, &b), 0);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static void test_decode_negative_and_extreme_numbers(void **state)
{
	struct receipt r;

	(void)state;
	assert_int_equal(receipt_decode("amount=-9223372036854775808\nchange=9223372036854775807\n", &r), 0);
	assert_true(r.amount == INT64_MIN);
	assert_true(r.change == INT64_MAX);
	assert_int_equal(receipt_decode("amount=9223372036854775808\n", &r), -SD_INVAL);
}

static void test_decode_ignores_unknown_keys_and_blank_lines(void **state)
{
	struct receipt r;

	(void)state;
	assert_int_equal(receipt_decode("kind=sale\n\nfuture_key=whatever \\q\namount=12\n", &r), 0);
	assert_string_equal(r.kind, "sale");
	assert_int_equal(r.amount, 12);
	assert_int_equal(receipt_decode("", &r), 0);
	assert_int_equal(receipt_decode("amount=5", &r), 0); /* no final newline */
	assert_int_equal(r.amount, 5);
}

static void test_decode_rejects_malformed_lines(void **state)
{
	static const char *const bad[] = {
		"kind=sale\nnonsense\n",
		"=value\n",
		"amount=12x\n",
		"amount=\n",
		"has_balance=99999999999\n",
		"note=bad \\q escape\n",
		"note=ends in \\\n",
		"account=1234567890123\n", /* 13 digits: one too many */
	};
	struct receipt r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear();
		if (receipt_decode(bad[i], &r) != -SD_INVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_true(strstr(err_detail(), "line") != NULL);
	}
	receipt_decode("kind=sale\nnonsense\n", &r);
	assert_non_null(strstr(err_detail(), "line 2"));
}

/* ---- text ----------------------------------------------------------- */

/* Splits text into lines (in place); returns how many. */
static int split_lines(char *text, char **lines, int max)
{
	int n = 0;
	char *p = text, *nl;

	while (*p && n < max) {
		nl = strchr(p, '\n');
		assert_non_null(nl); /* every line ends with a newline */
		*nl = 0;
		lines[n++] = p;
		p = nl + 1;
	}
	return n;
}

static char *render(const struct receipt *r, int width, int zh)
{
	struct rcpt_doc doc;
	char *out;
	size_t len;

	assert_int_equal(receipt_layout(r, width, zh, &doc), 0);
	assert_int_equal(rcpt_render_text(&doc, &out, &len), 0);
	assert_int_equal(strlen(out), len);
	return out;
}

static const char *find_line(char **lines, int n, const char *needle)
{
	int i;

	for (i = 0; i < n; i++)
		if (strstr(lines[i], needle))
			return lines[i];
	return NULL;
}

static void test_text_every_line_fits_width(void **state)
{
	static const int widths[] = { 24, 32, 48, 80 };
	struct receipt r;
	size_t w;
	int zh;

	(void)state;
	sample(&r);
	r.reprint = 1;
	r.reprint_time = 1795003600;
	for (w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
		for (zh = 0; zh < 2; zh++) {
			char *text = render(&r, widths[w], zh), *lines[200] = { 0 };
			int n = split_lines(text, lines, 200), i;

			assert_true(n > 20);
			for (i = 0; i < n; i++) {
				size_t len = strlen(lines[i]);
				if (text_width(lines[i]) > widths[w])
					fail_msg("width %d: \"%s\" is %d columns", widths[w], lines[i],
						 text_width(lines[i]));
				if (len && lines[i][len - 1] == ' ')
					fail_msg("trailing blank: \"%s\"", lines[i]);
			}
			free(text);
		}
}

static void test_text_pairs_are_right_aligned_and_cjk_lines_up(void **state)
{
	static const int widths[] = { 32, 48 };
	struct receipt r;
	size_t w;

	(void)state;
	sample(&r);
	strcpy(r.customer, "张三丰");
	for (w = 0; w < 2; w++) {
		char *text = render(&r, widths[w], 1), *lines[200] = { 0 };
		int n = split_lines(text, lines, 200);
		const char *name = find_line(lines, n, "户名"), *acct = find_line(lines, n, "户号");
		const char *amount = find_line(lines, n, "金额(元)");

		assert_non_null(name);
		assert_non_null(acct);
		assert_non_null(amount);
		/* Both end at the right edge whatever their mix of widths. */
		assert_int_equal(text_width(name), widths[w]);
		assert_int_equal(text_width(acct), widths[w]);
		assert_int_equal(text_width(amount), widths[w]);
		assert_string_equal(name + strlen(name) - strlen("张三丰"), "张三丰");
		assert_string_equal(acct + strlen(acct) - 12, "000123456789");
		assert_string_equal(amount + strlen(amount) - 6, "100.00");
		free(text);
	}
}

static void test_text_long_value_wraps_right_aligned(void **state)
{
	struct receipt r;
	char *text, *lines[200] = { 0 };
	int n, i, cust = -1;

	(void)state;
	sample(&r);
	text = render(&r, 32, 1);
	n = split_lines(text, lines, 200);
	for (i = 0; i < n; i++)
		if (strncmp(lines[i], "户名", strlen("户名")) == 0)
			cust = i;
	assert_true(cust >= 0);
	/* The name does not fit beside its label: it continues on the next
	 * row, flush right, and nothing of it is lost. */
	assert_int_equal(text_width(lines[cust]), 32);
	assert_int_equal(text_width(lines[cust + 1]), 32);
	assert_non_null(strstr(lines[cust + 1], "有限公司"));
	assert_true(lines[cust + 1][0] == ' ');
	free(text);
}

static void test_text_sale_shows_its_facts(void **state)
{
	struct receipt r;
	char *text, *lines[200] = { 0 };
	int n;

	(void)state;
	sample(&r);
	text = render(&r, 48, 1);
	n = split_lines(text, lines, 200);
	assert_non_null(strstr(lines[0], "城东供电营业厅"));
	assert_non_null(strstr(lines[1], "售电凭证"));
	assert_null(find_line(lines, n, "重印"));
	assert_non_null(strstr(find_line(lines, n, "时间"), "2026-11-18 19:06:40"));
	assert_non_null(strstr(find_line(lines, n, "金额大写"), "壹佰元整"));
	assert_non_null(strstr(find_line(lines, n, "电量"), "170.07"));
	assert_non_null(strstr(find_line(lines, n, "补缴欠费"), "5.00"));
	assert_non_null(strstr(find_line(lines, n, "尚欠"), "12.00"));
	assert_non_null(strstr(find_line(lines, n, "充值金额"), "95.00"));
	assert_non_null(strstr(find_line(lines, n, "余额"), "123.45"));
	assert_non_null(strstr(find_line(lines, n, "实收"), "200.00"));
	assert_non_null(strstr(find_line(lines, n, "找零"), "100.00"));
	assert_non_null(strstr(find_line(lines, n, "购电次数"), "7"));
	assert_non_null(find_line(lines, n, "备注：first line"));
	assert_non_null(find_line(lines, n, "3栋-1单元-502"));
	free(text);

	/* Optional facts stay off the paper when absent. */
	r.energy_wh = 0;
	r.debt_paid = r.debt_left = 0;
	r.has_balance = 0;
	r.tendered = r.change = 0;
	r.purchase_seq = 0;
	r.room[0] = 0;
	r.note[0] = 0;
	text = render(&r, 32, 0);
	n = split_lines(text, lines, 200);
	assert_non_null(strstr(lines[1], "SALE RECEIPT"));
	assert_null(find_line(lines, n, "Energy"));
	assert_null(find_line(lines, n, "Debt"));
	assert_null(find_line(lines, n, "Balance"));
	assert_null(find_line(lines, n, "Tendered"));
	assert_null(find_line(lines, n, "Purchase"));
	assert_null(find_line(lines, n, "Room"));
	assert_null(find_line(lines, n, "Note"));
	assert_non_null(strstr(find_line(lines, n, "In words"), "壹佰元整"));
	free(text);
}

static void test_text_reprint_is_marked_near_the_top(void **state)
{
	struct receipt r;
	char *text, *lines[200] = { 0 };
	int n;

	(void)state;
	sample(&r);
	strcpy(r.kind, "refund");
	r.amount = -10000;
	r.reprint = 1;
	r.reprint_time = 1795003600;
	text = render(&r, 32, 1);
	n = split_lines(text, lines, 200);
	assert_non_null(strstr(lines[1], "退电凭证"));
	assert_non_null(strstr(lines[2], "重印 REPRINT"));
	assert_non_null(strstr(lines[3], "2026-11-18 20:06:40"));
	assert_non_null(strstr(find_line(lines, n, "金额(元)"), "-100.00"));
	assert_non_null(strstr(find_line(lines, n, "金额大写"), "负壹佰元整"));
	free(text);
}

static void test_layout_refuses_bad_width_and_full_doc(void **state)
{
	struct receipt r;
	struct rcpt_doc doc;
	char *out;
	size_t len;
	int i;

	(void)state;
	sample(&r);
	assert_int_equal(receipt_layout(&r, 23, 1, &doc), -SD_INVAL);
	assert_int_equal(receipt_layout(&r, 81, 1, &doc), -SD_INVAL);
	doc.n = 0;
	doc.width = 32;
	for (i = 0; i < 64; i++)
		assert_int_equal(rcpt_add(&doc, RCPT_TEXT, "x", NULL), 0);
	assert_int_equal(rcpt_add(&doc, RCPT_TEXT, "x", NULL), -SD_OVERFLOW);
	doc.width = 10;
	assert_int_equal(rcpt_render_text(&doc, &out, &len), -SD_INVAL);
}

static void test_add_cuts_long_text_on_a_character_boundary(void **state)
{
	struct rcpt_doc doc;
	char big[400];
	char *out;
	size_t len, i;

	(void)state;
	for (i = 0; i + 3 < sizeof(big); i += 3)
		memcpy(big + i, "电", 3);
	big[i] = 0;
	doc.n = 0;
	doc.width = 32;
	assert_int_equal(rcpt_add(&doc, RCPT_PAIR, "x", big), 0);
	assert_int_equal(strlen(doc.line[0].right), 255);
	assert_int_equal(rcpt_add(&doc, RCPT_TEXT, "bad \xff\x01 bytes\ttab", NULL), 0);
	assert_int_equal(rcpt_render_text(&doc, &out, &len), 0);
	assert_non_null(strstr(out, "bad ?  bytes tab"));
	free(out);
}

/* ---- ESC/POS -------------------------------------------------------- */

struct decoded {
	char lines[256][512];
	int n;
	int init_first, chinese_mode, cut, drawer, unknown, big, bold, align_center;
};

static void dec_line(struct decoded *d, const char *gb, size_t n)
{
	char out[512];
	char *in = (char *)gb, *o = out;
	size_t inleft = n, outleft = sizeof(out) - 1;
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	char *s, *e;

	assert_true(cd != (iconv_t)-1);
	assert_true(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
	iconv_close(cd);
	*o = 0;
	for (s = out; *s == ' '; s++)
		;
	for (e = s + strlen(s); e > s && e[-1] == ' '; e--)
		;
	*e = 0;
	assert_true(d->n < 256);
	snprintf(d->lines[d->n++], sizeof(d->lines[0]), "%s", s);
}

/* Walks an ESC/POS stream, knowing only the commands the renderer may
 * use; anything else below 0x20 counts as unknown. */
static void decode_escpos(const uint8_t *p, size_t len, struct decoded *d)
{
	char cur[1024];
	size_t i = 0, cn = 0;

	memset(d, 0, sizeof(*d));
	d->init_first = len >= 2 && p[0] == 0x1B && p[1] == '@';
	while (i < len) {
		uint8_t b = p[i];
		uint8_t c = i + 1 < len ? p[i + 1] : 0;

		if (b == 0x1B && c == '@') {
			i += 2;
		} else if (b == 0x1B && c == 'a' && i + 2 < len && p[i + 2] <= 2) {
			d->align_center |= p[i + 2] == 1;
			i += 3;
		} else if (b == 0x1B && c == 'E' && i + 2 < len) {
			d->bold |= p[i + 2];
			i += 3;
		} else if (b == 0x1B && c == 'd' && i + 2 < len) {
			i += 3;
		} else if (b == 0x1B && c == 'p' && i + 4 < len && (p[i + 2] == 0 || p[i + 2] == '0')) {
			d->drawer = 1;
			i += 5;
		} else if (b == 0x1C && (c == '&' || c == '.')) {
			d->chinese_mode |= c == '&';
			i += 2;
		} else if (b == 0x1D && c == '!' && i + 2 < len) {
			d->big |= p[i + 2];
			i += 3;
		} else if (b == 0x1D && c == 'V' && i + 2 < len) {
			uint8_t m = p[i + 2];
			if (m == 0 || m == 1 || m == 48 || m == 49)
				i += 3;
			else if ((m == 65 || m == 66) && i + 3 < len)
				i += 4;
			else {
				d->unknown++;
				i++;
				continue;
			}
			d->cut = 1;
		} else if (b == '\n') {
			dec_line(d, cur, cn);
			cn = 0;
			i++;
		} else if (b < 0x20 || b == 0x7F) {
			d->unknown++;
			i++;
		} else {
			assert_true(cn < sizeof(cur));
			cur[cn++] = (char)b;
			i++;
		}
	}
	assert_int_equal(cn, 0); /* every row ends with LF */
}

static void check_escpos_matches_text(const struct receipt *r, int width, int zh, int cut, int drawer)
{
	struct rcpt_doc doc;
	struct escpos_opts o = { zh, cut, drawer };
	struct decoded *d = calloc(1, sizeof(*d));
	char *text, *lines[256] = { 0 };
	uint8_t *bytes;
	size_t len, tlen;
	int n, i;

	assert_non_null(d);
	assert_int_equal(receipt_layout(r, width, zh, &doc), 0);
	assert_int_equal(rcpt_render_text(&doc, &text, &tlen), 0);
	assert_int_equal(rcpt_render_escpos(&doc, &o, &bytes, &len), 0);
	decode_escpos(bytes, len, d);
	n = split_lines(text, lines, 256);
	assert_true(d->init_first);
	assert_int_equal(d->unknown, 0);
	assert_int_equal(d->cut, cut);
	assert_int_equal(d->drawer, drawer);
	assert_true(d->chinese_mode); /* the desk name is Chinese in both modes */
	assert_true(d->big);
	assert_true(d->bold);
	assert_true(d->align_center);
	if (zh)
		assert_true(bytes[2] == 0x1C || bytes[7] == 0x1C);
	assert_int_equal(d->n, n);
	for (i = 0; i < n; i++) {
		const char *s = lines[i];
		while (*s == ' ')
			s++;
		if (strcmp(d->lines[i], s) != 0)
			fail_msg("width %d zh %d row %d: printer \"%s\", text \"%s\"", width, zh, i,
				 d->lines[i], s);
	}
	free(bytes);
	free(text);
	free(d);
}

static void test_escpos_decodes_to_the_text_render(void **state)
{
	struct receipt r;

	(void)state;
	sample(&r);
	r.reprint = 1;
	r.reprint_time = 1795003600;
	check_escpos_matches_text(&r, 32, 1, 1, 1);
	check_escpos_matches_text(&r, 48, 1, 0, 0);
	check_escpos_matches_text(&r, 32, 0, 1, 0);
	check_escpos_matches_text(&r, 48, 0, 0, 1);
	check_escpos_matches_text(&r, 24, 1, 1, 1);
}

static void test_escpos_english_ascii_rows_stay_out_of_chinese_mode(void **state)
{
	struct rcpt_doc doc;
	struct escpos_opts o = { 0, 0, 0 };
	uint8_t *bytes;
	size_t len;

	(void)state;
	doc.n = 0;
	doc.width = 32;
	assert_int_equal(rcpt_add(&doc, RCPT_PAIR, "Amount", "1.00"), 0);
	assert_int_equal(rcpt_add(&doc, RCPT_PAIR, "Name", "张"), 0);
	assert_int_equal(rcpt_render_escpos(&doc, &o, &bytes, &len), 0);
	/* ESC @, "Amount...1.00" LF, FS & "Name...<D5 C5>" FS . LF, ESC d 4 */
	assert_memory_equal(bytes, "\x1b@Amount", 8);
	assert_non_null(memmem(bytes, len, "\x1c&Name", 6));
	assert_non_null(memmem(bytes, len, "\xd5\xc5\x1c.\n", 5));
	assert_memory_equal(bytes + len - 3, "\x1b" "d\x04", 3);
	free(bytes);
}

/* ---- printer sinks -------------------------------------------------- */

struct tmp {
	char dir[64];
	char old_path[4096];
};

static int tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));
	const char *p = getenv("PATH");

	assert_non_null(t);
	snprintf(t->dir, sizeof(t->dir), "/tmp/saledesk-rcpt.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->old_path, sizeof(t->old_path), "%s", p ? p : "/usr/bin:/bin");
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	struct tmp *t = *state;
	char cmd[128];

	setenv("PATH", t->old_path, 1);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
	free(t);
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 1 << 21);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 21) - 1, f);
	fclose(f);
	if (len)
		*len = n;
	return buf;
}

static void test_printer_file_appends_and_is_private(void **state)
{
	struct tmp *t = *state;
	char target[128], *got;
	struct stat st;

	snprintf(target, sizeof(target), "file:%s/r.txt", t->dir);
	assert_int_equal(printer_send(target, "one\n", 4), 0);
	assert_int_equal(printer_send(target, "two\n", 4), 0);
	got = slurp(target + 5, NULL);
	assert_string_equal(got, "one\ntwo\n");
	free(got);
	assert_int_equal(stat(target + 5, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(target, sizeof(target), "file:%s/no/such/dir", t->dir);
	assert_int_equal(printer_send(target, "x", 1), -SD_PRINTER_OFF);
}

static void test_printer_missing_device_is_off(void **state)
{
	(void)state;
	err_clear();
	assert_int_equal(printer_send("/dev/usb/no-such-lp9", "x", 1), -SD_PRINTER_OFF);
	assert_non_null(strstr(err_detail(), "/dev/usb/no-such-lp9"));
}

static void test_printer_enospc_is_paper_out(void **state)
{
	(void)state;
	if (access("/dev/full", W_OK) != 0)
		skip();
	assert_int_equal(printer_send("/dev/full", "x", 1), -SD_PRINTER_PAPER);
}

static void test_printer_empty_target_is_config(void **state)
{
	(void)state;
	assert_int_equal(printer_send("", "x", 1), -SD_CONFIG);
	assert_int_equal(printer_send(NULL, "x", 1), -SD_CONFIG);
	assert_int_equal(printer_send("cups:", "x", 1), -SD_CONFIG);
	assert_int_equal(printer_send("file:", "x", 1), -SD_CONFIG);
}

/* Puts a fake lp with body into t->dir and puts that first on PATH. */
static void fake_lp(struct tmp *t, const char *body)
{
	char path[128], newpath[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/lp", t->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
	snprintf(newpath, sizeof(newpath), "%s:%s", t->dir, t->old_path);
	setenv("PATH", newpath, 1);
}

static void test_printer_cups_runs_lp_raw_with_data_on_stdin(void **state)
{
	struct tmp *t = *state;
	static const char data[] = "\x1b@\x1c&\xd5\xc5\n\x1dV\x01";
	char body[512], path[128], *got;
	size_t len;

	snprintf(body, sizeof(body), "printf '%%s\\n' \"$@\" > %s/args\ncat > %s/stdin\necho 'request id is q-1'",
		 t->dir, t->dir);
	fake_lp(t, body);
	assert_int_equal(printer_send("cups:desk_q", data, sizeof(data) - 1), 0);
	snprintf(path, sizeof(path), "%s/args", t->dir);
	got = slurp(path, NULL);
	assert_string_equal(got, "-d\ndesk_q\n-o\nraw\n");
	free(got);
	snprintf(path, sizeof(path), "%s/stdin", t->dir);
	got = slurp(path, &len);
	assert_int_equal(len, sizeof(data) - 1);
	assert_memory_equal(got, data, len);
	free(got);
}

static void test_printer_cups_failing_lp_is_off_naming_the_queue(void **state)
{
	struct tmp *t = *state;

	fake_lp(t, "cat >/dev/null\necho 'lp: The printer or class does not exist.' >&2\nexit 1");
	err_clear();
	assert_int_equal(printer_send("cups:ghost", "x", 1), -SD_PRINTER_OFF);
	assert_non_null(strstr(err_detail(), "ghost"));
	assert_non_null(strstr(err_detail(), "does not exist"));
}

static void test_printer_cups_without_lp_is_off(void **state)
{
	struct tmp *t = *state;

	setenv("PATH", t->dir, 1); /* empty folder: no lp anywhere */
	err_clear();
	assert_int_equal(printer_send("cups:desk_q", "x", 1), -SD_PRINTER_OFF);
	assert_non_null(strstr(err_detail(), "desk_q"));
}

static void test_printer_cups_lp_that_reads_nothing_does_not_kill_us(void **state)
{
	struct tmp *t = *state;
	size_t big = 1 << 20;
	char *data = calloc(1, big);
	sigset_t pending;

	assert_non_null(data);
	fake_lp(t, "exit 0");
	/* A megabyte overflows the pipe, so the write meets EPIPE; SIGPIPE's
	 * default would end this test program. */
	assert_int_equal(printer_send("cups:desk_q", data, big), -SD_PRINTER_OFF);
	sigpending(&pending);
	assert_false(sigismember(&pending, SIGPIPE));
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capital_edges),
		cmocka_unit_test(test_capital_any_int64_fits_and_short_buffer_is_empty),
		cmocka_unit_test(test_encode_decode_round_trip),
		cmocka_unit_test(test_decode_negative_and_extreme_numbers),
		cmocka_unit_test(test_decode_ignores_unknown_keys_and_blank_lines),
		cmocka_unit_test(test_decode_rejects_malformed_lines),
		cmocka_unit_test(test_text_every_line_fits_width),
		cmocka_unit_test(test_text_pairs_are_right_aligned_and_cjk_lines_up),
		cmocka_unit_test(test_text_long_value_wraps_right_aligned),
		cmocka_unit_test(test_text_sale_shows_its_facts),
		cmocka_unit_test(test_text_reprint_is_marked_near_the_top),
		cmocka_unit_test(test_layout_refuses_bad_width_and_full_doc),
		cmocka_unit_test(test_add_cuts_long_text_on_a_character_boundary),
		cmocka_unit_test(test_escpos_decodes_to_the_text_render),
		cmocka_unit_test(test_escpos_english_ascii_rows_stay_out_of_chinese_mode),
		cmocka_unit_test_setup_teardown(test_printer_file_appends_and_is_private, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_printer_missing_device_is_off),
		cmocka_unit_test(test_printer_enospc_is_paper_out),
		cmocka_unit_test(test_printer_empty_target_is_config),
		cmocka_unit_test_setup_teardown(test_printer_cups_runs_lp_raw_with_data_on_stdin, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_printer_cups_failing_lp_is_off_naming_the_queue, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_printer_cups_without_lp_is_off, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_printer_cups_lp_that_reads_nothing_does_not_kill_us, tmp_setup, tmp_teardown),
	};
	return cmocka_run_group_tests_name("receipt", tests, NULL, NULL);
}
