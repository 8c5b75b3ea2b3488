#!/bin/bash
# mkinitrd.sh KROOT KVER BUSYBOX BINDIR INIT OUT MODULE...
# A small initramfs: static busybox, the test binaries of BINDIR, INIT as
# /init and the listed kernel modules with their dependencies (in load
# order, decompressed) taken from the extracted kernel package KROOT.
# MKINITRD_TREE, if set, is a directory copied over the result's root.
# MKINITRD_MODULES, if set, is a directory of .ko files that replace the
# package's modules of the same name (kernel/lab/kernel-fix.sh).
set -euo pipefail
kroot=$1 kver=$2 busybox=$3 bindir=$4 init=$5 out=$6
shift 6
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mkdir -p "$w"/{bin,sbin,dev,proc,sys,tmp,mnt,lib/modules}
cp "$busybox" "$w/bin/busybox"
for f in "$bindir"/*; do [ -e "$f" ] && cp "$f" "$w/bin/"; done
cp "$init" "$w/init"
[ -n "${MKINITRD_TREE:-}" ] && cp -a "$MKINITRD_TREE/." "$w/"
chmod 755 "$w/init"
: > "$w/modules.order"
modprobe -d "$kroot" -S "$kver" --show-depends -a "$@" |
    awk '$1 == "insmod" && !seen[$2]++ {print $2}' |
    while read -r ko; do
        name=$(basename "$ko")
        plain=${name%.xz}; plain=${plain%.zst}
        if [ -n "${MKINITRD_MODULES:-}" ] && [ -f "$MKINITRD_MODULES/$plain" ]; then
            cp "$MKINITRD_MODULES/$plain" "$w/lib/modules/$plain"
            echo "$plain" >> "$w/modules.order"
            continue
        fi
        case $name in
            *.ko.xz) xz -dc "$ko" > "$w/lib/modules/${name%.xz}"; name=${name%.xz} ;;
            *.ko.zst) zstd -qdc "$ko" > "$w/lib/modules/${name%.zst}"; name=${name%.zst} ;;
            *) cp "$ko" "$w/lib/modules/$name" ;;
        esac
        echo "$name" >> "$w/modules.order"
    done
(cd "$w" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
