#!/usr/bin/env bash
# Runs every test of saledesk and sums their TAP lines into one closing
# line, "N passed, N failed". Each test is a program or script that prints
# TAP ("ok N - what" / "not ok N - what"); one that exits non-zero without
# a failing line counts as one failure of its own, so a crash is never lost.
#
# Environment (set by `make check`): SALEDESK_BIN, the binary under test;
# SALEDESK_UNITDIR, the built unit tests; SALEDESK_SIMDIR, the simulators.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
export SALEDESK_TOP=$top
export SALEDESK_BIN=${SALEDESK_BIN:-$top/saledesk}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export CMOCKA_MESSAGE_OUTPUT=TAP
logdir=${SALEDESK_TESTLOG:-$top/build/test-logs}
mkdir -p "$logdir"

passed=0
failed=0
failures=()

run_one() {
	local name=$1; shift
	local log="$logdir/$(echo "$name" | tr '/ ' '__').log"
	local start=$SECONDS rc p f
	"$@" >"$log" 2>&1 </dev/null
	rc=$?
	p=$(grep -cE '^ok( |$)' "$log")
	f=$(grep -cE '^not ok( |$)' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		# A test that ran nothing is a broken test, not a pass.
		f=1
		echo "not ok - $name reported no results" >>"$log"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	printf '%-44s %4d passed %3d failed  %3ds\n' "$name" "$p" "$f" $((SECONDS - start))
	if [ "$f" -gt 0 ]; then
		failures+=("$name")
		grep -E '^not ok|^# ' "$log" | head -40 | sed 's/^/    /'
		grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log" | head -5 | sed 's/^/    /'
	fi
}

for t in "${SALEDESK_UNITDIR:-$top/build/rel/tests/unit}"/test_*; do
	[ -x "$t" ] || continue
	run_one "unit/$(basename "$t")" "$t"
done
for dir in cli sim ui; do
	for t in tests/$dir/test_*.sh; do
		[ -f "$t" ] || continue
		run_one "$dir/$(basename "$t" .sh)" bash "$t"
	done
done

if [ ${#failures[@]} -gt 0 ]; then
	echo "failed: ${failures[*]} (logs in $logdir)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
