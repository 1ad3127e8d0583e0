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
extern const struct cli_cmd cmd_keys_init, cmd_keys_rotate, cmd_keys_status;
extern const struct cli_cmd cmd_card_readers, cmd_card_wait, cmd_card_read, cmd_card_issue,
	cmd_card_issue_tech, cmd_card_check, cmd_card_recycle, cmd_card_load, cmd_card_list;

/* Reads the key-file passphrase of --passphrase-fd or the terminal into
 * buf (wiped by the caller); cmd_keys.c. */
int cmd_keys_passphrase(const struct cli *c, int confirm, char *buf, unsigned len);
extern const struct cli_cmd cmd_poll, cmd_bus_add, cmd_bus_list, cmd_bus_remove;
extern const struct cli_cmd cmd_meter_wire, cmd_meter_unwire, cmd_meter_status, cmd_meter_relay,
	cmd_meter_recharge, cmd_meter_set, cmd_meter_commands;
extern const struct cli_cmd cmd_alarm_list, cmd_alarm_ack;
extern const struct cli_cmd cmd_backup, cmd_backup_verify, cmd_backup_list, cmd_restore;

#endif
