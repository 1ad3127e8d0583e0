/* vcard: a virtual CPU card that implements docs/card-spec.md. Shared types
 * of the card image (the "EEPROM"), the volatile card state (RAM), the APDU
 * engine, the crypto helpers and the record layouts. */
#ifndef VCARD_H
#define VCARD_H

#include <stddef.h>
#include <stdint.h>

#define VCARD_SERIAL_LEN 8
#define VCARD_KEY_LEN 16
#define VCARD_MAC_LEN 8
#define VCARD_RAND_LEN 8
#define VCARD_ATR_LEN 13
#define VCARD_NKEYS 5          /* key ids 00 (transport) .. 04 */
#define VCARD_NEF 6            /* EF01 .. EF06 in DF01 */
#define VCARD_MAX_TRIES 5      /* wrong cryptograms before a key blocks */

/* Key ids (P2 of EXTERNAL/INTERNAL AUTHENTICATE). */
enum vcard_kid {
	VCARD_KID_TRANSPORT = 0x00, /* MF, blank card: personalisation */
	VCARD_KID_INT = 0x01,       /* internal authentication */
	VCARD_KID_SALE = 0x02,      /* desk external authentication */
	VCARD_KID_METER = 0x03,     /* meter external authentication */
	VCARD_KID_SM = 0x04,        /* secure-messaging session key master */
};

/* Off-card key: record MAC (purchase and return records). Index into a
 * master key set, never loaded onto a card. */
#define VCARD_KEYSET_REC 5
#define VCARD_KEYSET_N 6

/* File sizes (bytes) of EF01..EF06, fixed by the spec. */
#define VCARD_EF_INFO 1
#define VCARD_EF_PURCHASE 2
#define VCARD_EF_TARIFF 3
#define VCARD_EF_STANDBY 4
#define VCARD_EF_RETURN 5
#define VCARD_EF_TECH 6
extern const uint16_t vcard_ef_size[VCARD_NEF + 1];

/* The card image: everything a real card keeps in EEPROM. */
struct vcard_image {
	uint8_t serial[VCARD_SERIAL_LEN];
	uint8_t transport_key[VCARD_KEY_LEN];
	uint8_t transport_tries;
	int personalised;                  /* DF01 exists */
	uint8_t key_version;
	uint8_t keys[VCARD_NKEYS][VCARD_KEY_LEN]; /* [0] unused (transport) */
	uint8_t tries[VCARD_NKEYS];
	uint8_t ef[VCARD_NEF + 1][256];    /* [1..6], sizes vcard_ef_size */
};

/* A master key set: one per utility and key version. */
struct vcard_keyset {
	uint8_t key_version;
	uint8_t mk[VCARD_KEYSET_N][VCARD_KEY_LEN]; /* by kid; [5] record key */
};

/* Volatile state, lost at power off, reset or removal. */
struct vcard_session {
	int df_selected;          /* 0 = MF, 1 = DF01 */
	int current_ef;           /* 0 = none, 1..6 */
	int have_rc;              /* a challenge is outstanding */
	uint8_t rc[VCARD_RAND_LEN];
	int rc_len;
	int have_rd;              /* INTERNAL AUTHENTICATE seen */
	uint8_t rd[VCARD_RAND_LEN];
	int auth_kid;             /* -1 = none, else the external-auth key id */
	uint8_t sk[VCARD_KEY_LEN];/* session MAC key */
	uint32_t ssc;             /* send sequence counter */
	uint8_t resp[258];        /* pending response for GET RESPONSE */
	size_t resp_len;
};

/* Result of one APDU: response bytes (data + SW) and whether the image
 * changed and must be committed to the EEPROM before answering. */
struct vcard_rapdu {
	uint8_t buf[260];
	size_t len;
	int dirty;
};

/* ---- crypto (vcard_crypto.c) ---- */
/* AES-128 encrypts one 16-byte block; 0 or -1. */
int vcard_aes_block(const uint8_t key[16], const uint8_t in[16], uint8_t out[16]);
/* AES-128-CMAC (SP 800-38B) of msg into a full 16-byte tag; 0 or -1. */
int vcard_cmac(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t tag[16]);
/* Card key = AES(MK, serial || ~serial); 0 or -1. */
int vcard_diversify(const uint8_t mk[16], const uint8_t serial[8], uint8_t out[16]);
/* Session key = CMAC(K_SM, 01 || RD || RC || kid); 0 or -1. */
int vcard_session_key(const uint8_t ksm[16], const uint8_t rd[8], const uint8_t rc[8],
		      uint8_t kid, uint8_t sk[16]);
/* Internal-auth cryptogram = AES(K_INT, RD || serial); 0 or -1. */
int vcard_int_auth_crypto(const uint8_t kint[16], const uint8_t rd[8],
			  const uint8_t serial[8], uint8_t out[16]);
/* External-auth cryptogram = AES(K_EXT, RC || RD); 0 or -1. */
int vcard_ext_auth_crypto(const uint8_t kext[16], const uint8_t rc[8],
			  const uint8_t rd[8], uint8_t out[16]);
/* Secure-messaging MAC: first 8 bytes of CMAC(SK, dir || SSC || hdr5 ||
 * data); dir 01 command, 02 response. 0 or -1. */
int vcard_sm_mac(const uint8_t sk[16], uint8_t dir, uint32_t ssc, const uint8_t hdr[5],
		 const uint8_t *data, size_t len, uint8_t mac[8]);
/* Record MAC: first 8 bytes of CMAC(K_REC card key, tag || serial || data);
 * tag 'P' purchase, 'R' return, 'T' technician. 0 or -1. */
int vcard_rec_mac(const uint8_t krec[16], uint8_t tag, const uint8_t serial[8],
		  const uint8_t *data, size_t len, const uint8_t *data2, size_t len2,
		  uint8_t mac[8]);
/* Key check value: first 3 bytes of AES(key, 0^16); printable, not secret. */
int vcard_kcv(const uint8_t key[16], uint8_t kcv[3]);
/* Fills buf with len random bytes; 0 or -1. */
int vcard_random(uint8_t *buf, size_t len);
/* Constant-time compare; 0 when equal. */
int vcard_memneq(const uint8_t *a, const uint8_t *b, size_t len);

/* ---- key sets (vcard_keys.c) ---- */
/* Loads a key set: "test", "other", or a file of "kid=hex" lines. 0 or -1. */
int vcard_keyset_load(const char *spec, struct vcard_keyset *ks);
/* Diversifies key kid of set ks for serial into out; 0 or -1. */
int vcard_keyset_card_key(const struct vcard_keyset *ks, int kid,
			  const uint8_t serial[8], uint8_t out[16]);

/* ---- image (vcard_image.c) ---- */
/* Initialises a blank card with serial and the transport key of ks. */
int vcard_image_blank(struct vcard_image *img, const uint8_t serial[8],
		      const struct vcard_keyset *ks);
/* Creates DF01 with keys diversified from ks and empty EFs (what the
 * PERSONALISE command does). */
int vcard_image_create_df(struct vcard_image *img, uint8_t key_version,
			  const uint8_t keys[VCARD_NKEYS][VCARD_KEY_LEN]);
/* Loads an image file; 0 or -1 with a message on stderr. */
int vcard_image_load(const char *path, struct vcard_image *img);
/* Writes an image file atomically (temp file, fsync, rename); 0 or -1. */
int vcard_image_save(const char *path, const struct vcard_image *img);
/* Builds the 13-byte ATR of the card. */
void vcard_image_atr(const struct vcard_image *img, uint8_t atr[VCARD_ATR_LEN]);

/* ---- APDU engine (vcard_apdu.c) ---- */
/* Clears the volatile state (power on, reset, insertion). */
void vcard_session_reset(struct vcard_session *s);
/* Processes one command APDU against img and s; fills r. Never fails: any
 * malformed input gets a status word. */
void vcard_apdu_process(struct vcard_image *img, struct vcard_session *s,
			const uint8_t *apdu, size_t len, struct vcard_rapdu *r);

/* ---- record layouts (vcard_layout.c) ---- */
/* Wraps body into a 68 CMD LEN body CS 16 frame in out (size cap); returns
 * the frame length or -1. */
int vcard_frame(uint8_t cmd, const uint8_t *body, size_t len, uint8_t *out, size_t cap);
/* Checks a frame at buf (size cap); on success returns the body length
 * and sets *cmd and *body (pointer into buf); -1 if empty/invalid. */
int vcard_unframe(const uint8_t *buf, size_t cap, uint8_t *cmd, const uint8_t **body);
/* Big-endian helpers. */
void vcard_put32(uint8_t *p, uint32_t v);
uint32_t vcard_get32(const uint8_t *p);
void vcard_put64(uint8_t *p, uint64_t v);
uint64_t vcard_get64(const uint8_t *p);
/* Packs a decimal string of at most 12 digits into 6 BCD bytes; 0 or -1. */
int vcard_bcd6(const char *digits, uint8_t out[6]);
/* Prints a human-readable dump of the image to stdout (keys as KCVs). */
void vcard_image_print(const struct vcard_image *img, const struct vcard_keyset *ks);

/* ---- meter side (vcard_meter.c) ---- */
/* What a meter keeps about its prepay state (docs/card-spec.md, 9). */
struct vcard_meter {
	uint8_t meter_no[6];
	uint8_t account_no[6];      /* all zero until opened */
	int opened;
	uint8_t card_serial[8];     /* the valid purchase card */
	uint32_t count;             /* M: purchase count applied */
	uint8_t unit;               /* 1 fen, 2 Wh */
	int64_t remaining;          /* may go negative into the credit limit */
	uint64_t cumulative;
	uint64_t energy_total;
	uint64_t energy_tou[4];
	uint16_t status;
	uint32_t alarm[3];
	uint32_t credit_limit;
	uint32_t hoard_limit;
	uint32_t tariff_id;         /* current tariff (EF03 id, spec 5.3) */
	uint32_t standby_id;        /* standby tariff (EF04 id), 0 = none */
	uint32_t standby_at;        /* when the standby becomes current */
	uint16_t illegal_count;
	uint32_t now;               /* meter clock, Unix seconds */
	uint32_t max_demand_w;
	uint32_t max_demand_time;
	uint64_t freeze_energy;     /* energy at the last monthly freeze */
	uint32_t freeze_time;
	uint32_t param_version;     /* last setting-card version applied */
	uint32_t power_limit_w;
	uint16_t ct_ratio, pt_ratio;
};

/* Makes the standby tariff current once the meter clock reaches its
 * activation time (spec 5.3); every insertion calls it first. */
void vcard_meter_tariff_tick(struct vcard_meter *m);
/* Takes the tariff files a purchase or a setting order names (flags bit0
 * EF03, bit1 EF04; frames of 96 bytes) into the meter. */
void vcard_meter_take_tariffs(struct vcard_meter *m, unsigned flags, const uint8_t *ef3,
			      const uint8_t *ef4);

/* Error classes a meter reports for a failed insertion (spec 13). */
enum vcard_meter_result {
	VCARD_METER_CREDITED = 0x00,    /* purchase applied */
	VCARD_METER_NO_CREDIT = 0x01,   /* N == M (or old card): written back only */
	VCARD_METER_E_AUTH = 0x32,      /* Err-32: auth/key/MAC */
	VCARD_METER_E_NUMBER = 0x33,    /* Err-33: meter/account/serial mismatch */
	VCARD_METER_E_COUNT = 0x34,     /* Err-34: count error (N >= M+2) */
	VCARD_METER_E_RETURN = 0x35,    /* Err-34: return file not empty */
	VCARD_METER_E_FORMAT = 0x36,    /* Err-34: format / not a user card */
	VCARD_METER_E_HOARD = 0x37,     /* Err-36: over the hoarding limit */
	VCARD_METER_E_PULLED = 0x38,    /* Err-35: card pulled early */
	VCARD_METER_CANCELLED = 0x02,   /* N cancelled at the desk: no credit, no write-back */
};

/* Applies a user card image to a meter as docs/card-spec.md section 9
 * says (offline: the meter's ESAM role is played by ks). Updates img and m.
 * Returns a vcard_meter_result. */
int vcard_meter_insert(struct vcard_image *img, struct vcard_meter *m,
		       const struct vcard_keyset *ks);
/* Short text of a meter result; static storage. */
const char *vcard_meter_result_str(int res);

#endif
