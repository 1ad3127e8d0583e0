/* cmd_audit: `saledesk audit ...` and `saledesk config show`. */
#include <stdio.h>
#include <stdlib.h>

#include "audit.h"
#include "cli.h"
#include "commands.h"
#include "err.h"
#include "perm.h"

static int run_audit_verify(struct cli *c)
{
	struct audit_report r;
	char hex[2 * AUDIT_HASH_LEN + 1];
	int rc;

	if ((rc = cli_login(c)))
		return cli_fail(rc);
	rc = audit_verify(&c->s, &r);
	if (rc == -SD_AUDIT_BROKEN) {
		fprintf(stderr, "saledesk: audit chain broken at row %lld: %s "
				"(%lld rows before it are intact)\n",
			(long long)r.first_bad, r.why, (long long)r.rows - 1);
		return 1;
	}
	if (rc)
		return cli_fail(rc);
	printf("Audit chain intact: %lld rows, head %s\n", (long long)r.rows,
	       audit_hex(r.head, hex));
	return 0;
}

struct list_ctx {
	struct cli *c;
	struct rpt_table *t;
};

static int list_row(const struct audit_rec *rec, void *arg)
{
	struct list_ctx *l = arg;
	char id[24], ts[40];
	const char *cells[6];

	snprintf(id, sizeof(id), "%lld", (long long)rec->id);
	cells[0] = id;
	cells[1] = cli_time(l->c, rec->ts, ts, sizeof(ts));
	cells[2] = rec->actor;
	cells[3] = rec->action;
	cells[4] = rec->object;
	cells[5] = rec->details;
	return rpt_table_add(l->t, cells);
}

static int run_audit_list(struct cli *c)
{
	static const char *const h[] = { ">id", "time", "who", "action", "object", "details" };
	struct list_ctx l = { c, rpt_table_new(6, h) };
	const char *last = cli_get(c, "last");
	long long n = last ? atoll(last) : 50;
	int rc;

	if (!l.t)
		return cli_fail(-SD_NOMEM);
	if (n <= 0) {
		rpt_table_free(l.t);
		return cli_usage_error(c, "--last needs a positive number");
	}
	if ((rc = cli_login(c)) || (rc = perm_check(&c->s, PERM_AUDIT_VIEW)) ||
	    (rc = db_audit_each(c->db, n, list_row, &l))) {
		rpt_table_free(l.t);
		return cli_fail(rc);
	}
	rpt_table_print(l.t, stdout, c->fmt);
	rpt_table_free(l.t);
	return 0;
}

static int run_config_show(struct cli *c)
{
	static const char *const h[] = { "key", "value" };
	struct rpt_table *t = rpt_table_new(2, h);
	int rc;

	if (!t)
		return cli_fail(-SD_NOMEM);
	if ((rc = config_load(c->config_arg, c->db_arg, &c->cfg))) {
		rpt_table_free(t);
		return cli_fail(rc);
	}
	const char *rows[][2] = {
		{ "config_file", c->cfg.file[0] ? c->cfg.file : "(none: defaults)" },
		{ "database.path", c->cfg.db_path },
		{ "backup.dir", c->cfg.backup_dir },
		{ "printer.device", c->cfg.printer },
		{ "printer.format", c->cfg.printer_format },
		{ "reader.name", c->cfg.reader },
		{ "ui.locale", c->cfg.locale },
		{ "log.level", c->cfg.log_level },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		rpt_table_add(t, rows[i]);
	rpt_table_print(t, stdout, c->fmt);
	rpt_table_free(t);
	return 0;
}

static const struct cli_opt list_opts[] = {
	{ "last", "N", 0, "the newest N rows (default 50)" },
	{ NULL, NULL, 0, NULL },
};
const struct cli_cmd cmd_audit_verify = {
	"audit verify", "", "check the audit trail's hash chain, naming the first broken row",
	CLI_LOGIN, NULL, 0, 0, run_audit_verify,
};
const struct cli_cmd cmd_audit_list = {
	"audit list", "[--last N]", "show the newest rows of the audit trail",
	CLI_LOGIN | CLI_FORMAT, list_opts, 0, 0, run_audit_list,
};
const struct cli_cmd cmd_config_show = {
	"config show", "", "show which config file and paths are in use",
	CLI_FORMAT, NULL, 0, 0, run_config_show,
};
