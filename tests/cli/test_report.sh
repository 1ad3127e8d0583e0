#!/usr/bin/env bash
# `saledesk report`: the finance reports from the command line in every
# format — the aligned table, A4 text, TSV, CSV with and without a BOM,
# XLSX (a valid zip whose sheets hold the numbers as numbers) — the
# receipt printer (the Z-report by the path of `shift close --print`),
# the audit row of an export, and the clear refusals: an unknown report,
# bad or backwards dates, a format without its file, a grouping a report
# does not take, a technician, a cashier asking for another's shift.
. "$(dirname "$0")/../lib/cli.sh"
init_desk
PRN=$work/printer.out
cat >"$work/saledesk.conf" <<CONF
[database]
path = $SALEDESK_DB
[printer]
device = file:$PRN
format = text
width = 32
CONF
export SALEDESK_CONFIG=$work/saledesk.conf
q() { sqlite3 "$SALEDESK_DB" "$1"; }

as_admin operator add cash --name "Cash One" --roles cashier --new-password-fd 4 4<<<"cash-pw-1" >/dev/null
as_admin operator add cash2 --name "Cash Two" --roles cashier --new-password-fd 4 4<<<"cash-pw-2" >/dev/null
as_admin operator add tech --name "Tech" --roles technician --new-password-fd 4 4<<<"tech-pw-1" >/dev/null
cash() { as cash cash-pw-1 "$@"; }
cash2() { as cash2 cash-pw-2 "$@"; }
as_admin tariff add T1 --name flat --spec "flat 0.5000" >/dev/null
as_admin account open --name "Billed" --building A --room 101 --meter 000001000001:T1:billed:1 \
	--alarm1 80 --alarm2 60 --alarm3 20 >/dev/null
as_admin account open --name "Other" --building B --room 201 --meter 000001000002:T1:billed:1 >/dev/null

# Today: 50.00 and 30.00 sold by cash, 10.00 refunded: net 70.00.
cash shift open --float 100 >/dev/null
expect_rc 0 "a sale" cash sale 00000001 --amount 50
expect_rc 0 "another sale" cash sale 00000002 --amount 30
expect_rc 0 "a refund" cash refund 00000001 --amount 10 --reason "moved out"
cash2 shift open --float 20 >/dev/null
cash2 sale 00000002 --amount 5 >/dev/null

# A day in January across local midnight, written straight into the
# ledger: 2026-01-14 23:30 (+08:00) is 15:30 UTC, 2026-01-15 00:30 is
# 16:30 UTC, the same UTC date.
CID=$(q "SELECT id FROM operators WHERE login = 'cash'")
late=$(date -u -d '2026-01-14 15:30' +%s)
early=$(date -u -d '2026-01-14 16:30' +%s)
q "INSERT INTO ledger(ts, kind, account_id, amount, operator_id) VALUES ($late, 'sale', 1, 1200, $CID), ($early, 'sale', 1, 3400, $CID), ($early, 'fee', 2, 56, $CID)"

# ---- formats ----
expect_rc 0 "report list" sd report list
contains "$out" "daily-close" "...names the daily close"
contains "$out" "low-balance" "...and the low-balance list"

expect_rc 0 "sales of today as a table" as_admin report sales
contains "$out" "net" "...has the composition's columns"
line=$(grep -E '^[0-9]{4}-' <<<"$out" | tail -1)
[[ "$line" =~ 3[[:space:]]+85\.00[[:space:]]+0\.00[[:space:]]+0\.00[[:space:]]+-10\.00[[:space:]]+0\.00[[:space:]]+0\.00[[:space:]]+75\.00$ ]] &&
	ok "...3 sales of 85.00, a refund of -10.00, net 75.00" || not_ok "totals line: $line"

expect_rc 0 "sales by operator as TSV" as_admin report sales --group operator --format tsv
[ "$(awk -F'\t' '$2 == "cash" { print $3, $4, $7, $10 }' <<<"$out")" = "2 80.00 -10.00 70.00" ] &&
	ok "...cash: 2 sales, 80.00, refund -10.00, net 70.00" || not_ok "tsv: $out"
[ "$(awk -F'\t' '$2 == "cash2" { print $10 }' <<<"$out")" = "5.00" ] &&
	ok "...cash2: net 5.00" || not_ok "tsv: $out"

expect_rc 0 "January by local day as CSV" as_admin report sales --from 2026-01-14 --to 2026-01-15 \
	--by day --format csv
[[ "$out" == *$'2026-01-14,1,12.00,0.00,0.00,0.00,0.00,0.00,12.00\r'* ]] &&
	ok "...23:30 local is the 14th" || not_ok "csv: $out"
[[ "$out" == *$'2026-01-15,1,34.00,0.00,0.56,0.00,0.00,0.00,34.56\r'* ]] &&
	ok "...00:30 local is the 15th, with its fee" || not_ok "csv: $out"
[ "$(head -c 3 <<<"$out" | od -An -tx1 | tr -d ' ')" = "706572" ] && ok "...no BOM unless asked" ||
	not_ok "csv starts with $(head -c 3 <<<"$out" | od -An -tx1)"

as_admin report sales --format csv --bom --out "$work/s.csv" 2>/dev/null
[ "$(head -c 3 "$work/s.csv" | od -An -tx1 | tr -d ' ')" = "efbbbf" ] && ok "--bom starts the CSV with a UTF-8 BOM" ||
	not_ok "bom: $(head -c 8 "$work/s.csv" | od -An -tx1)"
expect_rc 2 "--bom with the table format is a usage error" as_admin report sales --bom
contains "$err" "--bom is for --format csv or tsv" "...says which formats take it"

expect_rc 0 "A4 text" as_admin report sales --format text
contains "$out" "Sales and income" "...titled"
contains "$out" "(site time UTC+08:00)" "...with the span in site time"
[[ "$out" == *$'\f'* ]] && ok "...ending the page with a form feed" || not_ok "no form feed"

expect_rc 0 "XLSX to a file" as_admin report sales --group operator --format xlsx --out "$work/s.xlsx"
contains "$err" "written to $work/s.xlsx" "...says where"
check "...a valid zip" unzip -tq "$work/s.xlsx"
sheet=$(unzip -p "$work/s.xlsx" xl/worksheets/sheet1.xml)
contains "$sheet" "<v>70</v>" "...cash's net is a number cell"
contains "$sheet" "<v>-10</v>" "...and the refund"
contains "$(unzip -p "$work/s.xlsx" xl/workbook.xml)" 'name="Totals"' "...the totals on their own sheet"
contains "$(unzip -p "$work/s.xlsx" xl/styles.xml)" '#,##0.00' "...money has its number format"
contains "$(unzip -p "$work/s.xlsx" xl/sharedStrings.xml)" "Sales and income" "...the title is in the sheet"
[ "$(q "SELECT count(*) FROM audit WHERE action = 'report.export' AND object = 'sales' AND details LIKE '%format=xlsx%'")" = 1 ] &&
	ok "...and the export is audited" || not_ok "audit: $(q "SELECT details FROM audit WHERE action = 'report.export'")"
expect_rc 2 "XLSX without --out" as_admin report sales --format xlsx
contains "$err" "give --out FILE.xlsx" "...asks for the file"

# ---- shifts, the Z-report, the daily close, balances ----
expect_rc 0 "shift reconciliation as TSV" as_admin report shift --format tsv
[ "$(awk -F'\t' '$2 == "cash" { print $5, $6, $7, $8 }' <<<"$out")" = "100.00 80.00 10.00 170.00" ] &&
	ok "...float 100 + in 80 - out 10 = expected 170" || not_ok "shift: $out"
expect_rc 0 "the Z-report of cash's shift" cash report zreport --format tsv
[ "$(awk -F'\t' '$1 == "Cash expected" { print $3 }' <<<"$out")" = "170.00" ] &&
	ok "...cash expected 170.00" || not_ok "zreport: $out"
zshow=$(cash shift show --zreport)
[[ "$zshow" =~ Cash\ expected[[:space:]]+170\.00 ]] && ok "...as the shift's own Z-report says" || not_ok "shift show: $zshow"
expect_rc 0 "the Z-report on the receipt printer" cash report zreport --print
contains "$(cat "$PRN")" "Z-REPORT" "...the printer got the Z-report"
expect_rc 1 "a cashier asking for another's shift" cash2 report zreport --shift 1
contains "$err" "shift 1 is another operator's" "...is refused"
expect_rc 0 "a cashier's sales are their own" cash2 report sales --format tsv
[ "$(tail -1 <<<"$out" | cut -f9)" = "5.00" ] && ok "...net 5.00 for cash2" || not_ok "cash2: $out"
expect_rc 0 "...and say whose on paper" cash2 report sales --format text
contains "$out" "operator cash2" "...in the subtitle"
expect_rc 0 "an administrator asks for one operator's sales" as_admin report sales --of cash --format tsv
[ "$(tail -1 <<<"$out" | cut -f9)" = "70.00" ] && ok "...net 70.00 for cash" || not_ok "--of cash: $out"
expect_rc 2 "--of with a report of accounts" as_admin report balances --of cash
contains "$err" "does not take --of" "...is a usage error"

expect_rc 0 "the daily close" as_admin report daily-close --format csv
[[ "$out" == *$'3,85.00,0.00,0.00,-10.00,0.00,0.00,75.00,0.00,0\r'* ]] &&
	ok "...totals of the desk: net 75.00, nothing pending" || not_ok "daily close: $out"

expect_rc 0 "balances" as_admin report balances --format csv
[[ "$out" == *$'00000001,A,101,Billed,billed,desk,40.00,86.00,0.00,86.00,,\r'* ]] &&
	ok "...account 1: 40.00 today, 86.00 in all, remaining 86.00" || not_ok "balances: $out"
expect_rc 0 "low balance" as_admin report low-balance --format tsv
lacks "$out" "00000001" "...86.00 is above the alarm levels"
expect_rc 0 "a day with no sales" as_admin report sales --from 2025-06-01 --to 2025-06-01
contains "$out" "(none)" "...says there is none"
expect_rc 0 "a short report on the receipt printer" as_admin report balances --account 00000002 --print
contains "$(cat "$PRN")" "remaining                  35.00" "...prints its figures"

# ---- refusals ----
expect_rc 2 "an unknown report" as_admin report nosuch
contains "$err" 'unknown report "nosuch"' "...names it"
expect_rc 2 "a bad date" as_admin report sales --from 2026-13-01
contains "$err" "is not a time" "...says so"
expect_rc 2 "a span backwards" as_admin report sales --from 2026-02-01 --to 2026-01-01
contains "$err" "is not before" "...says so"
expect_rc 2 "a grouping the report does not take" as_admin report shift --group building
contains "$err" "does not take --group building" "...says so"
# Reports that take one grouping or period only start from it.
expect_rc 0 "offline needs no --group (it is by meter)" as_admin report offline
expect_rc 0 "demand needs no --by (it is by month)" as_admin report demand
expect_rc 2 "an unknown format" as_admin report sales --format pdf
contains "$err" "use table, text, tsv, csv or xlsx" "...lists the formats"
expect_rc 1 "a technician and the finance reports" as tech tech-pw-1 report sales
contains "$err" "may not run finance reports" "...is refused"
expect_rc 1 "an unknown account" as_admin report balances --account 99999999
contains "$err" "no account 99999999" "...is named"
tap_done
