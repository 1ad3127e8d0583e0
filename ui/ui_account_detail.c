/* ui_account_detail: one account as the counter needs it — customer,
 * premises, money settings and meters with their tariffs; F2 opens its
 * special operations (ui_account_ops.c). */
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "err.h"
#include "money.h"
#include "ui_int.h"

static const struct ui_fkey keys[] = {
	{ 2, 'o', N_("Operations") }, { 10, 0, N_("Quit") }, { 0, 0, NULL }
};

static void row(int *y, int bottom, const char *label, const char *value)
{
	if (*y > bottom)
		return;
	attrset(A_BOLD);
	ui_put(*y, 2, _(label), 20, 1);
	attrset(A_NORMAL);
	ui_put(*y, 23, value, COLS - 24, 0);
	(*y)++;
}

static void show(struct ui *u, const struct account_rec *a, int top, int bottom)
{
	char buf[512], m1[MONEY_BUFSZ], m2[MONEY_BUFSZ], m3[MONEY_BUFSZ];
	int y = top, i;

	row(&y, bottom, N_("Account"), a->account_no);
	row(&y, bottom, N_("Customer"), a->customer.name);
	row(&y, bottom, N_("Phone"), a->customer.phone[0] ? a->customer.phone : "—");
	row(&y, bottom, N_("ID number"), a->customer.id_number[0] ? a->customer.id_number : "—");
	row(&y, bottom, N_("Address"), a->customer.address[0] ? a->customer.address : "—");
	if (a->has_floor)
		snprintf(buf, sizeof(buf), "%s %s, %s %d, %s %s", _("building"), a->building,
			 _("floor"), a->floor, _("room"), a->room);
	else
		snprintf(buf, sizeof(buf), "%s %s, %s %s", _("building"), a->building, _("room"),
			 a->room);
	row(&y, bottom, N_("Premises"), buf);
	row(&y, bottom, N_("Status"), a->status);
	row(&y, bottom, N_("Opened"), ui_time(u, a->opened_at, buf, sizeof(buf)));
	row(&y, bottom, N_("Credit limit"), money_format_grouped(a->credit_limit, m1, sizeof(m1)));
	snprintf(buf, sizeof(buf), "%s / %s / %s", money_format_grouped(a->alarm[0], m1, sizeof(m1)),
		 money_format_grouped(a->alarm[1], m2, sizeof(m2)),
		 money_format_grouped(a->alarm[2], m3, sizeof(m3)));
	row(&y, bottom, N_("Alarm levels"), buf);
	if (a->debt > 0) {
		if (strcmp(a->debt_mode, "share") == 0)
			snprintf(buf, sizeof(buf), "%s, %s %lld.%02lld%%",
				 money_format_grouped(a->debt, m1, sizeof(m1)), _("recovered at"),
				 (long long)(a->debt_share_bp / 100), (long long)(a->debt_share_bp % 100));
		else
			snprintf(buf, sizeof(buf), "%s, %s %s",
				 money_format_grouped(a->debt, m1, sizeof(m1)), _("per purchase"),
				 money_format_grouped(a->debt_fixed, m2, sizeof(m2)));
		row(&y, bottom, N_("Old debt"), buf);
	}
	for (i = 0; i < a->n_meters; i++) {
		const struct meter_rec *m = &a->meters[i];
		snprintf(buf, sizeof(buf), "%s  %s %s  %s  %d%s  %s", m->meter_no, _("tariff"),
			 m->tariff_code, m->mode, m->phases, _("-phase"), m->status);
		row(&y, bottom, i ? "" : N_("Meters"), buf);
	}
}

void ui_account_detail(struct ui *u, const char *account_no)
{
	struct account_rec a;
	char no[ACCOUNT_NO_MAX + 1];
	int top, bottom, key, rc;

	snprintf(no, sizeof(no), "%s", account_no);
	if ((rc = account_get(&u->s, no, &a))) {
		ui_error(rc, _("Search again: the account may have changed."));
		return;
	}
	ui_push(u, N_("Account"));
	for (;;) {
		ui_frame(u, keys, &top, &bottom);
		show(u, &a, top, bottom);
		curs_set(0);
		refresh();
		key = ui_fkeys_map(keys, ui_getkey());
		if (key == UI_K(KEY_RESIZE) || key == UI_K_CARD)
			continue;
		if (key == UI_F(2)) {
			if (ui_account_ops(u, &a) && (rc = account_get(&u->s, no, &a))) {
				ui_error(rc, _("Search again: the account may have changed."));
				break;
			}
			if (u->quit)
				break;
			continue;
		}
		if (key == UI_F(10))
			u->quit = 1;
		break;
	}
	ui_pop(u);
}
