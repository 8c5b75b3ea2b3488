/*
 * virfile.c: atomic state files and locks
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "virfile.h"
#include "virerror.h"

gboolean
virFileMakeDirs(const char *path, GError **errp)
{
    if (g_mkdir_with_parents(path, 0700) < 0) {
        virReportSystemError(errp, errno, "cannot create directory %s", path);
        return FALSE;
    }
    return TRUE;
}

void
virFileSyncDir(const char *dir)
{
    int dfd;

    if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
        fsync(dfd);
        close(dfd);
    }
}

gboolean
virFileRemove(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);

    if (unlink(path) < 0)
        return FALSE;
    virFileSyncDir(dir);
    return TRUE;
}

gboolean
virFileWriteAtomic(const char *path, const char *data, GError **errp)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *tmp = g_strdup_printf("%s.tmp.%d", path, (int) getpid());
    size_t len = strlen(data);
    size_t done = 0;
    int fd;

    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
        virReportSystemError(errp, errno, "cannot create %s", tmp);
        return FALSE;
    }
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            virReportSystemError(errp, errno, "cannot write %s", tmp);
            goto error;
        }
        done += n;
    }
    if (fsync(fd) < 0) {
        virReportSystemError(errp, errno, "cannot flush %s", tmp);
        goto error;
    }
    close(fd);
    fd = -1;
    if (rename(tmp, path) < 0) {
        virReportSystemError(errp, errno, "cannot rename %s to %s", tmp, path);
        goto error;
    }
    virFileSyncDir(dir);
    return TRUE;

 error:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    return FALSE;
}

int
virFileLockExclusive(const char *path, GError **errp)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

    if (fd < 0) {
        virReportSystemError(errp, errno, "cannot open lock file %s", path);
        return -1;
    }
    while (flock(fd, LOCK_EX) < 0) {
        if (errno == EINTR)
            continue;
        virReportSystemError(errp, errno, "cannot lock %s", path);
        close(fd);
        return -1;
    }
    return fd;
}

char *
virFileReadValue(const char *path)
{
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return g_strstrip(text);
}

char *
virFileReadField(const char *path, const char *key)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    size_t len = strlen(key);
    size_t i;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++) {
        const char *p = lines[i] + len;

        if (strncmp(lines[i], key, len) != 0)
            continue;
        p += strspn(p, " \t");
        if (*p == ':')
            return g_strstrip(g_strdup(p + 1));
    }
    return NULL;
}


void
virFileCloseInherited(int keep)
{
    if (keep > 3)
        close_range(3, keep - 1, 0);
    close_range(MAX(keep + 1, 3), ~0U, 0);
}
