#!/usr/bin/env bash
# Command (1) of the README: set up, build, and run the main job on sample_media/ into out/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash tools/setup.sh
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)  # setup installs it
# -g1: line tables and function names, enough for a backtrace; full -g costs a fifth more compile time.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
  "${launcher[@]}" >/dev/null
cmake --build build --target pressreel
rc=0
./build/pressreel run sample_media -o out "$@" || rc=$?
echo
echo "catalog: $root/out/catalog.json"
if [[ -f out/index.html ]]; then echo "gallery: $root/out/index.html (open it in a browser, or: python3 -m http.server -d out)"; fi
exit $rc
