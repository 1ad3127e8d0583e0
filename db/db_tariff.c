/* db_tariff: the SQL of tariffs and their versions. */
#include "db_tariff.h"

#include <string.h>

#include "db_int.h"
#include "err.h"

#define TARIFF_COLS \
	"t.id, t.code, t.name, t.created_at, " \
	"(SELECT count(*) FROM tariff_versions v WHERE v.tariff_id = t.id), " \
	"(SELECT max(effective_from) FROM tariff_versions v WHERE v.tariff_id = t.id)"

static void read_tariff(sqlite3_stmt *st, struct tariff_row *out)
{
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, out->code, sizeof(out->code));
	db_col_text(st, 2, out->name, sizeof(out->name));
	out->created_at = sqlite3_column_int64(st, 3);
	out->n_versions = sqlite3_column_int(st, 4);
	out->latest_from = sqlite3_column_int64(st, 5);
}

static int get_one(struct db *db, struct tariff_row *out, const char *sql,
		   const char *types, const void *key)
{
	sqlite3_stmt *st;
	int rc;

	if (types[0] == 't')
		rc = db_prepare(db, &st, sql, "t", (const char *)key);
	else
		rc = db_prepare(db, &st, sql, "i", *(const int64_t *)key);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_tariff(st, out);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? -SD_NOT_FOUND : db_error(db, rc, "tariff get");
	}
	sqlite3_finalize(st);
	return rc;
}

int db_tariff_get(struct db *db, const char *code, struct tariff_row *out)
{
	int rc = get_one(db, out, "SELECT " TARIFF_COLS " FROM tariffs t WHERE code = ?",
			 "t", code);

	return rc == -SD_NOT_FOUND ? err_set(rc, "no tariff \"%s\"", code) : rc;
}

int db_tariff_get_id(struct db *db, int64_t id, struct tariff_row *out)
{
	return get_one(db, out, "SELECT " TARIFF_COLS " FROM tariffs t WHERE id = ?", "i", &id);
}

int db_tariff_insert(struct db *db, struct tariff_row *row)
{
	int rc = db_run(db, "INSERT INTO tariffs(code, name, created_at) VALUES (?, ?, ?)",
			"tti", row->code, row->name, row->created_at);

	if (rc == -SD_EXISTS)
		return err_set(rc, "a tariff \"%s\" already exists", row->code);
	if (rc)
		return rc;
	return db_int(db, &row->id, "SELECT last_insert_rowid()", NULL);
}

int db_tariff_version_insert(struct db *db, int64_t tariff_id,
			     const struct tariff_version_row *v, int64_t created_by)
{
	int rc = db_run(db, "INSERT INTO tariff_versions(tariff_id, effective_from, kind, "
			    "spec, created_at, created_by) VALUES (?, ?, ?, ?, ?, nullif(?, 0))",
			"iittii", tariff_id, v->effective_from, v->kind, v->spec,
			v->created_at, created_by);

	return rc == -SD_EXISTS
		       ? err_set(rc, "this tariff already has a version from that instant")
		       : rc;
}

int db_tariff_versions_each(struct db *db, int64_t tariff_id,
			    int (*fn)(const struct tariff_version_row *, void *),
			    void *ctx)
{
	struct tariff_version_row v;
	sqlite3_stmt *st;
	int rc;

	rc = db_prepare(db, &st, "SELECT v.id, v.effective_from, v.kind, v.spec, v.created_at, "
				 "coalesce(o.login, '') FROM tariff_versions v "
				 "LEFT JOIN operators o ON o.id = v.created_by "
				 "WHERE v.tariff_id = ? ORDER BY v.effective_from",
			"i", tariff_id);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v.id = sqlite3_column_int64(st, 0);
		v.effective_from = sqlite3_column_int64(st, 1);
		db_col_text(st, 2, v.kind, sizeof(v.kind));
		db_col_text(st, 3, v.spec, sizeof(v.spec));
		v.created_at = sqlite3_column_int64(st, 4);
		db_col_text(st, 5, v.created_by, sizeof(v.created_by));
		if ((rc = fn(&v, ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "tariff versions");
out:
	sqlite3_finalize(st);
	return rc;
}

int db_tariff_each(struct db *db, int (*fn)(const struct tariff_row *, void *),
		   void *ctx)
{
	struct tariff_row row;
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_prepare(db, &st, "SELECT " TARIFF_COLS " FROM tariffs t ORDER BY code", NULL)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_tariff(st, &row);
		if ((rc = fn(&row, ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "tariff list");
out:
	sqlite3_finalize(st);
	return rc;
}
