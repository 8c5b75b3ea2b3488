#!/bin/sh
# release-stock-test.sh TCEMODEL_RUN HOSTS_DIR REPRODUCER
#
# The reproducer of the kvm-vfio release WARN
# (kernel/selftests/kvm_vfio_release_test.c) must catch it: on the
# contract host with "kvm power release=stock" (the model playing Debian's
# stock 6.12 kernel) both of its cases fail, naming the kernel's WARNING;
# on the contract host as shipped (the fixed kernel) both pass.  TAP.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
run=$1 hosts=$2 repro=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 fails=0
ok() {
    n=$((n + 1))
    if [ "$2" = 0 ]; then echo "ok $n $1"; else
        echo "not ok $n $1"; sed 's/^/# /' "$tmp/out"; fails=$((fails + 1)); fi
}
echo "TAP version 13"
sed 's/^kvm power$/kvm power release=stock/' "$hosts/contract.host" > "$tmp/stock.host"
grep -q '^kvm power release=stock$' "$tmp/stock.host"
ok "the stock-kernel host is the contract host with release=stock" $?

TCE_BDF=0000:01:00.0 "$run" "$tmp/stock.host" "$repro" > "$tmp/out" 2>&1
rc=$?
[ $rc = 1 ] &&
    grep -q '^not ok 1 kvm_vfio_release_unlinked_group_no_warn' "$tmp/out" &&
    grep -q '^not ok 2 kvm_vfio_file_del_unlinked_group_no_warn' "$tmp/out" &&
    grep -q 'closing the KVM-VFIO device logged 1 kernel WARNING(s): "WARNING: .*virt/kvm/vfio.c:103 .*kvm_vfio_release' "$tmp/out" &&
    grep -q 'FILE_DEL logged 1 kernel WARNING(s): "WARNING: .*kvm_vfio_file_del' "$tmp/out"
ok "stock kernel (model): both cases fail, naming the WARNING (exit $rc)" $?

TCE_BDF=0000:01:00.0 "$run" "$hosts/contract.host" "$repro" > "$tmp/out" 2>&1
rc=$?
[ $rc = 0 ] && [ "$(grep -c '^ok [12] ' "$tmp/out")" = 2 ]
ok "fixed kernel (the model as shipped): both cases pass (exit $rc)" $?

echo "1..$n"
[ $fails = 0 ]
