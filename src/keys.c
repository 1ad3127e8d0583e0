/* keys: permissions and audit around cardio's key file. */
#include "keys.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "audit.h"
#include "clock.h"
#include <openssl/crypto.h>

#include "err.h"
#include "perm.h"

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

int keys_export_service(const struct session *s, const char *path, const char *passphrase,
			const char *out, int *n, char *kcv, unsigned kcv_len)
{
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
	if (!(rc = card_rkeys_export(out, ring, n))) {
		if ((rc = db_begin(s->db)))
			goto out;
		if ((rc = audit_log(s, "keys.export_service", "keys", "file=%s MK06 %s", out, kcv)) ||
		    (rc = db_commit(s->db)))
			db_rollback(s->db);
	}
out:
	card_keys_free(ring);
	return rc;
}
