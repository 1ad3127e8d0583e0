/* db_operator: the SQL of operators and their roles. */
#include "db_operator.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "db_int.h"
#include "err.h"

static const struct {
	unsigned bit;
	const char *name;
} role_names[] = {
	{ ROLE_ADMIN, "admin" },
	{ ROLE_CASHIER, "cashier" },
	{ ROLE_TECHNICIAN, "technician" },
};
#define NROLES (sizeof(role_names) / sizeof(role_names[0]))

char *role_format(unsigned roles, char *buf, unsigned len)
{
	size_t i, n = 0;

	buf[0] = 0;
	for (i = 0; i < NROLES; i++)
		if (roles & role_names[i].bit)
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s",
					      n ? "," : "", role_names[i].name);
	return buf;
}

int role_parse(const char *text, unsigned *roles)
{
	char word[32];
	const char *p = text;
	size_t i, n;

	*roles = 0;
	while (p && *p) {
		n = strcspn(p, ", ");
		if (n == 0) {
			p++;
			continue;
		}
		if (n >= sizeof(word))
			return err_set(-SD_INVAL, "unknown role \"%.*s\"", (int)n, p);
		memcpy(word, p, n);
		word[n] = 0;
		p += n;
		if (strcasecmp(word, "all") == 0) {
			*roles |= ROLE_ALL;
			continue;
		}
		for (i = 0; i < NROLES; i++)
			if (strcasecmp(word, role_names[i].name) == 0)
				break;
		if (i == NROLES)
			return err_set(-SD_INVAL,
				       "unknown role \"%s\"; roles are admin, cashier, technician",
				       word);
		*roles |= role_names[i].bit;
	}
	if (!*roles)
		return err_set(-SD_INVAL, "no role given; roles are admin, cashier, technician");
	return 0;
}

static unsigned roles_from_text(const char *text)
{
	unsigned r = 0;

	return role_parse(text, &r) ? 0 : r;
}

#define OPERATOR_COLS \
	"o.id, o.login, o.name, o.pw_hash, o.disabled, o.failed_logins, " \
	"o.locked_until, o.created_at, coalesce(o.last_login_at, 0), " \
	"(SELECT group_concat(role) FROM operator_roles r WHERE r.operator_id = o.id)"

static void read_row(sqlite3_stmt *st, struct operator_rec *out)
{
	char roles[64];

	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, out->login, sizeof(out->login));
	db_col_text(st, 2, out->name, sizeof(out->name));
	db_col_text(st, 3, out->pw_hash, sizeof(out->pw_hash));
	out->disabled = sqlite3_column_int(st, 4);
	out->failed_logins = sqlite3_column_int(st, 5);
	out->locked_until = sqlite3_column_int64(st, 6);
	out->created_at = sqlite3_column_int64(st, 7);
	out->last_login_at = sqlite3_column_int64(st, 8);
	db_col_text(st, 9, roles, sizeof(roles));
	out->roles = roles_from_text(roles);
}

int db_operator_get(struct db *db, const char *login, struct operator_rec *out)
{
	sqlite3_stmt *st;
	int rc;

	rc = db_prepare(db, &st, "SELECT " OPERATOR_COLS " FROM operators o WHERE login = ?",
			"t", login);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_row(st, out);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = err_set(-SD_NOT_FOUND, "no operator \"%s\"", login);
	} else {
		rc = db_error(db, rc, "operator get");
	}
	sqlite3_finalize(st);
	return rc;
}

int db_operator_set_roles(struct db *db, int64_t id, unsigned roles)
{
	size_t i;
	int rc;

	if ((rc = db_run(db, "DELETE FROM operator_roles WHERE operator_id = ?", "i", id)))
		return rc;
	for (i = 0; i < NROLES; i++) {
		if (!(roles & role_names[i].bit))
			continue;
		rc = db_run(db, "INSERT INTO operator_roles(operator_id, role) VALUES (?, ?)",
			    "it", id, role_names[i].name);
		if (rc)
			return rc;
	}
	return 0;
}

int db_operator_insert(struct db *db, struct operator_rec *rec)
{
	int64_t id;
	int rc;

	rc = db_run(db, "INSERT INTO operators(login, name, pw_hash, disabled, created_at) "
			"VALUES (?, ?, ?, ?, ?)",
		    "tttIi", rec->login, rec->name, rec->pw_hash, rec->disabled,
		    rec->created_at);
	if (rc == -SD_EXISTS)
		return err_set(rc, "an operator \"%s\" already exists", rec->login);
	if (rc)
		return rc;
	if ((rc = db_int(db, &id, "SELECT last_insert_rowid()", NULL)))
		return rc;
	rec->id = id;
	return db_operator_set_roles(db, id, rec->roles);
}

int db_operator_set_disabled(struct db *db, int64_t id, int disabled)
{
	return db_run(db, "UPDATE operators SET disabled = ? WHERE id = ?", "Ii",
		      disabled ? 1 : 0, id);
}

int db_operator_set_password(struct db *db, int64_t id, const char *pw_hash)
{
	return db_run(db, "UPDATE operators SET pw_hash = ?, failed_logins = 0, "
			  "locked_until = 0 WHERE id = ?",
		      "ti", pw_hash, id);
}

int db_operator_set_login_state(struct db *db, int64_t id, int failed,
				int64_t locked_until, int64_t last_login_at)
{
	return db_run(db, "UPDATE operators SET failed_logins = ?, locked_until = ?, "
			  "last_login_at = coalesce(nullif(?, 0), last_login_at) WHERE id = ?",
		      "Iiii", failed, locked_until, last_login_at, id);
}

int64_t db_operator_count_admins(struct db *db)
{
	int64_t n = 0;
	int rc = db_int(db, &n, "SELECT count(*) FROM operators o JOIN operator_roles r "
				"ON r.operator_id = o.id WHERE r.role = 'admin' AND o.disabled = 0",
			NULL);

	return rc ? rc : n;
}

int db_operator_each(struct db *db, int (*fn)(const struct operator_rec *, void *),
		     void *ctx)
{
	struct operator_rec rec;
	sqlite3_stmt *st;
	int rc;

	rc = db_prepare(db, &st, "SELECT " OPERATOR_COLS " FROM operators o ORDER BY login", NULL);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_row(st, &rec);
		if ((rc = fn(&rec, ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "operator list");
out:
	sqlite3_finalize(st);
	return rc;
}
