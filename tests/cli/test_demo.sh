#!/usr/bin/env bash
# `make demo` works on a clean folder and keeps its generated passwords
# out of what it prints. Off a terminal it tours the campus; with
# SALEDESK_DEMO_UI=skip it sets up the simulated hardware the UI would
# open on (pcscd + vpcd + the virtual card, issued cards, the shop meters
# on metersim, saledesk poll), runs a check in place of the UI, and stops
# everything again.
. "$(dirname "$0")/../lib/tap.sh"
demo_sh=$(cd "$(dirname "$0")/../demo" && pwd)/demo.sh
dir=$(mktemp -d /tmp/saledesk-demo.XXXXXX)
trap 'rm -rf "$dir"' EXIT
out=$(SALEDESK_DEMO_DIR=$dir/demo bash "$demo_sh" 2>&1 </dev/null); rc=$?
[ $rc -eq 0 ] && ok "the demo runs to the end" || { not_ok "the demo failed ($rc)"; echo "$out" | sed 's/^/# /'; }
contains "$out" "Imported 412 accounts" "it imports the sample campus"
contains "$out" "商铺分时电价" "it shows the tariffs"
contains "$out" "Audit chain intact" "it ends with an intact audit trail"
pw=$(awk 'NR==1{print $2}' "$dir/demo/passwords.txt")
[ ${#pw} -ge 8 ] && ok "it generates passwords" || not_ok "no generated password"
lacks "$out" "$pw" "it never prints them"
[ "$(stat -c %a "$dir/demo/passwords.txt")" = 600 ] && ok "the password file is private (0600)" \
	|| not_ok "password file mode $(stat -c %a "$dir/demo/passwords.txt")"
lacks "$out" "Press Enter" "off a terminal it does not wait for input"

# ---- the simulated hardware of the UI, without the UI ----
d=$dir/hw
cat >"$dir/check.sh" <<'CHECK'
d=$SALEDESK_DEMO_DIR
pw=$(awk '$1 == "li" { print $2 }' "$d/passwords.txt")
li() { "$SALEDESK_BIN" "$@" --operator li --password-fd 3 3<<<"$pw" 2>&1; }
echo "== issued"; li card list --format tsv
echo "== read in"; li card read
echo "== remove"; "$d/card" remove
echo "== read out"; li card read
echo "== insert"; "$d/card" insert 3
echo "== read 3"; li card read
echo "== list"; "$d/card" list
echo "== meter"; "$d/card" meter; echo "rc=$?"
echo "== read back"; li card read
echo "== end"
CHECK
hw=$(SALEDESK_BIN=${SALEDESK_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/saledesk} \
	SALEDESK_DEMO_UI=skip SALEDESK_DEMO_DIR=$d SALEDESK_DEMO_CHECK="bash $dir/check.sh >$dir/check.out 2>&1" \
	bash "$demo_sh" 2>&1 </dev/null); rc=$?
if [[ $hw == *"the virtual card reader does not start"* ]]; then
	ok "the simulated hardware # SKIP no pcscd with vpcd here"
	tap_done
	exit
fi
[ $rc -eq 0 ] && ok "the demo sets up the simulated hardware" || { not_ok "the hardware demo failed ($rc)"; echo "$hw" | sed 's/^/# /'; }
chk=$(cat "$dir/check.out" 2>/dev/null)
part() { sed -n "/^== $1\$/,/^== /p" <<<"$chk"; }
contains "$hw" "Imported 412 accounts" "...on the same sample campus"
contains "$hw" "user cards: 5 issued" "...with five user cards issued"
[ "$(part issued | grep -c $'\tuser\t')" = 5 ] && ok "...the desk lists them" || { not_ok "...the desk lists them"; part issued | sed 's/^/# /'; }
[ "$(ls "$d"/cards/*.img 2>/dev/null | wc -l)" = 5 ] && ok "...their images are in demo/cards" || not_ok "...card images"
contains "$hw" "12 read by saledesk poll" "...and the shop meters read by the poller"
n=$(sqlite3 "$d/saledesk.db" "SELECT count(*) FROM meter_state s JOIN meters m ON m.id = s.meter_id
	JOIN accounts a ON a.id = m.account_id WHERE a.account_no BETWEEN '00000401' AND '00000412' AND s.read_at IS NOT NULL")
[ "$n" = 12 ] && ok "the poller stored the state of the 12 shop meters" || not_ok "meter state rows for the shops: $n"
contains "$hw" "card insert 00000002" "the guide shows how to insert a card"
contains "$hw" "card meter" "...how to carry it to its meter"
contains "$hw" "passwords.txt" "...and where the passwords are"
contains "$(part 'read in')" "account: 1" "the first card is in the reader"
contains "$(part 'read out')" "no card" "demo/card remove takes it out"
contains "$(part 'read 3')" "account: 3" "demo/card insert puts another card in"
contains "$(part list)" "* 00000003" "demo/card list marks the card in the reader"
contains "$(part meter)" "rc=0" "demo/card meter carries the card to its meter"
contains "$(part 'read back')" "account: 3" "...and back into the reader"
all="$hw$chk"
leak=
while read -r who secret _; do
	[ -n "$secret" ] && [[ $all == *"$secret"* ]] && leak+=" $who"
done <"$d/passwords.txt"
[ -z "$leak" ] && ok "no password or passphrase is printed" || not_ok "printed the secret of:$leak"
grep -q '^keys ' "$d/passwords.txt" && ok "the key passphrase is in passwords.txt" || not_ok "no passphrase line"
[ "$(stat -c %a "$d/passwords.txt")" = 600 ] && ok "...which stays private (0600)" || not_ok "password file mode"
grep -q 'file:.*receipts.txt' "$d/saledesk.conf" && grep -q '^name = Virtual PCD' "$d/saledesk.conf" &&
	ok "the config names the virtual reader and the receipt file" || not_ok "the demo config"
[ ! -e "$d/run/vcard.ctl" ] && ok "everything is stopped afterwards" || not_ok "the card control socket is still there"
contains "$("$d/card" status 2>&1)" "not running" "...and demo/card says so"
lacks "$(cat "$d/poll.log")" "ERROR: " "the poller logged no sanitizer error"
pw2=$(awk 'NR==1{print $2}' "$d/passwords.txt")
[ "$pw" != "$pw2" ] && ok "each run has its own passwords" || not_ok "the demo reused a password"
tap_done
