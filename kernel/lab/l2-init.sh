#!/bin/busybox sh
# /init of the lab's L2 guest: the KVM pseries guest tcevirt starts inside
# the emulated POWER9 with the e1000e passed through.  Prints what the
# guest sees of the NIC ("L2: " lines on hvc0, which tcevirt's domain
# sends to a file) and stays up until it is destroyed.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "L2: guest up after $(cut -d' ' -f1 /proc/uptime) s: kernel $(uname -r), $(grep -m1 '^machine' /proc/cpuinfo | cut -d: -f2)"
for m in $(cat /modules.order); do
    insmod /lib/modules/$m 2>/dev/null || echo "L2: insmod $m failed"
done
driver() { d=$1/driver; [ -e $d ] && basename $(readlink $d) || echo none; }
for d in /sys/bus/pci/devices/*; do
    [ -e "$d" ] || continue
    echo "L2: pci $(basename $d) $(cat $d/vendor):$(cat $d/device) class=$(cat $d/class) driver=$(driver $d)"
done
for n in /sys/class/net/eth*; do
    [ -e "$n" ] || { echo "L2: no ethernet interface"; break; }
    i=$(basename $n)
    ip link set $i up
    s=0
    while [ "$(cat $n/operstate)" != up ] && [ $s -lt 20 ]; do sleep 1; s=$((s + 1)); done
    echo "L2: $i driver=$(driver $n/device) pci=$(basename $(readlink $n/device)) mac=$(cat $n/address) operstate=$(cat $n/operstate)"
done
dmesg | grep -E 'e1000e.*(eth|Link)' | tail -3 | sed 's/^/L2: dmesg: /'
# PCI/PHB hotplug: the kernel leaves those requests to userspace
# (rtas_errd's job in a full distribution): l2-hotplugd runs drmgr
mkdir -p /var/lock /var/log /run
if [ -e /proc/ppc64/rtas/error_log ]; then
    /bin/l2-hotplugd &
else
    echo "L2: no /proc/ppc64/rtas/error_log: no PCI hotplug"
fi
echo "L2: ready"
# then one line per PCI device that comes, changes driver or goes
state() {
    for d in /sys/bus/pci/devices/*; do
        [ -e "$d" ] && echo "$(basename $d) $(cat $d/vendor):$(cat $d/device) driver=$(driver $d)"
    done
}
old=$(state)
while :; do
    sleep 2
    new=$(state)
    [ "$new" = "$old" ] && continue
    echo "$new" | while read -r l; do
        echo "$old" | grep -qxF "$l" || echo "L2: pci now $l"
    done
    echo "$old" | while read -r l; do
        [ -n "$l" ] && ! echo "$new" | grep -q "^${l%% *} " && echo "L2: pci gone ${l%% *}"
    done
    old=$new
done
