/* db_bus: buses and wiring. */
#include "db_bus.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db_int.h"
#include "err.h"

#define BUS_COLS "b.id, b.name, b.kind, b.device, b.baud, b.parity, b.stop_bits, b.rs485, " \
		 "b.host, b.port, b.turnaround_ms, b.enabled, b.from_config, " \
		 "(SELECT count(*) FROM meter_wiring w WHERE w.bus_id = b.id)"

static void read_bus(sqlite3_stmt *st, struct bus_rec *b)
{
	char parity[4];

	memset(b, 0, sizeof(*b));
	b->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, b->name, sizeof(b->name));
	db_col_text(st, 2, b->kind, sizeof(b->kind));
	db_col_text(st, 3, b->device, sizeof(b->device));
	b->baud = sqlite3_column_int(st, 4);
	db_col_text(st, 5, parity, sizeof(parity));
	b->parity = parity[0];
	b->stop_bits = sqlite3_column_int(st, 6);
	b->rs485 = sqlite3_column_int(st, 7);
	db_col_text(st, 8, b->host, sizeof(b->host));
	b->port = sqlite3_column_int(st, 9);
	b->turnaround_ms = sqlite3_column_int(st, 10);
	b->enabled = sqlite3_column_int(st, 11);
	b->from_config = sqlite3_column_int(st, 12);
	b->meters = sqlite3_column_int(st, 13);
}

int db_bus_insert(struct db *db, struct bus_rec *b)
{
	char parity[2] = { b->parity ? b->parity : 'N', 0 };
	int rtu = strcmp(b->kind, "rtu") == 0;
	int rc;

	rc = db_run(db, "INSERT INTO buses(name, kind, device, baud, parity, stop_bits, rs485, "
			"host, port, turnaround_ms, enabled, created_at, from_config) "
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, 1, ?, ?)",
		    "ttnItIInIIiI", b->name, b->kind, rtu ? b->device : "", b->baud, parity,
		    b->stop_bits, b->rs485, rtu ? "" : b->host, rtu ? 0 : b->port,
		    b->turnaround_ms, clock_now(), b->from_config ? 1 : 0);
	if (rc == -SD_EXISTS)
		return err_set(rc, "a bus named \"%s\" already exists", b->name);
	if (rc)
		return rc;
	b->id = sqlite3_last_insert_rowid(db->conn);
	return 0;
}

int db_bus_update(struct db *db, const struct bus_rec *b)
{
	char parity[2] = { b->parity ? b->parity : 'N', 0 };
	int rtu = strcmp(b->kind, "rtu") == 0;

	return db_run(db, "UPDATE buses SET kind = ?, device = ?, baud = ?, parity = ?, "
			  "stop_bits = ?, rs485 = ?, host = ?, port = NULLIF(?, 0), "
			  "turnaround_ms = ?, enabled = 1 WHERE id = ?",
		      "tnItIInIIi", b->kind, rtu ? b->device : "", b->baud, parity, b->stop_bits,
		      b->rs485, rtu ? "" : b->host, rtu ? 0 : b->port, b->turnaround_ms, b->id);
}

int db_bus_unwire_all(struct db *db, int64_t bus_id)
{
	return db_run(db, "DELETE FROM meter_wiring WHERE bus_id = ?", "i", bus_id);
}

int db_meter_wiring(struct db *db, int64_t meter_id, int64_t *bus_id, int *unit,
		    int *from_config)
{
	sqlite3_stmt *st;
	int rc;

	rc = db_prepare(db, &st, "SELECT w.bus_id, w.unit_id, b.from_config FROM meter_wiring w "
				 "JOIN buses b ON b.id = w.bus_id WHERE w.meter_id = ?",
			"i", meter_id);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*bus_id = sqlite3_column_int64(st, 0);
		*unit = sqlite3_column_int(st, 1);
		*from_config = sqlite3_column_int(st, 2);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? -SD_NOT_FOUND : db_error(db, rc, "meter wiring");
	}
	sqlite3_finalize(st);
	return rc;
}

int db_bus_config_wiring(struct db *db,
			 int (*fn)(int64_t, const char *, int64_t, int, void *), void *ctx)
{
	sqlite3_stmt *st;
	char no[13];
	int rc;

	rc = db_prepare(db, &st, "SELECT w.meter_id, m.meter_no, w.bus_id, w.unit_id "
				 "FROM meter_wiring w JOIN buses b ON b.id = w.bus_id "
				 "JOIN meters m ON m.id = w.meter_id WHERE b.from_config = 1 "
				 "ORDER BY w.meter_id", "");
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_col_text(st, 1, no, sizeof(no));
		if ((rc = fn(sqlite3_column_int64(st, 0), no, sqlite3_column_int64(st, 2),
			     sqlite3_column_int(st, 3), ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "config wiring");
out:
	sqlite3_finalize(st);
	return rc;
}

int db_bus_get(struct db *db, const char *key, struct bus_rec *out)
{
	sqlite3_stmt *st;
	int rc;

	rc = db_prepare(db, &st, "SELECT " BUS_COLS " FROM buses b WHERE b.name = ? "
				 "OR CAST(b.id AS TEXT) = ? ORDER BY b.name = ? DESC LIMIT 1",
			"ttt", key, key, key);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_bus(st, out);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = err_set(-SD_NOT_FOUND, "no bus \"%s\"; see `saledesk bus list`", key);
	} else {
		rc = db_error(db, rc, "bus get");
	}
	sqlite3_finalize(st);
	return rc;
}

int db_bus_each(struct db *db, int enabled_only,
		int (*fn)(const struct bus_rec *, void *), void *ctx)
{
	sqlite3_stmt *st;
	struct bus_rec b;
	int rc;

	rc = db_prepare(db, &st, "SELECT " BUS_COLS " FROM buses b WHERE b.enabled >= ? "
				 "ORDER BY b.id", "I", enabled_only ? 1 : 0);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_bus(st, &b);
		if ((rc = fn(&b, ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "bus list");
out:
	sqlite3_finalize(st);
	return rc;
}

int db_bus_delete(struct db *db, int64_t id)
{
	int64_t n = 0;
	int rc;

	if ((rc = db_int(db, &n, "SELECT count(*) FROM meter_wiring WHERE bus_id = ?", "i", id)))
		return rc;
	if (n)
		return err_set(-SD_STATE, "%lld meters are wired to this bus; "
					  "unwire them first (saledesk meter unwire)", (long long)n);
	/* Events keep their history: a bus with events is disabled, not
	 * deleted. */
	if ((rc = db_int(db, &n, "SELECT count(*) FROM events WHERE bus_id = ?", "i", id)))
		return rc;
	if (n)
		return db_run(db, "UPDATE buses SET enabled = 0 WHERE id = ?", "i", id);
	return db_run(db, "DELETE FROM buses WHERE id = ?", "i", id);
}

int db_meter_id(struct db *db, const char *meter_no, int64_t *id)
{
	int rc = db_int(db, id, "SELECT id FROM meters WHERE meter_no = ?", "t", meter_no);

	if (rc == -SD_NOT_FOUND)
		return err_set(rc, "no meter %s; open an account with it first", meter_no);
	return rc;
}

int db_meter_wire(struct db *db, const char *meter_no, int64_t bus_id, int unit,
		  const unsigned char *key, int key_version, int64_t *meter_id)
{
	int rc;

	if ((rc = db_meter_id(db, meter_no, meter_id)))
		return rc;
	rc = db_run(db, "INSERT INTO meter_wiring(meter_id, bus_id, unit_id) VALUES (?, ?, ?) "
			"ON CONFLICT(meter_id) DO UPDATE SET bus_id = excluded.bus_id, "
			"unit_id = excluded.unit_id",
		    "iiI", *meter_id, bus_id, unit);
	if (rc == -SD_EXISTS || rc == -SD_DB_CONSTRAINT)
		return err_set(-SD_EXISTS, "unit id %d on that bus already belongs to another meter",
			       unit);
	if (!rc && key)
		rc = db_run(db, "UPDATE meter_wiring SET recharge_key = ? WHERE meter_id = ?", "bi",
			    key, BUS_KEY_LEN, *meter_id);
	if (!rc && key_version >= 0)
		rc = db_run(db, "UPDATE meter_wiring SET key_version = ? WHERE meter_id = ?", "ii",
			    (int64_t)key_version, *meter_id);
	return rc;
}

int db_meter_unwire(struct db *db, const char *meter_no)
{
	int64_t id;
	int rc;

	if ((rc = db_meter_id(db, meter_no, &id)))
		return rc;
	if ((rc = db_run(db, "DELETE FROM meter_wiring WHERE meter_id = ?", "i", id)))
		return rc;
	if (sqlite3_changes(db->conn) == 0)
		return err_set(-SD_NOT_FOUND, "meter %s is not wired to a bus", meter_no);
	return 0;
}

int db_poll_meters(struct db *db, int64_t bus_id, struct poll_meter **out, int *n)
{
	sqlite3_stmt *st = NULL;
	struct poll_meter *v = NULL, *m;
	int cap = 0, rc;

	*out = NULL;
	*n = 0;
	rc = db_prepare(db, &st,
			"SELECT m.id, m.meter_no, w.unit_id, m.phases, w.recharge_key, "
			"s.meter_id IS NOT NULL, ifnull(s.online, 0), ifnull(s.misses, 0), "
			"ifnull(s.next_probe_at, 0), s.read_at IS NOT NULL, ifnull(s.energy_wh, 0), "
			"ifnull(s.purchase_count, -1), ifnull(s.freeze_seq, -1), ifnull(s.read_at, 0), "
			"ifnull((SELECT max(h.ts) FROM meter_history h WHERE h.meter_id = m.id), 0), "
			"m.mode, m.tariff_id, ifnull(a.id, 0), ifnull(a.credit_limit, 0), "
			"ifnull(a.alarm1, 0), ifnull(a.alarm2, 0), ifnull(a.alarm3, 0), "
			"ifnull((SELECT group_concat(e.kind) FROM events e WHERE e.meter_id = m.id "
			"AND e.cleared_at IS NULL), ''), w.key_version, ifnull(p.info_at, 0), "
			"ifnull(p.params_at, 0), ifnull(p.meter_type, 0) "
			"FROM meter_wiring w JOIN meters m ON m.id = w.meter_id "
			"LEFT JOIN meter_params p ON p.meter_id = m.id "
			"LEFT JOIN accounts a ON a.id = m.account_id "
			"LEFT JOIN meter_state s ON s.meter_id = m.id "
			"WHERE w.bus_id = ? AND m.status = 'active' ORDER BY w.unit_id",
			"i", bus_id);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			struct poll_meter *nv;

			cap = cap ? cap * 2 : 32;
			nv = realloc(v, (size_t)cap * sizeof(*v));
			if (!nv) {
				rc = err_set(-SD_NOMEM, "loading the meters of bus %lld",
					     (long long)bus_id);
				goto out;
			}
			v = nv;
		}
		m = &v[(*n)++];
		memset(m, 0, sizeof(*m));
		m->meter_id = sqlite3_column_int64(st, 0);
		db_col_text(st, 1, m->meter_no, sizeof(m->meter_no));
		m->unit = sqlite3_column_int(st, 2);
		m->phases = sqlite3_column_int(st, 3);
		if (sqlite3_column_bytes(st, 4) == BUS_KEY_LEN) {
			memcpy(m->key, sqlite3_column_blob(st, 4), BUS_KEY_LEN);
			m->has_key = 1;
		}
		m->has_state = sqlite3_column_int(st, 5);
		m->online = sqlite3_column_int(st, 6);
		m->misses = sqlite3_column_int(st, 7);
		m->next_probe_at = sqlite3_column_int64(st, 8);
		m->has_reading = sqlite3_column_int(st, 9);
		m->energy_wh = sqlite3_column_int64(st, 10);
		m->purchase_count = sqlite3_column_int64(st, 11);
		m->freeze_seq = sqlite3_column_int64(st, 12);
		m->read_at = sqlite3_column_int64(st, 13);
		m->last_history_at = sqlite3_column_int64(st, 14);
		db_col_text(st, 15, m->mode, sizeof(m->mode));
		m->tariff_id = sqlite3_column_int64(st, 16);
		m->account_id = sqlite3_column_int64(st, 17);
		m->credit_limit = sqlite3_column_int64(st, 18);
		m->alarm[0] = sqlite3_column_int64(st, 19);
		m->alarm[1] = sqlite3_column_int64(st, 20);
		m->alarm[2] = sqlite3_column_int64(st, 21);
		db_col_text(st, 22, m->open_alarms, sizeof(m->open_alarms));
		m->key_version = sqlite3_column_int(st, 23);
		m->info_at = sqlite3_column_int64(st, 24);
		m->params_at = sqlite3_column_int64(st, 25);
		m->info_type = sqlite3_column_int(st, 26);
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "poll meters");
out:
	sqlite3_finalize(st);
	if (rc) {
		if (v)
			memset(v, 0, (size_t)cap * sizeof(*v));
		free(v);
		*n = 0;
		return rc;
	}
	*out = v;
	return 0;
}

int db_wiring_keys_each(struct db *db,
			int (*fn)(int64_t, const char *, int, const unsigned char *, void *),
			void *ctx)
{
	sqlite3_stmt *st = NULL;
	unsigned char key[BUS_KEY_LEN];
	char no[13];
	int rc;

	rc = db_prepare(db, &st,
			"SELECT w.meter_id, m.meter_no, w.key_version, w.recharge_key "
			"FROM meter_wiring w JOIN meters m ON m.id = w.meter_id "
			"WHERE w.recharge_key IS NOT NULL ORDER BY w.meter_id",
			NULL);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 3) != BUS_KEY_LEN)
			continue;
		db_col_text(st, 1, no, sizeof(no));
		memcpy(key, sqlite3_column_blob(st, 3), BUS_KEY_LEN);
		rc = fn(sqlite3_column_int64(st, 0), no, sqlite3_column_int(st, 2), key, ctx);
		memset(key, 0, sizeof(key));
		if (rc)
			break;
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = db_error(db, rc, "meters with a key of their own");
	sqlite3_finalize(st);
	return rc;
}

int db_wiring_clear_key(struct db *db, int64_t meter_id)
{
	return db_run(db, "UPDATE meter_wiring SET recharge_key = NULL WHERE meter_id = ?", "i",
		      meter_id);
}
