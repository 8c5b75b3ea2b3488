#!/bin/busybox sh
# Runs inside the lab's POWER9 (chroot into Debian's ppc64el tree, kvm-hv
# loaded): hotplug of a VFIO host device on the real 6.12 kernel.  The L2
# guest of /opt/tcevirt/lab-l2.xml (the lone e1000e 0000:01:00.0 passed
# through) is started; then the e1000e 0001:01:00.0 of the two-function
# group is hot-plugged (a new PHB first), the guest's drmgr configures it
# (l2-hotplugd, guest /init: kernel/lab/l2-init.sh), its group must get
# the in-kernel TCE table, and it is hot-unplugged back to e1000e.
# TAP output; "# " lines carry the commands, their output and the numbers.
. /opt/tcevirt/checks-lib.sh
l2_setup
t=/opt/tcevirt/tcevirt
dom=lab-l2 bdf=0000:01:00.0 hp=0001:01:00.0 mate=0001:01:00.1
console=/tmp/lab-l2.console
log=$TCEVIRT_STATE_DIR/log/$dom.log
rlimit() { awk '/^Max locked memory/ {print $4}' /proc/$1/limits; }
echo "TAP version 13"
echo "# $($t --version) on $(uname -r) $(uname -m)"
grp=$(group $hp)
echo "# $hp: driver $(drv $hp), IOMMU group $grp (with $mate, driver $(drv $mate))"

run $t define /opt/tcevirt/lab-l2.xml
run $t start $dom
src=$rc
run $t dominfo $dom
pid=$(awk '$1 == "Id:" {print $2}' /tmp/out)
[ $src = 0 ] && [ -n "$pid" ] && [ -d /proc/$pid ]
ok setup/guest-started $?
wait_console "^L2: ready" 300
ok setup/guest-ready $?
guest | grep -E '^L2: (guest up|ready|no )' | sed 's/^/#   /'
limit0=$(rlimit $pid)

# the group must be viable: its other function goes to vfio-pci first
run $t nodedev-detach pci_0001_01_00_1
[ $rc = 0 ] && [ "$(drv $mate)" = vfio-pci ]
ok setup/group-mate-on-vfio-pci $? "driver $(drv $mate)"

cat > /tmp/hp.xml <<XML
<hostdev mode='subsystem' type='pci' managed='yes'>
  <source>
    <address domain='0x0001' bus='0x01' slot='0x00' function='0x0'/>
  </source>
</hostdev>
XML
# attach: device_add returns at once; the guest configures the new PHB
# and its device when drmgr runs (the PHB's configure-connector brings
# the device in; the PCI event that follows finds it there already)
t0=$(now)
run $t attach-device $dom /tmp/hp.xml --live
arc=$rc
echo "# attach-device returned after $(since $t0) s"
wait_console "^L2: pci now .* 0x8086:0x10d3 driver=e1000e" 240
grc=$?
gbdf=$(guest | sed -n 's/^L2: pci now \([^ ]*\) 0x8086:0x10d3 driver=e1000e/\1/p' | tail -1)
echo "# the guest bound e1000e to its $gbdf"
echo "# guest console after $(since $t0) s:"
guest | grep -E '^L2: (hotplug|pci now|pci gone)' | sed 's/^/#   /'
[ $arc = 0 ] && [ $grc = 0 ] && [ "$(drv $hp)" = vfio-pci ]
ok hotplug-attach $? "attach-device exit $arc, host driver $(drv $hp)"

run $t dumpxml $dom
gaddr=$(grep -A8 "<address domain='0x0001' bus='0x01' slot='0x00' function='0x0'/>" /tmp/out |
        grep -m1 "<address type='pci'" | sed 's/^ *//')
echo "# live definition: $(grep -m2 -o "<alias name='[^']*'/>" /tmp/out | tr '\n' ' ') guest $gaddr"
gbus=$(echo "$gaddr" | sed -n "s/.* bus='\(0x[0-9a-f]*\)'.*/\1/p")
[ -n "$gbus" ] && grep -A1 "<controller type='pci' index='$((gbus))' model='pci-root'" /tmp/out |
    grep -q spapr-pci-host-bridge
ok hotplug/live-xml-has-the-new-phb-and-address $?
[ -n "$pid" ] && ls -l /proc/$pid/fd 2>/dev/null | grep -q "/dev/vfio/$grp"
ok hotplug/qemu-holds-the-new-group-fd $?
limit1=$(rlimit $pid)
echo "# memlock: before $limit0, after $limit1 bytes; VmLck $(field VmLck: $pid) kB"
grep "memlock of QEMU" $log | sed 's/^/#   log: /'
[ -n "$limit1" ] && [ "$limit1" -gt "$limit0" ] && grep -q "memlock of QEMU: $limit0 -> $limit1 bytes" $log
ok hotplug/memlock-raised-before-device-add $? "limit $limit0 -> $limit1"

# in-kernel TCE for the new group: QEMU attached it to the KVM TCE table
# and the kernel's kprobe saw a second attach
seen="observed: *in-kernel (.*the kernel saw [2-9] attaches"
s=0
while ! $t domtce $dom 2>/dev/null | grep -A2 "^IOMMU group $grp " | grep -q "$seen" &&
        [ $s -lt 120 ]; do
    sleep 2; s=$((s + 2))
done
run $t domtce $dom
grep -E "vfio_spapr_(group_attach|create_window)" $log | sed 's/^/#   log: /'
grep -A2 "^IOMMU group $grp " /tmp/out | grep -q "$seen"
ok hotplug-tce $?
vmlck1=$(field VmLck: $pid)
echo "# memlock with both groups: VmLck $vmlck1 kB = $((vmlck1 * 1024)) bytes, limit $limit1, limit - VmLck = $(( (limit1 - vmlck1 * 1024) / 1024 )) KiB"
[ -n "$vmlck1" ] && [ $((vmlck1 * 1024)) -le "$limit1" ]
ok hotplug/vmlck-within-the-raised-limit $? "VmLck $vmlck1 kB, limit $limit1"

# detach: the guest's drmgr gives it back, QEMU deletes it, the kernel
# releases the group, e1000e gets its NIC back
t0=$(now)
run $t detach-device $dom /tmp/hp.xml --live --timeout 240
drc=$rc
echo "# detach-device returned after $(since $t0) s"
# the guest reports what it sees every 2 s (slower under nested TCG): the
# device can be gone from QEMU and the host before its line is printed
t1=$(now)
[ -n "$gbdf" ] && wait_console "^L2: pci gone $gbdf" 60
echo "# the guest's 'pci gone' line came $(since $t1) s after detach-device returned"
guest | grep -E '^L2: (hotplug|pci gone)' | tail -3 | sed 's/^/#   /'
[ $drc = 0 ] && [ "$(drv $hp)" = e1000e ] && [ -n "$gbdf" ] && guest | grep -q "^L2: pci gone $gbdf"
ok hotplug-detach $? "detach-device exit $drc, host driver $(drv $hp)"
[ -d "/proc/$pid" ] && ! ls -l /proc/$pid/fd | grep -q "/dev/vfio/$grp"
ok hotplug/qemu-no-longer-holds-the-group $?
run $t nodedev-list --details
grep "^ *pci_0001_01_00_0 " /tmp/out | awk '{exit !($NF == "-")}'
ok hotplug/no-claim-left $?
# lowered to what the live definition needs now: the PHB stays (empty),
# and KVM still charges the TCE tables of its windows
limit2=$(rlimit $pid)
$t dumpxml $dom > /tmp/live.xml 2>/dev/null
need2=$($t memlock --bytes /tmp/live.xml 2>/dev/null)
vmlck2=$(field VmLck: $pid)
echo "# memlock: $limit1 -> $limit2 bytes (started with $limit0); tcevirt memlock of the live XML $need2; VmLck $vmlck2 kB"
[ -n "$limit2" ] && [ "$limit2" -lt "$limit1" ] && [ "$limit2" = "$need2" ] &&
    [ $((vmlck2 * 1024)) -le "$limit2" ] && grep -q "memlock of QEMU: $limit1 -> $limit2 bytes" $log
ok hotplug/memlock-lowered-to-the-live-need $? "limit $limit1 -> $limit2, need $need2, VmLck $vmlck2 kB"
run $t dumpxml $dom
! grep -q "domain='0x0001' bus='0x01' slot='0x00' function='0x0'/>" /tmp/out
ok hotplug/live-xml-without-the-device $?
grep -E "tcevirt: .*hot" $log | cut -c1-200 | tail -12 | sed 's/^/#   log: /'

# the first device never moved; the guest still runs
[ "$(guest | grep "^L2: pci gone" | grep -vc "gone $gbdf\$")" = 0 ] &&
    [ -n "$pid" ] && [ -d /proc/$pid ] && [ "$(drv $bdf)" = vfio-pci ]
ok hotplug/first-device-untouched $?

run $t destroy $dom
run $t nodedev-reattach pci_0001_01_00_1
[ "$(drv $bdf)" = e1000e ] && [ "$(drv $hp)" = e1000e ] && [ "$(drv $mate)" = e1000e ]
ok teardown/every-nic-back-on-e1000e $? "$bdf $(drv $bdf), $hp $(drv $hp), $mate $(drv $mate)"

checks_done
