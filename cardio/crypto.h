/* card_crypto: the card cipher of docs/card-spec.md (sections 7 and 9):
 * AES-128 blocks, AES-CMAC, per-card key diversification, key check
 * values, session keys, secure-messaging MACs and record MACs. Pure
 * functions over caller buffers; nothing here logs or keeps a key. */
#ifndef CARDIO_CRYPTO_H
#define CARDIO_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define CARD_KEY_LEN 16
#define CARD_SERIAL_LEN 8
#define CARD_MAC_LEN 8
#define CARD_RAND_LEN 8

/* Key ids (spec 7.1); CARD_KID_REC (05) never goes onto a card. */
enum card_kid {
	CARD_KID_TRANSPORT = 0,
	CARD_KID_INT = 1,
	CARD_KID_SALE = 2,
	CARD_KID_METER = 3,
	CARD_KID_SM = 4,
	CARD_KID_REC = 5,
	CARD_NKID = 6
};

/* out = AES-128-ENC(key, in), one block. Returns 0 or -SD_CRYPTO. */
int card_aes(const uint8_t key[16], const uint8_t in[16], uint8_t out[16]);

/* out = the full 16-byte AES-128-CMAC of the n bytes at msg. */
int card_cmac(const uint8_t key[16], const uint8_t *msg, size_t n, uint8_t out[16]);

/* Card key = AES(MK, serial || ~serial) (spec 7.2). */
int card_diversify(const uint8_t mk[16], const uint8_t serial[8], uint8_t out[16]);

/* Key check value: first 3 bytes of AES(K, 0^16) (spec 7.3). */
int card_kcv(const uint8_t key[16], uint8_t out[3]);

/* SK = CMAC(K04, 01 || RD || RC || kid) (spec 9.1; transport: K00, RD = 0). */
int card_session_key(const uint8_t ksm[16], const uint8_t rd[8], const uint8_t rc[8],
		     uint8_t kid, uint8_t sk[16]);

/* Secure-messaging MAC (spec 9.3): dir 01 command / 02 response, input
 * dir || SSC || the 5 header bytes || data; first 8 bytes into mac. */
int card_sm_mac(const uint8_t sk[16], uint8_t dir, uint32_t ssc, const uint8_t hdr[5],
		const uint8_t *data, size_t n, uint8_t mac[8]);

/* Record MAC (spec 7.4): CMAC(K05, tag || serial || a || b)[0..7]; b may
 * be NULL with nb 0. */
int card_rec_mac(const uint8_t krec[16], uint8_t tag, const uint8_t serial[8],
		 const uint8_t *a, size_t na, const uint8_t *b, size_t nb, uint8_t mac[8]);

/* Fills out with n bytes from the CSPRNG. */
int card_random(uint8_t *out, size_t n);

/* Constant-time compare; 0 when equal. */
int card_memneq(const uint8_t *a, const uint8_t *b, size_t n);

#endif
