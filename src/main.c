/* saledesk: the prepaid electricity sale desk. One binary, subcommands in
 * the manner of git; see `saledesk --help`. */
#include <locale.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"

const struct cli_cmd *const cli_commands[] = {
	&cmd_init,
	&cmd_operator_add, &cmd_operator_list, &cmd_operator_disable, &cmd_operator_enable,
	&cmd_operator_passwd, &cmd_operator_roles,
	&cmd_tariff_add, &cmd_tariff_list, &cmd_tariff_show, &cmd_tariff_cost, &cmd_tariff_energy,
	&cmd_account_open, &cmd_account_import, &cmd_account_list, &cmd_account_show,
	&cmd_account_search,
	&cmd_audit_verify, &cmd_audit_list,
	&cmd_config_show,
	NULL
};

int main(int argc, char **argv)
{
	/* Width of CJK text in tables needs a UTF-8 character type, even when
	 * the environment says C. */
	setlocale(LC_ALL, "");
	if (MB_CUR_MAX == 1)
		setlocale(LC_CTYPE, "C.UTF-8");
	return cli_main(argc - 1, argv + 1);
}
