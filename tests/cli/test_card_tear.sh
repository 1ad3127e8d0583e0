#!/usr/bin/env bash
# The tear walk: the card is pulled out at every single APDU of issuing a
# user card, writing a purchase, a verified read and recycling, with the
# torn command's EEPROM write dropped (vcard's `tear N drop`); a purchase
# also at every APDU with it committed, issue and recycle at the APDUs that
# write (elsewhere the two are the same card). After each tear the desk must have said what
# happened and what to do, the card and the database must agree (no card
# recorded as issued that is not, no purchase counted twice or lost), and
# simply repeating the operation must finish it.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pcscd.sh
pcscd_reexec "$0" "$@"
. tests/lib/cli.sh
. tests/lib/card.sh

card_setup || { echo "1..0 # SKIP $card_skip"; exit 0; }
keys_init_test >/dev/null || { echo "Bail out! keys init failed"; exit 1; }

ef_present() { [ "$(hex_field "$CUR_IMG" "$1" | cut -c1-2)" = 68 ]; }
personalised() { [ "$(awk '$1 == "personalised" { print $2 }' "$CUR_IMG")" = 1 ]; }
db_status() { sqlite3 "$SALEDESK_DB" "SELECT status FROM cards WHERE serial = '$1'"; }

# every account the walk needs, opened in one import (a login costs
# seconds under the sanitizers)
{
	echo "name,room,meter,tariff"
	for i in $(seq 1 80); do echo "T$i,R$i,$(printf '3030%08d' "$i"),RES"; done
} >"$work/accounts.csv"
as li cashier-pw-1 account import "$work/accounts.csv" >/dev/null ||
	{ echo "Bail out! account import failed"; exit 1; }
acct=0
# one card serial per account: C0DE and the account's number
serial_of() { printf 'C0DE%012X' "$acct"; }
new_account() {
	acct=$((acct + 1))
	ACC=$(printf '%08d' $((acct)))
}

# ---- issue: blank card, pulled at APDU n ----
# Every APDU with the torn write dropped; then with it committed at the two
# APDUs that write (PERSONALISE, 6 before the end, and the EF01 update,
# the last; spec 11.1): elsewhere "commit" and "drop" are the same card.
issue_walk=0
issue_at() {
	local n=$1 mode=$2 ser bad=
	new_account
	ser=$(serial_of)
	new_card "issue-$mode-$n" "$ser"
	tear_op "$n" "$mode" cashier_keys card issue "$ACC"
	[ "$torn" = 1 ] || return 1
	issue_walk=$((issue_walk + 1))
	[ "$rc" -ne 0 ] && ! says_what_next && bad="message: $err"
	st=$(db_status "$ser")
	if [ -n "$st" ] && ! ef_present ef01; then bad="recorded ($st) but the card has no card info"; fi
	if [ "$rc" -eq 0 ] && [ "$st" != active ]; then bad="success without a record"; fi
	cashier_keys card issue "$ACC" >/dev/null 2>"$work/e" || bad="repeat failed: $(cat "$work/e")"
	[ "$(db_status "$ser")" = active ] && ef_present ef01 || bad="${bad:-not issued after the repeat}"
	if [ -z "$bad" ]; then ok "issue torn at APDU $n ($mode): consistent, the repeat issues it"
	else not_ok "issue torn at APDU $n ($mode): $bad"; fi
	return 0
}
last=0
for n in $(seq 1 30); do
	issue_at "$n" drop || break
	last=$n
done
if [ "$last" -gt 6 ]; then
	issue_at $((last - 6)) commit
	issue_at "$last" commit
fi
[ "$issue_walk" -ge 12 ] && ok "the issue walk covered $issue_walk tear points" ||
	not_ok "the issue walk covered only $issue_walk tear points"

# ---- purchase: an issued card whose last purchase is in the meter ----
new_account
new_card purchase "$(serial_of)"
cashier_keys card issue "$ACC" >/dev/null || not_ok "issue for the purchase walk"
PSER=$(serial_of)
METER=$(printf '3030%08d' "$acct")
k=0
load_walk=0
for mode in drop commit; do
	for n in $(seq 1 20); do
		tear_op "$n" "$mode" admin_keys card load "$ACC" --amount 1
		[ "$torn" = 1 ] || { [ "$rc" -eq 0 ] && k=$((k + 1)) && meter_insert "$METER"; break; }
		load_walk=$((load_walk + 1))
		bad=
		cn=$(card_seq)
		dn=$(db_seq "$PSER")
		[ "$rc" -ne 0 ] && ! says_what_next && bad="message: $err"
		[ "$cn" = "$k" ] || [ "$cn" = $((k + 1)) ] || bad="card holds $cn after a tear from $k"
		[ "$dn" -le "$cn" ] || bad="database ($dn) ahead of the card ($cn)"
		admin_keys card load "$ACC" --amount 1 >"$work/o" 2>"$work/e" ||
			bad="repeat failed: $(cat "$work/e")"
		k=$((k + 1))
		[ "$(card_seq)" = "$k" ] || bad="${bad:-card holds $(card_seq), want $k}"
		[ "$(db_seq "$PSER")" = "$k" ] || bad="${bad:-database says $(db_seq "$PSER"), want $k}"
		if [ -z "$bad" ]; then
			ok "purchase torn at APDU $n ($mode): written exactly once ($(grep -q already "$work/o" && echo settled || echo written) on repeat)"
		else
			not_ok "purchase torn at APDU $n ($mode): $bad"
		fi
		meter_insert "$METER"
		[[ $meter_out == *"result: 00"* ]] || not_ok "the meter credits purchase $k ($meter_out)"
	done
done
[ "$load_walk" -ge 14 ] && ok "the purchase walk covered $load_walk tear points" ||
	not_ok "the purchase walk covered only $load_walk tear points"
expect_rc 0 "the meter and the card agree at the end" cashier_keys card read --verify
contains "$out" "meter count: $k" "...the meter credited purchase $k, each once"

# ---- verified read ----
read_walk=0
for n in $(seq 1 20); do
	tear_op "$n" drop cashier_keys card read --verify
	[ "$torn" = 1 ] || break
	read_walk=$((read_walk + 1))
	if [ "$rc" -ne 0 ] && says_what_next; then ok "verified read torn at APDU $n: says to insert again"
	else not_ok "verified read torn at APDU $n: rc $rc, $err"; fi
done

# ---- recycle ----
# Only ERASE, the last APDU, writes: every APDU is torn with the write
# dropped, and the last one also with it committed.
rec_walk=0
last=0
recycle_at() {
	local n=$1 mode=$2 ser bad=
	new_account
	ser=$(serial_of)
	new_card "recycle-$mode-$n" "$ser"
	cashier_keys card issue "$ACC" >/dev/null || { not_ok "issue before recycle"; return 1; }
	tear_op "$n" "$mode" admin_keys card recycle
	[ "$torn" = 1 ] || return 1
	rec_walk=$((rec_walk + 1))
	[ "$rc" -ne 0 ] && ! says_what_next && bad="message: $err"
	st=$(db_status "$ser")
	[ "$st" = recycled ] && personalised && bad="recorded recycled but the card is not blank"
	admin_keys card recycle >/dev/null 2>"$work/e" || bad="repeat failed: $(cat "$work/e")"
	[ "$(db_status "$ser")" = recycled ] && ! personalised || bad="${bad:-not recycled after the repeat}"
	if [ -z "$bad" ]; then ok "recycle torn at APDU $n ($mode): consistent, the repeat blanks it"
	else not_ok "recycle torn at APDU $n ($mode): $bad"; fi
	return 0
}
for n in $(seq 1 20); do
	recycle_at "$n" drop || break
	last=$n
done
[ "$last" -gt 0 ] && recycle_at "$last" commit

echo "# tear points: issue $issue_walk, purchase $load_walk, verified read $read_walk, recycle $rec_walk"
tap_done
