#!/usr/bin/env bash
# The site benchmarks of issue 7 §8, against metersim pacing every line at
# 9600 bit/s 8N1 with a 20 ms meter turnaround (replies held for the wire
# time of request and reply plus the turnaround, the line busy for t3.5
# after):
#   S3: 260 single-phase meters on 14 RS485 lines (8 × 19 + 6 × 18)
#   S4: 324 single-phase meters on 12 RS485 lines (12 × 27)
#   S2: 5,407 single-phase meters behind 224 Modbus TCP gateways on
#       loopback (31 × 25 + 193 × 24), each gateway's serial side paced
# For S3 and S4: the site's cycle (its slowest line, lines run in
# parallel), the physical bound of the busiest line, their ratio (goal
# ≤ 1.15), and 5 % silent meters: the cycles while they go offline, the
# steady cycle with them off scan, a cycle that probes them, the
# amortized probe cost (goal ≤ 5 %). For S2: cycle, CPU time and peak
# resident memory of `saledesk poll --once` (getrusage of the child).
# S4x: S4's lines with every third meter three-phase (68 registers a read
# instead of 50): cycle, bound and ratio with the longer replies.
# Then the peers on S3's busiest line: a plain libmodbus loop
# (tests/bench/peer_naive.c: one request per value, default timeouts) and
# mbpoll reading each meter in turn. Prints figures; asserts nothing.
# BENCH_SITES="S3 S4 S4x S2 peers" picks parts.
set -u
cd "$(dirname "$0")/../.."
top=$(pwd)
SD=${SALEDESK_BIN:-$top/build/rel/saledesk}
PEER=${PEER_NAIVE:-$top/build/rel/tests/bench/peer_naive}
METERSIM_BIN=${METERSIM_BIN:-$top/tests/sim/metersim/metersim}
. tests/lib/metersim.sh
work=$(mktemp -d /tmp/saledesk-bench.XXXXXX)
trap 'metersim_stop; rm -rf "$work"' EXIT
export HOME=$work
unset SALEDESK_CONFIG
BAUD=9600 BITS=10 TA=20 INTERVAL=10 BACKOFF_MAX=300
PARTS=${BENCH_SITES:-S3 S4 S4x S2 peers}
THREE_EVERY=0 # site_db and sim_args: every Nth unit three-phase (0: none)

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"

# per_meter N: the bound of one single-phase live read (50 registers):
# (8 + 105) bytes × t_c + max(t3.5, T_ta) + t3.5, in ms.
per_meter() {
	awk -v b=$BITS -v baud=$BAUD -v ta=$TA 'BEGIN {
		tc = b / baud * 1000; g = 3.5 * tc; t = (ta > g ? ta : g)
		printf "%.3f", (8 + 105) * tc + t + g }'
}
PER=$(per_meter)
# The same for a three-phase live read (68 registers, 141-byte reply).
PER3=$(awk -v b=$BITS -v baud=$BAUD -v ta=$TA 'BEGIN {
	tc = b / baud * 1000; g = 3.5 * tc; t = (ta > g ? ta : g)
	printf "%.3f", (8 + 141) * tc + t + g }')
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# site_db DB KIND COUNTS...: a database with one bus per count (bus i
# has units 1..count_i, meter numbers as metersim numbers them). KIND rtu
# takes the ptys from METERSIM_RTU, tcp the ports from METERSIM_TCP.
site_db() {
	local db=$1 kind=$2 i=0 c where
	shift 2
	export SALEDESK_DB=$db
	"$SD" init --admin admin --name Admin --site Bench --password-fd 3 3<<<"bench-pass-1" >/dev/null || return 1
	{
		echo "BEGIN;"
		echo "INSERT INTO tariffs(code, name, created_at) VALUES ('RES', 'r', 0);"
		echo "INSERT INTO customers(name, created_at) VALUES ('bench', 0);"
		echo "INSERT INTO accounts(account_no, customer_id, opened_at) VALUES ('1', 1, 0);"
		for c in "$@"; do
			i=$((i + 1))
			if [ "$kind" = rtu ]; then
				echo "INSERT INTO buses(id, name, kind, device, baud, parity, stop_bits, turnaround_ms, created_at) VALUES ($i, 'line$i', 'rtu', '${METERSIM_RTU[$i]}', $BAUD, 'N', 1, $TA, 0);"
			else
				echo "INSERT INTO buses(id, name, kind, host, port, turnaround_ms, created_at) VALUES ($i, 'gw$i', 'tcp', '127.0.0.1', ${METERSIM_TCP[$i]}, $TA, 0);"
			fi
			awk -v b=$i -v n="$c" -v e=$THREE_EVERY 'BEGIN { for (u = 1; u <= n; u++) {
				printf "INSERT INTO meters(meter_no, account_id, tariff_id, mode, phases, installed_at) VALUES (\"%06d%06d\", 1, 1, \"remote\", %d, 0);\n", b, u, (e && u % e == 0) ? 3 : 1
				printf "INSERT INTO meter_wiring(meter_id, bus_id, unit_id) VALUES (last_insert_rowid(), %d, %d);\n", b, u } }'
		done
		# A site in service: every meter's device info and parameters
		# were read today, so no scheduled read falls in a measured cycle.
		echo "INSERT INTO meter_params(meter_id, info_at, meter_type, number, key_version, params_at) SELECT w.meter_id, strftime('%s', 'now'), m.phases, m.meter_no, 1, strftime('%s', 'now') FROM meter_wiring w JOIN meters m ON m.id = w.meter_id;"
		echo "COMMIT;"
	} | sqlite3 "$db"
}

# sim_lines KIND COUNTS...: metersim -e arguments for the site.
sim_args() {
	local kind=$1 i=0 c
	shift
	SIM=()
	for c in "$@"; do
		i=$((i + 1))
		SIM+=(-e "bus $i $kind pace=1 baud=$BAUD framing=8N1 turnaround=$TA")
		if [ "$THREE_EVERY" -gt 0 ]; then
			SIM+=(-e "meter $i $(seq -s, 1 "$c" | tr , '\n' | awk -v e=$THREE_EVERY '$1 % e' | paste -sd,)")
			SIM+=(-e "meter $i $(seq "$THREE_EVERY" "$THREE_EVERY" "$c" | paste -sd,) phases=3")
		else
			SIM+=(-e "meter $i 1-$c")
		fi
	done
}

# once: one `poll --once`; sets CYC (the slowest bus's cycle_ms), TOT
# (its total_ms with the database write), READ (meters read), and
# STATS (the raw lines).
once() {
	STATS=$("$SD" poll --once --stats --interval $INTERVAL --drift 0 2>>"$work/poll.err")
	CYC=$(sed -n 's/.*cycle_ms=\([0-9]*\).*/\1/p' <<<"$STATS" | sort -n | tail -1)
	TOT=$(sed -n 's/.*total_ms=\([0-9]*\).*/\1/p' <<<"$STATS" | sort -n | tail -1)
	READ=$(sed -n 's/.* read=\([0-9]*\).*/\1/p' <<<"$STATS" | awk '{ s += $1 } END { print s + 0 }')
}

# bus_cycle NAME: cycle_ms of bus NAME in the last STATS.
bus_cycle() { sed -n "s/^bus $1: .*cycle_ms=\([0-9]*\).*/\1/p" <<<"$STATS"; }

# rtu_site NAME COUNTS...: the S3/S4 figures.
rtu_site() {
	local name=$1 runs=3 i best sum mean going steady probe busiest nsilent total bound
	shift
	busiest=$(printf '%s\n' "$@" | sort -n | tail -1)
	total=$(printf '%s\n' "$@" | awk '{ s += $1 } END { print s }')
	sim_args rtu "$@"
	metersim_start "${SIM[@]}" || return 1
	site_db "$work/$name.db" rtu "$@" || return 1
	bound=$(calc "%.1f" "$busiest * $PER")
	once # cold: learns each meter's turnaround
	best=999999 sum=0
	for i in $(seq $runs); do
		once
		sum=$((sum + CYC))
		[ "$CYC" -lt "$best" ] && best=$CYC
	done
	mean=$((sum / runs))
	echo "$name: $total single-phase meters on $# lines (busiest $busiest), ${BAUD} 8N1, turnaround ${TA} ms, paced"
	echo "  physical bound of the busiest line: ${bound} ms ($busiest × $(calc %.2f "$PER") ms)"
	echo "  site cycle, all answering (slowest line, mean of $runs): ${mean} ms  ratio $(calc %.3f "$mean / $bound")"
	echo "  site cycle (best of $runs): ${best} ms  ratio $(calc %.3f "$best / $bound");  with the database write: ${TOT} ms; meters read: $READ"
	# The daily parameter check: at most one 37-register read per line
	# and cycle (--checks-per-cycle 1), here made due for every meter.
	sqlite3 "$SALEDESK_DB" "UPDATE meter_params SET params_at = params_at - 90000"
	once
	sqlite3 "$SALEDESK_DB" "UPDATE meter_params SET params_at = strftime('%s', 'now')"
	echo "  a cycle with its scheduled parameter read (one per line, the daily check): ${CYC} ms (+$((CYC - mean)) ms over the mean)"
	# 5 % silent: the meter with unit 7 on as many lines as it takes,
	# the busiest lines first.
	nsilent=$(( (total * 5 + 99) / 100 ))
	[ $((nsilent * 100)) -gt $((total * 5)) ] && nsilent=$((nsilent - 1))
	for i in $(seq $nsilent); do
		if [ "$i" -le $# ]; then metersim_ctl fault "$i:7" silent >/dev/null
		else metersim_ctl fault "$((i - $#)):9" silent >/dev/null; fi
	done
	going=""
	for i in 1 2 3; do once; going="$going $CYC"; done
	steady=999999
	for i in $(seq $runs); do once; [ "$CYC" -lt "$steady" ] && steady=$CYC; done
	# The steady site cycle is the line with the most answering meters.
	local answering=0 j=0 c sil expect
	for c in "$@"; do
		j=$((j + 1))
		sil=$(( (j <= nsilent) + (j + $# <= nsilent) ))
		[ $((c - sil)) -gt "$answering" ] && answering=$((c - sil))
	done
	expect=$(calc "%.1f" "$mean * $answering / $busiest")
	sqlite3 "$SALEDESK_DB" "UPDATE meter_state SET next_probe_at = 0 WHERE online = 0"
	once
	probe=$CYC
	echo "  with $nsilent of $total meters silent ($(calc %.1f "$nsilent * 100 / $total") %; unit 7 on every line, unit 9 too on the first $((nsilent > $# ? nsilent - $# : 0)); at most $answering answering on a line):"
	echo "    cycles while they go offline (K=3):$going ms (all answering: $mean ms)"
	echo "    steady, silent meters off scan: ${steady} ms; bound of the line's $answering answering meters $(calc %.1f "$answering * $PER") ms, ratio $(calc %.3f "$steady / ($answering * $PER)")"
	echo "    extra over those meters' share of the all-answering cycle ($expect ms): $(calc %+.1f "($steady - $expect) * 100 / $expect") %"
	echo "    a cycle that probes them: ${probe} ms (+$((probe - steady)) ms)"
	echo "    amortized: one probe per ${BACKOFF_MAX} s at the backoff ceiling, cycles every ${INTERVAL} s: $(calc %.2f "($probe - $steady) * 100 / ($BACKOFF_MAX / $INTERVAL * $steady)") % of the line's busy time"
	if [ "$name" = S3 ]; then
		peers "$busiest"
	fi
	metersim_stop
}

# mixed_site NAME EVERY COUNTS...: every EVERY-th unit three-phase; the
# cycle against the bound of the busiest line with its mix of reads.
mixed_site() {
	local name=$1 every=$2 runs=3 i best=999999 sum=0 bound=0 c n3 lb total=0 n3all=0
	shift 2
	THREE_EVERY=$every
	for c in "$@"; do
		n3=$((c / every))
		total=$((total + c)); n3all=$((n3all + n3))
		lb=$(calc "%.1f" "($c - $n3) * $PER + $n3 * $PER3")
		[ "$(calc %d "($lb > $bound)")" = 1 ] && bound=$lb
	done
	sim_args rtu "$@"
	metersim_start "${SIM[@]}" || return 1
	site_db "$work/$name.db" rtu "$@" || return 1
	THREE_EVERY=0
	once
	for i in $(seq $runs); do
		once
		sum=$((sum + CYC))
		[ "$CYC" -lt "$best" ] && best=$CYC
	done
	echo "$name: $total meters on $# lines, $n3all of them three-phase (units ${every}, $((2 * every)), ...), ${BAUD} 8N1, turnaround ${TA} ms, paced"
	echo "  physical bound of the busiest line: ${bound} ms (single-phase read $(calc %.2f "$PER") ms, three-phase $(calc %.2f "$PER3") ms)"
	echo "  site cycle (mean of $runs): $((sum / runs)) ms  ratio $(calc %.3f "$sum / $runs / $bound"); best ${best} ms  ratio $(calc %.3f "$best / $bound"); with the database write: ${TOT} ms (ratio $(calc %.3f "$TOT / $bound")); meters read: $READ"
	metersim_stop
}

# peers N: the plain libmodbus loop and mbpoll on line 1 (N meters).
peers() {
	local n=$1 dev=${METERSIM_RTU[1]} i t0 t1 out mb
	case " $PARTS " in *" peers "*) ;; *) return 0 ;; esac
	for i in $(seq $n); do metersim_ctl fault "1:$i" none >/dev/null; done
	# Ours on this line alone, for the same meters.
	sqlite3 "$SALEDESK_DB" "UPDATE buses SET enabled = 0 WHERE id <> 1; UPDATE meter_state SET next_probe_at = 0, misses = 0, online = 1"
	once; once
	local ours=$CYC bound
	bound=$(calc "%.1f" "$n * $PER")
	echo "  peers on line 1 ($n meters, bound ${bound} ms; one live block of 50 registers = 33 values per meter):"
	echo "    saledesk poll:                         ${ours} ms  ratio $(calc %.3f "$ours / $bound")"
	out=$("$PEER" rtu "$dev" $BAUD 1 "$n")
	local naive=${out#cycle_ms=}
	naive=${naive%% *}
	echo "    plain libmodbus, one request per value: ${naive} ms  ratio $(calc %.3f "$naive / $bound")  ($out)"
	t0=$(date +%s%N)
	for i in $(seq $n); do
		mbpoll -m rtu -b $BAUD -P none -s 1 -a "$i" -r 1 -c 50 -1 "$dev" >/dev/null 2>&1
	done
	t1=$(date +%s%N)
	mb=$(( (t1 - t0) / 1000000 ))
	echo "    mbpoll, one run per meter (-c 50 -1):  ${mb} ms  ratio $(calc %.3f "$mb / $bound")"
	t0=$(date +%s%N)
	mbpoll -m rtu -b $BAUD -P none -s 1 -a "1:$n" -r 1 -c 50 -1 "$dev" >/dev/null 2>&1
	t1=$(date +%s%N)
	local mbl=$(( (t1 - t0) / 1000000 ))
	echo "    mbpoll, one run over the list (-a 1:$n -1, default poll rate): ${mbl} ms  ratio $(calc %.3f "$mbl / $bound")"
	# One meter of the line silent (1 of $n).
	metersim_ctl fault 1:7 silent >/dev/null
	local s_ours s_naive s_mb
	once; once; once; once # K = 3 cycles to take it off scan, then steady
	s_ours=$CYC
	out=$("$PEER" rtu "$dev" $BAUD 1 "$n")
	s_naive=${out#cycle_ms=}
	s_naive=${s_naive%% *}
	t0=$(date +%s%N)
	for i in $(seq $n); do
		mbpoll -m rtu -b $BAUD -P none -s 1 -a "$i" -r 1 -c 50 -1 "$dev" >/dev/null 2>&1
	done
	t1=$(date +%s%N)
	s_mb=$(( (t1 - t0) / 1000000 ))
	echo "    with 1 of $n silent: saledesk ${s_ours} ms ($(calc %+.1f "($s_ours - $ours) * 100 / $ours") %), plain libmodbus ${s_naive} ms ($(calc %+.1f "($s_naive - $naive) * 100 / $naive") %), mbpoll per meter ${s_mb} ms ($(calc %+.1f "($s_mb - $mb) * 100 / $mb") %)"
	metersim_ctl fault 1:7 none >/dev/null
	sqlite3 "$SALEDESK_DB" "UPDATE buses SET enabled = 1"
}

# The S2 site: 224 gateways.
tcp_site() {
	local counts=() i runs=3 best=999999 sum=0 busiest=25 bound r
	for i in $(seq 224); do
		if [ "$i" -le 31 ]; then counts+=(25); else counts+=(24); fi
	done
	sim_args tcp "${counts[@]}"
	metersim_start "${SIM[@]}" || return 1
	site_db "$work/S2.db" tcp "${counts[@]}" || return 1
	bound=$(calc "%.1f" "$busiest * $PER")
	# rusage: the child's CPU time and peak resident set (ru_maxrss, KiB).
	r() {
		python3 - "$SD" <<'PY'
import resource, subprocess, sys, time, re
t = time.monotonic()
p = subprocess.run([sys.argv[1], "poll", "--once", "--stats", "--interval", "10", "--drift", "0"],
                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
wall = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
cyc = [int(x) for x in re.findall(r"cycle_ms=(\d+)", p.stdout)]
tot = [int(x) for x in re.findall(r"total_ms=(\d+)", p.stdout)]
rd = sum(int(x) for x in re.findall(r" read=(\d+)", p.stdout))
print(max(cyc), max(tot), rd, len(cyc), "%.2f" % wall, "%.2f" % ru.ru_utime, "%.2f" % ru.ru_stime, ru.ru_maxrss)
PY
	}
	echo "S2: 5407 single-phase meters behind 224 TCP gateways on loopback (busiest 25), serial side ${BAUD} 8N1, turnaround ${TA} ms, paced"
	echo "  physical bound of the busiest gateway line: ${bound} ms"
	read -r c t rd nb wall ut st rss <<<"$(r)"
	echo "  cold cycle (first poll of every meter): slowest gateway ${c} ms, with the database write ${t} ms; wall ${wall} s; CPU ${ut} s user + ${st} s system; peak RSS $((rss / 1024)) MiB; read $rd meters on $nb gateways"
	for i in $(seq $runs); do
		read -r c t rd nb wall ut st rss <<<"$(r)"
		echo "  cycle $i: slowest gateway ${c} ms (ratio $(calc %.3f "$c / $bound")), with the database write ${t} ms (ratio $(calc %.3f "$t / $bound")); process wall ${wall} s; CPU ${ut} s user + ${st} s system; peak RSS $((rss / 1024)) MiB; read $rd"
	done
	metersim_stop
}

for part in $PARTS; do
	case $part in
	S3) rtu_site S3 19 19 19 19 19 19 19 19 18 18 18 18 18 18 ;;
	S4) rtu_site S4 27 27 27 27 27 27 27 27 27 27 27 27 ;;
	S4x) mixed_site S4x 3 27 27 27 27 27 27 27 27 27 27 27 27 ;;
	S2) tcp_site ;;
	esac
done
errs=$(grep -c "cycle not stored" "$work/poll.err" 2>/dev/null)
echo "cycles not stored (database busy): ${errs:-0}"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
