#!/bin/bash
# tcevirtd driven by the real clients, in the fake host (contract.host: a
# POWER9 with KVM; group 0 = 0000:01:00.0 on vfio-pci, group 2 =
# 0002:01:00.0/.1 on e1000e) with the fake QEMU (tests/fakeqemu.c).
#   virsh: stock virsh (libvirt-clients) for every verb tcevirtd serves,
#          the read-only socket, errors, events from every source, races
#   nova:  python3-libvirt walking OpenStack Nova's sequence
#          (tests/tcevirtdnovatest.py)
# The daemon runs in the fake host; the clients run outside it (they read
# nothing from the host).  TAP output.
#   wire:  frames no client would send, 64 clients, a client that never
#          reads (tests/tcevirtdwiretest.py)
# usage: (in the fake host) tcevirtdtest.sh virsh|nova|wire TCEVIRTD TCEVIRT FAKEQEMU
# In the ASan build the fake host's preload brings the ASan runtime into
# every process, this shell and the system tools too: leaks are checked in
# tcevirt's own programs only.
case ":${ASAN_OPTIONS:-}:" in
    *:detect_leaks=0:*) ;;
    *) ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" exec bash "$0" "$@" ;;
esac
ours=${ASAN_OPTIONS//detect_leaks=0/detect_leaks=1}
mode=$1 tcevirtd=$2 tcevirt=$3 fakeqemu=$4
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
tmp=$(mktemp -d)
chmod 711 "$tmp"
export TCEVIRT_STATE_DIR=$tmp/state TCEVIRT_RUN_DIR=$tmp/run TCEVIRT_CONF=$tmp/qemu.conf
if [ "$(id -u)" = 0 ]; then export TCEVIRT_QEMU_USER=nobody; else export TCEVIRT_QEMU_USER=; fi
printf '[qemu]\nstart_timeout = 10\n' > "$TCEVIRT_CONF"
sock=$tmp/sock
uri="qemu+unix:///system?socket=$sock"
cleanup() {
    [ -n "${evpid:-}" ] && kill "$evpid" 2>/dev/null
    [ -n "${dpid:-}" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
    LD_PRELOAD= pkill -9 -f "guest=td-" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

echo "TAP version 13"
if ! LD_PRELOAD= command -v virsh >/dev/null ||
   ! LD_PRELOAD= /usr/bin/python3 -c 'import libvirt' 2>/dev/null; then
    echo "1..0 # SKIP virsh (libvirt-clients) or python3-libvirt is not installed"
    exit 0
fi

# QEMU: the fake one, opening /dev/vfio/N as a real syscall so that the
# supervisor's seccomp listener answers it
cat > "$tmp/qemu" <<SH
#!/bin/sh
export TCEMODEL_VFIO_OPEN=syscall
exec "$fakeqemu" "\$@"
SH
chmod 755 "$tmp/qemu"

# domain NAME [BDF...]: a definition using the fake QEMU (the 8 MiB hard
# limit: this container has no CAP_SYS_RESOURCE; the fake QEMU pins nothing)
domain() {
    local name=$1; shift
    {
        echo "<domain type='kvm'><name>$name</name><memory unit='MiB'>512</memory>"
        echo "<memtune><hard_limit unit='KiB'>8192</hard_limit></memtune>"
        echo "<os><type arch='ppc64le' machine='pseries'>hvm</type></os>"
        echo "<devices><emulator>$tmp/qemu</emulator>"
        for bdf in "$@"; do
            IFS=':.' read -r d b s f <<<"$bdf"
            echo "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
            echo "<address domain='0x$d' bus='0x$b' slot='0x$s' function='0x$f'/></source></hostdev>"
        done
        echo "<memballoon model='none'/></devices></domain>"
    } > "$tmp/$name.xml"
}

G_DEBUG=fatal-criticals ASAN_OPTIONS=$ours "$tcevirtd" --socket "$sock" > "$tmp/daemon.log" 2>&1 &
dpid=$!
if ! wait_for 10 test -S "$sock-ro"; then
    echo "not ok 1 tcevirtd starts"; cat "$tmp/daemon.log" | sed 's/^/# /'
    echo "1..1"; exit 1
fi

# SIGTERM: the daemon stops at once and cleanly (in the ASan build: no
# leak, no UBSan report)
daemon_stops_cleanly() {
    local rc
    kill -TERM "$dpid"; wait "$dpid"; rc=$?; dpid=
    [ $rc = 0 ] && ! grep -qE "AddressSanitizer|LeakSanitizer|runtime error" "$tmp/daemon.log" &&
        [ ! -e "$sock" ]
}

if [ "$mode" = nova ] || [ "$mode" = wire ]; then
    domain td-nova 0002:01:00.0 0002:01:00.1
    # the hot-plug target: no host device of its own (a second container
    # next to group 2's would not fit the 8 MiB limit of the test runner)
    domain td-hot
    if [ "$mode" = nova ]; then
        LD_PRELOAD= /usr/bin/python3 "$here/tcevirtdnovatest.py" "$uri" "$tmp/td-nova.xml" "$tmp/td-hot.xml"
    else
        LD_PRELOAD= /usr/bin/python3 "$here/tcevirtdwiretest.py" "$sock"
    fi > "$tmp/py" 2>&1
    rc=$?
    grep -v '^1\.\.' "$tmp/py"
    n=$(grep -cE '^(ok|not ok) ' "$tmp/py")
    fails=$(grep -c '^not ok ' "$tmp/py")
    [ $rc = 0 ] || [ "$fails" != 0 ] || ok "the Python test ends normally" $rc "$(tail -20 "$tmp/py")"
    daemon_stops_cleanly
    ok "tcevirtd stops cleanly on SIGTERM" $? "$(tail -20 "$tmp/daemon.log")"
    tap_done
    exit
fi

v() { LD_PRELOAD= virsh -c "$uri" "$@" >"$tmp/out" 2>"$tmp/err"; }
vro() { LD_PRELOAD= virsh -r -c "qemu+unix:///system?socket=$sock-ro" "$@" >"$tmp/out" 2>"$tmp/err"; }
t() { ASAN_OPTIONS=$ours "$tcevirt" "$@" >"$tmp/out" 2>"$tmp/err"; }
both() { cat "$tmp/out" "$tmp/err"; }
drv() { local d=/sys/bus/pci/devices/$1/driver; [ -e "$d" ] && basename "$(readlink "$d")" || echo none; }
state() { LD_PRELOAD= virsh -c "$uri" domstate --reason "$1" 2>/dev/null | head -1; }
is_state() { [ "$(state "$1")" = "$2" ]; }
event() { grep -q "for domain '$1': $2" "$tmp/events"; }

# line-buffered: virsh does not flush between events
LD_PRELOAD= stdbuf -oL virsh -c "$uri" event --all --loop > "$tmp/events" 2>&1 &
evpid=$!
# its callbacks are registered once it reports a definition (a define
# before that is no event for it)
domain td-probe
probe() {
    t define "$tmp/td-probe.xml"
    wait_for 1 event td-probe "Defined Added"
    local r=$?
    t undefine td-probe
    return $r
}
wait_for 10 probe
ok "event --loop is registered (a CLI define is an event)" $? "$(cat "$tmp/events")"

# connection and host
v version; grep -q "Running hypervisor: QEMU [0-9]" "$tmp/out"
ok "version names QEMU's version" $? "$(both)"
v uri; [ "$(head -1 "$tmp/out")" = "$uri" ]
ok "uri" $? "$(both)"
v hostname; [ "$(head -1 "$tmp/out")" = "$(hostname)" ]
ok "hostname" $? "$(both)"
v nodeinfo; grep -q "^CPU(s): *[1-9]" "$tmp/out" && grep -q "^Memory size: *[1-9][0-9]* KiB" "$tmp/out"
ok "nodeinfo" $? "$(both)"
v capabilities && LD_PRELOAD= virt-xml-validate "$tmp/out" capability >"$tmp/val" 2>&1 &&
    grep -q "<arch name='ppc64le'>" "$tmp/out" && grep -q "canonical='pseries-" "$tmp/out"
ok "capabilities validate against capability.rng, with ppc64le pseries guests" $? "$(both; cat "$tmp/val")"
v domcapabilities --arch ppc64le --machine pseries --virttype qemu &&
    LD_PRELOAD= virt-xml-validate "$tmp/out" domaincaps >"$tmp/val" 2>&1 &&
    grep -q "<machine>pseries-" "$tmp/out" && grep -q "<value>pci</value>" "$tmp/out"
ok "domcapabilities validate against domaincaps.rng" $? "$(both; cat "$tmp/val")"
v domcapabilities --arch x86_64; grep -q "does not support arch 'x86_64'" "$tmp/err"
ok "domcapabilities for x86_64: a clear error" $? "$(both)"

# define, the XML, the list
domain td-a 0002:01:00.0 0002:01:00.1
v define --validate "$tmp/td-a.xml"; grep -q "Domain 'td-a' defined" "$tmp/out"
ok "define --validate" $? "$(both)"
v list --all; grep -q " -  *td-a  *shut off" "$tmp/out"
ok "list --all shows it shut off" $? "$(both)"
t list --all; grep -q "td-a *shut off" "$tmp/out"
ok "the CLI sees the daemon's definition" $? "$(both)"
v dumpxml td-a; grep -q "<model name='spapr-pci-host-bridge'/>" "$tmp/out"
ok "dumpxml: the normalized definition" $? "$(both)"
v dumpxml --inactive --security-info td-a; grep -q "<name>td-a</name>" "$tmp/out"
ok "dumpxml --inactive --security-info" $? "$(both)"
v domuuid td-a; uuid=$(head -1 "$tmp/out"); v domname "$uuid"; [ "$(head -1 "$tmp/out")" = td-a ]
ok "domuuid and domname" $? "$(both)"
echo '<domain type="kvm"><name>bad</name>' > "$tmp/bad.xml"
v define "$tmp/bad.xml"; grep -q "XML error" "$tmp/err" && ! LD_PRELOAD= virsh -c "$uri" dominfo bad >/dev/null 2>&1
ok "bad XML: an XML error, nothing defined" $? "$(both)"

# start and the supervisor's verbs
v start --paused td-a; is_state td-a "paused (user)" && [ "$(drv 0002:01:00.0)" = vfio-pci ]
ok "start --paused: paused, the group on vfio-pci" $? "$(both; state td-a)"
v dominfo td-a; grep -q "^State: *paused" "$tmp/out" && grep -q "^Persistent: *yes" "$tmp/out"
ok "dominfo" $? "$(both)"
v domid td-a; id=$(head -1 "$tmp/out"); [ "$id" -gt 0 ] 2>/dev/null && LD_PRELOAD= pgrep -f "guest=td-a," | grep -qx "$id"
ok "domid is QEMU's pid" $? "$(both)"
v start td-a; grep -q "Domain is already active" "$tmp/err"
ok "start of a running domain: already active" $? "$(both)"
v resume td-a && is_state td-a "running (unpaused)"
ok "resume" $? "$(both; state td-a)"
v suspend td-a && is_state td-a "paused (user)"
ok "suspend" $? "$(both; state td-a)"
v resume td-a; v list --state-running; grep -q "td-a  *running" "$tmp/out"
ok "list --state-running" $? "$(both)"
v list --state-shutoff; ! grep -q "td-a" "$tmp/out"
ok "list --state-shutoff leaves it out" $? "$(both)"
t dominfo td-a; grep -q "^State: *running" "$tmp/out"
ok "the CLI sees the daemon's guest running" $? "$(both)"
v destroy td-a && is_state td-a "shut off (destroyed)" && [ "$(drv 0002:01:00.0)" = e1000e ]
ok "destroy: shut off (destroyed), the NIC back on e1000e" $? "$(both; state td-a)"
v destroy td-a; grep -q "is not running" "$tmp/err"
ok "destroy of a stopped domain: operation invalid" $? "$(both)"

# started by the CLI, stopped by the guest, crashed: all visible, all events
t start td-a; is_state td-a "running (booted)"
ok "a CLI start is seen by virsh" $? "$(both; state td-a)"
t destroy td-a
FAKEQEMU_GUEST_POWEROFF_MS=100 ASAN_OPTIONS=$ours "$tcevirt" start td-a >/dev/null 2>&1
wait_for 10 is_state td-a "shut off (shutdown)"
ok "a guest power-off is seen by virsh" $? "$(state td-a)"
FAKEQEMU_EXIT_AFTER_MS=100 ASAN_OPTIONS=$ours "$tcevirt" start td-a >/dev/null 2>&1
wait_for 10 is_state td-a "shut off (crashed)"
ok "a QEMU crash is seen by virsh" $? "$(state td-a)"

# the daemon keeps what it read (src/qemu/qemu_driver.c): a change made
# anywhere else shows in the very next call, without waiting
sed 's/>512</>768</' "$tmp/td-a.xml" > "$tmp/td-a-768.xml"
v dominfo td-a; t define "$tmp/td-a-768.xml"
v dominfo td-a; grep -q "^Max memory: *786432 KiB" "$tmp/out"
ok "a CLI redefinition shows in the next virsh call" $? "$(both)"
t define "$tmp/td-a.xml"; v dominfo td-a; grep -q "^Max memory: *524288 KiB" "$tmp/out"
ok "... and so does the definition put back" $? "$(both)"
# the supervisor lives as long as the domain: it keeps nothing its starter
# had open (here fd 9, as a calling script's lock file or pipe would be)
t start td-a 9>"$tmp/inherited"; v domstate td-a
S=$(sed -n 's/.*"supervisor-pid" : \([0-9]*\).*/\1/p' "$tmp/run/qemu/td-a.status")
[ -n "$S" ] && [ -d "/proc/$S" ] &&
    ! LD_PRELOAD= find "/proc/$S/fd" -mindepth 1 -maxdepth 1 -lname "$tmp/inherited" | grep -q .
ok "the supervisor does not keep the fds its starter had open" $? "$(LD_PRELOAD= ls -l "/proc/$S/fd" 2>&1)"
kill -9 "$S"; while kill -0 "$S" 2>/dev/null; do sleep 0.01; done
is_state td-a "shut off (crashed)" && [ "$(drv 0002:01:00.0)" = e1000e ]
ok "a supervisor killed with SIGKILL: the next call finds the domain stopped, the NIC back" $? "$(state td-a; drv 0002:01:00.0; tail -3 "$tmp/daemon.log")"

# two clients racing on one domain: one start wins, nothing doubles
race() {  # race VERB: two clients at once (a hang is reported, with
          # what every process was waiting in, instead of the test's timeout)
    LD_PRELOAD= timeout 60 virsh -c "$uri" "$1" td-a >"$tmp/r1" 2>&1 & local p1=$!
    LD_PRELOAD= timeout 60 virsh -c "$uri" "$1" td-a >"$tmp/r2" 2>&1 & local p2=$!
    local r1 r2
    wait $p1; r1=$?; wait $p2; r2=$?
    if [ $r1 = 124 ] || [ $r2 = 124 ]; then
        { echo "race $1 hung (exit $r1/$r2)"
          LD_PRELOAD= ps -eo pid,ppid,stat,wchan:32,cmd | grep -E 'tcevirt|qemu|virsh' | grep -v grep
          tail -20 "$tmp/daemon.log"; tail -10 "$tmp/state/log/td-a.log"; } >> "$tmp/r2"
    fi
}
race start
cnt=$(cat "$tmp/r1" "$tmp/r2" | grep -c "Domain 'td-a' started")
[ "$cnt" = 1 ] && [ "$(LD_PRELOAD= pgrep -cf "guest=td-a,")" = 1 ]
ok "two racing starts: one QEMU" $? "$(cat "$tmp/r1" "$tmp/r2")"
race destroy
cnt=$(cat "$tmp/r1" "$tmp/r2" | grep -c "Domain 'td-a' destroyed")
# the loser hears what libvirt says of a domain that is not running
# (VIR_ERR_OPERATION_INVALID), not that the supervisor is unreachable
cat "$tmp/r1" "$tmp/r2" | grep -q "Requested operation is not valid: domain 'td-a' is not running" &&
[ "$cnt" = 1 ] && [ "$(drv 0002:01:00.0)" = e1000e ] && [ "$(drv 0002:01:00.1)" = e1000e ] &&
    [ -z "$(ls "$tmp/state/hostdev/groups" 2>/dev/null)" ]
ok "two racing destroys: one teardown, the devices released once" $? "$(cat "$tmp/r1" "$tmp/r2"; ls "$tmp/state/hostdev/groups")"

# node devices
v nodedev-list --cap pci; grep -qx "pci_0002_01_00_0" "$tmp/out"
ok "nodedev-list --cap pci" $? "$(both)"
v nodedev-list --cap mdev; [ -z "$(grep . "$tmp/out")" ] && [ ! -s "$tmp/err" ]
ok "nodedev-list of a capability tcevirt has none of: empty" $? "$(both)"
v nodedev-dumpxml pci_0002_01_00_0; grep -q "<iommuGroup number='2'>" "$tmp/out" &&
    grep -q "<name>e1000e</name>" "$tmp/out"
ok "nodedev-dumpxml" $? "$(both)"
v nodedev-dumpxml pci_0009_09_00_0; grep -q "Node device not found" "$tmp/err"
ok "nodedev-dumpxml of a missing device: node device not found" $? "$(both)"
v nodedev-detach --driver vfio pci_0002_01_00_0 && [ "$(drv 0002:01:00.0)" = vfio-pci ]
ok "nodedev-detach --driver vfio" $? "$(both; drv 0002:01:00.0)"
v nodedev-reattach pci_0002_01_00_0 && [ "$(drv 0002:01:00.0)" = e1000e ]
ok "nodedev-reattach" $? "$(both; drv 0002:01:00.0)"

# the read-only socket
vro list --all; grep -q "td-a" "$tmp/out"
ok "read-only socket: list" $? "$(both)"
vro dumpxml td-a; grep -q "<name>td-a</name>" "$tmp/out"
ok "read-only socket: dumpxml" $? "$(both)"
LD_PRELOAD= virsh -c "qemu+unix:///system?socket=$sock-ro" start td-a >"$tmp/out" 2>"$tmp/err"
grep -q "operation forbidden: read-only access prevents" "$tmp/err" && is_state td-a "shut off (destroyed)"
ok "read-only socket: start is denied" $? "$(both)"
[ "$(stat -c %a "$sock")" = 600 ] && [ "$(stat -c %a "$sock-ro")" = 666 ]
ok "socket modes 0600 and 0666" $? "$(stat -c '%a %n' "$sock" "$sock-ro")"

# what tcevirtd does not do: a clear NO_SUPPORT
v net-list; grep -q "this function is not supported by the connection driver" "$tmp/err"
ok "an unsupported procedure: not supported" $? "$(both)"

# kill -9 of the daemon loses nothing: the guest runs on under its
# supervisor, a new daemon sees it and tears it down as usual
v start td-a; qpid=$(LD_PRELOAD= pgrep -f "guest=td-a,")
kill -9 "$dpid"; wait "$dpid" 2>/dev/null
t domstate --reason td-a; grep -q "running (booted)" "$tmp/out" && kill -0 "$qpid"
ok "kill -9 of tcevirtd: the guest keeps running" $? "$(both)"
G_DEBUG=fatal-criticals ASAN_OPTIONS=$ours "$tcevirtd" --socket "$sock" >> "$tmp/daemon.log" 2>&1 &
dpid=$!
# (the killed daemon's socket files are still there until the new one
# replaces them: ask until it answers)
wait_for 10 is_state td-a "running (booted)"
ok "a restarted tcevirtd sees it running (the stale socket replaced)" $? "$(state td-a; tail -5 "$tmp/daemon.log")"
v destroy td-a && [ "$(drv 0002:01:00.0)" = e1000e ] && ! kill -0 "$qpid" 2>/dev/null
ok "... and destroys it, the NIC back on e1000e" $? "$(both)"
LD_PRELOAD= stdbuf -oL virsh -c "$uri" event --all --loop >> "$tmp/events" 2>&1 &
evpid=$!
wait_for 10 probe

# undefine; then the events of everything above
v undefine td-a; grep -q "Domain 'td-a' has been undefined" "$tmp/out"
ok "undefine" $? "$(both)"
v dominfo td-a; grep -q "failed to get domain 'td-a'" "$tmp/err"
ok "a missing domain: failed to get domain" $? "$(both)"
wait_for 5 event td-a "Undefined Removed"
for e in "Defined Added" "Started Booted" "Suspended Paused" "Resumed Unpaused" \
         "Stopped Destroyed" "Stopped Shutdown" "Stopped Crashed" "Undefined Removed"; do
    event td-a "$e"
    ok "event --all --loop: $e" $? "$(cat "$tmp/events")"
done
kill "$evpid" 2>/dev/null
daemon_stops_cleanly
ok "tcevirtd stops cleanly on SIGTERM" $? "$(tail -20 "$tmp/daemon.log")"
tap_done
