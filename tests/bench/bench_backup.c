/* Benchmark: the cost of the quick_check at start on a desk with 10,000
 * accounts and on a large database; a backup of the large database against
 * `cp` then `sync` of the same file (goal: at most 1.5 times); and the
 * longest a sale (db_begin, three ledger rows, an audit row, db_commit
 * with synchronous=FULL, in another process every 20 ms) waits while a
 * backup runs (goal: at most 100 ms), with the longest sales placed in the
 * backup's phases. SALEDESK_BENCH_BACKUP_MB sets the size (default 200);
 * SALEDESK_BENCH_KEEP=1 keeps the grown database, SALEDESK_BENCH_DB=PATH
 * reuses it. Prints the figures; asserts nothing (docs/benchmarks.md). */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "audit.h"
#include "backup.h"
#include "clock.h"
#include "db.h"
#include "err.h"
#include "operator.h"
#include "session.h"
#include "tariffs.h"

#define N_ACCOUNTS 10000

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t file_size(const char *p)
{
	struct stat sb;

	return stat(p, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

static void bad_row(int line, const char *why, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "line %d: %s\n", line, why);
}

/* The desk of bench_accounts: 10,000 accounts, imported. */
static int make_desk(const char *path, const char *csv)
{
	struct session sys;
	struct db *db;
	FILE *f;
	int i, n, rc;

	if (db_open(path, DB_OPEN_CREATE, &db))
		return -1;
	session_system(db, &sys);
	if (operator_add(&sys, "bench", "Bench", ROLE_ADMIN | ROLE_CASHIER, "bench-pass-1") ||
	    tariffs_add(&sys, "RES", "r", "flat 0.5880", 0))
		return -1;
	f = fopen(csv, "w");
	fprintf(f, "name,phone,building,floor,room,meters,tariff\n");
	for (i = 1; i <= N_ACCOUNTS; i++)
		fprintf(f, "%s%d,1380013%04d,%d号楼,%d,%d%02d,2024%08d,RES\n", i % 3 ? "张" : "李",
			i, i, i % 40 + 1, i % 6 + 1, i % 6 + 1, i % 30 + 1, i);
	fclose(f);
	f = fopen(csv, "r");
	rc = account_import(&sys, f, bad_row, NULL, &n);
	fclose(f);
	db_close(db);
	return rc;
}

static void time_open(const char *path, const char *what)
{
	int64_t best_chk = INT64_MAX, best_no = INT64_MAX;
	struct db *db;

	/* With the check forced, as at the first open of a file in an hour;
	 * then as within the hour (db/db.c keeps a stamp). */
	int rounds = file_size(path) > 100000000 ? 1 : 5;

	setenv("SALEDESK_QUICK_CHECK", "always", 1);
	for (int i = 0; i < rounds; i++) {
		int64_t t0 = now_us();
		if (db_open(path, 0, &db))
			return;
		int64_t t1 = now_us();
		db_close(db);
		if (t1 - t0 < best_chk)
			best_chk = t1 - t0;
		t0 = now_us();
		if (db_open(path, DB_OPEN_NO_CHECK, &db))
			return;
		t1 = now_us();
		db_close(db);
		if (t1 - t0 < best_no)
			best_no = t1 - t0;
	}
	unsetenv("SALEDESK_QUICK_CHECK");
	int64_t t0 = now_us();
	if (db_open(path, 0, &db))
		return;
	int64_t stamped = now_us() - t0;
	db_close(db);
	printf("open of %s (%.1f MB): %.2f ms with quick_check, %.2f ms "
	       "without (quick_check costs %.2f ms); %.2f ms when checked within the hour\n",
	       what, file_size(path) / 1e6, best_chk / 1000.0, best_no / 1000.0,
	       (best_chk - best_no) / 1000.0, stamped / 1000.0);
}

static int64_t file_size_wal(const char *p)
{
	char w[PATH_MAX + 8];

	snprintf(w, sizeof(w), "%s-wal", p);
	return file_size(w) > 0 ? file_size(w) : 0;
}

/* Appends ledger rows (about 200 bytes each with indexes) until the file
 * reaches mb megabytes. */
static int grow(const char *path, int64_t mb)
{
	struct db *db;
	char sql[600];

	if (db_open(path, 0, &db))
		return -1;
	while (file_size(path) + file_size_wal(path) < mb * 1000000 * 5 / 4) {
		snprintf(sql, sizeof(sql),
			 "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 100000) "
			 "INSERT INTO ledger(ts, kind, account_id, amount, energy_wh, operator_id, note) "
			 "SELECT 1790000000 + i, 'sale', 1 + i %% %d, 100 * (1 + i %% 500), i, 1, "
			 "printf('bench sale %%d, paid in cash at the counter, receipt %%08d', i, i) FROM c",
			 N_ACCOUNTS);
		if (db_begin(db) || db_exec(db, sql) || db_commit(db)) {
			fprintf(stderr, "grow: %s\n", err_detail());
			return -1;
		}
	}
	db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	db_close(db);
	return 0;
}

static volatile sig_atomic_t writer_stop;

static void on_term(int sig)
{
	(void)sig;
	writer_stop = 1;
}

#define WORST_KEPT 8

/* One sale's time: when it began (CLOCK_MONOTONIC, shared by both
 * processes, so the parent can place it in the backup's phases) and how
 * long it took from BEGIN IMMEDIATE to the end of COMMIT. */
struct sample {
	int64_t at_us, took_us;
};

/* Keeps the WORST_KEPT longest samples in w (sorted longest first). */
static void keep_worst(struct sample *w, struct sample s)
{
	int i = WORST_KEPT - 1;

	if (s.took_us <= w[i].took_us)
		return;
	while (i > 0 && w[i - 1].took_us < s.took_us) {
		w[i] = w[i - 1];
		i--;
	}
	w[i] = s;
}

/* The child: a sale every 20 ms in its own connection until SIGTERM.
 * A sale is what a counter sale writes: db_begin() (BEGIN IMMEDIATE with
 * the busy timeout and retries), three ledger rows, one audit row (the
 * hash chain reads its head), db_commit() with synchronous=FULL (an fsync
 * of the WAL). Writes "count worst_us mean_us errors" and then the
 * longest sales as "at_us took_us" lines to fd. */
static void writer(const char *path, int fd)
{
	struct sample worst[WORST_KEPT];
	struct session sys;
	struct db *db;
	int64_t total = 0, n = 0, errors = 0;
	char line[100];
	struct timespec gap = { 0, 20 * 1000000L };

	memset(worst, 0, sizeof(worst));
	signal(SIGTERM, on_term);
	if (db_open(path, DB_OPEN_NO_CHECK, &db))
		_exit(1);
	session_system(db, &sys);
	if (write(fd, "R", 1) != 1) /* ready */
		_exit(1);
	while (!writer_stop) {
		int64_t t0 = now_us(), dt;
		if (db_begin(db) ||
		    db_exec(db, "INSERT INTO ledger(ts, kind, account_id, amount, operator_id) VALUES "
				"(1800000000, 'sale', 1, 5000, 1), (1800000000, 'fee', 1, 100, 1), "
				"(1800000000, 'debt_repayment', 1, 300, 1)") ||
		    audit_log(&sys, "bench.sale", "account:1", "50.00 yuan") ||
		    db_commit(db)) {
			fprintf(stderr, "writer: %s\n", err_detail());
			db_rollback(db);
			errors++;
		}
		dt = now_us() - t0;
		keep_worst(worst, (struct sample){ t0, dt });
		total += dt;
		n++;
		nanosleep(&gap, NULL);
	}
	db_close(db);
	snprintf(line, sizeof(line), "%lld %lld %lld %lld\n", (long long)n,
		 (long long)worst[0].took_us, (long long)(n ? total / n : 0), (long long)errors);
	if (write(fd, line, strlen(line)) < 0)
		_exit(1);
	for (int i = 0; i < WORST_KEPT && worst[i].took_us; i++) {
		snprintf(line, sizeof(line), "%lld %lld\n", (long long)worst[i].at_us,
			 (long long)worst[i].took_us);
		if (write(fd, line, strlen(line)) < 0)
			_exit(1);
	}
	_exit(0);
}

struct wstats {
	long long n, worst, mean, errors;
	struct sample top[WORST_KEPT];
};

static pid_t start_writer(const char *path, int *rfd)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		writer(path, p[1]);
	}
	close(p[1]);
	*rfd = p[0];
	if (pid < 0 || read(p[0], &(char){ 0 }, 1) != 1) {
		fprintf(stderr, "the writer process did not start\n");
		exit(1);
	}
	return pid;
}

static void stop_writer(pid_t pid, int rfd, struct wstats *w)
{
	char buf[1000] = "";
	size_t got = 0;
	ssize_t r;
	FILE *f;

	/* never kill(-1): a writer that did not start has no pid */
	if (pid > 0)
		kill(pid, SIGTERM);
	while (got + 1 < sizeof(buf) && (r = read(rfd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)r;
	buf[got] = 0;
	close(rfd);
	waitpid(pid, NULL, 0);
	memset(w, 0, sizeof(*w));
	f = fmemopen(buf, got ? got : 1, "r");
	if (!f || fscanf(f, "%lld %lld %lld %lld", &w->n, &w->worst, &w->mean, &w->errors) != 4) {
		if (f)
			fclose(f);
		return;
	}
	for (int i = 0; i < WORST_KEPT; i++) {
		long long a, t;
		if (fscanf(f, "%lld %lld", &a, &t) != 2)
			break;
		w->top[i] = (struct sample){ a, t };
	}
	fclose(f);
}

/* Names the phase of the backup that the instant at_us fell in. */
static const char *phase_at(int64_t at_us, int64_t b0, const struct backup_result *r)
{
	int64_t ms = (at_us - b0) / 1000;

	if (ms < 0)
		return "before";
	if (ms < r->copy_ms)
		return "copy and facts";
	if (ms < r->copy_ms + r->hash_ms)
		return "SHA-256";
	if (ms < r->total_ms)
		return "fsync+rename+manifest";
	return "after";
}

/* Seconds of the best of runs of the shell command cmd (-1 if it fails). */
static double best_of(const char *cmd, int runs)
{
	double best = -1;

	for (int i = 0; i < runs; i++) {
		int64_t t0 = now_us();
		if (system(cmd))
			return -1;
		double s = (now_us() - t0) / 1e6;
		if (best < 0 || s < best)
			best = s;
	}
	return best;
}

int main(void)
{
	char dir[] = "/tmp/saledesk-bench.XXXXXX", path[PATH_MAX], csv[128], bdir[128],
	     cmd[PATH_MAX * 2];
	const char *env = getenv("SALEDESK_BENCH_BACKUP_MB");
	const char *reuse = getenv("SALEDESK_BENCH_DB");
	int64_t mb = env ? atoll(env) : 200, t0, size;
	double cp_s, cps_s;
	struct backup_opts o;
	struct backup_result r;
	struct session sys;
	struct wstats idle, busy;
	struct db *db;
	struct timespec two = { 2, 0 };
	int rfd;
	pid_t pid;

	if (!mkdtemp(dir))
		return 1;
	snprintf(csv, sizeof(csv), "%s/a.csv", dir);
	snprintf(bdir, sizeof(bdir), "%s/backups", dir);
	mkdir(bdir, 0700);
	if (reuse && *reuse && file_size(reuse) > 0) {
		/* SALEDESK_BENCH_DB: a database grown by an earlier run (kept
		 * with SALEDESK_BENCH_KEEP=1), so the 2 GB figures can be taken
		 * again without the minutes of growing it. */
		snprintf(path, sizeof(path), "%s", reuse);
		printf("reusing %s (%.0f MB)\n", path, file_size(path) / 1e6);
	} else {
		snprintf(path, sizeof(path), "%s/b.db", dir);
		if (make_desk(path, csv))
			return 1;
		time_open(path, "the 10,000-account desk of bench_accounts");
		t0 = now_us();
		if (grow(path, mb))
			return 1;
		printf("database grown to %.0f MB of ledger rows in %.1f s\n", file_size(path) / 1e6,
		       (now_us() - t0) / 1e6);
	}
	size = file_size(path);
	time_open(path, "the grown database");

	/* cp against the backup, both from a warm page cache (the backup
	 * reads the same cached file): `cp` alone leaves the copy in dirty
	 * memory, so the fair match for a backup (which fsyncs before it
	 * reports success) is `cp` then `sync FILE` (an fsync of the copy).
	 * Best of two: the disk's write-back makes single runs scatter. */
	snprintf(cmd, sizeof(cmd), "cat '%s' >/dev/null", path);
	if (system(cmd))
		return 1;
	snprintf(cmd, sizeof(cmd), "rm -f '%s/copy.db' && cp '%s' '%s/copy.db' && sync && "
				   "rm -f '%s/copy.db' && sync", dir, path, dir, dir);
	cp_s = best_of(cmd, 1); /* settle the disk; not a figure */
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/copy.db'; rm -f '%s/copy.db'; sync", path, dir, dir);
	cp_s = best_of(cmd, 2);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/copy.db' && sync '%s/copy.db'; rm -f '%s/copy.db'; "
				   "sync", path, dir, dir, dir);
	cps_s = best_of(cmd, 2);
	if (cp_s < 0 || cps_s < 0)
		return 1;

	/* A sale's wait with no backup running, for comparison. */
	pid = start_writer(path, &rfd);
	nanosleep(&two, NULL);
	stop_writer(pid, rfd, &idle);

	if (db_open(path, DB_OPEN_NO_CHECK, &db))
		return 1;
	session_system(db, &sys);
	memset(&o, 0, sizeof(o));
	o.dir = bdir;
	/* For tuning: SALEDESK_BENCH_STEP_PAGES and SALEDESK_BENCH_SLEEP_MS
	 * override the defaults of db_backup_copy(). */
	if (getenv("SALEDESK_BENCH_STEP_PAGES"))
		o.pages_per_step = atoi(getenv("SALEDESK_BENCH_STEP_PAGES"));
	if (getenv("SALEDESK_BENCH_SLEEP_MS"))
		o.sleep_ms = atoi(getenv("SALEDESK_BENCH_SLEEP_MS"));
	pid = start_writer(path, &rfd);
	nanosleep(&(struct timespec){ 0, 300000000L }, NULL);
	t0 = now_us();
	if (backup_run(&sys, &o, &r)) {
		fprintf(stderr, "backup: %s\n", err_detail());
		return 1;
	}
	int64_t b_us = now_us() - t0;
	nanosleep(&(struct timespec){ 0, 300000000L }, NULL);
	stop_writer(pid, rfd, &busy);
	db_close(db);

	printf("cp of the %.0f MB file: %.2f s; cp then sync of the copy: %.2f s (best of 2, "
	       "warm cache)\n", size / 1e6, cp_s, cps_s);
	if (r.file_copy)
		printf("saledesk backup of it: %.2f s (the WAL empty: the file copied and hashed in "
		       "one read %.2f s, with the manifest's facts read beside it in %.2f s; fsync, "
		       "rename, manifest %.2f s)\n",
		       b_us / 1e6, r.copy_ms / 1e3, r.facts_ms / 1e3,
		       (r.total_ms - r.copy_ms) / 1e3);
	else
		printf("saledesk backup of it: %.2f s (the WAL in use: online copy %.2f s in %d "
		       "steps, longest step %.1f ms, with the manifest's facts read beside it in "
		       "%.2f s; then SHA-256 %.2f s; fsync, rename, manifest %.2f s)\n",
		       b_us / 1e6, r.copy_ms / 1e3, r.st.steps, r.st.longest_step_us / 1000.0,
		       r.facts_ms / 1e3, r.hash_ms / 1e3,
		       (r.total_ms - r.copy_ms - r.hash_ms) / 1e3);
	printf("backup / (cp + sync): %.2f (goal: at most 1.5); backup / cp: %.2f; "
	       "online copy alone / (cp + sync): %.2f\n", b_us / 1e6 / cps_s, b_us / 1e6 / cp_s,
	       r.copy_ms / 1e3 / cps_s);
	printf("a sale (BEGIN IMMEDIATE, 3 ledger rows, an audit row, COMMIT with "
	       "synchronous=FULL) in another process every 20 ms: worst %.1f ms, mean %.1f ms over "
	       "%lld sales with no backup running (%lld failed)\n",
	       idle.worst / 1000.0, idle.mean / 1000.0, idle.n, idle.errors);
	printf("the same while the backup runs: worst %.1f ms, mean %.1f ms over %lld sales, "
	       "%lld failed (goal: worst at most 100 ms)\n",
	       busy.worst / 1000.0, busy.mean / 1000.0, busy.n, busy.errors);
	for (int i = 0; i < WORST_KEPT && busy.top[i].took_us; i++)
		printf("  %5.1f ms at %+7.2f s of the backup (%s)\n", busy.top[i].took_us / 1000.0,
		       (busy.top[i].at_us - t0) / 1e6, phase_at(busy.top[i].at_us, t0, &r));
	if (getenv("SALEDESK_BENCH_KEEP") && !reuse) {
		printf("kept %s (SALEDESK_BENCH_DB=%s to reuse it; delete it after)\n", path, path);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s/backups' '%s/a.csv'", dir, dir);
	} else {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	}
	return system(cmd) ? 1 : 0;
}
