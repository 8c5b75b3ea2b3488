#!/bin/bash
# The golden start test (qemustarttest) survives the QEMU it tests: with
# one case's display pointed at a ROM file that does not exist, QEMU exits
# at start, that case alone is reported as failed with QEMU's own message,
# the next case still runs and passes, and the TAP plan and exit status
# come out as for any failure (no SIGPIPE, no hang).  TAP output.
# usage: qemustartfailtest.sh TCEMODEL-RUN HOST QEMUSTARTTEST
run=$1 host=$2 starttest=$3
. "$(dirname "$0")/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# graphics-vnc-port has a VGA (vgabios-stdvga.bin); clock-localtime has none
bad=graphics-vnc-port good=clock-localtime
QEMUSTART_EXTRA_ARGS="-global VGA.romfile=$tmp/missing/vgabios-stdvga.bin" \
    timeout 300 "$run" "$host" "$starttest" --tap -k \
    -p "/qemustart/$bad" -p "/qemustart/$good" > "$tmp/out" 2>&1
rc=$?
out=$(cat "$tmp/out")

[ "$rc" = 1 ]
ok exits-1-not-by-a-signal $? "exit status $rc; $out"
[ "$(grep -c '^not ok' "$tmp/out")" = 1 ] && grep -q "^not ok .*/qemustart/$bad" "$tmp/out"
ok the-bad-case-alone-fails $? "$out"
grep -q "failed to find romfile.*missing/vgabios-stdvga.bin" "$tmp/out"
ok qemus-own-message-is-shown $? "$out"
grep -q "^ok .*/qemustart/$good" "$tmp/out"
ok the-next-case-still-runs $? "$out"
grep -q '^1\.\.2$' "$tmp/out"
ok the-plan-is-printed $? "$out"
tap_done
