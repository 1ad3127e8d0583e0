/* vcard_desk: the outside of the card protocol, offline. Every step is a
 * real APDU through the card engine, so the counts and status words are
 * the ones a reader would see. */
#include "vcard_desk.h"

#include <string.h>

static const uint8_t desk_aid[9] = {0xF0, 'S', 'A', 'L', 'E', 'D', 'E', 'S', 'K'};

void vcard_desk_open(struct vcard_desk *d, struct vcard_image *img,
		     const struct vcard_keyset *ks)
{
	memset(d, 0, sizeof *d);
	d->img = img;
	d->ks = ks;
	vcard_session_reset(&d->ses);
}

uint16_t vcard_desk_xmit(struct vcard_desk *d, const uint8_t *apdu, size_t n,
			 uint8_t *resp, size_t *rlen)
{
	struct vcard_rapdu r;

	vcard_apdu_process(d->img, &d->ses, apdu, n, &r);
	d->apdus++;
	memcpy(resp, r.buf, r.len);
	*rlen = r.len;
	d->last_sw = (uint16_t)(r.buf[r.len - 2] << 8 | r.buf[r.len - 1]);
	return d->last_sw;
}

/* Sends a case-4 command and fetches its answer with GET RESPONSE. */
static uint16_t xmit_get(struct vcard_desk *d, const uint8_t *apdu, size_t n,
			 uint8_t *out, size_t want)
{
	uint8_t resp[260], gr[5] = {0x00, 0xC0, 0x00, 0x00, 0};
	size_t rl;
	uint16_t sw = vcard_desk_xmit(d, apdu, n, resp, &rl);

	if ((sw & 0xFF00) != 0x6100)
		return sw;
	if ((sw & 0xFF) != want)
		return d->last_sw = 0x6F00;
	gr[4] = (uint8_t)want;
	sw = vcard_desk_xmit(d, gr, 5, resp, &rl);
	if (sw == 0x9000)
		memcpy(out, resp, want);
	return sw;
}

int vcard_desk_auth(struct vcard_desk *d, int kid)
{
	uint8_t apdu[32], resp[260], rd[8], rc[8], card_key[16], expect[16], got[16];
	size_t rl;
	int rc_ = -1;

	memcpy(apdu, "\x00\xA4\x04\x0C\x09", 5);
	memcpy(apdu + 5, desk_aid, 9);
	if (vcard_desk_xmit(d, apdu, 14, resp, &rl) != 0x9000)
		goto out;
	/* pass 1: the card proves it holds K_INT for its serial */
	if (vcard_random(rd, 8))
		goto out;
	memcpy(apdu, "\x00\x88\x00\x01\x08", 5);
	memcpy(apdu + 5, rd, 8);
	if (xmit_get(d, apdu, 13, got, 16) != 0x9000)
		goto out;
	if (vcard_keyset_card_key(d->ks, VCARD_KID_INT, d->img->serial, card_key) ||
	    vcard_int_auth_crypto(card_key, rd, d->img->serial, expect))
		goto out;
	if (vcard_memneq(expect, got, 16)) {
		rc_ = -2;
		goto out;
	}
	/* pass 2 and 3: challenge, and our proof under K_EXT */
	if (vcard_desk_xmit(d, (const uint8_t *)"\x00\x84\x00\x00\x08", 5, resp, &rl) != 0x9000)
		goto out;
	memcpy(rc, resp, 8);
	if (vcard_keyset_card_key(d->ks, kid, d->img->serial, card_key) ||
	    vcard_ext_auth_crypto(card_key, rc, rd, expect))
		goto out;
	apdu[0] = 0x00;
	apdu[1] = 0x82;
	apdu[2] = 0x00;
	apdu[3] = (uint8_t)kid;
	apdu[4] = 0x10;
	memcpy(apdu + 5, expect, 16);
	if (vcard_desk_xmit(d, apdu, 21, resp, &rl) != 0x9000)
		goto out;
	if (vcard_keyset_card_key(d->ks, VCARD_KID_SM, d->img->serial, card_key) ||
	    vcard_session_key(card_key, rd, rc, (uint8_t)kid, d->sk))
		goto out;
	d->ssc = 0;
	rc_ = 0;
out:
	memset(card_key, 0, sizeof card_key);
	return rc_;
}

uint16_t vcard_desk_sm(struct vcard_desk *d, uint8_t cla, uint8_t ins, uint8_t p1,
		       uint8_t p2, const uint8_t *data, size_t n)
{
	uint8_t apdu[5 + 256], resp[260];
	size_t rl;

	if (n + 8 > 255)
		return 0x6700;
	apdu[0] = cla;
	apdu[1] = ins;
	apdu[2] = p1;
	apdu[3] = p2;
	apdu[4] = (uint8_t)(n + 8);
	if (n)
		memcpy(apdu + 5, data, n);
	d->ssc++;
	if (vcard_sm_mac(d->sk, 0x01, d->ssc, apdu, data, n, apdu + 5 + n))
		return 0x6F00;
	return vcard_desk_xmit(d, apdu, 5 + n + 8, resp, &rl);
}

int vcard_desk_read_mac(struct vcard_desk *d, int sfi, uint8_t *out, size_t n)
{
	uint8_t apdu[5], resp[260], mac[8];
	size_t rl;

	if (n > 247)
		return -1;
	apdu[0] = 0x04;
	apdu[1] = 0xB0;
	apdu[2] = (uint8_t)(0x80 | sfi);
	apdu[3] = 0x00;
	apdu[4] = (uint8_t)(n + 8);
	if (vcard_desk_xmit(d, apdu, 5, resp, &rl) != 0x9000 || rl != n + 10)
		return -1;
	d->ssc++;
	if (vcard_sm_mac(d->sk, 0x02, d->ssc, apdu, resp, n, mac) ||
	    vcard_memneq(mac, resp + n, 8))
		return -1;
	memcpy(out, resp, n);
	return 0;
}

int vcard_desk_personalise(struct vcard_desk *d, const struct vcard_info *info)
{
	uint8_t apdu[32], resp[260], rc[8], zero[8] = {0}, kt[16], data[1 + 64];
	uint8_t body[52], frame[64];
	size_t rl;
	int rc_ = -1;

	if (vcard_desk_xmit(d, (const uint8_t *)"\x00\xA4\x00\x0C\x02\x3F\x00", 7, resp, &rl) != 0x9000)
		goto out;
	if (vcard_desk_xmit(d, (const uint8_t *)"\x00\x84\x00\x00\x08", 5, resp, &rl) != 0x9000)
		goto out;
	memcpy(rc, resp, 8);
	if (vcard_keyset_card_key(d->ks, VCARD_KID_TRANSPORT, d->img->serial, kt) ||
	    vcard_ext_auth_crypto(kt, rc, zero, apdu + 5))
		goto out;
	memcpy(apdu, "\x00\x82\x00\x00\x10", 5);
	if (vcard_desk_xmit(d, apdu, 21, resp, &rl) != 0x9000)
		goto out;
	if (vcard_session_key(kt, zero, rc, 0x00, d->sk))
		goto out;
	d->ssc = 0;
	data[0] = d->ks->key_version;
	for (int k = 1; k < VCARD_NKEYS; k++) {
		uint8_t blk[16] = {0}, stream[16], key[16];
		blk[0] = (uint8_t)k;
		if (vcard_aes_block(d->sk, blk, stream) ||
		    vcard_keyset_card_key(d->ks, k, d->img->serial, key))
			goto out;
		for (int i = 0; i < 16; i++)
			data[1 + (k - 1) * 16 + i] = key[i] ^ stream[i];
		memset(key, 0, sizeof key);
	}
	if (vcard_desk_sm(d, 0x84, 0xE0, 0x00, 0x00, data, sizeof data) != 0x9000)
		goto out;
	if (vcard_desk_auth(d, VCARD_KID_SALE))
		goto out;
	memset(body, 0, sizeof body);
	body[0] = info->card_type;
	body[1] = info->subtype;
	body[2] = d->ks->key_version;
	body[3] = 0x01;
	memcpy(body + 4, d->img->serial, 8);
	vcard_put32(body + 12, info->utility);
	memcpy(body + 16, info->account, 6);
	body[22] = info->nmeters;
	memcpy(body + 23, info->meters, sizeof info->meters);
	vcard_put32(body + 47, info->issued);
	if (vcard_frame(0x01, body, sizeof body, frame, sizeof frame) < 0)
		goto out;
	if (vcard_desk_sm(d, 0x04, 0xD6, 0x81, 0x00, frame, 58) != 0x9000)
		goto out;
	rc_ = 0;
out:
	memset(kt, 0, sizeof kt);
	memset(data, 0, sizeof data);
	return rc_;
}

int vcard_purchase_encode(const struct vcard_keyset *ks, const uint8_t serial[8],
			  const struct vcard_purchase *p, const uint8_t *tariff,
			  const uint8_t *standby, uint8_t out[64])
{
	uint8_t body[54], krec[16], extra[192];
	size_t ne = 0;
	int rc = -1;

	memset(body, 0, sizeof body);
	vcard_put32(body, p->seq);
	body[4] = p->unit;
	vcard_put32(body + 5, p->amount);
	vcard_put64(body + 9, p->cumulative);
	body[17] = p->flags;
	for (int i = 0; i < 3; i++)
		vcard_put32(body + 18 + 4 * i, p->alarm[i]);
	vcard_put32(body + 30, p->credit_limit);
	vcard_put32(body + 34, p->hoard_limit);
	vcard_put32(body + 38, p->time);
	vcard_put32(body + 42, p->terminal);
	if ((p->flags & 1) && tariff) {
		memcpy(extra + ne, tariff, 96);
		ne += 96;
	}
	if ((p->flags & 2) && standby) {
		memcpy(extra + ne, standby, 96);
		ne += 96;
	}
	if (vcard_keyset_card_key(ks, VCARD_KEYSET_REC, serial, krec) ||
	    vcard_rec_mac(krec, 'P', serial, body, 46, extra, ne, body + 46))
		goto out;
	memset(out, 0, 64);
	if (vcard_frame(0x02, body, sizeof body, out, 64) < 0)
		goto out;
	rc = 0;
out:
	memset(krec, 0, sizeof krec);
	return rc;
}

int vcard_desk_purchase(struct vcard_desk *d, const struct vcard_purchase *p)
{
	uint8_t ef2[64], ef5[96], rec[64], tariff[96], standby[96];
	const uint8_t *body;
	uint8_t cmd;
	uint32_t old = 0;
	int r;

	r = vcard_desk_auth(d, VCARD_KID_SALE);
	if (r)
		return r;
	if (vcard_desk_read_mac(d, VCARD_EF_PURCHASE, ef2, sizeof ef2) ||
	    vcard_desk_read_mac(d, VCARD_EF_RETURN, ef5, sizeof ef5))
		return -1;
	if (vcard_unframe(ef2, sizeof ef2, &cmd, &body) >= 4 && cmd == 0x02)
		old = vcard_get32(body);
	/* the desk's own rule, before the card's: no stacking */
	if (old && ef5[0] != 0x68)
		return -3;
	/* tariff files go first; they are inert until the purchase names them */
	memcpy(tariff, d->img->ef[VCARD_EF_TARIFF], 96);
	memcpy(standby, d->img->ef[VCARD_EF_STANDBY], 96);
	if (vcard_purchase_encode(d->ks, d->img->serial, p, tariff, standby, rec))
		return -1;
	if (vcard_desk_sm(d, 0x84, 0x52, 0x00, 0x00, rec, 60) != 0x9000)
		return -1;
	return 0;
}
