#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer target of the constraints parser and engine (preset `fuzz`: clang,
# ASan + UBSan) and runs it on the seed corpus for a bounded time.
#   scripts/fuzz.sh            60 seconds
#   scripts/fuzz.sh SECONDS    that many seconds
#   scripts/fuzz.sh -runs=N    N executions
# Further arguments go to libFuzzer as they are. Prints the number of executions; exits
# non-zero on a finding (crash, sanitizer report, broken invariant, timeout, out of memory),
# whose input is left in <build>/fuzz-artifacts/. UM_FUZZ_BUILD_DIR overrides the build
# directory (default build/fuzz, the preset's).
set -euo pipefail
cd "$(dirname "$0")/.."

limit=60
if [ $# -gt 0 ]; then
    case "$1" in
    -runs=*) limit="$1" ;;
    *[!0-9]* | "")
        echo "usage: scripts/fuzz.sh [SECONDS | -runs=N] [libFuzzer flags...]" >&2
        exit 2
        ;;
    *) limit="$1" ;;
    esac
    shift
fi
case "$limit" in
-runs=*) bound=("$limit") ;;
*) bound=("-max_total_time=$limit") ;;
esac

build=${UM_FUZZ_BUILD_DIR:-build/fuzz}
echo "== usermedia: building the fuzz target in $build =="
mkdir -p "$build"
cmake --preset fuzz -B "$build" >"$build/configure.log" 2>&1 || {
    cat "$build/configure.log" >&2
    exit 1
}
cmake --build "$build" --target constraints_fuzz

# New inputs go to a working corpus in the build tree; the checked-in seeds stay read-only.
seeds=tests/fuzz/corpus/constraints
corpus="$build/fuzz-corpus/constraints"
artifacts="$build/fuzz-artifacts/"
mkdir -p "$corpus" "$artifacts"
log="$build/fuzz-constraints.log"

echo "== usermedia: fuzzing constraints (${bound[*]}) =="
status=0
"$build/tests/fuzz/constraints_fuzz" "${bound[@]}" -max_len=4096 -timeout=10 \
    -dict=tests/fuzz/constraints.dict -artifact_prefix="$artifacts" -print_final_stats=1 \
    "$@" "$corpus" "$seeds" >"$log" 2>&1 || status=$?

executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
if [ "$status" -ne 0 ]; then
    tail -n 60 "$log" >&2
    echo "constraints_fuzz: FINDING (exit $status) after ${executions:-?} executions;" \
        "input in $artifacts, full log in $log" >&2
    exit "$status"
fi
grep -E '^(#[0-9]+ +(INITED|DONE)|Done [0-9]+ runs)' "$log" || true
echo "constraints_fuzz: ${executions:-?} executions, no finding (log: $log)"
