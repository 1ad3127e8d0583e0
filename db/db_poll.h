/* db_poll: what one poll cycle writes — the latest state per meter, the
 * history at an interval, energy rollups and freeze records. Every
 * function here runs inside the caller's write transaction. */
#ifndef SALEDESK_DB_POLL_H
#define SALEDESK_DB_POLL_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* The live block of one meter, decoded into desk units (meter.c). */
struct poll_reading {
	int64_t energy_wh, sharp_wh, peak_wh, flat_wh, valley_wh;
	int64_t voltage_dv, current_ca, power_w, reactive_var, apparent_va;
	int64_t pf_milli, freq_chz;
	int relay, relay_reason, keep_power, alarm_level, flags;
	int64_t balance_fen, energy_left_wh, purchased_fen, purchase_count;
	int64_t md_w, md_at, meter_clock, price; /* md_at, meter_clock in UTC */
	int rate, freeze_seq;
	int64_t month_wh;
	int64_t u_b_dv, u_c_dv;
};

/* What one cycle learned about one meter. */
struct poll_outcome {
	int polled;          /* a request was sent this cycle */
	int ok;              /* r holds a fresh reading */
	struct poll_reading r;
	int online, misses;
	int64_t next_probe_at;
	int timeouts, crc_errors, exceptions; /* this cycle's counts */
	char error[160];     /* the last error, "" if none */
};

/* Writes o into meter_state for meter_id at now (UTC). */
int db_poll_save_state(struct db *db, int64_t meter_id, int64_t now,
		       const struct poll_outcome *o);

/* Appends a history row for meter_id at ts. */
int db_poll_history(struct db *db, int64_t meter_id, int64_t ts, const struct poll_reading *r);

/* Books wh to the hour and the site-local day of ts. */
int db_poll_rollup(struct db *db, int64_t meter_id, int64_t ts, int utc_offset_min, int64_t wh);

struct freeze_rec {
	int64_t freeze_at;   /* UTC */
	int64_t energy_wh, sharp_wh, peak_wh, flat_wh, valley_wh, md_w, balance_fen;
};

/* Stores a freeze record (once per meter and freeze time) with the
 * desk's own last history reading at or before it, however old (the
 * service may have been down over the 1st), for the check. Call it
 * before this cycle's history row is written: that reading is after the
 * freeze by definition, whatever the two clocks say. Sets
 * *reading_wh to it, or -1 if there is none. */
int db_poll_freeze(struct db *db, int64_t meter_id, int64_t now, const struct freeze_rec *f,
		   int64_t *reading_wh);

/* Device info 0x0200 as the meter reports it (meter.c). */
struct meter_info {
	int type;             /* 1 single-phase, 3 three-phase */
	int map_version;      /* 0x0100 = 1.0 */
	int firmware, address, key_version, features;
	char number[13];      /* its meter number; '?' for a byte that is not a digit */
};

/* Parameters 0x0100 as the meter holds them (meter.c). */
struct meter_params {
	int64_t alarm[3];     /* low-balance levels, fen */
	int64_t credit_limit, power_limit_w;
	int restore_s, malignant_w;
	int64_t price[4];     /* sharp, peak, flat, valley; 0.0001 yuan/kWh */
	int tou_n;            /* segments in force, 0-8 */
	int tou_start[8], tou_rate[8]; /* minute of the day, rate 1-4 */
};

/* Stores the device info read at now for meter_id (inside the cycle's
 * transaction). */
int db_poll_info(struct db *db, int64_t meter_id, int64_t now, const struct meter_info *in);

/* Writes p's TOU segments as the tou command's args and the stored text
 * ("start,rate,start,rate..."; "" for none) into buf. */
void db_poll_tou_text(const struct meter_params *p, char *buf, size_t len);

/* Stores the parameters read at now for meter_id. */
int db_poll_params(struct db *db, int64_t meter_id, int64_t now, const struct meter_params *p);

/* Sets meter_id's recharge key version to the one the meter reports. */
int db_poll_key_version(struct db *db, int64_t meter_id, int key_version);

/* What the desk last read of one meter's device info and parameters:
 * info_at and params_at are 0 when never read. */
struct meter_params_rec {
	int64_t info_at, params_at;
	struct meter_info info;
	struct meter_params p;
};

/* Reads meter_no's record into *out; -SD_NOT_FOUND (with a detail) for an
 * unknown meter; a meter never read has both times 0. */
int db_poll_params_get(struct db *db, const char *meter_no, struct meter_params_rec *out);

/* The args of the newest command of kind done for meter_id into args
 * (len bytes) and its update time into *at; -SD_NOT_FOUND if none. */
int db_cmd_last_done(struct db *db, int64_t meter_id, const char *kind, char *args, size_t len,
		     int64_t *at);

struct meter_state_rec {
	char meter_no[13];
	char bus[33];
	int unit;
	int has_state, has_reading, online, misses;
	int64_t read_at, next_probe_at;
	struct poll_reading r;
	int64_t polls, timeouts, crc_errors, exceptions;
	char last_error[201];
};

/* Calls fn for each wired meter (of bus_id if non-zero, or meter_no if
 * not NULL) with its latest state, by bus and unit. */
int db_poll_state_each(struct db *db, int64_t bus_id, const char *meter_no,
		       int (*fn)(const struct meter_state_rec *, void *), void *ctx);

/* Records that a poll cycle was stored at now (UTC) by a service polling
 * every interval_ms: the heartbeat the desk's status line reads
 * (db_mv_pulse). Inside the cycle's transaction. */
int db_poll_heartbeat(struct db *db, int64_t now, int interval_ms);

/* Deletes history rows older than before (retention). */
int db_poll_prune(struct db *db, int64_t before);

#endif
