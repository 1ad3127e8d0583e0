/* ui_main: bare `saledesk` — open the desk, log in, run the main menu,
 * and always give the terminal back. While curses owns the terminal the
 * desk's log lines go to DATABASE-ui.log (the Diagnostics log viewer). */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "clock.h"
#include "db.h"
#include "err.h"
#include "keys.h"
#include "ui.h"
#include "ui_int.h"
#include "ui_tech.h"

char *ui_time(const struct ui *u, int64_t t, char *buf, unsigned len)
{
	char full[32];

	if (t == 0) {
		snprintf(buf, len, "—");
		return buf;
	}
	clock_format_local(t, u->s.utc_offset_min, full, sizeof(full));
	full[16] = 0;  /* minutes are enough on a screen */
	snprintf(buf, len, "%s", full);
	return buf;
}

/* A whole screen for a desk that cannot start, then a key. */
static int cannot_start(int code, const struct config *cfg)
{
	char what[512], text[PATH_MAX + 1024];
	int y, x;

	err_text(code, what, sizeof(what));
	if (code == -SD_NOT_FOUND || code == -SD_IO || code == -SD_DB)
		snprintf(text, sizeof(text), "%s\n%s: %s\n%s", _("There is no desk database yet."),
			 _("Looked for"), cfg->db_path,
			 _("An administrator creates it with: saledesk init --admin LOGIN --name NAME"));
	else
		snprintf(text, sizeof(text), "%s\n%s: %s", what, _("Database"), cfg->db_path);
	erase();
	attrset(ui_attr(UI_C_TITLE));
	ui_put(0, 0, "saledesk", COLS, 1);
	attrset(A_NORMAL);
	ui_box(9, COLS - 4 > 76 ? 76 : COLS - 4, _("The desk cannot start"), ui_attr(UI_C_ERROR),
	       &y, &x);
	{
		/* One sentence a line; long ones are clipped on tiny terminals. */
		char *line = text, *nl;
		int r = 1;
		while (line && r < 6) {
			nl = strchr(line, '\n');
			if (nl)
				*nl = 0;
			ui_put(y + r++, x + 2, line, (COLS - 4 > 76 ? 76 : COLS - 4) - 4, 0);
			line = nl ? nl + 1 : NULL;
		}
		attron(A_BOLD);
		ui_put(y + 7, x + 2, _("Press any key to leave."), 60, 0);
	}
	attrset(A_NORMAL);
	curs_set(0);
	refresh();
	while (ui_getkey() == UI_K(KEY_RESIZE))
		;
	return 1;
}

/* The database failed its quick check and nothing was written to it: a
 * whole screen with what is wrong, the newest backup that still verifies
 * and the exact command that restores it, then a key. The same text goes
 * into out (for the terminal after the screen is gone, where it can be
 * copied); returns the exit code. */
static int damaged(const struct config *cfg, char *out, unsigned outlen)
{
	char why[512], good[PATH_MAX], text[PATH_MAX * 2 + 1024];
	int w = COLS - 4 > 110 ? 110 : COLS - 4, h, y, x;

	/* Before the backup search overwrites the detail. */
	snprintf(why, sizeof(why), "%s", err_detail());
	ui_progress(_("The database is damaged; looking for the newest good backup…"));
	if (backup_newest_good(cfg->backup_dir, good, sizeof(good)) == 0)
		snprintf(text, sizeof(text), "%s\n%s\n%s\n%s\n%s\nsaledesk restore %s "
			 "--operator LOGIN\n%s",
			 why, _("Nothing was written to it."), _("The newest good backup is:"), good,
			 _("Stop the desk and the meter-reading service, then restore it with:"),
			 good, _("See docs/backup.md, \"The database is damaged\"."));
	else
		snprintf(text, sizeof(text), "%s\n%s\n%s: %s\n%s", why,
			 _("Nothing was written to it."), _("No backup verifies in"),
			 cfg->backup_dir[0] ? cfg->backup_dir : _("(no backup folder configured)"),
			 _("See docs/backup.md, \"The database is damaged\"."));
	snprintf(out, outlen, "%s", text);
	erase();
	attrset(ui_attr(UI_C_TITLE));
	ui_put(0, 0, "saledesk", COLS, 1);
	attrset(A_NORMAL);
	h = ui_wrap(text, 0, 0, w - 4, 0) + 4;
	if (h > LINES - 1)
		h = LINES - 1;
	ui_box(h, w, _("The database is damaged"), ui_attr(UI_C_ERROR), &y, &x);
	ui_wrap(text, y + 1, x + 2, w - 4, 1);
	attron(A_BOLD);
	ui_put(y + h - 2, x + 2, _("Press any key to leave."), w - 4, 0);
	attrset(A_NORMAL);
	curs_set(0);
	refresh();
	while (ui_getkey() == UI_K(KEY_RESIZE))
		;
	return 1;
}

void ui_log_path(const struct ui *u, char *buf, unsigned len)
{
	snprintf(buf, len, "%s-ui.log", u->cfg.db_path);
}

/* The UI's log is moved to LOG.1 (replacing the one before) at a start
 * that finds it this big: a counter runs for years, and at the default
 * level (warnings) a MiB is years of starts and failed tests. */
#define UI_LOG_ROTATE_BYTES (1L << 20)

/* Sends stderr (the desk's log lines, src/log.c) to the UI's log file
 * while curses owns the terminal: a line written there would scribble
 * over the screen. Returns the saved stderr to restore, or -1. */
static int log_to_file(const struct ui *u)
{
	char path[PATH_MAX + 8], old[PATH_MAX + 16], when[32];
	struct stat sb;
	int fd, saved;

	ui_log_path(u, path, sizeof(path));
	if (stat(path, &sb) == 0 && sb.st_size >= UI_LOG_ROTATE_BYTES) {
		snprintf(old, sizeof(old), "%s.1", path);
		rename(path, old); /* if it fails, the log just goes on growing */
	}
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return -1;
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	if (saved < 0 || dup2(fd, STDERR_FILENO) < 0) {
		if (saved >= 0)
			close(saved);
		close(fd);
		return -1;
	}
	close(fd);
	clock_format_local(clock_now(), 0, when, sizeof(when));
	fprintf(stderr, "saledesk: ui started %s UTC (pid %ld)\n", when, (long)getpid());
	return saved;
}

int ui_run(const char *config_arg, const char *db_arg)
{
	struct ui u;
	static char damage[PATH_MAX * 2 + 1024];
	char buf[16];
	int rc, exit_code = 0, saved_err = -1;

	memset(&u, 0, sizeof(u));
	rc = config_load(config_arg, db_arg, &u.cfg);
	ui_i18n_init(rc ? NULL : &u.cfg);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "saledesk: %s\n",
			_("the counter UI needs a terminal; see 'saledesk --help' for commands"));
		return 1;
	}
	if (rc) {
		char why[512];
		fprintf(stderr, "saledesk: %s\n", err_text(rc, why, sizeof(why)));
		return 1;
	}
	if (ui_term_start()) {
		fprintf(stderr, "saledesk: %s\n", _("cannot start the terminal (is TERM set?)"));
		return 1;
	}
	if (access(u.cfg.db_path, F_OK) != 0) {
		exit_code = cannot_start(-SD_NOT_FOUND, &u.cfg);
		goto out;
	}
	/* The desk starts rarely and then sells all day: check the whole file
	 * at every start, whatever the hourly stamp of short commands says
	 * (half a minute on a 2 GB database; docs/backup.md). */
	ui_progress(_("Checking the database…"));
	if ((rc = db_open(u.cfg.db_path, DB_OPEN_CHECK_ALWAYS, &u.db))) {
		if (rc == -SD_DB_CORRUPT)
			exit_code = damaged(&u.cfg, damage, sizeof(damage));
		else
			exit_code = cannot_start(rc, &u.cfg);
		goto out;
	}
	saved_err = log_to_file(&u);
	/* The watcher starts before the log-in so the status line shows the
	 * reader at once; without it (no thread) the UI works all the same. */
	if (ui_card_start(u.cfg.reader, &u.card) == 0)
		ui_term_wakeup(ui_card_fd(u.card));
	u.s.utc_offset_min = 480;
	if (db_setting_get(u.db, "site.utc_offset_min", buf, sizeof(buf)) == 0)
		u.s.utc_offset_min = atoi(buf);
	while (!u.quit && ui_login(&u) == 0) {
		ui_shift_refresh(&u);
		ui_menu(&u);
		/* Logged out: nothing of the last operator stays. */
		memset(&u.s, 0, sizeof(u.s));
		u.s.db = u.db;
		u.logged_in = 0;
		u.shift_id = 0;
	}
out:
	ui_term_wakeup(-1);
	ui_card_stop(u.card);
	card_keys_free(u.ring);
	ui_term_end();
	db_close(u.db);
	if (saved_err >= 0) {
		fflush(stderr);
		dup2(saved_err, STDERR_FILENO);
		close(saved_err);
	}
	if (damage[0])
		fprintf(stderr, "saledesk: %s\n%s\n", _("the database is damaged"), damage);
	return exit_code;
}
