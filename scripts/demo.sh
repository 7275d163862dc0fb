#!/usr/bin/env bash
# Sets up, builds and runs the demo: sandboxes + full sync + summary +
# status page. Arguments go to `easysale-sync demo` (e.g. --once --json).
# Set-up and build output go to stderr, so stdout carries only what the demo
# prints (with --once --json: one JSON object, fit for `| python3 -m json.tool`).
# The build options are all given: the demo needs the binary only (no tests,
# benchmarks or fuzzers). BUILD_DIR (default build) is where it is built.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
{
  scripts/setup.sh
  if [[ ! -x "$BUILD_DIR/easysale-sync" ]]; then
    echo "demo: first build of easysale-sync in $BUILD_DIR: about ten minutes on two cores (later runs rebuild only what changed)"
  fi
  BUILD_DIR="$BUILD_DIR" scripts/build.sh -DES_BUILD_TESTS=OFF -DES_BUILD_BENCH=OFF -DES_BUILD_FUZZ=OFF \
    -DES_SANITIZE=OFF -DES_WERROR=ON "-DES_PCH=${ES_PCH:-ON}"
} >&2
exec "$BUILD_DIR/easysale-sync" demo "$@"
