#!/bin/bash
# The emulated POWER lab: Debian's real ppc64le kernel in a TCG POWER9
# (qemu-system-ppc64 -M powernv9) with emulated PCI devices behind PHBs,
# so /dev/vfio/N groups, the sPAPR TCE v2 IOMMU and kvm-hv are real.
#
#   kernel/lab/lab.sh all [BUILD]        contract, then tcevirt (make lab)
#   kernel/lab/lab.sh contract [BUILD]   run the kernel contract suite
#   kernel/lab/lab.sh tcevirt [BUILD]    run tcevirt (cross-built for
#                                        ppc64le) against the real kernel:
#                                        kernel/lab/tcevirt-checks.sh
#   kernel/lab/lab.sh lifecycle [BUILD]  tcevirt define/start/destroy of a
#                                        KVM pseries guest (kvm-hv) with the
#                                        e1000e passed through:
#                                        kernel/lab/lifecycle-checks.sh
#                                        (LAB_L2_MIB: its RAM, default 512)
#   kernel/lab/lab.sh memlock [BUILD]    VmLck of QEMU against tcevirt's
#                                        limit for four such guests (no
#                                        hostdev, 32-bit window, DDW, two
#                                        PHBs with DDWs):
#                                        kernel/lab/memlock-checks.sh
#   kernel/lab/lab.sh hotplug [BUILD]    attach-device of the second group's
#                                        e1000e to that running guest (a new
#                                        PHB), the guest's drmgr configures
#                                        it, in-kernel TCE for its group,
#                                        detach-device back to the host:
#                                        kernel/lab/hotplug-checks.sh
#   kernel/lab/lab.sh demo [BUILD]       the same, narrated, streamed to the
#                                        terminal (make demo):
#                                        kernel/lab/demo-inside.sh
#   kernel/lab/lab.sh payload BUILD DIR  run DIR/run.sh inside (9p share)
#   kernel/lab/lab.sh shell              interactive busybox shell
#
#   LAB_RELEASE_TEST=1 (contract)        also run the kvm-vfio release WARN
#                                        reproducer; LAB_MODULES=DIR: .ko
#                                        files used instead of the
#                                        package's (kernel/lab/kernel-fix.sh)
#
# Downloads (apt, versions resolved now) are cached in
# ${TCEVIRT_CACHE:-~/.cache/tcevirt}/lab.  Results land in $LAB_OUT
# (default BUILD/lab): console log, one TAP file per suite, summary.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
mode=${1:-contract}
build=${2:-$top/build}
if [ "$mode" = all ]; then
    # every suite, one boot each; the last line adds them up
    rc=0
    for m in contract tcevirt lifecycle memlock hotplug; do
        "$0" "$m" "$build" || rc=1
    done
    # the harness itself: a POWER9 that never boots is one named failure
    # with a summary, not a hang (the boot gets 3 s where it needs ~10)
    wd_out=${LAB_OUT:-$build/lab}/watchdog
    mkdir -p "$(dirname "$wd_out")"
    wd_rc=0
    LAB_BOOT_TIMEOUT=3 LAB_OUT=$wd_out "$0" contract "$build" > "$wd_out.log" 2>&1 || wd_rc=$?
    if [ $wd_rc = 1 ] && grep -q '^not ok boot-contract - Linux did not reach /init within 3 s' "$wd_out.log" &&
       grep -q '^0 passed, 1 failed, 0 skipped' "$wd_out.log"; then
        echo "ok lab/boot-watchdog-names-a-boot-that-never-comes" > "$wd_out.result"
        echo "1 passed, 0 failed, 0 skipped" >> "$wd_out.result"
    else
        echo "not ok lab/boot-watchdog-names-a-boot-that-never-comes (exit $wd_rc; $wd_out.log)" > "$wd_out.result"
        echo "0 passed, 1 failed, 0 skipped" >> "$wd_out.result"
        rc=1
    fi
    head -1 "$wd_out.result"
    for m in contract tcevirt lifecycle memlock hotplug watchdog; do
        f=${LAB_OUT:-$build/lab}/summary-$m
        [ $m = watchdog ] && f=$wd_out.result
        [ -f "$f" ] && tail -1 "$f" || echo "0 passed, 1 failed, 0 skipped"
    done |
        awk '{p += $1; f += $3; s += $5}
             END {printf "%d passed, %d failed, %d skipped\n", p, f, s}'
    exit $rc
fi
out=${LAB_OUT:-$build/lab}
. "$here/lab-lib.sh"
mkdir -p "$out"

kpkg=$(resolve_kernel)
[ -n "$kpkg" ] || { log "no linux-image-6.12.*-$flavour:ppc64el in the apt lists (run 'make lab' as root: it adds ppc64el)"; exit 1; }
kver=${kpkg#linux-image-}
kdeb=$(fetch_deb "$kpkg:ppc64el")
bbdeb=$(fetch_deb "busybox-static:ppc64el")
kroot="$cache/$kver"
extract "$kdeb" "$kroot"
extract "$bbdeb" "$cache/busybox"
if [ ! -e "$kroot/lib/modules" ] && [ -d "$kroot/usr/lib/modules" ]; then
    mkdir -p "$kroot/lib"
    ln -s ../usr/lib/modules "$kroot/lib/modules"
fi
[ -f "$kroot/lib/modules/$kver/modules.dep" ] || depmod -b "$kroot" "$kver"
log "kernel $kver"

# l2_tools DIR: Debian's drmgr from the ppc64el tree $root with the shared
# libraries it needs and the loader, laid out as the L2 initramfs's root
l2_tools() {
    local dir=$1 lib todo f lib_dirs="lib/powerpc64le-linux-gnu usr/lib/powerpc64le-linux-gnu"
    rm -rf "$dir"
    mkdir -p "$dir/usr/sbin" "$dir/lib/powerpc64le-linux-gnu" "$dir/lib64" "$dir/var/lock"
    cp -L "$root/usr/sbin/drmgr" "$dir/usr/sbin/drmgr"
    # (the tree's /lib64/ld64.so.2 is an absolute link into it)
    for d in $lib_dirs; do
        [ -e "$root/$d/ld64.so.2" ] && { cp -L "$root/$d/ld64.so.2" "$dir/lib64/"; break; }
    done
    todo="$dir/usr/sbin/drmgr"
    while [ -n "$todo" ]; do
        set -- $todo
        todo=
        for f in "$@"; do
            for lib in $(powerpc64le-linux-gnu-readelf -d "$f" |
                         sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
                [ -e "$dir/lib/powerpc64le-linux-gnu/$lib" ] && continue
                for d in $lib_dirs; do
                    if [ -e "$root/$d/$lib" ]; then
                        cp -L "$root/$d/$lib" "$dir/lib/powerpc64le-linux-gnu/"
                        todo="$todo $dir/lib/powerpc64le-linux-gnu/$lib"
                        break
                    fi
                done
                [ -e "$dir/lib/powerpc64le-linux-gnu/$lib" ] ||
                    { log "drmgr needs $lib, which the ppc64el tree lacks"; exit 1; }
            done
        done
    done
}

# ---- test binaries (static, ppc64le) -------------------------------------
bindir="$out/bin"
mkdir -p "$bindir"
for t in vfio_group_test vfio_spapr_test pci_sysfs_test kvm_test kvm_vfio_release_test; do
    src="$top/kernel/selftests/$t.c"
    stale=0
    for f in "$src" "$top"/kernel/selftests/*.h; do
        [ "$f" -nt "$bindir/$t" ] && stale=1
    done
    if [ ! -x "$bindir/$t" ] || [ $stale = 1 ]; then
        powerpc64le-linux-gnu-gcc -O2 -Wall -Wextra -Werror -static \
            -o "$bindir/$t" "$src"
    fi
done

# ---- initramfs -----------------------------------------------------------
initrd="$out/initrd.cpio.gz"
MKINITRD_MODULES=${LAB_MODULES:-} "$here/mkinitrd.sh" "$kroot" "$kver" \
    "$cache/busybox/bin/busybox" "$bindir" "$here/init.sh" "$initrd" \
    vfio-pci vfio_iommu_spapr_tce kvm-hv e1000e xhci-pci 9p 9pnet_virtio

# ---- boot ----------------------------------------------------------------
# PHB0: one e1000e (its own IOMMU group); PHB1: a two-function e1000e
# (one group, two devices); PHB2: an xHCI controller.
devs=(-device e1000e,bus=pcie.0,addr=0x0
      -device e1000e,bus=pcie.1,addr=0x0,multifunction=on
      -device e1000e,bus=pcie.1,addr=0x0.1
      -device nec-usb-xhci,bus=pcie.2,addr=0x0)
append="console=hvc0 loglevel=4 labmode=$mode"
# LAB_RELEASE_TEST=1: the contract boot also runs the kvm-vfio release
# WARN reproducer (kernel/lab/kernel-fix.sh); LAB_MODULES: a directory of
# .ko files used instead of the package's (mkinitrd.sh MKINITRD_MODULES)
[ "${LAB_RELEASE_TEST:-0}" = 1 ] && append="$append labrelease=1"
share=()
mem=3G
case $mode in
    payload)
        [ -d "${3:-}" ] || { log "payload mode needs a directory"; exit 2; }
        share=(-fsdev "local,id=fs0,path=$(cd "$3" && pwd),security_model=none"
               -device virtio-9p-pci,fsdev=fs0,mount_tag=lab,bus=pcie.3,addr=0x0)
        ;;
    shell) append="$append labshell=1" ;;
    contract) ;;
    tcevirt|lifecycle|memlock|hotplug|demo)
        # Debian's ppc64el tree is the root tcevirt runs from (over 9p)
        root=$("$here/rootfs.sh" "$cache")
        bins=$("$here/cross.sh" "$root" "$out/build-ppc64le")
        mkdir -p "$root/opt/tcevirt" "$root/dev" "$root/proc" "$root/sys" \
            "$root/tmp" "$root/run"
        cp "$bins/tcevirt" "$bins/tcevirtd" "$bins/tcevirt-start-helper" \
            "$bins/../tests/hostileqemu" "$root/opt/tcevirt/"
        cp "$here/tcevirt-checks.sh" "$root/opt/tcevirt/checks.sh"
        cp "$here/checks-lib.sh" "$root/opt/tcevirt/checks-lib.sh"
        if [ "$mode" != tcevirt ]; then
            # the L2 guest: the same kernel (stripped) and a busybox
            # initramfs with e1000e; read by QEMU (its own uid: world-readable)
            l2="$root/opt/tcevirt/l2"
            mkdir -p "$l2" "$out/l2bin"
            if [ ! -f "$l2/vmlinux" ] || [ "$kroot/boot/vmlinux-$kver" -nt "$l2/vmlinux" ]; then
                powerpc64le-linux-gnu-strip -o "$l2/vmlinux" "$kroot/boot/vmlinux-$kver"
            fi
            # its hotplug tools: l2-hotplugd (rtas_errd's hotplug part)
            # runs Debian's drmgr, which needs rpaphp and rpadlpar_io
            powerpc64le-linux-gnu-gcc -O2 -Wall -Wextra -Werror -static \
                -o "$out/l2bin/l2-hotplugd" "$here/l2-hotplugd.c"
            l2_tools "$out/l2tree"
            MKINITRD_TREE="$out/l2tree" "$here/mkinitrd.sh" "$kroot" "$kver" \
                "$cache/busybox/bin/busybox" "$out/l2bin" "$here/l2-init.sh" \
                "$l2/initrd.cpio.gz" e1000e rpaphp rpadlpar_io
            chmod 644 "$l2/vmlinux" "$l2/initrd.cpio.gz"
            # LAB_L2_MIB: the guest's RAM (default 512 MiB)
            sed "s|<memory unit='MiB'>[0-9]*</memory>|<memory unit='MiB'>${LAB_L2_MIB:-512}</memory>|" \
                "$here/lab-l2.xml" > "$root/opt/tcevirt/lab-l2.xml"
            cp "$here/lifecycle-checks.sh" "$root/opt/tcevirt/lifecycle.sh"
            cp "$here/memlock-checks.sh" "$root/opt/tcevirt/memlock.sh"
            cp "$here/hotplug-checks.sh" "$root/opt/tcevirt/hotplug.sh"
            cp "$here/demo-inside.sh" "$root/opt/tcevirt/demo.sh"
            mem=4G
        fi
        share=(-fsdev "local,id=fs0,path=$root,security_model=none,readonly=on"
               -device virtio-9p-pci,fsdev=fs0,mount_tag=lab,bus=pcie.3,addr=0x0)
        ;;
    *) log "unknown mode $mode"; exit 2 ;;
esac
console="$out/console-$mode.log"
vmlinux=$(ls "$kroot"/boot/vmlinux-"$kver")
log "booting powernv9 (TCG), console in $console"
start=$(date +%s)
if [ "$mode" = shell ]; then
    exec qemu-system-ppc64 -M powernv9 -accel tcg -m $mem -smp 1 -nographic \
        -no-reboot -kernel "$vmlinux" -initrd "$initrd" -append "$append" \
        "${devs[@]}" "${share[@]}"
fi
# A POWER9 that does not bring Linux to its /init within LAB_BOOT_TIMEOUT
# seconds (normally 10-20 s) is killed and reported as a failed boot,
# instead of hanging until LAB_TIMEOUT.
pidfile="$out/qemu-$mode.pid" booterr="$out/boot-failed-$mode"
rm -f "$pidfile" "$booterr"
: > "$console"
watchdog() {
    local end=$((SECONDS + ${LAB_BOOT_TIMEOUT:-300}))
    while [ $SECONDS -lt $end ]; do
        grep -q '^LABINFO: kernel' "$console" 2>/dev/null && return 0
        if [ -s "$pidfile" ] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
            echo "QEMU exited before Linux reached /init" > "$booterr"
            return 0
        fi
        sleep 1
    done
    echo "Linux did not reach /init within ${LAB_BOOT_TIMEOUT:-300} s" > "$booterr"
    [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
    return 0
}
watchdog &
wd=$!
qemu=(qemu-system-ppc64 -M powernv9 -accel tcg -m $mem -smp 1 -nographic
      -no-reboot -pidfile "$pidfile" -kernel "$vmlinux" -initrd "$initrd"
      -append "$append" "${devs[@]}" "${share[@]}")
set +e
if [ "$mode" = demo ]; then
    # streamed: the firmware's and the kernel's milestones while the
    # emulated POWER9 boots, then what the narrated script inside says
    timeout --foreground -k 10 "${LAB_TIMEOUT:-900}" "${qemu[@]}" </dev/null 2>&1 |
        tee "$console" |
        tr -d '\r' | stdbuf -oL awk -v t0="$start" '
            function el() { return sprintf("[%3d s] ", systime() - t0) }
            /OPAL v.* starting/ { print el() "POWER9 firmware (skiboot) starting"; fflush(); next }
            /INIT: Starting kernel/ { print el() "skiboot hands over to Linux"; fflush(); next }
            /^LABINFO: kernel / { sub(/^LABINFO: /, ""); print el() "Linux up: " $0; fflush(); next }
            /^LABINFO: pci .*group=$/ { next }
            /^LABINFO: pci / { sub(/^LABINFO: /, ""); print el() "  " $0; fflush(); next }
            /^DEMO: / { sub(/^DEMO: /, ""); print; fflush(); next }'
    rc=${PIPESTATUS[0]}
else
    timeout --foreground -k 10 "${LAB_TIMEOUT:-900}" "${qemu[@]}" </dev/null >"$console" 2>&1
    rc=$?
fi
kill $wd 2>/dev/null
wait $wd 2>/dev/null
set -e
log "qemu exited with $rc after $(( $(date +%s) - start )) s"

# ---- results -------------------------------------------------------------
case $mode in contract|tcevirt|lifecycle|memlock|hotplug) tap=yes ;; *) tap=no ;; esac
tr -d '\r' < "$console" > "$console.txt"
if [ -s "$booterr" ]; then
    # one named failure, with what the console last said
    log "$mode: the emulated POWER9 did not boot: $(cat "$booterr"); last console lines:"
    grep -v '^\s*$' "$console.txt" | tail -15 | sed 's/^/  | /' >&2
    if [ "$tap" = yes ]; then
        echo "not ok boot-$mode - $(cat "$booterr")"
        echo "0 passed, 1 failed, 0 skipped" | tee "$out/summary-$mode"
    fi
    exit 1
fi
if [ "$mode" = demo ]; then
    if ! grep -q '^DEMO: demo result: ok' "$console.txt"; then
        r=$(sed -n 's/^DEMO: demo result: //p' "$console.txt" | tail -1)
        log "demo: ${r:-the narrated script inside never finished (console: $console.txt)}"
        exit 1
    fi
    exit $rc
elif [ "$tap" = yes ]; then
    pass=0 fail=0 skip=0
    suites="pci_sysfs_test vfio_group_test vfio_spapr_test kvm_test"
    [ "${LAB_RELEASE_TEST:-0}" = 1 ] && suites="$suites kvm_vfio_release_test"
    [ "$mode" = tcevirt ] && suites=tcevirt_checks
    [ "$mode" = lifecycle ] && suites=lifecycle_checks
    [ "$mode" = memlock ] && suites=memlock_checks
    [ "$mode" = hotplug ] && suites=hotplug_checks
    for t in $suites; do
        sed -n "s/^TAP:$t: //p" "$console.txt" > "$out/$t.tap"
        if ! grep -q '^# Totals' "$out/$t.tap"; then
            log "$t produced no complete TAP output"
            fail=$((fail + 1))
        fi
        p=$(grep -c '^ok ' "$out/$t.tap" || true)
        s=$(grep -c '^ok .* # SKIP' "$out/$t.tap" || true)
        f=$(grep -c '^not ok ' "$out/$t.tap" || true)
        pass=$((pass + p - s)); skip=$((skip + s)); fail=$((fail + f))
        grep -E '^(not ok|# )' "$out/$t.tap" | sed "s/^/  $t: /" >&2 || true
    done
    sed -n 's/^LABINFO: //p' "$console.txt" >&2
    echo "$pass passed, $fail failed, $skip skipped" | tee "$out/summary-$mode"
    [ "$fail" -eq 0 ]
else
    sed -n 's/^LABINFO: //p' "$console.txt"
fi
