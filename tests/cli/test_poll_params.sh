#!/usr/bin/env bash
# What the service reads besides the live block (docs/poll.md "Device info
# and parameters"): each meter's device info at commissioning, which
# catches a wrong meter on a unit id, a three-phase meter recorded as
# single-phase and the recharge key version the meter holds; and its
# parameters once a day and after a write, checked against what the desk
# wrote (param_mismatch when someone changed them at the meter). Scheduled
# reads are capped per bus and cycle. Against metersim on a loopback
# gateway; a Modbus client (mbpoll) plays the technician who changes a
# meter behind the desk's back. Every process started here is stopped by
# the EXIT trap.
. "$(dirname "$0")/../lib/cli.sh"
. "$(dirname "$0")/../lib/metersim.sh"
init_desk
# Unit 3 holds a meter numbered 000009999999, not the desk's 000001000003,
# which is really on unit 5.
metersim_require -e 'bus 1 tcp' -e 'meter 1 1 load=800' -e 'meter 1 2 phases=3' \
	-e 'meter 1 3 number=000009999999' -e 'meter 1 4 keyver=2' -e 'meter 1 5 number=000001000003'
mid() { q "SELECT id FROM meters WHERE meter_no = '00000100000$1'"; }
col() { q "SELECT $1 FROM meter_params WHERE meter_id = $(mid "$2")"; }
frames() { metersim_field frames "$(metersim_ctl stats 1)"; }
as_admin tariff add RES --name r --spec "flat 0.588" >/dev/null
for i in 1 2 3 4; do as_admin account open --name "M$i" --meter "00000100000$i:RES:remote:1" >/dev/null; done
as_admin bus add gw --tcp "127.0.0.1:${METERSIM_TCP[1]}" >/dev/null
for i in 1 2 3 4; do as_admin meter wire 00000100000$i --bus gw --unit $i >/dev/null; done

# --- device info at commissioning, a few reads a cycle ------------------
expect_rc 0 "a first cycle" once
contains "$out" "meters=4 read=4" "...reads every meter"
[ "$(q 'SELECT count(*) FROM meter_params WHERE info_at IS NOT NULL')" = 1 ] &&
	ok "...and the device info of one: one scheduled read per bus and cycle" ||
	not_ok "device info read for $(q 'SELECT count(*) FROM meter_params WHERE info_at IS NOT NULL') meters"
expect_rc 0 "a cycle allowed 20 scheduled reads" once --checks-per-cycle 20
[ "$(q 'SELECT count(*) FROM meter_params WHERE info_at IS NOT NULL')" = 4 ] &&
	ok "...reads every meter's device info" || not_ok "device info: $(q 'SELECT meter_id, number FROM meter_params')"
[ "$(col "meter_type || '/' || number || '/' || key_version" 2)" = "3/000001000002/1" ] &&
	ok "...type, number and key version as the meter reports them" || not_ok "meter 2: $(col "meter_type || '/' || number || '/' || key_version" 2)"

# A wrong meter on the unit: an alarm, and nothing it says is booked.
n=$(q "SELECT count(*) FROM events WHERE kind = 'meter_mismatch' AND meter_id = $(mid 3) AND cleared_at IS NULL")
[ "$n" = 1 ] && ok "unit 3 answering as another meter raises meter_mismatch" || not_ok "meter_mismatch rows: $n"
contains "$(q "SELECT detail FROM events WHERE kind = 'meter_mismatch'")" "answers as meter 000009999999, not 000001000003" "...naming both numbers"
expect_rc 0 "the alarm list shows it" as_admin alarm list --open
contains "$out" "meter_mismatch" "...by its kind"
contains "$(cat "$work/once.err")" "unit 3 of bus gw answers as meter 000009999999" "...and the log says it"
e3=$(q "SELECT energy_wh FROM meter_state WHERE meter_id = $(mid 3)")
e1=$(q "SELECT energy_wh FROM meter_state WHERE meter_id = $(mid 1)")
as_admin meter relay 000001000003 open >/dev/null
metersim_ctl advance 7200 >/dev/null
expect_rc 0 "a cycle two hours later" once
[ "$(q "SELECT energy_wh FROM meter_state WHERE meter_id = $(mid 3)")" = "$e3" ] &&
	[ "$(q "SELECT energy_wh FROM meter_state WHERE meter_id = $(mid 1)")" -gt "$e1" ] &&
	ok "...books no reading of the wrong meter (the others move on)" || not_ok "energy of meter 3: $e3 -> $(q "SELECT energy_wh FROM meter_state WHERE meter_id = $(mid 3)")"
[ "$(q "SELECT state FROM commands WHERE meter_id = $(mid 3)")" = queued ] &&
	[ "$(metersim_field relay "$(metersim_ctl dump 1:3)")" = 0 ] &&
	ok "...and sends it no command (the relay command waits)" || not_ok "command: $(q "SELECT state, reason FROM commands WHERE meter_id = $(mid 3)")"

# Three-phase and key version, learned from the meter.
[ "$(q "SELECT u_b_dv > 0 AND u_c_dv > 0 FROM meter_state WHERE meter_id = $(mid 2)")" = 1 ] &&
	ok "a three-phase meter recorded as single-phase is read with its phases B and C" ||
	not_ok "meter 2 phases: $(q "SELECT u_b_dv, u_c_dv FROM meter_state WHERE meter_id = $(mid 2)")"
contains "$(cat "$work/once.err")" "meter 000001000002 reports itself three-phase" "...and the log says so"
[ "$(q "SELECT key_version FROM meter_wiring WHERE meter_id = $(mid 4)")" = 2 ] &&
	ok "the recharge key version the meter reports (02) replaces the desk's 01" || not_ok "key version: $(q "SELECT key_version FROM meter_wiring WHERE meter_id = $(mid 4)")"
contains "$(cat "$work/once.err")" "meter 000001000004 holds recharge key version 02, the desk had 01" "...logged"

# --- parameters ---------------------------------------------------------
[ -n "$(col params_at 1)" ] && [ -z "$(col params_at 3)" ] &&
	ok "parameters are read for the meters that are what they say" || not_ok "params_at: $(q 'SELECT meter_id, params_at FROM meter_params')"
expect_rc 0 "meter params shows them" as_admin meter params 000001000001
contains "$out" "alarm levels 50.00/20.00/10.00 yuan" "...the alarm levels"
contains "$out" "credit limit 0.00 yuan" "...the credit limit"
contains "$out" "prices       0.9500/0.7800/0.5880/0.3200 yuan/kWh" "...the four prices"
contains "$out" "TOU          00:00=4 08:00=3 10:00=2 12:00=3 18:00=2 19:00=1 21:00=2 23:00=4" "...the TOU table"
contains "$out" "number       000001000001" "...and the device info"
expect_rc 0 "meter params of the wrong meter" as_admin meter params 000001000003
contains "$out" "NOT this meter" "...says it"
expect_rc 1 "meter params of an unknown meter fails" as_admin meter params 000001000099

expect_rc 0 "a credit limit of 10 yuan is queued" as_admin meter set 000001000001 --credit-limit 10
t0=$(col params_at 1)
sleep 1.1
expect_rc 0 "the next cycle writes it" once
[ "$(q "SELECT state FROM commands WHERE meter_id = $(mid 1) AND kind = 'credit_limit'")" = done ] && ok "...done" || not_ok "state: $(q "SELECT state, reason FROM commands WHERE kind = 'credit_limit'")"
[ "$(col credit_limit 1)" = 1000 ] && [ "$(col params_at 1)" -gt "$t0" ] &&
	ok "...and reads the parameters back at once (credit limit 1000 fen)" || not_ok "params: $(col "params_at || ' ' || credit_limit" 1), was $t0"
expect_rc 0 "meter params" as_admin meter params 000001000001
contains "$out" "credit limit 10.00 yuan  (as the desk wrote it)" "...says the meter holds what the desk wrote"
[ "$(q "SELECT count(*) FROM events WHERE kind = 'param_mismatch'")" = 0 ] && ok "...no param_mismatch" || not_ok "param_mismatch raised"

# A technician sets 5 yuan at the meter with a Modbus tool; the daily
# check (made due by moving the last read back a day) finds it.
mbpoll -m tcp -p "${METERSIM_TCP[1]}" -a 1 -r $((0x0106 + 1)) -t 4 -1 127.0.0.1 0 500 >/dev/null 2>&1
q "UPDATE meter_params SET params_at = params_at - 90000 WHERE meter_id = $(mid 1)"
expect_rc 0 "the daily check's cycle" once
n=$(q "SELECT count(*) FROM events WHERE kind = 'param_mismatch' AND meter_id = $(mid 1) AND cleared_at IS NULL")
[ "$n" = 1 ] && ok "a credit limit changed at the meter raises param_mismatch" || not_ok "param_mismatch rows: $n"
contains "$(q "SELECT detail FROM events WHERE kind = 'param_mismatch'")" "credit_limit 5.00 yuan, desk wrote 10.00 yuan" "...saying what and how"
expect_rc 0 "meter params" as_admin meter params 000001000001
contains "$out" "credit limit 5.00 yuan  DIFFERS: the desk wrote 10.00 yuan" "...shows the difference"
contains "$out" "alarm levels 50.00/20.00/10.00 yuan"$'\n' "...and nothing about the parameters the desk never wrote"
expect_rc 0 "the credit limit is sent again" as_admin meter set 000001000001 --credit-limit 10
expect_rc 0 "...and written" once
[ "$(q "SELECT count(*) FROM events WHERE kind = 'param_mismatch' AND cleared_at IS NULL")" = 0 ] &&
	ok "...which clears param_mismatch" || not_ok "still open: $(q "SELECT detail FROM events WHERE kind = 'param_mismatch' AND cleared_at IS NULL")"
t1=$(col params_at 4)
q "UPDATE meter_params SET params_at = params_at - 90000 WHERE meter_id = $(mid 4)"
expect_rc 0 "with --check-hours 0" once --check-hours 0
[ "$(col params_at 4)" = "$((t1 - 90000))" ] && ok "...no daily check is made" || not_ok "params_at $t1 -> $(col params_at 4)"

# --- the wrong meter sorted out: rewired to where meter 3 really is -----
expect_rc 0 "meter 3 is rewired to unit 5" as_admin meter wire 000001000003 --bus gw --unit 5
expect_rc 0 "the next cycle" once
[ "$(q "SELECT count(*) FROM events WHERE kind = 'meter_mismatch' AND cleared_at IS NULL")" = 0 ] &&
	ok "...reads its device info again and clears meter_mismatch" || not_ok "meter_mismatch still open"
[ "$(q "SELECT state FROM commands WHERE meter_id = $(mid 3)")" = done ] &&
	[ "$(metersim_field relay "$(metersim_ctl dump 1:5)")" = 1 ] &&
	ok "...and the waiting relay command goes to the right meter" || not_ok "command: $(q "SELECT state, reason FROM commands WHERE meter_id = $(mid 3)")"

# --- a meter back from offline is identified again ----------------------
metersim_ctl fault 1:1 silent >/dev/null
for i in 1 2 3; do once >/dev/null; done
[ "$(q "SELECT online FROM meter_state WHERE meter_id = $(mid 1)")" = 0 ] && ok "a silent meter goes offline" || not_ok "meter 1 still online"
metersim_ctl fault 1:1 none >/dev/null
q "UPDATE meter_state SET next_probe_at = 0 WHERE meter_id = $(mid 1)"
q "UPDATE meter_params SET info_at = info_at - 1000 WHERE meter_id = $(mid 1)"
i0=$(col info_at 1)
expect_rc 0 "the cycle that finds it again" once
[ "$(col info_at 1)" -gt "$((i0 + 500))" ] && ok "...reads its device info again (it may be another meter now)" || not_ok "info_at $i0 -> $(col info_at 1)"

# --- steady state: one request per meter --------------------------------
once --checks-per-cycle 20 >/dev/null
f0=$(frames)
expect_rc 0 "a cycle with every check done" once
[ $(($(frames) - f0)) = 4 ] && ok "...takes one request per meter ($(($(frames) - f0)) for 4)" || not_ok "requests: $(($(frames) - f0))"

lacks "$(cat "$work/once.err")" "Sanitizer" "no sanitizer reports"
lacks "$(cat "$work/once.err")" "runtime error" "...no undefined behaviour"
tap_done
