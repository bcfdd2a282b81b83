#!/usr/bin/env bash
# Recall and false faces of BlazeFace and of the Haar cascades on the faces annotated by eye in
# tests/truth/faces (see its README). Extracts each annotated frame with ffmpeg, then runs
# build/face_eval on them. Needs ../shared/media and the model tools/setup.sh installs.
#   bash tools/face_eval.sh [BUILD_DIR] [--verbose]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
media=${PRESSREEL_SHARED_MEDIA:-$root/../shared/media}
[[ -d $media ]] || { echo "face_eval: $media is absent" >&2; exit 2; }
frames=$(mktemp -d)
trap 'rm -rf "$frames"' EXIT
for truth in "$root"/tests/truth/faces/*.json; do
  clip=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["clip"])' "$truth")
  for index in $(python3 -c 'import json,sys; print(*[f["index"] for f in json.load(open(sys.argv[1]))["frames"]])' "$truth"); do
    # The index counts decoded frames, as the annotation did.
    ffmpeg -nostdin -loglevel error -y -i "$media/$clip" -vf "select=eq(n\,$index)" -vsync 0 -frames:v 1 \
      "$frames/$(basename "$truth" .json)_$index.png"
  done
done
"$build/face_eval" "$root/tests/truth/faces" "$frames" "${@:2}"
