/* cli: the frame every headless subcommand shares. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "backup.h"
#include "clock.h"
#include "err.h"
#include "log.h"
#include "ui.h"

/* Options every command takes, and those some do (by flag). Their keys
 * are above 256 so they never clash with a command's option index. */
enum { OPT_HELP = 256, OPT_CONFIG, OPT_DB, OPT_OPERATOR, OPT_PWFD, OPT_FORMAT, OPT_NEWPWFD };

static const struct {
	int key;
	unsigned flag; /* 0: always */
	const char *name, *metavar, *help;
} common_opts[] = {
	{ OPT_OPERATOR, CLI_LOGIN, "operator", "LOGIN", "who is logging in (or $SALEDESK_OPERATOR)" },
	{ OPT_PWFD, CLI_LOGIN, "password-fd", "N", "read the password from file descriptor N, not the terminal" },
	{ OPT_NEWPWFD, CLI_NEWPW, "new-password-fd", "N", "read the new password from file descriptor N" },
	{ OPT_FORMAT, CLI_FORMAT, "format", "FMT", "table (default), tsv or csv" },
	{ OPT_CONFIG, 0, "config", "FILE", "configuration file (or $SALEDESK_CONFIG)" },
	{ OPT_DB, 0, "db", "PATH", "database file (or $SALEDESK_DB)" },
	{ OPT_HELP, 0, "help", NULL, "show this help" },
};
#define NCOMMON (sizeof(common_opts) / sizeof(common_opts[0]))

int cli_fail(int code)
{
	char buf[700];

	fprintf(stderr, "saledesk: %s\n", err_text(code, buf, sizeof(buf)));
	return code == -SD_USAGE ? 2 : 1;
}

int cli_usage_error(const struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "saledesk %s: ", c->cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'saledesk %s --help'.\n", c->cmd->name);
	return 2;
}

static void print_help(const struct cli_cmd *cmd)
{
	const struct cli_opt *o;
	char left[64];
	size_t i;

	printf("Usage: saledesk %s %s\n\n%s\n\nOptions:\n", cmd->name, cmd->synopsis,
	       cmd->summary);
	for (o = cmd->opts; o && o->name; o++) {
		snprintf(left, sizeof(left), "--%s%s%s", o->name, o->metavar ? " " : "",
			 o->metavar ? o->metavar : "");
		printf("  %-26s %s%s\n", left, o->help, o->repeat ? " (repeatable)" : "");
	}
	for (i = 0; i < NCOMMON; i++) {
		if (common_opts[i].flag && !(cmd->flags & common_opts[i].flag))
			continue;
		snprintf(left, sizeof(left), "--%s%s%s", common_opts[i].name,
			 common_opts[i].metavar ? " " : "",
			 common_opts[i].metavar ? common_opts[i].metavar : "");
		printf("  %-26s %s\n", left, common_opts[i].help);
	}
}

static void print_overview(FILE *out)
{
	const struct cli_cmd *const *c;

	fprintf(out, "Usage: saledesk [--config FILE] [--db PATH] [COMMAND [OPTIONS]]\n\n"
		     "The prepaid electricity sale desk. With no command, saledesk opens the\n"
		     "counter UI on this terminal (docs/ui.md). Commands:\n");
	for (c = cli_commands; *c; c++)
		fprintf(out, "  %-18s %s\n", (*c)->name, (*c)->summary);
	fprintf(out, "\nEvery command takes --help. Exit status: 0 done, 1 failed, "
		     "2 usage error.\n");
}

static int parse_fd(const char *text, int *fd)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (end == text || *end || v < 0 || v > 1024)
		return -1;
	*fd = (int)v;
	return 0;
}

const char *cli_get(const struct cli *c, const char *name)
{
	const struct cli_opt *o;
	int i;

	for (o = c->cmd->opts, i = 0; o && o->name; o++, i++)
		if (strcmp(o->name, name) == 0)
			return c->nval[i] ? c->val[i][c->nval[i] - 1] : NULL;
	return NULL;
}

const char **cli_get_all(const struct cli *c, const char *name, int *n)
{
	const struct cli_opt *o;
	int i;

	for (o = c->cmd->opts, i = 0; o && o->name; o++, i++)
		if (strcmp(o->name, name) == 0) {
			*n = c->nval[i];
			return c->val[i];
		}
	*n = 0;
	return NULL;
}

/* Parses the command's options into c; returns -1 to go on, else an exit
 * code. */
static int parse_options(struct cli *c, int argc, char **argv)
{
	struct option lo[CLI_MAX_OPTS + NCOMMON + 1];
	const struct cli_opt *o;
	int n = 0, i, key;
	size_t k;

	for (o = c->cmd->opts; o && o->name; o++, n++)
		lo[n] = (struct option){ o->name, o->metavar ? required_argument : no_argument,
					 NULL, n };
	for (k = 0; k < NCOMMON; k++)
		if (!common_opts[k].flag || (c->cmd->flags & common_opts[k].flag))
			lo[n++] = (struct option){ common_opts[k].name,
						   common_opts[k].metavar ? required_argument
									  : no_argument,
						   NULL, common_opts[k].key };
	lo[n] = (struct option){ 0 };
	optind = 1;
	opterr = 0;
	while ((key = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (key) {
		case OPT_HELP:
			print_help(c->cmd);
			return 0;
		case OPT_CONFIG:
			c->config_arg = optarg;
			break;
		case OPT_DB:
			c->db_arg = optarg;
			break;
		case OPT_OPERATOR:
			c->operator_login = optarg;
			break;
		case OPT_PWFD:
			if (parse_fd(optarg, &c->password_fd))
				return cli_usage_error(c, "--password-fd needs a descriptor number");
			break;
		case OPT_NEWPWFD:
			if (parse_fd(optarg, &c->new_password_fd))
				return cli_usage_error(c, "--new-password-fd needs a descriptor number");
			break;
		case OPT_FORMAT:
			if (rpt_format_parse(optarg, &c->fmt))
				return cli_usage_error(c, "%s", err_detail());
			break;
		case '?': {
			/* getopt says only "something was wrong": tell a known
			 * option missing its value from an unknown one. */
			const char *bad = argv[optind - 1];
			for (i = 0; i < n; i++)
				if (strncmp(bad, "--", 2) == 0 && strcmp(bad + 2, lo[i].name) == 0 &&
				    lo[i].has_arg == required_argument)
					return cli_usage_error(c, "%s needs a value", bad);
			return cli_usage_error(c, "unknown option %s", bad);
		}
		default:
			i = key;
			if (c->nval[i] && !c->cmd->opts[i].repeat)
				return cli_usage_error(c, "--%s given twice", c->cmd->opts[i].name);
			{
				const char **v = realloc(c->val[i], (size_t)(c->nval[i] + 1) *
								      sizeof(char *));
				if (!v)
					return cli_fail(-SD_NOMEM);
				c->val[i] = v;
				v[c->nval[i]++] = optarg ? optarg : "1";
			}
		}
	}
	c->argc = argc - optind;
	c->argv = argv + optind;
	if (c->argc < c->cmd->min_args)
		return cli_usage_error(c, "missing argument: %s", c->cmd->synopsis);
	if (c->argc > c->cmd->max_args)
		return cli_usage_error(c, "unexpected argument \"%s\"", c->argv[c->cmd->max_args]);
	return -1;
}

/* Finds the command named by the first one or two words of argv. */
static const struct cli_cmd *find_command(int argc, char **argv, int *words)
{
	const struct cli_cmd *const *c;
	char two[128];

	if (argc >= 2) {
		snprintf(two, sizeof(two), "%s %s", argv[0], argv[1]);
		for (c = cli_commands; *c; c++)
			if (strcmp((*c)->name, two) == 0) {
				*words = 2;
				return *c;
			}
	}
	for (c = cli_commands; *c; c++)
		if (strcmp((*c)->name, argv[0]) == 0) {
			*words = 1;
			return *c;
		}
	return NULL;
}

/* Explains an unknown command, listing the subcommands of a known group. */
static int unknown_command(int argc, char **argv)
{
	const struct cli_cmd *const *c;
	size_t n = strlen(argv[0]);
	int group = 0;

	for (c = cli_commands; *c; c++)
		if (strncmp((*c)->name, argv[0], n) == 0 && (*c)->name[n] == ' ')
			group = 1;
	if (!group) {
		fprintf(stderr, "saledesk: unknown command \"%s\"; see 'saledesk --help'\n", argv[0]);
		return 2;
	}
	if (argc >= 2 && argv[1][0] != '-')
		fprintf(stderr, "saledesk: unknown command \"%s %s\"\n", argv[0], argv[1]);
	else if (argc >= 2 && strcmp(argv[1], "--help") == 0)
		fprintf(stdout, "saledesk %s: commands\n", argv[0]);
	else
		fprintf(stderr, "saledesk %s: which one?\n", argv[0]);
	for (c = cli_commands; *c; c++)
		if (strncmp((*c)->name, argv[0], n) == 0 && (*c)->name[n] == ' ')
			fprintf(argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr,
				"  saledesk %-18s %s\n", (*c)->name, (*c)->summary);
	return argc >= 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
}

int cli_main(int argc, char **argv)
{
	struct cli c;
	int i, words = 0, rc;

	memset(&c, 0, sizeof(c));
	c.password_fd = -1;
	c.new_password_fd = -1;
	/* Global options before the command. */
	for (i = 0; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_overview(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("saledesk %s\n", SALEDESK_VERSION);
			return 0;
		}
		if ((strcmp(argv[i], "--config") == 0 || strcmp(argv[i], "--db") == 0) &&
		    i + 1 < argc) {
			*(argv[i][2] == 'c' ? &c.config_arg : &c.db_arg) = argv[i + 1];
			i++;
			continue;
		}
		fprintf(stderr, "saledesk: unknown option %s; see 'saledesk --help'\n", argv[i]);
		return 2;
	}
	if (i == argc) {
		/* Bare `saledesk` is the counter UI (ui/); a script without a
		 * terminal gets the overview and a usage error instead. */
		if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
			return ui_run(c.config_arg, c.db_arg);
		print_overview(stderr);
		return 2;
	}
	c.cmd = find_command(argc - i, argv + i, &words);
	if (!c.cmd)
		return unknown_command(argc - i, argv + i);
	/* getopt wants the command name at index 0. */
	rc = parse_options(&c, argc - i - words + 1, argv + i + words - 1);
	if (rc < 0)
		rc = c.cmd->run(&c);
	db_close(c.db);
	memset(&c.s, 0, sizeof(c.s));
	for (i = 0; i < CLI_MAX_OPTS; i++)
		free(c.val[i]);
	return rc;
}

/* The database failed its check at open (and nothing was written to it):
 * name the newest backup that verifies and the command that restores it. */
static int explain_damage(struct cli *c)
{
	char why[512], good[PATH_MAX];

	snprintf(why, sizeof(why), "%s", err_detail());
	if (backup_newest_good(c->cfg.backup_dir, good, sizeof(good)) == 0)
		return err_set(-SD_DB_CORRUPT, "%s. Nothing was written to it. The newest good "
					       "backup is %s; restore it with: saledesk restore %s "
					       "--operator LOGIN (docs/backup.md)", why, good, good);
	return err_set(-SD_DB_CORRUPT, "%s. Nothing was written to it. No backup in %s "
				       "verifies; see docs/backup.md, \"The database is damaged\"",
		       why, c->cfg.backup_dir);
}

int cli_open_db(struct cli *c, unsigned flags)
{
	char buf[16];
	int rc;

	if ((rc = config_load(c->config_arg, c->db_arg, &c->cfg)))
		return rc;
	if (c->cfg.log_level[0] && !getenv("SALEDESK_LOG")) {
		static const char *const lv[] = { "debug", "info", "warn", "error", "off" };
		for (int k = 0; k < 5; k++)
			if (strcmp(c->cfg.log_level, lv[k]) == 0)
				log_set_level((enum log_level)k);
	}
	if ((rc = db_open(c->cfg.db_path, flags, &c->db))) {
		if (rc == -SD_DB_CORRUPT)
			rc = explain_damage(c);
		return rc;
	}
	c->utc_offset_min = 480;
	if (db_setting_get(c->db, "site.utc_offset_min", buf, sizeof(buf)) == 0)
		c->utc_offset_min = atoi(buf);
	return 0;
}

int cli_read_password(int fd, const char *prompt, int confirm, char *buf, unsigned len)
{
	struct termios old, quiet;
	char again[256];
	FILE *tty;
	size_t n;
	int tfd, rc = 0;

	if (fd >= 0) {
		/* One line from the descriptor; read byte by byte so nothing
		 * after the line is consumed. */
		n = 0;
		while (n + 1 < len) {
			char ch;
			ssize_t r = read(fd, &ch, 1);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0 || ch == '\n')
				break;
			buf[n++] = ch;
		}
		buf[n] = 0;
		if (n && buf[n - 1] == '\r')
			buf[n - 1] = 0;
		if (!n)
			return err_set(-SD_INVAL, "no password on descriptor %d", fd);
		return 0;
	}
	tfd = open("/dev/tty", O_RDWR | O_NOCTTY);
	if (tfd < 0 || !(tty = fdopen(tfd, "r+"))) {
		if (tfd >= 0)
			close(tfd);
		return err_set(-SD_USAGE, "no terminal to read a password from; give --password-fd N");
	}
	tcgetattr(tfd, &old);
	quiet = old;
	quiet.c_lflag &= (tcflag_t)~(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	for (int round = 0; round < (confirm ? 2 : 1) && !rc; round++) {
		char *dst = round ? again : buf;
		unsigned dlen = round ? (unsigned)sizeof(again) : len;
		fprintf(tty, "%s", round ? "Again: " : prompt);
		fflush(tty);
		tcsetattr(tfd, TCSAFLUSH, &quiet);
		if (!fgets(dst, (int)dlen, tty))
			rc = err_set(-SD_INVAL, "no password given");
		tcsetattr(tfd, TCSAFLUSH, &old);
		fputc('\n', tty);
		dst[strcspn(dst, "\r\n")] = 0;
	}
	if (!rc && confirm && strcmp(buf, again) != 0)
		rc = err_set(-SD_INVAL, "the two passwords differ");
	memset(again, 0, sizeof(again));
	fclose(tty);
	return rc;
}

int cli_login(struct cli *c)
{
	char pw[256];
	const char *who = c->operator_login ? c->operator_login : getenv("SALEDESK_OPERATOR");
	int rc;

	if (!who || !*who)
		return err_set(-SD_USAGE, "who is logging in? give --operator LOGIN");
	if ((rc = cli_open_db(c, 0)))
		return rc;
	if ((rc = cli_read_password(c->password_fd, "Password: ", 0, pw, sizeof(pw))))
		return rc;
	rc = session_login(c->db, who, pw, &c->s);
	memset(pw, 0, sizeof(pw));
	return rc;
}

int cli_approver(struct cli *c, struct session *ap, int *given)
{
	const char *who = cli_get(c, "approver"), *fdv = cli_get(c, "approver-password-fd");
	char pw[256];
	int rc;

	*given = 0;
	if (!who)
		return 0;
	rc = cli_read_password(fdv ? atoi(fdv) : -1, "Approver's password: ", 0, pw, sizeof(pw));
	if (!rc)
		rc = session_login(c->db, who, pw, ap);
	OPENSSL_cleanse(pw, sizeof(pw));
	*given = !rc;
	return rc;
}

int cli_table_done(const struct cli *c, struct rpt_table *t, int rc)
{
	if (!t && !rc)
		rc = -SD_NOMEM;
	if (!rc)
		rpt_table_print(t, stdout, c->fmt);
	rpt_table_free(t);
	return rc ? cli_fail(rc) : 0;
}

char *cli_time(const struct cli *c, int64_t t, char *buf, unsigned len)
{
	char local[32];
	int off = c->utc_offset_min;

	if (t == 0) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	clock_format_local(t, off, local, sizeof(local));
	if (c->fmt == RPT_TABLE) {
		snprintf(buf, len, "%.16s", local);
	} else {
		local[10] = 'T';
		snprintf(buf, len, "%s%c%02d:%02d", local, off < 0 ? '-' : '+', abs(off) / 60,
			 abs(off) % 60);
	}
	return buf;
}

int cli_parse_time(const struct cli *c, const char *text, int64_t *t)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(text, "%Y-%m-%d", &tm);
	if (end && *end)
		end = strptime(end, " %H:%M", &tm);
	if (end && *end == ':')
		end = strptime(end, ":%S", &tm);
	if (!end || *end)
		return err_set(-SD_INVAL, "\"%s\" is not a time: use YYYY-MM-DD or "
					  "\"YYYY-MM-DD HH:MM\"", text);
	*t = (int64_t)timegm(&tm) - (int64_t)c->utc_offset_min * 60;
	return 0;
}
