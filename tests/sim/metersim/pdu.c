/* pdu: request checks in the order of the Modbus application protocol
 * (function, then quantity and length, then address, then value). */
#include "pdu.h"

#include "regmap.h"

#define MAX_READ 125  /* Modbus: FC03/FC04 quantity */
#define MAX_WRITE 123 /* Modbus: FC16 quantity */

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

size_t pdu_exception(uint8_t fc, uint8_t code, uint8_t *rsp)
{
	rsp[0] = (uint8_t)(fc | 0x80);
	rsp[1] = code;
	return 2;
}

static size_t do_read(struct meter *m, int64_t now_sim, const uint8_t *req,
		      size_t len, uint8_t *rsp)
{
	uint16_t regs[MAX_READ];
	unsigned addr, n, k;
	int exc;

	if (len != 5)
		return pdu_exception(req[0], EXC_ILLEGAL_VALUE, rsp);
	addr = get16(req + 1);
	n = get16(req + 3);
	if (n < 1 || n > MAX_READ)
		return pdu_exception(req[0], EXC_ILLEGAL_VALUE, rsp);
	exc = regmap_read(m, now_sim, addr, n, regs);
	if (exc)
		return pdu_exception(req[0], (uint8_t)exc, rsp);
	rsp[0] = req[0];
	rsp[1] = (uint8_t)(2 * n);
	for (k = 0; k < n; k++) {
		rsp[2 + 2 * k] = (uint8_t)(regs[k] >> 8);
		rsp[3 + 2 * k] = (uint8_t)regs[k];
	}
	return 2 + 2 * n;
}

/* Decodes FC06/FC16 into addr, n, vals; returns 0 or an exception code. */
static int decode_write(const uint8_t *req, size_t len, unsigned *addr,
			unsigned *n, uint16_t *vals)
{
	unsigned k;

	if (req[0] == 0x06) {
		if (len != 5)
			return EXC_ILLEGAL_VALUE;
		*addr = get16(req + 1);
		*n = 1;
		vals[0] = (uint16_t)get16(req + 3);
		return 0;
	}
	if (len < 6)
		return EXC_ILLEGAL_VALUE;
	*addr = get16(req + 1);
	*n = get16(req + 3);
	if (*n < 1 || *n > MAX_WRITE || req[5] != 2 * *n || len != 6 + 2 * *n)
		return EXC_ILLEGAL_VALUE;
	for (k = 0; k < *n; k++)
		vals[k] = (uint16_t)get16(req + 6 + 2 * k);
	return 0;
}

static size_t do_write(struct meter *m, int64_t now_sim, const uint8_t *req,
		       size_t len, uint8_t *rsp)
{
	uint16_t vals[MAX_WRITE];
	unsigned addr, n, k;
	int exc = decode_write(req, len, &addr, &n, vals);

	if (!exc)
		exc = regmap_write(m, now_sim, addr, n, vals);
	if (exc)
		return pdu_exception(req[0], (uint8_t)exc, rsp);
	/* FC06 echoes the request; FC16 returns address and quantity. */
	for (k = 0; k < 5; k++)
		rsp[k] = req[k];
	return 5;
}

size_t pdu_handle(struct meter *m, int64_t now_sim, const uint8_t *req,
		  size_t len, uint8_t *rsp)
{
	if (len < 1)
		return 0;
	meter_sync(m, now_sim);
	switch (req[0]) {
	case 0x03:
	case 0x04:
		return do_read(m, now_sim, req, len, rsp);
	case 0x06:
	case 0x10:
		return do_write(m, now_sim, req, len, rsp);
	default:
		return pdu_exception(req[0], EXC_ILLEGAL_FUNCTION, rsp);
	}
}

int pdu_broadcast(struct meter *m, int64_t now_sim, const uint8_t *req,
		  size_t len)
{
	uint16_t vals[MAX_WRITE];
	unsigned addr, n;

	if (len < 1 || (req[0] != 0x06 && req[0] != 0x10))
		return -1;
	if (decode_write(req, len, &addr, &n, vals))
		return -1;
	meter_sync(m, now_sim);
	return regmap_write(m, now_sim, addr, n, vals) ? -1 : 0;
}
