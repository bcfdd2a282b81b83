#!/usr/bin/env bash
# Fuzzes each target in BUILD/fuzz for SECONDS, starting from its committed seed corpus
# (fuzz/corpus/<target>/, read only; new inputs go to BUILD/fuzz-corpus/<target>/). A crash, a
# sanitizer report, an uncaught exception, a 10 s hang or 2 GB of memory fails the run and leaves the
# input in BUILD/fuzz-artifacts/; make it a regression test (tests/test_fuzz_findings.cpp) and fix it.
#   tools/sanitize/fuzz.sh BUILD_DIR [SECONDS] [TARGET...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: fuzz.sh BUILD_DIR [SECONDS] [TARGET...]}" && pwd)
seconds=${2:-30}
shift $(($# < 2 ? $# : 2))
((seconds > 0)) || { echo "fuzz: skipped (0 s)"; exit 0; }
source "$build/sanitizer-env.sh"

targets=("$@")
if ((${#targets[@]} == 0)); then
  for bin in "$build"/fuzz/fuzz_*; do [[ -x $bin ]] && targets+=("$(basename "$bin")"); done
fi
((${#targets[@]})) || { echo "fuzz: no fuzz targets in $build/fuzz (configure with -DPRESSREEL_FUZZ=ON)"; exit 2; }

mkdir -p "$build/fuzz-artifacts"
# One libFuzzer process is one thread: the targets run side by side, as many at once as there are cores.
# Each run leaves its log in BUILD/fuzz-artifacts/TARGET.log, and TARGET.failed beside it if it failed.
fuzz_one() {
  local target=$1 corpus=$build/fuzz-corpus/$1
  mkdir -p "$corpus"
  rm -f "$build/fuzz-artifacts/$target.failed"
  "$build/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-artifacts/$target-" "$corpus" "$root/fuzz/corpus/$target" \
    >"$build/fuzz-artifacts/$target.log" 2>&1 || touch "$build/fuzz-artifacts/$target.failed"
}
failed=()
for target in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= $(nproc))); do wait -n || true; done
  echo "fuzz: $target for $seconds s"
  fuzz_one "$target" &
done
wait
for target in "${targets[@]}"; do
  if [[ -e $build/fuzz-artifacts/$target.failed ]]; then
    failed+=("$target")
    tail -n 60 "$build/fuzz-artifacts/$target.log"
  fi
  echo "fuzz: $target: $(grep -E '^stat::number_of_executed_units' "$build/fuzz-artifacts/$target.log" || echo 'no stats')"
done
if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $build/fuzz-artifacts/)"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, $seconds s each, no findings"
