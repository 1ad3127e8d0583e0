#!/usr/bin/env bash
# The tariff travels to card meters (docs/card-spec.md 5.3, 11.3): through
# the real pcscd and the virtual card, a sale writes EF03 (the version in
# force) only when the card's meter does not have it yet, EF04 (the next
# version, with its activation time) once a version is scheduled, again
# after a cancelled purchase, never for a tariff a card cannot express;
# a setting card carries a tariff to any meter; the simulated meter takes
# the tariff the purchase or the order names.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pcscd.sh
pcscd_reexec "$0" "$@"
. tests/lib/cli.sh
. tests/lib/card.sh

card_setup || { echo "1..0 # SKIP $card_skip"; exit 0; }
keys_init_test >/dev/null || { echo "Bail out! keys init failed"; exit 1; }

sell() { cashier_keys sale "$@"; }
db() { sqlite3 "$SALEDESK_DB" "$1"; }
# meter_state METERNO KEY: a value from the simulated meter's state file.
meter_state() { awk -F= -v k="$2" '$1 == k { print $2 }' "$CW/meter-$1.state"; }
# ef_flags: the update flags of the card's purchase record (EF02 body 17).
ef_flags() { local h; h=$(hex_field "$CUR_IMG" ef02); echo "${h:42:2}"; }
# ef_tariff_id EF: the tariff id in the card's EF03/EF04 (body 1..4).
ef_tariff_id() { local h; h=$(hex_field "$CUR_IMG" "$1"); echo $((16#${h:10:8})); }
# ef_activation EF: the activation time in EF03/EF04 (body 74..77).
ef_activation() { local h; h=$(hex_field "$CUR_IMG" "$1"); echo $((16#${h:156:8})); }
is() { [ "$1" = "$2" ] && ok "$3" || { not_ok "$3"; echo "# got '$1', want '$2'"; }; }

expect_rc 0 "an account with a card meter on tariff RES" as li cashier-pw-1 \
	account open --name "张三" --room 301 --meter 202400000001 --tariff RES
ACC=00000001
V1=$(db "SELECT v.id FROM tariff_versions v JOIN tariffs t ON t.id = v.tariff_id WHERE t.code = 'RES'")
new_card c1 0102030405060708
expect_rc 0 "its card is issued" cashier_keys card issue $ACC
USER_IMG=$CUR_IMG
expect_rc 0 "the cashier opens a shift" as li cashier-pw-1 shift open --float 100

# ---- the first purchase of a new card carries the tariff in force ----
expect_rc 0 "the first sale of a new card" sell $ACC --amount 50
contains "$out" "tariff: version $V1 written to the card (EF03)" "...writes the tariff in force to EF03"
contains "$out" "apdus: 9," "...in 9 APDUs: the 8 of a purchase and one EF03 write"
lacks "$out" "EF04" "...and no standby tariff: none is scheduled"
is "$(ef_flags)" 0D "the purchase record names EF03 (flags bit0) beside alarms and limits"
is "$(hex_field "$CUR_IMG" ef03 | cut -c1-4)" 6803 "EF03 holds a tariff frame (68 03 ...)"
is "$(ef_tariff_id ef03)" "$V1" "...with the tariff version's id"
is "$(db "SELECT tariff_ef03 FROM cards")" "$V1" "the desk remembers what the card carries"
meter_insert 202400000001
contains "$meter_out" "result: 00" "the meter credits the purchase"
is "$(meter_state 202400000001 tariff_id)" "$V1" "...and takes its tariff"

# ---- the same tariff again: nothing more to write ----
expect_rc 0 "a second sale with the same tariff" sell $ACC --amount 20
lacks "$out" "written to the card" "...writes no tariff file"
contains "$out" "apdus: 8," "...in the 8 APDUs of a plain purchase"
is "$(ef_flags)" 0C "the purchase record names no tariff file"
meter_insert 202400000001
contains "$meter_out" "result: 00" "the meter credits it"
is "$(meter_state 202400000001 tariff_id)" "$V1" "...and keeps its tariff"

# ---- a scheduled version travels as the standby tariff ----
expect_rc 0 "the administrator schedules a new RES version" \
	as_admin tariff add RES --spec "flat 0.6000" --effective "2099-01-01"
V2=$(db "SELECT max(id) FROM tariff_versions")
FROM2=$(db "SELECT effective_from FROM tariff_versions WHERE id = $V2")
expect_rc 0 "the next sale" sell $ACC --amount 20
contains "$out" "next tariff: version $V2 from 2099-01-01" "...writes the new version to EF04"
lacks "$out" "(EF03)" "...and not EF03: the meter has the version in force"
contains "$out" "apdus: 9," "...in 9 APDUs"
is "$(ef_flags)" 0E "the purchase record names EF04 (flags bit1)"
is "$(hex_field "$CUR_IMG" ef04 | cut -c1-4)" 6804 "EF04 holds a tariff frame (68 04 ...)"
is "$(ef_tariff_id ef04)" "$V2" "...with the new version's id"
is "$(ef_activation ef04)" "$FROM2" "...and its activation time"
meter_insert 202400000001
is "$(meter_state 202400000001 standby_id)" "$V2" "the meter keeps it as its standby tariff"
is "$(meter_state 202400000001 standby_at)" "$FROM2" "...to switch at its activation"
is "$(meter_state 202400000001 tariff_id)" "$V1" "...and prices with the current one until then"
expect_rc 0 "a sale after that" sell $ACC --amount 20
lacks "$out" "written to the card" "...writes no tariff file: the meter has both"
contains "$out" "apdus: 8," "...in 8 APDUs"

# ---- a cancelled purchase never brought its tariff: the next one does ----
S=$(db "SELECT max(id) FROM sales")
meter_insert 202400000001
expect_rc 0 "the next sale" sell $ACC --amount 15
expect_rc 0 "...is reversed" cashier_keys sale reverse "$(db "SELECT max(id) FROM sales")" \
	--reason "wrong amount"
is "$(db "SELECT ifnull(tariff_ef03, 0) || ' ' || ifnull(tariff_ef04, 0) FROM cards")" "0 0" \
	"the desk forgets the card's tariff with the cancelled purchase"
expect_rc 0 "the sale after the reversal" sell $ACC --amount 15
contains "$out" "tariff: version $V1 written to the card (EF03)" "...writes EF03 again"
contains "$out" "next tariff: version $V2" "...and EF04"
contains "$out" "apdus: 10," "...in 10 APDUs"
is "$(ef_flags)" 0F "the purchase record names both tariff files"

# ---- the meter switches to the standby tariff at its activation ----
vcard_ctl remove >/dev/null 2>&1
out=$("$VCARD_BIN" image meter-insert "$CUR_IMG" --keys test --meter-state \
	"$CW/meter-202400000001.state" --meter-no 202400000001 --time $((FROM2 + 60)) 2>&1)
contains "$out" "result: 00" "a meter whose clock passed the activation credits the purchase"
is "$(meter_state 202400000001 tariff_id)" "$V2" "...and prices with the new version"
is "$(meter_state 202400000001 standby_id)" 0 "...its standby slot empty again"
use_card "$USER_IMG"

# ---- a sale cut short after the card took it: settled from the card ----
db "UPDATE cards SET tariff_ef03 = NULL, tariff_ef04 = NULL WHERE serial = '0102030405060708'"
SALEDESK_FAULT=kill:written sell $ACC --amount 12 >/dev/null 2>&1
is "$(db "SELECT status FROM sales ORDER BY id DESC LIMIT 1")" pending \
	"killed after writing a purchase with both tariff files: the sale is pending"
is "$(ef_flags)" 0F "...the card holds the purchase naming both files"
expect_rc 0 "the card settles it" cashier_keys sale settle
contains "$out" "completed" "...completed"
is "$(db "SELECT tariff_ef03 || ' ' || tariff_ef04 FROM cards WHERE serial = '0102030405060708'")" \
	"$V1 $V2" "...and the desk learns from the card which tariffs it carries"
meter_insert 202400000001
contains "$meter_out" "result: 00" "the meter credits it"
expect_rc 0 "the next sale" sell $ACC --amount 12
lacks "$out" "written to the card" "...carries no tariff file"
contains "$out" "apdus: 8," "...in 8 APDUs"
meter_insert 202400000001

# ---- a setting card carries the tariff to any meter ----
new_card setting 5555555555555555
expect_rc 2 "--tariff is for a setting card only" tech_keys card issue-tech reset --tariff RES
expect_rc 1 "an unknown tariff is refused" tech_keys card issue-tech setting --version 5 --tariff NOPE
expect_rc 0 "a technician issues a setting card with the tariff" \
	tech_keys card issue-tech setting --version 5 --tariff RES
contains "$out" "tariff: RES version $V1 (EF03)" "...the version in force into EF03"
contains "$out" "next tariff: version $V2 from 2099-01-01 00:00 (EF04)" "...the scheduled one into EF04"
is "$(ef_tariff_id ef03)" "$V1" "the card's EF03 holds it"
is "$(ef_activation ef04)" "$FROM2" "...and EF04 the next with its activation"
meter_insert 202400000077
contains "$meter_out" "result: 00" "a meter carries out the order"
is "$(meter_state 202400000077 tariff_id)" "$V1" "...and prices with the card's tariff"
is "$(meter_state 202400000077 standby_id)" "$V2" "...with the next version on standby"
is "$(meter_state 202400000077 param_version)" 5 "...at parameter version 5"
expect_rc 0 "the issue is audited with the tariff versions" as_admin audit list --last 10
contains "$out" "ef03=$V1 ef04=$V2" "...naming them"

# ---- a tariff a card cannot express stays at the desk ----
expect_rc 0 "a seasonal TOU tariff with two day tables" as_admin tariff add SEA --name "季节" \
	--spec "tou peak=1.0000 flat=0.6000 valley=0.3000 season=07-01..08-31 segments=00:00-08:00:valley,08:00-22:00:peak,22:00-24:00:valley season=09-01..06-30 segments=00:00-08:00:valley,08:00-22:00:flat,22:00-24:00:valley"
new_card set2 6666666666666666
expect_rc 1 "a setting card with it is refused" tech_keys card issue-tech setting --version 6 --tariff SEA
contains "$err" "tariff SEA cannot be written to a card" "...naming the tariff"
contains "$err" "one day table" "...and why"
expect_rc 0 "an account with a card meter on it" as li cashier-pw-1 \
	account open --name "李四" --room 302 --meter 202400000002 --tariff SEA
new_card c2 0202020202020202
expect_rc 0 "its card is issued" cashier_keys card issue 00000002
expect_rc 0 "a sale still goes through" sell 00000002 --amount 10
contains "$out" "tariff NOT written to the card" "...telling the cashier the tariff stayed behind"
contains "$out" "apdus: 8," "...a plain purchase"
is "$(ef_flags)" 0C "the purchase record names no tariff file"

[ "$(db "SELECT count(*) FROM sales WHERE status = 'pending'")" = 0 ] &&
	ok "no sale is left pending" || not_ok "no sale is left pending"
expect_rc 0 "the audit chain is intact" as_admin audit verify
tap_done
