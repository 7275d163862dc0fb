#!/usr/bin/env bash
# The job queue at full scale: PostgreSQL, three `easysale-sync worker`
# processes, 20 tenants × 500 orders (each tenant its own WooCommerce store
# and QBO realm), one worker killed with SIGKILL mid-way. It is the
# integration test CliScale (tests/integration/cli_scale_test.cpp) at the
# size of the issue instead of ctest's 20 × 50; its last line is the figures
# as JSON ("[ scale ] {...}"). Results: docs/BENCHMARKS.md.
#
#   bench/jobs_scale.sh [--tenants 20] [--orders 500] [--products 30] [--build build]
# (ES_SCALE_BINARY=path runs another copy of integration_test.)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TENANTS=20
ORDERS=500
PRODUCTS=30
BUILD="$ROOT/build"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tenants) TENANTS="$2"; shift 2 ;;
    --orders) ORDERS="$2"; shift 2 ;;
    --products) PRODUCTS="$2"; shift 2 ;;
    --build) BUILD="$2"; shift 2 ;;
    *) echo "usage: $0 [--tenants N] [--orders N] [--products N] [--build DIR]" >&2; exit 2 ;;
  esac
done
if [[ ! -x "${ES_SCALE_BINARY:-$BUILD/integration_test}" ]]; then
  echo "jobs_scale: $BUILD/integration_test not built (ninja -C $BUILD integration_test)" >&2
  exit 1
fi
export ES_SCALE_TENANTS="$TENANTS" ES_SCALE_ORDERS="$ORDERS" ES_SCALE_PRODUCTS="$PRODUCTS"
start=$(date +%s)
"$ROOT/scripts/with-postgres.sh" "${ES_SCALE_BINARY:-$BUILD/integration_test}" --gtest_filter='CliScale.*'
echo "jobs_scale: ${TENANTS} tenants x ${ORDERS} orders, $(( $(date +%s) - start )) s wall including set-up"
