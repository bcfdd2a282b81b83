#!/usr/bin/env bash
# Speed of shot detection against decoding alone, on the same 1080p H.264 clip and thread count:
# `pressreel scenes` frames per second divided by `ffmpeg -threads N -i CLIP -f null -` frames per
# second. The target is >= 0.85 (detection must not slow the decode pass).
#
#   tools/bench_scenes.sh [BUILD_DIR] [THREADS] [CLIP]
#
# Without CLIP, a 60 s 1920x1080 25 fps H.264 clip with a scene change every 10 s is generated once
# (in ${TMPDIR:-/tmp}/pressreel-bench). Each side runs 3 times; the best run counts.
set -euo pipefail

build=${1:-build}
threads=${2:-$(nproc)}
clip=${3:-}
cli="$build/pressreel"
[[ -x "$cli" ]] || { echo "no pressreel binary at $cli (build it first)" >&2; exit 2; }

if [[ -z "$clip" ]]; then
  dir="${TMPDIR:-/tmp}/pressreel-bench"
  mkdir -p "$dir"
  clip="$dir/scenes-1080p-60s.mp4"
  if [[ ! -s "$clip" ]]; then
    echo "generating $clip ..." >&2
    size=1920x1080
    ffmpeg -y -nostdin -hide_banner -loglevel error \
      -f lavfi -i "testsrc2=s=$size:r=25:d=10" \
      -f lavfi -i "smptehdbars=s=$size:r=25:d=10,noise=alls=12:allf=t" \
      -f lavfi -i "testsrc=s=$size:r=25:d=10" \
      -f lavfi -i "rgbtestsrc=s=$size:r=25:d=10,hue=H=t,noise=alls=8:allf=t" \
      -f lavfi -i "testsrc2=s=$size:r=25:d=10,negate" \
      -f lavfi -i "life=s=480x270:r=25:mold=10:ratio=0.1:death_color=#202040:life_color=#e0c080,scale=$size:flags=neighbor,trim=duration=10" \
      -filter_complex "[0][1][2][3][4][5]concat=n=6:v=1,format=yuv420p" \
      -c:v libx264 -preset veryfast -crf 20 -g 50 "$clip"
  fi
fi

frames=$(ffprobe -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$clip")

best_seconds() {  # best wall time of 3 runs of "$@"
  local best=""
  for _ in 1 2 3; do
    local start end took
    start=$(date +%s.%N)
    "$@" > /dev/null 2>&1
    end=$(date +%s.%N)
    took=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
    if [[ -z "$best" ]] || awk -v t="$took" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$took; fi
  done
  echo "$best"
}

decode=$(best_seconds ffmpeg -nostdin -hide_banner -threads "$threads" -i "$clip" -an -f null -)
scenes=$(best_seconds "$cli" -q scenes "$clip" --threads "$threads")
decode_fps=$(awk -v f="$frames" -v s="$decode" 'BEGIN { print f / s }')
scenes_fps=$(awk -v f="$frames" -v s="$scenes" 'BEGIN { print f / s }')
ratio=$(awk -v a="$scenes_fps" -v b="$decode_fps" 'BEGIN { print a / b }')

printf 'clip: %s (%s frames), threads: %s, cores: %s\n' "$clip" "$frames" "$threads" "$(nproc)"
printf 'ffmpeg decode only : %7.1f fps (%.2f s)\n' "$decode_fps" "$decode"
printf 'pressreel scenes   : %7.1f fps (%.2f s)\n' "$scenes_fps" "$scenes"
printf 'ratio              : %7.3f (target >= 0.85)\n' "$ratio"
