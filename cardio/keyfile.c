/* card_keys: the encrypted key file.
 *
 * Layout (all integers big-endian):
 *   0  8  magic "SDKEYS\0\2" (format 2; "SDKEYS\0\1", format 1, is read)
 *   8  1  KDF: 2 = scrypt
 *   9  4  scrypt log2(N), r, p, 0: written 16, 8, 1, 0 (64 MiB); a file
 *         with less than log2(N) 16 or r 8 is refused
 *  13 16  salt
 *  29 12  GCM nonce
 *  41  4  plaintext length L
 *  45  L  ciphertext, then a 16-byte GCM tag
 * Bytes 0..44 are the GCM additional data, so the header cannot be
 * changed without the tag failing. The plaintext is a count byte followed
 * by per version: version (1), created (4), MK00..MK05 (6 x 16). */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "err.h"

#define MAGIC1 "SDKEYS\0\1"
#define MAGIC "SDKEYS\0\2"
#define HDR_LEN 45
#define TAG_LEN 16
#define SET_LEN1 (1 + 4 + CARD_NKID * CARD_KEY_LEN)
#define SET_LEN (SET_LEN1 + 1 + CARD_KEY_LEN)
#define PLAIN_MAX (1 + CARD_KEYS_MAX_VERSIONS * SET_LEN)

struct card_keyring *card_keys_new(void)
{
	return calloc(1, sizeof(struct card_keyring));
}

void card_keys_free(struct card_keyring *ring)
{
	if (!ring)
		return;
	OPENSSL_cleanse(ring, sizeof(*ring));
	free(ring);
}

const struct card_keyset *card_keys_newest(const struct card_keyring *ring)
{
	return ring && ring->n ? &ring->set[ring->n - 1] : NULL;
}

const struct card_keyset *card_keys_find(const struct card_keyring *ring, int v)
{
	for (int i = 0; ring && i < ring->n; i++)
		if (ring->set[i].version == v)
			return &ring->set[i];
	return NULL;
}

int card_keys_add_version(struct card_keyring *ring, const struct card_keyset *imp,
			  const uint8_t *transport, uint32_t now)
{
	const struct card_keyset *prev = card_keys_newest(ring);
	int next = prev ? prev->version + 1 : 1, rc;
	struct card_keyset *s;

	if (ring->n >= CARD_KEYS_MAX_VERSIONS || next > 0x7F)
		return err_set(-SD_STATE, "the key file already holds %d versions", ring->n);
	if (imp && imp->version && imp->version != next)
		return err_set(-SD_INVAL, "imported keys are version %02X, the next is %02X",
			       imp->version, next);
	s = &ring->set[ring->n];
	memset(s, 0, sizeof(*s));
	if (imp) {
		memcpy(s->mk, imp->mk, sizeof(s->mk));
		if (imp->has_mk06)
			memcpy(s->mk06, imp->mk06, sizeof(s->mk06));
		else if ((rc = card_random(s->mk06, sizeof(s->mk06))))
			return rc;
	} else {
		if ((rc = card_random(s->mk06, sizeof(s->mk06))))
			return rc;
		if ((rc = card_random(s->mk[0], sizeof(s->mk))))
			return rc;
		/* the transport key is the card maker's: it stays the same
		 * across rotations unless a new one is given */
		if (transport)
			memcpy(s->mk[CARD_KID_TRANSPORT], transport, CARD_KEY_LEN);
		else if (prev)
			memcpy(s->mk[CARD_KID_TRANSPORT], prev->mk[CARD_KID_TRANSPORT], CARD_KEY_LEN);
	}
	s->has_mk06 = 1;
	s->version = (uint8_t)next;
	s->created = now;
	ring->n++;
	return next;
}

static int hexkey(const char *s, uint8_t out[16])
{
	for (int i = 0; i < 16; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return s[32] == 0 || s[32] == '\n' || s[32] == '\r' || s[32] == ' ' ? 0 : -1;
}

int card_keys_parse(const char *text, struct card_keyset *out)
{
	const char *p = text;
	int line = 0, seen = 0;

	memset(out, 0, sizeof(*out));
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char buf[128];
		unsigned v;
		int kid;

		line++;
		if (n >= sizeof(buf))
			goto bad;
		memcpy(buf, p, n);
		buf[n] = 0;
		p += n + (eol ? 1 : 0);
		if (!buf[0] || buf[0] == '#' || buf[0] == '\r')
			continue;
		if (sscanf(buf, "version=%x", &v) == 1) {
			if (v < 1 || v > 0x7F)
				goto bad;
			out->version = (uint8_t)v;
			continue;
		}
		if (sscanf(buf, "%d=", &kid) != 1 || kid < 0 || kid > CARD_NKID ||
		    !strchr(buf, '=') ||
		    hexkey(strchr(buf, '=') + 1, kid == CARD_NKID ? out->mk06 : out->mk[kid]))
			goto bad;
		if (kid == CARD_NKID)
			out->has_mk06 = 1;
		else
			seen |= 1 << kid;
	}
	if (seen != (1 << CARD_NKID) - 1) {
		OPENSSL_cleanse(out, sizeof(*out));
		return err_set(-SD_INVAL, "the imported key set lacks a key (needs 0= .. 5=)");
	}
	return 0;
bad:
	OPENSSL_cleanse(out, sizeof(*out));
	return err_set(-SD_INVAL, "imported keys, line %d: expected version=NN or K=32 hex digits (K 0..6)",
		       line);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* scrypt(passphrase, salt, N = 2^log_n, r, p) -> 32-byte key. */
static int derive(const char *pass, const uint8_t salt[16], const uint8_t par[4], uint8_t key[32])
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
	EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	uint64_t n = (uint64_t)1 << par[0], maxmem = (uint64_t)1 << 30;
	uint32_t r = par[1], p = par[2];
	OSSL_PARAM params[7];
	int rc = 0;

	params[0] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)pass,
						      strlen(pass));
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, 16);
	params[2] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
	params[3] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
	params[4] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p);
	params[5] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem);
	params[6] = OSSL_PARAM_construct_end();
	if (!ctx || EVP_KDF_derive(ctx, key, 32, params) != 1)
		rc = err_set(-SD_CRYPTO, "scrypt failed (it needs %llu MiB of memory)",
			     (unsigned long long)(128 * n * r >> 20));
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return rc;
}

/* AES-256-GCM one shot; enc 1 encrypts in -> out and writes tag, enc 0
 * decrypts and checks tag (-SD_KEYS_BAD on mismatch). */
static int gcm(int enc, const uint8_t key[32], const uint8_t nonce[12], const uint8_t *aad,
	       size_t naad, const uint8_t *in, size_t n, uint8_t *out, uint8_t tag[16])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int len, rc = -SD_CRYPTO;

	if (!ctx)
		return err_set(-SD_NOMEM, "GCM context");
	if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) != 1 ||
	    EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) != 1 ||
	    EVP_CipherUpdate(ctx, NULL, &len, aad, (int)naad) != 1 ||
	    EVP_CipherUpdate(ctx, out, &len, in, (int)n) != 1) {
		err_set(rc, "AES-256-GCM failed");
		goto out;
	}
	if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag) != 1) {
		err_set(rc, "AES-256-GCM tag");
		goto out;
	}
	if (EVP_CipherFinal_ex(ctx, out + len, &len) != 1) {
		rc = enc ? err_set(-SD_CRYPTO, "AES-256-GCM failed")
			 : err_set(-SD_KEYS_BAD, "the key file does not decrypt: check the "
						 "passphrase, or restore the key file from its copy");
		goto out;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) != 1) {
		err_set(rc, "AES-256-GCM tag");
		goto out;
	}
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

int card_keys_save(const char *path, const struct card_keyring *ring, const char *passphrase)
{
	uint8_t *buf = NULL, *plain = NULL, key[32];
	size_t np, total;
	char tmp[4096];
	int fd = -1, rc;

	if (!ring->n)
		return err_set(-SD_INVAL, "no key version to save");
	if (strlen(passphrase) < 12)
		return err_set(-SD_INVAL, "the key-file passphrase must have at least 12 characters");
	np = 1 + (size_t)ring->n * SET_LEN;
	total = HDR_LEN + np + TAG_LEN;
	plain = OPENSSL_secure_zalloc(np);
	buf = calloc(1, total);
	if (!plain || !buf) {
		rc = err_set(-SD_NOMEM, "key file buffer");
		goto out;
	}
	plain[0] = (uint8_t)ring->n;
	for (int i = 0; i < ring->n; i++) {
		uint8_t *p = plain + 1 + (size_t)i * SET_LEN;
		p[0] = ring->set[i].version;
		put32(p + 1, ring->set[i].created);
		memcpy(p + 5, ring->set[i].mk, CARD_NKID * CARD_KEY_LEN);
		p[SET_LEN1] = ring->set[i].has_mk06 ? 1 : 0;
		if (ring->set[i].has_mk06)
			memcpy(p + SET_LEN1 + 1, ring->set[i].mk06, CARD_KEY_LEN);
	}
	memcpy(buf, MAGIC, 8);
	buf[8] = 2;
	buf[9] = CARD_KEYS_SCRYPT_LOG_N;
	buf[10] = 8;
	buf[11] = 1;
	put32(buf + 41, (uint32_t)np);
	if ((rc = card_random(buf + 13, 16 + 12)) ||
	    (rc = derive(passphrase, buf + 13, buf + 9, key)) ||
	    (rc = gcm(1, key, buf + 29, buf, HDR_LEN, plain, np, buf + HDR_LEN,
		      buf + HDR_LEN + np)))
		goto out;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		rc = err_set(-SD_INVAL, "key file path too long");
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, buf, total) != (ssize_t)total || fsync(fd) != 0) {
		rc = err_set(-SD_IO, "cannot write %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
		goto out;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		fd = -1;
		rc = err_set(-SD_IO, "cannot put the key file in place at %s: %s", path,
			     strerror(errno));
		unlink(tmp);
		goto out;
	}
	fd = -1;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	OPENSSL_cleanse(key, sizeof(key));
	if (plain)
		OPENSSL_secure_clear_free(plain, np);
	free(buf);
	return rc;
}

int card_keys_load(const char *path, const char *passphrase, struct card_keyring **out)
{
	uint8_t buf[HDR_LEN + PLAIN_MAX + TAG_LEN + 1], *plain = NULL, key[32];
	struct card_keyring *ring = NULL;
	uint32_t np = 0;
	size_t set_len;
	ssize_t got;
	int fd, rc;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return err_set(-SD_KEYS_NONE, "%s does not exist", path);
		return err_set(-SD_IO, "cannot open the key file %s: %s", path, strerror(errno));
	}
	got = read(fd, buf, sizeof(buf));
	close(fd);
	if (got < 0)
		return err_set(-SD_IO, "cannot read %s: %s", path, strerror(errno));
	if (got < HDR_LEN + TAG_LEN || (memcmp(buf, MAGIC, 8) && memcmp(buf, MAGIC1, 8)) ||
	    buf[8] != 2)
		return err_set(-SD_KEYS_BAD, "%s is not a saledesk key file", path);
	set_len = memcmp(buf, MAGIC, 8) ? SET_LEN1 : SET_LEN;
	np = get32(buf + 41);
	if (buf[9] < CARD_KEYS_SCRYPT_LOG_N || buf[9] > 22 || buf[10] != 8 || buf[11] < 1 ||
	    buf[11] > 4 || buf[12] || np < 1 || np > PLAIN_MAX ||
	    (size_t)got != HDR_LEN + np + TAG_LEN)
		return err_set(-SD_KEYS_BAD, "%s: damaged header or truncated", path);
	plain = OPENSSL_secure_zalloc(np);
	ring = card_keys_new();
	if (!plain || !ring) {
		rc = err_set(-SD_NOMEM, "key ring");
		goto out;
	}
	if ((rc = derive(passphrase, buf + 13, buf + 9, key)) ||
	    (rc = gcm(0, key, buf + 29, buf, HDR_LEN, buf + HDR_LEN, np, plain,
		      buf + HDR_LEN + np)))
		goto out;
	if (plain[0] < 1 || plain[0] > CARD_KEYS_MAX_VERSIONS || np != 1 + plain[0] * set_len) {
		rc = err_set(-SD_KEYS_BAD, "%s: inconsistent content", path);
		goto out;
	}
	ring->n = plain[0];
	for (int i = 0; i < ring->n; i++) {
		const uint8_t *p = plain + 1 + (size_t)i * set_len;
		ring->set[i].version = p[0];
		ring->set[i].created = get32(p + 1);
		memcpy(ring->set[i].mk, p + 5, CARD_NKID * CARD_KEY_LEN);
		if (set_len == SET_LEN && (p[SET_LEN1] & 1)) {
			ring->set[i].has_mk06 = 1;
			memcpy(ring->set[i].mk06, p + SET_LEN1 + 1, CARD_KEY_LEN);
		}
	}
	*out = ring;
	ring = NULL;
	rc = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(buf, sizeof(buf));
	if (plain)
		OPENSSL_secure_clear_free(plain, np);
	card_keys_free(ring);
	return rc;
}

char *card_keys_kcvs(const struct card_keyset *set, char *buf, unsigned len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int k = 0; k < CARD_NKID && off < len; k++) {
		uint8_t kcv[3] = {0};
		card_kcv(set->mk[k], kcv);
		off += (size_t)snprintf(buf + off, len - off, "%sMK%02d=%02X%02X%02X", k ? " " : "",
					k, kcv[0], kcv[1], kcv[2]);
	}
	if (off < len) {
		uint8_t kcv[3] = {0};
		if (set->has_mk06) {
			card_kcv(set->mk06, kcv);
			snprintf(buf + off, len - off, " MK06=%02X%02X%02X", kcv[0], kcv[1], kcv[2]);
		} else {
			snprintf(buf + off, len - off, " MK06=none");
		}
	}
	return buf;
}

int card_rkeys_format(const struct card_keyring *ring, char *buf, size_t cap, size_t *len,
		      int *n)
{
	size_t off = 0;

	*n = 0;
	*len = 0;
	if (cap < 256 + (size_t)CARD_KEYS_MAX_VERSIONS * 40)
		return err_set(-SD_INVAL, "recharge key buffer too small");
	off += (size_t)snprintf(buf, cap,
				"# saledesk recharge master keys (MK06) by key version, for the\n"
				"# meter-reading service only. Secret: encrypt it with systemd-creds\n"
				"# and delete this file (docs/poll.md).\n");
	for (int i = 0; i < ring->n; i++) {
		const struct card_keyset *s = &ring->set[i];
		if (!s->has_mk06)
			continue;
		off += (size_t)snprintf(buf + off, cap - off, "%02X = ", s->version);
		for (int k = 0; k < CARD_KEY_LEN; k++)
			off += (size_t)snprintf(buf + off, cap - off, "%02X", s->mk06[k]);
		buf[off++] = '\n';
		buf[off] = 0;
		(*n)++;
	}
	if (!*n) {
		OPENSSL_cleanse(buf, cap);
		return err_set(-SD_STATE, "no key version has an MK06 (all were made before it): "
					  "run `saledesk keys rotate` first");
	}
	*len = off;
	return 0;
}

int card_rkeys_export(const char *path, const struct card_keyring *ring, int *n)
{
	char tmp[4096], *text = NULL;
	size_t cap = 256 + (size_t)CARD_KEYS_MAX_VERSIONS * 48, off = 0;
	int fd = -1, rc;

	*n = 0;
	if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >= (int)sizeof(tmp))
		return err_set(-SD_INVAL, "output path too long");
	text = OPENSSL_secure_zalloc(cap);
	if (!text)
		return err_set(-SD_NOMEM, "export buffer");
	if ((rc = card_rkeys_format(ring, text, cap, &off, n)))
		goto out;
	/* mkstemp creates the file 0600 with O_EXCL: no moment where another
	 * user could open it */
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = err_set(-SD_IO, "cannot create a file beside %s: %s", path, strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0600) != 0 || write(fd, text, off) != (ssize_t)off || fsync(fd) != 0) {
		rc = err_set(-SD_IO, "cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		rc = err_set(-SD_IO, "cannot put the file in place at %s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	OPENSSL_secure_clear_free(text, cap);
	if (rc)
		*n = 0;
	return rc;
}

int card_rkeys_read(const char *path, struct card_rkeys *out)
{
	char buf[4096 + 1], *p, *eol;
	struct stat sb;
	ssize_t got;
	int fd, line = 0;

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return err_set(-SD_NOT_FOUND, "%s does not exist", path);
		return err_set(-SD_IO, "cannot open %s: %s", path, strerror(errno));
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (sb.st_mode & 077)) {
		close(fd);
		return err_set(-SD_INVAL, "%s is not a regular file readable by its owner only "
					  "(mode 0600 or 0400): refused", path);
	}
	got = read(fd, buf, sizeof(buf));
	close(fd);
	if (got < 0)
		return err_set(-SD_IO, "cannot read %s: %s", path, strerror(errno));
	if ((size_t)got >= sizeof(buf)) {
		OPENSSL_cleanse(buf, sizeof(buf));
		return err_set(-SD_INVAL, "%s is too long for a recharge key file", path);
	}
	buf[got] = 0;
	for (p = buf; *p; p = eol ? eol + 1 : p + strlen(p)) {
		unsigned v;
		int used = 0;

		eol = strchr(p, '\n');
		if (eol)
			*eol = 0;
		line++;
		if (!*p || *p == '#' || *p == '\r')
			continue;
		if (sscanf(p, "%2x = %n", &v, &used) != 1 || !used || v < 1 || v > 0x7F ||
		    out->n >= CARD_KEYS_MAX_VERSIONS || card_rkeys_find(out, (int)v) ||
		    hexkey(p + used, out->mk06[out->n])) {
			OPENSSL_cleanse(buf, sizeof(buf));
			OPENSSL_cleanse(out, sizeof(*out));
			return err_set(-SD_INVAL, "%s, line %d: expected VV = 32 hex digits", path,
				       line);
		}
		out->version[out->n++] = (uint8_t)v;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	if (!out->n)
		return err_set(-SD_INVAL, "%s holds no recharge key", path);
	return 0;
}

const uint8_t *card_rkeys_find(const struct card_rkeys *keys, int v)
{
	for (int i = 0; keys && i < keys->n; i++)
		if (keys->version[i] == v)
			return keys->mk06[i];
	return NULL;
}
