#!/usr/bin/env bash
# The adaptive stream in a real browser: `pressreel run` (web recipe) over a generated 720p clip with
# sound, which gets 720p and 480p previews and their stream, then tests/browser/stream.test.js plays
# it in the system Chromium with hls.js, the player the gallery ships in OUT.
# Usage: tests/browser/stream.sh PRESSREEL_BINARY
# Exits 77 (skipped for ctest) when chromium or node is not installed; tools/setup.sh installs both,
# and hls.js.
set -euo pipefail

pressreel=$(realpath "$1")
source "$(dirname "$0")/prepare.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in/stream-film"
# 10 s: three 4 s segments, time to play, switch and play on.
ffmpeg -y -hide_banner -loglevel error \
  -f lavfi -i "testsrc2=size=1280x720:rate=25:duration=10" -f lavfi -i "sine=frequency=440:duration=10" \
  -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac "$work/in/stream-film/trailer.mp4"

"$pressreel" --quiet run "$work/in" -o "$work/out"
if [[ ! -f "$work/out/hls.min.js" ]]; then
  echo "FAIL: the gallery shipped no hls.min.js (tools/setup.sh installs hls.js; or set PRESSREEL_HLS_JS)"
  exit 1
fi
cd "$here"
node stream.test.js "$work/out"
