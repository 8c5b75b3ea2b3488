/*
 * virseccomp.c: hand VFIO fds to an unprivileged QEMU with seccomp user
 * notification (see virseccomp.h)
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "virerror.h"
#include "virseccomp.h"

struct _virSeccompBroker {
    int listener;
    char *devDir;               /* normalised, no trailing '/' */
    GMutex lock;                /* groups change while the broker runs */
    unsigned int *groups;
    size_t ngroups;
    struct seccomp_notif *req;
    size_t reqSize;
    struct seccomp_notif_resp *resp;
    size_t respSize;
    void (*logCb)(const char *line, void *opaque);
    void *logOpaque;
    virSeccompBrokerCounters counters;
};

/* the kernel's OPEN_HOW_SIZE_VER0 (not exported): flags, mode, resolve */
#define VIR_OPEN_HOW_SIZE_VER0 24

typedef enum {
    VIR_SECCOMP_CONTINUE,
    VIR_SECCOMP_INJECT,
    VIR_SECCOMP_DENY,
} virSeccompVerdict;


int
virSeccompNotifyInstall(int sock)
{
    scmp_filter_ctx ctx;
    char byte = 0;
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = { &byte, 1 };
    struct msghdr msg = { 0 };
    struct cmsghdr *cmsg;
    int listener = -1;
    int ret;

    if (!(ctx = seccomp_init(SCMP_ACT_ALLOW)))
        return -ENOMEM;
    /* everything that allocates happens before the filter is loaded.
     * Only opens for writing are trapped (O_WRONLY, O_RDWR, or both bits:
     * QEMU opens groups and the container O_RDWR); a read-only open goes
     * to the kernel, as a continued one would, and DAC decides.  This
     * spares QEMU's loader and ROM opens a round trip each. */
    if ((ret = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(open), 1,
                                SCMP_A1(SCMP_CMP_MASKED_EQ, O_WRONLY, O_WRONLY))) < 0 ||
        (ret = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(open), 1,
                                SCMP_A1(SCMP_CMP_MASKED_EQ, O_RDWR, O_RDWR))) < 0 ||
        (ret = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(openat), 1,
                                SCMP_A2(SCMP_CMP_MASKED_EQ, O_WRONLY, O_WRONLY))) < 0 ||
        (ret = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(openat), 1,
                                SCMP_A2(SCMP_CMP_MASKED_EQ, O_RDWR, O_RDWR))) < 0 ||
        /* its flags are behind a pointer: always */
        (ret = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(openat2), 0)) < 0 ||
        /* no reaching into another process: its memory, its fds */
        (ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ptrace), 0)) < 0 ||
        (ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
                                SCMP_SYS(process_vm_readv), 0)) < 0 ||
        (ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
                                SCMP_SYS(process_vm_writev), 0)) < 0 ||
        (ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(pidfd_getfd), 0)) < 0 ||
        (ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(kcmp), 0)) < 0)
        goto cleanup;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        ret = -errno;
        goto cleanup;
    }
    if ((ret = seccomp_load(ctx)) < 0)
        goto cleanup;
    /* From here on every open* of this process waits for the broker. */
    if ((listener = seccomp_notify_fd(ctx)) < 0) {
        ret = listener;
        goto cleanup;
    }

    memset(cbuf, 0, sizeof(cbuf));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof(cbuf);
    cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &listener, sizeof(int));
    do {
        ret = sendmsg(sock, &msg, MSG_NOSIGNAL);
    } while (ret < 0 && errno == EINTR);
    ret = ret == 1 ? 0 : ret < 0 ? -errno : -EIO;

 cleanup:
    if (listener >= 0)
        close(listener);
    seccomp_release(ctx);
    return ret;
}


int
virSeccompNotifyReceive(int sock, GError **errp)
{
    char byte;
    char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
    struct iovec iov = { &byte, 1 };
    struct msghdr msg = { 0 };
    struct cmsghdr *cmsg;
    ssize_t n;
    int fd;

    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof(cbuf);
    do {
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        virReportSystemError(errp, errno,
                             "cannot receive the seccomp listener from the child process");
        return -1;
    }
    cmsg = CMSG_FIRSTHDR(&msg);
    if (n != 1 || !cmsg || cmsg->cmsg_level != SOL_SOCKET ||
        cmsg->cmsg_type != SCM_RIGHTS ||
        cmsg->cmsg_len != CMSG_LEN(sizeof(int))) {
        virReportError(errp, VIR_ERR_OPERATION_FAILED,
                       "the child process did not send its seccomp listener "
                       "(it failed to install the filter; see its log)");
        return -1;
    }
    memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
    return fd;
}


/* Collapse "//", "." and ".." of the absolute @path, lexically */
static char *
virSeccompNormalise(const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", -1);
    g_autoptr(GPtrArray) stack = g_ptr_array_new();
    GString *out = g_string_new(NULL);
    size_t i;

    for (i = 0; parts[i]; i++) {
        if (!*parts[i] || g_str_equal(parts[i], "."))
            continue;
        if (g_str_equal(parts[i], "..")) {
            if (stack->len > 0)
                g_ptr_array_remove_index(stack, stack->len - 1);
            continue;
        }
        g_ptr_array_add(stack, parts[i]);
    }
    for (i = 0; i < stack->len; i++)
        g_string_append_printf(out, "/%s", (char *)stack->pdata[i]);
    if (out->len == 0)
        g_string_append_c(out, '/');
    return g_string_free(out, FALSE);
}


/*
 * The path and open flags of @req, made absolute with the target's cwd or
 * dirfd and normalised; NULL when they cannot be read (the kernel then
 * decides, e.g. EFAULT).
 */
static char *
virSeccompReadPath(const struct seccomp_notif *req, unsigned long long *flags,
                   unsigned long long *resolve, gboolean *dirOnly)
{
    g_autofree char *memPath = g_strdup_printf("/proc/%u/mem", req->pid);
    g_autofree char *path = g_malloc0(PATH_MAX + 1);
    g_autofree char *base = NULL;
    g_autofree char *full = NULL;
    g_autofree char *link = NULL;
    unsigned long long addr;
    int dirfd = AT_FDCWD;
    ssize_t n;
    int memfd;

    if (req->data.nr == __NR_openat || req->data.nr == __NR_openat2) {
        dirfd = (int) req->data.args[0];
        addr = req->data.args[1];
        *flags = req->data.args[2];
    } else {
        addr = req->data.args[0];
        *flags = req->data.args[1];
    }

    if ((memfd = open(memPath, O_RDONLY | O_CLOEXEC)) < 0)
        return NULL;
    n = pread(memfd, path, PATH_MAX, addr);
    if (n > 0 && req->data.nr == __NR_openat2) {
        struct open_how how = { 0 };

        /* a short open_how is the kernel's EINVAL: let it say so */
        if (req->data.args[3] < VIR_OPEN_HOW_SIZE_VER0 ||
            pread(memfd, &how, sizeof(how), req->data.args[2]) != sizeof(how))
            n = -1;
        *flags = how.flags;
        *resolve = how.resolve;
    }
    close(memfd);
    if (n <= 0 || strnlen(path, n) == (size_t) n || !*path)
        return NULL;
    /* "NAME/" names a directory: the kernel's ENOTDIR for a node */
    *dirOnly = path[strlen(path) - 1] == '/';

    if (*path == '/')
        return virSeccompNormalise(path);

    if (dirfd == AT_FDCWD)
        link = g_strdup_printf("/proc/%u/cwd", req->pid);
    else
        link = g_strdup_printf("/proc/%u/fd/%d", req->pid, dirfd);
    if (!(base = g_file_read_link(link, NULL)) || *base != '/')
        return NULL;
    full = g_strconcat(base, "/", path, NULL);
    return virSeccompNormalise(full);
}


/* What to do with an open of the normalised @path */
static virSeccompVerdict
virSeccompBrokerClassify(virSeccompBroker *b, const char *path,
                         char **reason)
{
    size_t len = strlen(b->devDir);
    const char *rest = path + len;
    guint64 group;
    size_t i;

    if (strncmp(path, b->devDir, len) != 0 || rest[0] != '/' || !rest[1])
        return VIR_SECCOMP_CONTINUE;
    rest++;
    if (g_str_equal(rest, "vfio")) {
        g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&b->lock);

        if (b->ngroups)
            return VIR_SECCOMP_INJECT;
        *reason = g_strdup("this domain has no VFIO group");
        return VIR_SECCOMP_DENY;
    }
    if (g_ascii_isdigit(*rest) && !(rest[0] == '0' && rest[1]) &&
        strspn(rest, "0123456789") == strlen(rest) &&
        g_ascii_string_to_unsigned(rest, 10, 0, UINT_MAX, &group, NULL)) {
        g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&b->lock);

        for (i = 0; i < b->ngroups; i++) {
            if (b->groups[i] == group)
                return VIR_SECCOMP_INJECT;
        }
        *reason = g_strdup_printf("IOMMU group %s does not belong to this domain",
                                  rest);
        return VIR_SECCOMP_DENY;
    }
    *reason = g_strdup_printf("it is not a VFIO group or container under %s",
                              b->devDir);
    return VIR_SECCOMP_DENY;
}


static void G_GNUC_PRINTF(2, 3)
virSeccompBrokerLog(virSeccompBroker *b, const char *fmt, ...)
{
    g_autofree char *line = NULL;
    va_list ap;

    if (!b->logCb)
        return;
    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    b->logCb(line, b->logOpaque);
}


/*
 * Open @path and inject it into the target of b->req, completing its
 * syscall.  Returns 0 when the notification is answered (or gone), else
 * the -errno to answer with.
 */
static int
virSeccompBrokerInject(virSeccompBroker *b, const char *path,
                       unsigned long long flags)
{
    struct seccomp_notif_addfd addfd = { 0 };
    /* the access mode and the flags that change what is opened, as the
     * caller asked (O_CREAT, O_TRUNC and the like mean nothing for a
     * device node; O_CLOEXEC is the injected fd's own) */
    int oflags = (flags & (O_ACCMODE | O_PATH | O_NOFOLLOW | O_DIRECTORY |
                           O_NONBLOCK | O_NOCTTY)) | O_CLOEXEC;
    int fd;
    int rfd;
    int err;

    if ((fd = open(path, oflags)) < 0) {
        err = errno;
        b->counters.failed++;
        virSeccompBrokerLog(b, "failed open of %s for pid %u: %s",
                            path, b->req->pid, g_strerror(err));
        return -err;
    }
    addfd.id = b->req->id;
    addfd.flags = SECCOMP_ADDFD_FLAG_SEND;
    addfd.srcfd = fd;
    addfd.newfd_flags = flags & O_CLOEXEC;
    rfd = ioctl(b->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
    err = errno;
    close(fd);
    if (rfd >= 0) {
        b->counters.injected++;
        virSeccompBrokerLog(b, "injected %s into pid %u as fd %d%s",
                            path, b->req->pid, rfd,
                            flags & O_CLOEXEC ? " (close-on-exec)" : "");
        return 0;
    }
    /* the target was interrupted (its syscall restarts) or died */
    if (err == ENOENT)
        return 0;
    b->counters.failed++;
    virSeccompBrokerLog(b, "failed to inject %s into pid %u: %s",
                        path, b->req->pid, g_strerror(err));
    return -err;
}


gboolean
virSeccompBrokerHandle(virSeccompBroker *b, GError **errp)
{
    g_autofree char *path = NULL;
    g_autofree char *reason = NULL;
    unsigned long long flags = 0;
    unsigned long long resolve = 0;
    gboolean dirOnly = FALSE;
    virSeccompVerdict verdict = VIR_SECCOMP_CONTINUE;
    int error = 0;

    memset(b->req, 0, b->reqSize);
    if (ioctl(b->listener, SECCOMP_IOCTL_NOTIF_RECV, b->req) < 0) {
        /* ENOENT: the target died before we received its notification */
        if (errno == ENOENT || errno == EINTR)
            return TRUE;
        virReportSystemError(errp, errno,
                             "cannot receive a notification from seccomp listener %d; "
                             "the target's opens can no longer be answered",
                             b->listener);
        return FALSE;
    }
    b->counters.trapped++;

    path = virSeccompReadPath(b->req, &flags, &resolve, &dirOnly);
    /* the target may have died and its pid been reused while we read */
    if (ioctl(b->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &b->req->id) < 0)
        return TRUE;

    if (path)
        verdict = virSeccompBrokerClassify(b, path, &reason);
    /* what the broker cannot honour is refused as the kernel would */
    if (verdict == VIR_SECCOMP_INJECT && resolve) {
        verdict = VIR_SECCOMP_DENY;
        reason = g_strdup_printf("openat2 with RESOLVE_* flags 0x%llx (the "
                                 "broker opens plain paths only)", resolve);
    }
    if (verdict == VIR_SECCOMP_INJECT && dirOnly) {
        b->counters.failed++;
        virSeccompBrokerLog(b, "failed open of %s/ for pid %u: %s", path,
                            b->req->pid, g_strerror(ENOTDIR));
        verdict = VIR_SECCOMP_CONTINUE;
        error = -ENOTDIR;
    }
    switch (verdict) {
    case VIR_SECCOMP_INJECT:
        if ((error = virSeccompBrokerInject(b, path, flags)) == 0)
            return TRUE;
        break;
    case VIR_SECCOMP_DENY:
        error = -EACCES;
        b->counters.denied++;
        virSeccompBrokerLog(b, "denied open of %s: %s", path, reason);
        break;
    case VIR_SECCOMP_CONTINUE:
        if (!error)
            b->counters.continued++;
        break;
    }

    memset(b->resp, 0, b->respSize);
    b->resp->id = b->req->id;
    if (error != 0)
        b->resp->error = error;
    else
        b->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    if (ioctl(b->listener, SECCOMP_IOCTL_NOTIF_SEND, b->resp) < 0 &&
        errno != ENOENT) {
        virReportSystemError(errp, errno,
                             "cannot answer the open of pid %u on seccomp listener %d",
                             b->req->pid, b->listener);
        return FALSE;
    }
    return TRUE;
}


virSeccompBroker *
virSeccompBrokerNew(int listener,
                    const char *devDir,
                    const unsigned int *groups,
                    size_t ngroups,
                    GError **errp)
{
    struct seccomp_notif_sizes sizes = { 0 };
    virSeccompBroker *b;

    if (listener < 0 || !devDir || *devDir != '/') {
        virReportError(errp, VIR_ERR_INVALID_ARG,
                       "a seccomp broker needs a listener fd and an absolute "
                       "VFIO directory (got fd %d, '%s')",
                       listener, devDir ? devDir : "(null)");
        return NULL;
    }
    if (syscall(__NR_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0) {
        virReportSystemError(errp, errno,
                             "cannot get the seccomp notification sizes; "
                             "this kernel cannot hand VFIO fds over (use DAC mode)");
        return NULL;
    }

    b = g_new0(virSeccompBroker, 1);
    g_mutex_init(&b->lock);
    b->listener = listener;
    b->devDir = virSeccompNormalise(devDir);
    b->groups = g_new0(unsigned int, MAX(ngroups, 1));
    if (ngroups > 0)
        memcpy(b->groups, groups, ngroups * sizeof(*groups));
    b->ngroups = ngroups;
    b->reqSize = MAX(sizes.seccomp_notif, sizeof(*b->req));
    b->req = g_malloc0(b->reqSize);
    b->respSize = MAX(sizes.seccomp_notif_resp, sizeof(*b->resp));
    b->resp = g_malloc0(b->respSize);
    return b;
}


void
virSeccompBrokerFree(virSeccompBroker *b)
{
    if (!b)
        return;
    if (b->listener >= 0)
        close(b->listener);
    g_free(b->devDir);
    g_free(b->groups);
    g_mutex_clear(&b->lock);
    g_free(b->req);
    g_free(b->resp);
    g_free(b);
}


int
virSeccompBrokerGetFD(virSeccompBroker *b)
{
    return b->listener;
}


void
virSeccompBrokerSetLog(virSeccompBroker *b,
                       void (*cb)(const char *line, void *opaque),
                       void *opaque)
{
    b->logCb = cb;
    b->logOpaque = opaque;
}


void
virSeccompBrokerGetCounters(virSeccompBroker *b,
                            virSeccompBrokerCounters *counters)
{
    *counters = b->counters;
}

gboolean
virSeccompCanHandOff(char **why)
{
    struct seccomp_notif_sizes sizes;
    struct utsname uts;
    unsigned int major = 0, minor = 0;

    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0) {
        *why = g_strdup_printf("no seccomp user notification "
                               "(SECCOMP_GET_NOTIF_SIZES: %s)",
                               g_strerror(errno));
        return FALSE;
    }
    if (uname(&uts) < 0 ||
        sscanf(uts.release, "%u.%u", &major, &minor) != 2 ||
        major < 5 || (major == 5 && minor < 14)) {
        *why = g_strdup_printf("kernel %s is older than 5.14 and lacks "
                               "SECCOMP_ADDFD_FLAG_SEND", uts.release);
        return FALSE;
    }
    *why = g_strdup_printf("kernel %s has user notification with "
                           "SECCOMP_IOCTL_NOTIF_ADDFD and "
                           "SECCOMP_ADDFD_FLAG_SEND (5.14)", uts.release);
    return TRUE;
}


void
virSeccompBrokerSetGroups(virSeccompBroker *b, const unsigned int *groups,
                          size_t ngroups)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&b->lock);

    g_free(b->groups);
    b->groups = g_new0(unsigned int, MAX(ngroups, 1));
    if (ngroups > 0)
        memcpy(b->groups, groups, ngroups * sizeof(*groups));
    b->ngroups = ngroups;
}
