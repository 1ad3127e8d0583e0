/* db_operator: the SQL of operators and their roles. */
#ifndef SALEDESK_DB_OPERATOR_H
#define SALEDESK_DB_OPERATOR_H

#include <stdint.h>

#include "db.h"

/* Role bits; an operator may hold several. */
enum role {
	ROLE_ADMIN = 1 << 0,
	ROLE_CASHIER = 1 << 1,
	ROLE_TECHNICIAN = 1 << 2,
};
#define ROLE_ALL (ROLE_ADMIN | ROLE_CASHIER | ROLE_TECHNICIAN)

#define OPERATOR_LOGIN_MAX 32
#define OPERATOR_HASH_MAX 160

struct operator_rec {
	int64_t id;
	char login[OPERATOR_LOGIN_MAX + 1];
	char name[256];   /* up to 64 characters of UTF-8 */
	char pw_hash[OPERATOR_HASH_MAX];
	unsigned roles;   /* enum role bits */
	int disabled;
	int failed_logins;
	int64_t locked_until;
	int64_t created_at;
	int64_t last_login_at; /* 0 if never */
};

/* Reads the operator with this login into *out; -SD_NOT_FOUND if none. */
int db_operator_get(struct db *db, const char *login, struct operator_rec *out);

/* Inserts an operator with its roles; sets rec->id. */
int db_operator_insert(struct db *db, struct operator_rec *rec);

/* Replaces the roles of operator id. */
int db_operator_set_roles(struct db *db, int64_t id, unsigned roles);

/* Sets the disabled flag of operator id. */
int db_operator_set_disabled(struct db *db, int64_t id, int disabled);

/* Stores a new password hash and clears failures and lock-out. */
int db_operator_set_password(struct db *db, int64_t id, const char *pw_hash);

/* Stores the login bookkeeping: failures, lock-out end, last login. */
int db_operator_set_login_state(struct db *db, int64_t id, int failed,
				int64_t locked_until, int64_t last_login_at);

/* Returns the number of enabled operators holding the admin role. */
int64_t db_operator_count_admins(struct db *db);

/* Calls fn for every operator, by login; stops and returns fn's value if
 * it is non-zero. The record is only valid during the call. */
int db_operator_each(struct db *db, int (*fn)(const struct operator_rec *, void *),
		     void *ctx);

/* Returns "admin,cashier"-style text for roles into buf; returns buf. */
char *role_format(unsigned roles, char *buf, unsigned len);

/* Parses "admin,cashier,technician" (any order, also "all") into role
 * bits; -SD_INVAL with a detail naming an unknown role. */
int role_parse(const char *text, unsigned *roles);

#endif
