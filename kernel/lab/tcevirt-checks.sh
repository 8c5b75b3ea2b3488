#!/bin/busybox sh
# Runs inside the lab's POWER9 (chroot into Debian's ppc64el tree): tcevirt
# against the real 6.12 kernel.  TAP output.  Devices (kernel/lab/lab.sh):
#   0000:01:00.0 e1000e alone in its group; 0001:01:00.0/.1 e1000e pair in
#   one group; 0002:01:00.0 xHCI.
. /opt/tcevirt/checks-lib.sh
export TCEVIRT_STATE_DIR=/tmp/tcevirt-state
t=/opt/tcevirt/tcevirt
echo "TAP version 13"
echo "# $($t --version) on $(uname -r) $(uname -m)"

lone=0000:01:00.0 pair0=0001:01:00.0 pair1=0001:01:00.1

run $t host-validate
[ $rc = 0 ] && grep -q "in-kernel TCE acceleration: available" /tmp/out
ok host-validate/passes-with-tce-acceleration $? "exit $rc"

run $t nodedev-list --details
grep -q "pci_0000_01_00_0 .*e1000e" /tmp/out &&
    grep -q "pci_0001_01_00_1 .*e1000e" /tmp/out
ok nodedev-list/shows-the-real-devices $?

run $t nodedev-dumpxml pci_0001_01_00_0
grep -q "<iommuGroup number='$(group $pair0)'>" /tmp/out &&
    grep -q "function='0x1'" /tmp/out
ok nodedev-dumpxml/iommu-group-with-both-functions $?

run $t nodedev-detach pci_0000_01_00_0
[ $rc = 0 ] && [ "$(drv $lone)" = vfio-pci ]
ok nodedev-detach/moves-to-vfio-pci $? "driver $(drv $lone)"
[ -e /dev/vfio/$(group $lone) ]
ok nodedev-detach/group-node-appears $?
run $t nodedev-preflight pci_0000_01_00_0
[ $rc = 0 ] && grep -q "^DDW: .*windows" /tmp/out && grep -q "sPAPR TCE v2" /tmp/out
ok nodedev-preflight/real-ddw-info $?

run $t nodedev-reattach pci_0000_01_00_0
[ $rc = 0 ] && [ "$(drv $lone)" = e1000e ]
ok nodedev-reattach/back-on-e1000e $? "driver $(drv $lone)"

run $t nodedev-detach $pair0
[ $rc = 0 ] && [ "$(drv $pair0)" = vfio-pci ] && [ "$(drv $pair1)" = e1000e ]
ok nodedev-detach/one-function-of-a-pair $?
run $t nodedev-reattach $pair0
[ "$(drv $pair0)" = e1000e ] && [ "$(drv $pair1)" = e1000e ]
ok nodedev-reattach/pair-restored $?

run $t nodedev-detach pci_0009_01_00_0
[ $rc = 1 ] && grep -q "not present" /tmp/out
ok nodedev-detach/unknown-device-fails-cleanly $?

checks_done
