/* vcard_vectors: the test vectors of docs/card-spec.md section 12, computed
 * from fixed inputs so another implementation can check itself. The master
 * keys are the documented test-only set; never a real key. */
#include "vcard_desk.h"
#include "vcard_tool.h"

#include <stdio.h>
#include <string.h>

static void line(const char *name, const uint8_t *p, size_t n)
{
	printf("%-28s ", name);
	for (size_t i = 0; i < n; i++)
		printf("%02X", p[i]);
	printf("\n");
}

int vcard_vectors(void)
{
	static const uint8_t serial[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	static const uint8_t rd[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
	static const uint8_t rc[8] = {0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8};
	static const uint8_t zero8[8] = {0};
	struct vcard_keyset ks;
	struct vcard_purchase p;
	uint8_t k[VCARD_KEYSET_N][16], out[16], sk[16], skt[16], mac[8], rec[64], kcv[3];
	uint8_t apdu[5 + 4 + 8] = {0x04, 0xD6, 0x81, 0x00, 0x0C, 0x01, 0x02, 0x03, 0x04};
	uint8_t rhdr[5] = {0x04, 0xB0, 0x85, 0x00, 0x0C}, rdata[4] = {0x68, 0x11, 0x00, 0x5A};
	char name[32];

	if (vcard_keyset_load("test", &ks))
		return 1;
	line("serial", serial, 8);
	line("RD", rd, 8);
	line("RC", rc, 8);
	for (int i = 0; i < VCARD_KEYSET_N; i++) {
		snprintf(name, sizeof name, "MK%02X", i);
		line(name, ks.mk[i], 16);
	}
	for (int i = 0; i < VCARD_KEYSET_N; i++) {
		if (vcard_keyset_card_key(&ks, i, serial, k[i]))
			return 1;
		snprintf(name, sizeof name, "K%02X (diversified)", i);
		line(name, k[i], 16);
		vcard_kcv(k[i], kcv);
		snprintf(name, sizeof name, "KCV K%02X", i);
		line(name, kcv, 3);
	}
	if (vcard_int_auth_crypto(k[VCARD_KID_INT], rd, serial, out))
		return 1;
	line("INTERNAL AUTH response", out, 16);
	if (vcard_ext_auth_crypto(k[VCARD_KID_SALE], rc, rd, out))
		return 1;
	line("EXTERNAL AUTH kid 02", out, 16);
	if (vcard_ext_auth_crypto(k[VCARD_KID_METER], rc, rd, out))
		return 1;
	line("EXTERNAL AUTH kid 03", out, 16);
	if (vcard_session_key(k[VCARD_KID_SM], rd, rc, VCARD_KID_SALE, sk))
		return 1;
	line("SK (kid 02)", sk, 16);
	if (vcard_sm_mac(sk, 0x01, 1, apdu, apdu + 5, 4, apdu + 9))
		return 1;
	line("UPDATE APDU, SSC 1", apdu, sizeof apdu);
	if (vcard_sm_mac(sk, 0x02, 2, rhdr, rdata, 4, mac))
		return 1;
	line("READ resp MAC, SSC 2", mac, 8);
	if (vcard_ext_auth_crypto(k[VCARD_KID_TRANSPORT], rc, zero8, out) ||
	    vcard_session_key(k[VCARD_KID_TRANSPORT], zero8, rc, 0x00, skt))
		return 1;
	line("EXTERNAL AUTH kid 00 (MF)", out, 16);
	line("SK transport", skt, 16);
	{
		uint8_t blk[16] = {0x01}, stream[16], wrapped[16], zbody[82] = {0};
		if (vcard_aes_block(skt, blk, stream))
			return 1;
		for (int i = 0; i < 16; i++)
			wrapped[i] = k[VCARD_KID_INT][i] ^ stream[i];
		line("PERSONALISE wrapped K01", wrapped, 16);
		if (vcard_rec_mac(k[VCARD_KEYSET_REC], 'R', serial, zbody, sizeof zbody, NULL, 0, mac))
			return 1;
		line("return MAC, 82 zero bytes", mac, 8);
	}
	memset(&p, 0, sizeof p);
	p.seq = 1;
	p.unit = 1;
	p.amount = 10000;
	p.cumulative = 10000;
	p.time = 1767225600u;
	p.terminal = 7;
	if (vcard_purchase_encode(&ks, serial, &p, NULL, NULL, rec))
		return 1;
	line("EF02 purchase frame", rec, 60);
	line("purchase record MAC", rec + 50, 8);
	return 0;
}
