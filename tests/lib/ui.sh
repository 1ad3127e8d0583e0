# Sourced by the UI tests: drive the real saledesk in a private tmux
# server the way a person does — keys in, the screen read back — in the
# manner of tig's UI tests. Builds on cli.sh (a fresh desk in $work).
#
#   ui_start [COLS ROWS] [VAR=VALUE...]  start bare saledesk in a pane
#   ui_keys KEY...                        tmux send-keys (Enter, F2, "text")
#   ui_type TEXT                          type TEXT literally
#   ui_wait TEXT [SECONDS]                wait until TEXT shows; 1 on timeout
#   ui_expect TEXT WHAT                   ok/not ok on TEXT showing
#   ui_screen                             the screen now, one line a row
#   ui_row N                              row N (0-based) of the screen
#   ui_col TEXT                           display column where TEXT starts
#   ui_login LOGIN PASSWORD               log in from the login screen
#   ui_stop                               kill the server (also at exit)
. "$(dirname "${BASH_SOURCE[0]}")/cli.sh"

export LC_ALL=C.UTF-8   # wc -L counts display columns of CJK text
# A socket of our own for each start: a dying server never answers the
# next one, and parallel tests never meet.
UI_SOCK=
ui_n=0
ui_tmux() { tmux -L "$UI_SOCK" -f /dev/null "$@"; }
ui_stop() {
	[ -n "$UI_SOCK" ] || return 0
	ui_tmux kill-server 2>/dev/null
	# tmux leaves the socket file behind; it is ours, remove it.
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$UI_SOCK"
	return 0
}
trap 'ui_stop; rm -rf "$work"' EXIT

ui_start() {
	local cols=80 rows=24
	if [[ "${1:-}" =~ ^[0-9]+$ ]]; then cols=$1 rows=$2; shift 2; fi
	ui_stop
	ui_n=$((ui_n + 1))
	UI_SOCK="saledesk-ui-$$-$ui_n-$RANDOM"
	# The pane outlives the program by a minute so its last screen and
	# exit status can be read.
	ui_tmux new-session -d -s ui -x "$cols" -y "$rows" \
		"env $* '$SD'; echo \"[saledesk exited \$?]\"; sleep 60"
}

ui_keys() { ui_tmux send-keys -t ui "$@"; }
ui_type() { ui_tmux send-keys -t ui -l "$1"; }
ui_screen() { ui_tmux capture-pane -p -t ui; }
ui_row() { ui_screen | sed -n "$(($1 + 1))p"; }

ui_wait() {
	local text=$1 limit=${2:-15} t=0
	while [ "$t" -lt $((limit * 10)) ]; do
		ui_screen | grep -qF -- "$text" && return 0
		ui_tmux has-session -t ui 2>/dev/null || return 1
		sleep 0.1
		t=$((t + 1))
	done
	return 1
}

ui_expect() {
	if ui_wait "$1" "${3:-15}"; then ok "$2"
	else not_ok "$2"; printf '# no "%s" on the screen:\n' "$1"; ui_screen | sed 's/^/#   |/'; fi
}

# ui_absent TEXT WHAT: TEXT is not on the screen now.
ui_absent() {
	if ui_screen | grep -qF -- "$1"; then not_ok "$2"; ui_screen | sed 's/^/#   |/'
	else ok "$2"; fi
}

ui_col() {
	local line prefix
	line=$(ui_screen | grep -F -m1 -- "$1") || { echo -1; return; }
	prefix=${line%%"$1"*}
	printf '%s' "$prefix" | wc -L
}

# Up to the operator field (the cursor is on the password after a failed
# try), Ctrl-U to clear it, then operator, Enter, password, Enter.
# UI_LOGIN_MARK is the text that shows the login screen is up ("Password";
# "密码" in Chinese).
ui_login() {
	ui_wait "${UI_LOGIN_MARK:-Password}" || return 1
	ui_keys Up C-u
	ui_type "$1"; ui_keys Enter
	ui_type "$2"; ui_keys Enter
}
