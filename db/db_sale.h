/* db_sale: the SQL of sales (the sale protocol's pending intents and their
 * settlement), the ledger, receipts and shifts. */
#ifndef SALEDESK_DB_SALE_H
#define SALEDESK_DB_SALE_H

#include <stdint.h>

#include "db.h"

struct sale_rec {
	int64_t id;
	char status[10];          /* pending, complete, void */
	char mode[8];             /* card, remote, billed */
	int64_t account_id;
	char account_no[13];
	int64_t meter_id;
	char meter_no[13];
	int64_t card_id;          /* 0 unless mode is card */
	int64_t purchase_seq;     /* 0 for billed meters */
	int64_t amount;           /* cash paid, fen */
	int64_t debt_paid;        /* of which old debt */
	int64_t credited;         /* put on the card or meter */
	int64_t energy_wh;        /* what credited buys at the time of sale */
	int64_t tendered;         /* cash handed over, 0 if not entered */
	int64_t operator_id;
	char operator_login[33];
	int64_t shift_id;
	int64_t created_at, settled_at;
	int64_t ledger_id;        /* the sale's ledger row once complete */
	char reason[201];         /* why it was voided */
	int64_t receipt_id;       /* 0 if none */
	int reversed;             /* a reversal or refund names its ledger row */
};

/* Inserts s as pending (status, settled_at and ledger_id ignored); sets
 * s->id. -SD_SALE_PENDING when the account already has a pending sale,
 * -SD_EXISTS when the purchase number was already used. */
int db_sale_insert(struct db *db, struct sale_rec *s);

/* Reads sale id; -SD_NOT_FOUND. */
int db_sale_get(struct db *db, int64_t id, struct sale_rec *out);

/* Reads the account's pending sale; -SD_NOT_FOUND if none. */
int db_sale_pending_of(struct db *db, int64_t account_id, struct sale_rec *out);

/* Marks pending sale id complete with its ledger row; -SD_STATE if it is
 * no longer pending (settled by another process meanwhile). */
int db_sale_complete(struct db *db, int64_t id, int64_t ledger_id, int64_t now);

/* Marks pending sale id void (no money taken) with reason; -SD_STATE if
 * it is no longer pending. */
int db_sale_void(struct db *db, int64_t id, const char *reason, int64_t now);

/* Finds the complete card sale of account_id that wrote purchase seq;
 * -SD_NOT_FOUND. */
int db_sale_find_seq(struct db *db, int64_t account_id, int64_t seq, int64_t *id);

/* Sets *dead when card purchase seq of account_id was taken back (its
 * sale reversed or refunded) and no later sale reused the number: the
 * next card sale writes seq again (card spec 11.5). */
int db_sale_seq_dead(struct db *db, int64_t account_id, int64_t seq, int *dead);

/* Fails the still-queued recharge of meter_id with purchase seq
 * ("cancelled at the desk"); *n gets 1 if one was, 0 if it was already
 * sent or done. */
int db_cmd_cancel_recharge(struct db *db, int64_t meter_id, int64_t seq, int64_t *n);

struct sale_filter {
	int64_t account_id;       /* 0: all */
	int64_t shift_id;         /* 0: all */
	const char *status;       /* NULL: all */
	int64_t from, to;         /* created_at in [from, to); 0, 0: all */
	int64_t limit;            /* 0: no limit; newest first when set */
};

/* Calls fn for each sale matching f (oldest first, or newest first with a
 * limit); a non-zero return from fn stops and is returned. */
int db_sale_each(struct db *db, const struct sale_filter *f,
		 int (*fn)(const struct sale_rec *, void *), void *ctx);

/* Sums the cash of the account's sales that are not void, created in
 * [from, to), into *sum (for the per-day limit). */
int db_sale_sum(struct db *db, int64_t account_id, int64_t from, int64_t to, int64_t *sum);

struct ledger_rec {
	int64_t id;
	int64_t ts;
	char kind[16];            /* sale, refund, reversal, fee, debt_repayment, adjustment */
	int64_t account_id, meter_id, card_id;  /* 0: none */
	int64_t amount;           /* signed: cash into the desk */
	int64_t energy_wh;
	int64_t purchase_seq;     /* 0: none */
	int64_t operator_id, shift_id;  /* shift 0: none */
	int64_t reverses;         /* 0 unless kind is reversal */
	char note[201];
};

/* Appends l to the ledger; sets l->id. */
int db_ledger_insert(struct db *db, struct ledger_rec *l);

/* Reads ledger row id; -SD_NOT_FOUND. */
int db_ledger_get(struct db *db, int64_t id, struct ledger_rec *out);

/* Reads the ledger row of kind for account_id whose note is note (a
 * sale's rows carry "sale N"); -SD_NOT_FOUND. */
int db_ledger_find(struct db *db, const char *kind, int64_t account_id, const char *note,
		   struct ledger_rec *out);

/* Reads the ledger row that reverses id (kind reversal, or a refund whose
 * note names it); -SD_NOT_FOUND if none. */
int db_ledger_reversal_of(struct db *db, int64_t id, struct ledger_rec *out);

/* The one definition of a credit to an account's balance, as SQL over a
 * ledger row l LEFT JOINed to the row o it reverses (ON o.id =
 * l.reverses): sales, refunds and adjustments, with their reversals; fees
 * and debt repayments are cash but not credit. db_ledger_balance() and
 * the finance reports (reports/rpt_finance_balance.c) both use it. */
#define DB_LEDGER_IS_CREDIT(l, o) \
	"(" l ".kind IN ('sale', 'refund', 'adjustment') OR (" l ".kind = 'reversal' AND " o \
	".kind IN ('sale', 'refund', 'adjustment')))"

/* Sums the account's balance kept by the desk into *balance (fen, may be
 * negative): the credits — sales, refunds and adjustments, with their
 * reversals (fees and debt repayments are not credit) — minus the
 * consumption of its desk-billed meters (billed_usage.fen, priced by the
 * poller each cycle). This is the one place the desk balance is
 * computed: the sale, the refund, receipts and the poller's relay and
 * low-balance checks all read it. */
int db_ledger_balance(struct db *db, int64_t account_id, int64_t *balance);

/* Changes the account's outstanding old debt by delta (never below 0). */
int db_account_debt_add(struct db *db, int64_t account_id, int64_t delta);

struct receipt_rec {
	int64_t id;
	char number[24];
	int64_t ledger_id;
	int64_t created_at;
	char *body;               /* heap; free with free() */
	int prints;
	int64_t invoiced_at;      /* 0: not invoiced */
};

/* Stores a receipt for ledger_id with body; its number is
 * "YYYYMMDD-NNNNNN" from day (the local date as 20261124) and its id. Sets
 * *id and number. */
int db_receipt_insert(struct db *db, int64_t ledger_id, int64_t day, int64_t now,
		      const char *body, int64_t *id, char number[24]);

/* Sets the body of receipt id (stored once the number is known). */
int db_receipt_set_body(struct db *db, int64_t id, const char *body);

/* Reads the receipt of that number (or, when number is all digits, of
 * that id); out->body is the caller's to free. -SD_NOT_FOUND. */
int db_receipt_get(struct db *db, const char *number, struct receipt_rec *out);

/* Reads the receipt of ledger row ledger_id; out->body is the caller's. */
int db_receipt_of_ledger(struct db *db, int64_t ledger_id, struct receipt_rec *out);

/* Counts one more print of receipt id. */
int db_receipt_printed(struct db *db, int64_t id);

/* Marks receipt id invoiced at ts; -SD_STATE if it already is. */
int db_receipt_invoiced(struct db *db, int64_t id, int64_t ts);

/* Calls fn for each receipt never printed, oldest first (body NULL). */
int db_receipt_each_unprinted(struct db *db, int (*fn)(const struct receipt_rec *, void *),
			      void *ctx);

struct shift_rec {
	int64_t id;
	int64_t operator_id;
	char login[33];
	char name[256];
	int64_t opened_at, closed_at;   /* closed_at 0: open */
	int64_t opening_float;
	int64_t counted_cash;           /* meaningful when closed */
	/* totals from the ledger, fen */
	int64_t n_sales;
	int64_t sales, debt, refunds, reversals, fees, other;
	int64_t expected;               /* float + every cash movement */
	int64_t n_pending;              /* sales still pending */
};

/* Opens a shift for operator_id with float; sets *id. -SD_EXISTS if one is
 * open. */
int db_shift_open(struct db *db, int64_t operator_id, int64_t opening_float, int64_t now,
		  int64_t *id);

/* Reads the operator's open shift with its totals; -SD_NOT_FOUND. */
int db_shift_current(struct db *db, int64_t operator_id, struct shift_rec *out);

/* Reads shift id with its totals; -SD_NOT_FOUND. */
int db_shift_get(struct db *db, int64_t id, struct shift_rec *out);

/* Closes open shift id with the counted cash. */
int db_shift_close(struct db *db, int64_t id, int64_t counted, int64_t now);

/* Calls fn for each shift (of operator_id, or all when 0), newest first,
 * with totals, at most limit (0: all). */
int db_shift_each(struct db *db, int64_t operator_id, int64_t limit,
		  int (*fn)(const struct shift_rec *, void *), void *ctx);

#endif
