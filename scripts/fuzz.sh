#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang in build-fuzz/ and runs
# each for FUZZ_SECONDS (default 20) from the seeds in tests/fuzz/corpus/<target>/.
#   scripts/fuzz.sh                    all targets
#   scripts/fuzz.sh jwt_fuzz json_fuzz some of them
#   FUZZ_SECONDS=300 scripts/fuzz.sh   longer runs
# Environment: FUZZ_BUILD_DIR (build-fuzz), FUZZ_JOBS (2), FUZZ_ARGS (extra
# libFuzzer flags). New corpus entries go to <build dir>/corpus/<target>/ (the
# seeds in the repository are left alone); crashes to <build dir>/crashes/<target>/.
# Exits non-zero when a target crashes. Needs clang and libclang-rt-14-dev.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-20}
BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
JOBS=${FUZZ_JOBS:-2}
ALL_TARGETS=(json_fuzz jwt_fuzz woo_webhook_fuzz qbo_webhook_fuzz secret_box_fuzz woo_codec_fuzz woo_decode_diff_fuzz cron_fuzz mapping_fuzz qbo_encode_diff_fuzz)
if [[ $# -gt 0 ]]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found (apt-get install clang libclang-rt-14-dev)" >&2
  exit 1
fi

CC=clang CXX=clang++ cmake -S tests/fuzz -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$BUILD_DIR" -j "$JOBS" "${TARGETS[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
summary=()
for t in "${TARGETS[@]}"; do
  work="$BUILD_DIR/corpus/$t"
  crashes="$BUILD_DIR/crashes/$t"
  log="$BUILD_DIR/$t.log"
  mkdir -p "$work" "$crashes"
  if [[ -d tests/fuzz/corpus/$t ]]; then cp -n tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true; fi
  echo "== $t: ${FUZZ_SECONDS}s"
  # shellcheck disable=SC2086
  if "$BUILD_DIR/$t" "$work" -max_total_time="$FUZZ_SECONDS" -max_len=16384 -timeout=10 \
       -print_final_stats=1 -artifact_prefix="$crashes/" ${FUZZ_ARGS:-} >"$log" 2>&1; then
    status=ok
  else
    status=CRASH
    failed+=("$t")
    grep -E "ERROR|SUMMARY|abort|Test unit written" "$log" | head -20 || true
  fi
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  speed=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo "?")
  summary+=("$(printf '%-18s %-6s runs=%-10s exec/s=%-8s cov=%s' "$t" "$status" "$runs" "$speed" "$cov")")
done

echo
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz.sh: crashes in: ${failed[*]} (inputs in $BUILD_DIR/crashes/, logs in $BUILD_DIR/*.log)" >&2
  exit 1
fi
