/* ui_alarms: the open alarms (events not cleared) and the recently
 * cleared ones — kind, meter, customer, raised, cleared, who acknowledged
 * — with acknowledgement of one or of every one shown, through the same
 * domain function as `saledesk alarm ack` (meter_alarm_ack). Read again
 * every five seconds so new alarms appear without a key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "meter_ctl.h"
#include "meter_view.h"
#include "ui_int.h"

#define REFRESH_MS 5000
#define CLEARED_SHOWN 50

static const char *headers[] = { N_("State"), N_("Alarm"), N_("Meter"), N_("Customer"),
				 N_("Raised"), N_("Acknowledged"), N_("Detail") };

static const struct ui_fkey keys[] = {
	{ 1, 'h', N_("Help") }, { 3, 'm', N_("Meter") }, { 4, 'c', N_("Cleared") },
	{ 5, 'a', N_("Ack") }, { 6, 'A', N_("Ack all") }, { 10, 'q', N_("Quit") }, { 0, 0, NULL }
};

/* The alarm kinds of the events table as a person reads them. */
static const char *const kinds[][2] = {
	{ "arrears", N_("arrears") }, { "low_balance_1", N_("low balance 1") },
	{ "low_balance_2", N_("low balance 2") }, { "low_balance_3", N_("low balance 3") },
	{ "phase_loss", N_("phase loss") }, { "under_voltage", N_("under-voltage") },
	{ "over_voltage", N_("over-voltage") }, { "relay_tripped", N_("relay tripped") },
	{ "power_limit", N_("power limit") }, { "malignant_load", N_("malignant load") },
	{ "meter_offline", N_("meter offline") }, { "gateway_offline", N_("gateway offline") },
	{ "bus_offline", N_("bus offline") }, { "clock_drift", N_("clock drift") },
	{ "recharge_sequence", N_("recharge sequence") },
	{ "freeze_mismatch", N_("freeze mismatch") },
	{ "meter_mismatch", N_("wrong meter on unit") },
	{ "param_mismatch", N_("settings differ") },
};

const char *ui_alarm_kind(const char *kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i][0]) == 0)
			return _(kinds[i][1]);
	return kind;
}

struct actx {
	struct ui *u;
	struct ui_list l;
	int64_t *ids;        /* the event of each row */
	int *acked;
	char (*meter)[13];
	int cap;
	int show_cleared;
	int open, unacked;
};

static int add_row(const struct mv_alarm *a, void *arg)
{
	struct actx *c = arg;
	char raised[32], acked[80], who[120];
	const char *cells[7];

	if (c->l.nrows == c->cap) {
		int cap = c->cap ? c->cap * 2 : 64;
		int64_t *ids = ui_xcalloc((size_t)cap, sizeof(*ids));
		int *ack = ui_xcalloc((size_t)cap, sizeof(*ack));
		char (*m)[13] = ui_xcalloc((size_t)cap, sizeof(*m));
		if (c->cap) {
			memcpy(ids, c->ids, (size_t)c->cap * sizeof(*ids));
			memcpy(ack, c->acked, (size_t)c->cap * sizeof(*ack));
			memcpy(m, c->meter, (size_t)c->cap * sizeof(*m));
		}
		free(c->ids);
		free(c->acked);
		free(c->meter);
		c->ids = ids;
		c->acked = ack;
		c->meter = m;
		c->cap = cap;
	}
	c->ids[c->l.nrows] = a->id;
	c->acked[c->l.nrows] = a->acked_at != 0;
	snprintf(c->meter[c->l.nrows], 13, "%s", a->meter_no);
	ui_time(c->u, a->raised_at, raised, sizeof(raised));
	if (a->acked_at) {
		ui_time(c->u, a->acked_at, acked, sizeof(acked));
		snprintf(who, sizeof(who), "%s %s", acked + 5, a->acked_by);
	} else {
		snprintf(who, sizeof(who), "—");
	}
	if (!a->cleared_at) {
		c->open++;
		c->unacked += !a->acked_at;
	}
	cells[0] = a->cleared_at ? _("cleared") : _("OPEN");
	cells[1] = ui_alarm_kind(a->kind);
	cells[2] = a->meter_no[0] ? a->meter_no : a->bus;
	cells[3] = a->customer[0] ? a->customer : "—";
	cells[4] = raised + 5;
	cells[5] = who;
	cells[6] = a->detail;
	ui_list_add(&c->l, cells);
	return 0;
}

static int load(struct actx *c)
{
	int64_t keep = c->l.sel >= 0 && c->l.sel < c->l.nrows ? c->ids[c->l.sel] : 0;
	int rc;

	ui_list_clear(&c->l);
	c->open = c->unacked = 0;
	rc = meter_view_alarms(&c->u->s, NULL, c->show_cleared ? CLEARED_SHOWN : 0, add_row, c);
	for (int i = 0; keep && i < c->l.nrows; i++)
		if (c->ids[i] == keep)
			c->l.sel = i;
	return rc;
}

/* Acknowledges the selected alarm, or (all) every unacknowledged one
 * shown, after asking. */
static void ack(struct actx *c, int all)
{
	int64_t *ids;
	char q[300];
	int n = 0, rc;

	if (!c->l.nrows)
		return;
	ids = ui_xcalloc((size_t)c->l.nrows, sizeof(*ids));
	if (all) {
		for (int i = 0; i < c->l.nrows; i++)
			if (!c->acked[i])
				ids[n++] = c->ids[i];
		snprintf(q, sizeof(q), ngettext("Acknowledge the %d unacknowledged alarm shown?",
						"Acknowledge the %d unacknowledged alarms shown?",
						(unsigned long)n), n);
	} else if (!c->acked[c->l.sel]) {
		ids[n++] = c->ids[c->l.sel];
		snprintf(q, sizeof(q), _("Acknowledge alarm %lld, %s on %s?"), (long long)ids[0],
			 ui_list_selected(&c->l, 1), ui_list_selected(&c->l, 2));
	}
	if (!n) {
		ui_message(_("Acknowledge"), _("Nothing to acknowledge: it was acknowledged already."));
	} else if (ui_confirm(q)) {
		if ((rc = meter_alarm_ack(&c->u->s, ids, n)))
			ui_error(rc, rc == -SD_PERM ? _("Ask a technician or an administrator.")
						    : _("The list is read again: look once more."));
		ui_status_refresh();
	}
	free(ids);
}

int ui_alarms(struct ui *u)
{
	struct actx c;
	int top, bottom, key, rc;
	char line[200];

	memset(&c, 0, sizeof(c));
	c.u = u;
	c.show_cleared = 1;
	ui_list_init(&c.l, 7, headers);
	ui_push(u, N_("Alarms"));
	if ((rc = load(&c)))
		ui_error(rc, NULL);
	while (!u->quit) {
		ui_frame(u, keys, &top, &bottom);
		snprintf(line, sizeof(line), _("%d open, %d not acknowledged%s"), c.open, c.unacked,
			 c.show_cleared ? _("; recently cleared below them") : "");
		attrset(A_BOLD);
		ui_put(top, 1, line, COLS - 2, 0);
		attrset(A_NORMAL);
		ui_list_draw(&c.l, top + 2, bottom, _("No alarms."));
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
		if (ui_list_key(&c.l, key, bottom - top - 3))
			continue;
		if (key == UI_F(1))
			ui_message(_("Help"), _("Open alarms first (their condition still holds), then "
						"the recently cleared ones. F5 acknowledges the alarm "
						"under the bar, F6 every unacknowledged one shown, F4 "
						"hides or shows the cleared ones, Enter or F3 opens the "
						"meter."));
		else if (key == UI_F(4))
			c.show_cleared = !c.show_cleared;
		else if (key == UI_F(5) || key == UI_F(6))
			ack(&c, key == UI_F(6));
		else if ((key == UI_F(3) || ui_is_enter(key)) && c.l.nrows &&
			 c.meter[c.l.sel][0] && ui_meter_detail(u, c.meter[c.l.sel]) < 0)
			break;
		if ((rc = load(&c)) && key != UI_K_TICK)
			ui_error(rc, NULL);
	}
	ui_list_free(&c.l);
	free(c.ids);
	free(c.acked);
	free(c.meter);
	ui_pop(u);
	return u->quit ? -1 : 0;
}
