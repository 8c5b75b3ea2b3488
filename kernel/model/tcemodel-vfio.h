/*
 * tcemodel-vfio.h: /dev/vfio and /dev/kvm objects of the fake host
 *
 * Every open VFIO or KVM file of the model is an "object": a record in
 * ROOT/model/objects.state plus an anchor file ROOT/model/files/INO.  The
 * fd a process gets is an fd of that anchor file, holding flock(LOCK_SH)
 * on its open file description.  The kernel keeps that lock while any
 * duplicate of the description exists (dup, fork, SCM_RIGHTS, seccomp
 * ADDFD, also when the holder is killed), so "the file was released"
 * becomes "LOCK_EX|LOCK_NB on a fresh description of the anchor works".
 * An fd is recognised by fstat(): st_dev of ROOT/model/files and st_ino
 * naming an anchor; nothing is kept per process.
 *
 * Releases run lazily: every operation takes the model lock, loads the
 * state and first releases (in the kernel's order) every object whose
 * anchor nobody holds and that no live object references (device fds pin
 * their group, a group pins its container, KVM pins the files it was
 * given, ...).  Nothing outside the model can observe the difference.
 *
 * Layers:
 *   tcemodel-state.c  state file, anchors, release driver, mm records and
 *                     locked_vm accounting
 *   tcemodel-vfio.c   group, container and device files (vfio core),
 *                     hooks for sysfs
 *   tcemodel-spapr.c  the sPAPR TCE v2 IOMMU backend and EEH
 *   tcemodel-kvm.c    the fake POWER /dev/kvm (host line "kvm power")
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "tcemodel.h"

#include <stddef.h>
#include <linux/vfio.h>

#ifndef offsetofend
# define offsetofend(type, member) \
    (offsetof(type, member) + sizeof(((type *)0)->member))
#endif

#define TCEMODEL_TABLES 2               /* IOMMU_TABLE_GROUP_MAX_TABLES */

typedef enum {
    TCEMODEL_OBJ_GROUP,                 /* /dev/vfio/N */
    TCEMODEL_OBJ_CONTAINER,             /* /dev/vfio/vfio */
    TCEMODEL_OBJ_DEVICE,                /* VFIO_GROUP_GET_DEVICE_FD */
    TCEMODEL_OBJ_KVM,                   /* /dev/kvm */
    TCEMODEL_OBJ_VM,                    /* KVM_CREATE_VM */
    TCEMODEL_OBJ_KVMDEV,                /* KVM_CREATE_DEVICE(VFIO) */
    TCEMODEL_OBJ_STT,                   /* KVM_CREATE_SPAPR_TCE_64 */
    TCEMODEL_OBJ_LAST
} tcemodelObjKind;

/* mm_iommu_table_group_mem_t: preregistered memory of one mm */
typedef struct {
    guint64 ua;
    guint64 entries;                    /* host pages */
    guint64 used;
    guint64 mapped;                     /* 1 + TCEs pointing into it */
} tcemodelRegion;

/* a run of consecutive TCEs mapping consecutive user addresses */
typedef struct {
    guint64 entry;                      /* absolute: ioba >> shift */
    guint64 n;
    guint64 ua;
} tcemodelTce;

/* iommu_table created by the container (one DMA window) */
typedef struct {
    bool used;
    guint32 shift;                      /* it_page_shift */
    guint32 levels;
    guint64 offset;                     /* it_offset: first entry */
    guint64 size;                       /* it_size: entries */
    guint64 pages;                      /* charged to locked_vm */
    GArray *tces;                       /* tcemodelTce, sorted, disjoint */
} tcemodelTable;

/* what the model knows of one mm (one process image) */
typedef struct {
    char *id;                           /* "PID.STARTTIME.NOW" */
    gint64 pid;
    guint64 start;                      /* starttime of PID */
    guint64 seq;                        /* creation order */
    guint64 locked;                     /* pages the model charged */
    GArray *regions;                    /* tcemodelRegion, list order */
} tcemodelMm;

typedef struct {
    guint64 ino;                        /* of the anchor file */
    tcemodelObjKind kind;
    bool alive;                         /* transient, set by the loader */

    /* group */
    int group;
    bool gone;                          /* iommu_group NULL (unplugged) */
    guint64 container;                  /* 0: none */
    guint32 eeh;                        /* EEH PE state flags */

    /* container (iommu, tables...) and vm (mm) */
    int iommu;                          /* 0 or VFIO_SPAPR_TCE_v2_IOMMU */
    char *mm;                           /* bound mm, NULL: none yet */
    bool enabled;
    bool pending;                       /* def_window_pending */
    GArray *groups;                     /* guint64 group inos; kvmdev: the
                                         * files whose iommu_group KVM took
                                         * (SET_SPAPR_TCE) */
    GArray *prereg;                     /* tcemodelRegion: ua, entries */
    tcemodelTable tables[TCEMODEL_TABLES];

    /* device: owner is the group; kvmdev and stt: owner is the vm */
    guint64 owner;
    char *bdf;
    GArray *files;                      /* kvmdev: ADDed files; stt: linked
                                         * group files (one per kref) */
    /* stt */
    guint64 liobn;
    guint32 tceShift;
    guint64 tceOffset;                  /* in TCE pages */
    guint64 tceSize;                    /* in TCE pages */
    guint64 locked;                     /* pages charged */
} tcemodelObj;

/* table_group properties (same for every group), from ROOT/model/iommu */
typedef struct {
    guint64 dma32Start;
    guint64 dma32Size;
    guint64 pgsizes;
    guint64 windows;
    guint64 levels;
    guint64 ddwStart;
    guint64 levelMax;                   /* largest TCE level allocation */
    guint64 eeh;
    guint64 kvm;                        /* 1: fake POWER /dev/kvm */
    guint64 kvmTceVfio;                 /* KVM_CAP_SPAPR_TCE_VFIO */
    guint64 kvmReleaseWarn;             /* 1: stock 6.12's WARN (release=stock) */
} tcemodelIommuInfo;

typedef struct {
    char *root;
    int lockfd;                         /* -1: the caller holds the lock */
    GPtrArray *objs;                    /* tcemodelObj, creation order */
    GPtrArray *mms;                     /* tcemodelMm */
    guint64 seq;
    char *loaded;                       /* the file as read */
    tcemodelIommuInfo info;
} tcemodelState;


/* ------------------------------------------------------------------ */
/* tcemodel-state.c                                                    */

int tcemodelStateOpen(const char *root, bool locked, tcemodelState **st);
int tcemodelStateClose(tcemodelState *st);
int tcemodelIommuInfoRead(const char *root, tcemodelIommuInfo *info);
bool tcemodelIommuInfoSet(tcemodelIommuInfo *info, const char *key,
                          const char *val);

tcemodelObj *tcemodelStateObj(tcemodelState *st, guint64 ino);
tcemodelObj *tcemodelStateObjFd(tcemodelState *st, int fd, int *err);
int tcemodelStateAnchor(tcemodelState *st, tcemodelObjKind kind, int flags,
                        tcemodelObj **obj);
void tcemodelStateRemove(tcemodelState *st, tcemodelObj *obj);
guint64 tcemodelAnchorIno(const char *root, int fd);


/* tcemodel-mm.c */
const char *tcemodelMmSelf(void);
void tcemodelMmFree(gpointer mm);
void tcemodelMmCollect(tcemodelState *st);
tcemodelMm *tcemodelMmFind(tcemodelState *st, const char *id);
tcemodelMm *tcemodelMmSelfGet(tcemodelState *st);
int tcemodelMmAccount(tcemodelState *st, const char *id, guint64 pages,
                      bool inc);
gint64 tcemodelMmLockedKiB(const char *root, pid_t pid);
int tcemodelMmIommuLookup(tcemodelMm *mm, guint64 ua, guint64 size);
int tcemodelMmIommuGet(tcemodelMm *mm, guint64 ua, guint64 entries);
int tcemodelMmIommuPut(tcemodelState *st, tcemodelMm *mm, int idx);
int tcemodelMmIommuNew(tcemodelState *st, tcemodelMm *mm, guint64 ua,
                       guint64 entries);
void tcemodelMmIommuMapped(tcemodelMm *mm, guint64 ua, guint64 n,
                           unsigned int shift, bool inc);
unsigned int tcemodelPageShift(void);

extern __thread int tcemodelInternal;


/* ------------------------------------------------------------------ */
/* tcemodel-vfio.c                                                     */

int tcemodelVfioOpen(const char *root, const char *vpath, const char *rpath,
                     int flags);
int tcemodelVfioIoctl(tcemodelState *st, tcemodelObj *obj,
                      unsigned long req, void *arg);
const char *tcemodelVfioIoctlName(tcemodelObjKind kind, unsigned long req);
void tcemodelVfioRelease(tcemodelState *st, tcemodelObj *obj);
bool tcemodelVfioGroupIsFile(tcemodelObj *obj);
int tcemodelDevIoctl(const char *root, guint64 ino, unsigned long req,
                     void *arg);


/* ------------------------------------------------------------------ */
/* tcemodel-spapr.c                                                    */

int tcemodelSpaprCheckExtension(tcemodelState *st, unsigned long ext);
int tcemodelSpaprSetIommu(tcemodelState *st, tcemodelObj *c,
                          unsigned long type);
int tcemodelSpaprAttach(tcemodelState *st, tcemodelObj *c, tcemodelObj *g);
void tcemodelSpaprRelease(tcemodelState *st, tcemodelObj *c);
int tcemodelSpaprIoctl(tcemodelState *st, tcemodelObj *c, unsigned long req,
                       void *arg);
void tcemodelTableFree(tcemodelTable *tbl);


/* ------------------------------------------------------------------ */
/* tcemodel-kvm.c                                                      */

int tcemodelKvmOpen(const char *root, const char *rpath, int flags);
int tcemodelKvmIoctl(tcemodelState *st, tcemodelObj *obj, unsigned long req,
                     void *arg);
const char *tcemodelKvmIoctlName(unsigned long req);
void tcemodelKvmRelease(tcemodelState *st, tcemodelObj *obj);
