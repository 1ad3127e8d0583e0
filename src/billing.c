/* billing: pricing a billed meter's consumption each poll cycle. */
#include "billing.h"

#include <stdio.h>
#include <string.h>

#include "db_billing.h"
#include "db_meter.h"
#include "db_sale.h"
#include "err.h"
#include "log.h"
#include "tariffs.h"

enum billing_step billing_decide(int64_t from_ts, int64_t from_wh, int64_t to_ts,
				 int64_t to_wh, int64_t *wh)
{
	int64_t d = to_wh - from_wh;

	*wh = 0;
	if (d < 0 || d > BILLING_MAX_WH)
		return BILLING_RESET;
	if (d == 0)
		return BILLING_NONE;
	/* tariff_cost() needs an interval; two cycles in one second leave
	 * the energy for the next one. */
	if (to_ts <= from_ts)
		return BILLING_WAIT;
	*wh = d;
	return BILLING_CHARGE;
}

/* Prices row->wh over [from_ts, to_ts) by the meter's tariff, with the
 * energy billed earlier in from_ts's local month for the tier blocks. */
static int price(struct db *db, const struct poll_meter *m, int utc_offset_min,
		 struct bill_row *row)
{
	struct tariff_set *t = NULL;
	struct tariff_cost cost;
	int rc, i;

	if ((rc = db_bill_month_wh(db, m->meter_id, tariff_month_start(row->from_ts, utc_offset_min),
				   &row->mtd_wh)) ||
	    (rc = tariffs_load(db, NULL, m->tariff_id, utc_offset_min, &t)))
		goto out;
	if ((rc = tariff_cost(&t->engine, row->from_ts, row->to_ts, row->wh, row->mtd_wh, &cost)))
		goto out;
	row->fen = cost.fen;
	for (i = 0; i < TARIFF_RATE_COUNT; i++)
		row->rate_wh[i] = cost.wh[i];
out:
	tariffs_free(t);
	return rc;
}

/* Queues a relay_open for m when the desk balance is below its credit
 * limit and the relay is closed, unless one is already on its way. */
static int trip(struct db *db, const struct poll_meter *m, const struct poll_reading *r,
		int64_t now, struct billing_result *res)
{
	struct meter_cmd cmd;
	int64_t pending = 0;
	int rc;

	if (res->balance >= -m->credit_limit || r->relay != 0)
		return 0;
	if ((rc = db_bill_relay_open_pending(db, m->meter_id, now - BILLING_RELAY_RETRY_S,
					     &pending)) || pending)
		return rc;
	memset(&cmd, 0, sizeof(cmd));
	cmd.meter_id = m->meter_id;
	snprintf(cmd.meter_no, sizeof(cmd.meter_no), "%s", m->meter_no);
	snprintf(cmd.kind, sizeof(cmd.kind), "relay_open");
	snprintf(cmd.args, sizeof(cmd.args), "desk balance %lld fen", (long long)res->balance);
	cmd.not_before = now;
	cmd.created_at = now;
	if ((rc = db_cmd_insert(db, &cmd, 0)))
		return rc;
	res->relay_open_queued = 1;
	res->command_id = cmd.id;
	log_info("meter %s: desk balance %lld fen is below the credit limit -%lld: relay_open "
		 "queued (command %lld)", m->meter_no, (long long)res->balance,
		 (long long)m->credit_limit, (long long)cmd.id);
	return 0;
}

int billing_meter(struct db *db, const struct poll_meter *m, const struct poll_reading *r,
		  int64_t now, int utc_offset_min, struct billing_result *res)
{
	struct bill_cursor c;
	struct bill_row row;
	int rc, have_from = 1;

	memset(res, 0, sizeof(*res));
	rc = db_bill_cursor_get(db, m->meter_id, &c);
	if (rc && rc != -SD_NOT_FOUND)
		return rc;
	/* A cursor that did not see the meter's previous reading is stale
	 * (the meter was not billed then): start from that reading rather
	 * than charge for the time it was not billed. */
	if (rc == -SD_NOT_FOUND || (m->has_reading && c.seen_at < m->read_at)) {
		c.ts = m->read_at;
		c.energy_wh = m->energy_wh;
		have_from = m->has_reading;
	}
	memset(&row, 0, sizeof(row));
	row.meter_id = m->meter_id;
	row.account_id = m->account_id;
	row.tariff_id = m->tariff_id;
	row.from_ts = c.ts;
	row.to_ts = now;
	row.energy_from = c.energy_wh;
	row.energy_to = r->energy_wh;
	res->step = have_from ? billing_decide(c.ts, c.energy_wh, now, r->energy_wh, &row.wh)
			      : BILLING_NONE;
	switch (res->step) {
	case BILLING_WAIT:
		break;
	case BILLING_RESET:
		log_warn("meter %s: energy counter went from %lld to %lld Wh (replaced or reset?): "
			 "not billed; billing goes on from the new reading", m->meter_no,
			 (long long)c.energy_wh, (long long)r->energy_wh);
		/* A zero row keeps the jump on record. */
		if (now > c.ts && (rc = db_bill_insert(db, &row)))
			return rc;
		break;
	case BILLING_CHARGE:
		rc = price(db, m, utc_offset_min, &row);
		if (rc == -SD_NOMEM || rc == -SD_BUSY || rc == -SD_DB)
			return rc;
		if (rc) {
			/* Not priceable (no version in force): the energy stays
			 * unbilled rather than stop the cycle. */
			log_error("meter %s: %lld Wh not billed: %s", m->meter_no, (long long)row.wh,
				  err_detail());
			break;
		}
		if ((rc = db_bill_insert(db, &row)))
			return rc;
		res->wh = row.wh;
		res->fen = row.fen;
		log_debug("meter %s: billed %lld Wh = %lld fen", m->meter_no, (long long)row.wh,
			  (long long)row.fen);
		break;
	case BILLING_NONE:
		break;
	}
	if (res->step != BILLING_WAIT) {
		c.ts = now;
		c.energy_wh = r->energy_wh;
	}
	c.seen_at = now;
	if ((rc = db_bill_cursor_set(db, m->meter_id, &c)) ||
	    (rc = db_ledger_balance(db, m->account_id, &res->balance)))
		return rc;
	return trip(db, m, r, now, res);
}
