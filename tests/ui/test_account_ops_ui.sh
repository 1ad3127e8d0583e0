#!/usr/bin/env bash
# The special operations at the counter UI, through the real pcscd and the
# virtual card: from an account's detail, F2 opens them; a change of phone
# is saved and audited; a meter replacement asks an administrator to
# approve at this desk, moves the card to the new meter and carries the
# old meter's balance onto it; the card is reported lost after a yes.
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
new_card c1 0102030405060708
expect_rc 0 "an account with a card meter and its card" cashier_keys account open \
	--name "张三" --building A --room 301 --meter 202400000001 --tariff RES --issue-card
expect_rc 0 "a sale of 50 the meter takes" cashier_keys sale 00000001 --amount 50
meter_insert 202400000001
USER_IMG=$CUR_IMG
vcard_ctl remove >/dev/null # a card at log-in would open the sale screen

ui_start
ui_login li cashier-pw-1
ui_expect "Main menu" "the cashier logs in"
ui_keys f
ui_type "张三"
ui_expect "00000001" "the account is found"
ui_keys Enter
ui_expect "Operations" "its detail offers F2 Operations"
ui_keys F2
ui_expect "Special operations" "F2 opens the special operations"
ui_expect "Replace a meter" "...meter replacement among them"

# ---- change of data ----
ui_keys c
ui_expect "Change data" "c opens the change form"
ui_expect "张三" "...filled with the customer's data"
ui_keys Down
ui_type "13900001111"
ui_keys F2
ui_expect "Saved" "F2 saves"
is "$(db "SELECT phone FROM customers WHERE name = '张三'")" 13900001111 "the phone is changed"
ui_keys Enter
ui_expect "Premises" "back on the account"

# ---- meter replacement with the balance carried ----
CUR_IMG=$USER_IMG
vcard_ctl insert "$USER_IMG" >/dev/null && vcard_wait_card
ui_expect "card: account 00000001" "the customer's card goes into the reader" 20
ui_expect "Premises" "...the account stays on screen"
ui_keys F2
ui_expect "Special operations" "the operations again"
ui_keys m
ui_expect "Final reading (kWh)" "m opens the replacement form"
ui_expect "202400000001" "...the old meter filled in"
ui_keys Down
ui_type "202400000011"; ui_keys Down
ui_type "12.5"; ui_keys Down
ui_type "20"
ui_keys F2
ui_expect "Key passphrase" "moving the card asks for the card keys first"
ui_type "$KEYS_PW"; ui_keys Enter
ui_expect "Approver login" "a cashier is asked for an administrator's approval" 20
ui_type admin; ui_keys Tab
ui_type "$ADMIN_PW"; ui_keys Enter
ui_expect "The card now names meter 202400000011" "the card is moved to the new meter" 30
ui_expect "20.00" "...and carries the old meter's 20.00"
ui_absent "$ADMIN_PW" "the approver's password is never on screen"
ui_keys Enter
ui_expect "202400000011" "the account shows the new meter"
card_seq_is 2 "the card holds the carry as purchase 2"
meter_insert 202400000011
contains "$meter_out" "credited" "the new meter credits it"
meter_insert 202400000001
contains "$meter_out" "Err-33" "the old meter refuses the card"

# ---- card loss report ----
ui_keys F2
ui_expect "Special operations" "the operations again"
ui_keys l
ui_expect "Report this account's card lost?" "l asks before reporting the card lost"
ui_keys y
ui_expect "reported lost" "the card is reported lost"
is "$(db "SELECT status FROM cards WHERE serial = '0102030405060708'")" lost "...in the database"
ui_keys Enter
ui_keys Escape
ui_keys Escape
ui_expect "Main menu" "back to the menu"

# ---- a remote recharge's confirmation on the sale screen ----
vcard_ctl remove >/dev/null
ui_expect "no card" "the card is out of the reader" 10
expect_rc 0 "an account with a remote meter" as li cashier-pw-1 account open --name "赵六" \
	--room 304 --meter 202400000004 --tariff RES --mode remote
db "INSERT INTO meter_state(meter_id, updated_at, read_at, online, purchase_count)
	SELECT id, 0, 0, 1, 3 FROM meters WHERE meter_no = '202400000004'"
ui_keys s
ui_expect "find the account" "s asks which account"
ui_type "赵六"
ui_keys Enter
ui_expect "202400000004 remote" "the sale screen opens on the remote meter"
ui_type "30"; ui_keys Enter Enter
ui_expect "recharge queued for the meter-reading service" "the sale queues the recharge" 20
is "$(db "SELECT state || ' ' || purchase_seq || ' ' || amount FROM commands WHERE kind = 'recharge'")" \
	"queued 4 3000" "...as purchase 4 for 30.00"
# the meter-reading service takes it, then confirms it
db "UPDATE commands SET state = 'sent', updated_at = 1 WHERE kind = 'recharge'"
ui_expect "recharge sent to the meter" "the screen follows it: sent" 10
db "UPDATE commands SET state = 'done', updated_at = 2 WHERE kind = 'recharge'"
ui_expect "recharge DONE: the meter has the credit" "...and done, without a key pressed" 10
ui_keys Escape
ui_keys F10
sleep 1
expect_rc 0 "the audit trail has each operation" as_admin audit list --last 12
contains "$out" "account.change" "...the change"
contains "$out" "meter.replace" "...the replacement"
contains "$out" "card.move" "...the card's move"
contains "$out" "card.lost" "...the loss report"
tap_done
