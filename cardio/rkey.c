/* rkey: K_m = HMAC-SHA256(MK06, "SDRK" || meter number)[0..15]. The
 * "SDRK" prefix keeps this HMAC apart from the recharge MAC ("SDRC") made
 * with the derived key. */
#include "rkey.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

int rkey_derive(const uint8_t mk06[RKEY_LEN], const char *meter_no, uint8_t out[RKEY_LEN])
{
	unsigned char msg[4 + 20], full[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	size_t n = meter_no ? strlen(meter_no) : 0;
	int rc = -1;

	memset(out, 0, RKEY_LEN);
	if (n < 1 || n > 20)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (meter_no[i] < '0' || meter_no[i] > '9')
			return -1;
	memcpy(msg, "SDRK", 4);
	memcpy(msg + 4, meter_no, n);
	if (HMAC(EVP_sha256(), mk06, RKEY_LEN, msg, 4 + n, full, &len) && len == 32) {
		memcpy(out, full, RKEY_LEN);
		rc = 0;
	}
	OPENSSL_cleanse(full, sizeof(full));
	return rc;
}
