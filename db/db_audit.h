/* db_audit: the SQL of the append-only audit log. The chain hashing lives
 * in src/audit.c; this file only stores and reads rows. */
#ifndef SALEDESK_DB_AUDIT_H
#define SALEDESK_DB_AUDIT_H

#include <stdint.h>

#include "db.h"

#define AUDIT_HASH_LEN 32

struct audit_rec {
	int64_t id;
	int64_t ts;
	char actor[64];
	char action[64];
	char object[128];
	char details[1024];
	unsigned char prev_hash[AUDIT_HASH_LEN];
	unsigned char hash[AUDIT_HASH_LEN];
};

/* Reads the id and hash of the newest row; *id = 0 and a zero hash when
 * the log is empty. */
int db_audit_head(struct db *db, int64_t *id, unsigned char hash[AUDIT_HASH_LEN]);

/* Appends rec with the id it carries (the caller computed the hash over
 * it). */
int db_audit_insert(struct db *db, const struct audit_rec *rec);

/* Calls fn for every row in id order, or for the newest `last` rows when
 * last > 0; stops on fn's non-zero value and returns it. */
int db_audit_each(struct db *db, int64_t last,
		  int (*fn)(const struct audit_rec *, void *), void *ctx);

#endif
