/* cmd_backup: `saledesk backup`, `backup verify`, `backup list` and
 * `restore` (docs/backup.md). */
#include <errno.h>
#include <inttypes.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "backup_int.h"
#include "cli.h"
#include "clock.h"
#include "commands.h"
#include "err.h"
#include "money.h"
#include "perm.h"

#define PASS_MAX 512

/* Reads the backup passphrase from --passphrase-fd or the terminal. */
static int read_passphrase(struct cli *c, int confirm, char *buf, unsigned len)
{
	const char *fdtext = cli_get(c, "passphrase-fd");
	int fd = -1;

	if (fdtext) {
		char *end;
		long v = strtol(fdtext, &end, 10);
		if (end == fdtext || *end || v < 0 || v > 1024)
			return err_set(-SD_USAGE, "--passphrase-fd needs a descriptor number");
		fd = (int)v;
	}
	int rc = cli_read_password(fd, "Backup passphrase: ", confirm, buf, len);

	if (rc == -SD_USAGE)
		rc = err_set(rc, "no terminal to read the backup passphrase from; give "
				 "--passphrase-fd N");
	return rc;
}

static const char *backup_dir(struct cli *c)
{
	const char *d = cli_get(c, "dir");

	return d ? d : c->cfg.backup_dir;
}

static int run_backup(struct cli *c)
{
	struct backup_opts o;
	struct backup_result r;
	char pass[PASS_MAX] = "", yuan[48];
	int rc, encrypt = cli_get(c, "encrypt") || cli_get(c, "passphrase-fd");

	memset(&o, 0, sizeof(o));
	if ((rc = cli_login(c)))
		return cli_fail(rc);
	if (encrypt && (rc = read_passphrase(c, 1, pass, sizeof(pass))))
		goto out;
	o.dir = backup_dir(c);
	o.passphrase = encrypt ? pass : NULL;
	o.keep_daily = c->cfg.backup_keep_daily;
	o.keep_weekly = c->cfg.backup_keep_weekly;
	o.keep_monthly = c->cfg.backup_keep_monthly;
	if ((rc = backup_run(&c->s, &o, &r)))
		goto out;
	printf("Backup written: %s\n", r.path);
	printf("  %" PRId64 " bytes%s, SHA-256 %s\n", r.m.size, r.m.encrypted ? ", encrypted" : "",
	       r.m.sha256);
	printf("  schema %d; ledger %" PRId64 " rows, %s yuan; audit head row %" PRId64 "\n",
	       r.m.facts.schema, r.m.facts.ledger_rows,
	       money_format(r.m.facts.ledger_sum, yuan, sizeof(yuan)), r.m.facts.audit_head_id);
	printf("  manifest %s\n", r.manifest);
	if (r.removed)
		printf("  rotation removed %d older backup(s)\n", r.removed);
out:
	OPENSSL_cleanse(pass, sizeof(pass));
	return rc ? cli_fail(rc) : 0;
}

static void print_line(int ok, const char *line, void *ctx)
{
	(void)ctx;
	printf("%s %s\n", ok ? "PASS" : "FAIL", line);
	fflush(stdout);
}

/* Where a backup's plaintext may be staged: beside the live database. */
static void staging_dir(struct cli *c, char *out, size_t len)
{
	struct stat sb;

	backup_dirname(c->cfg.db_path, out, len);
	if (stat(out, &sb) != 0 || !S_ISDIR(sb.st_mode))
		snprintf(out, len, "/tmp");
}

static int run_backup_verify(struct cli *c)
{
	char pass[PASS_MAX] = "", stage[PATH_MAX];
	const char *file = c->argv[0];
	int rc;

	if ((rc = cli_login(c)) || (rc = perm_check(&c->s, PERM_BACKUP)))
		return cli_fail(rc);
	if (backup_is_encrypted(file) && (rc = read_passphrase(c, 0, pass, sizeof(pass))))
		goto out;
	staging_dir(c, stage, sizeof(stage));
	rc = backup_verify(&c->s, file, pass, stage, print_line, NULL);
	if (!rc)
		printf("Backup %s verifies.\n", file);
out:
	OPENSSL_cleanse(pass, sizeof(pass));
	return rc ? cli_fail(rc) : 0;
}

static int run_backup_list(struct cli *c)
{
	static const char *const h[] = { "file", "taken", ">bytes", "encrypted", ">schema",
					 ">ledger rows", ">ledger sum", ">audit head", "manifest" };
	struct rpt_table *t;
	struct backup_entry *v = NULL;
	int n = 0, rc;

	if ((rc = cli_login(c)) || (rc = perm_check(&c->s, PERM_BACKUP)) ||
	    (rc = backup_list(backup_dir(c), &v, &n)))
		return cli_fail(rc);
	t = rpt_table_new(9, h);
	if (!t) {
		free(v);
		return cli_fail(-SD_NOMEM);
	}
	for (int i = 0; i < n; i++) {
		char when[40], bytes[24], schema[12], rows[24], sum[48], head[24];
		const struct backup_manifest *m = &v[i].m;
		const char *cells[9];

		snprintf(bytes, sizeof(bytes), "%" PRId64, m->size);
		snprintf(schema, sizeof(schema), "%d", m->facts.schema);
		snprintf(rows, sizeof(rows), "%" PRId64, m->facts.ledger_rows);
		money_format(m->facts.ledger_sum, sum, sizeof(sum));
		snprintf(head, sizeof(head), "%" PRId64, m->facts.audit_head_id);
		cells[0] = backup_basename(v[i].path);
		cells[1] = cli_time(c, v[i].t, when, sizeof(when));
		cells[2] = v[i].has_manifest ? bytes : "";
		cells[3] = v[i].has_manifest ? (m->encrypted ? "yes" : "no") : "";
		cells[4] = v[i].has_manifest ? schema : "";
		cells[5] = v[i].has_manifest ? rows : "";
		cells[6] = v[i].has_manifest ? sum : "";
		cells[7] = v[i].has_manifest ? head : "";
		cells[8] = v[i].has_manifest ? "ok" : "missing";
		rpt_table_add(t, cells);
	}
	if (n == 0 && c->fmt == RPT_TABLE)
		printf("No backups in %s\n", backup_dir(c));
	else
		rpt_table_print(t, stdout, c->fmt);
	rpt_table_free(t);
	free(v);
	return 0;
}

/* Logs in against the live database or, when that cannot be opened
 * (damaged, missing), against the verified copy about to replace it: its
 * administrators are the desk's as of the backup. Leaves no connection
 * open. */
static int restore_login(struct cli *c, const char *staged, struct session *s)
{
	const char *who = c->operator_login ? c->operator_login : getenv("SALEDESK_OPERATOR");
	char pw[256];
	struct db *db = NULL;
	int rc;

	if (!who || !*who)
		return err_set(-SD_USAGE, "who is logging in? give --operator LOGIN");
	if ((rc = cli_read_password(c->password_fd, "Password: ", 0, pw, sizeof(pw))))
		return rc;
	rc = db_open(c->cfg.db_path, 0, &db);
	if (rc == -SD_DB_CORRUPT || rc == -SD_NOT_FOUND || rc == -SD_DB_FOREIGN) {
		fprintf(stderr, "saledesk: the current database cannot be used (%s); logging in "
				"against the backup\n", err_detail());
		rc = db_open(staged, DB_OPEN_NO_CHECK, &db); /* verified in full already */
	}
	if (!rc)
		rc = session_login(db, who, pw, s);
	OPENSSL_cleanse(pw, sizeof(pw));
	db_close(db);
	s->db = NULL;
	return rc;
}

static int run_restore(struct cli *c)
{
	char pass[PASS_MAX] = "", stage[PATH_MAX], staged[PATH_MAX] = "";
	const char *file = c->argv[0];
	struct restore_result rr;
	struct session s;
	int rc;

	memset(&s, 0, sizeof(s));
	if ((rc = config_load(c->config_arg, c->db_arg, &c->cfg)))
		return cli_fail(rc);
	if (backup_is_encrypted(file) && (rc = read_passphrase(c, 0, pass, sizeof(pass))))
		goto out;
	staging_dir(c, stage, sizeof(stage));
	if (strcmp(stage, "/tmp") == 0) {
		rc = err_set(-SD_NOT_FOUND, "the database folder of %s does not exist; create it "
					    "first", c->cfg.db_path);
		goto out;
	}
	printf("Verifying %s\n", file);
	if ((rc = backup_verify_file(file, pass, stage, staged, sizeof(staged), print_line, NULL)))
		goto out;
	OPENSSL_cleanse(pass, sizeof(pass));
	if ((rc = restore_login(c, staged, &s)))
		goto out;
	if ((rc = backup_restore(&s, c->cfg.db_path, staged, backup_basename(file), &rr)))
		goto out;
	staged[0] = 0;
	printf("Restored %s into %s (schema %d%s%d).\n", file, c->cfg.db_path, rr.from_schema,
	       rr.from_schema == rr.to_schema ? ", now " : " migrated to ", rr.to_schema);
	if (rr.aside[0])
		printf("The previous database is kept as %s\n", rr.aside);
out:
	if (staged[0])
		unlink(staged);
	OPENSSL_cleanse(pass, sizeof(pass));
	memset(&s, 0, sizeof(s));
	return rc ? cli_fail(rc) : 0;
}

static const struct cli_opt backup_opts[] = {
	{ "dir", "DIR", 0, "write into DIR instead of the configured [backup] dir" },
	{ "encrypt", NULL, 0, "encrypt (AES-256-GCM); asks for a passphrase on the terminal" },
	{ "passphrase-fd", "N", 0, "encrypt, reading the passphrase from file descriptor N" },
	{ NULL, NULL, 0, NULL },
};
static const struct cli_opt verify_opts[] = {
	{ "passphrase-fd", "N", 0, "an encrypted backup's passphrase from descriptor N" },
	{ NULL, NULL, 0, NULL },
};
static const struct cli_opt list_opts[] = {
	{ "dir", "DIR", 0, "list DIR instead of the configured [backup] dir" },
	{ NULL, NULL, 0, NULL },
};
const struct cli_cmd cmd_backup = {
	"backup", "[--dir DIR] [--encrypt | --passphrase-fd N]",
	"back up the database while the desk keeps working (administrator)",
	CLI_LOGIN, backup_opts, 0, 0, run_backup,
};
const struct cli_cmd cmd_backup_verify = {
	"backup verify", "FILE [--passphrase-fd N]",
	"check a backup: ours, intact, matching its manifest",
	CLI_LOGIN, verify_opts, 1, 1, run_backup_verify,
};
const struct cli_cmd cmd_backup_list = {
	"backup list", "[--dir DIR]", "list the backups with their manifest facts",
	CLI_LOGIN | CLI_FORMAT, list_opts, 0, 0, run_backup_list,
};
const struct cli_cmd cmd_restore = {
	"restore", "FILE [--passphrase-fd N]",
	"verify a backup and swap it in, keeping the current database aside",
	CLI_LOGIN, verify_opts, 1, 1, run_restore,
};
