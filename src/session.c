/* session: logging in, with failure counting and lock-out. */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "err.h"
#include "log.h"
#include "password.h"

static int site_offset(struct db *db)
{
	char buf[16];

	if (db_setting_get(db, "site.utc_offset_min", buf, sizeof(buf)) == 0)
		return atoi(buf);
	return 480;
}

void session_system(struct db *db, struct session *s)
{
	memset(s, 0, sizeof(*s));
	s->db = db;
	s->roles = ROLE_ALL;
	snprintf(s->login, sizeof(s->login), "system");
	s->utc_offset_min = site_offset(db);
}

/* Writes the outcome of a login attempt and its audit row in one
 * transaction. A read-only database keeps no bookkeeping. */
static int record_attempt(struct db *db, const struct operator_rec *op, int ok,
			  int *locked_now)
{
	struct session sys;
	struct operator_rec cur;
	int64_t now = clock_now(), until = 0;
	int failed, rc;

	*locked_now = 0;
	if (db_is_readonly(db))
		return 0;
	if ((rc = db_begin(db)))
		return rc;
	/* Re-read inside the lock: another desk may have counted too. */
	if ((rc = db_operator_get(db, op->login, &cur)))
		goto out;
	failed = ok ? 0 : cur.failed_logins + 1;
	if (failed >= LOGIN_MAX_FAILURES) {
		until = now + LOGIN_LOCKOUT_SECONDS;
		failed = 0;
		*locked_now = 1;
	}
	rc = db_operator_set_login_state(db, cur.id, failed, until, ok ? now : 0);
	if (rc)
		goto out;
	session_system(db, &sys);
	sys.operator_id = cur.id;
	snprintf(sys.login, sizeof(sys.login), "%s", cur.login);
	if (ok)
		rc = audit_log(&sys, "session.login", "operator", "login %s", cur.login);
	else
		rc = audit_log(&sys, "session.login_failed", "operator",
			       "failed login %d of %d%s", cur.failed_logins + 1,
			       LOGIN_MAX_FAILURES, *locked_now ? "; locked out" : "");
	if (!rc)
		rc = db_commit(db);
out:
	if (rc)
		db_rollback(db);
	memset(cur.pw_hash, 0, sizeof(cur.pw_hash));
	return rc;
}

int session_login(struct db *db, const char *login, const char *password,
		  struct session *s)
{
	struct operator_rec op;
	int rc, locked_now = 0, wrc;

	memset(s, 0, sizeof(*s));
	rc = db_operator_get(db, login, &op);
	if (rc == -SD_NOT_FOUND) {
		/* Spend the same time as a real check, so a stranger cannot
		 * probe for operator names by the clock. */
		char dummy[160];
		password_hash_iter(password, PASSWORD_ITERATIONS, dummy, sizeof(dummy));
		return err_set(-SD_AUTH, "login refused for \"%s\"", login);
	}
	if (rc)
		return rc;
	if (op.locked_until > clock_now()) {
		char when[32];
		clock_format_local(op.locked_until, site_offset(db), when, sizeof(when));
		rc = err_set(-SD_LOCKED, "%s is locked until %s", login, when);
		goto out;
	}
	rc = password_verify(password, op.pw_hash);
	if (rc && rc != -SD_AUTH)
		goto out;
	if (rc == 0 && op.disabled) {
		rc = err_set(-SD_DISABLED, "%s is disabled; an administrator can enable it", login);
		goto out;
	}
	wrc = record_attempt(db, &op, rc == 0, &locked_now);
	if (rc) {
		if (locked_now)
			rc = err_set(-SD_LOCKED, "%s is locked for %d minutes after %d failed logins",
				     login, LOGIN_LOCKOUT_SECONDS / 60, LOGIN_MAX_FAILURES);
		else
			rc = err_set(-SD_AUTH, "login refused for \"%s\"", login);
		goto out;
	}
	if (wrc)
		log_warn("could not record the login of %s: %s", login, err_str(wrc));
	if (password_needs_rehash(op.pw_hash) && !db_is_readonly(db)) {
		char fresh[OPERATOR_HASH_MAX];
		if (password_hash(password, fresh, sizeof(fresh)) == 0 && db_begin(db) == 0) {
			if (db_operator_set_password(db, op.id, fresh) || db_commit(db))
				db_rollback(db);
		}
		memset(fresh, 0, sizeof(fresh));
	}
	s->db = db;
	s->operator_id = op.id;
	snprintf(s->login, sizeof(s->login), "%s", op.login);
	s->roles = op.roles;
	s->utc_offset_min = site_offset(db);
	err_clear();
out:
	memset(op.pw_hash, 0, sizeof(op.pw_hash));
	return rc;
}
