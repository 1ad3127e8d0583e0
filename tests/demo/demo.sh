#!/usr/bin/env bash
# `make demo`: a sample campus in demo/ — buildings, rooms, accounts,
# tariffs, operators — then, on a terminal, the counter UI on simulated
# hardware: pcscd with the virtual card in the vpcd reader, five issued
# user cards, the twelve shop meters on a simulated RS485 bus read by
# `saledesk poll`, and demo/card to move the cards from another terminal.
# Not on a terminal (make check, CI) or with SALEDESK_DEMO_TOUR set, it
# tours the campus through the command line instead.
#
# SALEDESK_DEMO_UI=open|skip|tour forces a mode: skip sets the hardware up
# and prints the guide but opens no UI (it runs $SALEDESK_DEMO_CHECK, if
# set, in its place: tests/cli/test_demo.sh). SALEDESK_DEMO_DIR moves the
# demo folder (default demo/). Run again to start over. Passwords and the
# card-key passphrase are generated fresh each time: saledesk has no
# default password anywhere, not even in its demo.
set -euo pipefail
script=$(readlink -f "$0")
cd "$(dirname "$script")/../.."
top=$PWD
SD=${SALEDESK_BIN:-$PWD/saledesk}
demo=${SALEDESK_DEMO_DIR:-$PWD/demo}

mode=${SALEDESK_DEMO_UI:-}
if [ -z "$mode" ]; then
	mode=tour
	if [ -z "${SALEDESK_DEMO_TOUR:-}" ] && [ -t 0 ] && [ -t 1 ]; then
		mode=open
	fi
fi
case $mode in
open | skip | tour) ;;
*) echo "demo.sh: SALEDESK_DEMO_UI is open, skip or tour, not $mode" >&2; exit 2 ;;
esac
if [ "$mode" != tour ]; then
	# As root, the rest runs in a private mount and network namespace with
	# its own pcscd (tests/lib/pcscd.sh); the terminal comes along.
	. tests/lib/pcscd.sh
	VCARD_BIN=$(readlink -f "$VCARD_BIN")
	pcscd_reexec "$script" "$@"
fi

rm -rf "$demo"
mkdir -p "$demo"
chmod 700 "$demo"
export SALEDESK_DB=$demo/saledesk.db
unset SALEDESK_CONFIG

newpw() { head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | cut -c1-"$1"; }
ADMIN_PW=$(newpw 12) CASHIER_PW=$(newpw 12) TECH_PW=$(newpw 12)
umask 077
cat >"$demo/passwords.txt" <<PW
admin    $ADMIN_PW   (administrator)
li       $CASHIER_PW   (cashier)
zhang    $CASHIER_PW   (cashier)
wu       $TECH_PW   (technician)
PW

admin() { "$SD" "$@" --operator admin --password-fd 3 3<<<"$ADMIN_PW"; }
cashier() { "$SD" "$@" --operator li --password-fd 3 3<<<"$CASHIER_PW"; }
tech() { "$SD" "$@" --operator wu --password-fd 3 3<<<"$TECH_PW"; }
say() { printf '\n\033[1m== %s\033[0m\n$ saledesk %s\n' "$1" "$2"; }

"$SD" init --admin admin --name "王经理" --site "东区校园 East Campus" --utc-offset +08:00 \
	--password-fd 3 3<<<"$ADMIN_PW"
admin operator add li --name "李娜" --roles cashier --new-password-fd 4 4<<<"$CASHIER_PW" >/dev/null
admin operator add zhang --name "张伟" --roles cashier --new-password-fd 4 4<<<"$CASHIER_PW" >/dev/null
admin operator add wu --name "吴师傅" --roles technician --new-password-fd 4 4<<<"$TECH_PW" >/dev/null

admin tariff add RES --name "学生公寓电价" --spec "flat 0.5880" --effective 2024-01-01 >/dev/null
admin tariff add TIER --name "教工住宅阶梯电价" \
	--spec "flat 0.5283 tiers=0-180kWh:+0,180-350kWh:+0.0500,350kWh-:+0.3000" --effective 2024-01-01 >/dev/null
admin tariff add SHOP --name "商铺分时电价" --spec "tou sharp=1.3500 peak=1.0500 flat=0.6500 valley=0.3200 segments=00:00-08:00:valley,08:00-10:00:flat,10:00-12:00:sharp,12:00-17:00:flat,17:00-21:00:peak,21:00-24:00:valley" --effective 2024-01-01 >/dev/null

# Six dormitory buildings of six floors with ten rooms each, a teachers'
# block on tiered prices, and a row of shops on time-of-use.
awk 'BEGIN {
	srand(20261124)
	split("王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗", sn, " ")
	split("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英", gn, " ")
	print "account_no,name,phone,building,floor,room,area,meters,tariff,mode,credit_limit"
	n = 0
	for (b = 1; b <= 6; b++) for (f = 1; f <= 6; f++) for (r = 1; r <= 10; r++) {
		n++
		room = sprintf("%d%02d", f, r)
		name = sprintf("%d号楼%s室", b, room)
		printf "%08d,%s,,%d号楼,%d,%s,18.5,2024%08d,RES,card,0\n", n, name, b, f, room, n
	}
	for (f = 1; f <= 5; f++) for (r = 1; r <= 8; r++) {
		n++
		name = sn[int(rand() * 20) + 1] gn[int(rand() * 22) + 1]
		printf "%08d,%s,139%08d,教工楼,%d,%d%02d,%d,2024%08d,TIER,card,50\n", n, name, int(rand() * 1e8), f, f, r, 70 + int(rand() * 50), n
	}
	for (s = 1; s <= 12; s++) {
		n++
		name = sn[int(rand() * 20) + 1] gn[int(rand() * 22) + 1] "便利店"
		printf "%08d,%s,137%08d,商业街,1,S%02d,%d,2024%08d:SHOP:remote:3,SHOP,remote,200\n", n, name, int(rand() * 1e8), s, 40 + int(rand() * 60), n
	}
}' >"$demo/rooms.csv"
cashier account import "$demo/rooms.csv"

if [ "$mode" = tour ]; then
	. tests/demo/tour.sh
	exit 0
fi
. tests/demo/hardware.sh
