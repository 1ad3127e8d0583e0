/* db_account_ops: the SQL of the special operations on an account. */
#include "db_account_ops.h"

#include <stdio.h>
#include <string.h>

#include "db_int.h"
#include "err.h"

int db_account_set_status(struct db *db, int64_t id, const char *status, int64_t closed_at)
{
	return db_run(db, "UPDATE accounts SET status = ?, closed_at = coalesce(nullif(?, 0), "
			  "closed_at) WHERE id = ?", "tii", status, closed_at, id);
}

int db_customer_update(struct db *db, const struct customer_rec *c)
{
	return db_run(db, "UPDATE customers SET name = ?, id_number = ?, phone = ?, address = ? "
			  "WHERE id = ?", "tnnni", c->name, c->id_number, c->phone, c->address,
		      c->id);
}

int db_account_update_premises(struct db *db, const struct account_rec *a)
{
	char floor[16];

	snprintf(floor, sizeof(floor), "%d", a->floor);
	return db_run(db, "UPDATE accounts SET building = ?, floor = CAST(? AS INTEGER), room = ?, "
			  "area_dm2 = ? WHERE id = ?", "tntii", a->building,
		      a->has_floor ? floor : NULL, a->room, a->area_dm2, a->id);
}

int db_account_set_customer(struct db *db, int64_t id, int64_t customer_id)
{
	return db_run(db, "UPDATE accounts SET customer_id = ? WHERE id = ?", "ii", customer_id, id);
}

int db_meter_remove(struct db *db, int64_t id, int64_t removed_at)
{
	return db_run(db, "UPDATE meters SET status = 'removed', removed_at = ? WHERE id = ?", "ii",
		      removed_at, id);
}

int db_meter_add(struct db *db, struct meter_rec *m)
{
	char owner[ACCOUNT_NO_MAX + 1];
	int rc = db_run(db, "INSERT INTO meters(meter_no, account_id, tariff_id, mode, phases, "
			    "installed_at) VALUES (?, ?, ?, ?, ?, ?)",
			"tiitIi", m->meter_no, m->account_id, m->tariff_id, m->mode, m->phases,
			m->installed_at);

	if (rc == -SD_EXISTS) {
		if (db_meter_owner(db, m->meter_no, owner) == 0)
			return err_set(rc, "meter %s is already on account %s", m->meter_no, owner);
		return err_set(rc, "meter %s is already registered", m->meter_no);
	}
	return rc ? rc : db_int(db, &m->id, "SELECT last_insert_rowid()", NULL);
}

int db_meter_set_carry(struct db *db, int64_t id, int64_t old_id, int64_t fen)
{
	return db_run(db, "UPDATE meters SET replaces = ?, carry_fen = ?, carry_seq = NULL "
			  "WHERE id = ?", "iii", old_id, fen, id);
}

int db_meter_carry_of(struct db *db, int64_t account_id, struct meter_carry *out)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, &st, "SELECT m.id, m.meter_no, m.mode, o.meter_no, m.carry_fen, "
				     "ifnull(m.carry_seq, 0) FROM meters m JOIN meters o ON "
				     "o.id = m.replaces WHERE m.account_id = ? AND m.status = "
				     "'active' AND m.carry_fen IS NOT NULL ORDER BY m.id LIMIT 1",
			    "i", account_id);

	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->meter_id = sqlite3_column_int64(st, 0);
		db_col_text(st, 1, out->meter_no, sizeof(out->meter_no));
		db_col_text(st, 2, out->mode, sizeof(out->mode));
		db_col_text(st, 3, out->old_no, sizeof(out->old_no));
		out->fen = sqlite3_column_int64(st, 4);
		out->seq = sqlite3_column_int64(st, 5);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? -SD_NOT_FOUND : db_error(db, rc, "meter carry");
	}
	sqlite3_finalize(st);
	return rc;
}

int db_meter_carry_seq(struct db *db, int64_t id, int64_t seq)
{
	return db_run(db, "UPDATE meters SET carry_seq = ? WHERE id = ?", "ii", seq, id);
}

int db_meter_carry_done(struct db *db, int64_t id)
{
	return db_run(db, "UPDATE meters SET carry_fen = NULL, carry_seq = NULL WHERE id = ?", "i",
		      id);
}

int db_card_lost_id(struct db *db, int64_t account_id, int64_t *card_id)
{
	return db_int(db, card_id, "SELECT id FROM cards WHERE account_id = ? AND kind = 'user' "
				   "AND status = 'lost' ORDER BY issued_at DESC, id DESC LIMIT 1",
		      "i", account_id);
}
