/* alarm: conditions from a reading. */
#include "alarm.h"

#include <stdio.h>

#include "meter.h"

static const char *const names[] = {
#define ALARM_NAME(name, text) text,
	ALARM_METER_LIST(ALARM_NAME)
#undef ALARM_NAME
};

const char *alarm_name(enum alarm_kind kind)
{
	return (unsigned)kind < ALARM_METER_COUNT ? names[kind] : "unknown";
}

unsigned alarm_conditions(const struct poll_reading *r, int64_t now, int drift_s)
{
	unsigned set = 0;
	int64_t drift = r->meter_clock - now;

#define ON(kind) (set |= 1u << ALARM_##kind)
	if (r->flags & METER_F_ARREARS)
		ON(ARREARS);
	/* One low-balance alarm at a time: the level the meter reports. */
	if (r->alarm_level == 1)
		ON(LOW_BALANCE_1);
	else if (r->alarm_level == 2)
		ON(LOW_BALANCE_2);
	else if (r->alarm_level >= 3)
		ON(LOW_BALANCE_3);
	if (r->flags & METER_F_PHASE_LOSS)
		ON(PHASE_LOSS);
	if (r->flags & METER_F_UNDER_VOLTAGE)
		ON(UNDER_VOLTAGE);
	if (r->flags & METER_F_OVER_VOLTAGE)
		ON(OVER_VOLTAGE);
	/* A relay the desk opened on purpose (reason 1) is not an alarm. */
	if (r->relay == 1 && r->relay_reason != 1)
		ON(RELAY_TRIPPED);
	if (r->flags & METER_F_POWER_LIMIT)
		ON(POWER_LIMIT);
	if (r->flags & METER_F_MALIGNANT)
		ON(MALIGNANT_LOAD);
	if (drift_s > 0 && (drift > drift_s || drift < -drift_s))
		ON(CLOCK_DRIFT);
#undef ON
	return set;
}

unsigned alarm_desk_balance(int64_t balance, int64_t credit_limit, const int64_t alarm[3])
{
	unsigned set = balance < -credit_limit ? 1u << ALARM_ARREARS : 0;
	int k;

	/* The deepest level first: alarm[2] is the lowest threshold. */
	for (k = 2; k >= 0; k--)
		if (alarm[k] > 0 && balance <= alarm[k])
			return set | 1u << (ALARM_LOW_BALANCE_1 + k);
	return set;
}

char *alarm_detail(enum alarm_kind kind, const struct poll_reading *r, int64_t now, char *buf,
		   unsigned len)
{
	switch (kind) {
	case ALARM_ARREARS:
	case ALARM_LOW_BALANCE_1:
	case ALARM_LOW_BALANCE_2:
	case ALARM_LOW_BALANCE_3:
		snprintf(buf, len, "balance %lld fen", (long long)r->balance_fen);
		break;
	case ALARM_PHASE_LOSS:
	case ALARM_UNDER_VOLTAGE:
	case ALARM_OVER_VOLTAGE:
		snprintf(buf, len, "U %lld/%lld/%lld dV", (long long)r->voltage_dv,
			 (long long)r->u_b_dv, (long long)r->u_c_dv);
		break;
	case ALARM_RELAY_TRIPPED:
		snprintf(buf, len, "relay open, reason %d", r->relay_reason);
		break;
	case ALARM_CLOCK_DRIFT:
		snprintf(buf, len, "meter clock off by %lld s", (long long)(r->meter_clock - now));
		break;
	default:
		snprintf(buf, len, "flags 0x%04x", (unsigned)r->flags);
	}
	return buf;
}
