/* card: the desk's card operations, one PC/SC transaction each. */
#include "card.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "clock.h"
#include "err.h"
#include "log.h"

static const uint8_t aid[9] = {0xF0, 'S', 'A', 'L', 'E', 'D', 'E', 'S', 'K'};

/* One card operation in progress. */
struct io {
	struct card_reader *r;
	uint8_t serial[8];
	const struct card_keyset *ks;
	uint8_t sk[16];
	uint32_t ssc;
	int began;
	int pmac_vouched;  /* a return record vouches for EF02's PMAC (purchase_prelude) */
	int not_chips;     /* EF01 names another serial than the ATR's */
};

char *card_serial_hex(const uint8_t serial[8], char out[17])
{
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02X", serial[i]);
	return out;
}

int card_serial_parse(const char *hex, uint8_t out[8])
{
	for (int i = 0; i < 8; i++) {
		unsigned v;
		if (!isxdigit((unsigned char)hex[2 * i]) || !isxdigit((unsigned char)hex[2 * i + 1]) ||
		    sscanf(hex + 2 * i, "%2X", &v) != 1)
			return err_set(-SD_INVAL, "bad card serial %.16s", hex);
		out[i] = (uint8_t)v;
	}
	return hex[16] ? err_set(-SD_INVAL, "bad card serial %.20s", hex) : 0;
}

/* Turns an unexpected status word into the class a cashier understands. */
static int sw_err(uint16_t sw, const char *what)
{
	if ((sw & 0xFFF0) == 0x63C0)
		return err_set(-SD_CARD_AUTH, "%s: the card refused this desk's key (%d tries left); "
					      "it is another utility's card or one of a key version "
					      "this desk lacks", what, sw & 0x0F);
	switch (sw) {
	case 0x6983:
		return err_set(-SD_CARD_AUTH, "%s: the card's key is blocked after wrong keys; "
					      "the card cannot be used any more", what);
	case 0x6988:
		return err_set(-SD_CARD_AUTH, "%s: the card rejected the MAC", what);
	case 0x6982:
		return err_set(-SD_CARD_AUTH, "%s: the card did not grant this desk access", what);
	case 0x6A82:
		return err_set(-SD_CARD_FORMAT, "%s: blank card (not issued): issue it first", what);
	case 0x6A80:
		return err_set(-SD_CARD_COUNT, "%s: the card refused the purchase sequence number",
			       what);
	case 0x6581:
		return err_set(-SD_CARD_SW, "%s: the card could not write its memory (6581); nothing "
					    "was changed: try again, or replace the card", what);
	default:
		return err_set(-SD_CARD_SW, "%s: the card answered %04X", what, sw);
	}
}

static int xmit(struct io *io, const uint8_t *a, size_t n, uint8_t *resp, size_t cap,
		size_t *rl, uint16_t *sw)
{
	return reader_transmit(io->r, a, n, resp, cap, rl, sw);
}

/* Sends a command that must answer 9000 with no data wanted. */
static int cmd_ok(struct io *io, const uint8_t *a, size_t n, const char *what)
{
	uint8_t resp[258];
	size_t rl;
	uint16_t sw;
	int rc = xmit(io, a, n, resp, sizeof(resp), &rl, &sw);

	if (rc)
		return rc;
	return sw == 0x9000 ? 0 : sw_err(sw, what);
}

/* Connects, checks the ATR form (3B 69 00 00 serial version) and starts
 * the transaction. */
static int io_open(struct io *io, struct card_reader *r)
{
	uint8_t atr[READER_ATR_MAX];
	size_t alen = 0;
	int rc;

	memset(io, 0, sizeof(*io));
	io->r = r;
	reader_reset_counters(r);
	if ((rc = reader_connect(r, atr, &alen)))
		return rc;
	if (alen != 13 || atr[0] != 0x3B || atr[1] != 0x69)
		return err_set(-SD_CARD_FORMAT, "not a saledesk card (its ATR is %zu bytes, %02X %02X "
						"...): take it out", alen, atr[0], alen > 1 ? atr[1] : 0);
	if (atr[12] != 0x01)
		return err_set(-SD_CARD_FORMAT, "card OS version %02X, this desk knows 01", atr[12]);
	memcpy(io->serial, atr + 4, 8);
	if ((rc = reader_begin(r)))
		return rc;
	io->began = 1;
	return 0;
}

static void io_close(struct io *io, struct card_state *st)
{
	if (io->began)
		reader_end(io->r);
	if (st)
		reader_counters(io->r, &st->apdus, &st->bytes);
	OPENSSL_cleanse(io->sk, sizeof(io->sk));
}

/* Whether an answer that names another card than the ATR should be asked
 * again after a reset: pcscd keeps the ATR it read at power-up, so a card
 * swapped in the middle of an exchange (faster than pcscd polls the
 * reader; seen with the virtual reader) answers under the old card's
 * ATR. A reset makes pcscd power the card in the reader and read its own
 * ATR. A true copy fails the same way again, one reset later. */
static int fresh_atr(struct io *io, struct card_state *st)
{
	log_debug("card: its files name another card than its ATR: resetting it to read "
		  "the ATR again");
	io_close(io, st);
	reader_disconnect(io->r, 1);
	return 1;
}

/* SELECT DF01 by AID; with kv, asks for the FCI and takes the key version
 * (tag 85). Returns 1 for a blank card (6A82). */
static int select_df(struct io *io, uint8_t *kv)
{
	uint8_t a[14] = {0x00, 0xA4, 0x04, 0x0C, 0x09}, resp[64];
	size_t rl;
	uint16_t sw;
	int rc;

	memcpy(a + 5, aid, 9);
	if (kv)
		a[3] = 0x00;
	if ((rc = xmit(io, a, sizeof(a), resp, sizeof(resp), &rl, &sw)))
		return rc;
	if (sw == 0x6A82)
		return 1;
	if (sw != 0x9000)
		return sw_err(sw, "SELECT");
	if (kv) {
		for (size_t i = 2; i + 2 < rl; i++)
			if (resp[i] == 0x85 && resp[i + 1] == 0x01) {
				*kv = resp[i + 2];
				return 0;
			}
		return err_set(-SD_CARD_FORMAT, "the card did not name its key version");
	}
	return 0;
}

static int read_plain(struct io *io, int sfi, uint8_t *out, size_t n)
{
	uint8_t a[5] = {0x00, 0xB0, (uint8_t)(0x80 | sfi), 0x00, (uint8_t)n};
	size_t rl;
	uint16_t sw;
	int rc = xmit(io, a, 5, out, n, &rl, &sw);

	if (rc)
		return rc;
	if (sw != 0x9000)
		return sw_err(sw, "READ BINARY");
	if (rl != n)
		return err_set(-SD_CARD_FORMAT, "EF%02d: %zu bytes read, %zu expected", sfi, rl, n);
	return 0;
}

/* Secure-messaging command: header, data, MAC (SSC advanced first). */
static int sm_cmd(struct io *io, uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2,
		  const uint8_t *data, size_t n, uint16_t *sw_out, const char *what)
{
	uint8_t a[5 + 256], resp[258];
	size_t rl;
	uint16_t sw;
	int rc;

	if (n + 8 > 255)
		return err_set(-SD_INVAL, "%s: %zu bytes do not fit one APDU", what, n);
	a[0] = cla;
	a[1] = ins;
	a[2] = p1;
	a[3] = p2;
	a[4] = (uint8_t)(n + 8);
	if (n)
		memcpy(a + 5, data, n);
	io->ssc++;
	if ((rc = card_sm_mac(io->sk, 0x01, io->ssc, a, data, n, a + 5 + n)))
		return rc;
	rc = xmit(io, a, 5 + n + 8, resp, sizeof(resp), &rl, &sw);
	OPENSSL_cleanse(a, sizeof(a));
	if (rc)
		return rc;
	if (sw_out)
		*sw_out = sw;
	if (sw != 0x9000 && !sw_out)
		return sw_err(sw, what);
	return 0;
}

/* READ BINARY with MAC of n bytes of EF sfi; checks the response MAC. */
static int read_mac(struct io *io, int sfi, uint8_t *out, size_t n)
{
	uint8_t a[5] = {0x04, 0xB0, (uint8_t)(0x80 | sfi), 0x00, (uint8_t)(n + 8)}, resp[258], mac[8];
	size_t rl;
	uint16_t sw;
	int rc = xmit(io, a, 5, resp, sizeof(resp), &rl, &sw);

	if (rc)
		return rc;
	if (sw != 0x9000)
		return sw_err(sw, "READ BINARY with MAC");
	if (rl != n + 8)
		return err_set(-SD_CARD_FORMAT, "EF%02d: %zu bytes read, %zu expected", sfi, rl, n + 8);
	io->ssc++;
	if ((rc = card_sm_mac(io->sk, 0x02, io->ssc, a, resp, n, mac)))
		return rc;
	if (card_memneq(mac, resp + n, 8))
		return err_set(-SD_CARD_AUTH, "EF%02d came back with a wrong MAC: the card or the "
					      "reader line altered it", sfi);
	memcpy(out, resp, n);
	return 0;
}

static int keyset_for(struct io *io, const struct card_keyring *ring, int kv)
{
	io->ks = card_keys_find(ring, kv);
	if (!io->ks)
		return err_set(-SD_CARD_AUTH, "the card is of key version %02X, which this desk's key "
					      "file does not hold: use the desk that issued it, or "
					      "import that version", kv);
	return 0;
}

/* Three-pass mutual authentication (spec 9.1) with key kid, DF01 selected. */
static int authenticate(struct io *io, int kid)
{
	uint8_t a[21], resp[32], rd[8], rc8[8], k[16], want[16];
	size_t rl;
	uint16_t sw;
	int rc;

	if ((rc = card_random(rd, 8)))
		return rc;
	memcpy(a, "\x00\x88\x00\x01\x08", 5);
	memcpy(a + 5, rd, 8);
	if ((rc = xmit(io, a, 13, resp, sizeof(resp), &rl, &sw)))
		goto out;
	if (sw != 0x9000 || rl != 16) {
		rc = sw == 0x9000 ? err_set(-SD_CARD_FORMAT, "internal authentication: %zu bytes", rl)
				  : sw_err(sw, "INTERNAL AUTHENTICATE");
		goto out;
	}
	if ((rc = card_diversify(io->ks->mk[CARD_KID_INT], io->serial, k)))
		goto out;
	memcpy(a, rd, 8);
	memcpy(a + 8, io->serial, 8);
	if ((rc = card_aes(k, a, want)))
		goto out;
	if (card_memneq(want, resp, 16)) {
		/* stop here: no try counter is spent on a foreign card */
		rc = err_set(-SD_CARD_AUTH, "the card could not prove the key of version %02X: it is "
					    "another utility's card, a copy, or damaged",
			     io->ks->version);
		goto out;
	}
	if ((rc = xmit(io, (const uint8_t *)"\x00\x84\x00\x00\x08", 5, resp, sizeof(resp), &rl,
		       &sw)))
		goto out;
	if (sw != 0x9000 || rl != 8) {
		rc = sw_err(sw, "GET CHALLENGE");
		goto out;
	}
	memcpy(rc8, resp, 8);
	if ((rc = card_diversify(io->ks->mk[kid], io->serial, k)))
		goto out;
	memcpy(want, rc8, 8);
	memcpy(want + 8, rd, 8);
	a[0] = 0x00;
	a[1] = 0x82;
	a[2] = 0x00;
	a[3] = (uint8_t)kid;
	a[4] = 0x10;
	if ((rc = card_aes(k, want, a + 5)))
		goto out;
	if ((rc = cmd_ok(io, a, 21, "EXTERNAL AUTHENTICATE")))
		goto out;
	if ((rc = card_diversify(io->ks->mk[CARD_KID_SM], io->serial, k)) ||
	    (rc = card_session_key(k, rd, rc8, (uint8_t)kid, io->sk)))
		goto out;
	io->ssc = 0;
out:
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(a, sizeof(a));
	return rc;
}

/* Checks a record MAC with the card's K05. */
static int check_rec_mac(struct io *io, uint8_t tag, const uint8_t *body, size_t n,
			 const uint8_t *extra, size_t ne, const uint8_t *mac, const char *what)
{
	uint8_t k[16], want[8];
	int rc;

	if ((rc = card_diversify(io->ks->mk[CARD_KID_REC], io->serial, k)) ||
	    (rc = card_rec_mac(k, tag, io->serial, body, n, extra, ne, want)))
		goto out;
	if (card_memneq(want, mac, 8))
		rc = err_set(-SD_CARD_AUTH, "the %s on the card has a wrong MAC: it was altered or "
					    "not written by this utility", what);
out:
	OPENSSL_cleanse(k, sizeof(k));
	return rc;
}

static int rec_mac(struct io *io, uint8_t tag, const uint8_t *body, size_t n,
		   const uint8_t *extra, size_t ne, uint8_t mac[8])
{
	uint8_t k[16];
	int rc = card_diversify(io->ks->mk[CARD_KID_REC], io->serial, k);

	if (!rc)
		rc = card_rec_mac(k, tag, io->serial, body, n, extra, ne, mac);
	OPENSSL_cleanse(k, sizeof(k));
	return rc;
}

/* The tariff id of an EF03/EF04 frame of record cmd, 0 if it is not one. */
static uint32_t tariff_id_of(const uint8_t *ef, uint8_t cmd)
{
	const uint8_t *b;
	uint8_t got = 0;

	return card_unframe(ef, 96, &got, &b) == 78 && got == cmd ? card_get32(b + 1) : 0;
}

/* Decodes EF01, EF02, EF05 (and EF06) into st; with io->ks checks the
 * record MACs (EF03/EF04 given for a PMAC that names them). */
static int decode(struct io *io, const uint8_t *ef1, const uint8_t *ef2, const uint8_t *ef3,
		  const uint8_t *ef4, const uint8_t *ef5, const uint8_t *ef6, struct card_state *st)
{
	const uint8_t *b;
	uint8_t cmd = 0;
	int n, rc;

	if ((n = card_unframe(ef1, 64, &cmd, &b)) < 0)
		return n;
	if (n) {
		if (cmd != 0x01 || n != 52)
			return err_set(-SD_CARD_FORMAT, "EF01 holds record %02X of %d bytes", cmd, n);
		card_info_decode(b, &st->info);
		st->issued = 1;
		if (memcmp(st->info.serial, io->serial, 8)) {
			io->not_chips = 1;
			return err_set(-SD_CARD_AUTH, "the serial in EF01 is not the chip's: a copied "
						      "card; keep it and report it");
		}
	}
	if ((n = card_unframe(ef2, 64, &cmd, &b)) < 0)
		return n;
	if (n) {
		uint8_t extra[192];
		size_t ne = 0;
		if (cmd != 0x02 || n != 54)
			return err_set(-SD_CARD_FORMAT, "EF02 holds record %02X of %d bytes", cmd, n);
		card_purchase_decode(b, &st->last);
		st->has_purchase = 1;
		if (io->ks && !io->pmac_vouched) {
			if ((st->last.flags & 1) && ef3)
				memcpy(extra + ne, ef3, 96), ne += 96;
			if ((st->last.flags & 2) && ef4)
				memcpy(extra + ne, ef4, 96), ne += 96;
			if ((rc = check_rec_mac(io, 'P', b, 46, extra, ne, b + 46, "purchase record")))
				return rc;
			if ((st->last.flags & 1) && ef3)
				st->ef03_id = tariff_id_of(ef3, 0x03);
			if ((st->last.flags & 2) && ef4)
				st->ef04_id = tariff_id_of(ef4, 0x04);
		}
	}
	if ((n = card_unframe(ef5, 96, &cmd, &b)) < 0)
		return n;
	if (n) {
		if (cmd != 0x11 || n != 90)
			return err_set(-SD_CARD_FORMAT, "EF05 holds record %02X of %d bytes", cmd, n);
		card_return_decode(b, &st->ret);
		st->returned = 1;
		if (io->ks && (rc = check_rec_mac(io, 'R', b, 82, NULL, 0, b + 82, "return record")))
			return rc;
	}
	if (ef6 && (n = card_unframe(ef6, 192, &cmd, &b)) > 0) {
		st->tech_cmd = cmd;
		if (cmd == 0x21 && n == 143) {
			card_check_decode(b, &st->check);
			if (io->ks &&
			    (rc = check_rec_mac(io, 'T', b, 135, NULL, 0, b + 135, "check answer")))
				return rc;
		} else if ((cmd == 0x23 || cmd == 0x24) && n == 32) {
			st->uses_left = card_get16(b + 28);
		} else if (cmd == 0x25 && n == 52) {
			st->uses_left = card_get16(b + 48);
		}
	} else if (ef6 && n < 0) {
		return n;
	}
	return 0;
}

static int read_once(struct io *io, struct card_reader *r, const struct card_keyring *ring,
		     int key_version, struct card_state *st);

int card_read(struct card_reader *r, const struct card_keyring *ring, int key_version,
	      struct card_state *st)
{
	struct io io;
	int rc = read_once(&io, r, ring, key_version, st);

	if (rc == -SD_CARD_AUTH && io.not_chips && fresh_atr(&io, NULL))
		rc = read_once(&io, r, ring, key_version, st);
	io_close(&io, st);
	return rc;
}

/* One read of card_read; the caller closes io. */
static int read_once(struct io *io, struct card_reader *r, const struct card_keyring *ring,
		     int key_version, struct card_state *st)
{
	uint8_t ef1[64], ef2[64], ef3[96], ef4[96], ef5[96], ef6[192], kv = (uint8_t)key_version;
	int rc, tech, with3 = 0, with4 = 0;

	memset(st, 0, sizeof(*st));
	if ((rc = io_open(io, r)))
		return rc;
	memcpy(st->serial, io->serial, 8);
	rc = select_df(io, ring && !key_version ? &kv : NULL);
	if (rc == 1) {
		st->blank = 1;
		return 0;
	}
	if (rc)
		return rc;
	if (!ring) {
		if ((rc = read_plain(io, 1, ef1, 64)) || (rc = read_plain(io, 2, ef2, 64)) ||
		    (rc = read_plain(io, 5, ef5, 96)))
			return rc;
		tech = ef1[0] == 0x68 && ef1[4] >= CARD_CHECK;
		if (tech && (rc = read_plain(io, 6, ef6, 192)))
			return rc;
		return decode(io, ef1, ef2, NULL, NULL, ef5, tech ? ef6 : NULL, st);
	}
	if ((rc = keyset_for(io, ring, kv)) || (rc = authenticate(io, CARD_KID_SALE)) ||
	    (rc = read_mac(io, 1, ef1, 64)) || (rc = read_mac(io, 2, ef2, 64)) ||
	    (rc = read_mac(io, 5, ef5, 96)))
		return rc;
	/* the PMAC covers the tariff files the purchase names; a return
	 * record vouches for it as in purchase_prelude (spec 11.3) */
	io->pmac_vouched = ef2[0] == 0x68 && (ef2[21] & 3) && ef5[0] == 0x68;
	if (!io->pmac_vouched && ef2[0] == 0x68 && (ef2[21] & 1) && !(rc = read_mac(io, 3, ef3, 96)))
		with3 = 1;
	if (!rc && !io->pmac_vouched && ef2[0] == 0x68 && (ef2[21] & 2) &&
	    !(rc = read_mac(io, 4, ef4, 96)))
		with4 = 1;
	if (rc)
		return rc;
	tech = ef1[0] == 0x68 && ef1[4] >= CARD_CHECK;
	if (tech && (rc = read_mac(io, 6, ef6, 192)))
		return rc;
	if ((rc = decode(io, ef1, ef2, with3 ? ef3 : NULL, with4 ? ef4 : NULL, ef5,
			 tech ? ef6 : NULL, st)))
		return rc;
	st->authenticated = 1;
	return 0;
}

/* Transport authentication at the MF and PERSONALISE with the newest
 * key version (spec 11.1 steps 1-2). */
static int personalise(struct io *io, const struct card_keyring *ring)
{
	uint8_t a[21], resp[32], rc8[8], zero[8] = {0}, kt[16], data[65], blk[16], key[16];
	size_t rl;
	uint16_t sw;
	int rc;

	io->ks = card_keys_newest(ring);
	if (!io->ks)
		return err_set(-SD_KEYS_NONE, "the key file holds no key version");
	if ((rc = cmd_ok(io, (const uint8_t *)"\x00\xA4\x00\x0C\x02\x3F\x00", 7, "SELECT MF")))
		return rc;
	if ((rc = xmit(io, (const uint8_t *)"\x00\x84\x00\x00\x08", 5, resp, sizeof(resp), &rl,
		       &sw)))
		return rc;
	if (sw != 0x9000 || rl != 8)
		return sw_err(sw, "GET CHALLENGE");
	memcpy(rc8, resp, 8);
	memcpy(blk, rc8, 8);
	memset(blk + 8, 0, 8);
	memcpy(a, "\x00\x82\x00\x00\x10", 5);
	if ((rc = card_diversify(io->ks->mk[CARD_KID_TRANSPORT], io->serial, kt)) ||
	    (rc = card_aes(kt, blk, a + 5)))
		goto out;
	rc = xmit(io, a, 21, resp, sizeof(resp), &rl, &sw);
	if (rc)
		goto out;
	if (sw != 0x9000) {
		rc = sw_err(sw, "transport EXTERNAL AUTHENTICATE");
		if (rc == -SD_CARD_AUTH)
			err_set(rc, "the blank card refused this desk's transport key (%04X): it comes "
				    "from another card maker or utility; use a blank from our batch", sw);
		goto out;
	}
	if ((rc = card_session_key(kt, zero, rc8, 0x00, io->sk)))
		goto out;
	io->ssc = 0;
	data[0] = io->ks->version;
	for (int k = 1; k <= 4; k++) {
		memset(blk, 0, sizeof(blk));
		blk[0] = (uint8_t)k;
		if ((rc = card_aes(io->sk, blk, blk)) ||
		    (rc = card_diversify(io->ks->mk[k], io->serial, key)))
			goto out;
		for (int i = 0; i < 16; i++)
			data[1 + (k - 1) * 16 + i] = key[i] ^ blk[i];
	}
	rc = sm_cmd(io, 0x84, 0xE0, 0x00, 0x00, data, sizeof(data), NULL, "PERSONALISE");
out:
	OPENSSL_cleanse(kt, sizeof(kt));
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(blk, sizeof(blk));
	OPENSSL_cleanse(data, sizeof(data));
	OPENSSL_cleanse(io->sk, sizeof(io->sk));
	return rc;
}

/* Encodes a technician order with its TMAC (spec 6.2, 6.3) into out. */
static int order_encode(struct io *io, uint8_t type, const struct card_order *o,
			uint8_t out[192], size_t *len)
{
	uint8_t b[52], extra[192];
	size_t ne = 0;
	int n, rc;

	memset(b, 0, sizeof(b));
	if ((rc = card_bcd6(o->target, b)))
		return rc;
	if (type == CARD_SETTING) {
		if (((o->flags & 1) && !o->ef03) || ((o->flags & 2) && !o->ef04))
			return err_set(-SD_INVAL, "the setting order names a tariff file it was not given");
		/* the TMAC binds the tariff files the order names (spec 6) */
		if (o->flags & 1)
			memcpy(extra, o->ef03, 96), ne += 96;
		if (o->flags & 2)
			memcpy(extra + ne, o->ef04, 96), ne += 96;
		card_put32(b + 6, o->version);
		card_put16(b + 10, o->flags);
		for (int i = 0; i < 3; i++)
			card_put32(b + 12 + 4 * i, o->alarm[i]);
		card_put32(b + 24, o->credit_limit);
		card_put32(b + 28, o->hoard_limit);
		card_put32(b + 32, o->power_limit);
		card_put16(b + 36, o->ct);
		card_put16(b + 38, o->pt);
		if ((rc = rec_mac(io, 'T', b, 40, extra, ne, b + 40)))
			return rc;
		card_put16(b + 48, o->uses);
		n = card_frame(0x25, b, 52, out, 192);
	} else {
		card_put32(b + 6, o->valid_until);
		card_put32(b + 10, o->operator_id);
		card_put32(b + 14, type == CARD_CLEAR ? o->preset : 0);
		b[18] = type == CARD_CLEAR ? o->preset_unit : 0;
		if ((rc = rec_mac(io, 'T', b, 20, NULL, 0, b + 20)))
			return rc;
		card_put16(b + 28, o->uses);
		n = card_frame(type == CARD_RESET ? 0x23 : 0x24, b, 32, out, 192);
	}
	if (n < 0)
		return n;
	*len = (size_t)n;
	return 0;
}

static int same_issue(const struct card_info *a, const struct card_info *b)
{
	if (a->type != b->type || strcmp(a->account, b->account) || a->nmeters != b->nmeters)
		return 0;
	for (int i = 0; i < a->nmeters; i++)
		if (strcmp(a->meters[i], b->meters[i]))
			return 0;
	return 1;
}

int card_issue(struct card_reader *r, const struct card_keyring *ring,
	       const struct card_info *info, const struct card_order *order,
	       struct card_state *st)
{
	uint8_t ef1[64], ef6[192], frame[192], kv = 0;
	struct card_info want = *info;
	size_t flen = 0;
	struct io io;
	int rc, already = 0;

	memset(st, 0, sizeof(*st));
	if (info->type > CARD_CHECK && !order)
		return err_set(-SD_INVAL, "a reset, clear or setting card needs its order");
	if ((rc = io_open(&io, r)))
		goto out;
	memcpy(st->serial, io.serial, 8);
	rc = select_df(&io, &kv);
	if (rc < 0)
		goto out;
	if (rc == 1) {
		/* blank: personalise, then the application is there */
		if ((rc = personalise(&io, ring)) || (rc = select_df(&io, NULL)))
			goto out;
		kv = io.ks->version;
	} else {
		if ((rc = read_plain(&io, 1, ef1, 64)) ||
		    (rc = decode(&io, ef1, (const uint8_t *)"", NULL, NULL, (const uint8_t *)"",
				 NULL, st)))
			goto out;
		if (st->issued) {
			if (!same_issue(&st->info, info)) {
				rc = err_set(-SD_EXISTS, "this card is already issued (type %d, account "
							 "%s): recycle it first, or use a blank card",
					     st->info.type, st->info.account[0] ? st->info.account : "-");
				goto out;
			}
			already = 1;
			kv = st->info.key_version;
		}
	}
	if ((rc = keyset_for(&io, ring, kv)))
		goto out;
	if (order && (rc = order_encode(&io, info->type, order, frame, &flen)))
		goto out;
	if (already && order) {
		/* a tear between EF01 and EF06: finish the order */
		if ((rc = read_plain(&io, 6, ef6, 192)))
			goto out;
		if (ef6[0] == 0x68) {
			rc = 1;
			goto out;
		}
	} else if (already) {
		rc = 1;
		goto out;
	}
	if ((rc = authenticate(&io, CARD_KID_SALE)))
		goto out;
	if (!already) {
		want.key_version = kv;
		want.layout = 1;
		memcpy(want.serial, io.serial, 8);
		if ((rc = card_info_encode(&want, ef1)) ||
		    (rc = sm_cmd(&io, 0x04, 0xD6, 0x81, 0x00, ef1, 58, NULL, "UPDATE BINARY EF01")))
			goto out;
	}
	/* tariff files first: inert until the order in EF06 names them */
	if (info->type == CARD_SETTING && (order->flags & 1) &&
	    (rc = sm_cmd(&io, 0x04, 0xD6, 0x83, 0x00, order->ef03, 96, NULL, "UPDATE BINARY EF03")))
		goto out;
	if (info->type == CARD_SETTING && (order->flags & 2) &&
	    (rc = sm_cmd(&io, 0x04, 0xD6, 0x84, 0x00, order->ef04, 96, NULL, "UPDATE BINARY EF04")))
		goto out;
	if (order && (rc = sm_cmd(&io, 0x04, 0xD6, 0x86, 0x00, frame, flen, NULL,
				  "UPDATE BINARY EF06")))
		goto out;
	st->info = want;
	st->issued = 1;
	st->blank = 0;
	rc = already;
out:
	io_close(&io, st);
	return rc;
}

/* The desk's reading of a return record that did not credit purchase N. */
static int not_credited(const struct card_state *b)
{
	const struct card_return *t = &b->ret;

	if (t->count > b->last.seq)
		return err_set(-SD_CARD_COUNT, "the meter says purchase %u, the card holds %u: "
					       "a meter that is not this card's wrote it back",
			       t->count, b->last.seq);
	switch (t->result) {
	case 0x33:
		return err_set(-SD_CARD_OTHER, "meter %s refused purchase %u: the card belongs to "
					       "another meter or account", t->meter, b->last.seq);
	case 0x35:
		return err_set(-SD_CARD_UNCLEARED, "meter %s did not credit purchase %u", t->meter,
			       b->last.seq);
	case 0x36:
		return err_set(-SD_CARD_FORMAT, "meter %s is not opened for this card (purchase %u "
						"not credited)", t->meter, b->last.seq);
	default:
		return err_set(-SD_CARD_COUNT, "meter %s did not credit purchase %u (result %02X, "
					       "meter count %u): check the meter",
			       t->meter, b->last.seq, t->result, t->count);
	}
}

/* The prelude that writing and cancelling a purchase share (spec 11.3
 * #1-7): opens the card, checks it is serial (NULL skips), authenticates
 * with the desk key, MAC-reads EF01 (with_ef01), EF02, EF05 and the tariff
 * files the card's purchase names (its PMAC covers them), and decodes them
 * into *before with the record MACs checked. The caller closes io. */
static int purchase_prelude(struct io *io, struct card_reader *r, const struct card_keyring *ring,
			    int key_version, const uint8_t *serial, int with_ef01,
			    struct card_state *before)
{
	uint8_t ef1[64], ef2[64], ef5[96], old3[96], old4[96], kv = (uint8_t)key_version;
	char hex[17];
	int rc;

	if ((rc = io_open(io, r)))
		return rc;
	if (serial && memcmp(serial, io->serial, 8) && fresh_atr(io, NULL) &&
	    (rc = io_open(io, r)))
		return rc;
	memcpy(before->serial, io->serial, 8);
	if (serial && memcmp(serial, io->serial, 8))
		return err_set(-SD_CARD_OTHER, "card %s is not the account's card",
			       card_serial_hex(io->serial, hex));
	rc = select_df(io, key_version ? NULL : &kv);
	if (rc == 1)
		return err_set(-SD_CARD_FORMAT, "blank card: issue it first");
	if (rc || (rc = keyset_for(io, ring, kv)) || (rc = authenticate(io, CARD_KID_SALE)) ||
	    (with_ef01 && (rc = read_mac(io, 1, ef1, 64))) || (rc = read_mac(io, 2, ef2, 64)) ||
	    (rc = read_mac(io, 5, ef5, 96)))
		return rc;
	/* The old PMAC covers the tariff files it names. Then a return record
	 * (its RMAC checked in decode) vouches for it: a meter checks the PMAC
	 * before it writes back (spec 12.1), the desk before it cancels, and
	 * LOAD PURCHASE empties EF05. Only without one are the files read to
	 * check it here, so the purchase after a tariff costs no extra APDU.
	 * A PMAC that names no tariff file is always checked. */
	io->pmac_vouched = ef2[0] == 0x68 && (ef2[21] & 3) && ef5[0] == 0x68;
	if (!io->pmac_vouched && ef2[0] == 0x68 && (ef2[21] & 1) && (rc = read_mac(io, 3, old3, 96)))
		return rc;
	if (!io->pmac_vouched && ef2[0] == 0x68 && (ef2[21] & 2) && (rc = read_mac(io, 4, old4, 96)))
		return rc;
	if ((rc = decode(io, with_ef01 ? ef1 : (const uint8_t *)"", ef2, old3, old4, ef5, NULL,
			 before)))
		return rc;
	before->authenticated = 1;
	return 0;
}

int card_purchase_cancelled(const struct card_state *st, uint32_t seq)
{
	return seq >= 1 && st->has_purchase && st->last.seq == seq && st->returned &&
	       st->ret.result == CARD_RESULT_CANCELLED && st->ret.count == seq - 1;
}

int card_write_purchase(struct card_reader *r, const struct card_keyring *ring,
			int key_version, const uint8_t *serial, const struct card_purchase *p,
			const uint8_t *ef03, const uint8_t *ef04, card_pending_fn pending,
			void *ctx, struct card_state *before)
{
	uint8_t body[54], rec[64], extra[192];
	struct card_purchase q;
	size_t ne = 0;
	uint16_t sw = 0;
	struct io io;
	char hex[17];
	int rc, n, cancelled;

	memset(before, 0, sizeof(*before));
	memset(&io, 0, sizeof(io));
	if (p->seq < 1 || (p->unit != 1 && p->unit != 2) || p->amount > 99999999u)
		return err_set(-SD_INVAL, "purchase %u: sequence from 1, unit fen or Wh, amount up "
					  "to 99 999 999", p->seq);
	if (((p->flags & 1) && !ef03) || ((p->flags & 2) && !ef04))
		return err_set(-SD_INVAL, "the purchase names a tariff file it was not given");
	if ((rc = purchase_prelude(&io, r, ring, key_version, serial, 0, before)))
		goto out;
	if (before->has_purchase && !before->returned) {
		rc = err_set(-SD_CARD_STACK, "purchase %u on card %s has not been written back by a "
					     "meter", before->last.seq, card_serial_hex(io.serial, hex));
		goto out;
	}
	/* a purchase cancelled at the desk is dead: its N is written again (11.5) */
	cancelled = before->has_purchase && card_purchase_cancelled(before, before->last.seq);
	if (before->has_purchase && before->ret.count != before->last.seq && !cancelled) {
		rc = not_credited(before);
		goto out;
	}
	/* a cancelled purchase gives its number back (spec 8.9, 11.5) */
	if (before->has_purchase && p->seq != before->last.seq + !cancelled) {
		rc = err_set(-SD_CARD_COUNT, "the card holds purchase %u%s, so the next is %u, not %u",
			     before->last.seq, cancelled ? " (cancelled)" : "",
			     before->last.seq + !cancelled, p->seq);
		goto out;
	}
	/* tariff files go first: inert until the purchase names them */
	if ((p->flags & 1) && (rc = sm_cmd(&io, 0x04, 0xD6, 0x83, 0x00, ef03, 96, NULL,
					    "UPDATE BINARY EF03")))
		goto out;
	if ((p->flags & 2) && (rc = sm_cmd(&io, 0x04, 0xD6, 0x84, 0x00, ef04, 96, NULL,
					    "UPDATE BINARY EF04")))
		goto out;
	if (p->flags & 1)
		memcpy(extra, ef03, 96), ne += 96;
	if (p->flags & 2)
		memcpy(extra + ne, ef04, 96), ne += 96;
	q = *p;
	/* the cumulative counts what was sold, so not a cancelled purchase */
	if (!q.cumulative)
		q.cumulative = (before->has_purchase ? before->last.cumulative -
				(cancelled ? before->last.amount : 0) : 0) + q.amount;
	card_purchase_body(&q, body);
	if ((rc = rec_mac(&io, 'P', body, 46, extra, ne, body + 46)) ||
	    (n = card_frame(0x02, body, 54, rec, 64)) < 0) {
		rc = rc ? rc : n;
		goto out;
	}
	if (pending && (rc = pending(ctx, before)))
		goto out;
	rc = sm_cmd(&io, 0x84, 0x52, 0x00, 0x00, rec, 60, &sw, "LOAD PURCHASE");
	if (rc == -SD_CARD_PULLED) {
		rc = err_set(-SD_CARD_PULLED, "the card left the reader while purchase %u was being "
					      "written: it may or may not hold it; insert it again "
					      "to settle the sale", p->seq);
		goto out;
	}
	if (rc)
		goto out;
	if (sw == 0x6985)
		rc = err_set(-SD_CARD_STACK, "the card refused: its last purchase is not written back");
	else if (sw == 0x6A80)
		rc = err_set(-SD_CARD_COUNT, "the card refused purchase %u (a replay, or out of order)",
			     p->seq);
	else if (sw != 0x9000)
		rc = sw_err(sw, "LOAD PURCHASE");
	if (!rc)
		log_info("card %s: purchase %u written", card_serial_hex(io.serial, hex), p->seq);
out:
	io_close(&io, before);
	return rc;
}

/* Why purchase seq cannot be cancelled on the card read into b. */
static int not_cancellable(const struct card_state *b, uint32_t seq)
{
	const struct card_return *t = &b->ret;

	if (b->returned && t->result != CARD_RESULT_CANCELLED && t->count >= seq)
		return err_set(-SD_STATE, "purchase %u is already in a meter (its write-back is on "
					  "the card): refund what the meter holds instead", seq);
	if (!b->has_purchase || b->last.seq != seq)
		return err_set(-SD_STATE, "the card holds purchase %u, not %u",
			       b->has_purchase ? b->last.seq : 0, seq);
	return err_set(-SD_STATE, "meter %s wrote purchase %u back without crediting it (result "
				  "%02X, meter count %u): the card cannot cancel it; read the card "
				  "at the desk", t->meter, seq, t->result, t->count);
}

int card_cancel_purchase(struct card_reader *r, const struct card_keyring *ring, int key_version,
			 const uint8_t *serial, uint32_t seq, card_pending_fn pending, void *ctx,
			 struct card_state *before)
{
	uint8_t body[90], rec[96];
	struct card_return t;
	uint16_t sw = 0;
	struct io io;
	char hex[17];
	int rc, n;

	memset(before, 0, sizeof(*before));
	memset(&io, 0, sizeof(io));
	if (seq < 1)
		return err_set(-SD_INVAL, "purchase sequence numbers start at 1");
	if ((rc = purchase_prelude(&io, r, ring, key_version, serial, 1, before)))
		goto out;
	if (!before->issued || before->info.type != CARD_USER) {
		rc = err_set(-SD_CARD_FORMAT, "this is not an issued user card");
		goto out;
	}
	if (card_purchase_cancelled(before, seq)) {
		rc = 1; /* a repeat, or a cancel that tore after its write: done */
		goto out;
	}
	if (!before->has_purchase || before->last.seq != seq || before->returned) {
		rc = not_cancellable(before, seq);
		goto out;
	}
	/* what the meter had before purchase seq, as far as the desk knows:
	 * the meter's own figures stay 0 (spec 8.11) */
	memset(&t, 0, sizeof(t));
	snprintf(t.meter, sizeof(t.meter), "%s", before->info.nmeters ? before->info.meters[0] : "");
	snprintf(t.account, sizeof(t.account), "%s", before->info.account);
	t.count = seq - 1;
	t.unit = before->last.unit;
	t.result = CARD_RESULT_CANCELLED;
	t.time = (uint32_t)clock_now();
	if ((rc = card_return_body(&t, body)) ||
	    (rc = rec_mac(&io, 'R', body, 82, NULL, 0, body + 82)) ||
	    (n = card_frame(0x11, body, 90, rec, 96)) < 0) {
		rc = rc ? rc : n;
		goto out;
	}
	if (pending && (rc = pending(ctx, before)))
		goto out;
	rc = sm_cmd(&io, 0x84, 0x54, 0x00, 0x00, rec, 96, &sw, "CANCEL PURCHASE");
	if (rc == -SD_CARD_PULLED) {
		rc = err_set(-SD_CARD_PULLED, "the card left the reader while purchase %u was being "
					      "cancelled: it may or may not be cancelled; insert it "
					      "again to settle", seq);
		goto out;
	}
	if (rc)
		goto out;
	if (sw == 0x6985)
		rc = err_set(-SD_STATE, "the card refused: purchase %u is not on it unreturned", seq);
	else if (sw == 0x6A80)
		rc = err_set(-SD_CARD_COUNT, "the card refused the cancel of purchase %u", seq);
	else if (sw != 0x9000)
		rc = sw_err(sw, "CANCEL PURCHASE");
	if (!rc)
		log_info("card %s: purchase %u cancelled", card_serial_hex(io.serial, hex), seq);
out:
	io_close(&io, before);
	return rc;
}

int card_move_meter(struct card_reader *r, const struct card_keyring *ring, int key_version,
		    const uint8_t *serial, const char *old_meter, const char *new_meter,
		    struct card_state *before)
{
	struct card_info want;
	uint8_t ef1[64];
	int rc, slot = -1;
	struct io io;

	memset(before, 0, sizeof(*before));
	memset(&io, 0, sizeof(io));
	if ((rc = purchase_prelude(&io, r, ring, key_version, serial, 1, before)))
		goto out;
	if (!before->issued || before->info.type != CARD_USER) {
		rc = err_set(-SD_CARD_FORMAT, "this is not an issued user card");
		goto out;
	}
	want = before->info;
	for (int i = 0; i < want.nmeters; i++) {
		if (!strcmp(want.meters[i], new_meter)) {
			rc = 1; /* a repeat, or a move that tore after its write */
			goto out;
		}
		if (!strcmp(want.meters[i], old_meter))
			slot = i;
	}
	if (slot < 0) {
		rc = err_set(-SD_CARD_OTHER, "the card names neither meter %s nor %s: is it this "
					     "account's card?", old_meter, new_meter);
		goto out;
	}
	snprintf(want.meters[slot], sizeof(want.meters[slot]), "%s", new_meter);
	/* the new meter is unopened: it takes only an opening card (12.1) */
	want.subtype = 1;
	if ((rc = card_info_encode(&want, ef1)) ||
	    (rc = sm_cmd(&io, 0x04, 0xD6, 0x81, 0x00, ef1, 58, NULL, "UPDATE BINARY EF01")))
		goto out;
	before->info = want;
out:
	io_close(&io, before);
	return rc;
}

int card_recycle(struct card_reader *r, const struct card_keyring *ring, struct card_state *st)
{
	uint8_t kv = 0, ef1[64];
	struct io io;
	int rc;

	memset(st, 0, sizeof(*st));
	if ((rc = io_open(&io, r)))
		goto out;
	memcpy(st->serial, io.serial, 8);
	rc = select_df(&io, &kv);
	if (rc == 1) {
		st->blank = 1;
		rc = 0; /* already blank: nothing to do (a torn recycle ends here) */
		goto out;
	}
	if (rc || (rc = keyset_for(&io, ring, kv)) || (rc = authenticate(&io, CARD_KID_SALE)) ||
	    (rc = read_mac(&io, 1, ef1, 64)) ||
	    (rc = decode(&io, ef1, (const uint8_t *)"", NULL, NULL, (const uint8_t *)"", NULL, st)) ||
	    (rc = sm_cmd(&io, 0x84, 0x0E, 0x00, 0x00, NULL, 0, NULL, "ERASE")))
		goto out;
	st->blank = 1;
out:
	io_close(&io, st);
	return rc;
}
