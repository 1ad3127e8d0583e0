/* ui_commission: the commissioning sequence of a meter (REQUIREMENTS.md,
 * "Site commissioning with technician cards") as a guided flow: (1) a
 * reset card returns the controller to its reset state, (2) a clear card
 * wipes this and last month's data and purchase records, (3) the account
 * is opened and its user card carries every parameter with the first
 * purchase, (4) a check card reads the meter back, and the desk compares
 * what it recorded with what the desk expects. Cards are issued with
 * ui_tech.c's helpers, so every write is the domain's and audited.
 *
 * What the domain does not offer is said on screen, not faked: the desk
 * cannot see a meter take a reset or clear card (only the technician can
 * say so), step 3 needs a cashier (a technician may not open accounts or
 * sell), and there is no commissioning record in the database, so the
 * progress is kept for as long as the program runs (leave the screen and
 * come back to resume), not across a restart. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "err.h"
#include "ui_int.h"
#include "ui_tech.h"

enum step_state { S_TODO, S_ISSUED, S_DONE, S_FAILED };

#define N_STEPS 4

/* The flow in progress; kept for the program's life so it resumes. */
static struct {
	char meter[16];
	char account[16];      /* the account holding the meter, "" none yet */
	enum step_state st[N_STEPS];
	char res[N_STEPS][400];
} flow;

static const char *const step_names[N_STEPS] = {
	N_("1. Reset card: return the controller to its reset state"),
	N_("2. Clear card: wipe this and last month's data and purchases"),
	N_("3. Open the account: its user card with the first purchase"),
	N_("4. Check card: read the meter back and compare"),
};

static const struct ui_fkey keys[] = {
	{ 1, 'h', N_("Help") }, { 3, 'd', N_("In the meter") }, { 4, 'm', N_("Other meter") },
	{ 10, 'q', N_("Quit") }, { 0, 0, NULL }
};

struct owner {
	const char *meter;
	char *account;
};

static int find_owner(const struct account_rec *a, void *ctx)
{
	struct owner *o = ctx;

	for (int i = 0; i < a->n_meters; i++)
		if (!strcmp(a->meters[i].meter_no, o->meter)) {
			snprintf(o->account, 16, "%s", a->account_no);
			return 1;
		}
	return 0;
}

/* Looks up which account holds the meter now (step 3 may have opened
 * it since the flow started). */
static void refresh_account(struct ui *u)
{
	struct account_filter f = { flow.meter, NULL, NULL, 0 };
	struct owner o = { flow.meter, flow.account };

	flow.account[0] = 0;
	account_list(&u->s, &f, find_owner, &o);
}

static int done_meter(void *ctx, struct ui_form *fm)
{
	const char *t = fm->fields[0].text;

	(void)ctx;
	if (!*t || strspn(t, "0123456789") != strlen(t) || strlen(t) > 12) {
		snprintf(fm->fields[0].msg, sizeof(fm->fields[0].msg), "%s",
			 _("The meter number: up to 12 digits."));
		return -1;
	}
	return 0;
}

/* Asks which meter is commissioned; starts a new flow. 1, 0 left, -1. */
static int ask_meter(struct ui *u)
{
	struct ui_field f;
	struct ui_form fm = { &f, 1, 0, 0 };
	int rc;

	memset(&f, 0, sizeof(f));
	f.label = N_("Meter number");
	f.width = 16;
	if (flow.meter[0])
		ui_field_set(&f, flow.meter);
	rc = ui_form_run(u, N_("Commission a meter"),
			 _("Which meter is commissioned? The cards of every step are for it."),
			 &fm, NULL, done_meter, NULL);
	if (rc == 1 && strcmp(flow.meter, f.text)) {
		memset(&flow, 0, sizeof(flow));
		snprintf(flow.meter, sizeof(flow.meter), "%.12s", f.text);
	}
	return rc;
}

static int strip_eq(const char *a, const char *b)
{
	while (*a == '0' && a[1])
		a++;
	while (*b == '0' && b[1])
		b++;
	return !strcmp(a, b);
}

/* Compares the check answer with what the desk expects of the meter. */
static void compare(const struct card_state *st)
{
	const struct card_check *c = &st->check;
	char got[300];
	int ok = 1, n;

	ui_tech_check_text(st, got, sizeof(got));
	n = snprintf(flow.res[3], sizeof(flow.res[3]), "%s\n", got);
	if (strcmp(c->meter, flow.meter)) {
		n += snprintf(flow.res[3] + n, sizeof(flow.res[3]) - (size_t)n,
			      _("MISMATCH: the card was in meter %s, not %s. "), c->meter, flow.meter);
		ok = 0;
	}
	if (!flow.account[0] || !c->account[0] || !strip_eq(c->account, flow.account)) {
		n += snprintf(flow.res[3] + n, sizeof(flow.res[3]) - (size_t)n,
			      _("MISMATCH: the meter knows account %s, the desk %s. "),
			      c->account[0] ? c->account : "-",
			      flow.account[0] ? flow.account : "-");
		ok = 0;
	}
	if (c->count < 1 && n > 0 && (size_t)n < sizeof(flow.res[3])) {
		n += snprintf(flow.res[3] + n, sizeof(flow.res[3]) - (size_t)n, "%s",
			      _("MISMATCH: the meter has no purchase: step 3 is not done. "));
		ok = 0;
	}
	if (ok && n > 0 && (size_t)n < sizeof(flow.res[3]))
		snprintf(flow.res[3] + n, sizeof(flow.res[3]) - (size_t)n, "%s",
			 _("Matches the desk: the meter is commissioned."));
	flow.st[3] = ok ? S_DONE : S_FAILED;
}

/* Enter on a step: the next thing that step needs. */
static int run_step(struct ui *u, int i)
{
	int done = 0, rc = 0;

	if (i == 0 || i == 1) {
		rc = ui_tech_issue(u, i == 0 ? CARD_RESET : CARD_CLEAR, flow.meter, flow.res[i],
				   sizeof(flow.res[i]), &done);
		if (done)
			flow.st[i] = S_ISSUED;
	} else if (i == 2) {
		refresh_account(u);
		if (flow.account[0]) {
			snprintf(flow.res[2], sizeof(flow.res[2]),
				 _("The desk has account %s on this meter. When its user card "
				   "with the first purchase went into the meter, press F3."),
				 flow.account);
		} else {
			snprintf(flow.res[2], sizeof(flow.res[2]), "%s",
				 _("No account holds this meter yet. A technician may not open "
				   "accounts or sell: a cashier opens it (Open new account, with "
				   "this meter and a card) and sells the first purchase; then the "
				   "card goes into the meter. Press Enter here again afterwards."));
		}
	} else if (flow.st[3] == S_TODO || flow.st[3] == S_DONE || flow.st[3] == S_FAILED) {
		if (flow.st[3] != S_TODO &&
		    !ui_confirm(_("Issue a new check card? (n: read the one already issued)")))
			goto read;
		rc = ui_tech_issue(u, CARD_CHECK, NULL, flow.res[3], sizeof(flow.res[3]), &done);
		if (done)
			flow.st[3] = S_ISSUED;
	} else {
		struct card_state st;
read:
		rc = ui_tech_read_check(u, &st, &done);
		if (done) {
			refresh_account(u);
			compare(&st);
		}
	}
	return rc;
}

static void help(void)
{
	ui_message(_("Help"),
		   _("Up/Down choose a step; Enter does its next part (issue its card, or "
		     "read the check card back). F3 says the card went into the meter: the "
		     "desk cannot see a meter take a reset or clear card. F4 starts over "
		     "with another meter. The progress stays while the program runs."));
}

static const char *state_text(int i)
{
	switch (flow.st[i]) {
	case S_ISSUED:
		return i == 3 ? _("card issued: insert it in the meter, then Enter")
			      : _("card issued: insert it in the meter, then F3");
	case S_DONE: return i == 3 ? _("matches") : _("done");
	case S_FAILED: return _("DOES NOT MATCH");
	default: return _("to do");
	}
}

int ui_commission(struct ui *u)
{
	int top, bottom, key, i, sel = 0, rc;

	if (!flow.meter[0] && (rc = ask_meter(u)) <= 0)
		return rc;
	/* Resuming: the account may have been opened at the counter since. */
	refresh_account(u);
	for (sel = 0; sel < N_STEPS - 1 && flow.st[sel] == S_DONE; sel++)
		;
	ui_push(u, N_("Commission a meter"));
	while (!u->quit) {
		char line[256];
		int y;
		ui_frame(u, keys, &top, &bottom);
		snprintf(line, sizeof(line), _("Meter %s — account %s"), flow.meter,
			 flow.account[0] ? flow.account : _("(none yet)"));
		attron(A_BOLD);
		ui_put(top, 2, line, COLS - 4, 0);
		attrset(A_NORMAL);
		for (i = 0; i < N_STEPS; i++) {
			attrset(i == sel ? ui_attr(UI_C_SELECT) : A_NORMAL);
			ui_put(top + 2 + i * 2, 2, _(step_names[i]), COLS - 4, 1);
			attrset(flow.st[i] == S_FAILED ? ui_attr(UI_C_ERROR)
				: flow.st[i] == S_DONE ? ui_attr(UI_C_OK) : ui_attr(UI_C_DIM));
			ui_put(top + 3 + i * 2, 6, state_text(i), COLS - 8, 0);
			attrset(A_NORMAL);
		}
		y = top + 3 + N_STEPS * 2;
		if (flow.res[sel][0] && y < bottom)
			ui_wrap(flow.res[sel], y, 2, COLS - 4, 1);
		curs_set(0);
		refresh();
		key = ui_fkeys_map(keys, ui_getkey());
		if (key == UI_F(10)) {
			u->quit = 1;
			break;
		}
		if (key == UI_ESC)
			break;
		if (key == UI_F(1))
			help();
		else if (key == UI_K(KEY_UP) && sel > 0)
			sel--;
		else if (key == UI_K(KEY_DOWN) && sel < N_STEPS - 1)
			sel++;
		else if (key == UI_F(4)) {
			if (ask_meter(u) < 0)
				break;
			refresh_account(u);
			sel = 0;
		} else if (key == UI_F(3) && sel < 3) {
			if (sel == 2) {
				refresh_account(u);
				if (!flow.account[0]) {
					run_step(u, 2);
					continue;
				}
			} else if (flow.st[sel] != S_ISSUED) {
				snprintf(flow.res[sel], sizeof(flow.res[sel]), "%s",
					 _("Issue the card first (Enter)."));
				continue;
			}
			flow.st[sel] = S_DONE;
			if (sel < N_STEPS - 1)
				sel++;
		} else if (ui_is_enter(key)) {
			if (run_step(u, sel) < 0)
				u->quit = 1;
		}
	}
	ui_pop(u);
	return u->quit ? -1 : 0;
}
