/* ui_account_ops: the special operations on an account, from its detail
 * screen — change of data, ownership transfer (过户), meter replacement
 * (换表) with the balance carried, card loss report (挂失) and reissue
 * (补卡), account close (销户). Each is a small form run by ui_form_run;
 * the domain (src/account_ops.c) does the work, checks the permission,
 * and says when an administrator must approve: the approver logs in at
 * this desk (ui_approver) and the operation runs again with them. Card
 * work goes through ui_with_reader, the watcher paused. */
#include <stdio.h>
#include <string.h>

#include "account_ops.h"
#include "err.h"
#include "money.h"
#include "text.h"
#include "ui_int.h"

struct op {
	struct ui *u;
	const struct account_rec *a;
	int kind;
	struct sale_io io;
	struct session ap;
	int have_ap;
	struct account_op_result res;
	/* what the form gave */
	const char *names[8], *values[8];
	int n, settle;
	int64_t wh, fen;
	const char *old_no, *new_no;
};

enum { OP_CHANGE, OP_TRANSFER, OP_REPLACE, OP_CARRY, OP_LOST, OP_REISSUE, OP_CLOSE, OP_ACTIVATE };

static int run_op(void *p)
{
	struct op *o = p;
	const struct session *s = &o->u->s, *ap = o->have_ap ? &o->ap : NULL;
	const char *no = o->a->account_no;

	switch (o->kind) {
	case OP_CHANGE: return account_change(s, no, o->names, o->values, o->n, &o->res);
	case OP_TRANSFER:
		return account_transfer(s, ap, &o->io, no, o->names, o->values, o->n, o->settle,
					&o->res);
	case OP_REPLACE:
		return account_replace_meter(s, ap, &o->io, no, o->old_no, o->new_no, o->wh, o->fen,
					     &o->res);
	case OP_CARRY: return account_carry(s, &o->io, no, &o->res);
	case OP_LOST: return account_card_lost(s, no, &o->res);
	case OP_REISSUE: return account_card_reissue(s, &o->io, no, o->fen, &o->res);
	case OP_ACTIVATE: return account_activate(s, &o->io, no, o->fen, &o->res);
	default: return account_close(s, ap, &o->io, no, o->fen, &o->res);
	}
}

/* Whether the operation needs the customer's card in the reader. */
static int needs_card(struct op *o)
{
	int card_meter = 0, active = 0;

	if (o->kind == OP_REISSUE)
		return 1;
	if (o->kind != OP_REPLACE && o->kind != OP_CARRY && o->kind != OP_CLOSE &&
	    o->kind != OP_ACTIVATE)
		return 0;
	if (account_card_needs(&o->u->s, o->a->account_no, &card_meter, &active))
		return 0;
	if (o->kind == OP_ACTIVATE)
		return card_meter && !active;
	return o->kind == OP_CLOSE ? active : card_meter && active;
}

/* The cashier's summary of what was done: money, receipt, card, carry,
 * and what is still to do. */
static void result_text(const struct op *o, const char *done, char *out, size_t len)
{
	const struct account_op_result *r = &o->res;
	char a[MONEY_BUFSZ], why[256];
	size_t n;

	snprintf(out, len, "%s", done);
#define ADD(...) (n = strlen(out), snprintf(out + n, len - n, __VA_ARGS__))
	if (r->card_refund)
		ADD(" %s %s.", money_format_grouped(r->card_refund, a, sizeof(a)),
		    _("yuan taken back off the card and refunded"));
	if (r->receipt_no[0]) {
		ADD(" %s %s %s %s.", r->amount > 0 ? _("Taken") : _("Paid back"),
		    money_format_grouped(r->amount > 0 ? r->amount : -r->amount, a, sizeof(a)),
		    _("yuan, receipt"), r->receipt_no);
		if (r->print_rc)
			ADD(" %s: %s.", _("NOT PRINTED"), err_text(r->print_rc, why, sizeof(why)));
	}
	if (r->card == 1)
		ADD(" %s %s.", _("Issued card"), r->card_serial);
	if (r->meter_carry && !strcmp(r->carry_mode, "card") && r->carried_amount)
		ADD(" %s %s %s %s %s %lld.", _("The card now names meter"), r->carry_meter,
		    _("and carries the old meter's"), money_format_grouped(r->carried_amount, a,
									  sizeof(a)),
		    _("yuan as purchase"), (long long)r->carried_seq);
	else if (r->meter_carry && !strcmp(r->carry_mode, "card"))
		ADD(" %s %s.", _("The card now names meter"), r->carry_meter);
	else if (r->meter_carry && r->carried_amount)
		ADD(" %s %s %s %s.", _("Recharge queued:"),
		    money_format_grouped(r->carried_amount, a, sizeof(a)), _("yuan to meter"),
		    r->carry_meter);
	else if (r->carried_seq)
		ADD(" %s %lld %s.", _("The lost card's purchase"), (long long)r->carried_seq,
		    _("is on the new card: the meter credits it once"));
	if (r->note[0])
		ADD(" %s: %s.", _("Still to do"), r->note);
#undef ADD
}

/* Runs the operation (with the card and an approver when needed) and
 * shows its result. Returns 0 done, -1 to stay in the form. */
static int perform(struct op *o, const char *title, const char *done)
{
	struct ui *u = o->u;
	char text[1024];
	int card = needs_card(o), rc, k;

	memset(&o->io, 0, sizeof(o->io));
	o->io.cfg = &u->cfg;
	o->io.zh = !strncmp(u->cfg.locale, "zh", 2);
	if (card) {
		if ((k = ui_keys_need_why(u, _("This operation writes the customer's card: the card "
					       "keys are locked. An administrator types the key-file "
					       "passphrase once for this desk."))) <= 0)
			return k < 0 ? 0 : -1;
		o->io.ring = u->ring;
	}
	for (;;) {
		ui_progress(card ? _("Working with the card…") : _("Saving…"));
		rc = card ? ui_with_reader(u, &o->io, run_op, o) : run_op(o);
		if (rc && !o->have_ap && ui_approver(u, rc, &o->ap)) {
			o->have_ap = 1;
			continue;
		}
		break;
	}
	if (rc) {
		ui_error(rc, rc == -SD_NO_CARD ? _("Insert the customer's card in the reader.")
					       : _("Nothing was changed by this step; correct it and "
						   "press F2 again."));
		return -1;
	}
	result_text(o, done, text, sizeof(text));
	ui_message(_(title), text);
	return 0;
}

/* ---- the forms ---- */

static const char *const data_names[] = { "name", "phone", "id_number", "address",
					  "building", "floor", "room", "area" };
static const char *const data_labels[] = { N_("Customer name"), N_("Phone"), N_("ID number"),
					   N_("Address"), N_("Building"), N_("Floor"), N_("Room"),
					   N_("Area (m²)") };

static int done_change(void *ctx, struct ui_form *fm)
{
	struct op *o = ctx;

	o->n = 0;
	for (int i = 0; i < fm->n; i++) {
		o->names[o->n] = data_names[i];
		o->values[o->n++] = fm->fields[i].text;
	}
	return perform(o, N_("Change data"), _("Saved."));
}

static int done_transfer(void *ctx, struct ui_form *fm)
{
	struct op *o = ctx;

	if (!fm->fields[0].text[0]) {
		snprintf(fm->fields[0].msg, sizeof(fm->fields[0].msg), "%s",
			 _("The new owner's name is required."));
		return -1;
	}
	o->n = 0;
	for (int i = 0; i < 4; i++) {
		if (!fm->fields[i].text[0])
			continue;
		o->names[o->n] = data_names[i];
		o->values[o->n++] = fm->fields[i].text;
	}
	o->settle = fm->fields[4].text[0] == 'y' || fm->fields[4].text[0] == 'Y';
	return perform(o, N_("Transfer"), _("The account has a new owner; its history and "
					     "credit stay with it."));
}

static int done_replace(void *ctx, struct ui_form *fm)
{
	struct op *o = ctx;
	char why[256];
	int rc;

	o->old_no = fm->fields[0].text;
	o->new_no = fm->fields[1].text;
	if ((rc = energy_parse(fm->fields[2].text, MONEY_ALLOW_ZERO, &o->wh))) {
		snprintf(fm->fields[2].msg, sizeof(fm->fields[2].msg), "%s",
			 err_text(rc, why, sizeof(why)));
		return -1;
	}
	o->fen = 0;
	if (fm->fields[3].text[0] &&
	    (rc = money_parse(fm->fields[3].text, MONEY_ALLOW_ZERO, &o->fen))) {
		snprintf(fm->fields[3].msg, sizeof(fm->fields[3].msg), "%s",
			 err_text(rc, why, sizeof(why)));
		return -1;
	}
	return perform(o, N_("Replace meter"), _("The meter is replaced."));
}

static int done_fee(void *ctx, struct ui_form *fm)
{
	struct op *o = ctx;
	char why[256];
	int rc;

	o->fen = 0;
	if (fm->fields[0].text[0] &&
	    (rc = money_parse(fm->fields[0].text, MONEY_ALLOW_ZERO, &o->fen))) {
		snprintf(fm->fields[0].msg, sizeof(fm->fields[0].msg), "%s",
			 err_text(rc, why, sizeof(why)));
		return -1;
	}
	if (o->kind == OP_CLOSE) {
		if (!ui_confirm(_("Close this account for good? Its credit is paid back and its "
				  "card retired.")))
			return -1;
		return perform(o, N_("Close account"), _("The account is closed."));
	}
	if (o->kind == OP_ACTIVATE)
		return perform(o, N_("Open account"), _("The account is open."));
	return perform(o, N_("Reissue card"), _("Done."));
}

static const struct ui_menu_item menu[] = {
	{ 'c', N_("Change customer data or premises") },
	{ 't', N_("Transfer to a new owner (过户)") },
	{ 'm', N_("Replace a meter (换表)") },
	{ 'b', N_("Carry a replaced meter's balance to the new meter") },
	{ 'l', N_("Report the card lost (挂失)") },
	{ 'r', N_("Reissue a lost card (补卡)") },
	{ 'x', N_("Close the account (销户)") },
	{ 'i', N_("Open a pre-registered account, or issue a new account's card") },
};
#define N_MENU (int)(sizeof(menu) / sizeof(menu[0]))

static void fill(struct ui_field *f, const char *label, const char *text, const char *hint)
{
	f->label = label;
	f->hint = hint;
	f->width = 40;
	text_copy(f->text, sizeof(f->text), text);
	f->cur = (int)strlen(f->text);
}

/* Runs special operation kind on account a; returns 1 when something
 * changed (the caller reloads), -1 to quit the program. */
static int run_kind(struct ui *u, const struct account_rec *a, int kind)
{
	struct ui_field f[8];
	struct ui_form fm = { f, 0, 0, 0 };
	struct op o;
	char buf[64];
	int r = 0;

	memset(f, 0, sizeof(f));
	memset(&o, 0, sizeof(o));
	o.u = u;
	o.a = a;
	o.kind = kind;
	switch (kind) {
	case OP_CHANGE:
		fill(&f[0], data_labels[0], a->customer.name, NULL);
		fill(&f[1], data_labels[1], a->customer.phone, NULL);
		fill(&f[2], data_labels[2], a->customer.id_number, NULL);
		fill(&f[3], data_labels[3], a->customer.address, NULL);
		fill(&f[4], data_labels[4], a->building, NULL);
		if (a->has_floor)
			snprintf(buf, sizeof(buf), "%d", a->floor);
		else
			buf[0] = 0;
		fill(&f[5], data_labels[5], buf, NULL);
		fill(&f[6], data_labels[6], a->room, NULL);
		snprintf(buf, sizeof(buf), "%lld.%02lld", (long long)(a->area_dm2 / 100),
			 (long long)(a->area_dm2 % 100));
		fill(&f[7], data_labels[7], buf, NULL);
		fm.n = 8;
		r = ui_form_run(u, N_("Change data"), _("Change what is wrong; each change is "
							"audited old -> new."), &fm, NULL,
				done_change, &o);
		break;
	case OP_TRANSFER:
		fill(&f[0], N_("New owner's name"), "", N_("required"));
		fill(&f[1], data_labels[1], "", NULL);
		fill(&f[2], data_labels[2], "", NULL);
		fill(&f[3], data_labels[3], "", NULL);
		fill(&f[4], N_("Refund desk balance"), "n",
		     N_("y: pay a desk-billed balance back to the old owner first"));
		fm.n = 5;
		r = ui_form_run(u, N_("Transfer"), _("The premises, meters, history and credit go to "
						     "the new owner. An administrator approves."),
				&fm, NULL, done_transfer, &o);
		break;
	case OP_REPLACE:
		for (int i = 0; i < a->n_meters; i++)
			if (!strcmp(a->meters[i].status, "active")) {
				fill(&f[0], N_("Old meter"), a->meters[i].meter_no, NULL);
				break;
			}
		if (!f[0].label)
			fill(&f[0], N_("Old meter"), "", NULL);
		fill(&f[1], N_("New meter"), "", N_("its number"));
		fill(&f[2], N_("Final reading (kWh)"), "", N_("the old meter's last reading"));
		fill(&f[3], N_("Balance left (yuan)"), "", N_("what the old meter still held"));
		fm.n = 4;
		r = ui_form_run(u, N_("Replace meter"),
				_("The balance goes to the new meter: a card meter's card must be in "
				  "the reader. An administrator approves."), &fm, NULL,
				done_replace, &o);
		break;
	case OP_REISSUE:
	case OP_CLOSE:
	case OP_ACTIVATE:
		fill(&f[0], kind == OP_CLOSE ? N_("Meter balance (yuan)")
			    : kind == OP_ACTIVATE ? N_("Opening fee (yuan)") : N_("Reissue fee (yuan)"),
		     "", kind == OP_CLOSE ? N_("credit the meter still holds, paid back")
					  : N_("0: none"));
		fm.n = 1;
		r = ui_form_run(u, kind == OP_CLOSE ? N_("Close account")
				: kind == OP_ACTIVATE ? N_("Open account") : N_("Reissue card"),
				kind == OP_CLOSE ? _("Credit is paid back, the card retired and the "
						     "meters removed. The card must be in the reader.")
				: kind == OP_ACTIVATE ? _("A card meter's card is issued: put a blank "
							  "card in the reader.")
						 : _("Put a blank card in the reader. It continues the "
						     "lost card's purchase count."),
				&fm, NULL, done_fee, &o);
		break;
	default: /* carry, lost: nothing to type */
		if (kind == OP_LOST && !ui_confirm(_("Report this account's card lost? The desk "
						     "refuses it from now on.")))
			return 0;
		r = perform(&o, kind == OP_LOST ? N_("Report card lost") : N_("Carry balance"),
			    kind == OP_LOST ? _("The card is reported lost; reissue it from this "
						"menu.")
					    : _("Done.")) == 0;
	}
	explicit_bzero(&o.ap, sizeof(o.ap));
	return r < 0 ? -1 : r;
}

/* The account on the top line: its number, then its customer. */
static void ops_head(int top, const void *ctx)
{
	const struct account_rec *a = ctx;

	ui_put(top, 2, a->account_no, 12, 0);
	ui_put(top, 15, a->customer.name, COLS - 17, 0);
}

static int ops_run(struct ui *u, int i, char *out, size_t len, const void *ctx)
{
	(void)out;
	(void)len;
	/* > 0: something changed, back to the account to reload it */
	return run_kind(u, ctx, i);
}

int ui_account_ops(struct ui *u, const struct account_rec *a)
{
	static const struct ui_fkey keys[] = { { 10, 0, N_("Quit") }, { 0, 0, NULL } };
	struct ui_menu_screen m = {
		.title = N_("Special operations"), .keys = keys, .head = ops_head,
		.items = menu, .n = N_MENU, .x = 2, .run = ops_run, .ctx = a,
	};

	return ui_menu_run(u, &m) > 0;
}
