/* password: salted PBKDF2-HMAC-SHA256 hashes that carry their own cost, so
 * the iteration count can rise later without breaking old hashes. */
#ifndef SALEDESK_PASSWORD_H
#define SALEDESK_PASSWORD_H

#define PASSWORD_ITERATIONS 600000
#define PASSWORD_MIN_LEN 8
#define PASSWORD_MAX_LEN 128

/* Hashes password into out as "pbkdf2-sha256$ITER$SALT$HASH" (base64 salt
 * and hash). len must be at least 128. Returns 0 or a negative SD_ code. */
int password_hash(const char *password, char *out, unsigned len);

/* Same with a chosen iteration count (tests, and future cost rises). */
int password_hash_iter(const char *password, unsigned iterations, char *out,
		       unsigned len);

/* Returns 0 if password matches stored, -SD_AUTH if not, another negative
 * code if stored is malformed. Compares in constant time. */
int password_verify(const char *password, const char *stored);

/* Returns 1 if stored was made with fewer iterations than today's. */
int password_needs_rehash(const char *stored);

/* Returns 0 if password is acceptable for a new operator, else -SD_INVAL
 * with a detail saying why. */
int password_check_policy(const char *password);

#endif
