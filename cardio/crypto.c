/* card_crypto: AES-128 and AES-CMAC through OpenSSL 3 EVP, the only
 * constructions the card spec uses. */
#include "crypto.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "err.h"

int card_aes(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int len = 0, rc = -SD_CRYPTO;

	if (!ctx)
		return err_set(-SD_NOMEM, "AES context");
	if (EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_EncryptUpdate(ctx, out, &len, in, 16) != 1 || len != 16) {
		err_set(rc, "AES-128 block encryption failed");
		goto out;
	}
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

int card_cmac(const uint8_t key[16], const uint8_t *msg, size_t n, uint8_t out[16])
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[2];
	size_t len = 0;
	int rc = -SD_CRYPTO;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, (char *)"AES-128-CBC", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!ctx || EVP_MAC_init(ctx, key, 16, params) != 1 ||
	    EVP_MAC_update(ctx, msg, n) != 1 || EVP_MAC_final(ctx, out, &len, 16) != 1 ||
	    len != 16) {
		err_set(rc, "AES-CMAC failed");
		goto out;
	}
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return rc;
}

int card_diversify(const uint8_t mk[16], const uint8_t serial[8], uint8_t out[16])
{
	uint8_t in[16];

	for (int i = 0; i < 8; i++) {
		in[i] = serial[i];
		in[8 + i] = (uint8_t)~serial[i];
	}
	return card_aes(mk, in, out);
}

int card_kcv(const uint8_t key[16], uint8_t out[3])
{
	uint8_t zero[16] = {0}, blk[16];
	int rc = card_aes(key, zero, blk);

	if (!rc)
		memcpy(out, blk, 3);
	OPENSSL_cleanse(blk, sizeof(blk));
	return rc;
}

int card_session_key(const uint8_t ksm[16], const uint8_t rd[8], const uint8_t rc[8],
		     uint8_t kid, uint8_t sk[16])
{
	uint8_t in[18];

	in[0] = 0x01;
	memcpy(in + 1, rd, 8);
	memcpy(in + 9, rc, 8);
	in[17] = kid;
	return card_cmac(ksm, in, sizeof(in), sk);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int card_sm_mac(const uint8_t sk[16], uint8_t dir, uint32_t ssc, const uint8_t hdr[5],
		const uint8_t *data, size_t n, uint8_t mac[8])
{
	uint8_t in[10 + 256], full[16];
	int rc;

	if (n > 256)
		return err_set(-SD_INVAL, "secure-messaging data too long (%zu bytes)", n);
	in[0] = dir;
	put32(in + 1, ssc);
	memcpy(in + 5, hdr, 5);
	if (n)
		memcpy(in + 10, data, n);
	rc = card_cmac(sk, in, 10 + n, full);
	if (!rc)
		memcpy(mac, full, 8);
	return rc;
}

int card_rec_mac(const uint8_t krec[16], uint8_t tag, const uint8_t serial[8],
		 const uint8_t *a, size_t na, const uint8_t *b, size_t nb, uint8_t mac[8])
{
	uint8_t in[9 + 512], full[16];
	int rc;

	if (na + nb > 512)
		return err_set(-SD_INVAL, "record too long for its MAC");
	in[0] = tag;
	memcpy(in + 1, serial, 8);
	if (na)
		memcpy(in + 9, a, na);
	if (nb)
		memcpy(in + 9 + na, b, nb);
	rc = card_cmac(krec, in, 9 + na + nb, full);
	if (!rc)
		memcpy(mac, full, 8);
	return rc;
}

int card_random(uint8_t *out, size_t n)
{
	if (RAND_priv_bytes(out, (int)n) != 1)
		return err_set(-SD_CRYPTO, "the random generator failed");
	return 0;
}

int card_memneq(const uint8_t *a, const uint8_t *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) != 0;
}
