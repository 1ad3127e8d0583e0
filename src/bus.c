/* bus: libmodbus 3.1.6 behind a small API. Error recovery stays NONE (the
 * library's recovery sleeps a whole timeout, twice for a dead slave); we
 * do our own: after a failed exchange wait out the timeout once and
 * flush, so a late reply cannot answer the next request. */
#include "bus.h"

#include <errno.h>
#include <modbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "log.h"

struct bus {
	modbus_t *ctx;
	int tcp;
	int64_t char_us;
	char what[300];   /* "rtu /dev/ttyUSB0" or "tcp 10.0.0.5:502", for messages */
};

/* Byte timeout: the longest silence inside a reply. A USB adapter holds a
 * partial buffer up to its latency timer (16 ms by default), and a
 * gateway may split a TCP segment; 50 ms covers both. */
#define BUS_BYTE_TIMEOUT_US 50000

int64_t bus_wire_us(int64_t char_us, int req, int rsp)
{
	int64_t gap = char_us * 7 / 2;

	if (char_us && char_us < 521) /* above 19200 baud: t3.5 is fixed */
		gap = 1750;
	return (int64_t)(req + rsp) * char_us + 2 * gap;
}

int64_t bus_char_us(const struct bus *b)
{
	return b ? b->char_us : 0;
}

int bus_open(const struct bus_params *p, struct bus **out)
{
	struct bus *b = calloc(1, sizeof(*b));
	int rc = 0;

	*out = NULL;
	if (!b)
		return err_set(-SD_NOMEM, "opening a bus");
	b->tcp = p->tcp;
	if (p->tcp) {
		snprintf(b->what, sizeof(b->what), "gateway %s:%d", p->host, p->port);
		b->ctx = modbus_new_tcp(p->host, p->port);
	} else {
		int bits = 1 + 8 + (p->parity != 'N') + p->stop_bits;

		snprintf(b->what, sizeof(b->what), "serial line %s", p->device);
		b->char_us = p->baud > 0 ? (int64_t)bits * 1000000 / p->baud : 0;
		b->ctx = modbus_new_rtu(p->device, p->baud, p->parity, 8, p->stop_bits);
	}
	if (!b->ctx) {
		rc = err_set(-SD_BUS_IO, "%s: %s", b->what, modbus_strerror(errno));
		goto out;
	}
	modbus_set_error_recovery(b->ctx, MODBUS_ERROR_RECOVERY_NONE);
	modbus_set_byte_timeout(b->ctx, 0, BUS_BYTE_TIMEOUT_US);
	if (modbus_connect(b->ctx) == -1) {
		rc = err_set(-SD_BUS_IO, "%s: %s", b->what, modbus_strerror(errno));
		goto out;
	}
	if (!p->tcp && p->rs485 && modbus_rtu_set_serial_mode(b->ctx, MODBUS_RTU_RS485) == -1) {
		/* A pty or a USB adapter with automatic direction control has
		 * no kernel RS485 mode; the line works without it. */
		if (errno == ENOTTY || errno == EINVAL)
			log_info("%s: no kernel RS485 mode (%s); relying on the adapter",
				 b->what, strerror(errno));
		else
			log_warn("%s: RS485 mode: %s", b->what, modbus_strerror(errno));
	}
	modbus_flush(b->ctx);
out:
	if (rc) {
		bus_close(b);
		return rc;
	}
	*out = b;
	return 0;
}

void bus_close(struct bus *b)
{
	if (!b)
		return;
	if (b->ctx) {
		modbus_close(b->ctx);
		modbus_free(b->ctx);
	}
	free(b);
}

static void set_timeout(struct bus *b, int64_t us)
{
	if (us < 1000)
		us = 1000;
	modbus_set_response_timeout(b->ctx, (uint32_t)(us / 1000000), (uint32_t)(us % 1000000));
}

static void sleep_us(int64_t us)
{
	struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Translates the errno of a failed libmodbus call, and cleans the line
 * for the next request. */
static int fail(struct bus *b, int unit, const char *op, int64_t timeout_us, int *exc)
{
	int e = errno, rc;

	if (e >= EMBXILFUN && e <= EMBXGTAR && e != EMBXGPATH && e != EMBXGTAR) {
		/* A proper reply: nothing is left on the line. */
		if (exc)
			*exc = e - MODBUS_ENOBASE;
		return err_set(-SD_BUS_EXCEPTION, "unit %d %s: exception %d (%s)", unit, op,
			       e - MODBUS_ENOBASE, modbus_strerror(e));
	}
	if (e == ETIMEDOUT || e == EMBXGTAR || e == EMBXGPATH)
		rc = -SD_BUS_TIMEOUT;
	else if (e == EMBBADCRC)
		rc = -SD_BUS_CRC;
	else if (e == EMBBADDATA || e == EMBBADSLAVE || e == EMBMDATA || e == EMBBADEXC ||
		 e == EMBUNKEXC)
		rc = -SD_BUS_FRAME;
	else if (e == ECONNRESET && !b->tcp)
		/* libmodbus reports a read of 0 bytes as ECONNRESET; on a
		 * serial line (or pty) that is an empty read, not a hang-up:
		 * an unplugged device fails with EIO instead. */
		rc = -SD_BUS_FRAME;
	else
		rc = -SD_BUS_IO;
	if (rc != -SD_BUS_IO) {
		/* The rest of a damaged reply, or a late one, may still come:
		 * let it arrive and throw it away. A gateway's "target failed"
		 * is a whole reply, so only the RTU line needs the wait. */
		if (e != EMBXGTAR && e != EMBXGPATH)
			sleep_us(timeout_us);
		modbus_flush(b->ctx);
	}
	return err_set(rc, "unit %d %s on %s: %s", unit, op, b->what, modbus_strerror(e));
}

int bus_read(struct bus *b, int unit, int addr, int n, uint16_t *regs, int64_t timeout_us,
	     int *exc)
{
	if (modbus_set_slave(b->ctx, unit) == -1)
		return err_set(-SD_INVAL, "unit id %d is out of range", unit);
	set_timeout(b, timeout_us);
	if (modbus_read_registers(b->ctx, addr, n, regs) != n)
		return fail(b, unit, "read", timeout_us, exc);
	return 0;
}

int bus_write(struct bus *b, int unit, int addr, int n, const uint16_t *regs,
	      int64_t timeout_us, int *exc)
{
	int rc;

	if (modbus_set_slave(b->ctx, unit) == -1)
		return err_set(-SD_INVAL, "unit id %d is out of range", unit);
	set_timeout(b, timeout_us);
	if (n == 1)
		rc = modbus_write_register(b->ctx, addr, regs[0]) == 1 ? 0 : -1;
	else
		rc = modbus_write_registers(b->ctx, addr, n, regs) == n ? 0 : -1;
	if (rc)
		return fail(b, unit, "write", timeout_us, exc);
	return 0;
}
