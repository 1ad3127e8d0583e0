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
extern const struct cli_cmd cmd_keys_init, cmd_keys_rotate, cmd_keys_status,
	cmd_keys_export_service;
extern const struct cli_cmd cmd_card_readers, cmd_card_wait, cmd_card_read, cmd_card_issue,
	cmd_card_issue_tech, cmd_card_check, cmd_card_recycle, cmd_card_load, cmd_card_cancel,
	cmd_card_returns,
	cmd_card_list;

/* Reads the key-file passphrase of --passphrase-fd or the terminal into
 * buf (wiped by the caller); cmd_keys.c. */
int cmd_keys_passphrase(const struct cli *c, int confirm, char *buf, unsigned len);

/* Opens the configured reader and waits --wait seconds for a card; *r is
 * the caller's to reader_free(). cmd_card.c. */
struct card_reader;
int cmd_open_reader(struct cli *c, struct card_reader **r);

/* Unlocks the card keys with the passphrase of --passphrase-fd or the
 * terminal; *ring is the caller's to card_keys_free(). cmd_card.c. */
struct card_keyring;
int cmd_unlock_keys(struct cli *c, struct card_keyring **ring);

/* Options of every command that needs the card keys and the reader. */
#define PASS_OPT { "passphrase-fd", "N", 0, "read the key-file passphrase from descriptor N" }
#define WAIT_OPT { "wait", "SECONDS", 0, "wait that long for a card to be inserted" }

extern const struct cli_cmd cmd_sale, cmd_sale_quote, cmd_sale_settle, cmd_sale_pending,
	cmd_sale_list, cmd_sale_reverse, cmd_sale_void, cmd_refund;
extern const struct cli_cmd cmd_receipt_show, cmd_receipt_reprint, cmd_receipt_invoiced,
	cmd_receipt_unprinted;
extern const struct cli_cmd cmd_shift_open, cmd_shift_close, cmd_shift_show, cmd_shift_list;
extern const struct cli_cmd cmd_setting_list, cmd_setting_set;
extern const struct cli_cmd cmd_poll, cmd_bus_add, cmd_bus_list, cmd_bus_remove;
extern const struct cli_cmd cmd_meter_wire, cmd_meter_unwire, cmd_meter_status, cmd_meter_params,
	cmd_meter_relay, cmd_meter_recharge, cmd_meter_set, cmd_meter_commands;
extern const struct cli_cmd cmd_alarm_list, cmd_alarm_ack;
extern const struct cli_cmd cmd_backup, cmd_backup_verify, cmd_backup_list, cmd_restore;
extern const struct cli_cmd cmd_account_activate, cmd_account_change, cmd_account_transfer,
	cmd_account_replace_meter, cmd_account_carry, cmd_account_close, cmd_card_lost, cmd_card_reissue;
extern const struct cli_cmd cmd_report, cmd_report_list, cmd_report_export;

/* Finishes `account open` with --issue-card, --fee or --pre (the form
 * already filled); returns the exit code. cmd_account_ops.c. */
struct account_form;
int cmd_account_open_ops(struct cli *c, struct account_form *f);

#endif
