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
rm -rf "$logdir"
mkdir -p "$logdir"

passed=0
failed=0
failures=()
names=()
jobs_max=${SALEDESK_TEST_JOBS:-$(nproc)}

# Starts one test in the background; its output, exit status and time go
# to files named after it, read back by report() in the order started.
start() {
	local name=$1; shift
	local log="$logdir/$(echo "$name" | tr '/ ' '__')"
	names+=("$name")
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
	(
		s=$SECONDS
		"$@" >"$log.log" 2>&1 </dev/null
		echo $? >"$log.rc"
		echo $((SECONDS - s)) >"$log.time"
	) &
}

report() {
	local name=$1
	local log="$logdir/$(echo "$name" | tr '/ ' '__')"
	local rc p f
	rc=$(cat "$log.rc" 2>/dev/null || echo 255)
	p=$(grep -cE '^ok( |$)' "$log.log")
	f=$(grep -cE '^not ok( |$)' "$log.log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$log.log"
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		# A test that ran nothing is a broken test, not a pass.
		f=1
		echo "not ok - $name reported no results" >>"$log.log"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	printf '%-44s %4d passed %3d failed  %3ss\n' "$name" "$p" "$f" "$(cat "$log.time" 2>/dev/null)"
	if [ "$f" -gt 0 ]; then
		failures+=("$name")
		grep -E '^not ok|^# ' "$log.log" | head -40 | sed 's/^/    /'
		grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log.log" | head -5 | sed 's/^/    /'
	fi
}

for t in "${SALEDESK_UNITDIR:-$top/build/rel/tests/unit}"/test_*; do
	[ -x "$t" ] || continue
	start "unit/$(basename "$t")" "$t"
done
for dir in cli sim ui; do
	for t in tests/$dir/test_*.sh; do
		[ -f "$t" ] || continue
		start "$dir/$(basename "$t" .sh)" bash "$t"
	done
done
wait
for n in "${names[@]}"; do report "$n"; done

if [ ${#failures[@]} -gt 0 ]; then
	echo "failed: ${failures[*]} (logs in $logdir)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
