/* vcard_crypto: AES-128 and AES-CMAC through OpenSSL 3, and the key
 * derivations of docs/card-spec.md section 7. */
#include "vcard.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

int vcard_aes_block(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, rc = -1;

	if (!ctx)
		return -1;
	if (EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL) != 1)
		goto out;
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	if (EVP_EncryptUpdate(ctx, out, &n, in, 16) != 1 || n != 16)
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

int vcard_cmac(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t tag[16])
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t outl = 0;
	int rc = -1;

	if (!mac)
		return -1;
	ctx = EVP_MAC_CTX_new(mac);
	if (!ctx)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string("cipher", (char *)"AES-128-CBC", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, key, 16, params) != 1)
		goto out;
	if (len && EVP_MAC_update(ctx, msg, len) != 1)
		goto out;
	if (EVP_MAC_final(ctx, tag, &outl, 16) != 1 || outl != 16)
		goto out;
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return rc;
}

int vcard_diversify(const uint8_t mk[16], const uint8_t serial[8], uint8_t out[16])
{
	uint8_t in[16];

	/* PBOC practice (left = E(ID), right = E(~ID)) folded into one AES
	 * block: both halves of the input depend on the serial. */
	for (int i = 0; i < 8; i++) {
		in[i] = serial[i];
		in[8 + i] = (uint8_t)~serial[i];
	}
	return vcard_aes_block(mk, in, out);
}

int vcard_session_key(const uint8_t ksm[16], const uint8_t rd[8], const uint8_t rc[8],
		      uint8_t kid, uint8_t sk[16])
{
	uint8_t msg[18];

	msg[0] = 0x01;
	memcpy(msg + 1, rd, 8);
	memcpy(msg + 9, rc, 8);
	msg[17] = kid;
	return vcard_cmac(ksm, msg, sizeof msg, sk);
}

int vcard_int_auth_crypto(const uint8_t kint[16], const uint8_t rd[8],
			  const uint8_t serial[8], uint8_t out[16])
{
	uint8_t in[16];

	memcpy(in, rd, 8);
	memcpy(in + 8, serial, 8);
	return vcard_aes_block(kint, in, out);
}

int vcard_ext_auth_crypto(const uint8_t kext[16], const uint8_t rc[8],
			  const uint8_t rd[8], uint8_t out[16])
{
	uint8_t in[16];

	memcpy(in, rc, 8);
	memcpy(in + 8, rd, 8);
	return vcard_aes_block(kext, in, out);
}

int vcard_sm_mac(const uint8_t sk[16], uint8_t dir, uint32_t ssc, const uint8_t hdr[5],
		 const uint8_t *data, size_t len, uint8_t mac[8])
{
	uint8_t msg[10 + 256], tag[16];

	if (len > 256)
		return -1;
	msg[0] = dir;
	vcard_put32(msg + 1, ssc);
	memcpy(msg + 5, hdr, 5);
	if (len)
		memcpy(msg + 10, data, len);
	if (vcard_cmac(sk, msg, 10 + len, tag))
		return -1;
	memcpy(mac, tag, 8);
	return 0;
}

int vcard_rec_mac(const uint8_t krec[16], uint8_t tag, const uint8_t serial[8],
		  const uint8_t *data, size_t len, const uint8_t *data2, size_t len2,
		  uint8_t mac[8])
{
	uint8_t msg[9 + 512], t[16];

	if (len > 256 || len2 > 256)
		return -1;
	msg[0] = tag;
	memcpy(msg + 1, serial, 8);
	if (len)
		memcpy(msg + 9, data, len);
	if (len2)
		memcpy(msg + 9 + len, data2, len2);
	if (vcard_cmac(krec, msg, 9 + len + len2, t))
		return -1;
	memcpy(mac, t, 8);
	return 0;
}

int vcard_kcv(const uint8_t key[16], uint8_t kcv[3])
{
	uint8_t zero[16] = {0}, out[16];

	if (vcard_aes_block(key, zero, out))
		return -1;
	memcpy(kcv, out, 3);
	return 0;
}

int vcard_random(uint8_t *buf, size_t len)
{
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

int vcard_memneq(const uint8_t *a, const uint8_t *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) != 0;
}
