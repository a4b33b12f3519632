#!/bin/sh
# SPDX-License-Identifier: MIT
# Inside the vivid VM: `usermedia devices` lists the vivid cameras, `devices --modes` and
# `probe --explain` show their modes, and `usermedia capture` from one writes a correct Y4M
# (header, frame count, frame size).
set -e
um=$1
out=$("$um" devices --allow)
echo "$out"
test "$(echo "$out" | grep -c '^videoinput *vivid')" -eq 2
# vivid offers YUYV at 320x180 among many modes; each mode is an indented line.
modes=$("$um" devices --allow --modes)
echo "$modes" | head -12
echo "$modes" | grep -q '^ *320x180 yuyv @ '
test "$(echo "$modes" | grep -c '^ ')" -gt 20
explain=$("$um" probe --allow --explain --video 320x180)
echo "$explain" | head -20
echo "$explain" | grep -qi 'yuyv'
"$um" capture --allow --video 320x180 --frames 10 --output /tmp/vivid
file=$(ls /tmp/vivid*.y4m | head -1)
header=$(head -c 200 "$file" | head -n 1)
echo "header: $header"
echo "$header" | grep -q '^YUV4MPEG2 W320 H180 '
size=$(wc -c < "$file")
headerbytes=$((${#header} + 1))
framebytes=$((6 + 320 * 180 * 3 / 2))
frames=$(((size - headerbytes) / framebytes))
echo "bytes: $size, frames: $frames"
test $((headerbytes + frames * framebytes)) -eq "$size"
test "$frames" -ge 10
# Every frame starts with its FRAME line.
i=0
while [ $i -lt "$frames" ]; do
    tag=$(dd if="$file" bs=1 skip=$((headerbytes + i * framebytes)) count=5 2>/dev/null)
    test "$tag" = FRAME
    i=$((i + 1))
done
echo "cli_check: ok"
