/* db_backup: the SQLite side of backups — an online copy through SQLite's
 * backup API that never blocks writers, integrity checks, the facts a
 * manifest records (counts and money sums), and the WAL housekeeping a
 * restore needs. The file handling, hashing, encryption and policy live in
 * src/backup*.c. */
#ifndef SALEDESK_DB_BACKUP_H
#define SALEDESK_DB_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "db_audit.h"

struct db_backup_tuning {
	int pages_per_step; /* pages copied per sqlite3_backup_step() */
	int sleep_ms;       /* pause between steps, to let writers in */
};

struct db_backup_stats {
	int64_t pages;           /* pages in the copy */
	int steps;               /* backup steps taken */
	int64_t longest_step_us; /* the longest single step */
};

/* Copies the database of src into dest (a new or empty file: the caller
 * creates it with the mode it wants), in steps, from one read snapshot: in WAL mode writers never wait for it,
 * and the copy is one consistent instant. The copy is left in rollback
 * journal mode so it is one self-contained file. Not fsynced: the caller
 * does that. On failure dest may be partly written; the caller removes
 * it. src is either outside a transaction (the copy takes its own
 * snapshot) or a connection from db_backup_snapshot() (the copy is of that
 * snapshot). Returns 0 or a negative SD_ code naming dest. st may be NULL. */
int db_backup_copy(struct db *src, const char *dest, const struct db_backup_tuning *t,
		   struct db_backup_stats *st);

/* Opens n read-only connections to src's file, each in a read transaction
 * of one and the same snapshot, so one can be copied while another reads
 * the manifest's facts in a thread of its own. mmap_bytes > 0 maps that
 * much of the file in each (a long sequential read without a read() per
 * page). First tries to empty the WAL (a checkpoint that gives up after
 * 200 ms); *frozen is 1 if it was empty when the snapshot was taken: then,
 * while these connections stay open, the database file itself is that
 * snapshot and no checkpoint writes into it, so it may be copied as a
 * plain file. Takes src's write lock for the moment the snapshots are
 * taken: src must not be inside a transaction. The connections in out[]
 * are owned by the caller: db_close() each (that ends its transaction).
 * Returns 0 or a negative SD_ code (all of out[] NULL then). */
int db_backup_snapshot(struct db *src, int n, int64_t mmap_bytes, struct db **out, int *frozen);

/* Marks the first bytes of a copied database file (buf, n of them, the
 * start of page 1) as a rollback-journal file, as the backup API's copy
 * is left. Returns 0, or -1 if buf is not the start of an SQLite file. */
int db_backup_plain_header(unsigned char *buf, size_t n);

/* How many pieces of a copy may be on their way to the disk at once. */
#define DB_BACKUP_BEHIND_PIECES 3

/* Write-behind of a copy written in order: zero it before the first
 * piece. */
struct db_write_behind {
	int64_t started;                        /* write-back started below this */
	int64_t ends[DB_BACKUP_BEHIND_PIECES];  /* the last calls' ends, a ring */
	int n;                                  /* calls so far */
};

/* The copy in fd now reaches end: starts the write-back of what it wrote
 * since the call before, and waits for the write-back of everything
 * before the end given DB_BACKUP_BEHIND_PIECES calls ago. So a long copy
 * reaches the disk as it is made instead of in one burst at its fsync,
 * behind which a sale's fsync would wait, while a few pieces are on
 * their way at once (one at a time left the disk idle between pieces).
 * Makes nothing durable. Returns 0 or -1 (errno). */
int db_backup_write_behind(struct db_write_behind *wb, int fd, int64_t end);

/* Runs PRAGMA quick_check (full = 0) or integrity_check (full = 1). Returns
 * 0 if the file is sound, -SD_DB_CORRUPT with the first problem in why
 * (and the error detail) if not, another negative code if it cannot run. */
int db_check(struct db *db, int full, char *why, unsigned len);

#define DB_FACTS_MAX_TABLES 32
#define DB_FACTS_MAX_KINDS 16

/* What a manifest records about a database, read in one snapshot. */
struct db_facts {
	int64_t application_id;
	int schema;
	int ntables;
	struct {
		char name[64];
		int64_t rows;
	} tables[DB_FACTS_MAX_TABLES];
	int64_t ledger_rows, ledger_sum;  /* sum of ledger.amount, fen */
	int nkinds;
	struct {
		char kind[32];
		int64_t rows, sum;
	} kinds[DB_FACTS_MAX_KINDS];      /* per ledger kind, sorted by kind */
	int64_t audit_head_id;            /* 0 when the audit log is empty */
	unsigned char audit_head_hash[AUDIT_HASH_LEN];
};

/* Reads the facts of db (tables in name order) in one read transaction.
 * Works on any schema version that has the tables it finds. */
int db_facts_read(struct db *db, struct db_facts *f);

/* Sums the ledger row by row and checks f's per-kind counts and sums (as
 * db_facts_read() took them from the running totals) against it. Returns
 * 0, or -SD_DB_CORRUPT with the difference in why (and the detail). */
int db_facts_check_ledger(struct db *db, const struct db_facts *f, char *why, unsigned len);

/* Reads the stored hash of audit row id; -SD_NOT_FOUND if there is none. */
int db_backup_audit_hash_at(struct db *db, int64_t id, unsigned char hash[AUDIT_HASH_LEN]);

/* Moves every WAL frame into the database file and truncates the WAL
 * (PRAGMA wal_checkpoint(TRUNCATE)). -SD_BUSY if another connection kept
 * it from completing. */
int db_checkpoint(struct db *db);

/* Switches db to rollback-journal mode (journal_mode=DELETE), so the file
 * needs no -wal or -shm beside it; db_open() turns WAL back on. */
int db_set_rollback_journal(struct db *db);

/* Counts sales marked pending, for restore's preflight. Today's schema
 * has no pending sales (issue 5 adds them): returns 0 with *n = 0 and
 * *known = 0 unless a table `sales` with a `status` column exists, in
 * which case rows with status 'pending' are counted and *known = 1. */
int db_backup_pending_sales(struct db *db, int64_t *n, int *known);

#endif
