#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the benchmarks with the `release` preset and runs the SelectSettings benchmark with
# 10 repetitions, printing mean/median/stddev per benchmark. Fails when the median real time of
# any selection benchmark (BM_Select*) is over the bound of issue 3: 50 microseconds for one
# selection over 8 devices with 200 native modes each. Extra arguments go to the benchmark
# (e.g. --benchmark_filter=Video). UM_BENCH_BUILD_DIR overrides the build directory (default
# build/release, the preset's).
set -euo pipefail
cd "$(dirname "$0")/.."

bound_us=50
build=${UM_BENCH_BUILD_DIR:-build/release}
mkdir -p "$build"
echo "== usermedia: building the benchmarks in $build =="
cmake --preset release -B "$build" -DUM_BUILD_BENCHMARKS=ON >"$build/configure.log" 2>&1 || {
    cat "$build/configure.log" >&2
    exit 1
}
cmake --build "$build" --target select_settings_bench

results="$build/select_settings_bench.json"
echo "== usermedia: select_settings_bench (10 repetitions; medians are what count) =="
"$build/bench/select_settings_bench" --benchmark_repetitions=10 \
    --benchmark_report_aggregates_only=true --benchmark_out="$results" \
    --benchmark_out_format=json "$@"

python3 - "$results" "$bound_us" <<'PY'
import json
import sys

path, bound = sys.argv[1], float(sys.argv[2])
scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}
with open(path) as f:
    benchmarks = json.load(f)["benchmarks"]
failed = []
medians = 0
print(f"\nmedians (real time; bound for BM_Select*: {bound:g} us):")
for b in benchmarks:
    if b.get("error_occurred"):
        failed.append(f"{b['name']}: {b.get('error_message', 'error')}")
        continue
    if b.get("aggregate_name") != "median":
        continue
    medians += 1
    real = b["real_time"] * scale[b["time_unit"]]
    cpu = b["cpu_time"] * scale[b["time_unit"]]
    name = b["run_name"]
    over = name.startswith("BM_Select") and real > bound
    print(f"  {name:48} {real:10.3f} us  (cpu {cpu:.3f} us){'  OVER THE BOUND' if over else ''}")
    if over:
        failed.append(f"{name}: median {real:.3f} us > {bound:g} us")
if medians == 0:
    failed.append("no median in the results (did --benchmark_filter match nothing?)")
for message in failed:
    print(f"bench: FAIL {message}", file=sys.stderr)
sys.exit(1 if failed else 0)
PY
