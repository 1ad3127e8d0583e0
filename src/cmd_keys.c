/* cmd_keys: `saledesk keys init|rotate|status|export-service` (administrators). The
 * passphrase is read like a password: --passphrase-fd N or the terminal. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "commands.h"
#include "err.h"
#include "keys.h"

/* Parses the descriptor of option name; -1 when absent. */
static int opt_fd(const struct cli *c, const char *name, int *fd)
{
	const char *v = cli_get(c, name);
	char *end;
	long n;

	*fd = -1;
	if (!v)
		return 0;
	n = strtol(v, &end, 10);
	if (end == v || *end || n < 0 || n > 1024)
		return err_set(-SD_USAGE, "--%s needs a descriptor number", name);
	*fd = (int)n;
	return 0;
}

/* Reads all of fd (at most len - 1 bytes) into buf. */
static int read_all(int fd, char *buf, size_t len)
{
	size_t n = 0;

	while (n + 1 < len) {
		ssize_t r = read(fd, buf + n, len - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return err_set(-SD_IO, "reading descriptor %d: %s", fd, strerror(errno));
		if (!r)
			break;
		n += (size_t)r;
	}
	buf[n] = 0;
	return 0;
}

/* The passphrase of --passphrase-fd or the terminal; buf is wiped by the caller. */
int cmd_keys_passphrase(const struct cli *c, int confirm, char *buf, unsigned len)
{
	int fd, rc;

	if ((rc = opt_fd(c, "passphrase-fd", &fd)))
		return rc;
	return cli_read_password(fd, "Key-file passphrase: ", confirm, buf, len);
}

static int read_import(const struct cli *c, char *buf, size_t len, int *have)
{
	int fd, rc;

	*have = 0;
	if ((rc = opt_fd(c, "import-fd", &fd)) || fd < 0)
		return rc;
	if ((rc = read_all(fd, buf, len)))
		return rc;
	*have = 1;
	return 0;
}

static int run_keys_init(struct cli *c)
{
	char pass[256], imp[2048], tline[128], kcv[160];
	uint8_t transport[16];
	int rc, have_imp = 0, tfd, have_t = 0;

	if ((rc = cli_login(c)) || (rc = opt_fd(c, "transport-fd", &tfd)) ||
	    (rc = read_import(c, imp, sizeof(imp), &have_imp)))
		goto out;
	if (tfd >= 0) {
		if ((rc = cli_read_password(tfd, "", 0, tline, sizeof(tline))))
			goto out;
		for (int i = 0; i < 16; i++) {
			unsigned v;
			if (strlen(tline) != 32 || sscanf(tline + 2 * i, "%2x", &v) != 1) {
				rc = err_set(-SD_INVAL, "the transport master key is 32 hex digits");
				goto out;
			}
			transport[i] = (uint8_t)v;
		}
		have_t = 1;
	}
	if ((rc = cmd_keys_passphrase(c, 1, pass, sizeof(pass))))
		goto out;
	rc = keys_init(&c->s, c->cfg.keys_file, pass, have_imp ? imp : NULL,
		       have_t ? transport : NULL, kcv, sizeof(kcv));
	if (!rc) {
		printf("Created %s with key version 01.\n", c->cfg.keys_file);
		printf("Key check values: %s\n", kcv);
		printf("Keep a copy of the key file and its passphrase apart from the database "
		       "backups.\n");
	}
out:
	OPENSSL_cleanse(pass, sizeof(pass));
	OPENSSL_cleanse(imp, sizeof(imp));
	OPENSSL_cleanse(tline, sizeof(tline));
	OPENSSL_cleanse(transport, sizeof(transport));
	return rc ? cli_fail(rc) : 0;
}

static int run_keys_rotate(struct cli *c)
{
	char pass[256], npass[256], imp[2048], kcv[160];
	int rc, have_imp = 0, nfd, v;

	if ((rc = cli_login(c)) || (rc = opt_fd(c, "new-passphrase-fd", &nfd)) ||
	    (rc = read_import(c, imp, sizeof(imp), &have_imp)) ||
	    (rc = cmd_keys_passphrase(c, 0, pass, sizeof(pass))))
		goto out;
	if (nfd >= 0 && (rc = cli_read_password(nfd, "", 0, npass, sizeof(npass))))
		goto out;
	v = keys_rotate(&c->s, c->cfg.keys_file, pass, nfd >= 0 ? npass : NULL,
			have_imp ? imp : NULL, kcv, sizeof(kcv));
	rc = v < 0 ? v : 0;
	if (!rc) {
		printf("Added key version %02X to %s: new cards get it, older cards keep "
		       "working.\n", v, c->cfg.keys_file);
		printf("Key check values: %s\n", kcv);
		printf("Its MK06 is new: run `saledesk keys export-service` again for the "
		       "meter-reading service's recharge keys.\n");
	}
out:
	OPENSSL_cleanse(pass, sizeof(pass));
	OPENSSL_cleanse(npass, sizeof(npass));
	OPENSSL_cleanse(imp, sizeof(imp));
	return rc ? cli_fail(rc) : 0;
}

static int run_keys_status(struct cli *c)
{
	struct card_keyring *ring = NULL;
	char pass[256], kcv[160], when[32];
	int rc;

	if ((rc = cli_login(c)) || (rc = cmd_keys_passphrase(c, 0, pass, sizeof(pass))) ||
	    (rc = keys_status(&c->s, c->cfg.keys_file, pass, &ring)))
		goto out;
	printf("key file: %s\n", c->cfg.keys_file);
	printf("versions: %d, newest %02X (issued to new cards)\n", ring->n,
	       card_keys_newest(ring)->version);
	for (int i = 0; i < ring->n; i++) {
		cli_time(c, ring->set[i].created, when, sizeof(when));
		printf("version %02X created %s %s\n", ring->set[i].version, when,
		       card_keys_kcvs(&ring->set[i], kcv, sizeof(kcv)));
	}
out:
	OPENSSL_cleanse(pass, sizeof(pass));
	card_keys_free(ring);
	return rc ? cli_fail(rc) : 0;
}

static int run_keys_export_service(struct cli *c)
{
	struct card_keyring *ring = NULL;
	const char *out = cli_get(c, "out");
	int systemd = cli_get(c, "systemd") != NULL, rc, n = 0;
	char pass[256], kcv[400];

	if ((rc = cli_login(c)))
		goto out;
	if (systemd && (!out || !*out))
		out = KEYS_SERVICE_CREDENTIAL;
	if (!out || !*out) {
		rc = err_set(-SD_USAGE, "--out FILE (or --systemd) is needed");
		goto out;
	}
	if ((rc = cmd_keys_passphrase(c, 0, pass, sizeof(pass))) ||
	    (rc = keys_export_service(&c->s, c->cfg.keys_file, pass, out, systemd, &n, kcv,
				      sizeof(kcv))))
		goto out;
	if (systemd)
		printf("Encrypted the recharge master key (MK06) of %d key version(s) into %s with "
		       "systemd-creds; no card key, no clear copy on disk.\n", n, out);
	else
		printf("Wrote the recharge master key (MK06) of %d key version(s) to %s (mode "
		       "0600); no card key.\n", n, out);
	printf("MK06 check values: %s\n", kcv);
	if ((rc = keys_status(&c->s, c->cfg.keys_file, pass, &ring)))
		goto out;
	for (int i = 0; i < ring->n; i++)
		if (!ring->set[i].has_mk06)
			printf("Version %02X has no MK06 (made before it): its meters need a key of "
			       "their own (`saledesk meter wire --key-fd`).\n", ring->set[i].version);
	if (systemd)
		printf("Now restart the service (systemctl restart saledesk-poll). Export again "
		       "after every `keys rotate`.\n");
	else
		printf("Now, as root: systemd-creds encrypt --name=recharge-keys %s %s\n"
		       "then delete %s and restart the service (systemctl restart saledesk-poll). "
		       "Export again after every `keys rotate`.\n", out, KEYS_SERVICE_CREDENTIAL,
		       out);
out:
	OPENSSL_cleanse(pass, sizeof(pass));
	card_keys_free(ring);
	return rc ? cli_fail(rc) : 0;
}

static const struct cli_opt init_opts[] = {
	{ "passphrase-fd", "N", 0, "read the key-file passphrase from descriptor N" },
	{ "transport-fd", "N", 0, "read the card maker's transport master key (32 hex digits) from N" },
	{ "import-fd", "N", 0, "import a master key set (version=NN, 0= .. 5= lines, 6= optional) from N" },
	{ NULL, NULL, 0, NULL },
};
static const struct cli_opt rotate_opts[] = {
	{ "passphrase-fd", "N", 0, "read the key-file passphrase from descriptor N" },
	{ "new-passphrase-fd", "N", 0, "re-encrypt the file under a new passphrase read from N" },
	{ "import-fd", "N", 0, "import the new version's key set from N instead of generating it" },
	{ NULL, NULL, 0, NULL },
};
static const struct cli_opt status_opts[] = {
	{ "passphrase-fd", "N", 0, "read the key-file passphrase from descriptor N" },
	{ NULL, NULL, 0, NULL },
};

static const struct cli_opt export_opts[] = {
	{ "passphrase-fd", "N", 0, "read the key-file passphrase from descriptor N" },
	{ "out", "FILE", 0, "the file to write (mode 0600, replaced atomically); with --systemd "
			    "the encrypted credential (default " KEYS_SERVICE_CREDENTIAL ")" },
	{ "systemd", NULL, 0, "pipe the keys into `systemd-creds encrypt --name=recharge-keys` "
			      "instead (run as root)" },
	{ NULL, NULL, 0, NULL },
};

const struct cli_cmd cmd_keys_init = {
	"keys init", "", "create the encrypted card key file (administrator only)",
	CLI_LOGIN, init_opts, 0, 0, run_keys_init,
};
const struct cli_cmd cmd_keys_rotate = {
	"keys rotate", "", "add a new card key version (administrator only)",
	CLI_LOGIN, rotate_opts, 0, 0, run_keys_rotate,
};
const struct cli_cmd cmd_keys_status = {
	"keys status", "", "show the key versions and their check values (administrator only)",
	CLI_LOGIN, status_opts, 0, 0, run_keys_status,
};
const struct cli_cmd cmd_keys_export_service = {
	"keys export-service", "--out FILE | --systemd [--out CREDENTIAL]",
	"write the recharge master keys (MK06) for the meter-reading service (administrator only)",
	CLI_LOGIN, export_opts, 0, 0, run_keys_export_service,
};
