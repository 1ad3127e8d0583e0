/* The poller's tables: an alarm is raised once and cleared once, events
 * are kept, a purchase number is queued once, the next purchase number
 * follows the meter's count and the queue, and rollups book energy to
 * the site-local day. */
#include "helpers.h"

#include "db_alarm.h"
#include "db_int.h" /* db_int() to read the rollups back */
#include "db_meter.h"
#include "db_poll.h"
#include "err.h"

static void add_meter(struct db *db)
{
	assert_int_equal(db_exec(db, "INSERT INTO tariffs(code, name, created_at) VALUES ('R', 'r', 0);"
				     "INSERT INTO meters(meter_no, tariff_id, mode, installed_at) "
				     "VALUES ('000001000001', 1, 'remote', 0);"), 0);
}

static void test_alarm_is_raised_once_and_cleared_once(void **state)
{
	struct tdb t;
	int changed;

	(void)state;
	tdb_setup(&t, DB_OPEN_CREATE);
	add_meter(t.db);
	assert_int_equal(db_alarm_raise(t.db, "arrears", 1, 0, "x", 100, &changed), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(db_alarm_raise(t.db, "arrears", 1, 0, "x", 200, &changed), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(db_count_rows(t.db, "events"), 1);
	assert_int_equal(db_alarm_clear(t.db, "arrears", 1, 0, 300, &changed), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(db_alarm_clear(t.db, "arrears", 1, 0, 400, &changed), 0);
	assert_int_equal(changed, 0);
	/* Raised again after it cleared: a new row, the old one kept. */
	assert_int_equal(db_alarm_raise(t.db, "arrears", 1, 0, "x", 500, &changed), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(db_count_rows(t.db, "events"), 2);
	assert_int_not_equal(db_exec(t.db, "DELETE FROM events"), 0);
	assert_int_not_equal(db_exec(t.db, "INSERT INTO events(kind, meter_id, raised_at) "
					   "VALUES ('no_such_kind', 1, 0)"), 0);
	tdb_teardown(&t);
}

static void test_purchase_numbers_follow_meter_and_queue(void **state)
{
	struct meter_cmd c;
	struct tdb t;
	int64_t seq;

	(void)state;
	tdb_setup(&t, DB_OPEN_CREATE);
	add_meter(t.db);
	assert_int_equal(db_cmd_next_seq(t.db, 1, &seq), -SD_STATE);
	assert_int_equal(db_exec(t.db, "INSERT INTO meter_state(meter_id, updated_at, purchase_count) "
				       "VALUES (1, 0, 4)"), 0);
	assert_int_equal(db_cmd_next_seq(t.db, 1, &seq), 0);
	assert_int_equal(seq, 5);
	memset(&c, 0, sizeof(c));
	c.meter_id = 1;
	strcpy(c.meter_no, "000001000001");
	strcpy(c.kind, "recharge");
	c.purchase_seq = 5;
	c.amount = 2000;
	assert_int_equal(db_cmd_insert(t.db, &c, 0), 0);
	assert_int_equal(db_cmd_next_seq(t.db, 1, &seq), 0);
	assert_int_equal(seq, 6);
	assert_int_equal(db_cmd_insert(t.db, &c, 0), -SD_EXISTS);
	/* A failed recharge frees its number. */
	assert_int_equal(db_cmd_update(t.db, c.id, "failed", "test", 1, 10), 0);
	assert_int_equal(db_cmd_insert(t.db, &c, 0), 0);
	tdb_teardown(&t);
}

static void test_rollups_book_the_local_day(void **state)
{
	struct tdb t;
	int64_t day, wh;

	(void)state;
	tdb_setup(&t, DB_OPEN_CREATE);
	add_meter(t.db);
	/* 2026-03-10 17:30 UTC is 01:30 on the 11th at UTC+8. */
	assert_int_equal(db_poll_rollup(t.db, 1, 1773163800, 480, 120), 0);
	assert_int_equal(db_poll_rollup(t.db, 1, 1773163900, 480, 30), 0);
	assert_int_equal(db_poll_rollup(t.db, 1, 1773163900, 480, 0), 0); /* nothing booked */
	assert_int_equal(db_int(t.db, &day, "SELECT day_ts FROM energy_daily", NULL), 0);
	assert_int_equal(day, 1773158400); /* 2026-03-11 00:00 at UTC+8 */
	assert_int_equal(db_int(t.db, &wh, "SELECT wh FROM energy_daily", NULL), 0);
	assert_int_equal(wh, 150);
	assert_int_equal(db_int(t.db, &wh, "SELECT hour_ts FROM energy_hourly", NULL), 0);
	assert_int_equal(wh, 1773162000);
	assert_int_equal(db_count_rows(t.db, "energy_hourly"), 1);
	tdb_teardown(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alarm_is_raised_once_and_cleared_once),
		cmocka_unit_test(test_purchase_numbers_follow_meter_and_queue),
		cmocka_unit_test(test_rollups_book_the_local_day),
	};
	return cmocka_run_group_tests_name("poll_db", tests, NULL, NULL);
}
