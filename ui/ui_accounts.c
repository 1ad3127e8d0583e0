/* ui_accounts: find an account as you type — by name, room, account
 * number, meter number or phone — with the count of matches, and Enter
 * for its detail. Each keystroke runs one count and one page of results
 * (about 2 ms over 10,000 accounts, docs/benchmarks.md). */
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "err.h"
#include "money.h"
#include "ui_int.h"

static const char *headers[] = { N_("Account"), N_("Name"), N_("Room"), N_("Phone"),
				 N_("Meters"), N_("Status") };

static const struct ui_fkey keys[] = {
	{ 1, 0, N_("Help") }, { 3, 0, N_("Detail") }, { 10, 0, N_("Quit") }, { 0, 0, NULL }
};

static int add_row(const struct account_rec *a, void *ctx)
{
	char room[200], meters[160] = "";
	const char *cells[6];

	snprintf(room, sizeof(room), "%s%s%s", a->building, a->building[0] ? "-" : "", a->room);
	for (int i = 0; i < a->n_meters; i++) {
		if (i)
			strncat(meters, " ", sizeof(meters) - strlen(meters) - 1);
		strncat(meters, a->meters[i].meter_no, sizeof(meters) - strlen(meters) - 1);
	}
	cells[0] = a->account_no;
	cells[1] = a->customer.name;
	cells[2] = room;
	cells[3] = a->customer.phone;
	cells[4] = meters;
	cells[5] = a->status;
	ui_list_add(ctx, cells);
	return 0;
}

/* Runs the search for the field's text; returns the count or a negative
 * code (shown by the caller). */
static int search(struct ui *u, const char *text, struct ui_list *l, int64_t *count)
{
	/* Two screenfuls (at least 50): reading each row's meters is the
	 * cost per keystroke, and the count tells the cashier to type on. */
	struct account_filter f = { text, NULL, NULL, LINES * 2 > 50 ? LINES * 2 : 50 };
	int rc;

	ui_list_clear(l);
	if ((rc = account_count(&u->s, &f, count)))
		return rc;
	return account_list(&u->s, &f, add_row, l);
}

/* The search screen; with no set, Enter picks the account into it (13
 * bytes) instead of showing its detail. */
static int run(struct ui *u, const char *title, char *no)
{
	struct ui_field field;
	struct ui_form fm = { &field, 1, 0, 0 };
	struct ui_list l;
	int64_t count = 0;
	int top, bottom, key, rc, ret = 0;
	char line[128];

	memset(&field, 0, sizeof(field));
	field.label = N_("Find");
	field.hint = N_("name, room, account, meter or phone");
	field.width = 40;
	ui_list_init(&l, 6, headers);
	ui_push(u, title);
	if ((rc = search(u, "", &l, &count)))
		ui_error(rc, NULL);
	while (!u->quit) {
		ui_frame(u, keys, &top, &bottom);
		ui_form_draw(&fm, top, 1, top);
		snprintf(line, sizeof(line), ngettext("%lld account matches", "%lld accounts match",
						      (unsigned long)count), (long long)count);
		attrset(A_BOLD);
		ui_put(top + 1, 23, line, COLS - 24, 0);
		attrset(A_NORMAL);
		ui_list_draw(&l, top + 3, bottom, _("No account matches. Try part of a name, a room "
						   "number or the last digits of a meter."));
		ui_form_cursor(&fm, top, 1);
		refresh();
		key = ui_fkeys_map(keys, ui_getkey());
		if (key == UI_F(10)) {
			ret = -1;
			break;
		}
		if (key == UI_ESC)
			break;
		if (key == UI_F(1)) {
			ui_message(_("Help"), _("Type any part of a name, room (building-room), account "
						"number, meter number or phone: the list follows as you "
						"type. Up/Down choose, Enter or F3 shows the account, "
						"Esc goes back."));
			continue;
		}
		if (key == UI_K_CARD) {
			struct ui_card_info ci;
			ui_card_get(u->card, &ci);
			if (!no) {
				if (ui_card_event(u) < 0)
					ret = -1;
			} else if (ci.state == UI_CARD_PRESENT && ci.user && ci.gen != u->card_seen) {
				/* The customer's card answers the search. */
				u->card_seen = ci.gen;
				if (ui_card_account(u, ci.account, no) == 0) {
					ret = 1;
					break;
				}
			}
			if (ret < 0 || u->quit)
				break;
			continue;
		}
		if (ui_is_enter(key) || key == UI_F(3)) {
			if (!ui_list_selected(&l, 0))
				continue;
			if (no) {
				snprintf(no, ACCOUNT_NO_MAX + 1, "%s", ui_list_selected(&l, 0));
				ret = 1;
				break;
			}
			ui_account_detail(u, ui_list_selected(&l, 0));
			continue;
		}
		/* Characters go to the field: it is the search. */
		if (key >= UI_K(0) && ui_list_key(&l, key, bottom - top - 4))
			continue;
		if (ui_form_key(&fm, key) == UI_FORM_EDITED) {
			l.sel = 0;
			if ((rc = search(u, field.text, &l, &count)))
				ui_error(rc, NULL);
		}
	}
	ui_list_free(&l);
	ui_pop(u);
	return u->quit ? -1 : ret;
}

int ui_accounts(struct ui *u)
{
	return run(u, N_("Find account"), NULL);
}

int ui_accounts_pick(struct ui *u, const char *title, char *no)
{
	return run(u, title, no);
}
