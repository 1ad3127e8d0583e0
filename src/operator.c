/* operator: managing the people who use the desk. */
#include "operator.h"

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "err.h"
#include "password.h"
#include "perm.h"
#include "text.h"

int operator_add(const struct session *s, const char *login, const char *name,
		 unsigned roles, const char *password)
{
	struct operator_rec rec;
	char rolebuf[64];
	int rc;

	if ((rc = perm_check(s, PERM_OPERATOR_MANAGE)))
		return rc;
	if ((rc = text_check_ident(login, OPERATOR_LOGIN_MAX, "_.-", "a login")))
		return rc;
	if (!name || !*name)
		return err_set(-SD_INVAL, "an operator needs a name");
	if (!(roles & ROLE_ALL))
		return err_set(-SD_INVAL, "an operator needs at least one role");
	if ((rc = password_check_policy(password)))
		return rc;
	memset(&rec, 0, sizeof(rec));
	snprintf(rec.login, sizeof(rec.login), "%s", login);
	snprintf(rec.name, sizeof(rec.name), "%s", name);
	rec.roles = roles;
	rec.created_at = clock_now();
	/* Hash before taking the write lock: it is slow on purpose. */
	if ((rc = password_hash(password, rec.pw_hash, sizeof(rec.pw_hash))))
		return rc;
	if ((rc = db_begin(s->db)))
		goto out;
	if ((rc = db_operator_insert(s->db, &rec)))
		goto rollback;
	rc = audit_log(s, "operator.add", login, "name=%s roles=%s", name,
		       role_format(roles, rolebuf, sizeof(rolebuf)));
	if (!rc)
		rc = db_commit(s->db);
rollback:
	if (rc)
		db_rollback(s->db);
out:
	memset(rec.pw_hash, 0, sizeof(rec.pw_hash));
	return rc;
}

/* Loads login inside the open transaction, or fails with a clear detail. */
static int load(const struct session *s, const char *login, struct operator_rec *op)
{
	int rc = db_operator_get(s->db, login, op);

	memset(op->pw_hash, 0, sizeof(op->pw_hash));
	return rc;
}

/* Would the change leave the desk without an enabled administrator? */
static int keeps_an_admin(const struct session *s, const struct operator_rec *op,
			  int disabled, unsigned roles)
{
	int64_t admins = db_operator_count_admins(s->db);
	int was = (op->roles & ROLE_ADMIN) && !op->disabled;
	int will = (roles & ROLE_ADMIN) && !disabled;

	if (admins < 0)
		return (int)admins;
	if (was && !will && admins <= 1)
		return err_set(-SD_STATE, "%s is the last enabled administrator; "
					   "make another one first", op->login);
	return 0;
}

int operator_set_disabled(const struct session *s, const char *login, int disabled)
{
	struct operator_rec op;
	int rc;

	if ((rc = perm_check(s, PERM_OPERATOR_MANAGE)))
		return rc;
	if ((rc = db_begin(s->db)))
		return rc;
	if ((rc = load(s, login, &op)) || (rc = keeps_an_admin(s, &op, disabled, op.roles)))
		goto out;
	if ((rc = db_operator_set_disabled(s->db, op.id, disabled)))
		goto out;
	rc = audit_log(s, disabled ? "operator.disable" : "operator.enable", login, "%s",
		       disabled ? "disabled" : "enabled");
	if (!rc)
		rc = db_commit(s->db);
out:
	if (rc)
		db_rollback(s->db);
	return rc;
}

int operator_set_roles(const struct session *s, const char *login, unsigned roles)
{
	struct operator_rec op;
	char before[64], after[64];
	int rc;

	if ((rc = perm_check(s, PERM_OPERATOR_MANAGE)))
		return rc;
	if (!(roles & ROLE_ALL))
		return err_set(-SD_INVAL, "an operator needs at least one role");
	if ((rc = db_begin(s->db)))
		return rc;
	if ((rc = load(s, login, &op)) || (rc = keeps_an_admin(s, &op, op.disabled, roles)))
		goto out;
	if ((rc = db_operator_set_roles(s->db, op.id, roles)))
		goto out;
	rc = audit_log(s, "operator.roles", login, "roles %s -> %s",
		       role_format(op.roles, before, sizeof(before)),
		       role_format(roles, after, sizeof(after)));
	if (!rc)
		rc = db_commit(s->db);
out:
	if (rc)
		db_rollback(s->db);
	return rc;
}

int operator_set_password(const struct session *s, const char *login,
			  const char *password)
{
	struct operator_rec op;
	char hash[OPERATOR_HASH_MAX];
	int rc, self = strcmp(s->login, login) == 0 && s->operator_id;

	if (!self && (rc = perm_check(s, PERM_OPERATOR_MANAGE)))
		return rc;
	if ((rc = password_check_policy(password)))
		return rc;
	if ((rc = password_hash(password, hash, sizeof(hash))))
		return rc;
	if ((rc = db_begin(s->db)))
		goto wipe;
	if ((rc = load(s, login, &op)) || (rc = db_operator_set_password(s->db, op.id, hash)))
		goto out;
	rc = audit_log(s, "operator.passwd", login, "%s",
		       self ? "changed own password" : "password reset by an administrator");
	if (!rc)
		rc = db_commit(s->db);
out:
	if (rc)
		db_rollback(s->db);
wipe:
	memset(hash, 0, sizeof(hash));
	return rc;
}

struct list_ctx {
	int (*fn)(const struct operator_rec *, void *);
	void *ctx;
};

static int list_one(const struct operator_rec *rec, void *arg)
{
	struct list_ctx *l = arg;
	struct operator_rec copy = *rec;

	memset(copy.pw_hash, 0, sizeof(copy.pw_hash));
	return l->fn(&copy, l->ctx);
}

int operator_list(const struct session *s,
		  int (*fn)(const struct operator_rec *, void *), void *ctx)
{
	struct list_ctx l = { fn, ctx };
	int rc;

	if ((rc = perm_check(s, PERM_OPERATOR_MANAGE)))
		return rc;
	return db_operator_each(s->db, list_one, &l);
}
