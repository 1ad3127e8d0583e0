/* cmd_audit: `saledesk audit ...` and `saledesk config show`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "backup.h"
#include "cli.h"
#include "commands.h"
#include "err.h"
#include "perm.h"

/* Checks the live chain against the head a backup recorded: catches a
 * history rewritten (or cut short) after the backup was taken. */
static int verify_against(struct cli *c, const char *file)
{
	struct backup_manifest m;
	char mpath[PATH_MAX + 16], bpath[PATH_MAX], hex[65];
	int64_t size = 0;
	size_t n;
	int rc;

	if ((rc = backup_manifest_path(file, mpath, sizeof(mpath))) ||
	    (rc = backup_manifest_read(mpath, &m)))
		return cli_fail(rc);
	/* The manifest must still describe its backup file, when it is there. */
	n = strlen(mpath) - strlen(BACKUP_MANIFEST_EXT);
	snprintf(bpath, sizeof(bpath), "%.*s", (int)n, mpath);
	if (access(bpath, F_OK) == 0) {
		if ((rc = backup_sha256_file(bpath, hex, &size)))
			return cli_fail(rc);
		if (size != m.size || strcmp(hex, m.sha256) != 0)
			return cli_fail(err_set(-SD_BACKUP_BAD, "%s no longer matches its manifest; "
								"use another backup", bpath));
	}
	rc = backup_audit_against(&c->s, &m);
	if (rc == -SD_AUDIT_BROKEN) {
		fprintf(stderr, "saledesk: audit trail does not match backup: %s\n", err_detail());
		return 1;
	}
	if (rc)
		return cli_fail(rc);
	printf("Audit chain matches backup %s up to its head, row %lld\n", m.file,
	       (long long)m.facts.audit_head_id);
	return 0;
}

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
	if (cli_get(c, "against"))
		return verify_against(c, cli_get(c, "against"));
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
	char keep[3][16], pw[16], daily[16];

	snprintf(pw, sizeof(pw), "%d", c->cfg.printer_width);
	snprintf(keep[0], sizeof(keep[0]), "%d", c->cfg.backup_keep_daily);
	snprintf(keep[1], sizeof(keep[1]), "%d", c->cfg.backup_keep_weekly);
	snprintf(keep[2], sizeof(keep[2]), "%d", c->cfg.backup_keep_monthly);
	const char *rows[][2] = {
		{ "config_file", c->cfg.file[0] ? c->cfg.file : "(none: defaults)" },
		{ "database.path", c->cfg.db_path },
		{ "backup.dir", c->cfg.backup_dir },
		{ "backup.keep_daily", keep[0] },
		{ "backup.keep_weekly", keep[1] },
		{ "backup.keep_monthly", keep[2] },
		{ "backup.daily_at", config_daily_text(c->cfg.backup_daily_min, daily,
						       sizeof(daily)) },
		{ "poll.recharge_keys", c->cfg.recharge_keys },
		{ "printer.device", c->cfg.printer },
		{ "printer.format", c->cfg.printer_format },
		{ "printer.width", pw },
		{ "printer.drawer", c->cfg.printer_drawer ? "yes" : "no" },
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

static const struct cli_opt verify_opts[] = {
	{ "against", "BACKUP", 0, "also check the chain against the head BACKUP's manifest recorded" },
	{ NULL, NULL, 0, NULL },
};
static const struct cli_opt list_opts[] = {
	{ "last", "N", 0, "the newest N rows (default 50)" },
	{ NULL, NULL, 0, NULL },
};
const struct cli_cmd cmd_audit_verify = {
	"audit verify", "[--against BACKUP]",
	"check the audit trail's hash chain, naming the first broken row",
	CLI_LOGIN, verify_opts, 0, 0, run_audit_verify,
};
const struct cli_cmd cmd_audit_list = {
	"audit list", "[--last N]", "show the newest rows of the audit trail",
	CLI_LOGIN | CLI_FORMAT, list_opts, 0, 0, run_audit_list,
};
const struct cli_cmd cmd_config_show = {
	"config show", "", "show which config file and paths are in use",
	CLI_FORMAT, NULL, 0, 0, run_config_show,
};
