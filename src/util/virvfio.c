/*
 * virvfio.c: VFIO groups and containers, the sPAPR TCE IOMMU and KVM's TCE
 * capabilities
 *
 * The ioctl sequences are those of the kernel contract tests
 * (kernel/selftests/vfio_*_test.c, kvm_test.c), which pass on Debian's
 * 6.12 ppc64le kernel and on the fake host in kernel/model.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <linux/kvm.h>
#include <linux/vfio.h>

#include "virvfio.h"
#include "virerror.h"

/* ppc-only values the headers of other architectures (or old ones) lack */
#ifndef VFIO_SPAPR_TCE_v2_IOMMU
# define VFIO_SPAPR_TCE_v2_IOMMU 7
#endif
#ifndef KVM_CAP_SPAPR_TCE
# define KVM_CAP_SPAPR_TCE 63
#endif
#ifndef KVM_CAP_SPAPR_TCE_64
# define KVM_CAP_SPAPR_TCE_64 125
#endif
#ifndef KVM_CAP_PPC_MMU_RADIX
# define KVM_CAP_PPC_MMU_RADIX 134
#endif
#ifndef KVM_CAP_PPC_MMU_HASH_V3
# define KVM_CAP_PPC_MMU_HASH_V3 135
#endif
#ifndef KVM_CAP_SPAPR_TCE_VFIO
# define KVM_CAP_SPAPR_TCE_VFIO 142
#endif
#ifndef KVM_VM_PPC_HV
# define KVM_VM_PPC_HV 1
#endif

/* how often virVFIOGroupWaitReleased() looks */
#define VIR_VFIO_RELEASE_POLL_MS 20

static void
virVFIOForceClose(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* an fd closed when it goes out of scope */
#define VIR_VFIO_AUTOCLOSE __attribute__((cleanup(virVFIOForceClose))) int

char *
virVFIOGroupPath(int group)
{
    return g_strdup_printf(VIR_VFIO_DIR "/%d", group);
}

/* Whether uid @uid with groups @gids could open @sb by its mode bits */
static gboolean
virVFIONodeReachable(const struct stat *sb, uid_t uid, const gid_t *gids,
                     int ngids)
{
    int i;

    if (sb->st_mode & (S_IROTH | S_IWOTH))
        return TRUE;
    if (sb->st_uid == uid && (sb->st_mode & (S_IRUSR | S_IWUSR)))
        return TRUE;
    for (i = 0; i < ngids; i++) {
        if (sb->st_gid == gids[i] && (sb->st_mode & (S_IRGRP | S_IWGRP)))
            return TRUE;
    }
    return FALSE;
}

static gboolean
virVFIONodesCheckDir(const char *dir, uid_t uid, const gid_t *gids, int ngids,
                     GError **errp)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;

    while (d && (ent = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, ent, NULL);
        struct stat sb;

        /* the container gives nothing without a group (the kernel makes
         * it 0666 everywhere) */
        if (g_str_equal(ent, "vfio") || stat(path, &sb) < 0)
            continue;
        if (S_ISDIR(sb.st_mode)) {
            if (!virVFIONodesCheckDir(path, uid, gids, ngids, errp))
                return FALSE;
            continue;
        }
        if (virVFIONodeReachable(&sb, uid, gids, ngids)) {
            virReportError(errp, VIR_ERR_OPERATION_INVALID,
                           "%s (owner %u:%u, mode %04o) can be opened by "
                           "QEMU's uid %u or one of its groups; QEMU must "
                           "reach VFIO only through tcevirt: make the node "
                           "root:root 0600 (look for a udev rule that gives "
                           "it away) or take QEMU's user out of group %u",
                           path, (unsigned) sb.st_uid, (unsigned) sb.st_gid,
                           (unsigned) (sb.st_mode & 07777), (unsigned) uid,
                           (unsigned) sb.st_gid);
            return FALSE;
        }
        if (getxattr(path, "system.posix_acl_access", NULL, 0) > 0) {
            virReportError(errp, VIR_ERR_OPERATION_INVALID,
                           "%s has a POSIX ACL (getfacl %s), which may let "
                           "QEMU's uid %u open it; remove it with setfacl -b",
                           path, path, (unsigned) uid);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
virVFIONodesCheckClosed(uid_t uid, const gid_t *gids, int ngids, GError **errp)
{
    return virVFIONodesCheckDir(VIR_VFIO_DIR, uid, gids, ngids, errp);
}

/* errno of opening /dev/vfio/@group; 0 and *@fd set when it opened */
static int
virVFIOGroupOpenRaw(int group, int *fd)
{
    g_autofree char *path = virVFIOGroupPath(group);

    if ((*fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
        return errno;
    return 0;
}

/*
 * The members of @members (virVFIOGroupMember *) not on vfio-pci as
 * "BDF (driver), ..." in @list and the commands that move them in @cmds;
 * unbound members only with @unbound.  Returns how many.
 */
static guint
virVFIOGroupListAway(GPtrArray *members, gboolean unbound, GString *list,
                     GString *cmds)
{
    guint n = 0;
    size_t i;

    for (i = 0; i < members->len; i++) {
        virVFIOGroupMember *m = g_ptr_array_index(members, i);
        g_autofree char *bdf = NULL;
        g_autofree char *name = NULL;

        if (m->driver ? g_str_equal(m->driver, VIR_PCI_VFIO_DRIVER) : !unbound)
            continue;
        bdf = virPCIDeviceAddressAsString(&m->addr);
        name = virPCIDeviceAddressNodeName(&m->addr);
        g_string_append_printf(list, "%s%s (%s)", n ? ", " : "", bdf,
                               m->driver ? m->driver : "no driver");
        g_string_append_printf(cmds, "%s'tcevirt nodedev-detach %s'",
                               n ? ", " : "", name);
        n++;
    }
    return n;
}

static void
virVFIOGroupMemberFree(virVFIOGroupMember *m)
{
    g_free(m->driver);
    g_free(m);
}

/* The members of @group with their drivers, NULL if sysfs cannot say */
static GPtrArray *
virVFIOGroupReadMembers(int group, GError **errp)
{
    g_autoptr(GPtrArray) addrs = virPCIIOMMUGroupMembers(group, errp);
    g_autoptr(GPtrArray) members = NULL;
    size_t i;

    if (!addrs)
        return NULL;
    members = g_ptr_array_new_with_free_func((GDestroyNotify) virVFIOGroupMemberFree);
    for (i = 0; i < addrs->len; i++) {
        virVFIOGroupMember *m = g_new0(virVFIOGroupMember, 1);

        m->addr = *(virPCIDeviceAddress *) g_ptr_array_index(addrs, i);
        m->driver = virPCIDeviceGetDriver(&m->addr);
        g_ptr_array_add(members, m);
    }
    return g_steal_pointer(&members);
}

static void
virVFIOGroupNoNodeError(int group, const char *path, GError **errp)
{
    g_autoptr(GPtrArray) members = virVFIOGroupReadMembers(group, NULL);
    g_autoptr(GString) list = g_string_new(NULL);
    g_autoptr(GString) cmds = g_string_new(NULL);
    guint n;

    if (!members || !(n = virVFIOGroupListAway(members, TRUE, list, cmds))) {
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "IOMMU group %d has no VFIO node %s although sysfs "
                       "shows its devices on vfio-pci; check "
                       "/sys/kernel/iommu_groups/%d/devices and 'dmesg | grep "
                       "vfio'", group, path, group);
        return;
    }
    virReportError(errp, VIR_ERR_OPERATION_INVALID,
                   "IOMMU group %d has no VFIO node %s because none of its "
                   "devices is bound to vfio-pci: %s; detach %s with %s",
                   group, path, list->str, n > 1 ? "them" : "it", cmds->str);
}

static void
virVFIOGroupOpenError(int group, int err, GError **errp)
{
    g_autofree char *path = virVFIOGroupPath(group);

    switch (err) {
    case ENOENT:
        if (access(VIR_VFIO_CONTAINER_PATH, F_OK) < 0) {
            virReportError(errp, VIR_ERR_OPERATION_INVALID,
                           "IOMMU group %d has no VFIO node %s and the host "
                           "has no %s: load VFIO with 'modprobe vfio-pci'",
                           group, path, VIR_VFIO_CONTAINER_PATH);
        } else {
            virVFIOGroupNoNodeError(group, path, errp);
        }
        break;
    case EBUSY:
        virReportError(errp, VIR_ERR_RESOURCE_BUSY,
                       "IOMMU group %d (%s) is in use by another process (a "
                       "guest's QEMU, or KVM until that QEMU exits); find it "
                       "with 'fuser -v %s' and stop its domain first",
                       group, path, path);
        break;
    case EACCES:
    case EPERM:
        virReportError(errp, VIR_ERR_OPERATION_DENIED,
                       "cannot open %s (IOMMU group %d): %s; VFIO group "
                       "nodes are root-only, run tcevirt as root",
                       path, group, g_strerror(err));
        break;
    default:
        virReportSystemError(errp, err, "cannot open %s (IOMMU group %d)",
                             path, group);
        break;
    }
}

int
virVFIOGroupOpen(int group, GError **errp)
{
    int fd;
    int err;

    if ((err = virVFIOGroupOpenRaw(group, &fd)) != 0) {
        virVFIOGroupOpenError(group, err, errp);
        return -1;
    }
    return fd;
}

gboolean
virVFIOGroupGetStatus(int fd, int group, unsigned int *flags, GError **errp)
{
    struct vfio_group_status status = { .argsz = sizeof(status) };

    if (ioctl(fd, VFIO_GROUP_GET_STATUS, &status) < 0) {
        if (errno == ENODEV) {
            virReportError(errp, VIR_ERR_OPERATION_INVALID,
                           "IOMMU group %d is gone (VFIO_GROUP_GET_STATUS: "
                           "%s): its devices were removed or unbound from "
                           "vfio-pci while the group was open; check "
                           "/sys/kernel/iommu_groups/%d/devices", group,
                           g_strerror(errno), group);
        } else {
            virReportSystemError(errp, errno, "VFIO_GROUP_GET_STATUS on "
                                 VIR_VFIO_DIR "/%d (IOMMU group %d) failed",
                                 group, group);
        }
        return FALSE;
    }
    *flags = status.flags;
    return TRUE;
}

int
virVFIOGroupProbe(int group, GError **errp)
{
    VIR_VFIO_AUTOCLOSE fd = -1;
    int err = virVFIOGroupOpenRaw(group, &fd);

    switch (err) {
    case 0:
        return VIR_VFIO_GROUP_FREE;
    case EBUSY:
        return VIR_VFIO_GROUP_BUSY;
    case ENOENT:
        return VIR_VFIO_GROUP_NO_NODE;
    default:
        virVFIOGroupOpenError(group, err, errp);
        return -1;
    }
}

gboolean
virVFIOGroupWaitReleased(int group, unsigned int timeoutMs, GError **errp)
{
    gint64 deadline = g_get_monotonic_time() + (gint64) timeoutMs * 1000;
    int state;

    while ((state = virVFIOGroupProbe(group, errp)) == VIR_VFIO_GROUP_BUSY) {
        if (g_get_monotonic_time() >= deadline) {
            g_autofree char *path = virVFIOGroupPath(group);
            virReportError(errp, VIR_ERR_OPERATION_TIMEOUT,
                           "IOMMU group %d (%s) is still held %u ms after its "
                           "user closed it (a process or KVM keeps a file of "
                           "it open); find the holder with 'fuser -v %s'",
                           group, path, timeoutMs, path);
            return FALSE;
        }
        g_usleep(VIR_VFIO_RELEASE_POLL_MS * 1000);
    }
    return state >= 0;
}

void
virVFIOGroupViabilityFree(virVFIOGroupViability *v)
{
    if (!v)
        return;
    g_clear_pointer(&v->members, g_ptr_array_unref);
    g_clear_pointer(&v->blockers, g_ptr_array_unref);
    g_free(v);
}

virVFIOGroupViability *
virVFIOGroupGetViability(int group, gboolean askKernel, GError **errp)
{
    g_autoptr(virVFIOGroupViability) v = g_new0(virVFIOGroupViability, 1);
    VIR_VFIO_AUTOCLOSE fd = -1;
    unsigned int flags = 0;
    size_t i;

    v->group = group;
    v->kernelViable = -1;
    v->state = VIR_VFIO_GROUP_FREE;
    v->blockers = g_ptr_array_new_with_free_func(g_free);
    if (!(v->members = virVFIOGroupReadMembers(group, errp)))
        return NULL;
    for (i = 0; i < v->members->len; i++) {
        virVFIOGroupMember *m = g_ptr_array_index(v->members, i);
        g_autofree char *bdf = NULL;

        if (!m->driver || g_str_equal(m->driver, VIR_PCI_VFIO_DRIVER))
            continue;
        bdf = virPCIDeviceAddressAsString(&m->addr);
        g_ptr_array_add(v->blockers, g_strdup_printf("%s (%s)", bdf, m->driver));
    }
    v->viable = v->blockers->len == 0;
    if (!askKernel)
        return g_steal_pointer(&v);

    switch ((v->openErrno = virVFIOGroupOpenRaw(group, &fd))) {
    case 0:
        break;
    case ENOENT:
        v->state = VIR_VFIO_GROUP_NO_NODE;
        return g_steal_pointer(&v);
    case EBUSY:
        v->state = VIR_VFIO_GROUP_BUSY;
        return g_steal_pointer(&v);
    default:
        /* not the kernel's word, but sysfs' still stands */
        return g_steal_pointer(&v);
    }
    if (!virVFIOGroupGetStatus(fd, group, &flags, errp))
        return NULL;
    v->kernelViable = (flags & VFIO_GROUP_FLAGS_VIABLE) ? 1 : 0;
    v->viable = v->kernelViable == 1;
    return g_steal_pointer(&v);
}

char *
virVFIOGroupViabilityReason(const virVFIOGroupViability *v)
{
    g_autoptr(GString) list = NULL;
    g_autoptr(GString) cmds = NULL;

    if (v->viable)
        return NULL;
    if (v->blockers->len == 0)
        return g_strdup_printf("IOMMU group %d is not viable according to the "
                               "kernel (VFIO_GROUP_GET_STATUS) although sysfs "
                               "shows every device on vfio-pci or unbound; a "
                               "driver may be binding right now: check "
                               "/sys/kernel/iommu_groups/%d/devices and retry",
                               v->group, v->group);

    list = g_string_new(NULL);
    cmds = g_string_new(NULL);
    virVFIOGroupListAway(v->members, FALSE, list, cmds);
    return g_strdup_printf("IOMMU group %d is not viable: %s %s bound to a "
                           "host driver; detach %s with %s (every device of "
                           "an IOMMU group must be on vfio-pci or unbound)",
                           v->group, list->str,
                           v->blockers->len > 1 ? "are" : "is",
                           v->blockers->len > 1 ? "them" : "it", cmds->str);
}

/* Opens the container device; errors name it and the fix */
static int
virVFIOContainerOpen(GError **errp)
{
    int fd = open(VIR_VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);

    if (fd >= 0)
        return fd;
    if (errno == ENOENT) {
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "the VFIO container device " VIR_VFIO_CONTAINER_PATH
                       " is missing: load VFIO with 'modprobe vfio-pci'");
    } else {
        virReportSystemError(errp, errno, "cannot open the VFIO container "
                             "device " VIR_VFIO_CONTAINER_PATH);
    }
    return -1;
}

/* VFIO_CHECK_EXTENSION answers 0 or positive; an error counts as 0 */
static gboolean
virVFIOCheckExtension(int container, unsigned long ext)
{
    return ioctl(container, VFIO_CHECK_EXTENSION, ext) > 0;
}

gboolean
virVFIOContainerProbe(virVFIOContainerCaps *caps, GError **errp)
{
    VIR_VFIO_AUTOCLOSE fd = -1;

    memset(caps, 0, sizeof(*caps));
    if ((fd = virVFIOContainerOpen(errp)) < 0)
        return FALSE;
    caps->apiVersion = ioctl(fd, VFIO_GET_API_VERSION);
    caps->spaprV2 = virVFIOCheckExtension(fd, VFIO_SPAPR_TCE_v2_IOMMU);
    caps->spaprV1 = virVFIOCheckExtension(fd, VFIO_SPAPR_TCE_IOMMU);
    caps->type1 = virVFIOCheckExtension(fd, VFIO_TYPE1v2_IOMMU) ||
                  virVFIOCheckExtension(fd, VFIO_TYPE1_IOMMU);
    caps->eeh = virVFIOCheckExtension(fd, VFIO_EEH);
    return TRUE;
}

/* The sPAPR IOMMU type the container offers: v2, or v1 without v2 */
static gboolean
virVFIOContainerSpaprType(int container, int group, unsigned int *type,
                          GError **errp)
{
    int api = ioctl(container, VFIO_GET_API_VERSION);

    if (api != VFIO_API_VERSION) {
        virReportError(errp, VIR_ERR_OPERATION_FAILED,
                       "the VFIO container " VIR_VFIO_CONTAINER_PATH
                       " speaks API version %d, tcevirt knows %d: update "
                       "tcevirt or the kernel", api, VFIO_API_VERSION);
        return FALSE;
    }
    if (virVFIOCheckExtension(container, VFIO_SPAPR_TCE_v2_IOMMU)) {
        *type = VFIO_SPAPR_TCE_v2_IOMMU;
    } else if (virVFIOCheckExtension(container, VFIO_SPAPR_TCE_IOMMU)) {
        *type = VFIO_SPAPR_TCE_IOMMU;
    } else {
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "the VFIO container " VIR_VFIO_CONTAINER_PATH " offers "
                       "no sPAPR TCE IOMMU for IOMMU group %d "
                       "(VFIO_CHECK_EXTENSION): tcevirt needs a POWER host "
                       "with vfio_iommu_spapr_tce loaded ('modprobe "
                       "vfio_iommu_spapr_tce')", group);
        return FALSE;
    }
    return TRUE;
}

static gboolean
virVFIOGroupSetContainer(int groupfd, int container, int group, GError **errp)
{
    g_autoptr(virVFIOGroupViability) v = NULL;
    g_autofree char *why = NULL;

    if (ioctl(groupfd, VFIO_GROUP_SET_CONTAINER, &container) == 0)
        return TRUE;
    switch (errno) {
    case EPERM:
        /* since 5.19 the "not viable" case: a device is on a host driver */
        if ((v = virVFIOGroupGetViability(group, FALSE, NULL)) &&
            (why = virVFIOGroupViabilityReason(v))) {
            virReportError(errp, VIR_ERR_OPERATION_INVALID,
                           "%s (VFIO_GROUP_SET_CONTAINER: %s)", why,
                           g_strerror(EPERM));
        } else {
            virReportError(errp, VIR_ERR_OPERATION_INVALID,
                           "the kernel refused to attach IOMMU group %d to a "
                           "VFIO container (VFIO_GROUP_SET_CONTAINER: %s): "
                           "a device of the group is in use by a host "
                           "driver; check /sys/kernel/iommu_groups/%d/devices",
                           group, g_strerror(EPERM), group);
        }
        break;
    case EBUSY:
        virReportError(errp, VIR_ERR_RESOURCE_BUSY,
                       "IOMMU group %d cannot be attached to a VFIO container "
                       "(VFIO_GROUP_SET_CONTAINER: %s): the group's IOMMU "
                       "domain is in use by another user; check "
                       "/sys/kernel/iommu_groups/%d/type", group,
                       g_strerror(EBUSY), group);
        break;
    default:
        virReportSystemError(errp, errno, "cannot attach IOMMU group %d to a "
                             "VFIO container (VFIO_GROUP_SET_CONTAINER)",
                             group);
        break;
    }
    return FALSE;
}

static gboolean
virVFIOContainerSetIOMMU(int container, int group, unsigned int type,
                         GError **errp)
{
    const char *name = type == VFIO_SPAPR_TCE_v2_IOMMU ?
        "VFIO_SPAPR_TCE_v2_IOMMU" : "VFIO_SPAPR_TCE_IOMMU";

    if (ioctl(container, VFIO_SET_IOMMU, (unsigned long) type) == 0)
        return TRUE;
    switch (errno) {
    case EINVAL:
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "the sPAPR TCE IOMMU refused IOMMU group %d "
                       "(VFIO_SET_IOMMU %s: %s): its PHB offers no dynamic "
                       "DMA windows; the device cannot be passed through "
                       "with the sPAPR TCE v2 IOMMU", group, name,
                       g_strerror(EINVAL));
        break;
    case ENODEV:
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "no IOMMU driver accepts IOMMU group %d (VFIO_SET_IOMMU "
                       "%s: %s): load vfio_iommu_spapr_tce ('modprobe "
                       "vfio_iommu_spapr_tce')", group, name,
                       g_strerror(ENODEV));
        break;
    case EBUSY:
        virReportError(errp, VIR_ERR_RESOURCE_BUSY,
                       "the sPAPR TCE v1 IOMMU takes one group per container "
                       "(VFIO_SET_IOMMU %s for IOMMU group %d: %s)", name,
                       group, g_strerror(EBUSY));
        break;
    default:
        virReportSystemError(errp, errno, "cannot set the %s IOMMU on the "
                             "container of IOMMU group %d (VFIO_SET_IOMMU)",
                             name, group);
        break;
    }
    return FALSE;
}

gboolean
virVFIOGroupPreflight(int group, virVFIOSpaprInfo *info, GError **errp)
{
    struct vfio_iommu_spapr_tce_info tce = { .argsz = sizeof(tce) };
    VIR_VFIO_AUTOCLOSE container = -1;
    VIR_VFIO_AUTOCLOSE groupfd = -1;
    unsigned int flags = 0;

    memset(info, 0, sizeof(*info));
    info->group = group;

    if ((groupfd = virVFIOGroupOpen(group, errp)) < 0 ||
        !virVFIOGroupGetStatus(groupfd, group, &flags, errp))
        return FALSE;
    if (!(flags & VFIO_GROUP_FLAGS_VIABLE)) {
        g_autoptr(virVFIOGroupViability) v = NULL;
        g_autofree char *why = NULL;

        if ((v = virVFIOGroupGetViability(group, FALSE, errp))) {
            v->kernelViable = 0;
            v->viable = FALSE;
            why = virVFIOGroupViabilityReason(v);
            virReportError(errp, VIR_ERR_OPERATION_INVALID, "%s", why);
        }
        return FALSE;
    }

    if ((container = virVFIOContainerOpen(errp)) < 0 ||
        !virVFIOContainerSpaprType(container, group, &info->iommuType, errp) ||
        !virVFIOGroupSetContainer(groupfd, container, group, errp) ||
        !virVFIOContainerSetIOMMU(container, group, info->iommuType, errp))
        return FALSE;

    if (ioctl(container, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &tce) < 0) {
        virReportSystemError(errp, errno, "cannot read the DMA windows of "
                             "IOMMU group %d (VFIO_IOMMU_SPAPR_TCE_GET_INFO)",
                             group);
        return FALSE;
    }
    info->dma32Start = tce.dma32_window_start;
    info->dma32Size = tce.dma32_window_size;
    info->ddw = !!(tce.flags & VFIO_IOMMU_SPAPR_INFO_DDW);
    if (info->ddw) {
        info->pgsizes = tce.ddw.pgsizes;
        info->maxWindows = tce.ddw.max_dynamic_windows_supported;
        info->levels = tce.ddw.levels;
    }
    info->eeh = virVFIOCheckExtension(container, VFIO_EEH);

    /* the group's release detaches it and frees the container with it */
    virVFIOForceClose(&groupfd);
    virVFIOForceClose(&container);
    info->released = virVFIOGroupProbe(group, NULL) == VIR_VFIO_GROUP_FREE;
    return TRUE;
}

char *
virVFIOPageSizesFormat(guint64 pgsizes)
{
    static const char units[] = "KMGTPE";
    g_autoptr(GString) out = g_string_new(NULL);
    unsigned int shift;

    for (shift = 0; shift < 64; shift++) {
        if (!(pgsizes & (G_GUINT64_CONSTANT(1) << shift)))
            continue;
        if (out->len)
            g_string_append_c(out, ' ');
        if (shift < 10)
            g_string_append_printf(out, "%u", 1U << shift);
        else
            g_string_append_printf(out, "%u%c", 1U << (shift % 10),
                                   units[shift / 10 - 1]);
    }
    if (!out->len)
        g_string_append(out, "none");
    return g_string_free(g_steal_pointer(&out), FALSE);
}

void
virVFIOKVMCapsFree(virVFIOKVMCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->why);
    g_free(caps);
}

/* KVM_CREATE_VM can fail transiently with EINTR */
static int
virVFIOKVMCreateVM(int kvm, unsigned long type)
{
    int vm;
    int i;

    for (i = 0; i < 10; i++) {
        if ((vm = ioctl(kvm, KVM_CREATE_VM, type)) >= 0 || errno != EINTR)
            break;
    }
    return vm;
}

static int
virVFIOKVMCheck(int vm, unsigned long cap)
{
    int r = ioctl(vm, KVM_CHECK_EXTENSION, cap);

    return r > 0 ? r : 0;
}

virVFIOKVMCaps *
virVFIOKVMCapsProbe(void)
{
    g_autoptr(virVFIOKVMCaps) caps = g_new0(virVFIOKVMCaps, 1);
    struct kvm_create_device cd = {
        .type = KVM_DEV_TYPE_VFIO, .flags = KVM_CREATE_DEVICE_TEST,
    };
    VIR_VFIO_AUTOCLOSE kvm = -1;
    VIR_VFIO_AUTOCLOSE vm = -1;
    VIR_VFIO_AUTOCLOSE hv = -1;

    if ((kvm = open(VIR_KVM_PATH, O_RDWR | O_CLOEXEC)) < 0) {
        caps->why = g_strdup_printf("cannot open " VIR_KVM_PATH ": %s",
                                    g_strerror(errno));
        return g_steal_pointer(&caps);
    }
    caps->apiVersion = ioctl(kvm, KVM_GET_API_VERSION, 0);
    if ((vm = virVFIOKVMCreateVM(kvm, 0)) < 0) {
        caps->why = g_strdup_printf("KVM_CREATE_VM on " VIR_KVM_PATH
                                    " failed: %s", g_strerror(errno));
        return g_steal_pointer(&caps);
    }
    caps->present = TRUE;
    /* on the VM, as QEMU asks (kvm_vm_check_extension) */
    caps->spaprTce = virVFIOKVMCheck(vm, KVM_CAP_SPAPR_TCE);
    caps->spaprTce64 = virVFIOKVMCheck(vm, KVM_CAP_SPAPR_TCE_64);
    caps->spaprTceVfio = virVFIOKVMCheck(vm, KVM_CAP_SPAPR_TCE_VFIO);
    caps->mmuRadix = virVFIOKVMCheck(vm, KVM_CAP_PPC_MMU_RADIX);
    caps->mmuHashV3 = virVFIOKVMCheck(vm, KVM_CAP_PPC_MMU_HASH_V3);
    caps->power = caps->spaprTce > 0;
    if (ioctl(vm, KVM_CREATE_DEVICE, &cd) == 0)
        caps->vfioDevice = TRUE;
    else
        caps->vfioDeviceErrno = errno;
    /* VM type numbers are per architecture: ask for HV only on POWER */
    if (caps->power && (hv = virVFIOKVMCreateVM(kvm, KVM_VM_PPC_HV)) >= 0)
        caps->hv = TRUE;
    return g_steal_pointer(&caps);
}

virVFIOTCEAccel
virVFIOTCEAccelPredict(const virVFIOKVMCaps *caps, int spaprV2, char **line)
{
    const char *prefix = "in-kernel TCE acceleration";

    if (!caps->present) {
        *line = g_strdup_printf("%s: unavailable: no KVM (%s); QEMU would "
                                "run the guest under TCG", prefix, caps->why);
        return VIR_VFIO_TCE_ACCEL_UNAVAILABLE;
    }
    if (!caps->power) {
        *line = g_strdup_printf("%s: unavailable: " VIR_KVM_PATH " is not a "
                                "POWER KVM (no KVM_CAP_SPAPR_TCE); pseries "
                                "guests with VFIO devices need a POWER host "
                                "with kvm_hv", prefix);
        return VIR_VFIO_TCE_ACCEL_UNAVAILABLE;
    }
    if (!caps->spaprTceVfio) {
        *line = g_strdup_printf("%s: unavailable: KVM does not report "
                                "KVM_CAP_SPAPR_TCE_VFIO on a VM, so QEMU "
                                "silently handles every TCE update in "
                                "userspace (kernels that tie it to HV mode, "
                                "e.g. KVM in a PowerVM LPAR, do this; a 2025 "
                                "stable fix restores it)", prefix);
        return VIR_VFIO_TCE_ACCEL_UNAVAILABLE;
    }
    if (!caps->vfioDevice) {
        *line = g_strdup_printf("%s: unavailable: KVM has no KVM-VFIO device "
                                "(KVM_CREATE_DEVICE KVM_DEV_TYPE_VFIO: %s); "
                                "the host kernel needs CONFIG_KVM_VFIO",
                                prefix, g_strerror(caps->vfioDeviceErrno));
        return VIR_VFIO_TCE_ACCEL_UNAVAILABLE;
    }
    if (spaprV2 < 0) {
        *line = g_strdup_printf("%s: unavailable: there is no VFIO container "
                                "(" VIR_VFIO_CONTAINER_PATH "); load VFIO "
                                "with 'modprobe vfio-pci'", prefix);
        return VIR_VFIO_TCE_ACCEL_UNAVAILABLE;
    }
    if (spaprV2 == 0) {
        *line = g_strdup_printf("%s: unavailable: the VFIO container does not "
                                "offer VFIO_SPAPR_TCE_v2_IOMMU and QEMU links "
                                "groups to KVM only with v2; load "
                                "vfio_iommu_spapr_tce on a host with dynamic "
                                "DMA windows (POWER8 or later, PowerNV)",
                                prefix);
        return VIR_VFIO_TCE_ACCEL_UNAVAILABLE;
    }
    if (!caps->spaprTce64) {
        *line = g_strdup_printf("%s: 32-bit window only: KVM lacks "
                                "KVM_CAP_SPAPR_TCE_64, so TCEs of the 64-bit "
                                "DMA window go through QEMU", prefix);
        return VIR_VFIO_TCE_ACCEL_32BIT_ONLY;
    }
    *line = g_strdup_printf("%s: available", prefix);
    return VIR_VFIO_TCE_ACCEL_AVAILABLE;
}
