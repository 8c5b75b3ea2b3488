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
echo "L2: ready"
while :; do sleep 3600; done
