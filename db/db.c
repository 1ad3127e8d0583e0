/* db: opening, pragmas, migrations, transactions and error translation. */
#include "db_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db_backup.h"
#include "err.h"
#include "log.h"
#include "text.h"

#define DB_BEGIN_TRIES 4
#define DB_CHECK_EVERY_S 3600

int db_error(struct db *db, int rc, const char *what)
{
	const char *msg = db && db->conn ? sqlite3_errmsg(db->conn) : sqlite3_errstr(rc);
	int code;

	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		code = -SD_BUSY;
		break;
	case SQLITE_CONSTRAINT:
		code = (rc == SQLITE_CONSTRAINT_UNIQUE ||
			rc == SQLITE_CONSTRAINT_PRIMARYKEY) ? -SD_EXISTS
							    : -SD_DB_CONSTRAINT;
		break;
	case SQLITE_READONLY:
		code = -SD_DB_READONLY;
		break;
	case SQLITE_FULL:
		code = -SD_DB_FULL;
		break;
	case SQLITE_CORRUPT:
		code = -SD_DB_CORRUPT;
		break;
	case SQLITE_NOTADB:
		code = -SD_DB_FOREIGN;
		break;
	case SQLITE_NOMEM:
		code = -SD_NOMEM;
		break;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
		code = -SD_IO;
		break;
	default:
		code = -SD_DB;
	}
	log_debug("sqlite: %s: %s (%d)", what, msg, rc);
	if (db && db->path)
		err_set(code, "%s (%s)", msg, db->path);
	else
		err_set(code, "%s", msg);
	return code;
}

int db_vprepare(struct db *db, sqlite3_stmt **st, const char *sql,
		const char *types, va_list ap)
{
	int rc, i;

	*st = NULL;
	rc = sqlite3_prepare_v2(db->conn, sql, -1, st, NULL);
	if (rc != SQLITE_OK)
		return db_error(db, rc, sql);
	for (i = 0; types && types[i]; i++) {
		int p = i + 1;
		const char *s;
		const void *b;
		int blen;

		switch (types[i]) {
		case 'i':
			rc = sqlite3_bind_int64(*st, p, va_arg(ap, int64_t));
			break;
		case 'I':
			rc = sqlite3_bind_int64(*st, p, va_arg(ap, int));
			break;
		case 't':
			s = va_arg(ap, const char *);
			rc = sqlite3_bind_text(*st, p, s, -1, SQLITE_TRANSIENT);
			break;
		case 'n':
			s = va_arg(ap, const char *);
			rc = s && *s ? sqlite3_bind_text(*st, p, s, -1, SQLITE_TRANSIENT)
				     : sqlite3_bind_null(*st, p);
			break;
		case 'b':
			b = va_arg(ap, const void *);
			blen = va_arg(ap, int);
			rc = sqlite3_bind_blob(*st, p, b, blen, SQLITE_TRANSIENT);
			break;
		default:
			rc = SQLITE_MISUSE;
		}
		if (rc != SQLITE_OK) {
			rc = db_error(db, rc, sql);
			sqlite3_finalize(*st);
			*st = NULL;
			return rc;
		}
	}
	return 0;
}

int db_prepare(struct db *db, sqlite3_stmt **st, const char *sql,
	       const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = db_vprepare(db, st, sql, types, ap);
	va_end(ap);
	return rc;
}

int db_run(struct db *db, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = db_vprepare(db, &st, sql, types, ap);
	va_end(ap);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_error(db, rc, sql);
	sqlite3_finalize(st);
	return rc;
}

int db_int(struct db *db, int64_t *out, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = db_vprepare(db, &st, sql, types, ap);
	va_end(ap);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = -SD_NOT_FOUND;
	} else {
		rc = db_error(db, rc, sql);
	}
	sqlite3_finalize(st);
	return rc;
}

void db_col_text(sqlite3_stmt *st, int col, char *buf, unsigned len)
{
	text_copy(buf, len, (const char *)sqlite3_column_text(st, col));
}

int db_exec(struct db *db, const char *sql)
{
	int rc = sqlite3_exec(db->conn, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : db_error(db, rc, sql);
}

void db_set_busy_timeout(struct db *db, int ms)
{
	sqlite3_busy_timeout(db->conn, ms);
}

int db_begin(struct db *db)
{
	int rc = SQLITE_BUSY, i;

	if (db->readonly)
		return err_set(-SD_DB_READONLY, "%s is open read-only", db->path);
	/* The busy timeout already waits inside each try; the loop covers
	 * the cases SQLite will not wait for (a reader upgrading). */
	for (i = 0; i < DB_BEGIN_TRIES; i++) {
		rc = sqlite3_exec(db->conn, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			break;
		struct timespec ts = { 0, 50000000L * (i + 1) };
		nanosleep(&ts, NULL);
	}
	return rc == SQLITE_OK ? 0 : db_error(db, rc, "BEGIN IMMEDIATE");
}

int db_commit(struct db *db)
{
	int rc = sqlite3_exec(db->conn, "COMMIT", NULL, NULL, NULL);

	if (rc != SQLITE_OK) {
		rc = db_error(db, rc, "COMMIT");
		db_rollback(db);
		return rc;
	}
	return 0;
}

void db_rollback(struct db *db)
{
	if (db && db->conn && !sqlite3_get_autocommit(db->conn))
		sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
}

int db_schema_latest(void)
{
	return db_migration_count;
}

int db_schema_version(struct db *db)
{
	int64_t v = 0;
	int rc = db_int(db, &v, "PRAGMA user_version", NULL);

	return rc ? rc : (int)v;
}

const char *db_path(const struct db *db)
{
	return db->path;
}

int db_is_readonly(struct db *db)
{
	return db->readonly || sqlite3_db_readonly(db->conn, "main") == 1;
}

int db_migrate(struct db *db, int target)
{
	int rc, v;
	char sql[64];

	if (target > db_migration_count)
		target = db_migration_count;
	for (;;) {
		if ((rc = db_begin(db)))
			return rc;
		/* Read the version inside the write lock: another process may
		 * have migrated while we waited. */
		v = db_schema_version(db);
		if (v < 0 || v >= target) {
			db_rollback(db);
			return v < 0 ? v : 0;
		}
		log_info("migrating %s to schema %d", db->path, v + 1);
		rc = db_exec(db, db_migrations[v]);
		if (!rc) {
			snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
			rc = db_exec(db, sql);
		}
		if (!rc)
			rc = db_commit(db);
		if (rc) {
			db_rollback(db);
			return rc;
		}
	}
}

/* Refuses a file that holds some other program's data, and a schema newer
 * than ours. An empty file (a new database) passes. */
static int check_identity(struct db *db)
{
	int64_t app = 0, tables = 0;
	int rc, v;

	rc = db_int(db, &app, "PRAGMA application_id", NULL);
	if (rc)
		return rc == -SD_DB_FOREIGN
			       ? err_set(rc, "%s is not an SQLite database", db->path)
			       : rc;
	if (app != DB_APPLICATION_ID) {
		rc = db_int(db, &tables, "SELECT count(*) FROM sqlite_schema", NULL);
		if (rc)
			return rc;
		if (app != 0 || tables != 0)
			return err_set(-SD_DB_FOREIGN,
				       "%s belongs to another program; saledesk will not touch it",
				       db->path);
	}
	v = db_schema_version(db);
	if (v < 0)
		return v;
	if (v > db_migration_count)
		return err_set(-SD_DB_NEWER, "%s is at schema %d, this saledesk knows %d",
			       db->path, v, db_migration_count);
	return 0;
}

static int set_pragmas(struct db *db)
{
	int rc;

	sqlite3_busy_timeout(db->conn, DB_BUSY_TIMEOUT_MS);
	if ((rc = db_exec(db, "PRAGMA foreign_keys = ON")))
		return rc;
	if (db->readonly)
		return 0;
	/* WAL lets the desk read while the poller writes; FULL makes each
	 * commit durable before the cashier is told it happened. */
	if ((rc = db_exec(db, "PRAGMA journal_mode = WAL")))
		return rc;
	return db_exec(db, "PRAGMA synchronous = FULL");
}

/* quick_check reads every page: about 16 ms per MB here, half a minute on
 * a 2 GB database of years (docs/backup.md, "Figures"). The counter UI and
 * the meter-reading service start rarely and check at every start
 * (DB_OPEN_CHECK_ALWAYS); a short command (`saledesk account show`, a
 * script's `sale`) cannot wait that long each time, so for those each file
 * (by inode) is checked at most once per DB_CHECK_EVERY_S; a stamp beside
 * it, PATH-checked, holds the inode and time of the last clean check.
 * Damage met between checks is still reported by SQLite as SQLITE_CORRUPT
 * on the pages read, before a transaction touching them commits.
 * SALEDESK_QUICK_CHECK=always checks at every open (tests). */
static void stamp_path(const char *path, char *out, size_t len)
{
	snprintf(out, len, "%s-checked", path);
}

static int check_due(const char *path)
{
	const char *env = getenv("SALEDESK_QUICK_CHECK");
	char sp[PATH_MAX + 16];
	unsigned long long ino = 0;
	long long t = 0, now = (long long)time(NULL);
	struct stat sb;
	FILE *f;
	int n;

	if ((env && strcmp(env, "always") == 0) || stat(path, &sb) != 0)
		return 1;
	stamp_path(path, sp, sizeof(sp));
	if (!(f = fopen(sp, "r")))
		return 1;
	n = fscanf(f, "%llu %lld", &ino, &t);
	fclose(f);
	return n != 2 || ino != (unsigned long long)sb.st_ino || t > now ||
	       now - t >= DB_CHECK_EVERY_S;
}

static void check_done(const char *path)
{
	char sp[PATH_MAX + 16], tmp[PATH_MAX + 32];
	struct stat sb;
	FILE *f;

	if (stat(path, &sb) != 0)
		return;
	stamp_path(path, sp, sizeof(sp));
	snprintf(tmp, sizeof(tmp), "%s.%d", sp, (int)getpid());
	if (!(f = fopen(tmp, "w")))
		return;
	fprintf(f, "%llu %lld\n", (unsigned long long)sb.st_ino, (long long)time(NULL));
	if (fclose(f) != 0 || rename(tmp, sp) != 0)
		unlink(tmp);
}

int db_open(const char *path, unsigned flags, struct db **out)
{
	struct db *db;
	struct stat sb;
	int rc, oflags;

	*out = NULL;
	if (!path || !*path)
		return err_set(-SD_CONFIG, "no database path configured");
	if (!(flags & DB_OPEN_CREATE) && stat(path, &sb) != 0)
		return err_set(-SD_NOT_FOUND,
			       "no database at %s; create one with `saledesk init`", path);
	db = calloc(1, sizeof(*db));
	if (!db || !(db->path = strdup(path))) {
		free(db);
		return -SD_NOMEM;
	}
	db->readonly = (flags & DB_OPEN_READONLY) != 0;
	if (!db->readonly && access(path, F_OK) == 0 && access(path, W_OK) != 0)
		db->readonly = 1;
	oflags = db->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (flags & DB_OPEN_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &db->conn, oflags | SQLITE_OPEN_FULLMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = db_error(db, rc, "open");
		goto fail;
	}
	sqlite3_extended_result_codes(db->conn, 1);
	/* Before the first read: another process's commit or checkpoint may
	 * hold the file for a moment. */
	sqlite3_busy_timeout(db->conn, DB_BUSY_TIMEOUT_MS);
	if ((rc = check_identity(db))) {
		/* A WAL database needs its -shm file beside it, even to read. */
		if (rc == -SD_IO && db->readonly)
			rc = err_set(-SD_DB_READONLY, "%s is on a read-only disk or in a read-only "
						      "folder; saledesk cannot use it there", path);
		goto fail;
	}
	/* Before the first write (WAL mode, migrations): a damaged file is
	 * left exactly as found, for the restore or for a specialist. */
	if (!(flags & DB_OPEN_NO_CHECK) && ((flags & DB_OPEN_CHECK_ALWAYS) || check_due(path))) {
		char why[256];

		if ((rc = db_check(db, 0, why, sizeof(why))))
			goto fail;
		if (!db->readonly)
			check_done(path);
	}
	if ((rc = set_pragmas(db)))
		goto fail;
	if (!(flags & DB_OPEN_NO_MIGRATE) && db_schema_version(db) < db_migration_count) {
		if (db->readonly) {
			rc = err_set(-SD_DB_READONLY,
				     "%s needs a schema upgrade but is read-only", path);
			goto fail;
		}
		if ((rc = db_migrate(db, db_migration_count)))
			goto fail;
	}
	*out = db;
	return 0;
fail:
	db_close(db);
	return rc;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	if (db->conn)
		sqlite3_close_v2(db->conn);
	free(db->path);
	free(db);
}

int db_setting_get(struct db *db, const char *key, char *buf, unsigned len)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_prepare(db, &st, "SELECT value FROM settings WHERE key = ?", "t", key)))
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_col_text(st, 0, buf, len);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? -SD_NOT_FOUND : db_error(db, rc, "setting");
	}
	sqlite3_finalize(st);
	return rc;
}

int db_setting_set(struct db *db, const char *key, const char *value)
{
	return db_run(db, "INSERT INTO settings(key, value) VALUES (?, ?) "
			  "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
		      "tt", key, value);
}

int64_t db_count_rows(struct db *db, const char *table)
{
	int64_t n = 0, known = 0;
	char sql[128];
	int rc;

	rc = db_int(db, &known, "SELECT count(*) FROM sqlite_schema "
				"WHERE type = 'table' AND name = ?", "t", table);
	if (rc)
		return rc;
	if (!known)
		return err_set(-SD_NOT_FOUND, "no table %s", table);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", table);
	rc = db_int(db, &n, sql, NULL);
	return rc ? rc : n;
}
