/* sale_int: what the sale files (sale.c, sale_receipt.c, sale_fix.c,
 * shift.c) share and nobody else needs. */
#ifndef SALEDESK_SALE_INT_H
#define SALEDESK_SALE_INT_H

#include "receipt.h"
#include "sale.h"

/* Default of setting sale.max_amount: 5,000.00 yuan a sale. */
#define SALE_MAX_DEFAULT INT64_C(500000)
/* Default of setting refund.cashier_max: 200.00 yuan without approval. */
#define REFUND_CASHIER_MAX_DEFAULT INT64_C(20000)

/* Reads money setting key (text as a cashier types it); dflt when unset
 * or unreadable. */
int64_t sale_setting_fen(struct db *db, const char *key, int64_t dflt);

/* Fills *r with the facts of sale sr for a receipt of kind showing
 * amount. */
int sale_receipt_facts(const struct session *s, const struct sale_rec *sr, const char *kind,
		       int64_t amount, struct receipt *r);

/* Books a refund when the card st shows its last purchase cancelled at
 * the desk but the ledger does not (a correction cut short after the
 * card's step). Inside the caller's transaction; *booked set if so. */
int sale_settle_cancel_locked(const struct session *s, const struct card_state *st,
			      const struct card_rec *rec, int *booked);

/* Stores receipt r for ledger row ledger_id, numbering it; number gets
 * the number. Inside the caller's transaction. */
int sale_store_receipt(const struct session *s, const struct receipt *r, int64_t ledger_id,
		       char number[24]);

/* Prints receipt number on io's printer (marked as a reprint when
 * reprint) and counts the print. Returns 0 or the printer's error. */
int sale_print(const struct session *s, const struct sale_io *io, const char *number,
	       int reprint);

/* Renders doc for cfg's printer (escpos or text, drawer kick as set) and
 * sends it. Returns 0 or the printer's error. */
int sale_print_doc(const struct config *cfg, int zh, const struct rcpt_doc *doc);

#endif
