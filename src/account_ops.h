/* account_ops: the account's life after the plain opening — opening with
 * the card and a fee in one flow, pre-registration and one-key
 * activation, and the special operations of the sale desk (data change,
 * ownership transfer 过户, meter replacement 换表, account close 销户,
 * card loss report 挂失, card reissue 补卡). Each operation is one
 * database transaction with its audit row; where the card is involved the
 * card goes first and a repeat after a pulled card finishes the job
 * (docs/accounts.md). Transfer, meter replacement and close need an
 * administrator: the session's own role or an approver at the desk
 * (sale_approve()). */
#ifndef SALEDESK_ACCOUNT_OPS_H
#define SALEDESK_ACCOUNT_OPS_H

#include <stdint.h>

#include "account.h"
#include "sale.h"

/* What an operation did, for the cashier. */
struct account_op_result {
	char account_no[ACCOUNT_NO_MAX + 1];
	char receipt_no[24];     /* the fee's or refund's receipt; "" if none */
	int64_t amount;          /* cash taken (> 0) or paid back (< 0) in the receipt */
	int print_rc;            /* 0 printed or no printer; else why not */
	int card;                /* 1 a card was issued, 2 it already was (a repeat) */
	char card_serial[17];    /* the card issued, retired or reported lost */
	int64_t card_refund;     /* close: credit taken back off the card, fen */
	int64_t carried_seq;     /* reissue: the lost card's purchase now on the new card */
	int64_t carried_amount;
	int meter_carry;         /* replace-meter, carry: 1 the balance went to the new meter */
	char carry_mode[8];      /* ... as "card" (loaded as purchase carried_seq) or "remote" */
	char carry_meter[16];    /* ... the new meter */
	int changed;             /* change: how many fields changed */
	char note[256];          /* what is left to do, for the cashier; "" if nothing */
};

/* account_open_with() flags. */
enum { ACCOUNT_PRE = 1, ACCOUNT_ISSUE_CARD = 2 };

/* Opens the account of f (pre-registered with ACCOUNT_PRE) and books
 * fee fen (0: none) as an opening fee with its receipt in the cashier's
 * open shift, in one transaction; then, with ACCOUNT_ISSUE_CARD, issues
 * its user card in io->reader. If the card fails after the account was
 * opened the error says so and how to finish. Needs PERM_ACCOUNT_OPEN. */
int account_open_with(const struct session *s, const struct sale_io *io, struct account_form *f,
		      unsigned flags, int64_t fee, struct account_op_result *res);

/* One-key opening of a pre-registered account: status pre -> open and
 * the fee (0: none) in one transaction, then its card in io->reader when
 * it has a card meter. On an open account without its card (a repeat
 * after a pulled card) only the card is issued. Needs PERM_ACCOUNT_OPEN. */
int account_activate(const struct session *s, const struct sale_io *io, const char *account_no,
		     int64_t fee, struct account_op_result *res);

/* Changes the customer's data and the premises: names[i] is one of name,
 * id_number, phone, address, building, floor, room, area (the
 * account_form_set() names) and values[i] its new text. Audits old -> new
 * of each field that changed; res->changed counts them. Needs
 * PERM_ACCOUNT_CHANGE. */
int account_change(const struct session *s, const char *account_no, const char *const names[],
		   const char *const values[], int n, struct account_op_result *res);

/* Transfers the account (the premises, its meters, history and credit)
 * to a new customer given as names/values (name, id_number, phone,
 * address). With settle a desk-billed balance is first refunded to the
 * old owner (a refund row in the shift, a receipt). Needs
 * PERM_ACCOUNT_CHANGE and an administrator (approver). */
int account_transfer(const struct session *s, const struct session *approver,
		     const struct sale_io *io, const char *account_no, const char *const names[],
		     const char *const values[], int n, int settle, struct account_op_result *res);

/* Replaces meter old_no of the account by new_no (same tariff, mode and
 * phases): the old one removed, its final reading final_wh and the
 * balance it still held (fen, read from the old meter or the card's
 * return record) in the audit trail. A desk-billed balance stays in the
 * ledger; a card or remote meter's balance is carried to the new meter
 * at once with account_carry() where it can be, else res->note says what
 * is left. Needs PERM_ACCOUNT_CHANGE and an administrator (approver). */
int account_replace_meter(const struct session *s, const struct session *approver,
			  const struct sale_io *io, const char *account_no, const char *old_no,
			  const char *new_no, int64_t final_wh, int64_t balance,
			  struct account_op_result *res);

/* Carries a replaced meter's balance to the meter that replaced it (card
 * spec 11.6): a card meter's card (in io->reader) is moved to the new
 * meter and the balance loaded as its next purchase, no money moving; a
 * remote meter gets a recharge queued. res->carried_amount and
 * carried_seq say what was carried; res->note what is still to do when
 * it could not finish now (no card, a purchase still on the card, a meter
 * not read yet). Safe to repeat after a crash. Needs PERM_ACCOUNT_CHANGE. */
int account_carry(const struct session *s, const struct sale_io *io, const char *account_no,
		  struct account_op_result *res);

/* Closes the account: refused while a sale is pending; the card's
 * uncredited last purchase is refunded first with sale_refund() (card in
 * io->reader); then in one transaction the desk balance of a billed meter
 * plus meter_balance (fen the meter still holds) are paid back (one
 * refund row, receipt kind "close"), the card is retired (status
 * replaced), the meters removed and the account closed. Needs
 * PERM_ACCOUNT_CHANGE and an administrator (approver). */
int account_close(const struct session *s, const struct session *approver,
		  const struct sale_io *io, const char *account_no, int64_t meter_balance,
		  struct account_op_result *res);

/* Reports the account's active user card lost (挂失): from then on the
 * desk refuses it (-SD_CARD_LOST). Needs PERM_ACCOUNT_CHANGE. */
int account_card_lost(const struct session *s, const char *account_no,
		      struct account_op_result *res);

/* Issues a replacement card (补卡) in io->reader for an account whose
 * card was reported lost, loads the lost card's last purchase onto it
 * (card spec 11.3: credited once, by whichever card reaches the meter
 * first) and books fee (0: none). Needs PERM_ACCOUNT_OPEN. */
int account_card_reissue(const struct session *s, const struct sale_io *io,
			 const char *account_no, int64_t fee, struct account_op_result *res);

/* Tells the CLI whether an operation on the account needs the card
 * reader: *card_meter when it has an active card meter, *active_card when
 * it has an active user card. Needs PERM_ACCOUNT_VIEW. */
int account_card_needs(const struct session *s, const char *account_no, int *card_meter,
		       int *active_card);

#endif
