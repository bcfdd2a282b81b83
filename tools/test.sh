#!/usr/bin/env bash
# Command (2) of the README, and what CI runs: set up, build, and run every test suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash tools/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
cd build
ctest --output-on-failure --parallel "$(nproc)" --timeout 900
