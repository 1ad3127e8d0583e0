/* Desk billing: what a reading means after the last billed one (a counter
 * that goes backwards or jumps is never billed), the balance alarms from
 * the desk balance, billing_meter() pricing by the tariff with the
 * month-to-date energy, db_ledger_balance() less the usage, and the daily
 * backup's due check. */
#include "helpers.h"

#include "alarm.h"
#include "billing.h"
#include "db_sale.h"
#include "err.h"
#include "poll.h"

static void test_counter_backwards_or_jumping_is_never_billed(void **state)
{
	int64_t wh = 7;

	(void)state;
	assert_int_equal(billing_decide(100, 5000, 110, 4000, &wh), BILLING_RESET);
	assert_int_equal(wh, 0);
	assert_int_equal(billing_decide(100, 5000, 110, 5000 + BILLING_MAX_WH + 1, &wh),
			 BILLING_RESET);
	assert_int_equal(billing_decide(100, 5000, 110, 5000, &wh), BILLING_NONE);
	assert_int_equal(billing_decide(100, 5000, 100, 5100, &wh), BILLING_WAIT);
	assert_int_equal(wh, 0);
	assert_int_equal(billing_decide(100, 5000, 110, 5100, &wh), BILLING_CHARGE);
	assert_int_equal(wh, 100);
}

static void test_balance_alarms_follow_the_desk_balance(void **state)
{
	const int64_t lv[3] = { 3000, 2000, 1000 }, off[3] = { 0, 0, 0 };

	(void)state;
	assert_int_equal(alarm_desk_balance(5000, 0, lv), 0);
	assert_int_equal(alarm_desk_balance(3000, 0, lv), 1u << ALARM_LOW_BALANCE_1);
	assert_int_equal(alarm_desk_balance(1500, 0, lv), 1u << ALARM_LOW_BALANCE_2);
	assert_int_equal(alarm_desk_balance(0, 0, lv), 1u << ALARM_LOW_BALANCE_3);
	assert_int_equal(alarm_desk_balance(-1, 0, lv), 1u << ALARM_ARREARS | 1u << ALARM_LOW_BALANCE_3);
	/* Within the credit limit is not arrears. */
	assert_int_equal(alarm_desk_balance(-500, 500, off), 0);
	assert_int_equal(alarm_desk_balance(-501, 500, off), 1u << ALARM_ARREARS);
	assert_int_equal(alarm_desk_balance(-501, 500, lv) & ~ALARM_BALANCE_MASK, 0);
}

static void setup_billed(struct tdb *t, struct poll_meter *m)
{
	tdb_setup(t, DB_OPEN_CREATE);
	assert_int_equal(db_exec(t->db,
		"INSERT INTO operators(login, name, pw_hash, created_at) VALUES ('a', 'a', 'pbkdf2-sha256$1$x$y', 0);"
		"INSERT INTO tariffs(code, name, created_at) VALUES ('TB', 't', 0);"
		"INSERT INTO tariff_versions(tariff_id, effective_from, kind, spec, created_at) VALUES "
		"  (1, 0, 'tiered', 'flat 0.5000 tiers=0-3kWh:+0.0000,3kWh-:+0.5000', 0);"
		"INSERT INTO customers(name, created_at) VALUES ('c', 0);"
		"INSERT INTO accounts(account_no, customer_id, opened_at, credit_limit) VALUES ('1', 1, 0, 500);"
		"INSERT INTO meters(meter_no, account_id, tariff_id, mode, installed_at) "
		"  VALUES ('000001000001', 1, 1, 'billed', 0);"
		"INSERT INTO ledger(ts, kind, account_id, amount, operator_id) VALUES (0, 'sale', 1, 1000, 1);"), 0);
	memset(m, 0, sizeof(*m));
	m->meter_id = 1;
	snprintf(m->meter_no, sizeof(m->meter_no), "000001000001");
	snprintf(m->mode, sizeof(m->mode), "billed");
	m->tariff_id = 1;
	m->account_id = 1;
	m->credit_limit = 500;
}

/* One cycle: the reading r->energy_wh at now after the previous one. */
static void cycle(struct tdb *t, struct poll_meter *m, struct poll_reading *r, int64_t now,
		  struct billing_result *res)
{
	assert_int_equal(billing_meter(t->db, m, r, now, 480, res), 0);
	m->has_reading = 1;
	m->read_at = now;
	m->energy_wh = r->energy_wh;
}

static void test_billing_prices_by_tariff_and_trips_once(void **state)
{
	struct billing_result res;
	struct poll_reading r;
	struct poll_meter m;
	struct tdb t;
	int64_t bal, t0 = 1767225600; /* 2026-01-01 08:00 local */

	(void)state;
	setup_billed(&t, &m);
	memset(&r, 0, sizeof(r));
	r.energy_wh = 10000;
	cycle(&t, &m, &r, t0, &res);
	assert_int_equal(res.step, BILLING_NONE);        /* first reading */
	r.energy_wh = 12000;                             /* 2 kWh at 0.50 */
	cycle(&t, &m, &r, t0 + 3600, &res);
	assert_int_equal(res.step, BILLING_CHARGE);
	assert_int_equal(res.fen, 100);
	assert_int_equal(res.balance, 900);
	r.energy_wh = 14000;                             /* 1 at 0.50, 1 at 1.00 */
	cycle(&t, &m, &r, t0 + 7200, &res);
	assert_int_equal(res.fen, 150);
	r.energy_wh = 13000;                             /* replaced meter */
	cycle(&t, &m, &r, t0 + 7300, &res);
	assert_int_equal(res.step, BILLING_RESET);
	assert_int_equal(res.fen, 0);
	assert_int_equal(res.balance, 750);
	r.energy_wh = 13000 + 13000;                     /* 13 kWh at 1.00 */
	cycle(&t, &m, &r, t0 + 9000, &res);
	assert_int_equal(res.fen, 1300);
	assert_int_equal(res.balance, -550);
	assert_int_equal(res.relay_open_queued, 1);
	assert_int_equal(db_ledger_balance(t.db, 1, &bal), 0);
	assert_int_equal(bal, -550);
	r.energy_wh += 100;
	cycle(&t, &m, &r, t0 + 9100, &res);
	assert_int_equal(res.relay_open_queued, 0);      /* one is queued */
	assert_int_equal(db_count_rows(t.db, "billed_usage"), 5);
	assert_int_not_equal(db_exec(t.db, "DELETE FROM billed_usage"), 0);
	tdb_teardown(&t);
}

static void test_stale_cursor_does_not_charge_the_gap(void **state)
{
	struct billing_result res;
	struct poll_reading r;
	struct poll_meter m;
	struct tdb t;

	(void)state;
	setup_billed(&t, &m);
	memset(&r, 0, sizeof(r));
	r.energy_wh = 1000;
	cycle(&t, &m, &r, 1000, &res);
	/* Not billed for a while (another mode): the meter moved on. */
	m.read_at = 50000;
	m.energy_wh = 90000;
	r.energy_wh = 91000;
	cycle(&t, &m, &r, 50100, &res);
	assert_int_equal(res.step, BILLING_CHARGE);
	assert_int_equal(res.wh, 1000);
	tdb_teardown(&t);
}

static void test_daily_backup_is_due_once_a_day_after_its_time(void **state)
{
	char day[11];
	int64_t t = 1767230400; /* 2026-01-01 01:20 UTC = 09:20 local (+8) */

	(void)state;
	assert_int_equal(poll_backup_due(t, 480, 150, "", day), 1);
	assert_string_equal(day, "2026-01-01");
	assert_int_equal(poll_backup_due(t, 480, 150, "2026-01-01", day), 0);
	assert_int_equal(poll_backup_due(t, 480, 9 * 60 + 21, "", day), 0);
	assert_int_equal(poll_backup_due(t, 480, 9 * 60 + 20, "2025-12-31", day), 1);
	assert_int_equal(poll_backup_due(t, 480, -1, "", day), 0);
	/* The site's date, not UTC's: 23:00 UTC is the next day at +8. */
	assert_int_equal(poll_backup_due(1767223800 + 84600 - 86400, 480, 0, "", day), 1);
	assert_string_equal(day, "2026-01-01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_backwards_or_jumping_is_never_billed),
		cmocka_unit_test(test_balance_alarms_follow_the_desk_balance),
		cmocka_unit_test(test_billing_prices_by_tariff_and_trips_once),
		cmocka_unit_test(test_stale_cursor_does_not_charge_the_gap),
		cmocka_unit_test(test_daily_backup_is_due_once_a_day_after_its_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
