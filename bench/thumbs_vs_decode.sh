#!/usr/bin/env bash
# `pressreel thumbs` against a full decode and ffmpegthumbnailer on a 2-minute 1080p H.264 clip.
# Target (issue 4): thumbs takes <= 25% of the full decode's time. Rerunnable: the clip is generated
# once by bench/make_1080p_clip.sh and reused.
#
#   bench/thumbs_vs_decode.sh [BUILD_DIR] [RUNS]      (BUILD_DIR defaults to build, RUNS to 3)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
runs=${2:-3}
pressreel=$build/pressreel
work=${TMPDIR:-/tmp}/pressreel-bench-thumbs
clip=$work/two-minutes-1080p.mp4
mkdir -p "$work"

"$root/bench/make_1080p_clip.sh" "$clip"

# Best of `runs` runs of a command: "WALL CPU" seconds (CPU = user + system, which other jobs on a
# shared machine disturb far less than wall time).
best_of() {
  local best_wall="" best_cpu=""
  for _ in $(seq "$runs"); do
    local t
    t=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 | tail -1)
    read -r wall user sys <<<"$t"
    local cpu
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')
    if [[ -z $best_wall ]] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then best_wall=$wall; fi
    if [[ -z $best_cpu ]] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then best_cpu=$cpu; fi
  done
  echo "$best_wall $best_cpu"
}
percent() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b * 100 }'; }
row() {  # label, "wall cpu", reference "wall cpu"
  read -r w c <<<"$2"
  read -r rw rc <<<"$3"
  printf '%-40s wall %8.3f s (%5s%%)   cpu %8.3f s (%5s%%)\n' "$1" "$w" "$(percent "$w" "$rw")" "$c" "$(percent "$c" "$rc")"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (wall times need a quiet machine)"
full=$(best_of ffmpeg -hide_banner -loglevel error -i "$clip" -f null -)
thumbs=$(best_of "$pressreel" -q thumbs "$clip" -o "$work/thumbs-out")
row "full decode (ffmpeg -i CLIP -f null -)" "$full" "$full"
row "pressreel thumbs (poster + 6 crops)" "$thumbs" "$full"
if command -v ffmpegthumbnailer >/dev/null; then
  row "ffmpegthumbnailer -s 0 (one image)" "$(best_of ffmpegthumbnailer -i "$clip" -o "$work/ffmpegthumbnailer.jpg" -s 0)" "$full"
else
  echo "ffmpegthumbnailer: not installed (tools/setup.sh installs it); column skipped"
fi
frames=$(grep -o '"frames_decoded": *[0-9]*' "$work/thumbs-out/thumbs.json" | grep -o '[0-9]*$')
echo "thumbs decoded $frames of 3000 frames; poster: $work/thumbs-out/poster.jpg"
ratio=$(percent "${thumbs%% *}" "${full%% *}")
echo "thumbs / full decode, wall time: $ratio% (target <= 25%)"
awk -v r="$ratio" 'BEGIN { exit !(r <= 25) }'
