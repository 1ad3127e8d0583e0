/* bus: the Modbus adapter, the only file that includes modbus.h. One
 * struct bus per serial line or TCP gateway; not thread-safe, so each bus
 * belongs to one thread. Errors come back as SD_BUS_* codes with the
 * libmodbus message in the detail. */
#ifndef SALEDESK_BUS_H
#define SALEDESK_BUS_H

#include <stdint.h>

struct bus_params {
	int tcp;               /* 0 RTU, 1 TCP gateway */
	const char *device;    /* RTU */
	int baud;
	char parity;           /* 'N', 'E', 'O' */
	int stop_bits;
	int rs485;             /* ask the kernel for RS485 mode */
	const char *host;      /* TCP */
	int port;
};

struct bus;

/* Opens the line or connects to the gateway. *out is the caller's:
 * bus_close() it. Returns 0 or -SD_BUS_IO with the reason. */
int bus_open(const struct bus_params *p, struct bus **out);

/* Closes b; NULL is fine. */
void bus_close(struct bus *b);

/* Reads n holding registers (FC03) from unit at addr into regs, waiting
 * at most timeout_us for the reply. Returns 0, -SD_BUS_TIMEOUT,
 * -SD_BUS_CRC, -SD_BUS_EXCEPTION (the code in *exc when exc is not NULL),
 * -SD_BUS_FRAME or -SD_BUS_IO (the line is gone: reopen it). After any
 * error but an exception it has waited out the timeout and flushed the
 * line, so a late reply cannot be taken for the next answer. */
int bus_read(struct bus *b, int unit, int addr, int n, uint16_t *regs, int64_t timeout_us,
	     int *exc);

/* Writes n registers (FC06 for one, else FC16) to unit; as bus_read. */
int bus_write(struct bus *b, int unit, int addr, int n, const uint16_t *regs,
	      int64_t timeout_us, int *exc);

/* Microseconds one character takes on the line (10 or 11 bits / baud);
 * 0 for a TCP gateway, whose serial side is unknown to us. */
int64_t bus_char_us(const struct bus *b);

/* The wire time in microseconds of a request of req bytes and its reply
 * of rsp bytes, with the 3.5-character gaps (see docs/meter-map.md §4). */
int64_t bus_wire_us(int64_t char_us, int req, int rsp);

#endif
