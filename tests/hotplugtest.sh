#!/bin/bash
# attach-device / detach-device of host PCI devices on running domains, in
# the fake host (contract.host: group 0 = 0000:01:00.0 on vfio-pci, group 1
# = 0001:01:00.0 on vfio-pci with 0001:01:00.1 on e1000e, group 2 =
# 0002:01:00.0/.1 on e1000e) with the fake QEMU answering device_add,
# device_del and DEVICE_DELETED.  Every failure and every crash point must
# leave the host as it was.  TAP.
# usage: (in the fake host) hotplugtest.sh TCEVIRT FAKEQEMU
tcevirt=$1 fakeqemu=$2
. "$(dirname "$0")/tap.sh"
tmp=$(mktemp -d)
chmod 711 "$tmp"
export TCEVIRT_STATE_DIR=$tmp/state TCEVIRT_RUN_DIR=$tmp/run TCEVIRT_CONF=$tmp/qemu.conf
if [ "$(id -u)" = 0 ]; then export TCEVIRT_QEMU_USER=nobody; else export TCEVIRT_QEMU_USER=; fi
printf '[qemu]\nstart_timeout = 10\n' > "$TCEVIRT_CONF"
trap 'LD_PRELOAD= pkill -9 -f "guest=hp-" 2>/dev/null; rm -rf "$tmp"' EXIT

t() { "$tcevirt" "$@" >"$tmp/out" 2>"$tmp/err"; }
drv() { local d=/sys/bus/pci/devices/$1/driver; [ -e "$d" ] && basename "$(readlink "$d")" || echo none; }
claims() { ls "$tmp/state/hostdev/groups" 2>/dev/null | wc -l; }
qpid() { sed -n 's/.*"qemu-pid" : \([0-9]*\).*/\1/p' "$tmp/run/qemu/$1.status" 2>/dev/null; }
# QEMU holds the group fd the supervisor injected (the fake host's files
# have no /dev/vfio names: the log says which fd it was)
holds() {
    local pid fd
    pid=$(qpid "$1")
    fd=$(sed -n "s|.*injected /dev/vfio/$2 into pid $pid as fd \([0-9]*\).*|\1|p" "$tmp/state/log/$1.log" | tail -1)
    [ -n "$pid" ] && [ -n "$fd" ] && [ -e "/proc/$pid/fd/$fd" ]
}
memlock() { awk '/^Max locked memory/ {print $4}' "/proc/$(qpid "$1")/limits" 2>/dev/null; }
live() { "$tcevirt" dumpxml "$1" 2>/dev/null; }
qemu_gone() { ! LD_PRELOAD= pgrep -f "guest=$1," >/dev/null; }
wait_for() {  # wait_for SECONDS CMD...
    local i=0
    while ! "${@:2}"; do
        i=$((i + 1)); [ $i -gt $(($1 * 10)) ] && return 1; sleep 0.1
    done
}
# the host as the tests found it
restored() {
    [ "$(drv 0000:01:00.0)" = vfio-pci ] && [ "$(drv 0002:01:00.0)" = e1000e ] &&
        [ "$(drv 0002:01:00.1)" = e1000e ] && [ "$(claims)" = 0 ] &&
        [ "$(stat -c '%u:%g %a' /dev/vfio/0)" = "0:0 600" ]
}
why() {
    echo "0=$(drv 0000:01:00.0) 2.0=$(drv 0002:01:00.0) 2.1=$(drv 0002:01:00.1) claims=$(claims) node0=$(stat -c '%u:%g %a' /dev/vfio/0)"
    cat "$tmp/err"; tail -12 "$tmp/state/log/$1.log" 2>/dev/null
}

cat > "$tmp/qemu" <<SH
#!/bin/sh
[ -n "\$HANDOFF_DAC" ] || export TCEMODEL_VFIO_OPEN=syscall
exec "$fakeqemu" "\$@"
SH
chmod 755 "$tmp/qemu"

# only with CAP_SYS_RESOURCE may tcevirt raise a running QEMU's limit;
# without it the domains get a <hard_limit> (the fake QEMU locks nothing)
capeff=$((16#$(awk '/^CapEff/ {print $2}' /proc/self/status)))
sysres=$(( (capeff >> 24) & 1 ))
domain() {  # domain NAME [EXTRA DEVICES]
    {
        echo "<domain type='kvm'><name>$1</name><memory unit='MiB'>512</memory>"
        [ "$sysres" = 1 ] || [ -n "${NOLIMIT:-}" ] || echo "<memtune><hard_limit unit='KiB'>8192</hard_limit></memtune>"
        echo "<os><type arch='ppc64le' machine='pseries'>hvm</type></os>"
        echo "<devices><emulator>$tmp/qemu</emulator>${2:-}<memballoon model='none'/></devices></domain>"
    } > "$tmp/$1.xml"
    "$tcevirt" define "$tmp/$1.xml" >/dev/null
}
hostdev() {  # hostdev FILE MANAGED DOMAIN:BUS:SLOT.FN
    IFS=':.' read -r d b s f <<<"$3"
    echo "<hostdev mode='subsystem' type='pci' managed='$2'><source><address domain='0x$d' bus='0x$b' slot='0x$s' function='0x$f'/></source></hostdev>" > "$1"
}
hostdev "$tmp/d0.xml" no 0000:01:00.0
hostdev "$tmp/d2a.xml" yes 0002:01:00.0
echo "<interface type='hostdev' managed='yes'><mac address='52:54:00:aa:bb:01'/><source><address type='pci' domain='0x0002' bus='0x01' slot='0x00' function='0x1'/></source></interface>" > "$tmp/d2b.xml"

echo "TAP version 13"
domain hp-a
t start hp-a; ok "start a domain without host devices" $? "$(why hp-a)"
before=$(memlock hp-a)

t attach-device hp-a "$tmp/d0.xml" --live
rc=$?
alias=$(sed -n 's/.*(alias \(.*\))$/\1/p' "$tmp/out")
[ $rc = 0 ] && [ -n "$alias" ] && holds hp-a 0 && [ "$(claims)" = 1 ]
ok "attach --live: QEMU got group 0, claimed, alias $alias" $? "$(why hp-a)"
grep -q "hotplug: PHB pci.1 (index 1) added" "$tmp/state/log/hp-a.log" &&
    live hp-a | grep -q "<alias name='$alias'/>" &&
    live hp-a | grep -q "<address type='pci' domain='0x0000' bus='0x01'"
ok "... on a new PHB hot-plugged first; the live XML has its alias and address" $? "$(why hp-a; live hp-a)"
after=$(memlock hp-a)
if [ "$sysres" = 1 ]; then
    [ "$after" -gt "$before" ] && grep -q "memlock of QEMU: $before -> $after bytes" "$tmp/state/log/hp-a.log"
    ok "... QEMU's memlock raised before device_add ($before -> $after)" $? "$(why hp-a)"
else
    n=$((n + 1)); echo "ok $n QEMU's memlock raised # SKIP no CAP_SYS_RESOURCE here: the domains have a hard_limit"
fi
! "$tcevirt" dumpxml --inactive hp-a | grep -q "<hostdev"
ok "... the definition is untouched without --config" $?

t attach-device hp-a "$tmp/d0.xml" --live; [ $? = 1 ] && grep -q "host PCI device 0000:01:00.0 is listed twice in domain 'hp-a'" "$tmp/err"
ok "attaching it twice: clear error" $? "$(cat "$tmp/err")"

t detach-device hp-a "$tmp/d0.xml" --live
rc=$?
[ $rc = 0 ] && ! holds hp-a 0 && restored && ! live hp-a | grep -q "<hostdev"
ok "detach --live: QEMU released it, claim gone, the live XML without it" $? "rc=$rc $(why hp-a)"
[ "$(memlock hp-a)" = "$before" ]
ok "... QEMU's memlock back where it was" $? "$(memlock hp-a) vs $before"
grep -q '"event" : "removed"' "$tmp/run/qemu/hp-a.status"
ok "... a DEVICE_REMOVED record in the status (for tcevirtd)" $? "$(grep -A3 device-events "$tmp/run/qemu/hp-a.status")"

# managed: both functions of group 2, one at a time; the second one's
# group is already the domain's
t attach-device hp-a "$tmp/d2a.xml" --live; rc=$?
[ $rc = 1 ] && grep -q "0002:01:00.1 in the same group is bound to host driver e1000e" "$tmp/err" && restored &&
    ! live hp-a | grep -q "<hostdev"
ok "a group that is not viable: refused naming the group-mate, nothing changed" $? "rc=$rc $(why hp-a)"

domain hp-b
t start hp-b
t attach-device hp-b "$tmp/d0.xml" --live
t attach-device hp-a "$tmp/d0.xml" --live; rc=$?
[ $rc = 1 ] && grep -q "IOMMU group 0, which domain 'hp-b' is using" "$tmp/err" && ! holds hp-a 0
ok "a group another domain holds: refused naming it" $? "rc=$rc $(why hp-a)"
t destroy hp-b && restored
ok "... destroying that domain releases its hot-plugged device" $? "$(why hp-b)"

# a <hard_limit> (the administrator's) below what the device needs: the
# attach goes on, as start does, and says so
if [ "$sysres" = 0 ]; then
    t start hp-a
    t attach-device hp-a "$tmp/d0.xml" --live; rc=$?
    [ $rc = 0 ] && grep -q "^warning: domain 'hp-a': <memtune><hard_limit> of 8192 KiB is below the [0-9]* KiB" "$tmp/err"
    ok "a hard_limit below the new need: attached, with the warning start gives" $? "rc=$rc $(why hp-a)"
    t destroy hp-a
else
    n=$((n + 1)); echo "ok $n a hard_limit below the new need # SKIP the domains have none here"
fi

# a failing device_add: every step undone
t destroy hp-a
FAKEQEMU_DEVICE_ADD_FAIL=hostdev0 "$tcevirt" start hp-a >/dev/null 2>&1
t attach-device hp-a "$tmp/d0.xml" --live; rc=$?
[ $rc = 1 ] && grep -q "injected device_add failure" "$tmp/err" && restored && ! holds hp-a 0 &&
    ! live hp-a | grep -q "<hostdev" && [ "$(memlock hp-a)" = "$before" ]
ok "device_add fails: QEMU's error, claim dropped, memlock back, live XML without it" $? "rc=$rc $(why hp-a)"
live hp-a | grep -q "<alias name='pci.1'/>"
ok "... the PHB that was added stays, named in the live XML" $? "$(live hp-a)"
t destroy hp-a

# a guest that does not release the device in time, then does
FAKEQEMU_UNPLUG_MS=6000 "$tcevirt" start hp-a >/dev/null 2>&1
t attach-device hp-a "$tmp/d0.xml" --live
t detach-device hp-a "$tmp/d0.xml" --live --timeout 1; rc=$?
[ $rc = 1 ] && grep -q "did not release host device hostdev0 within 1 s; it stays attached and lent" "$tmp/err" &&
    holds hp-a 0 && [ "$(claims)" = 1 ] && live hp-a | grep -q "<hostdev" &&
    grep -q '"event" : "removal-failed"' "$tmp/run/qemu/hp-a.status"
ok "detach times out: error, the device stays attached, claimed and lent; removal-failed recorded" $? "rc=$rc $(why hp-a)"
wait_for 15 restored && ! live hp-a | grep -q "<hostdev" &&
    grep -q '"event" : "removed"' "$tmp/run/qemu/hp-a.status"
ok "... the guest releases it later: the removal completes then" $? "$(why hp-a)"
t destroy hp-a

# managed device, <interface type='hostdev'>, both functions of group 2
t start hp-a
t attach-device hp-a "$tmp/d2b.xml" --live; rc1=$?
grep -q "not viable" "$tmp/err"; nv=$?
hostdev "$tmp/d2both.xml" yes 0002:01:00.0
[ $rc1 = 1 ] && [ $nv = 0 ] && restored
ok "a managed group needs all its devices: the first alone is refused, host untouched" $? "$(why hp-a)"
t destroy hp-a

# two groups hot-plugged, then removed one by one: the second function of
# group 2 goes to vfio-pci first (unassigned), so that the group is viable
# with only its first function in the guest; group 0 joins it on its PHB
# by address (one container: a second one would not fit the 8 MiB limit of
# this test runner)
sed "s|</source>|</source><address type='pci' domain='0x0000' bus='0x01' slot='0x03' function='0x0'/>|" "$tmp/d0.xml" > "$tmp/d0b.xml"
t nodedev-detach 0002:01:00.1
t start hp-a
t attach-device hp-a "$tmp/d2a.xml" --live; rc1=$?
t attach-device hp-a "$tmp/d0b.xml" --live; rc2=$?
[ $rc1 = 0 ] && [ $rc2 = 0 ] && [ "$(drv 0002:01:00.0)" = vfio-pci ] && [ "$(claims)" = 2 ] &&
    [ "$(live hp-a | grep -c "<hostdev")" = 2 ]
ok "a managed device of another group, then group 0 on its PHB: both claimed" $? "rc=$rc1/$rc2 $(why hp-a)"
t detach-device hp-a "$tmp/d0.xml" --live; rc1=$?
t detach-device hp-a "$tmp/d2a.xml" --live; rc2=$?
[ $rc1 = 0 ] && [ $rc2 = 0 ] && [ "$(drv 0002:01:00.0)" = e1000e ] && [ "$(claims)" = 0 ] &&
    ! live hp-a | grep -q "<hostdev"
ok "... both detached in turn; the managed one back on e1000e" $? "rc=$rc1/$rc2 $(why hp-a)"
t destroy hp-a
t nodedev-reattach 0002:01:00.1 && restored
ok "... and the group-mate given back: the host as it was" $? "$(why hp-a)"

# --config: the definition only
t attach-device hp-a "$tmp/d0.xml" --config
"$tcevirt" dumpxml --inactive hp-a | grep -q "<hostdev" && [ "$(claims)" = 0 ]
ok "attach --config to a shut-off domain: in the definition, nothing claimed" $? "$(cat "$tmp/err")"
t detach-device hp-a "$tmp/d0.xml" --config
! "$tcevirt" dumpxml --inactive hp-a | grep -q "<hostdev"
ok "detach --config: out of the definition" $? "$(cat "$tmp/err")"
t attach-device hp-a "$tmp/d0.xml" --live; [ $? = 1 ] && grep -q "domain 'hp-a' is not running" "$tmp/err"
ok "attach --live to a shut-off domain: clear error" $? "$(cat "$tmp/err")"
t start hp-a
t attach-device hp-a "$tmp/d0.xml" --persistent
"$tcevirt" dumpxml --inactive hp-a | grep -q "<hostdev" && live hp-a | grep -q "<hostdev" && holds hp-a 0
ok "attach --persistent to a running domain: live and in the definition" $? "$(why hp-a)"
t detach-device hp-a "$tmp/d0.xml" --persistent
! "$tcevirt" dumpxml --inactive hp-a | grep -q "<hostdev" && ! live hp-a | grep -q "<hostdev" && restored
ok "detach --persistent: out of both" $? "$(why hp-a)"
echo "<disk type='file' device='disk'><source file='/dev/null'/><target dev='vda' bus='virtio'/></disk>" > "$tmp/disk.xml"
t attach-device hp-a "$tmp/disk.xml" --live; [ $? = 1 ] && grep -q "only host PCI devices" "$tmp/err"
ok "attach --live of a disk: refused, only host devices hot-plug" $? "$(cat "$tmp/err")"
hostdev "$tmp/d9.xml" no 0009:01:00.0
t detach-device hp-a "$tmp/d9.xml" --live; [ $? = 1 ] && grep -q "device not found: running domain 'hp-a' has no host device 0009:01:00.0" "$tmp/err"
ok "detach of a device the domain does not have: device not found" $? "$(cat "$tmp/err")"
t destroy hp-a

# how many device_del the supervisor sent so far (the log outlives starts)
asked() { grep -c "asked the guest to release" "$tmp/state/log/$1.log"; }
# the CLI killed while it waits for the guest: the supervisor does the
# work, so the removal still completes when the guest releases the device
FAKEQEMU_UNPLUG_MS=2000 "$tcevirt" start hp-a >/dev/null 2>&1
t attach-device hp-a "$tmp/d0.xml" --live
asked0=$(asked hp-a)
"$tcevirt" detach-device hp-a "$tmp/d0.xml" --live >/dev/null 2>&1 &
cli=$!
wait_for 5 test "$(asked hp-a)" -gt "$asked0"
kill -9 $cli; wait $cli 2>/dev/null
wait_for 15 restored && ! live hp-a | grep -q "<hostdev" && ! holds hp-a 0 &&
    grep -q '"event" : "removed"' "$tmp/run/qemu/hp-a.status"
ok "the CLI killed during detach: the removal completes when the guest releases it" $? "$(why hp-a)"
t destroy hp-a

# QEMU killed while the guest holds the device: the teardown gives
# everything back and the waiting detach fails, naming what happened
FAKEQEMU_UNPLUG_MS=60000 "$tcevirt" start hp-a >/dev/null 2>&1
t attach-device hp-a "$tmp/d0.xml" --live
asked0=$(asked hp-a)
"$tcevirt" detach-device hp-a "$tmp/d0.xml" --live --timeout 30 >/dev/null 2>"$tmp/err2" &
cli=$!
wait_for 5 test "$(asked hp-a)" -gt "$asked0"
kill -9 "$(qpid hp-a)"
wait $cli; rc=$?
wait_for 10 qemu_gone hp-a
[ $rc = 1 ] && [ -s "$tmp/err2" ] && wait_for 10 restored && ! [ -e "$tmp/run/qemu/hp-a.status" ]
ok "QEMU killed during detach: the detach fails, the teardown restores the host" $? "rc=$rc $(cat "$tmp/err2") $(why hp-a)"
t list --all

# the supervisor killed at every step: the next command restores the host
for point in hotplug-recorded hotplug-prepared hotplug-lent hotplug-added \
             hotunplug-group-free hotunplug-released; do
    TCEVIRT_TEST_CRASH_AT=$point "$tcevirt" start hp-a >/dev/null 2>&1
    t attach-device hp-a "$tmp/d0.xml" --live
    case $point in hotunplug-*) t detach-device hp-a "$tmp/d0.xml" --live ;; esac
    wait_for 10 qemu_gone hp-a
    t list --all
    restored && ! [ -e "$tmp/run/qemu/hp-a.status" ]
    ok "supervisor killed at $point: QEMU gone, the next command restores the host" $? "$(why hp-a)"
done

# no CAP_SYS_RESOURCE and no hard_limit: the limit cannot grow, so the
# attach fails, saying so, and changes nothing
if [ "$sysres" = 0 ] && [ "$(id -u)" = 0 ]; then
    NOLIMIT=1 domain hp-n
    t start hp-n
    t attach-device hp-n "$tmp/d0.xml" --live; rc=$?
    [ $rc = 1 ] && grep -q "cannot raise the locked-memory limit of QEMU (pid [0-9]*) of domain 'hp-n' to [0-9]* KiB: tcevirt needs CAP_SYS_RESOURCE" "$tmp/err" &&
        restored && ! holds hp-n 0 && ! live hp-n | grep -q "<hostdev"
    ok "memlock cannot be raised (no CAP_SYS_RESOURCE): clear error, nothing changed" $? "rc=$rc $(why hp-n)"
    t destroy hp-n
else
    n=$((n + 1)); echo "ok $n memlock cannot be raised # SKIP this process has CAP_SYS_RESOURCE"
fi

# DAC mode: the group node is lent to the domain's uid for the device's
# lifetime, and given back at detach
printf '[qemu]\nstart_timeout = 10\nfd_handoff = dac\n' > "$TCEVIRT_CONF"
HANDOFF_DAC=1 "$tcevirt" start hp-a >/dev/null 2>&1
t attach-device hp-a "$tmp/d0.xml" --live; rc=$?
owner=$(stat -c %u /dev/vfio/0)
[ $rc = 0 ] && [ "$owner" != 0 ] && live hp-a | grep -q "<hostdev" &&
    grep -q "lent /dev/vfio/0 to uid $owner" "$tmp/state/log/hp-a.log"
ok "DAC mode: attach lends /dev/vfio/0 to QEMU's uid ($owner)" $? "rc=$rc $(why hp-a)"
t detach-device hp-a "$tmp/d0.xml" --live && restored
ok "DAC mode: detach gives it back" $? "$(why hp-a)"
t destroy hp-a
printf '[qemu]\nstart_timeout = 10\n' > "$TCEVIRT_CONF"

tap_done
