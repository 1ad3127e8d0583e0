/* sale: the cash sale and its crash-proof protocol (docs/sales.md). */
#include "sale.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"
#include "audit.h"
#include "card_desk.h"
#include "clock.h"
#include "db_account_ops.h"
#include "db_meter.h"
#include "err.h"
#include "log.h"
#include "money.h"
#include "perm.h"
#include "sale_int.h"
#include "card_tariff.h"
#include "tariffs.h"

void sale_fault_point(const char *point)
{
	const char *f = getenv("SALEDESK_FAULT");

	if (f && !strncmp(f, "kill:", 5) && !strcmp(f + 5, point))
		raise(SIGKILL);
}

/* The site-local date of t as 20261124, for receipt numbers and the
 * per-day limit. */
static int64_t local_day(int64_t t, int utc_offset_min, int64_t *day_start)
{
	int64_t local = t + (int64_t)utc_offset_min * 60;
	int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	/* civil from days (Howard Hinnant's algorithm) */
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);

	if (day_start)
		*day_start = days * 86400 - (int64_t)utc_offset_min * 60;
	return y * 10000 + m * 100 + d;
}

int64_t sale_setting_fen(struct db *db, const char *key, int64_t dflt)
{
	char buf[32];
	int64_t v;

	if (db_setting_get(db, key, buf, sizeof(buf)) || money_parse(buf, MONEY_ALLOW_ZERO, &v))
		return dflt;
	return v;
}

/* Loads the account of req and picks its meter; *acc is the caller's to
 * free. */
static int load_account(const struct session *s, const char *account_no, const char *meter_no,
			struct account_rec **acc, const struct meter_rec **m)
{
	int rc;

	*m = NULL;
	if (!(*acc = calloc(1, sizeof(**acc))))
		return err_set(-SD_NOMEM, "account");
	rc = account_get(s, account_no, *acc);
	if (rc == -SD_NOT_FOUND) {
		/* a cashier may type the meter's number, printed on the meter */
		char owner[ACCOUNT_NO_MAX + 1];
		if (!db_meter_owner(s->db, account_no, owner)) {
			rc = account_get(s, owner, *acc);
			meter_no = meter_no ? meter_no : account_no;
		}
	}
	if (rc)
		return rc;
	if (strcmp((*acc)->status, "open"))
		return err_set(-SD_STATE, "account %s is %s: only an open account can buy",
			       account_no, !strcmp((*acc)->status, "pre") ?
			       "pre-registered (open it first)" : "closed");
	for (int i = 0; i < (*acc)->n_meters; i++) {
		const struct meter_rec *x = &(*acc)->meters[i];
		if (strcmp(x->status, "active"))
			continue;
		if (!meter_no || !strcmp(x->meter_no, meter_no)) {
			struct meter_carry mc;
			*m = x;
			/* a card that still names the meter this one replaced
			 * would be refused by it (card spec 11.6) */
			if (!strcmp(x->mode, "card") && !db_meter_carry_of(s->db, (*acc)->id, &mc) &&
			    mc.meter_id == x->id)
				return err_set(-SD_STATE, "meter %s replaced meter %s and the card "
							  "still names the old one: move it first "
							  "(saledesk account carry %s)", mc.meter_no,
					       mc.old_no, (*acc)->account_no);
			return 0;
		}
	}
	return meter_no ? err_set(-SD_NOT_FOUND, "meter %s is not an active meter of account %s",
				  meter_no, account_no)
			: err_set(-SD_STATE, "account %s has no active meter", account_no);
}

/* The old-debt share of amount (docs/sales.md: 收回陈欠). */
static int64_t debt_share(const struct account_rec *a, int64_t amount)
{
	int64_t share = 0;

	if (a->debt <= 0)
		return 0;
	if (!strcmp(a->debt_mode, "share"))
		money_round_div(amount * a->debt_share_bp, 10000, &share);
	else if (!strcmp(a->debt_mode, "fixed"))
		share = a->debt_fixed;
	if (share > a->debt)
		share = a->debt;
	return share > amount ? amount : share;
}

static int fill_quote(const struct account_rec *a, const struct tariff_set *t, int64_t now,
		      int64_t amount, struct sale_quote *q)
{
	int rc;

	q->amount = amount;
	q->debt_paid = debt_share(a, amount);
	q->credited = amount - q->debt_paid;
	q->energy_wh = 0;
	if (q->credited <= 0)
		return err_set(-SD_LIMIT, "%s yuan only covers the old-debt repayment: take more",
			       money_format(amount, (char[32]){0}, 32));
	rc = tariff_energy_for_amount(&t->engine, now, q->credited, 0, &q->energy_wh);
	return rc == -SD_OVERFLOW ? err_set(-SD_MONEY_RANGE, "that amount buys too much energy") : rc;
}

int sale_quote(const struct session *s, const struct sale_req *req, struct sale_quote *q)
{
	struct account_rec *acc = NULL;
	const struct meter_rec *m;
	struct tariff_set *t = NULL;
	enum tariff_rate rate;
	int64_t now = clock_now(), max_sale, max_day, day_start, today = 0;
	char a[32], b[32];
	int rc;

	memset(q, 0, sizeof(*q));
	if ((rc = perm_check(s, PERM_SALE)))
		return rc;
	if ((rc = load_account(s, req->account_no, req->meter_no, &acc, &m)))
		goto out;
	q->account_id = acc->id;
	q->meter_id = m->id;
	snprintf(q->meter_no, sizeof(q->meter_no), "%s", m->meter_no);
	snprintf(q->mode, sizeof(q->mode), "%s", m->mode);
	q->debt_before = acc->debt;
	if ((rc = tariffs_load(s->db, NULL, m->tariff_id, s->utc_offset_min, &t)))
		goto out;
	if ((rc = tariff_price_at(&t->engine, now, 0, &rate, &q->price)))
		goto out;
	snprintf(q->tariff, sizeof(q->tariff), "%s %lld.%04lld yuan/kWh", m->tariff_code,
		 (long long)(q->price / 10000), (long long)(q->price % 10000));
	if (!strcmp(m->mode, "billed")) {
		if ((rc = db_ledger_balance(s->db, acc->id, &q->balance)))
			goto out;
		q->has_balance = 1;
	}
	if (req->amount > 0) {
		rc = fill_quote(acc, t, now, req->amount, q);
	} else if (req->energy_wh > 0) {
		/* the least money that buys at least energy_wh: energy only
		 * grows with money, so a binary search finds it */
		int64_t lo = 1, hi = 99999999;
		struct sale_quote tq;
		while (lo < hi) {
			int64_t mid = lo + (hi - lo) / 2;
			tq = *q;
			if (!fill_quote(acc, t, now, mid, &tq) && tq.energy_wh >= req->energy_wh)
				hi = mid;
			else
				lo = mid + 1;
		}
		rc = fill_quote(acc, t, now, lo, q);
		if (!rc && q->energy_wh < req->energy_wh)
			rc = err_set(-SD_MONEY_RANGE, "no amount buys that much energy");
	} else {
		rc = err_set(-SD_MONEY_ZERO, "type the amount (or the energy) to sell");
	}
	if (rc)
		goto out;
	max_sale = sale_setting_fen(s->db, "sale.max_amount", SALE_MAX_DEFAULT);
	if (max_sale && q->amount > max_sale) {
		rc = err_set(-SD_LIMIT, "a sale is at most %s yuan here (setting sale.max_amount)",
			     money_format(max_sale, a, sizeof(a)));
		goto out;
	}
	max_day = sale_setting_fen(s->db, "sale.max_day", 0);
	if (max_day) {
		local_day(now, s->utc_offset_min, &day_start);
		if ((rc = db_sale_sum(s->db, acc->id, day_start, day_start + 86400, &today)))
			goto out;
		if (today + q->amount > max_day) {
			rc = err_set(-SD_LIMIT, "account %s may buy %s yuan a day and has bought %s "
					       "today (setting sale.max_day)",
				     acc->account_no, money_format(max_day, a, sizeof(a)),
				     money_format(today, b, sizeof(b)));
			goto out;
		}
	}
	q->tendered = req->tendered;
	if (req->tendered) {
		if (req->tendered < q->amount) {
			rc = err_set(-SD_INVAL, "the cash handed over (%s) is less than the amount (%s)",
				     money_format(req->tendered, a, sizeof(a)),
				     money_format(q->amount, b, sizeof(b)));
			goto out;
		}
		q->change = req->tendered - q->amount;
	}
out:
	tariffs_free(t);
	free(acc);
	return rc;
}

/* ---- completing and voiding, each inside the caller's transaction ---- */

int sale_receipt_facts(const struct session *s, const struct sale_rec *sr, const char *kind,
			   int64_t amount, struct receipt *r)
{
	struct account_rec *acc = calloc(1, sizeof(*acc));
	struct tariff_set *t = NULL;
	struct operator_rec op;
	enum tariff_rate rate;
	int64_t price = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!acc)
		return err_set(-SD_NOMEM, "receipt");
	if ((rc = db_account_get(s->db, sr->account_no, acc)))
		goto out;
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	db_setting_get(s->db, "site.name", r->desk, sizeof(r->desk));
	if (!db_operator_get(s->db, sr->operator_login, &op))
		snprintf(r->operator_name, sizeof(r->operator_name), "%s", op.name);
	snprintf(r->customer, sizeof(r->customer), "%s", acc->customer.name);
	snprintf(r->account_no, sizeof(r->account_no), "%s", acc->account_no);
	if (acc->building[0] || acc->room[0])
		snprintf(r->room, sizeof(r->room), "%s%s%s", acc->building,
			 acc->building[0] && acc->room[0] ? "-" : "", acc->room);
	snprintf(r->meter_no, sizeof(r->meter_no), "%s", sr->meter_no);
	r->amount = amount;
	r->energy_wh = sr->energy_wh;
	for (int i = 0; i < acc->n_meters; i++) {
		if (acc->meters[i].id != sr->meter_id)
			continue;
		if (!tariffs_load(s->db, NULL, acc->meters[i].tariff_id, s->utc_offset_min, &t) &&
		    !tariff_price_at(&t->engine, sr->created_at, 0, &rate, &price))
			snprintf(r->tariff, sizeof(r->tariff), "%s %lld.%04lld yuan/kWh",
				 acc->meters[i].tariff_code, (long long)(price / 10000),
				 (long long)(price % 10000));
	}
	r->debt_paid = sr->debt_paid;
	r->debt_left = acc->debt;
	r->credited = sr->credited;
	if (!strcmp(sr->mode, "billed") && !db_ledger_balance(s->db, acc->id, &r->balance))
		r->has_balance = 1;
	r->tendered = sr->tendered;
	r->change = sr->tendered ? sr->tendered - sr->amount : 0;
	r->purchase_seq = sr->purchase_seq;
	r->time = sr->created_at;
	r->utc_offset_min = s->utc_offset_min;
out:
	tariffs_free(t);
	free(acc);
	return rc;
}

int sale_store_receipt(const struct session *s, const struct receipt *r, int64_t ledger_id,
		       char number[24])
{
	struct receipt copy = *r;
	char *body = NULL;
	int64_t id;
	int rc;

	/* the number is part of the facts: allocate it, then store the body */
	if ((rc = db_receipt_insert(s->db, ledger_id, local_day(r->time, s->utc_offset_min, NULL),
				    clock_now(), "", &id, number)))
		return rc;
	snprintf(copy.number, sizeof(copy.number), "%s", number);
	if ((rc = receipt_encode(&copy, &body)))
		return rc;
	rc = db_receipt_set_body(s->db, id, body);
	free(body);
	return rc;
}

/* Completes pending sale sr: its ledger rows (the credit and the debt
 * repayment), the old debt, the card's purchase number, the receipt. */
static int complete_locked(const struct session *s, struct sale_rec *sr, const char *how,
			   char receipt_no[24])
{
	struct ledger_rec l;
	struct receipt r;
	int rc;

	memset(&l, 0, sizeof(l));
	l.ts = sr->created_at;
	snprintf(l.kind, sizeof(l.kind), "sale");
	l.account_id = sr->account_id;
	l.meter_id = sr->meter_id;
	l.card_id = sr->card_id;
	l.amount = sr->credited;
	l.energy_wh = sr->energy_wh;
	l.purchase_seq = sr->purchase_seq;
	l.operator_id = sr->operator_id;
	l.shift_id = sr->shift_id;
	snprintf(l.note, sizeof(l.note), "sale %lld", (long long)sr->id);
	if ((rc = db_ledger_insert(s->db, &l)))
		return rc;
	sr->ledger_id = l.id;
	if (sr->debt_paid) {
		struct ledger_rec d = l;
		snprintf(d.kind, sizeof(d.kind), "debt_repayment");
		d.amount = sr->debt_paid;
		d.energy_wh = 0;
		if ((rc = db_ledger_insert(s->db, &d)) ||
		    (rc = db_account_debt_add(s->db, sr->account_id, -sr->debt_paid)))
			return rc;
	}
	if ((rc = db_sale_complete(s->db, sr->id, l.id, clock_now())))
		return rc;
	if (sr->card_id && (rc = db_card_raise_seq(s->db, sr->card_id, sr->purchase_seq)))
		return rc;
	snprintf(sr->status, sizeof(sr->status), "complete");
	if ((rc = sale_receipt_facts(s, sr, "sale", sr->amount, &r)) ||
	    (rc = sale_store_receipt(s, &r, l.id, receipt_no)))
		return rc;
	return audit_log(s, "sale.complete", sr->account_no,
			 "sale=%lld seq=%lld amount=%lld credited=%lld debt_paid=%lld receipt=%s %s",
			 (long long)sr->id, (long long)sr->purchase_seq, (long long)sr->amount,
			 (long long)sr->credited, (long long)sr->debt_paid, receipt_no, how);
}

static int void_locked(const struct session *s, struct sale_rec *sr, const char *why)
{
	int rc = db_sale_void(s->db, sr->id, why, clock_now());

	if (!rc)
		snprintf(sr->status, sizeof(sr->status), "void");
	return rc ? rc : audit_log(s, "sale.void", sr->account_no, "sale=%lld seq=%lld amount=%lld %s",
				   (long long)sr->id, (long long)sr->purchase_seq,
				   (long long)sr->amount, why);
}

int sale_settle_locked(const struct session *s, const struct card_state *st,
		       struct card_rec *rec, int *settled)
{
	struct sale_rec sr;
	char no[24];
	int rc, booked;

	*settled = 0;
	if (!st->authenticated || !rec || !rec->account_id)
		return 0;
	if ((rc = sale_settle_cancel_locked(s, st, rec, &booked)))
		return rc;
	rc = db_sale_pending_of(s->db, rec->account_id, &sr);
	if (rc == -SD_NOT_FOUND)
		return booked ? (*settled = 2, 0) : 0;
	if (rc)
		return rc;
	/* only the card the sale wrote can tell */
	if (sr.card_id != rec->id)
		return 0;
	/* the card holds the purchase, unless it holds the number only as a
	 * cancelled one that this sale was to write again */
	if (st->has_purchase && st->last.seq >= (uint32_t)sr.purchase_seq &&
	    !(st->last.seq == (uint32_t)sr.purchase_seq &&
	      card_purchase_cancelled(st, st->last.seq))) {
		if (st->last.seq == (uint32_t)sr.purchase_seq && st->last.amount != sr.credited)
			return err_set(-SD_STATE, "the card holds purchase %lld with %u fen, not the "
					"%lld of sale %lld: call an administrator",
				       (long long)sr.purchase_seq, st->last.amount,
				       (long long)sr.credited, (long long)sr.id);
		if ((rc = complete_locked(s, &sr, "settled from the card", no)))
			return rc;
		/* the tariff files the purchase named are what its meter gets */
		if (st->last.seq == (uint32_t)sr.purchase_seq && (st->last.flags & 3) &&
		    (rc = db_card_set_tariffs(s->db, rec->id,
					      (st->last.flags & 1) ? st->ef03_id : rec->tariff_ef03,
					      (st->last.flags & 2) ? st->ef04_id : rec->tariff_ef04)))
			return rc;
		if (rec->purchase_seq < sr.purchase_seq)
			rec->purchase_seq = sr.purchase_seq;
		*settled = 1;
		return 0;
	}
	if ((rc = void_locked(s, &sr, "the card does not hold the purchase: no money taken")))
		return rc;
	*settled = -1;
	return 0;
}

/* ---- the sale ---- */

struct pending_ctx {
	const struct session *s;
	struct sale_rec *sr;
	int recorded;
};

/* Called by cardio just before the commit APDU: the intent reaches the
 * database first, so whatever happens next can be settled. */
static int record_pending(void *ctx, const struct card_state *before)
{
	struct pending_ctx *p = ctx;
	int rc;

	(void)before;
	if ((rc = db_begin(p->s->db)))
		return rc;
	if ((rc = db_sale_insert(p->s->db, p->sr)) ||
	    (rc = audit_log(p->s, "sale.pending", p->sr->account_no,
			    "sale=%lld seq=%lld amount=%lld credited=%lld", (long long)p->sr->id,
			    (long long)p->sr->purchase_seq, (long long)p->sr->amount,
			    (long long)p->sr->credited)) ||
	    (rc = db_commit(p->s->db))) {
		db_rollback(p->s->db);
		return rc;
	}
	p->recorded = 1;
	sale_fault_point("pending");
	return 0;
}

/* Settles in one transaction what an authenticated read st of card rec
 * shows. */
static int settle_now(const struct session *s, const struct card_state *st,
		      struct card_rec *rec, int *settled)
{
	int rc;

	if ((rc = db_begin(s->db)))
		return rc;
	if ((rc = sale_settle_locked(s, st, rec, settled)) || (rc = db_commit(s->db)))
		db_rollback(s->db);
	return rc;
}

/* A card that is not the account's may be one reported lost: then that
 * is what the cashier must hear. Returns rc otherwise. */
static int lost_card(const struct session *s, const struct card_state *st, int rc)
{
	struct card_rec other;
	char hex[17];

	card_serial_hex(st->serial, hex);
	if (db_card_get(s->db, hex, &other) || strcmp(other.status, "lost"))
		return rc;
	return err_set(-SD_CARD_LOST, "card %s of account %s", hex,
		       other.account_no[0] ? other.account_no : "-");
}

/* Decides the tariff files purchase p carries to the card of rec for the
 * meter of sr (card spec 11.3): sets p->flags bit0/bit1, fills ef03/ef04
 * and *plan. A tariff the card cannot express stays at the desk: the
 * sale goes on, res->tariff_note says why. */
static int sale_tariffs(const struct session *s, const struct account_rec *acc,
			const struct sale_rec *sr, const struct card_rec *rec,
			struct card_purchase *p, uint8_t ef03[96], uint8_t ef04[96],
			struct card_tariff_plan *plan, struct sale_result *res)
{
	int64_t tariff_id = 0;
	int rc;

	for (int i = 0; i < acc->n_meters; i++)
		if (acc->meters[i].id == sr->meter_id)
			tariff_id = acc->meters[i].tariff_id;
	rc = card_tariff_files(s->db, NULL, tariff_id, s->utc_offset_min, sr->created_at,
			       (uint32_t)rec->tariff_ef03, (uint32_t)rec->tariff_ef04, plan, ef03,
			       ef04);
	if (rc == -SD_TARIFF) {
		snprintf(res->tariff_note, sizeof(res->tariff_note), "%s", err_detail());
		log_warn("sale of account %s: %s", acc->account_no, res->tariff_note);
		memset(plan, 0, sizeof(*plan));
		return 0;
	}
	if (rc)
		return rc;
	p->flags |= plan->flags;
	return 0;
}

static int sale_card_write(const struct session *s, const struct sale_io *io,
			   const struct account_rec *acc, struct sale_rec *sr,
			   struct sale_result *res)
{
	char *receipt_no = res->receipt_no;
	struct card_tariff_plan plan;
	uint8_t ef03[96], ef04[96];
	struct card_purchase p;
	struct card_state before;
	struct card_rec rec;
	struct pending_ctx pc = { s, sr, 0 };
	uint8_t serial[8];
	int rc, settled, dead;

	if (!io->reader || !io->ring)
		return err_set(-SD_NO_READER, "a card meter's sale needs the card reader and the keys");
	if ((rc = db_card_user_of(s->db, acc->id, &rec))) {
		int64_t lost;
		if (rc == -SD_NOT_FOUND && !db_card_lost_id(s->db, acc->id, &lost))
			return err_set(-SD_CARD_LOST, "the card of account %s was reported lost: issue "
					 "a replacement first (saledesk card reissue %s)",
				       acc->account_no, acc->account_no);
		return rc == -SD_NOT_FOUND ? err_set(rc, "account %s has no card: issue one first",
						      acc->account_no) : rc;
	}
	if ((rc = card_serial_parse(rec.serial, serial)))
		return rc;
	sr->card_id = rec.id;
	if ((rc = db_sale_seq_dead(s->db, acc->id, rec.purchase_seq, &dead)))
		return rc;
	sr->purchase_seq = rec.purchase_seq + !dead;
	card_desk_purchase(acc, (uint32_t)sr->purchase_seq, (uint32_t)sr->credited, sr->created_at,
			   &p);
	if ((rc = sale_tariffs(s, acc, sr, &rec, &p, ef03, ef04, &plan, res)))
		return rc;
	rc = card_write_purchase(io->reader, io->ring, rec.key_version, serial, &p,
				 (p.flags & 1) ? ef03 : NULL, (p.flags & 2) ? ef04 : NULL,
				 record_pending, &pc, &before);
	res->apdus = before.apdus;
	res->bytes = before.bytes;
	if (!rc) {
		res->tariff_files = plan.flags;
		res->ef03_id = (plan.flags & 1) ? plan.cur.id : 0;
		res->ef04_id = (plan.flags & 2) ? plan.next.id : 0;
		res->ef04_from = (plan.flags & 2) ? plan.next.activation : 0;
		sale_fault_point("written");
		if ((rc = db_begin(s->db)))
			return err_set(rc, "purchase %lld is on the card; the sale stays pending until "
					   "the card is read again", (long long)sr->purchase_seq);
		if ((rc = complete_locked(s, sr, "written", receipt_no)) ||
		    ((plan.flags & 3) &&
		     (rc = db_card_set_tariffs(s->db, rec.id, plan.ef03_id, plan.ef04_id))) ||
		    (rc = db_commit(s->db))) {
			struct sale_rec now;
			db_rollback(s->db);
			/* another desk process read the card first and completed it */
			if (rc == -SD_STATE && !db_sale_get(s->db, sr->id, &now) &&
			    !strcmp(now.status, "complete")) {
				*sr = now;
				return 0;
			}
			return err_set(rc, "purchase %lld is on the card; the sale stays pending until "
					   "the card is read again", (long long)sr->purchase_seq);
		}
		sale_fault_point("complete");
		return 0;
	}
	if (!pc.recorded)
		return rc == -SD_CARD_OTHER ? lost_card(s, &before, rc) : rc;
	/* The card refused or was pulled at the commit: only the card knows
	 * whether it took the purchase. Ask it now if it is still there. */
	{
		int wrc = rc;
		struct card_state now;
		char why[256];
		snprintf(why, sizeof(why), "%s", err_detail());
		if (!card_read(io->reader, io->ring, rec.key_version, &now) &&
		    !settle_now(s, &now, &rec, &settled) && settled) {
			if (settled < 0)
				return err_set(wrc, "%s%sthe purchase was not written; no money taken",
					       why, why[0] ? ": " : "");
			db_sale_get(s->db, sr->id, sr);
			if (sr->receipt_id) {
				struct receipt_rec rr;
				if (!db_receipt_of_ledger(s->db, sr->ledger_id, &rr)) {
					memcpy(receipt_no, rr.number, 24);
					free(rr.body);
				}
			}
			return 0;
		}
		return err_set(wrc, "sale %lld is pending: insert the card again and read it to finish "
				    "it (saledesk sale settle)", (long long)sr->id);
	}
}

/* The remote and billed sales: the database is the only store, so the
 * pending and complete steps are one transaction. */
static int sale_db_only(const struct session *s, const struct account_rec *acc,
			const struct meter_rec *m, struct sale_rec *sr, char receipt_no[24],
			int64_t *command_id)
{
	struct meter_cmd cmd;
	int64_t balance;
	int rc;

	if ((rc = db_begin(s->db)))
		return rc;
	if (!strcmp(m->mode, "remote")) {
		if ((rc = db_cmd_next_seq(s->db, m->id, &sr->purchase_seq))) {
			if (rc == -SD_STATE)
				rc = err_set(rc, "meter %s was never read: a remote recharge needs its "
						 "purchase count; wait for the meter-reading service",
					     m->meter_no);
			goto out;
		}
	}
	if ((rc = db_sale_insert(s->db, sr)) || (rc = complete_locked(s, sr, m->mode, receipt_no)))
		goto out;
	memset(&cmd, 0, sizeof(cmd));
	cmd.meter_id = m->id;
	cmd.not_before = sr->created_at;
	if (!strcmp(m->mode, "remote")) {
		snprintf(cmd.kind, sizeof(cmd.kind), "recharge");
		cmd.purchase_seq = sr->purchase_seq;
		cmd.amount = sr->credited;
		if ((rc = db_cmd_insert(s->db, &cmd, s->operator_id)))
			goto out;
		*command_id = cmd.id;
	} else if (!(rc = db_ledger_balance(s->db, acc->id, &balance)) &&
		   balance > -acc->credit_limit && balance - sr->credited <= -acc->credit_limit) {
		/* the purchase lifts a tripped meter over its limit */
		snprintf(cmd.kind, sizeof(cmd.kind), "relay_close");
		if ((rc = db_cmd_insert(s->db, &cmd, s->operator_id)))
			goto out;
		*command_id = cmd.id;
	}
	if (rc)
		goto out;
	rc = db_commit(s->db);
out:
	if (rc)
		db_rollback(s->db);
	return rc;
}

int sale_run(const struct session *s, const struct sale_io *io, const struct sale_req *req,
	     struct sale_result *res)
{
	struct account_rec *acc = NULL;
	const struct meter_rec *m;
	struct shift_rec shift;
	struct sale_rec *sr = &res->sale;
	int rc, settled;

	memset(res, 0, sizeof(*res));
	if ((rc = sale_quote(s, req, &res->quote)))
		return rc;
	if ((rc = db_shift_current(s->db, s->operator_id, &shift)))
		return rc == -SD_NOT_FOUND ? err_set(-SD_NO_SHIFT, "%s", "") : rc;
	if ((rc = load_account(s, req->account_no, req->meter_no, &acc, &m)))
		goto out;
	if (!db_sale_pending_of(s->db, acc->id, sr)) {
		/* an earlier sale was cut short: the card in the reader settles it */
		if (!io->reader || sale_settle_card(s, io, sr, &settled) || !settled) {
			rc = err_set(-SD_SALE_PENDING, "sale %lld (purchase %lld) of account %s is "
					 "pending: put its card in the reader to settle it",
				     (long long)sr->id, (long long)sr->purchase_seq, acc->account_no);
			goto out;
		}
		/* the account changed (debt, card number): start again */
		free(acc);
		acc = NULL;
		if ((rc = sale_quote(s, req, &res->quote)) ||
		    (rc = load_account(s, req->account_no, req->meter_no, &acc, &m)))
			goto out;
	}
	memset(sr, 0, sizeof(*sr));
	snprintf(sr->status, sizeof(sr->status), "pending");
	snprintf(sr->mode, sizeof(sr->mode), "%s", m->mode);
	sr->account_id = acc->id;
	snprintf(sr->account_no, sizeof(sr->account_no), "%s", acc->account_no);
	sr->meter_id = m->id;
	snprintf(sr->meter_no, sizeof(sr->meter_no), "%s", m->meter_no);
	sr->amount = res->quote.amount;
	sr->debt_paid = res->quote.debt_paid;
	sr->credited = res->quote.credited;
	sr->energy_wh = res->quote.energy_wh;
	sr->tendered = res->quote.tendered;
	sr->operator_id = s->operator_id;
	snprintf(sr->operator_login, sizeof(sr->operator_login), "%s", s->login);
	sr->shift_id = shift.id;
	sr->created_at = clock_now();
	if (!strcmp(m->mode, "card"))
		rc = sale_card_write(s, io, acc, sr, res);
	else
		rc = sale_db_only(s, acc, m, sr, res->receipt_no, &res->command_id);
	if (rc)
		goto out;
	if (io->cfg && io->cfg->printer[0] && res->receipt_no[0]) {
		res->print_rc = sale_print(s, io, res->receipt_no, 0);
		sale_fault_point("printed");
	}
out:
	free(acc);
	return rc;
}

int sale_settle_card(const struct session *s, const struct sale_io *io, struct sale_rec *out,
		     int *settled)
{
	struct card_state st;
	struct card_rec rec;
	struct sale_rec sr;
	char hex[17];
	int rc;

	*settled = 0;
	if ((rc = perm_check(s, PERM_ACCOUNT_VIEW)))
		return rc;
	if (!io->reader || !io->ring)
		return err_set(-SD_NO_READER, "settling a sale needs the card reader and the keys");
	if ((rc = card_read(io->reader, NULL, 0, &st)))
		return rc;
	if (st.blank)
		return err_set(-SD_CARD_FORMAT, "the card in the reader is blank");
	card_serial_hex(st.serial, hex);
	if ((rc = db_card_get(s->db, hex, &rec)))
		return rc == -SD_NOT_FOUND ? err_set(-SD_CARD_AUTH, "card %s is not one of this desk's",
						      hex) : rc;
	if (!rec.account_id || db_sale_pending_of(s->db, rec.account_id, &sr))
		return 0;
	if ((rc = card_read(io->reader, io->ring, rec.key_version, &st)) ||
	    (rc = settle_now(s, &st, &rec, settled)))
		return rc;
	if (*settled && out)
		rc = db_sale_get(s->db, sr.id, out);
	return rc;
}

int sale_pending_each(const struct session *s, int (*fn)(const struct sale_rec *, void *),
		      void *ctx)
{
	struct sale_filter f = { .status = "pending" };

	return sale_list(s, &f, fn, ctx);
}

int sale_list(const struct session *s, const struct sale_filter *f,
	      int (*fn)(const struct sale_rec *, void *), void *ctx)
{
	int rc = perm_check(s, PERM_ACCOUNT_VIEW);

	return rc ? rc : db_sale_each(s->db, f, fn, ctx);
}

int sale_void_lost(const struct session *s, const struct session *approver, int64_t id,
		   const char *reason)
{
	struct sale_rec sr;
	struct card_rec card;
	char why[256];
	int rc;

	if (!reason || !*reason)
		return err_set(-SD_USAGE, "say why the sale is voided without its card");
	if ((rc = db_sale_get(s->db, id, &sr)))
		return rc == -SD_NOT_FOUND ? err_set(rc, "no sale %lld", (long long)id) : rc;
	if (strcmp(sr.status, "pending"))
		return err_set(-SD_STATE, "sale %lld is %s, not pending", (long long)id, sr.status);
	if (!sr.card_id || (rc = db_card_get_id(s->db, sr.card_id, &card)) ||
	    strcmp(card.status, "lost"))
		return rc ? rc : err_set(-SD_STATE, "sale %lld waits for its card, which was not "
						    "reported lost: put the card in the reader to settle it",
					 (long long)id);
	if ((rc = db_begin(s->db)))
		return rc;
	snprintf(why, sizeof(why), "voided without its card (reported lost): %.200s", reason);
	if ((rc = sale_approve(s, approver, "voiding a sale without its card", sr.account_no)) ||
	    (rc = void_locked(s, &sr, why)) || (rc = db_commit(s->db)))
		db_rollback(s->db);
	return rc;
}
