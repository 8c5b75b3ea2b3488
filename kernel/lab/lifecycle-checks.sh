#!/bin/busybox sh
# Runs inside the lab's POWER9 (chroot into Debian's ppc64el tree, kvm-hv
# loaded): the domain lifecycle of tcevirt on the real 6.12 kernel with a
# KVM pseries guest (L2) that has the lone e1000e 0000:01:00.0 passed
# through (/opt/tcevirt/lab-l2.xml, guest /init: kernel/lab/l2-init.sh).
# TAP output; "# " lines carry the commands, their output and the numbers.
. /opt/tcevirt/checks-lib.sh
l2_setup
t=/opt/tcevirt/tcevirt
xml=/opt/tcevirt/lab-l2.xml
dom=lab-l2 bdf=0000:01:00.0
console=/tmp/lab-l2.console
log=$TCEVIRT_STATE_DIR/log/$dom.log
echo "TAP version 13"
echo "# $($t --version) on $(uname -r) $(uname -m)"

grp=$(group $bdf)

uid=$(id -u tcevirt-qemu 2>/dev/null)
[ -n "$uid" ] && [ "$uid" != 0 ]
ok setup/qemu-user-exists $? "no tcevirt-qemu in /etc/passwd"
echo "# tcevirt-qemu: uid $uid; $bdf driver $(drv $bdf), IOMMU group $grp"

run $t define $xml
ok define $rc

run $t memlock $xml
limit=$($t memlock --bytes $xml 2>/dev/null)
[ -n "$limit" ] && [ "$limit" -gt 0 ] 2>/dev/null
ok memlock/computes-a-limit $? "limit '$limit'"

t0=$(now)
run $t start $dom
t1=$(now)
ok start $rc
echo "# start returned after $(echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}') s"

run $t list
grep -q "^ *[0-9][0-9]* *$dom *running" /tmp/out
ok list/shows-it-running $?

run $t dominfo $dom
pid=$(awk '$1 == "Id:" {print $2}' /tmp/out)
grep -q "^State: *running" /tmp/out && [ -d "/proc/$pid" ]
ok dominfo/running-with-a-qemu-pid $? "pid '$pid'"
grep -q "^VFIO handoff: *seccomp" /tmp/out
ok dominfo/vfio-handoff-is-seccomp $?
[ -n "$pid" ] || pid=$(pgrep -f "guest=$dom," | head -1)

# QEMU runs as the domain's own uid and gid (uid_range, recorded in the
# status), with tcevirt-qemu's supplementary groups, and cannot open the
# group node itself
quid=$(field Uid: $pid)
suid=$(sed -n 's/.*"qemu-uid" : \([0-9]*\).*/\1/p' /run/tcevirt/qemu/$dom.status)
echo "# QEMU pid $pid: $(grep -E '^(Uid|Gid|Groups|NoNewPrivs|Seccomp):' /proc/$pid/status | tr '\t' ' ' | tr '\n' ';') status qemu-uid $suid"
[ "$quid" = "$suid" ] && [ "$quid" -ge 1879048192 ] &&
    [ "$(awk '$1 == "Uid:" || $1 == "Gid:" {printf "%s%s%s%s", $2, $3, $4, $5}' /proc/$pid/status)" = "$quid$quid$quid$quid$quid$quid$quid$quid" ]
ok qemu/runs-as-the-domains-own-uid $? "Uid/Gid: $(grep -E '^(Uid|Gid):' /proc/$pid/status | tr '\n' ' ') status $suid"
uid=$quid
echo "# $(ls -l /dev/vfio/$grp)"
[ "$(stat -c '%u %a' /dev/vfio/$grp)" = "0 600" ]
ok qemu/group-node-is-root-only $? "$(stat -c '%U %a' /dev/vfio/$grp)"
# (the tree's busybox setpriv cannot change uids: python3 does it)
python3 -c "import os, sys
os.setgroups([]); os.setgid($uid); os.setuid($uid)
try:
    os.open('/dev/vfio/$grp', os.O_RDWR); print('opened')
except OSError as e:
    print(e.strerror, '(errno %d)' % e.errno)" > /tmp/out 2>&1
grep -q "Permission denied (errno 13)" /tmp/out
ok qemu/user-cannot-open-the-group-itself $? "$(cat /tmp/out)"
echo "# as uid $uid: $(cat /tmp/out)"
ls -l /proc/$pid/fd 2>/dev/null | grep -q "/dev/vfio/$grp"
ok qemu/holds-the-injected-group-fd $?

# the guest boots and drives the NIC (KVM under TCG: about a minute)
t0=$(now)
wait_console "^L2: ready" 300
ready=$?
echo "# L2 console ($console), ready after $(echo "$t0 $(now)" | awk '{printf "%.0f", $2 - $1}') s:"
guest | grep -E '^L2:|e1000e' | head -20 | sed 's/^/#   /'
# (both lines come before "L2: ready": a guest that never got there says so)
notready=$([ $ready = 0 ] || echo "the guest did not say 'L2: ready' within 300 s")
guest | grep -q "^L2: pci .*0x8086:0x10d3 .*driver=e1000e"
ok guest/sees-the-e1000e-bound-to-its-driver $? "$notready"
guest | grep -q "^L2: eth[0-9]* driver=e1000e"
ok guest/has-an-e1000e-interface $? "$notready"

# TCE acceleration: the group is attached to KVM's in-kernel TCE table
grep -E "vfio_spapr_(group_attach|create_window)" $log | sed 's/^/#   /'
grep -q "vfio_spapr_group_attach Attached groupfd" $log
ok trace/group-attached-to-in-kernel-tce-table $?
if $t help domtce > /dev/null 2>&1; then
    run $t domtce $dom
    grep -q "observed: *in-kernel (.*the kernel saw [0-9]* attach" /tmp/out
    ok domtce/observed-in-kernel-by-the-kernels-own-kprobe $?
else
    skip domtce/observed-in-kernel-by-the-kernels-own-kprobe "tcevirt has no domtce verb yet"
fi

# locked memory: what the kernel charged against what tcevirt set
vmlck=$(field VmLck: $pid)
loglimit=$(sed -n 's/.*starting QEMU.*memlock \([0-9]*\) bytes.*/\1/p' $log | tail -1)
rlimit=$(awk '/^Max locked memory/ {print $4}' /proc/$pid/limits)
echo "# memlock: VmLck $vmlck kB = $((vmlck * 1024)) bytes; limit: memlock $limit, log $loglimit, /proc/$pid/limits $rlimit bytes"
echo "# memlock: limit - VmLck = $(( (limit - vmlck * 1024) / 1024 )) KiB, limit / VmLck = $(echo "$limit $vmlck" | awk '{printf "%.3f", $1 / ($2 * 1024)}')"
[ -n "$vmlck" ] && [ "$vmlck" -gt 0 ] && [ $((vmlck * 1024)) -le "$limit" ]
ok memlock/vmlck-within-the-limit $? "VmLck ${vmlck} kB, limit $limit"
[ -n "$vmlck" ] && [ "$limit" -le $((vmlck * 1024 + vmlck * 1024 / 20 + 16 * 1048576)) ]
ok memlock/limit-close-to-vmlck $? "limit $limit > 1.05 * VmLck + 16 MiB"
[ "$loglimit" = "$limit" ] && [ "$rlimit" = "$limit" ]
ok memlock/qemu-got-the-computed-limit $? "log $loglimit, rlimit $rlimit, computed $limit"

# destroy: everything back as it was
t0=$(now)
run $t destroy $dom
ok destroy $rc
echo "# destroy returned after $(echo "$t0 $(now)" | awk '{printf "%.1f", $2 - $1}') s"
[ ! -d /proc/$pid ]
ok destroy/qemu-gone $?
[ "$(drv $bdf)" = e1000e ]
ok destroy/nic-back-on-e1000e $? "driver $(drv $bdf)"
run $t nodedev-list --details
grep "^ *pci_0000_01_00_0 " /tmp/out | awk '{exit !($NF == "-")}'
ok destroy/no-claim-left $?
run $t domstate --reason $dom
[ "$(head -1 /tmp/out)" = "shut off (destroyed)" ]
ok domstate/shut-off-destroyed $?
grep -E "tcevirt: " $log | cut -c1-200 | tail -8 | sed 's/^/#   log: /'

# a hostile QEMU in QEMU's place (tests/hostileqemu.c) on the real kernel:
# the other e1000e on vfio-pci gives a foreign group node that exists
# (root 0600), so every route must fail with the kernel's own errno; the
# lent group must work; then the real QEMU starts from the same argv
other=0001:01:00.0
run $t nodedev-detach pci_0001_01_00_0
fgrp=$(group $other)
cat > /tmp/hostile-qemu <<SH
#!/bin/busybox sh
export HOSTILE_NEXT=/usr/bin/qemu-system-ppc64 HOSTILE_STRICT=1 HOSTILE_LENT=$grp HOSTILE_FOREIGN=$fgrp
exec /opt/tcevirt/hostileqemu "\$@"
SH
chmod 755 /tmp/hostile-qemu
sed -e "s|<emulator>.*</emulator>|<emulator>/tmp/hostile-qemu</emulator>|" \
    -e "s|<name>$dom</name>|<name>hostile</name>|" -e "s|lab-l2.console|hostile.console|" $xml > /tmp/hostile.xml
hlog=$TCEVIRT_STATE_DIR/log/hostile.log
run $t define /tmp/hostile.xml
run $t start hostile
grep -o "hostile: .*" $hlog | sed 's/^/#   /'
[ $rc = 0 ] && grep -q "hostile: [0-9]* routes, [0-9]* refused, 0 opened, 0 unexpected" $hlog &&
    grep -q "hostile: lent group /dev/vfio/$grp: usable" $hlog && [ -e /dev/vfio/$fgrp ]
ok hostile/every-route-refused-the-lent-group-usable $? "$(cat /tmp/out | head -5)"
run $t destroy hostile
[ $rc = 0 ] && [ "$(drv $bdf)" = e1000e ]
ok hostile/destroy-restores-the-host $? "driver $(drv $bdf)"
$t undefine hostile > /dev/null 2>&1
run $t nodedev-reattach pci_0001_01_00_0
[ "$(drv $other)" = e1000e ]
ok hostile/foreign-device-back-on-e1000e $? "driver $(drv $other)"

checks_done
