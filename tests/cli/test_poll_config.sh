#!/usr/bin/env bash
# Buses from the config file's [bus NAME] sections (docs/poll.md §1): an
# RTU line on a metersim pty (rs485 asked for: the pty's ENOTTY is not
# fatal) and a TCP gateway on loopback, meters wired by unit id; the CLI
# leaves file buses to the file; bad entries are refused naming their
# line; SIGHUP reloads the file, and a broken file on SIGHUP keeps the
# service polling the buses it had. Every process started here is
# stopped by the EXIT trap.
. "$(dirname "$0")/../lib/cli.sh"
. "$(dirname "$0")/../lib/metersim.sh"
init_desk
state() { q "SELECT $1 FROM meter_state s JOIN meters m ON m.id = s.meter_id WHERE meter_no = '$2'"; }

metersim_require -e "bus 1 rtu link=$work/ttyA" -e 'meter 1 1-3' -e 'bus 2 tcp' -e 'meter 2 4-5' \
	-e "bus 3 rtu link=$work/ttyC" -e 'meter 3 7'
trap service_test_cleanup EXIT
GW=${METERSIM_TCP[2]}
as_admin operator add tech --name "Tech" --roles technician --new-password-fd 4 4<<<"tech-pw-1" >/dev/null
tech() { as tech tech-pw-1 "$@"; }
as_admin tariff add RES --name r --spec "flat 0.588" >/dev/null
for m in 000001000001 000001000002 000001000003 000002000004 000002000005 000003000007; do
	as_admin account open --name "M$m" --meter "$m:RES:remote:1" >/dev/null
done

conf=$work/saledesk.conf
export SALEDESK_CONFIG=$conf
write_conf() {
	cat >"$conf" <<EOF
[backup]
keep_daily = 7

[bus line1]
rtu = $work/ttyA
baud = 9600
parity = N
stop_bits = 1
rs485 = yes
turnaround = 5
unit 1 = 000001000001
unit 2 = 000001000002

[bus gw]
tcp = 127.0.0.1:$GW
unit 4 = 000002000004
unit 5 = 000002000005
EOF
}
write_conf

# --- one cycle from the file ---------------------------------------------
SALEDESK_LOG=info sd poll --once --stats --interval 1 --drift 0 >"$work/out" 2>"$work/first.err"
rc=$?
out=$(cat "$work/out")
[ $rc = 0 ] && ok "poll --once reads the buses of the config file" || not_ok "poll --once: rc $rc $(cat "$work/first.err")"
contains "$out" "bus line1: meters=2 read=2" "...both meters of the RTU section"
contains "$out" "bus gw: meters=2 read=2" "...both meters behind the gateway"
contains "$(cat "$work/first.err")" "no kernel RS485 mode" "rs485 = yes on a pty: ENOTTY is logged, not fatal"
d=$(metersim_ctl dump 2:5)
[ "$(state "balance_fen || '/' || purchase_count" 000002000005)" = "$(metersim_field balance "$d")/$(metersim_field purchases "$d")" ] &&
	ok "...the gateway meter's stored state is the simulator's" || not_ok "stored $(state balance_fen 000002000005) vs $d"
expect_rc 0 "bus list shows the file's buses" tech bus list --format tsv
contains "$out" $'line1\trtu\t'"$work/ttyA"$'\t9600 N1 rs485\t5\t2\tconfig' "...the RTU line with its settings, from config"
contains "$out" $'gw\ttcp\t127.0.0.1:'"$GW" "...the gateway"

# --- the CLI leaves file buses to the file ----------------------------------
expect_rc 1 "bus remove refuses a config bus" tech bus remove line1
contains "$err" "config file" "...saying where it comes from"
expect_rc 1 "meter wire onto a config bus at another unit is refused" tech meter wire 000001000003 --bus line1 --unit 3
contains "$err" "unit 3 = 000001000003" "...with the line to write instead"
expect_rc 0 "meter wire may give a config meter its recharge key" \
	tech meter wire 000001000001 --bus line1 --unit 1 --key-fd 4 4<<<"000102030405060708090a0b0c0d0e0f"
expect_rc 1 "meter unwire refuses a meter the file wires" tech meter unwire 000001000002
as_admin bus add dbline --rtu "$work/ttyC" >/dev/null
tech meter wire 000003000007 --bus dbline --unit 7 >/dev/null
[ "$(tech bus list --format tsv | grep -c $'\tdatabase$')" = 1 ] && ok "a bus added with the CLI lives beside them" || not_ok "bus list: $(tech bus list --format tsv)"
expect_rc 0 "...and is polled with them" once
contains "$out" "bus dbline: meters=1 read=1" "...its meter read"

# --- bad entries, each refused naming its line ---------------------------
bad() { # DESCRIPTION LINE EXPECTED-TEXT CONFIG-TEXT
	local f=$work/bad.conf
	printf "$4" >"$f"
	expect_rc 1 "refused: $1" sd poll --once --config "$f"
	contains "$err" "bad.conf, line $2" "...names line $2"
	contains "$err" "$3" "...says: $3"
}
bad "a bus without rtu or tcp" 1 "needs" '[bus a]\nbaud = 9600\n'
bad "a parity that is not N, E or O" 3 "parity" '[bus a]\nrtu = /dev/null\nparity = X\n'
bad "unit id 300" 3 "1-247" '[bus a]\ntcp = 127.0.0.1:1\nunit 300 = 000001000001\n'
bad "a unit id given twice" 4 "already meter 000001000001" '[bus a]\ntcp = 127.0.0.1:1\nunit 1 = 000001000001\nunit 1 = 000001000002\n'
bad "one meter on two buses" 6 "already unit 1 of bus a" '[bus a]\ntcp = 127.0.0.1:1\nunit 1 = 000001000001\n[bus b]\ntcp = 127.0.0.1:2\nunit 1 = 000001000001\n'
bad "rtu and tcp together" 3 "both rtu and tcp" '[bus a]\nrtu = /dev/null\ntcp = 127.0.0.1:1\n'
bad "a gateway without a port" 2 "HOST:PORT" '[bus a]\ntcp = 127.0.0.1\n'
bad "a baud rate on a gateway" 3 "RTU line" '[bus a]\ntcp = 127.0.0.1:502\nbaud = 9600\n'
bad "an unknown key" 3 "unknown key" '[bus a]\nrtu = /dev/null\nspeed = 9600\n'
bad "a bus defined twice" 4 "already defined on line 1" '[bus a]\nrtu = /dev/null\n\n[bus a]\nrtu = /dev/null\n'
bad "a meter number that is not 12 digits" 3 "12-digit" '[bus a]\nrtu = /dev/null\nunit 1 = 123\n'
bad "a meter the desk does not know" 4 "no meter 999999999999" '[bus a]\ntcp = 127.0.0.1:1\n\nunit 2 = 999999999999\n'
bad "a section named like a CLI bus" 1 "saledesk bus add" '[bus dbline]\ntcp = 127.0.0.1:1\n'
bad "a meter wired with meter wire" 3 "meter wire" '[bus a]\ntcp = 127.0.0.1:1\nunit 9 = 000003000007\n'
printf '[bus a]\nrtu = /dev/null\n' >"$work/bad.conf"; printf '[bus b]\nrtu\n' >>"$work/bad.conf"
expect_rc 1 "a broken bus section stops other commands too" tech bus list --config "$work/bad.conf"
contains "$err" "bad.conf, line 4" "...naming the line"
[ "$(q "SELECT count(*) FROM buses WHERE name IN ('a', 'b')")" = 0 ] && ok "nothing of a refused file reaches the database" || not_ok "buses: $(q 'SELECT name FROM buses')"

# --- the file changes: a meter and a bus leave it --------------------------
sed -i '/^unit 5 = /d' "$conf"
expect_rc 0 "after a meter left the file" once
contains "$out" "bus gw: meters=1 read=1" "...the gateway has one meter"
[ "$(q "SELECT count(*) FROM meter_wiring w JOIN meters m ON m.id = w.meter_id WHERE meter_no = '000002000005'")" = 0 ] &&
	ok "...its wiring is gone" || not_ok "000002000005 still wired"
sed -i '/^\[bus gw\]/,$d' "$conf"
expect_rc 0 "after the gateway left the file" once
lacks "$out" "bus gw:" "...it is not polled"
expect_rc 0 "...and bus list" tech bus list --format tsv
lacks "$out" $'\tgw\ttcp' "...no longer lists it as a bus"

# --- SIGHUP ---------------------------------------------------------------
write_conf
# The gateway meter keeps its meter_state row from the earlier cycles: wait
# for its count to move, so the service has read the file before the edit.
pb=$(state "ifnull(max(polls), 0)" 000002000005)
"$SD" poll --interval 0.3 >"$work/poll.log" 2>&1 &
POLL_PID=$!
for i in $(seq 50); do [ "$(state "ifnull(max(polls), 0)" 000002000005)" -gt "$pb" ] && break; sleep 0.1; done
p0=$(state polls 000002000005)
[ "${p0:-0}" -gt "$pb" ] && ok "the service polls the file's gateway again" || not_ok "gateway meter polls: $pb -> $p0"
p3=$(state "ifnull(max(polls), 0)" 000001000003)
cat >>"$conf" <<EOF

[bus line1b]
rtu = $work/ttyA
EOF
# line1 gets meter 3 (a new unit in an existing section).
sed -i "s/^unit 2 = 000001000002$/unit 2 = 000001000002\nunit 3 = 000001000003/" "$conf"
sleep 0.5
[ "$(state "ifnull(max(polls), 0)" 000001000003)" = "$p3" ] && ok "an edit is not applied before SIGHUP" || not_ok "applied without SIGHUP"
kill -HUP $POLL_PID
for i in $(seq 50); do [ "$(state "ifnull(max(polls), 0)" 000001000003)" -gt "$p3" ] && break; sleep 0.1; done
[ "$(state "ifnull(max(polls), 0)" 000001000003)" -gt "$p3" ] && ok "SIGHUP: the meter added to the file is polled" || not_ok "meter 3 not polled after SIGHUP"
[ "$(q "SELECT from_config FROM buses WHERE name = 'line1b'")" = 1 ] && ok "...and the new section is a bus" || not_ok "line1b: $(q 'SELECT name, from_config FROM buses')"
printf '[bus broken]\nparity = Q\n' >>"$conf"
kill -HUP $POLL_PID
sleep 0.5
p1=$(state polls 000002000005)
sleep 1
kill -0 $POLL_PID 2>/dev/null && [ "$(state polls 000002000005)" -gt "$p1" ] &&
	ok "a broken file on SIGHUP: the service goes on polling" || not_ok "service after a bad SIGHUP: polls $p1 -> $(state polls 000002000005)"
contains "$(cat "$work/poll.log")" "saledesk.conf, line" "...and logs the line it refused"
kill -TERM $POLL_PID
wait $POLL_PID
rc=$?
POLL_PID=
[ $rc = 0 ] && ok "SIGTERM stops it cleanly" || not_ok "exit $rc after SIGTERM"
lacks "$(cat "$work/poll.log" "$work/once.err" "$work/first.err")" "Sanitizer" "no sanitizer reports"
lacks "$(cat "$work/poll.log" "$work/once.err" "$work/first.err")" "runtime error" "...no undefined behaviour"
tap_done
