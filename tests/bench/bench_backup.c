/* Benchmark: the cost of the quick_check at start on a desk with 10,000
 * accounts and on a large database; a backup of the large database against
 * `cp` then `sync` of the same file (goal: at most 1.5 times); and the
 * longest a sale (db_begin, three ledger rows, an audit row, db_commit
 * with synchronous=FULL, in another process every 20 ms) waits while a
 * backup runs (goal: at most 100 ms), with the longest sales placed in the
 * backup's phases. Five rounds of `cp` and backup, after the disk idled,
 * straight after another copy (see IDLE_S), and with the WAL held in use
 * by a reader for the whole backup or its first second;
 * the ratios compare medians and bests. SALEDESK_BENCH_BACKUP_MB sets
 * the size (default 2048, the issue's 2 GB), SALEDESK_BENCH_ROUNDS the
 * rounds (1-9, default 5); SALEDESK_BENCH_KEEP=1 keeps the grown
 * database, SALEDESK_BENCH_DB=PATH reuses it. Prints the figures; asserts nothing (docs/benchmarks.md). */
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
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

/* Seconds the shell command cmd took (-1 if it failed). */
static double timed(const char *cmd)
{
	int64_t t0 = now_us();

	return system(cmd) ? -1 : (now_us() - t0) / 1e6;
}

/* The disk left idle before a copy. This machine's disk is thin (ext4
 * mounted with `discard`): blocks freed a moment ago are written three to
 * four times as fast as space the host has had time to reclaim, so a copy
 * that follows another one at once is not comparable with one that does
 * not. Each round times `cp` and a backup under the same condition (conds
 * in main): each after IDLE_S idle (a backup at night, or at a cashier's
 * request), each straight after the one before (a disk with every block
 * ready, as a plain SSD has), and after IDLE_S idle with a reader in the
 * way of the checkpoint. */
#define IDLE_S 5
#define STR_(x) #x
#define STR(x) STR_(x)

/* One `cp` + `sync` and one backup of the same file under one condition. */
struct pair {
	double cp_s, cps_s, b_s;
	int64_t t0;              /* when the backup started (now_us) */
	struct backup_result r;
	struct wstats busy;
};

/* Ends the read transaction of the reader (a struct db *) after a second,
 * as a report ends. */
static void *end_reader_later(void *arg)
{
	sleep(1);
	db_exec(arg, "COMMIT");
	return NULL;
}

/* After idle_s idle, `cp` + `sync` of path into bdir; after idle_s more, a
 * backup of it while a writer sells; both removed after. With held, a
 * reader keeps a snapshot from before the writer's first sale, so the WAL
 * cannot be emptied: for the whole backup (held 1), which then takes
 * SQLite's online copy, or for its first second (held 2). 0 or -1 (the
 * reason printed). */
static int run_pair(const struct session *sys, const char *path, const char *bdir,
		    const struct backup_opts *o, int idle_s, int held, struct pair *pr)
{
	char cmd[PATH_MAX * 3];
	struct db *reader = NULL;
	pthread_t ender;
	double sync_s;
	int rfd;
	pid_t pid;

	memset(pr, 0, sizeof(*pr));
	sleep((unsigned)idle_s);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/copy.db'", path, bdir);
	pr->cp_s = timed(cmd);
	snprintf(cmd, sizeof(cmd), "sync '%s/copy.db'", bdir);
	sync_s = timed(cmd);
	snprintf(cmd, sizeof(cmd), "rm -f '%s/copy.db' && sync", bdir);
	if (pr->cp_s < 0 || sync_s < 0 || system(cmd)) {
		fprintf(stderr, "cp of %s failed\n", path);
		return -1;
	}
	pr->cps_s = pr->cp_s + sync_s;
	sleep((unsigned)idle_s);
	if (held && (db_open(path, DB_OPEN_READONLY | DB_OPEN_NO_MIGRATE | DB_OPEN_NO_CHECK,
			     &reader) ||
		     db_exec(reader, "BEGIN") ||
		     db_exec(reader, "SELECT count(*) FROM sqlite_schema"))) {
		fprintf(stderr, "reader: %s\n", err_detail());
		return -1;
	}
	pid = start_writer(path, &rfd);
	nanosleep(&(struct timespec){ 0, 300000000L }, NULL);
	pr->t0 = now_us();
	if (held == 2 && pthread_create(&ender, NULL, end_reader_later, reader) != 0) {
		fprintf(stderr, "cannot start a thread\n");
		stop_writer(pid, rfd, &pr->busy);
		db_close(reader);
		return -1;
	}
	if (backup_run(sys, o, &pr->r)) {
		fprintf(stderr, "backup: %s\n", err_detail());
		stop_writer(pid, rfd, &pr->busy);
		if (held == 2)
			pthread_join(ender, NULL);
		db_close(reader);
		return -1;
	}
	pr->b_s = (now_us() - pr->t0) / 1e6;
	if (held == 2)
		pthread_join(ender, NULL);
	db_close(reader);
	nanosleep(&(struct timespec){ 0, 300000000L }, NULL);
	stop_writer(pid, rfd, &pr->busy);
	snprintf(cmd, sizeof(cmd), "rm -f '%s'/* && sync", bdir);
	return system(cmd) ? -1 : 0;
}

/* Prints pair pr of round n under condition what. */
static void print_pair(int n, const char *what, const struct pair *pr)
{
	printf("round %d, %s: cp %.2f s, cp + sync %.2f s; backup %.2f s (%s %.2f s, facts "
	       "beside it %.2f s%s); backup / (cp + sync) %.2f; a sale's worst wait %.1f ms, "
	       "mean %.1f ms over %lld sales, %lld failed\n",
	       n, what, pr->cp_s, pr->cps_s, pr->b_s,
	       pr->r.file_copy ? "the WAL empty: file copied and hashed in one read"
			       : "the WAL in use: online copy",
	       pr->r.copy_ms / 1e3, pr->r.facts_ms / 1e3, pr->r.file_copy ? "" : ", then SHA-256",
	       pr->b_s / pr->cps_s, pr->busy.worst / 1000.0, pr->busy.mean / 1000.0, pr->busy.n,
	       pr->busy.errors);
	if (!pr->r.file_copy)
		printf("  online copy in %d steps, longest step %.1f ms; SHA-256 %.2f s\n",
		       pr->r.st.steps, pr->r.st.longest_step_us / 1000.0, pr->r.hash_ms / 1e3);
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of the n values in v (sorts v). */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), by_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(void)
{
	char dir[] = "/tmp/saledesk-bench.XXXXXX", path[PATH_MAX], csv[128], bdir[128],
	     cmd[PATH_MAX * 2];
	const char *env = getenv("SALEDESK_BENCH_BACKUP_MB");
	const char *reuse = getenv("SALEDESK_BENCH_DB");
	const char *nr = getenv("SALEDESK_BENCH_ROUNDS");
	int64_t mb = env ? atoll(env) : 2048, t0, size;
	int nrounds = nr && atoi(nr) > 0 && atoi(nr) <= 9 ? atoi(nr) : 5, i, c;
	static const struct {
		const char *what;
		int idle_s, held;
	} conds[] = {
		{ "each after " STR(IDLE_S) " s idle", IDLE_S, 0 },
		{ "each straight after the one before", 0, 0 },
		{ "each after " STR(IDLE_S) " s idle, a reader holding an old snapshot", IDLE_S, 1 },
		{ "each after " STR(IDLE_S) " s idle, a reader holding one for 1 s", IDLE_S, 2 },
	};
	enum { NCOND = sizeof(conds) / sizeof(conds[0]) };
	static struct pair pairs[NCOND][9];
	struct pair *w = &pairs[0][0];
	struct backup_opts o;
	struct session sys;
	struct wstats idle;
	struct db *db;
	struct timespec two = { 2, 0 };
	int rfd;
	pid_t pid;

	if (!mkdtemp(dir))
		return 1;
	snprintf(csv, sizeof(csv), "%s/a.csv", dir);
	snprintf(bdir, sizeof(bdir), "%s/backups", dir);
	mkdir(bdir, 0700);
	/* The database, a `cp` of it and a backup of it are on the disk at
	 * once; say so before minutes of growing rather than fail at the end. */
	struct statvfs vfs;
	int64_t need = (reuse && *reuse ? 2 : 3) * mb * 1024 * 1024 + ((int64_t)512 << 20);
	if (statvfs(dir, &vfs) == 0 && (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize < need) {
		fprintf(stderr, "bench_backup: %s has %lld MB free; a %lld MB database needs about "
				"%lld MB (SALEDESK_BENCH_BACKUP_MB sets the size)\n", dir,
			(long long)((int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize >> 20), (long long)mb,
			(long long)(need >> 20));
		rmdir(bdir);
		rmdir(dir);
		return 1;
	}
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

	/* Both copies read the file from a warm page cache (the backup reads
	 * the same cached file). `cp` alone leaves its copy in dirty memory,
	 * so the fair match for a backup (which fsyncs before it reports
	 * success) is `cp` then `sync FILE`. */
	snprintf(cmd, sizeof(cmd), "cat '%s' >/dev/null", path);
	if (system(cmd))
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
	printf("the %.0f MB file, %d rounds; a sale (BEGIN IMMEDIATE, 3 ledger rows, an audit "
	       "row, COMMIT with synchronous=FULL) runs in another process every 20 ms while "
	       "each backup runs\n", size / 1e6, nrounds);
	for (i = 0; i < nrounds; i++) {
		for (c = 0; c < NCOND; c++) {
			struct pair *pr = &pairs[c][i];

			if (run_pair(&sys, path, bdir, &o, conds[c].idle_s, conds[c].held, pr))
				return 1;
			print_pair(i + 1, conds[c].what, pr);
			if (pr->busy.worst > w->busy.worst)
				w = pr;
		}
	}
	db_close(db);

	/* The disk here has fast and slow spells that no pause controls (see
	 * IDLE_S), so single ratios scatter: compare the medians of each
	 * condition's runs, and the best of each (what the machine can do). */
	for (c = 0; c < NCOND; c++) {
		double cps[9], b[9], cps_med, b_med, cps_best, b_best;

		for (i = 0; i < nrounds; i++) {
			cps[i] = pairs[c][i].cps_s;
			b[i] = pairs[c][i].b_s;
		}
		cps_med = median(cps, nrounds);
		b_med = median(b, nrounds);
		cps_best = cps[0]; /* sorted by median() */
		b_best = b[0];
		printf("%s: cp + sync median %.2f s (best %.2f s), backup median %.2f s (best "
		       "%.2f s): backup / (cp + sync) %.2f of the medians, %.2f of the best "
		       "(goal: at most 1.5)\n", conds[c].what, cps_med, cps_best, b_med, b_best,
		       b_med / cps_med, b_best / cps_best);
	}
	printf("a sale's worst wait: %.1f ms with no backup running (mean %.1f ms over %lld "
	       "sales, %lld failed); %.1f ms while a backup runs (goal: at most 100 ms), the "
	       "longest sales of that backup:\n",
	       idle.worst / 1000.0, idle.mean / 1000.0, idle.n, idle.errors,
	       w->busy.worst / 1000.0);
	for (i = 0; i < WORST_KEPT && w->busy.top[i].took_us; i++)
		printf("  %5.1f ms at %+7.2f s of the backup (%s)\n", w->busy.top[i].took_us / 1000.0,
		       (w->busy.top[i].at_us - w->t0) / 1e6, phase_at(w->busy.top[i].at_us, w->t0, &w->r));
	if (getenv("SALEDESK_BENCH_KEEP") && !reuse) {
		printf("kept %s (SALEDESK_BENCH_DB=%s to reuse it; delete it after)\n", path, path);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s/backups' '%s/a.csv'", dir, dir);
	} else {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	}
	return system(cmd) ? 1 : 0;
}
