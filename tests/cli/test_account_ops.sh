#!/usr/bin/env bash
# The special operations through the real pcscd and the virtual card:
# opening with the card and a fee in one flow, pre-registration (one CSV
# row bad rejects the file) and one-key activation, change of data,
# ownership transfer, meter replacement and account close with an
# administrator's approval, a card reported lost refused at the desk, and
# its replacement carrying the lost card's uncredited purchase, credited
# exactly once by the meter.
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

db() { sqlite3 "$SALEDESK_DB" "$1"; }
cashier() { as li cashier-pw-1 "$@"; }
approved() { cashier "$@" --approver admin --approver-password-fd 6 6<<<"$ADMIN_PW"; }
approved_keys() { cashier_keys "$@" --approver admin --approver-password-fd 6 6<<<"$ADMIN_PW"; }
is() { [ "$1" = "$2" ] && ok "$3" || { not_ok "$3"; echo "# got '$1', wanted '$2'"; }; }

expect_rc 0 "the cashier opens a shift" cashier shift open --float 100

# ---- 1. opening in one flow ----
new_card c1 0102030405060708
expect_rc 0 "an account is opened with its card and an opening fee in one command" \
	cashier_keys account open --name "张三" --room 301 --meter 202400000001 --tariff RES \
	--issue-card --fee 10
contains "$out" "Opened account 00000001" "...the account is opened"
contains "$out" "Issued card 0102030405060708" "...its card is issued"
contains "$out" "Opening fee 10.00 yuan, receipt" "...the fee is taken with a receipt"
A1=00000001
CARD_A=$CUR_IMG
is "$(db "SELECT kind || ' ' || amount || ' ' || ifnull(shift_id, 0) FROM ledger WHERE kind = 'fee'")" \
	"fee 1000 1" "the fee is a ledger row of kind fee in the cashier's shift"
RNO=$(db "SELECT number FROM receipts r JOIN ledger l ON l.id = r.ledger_id WHERE l.kind = 'fee'")
expect_rc 0 "its receipt can be shown" cashier receipt show "$RNO"
contains "$out" "ACCOUNT OPENING" "...it is an opening receipt"
contains "$(cat "$PRN")" "ACCOUNT OPENING" "...and it was printed"
is "$(db "SELECT status FROM cards WHERE serial = '0102030405060708'")" active "the card is active"

vcard_ctl remove >/dev/null 2>&1
expect_rc 1 "without a card in the reader nothing is opened" \
	cashier_keys account open --name "李四" --room 302 --meter 202400000002 --tariff RES \
	--issue-card --wait 1
contains "$err" "no card in the reader" "...the cashier is told to insert the card"
is "$(db "SELECT count(*) FROM meters WHERE meter_no = '202400000002'")" 0 "...and nothing is opened"
new_card other 2222222222222222 other
expect_rc 1 "with another utility's card the account opens but the card fails" \
	cashier_keys account open --name "李四" --room 302 --meter 202400000002 --tariff RES \
	--issue-card
contains "$err" "account 00000002 was opened, but its card was not issued" "...it says exactly that"
contains "$err" "saledesk card issue 00000002" "...and how to finish"
new_card c2 1111111111111111
expect_rc 0 "the card is issued afterwards" cashier_keys card issue 00000002

expect_rc 1 "no fee without an open shift (an administrator has none)" \
	as_admin account open --name "X" --meter 202400000009 --tariff RES --fee 5
contains "$err" "no shift is open" "...it says so"
is "$(db "SELECT count(*) FROM meters WHERE meter_no = '202400000009'")" 0 "...and nothing is opened"

# ---- 2. pre-registration and one-key opening ----
expect_rc 0 "an account is pre-registered" cashier account open --pre --name "王五" \
	--room 303 --meter 202400000003 --tariff RES
contains "$out" "Pre-registered account 00000003" "...as pre-registered"
is "$(db "SELECT status FROM accounts WHERE account_no = '00000003'")" pre "...status pre"
cat >"$work/bad.csv" <<CSV
name,room,meter,tariff
赵六,401,202400000004,RES
钱七,402,20240000000X,RES
CSV
expect_rc 1 "a CSV with one bad row is refused whole" cashier account import "$work/bad.csv" --pre
contains "$err" "line 3" "...naming the bad line"
is "$(db "SELECT count(*) FROM accounts WHERE room = '401'")" 0 "...and nothing was imported"
sed -i 's/20240000000X/202400000005/' "$work/bad.csv"
expect_rc 0 "the corrected CSV is pre-registered" cashier account import "$work/bad.csv" --pre
contains "$out" "Imported 2 accounts (pre-registered)" "...both rows"
is "$(db "SELECT group_concat(status) FROM accounts WHERE room IN ('401', '402')")" "pre,pre" \
	"...both are pre-registered"
expect_rc 1 "a pre-registered account cannot buy" cashier_keys sale 00000003 --amount 10
contains "$err" "pre-registered" "...it says so"
new_card c3 3333333333333333
expect_rc 0 "one-key opening: status, fee and card in one command" \
	cashier_keys account activate 00000003 --fee 5
contains "$out" "Account 00000003 is open" "...the account is open"
contains "$out" "Issued card 3333333333333333" "...with its card"
contains "$out" "Opening fee 5.00 yuan" "...and the fee"
expect_rc 0 "a repeat issues nothing twice" cashier_keys account activate 00000003 --fee 5
contains "$out" "Already issued" "...the card is already issued"
is "$(db "SELECT count(*) FROM ledger WHERE kind = 'fee' AND amount = 500")" 1 "...no second fee"

# ---- 3. change of data ----
expect_rc 0 "the phone and the room change" cashier account change $A1 --phone 13800000001 \
	--room 301A
contains "$out" "Changed 2 fields" "...two fields"
expect_rc 0 "the change is audited old -> new" as_admin audit list --last 5
contains "$out" 'phone: "" -> "13800000001"' "...the phone"
contains "$out" 'room: "301" -> "301A"' "...the room"
expect_rc 1 "a bad phone is refused" cashier account change $A1 --phone abc
expect_rc 0 "the search finds the new phone" cashier account search 13800000001 --format tsv
contains "$out" "$A1" "...on the account"

# ---- 4. ownership transfer ----
use_card "$CARD_A"
expect_rc 0 "a sale on the first account" cashier_keys sale $A1 --amount 50
expect_rc 1 "a cashier cannot transfer without approval" cashier account transfer $A1 --name "孙八"
contains "$err" "needs an administrator" "...an administrator must approve"
expect_rc 0 "with an administrator's approval the account is transferred" \
	approved account transfer $A1 --name "孙八" --phone 13900000000
contains "$out" "now belongs to 孙八" "...to the new owner"
expect_rc 0 "the approval is in the audit trail" as_admin audit list --last 5
contains "$out" "what=an ownership transfer approver=admin" "...naming the approver"
contains "$out" 'from="张三"' "...and the transfer names the old owner"
is "$(db "SELECT count(*) FROM customers WHERE name = '张三'")" 1 "the old customer is kept"
is "$(db "SELECT count(*) FROM sales s JOIN accounts a ON a.id = s.account_id
	WHERE a.account_no = '$A1'")" 1 "the sales stay with the account"
expect_rc 0 "a desk-billed account" cashier account open --name "周九" --room 501 \
	--meter 202400000006 --tariff RES --mode billed
B=00000006
expect_rc 0 "...buys 40" cashier sale $B --amount 40
expect_rc 0 "a transfer with --settle refunds the desk balance to the old owner" \
	approved account transfer $B --name "吴十" --settle
contains "$out" "Paid back 40.00 yuan" "...40.00 paid back with a receipt"
is "$(db "SELECT sum(amount) FROM ledger WHERE account_id = (SELECT id FROM accounts
	WHERE account_no = '$B') AND kind IN ('sale', 'refund')")" 0 "...the desk balance is 0"

# ---- 5. meter replacement ----
expect_rc 2 "a final reading with four decimals is refused before anything else" \
	approved account replace-meter $B --old 202400000006 --new 202400000007 --final-reading 1234.5678
contains "$err" "--final-reading 1234.5678: too many decimals (kWh with at most three decimals" \
	"...saying why, in kWh"
expect_rc 2 "a final reading that is not a number is refused" \
	approved account replace-meter $B --old 202400000006 --new 202400000007 --final-reading 12kwh
contains "$err" "--final-reading 12kwh: not a reading (kWh" "...saying so"
expect_rc 1 "no meter replacement without approval" cashier account replace-meter $B \
	--old 202400000006 --new 202400000007 --final-reading 1234.5
contains "$err" "needs an administrator" "...refused"
expect_rc 0 "the billed meter is replaced" approved account replace-meter $B \
	--old 202400000006 --new 202400000007 --final-reading 1234.5 --balance 12.5
contains "$out" "replaced by 202400000007" "...by the new meter"
is "$(db "SELECT status || ' ' || (removed_at IS NOT NULL) FROM meters WHERE meter_no = '202400000006'")" \
	"removed 1" "the old meter is removed with its time"
is "$(db "SELECT mode || ' ' || status FROM meters WHERE meter_no = '202400000007'")" \
	"billed active" "the new one is on the account with the same mode"
expect_rc 0 "the final reading is in the audit trail" as_admin audit list --last 3
contains "$out" "final_reading_wh=1234500" "...in Wh"
contains "$out" "balance_carried=1250" "...with the balance carried"
expect_rc 0 "the card meter of account 2 is replaced" approved account replace-meter 00000002 \
	--old 202400000002 --new 202400000008 --final-reading 10
contains "$out" "saledesk account carry 00000002" "...the cashier is told how to finish the card later"

# ---- 7. card loss report ----
use_card "$CARD_A"
meter_insert 202400000001
contains "$meter_out" "credited" "the meter credits purchase 1"
expect_rc 0 "a second sale stays on the card (not in the meter yet)" \
	cashier_keys sale $A1 --amount 30
card_seq_is 2 "the card holds purchase 2"
expect_rc 0 "the card is reported lost" cashier card lost $A1
contains "$out" "reported lost" "...it says so"
is "$(db "SELECT status FROM cards WHERE serial = '0102030405060708'")" lost "...status lost"
expect_rc 1 "the lost card is refused at the desk" cashier_keys card read --verify
contains "$err" "this card was reported lost" "...with its message"
expect_rc 1 "a sale for the account has no card to write" cashier_keys sale $A1 --amount 10
contains "$err" "reported lost" "...the cashier hears why"
contains "$err" "card reissue" "...and what to do"
expect_rc 1 "reported twice" cashier card lost $A1
contains "$err" "already reported lost" "...it says so"

# ---- 8. card reissue ----
expect_rc 1 "a reissue for an account whose card is active is refused" \
	cashier_keys card reissue 00000003
contains "$err" "report the loss first" "...report the loss first"
new_card c4 0404040404040404
expect_rc 0 "a replacement card is issued with a fee" cashier_keys card reissue $A1 --fee 20
contains "$out" "Issued card 0404040404040404" "...the new card"
contains "$out" "purchase 2 (30.00 yuan) is on the new card" "...carrying the lost purchase"
contains "$out" "Reissue fee 20.00 yuan" "...and the fee"
CARD_B=$CUR_IMG
card_seq_is 2 "the new card holds purchase 2"
db_seq_is 2 "the database agrees" 0404040404040404
expect_rc 0 "a repeat finishes nothing twice" cashier_keys card reissue $A1 --fee 20
contains "$out" "Already issued" "...already issued"
is "$(db "SELECT count(*) FROM ledger WHERE kind = 'fee' AND amount = 2000")" 1 "...one fee only"
use_card "$CARD_A"
expect_rc 1 "the lost card in the reader at a sale is refused" cashier_keys sale $A1 --amount 10
contains "$err" "this card was reported lost" "...with its message"
use_card "$CARD_B"
meter_insert 202400000001
contains "$meter_out" "credited" "the meter credits the carried purchase from the new card"
use_card "$CARD_A"
meter_insert 202400000001
lacks "$meter_out" "credited" "the lost card's same purchase is not credited again"
rem=$(awk -F= '$1 == "remaining" { print $2 }' "$CW/meter-202400000001.state")
is "$rem" 8000 "the meter holds 50 + 30 yuan: the lost purchase credited exactly once"
use_card "$CARD_B"
expect_rc 0 "the new card buys" cashier_keys sale $A1 --amount 10
card_seq_is 3 "...as purchase 3"

# ---- 6. account close ----
expect_rc 1 "no close without approval" cashier_keys account close $A1
contains "$err" "needs an administrator" "...refused"
card_seq_is 3 "...and the card is untouched"
expect_rc 0 "the account is closed: the card's credit and the meter's balance paid back" \
	approved_keys account close $A1 --meter-balance 12.34
contains "$out" "10.00 yuan taken back off the card" "...the uncredited purchase comes off the card"
contains "$out" "Paid back 12.34 yuan" "...the meter's balance is paid back"
contains "$out" "Card 0404040404040404 is retired" "...the card is retired"
is "$(db "SELECT status || ' ' || (closed_at IS NOT NULL) FROM accounts WHERE account_no = '$A1'")" \
	"closed 1" "the account is closed with its time"
is "$(db "SELECT group_concat(DISTINCT m.status) FROM meters m JOIN accounts a ON a.id = m.account_id
	WHERE a.account_no = '$A1'")" removed "its meters are removed"
is "$(db "SELECT status FROM cards WHERE serial = '0404040404040404'")" replaced "its card is retired"
expect_rc 0 "the close receipt" cashier receipt show \
	"$(db "SELECT number FROM receipts ORDER BY id DESC LIMIT 1")"
contains "$out" "ACCOUNT CLOSING" "...is a closing receipt"
expect_rc 1 "a closed account cannot buy" cashier sale $A1 --amount 10
expect_rc 0 "the billed account is closed with its balance" approved account close $B
contains "$out" "is closed" "...closed"

expect_rc 0 "the shift balances" cashier shift show
no_secrets
expect_rc 0 "the audit chain is intact" as_admin audit verify
tap_done
