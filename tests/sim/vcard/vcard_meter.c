/* vcard_meter: what a meter does with a user card (docs/card-spec.md 9),
 * played offline against the APDU engine. The meter's ESAM role (master
 * keys) is the key set. The meter simulator links this file. */
#include "vcard_desk.h"

#include <string.h>

#define METER_MAX_FEN 99999999u /* SG limit: 999 999.99 yuan */

const char *vcard_meter_result_str(int res)
{
	switch (res) {
	case VCARD_METER_CREDITED: return "accepted (credited, or order carried out)";
	case VCARD_METER_NO_CREDIT: return "no credit (already applied), written back";
	case VCARD_METER_E_AUTH: return "Err-32 authentication or MAC failure";
	case VCARD_METER_E_NUMBER: return "Err-33 meter, account or card number mismatch";
	case VCARD_METER_E_COUNT: return "Err-34 count error (purchase count, card uses or version)";
	case VCARD_METER_E_RETURN: return "Err-34 return file not empty";
	case VCARD_METER_CANCELLED: return "purchase cancelled at the desk: nothing credited";
	case VCARD_METER_E_FORMAT: return "Err-34 card format, type or not opened";
	case VCARD_METER_E_HOARD: return "Err-36 over the hoarding limit";
	case VCARD_METER_E_PULLED: return "Err-35 card pulled out early";
	default: return "unknown";
	}
}

int vcard_meter_write_back(struct vcard_desk *d, struct vcard_meter *m, int result)
{
	uint8_t body[90], frame[96], krec[16];
	int64_t rem = m->remaining;
	int rc = -1;

	memset(body, 0, sizeof body);
	memcpy(body, m->meter_no, 6);
	memcpy(body + 6, m->account_no, 6);
	vcard_put32(body + 12, m->count);
	body[16] = m->unit;
	vcard_put32(body + 17, rem > 0 ? (uint32_t)rem : 0);
	vcard_put32(body + 21, rem < 0 ? (uint32_t)-rem : 0);
	vcard_put64(body + 25, m->cumulative);
	vcard_put64(body + 33, m->energy_total);
	for (int i = 0; i < 4; i++)
		vcard_put64(body + 41 + 8 * i, m->energy_tou[i]);
	body[73] = (uint8_t)(m->status >> 8);
	body[74] = (uint8_t)m->status;
	body[75] = (uint8_t)result;
	body[76] = (uint8_t)(m->illegal_count >> 8);
	body[77] = (uint8_t)m->illegal_count;
	vcard_put32(body + 78, m->now);
	if (vcard_keyset_card_key(d->ks, VCARD_KEYSET_REC, d->img->serial, krec) ||
	    vcard_rec_mac(krec, 'R', d->img->serial, body, 82, NULL, 0, body + 82))
		goto out;
	if (vcard_frame(0x11, body, sizeof body, frame, sizeof frame) < 0)
		goto out;
	if (vcard_desk_sm(d, 0x04, 0xD6, 0x85, 0x00, frame, sizeof frame) != 0x9000)
		goto out;
	rc = 0;
out:
	memset(krec, 0, sizeof krec);
	return rc;
}

void vcard_meter_tariff_tick(struct vcard_meter *m)
{
	if (m->standby_id && m->now >= m->standby_at) {
		m->tariff_id = m->standby_id;
		m->standby_id = 0;
		m->standby_at = 0;
	}
}

void vcard_meter_take_tariffs(struct vcard_meter *m, unsigned flags, const uint8_t *ef3,
			      const uint8_t *ef4)
{
	/* body offsets 1 (id) and 74 (activation) behind the 4-byte head */
	if ((flags & 1) && ef3[0] == 0x68 && ef3[1] == 0x03)
		m->tariff_id = vcard_get32(ef3 + 5);
	if ((flags & 2) && ef4[0] == 0x68 && ef4[1] == 0x04) {
		m->standby_id = vcard_get32(ef4 + 5);
		m->standby_at = vcard_get32(ef4 + 78);
	}
	vcard_meter_tariff_tick(m);
}

/* EF05 holds the desk's cancel record (result 02) for purchase count + 1. */
static int desk_cancelled(const uint8_t ef5[96], uint32_t count)
{
	const uint8_t *body;
	uint8_t cmd;

	return vcard_unframe(ef5, 96, &cmd, &body) == 90 && cmd == 0x11 && body[75] == 0x02 &&
	       vcard_get32(body + 12) == count;
}

static int meter_listed(const uint8_t *info, const uint8_t meter_no[6])
{
	for (int i = 0; i < info[22] && i < 4; i++)
		if (!memcmp(info + 23 + 6 * i, meter_no, 6))
			return 1;
	return 0;
}

int vcard_meter_insert(struct vcard_image *img, struct vcard_meter *m,
		       const struct vcard_keyset *ks)
{
	struct vcard_desk d;
	uint8_t ef1[64], ef2[64], ef3[96] = {0}, ef4[96] = {0}, ef5[96], krec[16], mac[8], extra[192];
	const uint8_t *info, *pur;
	uint8_t cmd;
	uint32_t n_card = 0, amount = 0;
	size_t ne = 0;
	int res, r;

	vcard_meter_tariff_tick(m);
	vcard_desk_open(&d, img, ks);
	r = vcard_desk_auth(&d, VCARD_KID_METER);
	if (r) {
		if (r == -1 && d.last_sw == 0x6A82)
			return VCARD_METER_E_FORMAT; /* never issued */
		m->illegal_count++;
		return VCARD_METER_E_AUTH;
	}
	if (vcard_desk_read_mac(&d, VCARD_EF_INFO, ef1, 64) ||
	    vcard_desk_read_mac(&d, VCARD_EF_PURCHASE, ef2, 64) ||
	    vcard_desk_read_mac(&d, VCARD_EF_RETURN, ef5, 96)) {
		m->illegal_count++;
		return VCARD_METER_E_AUTH;
	}
	if (vcard_unframe(ef1, 64, &cmd, &info) < 51 || cmd != 0x01)
		return VCARD_METER_E_FORMAT;
	if (info[0] >= 0x02 && info[0] <= 0x05)
		return vcard_meter_technician(&d, info, m);
	if (info[0] != 0x01)
		return VCARD_METER_E_FORMAT;
	if (vcard_unframe(ef2, 64, &cmd, &pur) >= 54 && cmd == 0x02) {
		if (pur[17] & 1) {
			if (vcard_desk_read_mac(&d, VCARD_EF_TARIFF, ef3, 96))
				return VCARD_METER_E_AUTH;
			memcpy(extra + ne, ef3, 96);
			ne += 96;
		}
		if (pur[17] & 2) {
			if (vcard_desk_read_mac(&d, VCARD_EF_STANDBY, ef4, 96))
				return VCARD_METER_E_AUTH;
			memcpy(extra + ne, ef4, 96);
			ne += 96;
		}
		if (vcard_keyset_card_key(ks, VCARD_KEYSET_REC, img->serial, krec) ||
		    vcard_rec_mac(krec, 'P', img->serial, pur, 46, extra, ne, mac) ||
		    vcard_memneq(mac, pur + 46, 8)) {
			memset(krec, 0, sizeof krec);
			m->illegal_count++;
			return VCARD_METER_E_AUTH;
		}
		memset(krec, 0, sizeof krec);
		n_card = vcard_get32(pur);
		amount = vcard_get32(pur + 5);
		if (pur[4] != 1 && pur[4] != 2)
			return VCARD_METER_E_FORMAT;
	} else if (ef2[0] == 0x68) {
		return VCARD_METER_E_FORMAT;
	} else {
		pur = NULL;
	}
	if (!meter_listed(info, m->meter_no))
		return VCARD_METER_E_NUMBER;
	if (!m->opened) {
		if (info[1] != 0x01)
			return VCARD_METER_E_FORMAT; /* SG error 15: not opened */
	} else {
		if (memcmp(m->account_no, info + 16, 6))
			return VCARD_METER_E_NUMBER;
		if (info[1] == 0x02 && memcmp(m->card_serial, img->serial, 8))
			return VCARD_METER_E_NUMBER; /* SG error 13 */
	}
	if (pur && m->opened && m->unit && pur[4] != m->unit)
		return VCARD_METER_E_FORMAT;

	/* a meter new to the account takes its count from the opening card
	 * (spec 12.2): one the card says no meter took is credited here */
	if (!m->opened && info[1] == 0x01 && m->count == 0 && n_card > 0)
		m->count = ef5[0] == 0x68 && !desk_cancelled(ef5, n_card - 1) ? n_card : n_card - 1;
	/* a purchase cancelled at the desk: nothing to credit, and the
	 * desk's record stays, so the card still says why (spec 12.2) */
	if (pur && n_card == m->count + 1 && desk_cancelled(ef5, m->count))
		return VCARD_METER_CANCELLED;
	/* the purchase-count rules, docs/card-spec.md 9.3 */
	if (n_card <= m->count) {
		res = VCARD_METER_NO_CREDIT;
	} else if (n_card == m->count + 1 && ef5[0] == 0x68) {
		res = VCARD_METER_E_RETURN;
	} else if (n_card >= m->count + 2) {
		res = VCARD_METER_E_COUNT;
	} else {
		int64_t after = m->remaining + (int64_t)amount;
		uint32_t limit = vcard_get32(pur + 34) ? vcard_get32(pur + 34) : m->hoard_limit;
		if (after > (int64_t)METER_MAX_FEN || (limit && after > (int64_t)limit))
			return VCARD_METER_E_HOARD; /* no write-back, as in the field */
		res = VCARD_METER_CREDITED;
	}
	/* an opening card opens the meter whatever the count case */
	if (!m->opened && info[1] == 0x01) {
		memcpy(m->account_no, info + 16, 6);
		memcpy(m->card_serial, img->serial, 8);
		m->opened = 1;
		if (pur)
			m->unit = pur[4];
	} else if (info[1] == 0x03 && ef5[0] != 0x68) {
		memcpy(m->card_serial, img->serial, 8); /* replacement card */
	}
	if (res == VCARD_METER_CREDITED) {
		m->remaining += amount;
		m->cumulative += amount;
		m->count = n_card;
		if (pur[17] & 4)
			for (int i = 0; i < 3; i++)
				m->alarm[i] = vcard_get32(pur + 18 + 4 * i);
		if (pur[17] & 8) {
			m->credit_limit = vcard_get32(pur + 30);
			m->hoard_limit = vcard_get32(pur + 34);
		}
		vcard_meter_take_tariffs(m, pur[17], ef3, ef4);
		if (m->remaining > 0)
			m->status &= (uint16_t)~0x0001; /* a top-up closes the relay */
	}
	if (vcard_meter_write_back(&d, m, res))
		return VCARD_METER_E_PULLED;
	return res;
}
