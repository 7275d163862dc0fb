#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite: unit, property and
# integration tests (ctest) and the conformance tests that drive the
# sandboxes with the platforms' official client libraries (npm).
#   scripts/test.sh            normal build in build/
#   scripts/test.sh --asan     AddressSanitizer + UBSan build in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-node-tests
if [[ "${1:-}" == "--asan" ]]; then
  export BUILD_DIR=build-asan
  # -O1 keeps the sanitized build and its tests quick; assertions stay on.
  scripts/build.sh -DES_SANITIZE=ON -DES_BUILD_BENCH=OFF "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
else
  export BUILD_DIR=build
  scripts/build.sh
fi
scripts/with-postgres.sh ctest --test-dir "$BUILD_DIR" --output-on-failure -j 2 --timeout 900
