#!/usr/bin/env bash
# What running each clip in a worker process of its own costs: `pressreel run` of the sample batch
# (sample_media/, recipe web), alternating the default (a worker per clip) with --no-isolation (every
# clip in the one process), ROUNDS times each, from scratch every time (--force). Prints every time,
# the medians and their ratio; the target is a ratio of at most 1.02.
# Usage: bench/isolation_overhead.sh [PRESSREEL] [ROUNDS] [JOBS]   (defaults: build/pressreel, 3, automatic)
#        WARMUP=0 skips the untimed first run of each mode.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pressreel=$(realpath "${1:-$root/build/pressreel}")
rounds=${2:-3}
jobs=${3:-0}
work=$(mktemp -d /tmp/pressreel-isolation-XXXXXX)
trap 'rm -rf "$work"' EXIT

run_once() {  # MODE OUT -> seconds of wall time
  local flags=()
  [[ $1 == in-process ]] && flags=(--no-isolation)
  local start end
  start=$(date +%s.%N)
  "$pressreel" --quiet run "$root/sample_media" -o "$2" --pipeline web --jobs "$jobs" --force "${flags[@]}" >/dev/null
  end=$(date +%s.%N)
  awk "BEGIN{printf \"%.2f\", $end - $start}"
}

median() { sort -n | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

# One untimed run of each first: the page cache and the dynamic loader warm for both.
if [[ ${WARMUP:-1} != 0 ]]; then
  run_once worker "$work/warm" >/dev/null
  run_once in-process "$work/warm" >/dev/null
fi
worker_times=() in_process_times=()
for ((i = 1; i <= rounds; i++)); do
  # Alternated, in turn order swapped every round, so that a drift of the machine's load hits both.
  if ((i % 2)); then order=(worker in-process); else order=(in-process worker); fi
  for mode in "${order[@]}"; do
    t=$(run_once "$mode" "$work/out-$mode")
    echo "round $i $mode: $t s"
    if [[ $mode == worker ]]; then worker_times+=("$t"); else in_process_times+=("$t"); fi
  done
done
w=$(printf '%s\n' "${worker_times[@]}" | median)
p=$(printf '%s\n' "${in_process_times[@]}" | median)
echo "median: worker per clip $w s, in-process $p s, ratio $(awk "BEGIN{printf \"%.3f\", $w / $p}")"
