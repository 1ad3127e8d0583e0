/* mac: remote-recharge MAC through OpenSSL's one-shot HMAC (not
 * deprecated in OpenSSL 3). */
#include "mac.h"

#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

int mac_message(const char *number, uint32_t seq, uint32_t amount_fen,
		unsigned char out[MAC_MSG_LEN])
{
	if (strlen(number) != 12)
		return -1;
	memcpy(out, "SDRC", 4);
	memcpy(out + 4, number, 12);
	put_be32(out + 16, seq);
	put_be32(out + 20, amount_fen);
	return 0;
}

int mac_recharge(const unsigned char key[16], const char *number,
		 uint32_t seq, uint32_t amount_fen, unsigned char out[8])
{
	unsigned char msg[MAC_MSG_LEN], md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;

	if (mac_message(number, seq, amount_fen, msg) != 0)
		return -1;
	if (!HMAC(EVP_sha256(), key, 16, msg, sizeof(msg), md, &md_len) ||
	    md_len < 8)
		return -1;
	memcpy(out, md, 8);
	return 0;
}
