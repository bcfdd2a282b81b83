#!/usr/bin/env bash
# Speed of shot detection against decoding alone, on the same 1080p H.264 clip and thread count:
# `pressreel scenes` frames per second divided by `ffmpeg -threads N -i CLIP -f null -` frames per
# second. The target is >= 0.85 (detection must not slow the decode pass).
#
#   tools/bench_scenes.sh [BUILD_DIR] [THREADS] [CLIP]
#
# Without CLIP, a 60 s 1920x1080 25 fps H.264 clip with a scene change every 10 s is generated once
# (in ${TMPDIR:-/tmp}/pressreel-bench). The two sides run alternately, RUNS times each (default 3); the
# best run of each counts. Ratios are printed by wall time and by CPU time (user + system).
# SCENES_ARGS: more arguments for `pressreel scenes` (e.g. --full-decode, to see what the fast decode gives).
set -euo pipefail

build=${1:-build}
threads=${2:-$(nproc)}
clip=${3:-}
runs=${RUNS:-3}
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

# Wall seconds and CPU seconds (user + system, children included) of one run of "$@". On a machine
# shared with other work the wall time varies with the load, the CPU time much less.
timed() {
  local out took cpu
  out=$(mktemp)
  local TIMEFORMAT='%R %U %S'
  { time "$@" > /dev/null 2>&1; } 2> "$out"
  read -r took cpu < <(awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$out")
  rm -f "$out"
  echo "$took $cpu"
}

# The two sides alternate, so a change of load hits both alike; each side's fastest run counts, with
# its CPU time.
decode="" decode_cpu="" scenes="" scenes_cpu=""
faster() { awk -v t="$1" -v b="$2" 'BEGIN { exit !(b == "" || t < b) }'; }
for run in $(seq 1 "$runs"); do
  read -r t c < <(timed ffmpeg -nostdin -hide_banner -threads "$threads" -i "$clip" -an -f null -)
  printf 'run %d ffmpeg decode : %6.2f s, %6.2f s CPU\n' "$run" "$t" "$c"
  if faster "$t" "$decode"; then decode=$t; decode_cpu=$c; fi
  # shellcheck disable=SC2086  # SCENES_ARGS is a list of words
  read -r t c < <(timed "$cli" -q scenes "$clip" --threads "$threads" ${SCENES_ARGS:-})
  printf 'run %d scenes        : %6.2f s, %6.2f s CPU\n' "$run" "$t" "$c"
  if faster "$t" "$scenes"; then scenes=$t; scenes_cpu=$c; fi
done
decode_fps=$(awk -v f="$frames" -v s="$decode" 'BEGIN { print f / s }')
scenes_fps=$(awk -v f="$frames" -v s="$scenes" 'BEGIN { print f / s }')
ratio=$(awk -v a="$scenes_fps" -v b="$decode_fps" 'BEGIN { print a / b }')
cpu_ratio=$(awk -v a="$decode_cpu" -v b="$scenes_cpu" 'BEGIN { print a / b }')

printf 'clip: %s (%s frames), threads: %s, cores: %s, load average: %s\n' "$clip" "$frames" "$threads" "$(nproc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'ffmpeg decode only : %7.1f fps (%.2f s, %.2f s CPU)\n' "$decode_fps" "$decode" "$decode_cpu"
printf 'pressreel scenes   : %7.1f fps (%.2f s, %.2f s CPU)\n' "$scenes_fps" "$scenes" "$scenes_cpu"
printf 'ratio              : %7.3f by wall time (target >= 0.85); %.3f by CPU time\n' "$ratio" "$cpu_ratio"
