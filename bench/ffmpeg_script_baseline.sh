#!/usr/bin/env bash
# Benchmark baseline (c): what users script today with the ffmpeg CLI to get the outputs of
# `pressreel run` with the web recipe: scene detection (scdet), best still per shot (thumbnail),
# poster crops, contact sheet and storyboard (tile), loudness measurement (ebur128), the web
# renditions with the gain, and a teaser (MP4 + animated WebP). Every step decodes the clip again.
# Usage: bench/ffmpeg_script_baseline.sh CLIP OUT_DIR "START-END START-END ..."(teaser, seconds)
set -euo pipefail
clip=$1 out=$2 pieces=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/ffmpeg_colour.sh"
ff() { ffmpeg -y -hide_banner -loglevel error "$@"; }
mkdir -p "$out/stills" "$out/poster"

# 1. Shots: scdet on a small picture; cut times from its metadata.
ff -i "$clip" -an -vf "scale=256:-2,scdet=threshold=10,metadata=print:key=lavfi.scd.time:file=$out/scdet.txt" -f null -
duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$clip")
cuts=$(grep -o 'lavfi.scd.time=[0-9.]*' "$out/scdet.txt" | cut -d= -f2 || true)
bounds=(0 $cuts "$duration")
{
  echo "shot,start,end"
  for ((i = 0; i + 1 < ${#bounds[@]}; i++)); do echo "$((i + 1)),${bounds[$i]},${bounds[$((i + 1))]}"; done
} >"$out/scenes.csv"

# 2. The most representative frame of each shot (one seek + decode per shot).
for ((i = 0; i + 1 < ${#bounds[@]}; i++)); do
  start=${bounds[$i]} end=${bounds[$((i + 1))]}
  len=$(awk "BEGIN{print $end-$start}")
  ff -ss "$start" -t "$len" -i "$clip" -an -vf "thumbnail=100" -frames:v 1 "$out/stills/shot-$(printf %03d $((i + 1))).jpg"
done

# 3. Poster and social crops from the first still.
poster=$(ls "$out"/stills/*.jpg | head -1)
ff -i "$poster" "$out/poster/poster.jpg"
for spec in "16x9 1280 720" "og 1200 630" "1x1 1080 1080" "4x5 1080 1350" "9x16 1080 1920"; do
  set -- $spec
  ff -i "$poster" -vf "scale=$2:$3:force_original_aspect_ratio=increase,crop=$2:$3" "$out/poster/$1-$2x$3.jpg"
done

# 4. Contact sheet: the stills tiled 4 across.
n=$(ls "$out"/stills/*.jpg | wc -l)
rows=$(((n + 3) / 4))
ff -pattern_type glob -i "$out/stills/*.jpg" -vf "scale=320:-2,tile=4x${rows}:padding=4:color=white" -frames:v 1 "$out/contact-sheet.jpg"

# 5. Storyboard: a 160 px tile every 2 s, one sprite, and its WebVTT.
ff -i "$clip" -an -vf "fps=1/2,scale=160:-2,tile=10x10" -frames:v 1 "$out/storyboard.jpg"
{
  echo "WEBVTT"
  h=$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0 "$clip" | awk -F, '{printf "%d", 160*$2/$1}')
  for ((t = 0, i = 0; t < ${duration%.*}; t += 2, i++)); do
    printf "\n%02d:%02d:%02d.000 --> %02d:%02d:%02d.000\nstoryboard.jpg#xywh=%d,%d,160,%d\n" \
      $((t / 3600)) $((t / 60 % 60)) $((t % 60)) $(((t + 2) / 3600)) $(((t + 2) / 60 % 60)) $(((t + 2) % 60)) \
      $((i % 10 * 160)) $((i / 10 * h)) "$h"
  done
} >"$out/storyboard.vtt"

# 6. Loudness (audio only), then the gain to -16 LUFS with true peak <= -1.5 dBTP.
gain=0
if ffprobe -v error -select_streams a:0 -show_entries stream=index -of csv=p=0 "$clip" | grep -q .; then
  summary=$(ffmpeg -hide_banner -nostats -i "$clip" -vn -af ebur128=peak=true -f null - 2>&1 | tail -12)
  I=$(echo "$summary" | awk '/I:/{print $2}')
  TP=$(echo "$summary" | awk '/Peak:/{print $2}')
  gain=$(awk "BEGIN{a=-16-($I); b=-1.5-($TP); print (a<b)?a:b}")
fi

# 7. The renditions, with the gain.
"$here/ffmpeg_renditions.sh" "$clip" "$out" "$gain"

# 8. Teaser: the pieces cut out and joined, muted, then the WebP from it.
if [[ -n "$pieces" ]]; then
  inputs=() filter="" k=0
  for p in $pieces; do
    s=${p%-*} e=${p#*-}
    inputs+=(-ss "$s" -t "$(awk "BEGIN{print $e-$s}")" -i "$clip")
    filter+="[$k:v]setpts=PTS-STARTPTS[p$k];"
    k=$((k + 1))
  done
  for ((i = 0; i < k; i++)); do filter+="[p$i]"; done
  # The loop at pressreel's teaser size (no wider than 640 px), the WebP at its effort (method 2).
  filter+="concat=n=$k:v=1:a=0,scale='min(640,iw)':-2$(bt709_scale_options "$clip"),format=yuv420p[v]"
  ff "${inputs[@]}" -filter_complex "$filter" -map "[v]" -an -c:v libx264 -preset veryfast -profile:v high -crf 23 \
    -maxrate 3500k -bufsize 7000k -movflags +faststart "$out/teaser.mp4"
  ff -i "$out/teaser.mp4" -vf "fps=12,scale='min(640,iw)':-2" -c:v libwebp_anim -quality 60 -compression_level 2 -loop 0 \
    "$out/teaser.webp"
fi
