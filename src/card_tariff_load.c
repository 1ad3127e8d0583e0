/* card_tariff_load: a tariff from the database in the card's format. */
#include "card_tariff.h"

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "tariffs.h"

int card_tariff_files(struct db *db, const char *code, int64_t tariff_id, int utc_offset_min,
		      int64_t now, uint32_t had03, uint32_t had04, struct card_tariff_plan *plan,
		      uint8_t ef03[96], uint8_t ef04[96])
{
	struct tariff_set *t = NULL;
	char why[256];
	int rc;

	memset(plan, 0, sizeof(*plan));
	if ((rc = tariffs_load(db, code, tariff_id, utc_offset_min, &t)))
		goto out;
	rc = card_tariff_plan(&t->engine, t->version_ids, now, had03, had04, plan);
	if (rc == -SD_TARIFF) {
		snprintf(why, sizeof(why), "%s", err_detail());
		rc = err_set(rc, "tariff %s cannot be written to a card: %s", t->row.code, why);
	} else if (rc == -SD_TARIFF_NONE) {
		rc = err_set(rc, "tariff %s has no version in force yet", t->row.code);
	}
	if (rc)
		goto out;
	if (((plan->flags & 1) && (rc = card_tariff_encode(0x03, &plan->cur, ef03))) ||
	    ((plan->flags & 2) && (rc = card_tariff_encode(0x04, &plan->next, ef04))))
		goto out;
out:
	tariffs_free(t);
	return rc;
}
