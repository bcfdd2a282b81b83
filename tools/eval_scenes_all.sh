#!/usr/bin/env bash
# Shot detection scored over all the truth the project has, and over what was held out from tuning:
#   shared     ../shared/media/truth, with the corrections of tests/truth/shared taking the place of
#              their namesakes (see its README)
#   pool       tests/truth/pool: the clips listed in tests/truth/pool/held_out.txt are held out
#   generated  tools/make_hard_scene_cases.py, one composite per seed: TUNE_SEEDS for tuning,
#              HELD_OUT_SEEDS held out (made once, cached in $WORK)
# Prints each set's per-clip table (eval-scenes), then the totals at a tolerance of one frame: hard-cut
# precision, recall and F1, transitions found, cuts inside flashes, and cuts on never-cuts clips.
#
#   tools/eval_scenes_all.sh [BUILD_DIR]
#   env: TUNE_SEEDS (default "1 2 3 5"), HELD_OUT_SEEDS (default "4 11 12 13 14 15 16"; set empty for none), WORK (default
#        ${TMPDIR:-/tmp}/pressreel-scenes-eval), QUIET=1 prints only the totals, FULL_DECODE=1 detects on
#        pictures decoded in full (eval-scenes --full-decode) instead of as `pressreel scenes` decodes
# Exit 77 when ../shared/media is absent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build=${1:-$src/build}
cli=$build/pressreel
media=$src/../shared/media
work=${WORK:-${TMPDIR:-/tmp}/pressreel-scenes-eval}
tune_seeds=${TUNE_SEEDS-1 2 3 5}
held_seeds=${HELD_OUT_SEEDS-4 11 12 13 14 15 16}
[[ -x "$cli" ]] || { echo "no pressreel binary at $cli (build it first)" >&2; exit 2; }
[[ -d "$media/truth" ]] || { echo "no ../shared/media: skipped" >&2; exit 77; }
mkdir -p "$work"
scores=$(mktemp -d)
trap 'rm -rf "$scores"' EXIT

# set NAME TRUTH_FILE... : links the truth files and their clips into one folder and scores them.
score_set() {
  local name=$1
  shift
  local dir=$scores/$name
  mkdir -p "$dir/truth" "$dir/clips"
  local truth clip
  for truth in "$@"; do
    clip=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["clip"])' "$truth")
    ln -sf "$truth" "$dir/truth/"
    ln -sf "$(cat "$truth.clipdir")/$clip" "$dir/clips/$clip" 2>/dev/null || true
  done
  local decode=()
  [[ -n "${FULL_DECODE:-}" ]] && decode=(--full-decode)
  [[ -z "${QUIET:-}" ]] && { echo "== $name"; "$cli" -q eval-scenes "${decode[@]}" --truth "$dir/truth" --clips "$dir/clips"; }
  "$cli" -q eval-scenes "${decode[@]}" --truth "$dir/truth" --clips "$dir/clips" --json > "$scores/$name.json"
}

# Where each truth file's clip lives, written beside a copy of the truth file.
stage() {  # stage TRUTH CLIP_DIR OUT_DIR
  cp "$1" "$3/" && echo "$2" > "$3/$(basename "$1").clipdir"
}

mkdir -p "$scores/in/shared" "$scores/in/pool" "$scores/in/pool-held" "$scores/in/gen" "$scores/in/gen-held"
for t in "$media"/truth/*.json; do
  fix=$src/tests/truth/shared/$(basename "$t")
  stage "$([[ -f "$fix" ]] && echo "$fix" || echo "$t")" "$media/clips" "$scores/in/shared"
done
held_list=$src/tests/truth/pool/held_out.txt
for t in "$src"/tests/truth/pool/*.json; do
  stem=$(basename "$t" .json)
  if [[ -f "$held_list" ]] && grep -qx "$stem" "$held_list"; then
    stage "$t" "$media/pool" "$scores/in/pool-held"
  else
    stage "$t" "$media/pool" "$scores/in/pool"
  fi
done
for seed in $tune_seeds $held_seeds; do
  gen=$work/seed-$seed
  [[ -f "$gen/truth/hard-$seed.json" ]] ||
    /usr/bin/python3 "$src/tools/make_hard_scene_cases.py" -o "$gen" --seed "$seed" --segments 8 >/dev/null
  target=gen
  [[ " $held_seeds " == *" $seed "* ]] && target=gen-held
  stage "$gen/truth/hard-$seed.json" "$gen/clips" "$scores/in/$target"
done

sets=()
for name in shared pool pool-held gen gen-held; do
  files=("$scores/in/$name"/*.json)
  [[ -e "${files[0]}" ]] || continue
  score_set "$name" "${files[@]}"
  sets+=("$name")
done

/usr/bin/python3 - "$scores" "${sets[@]}" <<'PY'
import json, pathlib, sys
folder, sets = pathlib.Path(sys.argv[1]), sys.argv[2:]
never = {}
for name in sets:
    for t in (folder / "in" / name).glob("*.json"):
        never[t.stem] = json.load(open(t)).get("never_cuts", False)

def totals(names):
    s = dict(tp=0, fp=0, fn=0, gtp=0, gfn=0, allfp=0, flash=0, never=0, clips=0)
    for name in names:
        for clip in json.load(open(folder / f"{name}.json"))["clips"]:
            r = clip["tolerance_1"]
            s["clips"] += 1
            s["tp"] += r["hard_cuts"]["tp"]; s["fn"] += r["hard_cuts"]["fn"]
            s["fp"] += r["hard_cuts"]["fp"]; s["allfp"] += len(r["false_positives"])
            s["gtp"] += r["gradual"]["tp"]; s["gfn"] += r["gradual"]["fn"]
            s["flash"] += r["flash_false_positives"]
            if never.get(clip["clip"]): s["never"] += len(r["false_positives"]) + r["flash_false_positives"]
    return s

def line(label, s):
    p = s["tp"] / (s["tp"] + s["fp"]) if s["tp"] + s["fp"] else 1.0
    r = s["tp"] / (s["tp"] + s["fn"]) if s["tp"] + s["fn"] else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    g = s["gtp"] + s["gfn"]
    found_all = s["tp"] + s["gtp"]
    p_all = found_all / (found_all + s["allfp"]) if found_all + s["allfp"] else 1.0
    found = f"{s['gtp']}/{g} ({100 * s['gtp'] / g:.0f}%)" if g else "0/0"
    print(f"{label:<22} {s['clips']:>5} {p:7.3f} {r:7.3f} {f1:7.3f} {p_all:7.3f}   {found:>12} {s['flash']:>6} {s['never']:>6}")

print(f"\n{'totals (1 frame)':<22} {'clips':>5} {'P':>7} {'R':>7} {'F1':>7} {'P all':>7}   {'transitions':>12} {'flash':>6} {'never':>6}")
print("  (P, R, F1: hard cuts, as eval-scenes' hardF1@1; 'P all': every boundary; 'never': boundaries on never-cuts clips)")
for name in sets: line(name, totals([name]))
line("all", totals(sets))
held = [n for n in sets if n.endswith("-held")]
if held: line("held out", totals(held))
PY
