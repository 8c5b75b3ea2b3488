/*
 * tcevirt_nodedev.c: verbs that look at the host: nodedev-list,
 * nodedev-dumpxml, nodedev-preflight, host-validate
 *
 * They only read: sysfs, /dev/vfio, /dev/kvm and tcevirt's claims.  The
 * scratch container of nodedev-preflight is closed before it returns.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <linux/vfio.h>

#include "tcevirt.h"
#include "virerror.h"
#include "virseccomp.h"
#include "virhostdev.h"
#include "virpci.h"
#include "virvfio.h"
#include "node_device_conf.h"

/* the verbs, for the table in tcevirt_domxml.c */

#define CAP_SYS_RESOURCE_BIT 24

/* The claims, or NULL when tcevirt never claimed anything here: a verb
 * that only reads creates no state directories */
static virHostdevManager *
tcevirtNodedevManager(void)
{
    const char *stateDir = tcevirtStateDir();
    g_autofree char *dir = g_build_filename(stateDir, "hostdev", NULL);

    if (!g_file_test(dir, G_FILE_TEST_IS_DIR))
        return NULL;
    return virHostdevManagerNew(stateDir, NULL);
}

/* NAME as pci_DDDD_BB_SS_F or DDDD:BB:SS.F */
static int
tcevirtNodedevArg(const char *verb, int argc, char **argv,
                  virPCIDeviceAddress *addr)
{
    const char *name = NULL;
    int i;

    for (i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1])
            return tcevirtUsageError(verb, "unknown option '%s'", argv[i]);
        if (name)
            return tcevirtUsageError(verb, "more than one device NAME given");
        name = argv[i];
    }
    if (!name)
        return tcevirtUsageError(verb, "no device NAME given");
    if (!virPCIDeviceAddressParseNodeName(name, addr))
        return tcevirtUsageError(verb, "'%s' is not a PCI node device name "
                                 "(pci_DDDD_BB_SS_F) or address "
                                 "(DDDD:BB:SS.F)", name);
    return 0;
}

/* nodedev-list ------------------------------------------------------- */

typedef struct {
    GPtrArray *rows;        /* GStrv, one per line, header first */
    size_t ncols;
} tcevirtTable;

static void
tcevirtTablePrint(tcevirtTable *t)
{
    g_autofree size_t *width = g_new0(size_t, t->ncols);
    g_autoptr(GString) line = g_string_new(NULL);
    size_t total = 0;
    size_t r, c;

    for (r = 0; r < t->rows->len; r++) {
        char **row = g_ptr_array_index(t->rows, r);
        for (c = 0; c < t->ncols; c++)
            width[c] = MAX(width[c], (size_t) g_utf8_strlen(row[c], -1));
    }
    for (c = 0; c < t->ncols; c++)
        total += width[c] + (c ? 3 : 1);
    for (r = 0; r < t->rows->len; r++) {
        char **row = g_ptr_array_index(t->rows, r);

        g_string_truncate(line, 0);
        for (c = 0; c < t->ncols; c++) {
            g_string_append(line, c ? "   " : " ");
            g_string_append(line, row[c]);
            if (c + 1 < t->ncols)
                g_string_append_printf(line, "%*s",
                                       (int) (width[c] - (size_t)
                                              g_utf8_strlen(row[c], -1)), "");
        }
        printf("%s\n", line->str);
        if (r == 0) {
            char *dashes = g_strnfill(total + 1, '-');
            printf("%s\n", dashes);
            g_free(dashes);
        }
    }
}

static char *
tcevirtNodedevDriverColumn(virHostdevManager *mgr, const virPCIDevice *dev)
{
    g_autofree char *orig = NULL;

    if (!dev->driver)
        return g_strdup("-");
    if (mgr && g_str_equal(dev->driver, VIR_PCI_VFIO_DRIVER) &&
        (orig = virHostdevOrigDriver(mgr, &dev->addr)))
        return g_strdup_printf("%s (was %s)", dev->driver,
                               *orig ? orig : "none");
    return g_strdup(dev->driver);
}

/* TRUE if some member of the group is on vfio-pci: someone is handing
 * the group to VFIO, so a non-viable group is a problem to show */
static gboolean
tcevirtNodedevGroupInVFIO(const virVFIOGroupViability *v)
{
    size_t i;

    for (i = 0; i < v->members->len; i++) {
        virVFIOGroupMember *m = g_ptr_array_index(v->members, i);
        if (m->driver && g_str_equal(m->driver, VIR_PCI_VFIO_DRIVER))
            return TRUE;
    }
    return FALSE;
}

/* yes: a guest could use the group now; host: every device of it is on
 * a host driver (not handed to VFIO); no: part of it is */
static const char *
tcevirtNodedevViableColumn(const virVFIOGroupViability *v)
{
    if (!v)
        return "-";
    if (v->viable)
        return "yes";
    if (v->blockers->len == v->members->len)
        return "host";
    return "no";
}

static int
tcevirtNodedevListDetails(GPtrArray *devs)
{
    g_autoptr(virHostdevManager) mgr = tcevirtNodedevManager();
    g_autoptr(GHashTable) groups =
        g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                              (GDestroyNotify) virVFIOGroupViabilityFree);
    g_autoptr(GPtrArray) order = g_ptr_array_new();
    g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
    tcevirtTable table = { rows, 9 };
    gboolean first = TRUE;
    size_t i;

    g_ptr_array_add(rows, g_strsplit("Name,Address,Class,Vendor:Device,"
                                     "Group,Viable,NUMA,Driver,Domain", ",", -1));
    for (i = 0; i < devs->len; i++) {
        virPCIDevice *dev = g_ptr_array_index(devs, i);
        virVFIOGroupViability *v = NULL;
        g_autofree char *owner = NULL;
        char **row = g_new0(char *, table.ncols + 1);

        if (dev->iommuGroup >= 0) {
            gpointer key = GINT_TO_POINTER(dev->iommuGroup);

            if (!(v = g_hash_table_lookup(groups, key)) &&
                (v = virVFIOGroupGetViability(dev->iommuGroup, FALSE, NULL))) {
                g_hash_table_insert(groups, key, v);
                g_ptr_array_add(order, v);
            }
            if (mgr)
                owner = virHostdevGroupOwner(mgr, dev->iommuGroup);
        }
        row[0] = virPCIDeviceAddressNodeName(&dev->addr);
        row[1] = g_strdup(dev->name);
        row[2] = g_strdup_printf("%06x", dev->pciClass);
        row[3] = g_strdup_printf("%04x:%04x", dev->vendor, dev->device);
        row[4] = dev->iommuGroup >= 0 ?
            g_strdup_printf("%d", dev->iommuGroup) : g_strdup("-");
        row[5] = g_strdup(tcevirtNodedevViableColumn(v));
        row[6] = dev->numaNode >= 0 ?
            g_strdup_printf("%d", dev->numaNode) : g_strdup("-");
        row[7] = tcevirtNodedevDriverColumn(mgr, dev);
        row[8] = g_strdup(owner ? owner : "-");
        g_ptr_array_add(rows, row);
    }
    tcevirtTablePrint(&table);

    /* groups half handed to vfio-pci: what blocks them and the fix */
    for (i = 0; i < order->len; i++) {
        virVFIOGroupViability *v = g_ptr_array_index(order, i);
        g_autofree char *why = NULL;

        if (!tcevirtNodedevGroupInVFIO(v) ||
            !(why = virVFIOGroupViabilityReason(v)))
            continue;
        printf("%s%s\n", first ? "\n" : "", why);
        first = FALSE;
    }
    return 0;
}

int
tcevirtCmdNodedevList(int argc, char **argv)
{
    g_autoptr(GPtrArray) devs = NULL;
    g_autoptr(GError) err = NULL;
    gboolean details = FALSE;
    const char *cap = NULL;
    size_t i;
    int a;

    for (a = 1; a < argc; a++) {
        if (g_str_equal(argv[a], "--details")) {
            details = TRUE;
        } else if (g_str_equal(argv[a], "--cap")) {
            if (a + 1 >= argc)
                return tcevirtUsageError("nodedev-list", "--cap needs a "
                                         "capability (pci)");
            cap = argv[++a];
        } else if (g_str_has_prefix(argv[a], "--cap=")) {
            cap = argv[a] + strlen("--cap=");
        } else if (g_str_equal(argv[a], "--tree")) {
            return tcevirtUsageError("nodedev-list", "--tree is not "
                                     "supported; use --details");
        } else {
            return tcevirtUsageError("nodedev-list", "unknown option or "
                                     "argument '%s'", argv[a]);
        }
    }
    if (cap && !g_str_equal(cap, "pci"))
        return tcevirtUsageError("nodedev-list", "capability '%s' is not "
                                 "supported: tcevirt lists PCI devices only "
                                 "(--cap pci)", cap);

    if (!(devs = virPCIDeviceListAll(&err))) {
        tcevirtPrintError(err);
        return 1;
    }
    if (details)
        return tcevirtNodedevListDetails(devs);
    for (i = 0; i < devs->len; i++) {
        virPCIDevice *dev = g_ptr_array_index(devs, i);
        g_autofree char *name = virPCIDeviceAddressNodeName(&dev->addr);
        printf("%s\n", name);
    }
    return 0;
}

/* nodedev-dumpxml ---------------------------------------------------- */

int
tcevirtCmdNodedevDumpXML(int argc, char **argv)
{
    g_autoptr(virPCIDevice) dev = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    virPCIDeviceAddress addr;
    int rc;

    if ((rc = tcevirtNodedevArg("nodedev-dumpxml", argc, argv, &addr)) != 0)
        return rc;
    if (!(dev = virPCIDeviceNew(&addr, &err)) ||
        !(xml = virNodeDeviceDefFormatPCI(dev, &err))) {
        tcevirtPrintError(err);
        return 1;
    }
    fputs(xml, stdout);
    return 0;
}

/* nodedev-preflight -------------------------------------------------- */

static char *
tcevirtNodedevMembers(const virVFIOGroupViability *v)
{
    g_autoptr(GString) out = g_string_new(NULL);
    size_t i;

    for (i = 0; i < v->members->len; i++) {
        virVFIOGroupMember *m = g_ptr_array_index(v->members, i);
        g_autofree char *bdf = virPCIDeviceAddressAsString(&m->addr);

        g_string_append_printf(out, "%s%s (%s)", i ? ", " : "", bdf,
                               m->driver ? m->driver : "no driver");
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static const char *
tcevirtNodedevViableText(const virVFIOGroupViability *v)
{
    if (v->kernelViable >= 0)
        return v->viable ? "yes (VFIO_GROUP_GET_STATUS)" :
                           "no (VFIO_GROUP_GET_STATUS)";
    if (v->state == VIR_VFIO_GROUP_BUSY)
        return v->viable ? "yes (sysfs; the group is held, the kernel was "
                           "not asked)" :
                           "no (sysfs; the group is held, the kernel was not "
                           "asked)";
    return v->viable ? "yes (sysfs)" : "no (sysfs)";
}

#define PF_ROW(key, ...) do { \
    printf("%-18s", key ":"); \
    printf(__VA_ARGS__); \
    printf("\n"); \
} while (0)

int
tcevirtCmdNodedevPreflight(int argc, char **argv)
{
    g_autoptr(virPCIDevice) dev = NULL;
    g_autoptr(virVFIOGroupViability) v = NULL;
    g_autoptr(virHostdevManager) mgr = NULL;
    g_autoptr(virVFIOKVMCaps) kvm = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *name = NULL;
    g_autofree char *members = NULL;
    g_autofree char *owner = NULL;
    g_autofree char *pgsizes = NULL;
    g_autofree char *accel = NULL;
    g_autofree char *dma32 = NULL;
    virVFIOSpaprInfo info;
    virPCIDeviceAddress addr;
    int rc;

    if ((rc = tcevirtNodedevArg("nodedev-preflight", argc, argv, &addr)) != 0)
        return rc;
    if (!(dev = virPCIDeviceNew(&addr, &err)))
        goto error;
    name = virPCIDeviceAddressNodeName(&addr);
    PF_ROW("Device", "%s (%s, %04x:%04x, class %06x)", name, dev->name,
           dev->vendor, dev->device, dev->pciClass);
    PF_ROW("Driver", "%s", dev->driver ? dev->driver : "none");
    if (dev->iommuGroup < 0) {
        if (virPCIDeviceGetIOMMUGroup(&addr, &err) >= 0)
            virReportError(&err, VIR_ERR_OPERATION_FAILED, "host PCI device "
                           "%s changed its IOMMU group while tcevirt read it; "
                           "retry", dev->name);
        goto error;
    }
    PF_ROW("IOMMU group", "%d (" VIR_VFIO_DIR "/%d)", dev->iommuGroup,
           dev->iommuGroup);
    if (!(v = virVFIOGroupGetViability(dev->iommuGroup, TRUE, &err)))
        goto error;
    members = tcevirtNodedevMembers(v);
    PF_ROW("Group members", "%s", members);
    if ((mgr = tcevirtNodedevManager()))
        owner = virHostdevGroupOwner(mgr, dev->iommuGroup);
    PF_ROW("Claimed by", "%s", owner ? owner : "-");
    PF_ROW("Viable", "%s", tcevirtNodedevViableText(v));

    if (!virVFIOGroupPreflight(dev->iommuGroup, &info, &err))
        goto error;
    PF_ROW("IOMMU", "%s", info.iommuType == VFIO_SPAPR_TCE_v2_IOMMU ?
           "sPAPR TCE v2 (VFIO_SPAPR_TCE_v2_IOMMU)" :
           "sPAPR TCE v1 (VFIO_SPAPR_TCE_IOMMU): no DDW, no in-kernel "
           "TCE acceleration");
    dma32 = g_format_size_full(info.dma32Size, G_FORMAT_SIZE_IEC_UNITS);
    PF_ROW("32-bit window", "start 0x%x, size 0x%x (%s)", info.dma32Start,
           info.dma32Size, dma32);
    if (info.ddw) {
        pgsizes = virVFIOPageSizesFormat(info.pgsizes);
        PF_ROW("DDW", "%u windows, %u levels, page sizes %s (0x%" G_GINT64_MODIFIER
               "x)", info.maxWindows, info.levels, pgsizes, info.pgsizes);
    } else {
        PF_ROW("DDW", "no (VFIO_IOMMU_SPAPR_INFO_DDW not set)");
    }
    PF_ROW("EEH", "%s", info.eeh ? "yes" : "no");
    PF_ROW("Released", "%s", info.released ?
           "yes (the group opens again after the scratch container)" :
           "no: the group is still held after the scratch container closed");
    kvm = virVFIOKVMCapsProbe();
    virVFIOTCEAccelPredict(kvm, info.iommuType == VFIO_SPAPR_TCE_v2_IOMMU,
                           &accel);
    printf("%s\n", accel);
    if (info.released)
        return 0;
    virReportError(&err, VIR_ERR_RESOURCE_BUSY, "IOMMU group %d is still held "
                   "after the scratch container closed: another process "
                   "opened it meanwhile; find it with 'fuser -v "
                   VIR_VFIO_DIR "/%d'", dev->iommuGroup, dev->iommuGroup);

 error:
    fflush(stdout);
    tcevirtPrintError(err);
    return 1;
}

/* host-validate ------------------------------------------------------ */

typedef enum {
    TCEVIRT_PASS,
    TCEVIRT_WARN,
    TCEVIRT_FAIL,
} tcevirtCheckResult;

static void G_GNUC_PRINTF(4, 5)
tcevirtCheck(int *fails, const char *what, tcevirtCheckResult res,
             const char *fmt, ...)
{
    static const char *const words[] = { "PASS", "WARN", "FAIL" };
    g_autofree char *detail = NULL;
    g_autofree char *label = g_strdup_printf("%s:", what);
    va_list ap;

    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    printf("%-29s %s (%s)\n", label, words[res], detail);
    if (res == TCEVIRT_FAIL)
        (*fails)++;
}

static gboolean
tcevirtModuleLoaded(const char *module)
{
    g_autofree char *path = g_build_filename("/sys/module", module, NULL);

    return g_file_test(path, G_FILE_TEST_IS_DIR);
}

/* A module is there when /sys/module lists it, or when what it provides
 * answers (@evidence: built into the kernel, no /sys/module entry) */
static void
tcevirtCheckModule(int *fails, const char *module, gboolean works,
                   const char *evidence, const char *fix)
{
    g_autofree char *what = g_strdup_printf("module %s", module);

    if (tcevirtModuleLoaded(module))
        tcevirtCheck(fails, what, TCEVIRT_PASS, "loaded: /sys/module/%s",
                     module);
    else if (works)
        tcevirtCheck(fails, what, TCEVIRT_PASS, "no /sys/module/%s, but %s: "
                     "built into the kernel", module, evidence);
    else
        tcevirtCheck(fails, what, TCEVIRT_FAIL, "not loaded: %s", fix);
}

static void
tcevirtCheckKVM(int *fails, const virVFIOKVMCaps *kvm,
                const struct utsname *uts)
{
    if (!kvm->present)
        tcevirtCheck(fails, VIR_KVM_PATH, TCEVIRT_FAIL, "%s; load KVM with "
                     "'modprobe kvm_hv'", kvm->why);
    else if (!kvm->power)
        tcevirtCheck(fails, VIR_KVM_PATH, TCEVIRT_FAIL, "this %s host's KVM "
                     "is not a POWER KVM (no KVM_CAP_SPAPR_TCE); tcevirt "
                     "needs a POWER8 or POWER9 host running KVM-HV",
                     uts->machine);
    else
        tcevirtCheck(fails, VIR_KVM_PATH, TCEVIRT_PASS, "a POWER KVM, API "
                     "version %d", kvm->apiVersion);

    if (kvm->hv && tcevirtModuleLoaded("kvm_hv"))
        tcevirtCheck(fails, "kvm_hv", TCEVIRT_PASS, "loaded: "
                     "/sys/module/kvm_hv; KVM_CREATE_VM(KVM_VM_PPC_HV) works");
    else if (kvm->hv)
        tcevirtCheck(fails, "kvm_hv", TCEVIRT_PASS, "KVM_CREATE_VM"
                     "(KVM_VM_PPC_HV) works; no /sys/module/kvm_hv: built "
                     "into the kernel");
    else if (kvm->power)
        tcevirtCheck(fails, "kvm_hv", TCEVIRT_FAIL, "KVM_CREATE_VM"
                     "(KVM_VM_PPC_HV) fails, only KVM-PR is there (slow, no "
                     "radix guests); 'modprobe kvm_hv' on a bare-metal "
                     "(PowerNV) host");
    else
        tcevirtCheck(fails, "kvm_hv", TCEVIRT_FAIL, "not loaded: kvm_hv "
                     "needs a POWER8 or POWER9 host running bare metal "
                     "(PowerNV); then 'modprobe kvm_hv'");
}

static void
tcevirtCheckTCE(int *fails, const virVFIOKVMCaps *kvm, int spaprV2)
{
    g_autofree char *line = NULL;
    virVFIOTCEAccel accel = virVFIOTCEAccelPredict(kvm, spaprV2, &line);

    if (!kvm->present) {
        tcevirtCheck(fails, "KVM TCE capabilities", TCEVIRT_WARN, "%s", line);
        return;
    }
    tcevirtCheck(fails, "KVM TCE capabilities",
                 accel == VIR_VFIO_TCE_ACCEL_AVAILABLE ? TCEVIRT_PASS :
                 TCEVIRT_WARN,
                 "%s; SPAPR_TCE=%d SPAPR_TCE_64=%d SPAPR_TCE_VFIO=%d, "
                 "KVM-VFIO device: %s, PPC_MMU_RADIX=%d PPC_MMU_HASH_V3=%d",
                 line, kvm->spaprTce, kvm->spaprTce64, kvm->spaprTceVfio,
                 kvm->vfioDevice ? "yes" : "no", kvm->mmuRadix,
                 kvm->mmuHashV3);
}

static void
tcevirtCheckSpapr(int *fails, gboolean haveContainer,
                  const virVFIOContainerCaps *caps)
{
    const char *what = "sPAPR TCE v2 IOMMU";

    if (!haveContainer)
        tcevirtCheck(fails, what, TCEVIRT_FAIL, "cannot ask without "
                     VIR_VFIO_CONTAINER_PATH "; load VFIO with 'modprobe "
                     "vfio-pci'");
    else if (caps->spaprV2)
        tcevirtCheck(fails, what, TCEVIRT_PASS, "the container offers "
                     "VFIO_SPAPR_TCE_v2_IOMMU; EEH: %s",
                     caps->eeh ? "yes" : "no");
    else if (caps->spaprV1)
        tcevirtCheck(fails, what, TCEVIRT_WARN, "the container offers only "
                     "the v1 sPAPR IOMMU: one group per container, no dynamic "
                     "DMA windows, no in-kernel TCE acceleration");
    else if (caps->type1)
        tcevirtCheck(fails, what, TCEVIRT_FAIL, "the container offers the "
                     "type1 IOMMU of a non-POWER host; tcevirt needs a POWER "
                     "host");
    else
        tcevirtCheck(fails, what, TCEVIRT_FAIL, "the container offers no "
                     "sPAPR TCE IOMMU; 'modprobe vfio_iommu_spapr_tce'");
}

static void
tcevirtCheckIOMMUGroups(int *fails)
{
    g_autoptr(GDir) dir = g_dir_open(VIR_PCI_SYSFS_IOMMU_GROUPS, 0, NULL);
    unsigned int n = 0;

    while (dir && g_dir_read_name(dir))
        n++;
    if (n > 0)
        tcevirtCheck(fails, "IOMMU groups", TCEVIRT_PASS, "%u in "
                     VIR_PCI_SYSFS_IOMMU_GROUPS, n);
    else
        tcevirtCheck(fails, "IOMMU groups", TCEVIRT_FAIL,
                     VIR_PCI_SYSFS_IOMMU_GROUPS " is %s: the kernel put no "
                     "device behind an IOMMU, so none can be passed through; "
                     "on PowerNV every PE is a group, check 'dmesg | grep -i "
                     "iommu'", dir ? "empty" : "missing");
}

/* TRUE if this process has CAP_SYS_RESOURCE in its effective set */
static gboolean
tcevirtHasSysResource(void)
{
    g_autofree char *status = NULL;
    g_auto(GStrv) lines = NULL;
    size_t i;

    if (!g_file_get_contents("/proc/self/status", &status, NULL, NULL))
        return FALSE;
    lines = g_strsplit(status, "\n", -1);
    for (i = 0; lines[i]; i++) {
        if (g_str_has_prefix(lines[i], "CapEff:")) {
            guint64 eff = g_ascii_strtoull(lines[i] + 7, NULL, 16);
            return !!(eff & (G_GUINT64_CONSTANT(1) << CAP_SYS_RESOURCE_BIT));
        }
    }
    return FALSE;
}

static char *
tcevirtRlimitFormat(rlim_t v)
{
    if (v == RLIM_INFINITY)
        return g_strdup("unlimited");
    return g_format_size_full(v, G_FORMAT_SIZE_IEC_UNITS);
}

static void
tcevirtCheckMemlock(int *fails)
{
    struct rlimit rl;
    g_autofree char *soft = NULL;
    g_autofree char *hard = NULL;

    if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0) {
        tcevirtCheck(fails, "memlock", TCEVIRT_WARN, "cannot read "
                     "RLIMIT_MEMLOCK: %s", g_strerror(errno));
        return;
    }
    soft = tcevirtRlimitFormat(rl.rlim_cur);
    hard = tcevirtRlimitFormat(rl.rlim_max);
    if (tcevirtHasSysResource())
        tcevirtCheck(fails, "memlock", TCEVIRT_PASS, "RLIMIT_MEMLOCK %s "
                     "(hard %s); CAP_SYS_RESOURCE lets tcevirt raise QEMU's "
                     "limit to what each guest needs", soft, hard);
    else if (rl.rlim_max == RLIM_INFINITY)
        tcevirtCheck(fails, "memlock", TCEVIRT_PASS, "RLIMIT_MEMLOCK %s "
                     "(hard unlimited): QEMU's limit can be raised to what "
                     "each guest needs", soft);
    else
        tcevirtCheck(fails, "memlock", TCEVIRT_WARN, "RLIMIT_MEMLOCK %s "
                     "(hard %s) and no CAP_SYS_RESOURCE to raise it: a guest "
                     "with VFIO devices locks all its RAM plus TCE tables; "
                     "run tcevirt as root or raise 'memlock' in "
                     "/etc/security/limits.conf", soft, hard);
}

static void
tcevirtCheckSeccomp(int *fails)
{
    g_autofree char *why = NULL;

    if (virSeccompCanHandOff(&why))
        tcevirtCheck(fails, "seccomp ADDFD", TCEVIRT_PASS, "%s", why);
    else
        tcevirtCheck(fails, "seccomp ADDFD", TCEVIRT_WARN, "%s: tcevirt falls "
                     "back to handing QEMU the group nodes by ownership (DAC "
                     "mode)", why);
}

int
tcevirtCmdHostValidate(int argc, char **argv)
{
    g_autoptr(virVFIOKVMCaps) kvm = NULL;
    g_autoptr(GError) err = NULL;
    virVFIOContainerCaps caps;
    gboolean container;
    struct utsname uts;
    int fails = 0;

    if (argc > 1)
        return tcevirtUsageError("host-validate", "unexpected argument '%s'",
                                 argv[1]);
    if (uname(&uts) < 0)
        memset(&uts, 0, sizeof(uts));

    kvm = virVFIOKVMCapsProbe();
    container = virVFIOContainerProbe(&caps, &err);
    tcevirtCheckKVM(&fails, kvm, &uts);
    tcevirtCheckTCE(&fails, kvm, container ? caps.spaprV2 : -1);

    if (container)
        tcevirtCheck(&fails, VIR_VFIO_CONTAINER_PATH, TCEVIRT_PASS, "the VFIO "
                     "container device, API version %d", caps.apiVersion);
    else
        tcevirtCheck(&fails, VIR_VFIO_CONTAINER_PATH, TCEVIRT_FAIL, "%s",
                     err->message);
    tcevirtCheckModule(&fails, "vfio", container, VIR_VFIO_CONTAINER_PATH
                       " answers", "'modprobe vfio-pci'");
    tcevirtCheckModule(&fails, "vfio_pci",
                       g_file_test(VIR_PCI_SYSFS_DRIVERS "/" VIR_PCI_VFIO_DRIVER,
                                   G_FILE_TEST_IS_DIR),
                       "the PCI driver vfio-pci is registered",
                       "'modprobe vfio-pci'");
    tcevirtCheckModule(&fails, "vfio_iommu_spapr_tce",
                       container && (caps.spaprV2 || caps.spaprV1),
                       "the container offers the sPAPR TCE IOMMU",
                       "'modprobe vfio_iommu_spapr_tce'");
    tcevirtCheckSpapr(&fails, container, &caps);
    tcevirtCheckIOMMUGroups(&fails);
    tcevirtCheckMemlock(&fails);
    tcevirtCheckSeccomp(&fails);
    return fails ? 1 : 0;
}

/* manual pages ------------------------------------------------------- */

const char tcevirtNodedevListHelp[] =
"NAME\n"
"    tcevirt nodedev-list - list the host's PCI devices\n"
"\n"
"SYNOPSIS\n"
"    tcevirt nodedev-list [--cap pci] [--details]\n"
"\n"
"DESCRIPTION\n"
"    Like `virsh nodedev-list --cap pci`: prints the libvirt node device\n"
"    name (pci_DDDD_BB_SS_F) of every PCI device in /sys/bus/pci/devices,\n"
"    one per line, sorted by address.  Only PCI devices are listed.\n"
"\n"
"    With --details it prints a table instead, one row per device:\n"
"      Name            the node device name\n"
"      Address         DDDD:BB:SS.F, as in <hostdev><source><address>\n"
"      Class           PCI class code (020000 Ethernet, 0c0330 xHCI, ...)\n"
"      Vendor:Device   PCI ids\n"
"      Group           IOMMU group ('-': none, the device cannot be\n"
"                      passed through)\n"
"      Viable          whether a guest could use the group now: 'yes'\n"
"                      every device of it is on vfio-pci or unbound,\n"
"                      'host' every device is on a host driver, 'no'\n"
"                      some are on vfio-pci and some not\n"
"      NUMA            NUMA node of the device ('-': none)\n"
"      Driver          driver bound now; 'vfio-pci (was e1000e)' when\n"
"                      tcevirt moved it and will give it back to e1000e\n"
"      Domain          the domain that claims the device's IOMMU group\n"
"    followed by one line per IOMMU group that has a device on vfio-pci\n"
"    but is not viable, naming the devices still on host drivers and the\n"
"    command that fixes it.\n"
"\n"
"    Nothing is opened or changed: viability here comes from sysfs (use\n"
"    nodedev-preflight for the kernel's word).  Claims and original\n"
"    drivers are read from STATEDIR/hostdev.\n"
"\n"
"OPTIONS\n"
"    --cap pci    accepted for virsh compatibility; other capabilities\n"
"                 are a usage error\n"
"    --details    print the table described above\n"
"\n"
"ENVIRONMENT\n"
"    TCEVIRT_STATE_DIR   state directory (default " TCEVIRT_STATEDIR ")\n"
"\n"
"EXIT STATUS\n"
"    0 success, 1 sysfs could not be read, 2 usage error.\n"
"\n"
"EXAMPLES\n"
"    tcevirt nodedev-list --cap pci\n"
"    tcevirt nodedev-list --details\n";

const char tcevirtNodedevDumpXMLHelp[] =
"NAME\n"
"    tcevirt nodedev-dumpxml - print a PCI device as libvirt node device XML\n"
"\n"
"SYNOPSIS\n"
"    tcevirt nodedev-dumpxml NAME\n"
"\n"
"DESCRIPTION\n"
"    Like `virsh nodedev-dumpxml`: prints libvirt's node device XML for\n"
"    the PCI device NAME, read from sysfs: <name>, <path> (its directory\n"
"    under /sys/devices), <parent> (the bridge it sits behind, or\n"
"    'computer' on a root bus), <driver>, and a <capability type='pci'>\n"
"    with class, domain, bus, slot, function, product and vendor ids,\n"
"    SR-IOV functions, <iommuGroup> with the address of every device in\n"
"    the group, and <numa node>.  The output validates against libvirt's\n"
"    nodedev.rng.  Product and vendor names are not looked up.\n"
"\n"
"    NAME is a node device name (pci_0001_01_00_0) or a PCI address\n"
"    (0001:01:00.0).\n"
"\n"
"OPTIONS\n"
"    none\n"
"\n"
"EXIT STATUS\n"
"    0 success, 1 no such device (or sysfs unreadable), 2 usage error.\n"
"\n"
"EXAMPLES\n"
"    tcevirt nodedev-dumpxml pci_0001_01_00_0\n"
"    tcevirt nodedev-dumpxml 0001:01:00.0 | grep -A3 iommuGroup\n";

const char tcevirtNodedevPreflightHelp[] =
"NAME\n"
"    tcevirt nodedev-preflight - try a device's IOMMU group in a VFIO "
"container\n"
"\n"
"SYNOPSIS\n"
"    tcevirt nodedev-preflight NAME\n"
"\n"
"DESCRIPTION\n"
"    Does what tcevirt start does for every host device before QEMU runs,\n"
"    and prints what it found.  It opens the device's IOMMU group\n"
"    (/dev/vfio/N), asks the kernel whether the group is viable, attaches\n"
"    it to a scratch VFIO container with the sPAPR TCE v2 IOMMU (v1 only\n"
"    when the host has no v2), reads the DMA window info the guest will\n"
"    get (VFIO_IOMMU_SPAPR_TCE_GET_INFO: the 32-bit window, the dynamic\n"
"    DMA window page sizes, window count and table levels), closes\n"
"    everything and checks the kernel released the group.  Last it\n"
"    predicts whether QEMU will use in-kernel TCE acceleration for the\n"
"    group, from KVM's capabilities.\n"
"\n"
"    The group must be on vfio-pci (see nodedev-list --details).  While a\n"
"    guest holds the group the preflight fails with 'in use'; it does not\n"
"    disturb the guest.  Do not run it while a guest with this group is\n"
"    starting: the kernel lets one process open a group at a time.\n"
"\n"
"    Output lines are 'Key: value'; the last line is the acceleration\n"
"    prediction.  Errors go to standard error and name the blocking\n"
"    device, its driver and the fix.\n"
"\n"
"OPTIONS\n"
"    none\n"
"\n"
"ENVIRONMENT\n"
"    TCEVIRT_STATE_DIR   state directory, for the claim (default\n"
"                        " TCEVIRT_STATEDIR ")\n"
"\n"
"EXIT STATUS\n"
"    0 the group can be given to a guest, 1 it cannot (the error says\n"
"    why), 2 usage error.\n"
"\n"
"EXAMPLES\n"
"    tcevirt nodedev-preflight pci_0001_01_00_0\n";

const char tcevirtHostValidateHelp[] =
"NAME\n"
"    tcevirt host-validate - check the host can run pseries guests with "
"VFIO\n"
"\n"
"SYNOPSIS\n"
"    tcevirt host-validate\n"
"\n"
"DESCRIPTION\n"
"    Like virt-host-validate, for tcevirt's job.  Prints one line per\n"
"    check, 'CHECK: PASS|WARN|FAIL (detail)', where a WARN or FAIL detail\n"
"    ends with the fix:\n"
"      /dev/kvm                a POWER KVM is there\n"
"      kvm_hv                  KVM-HV (not only KVM-PR): KVM_VM_PPC_HV VMs\n"
"      KVM TCE capabilities    KVM_CAP_SPAPR_TCE, _64, _VFIO, the KVM-VFIO\n"
"                              device: whether QEMU will accelerate TCEs\n"
"                              in the kernel, or why not\n"
"      /dev/vfio/vfio          the VFIO container device\n"
"      module vfio, vfio_pci, vfio_iommu_spapr_tce\n"
"                              loaded (/sys/module) or built in\n"
"      sPAPR TCE v2 IOMMU      VFIO_CHECK_EXTENSION on a container\n"
"      IOMMU groups            /sys/kernel/iommu_groups is not empty\n"
"      memlock                 this process's RLIMIT_MEMLOCK and whether it\n"
"                              can raise QEMU's (CAP_SYS_RESOURCE)\n"
"      seccomp ADDFD           seccomp user notification with ADDFD and\n"
"                              SECCOMP_ADDFD_FLAG_SEND (kernel 5.14), used\n"
"                              to hand /dev/vfio fds to QEMU\n"
"    WARN means guests run, but slower or with a fallback.  Nothing on\n"
"    the host is changed (a KVM VM and a VFIO container are created and\n"
"    closed).\n"
"\n"
"OPTIONS\n"
"    none\n"
"\n"
"EXIT STATUS\n"
"    0 no check failed, 1 some check failed, 2 usage error.\n"
"\n"
"EXAMPLES\n"
"    tcevirt host-validate\n"
"    tcevirt host-validate | grep -v PASS\n";
