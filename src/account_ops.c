/* account_ops: opening with the card, activation and the special
 * operations on an account (docs/accounts.md). */
#include "account_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "card_desk.h"
#include "clock.h"
#include "db_meter.h"
#include "db_account_ops.h"
#include "err.h"
#include "money.h"
#include "perm.h"
#include "sale_int.h"
#include "shift.h"

/* Reads account_no into a heap record (*acc is the caller's to free). */
static int load(const struct session *s, const char *account_no, struct account_rec **acc)
{
	if (!(*acc = calloc(1, sizeof(**acc))))
		return err_set(-SD_NOMEM, "account");
	return account_get(s, account_no, *acc);
}

static const struct meter_rec *active_meter(const struct account_rec *a, const char *mode)
{
	for (int i = 0; i < a->n_meters; i++)
		if (!strcmp(a->meters[i].status, "active") &&
		    (!mode || !strcmp(a->meters[i].mode, mode)))
			return &a->meters[i];
	return NULL;
}

/* A pending sale owns the account's next purchase number and its cash:
 * nothing may change under it. */
static int no_pending(const struct session *s, const struct account_rec *a)
{
	struct sale_rec sr;

	if (db_sale_pending_of(s->db, a->id, &sr))
		return 0;
	return err_set(-SD_SALE_PENDING, "sale %lld of account %s is pending: put its card in the "
			 "reader and settle it first (saledesk sale settle)", (long long)sr.id,
		       a->account_no);
}

/* Asks for the approval before anything changes (the card above all), so
 * nothing is done for an operation that will be refused; the audited
 * approval is given inside the operation's transaction. */
static int precheck_approval(const struct session *s, const struct session *ap, const char *what)
{
	if (!perm_check(s, PERM_APPROVE))
		return 0;
	err_clear();
	if (!ap || perm_check(ap, PERM_APPROVE))
		return sale_approve(s, ap, what, "");
	return 0;
}

/* Books amount fen (a fee > 0, a refund < 0) as one ledger row of kind
 * with a receipt of receipt_kind, inside the caller's transaction. */
static int book_locked(const struct session *s, const struct account_rec *a, int64_t shift_id,
		       const char *kind, const char *receipt_kind, int64_t amount,
		       const struct meter_rec *m, const char *note, struct account_op_result *res)
{
	struct ledger_rec l;
	struct sale_rec sr;
	struct receipt r;
	int rc;

	memset(&l, 0, sizeof(l));
	l.ts = clock_now();
	snprintf(l.kind, sizeof(l.kind), "%s", kind);
	l.account_id = a->id;
	l.meter_id = m ? m->id : 0;
	l.amount = amount;
	l.operator_id = s->operator_id;
	l.shift_id = shift_id;
	snprintf(l.note, sizeof(l.note), "%.200s", note);
	if ((rc = db_ledger_insert(s->db, &l)))
		return rc;
	/* the receipt's facts come from a sale-shaped record: one layout */
	memset(&sr, 0, sizeof(sr));
	snprintf(sr.account_no, sizeof(sr.account_no), "%s", a->account_no);
	snprintf(sr.operator_login, sizeof(sr.operator_login), "%s", s->login);
	if (m) {
		sr.meter_id = m->id;
		snprintf(sr.meter_no, sizeof(sr.meter_no), "%s", m->meter_no);
	}
	sr.created_at = l.ts;
	if ((rc = sale_receipt_facts(s, &sr, receipt_kind, amount, &r)))
		return rc;
	snprintf(r.note, sizeof(r.note), "%.200s", note);
	if ((rc = sale_store_receipt(s, &r, l.id, res->receipt_no)))
		return rc;
	res->amount = amount;
	return audit_log(s, amount > 0 ? "account.fee" : "account.refund", a->account_no,
			 "kind=%s amount=%lld receipt=%s note=%s", receipt_kind, (long long)amount,
			 res->receipt_no, note);
}

static void print_receipt(const struct session *s, const struct sale_io *io,
			  struct account_op_result *res)
{
	if (res->receipt_no[0] && io && io->cfg && io->cfg->printer[0])
		res->print_rc = sale_print(s, io, res->receipt_no, 0);
}

static int issue_card(const struct session *s, const struct sale_io *io, const char *account_no,
		      int subtype, struct account_op_result *res)
{
	struct card_state st;
	int rc, resumed = 0;

	if (!io || !io->reader || !io->ring)
		return err_set(-SD_NO_READER, "issuing the card needs the reader and the keys");
	if ((rc = card_desk_issue_user(s, io->reader, io->ring, account_no, subtype, &st, &resumed)))
		return rc;
	card_serial_hex(st.serial, res->card_serial);
	res->card = resumed ? 2 : 1;
	return 0;
}

/* ---- opening and activation ---- */

static int form_has_card_meter(const struct account_form *f)
{
	for (int i = 0; i < f->n_meters; i++)
		if (!strcmp(f->meters[i].mode[0] ? f->meters[i].mode : f->mode, "card"))
			return 1;
	return 0;
}

int account_open_with(const struct session *s, const struct sale_io *io, struct account_form *f,
		      unsigned flags, int64_t fee, struct account_op_result *res)
{
	struct account_rec *acc = NULL;
	struct shift_rec sh;
	char why[512];
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = perm_check(s, PERM_ACCOUNT_OPEN)))
		return rc;
	if ((flags & ACCOUNT_PRE) && ((flags & ACCOUNT_ISSUE_CARD) || fee))
		return err_set(-SD_USAGE, "a pre-registered account gets its card and pays its fee "
					  "when it is activated (saledesk account activate)");
	if (fee < 0)
		return err_set(-SD_MONEY_NEGATIVE, "opening fee");
	if ((flags & ACCOUNT_ISSUE_CARD) && !form_has_card_meter(f))
		return err_set(-SD_STATE, "the account has no card meter: it needs no card");
	if ((flags & ACCOUNT_ISSUE_CARD) && (!io || !io->reader || !io->ring))
		return err_set(-SD_NO_READER, "issuing the card needs the reader and the keys");
	if (fee && (rc = shift_current(s, &sh)))
		return rc;
	if (flags & ACCOUNT_PRE)
		snprintf(f->acc.status, sizeof(f->acc.status), "pre");
	if ((rc = db_begin(s->db)))
		return rc;
	if ((rc = account_open_locked(s, f)))
		goto fail;
	if (fee) {
		if (!(acc = calloc(1, sizeof(*acc)))) {
			rc = err_set(-SD_NOMEM, "account");
			goto fail;
		}
		if ((rc = db_account_get(s->db, f->acc.account_no, acc)) ||
		    (rc = book_locked(s, acc, sh.id, "fee", "opening", fee, NULL, "opening fee", res)))
			goto fail;
	}
	if ((rc = db_commit(s->db)))
		goto fail;
	free(acc);
	snprintf(res->account_no, sizeof(res->account_no), "%s", f->acc.account_no);
	print_receipt(s, io, res);
	if (!(flags & ACCOUNT_ISSUE_CARD))
		return 0;
	if ((rc = issue_card(s, io, res->account_no, CARD_OPENING, res))) {
		snprintf(why, sizeof(why), "%s", err_detail()[0] ? err_detail() : err_str(rc));
		return err_set(rc, "account %s was opened%s, but its card was not issued (%s): put a "
				   "card in the reader and run `saledesk card issue %s`",
			       res->account_no, fee ? " and the fee booked" : "", why, res->account_no);
	}
	return 0;
fail:
	db_rollback(s->db);
	free(acc);
	return rc;
}

int account_activate(const struct session *s, const struct sale_io *io, const char *account_no,
		     int64_t fee, struct account_op_result *res)
{
	struct account_rec *acc = NULL;
	struct shift_rec sh;
	char why[512];
	int rc, card;

	memset(res, 0, sizeof(*res));
	if ((rc = perm_check(s, PERM_ACCOUNT_OPEN)) || (rc = load(s, account_no, &acc)))
		goto out;
	snprintf(res->account_no, sizeof(res->account_no), "%s", acc->account_no);
	card = active_meter(acc, "card") != NULL;
	if (!strcmp(acc->status, "open") && card) {
		/* a repeat after the card failed: the account is open, its fee
		 * booked; only the card is left */
		if (fee)
			snprintf(res->note, sizeof(res->note), "the account was already open: its fee "
				 "was booked when it was activated, not again");
		rc = issue_card(s, io, acc->account_no, CARD_OPENING, res);
		goto out;
	}
	if (strcmp(acc->status, "pre")) {
		rc = err_set(-SD_STATE, "account %s is %s, not pre-registered", acc->account_no,
			     acc->status);
		goto out;
	}
	if (fee < 0) {
		rc = err_set(-SD_MONEY_NEGATIVE, "opening fee");
		goto out;
	}
	if (card && (!io || !io->reader || !io->ring)) {
		rc = err_set(-SD_NO_READER, "account %s has a card meter: its card is issued now, "
					    "with the reader and the keys", acc->account_no);
		goto out;
	}
	if (fee && (rc = shift_current(s, &sh)))
		goto out;
	if ((rc = db_begin(s->db)))
		goto out;
	if ((rc = db_account_set_status(s->db, acc->id, "open", 0)) ||
	    (fee && (rc = book_locked(s, acc, sh.id, "fee", "opening", fee, NULL, "opening fee",
				      res))) ||
	    (rc = audit_log(s, "account.activate", acc->account_no, "pre -> open fee=%lld",
			    (long long)fee)) ||
	    (rc = db_commit(s->db))) {
		db_rollback(s->db);
		goto out;
	}
	print_receipt(s, io, res);
	if (card && (rc = issue_card(s, io, acc->account_no, CARD_OPENING, res))) {
		snprintf(why, sizeof(why), "%s", err_detail()[0] ? err_detail() : err_str(rc));
		rc = err_set(rc, "account %s is open now%s, but its card was not issued (%s): put a "
				 "card in the reader and run `saledesk account activate %s` again",
			     acc->account_no, fee ? " and the fee booked" : "", why, acc->account_no);
	}
out:
	free(acc);
	return rc;
}

/* ---- change of data and ownership ---- */

static const char *const change_fields[] = {
	"name", "id_number", "phone", "address", "building", "floor", "room", "area", NULL
};

/* The text of field name of a, for the audit trail's old -> new. */
static const char *field_text(const struct account_rec *a, const char *name, char *buf,
			      size_t size)
{
	const struct customer_rec *c = &a->customer;

	if (!strcmp(name, "name"))
		return c->name;
	if (!strcmp(name, "id_number"))
		return c->id_number;
	if (!strcmp(name, "phone"))
		return c->phone;
	if (!strcmp(name, "address"))
		return c->address;
	if (!strcmp(name, "building"))
		return a->building;
	if (!strcmp(name, "room"))
		return a->room;
	if (!strcmp(name, "floor")) {
		if (!a->has_floor)
			return "";
		snprintf(buf, size, "%d", a->floor);
		return buf;
	}
	return money_format(a->area_dm2, buf, size);
}

static int known_field(const char *name, const char *const *allowed)
{
	for (int i = 0; allowed[i]; i++)
		if (!strcmp(allowed[i], name))
			return 1;
	return 0;
}

int account_change(const struct session *s, const char *account_no, const char *const names[],
		   const char *const values[], int n, struct account_op_result *res)
{
	struct account_rec *acc = NULL;
	struct account_form *f = NULL;
	char *log = NULL, a[40], b[40];
	size_t len = 0, cap = 4096;
	int rc, i;

	memset(res, 0, sizeof(*res));
	if ((rc = perm_check(s, PERM_ACCOUNT_CHANGE)) || (rc = load(s, account_no, &acc)))
		goto out;
	snprintf(res->account_no, sizeof(res->account_no), "%s", acc->account_no);
	if (!strcmp(acc->status, "closed")) {
		rc = err_set(-SD_STATE, "account %s is closed", acc->account_no);
		goto out;
	}
	if (!(f = malloc(sizeof(*f))) || !(log = malloc(cap))) {
		rc = err_set(-SD_NOMEM, "account change");
		goto out;
	}
	/* the form validates each value as the opening does */
	account_form_init(f);
	f->acc = *acc;
	for (i = 0; i < n; i++) {
		if (!known_field(names[i], change_fields)) {
			rc = err_set(-SD_INVAL, "%s cannot be changed here", names[i]);
			goto out;
		}
		if ((rc = account_form_set(f, names[i], values[i])))
			goto out;
	}
	if (!f->acc.customer.name[0]) {
		rc = err_set(-SD_INVAL, "the customer's name cannot be empty");
		goto out;
	}
	log[0] = 0;
	for (i = 0; change_fields[i]; i++) {
		const char *old = field_text(acc, change_fields[i], a, sizeof(a));
		const char *new = field_text(&f->acc, change_fields[i], b, sizeof(b));
		if (!strcmp(old, new))
			continue;
		len += (size_t)snprintf(log + len, cap - len, "%s%s: \"%s\" -> \"%s\"",
					res->changed ? "; " : "", change_fields[i], old, new);
		if (len >= cap)
			len = cap - 1;
		res->changed++;
	}
	if (!res->changed)
		goto out;
	if ((rc = db_begin(s->db)))
		goto out;
	if ((rc = db_customer_update(s->db, &f->acc.customer)) ||
	    (rc = db_account_update_premises(s->db, &f->acc)) ||
	    (rc = audit_log(s, "account.change", acc->account_no, "%s", log)) ||
	    (rc = db_commit(s->db)))
		db_rollback(s->db);
out:
	free(log);
	free(f);
	free(acc);
	return rc;
}

static const char *const owner_fields[] = { "name", "id_number", "phone", "address", NULL };

int account_transfer(const struct session *s, const struct session *approver,
		     const struct sale_io *io, const char *account_no, const char *const names[],
		     const char *const values[], int n, int settle, struct account_op_result *res)
{
	struct account_rec *acc = NULL;
	struct account_form *f = NULL;
	const struct meter_rec *billed;
	struct shift_rec sh;
	int64_t balance = 0, old_customer;
	char note[201], money[32];
	int rc, i;

	memset(res, 0, sizeof(*res));
	if ((rc = perm_check(s, PERM_ACCOUNT_CHANGE)) || (rc = load(s, account_no, &acc)))
		goto out;
	snprintf(res->account_no, sizeof(res->account_no), "%s", acc->account_no);
	if (strcmp(acc->status, "open") && strcmp(acc->status, "pre")) {
		rc = err_set(-SD_STATE, "account %s is %s", acc->account_no, acc->status);
		goto out;
	}
	if (!(f = malloc(sizeof(*f)))) {
		rc = err_set(-SD_NOMEM, "transfer");
		goto out;
	}
	account_form_init(f);
	for (i = 0; i < n; i++) {
		if (!known_field(names[i], owner_fields)) {
			rc = err_set(-SD_INVAL, "%s is not the new owner's (name, id_number, phone, "
						"address)", names[i]);
			goto out;
		}
		if ((rc = account_form_set(f, names[i], values[i])))
			goto out;
	}
	if (!f->acc.customer.name[0]) {
		rc = err_set(-SD_INVAL, "the new owner's name is missing");
		goto out;
	}
	billed = active_meter(acc, "billed");
	if (settle && !billed) {
		rc = err_set(-SD_STATE, "account %s has no desk-billed meter: its credit is in the "
					"meter (or on the card) and stays with the premises",
			     acc->account_no);
		goto out;
	}
	if ((rc = no_pending(s, acc)) ||
	    (rc = precheck_approval(s, approver, "an ownership transfer")) ||
	    (settle && (rc = shift_current(s, &sh))))
		goto out;
	if ((rc = db_begin(s->db)))
		goto out;
	if ((rc = sale_approve(s, approver, "an ownership transfer", acc->account_no)))
		goto fail;
	if (settle && (rc = db_ledger_balance(s->db, acc->id, &balance)))
		goto fail;
	if (settle && balance > 0) {
		snprintf(note, sizeof(note), "desk balance settled to %.150s at ownership transfer",
			 acc->customer.name);
		if ((rc = book_locked(s, acc, sh.id, "refund", "refund", -balance, billed, note, res)))
			goto fail;
	}
	old_customer = acc->customer.id;
	f->acc.customer.created_at = clock_now();
	if ((rc = db_customer_insert(s->db, &f->acc.customer)) ||
	    (rc = db_account_set_customer(s->db, acc->id, f->acc.customer.id)) ||
	    (rc = audit_log(s, "account.transfer", acc->account_no,
			    "from=\"%s\" (customer %lld) to=\"%s\" (customer %lld) balance=%s",
			    acc->customer.name, (long long)old_customer, f->acc.customer.name,
			    (long long)f->acc.customer.id,
			    settle ? money_format(balance > 0 ? balance : 0, money, sizeof(money))
				   : "carried over")) ||
	    (rc = db_commit(s->db)))
		goto fail;
	print_receipt(s, io, res);
	goto out;
fail:
	db_rollback(s->db);
out:
	free(f);
	free(acc);
	return rc;
}

/* ---- meter replacement ---- */

/* A carry the desk could not finish now: what the cashier does next. */
static void carry_note(struct account_op_result *res, const struct meter_carry *mc,
		       const char *why)
{
	char money[32];

	snprintf(res->note, sizeof(res->note), "%s; then: saledesk account carry %s (%s yuan to "
		 "meter %s)", why, res->account_no, money_format(mc->fen, money, sizeof(money)),
		 mc->meter_no);
}

static void carried(struct account_op_result *res, const struct meter_carry *mc, int64_t seq)
{
	res->meter_carry = 1;
	res->carried_amount = mc->fen;
	res->carried_seq = seq;
	snprintf(res->carry_mode, sizeof(res->carry_mode), "%s", mc->mode);
	snprintf(res->carry_meter, sizeof(res->carry_meter), "%s", mc->meter_no);
}

/* A remote meter's carry: a recharge queued with the meter's next purchase
 * number, in one transaction with the carry marked done. */
static int carry_remote(const struct session *s, const struct meter_carry *mc,
			struct account_op_result *res)
{
	struct meter_cmd cmd;
	int64_t now = clock_now();
	int rc;

	if ((rc = db_begin(s->db)))
		return rc;
	memset(&cmd, 0, sizeof(cmd));
	cmd.meter_id = mc->meter_id;
	cmd.not_before = now;
	snprintf(cmd.kind, sizeof(cmd.kind), "recharge");
	cmd.amount = mc->fen;
	if (mc->fen > 0 && (rc = db_cmd_next_seq(s->db, mc->meter_id, &cmd.purchase_seq))) {
		db_rollback(s->db);
		if (rc == -SD_STATE) {
			carry_note(res, mc, "the meter-reading service has not read the new meter yet "
					    "(wire it to its bus: saledesk meter wire)");
			return 0;
		}
		return rc;
	}
	if ((mc->fen > 0 && (rc = db_cmd_insert(s->db, &cmd, s->operator_id))) ||
	    (rc = db_meter_carry_done(s->db, mc->meter_id)) ||
	    (rc = audit_log(s, "meter.carry", res->account_no, "meter=%s from=%s amount=%lld "
			    "purchase_seq=%lld command=%lld", mc->meter_no, mc->old_no,
			    (long long)mc->fen, (long long)cmd.purchase_seq, (long long)cmd.id)) ||
	    (rc = db_commit(s->db))) {
		db_rollback(s->db);
		return rc;
	}
	carried(res, mc, cmd.purchase_seq);
	return 0;
}

/* A card meter's carry (card spec 11.6): the card is moved to the new
 * meter, then the balance is loaded as its next purchase. The purchase
 * number is recorded before the card is written, so a repeat after a
 * crash finds it on the card (or in the database) and never loads twice. */
static int carry_card(const struct session *s, const struct sale_io *io,
		      const struct account_rec *acc, struct meter_carry *mc,
		      struct account_op_result *res)
{
	struct card_state st;
	struct card_rec rec;
	uint8_t serial[8];
	int64_t seq;
	int rc, settled;

	if ((rc = db_card_user_of(s->db, acc->id, &rec))) {
		if (rc == -SD_NOT_FOUND) {
			carry_note(res, mc, "the account has no active card: reissue it first");
			return 0;
		}
		return rc;
	}
	if (!io || !io->reader || !io->ring) {
		carry_note(res, mc, "put the customer's card in the reader");
		return 0;
	}
	snprintf(res->card_serial, sizeof(res->card_serial), "%s", rec.serial);
	if ((rc = card_serial_parse(rec.serial, serial)))
		return rc;
	rc = card_move_meter(io->reader, io->ring, rec.key_version, serial, mc->old_no,
			     mc->meter_no, &st);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		if ((rc = db_begin(s->db)))
			return rc;
		if ((rc = audit_log(s, "card.move", rec.serial, "account=%s from=%s to=%s",
				    acc->account_no, mc->old_no, mc->meter_no)) ||
		    (rc = db_commit(s->db))) {
			db_rollback(s->db);
			return rc;
		}
	}
	if (mc->seq && rec.purchase_seq >= mc->seq) {
		/* loaded before a crash and recorded: only the mark is left */
		seq = mc->seq;
	} else if (mc->fen > 0) {
		if (!mc->seq) {
			mc->seq = rec.purchase_seq + 1;
			if ((rc = db_meter_carry_seq(s->db, mc->meter_id, mc->seq)))
				return rc;
		}
		rc = card_desk_write_load(s, io->reader, io->ring, acc->account_no, mc->fen,
					  "meter.carry", &st, &seq, &settled);
		if (rc == -SD_CARD_STACK) {
			carry_note(res, mc, "the card holds a purchase no meter has taken yet: the "
					    "customer inserts the card into the new meter first (it "
					    "credits that purchase)");
			return 0;
		}
		if (rc)
			return rc;
	} else {
		seq = 0;
	}
	if ((rc = db_begin(s->db)))
		return rc;
	if ((rc = db_meter_carry_done(s->db, mc->meter_id)) || (rc = db_commit(s->db))) {
		db_rollback(s->db);
		return rc;
	}
	carried(res, mc, seq);
	return 0;
}

int account_carry(const struct session *s, const struct sale_io *io, const char *account_no,
		  struct account_op_result *res)
{
	struct account_rec *acc = NULL;
	struct meter_carry mc;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = perm_check(s, PERM_ACCOUNT_CHANGE)) || (rc = load(s, account_no, &acc)))
		goto out;
	snprintf(res->account_no, sizeof(res->account_no), "%s", acc->account_no);
	if ((rc = db_meter_carry_of(s->db, acc->id, &mc))) {
		if (rc == -SD_NOT_FOUND)
			rc = err_set(rc, "account %s has no replaced meter's balance to carry",
				     acc->account_no);
		goto out;
	}
	if ((rc = no_pending(s, acc)))
		goto out;
	rc = !strcmp(mc.mode, "card") ? carry_card(s, io, acc, &mc, res) : carry_remote(s, &mc, res);
out:
	free(acc);
	return rc;
}

int account_replace_meter(const struct session *s, const struct session *approver,
			  const struct sale_io *io, const char *account_no, const char *old_no,
			  const char *new_no, int64_t final_wh, int64_t balance,
			  struct account_op_result *res)
{
	struct account_rec *acc = NULL;
	const struct meter_rec *old = NULL;
	struct meter_rec m;
	int carries;
	size_t len = new_no ? strlen(new_no) : 0;
	int64_t now = clock_now();
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = perm_check(s, PERM_ACCOUNT_CHANGE)) || (rc = load(s, account_no, &acc)))
		goto out;
	snprintf(res->account_no, sizeof(res->account_no), "%s", acc->account_no);
	if (strcmp(acc->status, "open")) {
		rc = err_set(-SD_STATE, "account %s is %s", acc->account_no, acc->status);
		goto out;
	}
	for (int i = 0; i < acc->n_meters && !old; i++)
		if (!strcmp(acc->meters[i].meter_no, old_no) && !strcmp(acc->meters[i].status, "active"))
			old = &acc->meters[i];
	if (!old) {
		rc = err_set(-SD_NOT_FOUND, "meter %s is not an active meter of account %s", old_no,
			     acc->account_no);
		goto out;
	}
	if (!len || len > METER_NO_MAX || strspn(new_no, "0123456789") != len) {
		rc = err_set(-SD_INVAL, "new meter number: 1 to %d digits", METER_NO_MAX);
		goto out;
	}
	if (final_wh < 0 || balance < 0 || balance > 99999999) {
		rc = err_set(-SD_INVAL, "the final reading and the balance cannot be negative, and a "
					"balance is at most 999999.99 yuan");
		goto out;
	}
	if ((rc = no_pending(s, acc)) ||
	    (rc = precheck_approval(s, approver, "a meter replacement")))
		goto out;
	{
		struct meter_carry mc;
		if (!db_meter_carry_of(s->db, acc->id, &mc)) {
			rc = err_set(-SD_STATE, "meter %s still waits for the balance of meter %s: "
						"saledesk account carry %s first", mc.meter_no,
				     mc.old_no, acc->account_no);
			goto out;
		}
	}
	memset(&m, 0, sizeof(m));
	snprintf(m.meter_no, sizeof(m.meter_no), "%s", new_no);
	m.account_id = acc->id;
	m.tariff_id = old->tariff_id;
	memcpy(m.mode, old->mode, sizeof(m.mode));
	m.phases = old->phases;
	m.installed_at = now;
	/* a desk-billed balance is in the ledger and stays there; a card or
	 * a remote meter's goes to the new meter (account_carry) */
	carries = strcmp(old->mode, "billed") != 0;
	if ((rc = db_begin(s->db)))
		goto out;
	if ((rc = sale_approve(s, approver, "a meter replacement", acc->account_no)) ||
	    (rc = db_meter_add(s->db, &m)) || (rc = db_meter_remove(s->db, old->id, now)) ||
	    (carries && (rc = db_meter_set_carry(s->db, m.id, old->id, balance))) ||
	    (rc = audit_log(s, "meter.replace", acc->account_no,
			    "old=%s new=%s mode=%s final_reading_wh=%lld balance_carried=%lld",
			    old->meter_no, m.meter_no, old->mode, (long long)final_wh,
			    (long long)balance)) ||
	    (rc = db_commit(s->db))) {
		db_rollback(s->db);
		goto out;
	}
	if (carries) {
		/* the replacement is done; a carry that fails now is finished
		 * later with account carry, and the note says how */
		struct account_op_result cr;
		int crc = account_carry(s, io, acc->account_no, &cr);
		if (crc) {
			char what[160];
			err_text(crc, what, sizeof(what));
			if (snprintf(res->note, sizeof(res->note), "the balance is not carried yet (%s); "
				     "then: saledesk account carry %s", what, acc->account_no) >=
			    (int)sizeof(res->note))
				snprintf(res->note, sizeof(res->note), "the balance is not carried yet; "
					 "see: saledesk account carry %s", acc->account_no);
		} else {
			snprintf(cr.account_no, sizeof(cr.account_no), "%s", res->account_no);
			*res = cr;
		}
	}
out:
	free(acc);
	return rc;
}

/* ---- close ---- */

/* Refunds, with sale_refund(), the card's last purchase when no meter
 * has credited it. The card must be the account's. */
static int refund_card(const struct session *s, const struct session *approver,
		       const struct sale_io *io, const struct account_rec *acc,
		       const struct card_rec *rec, struct account_op_result *res)
{
	struct card_state st;
	struct ledger_rec l;
	char hex[17];
	int rc;

	if (!io || !io->reader || !io->ring)
		return err_set(-SD_NO_READER, "account %s has card %s: put it in the reader (or report "
					      "it lost first)", acc->account_no, rec->serial);
	if ((rc = card_read(io->reader, io->ring, rec->key_version, &st)))
		return rc;
	card_serial_hex(st.serial, hex);
	if (strcmp(hex, rec->serial))
		return err_set(-SD_CARD_OTHER, "card %s is not the card of account %s (%s)", hex,
			       acc->account_no, rec->serial);
	if (!st.has_purchase || card_purchase_cancelled(&st, st.last.seq) ||
	    (st.returned && st.ret.count >= st.last.seq))
		return 0;
	if ((rc = sale_refund(s, approver, io, acc->account_no, 0, "account closed", &l)))
		return rc;
	res->card_refund = -l.amount;
	return 0;
}

int account_close(const struct session *s, const struct session *approver,
		  const struct sale_io *io, const char *account_no, int64_t meter_balance,
		  struct account_op_result *res)
{
	struct account_rec *acc = NULL;
	const struct meter_rec *billed;
	struct card_rec card;
	struct shift_rec sh;
	int64_t balance = 0, now = clock_now(), total;
	char note[201], a[32], b[32];
	int rc, have_card, need_shift;

	memset(res, 0, sizeof(*res));
	if ((rc = perm_check(s, PERM_ACCOUNT_CHANGE)) || (rc = load(s, account_no, &acc)))
		goto out;
	snprintf(res->account_no, sizeof(res->account_no), "%s", acc->account_no);
	if (!strcmp(acc->status, "closed")) {
		rc = err_set(-SD_STATE, "account %s is already closed", acc->account_no);
		goto out;
	}
	if (meter_balance < 0) {
		rc = err_set(-SD_MONEY_NEGATIVE, "meter balance");
		goto out;
	}
	billed = active_meter(acc, "billed");
	if (billed && (rc = db_ledger_balance(s->db, acc->id, &balance)))
		goto out;
	if (balance < 0) {
		rc = err_set(-SD_STATE, "account %s owes %s on its desk balance: take the payment "
					"before it is closed", acc->account_no,
			     money_format(-balance, a, sizeof(a)));
		goto out;
	}
	rc = db_card_user_of(s->db, acc->id, &card);
	if (rc && rc != -SD_NOT_FOUND)
		goto out;
	have_card = rc == 0;
	need_shift = meter_balance > 0 || balance > 0;
	if ((rc = no_pending(s, acc)) ||
	    (rc = precheck_approval(s, approver, "closing an account")) ||
	    (need_shift && (rc = shift_current(s, &sh))))
		goto out;
	/* the card first: its uncredited purchase comes off it (a refund of
	 * its own); a repeat finds it cancelled and goes on */
	if (have_card && (rc = refund_card(s, approver, io, acc, &card, res)))
		goto out;
	if ((rc = db_begin(s->db)))
		goto out;
	if ((rc = sale_approve(s, approver, "closing an account", acc->account_no)))
		goto fail;
	/* read again under the write lock: the refund above moved nothing of
	 * a billed meter, but nothing else may have either */
	if (billed && (rc = db_ledger_balance(s->db, acc->id, &balance)))
		goto fail;
	total = (balance > 0 ? balance : 0) + meter_balance;
	if (total > 0) {
		if (!need_shift && (rc = shift_current(s, &sh)))
			goto fail;
		snprintf(note, sizeof(note), "account closed: desk balance %s, meter balance %s",
			 money_format(balance > 0 ? balance : 0, a, sizeof(a)),
			 money_format(meter_balance, b, sizeof(b)));
		if ((rc = book_locked(s, acc, sh.id, "refund", "close", -total,
				      billed ? billed : active_meter(acc, NULL), note, res)))
			goto fail;
	}
	if (have_card) {
		/* retired, not recycled: the card is not blank; recycling it
		 * later (card recycle) makes it reusable */
		if ((rc = db_card_set_status(s->db, card.serial, "replaced")))
			goto fail;
		snprintf(res->card_serial, sizeof(res->card_serial), "%s", card.serial);
	}
	for (int i = 0; i < acc->n_meters; i++)
		if (!strcmp(acc->meters[i].status, "active") &&
		    (rc = db_meter_remove(s->db, acc->meters[i].id, now)))
			goto fail;
	if ((rc = db_account_set_status(s->db, acc->id, "closed", now)) ||
	    (rc = audit_log(s, "account.close", acc->account_no,
			    "desk_balance=%lld meter_balance=%lld card_refund=%lld card=%s%s "
			    "receipt=%s", (long long)balance, (long long)meter_balance,
			    (long long)res->card_refund, have_card ? card.serial : "-",
			    have_card ? " retired" : "", res->receipt_no[0] ? res->receipt_no : "-")) ||
	    (rc = db_commit(s->db)))
		goto fail;
	if (acc->debt > 0)
		snprintf(res->note, sizeof(res->note), "the account still owed %s of old debt",
			 money_format(acc->debt, a, sizeof(a)));
	print_receipt(s, io, res);
	goto out;
fail:
	db_rollback(s->db);
out:
	free(acc);
	return rc;
}

/* ---- loss report and reissue ---- */

int account_card_lost(const struct session *s, const char *account_no,
		      struct account_op_result *res)
{
	struct account_rec *acc = NULL;
	struct card_rec card;
	int64_t lost;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = perm_check(s, PERM_ACCOUNT_CHANGE)) || (rc = load(s, account_no, &acc)))
		goto out;
	snprintf(res->account_no, sizeof(res->account_no), "%s", acc->account_no);
	if ((rc = db_card_user_of(s->db, acc->id, &card))) {
		if (rc == -SD_NOT_FOUND && !db_card_lost_id(s->db, acc->id, &lost))
			rc = err_set(-SD_STATE, "the card of account %s is already reported lost: issue "
						"a replacement (saledesk card reissue %s)",
				     acc->account_no, acc->account_no);
		else if (rc == -SD_NOT_FOUND)
			rc = err_set(rc, "account %s has no card", acc->account_no);
		goto out;
	}
	snprintf(res->card_serial, sizeof(res->card_serial), "%s", card.serial);
	if ((rc = db_begin(s->db)))
		goto out;
	if ((rc = db_card_set_status(s->db, card.serial, "lost")) ||
	    (rc = audit_log(s, "card.lost", card.serial, "account=%s purchase_seq=%lld",
			    acc->account_no, (long long)card.purchase_seq)) ||
	    (rc = db_commit(s->db)))
		db_rollback(s->db);
out:
	free(acc);
	return rc;
}

/* Which purchase the lost card may still hold uncredited: its last,
 * unless taken back at the desk; *amount 0 when there is none to carry
 * (or it was not sold at this desk: res->note says so). */
static int lost_purchase(const struct session *s, const struct account_rec *acc,
			 const struct card_rec *lost, int64_t *amount,
			 struct account_op_result *res)
{
	struct sale_rec sr;
	int64_t id;
	int rc, dead;

	*amount = 0;
	if (lost->purchase_seq <= 0)
		return 0;
	if ((rc = db_sale_seq_dead(s->db, acc->id, lost->purchase_seq, &dead)))
		return rc;
	if (dead)
		return 0;  /* cancelled: the next sale writes its number again */
	rc = db_sale_find_seq(s->db, acc->id, lost->purchase_seq, &id);
	if (rc == -SD_NOT_FOUND) {
		snprintf(res->note, sizeof(res->note), "purchase %lld of the lost card was not sold "
			 "at this desk: it is not carried", (long long)lost->purchase_seq);
		return 0;
	}
	if (rc || (rc = db_sale_get(s->db, id, &sr)))
		return rc;
	*amount = sr.credited;
	return 0;
}

int account_card_reissue(const struct session *s, const struct sale_io *io,
			 const char *account_no, int64_t fee, struct account_op_result *res)
{
	struct account_rec *acc = NULL;
	struct card_rec active, lost, mine;
	struct card_state st, before;
	struct card_purchase p;
	struct ledger_rec fee_row;
	struct shift_rec sh;
	struct card_intent cc;
	int64_t lost_id, amount = 0;
	char hex[17], note[64];
	int rc, have_active, booked = 0;

	memset(res, 0, sizeof(*res));
	if ((rc = perm_check(s, PERM_ACCOUNT_OPEN)) || (rc = load(s, account_no, &acc)))
		goto out;
	snprintf(res->account_no, sizeof(res->account_no), "%s", acc->account_no);
	if (strcmp(acc->status, "open")) {
		rc = err_set(-SD_STATE, "account %s is %s", acc->account_no, acc->status);
		goto out;
	}
	if (!io || !io->reader || !io->ring) {
		rc = err_set(-SD_NO_READER, "a replacement card is issued in the reader");
		goto out;
	}
	if (fee < 0) {
		rc = err_set(-SD_MONEY_NEGATIVE, "reissue fee");
		goto out;
	}
	rc = db_card_user_of(s->db, acc->id, &active);
	if (rc && rc != -SD_NOT_FOUND)
		goto out;
	have_active = rc == 0;
	if ((rc = db_card_lost_id(s->db, acc->id, &lost_id))) {
		if (rc == -SD_NOT_FOUND)
			rc = have_active ? err_set(-SD_STATE, "card %s of account %s is still active: "
					   "report the loss first (saledesk card lost %s)",
					   active.serial, acc->account_no, acc->account_no)
				: err_set(-SD_STATE, "account %s has no card reported lost: issue its "
					  "card with saledesk card issue %s", acc->account_no,
					  acc->account_no);
		goto out;
	}
	if ((rc = db_card_get_id(s->db, lost_id, &lost)) || (rc = card_read(io->reader, NULL, 0, &st)))
		goto out;
	card_serial_hex(st.serial, hex);
	/* an active card other than the one in the reader is a card the
	 * customer still has: a replacement needs its loss reported first */
	if (have_active && strcmp(active.serial, hex)) {
		rc = err_set(-SD_STATE, "card %s of account %s is still active: report the loss first "
					"(saledesk card lost %s)", active.serial, acc->account_no,
			     acc->account_no);
		goto out;
	}
	if ((rc = no_pending(s, acc)) || (fee && (rc = shift_current(s, &sh))))
		goto out;
	if ((rc = issue_card(s, io, acc->account_no, CARD_REPLACEMENT, res)))
		goto out;
	if (have_active)
		res->card = 2;
	if ((rc = db_card_get(s->db, res->card_serial, &mine)) ||
	    (rc = lost_purchase(s, acc, &lost, &amount, res)))
		goto out;
	if (amount > 0) {
		/* the lost card's last purchase goes onto the new card with its
		 * own number: a meter that has it credits nothing, one that
		 * has not credits it once (card spec 11.3) */
		card_desk_purchase(acc, (uint32_t)lost.purchase_seq, (uint32_t)amount, clock_now(), &p);
		memset(&cc, 0, sizeof(cc));
		cc.s = s;
		cc.action = "card.carry.pending";
		cc.serial = mine.serial;
		cc.seq = p.seq;
		cc.amount = p.amount;
		rc = card_write_purchase(io->reader, io->ring, mine.key_version, st.serial, &p, NULL,
					 NULL, card_desk_intent, &cc, &before);
		if (rc && before.authenticated && before.has_purchase && before.last.seq >= p.seq)
			rc = 0;  /* carried by an earlier attempt cut short */
		if (rc)
			goto out;
		res->carried_seq = lost.purchase_seq;
		res->carried_amount = amount;
	}
	snprintf(note, sizeof(note), "card reissue %s", mine.serial);
	if (fee) {
		rc = db_ledger_find(s->db, "fee", acc->id, note, &fee_row);
		if (rc && rc != -SD_NOT_FOUND)
			goto out;
		booked = rc == 0;  /* a repeat: the fee was taken */
	}
	if ((rc = db_begin(s->db)))
		goto out;
	if ((rc = db_card_raise_seq(s->db, mine.id, res->carried_seq)) ||
	    (fee && !booked &&
	     (rc = book_locked(s, acc, sh.id, "fee", "fee", fee, NULL, note, res))) ||
	    (rc = audit_log(s, "card.reissue", mine.serial,
			    "account=%s lost=%s carried_seq=%lld carried_amount=%lld fee=%lld%s",
			    acc->account_no, lost.serial, (long long)res->carried_seq,
			    (long long)res->carried_amount, (long long)(booked ? 0 : fee),
			    res->card == 2 ? " (repeat)" : "")) ||
	    (rc = db_commit(s->db))) {
		db_rollback(s->db);
		rc = err_set(rc, "the replacement card %s is issued%s but the database did not record "
				 "the reissue: run the same command again with the card in the reader",
			     mine.serial, res->carried_seq ? " and holds the lost card's purchase" : "");
		goto out;
	}
	print_receipt(s, io, res);
out:
	free(acc);
	return rc;
}

int account_card_needs(const struct session *s, const char *account_no, int *card_meter,
		       int *active_card)
{
	struct account_rec *acc = NULL;
	struct card_rec card;
	int rc;

	*card_meter = *active_card = 0;
	if ((rc = load(s, account_no, &acc)))
		goto out;
	*card_meter = active_meter(acc, "card") != NULL;
	rc = db_card_user_of(s->db, acc->id, &card);
	*active_card = rc == 0;
	rc = rc == -SD_NOT_FOUND ? 0 : rc;
out:
	free(acc);
	return rc;
}
