#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages usermedia needs to build, test and run. Idempotent: it only
# calls apt-get when a package is missing, and is quiet when everything is there.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config
    nlohmann-json3-dev libcli11-dev libyuv-dev libjpeg62-turbo-dev
    libgtest-dev libgmock-dev libbenchmark-dev
    ffmpeg clang-format
    clang libclang-rt-14-dev
    libpulse-dev pulseaudio pulseaudio-utils
    libasound2-dev alsa-utils libspeexdsp-dev libwebrtc-audio-processing-dev
    qemu-system-x86 linux-image-amd64 busybox-static kmod cpio v4l-utils
    libswscale-dev libavutil-dev
    gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "usermedia: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
