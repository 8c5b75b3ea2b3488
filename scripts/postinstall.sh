#!/bin/sh
# meson install step: the unprivileged user QEMU runs as, and tcevirt's
# state directory.  Skipped for staged installs (DESTDIR) and non-root.
#   postinstall.sh QEMU_USER STATEDIR
set -e
user=$1 statedir=$2
[ -z "${DESTDIR:-}" ] && [ "$(id -u)" = 0 ] || exit 0
if ! getent passwd "$user" >/dev/null; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin --comment "tcevirt QEMU processes" "$user"
    echo "tcevirt: created system user $user"
fi
# /dev/kvm is root:kvm 0660 on hosts where udev sets it so
if getent group kvm >/dev/null && ! id -nG "$user" | grep -qw kvm; then
    usermod -a -G kvm "$user"
fi
mkdir -p "$statedir"
chmod 0755 "$statedir"
