/* audit: the tamper-evident trail. Every state change writes one row in
 * the same transaction as the change; each row carries the SHA-256 of its
 * predecessor, so a rewritten history shows. */
#ifndef SALEDESK_AUDIT_H
#define SALEDESK_AUDIT_H

#include <stdint.h>

#include "db_audit.h"
#include "session.h"

/* Appends a row: who (from s), now, action ("operator.add"), object
 * ("operator:li"), and printf-style details. Must run inside the caller's
 * write transaction. Never pass a secret here. */
int audit_log(const struct session *s, const char *action, const char *object,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Computes the hash of rec (its prev_hash and fields) into out. */
int audit_hash(const struct audit_rec *rec, unsigned char out[AUDIT_HASH_LEN]);

struct audit_report {
	int64_t rows;        /* rows checked */
	int64_t first_bad;   /* id of the first row that fails, 0 if none */
	char why[128];       /* what is wrong with it */
	unsigned char head[AUDIT_HASH_LEN]; /* hash of the last good row */
};

/* Walks the whole chain and fills *r. Returns 0 if intact,
 * -SD_AUDIT_BROKEN if a row fails (r->first_bad names it), or another
 * negative code if the log cannot be read. Needs PERM_AUDIT_VIEW. */
int audit_verify(const struct session *s, struct audit_report *r);

/* Calls fn for the newest last rows (all when last is 0), oldest first;
 * added for the UI's audit screen. Needs PERM_AUDIT_VIEW. */
int audit_list(const struct session *s, int64_t last,
	       int (*fn)(const struct audit_rec *, void *), void *ctx);

/* Hex-encodes a hash into out (65 bytes); returns out. */
char *audit_hex(const unsigned char h[AUDIT_HASH_LEN], char *out);

#endif
