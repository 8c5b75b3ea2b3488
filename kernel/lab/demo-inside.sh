#!/bin/busybox sh
# make demo, inside the lab's emulated POWER9 (chroot into Debian's
# ppc64el tree, kvm-hv loaded; see kernel/lab/lab.sh demo): tcevirt starts
# a KVM pseries guest with the e1000e passed through, narrated.  The host
# side prints these lines as they come.
# busybox's applets, the environment and qemu.conf of an L2 run, and
# now/since/guest: what the lab's checks use (kernel/lab/checks-lib.sh)
. /opt/tcevirt/checks-lib.sh
l2_setup
export HOME=/tmp            # the tree is read-only; virsh keeps its cache here
cd /opt/tcevirt
PATH=/opt/tcevirt:$PATH
dom=lab-l2 console=/tmp/lab-l2.console
log=$TCEVIRT_STATE_DIR/log/$dom.log
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
note() { printf '   %s\n' "$*"; }
show() { printf '\033[36m# %s\033[0m\n' "$*"; "$@" 2>&1 | sed 's/^/  /'; }
# what the demo promises; the last line says which did not happen
failed=
expect() {  # expect WHAT STATUS
    [ "$2" = 0 ] || failed="$failed; $1"
}

say "Inside the emulated POWER9: Debian's $(uname -r) kernel, kvm-hv loaded"
note "tcevirt $(tcevirt --version | cut -d' ' -f2), cross-built for ppc64le, runs as root; QEMU 10 runs as the domain's own uid."

say "1. host-validate: can this host run pseries guests with VFIO, TCEs in the kernel?"
show tcevirt host-validate

say "2. nodedev-list --details: the PCI devices, their IOMMU groups and drivers"
note "0000:01:00.0 is an e1000e alone in IOMMU group 0, on the e1000e driver: the device to pass through."
show tcevirt nodedev-list --details

say "3. tcevirtd: stock virsh (Debian's libvirt-clients $(virsh --version)) drives tcevirt"
sock=/run/tcevirt/libvirt-sock
tcevirtd --socket $sock > /tmp/tcevirtd.log 2>&1 &
i=0; while [ ! -S $sock-ro ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
export LIBVIRT_DEFAULT_URI="qemu+unix:///system?socket=$sock"
note "tcevirtd serves libvirt's remote protocol on $sock (0600) and $sock-ro (0666)"
note "LIBVIRT_DEFAULT_URI=$LIBVIRT_DEFAULT_URI"
show virsh version
virsh event --all --loop > /tmp/virsh-events 2>&1 &
evpid=$!

say "4. The domain: libvirt XML, a KVM pseries guest, the e1000e as a managed <hostdev>"
printf '\033[36m# %s\033[0m\n' "grep -E 'domain|memory|kernel|cfpc|hostdev|address|console' lab-l2.xml"
grep -E '<domain|<memory|<kernel|<cfpc|<hostdev|<address|<console' lab-l2.xml | sed 's/^/  /'
show virsh define lab-l2.xml

say "5. virsh start: supervisor, e1000e to vfio-pci, QEMU as the domain's own uid, VFIO fds handed over by seccomp"
t0=$(now)
show virsh start $dom
virsh domstate $dom 2>/dev/null | grep -q '^running'
expect "virsh start did not start the guest" $?
note "(start returned after $(since $t0) s)"
d=/sys/bus/pci/devices/0000:01:00.0/driver
note "0000:01:00.0 is now on $(basename $(readlink $d)); the supervisor's notes in $log:"
grep -E 'tcevirt: (injected|domain running)' $log | sed 's/^.*tcevirt: /  log| /'

say "6. virsh list and dominfo; tcevirt dominfo adds the TCE groups"
show virsh list
show virsh dominfo $dom
show tcevirt dominfo $dom
pid=$(tcevirt dominfo $dom | awk '$1 == "Id:" {print $2}')

say "7. tcevirt domtce (POWER-specific, in the CLI): the group is in KVM's in-kernel TCE table"
show tcevirt domtce $dom
tcevirt domtce $dom 2>/dev/null | grep -q 'observed: *in-kernel'
expect "domtce did not observe in-kernel TCE acceleration" $?

say "8. QEMU: unprivileged, no access to /dev/vfio, locked memory as computed"
note "$(grep -E '^Uid:' /proc/$pid/status | tr '\t' ' ')   (the domain's own uid from uid_range; tcevirt-qemu, uid $(id -u tcevirt-qemu), only lends its groups)"
note "$(ls -l /dev/vfio/0 | awk '{print $1, $3, $4, $NF}')   (root-only: QEMU got its fd from the supervisor)"
note "VmLck of QEMU: $(awk '$1 == "VmLck:" {print $2, $3}' /proc/$pid/status); limit tcevirt computed: $(( $(tcevirt memlock --bytes lab-l2.xml) / 1024 )) kB"

say "9. The guest's console: the e1000e, bound to its driver, link up"
t0=$(now)
shown=0 s=0
while [ $s -lt 300 ] && [ -d /proc/$pid ]; do
    lines=$(guest | grep -c '^L2:')
    if [ "$lines" -gt "$shown" ]; then
        guest | grep '^L2:' | sed -n "$((shown + 1)),${lines}p" | sed 's/^/  guest console| /'
        shown=$lines
    fi
    grep -q '^L2: ready' $console 2>/dev/null && break
    sleep 1; s=$((s + 1))
done
note "(guest ready $(since $t0) s after start returned)"
guest | grep -q '^L2: eth[0-9]* driver=e1000e'
expect "the guest has no e1000e interface" $?

say "10. virsh destroy: QEMU stops, the e1000e goes back to its driver, the claim is released"
t0=$(now)
show virsh destroy $dom
note "(destroy returned after $(since $t0) s)"
show virsh domstate --reason $dom
printf '\033[36m# %s\033[0m\n' "tcevirt nodedev-list --details | grep -e Name -e pci_0000_01_00_0"
tcevirt nodedev-list --details | grep -e Name -e pci_0000_01_00_0 | sed 's/^/  /'
[ "$(basename $(readlink $d))" = e1000e ]
expect "0000:01:00.0 is not back on e1000e" $?
kill -INT $evpid 2>/dev/null; wait $evpid 2>/dev/null   # virsh flushes on SIGINT
printf '\033[36m# %s\033[0m\n' "virsh event --all --loop   (running since step 3)"
sed 's/^/  /' /tmp/virsh-events
grep -q "Stopped Destroyed" /tmp/virsh-events
expect "virsh saw no lifecycle events" $?

if [ -z "$failed" ]; then
    say "Result: virsh started the VFIO guest, in-kernel TCE observed, the guest drove the e1000e, the host is as it was"
    echo "demo result: ok"
else
    say "Result: FAILED${failed#;}"
    echo "demo result: failed${failed#;}"
fi

say "Done: the POWER9 powers off."
