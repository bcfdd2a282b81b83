#!/usr/bin/env bash
# Command (2) of the README, and what CI runs: set up, build, and run every test suite; then the same
# suite under AddressSanitizer + UndefinedBehaviorSanitizer and a short run of each fuzz target
# (tools/sanitize/run.sh; PRESSREEL_SKIP_SANITIZE=1 leaves that out, e.g. for a quick local check).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash tools/setup.sh
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)  # setup installs it
# -g1: line tables and function names, enough for a backtrace; full -g costs a fifth more compile time.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
  "${launcher[@]}" >/dev/null
cmake --build build
# The quick suite first (what a developer reruns), then the long checks: whole runs compared file by
# file, the browser tests and the generated footage (labels slow and footage).
(cd build && ctest --output-on-failure --parallel "$(nproc)" --timeout 900 -LE 'slow|footage')
(cd build && ctest --output-on-failure --parallel "$(nproc)" --timeout 900 -L 'slow|footage')
if [[ ${PRESSREEL_SKIP_SANITIZE:-0} != 1 ]]; then
  bash tools/sanitize/run.sh "$root/build-sanitize"
fi
