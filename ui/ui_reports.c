/* ui_reports: the Reports screen — the list of every report (report_each),
 * then a small form for the chosen one's span (from and to dates, this
 * month by default), period, grouping and the filters it takes, then the
 * result (ui_report_view.c). Reports run through the domain's report_run,
 * which checks the permission and narrows a cashier to their own money;
 * a refusal is shown with the domain's own sentence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "err.h"
#include "ui_report.h"

#define DAY_S 86400

static const char *list_headers[] = { N_("Report"), N_("Kind"), N_("What it shows") };

static const struct ui_fkey keys[] = {
	{ 1, 'h', N_("Help") }, { 10, 'q', N_("Quit") }, { 0, 0, NULL }
};

/* The words the form takes for periods and groupings: the CLI's names
 * (report_period_name, report_group_name), shown translated. */
static const char *const period_words[] = { N_("span"), N_("day"), N_("month"), N_("year") };
static const char *const group_words[] = { N_("none"), N_("operator"), N_("shift"),
					   N_("building"), N_("account"), N_("meter"), N_("site") };

/* The form of one report: which field is which (-1: not asked). */
struct ask {
	struct ui_report *r;
	struct ui_field f[8];
	int nf;
	int from, to, by, group, building, account, meter, shift;
};

static void add_def(const struct report_def *def, void *arg)
{
	ui_list_add(arg, (const char *[]){ def->name, report_is_finance(def) ? _("finance") : _("energy"),
					   def->title });
}

/* Parses a period word (English or translated) the report takes. */
static int parse_period(const struct report_def *def, const char *s, enum report_period *p)
{
	for (int i = RPT_SPAN; i <= RPT_YEAR; i++)
		if ((def->periods & (1u << i)) &&
		    (!strcmp(s, report_period_name((enum report_period)i)) || !strcmp(s, _(period_words[i])))) {
			*p = (enum report_period)i;
			return 0;
		}
	return -1;
}

static int parse_group(const struct report_def *def, const char *s, enum report_group *g)
{
	for (int i = RPT_BY_NONE; i <= RPT_BY_SITE; i++)
		if ((def->groups & (1u << i)) &&
		    (!strcmp(s, report_group_name((enum report_group)i)) || !strcmp(s, _(group_words[i])))) {
			*g = (enum report_group)i;
			return 0;
		}
	return -1;
}

/* "day, month, year, span": the words a field takes, translated. */
static void words(unsigned bits, const char *const *w, int n, char *out, size_t len)
{
	size_t k = 0;

	out[0] = 0;
	for (int i = 0; i < n && k < len; i++)
		if (bits & (1u << i))
			k += (size_t)snprintf(out + k, len - k, "%s%s", k ? ", " : "", _(w[i]));
}

/* Checks field i and puts what is wrong under it. */
static void check(void *arg, struct ui_form *fm, int i)
{
	struct ask *k = arg;
	const struct report_def *def = k->r->def;
	struct ui_field *f = &fm->fields[i];
	char ok[128], why[256];
	enum report_period p;
	enum report_group g;
	int64_t t;
	int rc;

	f->msg[0] = 0;
	if ((i == k->from || i == k->to) && (rc = ui_parse_local(k->r->u, f->text, &t)))
		snprintf(f->msg, sizeof(f->msg), "%s", err_text(rc, why, sizeof(why)));
	if (i == k->by && parse_period(def, f->text, &p)) {
		words(def->periods, period_words, 4, ok, sizeof(ok));
		snprintf(f->msg, sizeof(f->msg), _("Type one of: %s."), ok);
	}
	if (i == k->group && parse_group(def, f->text, &g)) {
		words(def->groups, group_words, 7, ok, sizeof(ok));
		snprintf(f->msg, sizeof(f->msg), _("Type one of: %s."), ok);
	}
	if (i == k->shift && f->text[0] && (atoll(f->text) <= 0 || strspn(f->text, "0123456789") != strlen(f->text)))
		snprintf(f->msg, sizeof(f->msg), "%s", _("A shift number, or blank for all."));
}

/* Fills the report's arguments from the form; non-zero when a field is
 * wrong (its message set). */
static int done(void *arg, struct ui_form *fm)
{
	struct ask *k = arg;
	struct ui_report *r = k->r;
	struct report_args *a = &r->a;
	int64_t from, to;

	for (int i = 0; i < fm->n; i++)
		check(k, fm, i);
	if (ui_form_first_error(fm) >= 0)
		return -1;
	ui_parse_local(r->u, fm->fields[k->from].text, &from);
	ui_parse_local(r->u, fm->fields[k->to].text, &to);
	/* As `--to`: a date alone is that whole day, included. */
	if (strlen(fm->fields[k->to].text) <= 10)
		to += DAY_S;
	if (to <= from) {
		snprintf(fm->fields[k->to].msg, sizeof(fm->fields[k->to].msg), "%s",
			 _("The last day must not be before the first."));
		return -1;
	}
	memset(a, 0, sizeof(*a));
	report_args_defaults(r->def, a);
	a->from = from;
	a->to = to;
	a->utc_offset_min = r->u->s.utc_offset_min;
	a->now = clock_now();
	if (k->by >= 0)
		parse_period(r->def, fm->fields[k->by].text, &a->period);
	if (k->group >= 0)
		parse_group(r->def, fm->fields[k->group].text, &a->group);
	if (k->building >= 0 && fm->fields[k->building].text[0]) {
		snprintf(r->building, sizeof(r->building), "%s", fm->fields[k->building].text);
		a->building = r->building;
	}
	if (k->account >= 0 && fm->fields[k->account].text[0]) {
		snprintf(r->account, sizeof(r->account), "%s", fm->fields[k->account].text);
		a->account_no = r->account;
	}
	if (k->meter >= 0 && fm->fields[k->meter].text[0]) {
		snprintf(r->meter, sizeof(r->meter), "%s", fm->fields[k->meter].text);
		a->meter_no = r->meter;
	}
	if (k->shift >= 0 && fm->fields[k->shift].text[0])
		a->shift_id = atoll(fm->fields[k->shift].text);
	return 0;
}

static int add_field(struct ask *k, const char *label, const char *hint, const char *text)
{
	struct ui_field *f = &k->f[k->nf];

	memset(f, 0, sizeof(*f));
	f->label = label;
	f->hint = hint;
	ui_field_set(f, text);
	return k->nf++;
}

/* The form's fields for r->def: the dates of this month, the period (by
 * day when the report has days, for the charts) and the grouping. */
static void build(struct ask *k, char *by_hint, char *group_hint, size_t len)
{
	const struct report_def *def = k->r->def;
	int64_t off = (int64_t)k->r->u->s.utc_offset_min * 60;
	time_t now = (time_t)(clock_now() + off);
	unsigned filt = report_filters(def);
	struct report_args d = { 0 };
	char first[48], last[48];
	struct tm tm;

	gmtime_r(&now, &tm);
	snprintf(first, sizeof(first), "%04d-%02d-01", tm.tm_year + 1900, tm.tm_mon + 1);
	tm.tm_mon++;
	tm.tm_mday = 0;   /* the day before the next month's first */
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	now = timegm(&tm);
	gmtime_r(&now, &tm);
	snprintf(last, sizeof(last), "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	report_args_defaults(def, &d);
	if (def->periods & (1u << RPT_DAY))
		d.period = RPT_DAY;
	k->nf = 0;
	k->by = k->group = k->building = k->account = k->meter = k->shift = -1;
	k->from = add_field(k, N_("From (first day)"), NULL, first);
	k->to = add_field(k, N_("To (last day)"), NULL, last);
	if (def->periods & (def->periods - 1)) {
		words(def->periods, period_words, 4, by_hint, len);
		k->by = add_field(k, N_("Rows by"), by_hint, _(period_words[d.period]));
	}
	if (def->groups & (def->groups - 1)) {
		words(def->groups, group_words, 7, group_hint, len);
		k->group = add_field(k, N_("Grouped by"), group_hint, _(group_words[d.group]));
	}
	if (filt & REPORT_F_BUILDING)
		k->building = add_field(k, N_("Only building"), N_("blank: all"), "");
	if (filt & REPORT_F_ACCOUNT)
		k->account = add_field(k, N_("Only account"), N_("blank: all"), "");
	if (filt & REPORT_F_METER)
		k->meter = add_field(k, N_("Only meter"), N_("blank: all"), "");
	if (filt & REPORT_F_SHIFT)
		k->shift = add_field(k, N_("Only shift"), N_("a number; blank: all"), "");
	for (int i = 0; i < k->nf; i++)
		k->f[i].width = 24;
}

/* What to do after a refusal or failure of report_run. */
static const char *next_step(int rc)
{
	if (rc == -SD_PERM)
		return _("Ask an administrator to run it, or choose another report.");
	if (rc == -SD_NOT_FOUND)
		return _("Check the number you typed, or leave the filter blank.");
	return _("Change the dates or filters and run it again.");
}

/* The form, the run and the result of def, again until the operator
 * leaves the form. Returns -1 to quit. */
static int one_report(struct ui *u, const struct report_def *def)
{
	struct ui_report *r = ui_xcalloc(1, sizeof(*r));
	struct ask *k = ui_xcalloc(1, sizeof(*k));
	struct ui_form fm = { 0 };
	char by_hint[128], group_hint[128], intro[256];
	int rc, ret = 0;

	r->u = u;
	r->def = def;
	k->r = r;
	build(k, by_hint, group_hint, sizeof(by_hint));
	fm.fields = k->f;
	fm.n = k->nf;
	snprintf(intro, sizeof(intro), "%s: %s", def->name, def->title);
	while (!u->quit) {
		fm.focus = 0;   /* back from a result: the dates first */
		rc = ui_form_run(u, N_("Report"), intro, &fm, check, done, k);
		if (rc <= 0) {
			ret = rc;
			break;
		}
		ui_progress(_("Running the report…"));
		if ((rc = report_run(&u->s, def, &r->a, &r->res))) {
			ui_error(rc, next_step(rc));
			continue;
		}
		rc = ui_report_view(r);
		report_result_free(&r->res);
		if (rc < 0) {
			ret = -1;
			break;
		}
	}
	free(k);
	free(r);
	return ret;
}

static void help(void)
{
	ui_message(_("Help"),
		   _("Up/Down and Enter choose a report; a form asks for its days (this month "
		     "unless you change them), how rows are cut (by day, month…), grouped, and "
		     "filtered. F2 runs it. On the result: arrows and PgUp/PgDn scroll, F4 "
		     "shows the next table, F5 a chart where the report has one, F6 saves it "
		     "as CSV or XLSX. Esc goes back."));
}

int ui_reports(struct ui *u)
{
	struct ui_list l;
	int top, bottom, key, ret = 0;

	ui_list_init(&l, 3, list_headers);
	report_each(add_def, &l);
	ui_push(u, N_("Reports"));
	while (!u->quit) {
		ui_frame(u, keys, &top, &bottom);
		ui_put(top, 1, _("Choose a report and press Enter."), COLS - 2, 0);
		ui_list_draw(&l, top + 1, bottom, NULL);
		curs_set(0);
		refresh();
		key = ui_getkey();
		if (ui_list_searching(&l) && ui_list_key(&l, key, 1))
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
		else if (ui_is_enter(key) && ui_list_selected(&l, 0)) {
			if (one_report(u, report_find(ui_list_selected(&l, 0))) < 0)
				u->quit = 1;
		} else
			ui_list_key(&l, key, bottom - top - 2);
	}
	ui_list_free(&l);
	ui_pop(u);
	return u->quit ? -1 : ret;
}

/* The file name must say the format: .csv or .xlsx. */
static int done_file(void *arg, struct ui_form *fm)
{
	struct ui_field *f = &fm->fields[0];
	size_t n = strlen(f->text);

	if (n > 4 && !strcmp(f->text + n - 4, ".csv"))
		*(enum report_format *)arg = REPORT_FMT_CSV;
	else if (n > 5 && !strcmp(f->text + n - 5, ".xlsx"))
		*(enum report_format *)arg = REPORT_FMT_XLSX;
	else {
		snprintf(f->msg, sizeof(f->msg), "%s", _("End the file name with .csv or .xlsx."));
		return -1;
	}
	return 0;
}

void ui_report_save(struct ui_report *r)
{
	struct ui_field f;
	struct ui_form fm = { &f, 1, 0, 0 };
	enum report_format fmt = REPORT_FMT_CSV;
	char name[UI_FIELD_MAX], msg[UI_FIELD_MAX + 300];
	int rc, rows = 0;

	memset(&f, 0, sizeof(f));
	f.label = N_("File");
	f.width = 50;
	snprintf(name, sizeof(name), "%s-", r->def->name);
	report_local_date(r->a.from, r->a.utc_offset_min, name + strlen(name),
			  sizeof(name) - strlen(name));
	strncat(name, ".csv", sizeof(name) - strlen(name) - 1);
	ui_field_set(&f, name);
	rc = ui_form_run(r->u, N_("Save the report"),
			 _("A file name ending in .csv (any spreadsheet) or .xlsx (Excel); F2 saves."),
			 &fm, NULL, done_file, &fmt);
	if (rc <= 0)
		return;
	ui_progress(_("Saving the report…"));
	/* CSV with a BOM: Excel, the spreadsheet of most desks, then reads
	 * Chinese text right; other programs skip it. */
	if ((rc = report_save(&r->u->s, r->def, &r->a, &r->res, fmt,
			      fmt == REPORT_FMT_CSV ? RPT_WRITE_BOM : 0, f.text))) {
		ui_error(rc, _("Check that the folder exists and that you may write there."));
		return;
	}
	for (int i = 0; i < r->res.ntables; i++)
		rows += rpt_table_rows(r->res.tables[i]);
	snprintf(msg, sizeof(msg),
		 _("The report %s is saved in %s (%d rows). The export is in the audit log."),
		 r->def->name, f.text, rows);
	ui_message(_("Saved"), msg);
}
