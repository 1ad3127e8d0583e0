#!/usr/bin/env bash
# Integration tests of the meter-bus simulator against an independent
# client (mbpoll) and raw frames (metersim -x). TAP on stdout. Run from the
# repository root after building tests/sim/metersim/metersim:
#   bash tests/sim/test_metersim.sh
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/metersim.sh

command -v mbpoll >/dev/null || { echo "1..0 # SKIP mbpoll not installed"; exit 0; }

N=0
FAILED=0
ok() { # ok CONDITION-STATUS DESCRIPTION [DIAGNOSTIC]
	N=$((N + 1))
	if [[ $1 == 0 ]]; then
		echo "ok $N - $2"
	else
		echo "not ok $N - $2"
		[[ -n ${3:-} ]] && printf '#   %s\n' "$3"
		FAILED=$((FAILED + 1))
	fi
}
check() { # check DESCRIPTION COMMAND... : ok if the command succeeds
	local d=$1
	shift
	if "$@"; then ok 0 "$d"; else ok 1 "$d" "failed: $*"; fi
}

CONF=$(mktemp "${TMPDIR:-/tmp}/metersim-test.XXXXXX")
trap 'metersim_stop; rm -f "$CONF"' EXIT
# (metersim_start installs its own traps; $CONF is removed right after.)
cat >"$CONF" <<'EOF'
# 20 s of simulated time before the first of December: the month changes
# while the tests run, at 60x real time.
seed 7
accel 60
start 2026-11-30T23:59:40
bus 1 rtu
meter 1 1-3
meter 1 4 phases=3
meter 1 5 load=3000 balance=5 price=5880
meter 1 6 load=3000 balance=5 credit=500 price=5880
meter 1 7 load=2000 plimit=1000
meter 1 8 malignant=1500 load=500
bus 2 tcp port=0
meter 2 1-2 phases=3
meter 2 3
bus 3 rtu pace=1 baud=9600 framing=8N1 turnaround=20
meter 3 1
EOF
LINK=$(mktemp -u "${TMPDIR:-/tmp}/metersim-tty.XXXXXX")
printf 'bus 4 rtu link=%s\nmeter 4 1\n' "$LINK" >>"$CONF"

SIM=$METERSIM_BIN
metersim_start -c "$CONF"
ok $? "metersim starts and prints ready"
rm -f "$CONF"
PTY=${METERSIM_RTU[1]:-}
PTY3=${METERSIM_RTU[3]:-}
PORT=${METERSIM_TCP[2]:-}
[[ -c $PTY && -c $PTY3 && $PORT -gt 1024 ]]
ok $? "bus lines give two ptys and a high TCP port" "pty=$PTY pty3=$PTY3 port=$PORT"
[[ -n $PTY && -n $PORT ]] || { echo "1..$N"; exit 1; }

RTU=(mbpoll -m rtu -b 9600 -P none -0 -1 -o 0.3)
TCP=(mbpoll -m tcp -p "$PORT" -0 -1 -o 0.3)

# rd ID ADDR COUNT [tcp] : prints the register values, space separated.
rd() {
	local out
	if [[ ${4:-} == tcp ]]; then
		out=$("${TCP[@]}" -a "$1" -r "$2" -c "$3" 127.0.0.1 2>&1)
	else
		out=$("${RTU[@]}" -a "$1" -r "$2" -c "$3" "$PTY" 2>&1)
	fi
	awk -F'\t' '/^\[[0-9]+\]:/{split($2, v, " "); printf "%s ", v[1]}' <<<"$out"
	echo
}
# wr ID ADDR VALUES... : writes (one value: FC06, several: FC16); prints
# mbpoll's output.
wr() {
	local id=$1 addr=$2
	shift 2
	"${RTU[@]}" -a "$id" -r "$addr" "$PTY" "$@" 2>&1
}
u32() { echo $(($1 * 65536 + $2)); }
s32() { local v=$(($1 * 65536 + $2)); ((v >= 2147483648)) && v=$((v - 4294967296)); echo $v; }
flush_line() { "$SIM" -x "$PTY" -w 30 >/dev/null; }
probe() { "$SIM" -x "$PTY" -w 300 "$@"; }
field() { metersim_field "$@"; }

# --- the accelerated clock crosses midnight into December ----------------
# 20 simulated seconds at 60x: no advance command involved.
dec1=1796083200
jan1=1798761600
for ((i = 0; i < 50; i++)); do
	v=($(rd 1 0x2f 1))
	((${v[0]:-0} >= 1)) && break
	sleep 0.1
done
f=($(rd 1 0x400 16))
c=($(rd 1 0x2a 2))
((${v[0]:-0} == 1)) && [[ $(u32 "${f[0]}" "${f[1]}") == $dec1 ]] &&
	(($(u32 "${c[0]}" "${c[1]}") >= dec1 && $(u32 "${c[0]}" "${c[1]}") < dec1 + 600))
ok $? "time acceleration: the month changes and the meter freezes at 2026-12-01 00:00" "seq=${v[0]:-} rec=${f[*]:0:4} clock=${c[*]:-}"

# --- reads over RTU and TCP ---------------------------------------------
v=($(rd 1 0 50))
((${#v[@]} == 50 && v[11] >= 2170 && v[11] <= 2230 && v[17] >= 4998 && v[17] <= 5002))
ok $? "mbpoll reads the 50-register single-phase routine block over the pty" "U=${v[11]:-} F=${v[17]:-} n=${#v[@]}"

out=$("${RTU[@]}" -a 1,2,3,4,5 -r 0x200 -c 4 "$PTY" 2>&1)
good=1
for id in 1 2 3 4 5; do
	grep -q "Polling slave $id\.\.\." <<<"$out" || good=0
done
[[ $(grep -Ec '^\[515\]:[[:space:]]+[1-5]$' <<<"$out") == 5 ]] || good=0
grep -qi "fail\|timed out" <<<"$out" && good=0
((good))
ok $? "one pty answers five slave ids in turn, each with its own address" "$out"

out=$("${RTU[@]}" -t 3 -a 3 -r 0x200 -c 4 "$PTY" 2>&1)
grep -Eq '^\[515\]:[[:space:]]+3$' <<<"$out"
ok $? "FC04 (input registers) reads the same map" "$out"

out=$("${RTU[@]}" -a 9 -r 0 "$PTY" 2>&1)
grep -q "timed out" <<<"$out"
ok $? "an absent slave id gets silence (mbpoll times out)"
v=($(rd 1 0x203 1))
[[ ${v[0]:-} == 1 ]]
ok $? "the next request after an absent id is answered, not swallowed"

v=($(rd 4 0 68))
((${#v[@]} == 68 && v[50] > 2000 && v[51] > 2000 && v[52] > 2000 && v[10] == 4))
ok $? "a three-phase meter's 68-register block carries three phase voltages" "${v[*]:50:3}"
v=($(rd 1 0x32 18))
[[ "${v[*]}" == "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0" ]]
ok $? "a single-phase meter reads zeros in the three-phase extension"

v=($(rd 1 0 68 tcp))
((${#v[@]} == 68 && v[50] > 2000 && v[10] == 1))
ok $? "mbpoll reads a meter behind the TCP gateway on 127.0.0.1" "${v[*]:0:12}"
out=$("${TCP[@]}" -a 1,2,3 -r 0x203 -c 1 127.0.0.1 2>&1)
[[ $(grep -Ec '^\[515\]:[[:space:]]+[1-3]$' <<<"$out") == 3 ]]
ok $? "the TCP gateway serves several unit ids" "$out"
out=$("${TCP[@]}" -a 9 -r 0 127.0.0.1 2>&1)
grep -q "Target device failed to respond" <<<"$out"
ok $? "an absent unit id behind the gateway gets exception 0x0B" "$out"
v=($(rd 2 0x200 12 tcp))
num=
for r in "${v[@]:4:6}"; do num+=$(printf "\\x$(printf %02x $((r >> 8)))\\x$(printf %02x $((r & 255)))"); done
[[ ${v[0]} == 3 && ${v[1]} == 256 && $num == 000002000002 ]]
ok $? "device info gives type, map version and the 12-digit meter number" "type=${v[0]} ver=${v[1]} number=$num"

# --- faults on demand ---------------------------------------------------
metersim_ctl fault 1:2 silent >/dev/null
out=$("${RTU[@]}" -a 2 -r 0 "$PTY" 2>&1)
grep -q "timed out" <<<"$out"
ok $? "fault silent: the master times out"
metersim_ctl fault 1:2 exception:4 >/dev/null
out=$("${RTU[@]}" -a 2 -r 0 "$PTY" 2>&1)
grep -q "Slave device or server failure" <<<"$out"
ok $? "fault exception:4: slave device failure" "$out"
metersim_ctl fault 1:2 crc:100 >/dev/null
out=$("${RTU[@]}" -a 2 -r 0 "$PTY" 2>&1)
grep -q "Invalid CRC" <<<"$out"
ok $? "fault crc:100: the master sees an invalid CRC" "$out"
flush_line
metersim_ctl fault 1:2 slow:600 >/dev/null
out=$("${RTU[@]}" -a 2 -r 0 "$PTY" 2>&1)
grep -q "timed out" <<<"$out"
r1=$?
sleep 0.5
flush_line
out=$(mbpoll -m rtu -b 9600 -P none -0 -1 -o 1.5 -a 2 -r 0x203 "$PTY" 2>&1)
grep -Eq '^\[515\]:[[:space:]]+2$' <<<"$out"
r2=$?
((r1 == 0 && r2 == 0))
ok $? "fault slow:600: a 0.3 s master times out, a 1.5 s master gets the reply" "$out"
metersim_ctl fault 1:2 garbage >/dev/null
out=$("${RTU[@]}" -a 2 -r 0 "$PTY" 2>&1)
grep -qi "failed" <<<"$out"
ok $? "fault garbage: the master rejects the bytes" "$out"
flush_line
metersim_ctl fault 1:2 none >/dev/null
v=($(rd 2 0x203 1))
[[ ${v[0]:-} == 2 ]]
ok $? "fault none: the meter answers again"
st=$(metersim_ctl stats 1)
(($(field silent "$st") >= 1 && $(field faults "$st") >= 3))
ok $? "bus statistics count silent and faulty replies" "$st"

# --- relay commands -----------------------------------------------------
wr 3 0x300 26 >/dev/null
v=($(rd 3 0x19 2))
[[ "${v[*]}" == "1 1" ]]
ok $? "relay open (0x1A) opens with reason remote" "${v[*]}"
wr 3 0x300 28 >/dev/null
v=($(rd 3 0x19 2))
[[ "${v[*]}" == "0 0" ]]
ok $? "relay close (0x1C) closes" "${v[*]}"
wr 3 0x300 58 >/dev/null
wr 3 0x300 26 >/dev/null
v=($(rd 3 0x19 3))
r=($(rd 3 0x300 2))
[[ "${v[*]}" == "0 0 1" && "${r[*]}" == "26 2" ]]
ok $? "keep-power (0x3A) makes a later open a refused no-op" "relay=${v[*]} cmd=${r[*]}"
wr 3 0x300 59 >/dev/null
out=$(wr 3 0x300 5)
grep -q "Illegal data value" <<<"$out"
ok $? "an unknown relay code gets exception 03" "$out"

# --- remote recharge ----------------------------------------------------
# Test vector of docs/meter-map.md, computed independently by openssl(1).
m=$(metersim_ctl mac 1:1 1 2000)
want=68808d2e28eab1d6 # without openssl(1), the vector of the spec alone
command -v openssl >/dev/null &&
	want=$(printf 'SDRC000001000001\x00\x00\x00\x01\x00\x00\x07\xd0' |
		openssl dgst -sha256 -mac HMAC -macopt hexkey:000102030405060708090a0b0c0d0e0f |
		awk '{print substr($NF, 1, 16)}')
[[ $(field mac "$m") == "$want" && $want == 68808d2e28eab1d6 ]]
ok $? "the recharge MAC matches the spec's test vector and openssl" "$m want=$want"

recharge() { # recharge ID SEQ AMOUNT [BADMAC]
	local m regs
	m=$(metersim_ctl mac "1:$1" "$2" "$3")
	regs=$(field regs "$m")
	[[ -n ${4:-} ]] && regs=1,2,3,4
	wr "$1" 0x310 $(($2 >> 16)) $(($2 & 65535)) $(($3 >> 16)) $(($3 & 65535)) ${regs//,/ } >/dev/null
	rd "$1" 0x318 1
}
d0=$(metersim_ctl dump 1:2)
res=$(recharge 2 1 2000)
d1=$(metersim_ctl dump 1:2)
[[ $res == "1 " && $(field purchases "$d1") == 1 && $(field purchased "$d1") == 2000 ]] &&
	(($(field balance "$d1") > $(field balance "$d0") + 1900))
ok $? "recharge seq 1 with a good MAC credits 20.00 yuan" "res=$res $d1"
res=$(recharge 2 1 2000)
d2=$(metersim_ctl dump 1:2)
[[ $res == "2 " && $(field purchases "$d2") == 1 && $(field purchased "$d2") == 2000 ]]
ok $? "the same recharge again is a harmless duplicate (result 2)" "res=$res $d2"
res=$(recharge 2 3 2000)
[[ $res == "4 " ]]
ok $? "a sequence gap is refused (result 4)" "res=$res"
res=$(recharge 2 2 2000 bad)
[[ $res == "3 " ]]
ok $? "a wrong MAC is refused (result 3)" "res=$res"
res=$(recharge 2 2 0)
[[ $res == "5 " ]]
ok $? "a zero amount is refused (result 5)" "res=$res"
v=($(rd 2 0x24 2))
[[ $(u32 "${v[0]}" "${v[1]}") == 1 ]]
ok $? "purchase count register reads 1 after all that" "${v[*]}"
out=$(wr 2 0x310 1)
grep -q "Illegal data address" <<<"$out"
ok $? "a partial recharge write gets exception 02" "$out"

# --- parameters ---------------------------------------------------------
wr 1 0x10c 0 9000 0 8000 0 6000 0 3000 >/dev/null
v=($(rd 1 0x10c 8))
[[ "${v[*]}" == "0 9000 0 8000 0 6000 0 3000" ]]
ok $? "TOU prices written with one FC16 read back" "${v[*]}"
out=$(wr 1 0x10d 7000)
grep -q "Illegal data address" <<<"$out"
ok $? "a write that tears a 32-bit price gets exception 02" "$out"
out=$(wr 1 0x114 2 0 4 420 9)
grep -q "Illegal data value" <<<"$out"
ok $? "a TOU table with rate 9 gets exception 03 and changes nothing" "$out"
wr 1 0x114 2 0 4 480 3 >/dev/null
v=($(rd 1 0x114 5))
[[ "${v[*]}" == "2 0 4 480 3" ]]
ok $? "a two-segment TOU table is accepted" "${v[*]}"

# --- alarms, trips, flags -----------------------------------------------
lv=""
for b in 4000 1500 800 20000; do
	metersim_ctl balance 1:1 $b >/dev/null
	v=($(rd 1 0x1c 1))
	lv+="${v[0]} "
done
[[ $lv == "1 2 3 0 " ]]
ok $? "three alarm levels follow the balance (50, 20, 10 yuan)" "$lv"
metersim_ctl advance 600 >/dev/null
v=($(rd 5 0x19 7))
((v[0] == 1 && v[1] == 2 && (v[4] & 0x60) == 0x60))
ok $? "balance used up: relay trips with reason zero, flags relay+arrears" "${v[*]}"
res=$(recharge 5 1 1000)
v=($(rd 5 0x19 2))
[[ $res == "1 " && "${v[*]}" == "0 0" ]]
ok $? "a purchase restores power" "res=$res relay=${v[*]}"
v=($(rd 6 0x19 7))
bal=$(s32 "${v[5]}" "${v[6]}")
((v[0] == 0 && bal <= 0 && bal > -500 && (v[4] & 0x40)))
ok $? "credit limit: in arrears but still on above -5.00 yuan" "${v[*]} bal=$bal"
metersim_ctl advance 12000 >/dev/null
v=($(rd 6 0x19 7))
((v[0] == 1 && v[1] == 3))
ok $? "credit limit used up: trip with reason credit" "${v[*]}"
v=($(rd 7 0x19 5))
((v[0] == 1 && v[1] == 4 && (v[4] & 0x08)))
ok $? "power above the limit trips with reason power-limit" "${v[*]}"
metersim_ctl malignant 1:8 2000 >/dev/null
metersim_ctl advance 120 >/dev/null
v=($(rd 8 0x19 5))
((v[0] == 1 && v[1] == 5 && (v[4] & 0x10)))
ok $? "a malignant load step trips with reason malignant" "${v[*]}"
metersim_ctl voltage 2:1 b 0 >/dev/null
metersim_ctl voltage 2:1 a 180 >/dev/null
metersim_ctl voltage 2:1 c 260 >/dev/null
metersim_ctl advance 120 >/dev/null
v=($(rd 1 0x1d 1 tcp))
(((v[0] & 7) == 7))
ok $? "phase loss, under- and over-voltage flags" "flags=${v[0]}"
v=($(rd 1 0x26 4 tcp))
(($(u32 "${v[0]}" "${v[1]}") > 0 && $(u32 "${v[2]}" "${v[3]}") > 1796083200))
ok $? "maximum demand and its time are recorded" "${v[*]}"

# --- clock and freeze ---------------------------------------------------
metersim_ctl advance $((31 * 86400)) >/dev/null
metersim_ctl dump 1:1 >/dev/null
f=($(rd 1 0x400 32))
[[ $(u32 "${f[0]}" "${f[1]}") == $jan1 && $(u32 "${f[16]}" "${f[17]}") == $dec1 ]] &&
	(($(u32 "${f[2]}" "${f[3]}") >= $(u32 "${f[18]}" "${f[19]}")))
ok $? "a month later: newest record 2027-01-01, previous 2026-12-01" "${f[0]} ${f[1]} / ${f[16]} ${f[17]}"
metersim_ctl advance $((400 * 86400)) >/dev/null
metersim_ctl dump 1:1 >/dev/null
a=($(rd 1 0x400 96))
b=($(rd 1 0x460 96))
t1=$(u32 "${a[0]}" "${a[1]}")
t12=$(u32 "${b[80]}" "${b[81]}")
m1=$(date -u -d "@$t1" +%Y%m)
m12=$(date -u -d "@$t12" +%Y%m)
((${#a[@]} == 96 && ${#b[@]} == 96)) && [[ $m12 == $(date -u -d "$(date -u -d "@$t1" +%Y-%m-01) -11 months" +%Y%m) ]]
ok $? "12 freeze records kept, read in two 96-register blocks" "newest=$m1 oldest=$m12"
now=$(($(u32 $(rd 1 0x320 2)) + 0))
probe 00 10 03 20 00 02 04 $(printf '%02x %02x %02x %02x' $((dec1 >> 24 & 255)) $((dec1 >> 16 & 255)) $((dec1 >> 8 & 255)) $((dec1 & 255))) -C >/dev/null
c=($(rd 2 0x320 2))
tc=$(u32 "${c[0]}" "${c[1]}")
((tc >= dec1 && tc < dec1 + 3600))
ok $? "a broadcast clock set (FC16 to address 0) reaches every meter, no reply" "before=$now after=$tc"

# --- malformed input to the simulator itself ----------------------------
crc_before=$(field crc_errors "$(metersim_ctl stats 1)")
[[ $(probe 01 03 00 00) == silence ]]
ok $? "a truncated frame gets silence"
[[ $(probe 01 03 00 00 00 02 00 00) == silence ]]
ok $? "a frame with a bad CRC gets silence"
(($(field crc_errors "$(metersim_ctl stats 1)") > crc_before))
ok $? "the bad CRC is counted"
[[ $(probe -C 01 2b 0e 01 00) == "reply 01ab019ef0 "* ]]
ok $? "an unknown function code (0x2B) gets exception 01"
[[ $(probe -C 01 05 00 00 ff 00) == "reply 018501"* ]]
ok $? "write single coil (0x05) gets exception 01"
[[ $(probe -C 01 03 00 50 00 01) == "reply 018302"* ]]
ok $? "a read of an unmapped address gets exception 02"
[[ $(probe -C 01 03 00 40 00 10) == "reply 018302"* ]]
ok $? "a read running off the end of a block gets exception 02"
[[ $(probe -C 01 03 00 00 00 00) == "reply 018303"* && $(probe -C 01 03 00 00 00 7e) == "reply 018303"* ]]
ok $? "read counts 0 and 126 get exception 03"
[[ $(probe -C 01 10 01 0c 00 02 03 00 00 23) == "reply 019003"* ]]
ok $? "FC16 with a byte count that does not match gets exception 03"
[[ $(probe -C 01 03 00 00 00) == "reply 018303"* ]]
ok $? "a short FC03 PDU with a good CRC gets exception 03"
[[ $(probe -C f8 03 00 00 00 01) == silence ]]
ok $? "a frame for address 248 gets silence"
[[ $(probe $(head -c 120 /dev/urandom | od -An -tx1)) == silence ]]
ok $? "120 random bytes get silence"
[[ $(probe $(head -c 300 /dev/urandom | od -An -tx1 | tr -d '\n')) == silence ]]
ok $? "a 300-byte overrun gets silence"
(($(field overruns "$(metersim_ctl stats 1)") >= 1))
ok $? "the overrun is counted"
v=($(rd 1 0x203 1))
[[ ${v[0]:-} == 1 ]]
ok $? "after all the bad input the bus still answers"
[[ $("$SIM" -x "tcp:127.0.0.1:$PORT" -w 300 00 01 00 07 00 06 01 03 02 00 00 01) == silence ]]
ok $? "TCP: a non-zero protocol id closes the connection without a reply"
[[ $("$SIM" -x "tcp:127.0.0.1:$PORT" -w 300 00 01 00 00 00 00 01 03) == silence ]]
ok $? "TCP: an MBAP length of 0 closes the connection"
[[ $("$SIM" -x "tcp:127.0.0.1:$PORT" -w 300 00 02 00 00 00 06 01 03 00 50 00 01) == "reply 0002000000030183"02* ]]
ok $? "TCP: an unmapped address gets exception 02 with the transaction id echoed"
metersim_ctl ping >/dev/null
ok $? "the control channel still answers"

# --- line pacing ----------------------------------------------------------
# 9600 baud 8N1: t_c = 10/9600 s. FC03 of 50 registers: 8 + 105 bytes.
pace_case() { # pace_case BITS TURNAROUND_MS
	local bits=$1 ta=$2 want us r
	metersim_ctl pace 3 on 9600 "$bits" "$ta" >/dev/null
	# microseconds: wire (8+105 chars) + max(t3.5, turnaround)
	want=$(awk -v b="$bits" -v ta="$ta" 'BEGIN { tc = b / 9600 * 1e6; t35 = 3.5 * tc;
		t = ta * 1000; if (t < t35) t = t35; printf "%d", 113 * tc + t }')
	r=$("$SIM" -x "$PTY3" -w 1000 -C 01 03 00 00 00 32)
	us=${r##*us=}
	[[ $r == reply* ]] && ((us >= want && us < want + 80000))
	ok $? "paced reply at 9600 ${bits}-bit chars, turnaround ${ta} ms takes >= ${want} us" "$r"
}
pace_case 10 20
pace_case 11 0
pace_case 10 0
metersim_ctl pace 3 off >/dev/null
r=$("$SIM" -x "$PTY3" -w 1000 -C 01 03 00 00 00 32)
us=${r##*us=}
[[ $r == reply* ]] && ((us < 100000))
ok $? "unpaced, the same read returns at once" "$r"

# --- unplugging -----------------------------------------------------------
[[ ${METERSIM_RTU[4]:-} == "$LINK" && -c $LINK ]]
ok $? "an RTU bus with link= is announced under its stable symlink" "${METERSIM_RTU[4]:-}"
r=$(metersim_ctl unplug 4)
[[ $r == "ok down" && ! -e $LINK ]]
ok $? "unplug: the serial device disappears" "$r"
r=$(metersim_ctl plug 4)
v=($(mbpoll -m rtu -b 9600 -P none -0 -1 -o 0.3 -a 1 -r 0x203 "$LINK" 2>&1 | awk -F'\t' '/^\[/{print $2}'))
[[ $r == "ok path=$LINK" && ${v[0]:-} == 1 ]]
ok $? "plug: a new pty behind the same link answers again" "$r ${v[*]:-}"
r=$(metersim_ctl unplug 2)
out=$("${TCP[@]}" -a 1 -r 0x203 127.0.0.1 2>&1)
grep -q "Connection refused" <<<"$out"
ok $? "gateway down: connections are refused" "$r $out"
r=$(metersim_ctl plug 2)
v=($(rd 1 0x203 1 tcp))
[[ $r == "ok port=$PORT" && ${v[0]:-} == 1 ]]
ok $? "gateway back on the same port" "$r ${v[*]:-}"

# --- shutdown -------------------------------------------------------------
metersim_stop
[[ $METERSIM_STATUS == 0 ]]
ok $? "metersim exits 0 on SIGTERM" "status=$METERSIM_STATUS"

echo "1..$N"
((FAILED == 0))
