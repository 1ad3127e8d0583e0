/* ui_ask: the small forms the counter screens ask on the way — one line
 * of text (the reason for a reversal or a refund), and an administrator's
 * approval given at this desk: their login and password, logged in as a
 * second session that the domain checks (sale_approve) and audits. */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "ui_int.h"

struct one_line {
	char *out;
	size_t len;
};

static int done_line(void *ctx, struct ui_form *fm)
{
	struct one_line *o = ctx;

	if (!fm->fields[0].text[0]) {
		snprintf(fm->fields[0].msg, sizeof(fm->fields[0].msg), "%s",
			 _("Type it: it goes into the ledger and the audit log."));
		return -1;
	}
	snprintf(o->out, o->len, "%s", fm->fields[0].text);
	return 0;
}

int ui_prompt(struct ui *u, const char *title, const char *intro, const char *label,
	      char *out, size_t len)
{
	struct ui_field f;
	struct ui_form fm = { &f, 1, 0, 0 };
	struct one_line o = { out, len };

	memset(&f, 0, sizeof(f));
	f.label = label;
	f.width = 50;
	return ui_form_run(u, title, intro, &fm, NULL, done_line, &o);
}

struct approval {
	struct ui *u;
	struct session *ap;
};

static int done_approver(void *ctx, struct ui_form *fm)
{
	struct approval *a = ctx;
	char why[512];
	int rc;

	ui_progress(_("Checking password…"));
	rc = session_login(a->u->db, fm->fields[0].text, fm->fields[1].text, a->ap);
	explicit_bzero(fm->fields[1].text, sizeof(fm->fields[1].text));
	fm->fields[1].cur = 0;
	if (rc) {
		snprintf(fm->fields[1].msg, sizeof(fm->fields[1].msg), "%s",
			 err_text(rc, why, sizeof(why)));
		return -1;
	}
	return 0;
}

int ui_approver(struct ui *u, int rc, struct session *ap)
{
	struct ui_field f[2];
	struct ui_form fm = { f, 2, 0, 0 };
	struct approval a = { u, ap };
	char why[512], intro[700];
	int r;

	/* Only the refusals the domain says an administrator can lift. */
	if (rc != -SD_PERM || !strstr(err_detail(), "administrator"))
		return 0;
	err_text(rc, why, sizeof(why));
	snprintf(intro, sizeof(intro), "%s. %s", why,
		 _("An administrator approves here with their own login and password."));
	memset(f, 0, sizeof(f));
	f[0].label = N_("Approver login");
	f[0].width = 32;
	f[1].label = N_("Approver password");
	f[1].secret = 1;
	f[1].width = 32;
	memset(ap, 0, sizeof(*ap));
	r = ui_form_run(u, N_("Approval"), intro, &fm, NULL, done_approver, &a);
	explicit_bzero(f, sizeof(f));
	return r == 1;
}
