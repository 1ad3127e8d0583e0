# metersim.sh: start the meter-bus simulator for a test, wait until it is
# ready, expose its buses, and always stop it. Source it from bash:
#
#   . tests/lib/metersim.sh
#   metersim_start -c my.conf -e 'bus 9 tcp'    # arguments go to metersim
#   mbpoll -m rtu "${METERSIM_RTU[1]}" ...        # pty of RTU bus 1
#   mbpoll -m tcp -p "${METERSIM_TCP[9]}" 127.0.0.1 ...
#   metersim_ctl fault 1:4 silent                 # control channel
#   metersim_stop                                 # also runs on EXIT
#
# Variables set by metersim_start:
#   METERSIM_PID        process id
#   METERSIM_RTU[bus]   pty path of each RTU bus
#   METERSIM_TCP[bus]   loopback port of each TCP gateway bus
#   METERSIM_CTL_PORT   loopback port of the control channel
#   METERSIM_LOG        file holding metersim's stdout and stderr
# METERSIM_BIN overrides the binary; otherwise $SALEDESK_SIMDIR/metersim/
# metersim (the sanitizer build `make check` sets) if it exists, else the
# one built in the tree.
# The helper installs EXIT, INT and TERM traps that stop metersim; a test
# that needs its own EXIT trap must call metersim_stop from it.

if [[ -z ${METERSIM_BIN:-} ]]; then
	if [[ -n ${SALEDESK_SIMDIR:-} && -x $SALEDESK_SIMDIR/metersim/metersim ]]; then
		METERSIM_BIN=$SALEDESK_SIMDIR/metersim/metersim
	else
		METERSIM_BIN="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tests/sim/metersim/metersim"
	fi
fi
METERSIM_PID=
METERSIM_CTL_PORT=
METERSIM_LOG=
METERSIM_STATUS=
declare -gA METERSIM_RTU=()
declare -gA METERSIM_TCP=()

# metersim_start ARGS... : starts metersim with ARGS and waits (at most
# 10 s) for "ready". Returns 0, or 1 with the log on stderr.
metersim_start() {
	local line deadline kind no
	[[ -x $METERSIM_BIN ]] || { echo "metersim: $METERSIM_BIN not built" >&2; return 1; }
	METERSIM_LOG=$(mktemp "${TMPDIR:-/tmp}/metersim.XXXXXX") || return 1
	trap 'metersim_stop' EXIT
	trap 'metersim_stop; exit 130' INT
	trap 'metersim_stop; exit 143' TERM
	"$METERSIM_BIN" "$@" >"$METERSIM_LOG" 2>&1 &
	METERSIM_PID=$!
	deadline=$((SECONDS + 10))
	until grep -qx ready "$METERSIM_LOG"; do
		if ! kill -0 "$METERSIM_PID" 2>/dev/null || ((SECONDS >= deadline)); then
			echo "metersim did not start:" >&2
			cat "$METERSIM_LOG" >&2
			metersim_stop
			return 1
		fi
		sleep 0.05
	done
	METERSIM_RTU=()
	METERSIM_TCP=()
	while read -r kind no line; do
		case $kind in
		bus)
			set -- $line
			if [[ $1 == rtu ]]; then
				METERSIM_RTU[$no]=$2
			else
				METERSIM_TCP[$no]=$3
			fi
			;;
		control) METERSIM_CTL_PORT=${line#* } ;;
		esac
	done <"$METERSIM_LOG"
	return 0
}

# metersim_ctl WORDS... : sends one control command, prints the reply
# line; returns 0 if it starts with "ok".
metersim_ctl() {
	local fd reply=
	[[ -n $METERSIM_CTL_PORT ]] || return 2
	exec {fd}<>"/dev/tcp/127.0.0.1/$METERSIM_CTL_PORT" || return 2
	printf '%s\n' "$*" >&"$fd"
	IFS= read -r -t 10 reply <&"$fd"
	exec {fd}>&-
	printf '%s\n' "$reply"
	[[ $reply == ok* ]]
}

# metersim_field KEY LINE : prints the value of KEY=value in LINE.
metersim_field() {
	local w
	for w in $2; do
		[[ $w == "$1="* ]] && { printf '%s\n' "${w#*=}"; return 0; }
	done
	return 1
}

# metersim_stop : stops metersim (SIGTERM, then SIGKILL after 5 s) and
# removes its log. Sets METERSIM_STATUS to its exit status. Idempotent.
metersim_stop() {
	local i
	if [[ -n $METERSIM_PID ]]; then
		kill -TERM "$METERSIM_PID" 2>/dev/null
		for ((i = 0; i < 100; i++)); do
			kill -0 "$METERSIM_PID" 2>/dev/null || break
			sleep 0.05
		done
		kill -KILL "$METERSIM_PID" 2>/dev/null
		wait "$METERSIM_PID" 2>/dev/null
		METERSIM_STATUS=$?
		METERSIM_PID=
	fi
	[[ -n $METERSIM_LOG ]] && rm -f "$METERSIM_LOG"
	METERSIM_LOG=
	return 0
}

# metersim_require ARGS... : metersim_start for a TAP test: on failure it
# reports "not ok - metersim starts" and ends the test.
metersim_require() {
	metersim_start "$@" && return 0
	not_ok "metersim starts"
	tap_done
	exit 1
}

# For the tests of the service: POLL_PID holds a `saledesk poll` a test
# started in the background (empty when none runs); q SQL queries the
# test's database, waiting out the service's writes; and
# service_test_cleanup kills POLL_PID, stops metersim and removes $work.
# metersim_start sets its own EXIT trap, so set
# `trap service_test_cleanup EXIT` after it.
POLL_PID=
q() { sqlite3 -cmd ".timeout 5000" "$SALEDESK_DB" "$1"; }
# once ARGS... : one `saledesk poll --once --stats` cycle of every bus
# (1 s interval, no clock-drift alarm: simulated time jumps), its log
# kept in $work/once.err for the sanitizer check at the end (a test may
# define its own once after sourcing this file).
once() { sd poll --once --stats --interval 1 --drift 0 "$@" 2>>"$work/once.err"; }
service_test_cleanup() {
	[[ -n $POLL_PID ]] && kill -KILL "$POLL_PID" 2>/dev/null
	metersim_stop
	rm -rf "$work"
}
