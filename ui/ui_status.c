/* ui_status: the status line above the key bar — who is at the desk, in
 * which role, and the state of the things issues 4, 5 and 7 bring (shift,
 * card reader, meter-reading service, alarms). Until those exist it says
 * so plainly rather than guessing. */
#include <stdio.h>

#include "db_operator.h"
#include "ui_int.h"

void ui_status_draw(const struct ui *u, int y)
{
	char line[512], roles[64];

	if (u->logged_in) {
		role_format(u->s.roles, roles, sizeof(roles));
		snprintf(line, sizeof(line), " %s %s (%s) │ %s │ %s │ %s │ %s",
			 _("Operator"), u->s.login, roles, _("no shift"), _("no reader"),
			 _("no service"), _("alarms —"));
	} else {
		snprintf(line, sizeof(line), " %s │ %s │ %s", _("not logged in"), _("no reader"),
			 _("no service"));
	}
	attrset(ui_attr(UI_C_BAR));
	ui_put(y, 0, line, COLS, 1);
	attrset(A_NORMAL);
}
