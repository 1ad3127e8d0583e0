/* rtu: Modbus RTU framing: CRC-16 and a receive buffer that finds frame
 * ends by length (for the function codes the map knows) or by line
 * silence (t3.5) for everything else. No I/O. */
#ifndef METERSIM_RTU_H
#define METERSIM_RTU_H

#include <stddef.h>
#include <stdint.h>

#define RTU_MAX 256 /* largest RTU frame */

struct rtu_rx {
	uint8_t buf[RTU_MAX];
	size_t len;
	int overrun; /* more than RTU_MAX bytes without silence */
};

/* Returns the Modbus CRC-16 of p[0..n). On the wire: low byte first. */
uint16_t rtu_crc16(const uint8_t *p, size_t n);

/* Appends n received bytes. Bytes past RTU_MAX set overrun and are
 * dropped: the frame is discarded at the next silence. */
void rtu_rx_feed(struct rtu_rx *rx, const uint8_t *p, size_t n);

/* Returns the length of a complete frame at the start of the buffer
 * whose CRC checks, found by its function code's length; 0 if none yet
 * (wait for more bytes or for silence). */
size_t rtu_rx_frame(const struct rtu_rx *rx);

/* Removes the first n bytes of the buffer. */
void rtu_rx_consume(struct rtu_rx *rx, size_t n);

/* Returns 1 if frame f[0..n) ends in a correct CRC. */
int rtu_crc_ok(const uint8_t *f, size_t n);

/* Appends the CRC to f[0..n); returns n + 2. f needs room. */
size_t rtu_seal(uint8_t *f, size_t n);

#endif
