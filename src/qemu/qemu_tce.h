/*
 * qemu_tce.h: is in-kernel TCE acceleration on, per IOMMU group
 *
 * Predicted from the host (KVM capabilities, the KVM-VFIO device, a v2
 * sPAPR container) and observed from the domain log: the supervisor logs
 * which fd number each /dev/vfio/N became in QEMU, and QEMU's trace events
 * vfio_spapr_create_window and vfio_spapr_group_attach ("Attached groupfd
 * G to liobn fd T") say whether that group was linked to a KVM TCE table.
 * QEMU could forge those lines, so "in-kernel" needs the kernel's own
 * word: a kprobe on kvm_spapr_tce_attach_iommu_group, armed by the
 * supervisor for QEMU's pid in a tracefs instance of the domain
 * (virkprobe.h).  Without it the verdict is "unverified".
 */
#pragma once

#include "domain_conf.h"
#include "qemu_conf.h"
#include "qemu_status.h"

typedef enum {
    QEMU_TCE_NOT_RUNNING = 0,
    QEMU_TCE_NOT_YET,               /* no DMA window created yet */
    QEMU_TCE_IN_KERNEL,
    QEMU_TCE_USERSPACE,
    QEMU_TCE_UNVERIFIED,            /* QEMU says attached, the kernel did not */
} qemuTCEObserved;

typedef struct {
    int group;
    char *phb;                      /* alias of the PHB: pci.1 */
    char *devices;                  /* "0000:01:00.0 0000:01:00.1" */
    gboolean predictedInKernel;
    char *predicted;                /* sentence */
    int observed;                   /* qemuTCEObserved */
    char *observedWhy;              /* sentence */
} qemuTCEGroup;

void qemuTCEGroupFree(qemuTCEGroup *g);

/* One entry per IOMMU group of @def's host devices; @st NULL = not running */
GPtrArray *qemuDomainTCEReport(const qemuDriverConfig *cfg,
                               const virDomainDef *def,
                               const qemuDomainStatus *st);
const char *qemuTCEObservedString(int observed);

/* The supervisor, right after QEMU's fork: the kernel's evidence of the
 * attach, recorded for @pid; FALSE with *@why when there can be none */
gboolean qemuTCEArmEvidence(const char *name, pid_t pid, char **why);
/* The teardown */
void qemuTCEDisarmEvidence(const char *name);
