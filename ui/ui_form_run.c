/* ui_form_run: a form as a whole screen — the frame, an intro line, the
 * fields, F2 to save, Esc to leave, F10 to quit. The small forms of the
 * administration screens (add an operator, roles, a password, a tariff
 * version) all run here so they behave alike. */
#include <string.h>

#include "ui_int.h"

static const struct ui_fkey keys[] = {
	{ 2, 0, N_("Save") }, { 10, 0, N_("Quit") }, { 0, 0, NULL }
};

int ui_form_run(struct ui *u, const char *title, const char *intro, struct ui_form *fm,
		void (*check)(void *ctx, struct ui_form *fm, int i),
		int (*done)(void *ctx, struct ui_form *fm), void *ctx)
{
	int top, bottom, key, rc, before, ret = 0;

	ui_push(u, title);
	for (;;) {
		ui_frame(u, keys, &top, &bottom);
		if (intro)
			ui_put(top, 2, intro, COLS - 4, 0);
		ui_form_draw(fm, top + 2, 2, bottom);
		ui_form_cursor(fm, top + 2, 2);
		refresh();
		key = ui_fkeys_map(keys, ui_getkey());
		if (key == UI_F(10)) {
			u->quit = 1;
			ret = -1;
			break;
		}
		before = fm->focus;
		rc = ui_form_key(fm, key);
		if (rc == UI_FORM_CANCEL)
			break;
		if (rc == UI_FORM_EDITED)
			fm->fields[fm->focus].msg[0] = 0;
		if (check && (fm->focus != before || rc == UI_FORM_SUBMIT ||
			      (rc == UI_FORM_EDITED && fm->fields[before].live)))
			check(ctx, fm, before);
		if (rc == UI_FORM_SUBMIT) {
			if (ui_form_first_error(fm) >= 0) {
				fm->focus = ui_form_first_error(fm);
				continue;
			}
			if (done(ctx, fm) == 0) {
				ret = 1;
				break;
			}
			if (ui_form_first_error(fm) >= 0)
				fm->focus = ui_form_first_error(fm);
		}
	}
	ui_pop(u);
	return ret;
}
