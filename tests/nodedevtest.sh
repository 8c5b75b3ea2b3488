#!/bin/bash
# nodedev-list, nodedev-dumpxml, nodedev-preflight and host-validate, run
# by tcevirt in the fake host (kernel/model).  TAP output.
#   usage: nodedevtest.sh TCEMODEL_RUN MKHOST PRELOAD TCEVIRT DATADIR HOSTSDIR
#                         NODEDEV_RNG
# Golden files are DATADIR/HOST.*; VIR_TEST_REGENERATE=1 rewrites them
# (review the diff).  nodedev XML is validated with xmllint against
# libvirt's nodedev.rng when both are installed.
run=$1 mkhost=$2 preload=$3 tcevirt=$4 data=$5 hosts=$6 rng=$7
. "$(dirname "$0")/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# as tcemodel-run: an ASan-built preload needs the ASan runtime first
asan=$(ldd "$preload" 2>/dev/null | awk '/libasan/ { print $3 }')
preload="${asan:+$asan }$preload"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"


skip() {  # skip NAME WHY
    n=$((n + 1))
    echo "ok $n $1 # SKIP $2"
}

# golden NAME FILE ACTUAL: compare, or rewrite with VIR_TEST_REGENERATE=1
golden() {
    if [ "${VIR_TEST_REGENERATE:-0}" = 1 ]; then
        cp "$3" "$2"
        ok "$1" 0
    elif cmp -s "$2" "$3"; then
        ok "$1" 0
    else
        ok "$1" 1 "$(diff -u "$2" "$3" | head -40)"
    fi
}

if command -v xmllint >/dev/null && [ -r "$rng" ]; then
    have_rng=1
else
    have_rng=0
fi

# validate NAME FILE: against libvirt's nodedev.rng
validate() {
    if [ $have_rng = 0 ]; then
        skip "$1" "xmllint or $rng missing"
        return
    fi
    out=$(xmllint --noout --relaxng "$rng" "$2" 2>&1)
    ok "$1" $? "$out"
}

# tv HOSTDIR CMD...: run in a fake host built beforehand (not by tcemodel-run)
tv() {
    dir=$1
    shift
    TCEMODEL_ROOT=$dir LD_PRELOAD=$preload "$tcevirt" "$@"
}

echo "TAP version 13"

# --- nodedev-list: plain (virsh's one name per line) and --details -------
for host in power9-multifn-hostdrv contract ppc-libvirt power9-2phb; do
    "$run" $host "$tcevirt" nodedev-list > "$tmp/list" 2>"$tmp/err"
    rc=$?
    ok "nodedev-list/$host/exit-0" $([ $rc = 0 ] && [ ! -s "$tmp/err" ]; echo $?) \
        "rc=$rc $(cat "$tmp/err")"
    golden "nodedev-list/$host/golden" "$data/$host.list" "$tmp/list"
    "$run" $host "$tcevirt" nodedev-list --cap pci > "$tmp/cap"
    cmp -s "$tmp/list" "$tmp/cap"
    ok "nodedev-list/$host/cap-pci-same" $?
    grep -qvE '^pci_[0-9a-f]{4}_[0-9a-f]{2}_[0-9a-f]{2}_[0-7]$' "$tmp/list"
    ok "nodedev-list/$host/names-only" $([ $? = 1 ]; echo $?)
    TCEVIRT_STATE_DIR="$tmp/nostate" \
        "$run" $host "$tcevirt" nodedev-list --details > "$tmp/details"
    golden "nodedev-list/$host/details" "$data/$host.details" "$tmp/details"
done
ok "nodedev-list/details-creates-no-state" $([ ! -e "$tmp/nostate" ]; echo $?)

# claims and original drivers recorded by tcevirt show in --details
state=$tmp/state
mkdir -p "$state/hostdev/groups" "$state/hostdev/devices" "$state/hostdev/journal"
printf '[claim]\ndomain=guest-xhci\n' > "$state/hostdev/groups/0"
printf '[device]\ndriver=xhci_hcd\nowner=guest-xhci\n' \
    > "$state/hostdev/devices/0000:01:00.0"
TCEVIRT_STATE_DIR=$state "$run" power9-multifn-hostdrv "$tcevirt" \
    nodedev-list --details > "$tmp/details"
golden "nodedev-list/power9-multifn-hostdrv/details-claimed" \
    "$data/power9-multifn-hostdrv.details-claimed" "$tmp/details"

# --- nodedev-dumpxml: every device of every shipped host validates -------
for hostfile in "$hosts"/*.host "$data"/*.host; do
    host=$(basename "$hostfile" .host)
    dir=$tmp/h-$host
    "$mkhost" "$hostfile" "$dir" || { ok "mkhost/$host" 1; continue; }
    for name in $(tv "$dir" nodedev-list); do
        tv "$dir" nodedev-dumpxml "$name" > "$tmp/$host-$name.xml" 2>"$tmp/err"
        rc=$?
        ok "nodedev-dumpxml/$host/$name/exit-0" $([ $rc = 0 ] && [ ! -s "$tmp/err" ]; echo $?) \
            "rc=$rc $(cat "$tmp/err")"
        validate "nodedev-dumpxml/$host/$name/nodedev.rng" "$tmp/$host-$name.xml"
    done
done
# golden: a multifunction group, a bridge, a NUMA node, no driver
for case in power9-multifn-hostdrv:pci_0000_01_00_0 \
            power9-multifn-hostdrv:pci_0000_01_00_1 \
            power9-multifn-hostdrv:pci_0001_01_00_0 \
            ppc-libvirt:pci_0000_00_00_0 ppc-libvirt:pci_0005_90_01_2; do
    host=${case%%:*} name=${case#*:}
    golden "nodedev-dumpxml/$host/$name/golden" "$data/$host-$name.xml" \
        "$tmp/$host-$name.xml"
done
# an address names the same device as its node device name
tv "$tmp/h-ppc-libvirt" nodedev-dumpxml 0005:90:01.2 > "$tmp/bdf.xml"
cmp -s "$tmp/bdf.xml" "$tmp/ppc-libvirt-pci_0005_90_01_2.xml"
ok "nodedev-dumpxml/address-form" $?

# SR-IOV links (not modelled: added to the tree by hand, as sysfs has them)
dir=$tmp/h-contract
ln -s ../0001:01:00.0 "$dir/sys/devices/pci0001:00/0001:01:00.1/physfn"
ln -s ../0001:01:00.1 "$dir/sys/devices/pci0001:00/0001:01:00.0/virtfn0"
echo 7 > "$dir/sys/devices/pci0001:00/0001:01:00.0/sriov_totalvfs"
tv "$dir" nodedev-dumpxml pci_0001_01_00_0 > "$tmp/pf.xml"
tv "$dir" nodedev-dumpxml pci_0001_01_00_1 > "$tmp/vf.xml"
golden "nodedev-dumpxml/sriov/pf" "$data/contract-sriov-pf.xml" "$tmp/pf.xml"
golden "nodedev-dumpxml/sriov/vf" "$data/contract-sriov-vf.xml" "$tmp/vf.xml"
validate "nodedev-dumpxml/sriov/pf/nodedev.rng" "$tmp/pf.xml"
validate "nodedev-dumpxml/sriov/vf/nodedev.rng" "$tmp/vf.xml"

# errors: one line on stderr; exit 1 for a missing device, 2 for usage
tv "$tmp/h-contract" nodedev-dumpxml pci_0009_00_00_0 > "$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && [ ! -s "$tmp/out" ] &&
    grep -q '^error: Node device not found: host PCI device 0009:00:00.0 is not present' "$tmp/err"
ok "nodedev-dumpxml/no-such-device" $? "rc=$rc $(cat "$tmp/err")"
for args in "nodedev-dumpxml" "nodedev-dumpxml pci_0000_01_00_0 pci_0000_01_00_0" \
            "nodedev-dumpxml eth0" "nodedev-list --cap net" "nodedev-list --tree" \
            "nodedev-list bogus" "nodedev-preflight" "host-validate now"; do
    tv "$tmp/h-contract" $args > /dev/null 2>"$tmp/err"
    rc=$?
    ok "usage/${args// /_}" $([ $rc = 2 ] && grep -q '^error: ' "$tmp/err"; echo $?) \
        "rc=$rc $(cat "$tmp/err")"
done

# --- nodedev-preflight: the real DDW info of the device's group ----------
preflight() {  # preflight HOST|HOSTFILE NAME RC
    host=$(basename "$1" .host)
    "$run" "$1" "$tcevirt" nodedev-preflight "$2" > "$tmp/pf.out" 2>"$tmp/pf.err"
    rc=$?
    ok "nodedev-preflight/$host/$2/exit-$3" $([ $rc = "$3" ]; echo $?) \
        "rc=$rc $(cat "$tmp/pf.err")"
    cat "$tmp/pf.out" "$tmp/pf.err" > "$tmp/pf.all"
    golden "nodedev-preflight/$host/$2/golden" "$data/$host-$2.preflight" \
        "$tmp/pf.all"
}
preflight contract pci_0000_01_00_0 0
preflight contract pci_0001_01_00_0 1
preflight contract pci_0002_01_00_1 1
preflight power9-multifn-hostdrv pci_0000_01_00_0 1
preflight power9-multifn-hostdrv pci_0001_01_00_0 1
preflight "$data/power9-tcevfio0.host" pci_0000_01_00_0 0

# while another process holds the group: refused, the holder undisturbed
dir=$tmp/h-contract
mkfifo "$tmp/hold-in" "$tmp/hold-out"
TCEMODEL_ROOT=$dir LD_PRELOAD=$preload sh -c 'exec 4<>/dev/vfio/0 && echo held && read -r _' \
    < "$tmp/hold-in" > "$tmp/hold-out" &
holder=$!
exec 5> "$tmp/hold-in"
read -r line < "$tmp/hold-out"
tv "$dir" nodedev-preflight pci_0000_01_00_0 > "$tmp/out" 2>"$tmp/err"
rc=$?
[ "$line" = held ] && [ $rc = 1 ] &&
    grep -q "^error: resource busy: IOMMU group 0 (/dev/vfio/0) is in use by another process" "$tmp/err" &&
    grep -q '^Viable: *yes (sysfs; the group is held, the kernel was not asked)$' "$tmp/out"
ok "nodedev-preflight/held-by-other-process" $? "line=$line rc=$rc $(cat "$tmp/out" "$tmp/err")"
exec 5>&-
wait $holder
tv "$dir" nodedev-preflight pci_0000_01_00_0 > /dev/null 2>"$tmp/err"
ok "nodedev-preflight/after-holder-exits" $? "$(cat "$tmp/err")"

# --- host-validate -------------------------------------------------------
format_ok() {  # every line "CHECK: PASS|WARN|FAIL (detail)"
    ! grep -vE '^[^:]+: +(PASS|WARN|FAIL) \(.+\)$' "$1"
}
"$run" contract "$tcevirt" host-validate > "$tmp/hv" 2>"$tmp/err"
rc=$?
ok "host-validate/power-host/exit-0" $([ $rc = 0 ] && [ ! -s "$tmp/err" ]; echo $?) \
    "rc=$rc $(cat "$tmp/hv" "$tmp/err")"
format_ok "$tmp/hv"
ok "host-validate/power-host/format" $? "$(cat "$tmp/hv")"
for check in "/dev/kvm: +PASS" "kvm_hv: +PASS" \
             "KVM TCE capabilities: +PASS \(in-kernel TCE acceleration: available;" \
             "/dev/vfio/vfio: +PASS" "module vfio: +PASS" "module vfio_pci: +PASS" \
             "module vfio_iommu_spapr_tce: +PASS" "sPAPR TCE v2 IOMMU: +PASS" \
             "IOMMU groups: +PASS \(3 in /sys/kernel/iommu_groups\)" \
             "memlock: +(PASS|WARN)" "seccomp ADDFD: +(PASS|WARN)"; do
    grep -qE "^$check" "$tmp/hv"
    ok "host-validate/power-host/${check%%:*}" $? "$(cat "$tmp/hv")"
done
[ "$(wc -l < "$tmp/hv")" = 11 ]
ok "host-validate/power-host/11-checks" $?

# a host without VFIO nodes fails, naming the fix
dir=$tmp/h-novfio
"$mkhost" "$hosts/contract.host" "$dir" && rm -rf "$dir/dev/vfio"
tv "$dir" host-validate > "$tmp/hv" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && format_ok "$tmp/hv" &&
    grep -qE "^/dev/vfio/vfio: +FAIL \(the VFIO container device /dev/vfio/vfio is missing: load VFIO with 'modprobe vfio-pci'\)$" "$tmp/hv" &&
    grep -qE "^module vfio: +FAIL \(not loaded: 'modprobe vfio-pci'\)$" "$tmp/hv" &&
    grep -qE "^sPAPR TCE v2 IOMMU: +FAIL" "$tmp/hv" &&
    grep -qE "^KVM TCE capabilities: +WARN \(in-kernel TCE acceleration: unavailable: there is no VFIO container" "$tmp/hv"
ok "host-validate/no-vfio/fails-with-fix" $? "rc=$rc $(cat "$tmp/hv" "$tmp/err")"

# no IOMMU groups
dir=$tmp/h-nogroups
"$mkhost" "$hosts/contract.host" "$dir" && rm -rf "$dir"/sys/kernel/iommu_groups/*
tv "$dir" host-validate > "$tmp/hv" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -qE "^IOMMU groups: +FAIL \(/sys/kernel/iommu_groups is empty" "$tmp/hv"
ok "host-validate/no-iommu-groups" $? "rc=$rc $(cat "$tmp/hv")"

# a POWER KVM without KVM_CAP_SPAPR_TCE_VFIO: guests run, unaccelerated
"$run" "$data/power9-tcevfio0.host" "$tcevirt" host-validate > "$tmp/hv" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] &&
    grep -qE "^KVM TCE capabilities: +WARN \(in-kernel TCE acceleration: unavailable: KVM does not report KVM_CAP_SPAPR_TCE_VFIO" "$tmp/hv"
ok "host-validate/no-tce-vfio/warns" $? "rc=$rc $(cat "$tmp/hv")"

# no KVM at all
dir=$tmp/h-nokvm
"$mkhost" "$hosts/contract.host" "$dir" && echo "open:/dev/kvm ENOENT" > "$dir/faults"
tv "$dir" host-validate > "$tmp/hv" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] &&
    grep -qE "^/dev/kvm: +FAIL \(cannot open /dev/kvm: No such file or directory; load KVM with 'modprobe kvm_hv'\)$" "$tmp/hv"
ok "host-validate/no-kvm/fails-with-fix" $? "rc=$rc $(cat "$tmp/hv")"

# this machine's own /dev/kvm (x86 in CI): not a POWER KVM
case $(uname -m) in
ppc64*) skip "host-validate/this-machine-kvm" "a POWER machine" ;;
*)
    "$run" power9-2phb "$tcevirt" host-validate > "$tmp/hv" 2>"$tmp/err"
    rc=$?
    [ $rc = 1 ] && grep -qE "^/dev/kvm: +FAIL \(" "$tmp/hv" &&
        grep -qE "^kvm_hv: +FAIL \(" "$tmp/hv"
    ok "host-validate/this-machine-kvm/fails" $? "rc=$rc $(cat "$tmp/hv")"
    ;;
esac

tap_done
