/* db_card: the SQL of the cards table (issued user and technician cards;
 * never a key). */
#ifndef SALEDESK_DB_CARD_H
#define SALEDESK_DB_CARD_H

#include <stdint.h>

#include "db.h"

struct card_rec {
	int64_t id;
	char serial[17];          /* 16 hex digits, upper case */
	char kind[8];             /* user, check, reset, clear, setting */
	int64_t account_id;       /* 0 for technician cards */
	char account_no[13];
	char status[10];          /* active, lost, replaced, recycled */
	int key_version;
	int64_t purchase_seq;     /* last purchase written to the card */
	int64_t issued_at;
	int64_t issued_by;
	int64_t tariff_ef03;      /* tariff version last written to EF03 with a purchase; 0 none */
	int64_t tariff_ef04;      /* ... to EF04 (standby); 0 none */
};

/* Records c as issued (status active); a recycled card of the same serial
 * is taken over. Sets c->id. -SD_EXISTS if the serial is active, or the
 * account already has an active user card. */
int db_card_issue(struct db *db, struct card_rec *c);

/* Reads the card of serial; -SD_NOT_FOUND. */
int db_card_get(struct db *db, const char *serial, struct card_rec *out);

/* Reads the card of row id; -SD_NOT_FOUND. */
int db_card_get_id(struct db *db, int64_t id, struct card_rec *out);

/* Reads the active user card of account_id; -SD_NOT_FOUND. */
int db_card_user_of(struct db *db, int64_t account_id, struct card_rec *out);

/* The highest purchase sequence number of any card the account ever had
 * (0 if none): a new card of the account continues from it. */
int db_card_account_seq(struct db *db, int64_t account_id, int64_t *seq);

/* Sets the status of serial. */
int db_card_set_status(struct db *db, const char *serial, const char *status);

/* Sets the purchase sequence number the card holds. */
int db_card_set_seq(struct db *db, const char *serial, int64_t seq);

/* Records the tariff versions the desk last wrote to card id's EF03 and
 * EF04 with a purchase (0: none, unknown). */
int db_card_set_tariffs(struct db *db, int64_t id, int64_t ef03, int64_t ef04);

/* Raises the purchase number card id holds to seq (never lowers it). */
int db_card_raise_seq(struct db *db, int64_t id, int64_t seq);

/* A return record as the desk keeps it (card spec 5.4). */
struct card_return_rec {
	int64_t id, card_id, account_id;
	char serial[17], meter_no[13];
	int64_t count, unit, remaining, overdraft, energy_wh, status, result, illegal;
	int64_t meter_time, read_at;
};

/* Keeps return record r unless it is already kept; *added says which. */
int db_card_return_add(struct db *db, const struct card_return_rec *r, int *added);

/* Calls fn for the newest limit return records of account_id (0: all
 * accounts), newest first. */
int db_card_return_each(struct db *db, int64_t account_id, int64_t limit,
			int (*fn)(const struct card_return_rec *, void *), void *ctx);

/* Calls fn for every card, by serial. */
int db_card_each(struct db *db, int (*fn)(const struct card_rec *, void *), void *ctx);

#endif
