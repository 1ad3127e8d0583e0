/* reader: the PC/SC-Lite reader layer. One opaque context per reader,
 * made with reader_open() and freed with reader_free(); errors are 0 or a
 * negative SD_ code with a detail (the PC/SC code is kept in the detail).
 * It does what pcsc-lite leaves to the application: GET RESPONSE on 61xx,
 * a resend with the right Le on 6Cxx, a reconnect after a reset, and
 * waiting for insertion and removal with SCardGetStatusChange (pcsc-tools'
 * loop: event counter in the upper 16 bits, SCardCancel to stop). Every
 * APDU is logged at debug level with keys, cryptograms and MACs masked. */
#ifndef CARDIO_READER_H
#define CARDIO_READER_H

#include <stddef.h>
#include <stdint.h>

#define READER_NAME_MAX 128
#define READER_ATR_MAX 33

struct card_reader;

/* Connects to pcscd and picks the reader named name (exact, or a unique
 * prefix), or with name NULL/"" the only reader (or the only one holding a
 * card). *out is the caller's: reader_free() it. -SD_PCSC_DOWN when pcscd
 * is not running, -SD_NO_READER when there is no (such) reader. */
int reader_open(const char *name, struct card_reader **out);

/* Disconnects and frees r; NULL is fine. */
void reader_free(struct card_reader *r);

/* Returns the name of the reader in use; owned by r. */
const char *reader_name(const struct card_reader *r);

/* Calls fn for every reader pcscd knows, with whether a card is in it. */
int reader_list(void (*fn)(const char *name, int card_present, void *ctx), void *ctx);

/* Waits until a card is present (present = 1) or absent (0), or
 * timeout_ms passes (-1 = for ever): 0, -SD_TIMEOUT, -SD_CARD_CANCELLED
 * (reader_cancel), or -SD_PCSC_DOWN / -SD_NO_READER (the caller waits and
 * calls again: r reconnects to pcscd and finds its reader when they come
 * back). *events, if not NULL, gets the reader's event counter, which
 * moves at each insertion and removal even when the wait missed one. */
int reader_wait(struct card_reader *r, int present, int timeout_ms, unsigned *events);

/* Stops a reader_wait() running in another thread (SCardCancel). */
int reader_cancel(struct card_reader *r);

/* Powers the card (T=0, shared) and copies its ATR into atr (READER_ATR_MAX
 * bytes) and *atr_len. -SD_NO_CARD when there is none. */
int reader_connect(struct card_reader *r, uint8_t *atr, size_t *atr_len);

/* Disconnects from the card, resetting it when reset is set (ends every
 * session on the card). */
void reader_disconnect(struct card_reader *r, int reset);

/* Starts exclusive use of the card for a multi-APDU operation
 * (SCardBeginTransaction); reconnects once if another program reset it. */
int reader_begin(struct card_reader *r);

/* Ends it (SCardEndTransaction, card left as is). */
void reader_end(struct card_reader *r);

/* Sends apdu (n bytes) and returns the response data in resp (cap bytes;
 * *rlen) and the final status word in *sw. 61xx is followed by GET
 * RESPONSE, 6Cxx by a resend with Le = xx. -SD_CARD_PULLED when the card
 * went away (or answered fewer than 2 bytes), -SD_STATE after a reset by
 * someone else (r reconnects; the caller starts its operation again). */
int reader_transmit(struct card_reader *r, const uint8_t *apdu, size_t n, uint8_t *resp,
		    size_t cap, size_t *rlen, uint16_t *sw);

/* APDUs and bytes (command + response) exchanged since the last reset of
 * the counters, for the per-operation figures. */
void reader_counters(const struct card_reader *r, unsigned long *apdus, unsigned long *bytes);
void reader_reset_counters(struct card_reader *r);

#endif
