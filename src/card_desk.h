/* card_desk: the desk's card operations as the domain sees them —
 * permission checks, the cards table and the audit trail around cardio's
 * card operations (cardio/card.h). The order is always: card first, then
 * one database transaction, so a card pulled out half way is never
 * recorded as issued, and every operation can be repeated: it picks up the
 * card where the tear left it. */
#ifndef SALEDESK_CARD_DESK_H
#define SALEDESK_CARD_DESK_H

#include <stdint.h>

#include "card.h"      /* cardio */
#include "card_tariff.h"
#include "db_account.h"
#include "db_card.h"
#include "session.h"

/* Reads the card in r (plain without ring, authenticated with it) and
 * what the database knows of it (*known, *rec). An authenticated read
 * also settles: a purchase on the card newer than the database's is
 * recorded, and a return record is written to the audit trail. Needs
 * PERM_ACCOUNT_VIEW. */
int card_desk_read(const struct session *s, struct card_reader *r,
		   const struct card_keyring *ring, struct card_state *st, struct card_rec *rec,
		   int *known);

/* Issues the card in r as the user card of account_no with its card
 * meters (at most 4), subtype CARD_OPENING/PURCHASE/REPLACEMENT; a
 * replacement takes over from the account's active card (marked
 * replaced). A new card continues the account's purchase count. *resumed is set when the card was
 * already issued (a repeat after a tear). Needs PERM_ACCOUNT_OPEN. */
int card_desk_issue_user(const struct session *s, struct card_reader *r,
			 const struct card_keyring *ring, const char *account_no, int subtype,
			 struct card_state *st, int *resumed);

/* Issues a technician card of type CARD_CHECK..CARD_SETTING with order
 * (ignored for a check card). Needs PERM_TECH_CARD. */
int card_desk_issue_tech(const struct session *s, struct card_reader *r,
			 const struct card_keyring *ring, int type, const struct card_order *order,
			 struct card_state *st, int *resumed);

/* Adds tariff code to setting order o: the version in force now into
 * ef03 (flags bit0) and the next scheduled one, if any, into ef04 with
 * its activation time (bit1), 96-byte frames in the caller's buffers that
 * o points to until it is issued; *plan gets the ids. -SD_TARIFF when the
 * tariff cannot be written to a card (the detail says why). Needs
 * PERM_TECH_CARD. */
int card_desk_setting_tariff(const struct session *s, const char *code, struct card_order *o,
			     uint8_t ef03[96], uint8_t ef04[96], struct card_tariff_plan *plan);

/* Reads a check card back (authenticated, TMAC checked) and records the
 * meter's answer in the audit trail; -SD_STATE when no meter answered yet.
 * Needs PERM_TECH_CARD. */
int card_desk_read_check(const struct session *s, struct card_reader *r,
			 const struct card_keyring *ring, struct card_state *st);

/* Blanks the card in r and marks it recycled. Refuses a user card whose
 * last purchase a meter has not credited, unless force. Needs
 * PERM_CARD_RECYCLE (administrators). */
int card_desk_recycle(const struct session *s, struct card_reader *r,
		      const struct card_keyring *ring, int force, struct card_state *st);

/* Writes a purchase of amount fen onto the account's card without a sale
 * (recovery and tests; no money moves; audited). *seq gets its sequence
 * number; *settled is set when the card already held it (written before
 * a tear) and only the database was brought up to date. Needs
 * PERM_CARD_RECYCLE. The sale protocol calls card_write_purchase itself. */
int card_desk_load(const struct session *s, struct card_reader *r,
		   const struct card_keyring *ring, const char *account_no, int64_t amount,
		   struct card_state *before, int64_t *seq, int *settled);

/* card_desk_load() without its permission check, for a domain operation
 * that checked its own (a meter replacement's carry): audited as action
 * (and action.pending before the card is written). */
int card_desk_write_load(const struct session *s, struct card_reader *r,
			 const struct card_keyring *ring, const char *account_no, int64_t amount,
			 const char *action, struct card_state *before, int64_t *seq, int *settled);

/* Cancels purchase seq on the account's card while no meter has credited
 * it (a test aid and recovery: no money moves; audited as card.cancel;
 * of the cards table only the tariff versions the desk remembers on the
 * card are forgotten, so the next purchase carries EF03 again). *already is set when the card already
 * showed it cancelled (a repeat after a tear). *before gets what the card
 * held. Needs PERM_CARD_RECYCLE. Refunds and reversals of sales call
 * card_cancel_purchase themselves. */
int card_desk_cancel(const struct session *s, struct card_reader *r,
		     const struct card_keyring *ring, const char *account_no, int64_t seq,
		     struct card_state *before, int *already);

/* Calls fn for the newest limit (0: all) return records kept for
 * account_no (NULL: every account), newest first. Needs
 * PERM_ACCOUNT_VIEW. */
int card_desk_returns(const struct session *s, const char *account_no, int64_t limit,
		      int (*fn)(const struct card_return_rec *, void *), void *ctx);

/* The intent a card write records just before its commit APDU: an audit
 * row committed on its own, so that whatever happens next is explained.
 * With clear_tariffs, the card's remembered tariff versions are forgotten
 * in the same transaction. */
struct card_intent {
	const struct session *s;
	const char *action;       /* "card.load.pending", ... */
	const char *serial;
	int64_t card_id;
	uint32_t seq, amount;
	int clear_tariffs;
};

/* Fills *p with a purchase of amount fen as purchase seq of account acc,
 * sold at when: the account's alarm levels and credit limit ride along
 * (flags 0x0C); tariff files are the caller's to add. */
void card_desk_purchase(const struct account_rec *acc, uint32_t seq, uint32_t amount, int64_t when,
			struct card_purchase *p);

/* A card_pending_fn (cardio/card.h) recording the card_intent ctx. */
int card_desk_intent(void *ctx, const struct card_state *before);

/* Lists the cards the database knows. Needs PERM_ACCOUNT_VIEW. */
int card_desk_list(const struct session *s, int (*fn)(const struct card_rec *, void *),
		   void *ctx);

#endif
