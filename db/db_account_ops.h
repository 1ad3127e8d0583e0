/* db_account_ops: the SQL of the special operations on an account (data
 * change, ownership transfer, meter replacement, close) and of the cards
 * a loss report leaves behind. */
#ifndef SALEDESK_DB_ACCOUNT_OPS_H
#define SALEDESK_DB_ACCOUNT_OPS_H

#include <stdint.h>

#include "db.h"
#include "db_account.h"

/* Sets the status of account id ("pre", "open", "closed"); closed_at is
 * stored when non-zero. */
int db_account_set_status(struct db *db, int64_t id, const char *status, int64_t closed_at);

/* Rewrites the name, ID number, phone and address of customer c->id. */
int db_customer_update(struct db *db, const struct customer_rec *c);

/* Rewrites the premises fields (building, floor, room, area) of a->id. */
int db_account_update_premises(struct db *db, const struct account_rec *a);

/* Hands account id to customer customer_id (ownership transfer). */
int db_account_set_customer(struct db *db, int64_t id, int64_t customer_id);

/* Marks meter id removed at removed_at. */
int db_meter_remove(struct db *db, int64_t id, int64_t removed_at);

/* Inserts meter m on account m->account_id; sets m->id. -SD_EXISTS with a
 * detail when the meter number is already registered. */
int db_meter_add(struct db *db, struct meter_rec *m);

/* A balance still to carry to a meter that replaced another (换表). */
struct meter_carry {
	int64_t meter_id;     /* the new meter */
	char meter_no[METER_NO_MAX + 1];
	char mode[8];         /* card or remote */
	char old_no[METER_NO_MAX + 1];
	int64_t fen;          /* still to carry; 0 on a card: the card still names old_no */
	int64_t seq;          /* the card purchase number the carry writes; 0 not yet chosen */
};

/* Records that meter id replaced meter old_id and has fen to carry. */
int db_meter_set_carry(struct db *db, int64_t id, int64_t old_id, int64_t fen);

/* Reads into *out the first carry still to do on the account's active
 * meters; -SD_NOT_FOUND if none. */
int db_meter_carry_of(struct db *db, int64_t account_id, struct meter_carry *out);

/* Records the purchase number meter id's card carry writes. */
int db_meter_carry_seq(struct db *db, int64_t id, int64_t seq);

/* Marks meter id's carry done. */
int db_meter_carry_done(struct db *db, int64_t id);

/* Reads the id of the account's most recently issued user card marked
 * lost into *card_id; -SD_NOT_FOUND if none. */
int db_card_lost_id(struct db *db, int64_t account_id, int64_t *card_id);

#endif
