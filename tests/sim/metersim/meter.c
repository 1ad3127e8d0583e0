/* meter: consumption and prepaid logic of one simulated meter. Electrical
 * values are doubles (they only feed scaled registers); energy is integer
 * mWh and money integer fen, so no rounding ever touches the balance. */
#include "meter.h"
#include "mac.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Mean load by hour of day: night low, evening peak. */
static const double day_shape[24] = {
	0.35, 0.30, 0.30, 0.30, 0.30, 0.35, 0.50, 0.80, 0.90, 0.70, 0.60, 0.60,
	0.70, 0.60, 0.55, 0.55, 0.60, 0.80, 1.20, 1.40, 1.40, 1.30, 1.00, 0.60,
};

#define MWH_FEN_DIV INT64_C(100000000) /* mWh * (0.0001 yuan/kWh) per fen */
#define DEMAND_WINDOW 900              /* 15 min fixed windows */
#define U_NOMINAL 220.0
#define U_LOSS 60.0
#define U_UNDER 187.0
#define U_OVER 253.0

static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * UINT64_C(2685821657736338717);
}

static double rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) / 9007199254740992.0;
}

void meter_init(struct meter *m, unsigned bus, unsigned id, int phases,
		uint64_t seed, int64_t now_sim)
{
	static const uint16_t starts[] = {0, 480, 600, 720, 1080, 1140, 1260, 1380};
	static const uint16_t rates[] = {RATE_VALLEY, RATE_FLAT, RATE_PEAK,
					 RATE_FLAT, RATE_PEAK, RATE_SHARP,
					 RATE_PEAK, RATE_VALLEY};
	int k;

	memset(m, 0, sizeof(*m));
	m->bus = bus;
	m->id = id;
	m->phases = phases == 3 ? 3 : 1;
	snprintf(m->number, sizeof(m->number), "%06u%06u", bus % 1000000u,
		 id % 1000000u);
	for (k = 0; k < METER_KEY_LEN; k++)
		m->key[k] = (unsigned char)k;
	m->key_version = 1;
	m->rng = seed * UINT64_C(0x9E3779B97F4A7C15) + bus * 1000003u + id;
	if (m->rng == 0)
		m->rng = 1;
	for (k = 0; k < 4; k++)
		rng_next(&m->rng);

	m->p.alarm_fen[0] = 5000;
	m->p.alarm_fen[1] = 2000;
	m->p.alarm_fen[2] = 1000;
	m->p.price[RATE_SHARP] = 9500;
	m->p.price[RATE_PEAK] = 7800;
	m->p.price[RATE_FLAT] = 5880;
	m->p.price[RATE_VALLEY] = 3200;
	m->p.tou_n = 8;
	for (k = 0; k < 8; k++) {
		m->p.tou_start[k] = starts[k];
		m->p.tou_rate[k] = rates[k];
	}

	m->balance_fen = 10000;
	m->base_w = (m->phases == 3 ? 3000.0 : 300.0) +
		    rng_unit(&m->rng) * (m->phases == 3 ? 6000.0 : 1200.0);
	m->fixed_w = -1;
	for (k = 0; k < 3; k++) {
		m->volt_set[k] = -1;
		m->u[k] = k < m->phases ? U_NOMINAL : 0;
	}
	m->pf = 0.95;
	m->f = 50.0;
	m->t_int = now_sim - ((now_sim % METER_STEP) + METER_STEP) % METER_STEP;
	m->rate_now = (uint16_t)meter_rate_at(&m->p, m->t_int);
}

int64_t meter_clock(const struct meter *m, int64_t now_sim)
{
	return now_sim + m->skew;
}

int meter_rate_at(const struct meter_params *p, int64_t t)
{
	int64_t sec = ((t % 86400) + 86400) % 86400;
	unsigned minute = (unsigned)(sec / 60);
	int k, rate;

	if (p->tou_n == 0)
		return RATE_FLAT;
	rate = p->tou_rate[p->tou_n - 1]; /* before the first start: wraps */
	for (k = 0; k < p->tou_n; k++)
		if (p->tou_start[k] <= minute)
			rate = p->tou_rate[k];
	return rate;
}

int meter_params_check(const struct meter_params *p)
{
	int k;

	if (p->alarm_fen[0] < p->alarm_fen[1] ||
	    p->alarm_fen[1] < p->alarm_fen[2] || p->alarm_fen[2] < 0)
		return -1;
	if (p->credit_fen < 0 || p->credit_fen > INT32_MAX ||
	    p->alarm_fen[0] > INT32_MAX)
		return -1; /* money registers are I32 when read back */
	for (k = RATE_SHARP; k <= RATE_VALLEY; k++)
		if (p->price[k] == 0 || p->price[k] > 1000000)
			return -1;
	if (p->tou_n < 1 || p->tou_n > METER_TOU_MAX)
		return -1;
	for (k = 0; k < p->tou_n; k++) {
		if (p->tou_start[k] >= 1440 || p->tou_rate[k] < RATE_SHARP ||
		    p->tou_rate[k] > RATE_VALLEY)
			return -1;
		if (k > 0 && p->tou_start[k] <= p->tou_start[k - 1])
			return -1;
	}
	return 0;
}

static void relay_open(struct meter *m, int reason, int64_t t)
{
	m->relay_open = 1;
	m->reason = reason;
	m->trip_t = t;
}

static void relay_close(struct meter *m)
{
	m->relay_open = 0;
	m->reason = REASON_NONE;
}

/* The prepaid rule: trip at zero, or at -credit when overdraft is
 * allowed; close again once a purchase lifts the balance above zero. */
static void relay_evaluate(struct meter *m, int64_t t)
{
	if (m->keep_power) {
		if (m->relay_open)
			relay_close(m);
		return;
	}
	if (!m->relay_open) {
		if (m->balance_fen <= -m->p.credit_fen)
			relay_open(m, m->p.credit_fen > 0 ? REASON_CREDIT
							  : REASON_ZERO, t);
		return;
	}
	if ((m->reason == REASON_ZERO || m->reason == REASON_CREDIT) &&
	    m->balance_fen > 0)
		relay_close(m);
	else if (m->reason == REASON_POWER && m->p.restore_s > 0 &&
		 t - m->trip_t >= m->p.restore_s)
		relay_close(m);
}

static void freeze(struct meter *m, int64_t t)
{
	struct meter_freeze *f;

	memmove(&m->fz[1], &m->fz[0], sizeof(m->fz[0]) * (METER_FREEZES - 1));
	f = &m->fz[0];
	f->t = t;
	f->e_mwh = m->e_mwh;
	memcpy(f->e_rate_mwh, m->e_rate_mwh, sizeof(f->e_rate_mwh));
	f->md_w = m->md_w;
	f->balance_fen = m->balance_fen;
	if (m->fz_n < METER_FREEZES)
		m->fz_n++;
	m->fz_seq++;
	m->md_w = 0;
	m->md_t = 0;
}

static int is_month_start(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t % 86400 != 0)
		return 0; /* cheap test first: this runs every step */
	if (!gmtime_r(&tt, &tm))
		return 0;
	return tm.tm_mday == 1 && tm.tm_hour == 0 && tm.tm_min == 0 &&
	       tm.tm_sec == 0;
}

static double load_at(struct meter *m, int64_t t)
{
	int hour = (int)((((t % 86400) + 86400) % 86400) / 3600);

	if (m->fixed_w >= 0)
		return m->fixed_w;
	return m->base_w * day_shape[hour] * (0.8 + 0.4 * rng_unit(&m->rng));
}

static void electrical(struct meter *m, double w)
{
	double share[3] = {1, 0, 0}, sum = 0;
	int k;

	m->pf = 0.90 + 0.09 * rng_unit(&m->rng);
	m->f = 49.98 + 0.04 * rng_unit(&m->rng);
	if (m->phases == 3) {
		for (k = 0; k < 3; k++)
			sum += share[k] = 0.8 + 0.4 * rng_unit(&m->rng);
		for (k = 0; k < 3; k++)
			share[k] /= sum;
	}
	for (k = 0; k < 3; k++) {
		if (k >= m->phases) {
			m->u[k] = m->i[k] = m->pw[k] = 0;
			continue;
		}
		m->u[k] = m->volt_set[k] >= 0
				  ? m->volt_set[k]
				  : U_NOMINAL - 3.0 + 6.0 * rng_unit(&m->rng);
		m->pw[k] = m->u[k] < U_LOSS ? 0 : w * share[k];
		m->i[k] = m->u[k] < U_LOSS ? 0 : m->pw[k] / (m->u[k] * m->pf);
	}
}

/* One integration step of METER_STEP seconds starting at local time t. */
static void step(struct meter *m, int64_t t)
{
	double w = load_at(m, t);
	int64_t mwh, fen;
	int rate = meter_rate_at(&m->p, t);

	m->rate_now = (uint16_t)rate;
	if (m->malignant_pending_w) {
		if (m->p.malignant_w && !m->keep_power &&
		    m->malignant_pending_w >= m->p.malignant_w)
			relay_open(m, REASON_MALIGNANT, t);
		m->malignant_pending_w = 0;
	}
	if (!m->relay_open && !m->keep_power && m->p.power_limit_w &&
	    w > m->p.power_limit_w)
		relay_open(m, REASON_POWER, t);
	if (m->relay_open)
		w = 0;
	electrical(m, w);
	w = m->pw[0] + m->pw[1] + m->pw[2];

	mwh = (int64_t)(w * 1000.0 * METER_STEP / 3600.0 + 0.5);
	m->e_mwh += mwh;
	m->e_rate_mwh[rate] += mwh;
	m->cost_acc += mwh * (int64_t)m->p.price[rate];
	fen = m->cost_acc / MWH_FEN_DIV;
	m->cost_acc -= fen * MWH_FEN_DIV;
	m->balance_fen -= fen;

	m->dem_mwh += mwh;
	if ((t + METER_STEP) % DEMAND_WINDOW == 0) {
		uint32_t d = (uint32_t)(m->dem_mwh * (3600 / DEMAND_WINDOW) / 1000);

		if (d > m->md_w) {
			m->md_w = d;
			m->md_t = t + METER_STEP;
		}
		m->dem_mwh = 0;
	}
	relay_evaluate(m, t + METER_STEP);
	if (is_month_start(t + METER_STEP))
		freeze(m, t + METER_STEP);
}

void meter_sync(struct meter *m, int64_t now_sim)
{
	int64_t now = meter_clock(m, now_sim);

	while (m->t_int + METER_STEP <= now) {
		step(m, m->t_int);
		m->t_int += METER_STEP;
	}
}

int meter_relay_command(struct meter *m, int code, int64_t now_sim)
{
	int64_t t = meter_clock(m, now_sim);
	int res = RELAY_RES_DONE;

	switch (code) {
	case RELAY_CMD_OPEN:
		if (m->keep_power)
			res = RELAY_RES_KEEP_POWER;
		else
			relay_open(m, REASON_REMOTE, t);
		break;
	case RELAY_CMD_CLOSE_ALLOW:
	case RELAY_CMD_CLOSE:
		if (!m->keep_power && m->balance_fen <= -m->p.credit_fen) {
			res = RELAY_RES_ARREARS;
			break;
		}
		relay_close(m);
		break;
	case RELAY_CMD_KEEP_ON:
		m->keep_power = 1;
		relay_close(m);
		break;
	case RELAY_CMD_KEEP_OFF:
		m->keep_power = 0;
		relay_evaluate(m, t);
		break;
	default:
		return -1;
	}
	m->relay_last_cmd = (uint16_t)code;
	m->relay_result = (uint16_t)res;
	return res;
}

int meter_recharge(struct meter *m, uint32_t seq, uint32_t amount_fen,
		   const unsigned char mac[METER_MAC_LEN], int64_t now_sim)
{
	unsigned char want[METER_MAC_LEN];
	int res;

	m->rc_seq_req = seq;
	m->rc_amount_req = amount_fen;
	memcpy(m->rc_mac_req, mac, METER_MAC_LEN);
	if (mac_recharge(m->key, m->number, seq, amount_fen, want) != 0 ||
	    memcmp(want, mac, METER_MAC_LEN) != 0) {
		res = RECHARGE_BAD_MAC;
	} else if (seq == m->purchases && seq != 0 &&
		   memcmp(mac, m->rc_last_mac, METER_MAC_LEN) == 0) {
		/* The same purchase again (a retry after a lost reply): the
		 * MAC binds seq and amount, so it is the one already applied. */
		res = RECHARGE_DUPLICATE;
	} else if (seq != m->purchases + 1) {
		res = RECHARGE_BAD_SEQUENCE;
	} else if (amount_fen == 0 || amount_fen > RECHARGE_MAX_FEN) {
		res = RECHARGE_BAD_AMOUNT;
	} else {
		m->balance_fen += amount_fen;
		m->purchased_fen += amount_fen;
		m->purchases = seq;
		memcpy(m->rc_last_mac, mac, METER_MAC_LEN);
		m->rc_balance_after = m->balance_fen;
		relay_evaluate(m, meter_clock(m, now_sim));
		res = RECHARGE_CREDITED;
	}
	m->rc_result = (uint16_t)res;
	return res;
}

void meter_set_clock(struct meter *m, int64_t t, int64_t now_sim)
{
	int64_t old = meter_clock(m, now_sim);
	int64_t aligned = t - ((t % METER_STEP) + METER_STEP) % METER_STEP;
	time_t a = (time_t)old, b = (time_t)t;
	struct tm ta, tb;

	m->skew = t - now_sim;
	if (t > old && gmtime_r(&a, &ta) && gmtime_r(&b, &tb) &&
	    (ta.tm_year != tb.tm_year || ta.tm_mon != tb.tm_mon)) {
		/* Freeze stamped with the start of the new month. */
		tb.tm_mday = 1;
		tb.tm_hour = tb.tm_min = tb.tm_sec = 0;
		freeze(m, (int64_t)timegm(&tb));
	}
	m->t_int = aligned;
}

void meter_set_balance(struct meter *m, int64_t fen, int64_t now_sim)
{
	m->balance_fen = fen;
	relay_evaluate(m, meter_clock(m, now_sim));
}

void meter_inject_load_step(struct meter *m, uint32_t w)
{
	m->malignant_pending_w = w ? w : 1;
}

unsigned meter_flags(const struct meter *m)
{
	unsigned f = 0;
	int k;

	for (k = 0; k < m->phases; k++) {
		if (m->u[k] < U_LOSS)
			f |= FLAG_PHASE_LOSS;
		else if (m->u[k] < U_UNDER)
			f |= FLAG_UNDER_VOLTAGE;
		else if (m->u[k] > U_OVER)
			f |= FLAG_OVER_VOLTAGE;
	}
	if (m->relay_open && m->reason == REASON_POWER)
		f |= FLAG_POWER_LIMIT;
	if (m->relay_open && m->reason == REASON_MALIGNANT)
		f |= FLAG_MALIGNANT;
	if (m->relay_open)
		f |= FLAG_RELAY_OPEN;
	if (m->balance_fen <= 0)
		f |= FLAG_ARREARS;
	if (m->keep_power)
		f |= FLAG_KEEP_POWER;
	if (meter_alarm_level(m) > 0)
		f |= FLAG_LOW_BALANCE;
	return f;
}

int meter_alarm_level(const struct meter *m)
{
	int level = 0, k;

	for (k = 0; k < 3; k++)
		if (m->balance_fen <= m->p.alarm_fen[k])
			level = k + 1;
	return level;
}

int64_t meter_remaining_wh(const struct meter *m)
{
	uint32_t price = m->p.price[m->rate_now >= RATE_SHARP &&
						    m->rate_now <= RATE_VALLEY
					    ? m->rate_now
					    : RATE_FLAT];

	if (price == 0)
		return 0;
	/* fen * 100 price units per fen * 1000 Wh per kWh / price units */
	return m->balance_fen * 100000 / (int64_t)price;
}

int meter_apply_card(struct meter *m, const char *card_image_path,
		     const char *keyset, int64_t now_sim, char *msg, size_t len)
{
	struct vcard_image img;
	struct vcard_keyset ks;
	struct vcard_meter *c = &m->card;
	int res, i;

	meter_sync(m, now_sim);
	if (vcard_keyset_load(keyset ? keyset : "test", &ks) ||
	    vcard_image_load(card_image_path, &img)) {
		snprintf(msg, len, "cannot read the card image or the keys");
		return -1;
	}
	/* Hand the bus meter's live state to the card logic... */
	if (vcard_bcd6(m->number, c->meter_no)) {
		snprintf(msg, len, "meter number %s is not 12 digits", m->number);
		return -1;
	}
	c->count = m->purchases;
	c->remaining = m->balance_fen;
	c->cumulative = (uint64_t)m->purchased_fen;
	c->energy_total = (uint64_t)(m->e_mwh / 1000);
	for (i = 0; i < 4; i++)
		c->energy_tou[i] = (uint64_t)(m->e_rate_mwh[i + 1] / 1000);
	c->now = (uint32_t)meter_clock(m, now_sim);
	c->credit_limit = (uint32_t)m->p.credit_fen;
	for (i = 0; i < 3; i++)
		c->alarm[i] = (uint32_t)m->p.alarm_fen[i];
	c->status = m->relay_open ? 1 : 0;
	c->max_demand_w = m->md_w;
	res = vcard_meter_insert(&img, c, &ks);
	/* ...and take back what a credited purchase changed. */
	if (res == VCARD_METER_CREDITED) {
		m->balance_fen = c->remaining;
		m->purchased_fen = (int64_t)c->cumulative;
		m->purchases = c->count;
		m->p.credit_fen = c->credit_limit;
		for (i = 0; i < 3; i++)
			m->p.alarm_fen[i] = c->alarm[i];
		relay_evaluate(m, meter_clock(m, now_sim));
	}
	if (vcard_image_save(card_image_path, &img)) {
		snprintf(msg, len, "cannot save the card image");
		return -1;
	}
	snprintf(msg, len, "result=%02X %s count=%u balance=%lld", res,
		 vcard_meter_result_str(res), m->purchases, (long long)m->balance_fen);
	return res;
}
