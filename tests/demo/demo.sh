#!/usr/bin/env bash
# `make demo`: a sample campus in demo/ — buildings, rooms, accounts,
# tariffs, operators — shown through the command line. Run again to start
# over. Passwords are generated fresh each time: saledesk has no default
# password anywhere, not even in its demo.
set -euo pipefail
cd "$(dirname "$0")/../.."
SD=${SALEDESK_BIN:-$PWD/saledesk}
demo=${SALEDESK_DEMO_DIR:-$PWD/demo}
rm -rf "$demo"
mkdir -p "$demo"
chmod 700 "$demo"
export SALEDESK_DB=$demo/saledesk.db
unset SALEDESK_CONFIG

newpw() { head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | cut -c1-12; }
ADMIN_PW=$(newpw) CASHIER_PW=$(newpw) TECH_PW=$(newpw)
umask 077
cat >"$demo/passwords.txt" <<PW
admin    $ADMIN_PW   (administrator)
li       $CASHIER_PW   (cashier)
zhang    $CASHIER_PW   (cashier)
wu       $TECH_PW   (technician)
PW

admin() { "$SD" "$@" --operator admin --password-fd 3 3<<<"$ADMIN_PW"; }
cashier() { "$SD" "$@" --operator li --password-fd 3 3<<<"$CASHIER_PW"; }
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

say "Tariffs" "tariff list"
cashier tariff list
say "The first accounts of building 1" "account list --building 1号楼 --limit 8"
cashier account list --building 1号楼 --limit 8
say "Search as a cashier would: part of a name" "account search 便利店 --limit 5"
cashier account search 便利店 --limit 5
say "One account" "account show 00000401"
cashier account show 00000401
say "What 120 kWh in November costs a shop" "tariff cost SHOP --kwh 120 --from 2026-11-01 --to 2026-12-01"
cashier tariff cost SHOP --kwh 120 --from 2026-11-01 --to 2026-12-01
say "What 100 yuan buys on the tiered tariff after 150 kWh this month" "tariff energy TIER --amount 100 --month-used 150"
cashier tariff energy TIER --amount 100 --month-used 150
say "Operators" "operator list"
admin operator list
say "The audit trail is intact" "audit verify"
admin audit verify

cat <<DONE

The sample campus is in $demo/saledesk.db ($("$SD" account list --format tsv --operator li --password-fd 3 3<<<"$CASHIER_PW" | tail -n +2 | wc -l) accounts).
Operators and their passwords, generated for this demo only: $demo/passwords.txt
Try it yourself:
  export SALEDESK_DB=$demo/saledesk.db
  ./saledesk account search 301 --operator li
  ./saledesk --help
The full-screen counter UI on the simulated card reader and meters replaces
this tour when it lands (docs/ARCHITECTURE.md).

DONE
