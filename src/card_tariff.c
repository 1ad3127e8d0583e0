/* card_tariff: tariff versions in the card's EF03/EF04 format. */
#include "card_tariff.h"

#include <string.h>

#include "err.h"

/* One day table as the card keeps it: start times in order, each segment
 * running to the next start (the last to the first, across midnight),
 * neighbours of the same rate merged. Returns the number of segments, or
 * -SD_TARIFF when more than the card holds. */
static int day_table(const struct tariff_season *se, uint8_t seg[CARD_TARIFF_MAX_SEGMENTS][3])
{
	int start[TARIFF_MAX_SEGMENTS] = {0}, rate[TARIFF_MAX_SEGMENTS] = {0};
	int n = se->n_segments, k = 0;

	if (n < 1 || n > TARIFF_MAX_SEGMENTS)
		return err_set(-SD_TARIFF, "a day table of %d segments", n);
	for (int i = 0; i < n; i++) {
		/* insertion sort by start time: at most 12 */
		int j = i;
		while (j > 0 && start[j - 1] > se->segments[i].start_min) {
			start[j] = start[j - 1];
			rate[j] = rate[j - 1];
			j--;
		}
		start[j] = se->segments[i].start_min;
		rate[j] = (int)se->segments[i].rate;
	}
	for (int i = 1; i < n && k == 0; i++)
		k = rate[i] != rate[0];
	if (!k) {
		/* one rate all day */
		seg[0][0] = seg[0][1] = 0;
		seg[0][2] = (uint8_t)rate[0];
		return 1;
	}
	k = 0;
	for (int i = 0; i < n; i++) {
		/* a segment of the rate before it only continues that one; the
		 * segment before the first is the last (the day wraps) */
		if (rate[i] == rate[i ? i - 1 : n - 1])
			continue;
		if (k == CARD_TARIFF_MAX_SEGMENTS)
			return err_set(-SD_TARIFF, "its day table has more than %d changes of rate; "
						   "a card tariff holds %d",
				       CARD_TARIFF_MAX_SEGMENTS, CARD_TARIFF_MAX_SEGMENTS);
		seg[k][0] = (uint8_t)(start[i] / 60);
		seg[k][1] = (uint8_t)(start[i] % 60);
		seg[k][2] = (uint8_t)rate[i];
		k++;
	}
	return k;
}

int card_tariff_from_version(const struct tariff_version *v, uint32_t id,
			     struct card_tariff *out)
{
	uint8_t other[CARD_TARIFF_MAX_SEGMENTS][3];
	char why[TARIFF_WHY_SZ];
	int n;

	memset(out, 0, sizeof(*out));
	if (tariff_version_validate(v, why, sizeof(why)))
		return err_set(-SD_TARIFF, "%s", why);
	out->id = id;
	if (v->kind == TARIFF_KIND_TOU) {
		for (int r = 0; r < TARIFF_RATE_COUNT; r++)
			out->price[r] = (uint32_t)v->price[r];
		if ((n = day_table(&v->seasons[0], out->seg)) < 0)
			return n;
		out->nseg = n;
		/* the card has one day table: seasons must agree on it */
		for (int s = 1; s < v->n_seasons; s++) {
			int m = day_table(&v->seasons[s], other);
			if (m < 0)
				return m;
			if (m != n || memcmp(other, out->seg, (size_t)n * 3))
				return err_set(-SD_TARIFF, "its seasons have different day tables; a "
							   "card tariff holds one day table for the "
							   "whole year");
		}
		out->kind = v->n_tiers ? CARD_TARIFF_TOU_STEPPED : CARD_TARIFF_TOU;
	} else {
		out->price[TARIFF_FLAT] = (uint32_t)v->price[TARIFF_FLAT];
		out->kind = v->n_tiers ? CARD_TARIFF_STEPPED : CARD_TARIFF_FLAT;
	}
	if (v->n_tiers > CARD_TARIFF_MAX_TIERS)
		return err_set(-SD_TARIFF, "it has %d tier blocks; a card tariff holds %d",
			       v->n_tiers, CARD_TARIFF_MAX_TIERS);
	for (int i = 0; i < v->n_tiers; i++) {
		int64_t upto = v->tiers[i].upto_wh;
		if (i < v->n_tiers - 1) {
			if (upto <= 0 || upto > (int64_t)UINT32_MAX)
				return err_set(-SD_TARIFF, "tier %d ends at %lld Wh, beyond what a card "
							   "tariff holds", i + 1, (long long)upto);
			out->step[i] = (uint32_t)upto;
		}
		out->surcharge[i] = (uint32_t)v->tiers[i].price_add;
	}
	return 0;
}

/* The row id of version i as the card's 32-bit tariff id. */
static int card_id(const int64_t *ids, size_t i, uint32_t *out)
{
	if (ids[i] <= 0 || ids[i] > (int64_t)UINT32_MAX)
		return err_set(-SD_TARIFF, "tariff version id %lld does not fit a card",
			       (long long)ids[i]);
	*out = (uint32_t)ids[i];
	return 0;
}

int card_tariff_plan(const struct tariff *t, const int64_t *ids, int64_t now, uint32_t had03,
		     uint32_t had04, struct card_tariff_plan *out)
{
	const struct tariff_version *cur;
	uint32_t cur_id = 0, next_id = 0;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	out->ef03_id = had03;
	out->ef04_id = had04;
	if ((rc = tariff_version_at(t, now, &cur)))
		return rc;
	i = (size_t)(cur - t->versions);
	if ((rc = card_id(ids, i, &cur_id)))
		return rc;
	/* a standby set the meter holds became current at its activation */
	if (cur_id != had03 && cur_id != had04) {
		if ((rc = card_tariff_from_version(cur, cur_id, &out->cur)))
			return rc;
		out->flags |= 1;
		out->ef03_id = cur_id;
	}
	if (i + 1 < t->n_versions) {
		const struct tariff_version *nx = &t->versions[i + 1];
		if ((rc = card_id(ids, i + 1, &next_id)))
			return rc;
		if (next_id != had04) {
			if ((rc = card_tariff_from_version(nx, next_id, &out->next)))
				return rc;
			out->next.activation = nx->effective_from <= 0 ? 0 :
					       nx->effective_from > (int64_t)UINT32_MAX ?
					       UINT32_MAX : (uint32_t)nx->effective_from;
			out->flags |= 2;
			out->ef04_id = next_id;
		}
	}
	return 0;
}
