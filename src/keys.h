/* keys: the domain side of the card key file — who may create, rotate and
 * inspect it (administrators: PERM_KEYS), and the audit rows (key check
 * values only, never a key). The crypto is cardio's (cardio/keys.h). */
#ifndef SALEDESK_KEYS_H
#define SALEDESK_KEYS_H

#include <stdint.h>

#include "keyfile.h"  /* cardio */
#include "session.h"

/* Creates the key file at path with key version 01: master keys from the
 * CSPRNG, or from import (the text of a key set, see card_keys_parse);
 * transport (16 bytes, the card maker's MK00) may be NULL. Refuses an
 * existing file (-SD_EXISTS). kcv gets the version's KCVs. */
int keys_init(const struct session *s, const char *path, const char *passphrase,
	      const char *import, const uint8_t *transport, char *kcv, unsigned kcv_len);

/* Adds the next key version to the key file (new cards get it; cards of
 * older versions keep working) and re-encrypts the file under passphrase
 * (or new_passphrase when not NULL). Returns the new version or a
 * negative code; kcv gets its KCVs. */
int keys_rotate(const struct session *s, const char *path, const char *passphrase,
		const char *new_passphrase, const char *import, char *kcv, unsigned kcv_len);

/* Unlocks the key file for this process: *ring is the caller's, freed
 * (and wiped) with card_keys_free(). Any operator whose work needs the
 * keys may unlock; the passphrase is the administrator's. */
int keys_unlock(const char *path, const char *passphrase, struct card_keyring **ring);

/* Checks PERM_KEYS and unlocks, for `keys status`. */
int keys_status(const struct session *s, const char *path, const char *passphrase,
		struct card_keyring **ring);

/* The encrypted credential `keys export-service --systemd` writes. */
#define KEYS_SERVICE_CREDENTIAL "/etc/credstore.encrypted/saledesk-recharge-keys"

/* Checks PERM_KEYS, unlocks the key file and writes the MK06 of every
 * version that has one for the meter-reading service: to out
 * (card_rkeys_export: 0600, atomic), or with systemd set through a pipe
 * into `systemd-creds encrypt --name=recharge-keys - out` (found on PATH),
 * so no clear copy touches the disk. Audited with the versions and MK06
 * KCVs. *n gets the versions written; kcv gets "01:KCV 02:KCV". */
int keys_export_service(const struct session *s, const char *path, const char *passphrase,
			const char *out, int systemd, int *n, char *kcv, unsigned kcv_len);

#endif
