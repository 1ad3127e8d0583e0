/* vcard_desk: the card protocol seen from outside the card (desk and
 * meter roles), run offline against the APDU engine. The image tool,
 * the test vectors and the meter module are built on it; it is also a
 * worked example for cardio. */
#ifndef VCARD_DESK_H
#define VCARD_DESK_H

#include "vcard.h"

struct vcard_desk {
	struct vcard_image *img;     /* the card, driven through vcard_apdu_process */
	struct vcard_session ses;
	const struct vcard_keyset *ks;
	uint8_t sk[16];
	uint32_t ssc;
	unsigned long apdus;         /* APDUs sent, for the per-operation counts */
	uint16_t last_sw;
};

/* A purchase as the desk writes it (docs/card-spec.md 5.2). */
struct vcard_purchase {
	uint32_t seq;
	uint8_t unit;                /* 1 fen, 2 Wh */
	uint32_t amount;
	uint64_t cumulative;
	uint8_t flags;               /* bit0 tariff, bit1 standby, bit2 alarms, bit3 limits */
	uint32_t alarm[3];
	uint32_t credit_limit;
	uint32_t hoard_limit;
	uint32_t time;
	uint32_t terminal;
};

/* Card info as personalised (docs/card-spec.md 5.1). */
struct vcard_info {
	uint8_t card_type;           /* 1 user .. 5 setting */
	uint8_t subtype;             /* user: 1 opening, 2 purchase, 3 replacement */
	uint32_t utility;
	uint8_t account[6];
	uint8_t nmeters;
	uint8_t meters[4][6];
	uint32_t issued;
};

/* Starts a desk/meter session on img with master keys ks (power-on). */
void vcard_desk_open(struct vcard_desk *d, struct vcard_image *img,
		     const struct vcard_keyset *ks);
/* Sends one APDU; resp gets data+SW (cap 260); returns the SW. */
uint16_t vcard_desk_xmit(struct vcard_desk *d, const uint8_t *apdu, size_t n,
			 uint8_t *resp, size_t *rlen);
/* Selects DF01 and runs the three-pass authentication with key kid (02 desk,
 * 03 meter). Returns 0, -1 on a transport/card error (SW in last_sw), -2 if
 * the card's internal-auth cryptogram is wrong (other utility or fake). */
int vcard_desk_auth(struct vcard_desk *d, int kid);
/* Sends CLA INS P1 P2 with data and a MAC under the session; returns SW. */
uint16_t vcard_desk_sm(struct vcard_desk *d, uint8_t cla, uint8_t ins, uint8_t p1,
		       uint8_t p2, const uint8_t *data, size_t n);
/* Reads n bytes of EF sfi with a MAC and checks it; 0 or -1. */
int vcard_desk_read_mac(struct vcard_desk *d, int sfi, uint8_t *out, size_t n);
/* Personalises a blank card: transport auth, PERSONALISE, EF01; 0 or -1. */
int vcard_desk_personalise(struct vcard_desk *d, const struct vcard_info *info);
/* Encodes a purchase frame with its record MAC into out (64 bytes);
 * tariff points to EF03 content when flags bit0 (96 bytes) or NULL. */
int vcard_purchase_encode(const struct vcard_keyset *ks, const uint8_t serial[8],
			  const struct vcard_purchase *p, const uint8_t *tariff,
			  const uint8_t *standby, uint8_t out[64]);
/* Writes a purchase the way the desk must (auth, read EF02/EF05, refuse
 * stacking, LOAD PURCHASE). Returns 0, -1 card error (last_sw), -2 auth,
 * -3 stacking refused (last purchase not written back). */
int vcard_desk_purchase(struct vcard_desk *d, const struct vcard_purchase *p);

/* Technician order options for vcard_tech_encode (spec 6.2, 6.3). */
struct vcard_order {
	uint8_t target[6];           /* all zero = any meter */
	uint32_t valid_until;
	uint32_t operator_id;
	uint32_t preset;             /* clear card */
	uint8_t preset_unit;
	uint32_t version;            /* setting card */
	uint16_t flags;
	uint32_t alarm[3];
	uint32_t credit_limit, hoard_limit, power_limit;
	uint16_t ct, pt;
	uint16_t uses;
};

/* Encodes the EF06 order for card type (3 reset, 4 clear, 5 setting) with
 * its TMAC into out (192 bytes); tariff files from img when flagged.
 * Returns the frame length or -1. */
int vcard_tech_encode(const struct vcard_keyset *ks, const struct vcard_image *img,
		      uint8_t type, const struct vcard_order *o, uint8_t out[192]);
/* Handles a technician card (type 02..05, spec 6 and 12.3) whose EF01
 * body is info, in a meter session d already authenticated with the meter
 * key; called by vcard_meter_insert. Returns a vcard_meter_result. */
int vcard_meter_technician(struct vcard_desk *d, const uint8_t *info, struct vcard_meter *m);
/* Writes EF05 with the meter's state and result (spec 5.4); 0 or -1. */
int vcard_meter_write_back(struct vcard_desk *d, struct vcard_meter *m, int result);

#endif
