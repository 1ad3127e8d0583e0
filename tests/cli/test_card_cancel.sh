#!/usr/bin/env bash
# Cancelling a purchase that no meter has credited (docs/card-spec.md 8.11,
# 11.5) through the real pcscd and the virtual card: the desk cancels
# purchase N while EF05 is empty, the card then holds the desk's return
# record (result 02, count N - 1), a meter never credits N, and the desk
# may write N + 1. Refused: nothing to cancel, the wrong number, a cashier,
# a purchase a meter has written back. A tear walk pulls the card at every
# APDU of the cancel, with the torn write dropped and committed: the card
# is either cancelled or untouched, and repeating the command finishes it.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pcscd.sh
pcscd_reexec "$0" "$@"
. tests/lib/cli.sh
. tests/lib/card.sh

card_setup || { echo "1..0 # SKIP $card_skip"; exit 0; }
keys_init_test >/dev/null || { echo "Bail out! keys init failed"; exit 1; }

cancel() { admin_keys card cancel "$1" --seq "$2"; }
# EF05 of the card in the reader: empty, or its result byte and count
# (body offsets 75 and 12, frame offsets 79 and 16).
ef05_state() {
	local h
	h=$(hex_field "$CUR_IMG" ef05)
	if [ "${h:0:2}" != 68 ]; then echo empty; return; fi
	echo "result=${h:158:2} count=$((16#${h:32:8}))"
}
ef05_is() { local got; got=$(ef05_state); [ "$got" = "$1" ] && ok "$2" || { not_ok "$2"; echo "# EF05: $got"; }; }

{
	echo "name,room,meter,tariff"
	for i in 1 2 3; do echo "C$i,R$i,20240000000$i,RES"; done
} >"$work/accounts.csv"
as li cashier-pw-1 account import "$work/accounts.csv" >/dev/null ||
	{ echo "Bail out! account import failed"; exit 1; }

# ---- cancel, then the next purchase ----
new_card one 0102030405060708
cashier_keys card issue 00000001 >/dev/null || not_ok "issue card one"
expect_rc 1 "a card without a purchase has nothing to cancel" cancel 00000001 1
contains "$err" "the card holds purchase 0, not 1" "...the desk says what the card holds"
expect_rc 0 "purchase 1 is written" card_load 00000001 100
expect_rc 1 "a cashier may not cancel a purchase record" \
	cashier_keys card cancel 00000001 --seq 1
contains "$err" "permission denied" "...administrators only"
expect_rc 1 "a cancel of the wrong purchase is refused" cancel 00000001 2
contains "$err" "the card holds purchase 1, not 2" "...naming the card's purchase"
ef05_is empty "...and the card is untouched"
expect_rc 0 "purchase 1 is cancelled while no meter has seen it" cancel 00000001 1
contains "$out" "Cancelled purchase 1 on the card of account 00000001" "...the desk says so"
cancel_apdus=$(sed -n 's/.*apdus: \([0-9]*\),.*/\1/p' <<<"$out")
[ "$cancel_apdus" = 9 ] && ok "...in 9 APDUs" || not_ok "...in 9 APDUs (took $cancel_apdus)"
ef05_is "result=02 count=0" "the card holds the desk's return record: result 02, count 0"
card_seq_is 1 "...and still purchase 1"
db_seq_is 1 "the cards table is unchanged"
expect_rc 0 "a verified read of the cancelled card passes its MACs" cashier_keys card read --verify
contains "$out" "purchase 1 cancelled at the desk" "...and shows the purchase cancelled"
contains "$out" "verified: yes" "...verified"
expect_rc 0 "cancelling it again is harmless" cancel 00000001 1
contains "$out" "already cancelled" "...the desk says it was already"
ef05_is "result=02 count=0" "...and writes nothing"
expect_rc 0 "after the cancel the desk writes the next purchase" card_load 00000001 50
contains "$out" "Wrote purchase 1 of 50.00 yuan" "...under number 1 again: a cancelled number is reused"
expect_rc 0 "the new purchase 1 is on the card" cashier_keys card read --verify
contains "$out" "cumulative: 50.00 yuan" "...its cumulative leaves the cancelled purchase out"
ef05_is empty "...and the load cleared the cancel record"
meter_insert 202400000001
contains "$meter_out" "result: 00" "a meter at count 0 credits the purchase written again"
contains "$meter_out" "remaining: 5000" "...with the new amount only"

# ---- a meter never credits a cancelled purchase ----
new_card two 0202020202020202
cashier_keys card issue 00000002 >/dev/null || not_ok "issue card two"
card_load 00000002 10 >/dev/null || not_ok "purchase 1 on card two"
meter_insert 202400000002
contains "$meter_out" "result: 00" "the meter credits purchase 1 of card two"
expect_rc 1 "a purchase a meter has written back is not cancelled" cancel 00000002 1
contains "$err" "already in a meter" "...the desk says it is in the meter"
contains "$err" "refund what the meter holds instead" "...and what to do"
ef05_is "result=00 count=1" "...and the meter's record stays"
card_load 00000002 20 >/dev/null || not_ok "purchase 2 on card two"
expect_rc 0 "purchase 2 is cancelled" cancel 00000002 2
ef05_is "result=02 count=1" "...the cancel record counts 1, what the meter has"
meter_insert 202400000002
contains "$meter_out" "result: 02" "the meter does not credit the cancelled purchase 2"
contains "$meter_out" "remaining: 1000" "...it holds only purchase 1's money"
ef05_is "result=02 count=1" "...and leaves the desk's record on the card"
expect_rc 0 "cancelling it again after the meter saw it is harmless" cancel 00000002 2
contains "$out" "already cancelled" "...the desk says so"
card_load 00000002 20 >/dev/null || not_ok "purchase 2 written again on card two"
meter_insert 202400000002
contains "$meter_out" "result: 00" "the meter credits purchase 2 written again"
contains "$meter_out" "remaining: 3000" "...adding its 20.00"

# ---- another account's card; an old purchase ----
expect_rc 1 "a cancel on another account's card is refused" cancel 00000001 2
contains "$err" "class 33" "...class 33"
use_card "$CW/one.img"
expect_rc 1 "a purchase newer than the card's last is not cancelled" cancel 00000001 2
contains "$err" "the card holds purchase 1, not 2" "...the card holds purchase 1"

# ---- tear walk (tear_op and says_what_next: tests/lib/card.sh) ----
new_card three 0303030303030303
cashier_keys card issue 00000003 >/dev/null || not_ok "issue card three"
k=1
card_load 00000003 1 >/dev/null || not_ok "purchase 1 on card three"
walk=0
for mode in drop commit; do
	for n in $(seq 1 20); do
		tear_op "$n" "$mode" cancel 00000003 "$k"
		if [ "$torn" != 1 ]; then
			[ "$rc" -eq 0 ] || not_ok "the untorn cancel of purchase $k: $err"
			card_load 00000003 1 >/dev/null 2>"$work/e" ||
				not_ok "purchase $k after the cancel: $(cat "$work/e")"
			break
		fi
		walk=$((walk + 1))
		bad=
		st=$(ef05_state)
		[ "$rc" -ne 0 ] && ! says_what_next && bad="message: $err"
		[ "$st" = empty ] || [ "$st" = "result=02 count=$((k - 1))" ] ||
			bad="card neither cancelled nor untouched: $st"
		[ "$(card_seq)" = "$k" ] || bad="card holds purchase $(card_seq), not $k"
		was=$st
		cancel 00000003 "$k" >"$work/o" 2>"$work/e" || bad="repeat failed: $(cat "$work/e")"
		[ "$(ef05_state)" = "result=02 count=$((k - 1))" ] ||
			bad="${bad:-not cancelled after the repeat: $(ef05_state)}"
		if [ -z "$bad" ]; then
			ok "cancel torn at APDU $n ($mode): $([ "$was" = empty ] && echo untouched || echo cancelled), the repeat $(grep -q already "$work/o" && echo finds it cancelled || echo cancels it)"
		else
			not_ok "cancel torn at APDU $n ($mode): $bad"
		fi
		# the number of a cancelled purchase is written again
		card_load 00000003 1 >/dev/null 2>"$work/e" || not_ok "purchase $k after the cancel: $(cat "$work/e")"
	done
done
[ "$walk" -eq 18 ] && ok "the walk tore all 9 APDUs of a cancel, both ways" ||
	not_ok "the walk covered $walk tear points, not 18"
[ "$(db_seq 0303030303030303)" = "$k" ] &&
	ok "the database counts the purchase number, reused after every cancel" ||
	not_ok "the database says $(db_seq 0303030303030303), the card $k"

expect_rc 0 "the audit trail records the cancels" as_admin audit list --last 200
contains "$out" "card.cancel.pending" "...the intent before the card changed"
contains "$out" "card.cancel" "...and the cancel"
echo "# figures: $cancel_apdus APDUs per cancel"
no_secrets
tap_done
