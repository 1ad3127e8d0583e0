/* vcard_tech: technician cards (docs/card-spec.md section 6). The desk
 * side encodes reset, clear and setting orders into EF06; the meter side
 * answers a check card and carries out the orders. */
#include "vcard_desk.h"

#include <string.h>

#define TECH_EF 192

int vcard_tech_encode(const struct vcard_keyset *ks, const struct vcard_image *img,
		      uint8_t type, const struct vcard_order *o, uint8_t out[192])
{
	uint8_t body[52], krec[16], extra[192];
	size_t blen, mlen, ne = 0;
	int n = -1;

	memset(body, 0, sizeof body);
	memcpy(body, o->target, 6);
	if (type == 0x03 || type == 0x04) {
		vcard_put32(body + 6, o->valid_until);
		vcard_put32(body + 10, o->operator_id);
		if (type == 0x04) {
			vcard_put32(body + 14, o->preset);
			body[18] = o->preset_unit;
		}
		mlen = 20;
		blen = 32;
	} else if (type == 0x05) {
		vcard_put32(body + 6, o->version);
		body[10] = (uint8_t)(o->flags >> 8);
		body[11] = (uint8_t)o->flags;
		for (int i = 0; i < 3; i++)
			vcard_put32(body + 12 + 4 * i, o->alarm[i]);
		vcard_put32(body + 24, o->credit_limit);
		vcard_put32(body + 28, o->hoard_limit);
		vcard_put32(body + 32, o->power_limit);
		body[36] = (uint8_t)(o->ct >> 8);
		body[37] = (uint8_t)o->ct;
		body[38] = (uint8_t)(o->pt >> 8);
		body[39] = (uint8_t)o->pt;
		if (o->flags & 1) {
			memcpy(extra + ne, img->ef[VCARD_EF_TARIFF], 96);
			ne += 96;
		}
		if (o->flags & 2) {
			memcpy(extra + ne, img->ef[VCARD_EF_STANDBY], 96);
			ne += 96;
		}
		mlen = 40;
		blen = 52;
	} else {
		return -1;
	}
	body[mlen + 8] = (uint8_t)(o->uses >> 8);
	body[mlen + 9] = (uint8_t)o->uses;
	if (vcard_keyset_card_key(ks, VCARD_KEYSET_REC, img->serial, krec) ||
	    vcard_rec_mac(krec, 'T', img->serial, body, mlen, extra, ne, body + mlen))
		goto out;
	memset(out, 0, TECH_EF);
	n = vcard_frame((uint8_t)(0x20 + type), body, blen, out, TECH_EF);
out:
	memset(krec, 0, sizeof krec);
	return n;
}

static int tmac_ok(struct vcard_desk *d, const uint8_t *body, size_t mlen,
		   const uint8_t *extra, size_t ne)
{
	uint8_t krec[16], mac[8];
	int ok;

	if (vcard_keyset_card_key(d->ks, VCARD_KEYSET_REC, d->img->serial, krec) ||
	    vcard_rec_mac(krec, 'T', d->img->serial, body, mlen, extra, ne, mac))
		return 0;
	ok = !vcard_memneq(mac, body + mlen, 8);
	memset(krec, 0, sizeof krec);
	return ok;
}

/* The meter answers a check card: its state into EF06 (spec 6.1). */
static int answer_check(struct vcard_desk *d, struct vcard_meter *m)
{
	uint8_t b[143], frame[TECH_EF], krec[16];
	int64_t rem = m->remaining;
	int rc = VCARD_METER_E_PULLED;

	memset(b, 0, sizeof b);
	memcpy(b, m->meter_no, 6);
	memcpy(b + 6, m->account_no, 6);
	vcard_put32(b + 12, m->count);
	b[16] = m->unit;
	vcard_put32(b + 17, rem > 0 ? (uint32_t)rem : 0);
	vcard_put32(b + 21, rem < 0 ? (uint32_t)-rem : 0);
	vcard_put64(b + 25, m->cumulative);
	vcard_put64(b + 33, m->energy_total);
	for (int i = 0; i < 4; i++)
		vcard_put64(b + 41 + 8 * i, m->energy_tou[i]);
	vcard_put32(b + 73, m->max_demand_w);
	vcard_put32(b + 77, m->max_demand_time);
	b[81] = (uint8_t)(m->status >> 8);
	b[82] = (uint8_t)m->status;
	for (int i = 0; i < 3; i++)
		vcard_put32(b + 83 + 4 * i, m->alarm[i]);
	vcard_put32(b + 95, m->credit_limit);
	vcard_put32(b + 99, m->hoard_limit);
	vcard_put32(b + 103, m->tariff_id);
	vcard_put64(b + 107, m->freeze_energy);
	vcard_put32(b + 115, m->freeze_time);
	vcard_put32(b + 119, m->now);
	memcpy(b + 123, m->card_serial, 8);
	b[131] = (uint8_t)(m->illegal_count >> 8);
	b[132] = (uint8_t)m->illegal_count;
	b[133] = 0x01; /* firmware version 1 */
	if (vcard_keyset_card_key(d->ks, VCARD_KEYSET_REC, d->img->serial, krec) ||
	    vcard_rec_mac(krec, 'T', d->img->serial, b, 135, NULL, 0, b + 135))
		goto out;
	memset(frame, 0, sizeof frame);
	if (vcard_frame(0x21, b, sizeof b, frame, sizeof frame) < 0)
		goto out;
	if (vcard_desk_sm(d, 0x04, 0xD6, 0x86, 0x00, frame, sizeof b + 6) != 0x9000)
		goto out;
	rc = VCARD_METER_CREDITED;
out:
	memset(krec, 0, sizeof krec);
	return rc;
}

static void do_reset(struct vcard_meter *m)
{
	/* parameters and account data stay; latches, counters and the relay
	 * state implied by the balance are re-derived */
	m->status &= (uint16_t)(0x0020 | 0x0040 | 0x0080); /* keep-power, live phase faults */
	m->illegal_count = 0;
	if (m->remaining + (int64_t)m->credit_limit <= 0)
		m->status |= 0x0001;
}

static void do_clear(struct vcard_meter *m, const uint8_t *body)
{
	m->count = 0;
	m->cumulative = 0;
	m->remaining = vcard_get32(body + 14);
	if (body[18])
		m->unit = body[18];
	m->energy_total = 0;
	memset(m->energy_tou, 0, sizeof m->energy_tou);
	m->freeze_energy = 0;
	m->freeze_time = 0;
	m->max_demand_w = 0;
	m->max_demand_time = 0;
	m->opened = 0;
	memset(m->account_no, 0, sizeof m->account_no);
	memset(m->card_serial, 0, sizeof m->card_serial);
	m->status = 0;
}

static void do_setting(struct vcard_meter *m, const uint8_t *body, const uint8_t *ef3,
		       const uint8_t *ef4)
{
	uint16_t flags = (uint16_t)(body[10] << 8 | body[11]);

	m->param_version = vcard_get32(body + 6);
	vcard_meter_take_tariffs(m, flags & 3, ef3, ef4);
	if (flags & 4)
		for (int i = 0; i < 3; i++)
			m->alarm[i] = vcard_get32(body + 12 + 4 * i);
	if (flags & 8) {
		m->credit_limit = vcard_get32(body + 24);
		m->hoard_limit = vcard_get32(body + 28);
	}
	if (flags & 16)
		m->power_limit_w = vcard_get32(body + 32);
	if (flags & 32) {
		m->ct_ratio = (uint16_t)(body[36] << 8 | body[37]);
		m->pt_ratio = (uint16_t)(body[38] << 8 | body[39]);
	}
}

int vcard_meter_technician(struct vcard_desk *d, const uint8_t *info, struct vcard_meter *m)
{
	static const uint8_t any[6] = {0};
	uint8_t ef6[TECH_EF], ef3[96] = {0}, ef4[96] = {0}, extra[192], frame[TECH_EF], b[52];
	const uint8_t *body;
	uint8_t cmd, type = info[0];
	size_t mlen, ne = 0;
	uint16_t uses, flags = 0;
	int n;

	if (type == 0x02)
		return answer_check(d, m);
	if (vcard_desk_read_mac(d, VCARD_EF_TECH, ef6, sizeof ef6))
		return VCARD_METER_E_AUTH;
	n = vcard_unframe(ef6, sizeof ef6, &cmd, &body);
	if (cmd != 0x20 + type || (type == 0x05 ? n != 52 : n != 32))
		return VCARD_METER_E_FORMAT;
	memcpy(b, body, (size_t)n);
	mlen = type == 0x05 ? 40 : 20;
	if (type == 0x05) {
		flags = (uint16_t)(b[10] << 8 | b[11]);
		if (flags & 1) {
			if (vcard_desk_read_mac(d, VCARD_EF_TARIFF, ef3, 96))
				return VCARD_METER_E_AUTH;
			memcpy(extra + ne, ef3, 96);
			ne += 96;
		}
		if (flags & 2) {
			if (vcard_desk_read_mac(d, VCARD_EF_STANDBY, ef4, 96))
				return VCARD_METER_E_AUTH;
			memcpy(extra + ne, ef4, 96);
			ne += 96;
		}
	}
	if (!tmac_ok(d, b, mlen, extra, ne)) {
		m->illegal_count++;
		return VCARD_METER_E_AUTH;
	}
	if (memcmp(b, any, 6) && memcmp(b, m->meter_no, 6))
		return VCARD_METER_E_NUMBER;
	uses = (uint16_t)(b[mlen + 8] << 8 | b[mlen + 9]);
	if (!uses)
		return VCARD_METER_E_COUNT;
	if (type != 0x05 && vcard_get32(b + 6) && vcard_get32(b + 6) < m->now)
		return VCARD_METER_E_FORMAT; /* expired order */
	if (type == 0x05 && vcard_get32(b + 6) <= m->param_version)
		return VCARD_METER_E_COUNT; /* not newer than what the meter has */
	/* spend the use first: a tear then costs a use, never repeats an order */
	uses--;
	b[mlen + 8] = (uint8_t)(uses >> 8);
	b[mlen + 9] = (uint8_t)uses;
	memset(frame, 0, sizeof frame);
	if (vcard_frame(cmd, b, (size_t)n, frame, sizeof frame) < 0 ||
	    vcard_desk_sm(d, 0x04, 0xD6, 0x86, 0x00, frame, (size_t)n + 6) != 0x9000)
		return VCARD_METER_E_PULLED;
	if (type == 0x03)
		do_reset(m);
	else if (type == 0x04)
		do_clear(m, b);
	else
		do_setting(m, b, ef3, ef4);
	if (vcard_meter_write_back(d, m, VCARD_METER_CREDITED))
		return VCARD_METER_E_PULLED;
	return VCARD_METER_CREDITED;
}
