/* db_audit: the SQL of the append-only audit log. */
#include "db_audit.h"

#include <stdio.h>
#include <string.h>

#include "db_int.h"
#include "err.h"

int db_audit_head(struct db *db, int64_t *id, unsigned char hash[AUDIT_HASH_LEN])
{
	sqlite3_stmt *st;
	int rc;

	*id = 0;
	memset(hash, 0, AUDIT_HASH_LEN);
	if ((rc = db_prepare(db, &st, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", NULL)))
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == AUDIT_HASH_LEN)
			memcpy(hash, sqlite3_column_blob(st, 1), AUDIT_HASH_LEN);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "audit head");
	}
	sqlite3_finalize(st);
	return rc;
}

int db_audit_insert(struct db *db, const struct audit_rec *rec)
{
	return db_run(db, "INSERT INTO audit(id, ts, actor, action, object, details, "
			  "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		      "iittttbb", rec->id, rec->ts, rec->actor, rec->action, rec->object,
		      rec->details, (const void *)rec->prev_hash, AUDIT_HASH_LEN,
		      (const void *)rec->hash, AUDIT_HASH_LEN);
}

static void copy_blob(sqlite3_stmt *st, int col, unsigned char *dst)
{
	int n = sqlite3_column_bytes(st, col);
	const void *b = sqlite3_column_blob(st, col);

	memset(dst, 0, AUDIT_HASH_LEN);
	if (b)
		memcpy(dst, b, n < AUDIT_HASH_LEN ? (size_t)n : AUDIT_HASH_LEN);
}

int db_audit_each(struct db *db, int64_t last,
		  int (*fn)(const struct audit_rec *, void *), void *ctx)
{
	static const char cols[] = "id, ts, actor, action, object, details, prev_hash, hash";
	struct audit_rec rec;
	sqlite3_stmt *st;
	char sql[256];
	int rc;

	if (last > 0)
		snprintf(sql, sizeof(sql), "SELECT * FROM (SELECT %s FROM audit ORDER BY id "
					   "DESC LIMIT ?) ORDER BY id", cols);
	else
		snprintf(sql, sizeof(sql), "SELECT %s FROM audit WHERE ? ORDER BY id", cols);
	if ((rc = db_prepare(db, &st, sql, "i", last > 0 ? last : (int64_t)1)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rec.id = sqlite3_column_int64(st, 0);
		rec.ts = sqlite3_column_int64(st, 1);
		db_col_text(st, 2, rec.actor, sizeof(rec.actor));
		db_col_text(st, 3, rec.action, sizeof(rec.action));
		db_col_text(st, 4, rec.object, sizeof(rec.object));
		db_col_text(st, 5, rec.details, sizeof(rec.details));
		copy_blob(st, 6, rec.prev_hash);
		copy_blob(st, 7, rec.hash);
		if ((rc = fn(&rec, ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "audit read");
out:
	sqlite3_finalize(st);
	return rc;
}
