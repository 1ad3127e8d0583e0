# Sourced by tests/cli/test_card*.sh after pcscd.sh and cli.sh: a desk with
# operators, the test key set imported, a config naming the vpcd reader,
# and helpers that move virtual cards between the reader and a meter.
# Files: tests/lib/card.sh is the card tests' own helper.
KEYS_PW='key-file passphrase 1'
card_skip=

card_setup() {
	[ -x "$VCARD_BIN" ] || { card_skip="vcard not built ($VCARD_BIN)"; return 1; }
	command -v pcscd >/dev/null || { card_skip="pcscd not installed"; return 1; }
	pcscd_start || { card_skip="pcscd with vpcd cannot start here"; return 1; }
	CW=$work/cards
	mkdir -p "$CW"
	cat >"$work/saledesk.conf" <<CONF
[database]
path = $SALEDESK_DB
[reader]
name = $VPCD_READER
[keys]
file = $work/keys/desk.keys
CONF
	mkdir -p "$work/keys"
	export SALEDESK_CONFIG=$work/saledesk.conf
	init_desk
	as_admin operator add li --name "李娜" --roles cashier --new-password-fd 4 4<<<"cashier-pw-1" >/dev/null
	as_admin operator add wang --name "王工" --roles technician --new-password-fd 4 4<<<"tech-pw-01" >/dev/null
	as_admin tariff add RES --name "居民电价" --spec "flat 0.588" >/dev/null
	# the test-only master keys of docs/card-spec.md 14 (MKi byte j = i<<4|j)
	TEST_KEYS="version=01"
	for i in 0 1 2 3 4 5; do
		TEST_KEYS+=$'\n'"$i=$(for j in 0 1 2 3 4 5 6 7 8 9 A B C D E F; do printf '%s%s' $i $j; done)"
	done
	V3_KEYS=${TEST_KEYS/version=01/version=03}
	printf '%s\n' "$V3_KEYS" >"$CW/v3.keys"
	return 0
}

keys_init_test() {
	as_admin keys init --passphrase-fd 4 --import-fd 5 4<<<"$KEYS_PW" 5<<<"$TEST_KEYS"
}
cashier_keys() { as li cashier-pw-1 "$@" --passphrase-fd 4 4<<<"$KEYS_PW"; }
admin_keys() { as_admin "$@" --passphrase-fd 4 4<<<"$KEYS_PW"; }
tech_keys() { as wang tech-pw-01 "$@" --passphrase-fd 4 4<<<"$KEYS_PW"; }
card_load() { admin_keys card load "$1" --amount "$2"; }

CUR_IMG=
USER_IMG=
# new_card NAME SERIAL [other|otherblank|v3|copy]: a card in the reader:
# a blank of our card maker (default), another utility's issued card or
# blank, a card issued under key version 03, or a copy of $USER_IMG.
new_card() {
	local name=$1 serial=$2 kind=${3:-}
	vcard_ctl remove >/dev/null 2>&1
	case $kind in
	copy) cp "$USER_IMG" "$CW/$name.img" ;;
	other)
		"$VCARD_BIN" image new "$CW/$name.img" --serial "$serial" --keys other >/dev/null
		"$VCARD_BIN" image personalise "$CW/$name.img" --keys other --account 1 \
			--meter 202400000001 >/dev/null ;;
	otherblank) "$VCARD_BIN" image new "$CW/$name.img" --serial "$serial" --keys other >/dev/null ;;
	v3)
		"$VCARD_BIN" image new "$CW/$name.img" --serial "$serial" >/dev/null
		"$VCARD_BIN" image personalise "$CW/$name.img" --keys "$CW/v3.keys" --account 1 \
			--meter 202400000001 >/dev/null ;;
	*) "$VCARD_BIN" image new "$CW/$name.img" --serial "$serial" >/dev/null ;;
	esac
	CUR_IMG=$CW/$name.img
	vcard_ctl insert "$CUR_IMG" >/dev/null && vcard_wait_card
}

# use_card IMG: puts the card of image IMG in the reader.
use_card() {
	vcard_ctl remove >/dev/null 2>&1
	CUR_IMG=$1
	vcard_ctl insert "$CUR_IMG" >/dev/null && vcard_wait_card
}

# reinsert: the current card out and in again (re-reads its image).
reinsert() {
	vcard_ctl remove >/dev/null 2>&1
	vcard_ctl insert "$CUR_IMG" >/dev/null && vcard_wait_card
}

# meter_insert METERNO: carries the current card to a simulated meter and back.
meter_insert() {
	vcard_ctl remove >/dev/null 2>&1
	meter_out=$("$VCARD_BIN" image meter-insert "$CUR_IMG" --keys test \
		--meter-state "$CW/meter-$1.state" --meter-no "$1" 2>&1)
	vcard_ctl insert "$CUR_IMG" >/dev/null && vcard_wait_card
}

# hex_field IMG EF: the EF's hex from the image.
hex_field() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

# The card's purchase sequence number (EF02 bytes 4..7).
card_seq() {
	local h
	h=$(hex_field "$CUR_IMG" ef02)
	[ "${h:0:2}" = 68 ] && echo $((16#${h:8:8})) || echo 0
}
card_seq_is() { local got; got=$(card_seq); [ "$got" = "$1" ] && ok "$2" || { not_ok "$2"; echo "# card holds $got"; }; }
db_seq() { sqlite3 "$SALEDESK_DB" "SELECT purchase_seq FROM cards WHERE serial = '${1:-0102030405060708}'"; }
db_seq_is() { local got; got=$(db_seq); [ "$got" = "$1" ] && ok "$2" || { not_ok "$2"; echo "# database says $got"; }; }
card_seq_db_is() { db_seq_is "$@"; }

# Alters the amount of the card's purchase record, with a valid frame
# checksum, so only its MAC can tell.
tamper_ef02_amount() {
	local h body cs=0 i
	vcard_ctl remove >/dev/null 2>&1
	h=$(hex_field "$CUR_IMG" ef02)
	# amount is body bytes 5..8 = hex chars 18..25; bump its last byte
	h=${h:0:24}$(printf '%02X' $(((16#${h:24:2} + 1) & 255)))${h:26}
	body=${h:2:114}
	for ((i = 0; i < ${#body}; i += 2)); do cs=$(((cs + 16#${body:i:2}) & 255)); done
	h=${h:0:116}$(printf '%02X' $cs)${h:118}
	sed -i "s/^ef02 .*/ef02 $h/" "$CUR_IMG"
	vcard_ctl insert "$CUR_IMG" >/dev/null && vcard_wait_card
}

# No master key, card key, session key or passphrase in the database, the
# audit trail or the key file's neighbours.
no_secrets() {
	local k2 all
	k2=$(for j in 0 1 2 3 4 5 6 7 8 9 A B C D E F; do printf '2%s' $j; done)
	all=$(as_admin audit list --last 1000 2>&1; sqlite3 "$SALEDESK_DB" .dump 2>&1)
	lacks "$all" "$k2" "no master key in the database or the audit trail"
	lacks "$all" "2055D92C07E77FBA" "no card key in the database or the audit trail"
	lacks "$all" "$KEYS_PW" "no passphrase in the database or the audit trail"
	if grep -qi "$k2" "$work/keys/desk.keys" 2>/dev/null; then
		not_ok "the key file holds no key in clear"
	else
		ok "the key file holds no key in clear"
	fi
}

# tear_op N MODE CMD...: arms vcard's tear at the card's Nth APDU (MODE
# drop: the torn command's write is lost; commit: it is kept), runs CMD
# ($out, $err and $rc kept), disarms, and puts the card back if it was
# pulled ($torn is 1 then).
tear_op() {
	local n=$1 mode=$2
	shift 2
	vcard_ctl tear "$n" "$mode" >/dev/null
	local ef; ef=$(mktemp)
	out=$("$@" 2>"$ef"); rc=$?
	err=$(cat "$ef"); rm -f "$ef"
	vcard_ctl tear off >/dev/null
	if vcard_ctl status | grep -q 'inserted=0'; then
		torn=1
		vcard_ctl insert "$CUR_IMG" >/dev/null && vcard_wait_card
	else
		torn=0
	fi
}

# A failure after a tear must say what happened and what to do next.
says_what_next() {
	[[ $err == *"insert it again"* || $err == *"pulled"* || $err == *"taken out"* ||
		$err == *"no card"* || $err == *"removed"* ]]
}
