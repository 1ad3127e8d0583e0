/* ui: the counter UI's one entry point, for main. Everything else in ui/
 * is private to the folder (ui_int.h); only ui/ includes curses. */
#ifndef SALEDESK_UI_H
#define SALEDESK_UI_H

/* Runs the counter UI on the terminal: opens the configuration and the
 * database (config_arg and db_arg as the CLI's --config and --db, either
 * may be NULL), logs an operator in and runs the main menu until they
 * quit. Returns the process exit code: 0 after a normal quit, 1 when the
 * desk cannot start (no database, damaged database, no terminal). */
int ui_run(const char *config_arg, const char *db_arg);

/* `saledesk ui`: the same as bare `saledesk`, so `saledesk ui --help`
 * explains the UI among the other commands. */
struct cli_cmd;
extern const struct cli_cmd cmd_ui;

#endif
