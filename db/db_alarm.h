/* db_alarm: the events table — alarms raised once, cleared when their
 * condition ends, acknowledged by an operator, never deleted. */
#ifndef SALEDESK_DB_ALARM_H
#define SALEDESK_DB_ALARM_H

#include <stdint.h>

#include "db.h"

/* Raises kind for meter_id or bus_id (0 = none) at now unless it is
 * already open; *raised says whether a new row was written. */
int db_alarm_raise(struct db *db, const char *kind, int64_t meter_id, int64_t bus_id,
		   const char *detail, int64_t now, int *raised);

/* Clears the open alarm kind for meter_id/bus_id, if any; *cleared says
 * whether one was open. */
int db_alarm_clear(struct db *db, const char *kind, int64_t meter_id, int64_t bus_id,
		   int64_t now, int *cleared);

/* Acknowledges event id by operator_id; -SD_NOT_FOUND if no such event,
 * -SD_STATE if it was acknowledged before. */
int db_alarm_ack(struct db *db, int64_t id, int64_t operator_id, int64_t now);

struct alarm_rec {
	int64_t id;
	char kind[24];
	char meter_no[13];   /* "" for a bus alarm */
	char bus[33];        /* bus name, "" if none */
	char detail[256];
	int64_t raised_at, cleared_at, acked_at; /* 0 when not */
	char acked_by[33];
};

struct alarm_filter {
	int open_only;       /* not cleared */
	int unacked_only;    /* not acknowledged */
	const char *meter_no; /* NULL all */
	int64_t limit;       /* 0 no limit */
};

/* Calls fn for each event matching f, newest first. */
int db_alarm_each(struct db *db, const struct alarm_filter *f,
		  int (*fn)(const struct alarm_rec *, void *), void *ctx);

#endif
