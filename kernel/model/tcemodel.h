/*
 * tcemodel.h: internal interfaces of the fake host (kernel/model)
 *
 * The model is a directory tree (TCEMODEL_ROOT) that mirrors the parts of
 * /sys and /dev a management layer reads, plus a little private state under
 * ROOT/model.  All state lives in that tree so that several processes share
 * one fake host; read-modify-write sequences hold an flock on ROOT/lock.
 *
 * Layers:
 *   tcemodel-util.c    path, file and locking helpers
 *   tcemodel-faults.c  fault injection ("OP ERRNO [COUNT]")
 *   tcemodel-sysfs.c   PCI sysfs semantics (bind/unbind/probe/override...)
 *   tcemodel-dynids.c  dynamic ids (new_id/remove_id)
 *   tcemodel-host.c    host description parser (tcemodel-mkhost only)
 *   tcemodel-preload.c LD_PRELOAD path redirect and fd bookkeeping
 *   tcemodel-vfio.h    /dev/vfio and /dev/kvm objects (stage 2)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

/* fault action: SIGKILL the process performing the operation */
#define TCEMODEL_FAULT_KILL 0x10000

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#define TCEMODEL_PAGE_SIZE 4096

#define TCEMODEL_DRIVER_VFIO "vfio-pci"


/* ------------------------------------------------------------------ */
/* tcemodel-util.c                                                     */

char *tcemodelPath(const char *root, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

bool tcemodelBDFValid(const char *bdf);
bool tcemodelNameValid(const char *name);

int tcemodelFileRead(const char *path, char **data);
int tcemodelFileWrite(const char *path, const char *data, size_t len,
                      mode_t mode);
int tcemodelFileAppend(const char *path, const char *data, size_t len);
int tcemodelFileReplace(const char *root, const char *path, const char *data,
                        mode_t mode);
int tcemodelMkdir(const char *path);
int tcemodelSymlink(const char *target, const char *linkpath);
char *tcemodelLinkBase(const char *path);
GPtrArray *tcemodelListDir(const char *path);

int tcemodelLockAcquire(const char *root);
void tcemodelLockRelease(int fd);
void tcemodelPrivateFd(int fd, bool add);

int tcemodelErrnoParse(const char *name);
const char *tcemodelErrnoName(int err);

char *tcemodelStoreBuf(const char *buf, size_t len);
char *tcemodelStoreName(const char *buf, size_t len);


/* ------------------------------------------------------------------ */
/* tcemodel-faults.c                                                   */

/*
 * Operation names (matched with fnmatch(3) against the patterns of
 * ROOT/faults and $TCEMODEL_FAULTS):
 *   open:PATH  bind:BDF  unbind:BDF  drivers_probe:BDF
 *   driver_override:BDF  reset:BDF  reset_method:BDF
 *   new_id:DRIVER  remove_id:DRIVER  rescan:bus
 *   ioctl:NAME     (uAPI macro name, e.g. ioctl:VFIO_SET_IOMMU)
 */
int tcemodelFaultsInitEnv(const char *spec, char **err);
int tcemodelFaultCheck(const char *root, const char *op);
bool tcemodelFaultsPresent(const char *root);


/* ------------------------------------------------------------------ */
/* tcemodel-sysfs.c / tcemodel-preload.c: modelled files               */

typedef struct _tcemodelFile tcemodelFile;
typedef struct _tcemodelFileOps tcemodelFileOps;

/*
 * One open file description on a modelled object.  Shared by all fds
 * that dup() it; freed when the last one is closed.
 */
struct _tcemodelFile {
    gint refs;
    const tcemodelFileOps *ops;
    char *root;         /* TCEMODEL_ROOT */
    char *path;         /* resolved path as the process sees it: /sys/... */
    char *object;       /* BDF or driver name the file belongs to */
    dev_t dev;          /* identity of the real fd, to spot stale entries */
    ino_t ino;
    void *priv;         /* owned by ops */
};

struct _tcemodelFileOps {
    const char *name;
    /* Kernel "store": 0 or -errno.  Called without any preload lock. */
    int (*write)(tcemodelFile *file, const char *buf, size_t len);
    /* Optional: called when the last fd of the description closes. */
    void (*release)(tcemodelFile *file);
};

const tcemodelFileOps *tcemodelSysfsClassify(const char *path,
                                             char **object);

int tcemodelSysfsAttach(const char *root, const char *bdf, const char *drv);
int tcemodelSysfsDetach(const char *root, const char *bdf, const char *drv);
char *tcemodelSysfsDriver(const char *root, const char *bdf);
char *tcemodelSysfsGroup(const char *root, const char *bdf);
char *tcemodelSysfsDevTarget(const char *bdf);
bool tcemodelSysfsMatch(const char *root, const char *bdf, const char *drv);
bool tcemodelSysfsResetMethodKnown(const char *name);


/* tcemodel-vfio.c: what sysfs changes do to open VFIO files (called
 * with the model lock held) */
int tcemodelVfioUnbindCheck(const char *root, const char *bdf);
void tcemodelVfioGroupUnplug(const char *root, const char *group);
int tcemodelVfioProbeCheck(const char *root, const char *bdf);


/* ------------------------------------------------------------------ */
/* tcemodel-node.c: owner, mode and DAC of /dev/vfio/vfio, /dev/vfio/N */

/* the group cdev's major is dynamic on the kernel (alloc_chrdev_region) */
#define TCEMODEL_VFIO_GROUP_MAJOR 242

typedef struct {
    uid_t uid;
    gid_t gid;
    mode_t mode;        /* permission bits (07777) */
    dev_t rdev;
} tcemodelNode;

bool tcemodelNodeName(const char *name);
int tcemodelNodeRead(const char *root, const char *name, tcemodelNode *node);
int tcemodelNodeMayOpen(const tcemodelNode *node, int flags);
int tcemodelMayOpen(uid_t uid, gid_t gid, mode_t mode, int flags);
int tcemodelNodeStat(const char *root, const char *name, tcemodelNode *node);
int tcemodelNodeAccess(const char *root, const char *name, int mode,
                       int flags);
int tcemodelNodeChown(const char *root, const char *name, uid_t uid,
                      gid_t gid);
int tcemodelNodeChmod(const char *root, const char *name, mode_t mode);
bool tcemodelCapable(int cap);


/* ------------------------------------------------------------------ */
/* tcemodel-dynids.c                                                   */

bool tcemodelDynidsMatch(const char *root, const char *drv, const char *bdf);
int tcemodelDynidsStoreNewId(const char *root, const char *drv,
                             const char *key, const char *buf, size_t len);
int tcemodelDynidsStoreRemoveId(const char *root, const char *drv,
                                const char *key, const char *buf,
                                size_t len);
