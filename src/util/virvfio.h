/*
 * virvfio.h: VFIO groups and containers, the sPAPR TCE IOMMU and KVM's TCE
 * capabilities
 *
 * The legacy VFIO uAPI as a POWER host has it (docs/kernel-contract.rst):
 * a group /dev/vfio/N opens once at a time (a second open is EBUSY), is
 * usable only when viable (every device on vfio-pci or unbound), and is
 * attached to a container /dev/vfio/vfio with the sPAPR TCE v2 IOMMU.
 * Everything here only looks: every file it opens is closed before it
 * returns, and the kernel releases what those files held (a container goes
 * with the last group attached to it).
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "virpci.h"

#define VIR_VFIO_DIR "/dev/vfio"
#define VIR_VFIO_CONTAINER_PATH "/dev/vfio/vfio"
#define VIR_KVM_PATH "/dev/kvm"

/* /dev/vfio/@group */
char *virVFIOGroupPath(int group);
/* Refuses (naming the node, its owner and mode) when uid @uid or one of
 * @gids could open any node under /dev/vfio (groups, iommufd devices)
 * by its mode bits, or a node carries a POSIX ACL; the container
 * /dev/vfio/vfio is exempt (0666 on every kernel, useless without a
 * group).  Security must not rest on the seccomp broker's path matching. */
gboolean virVFIONodesCheckClosed(uid_t uid, const gid_t *gids, int ngids,
                                 GError **errp);

/*
 * Opens /dev/vfio/@group (O_RDWR | O_CLOEXEC).  Errors name the group and
 * the fix: VIR_ERR_OPERATION_INVALID when there is no node (no device of the
 * group is on vfio-pci), VIR_ERR_RESOURCE_BUSY when another process (or KVM
 * on its behalf) holds the group, VIR_ERR_OPERATION_DENIED without
 * permission, VIR_ERR_SYSTEM_ERROR otherwise.
 */
int virVFIOGroupOpen(int group, GError **errp);

/* VFIO_GROUP_GET_STATUS of an open group: VFIO_GROUP_FLAGS_* */
gboolean virVFIOGroupGetStatus(int fd, int group, unsigned int *flags,
                               GError **errp);

typedef enum {
    VIR_VFIO_GROUP_FREE,        /* it opened: nothing holds the group */
    VIR_VFIO_GROUP_BUSY,        /* EBUSY: a process, or KVM, holds it */
    VIR_VFIO_GROUP_NO_NODE,     /* no /dev/vfio/N: no member on vfio-pci */
} virVFIOGroupState;

/*
 * Opens and at once closes /dev/vfio/@group: "is anyone holding it".
 * FREE after a holder closed its last file means the kernel released the
 * group (and with it the container and its DMA windows).  -1 with @errp
 * set on any other error (permissions, ...).
 */
int virVFIOGroupProbe(int group, GError **errp);

/* Polls virVFIOGroupProbe() until the group is not BUSY; a
 * VIR_ERR_OPERATION_TIMEOUT error naming the group after @timeoutMs */
gboolean virVFIOGroupWaitReleased(int group, unsigned int timeoutMs,
                                  GError **errp);

typedef struct {
    virPCIDeviceAddress addr;
    char *driver;               /* NULL: no driver */
} virVFIOGroupMember;

typedef struct {
    int group;
    GPtrArray *members;         /* virVFIOGroupMember *, sorted by address */
    GPtrArray *blockers;        /* char * "BDF (driver)": members bound to a
                                 * host driver (not vfio-pci), from sysfs */
    virVFIOGroupState state;    /* FREE if not asked the kernel */
    int openErrno;              /* why the node did not open, 0 if it did */
    int kernelViable;           /* GET_STATUS: 1 viable, 0 not, -1 not asked */
    gboolean viable;            /* the verdict: the kernel's when it
                                 * answered, else sysfs' (no blockers) */
} virVFIOGroupViability;

/*
 * Viability of IOMMU group @group with the reason: the members bound to a
 * host driver, from sysfs.  With @askKernel the group node is opened for
 * VFIO_GROUP_GET_STATUS when it exists and is free, and the kernel's answer
 * decides (it knows which drivers leave DMA to VFIO, e.g. pci-stub).  Not
 * asking the kernel avoids opening the group: an open at the moment a guest
 * starts would make QEMU's own open fail with EBUSY.
 */
virVFIOGroupViability *virVFIOGroupGetViability(int group, gboolean askKernel,
                                                GError **errp);
void virVFIOGroupViabilityFree(virVFIOGroupViability *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virVFIOGroupViability, virVFIOGroupViabilityFree);

/* Why the group is not viable and the fix, one sentence; NULL if viable */
char *virVFIOGroupViabilityReason(const virVFIOGroupViability *v);

/* What an empty container offers (no group attached) */
typedef struct {
    int apiVersion;             /* VFIO_GET_API_VERSION */
    gboolean spaprV2;           /* VFIO_SPAPR_TCE_v2_IOMMU */
    gboolean spaprV1;           /* VFIO_SPAPR_TCE_IOMMU */
    gboolean type1;             /* VFIO_TYPE1v2_IOMMU or VFIO_TYPE1_IOMMU */
    gboolean eeh;               /* VFIO_EEH */
} virVFIOContainerCaps;

/* Opens /dev/vfio/vfio, asks VFIO_CHECK_EXTENSION, closes it */
gboolean virVFIOContainerProbe(virVFIOContainerCaps *caps, GError **errp);

/* The DMA window facts of a group in a container (VFIO_IOMMU_SPAPR_TCE_GET_INFO) */
typedef struct {
    int group;
    unsigned int iommuType;     /* VFIO_SPAPR_TCE_v2_IOMMU or _IOMMU (v1) */
    guint32 dma32Start;         /* the default 32-bit window */
    guint32 dma32Size;
    gboolean ddw;               /* VFIO_IOMMU_SPAPR_INFO_DDW */
    guint64 pgsizes;            /* DDW: bitmap of IOMMU page sizes */
    guint32 maxWindows;         /* DDW: max_dynamic_windows_supported */
    guint32 levels;             /* DDW: max TCE table levels */
    gboolean eeh;               /* VFIO_EEH with the IOMMU set */
    gboolean released;          /* the group opened again afterwards */
} virVFIOSpaprInfo;

/*
 * The scratch-container preflight of DESIGN.md decision 5: opens the group,
 * checks it is viable (the error lists the members on host drivers), opens
 * a container, attaches the group, sets the sPAPR TCE v2 IOMMU (v1 only
 * when the container does not offer v2), reads the DMA window info, closes
 * everything and checks the kernel released the group.  Errors name the
 * group, the ioctl and the fix.
 */
gboolean virVFIOGroupPreflight(int group, virVFIOSpaprInfo *info,
                               GError **errp);

/* "4K 64K 2M 1G" for a page size bitmap */
char *virVFIOPageSizesFormat(guint64 pgsizes);

/* What /dev/kvm offers for in-kernel TCE acceleration (capabilities asked
 * on a VM, as QEMU does) */
typedef struct {
    gboolean present;           /* /dev/kvm opened and a VM was created */
    char *why;                  /* when not present: the reason */
    int apiVersion;
    gboolean power;             /* a POWER (Book3S) KVM: KVM_CAP_SPAPR_TCE */
    gboolean hv;                /* a KVM_VM_PPC_HV VM can be created */
    int spaprTce;               /* KVM_CAP_SPAPR_TCE (63) */
    int spaprTce64;             /* KVM_CAP_SPAPR_TCE_64 (125) */
    int spaprTceVfio;           /* KVM_CAP_SPAPR_TCE_VFIO (142) */
    int mmuRadix;               /* KVM_CAP_PPC_MMU_RADIX (134) */
    int mmuHashV3;              /* KVM_CAP_PPC_MMU_HASH_V3 (135) */
    gboolean vfioDevice;        /* KVM_CREATE_DEVICE(KVM_DEV_TYPE_VFIO, TEST) */
    int vfioDeviceErrno;
} virVFIOKVMCaps;

/* Never fails: a missing or unusable /dev/kvm is a result (present FALSE) */
virVFIOKVMCaps *virVFIOKVMCapsProbe(void);
void virVFIOKVMCapsFree(virVFIOKVMCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virVFIOKVMCaps, virVFIOKVMCapsFree);

typedef enum {
    VIR_VFIO_TCE_ACCEL_AVAILABLE,
    VIR_VFIO_TCE_ACCEL_32BIT_ONLY,  /* no KVM_CAP_SPAPR_TCE_64: the DDW
                                     * window's TCEs go through QEMU */
    VIR_VFIO_TCE_ACCEL_UNAVAILABLE,
} virVFIOTCEAccel;

/*
 * Predicts whether QEMU will link VFIO groups to KVM's TCE tables
 * (reference/qemu.md §3: KVM, KVM_CAP_SPAPR_TCE(_64), KVM_CAP_SPAPR_TCE_VFIO
 * on a VM, the KVM-VFIO device, a v2 container).  @spaprV2: 1 the container
 * offers VFIO_SPAPR_TCE_v2_IOMMU, 0 it does not, -1 no container to ask.
 * @line gets "in-kernel TCE acceleration: available" or why not.
 */
virVFIOTCEAccel virVFIOTCEAccelPredict(const virVFIOKVMCaps *caps, int spaprV2,
                                       char **line);
