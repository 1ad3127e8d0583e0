/* ui_tech: the technician's card screen — issue a check, reset, clear or
 * setting card, read a check card back after a meter wrote into it — and
 * the administrator's "Recycle a card". Every card operation is the
 * domain's (src/card_desk.c: permission, cards table, audit trail); this
 * file only asks for the order's parameters, runs the operation with the
 * reader of its own (the watcher pauses, as for a sale) and shows what
 * happened. The commissioning flow (ui_commission.c) uses the same
 * helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card_desk.h"
#include "err.h"
#include "money.h"
#include "perm.h"
#include "ui_int.h"
#include "ui_tech.h"

static const struct ui_fkey keys[] = {
	{ 1, 'h', N_("Help") }, { 10, 'q', N_("Quit") }, { 0, 0, NULL }
};

const char *ui_tech_kind_name(int type)
{
	switch (type) {
	case CARD_CHECK: return _("check");
	case CARD_RESET: return _("reset");
	case CARD_CLEAR: return _("clear");
	case CARD_SETTING: return _("setting");
	default: return _("user");
	}
}

const char *ui_tech_next(int rc)
{
	switch (rc) {
	case -SD_NO_CARD: return _("Insert a card in the reader, then try again.");
	case -SD_CARD_PULLED:
		return _("The card was taken out while it was written: put it back and do the "
			 "same again; the desk picks up where it stopped.");
	case -SD_CARD_AUTH: case -SD_CARD_FORMAT:
		return _("Use a blank card of this utility, or recycle this one first.");
	case -SD_EXISTS:
		return _("This card is already issued as something else: use a blank card, or "
			 "have an administrator recycle it.");
	case -SD_STATE:
		return _("Insert the check card in the meter first, then read it back here.");
	case -SD_PCSC_DOWN: case -SD_NO_READER:
		return _("Check that the reader is plugged in and pcscd runs, then try again.");
	case -SD_KEYS_BAD: case -SD_KEYS_NONE:
		return _("Unlock the card keys from the main menu, then try again.");
	case -SD_PERM: return _("Ask an operator with that role.");
	case -SD_CARD_STACK:
		return _("A purchase on this user card is not yet in its meter: the customer "
			 "inserts it in the meter first.");
	default: return _("Check the card and the reader, then try again.");
	}
}

int ui_tech_with_reader(struct ui *u, const char *progress,
			int (*fn)(struct ui *u, struct card_reader *r, void *ctx), void *ctx)
{
	struct card_reader *r = NULL;
	int rc;

	ui_progress(progress);
	ui_card_pause(u->card);
	rc = reader_open(u->cfg.reader, &r);
	if (!rc)
		rc = fn(u, r, ctx);
	reader_free(r);
	ui_card_resume(u->card);
	return rc;
}

/* ---- issuing ---- */

struct issue {
	int type;
	struct card_order o;
	char tariff[UI_FIELD_MAX];
	uint8_t ef03[96], ef04[96];
	struct card_tariff_plan plan;
	struct card_state st;
	int resumed;
};

static int do_issue(struct ui *u, struct card_reader *r, void *ctx)
{
	struct issue *is = ctx;

	return card_desk_issue_tech(&u->s, r, u->ring, is->type, &is->o, &is->st, &is->resumed);
}

enum { F_METER, F_USES, F_UNTIL, F_PRESET, F_VERSION, F_TARIFF, F_ALARMS, F_CREDIT, F_POWER,
       F_N };

struct issue_form {
	struct ui *u;
	struct issue *is;
	int map[F_N];   /* form field index of each parameter, -1 when not asked */
};

static void put_msg(struct ui_field *f, int rc)
{
	char why[512];

	snprintf(f->msg, sizeof(f->msg), "%s", err_text(rc, why, sizeof(why)));
}

static int money_field(struct ui_field *f, uint32_t *out)
{
	int64_t fen;
	int rc;

	if ((rc = money_parse(f->text, MONEY_ALLOW_ZERO, &fen)))
		return put_msg(f, rc), -1;
	if (fen > 99999999) {
		snprintf(f->msg, sizeof(f->msg), "%s", _("At most 999999.99 yuan."));
		return -1;
	}
	*out = (uint32_t)fen;
	return 0;
}

static int number_field(struct ui_field *f, unsigned long min, unsigned long max,
			unsigned long *out)
{
	char *end;
	unsigned long v = strtoul(f->text, &end, 10);

	if (!f->text[0] || *end || f->text[0] == '-' || v < min || v > max) {
		snprintf(f->msg, sizeof(f->msg), _("A whole number from %lu to %lu."), min, max);
		return -1;
	}
	*out = v;
	return 0;
}

/* Turns the form into is->o; messages under the wrong fields. */
static int parse_order(struct issue_form *ifm, struct ui_form *fm)
{
	struct issue *is = ifm->is;
	struct card_order *o = &is->o;
	struct ui_field *f;
	unsigned long v;
	int bad = 0, i;

	memset(o, 0, sizeof(*o));
	o->uses = 1;
	is->tariff[0] = 0;
	for (i = 0; i < F_N; i++) {
		if (ifm->map[i] < 0)
			continue;
		f = &fm->fields[ifm->map[i]];
		f->msg[0] = 0;
		if (!f->text[0] && i != F_VERSION)
			continue;
		switch (i) {
		case F_METER:
			if (strspn(f->text, "0123456789") != strlen(f->text) ||
			    strlen(f->text) >= sizeof(o->target)) {
				snprintf(f->msg, sizeof(f->msg), "%s",
					 _("The meter number: digits only, or empty for any meter."));
				bad = 1;
			} else {
				snprintf(o->target, sizeof(o->target), "%.*s",
					 (int)sizeof(o->target) - 1, f->text);
			}
			break;
		case F_USES:
			if (number_field(f, 1, 65535, &v))
				bad = 1;
			else
				o->uses = (uint16_t)v;
			break;
		case F_UNTIL: {
			int64_t t;
			int rc = ui_parse_local(ifm->u, f->text, &t);
			if (rc) {
				put_msg(f, rc);
				bad = 1;
			} else {
				o->valid_until = (uint32_t)t;
			}
			break;
		}
		case F_PRESET:
			if (money_field(f, &o->preset))
				bad = 1;
			else
				o->preset_unit = 1;
			break;
		case F_VERSION:
			if (number_field(f, 1, 0xFFFFFFFFul, &v))
				bad = 1;
			else
				o->version = (uint32_t)v;
			break;
		case F_TARIFF:
			snprintf(is->tariff, sizeof(is->tariff), "%s", f->text);
			break;
		case F_ALARMS: {
			char buf[UI_FIELD_MAX], *p, *save = NULL;
			int n = 0;
			int64_t fen;
			snprintf(buf, sizeof(buf), "%s", f->text);
			for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save), n++)
				if (n >= 3 || money_parse(p, 0, &fen) || fen > 99999999)
					n = 99;
				else
					o->alarm[n] = (uint32_t)fen;
			if (n != 3) {
				snprintf(f->msg, sizeof(f->msg), "%s",
					 _("Three amounts in yuan, like 30,20,10."));
				bad = 1;
			} else {
				o->flags |= 1 << 2;
			}
			break;
		}
		case F_CREDIT:
			if (money_field(f, &o->credit_limit))
				bad = 1;
			else
				o->flags |= 1 << 3;
			break;
		case F_POWER:
			if (number_field(f, 0, 0xFFFFFFFFul, &v))
				bad = 1;
			else {
				o->power_limit = (uint32_t)v;
				o->flags |= 1 << 4;
			}
			break;
		}
	}
	if (!bad && is->type == CARD_SETTING && !o->flags && !is->tariff[0]) {
		snprintf(fm->fields[ifm->map[F_TARIFF]].msg, sizeof(fm->fields[0].msg), "%s",
			 _("A setting card sets a tariff, alarms, a credit limit or a power limit."));
		bad = 1;
	}
	return bad ? -1 : 0;
}

static int done_issue(void *ctx, struct ui_form *fm)
{
	struct issue_form *ifm = ctx;
	struct issue *is = ifm->is;
	int rc;

	if (parse_order(ifm, fm))
		return -1;
	if (is->tariff[0] &&
	    (rc = card_desk_setting_tariff(&ifm->u->s, is->tariff, &is->o, is->ef03, is->ef04,
					   &is->plan))) {
		put_msg(&fm->fields[ifm->map[F_TARIFF]], rc);
		return -1;
	}
	return 0;
}

static void add_field(struct ui_field *f, int *n, int *map, int which, const char *label,
		      const char *hint, const char *text)
{
	memset(&f[*n], 0, sizeof(f[*n]));
	f[*n].label = label;
	f[*n].hint = hint;
	f[*n].width = 28;
	if (text)
		ui_field_set(&f[*n], text);
	map[which] = (*n)++;
}

/* Asks the parameters of a card of type (none for a check card), then
 * issues it onto the card in the reader; out gets what happened. Returns
 * 0 (issued or left: *done says), -1 to quit. */
int ui_tech_issue(struct ui *u, int type, const char *meter, char *out, size_t len, int *done)
{
	static struct issue is;      /* large frames: not on the stack of a loop */
	struct ui_field f[F_N];
	struct ui_form fm = { f, 0, 0, 0 };
	struct issue_form ifm = { u, &is, { 0 } };
	char hex[17], title[64], intro[256], when[32];
	int rc, i, n = 0;

	*done = 0;
	memset(&is, 0, sizeof(is));
	is.type = type;
	is.o.uses = 1;
	for (i = 0; i < F_N; i++)
		ifm.map[i] = -1;
	if (type != CARD_CHECK) {
		add_field(f, &n, ifm.map, F_METER, N_("Meter number"), N_("empty: any meter"),
			  meter);
		add_field(f, &n, ifm.map, F_USES, N_("Uses"), NULL, "1");
		add_field(f, &n, ifm.map, F_UNTIL, N_("Valid until"), N_("YYYY-MM-DD, empty: always"),
			  NULL);
	}
	if (type == CARD_CLEAR)
		add_field(f, &n, ifm.map, F_PRESET, N_("Preset balance (yuan)"), N_("empty: 0"),
			  NULL);
	if (type == CARD_SETTING) {
		add_field(f, &n, ifm.map, F_VERSION, N_("Parameter version"),
			  N_("above the meter's last"), NULL);
		add_field(f, &n, ifm.map, F_TARIFF, N_("Tariff code"), N_("empty: none"), NULL);
		add_field(f, &n, ifm.map, F_ALARMS, N_("Alarms (yuan)"), N_("A1,A2,A3; empty: none"),
			  NULL);
		add_field(f, &n, ifm.map, F_CREDIT, N_("Credit limit (yuan)"), N_("empty: none"),
			  NULL);
		add_field(f, &n, ifm.map, F_POWER, N_("Power limit (W)"), N_("empty: none"), NULL);
	}
	fm.n = n;
	snprintf(title, sizeof(title), "%s", type == CARD_CHECK ? N_("Check card")
				       : type == CARD_RESET ? N_("Reset card")
				       : type == CARD_CLEAR ? N_("Clear card") : N_("Setting card"));
	if (n) {
		snprintf(intro, sizeof(intro), "%s",
			 _("The order this card carries; F2 writes it onto the card in the reader."));
		rc = ui_form_run(u, title, intro, &fm, NULL, done_issue, &ifm);
		if (rc <= 0)
			return rc;
	} else if (!ui_confirm(_("Issue a check card onto the blank card in the reader?"))) {
		return 0;
	}
	if ((rc = ui_keys_need_why(u, _("Issuing a card needs the card keys: an administrator "
					"types the key-file passphrase."))) <= 0)
		return rc;
	rc = ui_tech_with_reader(u, _("Writing the card… keep it in the reader"), do_issue, &is);
	if (rc) {
		ui_error(rc, ui_tech_next(rc));
		return 0;
	}
	*done = 1;
	n = snprintf(out, len, _("%s %s card %s (key version %02X)."),
		     is.resumed ? _("Already issued:") : _("Issued"), ui_tech_kind_name(type),
		     card_serial_hex(is.st.serial, hex), is.st.info.key_version);
	if (is.o.target[0] && n > 0 && (size_t)n < len)
		n += snprintf(out + n, len - (size_t)n, _(" For meter %s, %u use(s)."), is.o.target,
			      is.o.uses);
	if ((is.o.flags & 1) && n > 0 && (size_t)n < len)
		n += snprintf(out + n, len - (size_t)n, _(" Tariff %s version %u."), is.tariff,
			      is.plan.cur.id);
	if ((is.o.flags & 2) && n > 0 && (size_t)n < len)
		n += snprintf(out + n, len - (size_t)n, _(" Next tariff version %u from %s."),
			      is.plan.next.id, ui_time(u, is.plan.next.activation, when, sizeof(when)));
	if (n > 0 && (size_t)n < len)
		snprintf(out + n, len - (size_t)n, " %s",
			 type == CARD_CHECK ? _("Insert it in the meter, then read it back here.")
					    : _("Insert it in the meter."));
	return 0;
}

/* ---- reading a check card back ---- */

static int do_check(struct ui *u, struct card_reader *r, void *ctx)
{
	return card_desk_read_check(&u->s, r, u->ring, ctx);
}

int ui_tech_read_check(struct ui *u, struct card_state *st, int *done)
{
	int rc;

	*done = 0;
	if ((rc = ui_keys_need_why(u, _("Reading a check card needs the card keys: an "
					"administrator types the key-file passphrase."))) <= 0)
		return rc;
	rc = ui_tech_with_reader(u, _("Reading the check card…"), do_check, st);
	if (rc) {
		ui_error(rc, ui_tech_next(rc));
		return 0;
	}
	*done = 1;
	return 0;
}

void ui_tech_check_text(const struct card_state *st, char *out, size_t len)
{
	const struct card_check *c = &st->check;
	char rem[48];

	if (c->unit == 2)
		snprintf(rem, sizeof(rem), "%u Wh", c->remaining);
	else
		snprintf(rem, sizeof(rem), "%s %s", money_format(c->remaining, rem + 24, 24),
			 _("yuan"));
	snprintf(out, len,
		 _("The meter recorded:\nmeter %s, account %s, purchase count %u\nremaining %s, "
		   "energy %llu Wh\nstatus %04X, firmware %04X, tariff %u"),
		 c->meter, c->account[0] ? c->account : "-", c->count, rem,
		 (unsigned long long)c->energy, c->status, c->firmware, c->tariff_id);
}

/* ---- recycling ---- */

struct recycle {
	int force;
	struct card_state st;
};

static int do_recycle(struct ui *u, struct card_reader *r, void *ctx)
{
	struct recycle *rc = ctx;

	return card_desk_recycle(&u->s, r, u->ring, rc->force, &rc->st);
}

/* Recycles the card in the reader (asks first); out gets the result. */
static int recycle(struct ui *u, char *out, size_t len)
{
	struct recycle rc;
	char hex[17];
	int r;

	memset(&rc, 0, sizeof(rc));
	if (!ui_confirm(_("Blank the card in the reader so it can be issued again? What it "
			  "holds is erased.")))
		return 0;
	if ((r = ui_keys_need_why(u, _("Recycling a card needs the card keys: an administrator "
				       "types the key-file passphrase."))) <= 0)
		return r;
	r = ui_tech_with_reader(u, _("Blanking the card… keep it in the reader"), do_recycle, &rc);
	if (r == -SD_STATE && strstr(err_detail(), "meter") &&
	    ui_confirm(_("The last purchase on this user card is not in any meter: that money "
			 "would be lost. Recycle it anyway (its meter is gone)?"))) {
		rc.force = 1;
		r = ui_tech_with_reader(u, _("Blanking the card… keep it in the reader"), do_recycle,
					&rc);
	}
	if (r) {
		ui_error(r, ui_tech_next(r));
		return 0;
	}
	snprintf(out, len, _("Recycled card %s: it is blank and can be issued again."),
		 card_serial_hex(rc.st.serial, hex));
	return 0;
}

/* ---- the screen ---- */

struct action {
	int letter;
	const char *label;   /* N_() */
	int type;            /* CARD_CHECK..CARD_SETTING, 0 read back, -1 recycle */
	int perm;
};

static const struct action actions[] = {
	{ 'c', N_("Issue a check card"), CARD_CHECK, PERM_TECH_CARD },
	{ 'r', N_("Issue a reset card"), CARD_RESET, PERM_TECH_CARD },
	{ 'e', N_("Issue a clear card"), CARD_CLEAR, PERM_TECH_CARD },
	{ 's', N_("Issue a setting card"), CARD_SETTING, PERM_TECH_CARD },
	{ 'b', N_("Read a check card back"), 0, PERM_TECH_CARD },
	{ 'y', N_("Recycle a card"), -1, PERM_CARD_RECYCLE },
};
#define N_ACTIONS (int)(sizeof(actions) / sizeof(actions[0]))

/* Runs the i-th action shown (ctx: their indexes in actions): issues a
 * card, reads a check card back, or recycles one, leaving what happened
 * in out. */
static int action_run(struct ui *u, int i, char *out, size_t len, const void *ctx)
{
	const int *shown = ctx;
	const struct action *a = &actions[shown[i]];
	int done = 0, rc = 0;

	if (a->type > 0) {
		rc = ui_tech_issue(u, a->type, NULL, out, len, &done);
		if (!done)
			out[0] = 0;
	} else if (a->type == 0) {
		struct card_state st;
		rc = ui_tech_read_check(u, &st, &done);
		if (done)
			ui_tech_check_text(&st, out, len);
		else
			out[0] = 0;
	} else {
		out[0] = 0;
		rc = recycle(u, out, len);
	}
	return rc < 0 ? -1 : 0;
}

/* One screen for both menu entries: the actions the operator's roles
 * allow. */
static int screen(struct ui *u, const char *title)
{
	static char out[1024];
	struct ui_menu_item items[N_ACTIONS];
	int shown[N_ACTIONS], n = 0, i;
	struct ui_menu_screen m = {
		.title = title, .keys = keys, .intro = _("Put the card in the reader, then choose:"),
		.help = _("Put a card in the reader, then choose what to do with its letter or "
			  "Up/Down and Enter. Reset, clear and setting cards ask for their order "
			  "first (F2 writes the card). A check card goes into the meter, then comes "
			  "back here: Read a check card back shows what the meter recorded. Every "
			  "card operation is in the audit log."),
		.items = items, .x = 4, .width = 40, .indent = 1,
		.out = out, .out_len = sizeof(out), .out_color = UI_C_OK, .run = action_run,
		.ctx = shown,
	};

	out[0] = 0;
	for (i = 0; i < N_ACTIONS; i++)
		if (perm_roles((enum perm)actions[i].perm) & u->s.roles) {
			items[n] = (struct ui_menu_item){ actions[i].letter, actions[i].label };
			shown[n++] = i;
		}
	m.n = n;
	return ui_menu_run(u, &m);
}

int ui_tech_cards(struct ui *u)
{
	return screen(u, N_("Technician cards"));
}

int ui_card_recycle(struct ui *u)
{
	return screen(u, N_("Recycle a card"));
}
