/* The audit chain: intact chains verify, and any tampering is pinned on the
 * first row that no longer fits. */
#include "helpers.h"

#include "audit.h"
#include "clock.h"
#include "err.h"
#include "session.h"

struct fixture {
	struct tdb t;
	struct session sys;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int i;

	clock_set(INT64_C(1790000000));
	tdb_setup(&f->t, DB_OPEN_CREATE);
	session_system(f->t.db, &f->sys);
	for (i = 1; i <= 10; i++) {
		assert_int_equal(db_begin(f->t.db), 0);
		assert_int_equal(audit_log(&f->sys, "test.step", "thing", "step %d 第%d步", i, i), 0);
		assert_int_equal(db_commit(f->t.db), 0);
	}
	/* Tampering starts by removing the guards a careless attacker meets. */
	assert_int_equal(db_exec(f->t.db, "DROP TRIGGER audit_no_update"), 0);
	assert_int_equal(db_exec(f->t.db, "DROP TRIGGER audit_no_delete"), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tdb_teardown(&f->t);
	free(f);
	clock_set(0);
	return 0;
}

static void test_intact_chain_verifies(void **state)
{
	struct fixture *f = *state;
	struct audit_report r;
	unsigned char head[AUDIT_HASH_LEN];
	int64_t id;

	assert_int_equal(audit_verify(&f->sys, &r), 0);
	assert_int_equal(r.rows, 10);
	assert_int_equal(r.first_bad, 0);
	assert_int_equal(db_audit_head(f->t.db, &id, head), 0);
	assert_int_equal(id, 10);
	assert_memory_equal(head, r.head, AUDIT_HASH_LEN);
}

static void expect_broken_at(struct fixture *f, int64_t row, const char *why)
{
	struct audit_report r;

	assert_int_equal(audit_verify(&f->sys, &r), -SD_AUDIT_BROKEN);
	assert_int_equal(r.first_bad, row);
	assert_non_null(strstr(r.why, why));
}

static void test_changed_details_are_caught_at_that_row(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(db_exec(f->t.db, "UPDATE audit SET details = 'step 4 (nothing here)' "
					  "WHERE id = 4"), 0);
	expect_broken_at(f, 4, "contents were changed");
}

static void test_changed_time_or_actor_is_caught(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(db_exec(f->t.db, "UPDATE audit SET ts = ts - 86400 WHERE id = 7"), 0);
	expect_broken_at(f, 7, "contents were changed");
	assert_int_equal(db_exec(f->t.db, "UPDATE audit SET ts = ts + 86400 WHERE id = 7"), 0);
	assert_int_equal(db_exec(f->t.db, "UPDATE audit SET actor = 'boss' WHERE id = 2"), 0);
	expect_broken_at(f, 2, "contents were changed");
}

static void test_deleted_row_is_caught_at_the_next(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(db_exec(f->t.db, "DELETE FROM audit WHERE id = 5"), 0);
	expect_broken_at(f, 6, "deleted");
}

static void test_rehashed_row_is_caught_at_its_successor(void **state)
{
	struct fixture *f = *state;
	struct audit_rec rec;
	int64_t id;

	/* An attacker who forges row 3 and recomputes its own hash still
	 * breaks the link that row 4 holds to the original. */
	assert_int_equal(db_exec(f->t.db, "CREATE TEMP TABLE keep AS SELECT * FROM audit "
					  "WHERE id > 3"), 0);
	assert_int_equal(db_exec(f->t.db, "DELETE FROM audit WHERE id >= 3"), 0);
	memset(&rec, 0, sizeof(rec));
	assert_int_equal(db_audit_head(f->t.db, &id, rec.prev_hash), 0);
	assert_int_equal(id, 2);
	rec.id = 3;
	rec.ts = INT64_C(1790000000);
	strcpy(rec.actor, "system");
	strcpy(rec.action, "test.step");
	strcpy(rec.object, "thing");
	strcpy(rec.details, "forged");
	assert_int_equal(audit_hash(&rec, rec.hash), 0);
	assert_int_equal(db_audit_insert(f->t.db, &rec), 0);
	assert_int_equal(db_exec(f->t.db, "INSERT INTO audit SELECT * FROM keep"), 0);
	expect_broken_at(f, 4, "link to the row before");
}

static void test_verify_needs_the_audit_permission(void **state)
{
	struct fixture *f = *state;
	struct session cashier = f->sys;
	struct audit_report r;

	cashier.roles = ROLE_CASHIER;
	assert_int_equal(audit_verify(&cashier, &r), -SD_PERM);
}

static void test_long_details_are_cut_before_hashing(void **state)
{
	struct fixture *f = *state;
	struct audit_report r;
	char big[3000];

	/* About 1,000 three-byte characters: more than a row keeps, so the
	 * text is cut on a character boundary before it is hashed. */
	for (size_t i = 0; i + 3 < sizeof(big); i += 3)
		memcpy(big + i, "\xe7\x94\xb5", 3); /* 电 */
	big[sizeof(big) - 3] = 0;
	assert_int_equal(db_exec(f->t.db, "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
					  "BEGIN SELECT RAISE(ABORT, 'no'); END"), 0);
	assert_int_equal(db_begin(f->t.db), 0);
	assert_int_equal(audit_log(&f->sys, "test.long", "thing", "%s", big), 0);
	assert_int_equal(db_commit(f->t.db), 0);
	assert_int_equal(audit_verify(&f->sys, &r), 0);
	assert_int_equal(r.rows, 11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_intact_chain_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_details_are_caught_at_that_row, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_changed_time_or_actor_is_caught, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_row_is_caught_at_the_next, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rehashed_row_is_caught_at_its_successor, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_verify_needs_the_audit_permission, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_long_details_are_cut_before_hashing, setup,
						teardown),
	};
	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
