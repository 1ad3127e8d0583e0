#!/usr/bin/env bash
# The counter UI's start with 10,000 accounts (issue 6 §6): the time from
# exec to the log-in screen on the terminal, and the resident memory of the
# UI process there and after a search over all accounts. The release
# binary runs in tmux, started with its session (so the figure includes
# tmux starting the pane, a few ms); the screen is read every 2 ms. Prints figures; asserts nothing.
set -u
cd "$(dirname "$0")/../.." || exit 1
top=$(pwd)
SD=${SALEDESK_BIN:-$top/saledesk}
work=$(mktemp -d /tmp/saledesk-bench.XXXXXX)
SOCK=sdbench$$
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$work"' EXIT
export SALEDESK_DB=$work/desk.db HOME=$work
unset SALEDESK_CONFIG
N=10000
"$SD" init --admin admin --name Admin --site Bench --password-fd 3 3<<<"bench-pass-1" >/dev/null || exit 1
as() { "$SD" "$@" --operator admin --password-fd 3 3<<<"bench-pass-1"; }
as tariff add RES --name r --spec "flat 0.588" >/dev/null || exit 1
{
	echo "name,phone,building,floor,room,meters,tariff"
	for i in $(seq $N); do
		printf '%s%d,1380013%04d,%d号楼,%d,%d%02d,2024%08d,RES\n' \
			"张伟" "$i" "$i" $((i % 40 + 1)) $((i % 6 + 1)) $((i % 6 + 1)) $((i % 30 + 1)) "$i"
	done
} >"$work/a.csv"
as account import "$work/a.csv" >/dev/null || exit 1
size=$(stat -c %s "$SALEDESK_DB")

now_ms() { date +%s%3N; }
best=999999 sum=0 runs=5
for r in $(seq $runs); do
	t0=$(now_ms)
	tmux -L "$SOCK" -f /dev/null new-session -d -x 80 -y 24 -s b \
		"env LANG=C.UTF-8 SALEDESK_DB=$SALEDESK_DB HOME=$HOME '$SD'; sleep 60"
	while ! tmux -L "$SOCK" capture-pane -p -t b | grep -q "Password"; do
		sleep 0.002
		[ $(( $(now_ms) - t0 )) -gt 10000 ] && { echo "the log-in screen never came"; exit 1; }
	done
	ms=$(( $(now_ms) - t0 ))
	sum=$((sum + ms)); [ $ms -lt $best ] && best=$ms
	pid=$(pgrep -n -f "^$SD\$" || pgrep -n -x saledesk)
	rss_login=$(awk '/^VmRSS/ { print $2 }' /proc/"$pid"/status 2>/dev/null)
	if [ "$r" = "$runs" ]; then
		# log in and search over every account: the memory of a working desk
		tmux -L "$SOCK" send-keys -t b Up C-u admin Enter bench-pass-1 Enter
		for i in $(seq 100); do
			tmux -L "$SOCK" capture-pane -p -t b | grep -q "Main menu" && break
			sleep 0.1
		done
		tmux -L "$SOCK" send-keys -t b f
		sleep 0.5
		tmux -L "$SOCK" send-keys -t b -l "张"
		sleep 1
		hwm=$(awk '/^VmHWM/ { print $2 }' /proc/"$pid"/status 2>/dev/null)
	fi
	tmux -L "$SOCK" kill-server
done
echo "database: $N accounts, $((size / 1024)) KiB"
echo "start to the log-in screen (best of $runs): ${best} ms; mean $((sum / runs)) ms"
echo "resident memory at the log-in screen: $((rss_login / 1024)) MiB ($rss_login KiB)"
echo "peak resident memory after logging in and searching all accounts: $((hwm / 1024)) MiB ($hwm KiB)"
