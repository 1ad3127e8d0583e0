/* Inside db/ only: SQLite types and the helpers every aggregate file uses. */
#ifndef SALEDESK_DB_INT_H
#define SALEDESK_DB_INT_H

#include <sqlite3.h>
#include <stdarg.h>

#include "db.h"

/* How long a connection waits for another's lock before SQLITE_BUSY. */
#define DB_BUSY_TIMEOUT_MS 5000

struct db {
	sqlite3 *conn;
	char *path;
	int readonly;
};

/* Turns an SQLite result code into an SD_ code, logging SQLite's own
 * message and recording a detail for the user. */
int db_error(struct db *db, int rc, const char *what);

/* Prepares sql and binds the arguments described by types, one letter per
 * parameter: 'i' int64_t, 'I' int (promoted), 't' text (const char *,
 * copied), 'n' text or NULL when the pointer is NULL or "", 'b' blob
 * (const void *, int length). *st is owned by the caller: finalize it. */
int db_prepare(struct db *db, sqlite3_stmt **st, const char *sql,
	       const char *types, ...);

/* Same with a va_list. */
int db_vprepare(struct db *db, sqlite3_stmt **st, const char *sql,
		const char *types, va_list ap);

/* Prepares, binds, steps once to completion and finalizes a statement
 * that returns no rows. */
int db_run(struct db *db, const char *sql, const char *types, ...);

/* Runs a query whose one row holds one integer; -SD_NOT_FOUND if no row. */
int db_int(struct db *db, int64_t *out, const char *sql, const char *types, ...);

/* Copies column col of the current row as text into buf ("" for NULL). */
void db_col_text(sqlite3_stmt *st, int col, char *buf, unsigned len);

/* The schema's migrations: an array of SQL scripts, index 0 = version 1. */
extern const char *const db_migrations[];
extern const int db_migration_count;

#endif
