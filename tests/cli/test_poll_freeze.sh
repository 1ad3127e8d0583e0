#!/usr/bin/env bash
# Monthly freeze back-fill (docs/poll.md §3): when the service was down
# over one or more month starts, the next poll reads every freeze record
# the meter made meanwhile (one read for up to 6, two for 7-12), stores
# each, and checks it against the desk's own readings; a meter the desk
# never read gives up all it keeps. metersim's clock is moved on with
# `advance` while the service is not running. Every process started here
# is stopped by the EXIT trap.
. "$(dirname "$0")/../lib/cli.sh"
. "$(dirname "$0")/../lib/metersim.sh"
init_desk
metersim_require -e 'bus 1 tcp' -e 'meter 1 1-3 load=800'
mid() { q "SELECT id FROM meters WHERE meter_no = '00000100000$1'"; }
freezes() { q "SELECT count(*) FROM meter_freezes WHERE meter_id = $(mid "$1")"; }
seq_of() { metersim_field freeze_seq "$(metersim_ctl dump "1:$1")"; }
as_admin tariff add RES --name r --spec "flat 0.588" >/dev/null
for i in 1 2 3; do as_admin account open --name "M$i" --meter "00000100000$i:RES:remote:1" >/dev/null; done
as_admin bus add gw --tcp "127.0.0.1:${METERSIM_TCP[1]}" >/dev/null
as_admin meter wire 000001000001 --bus gw --unit 1 >/dev/null
as_admin meter wire 000001000002 --bus gw --unit 2 >/dev/null

expect_rc 0 "a first cycle" once
contains "$out" "meters=2 read=2" "...reads both meters"
[ "$(q 'SELECT count(*) FROM meter_freezes')" = 0 ] && ok "...no freeze yet (sequence 0)" || not_ok "freezes: $(q 'SELECT count(*) FROM meter_freezes')"

# The service is down for 100 days: three or four month starts pass.
metersim_ctl advance $((100 * 86400)) >/dev/null
s1=$(seq_of 1)
expect_rc 0 "the first cycle after 100 days down" once
[ "$(freezes 1)" = "$s1" ] && [ "$s1" -ge 3 ] && ok "every missed freeze is read back ($s1 records)" || not_ok "meter 1: $(freezes 1) records, meter sequence $s1"
[ "$(q "SELECT count(*) FROM meter_freezes WHERE strftime('%d %H:%M:%S', freeze_at + 28800, 'unixepoch') <> '01 00:00:00'")" = 0 ] &&
	ok "...each stamped 00:00 on a 1st, site time" || not_ok "freeze times: $(q "SELECT datetime(freeze_at + 28800, 'unixepoch') FROM meter_freezes")"
[ "$(q "SELECT count(*) FROM meter_freezes a JOIN meter_freezes b ON a.meter_id = b.meter_id AND a.freeze_at < b.freeze_at AND a.energy_wh > b.energy_wh")" = 0 ] &&
	ok "...their totals rise month by month" || not_ok "freeze totals fall"
[ "$(q "SELECT count(*) FROM meter_freezes WHERE meter_id = $(mid 1) AND reading_wh IS NOT NULL AND reading_wh <= energy_wh")" = "$s1" ] &&
	ok "...each is checked against the desk's reading before it" || not_ok "reading_wh: $(q "SELECT freeze_at, energy_wh, reading_wh FROM meter_freezes WHERE meter_id = $(mid 1)")"
# The newest record as a Modbus client reads it (record 1 at 0x0400).
raw=$(mbpoll -m tcp -p "${METERSIM_TCP[1]}" -a 1 -r 1027 -c 2 -t 4:int -B -1 127.0.0.1 2>/dev/null | sed -n 's/^\[1027\]:[[:space:]]*//p')
[ -n "$raw" ] && [ "$(q "SELECT energy_wh FROM meter_freezes WHERE meter_id = $(mid 1) ORDER BY freeze_at DESC LIMIT 1")" = "$((raw * 10))" ] &&
	ok "...the newest holds the meter's frozen total (mbpoll: $raw × 0.01 kWh)" || not_ok "newest: desk $(q "SELECT energy_wh FROM meter_freezes WHERE meter_id = $(mid 1) ORDER BY freeze_at DESC LIMIT 1"), mbpoll '$raw'"
[ "$(q "SELECT count(*) FROM events WHERE kind = 'freeze_mismatch'")" = 0 ] && ok "...and none disagrees" || not_ok "freeze_mismatch: $(q "SELECT detail FROM events WHERE kind = 'freeze_mismatch'")"
expect_rc 0 "the next cycle" once
[ "$(freezes 1)" = "$s1" ] && ok "...reads no freeze again" || not_ok "records now $(freezes 1)"

# A meter the desk never read gives up all it keeps.
as_admin meter wire 000001000003 --bus gw --unit 3 >/dev/null
once >/dev/null
[ "$(freezes 3)" = "$(seq_of 3)" ] && ok "a newly wired meter: its $(seq_of 3) records are read" || not_ok "meter 3: $(freezes 3) vs $(seq_of 3)"

# Eight months down: two reads (records 1-6 and 7-12).
b1=$(freezes 1)
once --checks-per-cycle 20 >/dev/null # device info and parameters read: none due below
p0=$(metersim_field frames "$(metersim_ctl stats 1)")
metersim_ctl advance $((245 * 86400)) >/dev/null
s1b=$(seq_of 1)
once >/dev/null
[ "$(freezes 1)" = $((b1 + s1b - s1)) ] && [ $((s1b - s1)) -ge 7 ] && ok "8 months down: $((s1b - s1)) records read back" || not_ok "meter 1: $b1 -> $(freezes 1), sequence $s1 -> $s1b"
p1=$(metersim_field frames "$(metersim_ctl stats 1)")
# 3 meters: a live read and two freeze reads each.
[ $((p1 - p0)) = 9 ] && ok "...in two freeze reads per meter ($((p1 - p0)) requests for 3 meters)" || not_ok "requests: $((p1 - p0))"

# The desk read more before a freeze than the meter froze: a mismatch.
q "UPDATE meter_history SET energy_wh = energy_wh + 100000000 WHERE meter_id = $(mid 2)"
q "UPDATE meter_state SET energy_wh = energy_wh + 100000000 WHERE meter_id = $(mid 2)"
metersim_ctl advance $((40 * 86400)) >/dev/null
once >/dev/null
n=$(q "SELECT count(*) FROM events WHERE kind = 'freeze_mismatch' AND meter_id = $(mid 2)")
[ "$n" = 1 ] && ok "a freeze below the desk's earlier reading raises freeze_mismatch" || not_ok "freeze_mismatch rows for meter 2: $n"
contains "$(q "SELECT detail FROM events WHERE kind = 'freeze_mismatch'")" "the desk read" "...saying what disagrees"
[ "$(q "SELECT count(*) FROM events WHERE kind = 'freeze_mismatch' AND meter_id <> $(mid 2)")" = 0 ] && ok "...for that meter only" || not_ok "other meters flagged"
lacks "$(cat "$work/once.err")" "Sanitizer" "no sanitizer reports"
lacks "$(cat "$work/once.err")" "runtime error" "...no undefined behaviour"
tap_done
