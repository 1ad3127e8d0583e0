/* vcard_layout: the frame wrapper of the State Grid card files (68 CMD LEN
 * body CS 16), big-endian and BCD helpers, and a readable dump of an image
 * for `vcard image show`. */
#include "vcard.h"

#include <stdio.h>
#include <string.h>

int vcard_frame(uint8_t cmd, const uint8_t *body, size_t len, uint8_t *out, size_t cap)
{
	uint8_t cs;

	if (len > 0xFFFF || len + 6 > cap)
		return -1;
	out[0] = 0x68;
	out[1] = cmd;
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	memcpy(out + 4, body, len);
	cs = 0;
	for (size_t i = 1; i < 4 + len; i++)
		cs = (uint8_t)(cs + out[i]);
	out[4 + len] = cs;
	out[5 + len] = 0x16;
	return (int)(len + 6);
}

int vcard_unframe(const uint8_t *buf, size_t cap, uint8_t *cmd, const uint8_t **body)
{
	size_t len;
	uint8_t cs = 0;

	if (cap < 6 || buf[0] != 0x68)
		return -1;
	len = (size_t)(buf[2] << 8 | buf[3]);
	if (len + 6 > cap)
		return -1;
	for (size_t i = 1; i < 4 + len; i++)
		cs = (uint8_t)(cs + buf[i]);
	if (buf[4 + len] != cs || buf[5 + len] != 0x16)
		return -1;
	*cmd = buf[1];
	*body = buf + 4;
	return (int)len;
}

void vcard_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

uint32_t vcard_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void vcard_put64(uint8_t *p, uint64_t v)
{
	vcard_put32(p, (uint32_t)(v >> 32));
	vcard_put32(p + 4, (uint32_t)v);
}

uint64_t vcard_get64(const uint8_t *p)
{
	return (uint64_t)vcard_get32(p) << 32 | vcard_get32(p + 4);
}

int vcard_bcd6(const char *digits, uint8_t out[6])
{
	size_t n = strlen(digits);
	char pad[13];

	if (n == 0 || n > 12)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (digits[i] < '0' || digits[i] > '9')
			return -1;
	memset(pad, '0', 12);
	memcpy(pad + 12 - n, digits, n);
	for (int i = 0; i < 6; i++)
		out[i] = (uint8_t)((pad[2 * i] - '0') << 4 | (pad[2 * i + 1] - '0'));
	return 0;
}

static void hex(const char *label, const uint8_t *p, size_t n)
{
	printf("%s", label);
	for (size_t i = 0; i < n; i++)
		printf("%02X", p[i]);
	printf("\n");
}

static const char *card_type_str(uint8_t t)
{
	switch (t) {
	case 0x01: return "user";
	case 0x02: return "check";
	case 0x03: return "reset";
	case 0x04: return "clear";
	case 0x05: return "setting";
	default: return "unknown";
	}
}

static void print_info(const uint8_t *ef, size_t size)
{
	const uint8_t *b;
	uint8_t cmd;
	int n = vcard_unframe(ef, size, &cmd, &b);

	if (n < 51 || cmd != 0x01) {
		printf("info: empty\n");
		return;
	}
	printf("info.card_type: %s (%02X)\n", card_type_str(b[0]), b[0]);
	printf("info.user_subtype: %02X\n", b[1]);
	printf("info.key_version: %02X\n", b[2]);
	hex("info.serial: ", b + 4, 8);
	printf("info.utility: %u\n", vcard_get32(b + 12));
	hex("info.account: ", b + 16, 6);
	printf("info.meters: %u\n", b[22]);
	for (int i = 0; i < b[22] && i < 4; i++)
		hex("info.meter: ", b + 23 + 6 * i, 6);
}

static void print_purchase(const uint8_t *ef, size_t size)
{
	const uint8_t *b;
	uint8_t cmd;
	int n = vcard_unframe(ef, size, &cmd, &b);

	if (n < 54 || cmd != 0x02) {
		printf("purchase: empty\n");
		return;
	}
	printf("purchase.seq: %u\n", vcard_get32(b));
	printf("purchase.unit: %s\n", b[4] == 2 ? "Wh" : "fen");
	printf("purchase.amount: %u\n", vcard_get32(b + 5));
	printf("purchase.cumulative: %llu\n", (unsigned long long)vcard_get64(b + 9));
	printf("purchase.flags: %02X\n", b[17]);
	printf("purchase.alarms: %u %u %u\n", vcard_get32(b + 18), vcard_get32(b + 22),
	       vcard_get32(b + 26));
	printf("purchase.credit_limit: %u\n", vcard_get32(b + 30));
	printf("purchase.hoard_limit: %u\n", vcard_get32(b + 34));
	printf("purchase.time: %u\n", vcard_get32(b + 38));
}

static void print_return(const uint8_t *ef, size_t size)
{
	const uint8_t *b;
	uint8_t cmd;
	int n = vcard_unframe(ef, size, &cmd, &b);

	if (ef[0] != 0x68) {
		printf("return: empty\n");
		return;
	}
	if (n < 90 || cmd != 0x11) {
		printf("return: invalid\n");
		return;
	}
	hex("return.meter: ", b, 6);
	printf("return.count: %u\n", vcard_get32(b + 12));
	printf("return.remaining: %u\n", vcard_get32(b + 17));
	printf("return.overdraft: %u\n", vcard_get32(b + 21));
	printf("return.cumulative: %llu\n", (unsigned long long)vcard_get64(b + 25));
	printf("return.energy_total: %llu\n", (unsigned long long)vcard_get64(b + 33));
	printf("return.status: %04X\n", (unsigned)(b[73] << 8 | b[74]));
	printf("return.result: %02X\n", b[75]);
	printf("return.illegal: %u\n", (unsigned)(b[76] << 8 | b[77]));
	printf("return.time: %u\n", vcard_get32(b + 78));
}

static void print_tech(const uint8_t *ef, size_t size)
{
	const uint8_t *b;
	uint8_t cmd;
	int n = vcard_unframe(ef, size, &cmd, &b);

	if (ef[0] != 0x68)
		return;
	if (n < 0) {
		printf("tech: invalid\n");
		return;
	}
	if (cmd == 0x21 && n == 143) {
		hex("check.meter: ", b, 6);
		hex("check.account: ", b + 6, 6);
		printf("check.count: %u\n", vcard_get32(b + 12));
		printf("check.remaining: %u\n", vcard_get32(b + 17));
		printf("check.cumulative: %llu\n", (unsigned long long)vcard_get64(b + 25));
		printf("check.energy_total: %llu\n", (unsigned long long)vcard_get64(b + 33));
		printf("check.status: %04X\n", (unsigned)(b[81] << 8 | b[82]));
		printf("check.tariff_id: %u\n", vcard_get32(b + 103));
		printf("check.time: %u\n", vcard_get32(b + 119));
	} else if ((cmd == 0x23 || cmd == 0x24) && n == 32) {
		printf("order: %s\n", cmd == 0x23 ? "reset" : "clear");
		hex("order.target: ", b, 6);
		printf("order.uses: %u\n", (unsigned)(b[28] << 8 | b[29]));
	} else if (cmd == 0x25 && n == 52) {
		printf("order: setting\n");
		hex("order.target: ", b, 6);
		printf("order.version: %u\n", vcard_get32(b + 6));
		printf("order.flags: %04X\n", (unsigned)(b[10] << 8 | b[11]));
		printf("order.uses: %u\n", (unsigned)(b[48] << 8 | b[49]));
	} else {
		printf("tech: unknown record %02X\n", cmd);
	}
}

void vcard_image_print(const struct vcard_image *img, const struct vcard_keyset *ks)
{
	uint8_t atr[VCARD_ATR_LEN], kcv[3];

	vcard_image_atr(img, atr);
	hex("atr: ", atr, sizeof atr);
	hex("serial: ", img->serial, 8);
	printf("state: %s\n", img->personalised ? "personalised" : "blank");
	vcard_kcv(img->transport_key, kcv);
	hex("kcv.transport: ", kcv, 3);
	printf("tries.transport: %u\n", img->transport_tries);
	if (!img->personalised)
		return;
	printf("key_version: %02X\n", img->key_version);
	for (int k = 1; k < VCARD_NKEYS; k++) {
		char label[32];
		vcard_kcv(img->keys[k], kcv);
		snprintf(label, sizeof label, "kcv.%02X: ", k);
		hex(label, kcv, 3);
		printf("tries.%02X: %u\n", k, img->tries[k]);
	}
	if (ks) {
		uint8_t k1[16];
		vcard_keyset_card_key(ks, VCARD_KID_INT, img->serial, k1);
		printf("keyset_match: %s\n",
		       vcard_memneq(k1, img->keys[VCARD_KID_INT], 16) ? "no" : "yes");
	}
	print_info(img->ef[1], vcard_ef_size[1]);
	print_purchase(img->ef[2], vcard_ef_size[2]);
	print_return(img->ef[5], vcard_ef_size[5]);
	print_tech(img->ef[6], vcard_ef_size[6]);
	for (int e = 1; e <= VCARD_NEF; e++) {
		char label[16];
		snprintf(label, sizeof label, "ef%02X: ", e);
		hex(label, img->ef[e], vcard_ef_size[e]);
	}
}
