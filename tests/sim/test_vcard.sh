#!/bin/bash
# test_vcard.sh: the virtual CPU card against independent clients.
#  - the spec's test vectors recomputed with the openssl command line;
#  - offline image tools (personalise, purchase, meter insertion rules);
#  - through the real pcscd and vpcd driver with pcsc-tools: pcsc_scan for
#    the ATR, and scriptor driven from bash, with every cryptogram and MAC
#    computed here by openssl, never by vcard code;
#  - bad input (malformed APDUs, wrong lengths, P1/P2, MAC, key, replay),
#    card removal, and a tear in the middle of a write.
# Emits TAP; exits non-zero on any failure. Run from the repo root after
# building tests/sim/vcard/vcard.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pcscd.sh
pcscd_reexec "$0" "$@"

V=$VCARD_BIN
N=0
FAIL=0
W=$(mktemp -d /tmp/vcard-t.XXXXXX)
trap 'pcscd_stop; rm -rf "$W"' EXIT

ok() { N=$((N + 1)); echo "ok $N - $1"; }
nok() { N=$((N + 1)); echo "not ok $N - $1"; FAIL=1; }
# is DESC GOT WANT
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else nok "$1"; echo "#   got '$2', want '$3'"; fi
}
like() {
	if printf '%s' "$2" | tr '\n' ' ' | grep -Eq "$3"; then ok "$1"; else nok "$1"; echo "#   got '$2', want /$3/"; fi
}

# ---- hex and crypto with the openssl CLI (independent of vcard) ----
hex2bin() { printf '%b' "$(printf '%s' "$1" | sed 's/../\\x&/g')"; }
bin2hex() { od -An -tx1 -v | tr -d ' \n' | tr a-f A-F; }
aes() { hex2bin "$2" | openssl enc -aes-128-ecb -nopad -K "$1" | bin2hex; }
cmac() {
	hex2bin "$2" >"$W/m.bin"
	openssl mac -cipher AES-128-CBC -macopt "hexkey:$1" -in "$W/m.bin" CMAC | tr a-f A-F
}
invert() {
	local h=$1 out= i
	for ((i = 0; i < ${#h}; i += 2)); do out+=$(printf '%02X' $((0xFF ^ 0x${h:i:2}))); done
	printf '%s' "$out"
}
mk() { local i=$1 j out=; for j in 0 1 2 3 4 5 6 7 8 9 A B C D E F; do out+="$i$j"; done; printf '%s' "$out"; }
divers() { aes "$(mk "$1")" "$2$(invert "$2")"; }
u32() { printf '%08X' "$1"; }
# frame CMD BODYHEX -> 68 CMD LEN BODY CS 16
frame() {
	local cmd=$1 body=$2 len i cs=0 h
	len=$(printf '%04X' $((${#body} / 2)))
	h=$cmd$len$body
	for ((i = 0; i < ${#h}; i += 2)); do cs=$(((cs + 0x${h:i:2}) & 0xFF)); done
	printf '68%s%02X16' "$h" "$cs"
}

# =================== offline: vectors and image tools ===================
[ -x "$V" ] && ok "vcard binary is built" || { nok "vcard binary is built"; echo "1..$N"; exit 1; }
"$V" vectors >"$W/vec" 2>&1
vec() { awk -v k="$1" 'index($0, k) == 1 { print $NF }' "$W/vec"; }
S=0102030405060708 RD=1122334455667788 RC=A1A2A3A4A5A6A7A8
K01=$(divers 1 $S) K02=$(divers 2 $S) K03=$(divers 3 $S) K04=$(divers 4 $S) K05=$(divers 5 $S)
is "vector: K01 = AES(MK01, serial || ~serial)" "$(vec 'K01 (diversified)')" "$K01"
is "vector: K05 record key diversification" "$(vec 'K05 (diversified)')" "$K05"
is "vector: KCV = AES(K, 0^16)[0..3]" "$(vec 'KCV K02')" "$(aes "$K02" 00000000000000000000000000000000 | cut -c1-6)"
is "vector: INTERNAL AUTHENTICATE = AES(K01, RD || serial)" "$(vec 'INTERNAL AUTH response')" "$(aes "$K01" $RD$S)"
is "vector: EXTERNAL AUTHENTICATE = AES(K02, RC || RD)" "$(vec 'EXTERNAL AUTH kid 02')" "$(aes "$K02" $RC$RD)"
SK=$(cmac "$K04" 01$RD${RC}02)
is "vector: session key = CMAC(K04, 01 || RD || RC || kid)" "$(vec 'SK (kid 02)')" "$SK"
MAC=$(cmac "$SK" 010000000104D681000C01020304 | cut -c1-16)
is "vector: command MAC over 01 || SSC || header || data" "$(vec 'UPDATE APDU, SSC 1')" "04D681000C01020304$MAC"
is "vector: response MAC over 02 || SSC || header || data" "$(vec 'READ resp MAC, SSC 2')" "$(cmac "$SK" 020000000204B085000C6811005A | cut -c1-16)"
K00=$(divers 0 $S)
SKT=$(cmac "$K00" "010000000000000000${RC}00")
is "vector: transport session key (MF, RD = 0)" "$(vec 'SK transport')" "$SKT"
xorhex() { local a=$1 b=$2 out= i; for ((i = 0; i < ${#a}; i += 2)); do out+=$(printf '%02X' $((0x${a:i:2} ^ 0x${b:i:2}))); done; printf '%s' "$out"; }
is "vector: PERSONALISE key wrap = K XOR AES(SK, kid || 0^15)" "$(vec 'PERSONALISE wrapped K01')" \
	"$(xorhex "$K01" "$(aes "$SKT" 01000000000000000000000000000000)")"
is "vector: return record MAC = CMAC(K05, 'R' || serial || record)" "$(vec 'return MAC, 82 zero bytes')" \
	"$(cmac "$K05" "52$S$(printf '%0164d' 0)" | cut -c1-16)"
BODY=$(u32 1)01$(u32 10000)00000000$(u32 10000)00$(printf '%040d' 0)$(u32 1767225600)$(u32 7)
is "vector: purchase record MAC = CMAC(K05, 'P' || serial || record)" "$(vec 'purchase record MAC')" "$(cmac "$K05" 50$S$BODY | cut -c1-16)"

IMG=$W/user.img
"$V" image new "$IMG" --serial $S >/dev/null 2>&1
like "image new makes a blank card" "$("$V" image show "$IMG")" "state: blank"
"$V" image personalise "$IMG" --keys test --account 1001 --meter 202400000001 --time 1767225600 2>&1
like "image personalise: keys diversified from the test set" "$("$V" image show "$IMG" --keys test)" "keyset_match: yes"
like "image show prints key check values, never keys" "$("$V" image show "$IMG" --keys test | grep -c "$K02")" "^0$"
like "other utility's keys do not match" "$("$V" image show "$IMG" --keys other)" "keyset_match: no"
{
	echo "# test key file, version 02"
	echo "version=02"
	for i in 0 1 2 3 4 5; do echo "$i=$(mk "$(printf %X $((i + 6)))")"; done
} >"$W/keys.v2"
"$V" image new "$W/v2.img" --keys "$W/keys.v2" >/dev/null
"$V" image personalise "$W/v2.img" --keys "$W/keys.v2" >/dev/null
like "key file: version 02 keys, chosen by the card's key version" "$("$V" image show "$W/v2.img" --keys "$W/keys.v2")" \
	"key_version: 02 .*keyset_match: yes .*info.key_version: 02"
cp "$IMG" "$W/fresh.img"
like "offline purchase takes 8 APDUs" "$("$V" image purchase "$IMG" --keys test --seq 1 --amount 10000 --time 1767225600)" "apdus: 8"
cp "$IMG" "$W/seq1.img"
"$V" image purchase "$IMG" --keys test --seq 2 --amount 500 >/dev/null 2>&1
is "desk refuses to stack a purchase before the meter wrote back" "$?" 3
MS=$W/meter.state
out=$("$V" image meter-insert "$IMG" --keys test --meter-state "$MS" --meter-no 202400000001 --time 1767229200)
like "meter credits count 1 on an opening card (N = M+1, return empty)" "$out" "result: 00 .*remaining: 10000"
out=$("$V" image meter-insert "$IMG" --keys test --meter-state "$MS")
like "re-insert: N = M gives no second credit" "$out" "result: 01 .*remaining: 10000"
like "meter wrote the return file" "$("$V" image show "$IMG")" "return.count: 1"
"$V" image purchase "$IMG" --keys test --seq 2 --amount 500 --cumulative 10500 >/dev/null
out=$("$V" image meter-insert "$IMG" --keys test --meter-state "$MS")
like "second purchase credited after write-back" "$out" "result: 00 .*count: 2.*remaining: 10500"
cp "$W/seq1.img" "$W/replay.img"
out=$("$V" image meter-insert "$W/replay.img" --keys test --meter-state "$MS")
like "replayed old card image gets no credit" "$out" "result: 01 .*remaining: 10500"
cp "$W/fresh.img" "$W/wrongm.img"
"$V" image purchase "$W/wrongm.img" --keys test --seq 1 --amount 100 >/dev/null
out=$("$V" image meter-insert "$W/wrongm.img" --keys test --meter-state "$W/m2.state" --meter-no 999999)
like "card for another meter: Err-33 number mismatch" "$out" "result: 33"
"$V" image new "$W/other.img" --serial 1112131415161718 --keys other >/dev/null
"$V" image personalise "$W/other.img" --keys other --account 1001 --meter 202400000001 >/dev/null
"$V" image purchase "$W/other.img" --keys other --seq 1 --amount 100 >/dev/null
out=$("$V" image meter-insert "$W/other.img" --keys test --meter-state "$MS")
like "other utility's card at our meter: Err-32 auth" "$out" "result: 32 .*remaining: 10500"
# count error: a fresh card may take any first N (replacement cards); N = 5 at M = 2
cp "$W/fresh.img" "$W/gap.img"
"$V" image purchase "$W/gap.img" --keys test --seq 5 --amount 100 >/dev/null
cp "$MS" "$W/m5.state"
out=$("$V" image meter-insert "$W/gap.img" --keys test --meter-state "$W/m5.state")
like "N >= M+2: Err-34 count error, written back, no credit" "$out" "result: 34 .*count: 2.*remaining: 10500"
like "count error is written back to the card" "$("$V" image show "$W/gap.img")" "return.result: 34"
# return file not empty: a card for two meters, credited at the first
"$V" image new "$W/two.img" --serial 3132333435363738 >/dev/null
"$V" image personalise "$W/two.img" --keys test --account 2002 --meter 11 --meter 12 >/dev/null
"$V" image purchase "$W/two.img" --keys test --seq 1 --amount 300 >/dev/null
"$V" image meter-insert "$W/two.img" --keys test --meter-state "$W/ma.state" --meter-no 11 >/dev/null
# an unopened meter takes the account's count from the opening card (spec
# 12.2): purchase 1 went to meter 11, so meter 12 opens at 1, credits nothing
out=$("$V" image meter-insert "$W/two.img" --keys test --meter-state "$W/mb.state" --meter-no 12)
like "a new meter opens at the account's count; a purchase another meter took is not credited" \
	"$out" "result: 01 .*count: 1 .*remaining: 0"
"$V" image purchase "$W/two.img" --keys test --seq 2 --amount 200 >/dev/null
"$V" image meter-insert "$W/two.img" --keys test --meter-state "$W/ma.state" --meter-no 11 >/dev/null
out=$("$V" image meter-insert "$W/two.img" --keys test --meter-state "$W/mb.state" --meter-no 12)
like "N = M+1 with the return file written: Err-34 return file not empty" "$out" "result: 35 .*count: 1 .*remaining: 0"
# hoarding limit: refused, and nothing written back
"$V" image new "$W/hoard.img" --serial 4142434445464748 >/dev/null
"$V" image personalise "$W/hoard.img" --keys test --account 3003 --meter 21 >/dev/null
"$V" image purchase "$W/hoard.img" --keys test --seq 1 --amount 5000 --hoard-limit 4000 >/dev/null
out=$("$V" image meter-insert "$W/hoard.img" --keys test --meter-state "$W/mh.state" --meter-no 21)
like "over the hoarding limit: Err-36, no credit" "$out" "result: 37 .*remaining: 0"
like "over the hoarding limit: no write-back" "$("$V" image show "$W/hoard.img")" "return: empty"
# technician card types
"$V" image new "$W/check.img" --serial 5152535455565758 >/dev/null
"$V" image personalise "$W/check.img" --keys test --type check >/dev/null
like "check card personalised with type 02" "$("$V" image show "$W/check.img")" "info.card_type: check \(02\)"
out=$("$V" image meter-insert "$W/check.img" --keys test --meter-state "$W/mc.state" --meter-no 21)
like "a check card is answered, not taken as a user card" "$out$("$V" image show "$W/check.img")" \
	"result: 00 .*purchase: empty .*check.meter: 000000000021"
# technician cards at a meter
MT=$W/mt.state
"$V" image new "$W/u21.img" --serial 7172737475767778 >/dev/null
"$V" image personalise "$W/u21.img" --keys test --account 7 --meter 21 >/dev/null
"$V" image purchase "$W/u21.img" --keys test --seq 1 --amount 5000 >/dev/null
"$V" image meter-insert "$W/u21.img" --keys test --meter-state "$MT" --meter-no 21 >/dev/null
"$V" image new "$W/chk.img" >/dev/null
"$V" image personalise "$W/chk.img" --keys test --type check >/dev/null
"$V" image meter-insert "$W/chk.img" --keys test --meter-state "$MT" >/dev/null
like "check card collects the meter's state" "$("$V" image show "$W/chk.img")" \
	"check.meter: 000000000021 .*check.count: 1 .*check.remaining: 5000"
"$V" image new "$W/set.img" >/dev/null
"$V" image personalise "$W/set.img" --keys test --type setting >/dev/null
"$V" image order "$W/set.img" --keys test --version 3 --alarms 300,200,100 --uses 2 >/dev/null
out=$("$V" image meter-insert "$W/set.img" --keys test --meter-state "$MT")
like "setting card applies its parameter block" "$out$(cat "$MT")" "result: 00 .*alarms=300,200,100.*param_version=3"
like "setting card: a use is spent" "$("$V" image show "$W/set.img")" "order.uses: 1"
out=$("$V" image meter-insert "$W/set.img" --keys test --meter-state "$MT")
like "setting card with a version not above the meter's is refused" "$out" "result: 34"
"$V" image new "$W/rst.img" >/dev/null
"$V" image personalise "$W/rst.img" --keys test --type reset >/dev/null
"$V" image order "$W/rst.img" --keys test --target 99 >/dev/null
out=$("$V" image meter-insert "$W/rst.img" --keys test --meter-state "$MT")
like "reset card for another meter: Err-33" "$out" "result: 33"
"$V" image new "$W/clr.img" >/dev/null
"$V" image personalise "$W/clr.img" --keys test --type clear >/dev/null
"$V" image order "$W/clr.img" --keys test --target 21 --uses 1 >/dev/null
out=$("$V" image meter-insert "$W/clr.img" --keys test --meter-state "$MT")
like "clear card wipes purchases and balance, keeps parameters" "$out$(cat "$MT")" \
	"result: 00 .*opened=0 count=0 unit=1 remaining=0 .*alarms=300,200,100"
out=$("$V" image meter-insert "$W/clr.img" --keys test --meter-state "$MT")
like "clear card with no use left is refused" "$out" "result: 34"

# amount +1 and time -1 keep the frame checksum: only the record MAC can tell
cp "$W/seq1.img" "$W/tamper.img"
ef=$(sed -n 's/^ef02 //p' "$W/tamper.img")
ef=${ef:0:24}$(printf '%02X' $((0x${ef:24:2} + 1)))${ef:26:62}$(printf '%02X' $((0x${ef:88:2} - 1)))${ef:90}
sed -i "s/^ef02 .*/ef02 $ef/" "$W/tamper.img"
out=$("$V" image meter-insert "$W/tamper.img" --keys test --meter-state "$W/m3.state" --meter-no 202400000001)
like "tampered purchase record (bad record MAC): Err-32" "$out" "result: 32"
cp "$W/seq1.img" "$W/tamper.img"
sed -i 's/^\(ef02 ........................\)../\1FF/' "$W/tamper.img"
out=$("$V" image meter-insert "$W/tamper.img" --keys test --meter-state "$W/m4.state" --meter-no 202400000001)
like "corrupted purchase frame (checksum): Err-34 format" "$out" "result: 36"

# offline APDU engine: malformed input gets a status word
r=$("$V" image apdu "$W/fresh.img" 00 00A4 00A400 00A4040C 00A404000A 0000000000 \
	00A4040C09F0 00A4040009F053414C454445534B00 80A4000C023F00 00EE0000 00B10000 01A40000)
is "malformed and unknown APDUs: status words" "$(echo $r)" \
	"6700 6700 6700 6700 6700 6D00 6700 6110 6E00 6D00 6D00 6E00"
r=$("$V" image apdu "$W/fresh.img" 00A4040C09F053414C454445534B 00C0000000 00A4000002DF01 00C0000008 00C0000004 00C0000010)
is "GET RESPONSE: none pending, 6Cxx, partial with 61xx" "$(echo $r)" \
	"9000 6985 6110 6F0E8409F053414C6108 454445536104 6C04"
# random APDUs: every answer ends in a status word, the engine never crashes
args=()
for i in $(seq 1 400); do
	args+=("$(head -c $((4 + RANDOM % 40)) /dev/urandom | bin2hex)")
done
args+=("00A4040C09F053414C454445534B")
for i in $(seq 1 200); do
	args+=("$(printf '%02X' $((RANDOM % 256 & 0x8C)))$(head -c $((3 + RANDOM % 30)) /dev/urandom | bin2hex)")
done
cp "$W/fresh.img" "$W/fuzz.img"
"$V" image apdu "$W/fuzz.img" "${args[@]}" >"$W/fuzz.out" 2>&1
rc=$?
bad=$(grep -Evc '^([0-9A-F]{2})*[0-9A-F]{4}$' "$W/fuzz.out")
is "600 random APDUs: no crash, every answer has a status word" "$rc/$bad/$(wc -l <"$W/fuzz.out")" "0/0/601"

# =================== through pcscd with pcsc-tools ===================
if ! pcscd_start "$W/fresh.img"; then
	nok "pcscd and vcard start"
	[ -n "$PCSCD_TMP" ] && sed 's/^/# /' "$PCSCD_TMP"/*.log
	echo "1..$N"
	exit 1
fi
ok "pcscd (isolated=${PCSCD_ISOLATED:-0}) sees the vcard"
like "pcsc_scan reads the 13-byte ATR with the serial" "$(timeout 5 pcsc_scan -t 1 -n 2>&1)" \
	"ATR: 3B 69 00 00 01 02 03 04 05 06 07 08 01"

# scriptor as a co-process: one PC/SC connection, one line per APDU
SC_PID=
sc_open() {
	coproc SC { exec scriptor -u -r "$VPCD_READER" 2>&1; }
	SC_PID=$SC_PID
}
sc_close() {
	if [ -n "${SC_PID:-}" ]; then
		exec {SC[1]}>&- 2>/dev/null
		wait "$SC_PID" 2>/dev/null
		SC_PID=
	fi
}
# apdu HEX: sets R to the response (data + SW) in hex, or DEAD
apdu() {
	local line acc=
	R=DEAD
	echo "$1" >&"${SC[1]}" 2>/dev/null || return 1
	while IFS= read -r -t 10 line <&"${SC[0]}"; do
		case $line in
		"Can't"* | *"Transmit"*) R=DEAD; return 1 ;;
		"< "*) acc=${line#< } ;;
		*) [ -n "$acc" ] && acc="$acc $line" || continue ;;
		esac
		case $acc in
		*" : "*)
			# an empty answer is what PC/SC gives when the card was pulled
			R=$(printf '%s' "${acc%% : *}" | tr -d ' ')
			[ -n "$R" ] || R=DEAD
			return 0 ;;
		esac
	done
	return 1
}
sw() { printf '%s' "${R: -4}"; }
data() { printf '%s' "${R:0:${#R}-4}"; }

# three-pass authentication computed here; sets SKEY, SSC
auth() {
	local kid=$1 key=$2 crypt rc_
	apdu 00A4040C09F053414C454445534B
	apdu 0088000108$RD
	[ "$(sw)" = 6110 ] || return 1
	apdu 00C0000010
	INT_RESP=$(data)
	apdu 0084000008
	rc_=$(data)
	crypt=$(aes "$key" "$rc_$RD")
	apdu 008200${kid}10$crypt
	SKEY=$(cmac "$K04" "01$RD$rc_$kid")
	SSC=0
	[ "$(sw)" = 9000 ]
}
# smcmd CLA INS P1 P2 DATAHEX: sends with MAC under SKEY
smcmd() {
	local hdr
	SSC=$((SSC + 1))
	hdr=$1$2$3$4$(printf '%02X' $((${#5} / 2 + 8)))
	LAST_SM=$hdr$5$(cmac "$SKEY" "01$(u32 $SSC)$hdr$5" | cut -c1-16)
	apdu "$LAST_SM"
}
# smread SFI LEN: reads with MAC and checks it; sets RD_DATA to the data
# or BADMAC (no subshell: the SSC must move in this shell)
smread() {
	local hdr d
	SSC=$((SSC + 1))
	hdr=04B0$(printf '%02X' $((0x80 | $1)))00$(printf '%02X' $(($2 + 8)))
	apdu "$hdr"
	[ "$(sw)" = 9000 ] || { RD_DATA="SW$(sw)"; return; }
	d=$(data)
	if [ "$(cmac "$SKEY" "02$(u32 $SSC)$hdr${d:0:$2*2}" | cut -c1-16)" = "${d:$2*2}" ]; then
		RD_DATA=${d:0:$2*2}
	else
		RD_DATA=BADMAC
	fi
}

sc_open
apdu 00A4040009F053414C454445534B
is "SELECT by AID answers 61xx under T=0" "$R" 6110
apdu 00C0000010
is "GET RESPONSE returns the FCI with AID and key version" "$R" 6F0E8409F053414C454445534B8501019000
apdu 00B0810000
is "READ BINARY with Le=00 answers 6Cxx with the file length" "$R" 6C40
apdu 00B0810004
is "READ BINARY EF01 header in plain" "$R" 680100349000
apdu 00B0810040
like "READ BINARY EF01 carries the serial" "$R" "^68010034010101010102030405060708"
apdu 00B0870004
is "READ BINARY of a missing SFI: 6A82" "$R" 6A82
apdu 00B0814004
is "READ BINARY offset beyond the file: 6B00" "$R" 6B00
apdu 0084010008
is "GET CHALLENGE with wrong P1: 6A86" "$R" 6A86
apdu 0084000004
is "GET CHALLENGE with wrong Le: 6C08" "$R" 6C08
apdu 00A4000003DF0100
is "SELECT FID with Lc 3: 6700" "$R" 6700
apdu 00CA000000
is "unknown INS: 6D00" "$R" 6D00
apdu 04B0810048
is "MAC read without a session: 6982" "$R" 6982
apdu 0082000210000102030405060708090A0B0C0D0E0F
is "EXTERNAL AUTHENTICATE without a challenge: 6984" "$R" 6984
apdu 0084000008
apdu 0082000210000102030405060708090A0B0C0D0E0F
is "EXTERNAL AUTHENTICATE before INTERNAL AUTHENTICATE: 6985" "$R" 6985
apdu 0088000108$RD
apdu 00C0000010
is "INTERNAL AUTHENTICATE proves the card (checked with openssl)" "$(data)" "$(aes "$K01" $RD$S)"
apdu 0084000008
apdu 0082000210000102030405060708090A0B0C0D0E0F
is "wrong external-auth cryptogram: 63C4 (tries left)" "$R" 63C4
apdu 0084000008
apdu 0082000210000102030405060708090A0B0C0D0E0F
is "second wrong cryptogram: 63C3" "$R" 63C3
auth 02 "$K02"
is "three-pass authentication with the desk key (openssl side)" "$R" 9000
like "a good authentication resets the try counter" "$("$V" image show "$W/fresh.img")" "tries.02: 5"
smread 1 8
is "MAC read of EF01 verifies under the session key" "$RD_DATA" "6801003401010101"
apdu 00D6830004AABBCCDD
is "plain UPDATE BINARY is refused: 6982" "$R" 6982
smcmd 04 D6 83 00 68030001AA00
is "UPDATE BINARY EF03 with a good MAC: 9000" "$R" 9000
apdu "$LAST_SM"
is "replayed UPDATE (same MAC, SSC moved): 6988" "$R" 6988
apdu 04B0810048
is "a MAC error ends the session: 6982" "$R" 6982
auth 02 "$K02"
smcmd 04 D6 85 00 0000
is "desk key may not write the return file: 6982" "$R" 6982
auth 02 "$K02"
SSC=$((SSC + 1))
apdu 04D683000911${MAC}
is "UPDATE with a wrong MAC: 6988" "$R" 6988
auth 02 "$K02"
smcmd 04 D6 83 5E 0102030405
is "UPDATE past the end of the file: 6700" "$R" 6700
# LOAD PURCHASE, record built and MACed here
pbody() { printf '%s01%s%016X00%s%s%s%s' "$(u32 "$1")" "$(u32 "$2")" "$2" 000000000000000000000000 00000000 00000000 "$(u32 1767225600)$(u32 7)"; }
prec() { local b; b=$(pbody "$1" "$2"); frame 02 "$b$(cmac "$K05" "50$S$b" | cut -c1-16)"; }
auth 02 "$K02"
smcmd 84 52 00 00 "$(prec 1 2000)"
is "LOAD PURCHASE seq 1 on a fresh card: 9000" "$R" 9000
like "the card holds the purchase" "$("$V" image show "$W/fresh.img")" "purchase.seq: 1.*"
smcmd 84 52 00 00 "$(prec 2 2000)"
is "LOAD PURCHASE stacking on an unreturned purchase: 6985" "$R" 6985
smcmd 84 52 00 00 "$(prec 5 2000)"
is "LOAD PURCHASE with a sequence gap: 6A80" "$R" 6A80
auth 03 "$K03"
is "three-pass authentication with the meter key" "$R" 9000
smcmd 84 52 00 00 "$(prec 2 2000)"
is "meter key may not load a purchase: 6982" "$R" 6982
smcmd 84 0E 00 00 ""
is "meter key may not erase the card: 6982" "$R" 6982
auth 02 "$K02"
smcmd 84 0E 00 00 ""
is "ERASE DF with the desk key: 9000" "$R" 9000
apdu 00A4040C09F053414C454445534B
is "erased card is blank: SELECT DF01 gives 6A82" "$R" 6A82
sc_close

# card removal and insertion, other cards
vcard_ctl remove >/dev/null
vcard_wait_nocard
out=$(echo 0084000008 | timeout 10 scriptor -r "$VPCD_READER" 2>&1)
like "removed card: PC/SC client cannot connect" "$out" "Can't allocate|No smart card|REMOVED|removed"
"$V" image new "$W/blank.img" --serial 2122232425262728 >/dev/null
vcard_ctl insert "$W/blank.img" >/dev/null && vcard_wait_card
out=$(printf '00A4040C09F053414C454445534B\n00A4000C023F00\n' | timeout 10 scriptor -r "$VPCD_READER" 2>&1)
like "blank card: no application (6A82), MF present" "$(echo "$out" | grep '^<' | tr -d '\n')" "6A 82.*90 00"
vcard_ctl insert "$W/other.img" >/dev/null && vcard_wait_card
sc_open
apdu 00A4040C09F053414C454445534B
apdu 0088000108$RD
apdu 00C0000010
S2=1112131415161718
if [ "$(data)" != "$(aes "$(divers 1 $S2)" $RD$S2)" ] && [ "$(sw)" = 9000 ]; then
	ok "other utility's card fails our internal-auth check"
else
	nok "other utility's card fails our internal-auth check"
fi
sc_close

# a tear in the middle of a write: the APDU counter starts at insertion
cp "$IMG" "$W/tear.img"
sed -n 's/^ef03 //p' "$W/tear.img" >"$W/ef03.before"
vcard_ctl insert "$W/tear.img" >/dev/null && vcard_wait_card
S=$(sed -n 's/^serial //p' "$W/tear.img")
K01=$(divers 1 $S) K02=$(divers 2 $S) K04=$(divers 4 $S)
sc_open
auth 02 "$K02"                      # APDUs 1-6
vcard_ctl tear 1 drop >/dev/null    # the next APDU (7) is torn
smcmd 04 D6 83 00 68030001BB00
is "tear (drop): the client sees the card gone" "$R" DEAD
sc_close
is "tear (drop): the torn write did not happen" "$(sed -n 's/^ef03 //p' "$W/tear.img")" "$(cat "$W/ef03.before")"
like "tear: the card is out of the reader" "$(vcard_ctl status)" "inserted=0"
vcard_ctl insert "$W/tear.img" >/dev/null && vcard_wait_card
sc_open
auth 02 "$K02"
vcard_ctl tear 1 commit >/dev/null
smcmd 04 D6 83 00 68030001CC00
is "tear (commit): no answer reaches the client" "$R" DEAD
sc_close
like "tear (commit): the torn write is complete in the image" "$(sed -n 's/^ef03 //p' "$W/tear.img")" "^68030001CC00"
vcard_ctl insert "$W/tear.img" >/dev/null && vcard_wait_card
out=$(printf '00A4040C09F053414C454445534B\n00B0830006\n' | timeout 10 scriptor -r "$VPCD_READER" 2>&1)
like "re-inserted card reads the committed data through pcscd" "$(echo "$out" | tr -d '\n')" "68 03 00 01 CC 00 90 00"

# a tear during LOAD PURCHASE: both files change together or not at all
cp "$IMG" "$W/load.img"
vcard_ctl insert "$W/load.img" >/dev/null && vcard_wait_card
sc_open
auth 02 "$K02"
vcard_ctl tear 1 drop >/dev/null
smcmd 84 52 00 00 "$(prec 3 700)"
sc_close
out=$("$V" image show "$W/load.img")
like "torn LOAD (drop): purchase 2 and its return record both still there" "$out" "purchase.seq: 2 .*return.count: 2"
vcard_ctl insert "$W/load.img" >/dev/null && vcard_wait_card
sc_open
auth 02 "$K02"
vcard_ctl tear 1 commit >/dev/null
smcmd 84 52 00 00 "$(prec 3 700)"
sc_close
out=$("$V" image show "$W/load.img")
like "torn LOAD (commit): purchase 3 in and the return file cleared together" "$out" "purchase.seq: 3 .*return: empty"
vcard_ctl insert "$W/load.img" >/dev/null && vcard_wait_card
sc_open
auth 02 "$K02"
smcmd 84 52 00 00 "$(prec 3 700)"
is "after the tear the same purchase cannot be loaded twice: 6A80" "$R" 6A80
sc_close

echo "1..$N"
exit $FAIL
