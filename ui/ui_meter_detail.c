/* ui_meter_detail: one meter as the service last read it — energy and
 * TOU registers, voltage, current, power, PF, frequency, balance, relay
 * and its reason, purchase count, clock, the poll counters and how fresh
 * all that is — with a sparkline of recent power and of daily energy, its
 * open alarms and its commands with their state. F4..F7 queue relay
 * commands (after a confirmation naming the meter and customer) through
 * the domain (meter_relay); the screen re-reads everything every two
 * seconds without blocking a key, so a command is seen going from queued
 * to sent to done or failed as the service works on it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "meter.h"
#include "meter_ctl.h"
#include "meter_view.h"
#include "money.h"
#include "ui_int.h"

#define REFRESH_MS 2000
#define SPARK_MAX 96

static const char *cmd_headers[] = { N_(">No."), N_("Command"), N_("State"), N_(">Tries"),
				     N_("Updated"), N_("Reason") };

static const struct ui_fkey keys[] = {
	{ 1, 'h', N_("Help") }, { 4, 'o', N_("Open relay") }, { 5, 'c', N_("Close relay") },
	{ 6, 'k', N_("Keep on") }, { 7, 'x', N_("Keep off") }, { 10, 'q', N_("Quit") },
	{ 0, 0, NULL }
};

/* The relay reasons of docs/meter-map.md (register 0x001A). */
static const char *const reasons[] = {
	N_("none"), N_("opened remotely"), N_("balance used up"), N_("credit limit used up"),
	N_("power limit"), N_("malignant load"),
};

struct detail {
	struct ui *u;
	char meter_no[13];
	struct meter_view v;
	struct mv_point hist[SPARK_MAX], daily[SPARK_MAX];
	int nhist, ndaily;
	char alarms[4][400];
	int nalarms;
	struct ui_list cmds;
	char note[256];        /* what the last action did */
	int note_bad;
};

/* A command kind as the desk names it. */
static const char *kind_text(const char *kind)
{
	static const struct { const char *kind, *text; } k[] = {
		{ "relay_open", N_("open relay") }, { "relay_close", N_("close relay") },
		{ "keep_on", N_("keep power on") }, { "keep_off", N_("keep power off") },
		{ "recharge", N_("recharge") }, { "prices", N_("prices") }, { "tou", N_("TOU") },
		{ "alarm_levels", N_("alarm levels") }, { "credit_limit", N_("credit limit") },
		{ "clock_sync", N_("clock sync") },
	};
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (strcmp(kind, k[i].kind) == 0)
			return _(k[i].text);
	return kind;
}

/* A command state as a person reads it. */
static const char *state_text(const char *st)
{
	if (strcmp(st, "queued") == 0)
		return _("queued");
	if (strcmp(st, "sent") == 0)
		return _("sent");
	if (strcmp(st, "done") == 0)
		return _("done");
	if (strcmp(st, "failed") == 0)
		return _("failed");
	return st;
}

static int add_cmd(const struct meter_cmd *c, void *arg)
{
	struct detail *d = arg;
	char no[24], tries[16], upd[32];
	const char *cells[6];

	snprintf(no, sizeof(no), "%lld", (long long)c->id);
	snprintf(tries, sizeof(tries), "%d", c->tries);
	ui_time(d->u, c->updated_at, upd, sizeof(upd));
	cells[0] = no;
	cells[1] = kind_text(c->kind);
	cells[2] = state_text(c->state);
	cells[3] = tries;
	cells[4] = upd + 5;   /* MM-DD HH:MM */
	cells[5] = c->reason;
	ui_list_add(&d->cmds, cells);
	return 0;
}

static int add_alarm(const struct mv_alarm *a, void *arg)
{
	struct detail *d = arg;
	char t[32];

	if (d->nalarms >= 4)
		return 0;
	ui_time(d->u, a->raised_at, t, sizeof(t));
	snprintf(d->alarms[d->nalarms++], sizeof(d->alarms[0]), "%s %s %s%s%s%s", ui_alarm_kind(a->kind),
		 _("since"), t + 5, a->detail[0] ? " (" : "", a->detail, a->detail[0] ? ")" : "");
	return 0;
}

/* Reads everything the screen shows again. */
static int load(struct detail *d)
{
	int rc, sel = d->cmds.sel;

	if ((rc = meter_view_get(&d->u->s, d->meter_no, &d->v)))
		return rc;
	d->nalarms = 0;
	ui_list_clear(&d->cmds);
	if ((rc = meter_view_history(&d->u->s, d->v.m.meter_id, d->hist, SPARK_MAX, &d->nhist)) ||
	    (rc = meter_view_daily(&d->u->s, d->v.m.meter_id, d->daily, SPARK_MAX, &d->ndaily)) ||
	    (rc = meter_view_alarms(&d->u->s, d->meter_no, 0, add_alarm, d)) ||
	    (rc = meter_view_commands(&d->u->s, d->meter_no, 20, add_cmd, d)))
		return rc;
	d->cmds.sel = sel;
	return 0;
}

/* The sparkline of the last points (at most width) at (y, x). */
static void spark(int y, int x, int width, const struct mv_point *p, int n)
{
	int64_t v[SPARK_MAX];

	for (int i = 0; i < n && i < SPARK_MAX; i++)
		v[i] = p[i].value;
	ui_spark(y, x, width, v, n < SPARK_MAX ? n : SPARK_MAX);
}

/* Bold label, then value; returns the column after it. */
static int kv(int y, int x, const char *label, const char *value)
{
	if (x >= COLS)
		return x;
	attrset(A_BOLD);
	x += ui_put(y, x, label, COLS - x, 0);
	attrset(A_NORMAL);
	if (x < COLS - 1)
		x += 1 + ui_put(y, x + 1, value, COLS - x - 1, 0);
	return x + 2;
}

static void fixed(int64_t v, int dec, char *buf, size_t len)
{
	int64_t p = dec == 3 ? 1000 : dec == 2 ? 100 : 10;
	snprintf(buf, len, "%s%lld.%0*lld", v < 0 ? "-" : "", (long long)(v < 0 ? -v : v) / p,
		 dec, (long long)((v < 0 ? -v : v) % p));
}

/* "11-24 10:00" for a read time, or "never". */
static void read_time(struct detail *d, int64_t at, char *buf, size_t len)
{
	char t[32];

	ui_time(d->u, at, t, sizeof(t));
	snprintf(buf, len, "%s", at ? t + 5 : _("never"));
}

/* The device info the service read at commissioning and the parameters
 * the meter holds, as last read; returns the next line. */
static int draw_params(struct detail *d, int y)
{
	const struct meter_params_rec *pr = &d->v.pr;
	const struct meter_info *in = &pr->info;
	char a[400], t[32], v[METER_PARAM_KINDS][160];
	int x, k;

	if (!pr->info_at) {
		kv(y++, 1, _("Device"), _("not read yet (the service reads it at commissioning)"));
	} else {
		read_time(d, pr->info_at, t, sizeof(t));
		snprintf(a, sizeof(a), _("%s-phase, map %d.%d, firmware %d.%02d, key version %02X"),
			 in->type == 3 ? _("three") : in->type == 1 ? _("single") : "?",
			 in->map_version >> 8, in->map_version & 0xFF, in->firmware >> 8,
			 in->firmware & 0xFF, (unsigned)in->key_version);
		x = kv(y, 1, _("Device"), a);
		if (strcmp(in->number, d->v.m.meter_no) != 0) {
			/* The alarm says it too; here it is where the eye is. */
			attrset(ui_attr(UI_C_ERROR));
			snprintf(a, sizeof(a), _("answers as meter %s"), in->number);
			x = kv(y, x, "", a);
			attrset(A_NORMAL);
		}
		kv(y++, x, _("read"), t);
	}
	if (!pr->params_at) {
		kv(y++, 1, P_("meter", "Settings"),
		   _("not read yet (the service reads them once a day)"));
		return y;
	}
	for (k = 0; k < METER_PARAM_KINDS; k++)
		meter_params_describe(&pr->p, meter_param_kinds[k], v[k], sizeof(v[k]));
	read_time(d, pr->params_at, t, sizeof(t));
	snprintf(a, sizeof(a), _("alarms %s, credit %s"), v[0], v[1]);
	x = kv(y, 1, P_("meter", "Settings"), a);
	kv(y++, x, _("read"), t);
	x = kv(y, 1, _("Prices"), v[2]);
	kv(y++, x, _("TOU"), v[3]);
	return y;
}

static void draw(struct detail *d, int top, int bottom)
{
	const struct mv_meter *m = &d->v.m;
	const struct meter_state_rec *st = &d->v.st;
	const struct poll_reading *r = &st->r;
	char a[320], b[64], c[64], e[5][MONEY_BUFSZ];
	int y = top, x;
	int64_t hi;

	/* Who and where. */
	snprintf(a, sizeof(a), "%s", m->meter_no);
	x = kv(y, 1, _("Meter"), a);
	if (m->account_no[0]) {
		snprintf(a, sizeof(a), "%s %s", m->account_no, m->customer);
		x = kv(y, x, _("Account"), a);
		if (m->has_floor)
			snprintf(a, sizeof(a), "%s-%d-%s", m->building, m->floor, m->room);
		else
			snprintf(a, sizeof(a), "%s-%s", m->building, m->room);
		x = kv(y, x, _("Place"), a);
	} else {
		x = kv(y, x, _("Account"), _("none"));
	}
	x = kv(y, x, _("Mode"), ui_meter_mode(m->mode));
	y++;
	/* The link, how fresh the reading is, and the poll counters. */
	if (d->v.wired)
		snprintf(a, sizeof(a), "%s %s %d", m->bus, _("unit"), st->unit);
	else
		snprintf(a, sizeof(a), "%s", _("not wired to a bus: the service does not read it"));
	x = kv(y, 1, _("Bus"), a);
	if (d->v.wired) {
		attrset(m->online ? ui_attr(UI_C_OK) : ui_attr(UI_C_ERROR));
		x += ui_put(y, x, ui_meter_link(m), COLS - x, 0) + 2;
		attrset(A_NORMAL);
		if (st->has_reading) {
			ui_age(clock_now() - st->read_at, c, sizeof(c));
			ui_time(d->u, st->read_at, b, sizeof(b));
			snprintf(a, sizeof(a), _("%s (%s ago)"), b + 11, c);
		} else {
			snprintf(a, sizeof(a), "%s", _("never"));
		}
		kv(y, x, _("read"), a);
	}
	y++;
	if (d->v.wired) {
		snprintf(a, sizeof(a), _("%lld, timeouts %lld, CRC errors %lld, exceptions %lld"),
			 (long long)st->polls, (long long)st->timeouts, (long long)st->crc_errors,
			 (long long)st->exceptions);
		x = kv(y, 1, _("Polls"), a);
		kv(y, x, _("Last error"), st->last_error[0] ? st->last_error : "—");
		y++;
		y = draw_params(d, y);
	}
	if (d->v.wired && st->has_reading) {
		energy_format(r->energy_wh, e[0], sizeof(e[0]));
		snprintf(a, sizeof(a), "%s kWh", e[0]);
		x = kv(y, 1, _("Energy"), a);
		energy_format(r->sharp_wh, e[1], sizeof(e[1]));
		energy_format(r->peak_wh, e[2], sizeof(e[2]));
		energy_format(r->flat_wh, e[3], sizeof(e[3]));
		energy_format(r->valley_wh, e[4], sizeof(e[4]));
		snprintf(a, sizeof(a), "%s / %s / %s / %s", e[1], e[2], e[3], e[4]);
		kv(y++, x, _("Sharp/peak/flat/valley"), a);
		fixed(r->voltage_dv, 1, b, sizeof(b));
		snprintf(a, sizeof(a), "%s V", b);
		x = kv(y, 1, _("Voltage"), a);
		fixed(r->current_ca, 2, b, sizeof(b));
		snprintf(a, sizeof(a), "%s A", b);
		x = kv(y, x, _("Current"), a);
		snprintf(a, sizeof(a), "%lld W", (long long)r->power_w);
		x = kv(y, x, _("Power"), a);
		fixed(r->pf_milli, 3, a, sizeof(a));
		x = kv(y, x, _("PF"), a);
		fixed(r->freq_chz, 2, b, sizeof(b));
		snprintf(a, sizeof(a), "%s Hz", b);
		kv(y++, x, _("Freq"), a);
		if (strcmp(m->mode, "billed") == 0)
			snprintf(a, sizeof(a), "%s", _("kept by the desk"));
		else
			money_format_grouped(r->balance_fen, a, sizeof(a));
		x = kv(y, 1, _("Balance"), a);
		snprintf(a, sizeof(a), "%lld", (long long)r->purchase_count);
		x = kv(y, x, _("Purchases"), a);
		ui_time(d->u, r->meter_clock, a, sizeof(a));
		kv(y++, x, _("Meter clock"), a);
		snprintf(a, sizeof(a), "%s (%s)", r->relay ? P_("relay", "open") : P_("relay", "closed"),
			 (unsigned)r->relay_reason < sizeof(reasons) / sizeof(reasons[0])
				 ? _(reasons[r->relay_reason]) : "?");
		if (r->relay)
			attrset(ui_attr(UI_C_ERROR));
		x = kv(y, 1, _("Relay"), a);
		attrset(A_NORMAL);
		kv(y++, x, _("Keep power"), r->keep_power ? _("on") : _("off"));
	}
	/* History: power over the last readings, energy per day. */
	if (d->nhist > 0 && y <= bottom) {
		int w = COLS - 40 < SPARK_MAX ? COLS - 40 : SPARK_MAX;
		int n = d->nhist < w ? d->nhist : w;
		hi = 0;
		for (int i = d->nhist - n; i < d->nhist; i++)
			if (d->hist[i].value > hi)
				hi = d->hist[i].value;
		attrset(A_BOLD);
		ui_put(y, 1, _("Power"), 12, 0);
		attrset(A_NORMAL);
		spark(y, 14, w, d->hist, d->nhist);
		snprintf(a, sizeof(a), ngettext("%d reading, max %lld W", "%d readings, max %lld W",
						(unsigned long)n), n, (long long)hi);
		ui_put(y++, 15 + n, a, COLS - 16 - n, 0);
	}
	if (d->ndaily > 0 && y <= bottom) {
		int w = COLS - 40 < SPARK_MAX ? COLS - 40 : SPARK_MAX;
		int n = d->ndaily < w ? d->ndaily : w;
		hi = 0;
		for (int i = d->ndaily - n; i < d->ndaily; i++)
			if (d->daily[i].value > hi)
				hi = d->daily[i].value;
		attrset(A_BOLD);
		ui_put(y, 1, _("Daily kWh"), 12, 0);
		attrset(A_NORMAL);
		spark(y, 14, w, d->daily, d->ndaily);
		energy_format(hi, b, sizeof(b));
		snprintf(a, sizeof(a), ngettext("%d day, max %s kWh", "%d days, max %s kWh",
						(unsigned long)n), n, b);
		ui_put(y++, 15 + n, a, COLS - 16 - n, 0);
	}
	/* Open alarms. */
	if (y <= bottom) {
		attrset(A_BOLD);
		ui_put(y, 1, _("Alarms"), 12, 0);
		attrset(d->nalarms ? ui_attr(UI_C_ERROR) : A_NORMAL);
		ui_put(y++, 14, d->nalarms ? d->alarms[0] : _("none open"), COLS - 15, 0);
		for (int i = 1; i < d->nalarms && y <= bottom; i++)
			ui_put(y++, 14, d->alarms[i], COLS - 15, 0);
		attrset(A_NORMAL);
	}
	if (d->note[0] && y <= bottom) {
		attrset(d->note_bad ? ui_attr(UI_C_ERROR) : ui_attr(UI_C_OK));
		ui_put(y++, 1, d->note, COLS - 2, 0);
		attrset(A_NORMAL);
	}
	if (y + 1 <= bottom)
		ui_list_draw(&d->cmds, y, bottom, _("No commands sent to this meter yet."));
}

/* Confirms and queues relay command kind. */
static void relay(struct detail *d, const char *kind, const char *what)
{
	const struct mv_meter *m = &d->v.m;
	char q[512], why[256];
	int64_t id;
	int rc;

	snprintf(q, sizeof(q), _("%s on meter %s (%s, account %s)?"), what, m->meter_no,
		 m->customer[0] ? m->customer : _("no customer"),
		 m->account_no[0] ? m->account_no : "—");
	if (!ui_confirm(q))
		return;
	if ((rc = meter_relay(&d->u->s, m->meter_no, kind, &id))) {
		snprintf(d->note, sizeof(d->note), "%s", err_text(rc, why, sizeof(why)));
		d->note_bad = 1;
		ui_error(rc, rc == -SD_PERM ? _("Ask a technician or an administrator.") : NULL);
		return;
	}
	snprintf(d->note, sizeof(d->note), _("Command %lld queued: %s; the service sends it "
					     "next cycle."), (long long)id, kind_text(kind));
	d->note_bad = 0;
	d->cmds.sel = 0;
}

static void help(void)
{
	ui_message(_("Help"),
		   _("The values are what the meter-reading service last read; the screen reads "
		     "them again every 2 seconds. F4 opens the relay (power off), F5 closes it, "
		     "F6 and F7 turn keep-power on and off: each asks first, then queues a "
		     "command that the service sends; its state (queued, sent, done, failed) "
		     "shows in the list. Esc goes back."));
}

int ui_meter_detail(struct ui *u, const char *meter_no)
{
	struct detail *d = ui_xcalloc(1, sizeof(*d));
	int top, bottom, key, rc, ret = 0;

	d->u = u;
	snprintf(d->meter_no, sizeof(d->meter_no), "%s", meter_no);
	ui_list_init(&d->cmds, 6, cmd_headers);
	if ((rc = load(d))) {
		ui_error(rc, _("Search again: the meter may have changed."));
		ui_list_free(&d->cmds);
		free(d);
		return 0;
	}
	ui_push(u, N_("Meter"));
	while (!u->quit) {
		ui_frame(u, keys, &top, &bottom);
		draw(d, top, bottom);
		curs_set(0);
		refresh();
		key = ui_getkey_timeout(REFRESH_MS);
		/* While a "/" search is typed, letters are text, not keys. */
		if (ui_list_searching(&d->cmds) && key != UI_K_TICK && ui_list_key(&d->cmds, key, 1))
			continue;
		key = ui_fkeys_map(keys, key);
		if (key == UI_F(10)) {
			u->quit = 1;
			break;
		}
		if (key == UI_ESC)
			break;
		if (key == UI_F(1))
			help();
		else if (key == UI_F(4))
			relay(d, "relay_open", _("Open the relay (power off)"));
		else if (key == UI_F(5))
			relay(d, "relay_close", _("Close the relay (power on)"));
		else if (key == UI_F(6))
			relay(d, "keep_on", _("Turn keep-power on"));
		else if (key == UI_F(7))
			relay(d, "keep_off", _("Turn keep-power off"));
		else if (ui_list_key(&d->cmds, key, 5))
			continue;
		/* Every other key, the timer included, reads the meter again. */
		if ((rc = load(d)) && key != UI_K_TICK)
			ui_error(rc, NULL);
	}
	ui_list_free(&d->cmds);
	free(d);
	ui_pop(u);
	return u->quit ? -1 : ret;
}
