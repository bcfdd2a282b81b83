#!/usr/bin/env bash
# pressreel's shot detection against PySceneDetect's default `detect-content` (reimplemented in
# tools/pyscenedetect_baseline.py), scored the same way by `pressreel eval-scenes --detections`:
# precision, recall and F1 at a tolerance of 0 and 1 frame, and frames per second (decode included)
# of each, on the shared development footage and on generated composites with known truth.
#
#   tools/compare_pyscenedetect.sh [BUILD_DIR] [WORK_DIR]
#
# Composites (tools/make_scene_composite.py, seeds 1 and 2, four encodings each) are made once in
# WORK_DIR (default ${TMPDIR:-/tmp}/pressreel-compare). Needs python3-opencv (tools/setup.sh installs it).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
work=${2:-${TMPDIR:-/tmp}/pressreel-compare}
cli="$build/pressreel"
python=/usr/bin/python3  # Debian's python3-opencv is installed for the system interpreter
[[ -x "$cli" ]] || { echo "no pressreel binary at $cli (build it first)" >&2; exit 2; }
"$python" -c 'import cv2' 2>/dev/null || { echo "python3-opencv is missing (run tools/setup.sh)" >&2; exit 2; }

shared=$root/../shared/media
composite=$work/composite
if [[ ! -d "$composite/truth" ]]; then
  echo "generating composites in $composite ..." >&2
  "$python" "$root/tools/make_scene_composite.py" -o "$composite" >&2
fi

sets=()
[[ -d "$shared/truth" ]] && sets+=("shared:$shared/truth:$shared/clips")
sets+=("composite:$composite/truth:$composite/clips")

# The clips a truth folder describes that exist in the clips folder, one per line.
clips_of() {
  "$python" - "$1" "$2" <<'EOF'
import json, pathlib, sys
truth, clips = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for f in sorted(truth.glob("*.json")):
    clip = clips / json.loads(f.read_text())["clip"]
    if clip.exists():
        print(clip)
EOF
}

now() { date +%s.%N; }
summary=()
for set in "${sets[@]}"; do
  IFS=: read -r name truth clips <<<"$set"
  mapfile -t files < <(clips_of "$truth" "$clips")
  ours=$work/$name/pressreel
  base=$work/$name/pyscenedetect
  mkdir -p "$ours" "$base"
  start=$(now)
  for f in "${files[@]}"; do
    stem=$(basename "${f%.*}")
    "$cli" -q scenes "$f" > "$ours/$stem.json"
  done
  ours_seconds=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
  start=$(now)
  "$python" "$root/tools/pyscenedetect_baseline.py" "${files[@]}" -o "$base" > /dev/null
  base_seconds=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
  # Frames decoded, as pressreel counted them.
  frames=$("$python" -c 'import json, sys; print(sum(json.load(open(f))["frames"] for f in sys.argv[1:]))' "$ours"/*.json)

  for who in pressreel pyscenedetect; do
    dir=$work/$name/$who
    seconds=$([[ $who == pressreel ]] && echo "$ours_seconds" || echo "$base_seconds")
    echo "== $name: $who =="
    "$cli" -q eval-scenes --truth "$truth" --detections "$dir" || true
    "$cli" -q eval-scenes --truth "$truth" --detections "$dir" --json > "$dir.score.json" || true
    summary+=("$("$python" - "$dir.score.json" "$name" "$who" "$frames" "$seconds" <<'EOF'
import json, sys
path, name, who, frames, seconds = sys.argv[1:]
s = json.load(open(path))["overall"]
t0, t1 = s["tolerance_0"], s["tolerance_1"]
fps = int(frames) / float(seconds)
print(f"{name:<10} {who:<14} {t1['overall']['precision']:6.3f} {t1['overall']['recall']:6.3f} "
      f"{t1['overall']['f1']:6.3f} {t0['overall']['f1']:6.3f} {t1['hard_cuts']['f1']:7.3f} {t1['gradual']['f1']:7.3f} "
      f"{t1['flash_false_positives']:5d} {fps:8.1f}")
EOF
)")
  done
done

echo
echo "cores: $(nproc); frames per second include decoding (both read the same files)"
printf '%-10s %-14s %6s %6s %6s %6s %7s %7s %5s %8s\n' set detector P@1 R@1 F1@1 F1@0 hardF1 gradF1 flash fps
printf '%s\n' "${summary[@]}"
