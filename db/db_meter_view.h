/* db_meter_view: the read side of meters for the screens — one row per
 * meter with its account, customer, premises, wiring and latest state,
 * its history and daily energy, the alarms with their customer, and the
 * service's pulse (heartbeat and open alarms) in one small query. */
#ifndef SALEDESK_DB_METER_VIEW_H
#define SALEDESK_DB_METER_VIEW_H

#include <stdint.h>

#include "db.h"

/* Which meters a list shows (by the state the service last wrote). */
enum mv_status {
	MV_ALL,
	MV_ONLINE,    /* answered the last poll */
	MV_OFFLINE,   /* wired and not answering, or never read */
	MV_TRIPPED,   /* relay open */
	MV_ARREARS,   /* an open arrears alarm */
	MV_ALARM,     /* any open alarm */
	MV_STATUS_COUNT
};

struct mv_filter {
	const char *text;      /* part of meter, account, name or room; NULL/"" all */
	const char *building;  /* exact; NULL/"" all */
	int has_floor;         /* floor filters only when set */
	int floor;
	enum mv_status status;
	int64_t limit;         /* 0 no limit */
};

struct mv_meter {
	int64_t meter_id;
	char meter_no[13];
	char account_no[13];   /* "" when the meter has no account */
	char customer[65];
	char building[33];
	int has_floor, floor;
	char room[17];
	char mode[8];          /* card, remote, billed */
	char status[8];        /* active, removed */
	char bus[33];          /* "" not wired */
	int unit;
	int has_state;         /* the service wrote meter_state */
	int online;
	int has_reading;       /* read_at and the values below are set */
	int relay, keep_power; /* relay 1 = open (tripped) */
	int64_t balance_fen;
	int64_t read_at, updated_at;
	int open_alarms;
};

/* Calls fn for each meter matching f, by building, floor, room, meter. */
int db_mv_each(struct db *db, const struct mv_filter *f,
	       int (*fn)(const struct mv_meter *, void *), void *ctx);

/* Reads meter_no into *out; -SD_NOT_FOUND with a detail. */
int db_mv_get(struct db *db, const char *meter_no, struct mv_meter *out);

/* Calls fn with each distinct non-empty building of a meter's account. */
int db_mv_buildings(struct db *db, int (*fn)(const char *, void *), void *ctx);

struct mv_point {
	int64_t ts;            /* history: reading time; daily: local midnight (UTC) */
	int64_t value;         /* history: power W; daily: Wh */
	int64_t energy_wh, balance_fen, voltage_dv; /* history only */
};

/* Fills out[] (oldest first) with the newest n history rows of meter_id;
 * sets *got. */
int db_mv_history(struct db *db, int64_t meter_id, struct mv_point *out, int n, int *got);

/* Fills out[] (oldest first) with the newest n days of energy_daily. */
int db_mv_daily(struct db *db, int64_t meter_id, struct mv_point *out, int n, int *got);

struct mv_alarm {
	int64_t id;
	char kind[24];
	char meter_no[13];     /* "" for a bus alarm */
	char bus[33];
	char account_no[13];
	char customer[65];
	char detail[256];
	int64_t raised_at, cleared_at, acked_at; /* 0 when not */
	char acked_by[33];
};

/* Calls fn for the open alarms (cleared_at NULL), newest first, then,
 * when cleared > 0, for the newest `cleared` cleared ones. meter_no NULL
 * for every meter's. */
int db_mv_alarms(struct db *db, const char *meter_no, int64_t cleared,
		 int (*fn)(const struct mv_alarm *, void *), void *ctx);

/* The service's pulse in one query: the heartbeat the poller writes each
 * cycle (0 when it never ran) with its poll interval in ms (0 unknown),
 * and the count of open, unacknowledged alarms. */
int db_mv_pulse(struct db *db, int64_t *heartbeat, int *interval_ms, int64_t *open_unacked);

#endif
