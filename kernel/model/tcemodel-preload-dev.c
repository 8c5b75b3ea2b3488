/*
 * tcemodel-preload-dev.c: libtcemodel.so entry points of stage 2
 *
 *   - open() of /dev/vfio/vfio, /dev/vfio/N and (host line "kvm power")
 *     /dev/kvm gives an fd of an object anchor (tcemodel-vfio.h); with
 *     TCEMODEL_VFIO_OPEN=syscall an open of /dev/vfio/N is issued as is,
 *     for a seccomp supervisor to trap and answer with a model fd;
 *   - ioctl() on an fd whose fstat() names an anchor runs the model's
 *     handler; every other ioctl goes to libc untouched;
 *   - reading /proc/PID/status (self, thread-self, PID, PID/task/TID)
 *     shows VmLck as the real value plus what the model charged to that
 *     process's mm (sPAPR preregistration, TCE tables, KVM TCE tables).
 *     The content comes from a memfd; only open/fopen see it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#undef _FILE_OFFSET_BITS
#undef _TIME_BITS
#undef _FORTIFY_SOURCE

#include "tcemodel-preload.h"
#include "tcemodel-vfio.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>


/*
 * Open a modelled device node (@rpath inside the root).  Returns the fd,
 * -1 with errno, or -2 when @rpath is no such node.
 */
int
tcemodelDevOpen(const char *rpath, int flags)
{
    const char *vpath = tcemodelVirtual(rpath);
    int ret;

    if (flags & O_PATH)
        return -2;
    if (g_str_has_prefix(vpath, "/dev/vfio/") && vpath[10] &&
        !strchr(vpath + 10, '/')) {
        /* a seccomp supervisor traps this process's opens */
        if (g_strcmp0(getenv("TCEMODEL_VFIO_OPEN"), "syscall") == 0)
            return tcemodelReal.openat(AT_FDCWD, vpath, flags, 0);
        ret = tcemodelVfioOpen(tcemodelRoot, vpath, rpath, flags);
    }
    else if (g_str_equal(vpath, "/dev/kvm"))
        ret = tcemodelKvmOpen(tcemodelRoot, rpath, flags);
    else
        return -2;
    if (ret < 0) {
        errno = -ret;
        return -1;
    }
    return ret;
}


/* the pid whose status @path is, or 0 */
static pid_t
tcemodelProcStatusPid(const char *path)
{
    g_auto(GStrv) c = NULL;
    guint n;
    pid_t pid;

    if (!g_str_has_prefix(path, "/proc/") || !g_str_has_suffix(path, "/status"))
        return 0;
    c = g_strsplit(path, "/", -1);
    n = g_strv_length(c);
    /* "", proc, PID, [task, TID,] status */
    if (n != 4 && !(n == 6 && g_str_equal(c[3], "task")))
        return 0;
    if (g_str_equal(c[2], "self") || g_str_equal(c[2], "thread-self"))
        return n == 4 || g_str_equal(c[2], "self") ? getpid() : 0;
    if (!*c[2] || strspn(c[2], "0123456789") != strlen(c[2]))
        return 0;
    pid = atoi(c[2]);
    return pid > 0 ? pid : 0;
}


/*
 * open() of /proc/.../status: a memfd with VmLck adjusted, -1 with errno,
 * or -2 to let libc open the real file.
 */
int
tcemodelProcOpen(const char *path, int flags)
{
    g_autofree char *data = NULL;
    g_autoptr(GString) out = NULL;
    pid_t pid;
    gint64 kib;
    char *line;
    int fd;

    if (!tcemodelRoot || tcemodelInternal || !path || path[0] != '/' ||
        (flags & O_ACCMODE) != O_RDONLY || !(pid = tcemodelProcStatusPid(path)))
        return -2;

    tcemodelInternal++;
    kib = tcemodelMmLockedKiB(tcemodelRoot, pid);
    if (kib > 0 && tcemodelFileRead(path, &data) < 0)
        data = NULL;
    tcemodelInternal--;
    if (kib <= 0 || !data || !(line = strstr(data, "\nVmLck:")))
        return -2;

    out = g_string_new_len(data, line + 1 - data);
    g_string_append_printf(out, "VmLck:\t%8" G_GUINT64_FORMAT " kB",
                           g_ascii_strtoull(line + 7, NULL, 10) + kib);
    g_string_append(out, strchr(line + 1, '\n'));

    if ((fd = memfd_create("status", flags & O_CLOEXEC ? MFD_CLOEXEC : 0)) < 0)
        return -1;
    if (tcemodelReal.write(fd, out->str, out->len) != (ssize_t)out->len ||
        lseek(fd, 0, SEEK_SET) < 0) {
        int save = errno;

        tcemodelReal.close(fd);
        errno = save;
        return -1;
    }
    return fd;
}


TCEMODEL_EXPORT int
ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    void *arg;
    guint64 ino;
    int ret;

    va_start(ap, req);
    arg = va_arg(ap, void *);
    va_end(ap);

    tcemodelEnsureInit();
    /* do_vfs_ioctl() handles these for every file, before the driver */
    if (!tcemodelRoot || tcemodelInternal || req == FIOCLEX ||
        req == FIONCLEX || req == FIONBIO || req == FIOASYNC ||
        !(ino = tcemodelAnchorIno(tcemodelRoot, fd)))
        return tcemodelReal.ioctl(fd, req, arg);

    if ((ret = tcemodelDevIoctl(tcemodelRoot, ino, req, arg)) < 0) {
        errno = -ret;
        return -1;
    }
    return ret;
}
