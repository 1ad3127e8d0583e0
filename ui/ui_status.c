/* ui_status: the status line above the key bar — who is at the desk, in
 * which role, whether their shift is open, and what the card watcher sees
 * in the reader (no reader, pcscd down, no card, the card's account).
 * The meter-reading service and alarms come with issue 7; until then the
 * line says so plainly rather than guessing. */
#include <stdio.h>
#include <string.h>

#include "db_operator.h"
#include "ui_int.h"

/* The reader part of the line, from the watcher's last state. */
static void reader_text(const struct ui *u, char *out, size_t len)
{
	struct ui_card_info ci;
	char padded[32];
	size_t n;

	ui_card_get(u->card, &ci);
	switch (ci.state) {
	case UI_CARD_OFF: snprintf(out, len, "%s", _("no reader")); break;
	case UI_CARD_PCSC_DOWN: snprintf(out, len, "%s", _("pcscd down")); break;
	case UI_CARD_NO_READER: snprintf(out, len, "%s", _("no reader")); break;
	case UI_CARD_NONE: snprintf(out, len, "%s", _("no card")); break;
	case UI_CARD_ERROR: snprintf(out, len, "%s", _("card unreadable")); break;
	case UI_CARD_PRESENT:
		if (ci.user) {
			/* The card drops leading zeros; the desk numbers have 8 digits. */
			n = strlen(ci.account);
			snprintf(padded, sizeof(padded), "%.*s%s", n < 8 ? (int)(8 - n) : 0,
				 "00000000", ci.account);
			snprintf(out, len, "%s %s", _("card: account"), padded);
		} else {
			snprintf(out, len, "%s", ci.blank ? _("card: blank") : ci.tech
				 ? _("card: technician") : _("card: not a user card"));
		}
		break;
	}
}

void ui_status_draw(const struct ui *u, int y)
{
	char line[512], roles[64], reader[96], shift[64];

	reader_text(u, reader, sizeof(reader));
	if (u->logged_in) {
		role_format(u->s.roles, roles, sizeof(roles));
		if (u->shift_id)
			snprintf(shift, sizeof(shift), "%s", _("shift open"));
		else
			snprintf(shift, sizeof(shift), "%s", _("no shift"));
		snprintf(line, sizeof(line), " %s %s (%s) │ %s │ %s │ %s │ %s",
			 _("Operator"), u->s.login, roles, shift, reader,
			 _("no service"), _("alarms —"));
	} else {
		snprintf(line, sizeof(line), " %s │ %s │ %s", _("not logged in"), reader,
			 _("no service"));
	}
	attrset(ui_attr(UI_C_BAR));
	ui_put(y, 0, line, COLS, 1);
	attrset(A_NORMAL);
}
