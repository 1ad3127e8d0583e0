#!/usr/bin/env bash
# Tariffs and accounts through the CLI: opening, importing, finding, and
# bad input that must change nothing.
. "$(dirname "$0")/../lib/cli.sh"
init_desk
as_admin operator add li --name "李娜" --roles cashier --new-password-fd 4 4<<<"cashier-pw-1" >/dev/null
cashier() { as li cashier-pw-1 "$@"; }
rows() { sqlite3 "$SALEDESK_DB" "SELECT count(*) FROM $1"; }

expect_rc 0 "a flat tariff is added" as_admin tariff add RES --name "居民电价" --spec "flat 0.588"
expect_rc 0 "a TOU tariff with a segment over midnight is added" as_admin tariff add TOU \
	--name "分时" --spec "tou sharp=1.2 peak=0.9 flat=0.6 valley=0.3 segments=22:00-06:00:valley,06:00-10:00:flat,10:00-12:00:sharp,12:00-22:00:peak"
expect_rc 1 "a tariff with a gap in the day is refused" as_admin tariff add BAD \
	--name "bad" --spec "tou peak=0.9 valley=0.3 segments=00:00-08:00:valley,09:00-24:00:peak"
[ -n "$err" ] && ok "...with a reason: ${err#saledesk: }" || not_ok "...with a reason"
expect_rc 1 "a price with five decimals is refused" as_admin tariff add BAD --name bad --spec "flat 0.58801"
expect_rc 0 "tariffs are listed" as_admin tariff list --format tsv
contains "$out" $'RES\t居民电价\tflat' "...the flat one"
contains "$out" "flat 0.5880" "...in canonical form"
expect_rc 1 "a new version without --effective is refused" as_admin tariff add RES --spec "flat 0.6"
contains "$err" "--effective" "...asking for the instant it takes over"
expect_rc 1 "a version in the past is refused" as_admin tariff add RES --spec "flat 0.6" --effective "2020-01-01"
contains "$err" "past" "...because sales already made keep their prices"
expect_rc 0 "a version in the future is added" as_admin tariff add RES --spec "flat 0.6" --effective "2099-01-01"
expect_rc 0 "both versions are shown" as_admin tariff show RES --format tsv
contains "$out" "2099-01-01T00:00:00+08:00" "...the new one from its local midnight"
expect_rc 0 "a cashier prices an example" cashier tariff cost RES --kwh 100 --from 2030-01-01 --to 2030-01-02 --format tsv
contains "$out" $'cost_yuan\t58.80' "...100 kWh at 0.588 is 58.80"
expect_rc 0 "the TOU split is shown" cashier tariff cost TOU --kwh 24 --from "2030-01-01" --to "2030-01-02" --format tsv
contains "$out" $'valley\t8.00' "...8 hours of valley get 8 of 24 kWh"
expect_rc 0 "the energy an amount buys" cashier tariff energy RES --amount 100
contains "$out" "170.068" "...100 yuan at 0.588 buys 170.068 kWh, rounded down"
expect_rc 1 "an unknown tariff is named" cashier tariff energy NOPE --amount 100
contains "$err" 'no tariff "NOPE"' "...in the message"

expect_rc 0 "a cashier opens an account" cashier account open --name "张三" --phone 13800138000 \
	--building A --floor 3 --room 301 --area 45.5 --meter 202400000001 --tariff RES
contains "$out" "Opened account 00000001" "...numbered automatically"
expect_rc 0 "an account with two meters and old debt" cashier account open --account-no 500 \
	--name "Zhou" --building B --room 12 --meter 202400000002:TOU:remote:3 --meter 202400000003 \
	--tariff RES --debt 120.50 --debt-mode share --debt-share 30% --credit-limit 50
expect_rc 0 "it is shown with both meters" cashier account show 500 --format tsv
contains "$out" $'202400000002\tTOU\tremote\t3' "...the three-phase remote meter"
contains "$out" $'202400000003\tRES\tcard\t1' "...the card meter with the default tariff"
contains "$out" $'debt_repayment\tshare 30.00%' "...the debt repayment rule"
contains "$out" $'old_debt\t120.50' "...the old debt"
before=$(rows accounts)
expect_rc 1 "a duplicate meter number is refused" cashier account open --name X --meter 202400000001 --tariff RES
contains "$err" "meter 202400000001 is already on account 00000001" "...naming the account that has it"
expect_rc 1 "a duplicate account number is refused" cashier account open --account-no 500 --name X --meter 9 --tariff RES
contains "$err" "account number 500 already exists" "...naming it"
expect_rc 1 "an unknown tariff is refused" cashier account open --name X --meter 10 --tariff NOPE
expect_rc 1 "an amount with three decimals is refused" cashier account open --name X --meter 11 --tariff RES --credit-limit 1.005
contains "$err" "too many decimals" "...saying why"
expect_rc 1 "a non-numeric amount is refused" cashier account open --name X --meter 12 --tariff RES --alarm1 1e3
expect_rc 1 "an overflowing amount is refused" cashier account open --name X --meter 13 --tariff RES --debt 99999999999999999999 --debt-mode fixed --debt-fixed 1
contains "$err" "too large" "...as too large"
expect_rc 1 "rising alarm levels are refused" cashier account open --name X --meter 14 --tariff RES --alarm1 10 --alarm2 20 --alarm3 5
expect_rc 1 "a meter number with letters is refused" cashier account open --name X --meter 12AB --tariff RES
expect_rc 1 "debt without a repayment rule is refused" cashier account open --name X --meter 15 --tariff RES --debt 10
[ "$(rows accounts)" = "$before" ] && ok "none of the refused accounts left a row" || not_ok "refused accounts left rows"
[ "$(rows customers)" = "$before" ] && ok "...nor a customer" || not_ok "refused accounts left customers"

expect_rc 0 "SQL-looking names are stored as text" cashier account open \
	--name "Robert'); DROP TABLE accounts;--" --meter 202400000020 --tariff RES
expect_rc 0 "the accounts table is still there" cashier account search "DROP TABLE" --format tsv
contains "$out" "Robert'); DROP TABLE accounts;--" "...and the name round-trips"
expect_rc 0 "search by room" cashier account search 301 --format tsv
contains "$out" "张三" "...finds 张三"
expect_rc 0 "search by meter number" cashier account search 202400000003 --format tsv
contains "$out" $'500\tZhou' "...finds Zhou's account"
expect_rc 0 "search by part of a Chinese name" cashier account search "张" --format tsv
contains "$out" "00000001" "...finds it"
expect_rc 0 "search with LIKE wildcards takes them literally" cashier account search "%" --format tsv
[ "$(wc -l <<<"$out")" -eq 1 ] && ok "...and matches nothing" || not_ok "...matched: $out"
expect_rc 0 "list filters by building" cashier account list --building B --format tsv
[ "$(wc -l <<<"$out")" -eq 2 ] && ok "...one account in B" || not_ok "...got: $out"
expect_rc 0 "the table lines up double-width names" cashier account list
col_a=$(grep '^00000001' <<<"$out" | sed 's/张三/XXXX/' | awk '{print index($0, "A ")}')
col_b=$(grep '^500 ' <<<"$out" | awk '{print index($0, "B ")}')
[ -n "$col_a" ] && [ "$col_a" = "$col_b" ] && ok "...buildings in one column" || not_ok "...columns differ: $col_a vs $col_b"$'\n'"$out"
expect_rc 1 "an unknown account is named" cashier account show 999
contains "$err" "no account 999" "...in the message"

cat >"$work/ok.csv" <<'CSV'
account_no,name,phone,building,floor,room,area,meters,tariff,mode
1001,"Chen, Wei",13900000001,C,1,101,30.5,300000000001,RES,card
1002,陈静,13900000002,C,1,102,31,300000000002;300000000003,TOU,remote
CSV
expect_rc 0 "a CSV file of accounts is imported" cashier account import "$work/ok.csv"
contains "$out" "Imported 2 accounts" "...both"
expect_rc 0 "a quoted name with a comma survives" cashier account show 1001 --format tsv
contains "$out" $'name\tChen, Wei' "...as one field"

before=$(rows accounts)
printf '%s\n' 'account_no,name,meters,tariff' '2001,Good Row,400000000001,RES' \
	'2002,Bad Tariff,400000000002,NOPE' '2003,,400000000003,RES' '2004,Dup Meter,300000000001,RES' \
	'2005,Bad Amount,400000000005,RES' >"$work/bad.csv"
echo '2006,"never closed,400000000006,RES' >>"$work/bad.csv"
expect_rc 1 "a CSV file with bad rows is refused" cashier account import "$work/bad.csv"
contains "$err" "line 3: no tariff \"NOPE\"" "...line 3 named with its reason"
contains "$err" "line 4: the customer's name is missing" "...line 4"
contains "$err" "line 5: meter 300000000001 is already on account 1001" "...line 5"
contains "$err" "line 7: a quoted field is never closed" "...line 7"
contains "$err" "nothing was imported" "...and nothing imported"
[ "$(rows accounts)" = "$before" ] && ok "...not even the good row" || not_ok "a half import happened"
printf 'account_no,name,colour\n1,x,red\n' >"$work/col.csv"
expect_rc 1 "an unknown column is refused" cashier account import "$work/col.csv"
contains "$err" 'unknown column "colour"' "...naming it"

expect_rc 0 "the audit chain covers it all" as_admin audit verify
tap_done
