/* tariffs: the tariffs the desk keeps. */
#include "tariffs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "err.h"
#include "perm.h"
#include "text.h"

/* A version may be dated a little in the past (the form took a minute to
 * fill) but never far enough back to reprice sales already made. */
#define TARIFF_BACKDATE_SLACK 300

const char *tariffs_kind_text(const struct tariff_version *v)
{
	if (v->kind == TARIFF_KIND_TOU)
		return v->n_tiers ? "tou+tiered" : "tou";
	return v->n_tiers ? "tiered" : "flat";
}

int tariffs_add(const struct session *s, const char *code, const char *name,
		const char *spec, int64_t effective_from)
{
	struct tariff_version v;
	struct tariff_version_row vr;
	struct tariff_row row;
	char why[TARIFF_WHY_SZ];
	int64_t now = clock_now();
	int rc, is_new;

	if ((rc = perm_check(s, PERM_TARIFF_MANAGE)) || (rc = text_check_ident(code, TARIFF_CODE_MAX, "_-", "a tariff code")))
		return rc;
	if (tariff_parse(spec, &v, why, sizeof(why)))
		return err_set(-SD_TARIFF, "%s", why);
	memset(&vr, 0, sizeof(vr));
	vr.effective_from = effective_from ? effective_from : now;
	vr.created_at = now;
	snprintf(vr.kind, sizeof(vr.kind), "%s", tariffs_kind_text(&v));
	/* Store the canonical form, so equal tariffs read alike. */
	if ((rc = tariff_format(&v, vr.spec, sizeof(vr.spec))))
		return err_set(rc, "the tariff cannot be written in its text form");
	if ((rc = db_begin(s->db)))
		return rc;
	rc = db_tariff_get(s->db, code, &row);
	is_new = rc == -SD_NOT_FOUND;
	if (is_new) {
		memset(&row, 0, sizeof(row));
		if (!name || !*name) {
			rc = err_set(-SD_INVAL, "a new tariff needs a name");
			goto out;
		}
		snprintf(row.code, sizeof(row.code), "%s", code);
		snprintf(row.name, sizeof(row.name), "%s", name);
		row.created_at = now;
		rc = db_tariff_insert(s->db, &row);
	} else if (!rc) {
		if (!effective_from) {
			rc = err_set(-SD_INVAL, "tariff %s exists; a new version needs "
						 "--effective, the instant it takes over", code);
		} else if (vr.effective_from < now - TARIFF_BACKDATE_SLACK) {
			rc = err_set(-SD_INVAL, "a new version cannot start in the past: "
						 "sales already made keep their prices");
		} else if (vr.effective_from <= row.latest_from) {
			rc = err_set(-SD_INVAL, "a new version of %s must start after its "
						 "newest one", code);
		}
	}
	if (rc)
		goto out;
	if ((rc = db_tariff_version_insert(s->db, row.id, &vr, s->operator_id)))
		goto out;
	rc = audit_log(s, is_new ? "tariff.add" : "tariff.version", code,
		       "from=%lld %s", (long long)vr.effective_from, vr.spec);
	if (!rc)
		rc = db_commit(s->db);
out:
	if (rc)
		db_rollback(s->db);
	return rc;
}

struct load_ctx {
	struct tariff_set *set;
	int rc;
};

static int load_version(const struct tariff_version_row *vr, void *arg)
{
	struct load_ctx *l = arg;
	struct tariff_set *t = l->set;
	struct tariff_version *nv;
	char why[TARIFF_WHY_SZ];
	int64_t *ids;

	nv = realloc(t->versions, (t->n_versions + 1) * sizeof(*nv));
	if (!nv)
		return -SD_NOMEM;
	t->versions = nv;
	ids = realloc(t->version_ids, (t->n_versions + 1) * sizeof(*ids));
	if (!ids)
		return -SD_NOMEM;
	t->version_ids = ids;
	ids[t->n_versions] = vr->id;
	if (tariff_parse(vr->spec, &nv[t->n_versions], why, sizeof(why)))
		return err_set(-SD_TARIFF, "tariff %s, version from %lld: %s", t->row.code,
			       (long long)vr->effective_from, why);
	nv[t->n_versions].effective_from = vr->effective_from;
	t->n_versions++;
	return 0;
}

int tariffs_load(struct db *db, const char *code, int64_t id, int utc_offset_min,
		 struct tariff_set **out)
{
	struct tariff_set *t;
	struct load_ctx l;
	char why[TARIFF_WHY_SZ];
	int rc;

	*out = NULL;
	if (!(t = calloc(1, sizeof(*t))))
		return -SD_NOMEM;
	rc = code ? db_tariff_get(db, code, &t->row) : db_tariff_get_id(db, id, &t->row);
	if (rc)
		goto fail;
	l.set = t;
	l.rc = 0;
	if ((rc = db_tariff_versions_each(db, t->row.id, load_version, &l)))
		goto fail;
	t->engine.utc_offset_min = utc_offset_min;
	t->engine.versions = t->versions;
	t->engine.n_versions = t->n_versions;
	if (tariff_validate(&t->engine, why, sizeof(why))) {
		rc = err_set(-SD_TARIFF, "tariff %s: %s", t->row.code, why);
		goto fail;
	}
	*out = t;
	return 0;
fail:
	tariffs_free(t);
	return rc;
}

void tariffs_free(struct tariff_set *t)
{
	if (!t)
		return;
	free(t->versions);
	free(t->version_ids);
	free(t);
}

int tariffs_list(const struct session *s, int (*fn)(const struct tariff_row *, void *),
		 void *ctx)
{
	int rc = perm_check(s, PERM_TARIFF_VIEW);

	return rc ? rc : db_tariff_each(s->db, fn, ctx);
}

int tariffs_versions(const struct session *s, const char *code, struct tariff_row *row,
		     int (*fn)(const struct tariff_version_row *, void *), void *ctx)
{
	int rc;

	if ((rc = perm_check(s, PERM_TARIFF_VIEW)) || (rc = db_tariff_get(s->db, code, row)))
		return rc;
	return db_tariff_versions_each(s->db, row->id, fn, ctx);
}
