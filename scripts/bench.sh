#!/bin/bash
# Runs the benchmarks in bench/ against a generated fake host.
#   scripts/bench.sh BUILD_DIR [SECONDS]
set -euo pipefail
build=${1:-build}
secs=${2:-5}
host=$(mktemp --suffix=.host)
trap 'rm -f "$host"' EXIT
{
    echo "host bench-32-groups"
    for g in $(seq 0 31); do
        d=$(printf '%04x' $((0x100 + g)))
        echo "phb $d numa=$((g % 2 * 8))"
        for f in 0 1; do
            echo "device $d:01:00.$f vendor=0x8086 device=0x105e class=0x020000 group=$g driver=e1000e"
        done
    done
} > "$host"
"$build/kernel/model/tcemodel-run" "$host" "$build/bench/bench-xml2argv" "$secs"
# start --paused + destroy against QEMU alone (bench/start.py)
python3 bench/start.py "$build/tools/tcevirt" tests/qemuxml2argvdata/pseries-basic.xml 20
# tcevirtd against libvirtd 11.3, same domain, same run (bench/rpc.py)
/usr/bin/python3 bench/rpc.py "$build/tools/tcevirtd" "$build/tools/tcevirt" 300
