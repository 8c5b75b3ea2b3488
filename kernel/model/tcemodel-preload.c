/*
 * tcemodel-preload.c: LD_PRELOAD front end of the fake host
 *
 * With TCEMODEL_ROOT=DIR in the environment, path-taking libc entry points
 * see DIR/sys/bus/pci, DIR/sys/kernel/iommu_groups, DIR/sys/devices/pci*
 * and DIR/dev/vfio in place of the real ones.  Relative paths are
 * redirected too when their base (cwd or dirfd) lies inside DIR.
 *
 * This file redirects paths and keeps the fd bookkeeping (the wrappers
 * that only translate paths are in tcemodel-preload-path.c); what a
 * write to a modelled file does is decided by its tcemodelFileOps
 * (tcemodel-sysfs.c).  Device nodes, ioctl and /proc/PID/status are in
 * tcemodel-preload-dev.c.  A modelled file is opened as O_PATH (or O_RDONLY
 * when the caller also reads), so a write that bypasses these wrappers
 * (e.g. stdio's internal one) fails with EBADF instead of silently
 * editing the tree.
 *
 * On top of the redirect the sysfs part of the tree behaves like kernfs:
 * its files are root's (DAC for other uids as the VFS), opening a file
 * for an access its mode lacks fails with EACCES (also for root), creating a file fails with EACCES, mkdir/unlink/symlink fail with
 * EPERM, O_TRUNC is ignored.
 *
 * Lock order: tcemodelFdsLock is a leaf; ops->write runs without it and
 * takes the model's flock itself.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* we define both the plain and the 64-bit names of each function */
#undef _FILE_OFFSET_BITS
#undef _TIME_BITS
#undef _FORTIFY_SOURCE

#include "tcemodel-preload.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

tcemodelRealFuncs tcemodelReal;
char *tcemodelRoot;
size_t tcemodelRootLen;

static pthread_once_t tcemodelOnce = PTHREAD_ONCE_INIT;

static pthread_mutex_t tcemodelFdsLock = PTHREAD_MUTEX_INITIALIZER;
static GHashTable *tcemodelFds;     /* fd -> tcemodelFile, one ref each */
static gint tcemodelFdsCount;       /* fast path for untracked fds */

/* what the model covers, as the process names it */
static const struct {
    const char *prefix;
    bool component;     /* must be followed by '/' or the end */
} tcemodelPrefixes[] = {
    { "/sys/bus/pci", true },
    { "/sys/kernel/iommu_groups", true },
    { "/sys/devices/pci", false },
    { "/dev/vfio", true },
};

static bool tcemodelKvm;            /* the host models /dev/kvm */


static void *
tcemodelSym(const char *name)
{
    void *sym = dlsym(RTLD_NEXT, name);

    if (!sym) {
        fprintf(stderr, "tcemodel: libc has no %s: %s\n", name, dlerror());
        abort();
    }
    return sym;
}


static void
tcemodelInit(void)
{
    const char *root = getenv("TCEMODEL_ROOT");
    const char *faults = getenv("TCEMODEL_FAULTS");
    g_autofree char *err = NULL;
    g_autofree char *kvm = NULL;

#define LOAD(name) tcemodelReal.name = tcemodelSym(#name)
    LOAD(openat); LOAD(fopen); LOAD(fopen64); LOAD(fstatat);
    LOAD(fstatat64); LOAD(statx); LOAD(faccessat); LOAD(readlinkat);
    LOAD(opendir); LOAD(realpath); LOAD(mkdirat); LOAD(unlinkat);
    LOAD(symlinkat); LOAD(chdir); LOAD(write); LOAD(pwrite); LOAD(pwrite64);
    LOAD(writev); LOAD(close); LOAD(close_range); LOAD(dup); LOAD(dup2);
    LOAD(dup3); LOAD(fcntl); LOAD(fcntl64); LOAD(getxattr); LOAD(lgetxattr);
    LOAD(listxattr); LOAD(llistxattr); LOAD(ioctl); LOAD(fchownat);
    LOAD(fchmodat);
#undef LOAD

    tcemodelFds = g_hash_table_new(g_direct_hash, g_direct_equal);

    if (!root || !*root)
        return;

    if (!(tcemodelRoot = tcemodelReal.realpath(root, NULL))) {
        fprintf(stderr, "tcemodel: TCEMODEL_ROOT=%s: %s\n", root,
                g_strerror(errno));
        abort();
    }
    tcemodelRootLen = strlen(tcemodelRoot);
    kvm = g_strconcat(tcemodelRoot, "/dev/kvm", NULL);
    tcemodelKvm = tcemodelReal.faccessat(AT_FDCWD, kvm, F_OK, 0) == 0;

    if (faults && tcemodelFaultsInitEnv(faults, &err) < 0) {
        fprintf(stderr, "tcemodel: TCEMODEL_FAULTS: %s\n", err);
        abort();
    }
}


void
tcemodelEnsureInit(void)
{
    pthread_once(&tcemodelOnce, tcemodelInit);
}


/* Drop empty and "." components; keep ".." and a trailing slash. */
char *
tcemodelNormalize(const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", -1);
    GString *out = g_string_new(NULL);
    size_t i;

    for (i = 0; parts[i]; i++) {
        if (!*parts[i] || g_str_equal(parts[i], "."))
            continue;
        g_string_append_printf(out, "/%s", parts[i]);
    }
    if (out->len == 0 || g_str_has_suffix(path, "/"))
        g_string_append_c(out, '/');
    return g_string_free(out, FALSE);
}


bool
tcemodelUnder(const char *path, const char *dir, size_t len, bool component)
{
    return strncmp(path, dir, len) == 0 &&
        (!component || path[len] == '/' || path[len] == '\0');
}


/*
 * The real path for (@dirfd, @path) if it names something in the model,
 * else NULL.  Absolute paths are matched against tcemodelPrefixes;
 * relative ones are redirected when their base lies inside the root.
 */
char *
tcemodelResolve(int dirfd, const char *path)
{
    char base[PATH_MAX];
    g_autofree char *norm = NULL;
    size_t i;

    tcemodelEnsureInit();
    if (!tcemodelRoot || !path || !*path)
        return NULL;

    if (path[0] == '/') {
        if (!strstr(path, "sys") && !strstr(path, "dev"))
            return NULL;
        norm = tcemodelNormalize(path);
        if (tcemodelKvm && (g_str_equal(norm, "/dev/kvm") ||
                            g_str_equal(norm, "/dev/kmsg")))
            return g_strconcat(tcemodelRoot, norm, NULL);
        for (i = 0; i < G_N_ELEMENTS(tcemodelPrefixes); i++) {
            if (tcemodelUnder(norm, tcemodelPrefixes[i].prefix,
                              strlen(tcemodelPrefixes[i].prefix),
                              tcemodelPrefixes[i].component))
                return g_strconcat(tcemodelRoot, norm, NULL);
        }
        return NULL;
    }

    if (dirfd == AT_FDCWD) {
        if (!getcwd(base, sizeof(base)))
            return NULL;
    } else {
        char proc[64];
        ssize_t len;

        g_snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dirfd);
        len = tcemodelReal.readlinkat(AT_FDCWD, proc, base, sizeof(base) - 1);
        if (len < 0)
            return NULL;
        base[len] = '\0';
    }
    if (!tcemodelUnder(base, tcemodelRoot, tcemodelRootLen, true))
        return NULL;
    return g_strconcat(base, "/", path, NULL);
}


/* The path as the process names it; @rpath comes from tcemodelResolve */
const char *
tcemodelVirtual(const char *rpath)
{
    return rpath[tcemodelRootLen] ? rpath + tcemodelRootLen : "/";
}


bool
tcemodelInSysfs(const char *rpath)
{
    return g_str_has_prefix(tcemodelVirtual(rpath), "/sys/");
}


/*
 * The name of the /dev/vfio node (tcemodel-node.c) @rpath names ("vfio",
 * "N"), or NULL.  Paths with ".." or a trailing slash are not nodes.
 */
char *
tcemodelNodeOf(const char *rpath)
{
    g_autofree char *norm = NULL;
    const char *name;

    if (!strstr(rpath, "vfio"))
        return NULL;
    norm = tcemodelNormalize(tcemodelVirtual(rpath));
    if (!g_str_has_prefix(norm, "/dev/vfio/"))
        return NULL;
    name = norm + strlen("/dev/vfio/");
    if (strchr(name, '/') || !tcemodelNodeName(name))
        return NULL;
    return g_strdup(name);
}


/* ------------------------------------------------------------------ */
/* fd bookkeeping                                                      */

void
tcemodelFileUnref(tcemodelFile *file)
{
    int save = errno;

    if (!g_atomic_int_dec_and_test(&file->refs))
        return;
    if (file->ops->release)
        file->ops->release(file);
    g_free(file->root);
    g_free(file->path);
    g_free(file->object);
    g_free(file);
    errno = save;
}


/* Make @fd refer to @file (or to nothing); the old entry is dropped. */
static void
tcemodelFdSet(int fd, tcemodelFile *file)
{
    tcemodelFile *old = NULL;
    gpointer key = GINT_TO_POINTER(fd);

    if (!file && g_atomic_int_get(&tcemodelFdsCount) == 0)
        return;

    pthread_mutex_lock(&tcemodelFdsLock);
    if (g_hash_table_steal_extended(tcemodelFds, key, NULL, (gpointer *)&old))
        g_atomic_int_add(&tcemodelFdsCount, -1);
    if (file) {
        g_atomic_int_inc(&file->refs);
        g_hash_table_insert(tcemodelFds, key, file);
        g_atomic_int_inc(&tcemodelFdsCount);
    }
    pthread_mutex_unlock(&tcemodelFdsLock);

    if (old)
        tcemodelFileUnref(old);
}


/*
 * The modelled file behind @fd, with a reference, or NULL.  An entry whose
 * fd now refers to another file (closed behind our back, e.g. by exec or
 * a libc-internal close) is dropped.
 */
tcemodelFile *
tcemodelFdGet(int fd)
{
    tcemodelFile *file;
    struct stat sb;

    if (g_atomic_int_get(&tcemodelFdsCount) == 0)
        return NULL;

    pthread_mutex_lock(&tcemodelFdsLock);
    if ((file = g_hash_table_lookup(tcemodelFds, GINT_TO_POINTER(fd))))
        g_atomic_int_inc(&file->refs);
    pthread_mutex_unlock(&tcemodelFdsLock);

    if (file && (fstat(fd, &sb) < 0 || sb.st_dev != file->dev ||
                 sb.st_ino != file->ino)) {
        tcemodelFdSet(fd, NULL);
        tcemodelFileUnref(file);
        return NULL;
    }
    return file;
}


/* Open the real file behind a modelled one and track the new fd. */
static int
tcemodelFileOpen(const char *rpath, const char *vpath, int flags,
                 const tcemodelFileOps *ops, char *object)
{
    tcemodelFile *file;
    struct stat sb;
    int acc = flags & O_ACCMODE;
    int fd;

    fd = tcemodelReal.openat(AT_FDCWD, rpath,
                             (acc == O_RDWR ? O_RDONLY : O_PATH) |
                             (flags & (O_CLOEXEC | O_NOFOLLOW)));
    if (fd < 0 || fstat(fd, &sb) < 0) {
        int save = errno;

        if (fd >= 0)
            tcemodelReal.close(fd);
        g_free(object);
        errno = save;
        return -1;
    }

    file = g_new0(tcemodelFile, 1);
    file->refs = 1;
    file->ops = ops;
    file->root = g_strdup(tcemodelRoot);
    file->path = g_strdup(vpath);
    file->object = object;
    file->dev = sb.st_dev;
    file->ino = sb.st_ino;
    tcemodelFdSet(fd, file);   /* takes its own reference */
    tcemodelFileUnref(file);
    return fd;
}


static ssize_t
tcemodelFileStore(tcemodelFile *file, const void *buf, size_t count)
{
    size_t len = MIN(count, TCEMODEL_PAGE_SIZE);   /* kernfs: one page */
    int ret = file->ops->write ? file->ops->write(file, buf, len) : -EBADF;

    tcemodelFileUnref(file);
    if (ret < 0) {
        errno = -ret;
        return -1;
    }
    return len;
}


int
tcemodelFault(const char *what, const char *vpath)
{
    g_autofree char *op = NULL;
    int lockfd;
    int ret;

    if (!tcemodelFaultsPresent(tcemodelRoot))
        return 0;
    op = g_strdup_printf("%s:%s", what, vpath);
    if ((lockfd = tcemodelLockAcquire(tcemodelRoot)) < 0)
        return 0;
    ret = tcemodelFaultCheck(tcemodelRoot, op);
    tcemodelLockRelease(lockfd);
    if (ret < 0)
        errno = -ret;
    return ret;
}


/* ------------------------------------------------------------------ */
/* open                                                                */

int
tcemodelOpenModel(const char *rpath, int flags, mode_t mode)
{
    int acc = flags & O_ACCMODE;
    bool rd = acc == O_RDONLY || acc == O_RDWR;
    bool wr = acc == O_WRONLY || acc == O_RDWR;
    struct stat sb;
    int fd;

    if (tcemodelFault("open", tcemodelVirtual(rpath)) < 0)
        return -1;
    if ((fd = tcemodelDevOpen(rpath, flags)) != -2)
        return fd;
    if (!tcemodelInSysfs(rpath) || (flags & O_PATH))
        return tcemodelReal.openat(AT_FDCWD, rpath, flags, mode);

    if (tcemodelReal.fstatat(AT_FDCWD, rpath, &sb, 0) < 0) {
        g_autofree char *dir = g_path_get_dirname(rpath);

        /* kernfs directories have no ->create */
        if (errno == ENOENT && (flags & O_CREAT) &&
            tcemodelReal.faccessat(AT_FDCWD, dir, F_OK, 0) == 0)
            errno = EACCES;
        return -1;
    }

    if (S_ISREG(sb.st_mode)) {
        g_autofree char *resolved = NULL;
        const tcemodelFileOps *ops;
        char *object = NULL;

        int ret;

        /* may_open(): sysfs files are root:root; other uids get the
         * "other" bits (tcemodel-node.c) */
        if ((ret = tcemodelMayOpen(0, 0, sb.st_mode, flags)) < 0) {
            errno = -ret;
            return -1;
        }
        /* KERNFS_ROOT_EXTRA_OPEN_PERM_CHECK: even root needs the mode bit */
        if ((rd && !(sb.st_mode & 0444)) || (wr && !(sb.st_mode & 0222))) {
            errno = EACCES;
            return -1;
        }
        flags &= ~(O_TRUNC | O_CREAT | O_EXCL);

        if (wr && (resolved = tcemodelReal.realpath(rpath, NULL)) &&
            tcemodelUnder(resolved, tcemodelRoot, tcemodelRootLen, true) &&
            (ops = tcemodelSysfsClassify(tcemodelVirtual(resolved), &object)))
            return tcemodelFileOpen(rpath, tcemodelVirtual(resolved), flags,
                                    ops, object);
    }
    return tcemodelReal.openat(AT_FDCWD, rpath, flags, mode);
}


static int
tcemodelOpen(int dirfd, const char *path, int flags, mode_t mode)
{
    g_autofree char *rpath = tcemodelResolve(dirfd, path);
    int fd;

    if (!rpath) {
        if ((fd = tcemodelProcOpen(path, flags)) != -2)
            return fd;
        return tcemodelReal.openat(dirfd, path, flags, mode);
    }
    return tcemodelOpenModel(rpath, flags, mode);
}


#define TCEMODEL_NEEDS_MODE(flags) \
    (((flags) & O_CREAT) || ((flags) & O_TMPFILE) == O_TMPFILE)

#define TCEMODEL_MODE_ARG(flags, mode) \
    do { \
        if (TCEMODEL_NEEDS_MODE(flags)) { \
            va_list ap; \
            va_start(ap, flags); \
            mode = va_arg(ap, mode_t); \
            va_end(ap); \
        } \
    } while (0)

int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

TCEMODEL_EXPORT int
open(const char *path, int flags, ...)
{
    mode_t mode = 0;

    TCEMODEL_MODE_ARG(flags, mode);
    return tcemodelOpen(AT_FDCWD, path, flags, mode);
}

TCEMODEL_EXPORT int
open64(const char *path, int flags, ...)
{
    mode_t mode = 0;

    TCEMODEL_MODE_ARG(flags, mode);
    return tcemodelOpen(AT_FDCWD, path, flags | O_LARGEFILE, mode);
}

TCEMODEL_EXPORT int
openat(int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;

    TCEMODEL_MODE_ARG(flags, mode);
    return tcemodelOpen(dirfd, path, flags, mode);
}

TCEMODEL_EXPORT int
openat64(int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;

    TCEMODEL_MODE_ARG(flags, mode);
    return tcemodelOpen(dirfd, path, flags | O_LARGEFILE, mode);
}

TCEMODEL_EXPORT int
__open_2(const char *path, int flags)
{
    return tcemodelOpen(AT_FDCWD, path, flags, 0);
}

TCEMODEL_EXPORT int
__open64_2(const char *path, int flags)
{
    return tcemodelOpen(AT_FDCWD, path, flags | O_LARGEFILE, 0);
}

TCEMODEL_EXPORT int
__openat_2(int dirfd, const char *path, int flags)
{
    return tcemodelOpen(dirfd, path, flags, 0);
}

TCEMODEL_EXPORT int
__openat64_2(int dirfd, const char *path, int flags)
{
    return tcemodelOpen(dirfd, path, flags | O_LARGEFILE, 0);
}

TCEMODEL_EXPORT int
creat(const char *path, mode_t mode)
{
    return tcemodelOpen(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

TCEMODEL_EXPORT int
creat64(const char *path, mode_t mode)
{
    return tcemodelOpen(AT_FDCWD, path,
                        O_CREAT | O_WRONLY | O_TRUNC | O_LARGEFILE, mode);
}


/* ------------------------------------------------------------------ */
/* writes and fd lifetime                                              */

TCEMODEL_EXPORT ssize_t
write(int fd, const void *buf, size_t count)
{
    tcemodelFile *file;

    tcemodelEnsureInit();
    if ((file = tcemodelFdGet(fd)))
        return tcemodelFileStore(file, buf, count);
    return tcemodelReal.write(fd, buf, count);
}

TCEMODEL_EXPORT ssize_t
pwrite(int fd, const void *buf, size_t count, off_t offset)
{
    tcemodelFile *file;

    tcemodelEnsureInit();
    if ((file = tcemodelFdGet(fd)))
        return tcemodelFileStore(file, buf, count);   /* sysfs ignores pos */
    return tcemodelReal.pwrite(fd, buf, count, offset);
}

TCEMODEL_EXPORT ssize_t
pwrite64(int fd, const void *buf, size_t count, off64_t offset)
{
    tcemodelFile *file;

    tcemodelEnsureInit();
    if ((file = tcemodelFdGet(fd)))
        return tcemodelFileStore(file, buf, count);
    return tcemodelReal.pwrite64(fd, buf, count, offset);
}

TCEMODEL_EXPORT ssize_t
writev(int fd, const struct iovec *iov, int iovcnt)
{
    g_autoptr(GByteArray) data = NULL;
    tcemodelFile *file;
    int i;

    tcemodelEnsureInit();
    if (!(file = tcemodelFdGet(fd)))
        return tcemodelReal.writev(fd, iov, iovcnt);

    data = g_byte_array_new();
    for (i = 0; i < iovcnt; i++)
        g_byte_array_append(data, iov[i].iov_base, iov[i].iov_len);
    return tcemodelFileStore(file, data->data, data->len);
}

TCEMODEL_EXPORT int
close(int fd)
{
    tcemodelEnsureInit();
    if (g_atomic_int_get(&tcemodelFdsCount) > 0)
        tcemodelFdSet(fd, NULL);
    return tcemodelReal.close(fd);
}

TCEMODEL_EXPORT int
close_range(unsigned int first, unsigned int last, int flags)
{
    g_autoptr(GArray) fds = g_array_new(FALSE, FALSE, sizeof(int));
    GHashTableIter iter;
    gpointer key;
    guint i;

    tcemodelEnsureInit();
    if (!(flags & CLOSE_RANGE_CLOEXEC)) {
        pthread_mutex_lock(&tcemodelFdsLock);
        g_hash_table_iter_init(&iter, tcemodelFds);
        while (g_hash_table_iter_next(&iter, &key, NULL)) {
            unsigned int fd = GPOINTER_TO_INT(key);

            if (fd >= first && fd <= last)
                g_array_append_val(fds, fd);
        }
        pthread_mutex_unlock(&tcemodelFdsLock);
        for (i = 0; i < fds->len; i++)
            tcemodelFdSet(g_array_index(fds, int, i), NULL);
    }
    return tcemodelReal.close_range(first, last, flags);
}


/* After @newfd became a duplicate of @oldfd, mirror the tracking. */
static int
tcemodelDupTrack(int oldfd, int newfd)
{
    tcemodelFile *file;

    if (newfd < 0)
        return newfd;
    file = tcemodelFdGet(oldfd);
    tcemodelFdSet(newfd, file);
    if (file)
        tcemodelFileUnref(file);
    return newfd;
}

TCEMODEL_EXPORT int
dup(int fd)
{
    tcemodelEnsureInit();
    return tcemodelDupTrack(fd, tcemodelReal.dup(fd));
}

TCEMODEL_EXPORT int
dup2(int oldfd, int newfd)
{
    tcemodelEnsureInit();
    if (oldfd == newfd)
        return tcemodelReal.dup2(oldfd, newfd);
    return tcemodelDupTrack(oldfd, tcemodelReal.dup2(oldfd, newfd));
}

TCEMODEL_EXPORT int
dup3(int oldfd, int newfd, int flags)
{
    tcemodelEnsureInit();
    return tcemodelDupTrack(oldfd, tcemodelReal.dup3(oldfd, newfd, flags));
}

static int
tcemodelFcntl(__typeof__(fcntl) *real, int fd, int cmd, void *arg)
{
    int ret = real(fd, cmd, arg);

    if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
        return tcemodelDupTrack(fd, ret);
    return ret;
}

TCEMODEL_EXPORT int
fcntl(int fd, int cmd, ...)
{
    va_list ap;
    void *arg;

    va_start(ap, cmd);
    arg = va_arg(ap, void *);
    va_end(ap);
    tcemodelEnsureInit();
    return tcemodelFcntl(tcemodelReal.fcntl, fd, cmd, arg);
}

TCEMODEL_EXPORT int
fcntl64(int fd, int cmd, ...)
{
    va_list ap;
    void *arg;

    va_start(ap, cmd);
    arg = va_arg(ap, void *);
    va_end(ap);
    tcemodelEnsureInit();
    return tcemodelFcntl(tcemodelReal.fcntl64, fd, cmd, arg);
}
