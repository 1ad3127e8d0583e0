#!/usr/bin/env bash
# Operators, roles, passwords, lock-out and permissions, through the CLI.
. "$(dirname "$0")/../lib/cli.sh"

expect_rc 0 "init creates the database and the first administrator" \
	sd init --admin admin --name "Admin One" --site "Test Campus" --password-fd 3 3<<<"$ADMIN_PW"
expect_rc 1 "init refuses a database that is already set up" \
	sd init --admin other --name "Other" --password-fd 3 3<<<"another-pass"
contains "$err" "already set up" "...and says so"
expect_rc 2 "init without --admin is a usage error" sd init --name X --password-fd 3 3<<<"abcdefgh1"

expect_rc 0 "the administrator lists operators" as_admin operator list --format tsv
contains "$out" $'admin\tAdmin One\tadmin\tenabled' "...and sees the administrator"
lacks "$out" "pbkdf2" "the listing never shows a password hash"
lacks "$out" "$ADMIN_PW" "the listing never shows a password"

expect_rc 0 "the administrator adds a cashier" \
	as_admin operator add li --name "李娜" --roles cashier --new-password-fd 4 4<<<"cashier-pw-1"
expect_rc 0 "and a technician who is also a cashier" \
	as_admin operator add wang --name "王工" --roles technician,cashier --new-password-fd 4 4<<<"tech-pw-01"
expect_rc 1 "a duplicate login is refused" \
	as_admin operator add li --name "Other Li" --roles cashier --new-password-fd 4 4<<<"cashier-pw-2"
contains "$err" 'operator "li" already exists' "...with a message naming it"
expect_rc 1 "a short password is refused" \
	as_admin operator add zhao --name "Zhao" --roles cashier --new-password-fd 4 4<<<"short"
contains "$err" "at least 8 characters" "...saying how long it must be"
expect_rc 2 "an unknown role is a usage error" \
	as_admin operator add zhao --name "Zhao" --roles boss --new-password-fd 4 4<<<"zhao-pass-1"
contains "$err" 'unknown role "boss"' "...naming the role"
expect_rc 1 "a login with a quote is refused" \
	as_admin operator add "o'neil" --name "O'Neil" --roles cashier --new-password-fd 4 4<<<"oneil-pass1"

expect_rc 0 "Chinese names round-trip" as_admin operator list --format tsv
contains "$out" $'li\t李娜\tcashier\tenabled' "...李娜 comes back as typed"
contains "$out" $'wang\t王工\tcashier,technician' "...with both roles"

expect_rc 1 "a cashier may not add operators" \
	as li cashier-pw-1 operator add zhao --name Zhao --roles cashier --new-password-fd 4 4<<<"zhao-pass-1"
contains "$err" "permission denied" "...permission denied"
contains "$err" "needs role admin" "...and which role it needs"
expect_rc 1 "a cashier may not list operators" as li cashier-pw-1 operator list
expect_rc 1 "a cashier may not add tariffs" as li cashier-pw-1 tariff add X --name X --spec "flat 0.5"
expect_rc 1 "a cashier may not verify the audit trail" as li cashier-pw-1 audit verify

expect_rc 1 "a wrong password is refused" as li wrong-password operator list
contains "$err" "wrong operator name or password" "...with the same words as an unknown login"
expect_rc 1 "an unknown operator is refused" as nobody whatever-pw account list
contains "$err" "wrong operator name or password" "...with the same words"

for i in 2 3 4; do as li wrong-password account list >/dev/null 2>&1; done
expect_rc 1 "the fifth wrong password locks the operator out" as li wrong-password account list
contains "$err" "locked for 15 minutes" "...for 15 minutes"
expect_rc 1 "even the right password is refused while locked out" as li cashier-pw-1 account list
contains "$err" "locked until" "...saying until when"
expect_rc 0 "the administrator sees the lock-out" as_admin operator list --format tsv
contains "$(grep '^li' <<<"$out")" "T" "...with its end time"
expect_rc 0 "a password reset by the administrator clears the lock-out" \
	as_admin operator passwd li --new-password-fd 4 4<<<"cashier-pw-2"
expect_rc 0 "the cashier logs in with the new password" as li cashier-pw-2 account list

expect_rc 0 "an operator changes their own password" \
	as li cashier-pw-2 operator passwd li --new-password-fd 4 4<<<"cashier-pw-3"
expect_rc 1 "but not someone else's" \
	as li cashier-pw-3 operator passwd wang --new-password-fd 4 4<<<"hijack-pw-1"

expect_rc 0 "the administrator disables an operator" as_admin operator disable wang
expect_rc 1 "a disabled operator cannot log in" as wang tech-pw-01 account list
contains "$err" "disabled" "...and is told so"
expect_rc 0 "the administrator enables the operator again" as_admin operator enable wang
expect_rc 0 "who can then log in" as wang tech-pw-01 account list

expect_rc 1 "the last administrator cannot be disabled" as_admin operator disable admin
contains "$err" "last enabled administrator" "...the desk is never left without one"
expect_rc 1 "nor lose the admin role" as_admin operator roles admin cashier
expect_rc 0 "roles can be replaced" as_admin operator roles wang admin,technician
expect_rc 0 "after a second administrator exists" as_admin operator roles admin admin,cashier
expect_rc 0 "roles are shown" as_admin operator list --format tsv
contains "$out" $'admin\tAdmin One\tadmin,cashier' "...as set"

expect_rc 0 "every change is in the audit trail" as_admin audit list --last 100 --format tsv
contains "$out" "operator.add" "...operator added"
contains "$out" "operator.disable" "...operator disabled"
contains "$out" "session.login_failed" "...failed logins"
contains "$out" "operator.roles" "...role changes"
lacks "$out" "cashier-pw" "...and no password ever reaches it"
lacks "$out" "pbkdf2" "...nor a hash"
expect_rc 0 "the audit chain verifies" as_admin audit verify
contains "$out" "Audit chain intact" "...intact"

hashes=$(sqlite3 "$SALEDESK_DB" "SELECT pw_hash FROM operators WHERE login='li'")
contains "$hashes" 'pbkdf2-sha256$600000$' "passwords are stored as PBKDF2-SHA256 with 600,000 iterations"

expect_rc 2 "no operator given is a usage error" sd account list --password-fd 3 3<<<"x"
contains "$err" "give --operator" "...saying what is missing"
expect_rc 2 "no terminal and no --password-fd is a usage error" \
	setsid "$SD" account list --operator admin
contains "$err" "password-fd" "...pointing to --password-fd"
tap_done
