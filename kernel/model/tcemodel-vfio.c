/*
 * tcemodel-vfio.c: /dev/vfio/N and /dev/vfio/vfio of the fake host
 *
 * The legacy group/container uAPI as drivers/vfio/group.c and
 * container.c (6.12) implement it, with the sPAPR TCE IOMMU as the only
 * registered backend (tcemodel-spapr.c), as on a POWER host:
 *   - a group opens once (EBUSY), is viable when every member is on
 *     vfio-pci or unbound, claims DMA ownership at SET_CONTAINER (EPERM
 *     when not viable) and releases it when detached;
 *   - device fds pin their group file, a group pins its container, the
 *     IOMMU backend goes away with the container's last group;
 *   - unplugging a group's last vfio-pci device detaches its container
 *     and leaves open group files dangling (ENODEV).
 * Each handler follows the kernel's order of checks.  Object lifetime and
 * the state file are in tcemodel-state.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "tcemodel-vfio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAME(x) { x, #x }

static const struct {
    unsigned long req;
    const char *name;
} tcemodelVfioIoctls[] = {
    NAME(VFIO_GET_API_VERSION), NAME(VFIO_CHECK_EXTENSION),
    NAME(VFIO_SET_IOMMU), NAME(VFIO_GROUP_GET_STATUS),
    NAME(VFIO_GROUP_SET_CONTAINER), NAME(VFIO_GROUP_UNSET_CONTAINER),
    NAME(VFIO_GROUP_GET_DEVICE_FD), NAME(VFIO_DEVICE_GET_INFO),
    NAME(VFIO_DEVICE_GET_REGION_INFO), NAME(VFIO_DEVICE_GET_IRQ_INFO),
    NAME(VFIO_DEVICE_SET_IRQS), NAME(VFIO_DEVICE_RESET),
    NAME(VFIO_IOMMU_SPAPR_TCE_GET_INFO), NAME(VFIO_IOMMU_MAP_DMA),
    NAME(VFIO_IOMMU_UNMAP_DMA), NAME(VFIO_IOMMU_ENABLE),
    NAME(VFIO_IOMMU_DISABLE), NAME(VFIO_IOMMU_SPAPR_REGISTER_MEMORY),
    NAME(VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY),
    NAME(VFIO_IOMMU_SPAPR_TCE_CREATE), NAME(VFIO_IOMMU_SPAPR_TCE_REMOVE),
    NAME(VFIO_EEH_PE_OP),
};

#undef NAME


/* the uAPI macro name of @req ("ioctl:NAME" faults), NULL if unknown */
const char *
tcemodelVfioIoctlName(tcemodelObjKind kind, unsigned long req)
{
    size_t i;

    if (kind >= TCEMODEL_OBJ_KVM)
        return tcemodelKvmIoctlName(req);
    for (i = 0; i < G_N_ELEMENTS(tcemodelVfioIoctls); i++) {
        if (tcemodelVfioIoctls[i].req == req)
            return tcemodelVfioIoctls[i].name;
    }
    return NULL;
}


/* ------------------------------------------------------------------ */
/* groups in sysfs                                                     */

static char *
tcemodelGroupDevices(const char *root, int group)
{
    return tcemodelPath(root, "/sys/kernel/iommu_groups/%d/devices", group);
}


/*
 * !iommu_group_dma_owner_claimed(): no member is bound to a driver that
 * uses the kernel's DMA API.  vfio-pci (driver_managed_dma) and unbound
 * devices do not count.
 */
static bool
tcemodelGroupViable(const char *root, int group)
{
    g_autofree char *dir = tcemodelGroupDevices(root, group);
    g_autoptr(GPtrArray) devs = tcemodelListDir(dir);
    size_t i;

    for (i = 0; i < devs->len; i++) {
        g_autofree char *drv = tcemodelSysfsDriver(root,
                                                   g_ptr_array_index(devs, i));

        if (drv && !g_str_equal(drv, TCEMODEL_DRIVER_VFIO))
            return false;
    }
    return true;
}


/* vfio_device_get_from_name() + vfio_pci_core_match(): 0 or -errno */
static int
tcemodelGroupFindDevice(const char *root, tcemodelObj *g, const char *name)
{
    g_autofree char *dir = tcemodelGroupDevices(root, g->group);
    g_autoptr(GPtrArray) devs = tcemodelListDir(dir);
    size_t i;

    for (i = 0; !g->gone && i < devs->len; i++) {
        const char *bdf = g_ptr_array_index(devs, i);
        g_autofree char *drv = tcemodelSysfsDriver(root, bdf);
        size_t len = strlen(bdf);

        if (!drv || !g_str_equal(drv, TCEMODEL_DRIVER_VFIO) ||
            strncmp(name, bdf, len) != 0)
            continue;
        if (name[len] == '\0')
            return 0;
        /* a vf_token for a device that is neither VF nor SR-IOV PF */
        if (name[len] == ' ')
            return -EINVAL;
    }
    return -ENODEV;
}


static tcemodelObj *
tcemodelGroupOpenFile(tcemodelState *st, int group)
{
    size_t i;

    for (i = 0; i < st->objs->len; i++) {
        tcemodelObj *obj = g_ptr_array_index(st->objs, i);

        if (obj->kind == TCEMODEL_OBJ_GROUP && obj->group == group &&
            !obj->gone)
            return obj;
    }
    return NULL;
}


static bool
tcemodelGroupHasDevices(tcemodelState *st, tcemodelObj *g)
{
    size_t i;

    for (i = 0; i < st->objs->len; i++) {
        tcemodelObj *obj = g_ptr_array_index(st->objs, i);

        if (obj->kind == TCEMODEL_OBJ_DEVICE && obj->owner == g->ino)
            return true;
    }
    return false;
}


bool
tcemodelVfioGroupIsFile(tcemodelObj *obj)
{
    return obj && obj->kind == TCEMODEL_OBJ_GROUP;
}


/* ------------------------------------------------------------------ */
/* open                                                                */

/*
 * open() of DIR/dev/vfio/vfio or DIR/dev/vfio/N (@rpath; @vpath as the
 * process names it).  Returns the fd or -errno.
 */
int
tcemodelVfioOpen(const char *root, const char *vpath, const char *rpath,
                 int flags)
{
    const char *base = strrchr(vpath, '/') + 1;
    tcemodelObjKind kind = TCEMODEL_OBJ_CONTAINER;
    tcemodelState *st;
    tcemodelObj *obj = NULL;
    tcemodelNode node;
    int group = -1;
    int ret;

    if (!g_str_equal(base, "vfio")) {
        char *end;

        group = strtol(base, &end, 10);
        if (!g_ascii_isdigit(*base) || *end)
            return -ENOENT;
        kind = TCEMODEL_OBJ_GROUP;
    }

    if ((ret = tcemodelStateOpen(root, false, &st)) < 0)
        return ret;

    /* the VFS: the node exists (ENOENT), may_open() (EACCES) */
    if ((ret = tcemodelNodeRead(root, base, &node)) < 0 ||
        (ret = tcemodelNodeMayOpen(&node, flags)) < 0)
        goto out;

    /* vfio_group_fops_open(): one opener at a time */
    if (kind == TCEMODEL_OBJ_GROUP && tcemodelGroupOpenFile(st, group)) {
        ret = -EBUSY;
        goto out;
    }
    if ((ret = tcemodelStateAnchor(st, kind, flags, &obj)) >= 0 &&
        kind == TCEMODEL_OBJ_GROUP)
        obj->group = group;

 out:
    tcemodelStateClose(st);
    return ret;
}


/* ------------------------------------------------------------------ */
/* group file                                                          */

/* vfio_group_detach_container() */
static void
tcemodelGroupDetach(tcemodelState *st, tcemodelObj *g)
{
    tcemodelObj *c = tcemodelStateObj(st, g->container);
    size_t i;

    g->container = 0;
    if (!c)
        return;
    for (i = 0; i < c->groups->len; i++) {
        if (g_array_index(c->groups, guint64, i) == g->ino)
            g_array_remove_index(c->groups, i--);
    }
    /* detaching the last group deprivileges the container */
    if (c->iommu && !c->groups->len) {
        tcemodelSpaprRelease(st, c);
        c->iommu = 0;
    }
}


static int
tcemodelGroupGetStatus(tcemodelState *st, tcemodelObj *g,
                       struct vfio_group_status *arg)
{
    if (arg->argsz < offsetofend(struct vfio_group_status, flags))
        return -EINVAL;
    if (g->gone)
        return -ENODEV;
    arg->flags = 0;
    if (g->container)
        arg->flags = VFIO_GROUP_FLAGS_CONTAINER_SET | VFIO_GROUP_FLAGS_VIABLE;
    else if (tcemodelGroupViable(st->root, g->group))
        arg->flags = VFIO_GROUP_FLAGS_VIABLE;
    return 0;
}


static int
tcemodelGroupSetContainer(tcemodelState *st, tcemodelObj *g, const int *arg)
{
    tcemodelObj *c;
    int err;
    int ret;

    c = tcemodelStateObjFd(st, *arg, &err);
    if (err)
        return -err;
    if (g->container)
        return -EINVAL;
    if (g->gone)
        return -ENODEV;
    if (!c || c->kind != TCEMODEL_OBJ_CONTAINER)
        return -EBADFD;

    /* vfio_container_attach_group(): iommu_group_claim_dma_owner() */
    if (!tcemodelGroupViable(st->root, g->group))
        return -EPERM;
    if (c->iommu && (ret = tcemodelSpaprAttach(st, c, g)) < 0)
        return ret;
    g->container = c->ino;
    g_array_prepend_val(c->groups, g->ino);
    return 0;
}


static int
tcemodelGroupUnsetContainer(tcemodelState *st, tcemodelObj *g)
{
    if (!g->container)
        return -EINVAL;
    /* container_users: 1 + every device with open fds */
    if (tcemodelGroupHasDevices(st, g))
        return -EBUSY;
    tcemodelGroupDetach(st, g);
    return 0;
}


static int
tcemodelGroupGetDeviceFd(tcemodelState *st, tcemodelObj *g, const char *arg)
{
    g_autofree char *name = g_strndup(arg, TCEMODEL_PAGE_SIZE);
    tcemodelObj *c = tcemodelStateObj(st, g->container);
    tcemodelObj *dev = NULL;
    int ret;

    if ((ret = tcemodelGroupFindDevice(st->root, g, name)) < 0)
        return ret;
    /* vfio_df_group_open() + vfio_group_use_container() */
    if (!c || !c->iommu)
        return -EINVAL;
    if ((ret = tcemodelStateAnchor(st, TCEMODEL_OBJ_DEVICE,
                                   O_RDWR | O_CLOEXEC, &dev)) < 0)
        return ret;
    dev->owner = g->ino;
    dev->bdf = g_steal_pointer(&name);
    return ret;
}


static int
tcemodelGroupIoctl(tcemodelState *st, tcemodelObj *g, unsigned long req,
                   void *arg)
{
    switch (req) {
    case VFIO_GROUP_GET_DEVICE_FD:
        return tcemodelGroupGetDeviceFd(st, g, arg);
    case VFIO_GROUP_GET_STATUS:
        return tcemodelGroupGetStatus(st, g, arg);
    case VFIO_GROUP_SET_CONTAINER:
        return tcemodelGroupSetContainer(st, g, arg);
    case VFIO_GROUP_UNSET_CONTAINER:
        return tcemodelGroupUnsetContainer(st, g);
    }
    return -ENOTTY;
}


/* ------------------------------------------------------------------ */
/* container file                                                      */

static int
tcemodelContainerIoctl(tcemodelState *st, tcemodelObj *c, unsigned long req,
                       void *arg)
{
    switch (req) {
    case VFIO_GET_API_VERSION:
        return VFIO_API_VERSION;
    case VFIO_CHECK_EXTENSION:
        /* without a backend every registered driver is asked: sPAPR */
        return tcemodelSpaprCheckExtension(st, (unsigned long)arg);
    case VFIO_SET_IOMMU:
        /* only adding a group grants the privilege; no unset */
        if (!c->groups->len || c->iommu)
            return -EINVAL;
        return tcemodelSpaprSetIommu(st, c, (unsigned long)arg);
    }
    if (!c->iommu)
        return -EINVAL;
    return tcemodelSpaprIoctl(st, c, req, arg);
}


/* ------------------------------------------------------------------ */
/* device file (vfio-pci): enough for a management layer's probing     */

static int
tcemodelDeviceIoctl(tcemodelState *st, tcemodelObj *dev, unsigned long req,
                    void *arg)
{
    g_autofree char *path = tcemodelPath(st->root, "/sys/bus/pci/devices/"
                                         "%s/reset_method", dev->bdf);
    g_autofree char *methods = NULL;
    bool reset = tcemodelFileRead(path, &methods) == 0 && *methods &&
        *methods != '\n';
    struct vfio_device_info *info = arg;

    switch (req) {
    case VFIO_DEVICE_GET_INFO:
        if (info->argsz < offsetofend(struct vfio_device_info, num_irqs))
            return -EINVAL;
        info->flags = VFIO_DEVICE_FLAGS_PCI |
            (reset ? VFIO_DEVICE_FLAGS_RESET : 0);
        info->num_regions = VFIO_PCI_NUM_REGIONS;
        info->num_irqs = VFIO_PCI_NUM_IRQS;
        return 0;
    case VFIO_DEVICE_RESET:
        return reset ? 0 : -EINVAL;
    }
    return -ENOTTY;
}


/* ------------------------------------------------------------------ */
/* dispatch and release                                                */

int
tcemodelVfioIoctl(tcemodelState *st, tcemodelObj *obj, unsigned long req,
                  void *arg)
{
    switch (obj->kind) {
    case TCEMODEL_OBJ_GROUP:
        return tcemodelGroupIoctl(st, obj, req, arg);
    case TCEMODEL_OBJ_CONTAINER:
        return tcemodelContainerIoctl(st, obj, req, arg);
    case TCEMODEL_OBJ_DEVICE:
        return tcemodelDeviceIoctl(st, obj, req, arg);
    default:
        return tcemodelKvmIoctl(st, obj, req, arg);
    }
}


/*
 * ioctl() on the model object @ino: fault injection ("ioctl:NAME"), then
 * the kernel's handler.  Returns its result or -errno.
 */
int
tcemodelDevIoctl(const char *root, guint64 ino, unsigned long req, void *arg)
{
    g_autofree char *op = NULL;
    tcemodelState *st;
    tcemodelObj *obj;
    const char *name;
    int ret;

    if ((ret = tcemodelStateOpen(root, false, &st)) < 0)
        return ret;
    if (!(obj = tcemodelStateObj(st, ino))) {
        ret = -ENOTTY;
    } else {
        name = tcemodelVfioIoctlName(obj->kind, req);
        op = name ? g_strdup_printf("ioctl:%s", name)
                  : g_strdup_printf("ioctl:0x%lx", req);
        if ((ret = tcemodelFaultCheck(root, op)) == 0)
            ret = tcemodelVfioIoctl(st, obj, req, arg);
    }
    tcemodelStateClose(st);
    return ret;
}


/* The last reference to @obj went away: the kernel's release. */
void
tcemodelVfioRelease(tcemodelState *st, tcemodelObj *obj)
{
    switch (obj->kind) {
    case TCEMODEL_OBJ_GROUP:
        /* vfio_group_fops_release(): device fds pinned it until now */
        if (obj->container)
            tcemodelGroupDetach(st, obj);
        break;
    case TCEMODEL_OBJ_CONTAINER:
        /* its groups held a reference: the backend is gone already */
        if (obj->iommu)
            tcemodelSpaprRelease(st, obj);
        break;
    case TCEMODEL_OBJ_DEVICE:
        break;
    default:
        tcemodelKvmRelease(st, obj);
    }
}


/* ------------------------------------------------------------------ */
/* hooks for sysfs (called with the model lock held)                   */

static bool
tcemodelBdfHasDeviceFd(tcemodelState *st, const char *bdf)
{
    size_t i;

    for (i = 0; i < st->objs->len; i++) {
        tcemodelObj *obj = g_ptr_array_index(st->objs, i);

        if (obj->kind == TCEMODEL_OBJ_DEVICE && g_str_equal(obj->bdf, bdf))
            return true;
    }
    return false;
}


/*
 * vfio_pci_remove() waits until every fd of the device is closed; the
 * model cannot block a write, so the unbind fails with EBUSY instead.
 */
int
tcemodelVfioUnbindCheck(const char *root, const char *bdf)
{
    tcemodelState *st;
    int ret;

    if ((ret = tcemodelStateOpen(root, true, &st)) < 0)
        return ret;
    ret = tcemodelBdfHasDeviceFd(st, bdf) ? -EBUSY : 0;
    tcemodelStateClose(st);
    return ret;
}


/*
 * The last vfio-pci device of @group went away (vfio_device_remove_group):
 * an open group file loses its container and its iommu_group.
 */
void
tcemodelVfioGroupUnplug(const char *root, const char *group)
{
    tcemodelState *st;
    tcemodelObj *g;

    if (tcemodelStateOpen(root, true, &st) < 0)
        return;
    if ((g = tcemodelGroupOpenFile(st, atoi(group)))) {
        if (g->container)
            tcemodelGroupDetach(st, g);
        g->gone = true;
    }
    tcemodelStateClose(st);
}


/*
 * iommu_device_use_default_domain() at a probe of a DMA-API driver: the
 * group's DMA is owned by a VFIO user (container set) -> EBUSY.
 */
int
tcemodelVfioProbeCheck(const char *root, const char *bdf)
{
    g_autofree char *group = tcemodelSysfsGroup(root, bdf);
    tcemodelState *st;
    tcemodelObj *g;
    int ret;

    if (!group || (ret = tcemodelStateOpen(root, true, &st)) < 0)
        return 0;
    g = tcemodelGroupOpenFile(st, atoi(group));
    ret = g && g->container ? -EBUSY : 0;
    tcemodelStateClose(st);
    return ret;
}
