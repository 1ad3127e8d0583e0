/* ui_status: the status line above the key bar — who is at the desk, in
 * which role, whether their shift is open, what the card watcher sees in
 * the reader (no reader, pcscd down, no card, the card's account), how
 * fresh the meter-reading service's last cycle is, and how many alarms
 * are open and unacknowledged. The last two come from one small query
 * (meter_view_pulse) cached for a few seconds, so redrawing on every key
 * costs nothing. */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "db_operator.h"
#include "meter_view.h"
#include "ui_int.h"

/* How long the pulse is reused before it is read again. */
#define PULSE_CACHE_MS 3000
/* The service is called stopped when its last cycle is older than this
 * many poll intervals (and at least STALE_MIN_S). */
#define STALE_INTERVALS 3
#define STALE_MIN_S 60

static struct {
	int64_t read_ms;      /* clock_mono_ms() of the last query, 0 none */
	int ok;               /* the query answered */
	int64_t heartbeat;
	int interval_ms;
	int64_t alarms;
} pulse;

void ui_status_refresh(void)
{
	pulse.read_ms = 0;
}

void ui_age(int64_t s, char *out, size_t len)
{
	if (s < 120)
		snprintf(out, len, _("%lld s"), (long long)s);
	else if (s < 120 * 60)
		snprintf(out, len, _("%lld min"), (long long)(s / 60));
	else if (s < 48 * 3600)
		snprintf(out, len, _("%lld h"), (long long)(s / 3600));
	else
		snprintf(out, len, _("%lld days"), (long long)(s / 86400));
}

/* The service part of the line into out; *bad set when it needs the
 * error colour (stopped, never ran, or unreadable). */
static void service_text(const struct ui *u, char *out, size_t len, int *bad)
{
	int64_t now_ms = clock_mono_ms(), age, stale;
	char a[32];

	*bad = 0;
	if (!pulse.read_ms || now_ms - pulse.read_ms >= PULSE_CACHE_MS) {
		pulse.ok = meter_view_pulse(&u->s, &pulse.heartbeat, &pulse.interval_ms,
					    &pulse.alarms) == 0;
		pulse.read_ms = now_ms ? now_ms : 1;
	}
	if (!pulse.ok) {
		snprintf(out, len, "%s", _("poll ?"));
		*bad = 1;
		return;
	}
	if (!pulse.heartbeat) {
		snprintf(out, len, "%s", _("poll never ran"));
		*bad = 1;
		return;
	}
	age = clock_now() - pulse.heartbeat;
	if (age < 0)
		age = 0;
	stale = (int64_t)pulse.interval_ms * STALE_INTERVALS / 1000;
	if (stale < STALE_MIN_S)
		stale = STALE_MIN_S;
	ui_age(age, a, sizeof(a));
	if (age > stale) {
		snprintf(out, len, _("poll stopped %s"), a);
		*bad = 1;
	} else {
		snprintf(out, len, _("poll %s ago"), a);
	}
}

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
	char line[512], head[400], roles[64], reader[96], shift[64], svc[64], alarms[48];
	int svc_bad = 0, x;

	reader_text(u, reader, sizeof(reader));
	if (!u->logged_in) {
		snprintf(line, sizeof(line), " %s │ %s", _("not logged in"), reader);
		attrset(ui_attr(UI_C_BAR));
		ui_put(y, 0, line, COLS, 1);
		attrset(A_NORMAL);
		return;
	}
	role_format(u->s.roles, roles, sizeof(roles));
	if (u->shift_id)
		snprintf(shift, sizeof(shift), "%s", _("shift open"));
	else
		snprintf(shift, sizeof(shift), "%s", _("no shift"));
	service_text(u, svc, sizeof(svc), &svc_bad);
	if (!pulse.ok)
		snprintf(alarms, sizeof(alarms), "%s", _("alarms ?"));
	else
		snprintf(alarms, sizeof(alarms), ngettext("%lld alarm", "%lld alarms",
							  (unsigned long)pulse.alarms),
			 (long long)pulse.alarms);
	snprintf(head, sizeof(head), " %s %s (%s) │ %s │ %s │ ", _("Operator"), u->s.login, roles,
		 shift, reader);
	/* On a narrow terminal the operator's login alone, so the service
	 * and the alarms, which matter more, stay on the line. */
	if (ui_text_width(head) + ui_text_width(svc) + 3 + ui_text_width(alarms) > COLS)
		snprintf(head, sizeof(head), " %s │ %s │ %s │ ", u->s.login, shift, reader);
	attrset(ui_attr(UI_C_BAR));
	ui_put(y, 0, "", COLS, 1);
	x = ui_put(y, 0, head, COLS, 0);
	/* A stopped service and open alarms stand out in the error colour. */
	if (svc_bad)
		attrset(ui_attr(UI_C_ERROR));
	if (x < COLS)
		x += ui_put(y, x, svc, COLS - x, 0);
	attrset(ui_attr(UI_C_BAR));
	if (x < COLS)
		x += ui_put(y, x, " │ ", COLS - x, 0);
	if (pulse.ok && pulse.alarms > 0)
		attrset(ui_attr(UI_C_ERROR));
	if (x < COLS)
		ui_put(y, x, alarms, COLS - x, 0);
	attrset(A_NORMAL);
}
