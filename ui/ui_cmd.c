/* ui_cmd: `saledesk ui`, the counter UI as a named command, so it has a
 * --help like every other command; bare `saledesk` runs the same. */
#include "cli.h"
#include "ui.h"

static const struct cli_opt opts[] = { { NULL, NULL, 0, NULL } };

static int run_ui(struct cli *c)
{
	return ui_run(c->config_arg, c->db_arg);
}

const struct cli_cmd cmd_ui = {
	"ui", "",
	"open the counter UI on this terminal (the same as bare saledesk): log in, then "
	"find and open accounts, manage operators, tariffs and the audit log by role; "
	"keys and screens in docs/ui.md",
	0, opts, 0, 0, run_ui,
};
