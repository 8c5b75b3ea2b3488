#!/bin/bash
# Domain lifecycle with the real qemu-system-ppc64 (TCG, no host devices):
# start/suspend/resume/destroy/shutdown, QEMU crashes, the supervisor
# killed at every step, failed starts; after each, nothing may be left
# behind.  TAP output.  usage: lifecycletest.sh TCEVIRT XMLDIR
tcevirt=$1 data=$2
. "$(dirname "$0")/tap.sh"
tmp=$(mktemp -d)
chmod 711 "$tmp"   # QEMU (the QEMU user) reaches its socket directory below
export TCEVIRT_STATE_DIR=$tmp/state TCEVIRT_RUN_DIR=$tmp/run
export TCEVIRT_CONF=$tmp/qemu.conf
if [ "$(id -u)" = 0 ]; then export TCEVIRT_QEMU_USER=nobody; else export TCEVIRT_QEMU_USER=; fi
printf '[qemu]\nstart_timeout = 30\n' > "$TCEVIRT_CONF"
cleanup() {
    pkill -9 -f "guest=lc-" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

t() { "$tcevirt" "$@" >"$tmp/out" 2>"$tmp/err"; }
state() { "$tcevirt" domstate --reason "$1" 2>/dev/null | head -1; }
qemu_alive() { pgrep -f "guest=$1," >/dev/null; }
qemu_gone() { ! qemu_alive "$1"; }
is_running() { [ "$(state "$1")" = "running (booted)" ]; }
# nothing but the lock and the last stop reason may remain
clean() {
    local left
    left=$(cd "$tmp/run/qemu" 2>/dev/null && ls | grep -v -e '\.lock$' -e '\.shutoff$')
    [ -z "$left" ] && ! qemu_alive "$1"
}

quid() { ps -o uid= -p "$(pgrep -f "guest=$1,")" | tr -d ' '; }
suid() { sed -n 's/.*"qemu-uid" : \([0-9]*\).*/\1/p' "$tmp/run/qemu/$1.status"; }

echo "TAP version 13"
if ! command -v qemu-system-ppc64 >/dev/null; then
    echo "1..0 # SKIP qemu-system-ppc64 is not installed"; exit 0
fi
sed -e 's|<name>.*</name>|<name>lc-a</name>|' -e '/<uuid>/d' \
    "$data/pseries-basic.xml" > "$tmp/a.xml"
t define "$tmp/a.xml"; ok "define" $? "$(cat "$tmp/err")"

# never root: uid 0, gid 0 or group 0 is refused before anything happens
for u in root ""; do
    [ -n "$u" ] || [ "$(id -u)" = 0 ] || continue
    TCEVIRT_QEMU_USER=$u "$tcevirt" start lc-a >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc = 1 ] && grep -q "tcevirt never runs QEMU as root: set user= in \[qemu\]" "$tmp/err" &&
        ! pgrep -f 'guest=lc-a,' >/dev/null && clean lc-a
    ok "QEMU user '${u:-(empty)}' as root: refused, nothing started" $? "rc=$rc $(cat "$tmp/err")"
done

# the files QEMU opens itself are lent to the domain's uid and given back
if [ "$(id -u)" = 0 ]; then
    qemu-img create -q -f raw "$tmp/d.img" 1M && chmod 600 "$tmp/d.img"
    sed -e 's|<name>.*</name>|<name>lc-d</name>|' -e '/<uuid>/d' \
        -e "s|<memballoon|<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$tmp/d.img'/><target dev='vda' bus='virtio'/></disk><serial type='file'><source path='$tmp/d.console'/><target port='0'/></serial><memballoon|" \
        "$data/pseries-basic.xml" > "$tmp/d.xml"
    t define "$tmp/d.xml" && t start --paused lc-d
    d=$(quid lc-d)
    [ -n "$d" ] && [ "$(stat -c '%u:%g %a' "$tmp/d.img")" = "$d:$d 600" ] &&
        [ "$(stat -c '%u:%g' "$tmp/d.console")" = "$d:$d" ]
    ok "disk image and file console lent to the domain's uid while it runs" $? \
       "uid=$d $(stat -c '%n %u:%g %a' "$tmp/d.img" "$tmp/d.console" 2>&1; cat "$tmp/err")"
    sed -e 's|<name>lc-d</name>|<name>lc-e</name>|' "$tmp/d.xml" > "$tmp/e.xml"
    t define "$tmp/e.xml"; t start --paused lc-e
    [ $? = 1 ] && grep -q "$tmp/d.img belongs to domain 'lc-d' (its QEMU uid $d) while that runs" "$tmp/err" &&
        qemu_gone lc-e && [ "$(stat -c '%u' "$tmp/d.img")" = "$d" ]
    ok "a second domain on the same image: refused, the first keeps it" $? "$(cat "$tmp/err")"
    t destroy lc-d && [ "$(stat -c '%u:%g %a' "$tmp/d.img")" = "0:0 600" ] &&
        [ "$(stat -c '%u:%g %a' "$tmp/d.console")" = "0:0 600" ]
    ok "destroy gives the image and the console file back" $? "$(stat -c '%n %u:%g %a' "$tmp/d.img" "$tmp/d.console" 2>&1)"
    t undefine lc-d; t undefine lc-e
fi

# a log past 8 MiB becomes lc-a.log.1 before the next start writes
mkdir -p "$tmp/state/log"
head -c 9000000 /dev/zero | tr '\0' 'x' > "$tmp/state/log/lc-a.log"
t start --paused lc-a
ok "start --paused" $? "$(cat "$tmp/err")"
[ "$(stat -c %s "$tmp/state/log/lc-a.log.1")" = 9000000 ] &&
    [ "$(stat -c %s "$tmp/state/log/lc-a.log")" -lt 1000000 ] &&
    grep -q "starting QEMU" "$tmp/state/log/lc-a.log"
ok "a log past 8 MiB is rotated to .1 at start" $? "$(ls -l "$tmp/state/log")"
[ "$(state lc-a)" = "paused (user)" ]; ok "paused (user) after start --paused" $? "$(state lc-a)"
if [ "$(id -u)" = 0 ]; then
    [ "$(quid lc-a)" = "$(suid lc-a)" ] && [ "$(quid lc-a)" -ge 1879048192 ] &&
        [ "$(quid lc-a)" -le 1879113727 ] && [ -f "$tmp/run/ids/$(quid lc-a)" ]
else
    [ "$(quid lc-a)" = "$(id -u)" ]
fi
ok "QEMU runs as the domain's own uid from uid_range, recorded in its status" $? \
   "uid=$(quid lc-a) status=$(suid lc-a) $(ls "$tmp/run/ids" 2>&1)"
if [ "$(id -u)" = 0 ]; then
    sed -e 's|<name>.*</name>|<name>lc-b</name>|' -e '/<uuid>/d' "$data/pseries-basic.xml" > "$tmp/b.xml"
    t define "$tmp/b.xml" && t start --paused lc-b
    a=$(quid lc-a) b=$(quid lc-b)
    [ -n "$b" ] && [ "$a" != "$b" ] && [ "$a" != 0 ] && [ "$b" != 0 ] &&
        [ "$(stat -c %u "$tmp/run/qemu/lc-b")" = "$b" ]
    ok "two running domains: two QEMU uids, neither 0, each owning its directory" $? "a=$a b=$b $(cat "$tmp/err")"
    gone_b() { [ ! -e "$tmp/run/qemu/lc-b.status" ] && [ ! -e "$tmp/run/qemu/lc-b" ] && qemu_gone lc-b; }
    t destroy lc-b && [ ! -e "$tmp/run/ids/$b" ] && [ -e "$tmp/run/ids/$a" ] && gone_b
    ok "destroy releases the domain's uid, not the other's" $? "$(ls "$tmp/run/ids")"
    printf '[qemu]\nstart_timeout = 30\nuid_range = %s-%s\n' "$a" "$a" > "$TCEVIRT_CONF"
    t start --paused lc-b; [ $? = 1 ] && grep -q "no free QEMU identity for domain 'lc-b' in uid_range $a-$a" "$tmp/err" &&
        gone_b
    ok "uid_range exhausted: a clear error, nothing started" $? "$(cat "$tmp/err")"
    printf '[qemu]\nstart_timeout = 30\n' > "$TCEVIRT_CONF"
    t undefine lc-b
fi
t list; grep -q "lc-a *paused" "$tmp/out"; ok "list shows it paused" $? "$(cat "$tmp/out")"
t start lc-a; [ $? = 1 ] && grep -q "already running" "$tmp/err"
ok "a second start is refused" $? "$(cat "$tmp/err")"
t resume lc-a && [ "$(state lc-a)" = "running (unpaused)" ]; ok "resume" $? "$(state lc-a)"
t suspend lc-a && [ "$(state lc-a)" = "paused (user)" ]; ok "suspend" $? "$(state lc-a)"
t dominfo lc-a; grep -q "VFIO handoff: *seccomp" "$tmp/out"; ok "dominfo names the fd handoff" $? "$(cat "$tmp/out")"
t destroy lc-a && [ "$(state lc-a)" = "shut off (destroyed)" ] && clean lc-a
ok "destroy leaves nothing behind" $? "$(cat "$tmp/err"; ls "$tmp/run/qemu")"

t start lc-a; pkill -9 -f "guest=lc-a,"
wait_for 10 sh -c "[ \"\$('$tcevirt' domstate --reason lc-a 2>/dev/null | head -1)\" = 'shut off (crashed)' ]"
ok "QEMU killed: shut off (crashed)" $? "$(state lc-a)"
clean lc-a; ok "QEMU killed: nothing left" $? "$(ls "$tmp/run/qemu")"

t start lc-a && t shutdown --timeout 1 lc-a
ok "shutdown sends the power-off request" $? "$(cat "$tmp/err")"
wait_for 10 sh -c "[ \"\$('$tcevirt' domstate --reason lc-a 2>/dev/null | head -1)\" = 'shut off (destroyed)' ]"
ok "a guest that ignores shutdown is destroyed after --timeout" $? "$(state lc-a)"
clean lc-a; ok "shutdown timeout: nothing left" $? "$(ls "$tmp/run/qemu")"

# the CLI killed while it waits for the start: the guest does not notice
# (killed once QEMU exists, so that the supervisor was forked: a fixed
# delay raced with a busy machine and sometimes killed it before the fork)
"$tcevirt" start lc-a >/dev/null 2>&1 & cli=$!
wait_for 10 qemu_alive lc-a; kill -9 $cli 2>/dev/null; wait $cli 2>/dev/null
wait_for 10 is_running lc-a
ok "a killed CLI does not affect the starting guest" $? "$(state lc-a)"
t destroy lc-a && clean lc-a; ok "... which destroys normally" $? "$(cat "$tmp/err")"

# the supervisor killed at every step; the next command finishes the job
for point in status-saved qemu-forked qemu-realized qemu-exited hostdevs-released owners-restored; do
    TCEVIRT_TEST_CRASH_AT=$point "$tcevirt" start lc-a >"$tmp/out" 2>"$tmp/err"
    started=$?
    if [ $started = 0 ]; then
        TCEVIRT_TEST_CRASH_AT=$point "$tcevirt" destroy lc-a >/dev/null 2>&1
    fi
    wait_for 10 qemu_gone lc-a
    t list --all
    grep -q "lc-a *shut off" "$tmp/out" && clean lc-a
    ok "supervisor killed at $point: the next command restores the host" $? \
       "start=$started $(cat "$tmp/out" "$tmp/err"; ls "$tmp/run/qemu")"
    t start lc-a && t destroy lc-a
    ok "supervisor killed at $point: the domain starts again" $? "$(cat "$tmp/err")"
done

# failed starts say why and leave nothing
sed -e 's|<name>.*</name>|<name>lc-b</name>|' -e '/<uuid>/d' \
    -e 's|<emulator>.*</emulator>|<emulator>/nonexistent/qemu</emulator>|' \
    "$data/pseries-basic.xml" > "$tmp/b.xml"
t define "$tmp/b.xml" && t start lc-b
[ $? = 1 ] && grep -q "cannot execute the emulator /nonexistent/qemu" "$tmp/err" && clean lc-b
ok "a missing emulator: clear error, nothing left" $? "$(cat "$tmp/err")"
[ "$(state lc-b)" = "shut off (failed)" ]; ok "a failed start: shut off (failed)" $? "$(state lc-b)"
cat > "$tmp/badqemu" <<'SH'
#!/bin/sh
echo "qemu-system-ppc64: -machine pseries: something QEMU refuses" >&2
exit 1
SH
chmod 755 "$tmp/badqemu"
sed -e 's|<name>.*</name>|<name>lc-c</name>|' -e '/<uuid>/d' \
    -e "s|<emulator>.*</emulator>|<emulator>$tmp/badqemu</emulator>|" \
    "$data/pseries-basic.xml" > "$tmp/c.xml"
t define "$tmp/c.xml" && t start lc-c
[ $? = 1 ] && grep -q "QEMU exited while starting domain 'lc-c' (status 1): .*something QEMU refuses" "$tmp/err" && clean lc-c
ok "QEMU's own error text reaches the user" $? "$(cat "$tmp/err")"

cat > "$tmp/slowqemu" <<'SH'
#!/bin/sh
exec sleep 30
SH
chmod 755 "$tmp/slowqemu"
sed -e 's|<name>.*</name>|<name>lc-d</name>|' -e '/<uuid>/d' \
    -e "s|<emulator>.*</emulator>|<emulator>$tmp/slowqemu</emulator>|" \
    "$data/pseries-basic.xml" > "$tmp/d.xml"
printf '[qemu]\nstart_timeout = 1\n' > "$TCEVIRT_CONF"
t define "$tmp/d.xml" && t start lc-d
[ $? = 1 ] && grep -q "QEMU of domain 'lc-d' did not answer on its monitor .* within 1 s" "$tmp/err" &&
    grep -q "raise start_timeout" "$tmp/err" && clean lc-d
ok "a QEMU that never answers QMP: timeout error naming the fix, nothing left" $? "$(cat "$tmp/err")"
printf '[qemu]\nstart_timeout = 30\n' > "$TCEVIRT_CONF"
TCEVIRT_TEST_CRASH_AT=status-saved "$tcevirt" start lc-a >"$tmp/out" 2>"$tmp/err"
[ $? = 1 ] && grep -q "the supervisor of domain 'lc-a' ended without a word; see .*lc-a.log" "$tmp/err"
ok "a supervisor that dies during start: the CLI says so and names the log" $? "$(cat "$tmp/err")"
t list --all

# definitions: names and UUIDs stay unique, errors name the other domain
uuid=$("$tcevirt" dominfo lc-a | awk '/^UUID:/ {print $2}')
sed -e 's|<name>.*</name>|<name>lc-e</name>|' -e "s|<uuid>.*</uuid>|<uuid>$uuid</uuid>|" \
    "$data/pseries-basic.xml" > "$tmp/e.xml"
t define "$tmp/e.xml"; [ $? = 1 ] && grep -q "uuid $uuid already belongs to domain 'lc-a'" "$tmp/err"
ok "define: a UUID of another domain is refused, naming it" $? "$(cat "$tmp/err")"
sed -e 's|<name>.*</name>|<name>lc-a</name>|' \
    -e 's|<uuid>.*</uuid>|<uuid>11111111-2222-3333-4444-555555555555</uuid>|' \
    "$data/pseries-basic.xml" > "$tmp/f.xml"
t define "$tmp/f.xml"; [ $? = 1 ] && grep -q "domain 'lc-a' is already defined with uuid $uuid" "$tmp/err"
ok "define: an existing name with another UUID is refused" $? "$(cat "$tmp/err")"
t define "$tmp/a.xml" && [ "$("$tcevirt" dominfo lc-a | awk '/^UUID:/ {print $2}')" = "$uuid" ]
ok "define: a redefinition without <uuid> keeps the domain's UUID" $? "$(cat "$tmp/err")"
sed -e 's|<name>.*</name>|<name>.hidden</name>|' -e '/<uuid>/d' "$data/pseries-basic.xml" > "$tmp/g.xml"
t define "$tmp/g.xml"; [ $? = 1 ] && grep -q "domain name '.hidden' cannot be used" "$tmp/err"
ok "define: a name that cannot be a file name is refused" $? "$(cat "$tmp/err")"
t destroy lc-a; [ $? = 1 ] && grep -q "domain 'lc-a' is not running" "$tmp/err"
ok "destroy of a shut-off domain: clear error" $? "$(cat "$tmp/err")"
t dominfo lc-nope; [ $? = 1 ] && grep -q "no domain with matching name or uuid 'lc-nope'" "$tmp/err"
ok "an unknown domain: clear error" $? "$(cat "$tmp/err")"

# undefine while running: transient until it stops
t start lc-a && t undefine lc-a && t list
grep -q "lc-a *running" "$tmp/out"; ok "an undefined running domain stays listed" $? "$(cat "$tmp/out")"
t dominfo lc-a; grep -q "Persistent: *no" "$tmp/out"; ok "it is transient" $? "$(cat "$tmp/out")"
t destroy lc-a && t list --all; ! grep -q "lc-a" "$tmp/out" && clean lc-a
ok "after destroy it is gone" $? "$(cat "$tmp/out" "$tmp/err")"

# file-backed RAM: QEMU, as the domain's own uid, creates its backing file
# in a directory the supervisor made for that uid alone, removed at the end
# (hugepages: the same below hugetlbfs_mount/tcevirt, here a plain dir)
mkdir -m 755 "$tmp/huge"
printf '[qemu]\nstart_timeout = 30\nhugetlbfs_mount = %s\n' "$tmp/huge" > "$TCEVIRT_CONF"
sed -e 's|<name>.*</name>|<name>lc-f</name>|' -e '/<uuid>/d' \
    -e 's|<memory unit|<memoryBacking><source type="file"/></memoryBacking><memory unit|' \
    "$data/pseries-basic.xml" > "$tmp/f.xml"
sed -e 's|lc-f|lc-h|' -e 's|<source type="file"/>|<hugepages/>|' "$tmp/f.xml" > "$tmp/h.xml"
for d in f h; do
    dir=$tmp/state/ram/lc-$d
    [ $d = h ] && dir=$tmp/huge/tcevirt/lc-$d
    t define "$tmp/$d.xml" && t start lc-$d
    rc=$?
    want=$(suid lc-$d); [ -n "$want" ] && [ "$want" != 0 ] || want=$(id -u)
    [ $rc = 0 ] && is_running lc-$d && [ "$(stat -c '%u %a' "$dir")" = "$want 700" ] &&
        grep -q "mem-path.*$dir" "$tmp/state/log/lc-$d.log"
    ok "RAM backed by a file ($d): QEMU runs, its directory belongs to its uid alone" $? \
        "rc=$rc $(cat "$tmp/err"; stat -c '%u %a' "$dir"; tail -3 "$tmp/state/log/lc-$d.log")"
    t destroy lc-$d && [ ! -e "$dir" ] && clean lc-$d
    ok "... destroy removes the directory" $? "$(ls -la "$dir" 2>&1)"
    t undefine lc-$d
done
# QEMU's output goes through the supervisor into NAME.log, rotated at 8 MiB
# while it runs: a QEMU writing 20 MiB leaves NAME.log and NAME.log.1 of at
# most 8 MiB (and a chunk) each; a descendant keeping stderr open does not
# hold up destroy
printf '[qemu]\nstart_timeout = 30\n' > "$TCEVIRT_CONF"
cat > "$tmp/spew" <<'SH'
#!/bin/sh
(sleep 30) &
head -c 20971520 /dev/zero | tr '\0' 'x' | fold -w 99 >&2
exec qemu-system-ppc64 "$@"
SH
chmod 755 "$tmp/spew"
sed -e 's|<name>.*</name>|<name>lc-s</name>|' -e '/<uuid>/d' \
    -e "s|<emulator>.*</emulator>|<emulator>$tmp/spew</emulator>|" \
    "$data/pseries-basic.xml" > "$tmp/s.xml"
log=$tmp/state/log/lc-s.log
t define "$tmp/s.xml" && t start lc-s; rc=$?
size() { stat -c %s "$1" 2>/dev/null || echo 0; }
[ $rc = 0 ] && is_running lc-s && [ "$(size "$log")" -le $((8 * 1048576 + 65536)) ] &&
    [ "$(size "$log.1")" -gt $((4 * 1048576)) ] && [ "$(size "$log.1")" -le $((8 * 1048576 + 65536)) ] &&
    grep -q "domain running" "$log"
ok "QEMU writing 20 MiB: the log rotates while it runs, each file at most 8 MiB" $? \
    "rc=$rc $(cat "$tmp/err"; ls -l "$log"*)"
s0=$(date +%s%N)
t destroy lc-s; rc=$?
ms=$(( ($(date +%s%N) - s0) / 1000000 ))
[ $rc = 0 ] && [ $ms -lt 5000 ] && clean lc-s && grep -q "domain stopped (destroyed)" "$log"
ok "... a descendant holding QEMU's stderr does not hold up destroy (${ms} ms)" $? "rc=$rc $(cat "$tmp/err"; tail -3 "$log")"
t undefine lc-s
# a listening unix channel in a directory only root may write: the
# supervisor binds it and QEMU gets the fd; root connects; the teardown
# removes it; a regular file in its place is refused, and kept
mkdir -m 700 "$tmp/chan"
sed -e 's|<name>.*</name>|<name>lc-c</name>|' -e '/<uuid>/d' \
    -e "s|</devices>|<channel type='unix'><source mode='bind' path='$tmp/chan/ga.sock'/><target type='virtio' name='org.qemu.guest_agent.0'/></channel></devices>|" \
    "$data/pseries-basic.xml" > "$tmp/c.xml"
t define "$tmp/c.xml" && t start lc-c; rc=$?
[ $rc = 0 ] && is_running lc-c && [ -S "$tmp/chan/ga.sock" ] &&
    [ "$(stat -c %u "$tmp/chan/ga.sock")" = "$(id -u)" ] &&
    grep -q "socket,id=charchannel0,fd=[0-9]*,server=on,wait=off" "$tmp/state/log/lc-c.log" &&
    python3 -c "import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])" "$tmp/chan/ga.sock"
ok "a unix channel in a root-only directory: bound by the supervisor, QEMU accepts on it" $? \
    "rc=$rc $(cat "$tmp/err"; ls -l "$tmp/chan"; grep -o 'charchannel0[^ ]*' "$tmp/state/log/lc-c.log")"
t destroy lc-c && [ ! -e "$tmp/chan/ga.sock" ] && clean lc-c
ok "... destroy removes the socket" $? "$(ls -l "$tmp/chan")"
echo keep > "$tmp/chan/ga.sock"
t start lc-c; rc=$?
[ $rc = 1 ] && grep -q "$tmp/chan/ga.sock, the unix socket of channel0 of domain 'lc-c', exists and is not a socket" "$tmp/err" &&
    [ "$(cat "$tmp/chan/ga.sock")" = keep ] && clean lc-c
ok "... a regular file at its path: start refused naming it, the file kept" $? "rc=$rc $(cat "$tmp/err")"
t undefine lc-c
printf '[qemu]\nstart_timeout = 30\nhugetlbfs_mount = huge\n' > "$TCEVIRT_CONF"
t list; [ $? = 1 ] && grep -q "hugetlbfs_mount='huge' is not an absolute path" "$tmp/err"
ok "qemu.conf: a relative hugetlbfs_mount is refused" $? "$(cat "$tmp/err")"
printf '[qemu]\nstart_timeout = 30\n' > "$TCEVIRT_CONF"

tap_done
