# Sourced by the shell tests: TAP output and small assertions.
# Each assertion prints one "ok N - what" or "not ok N - what" line.
tap_n=0
tap_failed=0

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }

# check WHAT CMD...: passes if CMD exits 0.
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }

# expect_rc WANT WHAT CMD...: runs CMD, keeps stdout in $out, stderr in $err.
expect_rc() {
	local want=$1 what=$2; shift 2
	local ef; ef=$(mktemp)
	out=$("$@" 2>"$ef"); rc=$?
	err=$(cat "$ef"); rm -f "$ef"
	if [ "$rc" -eq "$want" ]; then ok "$what"
	else not_ok "$what (exit $rc, wanted $want)"; printf '# stdout: %s\n# stderr: %s\n' "$out" "$err"; fi
}

# contains TEXT NEEDLE WHAT
contains() {
	if [[ "$1" == *"$2"* ]]; then ok "$3"; else not_ok "$3"; printf '# no "%s" in:\n%s\n' "$2" "$1" | sed '2,$s/^/# /'; fi
}

# lacks TEXT NEEDLE WHAT
lacks() {
	if [[ "$1" != *"$2"* ]]; then ok "$3"; else not_ok "$3"; printf '# unwanted "%s" in:\n%s\n' "$2" "$1" | sed '2,$s/^/# /'; fi
}

tap_done() { echo "1..$tap_n"; [ "$tap_failed" -eq 0 ]; }
