#!/usr/bin/env bash
# Issue 6's memory target: peak RSS of `pressreel run` (web recipe) on a 10-minute 1080p clip is at
# most 1.1x that on a 1-minute clip, because frames in flight are bounded whatever the length.
# Both clips have the same trailer-like density of shots (a 12 s piece of six 2 s shots, repeated
# by stream copy), so the comparison is of length alone: shot count grows tenfold too.
# Usage: bench/memory_long_clip.sh [WORK_DIR] (default /tmp/pressreel-memory); env: PRESSREEL, PIPELINE
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-/tmp/pressreel-memory}
pressreel=${PRESSREEL:-$here/../build/pressreel}
pipeline=${PIPELINE:-web}
source "$here/bench_clips.sh"
mkdir -p "$work"
make_bench_clip "$work/piece.mp4" 1920 1080 12

printf "%-8s %8s %8s %9s %6s\n" clip minutes wall_s rss_mb shots
declare -A rss
for spec in "1min 5" "10min 50"; do
  read -r name copies <<<"$spec"
  input=$work/in-$name
  rm -rf "$input" "$work/out-$name"
  mkdir -p "$input/film"
  repeat_clip "$work/piece.mp4" "$copies" "$input/film/$name.mp4"
  /usr/bin/time -f "%e %M" -o "$work/time-$name.log" "$pressreel" -q run "$input" -o "$work/out-$name" --pipeline "$pipeline"
  read -r wall kb <"$work/time-$name.log"
  rss[$name]=$kb
  shots=$(python3 -c "import json,glob; print(len(json.load(open(glob.glob('$work/out-$name/*/*/scenes.json')[0]))['shots']))" 2>/dev/null || echo "?")
  printf "%-8s %8.1f %8.1f %9.1f %6s\n" "$name" "$(awk "BEGIN{print $copies * 12 / 60}")" "$wall" "$(awk "BEGIN{print $kb / 1024}")" "$shots"
done
printf "peak RSS 10 min / 1 min = %.3f (target <= 1.10)\n" "$(awk "BEGIN{print ${rss[10min]} / ${rss[1min]}}")"
