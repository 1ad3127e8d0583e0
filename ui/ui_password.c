/* ui_password: a new password typed twice — "Change my password" from
 * the menu, and the administrator's reset from the Operators screen.
 * src/operator.c decides who may set whose password and checks the
 * policy; its sentence shows under the field. */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "operator.h"
#include "ui_int.h"

struct one {
	struct ui *u;
	const char *login;
};

static int done_password(void *ctx, struct ui_form *fm)
{
	struct one *o = ctx;
	int rc;

	if (strcmp(fm->fields[0].text, fm->fields[1].text)) {
		snprintf(fm->fields[1].msg, sizeof(fm->fields[1].msg), "%s",
			 _("The two passwords differ; type them again."));
		return -1;
	}
	ui_progress(_("Saving… (hashing the password)"));
	if ((rc = operator_set_password(&o->u->s, o->login, fm->fields[0].text))) {
		char why[512];
		snprintf(fm->fields[0].msg, sizeof(fm->fields[0].msg), "%s",
			 err_text(rc, why, sizeof(why)));
		return -1;
	}
	ui_message(_("Password"), _("The new password is set; a lock-out is cleared."));
	return 0;
}

int ui_new_password(struct ui *u, const char *login, const char *title)
{
	struct ui_field f[2];
	struct ui_form fm = { f, 2, 0, 0 };
	struct one o = { u, login };
	char intro[128];
	int rc;

	memset(f, 0, sizeof(f));
	f[0].label = N_("New password");
	f[1].label = N_("Password again");
	f[0].secret = f[1].secret = 1;
	f[0].width = f[1].width = 40;
	snprintf(intro, sizeof(intro), "%s %s", _("New password for"), login);
	rc = ui_form_run(u, title, intro, &fm, NULL, done_password, &o);
	memset(f, 0, sizeof(f));
	return rc;
}

int ui_password(struct ui *u)
{
	return ui_new_password(u, u->s.login, N_("Change my password")) < 0 ? -1 : 0;
}
