#!/usr/bin/env bash
# The technician's card screen through the real pcscd and the virtual
# card: a technician issues a check card (unlocking the card keys on the
# way), is told to put it in the meter when it is read back too early,
# reads it back after the simulated meter wrote into it and sees what the
# meter recorded; issues a reset card and a setting card from their forms
# (a wrong field says why under it; the meter accepts the setting card);
# walks the commissioning flow (reset, clear, the account opened at the
# counter, the check card compared with the desk), resuming it on return;
# a card error says what to do; a cashier has no such screen; an
# administrator recycles a card. The audit trail has every operation.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pcscd.sh
pcscd_reexec "$0" "$@"
. tests/lib/ui.sh
. tests/lib/card.sh

card_setup || { echo "1..0 # SKIP $card_skip"; exit 0; }
keys_init_test >/dev/null || { echo "Bail out! keys init failed"; exit 1; }
METER=202400000001

new_card check 3333333333333333
ui_start
ui_login wang tech-pw-01
ui_expect "Main menu" "the technician logs in"
ui_expect " c  Technician cards" "the menu offers Technician cards"
ui_absent "Recycle a card" "...but not recycling, which is the administrator's"
ui_keys c
ui_expect "› Technician cards" "c opens the technician's card screen"
ui_expect " s  Issue a setting card" "...with the four card kinds"
ui_expect " b  Read a check card back" "...and reading a check card back"

# ---- a check card ----
ui_keys c
ui_expect "Issue a check card onto the blank card" "c asks before writing the card"
ui_keys y
ui_expect "Issuing a card needs the card keys" "the keys are locked: the unlock dialog says why"
ui_type "$KEYS_PW"; ui_keys Enter
ui_expect "Issued check card 3333333333333333" "the check card is issued" 20
ui_expect "then read it back here" "...and the screen says what comes next"
ui_absent "$KEYS_PW" "...the passphrase is never on the screen"
ui_keys b
ui_expect "Error" "reading it back before a meter saw it is refused" 20
ui_expect "Insert the check card in the meter first" "...saying what to do"
ui_keys Enter
meter_insert $METER
ui_keys b
ui_expect "The meter recorded:" "after the meter, the check card is read back" 20
ui_expect "meter $METER" "...showing the meter's number"
ui_expect "purchase count 0" "...its purchase count"
ui_expect "energy" "...and its energy"

# ---- a card error: no card ----
vcard_ctl remove >/dev/null
ui_expect "│ no card │" "the card out: the status line says no card"
ui_keys b
ui_expect "no card in the reader" "no card: the error says what happened" 20
ui_expect "Insert a card in the reader" "...and what to do"
ui_keys Enter

# ---- a reset card for one meter ----
new_card reset 4444444444444444
ui_keys r
ui_expect "Meter number" "r asks for the reset card's order"
ui_type "$METER"; ui_keys Tab
ui_keys C-u; ui_type "0"; ui_keys F2
ui_expect "A whole number from 1 to 65535" "zero uses is refused under the field"
ui_keys C-u; ui_type "2"; ui_keys F2
ui_expect "Issued reset card 4444444444444444" "the reset card is issued" 20
ui_expect "$METER, 2 use(s)" "...for the meter, two uses"
expect_rc 0 "the card shows the order" as wang tech-pw-01 card read
contains "$out" "type: reset" "...type reset"
contains "$out" "uses left 2" "...two uses left"

# ---- a setting card ----
new_card setting 5555555555555555
ui_keys s
ui_expect "Parameter version" "s asks for the setting card's parameters"
ui_keys F2
ui_expect "A whole number from 1 to" "the version is required: said under it"
ui_type "2"; ui_keys Tab Tab
ui_type "30,20"; ui_keys F2
ui_expect "Three amounts in yuan" "two alarm levels are refused under the field"
ui_keys C-u; ui_type "30,20,10"; ui_keys Tab; ui_type "5"; ui_keys F2
ui_expect "Issued setting card 5555555555555555" "the setting card is issued" 20
meter_insert $METER
contains "$meter_out" "result: 00" "...and the meter accepts it"
ui_keys Escape
ui_expect "Main menu" "Esc: back to the menu"

# ---- commissioning, step by step ----
ui_keys g
ui_expect "Which meter is commissioned" "g opens the commissioning flow: which meter"
ui_type "$METER"; ui_keys Enter
ui_expect "Meter $METER — account (none yet)" "...the flow names the meter"
ui_expect "1. Reset card" "...and lists the four steps"
ui_expect "4. Check card" "...down to the check card"
new_card creset 6666666666666666
ui_keys Enter
ui_expect "Meter number" "step 1: the reset card's order, for the meter"
ui_keys F2
ui_expect "Issued reset card 6666666666666666" "...issued" 20
ui_expect "insert it in the meter, then F3" "...the step says what comes next"
meter_insert $METER
ui_keys F3
ui_expect "2. Clear card" "F3 after the meter: the step is done, on to step 2"
new_card cclear 7777777777777777
ui_keys Enter
ui_expect "Preset balance" "step 2: the clear card's order"
ui_keys F2
ui_expect "Issued clear card 7777777777777777" "...issued" 20
meter_insert $METER
contains "$meter_out" "result: 00" "...and the meter takes it"
ui_keys F3
ui_keys Enter
ui_expect "No account holds this meter yet" "step 3 without an account says who opens it"
ui_keys Escape
ui_expect "Main menu" "Esc leaves the flow"
expect_rc 0 "a cashier opens the account of the meter" as li cashier-pw-1 \
	account open --name "张三" --building A --room 301 --meter $METER --tariff RES
new_card user 0102030405060708
expect_rc 0 "...issues its card" cashier_keys card issue 00000001
expect_rc 0 "...with the first purchase" card_load 00000001 50
meter_insert $METER
ui_keys g
ui_expect "3. Open the account" "g again resumes the flow at step 3"
ui_expect "account 00000001" "...now naming the meter's account"
ui_keys Enter
ui_expect "The desk has account 00000001 on this meter" "step 3 sees the account"
ui_keys F3
new_card ccheck 8888888888888888
ui_keys Enter
ui_expect "Issue a check card onto the blank card" "step 4 issues a check card"
ui_keys y
ui_expect "card issued: insert it in the meter, then Enter" "...and says to insert it" 20
meter_insert $METER
ui_keys Enter
ui_expect "Matches the desk: the meter is commissioned." "the check card read back matches the desk" 20
ui_expect "purchase count 1" "...the meter shows the first purchase"
ui_keys Escape
ui_expect "Main menu" "Esc: back to the menu"

# ---- diagnostics: the reader test with the keys unlocked ----
ui_keys d
ui_expect " r  Reader test" "d opens Diagnostics"
ui_keys r
ui_expect "Reader: $VPCD_READER" "the reader test names the reader" 20
ui_expect "ATR: 3B" "...shows the card's ATR"
ui_expect "Card 8888888888888888: authentication passed" "...and authenticates against the card"
ui_keys Escape
ui_keys F10
ui_expect "[saledesk exited 0]" "F10 quits"

expect_rc 0 "the audit trail" as_admin audit list --last 50
contains "$out" "card.issue" "...records the issues"
contains "$out" "card.check" "...and the check card's answer"

# ---- a cashier has no technician screen ----
ui_start
ui_login li cashier-pw-1
ui_expect "Main menu" "the cashier logs in"
ui_absent "Technician cards" "...and sees no technician cards"
ui_keys F10
ui_expect "[saledesk exited 0]" "F10 quits"

# ---- the administrator recycles ----
ui_start
ui_login admin "$ADMIN_PW"
ui_expect " y  Recycle a card" "the administrator's menu offers Recycle a card"
ui_absent "Technician cards" "...but not issuing technician cards"
ui_keys y
ui_expect " y  Recycle a card" "y opens the recycling screen"
ui_keys y
ui_expect "Blank the card in the reader" "recycling asks first"
ui_keys y
ui_expect "Recycling a card needs the card keys" "...then the keys"
ui_type "$KEYS_PW"; ui_keys Enter
ui_expect "Recycled card 8888888888888888" "the card is recycled" 20
expect_rc 0 "the card is blank again" as_admin card read
contains "$out" "state: blank" "...the card reads blank"
ui_keys Escape F10
ui_expect "[saledesk exited 0]" "F10 quits"
tap_done
