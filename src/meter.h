/* meter: the register map of docs/meter-map.md in code — which blocks a
 * poll reads, decoding them into desk units, the recharge MAC and the
 * register images of commands. Pure functions: no bus, no database. */
#ifndef SALEDESK_METER_H
#define SALEDESK_METER_H

#include <stddef.h>
#include <stdint.h>

#include "db_poll.h"

#define METER_LIVE_ADDR 0x0000
#define METER_LIVE_1P 50     /* registers of a single-phase live read */
#define METER_LIVE_3P 68     /* three-phase */
#define METER_PARAMS_ADDR 0x0100
#define METER_PARAMS_REGS 37
#define METER_INFO_ADDR 0x0200
#define METER_INFO_REGS 12
#define METER_RELAY_ADDR 0x0300
#define METER_RECHARGE_ADDR 0x0310
#define METER_RECHARGE_READ 11
#define METER_CLOCK_ADDR 0x0320
#define METER_FREEZE_ADDR 0x0400
#define METER_FREEZE_REGS 16 /* one record; the newest is first */
#define METER_FREEZES 12     /* records a meter keeps (docs/meter-map.md §3.7) */

/* Event flag bits of register 0x001D. */
enum meter_flag {
	METER_F_PHASE_LOSS = 1 << 0,
	METER_F_UNDER_VOLTAGE = 1 << 1,
	METER_F_OVER_VOLTAGE = 1 << 2,
	METER_F_POWER_LIMIT = 1 << 3,
	METER_F_MALIGNANT = 1 << 4,
	METER_F_RELAY_OPEN = 1 << 5,
	METER_F_ARREARS = 1 << 6,
	METER_F_KEEP_POWER = 1 << 7,
	METER_F_LOW_BALANCE = 1 << 8,
};

/* Registers of the live read for a meter of phases (1 or 3). */
int meter_live_regs(int phases);

/* Decodes a live block of n (50 or 68) registers; local times become UTC
 * with the site's utc_offset_min. Returns 0 or -SD_INVAL. */
int meter_decode_live(const uint16_t *regs, int n, int utc_offset_min, struct poll_reading *out);

/* Decodes one freeze record (16 registers); returns 0, or -SD_NOT_FOUND
 * for a record not yet written (all zeros). */
int meter_decode_freeze(const uint16_t *regs, int utc_offset_min, struct freeze_rec *out);

/* Decodes device info (METER_INFO_REGS registers at 0x0200). */
void meter_decode_info(const uint16_t *regs, struct meter_info *out);

/* Decodes the parameter block (METER_PARAMS_REGS registers at 0x0100). */
void meter_decode_params(const uint16_t *regs, struct meter_params *out);

/* The parameter commands whose values a meter keeps (docs/poll.md):
 * what the daily check compares. */
#define METER_PARAM_KINDS 4
extern const char *const meter_param_kinds[METER_PARAM_KINDS];

/* Applies parameter command kind with its canonical args (docs/poll.md)
 * to p, as the meter would hold them after the write. Returns 0 or
 * -SD_INVAL for args that do not fit kind. */
int meter_params_apply(struct meter_params *p, const char *kind, const char *args);

/* 1 when p holds what the parameter command kind with args wrote, 0 when
 * it differs, or -SD_INVAL. */
int meter_params_hold(const struct meter_params *p, const char *kind, const char *args);

/* Writes the values of kind in p as a person reads them ("0.9500/0.7800/
 * 0.5880/0.3200 yuan/kWh", "00:00=4 08:00=3") into buf. Returns 0 or
 * -SD_INVAL for a kind that is not a parameter. */
int meter_params_describe(const struct meter_params *p, const char *kind, char *buf, size_t len);

/* Computes the recharge MAC: the first 8 bytes of HMAC-SHA256(key,
 * "SDRC" || meter_no (12 digits) || seq || amount). Returns 0 or
 * -SD_CRYPTO / -SD_INVAL. */
int meter_recharge_mac(const unsigned char key[16], const char *meter_no, uint32_t seq,
		       uint32_t amount, unsigned char mac[8]);

/* Fills the 8 registers of a recharge write at 0x0310. */
void meter_recharge_regs(uint32_t seq, uint32_t amount, const unsigned char mac[8],
			 uint16_t regs[8]);

/* Relay code (0x1A...) of a relay command kind; 0 if kind is not one. */
int meter_relay_code(const char *kind);

/* Turns a parameter command (kind, canonical args) into a register write:
 * *addr, regs[] and *n (at most 32). Returns 0 or -SD_INVAL with a
 * detail. clock_sync takes the meter local time in local_now. */
int meter_param_regs(const char *kind, const char *args, int64_t local_now, int *addr,
		     uint16_t *regs, int *n);

#endif
