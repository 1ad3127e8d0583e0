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

/* Reads the id of the account's most recently issued user card marked
 * lost into *card_id; -SD_NOT_FOUND if none. */
int db_card_lost_id(struct db *db, int64_t account_id, int64_t *card_id);

#endif
