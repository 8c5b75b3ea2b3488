/*
 * tcemodel-util.c: path, file and locking helpers of the fake host
 *
 * Everything here works on real paths inside TCEMODEL_ROOT and returns
 * 0 or -errno; nothing is redirected (ROOT is never under /sys or /dev).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "tcemodel.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>


char *
tcemodelPath(const char *root, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *rel = NULL;

    va_start(ap, fmt);
    rel = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    return g_strconcat(root, rel, NULL);
}


/* DDDD:BB:DD.F, lower case hex, as the kernel names PCI devices */
bool
tcemodelBDFValid(const char *bdf)
{
    static const char *pattern = "xxxx:xx:xx.f";
    size_t i;

    if (strlen(bdf) != strlen(pattern))
        return false;

    for (i = 0; pattern[i]; i++) {
        char c = bdf[i];

        switch (pattern[i]) {
        case 'x':
            if (!g_ascii_isxdigit(c) || g_ascii_isupper(c))
                return false;
            break;
        case 'f':
            if (c < '0' || c > '7')
                return false;
            break;
        default:
            if (c != pattern[i])
                return false;
        }
    }
    /* device number is 5 bits */
    return g_ascii_xdigit_value(bdf[8]) <= 1;
}


/* driver names: what can safely become one path component */
bool
tcemodelNameValid(const char *name)
{
    const char *p;

    if (!*name || strlen(name) > 64 || name[0] == '.')
        return false;
    for (p = name; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("_-.", *p))
            return false;
    }
    return true;
}


int
tcemodelFileRead(const char *path, char **data)
{
    g_autofree char *buf = NULL;
    size_t len = 0;
    size_t alloc = 256;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return -errno;

    buf = g_malloc(alloc);
    for (;;) {
        ssize_t got;

        if (len + 1 >= alloc) {
            alloc *= 2;
            buf = g_realloc(buf, alloc);
        }
        got = read(fd, buf + len, alloc - len - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int err = -errno;
            close(fd);
            return err;
        }
        if (got == 0)
            break;
        len += got;
    }
    close(fd);
    buf[len] = '\0';
    *data = g_steal_pointer(&buf);
    return 0;
}


static int
tcemodelWriteAll(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t done = write(fd, data, len);

        if (done < 0 && errno == EINTR)
            continue;
        if (done < 0)
            return -errno;
        data += done;
        len -= done;
    }
    return 0;
}


/* Create or truncate @path and write @data to it (tree building). */
int
tcemodelFileWrite(const char *path, const char *data, size_t len,
                  mode_t mode)
{
    int fd;
    int ret;

    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
              0600);
    if (fd < 0)
        return -errno;

    if ((ret = tcemodelWriteAll(fd, data, len)) == 0 &&
        fchmod(fd, mode) < 0)
        ret = -errno;

    if (close(fd) < 0 && ret == 0)
        ret = -errno;
    return ret;
}


/* Append @data to the existing file @path (the model's kernel log) */
int
tcemodelFileAppend(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
    int ret;

    if (fd < 0)
        return -errno;
    ret = tcemodelWriteAll(fd, data, len);
    if (close(fd) < 0 && ret == 0)
        ret = -errno;
    return ret;
}


/*
 * Atomically replace the contents of @path (state that other processes
 * may be reading).  The temporary file lives in ROOT/model/tmp so that it
 * never shows up in a listing of a sysfs directory.
 */
int
tcemodelFileReplace(const char *root, const char *path, const char *data,
                    mode_t mode)
{
    g_autofree char *tmp = tcemodelPath(root, "/model/tmp/replace-XXXXXX");
    int fd;
    int ret;

    if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
        return -errno;

    if ((ret = tcemodelWriteAll(fd, data, strlen(data))) == 0 &&
        fchmod(fd, mode) < 0)
        ret = -errno;
    if (close(fd) < 0 && ret == 0)
        ret = -errno;
    if (ret == 0 && rename(tmp, path) < 0)
        ret = -errno;
    if (ret < 0)
        unlink(tmp);
    return ret;
}


static gint
tcemodelStrcmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char * const *)a, *(const char * const *)b);
}


/* Sorted names in directory @path (empty if it cannot be read) */
GPtrArray *
tcemodelListDir(const char *path)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir)))
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, tcemodelStrcmp);
    return names;
}


int
tcemodelMkdir(const char *path)
{
    if (g_mkdir_with_parents(path, 0755) < 0)
        return -errno;
    return 0;
}


int
tcemodelSymlink(const char *target, const char *linkpath)
{
    if (symlink(target, linkpath) < 0)
        return -errno;
    return 0;
}


/* Basename of the target of the symlink @path, or NULL (sets errno). */
char *
tcemodelLinkBase(const char *path)
{
    char buf[PATH_MAX];
    ssize_t len;
    const char *slash;

    if ((len = readlink(path, buf, sizeof(buf) - 1)) < 0)
        return NULL;
    buf[len] = '\0';
    slash = strrchr(buf, '/');
    return g_strdup(slash ? slash + 1 : buf);
}


/*
 * Descriptors whose flock belongs to one operation of this process (the
 * model lock, liveness probes of anchors).  A fork() while another thread
 * holds one would give the child a duplicate of the open file description
 * and with it the lock, until the child execs or exits: the child closes
 * them (fork handler).  Slots hold fd + 1; best effort when all are used.
 */
#define TCEMODEL_PRIVATE_FDS 32

static int tcemodelPrivateFds[TCEMODEL_PRIVATE_FDS];
static pthread_once_t tcemodelPrivateOnce = PTHREAD_ONCE_INIT;


static void
tcemodelPrivateAtforkChild(void)
{
    size_t i;

    for (i = 0; i < TCEMODEL_PRIVATE_FDS; i++) {
        int slot = g_atomic_int_get(&tcemodelPrivateFds[i]);

        if (slot) {
            syscall(SYS_close, slot - 1);
            g_atomic_int_set(&tcemodelPrivateFds[i], 0);
        }
    }
}


static void
tcemodelPrivateInit(void)
{
    pthread_atfork(NULL, NULL, tcemodelPrivateAtforkChild);
}


void
tcemodelPrivateFd(int fd, bool add)
{
    size_t i;

    pthread_once(&tcemodelPrivateOnce, tcemodelPrivateInit);
    for (i = 0; fd >= 0 && i < TCEMODEL_PRIVATE_FDS; i++) {
        if (g_atomic_int_compare_and_exchange(&tcemodelPrivateFds[i],
                                              add ? 0 : fd + 1,
                                              add ? fd + 1 : 0))
            return;
    }
}


/*
 * The model's big lock: flock(LOCK_EX) on ROOT/lock.  Returns the fd to
 * pass to tcemodelLockRelease() or -errno.  flock locks belong to the open
 * file description, so a process must not take it twice.
 */
int
tcemodelLockAcquire(const char *root)
{
    g_autofree char *path = tcemodelPath(root, "/lock");
    int fd;

    /* read-only: flock needs no write access, so any uid may take it */
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return -errno;

    tcemodelPrivateFd(fd, true);
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            int err = -errno;
            tcemodelPrivateFd(fd, false);
            close(fd);
            return err;
        }
    }
    return fd;
}


void
tcemodelLockRelease(int fd)
{
    int save = errno;

    if (fd >= 0) {
        tcemodelPrivateFd(fd, false);
        close(fd);
    }
    errno = save;
}


static const struct {
    const char *name;
    int err;
} tcemodelErrnos[] = {
#define E(x) { #x, x }
    E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
    E(EBADF), E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(EBUSY),
    E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL),
    E(ENFILE), E(EMFILE), E(ENOTTY), E(EFBIG), E(ENOSPC), E(ESPIPE),
    E(EROFS), E(EMLINK), E(EPIPE), E(ERANGE), E(EDEADLK), E(ENOSYS),
    E(ELOOP), E(ENODATA), E(ETIMEDOUT), E(EOPNOTSUPP), E(ENOTSUP),
    E(ECANCELED), E(EOVERFLOW), E(EHWPOISON),
#undef E
};


/* "EBUSY", "ebusy" or "16" -> 16; -1 if unknown */
int
tcemodelErrnoParse(const char *name)
{
    size_t i;
    char *end;
    long val;

    for (i = 0; i < G_N_ELEMENTS(tcemodelErrnos); i++) {
        if (g_ascii_strcasecmp(name, tcemodelErrnos[i].name) == 0)
            return tcemodelErrnos[i].err;
    }

    errno = 0;
    val = strtol(name, &end, 10);
    if (errno || end == name || *end || val <= 0 || val > 4095)
        return -1;
    return val;
}


const char *
tcemodelErrnoName(int err)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(tcemodelErrnos); i++) {
        if (tcemodelErrnos[i].err == err)
            return tcemodelErrnos[i].name;
    }
    return "E?";
}


/*
 * What a sysfs store() callback sees: at most a page, NUL-terminated
 * (anything after an embedded NUL is invisible to string handling).
 */
char *
tcemodelStoreBuf(const char *buf, size_t len)
{
    return g_strndup(buf, MIN(len, TCEMODEL_PAGE_SIZE));
}


/*
 * A device name as bus_find_device_by_name() compares it: sysfs_streq()
 * ignores one trailing newline.
 */
char *
tcemodelStoreName(const char *buf, size_t len)
{
    char *name = tcemodelStoreBuf(buf, len);
    size_t n = strlen(name);

    if (n > 0 && name[n - 1] == '\n')
        name[n - 1] = '\0';
    return name;
}
