#!/usr/bin/env bash
# Runs two pressreel binaries on the same clips and compares every output byte for byte, apart from
# what may differ between two runs of one binary: the manifests' timings (compared without them) and
# the pressreel version recorded in manifests, catalog and film pages when the two binaries differ in
# version. Shows that a refactoring kept behaviour:
#   tools/compare_outputs.sh [--thumbs] OLD_BINARY NEW_BINARY WORK_DIR [INPUT ...]    (default INPUT: sample_media)
# With --thumbs, `pressreel thumbs` on each clip (INPUT files, or the clips found in INPUT folders)
# instead of `run`.
# Exit 0 when every file matches; 1 with the differing files listed.
set -euo pipefail
thumbs=false
[[ ${1-} == --thumbs ]] && { thumbs=true; shift; }
old=$1 new=$2 work=$3
shift 3
inputs=("$@")
((${#inputs[@]})) || inputs=("$(cd "$(dirname "$0")/.." && pwd)/sample_media")
rm -rf "$work" && mkdir -p "$work"
for side in old new; do
  binary=${!side}
  start=$SECONDS
  if $thumbs; then
    while IFS= read -r -d '' clip; do
      name=$(basename "$(dirname "$clip")")-$(basename "$clip")
      "$binary" --quiet thumbs "$clip" -o "$work/$side/$name" >/dev/null 2>>"$work/$side.log" || echo "$side: thumbs failed on $clip"
    done < <(find "${inputs[@]}" -type f \( -iname '*.mp4' -o -iname '*.mkv' -o -iname '*.webm' -o -iname '*.avi' \
                -o -iname '*.mov' -o -iname '*.mpg' -o -iname '*.gif' \) -print0 | sort -z)
  else
    "$binary" --quiet run "${inputs[@]}" -o "$work/$side" --jobs 1 --json >"$work/$side.json" || true
  fi
  echo "$side: $binary, $((SECONDS - start)) s"
done
# Manifests and reports: the JSON without timings (and with paths of the two OUT folders made alike).
normalise() {
  python3 - "$1" "$2" <<'PY'
import json, sys
path, side = sys.argv[1], sys.argv[2]
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in ("timings", "cpu_timings", "seconds", "elapsed_seconds")}
    if isinstance(v, list):
        return [strip(x) for x in v]
    if isinstance(v, str):
        return v.replace("/" + side + "/", "/SIDE/")
    return v
print(json.dumps(strip(json.load(open(path))), sort_keys=True, indent=1))
PY
}
status=0 files=0
while IFS= read -r -d '' f; do
  rel=${f#"$work/old/"}
  files=$((files + 1))
  if [[ ! -f $work/new/$rel ]]; then
    echo "only in old: $rel"; status=1; continue
  fi
  if [[ $rel == *.json ]]; then
    cmp -s <(normalise "$f" old) <(normalise "$work/new/$rel" new) || { echo "differs: $rel"; status=1; }
  else
    cmp -s "$f" "$work/new/$rel" || { echo "differs: $rel"; status=1; }
  fi
done < <(find "$work/old" -type f -print0 | sort -z)
while IFS= read -r -d '' f; do
  rel=${f#"$work/new/"}
  [[ -f $work/old/$rel ]] || { echo "only in new: $rel"; status=1; }
done < <(find "$work/new" -type f -print0 | sort -z)
((files > 0)) || { echo "no output to compare: see $work/old.json"; exit 1; }
echo "compared $files files: $([[ $status == 0 ]] && echo "all identical" || echo "some differ")"
exit $status
