#!/usr/bin/env bash
# The sale at the counter through the real pcscd and the virtual card:
# the cashier unlocks the card keys and opens a shift in the UI; inserting
# the customer's card opens the sale screen by itself; digits, Enter,
# Enter write the card and print the receipt; the status line follows the
# card out; a second sale before the meter took the first is refused on
# screen; the shift closes with over/short and the Z-report; with pcscd
# killed the status says so and the UI still answers keys. Prints the
# keystrokes from card insertion to the printed receipt (digits aside).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pcscd.sh
pcscd_reexec "$0" "$@"
. tests/lib/ui.sh
. tests/lib/card.sh

card_setup || { echo "1..0 # SKIP $card_skip"; exit 0; }
keys_init_test >/dev/null || { echo "Bail out! keys init failed"; exit 1; }
PRN=$work/printer.out
cat >>"$work/saledesk.conf" <<CONF
[printer]
device = file:$PRN
format = text
width = 32
CONF
db() { sqlite3 "$SALEDESK_DB" "$1"; }

expect_rc 0 "an account with a card meter and old debt repaid at 10%" as li cashier-pw-1 \
	account open --name "张三" --building A --room 301 --meter 202400000001 --tariff RES \
	--debt 30 --debt-mode share --debt-share 10
ACC=00000001
new_card c1 0102030405060708
expect_rc 0 "its card is issued" cashier_keys card issue $ACC
USER_IMG=$CUR_IMG
vcard_ctl remove >/dev/null

ui_start
ui_login li cashier-pw-1
ui_expect "Main menu" "the cashier logs in"
ui_expect "no shift │ no card" "the status line says: no shift, no card in the reader"
ui_expect " s  Sale" "the menu offers Sale"

# ---- the card keys, once per desk start ----
ui_keys k
ui_expect "Key passphrase" "k opens Unlock card keys"
ui_type "wrong passphrase"; ui_keys Enter
ui_expect "wrong key-file passphrase" "a wrong passphrase is refused with the reason"
ui_absent "wrong passphrase " "...and never shown"
ui_keys C-u; ui_type "$KEYS_PW"; ui_keys Enter
ui_expect "unlocked until the program ends" "the administrator's passphrase unlocks the keys"
ui_absent "$KEYS_PW" "...the passphrase is never on the screen"
ui_keys Enter
ui_expect "Main menu" "...back to the menu"

# ---- the shift ----
ui_keys i
ui_expect "No shift is open" "Shift says no shift is open"
ui_keys F2
ui_expect "Cash float" "F2 asks for the float"
ui_type "200"; ui_keys Enter
ui_expect "Cash expected" "the shift is open with its totals"
ui_expect "200.00" "...the float counted in"
ui_expect "shift open │ no card" "the status line shows the open shift"
ui_keys Escape
ui_expect "Main menu" "Esc goes back to the menu"

# ---- insert the card: the sale screen opens by itself ----
keys=0
vcard_ctl insert "$USER_IMG" >/dev/null
ui_expect "› Sale" "inserting the card opens the sale screen by itself"
ui_expect "00000001   张三   room A-301" "...on the card's account and customer"
ui_expect "202400000001 card RES" "...with its meter and mode"
ui_expect "30.00 (10.00% of each purchase)" "...and the old debt"
ui_expect "card: account 00000001" "the status line names the card's account"
ui_type "50"
ui_expect "Credited 45.00" "typing 50 shows the live quote: 45.00 credited"
ui_expect "Debt share 5.00" "...5.00 to the old debt"
ui_expect "RES 0.5880" "...at the tariff"
ui_keys Enter; keys=$((keys + 1))
ui_expect "Press Enter to write the card and print" "Enter confirms"
ui_keys Enter; keys=$((keys + 1))
ui_expect "complete" "Enter again sells: the sale is complete" 20
RNO=$(db "SELECT number FROM receipts ORDER BY id DESC LIMIT 1")
ui_expect "receipt $RNO" "...the receipt number is on screen ($RNO)"
ui_expect "printed" "...and it was printed"
contains "$(cat "$PRN" 2>/dev/null)" "$RNO" "the printer holds the receipt"
contains "$(cat "$PRN" 2>/dev/null)" "50.00" "...for 50.00"
card_seq_is 1 "the card holds purchase 1"
echo "# keystrokes from card insertion to printed receipt (digits aside): $keys"
[ "$keys" = 2 ] && ok "two keystrokes beyond the digits" || not_ok "two keystrokes beyond the digits ($keys)"
ui_expect "sale 1     purchase 1" "the last purchases list the new sale"

# ---- the card comes out ----
vcard_ctl remove >/dev/null
ui_expect "shift open │ no card" "removing the card: the status line says no card"

# ---- no stacking ----
vcard_ctl insert "$USER_IMG" >/dev/null
ui_expect "card: account 00000001" "the card back in the reader"
ui_type "20"; ui_keys Enter Enter
ui_expect "the last purchase is not yet in the meter" "a second sale before the meter took the first is refused"
ui_expect "The customer inserts the card in the meter first" "...saying what to do next"
ui_keys Enter
card_seq_is 1 "...and the card still holds purchase 1"
[ "$(db "SELECT count(*) FROM sales WHERE status = 'pending'")" = 0 ] &&
	ok "...nothing is left pending" || not_ok "...nothing is left pending"
ui_keys Escape
ui_expect "Main menu" "Esc: back to the menu"

# ---- receipts: reprint, invoiced, reverse ----
ui_keys r
ui_expect "The sales of your open shift" "r opens Receipts with the shift's sales"
ui_expect "card   50.00  complete" "...the card sale of 50.00, complete"
ui_keys F5
ui_expect "printed again" "F5 reprints the receipt"
ui_keys Enter
[ "$(grep -c REPRINT "$PRN")" -ge 1 ] && ok "...the printer got it, marked REPRINT" ||
	not_ok "...the printer got it, marked REPRINT"
ui_keys F6
ui_expect "marked as invoiced" "F6 marks the receipt invoiced"
ui_keys Enter
ui_keys F6
ui_expect "already" "...only once"
ui_keys Enter
ui_keys F8
ui_expect "Reverse sale 1" "F8 asks why the sale is reversed"
ui_type "wrong account typed"; ui_keys Enter
ui_expect "50.00 yuan back to the customer" "the cashier's own sale is reversed: the cash goes back" 20
ui_keys Enter
ui_expect "50.00  reversed" "...and the list shows it reversed"
[ "$(db "SELECT count(*) FROM ledger WHERE kind = 'reversal'")" -ge 1 ] &&
	ok "...with a reversing ledger row" || not_ok "...with a reversing ledger row"
ui_keys Escape
ui_expect "Main menu" "Esc: back to the menu"

# ---- refund over the cashier's limit: an administrator approves here ----
expect_rc 0 "the administrator lowers the cashier's refund limit" \
	as_admin setting set refund.cashier_max 10
ui_keys s
ui_expect "› Sale" "s with the card in the reader opens its sale screen"
ui_type "30"; ui_keys Enter Enter
ui_expect "complete, purchase 1" "a new sale reuses the cancelled purchase number 1" 20
card_seq_is 1 "...the card holds purchase 1"
ui_keys F6
ui_expect "Reason" "F6 refunds: the reason first"
ui_type "moved out"; ui_keys Enter
ui_expect "Approver login" "a refund over the cashier's limit asks for an administrator" 20
ui_type admin; ui_keys Enter; ui_type "$ADMIN_PW"; ui_keys Enter
ui_expect "27.00 yuan back to the customer" "...who approves it at this desk: 27.00 back" 20
ui_keys Enter
expect_rc 0 "the approval is in the audit trail" as_admin audit list --last 20
contains "$out" "approver=admin" "...naming the approver"
ui_keys Escape
ui_expect "Main menu" "Esc: back to the menu"

# ---- close the shift ----
ui_keys i
ui_expect "Cash expected" "the shift screen"
ui_expect "203.00" "...expects float + 50 - 50 + 30 - 27: 203.00"
ui_keys F5
ui_expect "Cash counted" "F5 asks for the cash counted"
ui_type "200"; ui_keys Enter
ui_expect "over/short -3.00 (short)" "closing with 200.00 counted shows 3.00 short"
ui_expect "Z-report printed" "...the Z-report is printed"
ui_expect "Z-report" "...and shown"
[ "$(db "SELECT closed_at > 0 FROM shifts ORDER BY id DESC LIMIT 1")" = 1 ] &&
	ok "the shift is closed in the database" || not_ok "the shift is closed in the database"
ui_keys Escape
ui_expect "No shift is open" "back on the shift screen: no shift"
ui_keys Escape
ui_expect "no shift │ card: account" "...and the status line agrees"

# ---- a new desk start: the keys are locked, and the desk offers them ----
ui_keys F10
ui_expect "[saledesk exited 0]" "F10 quits"
ui_start
ui_login li cashier-pw-1
ui_expect "card: account 00000001" "after a restart the watcher sees the card at once"
ui_keys s
ui_expect "› Sale" "s opens the sale screen of the card in the reader"
ui_keys F6
ui_expect "Reason" "F6 asks for the reason"
ui_type "test"; ui_keys Enter
ui_expect "the card keys are locked" "a card operation with the keys locked offers the unlock dialog by itself"
ui_keys Escape
ui_expect "F6Refund" "...Esc there leaves the card untouched, back on the sale screen"
ui_keys Escape
ui_expect "Main menu" "Esc: back to the menu"

# ---- pcscd dies ----
kill "$PCSCD_PID" 2>/dev/null
ui_expect "pcscd down" "pcscd killed: the status line says so"
ui_keys f
ui_expect "1 account matches" "...and the UI still answers keys"
ui_keys Escape
ui_expect "Main menu" "...back to the menu"
ui_keys F10
ui_expect "[saledesk exited 0]" "F10 quits cleanly: the watcher stops and joins"
tap_done
