/*
 * hostileqemu.c: a hostile QEMU, run in QEMU's place by the real
 * supervisor (as the domain's uid, under its seccomp filter, with its
 * fds), that tries every route to a VFIO group it was not lent and into
 * another process.  One line per route:
 *
 *   hostile: ROUTE: refused ERRNO          (an errno the route may give)
 *   hostile: ROUTE: OPENED                 (the route worked: a hole)
 *   hostile: ROUTE: unexpected ERRNO       (refused, but not as expected)
 *
 * then "hostile: N routes, N refused, N opened, N unexpected" and, when a
 * group was lent, whether it is usable (VFIO_GROUP_GET_STATUS on the fd
 * the broker hands over).  Any route that worked or the lent group not
 * usable: exit 1 (QEMU "fails to start", the test sees it).  Otherwise it
 * execs HOSTILE_NEXT (the fake QEMU, or qemu-system-ppc64 in the lab)
 * with the same arguments, so the domain starts as usual.
 *
 * Environment: HOSTILE_LENT (the group lent to this domain, empty: none),
 * HOSTILE_FOREIGN (a group of another domain or of nobody), HOSTILE_OTHER
 * (another domain's QEMU pid; default: the supervisor), HOSTILE_NEXT,
 * HOSTILE_STRICT=1 on a real kernel whose foreign node exists: only the
 * kernel's own errnos count (no ENOENT).
 *
 * Opens are raw syscalls (the seccomp filter and the kernel see them as
 * QEMU's would); ioctls go through libc so that the fake host's preload
 * models them.  Where the kernel decides (DAC), the fake host has no
 * real node, so ENOENT is accepted there and EACCES is what the lab's
 * real kernel must give.
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static int routes, refused, opened, unexpected;

/* @rc: the route's result (>= 0: it worked); @ok: the errnos it may give,
 * 0-terminated */
static void
say(const char *route, long rc, const int *ok)
{
    int err = errno;
    int i;

    routes++;
    if (rc >= 0) {
        opened++;
        printf("hostile: %s: OPENED\n", route);
        return;
    }
    for (i = 0; ok[i]; i++) {
        if (ok[i] == err) {
            refused++;
            printf("hostile: %s: refused %s\n", route, strerrorname_np(err));
            return;
        }
    }
    unexpected++;
    printf("hostile: %s: unexpected %s\n", route, strerrorname_np(err));
}

static long
rawOpen(const char *path, int flags)
{
    long fd = syscall(SYS_openat, AT_FDCWD, path, flags, 0);

    if (fd >= 0)
        close(fd);
    return fd;
}

static long
rawOpenat2(int dirfd, const char *path, int flags, unsigned long long resolve)
{
    struct open_how how = { .flags = flags, .resolve = resolve };
    long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));

    if (fd >= 0)
        close(fd);
    return fd;
}

int
main(int argc, char **argv)
{
    /* the broker's refusal is EACCES; the kernel's DAC gives EACCES (on
     * the fake host, whose nodes are not in /dev: ENOENT) */
    const char *strict = getenv("HOSTILE_STRICT");
    int real = strict && *strict == '1';
    const int denied[] = { EACCES, real ? EACCES : ENOENT, 0 };
    static const int broker[] = { EACCES, 0 };
    static const int perm[] = { EPERM, 0 };
    static const int none[] = { 0 };
    const int link_[] = { EXDEV, EPERM, real ? EXDEV : ENOENT, 0 };
    const char *lent = getenv("HOSTILE_LENT");
    const char *foreign = getenv("HOSTILE_FOREIGN");
    const char *other = getenv("HOSTILE_OTHER");
    const char *next = getenv("HOSTILE_NEXT");
    pid_t target = other && *other ? atoi(other) : getppid();
    char fgroup[64], lgroup[64], tmp[128], tmp2[128], path[160];
    char buf[8];
    struct iovec local = { buf, sizeof(buf) };
    struct iovec remote = { (void *) &main, sizeof(buf) };
    long devfd, fd, pidfd;
    int usable = -1;

    setvbuf(stdout, NULL, _IOLBF, 0);
    snprintf(fgroup, sizeof(fgroup), "/dev/vfio/%s", foreign && *foreign ? foreign : "0");
    snprintf(lgroup, sizeof(lgroup), "/dev/vfio/%s", lent && *lent ? lent : "");
    snprintf(tmp, sizeof(tmp), "/tmp/hostile-%d-link", (int) getpid());
    snprintf(tmp2, sizeof(tmp2), "/tmp/hostile-%d-hard", (int) getpid());
    printf("hostile: uid %d gid %d, lent group %s, foreign group %s, other "
           "process %d\n", (int) getuid(), (int) getgid(),
           lent && *lent ? lent : "(none)", fgroup, (int) target);

    /* another domain's group, straight and read-only */
    say("foreign group, O_RDWR", rawOpen(fgroup, O_RDWR), broker);
    say("foreign group, O_RDONLY", rawOpen(fgroup, O_RDONLY), denied);
    /* by names the broker's lexical match does not know */
    if (symlink(fgroup, tmp) == 0) {
        say("foreign group by symlink", rawOpen(tmp, O_RDWR), denied);
        unlink(tmp);
    } else {
        say("(making the symlink in /tmp)", -1, none);
    }
    if (lent && *lent && symlink(lgroup, tmp) == 0) {
        say("lent group by symlink", rawOpen(tmp, O_RDWR), denied);
        unlink(tmp);
    }
    snprintf(path, sizeof(path), "/proc/self/root%s", fgroup);
    say("foreign group by /proc/self/root", rawOpen(path, O_RDWR), denied);
    say("foreign group, hard link", link(fgroup, tmp2), link_);
    unlink(tmp2);
    /* relative to a directory fd, openat and openat2 */
    devfd = syscall(SYS_openat, AT_FDCWD, "/dev", O_PATH | O_DIRECTORY, 0);
    snprintf(path, sizeof(path), "vfio/%s", foreign && *foreign ? foreign : "0");
    fd = syscall(SYS_openat, devfd, path, O_RDWR, 0);
    if (fd >= 0)
        close(fd);
    say("foreign group, openat relative to /dev", fd, broker);
    say("foreign group, openat2", rawOpenat2(AT_FDCWD, fgroup, O_RDWR, 0), broker);
    say("foreign group, openat2 RESOLVE_BENEATH from /dev",
        rawOpenat2(devfd, path, O_RDWR, RESOLVE_BENEATH), broker);
    say("foreign group, openat2 RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS",
        rawOpenat2(AT_FDCWD, fgroup, O_RDWR,
                   RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS), broker);
    if (devfd >= 0)
        close(devfd);
    /* O_PATH (no access asked: the kernel allows it), then reopened */
    fd = syscall(SYS_openat, AT_FDCWD, fgroup, O_PATH, 0);
    if (fd >= 0) {
        snprintf(path, sizeof(path), "/proc/self/fd/%ld", fd);
        say("foreign group, O_PATH reopened by /proc/self/fd",
            rawOpen(path, O_RDWR), denied);
        close(fd);
    } else {
        say("foreign group, O_PATH reopened by /proc/self/fd", fd, denied);
    }
    /* iommufd's device nodes, and the container when nothing was lent */
    say("iommufd device /dev/vfio/devices/vfio0",
        rawOpen("/dev/vfio/devices/vfio0", O_RDWR), broker);
    if (!lent || !*lent)
        say("container /dev/vfio/vfio, nothing lent",
            rawOpen("/dev/vfio/vfio", O_RDWR), broker);
    /* into another process: its memory, its fds */
    say("ptrace another QEMU", syscall(SYS_ptrace, PTRACE_ATTACH, target, 0, 0), perm);
    say("process_vm_readv another QEMU",
        syscall(SYS_process_vm_readv, target, &local, 1, &remote, 1, 0), perm);
    say("process_vm_writev another QEMU",
        syscall(SYS_process_vm_writev, target, &local, 1, &remote, 1, 0), perm);
    pidfd = syscall(SYS_pidfd_open, target, 0);
    say("pidfd_getfd from another QEMU",
        pidfd < 0 ? pidfd : syscall(SYS_pidfd_getfd, pidfd, 0, 0), perm);
    if (pidfd >= 0)
        close(pidfd);
    say("kcmp with another QEMU",
        syscall(SYS_kcmp, getpid(), target, 0 /* KCMP_FILE */, 0, 0), perm);

    /* what was lent works: the fd the broker injects */
    if (lent && *lent) {
        struct vfio_group_status st = { .argsz = sizeof(st) };

        fd = syscall(SYS_openat, AT_FDCWD, lgroup, O_RDWR | O_CLOEXEC, 0);
        usable = fd >= 0 && ioctl(fd, VFIO_GROUP_GET_STATUS, &st) == 0;
        printf("hostile: lent group %s: %s (status 0x%x)\n", lgroup,
               usable ? "usable" : strerrorname_np(errno), usable ? st.flags : 0);
        if (fd >= 0)
            close(fd);
    }
    printf("hostile: %d routes, %d refused, %d opened, %d unexpected\n",
           routes, refused, opened, unexpected);
    if (opened || unexpected || usable == 0) {
        printf("hostile: FAILED\n");
        return 1;
    }
    if (!next || !*next)
        return 0;
    argv[0] = (char *) next;
    execv(next, argv);
    printf("hostile: cannot exec %s: %s\n", next, strerror(errno));
    return 1;
    (void) argc;
}
