/* The pure logic of the poller: the recharge MAC against the test vectors
 * of docs/meter-map.md, decoding a live block, register images of
 * commands, alarm conditions from a reading, and wire time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "alarm.h"
#include "bus.h"
#include "err.h"
#include "meter.h"

static void test_recharge_mac_matches_the_map_vectors(void **state)
{
	static const unsigned char k1[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	static const unsigned char k2[16] = { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
					      0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c };
	static const unsigned char m1[8] = { 0x68, 0x80, 0x8d, 0x2e, 0x28, 0xea, 0xb1, 0xd6 };
	static const unsigned char m2[8] = { 0xa6, 0x4d, 0x94, 0xdd, 0xb1, 0x0c, 0xd2, 0x41 };
	unsigned char mac[8];
	uint16_t regs[8];

	(void)state;
	assert_int_equal(meter_recharge_mac(k1, "000001000001", 1, 2000, mac), 0);
	assert_memory_equal(mac, m1, 8);
	assert_int_equal(meter_recharge_mac(k2, "123456789012", 42, 10000, mac), 0);
	assert_memory_equal(mac, m2, 8);
	/* The first write of the map: 0000 0001 0000 07d0 6880 8d2e 28ea b1d6. */
	meter_recharge_regs(1, 2000, m1, regs);
	assert_int_equal(regs[1], 1);
	assert_int_equal(regs[3], 0x07d0);
	assert_int_equal(regs[4], 0x6880);
	assert_int_equal(regs[7], 0xb1d6);
	assert_int_equal(meter_recharge_mac(k1, "12345", 1, 1, mac), -SD_INVAL);
}

static void test_live_block_decodes_to_desk_units(void **state)
{
	uint16_t r[METER_LIVE_3P] = { 0 };
	struct poll_reading o;

	(void)state;
	r[0x00] = 0x0001; r[0x01] = 0x0002;     /* 65538 × 0.01 kWh */
	r[0x0B] = 2201;                         /* 220.1 V */
	r[0x12] = 0xFFFF; r[0x13] = 0xFF38;     /* total power −200 W */
	r[0x19] = 1; r[0x1A] = 3;
	r[0x1E] = 0xFFFF; r[0x1F] = 0xFF9C;     /* balance −100 fen */
	r[0x24] = 0; r[0x25] = 7;
	r[0x2A] = 0x6900; r[0x2B] = 0x0000;     /* local epoch */
	r[0x2F] = 4;
	r[0x33] = 2190; r[0x34] = 0;
	assert_int_equal(meter_decode_live(r, METER_LIVE_3P, 480, &o), 0);
	assert_int_equal(o.energy_wh, 655380);
	assert_int_equal(o.voltage_dv, 2201);
	assert_int_equal(o.power_w, -200);
	assert_int_equal(o.relay, 1);
	assert_int_equal(o.relay_reason, 3);
	assert_int_equal(o.balance_fen, -100);
	assert_int_equal(o.purchase_count, 7);
	assert_int_equal(o.meter_clock, (int64_t)0x69000000 - 28800);
	assert_int_equal(o.freeze_seq, 4);
	assert_int_equal(o.u_b_dv, 2190);
	assert_int_equal(meter_live_regs(1), 50);
	assert_int_equal(meter_live_regs(3), 68);
	assert_int_equal(meter_decode_live(r, 10, 480, &o), -SD_INVAL);
}

static void test_parameter_writes_cover_whole_fields(void **state)
{
	uint16_t regs[32];
	int addr, n;

	(void)state;
	assert_int_equal(meter_param_regs("prices", "9500,7800,5880,3200", 0, &addr, regs, &n), 0);
	assert_int_equal(addr, 0x010C);
	assert_int_equal(n, 8);
	assert_int_equal(regs[1], 9500);
	assert_int_equal(meter_param_regs("prices", "0,1,1,1", 0, &addr, regs, &n), -SD_INVAL);
	assert_int_equal(meter_param_regs("alarm_levels", "5000,2000,1000", 0, &addr, regs, &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(meter_param_regs("alarm_levels", "1000,2000,1000", 0, &addr, regs, &n),
			 -SD_INVAL);
	assert_int_equal(meter_param_regs("tou", "0,4,480,3", 0, &addr, regs, &n), 0);
	assert_int_equal(addr, 0x0114);
	assert_int_equal(n, 17);                /* the whole table in one FC16 */
	assert_int_equal(regs[0], 2);
	assert_int_equal(regs[3], 480);
	assert_int_equal(regs[5], 0);
	assert_int_equal(meter_param_regs("tou", "480,4,0,3", 0, &addr, regs, &n), -SD_INVAL);
	assert_int_equal(meter_param_regs("clock_sync", "", 0x12345678, &addr, regs, &n), 0);
	assert_int_equal(addr, 0x0320);
	assert_int_equal(regs[0], 0x1234);
	assert_int_equal(meter_relay_code("relay_open"), 0x1A);
	assert_int_equal(meter_relay_code("keep_off"), 0x3B);
	assert_int_equal(meter_relay_code("recharge"), 0);
}

static void test_alarm_conditions_follow_the_reading(void **state)
{
	struct poll_reading r;
	unsigned c;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.meter_clock = 1000;
	assert_int_equal(alarm_conditions(&r, 1000, 120), 0);
	r.alarm_level = 2;
	r.flags = METER_F_ARREARS | METER_F_PHASE_LOSS;
	r.relay = 1;
	r.relay_reason = 2;
	c = alarm_conditions(&r, 1000, 120);
	assert_true(c & (1u << ALARM_LOW_BALANCE_2));
	assert_false(c & (1u << ALARM_LOW_BALANCE_1));
	assert_true(c & (1u << ALARM_ARREARS));
	assert_true(c & (1u << ALARM_PHASE_LOSS));
	assert_true(c & (1u << ALARM_RELAY_TRIPPED));
	/* A relay opened by the desk on purpose is no alarm. */
	r.relay_reason = 1;
	assert_false(alarm_conditions(&r, 1000, 120) & (1u << ALARM_RELAY_TRIPPED));
	assert_true(alarm_conditions(&r, 1121, 120) & (1u << ALARM_CLOCK_DRIFT));
	assert_false(alarm_conditions(&r, 1120, 120) & (1u << ALARM_CLOCK_DRIFT));
	assert_false(alarm_conditions(&r, 99999, 0) & (1u << ALARM_CLOCK_DRIFT));
	assert_string_equal(alarm_name(ALARM_LOW_BALANCE_3), "low_balance_3");
}

static void test_wire_time_matches_the_map_table(void **state)
{
	(void)state;
	/* 9600 8N1, live single-phase: 113 bytes + 2 × t3.5 = 125.0 ms. */
	int64_t t = bus_wire_us(1000000 * 10 / 9600, 8, 105);

	assert_true(t > 124500 && t < 125500);
	/* Three-phase, 8E1: 178.75 ms. */
	t = bus_wire_us(1000000 * 11 / 9600, 8, 141);
	assert_true(t > 178000 && t < 179500);
}

/* A parameter block as the meter would hold it after the desk's writes,
 * decoded, compared with what was written, and described. */
static void test_parameter_block_is_checked_against_the_writes(void **state)
{
	uint16_t img[METER_PARAMS_REGS], regs[32], info[METER_INFO_REGS] = { 0 };
	struct meter_params p;
	struct meter_info in;
	char buf[160];
	int addr, n;

	(void)state;
	memset(img, 0, sizeof(img));
	assert_int_equal(meter_param_regs("alarm_levels", "5000,2000,1000", 0, &addr, regs, &n), 0);
	memcpy(img + addr - METER_PARAMS_ADDR, regs, (size_t)n * sizeof(*regs));
	assert_int_equal(meter_param_regs("credit_limit", "1000", 0, &addr, regs, &n), 0);
	memcpy(img + addr - METER_PARAMS_ADDR, regs, (size_t)n * sizeof(*regs));
	assert_int_equal(meter_param_regs("prices", "9500,7800,5880,3200", 0, &addr, regs, &n), 0);
	memcpy(img + addr - METER_PARAMS_ADDR, regs, (size_t)n * sizeof(*regs));
	assert_int_equal(meter_param_regs("tou", "0,4,480,3,1080,2", 0, &addr, regs, &n), 0);
	memcpy(img + addr - METER_PARAMS_ADDR, regs, (size_t)n * sizeof(*regs));
	assert_int_equal(addr + n, METER_PARAMS_ADDR + METER_PARAMS_REGS); /* the block's end */
	meter_decode_params(img, &p);
	assert_int_equal(meter_params_hold(&p, "alarm_levels", "5000,2000,1000"), 1);
	assert_int_equal(meter_params_hold(&p, "credit_limit", "1000"), 1);
	assert_int_equal(meter_params_hold(&p, "credit_limit", "500"), 0);
	assert_int_equal(meter_params_hold(&p, "prices", "9500,7800,5880,3200"), 1);
	assert_int_equal(meter_params_hold(&p, "prices", "9500,7800,5880,3201"), 0);
	assert_int_equal(meter_params_hold(&p, "tou", "0,4,480,3,1080,2"), 1);
	assert_int_equal(meter_params_hold(&p, "tou", "0,4,480,3"), 0); /* fewer segments */
	assert_int_equal(meter_params_hold(&p, "clock_sync", ""), -SD_INVAL);
	assert_int_equal(meter_params_hold(&p, "tou", "0,4,480"), -SD_INVAL);
	assert_int_equal(meter_params_describe(&p, "prices", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0.9500/0.7800/0.5880/0.3200 yuan/kWh");
	assert_int_equal(meter_params_describe(&p, "tou", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "00:00=4 08:00=3 18:00=2");
	assert_int_equal(meter_params_describe(&p, "credit_limit", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "10.00 yuan");
	assert_int_equal(meter_params_apply(&p, "credit_limit", "50"), 0);
	assert_int_equal(p.credit_limit, 50);
	/* Device info: the number as ASCII digits, anything else shown as '?'. */
	info[0] = 3;
	info[1] = 0x0100;
	memcpy(buf, "00000100000\x07", 12);
	for (n = 0; n < 6; n++)
		info[4 + n] = (uint16_t)((unsigned char)buf[2 * n] << 8 | (unsigned char)buf[2 * n + 1]);
	info[0x0A] = 2;
	meter_decode_info(info, &in);
	assert_int_equal(in.type, 3);
	assert_int_equal(in.map_version, 0x0100);
	assert_string_equal(in.number, "00000100000?");
	assert_int_equal(in.key_version, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recharge_mac_matches_the_map_vectors),
		cmocka_unit_test(test_live_block_decodes_to_desk_units),
		cmocka_unit_test(test_parameter_writes_cover_whole_fields),
		cmocka_unit_test(test_parameter_block_is_checked_against_the_writes),
		cmocka_unit_test(test_alarm_conditions_follow_the_reading),
		cmocka_unit_test(test_wire_time_matches_the_map_table),
	};
	return cmocka_run_group_tests_name("poll", tests, NULL, NULL);
}
