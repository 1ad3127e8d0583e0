/* keys: permissions and audit around cardio's key file. */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "clock.h"
#include <openssl/crypto.h>

#include "err.h"
#include "perm.h"

extern char **environ;

static int audit_tx(const struct session *s, const char *action, const char *path, int version,
		    const char *kcv)
{
	int rc;

	if ((rc = db_begin(s->db)))
		return rc;
	if ((rc = audit_log(s, action, "keys", "version=%02X file=%s %s", version, path, kcv)) ||
	    (rc = db_commit(s->db)))
		db_rollback(s->db);
	return rc;
}

int keys_init(const struct session *s, const char *path, const char *passphrase,
	      const char *import, const uint8_t *transport, char *kcv, unsigned kcv_len)
{
	struct card_keyring *ring = NULL;
	struct card_keyset imp;
	struct stat sb;
	int rc, v;

	memset(&imp, 0, sizeof(imp));
	if ((rc = perm_check(s, PERM_KEYS)))
		return rc;
	if (stat(path, &sb) == 0)
		return err_set(-SD_EXISTS, "%s already exists: add a version with `saledesk keys "
					   "rotate`; never delete it while cards of its keys are out",
			       path);
	if (import && (rc = card_keys_parse(import, &imp)))
		return rc;
	ring = card_keys_new();
	if (!ring) {
		rc = err_set(-SD_NOMEM, "key ring");
		goto out;
	}
	if ((v = card_keys_add_version(ring, import ? &imp : NULL, transport,
				       (uint32_t)clock_now())) < 0) {
		rc = v;
		goto out;
	}
	card_keys_kcvs(card_keys_newest(ring), kcv, kcv_len);
	if ((rc = card_keys_save(path, ring, passphrase)))
		goto out;
	rc = audit_tx(s, "keys.init", path, v, kcv);
out:
	OPENSSL_cleanse(&imp, sizeof(imp));
	card_keys_free(ring);
	return rc;
}

int keys_rotate(const struct session *s, const char *path, const char *passphrase,
		const char *new_passphrase, const char *import, char *kcv, unsigned kcv_len)
{
	struct card_keyring *ring = NULL;
	struct card_keyset imp;
	int rc, v = 0;

	memset(&imp, 0, sizeof(imp));
	if ((rc = perm_check(s, PERM_KEYS)))
		return rc;
	if (import && (rc = card_keys_parse(import, &imp)))
		return rc;
	if ((rc = card_keys_load(path, passphrase, &ring)))
		goto out;
	if ((v = card_keys_add_version(ring, import ? &imp : NULL, NULL, (uint32_t)clock_now())) < 0) {
		rc = v;
		goto out;
	}
	card_keys_kcvs(card_keys_newest(ring), kcv, kcv_len);
	if ((rc = card_keys_save(path, ring, new_passphrase ? new_passphrase : passphrase)) ||
	    (rc = audit_tx(s, "keys.rotate", path, v, kcv)))
		goto out;
	rc = v;
out:
	OPENSSL_cleanse(&imp, sizeof(imp));
	card_keys_free(ring);
	return rc;
}

int keys_unlock(const char *path, const char *passphrase, struct card_keyring **ring)
{
	return card_keys_load(path, passphrase, ring);
}

int keys_status(const struct session *s, const char *path, const char *passphrase,
		struct card_keyring **ring)
{
	int rc = perm_check(s, PERM_KEYS);

	return rc ? rc : card_keys_load(path, passphrase, ring);
}

/* Pipes text into `systemd-creds encrypt --name=recharge-keys - out`;
 * its messages go to our stderr. */
static int to_systemd_creds(const char *out, const char *text, size_t len)
{
	char *argv[] = { "systemd-creds", "encrypt", "--name=recharge-keys", "-", (char *)out,
			 NULL };
	posix_spawn_file_actions_t fa;
	int in[2], rc, st = 0;
	size_t off = 0;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return err_set(-SD_IO, "cannot make a pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	rc = posix_spawnp(&pid, "systemd-creds", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	if (rc != 0) {
		close(in[1]);
		return err_set(-SD_IO, rc == ENOENT ? "systemd-creds is not on PATH (systemd 250 or "
						      "newer); use --out FILE and encrypt it by hand"
						    : "cannot run systemd-creds: %s", strerror(rc));
	}
	/* a child that exits early must not kill us with SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	while (off < len) {
		ssize_t w = write(in[1], text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(in[1]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return err_set(-SD_IO, "systemd-creds encrypt failed (%s %d): nothing was exported",
			       WIFEXITED(st) ? "exit status" : "signal",
			       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	if (off < len)
		return err_set(-SD_IO, "systemd-creds did not read all the keys");
	return 0;
}

int keys_export_service(const struct session *s, const char *path, const char *passphrase,
			const char *out, int systemd, int *n, char *kcv, unsigned kcv_len)
{
	char text[4096];
	size_t len = 0;
	struct card_keyring *ring = NULL;
	size_t off = 0;
	int rc;

	*n = 0;
	kcv[0] = 0;
	if ((rc = perm_check(s, PERM_KEYS)) || (rc = card_keys_load(path, passphrase, &ring)))
		return rc;
	for (int i = 0; i < ring->n && off < kcv_len; i++) {
		uint8_t k[3] = {0};
		if (!ring->set[i].has_mk06)
			continue;
		card_kcv(ring->set[i].mk06, k);
		off += (size_t)snprintf(kcv + off, kcv_len - off, "%s%02X:%02X%02X%02X",
					off ? " " : "", ring->set[i].version, k[0], k[1], k[2]);
	}
	if (systemd) {
		if (!(rc = card_rkeys_format(ring, text, sizeof(text), &len, n)))
			rc = to_systemd_creds(out, text, len);
		OPENSSL_cleanse(text, sizeof(text));
	} else {
		rc = card_rkeys_export(out, ring, n);
	}
	if (!rc) {
		if ((rc = db_begin(s->db)))
			goto out;
		if ((rc = audit_log(s, "keys.export_service", "keys", "%s=%s MK06 %s",
				    systemd ? "credential" : "file", out, kcv)) ||
		    (rc = db_commit(s->db)))
			db_rollback(s->db);
	}
out:
	card_keys_free(ring);
	return rc;
}
