/* db_account_ops: the SQL of the special operations on an account. */
#include "db_account_ops.h"

#include <stdio.h>

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

int db_card_lost_id(struct db *db, int64_t account_id, int64_t *card_id)
{
	return db_int(db, card_id, "SELECT id FROM cards WHERE account_id = ? AND kind = 'user' "
				   "AND status = 'lost' ORDER BY issued_at DESC, id DESC LIMIT 1",
		      "i", account_id);
}
