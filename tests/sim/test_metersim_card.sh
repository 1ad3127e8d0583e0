#!/usr/bin/env bash
# A user card carried from the desk to a simulated bus meter and back: the
# meter credits it once, writes back, refuses a replay, a stacked purchase
# and another utility's card (docs/card-spec.md sections 12 and 13).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/metersim.sh
V=${SALEDESK_SIMDIR:+$SALEDESK_SIMDIR/vcard/vcard}
[ -x "${V:-}" ] || V=tests/sim/vcard/vcard
W=$(mktemp -d "${TMPDIR:-/tmp}/metersim-card.XXXXXX")
trap 'metersim_stop; rm -rf "$W"' EXIT

metersim_start -e 'start 2026-11-24T08:00:00' -e 'bus 1 rtu' \
	-e 'meter 1 1 number=202400000001 balance=1000 price=5880' \
	-e 'meter 1 2 number=202400000002 balance=0 price=5880' >/dev/null
balance() { metersim_ctl dump "$1" | tr ' ' '\n' | sed -n 's/^balance=//p'; }

img=$W/user.img
"$V" image new "$img" --serial 1122334455667788 >/dev/null
"$V" image personalise "$img" --keys test --account 1001 --meter 202400000001 >/dev/null
"$V" image purchase "$img" --keys test --seq 1 --amount 5000 >/dev/null
r=$(metersim_ctl card 1:1 "$img")
contains "$r" "ok result=00" "an opening card with purchase 1 is credited"
contains "$r" "count=1 balance=6000" "...10 + 50 yuan on the meter"
[ "$(balance 1:1)" = 6000 ] && ok "...and the bus reads the new balance" || not_ok "bus balance $(balance 1:1)"
lacks "$("$V" image show "$img" --keys test | grep "^return:")" "empty" "the meter wrote back to the card"
r=$(metersim_ctl card 1:1 "$img")
contains "$r" "ok result=01" "inserting the same card again credits nothing"
[ "$(balance 1:1)" = 6000 ] && ok "...the balance stays" || not_ok "replay changed the balance to $(balance 1:1)"

"$V" image purchase "$img" --keys test --seq 2 --amount 2000 >/dev/null
cp "$img" "$W/copy.img"
r=$(metersim_ctl card 1:1 "$img")
contains "$r" "count=2 balance=8000" "the next purchase is credited once"
r=$(metersim_ctl card 1:1 "$W/copy.img")
contains "$r" "result=01" "a copy of the card made before the write-back gets nothing more"

r=$(metersim_ctl card 1:2 "$img")
contains "$r" "err result=33" "the card in another customer's meter: number mismatch (Err-33)"
[ "$(balance 1:2)" = 0 ] && ok "...and that meter is not credited" || not_ok "meter 2 got $(balance 1:2)"

other=$W/other.img
"$V" image new "$other" --serial 99887766554433AA --keys other >/dev/null
"$V" image personalise "$other" --keys other --account 1002 --meter 202400000002 >/dev/null
"$V" image purchase "$other" --keys other --seq 1 --amount 9900 >/dev/null
r=$(metersim_ctl card 1:2 "$other")
contains "$r" "err result=32" "another utility's card is refused: authentication (Err-32)"
[ "$(balance 1:2)" = 0 ] && ok "...and credits nothing" || not_ok "meter 2 got $(balance 1:2)"

r=$(metersim_ctl card 1:1 "$W/missing.img")
contains "$r" "err cannot read" "a missing image is a clear error, not a crash"
metersim_stop
[ "$METERSIM_STATUS" = 0 ] && ok "metersim exits cleanly" || not_ok "metersim status $METERSIM_STATUS"
tap_done
