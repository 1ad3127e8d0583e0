/* regmap: register images of each block, built from the meter, and the
 * decoding of writes. Word order is big-endian: the high word of a 32-bit
 * value sits at the lower address. */
#include "regmap.h"

#include <math.h>
#include <string.h>

struct block {
	unsigned start, n;
	void (*fill)(const struct meter *m, int64_t now_sim, uint16_t *img);
};

static void put32(uint16_t *img, unsigned off, uint32_t v)
{
	img[off] = (uint16_t)(v >> 16);
	img[off + 1] = (uint16_t)v;
}

static uint32_t get32(const uint16_t *img, unsigned off)
{
	return (uint32_t)img[off] << 16 | img[off + 1];
}

/* Scales a double into a register, clamped to the register's range. */
static uint16_t scale_u16(double v, double k)
{
	double x = floor(v * k + 0.5);

	return x < 0 ? 0 : x > 65535 ? 65535 : (uint16_t)x;
}

static uint16_t scale_i16(double v, double k)
{
	double x = floor(v * k + 0.5);

	x = x < -32768 ? -32768 : x > 32767 ? 32767 : x;
	return (uint16_t)(int16_t)x;
}

static uint32_t clamp_u32(int64_t v)
{
	return v < 0 ? 0 : v > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static uint32_t as_i32(int64_t v)
{
	v = v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : v;
	return (uint32_t)(int32_t)v;
}

/* 0.01 kWh registers from integer mWh: truncated, as meters display. */
static uint32_t e_reg(int64_t mwh)
{
	return clamp_u32(mwh / 10000);
}

static double reactive(double p, double pf)
{
	return p * sqrt(1.0 - pf * pf) / pf;
}

static void fill_live(const struct meter *m, int64_t now_sim, uint16_t *img)
{
	double ptot = m->pw[0] + m->pw[1] + m->pw[2];
	int64_t month0 = m->fz_n ? m->fz[0].e_mwh : 0;
	int k, rate;

	put32(img, 0x00, e_reg(m->e_mwh));
	for (rate = RATE_SHARP; rate <= RATE_VALLEY; rate++)
		put32(img, 0x02 + 2 * (rate - 1), e_reg(m->e_rate_mwh[rate]));
	img[0x0A] = (uint16_t)m->id;
	img[0x0B] = scale_u16(m->u[0], 10);
	img[0x0C] = scale_u16(m->i[0], 100);
	img[0x0D] = scale_i16(m->pw[0], 1);
	img[0x0E] = scale_i16(reactive(m->pw[0], m->pf), 1);
	img[0x0F] = scale_u16(m->pw[0] / m->pf, 1);
	img[0x10] = scale_i16(m->pf, 1000);
	img[0x11] = scale_u16(m->f, 100);
	put32(img, 0x12, as_i32((int64_t)floor(ptot + 0.5)));
	put32(img, 0x14, as_i32((int64_t)floor(reactive(ptot, m->pf) + 0.5)));
	put32(img, 0x16, clamp_u32((int64_t)floor(ptot / m->pf + 0.5)));
	img[0x18] = scale_i16(m->pf, 1000);
	img[0x19] = (uint16_t)m->relay_open;
	img[0x1A] = (uint16_t)m->reason;
	img[0x1B] = (uint16_t)m->keep_power;
	img[0x1C] = (uint16_t)meter_alarm_level(m);
	img[0x1D] = (uint16_t)meter_flags(m);
	put32(img, 0x1E, as_i32(m->balance_fen));
	put32(img, 0x20, as_i32(meter_remaining_wh(m) / 10));
	put32(img, 0x22, clamp_u32(m->purchased_fen));
	put32(img, 0x24, m->purchases);
	put32(img, 0x26, m->md_w);
	put32(img, 0x28, clamp_u32(m->md_t));
	put32(img, 0x2A, clamp_u32(meter_clock(m, now_sim)));
	put32(img, 0x2C, m->p.price[m->rate_now]);
	img[0x2E] = m->rate_now;
	img[0x2F] = m->fz_seq;
	put32(img, 0x30, e_reg(m->e_mwh - month0));
	if (m->phases != 3)
		return; /* the three-phase extension reads as zero */
	for (k = 0; k < 3; k++) {
		img[0x32 + k] = scale_u16(m->u[k], 10);
		img[0x35 + k] = scale_u16(m->i[k], 100);
		img[0x38 + k] = scale_i16(m->pw[k], 1);
		img[0x3B + k] = scale_i16(reactive(m->pw[k], m->pf), 1);
		img[0x3E + k] = scale_u16(m->pw[k] / m->pf, 1);
		img[0x41 + k] = scale_i16(m->pf, 1000);
	}
}

static void fill_param_p(const struct meter_params *p, uint16_t *img)
{
	int k;

	for (k = 0; k < 3; k++)
		put32(img, 2 * (unsigned)k, clamp_u32(p->alarm_fen[k]));
	put32(img, 0x06, clamp_u32(p->credit_fen));
	put32(img, 0x08, p->power_limit_w);
	img[0x0A] = p->restore_s;
	img[0x0B] = p->malignant_w;
	for (k = RATE_SHARP; k <= RATE_VALLEY; k++)
		put32(img, 0x0C + 2 * (unsigned)(k - 1), p->price[k]);
	img[0x14] = p->tou_n;
	for (k = 0; k < METER_TOU_MAX; k++) {
		img[0x15 + 2 * k] = k < p->tou_n ? p->tou_start[k] : 0;
		img[0x16 + 2 * k] = k < p->tou_n ? p->tou_rate[k] : 0;
	}
}

static void fill_param(const struct meter *m, int64_t now_sim, uint16_t *img)
{
	(void)now_sim;
	fill_param_p(&m->p, img);
}

static void fill_info(const struct meter *m, int64_t now_sim, uint16_t *img)
{
	int k;

	(void)now_sim;
	img[0x00] = (uint16_t)m->phases;
	img[0x01] = REG_MAP_VERSION;
	img[0x02] = REG_FIRMWARE;
	img[0x03] = (uint16_t)m->id;
	for (k = 0; k < 6; k++)
		img[0x04 + k] = (uint16_t)((unsigned char)m->number[2 * k] << 8 |
					   (unsigned char)m->number[2 * k + 1]);
	img[0x0A] = m->key_version;
	img[0x0B] = 0x0007; /* remote recharge, TOU, remote relay */
}

static void fill_relay(const struct meter *m, int64_t now_sim, uint16_t *img)
{
	(void)now_sim;
	img[0] = m->relay_last_cmd;
	img[1] = m->relay_result;
}

static void fill_recharge(const struct meter *m, int64_t now_sim,
			  uint16_t *img)
{
	int k;

	(void)now_sim;
	put32(img, 0, m->rc_seq_req);
	put32(img, 2, m->rc_amount_req);
	for (k = 0; k < 4; k++)
		img[4 + k] = (uint16_t)(m->rc_mac_req[2 * k] << 8 |
					m->rc_mac_req[2 * k + 1]);
	img[8] = m->rc_result;
	put32(img, 9, as_i32(m->rc_balance_after));
}

static void fill_clock(const struct meter *m, int64_t now_sim, uint16_t *img)
{
	put32(img, 0, clamp_u32(meter_clock(m, now_sim)));
}

static void fill_freeze(const struct meter *m, int64_t now_sim, uint16_t *img)
{
	int r, k;

	(void)now_sim;
	for (r = 0; r < m->fz_n; r++) {
		const struct meter_freeze *f = &m->fz[r];
		uint16_t *rec = img + REG_FREEZE_REC * r;

		put32(rec, 0, clamp_u32(f->t));
		put32(rec, 2, e_reg(f->e_mwh));
		for (k = RATE_SHARP; k <= RATE_VALLEY; k++)
			put32(rec, 4 + 2 * (unsigned)(k - 1),
			      e_reg(f->e_rate_mwh[k]));
		put32(rec, 12, f->md_w);
		put32(rec, 14, as_i32(f->balance_fen));
	}
}

static const struct block blocks[] = {
	{REG_LIVE, REG_LIVE_N, fill_live},
	{REG_PARAM, REG_PARAM_N, fill_param},
	{REG_INFO, REG_INFO_N, fill_info},
	{REG_RELAY, REG_RELAY_N, fill_relay},
	{REG_RECHARGE, REG_RECHARGE_N, fill_recharge},
	{REG_CLOCK, REG_CLOCK_N, fill_clock},
	{REG_FREEZE, REG_FREEZE_N, fill_freeze},
};

#define NBLOCKS (sizeof(blocks) / sizeof(blocks[0]))
#define IMG_MAX REG_FREEZE_N

static const struct block *find_block(unsigned addr, unsigned n)
{
	size_t k;

	for (k = 0; k < NBLOCKS; k++)
		if (addr >= blocks[k].start &&
		    addr + n <= blocks[k].start + blocks[k].n)
			return &blocks[k];
	return NULL;
}

int regmap_read(const struct meter *m, int64_t now_sim, unsigned addr,
		unsigned n, uint16_t *out)
{
	uint16_t img[IMG_MAX];
	const struct block *b = find_block(addr, n);

	if (n == 0 || !b)
		return EXC_ILLEGAL_ADDRESS;
	memset(img, 0, sizeof(img));
	b->fill(m, now_sim, img);
	memcpy(out, img + (addr - b->start), n * sizeof(*out));
	return 0;
}

/* Offsets in the parameter block where a 32-bit value starts. */
static int param_is_u32(unsigned off)
{
	if (off % 2)
		return 0;
	return off <= 0x08 || (off >= 0x0C && off <= 0x12);
}

static int write_param(struct meter *m, unsigned off, unsigned n,
		       const uint16_t *vals)
{
	uint16_t img[REG_PARAM_N];
	struct meter_params p;
	int k;

	/* A write must not cut a 32-bit value in two: the meter cannot tell
	 * which half of a torn alarm level or price it holds. */
	if (off > 0 && param_is_u32(off - 1))
		return EXC_ILLEGAL_ADDRESS;
	if (off + n < REG_PARAM_N && param_is_u32(off + n - 1))
		return EXC_ILLEGAL_ADDRESS;
	fill_param_p(&m->p, img);
	memcpy(img + off, vals, n * sizeof(*vals));
	memset(&p, 0, sizeof(p));
	for (k = 0; k < 3; k++)
		p.alarm_fen[k] = get32(img, 2 * (unsigned)k);
	p.credit_fen = get32(img, 0x06);
	p.power_limit_w = get32(img, 0x08);
	p.restore_s = img[0x0A];
	p.malignant_w = img[0x0B];
	for (k = RATE_SHARP; k <= RATE_VALLEY; k++)
		p.price[k] = get32(img, 0x0C + 2 * (unsigned)(k - 1));
	p.tou_n = img[0x14];
	for (k = 0; k < METER_TOU_MAX; k++) {
		p.tou_start[k] = img[0x15 + 2 * k];
		p.tou_rate[k] = img[0x16 + 2 * k];
	}
	if (meter_params_check(&p) != 0)
		return EXC_ILLEGAL_VALUE;
	m->p = p;
	return 0;
}

int regmap_write(struct meter *m, int64_t now_sim, unsigned addr,
		 unsigned n, const uint16_t *vals)
{
	unsigned char mac[METER_MAC_LEN];
	uint32_t t;
	int k;

	if (n == 0)
		return EXC_ILLEGAL_VALUE;
	if (addr >= REG_PARAM && addr + n <= REG_PARAM + REG_PARAM_N)
		return write_param(m, addr - REG_PARAM, n, vals);
	if (addr == REG_RELAY && n == 1)
		return meter_relay_command(m, vals[0], now_sim) < 0
			       ? EXC_ILLEGAL_VALUE
			       : 0;
	if (addr == REG_RECHARGE && n == REG_RECHARGE_W) {
		for (k = 0; k < 4; k++) {
			mac[2 * k] = (unsigned char)(vals[4 + k] >> 8);
			mac[2 * k + 1] = (unsigned char)vals[4 + k];
		}
		meter_recharge(m, get32(vals, 0), get32(vals, 2), mac, now_sim);
		return 0;
	}
	if (addr == REG_CLOCK && n == REG_CLOCK_N) {
		t = get32(vals, 0);
		if (t < 946684800u) /* before 2000-01-01: not a clock */
			return EXC_ILLEGAL_VALUE;
		meter_set_clock(m, t, now_sim);
		return 0;
	}
	return EXC_ILLEGAL_ADDRESS;
}
