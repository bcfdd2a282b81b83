#!/usr/bin/env bash
# Benchmark floor (b): plain ffmpeg CLI encoding only the web renditions, with the settings
# pressreel uses (libx264 High veryfast CRF 23 with VBV caps, closed 2 s GOP, BT.709, faststart;
# AAC-LC 128k 48 kHz stereo). One decode, one scale per rendition, as a careful user would write it.
# With FLOOR=reproducible, x264 is held to what pressreel needs for the same bytes on every run and
# machine (src/preview/video_encoder.cpp): one thread per capped encoder (VBV with frame threads
# plans from how far the other threads have got) and, on a CPU with AVX-512, AVX2 code (x264's
# AVX-512 code gives other bytes than AVX2's, and other bytes run to run: bench/x264_heap_garbage.sh).
# Usage: bench/ffmpeg_renditions.sh CLIP OUT_DIR [GAIN_DB]; env: FLOOR (plain|reproducible)
set -euo pipefail
clip=$1 out=$2 gain=${3:-0}
mkdir -p "$out"

height=$(ffprobe -v error -select_streams v:0 -show_entries stream=height -of csv=p=0 "$clip")
fps=$(ffprobe -v error -select_streams v:0 -show_entries stream=r_frame_rate -of csv=p=0 "$clip")
gop=$(python3 -c "print(round(2*$fps))")
has_audio=$(ffprobe -v error -select_streams a:0 -show_entries stream=index -of csv=p=0 "$clip" | head -1)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/ffmpeg_colour.sh"
source "$here/x264_pin.sh"
matrix=$(bt709_scale_options "$clip")

# name height maxrate bufsize
renditions=("1080p 1080 6000k 12000k" "720p 720 3500k 7000k" "480p 480 1500k 3000k")
chosen=()
for r in "${renditions[@]}"; do
  set -- $r
  (( $2 <= height )) && chosen+=("$r")
done
(( ${#chosen[@]} == 0 )) && chosen=("${height}p $height 1500k 3000k")

x264_threads=() x264_asm=""
if [[ "${FLOOR:-plain}" == reproducible ]]; then
  x264_threads=(-threads:v 1)
  cpu_has_avx512 && x264_asm=$x264_avx2_pin
fi

split="[0:v]split=${#chosen[@]}"
for i in "${!chosen[@]}"; do split+="[s$i]"; done
graph="$split"
args=()
for i in "${!chosen[@]}"; do
  set -- ${chosen[$i]}
  graph+=";[s$i]scale=-2:$2:flags=bicubic$matrix,format=yuv420p[v$i]"
  args+=(-map "[v$i]")
  [[ -n "$has_audio" ]] && args+=(-map 0:a:0 -af "volume=${gain}dB" -c:a aac -b:a 128k -ar 48000 -ac 2)
  args+=(-c:v libx264 -preset veryfast -profile:v high -crf 23 -maxrate "$3" -bufsize "$4"
         -g "$gop" -keyint_min "$gop" -flags +cgop -x264-params "scenecut=0:open-gop=0$x264_asm" "${x264_threads[@]}"
         -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range tv
         -movflags +faststart "$out/preview-$1.mp4")
done
ffmpeg -y -hide_banner -loglevel error -i "$clip" -filter_complex "$graph" "${args[@]}"
