/* card_keys: the master keys of the utility, by key version, kept only in
 * a key file encrypted with AES-256-GCM under a key derived from an
 * administrator's passphrase with scrypt (N = 2^16, r = 8, p = 1: 64 MiB,
 * about 0.3 s per unlock).
 * A ring is unlocked once per process and wiped (OPENSSL_cleanse) by
 * card_keys_free(). Format: docs/cards.md "The key file". */
#ifndef CARDIO_KEYFILE_H
#define CARDIO_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"

#define CARD_KEYS_MAX_VERSIONS 32
#define CARD_KEYS_SCRYPT_LOG_N 16  /* N = 65536, r = 8, p = 1: 64 MiB */

/* One key version: MK00 (transport, the card maker's) .. MK05 (record
 * MAC), the card keys, and MK06 (remote recharge: meters' recharge keys
 * derive from it, see rkey.h), which a version made before MK06 existed
 * lacks (has_mk06 0). */
struct card_keyset {
	uint8_t version;               /* 01..7F */
	uint32_t created;              /* Unix time */
	uint8_t mk[CARD_NKID][CARD_KEY_LEN];
	uint8_t has_mk06;
	uint8_t mk06[CARD_KEY_LEN];
};

struct card_keyring {
	int n;                         /* versions held, oldest first */
	struct card_keyset set[CARD_KEYS_MAX_VERSIONS];
};

/* Allocates an empty ring; the caller frees it with card_keys_free(). */
struct card_keyring *card_keys_new(void);

/* Wipes and frees ring; NULL is fine. */
void card_keys_free(struct card_keyring *ring);

/* Appends the next key version (newest + 1, or 01) dated now. With imp,
 * its keys are taken (its version must be the next one, or 0 for "next";
 * an imp without MK06 gets one from the CSPRNG); else MK01..MK06 come
 * from the CSPRNG and MK00 from transport, the previous version's MK00,
 * or the CSPRNG, in that order. Returns the new version (>0) or a
 * negative SD_ code. */
int card_keys_add_version(struct card_keyring *ring, const struct card_keyset *imp,
			  const uint8_t *transport, uint32_t now);

/* Returns the newest set, or NULL on an empty ring; owned by ring. */
const struct card_keyset *card_keys_newest(const struct card_keyring *ring);

/* Returns the set of version v, or NULL; owned by ring. */
const struct card_keyset *card_keys_find(const struct card_keyring *ring, int v);

/* Parses an import text: "version=NN" and "K=32 hex digits" lines for
 * K = 0..5 (all needed) and 6 (MK06, optional: has_mk06 says whether it
 * was there); '#' comments; the format of tests/sim/vcard key files.
 * Returns 0 or -SD_INVAL with the line in the detail (never the key). */
int card_keys_parse(const char *text, struct card_keyset *out);

/* Encrypts ring under passphrase into path (mode 0600, written to a
 * temporary file, fsynced and renamed). */
int card_keys_save(const char *path, const struct card_keyring *ring, const char *passphrase);

/* Reads and decrypts path (format 2, or format 1 of before MK06, whose
 * versions then have no MK06) into a new ring (*out, freed by the caller
 * with card_keys_free). -SD_KEYS_NONE when the file does not exist,
 * -SD_KEYS_BAD for a wrong passphrase or an altered file, -SD_IO. */
int card_keys_load(const char *path, const char *passphrase, struct card_keyring **out);

/* Formats the KCV of every master key of set as "MK00=A1B2C3 MK01=...
 * MK06=..." ("MK06=none" for a version without it) into buf (never a key). */
char *card_keys_kcvs(const struct card_keyset *set, char *buf, unsigned len);

/* The service's copy of the recharge master keys: MK06 of each version
 * that has one, nothing of the card keys (docs/poll.md "Recharge keys").
 * Text, one "VV = 32 hex digits" line per version (VV its two hex
 * digits), '#' comments; written by `keys export-service`. */
struct card_rkeys {
	int n;
	uint8_t version[CARD_KEYS_MAX_VERSIONS];
	uint8_t mk06[CARD_KEYS_MAX_VERSIONS][CARD_KEY_LEN];
};

/* Formats the service file's text (the MK06 lines of every version of ring
 * that has one) into buf of cap bytes; *len its length, *n the versions.
 * -SD_STATE when none has an MK06. The caller wipes buf. */
int card_rkeys_format(const struct card_keyring *ring, char *buf, size_t cap, size_t *len,
		      int *n);

/* Writes the MK06 of every version of ring that has one to path: a
 * temporary file beside it, created mode 0600, fsynced, then renamed
 * over path. *n gets the versions written; -SD_STATE when none has an
 * MK06 (nothing is written). */
int card_rkeys_export(const char *path, const struct card_keyring *ring, int *n);

/* Reads a service file into out (wiped by the caller with
 * OPENSSL_cleanse). Refuses a file that group or others may read, or
 * that is not a regular file (-SD_INVAL), a missing file (-SD_NOT_FOUND)
 * and a malformed one (-SD_INVAL with the line, never a key). */
int card_rkeys_read(const char *path, struct card_rkeys *out);

/* Returns the MK06 of version v in keys, or NULL; owned by keys. */
const uint8_t *card_rkeys_find(const struct card_rkeys *keys, int v);

#endif
