#!/bin/bash
# mkinitrd.sh KROOT KVER BUSYBOX BINDIR INIT OUT MODULE...
# A small initramfs: static busybox, the test binaries of BINDIR, INIT as
# /init and the listed kernel modules with their dependencies (in load
# order, decompressed) taken from the extracted kernel package KROOT.
# MKINITRD_TREE, if set, is a directory copied over the result's root.
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
        case $name in
            *.ko.xz) xz -dc "$ko" > "$w/lib/modules/${name%.xz}"; name=${name%.xz} ;;
            *.ko.zst) zstd -qdc "$ko" > "$w/lib/modules/${name%.zst}"; name=${name%.zst} ;;
            *) cp "$ko" "$w/lib/modules/$name" ;;
        esac
        echo "$name" >> "$w/modules.order"
    done
(cd "$w" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
