/* meter: the model of one prepaid meter (DDSY1352/DTSY1352 class):
 * consumption, TOU energy, balance, alarms, relay, demand and monthly
 * freeze. Pure state and arithmetic: no I/O, no locking (the caller holds
 * the simulator lock). All times are meter local time in seconds counted
 * like Unix time ("local epoch"); see docs/meter-map.md. */
#ifndef METERSIM_METER_H
#define METERSIM_METER_H

#include "vcard.h"
#include <stdint.h>

#define METER_FREEZES 12
#define METER_TOU_MAX 8
#define METER_NUMBER_LEN 12
#define METER_KEY_LEN 16
#define METER_MAC_LEN 8
#define METER_STEP 60 /* simulated seconds per integration step */

enum meter_rate {
	RATE_SHARP = 1,
	RATE_PEAK = 2,
	RATE_FLAT = 3,
	RATE_VALLEY = 4,
};

/* Why the relay is in its state (register 0x001A). */
enum meter_reason {
	REASON_NONE = 0,
	REASON_REMOTE = 1,    /* remote open command */
	REASON_ZERO = 2,      /* balance reached zero, no credit limit */
	REASON_CREDIT = 3,    /* overdraft used up to the credit limit */
	REASON_POWER = 4,     /* power above the power limit */
	REASON_MALIGNANT = 5, /* malignant (resistive) load recognised */
};

/* Event flag bits (register 0x001D). */
enum meter_flag {
	FLAG_PHASE_LOSS = 1 << 0,
	FLAG_UNDER_VOLTAGE = 1 << 1,
	FLAG_OVER_VOLTAGE = 1 << 2,
	FLAG_POWER_LIMIT = 1 << 3,
	FLAG_MALIGNANT = 1 << 4,
	FLAG_RELAY_OPEN = 1 << 5,
	FLAG_ARREARS = 1 << 6,
	FLAG_KEEP_POWER = 1 << 7,
	FLAG_LOW_BALANCE = 1 << 8,
};

/* Relay command codes (register 0x0300), as in DL/T 645-2007. */
enum meter_relay_cmd {
	RELAY_CMD_OPEN = 0x1A,
	RELAY_CMD_CLOSE_ALLOW = 0x1B,
	RELAY_CMD_CLOSE = 0x1C,
	RELAY_CMD_KEEP_ON = 0x3A,
	RELAY_CMD_KEEP_OFF = 0x3B,
};

enum meter_relay_result {
	RELAY_RES_NONE = 0,
	RELAY_RES_DONE = 1,
	RELAY_RES_KEEP_POWER = 2, /* open refused: keep-power is on */
	RELAY_RES_ARREARS = 3,    /* close refused: no credit left */
};

enum meter_recharge_result {
	RECHARGE_NONE = 0,
	RECHARGE_CREDITED = 1,
	RECHARGE_DUPLICATE = 2, /* same sequence and MAC as the last: no-op */
	RECHARGE_BAD_MAC = 3,
	RECHARGE_BAD_SEQUENCE = 4,
	RECHARGE_BAD_AMOUNT = 5,
};

#define RECHARGE_MAX_FEN 10000000 /* 100,000 yuan in one remote recharge */

/* Faults injected on demand; applied by the bus, stored with the meter. */
enum meter_fault_kind {
	FAULT_NONE = 0,
	FAULT_SILENT,    /* never answers */
	FAULT_CRC,       /* arg % of replies carry a wrong CRC */
	FAULT_EXCEPTION, /* every request gets exception arg */
	FAULT_SLOW,      /* every reply is held arg ms longer */
	FAULT_GARBAGE,   /* random bytes instead of the reply */
};

struct meter_params {
	int64_t alarm_fen[3];  /* level 1 >= level 2 >= level 3 >= 0 */
	int64_t credit_fen;    /* overdraft allowed before the trip */
	uint32_t power_limit_w; /* 0: none */
	uint16_t restore_s;    /* auto-close after a power-limit trip; 0: never */
	uint16_t malignant_w;  /* resistive step that trips; 0: off */
	uint32_t price[5];     /* by enum meter_rate, 0.0001 yuan/kWh */
	uint16_t tou_n;
	uint16_t tou_start[METER_TOU_MAX]; /* minute of day, increasing */
	uint16_t tou_rate[METER_TOU_MAX];
};

struct meter_freeze {
	int64_t t;                 /* 00:00 on the 1st, local epoch */
	int64_t e_mwh;             /* total at the freeze */
	int64_t e_rate_mwh[5];
	uint32_t md_w;             /* maximum demand of the month that ended */
	int64_t balance_fen;
};

struct meter {
	unsigned bus, id;
	int phases;
	char number[METER_NUMBER_LEN + 1];
	unsigned char key[METER_KEY_LEN];
	uint16_t key_version;
	struct meter_params p;
	uint64_t rng;
	/* What the meter's ESAM keeps about user cards: opened, the account,
	 * the valid card's serial. Balance and count live in the fields
	 * below and are handed over at each insertion. */
	struct vcard_meter card;

	int64_t skew;  /* meter clock minus simulator clock */
	int64_t t_int; /* integrated up to here (minute aligned) */

	int64_t e_mwh, e_rate_mwh[5];
	int64_t balance_fen;
	int64_t cost_acc; /* mWh * price units not yet charged */
	int64_t purchased_fen;
	uint32_t purchases;

	int64_t dem_mwh;
	uint32_t md_w;
	int64_t md_t;

	/* Last step's electrical values. */
	double u[3], i[3], pw[3], pf, f;
	double base_w;       /* mean load */
	double fixed_w;      /* >= 0: constant load set by the control channel */
	double volt_set[3];  /* >= 0: forced voltage */
	uint16_t rate_now;

	int relay_open, reason, keep_power;
	int64_t trip_t;
	uint32_t malignant_pending_w;

	struct meter_freeze fz[METER_FREEZES];
	int fz_n;
	uint16_t fz_seq;

	uint16_t relay_last_cmd, relay_result;
	uint32_t rc_seq_req, rc_amount_req;
	unsigned char rc_mac_req[METER_MAC_LEN];
	unsigned char rc_last_mac[METER_MAC_LEN];
	uint16_t rc_result;
	int64_t rc_balance_after;

	int fault, fault_arg;
};

/* Sets m to a fresh meter at bus/id with phases 1 or 3, default
 * parameters and a consumption stream from seed, its clock at now_sim. */
void meter_init(struct meter *m, unsigned bus, unsigned id, int phases,
		uint64_t seed, int64_t now_sim);

/* Returns the meter's local time at simulator time now_sim. */
int64_t meter_clock(const struct meter *m, int64_t now_sim);

/* Integrates consumption, money, demand and freezes up to now_sim. */
void meter_sync(struct meter *m, int64_t now_sim);

/* Returns the TOU rate (enum meter_rate) at local time t. */
int meter_rate_at(const struct meter_params *p, int64_t t);

/* Checks a parameter set; 0 if valid, -1 if not. */
int meter_params_check(const struct meter_params *p);

/* Carries out a relay command; returns an enum meter_relay_result, or -1
 * for an unknown code (nothing changed). */
int meter_relay_command(struct meter *m, int code, int64_t now_sim);

/* Remote recharge; returns an enum meter_recharge_result. */
int meter_recharge(struct meter *m, uint32_t seq, uint32_t amount_fen,
		   const unsigned char mac[METER_MAC_LEN], int64_t now_sim);

/* Sets the meter clock to local time t (a clock correction: no energy is
 * integrated over a jump; a forward jump into a new month freezes once). */
void meter_set_clock(struct meter *m, int64_t t, int64_t now_sim);

/* Sets the balance (test control); re-evaluates the relay. */
void meter_set_balance(struct meter *m, int64_t fen, int64_t now_sim);

/* Injects a resistive load step of w watts (malignant-load test). */
void meter_inject_load_step(struct meter *m, uint32_t w);

/* Returns the event flags (enum meter_flag) from the current state. */
unsigned meter_flags(const struct meter *m);

/* Returns the alarm level 0..3 from the balance. */
int meter_alarm_level(const struct meter *m);

/* Remaining energy in Wh at the current rate's price (0 if no price). */
int64_t meter_remaining_wh(const struct meter *m);

/* Inserts the user or technician card whose image is at card_image_path
 * into the meter, as docs/card-spec.md sections 12 and 13 say: checks the
 * meter keys (keyset: "test", "other" or a key file, as vcard takes them),
 * MACs, meter number and purchase count, credits, writes back, and saves
 * the image. Writes a one-line outcome into msg. Returns the meter result
 * (VCARD_METER_*), or -1 if the image or keys cannot be read. */
int meter_apply_card(struct meter *m, const char *card_image_path,
		     const char *keyset, int64_t now_sim, char *msg, size_t len);

#endif
