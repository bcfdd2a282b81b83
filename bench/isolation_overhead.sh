#!/usr/bin/env bash
# What running each clip in a worker process of its own costs: `pressreel run` of the sample batch
# (sample_media/, recipe web), alternating the default (a worker per clip) with --no-isolation (every
# clip in the one process), ROUNDS times each, from scratch every time (--force). Prints every time,
# the medians and their ratio; the target is a ratio of at most 1.02. The CPU time (user + sys of the
# batch and its workers) is printed beside the wall time: on a shared, loaded machine the wall time
# swings by tens of percent, the CPU time much less.
# Usage: bench/isolation_overhead.sh [PRESSREEL] [ROUNDS] [JOBS]   (defaults: build/pressreel, 3, automatic)
#        WARMUP=0 skips the untimed first run of each mode.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/timing.sh"
pressreel=$(realpath "${1:-$root/build/pressreel}")
rounds=${2:-3}
jobs=${3:-0}
work=$(mktemp -d /tmp/pressreel-isolation-XXXXXX)
trap 'rm -rf "$work"' EXIT

run_once() {  # MODE OUT -> "WALL CPU" in seconds (run in a subshell: `times` counts this run alone)
  local flags=()
  [[ $1 == in-process ]] && flags=(--no-isolation)
  local start
  start=$(date +%s.%N)
  "$pressreel" --quiet run "$root/sample_media" -o "$2" --pipeline web --jobs "$jobs" --force "${flags[@]}" >/dev/null
  wall_and_cpu "$start" "$work/times"
}

# One untimed run of each first: the page cache and the dynamic loader warm for both.
if [[ ${WARMUP:-1} != 0 ]]; then
  run_once worker "$work/warm" >/dev/null
  run_once in-process "$work/warm" >/dev/null
fi
worker_times=() in_process_times=() worker_cpu=() in_process_cpu=()
for ((i = 1; i <= rounds; i++)); do
  # Alternated, in turn order swapped every round, so that a drift of the machine's load hits both.
  if ((i % 2)); then order=(worker in-process); else order=(in-process worker); fi
  for mode in "${order[@]}"; do
    read -r t cpu < <(run_once "$mode" "$work/out-$mode")
    echo "round $i $mode: $t s (CPU $cpu s)"
    if [[ $mode == worker ]]; then worker_times+=("$t") worker_cpu+=("$cpu"); else in_process_times+=("$t") in_process_cpu+=("$cpu"); fi
  done
done
w=$(printf '%s\n' "${worker_times[@]}" | median)
p=$(printf '%s\n' "${in_process_times[@]}" | median)
wc=$(printf '%s\n' "${worker_cpu[@]}" | median)
pc=$(printf '%s\n' "${in_process_cpu[@]}" | median)
echo "median: worker per clip $w s, in-process $p s, ratio $(awk "BEGIN{printf \"%.3f\", $w / $p}")"
echo "median CPU: worker per clip $wc s, in-process $pc s, ratio $(awk "BEGIN{printf \"%.3f\", $wc / $pc}")"
