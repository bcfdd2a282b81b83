#!/usr/bin/env bash
# Decode core vs `ffmpeg -threads N -i CLIP -f null -` on the same 1080p H.264 clip and thread count.
# Usage: bench/decode_vs_ffmpeg.sh [BUILD_DIR] [CLIP] [THREADS] [RUNS]
# Without CLIP, a 30 s 1080p24 H.264 clip (High profile, B-frames) is generated once in /tmp.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
clip=${2:-}
threads=${3:-$(nproc)}
runs=${4:-3}
if [[ -z "$clip" ]]; then
  clip=/tmp/pressreel-bench-1080p.mp4
  [[ -f $clip ]] || ffmpeg -y -nostdin -hide_banner -loglevel error -f lavfi -i "testsrc2=size=1920x1080:rate=24" \
    -t 30 -c:v libx264 -preset veryfast -crf 20 -bf 3 -pix_fmt yuv420p "$clip"
fi
frames=$(ffprobe -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$clip")
now() { date +%s.%N; }
best_ff=0 best_pr=0
for ((i = 0; i < runs; i++)); do  # alternate so both see the same machine state
  t0=$(now); ffmpeg -nostdin -hide_banner -loglevel error -threads "$threads" -i "$clip" -map 0:v:0 -f null - ; t1=$(now)
  ff=$(echo "$frames / ($t1 - $t0)" | bc -l)
  pr=$("$build/decode_throughput" "$clip" "$threads" | awk '{print $5}')
  best_ff=$(echo "if ($ff > $best_ff) $ff else $best_ff" | bc -l)
  best_pr=$(echo "if ($pr > $best_pr) $pr else $best_pr" | bc -l)
  printf 'run %d: ffmpeg %.1f fps, pressreel %.1f fps\n' "$((i + 1))" "$ff" "$pr"
done
printf 'best of %d: ffmpeg %.1f fps, pressreel decode pass %.1f fps, ratio %.2f (target >= 0.90)\n' \
  "$runs" "$best_ff" "$best_pr" "$(echo "$best_pr / $best_ff" | bc -l)"
