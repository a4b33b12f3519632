#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the benchmarks with the `release` preset and runs them, printing medians.
#
#   scripts/bench.sh                 both suites below
#   scripts/bench.sh select [ARGS]   the SelectSettings benchmark (issue 3)
#   scripts/bench.sh pipeline [ARGS] the frame pipeline side by side with libyuv, libswscale,
#                                    GStreamer and the ffmpeg CLI (issue 5)
#
# select: 10 repetitions, mean/median/stddev per benchmark; fails when the median real time of
# any selection benchmark (BM_Select*) is over the bound of issue 3: 50 microseconds for one
# selection over 8 devices with 200 native modes each.
#
# pipeline: pipeline_bench with 5 repetitions, then bench/pipeline_report.py, which times
# gst-launch-1.0 and ffmpeg on the same generated frames (files written by pipeline_bench
# --write-inputs) and prints one table of medians and ratios and every goal of issue 5 as met
# or missed by how much. Missed goals do not fail the script (figures on a shared machine are
# noisy); errors do. UM_BENCH_FRAMES (default 300) sets the frames per command-line run.
#
# ARGS go to the benchmark program (e.g. --benchmark_filter=Video). UM_BENCH_BUILD_DIR overrides
# the build directory (default build/release, the preset's).
set -euo pipefail
cd "$(dirname "$0")/.."

suite=all
case "${1:-}" in
select | pipeline)
    suite=$1
    shift
    ;;
esac

bound_us=50
build=${UM_BENCH_BUILD_DIR:-build/release}
mkdir -p "$build"
echo "== usermedia: building the benchmarks in $build =="
cmake --preset release -B "$build" -DUM_BUILD_BENCHMARKS=ON >"$build/configure.log" 2>&1 || {
    cat "$build/configure.log" >&2
    exit 1
}

status=0

run_select() {
    cmake --build "$build" --target select_settings_bench
    local results="$build/select_settings_bench.json"
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
}

run_pipeline() {
    cmake --build "$build" --target pipeline_bench
    local frames=${UM_BENCH_FRAMES:-300}
    local inputs="$build/bench-inputs"
    local results="$build/pipeline_bench.json"
    if [[ ! -f "$inputs/.frames-$frames" ]]; then
        echo "== usermedia: writing $frames generated 1080p frames (YUYV, MJPEG) to $inputs =="
        rm -rf "$inputs"
        "$build/bench/pipeline_bench" --write-inputs="$inputs,$frames"
        touch "$inputs/.frames-$frames"
    fi
    echo "== usermedia: pipeline_bench (5 repetitions; medians are what count) =="
    # Interleaved repetitions: each ratio compares runs made under the same machine load.
    "$build/bench/pipeline_bench" --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true \
        --benchmark_report_aggregates_only=true --benchmark_out="$results" \
        --benchmark_out_format=json "$@"
    echo "== usermedia: GStreamer and ffmpeg on the same frames, and the goals of issue 5 =="
    python3 bench/pipeline_report.py "$results" "$inputs" --frames "$frames" \
        --base $((frames / 10))
}

if [[ $suite == all || $suite == select ]]; then
    run_select "$@" || status=1
fi
if [[ $suite == all || $suite == pipeline ]]; then
    run_pipeline "$@" || status=1
fi
exit $status
