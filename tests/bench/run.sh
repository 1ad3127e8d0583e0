#!/usr/bin/env bash
# `make bench`: runs every benchmark in tests/bench/ and prints its figures.
# Benchmarks measure; they do not pass or fail (make check does that).
set -u
cd "$(dirname "$0")/../.."
status=0
for b in build/rel/tests/bench/bench_*; do
	[ -x "$b" ] || continue
	echo "== $(basename "$b")"
	"$b" || { echo "$(basename "$b") failed"; status=1; }
done
for b in tests/bench/bench_*.sh; do
	[ -f "$b" ] || continue
	echo "== $(basename "$b" .sh)"
	bash "$b" || { echo "$(basename "$b") failed"; status=1; }
done
exit $status
