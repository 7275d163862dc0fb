#!/usr/bin/env bash
# Configures and builds into build/ (or $BUILD_DIR). Extra arguments go to cmake.
#   scripts/build.sh                 release build with line-table debug info
#   BUILD_DIR=build-asan scripts/build.sh -DES_SANITIZE=ON
# ccache is keyed on paths relative to the checkout, so clones and build
# directories on the same machine share compiled objects that do not use the
# precompiled header (-DES_PCH=OFF shares everything: see cmake/modules.cmake).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" "$@" >/dev/null
ninja -C "$BUILD_DIR" -j "$JOBS"
