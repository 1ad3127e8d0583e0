/* dispatch: the pure half of a bus: set-up, wire-time arithmetic, and
 * from a checked frame to a reply frame with the meter's fault applied.
 * Timing and I/O are bus.c's business, so the fuzzer can drive this. */
#include "bus.h"

#include <stdio.h>
#include <string.h>

#include "pdu.h"
#include "regmap.h"

void bus_init(struct bus *b, unsigned no, int kind)
{
	int k;

	memset(b, 0, sizeof(*b));
	b->no = no;
	b->kind = kind;
	b->pace.baud = 9600;
	b->pace.bits = 10;
	b->mfd = b->sfd = b->lfd = -1;
	snprintf(b->host, sizeof(b->host), "127.0.0.1");
	for (k = 0; k < BUS_GW_CLIENTS; k++)
		b->cl[k].fd = -1;
	b->rng = 0x9E3779B97F4A7C15ull ^ no;
}

uint64_t bus_char_us(const struct bus_pace *p, size_t n)
{
	return (uint64_t)n * p->bits * 1000000u / (p->baud ? p->baud : 9600);
}

uint64_t bus_t35_us(const struct bus_pace *p)
{
	if (p->baud > 19200)
		return 1750;
	return (uint64_t)35 * p->bits * 1000000u /
	       (10u * (p->baud ? p->baud : 9600));
}

static uint64_t bus_rand(struct bus *b)
{
	uint64_t x = b->rng ? b->rng : 0x2545F4914F6CDD1Dull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	b->rng = x;
	return x * UINT64_C(2685821657736338717);
}

static size_t garbage(struct bus *b, uint8_t *out)
{
	size_t n = 3 + bus_rand(b) % 20, k;

	for (k = 0; k < n; k++)
		out[k] = (uint8_t)bus_rand(b);
	return n;
}

/* Runs the PDU for meter m, or the injected exception; 0 if silent. */
static size_t meter_pdu(struct bus *b, struct meter *m, int64_t now_sim,
			const uint8_t *req, size_t len, uint8_t *rsp,
			unsigned *delay_ms)
{
	size_t r;

	*delay_ms = 0;
	if (m->fault == FAULT_SILENT) {
		b->st.silent++;
		return 0;
	}
	if (m->fault == FAULT_EXCEPTION) {
		b->st.faults++;
		return pdu_exception(req[0], (uint8_t)m->fault_arg, rsp);
	}
	r = pdu_handle(m, now_sim, req, len, rsp);
	if (m->fault == FAULT_SLOW)
		*delay_ms = (unsigned)m->fault_arg;
	return r;
}

static void broadcast(struct bus *b, int64_t now_sim, const uint8_t *pdu,
		      size_t len)
{
	unsigned id;

	b->st.broadcasts++;
	for (id = 1; id < BUS_UNITS; id++)
		if (b->units[id] && b->units[id]->fault != FAULT_SILENT)
			pdu_broadcast(b->units[id], now_sim, pdu, len);
}

size_t bus_dispatch_rtu(struct bus *b, int64_t now_sim, const uint8_t *f,
			size_t n, uint8_t *out, unsigned *delay_ms)
{
	struct meter *m;
	size_t r;

	*delay_ms = 0;
	b->st.frames++;
	if (!rtu_crc_ok(f, n)) {
		b->st.crc_errors++;
		return 0; /* a real slave drops a frame that fails its CRC */
	}
	if (f[0] == 0) {
		broadcast(b, now_sim, f + 1, n - 3);
		return 0;
	}
	m = f[0] < BUS_UNITS ? b->units[f[0]] : NULL;
	if (!m) {
		b->st.unknown_unit++;
		return 0;
	}
	r = meter_pdu(b, m, now_sim, f + 1, n - 3, out + 1, delay_ms);
	if (r == 0)
		return 0;
	if (m->fault == FAULT_GARBAGE) {
		b->st.faults++;
		return garbage(b, out);
	}
	if (out[1] & 0x80)
		b->st.exceptions++;
	out[0] = f[0];
	r = rtu_seal(out, r + 1);
	if (m->fault == FAULT_CRC && bus_rand(b) % 100 < (unsigned)m->fault_arg) {
		b->st.faults++;
		out[r - 1] ^= 0x5A;
	}
	b->st.replies++;
	return r;
}

size_t bus_dispatch_tcp(struct bus *b, int64_t now_sim, const uint8_t *adu,
			size_t n, uint8_t *out, unsigned *delay_ms)
{
	struct meter *m;
	size_t r;
	uint8_t uid = adu[6];

	*delay_ms = 0;
	b->st.frames++;
	if (n < 8)
		return 0;
	m = uid < BUS_UNITS ? b->units[uid] : NULL;
	if (!m) {
		/* The gateway has no such device on its line. */
		b->st.unknown_unit++;
		r = pdu_exception(adu[7], EXC_GW_TARGET, out + 7);
	} else {
		r = meter_pdu(b, m, now_sim, adu + 7, n - 7, out + 7, delay_ms);
		if (r == 0)
			return 0;
		if (m->fault == FAULT_GARBAGE) {
			b->st.faults++;
			return garbage(b, out);
		}
		if (m->fault == FAULT_CRC &&
		    bus_rand(b) % 100 < (unsigned)m->fault_arg) {
			/* The serial reply failed the gateway's CRC check. */
			b->st.faults++;
			r = pdu_exception(adu[7], EXC_GW_TARGET, out + 7);
		}
	}
	if (out[7] & 0x80)
		b->st.exceptions++;
	memcpy(out, adu, 4); /* transaction and protocol id */
	out[4] = (uint8_t)((r + 1) >> 8);
	out[5] = (uint8_t)(r + 1);
	out[6] = uid;
	b->st.replies++;
	return r + 7;
}
