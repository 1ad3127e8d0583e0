/* ui_receipts: the sales of the cashier's open shift (or, without one,
 * the newest sales) with the corrections a counter makes: reprint a
 * receipt (F5), mark it invoiced (F6), reverse a sale made by mistake
 * (F8, with a reason; a card meter's purchase comes back off the card,
 * so the card must be in the reader). Where the domain asks for an
 * administrator, one approves at this desk with their own password. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "money.h"
#include "reader.h"
#include "sale.h"
#include "ui_int.h"

static const char *headers[] = { N_("Sale"), N_("Time"), N_("Account"), N_("Meter"),
				 N_("Mode"), N_(">Amount"), N_("Status"), N_("Receipt") };

static const struct ui_fkey keys[] = {
	{ 1, 'h', N_("Help") }, { 5, 'p', N_("Reprint") }, { 6, 'i', N_("Invoiced") },
	{ 8, 'r', N_("Reverse") }, { 10, 'q', N_("Quit") }, { 0, 0, NULL }
};

struct rows {
	struct ui *u;
	struct ui_list l;
	struct sale_rec *recs;
	int n, cap;
};

static int add(const struct sale_rec *r, void *ctx)
{
	struct rows *rs = ctx;
	char id[24], when[32], amt[MONEY_BUFSZ], st[64], rc[24];
	const char *cells[8];

	if (rs->n == rs->cap) {
		int cap = rs->cap ? rs->cap * 2 : 64;
		struct sale_rec *n = ui_xcalloc((size_t)cap, sizeof(*n));
		if (rs->recs)
			memcpy(n, rs->recs, (size_t)rs->n * sizeof(*n));
		free(rs->recs);
		rs->recs = n;
		rs->cap = cap;
	}
	rs->recs[rs->n++] = *r;
	snprintf(id, sizeof(id), "%lld", (long long)r->id);
	/* A reversed sale stays complete in the ledger; "reversed" says more. */
	snprintf(st, sizeof(st), "%s", r->reversed ? _("reversed") : r->status);
	if (r->receipt_id)
		snprintf(rc, sizeof(rc), "%lld", (long long)r->receipt_id);
	else
		snprintf(rc, sizeof(rc), "—");
	cells[0] = id;
	cells[1] = ui_time(rs->u, r->created_at, when, sizeof(when));
	cells[2] = r->account_no;
	cells[3] = r->meter_no;
	cells[4] = r->mode;
	cells[5] = money_format_grouped(r->amount, amt, sizeof(amt));
	cells[6] = st;
	cells[7] = rc;
	ui_list_add(&rs->l, cells);
	return 0;
}

static int reload(struct rows *rs)
{
	struct sale_filter f;

	memset(&f, 0, sizeof(f));
	ui_shift_refresh(rs->u);
	f.shift_id = rs->u->shift_id;
	if (!f.shift_id)
		f.limit = 100;   /* no shift of one's own: the newest sales */
	ui_list_clear(&rs->l);
	rs->n = 0;
	return sale_list(&rs->u->s, &f, add, rs);
}

static const struct sale_rec *selected(const struct rows *rs)
{
	return rs->l.sel >= 0 && rs->l.sel < rs->n ? &rs->recs[rs->l.sel] : NULL;
}

struct rev {
	struct ui *u;
	struct session *ap;
	struct sale_io *io;
	int64_t id;
	const char *reason;
	struct ledger_rec *l;
};

static int do_reverse(struct rev *r)
{
	return sale_reverse(&r->u->s, r->ap, r->io, r->id, r->reason, r->l);
}

static int do_reverse_cb(void *p)
{
	return do_reverse(p);
}

/* Reverses sale s with a reason; for a card meter the card is written,
 * with the watcher paused. Offers the approver's log-in when needed. */
static void reverse(struct ui *u, const struct sale_rec *s)
{
	struct sale_io io;
	struct session ap;
	struct ledger_rec l;
	struct rev r = { u, NULL, &io, s->id, NULL, &l };
	char reason[201], intro[200], text[300], a[MONEY_BUFSZ];
	int card = !strcmp(s->mode, "card"), rc, k;

	snprintf(intro, sizeof(intro), "%s %lld. %s", _("Reverse sale"), (long long)s->id,
		 card ? _("The customer's card must be in the reader.") : "");
	if (ui_prompt(u, N_("Reverse"), intro, N_("Reason"), reason, sizeof(reason)) <= 0)
		return;
	r.reason = reason;
	memset(&io, 0, sizeof(io));
	io.cfg = &u->cfg;
	io.zh = !strncmp(u->cfg.locale, "zh", 2);
	if (card) {
		if ((k = ui_keys_need(u)) <= 0)
			return;
		io.ring = u->ring;
	}
	for (;;) {
		ui_progress(card ? _("Taking the purchase back off the card…") : _("Reversing…"));
		rc = card ? ui_with_reader(u, &io, do_reverse_cb, &r) : do_reverse(&r);
		if (rc && !r.ap && ui_approver(u, rc, &ap)) {
			r.ap = &ap;
			continue;
		}
		break;
	}
	explicit_bzero(&ap, sizeof(ap));
	if (rc) {
		ui_error(rc, rc == -SD_NO_CARD ? _("Insert the customer's card in the reader.") : NULL);
		return;
	}
	snprintf(text, sizeof(text), "%s %lld: %s %s", _("Reversal"), (long long)l.id,
		 money_format_grouped(-l.amount, a, sizeof(a)), _("yuan back to the customer"));
	ui_message(_("Reverse"), text);
}

int ui_receipts(struct ui *u)
{
	struct rows rs;
	const struct sale_rec *s;
	char num[24];
	int top, bottom, key, rc;

	memset(&rs, 0, sizeof(rs));
	rs.u = u;
	ui_list_init(&rs.l, 8, headers);
	ui_push(u, N_("Receipts"));
	if ((rc = reload(&rs)))
		ui_error(rc, NULL);
	while (!u->quit) {
		ui_frame(u, keys, &top, &bottom);
		attrset(A_BOLD);
		ui_put(top, 2, u->shift_id ? _("The sales of your open shift") : _("The newest sales"),
		       COLS - 4, 0);
		attrset(A_NORMAL);
		ui_list_draw(&rs.l, top + 2, bottom, _("No sale yet."));
		curs_set(0);
		refresh();
		key = ui_getkey();
		if (ui_list_key(&rs.l, key, bottom - top - 3))
			continue;
		key = ui_fkeys_map(keys, key);
		if (key == UI_F(10)) {
			u->quit = 1;
			break;
		}
		if (key == UI_ESC)
			break;
		if (key == UI_F(1)) {
			ui_message(_("Help"), _("F5 (p) prints the receipt again, marked as a reprint. "
						"F6 (i) marks it invoiced. F8 (r) reverses a sale made "
						"by mistake, with a reason: for a card meter the "
						"purchase is taken back off the card (insert it first; "
						"it must not have been in the meter). Sales of other "
						"shifts need an administrator's approval."));
			continue;
		}
		if (!(s = selected(&rs)))
			continue;
		snprintf(num, sizeof(num), "%lld", (long long)s->receipt_id);
		if (key == UI_F(5) || key == UI_F(6)) {
			if (!s->receipt_id) {
				ui_message(_("Receipts"), _("This sale has no receipt."));
				continue;
			}
			if (key == UI_F(5)) {
				struct sale_io io = { NULL, NULL, &u->cfg, !strncmp(u->cfg.locale, "zh", 2) };
				ui_progress(_("Printing…"));
				rc = sale_reprint(&u->s, &io, num);
				if (rc)
					ui_error(rc, NULL);
				else
					ui_message(_("Reprint"), _("The receipt was printed again, marked "
								   "as a reprint."));
			} else {
				rc = sale_mark_invoiced(&u->s, num);
				if (rc)
					ui_error(rc, NULL);
				else
					ui_message(_("Invoiced"), _("The receipt is marked as invoiced."));
			}
		} else if (key == UI_F(8)) {
			reverse(u, s);
			if ((rc = reload(&rs)))
				ui_error(rc, NULL);
		}
	}
	ui_list_free(&rs.l);
	free(rs.recs);
	ui_pop(u);
	return u->quit ? -1 : 0;
}
