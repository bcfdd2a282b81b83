#!/usr/bin/env bash
# What BlazeFace costs in a `web` run against the Haar cascades it replaces: `pressreel run` of one
# shared clip (recipe web, from scratch every time), alternating BlazeFace (the installed model) with
# Haar (PRESSREEL_MODELS pointing at an empty folder, the fallback), ROUNDS times each. Faces are
# looked for only on each shot's finalists, so the difference is small next to decoding and encoding;
# the target is a CPU-time ratio of at most 1.05. CPU time (user + sys of the run and its worker) is
# the measure: on a shared, loaded machine the wall time swings by tens of percent.
# Usage: bench/faces_cost.sh [PRESSREEL] [ROUNDS] [CLIP]
#        (defaults: build/pressreel, 3, ../shared/media/clips/megamind-trailer.avi: 11 s, 720x528, faces)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/timing.sh"
pressreel=$(realpath "${1:-$root/build/pressreel}")
rounds=${2:-3}
clip=$(realpath "${3:-$root/../shared/media/clips/megamind-trailer.avi}")
work=$(mktemp -d /tmp/pressreel-faces-cost-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/no-model"

run_once() {  # METHOD OUT [LOG] -> "WALL CPU" in seconds (run in a subshell: `times` counts this run alone)
  local env=() level=(--log-level error) log=/dev/null
  [[ $1 == haar ]] && env=(PRESSREEL_MODELS="$work/no-model")
  # Logged runs keep OpenCV on one thread, so that each search's thread CPU time is all of its cost.
  [[ -n ${3:-} ]] && level=(--log-level debug) log=$3 env+=(OPENCV_FOR_THREADS_NUM=1)
  local start
  start=$(date +%s.%N)
  env "${env[@]}" "$pressreel" "${level[@]}" run "$clip" -o "$2" --pipeline web --force >/dev/null 2>"$log"
  wall_and_cpu "$start" "$work/times"
}

# One untimed run of each first, logging every face search (its CPU time): the page cache and the
# dynamic loader warm for both, and the logs say how many frames were searched and for how long.
(run_once blazeface "$work/warm" "$work/blazeface.log" >/dev/null)
(run_once haar "$work/warm" "$work/haar.log" >/dev/null)
declare -A wall cpu
for ((i = 1; i <= rounds; i++)); do
  # Alternated, in turn order swapped every round, so that a drift of the machine's load hits both.
  if ((i % 2)); then order=(blazeface haar); else order=(haar blazeface); fi
  for method in "${order[@]}"; do
    read -r t c < <(run_once "$method" "$work/out-$method")
    echo "round $i $method: $t s (CPU $c s)"
    wall[$method]+="$t " cpu[$method]+="$c "
  done
done
for method in blazeface haar; do
  read -r -a w <<<"${wall[$method]}"
  read -r -a c <<<"${cpu[$method]}"
  declare "wall_$method=$(printf '%s\n' "${w[@]}" | median)" "cpu_$method=$(printf '%s\n' "${c[@]}" | median)"
done
for method in blazeface haar; do
  eval "cpu=\$cpu_$method"
  awk -v m="$method" -v cpu="$cpu" '/faces: (blazeface|haar) on/ { n++; f += $(NF-7); ms += $(NF-2) }
    END { printf "%s: %d frames searched, %d faces found, %.0f ms of CPU in all = %.1f%% of the run'"'"'s median CPU\n",
          m, n, f, ms, ms / 10 / cpu }' "$work/$method.log"
done
echo "median wall: blazeface $wall_blazeface s, haar $wall_haar s, ratio $(awk "BEGIN{printf \"%.3f\", $wall_blazeface / $wall_haar}")"
echo "median CPU: blazeface $cpu_blazeface s, haar $cpu_haar s, ratio $(awk "BEGIN{printf \"%.3f\", $cpu_blazeface / $cpu_haar}")"
