#!/bin/bash
# make demo: tcevirt at work, narrated.  A short prelude on the fake POWER9
# host (kernel/model), then the real thing: Debian's ppc64le kernel in an
# emulated POWER9 (kernel/lab), where tcevirt starts a KVM pseries guest
# with an e1000e passed through.  The lab's output streams as it comes.
#   scripts/demo.sh BUILD_DIR
set -uo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
build=$(cd "$build" && pwd)
run="$build/kernel/model/tcemodel-run power9-2phb"
tcevirt="$build/tools/tcevirt"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '\033[36m$ %s\033[0m\n' "$*"; }
t0=$(date +%s)

say "tcevirt $($tcevirt --version | cut -d' ' -f2): libvirt domain XML -> pseries QEMU with VFIO"
echo "Prelude on the fake POWER9 host of kernel/model (two PHBs, three IOMMU groups);"
echo "then the real kernel in an emulated POWER9."

say "A. One spapr-pci-host-bridge per IOMMU group, placed when the XML is normalized"
show "tcevirt validate --normalized docs/examples/pseries-vfio.xml | grep -A3 \"model='pci-root'\""
$run "$tcevirt" validate --normalized docs/examples/pseries-vfio.xml 2>&1 |
    grep -A3 "model='pci-root'" | grep -v '^--'

say "B. A group split across PHBs is refused before QEMU would fail"
show "tcevirt validate docs/examples/pseries-group-split.xml"
$run "$tcevirt" validate docs/examples/pseries-group-split.xml
echo "(exit status $?)"

say "C. The real kernel: Debian's ppc64le 6.12 in an emulated POWER9 (QEMU powernv9, TCG)"
echo "The lab boots it with an e1000e per PHB, kvm-hv and VFIO loaded, and runs tcevirt"
echo "(cross-built for ppc64le) inside: about a minute (the first run also downloads"
echo "Debian's ppc64el kernel and builds a ppc64el tree, some 20 s more on a fast mirror)."
kernel/lab/lab.sh demo "$build"
rc=$?
say "Demo finished in $(( $(date +%s) - t0 )) s (the lab's console: ${LAB_OUT:-$build/lab}/console-demo.log)"
exit $rc
