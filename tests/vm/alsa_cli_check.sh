#!/bin/sh
# SPDX-License-Identifier: MIT
# Inside the VM with snd-aloop and snd-dummy: `usermedia devices` lists their capture PCMs, and
# `usermedia capture --audio` records a WAV of the right length from the first one.
set -e
um=$1
out=$("$um" devices --allow)
echo "$out"
test "$(echo "$out" | grep -c '^audioinput *Loopback: Loopback PCM (device [01])')" -eq 2
test "$(echo "$out" | grep -c '^audioinput *Dummy: ')" -ge 1
"$um" capture --allow --constraints '{"audio": {"echoCancellation": false}}' --duration 1 \
    --output /tmp/alsa
file=$(ls /tmp/alsa*.wav | head -1)
test "$(head -c 4 "$file")" = RIFF
size=$(wc -c < "$file")
echo "bytes: $size"
# 1 s of 48 kHz stereo 16-bit is 192000 bytes; allow for the chunks still in flight at the end.
test "$size" -gt 150000
echo "alsa_cli_check: ok"
