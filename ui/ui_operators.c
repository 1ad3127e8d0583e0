/* ui_operators: the administrator's list of operators — add one (password
 * typed twice), change roles, disable or enable, reset a password. Every
 * change goes through src/operator.c, which checks the permission and
 * refuses to leave the desk without an enabled administrator. */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "operator.h"
#include "ui_int.h"

static const char *headers[] = { N_("Login"), N_("Name"), N_("Roles"), N_("State"),
				 N_("Last login") };

static const struct ui_fkey keys[] = {
	{ 1, 'h', N_("Help") }, { 2, 'a', N_("Add") }, { 4, 'r', N_("Roles") },
	{ 5, 'd', N_("Disable/Enable") }, { 6, 'p', N_("Password") }, { 10, 'q', N_("Quit") },
	{ 0, 0, NULL }
};

struct load {
	struct ui *u;
	struct ui_list *l;
};

static int add_row(const struct operator_rec *op, void *ctx)
{
	struct load *ld = ctx;
	char roles[64], last[32];
	const char *cells[5];

	role_format(op->roles, roles, sizeof(roles));
	cells[0] = op->login;
	cells[1] = op->name;
	cells[2] = roles;
	cells[3] = op->disabled ? _("disabled")
		 : op->locked_until > clock_now() ? _("locked") : _("enabled");
	cells[4] = ui_time(ld->u, op->last_login_at, last, sizeof(last));
	ui_list_add(ld->l, cells);
	return 0;
}

static void reload(struct ui *u, struct ui_list *l)
{
	struct load ld = { u, l };
	int rc;

	ui_list_clear(l);
	if ((rc = operator_list(&u->s, add_row, &ld)))
		ui_error(rc, NULL);
}

/* ---- add ---- */

static void check_add(void *ctx, struct ui_form *fm, int i)
{
	struct ui_field *f = fm->fields;
	unsigned roles;
	int rc;

	(void)ctx;
	if (i == 2 && f[2].text[0] && (rc = role_parse(f[2].text, &roles))) {
		char why[256];
		snprintf(f[2].msg, sizeof(f[2].msg), "%s", err_text(rc, why, sizeof(why)));
	}
	if (i == 4 && f[4].text[0] && strcmp(f[3].text, f[4].text))
		snprintf(f[4].msg, sizeof(f[4].msg), "%s", _("The two passwords differ; type them again."));
}

/* Puts "which is wrong" under the field the domain's detail names. */
static void place_error(struct ui_form *fm, int rc, int field)
{
	char why[512];

	snprintf(fm->fields[field].msg, sizeof(fm->fields[field].msg), "%s",
		 err_text(rc, why, sizeof(why)));
}

static int done_add(void *ctx, struct ui_form *fm)
{
	struct ui *u = ctx;
	struct ui_field *f = fm->fields;
	unsigned roles = 0;
	int rc;

	if (!f[0].text[0] || !f[1].text[0]) {
		snprintf(f[f[0].text[0] ? 1 : 0].msg, sizeof(f[0].msg), "%s", _("Required."));
		return -1;
	}
	if ((rc = role_parse(f[2].text, &roles)) || !roles) {
		place_error(fm, rc ? rc : -SD_INVAL, 2);
		return -1;
	}
	if (strcmp(f[3].text, f[4].text)) {
		check_add(NULL, fm, 4);
		return -1;
	}
	ui_progress(_("Saving… (hashing the password)"));
	rc = operator_add(&u->s, f[0].text, f[1].text, roles, f[3].text);
	if (rc == -SD_INVAL && strstr(err_detail(), "password")) {
		place_error(fm, rc, 3);
		return -1;
	}
	if (rc) {
		ui_error(rc, _("Correct the form and press F2 again."));
		return -1;
	}
	return 0;
}

static int add(struct ui *u)
{
	struct ui_field f[5];
	struct ui_form fm = { f, 5, 0, 0 };
	int rc;

	memset(f, 0, sizeof(f));
	f[0].label = N_("Login");
	f[0].hint = N_("letters, digits, . _ -");
	f[1].label = N_("Full name");
	f[2].label = N_("Roles");
	f[2].hint = N_("admin, cashier, technician (comma-separated)");
	ui_field_set(&f[2], "cashier");
	f[3].label = N_("Password");
	f[3].secret = 1;
	f[4].label = N_("Password again");
	f[4].secret = 1;
	for (int i = 0; i < 5; i++)
		f[i].width = 40;
	rc = ui_form_run(u, N_("Add operator"), _("A new operator for this desk."), &fm, check_add,
			 done_add, u);
	memset(f[3].text, 0, sizeof(f[3].text));
	memset(f[4].text, 0, sizeof(f[4].text));
	return rc;
}

/* ---- roles ---- */

struct one {
	struct ui *u;
	const char *login;
};

static int done_roles(void *ctx, struct ui_form *fm)
{
	struct one *o = ctx;
	unsigned roles = 0;
	int rc;

	if ((rc = role_parse(fm->fields[0].text, &roles)) ||
	    (rc = operator_set_roles(&o->u->s, o->login, roles))) {
		place_error(fm, rc, 0);
		return -1;
	}
	return 0;
}

static int roles(struct ui *u, const char *login, const char *current)
{
	struct ui_field f;
	struct ui_form fm = { &f, 1, 0, 0 };
	struct one o = { u, login };
	char intro[128];

	memset(&f, 0, sizeof(f));
	f.label = N_("Roles");
	f.hint = N_("admin, cashier, technician (comma-separated)");
	f.width = 40;
	ui_field_set(&f, current);
	snprintf(intro, sizeof(intro), "%s %s", _("Roles of"), login);
	return ui_form_run(u, N_("Roles"), intro, &fm, NULL, done_roles, &o);
}

/* ---- the list ---- */

static void toggle(struct ui *u, const char *login, const char *state)
{
	int disable = strcmp(state, _("disabled")) != 0, rc;
	char q[256];

	snprintf(q, sizeof(q), disable ? _("Disable %s? They can no longer log in.")
				       : _("Enable %s again?"), login);
	if (!ui_confirm(q))
		return;
	if ((rc = operator_set_disabled(&u->s, login, disable)))
		ui_error(rc, _("Nothing was changed."));
}

int ui_operators(struct ui *u)
{
	struct ui_list l;
	int top, bottom, key;
	char login[OPERATOR_LOGIN_MAX + 1];

	ui_list_init(&l, 5, headers);
	ui_push(u, N_("Operators"));
	reload(u, &l);
	while (!u->quit) {
		ui_frame(u, keys, &top, &bottom);
		ui_list_draw(&l, top, bottom, NULL);
		curs_set(0);
		refresh();
		key = ui_getkey();
		if (ui_list_key(&l, key, bottom - top - 1))
			continue;
		key = ui_fkeys_map(keys, key);
		if (key == UI_F(10)) {
			u->quit = 1;
			break;
		}
		if (key == UI_ESC)
			break;
		if (key == UI_F(1)) {
			ui_message(_("Help"), _("F2 or a: add an operator. F4 or r: change the roles of "
						"the selected one. F5 or d: disable or enable. F6 or p: set "
						"a new password (also clears a lock-out). /: find."));
			continue;
		}
		if (key == UI_F(2)) {
			add(u);
		} else if (ui_list_selected(&l, 0) &&
			   (key == UI_F(4) || key == UI_F(5) || key == UI_F(6))) {
			snprintf(login, sizeof(login), "%s", ui_list_selected(&l, 0));
			if (key == UI_F(4))
				roles(u, login, ui_list_selected(&l, 2));
			else if (key == UI_F(5))
				toggle(u, login, ui_list_selected(&l, 3));
			else
				ui_new_password(u, login, N_("Reset password"));
		} else {
			continue;
		}
		reload(u, &l);
	}
	ui_list_free(&l);
	ui_pop(u);
	return u->quit ? -1 : 0;
}
