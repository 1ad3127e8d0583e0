/* rtu: a slave finds the end of a request by t3.5 silence; on a pty the
 * master writes a whole frame at once, so the length of the known function
 * codes ends most frames early and silence handles the rest. */
#include "rtu.h"

#include <string.h>

uint16_t rtu_crc16(const uint8_t *p, size_t n)
{
	uint16_t crc = 0xFFFF;
	size_t k;
	int b;

	for (k = 0; k < n; k++) {
		crc ^= p[k];
		for (b = 0; b < 8; b++)
			crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001)
					: (uint16_t)(crc >> 1);
	}
	return crc;
}

int rtu_crc_ok(const uint8_t *f, size_t n)
{
	uint16_t crc;

	if (n < 4)
		return 0;
	crc = rtu_crc16(f, n - 2);
	return f[n - 2] == (crc & 0xFF) && f[n - 1] == (crc >> 8);
}

size_t rtu_seal(uint8_t *f, size_t n)
{
	uint16_t crc = rtu_crc16(f, n);

	f[n] = (uint8_t)(crc & 0xFF);
	f[n + 1] = (uint8_t)(crc >> 8);
	return n + 2;
}

void rtu_rx_feed(struct rtu_rx *rx, const uint8_t *p, size_t n)
{
	size_t room = RTU_MAX - rx->len;

	if (n > room) {
		rx->overrun = 1;
		n = room;
	}
	memcpy(rx->buf + rx->len, p, n);
	rx->len += n;
}

/* Request length by function code, or 0 if it cannot be known yet. */
static size_t expected_len(const uint8_t *b, size_t len)
{
	if (len < 2)
		return 0;
	switch (b[1]) {
	case 0x03:
	case 0x04:
	case 0x06:
		return 8;
	case 0x10:
		return len < 7 ? 0 : (size_t)9 + b[6];
	default:
		return 0;
	}
}

size_t rtu_rx_frame(const struct rtu_rx *rx)
{
	size_t want;

	if (rx->overrun)
		return 0;
	want = expected_len(rx->buf, rx->len);
	if (want == 0 || want > RTU_MAX || rx->len < want)
		return 0;
	return rtu_crc_ok(rx->buf, want) ? want : 0;
}

void rtu_rx_consume(struct rtu_rx *rx, size_t n)
{
	if (n >= rx->len) {
		rx->len = 0;
		rx->overrun = 0;
		return;
	}
	memmove(rx->buf, rx->buf + n, rx->len - n);
	rx->len -= n;
}
