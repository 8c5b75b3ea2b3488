#!/bin/bash
# Domain lifecycle with host devices, in the fake host (contract.host: a
# POWER9 with KVM; group 0 = 0000:01:00.0 on vfio-pci, group 2 =
# 0002:01:00.0/.1 on e1000e) and the fake QEMU (tests/fakeqemu.c), which
# opens its VFIO groups like QEMU 10 over the supervisor's seccomp handoff.
# Every way a domain ends must leave the host as it was: managed devices on
# their drivers, no claim, no ownership change, no runtime file.  TAP.
# usage: (in the fake host) lifecyclehostdevtest.sh TCEVIRT FAKEQEMU XMLDIR
tcevirt=$1 fakeqemu=$2 data=$3 hostile=$4
# ps, pgrep and pkill run without the fake host: they gain nothing from it,
# and pgrep under an ASan-built model preload deadlocked reading /proc/PID/status
. "$(dirname "$0")/tap.sh"
tmp=$(mktemp -d)
chmod 711 "$tmp"
export TCEVIRT_STATE_DIR=$tmp/state TCEVIRT_RUN_DIR=$tmp/run TCEVIRT_CONF=$tmp/qemu.conf
if [ "$(id -u)" = 0 ]; then export TCEVIRT_QEMU_USER=nobody; else export TCEVIRT_QEMU_USER=; fi
printf '[qemu]\nstart_timeout = 10\n' > "$TCEVIRT_CONF"
trap 'LD_PRELOAD= pkill -9 -f "guest=hd-" 2>/dev/null; rm -rf "$tmp"' EXIT

t() { "$tcevirt" "$@" >"$tmp/out" 2>"$tmp/err"; }
state() { "$tcevirt" domstate --reason "$1" 2>/dev/null | head -1; }
drv() { local d=/sys/bus/pci/devices/$1/driver; [ -e "$d" ] && basename "$(readlink "$d")" || echo none; }
qemu_gone() { ! LD_PRELOAD= pgrep -f "guest=$1," >/dev/null; }
is_state() { [ "$(state "$1")" = "$2" ]; }
claims() { ls "$tmp/state/hostdev/groups" 2>/dev/null | wc -l; }
# the host as it was: group 2 on e1000e, group 0 on vfio-pci root-owned,
# no claims, no runtime files but locks and the last stop reason
restored() {
    local left
    left=$(cd "$tmp/run/qemu" 2>/dev/null && ls | grep -v -e '\.lock$' -e '\.shutoff$')
    [ "$(drv 0002:01:00.0)" = e1000e ] && [ "$(drv 0002:01:00.1)" = e1000e ] &&
        [ "$(drv 0000:01:00.0)" = vfio-pci ] && [ "$(claims)" = 0 ] && [ -z "$left" ] &&
        [ "$(stat -c '%u:%g %a' /dev/vfio/0)" = "0:0 600" ] && qemu_gone "$1"
}
why() {
    echo "state=$(state "$1") 2.0=$(drv 0002:01:00.0) 2.1=$(drv 0002:01:00.1) 0=$(drv 0000:01:00.0) claims=$(claims) node0=$(stat -c '%u:%g %a' /dev/vfio/0)"
    ls "$tmp/run/qemu" 2>/dev/null
    cat "$tmp/err"; tail -15 "$tmp/state/log/$1.log" 2>/dev/null
}

# QEMU: the fake one, opening /dev/vfio/N as a real syscall so that the
# supervisor's seccomp listener answers it (in DAC mode: through the model)
cat > "$tmp/qemu" <<SH
#!/bin/sh
[ -n "\$HANDOFF_DAC" ] || export TCEMODEL_VFIO_OPEN=syscall
exec "$fakeqemu" "\$@"
SH
chmod 755 "$tmp/qemu"

domain() {  # domain NAME MANAGED BDF...
    local name=$1 managed=$2; shift 2
    {
        # within the 8 MiB a container without CAP_SYS_RESOURCE allows; the
        # fake QEMU registers no guest RAM
        echo "<domain type='kvm'><name>$name</name><memory unit='MiB'>512</memory>"
        echo "<memtune><hard_limit unit='KiB'>8192</hard_limit></memtune>"
        echo "<os><type arch='ppc64le' machine='pseries'>hvm</type></os>${EXTRA:-}"
        echo "<devices><emulator>${EMULATOR:-$tmp/qemu}</emulator>"
        for bdf in "$@"; do
            IFS=':.' read -r d b s f <<<"$bdf"
            echo "<hostdev mode='subsystem' type='pci' managed='$managed'><source>"
            echo "<address domain='0x$d' bus='0x$b' slot='0x$s' function='0x$f'/></source></hostdev>"
        done
        echo "<memballoon model='none'/></devices></domain>"
    } > "$tmp/$name.xml"
    "$tcevirt" define "$tmp/$name.xml" >/dev/null
}

echo "TAP version 13"
domain hd-a yes 0002:01:00.0 0002:01:00.1
domain hd-b yes 0002:01:00.0
domain hd-u no 0000:01:00.0
EXTRA="<on_poweroff>restart</on_poweroff>" domain hd-r no 0000:01:00.0
EXTRA="<on_poweroff>preserve</on_poweroff>" domain hd-p no 0000:01:00.0

t start hd-a; ok "start with a managed group" $? "$(why hd-a)"
[ "$(drv 0002:01:00.0)" = vfio-pci ] && [ "$(drv 0002:01:00.1)" = vfio-pci ]
ok "both functions of group 2 are on vfio-pci" $? "$(why hd-a)"
t nodedev-list --details; grep -q "0002:01:00.0 .* hd-a *$" "$tmp/out"
ok "nodedev-list names the owning domain" $? "$(cat "$tmp/out")"
# the domain's own uid (recorded in its status) from uid_range when root
suid() { sed -n 's/.*"qemu-uid" : \([0-9]*\).*/\1/p' "$tmp/run/qemu/$1.status"; }
want=$(suid hd-a); [ "$(id -u)" = 0 ] || want=$(id -u)
[ "$(id -u)" != 0 ] || [ "${want:-0}" -ge 1879048192 ]
LD_PRELOAD= ps -o uid= -p "$(LD_PRELOAD= pgrep -f 'guest=hd-a,')" | grep -qx " *$want"
ok "QEMU runs as the domain's own uid" $? "want=$want $(LD_PRELOAD= ps -o uid=,cmd= -C fakeqemu)"
grep -q "injected /dev/vfio/2 into pid [0-9]* as fd" "$tmp/state/log/hd-a.log"
ok "the supervisor handed QEMU /dev/vfio/2" $? "$(why hd-a)"
# the fake QEMU's trace line claims the attach; the fake host has no
# tracefs, so the kernel gives no word and the verdict stays unverified
# (the lab's real kernel gives it: kernel/lab/lifecycle-checks.sh)
wait_for 5 sh -c "'$tcevirt' domtce hd-a | grep -q 'observed: *unverified'"
"$tcevirt" domtce hd-a 2>&1 | grep -q "QEMU's trace says it attached the group (its fd [0-9]*) to the KVM TCE table fd [0-9]*, but the kernel gave no evidence" &&
    grep -q "kernel evidence unavailable: no tracefs with kprobe events" "$tmp/state/log/hd-a.log"
ok "domtce: QEMU's word alone is unverified" $? "$("$tcevirt" domtce hd-a 2>&1)"
t dominfo hd-a; grep -q "TCE group 2: *predicted in-kernel, observed unverified" "$tmp/out"
ok "dominfo shows TCE acceleration per group" $? "$(cat "$tmp/out")"
t start hd-b; [ $? = 1 ] && grep -q "hd-a" "$tmp/err" && [ ! -e "$tmp/run/qemu/hd-b.status" ] &&
    [ "$(drv 0002:01:00.0)" = vfio-pci ] && qemu_gone hd-b && LD_PRELOAD= pgrep -f "guest=hd-a," >/dev/null
ok "a group claimed by hd-a is refused for hd-b, naming hd-a; nothing changes" $? "$(cat "$tmp/err"; ls "$tmp/run/qemu")"
t destroy hd-a && is_state hd-a "shut off (destroyed)" && restored hd-a
ok "destroy: the host is as it was" $? "$(why hd-a)"

# a QEMU that opens a group of another domain
FAKEQEMU_OPEN_GROUP=0 "$tcevirt" start hd-a >"$tmp/out" 2>"$tmp/err"
grep -q "denied open of /dev/vfio/0" "$tmp/state/log/hd-a.log" &&
    grep -q "fakeqemu: open /dev/vfio/0: Permission denied" "$tmp/state/log/hd-a.log"
ok "QEMU opening another domain's group gets EACCES" $? "$(why hd-a)"
"$tcevirt" destroy hd-a >/dev/null 2>&1; wait_for 5 restored hd-a
ok "... and the host is restored" $? "$(why hd-a)"

# security does not rest on the broker's path matching: a node QEMU could
# open by its mode bits stops the start before anything changes
chmod 0666 /dev/vfio/0
t start hd-a; rc=$?
chmod 0600 /dev/vfio/0
[ $rc = 1 ] && grep -q "/dev/vfio/0 (owner 0:0, mode 0666) can be opened by QEMU's uid" "$tmp/err" &&
    qemu_gone hd-a && restored hd-a
ok "a /dev/vfio node open to QEMU's uid: start refused, naming it, host untouched" $? "rc=$rc $(cat "$tmp/err"; why hd-a)"

FAKEQEMU_GUEST_POWEROFF_MS=100 "$tcevirt" start hd-a >/dev/null 2>"$tmp/err"
wait_for 10 is_state hd-a "shut off (shutdown)" && wait_for 5 restored hd-a
ok "guest power-off: shut off (shutdown), host restored" $? "$(why hd-a)"

FAKEQEMU_EXIT_AFTER_MS=100 "$tcevirt" start hd-a >/dev/null 2>"$tmp/err"
wait_for 10 is_state hd-a "shut off (crashed)" && wait_for 5 restored hd-a
ok "QEMU crash: shut off (crashed), host restored" $? "$(why hd-a)"

t start hd-a && t shutdown hd-a && wait_for 10 is_state hd-a "shut off (shutdown)" && restored hd-a
ok "shutdown: the guest powers off, host restored" $? "$(why hd-a)"

FAKEQEMU_HANG_QUIT=1 "$tcevirt" start hd-a >/dev/null 2>"$tmp/err"
t destroy hd-a && is_state hd-a "shut off (destroyed)" && restored hd-a &&
    grep -q "sending SIGKILL" "$tmp/state/log/hd-a.log"
ok "a QEMU ignoring quit and SIGTERM is killed" $? "$(why hd-a)"

# the broker fails: QEMU's open of its group would wait forever; it is
# killed instead and the start fails cleanly
start=$(date +%s)
TCEVIRT_TEST_FAULT_AT=seccomp-broker "$tcevirt" start hd-a >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc != 0 ] && [ $(( $(date +%s) - start )) -lt 10 ] && qemu_gone hd-a && restored hd-a &&
    grep -q "the seccomp broker stopped; killing QEMU" "$tmp/state/log/hd-a.log"
ok "the seccomp broker fails: QEMU killed, start fails, host restored" $? "rc=$rc $(cat "$tmp/err"; why hd-a)"

LD_PRELOAD= pkill -9 -f "guest=hd-a," 2>/dev/null
t start hd-a && LD_PRELOAD= pkill -9 -f "guest=hd-a,"
wait_for 10 is_state hd-a "shut off (crashed)" && wait_for 5 restored hd-a
ok "QEMU killed -9: host restored" $? "$(why hd-a)"

# read-only queries never wait: after a crash, a group another process
# still holds is reported as pending instead of blocking 30 s
t start hd-a
S=$(sed -n 's/.*"supervisor-pid" : \([0-9]*\).*/\1/p' "$tmp/run/qemu/hd-a.status")
kill -9 "$S"; wait_for 10 qemu_gone hd-a
mkfifo "$tmp/hold"
sh -c 'exec 4<>/dev/vfio/2 && echo held && read -r _' < "$tmp/hold" > "$tmp/held" 2>&1 &
holder=$!
exec 7>"$tmp/hold"
wait_for 5 grep -q held "$tmp/held"
t0=$(date +%s%N)
t list --all
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ $ms -lt 3000 ] && grep -q "device release pending: group 2 of domain 'hd-a' is still open" "$tmp/err" &&
    grep -q "hd-a *shut off" "$tmp/out"
ok "list with a crashed domain's group still open: answers in ${ms} ms, release pending" $? "$(cat "$tmp/held" "$tmp/out" "$tmp/err")"
exec 7>&-
wait "$holder"
t list --all; restored hd-a
ok "... once it is closed, the next command finishes the teardown" $? "$(why hd-a)"

# <on_poweroff>: restart keeps QEMU and the devices, preserve keeps the guest
FAKEQEMU_GUEST_POWEROFF_MS=100 "$tcevirt" start hd-r >/dev/null 2>"$tmp/err"
pid=$(LD_PRELOAD= pgrep -f "guest=hd-r,")
wait_for 10 grep -q "restarting the guest" "$tmp/state/log/hd-r.log" &&
    wait_for 5 is_state hd-r "running (booted)" && [ "$(LD_PRELOAD= pgrep -f "guest=hd-r,")" = "$pid" ]
ok "on_poweroff restart: the guest boots again in the same QEMU" $? "$(why hd-r)"
t destroy hd-r && restored hd-r; ok "... and destroy restores the host" $? "$(why hd-r)"
FAKEQEMU_GUEST_POWEROFF_MS=100 "$tcevirt" start hd-p >/dev/null 2>"$tmp/err"
wait_for 10 is_state hd-p "in shutdown (shutdown)"
ok "on_poweroff preserve: the guest stays, in shutdown" $? "$(why hd-p)"
t destroy hd-p && restored hd-p; ok "... until destroy, which restores the host" $? "$(why hd-p)"

# the supervisor killed at every step of start and teardown
for point in status-saved hostdevs-prepared qemu-forked qemu-realized qemu-exited hostdevs-released owners-restored; do
    TCEVIRT_TEST_CRASH_AT=$point "$tcevirt" start hd-a >/dev/null 2>&1 &&
        TCEVIRT_TEST_CRASH_AT=$point "$tcevirt" destroy hd-a >/dev/null 2>&1
    wait_for 10 qemu_gone hd-a
    t list --all
    restored hd-a
    ok "supervisor killed at $point: the next command restores the host" $? "$(why hd-a)"
done

# a fault in the middle of start: unbind EBUSY on the second function
TCEMODEL_FAULTS="unbind:0002:01:00.1 EBUSY" "$tcevirt" start hd-a >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q "0002:01:00.1" "$tmp/err" && restored hd-a
ok "unbind EBUSY mid-start: clear error, everything rolled back" $? "rc=$rc $(why hd-a)"

# a host device that is not on this host (define only warns)
domain hd-m yes 0009:01:00.0
t start hd-m; [ $? = 1 ] && grep -q "host device 0009:01:00.0 of domain 'hd-m' is not present on this host" "$tmp/err" &&
    [ ! -e "$tmp/run/qemu/hd-m.status" ]
ok "a host device missing at start: clear error, nothing started" $? "$(cat "$tmp/err")"

# the IOMMU facts come from the kernel at start, once the managed group
# is on vfio-pci: an IOMMU of 4 KiB TCEs only and one level cannot hold
# the 32-bit window (2 MiB of TCEs); with two levels it can
iommu=$TCEMODEL_ROOT/model/iommu
cp "$iommu" "$tmp/iommu.orig"
printf 'pgsizes=0x1000\nlevels=1\n' >> "$iommu"
t start hd-a; rc=$?
[ $rc = 1 ] && grep -q "the 32-bit DMA window (1 GiB of 4096-byte TCEs) needs a 2-level TCE table, the host IOMMU builds at most 1 levels" "$tmp/err" &&
    restored hd-a
ok "an IOMMU that cannot hold the DMA windows: start refused naming the window, host restored" $? "rc=$rc $(why hd-a)"
printf 'levels=2\n' >> "$iommu"
t start hd-a; rc=$?
[ $rc = 0 ] && grep -q "IOMMU of the host devices' groups (VFIO_IOMMU_SPAPR_TCE_GET_INFO): sPAPR TCE v2, TCE page sizes 4K, at most 2 levels" "$tmp/state/log/hd-a.log"
ok "start reads the IOMMU of the group from the kernel after binding it" $? "rc=$rc $(why hd-a)"
grep -q "^warning: domain 'hd-a': <memtune><hard_limit> of 8192 KiB is below the [0-9]* KiB" "$tmp/err"
ok "... and the supervisor's hard_limit warning reaches the CLI" $? "$(cat "$tmp/err")"
t destroy hd-a && restored hd-a
ok "... destroy: host restored" $? "$(why hd-a)"
# tcevirt memlock reads a group that is on vfio-pci and free; otherwise it
# says POWER9's facts are assumed, and why
t memlock "$tmp/hd-u.xml" && grep -q "IOMMU sPAPR TCE v2: TCE pages 4K, 2 levels (from the kernel)" "$tmp/out" &&
    grep -q "host TCE tables, 64-bit DDW" "$tmp/out"
ok "memlock: the IOMMU of group 0 from the kernel" $? "$(cat "$tmp/out" "$tmp/err")"
t memlock "$tmp/hd-a.xml" && grep -q "TCE pages 4K 64K 2M 1G, 5 levels (POWER9's, assumed)" "$tmp/out" &&
    grep -q "the kernel's could not be read now: .*group 2" "$tmp/out"
ok "memlock: group 2 on e1000e: POWER9 assumed, and why" $? "$(cat "$tmp/out" "$tmp/err")"
cp "$tmp/iommu.orig" "$iommu"

# without CAP_SYS_RESOURCE the computed limit cannot be set: say so
capeff=$((16#$(awk '/^CapEff/ {print $2}' /proc/self/status)))
if [ $(( (capeff >> 24) & 1 )) = 0 ] && [ "$(ulimit -Hl)" != unlimited ]; then
    sed "/<memtune>/d" "$tmp/hd-u.xml" | sed 's|<name>hd-u</name>|<name>hd-l</name>|' > "$tmp/hd-l.xml"
    "$tcevirt" define "$tmp/hd-l.xml" >/dev/null 2>&1
    t start hd-l; [ $? = 1 ] && grep -q "cannot raise QEMU's locked-memory limit to [0-9]* KiB (the hard limit here is [0-9]* KiB): tcevirt needs CAP_SYS_RESOURCE" "$tmp/err" &&
        restored hd-l
    ok "a limit tcevirt may not set: clear error, host restored" $? "$(why hd-l)"
else
    n=$((n + 1)); echo "ok $n a limit tcevirt may not set # SKIP this process may raise RLIMIT_MEMLOCK"
fi

# DAC fallback: the group node is lent to the QEMU user, then given back
printf '[qemu]\nstart_timeout = 10\nfd_handoff = dac\n' > "$TCEVIRT_CONF"
HANDOFF_DAC=1 "$tcevirt" start hd-u >"$tmp/out" 2>"$tmp/err"
ok "DAC mode: start" $? "$(why hd-u)"
want=$(suid hd-u); [ "$(id -u)" = 0 ] || want=$(id -u)
[ "$(stat -c '%u %g %a' /dev/vfio/0)" = "$want $want 600" ] || { [ "$(id -u)" != 0 ] && [ "$(stat -c '%u %a' /dev/vfio/0)" = "$want 600" ]; }
ok "DAC mode: /dev/vfio/0 belongs to the domain's own uid and gid while it runs" $? "want=$want $(stat -c '%u:%g %a' /dev/vfio/0)"
"$tcevirt" dominfo hd-u | grep -q "VFIO handoff: *dac"
ok "DAC mode: dominfo says so" $? "$("$tcevirt" dominfo hd-u 2>&1)"
t destroy hd-u && restored hd-u
ok "DAC mode: owner and mode restored after destroy" $? "$(why hd-u)"
HANDOFF_DAC=1 "$tcevirt" start hd-u >/dev/null 2>&1
S=$(sed -n 's/.*"supervisor-pid" : \([0-9]*\).*/\1/p' "$tmp/run/qemu/hd-u.status")
kill -9 "$S"; wait_for 10 qemu_gone hd-u; t list --all
restored hd-u
ok "DAC mode: supervisor killed -9, the next command restores owner and mode" $? "$(why hd-u)"

# a hostile QEMU in QEMU's place (tests/hostileqemu.c), under the real
# supervisor with the domain's own uid and filter: every route to a group
# it was not lent, and into another domain's QEMU, is refused; the lent
# group works; then the fake QEMU runs on as usual
printf '[qemu]\nstart_timeout = 10\n' > "$TCEVIRT_CONF"
cat > "$tmp/hostile" <<SH
#!/bin/sh
export TCEMODEL_VFIO_OPEN=syscall HOSTILE_NEXT="$fakeqemu"
exec "$hostile" "\$@"
SH
chmod 755 "$tmp/hostile"
EMULATOR=$tmp/hostile domain hd-h yes 0002:01:00.0 0002:01:00.1
EMULATOR=$tmp/hostile domain hd-n yes
table() { grep -o "hostile: .*" "$tmp/state/log/$1.log" | sed 's/^/#   /'; }
t start hd-u; other=$(LD_PRELOAD= pgrep -f "guest=hd-u,")
HOSTILE_LENT=2 HOSTILE_FOREIGN=0 HOSTILE_OTHER=$other "$tcevirt" start hd-h >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] && grep -q "hostile: [0-9]* routes, \([0-9]*\) refused, 0 opened, 0 unexpected" "$tmp/state/log/hd-h.log" &&
    grep -q "hostile: lent group /dev/vfio/2: usable" "$tmp/state/log/hd-h.log" && is_state hd-h "running (booted)"
ok "hostile QEMU lent group 2: every route refused, group 2 usable, the domain runs" $? "rc=$rc $(cat "$tmp/err"; table hd-h)"
table hd-h
t destroy hd-h && t destroy hd-u && restored hd-h && restored hd-u
ok "... and both domains stop, the host restored" $? "$(why hd-h)"
HOSTILE_LENT= HOSTILE_FOREIGN=0 "$tcevirt" start hd-n >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] && grep -q "hostile: container /dev/vfio/vfio, nothing lent: refused EACCES" "$tmp/state/log/hd-n.log" &&
    grep -q "hostile: [0-9]* routes, [0-9]* refused, 0 opened, 0 unexpected" "$tmp/state/log/hd-n.log"
ok "hostile QEMU with no group: the container too is refused" $? "rc=$rc $(cat "$tmp/err"; table hd-n)"
t destroy hd-n

tap_done
