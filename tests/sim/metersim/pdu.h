/* pdu: the Modbus application layer of one meter: function codes 03, 04,
 * 06 and 16 over the register map, exceptions for everything else. Shared
 * by the RTU and TCP transports; no I/O. */
#ifndef METERSIM_PDU_H
#define METERSIM_PDU_H

#include <stddef.h>
#include <stdint.h>

#include "meter.h"

#define PDU_MAX 253 /* largest PDU: 256-byte RTU frame less address and CRC */

/* Handles the request PDU req (function code first) for meter m at
 * simulator time now_sim and writes the response PDU into rsp (PDU_MAX
 * bytes). Returns the response length (a normal or exception response). */
size_t pdu_handle(struct meter *m, int64_t now_sim, const uint8_t *req,
		  size_t len, uint8_t *rsp);

/* Applies a broadcast request (address 0) to m: writes only, no response.
 * Returns 0 if applied, -1 if ignored. */
int pdu_broadcast(struct meter *m, int64_t now_sim, const uint8_t *req,
		  size_t len);

/* Writes the exception response for function fc with code into rsp;
 * returns its length (2). */
size_t pdu_exception(uint8_t fc, uint8_t code, uint8_t *rsp);

#endif
