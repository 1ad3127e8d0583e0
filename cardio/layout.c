/* card_layout: byte layouts of the card files. */
#include "layout.h"

#include <string.h>

#include "err.h"

void card_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void card_put32(uint8_t *p, uint32_t v)
{
	card_put16(p, (uint16_t)(v >> 16));
	card_put16(p + 2, (uint16_t)v);
}

void card_put64(uint8_t *p, uint64_t v)
{
	card_put32(p, (uint32_t)(v >> 32));
	card_put32(p + 4, (uint32_t)v);
}

uint16_t card_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t card_get32(const uint8_t *p)
{
	return (uint32_t)card_get16(p) << 16 | card_get16(p + 2);
}

uint64_t card_get64(const uint8_t *p)
{
	return (uint64_t)card_get32(p) << 32 | card_get32(p + 4);
}

int card_bcd6(const char *digits, uint8_t out[6])
{
	char pad[13];
	size_t n = strlen(digits);

	if (n > 12 || strspn(digits, "0123456789") != n)
		return err_set(-SD_INVAL, "\"%s\" is not a number of at most 12 digits", digits);
	memset(pad, '0', 12);
	memcpy(pad + 12 - n, digits, n);
	for (int i = 0; i < 6; i++)
		out[i] = (uint8_t)((pad[2 * i] - '0') << 4 | (pad[2 * i + 1] - '0'));
	return 0;
}

void card_unbcd6(const uint8_t in[6], char out[CARD_DIGITS_MAX + 1])
{
	char all[13];
	int i = 0;

	for (int k = 0; k < 6; k++) {
		int hi = in[k] >> 4, lo = in[k] & 15;
		all[2 * k] = (char)('0' + (hi > 9 ? 9 : hi));
		all[2 * k + 1] = (char)('0' + (lo > 9 ? 9 : lo));
	}
	all[12] = 0;
	while (all[i] == '0')
		i++;
	memcpy(out, all + i, (size_t)(13 - i));
}

int card_frame(uint8_t cmd, const uint8_t *body, size_t len, uint8_t *out, size_t cap)
{
	uint8_t cs = 0;

	if (len + 6 > cap)
		return err_set(-SD_INVAL, "record of %zu bytes does not fit its file", len);
	memset(out, 0, cap);
	out[0] = 0x68;
	out[1] = cmd;
	card_put16(out + 2, (uint16_t)len);
	memcpy(out + 4, body, len);
	for (size_t i = 1; i < 4 + len; i++)
		cs = (uint8_t)(cs + out[i]);
	out[4 + len] = cs;
	out[5 + len] = 0x16;
	return (int)(len + 6);
}

int card_unframe(const uint8_t *buf, size_t cap, uint8_t *cmd, const uint8_t **body)
{
	size_t len;
	uint8_t cs = 0;

	if (buf[0] != 0x68)
		return 0;
	if (cap < 6)
		return err_set(-SD_CARD_FORMAT, "record too short");
	len = card_get16(buf + 2);
	if (len + 6 > cap)
		return err_set(-SD_CARD_FORMAT, "record length %zu beyond its file", len);
	for (size_t i = 1; i < 4 + len; i++)
		cs = (uint8_t)(cs + buf[i]);
	if (buf[4 + len] != cs || buf[5 + len] != 0x16)
		return err_set(-SD_CARD_FORMAT, "record %02X: bad checksum or tail", buf[1]);
	*cmd = buf[1];
	*body = buf + 4;
	return (int)len ? (int)len : err_set(-SD_CARD_FORMAT, "empty record");
}

int card_info_encode(const struct card_info *in, uint8_t out[64])
{
	uint8_t body[52];
	int rc;

	memset(body, 0, sizeof(body));
	body[0] = in->type;
	body[1] = in->subtype;
	body[2] = in->key_version;
	body[3] = 0x01;
	memcpy(body + 4, in->serial, 8);
	card_put32(body + 12, in->utility);
	if ((rc = card_bcd6(in->account, body + 16)))
		return rc;
	if (in->nmeters < 0 || in->nmeters > CARD_MAX_METERS)
		return err_set(-SD_INVAL, "a card holds at most %d meters", CARD_MAX_METERS);
	body[22] = (uint8_t)in->nmeters;
	for (int i = 0; i < in->nmeters; i++)
		if ((rc = card_bcd6(in->meters[i], body + 23 + 6 * i)))
			return rc;
	card_put32(body + 47, in->issued);
	rc = card_frame(0x01, body, sizeof(body), out, 64);
	return rc < 0 ? rc : 0;
}

void card_info_decode(const uint8_t *b, struct card_info *out)
{
	memset(out, 0, sizeof(*out));
	out->type = b[0];
	out->subtype = b[1];
	out->key_version = b[2];
	out->layout = b[3];
	memcpy(out->serial, b + 4, 8);
	out->utility = card_get32(b + 12);
	card_unbcd6(b + 16, out->account);
	out->nmeters = b[22] > CARD_MAX_METERS ? CARD_MAX_METERS : b[22];
	for (int i = 0; i < out->nmeters; i++)
		card_unbcd6(b + 23 + 6 * i, out->meters[i]);
	out->issued = card_get32(b + 47);
}

void card_purchase_body(const struct card_purchase *p, uint8_t body[46])
{
	memset(body, 0, 46);
	card_put32(body, p->seq);
	body[4] = p->unit;
	card_put32(body + 5, p->amount);
	card_put64(body + 9, p->cumulative);
	body[17] = p->flags;
	for (int i = 0; i < 3; i++)
		card_put32(body + 18 + 4 * i, p->alarm[i]);
	card_put32(body + 30, p->credit_limit);
	card_put32(body + 34, p->hoard_limit);
	card_put32(body + 38, p->time);
	card_put32(body + 42, p->terminal);
}

void card_purchase_decode(const uint8_t *b, struct card_purchase *out)
{
	out->seq = card_get32(b);
	out->unit = b[4];
	out->amount = card_get32(b + 5);
	out->cumulative = card_get64(b + 9);
	out->flags = b[17];
	for (int i = 0; i < 3; i++)
		out->alarm[i] = card_get32(b + 18 + 4 * i);
	out->credit_limit = card_get32(b + 30);
	out->hoard_limit = card_get32(b + 34);
	out->time = card_get32(b + 38);
	out->terminal = card_get32(b + 42);
}

int card_return_body(const struct card_return *t, uint8_t body[82])
{
	int rc;

	memset(body, 0, 82);
	if ((rc = card_bcd6(t->meter, body)) || (rc = card_bcd6(t->account, body + 6)))
		return rc;
	card_put32(body + 12, t->count);
	body[16] = t->unit;
	card_put32(body + 17, t->remaining);
	card_put32(body + 21, t->overdraft);
	card_put64(body + 25, t->cumulative);
	card_put64(body + 33, t->energy);
	for (int i = 0; i < 4; i++)
		card_put64(body + 41 + 8 * i, t->tou[i]);
	card_put16(body + 73, t->status);
	body[75] = t->result;
	card_put16(body + 76, t->illegal);
	card_put32(body + 78, t->time);
	return 0;
}

void card_return_decode(const uint8_t *b, struct card_return *out)
{
	memset(out, 0, sizeof(*out));
	card_unbcd6(b, out->meter);
	card_unbcd6(b + 6, out->account);
	out->count = card_get32(b + 12);
	out->unit = b[16];
	out->remaining = card_get32(b + 17);
	out->overdraft = card_get32(b + 21);
	out->cumulative = card_get64(b + 25);
	out->energy = card_get64(b + 33);
	for (int i = 0; i < 4; i++)
		out->tou[i] = card_get64(b + 41 + 8 * i);
	out->status = card_get16(b + 73);
	out->result = b[75];
	out->illegal = card_get16(b + 76);
	out->time = card_get32(b + 78);
}

void card_check_decode(const uint8_t *b, struct card_check *out)
{
	memset(out, 0, sizeof(*out));
	card_unbcd6(b, out->meter);
	card_unbcd6(b + 6, out->account);
	out->count = card_get32(b + 12);
	out->unit = b[16];
	out->remaining = card_get32(b + 17);
	out->overdraft = card_get32(b + 21);
	out->cumulative = card_get64(b + 25);
	out->energy = card_get64(b + 33);
	out->status = card_get16(b + 81);
	out->tariff_id = card_get32(b + 103);
	out->clock = card_get32(b + 119);
	out->illegal = card_get16(b + 131);
	out->firmware = card_get16(b + 133);
}

int card_tariff_encode(uint8_t cmd, const struct card_tariff *t, uint8_t out[96])
{
	uint8_t b[78];
	int rc;

	memset(b, 0, sizeof(b));
	b[0] = t->kind;
	card_put32(b + 1, t->id);
	for (int i = 0; i < 4; i++)
		card_put32(b + 5 + 4 * i, t->price[i]);
	b[21] = (uint8_t)(t->nseg < 0 ? 0 : t->nseg > 8 ? 8 : t->nseg);
	memcpy(b + 22, t->seg, 24);
	for (int i = 0; i < 3; i++)
		card_put32(b + 46 + 4 * i, t->step[i]);
	for (int i = 0; i < 4; i++)
		card_put32(b + 58 + 4 * i, t->surcharge[i]);
	card_put32(b + 74, t->activation);
	rc = card_frame(cmd, b, sizeof(b), out, 96);
	return rc < 0 ? rc : 0;
}

void card_tariff_decode(const uint8_t *b, struct card_tariff *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = b[0];
	out->id = card_get32(b + 1);
	for (int i = 0; i < 4; i++)
		out->price[i] = card_get32(b + 5 + 4 * i);
	out->nseg = b[21] > 8 ? 8 : b[21];
	memcpy(out->seg, b + 22, 24);
	for (int i = 0; i < 3; i++)
		out->step[i] = card_get32(b + 46 + 4 * i);
	for (int i = 0; i < 4; i++)
		out->surcharge[i] = card_get32(b + 58 + 4 * i);
	out->activation = card_get32(b + 74);
}
