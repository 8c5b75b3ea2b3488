#!/bin/bash
# fresh-check.sh JOB: `make JOB` on a bare Debian 12 that has never seen
# the project, to prove the project's own files install all it needs.
#
#   scripts/fresh-check.sh check     the README's test command
#   scripts/fresh-check.sh demo      the README's demo command
#
# 1. builds a bookworm root with mmdebstrap --variant=minbase
#    --include=git,make,ca-certificates from this machine's apt sources
#    (bookworm-backports too when this machine has it);
# 2. puts a clean clone of this repository's HEAD at /work/main in it,
#    with ../shared beside it (/work/shared);
# 3. in a private mount namespace (unshare --mount: every mount dies
#    with the run), mounts /proc, /sys and /dev in the root and runs
#    `make JOB` there with chroot;
# 4. prints how long each phase took, then make's last line.
#
# Runs as root.  The root lives in $FRESH_DIR (default
# /var/tmp/tcevirt-fresh/JOB) and is removed first and afterwards
# (FRESH_KEEP=1 keeps it to look around).  Exit status: make's.
set -euo pipefail

job=${1:-}
case $job in
    check|demo|lab|fuzz|bench) ;;
    *) echo "usage: $0 check|demo|lab|fuzz|bench" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "error: $0 builds a chroot: run it as root" >&2; exit 1; }
top=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$top/../shared" 2>/dev/null && pwd) ||
    { echo "error: no ../shared beside $top (CI lays it there)" >&2; exit 1; }
dir=${FRESH_DIR:-/var/tmp/tcevirt-fresh/$job}
root=$dir/root
log=$dir/make-$job.log

declare -a phases=()
t_all=$(date +%s)
phase() {  # phase NAME START: record how long NAME took since START
    phases+=("$(printf '%-10s %4d s' "$1" $(( $(date +%s) - $2 )))")
}
report() {
    echo "fresh-check: phases"
    printf '  %s\n' "${phases[@]}"
    printf '  %-10s %4d s\n' total $(( $(date +%s) - t_all ))
}

cleanup() {
    # the mounts lived in the namespace of the chroot run, so nothing
    # below $root can be a mount of the host's /dev or /sys by now
    if [ "${FRESH_KEEP:-0}" != 1 ] && [ -d "$root" ]; then
        if grep -qs " $root/" /proc/self/mounts; then
            echo "fresh-check: $root still has mounts, not removing it" >&2
        else
            rm -rf "$root"
        fi
    fi
}
trap cleanup EXIT

# ---- 1. the bare root --------------------------------------------------
t=$(date +%s)
if ! command -v mmdebstrap >/dev/null; then
    echo "fresh-check: installing mmdebstrap on this machine"
    apt-get -q update >/dev/null || true
    DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends \
        mmdebstrap >/dev/null
fi
rm -rf "$root"
mkdir -p "$dir"
# this machine's apt sources, one argument each (.list and deb822 .sources)
sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
         /etc/apt/sources.list.d/*.sources; do
    [ -s "$f" ] && grep -qv '^\s*\(#\|$\)' "$f" && sources+=("$f")
done
[ ${#sources[@]} -gt 0 ] || { echo "error: this machine has no apt sources" >&2; exit 1; }
echo "fresh-check: mmdebstrap minbase bookworm into $root (sources: ${sources[*]})"
mmdebstrap --quiet --variant=minbase --include=git,make,ca-certificates \
    bookworm "$root" "${sources[@]}"
cp /etc/resolv.conf "$root/etc/resolv.conf"
phase bootstrap "$t"

# ---- 2. a clean clone and ../shared ------------------------------------
t=$(date +%s)
mkdir -p "$root/work"
git clone -q "$top" "$root/work/main"
cp -a "$shared" "$root/work/shared"
echo "fresh-check: $(git -C "$root/work/main" log -1 --format='%h %s')"
phase copy "$t"

# ---- 3. make JOB inside, in a private mount namespace -------------------
t=$(date +%s)
echo "fresh-check: make $job in the chroot (log: $log)"
set +e
unshare --mount --propagation private /bin/bash -c '
    set -e
    root=$1 job=$2
    mount -t proc proc "$root/proc"
    mount --rbind /sys "$root/sys"
    mount --rbind /dev "$root/dev"
    mount -t tmpfs tmpfs "$root/run"
    exec chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        /bin/bash -c "cd /work/main && make $job" </dev/null
' fresh-check "$root" "$job" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
phase "make $job" "$t"

report
last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 || true)
echo "fresh-check: make $job exited $rc"
[ -n "$last" ] && echo "$last"
exit "$rc"
