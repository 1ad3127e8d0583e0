/* rkey: the derivation of a meter's remote-recharge key from the master
 * key MK06 of its key version (docs/poll.md "Recharge keys"). Depends on
 * OpenSSL only, so that the simulated meter (tests/sim/metersim) links
 * this very file instead of a copy. Nothing here logs or keeps a key. */
#ifndef CARDIO_RKEY_H
#define CARDIO_RKEY_H

#include <stdint.h>

#define RKEY_LEN 16

/* K_m = the first 16 bytes of HMAC-SHA256(mk06, "SDRK" || meter_no),
 * meter_no as its ASCII digits (1..20 of them). Writes out and returns 0,
 * or returns -1 for a bad meter number or an OpenSSL failure (out is then
 * zeroed). The caller wipes out (OPENSSL_cleanse) when done. */
int rkey_derive(const uint8_t mk06[RKEY_LEN], const char *meter_no, uint8_t out[RKEY_LEN]);

#endif
