/* db_billing: the SQL of desk-billed meters — the consumption each poll
 * cycle priced (billed_usage, append-only), where the next cycle bills
 * from, and the month-to-date energy the tier blocks start from. Every
 * function here runs inside the caller's write transaction. */
#ifndef SALEDESK_DB_BILLING_H
#define SALEDESK_DB_BILLING_H

#include <stdint.h>

#include "db.h"

/* One billed_usage row: the energy of meter_id between two readings and
 * what it cost. wh 0 (and fen 0) marks a counter that went backwards or
 * jumped: billing restarts from energy_to. */
struct bill_row {
	int64_t meter_id, account_id, tariff_id;
	int64_t from_ts, to_ts;          /* UTC; to_ts > from_ts */
	int64_t energy_from, energy_to;  /* the meter's register, Wh */
	int64_t wh, mtd_wh;
	int64_t rate_wh[4];              /* sharp, peak, flat, valley */
	int64_t fen;
};

/* Appends r to billed_usage. -SD_EXISTS if meter_id already has a row
 * ending at r->to_ts. */
int db_bill_insert(struct db *db, const struct bill_row *r);

/* Where billing of a meter stands (table billing_cursor). */
struct bill_cursor {
	int64_t ts;          /* the reading the next cycle bills from, UTC */
	int64_t energy_wh;   /* the meter's register then */
	int64_t seen_at;     /* the last reading billing looked at */
};

/* Reads meter_id's cursor into *c; -SD_NOT_FOUND if it was never billed. */
int db_bill_cursor_get(struct db *db, int64_t meter_id, struct bill_cursor *c);

/* Writes meter_id's cursor. */
int db_bill_cursor_set(struct db *db, int64_t meter_id, const struct bill_cursor *c);

/* Sums into *wh the energy meter_id was billed for from month_start (UTC
 * instant of the local month's start) on. A row that straddles
 * month_start counts with its share after it, pro rata of time, as
 * tariff_cost() spreads energy evenly over an interval (rounded down). */
int db_bill_month_wh(struct db *db, int64_t meter_id, int64_t month_start, int64_t *wh);

/* Sets *n to the number of relay_open commands for meter_id that are
 * queued or sent, or that failed after since (a meter that refuses,
 * e.g. with keep-power on, is not asked again every cycle). */
int db_bill_relay_open_pending(struct db *db, int64_t meter_id, int64_t since, int64_t *n);

#endif
