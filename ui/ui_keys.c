/* ui_keys: "Unlock card keys" — the administrator types the key-file
 * passphrase once per desk start; the unlocked ring stays in struct ui
 * for the program's life (card meters' sales, reversals and refunds need
 * it) and is wiped at exit. The passphrase is never shown, logged or
 * kept: the field is cleared as soon as keys_unlock() has used it. */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "keys.h"
#include "ui_int.h"

static int done_unlock(void *ctx, struct ui_form *fm)
{
	struct ui *u = ctx;
	struct card_keyring *ring = NULL;
	char why[512];
	int rc;

	ui_progress(_("Unlocking the card keys…"));
	rc = keys_unlock(u->cfg.keys_file, fm->fields[0].text, &ring);
	explicit_bzero(fm->fields[0].text, sizeof(fm->fields[0].text));
	fm->fields[0].cur = 0;
	if (rc) {
		snprintf(fm->fields[0].msg, sizeof(fm->fields[0].msg), "%s",
			 err_text(rc, why, sizeof(why)));
		return -1;
	}
	card_keys_free(u->ring);
	u->ring = ring;
	return 0;
}

/* Runs the passphrase form; intro says why it is asked. */
static int unlock(struct ui *u, const char *intro)
{
	struct ui_field f;
	struct ui_form fm = { &f, 1, 0, 0 };
	int rc;

	memset(&f, 0, sizeof(f));
	f.label = N_("Key passphrase");
	f.secret = 1;
	f.width = 40;
	rc = ui_form_run(u, N_("Unlock card keys"), intro, &fm, NULL, done_unlock, u);
	explicit_bzero(&f, sizeof(f));
	return rc;
}

int ui_keys_unlock(struct ui *u)
{
	int rc;

	if (u->ring && !ui_confirm(_("The card keys are already unlocked. Unlock them again?")))
		return 0;
	rc = unlock(u, _("An administrator types the key-file passphrase (once per desk start)."));
	if (rc == 1)
		ui_message(_("Unlock card keys"),
			   _("The card keys are unlocked until the program ends."));
	return rc < 0 ? -1 : 0;
}

int ui_keys_need_why(struct ui *u, const char *intro)
{
	return u->ring ? 1 : unlock(u, intro);
}

int ui_keys_need(struct ui *u)
{
	if (u->ring)
		return 1;
	return unlock(u, _("This sale writes a card: the card keys are locked. An administrator "
			   "types the key-file passphrase."));
}
