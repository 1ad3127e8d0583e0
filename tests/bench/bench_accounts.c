/* Benchmark: importing and searching 10,000 accounts, and the cost of one
 * login. Prints the figures; asserts nothing (see docs/benchmarks.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "clock.h"
#include "db.h"
#include "err.h"
#include "operator.h"
#include "session.h"
#include "tariffs.h"

#define N_ACCOUNTS 10000

static int count_row(const struct account_rec *a, void *arg)
{
	(void)a;
	(*(int *)arg)++;
	return 0;
}

static void bad_row(int line, const char *why, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "line %d: %s\n", line, why);
}

int main(void)
{
	static const char *const queries[] = { "3", "30", "301", "3号楼", "张", "张伟",
					       "1380013", "2024000099", "00009999", "nomatch" };
	char dir[] = "/tmp/saledesk-bench.XXXXXX", path[128], csv[128], cmd[200];
	struct session sys, s;
	struct db *db;
	FILE *f;
	int64_t t0, worst = 0, total = 0;
	int i, q, imported, rc;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/b.db", dir);
	snprintf(csv, sizeof(csv), "%s/a.csv", dir);
	if (db_open(path, DB_OPEN_CREATE, &db))
		return 1;
	session_system(db, &sys);
	if (operator_add(&sys, "bench", "Bench", ROLE_ADMIN | ROLE_CASHIER, "bench-pass-1") ||
	    tariffs_add(&sys, "RES", "r", "flat 0.5880", 0))
		return 1;
	f = fopen(csv, "w");
	fprintf(f, "name,phone,building,floor,room,meters,tariff\n");
	for (i = 1; i <= N_ACCOUNTS; i++)
		fprintf(f, "%s%s%d,1380013%04d,%d号楼,%d,%d%02d,2024%08d,RES\n",
			i % 3 ? "张" : "李", i % 7 ? "伟" : "娜", i, i, i % 40 + 1, i % 6 + 1,
			i % 6 + 1, i % 30 + 1, i);
	fclose(f);

	t0 = clock_mono_ms();
	rc = session_login(db, "bench", "bench-pass-1", &s);
	printf("login (PBKDF2-SHA256, 600000 iterations): %lld ms\n",
	       (long long)(clock_mono_ms() - t0));
	if (rc)
		return 1;
	f = fopen(csv, "r");
	t0 = clock_mono_ms();
	rc = account_import(&s, f, bad_row, NULL, &imported);
	printf("import of %d accounts from CSV, one transaction: %lld ms\n", imported,
	       (long long)(clock_mono_ms() - t0));
	fclose(f);
	if (rc)
		return 1;
	for (q = 0; q < (int)(sizeof(queries) / sizeof(queries[0])); q++) {
		struct account_filter flt = { queries[q], NULL, NULL, 50 };
		int n = 0;
		int64_t us;
		struct timespec a, b;

		clock_gettime(CLOCK_MONOTONIC, &a);
		if (account_list(&s, &flt, count_row, &n))
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &b);
		us = (b.tv_sec - a.tv_sec) * 1000000 + (b.tv_nsec - a.tv_nsec) / 1000;
		total += us;
		if (us > worst)
			worst = us;
		printf("search \"%s\" over %d accounts (first 50 shown): %d rows, %.2f ms\n",
		       queries[q], N_ACCOUNTS, n, us / 1000.0);
	}
	printf("search: worst %.2f ms, mean %.2f ms per query (goal for the UI: 10 ms per keystroke)\n",
	       worst / 1000.0, total / 1000.0 / (double)(sizeof(queries) / sizeof(queries[0])));
	db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? 1 : 0;
}
