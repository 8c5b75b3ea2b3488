/*
 * tcemodel-preload.h: shared internals of libtcemodel.so
 *
 * tcemodel-preload.c owns the redirect (TCEMODEL_ROOT, tcemodelResolve)
 * and the fd bookkeeping; tcemodel-preload-path.c holds the wrappers that
 * only translate paths (stat, access, readlink, realpath, stdio, ...);
 * tcemodel-preload-dev.c the device nodes, ioctl and /proc/PID/status.
 * Nothing here is exported from the library.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "tcemodel.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <unistd.h>

#define TCEMODEL_EXPORT __attribute__((visibility("default")))

/* the next definition of each wrapped function (libc) */
typedef struct {
    __typeof__(openat) *openat;
    __typeof__(fopen) *fopen;
    __typeof__(fopen64) *fopen64;
    __typeof__(fstatat) *fstatat;
    __typeof__(fstatat64) *fstatat64;
    __typeof__(statx) *statx;
    __typeof__(faccessat) *faccessat;
    __typeof__(readlinkat) *readlinkat;
    __typeof__(opendir) *opendir;
    __typeof__(realpath) *realpath;
    __typeof__(mkdirat) *mkdirat;
    __typeof__(unlinkat) *unlinkat;
    __typeof__(symlinkat) *symlinkat;
    __typeof__(chdir) *chdir;
    __typeof__(getxattr) *getxattr;
    __typeof__(lgetxattr) *lgetxattr;
    __typeof__(listxattr) *listxattr;
    __typeof__(llistxattr) *llistxattr;
    __typeof__(write) *write;
    __typeof__(pwrite) *pwrite;
    __typeof__(pwrite64) *pwrite64;
    __typeof__(writev) *writev;
    __typeof__(close) *close;
    __typeof__(close_range) *close_range;
    __typeof__(dup) *dup;
    __typeof__(dup2) *dup2;
    __typeof__(dup3) *dup3;
    __typeof__(fcntl) *fcntl;
    __typeof__(fcntl64) *fcntl64;
    __typeof__(ioctl) *ioctl;
    __typeof__(fchownat) *fchownat;
    __typeof__(fchmodat) *fchmodat;
} tcemodelRealFuncs;

extern tcemodelRealFuncs tcemodelReal;
extern char *tcemodelRoot;          /* NULL: redirect off */
extern size_t tcemodelRootLen;

void tcemodelEnsureInit(void);
char *tcemodelResolve(int dirfd, const char *path);
const char *tcemodelVirtual(const char *rpath);
bool tcemodelUnder(const char *path, const char *dir, size_t len,
                   bool component);
bool tcemodelInSysfs(const char *rpath);
char *tcemodelNormalize(const char *path);
char *tcemodelNodeOf(const char *rpath);
int tcemodelFault(const char *what, const char *vpath);

int tcemodelOpenModel(const char *rpath, int flags, mode_t mode);
int tcemodelDevOpen(const char *rpath, int flags);
int tcemodelProcOpen(const char *path, int flags);
tcemodelFile *tcemodelFdGet(int fd);
void tcemodelFileUnref(tcemodelFile *file);
