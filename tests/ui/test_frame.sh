#!/usr/bin/env bash
# The frame around every screen: --help names the UI, resizing redraws at
# the new size (larger terminals are used), Simplified Chinese through
# gettext with CJK labels lined up, and changing one's own password.
. "$(dirname "$0")/../lib/ui.sh"
init_desk
as_admin operator add li --name "李娜" --roles cashier --new-password-fd 4 4<<<"cashier-pw-1" >/dev/null
as_admin tariff add RES --name "居民电价" --spec "flat 0.588" >/dev/null
as li cashier-pw-1 account open --name "张三" --building A --room 301 --meter 202400000001 \
	--tariff RES >/dev/null

expect_rc 0 "saledesk --help works" sd --help
contains "$out" "counter UI" "...and says bare saledesk opens the counter UI"
expect_rc 0 "saledesk ui --help works" sd ui --help
contains "$out" "open the counter UI on this terminal" "...and explains it"
expect_rc 2 "bare saledesk without a terminal is a usage error for scripts" sd </dev/null
contains "$err" "counter UI" "...whose overview names the UI"
expect_rc 1 "saledesk ui without a terminal refuses plainly" sd ui </dev/null
contains "$err" "needs a terminal" "...saying it needs one"

ui_start
ui_login li cashier-pw-1
ui_expect "Main menu" "logged in at 80x24"
ui_keys f
ui_expect "1 account matches" "the search screen is open"
ui_tmux resize-window -t ui -x 120 -y 40
sleep 0.5
ui_wait "F10Quit"
row=$(ui_screen | grep -n "F1Help" | cut -d: -f1)
[ "$row" = 40 ] && ok "at 120x40 the key bar moves to the new last row" \
	|| { not_ok "at 120x40 the key bar moves to the new last row (row $row)"; ui_screen | sed 's/^/#   |/'; }
row=$(ui_screen | grep -n "Operator li (cashier)" | cut -d: -f1)
[ "$row" = 39 ] && ok "...and the status line above it" || not_ok "...and the status line above it (row $row)"
ui_expect "张三" "...the results are redrawn"
ui_tmux resize-window -t ui -x 80 -y 24
sleep 0.5
row=$(ui_screen | grep -n "F1Help" | cut -d: -f1)
[ "$row" = 24 ] && ok "back at 80x24 the bar is on row 24 again" \
	|| { not_ok "back at 80x24 the bar is on row 24 again (row $row)"; ui_screen | sed 's/^/#   |/'; }
ui_expect "1 account matches" "...and the screen is whole"
ui_keys Escape p
ui_expect "New password for li" "p opens Change my password"
ui_type "cashier-pw-2"; ui_keys Tab
ui_type "cashier-pw-2"; ui_keys F2
ui_expect "The new password is set" "the password is changed"
ui_keys Enter
ui_expect "Main menu" "...back at the menu"
ui_keys l
ui_login li cashier-pw-2
ui_expect "Main menu" "the new password logs in"
ui_keys F10

# Simplified Chinese: LANGUAGE picks the catalog even where only C.UTF-8
# is generated (as on this Debian); LANG=zh_CN.UTF-8 does too.
ui_start LANGUAGE=zh_CN
ui_expect "操作员" "LANGUAGE=zh_CN shows the login screen in Chinese"
ui_expect "输入操作员名和密码" "...with the instructions in Chinese"
UI_LOGIN_MARK=密码 ui_login li cashier-pw-2
ui_expect "主菜单" "the main menu is in Chinese"
ui_expect "s  售电" "...including Sale"
ui_keys f
ui_expect "1 个账户匹配" "the search counts in Chinese"
h=$(ui_col "电话"); n=$(ui_col "张三")
hn=$(ui_col "姓名")
[ "$hn" = "$n" ] && ok "the Chinese header and a Chinese name start at the same column ($n)" \
	|| { not_ok "the Chinese header and a Chinese name start at the same column ($hn, $n)"; ui_screen | sed 's/^/#   |/'; }
ui_keys F10
ui_expect "[saledesk exited 0]" "F10 quits"
ui_start -u LC_ALL -u LANGUAGE LANG=zh_CN.UTF-8
ui_expect "预付费售电柜台" "LANG=zh_CN.UTF-8 alone also gives Chinese"
printf '[ui]\nlocale = zh_CN\n' >"$work/sd.conf"
ui_start "SALEDESK_CONFIG=$work/sd.conf"
ui_expect "预付费售电柜台" "the config's [ui] locale chooses Chinese"
tap_done
