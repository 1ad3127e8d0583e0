/* libFuzzer target for metersim's request path: the RTU framer (length
 * and silence framing, CRC), the TCP ADU path, the PDU decoder and the
 * register map, on fresh meters every run. First byte: bit 0 picks RTU (0)
 * or TCP (1), bits 1-4 move the clock so writes meet integrated meters;
 * second byte: chunk size in which the bytes "arrive".
 * Build: see tests/fuzz/metersim/README.md. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bus.h"
#include "meter.h"
#include "pdu.h"
#include "rtu.h"

#define T0 1796083140 /* 2026-11-30 23:59:00: a freeze is a few steps away */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct bus b;
static struct meter meters[4];

static void setup(void)
{
	int k;

	bus_init(&b, 1, BUS_RTU);
	for (k = 0; k < 4; k++) {
		meter_init(&meters[k], 1, (unsigned)k + 1, k == 3 ? 3 : 1, 1, T0);
		b.units[k + 1] = &meters[k];
	}
	meters[1].fault = FAULT_CRC;
	meters[1].fault_arg = 50;
	meters[2].fault = FAULT_GARBAGE;
}

static void rtu(const uint8_t *p, size_t n, size_t chunk, int64_t now)
{
	uint8_t out[RTU_MAX];
	unsigned delay;
	size_t fl, take;

	memset(&b.rx, 0, sizeof(b.rx));
	while (n > 0) {
		take = n < chunk ? n : chunk;
		rtu_rx_feed(&b.rx, p, take);
		p += take;
		n -= take;
		while ((fl = rtu_rx_frame(&b.rx)) > 0) {
			bus_dispatch_rtu(&b, now, b.rx.buf, fl, out, &delay);
			rtu_rx_consume(&b.rx, fl);
		}
	}
	/* Silence: what is left is one frame, unless it overran. */
	if (b.rx.len && !b.rx.overrun)
		bus_dispatch_rtu(&b, now, b.rx.buf, b.rx.len, out, &delay);
	rtu_rx_consume(&b.rx, b.rx.len);
}

static void tcp(const uint8_t *p, size_t n, int64_t now)
{
	uint8_t out[7 + PDU_MAX];
	unsigned delay;

	/* The same header checks as the gateway thread. */
	while (n >= 7) {
		size_t len = (size_t)p[4] << 8 | p[5];

		if (p[2] || p[3] || len < 2 || len > 1 + PDU_MAX || n < 6 + len)
			return;
		bus_dispatch_tcp(&b, now, p, 6 + len, out, &delay);
		p += 6 + len;
		n -= 6 + len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t now;

	if (size < 2)
		return 0;
	setup();
	now = T0 + (int64_t)((data[0] >> 1) & 15) * 600;
	if (data[0] & 1)
		tcp(data + 2, size - 2, now);
	else
		rtu(data + 2, size - 2, (size_t)data[1] % 64 + 1, now);
	return 0;
}
