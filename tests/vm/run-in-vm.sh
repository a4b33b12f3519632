#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs tests inside a throw-away VM: Debian's kernel under qemu (TCG) with an initramfs holding
# busybox, the requested kernel modules with their dependencies, and the given programs with
# every shared library they load, at the same paths as on the host. Each test is a shell command
# run inside; its result comes back on the serial console as one line, then an end marker.
#
#   run-in-vm.sh [--module 'NAME[ PARAM=VALUE...]']... [--binary PATH]... [--file PATH]...
#                [--test NAME=COMMAND]... [--timeout SECONDS] [--memory MB] [--keep DIR]
#
# --file copies a file or a whole directory (e.g. /usr/share/alsa for alsa-lib's configuration).
# A test passes with exit status 0, is skipped with 77, fails otherwise. Exit status: 0 when
# every test passed (or was skipped), 1 when one failed or the end marker is missing (a crash,
# a hang), 77 when qemu or the kernel is missing (CTest's SKIP_RETURN_CODE).
# Inside, tests see PATH=/bin:/usr/bin:/sbin, HOME=/tmp, XDG_CONFIG_HOME=/tmp/config and
# UMVM_MODULE_<name>="insmod command of the module" (to unload and reload it).
set -euo pipefail

modules=()
binaries=()
files=()
tests=()
timeout=600
memory=1024
keep=""

while [[ $# -gt 0 ]]; do
    case "$1" in
    --module) modules+=("$2"); shift 2 ;;
    --binary) binaries+=("$2"); shift 2 ;;
    --file) files+=("$2"); shift 2 ;;
    --test) tests+=("$2"); shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --memory) memory="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    *) echo "run-in-vm.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

qemu=$(command -v qemu-system-x86_64 || true)
busybox=$(command -v busybox || ls /bin/busybox 2>/dev/null || true)
if [[ -z "$qemu" ]]; then
    echo "SKIP: qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
    exit 77
fi
# The newest kernel that has both an image and its modules; never a hard-coded version.
version=""
for dir in $(ls -1 /lib/modules 2>/dev/null | sort -V -r); do
    if [[ -r /boot/vmlinuz-$dir && -d /lib/modules/$dir/kernel ]]; then
        version=$dir
        break
    fi
done
if [[ -z "$version" ]]; then
    echo "SKIP: no readable /boot/vmlinuz-<version> with /lib/modules/<version> (apt-get install linux-image-amd64)"
    exit 77
fi
# The initramfs has no libraries for busybox itself: it must be the static build.
if [[ -z "$busybox" ]] || ldd "$busybox" >/dev/null 2>&1; then
    busybox=/bin/busybox
fi
if [[ ! -x "$busybox" ]] || ldd "$busybox" >/dev/null 2>&1; then
    echo "SKIP: busybox (static) is not installed (apt-get install busybox-static)"
    exit 77
fi

work=$(mktemp -d /tmp/um-vm.XXXXXX)
cleanup() {
    if [[ -n "$keep" ]]; then
        mkdir -p "$keep" && cp -a "$work"/. "$keep"/
    fi
    rm -rf "$work"
}
trap cleanup EXIT
root=$work/root
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc,lib,lib64,run}
cp "$busybox" "$root/bin/busybox"
# Users and groups as on Debian. alsa-lib's dmix/dsnoop configuration names the group "audio";
# without it alsa-lib fails that lookup and leaks the name (1.2.8), which LeakSanitizer reports.
printf 'root:x:0:0:root:/tmp:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\naudio:x:29:\nvideo:x:44:\n' > "$root/etc/group"

# A file at the same path inside, debug sections stripped (smaller, faster to pack and boot).
copy_same_path() {
    local source=$1
    local target=$root$source
    [[ -e "$target" ]] && return 0
    mkdir -p "$(dirname "$target")"
    if [[ -d "$source" ]]; then
        # A directory (e.g. /usr/share/alsa, which alsa-lib reads): all of it, links followed.
        cp -rL "$source" "$target" 2>/dev/null || true # dangling links are left out
        return 0
    fi
    # Links (ld.so, sonames) become plain copies: their targets' paths may differ inside, where
    # /lib is not a link to /usr/lib.
    if [[ "$(head -c 4 "$source" | tr -d '\0')" == $'\x7fELF' ]]; then
        objcopy --strip-debug "$source" "$target" 2>/dev/null || cp "$source" "$target"
    else
        cp -L "$source" "$target"
    fi
}

copy_with_libraries() {
    local binary
    binary=$(readlink -f "$1")
    copy_same_path "$binary"
    [[ "$1" != "$binary" ]] && copy_same_path "$1"
    # "libfoo.so.1 => /path (addr)" and "/lib64/ld-linux-x86-64.so.2 (addr)".
    local lib
    for lib in $(ldd "$binary" 2>/dev/null | awk '/=>/ { print $3 } !/=>/ { print $1 }' | grep '^/' || true); do
        copy_same_path "$lib"
    done
}

for binary in "${binaries[@]}"; do
    copy_with_libraries "$binary"
done
for path in "${files[@]}"; do
    copy_same_path "$(readlink -f "$path")"
done

# Modules: their dependencies first, each loaded once; the named module with its parameters.
insmods=""
declare -A loaded=()
for spec in "${modules[@]}"; do
    name=${spec%% *}
    params=""
    [[ "$spec" == *" "* ]] && params=${spec#* }
    mapfile -t lines < <(modprobe -S "$version" --show-depends "$name" | awk '$1 == "insmod" { print $2 }')
    if [[ ${#lines[@]} -eq 0 ]]; then
        echo "run-in-vm.sh: kernel $version has no module $name" >&2
        exit 1
    fi
    for ko in "${lines[@]}"; do
        copy_same_path "$ko"
        if [[ "$ko" == "${lines[-1]}" ]]; then
            insmods+="insmod $ko $params || echo 'UMVM-MODULE-FAILED $name'"$'\n'
            insmods+="export UMVM_MODULE_${name//-/_}='insmod $ko $params'"$'\n'
        elif [[ -z "${loaded[$ko]:-}" ]]; then
            insmods+="insmod $ko"$'\n'
        fi
        loaded[$ko]=1
    done
done

{
    echo '#!/bin/busybox sh'
    echo '/bin/busybox --install -s /bin'
    echo 'export PATH=/bin:/usr/bin:/sbin:/usr/sbin HOME=/tmp XDG_CONFIG_HOME=/tmp/config'
    echo 'mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev'
    # /tmp stays the initramfs's own (writable) directory: binaries built under /tmp live there.
    echo 'mkdir -p /tmp/config /dev/shm; mount -t tmpfs tmpfs /dev/shm'
    echo 'ln -sf /proc/self/fd /dev/fd 2>/dev/null'
    echo 'echo 1 > /proc/sys/kernel/printk'
    printf '%s' "$insmods"
    echo 'echo UMVM-BOOTED'
    echo 'passed=0; failed=0; skipped=0'
    local_index=0
    for test in "${tests[@]}"; do
        name=${test%%=*}
        command=${test#*=}
        local_index=$((local_index + 1))
        # The command goes through a file so any quoting survives.
        printf '%s\n' "$command" > "$root/test-$local_index.sh"
        echo "echo 'UMVM-START $name'"
        echo "start=\$(cut -d' ' -f1 /proc/uptime)"
        echo "sh /test-$local_index.sh; status=\$?"
        echo "end=\$(cut -d' ' -f1 /proc/uptime)"
        echo "if [ \$status -eq 0 ]; then result=PASS; passed=\$((passed + 1));"
        echo "elif [ \$status -eq 77 ]; then result=SKIP; skipped=\$((skipped + 1));"
        echo "else result=FAIL; failed=\$((failed + 1)); fi"
        echo "echo \"UMVM-RESULT $name \$result status=\$status start=\$start end=\$end\""
    done
    echo 'echo "UMVM-END passed=$passed failed=$failed skipped=$skipped"'
    echo 'sync; poweroff -f'
} > "$root/init"
chmod +x "$root/init"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1 > "$work/initrd.gz")
echo "run-in-vm.sh: kernel $version, initramfs $(du -h "$work/initrd.gz" | cut -f1), ${#tests[@]} tests"

log=$work/console.log
started=$(date +%s)
set +e
timeout --foreground "$timeout" "$qemu" -accel tcg -m "$memory" -smp 1 -nographic -no-reboot \
    -kernel "/boot/vmlinuz-$version" -initrd "$work/initrd.gz" \
    -append "console=ttyS0 panic=-1 quiet loglevel=3" </dev/null 2>&1 | tee "$log"
qemu_status=${PIPESTATUS[0]}
set -e
echo "run-in-vm.sh: VM ran $(($(date +%s) - started)) s (qemu exit $qemu_status)"

# The console may carry \r; results are whole lines.
tr -d '\r' < "$log" > "$log.txt"
if ! grep -q '^UMVM-END ' "$log.txt"; then
    echo "run-in-vm.sh: FAILED: no end marker (the VM crashed, hung or timed out after ${timeout}s)"
    exit 1
fi
grep '^UMVM-RESULT ' "$log.txt" || true
if grep -q '^UMVM-MODULE-FAILED' "$log.txt"; then
    echo "run-in-vm.sh: FAILED: a module did not load"
    exit 1
fi
expected=${#tests[@]}
reported=$(grep -c '^UMVM-RESULT ' "$log.txt" || true)
if [[ "$reported" -ne "$expected" ]]; then
    echo "run-in-vm.sh: FAILED: $reported of $expected tests reported"
    exit 1
fi
if grep -q '^UMVM-RESULT .* FAIL ' "$log.txt"; then
    echo "run-in-vm.sh: FAILED: $(grep '^UMVM-END' "$log.txt")"
    exit 1
fi
echo "run-in-vm.sh: $(grep '^UMVM-END' "$log.txt")"
exit 0
