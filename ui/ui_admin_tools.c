/* ui_admin_tools: the administrator's Settings, Card keys and Backups
 * screens, and Diagnostics (reader, printer, database, log). Each calls the
 * same domain function as its command (setting_set as `setting set`,
 * keys_status/init/rotate as `keys ...`, backup_run/list/verify/restore as
 * `backup ...`/`restore`, printer_test_page, db_check), so validation,
 * permissions and the audit trail are the domain's. Key bytes and
 * passphrases never reach the screen: the keys screen shows versions and
 * key check values only, and passphrase fields are wiped after use. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "backup_int.h"
#include "card_desk.h"
#include "db.h"
#include "db_backup.h"
#include "err.h"
#include "keys.h"
#include "log.h"
#include "money.h"
#include "perm.h"
#include "printer.h"
#include "setting.h"
#include "ui_int.h"
#include "ui_tech.h"

/* ---- the text views' bar (ui_view_text) ---- */

static const struct ui_fkey view_keys[] = { { 10, 'q', N_("Quit") }, { 0, 0, NULL } };

/* A growing text buffer; aborts (ui_xcalloc) rather than fail. */
struct text {
	char *s;
	size_t n, cap;
};

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int need;

	va_start(ap, fmt);
	need = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (need < 0)
		return;
	if (t->n + (size_t)need + 1 > t->cap) {
		size_t cap = (t->cap ? t->cap * 2 : 1024) + (size_t)need;
		char *s = ui_xcalloc(cap, 1);
		if (t->s)
			memcpy(s, t->s, t->n);
		free(t->s);
		t->s = s;
		t->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
	va_end(ap);
	t->n += (size_t)need;
}

/* A screen of lettered actions with the last result under them. */
struct action {
	int letter;
	const char *label;   /* N_() */
	int (*run)(struct ui *u, char *out, size_t len);  /* 0, or -1 to quit */
};

static int action_run(struct ui *u, int i, char *out, size_t len, const void *ctx)
{
	const struct action *a = ctx;

	out[0] = 0;
	return a[i].run(u, out, len) < 0 ? -1 : 0;
}

static int action_screen(struct ui *u, const char *title, const char *intro,
			 const struct action *a, int n, const char *help_text)
{
	static const struct ui_fkey keys[] = {
		{ 1, 'h', N_("Help") }, { 10, 'q', N_("Quit") }, { 0, 0, NULL }
	};
	struct ui_menu_item items[8];
	char out[2048] = "";
	struct ui_menu_screen m = {
		.title = title, .keys = keys, .intro = intro, .help = help_text,
		.items = items, .x = 4, .width = 44, .indent = 1,
		.out = out, .out_len = sizeof(out), .run = action_run, .ctx = a,
	};

	for (m.n = 0; m.n < n && m.n < (int)(sizeof(items) / sizeof(items[0])); m.n++)
		items[m.n] = (struct ui_menu_item){ a[m.n].letter, a[m.n].label };
	return ui_menu_run(u, &m);
}

/* ---- Settings ---- */

static const char *set_headers[] = { N_("Setting"), N_("Value"), N_("Meaning") };

static void settings_load(struct ui *u, struct ui_list *l)
{
	const struct setting_def *d = setting_defs();
	char v[128];

	ui_list_clear(l);
	for (int i = 0; d[i].key; i++) {
		const char *cells[3];
		setting_get(&u->s, d[i].key, v, sizeof(v));
		cells[0] = d[i].key;
		cells[1] = v[0] ? v : _("(default)");
		cells[2] = _(d[i].help);
		ui_list_add(l, cells);
	}
}

struct set_ctx {
	struct ui *u;
	const char *key;
	char canon[32];
};

static int done_setting(void *ctx, struct ui_form *fm)
{
	struct set_ctx *c = ctx;
	char why[512];
	int rc;

	rc = setting_set(&c->u->s, c->key, fm->fields[0].text, c->canon, sizeof(c->canon));
	if (rc == -SD_PERM) {
		ui_error(rc, _("Ask an administrator."));
		return -1;
	}
	if (rc) {
		snprintf(fm->fields[0].msg, sizeof(fm->fields[0].msg), "%s",
			 err_text(rc, why, sizeof(why)));
		return -1;
	}
	return 0;
}

int ui_settings(struct ui *u)
{
	static const struct ui_fkey keys[] = {
		{ 1, 'h', N_("Help") }, { 4, 'e', N_("Change") }, { 10, 'q', N_("Quit") },
		{ 0, 0, NULL }
	};
	struct ui_list l;
	char note[200] = "";
	int top, bottom, key;

	ui_list_init(&l, 3, set_headers);
	settings_load(u, &l);
	ui_push(u, N_("Settings"));
	while (!u->quit) {
		ui_frame(u, keys, &top, &bottom);
		ui_put(top, 2, note[0] ? note : _("The desk's limits; F4 or Enter changes the one "
						  "under the bar (audited)."), COLS - 4, 0);
		ui_list_draw(&l, top + 2, bottom, _("No settings."));
		refresh();
		key = ui_fkeys_map(keys, ui_getkey());
		if (key == UI_F(10)) {
			u->quit = 1;
			break;
		}
		if (key == UI_ESC)
			break;
		if (ui_list_key(&l, key, bottom - top - 3))
			continue;
		if (key == UI_F(1))
			ui_message(_("Help"), _("Money settings take yuan (0: no limit); numbers take "
						"whole numbers. Every change is in the audit log with "
						"who made it."));
		if ((key == UI_F(4) || ui_is_enter(key)) && ui_list_selected(&l, 0)) {
			struct ui_field f;
			struct ui_form fm = { &f, 1, 0, 0 };
			struct set_ctx c = { u, NULL, "" };
			char intro[300], key_copy[64];
			snprintf(key_copy, sizeof(key_copy), "%s", ui_list_selected(&l, 0));
			c.key = key_copy;
			memset(&f, 0, sizeof(f));
			f.label = N_("New value");
			f.width = 20;
			snprintf(intro, sizeof(intro), "%s: %s", key_copy, ui_list_selected(&l, 2));
			if (ui_form_run(u, N_("Change a setting"), intro, &fm, NULL, done_setting,
					&c) == 1) {
				snprintf(note, sizeof(note), _("%s is now %s (recorded in the audit log)."),
					 key_copy, c.canon);
				settings_load(u, &l);
			}
		}
	}
	ui_pop(u);
	ui_list_free(&l);
	return u->quit ? -1 : 0;
}

/* ---- Card keys ---- */

/* A form of one or more secret fields; the caller wipes them. */
static void secret_field(struct ui_field *f, const char *label)
{
	memset(f, 0, sizeof(*f));
	f->label = label;
	f->secret = 1;
	f->width = 40;
}

static int done_twice(void *ctx, struct ui_form *fm)
{
	int first = *(int *)ctx;

	for (int i = 0; i < fm->n; i++)
		fm->fields[i].msg[0] = 0;
	if (!fm->fields[first].text[0]) {
		snprintf(fm->fields[first].msg, sizeof(fm->fields[first].msg), "%s", _("Required."));
		return -1;
	}
	if (fm->n > first + 1 && strcmp(fm->fields[first].text, fm->fields[first + 1].text)) {
		snprintf(fm->fields[first + 1].msg, sizeof(fm->fields[first + 1].msg), "%s",
			 _("The two passphrases differ; type them again."));
		return -1;
	}
	return 0;
}

static int keys_status_run(struct ui *u, char *out, size_t len)
{
	struct card_keyring *ring = NULL;
	struct ui_field f;
	struct ui_form fm = { &f, 1, 0, 0 };
	struct text t = { NULL, 0, 0 };
	int zero = 0, rc;

	(void)out; (void)len;
	if ((rc = perm_check(&u->s, PERM_KEYS))) {
		ui_error(rc, _("Ask an administrator."));
		return 0;
	}
	secret_field(&f, N_("Key passphrase"));
	rc = ui_form_run(u, N_("Key status"), _("The key-file passphrase opens the file to list "
						 "its versions (no key is shown)."),
			 &fm, NULL, done_twice, &zero);
	if (rc <= 0) {
		explicit_bzero(&f, sizeof(f));
		return rc;
	}
	ui_progress(_("Opening the key file…"));
	rc = keys_status(&u->s, u->cfg.keys_file, f.text, &ring);
	explicit_bzero(&f, sizeof(f));
	if (rc) {
		ui_error(rc, rc == -SD_KEYS_BAD ? _("Type the passphrase again.") : NULL);
		return 0;
	}
	text_add(&t, "%s: %s\n", _("Key file"), u->cfg.keys_file);
	text_add(&t, _("%d version(s); new cards get version %02X.\n"), ring->n,
		 card_keys_newest(ring)->version);
	for (int i = 0; i < ring->n; i++) {
		char when[32], kcv[160];
		text_add(&t, _("version %02X, created %s\n"), ring->set[i].version,
			 ui_time(u, ring->set[i].created, when, sizeof(when)));
		text_add(&t, "  %s\n", card_keys_kcvs(&ring->set[i], kcv, sizeof(kcv)));
	}
	card_keys_free(ring);
	ui_view_text(u, N_("Key status"),
		     _("Key versions and their check values (KCV): a KCV identifies a key "
		       "without revealing it."),
		     t.s, view_keys, 2, 0);
	free(t.s);
	return u->quit ? -1 : 0;
}

static int keys_init_run(struct ui *u, char *out, size_t len)
{
	struct ui_field f[2];
	struct ui_form fm = { f, 2, 0, 0 };
	char kcv[160];
	int zero = 0, rc;

	if ((rc = perm_check(&u->s, PERM_KEYS))) {
		ui_error(rc, _("Ask an administrator."));
		return 0;
	}
	if (access(u->cfg.keys_file, F_OK) == 0) {
		ui_error(err_set(-SD_EXISTS, "%s", u->cfg.keys_file),
			 _("The key file exists already: rotate it to add a key version."));
		return 0;
	}
	secret_field(&f[0], N_("New key passphrase"));
	secret_field(&f[1], N_("The same again"));
	rc = ui_form_run(u, N_("Create the key file"),
			 _("New master keys from the random generator, under this passphrase."), &fm,
			 NULL, done_twice, &zero);
	if (rc <= 0) {
		explicit_bzero(f, sizeof(f));
		return rc;
	}
	ui_progress(_("Creating the key file…"));
	rc = keys_init(&u->s, u->cfg.keys_file, f[0].text, NULL, NULL, kcv, sizeof(kcv));
	explicit_bzero(f, sizeof(f));
	if (rc) {
		ui_error(rc, NULL);
		return 0;
	}
	snprintf(out, len, _("Created %s with key version 01. Key check values: %s. Keep a copy "
			     "of the key file and its passphrase apart from the backups."),
		 u->cfg.keys_file, kcv);
	return 0;
}

static int done_rotate(void *ctx, struct ui_form *fm)
{
	(void)ctx;
	for (int i = 0; i < fm->n; i++)
		fm->fields[i].msg[0] = 0;
	if (!fm->fields[0].text[0]) {
		snprintf(fm->fields[0].msg, sizeof(fm->fields[0].msg), "%s", _("Required."));
		return -1;
	}
	if (strcmp(fm->fields[1].text, fm->fields[2].text)) {
		snprintf(fm->fields[2].msg, sizeof(fm->fields[2].msg), "%s",
			 _("The two passphrases differ; type them again."));
		return -1;
	}
	return 0;
}

static int keys_rotate_run(struct ui *u, char *out, size_t len)
{
	struct card_keyring *ring = NULL;
	struct ui_field f[3];
	struct ui_form fm = { f, 3, 0, 0 };
	char kcv[160];
	int rc, v;

	if ((rc = perm_check(&u->s, PERM_KEYS))) {
		ui_error(rc, _("Ask an administrator."));
		return 0;
	}
	secret_field(&f[0], N_("Key passphrase"));
	secret_field(&f[1], N_("New passphrase"));
	f[1].hint = N_("empty: keep it");
	secret_field(&f[2], N_("New one again"));
	f[2].hint = N_("empty: keep it");
	rc = ui_form_run(u, N_("Rotate the card keys"),
			 _("Adds the next key version: new cards get it, older cards keep working."),
			 &fm, NULL, done_rotate, NULL);
	if (rc <= 0) {
		explicit_bzero(f, sizeof(f));
		return rc;
	}
	ui_progress(_("Adding a key version…"));
	v = keys_rotate(&u->s, u->cfg.keys_file, f[0].text, f[1].text[0] ? f[1].text : NULL, NULL,
			kcv, sizeof(kcv));
	/* The desk's unlocked keys get the new version at once. */
	if (v > 0 && keys_unlock(u->cfg.keys_file, f[1].text[0] ? f[1].text : f[0].text,
				 &ring) == 0) {
		card_keys_free(u->ring);
		u->ring = ring;
	}
	explicit_bzero(f, sizeof(f));
	if (v < 0) {
		ui_error(v, v == -SD_KEYS_BAD ? _("Type the passphrase again.") : NULL);
		return 0;
	}
	snprintf(out, len, _("Added key version %02X: new cards get it, older cards keep "
			     "working. Key check values: %s"), v, kcv);
	return 0;
}

int ui_keys_admin(struct ui *u)
{
	static const struct action a[] = {
		{ 's', N_("Key status (versions and check values)"), keys_status_run },
		{ 'i', N_("Create the key file"), keys_init_run },
		{ 'r', N_("Rotate: add a key version"), keys_rotate_run },
	};
	return action_screen(u, N_("Card keys"), _("The card key file (administrators):"), a, 3,
			     _("The key file holds the card master keys, encrypted under a "
			       "passphrase. Status lists the versions with their key check "
			       "values, never a key. Rotating adds a version for new cards."));
}

/* ---- Backups ---- */

static const char *bk_headers[] = { N_("File"), N_("Taken"), N_("Encrypted"), N_("Manifest") };
static const char *facts_header[] = { "" };

/* Fills l with the backups and fl, row for row, with each one's manifest
 * facts, shown above the list for the one under the bar (80 columns hold
 * no more). */
static int backups_load(struct ui *u, struct ui_list *l, struct ui_list *fl)
{
	struct backup_entry *v = NULL;
	int n = 0, rc;

	ui_list_clear(l);
	ui_list_clear(fl);
	if ((rc = perm_check(&u->s, PERM_BACKUP)) || (rc = backup_list(u->cfg.backup_dir, &v, &n)))
		return rc;
	for (int i = 0; i < n; i++) {
		char when[32], sum[48], facts[400];
		const struct backup_manifest *m = &v[i].m;
		int h = v[i].has_manifest;
		const char *cells[4], *fc[1] = { facts };
		if (h)
			snprintf(facts, sizeof(facts),
				 _("%s: %" PRId64 " bytes, SHA-256 %.16s…; schema %d; ledger %" PRId64
				   " rows, %s yuan; audit head row %" PRId64),
				 backup_basename(v[i].path), m->size, m->sha256, m->facts.schema,
				 m->facts.ledger_rows,
				 money_format(m->facts.ledger_sum, sum, sizeof(sum)),
				 m->facts.audit_head_id);
		else
			snprintf(facts, sizeof(facts), _("%s: no manifest (verify refuses it)"),
				 backup_basename(v[i].path));
		cells[0] = backup_basename(v[i].path);
		cells[1] = ui_time(u, v[i].t, when, sizeof(when));
		cells[2] = h ? (m->encrypted ? _("yes") : _("no")) : "";
		cells[3] = h ? _("ok") : _("missing");
		ui_list_add(l, cells);
		ui_list_add(fl, fc);
	}
	free(v);
	return 0;
}

static void add_line(int ok, const char *line, void *ctx)
{
	text_add(ctx, "%s %s\n", ok ? _("PASS") : _("FAIL"), line);
}

/* Where a backup's plaintext may be staged: beside the live database. */
static void staging(const struct ui *u, char *out, size_t len)
{
	struct stat sb;

	backup_dirname(u->cfg.db_path, out, len);
	if (stat(out, &sb) != 0 || !S_ISDIR(sb.st_mode))
		snprintf(out, len, "/tmp");
}

/* Asks an encrypted backup's passphrase into pass; 1 typed, 0 left, -1. */
static int backup_pass(struct ui *u, const char *file, char *pass, size_t len)
{
	struct ui_field f;
	struct ui_form fm = { &f, 1, 0, 0 };
	int zero = 0, rc;

	pass[0] = 0;
	if (!backup_is_encrypted(file))
		return 1;
	secret_field(&f, N_("Backup passphrase"));
	rc = ui_form_run(u, N_("Backup passphrase"), _("This backup is encrypted."), &fm, NULL,
			 done_twice, &zero);
	if (rc == 1)
		snprintf(pass, len, "%s", f.text);
	explicit_bzero(&f, sizeof(f));
	return rc;
}

/* Backs up now; with encrypt, under a passphrase typed twice. Returns
 * 0, or -1 to quit. */
static int backup_now(struct ui *u, char *note, size_t len, int encrypt)
{
	struct backup_opts o;
	struct backup_result *r;
	struct ui_field f[2];
	struct ui_form fm = { f, 2, 0, 0 };
	char yuan[48], stage[PATH_MAX];
	int zero = 0, rc;

	memset(&o, 0, sizeof(o));
	memset(f, 0, sizeof(f));
	if (encrypt) {
		secret_field(&f[0], N_("Backup passphrase"));
		secret_field(&f[1], N_("The same again"));
		rc = ui_form_run(u, N_("Encrypted backup"),
				 _("The backup is encrypted under this passphrase (at least 10 "
				   "characters); keep it apart from the backups."),
				 &fm, NULL, done_twice, &zero);
		if (rc <= 0) {
			explicit_bzero(f, sizeof(f));
			return rc;
		}
		o.passphrase = f[0].text;
		staging(u, stage, sizeof(stage));
		o.staging_dir = stage;
	}
	r = ui_xcalloc(1, sizeof(*r));
	o.dir = u->cfg.backup_dir;
	o.keep_daily = u->cfg.backup_keep_daily;
	o.keep_weekly = u->cfg.backup_keep_weekly;
	o.keep_monthly = u->cfg.backup_keep_monthly;
	ui_progress(_("Backing up the database… the desk keeps working"));
	rc = backup_run(&u->s, &o, r);
	explicit_bzero(f, sizeof(f));
	if (rc) {
		ui_error(rc, encrypt && rc == -SD_INVAL ? NULL
			 : _("Check the [backup] dir of the configuration and the free space."));
		free(r);
		return 0;
	}
	snprintf(note, len, _("Backup written: %s, %" PRId64 " bytes in %" PRId64 " ms; ledger "
			      "%" PRId64 " rows, %s yuan; audit head row %" PRId64 "%s."),
		 backup_basename(r->path), r->m.size, r->total_ms, r->m.facts.ledger_rows,
		 money_format(r->m.facts.ledger_sum, yuan, sizeof(yuan)), r->m.facts.audit_head_id,
		 r->removed ? _("; rotation removed older backups") : "");
	free(r);
	return 0;
}

static void backup_verify_one(struct ui *u, const char *name, char *note, size_t len)
{
	char path[PATH_MAX + 300], pass[512], stage[PATH_MAX], head[400];
	struct text t = { NULL, 0, 0 };
	int rc;

	snprintf(path, sizeof(path), "%s/%s", u->cfg.backup_dir, name);
	if ((rc = backup_pass(u, path, pass, sizeof(pass))) <= 0)
		return;
	staging(u, stage, sizeof(stage));
	ui_progress(_("Verifying the backup… (hashes, integrity, money sums, audit chain)"));
	rc = backup_verify(&u->s, path, pass, stage, add_line, &t);
	explicit_bzero(pass, sizeof(pass));
	if (rc == -SD_PERM) {
		ui_error(rc, _("Ask an administrator."));
		free(t.s);
		return;
	}
	if (rc) {
		char why[512];
		snprintf(head, sizeof(head), _("Backup %s does NOT verify: %s."), name,
			 err_text(rc, why, sizeof(why)));
	} else {
		snprintf(head, sizeof(head), _("Backup %s verifies."), name);
	}
	snprintf(note, len, "%s", head);
	ui_view_text(u, N_("Verify a backup"), head, t.s ? t.s : "", view_keys, 2, 0);
	free(t.s);
}

/* Restores backup name over the live database: the preflight first (a
 * pending sale refuses with the domain's message), the strong
 * confirmation, verification to a staged copy, then the swap with this
 * program's connection closed. The program ends afterwards: every screen
 * and the log-in belong to the old database. Returns -1 when it ended. */
static int backup_restore_one(struct ui *u, const char *name, char *note, size_t len)
{
	char path[PATH_MAX + 300], pass[512], stage[PATH_MAX], staged[PATH_MAX] = "", typed[64];
	char q[600];
	struct restore_result rr;
	struct session s = u->s;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", u->cfg.backup_dir, name);
	if ((rc = perm_check(&u->s, PERM_BACKUP)) || (rc = restore_preflight(u->db, u->cfg.db_path))) {
		ui_error(rc, rc == -SD_STATE ? _("Settle the pending sale (read the customer's card "
						 "at the desk), then restore.") : NULL);
		return 0;
	}
	snprintf(q, sizeof(q), _("Restoring %s replaces the whole database: every sale, account "
				 "and change made after it is gone (the current database is kept "
				 "aside). Next, type RESTORE to go on."), name);
	ui_message(_("Restore a backup"), q);
	rc = ui_prompt(u, N_("Restore a backup"),
		       _("Type RESTORE to restore; anything else leaves the database as it is."),
		       N_("Type RESTORE"), typed, sizeof(typed));
	if (rc <= 0)
		return rc;
	if (strcmp(typed, "RESTORE")) {
		snprintf(note, len, "%s", _("Not restored: RESTORE was not typed."));
		return 0;
	}
	if ((rc = backup_pass(u, path, pass, sizeof(pass))) <= 0)
		return rc;
	staging(u, stage, sizeof(stage));
	ui_progress(_("Verifying the backup before restoring…"));
	rc = backup_verify_file(path, pass, stage, staged, sizeof(staged), NULL, NULL);
	explicit_bzero(pass, sizeof(pass));
	if (rc) {
		ui_error(rc, _("Nothing was changed. Choose another backup."));
		return 0;
	}
	ui_progress(_("Restoring…"));
	db_close(u->db);
	u->db = NULL;
	s.db = NULL;
	rc = backup_restore(&s, u->cfg.db_path, staged, name, &rr);
	if (rc)
		unlink(staged);
	if (db_open(u->cfg.db_path, 0, &u->db) == 0) {
		u->s.db = u->db;
	} else {
		/* Nothing can go on without the database: say why and end. */
		ui_error(rc ? rc : -SD_DB, _("The program ends now: start it again."));
		u->quit = 1;
		return -1;
	}
	if (rc) {
		ui_error(rc, _("The database is as before."));
		return 0;
	}
	snprintf(q, sizeof(q), _("Restored %s (schema %d, now %d). The previous database is kept "
				 "as %s. The program ends now: start it again and log in."),
		 name, rr.from_schema, rr.to_schema, rr.aside[0] ? rr.aside : "-");
	ui_message(_("Restore a backup"), q);
	u->quit = 1;
	return -1;
}

int ui_backups(struct ui *u)
{
	static const struct ui_fkey keys[] = {
		{ 1, 'h', N_("Help") }, { 2, 'b', N_("Back up now") }, { 3, 'c', N_("Encrypted") },
		{ 5, 'v', N_("Verify") },
		{ 8, 'r', N_("Restore") }, { 10, 'q', N_("Quit") }, { 0, 0, NULL }
	};
	struct ui_list l, fl;
	char note[600] = "", name[300];
	int top, bottom, key, rc;

	ui_list_init(&l, 4, bk_headers);
	ui_list_init(&fl, 1, facts_header);
	if ((rc = backups_load(u, &l, &fl)))
		ui_error(rc, _("Check the [backup] dir of the configuration."));
	ui_push(u, N_("Backups"));
	while (!u->quit) {
		int hl;
		ui_frame(u, keys, &top, &bottom);
		hl = ui_wrap(note[0] ? note : u->cfg.backup_dir, top, 2, COLS - 4, 1);
		if (l.nrows && l.sel < fl.nrows)
			hl += ui_wrap(fl.cells[l.sel], top + hl, 2, COLS - 4, 1);
		ui_list_draw(&l, top + hl + 1, bottom, _("No backups yet: F2 makes one."));
		refresh();
		key = ui_fkeys_map(keys, ui_getkey());
		if (key == UI_F(10)) {
			u->quit = 1;
			break;
		}
		if (key == UI_ESC)
			break;
		if (ui_list_key(&l, key, bottom - top - 3))
			continue;
		if (key == UI_F(1))
			ui_message(_("Help"), _("F2 backs the database up now into the [backup] dir "
						"(the desk keeps working); F3 makes an encrypted one "
						"under a passphrase. F5 verifies the backup under "
						"the bar: hashes, integrity, money sums and the audit "
						"chain. F8 restores it over the live database after you "
						"type RESTORE."));
		else if (key == UI_F(2) || key == UI_F(3)) {
			if (backup_now(u, note, sizeof(note), key == UI_F(3)) < 0)
				break;
			backups_load(u, &l, &fl);
		} else if ((key == UI_F(5) || key == UI_F(8)) && ui_list_selected(&l, 0)) {
			snprintf(name, sizeof(name), "%s", ui_list_selected(&l, 0));
			if (key == UI_F(5))
				backup_verify_one(u, name, note, sizeof(note));
			else if (backup_restore_one(u, name, note, sizeof(note)) < 0)
				break;
		}
	}
	ui_pop(u);
	ui_list_free(&l);
	ui_list_free(&fl);
	return u->quit ? -1 : 0;
}

/* ---- Diagnostics ---- */

struct reader_test {
	char name[128];
	uint8_t atr[64];
	size_t atr_len;
	int read_rc;
	struct card_state st;
	struct card_rec rec;
	int known;
};

static int do_reader_test(struct ui *u, struct card_reader *r, void *ctx)
{
	struct reader_test *t = ctx;
	int rc;

	snprintf(t->name, sizeof(t->name), "%s", reader_name(r));
	t->atr_len = sizeof(t->atr);
	if ((rc = reader_connect(r, t->atr, &t->atr_len)))
		return rc;
	reader_disconnect(r, 0);
	t->read_rc = card_desk_read(&u->s, r, u->ring, &t->st, &t->rec, &t->known);
	return 0;
}

static int diag_reader(struct ui *u, char *out, size_t len)
{
	struct reader_test *t = ui_xcalloc(1, sizeof(*t));
	char why[512], hex[17];
	int rc, n;

	rc = ui_tech_with_reader(u, _("Testing the reader and the card…"), do_reader_test, t);
	if (rc && !t->name[0]) {
		log_warn("reader test: %s", err_text(rc, why, sizeof(why)));
		ui_error(rc, ui_tech_next(rc));
		free(t);
		return 0;
	}
	n = snprintf(out, len, "%s: %s\n", _("Reader"), t->name);
	if (rc) {
		snprintf(out + n, len - (size_t)n, "%s: %s.", _("Card"), err_text(rc, why, sizeof(why)));
		log_warn("reader test: %s: %s", t->name, why);
		free(t);
		return 0;
	}
	n += snprintf(out + n, len - (size_t)n, "ATR:");
	for (size_t i = 0; i < t->atr_len && (size_t)n + 4 < len; i++)
		n += snprintf(out + n, len - (size_t)n, " %02X", t->atr[i]);
	n += snprintf(out + n, len - (size_t)n, "\n");
	if (t->read_rc)
		snprintf(out + n, len - (size_t)n, "%s: %s.", _("Card read"),
			 err_text(t->read_rc, why, sizeof(why)));
	else if (!u->ring)
		snprintf(out + n, len - (size_t)n, _("Card %s read without keys. Authentication: not "
						     "tried, the card keys are locked (unlock them "
						     "from the main menu)."),
			 card_serial_hex(t->st.serial, hex));
	else
		snprintf(out + n, len - (size_t)n, _("Card %s: authentication %s."),
			 card_serial_hex(t->st.serial, hex),
			 t->st.authenticated ? _("passed (card and record MACs checked)")
			 : t->st.blank ? _("not possible, the card is blank")
			 : _("not done"));
	free(t);
	return 0;
}

static int diag_printer(struct ui *u, char *out, size_t len)
{
	char why[512];
	int rc;

	ui_progress(_("Printing a test page…"));
	rc = printer_test_page(&u->cfg, !strncmp(u->cfg.locale, "zh", 2));
	if (rc) {
		log_warn("printer test: %s", err_text(rc, why, sizeof(why)));
		ui_error(rc, _("Check the [printer] device of the configuration, the cable and the "
			       "paper, then print the test page again."));
		return 0;
	}
	snprintf(out, len, _("Test page sent to %s (%s, %d characters a line): check the ruler "
			     "fills one line and the Chinese line prints."),
		 u->cfg.printer, u->cfg.printer_format[0] ? u->cfg.printer_format : "text",
		 u->cfg.printer_width ? u->cfg.printer_width : 32);
	return 0;
}

static int db_test(struct ui *u, char *out, size_t len, int full)
{
	char why[512] = "";
	int rc;

	ui_progress(full ? _("Checking the whole database (integrity_check)…")
			 : _("Checking the database (quick_check)…"));
	rc = db_check(u->db, full, why, sizeof(why));
	if (rc == -SD_DB_CORRUPT) {
		log_error("database check: %s", why);
		snprintf(out, len, _("The database is DAMAGED: %s. Restore it from a backup "
				     "(Backups, F8)."), why);
	} else if (rc) {
		ui_error(rc, NULL);
	} else {
		snprintf(out, len, _("Database %s: %s ok."), u->cfg.db_path,
			 full ? "integrity_check" : "quick_check");
	}
	return 0;
}

static int diag_db(struct ui *u, char *out, size_t len)
{
	return db_test(u, out, len, 0);
}

static int diag_db_full(struct ui *u, char *out, size_t len)
{
	return db_test(u, out, len, 1);
}

/* Shows the last 64 KiB of the UI's log file, scrolled to its end. */
static int diag_log(struct ui *u, char *out, size_t len)
{
	char path[PATH_MAX + 8], head[PATH_MAX + 100], *buf;
	FILE *f;
	long size, from;
	size_t n;

	(void)out; (void)len;
	fflush(stderr);
	ui_log_path(u, path, sizeof(path));
	if (!(f = fopen(path, "r"))) {
		ui_error(err_set(-SD_NOT_FOUND, "%s", path), NULL);
		return 0;
	}
	fseek(f, 0, SEEK_END);
	if ((size = ftell(f)) < 0)
		size = 0;
	from = size > 65536 ? size - 65536 : 0;
	fseek(f, from, SEEK_SET);
	buf = ui_xcalloc((size_t)(size - from) + 1, 1);
	n = fread(buf, 1, (size_t)(size - from), f);
	buf[n] = 0;
	fclose(f);
	snprintf(head, sizeof(head), _("%s — the desk's log while this program runs (the "
				       "meter-reading service logs to its journal)"), path);
	ui_view_text(u, N_("Log"), head, from && strchr(buf, '\n') ? strchr(buf, '\n') + 1 : buf,
		     view_keys, 2, 1);
	free(buf);
	return u->quit ? -1 : 0;
}

int ui_diagnostics(struct ui *u)
{
	static const struct action a[] = {
		{ 'r', N_("Reader test (name, ATR, authentication)"), diag_reader },
		{ 'p', N_("Printer test page"), diag_printer },
		{ 'd', N_("Database check (quick)"), diag_db },
		{ 'i', N_("Database integrity check (full)"), diag_db_full },
		{ 'l', N_("Log viewer"), diag_log },
	};
	return action_screen(u, N_("Diagnostics"), _("Tests for the faults solved at the desk:"),
			     a, 5,
			     _("Reader test: the reader's name, the card's ATR and, with the card "
			       "keys unlocked, an authentication against the card. Printer test "
			       "page: through the configured printer. Database checks: SQLite's "
			       "quick_check or the full integrity_check. Log viewer: the end of "
			       "this program's log, scrollable."));
}
