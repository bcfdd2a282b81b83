#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer, then a short run of every
# libFuzzer target, and a seeded mutation campaign of the shared clips through `pressreel run`
# (tools/sanitize/mutation_campaign.py, skipped without ../shared/media), from ONE clang build (build-sanitize): the library carries libFuzzer's coverage
# hooks, which the sanitizer runtime satisfies in the CLI and the test suites.
#   tools/sanitize/run.sh [BUILD_DIR]      (FUZZ_SECONDS=30 per target; FUZZ_SECONDS=0 skips fuzzing;
#                                          MUTATION_SEED=N replays a campaign, MUTATION_COUNT=0 skips it)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-sanitize}
cd "$root"

compiler=$(command -v clang++)
# CMake resets a cache made with another compiler and drops the options below with it: start afresh.
if [[ -f $build/CMakeCache.txt ]] && ! grep -q "^CMAKE_CXX_COMPILER:[A-Z]*=$compiler\$" "$build/CMakeCache.txt"; then
  rm "$build/CMakeCache.txt"
fi
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# -O1 as the sanitizer manuals advise (fast enough to run, quicker to build than -O2); line tables are
# all a report's stack trace needs. What this pass does not run (the slow suites, the benches) is not
# built.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$compiler" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" -DPRESSREEL_FUZZ=ON \
  -DPRESSREEL_SLOW_SUITES=OFF -DPRESSREEL_TOOLS=OFF "${launcher[@]}" >/dev/null
start=$SECONDS
cmake --build "$build"
echo "sanitize: build took $((SECONDS - start)) s"

# ctest loads the sanitizer options itself (build-sanitize/sanitizer-env.cmake). Tests labelled
# `footage` (long checks on generated footage), `slow` (whole runs compared file by file, browser
# tests) and `static` (checks of the sources, which run no pressreel code) are left to the normal build.
start=$SECONDS
(cd "$build" && ctest --output-on-failure --parallel "$(nproc)" --timeout 900 -LE 'footage|slow|static')
echo "sanitize: ctest took $((SECONDS - start)) s"

# Hostile variants of real clips: the campaign prints its seed, so a failure can be replayed. CI uses a
# fixed seed, so that main stays green or red for a reason; MUTATION_SEED=random explores new ones.
if [[ ${MUTATION_COUNT:-208} != 0 ]]; then
  start=$SECONDS
  seed=${MUTATION_SEED:-20261202}
  [[ $seed == random ]] && seed=
  (source "$build/sanitizer-env.sh" && python3 tools/sanitize/mutation_campaign.py --pressreel "$build/pressreel" --no-isolation \
    --count "${MUTATION_COUNT:-208}" ${seed:+--seed "$seed"})
  echo "sanitize: mutation campaign took $((SECONDS - start)) s"
fi

bash tools/sanitize/fuzz.sh "$build" "${FUZZ_SECONDS:-30}"
