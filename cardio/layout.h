/* card_layout: the records of docs/card-spec.md section 5 and 6 as C
 * structs, and their frames (68 CMD LEN body CS 16), big-endian and BCD. */
#ifndef CARDIO_LAYOUT_H
#define CARDIO_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#define CARD_DIGITS_MAX 12
#define CARD_MAX_METERS 4

enum card_type { CARD_USER = 1, CARD_CHECK = 2, CARD_RESET = 3, CARD_CLEAR = 4, CARD_SETTING = 5 };
enum card_subtype { CARD_OPENING = 1, CARD_PURCHASE = 2, CARD_REPLACEMENT = 3 };

/* EF01 card info (spec 5.1). Numbers are digit strings, leading zeros
 * removed ("" for zero). */
struct card_info {
	uint8_t type, subtype, key_version, layout;
	uint8_t serial[8];
	uint32_t utility;
	char account[CARD_DIGITS_MAX + 1];
	int nmeters;
	char meters[CARD_MAX_METERS][CARD_DIGITS_MAX + 1];
	uint32_t issued;
};

/* EF02 purchase record (spec 5.2), without its frame and PMAC. */
struct card_purchase {
	uint32_t seq;
	uint8_t unit;                  /* 1 fen, 2 Wh */
	uint32_t amount;
	uint64_t cumulative;
	uint8_t flags;                 /* bit0 EF03, bit1 EF04, bit2 alarms, bit3 limits */
	uint32_t alarm[3];
	uint32_t credit_limit, hoard_limit;
	uint32_t time, terminal;
};

/* Result byte of a return record written by the desk, not a meter: the
 * purchase was cancelled at the desk (spec 8.11, 13). */
#define CARD_RESULT_CANCELLED 0x02

/* EF05 return record (spec 5.4). */
struct card_return {
	char meter[CARD_DIGITS_MAX + 1], account[CARD_DIGITS_MAX + 1];
	uint32_t count;
	uint8_t unit;
	uint32_t remaining, overdraft;
	uint64_t cumulative, energy, tou[4];
	uint16_t status;
	uint8_t result;
	uint16_t illegal;
	uint32_t time;
};

/* EF03/EF04 tariff (spec 5.3). */
struct card_tariff {
	uint8_t kind;
	uint32_t id;
	uint32_t price[4];
	int nseg;
	uint8_t seg[8][3];
	uint32_t step[3], surcharge[4];
	uint32_t activation;
};

/* Technician order (spec 6.2, 6.3) for reset, clear and setting cards. */
struct card_order {
	char target[CARD_DIGITS_MAX + 1];   /* "" = any meter */
	uint32_t valid_until, operator_id;
	uint32_t preset;                    /* clear */
	uint8_t preset_unit;
	uint32_t version;                   /* setting */
	uint16_t flags;                     /* setting: bit0 EF03, bit1 EF04, bit2 alarms,
					     * bit3 limits, bit4 power, bit5 CT/PT */
	uint32_t alarm[3], credit_limit, hoard_limit, power_limit;
	uint16_t ct, pt;
	uint16_t uses;
	const uint8_t *ef03, *ef04;         /* setting: 96-byte tariff frames for bit0/bit1
					     * (card_tariff_encode); the caller's */
};

/* Check-card answer written by a meter into EF06 (spec 6.1), main fields. */
struct card_check {
	char meter[CARD_DIGITS_MAX + 1], account[CARD_DIGITS_MAX + 1];
	uint32_t count;
	uint8_t unit;
	uint32_t remaining, overdraft;
	uint64_t cumulative, energy;
	uint16_t status;
	uint32_t tariff_id, clock;
	uint16_t illegal, firmware;
};

void card_put16(uint8_t *p, uint16_t v);
void card_put32(uint8_t *p, uint32_t v);
void card_put64(uint8_t *p, uint64_t v);
uint16_t card_get16(const uint8_t *p);
uint32_t card_get32(const uint8_t *p);
uint64_t card_get64(const uint8_t *p);

/* Packs a digit string (<= 12 digits) into 6 BCD bytes; -SD_INVAL if not
 * digits or too long. */
int card_bcd6(const char *digits, uint8_t out[6]);

/* Unpacks 6 BCD bytes into digits without leading zeros. */
void card_unbcd6(const uint8_t in[6], char out[CARD_DIGITS_MAX + 1]);

/* Wraps body (len bytes) into a frame at out (cap bytes, rest zeroed);
 * returns the frame length or -SD_INVAL. */
int card_frame(uint8_t cmd, const uint8_t *body, size_t len, uint8_t *out, size_t cap);

/* Checks the frame in buf (cap bytes): returns the body length and sets
 * *cmd and *body, 0 for an empty EF (first byte not 68), or -SD_CARD_FORMAT. */
int card_unframe(const uint8_t *buf, size_t cap, uint8_t *cmd, const uint8_t **body);

/* EF01 encode (frame in out, 64 bytes) and decode from a body. */
int card_info_encode(const struct card_info *in, uint8_t out[64]);
void card_info_decode(const uint8_t *body, struct card_info *out);

/* EF02 body without PMAC (46 bytes) and decode from a body. */
void card_purchase_body(const struct card_purchase *p, uint8_t body[46]);
void card_purchase_decode(const uint8_t *body, struct card_purchase *out);

/* EF05 body without RMAC (82 bytes) from t, the inverse of
 * card_return_decode (the desk writes one to cancel a purchase, spec
 * 8.11); -SD_INVAL when a meter or account number is not digits. */
int card_return_body(const struct card_return *t, uint8_t body[82]);
/* Decodes an EF05 body (at least 82 bytes) into out. */
void card_return_decode(const uint8_t *body, struct card_return *out);
void card_check_decode(const uint8_t *body, struct card_check *out);

/* EF03/EF04 frame (96 bytes in out) for cmd 3 or 4. */
int card_tariff_encode(uint8_t cmd, const struct card_tariff *t, uint8_t out[96]);
/* Decodes an EF03/EF04 body (at least 78 bytes) into out, the inverse of
 * card_tariff_encode; nseg is capped at 8. */
void card_tariff_decode(const uint8_t *body, struct card_tariff *out);

#endif
