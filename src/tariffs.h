/* tariffs: the tariffs the desk keeps — adding them and their versions,
 * listing them, and loading one for the engine in tariff.h. */
#ifndef SALEDESK_TARIFFS_H
#define SALEDESK_TARIFFS_H

#include <stdint.h>

#include "db_tariff.h"
#include "session.h"
#include "tariff.h"

/* A tariff loaded for pricing: every version, oldest first. */
struct tariff_set {
	struct tariff_row row;
	struct tariff engine;           /* points into versions */
	struct tariff_version *versions;
	int64_t *version_ids;           /* the tariff_versions row id of each version */
	size_t n_versions;
};

/* Adds tariff code with name and its first version (text form, see
 * docs/tariffs.md) from effective_from (0: now; a new tariff may start in
 * the past, as when a site moves from another system). If code exists, adds
 * a new version instead, which must start after the newest one and not in
 * the past; name is then ignored. Needs PERM_TARIFF_MANAGE. */
int tariffs_add(const struct session *s, const char *code, const char *name,
		const char *spec, int64_t effective_from);

/* Loads tariff code (or, when code is NULL, tariff id) with all its
 * versions. *out is the caller's: tariffs_free() it. */
int tariffs_load(struct db *db, const char *code, int64_t id, int utc_offset_min,
		 struct tariff_set **out);

/* Frees a loaded tariff; NULL is fine. */
void tariffs_free(struct tariff_set *t);

/* Calls fn for each tariff. Needs PERM_TARIFF_VIEW. */
int tariffs_list(const struct session *s, int (*fn)(const struct tariff_row *, void *),
		 void *ctx);

/* Calls fn for each version of code, oldest first. Needs PERM_TARIFF_VIEW. */
int tariffs_versions(const struct session *s, const char *code, struct tariff_row *row,
		     int (*fn)(const struct tariff_version_row *, void *), void *ctx);

/* Returns the kind column for v: "flat", "tou", "tiered" or "tou+tiered". */
const char *tariffs_kind_text(const struct tariff_version *v);

#endif
