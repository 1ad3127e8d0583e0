#!/usr/bin/env bash
# The administrator's tools in the UI: a setting changed with the same
# check and audit row as `setting set`; the card keys' status showing
# versions and check values but never a key or the passphrase, the key
# file refused twice, a rotation; a backup made now, listed with its
# manifest facts and verified; a restore refused while a sale is pending
# (the domain's message on screen), not done without RESTORE typed, done
# with it; Diagnostics: a printer test page into a file printer, the
# database quick and full checks, the reader test without pcscd saying
# what to do, and the log viewer showing the desk's log lines; the menu
# and a check in Chinese.
. "$(dirname "$0")/../lib/ui.sh"
init_desk
PRN=$work/printer.out
BK=$work/backups
mkdir -p "$BK" "$work/keys"
cat >"$work/saledesk.conf" <<CONF
[database]
path = $SALEDESK_DB
[backup]
dir = $BK
[printer]
device = file:$PRN
format = text
width = 32
[keys]
file = $work/keys/desk.keys
[reader]
name = No Such Reader 00
CONF
export SALEDESK_CONFIG=$work/saledesk.conf
KEYS_PW='key-file passphrase 1'
# the test-only master keys of docs/card-spec.md 14 (MKi byte j = i<<4|j)
TEST_KEYS="version=01"
for i in 0 1 2 3 4 5; do
	TEST_KEYS+=$'\n'"$i=$(for j in 0 1 2 3 4 5 6 7 8 9 A B C D E F; do printf '%s%s' $i $j; done)"
done
MK2=$(for j in 0 1 2 3 4 5 6 7 8 9 A B C D E F; do printf '2%s' $j; done)

ui_start
ui_login admin "$ADMIN_PW"
ui_expect "Main menu" "the administrator logs in"
ui_expect " e  Settings" "the menu offers Settings"
ui_expect " x  Card keys" "...Card keys"
ui_expect " b  Backups" "...Backups"
ui_expect " d  Diagnostics" "...and Diagnostics"

# ---- settings ----
ui_keys e
ui_expect "sale.max_amount" "e lists the settings"
ui_expect "(default)" "...unset ones show the default applies"
ui_keys Enter
ui_expect "New value" "Enter asks for the new value"
ui_type "12.345"; ui_keys Enter
ui_expect "too many decimals" "a wrong amount is refused under the field with the reason"
ui_keys C-u; ui_type "100"; ui_keys Enter
ui_expect "sale.max_amount is now 100.00 (recorded in the audit log)" "the new value is saved"
ui_expect "sale.max_amount     100.00" "...and listed"
expect_rc 0 "the CLI sees it" as_admin setting list --format tsv
contains "$out" $'sale.max_amount\t100.00' "...100.00"
expect_rc 0 "the audit log" as_admin audit list --last 5
contains "$out" "setting.set" "...records the change"
contains "$out" "value=100.00" "...with its value"
ui_keys Escape

# ---- card keys ----
expect_rc 0 "the key file is created with known test keys" \
	as_admin keys init --passphrase-fd 4 --import-fd 5 4<<<"$KEYS_PW" 5<<<"$TEST_KEYS"
ui_keys x
ui_expect " s  Key status" "x opens Card keys"
ui_keys i
ui_expect "The key file exists already" "creating it again is refused, saying what to do"
ui_keys Enter
ui_keys s
ui_expect "Key passphrase" "status asks for the passphrase"
ui_type "wrong one"; ui_keys Enter
ui_expect "wrong key-file passphrase" "a wrong passphrase is refused"
ui_keys Enter
ui_keys s
ui_type "$KEYS_PW"; ui_keys Enter
ui_expect "1 version(s); new cards get version 01" "status lists the versions"
ui_expect "version 01, created" "...with when each was made"
ui_expect "MK02=" "...and the key check values"
ui_absent "$MK2" "...but no key"
ui_absent "$KEYS_PW" "...and not the passphrase"
ui_keys Enter
ui_keys r
ui_expect "empty: keep it" "r asks for the passphrase (and an optional new one)"
ui_type "$KEYS_PW"; ui_keys F2
ui_expect "Added key version 02" "rotation adds key version 02" 20
ui_keys s
ui_type "$KEYS_PW"; ui_keys Enter
ui_expect "2 version(s); new cards get version 02" "status now lists two versions"
ui_absent "$MK2" "...still no key"
ui_keys Enter Escape

# ---- backups ----
ui_keys b
ui_expect "No backups yet: F2 makes one." "b: no backups yet"
ui_keys F2
ui_expect "Backup written: saledesk-" "F2 backs up now" 30
ui_expect "Encrypted" "the list shows the backup"
ui_expect "  no         ok" "...not encrypted, with its manifest"
ui_expect "ledger 0 rows, 0.00 yuan" "...and the manifest's facts of the one under the bar"
ui_keys F5
ui_expect "verifies." "F5 verifies the backup" 30
ui_expect "PASS" "...each check listed"
ui_keys Enter
# ---- an encrypted backup ----
ui_keys F3
ui_expect "at least 10 characters" "F3 asks for the encrypted backup's passphrase"
ui_type "short"; ui_keys Tab; ui_type "short"; ui_keys Enter
ui_expect "at least 10" "a short passphrase is refused with the domain's reason" 20
ui_keys Enter
sleep 1.1 # a name of its own second: the list's newest first
ui_keys F3
ui_expect "at least 10 characters" "F3 again"
ui_type "backup pass 12"; ui_keys Tab; ui_type "backup pass 12"; ui_keys Enter
ui_expect "  yes        ok" "the encrypted backup is listed as encrypted" 30
ui_absent "backup pass 12" "...the passphrase never shown"
ui_keys Home F5
ui_expect "This backup is encrypted." "verifying it asks its passphrase"
ui_type "backup pass 12"; ui_keys Enter
ui_expect "verifies." "...and it verifies" 30
ui_keys Enter
ui_keys End
# a sale left pending (a card write not yet settled)
expect_rc 0 "a tariff" as_admin tariff add RES --name R --spec "flat 0.5"
expect_rc 0 "an account" as_admin account open --name Li --building A --room 1 --meter 202400000009 --tariff RES
expect_rc 0 "a cashier" as_admin operator add li --name Li --roles cashier --new-password-fd 4 4<<<"cashier-pw-1"
expect_rc 0 "...with a shift" as li cashier-pw-1 shift open --float 0
sqlite3 "$SALEDESK_DB" "INSERT INTO sales (status, mode, account_id, meter_id, purchase_seq, amount, credited, operator_id, shift_id, created_at) VALUES ('pending', 'remote', 1, 1, 1, 100, 100, (SELECT id FROM operators WHERE login='li'), (SELECT max(id) FROM shifts), 0)"
ui_keys F8
ui_expect "pending" "a restore while a sale is pending is refused with the domain's message"
ui_expect "Settle the pending sale" "...and what to do"
ui_keys Enter
sqlite3 "$SALEDESK_DB" "UPDATE sales SET status = 'void', settled_at = 1 WHERE status = 'pending'"
expect_rc 0 "a change after the backup" as_admin setting set sale.max_amount 300
ui_keys F8
ui_expect "every sale, account and change made after it is gone" "F8 warns what a restore throws away"
ui_keys Enter
ui_expect "Type RESTORE to restore" "...then asks for RESTORE typed"
ui_type "yes"; ui_keys Enter
ui_expect "Not restored: RESTORE was not typed." "anything but RESTORE restores nothing"
ui_keys F8
ui_expect "every sale, account and change made after it is gone" "F8 again warns"
ui_keys Enter
ui_type "RESTORE"; ui_keys Enter
ui_expect "The program ends now" "RESTORE restores" 30
ui_keys Enter
ui_expect "[saledesk exited 0]" "...and the program ends"
expect_rc 0 "the restored database" as_admin setting list --format tsv
contains "$out" $'sale.max_amount\t100.00' "...has the backup's value, not the later change"

# ---- diagnostics ----
# a log grown past 1 MiB is moved aside at the next start
LOG="$SALEDESK_DB-ui.log"
{ cat "$LOG" 2>/dev/null; head -c 1100000 /dev/zero | tr '\0' 'x'; echo; echo "the last line before"; } > "$LOG.grown"
mv "$LOG.grown" "$LOG"
ui_start
ui_login admin "$ADMIN_PW"
ui_keys d
ui_expect " p  Printer test page" "d opens Diagnostics"
ui_keys p
ui_expect "Test page sent to file:$PRN" "the printer test page is sent"
contains "$(cat "$PRN" 2>/dev/null)" "PRINTER TEST" "...and lands in the file printer"
contains "$(cat "$PRN" 2>/dev/null)" "12345678901234567890123456789012" "...with a ruler of the printer's width"
ui_keys d
ui_expect "quick_check ok" "the database quick check says ok"
ui_keys i
ui_expect "integrity_check ok" "...and the full integrity check"
ui_keys r
ui_expect "Error" "the reader test without pcscd or the reader shows an error" 20
ui_expect "pcscd runs" "...saying what to do"
ui_keys Enter
ui_keys l
ui_expect "-ui.log" "the log viewer names the log file"
ui_expect "saledesk: ui started" "...and shows its lines"
ui_expect "reader test:" "...with the reader test's failure"
check "the grown log was moved to .1 whole" test "$(tail -n 1 "$LOG.1")" = "the last line before"
check "...and the log goes on small" test "$(stat -c %s "$LOG")" -lt 100000
ui_keys Escape Escape
ui_expect "Main menu" "Esc: back to the menu"
ui_keys F10
ui_expect "[saledesk exited 0]" "F10 quits"

# ---- in Chinese ----
ui_start LANGUAGE=zh_CN
UI_LOGIN_MARK=密码 ui_login admin "$ADMIN_PW"
ui_expect " d  诊断" "in Chinese the menu offers 诊断 (Diagnostics)"
ui_expect " e  系统设置" "...and 系统设置 (Settings)"
ui_keys d d
ui_expect "quick_check 正常" "the database check answers in Chinese"
ui_keys Escape F10
ui_expect "[saledesk exited 0]" "F10 quits"
tap_done
