#!/usr/bin/env bash
# Sets up, builds and runs the demo: sandboxes + full sync + summary +
# status page. Arguments go to `easysale-sync demo` (e.g. --once --json).
# Set-up and build output go to stderr, so stdout carries only what the demo
# prints (with --once --json: one JSON object). The build options are all
# given: the demo needs the binary only (no tests, benchmarks or fuzzers).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >&2
scripts/build.sh -DES_BUILD_TESTS=OFF -DES_BUILD_BENCH=OFF -DES_BUILD_FUZZ=OFF -DES_SANITIZE=OFF -DES_WERROR=ON \
  "-DES_PCH=${ES_PCH:-ON}" >&2
exec build/easysale-sync demo "$@"
