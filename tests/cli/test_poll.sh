#!/usr/bin/env bash
# The meter-reading service against metersim: buses and wiring through
# the CLI, `saledesk poll --once` on an RTU pty and a TCP gateway on
# loopback, stored state checked against the simulator's own dump, silent
# meters going offline with backoff, CRC errors and exceptions counted,
# late replies not poisoning the next request, alarms raised once and
# cleared, relay and recharge commands, SIGTERM, SIGHUP and a busy
# database. Every process started here is stopped by the EXIT trap.
. "$(dirname "$0")/../lib/cli.sh"
. "$(dirname "$0")/../lib/metersim.sh"
init_desk
field() { metersim_field "$1" "$(metersim_ctl dump "$2")"; }
# Simulated time jumps ahead in these tests, so clock drift is checked
# only by the service at the end.
# Its log lines (alarms raised, timeouts) go to $work/once.err, checked
# for sanitizer reports at the end.
once() { sd poll --once --stats --interval "${IV:-1}" --drift 0 "$@" 2>>"$work/once.err"; }

metersim_require -e "bus 1 rtu link=$work/ttyline1" -e 'meter 1 1-3' -e 'meter 1 4 phases=3' \
	-e 'meter 1 5 balance=1500' -e 'bus 2 tcp' -e 'meter 2 1-2' \
	-e 'bus 3 rtu' -e 'meter 3 1' -e 'meter 3 2 skew=-600'
trap service_test_cleanup EXIT
as_admin operator add tech --name "Tech" --roles technician --new-password-fd 4 4<<<"tech-pw-1" >/dev/null
as_admin operator add cash --name "Cash" --roles cashier --new-password-fd 4 4<<<"cash-pw-1" >/dev/null
tech() { as tech tech-pw-1 "$@"; }
cash() { as cash cash-pw-1 "$@"; }
as_admin tariff add RES --name r --spec "flat 0.588" >/dev/null
for m in 000001000001 000001000002 000001000003 000001000005 000002000001 000002000002 000003000001 000003000002; do
	as_admin account open --name "M$m" --meter "$m:RES:remote:1" >/dev/null
done
as_admin account open --name "M4" --meter 000001000004:RES:remote:3 >/dev/null
KEY=000102030405060708090a0b0c0d0e0f

# --- buses and wiring --------------------------------------------------
expect_rc 0 "a technician adds an RTU bus" tech bus add line1 --rtu "$work/ttyline1" --turnaround 5
expect_rc 0 "...and a TCP gateway" tech bus add gw --tcp "127.0.0.1:${METERSIM_TCP[2]}"
expect_rc 1 "a cashier may not add a bus" cash bus add x --tcp 127.0.0.1:1
contains "$err" "permission" "...permission denied"
expect_rc 2 "a bus needs --rtu or --tcp" tech bus add x
expect_rc 1 "a duplicate bus name is refused" tech bus add gw --tcp 127.0.0.1:2
for i in 1 2 3 4 5; do
	tech meter wire 00000100000$i --bus line1 --unit $i --key-fd 4 4<<<"$KEY" >/dev/null
done
tech meter wire 000002000001 --bus gw --unit 1 >/dev/null
expect_rc 0 "a meter is wired to a gateway unit" tech meter wire 000002000002 --bus gw --unit 2
expect_rc 1 "a taken unit id is refused" tech meter wire 000003000001 --bus gw --unit 2
expect_rc 1 "an unknown meter is refused" tech meter wire 999 --bus gw --unit 9
expect_rc 0 "buses are listed" tech bus list --format tsv
contains "$out" $'line1\trtu' "...the RTU line"
contains "$out" $'127.0.0.1:'"${METERSIM_TCP[2]}" "...the gateway address"
lacks "$(q 'SELECT hex(recharge_key) FROM meter_wiring LIMIT 1')" "$KEY" "...(keys are stored as blobs, not hex text)"
expect_rc 1 "a bus with meters is not removed" tech bus remove gw

# --- one cycle --------------------------------------------------------
expect_rc 0 "poll --once reads both buses" once
contains "$out" "bus line1: meters=5 read=5" "...every RTU meter"
contains "$out" "bus gw: meters=2 read=2" "...every gateway meter"
ok_all=1
for m in 1:1 1:2 1:3 1:4 1:5 2:1 2:2; do
	d=$(metersim_ctl dump "$m")
	no=$(metersim_field number "$d")
	row=$(q "SELECT balance_fen, energy_wh / 10, purchase_count, relay, alarm_level FROM meter_state s JOIN meters m ON m.id = s.meter_id WHERE meter_no = '$no'")
	want="$(metersim_field balance "$d")|$(($(metersim_field energy_wh "$d") / 10))|$(metersim_field purchases "$d")|$(metersim_field relay "$d")|$(metersim_field alarm "$d")"
	[ "$row" = "$want" ] || { ok_all=0; echo "# $m: stored $row, simulator $want"; }
done
[ $ok_all = 1 ] && ok "stored state equals the simulator's dump for every meter" || not_ok "stored state equals the simulator's dump"
[ "$(q "SELECT count(*) FROM meter_history")" = 7 ] && ok "one history row per meter" || not_ok "history rows: $(q 'SELECT count(*) FROM meter_history')"

metersim_ctl advance 7200 >/dev/null
expect_rc 0 "a second cycle two hours later" once
e1=$(field energy_wh 1:1)
[ "$(q "SELECT energy_wh / 10 FROM meter_state WHERE meter_id = (SELECT id FROM meters WHERE meter_no = '000001000001')")" = "$((e1 / 10))" ] &&
	ok "...the energy moved on with the meter" || not_ok "...energy $(q 'SELECT energy_wh FROM meter_state LIMIT 1') vs $e1"
hourly=$(q "SELECT sum(wh) FROM energy_hourly h JOIN meters m ON m.id = h.meter_id WHERE meter_no = '000001000001'")
daily=$(q "SELECT sum(wh) FROM energy_daily h JOIN meters m ON m.id = h.meter_id WHERE meter_no = '000001000001'")
first=$(q "SELECT min(energy_wh) FROM meter_history h JOIN meters m ON m.id = h.meter_id WHERE meter_no = '000001000001'")
[ -n "$hourly" ] && [ "$hourly" = "$daily" ] && [ "$hourly" = "$(( (e1 / 10) * 10 - first ))" ] &&
	ok "hourly and daily rollups hold the energy between readings" || not_ok "rollups: hourly=$hourly daily=$daily first=$first e=$e1"
expect_rc 0 "meter status shows the state" tech meter status --bus line1 --format tsv
contains "$out" $'000001000004\tline1\t4\tonline' "...the three-phase meter online"

# --- alarms -----------------------------------------------------------
n=$(q "SELECT count(*) FROM events WHERE kind = 'low_balance_2' AND cleared_at IS NULL")
[ "$n" = 1 ] && ok "a low balance raises its alarm level once (meter 5 at 15 yuan)" || not_ok "low_balance_2 rows: $n"
metersim_ctl balance 1:5 100000 >/dev/null
once >/dev/null
[ "$(q "SELECT count(*) FROM events WHERE kind = 'low_balance_2' AND cleared_at IS NOT NULL")" = 1 ] &&
	ok "...and clears it after a top-up" || not_ok "low_balance_2 not cleared"
metersim_ctl balance 1:3 0 >/dev/null
metersim_ctl voltage 1:4 b 0 >/dev/null
metersim_ctl advance 60 >/dev/null
once >/dev/null
once >/dev/null
for k in arrears relay_tripped low_balance_3 phase_loss; do
	n=$(q "SELECT count(*) FROM events WHERE kind = '$k'")
	[ "$n" = 1 ] && ok "alarm $k raised once over two cycles" || not_ok "alarm $k: $n rows"
done
id=$(q "SELECT id FROM events WHERE kind = 'phase_loss'")
expect_rc 0 "a technician acknowledges an alarm" tech alarm ack "$id"
expect_rc 1 "...not twice" tech alarm ack "$id"
expect_rc 0 "open alarms are listed" tech alarm list --open --format tsv
contains "$out" $'phase_loss\t000001000004' "...with the meter"
metersim_ctl voltage 1:4 b auto >/dev/null
metersim_ctl advance 60 >/dev/null
once >/dev/null
[ -n "$(q "SELECT cleared_at FROM events WHERE kind = 'phase_loss'")" ] && ok "...cleared when the phase is back" || not_ok "phase_loss not cleared"
! q "DELETE FROM events" 2>/dev/null && ok "events are kept (no DELETE)" || not_ok "events were deleted"

# --- faults -----------------------------------------------------------
metersim_ctl fault 1:2 silent >/dev/null
# --interval 3: the first probe after going offline waits 3 s.
for i in 1 2 3; do IV=3 once >/dev/null; done
[ "$(q "SELECT online || '/' || misses FROM meter_state s JOIN meters m ON m.id = s.meter_id WHERE meter_no = '000001000002'")" = "0/3" ] &&
	ok "a silent meter is offline after 3 missed polls" || not_ok "silent meter state: $(q 'SELECT online, misses FROM meter_state WHERE meter_id = 2')"
[ "$(q "SELECT count(*) FROM events WHERE kind = 'meter_offline'")" = 1 ] && ok "...meter_offline raised once" || not_ok "meter_offline rows"
expect_rc 0 "the next cycle skips it (backoff)" once
contains "$out" "bus line1: meters=5 read=4 offline=0 skipped=1" "...skipped, not waited for"
ms=$(sed -n 's/.*bus line1:.*cycle_ms=\([0-9]*\).*/\1/p' <<<"$out")
[ "${ms:-9999}" -lt 100 ] && ok "...so the bus cycle stays fast (${ms} ms)" || not_ok "bus cycle ${ms} ms with a silent meter off scan"
metersim_ctl fault 1:2 none >/dev/null
sleep 3.1
once >/dev/null
[ "$(q "SELECT online FROM meter_state WHERE meter_id = (SELECT id FROM meters WHERE meter_no = '000001000002')")" = 1 ] &&
	ok "...and back online at its probe" || not_ok "meter 2 not back"
[ -n "$(q "SELECT cleared_at FROM events WHERE kind = 'meter_offline'")" ] && ok "...meter_offline cleared" || not_ok "meter_offline not cleared"

metersim_ctl fault 1:3 crc:100 >/dev/null
metersim_ctl fault 1:4 exception:4 >/dev/null
once >/dev/null
metersim_ctl fault 1:3 none >/dev/null
metersim_ctl fault 1:4 none >/dev/null
crc=$(q "SELECT crc_errors FROM meter_state WHERE meter_id = (SELECT id FROM meters WHERE meter_no = '000001000003')")
exc=$(q "SELECT exceptions FROM meter_state WHERE meter_id = (SELECT id FROM meters WHERE meter_no = '000001000004')")
[ "${crc:-0}" -ge 1 ] && ok "CRC errors are counted per meter ($crc)" || not_ok "crc_errors=$crc"
[ "${exc:-0}" -ge 1 ] && ok "exceptions are counted per meter ($exc)" || not_ok "exceptions=$exc"

# A reply later than the timeout must not be taken for the next meter's.
metersim_ctl fault 1:1 slow:600 >/dev/null
metersim_ctl balance 1:1 77777 >/dev/null
metersim_ctl balance 1:2 12345 >/dev/null
old2=$(q "SELECT balance_fen FROM meter_state WHERE meter_id = (SELECT id FROM meters WHERE meter_no = '000001000002')")
expect_rc 0 "a cycle with a slow meter" once
metersim_ctl fault 1:1 none >/dev/null
b2=$(q "SELECT balance_fen FROM meter_state WHERE meter_id = (SELECT id FROM meters WHERE meter_no = '000001000002')")
# Meter 2 may have been read or missed while meter 1's late reply was on
# the line; what it must never hold is meter 1's data.
{ [ "$b2" = "$(field balance 1:2)" ] || [ "$b2" = "$old2" ]; } &&
	ok "...the late reply is not taken for the next meter's (meter 2: $b2)" || not_ok "after a late reply: meter 2 $b2 (sim $(field balance 1:2), before $old2)"
[ "$(q "SELECT count(*) FROM meter_state WHERE balance_fen = 77777")" = 0 ] && ok "...nobody stored the slow meter's balance" || not_ok "77777 stored: $(q 'SELECT meter_id FROM meter_state WHERE balance_fen = 77777')"
to=$(q "SELECT timeouts FROM meter_state WHERE meter_id = (SELECT id FROM meters WHERE meter_no = '000001000001')")
[ "${to:-0}" -ge 1 ] && ok "...and the slow meter's timeout is counted" || not_ok "timeouts=$to"

# --- commands ---------------------------------------------------------
expect_rc 0 "a technician queues a relay open" tech meter relay 000001000001 open
expect_rc 1 "a cashier may not" cash meter relay 000001000001 open
once >/dev/null
[ "$(q "SELECT state FROM commands WHERE kind = 'relay_open'")" = done ] && ok "...the command is done" || not_ok "relay_open: $(q 'SELECT state, reason FROM commands')"
[ "$(field relay 1:1)/$(field reason 1:1)" = "1/1" ] && ok "...the meter's relay is open by remote command" || not_ok "relay $(field relay 1:1)"
[ "$(q "SELECT relay FROM meter_state WHERE meter_id = (SELECT id FROM meters WHERE meter_no = '000001000001')")" = 1 ] &&
	ok "...and the stored state shows it in the same cycle" || not_ok "stored relay not open"
tech meter relay 000001000001 close >/dev/null
once >/dev/null
[ "$(field relay 1:1)" = 0 ] && ok "a close command closes it" || not_ok "relay not closed"
expect_rc 0 "a batch keep-power for the whole bus" tech meter relay --bus line1 keep-on
contains "$out" "for 5 meters as batch" "...5 meters in one batch"
tech meter relay --bus line1 keep-off >/dev/null
once >/dev/null
[ "$(q "SELECT count(*) FROM commands WHERE kind IN ('keep_on', 'keep_off') AND state = 'done'")" = 10 ] &&
	ok "...all carried out in order" || not_ok "batch: $(q "SELECT kind, state, reason FROM commands WHERE batch_id IS NOT NULL")"
tech meter relay 000001000002 open --at "2099-01-01 00:00" >/dev/null
once >/dev/null
[ "$(q "SELECT state FROM commands WHERE not_before > strftime('%s','now') + 86400")" = queued ] && ok "a scheduled command waits for its time" || not_ok "scheduled command ran"

b0=$(field balance 1:1)
expect_rc 0 "a cashier queues a remote recharge" cash meter recharge 000001000001 --amount 20
contains "$out" "purchase 1" "...as purchase 1"
expect_rc 1 "a technician may not recharge" tech meter recharge 000001000001 --amount 20
once >/dev/null
[ "$(q "SELECT state FROM commands WHERE kind = 'recharge'")" = done ] && ok "...done" || not_ok "recharge: $(q "SELECT state, reason FROM commands WHERE kind = 'recharge'")"
[ "$(field purchases 1:1)" = 1 ] && [ "$(field balance 1:1)" -ge $((b0 + 2000 - 50)) ] && ok "...the meter counted purchase 1 and credited 20.00" || not_ok "meter: $(metersim_ctl dump 1:1)"
cash meter recharge 000001000001 --amount 30 >/dev/null
once >/dev/null
[ "$(q "SELECT state FROM commands WHERE purchase_seq = 2")" = done ] && ok "a second recharge is purchase 2" || not_ok "seq 2: $(q 'SELECT state, reason FROM commands WHERE purchase_seq = 2')"
# A crash after the write reached the meter but before the desk committed:
# the command is found 'sent' again and repeated.
q "UPDATE commands SET state = 'sent', reason = '' WHERE purchase_seq = 2"
once >/dev/null
once >/dev/null
[ "$(q "SELECT state FROM commands WHERE purchase_seq = 2")" = done ] && ok "a recharge repeated after a lost outcome ends done" || not_ok "seq 2 repeat: $(q 'SELECT state, reason FROM commands WHERE purchase_seq = 2')"
[ "$(field purchases 1:1)" = 2 ] && [ "$(field purchased 1:1)" = 5000 ] && ok "...and was credited exactly once (50.00 in all)" || not_ok "meter: $(metersim_ctl dump 1:1)"
expect_rc 1 "the same purchase number is not queued twice" cash meter recharge 000001000001 --amount 30 --seq 2
cash meter recharge 000001000001 --amount 10 --seq 9 >/dev/null
once >/dev/null
[ "$(q "SELECT state FROM commands WHERE purchase_seq = 9")" = failed ] && ok "a sequence gap fails, never renumbered" || not_ok "seq 9: $(q 'SELECT state FROM commands WHERE purchase_seq = 9')"
[ "$(q "SELECT count(*) FROM events WHERE kind = 'recharge_sequence'")" = 1 ] && ok "...with an alarm" || not_ok "no recharge_sequence alarm"
expect_rc 0 "the command list shows reasons" tech meter commands --state failed --format tsv
contains "$out" "sequence gap" "...the gap"
tech meter set 000001000003 --prices 1,0.8,0.6,0.3 --credit-limit 5 --clock-sync >/dev/null
tech meter set 000001000003 --alarms 10,5,1 >/dev/null
tech meter set 000001000003 --prices 0,1,1,1 >/dev/null 2>&1 && not_ok "a zero price is queued" || ok "a zero price is refused at the desk"
once >/dev/null
[ "$(q "SELECT group_concat(state) FROM commands WHERE kind IN ('prices', 'credit_limit', 'clock_sync', 'alarm_levels')")" = "done,done,done,done" ] &&
	ok "parameter writes are done" || not_ok "params: $(q "SELECT kind, state, reason FROM commands WHERE kind IN ('prices','credit_limit','clock_sync','alarm_levels')")"
[ "$(q "SELECT price FROM meter_state WHERE meter_id = (SELECT id FROM meters WHERE meter_no = '000001000003')")" -le 10000 ] && ok "...the meter reports a price from the new set" || not_ok "price not changed"

# --- gateway down and back --------------------------------------------
metersim_ctl unplug 2 >/dev/null
expect_rc 0 "a cycle with the gateway down" once
contains "$out" "bus gw: meters=2 read=0" "...reads nothing there"
contains "$out" "bus line1: meters=5 read=5" "...while the RTU line is read"
[ "$(q "SELECT count(*) FROM events WHERE kind = 'gateway_offline' AND cleared_at IS NULL")" = 1 ] && ok "...gateway_offline raised" || not_ok "no gateway_offline"
metersim_ctl plug 2 >/dev/null
once >/dev/null
[ "$(q "SELECT count(*) FROM events WHERE kind = 'gateway_offline' AND cleared_at IS NULL")" = 0 ] && ok "...and cleared when it is back" || not_ok "gateway_offline still open"

# --- a serial device unplugged and back ----------------------------------
metersim_ctl unplug 1 >/dev/null
expect_rc 0 "a cycle with the serial device unplugged" once
contains "$out" "bus line1: meters=5 read=0" "...reads nothing there"
contains "$out" "bus gw: meters=2 read=2" "...while the gateway is read"
[ "$(q "SELECT count(*) FROM events WHERE kind = 'bus_offline' AND cleared_at IS NULL")" = 1 ] && ok "...bus_offline raised" || not_ok "no bus_offline"
[ "$(q "SELECT count(*) FROM events WHERE kind = 'meter_offline' AND cleared_at IS NULL")" = 0 ] && ok "...and no meter blamed for it" || not_ok "meters blamed for the unplugged line"
metersim_ctl plug 1 >/dev/null
expect_rc 0 "plugged back in" once
contains "$out" "bus line1: meters=5 read=5" "...the line is read again"
[ "$(q "SELECT count(*) FROM events WHERE kind = 'bus_offline' AND cleared_at IS NULL")" = 0 ] && ok "...bus_offline cleared" || not_ok "bus_offline still open"

# --- the database busy with another writer ------------------------------
python3 - "$SALEDESK_DB" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
c.execute("UPDATE settings SET value = value WHERE key = 'site.name'")
time.sleep(2)
c.execute("COMMIT")
PY
locker=$!
sleep 0.3
t0=$SECONDS
expect_rc 0 "poll --once waits out another writer" once
wait $locker
contains "$out" "bus line1: meters=5 read=5" "...and stores its cycle"

# --- the service: SIGHUP and SIGTERM --------------------------------------
"$SD" poll --interval 0.3 >"$work/poll.log" 2>&1 &
POLL_PID=$!
sleep 1
polls=$(q "SELECT polls FROM meter_state WHERE meter_id = 1")
# A bus added while the service runs is unknown to it until SIGHUP
# (meters wired to a bus it knows are picked up at the next cycle).
tech bus add line3 --rtu "${METERSIM_RTU[3]}" --turnaround 1000 >/dev/null
tech meter wire 000003000001 --bus line3 --unit 1 >/dev/null
tech meter wire 000003000002 --bus line3 --unit 2 >/dev/null
sleep 1
before=$(q "SELECT count(*) FROM meter_state WHERE meter_id = (SELECT id FROM meters WHERE meter_no = '000003000001')")
[ "$before" = 0 ] && ok "a new bus is not polled before SIGHUP" || not_ok "new bus polled without SIGHUP"
kill -HUP $POLL_PID
for i in $(seq 50); do
	n=$(q "SELECT count(*) FROM meter_state WHERE meter_id = (SELECT id FROM meters WHERE meter_no = '000003000001')")
	[ "$n" = 1 ] && break
	sleep 0.1
done
kill -0 $POLL_PID 2>/dev/null && [ "$n" = 1 ] && ok "SIGHUP reloads the buses: the new line is polled" || not_ok "after SIGHUP: $n"
drift_open() { q "SELECT count(*) FROM events e JOIN meters m ON m.id = e.meter_id WHERE kind = 'clock_drift' AND meter_no = '000003000002' AND cleared_at IS NULL"; }
[ "$(drift_open)" = 1 ] && ok "a meter clock hours off raises clock_drift" || not_ok "clock_drift: $(q "SELECT meter_id, detail FROM events WHERE kind = 'clock_drift'")"
tech meter set 000003000002 --clock-sync >/dev/null
for i in $(seq 50); do [ "$(drift_open)" = 0 ] && break; sleep 0.1; done
[ "$(drift_open)" = 0 ] && ok "...a clock sync from the running service clears it" || not_ok "clock_drift still open: $(q "SELECT state, reason FROM commands WHERE kind = 'clock_sync'")"
t=$(field clock 3:2); now=$(( $(date +%s) + 28800 ))
[ $((t - now)) -lt 5 ] && [ $((now - t)) -lt 5 ] && ok "...the meter clock is the desk's local time" || not_ok "meter clock $t vs $now"
# Make line3's cycle long (400 ms turnaround: about 0.5 s a meter), so SIGTERM
# lands in the middle of one; the cycle in flight must still be stored.
metersim_ctl pace 3 on 9600 10 400 >/dev/null
sleep 2.5
p3=$(q "SELECT polls FROM meter_state WHERE meter_id = (SELECT id FROM meters WHERE meter_no = '000003000002')")
t0=$(date +%s%N)
kill -TERM $POLL_PID
for i in $(seq 100); do kill -0 $POLL_PID 2>/dev/null || break; sleep 0.05; done
if kill -0 $POLL_PID 2>/dev/null; then
	not_ok "SIGTERM stops the service within 5 s"
else
	wait $POLL_PID; rc=$?
	[ $rc = 0 ] && ok "SIGTERM finishes the cycle and exits 0" || not_ok "exit status $rc after SIGTERM"
fi
POLL_PID=
t1=$(date +%s%N)
p3b=$(q "SELECT polls FROM meter_state WHERE meter_id = (SELECT id FROM meters WHERE meter_no = '000003000002')")
[ "$p3b" -gt "$p3" ] && ok "...after storing the cycle it was in (polls $p3 -> $p3b, stopped in $(( (t1 - t0) / 1000000 )) ms)" || not_ok "cycle in flight lost: polls $p3 -> $p3b"
[ "$(q "SELECT polls FROM meter_state WHERE meter_id = 1")" -gt "$polls" ] && ok "...having stored its cycles" || not_ok "no cycles stored"
lacks "$(cat "$work/poll.log")" "$KEY" "the key never appears in the log"
lacks "$(cat "$work/poll.log" "$work/once.err")" "runtime error" "no sanitizer reports"
lacks "$(cat "$work/poll.log" "$work/once.err")" "Sanitizer" "...nor leaks"
contains "$(cat "$work/once.err")" "alarm meter_offline raised" "alarms are logged for the journal"
expect_rc 0 "the audit chain is intact after all this" as_admin audit verify
tap_done
