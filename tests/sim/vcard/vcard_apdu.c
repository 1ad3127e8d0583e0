/* vcard_apdu: the card operating system. One entry point takes a command
 * APDU and produces the response a T=0 CPU card of docs/card-spec.md would
 * give; malformed input gets a status word, never a crash. This is the
 * fuzz target. */
#include "vcard.h"

#include <string.h>

static const uint8_t vcard_aid[9] = {0xF0, 'S', 'A', 'L', 'E', 'D', 'E', 'S', 'K'};

/* A parsed command. */
struct cmd {
	uint8_t cla, ins, p1, p2;
	uint8_t hdr[5];       /* header as sent, P3 included */
	int has_p3;
	size_t lc;            /* data length (0 for case 1/2) */
	size_t le;            /* expected length for case 2 (256 for 00) */
	const uint8_t *data;
};

static void sw(struct vcard_rapdu *r, uint16_t w)
{
	r->buf[r->len++] = (uint8_t)(w >> 8);
	r->buf[r->len++] = (uint8_t)w;
}

static void data_sw(struct vcard_rapdu *r, const uint8_t *d, size_t n, uint16_t w)
{
	memcpy(r->buf + r->len, d, n);
	r->len += n;
	sw(r, w);
}

/* Case 4 under T=0: keep the answer for GET RESPONSE and say 61xx. */
static void pend(struct vcard_session *s, struct vcard_rapdu *r, const uint8_t *d, size_t n)
{
	memcpy(s->resp, d, n);
	s->resp_len = n;
	sw(r, (uint16_t)(0x6100 | (n & 0xFF)));
}

static void drop_auth(struct vcard_session *s)
{
	s->auth_kid = -1;
	s->ssc = 0;
	memset(s->sk, 0, sizeof s->sk);
}

void vcard_session_reset(struct vcard_session *s)
{
	memset(s, 0, sizeof *s);
	s->auth_kid = -1;
}

/* Parses the TPDU/APDU forms a PC/SC client may send; -1 on a length the
 * card cannot make sense of. */
static int parse(const uint8_t *a, size_t n, struct cmd *c)
{
	memset(c, 0, sizeof *c);
	if (n < 4)
		return -1;
	c->cla = a[0];
	c->ins = a[1];
	c->p1 = a[2];
	c->p2 = a[3];
	memcpy(c->hdr, a, 4);
	if (n == 4)
		return 0;
	c->has_p3 = 1;
	c->hdr[4] = a[4];
	if (n == 5) {
		c->le = a[4] ? a[4] : 256;
		return 0;
	}
	c->lc = a[4];
	if (c->lc == 0)
		return -1; /* extended lengths are not supported */
	if (n != 5 + c->lc && n != 6 + c->lc)
		return -1; /* a trailing Le byte (APDU form) is tolerated */
	c->data = a + 5;
	return 0;
}

/* Verifies the trailing 8-byte MAC of an SM command; on success *n is the
 * plain data length. Returns the status word, 0x9000 when good. */
static uint16_t sm_check(struct vcard_session *s, const struct cmd *c, size_t *n)
{
	uint8_t mac[8];

	if (s->auth_kid < 0)
		return 0x6982;
	if (c->lc < VCARD_MAC_LEN)
		return 0x6987;
	*n = c->lc - VCARD_MAC_LEN;
	s->ssc++;
	if (vcard_sm_mac(s->sk, 0x01, s->ssc, c->hdr, c->data, *n, mac) ||
	    vcard_memneq(mac, c->data + *n, VCARD_MAC_LEN)) {
		/* a wrong MAC ends the session: no second guess with the
		 * same session key */
		drop_auth(s);
		return 0x6988;
	}
	return 0x9000;
}

static void do_select(struct vcard_image *img, struct vcard_session *s,
		      const struct cmd *c, struct vcard_rapdu *r)
{
	uint8_t fci[32];
	size_t n = 0;
	int target_df = -1, ef = 0;

	if (c->cla != 0x00)
		return sw(r, 0x6E00);
	if ((c->p1 != 0x00 && c->p1 != 0x04) || (c->p2 != 0x00 && c->p2 != 0x0C))
		return sw(r, 0x6A86);
	if (!c->lc)
		return sw(r, 0x6700);
	if (c->p1 == 0x04) {
		if (c->lc != sizeof vcard_aid || memcmp(c->data, vcard_aid, sizeof vcard_aid))
			return sw(r, 0x6A82);
		target_df = 1;
	} else {
		uint16_t fid;
		if (c->lc != 2)
			return sw(r, 0x6700);
		fid = (uint16_t)(c->data[0] << 8 | c->data[1]);
		if (fid == 0x3F00)
			target_df = 0;
		else if (fid == 0xDF01)
			target_df = 1;
		else if (fid >= 0x0001 && fid <= VCARD_NEF && s->df_selected == 1)
			ef = fid;
		else
			return sw(r, 0x6A82);
	}
	if (target_df == 1 && !img->personalised)
		return sw(r, 0x6A82);
	if (target_df >= 0) {
		if (target_df != s->df_selected || target_df == 0) {
			drop_auth(s); /* security state belongs to the DF */
			s->have_rd = 0;
		}
		s->df_selected = target_df;
		s->current_ef = 0;
		if (target_df == 0) {
			uint8_t mf[] = {0x6F, 0x04, 0x83, 0x02, 0x3F, 0x00};
			memcpy(fci, mf, sizeof mf);
			n = sizeof mf;
		} else {
			fci[0] = 0x6F;
			fci[1] = 2 + sizeof vcard_aid + 3;
			fci[2] = 0x84;
			fci[3] = sizeof vcard_aid;
			memcpy(fci + 4, vcard_aid, sizeof vcard_aid);
			n = 4 + sizeof vcard_aid;
			fci[n++] = 0x85; /* proprietary: key version */
			fci[n++] = 0x01;
			fci[n++] = img->key_version;
		}
	} else {
		s->current_ef = ef;
		fci[0] = 0x62;
		fci[1] = 0x0A;
		fci[2] = 0x80;
		fci[3] = 0x02;
		fci[4] = (uint8_t)(vcard_ef_size[ef] >> 8);
		fci[5] = (uint8_t)vcard_ef_size[ef];
		fci[6] = 0x82;
		fci[7] = 0x01;
		fci[8] = 0x01; /* transparent EF */
		fci[9] = 0x88;
		fci[10] = 0x01;
		fci[11] = (uint8_t)ef;
		n = 12;
	}
	if (c->p2 == 0x0C)
		return sw(r, 0x9000);
	pend(s, r, fci, n);
}

/* Resolves P1/P2 of READ/UPDATE BINARY to an EF and offset; returns 0x9000
 * or the status word. */
static uint16_t resolve_ef(struct vcard_session *s, const struct cmd *c, int *ef, size_t *off)
{
	if (s->df_selected != 1)
		return (c->p1 & 0x80) ? 0x6A82 : 0x6986;
	if (c->p1 & 0x80) {
		if (c->p1 & 0x60)
			return 0x6A86;
		*ef = c->p1 & 0x1F;
		if (*ef < 1 || *ef > VCARD_NEF)
			return 0x6A82;
		s->current_ef = *ef;
		*off = c->p2;
	} else {
		if (!s->current_ef)
			return 0x6986;
		*ef = s->current_ef;
		*off = (size_t)(c->p1 << 8 | c->p2);
	}
	if (*off >= vcard_ef_size[*ef])
		return 0x6B00;
	return 0x9000;
}

static void do_read(struct vcard_image *img, struct vcard_session *s,
		    const struct cmd *c, struct vcard_rapdu *r)
{
	int ef = 0;
	size_t off = 0, avail, want;
	uint16_t w;

	if (c->cla != 0x00 && c->cla != 0x04)
		return sw(r, 0x6E00);
	if (c->lc)
		return sw(r, 0x6700);
	if (c->cla == 0x04 && s->auth_kid < 0)
		return sw(r, 0x6982);
	w = resolve_ef(s, c, &ef, &off);
	if (w != 0x9000)
		return sw(r, w);
	avail = vcard_ef_size[ef] - off;
	want = c->has_p3 ? c->le : 256;
	if (c->cla == 0x00) {
		if (avail > 256)
			avail = 256;
		if (want > avail)
			return sw(r, (uint16_t)(0x6C00 | (avail & 0xFF)));
		return data_sw(r, img->ef[ef] + off, want, 0x9000);
	}
	/* SM read: Le counts data and the 8-byte MAC */
	if (avail > 247)
		avail = 247;
	if (want <= VCARD_MAC_LEN || want - VCARD_MAC_LEN > avail)
		return sw(r, (uint16_t)(0x6C00 | ((avail + VCARD_MAC_LEN) & 0xFF)));
	want -= VCARD_MAC_LEN;
	s->ssc++;
	{
		uint8_t mac[8];
		if (vcard_sm_mac(s->sk, 0x02, s->ssc, c->hdr, img->ef[ef] + off, want, mac))
			return sw(r, 0x6F00);
		memcpy(r->buf, img->ef[ef] + off, want);
		memcpy(r->buf + want, mac, 8);
		r->len = want + 8;
		sw(r, 0x9000);
	}
}

static int may_write(int kid, int ef)
{
	switch (ef) {
	case VCARD_EF_INFO:
	case VCARD_EF_TARIFF:
	case VCARD_EF_STANDBY:
		return kid == VCARD_KID_SALE;
	case VCARD_EF_RETURN:
		return kid == VCARD_KID_METER;
	case VCARD_EF_TECH:
		return kid == VCARD_KID_SALE || kid == VCARD_KID_METER;
	default:
		return 0; /* EF02 only through LOAD PURCHASE */
	}
}

static void do_update(struct vcard_image *img, struct vcard_session *s,
		      const struct cmd *c, struct vcard_rapdu *r)
{
	int ef = 0;
	size_t off = 0, n = 0;
	uint16_t w;

	if (c->cla != 0x00 && c->cla != 0x04)
		return sw(r, 0x6E00);
	if (!c->lc)
		return sw(r, 0x6700);
	if (c->cla == 0x00)
		return sw(r, 0x6982); /* every write needs secure messaging */
	w = resolve_ef(s, c, &ef, &off);
	if (w != 0x9000)
		return sw(r, w);
	if (s->auth_kid < 0 || !may_write(s->auth_kid, ef))
		return sw(r, 0x6982);
	w = sm_check(s, c, &n);
	if (w != 0x9000)
		return sw(r, w);
	if (!n || off + n > vcard_ef_size[ef])
		return sw(r, 0x6700);
	memcpy(img->ef[ef] + off, c->data, n);
	r->dirty = 1;
	sw(r, 0x9000);
}

static void do_challenge(struct vcard_session *s, const struct cmd *c, struct vcard_rapdu *r)
{
	if (c->cla != 0x00)
		return sw(r, 0x6E00);
	if (c->p1 || c->p2)
		return sw(r, 0x6A86);
	if (c->lc)
		return sw(r, 0x6700);
	if (!c->has_p3 || c->le != VCARD_RAND_LEN)
		return sw(r, 0x6C08);
	if (vcard_random(s->rc, VCARD_RAND_LEN))
		return sw(r, 0x6F00);
	s->have_rc = 1;
	data_sw(r, s->rc, VCARD_RAND_LEN, 0x9000);
}

static void do_int_auth(struct vcard_image *img, struct vcard_session *s,
			const struct cmd *c, struct vcard_rapdu *r)
{
	uint8_t out[16];

	if (c->cla != 0x00)
		return sw(r, 0x6E00);
	if (c->p1)
		return sw(r, 0x6A86);
	if (s->df_selected != 1 || c->p2 != VCARD_KID_INT)
		return sw(r, 0x6A88);
	if (c->lc != VCARD_RAND_LEN)
		return sw(r, 0x6700);
	/* a new desk random starts a new authentication */
	drop_auth(s);
	memcpy(s->rd, c->data, VCARD_RAND_LEN);
	s->have_rd = 1;
	if (vcard_int_auth_crypto(img->keys[VCARD_KID_INT], s->rd, img->serial, out))
		return sw(r, 0x6F00);
	pend(s, r, out, sizeof out);
}

static void do_ext_auth(struct vcard_image *img, struct vcard_session *s,
			const struct cmd *c, struct vcard_rapdu *r)
{
	uint8_t expect[16], zero[8] = {0};
	const uint8_t *key, *ksm, *rd;
	uint8_t *tries;
	int kid = c->p2;

	if (c->cla != 0x00)
		return sw(r, 0x6E00);
	if (c->p1)
		return sw(r, 0x6A86);
	if (s->df_selected == 0 && kid == VCARD_KID_TRANSPORT) {
		key = img->transport_key;
		ksm = img->transport_key;
		tries = &img->transport_tries;
		rd = zero; /* no internal authentication on a blank card */
	} else if (s->df_selected == 1 && (kid == VCARD_KID_SALE || kid == VCARD_KID_METER)) {
		key = img->keys[kid];
		ksm = img->keys[VCARD_KID_SM];
		tries = &img->tries[kid];
		rd = s->rd;
	} else {
		return sw(r, 0x6A88);
	}
	if (c->lc != 16)
		return sw(r, 0x6700);
	if (*tries == 0)
		return sw(r, 0x6983);
	if (!s->have_rc)
		return sw(r, 0x6984);
	if (s->df_selected == 1 && !s->have_rd)
		return sw(r, 0x6985); /* three-pass: INTERNAL AUTHENTICATE first */
	s->have_rc = 0; /* a challenge is good for one try only */
	drop_auth(s);
	if (vcard_ext_auth_crypto(key, s->rc, rd, expect))
		return sw(r, 0x6F00);
	if (vcard_memneq(expect, c->data, 16)) {
		(*tries)--;
		r->dirty = 1;
		return sw(r, (uint16_t)(0x63C0 | *tries));
	}
	if (*tries != VCARD_MAX_TRIES) {
		*tries = VCARD_MAX_TRIES;
		r->dirty = 1;
	}
	if (vcard_session_key(ksm, rd, s->rc, (uint8_t)kid, s->sk))
		return sw(r, 0x6F00);
	s->auth_kid = kid;
	s->ssc = 0;
	sw(r, 0x9000);
}

static void do_get_response(struct vcard_session *s, const struct cmd *c,
			    struct vcard_rapdu *r, size_t pending)
{
	size_t want;

	if (c->cla != 0x00)
		return sw(r, 0x6E00);
	if (c->p1 || c->p2)
		return sw(r, 0x6A86);
	if (c->lc)
		return sw(r, 0x6700);
	if (!pending)
		return sw(r, 0x6985);
	want = c->has_p3 ? c->le : 256;
	if (want > pending)
		return sw(r, (uint16_t)(0x6C00 | (pending & 0xFF)));
	memcpy(r->buf, s->resp, want);
	r->len = want;
	if (want < pending) {
		memmove(s->resp, s->resp + want, pending - want);
		s->resp_len = pending - want;
		return sw(r, (uint16_t)(0x6100 | ((pending - want) & 0xFF)));
	}
	sw(r, 0x9000);
}

static void do_personalise(struct vcard_image *img, struct vcard_session *s,
			   const struct cmd *c, struct vcard_rapdu *r)
{
	uint8_t keys[VCARD_NKEYS][VCARD_KEY_LEN] = {{0}};
	size_t n = 0;
	uint16_t w;

	if (c->p1 || c->p2)
		return sw(r, 0x6A86);
	if (s->df_selected != 0 || img->personalised)
		return sw(r, 0x6985);
	if (s->auth_kid != VCARD_KID_TRANSPORT)
		return sw(r, 0x6982);
	w = sm_check(s, c, &n);
	if (w != 0x9000)
		return sw(r, w);
	if (n != 1 + 4 * VCARD_KEY_LEN)
		return sw(r, 0x6700);
	for (int k = 1; k < VCARD_NKEYS; k++) {
		uint8_t blk[16] = {0}, ks[16];
		blk[0] = (uint8_t)k;
		if (vcard_aes_block(s->sk, blk, ks))
			return sw(r, 0x6F00);
		for (int i = 0; i < VCARD_KEY_LEN; i++)
			keys[k][i] = c->data[1 + (k - 1) * 16 + i] ^ ks[i];
	}
	vcard_image_create_df(img, c->data[0], keys);
	memset(keys, 0, sizeof keys);
	drop_auth(s);
	r->dirty = 1;
	sw(r, 0x9000);
}

/* Purchase sequence number of a purchase frame, 0 if the file is empty. */
static uint32_t purchase_seq(const uint8_t *ef, size_t size)
{
	const uint8_t *body;
	uint8_t cmd;
	int n = vcard_unframe(ef, size, &cmd, &body);

	if (n < 4 || cmd != 0x02)
		return 0;
	return vcard_get32(body);
}

/* EF05 holds the desk's cancel record of purchase n (result 02, count
 * n - 1). */
static int cancelled(const struct vcard_image *img, uint32_t n)
{
	const uint8_t *body;
	uint8_t cmd;

	return vcard_unframe(img->ef[VCARD_EF_RETURN], vcard_ef_size[VCARD_EF_RETURN], &cmd,
			     &body) == 90 && cmd == 0x11 && body[75] == 0x02 &&
	       vcard_get32(body + 12) == n - 1;
}

static void do_load(struct vcard_image *img, struct vcard_session *s,
		    const struct cmd *c, struct vcard_rapdu *r)
{
	size_t n = 0;
	uint32_t old, seq;
	const uint8_t *body;
	uint8_t cmd;
	uint16_t w;

	if (c->p1 || c->p2)
		return sw(r, 0x6A86);
	if (s->df_selected != 1 || s->auth_kid != VCARD_KID_SALE)
		return sw(r, 0x6982);
	w = sm_check(s, c, &n);
	if (w != 0x9000)
		return sw(r, w);
	if (n < 10 || n > vcard_ef_size[VCARD_EF_PURCHASE])
		return sw(r, 0x6700);
	if (vcard_unframe(c->data, n, &cmd, &body) < 4 || cmd != 0x02)
		return sw(r, 0x6A80);
	seq = vcard_get32(body);
	old = purchase_seq(img->ef[VCARD_EF_PURCHASE], vcard_ef_size[VCARD_EF_PURCHASE]);
	/* N + 1 follows N; a purchase cancelled at the desk gives its N back
	 * (spec 8.9), so the meter's count never has a hole */
	if (seq == 0 || (old && seq != old + 1 && !(seq == old && cancelled(img, old))))
		return sw(r, 0x6A80);
	/* no stacking: the meter must have written back the last purchase */
	if (old && img->ef[VCARD_EF_RETURN][0] != 0x68)
		return sw(r, 0x6985);
	/* the commit point: purchase in, return file out, one EEPROM write */
	memset(img->ef[VCARD_EF_PURCHASE], 0, vcard_ef_size[VCARD_EF_PURCHASE]);
	memcpy(img->ef[VCARD_EF_PURCHASE], c->data, n);
	memset(img->ef[VCARD_EF_RETURN], 0, vcard_ef_size[VCARD_EF_RETURN]);
	r->dirty = 1;
	sw(r, 0x9000);
}

/* CANCEL PURCHASE (spec 8.11): the desk's return record for a purchase no
 * meter has credited, so that no meter ever will. Only the desk key, only
 * a result-02 record one count below EF02's N, only while EF05 is empty:
 * the desk cannot overwrite or fake a meter's write-back with it. */
static void do_cancel(struct vcard_image *img, struct vcard_session *s,
		      const struct cmd *c, struct vcard_rapdu *r)
{
	size_t n = 0;
	uint32_t old;
	const uint8_t *body;
	uint8_t cmd;
	uint16_t w;

	if (c->p1 || c->p2)
		return sw(r, 0x6A86);
	if (s->df_selected != 1 || s->auth_kid != VCARD_KID_SALE)
		return sw(r, 0x6982);
	w = sm_check(s, c, &n);
	if (w != 0x9000)
		return sw(r, w);
	if (n != vcard_ef_size[VCARD_EF_RETURN])
		return sw(r, 0x6700);
	if (vcard_unframe(c->data, n, &cmd, &body) != 90 || cmd != 0x11 || body[75] != 0x02)
		return sw(r, 0x6A80);
	old = purchase_seq(img->ef[VCARD_EF_PURCHASE], vcard_ef_size[VCARD_EF_PURCHASE]);
	/* only a purchase that no meter has written back can be cancelled */
	if (!old || img->ef[VCARD_EF_RETURN][0] == 0x68)
		return sw(r, 0x6985);
	if (vcard_get32(body + 12) != old - 1)
		return sw(r, 0x6A80);
	/* the commit point of the cancel: one EEPROM write */
	memset(img->ef[VCARD_EF_RETURN], 0, vcard_ef_size[VCARD_EF_RETURN]);
	memcpy(img->ef[VCARD_EF_RETURN], c->data, n);
	r->dirty = 1;
	sw(r, 0x9000);
}

static void do_erase(struct vcard_image *img, struct vcard_session *s,
		     const struct cmd *c, struct vcard_rapdu *r)
{
	size_t n = 0;
	uint16_t w;

	if (c->p1 || c->p2)
		return sw(r, 0x6A86);
	if (s->df_selected != 1 || s->auth_kid != VCARD_KID_SALE)
		return sw(r, 0x6982);
	w = sm_check(s, c, &n);
	if (w != 0x9000)
		return sw(r, w);
	if (n)
		return sw(r, 0x6700);
	img->personalised = 0;
	img->key_version = 0;
	memset(img->keys, 0, sizeof img->keys);
	memset(img->tries, 0, sizeof img->tries);
	memset(img->ef, 0, sizeof img->ef);
	drop_auth(s);
	s->df_selected = 0;
	s->current_ef = 0;
	r->dirty = 1;
	sw(r, 0x9000);
}

void vcard_apdu_process(struct vcard_image *img, struct vcard_session *s,
			const uint8_t *apdu, size_t len, struct vcard_rapdu *r)
{
	struct cmd c;
	size_t pending = s->resp_len;

	memset(r, 0, sizeof *r);
	s->resp_len = 0; /* any command but GET RESPONSE drops the answer */
	if (parse(apdu, len, &c))
		return sw(r, 0x6700);
	if ((c.cla & 0x03) || (c.cla & 0x70))
		return sw(r, 0x6E00); /* no logical channels, no chaining */
	if ((c.ins & 0x01) || (c.ins & 0xF0) == 0x60 || (c.ins & 0xF0) == 0x90)
		return sw(r, 0x6D00);
	if (c.cla == 0x84) {
		switch (c.ins) {
		case 0xE0:
			return do_personalise(img, s, &c, r);
		case 0x52:
			return do_load(img, s, &c, r);
		case 0x54:
			return do_cancel(img, s, &c, r);
		case 0x0E:
			return do_erase(img, s, &c, r);
		default:
			return sw(r, 0x6D00);
		}
	}
	switch (c.ins) {
	case 0xA4:
		return do_select(img, s, &c, r);
	case 0xB0:
		return do_read(img, s, &c, r);
	case 0xD6:
		return do_update(img, s, &c, r);
	case 0x84:
		return do_challenge(s, &c, r);
	case 0x88:
		return do_int_auth(img, s, &c, r);
	case 0x82:
		return do_ext_auth(img, s, &c, r);
	case 0xC0:
		return do_get_response(s, &c, r, pending);
	case 0xE0:
	case 0x52:
	case 0x54:
	case 0x0E:
		return sw(r, 0x6E00); /* proprietary commands need CLA 84 */
	default:
		return sw(r, 0x6D00);
	}
}
