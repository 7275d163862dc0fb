#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL cluster: initialises it in a
# temporary directory, starts it on a free local port, exports
# EASYSALE_TEST_PG_URL (postgres://…) for the tests, runs the command and
# stops and removes the cluster afterwards, also when the command fails.
set -euo pipefail
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [[ -z "$PG_BIN" ]]; then
  echo "with-postgres: PostgreSQL server binaries not found; run scripts/setup.sh" >&2
  exit 1
fi
DIR=$(mktemp -d /tmp/easysale-pg.XXXXXX)
RUN_AS=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres "$DIR" 2>/dev/null || true
  RUN_AS=(runuser -u postgres --)
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$DIR/data" -U easysale --auth=trust -E UTF8 >/dev/null
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
"${RUN_AS[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U easysale easysale_test
export EASYSALE_TEST_PG_URL="postgres://easysale@127.0.0.1:$PORT/easysale_test"
echo "with-postgres: PostgreSQL on 127.0.0.1:$PORT"
"$@"
