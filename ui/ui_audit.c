/* ui_audit: the newest rows of the audit trail and a check of the whole
 * hash chain with a plain result: intact (how many rows, the head hash)
 * or the first row that does not fit and why. */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "err.h"
#include "ui_int.h"

#define AUDIT_ROWS 500

static const char *headers[] = { N_(">Row"), N_("Time"), N_("Who"), N_("Action"),
				 N_("Object"), N_("Details") };

static const struct ui_fkey keys[] = {
	{ 1, 'h', N_("Help") }, { 5, 'v', N_("Verify chain") }, { 10, 'q', N_("Quit") },
	{ 0, 0, NULL }
};

struct ctx {
	struct ui *u;
	struct ui_list *l;
};

static int add_row(const struct audit_rec *r, void *arg)
{
	struct ctx *c = arg;
	char id[24], ts[32];
	const char *cells[6] = { id, ts, r->actor, r->action, r->object, r->details };

	snprintf(id, sizeof(id), "%lld", (long long)r->id);
	ui_time(c->u, r->ts, ts, sizeof(ts));
	ui_list_add(c->l, cells);
	return 0;
}

static void verify(struct ui *u)
{
	struct audit_report r;
	char text[512], hex[2 * AUDIT_HASH_LEN + 1];
	int rc;

	ui_progress(_("Verifying the audit chain…"));
	memset(&r, 0, sizeof(r));
	rc = audit_verify(&u->s, &r);
	if (rc == 0) {
		snprintf(text, sizeof(text), "%s %lld.\n%s %s", _("The audit chain is intact. Rows checked:"),
			 (long long)r.rows, _("Head hash:"), audit_hex(r.head, hex));
		ui_message(_("Audit chain"), text);
	} else if (rc == -SD_AUDIT_BROKEN) {
		snprintf(text, sizeof(text), "%s %lld: %s. %s", _("The audit chain is broken at row"),
			 (long long)r.first_bad, r.why,
			 _("Rows before it are intact. Keep this database as evidence, tell the "
			   "site's administrator, and compare with the latest backup."));
		ui_message(_("Audit chain"), text);
	} else {
		ui_error(rc, NULL);
	}
}

int ui_audit(struct ui *u)
{
	struct ui_list l;
	struct ctx c = { u, &l };
	int top, bottom, key, rc;

	ui_list_init(&l, 6, headers);
	ui_push(u, N_("Audit log"));
	if ((rc = audit_list(&u->s, AUDIT_ROWS, add_row, &c)))
		ui_error(rc, NULL);
	l.sel = l.nrows - 1;  /* the newest row, at the bottom */
	while (!u->quit) {
		ui_frame(u, keys, &top, &bottom);
		ui_list_draw(&l, top, bottom, NULL);
		curs_set(0);
		refresh();
		key = ui_getkey();
		if (ui_list_key(&l, key, bottom - top - 1))
			continue;
		key = ui_fkeys_map(keys, key);
		if (key == UI_F(10))
			u->quit = 1;
		else if (key == UI_ESC)
			break;
		else if (key == UI_F(5))
			verify(u);
		else if (key == UI_F(1))
			ui_message(_("Help"), _("The newest rows of the audit trail (up to 500), newest "
						"at the bottom. F5 or v: verify the whole hash chain. "
						"/: find text."));
	}
	ui_list_free(&l);
	ui_pop(u);
	return u->quit ? -1 : 0;
}
