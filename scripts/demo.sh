#!/usr/bin/env bash
# Sets up, builds and runs the demo: sandboxes + full sync + summary +
# status page. Arguments go to `easysale-sync demo` (e.g. --once --json).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ES_BUILD_TESTS=OFF scripts/build.sh -DES_BUILD_TESTS=OFF -DES_BUILD_BENCH=OFF
exec build/easysale-sync demo "$@"
