#!/usr/bin/env bash
# demo/card: the hand that moves the demo's virtual cards, from any
# terminal. `make demo` copies this file to demo/card with DEMO_DIR and
# VCARD_BIN filled in; it talks to the running virtual card through its
# control socket (demo/run/vcard.ctl, a path, so it is reachable from
# outside the demo's namespace) and plays the meters offline on the card
# image files, exactly as tests/lib/card.sh does.
#
#   demo/card list            the demo's cards; * marks the one in the reader
#   demo/card insert NAME     put card NAME in the reader (account number, e.g. 00000002 or 2)
#   demo/card remove          take the card out of the reader
#   demo/card meter           carry the card in the reader to its meter and back
#   demo/card status          what the reader holds
set -u
: "${DEMO_DIR:=$(cd "$(dirname "$0")" && pwd)}"
: "${VCARD_BIN:=vcard}"
ctl=$DEMO_DIR/run/vcard.ctl
tsv=$DEMO_DIR/cards/cards.tsv

die() { echo "demo/card: $*" >&2; exit 1; }

usage() {
	sed -n 's/^#   demo\/card/  demo\/card/p' "${BASH_SOURCE[0]}"
}

running() {
	[ -S "$ctl" ] || die "the demo is not running (start it with: make demo)"
}

ctl() { "$VCARD_BIN" ctl "$ctl" "$@"; }

# The image path of the card in the reader, empty when none.
current() {
	local s
	s=$(ctl status 2>/dev/null) || return 0
	case $s in
	*inserted=1*) sed -n 's/.* image=\([^ ]*\).*/\1/p' <<<"$s" ;;
	esac
}

# resolve NAME: prints "account meter room image" of the card.
resolve() {
	local want=$1 acc meter room
	[[ $want =~ ^[0-9]+$ ]] && want=$(printf '%08d' "$((10#$want))")
	while IFS=$'\t' read -r acc meter room; do
		[ "$acc" = "$want" ] && { echo "$acc $meter $room $DEMO_DIR/cards/$acc.img"; return 0; }
	done <"$tsv"
	return 1
}

take_out() {
	[ -n "$(current)" ] || return 0
	ctl remove >/dev/null || die "the card does not come out"
	sleep 1 # pcscd notices a removal by polling
}

# put_in IMAGE: inserts the card and waits (5 s at most) until pcscd has
# powered it, so a command run next finds it.
put_in() {
	local _
	ctl insert "$1" >/dev/null || die "the card does not go in"
	for _ in $(seq 1 50); do
		ctl status 2>/dev/null | grep -q 'connected=1 powered_atr=[1-9]' && { sleep 0.3; return 0; }
		sleep 0.1
	done
	echo "demo/card: the reader has not seen the card yet" >&2
}

case ${1:-help} in
list)
	[ -f "$tsv" ] || die "no cards: run make demo first"
	cur=$(current 2>/dev/null || true)
	[ -S "$ctl" ] || cur=
	printf '  %-10s %-14s %s\n' card meter room
	while IFS=$'\t' read -r acc meter room; do
		mark=' '
		[ "$cur" = "$DEMO_DIR/cards/$acc.img" ] && mark='*'
		printf '%s %-10s %-14s %s\n' "$mark" "$acc" "$meter" "$room"
	done <"$tsv"
	[ -S "$ctl" ] || echo "(the demo is not running: no reader)"
	;;
insert)
	[ $# -eq 2 ] || die "usage: demo/card insert NAME (see demo/card list)"
	running
	read -r acc meter room img < <(resolve "$2") || die "no card $2 (see demo/card list)"
	take_out
	put_in "$img"
	echo "card $acc ($room) is in the reader"
	;;
remove)
	running
	[ -n "$(current)" ] || { echo "the reader is empty"; exit 0; }
	ctl remove >/dev/null || die "the card does not come out"
	sleep 1 # pcscd notices a removal by polling
	echo "the reader is empty"
	;;
meter)
	running
	img=$(current)
	[ -n "$img" ] || die "no card in the reader: demo/card insert NAME first"
	read -r acc meter room _ < <(resolve "$(basename "$img" .img)") ||
		die "$img is not one of the demo's cards"
	ctl remove >/dev/null || die "the card does not come out"
	echo "card $acc goes into meter $meter ($room)..."
	"$VCARD_BIN" image meter-insert "$img" --keys test \
		--meter-state "$DEMO_DIR/cards/meter-$meter.state" --meter-no "$meter" | sed 's/^/  meter: /'
	sleep 1
	put_in "$img"
	echo "...and back in the reader"
	;;
status)
	running
	img=$(current)
	if [ -n "$img" ]; then echo "in the reader: card $(basename "$img" .img)"; else echo "the reader is empty"; fi
	;;
help | -h | --help) usage ;;
*) usage >&2; exit 2 ;;
esac
