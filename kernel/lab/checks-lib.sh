# Sourced by the TAP checks that run inside the lab's POWER9 (chroot into
# Debian's ppc64el tree; kernel/lab/lab.sh copies it to /opt/tcevirt) and
# by make demo's narration there (demo-inside.sh).
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
now() { cut -d' ' -f1 /proc/uptime; }
field() { awk -v k="$1" '$1 == k {print $2}' /proc/$2/status; }  # field KEY PID
since() { echo "$1 $(now)" | awk '{printf "%.1f", $2 - $1}'; }  # since T0
# the L2 guest's console ($console, without CRs) while its QEMU ($pid) runs
guest() { tr -d '\r' < $console 2>/dev/null; }
wait_console() {  # wait_console PATTERN SECONDS: 0 once the console has it
    s=0
    while ! guest | grep -q "$1" && [ $s -lt $2 ] && [ -d /proc/$pid ]; do
        sleep 2; s=$((s + 2))
    done
    guest | grep -q "$1"
}
l2_setup() {  # what the checks that start the L2 guest (KVM) share
    export TCEVIRT_STATE_DIR=/tmp/tcevirt-state TCEVIRT_RUN_DIR=/run/tcevirt
    export TCEVIRT_CONF=/tmp/tcevirt-qemu.conf
    # QMP answers only after VFIO has pinned guest RAM: slow under TCG
    printf '[qemu]\nstart_timeout = 180\n' > $TCEVIRT_CONF
    # Debian's udev makes /dev/kvm 0666 (root:kvm); the lab has no udev
    chmod 666 /dev/kvm
}
checks_done() {  # the plan and the totals the host side counts
    echo "1..$n"
    echo "# Totals: pass:$((n - fails)) fail:$fails"
}
