/* sale_fix: corrections — reversal (冲正) of a sale made by mistake and
 * refund (退电) of credit no meter has taken — and administrators'
 * approval at a cashier's session. A card meter's purchase is taken back
 * with the card's CANCEL PURCHASE (docs/card-spec.md 11.5) before the
 * ledger says so; a cancel cut short is booked when the card is next read
 * (sale_settle_locked), so the card and the cash never disagree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "err.h"
#include "money.h"
#include "perm.h"
#include "sale_int.h"

int sale_approve(const struct session *s, const struct session *approver, const char *what,
		 const char *object)
{
	if (!perm_check(s, PERM_APPROVE))
		return 0;
	if (!approver)
		return err_set(-SD_PERM, "%s needs an administrator: ask one to approve with their "
					 "own login at this desk", what);
	if (perm_check(approver, PERM_APPROVE))
		return err_set(-SD_PERM, "%s cannot approve: %s needs an administrator",
			       approver->login, what);
	return audit_log(s, "approve", object, "what=%s approver=%s", what, approver->login);
}

/* The ledger rows a correction books: the reversal of each row of the
 * sale, or one refund row. */
static void correction_row(const struct session *s, const struct sale_rec *sr, int64_t shift_id,
			   const char *kind, int64_t amount, const char *reason,
			   struct ledger_rec *l)
{
	memset(l, 0, sizeof(*l));
	l->ts = clock_now();
	snprintf(l->kind, sizeof(l->kind), "%s", kind);
	l->account_id = sr->account_id;
	l->meter_id = sr->meter_id;
	l->card_id = sr->card_id;
	l->amount = amount;
	l->purchase_seq = sr->purchase_seq;
	l->operator_id = s->operator_id;
	l->shift_id = shift_id;
	snprintf(l->note, sizeof(l->note), "%s of sale %lld: %.150s", kind, (long long)sr->id, reason);
}

/* Books the correction of sale sr inside the caller's transaction: for a
 * reversal, a reversing row for the credit and for the debt repayment
 * (the debt comes back); for a refund, one refund row of the credit.
 * Stores and returns (in number) its receipt. */
static int book_locked(const struct session *s, const struct sale_rec *sr, int64_t shift_id,
		       int reversal, const char *reason, struct ledger_rec *out, char number[24])
{
	struct ledger_rec d, debt_row;
	struct receipt r;
	char note[32];
	int rc;

	correction_row(s, sr, shift_id, reversal ? "reversal" : "refund", -sr->credited, reason, out);
	out->energy_wh = -sr->energy_wh;
	if (reversal)
		out->reverses = sr->ledger_id;
	if ((rc = db_ledger_insert(s->db, out)))
		return rc;
	snprintf(note, sizeof(note), "sale %lld", (long long)sr->id);
	if (reversal && sr->debt_paid &&
	    !(rc = db_ledger_find(s->db, "debt_repayment", sr->account_id, note, &debt_row))) {
		correction_row(s, sr, shift_id, "reversal", -sr->debt_paid, reason, &d);
		d.reverses = debt_row.id;
		if ((rc = db_ledger_insert(s->db, &d)) ||
		    (rc = db_account_debt_add(s->db, sr->account_id, sr->debt_paid)))
			return rc;
	} else if (rc) {
		return rc;
	}
	memset(&r, 0, sizeof(r));
	if ((rc = sale_receipt_facts(s, sr, reversal ? "reversal" : "refund",
				     reversal ? -sr->amount : -sr->credited, &r)))
		return rc;
	r.time = out->ts;
	r.tendered = r.change = 0;
	r.debt_paid = reversal ? -sr->debt_paid : 0;
	snprintf(r.note, sizeof(r.note), "%.200s", reason);
	if ((rc = sale_store_receipt(s, &r, out->id, number)))
		return rc;
	if (reversal)
		out->amount -= sr->debt_paid;  /* what the customer gets back */
	return audit_log(s, reversal ? "sale.reverse" : "sale.refund", sr->account_no,
			 "sale=%lld seq=%lld amount=%lld receipt=%s reason=%s", (long long)sr->id,
			 (long long)sr->purchase_seq, (long long)-out->amount, number, reason);
}

struct cancel_ctx {
	const struct session *s;
	const struct sale_rec *sr;
	int reversal;
};

/* Just before the card's cancel: the intent goes into the audit trail,
 * committed, so a crash in between is explained; the booking itself
 * follows the card (or the next read of it). */
static int record_intent(void *ctx, const struct card_state *before)
{
	struct cancel_ctx *c = ctx;
	int rc;

	(void)before;
	if ((rc = db_begin(c->s->db)))
		return rc;
	/* a cancelled purchase never brings its tariff files to a meter:
	 * forget them, so the next purchase writes EF03 again */
	if ((rc = audit_log(c->s, "sale.cancel_intent", c->sr->account_no, "sale=%lld seq=%lld %s",
			    (long long)c->sr->id, (long long)c->sr->purchase_seq,
			    c->reversal ? "reversal" : "refund")) ||
	    (c->sr->card_id && (rc = db_card_set_tariffs(c->s->db, c->sr->card_id, 0, 0))) ||
	    (rc = db_commit(c->s->db)))
		db_rollback(c->s->db);
	sale_fault_point("cancel-intent");
	return rc;
}

/* Takes sale sr's purchase back: off the card, or out of the queue. */
static int take_back(const struct session *s, const struct sale_io *io, const struct sale_rec *sr,
		     int reversal)
{
	struct cancel_ctx cc = { s, sr, reversal };
	struct card_state before;
	struct card_rec rec;
	uint8_t serial[8];
	int64_t n = 0;
	int rc;

	if (!strcmp(sr->mode, "remote")) {
		if ((rc = db_cmd_cancel_recharge(s->db, sr->meter_id, sr->purchase_seq, &n)))
			return rc;
		return n ? 0 : err_set(-SD_STATE, "the recharge of sale %lld was already sent to the "
						  "meter: its credit is in the meter", (long long)sr->id);
	}
	if (strcmp(sr->mode, "card"))
		return 0;
	if (!io->reader || !io->ring)
		return err_set(-SD_NO_READER, "taking a purchase back needs its card in the reader");
	if ((rc = db_card_get_id(s->db, sr->card_id, &rec)))
		return rc;
	if (strcmp(rec.status, "active"))
		return err_set(-SD_STATE, "sale %lld was written to card %s, which is %s now",
			       (long long)sr->id, rec.serial, rec.status);
	if ((rc = card_serial_parse(rec.serial, serial)))
		return rc;
	rc = card_cancel_purchase(io->reader, io->ring, rec.key_version, serial,
				  (uint32_t)sr->purchase_seq, record_intent, &cc, &before);
	if (rc == 1)
		rc = 0;  /* cancelled by an earlier attempt that was cut short */
	if (rc == -SD_CARD_PULLED)
		return err_set(rc, "the card was taken out while the purchase was taken back: insert "
				   "it and try again (nothing is booked twice)");
	sale_fault_point("cancelled");
	return rc;
}

/* Completes a correction of sale sr after its purchase is taken back. */
static int book(const struct session *s, const struct session *approver, const struct sale_io *io,
		const struct sale_rec *sr, int64_t shift_id, int reversal, const char *reason,
		int needs_approval, const char *what, struct ledger_rec *out)
{
	char number[24];
	int rc;

	if ((rc = db_begin(s->db)))
		return rc;
	if ((needs_approval && (rc = sale_approve(s, approver, what, sr->account_no))) ||
	    (rc = book_locked(s, sr, shift_id, reversal, reason, out, number)) ||
	    (rc = db_commit(s->db))) {
		db_rollback(s->db);
		return rc;
	}
	if (io->cfg && io->cfg->printer[0])
		sale_print(s, io, number, 0);
	return 0;
}

/* Checks before anything touches the card: the approval a correction
 * needs is asked for first, so the card is never changed for nothing. */
static int precheck_approval(const struct session *s, const struct session *approver,
			     int needs, const char *what)
{
	if (!needs || !perm_check(s, PERM_APPROVE))
		return 0;
	if (!approver || perm_check(approver, PERM_APPROVE))
		return sale_approve(s, approver, what, "");
	return 0;
}

int sale_reverse(const struct session *s, const struct session *approver,
		 const struct sale_io *io, int64_t sale_id, const char *reason,
		 struct ledger_rec *out)
{
	struct shift_rec shift;
	struct sale_rec sr;
	int rc, needs;

	if ((rc = perm_check(s, PERM_REFUND)))
		return rc;
	if (!reason || !*reason)
		return err_set(-SD_USAGE, "say why the sale is reversed");
	if ((rc = db_sale_get(s->db, sale_id, &sr)))
		return rc == -SD_NOT_FOUND ? err_set(rc, "no sale %lld", (long long)sale_id) : rc;
	if (strcmp(sr.status, "complete"))
		return err_set(-SD_STATE, "sale %lld is %s: only a complete sale can be reversed",
			       (long long)sale_id, sr.status);
	if (sr.reversed)
		return err_set(-SD_STATE, "sale %lld was already reversed or refunded",
			       (long long)sale_id);
	if ((rc = db_shift_current(s->db, s->operator_id, &shift)))
		return rc == -SD_NOT_FOUND ? err_set(-SD_NO_SHIFT, "the cash goes back from a shift") : rc;
	/* a cashier's own sale of this shift; anything else is approved */
	needs = sr.operator_id != s->operator_id || sr.shift_id != shift.id;
	if ((rc = precheck_approval(s, approver, needs, "reversing another shift's sale")) ||
	    (rc = take_back(s, io, &sr, 1)))
		return rc;
	return book(s, approver, io, &sr, shift.id, 1, reason, needs,
		    "reversing another shift's sale", out);
}

/* Finds the complete sale that wrote purchase seq to the account's card. */
static int sale_of_card_seq(struct db *db, int64_t account_id, int64_t seq, struct sale_rec *out)
{
	int64_t id;
	int rc = db_sale_find_seq(db, account_id, seq, &id);

	return rc ? rc : db_sale_get(db, id, out);
}

int sale_refund(const struct session *s, const struct session *approver,
		const struct sale_io *io, const char *account_no, int64_t amount,
		const char *reason, struct ledger_rec *out)
{
	struct account_rec *acc = NULL;
	struct shift_rec shift;
	struct card_state st;
	struct card_rec rec;
	struct sale_rec sr;
	const struct meter_rec *m = NULL;
	int64_t limit, balance;
	char a[32];
	int rc, needs;

	if ((rc = perm_check(s, PERM_REFUND)))
		return rc;
	if (!reason || !*reason)
		return err_set(-SD_USAGE, "say why the credit is refunded");
	if ((rc = db_shift_current(s->db, s->operator_id, &shift)))
		return rc == -SD_NOT_FOUND ? err_set(-SD_NO_SHIFT, "a refund is paid from a shift") : rc;
	if (!(acc = calloc(1, sizeof(*acc))))
		return err_set(-SD_NOMEM, "account");
	if ((rc = db_account_get(s->db, account_no, acc))) {
		if (rc == -SD_NOT_FOUND)
			rc = err_set(rc, "no account %s", account_no);
		goto out;
	}
	for (int i = 0; i < acc->n_meters && !m; i++)
		if (!strcmp(acc->meters[i].status, "active"))
			m = &acc->meters[i];
	if (!m) {
		rc = err_set(-SD_STATE, "account %s has no active meter", account_no);
		goto out;
	}
	limit = sale_setting_fen(s->db, "refund.cashier_max", REFUND_CASHIER_MAX_DEFAULT);
	if (!strcmp(m->mode, "card")) {
		/* the card's last purchase, read with MACs, names the sale */
		if (!io->reader || !io->ring) {
			rc = err_set(-SD_NO_READER, "a card refund needs the card in the reader");
			goto out;
		}
		if ((rc = db_card_user_of(s->db, acc->id, &rec)) ||
		    (rc = card_read(io->reader, io->ring, rec.key_version, &st)))
			goto out;
		if (!st.has_purchase) {
			rc = err_set(-SD_STATE, "the card holds no purchase to refund");
			goto out;
		}
		if ((rc = sale_of_card_seq(s->db, acc->id, st.last.seq, &sr))) {
			if (rc == -SD_NOT_FOUND)
				rc = err_set(rc, "purchase %u on the card was not sold at this desk",
					     st.last.seq);
			goto out;
		}
		if (sr.reversed) {
			rc = err_set(-SD_STATE, "purchase %u was already refunded", st.last.seq);
			goto out;
		}
		needs = limit && sr.credited > limit;
		snprintf(a, sizeof(a), "a refund over %s", money_format(limit, (char[32]){0}, 32));
		if ((rc = precheck_approval(s, approver, needs, a)) ||
		    (rc = take_back(s, io, &sr, 0)))
			goto out;
		rc = book(s, approver, io, &sr, shift.id, 0, reason, needs, a, out);
		goto out;
	}
	if (strcmp(m->mode, "billed")) {
		rc = err_set(-SD_STATE, "meter %s holds its credit itself: refund it when the meter is "
					"replaced or the account closed", m->meter_no);
		goto out;
	}
	if ((rc = db_ledger_balance(s->db, acc->id, &balance)))
		goto out;
	if (!amount)
		amount = balance;
	if (amount <= 0 || amount > balance) {
		rc = err_set(-SD_LIMIT, "the desk balance of account %s is %s", account_no,
			     money_format(balance, a, sizeof(a)));
		goto out;
	}
	/* a billed refund is not one sale's: book it as a refund row of its own */
	memset(&sr, 0, sizeof(sr));
	sr.account_id = acc->id;
	snprintf(sr.account_no, sizeof(sr.account_no), "%s", acc->account_no);
	sr.meter_id = m->id;
	snprintf(sr.meter_no, sizeof(sr.meter_no), "%s", m->meter_no);
	snprintf(sr.mode, sizeof(sr.mode), "billed");
	snprintf(sr.operator_login, sizeof(sr.operator_login), "%s", s->login);
	sr.operator_id = s->operator_id;
	sr.amount = sr.credited = amount;
	sr.created_at = clock_now();
	needs = limit && amount > limit;
	snprintf(a, sizeof(a), "a refund over %s", money_format(limit, (char[32]){0}, 32));
	rc = book(s, approver, io, &sr, shift.id, 0, reason, needs, a, out);
out:
	free(acc);
	return rc;
}

int sale_settle_cancel_locked(const struct session *s, const struct card_state *st,
			      const struct card_rec *rec, int *booked)
{
	struct shift_rec shift;
	struct ledger_rec l;
	struct sale_rec sr;
	char number[24];
	int rc;

	*booked = 0;
	if (!st->authenticated || !st->has_purchase || !card_purchase_cancelled(st, st->last.seq))
		return 0;
	rc = sale_of_card_seq(s->db, rec->account_id, st->last.seq, &sr);
	if (rc == -SD_NOT_FOUND)
		return 0;
	if (rc || sr.reversed)
		return rc;
	/* the card's cancel happened, its booking did not: the customer is
	 * owed the credit, as a refund in this operator's shift */
	if (db_shift_current(s->db, s->operator_id, &shift))
		shift.id = 0;
	if ((rc = book_locked(s, &sr, shift.id, 0, "taken back on the card; booked when the card "
				"was next read", &l, number)))
		return rc;
	*booked = 1;
	return 0;
}
