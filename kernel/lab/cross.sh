#!/bin/bash
# cross.sh ROOTFS BUILDDIR: build tcevirt, tcevirtd and tcevirtd's start
# helper for ppc64le against the Debian ppc64el tree ROOTFS (made by
# rootfs.sh) as sysroot; prints the directory holding the three binaries.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
rootfs=$1 build=$2
mkdir -p "$build"
triplet=powerpc64le-linux-gnu
libdirs="$rootfs/usr/lib/$triplet:$rootfs/lib/$triplet"
cat > "$build.cross" <<CROSS
[binaries]
c = '$triplet-gcc'
strip = '$triplet-strip'
pkgconfig = 'pkg-config'

[properties]
sys_root = '$rootfs'
pkg_config_libdir = ['$rootfs/usr/lib/$triplet/pkgconfig', '$rootfs/usr/share/pkgconfig']

[built-in options]
c_args = ['--sysroot=$rootfs']
c_link_args = ['--sysroot=$rootfs', '-Wl,-rpath-link=$libdirs']

[host_machine]
system = 'linux'
cpu_family = 'ppc64'
cpu = 'ppc64le'
endian = 'little'
CROSS
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$top" --cross-file "$build.cross" \
        -Dqemu_tests=false -Dbuildtype=release -Db_ndebug=false >/dev/null
fi
# quiet unless it fails (make demo streams this script's caller)
if ! ninja -C "$build" tools/tcevirt tools/tcevirtd tools/tcevirt-start-helper \
        tests/hostileqemu \
        > "$build/ninja.log" 2>&1; then
    cat "$build/ninja.log" >&2
    exit 1
fi
echo "$build/tools"
