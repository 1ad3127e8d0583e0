/* db_account: the SQL of customers, accounts and meters. */
#ifndef SALEDESK_DB_ACCOUNT_H
#define SALEDESK_DB_ACCOUNT_H

#include <stdint.h>

#include "db.h"

#define ACCOUNT_NO_MAX 12
#define METER_NO_MAX 12
#define ACCOUNT_MAX_METERS 8

struct customer_rec {
	int64_t id;
	char name[256];      /* up to 64 characters */
	char id_number[33];
	char phone[21];
	char address[512];   /* up to 128 characters */
	int64_t created_at;
};

struct meter_rec {
	int64_t id;
	char meter_no[METER_NO_MAX + 1];
	int64_t account_id;
	int64_t tariff_id;
	char tariff_code[17];
	char mode[8];        /* card, remote, billed */
	int phases;          /* 1 or 3 */
	char status[8];      /* active, removed */
	int64_t installed_at;
};

struct account_rec {
	int64_t id;
	char account_no[ACCOUNT_NO_MAX + 1];
	struct customer_rec customer;
	char building[128];
	int floor;           /* meaningful when has_floor */
	int has_floor;
	char room[64];
	int64_t area_dm2;    /* floor area in 0.01 m² */
	char status[8];      /* pre, open, closed */
	int64_t credit_limit;   /* fen the relay allows below zero */
	int64_t alarm[3];       /* fen, alarm[0] >= alarm[1] >= alarm[2] */
	int64_t debt;           /* old debt still to recover, fen */
	char debt_mode[8];      /* none, share, fixed */
	int64_t debt_share_bp;  /* share of each purchase, 1/10000 */
	int64_t debt_fixed;     /* fen per purchase */
	int64_t opened_at;
	int64_t closed_at;
	int n_meters;
	struct meter_rec meters[ACCOUNT_MAX_METERS];
};

/* Inserts c and sets c->id. */
int db_customer_insert(struct db *db, struct customer_rec *c);

/* Inserts a (its customer already stored, a->customer.id set) and its
 * meters; sets the ids. opened_by is an operator id or 0. */
int db_account_insert(struct db *db, struct account_rec *a, int64_t opened_by);

/* Returns the next free numeric account number above the highest. */
int db_account_next_no(struct db *db, char out[ACCOUNT_NO_MAX + 1]);

/* Reads account_no with its customer and meters; -SD_NOT_FOUND if none. */
int db_account_get(struct db *db, const char *account_no, struct account_rec *out);

/* Reads which account holds meter_no into *account_no; -SD_NOT_FOUND. */
int db_meter_owner(struct db *db, const char *meter_no, char account_no[ACCOUNT_NO_MAX + 1]);

struct account_filter {
	const char *text;     /* matches number, name, phone, room, meter; NULL all */
	const char *building; /* exact; NULL all */
	const char *status;   /* exact; NULL all */
	int64_t limit;        /* 0: no limit */
};

/* Calls fn for each account matching f, by account number, with its
 * customer and meters. */
int db_account_each(struct db *db, const struct account_filter *f,
		    int (*fn)(const struct account_rec *, void *), void *ctx);

/* Counts the accounts matching f (its limit ignored) into *n; for the
 * UI's "N match" as the cashier types. */
int db_account_count(struct db *db, const struct account_filter *f, int64_t *n);

#endif
