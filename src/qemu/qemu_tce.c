/*
 * qemu_tce.c: is in-kernel TCE acceleration on, per IOMMU group
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qemu_tce.h"
#include "qemu_domain.h"
#include "virkprobe.h"
#include "virpci.h"
#include "virvfio.h"

void
qemuTCEGroupFree(qemuTCEGroup *g)
{
    if (!g)
        return;
    g_free(g->phb);
    g_free(g->devices);
    g_free(g->predicted);
    g_free(g->observedWhy);
    g_free(g);
}

const char *
qemuTCEObservedString(int observed)
{
    switch (observed) {
    case QEMU_TCE_NOT_YET: return "not yet";
    case QEMU_TCE_IN_KERNEL: return "in-kernel";
    case QEMU_TCE_USERSPACE: return "userspace";
    case QEMU_TCE_UNVERIFIED: return "unverified";
    default: return "not running";
    }
}

#define QEMU_TCE_EVENT "tce_attach"
#define QEMU_TCE_FUNC "kvm_spapr_tce_attach_iommu_group"

static char *
qemuTCEInstance(const char *name)
{
    return g_strdup_printf("tcevirt-%s", name);
}

gboolean
qemuTCEArmEvidence(const char *name, pid_t pid, char **why)
{
    g_autofree char *instance = qemuTCEInstance(name);

    return virKprobeArm(instance, QEMU_TCE_EVENT, QEMU_TCE_FUNC, pid, why);
}

void
qemuTCEDisarmEvidence(const char *name)
{
    g_autofree char *instance = qemuTCEInstance(name);

    virKprobeDisarm(instance, QEMU_TCE_EVENT);
}

/* What the current run's log says: group -> fd, fd -> TCE table fd */
typedef struct {
    GHashTable *groupFd;            /* group number -> QEMU fd */
    GHashTable *attached;           /* QEMU group fd -> TCE table fd */
    gboolean windowCreated;
} qemuTCELog;

static void
qemuTCELogParse(const qemuDriverConfig *cfg, const qemuDomainStatus *st,
                qemuTCELog *log)
{
    g_autofree char *file = g_strdup_printf("%s.log", st->name);
    g_autofree char *path = g_build_filename(cfg->logDir, file, NULL);
    g_autofree char *marker = g_strdup_printf("tcevirt: supervisor %d starting",
                                              (int) st->supervisorPid);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    const char *start;
    size_t i;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return;
    /* this run only: from the last start of this supervisor */
    if (!(start = g_strrstr(text, marker)))
        return;
    lines = g_strsplit(start, "\n", -1);
    for (i = 0; lines[i]; i++) {
        const char *p;
        unsigned int group;
        int fd, table;

        if ((p = strstr(lines[i], "injected /dev/vfio/")) &&
            sscanf(p, "injected /dev/vfio/%u into pid %*u as fd %d", &group, &fd) == 2) {
            g_hash_table_insert(log->groupFd, GINT_TO_POINTER(group + 1),
                                GINT_TO_POINTER(fd + 1));
        } else if ((p = strstr(lines[i], "vfio_spapr_group_attach ")) &&
                   sscanf(p, "vfio_spapr_group_attach Attached groupfd %d to liobn fd %d",
                          &fd, &table) == 2) {
            g_hash_table_insert(log->attached, GINT_TO_POINTER(fd + 1),
                                GINT_TO_POINTER(table + 1));
        } else if (strstr(lines[i], "vfio_spapr_create_window ")) {
            log->windowCreated = TRUE;
        }
    }
}

/* DAC mode: which fd of QEMU is /dev/vfio/@group */
static int
qemuTCEFindGroupFd(pid_t pid, int group)
{
    g_autofree char *dir = g_strdup_printf("/proc/%d/fd", (int) pid);
    g_autofree char *want = virVFIOGroupPath(group);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;

    while (d && (ent = g_dir_read_name(d))) {
        g_autofree char *link = g_build_filename(dir, ent, NULL);
        g_autofree char *target = g_file_read_link(link, NULL);

        if (target && g_str_equal(target, want))
            return atoi(ent);
    }
    return -1;
}

static void
qemuTCEPredict(const virDomainDef *def, gboolean *inKernel, char **why)
{
    g_autoptr(virVFIOKVMCaps) caps = NULL;
    virVFIOContainerCaps cont = { 0 };
    g_autofree char *line = NULL;
    int v2 = -1;

    if (def->virtType != VIR_DOMAIN_VIRT_KVM) {
        *inKernel = FALSE;
        *why = g_strdup("userspace: a TCG guest (domain type='qemu') has no "
                        "KVM to hold TCE tables");
        return;
    }
    caps = virVFIOKVMCapsProbe();
    if (virVFIOContainerProbe(&cont, NULL))
        v2 = cont.spaprV2;
    *inKernel = virVFIOTCEAccelPredict(caps, v2, &line) == VIR_VFIO_TCE_ACCEL_AVAILABLE;
    *why = g_steal_pointer(&line);
}

GPtrArray *
qemuDomainTCEReport(const qemuDriverConfig *cfg, const virDomainDef *def,
                    const qemuDomainStatus *st)
{
    GPtrArray *report = g_ptr_array_new_with_free_func((GDestroyNotify) qemuTCEGroupFree);
    qemuTCELog log = {
        .groupFd = g_hash_table_new(g_direct_hash, g_direct_equal),
        .attached = g_hash_table_new(g_direct_hash, g_direct_equal),
    };
    gboolean predicted = FALSE;
    g_autofree char *predictedWhy = NULL;
    int kernelHits = -1;
    size_t i;
    guint j;

    if (!def->hostdevs->len)
        goto out;
    qemuTCEPredict(def, &predicted, &predictedWhy);
    if (st) {
        g_autofree char *instance = qemuTCEInstance(st->name);

        qemuTCELogParse(cfg, st, &log);
        kernelHits = virKprobeCount(instance, QEMU_TCE_EVENT);
    }
    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(def->hostdevs, i);
        g_autofree char *bdf = virPCIDeviceAddressAsString(&h->source);
        int group = virPCIDeviceGetIOMMUGroup(&h->source, NULL);
        qemuTCEGroup *g = NULL;
        int fd;
        gpointer table;

        for (j = 0; j < report->len; j++) {
            qemuTCEGroup *o = g_ptr_array_index(report, j);
            if (o->group == group)
                g = o;
        }
        if (g) {
            char *devs = g_strdup_printf("%s %s", g->devices, bdf);
            g_free(g->devices);
            g->devices = devs;
            continue;
        }
        g = g_new0(qemuTCEGroup, 1);
        g->group = group;
        g->phb = g_strdup(qemuDomainPHBBusName(def, h->info.addr.pci.bus));
        g->devices = g_strdup(bdf);
        g->predictedInKernel = predicted;
        g->predicted = g_strdup(predictedWhy);
        g_ptr_array_add(report, g);
        if (!st) {
            g->observed = QEMU_TCE_NOT_RUNNING;
            g->observedWhy = g_strdup("the domain is not running");
            continue;
        }
        fd = GPOINTER_TO_INT(g_hash_table_lookup(log.groupFd,
                                                 GINT_TO_POINTER(group + 1))) - 1;
        if (fd < 0 && st->qemuPid > 0)
            fd = qemuTCEFindGroupFd(st->qemuPid, group);
        table = fd >= 0 ? g_hash_table_lookup(log.attached, GINT_TO_POINTER(fd + 1)) : NULL;
        if (table && kernelHits > 0) {
            g->observed = QEMU_TCE_IN_KERNEL;
            g->observedWhy = g_strdup_printf("QEMU attached the group (its fd %d) "
                                             "to the KVM TCE table fd %d; the "
                                             "kernel saw %d attach%s by QEMU "
                                             "pid %d (%s)", fd,
                                             GPOINTER_TO_INT(table) - 1,
                                             kernelHits, kernelHits > 1 ? "es" : "",
                                             (int) st->qemuPid, QEMU_TCE_FUNC);
        } else if (table) {
            g->observed = QEMU_TCE_UNVERIFIED;
            g->observedWhy = g_strdup_printf("QEMU's trace says it attached the "
                                             "group (its fd %d) to the KVM TCE "
                                             "table fd %d, but %s",
                                             fd, GPOINTER_TO_INT(table) - 1,
                                             kernelHits < 0 ?
                                             "the kernel gave no evidence (no "
                                             "kprobe on " QEMU_TCE_FUNC "; see "
                                             "the domain log)" :
                                             "the kernel recorded no attach "
                                             "by QEMU");
        } else if (log.windowCreated || def->virtType != VIR_DOMAIN_VIRT_KVM) {
            g->observed = QEMU_TCE_USERSPACE;
            g->observedWhy = g_strdup(def->virtType != VIR_DOMAIN_VIRT_KVM ?
                "TCG: QEMU handles every H_PUT_TCE" :
                "QEMU created a DMA window but did not attach the group to a "
                "KVM TCE table, so every H_PUT_TCE goes through QEMU");
        } else {
            g->observed = QEMU_TCE_NOT_YET;
            g->observedWhy = g_strdup("no DMA window created yet");
        }
    }
 out:
    g_hash_table_unref(log.groupFd);
    g_hash_table_unref(log.attached);
    return report;
}
