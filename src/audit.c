/* audit: the hash-chained audit trail. */
#include "audit.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "perm.h"
#include "text.h"

static void put_u64(unsigned char *b, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (unsigned char)v;
}

static int hash_field(EVP_MD_CTX *md, const char *s)
{
	unsigned char len[4];
	size_t n = strlen(s);

	len[0] = (unsigned char)(n >> 24);
	len[1] = (unsigned char)(n >> 16);
	len[2] = (unsigned char)(n >> 8);
	len[3] = (unsigned char)n;
	return EVP_DigestUpdate(md, len, 4) == 1 && EVP_DigestUpdate(md, s, n) == 1;
}

int audit_hash(const struct audit_rec *rec, unsigned char out[AUDIT_HASH_LEN])
{
	/* SHA-256 over: "SDA1", prev_hash, id and ts as 8-byte big-endian,
	 * then actor, action, object, details each as a 4-byte big-endian
	 * length and its UTF-8 bytes (docs/ARCHITECTURE.md, "Audit"). */
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char num[16];
	unsigned int outlen = 0;
	int ok;

	if (!md)
		return -SD_NOMEM;
	put_u64(num, (uint64_t)rec->id);
	put_u64(num + 8, (uint64_t)rec->ts);
	ok = EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(md, "SDA1", 4) == 1 &&
	     EVP_DigestUpdate(md, rec->prev_hash, AUDIT_HASH_LEN) == 1 &&
	     EVP_DigestUpdate(md, num, sizeof(num)) == 1 &&
	     hash_field(md, rec->actor) && hash_field(md, rec->action) &&
	     hash_field(md, rec->object) && hash_field(md, rec->details) &&
	     EVP_DigestFinal_ex(md, out, &outlen) == 1 && outlen == AUDIT_HASH_LEN;
	EVP_MD_CTX_free(md);
	return ok ? 0 : err_set(-SD_CRYPTO, "SHA-256 failed");
}

int audit_log(const struct session *s, const char *action, const char *object,
	      const char *fmt, ...)
{
	struct audit_rec rec;
	char details[sizeof(rec.details) * 2];
	va_list ap;
	int rc;

	memset(&rec, 0, sizeof(rec));
	va_start(ap, fmt);
	vsnprintf(details, sizeof(details), fmt, ap);
	va_end(ap);
	text_copy(rec.actor, sizeof(rec.actor), s->operator_id ? s->login : "system");
	text_copy(rec.action, sizeof(rec.action), action);
	text_copy(rec.object, sizeof(rec.object), object);
	text_copy(rec.details, sizeof(rec.details), details);
	rec.ts = clock_now();
	if ((rc = db_audit_head(s->db, &rec.id, rec.prev_hash)))
		return rc;
	rec.id++;
	if ((rc = audit_hash(&rec, rec.hash)))
		return rc;
	return db_audit_insert(s->db, &rec);
}

struct verify_ctx {
	struct audit_report *r;
	unsigned char prev[AUDIT_HASH_LEN];
	int64_t last_id;
};

static int verify_row(const struct audit_rec *rec, void *arg)
{
	struct verify_ctx *v = arg;
	unsigned char h[AUDIT_HASH_LEN];
	int rc;

	v->r->rows++;
	if (memcmp(rec->prev_hash, v->prev, AUDIT_HASH_LEN) != 0) {
		snprintf(v->r->why, sizeof(v->r->why), "%s",
			 rec->id != v->last_id + 1 ? "rows before it were deleted"
						   : "its link to the row before does not match");
		goto bad;
	}
	if ((rc = audit_hash(rec, h)))
		return rc;
	if (memcmp(h, rec->hash, AUDIT_HASH_LEN) != 0) {
		snprintf(v->r->why, sizeof(v->r->why), "its contents were changed");
		goto bad;
	}
	memcpy(v->prev, rec->hash, AUDIT_HASH_LEN);
	v->last_id = rec->id;
	return 0;
bad:
	v->r->first_bad = rec->id;
	return 1;
}

int audit_verify(const struct session *s, struct audit_report *r)
{
	struct verify_ctx v;
	int rc;

	if ((rc = perm_check(s, PERM_AUDIT_VIEW)))
		return rc;
	memset(r, 0, sizeof(*r));
	memset(&v, 0, sizeof(v));
	v.r = r;
	rc = db_audit_each(s->db, 0, verify_row, &v);
	memcpy(r->head, v.prev, AUDIT_HASH_LEN);
	if (rc == 1)
		return err_set(-SD_AUDIT_BROKEN, "row %lld: %s", (long long)r->first_bad,
			       r->why);
	return rc;
}

char *audit_hex(const unsigned char h[AUDIT_HASH_LEN], char *out)
{
	for (int i = 0; i < AUDIT_HASH_LEN; i++)
		sprintf(out + 2 * i, "%02x", h[i]);
	out[2 * AUDIT_HASH_LEN] = 0;
	return out;
}

/* Added for the UI's audit screen: the newest rows, with the permission
 * checked here rather than in the screen. */
int audit_list(const struct session *s, int64_t last,
	       int (*fn)(const struct audit_rec *, void *), void *ctx)
{
	int rc = perm_check(s, PERM_AUDIT_VIEW);

	return rc ? rc : db_audit_each(s->db, last, fn, ctx);
}
