#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the build tree into a scratch prefix, then builds a consumer with find_package and
# another with pkg-config, and runs both. Usage: check_install.sh BUILD_DIR SOURCE_DIR WORK_DIR
set -euo pipefail
build=$1 source=$2 work=$3
flags="${4:-}"
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$source/tests/install/consumer" -B "$work/consumer" -G Ninja \
    -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$work/consumer" >/dev/null
LD_LIBRARY_PATH="$work/prefix/lib" "$work/consumer/consumer" | tee "$work/cmake.out"
grep -q "320x240" "$work/cmake.out"

export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
# shellcheck disable=SC2046
c++ -o "$work/pkgconfig-consumer" "$source/tests/install/consumer/main.cpp" \
    $(pkg-config --cflags --libs usermedia) $flags
LD_LIBRARY_PATH="$work/prefix/lib" "$work/pkgconfig-consumer" | tee "$work/pc.out"
grep -q "320x240" "$work/pc.out"
