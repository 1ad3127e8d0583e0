/* The energy and meter reports (issue 9) on a known history: hourly
 * energy across local midnight TOU segments and across a tariff change,
 * a tiered tariff whose month began before the span, two buildings, a
 * month a year before, freezes, demand, offline meters, alarms and the
 * daily export. Every figure is compared with a hand-computed answer. */
#include "helpers.h"

#include "db_int.h"
#include "err.h"
#include "report.h"

#define OFF 480
/* 2026-01-01 00:00 at the site (UTC+8). */
#define JAN1 INT64_C(1767196800)
/* Local day d (1-based) of January 2026 at hour h and minute mi. */
#define L(d, h, mi) (JAN1 + ((int64_t)(d) - 1) * 86400 + (h) * 3600 + (mi) * 60)
#define FEB1 L(32, 0, 0)
/* 2025-01-01 00:00 at the site. */
#define JAN1_25 (JAN1 - INT64_C(365) * 86400)

static void exec(struct db *db, const char *fmt, ...)
{
	char sql[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	if (db_exec(db, sql))
		fail_msg("%s: %s", sql, err_detail());
}

static void hour(struct db *db, int meter, int64_t ts, int64_t wh)
{
	exec(db, "INSERT INTO energy_hourly(meter_id, hour_ts, wh) VALUES (%d, %lld, %lld)", meter,
	     (long long)ts, (long long)wh);
}

static void history(struct db *db, int meter, int64_t ts, int64_t wh, int64_t power)
{
	exec(db, "INSERT INTO meter_history(meter_id, ts, energy_wh, balance_fen, power_w, "
		 "voltage_dv, flags) VALUES (%d, %lld, %lld, 0, %lld, 2200, 0)",
	     meter, (long long)ts, (long long)wh, (long long)power);
}

/* Tariff TOU: peak 08-22 at 1.00, valley 22-08 at 0.50 until 15 January
 * 2026 00:00 local, then 1.20 and 0.40. Tariff TIER: 0.50 flat, +0.50 over
 * 3 kWh a month. Meters 1 and 2 (TOU) in building A, meter 3 (TIER) in B. */
static void setup_site(struct tdb *t)
{
	tdb_setup(t, DB_OPEN_CREATE);
	exec(t->db,
	     "INSERT INTO operators(login, name, pw_hash, created_at) VALUES "
	     "  ('ann', 'Ann', 'pbkdf2-sha256$1$x$y', 0);"
	     "INSERT INTO tariffs(code, name, created_at) VALUES ('TOU', 't', 0), ('TIER', 'r', 0);"
	     "INSERT INTO tariff_versions(tariff_id, effective_from, kind, spec, created_at) VALUES "
	     "  (1, 0, 'tou', 'tou peak=1.0000 valley=0.5000 purchase=0.8000 "
	     "segments=08:00-22:00:peak,22:00-08:00:valley', 0),"
	     "  (1, %lld, 'tou', 'tou peak=1.2000 valley=0.4000 purchase=0.8000 "
	     "segments=08:00-22:00:peak,22:00-08:00:valley', 0),"
	     "  (2, 0, 'tiered', 'flat 0.5000 tiers=0-3kWh:+0.0000,3kWh-:+0.5000', 0);"
	     "INSERT INTO customers(name, created_at) VALUES ('c', 0);"
	     "INSERT INTO accounts(account_no, customer_id, building, opened_at) VALUES "
	     "  ('1001', 1, 'A', 0), ('1002', 1, 'A', 0), ('1003', 1, 'B', 0);"
	     "INSERT INTO meters(meter_no, account_id, tariff_id, mode, installed_at) VALUES "
	     "  ('000000000001', 1, 1, 'remote', 0), ('000000000002', 2, 1, 'remote', 0),"
	     "  ('000000000003', 3, 2, 'billed', 0);",
	     (long long)L(15, 0, 0));
	/* Meter 1: 2 kWh peak at 21:00 on the 14th (1.00), 1 + 3 kWh valley
	 * at 22:00 and 23:00 (0.50), 1 kWh valley at 00:00 on the 15th
	 * under the new version (0.40) and 1.5 kWh peak at 08:00 (1.20). */
	hour(t->db, 1, L(14, 21, 0), 2000);
	hour(t->db, 1, L(14, 22, 0), 1000);
	hour(t->db, 1, L(14, 23, 0), 3000);
	hour(t->db, 1, L(15, 0, 0), 1000);
	hour(t->db, 1, L(15, 8, 0), 1500);
	/* Outside January 2026: the last hour of 2025 and the first of February. */
	hour(t->db, 1, L(0, 23, 0), 700);
	hour(t->db, 1, FEB1, 900);
	/* Meter 2: 4 kWh at noon on the 14th and 15th, 333 Wh at 13:00. */
	hour(t->db, 2, L(14, 12, 0), 4000);
	hour(t->db, 2, L(15, 12, 0), 4000);
	hour(t->db, 2, L(15, 13, 0), 333);
	/* 4 Wh in each of three peak hours of the 16th: 0.48 fen an hour,
	 * priced together as 12 Wh = 1.44 fen, so 1 fen (not 3 x 0). */
	hour(t->db, 2, L(16, 12, 0), 4);
	hour(t->db, 2, L(16, 14, 0), 4);
	hour(t->db, 2, L(16, 17, 0), 4);
	/* Meter 3 (tiers): 0.5 kWh on the 2nd, before the span of the daily
	 * report, then 2 kWh at 10:00 and 11:00 on the 14th. */
	hour(t->db, 3, L(2, 10, 0), 500);
	hour(t->db, 3, L(14, 10, 0), 2000);
	hour(t->db, 3, L(14, 11, 0), 2000);
	/* A year before: meter 1 5 kWh peak, meter 2 10 kWh peak (1.00). */
	hour(t->db, 1, JAN1_25 + 19 * 86400 + 12 * 3600, 5000);
	hour(t->db, 2, JAN1_25 + 4 * 86400 + 10 * 3600, 10000);
}

/* Row r of table i of res as TSV ("a\tb\t..."); r = -1 is the header. */
static void assert_row(const struct report_result *res, int i, int r, const char *want)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int n = -1;

	assert_non_null(f);
	assert_true(i < res->ntables);
	rpt_table_print(res->tables[i], f, RPT_TSV);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line && n < r; line = strtok_r(NULL, "\n", &save))
		n++;
	if (!line || n != r)
		fail_msg("table %d has no row %d", i, r);
	assert_string_equal(line, want);
	free(buf);
}

static void run(struct db *db, const char *name, const struct report_args *a,
		struct report_result *res)
{
	const struct report_def *d = report_find(name);

	assert_non_null(d);
	if (d->run(db, a, res))
		fail_msg("report %s: %s", name, err_detail());
}

static void test_energy_by_day_and_building(void **state)
{
	struct report_result res;
	struct report_args a;
	struct tdb t;

	(void)state;
	setup_site(&t);
	memset(&a, 0, sizeof(a));
	a.from = L(10, 0, 0);
	a.to = L(20, 0, 0);
	a.utc_offset_min = OFF;
	a.period = RPT_DAY;
	a.group = RPT_BY_BUILDING;
	run(t.db, "energy", &a, &res);
	assert_int_equal(res.ntables, 2);
	assert_row(&res, 0, -1, "Period\tBuilding\tkWh\tSharp kWh\tPeak kWh\tFlat kWh\tValley kWh\t"
				"Charges yuan");
	assert_int_equal(rpt_table_rows(res.tables[0]), 4);
	/* A: meter 1 2.00 + 0.50 + 1.50, meter 2 4.00. B: 2 kWh at 0.50 with
	 * 0.5 kWh already used this month, then 0.5 at 0.50 and 1.5 at 1.00. */
	assert_row(&res, 0, 0, "2026-01-14\tA\t10.000\t0.000\t6.000\t0.000\t4.000\t8.00");
	assert_row(&res, 0, 1, "2026-01-14\tB\t4.000\t0.000\t0.000\t4.000\t0.000\t2.75");
	/* The new version: 0.40 + 1.80 for meter 1, 4.80 + 0.3996 for meter 2. */
	assert_row(&res, 0, 2, "2026-01-15\tA\t6.833\t0.000\t5.833\t0.000\t1.000\t7.40");
	assert_row(&res, 0, 3, "2026-01-16\tA\t0.012\t0.000\t0.012\t0.000\t0.000\t0.01");
	assert_int_equal(rpt_table_rows(res.tables[1]), 4);
	assert_row(&res, 1, 0, "2026-01-14\t14.000\t0.000\t6.000\t4.000\t4.000\t10.75");
	assert_row(&res, 1, 1, "2026-01-15\t6.833\t0.000\t5.833\t0.000\t1.000\t7.40");
	assert_row(&res, 1, 2, "2026-01-16\t0.012\t0.000\t0.012\t0.000\t0.000\t0.01");
	assert_row(&res, 1, 3, "Total\t20.845\t0.000\t11.845\t4.000\t5.000\t18.16");
	report_result_free(&res);

	/* One building, one row for the span. */
	a.period = RPT_SPAN;
	a.group = RPT_BY_ACCOUNT;
	a.building = "A";
	run(t.db, "energy", &a, &res);
	assert_int_equal(rpt_table_rows(res.tables[0]), 2);
	assert_row(&res, 0, 0, "2026-01-10..2026-01-19\t1001\t8.500\t0.000\t3.500\t0.000\t5.000\t6.20");
	assert_row(&res, 0, 1, "2026-01-10..2026-01-19\t1002\t8.345\t0.000\t8.345\t0.000\t0.000\t9.21");
	assert_row(&res, 1, 1, "Total\t16.845\t0.000\t11.845\t0.000\t5.000\t15.41");
	report_result_free(&res);
	tdb_teardown(&t);
}

static void test_energy_month_with_year_before(void **state)
{
	struct report_result res;
	struct report_args a;
	struct tdb t;

	(void)state;
	setup_site(&t);
	memset(&a, 0, sizeof(a));
	a.from = JAN1;
	a.to = FEB1;
	a.utc_offset_min = OFF;
	a.period = RPT_MONTH;
	a.group = RPT_BY_METER;
	a.yoy = 1;
	run(t.db, "energy", &a, &res);
	assert_row(&res, 0, -1, "Period\tMeter\tkWh\tSharp kWh\tPeak kWh\tFlat kWh\tValley kWh\t"
				"Charges yuan\tYear before kWh\tYear before yuan\tChange %");
	assert_int_equal(rpt_table_rows(res.tables[0]), 3);
	assert_row(&res, 0, 0, "2026-01\t000000000001\t8.500\t0.000\t3.500\t0.000\t5.000\t6.20\t"
			       "5.000\t5.00\t70.0");
	assert_row(&res, 0, 1, "2026-01\t000000000002\t8.345\t0.000\t8.345\t0.000\t0.000\t9.21\t"
			       "10.000\t10.00\t-16.6");
	/* 0.25 + 1.00 + 1.75 with the tier block crossed on the 14th. */
	assert_row(&res, 0, 2, "2026-01\t000000000003\t4.500\t0.000\t0.000\t4.500\t0.000\t3.00\t"
			       "0.000\t0.00\t");
	assert_row(&res, 1, 0, "2026-01\t21.345\t0.000\t11.845\t4.500\t5.000\t18.41\t15.000\t15.00\t"
			       "42.3");
	assert_row(&res, 1, 1, "Total\t21.345\t0.000\t11.845\t4.500\t5.000\t18.41\t15.000\t15.00\t"
			       "42.3");
	report_result_free(&res);

	/* The site by year: 2025 holds only the comparison's hours and the
	 * last hour of the year (0.7 kWh valley at 0.50). */
	a.from = JAN1_25;
	a.to = L(32 + 28, 0, 0); /* 1 March 2026 */
	a.period = RPT_YEAR;
	a.group = RPT_BY_SITE;
	a.yoy = 0;
	run(t.db, "energy", &a, &res);
	assert_row(&res, 0, -1, "Period\tkWh\tSharp kWh\tPeak kWh\tFlat kWh\tValley kWh\tCharges yuan");
	assert_int_equal(rpt_table_rows(res.tables[0]), 2);
	assert_row(&res, 0, 0, "2025\t15.700\t0.000\t15.000\t0.000\t0.700\t15.35");
	/* February: 0.9 kWh valley at 0.40. */
	assert_row(&res, 0, 1, "2026\t22.245\t0.000\t11.845\t4.500\t5.900\t18.77");
	report_result_free(&res);
	tdb_teardown(&t);
}

static void add_freezes_and_state(struct db *db)
{
	exec(db, "INSERT INTO meter_freezes(meter_id, freeze_at, energy_wh, sharp_wh, peak_wh, "
		 "flat_wh, valley_wh, md_w, balance_fen, read_at, reading_wh) VALUES "
		 "(1, %lld, 100000, 0, 40000, 0, 60000, 3000, 0, %lld, 99950),"
		 "(1, %lld, 108500, 0, 43500, 0, 65000, 4200, 0, %lld, 108400),"
		 "(2, %lld, 50000, 0, 50000, 0, 0, 2000, 0, %lld, NULL),"
		 "(2, %lld, 58333, 0, 58333, 0, 0, 5100, 0, %lld, 58400),"
		 "(3, %lld, 4500, 0, 0, 4500, 0, 1500, 0, %lld, 4500)",
	     (long long)JAN1, (long long)JAN1 + 60, (long long)FEB1, (long long)FEB1 + 60,
	     (long long)JAN1, (long long)JAN1 + 60, (long long)FEB1, (long long)FEB1 + 60,
	     (long long)FEB1, (long long)FEB1 + 60);
	history(db, 1, L(13, 23, 45), 105000, 1200);
	history(db, 1, L(14, 21, 15), 107000, 3900);
	history(db, 1, L(14, 23, 45), 111000, 3000);
	history(db, 1, L(15, 8, 30), 112500, 4500);
	history(db, 3, L(13, 20, 0), 3000, 0);
	history(db, 3, L(14, 11, 45), 7000, 0);
	exec(db, "INSERT INTO energy_daily(meter_id, day_ts, wh) VALUES (1, %lld, 6000), "
		 "(3, %lld, 4000), (1, %lld, 2500)",
	     (long long)L(14, 0, 0), (long long)L(14, 0, 0), (long long)L(15, 0, 0));
	exec(db, "INSERT INTO meter_state(meter_id, updated_at, read_at, online, misses, last_error) "
		 "VALUES (1, %lld, %lld, 1, 0, ''), (2, %lld, %lld, 0, 5, 'timeout')",
	     (long long)L(15, 12, 0), (long long)L(15, 12, 0), (long long)L(15, 11, 0),
	     (long long)L(15, 9, 0));
	exec(db, "INSERT INTO events(kind, meter_id, detail, raised_at, cleared_at, acked_at, acked_by) "
		 "VALUES ('low_balance_1', 1, 'below 30.00', %lld, %lld, %lld, 1),"
		 "('meter_offline', 2, '5 polls missed: timeout', %lld, NULL, NULL, NULL),"
		 "('low_balance_1', 3, 'below 30.00', %lld, NULL, %lld, 1),"
		 "('clock_drift', 1, 'drift 400 s', %lld, NULL, NULL, NULL)",
	     (long long)L(14, 8, 0), (long long)L(14, 9, 0), (long long)L(14, 8, 30),
	     (long long)L(15, 10, 0), (long long)L(16, 10, 0), (long long)L(17, 9, 0),
	     (long long)L(-11, 0, 0));
}

static void test_freeze_demand_offline_alarms(void **state)
{
	struct report_result res;
	struct report_args a;
	struct tdb t;

	(void)state;
	setup_site(&t);
	add_freezes_and_state(t.db);
	memset(&a, 0, sizeof(a));
	a.utc_offset_min = OFF;
	a.from = L(15, 0, 0);
	a.to = L(32 + 14, 0, 0);
	run(t.db, "freeze", &a, &res);
	assert_int_equal(rpt_table_rows(res.tables[0]), 3);
	assert_row(&res, 0, 0, "000000000001\t1001\t2026-01-01 00:00\t2026-02-01 00:00\t100.000\t"
			       "108.500\t8.500\t0.000\t3.500\t0.000\t5.000\t4.200\t108.400\tok");
	assert_row(&res, 0, 1, "000000000002\t1002\t2026-01-01 00:00\t2026-02-01 00:00\t50.000\t"
			       "58.333\t8.333\t0.000\t8.333\t0.000\t0.000\t5.100\t58.400\t"
			       "MISMATCH: desk read 0.067 kWh more");
	assert_row(&res, 0, 2, "000000000003\t1003\t\t2026-02-01 00:00\t\t4.500\t\t\t\t\t\t1.500\t"
			       "4.500\tno earlier freeze");
	assert_row(&res, 1, 0, "3\t16.833\t0.000\t11.833\t0.000\t5.000\t2");
	report_result_free(&res);

	a.from = JAN1;
	a.to = FEB1;
	run(t.db, "demand", &a, &res);
	assert_int_equal(rpt_table_rows(res.tables[0]), 3);
	assert_row(&res, 0, 0, "2026-01\t000000000001\t1001\t4.200\t4.500\t2026-01-15 08:30\t4.500");
	assert_row(&res, 0, 1, "2026-01\t000000000002\t1002\t5.100\t\t\t5.100");
	assert_row(&res, 0, 2, "2026-01\t000000000003\t1003\t1.500\t0.000\t2026-01-13 20:00\t1.500");
	report_result_free(&res);

	a.now = L(15, 12, 0);
	run(t.db, "offline", &a, &res);
	assert_int_equal(rpt_table_rows(res.tables[0]), 2);
	assert_row(&res, 0, 0, "000000000002\t1002\tA\t2026-01-15 09:00\t2026-01-15 10:00\t2.0\t5\t"
			       "timeout");
	assert_row(&res, 0, 1, "000000000003\t1003\tB\tnever\t\t\t0\t");
	report_result_free(&res);

	a.now = L(16, 12, 0);
	run(t.db, "alarms", &a, &res);
	assert_int_equal(rpt_table_rows(res.tables[0]), 3);
	assert_row(&res, 0, 0, "2026-01-14 08:00\tlow_balance_1\t000000000001\t\t1001\tbelow 30.00\t"
			       "2026-01-14 09:00\t2026-01-14 08:30\tann");
	assert_row(&res, 0, 1, "2026-01-15 10:00\tmeter_offline\t000000000002\t\t1002\t"
			       "5 polls missed: timeout\t\t\t");
	/* Acknowledged on the 17th: not yet on the 16th. */
	assert_row(&res, 0, 2, "2026-01-16 10:00\tlow_balance_1\t000000000003\t\t1003\tbelow 30.00\t"
			       "\t\t");
	assert_int_equal(rpt_table_rows(res.tables[1]), 2);
	assert_row(&res, 1, 0, "low_balance_1\t2\t1\t1\t1");
	assert_row(&res, 1, 1, "meter_offline\t1\t0\t0\t1");
	report_result_free(&res);
	tdb_teardown(&t);
}

static void test_daily_export(void **state)
{
	char path[256], buf[1024], want[1024];
	struct tdb t;
	FILE *f;
	size_t n;

	(void)state;
	setup_site(&t);
	add_freezes_and_state(t.db);
	assert_int_equal(report_export_daily(t.db, L(14, 0, 0), OFF, t.dir, path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/energy-20260114.csv", t.dir);
	assert_string_equal(path, want);
	assert_non_null(f = fopen(path, "r"));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Meter 2 was never read: no row. */
	assert_string_equal(buf,
		"date,meter_no,account_no,start_kwh,end_kwh,kwh,sharp_kwh,peak_kwh,flat_kwh,valley_kwh\r\n"
		"2026-01-14,000000000001,1001,105.000,111.000,6.000,0.000,2.000,0.000,4.000\r\n"
		"2026-01-14,000000000003,1003,3.000,7.000,4.000,0.000,0.000,4.000,0.000\r\n");
	/* Not at local midnight: refused, nothing written. */
	assert_int_equal(report_export_daily(t.db, L(14, 1, 0), OFF, t.dir, path, sizeof(path)),
			 -SD_INVAL);
	/* An unwritable folder leaves no file. */
	assert_int_equal(report_export_daily(t.db, L(15, 0, 0), OFF, "/nonexistent-dir", path,
					     sizeof(path)), -SD_IO);
	tdb_teardown(&t);
}

/* A TOU segment that starts at 07:30: the hour 07:00-08:00 is half peak,
 * half valley, split by time; the two such hours price as one class. */
static void test_segment_inside_an_hour(void **state)
{
	struct report_result res;
	struct report_args a;
	struct tdb t;

	(void)state;
	tdb_setup(&t, DB_OPEN_CREATE);
	exec(t.db,
	     "INSERT INTO tariffs(code, name, created_at) VALUES ('H', 'h', 0);"
	     "INSERT INTO tariff_versions(tariff_id, effective_from, kind, spec, created_at) VALUES "
	     "  (1, 0, 'tou', 'tou peak=1.0000 valley=0.5000 purchase=0.8000 "
	     "segments=07:30-22:00:peak,22:00-07:30:valley', 0);"
	     "INSERT INTO meters(meter_no, tariff_id, mode, installed_at) VALUES ('7', 1, 'remote', 0);");
	hour(t.db, 1, L(3, 7, 0), 1000);
	hour(t.db, 1, L(4, 7, 0), 1001);
	hour(t.db, 1, L(4, 8, 0), 500);
	memset(&a, 0, sizeof(a));
	a.from = JAN1;
	a.to = FEB1;
	a.utc_offset_min = OFF;
	a.period = RPT_MONTH;
	a.group = RPT_BY_ACCOUNT;
	run(t.db, "energy", &a, &res);
	/* 2001 Wh at 0.75 = 150.075 fen; the odd Wh goes to peak (listed
	 * first on a tie); 500 Wh at 1.00. A meter without account. */
	assert_row(&res, 0, 0, "2026-01\t(none)\t2.501\t0.000\t1.501\t0.000\t1.000\t2.00");
	report_result_free(&res);
	tdb_teardown(&t);
}

/* energy_day_hours follows energy_hourly through the poller's upsert
 * (db_poll_rollup adds to an hour) and a delete, hour by hour. */
static void test_day_hours_follow_the_hourly_rollup(void **state)
{
	struct tdb t;
	int64_t v = -1;
	const char *same =
		"WITH RECURSIVE s(value) AS (SELECT 0 UNION ALL SELECT value + 1 FROM s "
		"WHERE value < 23) SELECT count(*) FROM (SELECT meter_id, hour_ts / 86400 AS d, hour_ts % 86400 / 3600 "
		"AS k, wh FROM energy_hourly EXCEPT SELECT meter_id, d, k, wh FROM (SELECT meter_id, "
		"day_ts / 86400 AS d, value AS k, CASE value WHEN 0 THEN h0 WHEN 1 THEN h1 WHEN 2 "
		"THEN h2 WHEN 3 THEN h3 WHEN 4 THEN h4 WHEN 5 THEN h5 WHEN 6 THEN h6 WHEN 7 THEN h7 "
		"WHEN 8 THEN h8 WHEN 9 THEN h9 WHEN 10 THEN h10 WHEN 11 THEN h11 WHEN 12 THEN h12 "
		"WHEN 13 THEN h13 WHEN 14 THEN h14 WHEN 15 THEN h15 WHEN 16 THEN h16 WHEN 17 THEN h17 "
		"WHEN 18 THEN h18 WHEN 19 THEN h19 WHEN 20 THEN h20 WHEN 21 THEN h21 WHEN 22 THEN h22 "
		"ELSE h23 END AS wh FROM energy_day_hours, s))";

	(void)state;
	setup_site(&t);
	exec(t.db, "INSERT INTO energy_hourly(meter_id, hour_ts, wh) VALUES (1, %lld, 250) "
		   "ON CONFLICT(meter_id, hour_ts) DO UPDATE SET wh = wh + excluded.wh",
	     (long long)L(14, 21, 0));
	exec(t.db, "DELETE FROM energy_hourly WHERE meter_id = 2 AND hour_ts = %lld",
	     (long long)L(15, 13, 0));
	/* 14 January 21:00 local is 13:00 UTC: column h13 of the UTC day. */
	assert_int_equal(db_int(t.db, &v, "SELECT h13 FROM energy_day_hours WHERE meter_id = 1 "
				"AND day_ts = ?", "i", L(14, 21, 0) - L(14, 21, 0) % 86400), 0);
	assert_int_equal(v, 2250);
	assert_int_equal(db_int(t.db, &v, "SELECT sum(wh) FROM energy_hourly", ""), 0);
	assert_int_equal(db_int(t.db, &v, "SELECT sum(h0+h1+h2+h3+h4+h5+h6+h7+h8+h9+h10+h11+h12+"
				"h13+h14+h15+h16+h17+h18+h19+h20+h21+h22+h23) - ? FROM "
				"energy_day_hours", "i", v), 0);
	assert_int_equal(v, 0);
	v = -1;
	if (db_int(t.db, &v, same, ""))
		fail_msg("%s", err_detail());
	assert_int_equal(v, 0);
	tdb_teardown(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_energy_by_day_and_building),
		cmocka_unit_test(test_energy_month_with_year_before),
		cmocka_unit_test(test_freeze_demand_offline_alarms),
		cmocka_unit_test(test_daily_export),
		cmocka_unit_test(test_day_hours_follow_the_hourly_rollup),
		cmocka_unit_test(test_segment_inside_an_hour),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
