#!/usr/bin/env bash
# Shot detection on generated hard cases (tools/make_hard_scene_cases.py): hand-held motion, old-film
# flicker, objects entering, underwater wobble, joined by real and jump cuts, made from the shared
# footage and the never-cuts pool clips. Fails unless hard cuts are found with F1 >= MIN_F1 at one
# frame and no cut falls inside a flash. The one dissolve, between two moving or flickering stretches,
# is reported, and required with DISSOLVE=found (seeds whose dissolve was once missed, for a reason
# the detector now explains).
#   tests/footage/hard_scenes.sh PRESSREEL SOURCE_DIR [SEED] [MIN_F1] [DISSOLVE]
# Exit 77 (skipped) when ../shared/media is absent.
set -euo pipefail
cli=$1 src=$2 seed=${3:-7} min_f1=${4:-0.85} dissolve=${5:-reported}
[[ -d "$src/../shared/media/truth" ]] || { echo "no shared media: skipped"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
/usr/bin/python3 "$src/tools/make_hard_scene_cases.py" -o "$out" --seed "$seed" --segments 8
"$cli" -q eval-scenes --truth "$out/truth" --clips "$out/clips"
"$cli" -q eval-scenes --truth "$out/truth" --clips "$out/clips" --json > "$out/score.json"
/usr/bin/python3 - "$out/score.json" "$min_f1" "$dissolve" <<'PY'
import json, sys
overall = json.load(open(sys.argv[1]))["overall"]["tolerance_1"]
print(json.dumps(overall)[:400])
f1 = overall["hard_cuts"]["f1"]
ok = f1 >= float(sys.argv[2]) and overall["flash_false_positives"] == 0
ok = ok and (sys.argv[3] != "found" or overall["gradual"]["fn"] == 0)
print(f"hard-cut F1@1 {f1:.3f} (need {sys.argv[2]}), flash false positives {overall['flash_false_positives']}, "
      f"transitions missed {overall['gradual']['fn']}: {'ok' if ok else 'FAILED'}")
sys.exit(0 if ok else 1)
PY
