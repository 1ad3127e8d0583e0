/* db_poll: state, history, rollups and freezes. */
#include "db_poll.h"

#include <stdio.h>
#include <string.h>

#include "db_int.h"
#include "err.h"

int db_poll_save_state(struct db *db, int64_t meter_id, int64_t now,
		       const struct poll_outcome *o)
{
	const struct poll_reading *r = &o->r;
	int rc;

	rc = db_run(db, "INSERT INTO meter_state(meter_id, updated_at) VALUES (?, ?) "
			"ON CONFLICT(meter_id) DO UPDATE SET updated_at = excluded.updated_at",
		    "ii", meter_id, now);
	if (rc)
		return rc;
	rc = db_run(db, "UPDATE meter_state SET online = ?, misses = ?, next_probe_at = ?, "
			"polls = polls + ?, timeouts = timeouts + ?, crc_errors = crc_errors + ?, "
			"exceptions = exceptions + ?, last_error = ? WHERE meter_id = ?",
		    "IIiIIIIti", o->online, o->misses, o->next_probe_at, o->polled, o->timeouts,
		    o->crc_errors, o->exceptions, o->error, meter_id);
	if (rc || !o->ok)
		return rc;
	return db_run(db, "UPDATE meter_state SET read_at = ?, energy_wh = ?, sharp_wh = ?, "
			  "peak_wh = ?, flat_wh = ?, valley_wh = ?, voltage_dv = ?, current_ca = ?, "
			  "power_w = ?, reactive_var = ?, apparent_va = ?, pf_milli = ?, freq_chz = ?, "
			  "relay = ?, relay_reason = ?, keep_power = ?, alarm_level = ?, flags = ?, "
			  "balance_fen = ?, energy_left_wh = ?, purchased_fen = ?, purchase_count = ?, "
			  "md_w = ?, md_at = ?, meter_clock = ?, price = ?, rate = ?, freeze_seq = ?, "
			  "month_wh = ?, u_b_dv = ?, u_c_dv = ? WHERE meter_id = ?",
		      "iiiiiiiiiiiiiIIIIIiiiiiiiiIIiiii", now, r->energy_wh, r->sharp_wh,
		      r->peak_wh, r->flat_wh, r->valley_wh, r->voltage_dv, r->current_ca, r->power_w,
		      r->reactive_var, r->apparent_va, r->pf_milli, r->freq_chz, r->relay,
		      r->relay_reason, r->keep_power, r->alarm_level, r->flags, r->balance_fen,
		      r->energy_left_wh, r->purchased_fen, r->purchase_count, r->md_w, r->md_at,
		      r->meter_clock, r->price, r->rate, r->freeze_seq, r->month_wh, r->u_b_dv,
		      r->u_c_dv, meter_id);
}

int db_poll_history(struct db *db, int64_t meter_id, int64_t ts, const struct poll_reading *r)
{
	return db_run(db, "INSERT OR REPLACE INTO meter_history(meter_id, ts, energy_wh, "
			  "balance_fen, power_w, voltage_dv, flags) VALUES (?, ?, ?, ?, ?, ?, ?)",
		      "iiiiiiI", meter_id, ts, r->energy_wh, r->balance_fen, r->power_w,
		      r->voltage_dv, r->flags);
}

int db_poll_rollup(struct db *db, int64_t meter_id, int64_t ts, int utc_offset_min, int64_t wh)
{
	int64_t off = (int64_t)utc_offset_min * 60;
	int64_t hour = ts - ((ts % 3600) + 3600) % 3600;
	int64_t local = ts + off;
	int64_t day = local - ((local % 86400) + 86400) % 86400 - off;
	int rc;

	if (wh <= 0)
		return 0;
	rc = db_run(db, "INSERT INTO energy_hourly(meter_id, hour_ts, wh) VALUES (?, ?, ?) "
			"ON CONFLICT(meter_id, hour_ts) DO UPDATE SET wh = wh + excluded.wh",
		    "iii", meter_id, hour, wh);
	if (rc)
		return rc;
	return db_run(db, "INSERT INTO energy_daily(meter_id, day_ts, wh) VALUES (?, ?, ?) "
			  "ON CONFLICT(meter_id, day_ts) DO UPDATE SET wh = wh + excluded.wh",
		      "iii", meter_id, day, wh);
}

int db_poll_freeze(struct db *db, int64_t meter_id, int64_t now, const struct freeze_rec *f,
		   int64_t *reading_wh)
{
	int64_t wh = -1;
	int rc;

	rc = db_int(db, &wh, "SELECT energy_wh FROM meter_history WHERE meter_id = ? AND ts <= ? "
			     "ORDER BY ts DESC LIMIT 1",
		    "ii", meter_id, f->freeze_at);
	if (rc == -SD_NOT_FOUND)
		wh = -1;
	else if (rc)
		return rc;
	*reading_wh = wh;
	return db_run(db, "INSERT OR IGNORE INTO meter_freezes(meter_id, freeze_at, energy_wh, "
			  "sharp_wh, peak_wh, flat_wh, valley_wh, md_w, balance_fen, read_at, "
			  "reading_wh) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, -1))",
		      "iiiiiiiiiii", meter_id, f->freeze_at, f->energy_wh, f->sharp_wh, f->peak_wh,
		      f->flat_wh, f->valley_wh, f->md_w, f->balance_fen, now, wh);
}

int db_poll_prune(struct db *db, int64_t before)
{
	return db_run(db, "DELETE FROM meter_history WHERE ts < ?", "i", before);
}

int db_poll_state_each(struct db *db, int64_t bus_id, const char *meter_no,
		       int (*fn)(const struct meter_state_rec *, void *), void *ctx)
{
	sqlite3_stmt *st;
	struct meter_state_rec m;
	int rc;

	rc = db_prepare(db, &st,
			"SELECT m.meter_no, b.name, w.unit_id, s.meter_id IS NOT NULL, "
			"s.read_at IS NOT NULL, ifnull(s.online, 0), ifnull(s.misses, 0), "
			"ifnull(s.read_at, 0), ifnull(s.next_probe_at, 0), "
			"ifnull(s.energy_wh, 0), ifnull(s.voltage_dv, 0), ifnull(s.power_w, 0), "
			"ifnull(s.relay, 0), ifnull(s.relay_reason, 0), ifnull(s.keep_power, 0), "
			"ifnull(s.alarm_level, 0), ifnull(s.flags, 0), ifnull(s.balance_fen, 0), "
			"ifnull(s.purchase_count, 0), ifnull(s.meter_clock, 0), ifnull(s.price, 0), "
			"ifnull(s.freeze_seq, 0), ifnull(s.polls, 0), ifnull(s.timeouts, 0), "
			"ifnull(s.crc_errors, 0), ifnull(s.exceptions, 0), ifnull(s.last_error, ''), "
			"ifnull(s.current_ca, 0), ifnull(s.month_wh, 0), "
			"ifnull(s.sharp_wh, 0), ifnull(s.peak_wh, 0), ifnull(s.flat_wh, 0), "
			"ifnull(s.valley_wh, 0), ifnull(s.pf_milli, 0), ifnull(s.freq_chz, 0), "
			"ifnull(s.reactive_var, 0), ifnull(s.apparent_va, 0), "
			"ifnull(s.energy_left_wh, 0), ifnull(s.purchased_fen, 0), ifnull(s.md_w, 0), "
			"ifnull(s.md_at, 0), ifnull(s.rate, 0) "
			"FROM meter_wiring w JOIN meters m ON m.id = w.meter_id "
			"JOIN buses b ON b.id = w.bus_id LEFT JOIN meter_state s ON s.meter_id = m.id "
			"WHERE (? = 0 OR w.bus_id = ?) AND (? IS NULL OR m.meter_no = ?) "
			"ORDER BY b.id, w.unit_id",
			"iinn", bus_id, bus_id, meter_no, meter_no);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&m, 0, sizeof(m));
		db_col_text(st, 0, m.meter_no, sizeof(m.meter_no));
		db_col_text(st, 1, m.bus, sizeof(m.bus));
		m.unit = sqlite3_column_int(st, 2);
		m.has_state = sqlite3_column_int(st, 3);
		m.has_reading = sqlite3_column_int(st, 4);
		m.online = sqlite3_column_int(st, 5);
		m.misses = sqlite3_column_int(st, 6);
		m.read_at = sqlite3_column_int64(st, 7);
		m.next_probe_at = sqlite3_column_int64(st, 8);
		m.r.energy_wh = sqlite3_column_int64(st, 9);
		m.r.voltage_dv = sqlite3_column_int64(st, 10);
		m.r.power_w = sqlite3_column_int64(st, 11);
		m.r.relay = sqlite3_column_int(st, 12);
		m.r.relay_reason = sqlite3_column_int(st, 13);
		m.r.keep_power = sqlite3_column_int(st, 14);
		m.r.alarm_level = sqlite3_column_int(st, 15);
		m.r.flags = sqlite3_column_int(st, 16);
		m.r.balance_fen = sqlite3_column_int64(st, 17);
		m.r.purchase_count = sqlite3_column_int64(st, 18);
		m.r.meter_clock = sqlite3_column_int64(st, 19);
		m.r.price = sqlite3_column_int64(st, 20);
		m.r.freeze_seq = sqlite3_column_int(st, 21);
		m.polls = sqlite3_column_int64(st, 22);
		m.timeouts = sqlite3_column_int64(st, 23);
		m.crc_errors = sqlite3_column_int64(st, 24);
		m.exceptions = sqlite3_column_int64(st, 25);
		db_col_text(st, 26, m.last_error, sizeof(m.last_error));
		m.r.current_ca = sqlite3_column_int64(st, 27);
		m.r.month_wh = sqlite3_column_int64(st, 28);
		m.r.sharp_wh = sqlite3_column_int64(st, 29);
		m.r.peak_wh = sqlite3_column_int64(st, 30);
		m.r.flat_wh = sqlite3_column_int64(st, 31);
		m.r.valley_wh = sqlite3_column_int64(st, 32);
		m.r.pf_milli = sqlite3_column_int64(st, 33);
		m.r.freq_chz = sqlite3_column_int64(st, 34);
		m.r.reactive_var = sqlite3_column_int64(st, 35);
		m.r.apparent_va = sqlite3_column_int64(st, 36);
		m.r.energy_left_wh = sqlite3_column_int64(st, 37);
		m.r.purchased_fen = sqlite3_column_int64(st, 38);
		m.r.md_w = sqlite3_column_int64(st, 39);
		m.r.md_at = sqlite3_column_int64(st, 40);
		m.r.rate = sqlite3_column_int(st, 41);
		if ((rc = fn(&m, ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "meter state");
out:
	sqlite3_finalize(st);
	return rc;
}

int db_poll_heartbeat(struct db *db, int64_t now, int interval_ms)
{
	/* A setting, not a table: one row, "<now> <interval ms>", written
	 * each cycle by every bus (the newest wins), read with the alarm
	 * count in one query. The interval lets the reader judge staleness. */
	return db_run(db, "INSERT INTO settings(key, value) VALUES ('poll.heartbeat', "
			  "CAST(?1 AS TEXT) || ' ' || CAST(?2 AS TEXT)) "
			  "ON CONFLICT(key) DO UPDATE SET value = excluded.value "
			  "WHERE CAST(excluded.value AS INTEGER) >= CAST(value AS INTEGER)",
		      "iI", now, interval_ms);
}

int db_poll_info(struct db *db, int64_t meter_id, int64_t now, const struct meter_info *in)
{
	return db_run(db, "INSERT INTO meter_params(meter_id, info_at, meter_type, map_version, "
			  "firmware, address, number, key_version, features) "
			  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(meter_id) DO UPDATE SET "
			  "info_at = excluded.info_at, meter_type = excluded.meter_type, "
			  "map_version = excluded.map_version, firmware = excluded.firmware, "
			  "address = excluded.address, number = excluded.number, "
			  "key_version = excluded.key_version, features = excluded.features",
		      "iiIIIInII", meter_id, now, in->type, in->map_version, in->firmware,
		      in->address, in->number, in->key_version, in->features);
}

void db_poll_tou_text(const struct meter_params *p, char *buf, size_t len)
{
	size_t used = 0;
	int k;

	buf[0] = 0;
	for (k = 0; k < p->tou_n && k < 8 && used < len; k++)
		used += (size_t)snprintf(buf + used, len - used, "%s%d,%d", k ? "," : "",
					 p->tou_start[k], p->tou_rate[k]);
}

int db_poll_params(struct db *db, int64_t meter_id, int64_t now, const struct meter_params *p)
{
	char tou[128];

	db_poll_tou_text(p, tou, sizeof(tou));
	return db_run(db, "INSERT INTO meter_params(meter_id, params_at, alarm1, alarm2, alarm3, "
			  "credit_limit, power_limit, restore_s, malignant_w, price_sharp, "
			  "price_peak, price_flat, price_valley, tou) "
			  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
			  "ON CONFLICT(meter_id) DO UPDATE SET params_at = excluded.params_at, "
			  "alarm1 = excluded.alarm1, alarm2 = excluded.alarm2, "
			  "alarm3 = excluded.alarm3, credit_limit = excluded.credit_limit, "
			  "power_limit = excluded.power_limit, restore_s = excluded.restore_s, "
			  "malignant_w = excluded.malignant_w, price_sharp = excluded.price_sharp, "
			  "price_peak = excluded.price_peak, price_flat = excluded.price_flat, "
			  "price_valley = excluded.price_valley, tou = excluded.tou",
		      "iiiiiiiIIiiiit", meter_id, now, p->alarm[0], p->alarm[1], p->alarm[2],
		      p->credit_limit, p->power_limit_w, p->restore_s, p->malignant_w, p->price[0],
		      p->price[1], p->price[2], p->price[3], tou);
}

int db_poll_key_version(struct db *db, int64_t meter_id, int key_version)
{
	return db_run(db, "UPDATE meter_wiring SET key_version = ? WHERE meter_id = ?", "Ii",
		      key_version, meter_id);
}

int db_poll_params_get(struct db *db, const char *meter_no, struct meter_params_rec *out)
{
	sqlite3_stmt *st;
	const char *tou;
	int rc, k, used;

	memset(out, 0, sizeof(*out));
	rc = db_prepare(db, &st,
			"SELECT ifnull(p.info_at, 0), ifnull(p.meter_type, 0), "
			"ifnull(p.map_version, 0), ifnull(p.firmware, 0), ifnull(p.address, 0), "
			"ifnull(p.number, ''), ifnull(p.key_version, 0), ifnull(p.features, 0), "
			"ifnull(p.params_at, 0), ifnull(p.alarm1, 0), ifnull(p.alarm2, 0), "
			"ifnull(p.alarm3, 0), ifnull(p.credit_limit, 0), ifnull(p.power_limit, 0), "
			"ifnull(p.restore_s, 0), ifnull(p.malignant_w, 0), ifnull(p.price_sharp, 0), "
			"ifnull(p.price_peak, 0), ifnull(p.price_flat, 0), ifnull(p.price_valley, 0), "
			"ifnull(p.tou, '') FROM meters m LEFT JOIN meter_params p ON p.meter_id = m.id "
			"WHERE m.meter_no = ?",
			"t", meter_no);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? err_set(-SD_NOT_FOUND, "no meter %s", meter_no)
				       : db_error(db, rc, "meter parameters");
		sqlite3_finalize(st);
		return rc;
	}
	out->info_at = sqlite3_column_int64(st, 0);
	out->info.type = sqlite3_column_int(st, 1);
	out->info.map_version = sqlite3_column_int(st, 2);
	out->info.firmware = sqlite3_column_int(st, 3);
	out->info.address = sqlite3_column_int(st, 4);
	db_col_text(st, 5, out->info.number, sizeof(out->info.number));
	out->info.key_version = sqlite3_column_int(st, 6);
	out->info.features = sqlite3_column_int(st, 7);
	out->params_at = sqlite3_column_int64(st, 8);
	for (k = 0; k < 3; k++)
		out->p.alarm[k] = sqlite3_column_int64(st, 9 + k);
	out->p.credit_limit = sqlite3_column_int64(st, 12);
	out->p.power_limit_w = sqlite3_column_int64(st, 13);
	out->p.restore_s = sqlite3_column_int(st, 14);
	out->p.malignant_w = sqlite3_column_int(st, 15);
	for (k = 0; k < 4; k++)
		out->p.price[k] = sqlite3_column_int64(st, 16 + k);
	tou = (const char *)sqlite3_column_text(st, 20);
	while (tou && *tou && out->p.tou_n < 8 &&
	       sscanf(tou, "%d,%d%n", &out->p.tou_start[out->p.tou_n],
		      &out->p.tou_rate[out->p.tou_n], &used) == 2) {
		out->p.tou_n++;
		tou += used;
		if (*tou == ',')
			tou++;
	}
	sqlite3_finalize(st);
	return 0;
}

int db_cmd_last_done(struct db *db, int64_t meter_id, const char *kind, char *args, size_t len,
		     int64_t *at)
{
	sqlite3_stmt *st;
	int rc;

	rc = db_prepare(db, &st,
			"SELECT args, updated_at FROM commands WHERE meter_id = ? AND kind = ? "
			"AND state = 'done' ORDER BY id DESC LIMIT 1",
			"it", meter_id, kind);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_col_text(st, 0, args, len);
		*at = sqlite3_column_int64(st, 1);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? -SD_NOT_FOUND : db_error(db, rc, "last command");
	}
	sqlite3_finalize(st);
	return rc;
}
