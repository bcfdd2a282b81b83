#!/usr/bin/env bash
# What pressreel's pinning of x264 to AVX2 (src/preview/video_encoder.cpp, x264_params) costs on a CPU
# with AVX-512, where the ffmpeg floor of bench/preview_vs_ffmpeg.sh (b) runs x264's AVX-512 code.
# The same decoded pictures (the 720p bench trailer's first PICTURES, raw in a NUT file, so no decoder
# runs) are encoded by ffmpeg's libx264 with the 720p rendition's settings on one thread, as pressreel
# encodes a capped rendition: once with x264's own choice of instruction set, once held to the set
# pressreel allows, alternated PAIRS times. Prints each pair's CPU ratio (pinned / own choice) and
# their median; the ratio is about x264's share of the run, not of the whole of (a).
# Usage: bench/x264_isa_cost.sh [WORK_DIR] (default /tmp/pressreel-bench); env: PAIRS (12), PICTURES (600)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-/tmp/pressreel-bench}
pairs=${PAIRS:-12}
pictures=${PICTURES:-600}
source "$here/bench_clips.sh"
source "$here/timing.sh"
source "$here/x264_pin.sh"
mkdir -p "$work"

if ! cpu_has_avx512; then
  echo "This CPU has no AVX-512: x264 runs the same code either way, nothing to measure."
  exit 0
fi
make_trailer_clip "$work/trailer2m-720p.mp4" 1280 720
raw=$work/x264-isa-pictures.nut
[[ -s "$raw" ]] || ffmpeg -y -hide_banner -loglevel error -i "$work/trailer2m-720p.mp4" -an -frames:v "$pictures" \
  -c:v rawvideo -f nut "$raw"

# User CPU seconds of one encode; $1 = extra x264 parameters.
encode() {
  local log=$work/x264-isa-time.log
  /usr/bin/time -f "%U" -o "$log" ffmpeg -hide_banner -loglevel error -y -i "$raw" -threads 1 -c:v libx264 \
    -preset veryfast -profile:v high -crf 23 -maxrate 3500k -bufsize 7000k -g 50 -keyint_min 50 -flags +cgop \
    -x264-params "scenecut=0:open-gop=0:sync-lookahead=0$1" -f null -
  cat "$log"
}

ratios=()
for ((i = 1; i <= pairs; i++)); do
  own=$(encode "")
  pinned=$(encode "$x264_avx2_pin")
  ratios+=("$(awk "BEGIN{printf \"%.3f\", $pinned / $own}")")
  printf "pair %2d: own choice %6.2f s, pinned to AVX2 %6.2f s\n" "$i" "$own" "$pinned"
done
middle=$(printf "%.3f" "$(printf "%s\n" "${ratios[@]}" | median)")
echo "pinned / own choice, each pair: ${ratios[*]}"
echo "median: $middle (x264's CPU with pressreel's pin, relative to ffmpeg's unpinned x264)"
