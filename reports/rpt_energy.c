/* rpt_energy: energy by time-of-use per meter, account, building or site
 * (issue 9), and the registry of the energy and meter reports. */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "rpt_energy_int.h"

/* One row being summed: a group in one period. */
struct acc {
	char key[40];
	int64_t bucket;
	int64_t wh, rate[TARIFF_RATE_COUNT], fen, unpriced;
};

struct accs {
	struct acc *v;
	size_t n, cap;
};

struct walk_ctx {
	const struct report_args *a;
	struct accs *out;
	int64_t span_from; /* of the walk (a year back for the comparison) */
	int shift;         /* years to add to the bucket to meet this year's */
};

static const char *group_key(const struct report_args *a, const struct rpe_meter *m)
{
	switch (a->group) {
	case RPT_BY_METER:
		return m->meter_no;
	case RPT_BY_ACCOUNT:
		return m->account_no[0] ? m->account_no : "(none)";
	case RPT_BY_BUILDING:
		return m->building[0] ? m->building : "(none)";
	default:
		return "site";
	}
}

static int add_piece(const struct rpe_meter *m, const struct rpe_piece *h, void *arg)
{
	struct walk_ctx *w = arg;
	const struct report_args *a = w->a;
	const char *key = group_key(a, m);
	int64_t b = rpe_bucket(h->at, a->utc_offset_min, a->period, w->span_from);
	struct acc *c;

	if (a->period == RPT_SPAN)
		b = a->from;
	else if (w->shift)
		b = rpe_shift_years(b, a->utc_offset_min, w->shift);
	c = w->out->n ? &w->out->v[w->out->n - 1] : NULL;
	if (!c || c->bucket != b || strcmp(c->key, key)) {
		if (w->out->n == w->out->cap) {
			size_t cap = w->out->cap ? w->out->cap * 2 : 256;
			struct acc *v = realloc(w->out->v, cap * sizeof(*v));

			if (!v)
				return -SD_NOMEM;
			w->out->v = v;
			w->out->cap = cap;
		}
		c = &w->out->v[w->out->n++];
		memset(c, 0, sizeof(*c));
		snprintf(c->key, sizeof(c->key), "%s", key);
		c->bucket = b;
	}
	c->wh += h->wh;
	if (!h->priced) {
		c->unpriced += h->wh;
		return 0;
	}
	for (int i = 0; i < TARIFF_RATE_COUNT; i++)
		c->rate[i] += h->rate_wh[i];
	c->fen += h->fen;
	return 0;
}

static int acc_cmp(const void *x, const void *y)
{
	const struct acc *p = x, *q = y;

	if (p->bucket != q->bucket)
		return p->bucket < q->bucket ? -1 : 1;
	return strcmp(p->key, q->key);
}

/* Sorts by period then group and folds equal rows together. */
static void acc_fold(struct accs *s)
{
	size_t i, n = 0;

	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof(*s->v), acc_cmp);
	for (i = 1; i < s->n; i++) {
		struct acc *d = &s->v[n], *e = &s->v[i];

		if (!acc_cmp(d, e)) {
			d->wh += e->wh;
			d->fen += e->fen;
			d->unpriced += e->unpriced;
			for (int r = 0; r < TARIFF_RATE_COUNT; r++)
				d->rate[r] += e->rate[r];
		} else {
			s->v[++n] = *e;
		}
	}
	s->n = n + 1;
}

/* The change from before to now in percent with one decimal, rounded half
 * away from zero; "" when there is nothing to compare with. */
static char *change_pct(int64_t now, int64_t before, char *buf, unsigned len)
{
	int64_t num, q;

	if (before <= 0) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	num = (now - before) * 1000;
	q = (num >= 0 ? num + before / 2 : num - before / 2) / before;
	snprintf(buf, len, "%s%lld.%lld", q < 0 ? "-" : "", (long long)(q < 0 ? -q : q) / 10,
		 (long long)(q < 0 ? -q : q) % 10);
	return buf;
}

static const char *group_title(enum report_group g)
{
	switch (g) {
	case RPT_BY_METER:
		return "Meter";
	case RPT_BY_ACCOUNT:
		return "Account";
	case RPT_BY_BUILDING:
		return "Building";
	default:
		return "Site";
	}
}

/* Adds one row: period label, optional group, this span, the year before. */
static int put_row(struct rpt_table *t, const char *period, const char *group,
		   const struct acc *c, const struct acc *ly, int yoy)
{
	static const struct acc zero;
	char b[12][32];
	const char *cells[12];
	int n = 0;

	if (!c)
		c = &zero;
	if (!ly)
		ly = &zero;
	cells[n++] = period;
	if (group)
		cells[n++] = group;
	cells[n++] = rpe_kwh(c->wh, b[0], sizeof(b[0]));
	for (int r = 0; r < TARIFF_RATE_COUNT; r++)
		cells[n++] = rpe_kwh(c->rate[r], b[1 + r], sizeof(b[1 + r]));
	cells[n++] = rpe_yuan(c->fen, b[5], sizeof(b[5]));
	if (yoy) {
		cells[n++] = rpe_kwh(ly->wh, b[6], sizeof(b[6]));
		cells[n++] = rpe_yuan(ly->fen, b[7], sizeof(b[7]));
		cells[n++] = change_pct(c->wh, ly->wh, b[8], sizeof(b[8]));
	}
	return rpt_table_add(t, cells);
}

static struct rpt_table *energy_table(const struct report_args *a, int with_group)
{
	const char *h[12];
	int n = 0;

	h[n++] = "Period";
	if (with_group)
		h[n++] = group_title(a->group);
	h[n++] = ">kWh";
	h[n++] = ">Sharp kWh";
	h[n++] = ">Peak kWh";
	h[n++] = ">Flat kWh";
	h[n++] = ">Valley kWh";
	h[n++] = ">Charges yuan";
	if (a->yoy) {
		h[n++] = ">Year before kWh";
		h[n++] = ">Year before yuan";
		h[n++] = ">Change %";
	}
	return rpt_table_new(n, h);
}

static void acc_add(struct acc *d, const struct acc *e)
{
	d->wh += e->wh;
	d->fen += e->fen;
	d->unpriced += e->unpriced;
	for (int r = 0; r < TARIFF_RATE_COUNT; r++)
		d->rate[r] += e->rate[r];
}

/* Fills the detail and totals tables from the folded sums of this span
 * (cur) and the year before (ly, empty without yoy). */
static int energy_tables(const struct report_args *a, const struct accs *cur,
			 const struct accs *ly, struct report_result *res)
{
	struct rpt_table *det, *tot;
	struct acc pt, plt, gt, glt;
	size_t i = 0, j = 0;
	int64_t bucket = INT64_MIN;
	char label[48];
	int rc = 0;

	det = energy_table(a, a->group != RPT_BY_NONE && a->group != RPT_BY_SITE);
	tot = energy_table(a, 0);
	res->tables[res->ntables] = det;
	res->table_names[res->ntables++] = "Energy";
	res->tables[res->ntables] = tot;
	res->table_names[res->ntables++] = "Totals";
	if (!det || !tot)
		return -SD_NOMEM;
	memset(&gt, 0, sizeof(gt));
	memset(&glt, 0, sizeof(glt));
	memset(&pt, 0, sizeof(pt));
	memset(&plt, 0, sizeof(plt));
	/* Both lists are sorted by period then group: walk them together. */
	while (!rc && (i < cur->n || j < ly->n)) {
		const struct acc *c = i < cur->n ? &cur->v[i] : NULL;
		const struct acc *l = j < ly->n ? &ly->v[j] : NULL;
		int cmp = !c ? 1 : !l ? -1 : acc_cmp(c, l);
		const struct acc *row = cmp <= 0 ? c : l;

		if (row->bucket != bucket) {
			if (bucket != INT64_MIN)
				rc = put_row(tot, label, NULL, &pt, &plt, a->yoy);
			memset(&pt, 0, sizeof(pt));
			memset(&plt, 0, sizeof(plt));
			bucket = row->bucket;
			rpe_bucket_label(bucket, a->to, a->utc_offset_min, a->period, label,
					 sizeof(label));
		}
		if (cmp > 0)
			c = NULL;
		if (cmp < 0)
			l = NULL;
		if (!rc && det && (a->group != RPT_BY_NONE && a->group != RPT_BY_SITE))
			rc = put_row(det, label, row->key, c, l, a->yoy);
		else if (!rc)
			rc = put_row(det, label, NULL, c, l, a->yoy);
		if (c) {
			acc_add(&pt, c);
			acc_add(&gt, c);
			i++;
		}
		if (l) {
			acc_add(&plt, l);
			acc_add(&glt, l);
			j++;
		}
	}
	if (!rc && bucket != INT64_MIN)
		rc = put_row(tot, label, NULL, &pt, &plt, a->yoy);
	if (!rc)
		rc = put_row(tot, "Total", NULL, &gt, &glt, a->yoy);
	if (!rc && gt.unpriced) {
		char k[32];
		size_t len = strlen(res->subtitle);

		snprintf(res->subtitle + len, sizeof(res->subtitle) - len,
			 "; %s kWh used when no tariff version was in force is not priced",
			 rpe_kwh(gt.unpriced, k, sizeof(k)));
	}
	return rc;
}

static const char *period_name(enum report_period p)
{
	static const char *const n[] = { "span", "day", "month", "year" };

	return (unsigned)p < 4 ? n[p] : "span";
}

/* "From ... to ... (local), by month and meter, building A". */
void rpe_subtitle(const struct report_args *a, const char *what, struct report_result *res)
{
	char f[32], t[32];
	int n;

	n = snprintf(res->subtitle, sizeof(res->subtitle), "From %s to %s%s%s",
		     rpe_time(a->from, a->utc_offset_min, f, sizeof(f)),
		     rpe_time(a->to, a->utc_offset_min, t, sizeof(t)), what ? ", " : "",
		     what ? what : "");
	if (n < 0 || (size_t)n >= sizeof(res->subtitle))
		return;
	if (a->building && a->building[0])
		n += snprintf(res->subtitle + n, sizeof(res->subtitle) - (size_t)n, ", building %s",
			      a->building);
	if (n >= 0 && (size_t)n < sizeof(res->subtitle) && a->account_no && a->account_no[0])
		n += snprintf(res->subtitle + n, sizeof(res->subtitle) - (size_t)n, ", account %s",
			      a->account_no);
	if (n >= 0 && (size_t)n < sizeof(res->subtitle) && a->meter_no && a->meter_no[0])
		snprintf(res->subtitle + n, sizeof(res->subtitle) - (size_t)n, ", meter %s",
			 a->meter_no);
}

static int energy_run(struct db *db, const struct report_args *a, struct report_result *res)
{
	struct accs cur = { 0 }, ly = { 0 };
	struct walk_ctx w;
	char what[64];
	int rc;

	memset(res, 0, sizeof(*res));
	if (a->to <= a->from)
		return err_set(-SD_INVAL, "the span is empty: --to must be after --from");
	snprintf(res->title, sizeof(res->title), "Energy by time of use%s",
		 a->yoy ? ", with the year before" : "");
	snprintf(what, sizeof(what), "by %s and %s", period_name(a->period),
		 a->group == RPT_BY_NONE ? "site" : group_title(a->group));
	for (char *p = what; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	rpe_subtitle(a, what, res);
	w.a = a;
	w.out = &cur;
	w.span_from = a->from;
	w.shift = 0;
	rc = rpe_walk(db, a, a->from, a->to, a->period, add_piece, &w);
	if (!rc && a->yoy) {
		w.out = &ly;
		w.span_from = rpe_shift_years(a->from, a->utc_offset_min, -1);
		w.shift = 1;
		rc = rpe_walk(db, a, w.span_from, rpe_shift_years(a->to, a->utc_offset_min, -1),
			      a->period, add_piece, &w);
	}
	if (!rc) {
		acc_fold(&cur);
		acc_fold(&ly);
		rc = energy_tables(a, &cur, &ly, res);
	}
	free(cur.v);
	free(ly.v);
	if (rc)
		report_result_free(res);
	return rc;
}

#define B(x) (1u << (x))

const struct report_def report_energy[] = {
	{ "energy", "Energy by time of use (sharp/peak/flat/valley) with charges",
	  B(RPT_BY_NONE) | B(RPT_BY_METER) | B(RPT_BY_ACCOUNT) | B(RPT_BY_BUILDING) | B(RPT_BY_SITE),
	  B(RPT_SPAN) | B(RPT_DAY) | B(RPT_MONTH) | B(RPT_YEAR), energy_run },
	{ "freeze", "Monthly freeze report: energy between freezes per meter",
	  B(RPT_BY_METER), B(RPT_SPAN), rpe_freeze_run },
	{ "demand", "Maximum demand per meter per month",
	  B(RPT_BY_METER), B(RPT_MONTH), rpe_demand_run },
	{ "offline", "Meters offline", B(RPT_BY_METER), B(RPT_SPAN), rpe_offline_run },
	{ "alarms", "Alarms raised over the span", B(RPT_BY_NONE), B(RPT_SPAN), rpe_alarms_run },
	{ NULL, NULL, 0, 0, NULL },
};
