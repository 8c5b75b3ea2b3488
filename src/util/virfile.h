/*
 * virfile.h: atomic state files and locks
 */
#pragma once

#include <glib.h>

/* Writes @data to @path atomically: temporary file in the same directory,
 * fsync, rename over @path, fsync of the directory */
gboolean virFileWriteAtomic(const char *path, const char *data,
                            GError **errp);

/* Blocks until it holds an exclusive flock on @path (created 0600); returns
 * the fd to close to unlock, -1 with @errp set on error */
int virFileLockExclusive(const char *path, GError **errp);

/* fsync of directory @dir: a rename or unlink in it survives a crash */
void virFileSyncDir(const char *dir);
/* unlink(2) that survives a crash (the directory is synced); FALSE with
 * errno set when unlink fails */
gboolean virFileRemove(const char *path);

gboolean virFileMakeDirs(const char *path, GError **errp);

/* Closes every fd above 2 but @keep (-1: none), with close_range(2)
 * (Linux 5.9; Debian 12 has 6.1): a child forked without exec holds a copy
 * of every fd its parent had open, such as a lock or a pipe, until it
 * closes them */
void virFileCloseInherited(int keep);

/* The contents of @path with surrounding whitespace removed, NULL when it
 * cannot be read (sysfs and /proc values) */
char *virFileReadValue(const char *path);

/* The value of the first line "KEY<spaces>: VALUE" of @path (the format
 * of /proc/cpuinfo and /proc/meminfo), stripped; NULL when there is none */
char *virFileReadField(const char *path, const char *key);
