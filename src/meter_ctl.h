/* meter_ctl: what the desk asks of meters — queueing commands for the
 * poller (one meter, several, or every meter of a bus, as one batch) and
 * acknowledging alarms. Shared by `saledesk meter ...`, `saledesk alarm
 * ack` and the UI; permissions are checked here. */
#ifndef SALEDESK_METER_CTL_H
#define SALEDESK_METER_CTL_H

#include <stdint.h>

#include "db.h"
#include "db_poll.h"
#include "perm.h"
#include "session.h"

/* What meter_queue() queued. */
struct meter_queued {
	int total;       /* commands written */
	int64_t batch;   /* 0 when one command */
	int64_t first;   /* the first command's id */
	char meter_no[13]; /* the last meter queued for */
};

/* Queues kind with args (canonical, docs/poll.md) for the meters named
 * and, when bus is not NULL, every meter wired to it, not before when
 * (UTC), as one batch when more than one, in one transaction with its
 * audit row. perm is checked first. Fills *out. */
int meter_queue(const struct session *s, enum perm perm, const char *const *meters,
		int nmeters, const char *bus, const char *kind, const char *args, int64_t when,
		struct meter_queued *out);

/* Queues relay command kind (relay_open, relay_close, keep_on, keep_off)
 * for meter_no now; sets *id to the command's number. */
int meter_relay(const struct session *s, const char *meter_no, const char *kind, int64_t *id);

/* Acknowledges the alarms ids[0..n) in one transaction, each audited;
 * -SD_STATE if one was acknowledged before (nothing is then written). */
int meter_alarm_ack(const struct session *s, const int64_t *ids, int n);

/* Compares the parameter kind (meter_param_kinds) that p holds with the
 * desk's newest done command of that kind for meter_id. Always writes
 * p's value into have as a person reads it; returns 1 when they differ
 * (want is what the desk wrote, *at when), 0 when p holds it, or
 * -SD_NOT_FOUND when the desk never wrote kind to the meter. The service
 * and `meter params` judge by this one rule. */
int meter_param_check(struct db *db, int64_t meter_id, const struct meter_params *p,
		      const char *kind, char *have, char *want, size_t len, int64_t *at);

#endif
