/* commands: the subcommands main.c lists; each defined in a cmd_*.c. */
#ifndef SALEDESK_COMMANDS_H
#define SALEDESK_COMMANDS_H

#include "cli.h"

extern const struct cli_cmd cmd_init;
extern const struct cli_cmd cmd_operator_add, cmd_operator_list, cmd_operator_disable,
	cmd_operator_enable, cmd_operator_passwd, cmd_operator_roles;
extern const struct cli_cmd cmd_tariff_add, cmd_tariff_list, cmd_tariff_show,
	cmd_tariff_cost, cmd_tariff_energy;
extern const struct cli_cmd cmd_account_open, cmd_account_import, cmd_account_list,
	cmd_account_show, cmd_account_search;
extern const struct cli_cmd cmd_audit_verify, cmd_audit_list;
extern const struct cli_cmd cmd_config_show;

#endif
