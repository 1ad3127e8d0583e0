#!/usr/bin/env bash
# The meter screens at 80x24 against metersim on a loopback gateway: the
# status line's poll freshness and alarm count, the meters list with its
# building and status filters and search as you type, a meter's detail,
# a relay command confirmed and seen going from queued to done as
# `saledesk poll --once` carries it out, an alarm acknowledged (and the
# count going down), the bus test, and a stopped service shown as such.
. "$(dirname "$0")/../lib/ui.sh"
. "$(dirname "$0")/../lib/metersim.sh"
init_desk
once() { sd poll --once --interval 1 --drift 0 >/dev/null 2>>"$work/once.err"; }

metersim_require -e 'bus 2 tcp' -e 'meter 2 1 load=1200' -e 'meter 2 2' -e 'meter 2 3 balance=-500'
trap 'ui_stop; metersim_stop; rm -rf "$work"' EXIT
as_admin operator add tech --name "Tech" --roles technician --new-password-fd 4 4<<<"tech-pw-1" >/dev/null
tech() { as tech tech-pw-1 "$@"; }
as_admin tariff add RES --name r --spec "flat 0.588" >/dev/null
as_admin account open --name "王小明" --building A --floor 3 --room 301 \
	--meter 000002000001:RES:remote:1 >/dev/null
as_admin account open --name "Zhou Li" --building B --floor 1 --room 101 \
	--meter 000002000002:RES:remote:1 >/dev/null
as_admin account open --name "Arrears Shop" --building B --floor 2 --room 201 \
	--meter 000002000003:RES:remote:1 >/dev/null
tech bus add gw --tcp "127.0.0.1:${METERSIM_TCP[2]}" >/dev/null
for i in 1 2 3; do tech meter wire 00000200000$i --bus gw --unit $i >/dev/null; done
# The shop in arrears has its power cut by the command line, as a
# technician would; the first cycle carries it out.
tech meter relay 000002000003 open >/dev/null
# UI_CAPTURE=DIR keeps the screens shown in docs/ui.md.
capture() { [ -z "${UI_CAPTURE:-}" ] || ui_screen >"$UI_CAPTURE/$1.txt"; }
# ui_wait_re REGEX WHAT: the screen matches REGEX within 10 s.
ui_wait_re() {
	local t=0
	while [ $t -lt 100 ]; do
		ui_screen | grep -qE -- "$1" && { ok "$2"; return; }
		sleep 0.1; t=$((t + 1))
	done
	not_ok "$2"; ui_screen | sed 's/^/#   |/'
}

ui_start
ui_login tech tech-pw-1
ui_expect "Meters" "the technician's menu has Meters"
ui_expect "poll never ran" "before any cycle the status line says the service never ran"

# A minute of simulated time, so the meters have drawn power before the
# first read.
metersim_ctl advance 60 >/dev/null
once
ui_keys m
ui_expect "3 meters" "m opens the meters list with every meter"
ui_expect "poll " "the status line shows the service's freshness"
ui_wait_re "│ poll [0-9]+ s ago │" "...as seconds since the last cycle"
alarms=$(q "SELECT count(*) FROM events WHERE cleared_at IS NULL AND acked_at IS NULL")
[ "$alarms" -ge 1 ] && ok "the arrears meter raised alarms ($alarms)" || not_ok "no alarms raised"
if [ "$alarms" = 1 ]; then word="1 alarm"; else word="$alarms alarms"; fi
ui_expect "│ $word" "the status line counts the open unacknowledged alarms"
ui_expect "A-3-301" "a row shows building-floor-room"
ui_expect "王小明" "...the customer"
row=$(ui_screen | grep -F "000002000003")
contains "$row" "online" "the arrears meter is online"
contains "$row" "open" "...with its relay open"
contains "$row" "-5.0" "...and its negative balance"
contains "$row" "B-2-201" "...in its room"
capture meters

ui_keys F4
ui_expect "Building A" "F4 filters by the first building"
ui_expect "1 meter" "...one meter there"
ui_absent "Zhou Li" "...the others are hidden"
ui_keys F4
ui_expect "2 meters" "F4 again: building B"
ui_keys F4
ui_expect "3 meters" "...and again: every building"
ui_keys F5
ui_expect "leave it empty for every floor" "F5 asks for a floor"
ui_type "3"; ui_keys Enter
ui_expect "Floor 3" "...and filters by it"
ui_expect "1 meter" "...one meter on floor 3"
ui_expect "王小明" "...the one in A-3-301"
ui_keys F5
ui_type "x"; ui_keys Enter
ui_expect "A floor is a number from -9 to 199." "a floor that is not a number is refused with the rule"
ui_keys C-u Enter
ui_expect "Floor all" "an empty floor shows every floor again"
ui_expect "3 meters" "...all three meters"
ui_keys F6 F6 F6
ui_expect "Status tripped" "F6 steps to the tripped filter"
ui_expect "1 meter" "...one meter has its relay open"
ui_expect "Arrears Shop" "...the one in arrears"
ui_keys F6
ui_expect "Status arrears" "...then arrears"
ui_expect "Arrears Shop" "...the same meter"
ui_keys F6 F6
ui_expect "Status all" "...and back to all"
ui_type "王"
ui_expect "1 meter" "typing a name narrows the list as you type"
ui_keys C-u
ui_type "00003"
ui_expect "1 meter" "the end of a meter number finds it"
ui_expect "Arrears Shop" "...its customer"
ui_keys C-u
ui_expect "3 meters" "clearing the search lists all again"

# The detail of the first meter.
ui_keys Enter
ui_expect "Meter 000002000001" "Enter opens the meter's detail"
ui_expect "Account 00000001 王小明" "...with its account and customer"
ui_expect "Voltage" "...live values"
ui_expect "Polls 1, timeouts 0, CRC errors 0, exceptions 0" "...the poll counters"
ui_expect "Power 1200 W" "...the power the meter draws"
ui_wait_re "PF 0\.9[0-9]{2}  Freq (49|50)\.[0-9]{2} Hz" "...its power factor and frequency"
ui_wait_re "Power +█ +1 reading, max 1200 W" "...and its sparkline of recent power"
ui_expect "Relay closed (none)" "...the relay and its reason"
ui_expect "Device single-phase, map 1.0, firmware 0.01, key version 01  read" "...the device info the service read at commissioning"
ui_expect "Settings not read yet" "...and that its settings are not read yet (one scheduled read a cycle)"
ui_expect "No commands sent to this meter yet." "...and no commands yet"

# A relay command: confirmation naming the meter and customer, queued.
ui_keys F4
ui_expect "Open the relay (power off) on meter 000002000001" "F4 asks before opening the relay"
ui_expect "(王小明, account" "...naming the customer"
ui_expect "00000001)?" "...and the account"
ui_keys y
ui_expect "queued: open relay" "...confirmed, the command is queued"
ui_expect "open relay  queued" "...and listed as queued"
[ "$(q "SELECT state FROM commands c JOIN meters m ON m.id = c.meter_id WHERE meter_no = '000002000001' AND kind = 'relay_open'")" = queued ] \
	&& ok "...one queued relay_open row in the database" || not_ok "no queued relay_open row"
once
ui_expect "open relay  done" "after the service's cycle the screen shows it done, without a key" 10
ui_expect "Relay open (opened remotely)" "...and the relay open with its reason"
ui_wait_re "Settings alarms [0-9.]+/[0-9.]+/[0-9.]+ yuan, credit [0-9.]+ yuan  read [0-9-]+ [0-9:]+" "...and the settings the next cycle read"
ui_expect "Prices 0.9500/0.7800/0.5880/0.3200 yuan/kWh  TOU 00:00=4 08:00=3" "...with the prices and the TOU table"
capture meter_detail
ui_keys F5
ui_expect "Close the relay (power on)" "F5 asks before closing"
ui_keys n
ui_absent "close relay" "...n leaves it unsent"
ui_keys F6
ui_expect "Turn keep-power on on meter 000002000001" "F6 asks before keep-power on"
ui_keys y
ui_expect "keep power on  queued" "...queued"
# The service gives up on it, as it would after its tries (set here the
# way poll.c writes it).
q "UPDATE commands SET state = 'failed', tries = 3, reason = 'exception 4' WHERE kind = 'keep_on'"
ui_expect "keep power on  failed      3" "a failed command shows failed with its tries, without a key" 10
ui_wait_re "failed +3 +[0-9-]+ [0-9:]+ +exception 4" "...and the reason"
ui_keys Escape
ui_expect "3 meters" "Esc goes back to the list"
ui_keys Escape

# Alarms: acknowledge one; the status line's count goes down.
ui_keys w
ui_expect "not acknowledged" "w opens the alarms"
ui_expect "OPEN" "...open ones marked"
ui_expect "Arrears Shop" "...with the customer"
before=$(q "SELECT count(*) FROM events WHERE cleared_at IS NULL AND acked_at IS NULL")
ui_keys F5
ui_expect "Acknowledge alarm" "F5 asks before acknowledging"
ui_keys y
ui_wait_re "[0-9]{2}:[0-9]{2} tech" "...and the list shows when and who acknowledged it"
capture alarms
after=$(q "SELECT count(*) FROM events WHERE cleared_at IS NULL AND acked_at IS NULL")
[ "$after" = $((before - 1)) ] && ok "one alarm is acknowledged in the database ($before -> $after)" \
	|| not_ok "unacknowledged alarms $before -> $after"
if [ "$after" = 1 ]; then word="1 alarm"; else word="$after alarms"; fi
ui_expect "│ $word" "the status line's count follows at once"
ui_keys F6
ui_expect "Acknowledge the $after unacknowledged alarm" "F6 asks to acknowledge every one shown"
ui_keys y
ui_expect "│ 0 alarms" "...and then none is left unacknowledged on the status line"
ui_expect "0 not acknowledged" "...nor in the list's count"
ui_keys /
ui_type "arrears"
ui_expect "Find: arrears" "/ finds text in the alarms; its letters are text"
ui_absent "Acknowledge alarm" "...and a (the letter for Ack) does not ask to acknowledge"
ui_keys Escape
n=$(q "SELECT count(*) FROM audit WHERE action = 'alarm.ack'")
[ "$n" = "$before" ] && ok "every acknowledgement is audited like the command line's ($n)" \
	|| not_ok "alarm.ack audit rows: $n, want $before"
ui_keys Escape

# The bus test.
ui_keys u
ui_expect "gw: 3 meters, 3 online" "the bus test sums up the bus"
ui_expect "its last cycle was" "...says how old its data is"
ui_expect "000002000003" "...and lists every meter"
capture bustest
ui_keys Escape

# A service that stopped: its heartbeat ages; the line says so.
q "UPDATE settings SET value = CAST(CAST(value AS INTEGER) - 600 AS TEXT) || ' 1000' WHERE key = 'poll.heartbeat'"
ui_keys m
ui_expect "poll stopped 10 min" "a heartbeat 10 minutes old shows the poll stopped" 10
ui_keys Escape F10
ui_expect "[saledesk exited 0]" "F10 quits"

# In Chinese: the list and the status line are translated, columns line up.
ui_start 80 24 LANGUAGE=zh_CN
UI_LOGIN_MARK="密码" ui_login tech tech-pw-1
ui_expect "电表" "the Chinese menu lists the meters"
ui_keys m
ui_expect "3 块电表" "the Chinese meters list counts its meters"
ui_expect "抄表已停" "...and the status line says the poll stopped"
h=$(ui_col "继电器"); r=$(ui_col "拉闸")
[ "$h" -gt 0 ] && [ "$h" = "$r" ] && ok "the relay column lines up under its Chinese header ($h)" \
	|| { not_ok "relay column: header $h, row $r"; ui_screen | sed 's/^/#   |/'; }
capture meters_zh
ui_keys F10
if [ -s "$work/once.err" ] && grep -q "runtime error\|AddressSanitizer" "$work/once.err"; then
	not_ok "the poller ran clean"; sed 's/^/# /' "$work/once.err"
else ok "the poller ran clean"; fi
tap_done
