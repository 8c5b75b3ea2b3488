#!/bin/bash
# rootfs.sh CACHE: a Debian ppc64el tree (extracted, no maintainer scripts)
# with QEMU 10 and the libraries tcevirt links against; used as the sysroot
# for cross-building tcevirt and, over 9p, as the root tcevirt and QEMU run
# from inside the lab's POWER9.  Cached; prints its path.
set -euo pipefail
cache=$1
pkgs="qemu-system-ppc/bookworm-backports,qemu-system-data/bookworm-backports"
pkgs="$pkgs,qemu-system-common/bookworm-backports,libglib2.0-dev,libxml2-dev"
pkgs="$pkgs,libjson-glib-dev,libseccomp-dev,busybox"
# stock virsh 11.3, the client make demo drives tcevirtd with
pkgs="$pkgs,libvirt-clients/bookworm-backports,libvirt0/bookworm-backports"
# drmgr (and its libraries) for the L2 guest's PCI/PHB hotplug
pkgs="$pkgs,powerpc-ibm-utils"
stamp=$(echo "$pkgs" | md5sum | cut -c1-8)
root="$cache/rootfs-ppc64el-$stamp"
if [ ! -f "$root/.complete" ]; then
    rm -rf "$root"
    echo "lab: building the ppc64el tree $root (mmdebstrap, ~20 s)" >&2
    mmdebstrap --quiet --variant=extract --arch=ppc64el --include="$pkgs" \
        bookworm "$root" \
        "deb http://deb.debian.org/debian bookworm main" \
        "deb http://deb.debian.org/debian bookworm-backports main" >&2
    touch "$root/.complete"
fi
# Accounts (an extract-only tree runs no maintainer scripts, so it has no
# /etc/passwd): root, and the unprivileged system user tcevirt runs QEMU as
# by default (what `useradd --system tcevirt-qemu` gives on a real host).
# Outside the cached step so that trees built before it get them too.
if ! grep -qs '^tcevirt-qemu:' "$root/etc/passwd"; then
    printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
        'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' \
        'tcevirt-qemu:x:990:990:tcevirt QEMU:/nonexistent:/usr/sbin/nologin' \
        > "$root/etc/passwd"
    printf '%s\n' 'root:x:0:' 'kvm:x:991:' 'nogroup:x:65534:' 'tcevirt-qemu:x:990:' \
        > "$root/etc/group"
fi
echo "$root"
