/* ui_account_open: the account opening form — customer, premises, meters
 * with tariff and mode, credit limit, alarm levels and old debt — checked
 * field by field with the domain's own parser (account_form_set, which
 * uses money_parse for amounts) as the cashier leaves each field, then
 * opened in one transaction by account_open. A typo shows its sentence
 * under the field and nothing typed is lost. */
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "err.h"
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
};
#define N_SPECS (int)(sizeof(specs) / sizeof(specs[0]))

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

static int submit(struct ui *u, struct ui_form *fm)
{
	struct account_form form;
	char no[ACCOUNT_NO_MAX + 1], text[256];
	int i, rc;

	account_form_init(&form);
	for (i = 0; i < N_SPECS; i++)
		if (check_field(&fm->fields[i], i) == 0 && fm->fields[i].text[0])
			account_form_set(&form, specs[i].name, fm->fields[i].text);
	if ((i = ui_form_first_error(fm)) >= 0) {
		fm->focus = i;
		return -1;
	}
	if ((rc = account_open(&u->s, &form, no))) {
		ui_error(rc, _("Correct the form and press F2 again; nothing was saved."));
		return -1;
	}
	snprintf(text, sizeof(text), "%s %s. %s", _("Opened account"), no,
		 _("Issue its user card with: saledesk card issue"));
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
