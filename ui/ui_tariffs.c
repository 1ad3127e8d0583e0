/* ui_tariffs: the tariffs the desk keeps — the list, each tariff's
 * versions, adding a tariff or a new version with the text form of
 * docs/tariffs.md (checked by tariff_parse as it is typed, its reason
 * shown under the field), and pricing an example with tariff_cost. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "err.h"
#include "money.h"
#include "tariffs.h"
#include "ui_int.h"

static const char *headers[] = { N_("Code"), N_("Name"), N_(">Versions"), N_("Newest from") };
static const char *vheaders[] = { N_("From"), N_("Kind"), N_("By"), N_("Tariff") };

static const struct ui_fkey keys[] = {
	{ 1, 'h', N_("Help") }, { 2, 'a', N_("Add") }, { 3, 'v', N_("Versions") },
	{ 5, 'c', N_("Price example") }, { 10, 'q', N_("Quit") }, { 0, 0, NULL }
};

struct ctx {
	struct ui *u;
	struct ui_list *l;
	char code[TARIFF_CODE_MAX + 1];
};

static int add_row(const struct tariff_row *t, void *arg)
{
	struct ctx *c = arg;
	char n[16], from[32];
	const char *cells[4] = { t->code, t->name, n, from };

	snprintf(n, sizeof(n), "%d", t->n_versions);
	ui_time(c->u, t->latest_from, from, sizeof(from));
	ui_list_add(c->l, cells);
	return 0;
}

static int add_version(const struct tariff_version_row *v, void *arg)
{
	struct ctx *c = arg;
	char from[32];
	const char *cells[4] = { from, v->kind, v->created_by[0] ? v->created_by : "—", v->spec };

	ui_time(c->u, v->effective_from, from, sizeof(from));
	ui_list_add(c->l, cells);
	return 0;
}

int ui_parse_local(const struct ui *u, const char *text, int64_t *t)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, n;

	memset(&tm, 0, sizeof(tm));
	n = sscanf(text, "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi);
	if ((n != 3 && n != 5) || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59)
		return err_set(-SD_INVAL, "%s", _("a date like 2030-01-01 or 2030-01-01 08:00"));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	*t = (int64_t)timegm(&tm) - (int64_t)u->s.utc_offset_min * 60;
	return 0;
}

static void set_msg(struct ui_field *f, int rc)
{
	char why[512];

	snprintf(f->msg, sizeof(f->msg), "%s", err_text(rc, why, sizeof(why)));
}

/* ---- add a tariff or a version ---- */

/* Live check of the tariff text as it is typed. */
static void live_spec(struct ui_form *fm)
{
	struct tariff_version v;
	char why[TARIFF_WHY_SZ];

	fm->fields[2].msg[0] = 0;
	if (fm->fields[2].text[0] && tariff_parse(fm->fields[2].text, &v, why, sizeof(why)))
		snprintf(fm->fields[2].msg, sizeof(fm->fields[2].msg), "%s", why);
}



static void check_add(void *arg, struct ui_form *fm, int i)
{
	struct ctx *c = arg;
	int64_t t;
	int rc;

	if (i == 2)
		live_spec(fm);
	if (i == 3 && fm->fields[3].text[0] && (rc = ui_parse_local(c->u, fm->fields[3].text, &t)))
		set_msg(&fm->fields[3], rc);
}

static int done_add(void *arg, struct ui_form *fm)
{
	struct ctx *c = arg;
	struct ui_field *f = fm->fields;
	int64_t from = 0;
	int rc;

	if (!f[0].text[0] || !f[2].text[0]) {
		snprintf(f[f[0].text[0] ? 2 : 0].msg, sizeof(f[0].msg), "%s", _("Required."));
		return -1;
	}
	if (f[3].text[0] && (rc = ui_parse_local(c->u, f[3].text, &from))) {
		set_msg(&f[3], rc);
		return -1;
	}
	rc = tariffs_add(&c->u->s, f[0].text, f[1].text[0] ? f[1].text : f[0].text, f[2].text,
			 from);
	if (rc == -SD_TARIFF) {
		set_msg(&f[2], rc);
		return -1;
	}
	if (rc && strstr(err_detail(), "effective")) {
		snprintf(f[3].msg, sizeof(f[3].msg), "%s",
			 _("A new version needs the date it takes over, after the newest one and "
			   "not in the past."));
		return -1;
	}
	if (rc) {
		ui_error(rc, _("Correct the form and press F2 again; nothing was saved."));
		return -1;
	}
	return 0;
}

static void add(struct ui *u, const char *code)
{
	struct ui_field f[4];
	struct ui_form fm = { f, 4, 0, 0 };
	struct ctx c = { u, NULL, "" };

	memset(f, 0, sizeof(f));
	f[0].label = N_("Code");
	f[0].hint = N_("RES; an existing code adds a version");
	f[1].label = N_("Name");
	f[2].label = N_("Tariff");
	f[2].live = 1;
	f[2].hint = N_("flat 0.588   or   tou peak=… valley=… segments=…");
	f[3].label = N_("Takes effect");
	f[3].hint = N_("YYYY-MM-DD [HH:MM]; blank: now (new tariff)");
	f[0].width = 16;
	f[1].width = f[3].width = 40;
	if (code) {
		ui_field_set(&f[0], code);
		fm.focus = 2;
	}
	ui_form_run(u, N_("Add tariff"), _("The tariff text is checked as you type; docs/tariffs.md "
					   "explains it."),
		    &fm, check_add, done_add, &c);
}

/* ---- price an example ---- */

static int done_cost(void *arg, struct ui_form *fm)
{
	struct ctx *c = arg;
	struct ui_field *f = fm->fields;
	struct tariff_set *ts = NULL;
	struct tariff_cost cost;
	int64_t wh, t0, t1;
	char text[512], m[MONEY_BUFSZ], e[MONEY_BUFSZ];
	int rc, n, r;

	if ((rc = energy_parse(f[0].text, 0, &wh))) {
		set_msg(&f[0], rc);
		return -1;
	}
	if ((rc = ui_parse_local(c->u, f[1].text, &t0))) {
		set_msg(&f[1], rc);
		return -1;
	}
	if ((rc = ui_parse_local(c->u, f[2].text, &t1))) {
		set_msg(&f[2], rc);
		return -1;
	}
	if ((rc = tariffs_load(c->u->db, c->code, 0, c->u->s.utc_offset_min, &ts)) ||
	    (rc = tariff_cost(&ts->engine, t0, t1, wh, 0, &cost))) {
		tariffs_free(ts);
		ui_error(rc, _("Change the energy or the dates and try again."));
		return -1;
	}
	tariffs_free(ts);
	n = snprintf(text, sizeof(text), "%s kWh %s %s: %s %s.", energy_format(wh, e, sizeof(e)),
		     _("on tariff"), c->code, money_format_grouped(cost.fen, m, sizeof(m)),
		     _("yuan"));
	for (r = 0; r < TARIFF_RATE_COUNT && n < (int)sizeof(text); r++)
		if (cost.wh[r])
			n += snprintf(text + n, sizeof(text) - (size_t)n, "\n%-7s %s kWh",
				      tariff_rate_name((enum tariff_rate)r),
				      energy_format(cost.wh[r], e, sizeof(e)));
	ui_message(_("Price example"), text);
	return -1;  /* stay: the administrator may try other figures */
}

static void price(struct ui *u, const char *code)
{
	struct ui_field f[3];
	struct ui_form fm = { f, 3, 0, 0 };
	struct ctx c = { u, NULL, "" };
	char intro[128];
	time_t now = (time_t)(clock_now() + u->s.utc_offset_min * 60);
	struct tm tm;

	memset(f, 0, sizeof(f));
	snprintf(c.code, sizeof(c.code), "%s", code);
	f[0].label = N_("Energy (kWh)");
	ui_field_set(&f[0], "100");
	f[1].label = N_("From");
	f[2].label = N_("To");
	/* Tomorrow to the day after: a tariff added today starts now, so
	 * today's midnight would be before its first version. */
	now += 86400;
	gmtime_r(&now, &tm);
	strftime(intro, sizeof(intro), "%Y-%m-%d", &tm);
	ui_field_set(&f[1], intro);
	now += 86400;
	gmtime_r(&now, &tm);
	strftime(intro, sizeof(intro), "%Y-%m-%d", &tm);
	ui_field_set(&f[2], intro);
	f[0].width = f[1].width = f[2].width = 24;
	snprintf(intro, sizeof(intro), "%s %s", _("What energy used evenly over a period costs on"),
		 code);
	ui_form_run(u, N_("Price example"), intro, &fm, NULL, done_cost, &c);
}

/* ---- versions and the list ---- */

static void versions(struct ui *u, const char *code)
{
	static const struct ui_fkey vkeys[] = {
		{ 2, 'a', N_("Add version") }, { 10, 'q', N_("Quit") }, { 0, 0, NULL }
	};
	struct ui_list l;
	struct tariff_row row;
	struct ctx c = { u, &l, "" };
	int top, bottom, key, rc;

	ui_list_init(&l, 4, vheaders);
	ui_push(u, N_("Versions"));
	while (!u->quit) {
		ui_list_clear(&l);
		if ((rc = tariffs_versions(&u->s, code, &row, add_version, &c))) {
			ui_error(rc, NULL);
			break;
		}
		ui_frame(u, vkeys, &top, &bottom);
		attrset(A_BOLD);
		ui_put(top, 1, row.code, 17, 0);
		ui_put(top, 18, row.name, COLS - 19, 0);
		attrset(A_NORMAL);
		ui_list_draw(&l, top + 2, bottom, NULL);
		curs_set(0);
		refresh();
		key = ui_getkey();
		if (ui_list_key(&l, key, bottom - top - 3))
			continue;
		key = ui_fkeys_map(vkeys, key);
		if (key == UI_F(10))
			u->quit = 1;
		else if (key == UI_ESC)
			break;
		else if (key == UI_F(2))
			add(u, code);
	}
	ui_list_free(&l);
	ui_pop(u);
}

int ui_tariffs(struct ui *u)
{
	struct ui_list l;
	struct ctx c = { u, &l, "" };
	char code[TARIFF_CODE_MAX + 1];
	int top, bottom, key, rc;

	ui_list_init(&l, 4, headers);
	ui_push(u, N_("Tariffs"));
	while (!u->quit) {
		ui_list_clear(&l);
		if ((rc = tariffs_list(&u->s, add_row, &c))) {
			ui_error(rc, NULL);
			break;
		}
		ui_frame(u, keys, &top, &bottom);
		ui_list_draw(&l, top, bottom, _("No tariff yet: F2 adds one."));
		curs_set(0);
		refresh();
		key = ui_getkey();
		if (ui_list_key(&l, key, bottom - top - 1))
			continue;
		key = ui_fkeys_map(keys, key);
		if (key == UI_F(10)) {
			u->quit = 1;
			break;
		}
		if (key == UI_ESC)
			break;
		if (key == UI_F(1)) {
			ui_message(_("Help"), _("F2 or a: add a tariff, or a new version of an existing "
						"code. Enter, F3 or v: its versions. F5 or c: price an "
						"example. A version never changes once saved: a price "
						"change is a new version from a future date."));
			continue;
		}
		if (key == UI_F(2)) {
			add(u, NULL);
			continue;
		}
		if (!ui_list_selected(&l, 0))
			continue;
		snprintf(code, sizeof(code), "%s", ui_list_selected(&l, 0));
		if (key == UI_F(3) || ui_is_enter(key))
			versions(u, code);
		else if (key == UI_F(5))
			price(u, code);
	}
	ui_list_free(&l);
	ui_pop(u);
	return u->quit ? -1 : 0;
}
