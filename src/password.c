/* password: salted PBKDF2-HMAC-SHA256 hashes. */
#include "password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

#define SALT_LEN 16
#define KEY_LEN 32
#define PREFIX "pbkdf2-sha256$"

static int derive(const char *password, const unsigned char *salt, unsigned iter,
		  unsigned char key[KEY_LEN])
{
	if (PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, SALT_LEN,
			      (int)iter, EVP_sha256(), KEY_LEN, key) != 1)
		return err_set(-SD_CRYPTO, "PBKDF2 failed");
	return 0;
}

int password_hash_iter(const char *password, unsigned iterations, char *out,
		       unsigned len)
{
	unsigned char salt[SALT_LEN], key[KEY_LEN];
	char salt64[32], key64[64];
	int rc;

	if (len < 128 || iterations == 0)
		return -SD_INVAL;
	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return err_set(-SD_CRYPTO, "no random bytes for a salt");
	if ((rc = derive(password, salt, iterations, key)))
		goto out;
	EVP_EncodeBlock((unsigned char *)salt64, salt, SALT_LEN);
	EVP_EncodeBlock((unsigned char *)key64, key, KEY_LEN);
	snprintf(out, len, PREFIX "%u$%s$%s", iterations, salt64, key64);
out:
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

int password_hash(const char *password, char *out, unsigned len)
{
	return password_hash_iter(password, PASSWORD_ITERATIONS, out, len);
}

/* Splits a stored hash into its parts; -SD_INVAL if it is not ours. */
static int parse_stored(const char *stored, unsigned *iter,
			unsigned char salt[SALT_LEN], unsigned char key[KEY_LEN])
{
	char salt64[64], key64[64];
	unsigned char buf[64];
	unsigned long it;
	char *end;
	const char *p;
	int n;

	if (strncmp(stored, PREFIX, strlen(PREFIX)) != 0)
		return err_set(-SD_INVAL, "unknown password hash scheme");
	p = stored + strlen(PREFIX);
	it = strtoul(p, &end, 10);
	if (end == p || *end != '$' || it == 0 || it > 100000000UL)
		return err_set(-SD_INVAL, "malformed password hash");
	if (sscanf(end + 1, "%63[^$]$%63s", salt64, key64) != 2)
		return err_set(-SD_INVAL, "malformed password hash");
	/* Base64 of 16 bytes is 24 characters, of 32 bytes 44. */
	if (strlen(salt64) != 24 || strlen(key64) != 44)
		return err_set(-SD_INVAL, "malformed password hash");
	n = EVP_DecodeBlock(buf, (const unsigned char *)salt64, 24);
	if (n < SALT_LEN)
		return err_set(-SD_INVAL, "malformed password hash");
	memcpy(salt, buf, SALT_LEN);
	n = EVP_DecodeBlock(buf, (const unsigned char *)key64, 44);
	if (n < KEY_LEN)
		return err_set(-SD_INVAL, "malformed password hash");
	memcpy(key, buf, KEY_LEN);
	OPENSSL_cleanse(buf, sizeof(buf));
	*iter = (unsigned)it;
	return 0;
}

int password_verify(const char *password, const char *stored)
{
	unsigned char salt[SALT_LEN], want[KEY_LEN], got[KEY_LEN];
	unsigned iter;
	int rc;

	if ((rc = parse_stored(stored, &iter, salt, want)))
		return rc;
	if ((rc = derive(password, salt, iter, got)))
		goto out;
	rc = CRYPTO_memcmp(want, got, KEY_LEN) == 0 ? 0 : -SD_AUTH;
out:
	OPENSSL_cleanse(want, sizeof(want));
	OPENSSL_cleanse(got, sizeof(got));
	return rc;
}

int password_needs_rehash(const char *stored)
{
	unsigned char salt[SALT_LEN], key[KEY_LEN];
	unsigned iter = 0;
	int stale;

	stale = parse_stored(stored, &iter, salt, key) == 0 && iter < PASSWORD_ITERATIONS;
	OPENSSL_cleanse(key, sizeof(key));
	return stale;
}

int password_check_policy(const char *password)
{
	size_t n = strlen(password);

	if (n < PASSWORD_MIN_LEN)
		return err_set(-SD_INVAL, "a password needs at least %d characters",
			       PASSWORD_MIN_LEN);
	if (n > PASSWORD_MAX_LEN)
		return err_set(-SD_INVAL, "a password has at most %d characters",
			       PASSWORD_MAX_LEN);
	return 0;
}
