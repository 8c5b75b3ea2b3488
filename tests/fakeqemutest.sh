#!/bin/bash
# Smoke test of the fake QEMU (tests/fakeqemu.c) in the fake host: QMP
# negotiation, query-status, cont, qom-get and quit without and with a
# host device, the in-kernel TCE trace line, and QEMU's error text for a
# group that is not viable.  TAP output.
# usage: fakeqemutest.sh TCEMODEL-RUN FAKEQEMU
run=$1 fakeqemu=$2
. "$(dirname "$0")/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT


# drive.py SOCK ERRFILE CMD... -- ARGV...: start ARGV, send each QMP
# command (a line of JSON; "wait" sleeps 0.3 s and prints what came),
# print every line received, then "exit=STATUS"
cat > "$tmp/drive.py" <<'EOF'
import select, socket, subprocess, sys, time
sock, errfile = sys.argv[1:3]
cmds = sys.argv[3:sys.argv.index('--')]
proc = subprocess.Popen(sys.argv[sys.argv.index('--') + 1:],
                        stderr=open(errfile, 'w'))
s = socket.socket(socket.AF_UNIX)
buf = b''
def lines(timeout):
    global buf
    while True:
        while b'\n' in buf:
            line, buf = buf.split(b'\n', 1)
            yield line.decode().rstrip()
        if not select.select([s], [], [], timeout)[0]:
            return
        try:
            data = s.recv(4096)
        except ConnectionResetError:    # QEMU exited while we connected
            return
        if not data:
            return
        buf += data
for _ in range(100):
    if proc.poll() is not None:
        break
    try:
        s.connect(sock)
    except OSError:
        time.sleep(0.05)
        continue
    for cmd in cmds:
        if cmd != 'wait':
            try:
                s.sendall(cmd.encode() + b'\n')
            except OSError:             # QEMU exited (EPIPE, ECONNRESET)
                break
        for line in lines(0.3 if cmd == 'wait' else 5):
            print(line)
            if cmd != 'wait' and '"event"' not in line and 'QMP' not in line:
                break
    break
print('exit=%d' % proc.wait(timeout=10))
EOF

common=(-S -machine "pseries,accel=ACCEL,usb=off,dump-guest-core=off"
        -m size=524288k -smp 1 -display none -no-user-config -nodefaults
        -chardev "socket,id=charmonitor,path=$tmp/mon.sock,server=on,wait=off"
        -mon chardev=charmonitor,id=monitor,mode=control -rtc base=utc
        -no-shutdown -boot strict=on
        -sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny
        -msg timestamp=on)
phb='{"driver":"spapr-pci-host-bridge","index":1,"id":"pci.1"}'
hostdev0='{"driver":"vfio-pci","host":"0000:01:00.0","id":"hostdev0","bus":"pci.1.0","addr":"0x1"}'
hostdev1='{"driver":"vfio-pci","host":"0001:01:00.0","id":"hostdev0","bus":"pci.1.0","addr":"0x1"}'
lifecycle=('{"execute":"query-status","id":1}'
           '{"execute":"qmp_capabilities","id":2}'
           '{"execute":"query-status","id":3}'
           '{"execute":"cont","id":4}' wait
           '{"execute":"query-status","id":5}'
           '{"execute":"qom-get","arguments":{"path":"/machine/peripheral/hostdev0","property":"realized"},"id":6}'
           '{"execute":"quit","id":7}' wait)

fake() {  # fake HOST ACCEL DEVICE-ARGS -- CMDS...
    local host=$1 accel=$2 devs=()
    shift 2
    while [ "$1" != -- ]; do devs+=(-device "$1"); shift; done
    shift
    rm -f "$tmp/mon.sock"
    "$run" "$host" python3 "$tmp/drive.py" "$tmp/mon.sock" "$tmp/err" "$@" \
        -- "$fakeqemu" -name guest=fq,debug-threads=on \
        "${common[@]/ACCEL/$accel}" "${devs[@]}" \
        -trace 'vfio_spapr*' -trace spapr_iommu_put > "$tmp/out" 2>&1
}

has() {  # has NAME REGEX: a line of the transcript
    grep -Eq -- "$2" "$tmp/out"
    ok "$1" $? "$(cat "$tmp/out" "$tmp/err")"
}

echo "TAP version 13"

fake contract tcg -- "${lifecycle[@]}"
has "plain/greeting" '^\{"QMP": \{"version": \{"qemu": \{"micro": 2, "minor": 0, "major": 10\}'
has "plain/needs-negotiation" "^\{\"error\": \{\"class\": \"CommandNotFound\", \"desc\": \"Expecting capabilities negotiation with 'qmp_capabilities'\"\}, \"id\": 1\}"
has "plain/prelaunch" '^\{"return": \{"status": "prelaunch", "running": false\}, "id": 3\}'
has "plain/resume" '"event": "RESUME"'
has "plain/running" '^\{"return": \{"status": "running", "running": true\}, "id": 5\}'
has "plain/no-device" "\"class\": \"DeviceNotFound\", \"desc\": \"Device '/machine/peripheral/hostdev0' not found\""
has "plain/quit" '"event": "SHUTDOWN", "data": \{"guest": false, "reason": "host-qmp-quit"\}'
has "plain/exit-0" '^exit=0$'
test ! -e "$tmp/mon.sock"
ok "plain/socket-removed" $?

fake contract kvm "$phb" "$hostdev0" -- "${lifecycle[@]}"
has "hostdev-kvm/realized" '^\{"return": true, "id": 6\}'
has "hostdev-kvm/exit-0" '^exit=0$'
grep -Eq '^[0-9]+@[0-9]+\.[0-9]{6}:vfio_spapr_group_attach Attached groupfd [0-9]+ to liobn fd [0-9]+$' "$tmp/err"
ok "hostdev-kvm/trace-group-attach" $? "$(cat "$tmp/err")"
! grep -q spapr_iommu_put "$tmp/err"
ok "hostdev-kvm/no-slow-path" $? "$(cat "$tmp/err")"

fake contract tcg "$phb" "$hostdev0" -- "${lifecycle[@]}"
has "hostdev-tcg/realized" '^\{"return": true, "id": 6\}'
grep -Eq '^[0-9]+@[0-9]+\.[0-9]{6}:spapr_iommu_put liobn=80000100 ioba=0x0 tce=0x[0-9a-f]+ ret=0$' "$tmp/err"
ok "hostdev-tcg/trace-put-tce" $? "$(cat "$tmp/err")"

fake contract kvm "$phb" "$hostdev1" -- '{"execute":"qmp_capabilities"}'
has "nonviable/exit-1" '^exit=1$'
expect="qemu-system-ppc64: -device $hostdev1: vfio 0001:01:00.0: group 1 is not viable"
sed -E '1s/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z //' "$tmp/err" > "$tmp/err.nots"
printf '%s\n%s\n' "$expect" "Please ensure all devices within the iommu_group are bound to their vfio bus driver." |
    cmp -s - "$tmp/err.nots"
ok "nonviable/message" $? "$(cat "$tmp/err")"
test -S "$tmp/mon.sock"
ok "nonviable/socket-left" $?

tap_done
