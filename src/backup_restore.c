/* backup_restore: verifying backups, finding the newest good one, and the
 * restore that swaps a verified copy in without ever leaving the desk
 * without a complete database. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "backup.h"
#include "backup_int.h"
#include "clock.h"
#include "err.h"
#include "log.h"
#include "perm.h"

struct reporter {
	backup_report_fn fn;
	void *ctx;
};

static void say(const struct reporter *r, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(const struct reporter *r, int ok, const char *fmt, ...)
{
	char line[600];
	va_list ap;

	if (!r->fn)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r->fn(ok, line, r->ctx);
}

/* Describes the first difference between the facts a manifest recorded
 * and those recomputed from the file; 0 if none. */
static int facts_differ(const struct db_facts *want, const struct db_facts *got, char *why,
			size_t len)
{
	int i;

	if (want->schema != got->schema) {
		snprintf(why, len, "schema %d, manifest says %d", got->schema, want->schema);
		return 1;
	}
	if (want->ntables != got->ntables) {
		snprintf(why, len, "%d tables, manifest says %d", got->ntables, want->ntables);
		return 1;
	}
	for (i = 0; i < want->ntables; i++)
		if (strcmp(want->tables[i].name, got->tables[i].name) != 0 ||
		    want->tables[i].rows != got->tables[i].rows) {
			snprintf(why, len, "table %s has %" PRId64 " rows, manifest says %" PRId64,
				 got->tables[i].name, got->tables[i].rows, want->tables[i].rows);
			return 1;
		}
	if (want->ledger_rows != got->ledger_rows || want->ledger_sum != got->ledger_sum ||
	    want->nkinds != got->nkinds) {
		snprintf(why, len, "ledger %" PRId64 " rows summing to %" PRId64 " fen, manifest "
				   "says %" PRId64 " rows, %" PRId64 " fen",
			 got->ledger_rows, got->ledger_sum, want->ledger_rows, want->ledger_sum);
		return 1;
	}
	for (i = 0; i < want->nkinds; i++)
		if (strcmp(want->kinds[i].kind, got->kinds[i].kind) != 0 ||
		    want->kinds[i].rows != got->kinds[i].rows ||
		    want->kinds[i].sum != got->kinds[i].sum) {
			snprintf(why, len, "ledger kind %s: %" PRId64 " rows, %" PRId64 " fen, "
					   "manifest says %" PRId64 " rows, %" PRId64 " fen",
				 got->kinds[i].kind, got->kinds[i].rows, got->kinds[i].sum,
				 want->kinds[i].rows, want->kinds[i].sum);
			return 1;
		}
	if (want->audit_head_id != got->audit_head_id ||
	    memcmp(want->audit_head_hash, got->audit_head_hash, AUDIT_HASH_LEN) != 0) {
		snprintf(why, len, "audit head is row %" PRId64 ", manifest says row %" PRId64
				   " (or its hash differs)", got->audit_head_id, want->audit_head_id);
		return 1;
	}
	return 0;
}

/* The checks on the plaintext database at plain, against m. */
static int verify_plain(const char *plain, const struct backup_manifest *m,
			const struct reporter *rep)
{
	struct db_facts got;
	struct audit_report ar;
	struct session sys;
	struct db *db = NULL;
	char hex[65], why[300];
	int64_t size = 0;
	int rc;

	if ((rc = backup_sha256_file(plain, hex, &size)))
		goto out;
	if (strcmp(hex, m->db_sha256) != 0 || size != m->db_size) {
		say(rep, 0, "database SHA-256 differs from the manifest");
		rc = err_set(-SD_BACKUP_BAD, "%s: the database inside differs from its manifest",
			     m->file);
		goto out;
	}
	rc = db_open(plain, DB_OPEN_READONLY | DB_OPEN_NO_MIGRATE | DB_OPEN_NO_CHECK, &db);
	if (rc) {
		say(rep, 0, "not a saledesk database: %s", err_detail());
		rc = err_set(-SD_BACKUP_BAD, "%s is not a saledesk database", m->file);
		goto out;
	}
	if ((rc = db_facts_read(db, &got)))
		goto out;
	if (got.application_id != DB_APPLICATION_ID) {
		say(rep, 0, "application_id %" PRId64 " is not saledesk's", got.application_id);
		rc = err_set(-SD_BACKUP_BAD, "%s is not a saledesk database", m->file);
		goto out;
	}
	say(rep, 1, "a saledesk database (application_id 0x%08X)", DB_APPLICATION_ID);
	if ((rc = db_check(db, 1, why, sizeof(why)))) {
		say(rep, 0, "integrity_check: %s", why);
		rc = err_set(-SD_BACKUP_BAD, "%s fails SQLite's integrity check: %s", m->file, why);
		goto out;
	}
	say(rep, 1, "integrity_check: ok");
	if (got.schema > db_schema_latest()) {
		say(rep, 0, "schema %d is newer than this saledesk (%d)", got.schema,
		    db_schema_latest());
		rc = err_set(-SD_DB_NEWER, "%s is at schema %d; this saledesk knows %d", m->file,
			     got.schema, db_schema_latest());
		goto out;
	}
	if (facts_differ(&m->facts, &got, why, sizeof(why))) {
		say(rep, 0, "contents differ from the manifest: %s", why);
		rc = err_set(-SD_BACKUP_BAD, "%s: %s", m->file, why);
		goto out;
	}
	/* The facts came from the ledger's running totals: sum the rows. */
	if ((rc = db_facts_check_ledger(db, &got, why, sizeof(why)))) {
		if (rc != -SD_DB_CORRUPT)
			goto out;
		say(rep, 0, "ledger rows differ from its totals: %s", why);
		rc = err_set(-SD_BACKUP_BAD, "%s: %s", m->file, why);
		goto out;
	}
	say(rep, 1, "schema %d (this saledesk: %d)%s", got.schema, db_schema_latest(),
	    got.schema < db_schema_latest() ? "; restore will migrate it" : "");
	say(rep, 1, "row counts, ledger %" PRId64 " rows summing to %" PRId64 " fen, and audit "
		    "head row %" PRId64 " match the manifest",
	    got.ledger_rows, got.ledger_sum, got.audit_head_id);
	session_system(db, &sys);
	rc = audit_verify(&sys, &ar);
	if (rc == -SD_AUDIT_BROKEN) {
		say(rep, 0, "audit chain inside the backup broken at row %" PRId64 ": %s",
		    ar.first_bad, ar.why);
		rc = err_set(-SD_BACKUP_BAD, "%s: its audit chain is broken at row %" PRId64,
			     m->file, ar.first_bad);
		goto out;
	}
	if (rc)
		goto out;
	say(rep, 1, "audit chain inside the backup intact (%" PRId64 " rows)", ar.rows);
out:
	db_close(db);
	return rc;
}

int backup_verify_file(const char *file, const char *passphrase, const char *staging_dir,
		       char *staged, unsigned staged_len, backup_report_fn report, void *ctx)
{
	struct reporter rep = { report, ctx };
	struct backup_manifest m;
	char path[PATH_MAX], mpath[PATH_MAX], hex[65], tmp[PATH_MAX + 64];
	int64_t size = 0;
	int rc, enc;
	size_t n = strlen(file), e = strlen(BACKUP_MANIFEST_EXT);

	tmp[0] = 0;
	if (staged && staged_len)
		staged[0] = 0;
	/* Accept the manifest's name for the backup's. */
	if (n > e && strcmp(file + n - e, BACKUP_MANIFEST_EXT) == 0)
		snprintf(path, sizeof(path), "%.*s", (int)(n - e), file);
	else
		snprintf(path, sizeof(path), "%s", file);
	if ((rc = backup_manifest_path(path, mpath, sizeof(mpath))))
		return rc;
	if (access(path, R_OK) != 0)
		return err_set(-SD_NOT_FOUND, "no backup %s: %s", path, strerror(errno));
	if ((rc = backup_manifest_read(mpath, &m))) {
		say(&rep, 0, "manifest %s: %s", mpath, err_detail());
		return rc == -SD_NOT_FOUND
			       ? err_set(-SD_BACKUP_BAD, "%s has no manifest beside it (%s); it "
							 "cannot be verified", path, mpath)
			       : rc;
	}
	say(&rep, 1, "manifest %s read (taken %s)", backup_basename(mpath), m.file);
	if ((rc = backup_sha256_file(path, hex, &size)))
		return rc;
	if (size != m.size || strcmp(hex, m.sha256) != 0) {
		say(&rep, 0, "file SHA-256 or size differs from the manifest (%" PRId64 " bytes, "
			     "manifest says %" PRId64 "): changed or cut short", size, m.size);
		return err_set(-SD_BACKUP_BAD, "%s was changed or cut short since it was made "
					       "(its SHA-256 differs from the manifest); use "
					       "another backup", path);
	}
	say(&rep, 1, "size %" PRId64 " bytes and SHA-256 %.16s... match the manifest", size, hex);
	enc = backup_is_encrypted(path);
	if (enc != m.encrypted) {
		say(&rep, 0, "encryption does not match the manifest");
		return err_set(-SD_BACKUP_BAD, "%s: encryption does not match its manifest", path);
	}
	if (enc && (!passphrase || !passphrase[0]))
		return err_set(-SD_USAGE, "%s is encrypted: give its passphrase (--passphrase-fd N "
					  "or the terminal)", path);
	if (enc || staged) {
		if (!staging_dir)
			staging_dir = "/tmp";
		snprintf(tmp, sizeof(tmp), "%s/.saledesk-restore-%d.tmp", staging_dir, (int)getpid());
		unlink(tmp);
		rc = enc ? backup_decrypt_file(path, tmp, passphrase) : backup_copy_file(path, tmp);
		if (rc) {
			if (enc)
				say(&rep, 0, "decryption: %s", err_detail());
			tmp[0] = 0;
			goto out;
		}
		if (enc)
			say(&rep, 1, "decrypted, AES-256-GCM tag valid");
	}
	rc = verify_plain(tmp[0] ? tmp : path, &m, &rep);
out:
	if (!rc && staged && tmp[0]) {
		snprintf(staged, staged_len, "%s", tmp);
		tmp[0] = 0;
	}
	if (tmp[0])
		unlink(tmp);
	return rc;
}

int backup_newest_good(const char *dir, char *out, unsigned len)
{
	struct backup_entry *v;
	int n, i, rc;
	char hex[65];
	int64_t size;

	if ((rc = backup_list(dir, &v, &n)))
		return rc;
	rc = -SD_NOT_FOUND;
	for (i = 0; i < n && rc; i++) {
		if (!v[i].has_manifest)
			continue;
		if (v[i].m.encrypted) {
			/* Without the passphrase only the file's hash can be
			 * checked. */
			if (backup_sha256_file(v[i].path, hex, &size) == 0 && size == v[i].m.size &&
			    strcmp(hex, v[i].m.sha256) == 0)
				rc = 0;
		} else if (backup_verify_file(v[i].path, NULL, NULL, NULL, 0, NULL, NULL) == 0) {
			rc = 0;
		}
		if (!rc)
			snprintf(out, len, "%s", v[i].path);
	}
	free(v);
	return rc ? err_set(-SD_NOT_FOUND, "no backup in %s verifies", dir) : 0;
}

/* Looks through /proc for another process holding path (or its -wal or
 * -shm) open; returns its pid, or 0. Processes of other users are seen
 * only by root. */
static int other_user_of(const char *path)
{
	struct stat want[3], sb;
	char p[PATH_MAX + 8], fdpath[300];
	const char *ext[3] = { "", "-wal", "-shm" };
	int nwant = 0, pid = 0, self = (int)getpid();
	DIR *proc, *fds;
	struct dirent *de, *fe;

	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", path, ext[i]);
		if (stat(p, &want[nwant]) == 0)
			nwant++;
	}
	if (!nwant || !(proc = opendir("/proc")))
		return 0;
	while (!pid && (de = readdir(proc))) {
		int cand = atoi(de->d_name);
		if (cand <= 0 || cand == self)
			continue;
		snprintf(fdpath, sizeof(fdpath), "/proc/%d/fd", cand);
		if (!(fds = opendir(fdpath)))
			continue;
		while (!pid && (fe = readdir(fds))) {
			if (fe->d_name[0] == '.')
				continue;
			snprintf(fdpath, sizeof(fdpath), "/proc/%d/fd/%s", cand, fe->d_name);
			if (stat(fdpath, &sb) != 0)
				continue;
			for (int i = 0; i < nwant; i++)
				if (sb.st_dev == want[i].st_dev && sb.st_ino == want[i].st_ino)
					pid = cand;
		}
		closedir(fds);
	}
	closedir(proc);
	return pid;
}

int restore_preflight(struct db *db, const char *live_path)
{
	int64_t pending = 0;
	int known = 0, rc, pid;

	/* A sale recorded as pending is settled against the card (the sale
	 * protocol, docs/sales.md); a restored database would lose that
	 * record. */
	if (db && (rc = db_backup_pending_sales(db, &pending, &known)))
		return rc;
	if (pending > 0)
		return err_set(-SD_STATE, "%" PRId64 " sale(s) are pending in %s; settle them at "
					  "the desk before restoring", pending, live_path);
	if ((pid = other_user_of(live_path)))
		return err_set(-SD_BUSY, "process %d has %s open; stop the desk and the "
					 "meter-reading service (saledesk poll) before restoring",
			       pid, live_path);
	return 0;
}

static int rename_if_there(const char *from, const char *to)
{
	if (rename(from, to) == 0 || errno == ENOENT)
		return 0;
	return err_set(-SD_IO, "cannot move %s to %s: %s", from, to, strerror(errno));
}

int backup_restore(const struct session *s, const char *live_path, const char *staged,
		   const char *backup_name, struct restore_result *r)
{
	struct db *db = NULL;
	struct session ns;
	char a[PATH_MAX + 64], b[PATH_MAX + 64], stamp[32];
	time_t now = (time_t)clock_now();
	struct tm tm;
	struct stat sb;
	int rc, live_exists;

	memset(r, 0, sizeof(*r));
	if ((rc = perm_check(s, PERM_BACKUP)))
		return rc;
	/* 1. Bring the copy to this program's schema, and make it one file
	 * in rollback-journal mode, durable, before anything else moves. */
	if ((rc = db_open(staged, DB_OPEN_NO_MIGRATE | DB_OPEN_NO_CHECK, &db)))
		goto out;
	r->from_schema = db_schema_version(db);
	if ((rc = db_migrate(db, db_schema_latest())) || (rc = db_checkpoint(db)) ||
	    (rc = db_set_rollback_journal(db)))
		goto out;
	r->to_schema = db_schema_version(db);
	db_close(db);
	db = NULL;
	if ((rc = backup_fsync_path(staged)))
		goto out;
	backup_fault_point("restore", 1);

	/* 2. The live database: nothing pending, nobody else using it, every
	 * WAL frame in the main file. A damaged one is set aside as found. */
	live_exists = stat(live_path, &sb) == 0;
	if (live_exists) {
		rc = db_open(live_path, DB_OPEN_NO_MIGRATE, &db);
		if (rc == -SD_BUSY || rc == -SD_NOMEM)
			goto out;
		if (rc) {
			log_warn("restore: current database %s cannot be used (%s); setting it aside "
				 "as it is", live_path, err_detail());
			db = NULL;
		}
	}
	if ((rc = restore_preflight(db, live_path)))
		goto out;
	if (db && (rc = db_checkpoint(db)))
		goto out;
	db_close(db);
	db = NULL;
	backup_fault_point("restore", 2);

	/* 3. Keep the current database under a second name. A hard link:
	 * the live name still holds it until the rename below. */
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (live_exists) {
		snprintf(r->aside, sizeof(r->aside), "%s.before-restore-%s", live_path, stamp);
		for (int i = 1; access(r->aside, F_OK) == 0 && i < 100; i++)
			snprintf(r->aside, sizeof(r->aside), "%s.before-restore-%s-%d", live_path,
				 stamp, i);
		if (link(live_path, r->aside) != 0) {
			rc = err_set(-SD_IO, "cannot keep the current database as %s: %s", r->aside,
				     strerror(errno));
			r->aside[0] = 0;
			goto out;
		}
		if ((rc = backup_fsync_parent(live_path)))
			goto out;
	}
	backup_fault_point("restore", 3);

	/* 4. Companions: a -wal left beside the new file would be replayed
	 * into it, so it goes with the old database (after the checkpoint it
	 * is empty); the -shm index is rebuilt by SQLite. */
	if (live_exists) {
		snprintf(a, sizeof(a), "%s-wal", live_path);
		snprintf(b, sizeof(b), "%s-wal", r->aside);
		if ((rc = rename_if_there(a, b)))
			goto out;
		snprintf(a, sizeof(a), "%s-journal", live_path);
		snprintf(b, sizeof(b), "%s-journal", r->aside);
		if ((rc = rename_if_there(a, b)))
			goto out;
		snprintf(a, sizeof(a), "%s-shm", live_path);
		if (unlink(a) != 0 && errno != ENOENT) {
			rc = err_set(-SD_IO, "cannot remove %s: %s", a, strerror(errno));
			goto out;
		}
		if ((rc = backup_fsync_parent(live_path)))
			goto out;
	}
	backup_fault_point("restore", 4);

	/* 5. The swap itself: one rename, atomic on the same filesystem. The
	 * restored file takes the owner and mode of the one it replaces, so
	 * the service user can still open it after a restore run as root. */
	if (live_exists) {
		if (chown(staged, sb.st_uid, sb.st_gid) != 0 && errno != EPERM)
			log_warn("restore: cannot give %s its owner: %s", staged, strerror(errno));
		if (chmod(staged, sb.st_mode & 07777) != 0)
			log_warn("restore: cannot give %s its mode: %s", staged, strerror(errno));
	}

	if (rename(staged, live_path) != 0) {
		rc = err_set(-SD_IO, "cannot move %s to %s: %s", staged, live_path, strerror(errno));
		goto out;
	}
	if ((rc = backup_fsync_parent(live_path)))
		goto out;
	backup_fault_point("restore", 5);

	/* 6. Open it as the desk will (quick check, WAL) and record who
	 * restored what. */
	if ((rc = db_open(live_path, 0, &db)))
		goto out;
	ns = *s;
	ns.db = db;
	if ((rc = db_begin(db)) ||
	    (rc = audit_log(&ns, "backup.restore", backup_name, "schema %d->%d; previous kept as %s",
			    r->from_schema, r->to_schema, r->aside[0] ? backup_basename(r->aside)
								     : "(none)")) ||
	    (rc = db_commit(db)))
		db_rollback(db);
	backup_fault_point("restore", 6);
out:
	db_close(db);
	return rc;
}

int backup_audit_against(const struct session *s, const struct backup_manifest *m)
{
	struct audit_report ar;
	unsigned char h[AUDIT_HASH_LEN];
	int64_t head = 0;
	int rc;

	if ((rc = audit_verify(s, &ar)))
		return rc;
	if (m->facts.audit_head_id == 0)
		return 0;
	if ((rc = db_audit_head(s->db, &head, h)))
		return rc;
	if (head < m->facts.audit_head_id)
		return err_set(-SD_AUDIT_BROKEN, "rows were deleted from the end: backup %s holds "
						 "audit rows up to %" PRId64 ", this database only up "
						 "to %" PRId64, m->file, m->facts.audit_head_id, head);
	rc = db_backup_audit_hash_at(s->db, m->facts.audit_head_id, h);
	if (rc == -SD_NOT_FOUND)
		return err_set(-SD_AUDIT_BROKEN, "audit row %" PRId64 ", the head of backup %s, is "
						 "missing", m->facts.audit_head_id, m->file);
	if (rc)
		return rc;
	if (memcmp(h, m->facts.audit_head_hash, AUDIT_HASH_LEN) != 0)
		return err_set(-SD_AUDIT_BROKEN, "history rewritten since backup %s: audit row %"
						 PRId64 " no longer hashes to the head it had then",
			       m->file, m->facts.audit_head_id);
	return 0;
}

int backup_verify(const struct session *s, const char *file, const char *passphrase,
		  const char *staging_dir, backup_report_fn report, void *ctx)
{
	int rc;

	if ((rc = perm_check(s, PERM_BACKUP)))
		return rc;
	return backup_verify_file(file, passphrase, staging_dir, NULL, 0, report, ctx);
}
