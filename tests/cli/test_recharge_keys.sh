#!/usr/bin/env bash
# Recharge keys from the key store (docs/poll.md "Recharge keys"): MK06 in
# the key file, `keys export-service` writing only MK06, the service
# reading that file ([poll] recharge_keys) at start and at SIGHUP, a
# remote recharge MAC'd with K_m derived from MK06 and checked by
# metersim (which derives K_m with the same code), the meter_wiring
# override, a missing and a group-readable key file, and no key in any
# log, output, database or audit row. Every process started here is
# stopped by the EXIT trap.
. "$(dirname "$0")/../lib/cli.sh"
. "$(dirname "$0")/../lib/metersim.sh"
init_desk
field() { metersim_field "$1" "$(metersim_ctl dump "$2")"; }
state() { q "SELECT state || ':' || reason FROM commands WHERE kind = 'recharge' AND meter_id = (SELECT id FROM meters WHERE meter_no = '$1') AND purchase_seq = $2"; }
PW='a long key passphrase'
KF=$work/desk/saledesk.keys
RK=$work/rk/recharge-keys
mkdir -p "$work/desk" "$work/rk"
printf '[database]\npath = %s\n[keys]\nfile = %s\n[poll]\nrecharge_keys = %s\n' \
	"$SALEDESK_DB" "$KF" "$RK" >"$work/sd.conf"
export SALEDESK_CONFIG=$work/sd.conf
unset CREDENTIALS_DIRECTORY
# Everything the commands print goes here too, to be searched for keys.
ALL=$work/all-output
log_out() { printf '%s\n%s\n' "$out" "$err" >>"$ALL"; }

as_admin operator add tech --name "Tech" --roles technician --new-password-fd 4 4<<<"tech-pw-1" >/dev/null
as_admin operator add cash --name "Cash" --roles cashier --new-password-fd 4 4<<<"cash-pw-1" >/dev/null
tech() { as tech tech-pw-1 "$@"; }
cash() { as cash cash-pw-1 "$@"; }

expect_rc 0 "config show names the service's recharge key file" sd config show --format tsv
contains "$out" $'poll.recharge_keys\t'"$RK" "...[poll] recharge_keys"

# --- MK06 in the key file ----------------------------------------------
expect_rc 0 "keys init makes version 01" as_admin keys init --passphrase-fd 4 4<<<"$PW"
log_out
contains "$out" "MK06=" "...with an MK06 shown by its check value"
kcv06=$(grep -o 'MK06=[0-9A-F]*' <<<"$out" | cut -d= -f2)
check "...six hex digits of it" test "${#kcv06}" = 6
expect_rc 0 "keys status lists MK06 too" as_admin keys status --passphrase-fd 4 4<<<"$PW"
log_out
contains "$out" "MK06=$kcv06" "...the same check value"

# --- export-service ----------------------------------------------------
expect_rc 1 "a technician may not export the service keys" \
	tech keys export-service --out "$RK" --passphrase-fd 4 4<<<"$PW"
log_out
contains "$err" "permission denied" "...permission denied"
check "...and nothing is written" test ! -e "$RK"
expect_rc 1 "a wrong passphrase exports nothing" \
	as_admin keys export-service --out "$RK" --passphrase-fd 4 4<<<"not the passphrase"
check "...no file" test ! -e "$RK"
expect_rc 2 "export-service needs --out" as_admin keys export-service --passphrase-fd 4 4<<<"$PW"
expect_rc 0 "the administrator exports the service keys" \
	as_admin keys export-service --out "$RK" --passphrase-fd 4 4<<<"$PW"
log_out
contains "$out" "01:$kcv06" "...naming version 01 by its MK06 check value"
contains "$out" "systemd-creds encrypt --name=recharge-keys" "...and saying how to encrypt it"
check "the exported file is mode 0600" test "$(stat -c %a "$RK")" = 600
check "...and alone in its folder (no temporary file left)" test "$(ls -A "$work/rk")" = recharge-keys
nkeys=$(grep -c '^[0-9A-F][0-9A-F] = [0-9A-F]\{32\}$' "$RK")
check "...holding one key line (MK06 of version 01), no card key" test "$nkeys" = 1
MK06=$(awk '$1 == "01" && $2 == "=" { print $3 }' "$RK")
# Independently: the KCV of the exported key (AES-128 of a zero block)
# is the MK06 check value keys status shows, and none of MK00..MK05's.
kcv_file=$(head -c 16 /dev/zero | openssl enc -aes-128-ecb -K "$MK06" -nopad 2>/dev/null | od -An -tx1 | tr -d ' \n' | cut -c1-6 | tr a-f A-F)
check "...and that line is MK06 (its KCV is $kcv06)" test "$kcv_file" = "$kcv06"
grep -o 'MK0[0-5]=[0-9A-F]*' <<<"$(as_admin keys status --passphrase-fd 4 4<<<"$PW")" | grep -q "=$kcv_file$" &&
	not_ok "...not a card key" || ok "...not a card key"
a=$(as_admin audit list --last 5 2>&1)
contains "$a" "keys.export_service" "the export is audited"

# K_m as metersim and the desk should both derive it (openssl, not our code)
km() { printf 'SDRK%s' "$1" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$MK06" | awk '{print $NF}' | cut -c1-32; }
KM1=$(km 000001000001)
OVERRIDE=00112233445566778899aabbccddeeff

# --- the service -------------------------------------------------------
# Meter 1 holds K_m from MK06; meter 2 a maker's own key (the override
# column); meter 3 K_m of key version 02, which the key file lacks (the
# desk is told 02 when it is wired, and the meter's device info says so).
metersim_require -e 'bus 1 tcp' -e "meter 1 1 mk06=$MK06 balance=1000" \
	-e "meter 1 2 key=$OVERRIDE balance=1000" -e "meter 1 3 mk06=$MK06 keyver=2 balance=1000" \
	-e "meter 1 4 mk06=$MK06 balance=1000"
trap service_test_cleanup EXIT
as_admin tariff add RES --name r --spec "flat 0.588" >/dev/null
for m in 000001000001 000001000002 000001000003 000001000004; do
	as_admin account open --name "M$m" --meter "$m:RES:remote:1" >/dev/null
done
tech bus add gw --tcp "127.0.0.1:${METERSIM_TCP[1]}" >/dev/null
expect_rc 0 "a meter is wired with no key of its own" tech meter wire 000001000001 --bus gw --unit 1
expect_rc 0 "a meter is wired with its maker's key (override)" \
	tech meter wire 000001000002 --bus gw --unit 2 --key-fd 4 4<<<"$OVERRIDE"
expect_rc 0 "a meter is wired with key version 02" tech meter wire 000001000003 --bus gw --unit 3 --key-version 02
expect_rc 2 "a key version out of range is refused" tech meter wire 000001000003 --bus gw --unit 3 --key-version 80
# Meter 4's derived key was typed in before the key store (the interim
# column): the service finds it equal to K_m and clears the copy.
expect_rc 0 "a meter is wired with its derived key typed in" \
	tech meter wire 000001000004 --bus gw --unit 4 --key-fd 4 4<<<"$(km 000001000004)"
[ "$(q "SELECT group_concat(key_version) FROM meter_wiring ORDER BY meter_id")" = "1,1,2,1" ] &&
	ok "...the key versions are stored (default 01)" || not_ok "key versions: $(q 'SELECT meter_id, key_version FROM meter_wiring')"
[ "$(q "SELECT group_concat(meter_id) FROM meter_wiring WHERE recharge_key IS NOT NULL")" = "2,4" ] &&
	ok "...and only meters 2 and 4 have a key in the database" || not_ok "keys in meter_wiring"

LOG=$work/poll.log
SALEDESK_LOG=info "$SD" poll --interval 0.3 --drift 0 >"$LOG" 2>&1 &
POLL_PID=$!
wait_for() { # wait_for SQL WANT: up to 10 s
	local i v
	for i in $(seq 100); do
		v=$(q "$1")
		[ "$v" = "$2" ] && return 0
		sleep 0.1
	done
	echo "# waited for $2, have: $v"
	return 1
}
polls() { q "SELECT ifnull(sum(polls), 0) FROM meter_state"; }
wait_for "SELECT count(*) FROM meter_state WHERE read_at IS NOT NULL" 4 &&
	ok "the service reads the four meters" || not_ok "meters not read"
contains "$(cat "$LOG")" "recharge keys: 1 key version(s) from $RK" "...and says it loaded the recharge keys"
[ "$(q "SELECT group_concat(meter_id) FROM meter_wiring WHERE recharge_key IS NOT NULL")" = 2 ] &&
	ok "...and clears meter 4's stored key, which is its derived one; the maker's key of meter 2 stays" ||
	not_ok "keys in meter_wiring: $(q "SELECT group_concat(meter_id) FROM meter_wiring WHERE recharge_key IS NOT NULL")"
contains "$(cat "$LOG")" "recharge keys: 1 meter(s) had their derived key stored in the database; cleared" "...saying so"
expect_rc 0 "a recharge of meter 4" cash meter recharge 000001000004 --amount 5
wait_for "SELECT state FROM commands WHERE kind = 'recharge' AND meter_id = 4" done &&
	ok "...is done with the derived key" || not_ok "meter 4: $(state 000001000004 1)"

b0=$(field balance 1:1)
expect_rc 0 "a cashier queues a recharge of 50.00" cash meter recharge 000001000001 --amount 50
wait_for "SELECT state FROM commands WHERE kind = 'recharge' AND purchase_seq = 1 AND meter_id = 1" done &&
	ok "...it is done with the key derived from MK06" || not_ok "recharge: $(state 000001000001 1)"
b1=$(field balance 1:1)
[ "$(field purchases 1:1)" = 1 ] && [ "$b1" -ge $((b0 + 5000 - 50)) ] && [ "$b1" -le $((b0 + 5000)) ] &&
	ok "...the meter counted purchase 1 and its balance rose by 50.00 ($b0 -> $b1 fen)" || not_ok "meter: $(metersim_ctl dump 1:1)"
# A wrong derivation would be refused by the meter's MAC check: the meter
# holds exactly KM1 (metersim's `mac` control command computes with the
# meter's key; compare it with openssl under KM1).
want=$(printf 'SDRC000001000001\x00\x00\x00\x07\x00\x00\x00\x64' | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$KM1" | awk '{print $NF}' | cut -c1-16)
got=$(metersim_ctl mac 1:1 7 100 2>&1)
contains "$(tr A-F a-f <<<"$got")" "$want" "metersim's meter holds K_m = HMAC-SHA256(MK06, SDRK||number)[0..15]"

expect_rc 0 "a recharge of the override meter" cash meter recharge 000001000002 --amount 20
wait_for "SELECT state FROM commands WHERE kind = 'recharge' AND meter_id = 2" done &&
	ok "...is done with its own key from the database" || not_ok "override: $(state 000001000002 1)"
expect_rc 0 "a recharge of the version-02 meter" cash meter recharge 000001000003 --amount 20
wait_for "SELECT state FROM commands WHERE kind = 'recharge' AND meter_id = 3" failed &&
	ok "...fails: the service has no MK06 of version 02" || not_ok "version 02: $(state 000001000003 1)"
contains "$(state 000001000003 1)" "no recharge keys: run \`saledesk keys export-service\` (none for key version 02)" "...saying so"
[ "$(field purchases 1:3)" = 0 ] && ok "...and nothing reached the meter" || not_ok "meter 3: $(metersim_ctl dump 1:3)"

# --- no key file -------------------------------------------------------
mv "$RK" "$work/rk-away"
kill -HUP $POLL_PID
sleep 1
contains "$(cat "$LOG")" "no recharge keys ($RK does not exist)" "after SIGHUP without the file the service says it has no recharge keys"
p0=$(polls)
expect_rc 0 "a recharge is queued" cash meter recharge 000001000001 --amount 10
wait_for "SELECT state FROM commands WHERE kind = 'recharge' AND purchase_seq = 2 AND meter_id = 1" failed &&
	ok "...and fails" || not_ok "no keys: $(state 000001000001 2)"
[ "$(state 000001000001 2)" = 'failed:no recharge keys: run `saledesk keys export-service`' ] &&
	ok "...with \"no recharge keys: run \`saledesk keys export-service\`\"" || not_ok "reason: $(state 000001000001 2)"
[ "$(field purchases 1:1)" = 1 ] && ok "...the meter was not credited" || not_ok "meter: $(metersim_ctl dump 1:1)"
sleep 1
[ "$(polls)" -gt "$p0" ] && ok "...while the meters are still read (polls $p0 -> $(polls))" || not_ok "readings stopped"
kill -0 $POLL_PID 2>/dev/null && ok "...and the service runs on" || not_ok "the service stopped"

# --- a key file others may read -----------------------------------------
mv "$work/rk-away" "$RK"
chmod 640 "$RK"
kill -HUP $POLL_PID
sleep 1
contains "$(cat "$LOG")" "recharge keys refused: $RK is not a regular file readable by its owner only" \
	"a group-readable key file is refused with a clear log line"
expect_rc 0 "a recharge is queued" cash meter recharge 000001000001 --amount 10 --seq 3
wait_for "SELECT state FROM commands WHERE kind = 'recharge' AND purchase_seq = 3 AND meter_id = 1" failed &&
	ok "...and fails with the keys refused" || not_ok "group-readable: $(state 000001000001 3)"
contains "$(state 000001000001 3)" "no recharge keys" "...no recharge keys"

# --- back in order: SIGHUP takes the keys again ---------------------------
chmod 600 "$RK"
kill -HUP $POLL_PID
sleep 1
expect_rc 0 "with the file at 0600 again a recharge is queued" cash meter recharge 000001000001 --amount 10 --seq 2
wait_for "SELECT state FROM commands WHERE kind = 'recharge' AND purchase_seq = 2 AND meter_id = 1 AND state <> 'failed'" done &&
	ok "...and done after SIGHUP reloaded the keys" || not_ok "after reload: $(q "SELECT purchase_seq, state, reason FROM commands WHERE meter_id = 1")"
[ "$(field purchases 1:1)" = 2 ] && ok "...the meter counted purchase 2" || not_ok "meter: $(metersim_ctl dump 1:1)"

kill -TERM $POLL_PID
for i in $(seq 100); do kill -0 $POLL_PID 2>/dev/null || break; sleep 0.05; done
wait $POLL_PID; rc=$?
POLL_PID=
[ $rc = 0 ] && ok "the service stops on SIGTERM" || not_ok "exit status $rc"

# --- systemd: $CREDENTIALS_DIRECTORY/recharge-keys --------------------------
# Without [poll] recharge_keys the service reads the credential systemd
# decrypted; with the unit's SetCredential= default (a comment line) it
# has none.
printf '[database]\npath = %s\n[keys]\nfile = %s\n' "$SALEDESK_DB" "$KF" >"$work/sd-systemd.conf"
mkdir -p "$work/creds"
cp "$RK" "$work/creds/recharge-keys"
chmod 400 "$work/creds/recharge-keys"
cred_once() { CREDENTIALS_DIRECTORY=$work/creds SALEDESK_LOG=info "$SD" --config "$work/sd-systemd.conf" poll --once --drift 0 2>>"$work/cred.log"; }
expect_rc 0 "with the systemd credential a recharge is queued" cash meter recharge 000001000001 --amount 10 --seq 3
cred_once >/dev/null
[[ "$(state 000001000001 3 | grep -v '^failed' | head -1)" == "done:credited; balance "* ]] && [ "$(field purchases 1:1)" = 3 ] &&
	ok "...and done by poll --once reading \$CREDENTIALS_DIRECTORY/recharge-keys" || not_ok "credential: $(q "SELECT purchase_seq, state, reason FROM commands WHERE meter_id = 1")"
contains "$(cat "$work/cred.log")" "recharge keys: 1 key version(s) from $work/creds/recharge-keys" "...as its log says"
chmod 600 "$work/creds/recharge-keys"
printf '# no recharge keys exported' >"$work/creds/recharge-keys"
chmod 400 "$work/creds/recharge-keys"
expect_rc 0 "with the unit's default credential a recharge is queued" cash meter recharge 000001000001 --amount 10 --seq 4
cred_once >/dev/null
[ "$(state 000001000001 4)" = 'failed:no recharge keys: run `saledesk keys export-service`' ] &&
	ok "...and fails: no recharge keys" || not_ok "default credential: $(state 000001000001 4)"
contains "$(cat "$work/cred.log")" "holds no recharge key" "...the log saying the credential holds none"
cat "$work/cred.log" >>"$ALL"

# --- a rotation -----------------------------------------------------------
expect_rc 0 "keys rotate adds version 02" as_admin keys rotate --passphrase-fd 4 4<<<"$PW"
log_out
contains "$out" "run \`saledesk keys export-service\` again" "...and says to export the service keys again"
kcv06b=$(grep -o 'MK06=[0-9A-F]*' <<<"$out" | cut -d= -f2)
expect_rc 0 "export-service again" as_admin keys export-service --out "$RK" --passphrase-fd 4 4<<<"$PW"
log_out
contains "$out" "01:$kcv06 02:$kcv06b" "...writes MK06 of both versions"
check "...two key lines" test "$(grep -c '^[0-9A-F][0-9A-F] = [0-9A-F]\{32\}$' "$RK")" = 2
check "...still 0600" test "$(stat -c %a "$RK")" = 600
MK06B=$(awk '$1 == "02" && $2 == "=" { print $3 }' "$RK")

# --- export-service --systemd: piped into systemd-creds --------------------
# A stand-in systemd-creds on PATH records its arguments and keeps what it
# reads (the real one needs root and the host key).
mkdir -p "$work/fakebin" "$work/enc" "$work/empty"
cat >"$work/fakebin/systemd-creds" <<'EOF'
#!/bin/sh
printf '%s\n' "$@" >"$FAKE_ARGS"
[ -n "$FAKE_FAIL" ] && { echo "systemd-creds: no TPM2 and no host key" >&2; exit 1; }
umask 077
cat >"$4"
EOF
chmod 755 "$work/fakebin/systemd-creds"
export FAKE_ARGS=$work/fake.args
expect_rc 0 "export-service --systemd pipes the keys into systemd-creds" \
	env PATH="$work/fakebin:$PATH" "$SD" keys export-service --systemd --out "$work/enc/cred" \
	--operator admin --password-fd 3 3<<<"$ADMIN_PW" --passphrase-fd 4 4<<<"$PW"
log_out
contains "$out" "Encrypted the recharge master key (MK06) of 2 key version(s) into $work/enc/cred" "...saying so"
[ "$(tr '\n' ' ' <"$FAKE_ARGS")" = "encrypt --name=recharge-keys - $work/enc/cred " ] &&
	ok "...as \`systemd-creds encrypt --name=recharge-keys - CREDENTIAL\`" || not_ok "arguments: $(cat "$FAKE_ARGS")"
[ "$(grep -v '^#' "$work/enc/cred")" = "$(grep -v '^#' "$RK")" ] &&
	ok "...giving it the same MK06 lines as --out" || not_ok "piped text differs"
check "...and leaving no clear file beside it" test "$(ls -A "$work/enc")" = cred
expect_rc 1 "a failing systemd-creds fails the export" \
	env FAKE_FAIL=1 PATH="$work/fakebin:$PATH" "$SD" keys export-service --systemd --out "$work/enc/cred2" \
	--operator admin --password-fd 3 3<<<"$ADMIN_PW" --passphrase-fd 4 4<<<"$PW"
contains "$err" "systemd-creds encrypt failed (exit status 1): nothing was exported" "...saying so"
expect_rc 1 "without systemd-creds on PATH --systemd is refused" \
	env PATH="$work/empty" "$SD" keys export-service --systemd --out "$work/enc/cred3" \
	--operator admin --password-fd 3 3<<<"$ADMIN_PW" --passphrase-fd 4 4<<<"$PW"
contains "$err" "systemd-creds is not on PATH" "...naming it"
check "...and nothing is written" test ! -e "$work/enc/cred3"

# --- no key anywhere it should not be ------------------------------------
cat "$LOG" >>"$ALL"
as_admin audit list --last 1000 >>"$ALL" 2>&1
sqlite3 "$SALEDESK_DB" .dump >>"$ALL" 2>&1
cat "$METERSIM_LOG" >>"$ALL" 2>/dev/null
bad=
for k in "$MK06" "$MK06B" "$KM1" "$(km 000001000004)"; do
	for form in "$k" "$(tr a-f A-F <<<"$k")" "$(tr A-F a-f <<<"$k")"; do
		grep -qF -- "$form" "$ALL" && bad="$bad ${form:0:4}..."
	done
done
[ -n "$MK06B" ] && [ -z "$bad" ] && ok "no MK06 and no derived key in any output, log, audit row or the database ($(wc -l <"$ALL") lines searched)" || not_ok "key material found:$bad"
grep -q -- "$PW" "$ALL" && not_ok "the passphrase leaked" || ok "no passphrase in any output or log"
grep -qi "$MK06" "$KF" && not_ok "the key file holds MK06 in clear" || ok "the key file holds MK06 encrypted"
grep -q "AddressSanitizer\|runtime error" "$LOG" && not_ok "sanitizer report in the service log" || ok "no sanitizer report in the service log"

tap_done
