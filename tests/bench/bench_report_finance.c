/* Benchmark: the finance reports on the S2 site (5,407 meters, one per
 * account, a mix of billed, remote and card) with a year of sales — two a
 * month per account, a refund every fiftieth — built straight in SQL.
 * Times the yearly income report (by month and by year) and the balances
 * of every account: wall and CPU time of the report alone (issue 9 asks
 * for at most 1 s). Prints the figures; asserts nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "clock.h"
#include "db.h"
#include "err.h"
#include "report.h"

#define N_ACCOUNTS 5407
#define SALES_PER_ACCOUNT 24
#define YEAR_FROM INT64_C(1764518400) /* 2025-12-01 00:00 +08:00 */
#define YEAR_TO INT64_C(1796054400)   /* 2026-12-01 00:00 +08:00 */

static const char build[] =
	"INSERT INTO operators(id, login, name, pw_hash, created_at) "
	"  VALUES (1, 'b', 'B', 'pbkdf2-sha256$1$x$y', 0);"
	"INSERT INTO tariffs(id, code, name, created_at) VALUES (1, 'T', 't', 0);"
	"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5407) "
	"INSERT INTO customers(id, name, created_at) SELECT i, 'c' || i, 0 FROM n;"
	"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5407) "
	"INSERT INTO accounts(id, account_no, customer_id, building, room, opened_at, alarm1) "
	"  SELECT i, printf('%08d', i), i, 'B' || (i % 40), i, 0, 2000 FROM n;"
	"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5407) "
	"INSERT INTO meters(id, meter_no, account_id, tariff_id, mode, installed_at) "
	"  SELECT i, printf('%012d', i), i, 1, CASE i % 3 WHEN 0 THEN 'billed' WHEN 1 THEN "
	"  'remote' ELSE 'card' END, 0 FROM n;"
	"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5407 * 24) "
	"INSERT INTO ledger(ts, kind, account_id, meter_id, amount, operator_id) "
	"  SELECT 1764518400 + (i * 7919) % 31536000, CASE WHEN i % 50 = 0 THEN 'refund' "
	"  ELSE 'sale' END, 1 + i % 5407, 1 + i % 5407, CASE WHEN i % 50 = 0 THEN -1000 "
	"  ELSE 5000 + i % 300 END, 1 FROM n;"
	"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5407) "
	"INSERT INTO meter_state(meter_id, updated_at, read_at, balance_fen, purchased_fen) "
	"  SELECT i, 1796000000, 1796000000, 3000, 100000 FROM n WHERE i % 3 <> 0;";

static void time_report(struct db *db, const char *name, enum report_period p,
			enum report_group g)
{
	struct report_args a = { .from = YEAR_FROM, .to = YEAR_TO, .utc_offset_min = 480,
				 .period = p, .group = g, .now = YEAR_TO };
	struct report_result res = { 0 };
	int64_t t0 = clock_mono_ms();
	clock_t c0 = clock();
	int rows = 0, rc = report_find(name)->run(db, &a, &res);

	for (int i = 0; i < res.ntables; i++)
		rows += rpt_table_rows(res.tables[i]);
	printf("report %-9s by %-5s per %-8s %6d rows  %5lld ms wall  %5.0f ms CPU%s\n", name,
	       report_period_name(p), report_group_name(g), rows, (long long)(clock_mono_ms() - t0),
	       (double)(clock() - c0) * 1000.0 / CLOCKS_PER_SEC, rc ? "  FAILED" : "");
	report_result_free(&res);
}

int main(void)
{
	char dir[] = "/tmp/saledesk-bench.XXXXXX", path[128], cmd[200];
	struct db *db;
	struct stat st;
	int64_t t0;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/b.db", dir);
	if (db_open(path, DB_OPEN_CREATE, &db))
		return 1;
	t0 = clock_mono_ms();
	if (db_exec(db, build)) {
		fprintf(stderr, "building the site failed: %s\n", err_detail());
		return 1;
	}
	printf("%d accounts, %d ledger rows built in %lld ms\n", N_ACCOUNTS,
	       N_ACCOUNTS * SALES_PER_ACCOUNT, (long long)(clock_mono_ms() - t0));
	time_report(db, "sales", RPT_YEAR, RPT_BY_NONE);
	time_report(db, "sales", RPT_MONTH, RPT_BY_NONE);
	time_report(db, "sales", RPT_MONTH, RPT_BY_BUILDING);
	time_report(db, "sales", RPT_DAY, RPT_BY_OPERATOR);
	time_report(db, "balances", RPT_SPAN, RPT_BY_NONE);
	time_report(db, "arrears", RPT_SPAN, RPT_BY_NONE);
	db_close(db);
	if (!stat(path, &st))
		printf("database with a year of sales: %.1f MB\n", (double)st.st_size / 1e6);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? 1 : 0;
}
