/* The schema: fresh creation, upgrade from every earlier version with the
 * data kept, the rules the tables enforce, and files that are not ours. */
#include "helpers.h"

#include "db_account.h"
#include "db_int.h" /* db_int() to read the events back */
#include "err.h"

static int64_t count(struct db *db, const char *table)
{
	int64_t n = db_count_rows(db, table);

	assert_true(n >= 0);
	return n;
}

static void test_fresh_database_is_at_latest_version(void **state)
{
	struct tdb t;
	static const char *const tables[] = { "settings", "operators", "operator_roles",
		"tariffs", "tariff_versions", "audit", "customers", "accounts", "meters",
		"cards", "shifts", "ledger", "receipts" };

	(void)state;
	tdb_setup(&t, DB_OPEN_CREATE);
	assert_int_equal(db_schema_version(t.db), db_schema_latest());
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		assert_int_equal(count(t.db, tables[i]), 0);
	tdb_teardown(&t);
}

/* Rows that exist at schema version v, to be carried across upgrades. */
static void fill_version(struct db *db, int v)
{
	if (v >= 1) {
		assert_int_equal(db_exec(db, "INSERT INTO operators(login, name, pw_hash, created_at) "
					     "VALUES ('a', '甲', 'pbkdf2-sha256$1$x$y', 1)"), 0);
		assert_int_equal(db_exec(db, "INSERT INTO tariffs(code, name, created_at) "
					     "VALUES ('RES', 'r', 1)"), 0);
		assert_int_equal(db_exec(db, "INSERT INTO settings VALUES ('site.name', '校园')"), 0);
	}
	if (v >= 2) {
		assert_int_equal(db_exec(db, "INSERT INTO customers(name, created_at) VALUES ('乙', 1)"), 0);
		assert_int_equal(db_exec(db, "INSERT INTO accounts(account_no, customer_id, opened_at) "
					     "VALUES ('1', 1, 1)"), 0);
		assert_int_equal(db_exec(db, "INSERT INTO ledger(ts, kind, account_id, amount, "
					     "operator_id) VALUES (1, 'sale', 1, 5000, 1)"), 0);
	}
	if (v >= 3) {
		assert_int_equal(db_exec(db, "INSERT INTO meters(meter_no, account_id, tariff_id, "
					     "mode, installed_at) VALUES ('000001000001', 1, 1, "
					     "'remote', 1)"), 0);
		assert_int_equal(db_exec(db, "INSERT INTO events(kind, meter_id, detail, raised_at, "
					     "acked_at, acked_by) VALUES ('arrears', 1, '欠费', 7, 8, 1)"),
				 0);
	}
}

static void test_upgrade_from_every_earlier_version(void **state)
{
	char buf[64];
	int v;

	(void)state;
	for (v = 0; v < db_schema_latest(); v++) {
		struct tdb t;

		tdb_setup(&t, DB_OPEN_CREATE | DB_OPEN_NO_MIGRATE);
		assert_int_equal(db_migrate(t.db, v), 0);
		assert_int_equal(db_schema_version(t.db), v);
		fill_version(t.db, v);
		db_close(t.db);
		/* An ordinary open upgrades, each step in its transaction. */
		assert_int_equal(db_open(t.path, 0, &t.db), 0);
		assert_int_equal(db_schema_version(t.db), db_schema_latest());
		if (v >= 1) {
			assert_int_equal(count(t.db, "operators"), 1);
			assert_int_equal(db_setting_get(t.db, "site.name", buf, sizeof(buf)), 0);
			assert_string_equal(buf, "校园");
		}
		if (v >= 2)
			assert_int_equal(count(t.db, "ledger"), 1);
		if (v >= 3) {
			/* Migration 14 rebuilt events: its rows and guards survive. */
			int64_t n = 0;

			assert_int_equal(db_int(t.db, &n, "SELECT count(*) FROM events WHERE "
						"kind = 'arrears' AND detail = '欠费' AND acked_by = 1 "
						"AND raised_at = 7", NULL), 0);
			assert_int_equal(n, 1);
			assert_int_not_equal(db_exec(t.db, "DELETE FROM events"), 0);
			assert_int_equal(db_exec(t.db, "INSERT INTO events(kind, meter_id, raised_at) "
						       "VALUES ('param_mismatch', 1, 9)"), 0);
			assert_int_not_equal(db_exec(t.db, "INSERT INTO events(kind, meter_id, "
							   "raised_at) VALUES ('param_mismatch', 1, 10)"),
					     0); /* one open row per kind and meter */
		}
		tdb_teardown(&t);
	}
}

static void test_ledger_and_audit_are_append_only(void **state)
{
	struct tdb t;

	(void)state;
	tdb_setup(&t, DB_OPEN_CREATE);
	fill_version(t.db, db_schema_latest());
	assert_int_equal(db_exec(t.db, "UPDATE ledger SET amount = 1"), -SD_DB_CONSTRAINT);
	assert_non_null(strstr(err_detail(), "append-only"));
	assert_int_equal(db_exec(t.db, "DELETE FROM ledger"), -SD_DB_CONSTRAINT);
	assert_int_equal(count(t.db, "ledger"), 1);
	/* A correction is a new row that names what it reverses. */
	assert_int_equal(db_exec(t.db, "INSERT INTO ledger(ts, kind, account_id, amount, "
				       "operator_id, reverses) VALUES (2, 'reversal', 1, -5000, 1, 1)"), 0);
	/* ...and only once. */
	assert_int_equal(db_exec(t.db, "INSERT INTO ledger(ts, kind, account_id, amount, "
				       "operator_id, reverses) VALUES (3, 'reversal', 1, -5000, 1, 1)"),
			 -SD_EXISTS);
	assert_int_equal(db_exec(t.db, "INSERT INTO audit VALUES (1, 1, 'a', 'b', 'c', 'd', "
				       "zeroblob(32), zeroblob(32))"), 0);
	assert_int_equal(db_exec(t.db, "UPDATE audit SET details = 'x'"), -SD_DB_CONSTRAINT);
	assert_int_equal(db_exec(t.db, "DELETE FROM audit"), -SD_DB_CONSTRAINT);
	tdb_teardown(&t);
}

static void test_constraints_hold(void **state)
{
	struct tdb t;

	(void)state;
	tdb_setup(&t, DB_OPEN_CREATE);
	fill_version(t.db, db_schema_latest());
	/* Foreign keys are on. */
	assert_int_equal(db_exec(t.db, "INSERT INTO accounts(account_no, customer_id, opened_at) "
				       "VALUES ('2', 999, 1)"), -SD_DB_CONSTRAINT);
	/* STRICT: a text in a money column is refused, not coerced. */
	assert_int_equal(db_exec(t.db, "INSERT INTO ledger(ts, kind, account_id, amount, "
				       "operator_id) VALUES (1, 'sale', 1, 'lots', 1)"), -SD_DB_CONSTRAINT);
	assert_int_equal(db_exec(t.db, "INSERT INTO ledger(ts, kind, account_id, amount, "
				       "operator_id) VALUES (1, 'gift', 1, 1, 1)"), -SD_DB_CONSTRAINT);
	assert_int_equal(db_exec(t.db, "INSERT INTO ledger(ts, kind, account_id, amount, "
				       "operator_id) VALUES (1, 'sale', 1, 10000000000, 1)"), -SD_DB_CONSTRAINT);
	assert_int_equal(db_exec(t.db, "INSERT INTO accounts(account_no, customer_id, opened_at) "
				       "VALUES ('12a', 1, 1)"), -SD_DB_CONSTRAINT);
	assert_int_equal(db_exec(t.db, "INSERT INTO accounts(account_no, customer_id, opened_at) "
				       "VALUES ('1', 1, 1)"), -SD_EXISTS);
	assert_int_equal(db_exec(t.db, "INSERT INTO meters(meter_no, account_id, tariff_id, mode, "
				       "installed_at) VALUES ('5', 1, 1, 'wireless', 1)"), -SD_DB_CONSTRAINT);
	assert_int_equal(db_exec(t.db, "INSERT INTO operator_roles VALUES (1, 'king')"),
			 -SD_DB_CONSTRAINT);
	/* One open shift per operator. */
	assert_int_equal(db_exec(t.db, "INSERT INTO shifts(operator_id, opened_at) VALUES (1, 1)"), 0);
	assert_int_equal(db_exec(t.db, "INSERT INTO shifts(operator_id, opened_at) VALUES (1, 2)"),
			 -SD_EXISTS);
	/* Tariff versions are never rewritten. */
	assert_int_equal(db_exec(t.db, "INSERT INTO tariff_versions(tariff_id, effective_from, kind, "
				       "spec, created_at) VALUES (1, 1, 'flat', 'flat 0.5', 1)"), 0);
	assert_int_equal(db_exec(t.db, "UPDATE tariff_versions SET spec = 'flat 0.1'"),
			 -SD_DB_CONSTRAINT);
	tdb_teardown(&t);
}

static void test_write_transactions_take_the_lock(void **state)
{
	struct tdb t;
	struct db *other;

	(void)state;
	tdb_setup(&t, DB_OPEN_CREATE);
	assert_int_equal(db_open(t.path, 0, &other), 0);
	db_set_busy_timeout(other, 100);
	assert_int_equal(db_begin(t.db), 0);
	/* BEGIN IMMEDIATE holds the write lock: a second writer waits out the
	 * busy timeout and its bounded retries, then gets a clear "busy". */
	assert_int_equal(db_begin(other), -SD_BUSY);
	db_rollback(t.db);
	assert_int_equal(db_begin(other), 0);
	assert_int_equal(db_commit(other), 0);
	db_close(other);
	tdb_teardown(&t);
}

static void test_foreign_and_newer_files_are_refused(void **state)
{
	struct tdb t;
	struct db *db;

	(void)state;
	tdb_setup(&t, DB_OPEN_CREATE | DB_OPEN_NO_MIGRATE);
	assert_int_equal(db_exec(t.db, "CREATE TABLE x(a)"), 0);
	db_close(t.db);
	t.db = NULL;
	assert_int_equal(db_open(t.path, 0, &db), -SD_DB_FOREIGN);
	assert_non_null(strstr(err_detail(), "another program"));
	tdb_teardown(&t);

	tdb_setup(&t, DB_OPEN_CREATE);
	assert_int_equal(db_exec(t.db, "PRAGMA user_version = 1000"), 0);
	db_close(t.db);
	t.db = NULL;
	assert_int_equal(db_open(t.path, 0, &db), -SD_DB_NEWER);
	tdb_teardown(&t);

	tdb_setup(&t, -1);
	assert_int_equal(db_open(t.path, 0, &db), -SD_NOT_FOUND);
	assert_int_equal(access(t.path, F_OK), -1);
	tdb_teardown(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_database_is_at_latest_version),
		cmocka_unit_test(test_upgrade_from_every_earlier_version),
		cmocka_unit_test(test_ledger_and_audit_are_append_only),
		cmocka_unit_test(test_constraints_hold),
		cmocka_unit_test(test_write_transactions_take_the_lock),
		cmocka_unit_test(test_foreign_and_newer_files_are_refused),
	};
	return cmocka_run_group_tests_name("migrations", tests, NULL, NULL);
}
