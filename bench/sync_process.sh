#!/usr/bin/env bash
# Whole-process cost of a sync: starts a WooCommerce sandbox store of N orders
# and a QBO sandbox with its throttling off, each in its own process, then
# runs the real `easysale-sync sync` against them under /usr/bin/time and
# prints the sync process's CPU (user + sys) per order, wall time and peak RSS.
#
#   bench/sync_process.sh [--orders N] [--customers N] [--dry-run] [--incremental]
#                         [--bin build/easysale-sync]
#
# --incremental runs a full sync first (not measured), then measures an
# incremental run over the unchanged store. Prints one JSON line.
set -euo pipefail
cd "$(dirname "$0")/.."

ORDERS=5000
CUSTOMERS=""
BIN=build/easysale-sync
DRY=""
INCREMENTAL=0
while (($#)); do
  case "$1" in
    --orders) ORDERS=$2; shift 2 ;;
    --customers) CUSTOMERS=$2; shift 2 ;;
    --bin) BIN=$2; shift 2 ;;
    --dry-run) DRY="--dry-run"; shift ;;
    --incremental) INCREMENTAL=1; shift ;;
    *) echo "sync_process: unknown option $1" >&2; exit 2 ;;
  esac
done
CUSTOMERS=${CUSTOMERS:-$((ORDERS / 6 + 1))}

WORK=$(mktemp -d /tmp/es-sync-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN" sandbox woo --port 0 --orders "$ORDERS" --customers "$CUSTOMERS" >"$WORK/woo.out" 2>"$WORK/woo.err" &
PIDS+=($!)
"$BIN" sandbox qbo --port 0 --no-throttle >"$WORK/qbo.out" 2>"$WORK/qbo.err" &
PIDS+=($!)
field() { sed -n "s/^$2=//p" "$1" | head -1; }
for _ in $(seq 1 600); do
  if grep -q '^orders=' "$WORK/woo.out" 2>/dev/null && grep -q '^refresh_token=' "$WORK/qbo.out" 2>/dev/null; then break; fi
  sleep 0.5
done
WOO_URL=$(sed -n 's/^listening on //p' "$WORK/woo.out")
QBO_URL=$(sed -n 's/^listening on //p' "$WORK/qbo.out")
[[ -n $WOO_URL && -n $QBO_URL ]] || { echo "sync_process: the sandboxes did not start" >&2; cat "$WORK"/*.err >&2; exit 1; }

STORE="--store sqlite://$WORK/state.db --tenant bench"
export EASYSALE_MASTER_KEY=${EASYSALE_MASTER_KEY:-$(openssl rand -hex 32)}
export EASYSALE_YES=1  # the measured sync runs unattended (docs/confirmations.md)
"$BIN" tenant add bench --store "sqlite://$WORK/state.db" >/dev/null
"$BIN" connection add $STORE --id woo --kind woo \
  --config "{\"base_url\":\"$WOO_URL\"}" \
  --secret "{\"consumer_key\":\"$(field "$WORK/woo.out" consumer_key)\",\"consumer_secret\":\"$(field "$WORK/woo.out" consumer_secret)\"}" >/dev/null
"$BIN" connection add $STORE --id qbo --kind qbo \
  --config "{\"api_base\":\"$QBO_URL\",\"token_url\":\"$(field "$WORK/qbo.out" token_url)\",\"realm_id\":\"$(field "$WORK/qbo.out" realm_id)\",\"client_id\":\"$(field "$WORK/qbo.out" client_id)\"}" \
  --secret "{\"client_secret\":\"$(field "$WORK/qbo.out" client_secret)\",\"access_token\":\"$(field "$WORK/qbo.out" access_token)\",\"refresh_token\":\"$(field "$WORK/qbo.out" refresh_token)\",\"access_expires_at_ms\":0}" >/dev/null

MODE=full
if ((INCREMENTAL)); then
  "$BIN" sync $STORE --json >"$WORK/first.json"
  MODE=incremental
fi
/usr/bin/time -f '%U %S %e %M' -o "$WORK/time" "$BIN" sync $STORE --mode "$MODE" $DRY --json >"$WORK/run.json" || {
  echo "sync_process: the sync failed" >&2; cat "$WORK/run.json" >&2; exit 1; }
read -r USER_S SYS_S WALL_S RSS_KB <"$WORK/time"
REQUESTS=$(grep -o '"source_requests":[0-9]*' "$WORK/run.json" | head -1 | cut -d: -f2 || true)
awk -v u="$USER_S" -v s="$SYS_S" -v w="$WALL_S" -v r="$RSS_KB" -v n="$ORDERS" -v m="$MODE${DRY:+ dry-run}" -v q="${REQUESTS:-null}" \
  'BEGIN { printf "{\"orders\":%d,\"mode\":\"%s\",\"cpu_s\":%.2f,\"cpu_us_per_order\":%.0f,\"wall_s\":%.2f,\"peak_rss_mb\":%.1f,\"source_requests\":%s}\n", n, m, u + s, (u + s) * 1e6 / n, w, r / 1024, q }'
