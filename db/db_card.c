/* db_card: the cards table. */
#include "db_card.h"

#include <stdio.h>
#include <string.h>

#include "db_int.h"
#include "err.h"

#define COLS "c.id, c.serial, c.kind, ifnull(c.account_id, 0), ifnull(a.account_no, ''), " \
	     "c.status, c.key_version, c.purchase_seq, c.issued_at, ifnull(c.issued_by, 0), " \
	     "ifnull(c.tariff_ef03, 0), ifnull(c.tariff_ef04, 0)"
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
	c->tariff_ef03 = sqlite3_column_int64(st, 10);
	c->tariff_ef04 = sqlite3_column_int64(st, 11);
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
				"key_version = ?, purchase_seq = ?, issued_at = ?, issued_by = NULLIF(?, 0), "
				"tariff_ef03 = NULL, tariff_ef04 = NULL WHERE serial = ?",
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

int db_card_return_add(struct db *db, const struct card_return_rec *r, int *added)
{
	int rc = db_run(db,
			"INSERT OR IGNORE INTO card_returns(card_id, account_id, meter_no, count, unit, "
			"remaining, overdraft, energy_wh, status, result, illegal, meter_time, read_at) "
			"VALUES (?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			"iitiiiiiiiiii", r->card_id, r->account_id, r->meter_no, r->count, r->unit,
			r->remaining, r->overdraft, r->energy_wh, r->status, r->result, r->illegal,
			r->meter_time, r->read_at);

	*added = rc ? 0 : sqlite3_changes(db->conn) > 0;
	return rc;
}

int db_card_return_each(struct db *db, int64_t account_id, int64_t limit,
			int (*fn)(const struct card_return_rec *, void *), void *ctx)
{
	struct card_return_rec r;
	sqlite3_stmt *st;
	int rc;

	rc = db_prepare(db, &st,
			"SELECT r.id, r.card_id, ifnull(r.account_id, 0), c.serial, r.meter_no, r.count, "
			"r.unit, r.remaining, r.overdraft, r.energy_wh, r.status, r.result, r.illegal, "
			"r.meter_time, r.read_at FROM card_returns r JOIN cards c ON c.id = r.card_id "
			"WHERE ?1 = 0 OR r.account_id = ?1 ORDER BY r.id DESC LIMIT ?2",
			"ii", account_id, limit > 0 ? limit : (int64_t)-1);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.id = sqlite3_column_int64(st, 0);
		r.card_id = sqlite3_column_int64(st, 1);
		r.account_id = sqlite3_column_int64(st, 2);
		db_col_text(st, 3, r.serial, sizeof(r.serial));
		db_col_text(st, 4, r.meter_no, sizeof(r.meter_no));
		r.count = sqlite3_column_int64(st, 5);
		r.unit = sqlite3_column_int64(st, 6);
		r.remaining = sqlite3_column_int64(st, 7);
		r.overdraft = sqlite3_column_int64(st, 8);
		r.energy_wh = sqlite3_column_int64(st, 9);
		r.status = sqlite3_column_int64(st, 10);
		r.result = sqlite3_column_int64(st, 11);
		r.illegal = sqlite3_column_int64(st, 12);
		r.meter_time = sqlite3_column_int64(st, 13);
		r.read_at = sqlite3_column_int64(st, 14);
		if ((rc = fn(&r, ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "return records");
out:
	sqlite3_finalize(st);
	return rc;
}

int db_card_set_tariffs(struct db *db, int64_t id, int64_t ef03, int64_t ef04)
{
	return db_run(db, "UPDATE cards SET tariff_ef03 = NULLIF(?, 0), tariff_ef04 = NULLIF(?, 0) "
			  "WHERE id = ?", "iii", ef03, ef04, id);
}
