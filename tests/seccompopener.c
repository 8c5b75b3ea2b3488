/*
 * seccompopener.c: the target of tests/virseccomptest.c, a stand-in for
 * QEMU under the seccomp broker
 *
 * usage: seccompopener OP...
 *   cd=DIR               chdir(DIR)
 *   dir=PATH             open PATH (O_PATH|O_DIRECTORY) as the dirfd of
 *                        later openat/openat2 (default AT_FDCWD)
 *   wait                 print "ready", wait for a byte on stdin
 *   KIND[,ce][,rw][,wo][,nosym]=PATH
 *                        KIND is open, openat or openat2; ce adds
 *                        O_CLOEXEC, rw opens O_RDWR, wo O_WRONLY (default
 *                        O_RDONLY), nosym: openat2 with RESOLVE_NO_SYMLINKS
 *   reach=PID            ptrace(PTRACE_ATTACH), process_vm_readv and
 *                        writev, pidfd_getfd (fd 0) and kcmp on PID:
 *                        "reach NAME: ok|errno=ENAME" each
 *
 * Opens are raw syscalls (as the kernel sees them, not through the fake
 * host's preload).  One line per op:
 *   KIND PATH: fd cloexec=0|1 [status=0xF|api=N|ioctl-errno=E] link=TARGET
 *   KIND PATH: errno=ENAME
 * status is VFIO_GROUP_GET_STATUS (basename all digits), api
 * VFIO_GET_API_VERSION (basename "vfio").  Each fd is closed after its
 * line.  Exits with _exit() so that no exit-time code opens files.
 */
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

static int dirfd = AT_FDCWD;
static unsigned long long resolveFlags;

static int
doOpen(const char *kind, const char *path, int flags)
{
    if (strcmp(kind, "openat") == 0)
        return syscall(SYS_openat, dirfd, path, flags, 0);
    if (strcmp(kind, "openat2") == 0) {
        struct open_how how = { .flags = flags, .resolve = resolveFlags };

        return syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
    }
#ifdef SYS_open
    return syscall(SYS_open, path, flags, 0);
#else
    return syscall(SYS_openat, AT_FDCWD, path, flags, 0);
#endif
}

static void
report(const char *kind, const char *path, int fd)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char proc[64];
    char link[4096];
    ssize_t n;

    if (fd < 0) {
        printf("%s %s: errno=%s\n", kind, path, strerrorname_np(errno));
        return;
    }
    printf("%s %s: fd cloexec=%d", kind, path,
           (fcntl(fd, F_GETFD) & FD_CLOEXEC) ? 1 : 0);
    if ((fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY)
        printf(" acc=wo");
    if (strcmp(base, "vfio") == 0) {
        int api = ioctl(fd, VFIO_GET_API_VERSION);

        if (api >= 0)
            printf(" api=%d", api);
        else
            printf(" ioctl-errno=%s", strerrorname_np(errno));
    } else if (*base && strspn(base, "0123456789") == strlen(base)) {
        struct vfio_group_status st = { .argsz = sizeof(st) };

        if (ioctl(fd, VFIO_GROUP_GET_STATUS, &st) == 0)
            printf(" status=0x%x", st.flags);
        else
            printf(" ioctl-errno=%s", strerrorname_np(errno));
    }
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    if ((n = readlink(proc, link, sizeof(link) - 1)) < 0)
        n = 0;
    link[n] = '\0';
    printf(" link=%s\n", link);
    close(fd);
}

static void
reachSay(const char *name, long rc)
{
    if (rc < 0)
        printf("reach %s: errno=%s\n", name, strerrorname_np(errno));
    else
        printf("reach %s: ok\n", name);
}

/* every way into another process: each must fail */
static void
reach(int pid)
{
    char buf[8];
    struct iovec local = { buf, sizeof(buf) };
    struct iovec remote = { (void *) &reach, sizeof(buf) };
    long pidfd;

    reachSay("ptrace", syscall(SYS_ptrace, PTRACE_ATTACH, pid, 0, 0));
    reachSay("process_vm_readv",
             syscall(SYS_process_vm_readv, pid, &local, 1, &remote, 1, 0));
    reachSay("process_vm_writev",
             syscall(SYS_process_vm_writev, pid, &local, 1, &remote, 1, 0));
    pidfd = syscall(SYS_pidfd_open, pid, 0);
    reachSay("pidfd_getfd", pidfd < 0 ? pidfd : syscall(SYS_pidfd_getfd, pidfd, 0, 0));
    reachSay("kcmp", syscall(SYS_kcmp, getpid(), pid, 0 /* KCMP_FILE */, 0, 0));
}

int
main(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        char *op = argv[i];
        char *path = strchr(op, '=');
        char kind[32];
        int flags = O_RDONLY;
        char *mod;

        if (strcmp(op, "wait") == 0) {
            char c;

            printf("ready\n");
            fflush(stdout);
            if (read(0, &c, 1) < 0)
                _exit(2);
            continue;
        }
        if (!path || path - op >= (int) sizeof(kind)) {
            fprintf(stderr, "seccompopener: bad op '%s'\n", op);
            _exit(2);
        }
        memcpy(kind, op, path - op);
        kind[path - op] = '\0';
        path++;
        if ((mod = strchr(kind, ','))) {
            flags |= strstr(mod, ",ce") ? O_CLOEXEC : 0;
            flags |= strstr(mod, ",rw") ? O_RDWR : 0;
            flags |= strstr(mod, ",wo") ? O_WRONLY : 0;
            resolveFlags = strstr(mod, ",nosym") ? RESOLVE_NO_SYMLINKS : 0;
            *mod = '\0';
        }

        if (strcmp(kind, "cd") == 0) {
            if (syscall(SYS_chdir, path) < 0)
                printf("cd %s: errno=%s\n", path, strerrorname_np(errno));
            else
                printf("cd %s: ok\n", path);
        } else if (strcmp(kind, "dir") == 0) {
            dirfd = syscall(SYS_openat, AT_FDCWD, path,
                            O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
            if (dirfd < 0)
                printf("dir %s: errno=%s\n", path, strerrorname_np(errno));
            else
                printf("dir %s: ok\n", path);
        } else if (strcmp(kind, "reach") == 0) {
            reach(atoi(path));
        } else if (strcmp(kind, "open") == 0 || strcmp(kind, "openat") == 0 ||
                   strcmp(kind, "openat2") == 0) {
            report(kind, path, doOpen(kind, path, flags));
        } else {
            fprintf(stderr, "seccompopener: bad op '%s'\n", op);
            _exit(2);
        }
        fflush(stdout);
    }
    fflush(stdout);
    _exit(0);
}
