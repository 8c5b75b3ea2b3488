#!/bin/bash
# Installs the Debian packages tcevirt needs for a job, only if missing.
#   scripts/install-deps.sh check   build + tests (make check)
#   scripts/install-deps.sh demo    build + what `make demo` runs: the
#                                   fake host and the lab (as for `lab`)
#   scripts/install-deps.sh fuzz    clang and libFuzzer (make fuzz)
#   scripts/install-deps.sh bench   libvirtd 11.3, which bench/rpc.py
#                                   measures tcevirtd against (make bench)
#   scripts/install-deps.sh lab     cross compiler and tools for kernel/lab;
#                                   enables the ppc64el architecture so apt
#                                   can fetch Debian's ppc64le kernels
#   scripts/install-deps.sh kernel-fix  the lab's, plus what building kvm.ko
#                                   out of tree and checkpatch.pl need
# QEMU 10 comes from bookworm-backports on Debian 12 (bookworm).
set -euo pipefail

job=${1:-check}
# Each list names what uses it.  Derived from what the jobs really run
# (QEMU's ROM files: strace of the golden start test and of the lab's
# powernv9 boot, every file QEMU opened under /usr/share/qemu,
# /usr/lib/ipxe and /usr/share/seabios, mapped with dpkg -S):
#   slof.bin, vof.bin, skiboot.lid, keymaps  qemu-system-data (a Depends)
#   efi-virtio.rom, efi-e1000.rom            ipxe-qemu (golden start test)
#   efi-e1000e.rom                           ipxe-qemu (the lab's e1000e)
#   vgabios-stdvga.bin                       seabios (golden start test)
# QEMU only Recommends ipxe-qemu and seabios; we install with
# --no-install-recommends, so they are named here.
base=(meson ninja-build pkg-config gcc libc6-dev libglib2.0-dev libxml2-dev
      libjson-glib-dev libseccomp-dev
      libxml2-utils           # xmllint: schema checks in tests
      python3                 # test summary, QMP drivers in shell tests
      qemu-utils              # qemu-img: qcow2 images of the start test
      procps                  # pgrep/ps/pkill: lifecycle tests, bench
      ipxe-qemu seabios       # QEMU's option ROMs (above)
      python3-libvirt)        # the client tcevirtd is tested with (Nova's)
# from bookworm-backports: QEMU >= 10.0, libvirt's schemas, and virsh 11.3
# with virt-xml-validate (tcevirtd's client tests)
newer=(qemu-system-ppc libvirt-common libvirt-clients)
case $job in
    check|bench) extra=() ;;
    fuzz) extra=(clang libclang-rt-14-dev) ;;
    # cross compiler, kernel module index, initramfs, Debian ppc64el tree
    lab|demo) extra=(gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross kmod
                     xz-utils cpio mmdebstrap) ;;
    # the lab's, + make, the libraries of linux-kbuild's tools (objtool,
    # modpost: extracted, not installed, so apt does not bring them), git
    # for the source tree, perl for checkpatch.pl
    kernel-fix) extra=(gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross kmod
                       xz-utils cpio mmdebstrap make libelf1 libssl3 zlib1g
                       git perl) ;;
    *) echo "usage: $0 check|demo|fuzz|lab|kernel-fix|bench" >&2; exit 2 ;;
esac

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}
qemu_ok() {
    installed qemu-system-ppc &&
    dpkg --compare-versions "$(dpkg-query -W -f='${Version}' qemu-system-ppc)" ge 1:10.0
}

missing=()
for p in "${base[@]}" "${extra[@]}"; do installed "$p" || missing+=("$p"); done
missing_new=()
qemu_ok || missing_new+=(qemu-system-ppc)
installed libvirt-common || missing_new+=(libvirt-common)
installed libvirt-clients || missing_new+=(libvirt-clients)
if [ "$job" = bench ]; then
    for p in libvirt-daemon-system libvirt-daemon-driver-qemu; do
        installed $p || missing_new+=($p)
    done
fi
need_arch=0
if { [ "$job" = lab ] || [ "$job" = demo ] || [ "$job" = kernel-fix ]; } && ! dpkg --print-foreign-architectures | grep -qx ppc64el; then
    need_arch=1
fi
# the lab fetches ppc64el kernels: the apt lists must have that architecture
need_lists=0
if { [ "$job" = lab ] || [ "$job" = demo ] || [ "$job" = kernel-fix ]; } && [ $need_arch = 0 ] &&
   ! apt-cache show busybox-static:ppc64el >/dev/null 2>&1; then
    need_lists=1
fi
if [ ${#missing[@]} -eq 0 ] && [ ${#missing_new[@]} -eq 0 ] && [ $need_arch = 0 ] &&
   [ $need_lists = 0 ]; then
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    echo "error: missing Debian packages: ${missing[*]} ${missing_new[*]}" >&2
    echo "Run 'make ${job/kernel-fix/lab-kernel-fix}' as root, or install them yourself." >&2
    exit 1
fi

. /etc/os-release
target=()
if [ "${VERSION_CODENAME:-}" = bookworm ]; then
    list=/etc/apt/sources.list.d/tcevirt-bookworm-backports.list
    if ! grep -rqs '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        echo "deb http://deb.debian.org/debian bookworm-backports main" > "$list"
    fi
    target=(-t bookworm-backports)
fi

export DEBIAN_FRONTEND=noninteractive
apt="apt-get -q -o DPkg::Lock::Timeout=600"
if [ ${#missing[@]} -gt 0 ] || [ ${#missing_new[@]} -gt 0 ]; then
    echo "Installing Debian packages: ${missing[*]} ${missing_new[*]}"
    # an unrelated third-party repository that cannot be reached must not stop us
    $apt update >/dev/null || echo "warning: apt-get update reported errors; trying the install anyway" >&2
    if [ ${#missing[@]} -gt 0 ]; then
        $apt install -y --no-install-recommends "${missing[@]}" >/dev/null
    fi
    if [ ${#missing_new[@]} -gt 0 ]; then
        $apt install -y --no-install-recommends "${target[@]}" "${missing_new[@]}" >/dev/null
    fi
    qemu_ok || { echo "error: qemu-system-ppc >= 10.0 could not be installed" >&2; exit 1; }
fi
# The lab's ppc64el packages come after the host's own: when one ppc64el
# index of a suite fails to download (an archive mid-sync), apt drops
# that whole suite's lists, and on a fresh machine that made the host's
# own packages unresolvable (libpcre2-dev against an installed
# libpcre2-8-0 from bookworm-security).  Lists fetched before stay.
if [ $need_arch = 1 ]; then
    echo "Adding the ppc64el architecture to dpkg (for the lab's kernel packages)"
    dpkg --add-architecture ppc64el
fi
if [ $need_arch = 1 ] || [ $need_lists = 1 ]; then
    $apt update >/dev/null || echo "warning: apt-get update reported errors (the lab needs only bookworm and bookworm-backports for ppc64el)" >&2
fi
