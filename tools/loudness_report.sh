#!/usr/bin/env bash
# Issue 23's loudness check on real clips: previews each clip (`pressreel preview`, default recipe
# values: -16 LUFS, -1.5 dBTP ceiling) and measures the source and every written rendition with
# FFmpeg's own ebur128 filter (integrated loudness, true peak), independently of pressreel's reading.
# A rendition passes when it is within +-1 LU of the target and its true peak is at most the ceiling.
# Prints one line per clip and container (renditions in one container carry the same audio) and a
# count of failures (mode "+2nd": the read-back found the first encoding off target and the previews
# were encoded again with a corrected plan); exits 1 when any clip fails, 77 when there is no shared footage to check. Clips
# without audio are listed as such.
# Usage: tools/loudness_report.sh [CLIP...]   (default: the clips with audio in ../shared/media and
#        ../shared/media/pool); env: PRESSREEL (default build/pressreel), TARGET, CEILING, PREVIEW_ARGS
#        (more options of `pressreel preview`: "--webm vp9" checks the Opus audio of a WebM too)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pressreel=${PRESSREEL:-$root/build/pressreel}
target=${TARGET:--16}
ceiling=${CEILING:--1.5}
media=$root/../shared/media
work=$(mktemp -d /tmp/pressreel-loudness-XXXXXX)
trap 'rm -rf "$work"' EXIT

clips=("$@")
if ((${#clips[@]} == 0)); then
  for f in "$media"/clips/* "$media"/pool/*; do
    [[ -f $f && $f != *.md && $f != *.gif ]] && clips+=("$f")
  done
  if ((${#clips[@]} == 0)); then
    echo "no clips in $media/clips or $media/pool: skipped"
    exit 77
  fi
fi

# ebur128 of the first audio stream of FILE: "I TP" (LUFS, dBTP), or nothing without audio.
measure() {
  ffmpeg -hide_banner -nostats -i "$1" -map 0:a:0 -af ebur128=peak=true -f null - 2>&1 |
    awk '/Integrated loudness:/ {s=1} s && /I:/ {i=$2}
         /True peak:/ {t=1} t && /Peak:/ {p=$2}
         END {if (i != "") print i, p}'
}

printf "%-52s %8s %8s %8s %8s %-12s %s\n" clip src_lufs src_tp out_lufs out_tp mode result
failed=0 checked=0
for clip in "${clips[@]}"; do
  name=$(basename "$clip")
  read -r src_i src_tp < <(measure "$clip" || true) || true
  if [[ -z ${src_i:-} ]]; then
    printf "%-52s %s\n" "$name" "no audio"
    continue
  fi
  out=$work/$name
  # shellcheck disable=SC2086 # PREVIEW_ARGS is a list of options
  if ! "$pressreel" -q preview ${PREVIEW_ARGS:-} "$clip" -o "$out" >"$work/report.json" 2>"$work/err.log"; then
    printf "%-52s %8s %8s %s\n" "$name" "$src_i" "$src_tp" "preview failed: $(tail -1 "$work/err.log")"
    failed=$((failed + 1))
    continue
  fi
  mode=$(python3 -c "
import json, sys
r = json.load(open('$work/report.json'))['outputs']
r = r[0] if isinstance(r, list) else r
l = r.get('loudness', {})
print(l.get('mode', '?') + ('+2nd' if 'first_try' in l else ''))" 2>/dev/null || echo "?")
  # Every rendition of a container carries the same audio: the first MP4 and the first WebM.
  for ext in mp4 webm; do
    file=$(ls "$out"/preview-*.$ext 2>/dev/null | head -1 || true)
    [[ -n $file ]] || continue
    read -r out_i out_tp < <(measure "$file") || true
    verdict=$(awk -v i="$out_i" -v p="$out_tp" -v t="$target" -v c="$ceiling" \
      'BEGIN {d = i - t; if (d < 0) d = -d; print (d <= 1 && p <= c) ? "ok" : "FAIL"}')
    [[ $verdict == FAIL ]] && failed=$((failed + 1))
    checked=$((checked + 1))
    printf "%-52s %8s %8s %8s %8s %-12s %s\n" "$name ($ext)" "$src_i" "$src_tp" "$out_i" "$out_tp" "$mode" "$verdict"
  done
  rm -rf "$out"
done
echo "$checked previews of clips with audio checked, $failed failed (target $target LUFS +-1 LU, true peak <= $ceiling dBTP)"
((failed == 0))
