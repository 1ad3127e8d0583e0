/* regmap: the Modbus register map of docs/meter-map.md over one meter.
 * Registers are built from the meter model on every read; writes are
 * decoded, checked as a whole and applied atomically or not at all. */
#ifndef METERSIM_REGMAP_H
#define METERSIM_REGMAP_H

#include <stdint.h>

#include "meter.h"

/* Block starts and lengths (registers); the document is the authority. */
#define REG_LIVE 0x0000     /* routine block, read only */
#define REG_LIVE_N1 0x32    /* single-phase routine read: 50 registers */
#define REG_LIVE_N 0x44     /* three-phase routine read: 68 registers */
#define REG_PARAM 0x0100    /* parameters, R/W */
#define REG_PARAM_N 0x25
#define REG_INFO 0x0200     /* device information, read only */
#define REG_INFO_N 0x0C
#define REG_RELAY 0x0300    /* relay command, result */
#define REG_RELAY_N 2
#define REG_RECHARGE 0x0310 /* remote recharge */
#define REG_RECHARGE_N 0x0B
#define REG_RECHARGE_W 8    /* written as one FC16 of 8 registers */
#define REG_CLOCK 0x0320    /* meter clock, R/W (FC16 of 2) */
#define REG_CLOCK_N 2
#define REG_FREEZE 0x0400   /* 12 monthly freeze records, newest first */
#define REG_FREEZE_REC 16
#define REG_FREEZE_N (REG_FREEZE_REC * METER_FREEZES)

#define REG_MAP_VERSION 0x0100 /* 1.0 */
#define REG_FIRMWARE 0x0001

/* Modbus exception codes the map returns. */
enum regmap_exc {
	EXC_ILLEGAL_FUNCTION = 0x01,
	EXC_ILLEGAL_ADDRESS = 0x02,
	EXC_ILLEGAL_VALUE = 0x03,
	EXC_DEVICE_FAILURE = 0x04,
	EXC_GW_PATH = 0x0A,
	EXC_GW_TARGET = 0x0B,
};

/* Reads n registers from addr into out; 0 or an exception code. The meter
 * must have been synced to now_sim. */
int regmap_read(const struct meter *m, int64_t now_sim, unsigned addr,
		unsigned n, uint16_t *out);

/* Writes n registers at addr; 0 or an exception code (nothing changed). */
int regmap_write(struct meter *m, int64_t now_sim, unsigned addr,
		 unsigned n, const uint16_t *vals);

#endif
