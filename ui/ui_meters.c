/* ui_meters: every meter with its account, customer, premises, mode,
 * link, relay, balance and last reading, filtered by building, floor and
 * status (online, offline, tripped, arrears, alarm) and searched as you
 * type; Enter opens the meter's detail. The list is read again every few
 * seconds (ui_getkey_timeout), keeping the bar on the same meter, so it
 * follows the service without a key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "meter_view.h"
#include "money.h"
#include "ui_int.h"

#define REFRESH_MS 5000
/* Rows read at most: past this the list says "more" and asks for a
 * filter. At 10,000 meters a search costs about 25 ms with the limit;
 * reading them all every 5 s would cost several times that. */
#define LIST_MAX 500
#define BUILDINGS_MAX 64

/* At 80 columns the mode column is left out (the detail shows it). */
static const char *headers_wide[] = { N_("Meter"), N_("Account"), N_("Customer"), N_("Place"),
				      N_("Mode"), N_("Link"), N_("Relay"), N_(">Balance"),
				      N_("Read") };
static const char *headers_narrow[] = { N_("Meter"), N_("Account"), N_("Customer"),
					N_("Place"), N_("Link"), N_("Relay"), N_(">Balance"),
					N_("Read") };
#define WIDE_COLS 96

static const struct ui_fkey keys[] = {
	{ 1, 0, N_("Help") }, { 3, 0, N_("Detail") }, { 4, 0, N_("Building") },
	{ 5, 0, N_("Floor") }, { 6, 0, N_("Status") }, { 10, 0, N_("Quit") }, { 0, 0, NULL }
};

/* The words of enum mv_status as a person reads them. */
static const char *const status_words[MV_STATUS_COUNT] = {
	N_("all"), N_("online"), N_("offline"), N_("tripped"), N_("arrears"), N_("alarm")
};

struct mstate {
	struct ui *u;
	struct ui_list l;
	int wide;
	char building[33];
	int has_floor, floor;
	enum mv_status status;
	int count;
};

/* The premises as one short word: building-floor-room. */
static void place_text(const struct mv_meter *m, char *out, size_t len)
{
	if (!m->account_no[0])
		snprintf(out, len, "—");
	else if (m->has_floor)
		snprintf(out, len, "%s%s%d-%s", m->building, m->building[0] ? "-" : "", m->floor,
			 m->room);
	else
		snprintf(out, len, "%s%s%s", m->building, m->building[0] ? "-" : "", m->room);
}

/* The reading time, short: HH:MM within a day, else MM-DD. */
static void read_text(const struct ui *u, int64_t t, char *out, size_t len)
{
	char full[32];

	if (!t) {
		snprintf(out, len, "—");
		return;
	}
	ui_time(u, t, full, sizeof(full));
	if (clock_now() - t < 86400)
		snprintf(out, len, "%.5s", full + 11);
	else
		snprintf(out, len, "%.5s", full + 5);
}

const char *ui_meter_link(const struct mv_meter *m)
{
	if (!m->bus[0])
		return _("unwired");
	if (!m->has_state)
		return _("never");
	return m->online ? _("online") : _("offline");
}

const char *ui_meter_mode(const char *mode)
{
	if (strcmp(mode, "card") == 0)
		return _("card");
	if (strcmp(mode, "remote") == 0)
		return _("remote");
	if (strcmp(mode, "billed") == 0)
		return _("billed");
	return mode;
}

static int add_row(const struct mv_meter *m, void *arg)
{
	struct mstate *ms = arg;
	char place[80], bal[MONEY_BUFSZ], rd[16], relay[48];
	const char *cells[9];
	int n = 0;

	if (++ms->count > LIST_MAX)
		return 0;   /* one past the limit: only to know there are more */
	place_text(m, place, sizeof(place));
	read_text(ms->u, m->read_at, rd, sizeof(rd));
	if (!m->has_reading)
		snprintf(relay, sizeof(relay), "—");
	else
		snprintf(relay, sizeof(relay), "%s%s", m->relay ? P_("relay", "open") : P_("relay", "closed"),
			 m->keep_power ? "+" : "");
	/* A billed meter's own balance means nothing: the desk keeps it. */
	if (!m->has_reading || strcmp(m->mode, "billed") == 0)
		snprintf(bal, sizeof(bal), "—");
	else
		money_format_grouped(m->balance_fen, bal, sizeof(bal));
	cells[n++] = m->meter_no;
	cells[n++] = m->account_no[0] ? m->account_no : "—";
	cells[n++] = m->customer[0] ? m->customer : "—";
	cells[n++] = place;
	if (ms->wide)
		cells[n++] = ui_meter_mode(m->mode);
	cells[n++] = ui_meter_link(m);
	cells[n++] = relay;
	cells[n++] = bal;
	cells[n++] = rd;
	ui_list_add(&ms->l, cells);
	return 0;
}

/* Reads the list again for text and the filters, keeping the bar on the
 * meter it was on. */
static int load(struct mstate *ms, const char *text)
{
	struct mv_filter f = { text, ms->building, ms->has_floor, ms->floor, ms->status,
			       LIST_MAX + 1 };
	char keep[13] = "";
	int wide = COLS >= WIDE_COLS, rc, i;

	if (ui_list_selected(&ms->l, 0))
		snprintf(keep, sizeof(keep), "%s", ui_list_selected(&ms->l, 0));
	if (wide != ms->wide || !ms->l.headers) {
		ui_list_free(&ms->l);
		ui_list_init(&ms->l, wide ? 9 : 8, wide ? headers_wide : headers_narrow);
		ms->wide = wide;
	}
	ui_list_clear(&ms->l);
	ms->count = 0;
	rc = meter_view_list(&ms->u->s, &f, add_row, ms);
	for (i = 0; keep[0] && i < ms->l.nrows; i++)
		if (strcmp(ms->l.cells[i * ms->l.ncols], keep) == 0)
			ms->l.sel = i;
	return rc;
}

static int add_building(const char *b, void *arg)
{
	char (*list)[33] = arg;
	for (int i = 0; i < BUILDINGS_MAX; i++)
		if (!list[i][0]) {
			snprintf(list[i], 33, "%s", b);
			break;
		}
	return 0;
}

/* Moves the building filter to the next building (after the last: all). */
static void next_building(struct mstate *ms)
{
	char list[BUILDINGS_MAX][33];
	int i, rc;

	memset(list, 0, sizeof(list));
	if ((rc = meter_view_buildings(&ms->u->s, add_building, list))) {
		ui_error(rc, NULL);
		return;
	}
	if (!ms->building[0]) {
		snprintf(ms->building, sizeof(ms->building), "%s", list[0]);
		return;
	}
	for (i = 0; i < BUILDINGS_MAX && list[i][0]; i++)
		if (strcmp(list[i], ms->building) == 0)
			break;
	if (i + 1 < BUILDINGS_MAX && i < BUILDINGS_MAX && list[i][0])
		snprintf(ms->building, sizeof(ms->building), "%s", list[i + 1]);
	else
		ms->building[0] = 0;
}

/* Checks the floor field: empty (every floor) or a number -9..199. */
static int floor_done(void *ctx, struct ui_form *fm)
{
	struct mstate *ms = ctx;
	const char *t = fm->fields[0].text;
	char *end;
	long v;

	if (!t[0]) {
		ms->has_floor = 0;
		return 0;
	}
	v = strtol(t, &end, 10);
	if (*end || v < -9 || v > 199) {
		snprintf(fm->fields[0].msg, sizeof(fm->fields[0].msg), "%s",
			 _("A floor is a number from -9 to 199."));
		return -1;
	}
	ms->has_floor = 1;
	ms->floor = (int)v;
	return 0;
}

/* Asks for the floor; empty means every floor. Returns -1 to quit. */
static int ask_floor(struct mstate *ms)
{
	struct ui_field f;
	struct ui_form fm = { &f, 1, 0, 0 };
	int r;

	memset(&f, 0, sizeof(f));
	f.label = N_("Floor");
	f.width = 6;
	if (ms->has_floor) {
		char cur[16];
		snprintf(cur, sizeof(cur), "%d", ms->floor);
		ui_field_set(&f, cur);
	}
	r = ui_form_run(ms->u, N_("Floor"),
			_("Show the meters of one floor; leave it empty for every floor."), &fm,
			NULL, floor_done, ms);
	return r < 0 ? -1 : 0;
}

static void help(void)
{
	ui_message(_("Help"),
		   _("Type part of a meter or account number, a name or a room: the list follows "
		     "as you type. F4 steps through the buildings, F5 asks for a floor, F6 steps "
		     "through the status filters (online, offline, tripped, arrears, alarm). "
		     "Enter or F3 opens the meter. Relay + means keep-power is on. The list is "
		     "read again every 5 seconds."));
}

int ui_meters(struct ui *u)
{
	struct ui_field field;
	struct ui_form fm = { &field, 1, 0, 0 };
	struct mstate ms;
	int top, bottom, key, rc;
	char line[256], fl[16];

	memset(&ms, 0, sizeof(ms));
	memset(&field, 0, sizeof(field));
	ms.u = u;
	field.label = N_("Find");
	field.hint = N_("meter, account, name or room");
	field.width = 30;
	ui_push(u, N_("Meters"));
	if ((rc = load(&ms, "")))
		ui_error(rc, NULL);
	while (!u->quit) {
		ui_frame(u, keys, &top, &bottom);
		ui_form_draw(&fm, top, 1, top);
		if (ms.has_floor)
			snprintf(fl, sizeof(fl), "%d", ms.floor);
		snprintf(line, sizeof(line), "%s %s · %s %s · %s %s", _("Building"),
			 ms.building[0] ? ms.building : _("all"), _("Floor"),
			 ms.has_floor ? fl : _("all"), _("Status"), _(status_words[ms.status]));
		ui_put(top + 1, 2, line, COLS - 3, 0);
		if (ms.count > LIST_MAX)
			snprintf(line, sizeof(line), _("the first %d meters: type or filter to narrow"),
				 LIST_MAX);
		else
			snprintf(line, sizeof(line), ngettext("%d meter", "%d meters",
							      (unsigned long)ms.count), ms.count);
		attrset(A_BOLD);
		ui_put(top + 1, 2 + ui_text_width(line) > COLS ? 0 : COLS - 2 - ui_text_width(line),
		       line, COLS, 0);
		attrset(A_NORMAL);
		ui_list_draw(&ms.l, top + 3, bottom, _("No meter matches the search and filters."));
		ui_form_cursor(&fm, top, 1);
		refresh();
		key = ui_fkeys_map(keys, ui_getkey_timeout(REFRESH_MS));
		if (key == UI_F(10)) {
			u->quit = 1;
			break;
		}
		if (key == UI_ESC)
			break;
		if (key == UI_K_TICK || key == UI_K(KEY_RESIZE) || key == UI_K_CARD) {
			if ((rc = load(&ms, field.text)) && key != UI_K_TICK)
				ui_error(rc, NULL);
			continue;
		}
		if (key == UI_F(1)) {
			help();
			continue;
		}
		if (key == UI_F(4) || key == UI_F(5) || key == UI_F(6)) {
			if (key == UI_F(4))
				next_building(&ms);
			else if (key == UI_F(5) && ask_floor(&ms) < 0)
				break;
			else if (key == UI_F(6))
				ms.status = (enum mv_status)((ms.status + 1) % MV_STATUS_COUNT);
			ms.l.sel = 0;
			if ((rc = load(&ms, field.text)))
				ui_error(rc, NULL);
			continue;
		}
		if (ui_is_enter(key) || key == UI_F(3)) {
			if (!ui_list_selected(&ms.l, 0))
				continue;
			if (ui_meter_detail(u, ui_list_selected(&ms.l, 0)) < 0)
				break;
			load(&ms, field.text);
			continue;
		}
		if (key >= UI_K(0) && ui_list_key(&ms.l, key, bottom - top - 4))
			continue;
		if (ui_form_key(&fm, key) == UI_FORM_EDITED) {
			ms.l.sel = 0;
			ui_list_clear(&ms.l); /* forget the old bar: a new search starts at the top */
			if ((rc = load(&ms, field.text)))
				ui_error(rc, NULL);
		}
	}
	ui_list_free(&ms.l);
	ui_pop(u);
	return u->quit ? -1 : 0;
}
