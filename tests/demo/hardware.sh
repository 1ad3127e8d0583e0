# shellcheck shell=bash disable=SC2154
# Sourced by tests/demo/demo.sh on a terminal (or SALEDESK_DEMO_UI=skip):
# the campus of demo.sh on simulated hardware, then the counter UI.
#   1. pcscd with the vpcd reader and the virtual card (tests/lib/pcscd.sh)
#   2. card keys: the test-only master keys (docs/card-spec.md 14), which
#      the simulated meters know, under a freshly generated passphrase
#   3. user cards for five dormitory rooms, images in demo/cards/
#   4. the twelve shop meters (remote recharge) on a simulated RS485 bus,
#      wired, and `saledesk poll` reading them
#   5. the guide, demo/card, and the UI; everything stops when it exits.
# Uses from demo.sh: top, demo, SD, mode, admin, cashier, tech, newpw.
set +e
. tests/lib/metersim.sh

fail() { printf 'make demo: %s\n' "$*" >&2; exit 1; }
rel() { case $1 in "$top"/*) echo "${1#"$top"/}" ;; *) echo "$1" ;; esac; }

KEYS_PW=$(newpw 20)
echo "keys     $KEYS_PW   (card-key passphrase: Unlock card keys)" >>"$demo/passwords.txt"
mkdir -p "$demo/run" "$demo/cards"
POLL_PID=

demo_stop() {
	if [ -n "$POLL_PID" ]; then
		kill -TERM "$POLL_PID" 2>/dev/null
		wait "$POLL_PID" 2>/dev/null
		POLL_PID=
	fi
	metersim_stop
	pcscd_stop
	rm -f "$demo/run/vcard.ctl"
}
trap demo_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

cat >"$demo/saledesk.conf" <<CONF
; The demo's desk: made by tests/demo/hardware.sh for \`make demo\`.
; The meter bus "shops" is in the database (saledesk bus list).
[database]
path = $demo/saledesk.db
[reader]
name = ${VPCD_READER}
[keys]
file = $demo/saledesk.keys
[printer]
device = file:$demo/receipts.txt
format = text
width = 32
[backup]
dir = $demo/backup
daily_at = off
CONF
export SALEDESK_CONFIG=$demo/saledesk.conf
printf '\n\033[1m== Setting up the simulated card reader and meters\033[0m\n'

# 1. pcscd, the vpcd reader and the virtual card (no card in it yet); its
# control socket gets a fixed name in the demo folder for demo/card.
pcscd_start || fail "the virtual card reader does not start: run make demo as root (it then
  has its own pcscd), or start the system's: sudo systemctl start pcscd.socket
  (with vsmartcard-vpcd installed; see INSTALL). SALEDESK_DEMO_TOUR=1 make demo
  shows the command-line tour instead."
ln -sfn "$VCARD_CTL" "$demo/run/vcard.ctl"
echo "  card reader: $VPCD_READER"

# 2. The test-only master keys of docs/card-spec.md 14 (MKi byte j =
# i<<4|j): public, so never for real cards; the simulated meters know them.
TEST_KEYS="version=01"
for i in 0 1 2 3 4 5; do
	TEST_KEYS+=$'\n'"$i=$(for j in 0 1 2 3 4 5 6 7 8 9 A B C D E F; do printf '%s%s' $i $j; done)"
done
admin keys init --passphrase-fd 4 --import-fd 5 4<<<"$KEYS_PW" 5<<<"$TEST_KEYS" >/dev/null ||
	fail "saledesk keys init failed"
echo "  card keys: $(rel "$demo/saledesk.keys") (test-only master keys, a fresh passphrase)"

# 3. A user card for five dormitory rooms; the first stays in the reader.
: >"$demo/cards/cards.tsv"
n=0
for acc in 00000001 00000002 00000003 00000061 00000121; do
	n=$((n + 1))
	img=$demo/cards/$acc.img
	room=$(awk -F, -v a="$acc" '$1 == a { print $2 }' "$demo/rooms.csv")
	"$VCARD_BIN" image new "$img" --serial "$(printf 'DE0000000000%04d' $n)" >/dev/null ||
		fail "vcard image new failed"
	vcard_ctl remove >/dev/null 2>&1
	{ vcard_ctl insert "$img" >/dev/null && vcard_wait_card; } || fail "the virtual card does not go in"
	cashier card issue "$acc" --passphrase-fd 4 4<<<"$KEYS_PW" >/dev/null ||
		fail "saledesk card issue $acc failed"
	printf '%s\t2024%s\t%s\n' "$acc" "$acc" "$room" >>"$demo/cards/cards.tsv"
done
vcard_ctl remove >/dev/null 2>&1
sleep 1
vcard_ctl insert "$demo/cards/00000001.img" >/dev/null && vcard_wait_card
echo "  user cards: $n issued, images in $(rel "$demo/cards")/, card 00000001 in the reader"

# demo/card: the card script, with this demo's paths.
{
	echo '#!/usr/bin/env bash'
	printf 'DEMO_DIR=%q\nVCARD_BIN=%q\n' "$demo" "$VCARD_BIN"
	sed 1d tests/demo/card.sh
} >"$demo/card"
chmod 700 "$demo/card"

# 4. The shops' twelve three-phase remote-recharge meters (accounts
# 00000401-00000412) on one RTU bus, at unit ids 1-12, with the
# simulator's default recharge key.
RECHARGE_KEY=000102030405060708090a0b0c0d0e0f
{
	echo "bus 1 rtu link=$demo/run/shops-bus"
	for u in $(seq 1 12); do
		printf 'meter 1 %d number=2024%08d phases=3 balance=%d\n' "$u" $((400 + u)) $((3000 + u * 1500))
	done
} >"$demo/run/metersim.conf"
metersim_start -c "$demo/run/metersim.conf" || fail "the meter simulator does not start"
trap demo_stop EXIT # metersim_start set its own
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
tech bus add shops --rtu "$demo/run/shops-bus" >/dev/null || fail "saledesk bus add failed"
for u in $(seq 1 12); do
	tech meter wire "$(printf '2024%08d' $((400 + u)))" --bus shops --unit "$u" \
		--key-fd 4 4<<<"$RECHARGE_KEY" >/dev/null || fail "saledesk meter wire failed"
done
"$SD" poll --interval 5 >/dev/null 2>"$demo/poll.log" &
POLL_PID=$!
for i in $(seq 1 100); do
	n=$(sqlite3 -cmd ".timeout 2000" "$demo/saledesk.db" \
		"SELECT count(*) FROM meter_state WHERE online = 1" 2>/dev/null)
	[ "${n:-0}" -ge 12 ] && break
	kill -0 "$POLL_PID" 2>/dev/null || fail "saledesk poll stopped: $(tail -3 "$demo/poll.log")"
	sleep 0.1
done
echo "  meters: 12 shop meters on bus \"shops\", $n read by saledesk poll (every 5 s)"

card=$(rel "$demo/card")
pwfile=$(rel "$demo/passwords.txt")
room1=$(awk -F'\t' 'NR == 1 { print $3 }' "$demo/cards/cards.tsv")
cardline() { printf '              %-27s %s\n' "$card $1" "$2"; }
printf '\n\033[1m== The counter is ready\033[0m\n\n'
cat <<GUIDE
 Log in     li or zhang (cashiers), admin (administrator), wu (technician);
            passwords in $pwfile (cat it in a second terminal).
 Card keys  menu k, Unlock card keys: the passphrase is the "keys" line there.
 Shift      menu i, F2, a cash float (say 200), Enter.
 Card sale  card 00000001 ($room1) is in the reader: menu s sells to it.
            Move the cards from a SECOND TERMINAL, in $top:
$(cardline list "the five cards, * = in the reader")
$(cardline "insert 00000002" "another card: its sale screen opens")
$(cardline remove "take the card out")
$(cardline meter "carry it to its meter and back")
            After a card sale, $card meter: the desk refuses the
            next sale until the meter has taken the last one.
 Remote     in the sale screen F3, type 便利店, Enter: a shop's meter on the
   sale     simulated bus; saledesk poll sends it the credit within seconds.
 Receipts   are printed to $(rel "$demo/receipts.txt").
 Leave      F10: the card reader, the meters and the poller stop with the UI.
GUIDE

status=0
case $mode in
open)
	printf '\nPress Enter to open the counter UI... '
	read -r _ || true
	"$SD"
	status=$?
	;;
skip)
	if [ -n "${SALEDESK_DEMO_CHECK:-}" ]; then
		export VCARD_BIN VCARD_CTL VPCD_READER
		bash -c "$SALEDESK_DEMO_CHECK"
		status=$?
	fi
	;;
esac
demo_stop
trap - EXIT INT TERM HUP
cat <<DONE

The demo's desk is in $(rel "$demo")/: saledesk.db (the database), saledesk.conf,
saledesk.keys, passwords.txt, cards/ (card images, meters' card state),
receipts.txt and poll.log. To look at it again without the simulators:
  SALEDESK_CONFIG=$demo/saledesk.conf ./saledesk
make demo starts over with a fresh campus.
DONE
exit $status
