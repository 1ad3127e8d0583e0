#!/usr/bin/env bash
# Meter replacement (换表) carries the old meter's balance to the new one,
# through the real pcscd and the virtual card: a card meter's card is moved
# to the new meter (card spec 11.6) and the balance loaded as its next
# purchase, which the new meter credits once and the old one refuses; a
# purchase still on the card goes to the new meter first; a torn load is
# settled, never loaded twice; a remote meter gets a recharge queued once
# the service has read it.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pcscd.sh
pcscd_reexec "$0" "$@"
. tests/lib/cli.sh
. tests/lib/card.sh

card_setup || { echo "1..0 # SKIP $card_skip"; exit 0; }
keys_init_test >/dev/null || { echo "Bail out! keys init failed"; exit 1; }

db() { sqlite3 "$SALEDESK_DB" "$1"; }
cashier() { as li cashier-pw-1 "$@"; }
approved() { cashier "$@" --approver admin --approver-password-fd 6 6<<<"$ADMIN_PW"; }
approved_keys() { cashier_keys "$@" --approver admin --approver-password-fd 6 6<<<"$ADMIN_PW"; }
is() { [ "$1" = "$2" ] && ok "$3" || { not_ok "$3"; echo "# got '$1', wanted '$2'"; }; }
meter_count() { sed -n 's/^count=//p' "$CW/meter-$1.state"; }
meter_remaining() { sed -n 's/^remaining=//p' "$CW/meter-$1.state"; }

expect_rc 0 "the cashier opens a shift" cashier shift open --float 100

# ---- 1. a card meter whose last purchase the old meter took ----
new_card c1 0102030405060708
expect_rc 0 "an account with a card meter and its card" cashier_keys account open \
	--name "张三" --room 301 --meter 202400000001 --tariff RES --issue-card
A=00000001
expect_rc 0 "a sale of 50" cashier_keys sale $A --amount 50
meter_insert 202400000001
contains "$meter_out" "credited" "the old meter credits purchase 1"
expect_rc 0 "the meter is replaced with the card in the reader" approved_keys \
	account replace-meter $A --old 202400000001 --new 202400000011 --final-reading 321.5 \
	--balance 20
contains "$out" "replaced by 202400000011" "...by the new meter"
contains "$out" "now names meter 202400000011 and carries the old meter's 20.00 yuan as purchase 2" \
	"...the card is moved and carries the balance as purchase 2"
card_seq_is 2 "the card holds purchase 2"
is "$(db_seq 0102030405060708)" 2 "the database agrees"
is "$(db "SELECT ifnull(carry_fen, 'done') FROM meters WHERE meter_no = '202400000011'")" done \
	"nothing is left to carry"
is "$(db "SELECT count(*) FROM ledger WHERE account_id = 1 AND kind = 'sale'")" 1 \
	"no money moved: one sale in the ledger"
expect_rc 0 "the audit trail has the move and the carry" as_admin audit list --last 6
contains "$out" "card.move" "...the card's move"
contains "$out" "meter.carry" "...and the carry"
meter_insert 202400000001
contains "$meter_out" "Err-33" "the old meter refuses the moved card (number class)"
is "$(meter_remaining 202400000001)" 5000 "...and keeps what it had"
meter_insert 202400000011
contains "$meter_out" "credited" "the new meter opens with the card and credits the carry"
is "$(meter_count 202400000011)/$(meter_remaining 202400000011)" 2/2000 \
	"...count 2, 20.00 yuan in the new meter"
meter_insert 202400000011
contains "$meter_out" "no credit" "inserted again, it credits nothing more"
expect_rc 0 "the next sale goes on with purchase 3" cashier_keys sale $A --amount 30
meter_insert 202400000011
is "$(meter_count 202400000011)/$(meter_remaining 202400000011)" 3/5000 \
	"...the new meter credits it: 50.00 yuan"
expect_rc 1 "a second carry has nothing to do" cashier_keys account carry $A
contains "$err" "no replaced meter's balance to carry" "...it says so"

# ---- 2. a purchase still on the card when the meter is replaced ----
new_card c2 0102030405060709
expect_rc 0 "a second account with its card" cashier_keys account open \
	--name "李四" --room 302 --meter 202400000002 --tariff RES --issue-card
B=00000002
expect_rc 0 "a sale of 40 stays on the card" cashier_keys sale $B --amount 40
expect_rc 0 "the meter is replaced" approved_keys account replace-meter $B \
	--old 202400000002 --new 202400000012 --final-reading 5 --balance 15
contains "$out" "no meter has taken yet" "...the carry waits: a purchase is still on the card"
contains "$out" "saledesk account carry $B" "...and the cashier is told what to run after"
is "$(db "SELECT carry_fen FROM meters WHERE meter_no = '202400000012'")" 1500 \
	"15.00 yuan is still to carry"
expect_rc 1 "a sale is refused until the balance is carried" cashier_keys sale $B --amount 10
contains "$err" "saledesk account carry $B" "...with the command that finishes it"
meter_insert 202400000012
contains "$meter_out" "credited" "the new meter opens and credits purchase 1 (40.00)"
is "$(meter_count 202400000012)/$(meter_remaining 202400000012)" 1/4000 "...count 1"
expect_rc 0 "now the carry loads" cashier_keys account carry $B
contains "$out" "carries the old meter's 15.00 yuan as purchase 2" "...as purchase 2"
meter_insert 202400000012
is "$(meter_count 202400000012)/$(meter_remaining 202400000012)" 2/5500 \
	"the new meter credits it: 55.00 yuan"
expect_rc 0 "sales go on" cashier_keys sale $B --amount 10

# ---- 3. the load torn: settled, never loaded twice ----
new_card c3 010203040506070A
expect_rc 0 "a third account with its card" cashier_keys account open \
	--name "王五" --room 303 --meter 202400000003 --tariff RES --issue-card
C=00000003
expect_rc 0 "a sale of 25" cashier_keys sale $C --amount 25
meter_insert 202400000003
expect_rc 0 "the meter is replaced without the card" approved account replace-meter $C \
	--old 202400000003 --new 202400000013 --final-reading 7 --balance 9
contains "$out" "put the customer's card in the reader" "...the carry waits for the card"
contains "$(db "SELECT group_concat(meter_no) FROM meters WHERE account_id = 3 AND status = 'active'")" \
	202400000013 "...the replacement itself is done"
# the load is the 8th APDU after the move's 9 (the move reads the card first)
tear_op 17 commit cashier_keys account carry $C
[ "$rc" -ne 0 ] && ok "a carry torn after the card took the load fails" || not_ok "a carry torn after the card took the load fails"
card_seq_is 2 "...the card holds purchase 2"
contains "$err" "insert it again" "...and the cashier is told to insert it again"
expect_rc 0 "run again, it settles" cashier_keys account carry $C
is "$(db_seq 010203040506070A)" 2 "...the database records purchase 2, not 3"
card_seq_is 2 "...nothing loaded twice"
meter_insert 202400000013
is "$(meter_count 202400000013)/$(meter_remaining 202400000013)" 2/900 \
	"the new meter credits 9.00 yuan once"

# ---- 4. a remote-recharge meter ----
expect_rc 0 "an account with a remote meter" cashier account open --name "赵六" --room 304 \
	--meter 202400000004 --tariff RES --mode remote
D=00000004
expect_rc 0 "its meter is replaced" approved account replace-meter $D \
	--old 202400000004 --new 202400000014 --final-reading 12 --balance 12
contains "$out" "has not read the new meter yet" "...the recharge waits for the first reading"
db "INSERT INTO meter_state(meter_id, updated_at, read_at, online, purchase_count)
	SELECT id, 0, 0, 1, 0 FROM meters WHERE meter_no = '202400000014'"
expect_rc 0 "once read, the carry queues a recharge" cashier account carry $D
contains "$out" "Recharge of 12.00 yuan queued for meter 202400000014 (purchase 1)" "...purchase 1"
is "$(db "SELECT kind || ' ' || state || ' ' || purchase_seq || ' ' || amount FROM commands
	WHERE meter_id = (SELECT id FROM meters WHERE meter_no = '202400000014')")" \
	"recharge queued 1 1200" "...a recharge of 12.00 as purchase 1"
expect_rc 0 "a sale to the new meter takes the next number" cashier sale $D --amount 5
contains "$out" "purchase 2" "...purchase 2"

# ---- 5. a billed meter carries nothing ----
expect_rc 0 "a desk-billed account" cashier account open --name "孙七" --room 305 \
	--meter 202400000005 --tariff RES --mode billed
expect_rc 0 "its meter is replaced" approved account replace-meter 00000005 \
	--old 202400000005 --new 202400000015 --final-reading 3
is "$(db "SELECT ifnull(carry_fen, 'none') FROM meters WHERE meter_no = '202400000015'")" none \
	"the desk balance stays in the ledger: nothing to carry"
no_secrets
expect_rc 0 "the audit chain is intact" as_admin audit verify
tap_done
