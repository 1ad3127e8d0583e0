/* db_meter: the command queue — what the desk asked of a meter and what
 * became of it (queued, sent, done, failed with the reason). */
#ifndef SALEDESK_DB_METER_H
#define SALEDESK_DB_METER_H

#include <stdint.h>

#include "db.h"

struct meter_cmd {
	int64_t id;
	int64_t batch_id;     /* 0 none */
	int64_t meter_id;
	char meter_no[13];
	char kind[16];        /* relay_open, ..., clock_sync */
	char args[201];       /* canonical values, docs/poll.md */
	int64_t purchase_seq; /* recharge */
	int64_t amount;       /* recharge, fen */
	int64_t not_before;
	char state[8];
	char reason[201];
	int tries;
	int64_t created_at, updated_at;
};

/* Queues c (kind, args, meter_id, batch_id, purchase_seq, amount,
 * not_before) by operator_id; sets c->id. */
int db_cmd_insert(struct db *db, struct meter_cmd *c, int64_t operator_id);

/* Returns a new batch number (one above the highest used). */
int db_cmd_next_batch(struct db *db, int64_t *batch);

/* The next free purchase sequence number of meter_id for a remote
 * recharge: one above both the meter's last read count and every
 * recharge still pending or done. -SD_STATE if the meter was never read. */
int db_cmd_next_seq(struct db *db, int64_t meter_id, int64_t *seq);

/* Loads the queued or sent commands due at now for meters wired to
 * bus_id, oldest first, into a new array *out (caller frees). */
int db_cmd_due(struct db *db, int64_t bus_id, int64_t now, struct meter_cmd **out, int *n);

/* Sets the state, reason and tries of command id at now. */
int db_cmd_update(struct db *db, int64_t id, const char *state, const char *reason,
		  int tries, int64_t now);

struct cmd_filter {
	const char *meter_no; /* NULL all */
	const char *state;    /* NULL all */
	int64_t batch_id;     /* 0 all */
	int64_t limit;        /* 0 no limit */
};

/* Calls fn for each command matching f, newest first. */
int db_cmd_each(struct db *db, const struct cmd_filter *f,
		int (*fn)(const struct meter_cmd *, void *), void *ctx);

#endif
