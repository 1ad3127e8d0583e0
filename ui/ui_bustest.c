/* ui_bustest: the bus test of the diagnostics — per bus and per meter,
 * what the meter-reading service recorded: online or not, polls,
 * timeouts, CRC errors, exceptions and the last error, with the age of
 * the data. The desk never talks Modbus itself (only the service owns
 * the bus), and the service has no "poll now" request, so the screen
 * says how old the counts are and reads them again every few seconds
 * (F5 at once) as the service's cycles come in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "meter_view.h"
#include "ui_int.h"

#define REFRESH_MS 3000
#define BUS_LINES 4

static const char *headers[] = { N_("Bus"), N_(">Unit"), N_("Meter"), N_("Link"),
				 N_(">Polls"), N_(">Timeouts"), N_(">CRC"), N_(">Exc"),
				 N_("Read"), N_("Last error") };

static const struct ui_fkey keys[] = {
	{ 1, 'h', N_("Help") }, { 3, 'm', N_("Meter") }, { 5, 'r', N_("Read again") },
	{ 10, 'q', N_("Quit") }, { 0, 0, NULL }
};

struct bus_sum {
	char name[33];
	int meters, online, never;
	int64_t polls, timeouts, crc, exc;
};

struct bctx {
	struct ui *u;
	struct ui_list l;
	struct bus_sum bus[BUS_LINES + 1];
	int nbus, more_buses;
	int64_t heartbeat, alarms;
	int interval_ms;
};

static int add_row(const struct meter_state_rec *m, void *arg)
{
	struct bctx *c = arg;
	struct bus_sum *b = NULL;
	char unit[8], polls[24], to[24], crc[24], exc[24], rd[32];
	const char *cells[10], *link;
	int i;

	for (i = 0; i < c->nbus; i++)
		if (strcmp(c->bus[i].name, m->bus) == 0)
			b = &c->bus[i];
	if (!b && c->nbus < BUS_LINES) {
		b = &c->bus[c->nbus++];
		memset(b, 0, sizeof(*b));
		snprintf(b->name, sizeof(b->name), "%s", m->bus);
	} else if (!b) {
		c->more_buses = 1;
	}
	link = !m->has_state ? _("never") : m->online ? _("online") : _("offline");
	if (b) {
		b->meters++;
		b->online += m->has_state && m->online;
		b->never += !m->has_state;
		b->polls += m->polls;
		b->timeouts += m->timeouts;
		b->crc += m->crc_errors;
		b->exc += m->exceptions;
	}
	snprintf(unit, sizeof(unit), "%d", m->unit);
	snprintf(polls, sizeof(polls), "%lld", (long long)m->polls);
	snprintf(to, sizeof(to), "%lld", (long long)m->timeouts);
	snprintf(crc, sizeof(crc), "%lld", (long long)m->crc_errors);
	snprintf(exc, sizeof(exc), "%lld", (long long)m->exceptions);
	if (m->read_at) {
		ui_age(clock_now() - m->read_at, rd, sizeof(rd));
	} else {
		snprintf(rd, sizeof(rd), "—");
	}
	cells[0] = m->bus;
	cells[1] = unit;
	cells[2] = m->meter_no;
	cells[3] = link;
	cells[4] = polls;
	cells[5] = to;
	cells[6] = crc;
	cells[7] = exc;
	cells[8] = rd;
	cells[9] = m->last_error[0] ? m->last_error : "—";
	ui_list_add(&c->l, cells);
	return 0;
}

static int load(struct bctx *c)
{
	int rc;

	ui_list_clear(&c->l);
	c->nbus = c->more_buses = 0;
	if ((rc = meter_view_pulse(&c->u->s, &c->heartbeat, &c->interval_ms, &c->alarms)))
		return rc;
	return meter_view_states(&c->u->s, add_row, c);
}

static void draw(struct bctx *c, int top, int bottom)
{
	char line[300], age[32];
	int y = top;

	if (!c->heartbeat) {
		snprintf(line, sizeof(line), "%s",
			 _("The meter-reading service has never stored a cycle: start `saledesk poll`."));
		attrset(ui_attr(UI_C_ERROR));
	} else {
		ui_age(clock_now() - c->heartbeat, age, sizeof(age));
		snprintf(line, sizeof(line),
			 _("As the service recorded them; its last cycle was %s ago (it polls every "
			   "%d s). The desk does not talk to the bus itself."),
			 age, c->interval_ms / 1000);
	}
	y += ui_wrap(line, y, 1, COLS - 2, 1);
	attrset(A_NORMAL);
	for (int i = 0; i < c->nbus && y < bottom; i++) {
		const struct bus_sum *b = &c->bus[i];
		snprintf(line, sizeof(line),
			 _("%s: %d meters, %d online, %d offline; %lld polls, %lld timeouts, "
			   "%lld CRC errors, %lld exceptions"),
			 b->name, b->meters, b->online, b->meters - b->online, (long long)b->polls,
			 (long long)b->timeouts, (long long)b->crc, (long long)b->exc);
		attrset(b->online < b->meters ? ui_attr(UI_C_ERROR) : A_NORMAL);
		ui_put(y++, 1, line, COLS - 2, 0);
		attrset(A_NORMAL);
	}
	if (c->more_buses && y < bottom)
		ui_put(y++, 1, _("(more buses in the list below)"), COLS - 2, 0);
	ui_list_draw(&c->l, y + 1, bottom, _("No meter is wired to a bus: see `saledesk meter wire`."));
}

int ui_bustest(struct ui *u)
{
	struct bctx c;
	int top, bottom, key, rc;

	memset(&c, 0, sizeof(c));
	c.u = u;
	ui_list_init(&c.l, 10, headers);
	ui_push(u, N_("Bus test"));
	if ((rc = load(&c)))
		ui_error(rc, NULL);
	while (!u->quit) {
		ui_frame(u, keys, &top, &bottom);
		draw(&c, top, bottom);
		curs_set(0);
		refresh();
		key = ui_getkey_timeout(REFRESH_MS);
		/* While a "/" search is typed, letters are text, not keys. */
		if (ui_list_searching(&c.l) && key != UI_K_TICK && ui_list_key(&c.l, key, 1))
			continue;
		key = ui_fkeys_map(keys, key);
		if (key == UI_F(10)) {
			u->quit = 1;
			break;
		}
		if (key == UI_ESC)
			break;
		if (ui_list_key(&c.l, key, bottom - top - 4))
			continue;
		if (key == UI_F(1))
			ui_message(_("Help"),
				   _("Per bus and per meter: polls, timeouts, CRC errors and "
				     "exceptions counted by the meter-reading service since the meter "
				     "was wired, its last error and when it last answered. Timeouts "
				     "on every meter of a bus point at the wiring or the converter; "
				     "on one meter, at that meter (address, power, A/B swapped). F5 "
				     "reads the counts again, Enter or F3 opens the meter."));
		else if ((key == UI_F(3) || ui_is_enter(key)) && ui_list_selected(&c.l, 2) &&
			 ui_meter_detail(u, ui_list_selected(&c.l, 2)) < 0)
			break;
		if ((rc = load(&c)) && key != UI_K_TICK)
			ui_error(rc, NULL);
	}
	ui_list_free(&c.l);
	ui_pop(u);
	return u->quit ? -1 : 0;
}
