#!/usr/bin/env bash
# Builds the .deb, unpacks it into a throw-away root and starts the systemd
# unit's ExecStart from there (paths rewritten into the root, secrets from the
# packaged environment file filled with test values, port 0 on loopback).
# Checks: the files are where the unit expects them, the secrets file is
# 0600, the server answers /health, and it stops cleanly on SIGTERM.
# Usage: package_test.sh <build dir> <source dir>
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/es_package_test.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for log in "$work/cpack.log" "$work/serve.log"; do
    if [ -s "$log" ]; then echo "--- $(basename "$log")" >&2; tail -40 "$log" >&2; fi
  done
  exit 1
}

# 1. The package.
(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || fail "cpack"
deb=$(ls "$work"/out/easysale-sync_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no .deb produced"
echo "package: $(basename "$deb")"
dpkg-deb --info "$deb" >"$work/info.txt"
grep -q '^ Package: easysale-sync' "$work/info.txt" || fail "control: package name"
grep -q '^ Depends:' "$work/info.txt" || fail "control: no Depends (shlibdeps)"
dpkg-deb --ctrl-tarfile "$deb" | tar -t | grep -q 'conffiles' || fail "no conffiles"
dpkg-deb --ctrl-tarfile "$deb" | tar -t | grep -q 'postinst' || fail "no postinst"

# 2. Unpacked into a throw-away root.
root="$work/root"
mkdir -p "$root"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/easysale-sync lib/systemd/system/easysale-sync.service etc/easysale-sync/config.json \
         etc/easysale-sync/easysale-sync.env usr/share/doc/easysale-sync/operations.md \
         usr/share/doc/easysale-sync/server.md usr/share/doc/easysale-sync/openapi.yaml; do
  [ -e "$root/$f" ] || [ -e "$root/usr/$f" ] || fail "missing /$f"
done
unit="$root/lib/systemd/system/easysale-sync.service"
[ -e "$unit" ] || unit="$root/usr/lib/systemd/system/easysale-sync.service"
mode=$(dpkg-deb -c "$deb" | awk '$6 ~ /easysale-sync.env$/ {print $1}')
[ "$mode" = "-rw-------" ] || fail "secrets file mode is $mode, expected -rw-------"
for opt in NoNewPrivileges=yes ProtectSystem=strict DynamicUser=yes \
           EnvironmentFile=/etc/easysale-sync/easysale-sync.env StateDirectory=easysale-sync; do
  grep -qx "$opt" "$unit" || fail "unit lacks $opt"
done

# 3. The unit's command line, run from the root.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ -n "$exec_start" ] || fail "no ExecStart"
state="$root/var/lib/easysale-sync"
mkdir -p "$state"
cmd=${exec_start//\/usr\/bin\//$root\/usr\/bin\/}
cmd=${cmd//\/etc\/easysale-sync\//$root\/etc\/easysale-sync\/}
cmd=${cmd//\/var\/lib\/easysale-sync/$state}
# Test values for the packaged secrets file; port 0 so the test never collides.
sed -i -e 's/^EASYSALE_MASTER_KEY=$/EASYSALE_MASTER_KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff/' \
       -e 's/^EASYSALE_JWT_SECRET=$/EASYSALE_JWT_SECRET=package-test-secret-0123456789abcdef0123/' \
       "$root/etc/easysale-sync/easysale-sync.env"
sed -i 's/"port": 8080/"port": 0/' "$root/etc/easysale-sync/config.json"
echo "starting: $cmd"
(
  set -a
  # shellcheck disable=SC1091
  . "$root/etc/easysale-sync/easysale-sync.env"
  set +a
  exec $cmd
) >"$work/serve.log" 2>&1 &
server_pid=$!
url=
for _ in $(seq 1 300); do  # up to 30 s: the machine may be busy
  url=$(sed -n 's/^easysale-sync serving on \(http:[^ ]*\).*/\1/p' "$work/serve.log" | head -1)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "server exited"
  sleep 0.1
done
[ -n "$url" ] || fail "server did not report its address"
case "$url" in http://127.0.0.1:*) ;; *) fail "server is not on loopback: $url" ;; esac
health=$(curl -sS --max-time 15 "$url/health") || fail "GET /health failed"
echo "health: $health"
echo "$health" | grep -q '"status":"ok"' || fail "health is not ok"
[ -f "$state/state.db" ] || fail "no state store in the state directory"
kill -TERM "$server_pid"
for _ in $(seq 1 300); do
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$server_pid" 2>/dev/null; then fail "server did not stop on SIGTERM"; fi
wait "$server_pid" && rc=0 || rc=$?
server_pid=
[ "$rc" -eq 0 ] || fail "server exited with $rc"
echo "PASS"
