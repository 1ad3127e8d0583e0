/* Unit tests for card_tariff: the desk's tariff versions in the card's
 * EF03/EF04 format (docs/card-spec.md 5.3), the versions a card cannot
 * carry, the round trip through the frame, and the rule that decides
 * which tariff files a purchase carries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "card_tariff.h"
#include "err.h"

static void must_parse(const char *text, struct tariff_version *v)
{
	char why[TARIFF_WHY_SZ] = "";
	int rc = tariff_parse(text, v, why, sizeof(why));

	if (rc)
		print_error("cannot parse \"%s\": %s\n", text, why);
	assert_int_equal(rc, 0);
}

/* Maps text and expects -SD_TARIFF with a detail containing what. */
static void must_refuse(const char *text, const char *what)
{
	struct tariff_version v;
	struct card_tariff ct;

	must_parse(text, &v);
	assert_int_equal(card_tariff_from_version(&v, 7, &ct), -SD_TARIFF);
	if (!strstr(err_detail(), what))
		print_error("detail \"%s\" lacks \"%s\"\n", err_detail(), what);
	assert_non_null(strstr(err_detail(), what));
}

static void test_flat_version_is_single_rate_at_flat(void **state)
{
	struct tariff_version v;
	struct card_tariff ct;

	(void)state;
	must_parse("flat 0.5880", &v);
	assert_int_equal(card_tariff_from_version(&v, 42, &ct), 0);
	assert_int_equal(ct.kind, CARD_TARIFF_FLAT);
	assert_int_equal(ct.id, 42);
	assert_int_equal(ct.price[TARIFF_FLAT], 5880);
	assert_int_equal(ct.price[TARIFF_SHARP] + ct.price[TARIFF_PEAK] + ct.price[TARIFF_VALLEY], 0);
	assert_int_equal(ct.nseg, 0);
	assert_int_equal(ct.step[0], 0);
	assert_int_equal(ct.activation, 0);
}

static void test_tou_segments_sorted_with_midnight_wrap(void **state)
{
	struct tariff_version v;
	struct card_tariff ct;
	static const uint8_t want[6][3] = {
		{6, 0, TARIFF_FLAT}, {8, 0, TARIFF_PEAK}, {10, 0, TARIFF_SHARP},
		{11, 0, TARIFF_FLAT}, {18, 0, TARIFF_PEAK}, {22, 0, TARIFF_VALLEY},
	};

	(void)state;
	must_parse("tou sharp=1.2000 peak=0.9000 flat=0.6000 valley=0.3000 segments=06:00-08:00:flat,"
		   "08:00-10:00:peak,10:00-11:00:sharp,11:00-18:00:flat,18:00-22:00:peak,"
		   "22:00-06:00:valley", &v);
	assert_int_equal(card_tariff_from_version(&v, 3, &ct), 0);
	assert_int_equal(ct.kind, CARD_TARIFF_TOU);
	assert_int_equal(ct.price[TARIFF_SHARP], 12000);
	assert_int_equal(ct.price[TARIFF_PEAK], 9000);
	assert_int_equal(ct.price[TARIFF_FLAT], 6000);
	assert_int_equal(ct.price[TARIFF_VALLEY], 3000);
	assert_int_equal(ct.nseg, 6);
	assert_memory_equal(ct.seg, want, sizeof(want));
}

static void test_neighbours_of_one_rate_merge(void **state)
{
	struct tariff_version v;
	struct card_tariff ct;

	(void)state;
	/* 00:00-08:00 and 22:00-24:00 are one valley across midnight */
	must_parse("tou peak=1.0000 flat=0.6000 valley=0.3000 segments=00:00-08:00:valley,"
		   "08:00-12:00:peak,12:00-17:00:peak,17:00-22:00:flat,22:00-24:00:valley", &v);
	assert_int_equal(card_tariff_from_version(&v, 3, &ct), 0);
	assert_int_equal(ct.nseg, 3);
	assert_int_equal(ct.seg[0][0], 8);
	assert_int_equal(ct.seg[0][2], TARIFF_PEAK);
	assert_int_equal(ct.seg[1][0], 17);
	assert_int_equal(ct.seg[1][2], TARIFF_FLAT);
	assert_int_equal(ct.seg[2][0], 22);
	assert_int_equal(ct.seg[2][2], TARIFF_VALLEY);
	must_parse("tou flat=0.6000 segments=00:00-12:00:flat,12:00-24:00:flat", &v);
	assert_int_equal(card_tariff_from_version(&v, 3, &ct), 0);
	assert_int_equal(ct.nseg, 1);
	assert_int_equal(ct.seg[0][0] + ct.seg[0][1], 0);
	assert_int_equal(ct.seg[0][2], TARIFF_FLAT);
}

static void test_tiers_become_steps_and_surcharges(void **state)
{
	struct tariff_version v;
	struct card_tariff ct;

	(void)state;
	must_parse("flat 0.5000 tiers=0-200kWh:+0,200-400kWh:+0.0500,400kWh-:+0.3000", &v);
	assert_int_equal(card_tariff_from_version(&v, 9, &ct), 0);
	assert_int_equal(ct.kind, CARD_TARIFF_STEPPED);
	assert_int_equal(ct.step[0], 200000);
	assert_int_equal(ct.step[1], 400000);
	assert_int_equal(ct.step[2], 0);
	assert_int_equal(ct.surcharge[0], 0);
	assert_int_equal(ct.surcharge[1], 500);
	assert_int_equal(ct.surcharge[2], 3000);
	assert_int_equal(ct.surcharge[3], 0);
	must_parse("tou peak=0.9000 valley=0.3000 purchase=0.6000 segments=08:00-22:00:peak,"
		   "22:00-08:00:valley tiers=0-200kWh:+0,200kWh-:+0.1000", &v);
	assert_int_equal(card_tariff_from_version(&v, 9, &ct), 0);
	assert_int_equal(ct.kind, CARD_TARIFF_TOU_STEPPED);
	assert_int_equal(ct.nseg, 2);
}

static void test_versions_a_card_cannot_carry_are_refused(void **state)
{
	(void)state;
	/* nine changes of rate in a day */
	must_refuse("tou peak=0.9000 flat=0.6000 valley=0.3000 segments=00:00-01:00:peak,"
		    "01:00-02:00:flat,02:00-03:00:peak,03:00-04:00:flat,04:00-05:00:peak,"
		    "05:00-06:00:flat,06:00-07:00:peak,07:00-08:00:flat,08:00-24:00:valley",
		    "holds 8");
	must_refuse("flat 0.5000 tiers=0-100kWh:+0,100-200kWh:+0.01,200-300kWh:+0.02,"
		    "300-400kWh:+0.03,400kWh-:+0.04", "5 tier blocks");
	must_refuse("tou sharp=1.2000 peak=1.0000 flat=0.6000 valley=0.3000 season=07-01..08-31 "
		    "segments=00:00-08:00:valley,08:00-11:00:peak,11:00-13:00:sharp,13:00-22:00:peak,"
		    "22:00-24:00:valley season=09-01..06-30 segments=00:00-08:00:valley,"
		    "08:00-22:00:flat,22:00-24:00:valley", "one day table");
}

static void test_seasons_with_one_day_table_are_carried(void **state)
{
	struct tariff_version v;
	struct card_tariff ct;

	(void)state;
	must_parse("tou peak=0.9000 valley=0.3000 purchase=0.6000 season=01-01..06-30 "
		   "segments=08:00-22:00:peak,22:00-08:00:valley season=07-01..12-31 "
		   "segments=22:00-08:00:valley,08:00-22:00:peak", &v);
	assert_int_equal(card_tariff_from_version(&v, 5, &ct), 0);
	assert_int_equal(ct.nseg, 2);
}

static void test_round_trip_through_the_frame(void **state)
{
	struct tariff_version v;
	struct card_tariff ct, back;
	uint8_t frame[96];
	const uint8_t *body;
	uint8_t cmd = 0;

	(void)state;
	must_parse("tou sharp=1.2000 peak=0.9000 flat=0.6000 valley=0.3000 segments=06:00-08:00:flat,"
		   "08:00-10:00:peak,10:00-11:30:sharp,11:30-18:00:flat,18:00-22:00:peak,"
		   "22:00-06:00:valley tiers=0-200kWh:+0,200-400kWh:+0.0500,400kWh-:+0.3000", &v);
	assert_int_equal(card_tariff_from_version(&v, 123456, &ct), 0);
	ct.activation = 1800000000u;
	assert_int_equal(card_tariff_encode(0x04, &ct, frame), 0);
	assert_int_equal(frame[0], 0x68);
	assert_int_equal(card_unframe(frame, sizeof(frame), &cmd, &body), 78);
	assert_int_equal(cmd, 0x04);
	card_tariff_decode(body, &back);
	assert_memory_equal(&back, &ct, sizeof(ct));
	assert_int_equal(back.seg[2][1], 0);
	assert_int_equal(back.seg[3][1], 30);
}

/* A tariff of versions texts[] from times from[], with ids 10, 11, ... */
struct fixture {
	struct tariff_version v[3];
	int64_t ids[3];
	struct tariff t;
};

static void fixture_make(struct fixture *f, const char *const *texts, const int64_t *from, int n)
{
	for (int i = 0; i < n; i++) {
		must_parse(texts[i], &f->v[i]);
		f->v[i].effective_from = from[i];
		f->ids[i] = 10 + i;
	}
	f->t.utc_offset_min = 480;
	f->t.versions = f->v;
	f->t.n_versions = (size_t)n;
}

static void test_plan_writes_ef03_only_when_it_changed(void **state)
{
	static const char *const texts[] = { "flat 0.5880" };
	static const int64_t from[] = { 1000 };
	struct card_tariff_plan p;
	struct fixture f;

	(void)state;
	fixture_make(&f, texts, from, 1);
	/* a new card carries nothing yet */
	assert_int_equal(card_tariff_plan(&f.t, f.ids, 5000, 0, 0, &p), 0);
	assert_int_equal(p.flags, 1);
	assert_int_equal(p.cur.id, 10);
	assert_int_equal(p.cur.activation, 0);
	assert_int_equal(p.ef03_id, 10);
	assert_int_equal(p.ef04_id, 0);
	/* the card already carries it */
	assert_int_equal(card_tariff_plan(&f.t, f.ids, 5000, 10, 0, &p), 0);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.ef03_id, 10);
	/* before any version: none in force */
	assert_int_equal(card_tariff_plan(&f.t, f.ids, 500, 0, 0, &p), -SD_TARIFF_NONE);
}

static void test_plan_sends_the_next_version_as_standby(void **state)
{
	static const char *const texts[] = { "flat 0.5880", "flat 0.6000" };
	static const int64_t from[] = { 1000, 9000 };
	struct card_tariff_plan p;
	struct fixture f;

	(void)state;
	fixture_make(&f, texts, from, 2);
	assert_int_equal(card_tariff_plan(&f.t, f.ids, 5000, 10, 0, &p), 0);
	assert_int_equal(p.flags, 2);
	assert_int_equal(p.next.id, 11);
	assert_int_equal(p.next.activation, 9000);
	assert_int_equal(p.next.price[TARIFF_FLAT], 6000);
	assert_int_equal(p.ef03_id, 10);
	assert_int_equal(p.ef04_id, 11);
	/* once sent, it is not sent again */
	assert_int_equal(card_tariff_plan(&f.t, f.ids, 6000, 10, 11, &p), 0);
	assert_int_equal(p.flags, 0);
	/* after its activation the meter has switched: no EF03 needed */
	assert_int_equal(card_tariff_plan(&f.t, f.ids, 9500, 10, 11, &p), 0);
	assert_int_equal(p.flags, 0);
	/* a card that never got the standby gets the new version as EF03 */
	assert_int_equal(card_tariff_plan(&f.t, f.ids, 9500, 10, 0, &p), 0);
	assert_int_equal(p.flags, 1);
	assert_int_equal(p.cur.id, 11);
	/* a new card gets both */
	assert_int_equal(card_tariff_plan(&f.t, f.ids, 5000, 0, 0, &p), 0);
	assert_int_equal(p.flags, 3);
}

static void test_plan_refuses_what_a_card_cannot_carry(void **state)
{
	static const char *const texts[] = { "flat 0.5880",
		"flat 0.5 tiers=0-100kWh:+0,100-200kWh:+0.01,200-300kWh:+0.02,300-400kWh:+0.03,"
		"400kWh-:+0.04" };
	static const int64_t from[] = { 1000, 9000 };
	struct card_tariff_plan p;
	struct fixture f;

	(void)state;
	fixture_make(&f, texts, from, 2);
	assert_int_equal(card_tariff_plan(&f.t, f.ids, 5000, 10, 0, &p), -SD_TARIFF);
	f.ids[0] = INT64_C(1) << 33;
	assert_int_equal(card_tariff_plan(&f.t, f.ids, 5000, 0, 0, &p), -SD_TARIFF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flat_version_is_single_rate_at_flat),
		cmocka_unit_test(test_tou_segments_sorted_with_midnight_wrap),
		cmocka_unit_test(test_neighbours_of_one_rate_merge),
		cmocka_unit_test(test_tiers_become_steps_and_surcharges),
		cmocka_unit_test(test_versions_a_card_cannot_carry_are_refused),
		cmocka_unit_test(test_seasons_with_one_day_table_are_carried),
		cmocka_unit_test(test_round_trip_through_the_frame),
		cmocka_unit_test(test_plan_writes_ef03_only_when_it_changed),
		cmocka_unit_test(test_plan_sends_the_next_version_as_standby),
		cmocka_unit_test(test_plan_refuses_what_a_card_cannot_carry),
	};

	return cmocka_run_group_tests_name("card_tariff", tests, NULL, NULL);
}
