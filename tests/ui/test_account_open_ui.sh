#!/usr/bin/env bash
# Opening an account at the counter UI with its card and an opening fee in
# one form, through the real pcscd and the virtual card: a typo in the fee
# is shown under it, the card keys are asked for, the blank card in the
# reader is issued, the fee booked with its receipt.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pcscd.sh
pcscd_reexec "$0" "$@"
. tests/lib/ui.sh
. tests/lib/card.sh

card_setup || { echo "1..0 # SKIP $card_skip"; exit 0; }
keys_init_test >/dev/null || { echo "Bail out! keys init failed"; exit 1; }
db() { sqlite3 "$SALEDESK_DB" "$1"; }
is() { [ "$1" = "$2" ] && ok "$3" || { not_ok "$3"; echo "# got '$1', wanted '$2'"; }; }

expect_rc 0 "a shift" as li cashier-pw-1 shift open --float 0
expect_rc 0 "a first account" as li cashier-pw-1 account open --name "张三" --room 301 \
	--meter 202400000001 --tariff RES
vcard_ctl remove >/dev/null 2>&1

ui_start
ui_login li cashier-pw-1
ui_expect "Main menu" "the cashier logs in"
# ---- opening with the card and a fee in one flow ----
ui_keys n
ui_expect "Customer name" "n opens the account opening form"
ui_type "李四"; ui_keys Tab Tab Tab Tab Tab Tab Tab Tab
ui_type "202400000002"; ui_keys Tab
ui_type "RES"; ui_keys Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab
ui_expect "Opening fee (yuan)" "the opening form asks for the fee"
ui_type "x"; ui_keys Tab
ui_expect "not an amount" "a typo in the fee is shown under it"
ui_keys Up BSpace
ui_type "10"; ui_keys Tab
ui_type "y"
new_card c2 0102030405060709
ui_keys F2
ui_expect "Key passphrase" "issuing the card asks for the card keys first"
ui_type "$KEYS_PW"; ui_keys Enter
ui_expect "Issued card 0102030405060709" "F2 opens the account and issues its card" 30
ui_expect "10.00 yuan, receipt" "...with the fee and its receipt"
is "$(db "SELECT count(*) FROM ledger WHERE kind = 'fee' AND amount = 1000")" 1 "the fee is in the ledger"
is "$(db "SELECT status FROM cards WHERE serial = '0102030405060709'")" active "the card is active"
vcard_ctl remove >/dev/null
ui_keys Enter
ui_expect "Main menu" "back to the menu"

ui_keys F10
sleep 1
expect_rc 0 "the audit trail has the opening and the card" as_admin audit list --last 12
contains "$out" "card.issue" "...the card's issue"
tap_done
