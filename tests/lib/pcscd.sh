# pcscd.sh: a sourceable bash helper that puts the virtual card
# (tests/sim/vcard/vcard) in pcscd's vpcd reader for a test, and always
# takes both away again.
#
# As root (CI) the test body runs in a private mount and network namespace
# with a tmpfs on /run/pcscd and its own pcscd, so nothing clashes with a
# system pcscd or another test. Otherwise the system pcscd (with the
# vsmartcard-vpcd driver) is used.
#
# Use:
#   . tests/lib/pcscd.sh
#   pcscd_reexec "$0" "$@"     # as root: re-runs this script inside unshare
#   pcscd_start [IMAGE]        # pcscd (isolated) + vcard, card inserted if IMAGE
#   pcscd_exec scriptor ...    # any PC/SC client; already in the namespace
#   vcard_ctl insert IMAGE | remove | tear N commit|drop | status
#   vcard_wait_card / vcard_wait_nocard
# or, without re-executing the script:
#   pcscd_run_isolated IMAGE CMD ARGS...   # CMD runs inside, pcscd+vcard up
# Everything started is stopped by an EXIT trap (pcscd_stop).
#
# Variables: VCARD_BIN (default tests/sim/vcard/vcard), PCSCD_TMP (work
# dir, made by pcscd_start), VCARD_CTL (control socket), VPCD_READER (the
# reader name clients should use), PCSCD_ISOLATED (1 inside the namespace).

: "${VCARD_BIN:=${SALEDESK_SIMDIR:+$SALEDESK_SIMDIR/vcard/vcard}}"
: "${VCARD_BIN:=tests/sim/vcard/vcard}"
VPCD_READER="Virtual PCD 00 00"
PCSCD_PID=
VCARD_PID=
PCSCD_TMP=
VCARD_CTL=

# Re-executes the calling script inside a private mount+net namespace when
# running as root and not yet inside; returns when no re-exec is needed.
pcscd_reexec() {
	local script=$1
	shift
	if [ "${PCSCD_ISOLATED:-0}" = 1 ] || [ "$(id -u)" != 0 ] || [ "${PCSCD_SYSTEM:-0}" = 1 ]; then
		return 0
	fi
	if ! command -v unshare >/dev/null; then
		return 0
	fi
	mkdir -p /run/pcscd
	PCSCD_ISOLATED=1 exec unshare -m -n --propagation private -- bash "$script" "$@"
}

# Runs CMD with its arguments in a fresh namespace (as root) with pcscd and
# a vcard holding IMAGE already up; VCARD_CTL, VCARD_BIN and VPCD_READER are
# exported to it, and the vcard_ctl/vcard_wait_* functions are available
# through PCSCD_SH. Returns CMD's status. For scripts that do not want to
# re-execute themselves.
pcscd_run_isolated() {
	local image=$1
	shift
	local helper
	helper=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/pcscd.sh
	if [ "$(id -u)" = 0 ] && [ "${PCSCD_ISOLATED:-0}" != 1 ]; then
		mkdir -p /run/pcscd
		PCSCD_ISOLATED=1 PCSCD_SH=$helper VCARD_BIN=$VCARD_BIN \
			unshare -m -n --propagation private -- bash -c \
			'. "$PCSCD_SH"; pcscd_start "$1" || exit 125; shift
			 export VCARD_CTL VCARD_BIN VPCD_READER PCSCD_SH; "$@"' \
			pcscd-run "$image" "$@"
	else
		(pcscd_start "$image" || exit 125
		 export VCARD_CTL VCARD_BIN VPCD_READER
		 PCSCD_SH=$helper "$@")
	fi
}

# Runs a command as a PC/SC client (a no-op wrapper: the whole script is
# already inside the namespace); kept so tests read the same either way.
pcscd_exec() {
	"$@"
}

vcard_ctl() {
	"$VCARD_BIN" ctl "$VCARD_CTL" "$@"
}

# Waits (up to 10 s) until pcscd has powered the card and read its ATR.
vcard_wait_card() {
	local i
	for i in $(seq 1 100); do
		if "$VCARD_BIN" ctl "$VCARD_CTL" status 2>/dev/null | grep -q 'connected=1 powered_atr=[1-9]'; then
			# give pcscd's reader thread time to publish the new state
			sleep 0.3
			return 0
		fi
		sleep 0.1
	done
	echo "# pcscd.sh: card not seen by pcscd" >&2
	return 1
}

# Waits until pcscd has noticed the card is gone (its presence poll).
vcard_wait_nocard() {
	sleep 1
}

pcscd_stop() {
	if [ -n "$VCARD_PID" ]; then
		kill "$VCARD_PID" 2>/dev/null
		wait "$VCARD_PID" 2>/dev/null
		VCARD_PID=
	fi
	if [ -n "$PCSCD_PID" ]; then
		kill "$PCSCD_PID" 2>/dev/null
		wait "$PCSCD_PID" 2>/dev/null
		PCSCD_PID=
	fi
	if [ "${PCSCD_ISOLATED:-0}" = 1 ] && mountpoint -q /run/pcscd 2>/dev/null; then
		umount /run/pcscd 2>/dev/null
	fi
	if [ -n "$PCSCD_TMP" ] && [ -z "${PCSCD_KEEP:-}" ]; then
		rm -rf "$PCSCD_TMP"
	fi
}

# Starts pcscd (isolated when possible) and the vcard, with IMAGE inserted
# if given. Returns non-zero if either does not come up.
pcscd_start() {
	local image=${1:-} i
	PCSCD_TMP=$(mktemp -d /tmp/vcard-test.XXXXXX) || return 1
	VCARD_CTL=$PCSCD_TMP/vcard.ctl
	# keep a caller's EXIT trap and run it after ours
	local prev
	prev=$(trap -p EXIT | sed "s/^trap -- '\(.*\)' EXIT\$/\1/")
	case $prev in
	*pcscd_stop*) ;;
	*) trap "pcscd_stop; $prev" EXIT ;;
	esac
	if [ "${PCSCD_ISOLATED:-0}" = 1 ]; then
		mount -t tmpfs tmpfs /run/pcscd || return 1
		ip link set lo up || return 1
		pcscd --foreground >"$PCSCD_TMP/pcscd.log" 2>&1 &
		PCSCD_PID=$!
		for i in $(seq 1 50); do
			[ -S /run/pcscd/pcscd.comm ] && break
			sleep 0.1
		done
		[ -S /run/pcscd/pcscd.comm ] || { echo "# pcscd.sh: pcscd did not start" >&2; return 1; }
	else
		# the system pcscd (maybe socket-activated) with the vpcd driver
		if [ ! -S /run/pcscd/pcscd.comm ]; then
			echo "# pcscd.sh: not root and no system pcscd socket" >&2
			return 1
		fi
	fi
	if [ -n "$image" ]; then
		"$VCARD_BIN" run --ctl "$VCARD_CTL" --image "$image" ${VCARD_VERBOSE:+-v} \
			2>"$PCSCD_TMP/vcard.log" &
	else
		"$VCARD_BIN" run --ctl "$VCARD_CTL" ${VCARD_VERBOSE:+-v} 2>"$PCSCD_TMP/vcard.log" &
	fi
	VCARD_PID=$!
	for i in $(seq 1 50); do
		[ -S "$VCARD_CTL" ] && break
		sleep 0.1
	done
	[ -S "$VCARD_CTL" ] || { echo "# pcscd.sh: vcard did not start" >&2; return 1; }
	if [ -n "$image" ]; then
		vcard_wait_card || return 1
	fi
	return 0
}
