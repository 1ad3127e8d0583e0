/* ui_login: the first screen — operator and password (never echoed), the
 * domain's own sentences for a wrong password, a lock-out or a disabled
 * operator, and a progress note while the password hash (about 0.4 s of
 * PBKDF2) is checked. */
#include <string.h>

#include "err.h"
#include "ui_int.h"

static const struct ui_fkey keys[] = {
	{ 2, 0, N_("Log in") }, { 10, 0, N_("Quit") }, { 0, 0, NULL }
};

int ui_login(struct ui *u)
{
	struct ui_field f[2];
	struct ui_form fm = { f, 2, 0, 0 };
	struct db *db = u->db;
	int top, bottom, key, rc;
	char why[512] = "";

	memset(f, 0, sizeof(f));
	f[0].label = N_("Operator");
	f[0].width = 32;
	f[1].label = N_("Password");
	f[1].secret = 1;
	f[1].width = 32;
	u->depth = 0;
	ui_push(u, N_("Log in"));
	for (;;) {
		ui_frame(u, keys, &top, &bottom);
		attron(A_BOLD);
		ui_put(top + 1, 4, _("Prepaid electricity sale desk"), COLS - 8, 0);
		attrset(A_NORMAL);
		ui_put(top + 2, 4, _("Type your operator name and password, then Enter."), COLS - 8, 0);
		ui_form_draw(&fm, top + 4, 4, bottom);
		if (why[0]) {
			/* The domain's sentence in full: lock-outs name the time. */
			attrset(ui_attr(UI_C_ERROR));
			ui_wrap(why, top + 9, 4, COLS - 8, 1);
			attrset(A_NORMAL);
		}
		ui_form_cursor(&fm, top + 4, 4);
		refresh();
		key = ui_fkeys_map(keys, ui_getkey());
		if (key == UI_F(10) || key == UI_CTRL('q') || key == UI_ESC) {
			u->quit = 1;
			ui_pop(u);
			return -1;
		}
		rc = ui_form_key(&fm, key);
		if (rc != UI_FORM_SUBMIT)
			continue;
		if (!f[0].text[0]) {
			snprintf(why, sizeof(why), "%s", _("Type your operator name."));
			fm.focus = 0;
			continue;
		}
		ui_progress(_("Checking password…"));
		rc = session_login(db, f[0].text, f[1].text, &u->s);
		memset(f[1].text, 0, sizeof(f[1].text));
		f[1].cur = 0;
		if (rc == 0) {
			u->logged_in = 1;
			ui_pop(u);
			return 0;
		}
		u->s.db = db;
		err_text(rc, why, sizeof(why));
		fm.focus = 1;
	}
}
