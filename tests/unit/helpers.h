/* Shared by the unit tests: a fresh database in a temporary folder. */
#ifndef SALEDESK_TEST_HELPERS_H
#define SALEDESK_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "db.h"

struct tdb {
	char dir[64];
	char path[128];
	struct db *db;
};

/* Makes a temporary folder and the path of a database in it; opens it
 * with flags unless flags < 0. */
static inline void tdb_setup(struct tdb *t, int flags)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/saledesk-unit.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/t.db", t->dir);
	t->db = NULL;
	if (flags >= 0)
		assert_int_equal(db_open(t->path, (unsigned)flags, &t->db), 0);
}

static inline void tdb_teardown(struct tdb *t)
{
	char cmd[200];

	db_close(t->db);
	t->db = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
}

#endif
