#!/usr/bin/env bash
# Another program resets the card between the desk's connect and its first
# transaction (SCARD_W_RESET_CARD, through the real pcscd and the virtual
# card): the desk reconnects and the operation goes on, for a verified
# read and for a sale; the card and the database agree afterwards.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pcscd.sh
pcscd_reexec "$0" "$@"
. tests/lib/cli.sh
. tests/lib/card.sh

card_setup || { echo "1..0 # SKIP $card_skip"; exit 0; }
keys_init_test >/dev/null || { echo "Bail out! keys init failed"; exit 1; }

expect_rc 0 "a shift" as li cashier-pw-1 shift open --float 0
new_card c1 0102030405060708
expect_rc 0 "an account with its card" cashier_keys account open --name "张三" --room 301 \
	--meter 202400000001 --tariff RES --issue-card
reset_run() { SALEDESK_FAULT=reader:reset SALEDESK_LOG=debug "$@"; }
expect_rc 0 "a verified read goes on after another program reset the card" \
	reset_run cashier_keys card read --verify
contains "$err" "card was reset, reconnect" "...the desk saw the reset and reconnected"
contains "$out" "00000001" "...and read the account's card"
expect_rc 0 "a sale goes on after the reset" reset_run cashier_keys sale 00000001 --amount 10
contains "$err" "card was reset, reconnect" "...it reconnected"
card_seq_is 1 "the card holds purchase 1"
db_seq_is 1 "the database agrees"
expect_rc 0 "no sale is left pending" as li cashier-pw-1 sale pending
lacks "$out" "00000001" "...none for the account"
no_secrets
tap_done
