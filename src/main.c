/* saledesk: the prepaid electricity sale desk. One binary, subcommands in
 * the manner of git; see `saledesk --help`. */
#include <locale.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "ui.h"

const struct cli_cmd *const cli_commands[] = {
	&cmd_init,
	&cmd_operator_add, &cmd_operator_list, &cmd_operator_disable, &cmd_operator_enable,
	&cmd_operator_passwd, &cmd_operator_roles,
	&cmd_tariff_add, &cmd_tariff_list, &cmd_tariff_show, &cmd_tariff_cost, &cmd_tariff_energy,
	&cmd_account_open, &cmd_account_import, &cmd_account_list, &cmd_account_show,
	&cmd_account_search,
	&cmd_audit_verify, &cmd_audit_list,
	&cmd_config_show,
	&cmd_keys_init, &cmd_keys_rotate, &cmd_keys_status, &cmd_keys_export_service,
	&cmd_card_readers, &cmd_card_wait, &cmd_card_read, &cmd_card_issue, &cmd_card_issue_tech,
	&cmd_card_check, &cmd_card_recycle, &cmd_card_load, &cmd_card_cancel,
	&cmd_card_returns, &cmd_card_list,
	&cmd_ui,
	&cmd_poll, &cmd_bus_add, &cmd_bus_list, &cmd_bus_remove,
	&cmd_meter_wire, &cmd_meter_unwire, &cmd_meter_status, &cmd_meter_params, &cmd_meter_relay,
	&cmd_meter_recharge, &cmd_meter_set, &cmd_meter_commands,
	&cmd_alarm_list, &cmd_alarm_ack,
	&cmd_backup, &cmd_backup_verify, &cmd_backup_list, &cmd_restore,
	&cmd_sale, &cmd_sale_quote, &cmd_sale_settle, &cmd_sale_pending, &cmd_sale_list,
	&cmd_sale_reverse, &cmd_sale_void, &cmd_refund,
	&cmd_receipt_show, &cmd_receipt_reprint, &cmd_receipt_invoiced, &cmd_receipt_unprinted,
	&cmd_shift_open, &cmd_shift_close, &cmd_shift_show, &cmd_shift_list,
	&cmd_setting_list, &cmd_setting_set,
	&cmd_account_activate, &cmd_account_change, &cmd_account_transfer,
	&cmd_account_replace_meter, &cmd_account_carry, &cmd_account_close, &cmd_card_lost, &cmd_card_reissue,
	&cmd_report, &cmd_report_list, &cmd_report_export,
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
