/* card: what the desk does with a card (docs/card-spec.md section 11):
 * read, issue (personalise), write a purchase, issue technician cards,
 * read a check card back, recycle. Each operation connects to the card in
 * reader r, runs inside one PC/SC transaction, authenticates with the
 * master keys of the card's key version from ring, and ends with the card
 * either unchanged or completely changed. Errors use the spec's classes:
 * -SD_CARD_AUTH (32), -SD_CARD_OTHER (33), -SD_CARD_COUNT (34),
 * -SD_CARD_UNCLEARED (35), -SD_CARD_FORMAT (36), -SD_CARD_PULLED (38),
 * -SD_CARD_STACK (the no-stacking refusal), -SD_NO_CARD, -SD_CARD_SW. */
#ifndef CARDIO_CARD_H
#define CARDIO_CARD_H

#include <stdint.h>

#include "keyfile.h"
#include "layout.h"
#include "reader.h"

/* What a read found on the card. */
struct card_state {
	uint8_t serial[8];        /* from the ATR */
	int blank;                /* no application: not personalised */
	int issued;               /* EF01 holds card info */
	int authenticated;        /* read with MACs under our keys; record MACs checked */
	struct card_info info;
	int has_purchase;         /* EF02 holds a purchase record */
	struct card_purchase last;
	int returned;             /* EF05 holds a return record */
	struct card_return ret;
	uint8_t tech_cmd;         /* EF06 record: 21 check answer, 23/24/25 order, 0 none */
	struct card_check check;  /* when tech_cmd is 21 */
	uint16_t uses_left;       /* when tech_cmd is 23..25 */
	uint32_t ef03_id, ef04_id; /* tariff ids in EF03/EF04 when the read covered them
				    * (the last purchase names them), else 0 */
	unsigned long apdus, bytes; /* exchanged by the operation */
};

/* Formats serial as 16 hex digits into out (17 bytes); returns out. */
char *card_serial_hex(const uint8_t serial[8], char out[17]);

/* Parses 16 hex digits (as the cards table keeps a serial) into out;
 * -SD_INVAL with a detail if hex is not that. */
int card_serial_parse(const char *hex, uint8_t out[8]);

/* Reads the card. Without ring: plain reads only (4 APDUs, display).
 * With ring: three-pass authentication and MAC reads, record MACs
 * checked (for decisions that move money; a purchase record naming tariff
 * files is vouched for by a return record when EF05 holds one, spec 11.3,
 * else its files are read for its PMAC); key_version 0 learns the
 * version from the card (one SELECT with FCI more). Fills *st; returns 0
 * also for a blank card (st->blank). */
int card_read(struct card_reader *r, const struct card_keyring *ring, int key_version,
	      struct card_state *st);

/* Issues (personalises) the card with info (type, subtype, utility,
 * account, meters, issued time; serial and key version are the card's and
 * the ring's newest), and for a reset, clear or setting card writes order
 * (with its TMAC) into EF06; a setting order whose flags name EF03/EF04
 * writes order->ef03/ef04 first (inert until EF06 names them, 11.1). Picks up where a torn issue stopped: a blank
 * card is personalised, a personalised card with empty EF01 gets its
 * EF01, a card already issued with the same type and account is reported
 * with return value 1. -SD_EXISTS when the card holds something else.
 * *st gets the card as left. */
int card_issue(struct card_reader *r, const struct card_keyring *ring,
	       const struct card_info *info, const struct card_order *order,
	       struct card_state *st);

/* Called by card_write_purchase() and card_cancel_purchase() after every
 * check passed and just before the commit APDU, with what the card held:
 * the caller records the sale (or the cancel) as pending (spec 11.3,
 * 11.5); a non-zero return stops before anything is written and is
 * returned. */
typedef int (*card_pending_fn)(void *ctx, const struct card_state *before);

/* Writes purchase p onto the card whose serial must be serial (the card
 * the database knows for the account; NULL skips the check) in at most 8
 * APDUs, the spec's 11.3: authenticate (key version key_version, 0 = ask
 * the card), MAC-read EF02 and EF05, refuse stacking (-SD_CARD_STACK) and
 * a purchase the meter did not credit (its class), require p->seq = the
 * card's N + 1 (-SD_CARD_COUNT), write EF03/EF04 when p->flags bit0/bit1
 * (ef03/ef04 are their 96-byte frames, from card_tariff_encode), call
 * pending, then LOAD PURCHASE. p->cumulative 0 means the card's
 * cumulative + p->amount. Returns 0 when the card said 9000 (the
 * purchase is on the card). -SD_CARD_PULLED from the commit means "not
 * known": settle with card_read() and the sequence number. *before gets
 * what the card held (its last purchase and return record). A last
 * purchase cancelled at the desk (card_purchase_cancelled) counts as
 * settled: p->seq is its N again (the number is reused, so the meter sees
 * no hole), and the cumulative leaves its amount out. */
int card_write_purchase(struct card_reader *r, const struct card_keyring *ring,
			int key_version, const uint8_t *serial, const struct card_purchase *p,
			const uint8_t *ef03, const uint8_t *ef04, card_pending_fn pending,
			void *ctx, struct card_state *before);

/* Moves the user card whose serial must be serial (NULL skips) from meter
 * old_meter to new_meter, the spec's 11.6: authenticate (key_version, 0 =
 * ask the card), MAC-read EF01, EF02 and EF05, then rewrite EF01 with
 * new_meter in old_meter's place and subtype opening, in one UPDATE.
 * Returns 1 when the card already names new_meter (a repeat), 0 when
 * moved; *before gets the card as read (its purchase and return record),
 * with info as left. */
int card_move_meter(struct card_reader *r, const struct card_keyring *ring, int key_version,
		    const uint8_t *serial, const char *old_meter, const char *new_meter,
		    struct card_state *before);

/* Cancels purchase seq on the card whose serial must be serial (NULL
 * skips), the spec's 11.5: authenticate (key_version, 0 = ask the card),
 * MAC-read EF01, EF02 and EF05, require EF02's N = seq and EF05 empty
 * (-SD_STATE: "purchase N is already in a meter ... refund what the meter
 * holds instead" when EF05 holds a meter's record with count >= seq, "the
 * card holds purchase X, not seq" otherwise), call pending(ctx, before)
 * just before the cancel APDU (the caller records its intent; non-zero
 * stops and is returned), send CANCEL PURCHASE with the desk's return
 * record (result 02, count seq - 1, EF01's account and first meter).
 * Returns 0 when the card said 9000 (purchase seq can never be credited
 * now), 1 when the card already showed seq cancelled (a repeat; nothing
 * sent). -SD_CARD_PULLED from the cancel APDU means "not known": settle by
 * card_read() and card_purchase_cancelled(). *before gets what the card
 * held. 9 APDUs with a known key version and a purchase naming no tariff
 * file (+1 to ask the key version, +1 per tariff file its PMAC covers). */
int card_cancel_purchase(struct card_reader *r, const struct card_keyring *ring, int key_version,
			 const uint8_t *serial, uint32_t seq, card_pending_fn pending, void *ctx,
			 struct card_state *before);

/* Returns 1 when st shows purchase seq cancelled at the desk (EF05 holds a
 * result-02 record with count seq - 1 and EF02 holds seq), else 0. */
int card_purchase_cancelled(const struct card_state *st, uint32_t seq);

/* Blanks the card (ERASE after authentication with the desk key): it can
 * be issued again. *st gets what it held before. */
int card_recycle(struct card_reader *r, const struct card_keyring *ring, struct card_state *st);

#endif
