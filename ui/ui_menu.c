/* ui_menu: the main menu, built from the operator's roles: an entry is
 * shown only to a role that may use it (src/ checks again) and only when
 * its screen exists. A cashier who inserts a user card here gets its
 * sale screen at once (ui_card_event). Also the loop the smaller menu
 * screens share (ui_menu_run). */
#include <stdio.h>

#include "perm.h"
#include "ui_int.h"
#include "ui_tech.h"

struct entry {
	int letter;
	const char *label;        /* N_() */
	int perm;                 /* enum perm, or -1 for everyone */
	int (*run)(struct ui *u); /* NULL: named but not yet available */
	const char *why;          /* why it is not available */
};

static const struct entry entries[] = {
	{ 's', N_("Sale"), PERM_SALE, ui_sale, NULL },
	{ 'i', N_("Shift"), PERM_SALE, ui_shift, NULL },
	{ 'r', N_("Receipts"), PERM_REFUND, ui_receipts, NULL },
	{ 'k', N_("Unlock card keys"), PERM_REFUND, ui_keys_unlock, NULL },
	{ 'f', N_("Find account"), PERM_ACCOUNT_VIEW, ui_accounts, NULL },
	{ 'n', N_("Open new account"), PERM_ACCOUNT_OPEN, ui_account_open, NULL },
	{ 'o', N_("Operators"), PERM_OPERATOR_MANAGE, ui_operators, NULL },
	{ 't', N_("Tariffs"), PERM_TARIFF_MANAGE, ui_tariffs, NULL },
	{ 'a', N_("Audit log"), PERM_AUDIT_VIEW, ui_audit, NULL },
	/* Every role may run energy reports; the domain refuses the rest
	 * (finance for a technician) with its own sentence. */
	{ 'v', N_("Reports"), PERM_REPORT_ENERGY, ui_reports, NULL },
	/* Meters (issue 6): the list, the alarms, the bus test. */
	{ 'm', N_("Meters"), PERM_ACCOUNT_VIEW, ui_meters, NULL },
	{ 'w', N_("Alarms"), PERM_ACCOUNT_VIEW, ui_alarms, NULL },
	{ 'u', N_("Bus test"), PERM_METER_CONTROL, ui_bustest, NULL },
	/* technician and administration tools (ui_tech.c, ui_commission.c, ui_admin_tools.c) */
	{ 'c', N_("Technician cards"), PERM_TECH_CARD, ui_tech_cards, NULL },
	{ 'g', N_("Commission a meter"), PERM_TECH_CARD, ui_commission, NULL },
	{ 'y', N_("Recycle a card"), PERM_CARD_RECYCLE, ui_card_recycle, NULL },
	{ 'e', N_("Settings"), PERM_SETTINGS, ui_settings, NULL },
	{ 'x', N_("Card keys"), PERM_KEYS, ui_keys_admin, NULL },
	{ 'b', N_("Backups"), PERM_BACKUP, ui_backups, NULL },
	{ 'd', N_("Diagnostics"), -1, ui_diagnostics, NULL },
	/* end of the technician and administration tools */
	{ 'p', N_("Change my password"), -1, ui_password, NULL },
};
#define N_ENTRIES (int)(sizeof(entries) / sizeof(entries[0]))

static const struct ui_fkey keys[] = {
	{ 1, 'h', N_("Help") }, { 9, 'l', N_("Log out") }, { 10, 'q', N_("Quit") }, { 0, 0, NULL }
};

static int allowed(const struct ui *u, const struct entry *e)
{
	return e->perm < 0 || (perm_roles((enum perm)e->perm) & u->s.roles);
}

static void help(void)
{
	ui_message(_("Help"),
		   _("Up/Down and Enter, or the letter shown, open a screen. In every screen: "
		     "Esc goes back, F10 quits, F1 shows the keys of that screen. "
		     "In forms: Tab or Enter moves to the next field, F2 saves. "
		     "In lists: / finds text. Without F-keys use the letters on the bar."));
}

int ui_menu(struct ui *u)
{
	int shown[N_ENTRIES], n = 0, sel = 0, top, bottom, key, i;

	for (i = 0; i < N_ENTRIES; i++)
		if (allowed(u, &entries[i]))
			shown[n++] = i;
	/* The bar starts on the first entry that can be chosen. */
	while (sel < n - 1 && !entries[shown[sel]].run)
		sel++;
	u->depth = 0;
	ui_push(u, N_("Main menu"));
	while (!u->quit) {
		ui_frame(u, keys, &top, &bottom);
		attron(A_BOLD);
		ui_put(top, 2, _("Choose a screen:"), COLS - 4, 0);
		attrset(A_NORMAL);
		for (i = 0; i < n; i++) {
			const struct entry *e = &entries[shown[i]];
			char line[256];
			int y = top + 2 + i;
			if (e->run)
				snprintf(line, sizeof(line), " %c  %s", e->letter, _(e->label));
			else
				snprintf(line, sizeof(line), "    %s — %s", _(e->label), _(e->why));
			attrset(!e->run ? ui_attr(UI_C_DIM) : i == sel ? ui_attr(UI_C_SELECT) : A_NORMAL);
			ui_put(y, 4, line, COLS - 8 < 60 ? COLS - 8 : 60, 1);
			attrset(A_NORMAL);
		}
		curs_set(0);
		refresh();
		key = ui_fkeys_map(keys, ui_getkey());
		if (key == UI_F(10)) {
			u->quit = 1;
			break;
		}
		if (key == UI_F(9) || key == UI_ESC)
			break;
		if (key == UI_K_CARD) {
			if (ui_card_event(u) < 0)
				u->quit = 1;
			continue;
		}
		if (key == UI_F(1)) {
			help();
			continue;
		}
		if (key == UI_K(KEY_UP) || key == UI_K(KEY_DOWN)) {
			int step = key == UI_K(KEY_UP) ? -1 : 1;
			for (i = sel + step; i >= 0 && i < n; i += step)
				if (entries[shown[i]].run) {
					sel = i;
					break;
				}
			continue;
		}
		for (i = 0; i < n; i++)
			if (entries[shown[i]].run && key == entries[shown[i]].letter)
				sel = i;
		if (ui_is_enter(key) || (key < 128 && key > ' ' && entries[shown[sel]].letter == key)) {
			if (!entries[shown[sel]].run)
				continue;
			if (entries[shown[sel]].run(u) < 0)
				u->quit = 1;
		}
	}
	ui_pop(u);
	return u->quit ? -1 : 0;
}

int ui_menu_run(struct ui *u, const struct ui_menu_screen *m)
{
	int sel = 0, top, bottom, key, i, y, r = 0;

	ui_push(u, m->title);
	while (!u->quit) {
		ui_frame(u, m->keys, &top, &bottom);
		if (m->head)
			m->head(top, m->ctx);
		else if (m->intro)
			ui_put(top, 2, m->intro, COLS - 4, 0);
		for (i = 0; i < m->n && top + 2 + i <= bottom; i++) {
			char line[256];
			snprintf(line, sizeof(line), "%*s%c  %s", m->indent, "", m->items[i].letter,
				 _(m->items[i].label));
			attrset(i == sel ? ui_attr(UI_C_SELECT) : A_NORMAL);
			ui_put(top + 2 + i, m->x, line, m->width ? m->width : COLS - 2 * m->x, 1);
			attrset(A_NORMAL);
		}
		y = top + 3 + m->n;
		if (m->out && m->out[0] && y < bottom) {
			attrset(m->out_color ? ui_attr(m->out_color) : A_NORMAL);
			ui_wrap(m->out, y, 2, COLS - 4, 1);
			attrset(A_NORMAL);
		}
		curs_set(0);
		refresh();
		key = ui_fkeys_map(m->keys, ui_getkey());
		if (key == UI_F(10)) {
			u->quit = 1;
			break;
		}
		if (key == UI_ESC)
			break;
		if (key == UI_F(1) && m->help) {
			ui_message(_("Help"), m->help);
			continue;
		}
		if (key == UI_K(KEY_UP) && sel > 0)
			sel--;
		if (key == UI_K(KEY_DOWN) && sel < m->n - 1)
			sel++;
		/* A letter chooses its entry and runs it at once. */
		for (i = 0; i < m->n; i++)
			if (key == m->items[i].letter)
				sel = i;
		if (!m->n || !(ui_is_enter(key) || (key < 128 && key == m->items[sel].letter)))
			continue;
		r = m->run(u, sel, m->out, m->out_len, m->ctx);
		if (r < 0)
			u->quit = 1;
		else if (r > 0)
			break;
	}
	ui_pop(u);
	return u->quit ? -1 : r > 0 ? r : 0;
}
