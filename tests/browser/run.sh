#!/usr/bin/env bash
# The gallery in a real browser: runs `pressreel run` over a few sample clips plus a generated clip
# with a hostile title, in a film folder whose name has quotes and spaces, then drives the system
# Chromium (headless, via playwright-core) over every page. Screenshots go to SCREENSHOT_DIR.
# Usage: tests/browser/run.sh PRESSREEL_BINARY SCREENSHOT_DIR
# Exits 77 (skipped for ctest) when chromium or node is not installed; tools/setup.sh installs both.
set -euo pipefail

pressreel=$(realpath "$1")
screenshots=$(realpath -m "$2")
source "$(dirname "$0")/prepare.sh"
source_dir=$(cd "$here/../.." && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
hostile_title='<img src=x onerror=alert(1)><script>alert(2)</script>'
odd_film="$work/in/Odd \"film\" it's — démo"
mkdir -p "$odd_film" "$work/in/big-buck-bunny"
cp "$source_dir/sample_media/planete-blupi/phone-teaser.mp4" "$odd_film/"
cp "$source_dir/sample_media/big-buck-bunny/"* "$work/in/big-buck-bunny/"
# Three shots of colour with hard cuts, 6 s, with the hostile title in the container metadata.
ffmpeg -y -hide_banner -loglevel error \
  -f lavfi -i "testsrc2=size=640x360:rate=25:duration=2" \
  -f lavfi -i "color=c=0x2060c0:size=640x360:rate=25:duration=2" \
  -f lavfi -i "mandelbrot=size=640x360:rate=25,trim=duration=2" \
  -f lavfi -i "sine=frequency=440:duration=6" \
  -filter_complex "[0:v][1:v][2:v]concat=n=3:v=1:a=0,format=yuv420p[v]" -map "[v]" -map 3:a \
  -c:v libx264 -preset veryfast -c:a aac -metadata "title=$hostile_title" "$odd_film/hostile title.mp4"

echo "gallery browser test: pressreel run over $(find "$work/in" -type f | wc -l) files"
# A failed clip (exit 1) is part of what the gallery shows; any other failure ends the test.
status=0
"$pressreel" run "$work/in" -o "$work/out" || status=$?
if ((status != 0 && status != 1)); then
  echo "FAIL: pressreel run exited with $status"
  exit 1
fi

mkdir -p "$screenshots"
cd "$here"
node gallery.test.js "$work/out" "$screenshots" "$hostile_title"
