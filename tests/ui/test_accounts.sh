#!/usr/bin/env bash
# Accounts at the counter: opening one through the form end to end (then
# read back by the CLI), a typo in an amount that shows money_parse's
# sentence and loses nothing, and finding accounts as you type by a
# Chinese name, a room and a meter number, with CJK columns aligned.
. "$(dirname "$0")/../lib/ui.sh"
init_desk
as_admin operator add li --name "李娜" --roles cashier --new-password-fd 4 4<<<"cashier-pw-1" >/dev/null
as_admin tariff add RES --name "居民电价" --spec "flat 0.588" >/dev/null
cashier() { as li cashier-pw-1 "$@"; }
cashier account open --name "王小明" --phone 13900000001 --building B --room 12 \
	--meter 202400000007 --tariff RES >/dev/null
cashier account open --name "Zhou Li" --phone 13900000002 --building C --room 1201 \
	--meter 202400000008 --tariff RES >/dev/null

ui_start
ui_login li cashier-pw-1
ui_expect "Open new account" "the cashier is at the main menu"
ui_keys n
ui_expect "Customer name" "n opens the account form"
ui_type "张三丰"; ui_keys Tab
ui_type "13800138000"; ui_keys Tab Tab Tab
ui_type "A"; ui_keys Tab
ui_type "3"; ui_keys Tab
ui_type "301"; ui_keys Tab
ui_type "45.5"; ui_keys Tab
ui_type "202400000001"; ui_keys Tab
ui_type "RES"; ui_keys Tab Tab
ui_type "12.3.4"; ui_keys Tab
ui_expect "not an amount: type digits with at most two decimals, like 50 or 12.30" \
	"a typo in the credit limit shows money_parse's sentence under the field"
ui_keys Up
ui_expect "Meters                202400000001" "...and nothing typed is lost"
ui_keys BSpace BSpace BSpace BSpace BSpace BSpace
ui_type "50"; ui_keys Tab
ui_absent "not an amount" "correcting it clears the sentence"
ui_keys F2
ui_expect "Opened account 00000003" "F2 opens the account with the next number"
ui_keys Enter
ui_expect "Main menu" "...and returns to the menu"
expect_rc 0 "the account is in the database" cashier account show 00000003 --format tsv
contains "$out" "张三丰" "...with the customer's name"
contains "$out" "202400000001" "...its meter"
contains "$out" "50.00" "...and the corrected credit limit"

ui_keys f
ui_expect "3 accounts match" "Find account lists every account before typing"
ui_type "张"
ui_expect "1 account matches" "typing a Chinese character narrows the list at once"
ui_expect "张三丰" "...to the Chinese name"
ui_keys BSpace
ui_expect "3 accounts match" "Backspace removes the whole wide character"
ui_type "B-12"
ui_expect "1 account matches" "a building-room finds the room"
ui_expect "王小明" "...of its holder"
ui_keys C-u
ui_type "0008"
ui_expect "Zhou Li" "the end of a meter number finds its account"
ui_keys C-u
ui_type "nobody"
ui_expect "No account matches" "no match says what to try"
ui_keys C-u
ui_expect "3 accounts match" "clearing the field lists all again"
# Column alignment: the phone column starts at the same display column on
# the header, a Chinese row and a Latin row.
h=$(ui_col "Phone"); c=$(ui_col "13800138000"); l=$(ui_col "13900000002")
[ "$h" -gt 0 ] && [ "$h" = "$c" ] && [ "$c" = "$l" ] && ok "CJK and Latin names keep the columns aligned ($h)" \
	|| { not_ok "CJK and Latin names keep the columns aligned (header $h, 张 row $c, Zhou row $l)"; ui_screen | sed 's/^/#   |/'; }
ui_keys Down Enter
ui_expect "Premises             building C, room 1201" "Down and Enter show the second account's detail"
ui_expect "202400000008  tariff RES" "...with its meter and tariff"
ui_keys Escape
ui_expect "accounts match" "Esc goes back to the search"
ui_keys Escape
ui_expect "Main menu" "...and again to the menu"
ui_keys F10
ui_expect "[saledesk exited 0]" "F10 quits"
tap_done
