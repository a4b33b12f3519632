#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job: build usermedia and capture 5 s of camera + microphone from the built-in fake
# devices to capture.y4m and capture.wav, printing what was captured.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target usermedia_cli
build/release/tools/usermedia/usermedia capture --fake --allow --duration 5 --output capture "$@"
