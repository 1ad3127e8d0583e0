#!/usr/bin/env bash
# Desk-billed meters against metersim: each `saledesk poll --once` prices
# the energy a billed meter used since the reading before by its tariff
# (every billed_usage row equals `saledesk tariff cost` for its interval
# and month-to-date energy), the desk balance falls by it, a relay_open is
# queued once when the balance passes the credit limit, the balance
# alarms follow the desk balance, and a sale queues the relay_close. Then
# the daily backup the service takes at [backup] daily_at: once a day,
# remembered across runs, a missing folder logged but never fatal.
. "$(dirname "$0")/../lib/cli.sh"
. "$(dirname "$0")/../lib/metersim.sh"
init_desk
field() { metersim_field "$1" "$(metersim_ctl dump "$2")"; }
# The desk clock has one-second resolution: a cycle in the same second as
# the one before leaves its energy for the next, so wait a second.
once() { sleep 1; sd poll --once --stats --interval 1 --drift 0 "$@" 2>>"$work/once.err"; }

# A constant 2 kW load: one simulated hour is 2 kWh. The meter's own
# balance is huge: the desk keeps a billed meter's money, not the meter.
metersim_require -e "bus 1 rtu link=$work/ttyb" -e 'meter 1 1 balance=9999999 load=2000' \
	-e 'meter 1 2 balance=9999999 load=2000'
trap service_test_cleanup EXIT
as_admin operator add cash --name "Cash" --roles cashier --new-password-fd 4 4<<<"cash-pw-1" >/dev/null
as_admin operator add tech --name "Tech" --roles technician --new-password-fd 4 4<<<"tech-pw-1" >/dev/null
cash() { as cash cash-pw-1 "$@"; }
tech() { as tech tech-pw-1 "$@"; }
# Tier blocks make the month-to-date count: above 3 kWh the price doubles.
as_admin tariff add TB --name tiered --spec "flat 0.5000 tiers=0-3kWh:+0.0000,3kWh-:+0.5000" >/dev/null
expect_rc 0 "an account with a billed meter is opened" as_admin account open --name "Billed" \
	--meter 000001000001:TB:billed:1 --credit-limit 5 --alarm1 8 --alarm2 6 --alarm3 2
as_admin account open --name "Remote" --meter 000001000002:TB:remote:1 >/dev/null
ACC=$(q "SELECT a.account_no FROM accounts a JOIN meters m ON m.account_id = a.id WHERE m.meter_no = '000001000001'")
MID=$(q "SELECT id FROM meters WHERE meter_no = '000001000001'")
tech bus add line1 --rtu "$work/ttyb" --turnaround 5 >/dev/null
tech meter wire 000001000001 --bus line1 --unit 1 >/dev/null
tech meter wire 000001000002 --bus line1 --unit 2 >/dev/null
balance() {
	q "SELECT (SELECT ifnull(sum(amount), 0) FROM ledger WHERE account_id = (SELECT id FROM accounts WHERE account_no = '$ACC') AND kind IN ('sale', 'refund', 'adjustment')) - (SELECT ifnull(sum(fen), 0) FROM billed_usage WHERE meter_id = $MID)"
}
open_alarm() { q "SELECT count(*) FROM events WHERE kind = '$1' AND meter_id = $MID AND cleared_at IS NULL"; }

cash shift open >/dev/null
expect_rc 0 "a billed meter's sale needs no card" cash sale "$ACC" --amount 10
[ "$(balance)" = 1000 ] && ok "...the desk balance is 10.00" || not_ok "balance $(balance)"

expect_rc 0 "the first reading" once
contains "$out" "meters=2 read=2" "...reads both meters"
[ "$(q "SELECT count(*) FROM billed_usage")" = 0 ] && ok "...and bills nothing: there is no reading before it" || not_ok "rows after the first reading: $(q 'SELECT * FROM billed_usage')"

# Two simulated hours in four cycles, then four more hours at once.
for adv in 3600 3600 10800 14400; do
	metersim_ctl advance $adv >/dev/null
	once >/dev/null
done
[ "$(q "SELECT count(*) FROM billed_usage WHERE meter_id <> $MID")" = 0 ] && ok "a remote meter is never billed" || not_ok "remote meter billed"
[ "$(q "SELECT count(*) FROM billed_usage WHERE meter_id = $MID")" = 4 ] && ok "one usage row per cycle with consumption" || not_ok "rows: $(q 'SELECT * FROM billed_usage')"
e_sim=$(field energy_wh 1:1)
e_first=$(q "SELECT min(energy_from) FROM billed_usage")
[ "$(q "SELECT sum(wh) FROM billed_usage")" = "$(( $(q "SELECT energy_wh FROM meter_state WHERE meter_id = $MID") - e_first ))" ] &&
	ok "...the rows add up to the meter's energy since the first reading" || not_ok "sum $(q 'SELECT sum(wh) FROM billed_usage'), sim $e_sim, first $e_first"
[ "$(q "SELECT count(*) FROM billed_usage a JOIN billed_usage b ON b.meter_id = a.meter_id AND b.from_ts = a.to_ts AND b.energy_from = a.energy_to")" = 3 ] &&
	ok "...each row starts where the one before ended" || not_ok "rows not contiguous"
# Each row priced as `saledesk tariff cost` prices its interval.
local_time() { date -u -d "@$(($1 + 28800))" '+%Y-%m-%d %H:%M:%S'; }
kwh() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
all_equal=1
while IFS='|' read -r from to wh mtd fen; do
	c=$(as_admin tariff cost TB --kwh "$(kwh "$wh")" --month-used "$(kwh "$mtd")" \
		--from "$(local_time "$from")" --to "$(local_time "$to")" --format tsv | awk -F'\t' '$1 == "cost_yuan" { print $2 }')
	want=$(printf '%d.%02d' $((fen / 100)) $((fen % 100)))
	[ "$c" = "$want" ] || { all_equal=0; echo "# row $from-$to $wh Wh mtd $mtd: billed $want, tariff cost $c"; }
done < <(q "SELECT from_ts, to_ts, wh, mtd_wh, fen FROM billed_usage WHERE meter_id = $MID ORDER BY to_ts")
[ $all_equal = 1 ] && ok "every usage row is priced exactly as tariff cost prices it" || not_ok "usage rows differ from tariff cost"
[ "$(q "SELECT mtd_wh FROM billed_usage ORDER BY to_ts LIMIT 1 OFFSET 1")" -ge 1900 ] &&
	ok "...with the month-to-date energy before it for the tiers" || not_ok "mtd: $(q 'SELECT mtd_wh FROM billed_usage')"
[ "$(q "SELECT count(*) FROM ledger WHERE account_id = (SELECT id FROM accounts WHERE account_no = '$ACC')")" = 1 ] &&
	ok "consumption is not a cash movement: the ledger holds only the sale" || not_ok "ledger rows: $(q 'SELECT kind, amount FROM ledger')"
b=$(balance)
[ "$b" -lt -500 ] && ok "the desk balance fell below the credit limit (-5.00): $b fen" || not_ok "balance $b"
[ "$(q "SELECT count(*) FROM commands WHERE meter_id = $MID AND kind = 'relay_open'")" = 1 ] &&
	ok "...a relay_open is queued" || not_ok "relay_open commands: $(q "SELECT kind, state FROM commands WHERE meter_id = $MID")"
[ "$(open_alarm arrears)" = 1 ] && ok "...arrears is raised from the desk balance" || not_ok "arrears: $(q "SELECT kind, detail FROM events WHERE meter_id = $MID")"
contains "$(q "SELECT detail FROM events WHERE kind = 'arrears' AND meter_id = $MID")" "desk balance" "...naming the desk balance"
[ "$(open_alarm low_balance_3)" = 1 ] && [ "$(open_alarm low_balance_1)" = 0 ] &&
	ok "...and only the deepest low-balance level (alarm3) is open" || not_ok "low balance: $(q "SELECT kind, cleared_at FROM events WHERE meter_id = $MID")"
[ "$(q "SELECT count(*) FROM events WHERE kind = 'low_balance_1' AND meter_id = $MID")" = 1 ] &&
	ok "...after alarm1 was raised on the way down" || not_ok "low_balance_1 rows: $(q "SELECT kind, raised_at, cleared_at FROM events WHERE meter_id = $MID")"
[ "$(q "SELECT count(*) FROM events WHERE kind LIKE 'low_balance_%' AND meter_id <> $MID")" = 0 ] &&
	ok "the remote meter's alarms still follow its own registers (a full meter: none)" || not_ok "remote alarms"

once >/dev/null
[ "$(q "SELECT state FROM commands WHERE meter_id = $MID AND kind = 'relay_open'")" = done ] && ok "the next cycle opens the relay" || not_ok "relay_open: $(q "SELECT state, reason FROM commands WHERE kind = 'relay_open'")"
[ "$(field relay 1:1)/$(field reason 1:1)" = "1/1" ] && ok "...the meter's relay is open by remote command" || not_ok "meter relay $(field relay 1:1)/$(field reason 1:1)"
metersim_ctl advance 600 >/dev/null
once >/dev/null
once >/dev/null
[ "$(q "SELECT count(*) FROM commands WHERE meter_id = $MID AND kind = 'relay_open'")" = 1 ] &&
	ok "...queued once: later cycles queue no more" || not_ok "relay_open count $(q "SELECT count(*) FROM commands WHERE kind = 'relay_open'")"
[ "$(q "SELECT count(*) FROM events WHERE kind = 'relay_tripped' AND meter_id = $MID")" = 0 ] &&
	ok "...a desk trip is not a relay_tripped alarm" || not_ok "relay_tripped raised"

expect_rc 0 "a sale lifts the balance over the limit" cash sale "$ACC" --amount 10
[ "$(q "SELECT count(*) FROM commands WHERE meter_id = $MID AND kind = 'relay_close' AND state = 'queued'")" = 1 ] &&
	ok "...and queues a relay_close" || not_ok "relay_close: $(q "SELECT kind, state FROM commands WHERE meter_id = $MID")"
once >/dev/null
[ "$(field relay 1:1)" = 0 ] && ok "...the next cycle closes the relay" || not_ok "relay still $(field relay 1:1)"
[ "$(open_alarm arrears)" = 0 ] && ok "...and clears arrears" || not_ok "arrears still open"
lacks "$(cat "$work/once.err")" "runtime error" "no sanitizer reports"
lacks "$(cat "$work/once.err")" "Sanitizer" "...nor leaks"
! q "DELETE FROM billed_usage" 2>/dev/null && ok "billed usage is append-only (no DELETE)" || not_ok "billed usage deleted"
! q "UPDATE billed_usage SET fen = 0" 2>/dev/null && ok "...nor UPDATE" || not_ok "billed usage updated"

# --- the daily backup ---------------------------------------------------
mkdir -p "$work/bk"
conf() { printf '[backup]\ndir = %s\ndaily_at = %s\n' "$1" "$2" >"$work/sd.conf"; }
nbackups() { find "$work/bk" -name 'saledesk-*' ! -name '*.manifest' | wc -l; }
export SALEDESK_CONFIG=$work/sd.conf
conf "$work/bk" 25:00
expect_rc 1 "daily_at must be a time of day" sd config show
conf "$work/bk" 00:00
expect_rc 0 "config show lists daily_at" sd config show --format tsv
contains "$out" $'backup.daily_at\t00:00' "...as set"
today=$(date -u -d "@$(($(date +%s) + 28800))" +%Y-%m-%d)
SALEDESK_LOG=info once >/dev/null
[ "$(nbackups)" = 1 ] && ok "poll takes the daily backup once its time has passed" || not_ok "backups: $(ls "$work/bk")"
contains "$(cat "$work/once.err")" "daily backup written" "...and logs it"
[ "$(q "SELECT value FROM settings WHERE key = 'backup.last_daily'")" = "$today" ] && ok "...and records the day" || not_ok "backup.last_daily: $(q "SELECT value FROM settings WHERE key = 'backup.last_daily'")"
once >/dev/null
[ "$(nbackups)" = 1 ] && ok "a second run the same day takes none" || not_ok "backups: $(ls "$work/bk")"
q "DELETE FROM settings WHERE key = 'backup.last_daily'"
if [ "$(date -u -d "@$(($(date +%s) + 28800))" +%H%M)" -lt 2358 ]; then
	conf "$work/bk" 23:59
	once >/dev/null
	[ "$(nbackups)" = 1 ] && ok "none before daily_at" || not_ok "backups before time: $(ls "$work/bk")"
else
	ok "none before daily_at # SKIP too close to midnight"
fi
conf "$work/bk" off
once >/dev/null
[ "$(nbackups)" = 1 ] && ok "daily_at = off takes none" || not_ok "backups with off: $(ls "$work/bk")"
conf "$work/missing" 00:00
: >"$work/once.err"
expect_rc 0 "a missing backup folder does not stop the service" once
contains "$out" "meters=2 read=2" "...which still polls"
contains "$(cat "$work/once.err")" "daily backup failed" "...and logs the failure"
contains "$(cat "$work/once.err")" "$work/missing" "...naming the folder"
tap_done
