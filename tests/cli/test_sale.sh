#!/usr/bin/env bash
# The cash sale through the real pcscd and the virtual card: shifts, a
# card sale with old-debt repayment and change, the receipt (text and
# ESC/POS to a file printer, a printer that is off), limits, the meter's
# write-back, a pending sale settled from the card, reversal and refund
# (the purchase taken back off the card), approvals, invoicing, a
# desk-billed and a remote-recharge meter, and the Z-report.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pcscd.sh
pcscd_reexec "$0" "$@"
. tests/lib/cli.sh
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

sell() { cashier_keys sale "$@"; }
db() { sqlite3 "$SALEDESK_DB" "$1"; }

expect_rc 0 "an account with a card meter and old debt repaid at 10%" as li cashier-pw-1 \
	account open --name "张三" --room 301 --meter 202400000001 --tariff RES \
	--debt 30 --debt-mode share --debt-share 10
ACC=00000001
new_card c1 0102030405060708
expect_rc 0 "its card is issued" cashier_keys card issue $ACC
USER_IMG=$CUR_IMG

# ---- shifts come first ----
expect_rc 1 "no sale without an open shift" sell $ACC --amount 50
contains "$err" "no shift is open" "...the cashier is told to open one"
expect_rc 0 "the cashier opens a shift with a float" as li cashier-pw-1 shift open --float 200
contains "$out" "float of 200.00" "...the float is confirmed"
expect_rc 1 "a second open shift is refused" as li cashier-pw-1 shift open
contains "$err" "already open" "...it says so"

# ---- typos and limits ----
expect_rc 2 "an amount with three decimals is a usage error" sell $ACC --amount 12.345
contains "$err" "too many decimals" "...naming the problem"
expect_rc 1 "too little cash handed over" sell $ACC --amount 50 --tendered 20
contains "$err" "less than the amount" "...is refused before the card is touched"
card_seq_is 0 "...and the card is untouched"
expect_rc 0 "the administrator sets a limit per sale" as_admin setting set sale.max_amount 1000
expect_rc 1 "a sale over the limit is refused" sell $ACC --amount 1000.01
contains "$err" "at most 1000.00" "...naming the limit"

# ---- a quote, then the sale ----
expect_rc 0 "a quote shows the split" as li cashier-pw-1 sale quote $ACC --amount 100
contains "$out" "old debt repaid: 10.00 (debt left 20.00)" "...10% goes to the old debt"
contains "$out" "credited: 90.00" "...the rest is credited"
contains "$out" "energy: 153.06 kWh at RES 0.5880" "...with the energy it buys (rounded down)"
expect_rc 0 "the sale is written and printed" sell $ACC --amount 100 --tendered 150
contains "$out" "Sale 1 complete" "...complete"
contains "$out" "purchase 1" "...as purchase 1"
contains "$out" "change: 50.00" "...with the change"
contains "$out" "(printed)" "...and printed"
card_seq_is 1 "the card holds purchase 1"
db_seq_is 1 "the database agrees"
contains "$(cat "$PRN")" "150.00" "the printed receipt shows the cash handed over"
contains "$(cat "$PRN")" "壹佰元整" "...and the amount in capitals" 
[ "$(db "SELECT sum(amount) FROM ledger")" = 10000 ] && ok "the ledger holds 100.00 in two rows" ||
	not_ok "the ledger holds 100.00 in two rows"
[ "$(db "SELECT debt FROM accounts")" = 2000 ] && ok "the old debt went down to 20.00" ||
	not_ok "the old debt went down to 20.00"
RNO=$(db "SELECT number FROM receipts ORDER BY id DESC LIMIT 1")

# ---- no stacking, then the meter takes it ----
expect_rc 1 "a second sale before the card has been in the meter is refused" sell $ACC --amount 20
contains "$err" "insert the card in the meter first" "...the cashier says why"
[ "$(db "SELECT count(*) FROM sales WHERE status = 'pending'")" = 0 ] &&
	ok "...and nothing is left pending" || not_ok "...and nothing is left pending"
meter_insert 202400000001
contains "$meter_out" "credited" "the meter credits purchase 1"
expect_rc 0 "the next sale buys energy by kWh" sell $ACC --energy 10
contains "$out" "amount: 6.53" "...10 kWh costs 6.53 with the 10% debt share"
card_seq_is 2 "the card holds purchase 2"

# ---- receipts ----
expect_rc 0 "the receipt is shown again" as li cashier-pw-1 receipt show "$RNO" --reprint
contains "$out" "REPRINT" "...marked as a reprint"
contains "$out" "$RNO" "...with its number"
expect_rc 0 "a receipt is reprinted" as li cashier-pw-1 receipt reprint "$RNO"
[ "$(grep -c REPRINT "$PRN")" -ge 1 ] && ok "...the printer got the reprint" ||
	not_ok "...the printer got the reprint"
expect_rc 0 "the sale is marked as invoiced" as li cashier-pw-1 receipt invoiced "$RNO"
expect_rc 1 "...only once" as li cashier-pw-1 receipt invoiced "$RNO"
contains "$err" "already marked invoiced" "...it says so"

# ---- reversal: the purchase comes back off the card ----
S2=$(db "SELECT max(id) FROM sales")
expect_rc 2 "a reversal needs a reason" cashier_keys sale reverse "$S2"
expect_rc 0 "the cashier reverses their own sale of this shift" \
	cashier_keys sale reverse "$S2" --reason "wrong account typed"
contains "$out" "6.53 yuan back to the customer" "...the whole cash goes back"
contains "$out" "purchase 2 taken back" "...the purchase is taken back off the card"
meter_insert 202400000001
contains "$meter_out" "cancelled at the desk" "the meter does not credit the cancelled purchase"
[ "$(db "SELECT debt FROM accounts")" = 2000 ] && ok "the debt share came back with the reversal" ||
	not_ok "the debt share came back with the reversal"
expect_rc 1 "a sale is reversed once only" cashier_keys sale reverse "$S2" --reason again
contains "$err" "already reversed" "...it says so"
expect_rc 0 "after a cancelled purchase the next sale goes on the card" sell $ACC --amount 30
card_seq_is 2 "...as purchase 2 again: a cancelled number is reused, the meter sees no gap"

# ---- refund over the cashier's limit needs an administrator ----
expect_rc 0 "the administrator lowers the cashier's refund limit" \
	as_admin setting set refund.cashier_max 10
expect_rc 1 "a cashier cannot refund 27.00 alone" cashier_keys refund $ACC --reason "moved out"
contains "$err" "needs an administrator" "...an administrator must approve"
card_seq_is 2 "...and the card is untouched"
expect_rc 0 "an administrator approves at the cashier's session" cashier_keys refund $ACC \
	--reason "moved out" --approver admin --approver-password-fd 6 6<<<"$ADMIN_PW"
contains "$out" "Refund" "...the refund is booked"
contains "$out" "27.00 yuan back" "...the credit (not the debt share) goes back"
expect_rc 0 "the approval is in the audit trail" as_admin audit list --last 20
contains "$out" "approver=admin" "...naming the approver"

# ---- a sale cut short is settled from the card ----
meter_insert 202400000001
SALEDESK_FAULT=kill:pending sell $ACC --amount 10 >/dev/null 2>&1
[ "$(db "SELECT status FROM sales ORDER BY id DESC LIMIT 1")" = pending ] &&
	ok "killed before the card write: the sale is pending" || not_ok "killed before the card write: the sale is pending"
expect_rc 1 "a shift with a pending sale cannot close" as li cashier-pw-1 shift close --counted 0
contains "$err" "pending" "...it says why"
printf '[backup]\ndir = %s\n' "$work/backups" >>"$work/saledesk.conf"
mkdir -p "$work/backups"
expect_rc 0 "a backup is made while the sale is pending" as_admin backup
bfile=$(ls "$work"/backups/*.db 2>/dev/null | head -1)
expect_rc 1 "restore is refused while a sale is pending" as_admin restore "$bfile"
contains "$err" "pending" "...it says a sale is pending"
expect_rc 0 "the card settles it" cashier_keys sale settle
contains "$out" "voided" "...voided: the card never got it"
SALEDESK_FAULT=kill:written sell $ACC --amount 10 >/dev/null 2>&1
expect_rc 0 "killed after the card write: settled from the card" cashier_keys sale settle
contains "$out" "completed" "...completed"
card_seq_is 2 "the card holds purchase 2 (cancelled by the refund, then written again)"
db_seq_is 2 "the database agrees"

meter_insert 202400000001
contains "$meter_out" "credited" "the meter credits the reused purchase number"
net=$(db "SELECT sum(l.amount) FROM ledger l LEFT JOIN ledger o ON o.id = l.reverses
	WHERE l.account_id = 1 AND (l.kind IN ('sale', 'refund') OR o.kind = 'sale')")
rem=$(awk -F= '$1 == "remaining" { print $2 }' "$CW/meter-202400000001.state")
[ "$net" = "$rem" ] && ok "the meter holds exactly the credit the ledger sold ($rem fen)" ||
	not_ok "the meter holds $rem fen, the ledger sold $net"

# ---- printer faults leave the sale complete ----
sed -i "s|^device = .*|device = /nonexistent/lp0|" "$work/saledesk.conf"
expect_rc 0 "a sale with the printer off still completes" sell $ACC --amount 10
contains "$out" "NOT PRINTED" "...the cashier is told the receipt did not print"
expect_rc 0 "the receipt waits for a reprint" as li cashier-pw-1 receipt unprinted --format tsv
contains "$out" "-0000" "...listed"
sed -i "s|^device = .*|device = file:$PRN|" "$work/saledesk.conf"

# ---- ESC/POS ----
sed -i "s|^format = .*|format = escpos|" "$work/saledesk.conf"
: >"$PRN"
expect_rc 0 "a reprint in ESC/POS" as li cashier-pw-1 receipt reprint "$RNO"
[ "$(head -c 2 "$PRN" | od -An -tx1 | tr -d ' ')" = 1b40 ] && ok "...starts with ESC @" ||
	not_ok "...starts with ESC @"
grep -q $'\x1dV' "$PRN" && ok "...and cuts the paper" || not_ok "...and cuts the paper"

# ---- billed and remote meters ----
expect_rc 0 "an account with a desk-billed meter" as li cashier-pw-1 account open \
	--name "李四" --room 302 --meter 202400000002 --tariff RES --mode billed
expect_rc 0 "a billed sale needs no card" as li cashier-pw-1 sale 00000002 --amount 40
contains "$out" "(billed)" "...it credits the desk balance"
expect_rc 0 "part of the balance is refunded" as li cashier-pw-1 refund 00000002 --amount 5 \
	--reason "overpaid"
expect_rc 0 "an account with a remote-recharge meter" as li cashier-pw-1 account open \
	--name "王五" --room 303 --meter 202400000003 --tariff RES --mode remote
expect_rc 1 "a remote sale needs the meter read once" as li cashier-pw-1 sale 00000003 --amount 40
contains "$err" "never read" "...it says so"
# the meter-reading service has read the meter: purchase count 7
db "INSERT INTO meter_state(meter_id, updated_at, read_at, online, purchase_count)
	SELECT id, 0, 0, 1, 7 FROM meters WHERE meter_no = '202400000003'"
expect_rc 0 "a remote sale found by the meter's number" as li cashier-pw-1 sale 202400000003 \
	--amount 40
contains "$out" "purchase 8" "...takes the meter's next purchase number"
contains "$out" "queued for the meter-reading service" "...and queues the recharge"
[ "$(db "SELECT kind || ' ' || state || ' ' || purchase_seq || ' ' || amount FROM commands
	ORDER BY id DESC LIMIT 1")" = "recharge queued 8 4000" ] &&
	ok "...a recharge of 40.00 as purchase 8" || not_ok "...a recharge of 40.00 as purchase 8"
S3=$(db "SELECT max(id) FROM sales")
expect_rc 0 "a queued recharge is reversed" as li cashier-pw-1 sale reverse "$S3" --reason "typo" \
	--passphrase-fd 4 4<<<"$KEYS_PW"
[ "$(db "SELECT state FROM commands ORDER BY id DESC LIMIT 1")" = failed ] &&
	ok "...its command is cancelled" || not_ok "...its command is cancelled"
expect_rc 0 "the quote lists the account's purchases" as li cashier-pw-1 sale quote 00000003 \
	--amount 10
contains "$out" "(reversed)" "...with the reversed one marked"

# ---- a pending sale whose card is lost ----
expect_rc 0 "a fourth account with a card" as li cashier-pw-1 account open --name "赵七" \
	--room 304 --meter 202400000004 --tariff RES
new_card c4 0404040404040404
expect_rc 0 "...its card is issued" cashier_keys card issue 00000004
SALEDESK_FAULT=kill:pending sell 00000004 --amount 10 >/dev/null 2>&1
S4=$(db "SELECT max(id) FROM sales")
[ "$(db "SELECT status FROM sales WHERE id = $S4")" = pending ] && ok "its sale is left pending" ||
	not_ok "its sale is left pending"
vcard_ctl remove >/dev/null 2>&1
expect_rc 0 "the customer reports the card lost" as li cashier-pw-1 card lost 00000004
expect_rc 1 "a cashier cannot void the sale without its card" as li cashier-pw-1 sale void "$S4" \
	--reason "card lost"
contains "$err" "needs an administrator" "...an administrator must"
expect_rc 0 "with an administrator's approval the sale is voided" as li cashier-pw-1 sale void \
	"$S4" --reason "card lost" --approver admin --approver-password-fd 6 6<<<"$ADMIN_PW"
contains "$out" "no money was taken" "...and the cashier gives the cash back"
[ "$(db "SELECT status FROM sales WHERE id = $S4")" = void ] && ok "...it is void" ||
	not_ok "...it is void"
expect_rc 1 "a pending sale whose card is not lost is not voided so" as li cashier-pw-1 \
	sale void 1 --reason x --approver admin --approver-password-fd 6 6<<<"$ADMIN_PW"
use_card "$USER_IMG"

# ---- closing ----
expect_rc 0 "the shift shows its totals" as li cashier-pw-1 shift show
contains "$out" "sales: " "...sales"
expected=$(sed -n 's/^cash expected: //p' <<<"$out" | tr -d ,)
expect_rc 0 "the Z-report as printed" as li cashier-pw-1 shift show --zreport
contains "$out" "Z-REPORT" "...titled"
expect_rc 0 "the shift closes 1.00 short" as li cashier-pw-1 shift close \
	--counted "$(awk -v e="$expected" 'BEGIN { printf "%.2f", e - 1 }')" --print
contains "$out" "short: -1.00" "...short by 1.00"
contains "$out" "Z-report printed" "...the Z-report printed"
expect_rc 1 "a cashier cannot see others' shifts" as li cashier-pw-1 shift list --all
expect_rc 0 "an administrator can" as_admin shift list --all --format tsv
contains "$out" "li" "...the cashier's shift is listed"
[ "$(db "SELECT count(*) FROM sales WHERE status = 'pending'")" = 0 ] &&
	ok "no sale is left pending" || not_ok "no sale is left pending"
no_secrets
expect_rc 0 "the audit chain is intact" as_admin audit verify
tap_done
