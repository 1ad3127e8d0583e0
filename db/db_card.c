/* db_card: the cards table. */
#include "db_card.h"

#include <stdio.h>
#include <string.h>

#include "db_int.h"
#include "err.h"

#define COLS "c.id, c.serial, c.kind, ifnull(c.account_id, 0), ifnull(a.account_no, ''), " \
	     "c.status, c.key_version, c.purchase_seq, c.issued_at, ifnull(c.issued_by, 0)"
#define FROM " FROM cards c LEFT JOIN accounts a ON a.id = c.account_id "

static void read_row(sqlite3_stmt *st, struct card_rec *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, c->serial, sizeof(c->serial));
	db_col_text(st, 2, c->kind, sizeof(c->kind));
	c->account_id = sqlite3_column_int64(st, 3);
	db_col_text(st, 4, c->account_no, sizeof(c->account_no));
	db_col_text(st, 5, c->status, sizeof(c->status));
	c->key_version = sqlite3_column_int(st, 6);
	c->purchase_seq = sqlite3_column_int64(st, 7);
	c->issued_at = sqlite3_column_int64(st, 8);
	c->issued_by = sqlite3_column_int64(st, 9);
}

static int get_one(struct db *db, struct card_rec *out, const char *where, const char *types,
		   const void *arg)
{
	char sql[512];
	sqlite3_stmt *st = NULL;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT " COLS FROM "WHERE %s", where);
	rc = types[0] == 't' ? db_prepare(db, &st, sql, types, (const char *)arg)
			     : db_prepare(db, &st, sql, types, *(const int64_t *)arg);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_row(st, out);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = -SD_NOT_FOUND;
	} else {
		rc = db_error(db, rc, "reading a card");
	}
	sqlite3_finalize(st);
	return rc;
}

int db_card_get(struct db *db, const char *serial, struct card_rec *out)
{
	return get_one(db, out, "c.serial = ?", "t", serial);
}

int db_card_get_id(struct db *db, int64_t id, struct card_rec *out)
{
	return get_one(db, out, "c.id = ?", "i", &id);
}

int db_card_user_of(struct db *db, int64_t account_id, struct card_rec *out)
{
	return get_one(db, out, "c.account_id = ? AND c.kind = 'user' AND c.status = 'active'", "i",
		       &account_id);
}

int db_card_issue(struct db *db, struct card_rec *c)
{
	struct card_rec old;
	int rc = db_card_get(db, c->serial, &old);

	if (rc && rc != -SD_NOT_FOUND)
		return rc;
	if (!rc && strcmp(old.status, "recycled"))
		return err_set(-SD_EXISTS, "card %s is already recorded (%s, %s)", c->serial, old.kind,
			       old.status);
	if (!rc)
		rc = db_run(db, "UPDATE cards SET kind = ?, account_id = NULLIF(?, 0), status = 'active', "
				"key_version = ?, purchase_seq = ?, issued_at = ?, issued_by = NULLIF(?, 0) "
				"WHERE serial = ?",
			    "tiIiiit", c->kind, c->account_id, c->key_version, c->purchase_seq,
			    c->issued_at, c->issued_by, c->serial);
	else
		rc = db_run(db, "INSERT INTO cards(serial, kind, account_id, status, key_version, "
				"purchase_seq, issued_at, issued_by) "
				"VALUES (?, ?, NULLIF(?, 0), 'active', ?, ?, ?, NULLIF(?, 0))",
			    "ttiIiii", c->serial, c->kind, c->account_id, c->key_version,
			    c->purchase_seq, c->issued_at, c->issued_by);
	if (rc == -SD_EXISTS || rc == -SD_DB_CONSTRAINT)
		return err_set(-SD_EXISTS, "the account already has an active user card: report it "
					   "lost or recycle it first");
	if (rc)
		return rc;
	return db_int(db, &c->id, "SELECT id FROM cards WHERE serial = ?", "t", c->serial);
}

int db_card_account_seq(struct db *db, int64_t account_id, int64_t *seq)
{
	return db_int(db, seq, "SELECT ifnull(max(purchase_seq), 0) FROM cards WHERE account_id = ?",
		      "i", account_id);
}

int db_card_set_status(struct db *db, const char *serial, const char *status)
{
	return db_run(db, "UPDATE cards SET status = ? WHERE serial = ?", "tt", status, serial);
}

int db_card_set_seq(struct db *db, const char *serial, int64_t seq)
{
	return db_run(db, "UPDATE cards SET purchase_seq = ? WHERE serial = ?", "it", seq, serial);
}

int db_card_each(struct db *db, int (*fn)(const struct card_rec *, void *), void *ctx)
{
	sqlite3_stmt *st = NULL;
	struct card_rec c;
	int rc = db_prepare(db, &st, "SELECT " COLS FROM "ORDER BY c.serial", NULL);

	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_row(st, &c);
		if ((rc = fn(&c, ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "listing cards");
out:
	sqlite3_finalize(st);
	return rc;
}

int db_card_raise_seq(struct db *db, int64_t id, int64_t seq)
{
	return db_run(db, "UPDATE cards SET purchase_seq = max(purchase_seq, ?) WHERE id = ?", "ii",
		      seq, id);
}
