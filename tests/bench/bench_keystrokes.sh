#!/usr/bin/env bash
# Keystrokes a cashier spends on a card sale at the counter UI, from the
# card going into the reader to the printed receipt, digits of the amount
# aside; and the wall time of the same stretch. Drives the real binary in
# tmux through pcscd and the virtual card (tests/lib/ui.sh, card.sh) for
# SALES sales, the card carried to a simulated meter between them (a
# card holds one purchase the meter has not taken). Prints figures;
# asserts nothing (tests/ui/test_sale_ui.sh does).
set -u
cd "$(dirname "$0")/../.." || exit 1
top=$(pwd)
export SALEDESK_BIN=${SALEDESK_BIN:-$top/saledesk}
: "${VCARD_BIN:=$top/tests/sim/vcard/vcard}"
. tests/lib/pcscd.sh
pcscd_reexec "$0" "$@"
. tests/lib/ui.sh
. tests/lib/card.sh
SALES=${SALES:-3}

card_setup || { echo "skipped: $card_skip"; exit 0; }
keys_init_test >/dev/null || { echo "keys init failed"; exit 1; }
PRN=$work/printer.out
printf '[printer]\ndevice = file:%s\nformat = text\nwidth = 32\n' "$PRN" >>"$work/saledesk.conf"
as li cashier-pw-1 account open --name "张三" --room 301 --meter 202400000001 \
	--tariff RES >/dev/null || exit 1
new_card c1 0102030405060708
cashier_keys card issue 00000001 >/dev/null || exit 1
USER_IMG=$CUR_IMG
as li cashier-pw-1 shift open --float 0 >/dev/null || exit 1
vcard_ctl remove >/dev/null

# Every key the cashier presses after the card goes in, digits apart.
keys=0
press() {
	local k
	for k in "$@"; do
		case $k in [0-9]) ;; *) keys=$((keys + 1)) ;; esac
		ui_keys "$k"
	done
}

ui_start
ui_login li cashier-pw-1
ui_wait "Main menu" || { echo "no main menu"; ui_screen; exit 1; }
ui_keys k; ui_wait "Key passphrase" || exit 1
ui_type "$KEYS_PW"; ui_keys Enter
ui_wait "unlocked until" || { echo "keys not unlocked"; ui_screen; exit 1; }
ui_keys Enter; ui_wait "Main menu" || exit 1

total_ms=0 done_n=0
for i in $(seq "$SALES"); do
	before=$(grep -c . "$PRN" 2>/dev/null || echo 0)
	t0=$(date +%s%N)
	vcard_ctl insert "$USER_IMG" >/dev/null
	ui_wait "› Sale" 20 || { echo "sale $i: the sale screen did not open"; ui_screen; break; }
	press 5 0 Enter Enter
	ui_wait "printed" 30 || { echo "sale $i: no printed receipt"; ui_screen; break; }
	t1=$(date +%s%N)
	after=$(grep -c . "$PRN" 2>/dev/null || echo 0)
	[ "$after" -gt "$before" ] || { echo "sale $i: the printer got nothing"; break; }
	total_ms=$((total_ms + (t1 - t0) / 1000000))
	done_n=$((done_n + 1))
	ui_keys Escape; ui_wait "Main menu" || break
	# to the meter and not back yet: the next insertion starts the clock
	vcard_ctl remove >/dev/null
	"$VCARD_BIN" image meter-insert "$USER_IMG" --keys test \
		--meter-state "$CW/meter.state" --meter-no 202400000001 >/dev/null 2>&1
	ui_wait "no card" || break
done
[ "$done_n" -gt 0 ] || { echo "no sale completed"; exit 1; }
echo "sales: $done_n (card inserted, 50 typed, to the printed receipt)"
echo "keystrokes per sale (digits aside): $((keys / done_n))"
echo "card insertion to printed receipt: $((total_ms / done_n)) ms per sale (including tmux polling)"
