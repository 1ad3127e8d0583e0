/* cmd_operator: `saledesk init` and `saledesk operator ...`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit.h"
#include "cli.h"
#include "clock.h"
#include "commands.h"
#include "err.h"
#include "operator.h"
#include "password.h"

/* Creates every missing folder above path, like mkdir -p of its dirname. */
static int make_parent_dirs(const char *path)
{
	char buf[PATH_MAX];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return err_set(-SD_INVAL, "path too long");
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0750) != 0 && errno != EEXIST)
			return err_set(-SD_IO, "cannot create %s: %s", buf, strerror(errno));
		*p = '/';
	}
	return 0;
}

static int parse_offset(const char *text, int *minutes)
{
	int h = 0, m = 0, sign = 1;

	if (*text == '+' || *text == '-')
		sign = *text++ == '-' ? -1 : 1;
	if (sscanf(text, "%2d:%2d", &h, &m) < 1 || h > 14 || m > 59)
		return err_set(-SD_INVAL, "UTC offset \"%s\": use +HH:MM, like +08:00", text);
	*minutes = sign * (h * 60 + m);
	return 0;
}

static int run_init(struct cli *c)
{
	const char *admin = cli_get(c, "admin"), *name = cli_get(c, "name");
	const char *site = cli_get(c, "site"), *offset = cli_get(c, "utc-offset");
	struct session sys;
	char pw[256], buf[32];
	int off = 480, rc;
	int64_t n;

	if (!admin || !name)
		return cli_usage_error(c, "give the first administrator: --admin LOGIN --name NAME");
	if (offset && (rc = parse_offset(offset, &off)))
		return cli_fail(rc);
	if ((rc = config_load(c->config_arg, c->db_arg, &c->cfg)) ||
	    (rc = make_parent_dirs(c->cfg.db_path)))
		return cli_fail(rc);
	if ((rc = db_open(c->cfg.db_path, DB_OPEN_CREATE, &c->db)))
		return cli_fail(rc);
	n = db_count_rows(c->db, "operators");
	if (n < 0)
		return cli_fail((int)n);
	if (n > 0)
		return cli_fail(err_set(-SD_EXISTS, "%s is already set up; add operators with "
						    "`saledesk operator add`", c->cfg.db_path));
	if ((rc = cli_read_password(c->password_fd, "Password for the administrator: ", 1, pw,
				    sizeof(pw))))
		return cli_fail(rc);
	session_system(c->db, &sys);
	rc = operator_add(&sys, admin, name, ROLE_ADMIN, pw);
	memset(pw, 0, sizeof(pw));
	if (rc)
		return cli_fail(rc);
	snprintf(buf, sizeof(buf), "%d", off);
	if ((rc = db_begin(c->db)) || (rc = db_setting_set(c->db, "site.utc_offset_min", buf)) ||
	    (rc = db_setting_set(c->db, "site.name", site ? site : "")) ||
	    (rc = audit_log(&sys, "desk.init", "settings", "site=%s utc_offset_min=%d",
			    site ? site : "", off)) ||
	    (rc = db_commit(c->db))) {
		db_rollback(c->db);
		return cli_fail(rc);
	}
	printf("Created %s with administrator %s.\n", c->cfg.db_path, admin);
	return 0;
}

static int new_password(struct cli *c, char *pw, unsigned len)
{
	return cli_read_password(c->new_password_fd, "New password: ", 1, pw, len);
}

static int run_operator_add(struct cli *c)
{
	const char *name = cli_get(c, "name"), *roles_text = cli_get(c, "roles");
	unsigned roles;
	char pw[256];
	int rc;

	if (!name || !roles_text)
		return cli_usage_error(c, "give --name NAME and --roles ROLES");
	if ((rc = role_parse(roles_text, &roles)))
		return cli_usage_error(c, "%s", err_detail());
	if ((rc = cli_login(c)) || (rc = new_password(c, pw, sizeof(pw))))
		return cli_fail(rc);
	rc = operator_add(&c->s, c->argv[0], name, roles, pw);
	memset(pw, 0, sizeof(pw));
	if (rc)
		return cli_fail(rc);
	printf("Added operator %s.\n", c->argv[0]);
	return 0;
}

struct op_list {
	struct cli *c;
	struct rpt_table *t;
};

static int list_row(const struct operator_rec *op, void *arg)
{
	struct op_list *l = arg;
	char roles[64], last[40], locked[40];
	const char *cells[6];

	cells[0] = op->login;
	cells[1] = op->name;
	cells[2] = role_format(op->roles, roles, sizeof(roles));
	cells[3] = op->disabled ? "disabled" : "enabled";
	cells[4] = cli_time(l->c, op->last_login_at, last, sizeof(last));
	cells[5] = op->locked_until > clock_now()
			   ? cli_time(l->c, op->locked_until, locked, sizeof(locked))
			   : "";
	return rpt_table_add(l->t, cells);
}

static int run_operator_list(struct cli *c)
{
	static const char *const h[] = { "login", "name", "roles", "status", "last_login",
					 "locked_until" };
	struct op_list l = { c, rpt_table_new(6, h) };
	int rc = l.t ? 0 : -SD_NOMEM;

	if (!rc && !(rc = cli_login(c)))
		rc = operator_list(&c->s, list_row, &l);
	return cli_table_done(c, l.t, rc);
}

static int set_disabled(struct cli *c, int disabled)
{
	int rc;

	if ((rc = cli_login(c)) || (rc = operator_set_disabled(&c->s, c->argv[0], disabled)))
		return cli_fail(rc);
	printf("Operator %s is %s.\n", c->argv[0], disabled ? "disabled" : "enabled");
	return 0;
}

static int run_operator_disable(struct cli *c)
{
	return set_disabled(c, 1);
}

static int run_operator_enable(struct cli *c)
{
	return set_disabled(c, 0);
}

static int run_operator_passwd(struct cli *c)
{
	char pw[256];
	int rc;

	if ((rc = cli_login(c)) || (rc = new_password(c, pw, sizeof(pw))))
		return cli_fail(rc);
	rc = operator_set_password(&c->s, c->argv[0], pw);
	memset(pw, 0, sizeof(pw));
	if (rc)
		return cli_fail(rc);
	printf("Password of %s changed.\n", c->argv[0]);
	return 0;
}

static int run_operator_roles(struct cli *c)
{
	unsigned roles;
	char buf[64];
	int rc;

	if (role_parse(c->argv[1], &roles))
		return cli_usage_error(c, "%s", err_detail());
	if ((rc = cli_login(c)) || (rc = operator_set_roles(&c->s, c->argv[0], roles)))
		return cli_fail(rc);
	printf("Operator %s now has roles %s.\n", c->argv[0], role_format(roles, buf, sizeof(buf)));
	return 0;
}

static const struct cli_opt init_opts[] = {
	{ "admin", "LOGIN", 0, "login of the first administrator" },
	{ "name", "NAME", 0, "that administrator's full name" },
	{ "site", "NAME", 0, "the site's name, printed on receipts" },
	{ "utc-offset", "+HH:MM", 0, "the site's offset from UTC (default +08:00)" },
	{ NULL, NULL, 0, NULL },
};
const struct cli_cmd cmd_init = {
	"init", "--admin LOGIN --name NAME [--site NAME]",
	"create the database and its first administrator",
	CLI_LOGIN, init_opts, 0, 0, run_init,
};

static const struct cli_opt add_opts[] = {
	{ "name", "NAME", 0, "full name" },
	{ "roles", "ROLES", 0, "admin, cashier, technician, comma-separated" },
	{ NULL, NULL, 0, NULL },
};
const struct cli_cmd cmd_operator_add = {
	"operator add", "LOGIN --name NAME --roles ROLES",
	"add an operator (administrator only)", CLI_LOGIN | CLI_NEWPW, add_opts, 1, 1,
	run_operator_add,
};
const struct cli_cmd cmd_operator_list = {
	"operator list", "", "list operators, their roles and state",
	CLI_LOGIN | CLI_FORMAT, NULL, 0, 0, run_operator_list,
};
const struct cli_cmd cmd_operator_disable = {
	"operator disable", "LOGIN", "stop an operator from logging in",
	CLI_LOGIN, NULL, 1, 1, run_operator_disable,
};
const struct cli_cmd cmd_operator_enable = {
	"operator enable", "LOGIN", "let a disabled operator log in again",
	CLI_LOGIN, NULL, 1, 1, run_operator_enable,
};
const struct cli_cmd cmd_operator_passwd = {
	"operator passwd", "LOGIN", "set a password (your own, or anyone's as administrator)",
	CLI_LOGIN | CLI_NEWPW, NULL, 1, 1, run_operator_passwd,
};
const struct cli_cmd cmd_operator_roles = {
	"operator roles", "LOGIN ROLES", "replace an operator's roles",
	CLI_LOGIN, NULL, 2, 2, run_operator_roles,
};
