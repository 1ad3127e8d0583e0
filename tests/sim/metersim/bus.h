/* bus: one simulated RS485 line, either a pseudo-terminal the desk opens
 * as its serial device (RTU) or a loopback Modbus TCP gateway in front of
 * the line. Each bus runs in its own thread. */
#ifndef METERSIM_BUS_H
#define METERSIM_BUS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "meter.h"
#include "rtu.h"

#define BUS_UNITS 248     /* unit ids 0..247; 0 is broadcast */
#define BUS_GW_CLIENTS 16 /* TCP connections a gateway accepts */

enum bus_kind { BUS_RTU, BUS_TCP };

struct bus_pace {
	int on;
	unsigned baud;  /* bits per second */
	unsigned bits;  /* per character: 10 (8N1) or 11 (8E1, 8N2) */
	unsigned ta_us; /* meter turnaround: end of request to reply */
};

struct bus_stats {
	uint64_t frames, crc_errors, replies, exceptions, silent, broadcasts,
		overruns, unknown_unit, faults;
};

struct gw_client {
	int fd;
	uint8_t buf[512];
	size_t len;
};

struct bus {
	unsigned no;
	int kind;
	struct meter *units[BUS_UNITS];
	struct bus_pace pace;
	struct bus_stats st;
	uint64_t rng;
	uint64_t line_free_us;

	/* RTU */
	int mfd, sfd;
	char path[128];
	char link[256];
	struct rtu_rx rx;

	/* TCP */
	int lfd;
	char host[64];
	unsigned port;
	struct gw_client cl[BUS_GW_CLIENTS];

	/* Unplug (RTU: the pty disappears) or take the gateway down (TCP:
	 * listener and connections closed) on request of the control
	 * thread; the bus thread carries it out and reports in is_down. */
	atomic_int want_down, is_down;

	pthread_t thread;
	int started;
};

/* Initialises b as bus number no of kind (defaults: 9600 baud, 10 bits,
 * no pacing, 127.0.0.1, port 0 = any). */
void bus_init(struct bus *b, unsigned no, int kind);

/* Opens the pty or the listening socket; 0 or -1 with errno set. */
int bus_open(struct bus *b);

/* Starts the bus thread; 0 or -1. */
int bus_start(struct bus *b);

/* Asks every bus thread to stop (async-signal-safe). */
void bus_request_stop(void);

/* Asks b's thread to unplug (down = 1) or plug back in (down = 0) and
 * waits up to 2 s for it; 0, or -1 if the thread did not follow. After
 * a plug, b->path (RTU: a new pty) or b->port (TCP: the same port) is
 * valid. Call without holding sim_lock. */
int bus_set_down(struct bus *b, int down);

/* Joins b's thread and closes its descriptors. Does not free meters. */
void bus_close(struct bus *b);

/* Pure dispatch, for the bus thread and the fuzzer: handles one complete
 * RTU frame f[0..n) (CRC included) at simulator time now_sim. Writes the
 * reply frame into out (RTU_MAX bytes) and returns its length, or 0 for
 * no reply; *delay_ms gets the slow-fault delay. Caller holds sim_lock. */
size_t bus_dispatch_rtu(struct bus *b, int64_t now_sim, const uint8_t *f,
			size_t n, uint8_t *out, unsigned *delay_ms);

/* Same for one Modbus TCP ADU (MBAP header included, already checked for
 * length). out needs 7 + PDU_MAX bytes. */
size_t bus_dispatch_tcp(struct bus *b, int64_t now_sim, const uint8_t *adu,
			size_t n, uint8_t *out, unsigned *delay_ms);

/* Wire time of n characters on this bus in microseconds. */
uint64_t bus_char_us(const struct bus_pace *p, size_t n);

/* The t3.5 silence of this bus in microseconds (1750 above 19200). */
uint64_t bus_t35_us(const struct bus_pace *p);

#endif
