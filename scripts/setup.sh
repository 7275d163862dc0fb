#!/usr/bin/env bash
# Installs what EasySale Sync needs to build and test on Debian 12.
# Idempotent: packages already present are not reinstalled; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  nlohmann-json3-dev libsimdjson-dev libcpp-httplib-dev libcli11-dev libcurl4-openssl-dev libssl-dev
  libsqlite3-dev libpq-dev postgresql libhowardhinnant-date-dev libsodium-dev
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  python3-aiosmtpd
)
# Node.js and npm only for the conformance tests, and only when the machine
# has none (a Node.js installed outside Debian's packages is kept as it is).
# clang and its libFuzzer runtime only for the fuzz targets (scripts/fuzz.sh).
WITH_NODE=0
for arg in "$@"; do
  case "$arg" in
    --with-node-tests)
      WITH_NODE=1
      command -v node >/dev/null || PACKAGES+=(nodejs)
      command -v npm >/dev/null || PACKAGES+=(npm)
      PACKAGES+=(chromium)  # the dashboard's browser tests (tests/browser)
      ;;
    --with-fuzz) PACKAGES+=(clang libclang-rt-14-dev) ;;
    *) echo "setup: unknown option $arg (--with-node-tests, --with-fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || true
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: system packages present"
fi

if [[ $WITH_NODE == 1 && -f tests/conformance/package.json ]]; then
  echo "setup: npm packages for the conformance tests"
  (cd tests/conformance && if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund --silent; else npm install --no-audit --no-fund --silent; fi)
fi
if [[ $WITH_NODE == 1 && -f tests/browser/package.json ]]; then
  echo "setup: npm packages for the browser tests (puppeteer-core drives Debian's chromium; no browser download)"
  (cd tests/browser && export PUPPETEER_SKIP_DOWNLOAD=1 && if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund --silent; else npm install --no-audit --no-fund --silent; fi)
fi
