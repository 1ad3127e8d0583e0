#!/usr/bin/env bash
# The administrator's screens: adding an operator (password twice) who
# can then log in, disabling them, a tariff whose text is wrong showing
# tariff_parse's reason as it is typed, a good one saved, its versions,
# a price example, and the audit chain verified.
. "$(dirname "$0")/../lib/ui.sh"
init_desk

ui_start
ui_login admin "$ADMIN_PW"
ui_expect "Main menu" "the administrator is at the main menu"
ui_keys o
ui_expect "Admin One" "o lists the operators"
ui_keys F2
ui_expect "Password again" "F2 opens the add-operator form"
ui_type "zhao"; ui_keys Tab
ui_type "赵六"; ui_keys Tab C-u
ui_type "cashier,technician"; ui_keys Tab
ui_type "zhao-pass-1"; ui_keys Tab
ui_type "zhao-pass-2"; ui_keys Tab
ui_expect "The two passwords differ" "two different passwords are caught under the field"
ui_keys BTab BSpace
ui_type "1"; ui_keys F2
ui_expect "zhao   赵六" "the new operator is listed with the Chinese name aligned"
ui_expect "cashier,technician" "...with both roles"
expect_rc 0 "the CLI sees the new operator" as_admin operator list --format tsv
contains "$out" $'zhao\t赵六' "...with name"
ui_keys End d
ui_expect "Disable zhao?" "d asks before disabling"
ui_keys y
ui_expect "disabled" "the operator shows as disabled"
expect_rc 0 "the CLI agrees" as_admin operator list --format tsv
contains "$(grep zhao <<<"$out")" "disabled" "...zhao is disabled"
ui_keys Escape

ui_keys t
ui_expect "No tariff yet" "t opens the tariffs, empty at first"
ui_keys a
ui_expect "Takes effect" "a opens the tariff form"
ui_type "TOU"; ui_keys Tab
ui_type "分时电价"; ui_keys Tab
ui_type "tou peak=0.9 valley=0.3 purchase=0.5 segments=00:00-08:00:valley,09:00-24:00:peak"
ui_expect "the time 08:00-09:00 is in no segment" "a gap in the day is refused as it is typed, with tariff_parse's reason"
ui_keys F2
ui_absent "Versions  Newest" "...and F2 does not save it"
ui_keys C-u
ui_type "flat 0.588"
ui_wait "flat 0.588"
ui_keys F2
ui_expect "分时电价" "a good tariff is saved and listed"
expect_rc 0 "the CLI sees it" as_admin tariff list --format tsv
contains "$out" $'TOU\t分时电价\tflat' "...as a flat tariff"
ui_keys Enter
ui_expect "flat 0.5880" "Enter shows its versions in canonical form"
ui_keys Escape c
ui_expect "Energy (kWh)" "c prices an example"
ui_keys F2
ui_expect "100.00 kWh on tariff TOU: 58.80 yuan" "...100 kWh at 0.588 is 58.80"
ui_keys Enter Escape Escape

ui_keys a
ui_expect "tariff.add" "a shows the audit log with the tariff just added"
ui_keys v
ui_expect "The audit chain is intact" "v verifies the chain"
ui_keys Enter Escape F10
ui_expect "[saledesk exited 0]" "F10 quits"
tap_done
