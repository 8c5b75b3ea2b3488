# Sourced by kernel/lab/lab.sh and kernel/lab/kernel-fix.sh: the lab's
# package cache (${TCEVIRT_CACHE:-~/.cache/tcevirt}/lab) and its helpers.
# Versions are resolved at run time: the archive rotates them.
cache=${TCEVIRT_CACHE:-$HOME/.cache/tcevirt}/lab
flavour=${LAB_FLAVOUR:-powerpc64le-64k}
mkdir -p "$cache/debs"

log() { printf 'lab: %s\n' "$*" >&2; }

resolve_kernel() {
    # the newest 6.12 ppc64el kernel of the wanted flavour the archive has
    apt-cache search --names-only "^linux-image-6\.12\..*-$flavour\$" 2>/dev/null |
        awk '{print $1}' | sort -V | tail -1
}

# fetch_deb PACKAGE:ARCH [VERSION] -> path of the cached .deb (the
# candidate version, or VERSION)
fetch_deb() {
    local pkg=${1%%:*} arch=${1##*:} ver=${2:-} file
    [ -n "$ver" ] || ver=$(apt-cache policy "$1" | awk '/Candidate:/ {print $2}')
    [ -n "$ver" ] && [ "$ver" != "(none)" ] || { log "no candidate for $1"; exit 1; }
    file="$cache/debs/${pkg}_${ver//:/%3a}_${arch}.deb"
    if [ ! -f "$file" ]; then
        log "downloading $1 $ver"
        (cd "$cache/debs" && apt-get download -q "$1=$ver" >/dev/null) ||
            { log "cannot download $1 $ver"; exit 1; }
    fi
    echo "$file"
}

extract() {  # extract DEB DIR (once)
    if [ ! -d "$2" ]; then
        mkdir -p "$2.tmp"
        dpkg-deb -x "$1" "$2.tmp"
        mv "$2.tmp" "$2"
    fi
}
