/* db_tariff: the SQL of tariffs and their versions. */
#ifndef SALEDESK_DB_TARIFF_H
#define SALEDESK_DB_TARIFF_H

#include <stdint.h>

#include "db.h"

#define TARIFF_CODE_MAX 16
#define TARIFF_SPEC_MAX 4096

struct tariff_row {
	int64_t id;
	char code[TARIFF_CODE_MAX + 1];
	char name[256];
	int64_t created_at;
	int n_versions;
	int64_t latest_from; /* effective_from of the newest version */
};

struct tariff_version_row {
	int64_t id;
	int64_t effective_from;
	char kind[16];
	char spec[TARIFF_SPEC_MAX];
	int64_t created_at;
	char created_by[64]; /* operator login, "" for the system */
};

/* Reads the tariff with this code; -SD_NOT_FOUND if none. */
int db_tariff_get(struct db *db, const char *code, struct tariff_row *out);

/* Reads the tariff with this id; -SD_NOT_FOUND if none. */
int db_tariff_get_id(struct db *db, int64_t id, struct tariff_row *out);

/* Inserts a tariff and sets row->id. */
int db_tariff_insert(struct db *db, struct tariff_row *row);

/* Inserts a version of tariff_id; created_by is an operator id or 0. */
int db_tariff_version_insert(struct db *db, int64_t tariff_id,
			     const struct tariff_version_row *v, int64_t created_by);

/* Calls fn for each version of tariff_id, oldest first. */
int db_tariff_versions_each(struct db *db, int64_t tariff_id,
			    int (*fn)(const struct tariff_version_row *, void *),
			    void *ctx);

/* Calls fn for each tariff, by code. */
int db_tariff_each(struct db *db, int (*fn)(const struct tariff_row *, void *),
		   void *ctx);

#endif
