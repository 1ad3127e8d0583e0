#!/usr/bin/env bash
# The daily energy export from the command line: a day of readings of two
# meters (one across local midnight) written as the documented CSV, into
# the configured folder or --dir, atomically, audited; refusals say why.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/cli.sh
is() { [ "$1" = "$2" ] && ok "$3" || { not_ok "$3"; echo "# got '$1', wanted '$2'"; }; }
db() { sqlite3 "$SALEDESK_DB" "$1"; }

init_desk
as_admin tariff add RES --name "居民" --spec "flat 0.5" --effective 2026-01-01 >/dev/null || echo "Bail out! tariff"
as_admin operator add li --name "李娜" --roles cashier --new-password-fd 4 4<<<"cashier-pw-1" >/dev/null
as_admin account open --name "甲" --room 101 --meter 202400000001 --tariff RES --mode remote >/dev/null
as_admin account open --name "乙" --room 102 --meter 202400000002 --tariff RES --mode remote >/dev/null
# 2026-11-23 in UTC+8: local midnight is 2026-11-22T16:00Z = 1795363200
D0=1795363200
H=3600
{
	echo "BEGIN;"
	# meter 1: 100.000 kWh at local midnight, 103.500 at the next; meter 2
	# first read during the day
	for m in 1 2; do :; done
	echo "INSERT INTO meter_history VALUES (1, $((D0 - 900)), 100000, 0, 0, 2200, 0);"
	echo "INSERT INTO meter_history VALUES (1, $((D0 + 12 * H)), 102000, 0, 0, 2200, 0);"
	echo "INSERT INTO meter_history VALUES (1, $((D0 + 24 * H - 900)), 103500, 0, 0, 2200, 0);"
	echo "INSERT INTO meter_history VALUES (2, $((D0 + 6 * H)), 5000, 0, 0, 2200, 0);"
	echo "INSERT INTO meter_history VALUES (2, $((D0 + 20 * H)), 5250, 0, 0, 2200, 0);"
	echo "INSERT INTO energy_hourly VALUES (1, $((D0 + 11 * H)), 2000);"
	echo "INSERT INTO energy_hourly VALUES (1, $((D0 + 23 * H)), 1500);"
	echo "INSERT INTO energy_hourly VALUES (2, $((D0 + 19 * H)), 250);"
	echo "INSERT INTO energy_daily VALUES (1, $D0, 3500);"
	echo "INSERT INTO energy_daily VALUES (2, $D0, 250);"
	echo "COMMIT;"
} | sqlite3 "$SALEDESK_DB"

OUT=$work/export
expect_rc 1 "without a folder it says where to set one" as_admin report export --day 2026-11-23
contains "$err" "[export] dir" "...naming --dir and [export] dir"
expect_rc 2 "a bad date is a usage error" as_admin report export --day 2026-13-01 --dir "$OUT"
mkdir -p "$OUT"
expect_rc 0 "the day is exported with --dir" as_admin report export --day 2026-11-23 --dir "$OUT"
F=$OUT/energy-20261123.csv
contains "$out" "$F" "...and the file named"
[ -f "$F" ] && ok "the file is there" || not_ok "the file is there"
is "$(head -1 "$F" | tr -d '\r')" \
	"date,meter_no,account_no,start_kwh,end_kwh,kwh,sharp_kwh,peak_kwh,flat_kwh,valley_kwh" \
	"the documented header"
is "$(sed -n 2p "$F" | tr -d '\r')" "2026-11-23,202400000001,00000001,100.000,103.500,3.500,0.000,0.000,3.500,0.000" \
	"meter 1: from the reading before midnight to the last of the day, flat rate"
is "$(sed -n 3p "$F" | tr -d '\r')" "2026-11-23,202400000002,00000002,5.000,5.250,0.250,0.000,0.000,0.250,0.000" \
	"meter 2: from its first reading of the day"
is "$(grep -c $'\r$' "$F")" 3 "CRLF line ends"
is "$(ls -A "$OUT" | wc -l)" 1 "no temporary file is left beside it"
expect_rc 0 "the export is audited" as_admin audit list --last 3
contains "$out" "report.export" "...as report.export"
printf '[export]\ndir = %s\n' "$OUT/conf" >"$work/saledesk.conf"
mkdir -p "$OUT/conf"
expect_rc 0 "the configured folder is the default" env SALEDESK_CONFIG="$work/saledesk.conf" \
	"$SD" report export --day 2026-11-23 --operator admin --password-fd 3 3<<<"$ADMIN_PW"
[ -f "$OUT/conf/energy-20261123.csv" ] && ok "...the file is there" || not_ok "...the file is there"
expect_rc 1 "a folder that does not exist is refused" as_admin report export --day 2026-11-23 \
	--dir "$work/nowhere"
expect_rc 0 "a cashier may export energy too" as li cashier-pw-1 report export --day 2026-11-23 --dir "$OUT"
tap_done
