#!/bin/sh
# test-model.sh MKHOST LIBTCEMODEL TEST-MODEL HOSTS-DIR TEST-VFIO
#
# Builds each shipped host, runs the C test (the authoritative one) on it
# under the preload, runs the /dev/vfio and /dev/kvm test on the contract
# host, then pokes the power9-2phb host with plain shell tools (readlink,
# ls, cat, dd) and checks tcemodel-mkhost's errors.  Prints TAP.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

set -u

if [ $# -ne 5 ]; then
    echo "usage: $0 MKHOST LIBTCEMODEL TEST-MODEL HOSTS-DIR TEST-VFIO" >&2
    exit 2
fi
mkhost=$1
preload=$2
testbin=$3
hosts=$4
vfiobin=$5

work=$(mktemp -d "${TMPDIR:-/tmp}/test-model.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
# test-vfio drops to uid 65534 in the fake host: it must reach the trees
chmod 755 "$work"

n=0
failed=0
ok() {
    n=$((n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        failed=$((failed + 1))
    fi
}

# An ASan-built library needs the ASan runtime first in LD_PRELOAD.
asan=$(ldd "$preload" 2>/dev/null | awk '/libasan/ { print $3 }')
LD_PRELOAD_MODEL="${asan:+$asan }$preload"
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export ASAN_OPTIONS

# run CMD... on the fake host in $root
model() {
    TCEMODEL_ROOT=$root LD_PRELOAD=$LD_PRELOAD_MODEL "$@"
}

# expect WANT CMD...: compare the output of CMD on the fake host
expect() {
    want=$1
    shift
    got=$(model "$@" 2>&1)
    [ "$got" = "$want" ]
    rc=$?
    [ $rc = 0 ] || printf '# got: %s\n' "$got" | head -5
    ok $rc "$* -> $(printf '%s' "$want" | tr '\n' ' ')"
}

# put STRING FILE: write STRING with write(2): dash's printf builtin, or
# dd (whose aligned_alloc(4096, 512) an ASan runtime refuses)
if command -v dash >/dev/null; then
    put() {
        model dash -c 'printf "%s" "$1" > "$2"' put "$1" "$2"
    }
else
    put() {
        printf '%s' "$1" | model dd of="$2" status=none 2>&1
    }
fi

for host in power9-2phb ppc-libvirt power9-multifn-hostdrv; do
    root=$work/$host
    "$mkhost" "$hosts/$host.host" "$root"
    ok $? "tcemodel-mkhost $host"
    out=$(model "$testbin" 2>&1)
    rc=$?
    printf '%s\n' "$out" | grep -v '^ok' | sed 's/^/# /'
    ok $rc "test-model on $host ($(printf '%s\n' "$out" | tail -1))"
done

# ---- /dev/vfio and /dev/kvm (stage 2) ----
root=$work/contract
"$mkhost" "$hosts/contract.host" "$root"
ok $? "tcemodel-mkhost contract"
out=$(model "$vfiobin" 2>&1)
rc=$?
printf '%s\n' "$out" | grep -v '^ok' | sed 's/^/# /'
ok $rc "test-vfio on contract ($(printf '%s\n' "$out" | tail -1))"

# any program sees the model (python3 may be a wrapper script whose
# shell's leaks an ASan runtime would report)
if command -v python3 >/dev/null; then
    ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0"
    # ioctl faults from the environment
    out=$(TCEMODEL_FAULTS='ioctl:VFIO_GET_API_VERSION EIO' \
          model python3 -c 'import fcntl, os
fd = os.open("/dev/vfio/vfio", os.O_RDWR)
try:
    fcntl.ioctl(fd, 0x3b64)
except OSError as e:
    print(e.strerror)' 2>&1)
    case $out in *"Input/output error"*) rc=0 ;; *) rc=1 ;; esac
    ok $rc "TCEMODEL_FAULTS ioctl:VFIO_GET_API_VERSION EIO: $out"

    # the group node is a model object for any program
    out=$(model python3 -c 'import os
a = os.open("/dev/vfio/0", os.O_RDWR)
try:
    os.open("/dev/vfio/0", os.O_RDWR)
except OSError as e:
    print(e.strerror)' 2>&1)
    case $out in *"Device or resource busy"*) rc=0 ;; *) rc=1 ;; esac
    ok $rc "second open of /dev/vfio/0 from python: $out"
    ASAN_OPTIONS=${ASAN_OPTIONS%:detect_leaks=0}
fi

# ---- shell tools on a fresh power9-2phb ----
root=$work/shell
"$mkhost" "$hosts/power9-2phb.host" "$root"
dev=/sys/bus/pci/devices

expect "../../../kernel/iommu_groups/0" readlink $dev/0000:01:00.0/iommu_group
expect "0000:01:00.0
0000:01:00.1" ls /sys/kernel/iommu_groups/0/devices
expect "0x14e4" cat $dev/0000:01:00.0/vendor
expect "/sys/bus/pci/drivers/tg3" realpath $dev/0000:01:00.0/driver
expect "1
vfio" ls /dev/vfio

put vfio-pci $dev/0000:01:00.0/driver_override
expect "vfio-pci" cat $dev/0000:01:00.0/driver_override
put 0000:01:00.0 $dev/0000:01:00.0/driver/unbind
expect "no" sh -c "test -e $dev/0000:01:00.0/driver && echo yes || echo no"
put 0000:01:00.0 /sys/bus/pci/drivers_probe
expect "vfio-pci" sh -c "basename \$(readlink $dev/0000:01:00.0/driver)"
expect "yes" sh -c "test -e /dev/vfio/0 && echo yes"

# faults from the environment
out=$(TCEMODEL_FAULTS='unbind:0000:01:00.0 EBUSY' \
      put 0000:01:00.0 $dev/0000:01:00.0/driver/unbind 2>&1)
ok $((! $?)) "TCEMODEL_FAULTS unbind EBUSY makes the write fail: $out"
if [ -z "$asan" ]; then
    out=$(printf 0000:01:00.0 | TCEMODEL_FAULTS='unbind:0000:01:00.0 EBUSY' \
          model dd of=$dev/0000:01:00.0/driver/unbind status=none 2>&1)
    case $out in *"Device or resource busy"*) rc=0 ;; *) rc=1 ;; esac
    ok $rc "dd shows the errno: $out"
fi
expect "vfio-pci" sh -c "basename \$(readlink $dev/0000:01:00.0/driver)"

# bash's echo writes through stdio's internal write: refused with EBADF
if command -v bash >/dev/null; then
    out=$(model bash -c "echo 0000:01:00.0 > /sys/bus/pci/drivers/vfio-pci/unbind" 2>&1)
    case $out in *"Bad file descriptor"*) rc=0 ;; *) rc=1 ;; esac
    ok $rc "bash echo (stdio bypass) is refused: $out"
    expect "vfio-pci" sh -c "basename \$(readlink $dev/0000:01:00.0/driver)"
fi

# dash's echo calls write(2): it works like on the real sysfs
if command -v dash >/dev/null; then
    out=$(model dash -c "echo 0000:01:00.0 > /sys/bus/pci/drivers/vfio-pci/unbind" 2>&1)
    ok $? "dash echo > unbind $out"
else
    put 0000:01:00.0 /sys/bus/pci/drivers/vfio-pci/unbind
fi
expect "no" sh -c "test -e /dev/vfio/0 && echo yes || echo no"
put "" $dev/0000:01:00.0/driver_override   # writes nothing: no-op
expect "vfio-pci" cat $dev/0000:01:00.0/driver_override
put "
" $dev/0000:01:00.0/driver_override
put 0000:01:00.0 /sys/bus/pci/drivers_probe
expect "tg3" sh -c "basename \$(readlink $dev/0000:01:00.0/driver)"
expect "(null)" cat $dev/0000:01:00.0/driver_override

# paths outside the model are untouched
expect "yes" sh -c "test -d /proc/self && echo yes"

# ---- tcemodel-mkhost errors ----
mkerr() {
    printf '%b' "$2" > "$work/bad.host"
    rm -rf "$work/bad"
    out=$("$mkhost" "$work/bad.host" "$work/bad" 2>&1)
    rc=$?
    case $out in *"$work/bad.host:$1"*) [ $rc = 1 ] ;; *) false ;; esac
    ok $? "mkhost error: $out"
}
mkerr "1: unknown keyword 'bogus'" 'bogus\n'
mkerr "2: unknown key 'colour'" 'host h\ndevice 0000:01:00.0 vendor=1 device=2 group=0 colour=red\n'
mkerr "3: device 0000:01:00.0 is on domain 0000 but there is no 'phb 0000'" \
      'host h\n# c\ndevice 0000:01:00.0 vendor=1 device=2 group=0\n'
mkerr "3: device 0000:00:00.0 is a bridge" \
      'host h\nphb 0000\ndevice 0000:00:00.0 vendor=1 device=2 class=0x060400 group=0 driver=vfio-pci\n'
mkerr "2: the file has no 'host NAME' line" 'phb 0000\n# end\n'
mkerr "3: device 0000:01:00.0 is already declared on line 2" \
      'host h\ndevice 0000:01:00.0 vendor=1 device=2 group=0\ndevice 0000:01:00.0 vendor=1 device=2 group=0\n'

"$mkhost" "$hosts/power9-2phb.host" "$root" 2>"$work/err"
rc=$?
grep -q "is not empty" "$work/err" && [ $rc = 1 ]
ok $? "mkhost refuses a non-empty DIR"

echo "1..$n"
[ $failed = 0 ]
