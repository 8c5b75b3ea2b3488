# Sourced by the TAP checks that run inside the lab's POWER9 (chroot into
# Debian's ppc64el tree; kernel/lab/lab.sh copies it to /opt/tcevirt).
# the extracted tree has busybox but not its applet links: make them
/bin/busybox mkdir -p /tmp/bin && /bin/busybox --install -s /tmp/bin
export PATH=/tmp/bin:/bin:/usr/bin:/sbin:/usr/sbin
n=0 fails=0
ok() {  # ok NAME STATUS [DETAIL...]
    n=$((n + 1))
    if [ "$2" = 0 ]; then
        echo "ok $n $1"
    else
        echo "not ok $n $1"
        shift 2
        [ $# -gt 0 ] && echo "# $*"
        fails=$((fails + 1))
    fi
}
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
drv() { d=/sys/bus/pci/devices/$1/driver; [ -e $d ] && basename $(readlink $d) || echo none; }
group() { basename $(readlink /sys/bus/pci/devices/$1/iommu_group); }
run() {  # run CMD...: show the command and its output; status in $rc
    echo "# \$ ${*#/opt/tcevirt/}"
    "$@" > /tmp/out 2>&1
    rc=$?
    sed 's/^/#   /' /tmp/out
}
checks_done() {  # the plan and the totals the host side counts
    echo "1..$n"
    echo "# Totals: pass:$((n - fails)) fail:$fails"
}
