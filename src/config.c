/* config: the INI file, parsed by libinih. */
#include "config.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"

struct parse_ctx {
	struct config *cfg;
	char dir[PATH_MAX];   /* relative paths in the file are relative to it */
	char first_error[256];
};

/* Stores a path value, resolving it against the config file's folder. */
static int set_path(struct parse_ctx *p, char *dst, const char *value)
{
	if (value[0] == 0)
		return 0;
	int n;

	if (value[0] == '/' || strncmp(value, "file:", 5) == 0 ||
	    strncmp(value, "cups:", 5) == 0)
		n = snprintf(dst, PATH_MAX, "%s", value);
	else
		n = snprintf(dst, PATH_MAX, "%s/%s", p->dir, value);
	return n > 0 && n < PATH_MAX;
}

static int set_int(int *dst, const char *value, int lo, int hi)
{
	char *end;
	long v = strtol(value, &end, 10);

	if (end == value || *end || v < lo || v > hi)
		return 0;
	*dst = (int)v;
	return 1;
}

/* "HH:MM" (00:00-23:59) into minutes of the day; "" or "off" is -1. */
static int set_daily(int *dst, const char *value)
{
	int h, m;

	if (!value[0] || strcmp(value, "off") == 0) {
		*dst = -1;
		return 1;
	}
	if (strlen(value) != 5 || value[2] != ':' || strspn(value, "0123456789") != 2 ||
	    strspn(value + 3, "0123456789") != 2)
		return 0;
	h = (value[0] - '0') * 10 + value[1] - '0';
	m = (value[3] - '0') * 10 + value[4] - '0';
	if (h > 23 || m > 59)
		return 0;
	*dst = h * 60 + m;
	return 1;
}

char *config_daily_text(int daily_min, char *buf, unsigned len)
{
	if (daily_min < 0)
		snprintf(buf, len, "off");
	else
		snprintf(buf, len, "%02d:%02d", daily_min / 60 % 100, daily_min % 60);
	return buf;
}

static int one_of(const char *value, const char *const *choices)
{
	for (; *choices; choices++)
		if (strcmp(value, *choices) == 0)
			return 1;
	return 0;
}

static int handle(void *user, const char *section, const char *name,
		  const char *value)
{
	static const char *const formats[] = { "escpos", "text", NULL };
	static const char *const levels[] = { "debug", "info", "warn", "error", "off", NULL };
	struct parse_ctx *p = user;
	struct config *c = p->cfg;
	int ok = -1; /* -1 unknown key, 0 bad value, 1 fine */

	/* [bus NAME] sections are config_buses()'s (config_bus.c). */
	if (strncmp(section, "bus", 3) == 0 && (section[3] == ' ' || section[3] == '\t'))
		return 1;

#define KEY(s, n) (strcmp(section, s) == 0 && strcmp(name, n) == 0)
	if (KEY("database", "path"))
		ok = value[0] ? set_path(p, c->db_path, value) : 0;
	else if (KEY("backup", "dir"))
		ok = value[0] ? set_path(p, c->backup_dir, value) : 0;
	else if (KEY("backup", "keep_daily"))
		ok = set_int(&c->backup_keep_daily, value, 0, 3660);
	else if (KEY("backup", "keep_weekly"))
		ok = set_int(&c->backup_keep_weekly, value, 0, 520);
	else if (KEY("backup", "keep_monthly"))
		ok = set_int(&c->backup_keep_monthly, value, 0, 1200);
	else if (KEY("backup", "daily_at"))
		ok = set_daily(&c->backup_daily_min, value);
	else if (KEY("export", "dir"))
		ok = value[0] ? set_path(p, c->export_dir, value) : 1;
	else if (KEY("poll", "recharge_keys"))
		ok = value[0] ? set_path(p, c->recharge_keys, value) : 1;
	else if (KEY("export", "daily_at"))
		ok = set_daily(&c->export_daily_min, value);
	else if (KEY("printer", "device"))
		ok = value[0] ? set_path(p, c->printer, value) : 1;
	else if (KEY("printer", "format"))
		ok = one_of(value, formats) &&
		     snprintf(c->printer_format, sizeof(c->printer_format), "%s", value) > 0;
	else if (KEY("printer", "width"))
		ok = set_int(&c->printer_width, value, 24, 80);
	else if (KEY("printer", "drawer"))
		ok = set_int(&c->printer_drawer, !strcmp(value, "yes") ? "1" : !strcmp(value, "no") ? "0"
								 : value, 0, 1);
	else if (KEY("keys", "file"))
		ok = value[0] ? set_path(p, c->keys_file, value) : 0;
	else if (KEY("reader", "name"))
		ok = snprintf(c->reader, sizeof(c->reader), "%s", value) >= 0;
	else if (KEY("ui", "locale"))
		ok = strlen(value) < sizeof(c->locale) &&
		     snprintf(c->locale, sizeof(c->locale), "%s", value) >= 0;
	else if (KEY("log", "level"))
		ok = one_of(value, levels) &&
		     snprintf(c->log_level, sizeof(c->log_level), "%s", value) > 0;
#undef KEY
	if (ok == 1)
		return 1;
	if (!p->first_error[0])
		snprintf(p->first_error, sizeof(p->first_error),
			 ok < 0 ? "unknown key \"%s\" in [%s]%.0s"
				: "bad value for \"%s\" in [%s]: \"%s\"",
			 name, section, value);
	return 0;
}

static void data_home(char *out, size_t len, const char *leaf)
{
	const char *x = getenv("XDG_DATA_HOME"), *home = getenv("HOME");

	if (x && *x)
		snprintf(out, len, "%s/saledesk/%s", x, leaf);
	else
		snprintf(out, len, "%s/.local/share/saledesk/%s", home && *home ? home : ".", leaf);
}

static int file_exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* Picks the config file: the first of --config, $SALEDESK_CONFIG, the
 * user's and the system's that is given or exists. */
static int choose_file(const char *file_arg, char *out, size_t len)
{
	const char *env = getenv("SALEDESK_CONFIG"), *x = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char user[PATH_MAX];

	out[0] = 0;
	if (file_arg || (env && *env)) {
		const char *f = file_arg ? file_arg : env;
		if (!file_exists(f))
			return err_set(-SD_CONFIG, "%s: no such file (given by %s)", f,
				       file_arg ? "--config" : "SALEDESK_CONFIG");
		snprintf(out, len, "%s", f);
		return 0;
	}
	if (x && *x)
		snprintf(user, sizeof(user), "%s/saledesk/saledesk.conf", x);
	else
		snprintf(user, sizeof(user), "%s/.config/saledesk/saledesk.conf",
			 home && *home ? home : ".");
	if (file_exists(user))
		snprintf(out, len, "%s", user);
	else if (file_exists(CONFIG_SYSTEM_PATH))
		snprintf(out, len, "%s", CONFIG_SYSTEM_PATH);
	return 0;
}

int config_load(const char *file_arg, const char *db_arg, struct config *cfg)
{
	struct parse_ctx p;
	const char *env_db = getenv("SALEDESK_DB");
	char *slash;
	int rc, line;

	memset(cfg, 0, sizeof(*cfg));
	data_home(cfg->db_path, sizeof(cfg->db_path), "saledesk.db");
	data_home(cfg->backup_dir, sizeof(cfg->backup_dir), "backups");
	cfg->backup_keep_daily = 7;
	cfg->backup_keep_weekly = 4;
	cfg->backup_keep_monthly = 12;
	cfg->backup_daily_min = 2 * 60 + 30;
	cfg->export_daily_min = 30;
	snprintf(cfg->printer_format, sizeof(cfg->printer_format), "text");
	cfg->printer_width = 32;
	if ((rc = choose_file(file_arg, cfg->file, sizeof(cfg->file))))
		return rc;
	if (cfg->file[0]) {
		memset(&p, 0, sizeof(p));
		p.cfg = cfg;
		snprintf(p.dir, sizeof(p.dir), "%s", cfg->file);
		slash = strrchr(p.dir, '/');
		if (slash)
			*slash = 0;
		else
			snprintf(p.dir, sizeof(p.dir), ".");
		line = ini_parse(cfg->file, handle, &p);
		if (line == -1)
			return err_set(-SD_CONFIG, "%s: cannot be read", cfg->file);
		if (line == -2)
			return -SD_NOMEM;
		if (line > 0)
			return err_set(-SD_CONFIG, "%s, line %d: %s", cfg->file, line,
				       p.first_error[0] ? p.first_error : "not a key = value line");
		/* A bad bus section is refused here too, naming its line, so
		 * every command says so, not only the service. */
		struct config_bus *buses;
		int nbuses;

		if ((rc = config_buses(cfg->file, &buses, &nbuses)))
			return rc;
		config_buses_free(buses, nbuses);
	}
	if (db_arg && *db_arg)
		snprintf(cfg->db_path, sizeof(cfg->db_path), "%s", db_arg);
	else if (env_db && *env_db)
		snprintf(cfg->db_path, sizeof(cfg->db_path), "%s", env_db);
	if (!cfg->keys_file[0]) {
		/* beside the database, never inside it */
		const char *dslash = strrchr(cfg->db_path, '/');
		int dlen = dslash ? (int)(dslash - cfg->db_path) : 1;
		snprintf(cfg->keys_file, sizeof(cfg->keys_file), "%.*s/saledesk.keys", dlen,
			 dslash ? cfg->db_path : ".");
	}
	return 0;
}
