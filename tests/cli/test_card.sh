#!/usr/bin/env bash
# Card operations through the real pcscd and the virtual card (vcard in
# vpcd): issue, read, purchase records, the meter's write-back, recycling,
# technician cards, and bad cards (blank, another utility's, an unknown
# key version, tampered data, a replayed purchase). As root the test runs
# in its own namespace with its own pcscd (tests/lib/pcscd.sh).
# Test-only keys (docs/card-spec.md 14) are imported so the meter side of
# vcard can read the cards; no key ever appears in the output.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pcscd.sh
pcscd_reexec "$0" "$@"
. tests/lib/cli.sh
. tests/lib/card.sh

card_setup || { echo "1..0 # SKIP $card_skip"; exit 0; }

# ---- keys and an account with a card meter ----
expect_rc 0 "the administrator imports the test key set" keys_init_test
contains "$out" "MK02=" "...and sees key check values"
expect_rc 0 "a cashier opens an account with a card meter" as li cashier-pw-1 account open \
	--name "张三" --room 301 --meter 202400000001 --tariff RES
ACC=00000001

# ---- readers and a blank card ----
expect_rc 0 "the readers are listed" sd card readers
contains "$out" "$VPCD_READER" "...with the virtual reader"
new_card blank 0102030405060708
expect_rc 0 "a blank card is read" as li cashier-pw-1 card read
contains "$out" "state: blank" "...and said to be blank"
contains "$out" "apdus: 1," "...in one APDU"
expect_rc 1 "a purchase cannot go on a card before it is issued" card_load $ACC 10
contains "$err" "no card: issue one first" "...the desk says to issue it"

# ---- issue ----
expect_rc 1 "a cashier cannot issue without the key-file passphrase" \
	as li cashier-pw-1 card issue $ACC --passphrase-fd 4 4<<<"wrong passphrase!!"
contains "$err" "wrong key-file passphrase" "...the message names the passphrase"
expect_rc 0 "the cashier issues the account's card" cashier_keys card issue $ACC
contains "$out" "Issued card 0102030405060708 for account $ACC" "...naming card and account"
contains "$out" "key version 01" "...with the newest key version"
USER_IMG=$CUR_IMG
issue_apdus=$(sed -n 's/.*apdus: \([0-9]*\).*/\1/p' <<<"$out")
expect_rc 0 "the card is read back with verification" cashier_keys card read --verify
contains "$out" "account: 1" "...account on the card"
contains "$out" "meter: 202400000001" "...its meter"
contains "$out" "verified: yes" "...card and MACs checked"
read_apdus=$(sed -n 's/^apdus: \([0-9]*\).*/\1/p' <<<"$out")
expect_rc 0 "a plain read needs no keys" as li cashier-pw-1 card read
plain_out=$out
contains "$out" "apdus: 4," "...and takes 4 APDUs"
expect_rc 0 "the issued card is listed" as li cashier-pw-1 card list --format tsv
contains "$out" $'0102030405060708\tuser\t00000001\tactive\t01\t0' "...active, key version 01"
expect_rc 0 "issuing the same card again is harmless" cashier_keys card issue $ACC
contains "$out" "Already issued" "...it says so"

# ---- purchase records ----
expect_rc 1 "a cashier may not write a purchase record without a sale" \
	cashier_keys card load $ACC --amount 10
contains "$err" "permission denied" "...permission denied"
expect_rc 0 "purchase 1 is written" card_load $ACC 100
contains "$out" "Wrote purchase 1 of 100.00 yuan" "...number 1"
load_out=$out
expect_rc 1 "a second purchase before the meter saw the first is refused" card_load $ACC 50
contains "$err" "insert the card in the meter first" "...no stacking"
expect_rc 0 "the card shows the unreturned purchase" as li cashier-pw-1 card read
contains "$out" "written back: no" "...not written back"
meter_insert 202400000001
contains "$meter_out" "result: 00" "the meter credits purchase 1"
expect_rc 0 "after the meter, the card shows its write-back" cashier_keys card read --verify
contains "$out" "written back: yes, by meter 202400000001" "...from the meter"
contains "$out" "meter count: 1" "...with its count"
expect_rc 0 "the card is read again" cashier_keys card read --verify
expect_rc 0 "the desk keeps the write-back" as li cashier-pw-1 card returns $ACC --format tsv
contains "$out" $'0102030405060708\t202400000001\t1\t' "...with the meter and its count"
[ "$(grep -c 202400000001 <<<"$out")" = 1 ] && ok "...once, however often the card is read" ||
	not_ok "...once, however often the card is read"
expect_rc 0 "purchase 2 is written after the write-back" card_load $ACC 20
contains "$out" "Wrote purchase 2 of 20.00 yuan" "...number 2"
meter_insert 202400000001
# a replay: the desk's count goes back by one and it tries purchase 2 again
sqlite3 "$SALEDESK_DB" "UPDATE cards SET purchase_seq = 1" 2>/dev/null || true
expect_rc 0 "a replayed purchase 2 is not written twice" card_load $ACC 20
contains "$out" "already on the card" "...the desk learns it is there"
card_seq_is 2 "...and the card still holds purchase 2"
db_seq_is 2 "...and the database is back at 2"

# ---- bad cards ----
new_card other 1111111111111111 other
expect_rc 1 "another utility's card is refused" cashier_keys card read --verify
contains "$err" "class 32" "...class 32"
contains "$err" "another utility" "...saying what it may be"
expect_rc 1 "a purchase is not written on another utility's card" card_load $ACC 5
contains "$err" "class 33" "...it is not the account's card"
expect_rc 0 "a second account is opened" as li cashier-pw-1 account open --name "李四" \
	--room 302 --meter 202400000009 --tariff RES
new_card otherblank 1212121212121212 otherblank
expect_rc 1 "another utility's blank is refused at issue" cashier_keys card issue 00000002
contains "$err" "transport key" "...naming the transport key"
new_card v3 2222222222222222 v3
expect_rc 1 "a card of a key version this desk lacks is refused" cashier_keys card read --verify
contains "$err" "key version 03" "...naming the version"
new_card tamper 0102030405060708 copy
tamper_ef02_amount
expect_rc 1 "a purchase record altered on the card is refused" cashier_keys card read --verify
contains "$err" "purchase record on the card has a wrong MAC" "...bad MAC"
contains "$err" "class 32" "...class 32"
expect_rc 1 "no purchase goes onto a tampered card" card_load $ACC 5
contains "$err" "wrong MAC" "...for the same reason"
use_card "$USER_IMG"

# ---- a copied card: this card's files on another chip ----
# The desk first resets the card and reads it again (a card swapped in
# the middle of an exchange answers under the old ATR), then calls it a copy.
sed "s/^serial .*/serial 0909090909090909/" "$USER_IMG" >"$CW/clone.img"
use_card "$CW/clone.img"
SALEDESK_LOG=debug expect_rc 1 "a card whose files name another chip is refused" \
	cashier_keys card read --verify
contains "$err" "copied card" "...as a copy"
contains "$err" "class 32" "...class 32"
contains "$err" "resetting it to read the ATR again" "...only after a reset and a second read"
expect_rc 1 "no purchase goes onto it" card_load $ACC 5
use_card "$USER_IMG"

# ---- recycling ----
expect_rc 1 "a cashier may not recycle" cashier_keys card recycle
contains "$err" "permission denied" "...administrators only"
expect_rc 0 "purchase 3 is written" card_load $ACC 30
expect_rc 1 "a card with an uncredited purchase is not recycled" admin_keys card recycle
contains "$err" "not been credited" "...it would lose the purchase"
meter_insert 202400000001
expect_rc 0 "after the meter credited it, the card is recycled" admin_keys card recycle
contains "$out" "Recycled card 0102030405060708" "...named"
expect_rc 0 "the recycled card reads blank" as li cashier-pw-1 card read
contains "$out" "state: blank" "...blank"
expect_rc 0 "and is listed as recycled" as li cashier-pw-1 card list --format tsv
contains "$out" $'0102030405060708\tuser\t00000001\trecycled' "...recycled"
expect_rc 0 "the recycled card can be issued again" cashier_keys card issue $ACC --replacement
contains "$out" "Issued card 0102030405060708" "...issued"
card_seq_db_is 3 "...taking over purchase count 3"
expect_rc 0 "the replacement card takes purchase 4" card_load $ACC 40
meter_insert 202400000001
contains "$meter_out" "result: 00" "...which the meter credits"

# ---- technician cards ----
new_card check 3333333333333333
expect_rc 1 "a cashier may not issue technician cards" cashier_keys card issue-tech check
expect_rc 0 "a technician issues a check card" tech_keys card issue-tech check
contains "$out" "Issued check card 3333333333333333" "...issued"
expect_rc 1 "the check card has no answer before a meter saw it" tech_keys card check
contains "$err" "insert it in the meter first" "...says so"
meter_insert 202400000001
expect_rc 0 "after the meter, the check card is read back" tech_keys card check
contains "$out" "meter: 202400000001" "...the meter's number"
contains "$out" "purchase count: 4" "...and its purchase count"
new_card reset 4444444444444444
expect_rc 0 "a technician issues a reset card for one meter" \
	tech_keys card issue-tech reset --meter 202400000001 --uses 2
expect_rc 0 "the reset card shows its order" as wang tech-pw-01 card read
contains "$out" "type: reset" "...type reset"
contains "$out" "uses left 2" "...two uses"
new_card setting 5555555555555555
expect_rc 0 "a technician issues a setting card" \
	tech_keys card issue-tech setting --version 2 --alarms 30,20,10 --credit-limit 5
meter_insert 202400000001
contains "$meter_out" "result: 00" "...which the meter accepts"
expect_rc 0 "the audit trail records every card operation" as_admin audit list --last 100
contains "$out" "card.issue" "...issue"
contains "$out" "card.load" "...purchase records"
contains "$out" "card.recycle" "...recycling"
contains "$out" "card.check" "...the check card's answer"

# ---- the APDU log masks cryptograms and MACs ----
use_card "$USER_IMG"
expect_rc 0 "a verified read logs its APDUs at debug level" env SALEDESK_LOG=debug \
	"$SD" card read --verify --operator li --password-fd 3 --passphrase-fd 4 3<<<"cashier-pw-1" \
	4<<<"$KEYS_PW"
contains "$err" "apdu > 00A4040C09F053414C454445534B" "...the SELECT in full"
contains "$err" "apdu > 0082000210********************************" "...the external-auth cryptogram masked"
contains "$err" "apdu > 04B0820048" "...the MAC read header"
if grep -E 'apdu < [0-9A-F]{144} 9000' <<<"$err" >/dev/null; then
	not_ok "...the MACs of MAC reads are masked"
else
	ok "...the MACs of MAC reads are masked"
fi

# ---- waiting for a card, without polling ----
expect_rc 1 "waiting for a removal times out while the card stays" sd card wait --removed --timeout 1
contains "$err" "timed out" "...and says so"
(sd card wait --removed --timeout 15 >"$work/wait.out" 2>&1; echo "rc=$?" >>"$work/wait.out") &
waiter=$!
sleep 1
vcard_ctl remove >/dev/null
wait "$waiter"
contains "$(cat "$work/wait.out")" "empty" "a waiting desk learns that the card was taken out"
contains "$(cat "$work/wait.out")" "rc=0" "...and the wait ends cleanly"
(sd card wait --timeout 15 >"$work/wait.out" 2>&1; echo "rc=$?" >>"$work/wait.out") &
waiter=$!
sleep 1
vcard_ctl insert "$USER_IMG" >/dev/null
wait "$waiter"
contains "$(cat "$work/wait.out")" "card (events" "...and that a card was inserted"
vcard_wait_card
vcard_ctl remove >/dev/null
vcard_wait_nocard
expect_rc 1 "with no card in the reader, a read says so" as li cashier-pw-1 card read
contains "$err" "no card" "...no card"
use_card "$USER_IMG"

# ---- figures, and secrets kept out ----
echo "# figures: issue $issue_apdus APDUs; verified read $read_apdus APDUs; $(grep -o 'apdus: [0-9]*, bytes: [0-9]*' <<<"$load_out") per purchase write"
no_secrets
if [ "${PCSCD_ISOLATED:-0}" = 1 ] && [ -n "$PCSCD_PID" ]; then
	kill "$PCSCD_PID" 2>/dev/null
	wait "$PCSCD_PID" 2>/dev/null
	PCSCD_PID=
	expect_rc 1 "with pcscd stopped, the desk says so" sd card readers
	contains "$err" "pcscd" "...naming pcscd and how to start it"
fi
tap_done
