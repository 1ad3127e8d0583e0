/* The card cipher, secure messaging and record layouts of cardio against
 * the test vectors of docs/card-spec.md section 14 (computed from cardio's
 * own code, not the virtual card's). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "card.h"
#include "crypto.h"
#include "err.h"
#include "layout.h"

static const uint8_t serial[8] = {1, 2, 3, 4, 5, 6, 7, 8};
static const uint8_t rd[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
static const uint8_t rc8[8] = {0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8};

static void hex(const char *h, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void assert_hex(const uint8_t *got, const char *want)
{
	size_t n = strlen(want) / 2;
	uint8_t w[256];

	hex(want, w, n);
	assert_memory_equal(got, w, n);
}

/* The test-only master keys: MKi byte j = i << 4 | j. */
static void mk(int i, uint8_t out[16])
{
	for (int j = 0; j < 16; j++)
		out[j] = (uint8_t)(i << 4 | j);
}

static void card_key(int i, uint8_t out[16])
{
	uint8_t m[16];

	mk(i, m);
	assert_int_equal(card_diversify(m, serial, out), 0);
}

static void test_diversification_and_kcv(void **state)
{
	static const char *const want[6][2] = {
		{"D65DE8749D5E65A851031F8898739936", "B76191"},
		{"2FAB48DA7D711E655375D93D24C8A557", "89C18B"},
		{"2055D92C07E77FBA9E57289CDBFD56E2", "5E348E"},
		{"CB0B40359424D85097B3271AC2D796C8", "FB9EAE"},
		{"D7446C3298B62F691881113915ADF943", "D42F83"},
		{"29CDE9BC0EBEEB08BFD877B4F7D73F2B", "4CAD48"},
	};
	uint8_t k[16], kcv[3];

	(void)state;
	for (int i = 0; i < 6; i++) {
		card_key(i, k);
		assert_hex(k, want[i][0]);
		assert_int_equal(card_kcv(k, kcv), 0);
		assert_hex(kcv, want[i][1]);
	}
}

static void test_authentication_cryptograms(void **state)
{
	uint8_t k[16], in[16], out[16], sk[16];

	(void)state;
	card_key(1, k);
	memcpy(in, rd, 8);
	memcpy(in + 8, serial, 8);
	assert_int_equal(card_aes(k, in, out), 0);
	assert_hex(out, "8760FB08688B949C88F404A85B147D70");
	memcpy(in, rc8, 8);
	memcpy(in + 8, rd, 8);
	card_key(2, k);
	assert_int_equal(card_aes(k, in, out), 0);
	assert_hex(out, "E5E611A8B0BD77D1261E902AA7FBE434");
	card_key(3, k);
	assert_int_equal(card_aes(k, in, out), 0);
	assert_hex(out, "2F37BEECCBA137B0A540434336FDA3D3");
	card_key(4, k);
	assert_int_equal(card_session_key(k, rd, rc8, 0x02, sk), 0);
	assert_hex(sk, "95004CC658E8F7EB7CE8ADDCB7F425A4");
}

static void test_secure_messaging_macs(void **state)
{
	uint8_t sk[16], mac[8];
	const uint8_t hdr1[5] = {0x04, 0xD6, 0x81, 0x00, 0x0C}, d1[4] = {1, 2, 3, 4};
	const uint8_t hdr2[5] = {0x04, 0xB0, 0x85, 0x00, 0x0C}, d2[4] = {0x68, 0x11, 0x00, 0x5A};

	(void)state;
	hex("95004CC658E8F7EB7CE8ADDCB7F425A4", sk, 16);
	assert_int_equal(card_sm_mac(sk, 0x01, 1, hdr1, d1, 4, mac), 0);
	assert_hex(mac, "1D1A87DD2E83184E");
	assert_int_equal(card_sm_mac(sk, 0x02, 2, hdr2, d2, 4, mac), 0);
	assert_hex(mac, "3A1158C2D5033848");
	/* a replay one SSC later does not verify */
	assert_int_equal(card_sm_mac(sk, 0x01, 2, hdr1, d1, 4, mac), 0);
	assert_true(card_memneq(mac, (const uint8_t *)"\x1D\x1A\x87\xDD\x2E\x83\x18\x4E", 8));
}

static void test_transport_and_personalise(void **state)
{
	uint8_t k0[16], k1[16], in[16] = {0}, out[16], skt[16], zero[8] = {0};

	(void)state;
	card_key(0, k0);
	memcpy(in, rc8, 8);
	assert_int_equal(card_aes(k0, in, out), 0);
	assert_hex(out, "48E8F8FD64A95F4F52F8E602F2CEF519");
	assert_int_equal(card_session_key(k0, zero, rc8, 0x00, skt), 0);
	assert_hex(skt, "3DA3D3506319DD56F17318AFC70A9944");
	memset(in, 0, 16);
	in[0] = 0x01;
	assert_int_equal(card_aes(skt, in, out), 0);
	card_key(1, k1);
	for (int i = 0; i < 16; i++)
		out[i] ^= k1[i];
	assert_hex(out, "FB6426C84A5F722E794ED3DFD4FA5AE7");
}

static void test_purchase_and_return_records(void **state)
{
	struct card_purchase p = {.seq = 1, .unit = 1, .amount = 10000, .cumulative = 10000,
				  .time = 1767225600, .terminal = 7};
	uint8_t body[54], frame[64], k5[16], zero[82] = {0}, mac[8];
	const uint8_t *b;
	uint8_t cmd;

	(void)state;
	card_key(5, k5);
	card_purchase_body(&p, body);
	assert_int_equal(card_rec_mac(k5, 'P', serial, body, 46, NULL, 0, body + 46), 0);
	assert_int_equal(card_frame(0x02, body, 54, frame, 64), 60);
	assert_hex(frame, "6802003600000001010000271000000000000027100000000000000000"
			  "000000000000000000000000006955B9000000000754B0428CC4616039B616");
	assert_int_equal(card_unframe(frame, 64, &cmd, &b), 54);
	assert_int_equal(cmd, 0x02);
	frame[10] ^= 1;
	assert_int_equal(card_unframe(frame, 64, &cmd, &b), -SD_CARD_FORMAT);
	assert_int_equal(card_rec_mac(k5, 'R', serial, zero, 82, NULL, 0, mac), 0);
	assert_hex(mac, "CEFEB0AE4F6EBD2D");
}

static void test_bcd_round_trip(void **state)
{
	uint8_t b[6];
	char out[13];

	(void)state;
	assert_int_equal(card_bcd6("123456789012", b), 0);
	assert_hex(b, "123456789012");
	card_unbcd6(b, out);
	assert_string_equal(out, "123456789012");
	assert_int_equal(card_bcd6("42", b), 0);
	assert_hex(b, "000000000042");
	card_unbcd6(b, out);
	assert_string_equal(out, "42");
	assert_int_equal(card_bcd6("1234567890123", b), -SD_INVAL);
	assert_int_equal(card_bcd6("12a", b), -SD_INVAL);
}

static void test_return_record_round_trip(void **state)
{
	struct card_return t = {.meter = "202400000001", .account = "42", .count = 7, .unit = 1,
				.remaining = 1234, .overdraft = 56, .cumulative = 1ull << 40,
				.energy = 987654321, .tou = {1, 2, 3, 4}, .status = 0x0811,
				.result = CARD_RESULT_CANCELLED, .illegal = 3, .time = 1767225600};
	struct card_return back;
	uint8_t body[82];

	(void)state;
	assert_int_equal(card_return_body(&t, body), 0);
	assert_hex(body, "202400000001000000000042");
	assert_int_equal(body[75], 0x02);
	card_return_decode(body, &back);
	assert_string_equal(back.meter, t.meter);
	assert_string_equal(back.account, t.account);
	assert_int_equal(back.count, t.count);
	assert_int_equal(back.unit, t.unit);
	assert_int_equal(back.remaining, t.remaining);
	assert_int_equal(back.overdraft, t.overdraft);
	assert_int_equal(back.cumulative, t.cumulative);
	assert_int_equal(back.energy, t.energy);
	for (int i = 0; i < 4; i++)
		assert_int_equal(back.tou[i], t.tou[i]);
	assert_int_equal(back.status, t.status);
	assert_int_equal(back.result, t.result);
	assert_int_equal(back.illegal, t.illegal);
	assert_int_equal(back.time, t.time);
	snprintf(t.account, sizeof(t.account), "12x");
	assert_int_equal(card_return_body(&t, body), -SD_INVAL);
}

static void test_purchase_cancelled_needs_desk_record_one_below(void **state)
{
	struct card_state st;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.has_purchase = 1;
	st.last.seq = 5;
	assert_false(card_purchase_cancelled(&st, 5)); /* EF05 empty: not cancelled */
	st.returned = 1;
	st.ret.result = CARD_RESULT_CANCELLED;
	st.ret.count = 4;
	assert_true(card_purchase_cancelled(&st, 5));
	assert_false(card_purchase_cancelled(&st, 4)); /* the card holds 5, not 4 */
	st.ret.result = 0x35;                          /* a meter's record, not the desk's */
	assert_false(card_purchase_cancelled(&st, 5));
	st.ret.result = CARD_RESULT_CANCELLED;
	st.ret.count = 5;                              /* a count that says credited */
	assert_false(card_purchase_cancelled(&st, 5));
	st.last.seq = 0;
	st.ret.count = 0;
	assert_false(card_purchase_cancelled(&st, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diversification_and_kcv),
		cmocka_unit_test(test_authentication_cryptograms),
		cmocka_unit_test(test_secure_messaging_macs),
		cmocka_unit_test(test_transport_and_personalise),
		cmocka_unit_test(test_purchase_and_return_records),
		cmocka_unit_test(test_bcd_round_trip),
		cmocka_unit_test(test_return_record_round_trip),
		cmocka_unit_test(test_purchase_cancelled_needs_desk_record_one_below),
	};
	return cmocka_run_group_tests_name("card_crypto", tests, NULL, NULL);
}
