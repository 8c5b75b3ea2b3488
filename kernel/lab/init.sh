#!/bin/busybox sh
# /init of the lab's emulated POWER9 host
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mode=$(sed -n 's/.*labmode=\([a-z]*\).*/\1/p' /proc/cmdline)
info() { echo "LABINFO: $*"; }

for m in $(cat /modules.order); do
    insmod /lib/modules/$m 2>/dev/null || info "insmod $m failed"
done
info "kernel $(uname -r), $(grep -m1 '^cpu' /proc/cpuinfo | cut -d: -f2)"

driver() { d=/sys/bus/pci/devices/$1/driver; [ -e $d ] && basename $(readlink $d) || echo none; }
group() { basename $(readlink /sys/bus/pci/devices/$1/iommu_group); }
to_vfio() {  # the way tcevirt moves a device: override, unbind, probe
    echo vfio-pci > /sys/bus/pci/devices/$1/driver_override
    [ -e /sys/bus/pci/devices/$1/driver ] && echo $1 > /sys/bus/pci/devices/$1/driver/unbind
    echo $1 > /sys/bus/pci/drivers_probe
}
for d in /sys/bus/pci/devices/*; do
    b=$(basename $d)
    info "pci $b $(cat $d/vendor):$(cat $d/device) driver=$(driver $b) group=$(group $b)"
done

run() {  # run SUITE: output lines tagged for the host side
    t=$1; shift
    env "$@" /bin/$t 2>&1 | sed "s/^/TAP:$t: /"
}

if [ "$mode" = contract ]; then
    lone=0000:01:00.0 pair0=0001:01:00.0 pair1=0001:01:00.1
    run pci_sysfs_test TCE_SYSFS_BDF=$pair0 TCE_SYSFS_SIBLING_BDF=$pair1
    to_vfio $lone
    to_vfio $pair0            # .1 stays on e1000e: group not viable
    info "after binding: $lone=$(driver $lone) $pair0=$(driver $pair0) $pair1=$(driver $pair1)"
    run vfio_group_test TCE_BDF=$lone TCE_NONVIABLE_BDF=$pair0
    run vfio_spapr_test TCE_BDF=$lone
    run kvm_test TCE_BDF=$lone
    if grep -q labrelease=1 /proc/cmdline; then
        # the kvm-vfio release WARN reproducer; clear_warn_once needs debugfs
        mount -t debugfs debugfs /sys/kernel/debug
        info "kvm.ko sha256 $(sha256sum /lib/modules/kvm.ko | cut -c1-16), module taint '$(cat /sys/module/kvm/taint)'"
        run kvm_vfio_release_test TCE_BDF=$lone
        # the first WARNING the reproducer caused, as the kernel logged it
        dmesg | sed -n '/WARNING: .*vfio/,/---\[ end trace/p' | head -40 |
            sed 's/^/LABINFO: warn: /'
    fi
    dmesg | grep -iE 'warn|bug|oops' | head -5 | sed 's/^/LABINFO: dmesg: /'
elif [ "$mode" = tcevirt ] || [ "$mode" = lifecycle ] || [ "$mode" = memlock ] ||
     [ "$mode" = hotplug ] || [ "$mode" = demo ]; then
    # tcevirt runs from Debian's ppc64el tree, shared read-only over 9p
    case $mode in
        tcevirt) script=checks.sh tag=TAP:tcevirt_checks ;;
        lifecycle) script=lifecycle.sh tag=TAP:lifecycle_checks ;;
        memlock) script=memlock.sh tag=TAP:memlock_checks ;;
        hotplug) script=hotplug.sh tag=TAP:hotplug_checks ;;
        demo) script=demo.sh tag=DEMO ;;
    esac
    mkdir -p /mnt/root
    if mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro lab /mnt/root; then
        for d in dev proc sys; do mount --bind /$d /mnt/root/$d; done
        # tcevirt's kernel evidence for domtce: a kprobe in a tracefs instance
        mount -t tracefs nodev /mnt/root/sys/kernel/tracing 2>/dev/null ||
            info "no tracefs: domtce will say unverified"
        mount -t tmpfs tmpfs /mnt/root/tmp
        mount -t tmpfs tmpfs /mnt/root/run
        chroot /mnt/root /bin/busybox sh /opt/tcevirt/$script 2>&1 |
            sed "s/^/$tag: /"
    else
        info "9p mount of the ppc64el tree failed"
    fi
elif [ "$mode" = payload ]; then
    mkdir -p /mnt/lab
    if mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 lab /mnt/lab; then
        [ -x /mnt/lab/run.sh ] && /mnt/lab/run.sh 2>&1 | sed 's/^/LABINFO: /'
        sync
        umount /mnt/lab
    else
        info "9p mount failed"
    fi
fi
if grep -q labshell=1 /proc/cmdline; then
    exec setsid cttyhack sh
fi
sync
poweroff -f
