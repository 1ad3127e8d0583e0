/* db_bus: the SQL of buses, the wiring of meters to them, and what the
 * poller loads for one bus each cycle. */
#ifndef SALEDESK_DB_BUS_H
#define SALEDESK_DB_BUS_H

#include <stdint.h>

#include "db.h"

#define BUS_NAME_MAX 32
#define BUS_KEY_LEN 16

struct bus_rec {
	int64_t id;
	char name[BUS_NAME_MAX + 1];
	char kind[4];          /* "rtu" or "tcp" */
	char device[256];      /* rtu */
	int baud;
	char parity;           /* 'N', 'E', 'O' */
	int stop_bits;
	int rs485;
	char host[256];        /* tcp */
	int port;
	int turnaround_ms;     /* the meters' turnaround, a starting point */
	int enabled;
	int from_config;       /* a [bus NAME] section of the config file owns it */
	int meters;            /* wired meters (db_bus_each, db_bus_get) */
};

/* Inserts b and sets b->id; -SD_EXISTS if the name is taken. */
int db_bus_insert(struct db *db, struct bus_rec *b);

/* Reads the bus named (or numbered) key; -SD_NOT_FOUND with a detail. */
int db_bus_get(struct db *db, const char *key, struct bus_rec *out);

/* Calls fn for every bus by id; enabled_only skips disabled ones. */
int db_bus_each(struct db *db, int enabled_only,
		int (*fn)(const struct bus_rec *, void *), void *ctx);

/* Deletes bus id; -SD_STATE if meters are still wired to it. */
int db_bus_delete(struct db *db, int64_t id);

/* Wires meter_no to bus_id/unit (replacing its old wiring). key is the
 * 16-byte recharge key or NULL to keep what is stored; key_version (0..127,
 * the meter's recharge key version) or -1 to keep it (1 for a new
 * wiring). Sets *meter_id. */
int db_meter_wire(struct db *db, const char *meter_no, int64_t bus_id, int unit,
		  const unsigned char *key, int key_version, int64_t *meter_id);

/* Removes the wiring of meter_no; -SD_NOT_FOUND if it had none. */
int db_meter_unwire(struct db *db, const char *meter_no);

/* Rewrites the line settings of bus b->id from b and enables it (the
 * service's copy of a config-file bus). */
int db_bus_update(struct db *db, const struct bus_rec *b);

/* Deletes every wiring of bus_id (a config bus that left the file). */
int db_bus_unwire_all(struct db *db, int64_t bus_id);

/* Where meter_id is wired: *bus_id, *unit and whether that bus comes
 * from the config file; -SD_NOT_FOUND if it is not wired. */
int db_meter_wiring(struct db *db, int64_t meter_id, int64_t *bus_id, int *unit,
		    int *from_config);

/* Calls fn(meter_id, meter_no, bus_id, unit, ctx) for every meter wired
 * to a config-file bus. */
int db_bus_config_wiring(struct db *db,
			 int (*fn)(int64_t, const char *, int64_t, int, void *), void *ctx);

/* Reads the id of meter_no; -SD_NOT_FOUND with a detail. */
int db_meter_id(struct db *db, const char *meter_no, int64_t *id);

/* One wired meter as the poller needs it, with what the last cycles left
 * in meter_state (has_state 0 when it was never polled). */
struct poll_meter {
	int64_t meter_id;
	char meter_no[13];
	int unit;
	int phases;
	int has_key;            /* the meter_wiring.recharge_key override */
	unsigned char key[BUS_KEY_LEN];
	int key_version;        /* whose MK06 derives its recharge key */
	int has_state;
	int online;
	int misses;             /* consecutive missed polls */
	int64_t next_probe_at;  /* offline: not before this (UTC s) */
	int has_reading;
	int64_t energy_wh;
	int64_t purchase_count;
	int64_t freeze_seq;     /* -1 if never read */
	int64_t read_at;
	int64_t last_history_at; /* 0 if none */
	/* Desk billing (billing.c): the meter's mode and tariff, and the
	 * account that pays for it with its relay and alarm thresholds. */
	char mode[8];           /* card, remote, billed */
	int64_t tariff_id;
	int64_t account_id;     /* 0 if the meter has no account */
	int64_t credit_limit;   /* fen the relay allows below zero */
	int64_t alarm[3];       /* low-balance levels, fen (0: off) */
	/* The kinds of its open alarms, comma-separated ("" none), so a
	 * cycle writes only the alarms that change. */
	char open_alarms[320];
	/* What the service last read besides the live block (meter_params):
	 * 0 never; info_type is the type the meter reports (0 unknown). */
	int64_t info_at, params_at;
	int info_type;
};

/* Calls fn(meter_id, meter_no, key_version, key, ctx) for every wired
 * meter with a key of its own in meter_wiring (key is a copy, wiped after
 * fn returns); fn's nonzero result stops and is returned. */
int db_wiring_keys_each(struct db *db,
			int (*fn)(int64_t, const char *, int, const unsigned char *, void *),
			void *ctx);

/* Clears the key of its own of meter_id (meter_wiring.recharge_key). */
int db_wiring_clear_key(struct db *db, int64_t meter_id);

/* Loads every active meter wired to bus_id, by unit id, into a new array
 * *out (caller frees; wipe the keys first) of *n entries. */
int db_poll_meters(struct db *db, int64_t bus_id, struct poll_meter **out, int *n);

#endif
