/* card_tariff: the desk's tariff versions (tariff.h) in the card's
 * tariff-file format (EF03/EF04, docs/card-spec.md 5.3), and the rule
 * that decides which of the two files a purchase carries. The mapping and
 * the rule are pure (card_tariff.c); card_tariff_files() loads the tariff
 * from the database for them (card_tariff_load.c). */
#ifndef SALEDESK_CARD_TARIFF_H
#define SALEDESK_CARD_TARIFF_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "layout.h"    /* cardio */
#include "tariff.h"

/* Card tariff kinds (spec 5.3 body byte 0). */
enum card_tariff_kind {
	CARD_TARIFF_FLAT = 1,
	CARD_TARIFF_TOU = 2,
	CARD_TARIFF_STEPPED = 3,
	CARD_TARIFF_TOU_STEPPED = 4
};

#define CARD_TARIFF_MAX_SEGMENTS 8
#define CARD_TARIFF_MAX_TIERS 4

/* Maps version v (valid, see tariff_version_validate) to the card's
 * format with tariff id id (the tariff_versions row id) and activation 0
 * (the caller sets it for EF04). A TOU day table becomes start times in
 * order with neighbours of the same rate merged; seasons whose day tables
 * differ, more than 8 segments, more than 4 tier blocks or a tier bound
 * beyond 32 bits cannot be expressed: -SD_TARIFF with the reason in the
 * error detail. *out is the caller's. */
int card_tariff_from_version(const struct tariff_version *v, uint32_t id,
			     struct card_tariff *out);

/* What a purchase should carry, decided by card_tariff_plan(). */
struct card_tariff_plan {
	uint8_t flags;              /* bit0 write EF03 (cur), bit1 write EF04 (next) */
	struct card_tariff cur;     /* the version in force, when bit0 */
	struct card_tariff next;    /* the next version with its activation, when bit1 */
	uint32_t ef03_id, ef04_id;  /* what the card and its meter hold after the purchase */
};

/* Decides the tariff files of a purchase at instant now for tariff t
 * whose versions have row ids ids[] (same order), given the ids the desk
 * last wrote to the card (had03, had04; 0 = none or unknown): EF03 when
 * the version in force is neither had03 nor a had04 whose activation has
 * passed, EF04 when a later version is scheduled and is not had04.
 * Returns 0, -SD_TARIFF_NONE (no version in force) or -SD_TARIFF (a
 * version the card cannot express, or an id beyond 32 bits). *out is the
 * caller's. */
int card_tariff_plan(const struct tariff *t, const int64_t *ids, int64_t now, uint32_t had03,
		     uint32_t had04, struct card_tariff_plan *out);

/* Loads tariff code (or, when code is NULL, tariff id tariff_id) with
 * its versions, runs card_tariff_plan() for a card holding had03/had04 at
 * now and encodes the files the plan names: ef03 (bit0) and ef04 (bit1),
 * 96-byte frames in the caller's buffers. Errors as card_tariff_plan(),
 * the detail naming the tariff; -SD_NOT_FOUND for an unknown tariff. */
int card_tariff_files(struct db *db, const char *code, int64_t tariff_id, int utc_offset_min,
		      int64_t now, uint32_t had03, uint32_t had04, struct card_tariff_plan *plan,
		      uint8_t ef03[96], uint8_t ef04[96]);

#endif
