/* alarm: which alarm conditions a meter reading shows. Pure logic: the
 * poller raises the kinds that hold and clears those that ended. */
#ifndef SALEDESK_ALARM_H
#define SALEDESK_ALARM_H

#include <stdint.h>

#include "db_poll.h"

/* The meter alarms a reading decides, one bit each, in this order. */
#define ALARM_METER_LIST(X) \
	X(ARREARS,        "arrears") \
	X(LOW_BALANCE_1,  "low_balance_1") \
	X(LOW_BALANCE_2,  "low_balance_2") \
	X(LOW_BALANCE_3,  "low_balance_3") \
	X(PHASE_LOSS,     "phase_loss") \
	X(UNDER_VOLTAGE,  "under_voltage") \
	X(OVER_VOLTAGE,   "over_voltage") \
	X(RELAY_TRIPPED,  "relay_tripped") \
	X(POWER_LIMIT,    "power_limit") \
	X(MALIGNANT_LOAD, "malignant_load") \
	X(CLOCK_DRIFT,    "clock_drift")

enum alarm_kind {
#define ALARM_ENUM(name, text) ALARM_##name,
	ALARM_METER_LIST(ALARM_ENUM)
#undef ALARM_ENUM
	ALARM_METER_COUNT
};

/* Returns the events-table name of kind ("low_balance_2"); static. */
const char *alarm_name(enum alarm_kind kind);

/* Returns the set of alarms (1u << kind) that reading r shows at now
 * (UTC): flags and alarm level from the meter, clock drift when the
 * meter's clock is more than drift_s seconds off. */
unsigned alarm_conditions(const struct poll_reading *r, int64_t now, int drift_s);

/* The alarms that follow the balance: arrears and the three low-balance
 * levels. For a desk-billed meter the desk keeps the balance, so these
 * come from alarm_desk_balance() instead of the meter's registers. */
#define ALARM_BALANCE_MASK \
	(1u << ALARM_ARREARS | 1u << ALARM_LOW_BALANCE_1 | 1u << ALARM_LOW_BALANCE_2 | \
	 1u << ALARM_LOW_BALANCE_3)

/* Returns the balance alarms (within ALARM_BALANCE_MASK) for a desk
 * balance in fen: arrears when it is below -credit_limit (the relay is
 * then opened), and the deepest low-balance level it is at or below
 * (alarm[0] >= alarm[1] >= alarm[2]; a level of 0 is off), one level at
 * a time as a meter reports them. */
unsigned alarm_desk_balance(int64_t balance, int64_t credit_limit, const int64_t alarm[3]);

/* Writes a short detail for kind in reading r into buf; returns buf. */
char *alarm_detail(enum alarm_kind kind, const struct poll_reading *r, int64_t now, char *buf,
		   unsigned len);

#endif
