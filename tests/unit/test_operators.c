/* Operators and permissions in the domain: hashing, log-in, lock-out after
 * five failures for fifteen minutes, disabled operators, and every
 * permission checked in src/ whatever a UI would show. */
#include "helpers.h"

#include "audit.h"
#include "clock.h"
#include "err.h"
#include "operator.h"
#include "password.h"
#include "perm.h"
#include "session.h"
#include "tariffs.h"

#define T0 INT64_C(1790000000)

static void test_password_hash_format_and_verify(void **state)
{
	char h1[OPERATOR_HASH_MAX], h2[OPERATOR_HASH_MAX];

	(void)state;
	assert_int_equal(password_hash("correct horse", h1, sizeof(h1)), 0);
	assert_int_equal(strncmp(h1, "pbkdf2-sha256$600000$", 21), 0);
	assert_int_equal(password_verify("correct horse", h1), 0);
	assert_int_equal(password_verify("correct horsE", h1), -SD_AUTH);
	assert_int_equal(password_verify("", h1), -SD_AUTH);
	/* A fresh salt each time: equal passwords never share a hash. */
	assert_int_equal(password_hash("correct horse", h2, sizeof(h2)), 0);
	assert_string_not_equal(h1, h2);
	assert_int_equal(password_needs_rehash(h1), 0);
}

static void test_password_cost_can_rise(void **state)
{
	char h[OPERATOR_HASH_MAX];

	(void)state;
	assert_int_equal(password_hash_iter("pw-of-old", 1000, h, sizeof(h)), 0);
	assert_int_equal(strncmp(h, "pbkdf2-sha256$1000$", 19), 0);
	assert_int_equal(password_verify("pw-of-old", h), 0);
	assert_int_equal(password_needs_rehash(h), 1);
}

static void test_malformed_hashes_are_errors_not_matches(void **state)
{
	static const char *const bad[] = { "", "plain", "pbkdf2-sha256$", "pbkdf2-sha256$0$a$b",
		"pbkdf2-sha256$10$short$short", "md5$1$AAAAAAAAAAAAAAAAAAAAAA==$x" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(password_verify("x", bad[i]), -SD_INVAL);
}

static void test_password_policy(void **state)
{
	char longpw[200];

	(void)state;
	memset(longpw, 'a', sizeof(longpw) - 1);
	longpw[sizeof(longpw) - 1] = 0;
	assert_int_equal(password_check_policy("1234567"), -SD_INVAL);
	assert_int_equal(password_check_policy("12345678"), 0);
	assert_int_equal(password_check_policy(longpw), -SD_INVAL);
}

struct fixture {
	struct tdb t;
	struct session sys;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	clock_set(T0);
	tdb_setup(&f->t, DB_OPEN_CREATE);
	session_system(f->t.db, &f->sys);
	assert_int_equal(operator_add(&f->sys, "boss", "老板", ROLE_ADMIN, "boss-pass-1"), 0);
	assert_int_equal(operator_add(&f->sys, "li", "李", ROLE_CASHIER, "li-pass-01"), 0);
	assert_int_equal(operator_add(&f->sys, "wu", "吴", ROLE_TECHNICIAN, "wu-pass-01"), 0);
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

static void test_login_fills_the_session(void **state)
{
	struct fixture *f = *state;
	struct session s;

	assert_int_equal(session_login(f->t.db, "li", "li-pass-01", &s), 0);
	assert_string_equal(s.login, "li");
	assert_int_equal(s.roles, ROLE_CASHIER);
	assert_true(s.operator_id > 0);
	assert_int_equal(s.utc_offset_min, 480);
}

static void test_unknown_and_wrong_look_alike(void **state)
{
	struct fixture *f = *state;
	struct session s;

	assert_int_equal(session_login(f->t.db, "nobody", "li-pass-01", &s), -SD_AUTH);
	assert_int_equal(session_login(f->t.db, "li", "nope-nope", &s), -SD_AUTH);
	assert_int_equal(s.roles, 0);
}

static void test_lockout_after_five_failures_for_fifteen_minutes(void **state)
{
	struct fixture *f = *state;
	struct session s;
	int i;

	for (i = 1; i < LOGIN_MAX_FAILURES; i++)
		assert_int_equal(session_login(f->t.db, "li", "wrong-pw", &s), -SD_AUTH);
	assert_int_equal(session_login(f->t.db, "li", "wrong-pw", &s), -SD_LOCKED);
	/* The right password is refused until the lock-out ends... */
	assert_int_equal(session_login(f->t.db, "li", "li-pass-01", &s), -SD_LOCKED);
	clock_set(T0 + LOGIN_LOCKOUT_SECONDS - 1);
	assert_int_equal(session_login(f->t.db, "li", "li-pass-01", &s), -SD_LOCKED);
	/* ...and accepted after it. */
	clock_set(T0 + LOGIN_LOCKOUT_SECONDS);
	assert_int_equal(session_login(f->t.db, "li", "li-pass-01", &s), 0);
	/* A success resets the count: four more failures do not lock. */
	for (i = 1; i < LOGIN_MAX_FAILURES; i++)
		assert_int_equal(session_login(f->t.db, "li", "wrong-pw", &s), -SD_AUTH);
	assert_int_equal(session_login(f->t.db, "li", "li-pass-01", &s), 0);
}

static void test_disabled_operator_cannot_log_in(void **state)
{
	struct fixture *f = *state;
	struct session boss, s;

	assert_int_equal(session_login(f->t.db, "boss", "boss-pass-1", &boss), 0);
	assert_int_equal(operator_set_disabled(&boss, "li", 1), 0);
	assert_int_equal(session_login(f->t.db, "li", "li-pass-01", &s), -SD_DISABLED);
	/* A wrong password on a disabled account says nothing about it. */
	assert_int_equal(session_login(f->t.db, "li", "wrong-pw", &s), -SD_AUTH);
	assert_int_equal(operator_set_disabled(&boss, "li", 0), 0);
	assert_int_equal(session_login(f->t.db, "li", "li-pass-01", &s), 0);
}

static void test_permissions_are_checked_in_the_domain(void **state)
{
	struct fixture *f = *state;
	struct session li, wu, boss;

	assert_int_equal(session_login(f->t.db, "li", "li-pass-01", &li), 0);
	assert_int_equal(session_login(f->t.db, "wu", "wu-pass-01", &wu), 0);
	assert_int_equal(session_login(f->t.db, "boss", "boss-pass-1", &boss), 0);
	/* A cashier calling administrators' functions fails here, in src/. */
	assert_int_equal(operator_add(&li, "x", "x", ROLE_CASHIER, "xxxx-xxxx"), -SD_PERM);
	assert_non_null(strstr(err_detail(), "li may not manage operators"));
	assert_int_equal(operator_set_roles(&li, "li", ROLE_ALL), -SD_PERM);
	assert_int_equal(operator_set_disabled(&li, "boss", 1), -SD_PERM);
	assert_int_equal(operator_set_password(&li, "boss", "takeover-1"), -SD_PERM);
	assert_int_equal(tariffs_add(&li, "T", "t", "flat 0.5", 0), -SD_PERM);
	assert_int_equal(tariffs_add(&wu, "T", "t", "flat 0.5", 0), -SD_PERM);
	assert_int_equal(tariffs_add(&boss, "T", "t", "flat 0.5", 0), 0);
	/* The table: who may do what. */
	assert_int_equal(perm_check(&li, PERM_SALE), 0);
	assert_int_equal(perm_check(&wu, PERM_SALE), -SD_PERM);
	assert_int_equal(perm_check(&boss, PERM_SALE), -SD_PERM);
	assert_int_equal(perm_check(&wu, PERM_TECH_CARD), 0);
	assert_int_equal(perm_check(&li, PERM_TECH_CARD), -SD_PERM);
	assert_int_equal(perm_check(&boss, PERM_KEYS), 0);
	assert_int_equal(perm_check(&li, PERM_KEYS), -SD_PERM);
	assert_int_equal(perm_check(&wu, PERM_ACCOUNT_VIEW), 0);
	assert_int_equal(perm_check(NULL, PERM_ACCOUNT_VIEW), -SD_PERM);
	for (int p = 0; p < PERM_COUNT; p++)
		assert_int_not_equal(perm_roles((enum perm)p), 0);
}

static void test_desk_never_loses_its_last_admin(void **state)
{
	struct fixture *f = *state;
	struct session boss;

	assert_int_equal(session_login(f->t.db, "boss", "boss-pass-1", &boss), 0);
	assert_int_equal(operator_set_disabled(&boss, "boss", 1), -SD_STATE);
	assert_int_equal(operator_set_roles(&boss, "boss", ROLE_CASHIER), -SD_STATE);
	assert_int_equal(operator_set_roles(&boss, "wu", ROLE_ADMIN | ROLE_TECHNICIAN), 0);
	assert_int_equal(operator_set_roles(&boss, "boss", ROLE_CASHIER), 0);
	assert_int_equal(operator_set_roles(&boss, "li", 0), -SD_INVAL);
}

static void test_self_service_password_change(void **state)
{
	struct fixture *f = *state;
	struct session li, s;

	assert_int_equal(session_login(f->t.db, "li", "li-pass-01", &li), 0);
	assert_int_equal(operator_set_password(&li, "li", "short"), -SD_INVAL);
	assert_int_equal(operator_set_password(&li, "li", "li-pass-02"), 0);
	assert_int_equal(session_login(f->t.db, "li", "li-pass-01", &s), -SD_AUTH);
	assert_int_equal(session_login(f->t.db, "li", "li-pass-02", &s), 0);
}

static int find_action(const struct audit_rec *r, void *arg)
{
	const char *want = arg;

	return strcmp(r->action, want) == 0 ? 1 : 0;
}

static void test_changes_are_audited_in_the_same_transaction(void **state)
{
	struct fixture *f = *state;
	struct session boss;
	int64_t before, after;

	assert_int_equal(session_login(f->t.db, "boss", "boss-pass-1", &boss), 0);
	before = db_count_rows(f->t.db, "audit");
	/* A refused change leaves neither the change nor an audit row. */
	assert_int_equal(operator_add(&boss, "li", "dup", ROLE_CASHIER, "dup-pass-1"), -SD_EXISTS);
	assert_int_equal(db_count_rows(f->t.db, "audit"), before);
	assert_int_equal(operator_set_roles(&boss, "li", ROLE_CASHIER | ROLE_TECHNICIAN), 0);
	after = db_count_rows(f->t.db, "audit");
	assert_int_equal(after, before + 1);
	assert_int_equal(db_audit_each(f->t.db, 1, find_action, "operator.roles"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_hash_format_and_verify),
		cmocka_unit_test(test_password_cost_can_rise),
		cmocka_unit_test(test_malformed_hashes_are_errors_not_matches),
		cmocka_unit_test(test_password_policy),
		cmocka_unit_test_setup_teardown(test_login_fills_the_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_and_wrong_look_alike, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lockout_after_five_failures_for_fifteen_minutes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_disabled_operator_cannot_log_in, setup, teardown),
		cmocka_unit_test_setup_teardown(test_permissions_are_checked_in_the_domain, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_desk_never_loses_its_last_admin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_self_service_password_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_are_audited_in_the_same_transaction,
						setup, teardown),
	};
	return cmocka_run_group_tests_name("operators", tests, NULL, NULL);
}
