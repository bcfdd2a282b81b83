#!/usr/bin/env bash
# What an editor waits for: `pressreel thumbs` (a searched poster at full size plus its crops) against
# `ffmpegthumbnailer -s 0` (one full-size frame at 10% of the clip) on the same 1080p clip, run
# alternately so both see the same machine load. Target (issue 24): thumbs within 3x of its wall time.
# Also the start-up cost both pay: `pressreel --version` and the libraries the binary loads.
#
#   bench/thumbs_vs_ffmpegthumbnailer.sh [BUILD_DIR] [RUNS] [CLIP]
#     BUILD_DIR defaults to build, RUNS to 5, CLIP to the 2-minute clip of bench/make_1080p_clip.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
runs=${2:-5}
work=${TMPDIR:-/tmp}/pressreel-bench-thumbs
clip=${3:-$work/two-minutes-1080p.mp4}
pressreel=$build/pressreel
command -v ffmpegthumbnailer >/dev/null || { echo "ffmpegthumbnailer is not installed (tools/setup.sh installs it)"; exit 2; }
mkdir -p "$work"
[[ $# -ge 3 ]] || "$root/bench/make_1080p_clip.sh" "$clip"

wall() {  # wall seconds of one run of a command, output discarded; its CPU seconds go to $cpu_log
  local TIMEFORMAT='%R %U %S' t
  t=$( { time "$@" >/dev/null 2>&1; } 2>&1 | tail -1)
  awk -v t="$t" 'BEGIN { split(t, f, " "); printf "%.3f\n", f[2] + f[3] }' >>"$cpu_log"
  echo "${t%% *}"
}
cpu_log=$(mktemp)
trap 'rm -f "$cpu_log"' EXIT
stats() {  # "median min" of the numbers on stdin
  sort -g | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %.3f", m, v[1] }'
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "clip: $clip ($(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=s=x:p=0 "$clip"), $(ffprobe -v error -show_entries format=duration -of csv=p=0 "$clip") s)"

# Start-up: what every one-off command pays before doing anything.
echo "pressreel loads $(ldd "$pressreel" | wc -l) shared libraries (ldd $pressreel | wc -l)"
version_times=$(for _ in $(seq 20); do wall "$pressreel" --version; done | stats)
echo "pressreel --version: median ${version_times% *} s, fastest ${version_times#* } s (20 runs)"

# Alternating runs, pressreel first in odd rounds and second in even ones. CPU time (user + system)
# is printed too: a loaded machine stretches wall times far more than CPU times.
thumbs_times=() ft_times=() thumbs_cpu=() ft_cpu=()
for i in $(seq "$runs"); do
  if ((i % 2)); then
    thumbs_times+=("$(wall "$pressreel" -q thumbs "$clip" -o "$work/thumbs-vs-ft")")
    thumbs_cpu+=("$(tail -1 "$cpu_log")")
    ft_times+=("$(wall ffmpegthumbnailer -i "$clip" -o "$work/ffmpegthumbnailer.jpg" -s 0)")
    ft_cpu+=("$(tail -1 "$cpu_log")")
  else
    ft_times+=("$(wall ffmpegthumbnailer -i "$clip" -o "$work/ffmpegthumbnailer.jpg" -s 0)")
    ft_cpu+=("$(tail -1 "$cpu_log")")
    thumbs_times+=("$(wall "$pressreel" -q thumbs "$clip" -o "$work/thumbs-vs-ft")")
    thumbs_cpu+=("$(tail -1 "$cpu_log")")
  fi
done
thumbs=$(printf '%s\n' "${thumbs_times[@]}" | stats)
ft=$(printf '%s\n' "${ft_times[@]}" | stats)
printf '%-48s median %7.3f s  fastest %7.3f s   (%s)\n' "pressreel thumbs (poster + 6 crops, searched)" ${thumbs} "${thumbs_times[*]}"
printf '%-48s median %7.3f s  fastest %7.3f s   (%s)\n' "ffmpegthumbnailer -s 0 (one frame at 10%)" ${ft} "${ft_times[*]}"
thumbs_c=$(printf '%s\n' "${thumbs_cpu[@]}" | stats)
ft_c=$(printf '%s\n' "${ft_cpu[@]}" | stats)
echo "cpu (user + sys), median: thumbs ${thumbs_c% *} s, ffmpegthumbnailer ${ft_c% *} s: $(awk -v a="${thumbs_c% *}" -v b="${ft_c% *}" 'BEGIN { printf "%.2f", a / b }')x"

# The poster's own time (the first "timecode" in the file is an alternate's: keys are sorted).
poster=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["poster"]["time"]["timecode"])' \
  "$work/thumbs-vs-ft/thumbs.json")
echo "pressreel's poster: frame at $poster -> $work/thumbs-vs-ft/poster.jpg; ffmpegthumbnailer's: $work/ffmpegthumbnailer.jpg"
ratio=$(awk -v a="${thumbs% *}" -v b="${ft% *}" 'BEGIN { printf "%.2f", a / b }')
echo "thumbs / ffmpegthumbnailer, median wall time: ${ratio}x (target <= 3x); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v r="$ratio" 'BEGIN { exit !(r <= 3) }'
