/* db_backup: online copies, integrity checks and manifest facts. */
#include "db_backup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db_int.h"
#include "err.h"

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Without it the whole copy sits in the page cache (the kernel starts
 * writing only at 10 % of RAM dirty or after 30 s) and reaches the disk in
 * one burst at the final fsync; a sale's fsync then waits behind
 * gigabytes (430 ms measured at 2 GB). With it at most a few pieces
 * (about 16 MB of 4 MB pieces) are ever queued ahead of a sale. */
int db_backup_write_behind(struct db_write_behind *wb, int fd, int64_t end)
{
	int64_t *slot = &wb->ends[wb->n++ % DB_BACKUP_BEHIND_PIECES];
	int64_t back = wb->n > DB_BACKUP_BEHIND_PIECES ? *slot : 0;

	*slot = end;
	if (end <= wb->started)
		return 0;
#ifdef SYNC_FILE_RANGE_WRITE
	if (sync_file_range(fd, wb->started, end - wb->started, SYNC_FILE_RANGE_WRITE) != 0 ||
	    (back > 0 && sync_file_range(fd, 0, back,
					 SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
						 SYNC_FILE_RANGE_WAIT_AFTER) != 0)) {
		if (errno != ENOSYS && errno != EINVAL && errno != ESPIPE)
			return -1;
	}
#else
	(void)back;
	if (fdatasync(fd) != 0)
		return -1;
#endif
	wb->started = end;
	return 0;
}

/* Translates an error of the destination connection, naming its file. */
static int dest_error(sqlite3 *conn, const char *path, int rc, const char *what)
{
	struct db tmp = { conn, (char *)path, 0 };

	return db_error(&tmp, rc, what);
}

int db_backup_copy(struct db *src, const char *dest, const struct db_backup_tuning *t,
		   struct db_backup_stats *st)
{
	struct db_backup_stats local;
	sqlite3 *dconn = NULL;
	sqlite3_backup *b = NULL;
	int pages = t && t->pages_per_step > 0 ? t->pages_per_step : 1024;
	int sleep_ms = t ? t->sleep_ms : 0;
	int rc, src_txn = 0, wfd = -1;
	struct db_write_behind wb = { 0 };
	struct stat sb;

	if (!st)
		st = &local;
	memset(st, 0, sizeof(*st));
	rc = sqlite3_open_v2(dest, &dconn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		rc = dest_error(dconn, dest, rc, "open backup file");
		goto out;
	}
	sqlite3_extended_result_codes(dconn, 1);
	/* A journal for a file nobody else sees would only cost time; the
	 * copy is made durable by the caller's fsync before it is renamed.
	 * With the journal off SQLite does not sync the steps: see
	 * write_behind() for what keeps a sale's fsync from waiting. */
	rc = sqlite3_exec(dconn, "PRAGMA journal_mode = OFF; PRAGMA synchronous = NORMAL",
			  NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		rc = dest_error(dconn, dest, rc, "backup pragmas");
		goto out;
	}
	/* One read transaction across every step: the copy is a single
	 * snapshot and, in WAL mode, other processes' commits neither wait
	 * for it nor make it start over. A source from db_backup_snapshot()
	 * is already in its snapshot. */
	if (sqlite3_get_autocommit(src->conn)) {
		if ((rc = db_exec(src, "BEGIN")) ||
		    (rc = db_exec(src, "SELECT count(*) FROM sqlite_schema")))
			goto out;
		src_txn = 1;
	}
	/* A second descriptor of the same file, for write_behind(). */
	wfd = open(dest, O_RDONLY | O_CLOEXEC);
	b = sqlite3_backup_init(dconn, "main", src->conn, "main");
	if (!b) {
		rc = dest_error(dconn, dest, sqlite3_errcode(dconn), "backup init");
		goto out;
	}
	for (;;) {
		int64_t t0 = mono_us(), dt;

		rc = sqlite3_backup_step(b, pages);
		dt = mono_us() - t0;
		st->steps++;
		if (dt > st->longest_step_us)
			st->longest_step_us = dt;
		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			break;
		/* SQLite writes the pages in order as its cache spills them;
		 * the file's size is how far the copy has reached. */
		if (wfd >= 0 && fstat(wfd, &sb) == 0 &&
		    db_backup_write_behind(&wb, wfd, (int64_t)sb.st_size) != 0) {
			rc = err_set(errno == ENOSPC ? -SD_DB_FULL : -SD_IO, "cannot write %s: %s",
				     dest, strerror(errno));
			goto out;
		}
		if (sleep_ms > 0 || rc != SQLITE_OK) {
			struct timespec ts = { 0, (long)(sleep_ms > 0 ? sleep_ms : 10) * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
	st->pages = sqlite3_backup_pagecount(b);
	if (rc != SQLITE_DONE) {
		rc = dest_error(dconn, dest, rc, "backup step");
		goto out;
	}
	rc = sqlite3_backup_finish(b);
	b = NULL;
	if (rc != SQLITE_OK) {
		rc = dest_error(dconn, dest, rc, "backup finish");
		goto out;
	}
	if (src_txn)
		db_exec(src, "COMMIT");
	src_txn = 0;
	/* The copy carries the source's WAL flag in its header; make it a
	 * plain single file. */
	rc = sqlite3_exec(dconn, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	rc = rc == SQLITE_OK ? 0 : dest_error(dconn, dest, rc, "backup journal mode");
out:
	if (b)
		sqlite3_backup_finish(b);
	if (src_txn)
		db_exec(src, "COMMIT");
	if (dconn && sqlite3_close(dconn) != SQLITE_OK && !rc)
		rc = err_set(-SD_IO, "cannot close %s", dest);
	if (wfd >= 0)
		close(wfd);
	return rc;
}

/* Starts a read transaction on db that has read its snapshot (BEGIN alone
 * takes none until the first read). */
static int begin_read(struct db *db)
{
	int rc = db_exec(db, "BEGIN");

	if (!rc && (rc = db_exec(db, "SELECT count(*) FROM sqlite_schema")))
		db_exec(db, "ROLLBACK");
	return rc;
}

/* Size of src's -wal file; -1 if it cannot be read. */
static int64_t wal_size(struct db *src)
{
	char w[4096 + 8];
	struct stat sb;

	snprintf(w, sizeof(w), "%s-wal", src->path);
	if (stat(w, &sb) != 0)
		return errno == ENOENT ? 0 : -1;
	return (int64_t)sb.st_size;
}

/* A TRUNCATE checkpoint holds the write lock while it waits for readers
 * to leave the WAL, so a sale waits as long as it does: each try waits at
 * most CHECKPOINT_WAIT_MS (a sale's wait while a backup started was 239 ms
 * with one 200 ms try and a reader in the way). A writer or reader that is
 * only passing is gone by a later try; the tries back off (50 ms doubling
 * to 400 ms) for up to CHECKPOINT_PATIENCE_MS, because the online copy a
 * reader in the way forces costs twice the file copy at 2 GB, more than
 * a report of a few seconds takes to end. */
#define CHECKPOINT_WAIT_MS 20
#define CHECKPOINT_GAP_MS 50
#define CHECKPOINT_PATIENCE_MS 2000

int db_backup_snapshot(struct db *src, int n, int64_t mmap_bytes, struct db **out, int *frozen)
{
	char sql[64];
	int rc, i;

	for (i = 0; i < n; i++)
		out[i] = NULL;
	*frozen = 0;
	/* Empty the WAL first, if nobody is in the way within a moment: a
	 * snapshot taken while the WAL is empty reads the database file
	 * alone (SQLite's read lock 0), and no checkpoint may write into the
	 * file while such a reader holds it. The file then stays exactly
	 * that snapshot until the readers end, so it can be copied as a
	 * file. A reader or writer in the way only costs the fast path. */
	for (int64_t t0 = mono_us(), gap = CHECKPOINT_GAP_MS;
	     wal_size(src) != 0 && mono_us() - t0 < CHECKPOINT_PATIENCE_MS * 1000; gap *= 2) {
		db_set_busy_timeout(src, CHECKPOINT_WAIT_MS);
		sqlite3_exec(src->conn, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
		db_set_busy_timeout(src, DB_BUSY_TIMEOUT_MS);
		if (wal_size(src) != 0)
			nanosleep(&(struct timespec){ 0, (gap < 400 ? gap : 400) * 1000000L }, NULL);
	}
	/* SQLite (as Debian builds it) has no snapshot API to share a read
	 * snapshot between connections. Holding the write lock while each
	 * connection takes its snapshot gives the same: no commit can fall
	 * between them. The lock is held for the few milliseconds the
	 * connections need to open; a sale meanwhile waits in its busy
	 * timeout, as it would behind any other writer. */
	if ((rc = db_begin(src)))
		return rc;
	snprintf(sql, sizeof(sql), "PRAGMA mmap_size = %lld", (long long)mmap_bytes);
	for (i = 0; i < n && !rc; i++) {
		rc = db_open(src->path, DB_OPEN_READONLY | DB_OPEN_NO_MIGRATE | DB_OPEN_NO_CHECK,
			     &out[i]);
		if (!rc && mmap_bytes > 0)
			rc = db_exec(out[i], sql);
		if (!rc)
			rc = begin_read(out[i]);
	}
	/* Under the write lock nothing can be appended to the WAL: empty now,
	 * it was empty when each snapshot was taken. */
	if (!rc)
		*frozen = wal_size(src) == 0;
	db_rollback(src);
	if (rc)
		for (i = 0; i < n; i++) {
			db_close(out[i]);
			out[i] = NULL;
		}
	return rc;
}

int db_backup_plain_header(unsigned char *buf, size_t n)
{
	/* Bytes 18 and 19 are the file format's write and read versions: 2
	 * for WAL, 1 for a rollback journal. A copy marked WAL would want a
	 * -wal and -shm beside it at every open, so cannot be opened in a
	 * read-only folder. */
	if (n < 100 || memcmp(buf, "SQLite format 3", 16) != 0)
		return -1;
	buf[18] = buf[19] = 1;
	return 0;
}

int db_check(struct db *db, int full, char *why, unsigned len)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (len)
		why[0] = 0;
	rc = sqlite3_prepare_v2(db->conn, full ? "PRAGMA integrity_check(1)" : "PRAGMA quick_check(1)",
				-1, &st, NULL);
	if (rc != SQLITE_OK) {
		if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB) {
			snprintf(why, len, "%s", sqlite3_errmsg(db->conn));
			rc = -SD_DB_CORRUPT;
			goto out;
		}
		rc = db_error(db, rc, "integrity check");
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_col_text(st, 0, why, len);
		rc = strcmp(why, "ok") == 0 ? 0 : -SD_DB_CORRUPT;
	} else if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB) {
		snprintf(why, len, "%s", sqlite3_errmsg(db->conn));
		rc = -SD_DB_CORRUPT;
	} else {
		rc = db_error(db, rc, "integrity check");
	}
out:
	sqlite3_finalize(st);
	if (rc == -SD_DB_CORRUPT)
		err_set(rc, "%s fails its %s: %s", db->path, full ? "integrity check" : "quick check",
			why);
	return rc;
}

static int table_exists(struct db *db, const char *name)
{
	int64_t n = 0;

	return db_int(db, &n, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
			      "name = ?", "t", name) == 0 && n > 0;
}

static int read_tables(struct db *db, struct db_facts *f)
{
	sqlite3_stmt *st;
	char sql[128];
	int rc, i;

	if ((rc = db_prepare(db, &st, "SELECT name FROM sqlite_schema WHERE type = 'table' "
				      "AND name NOT LIKE 'sqlite_%' ORDER BY name", NULL)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && f->ntables < DB_FACTS_MAX_TABLES)
		db_col_text(st, 0, f->tables[f->ntables++].name, sizeof(f->tables[0].name));
	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_error(db, rc, "list tables");
	sqlite3_finalize(st);
	for (i = 0; !rc && i < f->ntables; i++) {
		/* the ledger is counted by read_ledger's one scan, which sums it
		 * anyway: on a large desk it is most of the file */
		if (!strcmp(f->tables[i].name, "ledger"))
			continue;
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", f->tables[i].name);
		rc = db_int(db, &f->tables[i].rows, sql, NULL);
	}
	return rc;
}

/* Orders the kinds of db_facts: kind is the first member of each. */
static int by_kind(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* Counts and sums the ledger per kind: from ledger_totals (schema 13 on)
 * unless scan, else in one pass over the ledger, in C: GROUP BY would sort
 * every row (there is no index on kind), and per-kind CASE sums cost more
 * than the scan. Integer adds with an overflow check: no floating point
 * touches money here. */
static int read_ledger(struct db *db, struct db_facts *f, int scan)
{
	sqlite3_stmt *st;
	int rc, i, totals;

	if (!table_exists(db, "ledger"))
		return 0;
	totals = !scan && table_exists(db, "ledger_totals");
	if ((rc = db_prepare(db, &st, totals ? "SELECT kind, rows, sum FROM ledger_totals"
					     : "SELECT kind, 1, amount FROM ledger", NULL)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		int64_t rows = sqlite3_column_int64(st, 1);
		int64_t amount = sqlite3_column_int64(st, 2);

		if (!kind)
			kind = "";
		for (i = 0; i < f->nkinds && strcmp(f->kinds[i].kind, kind) != 0; i++)
			;
		if (i == f->nkinds) {
			if (f->nkinds == DB_FACTS_MAX_KINDS ||
			    strlen(kind) >= sizeof(f->kinds[0].kind)) {
				rc = err_set(-SD_DB, "too many or too long ledger kinds in %s",
					     db->path);
				goto out;
			}
			memcpy(f->kinds[i].kind, kind, strlen(kind) + 1);
			f->nkinds++;
		}
		f->kinds[i].rows += rows;
		f->ledger_rows += rows;
		if (__builtin_add_overflow(f->kinds[i].sum, amount, &f->kinds[i].sum) ||
		    __builtin_add_overflow(f->ledger_sum, amount, &f->ledger_sum)) {
			rc = err_set(-SD_OVERFLOW, "ledger sum overflows in %s", db->path);
			goto out;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "ledger sums");
	qsort(f->kinds, (size_t)f->nkinds, sizeof(f->kinds[0]), by_kind);
out:
	sqlite3_finalize(st);
	return rc;
}

int db_facts_read(struct db *db, struct db_facts *f)
{
	int rc, txn = 0;
	int64_t v = 0;

	memset(f, 0, sizeof(*f));
	if (sqlite3_get_autocommit(db->conn)) {
		if ((rc = db_exec(db, "BEGIN")))
			return rc;
		txn = 1;
	}
	if ((rc = db_int(db, &f->application_id, "PRAGMA application_id", NULL)) ||
	    (rc = db_int(db, &v, "PRAGMA user_version", NULL)))
		goto out;
	f->schema = (int)v;
	if ((rc = read_tables(db, f)) || (rc = read_ledger(db, f, 0)))
		goto out;
	for (int i = 0; i < f->ntables; i++)
		if (!strcmp(f->tables[i].name, "ledger"))
			f->tables[i].rows = f->ledger_rows;
	if (table_exists(db, "audit"))
		rc = db_audit_head(db, &f->audit_head_id, f->audit_head_hash);
out:
	if (txn)
		db_exec(db, "COMMIT");
	return rc;
}

int db_facts_check_ledger(struct db *db, const struct db_facts *f, char *why, unsigned len)
{
	struct db_facts *scan = calloc(1, sizeof(*scan));
	int rc, txn = 0;

	if (len)
		why[0] = 0;
	if (!scan)
		return -SD_NOMEM;
	if (sqlite3_get_autocommit(db->conn)) {
		if ((rc = db_exec(db, "BEGIN")))
			goto out;
		txn = 1;
	}
	if ((rc = read_ledger(db, scan, 1)))
		goto out;
	int same = scan->ledger_rows == f->ledger_rows && scan->ledger_sum == f->ledger_sum &&
		   scan->nkinds == f->nkinds;
	for (int i = 0; same && i < scan->nkinds; i++)
		same = !strcmp(scan->kinds[i].kind, f->kinds[i].kind) &&
		       scan->kinds[i].rows == f->kinds[i].rows && scan->kinds[i].sum == f->kinds[i].sum;
	if (!same) {
		snprintf(why, len, "its ledger holds %lld rows summing to %lld fen, its totals say "
			 "%lld rows and %lld fen", (long long)scan->ledger_rows,
			 (long long)scan->ledger_sum, (long long)f->ledger_rows,
			 (long long)f->ledger_sum);
		rc = err_set(-SD_DB_CORRUPT, "%s: %s", db->path, why);
	}
out:
	if (txn)
		db_exec(db, "COMMIT");
	free(scan);
	return rc;
}

int db_backup_audit_hash_at(struct db *db, int64_t id, unsigned char hash[AUDIT_HASH_LEN])
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_prepare(db, &st, "SELECT hash FROM audit WHERE id = ?", "i", id)))
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == AUDIT_HASH_LEN) {
		memcpy(hash, sqlite3_column_blob(st, 0), AUDIT_HASH_LEN);
		rc = 0;
	} else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		rc = -SD_NOT_FOUND;
	} else {
		rc = db_error(db, rc, "audit row");
	}
	sqlite3_finalize(st);
	return rc;
}

int db_checkpoint(struct db *db)
{
	sqlite3_stmt *st;
	int rc, busy = 0;

	if ((rc = db_prepare(db, &st, "PRAGMA wal_checkpoint(TRUNCATE)", NULL)))
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		busy = sqlite3_column_int(st, 0);
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_error(db, rc, "checkpoint");
	sqlite3_finalize(st);
	if (!rc && busy)
		rc = err_set(-SD_BUSY, "another program is using %s; stop it and try again",
			     db->path);
	return rc;
}

int db_set_rollback_journal(struct db *db)
{
	return db_exec(db, "PRAGMA journal_mode = DELETE");
}

int db_backup_pending_sales(struct db *db, int64_t *n, int *known)
{
	int64_t cols = 0;
	int rc;

	*n = 0;
	*known = 0;
	if (!table_exists(db, "sales"))
		return 0;
	rc = db_int(db, &cols, "SELECT count(*) FROM pragma_table_info('sales') "
			       "WHERE name = 'status'", NULL);
	if (rc || !cols)
		return rc;
	*known = 1;
	return db_int(db, n, "SELECT count(*) FROM sales WHERE status = 'pending'", NULL);
}
