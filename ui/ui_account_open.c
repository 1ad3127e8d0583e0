/* ui_account_open: the account opening form — customer, premises, meters
 * with tariff and mode, credit limit, alarm levels and old debt — checked
 * field by field with the domain's own parser (account_form_set, which
 * uses money_parse for amounts) as the cashier leaves each field, then
 * opened in one transaction by account_open. A typo shows its sentence
 * under the field and nothing typed is lost. */
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "account_ops.h"
#include "err.h"
#include "money.h"
#include "tariffs.h"
#include "ui_int.h"

struct spec {
	const char *name;   /* account_form_set() field */
	const char *label;  /* N_() */
	const char *hint;   /* N_() or NULL */
};

static const struct spec specs[] = {
	{ "name", N_("Customer name"), N_("required") },
	{ "phone", N_("Phone"), NULL },
	{ "id_number", N_("ID number"), NULL },
	{ "address", N_("Address"), NULL },
	{ "building", N_("Building"), NULL },
	{ "floor", N_("Floor"), NULL },
	{ "room", N_("Room"), NULL },
	{ "area", N_("Area (m²)"), NULL },
	{ "meters", N_("Meters"), N_("NUMBER[:TARIFF[:MODE[:PHASES]]]; several: a;b") },
	{ "tariff", N_("Tariff"), NULL },
	{ "mode", N_("Meter mode"), N_("card, remote or billed") },
	{ "credit_limit", N_("Credit limit (yuan)"), N_("0") },
	{ "alarm1", N_("Alarm 1 (yuan)"), N_("default") },
	{ "alarm2", N_("Alarm 2 (yuan)"), N_("default") },
	{ "alarm3", N_("Alarm 3 (yuan)"), N_("default") },
	{ "debt", N_("Old debt (yuan)"), N_("0") },
	{ "debt_mode", N_("Debt repayment"), N_("none, share or fixed") },
	{ "debt_share", N_("Debt share (%)"), NULL },
	{ "debt_fixed", N_("Debt per purchase"), NULL },
	{ "account_no", N_("Account number"), N_("blank: the next free number") },
	/* not account_form_set() fields: the opening's own */
	{ "fee", N_("Opening fee (yuan)"), N_("0: none; a receipt in your shift") },
	{ "card", N_("Issue the card now"), N_("y: a blank card in the reader; empty: later") },
};
#define N_SPECS (int)(sizeof(specs) / sizeof(specs[0]))
#define F_FEE (N_SPECS - 2)
#define F_CARD (N_SPECS - 1)

static const struct ui_fkey keys[] = {
	{ 1, 0, N_("Help") }, { 2, 0, N_("Open account") }, { 10, 0, N_("Quit") }, { 0, 0, NULL }
};

/* Checks field i alone on a scratch form; the reason goes under it. */
static int check_field(struct ui_field *f, int i)
{
	struct account_form scratch;
	char why[512];
	int rc;

	f->msg[0] = 0;
	if (!f->text[0])
		return 0;
	if (i == F_FEE) {
		int64_t fee;
		if ((rc = money_parse(f->text, MONEY_ALLOW_ZERO, &fee)))
			snprintf(f->msg, sizeof(f->msg), "%s", err_text(rc, why, sizeof(why)));
		return rc;
	}
	if (i == F_CARD) {
		if (strcmp(f->text, "y") && strcmp(f->text, "n")) {
			snprintf(f->msg, sizeof(f->msg), "%s", _("y or n"));
			return -SD_INVAL;
		}
		return 0;
	}
	account_form_init(&scratch);
	/* The field is named on the screen already: show the domain's
	 * sentence (money_parse's for amounts), or for a generic "invalid"
	 * the detail that says what is wanted. */
	if ((rc = account_form_set(&scratch, specs[i].name, f->text)))
		snprintf(f->msg, sizeof(f->msg), "%s",
			 rc == -SD_INVAL || rc == -SD_NOT_FOUND ? err_text(rc, why, sizeof(why))
								 : err_str(rc));
	return rc;
}

/* Tariff codes for the hint of the tariff field: "RES, TOU". */
static int add_code(const struct tariff_row *t, void *ctx)
{
	char *s = ctx;
	size_t n = strlen(s);

	if (n + strlen(t->code) + 3 < 120)
		snprintf(s + n, 120 - n, "%s%s", n ? ", " : "", t->code);
	return 0;
}

struct opening {
	struct ui *u;
	struct sale_io io;
	struct account_form *form;
	unsigned flags;
	int64_t fee;
	struct account_op_result res;
};

static int do_open(void *p)
{
	struct opening *o = p;

	return account_open_with(&o->u->s, &o->io, o->form, o->flags, o->fee, &o->res);
}

/* Whether any meter of the form is a card meter: its card is issued. */
static int has_card_meter(const struct account_form *f)
{
	for (int i = 0; i < f->n_meters; i++)
		if (!strcmp(f->meters[i].mode[0] ? f->meters[i].mode : f->mode, "card"))
			return 1;
	return 0;
}

static int submit(struct ui *u, struct ui_form *fm)
{
	struct account_form form;
	struct opening o;
	char text[700], a[MONEY_BUFSZ];
	int i, rc, k;

	account_form_init(&form);
	for (i = 0; i < F_FEE; i++)
		if (check_field(&fm->fields[i], i) == 0 && fm->fields[i].text[0])
			account_form_set(&form, specs[i].name, fm->fields[i].text);
	check_field(&fm->fields[F_FEE], F_FEE);
	check_field(&fm->fields[F_CARD], F_CARD);
	if ((i = ui_form_first_error(fm)) >= 0) {
		fm->focus = i;
		return -1;
	}
	memset(&o, 0, sizeof(o));
	o.u = u;
	o.form = &form;
	o.io.cfg = &u->cfg;
	o.io.zh = !strncmp(u->cfg.locale, "zh", 2);
	if (fm->fields[F_FEE].text[0])
		money_parse(fm->fields[F_FEE].text, MONEY_ALLOW_ZERO, &o.fee);
	if (has_card_meter(&form) && !strcmp(fm->fields[F_CARD].text, "y"))
		o.flags = ACCOUNT_ISSUE_CARD;
	if (o.flags) {
		if ((k = ui_keys_need_why(u, _("Issuing the card writes it: the card keys are "
					       "locked. An administrator types the key-file "
					       "passphrase once for this desk."))) <= 0)
			return k < 0 ? 0 : -1;
		o.io.ring = u->ring;
		ui_progress(_("Opening the account and issuing its card…"));
		rc = ui_with_reader(u, &o.io, do_open, &o);
	} else {
		ui_progress(_("Opening the account…"));
		rc = do_open(&o);
	}
	if (rc && o.res.account_no[0]) {
		/* the account is open; only its card is missing */
		ui_error(rc, _("Put a blank card in the reader, then issue it from the account: "
			       "Find account, F2 Operations, i."));
		return 0;
	}
	if (rc) {
		ui_error(rc, rc == -SD_NO_CARD ? _("Put a blank card in the reader and press F2 again; "
						   "nothing was saved.")
					       : _("Correct the form and press F2 again; nothing was "
						   "saved."));
		return -1;
	}
	snprintf(text, sizeof(text), "%s %s.", _("Opened account"), o.res.account_no);
	if (o.res.card == 1)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), " %s %s.",
			 _("Issued card"), o.res.card_serial);
	else if (has_card_meter(&form))
		snprintf(text + strlen(text), sizeof(text) - strlen(text), " %s",
			 _("Issue its card from the account: Find account, F2 Operations, i."));
	if (o.res.receipt_no[0])
		snprintf(text + strlen(text), sizeof(text) - strlen(text), " %s %s %s %s%s",
			 _("Opening fee"), money_format_grouped(o.res.amount, a, sizeof(a)),
			 _("yuan, receipt"), o.res.receipt_no,
			 o.res.print_rc ? _(" (NOT PRINTED: reprint from Receipts)") : ".");
	ui_message(_("Account opened"), text);
	return 0;
}

int ui_account_open(struct ui *u)
{
	struct ui_field f[N_SPECS];
	struct ui_form fm = { f, N_SPECS, 0, 0 };
	static char codes[120];
	int top, bottom, key, rc, before, i;

	memset(f, 0, sizeof(f));
	codes[0] = 0;
	tariffs_list(&u->s, add_code, codes);
	for (i = 0; i < N_SPECS; i++) {
		f[i].label = specs[i].label;
		f[i].hint = specs[i].hint;
		f[i].width = 44;
	}
	f[9].hint = codes[0] ? codes : NULL;
	ui_push(u, N_("Open new account"));
	while (!u->quit) {
		ui_frame(u, keys, &top, &bottom);
		ui_form_draw(&fm, top, 2, bottom);
		ui_form_cursor(&fm, top, 2);
		refresh();
		key = ui_fkeys_map(keys, ui_getkey());
		if (key == UI_F(10)) {
			u->quit = 1;
			break;
		}
		if (key == UI_F(1)) {
			ui_message(_("Help"), _("Fill in the customer, the premises and at least one "
						"meter with its tariff. Tab, Enter or Down: next field; Up: "
						"previous; F2: open the account; Esc: leave without saving. "
						"Amounts are in yuan, like 50 or 12.30."));
			continue;
		}
		before = fm.focus;
		rc = ui_form_key(&fm, key);
		if (rc == UI_FORM_CANCEL) {
			/* Ask only when leaving would lose something typed. */
			for (i = 0; i < N_SPECS && !f[i].text[0]; i++)
				;
			if (i == N_SPECS ||
			    ui_confirm(_("Leave the form? What you typed is not saved.")))
				break;
			continue;
		}
		if (rc == UI_FORM_EDITED)
			f[fm.focus].msg[0] = 0;
		if (fm.focus != before || rc == UI_FORM_SUBMIT)
			check_field(&f[before], before);
		if (rc == UI_FORM_SUBMIT && submit(u, &fm) == 0)
			break;
	}
	ui_pop(u);
	return u->quit ? -1 : 0;
}
