/* Benchmark (issue 9 section 4): the S2 site — 5,407 meters, a year of
 * readings at the service's 15-minute history interval with the hourly
 * and daily rollups the poller keeps, monthly freezes, and a year of
 * sales — then the monthly TOU energy report and the yearly income report,
 * and the database size per meter-year. Prints figures; asserts nothing
 * (docs/benchmarks.md). BENCH_HISTORY_METERS=N writes the 15-minute
 * history of only the first N meters (the rollups, which the reports
 * read, are always written for all): a quick run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "db_int.h"
#include "err.h"
#include "report.h"
#include "tariff.h"

#define N_METERS 5407
#define N_BUILDINGS 38
#define OFF 480
/* 2025-01-01 00:00 at the site (UTC+8) and the year after. */
#define Y0 INT64_C(1735660800)
#define DAYS 365
#define Y1 (Y0 + DAYS * INT64_C(86400))
/* The price change: 2025-06-16 00:00 local. */
#define CHANGE (Y0 + INT64_C(166) * 86400)
/* June 2025 (local), the month the report is timed on. */
#define JUN1 (Y0 + INT64_C(151) * 86400)
#define JUL1 (Y0 + INT64_C(181) * 86400)
#define SALES_PER_ACCOUNT_MONTH 2

static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench_reports: %s: %s %s\n", what, err_str(rc), err_detail());
	exit(1);
}

static void sql(struct db *db, const char *s)
{
	int rc = db_exec(db, s);

	if (rc)
		die(s, rc);
}

static sqlite3_stmt *prep(struct db *db, const char *s)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db->conn, s, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", s, sqlite3_errmsg(db->conn));
		exit(1);
	}
	return st;
}

static void step(struct db *db, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE) {
		fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db->conn));
		exit(1);
	}
	sqlite3_reset(st);
}

static void binds(sqlite3_stmt *st, int n, const int64_t *v)
{
	for (int i = 0; i < n; i++)
		sqlite3_bind_int64(st, i + 1, v[i]);
}

/* The site: tariffs, one customer and account per meter, 38 buildings. */
static void gen_site(struct db *db)
{
	char s[1024];
	sqlite3_stmt *acc, *met;

	sql(db, "INSERT INTO operators(login, name, pw_hash, created_at) VALUES "
		"('bench', 'Bench', 'pbkdf2-sha256$1$x$y', 0)");
	snprintf(s, sizeof(s),
		 "INSERT INTO tariffs(code, name, created_at) VALUES ('RES', 'Residential', 0);"
		 "INSERT INTO tariff_versions(tariff_id, effective_from, kind, spec, created_at) "
		 "VALUES (1, 0, 'tou', 'tou sharp=1.2000 peak=0.9000 flat=0.6000 valley=0.3000 "
		 "purchase=0.6000 segments=06:00-08:00:flat,08:00-10:00:peak,10:00-11:00:sharp,"
		 "11:00-18:00:flat,18:00-22:00:peak,22:00-06:00:valley', 0),"
		 "(1, %lld, 'tou', 'tou sharp=1.3000 peak=0.9500 flat=0.6200 valley=0.3100 "
		 "purchase=0.6200 segments=06:00-08:00:flat,08:00-10:00:peak,10:00-11:00:sharp,"
		 "11:00-18:00:flat,18:00-22:00:peak,22:00-06:00:valley', 0);"
		 "INSERT INTO customers(name, created_at) VALUES ('Bench customer', 0);",
		 (long long)CHANGE);
	sql(db, s);
	acc = prep(db, "INSERT INTO accounts(id, account_no, customer_id, building, floor, room, "
		       "opened_at) VALUES (?, ?, 1, ?, ?, ?, 0)");
	met = prep(db, "INSERT INTO meters(id, meter_no, account_id, tariff_id, mode, installed_at) "
		       "VALUES (?, ?, ?, 1, 'remote', 0)");
	for (int i = 1; i <= N_METERS; i++) {
		char no[16], bld[16], room[16];

		snprintf(no, sizeof(no), "%d", 20250000 + i);
		snprintf(bld, sizeof(bld), "B%02d", i % N_BUILDINGS + 1);
		snprintf(room, sizeof(room), "%d", 100 + i % 150);
		sqlite3_bind_int64(acc, 1, i);
		sqlite3_bind_text(acc, 2, no, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(acc, 3, bld, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(acc, 4, i % 30 + 1);
		sqlite3_bind_text(acc, 5, room, -1, SQLITE_TRANSIENT);
		step(db, acc);
		snprintf(no, sizeof(no), "%012d", 100000 + i);
		sqlite3_bind_int64(met, 1, i);
		sqlite3_bind_text(met, 2, no, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(met, 3, i);
		step(db, met);
	}
	sqlite3_finalize(acc);
	sqlite3_finalize(met);
}

/* A household's use in a quarter hour: low at night, peaks morning and
 * evening, a meter-sized factor and noise. */
static int64_t quarter_wh(int meter, int64_t ts)
{
	static const int shape[24] = { 3, 2, 2, 2, 2, 3, 6, 9, 8, 6, 5, 6,
				       7, 6, 5, 5, 6, 9, 12, 13, 12, 10, 7, 4 };
	int h = (int)(((ts + OFF * 60) % 86400) / 3600);

	return (int64_t)shape[h] * (10 + meter % 13) + rnd() % 40;
}

/* Readings, rollups and freezes meter by meter, in key order. */
static void gen_readings(struct db *db, int hist_meters, int64_t *n_hist, int64_t *n_hour)
{
	sqlite3_stmt *hi = prep(db, "INSERT INTO meter_history(meter_id, ts, energy_wh, balance_fen, "
				    "power_w, voltage_dv, flags) VALUES (?, ?, ?, ?, ?, ?, 0)");
	sqlite3_stmt *ho = prep(db, "INSERT INTO energy_hourly(meter_id, hour_ts, wh) VALUES (?, ?, ?)");
	sqlite3_stmt *da = prep(db, "INSERT INTO energy_daily(meter_id, day_ts, wh) VALUES (?, ?, ?)");
	sqlite3_stmt *fz = prep(db, "INSERT INTO meter_freezes(meter_id, freeze_at, energy_wh, sharp_wh, "
				    "peak_wh, flat_wh, valley_wh, md_w, balance_fen, read_at, reading_wh) "
				    "VALUES (?, ?, ?, 0, 0, ?, 0, ?, 0, ?, ?)");

	for (int m = 1; m <= N_METERS; m++) {
		int64_t reg = 1000000 + (int64_t)m * 1000, hour = 0, day = 0, md = 0, ts;
		int64_t month_start = Y0;

		for (ts = Y0; ts < Y1; ts += 900) {
			int64_t q = quarter_wh(m, ts);
			int64_t end = ts + 900;

			reg += q;
			hour += q;
			day += q;
			if (q * 4 > md)
				md = q * 4;
			if (m <= hist_meters) {
				int64_t v[6] = { m, end, reg, 50000 - (end - Y0) / 900, q * 4,
						 2200 + rnd() % 40 };
				binds(hi, 6, v);
				step(db, hi);
				(*n_hist)++;
			}
			/* The rollups book a reading's energy to the hour and
			 * day of the reading; a quarter ending on the hour
			 * belongs to the hour it closes. */
			if (end % 3600 == 0) {
				int64_t v[3] = { m, end - 3600, hour };
				binds(ho, 3, v);
				step(db, ho);
				(*n_hour)++;
				hour = 0;
			}
			if ((end + OFF * 60) % 86400 == 0) {
				int64_t v[3] = { m, end - 86400, day };
				binds(da, 3, v);
				step(db, da);
				day = 0;
			}
			if (end == tariff_next_month_start(month_start, OFF)) {
				int64_t v[7] = { m, end, reg, reg, md, end + 60, reg };
				binds(fz, 7, v);
				step(db, fz);
				month_start = end;
				md = 0;
			}
		}
		if (m % 500 == 0) {
			sql(db, "COMMIT; BEGIN");
			fprintf(stderr, "  %d meters\r", m);
		}
	}
	sqlite3_finalize(hi);
	sqlite3_finalize(ho);
	sqlite3_finalize(da);
	sqlite3_finalize(fz);
}

/* A year of sales: SALES_PER_ACCOUNT_MONTH remote sales per account and
 * month, one shift a day, every 97th sale reversed. */
static int64_t gen_sales(struct db *db)
{
	sqlite3_stmt *sh = prep(db, "INSERT INTO shifts(id, operator_id, opened_at, closed_at, "
				    "opening_float, counted_cash) VALUES (?, 1, ?, ?, 0, 0)");
	sqlite3_stmt *le = prep(db, "INSERT INTO ledger(id, ts, kind, account_id, meter_id, amount, "
				    "energy_wh, purchase_seq, operator_id, shift_id, reverses) "
				    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)");
	sqlite3_stmt *sa = prep(db, "INSERT INTO sales(status, mode, account_id, meter_id, purchase_seq, "
				    "amount, debt_paid, credited, energy_wh, tendered, operator_id, "
				    "shift_id, created_at, settled_at, ledger_id) VALUES ('complete', "
				    "'remote', ?, ?, ?, ?, 0, ?, ?, ?, 1, ?, ?, ?, ?)");
	int64_t lid = 0, n = 0;

	for (int d = 0; d < DAYS; d++) {
		int64_t v[3] = { d + 1, Y0 + d * 86400 + 8 * 3600, Y0 + d * 86400 + 18 * 3600 };
		binds(sh, 3, v);
		step(db, sh);
	}
	for (int m = 1; m <= N_METERS; m++)
		for (int k = 0; k < 12 * SALES_PER_ACCOUNT_MONTH; k++) {
			int d = (int)((k * DAYS) / (12 * SALES_PER_ACCOUNT_MONTH) + m % 14);
			int64_t ts = Y0 + (int64_t)(d % DAYS) * 86400 + 8 * 3600 + rnd() % 36000;
			int64_t amount = 5000 + (rnd() % 20) * 1000, sale_id;

			lid++;
			sqlite3_bind_int64(le, 1, lid);
			sqlite3_bind_int64(le, 2, ts);
			sqlite3_bind_text(le, 3, "sale", -1, SQLITE_STATIC);
			sqlite3_bind_int64(le, 4, m);
			sqlite3_bind_int64(le, 5, m);
			sqlite3_bind_int64(le, 6, amount);
			sqlite3_bind_int64(le, 7, amount * 10000 / 6000);
			sqlite3_bind_int64(le, 8, k + 1);
			sqlite3_bind_int64(le, 9, d % DAYS + 1);
			sqlite3_bind_null(le, 10);
			step(db, le);
			{
				int64_t v[11] = { m, m, k + 1, amount, amount, amount * 10000 / 6000,
						  amount, d % DAYS + 1, ts, ts, lid };
				binds(sa, 11, v);
				step(db, sa);
			}
			sale_id = lid;
			n++;
			if (n % 97 == 0) {
				lid++;
				sqlite3_bind_int64(le, 1, lid);
				sqlite3_bind_int64(le, 2, ts + 60);
				sqlite3_bind_text(le, 3, "reversal", -1, SQLITE_STATIC);
				sqlite3_bind_int64(le, 6, -amount);
				sqlite3_bind_int64(le, 7, -(amount * 10000 / 6000));
				sqlite3_bind_null(le, 8);
				sqlite3_bind_int64(le, 10, sale_id);
				step(db, le);
			}
		}
	sqlite3_finalize(sh);
	sqlite3_finalize(le);
	sqlite3_finalize(sa);
	return n;
}

/* CPU milliseconds of this process so far: the machine may be shared, so
 * the figures give CPU time beside the wall clock. */
static int64_t cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

static int64_t last_cpu;

/* Runs report name once; returns its wall milliseconds (CPU in last_cpu). */
static int64_t run_report(struct db *db, const char *name, const struct report_args *a, int *rows)
{
	int64_t c0 = cpu_ms();
	const struct report_def *d = report_find(name);
	struct report_result res;
	int64_t t0, ms;
	int rc;

	if (!d)
		return -1;
	t0 = clock_mono_ms();
	rc = d->run(db, a, &res);
	ms = clock_mono_ms() - t0;
	last_cpu = cpu_ms() - c0;
	if (rc)
		die(name, rc);
	*rows = res.ntables ? rpt_table_rows(res.tables[0]) : 0;
	report_result_free(&res);
	return ms;
}

int main(void)
{
	char dir[] = "/tmp/saledesk-bench-reports.XXXXXX", path[128], cmd[200];
	const char *env = getenv("BENCH_HISTORY_METERS"), *keep = getenv("BENCH_DB");
	int hist_meters = env ? atoi(env) : N_METERS, rows;
	int64_t t0, n_hist = 0, n_hour = 0, n_sales = 0, ms, best, best_cpu = 0;
	struct report_args a;
	struct stat sb;
	struct db *db;
	int rc;

	if (hist_meters > N_METERS || hist_meters < 0)
		hist_meters = N_METERS;
	if (!mkdtemp(dir))
		return 1;
	/* BENCH_DB=path keeps the generated database there (and reuses it
	 * when it exists) for working on the reports. */
	snprintf(path, sizeof(path), "%s/s2.db", keep ? keep : dir);
	if (keep && !stat(path, &sb))
		goto reports;
	if ((rc = db_open(path, DB_OPEN_CREATE, &db)))
		die("open", rc);
	/* Generation only: no journal, no sync; the reports run afterwards. */
	sql(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -200000");
	t0 = clock_mono_ms();
	sql(db, "BEGIN");
	gen_site(db);
	gen_readings(db, hist_meters, &n_hist, &n_hour);
	n_sales = gen_sales(db);
	sql(db, "COMMIT");
	printf("generated S2: %d meters, %lld history rows (15 min, %d meters), %lld hourly rows, "
	       "%lld sales in %.1f s\n", N_METERS, (long long)n_hist, hist_meters, (long long)n_hour,
	       (long long)n_sales, (clock_mono_ms() - t0) / 1000.0);
	db_close(db);
reports:
	/* The reports on a fresh connection, as the desk would open it (a
	 * database from before migration 9 is upgraded here). */
	t0 = clock_mono_ms();
	if ((rc = db_open(path, DB_OPEN_NO_CHECK, &db)))
		die("reopen", rc);
	printf("opened (migrations if any) in %.1f s\n", (clock_mono_ms() - t0) / 1000.0);
	if (stat(path, &sb))
		return 1;
	printf("database: %.1f MiB, %.1f KiB per meter-year\n", sb.st_size / 1048576.0,
	       sb.st_size / 1024.0 / N_METERS);
	{
		sqlite3_stmt *st = prep(db, "SELECT name, sum(pgsize) FROM dbstat GROUP BY name "
					    "ORDER BY 2 DESC LIMIT 8");
		while (sqlite3_step(st) == SQLITE_ROW)
			printf("  %-28s %9.1f MiB, %6.1f KiB per meter-year\n",
			       (const char *)sqlite3_column_text(st, 0),
			       sqlite3_column_int64(st, 1) / 1048576.0,
			       sqlite3_column_int64(st, 1) / 1024.0 / N_METERS);
		sqlite3_finalize(st);
	}
	if (db_int(db, &n_sales, "SELECT count(*) FROM sales", ""))
		die("count", -SD_DB);
	memset(&a, 0, sizeof(a));
	a.utc_offset_min = OFF;
	a.from = JUN1;
	a.to = JUL1;
	a.period = RPT_MONTH;
	for (int g = 0; g < 3; g++) {
		static const enum report_group gs[] = { RPT_BY_METER, RPT_BY_BUILDING, RPT_BY_SITE };
		static const char *const gn[] = { "meter", "building", "site" };

		a.group = gs[g];
		best = INT64_MAX;
		for (int i = 0; i < 3; i++) {
			ms = run_report(db, "energy", &a, &rows);
			if (ms < best) {
				best = ms;
				best_cpu = last_cpu;
			}
		}
		printf("energy, June (TOU, price change on the 16th), by %s: %d rows, best of 3 "
		       "%lld ms wall, %lld ms CPU (goal 1000 ms)\n", gn[g], rows, (long long)best,
		       (long long)best_cpu);
	}
	a.from = Y0;
	a.to = Y1;
	a.group = RPT_BY_SITE;
	ms = run_report(db, "energy", &a, &rows);
	printf("energy, the year by month, site: %d rows, %lld ms wall, %lld ms CPU\n", rows,
	       (long long)ms, (long long)last_cpu);
	a.group = RPT_BY_NONE;
	a.period = RPT_YEAR;
	if (!report_find("sales")) {
		printf("sales (yearly income): not built yet in this tree\n");
	} else {
		const struct report_def *d = report_find("sales");

		if (!(d->periods & (1u << RPT_YEAR)))
			a.period = RPT_SPAN;
		best = INT64_MAX;
		for (int i = 0; i < 3; i++) {
			ms = run_report(db, "sales", &a, &rows);
			if (ms < best) {
				best = ms;
				best_cpu = last_cpu;
			}
		}
		printf("sales, the year (%lld sales): %d rows, best of 3 %lld ms wall, %lld ms CPU "
		       "(goal 1000 ms)\n", (long long)n_sales, rows, (long long)best,
		       (long long)best_cpu);
	}
	t0 = clock_mono_ms();
	best_cpu = cpu_ms();
	rc = report_export_daily(db, JUN1 + 15 * 86400, OFF, dir, cmd, sizeof(cmd));
	if (rc)
		die("export", rc);
	printf("daily export (%d meters): %lld ms wall, %lld ms CPU\n", N_METERS,
	       (long long)(clock_mono_ms() - t0), (long long)(cpu_ms() - best_cpu));
	db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? 1 : 0;
}
