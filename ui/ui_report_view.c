/* ui_report_view: a report's result on screen — its title and span, then
 * one table at a time laid out by the reports' own aligned renderer (so
 * the screen, `saledesk report` and the A4 text agree to the column, CJK
 * counted double), scrolled up and down and, when wider than the
 * terminal, left and right; F4 goes to the next table. F5 shows the
 * charts a report has: for `energy` by day, month or year a bar of the
 * kWh of each period, for `sales` the net income of each, and for
 * `energy` by day and meter a sparkline a meter. F6 saves it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui_report.h"

#define DAY_S 86400
#define KEYS_MAX 4000   /* periods in a chart: ten years of days */

static const struct ui_fkey keys[] = {
	{ 1, 'h', N_("Help") }, { 4, 't', N_("Next table") }, { 5, 'c', N_("Chart") },
	{ 6, 's', N_("Save") }, { 10, 'q', N_("Quit") }, { 0, 0, NULL }
};

enum mode { M_TABLE, M_BARS, M_SPARKS };

/* The charts of a result: totals per period (bars) and, per group, a
 * value per period (sparklines). Values are in the cell's unit: fen or
 * Wh. */
struct chart {
	int n;                 /* periods */
	char (*key)[16];       /* "2026-11-24", "2026-11", "2026" */
	int64_t *sum;
	int nser;              /* groups (meters) */
	char (*label)[64];
	int64_t *ser;          /* nser x n */
	int dec;               /* 2 money, 3 energy */
	const char *what;      /* N_() */
};

struct view {
	struct ui_report *r;
	int table;
	char **lines;          /* the shown table rendered; [0] is its header */
	int nlines, width;
	int row, col;          /* scrolled to */
	enum mode mode;
	int has_bars, has_sparks;
	struct chart c;
};

/* ---- the table as text ---- */

static void lines_free(struct view *v)
{
	for (int i = 0; i < v->nlines; i++)
		free(v->lines[i]);
	free(v->lines);
	v->lines = NULL;
	v->nlines = v->width = 0;
}

/* Renders table v->table with the aligned renderer into lines. */
static void lines_load(struct view *v)
{
	char *buf = NULL, *p, *nl;
	size_t len = 0;
	FILE *fp;
	int cap = 0;

	lines_free(v);
	v->row = v->col = 0;
	if (!(fp = open_memstream(&buf, &len)))
		return;
	rpt_table_print(v->r->res.tables[v->table], fp, RPT_TABLE);
	fclose(fp);
	for (p = buf; p && *p; p = nl + 1) {
		if (!(nl = strchr(p, '\n')))
			nl = p + strlen(p);
		if (v->nlines == cap) {
			char **n = ui_xcalloc((size_t)(cap = cap ? cap * 2 : 64), sizeof(*n));
			if (v->lines)
				memcpy(n, v->lines, (size_t)v->nlines * sizeof(*n));
			free(v->lines);
			v->lines = n;
		}
		v->lines[v->nlines] = ui_xcalloc(1, (size_t)(nl - p) + 1);
		memcpy(v->lines[v->nlines], p, (size_t)(nl - p));
		if (ui_text_width(v->lines[v->nlines]) > v->width)
			v->width = ui_text_width(v->lines[v->nlines]);
		v->nlines++;
		if (!*nl)
			break;
	}
	free(buf);
}

/* Draws s from its display column skip on, in width columns at (y, x);
 * a wide character cut by the left edge shows as a blank. */
static void put_from(int y, int x, const char *s, int skip, int width)
{
	mbstate_t st;
	int col = 0;

	memset(&st, 0, sizeof(st));
	while (*s && col < skip) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, strlen(s), &st);
		int w;
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof(st));
			n = 1;
			w = 1;
		} else {
			w = wcwidth(wc) < 0 ? 1 : wcwidth(wc);
		}
		s += n;
		col += w;
	}
	if (col > skip && width > 0) {
		mvaddch(y, x, ' ');
		x++;
		width--;
	}
	ui_put(y, x, s, width, 0);
}

/* ---- charts ---- */

/* A canonical number cell ("-1234.50", "12.345") in units of 10^-dec. */
static int64_t cell_units(const char *s, int dec)
{
	int64_t v = 0;
	int neg = *s == '-', d = -1;

	for (s += neg; *s; s++) {
		if (*s == '.') {
			d = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || d >= dec)
			break;
		v = v * 10 + (*s - '0');
		if (d >= 0)
			d++;
	}
	for (d = d < 0 ? 0 : d; d < dec; d++)
		v *= 10;
	return neg ? -v : v;
}

static int col_named(const struct rpt_table *t, const char *name)
{
	for (int c = 0; c < rpt_table_cols(t); c++)
		if (!strcmp(rpt_table_header(t, c), name))
			return c;
	return -1;
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Every period of the span, in order, so a day with nothing shows as
 * nothing rather than being left out. */
static int chart_keys(struct view *v)
{
	const struct report_args *a = &v->r->a;
	int klen = a->period == RPT_DAY ? 10 : a->period == RPT_MONTH ? 7 : 4;
	char d[16];

	if ((a->to - a->from) / DAY_S + 1 > KEYS_MAX)
		return -1;
	v->c.key = ui_xcalloc(KEYS_MAX + 1, sizeof(*v->c.key));
	for (int64_t t = a->from; t < a->to; t += DAY_S) {
		report_local_date(t, a->utc_offset_min, d, sizeof(d));
		d[klen] = 0;
		if (!v->c.n || strcmp(v->c.key[v->c.n - 1], d))
			snprintf(v->c.key[v->c.n++], sizeof(v->c.key[0]), "%s", d);
	}
	/* The span's last instant, when it ends within a day. */
	report_local_date(a->to - 1, a->utc_offset_min, d, sizeof(d));
	d[klen] = 0;
	if (!v->c.n || strcmp(v->c.key[v->c.n - 1], d))
		snprintf(v->c.key[v->c.n++], sizeof(v->c.key[0]), "%s", d);
	return 0;
}

/* The meters of the sparklines, sorted and each once (a large site has
 * thousands: sorted so each row finds its own by bsearch), and their
 * zeroed series. */
static void spark_labels(struct view *v, const struct rpt_table *t)
{
	int rows = rpt_table_rows(t), n = 0;

	v->c.label = ui_xcalloc((size_t)rows + 1, sizeof(*v->c.label));
	for (int i = 0; i < rows; i++)
		snprintf(v->c.label[i], sizeof(v->c.label[0]), "%s", rpt_table_cell(t, i, 1));
	qsort(v->c.label, (size_t)rows, sizeof(v->c.label[0]), key_cmp);
	for (int i = 0; i < rows; i++)
		if (!n || strcmp(v->c.label[n - 1], v->c.label[i]))
			memmove(v->c.label[n++], v->c.label[i], sizeof(v->c.label[0]));
	v->c.nser = n;
	v->c.ser = ui_xcalloc((size_t)n * (size_t)v->c.n + 1, sizeof(int64_t));
}

/* Works out which charts the result has and sums their values. */
static void chart_load(struct view *v)
{
	const struct ui_report *r = v->r;
	const struct rpt_table *t;
	int energy = !strcmp(r->def->name, "energy"), vcol;

	if (!(energy || !strcmp(r->def->name, "sales")) || r->a.period == RPT_SPAN ||
	    r->res.ntables < 1)
		return;
	t = r->res.tables[0];
	vcol = col_named(t, energy ? "kWh" : "net");
	if (vcol < 0 || chart_keys(v))
		return;
	v->c.dec = energy ? 3 : 2;
	v->c.what = energy ? N_("kWh") : N_("net income, yuan");
	v->c.sum = ui_xcalloc((size_t)v->c.n, sizeof(int64_t));
	v->has_bars = 1;
	v->has_sparks = energy && r->a.period == RPT_DAY && r->a.group == RPT_BY_METER;
	if (v->has_sparks)
		spark_labels(v, t);
	for (int i = 0; i < rpt_table_rows(t); i++) {
		char *k = bsearch(rpt_table_cell(t, i, 0), v->c.key, (size_t)v->c.n, sizeof(v->c.key[0]),
				  key_cmp);
		int64_t val = cell_units(rpt_table_cell(t, i, vcol), v->c.dec);
		char *l;
		int p;

		if (!k)
			continue;
		p = (int)((k - v->c.key[0]) / (int)sizeof(v->c.key[0]));
		v->c.sum[p] += val;
		if (!v->has_sparks || !(l = bsearch(rpt_table_cell(t, i, 1), v->c.label,
						    (size_t)v->c.nser, sizeof(v->c.label[0]), key_cmp)))
			continue;
		v->c.ser[(size_t)((l - v->c.label[0]) / (int)sizeof(v->c.label[0])) * (size_t)v->c.n +
			 (size_t)p] += val;
	}
}

static void chart_free(struct chart *c)
{
	free(c->key);
	free(c->sum);
	free(c->label);
	free(c->ser);
	memset(c, 0, sizeof(*c));
}

/* A value in the cell's unit as its figure: "12.345", "-10.00". */
static char *figure(const struct chart *c, int64_t v, char *buf, size_t len)
{
	return c->dec == 3 ? rpt_energy_cell(v, buf, len) : rpt_money_cell(v, buf, len);
}

/* Bars: the period, a bar scaled to the largest, the figure at its end. */
static void draw_bars(struct view *v, int y, int bottom)
{
	const struct chart *c = &v->c;
	char f[32], head[200];
	int64_t max = 0, total = 0;
	int lw = 0, fw = 0, bw, rows = bottom - y;

	for (int i = 0; i < c->n; i++) {
		int64_t a = c->sum[i] < 0 ? -c->sum[i] : c->sum[i];
		if (a > max)
			max = a;
		total += c->sum[i];
		if (ui_text_width(figure(c, c->sum[i], f, sizeof(f))) > fw)
			fw = ui_text_width(f);
		if (ui_text_width(c->key[i]) > lw)
			lw = ui_text_width(c->key[i]);
	}
	snprintf(head, sizeof(head), _("%s per %s, total %s"), _(c->what),
		 _(v->r->a.period == RPT_DAY ? N_("day") : v->r->a.period == RPT_MONTH ? N_("month")
										      : N_("year")),
		 figure(c, total, f, sizeof(f)));
	attrset(A_BOLD | A_UNDERLINE);
	ui_put(y++, 1, head, COLS - 2, 0);
	attrset(A_NORMAL);
	bw = COLS - 1 - (1 + lw + 1) - 1 - fw;
	if (v->row > c->n - rows)
		v->row = c->n - rows > 0 ? c->n - rows : 0;
	for (int i = v->row; i < c->n && y <= bottom; i++, y++) {
		int x = 1 + lw + 1, n;
		ui_put(y, 1, c->key[i], lw, 0);
		if (c->sum[i] < 0)
			attrset(ui_attr(UI_C_ERROR));
		n = ui_hbar(y, x, bw, c->sum[i], max);
		attrset(A_NORMAL);
		ui_put(y, x + n + (n ? 1 : 0), figure(c, c->sum[i], f, sizeof(f)), fw, 0);
	}
}

/* A sparkline a meter: its kWh of each day of the span, the total after. */
static void draw_sparks(struct view *v, int y, int bottom)
{
	const struct chart *c = &v->c;
	char f[32], head[300];
	int lw = 0, sw, rows = bottom - y;

	for (int s = 0; s < c->nser; s++)
		if (ui_text_width(c->label[s]) > lw)
			lw = ui_text_width(c->label[s]);
	sw = COLS - 2 - lw - 1 - 14;
	if (sw > c->n)
		sw = c->n;
	if (sw < 1)
		sw = 1;
	snprintf(head, sizeof(head), _("kWh per day, %s to %s, a block a day"),
		 c->key[c->n > sw ? c->n - sw : 0], c->key[c->n - 1]);
	attrset(A_BOLD | A_UNDERLINE);
	ui_put(y++, 1, head, COLS - 2, 0);
	attrset(A_NORMAL);
	if (v->row > c->nser - rows)
		v->row = c->nser - rows > 0 ? c->nser - rows : 0;
	for (int s = v->row; s < c->nser && y <= bottom; s++, y++) {
		const int64_t *p = c->ser + (size_t)s * (size_t)c->n;
		int64_t tot = 0, max = 0;
		for (int i = 0; i < c->n; i++) {
			tot += p[i];
			if (p[i] > max)
				max = p[i];
		}
		ui_put(y, 1, c->label[s], lw, 0);
		ui_spark(y, 2 + lw, sw, p, c->n);
		ui_put(y, 3 + lw + sw, figure(c, tot, f, sizeof(f)), COLS - 4 - lw - sw, 0);
	}
}

/* ---- the screen ---- */

static void draw(struct view *v, int top, int bottom)
{
	const struct report_result *res = &v->r->res;
	const struct rpt_table *t = res->tables[v->table];
	char line[400], from[16], to[16];
	int y = top, rows;

	attrset(A_BOLD);
	ui_put(y++, 1, res->title, COLS - 2, 0);
	attrset(A_NORMAL);
	ui_put(y++, 1, res->subtitle, COLS - 2, 0);
	if (v->mode != M_TABLE) {
		if (v->mode == M_BARS)
			draw_bars(v, y + 1, bottom);
		else
			draw_sparks(v, y + 1, bottom);
		return;
	}
	rows = bottom - (y + 1);   /* below the tab line and the header */
	if (v->row > v->nlines - 1 - rows)
		v->row = v->nlines - 1 - rows > 0 ? v->nlines - 1 - rows : 0;
	snprintf(line, sizeof(line), _("Table %d of %d: %s"), v->table + 1, res->ntables,
		 res->table_names[v->table]);
	{
		int x = 1 + ui_put(y, 1, line, COLS - 2, 0) + 2;
		if (rpt_table_rows(t) > rows)
			snprintf(line, sizeof(line), _("rows %d–%d of %d"), v->row + 1,
				 v->row + rows < rpt_table_rows(t) ? v->row + rows : rpt_table_rows(t),
				 rpt_table_rows(t));
		else
			snprintf(line, sizeof(line), ngettext("%d row", "%d rows",
							      (unsigned long)rpt_table_rows(t)),
				 rpt_table_rows(t));
		if (v->width > COLS - 2) {
			size_t n = strlen(line);
			snprintf(line + n, sizeof(line) - n, "  %s", _("←→ more columns"));
		}
		attrset(ui_attr(UI_C_DIM));
		if (x < COLS - 1)
			ui_put(y, x, line, COLS - 1 - x, 0);
		attrset(A_NORMAL);
	}
	y++;
	if (v->nlines > 0) {
		attrset(A_BOLD | A_UNDERLINE);
		put_from(y, 1, v->lines[0], v->col, COLS - 2);
		attrset(A_NORMAL);
	}
	y++;
	if (!rpt_table_rows(t)) {
		report_local_date(v->r->a.from, v->r->a.utc_offset_min, from, sizeof(from));
		report_local_date(v->r->a.to - 1, v->r->a.utc_offset_min, to, sizeof(to));
		snprintf(line, sizeof(line), _("Nothing in this span (%s to %s): no rows to show."),
			 from, to);
		attrset(ui_attr(UI_C_DIM));
		ui_put(y, 2, line, COLS - 3, 0);
		attrset(A_NORMAL);
		return;
	}
	for (int i = 1 + v->row; i < v->nlines && y <= bottom; i++, y++)
		put_from(y, 1, v->lines[i], v->col, COLS - 2);
}

static void help(void)
{
	ui_message(_("Help"),
		   _("Up/Down and PgUp/PgDn scroll the rows, Left/Right the columns of a wide "
		     "table, Home goes back to the start. F4 shows the report's next table. F5 "
		     "shows a chart where the report has one (energy or sales by day, month or "
		     "year: a bar a period; energy by day and meter: a sparkline a meter) and "
		     "again goes on to the next view. F6 saves the report as CSV or XLSX. Esc "
		     "goes back to the report's form."));
}

int ui_report_view(struct ui_report *r)
{
	struct view *v = ui_xcalloc(1, sizeof(*v));
	struct ui *u = r->u;
	int top, bottom, key, page, ret = 0;

	v->r = r;
	lines_load(v);
	chart_load(v);
	ui_push(u, N_("Result"));
	while (!u->quit) {
		ui_frame(u, keys, &top, &bottom);
		draw(v, top, bottom);
		curs_set(0);
		refresh();
		page = bottom - top - 4 > 1 ? bottom - top - 4 : 1;
		key = ui_fkeys_map(keys, ui_getkey());
		if (key == UI_F(10)) {
			u->quit = 1;
			ret = -1;
			break;
		}
		if (key == UI_ESC)
			break;
		if (key == UI_F(1))
			help();
		else if (key == UI_F(4) && v->mode == M_TABLE && r->res.ntables > 1) {
			v->table = (v->table + 1) % r->res.ntables;
			lines_load(v);
		} else if (key == UI_F(5)) {
			/* table, bars, sparklines (where there are), table */
			if (v->mode == M_TABLE && v->has_bars)
				v->mode = M_BARS;
			else if (v->mode == M_BARS && v->has_sparks)
				v->mode = M_SPARKS;
			else if (v->mode == M_TABLE)
				ui_message(_("Chart"), _("This report has no chart: charts are drawn for "
							 "energy and sales by day, month or year."));
			else
				v->mode = M_TABLE;
			v->row = 0;
		} else if (key == UI_F(6))
			ui_report_save(r);
		else if (key == UI_K(KEY_UP) && v->row > 0)
			v->row--;
		else if (key == UI_K(KEY_DOWN))
			v->row++;   /* drawing keeps it in range */
		else if (key == UI_K(KEY_PPAGE))
			v->row = v->row > page ? v->row - page : 0;
		else if (key == UI_K(KEY_NPAGE))
			v->row += page;
		else if (key == UI_K(KEY_HOME))
			v->row = v->col = 0;
		else if (key == UI_K(KEY_END))
			v->row = v->nlines + v->c.n + v->c.nser;
		else if (key == UI_K(KEY_LEFT))
			v->col = v->col > 8 ? v->col - 8 : 0;
		else if (key == UI_K(KEY_RIGHT) && v->mode == M_TABLE && v->col + COLS - 2 < v->width)
			v->col += 8;
	}
	ui_pop(u);
	lines_free(v);
	chart_free(&v->c);
	free(v);
	return ret;
}
