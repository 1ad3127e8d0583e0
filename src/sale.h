/* sale: selling electricity for cash, and the protocol that makes a sale
 * survive any crash (docs/sales.md): record the intent as pending with the
 * purchase number it will write, write the card, mark it complete, print.
 * A pending sale is settled from the card's purchase number, at the next
 * read of that card or at start: complete if the card holds it, void (no
 * money taken) if not. Corrections (refund, reversal), reprints and the
 * invoiced mark live here too. */
#ifndef SALEDESK_SALE_H
#define SALEDESK_SALE_H

#include <stdint.h>

#include "card.h"      /* cardio */
#include "config.h"
#include "db_account.h"
#include "db_card.h"
#include "db_sale.h"
#include "session.h"

/* What the sale needs besides the database: the card reader and the
 * unlocked keys (card meters only), and where receipts go. */
struct sale_io {
	struct card_reader *reader;       /* NULL: no card work possible */
	const struct card_keyring *ring;  /* NULL likewise */
	const struct config *cfg;         /* printer; NULL: do not print */
	int zh;                           /* receipts in Chinese */
};

/* What the cashier asked for. */
struct sale_req {
	const char *account_no;
	const char *meter_no;   /* NULL: the account's first active meter */
	int64_t amount;         /* fen paid; 0 with energy_wh to buy energy */
	int64_t energy_wh;      /* energy wanted, when amount is 0 */
	int64_t tendered;       /* cash handed over; 0: not entered */
};

/* What a sale would be, shown before it is confirmed. */
struct sale_quote {
	int64_t account_id, meter_id;
	char meter_no[13];
	char mode[8];
	int64_t amount, debt_paid, credited, energy_wh, tendered, change;
	int64_t debt_before;      /* old debt before the sale */
	int64_t price;            /* 0.0001 yuan/kWh now */
	char tariff[128];         /* "RES 0.5880 yuan/kWh" */
	int64_t balance;          /* desk balance (billed) before the sale */
	int has_balance;
};

/* Works out req for the account and meter: the debt share, what is
 * credited, the energy it buys (or the money for req->energy_wh), the
 * change, against the limits of docs/sales.md. Needs PERM_SALE. */
int sale_quote(const struct session *s, const struct sale_req *req, struct sale_quote *q);

struct sale_result {
	struct sale_rec sale;     /* as recorded; status pending if not settled */
	struct sale_quote quote;
	char receipt_no[24];      /* "" if none */
	int print_rc;             /* 0 printed (or no printer); else why not */
	int64_t command_id;       /* remote meters: the queued recharge */
	/* card meters: the card's traffic, and the tariff files the purchase
	 * carried (bit0 EF03 current, bit1 EF04 standby, card spec 5.3) */
	unsigned long apdus, bytes;
	uint8_t tariff_files;
	uint32_t ef03_id, ef04_id, ef04_from; /* versions written; EF04's activation */
	char tariff_note[200];    /* why the tariff did not travel; "" normally */
};

/* Sells req: for a card meter writes the purchase onto the card in
 * io->reader under the sale protocol; for a remote-recharge meter queues
 * the recharge for the meter-reading service; for a desk-billed meter
 * credits the desk balance (and queues a relay close when that lifts it
 * above the credit limit). Then prints. Needs PERM_SALE and an open
 * shift. A card pulled at the commit leaves the sale pending and returns
 * -SD_CARD_PULLED: reading the card settles it. A printer fault leaves
 * the sale complete: res->print_rc says why, the return is 0. */
int sale_run(const struct session *s, const struct sale_io *io, const struct sale_req *req,
	     struct sale_result *res);

/* Settles the pending sale of the card st shows (an authenticated read of
 * card rec): completes it when the card holds its purchase number, voids
 * it when not. Must run inside the caller's write transaction (card_desk
 * calls it when it reads a card). *settled gets 1 completed, -1 voided, 2
 * a correction cut short was booked, 0 nothing to settle. */
int sale_settle_locked(const struct session *s, const struct card_state *st,
		       struct card_rec *rec, int *settled);

/* Reads the card in io->reader (authenticated) and settles its account's
 * pending sale; for the start of the desk and `saledesk sale settle`.
 * *out gets the sale settled (status complete or void) when *settled. */
int sale_settle_card(const struct session *s, const struct sale_io *io, struct sale_rec *out,
		     int *settled);

/* Calls fn for each pending sale. Needs PERM_ACCOUNT_VIEW. */
int sale_pending_each(const struct session *s, int (*fn)(const struct sale_rec *, void *),
		      void *ctx);

/* Lists sales matching f. Needs PERM_ACCOUNT_VIEW. */
int sale_list(const struct session *s, const struct sale_filter *f,
	      int (*fn)(const struct sale_rec *, void *), void *ctx);

/* Prints receipt number (or id) again, marked as a reprint. Needs
 * PERM_SALE or PERM_REFUND (cashiers and administrators). */
int sale_reprint(const struct session *s, const struct sale_io *io, const char *number);

/* Renders receipt number (or id) as text into *out (caller frees), marked
 * as a reprint when reprint. Needs PERM_ACCOUNT_VIEW. */
int sale_receipt_text(const struct session *s, const char *number, int width, int zh,
		      int reprint, char **out);

/* Marks receipt number (or id) as invoiced (an invoice was issued for it).
 * Needs PERM_SALE or PERM_REFUND. */
int sale_mark_invoiced(const struct session *s, const char *number);

/* Returns 0 if s may do an operation that needs an administrator, or if
 * approver (an administrator who entered their own credential at this
 * session; NULL: none) may; audits the approval. */
int sale_approve(const struct session *s, const struct session *approver, const char *what,
		 const char *object);

/* Reverses (冲正) complete sale id, made by mistake: for a card meter the
 * purchase is taken back off the card in io->reader (it must not have
 * been in a meter yet); a remote recharge only while still queued; a
 * billed sale from the desk balance. The cash goes back to the customer
 * in the current shift. A cashier reverses their own sales of the open
 * shift; anything else needs approver. */
int sale_reverse(const struct session *s, const struct session *approver,
		 const struct sale_io *io, int64_t sale_id, const char *reason,
		 struct ledger_rec *out);

/* Refunds (退电) credit the meter has not taken: for a card meter the last
 * purchase on the card in io->reader (cleared from it); for a billed meter
 * up to the desk balance (amount fen, 0: all). Over the configured cashier
 * limit needs approver. */
int sale_refund(const struct session *s, const struct session *approver,
		const struct sale_io *io, const char *account_no, int64_t amount,
		const char *reason, struct ledger_rec *out);

/* Voids pending sale id without its card, when that card was reported
 * lost and will not come back to settle it: no money was taken (the
 * cash goes back), and the replacement card carries the account's last
 * completed purchase instead (card spec 11.3). Needs an administrator
 * (s or approver); audited. */
int sale_void_lost(const struct session *s, const struct session *approver, int64_t id,
		   const char *reason);

/* Test hook: with SALEDESK_FAULT=kill:POINT in the environment the process
 * SIGKILLs itself at that point of the sale protocol (docs/sales.md lists
 * them); the crash test walks them. Does nothing otherwise. */
void sale_fault_point(const char *point);

#endif
