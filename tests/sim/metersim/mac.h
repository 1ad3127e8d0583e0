/* mac: the remote-recharge MAC of docs/meter-map.md (HMAC-SHA256 under the
 * meter's 16-byte key, truncated to 8 bytes). */
#ifndef METERSIM_MAC_H
#define METERSIM_MAC_H

#include <stddef.h>
#include <stdint.h>

#define MAC_MSG_LEN 24

/* Builds the 24-byte MAC input: "SDRC" || meter number (12 ASCII digits)
 * || seq (u32 big-endian) || amount in fen (u32 big-endian). Returns 0, or
 * -1 if number is not 12 characters long. */
int mac_message(const char *number, uint32_t seq, uint32_t amount_fen,
		unsigned char out[MAC_MSG_LEN]);

/* Computes the 8-byte recharge MAC into out. Returns 0 or -1. */
int mac_recharge(const unsigned char key[16], const char *number,
		 uint32_t seq, uint32_t amount_fen, unsigned char out[8]);

#endif
