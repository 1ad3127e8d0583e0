/* backup: online backups of the desk's database, their manifests,
 * rotation, optional encryption, verification and restore (docs/backup.md).
 * The SQLite side is db/db_backup.c; this module owns files, hashing,
 * encryption and policy, and checks PERM_BACKUP. */
#ifndef SALEDESK_BACKUP_H
#define SALEDESK_BACKUP_H

#include <limits.h>
#include <stdint.h>

#include "db_backup.h"
#include "session.h"

#define BACKUP_PREFIX "saledesk-"
#define BACKUP_MANIFEST_EXT ".manifest"
#define BACKUP_PASSPHRASE_MIN 10

/* What one backup records about itself (docs/backup.md, "Manifest"). */
struct backup_manifest {
	int format;                /* 1 */
	char file[256];            /* the backup's file name, no folder */
	int64_t created;           /* UTC seconds */
	int encrypted;
	int64_t size;              /* bytes of the stored file */
	char sha256[65];           /* of the stored file, hex */
	int64_t db_size;           /* bytes of the database inside */
	char db_sha256[65];        /* of the database inside, hex */
	struct db_facts facts;
};

struct backup_opts {
	const char *dir;        /* backup folder; must exist */
	const char *passphrase; /* NULL or "": not encrypted. Never logged */
	const char *staging_dir; /* where an encrypted backup's plaintext is
				  * staged (beside the live database); NULL:
				  * the database's folder */
	int keep_daily, keep_weekly, keep_monthly; /* rotation; all 0: keep all */
	int pages_per_step, sleep_ms; /* 0: defaults */
};

struct backup_result {
	char path[PATH_MAX];     /* the backup file */
	char manifest[PATH_MAX + 16]; /* its manifest */
	struct backup_manifest m;
	int removed;             /* old backups removed by rotation */
	struct db_backup_stats st;
	/* 1: the database file itself was copied and hashed in one read
	 * (its WAL was empty); 0: SQLite's online backup, then the hash. */
	int file_copy;
	/* Where the time went: the copy (with the hash when file_copy), the
	 * facts read beside it (its own thread's time), the hash after it. */
	int64_t copy_ms, facts_ms, hash_ms, total_ms;
};

/* Backs up the database of s into o->dir under a UTC time name, writes its
 * manifest, then rotates. Everything is written under a temporary name,
 * fsynced and renamed; on failure nothing is left behind and the live
 * database is untouched. Call it outside a transaction. Needs PERM_BACKUP. This is also the function the
 * meter-reading service (issue 7) calls for the daily backup. */
int backup_run(const struct session *s, const struct backup_opts *o, struct backup_result *r);

/* Writes m to path (temporary name, fsync, rename). */
int backup_manifest_write(const char *path, const struct backup_manifest *m);

/* Reads the manifest at path into *m; -SD_BACKUP_BAD if malformed. */
int backup_manifest_read(const char *path, struct backup_manifest *m);

/* Puts the manifest path of backup file (or of a manifest) into out. */
int backup_manifest_path(const char *file, char *out, unsigned len);

/* SHA-256 of the file at path as hex into hex[65]; *size gets its length. */
int backup_sha256_file(const char *path, char hex[65], int64_t *size);

/* Encrypts file in into a new file out (docs/backup.md, "Encrypted
 * format") under a key derived from passphrase with scrypt. out is written
 * and fsynced; removed on failure. */
int backup_encrypt_file(const char *in, const char *out, const char *passphrase);

/* Decrypts in into a new file out, checking the GCM tag; on a wrong
 * passphrase or any altered byte returns -SD_PASSPHRASE and removes out. */
int backup_decrypt_file(const char *in, const char *out, const char *passphrase);

/* Returns 1 if the file at path starts with the encrypted-backup magic. */
int backup_is_encrypted(const char *path);

/* One backup found in a folder. */
struct backup_entry {
	char path[PATH_MAX];
	int64_t t;     /* from its name, UTC seconds */
	int seq;       /* -N suffix when several share a second */
	int has_manifest;
	struct backup_manifest m;
};

/* Lists the backups in dir, newest first. *out is the caller's: free() it.
 * A missing dir is an error naming it. */
int backup_list(const char *dir, struct backup_entry **out, int *n);

/* Rotation: given n backup times, newest first, sets keep[i] to 1 for
 * those kept: every backup less than 24 hours older than the newest; and
 * the newest of each of the latest
 * `daily` days, `weekly` ISO weeks and `monthly` months (UTC). With all
 * three 0 every backup is kept. */
void backup_rotate_plan(const int64_t *t, int n, int daily, int weekly, int monthly,
			int *keep);

/* Called once per check of a verification: ok, and a line of text. */
typedef void (*backup_report_fn)(int ok, const char *line, void *ctx);

/* Verifies the backup at file: ours, manifest, hashes, decryption,
 * integrity_check, schema, money sums and audit head recomputed, the
 * backup's own audit chain. With staged non-NULL, leaves a verified
 * plaintext copy there (a new file, in staging_dir) for restore; else
 * removes it. Returns 0 if every check passed, else the first failure's
 * code (-SD_BACKUP_BAD, -SD_PASSPHRASE, ...). passphrase may be NULL for
 * plain backups. report may be NULL. Needs no session: the file is read,
 * never the live database. */
int backup_verify_file(const char *file, const char *passphrase, const char *staging_dir,
		       char *staged, unsigned staged_len, backup_report_fn report, void *ctx);

/* backup_verify_file() for an operator: needs PERM_BACKUP in s. */
int backup_verify(const struct session *s, const char *file, const char *passphrase,
		  const char *staging_dir, backup_report_fn report, void *ctx);

/* Finds the newest backup in dir that verifies (encrypted ones: against
 * their manifest only, as no passphrase is at hand). Returns 0 and its
 * path in out, or -SD_NOT_FOUND. */
int backup_newest_good(const char *dir, char *out, unsigned len);

/* What must hold before a restore: no sale pending (the hook issue 5
 * extends; today's schema has no pending sales, see docs/backup.md) and
 * no other process with the live database open. db may be NULL when the
 * live database cannot be opened. */
int restore_preflight(struct db *db, const char *live_path);

struct restore_result {
	char aside[PATH_MAX]; /* where the previous database was kept, "" if none */
	int from_schema, to_schema;
};

/* Swaps the verified, staged plaintext copy at staged in as the database
 * at live_path: migrates it, checkpoints and sets aside the current one
 * (live_path.before-restore-TIME), renames atomically, and writes an audit
 * row. The caller must have closed its own connections to live_path. A
 * power cut at any step leaves live_path a complete database (the old or
 * the new). Needs PERM_BACKUP in s (s->db is not used). */
int backup_restore(const struct session *s, const char *live_path, const char *staged,
		   const char *backup_name, struct restore_result *r);

/* Compares the audit chain of s's database with a backup's manifest: rows
 * up to the backup's head must still hash to it. Returns 0, or
 * -SD_AUDIT_BROKEN with a detail (rows deleted from the end, history
 * rewritten). Needs PERM_AUDIT_VIEW. */
int backup_audit_against(const struct session *s, const struct backup_manifest *m);

#endif
