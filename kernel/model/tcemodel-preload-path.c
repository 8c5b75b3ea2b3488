/*
 * tcemodel-preload-path.c: libtcemodel.so wrappers that translate paths
 *
 * stat/access/readlink/realpath/opendir/chdir see the model through
 * tcemodelResolve(); fopen goes through the model's open so that writes
 * to modelled files reach their ops (via a cookie stream); mkdir, unlink
 * and symlink fail with EPERM inside sysfs as on kernfs.
 *
 * The /dev/vfio nodes are regular files in the tree; stat, statx and
 * access report (and chown, chmod change) their modelled owner and mode
 * as character devices (tcemodel-node.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* we define both the plain and the 64-bit names of each function */
#undef _FILE_OFFSET_BITS
#undef _TIME_BITS
#undef _FORTIFY_SOURCE

#include "tcemodel-preload.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>


/* ------------------------------------------------------------------ */
/* stdio: modelled files get a cookie stream whose writes reach ops    */

static ssize_t
tcemodelCookieRead(void *cookie, char *buf, size_t size)
{
    return read((int)(intptr_t)cookie, buf, size);
}

static ssize_t
tcemodelCookieWrite(void *cookie, const char *buf, size_t size)
{
    ssize_t ret = write((int)(intptr_t)cookie, buf, size);

    return ret < 0 ? 0 : ret;   /* fopencookie: 0 reports an error */
}

static int
tcemodelCookieSeek(void *cookie, off64_t *offset, int whence)
{
    off64_t ret = lseek64((int)(intptr_t)cookie, *offset, whence);

    if (ret < 0)
        return -1;
    *offset = ret;
    return 0;
}

static int
tcemodelCookieClose(void *cookie)
{
    return close((int)(intptr_t)cookie);
}


static FILE *
tcemodelFopen(const char *path, const char *mode, bool large)
{
    static const cookie_io_functions_t io = {
        tcemodelCookieRead, tcemodelCookieWrite,
        tcemodelCookieSeek, tcemodelCookieClose,
    };
    g_autofree char *rpath = tcemodelResolve(AT_FDCWD, path);
    bool plus = strchr(mode, '+') != NULL;
    char fdmode[3] = { mode[0], plus ? '+' : '\0', '\0' };
    tcemodelFile *file;
    FILE *fp;
    int flags;
    int fd;

    if (!rpath && (fd = tcemodelProcOpen(path, (mode[0] == 'r' && !plus ?
                                                O_RDONLY : O_RDWR) |
                                         (strchr(mode, 'e') ? O_CLOEXEC
                                                            : 0))) >= 0) {
        if (!(fp = fdopen(fd, "r")))
            close(fd);
        return fp;
    }
    if (!rpath)
        return large ? tcemodelReal.fopen64(path, mode)
                     : tcemodelReal.fopen(path, mode);

    switch (mode[0]) {
    case 'r': flags = plus ? O_RDWR : O_RDONLY; break;
    case 'w': flags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC; break;
    case 'a': flags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND; break;
    default: errno = EINVAL; return NULL;
    }
    if (strchr(mode, 'e'))
        flags |= O_CLOEXEC;
    if (strchr(mode, 'x'))
        flags |= O_EXCL;

    if ((fd = tcemodelOpenModel(rpath, flags, 0666)) < 0)
        return NULL;

    if ((file = tcemodelFdGet(fd))) {
        tcemodelFileUnref(file);
        fp = fopencookie((void *)(intptr_t)fd, fdmode, io);
    } else {
        fp = fdopen(fd, fdmode);
    }
    if (!fp)
        close(fd);
    return fp;
}

TCEMODEL_EXPORT FILE *
fopen(const char *path, const char *mode)
{
    return tcemodelFopen(path, mode, false);
}

TCEMODEL_EXPORT FILE *
fopen64(const char *path, const char *mode)
{
    return tcemodelFopen(path, mode, true);
}


/* ------------------------------------------------------------------ */
/* stat, access, readlink, realpath, directories                       */

#define TCEMODEL_REDIRECT(dirfd, path, call) \
    ({ \
        g_autofree char *rpath_ = tcemodelResolve(dirfd, path); \
        int dirfd_ = rpath_ ? AT_FDCWD : (dirfd); \
        const char *path_ = rpath_ ? rpath_ : (path); \
        (void)dirfd_; \
        call; \
    })

int __xstat(int ver, const char *path, struct stat *sb);
int __lxstat(int ver, const char *path, struct stat *sb);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *sb,
               int flags);
int __xstat64(int ver, const char *path, struct stat64 *sb);
int __lxstat64(int ver, const char *path, struct stat64 *sb);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *sb,
                 int flags);
char *__realpath_chk(const char *path, char *resolved, size_t resolvedlen);
ssize_t __readlink_chk(const char *path, char *buf, size_t len,
                       size_t buflen);
ssize_t __readlinkat_chk(int dirfd, const char *path, char *buf, size_t len,
                         size_t buflen);

/*
 * After a successful stat of @rpath (NULL: not in the model): 1 and the
 * modelled attributes if it is a /dev/vfio node, 0 if not, -1 with errno
 * if the node went away meanwhile.
 */
static int
tcemodelNodeStatPath(const char *rpath, bool reg, tcemodelNode *node)
{
    g_autofree char *name = NULL;
    int ret;

    if (!rpath || !reg || !(name = tcemodelNodeOf(rpath)))
        return 0;
    if ((ret = tcemodelNodeStat(tcemodelRoot, name, node)) < 0) {
        errno = -ret;
        return -1;
    }
    return 1;
}

/* a devtmpfs character device: no size, no blocks */
#define TCEMODEL_STAT(dirfd, path, sb, flags, real) \
    ({ \
        g_autofree char *rpath_ = tcemodelResolve(dirfd, path); \
        tcemodelNode node_; \
        int ret_ = rpath_ ? real(AT_FDCWD, rpath_, sb, flags) \
                          : real(dirfd, path, sb, flags); \
        if (ret_ == 0 && \
            (ret_ = tcemodelNodeStatPath(rpath_, S_ISREG((sb)->st_mode), \
                                         &node_)) > 0) { \
            (sb)->st_mode = S_IFCHR | node_.mode; \
            (sb)->st_uid = node_.uid; \
            (sb)->st_gid = node_.gid; \
            (sb)->st_rdev = node_.rdev; \
            (sb)->st_size = 0; \
            (sb)->st_blocks = 0; \
            ret_ = 0; \
        } \
        ret_; \
    })

#define STAT_WRAPPERS(type, name, lname, atname, xname, lxname, fxatname, real) \
    TCEMODEL_EXPORT int name(const char *path, type *sb) \
    { \
        return TCEMODEL_STAT(AT_FDCWD, path, sb, 0, tcemodelReal.real); \
    } \
    TCEMODEL_EXPORT int lname(const char *path, type *sb) \
    { \
        return TCEMODEL_STAT(AT_FDCWD, path, sb, AT_SYMLINK_NOFOLLOW, \
                             tcemodelReal.real); \
    } \
    TCEMODEL_EXPORT int atname(int dirfd, const char *path, type *sb, \
                               int flags) \
    { \
        return TCEMODEL_STAT(dirfd, path, sb, flags, tcemodelReal.real); \
    } \
    TCEMODEL_EXPORT int xname(int ver, const char *path, type *sb) \
    { \
        return name(path, sb); \
    } \
    TCEMODEL_EXPORT int lxname(int ver, const char *path, type *sb) \
    { \
        return lname(path, sb); \
    } \
    TCEMODEL_EXPORT int fxatname(int ver, int dirfd, const char *path, \
                                 type *sb, int flags) \
    { \
        return atname(dirfd, path, sb, flags); \
    }

STAT_WRAPPERS(struct stat, stat, lstat, fstatat, __xstat, __lxstat,
              __fxstatat, fstatat)
STAT_WRAPPERS(struct stat64, stat64, lstat64, fstatat64, __xstat64,
              __lxstat64, __fxstatat64, fstatat64)

TCEMODEL_EXPORT int
statx(int dirfd, const char *path, int flags, unsigned int mask,
      struct statx *buf)
{
    g_autofree char *rpath = tcemodelResolve(dirfd, path);
    tcemodelNode node;
    int ret = rpath ? tcemodelReal.statx(AT_FDCWD, rpath, flags, mask, buf)
                    : tcemodelReal.statx(dirfd, path, flags, mask, buf);

    if (ret == 0 &&
        (ret = tcemodelNodeStatPath(rpath, S_ISREG(buf->stx_mode),
                                    &node)) > 0) {
        buf->stx_mode = S_IFCHR | node.mode;
        buf->stx_uid = node.uid;
        buf->stx_gid = node.gid;
        buf->stx_rdev_major = major(node.rdev);
        buf->stx_rdev_minor = minor(node.rdev);
        buf->stx_size = 0;
        buf->stx_blocks = 0;
        ret = 0;
    }
    return ret;
}

TCEMODEL_EXPORT int
faccessat(int dirfd, const char *path, int mode, int flags)
{
    g_autofree char *rpath = tcemodelResolve(dirfd, path);
    g_autofree char *name = NULL;
    int ret;

    if (!rpath)
        return tcemodelReal.faccessat(dirfd, path, mode, flags);
    if (!(name = tcemodelNodeOf(rpath)))
        return tcemodelReal.faccessat(AT_FDCWD, rpath, mode, flags);
    if ((ret = tcemodelNodeAccess(tcemodelRoot, name, mode, flags)) < 0) {
        errno = -ret;
        return -1;
    }
    return 0;
}

TCEMODEL_EXPORT int
access(const char *path, int mode)
{
    return faccessat(AT_FDCWD, path, mode, 0);
}

TCEMODEL_EXPORT int
euidaccess(const char *path, int mode)
{
    return faccessat(AT_FDCWD, path, mode, AT_EACCESS);
}

TCEMODEL_EXPORT int
eaccess(const char *path, int mode)
{
    return faccessat(AT_FDCWD, path, mode, AT_EACCESS);
}

/* Link targets are returned untouched: the tree's links are relative. */
TCEMODEL_EXPORT ssize_t
readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
    return TCEMODEL_REDIRECT(dirfd, path,
                             tcemodelReal.readlinkat(dirfd_, path_, buf, len));
}

TCEMODEL_EXPORT ssize_t
readlink(const char *path, char *buf, size_t len)
{
    return readlinkat(AT_FDCWD, path, buf, len);
}

TCEMODEL_EXPORT ssize_t
__readlink_chk(const char *path, char *buf, size_t len, size_t buflen)
{
    return readlinkat(AT_FDCWD, path, buf, MIN(len, buflen));
}

TCEMODEL_EXPORT ssize_t
__readlinkat_chk(int dirfd, const char *path, char *buf, size_t len,
                 size_t buflen)
{
    return readlinkat(dirfd, path, buf, MIN(len, buflen));
}

/* Results inside the root are given back without the root prefix. */
TCEMODEL_EXPORT char *
realpath(const char *path, char *resolved)
{
    g_autofree char *rpath = tcemodelResolve(AT_FDCWD, path);
    char *full;
    const char *virt;

    if (!rpath)
        return tcemodelReal.realpath(path, resolved);
    if (!(full = tcemodelReal.realpath(rpath, NULL)))
        return NULL;

    virt = tcemodelUnder(full, tcemodelRoot, tcemodelRootLen, true)
        ? tcemodelVirtual(full) : full;
    if (!resolved) {
        char *ret = strdup(virt);

        free(full);
        return ret;
    }
    if (strlen(virt) >= PATH_MAX) {
        free(full);
        errno = ENAMETOOLONG;
        return NULL;
    }
    strcpy(resolved, virt);
    free(full);
    return resolved;
}

TCEMODEL_EXPORT char *
__realpath_chk(const char *path, char *resolved, size_t resolvedlen)
{
    return realpath(path, resolved);
}

TCEMODEL_EXPORT char *
canonicalize_file_name(const char *path)
{
    return realpath(path, NULL);
}

/* ls -l asks for security.selinux and ACLs */
TCEMODEL_EXPORT ssize_t
getxattr(const char *path, const char *name, void *value, size_t size)
{
    return TCEMODEL_REDIRECT(AT_FDCWD, path,
                             tcemodelReal.getxattr(path_, name, value, size));
}

TCEMODEL_EXPORT ssize_t
lgetxattr(const char *path, const char *name, void *value, size_t size)
{
    return TCEMODEL_REDIRECT(AT_FDCWD, path,
                             tcemodelReal.lgetxattr(path_, name, value, size));
}

TCEMODEL_EXPORT ssize_t
listxattr(const char *path, char *list, size_t size)
{
    return TCEMODEL_REDIRECT(AT_FDCWD, path,
                             tcemodelReal.listxattr(path_, list, size));
}

TCEMODEL_EXPORT ssize_t
llistxattr(const char *path, char *list, size_t size)
{
    return TCEMODEL_REDIRECT(AT_FDCWD, path,
                             tcemodelReal.llistxattr(path_, list, size));
}

TCEMODEL_EXPORT DIR *
opendir(const char *path)
{
    g_autofree char *rpath = tcemodelResolve(AT_FDCWD, path);

    if (!rpath)
        return tcemodelReal.opendir(path);
    if (tcemodelFault("open", tcemodelVirtual(rpath)) < 0)
        return NULL;
    return tcemodelReal.opendir(rpath);
}

TCEMODEL_EXPORT int
chdir(const char *path)
{
    g_autofree char *rpath = tcemodelResolve(AT_FDCWD, path);

    return tcemodelReal.chdir(rpath ? rpath : path);
}


/* ------------------------------------------------------------------ */
/* owner and mode: modelled for /dev/vfio nodes, else the tree's file   */

static int
tcemodelChown(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
    g_autofree char *rpath = tcemodelResolve(dirfd, path);
    g_autofree char *name = NULL;
    int ret;

    if (!rpath)
        return tcemodelReal.fchownat(dirfd, path, uid, gid, flags);
    if (!(name = tcemodelNodeOf(rpath)))
        return tcemodelReal.fchownat(AT_FDCWD, rpath, uid, gid, flags);
    if ((ret = tcemodelNodeChown(tcemodelRoot, name, uid, gid)) < 0) {
        errno = -ret;
        return -1;
    }
    return 0;
}

static int
tcemodelChmod(int dirfd, const char *path, mode_t mode, int flags)
{
    g_autofree char *rpath = tcemodelResolve(dirfd, path);
    g_autofree char *name = NULL;
    int ret;

    if (!rpath)
        return tcemodelReal.fchmodat(dirfd, path, mode, flags);
    if (!(name = tcemodelNodeOf(rpath)))
        return tcemodelReal.fchmodat(AT_FDCWD, rpath, mode, flags);
    if ((ret = tcemodelNodeChmod(tcemodelRoot, name, mode)) < 0) {
        errno = -ret;
        return -1;
    }
    return 0;
}

TCEMODEL_EXPORT int
chown(const char *path, uid_t uid, gid_t gid)
{
    return tcemodelChown(AT_FDCWD, path, uid, gid, 0);
}

TCEMODEL_EXPORT int
lchown(const char *path, uid_t uid, gid_t gid)
{
    return tcemodelChown(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

TCEMODEL_EXPORT int
fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
    return tcemodelChown(dirfd, path, uid, gid, flags);
}

TCEMODEL_EXPORT int
chmod(const char *path, mode_t mode)
{
    return tcemodelChmod(AT_FDCWD, path, mode, 0);
}

TCEMODEL_EXPORT int
lchmod(const char *path, mode_t mode)
{
    return tcemodelChmod(AT_FDCWD, path, mode, AT_SYMLINK_NOFOLLOW);
}

TCEMODEL_EXPORT int
fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
    return tcemodelChmod(dirfd, path, mode, flags);
}


/* ------------------------------------------------------------------ */
/* namespace changes: EPERM in sysfs (kernfs), real in /dev/vfio       */

static int
tcemodelSysfsDeny(const char *rpath, int absent)
{
    struct stat sb;

    if (tcemodelReal.fstatat(AT_FDCWD, rpath, &sb, AT_SYMLINK_NOFOLLOW) == 0)
        errno = absent == EEXIST ? EEXIST : EPERM;
    else if (errno == ENOENT && absent == EEXIST)
        errno = EPERM;
    return -1;
}

TCEMODEL_EXPORT int
mkdirat(int dirfd, const char *path, mode_t mode)
{
    g_autofree char *rpath = tcemodelResolve(dirfd, path);

    if (!rpath)
        return tcemodelReal.mkdirat(dirfd, path, mode);
    if (tcemodelInSysfs(rpath))
        return tcemodelSysfsDeny(rpath, EEXIST);
    return tcemodelReal.mkdirat(AT_FDCWD, rpath, mode);
}

TCEMODEL_EXPORT int
mkdir(const char *path, mode_t mode)
{
    return mkdirat(AT_FDCWD, path, mode);
}

TCEMODEL_EXPORT int
unlinkat(int dirfd, const char *path, int flags)
{
    g_autofree char *rpath = tcemodelResolve(dirfd, path);

    if (!rpath)
        return tcemodelReal.unlinkat(dirfd, path, flags);
    if (tcemodelInSysfs(rpath))
        return tcemodelSysfsDeny(rpath, ENOENT);
    return tcemodelReal.unlinkat(AT_FDCWD, rpath, flags);
}

TCEMODEL_EXPORT int
unlink(const char *path)
{
    return unlinkat(AT_FDCWD, path, 0);
}

TCEMODEL_EXPORT int
symlinkat(const char *target, int dirfd, const char *linkpath)
{
    g_autofree char *rpath = tcemodelResolve(dirfd, linkpath);

    if (!rpath)
        return tcemodelReal.symlinkat(target, dirfd, linkpath);
    if (tcemodelInSysfs(rpath))
        return tcemodelSysfsDeny(rpath, EEXIST);
    return tcemodelReal.symlinkat(target, AT_FDCWD, rpath);
}

TCEMODEL_EXPORT int
symlink(const char *target, const char *linkpath)
{
    return symlinkat(target, AT_FDCWD, linkpath);
}
