/* ui_sale: the sale screen, built for speed at the counter. A user card
 * inserted anywhere in the menus opens it on the card's account; the
 * cursor waits in Amount, a live quote follows every digit (old debt
 * share, credit, energy, tariff; the change when Tendered is filled),
 * Enter confirms and Enter again writes the card and prints: two keys
 * beyond the digits. Customers without their card (billed and remote
 * meters) are found with the search of Find account (F3). F6 refunds the
 * credit the meter has not taken. While the card is written the watcher
 * stands aside (ui_card_pause) and the sale opens the reader itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "err.h"
#include "meter_view.h"
#include "money.h"
#include "perm.h"
#include "reader.h"
#include "sale.h"
#include "text.h"
#include "ui_int.h"

#define LAST_N 5

static const struct ui_fkey keys[] = {
	{ 1, 0, N_("Help") }, { 2, 0, N_("Sell") }, { 3, 0, N_("Find") }, { 6, 0, N_("Refund") },
	{ 10, 0, N_("Quit") }, { 0, 0, NULL }
};

struct screen {
	struct ui *u;
	struct account_rec acc;
	struct ui_field f[2];          /* amount, tendered */
	struct ui_form fm;
	struct sale_req req;
	struct sale_quote q;
	int has_quote;
	char quote_err[300];
	int confirm;                   /* Enter pressed once: the next writes */
	char result[600];
	int result_ok;
	struct sale_rec last[LAST_N];
	int n_last;
	int64_t balance;
	int has_balance;
	/* a remote sale's recharge, followed on screen until the
	 * meter-reading service says done or failed */
	int64_t command_id;
	char command_meter[16];
	char command_state[8];
	char result_base[380];  /* the result line without the recharge's state */
};

static int zh(const struct ui *u)
{
	return !strncmp(u->cfg.locale, "zh", 2);
}

int ui_card_account(struct ui *u, const char *card_account, char *no)
{
	struct account_rec *a = ui_xcalloc(1, sizeof(*a));
	size_t n = strlen(card_account);
	int widths[14], nw = 0, rc = -SD_NOT_FOUND;

	/* The card holds the number without its leading zeros: try the
	 * desk's usual 8 digits first, then every other width. */
	widths[nw++] = 8;
	for (int w = (int)n; w <= ACCOUNT_NO_MAX; w++)
		if (w != 8)
			widths[nw++] = w;
	for (int i = 0; i < nw && rc; i++) {
		char cand[ACCOUNT_NO_MAX + 1];
		if ((size_t)widths[i] < n)
			continue;
		snprintf(cand, sizeof(cand), "%.*s%s", widths[i] - (int)n, "000000000000",
			 card_account);
		if (account_get(&u->s, cand, a) == 0) {
			snprintf(no, ACCOUNT_NO_MAX + 1, "%s", a->account_no);
			rc = 0;
		}
	}
	free(a);
	return rc ? err_set(-SD_NOT_FOUND, "no account %s on this desk for the card",
			    card_account) : 0;
}

static int add_last(const struct sale_rec *r, void *ctx)
{
	struct screen *ss = ctx;

	if (ss->n_last < LAST_N)
		ss->last[ss->n_last++] = *r;
	return 0;
}

/* The first active meter: the one a sale goes to. */
static const struct meter_rec *sale_meter(const struct account_rec *a)
{
	for (int i = 0; i < a->n_meters; i++)
		if (!strcmp(a->meters[i].status, "active"))
			return &a->meters[i];
	return NULL;
}

/* (Re)reads the account, its last purchases and, for a billed meter, the
 * desk balance. */
static int load(struct screen *ss, const char *no)
{
	struct sale_filter f;
	const struct meter_rec *m;
	char keep[ACCOUNT_NO_MAX + 1];
	int rc;

	snprintf(keep, sizeof(keep), "%s", no);
	if ((rc = account_get(&ss->u->s, keep, &ss->acc)))
		return rc;
	memset(&f, 0, sizeof(f));
	f.account_id = ss->acc.id;
	f.limit = LAST_N;
	ss->n_last = 0;
	if ((rc = sale_list(&ss->u->s, &f, add_last, ss)))
		return rc;
	ss->has_balance = 0;
	m = sale_meter(&ss->acc);
	if (m && !strcmp(m->mode, "billed")) {
		/* The desk balance comes with a quote; one yuan asks for it
		 * without selling anything. */
		struct sale_req r = { ss->acc.account_no, NULL, 100, 0, 0 };
		struct sale_quote q;
		if (sale_quote(&ss->u->s, &r, &q) == 0 && q.has_balance) {
			ss->balance = q.balance;
			ss->has_balance = 1;
		}
	}
	return 0;
}

/* Works the quote out again from the fields, after every edit. */
static void requote(struct screen *ss)
{
	int64_t amount = 0, tendered = 0;
	char why[300];
	int rc;

	ss->has_quote = 0;
	ss->quote_err[0] = 0;
	if (!ss->f[0].text[0])
		return;
	if ((rc = money_parse(ss->f[0].text, 0, &amount)) ||
	    (ss->f[1].text[0] && (rc = money_parse(ss->f[1].text, 0, &tendered)))) {
		snprintf(ss->quote_err, sizeof(ss->quote_err), "%s", err_text(rc, why, sizeof(why)));
		return;
	}
	memset(&ss->req, 0, sizeof(ss->req));
	ss->req.account_no = ss->acc.account_no;
	ss->req.amount = amount;
	ss->req.tendered = tendered;
	if ((rc = sale_quote(&ss->u->s, &ss->req, &ss->q))) {
		snprintf(ss->quote_err, sizeof(ss->quote_err), "%s", err_text(rc, why, sizeof(why)));
		return;
	}
	ss->has_quote = 1;
}

static void label_row(int y, const char *label, const char *value)
{
	attrset(A_BOLD);
	ui_put(y, 2, label, 14, 1);
	attrset(A_NORMAL);
	ui_put(y, 17, value, COLS - 18, 0);
}

static void draw_account(struct screen *ss, int *y)
{
	const struct account_rec *a = &ss->acc;
	char buf[600], m1[MONEY_BUFSZ], m2[MONEY_BUFSZ];
	size_t used = 0;

	snprintf(buf, sizeof(buf), "%s   %s   %s %s%s%s", a->account_no, a->customer.name,
		 _("room"), a->building, a->building[0] ? "-" : "", a->room);
	label_row((*y)++, _("Account"), buf);
	buf[0] = 0;
	for (int i = 0; i < a->n_meters && used < sizeof(buf) - 80; i++) {
		const struct meter_rec *m = &a->meters[i];
		if (strcmp(m->status, "active"))
			continue;
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s %s %s",
					 used ? "; " : "", m->meter_no, m->mode, m->tariff_code);
	}
	label_row((*y)++, _("Meters"), buf[0] ? buf : _("no active meter"));
	if (a->debt > 0 && !strcmp(a->debt_mode, "share"))
		snprintf(buf, sizeof(buf), "%s (%lld.%02lld%% %s)",
			 money_format_grouped(a->debt, m1, sizeof(m1)),
			 (long long)(a->debt_share_bp / 100), (long long)(a->debt_share_bp % 100),
			 _("of each purchase"));
	else if (a->debt > 0)
		snprintf(buf, sizeof(buf), "%s (%s %s)", money_format_grouped(a->debt, m1, sizeof(m1)),
			 money_format_grouped(a->debt_fixed, m2, sizeof(m2)), _("per purchase"));
	else
		snprintf(buf, sizeof(buf), "%s", _("none"));
	if (ss->has_balance) {
		size_t n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, "   %s %s", _("desk balance"),
			 money_format_grouped(ss->balance, m1, sizeof(m1)));
	}
	label_row((*y)++, _("Old debt"), buf);
}

static void draw_last(struct screen *ss, int *y)
{
	char line[300], when[32], amt[MONEY_BUFSZ];

	attrset(A_BOLD);
	ui_put((*y)++, 2, _("Last purchases"), COLS - 4, 0);
	attrset(A_NORMAL);
	if (!ss->n_last) {
		attrset(ui_attr(UI_C_DIM));
		ui_put(*y, 4, _("none yet"), COLS - 6, 0);
		attrset(A_NORMAL);
	}
	for (int i = 0; i < LAST_N; i++) {
		const struct sale_rec *r = &ss->last[i];
		if (i >= ss->n_last)
			continue;
		snprintf(line, sizeof(line), "%s  %s %-5lld %s %-4lld %10s  %s%s",
			 ui_time(ss->u, r->created_at, when, sizeof(when)), _("sale"),
			 (long long)r->id, _("purchase"), (long long)r->purchase_seq,
			 money_format_grouped(r->amount, amt, sizeof(amt)), r->status,
			 r->reversed ? _(", reversed") : "");
		ui_put(*y + i, 4, line, COLS - 6, 0);
	}
	*y += LAST_N;
}

static void draw_quote(struct screen *ss, int y)
{
	char line[600], a[MONEY_BUFSZ], b[MONEY_BUFSZ], e[MONEY_BUFSZ];
	const struct sale_quote *q = &ss->q;

	if (ss->quote_err[0]) {
		attrset(ui_attr(UI_C_ERROR));
		ui_put(y, 2, ss->quote_err, COLS - 4, 0);
		attrset(A_NORMAL);
		return;
	}
	if (!ss->has_quote)
		return;
	snprintf(line, sizeof(line), "%s %s   %s %s   %s %s kWh   %s %s", _("Debt share"),
		 money_format_grouped(q->debt_paid, a, sizeof(a)), _("Credited"),
		 money_format_grouped(q->credited, b, sizeof(b)), _("Energy"),
		 energy_format(q->energy_wh, e, sizeof(e)), _("Tariff"), q->tariff);
	ui_put(y, 2, line, COLS - 4, 0);
	if (q->tendered) {
		snprintf(line, sizeof(line), "%s %s   %s %s", _("Tendered"),
			 money_format_grouped(q->tendered, a, sizeof(a)), _("Change"),
			 money_format_grouped(q->change, b, sizeof(b)));
		attrset(A_BOLD);
		ui_put(y + 1, 2, line, COLS - 4, 0);
		attrset(A_NORMAL);
	}
}

static void draw(struct screen *ss, int top, int bottom)
{
	int y = top, form_y;

	draw_account(ss, &y);
	draw_last(ss, &y);
	form_y = ++y;
	ui_form_draw(&ss->fm, form_y, 2, form_y + 3);
	y = form_y + 4;
	draw_quote(ss, y);
	y += 2;
	if (y > bottom - 1)
		y = bottom - 1;
	attrset(A_BOLD);
	if (ss->confirm)
		ui_put(y, 2, _("Press Enter to write the card and print (Esc: change the amount)"),
		       COLS - 4, 0);
	else if (!ss->result[0])
		ui_put(y, 2, _("Type the amount in yuan, then Enter to confirm"), COLS - 4, 0);
	attrset(A_NORMAL);
	if (ss->result[0]) {
		attrset(ss->result_ok ? ui_attr(UI_C_OK) | A_BOLD : ui_attr(UI_C_ERROR));
		ui_wrap(ss->result, y, 2, COLS - 4, 1);
		attrset(A_NORMAL);
	}
	if (ss->confirm)
		curs_set(0);
	else
		ui_form_cursor(&ss->fm, form_y, 2);
}

/* What to do next after the sale (or a correction) failed with rc. */
static const char *next_step(int rc)
{
	switch (rc) {
	case -SD_NO_SHIFT: return _("Open your shift first: main menu, Shift, F2.");
	case -SD_SALE_PENDING:
		return _("Put the customer's card in the reader and read it (saledesk sale settle) "
			 "to settle the pending sale, then sell again.");
	case -SD_CARD_STACK:
		return _("The customer inserts the card in the meter first, then comes back.");
	case -SD_CARD_PULLED:
		return _("The sale is pending: put the card back and settle it before selling "
			 "again.");
	case -SD_LIMIT: return _("Sell a smaller amount, or ask an administrator about the limit.");
	case -SD_NO_CARD: return _("Insert the customer's card in the reader.");
	case -SD_PCSC_DOWN: case -SD_NO_READER:
		return _("Check that the reader is plugged in and pcscd runs, then try again.");
	case -SD_KEYS_BAD: case -SD_KEYS_NONE:
		return _("Unlock the card keys from the main menu, then try again.");
	case -SD_PRINTER_OFF: case -SD_PRINTER_PAPER:
		return _("Reprint the receipt from Receipts when the printer is back.");
	default: return NULL;
	}
}

struct run_ctx {
	struct screen *ss;
	struct sale_io *io;
	struct sale_result *res;
	struct session *ap;
	const char *reason;
	struct ledger_rec *l;
};

static int do_sale(void *p)
{
	struct run_ctx *c = p;

	return sale_run(&c->ss->u->s, c->io, &c->ss->req, c->res);
}

static void result_text(struct screen *ss, const struct sale_result *res)
{
	char why[400], num[64];
	size_t n;

	snprintf(ss->result, sizeof(ss->result), "%s %lld %s", _("Sale"), (long long)res->sale.id,
		 _("complete"));
	n = strlen(ss->result);
	if (res->sale.purchase_seq) {
		snprintf(num, sizeof(num), ", %s %lld", _("purchase"), (long long)res->sale.purchase_seq);
		snprintf(ss->result + n, sizeof(ss->result) - n, "%s", num);
		n = strlen(ss->result);
	}
	snprintf(ss->result + n, sizeof(ss->result) - n, " · %s %s · ", _("receipt"),
		 res->receipt_no[0] ? res->receipt_no : "—");
	n = strlen(ss->result);
	if (!ss->u->cfg.printer[0])
		snprintf(ss->result + n, sizeof(ss->result) - n, "%s", _("no printer configured"));
	else if (res->print_rc)
		snprintf(ss->result + n, sizeof(ss->result) - n, "%s: %s (%s)", _("NOT PRINTED"),
			 err_text(res->print_rc, why, sizeof(why)), _("reprint from Receipts"));
	else
		snprintf(ss->result + n, sizeof(ss->result) - n, "%s", _("printed"));
	ss->command_id = res->command_id;
	ss->command_state[0] = 0;
	if (res->command_id) {
		snprintf(ss->command_meter, sizeof(ss->command_meter), "%s", res->sale.meter_no);
		/* the line so far, cut at a character start if it must be */
		text_copy(ss->result_base, sizeof(ss->result_base), ss->result);
		n = strlen(ss->result);
		snprintf(ss->result + n, sizeof(ss->result) - n, " · %s",
			 _("recharge queued for the meter-reading service"));
	}
}

static int find_command(const struct meter_cmd *c, void *ctx)
{
	struct screen *ss = ctx;

	if (c->id != ss->command_id)
		return 0;
	snprintf(ss->command_state, sizeof(ss->command_state), "%s", c->state);
	if (!strcmp(c->state, "done"))
		snprintf(ss->result, sizeof(ss->result), "%s · %s", ss->result_base,
			 _("recharge DONE: the meter has the credit"));
	else if (!strcmp(c->state, "failed"))
		snprintf(ss->result, sizeof(ss->result), "%s · %s: %s", ss->result_base,
			 _("recharge FAILED"), c->reason);
	else if (!strcmp(c->state, "sent"))
		snprintf(ss->result, sizeof(ss->result), "%s · %s", ss->result_base,
			 _("recharge sent to the meter…"));
	if (!strcmp(c->state, "failed"))
		ss->result_ok = 0;
	return 1;
}

/* Whether the screen still waits for its recharge's confirmation. */
static int following(const struct screen *ss)
{
	return ss->command_id && strcmp(ss->command_state, "done") &&
	       strcmp(ss->command_state, "failed");
}

/* Reads the recharge's state again (a tick of the screen's timer). */
static void follow_command(struct screen *ss)
{
	meter_view_commands(&ss->u->s, ss->command_meter, 20, find_command, ss);
}

/* The second Enter: sell what the quote showed. */
static void run(struct screen *ss)
{
	struct ui *u = ss->u;
	struct sale_io io;
	struct sale_result res;
	struct run_ctx c = { ss, &io, &res, NULL, NULL, NULL };
	int card = !strcmp(ss->q.mode, "card"), rc, k;

	memset(&io, 0, sizeof(io));
	memset(&res, 0, sizeof(res));
	io.cfg = &u->cfg;
	io.zh = zh(u);
	ss->confirm = 0;
	if (card) {
		if ((k = ui_keys_need(u)) <= 0) {
			if (k < 0)
				u->quit = 1;
			return;
		}
		io.ring = u->ring;
		ui_progress(_("Writing the card…"));
		rc = ui_with_reader(u, &io, do_sale, &c);
	} else {
		ui_progress(_("Recording the sale…"));
		rc = sale_run(&u->s, &io, &ss->req, &res);
	}
	if (rc) {
		char why[512];
		if (res.sale.id && !strcmp(res.sale.status, "pending"))
			snprintf(ss->result, sizeof(ss->result), "%s %lld %s", _("Sale"),
				 (long long)res.sale.id, _("is PENDING: no receipt yet"));
		else
			snprintf(ss->result, sizeof(ss->result), "%s", err_text(rc, why, sizeof(why)));
		ss->result_ok = 0;
		ui_error(rc, next_step(rc));
	} else {
		result_text(ss, &res);
		ss->result_ok = !res.print_rc;
		ui_field_set(&ss->f[0], "");
		ui_field_set(&ss->f[1], "");
		ss->fm.focus = 0;
	}
	ss->has_quote = 0;
	ss->quote_err[0] = 0;
	load(ss, ss->acc.account_no);
}

static int do_refund(void *p)
{
	struct run_ctx *c = p;

	return sale_refund(&c->ss->u->s, c->ap, c->io, c->ss->acc.account_no, 0, c->reason, c->l);
}

/* F6: the credit the meter has not taken goes back to the customer. */
static void refund(struct screen *ss)
{
	struct ui *u = ss->u;
	struct sale_io io;
	struct session ap;
	struct ledger_rec l;
	struct run_ctx c = { ss, &io, NULL, NULL, NULL, &l };
	char reason[201], text[300], a[MONEY_BUFSZ];
	const struct meter_rec *m = sale_meter(&ss->acc);
	int card = m && !strcmp(m->mode, "card"), rc, k;

	k = ui_prompt(u, N_("Refund"),
		      _("The credit the meter has not taken goes back: the card's last purchase, "
			"or the whole desk balance of a billed meter."),
		      N_("Reason"), reason, sizeof(reason));
	if (k <= 0)
		return;
	memset(&io, 0, sizeof(io));
	io.cfg = &u->cfg;
	io.zh = zh(u);
	c.reason = reason;
	if (card) {
		if ((k = ui_keys_need(u)) <= 0)
			return;
		io.ring = u->ring;
	}
	for (;;) {
		ui_progress(card ? _("Taking the purchase back off the card…") : _("Refunding…"));
		rc = card ? ui_with_reader(u, &io, do_refund, &c) : do_refund(&c);
		if (rc && !c.ap && ui_approver(u, rc, &ap)) {
			c.ap = &ap;
			continue;
		}
		break;
	}
	explicit_bzero(&ap, sizeof(ap));
	if (rc) {
		ui_error(rc, next_step(rc));
	} else {
		snprintf(text, sizeof(text), "%s %lld: %s %s", _("Refund"), (long long)l.id,
			 money_format_grouped(-l.amount, a, sizeof(a)),
			 _("yuan back to the customer"));
		ui_message(_("Refund"), text);
	}
	load(ss, ss->acc.account_no);
}

static void help(void)
{
	ui_message(_("Help"),
		   _("Type the amount in yuan: the quote follows. Tab: the cash handed over, for "
		     "the change. Enter confirms, Enter again writes the card (or books the "
		     "sale) and prints. Esc: change the amount, or leave. F3 finds another "
		     "account; inserting another card opens its account. F6 refunds the "
		     "credit the meter has not taken."));
}

/* A new user card in the reader while the screen is open switches to
 * its account (not in the middle of a confirmation). */
static void card_changed(struct screen *ss)
{
	struct ui_card_info ci;
	char no[ACCOUNT_NO_MAX + 1];

	ui_card_get(ss->u->card, &ci);
	if (ci.gen == ss->u->card_seen)
		return;
	ss->u->card_seen = ci.gen;
	if (ci.state != UI_CARD_PRESENT || !ci.user || ss->confirm)
		return;
	if (ui_card_account(ss->u, ci.account, no) || !strcmp(no, ss->acc.account_no))
		return;
	if (load(ss, no) == 0) {
		ui_field_set(&ss->f[0], "");
		ui_field_set(&ss->f[1], "");
		ss->result[0] = 0;
		ss->has_quote = 0;
		ss->quote_err[0] = 0;
	}
}

int ui_sale_account(struct ui *u, const char *account_no)
{
	struct screen *ss = ui_xcalloc(1, sizeof(*ss));
	int top, bottom, key, rc, ret = 0;

	ss->u = u;
	ss->fm.fields = ss->f;
	ss->fm.n = 2;
	ss->f[0].label = N_("Amount (yuan)");
	ss->f[0].width = 14;
	ss->f[1].label = N_("Tendered");
	ss->f[1].hint = N_("optional: cash handed over");
	ss->f[1].width = 14;
	if ((rc = load(ss, account_no))) {
		ui_error(rc, _("Search the account again."));
		free(ss);
		return 0;
	}
	ui_push(u, N_("Sale"));
	while (!u->quit) {
		ui_frame(u, keys, &top, &bottom);
		draw(ss, top, bottom);
		refresh();
		/* a queued recharge is followed on a timer; otherwise keys only */
		key = ui_fkeys_map(keys, following(ss) ? ui_getkey_timeout(1000) : ui_getkey());
		if (key == UI_K_TICK) {
			follow_command(ss);
			continue;
		}
		if (key == UI_F(10)) {
			u->quit = 1;
			break;
		}
		if (key == UI_K_CARD) {
			card_changed(ss);
			continue;
		}
		if (key == UI_ESC) {
			if (ss->confirm) {
				ss->confirm = 0;
				continue;
			}
			break;
		}
		if (key == UI_F(1)) {
			help();
			continue;
		}
		if (key == UI_F(3)) {
			char no[ACCOUNT_NO_MAX + 1];
			int k = ui_accounts_pick(u, N_("Find account"), no);
			if (k < 0)
				break;
			if (k == 1 && load(ss, no) == 0) {
				ui_field_set(&ss->f[0], "");
				ui_field_set(&ss->f[1], "");
				ss->result[0] = 0;
				ss->has_quote = 0;
				ss->quote_err[0] = 0;
				ss->confirm = 0;
			}
			continue;
		}
		if (key == UI_F(6)) {
			ss->confirm = 0;
			refund(ss);
			continue;
		}
		if (ui_is_enter(key) || key == UI_F(2)) {
			if (ss->confirm) {
				run(ss);
				continue;
			}
			requote(ss);
			if (!ss->f[0].text[0])
				snprintf(ss->quote_err, sizeof(ss->quote_err), "%s",
					 _("Type the amount first."));
			else if (ss->has_quote)
				ss->confirm = 1;
			continue;
		}
		/* Anything else edits the fields; an edit cancels a confirmation. */
		rc = ui_form_key(&ss->fm, key);
		if (rc == UI_FORM_EDITED) {
			ss->confirm = 0;
			ss->result[0] = 0;
			requote(ss);
		} else if (rc == UI_FORM_NONE) {
			ss->confirm = 0;
		}
	}
	ui_pop(u);
	ret = u->quit ? -1 : 0;
	free(ss);
	return ret;
}

int ui_sale(struct ui *u)
{
	struct ui_card_info ci;
	char no[ACCOUNT_NO_MAX + 1];
	int k;

	ui_card_get(u->card, &ci);
	if (ci.state == UI_CARD_PRESENT && ci.user && ui_card_account(u, ci.account, no) == 0) {
		u->card_seen = ci.gen;
		return ui_sale_account(u, no);
	}
	k = ui_accounts_pick(u, N_("Sale: find the account"), no);
	if (k <= 0)
		return k;
	return ui_sale_account(u, no);
}

int ui_card_event(struct ui *u)
{
	struct ui_card_info ci;
	char no[ACCOUNT_NO_MAX + 1];
	int rc;

	ui_card_get(u->card, &ci);
	if (ci.gen == u->card_seen)
		return 0;
	u->card_seen = ci.gen;
	if (ci.state != UI_CARD_PRESENT || !ci.user || !(perm_roles(PERM_SALE) & u->s.roles))
		return 0;
	if ((rc = ui_card_account(u, ci.account, no))) {
		ui_error(rc, _("This card is not from this desk: keep it and ask an administrator."));
		return 0;
	}
	return ui_sale_account(u, no);
}
