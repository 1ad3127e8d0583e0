/* The finance reports against a known history: two operators, three
 * shifts (one across local midnight), two buildings, a billed, a card and
 * a remote meter; sales, a fee, a debt repayment, reversals of a sale and
 * of a debt repayment, a refund, an adjustment, billed usage, meter
 * balances, and a sale a year before. Every figure is compared with the
 * answer worked out by hand in the comments, to the fen. Also: the table
 * kinds and cells, CSV with a BOM, the aligned table's grouping, the XLSX
 * file, and who may run what (report_run). */
#include "helpers.h"

#include "db_sale.h"
#include "err.h"
#include "report.h"
#include "report_run.h"

/* Local midnight of 2026-11-10 at UTC+08:00 (2026-11-09 16:00 UTC). */
#define D0 INT64_C(1794240000)
#define OFF 480
#define T(day, h, m) (D0 + (int64_t)(day) * 86400 + (h) * 3600 + (m) * 60)
#define LAST_YEAR_10H INT64_C(1762740000) /* 2025-11-10 10:00 local */

static struct tdb tdb;

static void sql(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (db_exec(tdb.db, buf)) {
		fprintf(stderr, "SQL failed: %s (%s)\n", buf, err_detail());
		fail();
	}
}

static void ledger(int64_t id, int64_t ts, const char *kind, int acc, int meter, long long amount,
		   int op, int shift, int reverses)
{
	char m[16], s[16], r[16];

	snprintf(m, sizeof(m), meter ? "%d" : "NULL", meter);
	snprintf(s, sizeof(s), shift ? "%d" : "NULL", shift);
	snprintf(r, sizeof(r), reverses ? "%d" : "NULL", reverses);
	sql("INSERT INTO ledger(id, ts, kind, account_id, meter_id, amount, operator_id, shift_id, "
	    "reverses) VALUES (%lld, %lld, '%s', %d, %s, %lld, %d, %s, %s)",
	    (long long)id, (long long)ts, kind, acc, m, amount, op, s, r);
}

/* The history (amounts in fen; D is 2026-11-10, local time):
 * ann (1) shift 1: opened D-1 22:00, float 100.00, closed D 02:00,
 *   counted 320.00; bob (2) shift 2: D 09:00-17:00, float 50.00, counted
 *   358.00; bob shift 3: opened D+1 00:05, float 0, open.
 * Accounts: 1 building A billed meter 1, alarms 50/30/10; 2 building B
 *   card meter 2, old debt 5.00; 3 building A remote meter 3, alarms
 *   20/10/5.
 *  L0  last year 10:00  sale        +1234  acc 1  ann  no shift
 *  L1  D-1 23:00        sale       +10000  acc 1  ann  s1
 *  L2  D-1 23:30        fee          +500  acc 2  ann  s1
 *  L3  D   00:30        sale       +20000  acc 2  ann  s1
 *  L4  D   00:30        debt_rep    +2000  acc 2  ann  s1
 *  L5  D   01:00        reversal   -10000  acc 1  ann  s1  (of L1)
 *  L6  D   10:00        sale       +30000  acc 3  bob  s2
 *  L7  D   11:00        sale        +5000  acc 1  bob  s2
 *  L8  D   12:00        refund      -3000  acc 1  bob  s2
 *  L9  D   13:00        adjustment   +700  acc 3  bob  s2
 *  L10 D   14:00        reversal    -2000  acc 2  bob  s2  (of L4)
 *  L11 D+1 00:10        sale        +4000  acc 3  bob  s3
 * Billed usage of meter 1: 5.00 (D 02:00-03:00) and 10.00 (05:00-06:00).
 * Meter state: meter 2 balance 150.00 of 180.00 purchased; meter 3
 * balance -2.00 of 300.00 purchased. */
static int setup(void **state)
{
	(void)state;
	tdb_setup(&tdb, DB_OPEN_CREATE);
	sql("INSERT INTO settings VALUES ('site.name', 'Test Campus')");
	sql("INSERT INTO operators(id, login, name, pw_hash, created_at) VALUES "
	    "(1, 'ann', 'Ann', 'pbkdf2-sha256$1$x$y', 0), (2, 'bob', 'Bob', 'pbkdf2-sha256$1$x$y', 0)");
	sql("INSERT INTO tariffs(id, code, name, created_at) VALUES (1, 'T', 't', 0)");
	sql("INSERT INTO customers(id, name, created_at) VALUES (1, 'Cus One', 0), (2, 'Cus Two', 0), "
	    "(3, 'Cus Three', 0)");
	sql("INSERT INTO accounts(id, account_no, customer_id, building, room, opened_at, alarm1, "
	    "alarm2, alarm3, debt) VALUES (1, '1', 1, 'A', '101', 0, 5000, 3000, 1000, 0), "
	    "(2, '2', 2, 'B', '201', 0, 0, 0, 0, 500), (3, '3', 3, 'A', '102', 0, 2000, 1000, 500, 0)");
	sql("INSERT INTO meters(id, meter_no, account_id, tariff_id, mode, installed_at) VALUES "
	    "(1, '000000000001', 1, 1, 'billed', 0), (2, '000000000002', 2, 1, 'card', 0), "
	    "(3, '000000000003', 3, 1, 'remote', 0)");
	sql("INSERT INTO shifts(id, operator_id, opened_at, closed_at, opening_float, counted_cash) "
	    "VALUES (1, 1, %lld, %lld, 10000, 32000), (2, 2, %lld, %lld, 5000, 35800), "
	    "(3, 2, %lld, NULL, 0, NULL)",
	    (long long)T(-1, 22, 0), (long long)T(0, 2, 0), (long long)T(0, 9, 0),
	    (long long)T(0, 17, 0), (long long)T(1, 0, 5));
	ledger(100, LAST_YEAR_10H, "sale", 1, 1, 1234, 1, 0, 0);
	ledger(1, T(-1, 23, 0), "sale", 1, 1, 10000, 1, 1, 0);
	ledger(2, T(-1, 23, 30), "fee", 2, 0, 500, 1, 1, 0);
	ledger(3, T(0, 0, 30), "sale", 2, 2, 20000, 1, 1, 0);
	ledger(4, T(0, 0, 30), "debt_repayment", 2, 0, 2000, 1, 1, 0);
	ledger(5, T(0, 1, 0), "reversal", 1, 1, -10000, 1, 1, 1);
	ledger(6, T(0, 10, 0), "sale", 3, 3, 30000, 2, 2, 0);
	ledger(7, T(0, 11, 0), "sale", 1, 1, 5000, 2, 2, 0);
	ledger(8, T(0, 12, 0), "refund", 1, 1, -3000, 2, 2, 0);
	ledger(9, T(0, 13, 0), "adjustment", 3, 0, 700, 2, 2, 0);
	ledger(10, T(0, 14, 0), "reversal", 2, 0, -2000, 2, 2, 4);
	ledger(11, T(1, 0, 10), "sale", 3, 3, 4000, 2, 3, 0);
	sql("INSERT INTO billed_usage(meter_id, account_id, from_ts, to_ts, energy_from, energy_to, "
	    "wh, flat_wh, fen, tariff_id) VALUES (1, 1, %lld, %lld, 0, 1000, 1000, 1000, 500, 1), "
	    "(1, 1, %lld, %lld, 1000, 3000, 2000, 2000, 1000, 1)",
	    (long long)T(0, 2, 0), (long long)T(0, 3, 0), (long long)T(0, 5, 0),
	    (long long)T(0, 6, 0));
	sql("INSERT INTO meter_state(meter_id, updated_at, read_at, online, balance_fen, "
	    "purchased_fen) VALUES (2, %lld, %lld, 1, 15000, 18000), (3, %lld, %lld, 1, -200, 30000)",
	    (long long)T(0, 16, 0), (long long)T(0, 16, 0), (long long)T(0, 15, 0),
	    (long long)T(0, 15, 0));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tdb_teardown(&tdb);
	return 0;
}

static struct report_args day_args(int first_day, int days)
{
	struct report_args a;

	memset(&a, 0, sizeof(a));
	a.from = T(first_day, 0, 0);
	a.to = T(first_day + days, 0, 0);
	a.utc_offset_min = OFF;
	a.now = T(2, 0, 0);
	return a;
}

static int col(const struct rpt_table *t, const char *header)
{
	for (int c = 0; c < rpt_table_cols(t); c++)
		if (!strcmp(rpt_table_header(t, c), header))
			return c;
	fprintf(stderr, "no column %s\n", header);
	fail();
	return -1;
}

static void cell_is(const struct rpt_table *t, int r, const char *h, const char *want)
{
	const char *got = rpt_table_cell(t, r, col(t, h));

	if (strcmp(got, want)) {
		fprintf(stderr, "row %d %s: got \"%s\", want \"%s\"\n", r, h, got, want);
		fail();
	}
}

/* Asserts that row r of t holds, column by column, "header=value" pairs
 * separated by spaces (a word without '=' continues the value before:
 * "opened=2026-11-09 22:00"). */
static void row_is(const struct rpt_table *t, int r, const char *pairs)
{
	char buf[1024], h[64] = "", v[256] = "", *save = NULL;

	snprintf(buf, sizeof(buf), "%s", pairs);
	for (char *p = strtok_r(buf, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(p, '=');
		if (!eq) {
			strncat(v, " ", sizeof(v) - strlen(v) - 1);
			strncat(v, p, sizeof(v) - strlen(v) - 1);
			continue;
		}
		if (h[0])
			cell_is(t, r, h, v);
		*eq = 0;
		snprintf(h, sizeof(h), "%s", p);
		snprintf(v, sizeof(v), "%s", eq + 1);
	}
	if (h[0])
		cell_is(t, r, h, v);
}

static void run(const char *name, struct report_args *a, struct report_result *res)
{
	const struct report_def *d = report_find(name);

	assert_non_null(d);
	memset(res, 0, sizeof(*res));
	if (d->run(tdb.db, a, res)) {
		fprintf(stderr, "%s: %s\n", name, err_detail());
		fail();
	}
}

static void test_sales_of_a_local_day_leave_out_the_evening_before(void **state)
{
	struct report_args a = day_args(0, 1);
	struct report_result res;

	(void)state;
	run("sales", &a, &res);
	assert_int_equal(res.ntables, 2);
	assert_int_equal(rpt_table_rows(res.tables[0]), 1);
	/* L3..L10: sales 200+300+50, debt 20, refund -30, reversals -100-20,
	 * adjustment 7: net 427.00. L1 and L2 are the evening before (the
	 * same UTC date as L3), L11 the next local day. */
	row_is(res.tables[0], 0, "period=2026-11-10..2026-11-10 sales_n=3 sales=550.00 "
				 "debt_repaid=20.00 fees=0.00 refunds=-30.00 reversals=-120.00 "
				 "adjustments=7.00 net=427.00");
	row_is(res.tables[1], 0, "sales_n=3 sales=550.00 net=427.00");
	report_result_free(&res);
}

static void test_sales_by_operator_and_by_building(void **state)
{
	struct report_args a = day_args(0, 1);
	struct report_result res;

	(void)state;
	a.group = RPT_BY_OPERATOR;
	run("sales", &a, &res);
	assert_int_equal(rpt_table_rows(res.tables[0]), 2);
	/* ann: L3 L4 L5; bob: L6..L10. */
	row_is(res.tables[0], 0, "operator=ann sales_n=1 sales=200.00 debt_repaid=20.00 "
				 "reversals=-100.00 refunds=0.00 net=120.00");
	row_is(res.tables[0], 1, "operator=bob sales_n=2 sales=350.00 refunds=-30.00 "
				 "reversals=-20.00 adjustments=7.00 fees=0.00 net=307.00");
	report_result_free(&res);

	a.group = RPT_BY_BUILDING;
	run("sales", &a, &res);
	assert_int_equal(rpt_table_rows(res.tables[0]), 2);
	/* A: L5 L6 L7 L8 L9; B: L3 L4 L10. */
	row_is(res.tables[0], 0, "building=A sales_n=2 sales=350.00 refunds=-30.00 "
				 "reversals=-100.00 adjustments=7.00 net=227.00");
	row_is(res.tables[0], 1, "building=B sales_n=1 sales=200.00 debt_repaid=20.00 "
				 "reversals=-20.00 net=200.00");
	report_result_free(&res);

	a.group = RPT_BY_NONE;
	a.building = "B";
	run("sales", &a, &res);
	row_is(res.tables[1], 0, "net=200.00 debt_repaid=20.00");
	report_result_free(&res);

	/* Account 3: L6 L9; meter 1: L5 L7 L8. */
	a.building = NULL;
	a.account_no = "3";
	run("sales", &a, &res);
	row_is(res.tables[1], 0, "sales=300.00 adjustments=7.00 net=307.00");
	report_result_free(&res);
	a.account_no = NULL;
	a.meter_no = "000000000001";
	run("sales", &a, &res);
	row_is(res.tables[1], 0, "sales=50.00 refunds=-30.00 reversals=-100.00 net=-80.00");
	report_result_free(&res);

	/* Per meter: the adjustment and the reversal of a debt repayment are
	 * the account's, on no meter. */
	a.meter_no = NULL;
	a.group = RPT_BY_METER;
	run("sales", &a, &res);
	assert_int_equal(rpt_table_rows(res.tables[0]), 4);
	row_is(res.tables[0], 0, "meter= debt_repaid=20.00 adjustments=7.00 reversals=-20.00 "
				 "net=7.00");
	row_is(res.tables[0], 1, "meter=000000000001 net=-80.00");
	row_is(res.tables[0], 2, "meter=000000000002 net=200.00");
	row_is(res.tables[0], 3, "meter=000000000003 net=300.00");
	report_result_free(&res);
	a.group = RPT_BY_ACCOUNT;
	run("sales", &a, &res);
	assert_int_equal(rpt_table_rows(res.tables[0]), 3);
	row_is(res.tables[0], 0, "account=1 net=-80.00");
	row_is(res.tables[0], 1, "account=2 net=200.00");
	row_is(res.tables[0], 2, "account=3 net=307.00");
	report_result_free(&res);
}

static void test_sales_by_day_and_shift_across_midnight(void **state)
{
	struct report_args a = day_args(-1, 3);
	struct report_result res;

	(void)state;
	a.period = RPT_DAY;
	run("sales", &a, &res);
	assert_int_equal(rpt_table_rows(res.tables[0]), 3);
	row_is(res.tables[0], 0, "period=2026-11-09 sales_n=1 sales=100.00 fees=5.00 net=105.00");
	row_is(res.tables[0], 1, "period=2026-11-10 net=427.00");
	row_is(res.tables[0], 2, "period=2026-11-11 sales_n=1 sales=40.00 net=40.00");
	row_is(res.tables[1], 0, "sales_n=5 sales=690.00 fees=5.00 debt_repaid=20.00 "
				 "refunds=-30.00 reversals=-120.00 adjustments=7.00 net=572.00");
	report_result_free(&res);

	a.period = RPT_SPAN;
	a.group = RPT_BY_SHIFT;
	run("sales", &a, &res);
	assert_int_equal(rpt_table_rows(res.tables[0]), 3);
	/* Shift 1 spans midnight: L1..L5. */
	row_is(res.tables[0], 0, "shift=1 sales_n=2 sales=300.00 fees=5.00 debt_repaid=20.00 "
				 "reversals=-100.00 net=225.00");
	row_is(res.tables[0], 1, "shift=2 net=307.00");
	row_is(res.tables[0], 2, "shift=3 net=40.00");
	report_result_free(&res);

	a.group = RPT_BY_NONE;
	a.period = RPT_MONTH;
	run("sales", &a, &res);
	assert_int_equal(rpt_table_rows(res.tables[0]), 1);
	row_is(res.tables[0], 0, "period=2026-11 net=572.00");
	report_result_free(&res);
}

static void test_sales_year_over_year(void **state)
{
	struct report_args a = day_args(0, 1);
	struct report_result res;

	(void)state;
	a.period = RPT_DAY;
	a.yoy = 1;
	run("sales", &a, &res);
	/* L0 was on 2025-11-10. */
	row_is(res.tables[0], 0, "period=2026-11-10 net=427.00 net_last_year=12.34");
	row_is(res.tables[1], 0, "net=427.00 net_last_year=12.34");
	report_result_free(&res);
}

static void test_shift_reconciliation(void **state)
{
	struct report_args a = day_args(-1, 3);
	struct report_result res;

	(void)state;
	run("shift", &a, &res);
	assert_int_equal(rpt_table_rows(res.tables[0]), 3);
	/* Shift 1: in 100+5+200+20, out 100; expected 100 + 225 = 325 =
	 * float + in - out; counted 320: short 5. */
	row_is(res.tables[0], 0, "shift=1 operator=ann opened=2026-11-09 22:00 closed=2026-11-10 "
				 "02:00 float=100.00 cash_in=325.00 cash_out=100.00 expected=325.00 "
				 "counted=320.00 over_short=-5.00 sales_n=2 sales=300.00 "
				 "debt_repaid=20.00 fees=5.00 refunds=0.00 reversals=-100.00 "
				 "adjustments=0.00 pending=0");
	/* Shift 2: in 300+50+7, out 30+20; expected 50 + 307 = 357; +1. */
	row_is(res.tables[0], 1, "shift=2 operator=bob float=50.00 cash_in=357.00 cash_out=50.00 "
				 "expected=357.00 counted=358.00 over_short=1.00 refunds=-30.00 "
				 "adjustments=7.00 reversals=-20.00");
	row_is(res.tables[0], 2, "shift=3 closed=open float=0.00 cash_in=40.00 expected=40.00 "
				 "counted= over_short=");
	row_is(res.tables[1], 0, "shifts=3 float=150.00 cash_in=722.00 cash_out=150.00 "
				 "expected=722.00 counted=678.00 over_short=-4.00 pending=0");
	report_result_free(&res);

	a.shift_id = 2;
	run("shift", &a, &res);
	assert_int_equal(rpt_table_rows(res.tables[0]), 1);
	row_is(res.tables[0], 0, "shift=2 expected=357.00");
	report_result_free(&res);
}

static void test_zreport_is_the_printed_one(void **state)
{
	struct report_args a = day_args(0, 1);
	struct report_result res;
	const struct rpt_table *t;

	(void)state;
	a.shift_id = 1;
	run("zreport", &a, &res);
	t = res.tables[0];
	assert_string_equal(res.title, "Z-report of shift 1");
	/* The printed Z-report's labelled lines, in order. */
	static const char *const want[][3] = {
		{ "Shift", "1", "" }, { "Cashier", "Ann", "" },
		{ "Opened", "2026-11-09 22:00:00", "" }, { "Closed", "2026-11-10 02:00:00", "" },
		{ "Sales", "2", "" }, { "Sales amount", "", "300.00" },
		{ "Old debt repaid", "", "20.00" }, { "Fees", "", "5.00" },
		{ "Refunds", "", "0.00" }, { "Reversals", "", "-100.00" },
		{ "Opening float", "", "100.00" }, { "Cash expected", "", "325.00" },
		{ "Cash counted", "", "320.00" }, { "Short", "", "-5.00" },
	};
	assert_int_equal(rpt_table_rows(t), (int)(sizeof(want) / sizeof(want[0])));
	for (int r = 0; r < rpt_table_rows(t); r++)
		for (int c = 0; c < 3; c++)
			assert_string_equal(rpt_table_cell(t, r, c), want[r][c]);
	report_result_free(&res);
}

static void test_daily_close(void **state)
{
	struct report_args a = day_args(0, 1);
	struct report_result res;

	(void)state;
	run("daily-close", &a, &res);
	assert_int_equal(res.ntables, 3);
	row_is(res.tables[0], 0, "operator=ann net=120.00");
	row_is(res.tables[0], 1, "operator=bob net=307.00");
	/* Shift 1 closed on the day, shift 2 ran in it; shift 3 opened after. */
	assert_int_equal(rpt_table_rows(res.tables[1]), 2);
	row_is(res.tables[1], 0, "shift=1 over_short=-5.00");
	row_is(res.tables[1], 1, "shift=2 over_short=1.00");
	row_is(res.tables[2], 0, "sales_n=3 sales=550.00 net=427.00 over_short=-4.00 pending=0");
	report_result_free(&res);
}

static void test_balances(void **state)
{
	struct report_args a = day_args(0, 1);
	struct report_result res;
	int64_t bal;

	(void)state;
	run("balances", &a, &res);
	assert_int_equal(rpt_table_rows(res.tables[0]), 3);
	/* 1 (billed, the desk's): credits L0 L1 L5 L7 L8 = 12.34 + 100 - 100
	 * + 50 - 30 = 32.34, of them on D -100 + 50 - 30 = -80; used 15.00;
	 * remaining 17.34 = db_ledger_balance. */
	row_is(res.tables[0], 0, "account=1 basis=desk recharged=-80.00 recharged_total=32.34 "
				 "used=15.00 remaining=17.34 not_on_meter=");
	assert_int_equal(db_ledger_balance(tdb.db, 1, &bal), 0);
	assert_int_equal(bal, 1734);
	/* 2 (card): credit L3 only (a fee, a debt repayment and its reversal
	 * are not credit): 200; the meter has 150 of 180 purchased: used 30,
	 * 20 not yet on the meter. */
	row_is(res.tables[0], 1, "account=2 mode=card basis=meter recharged=200.00 "
				 "recharged_total=200.00 used=30.00 remaining=150.00 "
				 "not_on_meter=20.00 meter_read_at=2026-11-10 16:00");
	/* 3 (remote): L6 L9 L11 = 347, on D 307; meter -2 of 300: used 302. */
	row_is(res.tables[0], 2, "account=3 recharged=307.00 recharged_total=347.00 used=302.00 "
				 "remaining=-2.00 not_on_meter=47.00");
	row_is(res.tables[1], 0, "accounts=3 recharged=427.00 recharged_total=579.34 used=347.00 "
				 "remaining=165.34 not_on_meter=67.00 unread=0");
	report_result_free(&res);
}

static void test_arrears_and_low_balance(void **state)
{
	struct report_args a = day_args(0, 1);
	struct report_result res;

	(void)state;
	run("arrears", &a, &res);
	assert_int_equal(rpt_table_rows(res.tables[0]), 2);
	row_is(res.tables[0], 0, "account=2 balance=150.00 past_limit=no old_debt=5.00 owed=5.00");
	row_is(res.tables[0], 1, "account=3 balance=-2.00 past_limit=yes old_debt=0.00 owed=2.00");
	row_is(res.tables[1], 0, "accounts=2 balance=-2.00 old_debt=5.00 owed=7.00");
	report_result_free(&res);

	run("low-balance", &a, &res);
	assert_int_equal(rpt_table_rows(res.tables[0]), 2);
	/* 1: 17.34 is at or below 30 (level 2), above 10; 3: -2 is level 3
	 * and arrears; 2 has no alarm levels. */
	row_is(res.tables[0], 0, "account=1 balance=17.34 level=2 arrears=no");
	row_is(res.tables[0], 1, "account=3 balance=-2.00 level=3 arrears=yes");
	report_result_free(&res);
}

static void test_cashier_sees_own_money_only(void **state)
{
	struct session bob = { .db = NULL, .operator_id = 2, .login = "bob", .roles = ROLE_CASHIER };
	struct session tech = { .db = NULL, .operator_id = 3, .login = "t", .roles = ROLE_TECHNICIAN };
	struct session ann = { .db = NULL, .operator_id = 1, .login = "ann", .roles = ROLE_ADMIN };
	struct report_args a = day_args(0, 1);
	struct report_result res;

	(void)state;
	bob.db = tech.db = ann.db = tdb.db;
	assert_int_equal(report_run(&bob, report_find("sales"), &a, &res), 0);
	row_is(res.tables[1], 0, "net=307.00");
	report_result_free(&res);
	a = day_args(0, 1);
	a.shift_id = 1;
	assert_int_equal(report_run(&bob, report_find("zreport"), &a, &res), -SD_PERM);
	a = day_args(0, 1);
	assert_int_equal(report_run(&tech, report_find("balances"), &a, &res), -SD_PERM);
	assert_int_equal(report_run(&ann, report_find("sales"), &a, &res), 0);
	row_is(res.tables[1], 0, "net=427.00");
	report_result_free(&res);
	a.account_no = "99";
	assert_int_equal(report_run(&ann, report_find("balances"), &a, &res), -SD_NOT_FOUND);
	a = day_args(0, 1);
	a.to = a.from;
	assert_int_equal(report_run(&ann, report_find("sales"), &a, &res), -SD_USAGE);
}

static void test_cells_and_renderers(void **state)
{
	struct report_args a = day_args(-1, 3);
	struct report_result res;
	char buf[24], path[160], *text = NULL, head[4] = { 0 };
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_string_equal(rpt_money_cell(-5, buf, sizeof(buf)), "-0.05");
	assert_string_equal(rpt_money_cell(123456789, buf, sizeof(buf)), "1234567.89");
	assert_string_equal(rpt_energy_cell(12345, buf, sizeof(buf)), "12.345");
	assert_string_equal(rpt_energy_cell(-1, buf, sizeof(buf)), "-0.001");
	run("sales", &a, &res);
	/* CSV: BOM, header, CRLF; the tables one after the other. */
	f = open_memstream(&text, &len);
	assert_int_equal(report_render(&res, f, REPORT_FMT_CSV, RPT_WRITE_BOM, 0, OFF), 0);
	fclose(f);
	assert_memory_equal(text, "\xEF\xBB\xBFperiod,sales_n,sales,", 24);
	assert_non_null(strstr(text, "2026-11-09..2026-11-11,5,690.00,20.00,5.00,-30.00,-120.00,"
				     "7.00,572.00\r\n"));
	free(text);
	/* The aligned table groups thousands; text has title and span. */
	struct rpt_table *t = rpt_table_new(1, (const char *[]){ "amount" });
	rpt_table_set_kind(t, 0, RPT_KIND_MONEY);
	rpt_table_add(t, (const char *[]){ "-1234567.80" });
	f = open_memstream(&text, &len);
	rpt_table_print(t, f, RPT_TABLE);
	fclose(f);
	assert_string_equal(text, "       amount\n-1,234,567.80\n");
	free(text);
	rpt_table_free(t);
	f = open_memstream(&text, &len);
	assert_int_equal(report_render(&res, f, REPORT_FMT_TEXT, 0, 0, OFF), 0);
	fclose(f);
	assert_non_null(strstr(text, "Sales and income\n2026-11-09 to 2026-11-11 (site time UTC+08:00)"));
	free(text);
	/* XLSX: a zip file. */
	snprintf(path, sizeof(path), "%s/r.xlsx", tdb.dir);
	assert_int_equal(report_write_xlsx(&res, path), 0);
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fread(head, 1, 2, f), 2);
	fclose(f);
	assert_string_equal(head, "PK");
	report_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sales_of_a_local_day_leave_out_the_evening_before),
		cmocka_unit_test(test_sales_by_operator_and_by_building),
		cmocka_unit_test(test_sales_by_day_and_shift_across_midnight),
		cmocka_unit_test(test_sales_year_over_year),
		cmocka_unit_test(test_shift_reconciliation),
		cmocka_unit_test(test_zreport_is_the_printed_one),
		cmocka_unit_test(test_daily_close),
		cmocka_unit_test(test_balances),
		cmocka_unit_test(test_arrears_and_low_balance),
		cmocka_unit_test(test_cashier_sees_own_money_only),
		cmocka_unit_test(test_cells_and_renderers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
