#!/bin/busybox sh
# Runs inside the lab's POWER9 (chroot into Debian's ppc64el tree, kvm-hv
# loaded): the locked memory the real 6.12 kernel charges to QEMU against
# the limit tcevirt sets, for four KVM pseries guests (the L2 of
# lifecycle-checks.sh, 512 MiB):
#   none   no host device
#   32bit  the e1000e 0000:01:00.0 passed through; no <maxMemory>, so
#          Debian's 6.12 guest creates no DDW (ibm,lrdr-capacity is 0 and
#          it asks for a window of 2^0 bytes: RTAS -3) and DMAs through
#          the 32-bit window
#   ddw    the same with <maxMemory> 1 GiB: the guest creates its 64-bit
#          DDW (2 GiB) through QEMU's VFIO_IOMMU_SPAPR_TCE_CREATE
#   2phb   ddw plus the two-function e1000e of group 1 on a second PHB:
#          two containers, two DDWs
# Each row: VmLck <= limit <= VmLck * 1.05 + 16 MiB.  TAP; "# memlock-row:"
# lines are the table of docs/performance.rst.
. /opt/tcevirt/checks-lib.sh
l2_setup
t=/opt/tcevirt/tcevirt
base=/opt/tcevirt/lab-l2.xml
echo "TAP version 13"
echo "# $($t --version) on $(uname -r) $(uname -m)"

hostdev() {  # hostdev DOMAIN BUS FUNCTION: a <hostdev> line
    echo "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='$1' bus='$2' slot='0x00' function='$3'/></source></hostdev>"
}
# the L2 definition of row $1 on stdout
rowxml() {
    maxmem="" extra=""
    case $1 in
        none) ;;
        32bit) extra=$(hostdev 0x0000 0x01 0x0) ;;
        ddw) maxmem="<maxMemory slots='2' unit='MiB'>1024</maxMemory>"
             extra=$(hostdev 0x0000 0x01 0x0) ;;
        2phb) maxmem="<maxMemory slots='2' unit='MiB'>1024</maxMemory>"
              extra="$(hostdev 0x0000 0x01 0x0)$(hostdev 0x0001 0x01 0x0)$(hostdev 0x0001 0x01 0x1)" ;;
    esac
    # the base's hostdev goes; the row's devices take its place
    tr '\n' '\v' < $base |
        sed -e "s|<hostdev .*</hostdev>||" \
            -e "s|<name>lab-l2</name>|<name>ml-$1</name>$maxmem|" \
            -e "s|lab-l2.console|ml-$1.console|" \
            -e "s|<controller type='usb'|$extra<controller type='usb'|" |
        tr '\v' '\n'
}

row() {
    r=$1 dom=ml-$1
    console=/tmp/ml-$r.console log=$TCEVIRT_STATE_DIR/log/ml-$r.log
    rowxml $r > /tmp/ml-$r.xml
    run $t define /tmp/ml-$r.xml
    ok $r/define $rc
    run $t start ml-$r
    ok $r/start $rc
    pid=$(sed -n 's/.*"qemu-pid" : \([0-9]*\).*/\1/p' /run/tcevirt/qemu/$dom.status 2>/dev/null)
    [ -n "$pid" ] || pid=$(pgrep -f "guest=$dom," | head -1)
    t0=$(now)
    wait_console "^L2: ready" 300
    ready=$?
    echo "# $r: guest ready after $(echo "$t0 $(now)" | awk '{printf "%.0f", $2 - $1}') s"
    guest | grep -E '^L2: (eth|pci|no eth)' | sed 's/^/#   /'
    ok $r/guest-ready $ready
    grep -E "IOMMU of the host devices|vfio_spapr_create_window" $log | sed 's/^/#   /'
    # DDWs QEMU created for the guest: the windows at 2^59 (QEMU's trace
    # reaches the log through the supervisor's copy of its output: give
    # the copy time)
    case $r in
        none|32bit) want=0 ;;
        ddw) want=1 ;;
        2phb) want=2 ;;
    esac
    s=0
    while ddws=$(grep -c "vfio_spapr_create_window .*0x800000000000000" $log)
          [ "$ddws" -lt "$want" ] && [ $s -lt 30 ]; do
        sleep 2; s=$((s + 2))
    done
    [ "$ddws" = "$want" ]
    ok $r/guest-created-$want-ddw $? "$ddws DDWs in $log"
    vmlck=$(field VmLck: $pid)
    limit=$(sed -n 's/.*starting QEMU.*memlock \([0-9]*\) bytes.*/\1/p' $log | tail -1)
    rlimit=$(awk '/^Max locked memory/ {print $4}' /proc/$pid/limits)
    vb=$((vmlck * 1024))
    echo "# memlock-row: $r | DDWs $ddws | limit $limit | VmLck $vb | limit - VmLck $(( (limit - vb) / 1024 )) KiB | limit / VmLck $(echo "$limit $vb" | awk '{printf "%.4f", $1 / $2}')"
    [ -n "$vmlck" ] && [ "$vb" -gt 0 ] && [ "$vb" -le "$limit" ]
    ok $r/vmlck-within-the-limit $? "VmLck $vb, limit $limit"
    [ -n "$vmlck" ] && [ "$limit" -le $((vb + vb / 20 + 16 * 1048576)) ]
    ok $r/limit-at-most-1.05-vmlck-plus-16mib $? "limit $limit, VmLck $vb"
    [ "$rlimit" = "$limit" ]
    ok $r/qemu-got-the-limit $? "rlimit $rlimit, log $limit"
    run $t memlock /tmp/ml-$r.xml
    run $t destroy ml-$r
    ok $r/destroy $rc
    run $t undefine ml-$r
}

for r in none 32bit ddw 2phb; do
    row $r
done
for b in 0000:01:00.0 0001:01:00.0 0001:01:00.1; do
    [ "$(drv $b)" = e1000e ]
    ok host/$b-back-on-e1000e $? "$(drv $b)"
done
checks_done
