/* db: the SQLite store. Opens with WAL, synchronous=FULL, foreign keys and
 * a busy timeout; runs numbered migrations at open; wraps every write in
 * BEGIN IMMEDIATE with a bounded retry. Nothing outside db/ sees SQLite. */
#ifndef SALEDESK_DB_H
#define SALEDESK_DB_H

#include <stdint.h>

/* 'SDK1': marks a file as a saledesk database (PRAGMA application_id). */
#define DB_APPLICATION_ID 0x53444B31

struct db;

enum db_open_flags {
	DB_OPEN_CREATE = 1 << 0,   /* create the file if it does not exist */
	DB_OPEN_READONLY = 1 << 1, /* never write, not even migrations */
	DB_OPEN_NO_MIGRATE = 1 << 2, /* tests: leave the schema as found */
	DB_OPEN_NO_CHECK = 1 << 3, /* skip the quick_check at open (the caller checks) */
	DB_OPEN_CHECK_ALWAYS = 1 << 4, /* quick_check even if checked within the hour:
					* the counter UI and the service at start */
};

/* Opens (and with DB_OPEN_CREATE creates) the database at path, runs
 * PRAGMA quick_check before anything is written (-SD_DB_CORRUPT if it
 * fails: nothing is written to a damaged file; at most once an hour per
 * file unless DB_OPEN_CHECK_ALWAYS) and brings its schema up to date. *out is owned by the caller: db_close() it.
 * Returns 0 or a negative SD_ code with a detail naming the file. */
int db_open(const char *path, unsigned flags, struct db **out);

/* Closes db; NULL is fine. */
void db_close(struct db *db);

/* Returns the path db was opened with; owned by db. */
const char *db_path(const struct db *db);

/* Returns 1 if db cannot be written (read-only file or open flag). */
int db_is_readonly(struct db *db);

/* Sets how long a statement waits for another process's lock before the
 * bounded retries of db_begin() (default DB_BUSY_TIMEOUT_MS). */
void db_set_busy_timeout(struct db *db, int ms);

/* Starts a write transaction (BEGIN IMMEDIATE), retrying a bounded number
 * of times while another process holds the write lock. */
int db_begin(struct db *db);

/* Commits the transaction started by db_begin(). */
int db_commit(struct db *db);

/* Rolls back the open transaction, if any; never fails. */
void db_rollback(struct db *db);

/* Returns the schema version the file is at (PRAGMA user_version), or a
 * negative SD_ code. */
int db_schema_version(struct db *db);

/* Returns the schema version this program writes. */
int db_schema_latest(void);

/* Applies migrations up to version target (tests use it to build every
 * earlier schema). Each migration runs in its own transaction. */
int db_migrate(struct db *db, int target);

/* Runs one SQL statement with no parameters and no result (tests and
 * maintenance). */
int db_exec(struct db *db, const char *sql);

/* Reads setting key into buf; -SD_NOT_FOUND if unset. */
int db_setting_get(struct db *db, const char *key, char *buf, unsigned len);

/* Sets setting key to value (inside the caller's transaction, if any). */
int db_setting_set(struct db *db, const char *key, const char *value);

/* Returns the number of rows of table (a name from the schema, checked
 * against it), or a negative SD_ code. */
int64_t db_count_rows(struct db *db, const char *table);

#endif
