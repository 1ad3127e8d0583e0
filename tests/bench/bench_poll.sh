#!/usr/bin/env bash
# Poll-cycle time of one paced RS485 bus against its physical bound
# (docs/meter-map.md §4): metersim paces the line at 9600 8N1 with a
# 20 ms meter turnaround; 32 single-phase meters, one 50-register read
# each. Then the same bus with 2 of 32 meters (6 %) silent: the cycles
# while they go offline, the steady cycle with them off scan, and a cycle
# that probes them. Prints figures; asserts nothing.
set -u
cd "$(dirname "$0")/../.."
top=$(pwd)
SD=${SALEDESK_BIN:-$top/saledesk}
METERSIM_BIN=${METERSIM_BIN:-$top/tests/sim/metersim/metersim}
. tests/lib/metersim.sh
work=$(mktemp -d /tmp/saledesk-bench.XXXXXX)
trap 'metersim_stop; rm -rf "$work"' EXIT
export SALEDESK_DB=$work/bench.db HOME=$work
unset SALEDESK_CONFIG
N=32 BAUD=9600 BITS=10 TA=20
metersim_start -e "bus 1 rtu pace=1 baud=$BAUD framing=8N1 turnaround=$TA" -e "meter 1 1-$N" || exit 1
trap 'metersim_stop; rm -rf "$work"' EXIT
"$SD" init --admin admin --name Admin --site Bench --password-fd 3 3<<<"bench-pass-1" >/dev/null || exit 1
{
	echo "BEGIN;"
	echo "INSERT INTO tariffs(code, name, created_at) VALUES ('RES', 'r', 0);"
	echo "INSERT INTO customers(name, created_at) VALUES ('bench', 0);"
	echo "INSERT INTO accounts(account_no, customer_id, opened_at) VALUES ('1', 1, 0);"
	echo "INSERT INTO buses(name, kind, device, baud, parity, stop_bits, turnaround_ms, created_at) VALUES ('b1', 'rtu', '${METERSIM_RTU[1]}', $BAUD, 'N', 1, $TA, 0);"
	for i in $(seq $N); do
		printf "INSERT INTO meters(meter_no, account_id, tariff_id, mode, installed_at) VALUES ('000001%06d', 1, 1, 'remote', 0);\n" "$i"
		echo "INSERT INTO meter_wiring(meter_id, bus_id, unit_id) VALUES ($i, 1, $i);"
	done
	# Commissioned: device info and parameters read today (no scheduled read).
	echo "INSERT INTO meter_params(meter_id, info_at, meter_type, number, key_version, params_at) SELECT w.meter_id, strftime('%s', 'now'), m.phases, m.meter_no, 1, strftime('%s', 'now') FROM meter_wiring w JOIN meters m ON m.id = w.meter_id;"
	echo "COMMIT;"
} | sqlite3 "$SALEDESK_DB"

cycle() { "$SD" poll --once --stats --interval 10 --drift 0 | sed -n 's/.*cycle_ms=\([0-9]*\).*/\1/p'; }
# Physical bound: per request (8 + 5 + 2·50 bytes) × t_c + max(t3.5, T_ta) + t3.5.
bound=$(awk -v n=$N -v b=$BITS -v baud=$BAUD -v ta=$TA 'BEGIN {
	tc = b / baud * 1000; g = 3.5 * tc; t = (ta > g ? ta : g)
	printf "%.1f", n * ((8 + 105) * tc + t + g) }')
cycle >/dev/null # cold: the first cycle learns each meter's turnaround
best=999999 sum=0 runs=5
for i in $(seq $runs); do
	ms=$(cycle)
	sum=$((sum + ms))
	[ "$ms" -lt "$best" ] && best=$ms
done
mean=$((sum / runs))
echo "bus: $N single-phase meters, ${BAUD} 8N1, turnaround ${TA} ms, paced"
echo "physical bound:          ${bound} ms"
echo "cycle time (mean of $runs):  ${mean} ms   ratio $(awk -v m=$mean -v b=$bound 'BEGIN{printf "%.3f", m/b}')"
echo "cycle time (best):       ${best} ms   ratio $(awk -v m=$best -v b=$bound 'BEGIN{printf "%.3f", m/b}')"

metersim_ctl fault 1:7 silent >/dev/null
metersim_ctl fault 1:23 silent >/dev/null
going=""
for i in 1 2 3; do going="$going $(cycle)"; done
# The smallest of a few cycles: a cycle may include a probe (below).
steady=999999
for i in $(seq $runs); do ms=$(cycle); [ "$ms" -lt "$steady" ] && steady=$ms; done
# Make the two offline meters due for their probe now.
sqlite3 "$SALEDESK_DB" "UPDATE meter_state SET next_probe_at = 0 WHERE online = 0"
probe=$(cycle)
bound30=$(awk -v b=$bound -v n=$N 'BEGIN { printf "%.1f", b * (n - 2) / n }')
echo "with 2 of $N meters silent (6%):"
echo "  cycles while they go offline (K=3):$going ms"
echo "  steady cycle, silent meters off scan: ${steady} ms (bound for 30 meters ${bound30} ms, ratio $(awk -v m=$steady -v b=$bound30 'BEGIN{printf "%.3f", m/b}'); vs all $N answering: $(awk -v s=$steady -v m=$mean 'BEGIN{printf "%+.1f%%", (s-m)*100/m}'))"
echo "  a cycle that probes both: ${probe} ms"
extra=$((probe - steady))
echo "  amortized: probes back off from 10 s to 300 s, so at most ${extra} ms of probing per 300 s = $(awk -v e=$extra 'BEGIN{printf "%.2f%%", e / 3000}') of the bus's time"
