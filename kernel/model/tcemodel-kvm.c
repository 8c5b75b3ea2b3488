/*
 * tcemodel-kvm.c: the fake /dev/kvm of a POWER host (host line "kvm power")
 *
 * Only what in-kernel TCE acceleration needs (reference/kernel.md §1, §4):
 * the capabilities QEMU checks, KVM_CREATE_VM, KVM_CREATE_SPAPR_TCE(_64)
 * with its locked_vm charge (arch/powerpc/kvm/book3s_64_vio.c), and the
 * KVM-VFIO device of virt/kvm/vfio.c (6.12): FILE_ADD/DEL holding a
 * reference on the VFIO file, SET_SPAPR_TCE linking a group's hardware
 * table (a window of its container) to a KVM TCE table, one instance per
 * VM, released when its fd closes.  VMs and devices refuse other mms
 * (EIO).  No vCPUs, no memory slots, no other devices.
 *
 * A group file added but never given to SET_SPAPR_TCE is dropped (FILE_DEL,
 * the device's release) quietly: the model is the kernel with
 * kernel/patches/0001-* applied.  Debian's stock 6.12 kernel WARNs there
 * (WARN_ON_ONCE(!kvf->iommu_group)); host option "release=stock" makes the
 * model log that WARNING to its /dev/kmsg each time (the once-per-boot of
 * WARN_ON_ONCE is not modelled), so that the reproducer
 * (kernel/selftests/kvm_vfio_release_test.c) is seen to catch it.
 *
 * The ioctl numbers are this machine's encodings of the uAPI macros, so a
 * program built here against the fake POWER KVM uses the same ones.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "tcemodel-vfio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>

/* powerpc-only uAPI structs (asm/kvm.h) */
typedef struct {
    __u64 liobn;
    __u32 window_size;
} tcemodelKvmSpaprTce;

typedef struct {
    __u64 liobn;
    __u32 page_shift;
    __u32 flags;
    __u64 offset;                       /* in pages */
    __u64 size;                         /* in pages */
} tcemodelKvmSpaprTce64;

#define TCEMODEL_KVM_CREATE_SPAPR_TCE \
    _IOW(KVMIO, 0xa8, tcemodelKvmSpaprTce)
#define TCEMODEL_KVM_CREATE_SPAPR_TCE_64 \
    _IOW(KVMIO, 0xa8, tcemodelKvmSpaprTce64)

#define TCEMODEL_KVM_VM_PPC_HV 1
#define TCEMODEL_KVM_USER_MEM_SLOTS 512
#define TCEMODEL_KVM_STT_BYTES 128      /* sizeof(kvmppc_spapr_tce_table) */

static const struct {
    unsigned long req;
    const char *name;
} tcemodelKvmIoctls[] = {
#define NAME(x) { x, #x }
    NAME(KVM_GET_API_VERSION), NAME(KVM_CREATE_VM),
    NAME(KVM_CHECK_EXTENSION), NAME(KVM_GET_VCPU_MMAP_SIZE),
    NAME(KVM_CREATE_DEVICE), NAME(KVM_SET_DEVICE_ATTR),
    NAME(KVM_GET_DEVICE_ATTR), NAME(KVM_HAS_DEVICE_ATTR),
#undef NAME
    { TCEMODEL_KVM_CREATE_SPAPR_TCE, "KVM_CREATE_SPAPR_TCE" },
    { TCEMODEL_KVM_CREATE_SPAPR_TCE_64, "KVM_CREATE_SPAPR_TCE_64" },
};


const char *
tcemodelKvmIoctlName(unsigned long req)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(tcemodelKvmIoctls); i++) {
        if (tcemodelKvmIoctls[i].req == req)
            return tcemodelKvmIoctls[i].name;
    }
    return NULL;
}


/* open() of DIR/dev/kvm: the fd or -errno */
int
tcemodelKvmOpen(const char *root, const char *rpath, int flags)
{
    tcemodelState *st;
    tcemodelObj *obj;
    int ret;
    int fd;

    if ((ret = tcemodelStateOpen(root, false, &st)) < 0)
        return ret;
    if ((fd = open(rpath, (flags & O_ACCMODE) | O_CLOEXEC)) < 0) {
        ret = -errno;
    } else {
        close(fd);
        ret = tcemodelStateAnchor(st, TCEMODEL_OBJ_KVM, flags, &obj);
    }
    tcemodelStateClose(st);
    return ret;
}


/* kvm_vm_ioctl_check_extension_generic() + the powerpc (HV) part */
static int
tcemodelKvmCheckExtension(tcemodelState *st, unsigned long cap)
{
    switch (cap) {
    case KVM_CAP_USER_MEMORY:
    case KVM_CAP_DESTROY_MEMORY_REGION_WORKS:
    case KVM_CAP_JOIN_MEMORY_REGIONS_WORKS:
    case KVM_CAP_INTERNAL_ERROR_DATA:
    case KVM_CAP_IRQFD:
    case KVM_CAP_IOEVENTFD:
    case KVM_CAP_CHECK_EXTENSION_VM:
    case KVM_CAP_ENABLE_CAP_VM:
    case KVM_CAP_SYNC_MMU:
    case KVM_CAP_DEVICE_CTRL:
    case KVM_CAP_SPAPR_TCE:
    case KVM_CAP_SPAPR_TCE_64:
    case KVM_CAP_SPAPR_MULTITCE:
    case KVM_CAP_PPC_ENABLE_HCALL:
        return 1;
    case KVM_CAP_SPAPR_TCE_VFIO:
        return st->info.kvmTceVfio ? 1 : 0;
    case KVM_CAP_NR_MEMSLOTS:
        return TCEMODEL_KVM_USER_MEM_SLOTS;
    }
    return 0;
}


static bool
tcemodelKvmSameMm(tcemodelObj *vm)
{
    return vm && g_strcmp0(vm->mm, tcemodelMmSelf()) == 0;
}


static tcemodelObj *
tcemodelKvmChild(tcemodelState *st, tcemodelObj *vm, tcemodelObjKind kind,
                 guint64 liobn)
{
    size_t i;

    for (i = 0; i < st->objs->len; i++) {
        tcemodelObj *obj = g_ptr_array_index(st->objs, i);

        if (obj->kind == kind && obj->owner == vm->ino &&
            (kind != TCEMODEL_OBJ_STT || obj->liobn == liobn))
            return obj;
    }
    return NULL;
}


/* ------------------------------------------------------------------ */
/* KVM TCE tables                                                      */

/* kvmppc_stt_pages(kvmppc_tce_pages(size)) */
static guint64
tcemodelKvmSttPages(guint64 size)
{
    guint64 page = 1ULL << tcemodelPageShift();
    guint64 tces = (size * 8 + page - 1) / page;

    return tces + (TCEMODEL_KVM_STT_BYTES + tces * 8 + page - 1) / page;
}


/* kvm_vm_ioctl_create_spapr_tce() */
static int
tcemodelKvmCreateTce(tcemodelState *st, tcemodelObj *vm,
                     const tcemodelKvmSpaprTce64 *args)
{
    guint64 pages;
    tcemodelObj *stt;
    int ret;

    if (!args->size || args->page_shift < 12 || args->page_shift > 34 ||
        args->offset + args->size > (G_MAXUINT64 >> args->page_shift))
        return -EINVAL;
    pages = tcemodelKvmSttPages(args->size);
    if ((ret = tcemodelMmAccount(st, vm->mm, pages, true)) < 0)
        return ret;
    if (tcemodelKvmChild(st, vm, TCEMODEL_OBJ_STT, args->liobn)) {
        tcemodelMmAccount(st, vm->mm, pages, false);
        return -EBUSY;
    }
    if ((ret = tcemodelStateAnchor(st, TCEMODEL_OBJ_STT, O_RDWR | O_CLOEXEC,
                                   &stt)) < 0) {
        tcemodelMmAccount(st, vm->mm, pages, false);
        return ret;
    }
    stt->owner = vm->ino;
    stt->liobn = args->liobn;
    stt->tceShift = args->page_shift;
    stt->tceOffset = args->offset;
    stt->tceSize = args->size;
    stt->locked = pages;
    return ret;
}


/* kvm_spapr_tce_attach_iommu_group() for the group file @g */
static int
tcemodelKvmAttachGroup(tcemodelState *st, tcemodelObj *vm, int tablefd,
                       tcemodelObj *g)
{
    tcemodelObj *c;
    tcemodelObj *stt;
    size_t i;
    int err;

    stt = tcemodelStateObjFd(st, tablefd, &err);
    if (err)
        return -err;
    if (!stt || stt->kind != TCEMODEL_OBJ_STT || stt->owner != vm->ino)
        return -EINVAL;

    /* the group's hardware tables: the windows of its container */
    c = tcemodelStateObj(st, g->container);
    for (i = 0; c && c->iommu && i < TCEMODEL_TABLES; i++) {
        tcemodelTable *tbl = &c->tables[i];

        if (tbl->used && tbl->shift <= stt->tceShift &&
            tbl->offset << tbl->shift == stt->tceOffset << stt->tceShift &&
            tbl->size << tbl->shift >= stt->tceSize << stt->tceShift) {
            /* a new link, or one more reference on it */
            g_array_append_val(stt->files, g->ino);
            return 0;
        }
    }
    return -EINVAL;
}


/* The index of @ino in @inos (guint64), or -1 */
static int
tcemodelKvmInoIndex(GArray *inos, guint64 ino)
{
    guint i;

    for (i = 0; i < inos->len; i++) {
        if (g_array_index(inos, guint64, i) == ino)
            return i;
    }
    return -1;
}


/* kvm_spapr_tce_release_iommu_group(): one reference per link */
static void
tcemodelKvmUnlinkGroup(tcemodelState *st, tcemodelObj *vm, guint64 group)
{
    size_t i;
    int j;

    for (i = 0; i < st->objs->len; i++) {
        tcemodelObj *stt = g_ptr_array_index(st->objs, i);

        if (stt->kind == TCEMODEL_OBJ_STT && stt->owner == vm->ino &&
            (j = tcemodelKvmInoIndex(stt->files, group)) >= 0)
            g_array_remove_index(stt->files, j);
    }
}


/* ------------------------------------------------------------------ */
/* the KVM-VFIO device                                                 */

/* A kernel log record on the model's /dev/kmsg (ROOT/dev/kmsg) */
static void
tcemodelKvmLog(tcemodelState *st, int level, const char *msg)
{
    g_autofree char *path = tcemodelPath(st->root, "/dev/kmsg");
    gint64 usec = g_get_monotonic_time();
    g_autofree char *rec = g_strdup_printf("%d,%" G_GINT64_FORMAT ",%"
                                           G_GINT64_FORMAT ",-;%s\n", level,
                                           usec, usec, msg);

    /* best effort, as printk is */
    (void) tcemodelFileAppend(path, rec, strlen(rec));
}


/* kvm_spapr_tce_release_vfio_group(): a file leaves the device */
static void
tcemodelKvmDropFile(tcemodelState *st, tcemodelObj *dev, tcemodelObj *vm,
                    guint64 ino, const char *caller)
{
    int held = tcemodelKvmInoIndex(dev->groups, ino);

    if (held < 0) {
        /* never linked: nothing to release (the patched kernel) */
        if (st->info.kvmReleaseWarn) {
            g_autofree char *msg = g_strdup_printf(
                "WARNING: CPU: 0 PID: %d at virt/kvm/vfio.c:103 "
                "kvm_spapr_tce_release_vfio_group+0x0/0x0 [kvm] (tcemodel: "
                "Debian 6.12's WARN_ON_ONCE(!kvf->iommu_group) from %s)",
                (int) getpid(), caller);

            tcemodelKvmLog(st, 4, msg);
        }
        return;
    }
    g_array_remove_index(dev->groups, held);
    if (vm)
        tcemodelKvmUnlinkGroup(st, vm, ino);
}

static int
tcemodelKvmVfioSetFile(tcemodelState *st, tcemodelObj *dev, tcemodelObj *vm,
                       guint64 attr, void *addr)
{
    struct kvm_vfio_spapr_tce *param = addr;
    tcemodelObj *file;
    int err;
    int idx;
    int fd;

    if (attr < KVM_DEV_VFIO_GROUP_ADD ||
        attr > KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE)
        return -ENXIO;
    fd = attr == KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE ? param->groupfd
                                                  : *(gint32 *)addr;
    file = tcemodelStateObjFd(st, fd, &err);
    if (err)
        return -err;
    idx = file ? tcemodelKvmInoIndex(dev->files, file->ino) : -1;

    switch (attr) {
    case KVM_DEV_VFIO_GROUP_ADD:
        /* vfio_file_is_valid(): a group or a device file */
        if (!file || (file->kind != TCEMODEL_OBJ_GROUP &&
                      file->kind != TCEMODEL_OBJ_DEVICE))
            return -EINVAL;
        if (idx >= 0)
            return -EEXIST;
        g_array_append_val(dev->files, file->ino);
        return 0;
    case KVM_DEV_VFIO_GROUP_DEL:
        if (idx < 0)
            return -ENOENT;
        g_array_remove_index(dev->files, idx);
        tcemodelKvmDropFile(st, dev, vm, file->ino, "kvm_vfio_file_del");
        return 0;
    default:
        if (idx < 0)
            return -ENOENT;
        /* vfio_file_iommu_group(): groups only (WARN otherwise) */
        if (!tcemodelVfioGroupIsFile(file) || file->gone)
            return -EIO;
        /* kvf->iommu_group is taken before the link, kept if it fails */
        if (tcemodelKvmInoIndex(dev->groups, file->ino) < 0)
            g_array_append_val(dev->groups, file->ino);
        return tcemodelKvmAttachGroup(st, vm, param->tablefd, file);
    }
}


static int
tcemodelKvmDeviceIoctl(tcemodelState *st, tcemodelObj *dev, unsigned long req,
                       struct kvm_device_attr *attr)
{
    tcemodelObj *vm = tcemodelStateObj(st, dev->owner);

    if (!tcemodelKvmSameMm(vm))
        return -EIO;
    switch (req) {
    case KVM_SET_DEVICE_ATTR:
        if (attr->group != KVM_DEV_VFIO_GROUP)
            return -ENXIO;
        return tcemodelKvmVfioSetFile(st, dev, vm, attr->attr,
                                      (void *)(uintptr_t)attr->addr);
    case KVM_GET_DEVICE_ATTR:
        return -EPERM;          /* no get_attr accessor */
    case KVM_HAS_DEVICE_ATTR:
        if (attr->group == KVM_DEV_VFIO_GROUP &&
            attr->attr >= KVM_DEV_VFIO_GROUP_ADD &&
            attr->attr <= KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE)
            return 0;
        return -ENXIO;
    }
    return -ENOTTY;
}


/* ------------------------------------------------------------------ */
/* /dev/kvm and VM fds                                                 */

static int
tcemodelKvmCreateDevice(tcemodelState *st, tcemodelObj *vm,
                        struct kvm_create_device *cd)
{
    tcemodelObj *dev;
    int ret;

    if (cd->type != KVM_DEV_TYPE_VFIO)
        return -ENODEV;
    if (cd->flags & KVM_CREATE_DEVICE_TEST)
        return 0;
    if (tcemodelKvmChild(st, vm, TCEMODEL_OBJ_KVMDEV, 0))
        return -EBUSY;
    if ((ret = tcemodelStateAnchor(st, TCEMODEL_OBJ_KVMDEV,
                                   O_RDWR | O_CLOEXEC, &dev)) < 0)
        return ret;
    dev->owner = vm->ino;
    cd->fd = ret;
    return 0;
}


static int
tcemodelKvmVmIoctl(tcemodelState *st, tcemodelObj *vm, unsigned long req,
                   void *arg)
{
    tcemodelKvmSpaprTce64 args;

    if (!tcemodelKvmSameMm(vm))
        return -EIO;
    switch (req) {
    case KVM_CHECK_EXTENSION:
        return tcemodelKvmCheckExtension(st, (unsigned long)arg);
    case KVM_CREATE_DEVICE:
        return tcemodelKvmCreateDevice(st, vm, arg);
    case TCEMODEL_KVM_CREATE_SPAPR_TCE_64:
        args = *(tcemodelKvmSpaprTce64 *)arg;
        if (args.flags)
            return -EINVAL;
        return tcemodelKvmCreateTce(st, vm, &args);
    case TCEMODEL_KVM_CREATE_SPAPR_TCE:
        args = (tcemodelKvmSpaprTce64) {
            .liobn = ((tcemodelKvmSpaprTce *)arg)->liobn, .page_shift = 12,
            .size = ((tcemodelKvmSpaprTce *)arg)->window_size >> 12,
        };
        return tcemodelKvmCreateTce(st, vm, &args);
    }
    return -ENOTTY;
}


static int
tcemodelKvmDevIoctl(tcemodelState *st, tcemodelObj *kvm, unsigned long req,
                    void *arg)
{
    tcemodelObj *vm;
    unsigned long type = (unsigned long)arg;
    int ret;

    switch (req) {
    case KVM_GET_API_VERSION:
        return arg ? -EINVAL : KVM_API_VERSION;
    case KVM_CHECK_EXTENSION:
        return tcemodelKvmCheckExtension(st, (unsigned long)arg);
    case KVM_GET_VCPU_MMAP_SIZE:
        return arg ? -EINVAL : 2 << tcemodelPageShift();
    case KVM_CREATE_VM:
        /* 0: default, KVM_VM_PPC_HV; kvm-pr is not loaded */
        if (type > TCEMODEL_KVM_VM_PPC_HV)
            return -EINVAL;
        if ((ret = tcemodelStateAnchor(st, TCEMODEL_OBJ_VM, O_RDWR | O_CLOEXEC,
                                       &vm)) < 0)
            return ret;
        vm->mm = g_strdup(tcemodelMmSelfGet(st)->id);
        return ret;
    }
    return -EINVAL;             /* kvm_arch_dev_ioctl() */
}


int
tcemodelKvmIoctl(tcemodelState *st, tcemodelObj *obj, unsigned long req,
                 void *arg)
{
    switch (obj->kind) {
    case TCEMODEL_OBJ_KVM:
        return tcemodelKvmDevIoctl(st, obj, req, arg);
    case TCEMODEL_OBJ_VM:
        return tcemodelKvmVmIoctl(st, obj, req, arg);
    case TCEMODEL_OBJ_KVMDEV:
        return tcemodelKvmDeviceIoctl(st, obj, req, arg);
    default:
        return -ENOTTY;         /* a TCE table fd only mmaps */
    }
}


void
tcemodelKvmRelease(tcemodelState *st, tcemodelObj *obj)
{
    tcemodelObj *vm = tcemodelStateObj(st, obj->owner);
    guint i;

    switch (obj->kind) {
    case TCEMODEL_OBJ_KVMDEV:
        /* kvm_vfio_release(): drop every file and its TCE links */
        for (i = 0; i < obj->files->len; i++)
            tcemodelKvmDropFile(st, obj, vm, g_array_index(obj->files, guint64,
                                                           i), "kvm_vfio_release");
        break;
    case TCEMODEL_OBJ_STT:
        /* kvm_spapr_tce_release() */
        if (vm)
            tcemodelMmAccount(st, vm->mm, obj->locked, false);
        break;
    default:
        break;
    }
}
