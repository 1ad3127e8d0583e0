/* session: who is at the desk. Every domain operation takes a session and
 * checks its permission there, whatever the UI showed. */
#ifndef SALEDESK_SESSION_H
#define SALEDESK_SESSION_H

#include <stdint.h>

#include "db.h"
#include "db_operator.h"

struct session {
	struct db *db;
	int64_t operator_id;          /* 0 for the system itself (init) */
	char login[OPERATOR_LOGIN_MAX + 1];
	unsigned roles;               /* enum role bits */
	int utc_offset_min;           /* the site's offset, for display */
};

/* Logs login in with password against db and fills *s. Counts failures;
 * after LOGIN_MAX_FAILURES the operator is locked out for
 * LOGIN_LOCKOUT_SECONDS. Returns 0, -SD_AUTH (unknown operator or wrong
 * password, deliberately not told apart), -SD_LOCKED or -SD_DISABLED. */
int session_login(struct db *db, const char *login, const char *password,
		  struct session *s);

/* Fills *s for the program itself, with every role: only `saledesk init`
 * uses it, before any operator exists. */
void session_system(struct db *db, struct session *s);

#define LOGIN_MAX_FAILURES 5
#define LOGIN_LOCKOUT_SECONDS (15 * 60)

#endif
