#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds and runs every test: the dev preset (Debug), then the ASan + UBSan preset (CI).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
for preset in dev ci; do
    echo "== usermedia: workflow preset '$preset' =="
    cmake --workflow --preset "$preset"
done
