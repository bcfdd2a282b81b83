#!/usr/bin/env bash
# Why pressreel holds x264 to AVX2 on a CPU with AVX-512 (src/preview/video_encoder.cpp, x264_params):
# x264's AVX-512 code reads memory nothing wrote, so its bytes follow whatever the heap held before.
# Each size is encoded by ffmpeg's libx264 as pressreel encodes a capped rendition (veryfast, CRF 23,
# VBV, one thread), the same noisy test pictures every time, under MALLOC_PERTURB_ 0, 85 and 170
# (glibc then fills each new block with a different byte); once with x264's own choice of instruction
# set, once held to the set pressreel allows. Prints how many different streams each gave (1 = the
# same bytes whatever the heap held) and whether the two sets agree where each gave one stream.
# Usage: bench/x264_heap_garbage.sh; env: SIZES (default "426x240 854x480 640x96 64x96 1280x720")
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/x264_pin.sh"
sizes=${SIZES:-426x240 854x480 640x96 64x96 1280x720}
if ! cpu_has_avx512; then
  echo "This CPU has no AVX-512: x264 runs its AVX2 code either way, nothing to measure."
  exit 0
fi

# The MD5 of one encode; $1 = size, $2 = MALLOC_PERTURB_, $3 = extra x264 parameters.
encode() {
  MALLOC_PERTURB_=$2 ffmpeg -hide_banner -loglevel error -f lavfi \
    -i "testsrc2=size=$1:rate=24:duration=2,noise=alls=20:allf=t" -threads 1 -c:v libx264 -preset veryfast \
    -crf 23 -maxrate 1500k -bufsize 3000k -g 48 -keyint_min 48 -flags +cgop \
    -x264-params "scenecut=0:open-gop=0:sync-lookahead=0$3" -f h264 - | md5sum | cut -d' ' -f1
}

printf "%-10s %14s %14s %s\n" size own_streams avx2_streams agree
varied=0
for size in $sizes; do
  own=() pinned=()
  for perturb in 0 85 170; do
    own+=("$(encode "$size" "$perturb" "")")
    pinned+=("$(encode "$size" "$perturb" "$x264_avx2_pin")")
  done
  n_own=$(printf "%s\n" "${own[@]}" | sort -u | wc -l)
  n_pinned=$(printf "%s\n" "${pinned[@]}" | sort -u | wc -l)
  agree=-
  ((n_own == 1 && n_pinned == 1)) && agree=$([[ "${own[0]}" == "${pinned[0]}" ]] && echo yes || echo no)
  printf "%-10s %14d %14d %s\n" "$size" "$n_own" "$n_pinned" "$agree"
  ((n_pinned == 1)) || varied=$((varied + 1))
done
if ((varied > 0)); then
  echo "x264 held to AVX2 gave other bytes for another heap at $varied size(s): the pin is not enough." >&2
  exit 1
fi
