/* cli: the frame every headless subcommand shares — option parsing with
 * generated --help, opening the database, logging in, reading passwords
 * without echo, output formats and exit codes (0 done, 1 failed with a
 * one-line reason on stderr, 2 usage error). */
#ifndef SALEDESK_CLI_H
#define SALEDESK_CLI_H

#include "config.h"
#include "db.h"
#include "session.h"
#include "table.h"

enum cli_flags {
	CLI_LOGIN = 1 << 0,  /* takes --operator and --password-fd */
	CLI_FORMAT = 1 << 1, /* takes --format table|tsv|csv */
	CLI_NEWPW = 1 << 2,  /* takes --new-password-fd */
};

struct cli_opt {
	const char *name;    /* long option, without "--" */
	const char *metavar; /* NULL: a flag without a value */
	int repeat;          /* may be given several times */
	const char *help;
};

#define CLI_MAX_OPTS 40

struct cli;

struct cli_cmd {
	const char *name;     /* "operator add" */
	const char *synopsis; /* "LOGIN --name NAME --roles ROLES" */
	const char *summary;  /* one line for `saledesk --help` */
	unsigned flags;       /* enum cli_flags */
	const struct cli_opt *opts; /* ends with { NULL } */
	int min_args, max_args;     /* positional arguments */
	int (*run)(struct cli *c);  /* returns the exit code */
};

struct cli {
	const struct cli_cmd *cmd;
	const char *config_arg, *db_arg;
	struct config cfg;
	struct db *db;
	struct session s;
	enum rpt_format fmt;
	const char *operator_login;
	int password_fd, new_password_fd;
	int utc_offset_min;  /* the site's, read when the database opens */
	int argc;            /* positional arguments */
	char **argv;
	int nval[CLI_MAX_OPTS];
	const char **val[CLI_MAX_OPTS];
};

/* Every subcommand, NULL-terminated; defined in main.c. */
extern const struct cli_cmd *const cli_commands[];

/* Runs the subcommand named by argv (after the program name), returning
 * the process exit code. */
int cli_main(int argc, char **argv);

/* Returns the last value of option name, or NULL if it was not given. */
const char *cli_get(const struct cli *c, const char *name);

/* Returns every value of a repeatable option in order; *n is the count.
 * The array belongs to c. */
const char **cli_get_all(const struct cli *c, const char *name, int *n);

/* Loads the config and opens the database (flags as db_open()). Returns 0
 * or a negative SD_ code with its detail set. */
int cli_open_db(struct cli *c, unsigned flags);

/* Opens the database and logs in the operator of --operator (or
 * $SALEDESK_OPERATOR) with the password from --password-fd or the
 * terminal. */
int cli_login(struct cli *c);

/* Logs in the administrator of --approver with the password of
 * --approver-password-fd (or the terminal) into *ap: their approval at
 * this desk. *given is set when an approver was logged in; no --approver
 * is not an error (0, *given 0). */
int cli_approver(struct cli *c, struct session *ap, int *given);

/* The options cli_approver() reads, for a command's option list. */
#define APPROVER_OPTS \
	{ "approver", "LOGIN", 0, "an administrator approving at this desk" }, \
	{ "approver-password-fd", "N", 0, "read the approver's password from descriptor N" }

/* Reads a password from fd (one line) or, when fd < 0, from the terminal
 * without echo after prompt; with confirm, asks twice on a terminal.
 * Returns 0 or a negative code; buf is the caller's and should be wiped. */
int cli_read_password(int fd, const char *prompt, int confirm, char *buf, unsigned len);

/* Prints "saledesk: reason" for code on stderr and returns the exit code
 * (2 for a usage error, 1 otherwise). */
int cli_fail(int code);

/* Prints a usage error about the current command and returns 2. */
int cli_usage_error(const struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Ends a listing: prints t in the command's --format when rc is 0 (and
 * t exists), frees t, and returns the exit code for rc. */
int cli_table_done(const struct cli *c, struct rpt_table *t, int rc);

/* Formats a UTC instant in the site's local time for output: the table
 * format shows "YYYY-MM-DD HH:MM", TSV and CSV ISO 8601 with the offset. */
char *cli_time(const struct cli *c, int64_t t, char *buf, unsigned len);

/* Parses "YYYY-MM-DD[ HH:MM[:SS]]" in the site's local time into UTC
 * seconds. Returns 0 or -SD_INVAL with a detail. */
int cli_parse_time(const struct cli *c, const char *text, int64_t *t);

#endif
