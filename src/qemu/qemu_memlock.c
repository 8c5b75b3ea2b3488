/*
 * qemu_memlock.c: RLIMIT_MEMLOCK of QEMU for a pseries guest
 *
 * The limit is the sum of what the kernel charges to QEMU's locked_vm
 * (docs/memlock.rst has the formula, the kernel reason for every term and
 * a comparison with libvirt's formula):
 *
 *  - guest RAM preregistered with VFIO_IOMMU_SPAPR_REGISTER_MEMORY, once
 *    per process (the region list belongs to the mm);
 *  - per VFIO container (one per PHB with host devices) the host TCE
 *    tables of the 32-bit window and of the 64-bit DDW, as
 *    VFIO_IOMMU_SPAPR_TCE_CREATE charges them;
 *  - with KVM, per PHB the KVM TCE tables of both windows, and one per
 *    spapr-vio device that does DMA (KVM_CREATE_SPAPR_TCE_64);
 *  - the hash page table of hash-MMU guests;
 *  - the option ROM BARs and VGA framebuffers of emulated PCI devices,
 *    guest RAM like any other once the guest maps them.
 *
 * The IOMMU's TCE page sizes and levels are the kernel's
 * (VFIO_IOMMU_SPAPR_TCE_GET_INFO, qemuMemLockHostReadGroups()).
 *
 * Every size follows the code that allocates it: QEMU picks the window
 * sizes, TCE page sizes and table levels (hw/ppc/spapr_pci.c,
 * hw/vfio/spapr.c), the kernel sizes and charges the tables
 * (pnv_pci_ioda2_get_table_size(), kvmppc_stt_pages()).
 */
#include <config.h>

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qemu_memlock.h"
#include "virerror.h"
#include "virfile.h"
#include "virvfio.h"

#include <linux/vfio.h>

VIR_ENUM_IMPL(qemuMemLockSource, QEMU_MEMLOCK_SOURCE_LAST,
              "none", "computed", "hard_limit", "locked");

#define KiB ((guint64) 1 << 10)
#define MiB ((guint64) 1 << 20)
#define GiB ((guint64) 1 << 30)

/* QEMU: the default 32-bit DMA window of every spapr-pci-host-bridge
 * (dma_win_size), in 4 KiB TCEs (SPAPR_TCE_PAGE_SHIFT), enabled at every
 * PHB reset */
#define QEMU_SPAPR_DMA32_WINDOW GiB
#define QEMU_SPAPR_TCE_PAGE (4 * KiB)

/* QEMU offers the guest the PHB's pgsz (4K|64K|2M|16M since pseries-4.2)
 * for a DDW; Linux guests take the largest */
#define QEMU_SPAPR_DDW_GUEST_PAGE (16 * MiB)

/* QEMU: spapr-vlan and spapr-vscsi have a 256 MiB DMA window of 4 KiB
 * TCEs (rtce_window_size); spapr-vty and spapr-nvram have none */
#define QEMU_SPAPR_VIO_WINDOW (256 * MiB)

/* QEMU: hotpluggable memory starts at RAM rounded up to 1 GiB
 * (SPAPR_DEVICE_MEM_ALIGN) */
#define QEMU_SPAPR_DEVICE_MEM_ALIGN GiB

/* QEMU: spapr_hpt_shift_for_ramsize() */
#define QEMU_SPAPR_HPT_SHIFT_MIN 18
#define QEMU_SPAPR_HPT_SHIFT_MAX 46

/* QEMU: the VGA device's vgamem_mb default */
#define QEMU_VGA_VRAM_DEFAULT (16 * MiB)

/* kernel: an upper bound of sizeof(struct kvmppc_spapr_tce_table) (about
 * 128 bytes on 6.12 without lock debugging) */
#define KVM_STT_HEADER_BYTES 256

/* the largest memory a definition can have (VIR_DOMAIN_MEMORY_MAX_KIB) */
#define QEMU_MEMLOCK_MAX_BYTES ((guint64) 1 << 52)


static void
qemuMemLockItemClear(gpointer p)
{
    qemuMemLockItem *item = p;

    g_free(item->what);
    g_free(item->why);
}


void
qemuMemLockClear(qemuMemLock *ml)
{
    g_clear_pointer(&ml->items, g_array_unref);
    g_clear_pointer(&ml->warning, g_free);
    ml->source = QEMU_MEMLOCK_SOURCE_NONE;
    ml->limit = 0;
    ml->need = 0;
}


void
qemuMemLockHostInit(qemuMemLockHost *host, guint64 pageSize)
{
    host->pageSize = pageSize;
    host->hugepageSize = 2 * MiB;
    host->iommuPageSizes = QEMU_MEMLOCK_POWER9_IOMMU_PAGE_SIZES;
    host->tceLevels = QEMU_MEMLOCK_POWER9_TCE_LEVELS;
    host->iommuV1 = FALSE;
    host->dma32Size = 0;
    host->iommuGroup = -1;
    host->radix = TRUE;
}


/* "Hugepagesize:    2048 kB" of /proc/meminfo, or 0 */
static guint64
qemuMemLockReadHugepageSize(void)
{
    g_autofree char *kb = virFileReadField("/proc/meminfo", "Hugepagesize");

    return kb ? g_ascii_strtoull(kb, NULL, 10) * KiB : 0;
}


/* A POWER host whose kernel runs with the hash MMU cannot run radix
 * guests ("MMU : Hash" in /proc/cpuinfo); elsewhere assume radix */
static gboolean
qemuMemLockReadRadix(void)
{
    g_autofree char *mmu = virFileReadField("/proc/cpuinfo", "MMU");

    return !mmu || strstr(mmu, "Hash") == NULL;
}


void
qemuMemLockHostFromSystem(qemuMemLockHost *host)
{
    long pageSize = sysconf(_SC_PAGESIZE);
    guint64 huge;

    qemuMemLockHostInit(host, pageSize > 0 ? (guint64) pageSize : 64 * KiB);
    if ((huge = qemuMemLockReadHugepageSize()))
        host->hugepageSize = huge;
    host->radix = qemuMemLockReadRadix();
}


gboolean
qemuMemLockHostReadGroups(qemuMemLockHost *host, const int *groups,
                          size_t n, GError **errp)
{
    size_t i;

    for (i = 0; i < n; i++) {
        virVFIOSpaprInfo info;
        guint64 pgsizes;
        guint32 levels;

        if (!virVFIOGroupPreflight(groups[i], &info, errp))
            return FALSE;
        if (!info.released) {
            virReportError(errp, VIR_ERR_RESOURCE_BUSY,
                           "IOMMU group %d stayed busy after tcevirt closed "
                           "its scratch container (VFIO_IOMMU_SPAPR_TCE_GET_INFO); "
                           "find its holder with `tcevirt nodedev-preflight`",
                           groups[i]);
            return FALSE;
        }
        /* without DDW QEMU keeps the kernel's 4 KiB 32-bit window */
        pgsizes = info.ddw ? info.pgsizes : QEMU_SPAPR_TCE_PAGE;
        levels = info.ddw ? MAX(info.levels, 1) : 1;
        if (host->iommuGroup < 0) {
            host->iommuPageSizes = pgsizes;
            host->tceLevels = levels;
            host->iommuGroup = groups[i];
        } else {
            host->iommuPageSizes &= pgsizes;
            host->tceLevels = MIN(host->tceLevels, levels);
        }
        if (info.iommuType == VFIO_SPAPR_TCE_IOMMU) {
            host->iommuV1 = TRUE;
            host->dma32Size = MAX(host->dma32Size, info.dma32Size);
        }
    }
    return TRUE;
}


char *
qemuMemLockFormatSize(guint64 bytes)
{
    static const char *const units[] = { "bytes", "KiB", "MiB", "GiB",
                                         "TiB", "PiB", "EiB" };
    size_t u = 0;

    while (bytes && bytes % 1024 == 0 && u + 1 < G_N_ELEMENTS(units)) {
        bytes /= 1024;
        u++;
    }
    return g_strdup_printf("%" G_GUINT64_FORMAT " %s", bytes, units[u]);
}


/* floor(log2(@x)) and the number of trailing zero bits, @x > 0 */
static guint
qemuMemLockLog2(guint64 x)
{
    return 63 - __builtin_clzll(x);
}


static guint
qemuMemLockCtz(guint64 x)
{
    return __builtin_ctzll(x);
}


static guint64
qemuMemLockPow2Ceil(guint64 x)
{
    guint64 p = 1;

    while (p < x)
        p <<= 1;
    return p;
}


static guint64
qemuMemLockAlign(guint64 x, guint64 align)
{
    return (x + align - 1) / align * align;
}


/* hw/vfio/spapr.c vfio_spapr_create_window(): the largest TCE page size
 * the host supports that is no larger than @max; 0 if there is none */
static guint64
qemuMemLockIOMMUPage(const qemuMemLockHost *host, guint64 max)
{
    guint64 mask = host->iommuPageSizes & (max | (max - 1));

    return mask ? 1ULL << qemuMemLockLog2(mask) : 0;
}


/* hw/vfio/spapr.c vfio_spapr_create_window(): the first number of levels
 * QEMU asks for (it asks for more only if the kernel cannot allocate) */
static guint
qemuMemLockTableLevels(guint64 entries, guint64 hostPage)
{
    guint bitsTotal = qemuMemLockCtz(entries * 8);
    guint bitsPerLevel = qemuMemLockCtz(hostPage) + 8;

    return MAX(1, (bitsTotal + bitsPerLevel - 1) / bitsPerLevel);
}


/* arch/powerpc/platforms/powernv/pci-ioda.c
 * pnv_pci_ioda2_get_table_size(): what VFIO_IOMMU_SPAPR_TCE_CREATE charges
 * for a window of @window bytes in TCEs of 2^@pageShift bytes, @levels
 * deep: every level rounded up to the level size, twice (the hardware
 * table and its userspace copy) */
static guint64
qemuMemLockHostTableBytes(guint pageShift, guint64 window, guint levels,
                          guint64 hostPage)
{
    guint entriesShift = qemuMemLockLog2(window) - pageShift;
    guint64 tceTable = MAX(0x1000ULL, 1ULL << (entriesShift + 3));
    guint levelShift = (entriesShift + levels - 1) / levels + 3;
    guint64 direct = 1ULL << MAX(levelShift, qemuMemLockLog2(hostPage));
    guint64 bytes = 0;
    guint l;

    for (l = 0; l < levels; l++) {
        bytes += qemuMemLockAlign(tceTable, direct);
        tceTable = MAX((tceTable / direct) << 3, direct);
    }
    return bytes * 2;
}


/* arch/powerpc/kvm/book3s_64_vio.c: KVM_CREATE_SPAPR_TCE_64 charges
 * kvmppc_stt_pages(kvmppc_tce_pages(@entries)): the table, 8 bytes per
 * TCE in whole pages, plus the page array of the table header */
static guint64
qemuMemLockKVMTableBytes(guint64 entries, guint64 hostPage)
{
    guint64 tcePages = (entries * 8 + hostPage - 1) / hostPage;
    guint64 headerPages = (KVM_STT_HEADER_BYTES + tcePages * 8 +
                           hostPage - 1) / hostPage;

    return (tcePages + headerPages) * hostPage;
}


static void
qemuMemLockAddItem(qemuMemLock *ml, guint64 count, guint64 bytes,
                   const char *what, const char *whyfmt, ...)
    G_GNUC_PRINTF(5, 6);

static void
qemuMemLockAddItem(qemuMemLock *ml, guint64 count, guint64 bytes,
                   const char *what, const char *whyfmt, ...)
{
    qemuMemLockItem item = { 0 };
    va_list ap;

    if (!count)
        return;
    item.what = g_strdup(what);
    item.count = count;
    item.bytes = bytes;
    va_start(ap, whyfmt);
    item.why = g_strdup_vprintf(whyfmt, ap);
    va_end(ap);
    g_array_append_val(ml->items, item);
    ml->need += bytes;
}


/* What QEMU backs guest RAM with: the smallest page of the RAM backends
 * (qemu_minrampagesize()).  tcevirt puts all RAM on one kind of backend. */
static guint64
qemuMemLockRAMPageSize(const virDomainDef *def, const qemuMemLockHost *host)
{
    guint64 page;

    if (!def->mem.hasHugepages)
        return host->pageSize;
    if (def->mem.hugepages->len)
        page = g_array_index(def->mem.hugepages, virDomainHugePage, 0).size * KiB;
    else
        page = host->hugepageSize;
    return MAX(page, host->pageSize);
}


/* The guest places the DDW at 2^59 and sizes it to the highest RAM
 * address it may ever see, rounded up to a power of 2 (Linux:
 * order_base_2(ddw_memory_hotplug_max())).  QEMU puts hotpluggable
 * memory at RAM rounded up to 1 GiB. */
static guint64
qemuMemLockDDWWindow(const virDomainDef *def)
{
    guint64 ram = def->mem.total * KiB;
    guint64 max = def->mem.maxMemory * KiB;
    guint64 top = ram;

    if (max > ram)
        top = qemuMemLockAlign(ram, QEMU_SPAPR_DEVICE_MEM_ALIGN) + (max - ram);
    return qemuMemLockPow2Ceil(MAX(top, QEMU_SPAPR_TCE_PAGE));
}


/* Hash-MMU guests: POWER8 compatibility mode (max-cpu-compat=power8, as
 * qemu_command.c sets it) or a host that cannot run radix guests */
static gboolean
qemuMemLockGuestUsesHPT(const virDomainDef *def, const qemuMemLockHost *host)
{
    if (def->virtType != VIR_DOMAIN_VIRT_KVM)
        return FALSE;
    if (!host->radix)
        return TRUE;
    return def->cpu.model && def->cpu.mode != VIR_CPU_MODE_HOST_PASSTHROUGH &&
           g_ascii_strcasecmp(def->cpu.model, "POWER8") == 0;
}


/* The windows and host TCE tables of one VFIO container */
typedef struct {
    guint64 window;
    guint64 page;
    guint levels;
    guint64 bytes;
} qemuMemLockTable;

static gboolean
qemuMemLockHostTable(const virDomainDef *def, const qemuMemLockHost *host,
                     const char *name, guint64 window, guint64 guestPage,
                     guint64 ramPage, qemuMemLockTable *tbl, GError **errp)
{
    g_autofree char *wstr = qemuMemLockFormatSize(window);

    tbl->window = window;
    tbl->page = qemuMemLockIOMMUPage(host, MIN(guestPage, ramPage));
    if (!tbl->page) {
        g_autofree char *pstr = qemuMemLockFormatSize(MIN(guestPage, ramPage));
        virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                       "domain '%s': the host IOMMU supports no TCE page size "
                       "of %s or less (page sizes 0x%" G_GINT64_MODIFIER "x), "
                       "so QEMU cannot create the %s DMA window (%s) of a "
                       "host device's PHB; pass the device through on a "
                       "host whose IOMMU has 4 KiB TCEs",
                       def->name, pstr, host->iommuPageSizes, name, wstr);
        return FALSE;
    }
    tbl->levels = qemuMemLockTableLevels(window / tbl->page, host->pageSize);
    if (tbl->levels > host->tceLevels) {
        virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                       "domain '%s': the %s DMA window (%s of %" G_GUINT64_FORMAT
                       "-byte TCEs) needs a %u-level TCE table, the host "
                       "IOMMU builds at most %u levels; back guest RAM "
                       "with hugepages (larger TCEs) or give it less memory",
                       def->name, name, wstr, tbl->page, tbl->levels,
                       host->tceLevels);
        return FALSE;
    }
    tbl->bytes = qemuMemLockHostTableBytes(qemuMemLockLog2(tbl->page), window,
                                           tbl->levels, host->pageSize);
    return TRUE;
}


/* The option ROM BAR of an emulated PCI device, 0 if it has none: QEMU
 * maps the ROM file rounded up to a power of 2 (pci_add_option_rom());
 * its own ROMs fit QEMU_MEMLOCK_OPTION_ROM_BAR, a <rom file> counts at
 * its size */
static guint64
qemuMemLockOptionROM(const virDomainDeviceInfo *info)
{
    struct stat sb;

    if (info->romBar == VIR_TRISTATE_SWITCH_OFF ||
        (info->romFile && !*info->romFile))
        return 0;
    if (info->romFile && stat(info->romFile, &sb) == 0 && sb.st_size > 0)
        return MAX(qemuMemLockPow2Ceil(sb.st_size), QEMU_MEMLOCK_OPTION_ROM_BAR);
    return QEMU_MEMLOCK_OPTION_ROM_BAR;
}


static gboolean
qemuMemLockCompute(const virDomainDef *def, const qemuMemLockHost *host,
                   qemuMemLock *ml, GError **errp)
{
    gboolean kvm = def->virtType == VIR_DOMAIN_VIRT_KVM;
    gboolean phbs[VIR_DOMAIN_PHB_MAX_INDEX + 1] = { FALSE };
    gboolean containers[VIR_DOMAIN_PHB_MAX_INDEX + 1] = { FALSE };
    guint64 nPHB = 0, nContainers = 0, nVIO = 0, vram = 0, roms = 0, nROM = 0;
    guint64 nGroups = 0;
    guint64 ram = def->mem.total * KiB;
    guint64 maxRAM = MAX(def->mem.maxMemory, def->mem.total) * KiB;
    guint64 ramPage, ddw;
    g_autofree char *hostPageStr = qemuMemLockFormatSize(host->pageSize);
    g_autofree char *ddwStr = NULL;
    size_t i;

    if (!host->pageSize || (host->pageSize & (host->pageSize - 1))) {
        virReportError(errp, VIR_ERR_INVALID_ARG,
                       "host page size %" G_GUINT64_FORMAT " is not a power "
                       "of 2", host->pageSize);
        return FALSE;
    }
    if (maxRAM > QEMU_MEMLOCK_MAX_BYTES) {
        virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                       "domain '%s': memory of %" G_GUINT64_FORMAT " KiB is "
                       "more than the %" G_GUINT64_FORMAT " KiB a definition may have",
                       def->name, maxRAM / KiB, QEMU_MEMLOCK_MAX_BYTES / KiB);
        return FALSE;
    }
    ramPage = qemuMemLockRAMPageSize(def, host);
    ddw = qemuMemLockDDWWindow(def);
    ddwStr = qemuMemLockFormatSize(ddw);

    /* PHBs: the default one always exists, every pci-root controller is
     * one; a container per PHB that holds host devices (the groups of a
     * PHB share its container: the kernel accepts every PowerNV IODA2
     * group into one v2 container) */
    phbs[0] = TRUE;
    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (virDomainControllerIsPHB(c) && c->idx <= VIR_DOMAIN_PHB_MAX_INDEX)
            phbs[c->idx] = TRUE;
        if (c->type == VIR_DOMAIN_CONTROLLER_TYPE_SCSI &&
            c->model == VIR_DOMAIN_CONTROLLER_MODEL_SCSI_IBMVSCSI)
            nVIO++;
    }
    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(def->hostdevs, i);
        unsigned int bus = 0;

        size_t j;
        gboolean seen = FALSE;

        if (h->info.addr.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI &&
            h->info.addr.pci.bus <= VIR_DOMAIN_PHB_MAX_INDEX)
            bus = h->info.addr.pci.bus;
        phbs[bus] = containers[bus] = TRUE;
        for (j = 0; j < i; j++) {
            virDomainHostdevDef *o = g_ptr_array_index(def->hostdevs, j);
            seen |= o->iommuGroup == h->iommuGroup;
        }
        nGroups += !seen;
    }
    for (i = 0; i <= VIR_DOMAIN_PHB_MAX_INDEX; i++) {
        nPHB += phbs[i];
        nContainers += containers[i];
    }
    for (i = 0; i < def->nets->len; i++) {
        virDomainNetDef *n = g_ptr_array_index(def->nets, i);
        guint64 rom;

        if (n->model == VIR_DOMAIN_NET_MODEL_SPAPR_VLAN) {
            nVIO++;
        } else if ((rom = qemuMemLockOptionROM(&n->info))) {
            roms += rom;
            nROM++;
        }
    }
    for (i = 0; i < def->videos->len; i++) {
        virDomainVideoDef *v = g_ptr_array_index(def->videos, i);
        guint64 mb, rom;

        /* qemu_command.c emits VGA for every type but none and virtio,
         * with vgamem_mb only for type='vga'; vga_common_init() clamps
         * it to 1-512 MiB and rounds it up to a power of 2 */
        if (v->type == VIR_DOMAIN_VIDEO_TYPE_NONE ||
            v->type == VIR_DOMAIN_VIDEO_TYPE_VIRTIO)
            continue;
        mb = QEMU_VGA_VRAM_DEFAULT / MiB;
        if (v->type == VIR_DOMAIN_VIDEO_TYPE_VGA && v->vram)
            mb = CLAMP(v->vram / 1024, 1, 512);
        vram += qemuMemLockPow2Ceil(mb) * MiB;
        if ((rom = qemuMemLockOptionROM(&v->info))) {
            roms += rom;
            nROM++;
        }
    }

    if (nContainers && host->iommuV1) {
        g_autofree char *winStr = qemuMemLockFormatSize(host->dma32Size);

        /* no preregistration, no tables of our own: each group has a
         * container whose VFIO_IOMMU_ENABLE charges the whole window */
        qemuMemLockAddItem(ml, nGroups, nGroups * host->dma32Size,
                           "32-bit windows, sPAPR TCE v1",
                           "VFIO_IOMMU_ENABLE: tce_iommu_enable() charges "
                           "the whole %s 32-bit window of the group's PHB "
                           "(dma32_window_size); a v1 container takes one "
                           "group, so one per group", winStr);
    } else if (nContainers) {
        qemuMemLockTable t32, t64;
        g_autofree char *ramStr = qemuMemLockFormatSize(ram);
        g_autofree char *t64PageStr = NULL;
        g_autofree char *ramPageStr = qemuMemLockFormatSize(ramPage);

        qemuMemLockAddItem(ml, 1, ram, "guest RAM, preregistered",
                           "VFIO_IOMMU_SPAPR_REGISTER_MEMORY: mm_iommu_new() "
                           "charges every page of guest RAM (%s = <memory>; "
                           "the hotplug area above it is empty), once per "
                           "process however many containers register it",
                           ramStr);
        qemuMemLockAddItem(ml, vram ? 1 : 0, vram, "VGA framebuffer, "
                           "preregistered",
                           "the VGA BAR is RAM mapped into guest physical "
                           "address space, which QEMU's preregistration "
                           "listener registers like guest RAM");
        qemuMemLockAddItem(ml, nROM, roms, "option ROM BARs, preregistered",
                           "the ROM BAR of an emulated PCI device is RAM "
                           "too once the guest or SLOF maps it: its ROM "
                           "file rounded up to a power of 2, at most 256 "
                           "KiB for QEMU's own (<rom bar='off'/> has none)");

        if (!qemuMemLockHostTable(def, host, "32-bit",
                                  QEMU_SPAPR_DMA32_WINDOW, QEMU_SPAPR_TCE_PAGE,
                                  ramPage, &t32, errp) ||
            !qemuMemLockHostTable(def, host, "64-bit (DDW)", ddw,
                                  QEMU_SPAPR_DDW_GUEST_PAGE, ramPage, &t64,
                                  errp))
            return FALSE;
        t64PageStr = qemuMemLockFormatSize(t64.page);

        qemuMemLockAddItem(ml, nContainers, nContainers * t32.bytes,
                           "host TCE tables, 32-bit windows",
                           "VFIO_IOMMU_SPAPR_TCE_CREATE: "
                           "pnv_pci_ioda2_get_table_size() of the 1 GiB "
                           "window in 4 KiB TCEs, %u level%s, hardware "
                           "table plus userspace copy; one per VFIO "
                           "container (PHB with host devices)", t32.levels,
                           t32.levels == 1 ? "" : "s");
        qemuMemLockAddItem(ml, nContainers, nContainers * t64.bytes,
                           "host TCE tables, 64-bit DDW",
                           "VFIO_IOMMU_SPAPR_TCE_CREATE: "
                           "pnv_pci_ioda2_get_table_size() of the %s DDW "
                           "(highest guest RAM address, power of 2) in %s "
                           "TCEs (host page %s, RAM backed by %s pages, "
                           "guest TCEs 16 MiB), %u level%s, hardware table "
                           "plus userspace copy; one per VFIO container",
                           ddwStr, t64PageStr, hostPageStr, ramPageStr,
                           t64.levels, t64.levels == 1 ? "" : "s");
    }

    if (kvm) {
        guint64 k32 = qemuMemLockKVMTableBytes(QEMU_SPAPR_DMA32_WINDOW /
                                               QEMU_SPAPR_TCE_PAGE,
                                               host->pageSize);
        guint64 k64 = qemuMemLockKVMTableBytes(ddw / QEMU_SPAPR_DDW_GUEST_PAGE,
                                               host->pageSize);
        guint64 kvio = qemuMemLockKVMTableBytes(QEMU_SPAPR_VIO_WINDOW /
                                                QEMU_SPAPR_TCE_PAGE,
                                                host->pageSize);

        qemuMemLockAddItem(ml, nPHB, nPHB * k32,
                           "KVM TCE tables, 32-bit windows",
                           "KVM_CREATE_SPAPR_TCE_64: kvmppc_stt_pages() of "
                           "the 1 GiB window in 4 KiB TCEs that QEMU enables "
                           "at every PHB reset; one per PHB, emulated-only "
                           "ones included");
        qemuMemLockAddItem(ml, nPHB, nPHB * k64,
                           "KVM TCE tables, 64-bit DDW",
                           "KVM_CREATE_SPAPR_TCE_64: kvmppc_stt_pages() of "
                           "the %s DDW the guest creates in 16 MiB TCEs "
                           "(the largest page the PHB offers); one per PHB",
                           ddwStr);
        qemuMemLockAddItem(ml, nVIO, nVIO * kvio,
                           "KVM TCE tables, spapr-vio",
                           "KVM_CREATE_SPAPR_TCE_64: kvmppc_stt_pages() of "
                           "the 256 MiB window in 4 KiB TCEs of each "
                           "spapr-vlan and spapr-vscsi device (spapr-vty "
                           "does no DMA)");
    }

    if (qemuMemLockGuestUsesHPT(def, host)) {
        gint shift = (gint) qemuMemLockCtz(qemuMemLockPow2Ceil(maxRAM)) - 7;

        shift = CLAMP(shift, QEMU_SPAPR_HPT_SHIFT_MIN, QEMU_SPAPR_HPT_SHIFT_MAX);
        qemuMemLockAddItem(ml, 1, 1ULL << shift, "hash page table",
                           "a hash-MMU guest (%s) gets an HPT of 1/128 of "
                           "its maximum memory rounded up to a power of 2 "
                           "(QEMU spapr_hpt_shift_for_ramsize(), at least "
                           "256 KiB); KVM-HV allocates it in the kernel, "
                           "kept in the limit as libvirt does",
                           host->radix ? "POWER8 compatibility mode" :
                           "the host MMU runs hash");
    }

    return TRUE;
}


gboolean
qemuDomainGetMemLockLimit(const virDomainDef *def,
                          const qemuMemLockHost *host,
                          qemuMemLock *out,
                          GError **errp)
{
    g_auto(qemuMemLock) ml = { 0 };
    gboolean charged = def->virtType == VIR_DOMAIN_VIRT_KVM ||
                       def->hostdevs->len > 0;

    ml.items = g_array_new(FALSE, TRUE, sizeof(qemuMemLockItem));
    g_array_set_clear_func(ml.items, qemuMemLockItemClear);

    /* TCG without host devices: nothing is charged (the HPT and the TCE
     * tables live in QEMU's ordinary memory) */
    if (charged && !qemuMemLockCompute(def, host, &ml, errp))
        return FALSE;

    if (def->mem.hardLimit) {
        ml.source = QEMU_MEMLOCK_SOURCE_HARD_LIMIT;
        ml.limit = def->mem.hardLimit * KiB;
        if (ml.limit < ml.need) {
            g_autofree char *needStr =
                g_format_size_full(ml.need, G_FORMAT_SIZE_IEC_UNITS);

            ml.warning =
                g_strdup_printf("domain '%s': <memtune><hard_limit> of %"
                                G_GUINT64_FORMAT " KiB is below the %"
                                G_GUINT64_FORMAT " KiB (%s) the kernel will "
                                "charge to QEMU's locked memory, so QEMU can "
                                "fail to start or abort when the guest sets "
                                "up DMA; raise <hard_limit> to at least %"
                                G_GUINT64_FORMAT " KiB or remove it",
                                def->name, def->mem.hardLimit,
                                (ml.need + KiB - 1) / KiB, needStr,
                                (ml.need + KiB - 1) / KiB);
        }
    } else if (def->mem.locked) {
        ml.source = QEMU_MEMLOCK_SOURCE_LOCKED;
        ml.limit = QEMU_MEMLOCK_UNLIMITED;
    } else if (charged) {
        ml.source = QEMU_MEMLOCK_SOURCE_COMPUTED;
        ml.limit = ml.need;
    } else {
        ml.source = QEMU_MEMLOCK_SOURCE_NONE;
        ml.limit = 0;
    }

    *out = ml;
    memset(&ml, 0, sizeof(ml));
    return TRUE;
}
