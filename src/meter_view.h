/* meter_view: the meters as the desk's screens show them — the list with
 * its filters, one meter's live state, history, daily energy, alarms and
 * commands, and the service's pulse for the status line. Read-only; every
 * call checks that the session may view meters. */
#ifndef SALEDESK_METER_VIEW_H
#define SALEDESK_METER_VIEW_H

#include <stdint.h>

#include "db_alarm.h"
#include "db_meter.h"
#include "db_meter_view.h"
#include "db_poll.h"
#include "session.h"

/* The status words of enum mv_status ("online", ...), untranslated. */
const char *meter_view_status_name(enum mv_status st);

/* Calls fn for each meter matching f (db_mv_each). */
int meter_view_list(const struct session *s, const struct mv_filter *f,
		    int (*fn)(const struct mv_meter *, void *), void *ctx);

/* Calls fn with each building that has meters, in order. */
int meter_view_buildings(const struct session *s, int (*fn)(const char *, void *), void *ctx);

/* One meter with everything the detail shows. */
struct meter_view {
	struct mv_meter m;
	int wired;                  /* st holds the wiring and state */
	struct meter_state_rec st;
	struct meter_params_rec pr; /* device info and parameters read (times 0: never) */
};

/* Reads meter_no into *out; -SD_NOT_FOUND with a detail. */
int meter_view_get(const struct session *s, const char *meter_no, struct meter_view *out);

/* The newest n history points (power) and daily energies of meter_id,
 * oldest first, into caller arrays; *got is how many. */
int meter_view_history(const struct session *s, int64_t meter_id, struct mv_point *out, int n,
		       int *got);
int meter_view_daily(const struct session *s, int64_t meter_id, struct mv_point *out, int n,
		     int *got);

/* Calls fn for the open alarms (every meter's when meter_no is NULL),
 * then the newest `cleared` cleared ones. */
int meter_view_alarms(const struct session *s, const char *meter_no, int64_t cleared,
		      int (*fn)(const struct mv_alarm *, void *), void *ctx);

/* Calls fn for the newest limit commands of meter_no (NULL all). */
int meter_view_commands(const struct session *s, const char *meter_no, int64_t limit,
			int (*fn)(const struct meter_cmd *, void *), void *ctx);

/* Calls fn with every wired meter's state, by bus and unit (bus test). */
int meter_view_states(const struct session *s,
		      int (*fn)(const struct meter_state_rec *, void *), void *ctx);

/* The service's heartbeat (UTC s of the last stored poll cycle, 0 never),
 * its poll interval (ms, 0 unknown) and the open unacknowledged alarms:
 * one small query. */
int meter_view_pulse(const struct session *s, int64_t *heartbeat, int *interval_ms,
		     int64_t *open_unacked);

#endif
