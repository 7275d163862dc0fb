#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite: unit, property and
# integration tests (ctest) and the conformance tests that drive the
# sandboxes with the platforms' official client libraries (npm).
#   scripts/test.sh            normal build in build/
#   scripts/test.sh --asan     AddressSanitizer + UBSan build in build-asan/
# Every build option that decides what is built is passed explicitly, so a
# build directory configured differently before (scripts/demo.sh turns the
# tests off) cannot make this run fewer tests; ctest fails when it finds none.
# The tests run with a throw-away PostgreSQL server (scripts/with-postgres.sh)
# and ES_REQUIRE_POSTGRES=1: the PostgreSQL suites fail, instead of skipping,
# when the server is missing (ES_REQUIRE_POSTGRES=0 allows the skips).
# ES_PCH (ON) is passed through to the build (OFF: see scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-node-tests
OPTIONS=(-DES_BUILD_TESTS=ON -DES_BUILD_FUZZ=OFF -DES_WERROR=ON "-DES_PCH=${ES_PCH:-ON}")
if [[ "${1:-}" == "--asan" ]]; then
  export BUILD_DIR=build-asan
  # -O1 keeps the sanitized build and its tests quick; assertions stay on.
  scripts/build.sh "${OPTIONS[@]}" -DES_SANITIZE=ON -DES_BUILD_BENCH=OFF "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  # In the normal build only: the tests that time real processes being
  # signalled and killed (minutes of waiting, little code of their own), and
  # the browser and npm-client tests (their server paths run sanitized in
  # server_integration_test).
  CTEST_EXCLUDE=(-E '^(integration_process_test|browser_test|conformance_test)$')
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
else
  CTEST_EXCLUDE=()
  export BUILD_DIR=build
  # The benchmarks have no tests; building them keeps them compiling.
  scripts/build.sh "${OPTIONS[@]}" -DES_SANITIZE=OFF -DES_BUILD_BENCH=ON
fi
export ES_REQUIRE_POSTGRES=${ES_REQUIRE_POSTGRES:-1}
scripts/with-postgres.sh ctest --test-dir "$BUILD_DIR" "${CTEST_EXCLUDE[@]}" --output-on-failure --no-tests=error -j 2 --timeout 900
