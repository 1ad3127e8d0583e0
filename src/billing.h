/* billing: desk-billed meters (docs/poll.md, "Desk-billed meters"). For a
 * meter in mode 'billed' the desk keeps the balance: each poll cycle
 * prices the energy used since the reading before by the meter's tariff,
 * records it in billed_usage (not in the cash ledger), and trips the
 * relay when the desk balance falls below the account's credit limit. */
#ifndef SALEDESK_BILLING_H
#define SALEDESK_BILLING_H

#include <stdint.h>

#include "db.h"
#include "db_bus.h"
#include "db_poll.h"

/* A jump of the energy counter larger than this in one reading (50 000
 * kWh: a month of a large three-phase load) is taken as a replaced or
 * reset meter, never billed. */
#define BILLING_MAX_WH INT64_C(50000000)
/* A relay_open the meter refused is asked again after this long. */
#define BILLING_RELAY_RETRY_S 3600

/* What to do with one reading, given where billing stands. */
enum billing_step {
	BILLING_NONE,   /* no energy used since: nothing to record */
	BILLING_WAIT,   /* same second as the last row: bill next cycle */
	BILLING_RESET,  /* the counter went backwards or jumped: skip, restart */
	BILLING_CHARGE, /* price *wh over [from_ts, to_ts) */
};

/* Decides what a reading of to_wh at to_ts means after billing stood at
 * from_wh at from_ts; sets *wh to the energy to price (0 unless
 * BILLING_CHARGE). Pure. */
enum billing_step billing_decide(int64_t from_ts, int64_t from_wh, int64_t to_ts,
				 int64_t to_wh, int64_t *wh);

/* What billing_meter() did, for the poller's alarms and log. */
struct billing_result {
	enum billing_step step;
	int64_t wh, fen;         /* billed this cycle */
	int64_t balance;         /* the desk balance after it, fen */
	int relay_open_queued;   /* a relay_open was queued this cycle */
	int64_t command_id;
};

/* Bills meter m (mode 'billed', with an account) for reading r taken at
 * now, inside the caller's write transaction: prices the energy since the
 * last billed reading (or, if that is older than the meter's previous
 * reading, since that reading) with tariff_cost() and the month-to-date
 * billed energy, appends it to billed_usage, reads the desk balance, and
 * queues a relay_open when it is below -credit_limit while the relay is
 * closed (once: not while one is queued or sent). A reading that cannot
 * be priced (no tariff version in force) is logged and not billed.
 * Returns 0 or a negative SD_ code from the database. */
int billing_meter(struct db *db, const struct poll_meter *m, const struct poll_reading *r,
		  int64_t now, int utc_offset_min, struct billing_result *res);

#endif
