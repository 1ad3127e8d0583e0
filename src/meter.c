/* meter: register map decoding and command encoding. */
#include "meter.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

static uint32_t u32(const uint16_t *r)
{
	return (uint32_t)r[0] << 16 | r[1];
}

static int32_t i32(const uint16_t *r)
{
	return (int32_t)u32(r);
}

int meter_live_regs(int phases)
{
	return phases == 3 ? METER_LIVE_3P : METER_LIVE_1P;
}

int meter_decode_live(const uint16_t *r, int n, int utc_offset_min, struct poll_reading *o)
{
	int64_t off = (int64_t)utc_offset_min * 60;

	if (n != METER_LIVE_1P && n != METER_LIVE_3P)
		return err_set(-SD_INVAL, "a live block has 50 or 68 registers, not %d", n);
	memset(o, 0, sizeof(*o));
	/* Energy registers count 0.01 kWh = 10 Wh. */
	o->energy_wh = (int64_t)u32(r + 0x00) * 10;
	o->sharp_wh = (int64_t)u32(r + 0x02) * 10;
	o->peak_wh = (int64_t)u32(r + 0x04) * 10;
	o->flat_wh = (int64_t)u32(r + 0x06) * 10;
	o->valley_wh = (int64_t)u32(r + 0x08) * 10;
	o->voltage_dv = r[0x0B];
	o->current_ca = r[0x0C];
	o->power_w = i32(r + 0x12);
	o->reactive_var = i32(r + 0x14);
	o->apparent_va = u32(r + 0x16);
	o->pf_milli = (int16_t)r[0x18];
	o->freq_chz = r[0x11];
	o->relay = r[0x19];
	o->relay_reason = r[0x1A];
	o->keep_power = r[0x1B];
	o->alarm_level = r[0x1C];
	o->flags = r[0x1D];
	o->balance_fen = i32(r + 0x1E);
	o->energy_left_wh = (int64_t)i32(r + 0x20) * 10;
	o->purchased_fen = u32(r + 0x22);
	o->purchase_count = u32(r + 0x24);
	o->md_w = u32(r + 0x26);
	o->md_at = u32(r + 0x28) ? (int64_t)u32(r + 0x28) - off : 0;
	o->meter_clock = (int64_t)u32(r + 0x2A) - off;
	o->price = u32(r + 0x2C);
	o->rate = r[0x2E];
	o->freeze_seq = r[0x2F];
	o->month_wh = (int64_t)u32(r + 0x30) * 10;
	if (n == METER_LIVE_3P) {
		o->u_b_dv = r[0x33];
		o->u_c_dv = r[0x34];
	}
	return 0;
}

int meter_decode_freeze(const uint16_t *r, int utc_offset_min, struct freeze_rec *o)
{
	if (u32(r) == 0)
		return -SD_NOT_FOUND;
	o->freeze_at = (int64_t)u32(r) - (int64_t)utc_offset_min * 60;
	o->energy_wh = (int64_t)u32(r + 2) * 10;
	o->sharp_wh = (int64_t)u32(r + 4) * 10;
	o->peak_wh = (int64_t)u32(r + 6) * 10;
	o->flat_wh = (int64_t)u32(r + 8) * 10;
	o->valley_wh = (int64_t)u32(r + 10) * 10;
	o->md_w = u32(r + 12);
	o->balance_fen = i32(r + 14);
	return 0;
}

int meter_recharge_mac(const unsigned char key[16], const char *meter_no, uint32_t seq,
		       uint32_t amount, unsigned char mac[8])
{
	unsigned char m[24], full[32];
	unsigned int len = sizeof(full);
	int i;

	if (strlen(meter_no) != 12)
		return err_set(-SD_INVAL, "meter number %s is not 12 digits", meter_no);
	memcpy(m, "SDRC", 4);
	memcpy(m + 4, meter_no, 12);
	for (i = 0; i < 4; i++) {
		m[16 + i] = (unsigned char)(seq >> (24 - 8 * i));
		m[20 + i] = (unsigned char)(amount >> (24 - 8 * i));
	}
	if (!HMAC(EVP_sha256(), key, 16, m, sizeof(m), full, &len) || len != 32)
		return err_set(-SD_CRYPTO, "HMAC-SHA256 for the recharge MAC failed");
	memcpy(mac, full, 8);
	memset(full, 0, sizeof(full));
	return 0;
}

void meter_recharge_regs(uint32_t seq, uint32_t amount, const unsigned char mac[8],
			 uint16_t regs[8])
{
	int i;

	regs[0] = (uint16_t)(seq >> 16);
	regs[1] = (uint16_t)seq;
	regs[2] = (uint16_t)(amount >> 16);
	regs[3] = (uint16_t)amount;
	for (i = 0; i < 4; i++)
		regs[4 + i] = (uint16_t)(mac[2 * i] << 8 | mac[2 * i + 1]);
}

int meter_relay_code(const char *kind)
{
	if (strcmp(kind, "relay_open") == 0)
		return 0x1A;
	if (strcmp(kind, "relay_close") == 0)
		return 0x1C;
	if (strcmp(kind, "keep_on") == 0)
		return 0x3A;
	if (strcmp(kind, "keep_off") == 0)
		return 0x3B;
	return 0;
}

/* Parses up to max comma-separated non-negative integers of args. */
static int parse_list(const char *args, int64_t *v, int max)
{
	const char *p = args;
	char *end;
	int n = 0;

	while (*p && n < max) {
		long long x = strtoll(p, &end, 10);

		if (end == p || x < 0)
			return -1;
		v[n++] = x;
		if (*end == 0)
			return n;
		if (*end != ',')
			return -1;
		p = end + 1;
	}
	return *p ? -1 : n;
}

static void put32(uint16_t *r, int64_t v)
{
	r[0] = (uint16_t)((uint64_t)v >> 16);
	r[1] = (uint16_t)v;
}

int meter_param_regs(const char *kind, const char *args, int64_t local_now, int *addr,
		     uint16_t *regs, int *n)
{
	int64_t v[16];
	int k, i;

	if (strcmp(kind, "clock_sync") == 0) {
		*addr = METER_CLOCK_ADDR;
		put32(regs, local_now);
		*n = 2;
		return 0;
	}
	k = parse_list(args, v, 16);
	if (strcmp(kind, "prices") == 0 && k == 4) {
		/* All four prices in one FC16, as the meter checks the set. */
		*addr = 0x010C;
		for (i = 0; i < 4; i++) {
			if (v[i] < 1 || v[i] > 1000000)
				goto bad;
			put32(regs + 2 * i, v[i]);
		}
		*n = 8;
		return 0;
	}
	if (strcmp(kind, "alarm_levels") == 0 && k == 3) {
		if (v[0] < v[1] || v[1] < v[2] || v[0] > 0x7fffffff)
			goto bad;
		*addr = 0x0100;
		for (i = 0; i < 3; i++)
			put32(regs + 2 * i, v[i]);
		*n = 6;
		return 0;
	}
	if (strcmp(kind, "credit_limit") == 0 && k == 1 && v[0] <= 0x7fffffff) {
		*addr = 0x0106;
		put32(regs, v[0]);
		*n = 2;
		return 0;
	}
	if (strcmp(kind, "tou") == 0 && k >= 2 && k <= 16 && k % 2 == 0) {
		/* args: start minute,rate pairs; the whole table in one FC16. */
		*addr = 0x0114;
		memset(regs, 0, 17 * sizeof(*regs));
		regs[0] = (uint16_t)(k / 2);
		for (i = 0; i < k; i += 2) {
			if (v[i] > 1439 || v[i + 1] < 1 || v[i + 1] > 4 || (i && v[i] <= v[i - 2]))
				goto bad;
			regs[1 + i] = (uint16_t)v[i];
			regs[2 + i] = (uint16_t)v[i + 1];
		}
		*n = 17;
		return 0;
	}
bad:
	return err_set(-SD_INVAL, "bad values \"%s\" for %s", args, kind);
}
