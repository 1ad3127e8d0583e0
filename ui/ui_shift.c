/* ui_shift: the cashier's shift — open it with the cash float, watch its
 * totals (shift_current), close it with the cash counted: over/short and
 * the Z-report on screen (scrollable) and on the printer when one is
 * set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "money.h"
#include "shift.h"
#include "ui_int.h"

static const struct ui_fkey keys[] = {
	{ 1, 0, N_("Help") }, { 2, 'o', N_("Open") }, { 5, 'c', N_("Close") }, { 10, 0, N_("Quit") },
	{ 0, 0, NULL }
};
static const struct ui_fkey zkeys[] = { { 10, 0, N_("Quit") }, { 0, 0, NULL } };

void ui_shift_refresh(struct ui *u)
{
	struct shift_rec sh;

	u->shift_id = u->logged_in && shift_current(&u->s, &sh) == 0 ? sh.id : 0;
}

static int zh(const struct ui *u)
{
	return !strncmp(u->cfg.locale, "zh", 2);
}

static void row(int *y, const char *label, int64_t fen)
{
	char m[MONEY_BUFSZ];

	attrset(A_BOLD);
	ui_put(*y, 2, label, 24, 1);
	attrset(A_NORMAL);
	ui_put_right(*y, 27, money_format_grouped(fen, m, sizeof(m)), 14);
	(*y)++;
}

static void show(struct ui *u, const struct shift_rec *sh, int y)
{
	char line[256], when[32];

	snprintf(line, sizeof(line), "%s %lld, %s %s, %s %s", _("Shift"), (long long)sh->id,
		 _("operator"), sh->login, _("opened"), ui_time(u, sh->opened_at, when, sizeof(when)));
	ui_put(y++, 2, line, COLS - 4, 0);
	snprintf(line, sizeof(line), "%s: %lld", _("Sales"), (long long)sh->n_sales);
	ui_put(y++, 2, line, COLS - 4, 0);
	y++;
	row(&y, _("Sales"), sh->sales);
	row(&y, _("Old debt repaid"), sh->debt);
	row(&y, _("Fees"), sh->fees);
	row(&y, _("Refunds"), sh->refunds);
	row(&y, _("Reversals"), sh->reversals);
	row(&y, _("Float"), sh->opening_float);
	row(&y, _("Cash expected"), sh->expected);
	if (sh->n_pending) {
		snprintf(line, sizeof(line), "%s: %lld", _("Pending sales"), (long long)sh->n_pending);
		attrset(ui_attr(UI_C_ERROR));
		ui_put(y++, 2, line, COLS - 4, 0);
		attrset(A_NORMAL);
	}
}


static int done_open(void *ctx, struct ui_form *fm)
{
	struct ui *u = ctx;
	int64_t fl = 0, id;
	char why[512];
	int rc;

	if (fm->fields[0].text[0] &&
	    (rc = money_parse(fm->fields[0].text, MONEY_ALLOW_ZERO, &fl))) {
		snprintf(fm->fields[0].msg, sizeof(fm->fields[0].msg), "%s",
			 err_text(rc, why, sizeof(why)));
		return -1;
	}
	if ((rc = shift_open(&u->s, fl, &id))) {
		ui_error(rc, NULL);
		return -1;
	}
	u->shift_id = id;
	return 0;
}

static int open_shift(struct ui *u)
{
	struct ui_field f;
	struct ui_form fm = { &f, 1, 0, 0 };

	memset(&f, 0, sizeof(f));
	f.label = N_("Cash float (yuan)");
	f.hint = N_("the cash in the drawer now; blank: 0");
	f.width = 14;
	return ui_form_run(u, N_("Open shift"), _("Count the cash in the drawer and type it."), &fm,
			   NULL, done_open, u);
}

struct closing {
	struct ui *u;
	struct shift_rec sh;
};

static int done_close(void *ctx, struct ui_form *fm)
{
	struct closing *c = ctx;
	int64_t counted;
	char why[512];
	int rc;

	if ((rc = money_parse(fm->fields[0].text, MONEY_ALLOW_ZERO, &counted))) {
		snprintf(fm->fields[0].msg, sizeof(fm->fields[0].msg), "%s",
			 err_text(rc, why, sizeof(why)));
		return -1;
	}
	if ((rc = shift_close(&c->u->s, counted, &c->sh))) {
		ui_error(rc, rc == -SD_SALE_PENDING || strstr(err_detail(), "pending")
			 ? _("Settle the pending sale from its card first (read the card).") : NULL);
		return -1;
	}
	return 0;
}

/* Closes the shift, then shows over/short with the Z-report and prints it. */
static int close_shift(struct ui *u)
{
	struct closing c;
	struct ui_field f;
	struct ui_form fm = { &f, 1, 0, 0 };
	struct rcpt_doc *doc;
	char *text = NULL, head[600], m1[MONEY_BUFSZ], m2[MONEY_BUFSZ], m3[MONEY_BUFSZ], why[400];
	size_t len;
	int64_t diff;
	int rc;

	memset(&c, 0, sizeof(c));
	c.u = u;
	memset(&f, 0, sizeof(f));
	f.label = N_("Cash counted (yuan)");
	f.width = 14;
	rc = ui_form_run(u, N_("Close shift"), _("Count the cash in the drawer and type it."), &fm,
			 NULL, done_close, &c);
	if (rc != 1)
		return rc;
	u->shift_id = 0;
	diff = c.sh.counted_cash - c.sh.expected;
	snprintf(head, sizeof(head), "%s %lld %s: %s %s, %s %s, %s %s%s (%s)", _("Shift"),
		 (long long)c.sh.id, _("closed"), _("counted"),
		 money_format_grouped(c.sh.counted_cash, m1, sizeof(m1)), _("expected"),
		 money_format_grouped(c.sh.expected, m2, sizeof(m2)), _("over/short"),
		 diff > 0 ? "+" : "", money_format_grouped(diff, m3, sizeof(m3)),
		 diff > 0 ? _("over") : diff < 0 ? _("short") : _("exact"));
	if (u->cfg.printer[0]) {
		struct sale_io io = { NULL, NULL, &u->cfg, zh(u) };
		size_t n = strlen(head);
		ui_progress(_("Printing the Z-report…"));
		if ((rc = shift_print_zreport(&u->s, &io, &c.sh)))
			snprintf(head + n, sizeof(head) - n, "\n%s: %s", _("Z-report NOT PRINTED"),
				 err_text(rc, why, sizeof(why)));
		else
			snprintf(head + n, sizeof(head) - n, "\n%s", _("Z-report printed."));
	}
	doc = ui_xcalloc(1, sizeof(*doc));
	rc = shift_zreport(&u->s, &c.sh, u->cfg.printer_width ? u->cfg.printer_width : 32, zh(u),
			   doc);
	if (!rc)
		rc = rcpt_render_text(doc, &text, &len);
	free(doc);
	if (rc) {
		ui_error(rc, NULL);
		ui_message(_("Close shift"), head);
	} else {
		ui_view_text(u, N_("Z-report"), head, text, zkeys, 4, 0);
	}
	free(text);
	return u->quit ? -1 : 1;
}

int ui_shift(struct ui *u)
{
	struct shift_rec sh;
	int top, bottom, key, rc, have;

	ui_push(u, N_("Shift"));
	while (!u->quit) {
		rc = shift_current(&u->s, &sh);
		have = rc == 0;
		u->shift_id = have ? sh.id : 0;
		ui_frame(u, keys, &top, &bottom);
		if (have) {
			show(u, &sh, top);
		} else {
			ui_put(top, 2, _("No shift is open. F2 (o) opens one with the cash float."),
			       COLS - 4, 0);
			if (rc != -SD_NO_SHIFT && rc != -SD_NOT_FOUND) {
				char why[400];
				attrset(ui_attr(UI_C_ERROR));
				ui_put(top + 2, 2, err_text(rc, why, sizeof(why)), COLS - 4, 0);
				attrset(A_NORMAL);
			}
		}
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
			ui_message(_("Help"), _("F2 (o) opens your shift with the cash float in the "
						"drawer. F5 (c) closes it with the cash counted: the "
						"screen shows over/short and the Z-report, which is "
						"printed when the desk has a printer."));
		else if (key == UI_F(2)) {
			if (have)
				ui_message(_("Shift"), _("Your shift is already open."));
			else if (open_shift(u) < 0)
				break;
		} else if (key == UI_F(5)) {
			if (!have)
				ui_message(_("Shift"), _("No shift is open."));
			else if (close_shift(u) < 0)
				break;
		}
	}
	ui_pop(u);
	return u->quit ? -1 : 0;
}
