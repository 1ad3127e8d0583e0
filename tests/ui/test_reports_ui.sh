#!/usr/bin/env bash
# The report screens at 80x24: the Reports list, a report's form (this
# month by default), `sales` by day with the figures a person computes by
# hand (two cashiers' shifts today, twenty days of January written into
# the ledger), scrolling down and right, the next table, the sales and
# energy bar charts with each figure at its bar's end, a sparkline a
# meter, an export to CSV (the file, and its audit row), a span with no
# data, and a cashier and a technician refused with the domain's words.
. "$(dirname "$0")/../lib/ui.sh"
init_desk
q() { sqlite3 -cmd ".timeout 5000" "$SALEDESK_DB" "$1"; }
# UI_CAPTURE=DIR keeps the screens shown in docs/ui.md.
capture() { [ -z "${UI_CAPTURE:-}" ] || ui_screen >"$UI_CAPTURE/$1.txt"; }
# row_of TEXT: the first screen line holding TEXT.
row_of() { ui_screen | grep -F -m1 -- "$1"; }
# like REGEX WHAT: some screen line matches REGEX (after up to 5 s).
like() {
	local t=0
	while [ $t -lt 50 ]; do
		ui_screen | grep -qE -- "$1" && { ok "$2"; return; }
		sleep 0.1; t=$((t + 1))
	done
	not_ok "$2"; printf '# no line like /%s/:\n' "$1"; ui_screen | sed 's/^/#   |/'
}
# unlike REGEX WHAT: no screen line matches REGEX now.
unlike() {
	if ui_screen | grep -qE -- "$1"; then not_ok "$2"; ui_screen | sed 's/^/#   |/'; else ok "$2"; fi
}
# form FROM TO [BY [GROUP]]: fills the report form from the top (Ctrl-U
# clears a field) and runs the report with F2.
form() {
	ui_wait "From (first day)" || return 1
	ui_keys C-u; ui_type "$1"; ui_keys Tab
	ui_keys C-u; ui_type "$2"; ui_keys Tab
	if [ -n "${3:-}" ]; then ui_keys C-u; ui_type "$3"; ui_keys Tab; fi
	if [ -n "${4:-}" ]; then ui_keys C-u; ui_type "$4"; ui_keys Tab; fi
	ui_keys F2
}
# pick NAME: on the Reports list, the bar to report NAME and Enter.
pick() {
	ui_wait "Choose a report" || return 1
	ui_keys Home
	ui_type "/$1"; ui_keys Enter Enter
}

as_admin operator add cash --name "Cash One" --roles cashier --new-password-fd 4 4<<<"cash-pw-1" >/dev/null
as_admin operator add cash2 --name "Cash Two" --roles cashier --new-password-fd 4 4<<<"cash-pw-2" >/dev/null
as_admin operator add tech --name "Tech" --roles technician --new-password-fd 4 4<<<"tech-pw-1" >/dev/null
as_admin tariff add T1 --name flat --spec "flat 0.5000" --effective 2025-01-01 >/dev/null
as_admin account open --name "Billed" --building A --room 101 --meter 000001000001:T1:billed:1 >/dev/null
as_admin account open --name "王小明" --building B --room 201 --meter 000001000002:T1:billed:1 >/dev/null

# Today, two shifts: cash sells 50.00 and 30.00 and refunds 10.00 (net
# 70.00); cash2 sells 5.00. The desk's day: 3 sales of 85.00, net 75.00.
as cash cash-pw-1 shift open --float 100 >/dev/null
as cash cash-pw-1 sale 00000001 --amount 50 >/dev/null
as cash cash-pw-1 sale 00000002 --amount 30 >/dev/null
as cash cash-pw-1 refund 00000001 --amount 10 --reason "moved out" >/dev/null
as cash2 cash-pw-2 shift open --float 20 >/dev/null
as cash2 cash-pw-2 sale 00000002 --amount 5 >/dev/null
today=$(TZ=Asia/Shanghai date +%Y-%m-%d)

# January 2026, written into the ledger: on day d (1..20) a sale of d
# yuan at 10:00 local (02:00 UTC). Nets 1.00..20.00, 210.00 in all.
CID=$(q "SELECT id FROM operators WHERE login = 'cash'")
{
	echo "BEGIN;"
	for d in $(seq 1 20); do
		t=$(date -u -d "2026-01-$(printf %02d "$d") 02:00" +%s)
		echo "INSERT INTO ledger(ts, kind, account_id, amount, operator_id) VALUES ($t, 'sale', 1, $((d * 100)), $CID);"
	done
	# Energy, 1..5 January, at local noon: meter 1 uses d kWh on day d,
	# meter 2 2 kWh a day. Site totals 3, 4, 5, 6, 7 kWh.
	for d in 1 2 3 4 5; do
		t=$(date -u -d "2026-01-0$d 04:00" +%s)
		echo "INSERT INTO energy_hourly VALUES (1, $t, $((d * 1000)));"
		echo "INSERT INTO energy_hourly VALUES (2, $t, 2000);"
	done
	echo "COMMIT;"
} | sqlite3 "$SALEDESK_DB"

# ---- sales today: the default span is this month ----
ui_start
ui_login admin "$ADMIN_PW"
ui_expect "Reports" "the administrator's menu has Reports"
ui_keys v
ui_expect "Choose a report" "v opens the list of reports"
ui_expect "energy   Energy by time of use" "...with the energy reports"
ui_expect "sales        finance  Sales and income" "...and the finance ones"
capture reports-list
ui_keys Enter
ui_expect "From (first day)" "Enter on sales opens its form"
ui_expect "${today:0:8}01" "...from the first of this month"
ui_keys F2
ui_expect "Sales and income" "F2 runs it and shows the title"
ui_expect "Table 1 of 2: Sales" "...the first of its two tables"
ui_expect "more columns" "...says the table is wider than 80 columns"
like "^ $today +3 +85\.00 +0\.00 +0\.00 +-10\.00" \
	"today: 3 sales, 85.00, refunds -10.00 (cash's and cash2's shifts)"
ui_keys Right Right
like "   3  85\.00 .* -10\.00 +0\.00 +0\.00 +75\.00$" "Right scrolls to the net: 75.00"
ui_absent "$today" "...and the period column has gone off the left"
ui_keys F4
ui_expect "Table 2 of 2: Totals" "F4 shows the totals table"
like "\.\.${today:0:8}[0-9]{2} +3 +85\.00" "...over the month: 3 sales of 85.00"
ui_keys Escape

# ---- January by day: scrolling, the bar chart of net income ----
form 2026-01-01 2026-01-31 day
ui_expect "2026-01-01 to 2026-01-31" "a span typed in the form is the subtitle"
ui_expect "rows 1–15 of 20" "20 days do not fit: the screen says which rows show"
like "^ 2026-01-05 +1 +5\.00" "January 5th: one sale of 5.00"
ui_absent "2026-01-20" "...the 20th is below the screen"
capture report-sales
ui_keys NPage
ui_expect "2026-01-20" "PgDn shows the 20th"
like "^ 2026-01-20 +1 +20\.00" "...with its sale of 20.00"
unlike "^ 2026-01-01 +1" "...and the 1st has scrolled off"
ui_keys Home F5
ui_expect "net income, yuan per day, total 210.00" "F5: the bar chart of net income, 210.00 in all"
# 80 columns: a margin, the day (10), a blank, the bar, a blank, the
# widest figure (5) and the last column free: bars of up to 61 blocks.
like "^ 2026-01-02 █{6} 2\.00$" "the 2nd: 2/20 of 61 blocks (6), 2.00 at its end"
like "^ 2026-01-10 █{31} 10\.00$" "the 10th: half the width (31 blocks)"
ui_keys NPage
like "^ 2026-01-20 █{61} 20\.00$" "the 20th: the longest bar, 61 blocks, 20.00 at its end"
like "^ 2026-01-21 0\.00$" "a day with nothing: no bar, 0.00"
w=$(ui_screen | wc -L)
[ "$w" -le 80 ] && ok "nothing is drawn past the 80th column ($w)" || not_ok "a line of $w columns"
ui_keys F5
ui_expect "Table 1 of 2" "F5 again: back to the table"
ui_keys Escape

# ---- a span with no data ----
form 2025-06-01 2025-06-30
ui_expect "Nothing in this span (2025-06-01 to 2025-06-30)" "an empty span says there is nothing in it"
ui_keys Escape Escape

# ---- energy: bars by day, a sparkline a meter, saved as CSV ----
pick energy
form 2026-01-01 2026-01-05 day meter
ui_expect "Energy by time of use" "the energy report by day and meter"
like "^ 2026-01-03 +000001000001 +3\.000" "meter 1 on the 3rd: 3.000 kWh"
ui_keys F5
ui_expect "kWh per day, total 25.000" "F5: kWh per day, 25.000 in all"
like "^ 2026-01-01 █{26} 3\.000$" "the 1st: 3/7 of 61 blocks (26), 3.000 kWh at the bar's end"
like "^ 2026-01-05 █{61} 7\.000$" "the 5th: 7.000 kWh, the longest bar"
capture report-energy-bars
ui_keys F5
ui_expect "kWh per day, 2026-01-01 to 2026-01-05, a block a day" "F5 again: the sparklines"
like "^ 000001000001 ▂▃▅▆█ 15\.000$" "meter 1 rises day by day: ▂▃▅▆█, 15.000 kWh"
like "^ 000001000002 █████ 10\.000$" "meter 2 is level: █████, 10.000 kWh"
capture report-energy-sparks
ui_keys F5 F6
ui_expect "Save the report" "F6 asks where to save it"
ui_expect "energy-2026-01-01.csv" "...suggesting a name"
ui_keys C-u; ui_type "$work/energy.csv"; ui_keys F2
ui_expect "energy.csv (16 rows)" "...and says where it went and how many rows"
ui_keys Enter
[ -f "$work/energy.csv" ] && ok "the CSV file is there" || not_ok "no $work/energy.csv"
want=$(as_admin report energy --from 2026-01-01 --to 2026-01-05 --by day --group meter --format csv --bom)
[ "$(cat "$work/energy.csv")" = "$want" ] && ok "...the very file \`report --format csv --bom\` writes" ||
	{ not_ok "...the very file the CLI writes"; diff <(cat "$work/energy.csv") <(echo "$want") | sed 's/^/# /'; }
grep -q $'^2026-01-03,000001000001,3.000,' "$work/energy.csv" && ok "...meter 1 on the 3rd: 3.000" ||
	not_ok "...meter 1 on the 3rd: $(cat "$work/energy.csv")"
a=$(q "SELECT actor || ' ' || object || ' ' || details FROM audit WHERE action = 'report.export'")
[[ "$a" == "admin energy from=1767196800 to=1767628800 format=csv file=$work/energy.csv rows=16" ]] &&
	ok "the export is audited: report, span, format, file, rows" || not_ok "audit: $a"
ui_keys F6
ui_wait "Save the report" && ui_keys C-u
ui_type "$work/energy.txt"; ui_keys F2
ui_expect "End the file name with .csv or .xlsx." "a name that is neither .csv nor .xlsx is refused"
ui_keys C-u; ui_type "$work/energy.xlsx"; ui_keys F2
ui_expect "energy.xlsx (16 rows)" "...and .xlsx saves a workbook"
ui_keys Enter
check "...a valid zip" unzip -tqq "$work/energy.xlsx"
contains "$(unzip -p "$work/energy.xlsx" xl/sharedStrings.xml)" "000001000001" "...with the meters in it"
[ "$(q "SELECT count(*) FROM audit WHERE action = 'report.export' AND details LIKE '%format=xlsx file=$work/energy.xlsx rows=16'")" = 1 ] &&
	ok "...audited too" || not_ok "no audit row of the xlsx"
ui_keys Escape Escape Escape
ui_expect "Choose a screen" "Esc goes back to the menu"

# ---- refusals, in the domain's words ----
ui_start
ui_login cash2 cash-pw-2
ui_expect "Reports" "a cashier's menu has Reports"
ui_keys v
pick zreport
ui_wait "Only shift"
ui_keys Tab Tab; ui_type 1; ui_keys F2
ui_expect "shift 1 is another" "a cashier asking for another's Z-report is refused"
ui_keys Enter Escape Escape
ui_start
ui_login tech tech-pw-1
ui_keys v
pick sales
ui_keys F2
ui_expect "tech may not run finance" "a technician asking for sales is refused"
ui_expect "Ask an administrator" "...and told what to do"

# ---- in Chinese: the form takes 日 (day), the chart speaks Chinese ----
ui_start LANGUAGE=zh_CN
UI_LOGIN_MARK=密码 ui_login admin "$ADMIN_PW"
ui_expect "报表" "the Chinese menu has 报表 (Reports)"
ui_keys v
ui_wait "选择报表后按回车" && ui_keys Enter
ui_wait "开始日期" && ui_expect "日" "...the form's period is 日 (by day)"
ui_keys C-u; ui_type 2026-01-01; ui_keys Tab C-u; ui_type 2026-01-31; ui_keys Tab C-u; ui_type 日; ui_keys F2
ui_expect "第 1 张表，共 2 张：Sales" "...the result names its table in Chinese"
ui_keys F5
ui_expect "每日净收入（元），合计 210.00" "...and the chart: net income per day, 210.00"
like "^ 2026-01-10 █{31} 10\.00$" "...with the same bars"
tap_done
