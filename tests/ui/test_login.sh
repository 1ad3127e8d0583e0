#!/usr/bin/env bash
# The counter UI's front door: no database, logging in, the domain's
# sentences for a wrong password and a lock-out, and the menu each role
# gets (an entry only where its screen works).
. "$(dirname "$0")/../lib/ui.sh"

ui_start
ui_expect "The desk cannot start" "with no database the UI says the desk cannot start"
ui_expect "saledesk init" "...and tells the user to run saledesk init"
ui_keys x
ui_expect "[saledesk exited 1]" "...and exits with status 1 after a key"

init_desk
as_admin operator add li --name "李娜" --roles cashier --new-password-fd 4 4<<<"cashier-pw-1" >/dev/null
as_admin operator add wang --name "王工" --roles technician --new-password-fd 4 4<<<"tech-pass-1" >/dev/null

ui_start
ui_expect "Password" "bare saledesk opens the login screen"
ui_row 23 | grep -q "F10Quit" && ok "...with the function-key bar on the last row" || not_ok "...with the function-key bar on the last row"
ui_type admin; ui_keys Enter; ui_type "secret-typed"; 
ui_absent "secret-typed" "the password is not echoed"
ui_keys Enter
ui_expect "wrong operator name or password" "a wrong password gives the domain's sentence"
ui_keys Up C-u; ui_type admin; ui_keys Enter; ui_type "$ADMIN_PW"; ui_keys Enter
# PBKDF2 takes ~0.4 s: the screen says so while it works.
ui_expect "Checking password…" "logging in shows progress while the password is checked" 3
ui_expect "Main menu" "the right password opens the main menu"
ui_expect "Operator admin (admin)" "...the status line names the operator and role"
# The reader part is what the card watcher sees on this machine.
ui_wait "poll never ran"
if ui_screen | grep -qE "no shift │ (no reader|pcscd down|no card) │ poll never ran │ 0 alarms"; then
	ok "...and says plainly what is not there: no shift, the reader's state, no poll yet"
else
	not_ok "...and says plainly what is not there: no shift, the reader's state, no poll yet"
	ui_screen | sed 's/^/#   |/'
fi
for e in "Find account" "Open new account" "Operators" "Tariffs" "Audit log" "Change my password"; do
	ui_expect "$e" "the administrator's menu has $e"
done
ui_absent "Sale" "...but no Sale, which is a cashier's"
ui_keys F9
ui_expect "Password" "F9 logs out to the login screen"

ui_login li cashier-pw-1
ui_expect "Main menu" "a cashier logs in"
ui_expect " s  Sale" "the cashier sees Sale"
ui_expect " i  Shift" "...Shift"
ui_expect " r  Receipts" "...Receipts"
ui_expect "Find account" "...and Find account"
ui_expect "Open new account" "...and Open new account"
ui_absent "Operators" "...but not Operators"
ui_absent "Audit log" "...nor the audit log"
ui_keys s
ui_expect "› Sale: find the account" "without a card, Sale starts with finding the account"
ui_keys Escape
ui_expect "Main menu" "...and Esc goes back"
ui_keys l

ui_login wang tech-pass-1
ui_expect "Main menu" "a technician logs in"
ui_expect "Find account" "the technician may look accounts up"
ui_absent "Open new account" "...but not open them"
ui_expect "Meters" "...the meters"
ui_expect "Bus test" "...and the bus test"
ui_absent "Tariffs" "...nor Tariffs"
ui_keys q
ui_expect "[saledesk exited 0]" "q quits with status 0"

# Five wrong passwords lock the operator out; the sixth try, even right,
# is refused with the lock-out sentence.
ui_start
for i in 1 2 3 4; do
	ui_login li "wrong-$i"
	ui_wait "login refused" || break
done
ui_login li wrong-5
ui_expect "locked for 15 minutes after 5 failed logins" "the fifth wrong password locks the operator out"
ui_login li cashier-pw-1
ui_expect "operator is locked out after too many failed logins" "...and the right password is refused while locked"
ui_absent "Main menu" "...without opening the menu"
expect_rc 0 "an administrator sees the lock" as_admin operator list --format tsv
contains "$out" "li" "...in the operator list"

# A disabled operator is told so (after the right password only).
as_admin operator disable wang >/dev/null
ui_login wang tech-pass-1
ui_expect "operator is disabled" "a disabled operator is told so"
ui_keys F10
ui_expect "[saledesk exited 0]" "F10 quits from the login screen"
tap_done
