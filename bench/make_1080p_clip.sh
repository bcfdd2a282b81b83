#!/usr/bin/env bash
# Generates (once) the 2-minute 1920x1080 25 fps H.264 clip the thumbs benchmarks use: eight 15-second
# shots of different lavfi sources, fading in and out, so a frame search has real choices.
#
#   bench/make_1080p_clip.sh OUTPUT.mp4      (does nothing when OUTPUT.mp4 exists)
set -euo pipefail

clip=$1
[[ -s $clip ]] && exit 0
mkdir -p "$(dirname "$clip")"
echo "generating $clip (120 s, 1920x1080, 25 fps, H.264) ..." >&2
sources=(
  "testsrc2=s=1920x1080:r=25" "mandelbrot=s=1920x1080:r=25" "life=s=1920x1080:r=25:mold=10:ratio=0.1:death_color=#202040:life_color=#e0c060"
  "smptehdbars=s=1920x1080:r=25" "cellauto=s=1920x1080:r=25:rule=110" "testsrc=s=1920x1080:r=25"
  "gradients=s=1920x1080:r=25:speed=0.02" "rgbtestsrc=s=1920x1080:r=25"
)
inputs=() filters="" labels=""
for i in "${!sources[@]}"; do
  inputs+=(-f lavfi -t 15 -i "${sources[$i]}")
  filters+="[$i:v]format=yuv420p,fade=in:0:12,fade=out:363:12,setsar=1[v$i];"
  labels+="[v$i]"
done
ffmpeg -y -hide_banner -loglevel error "${inputs[@]}" \
  -filter_complex "${filters}${labels}concat=n=${#sources[@]}:v=1:a=0[out]" -map "[out]" \
  -c:v libx264 -preset veryfast -crf 20 -g 250 -pix_fmt yuv420p "$clip.part.mp4"
mv "$clip.part.mp4" "$clip"
