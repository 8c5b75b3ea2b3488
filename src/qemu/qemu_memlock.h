/*
 * qemu_memlock.h: RLIMIT_MEMLOCK of QEMU for a pseries guest, from what
 * the kernel charges to locked_vm (docs/memlock.rst)
 */
#pragma once

#include "domain_conf.h"

/* What the host contributes.  Filled in by qemuMemLockHostFromSystem()
 * and qemuMemLockHostReadGroups() (or qemuMemLockHostInit() for a given
 * page size), so that the computation itself reads nothing and can be
 * tested anywhere. */
typedef struct {
    guint64 pageSize;               /* base page size of the host kernel */
    guint64 hugepageSize;           /* default hugepage size, for a
                                     * <hugepages/> without <page> */
    guint64 iommuPageSizes;         /* TCE page sizes of the host IOMMU
                                     * (ddw.pgsizes of
                                     * VFIO_IOMMU_SPAPR_TCE_GET_INFO) */
    guint32 tceLevels;              /* deepest TCE table (ddw.levels) */
    gboolean iommuV1;               /* the groups take only the sPAPR TCE
                                     * v1 IOMMU: one container per group,
                                     * VFIO_IOMMU_ENABLE charges the whole
                                     * 32-bit window */
    guint64 dma32Size;              /* v1: that window (dma32_window_size) */
    int iommuGroup;                 /* the group the IOMMU facts were read
                                     * from, -1: POWER9's assumed */
    gboolean radix;                 /* the host can run radix guests */
} qemuMemLockHost;

/* POWER9 and POWER10 PowerNV (PHB4): 4K|64K|2M|1G, 5 levels */
#define QEMU_MEMLOCK_POWER9_IOMMU_PAGE_SIZES 0x40211000ULL
#define QEMU_MEMLOCK_POWER9_TCE_LEVELS 5

/* A POWER9 host with base pages of @pageSize bytes and 2 MiB hugepages */
void qemuMemLockHostInit(qemuMemLockHost *host, guint64 pageSize);

/* This host: sysconf(_SC_PAGESIZE), Hugepagesize from /proc/meminfo, the
 * MMU line of /proc/cpuinfo; the IOMMU facts are POWER9's until
 * qemuMemLockHostReadGroups() reads the real ones. */
void qemuMemLockHostFromSystem(qemuMemLockHost *host);

/* The IOMMU facts from the kernel: each of the @n groups (bound to
 * vfio-pci, not in use) is attached to a scratch container with the IOMMU
 * QEMU will choose and asked VFIO_IOMMU_SPAPR_TCE_GET_INFO; @host keeps
 * what every group can do (the TCE page sizes all of them have, the
 * fewest levels, v1 if any group is v1).  Fails naming the group that
 * cannot be read. */
gboolean qemuMemLockHostReadGroups(qemuMemLockHost *host, const int *groups,
                                   size_t n, GError **errp);

typedef enum {
    QEMU_MEMLOCK_SOURCE_NONE = 0,   /* leave RLIMIT_MEMLOCK as it is */
    QEMU_MEMLOCK_SOURCE_COMPUTED,   /* the sum of the items */
    QEMU_MEMLOCK_SOURCE_HARD_LIMIT, /* <memtune><hard_limit> */
    QEMU_MEMLOCK_SOURCE_LOCKED,     /* <memoryBacking><locked/>: unlimited */
    QEMU_MEMLOCK_SOURCE_LAST
} qemuMemLockSource;
VIR_ENUM_DECL(qemuMemLockSource);

#define QEMU_MEMLOCK_UNLIMITED G_MAXUINT64

/* The option ROM BAR of an emulated PCI device: QEMU sizes it to its ROM
 * file rounded up to a power of 2; the iPXE ROMs of its NICs are below
 * 256 KiB, the VGA BIOS 40 KiB (docs/memlock.rst) */
#define QEMU_MEMLOCK_OPTION_ROM_BAR (256ULL << 10)

typedef struct {
    char *what;                     /* "host TCE tables, 64-bit DDW" */
    guint64 count;                  /* regions or tables of this kind */
    guint64 bytes;                  /* all of them together */
    char *why;                      /* the kernel path that charges them */
} qemuMemLockItem;

typedef struct {
    qemuMemLockSource source;
    guint64 limit;                  /* bytes; 0 = do not set;
                                     * QEMU_MEMLOCK_UNLIMITED */
    guint64 need;                   /* what the kernel will charge: the sum
                                     * of the items */
    GArray *items;                  /* of qemuMemLockItem */
    char *warning;                  /* a hard_limit below the need */
} qemuMemLock;

void qemuMemLockClear(qemuMemLock *ml);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(qemuMemLock, qemuMemLockClear);

/* The locked-memory limit for QEMU running the normalized @def on @host.
 * @out is overwritten, not freed: pass a zeroed or cleared one and clear
 * it with qemuMemLockClear() (g_auto(qemuMemLock) does).
 * Fails when QEMU could not create the DMA windows on such a host (no
 * usable IOMMU page size, tables too deep) or the sizes overflow. */
gboolean qemuDomainGetMemLockLimit(const virDomainDef *def,
                                   const qemuMemLockHost *host,
                                   qemuMemLock *out,
                                   GError **errp);

/* "64 KiB", "1 GiB", "1536 MiB": exact, in the largest unit that divides
 * @bytes; bytes otherwise */
char *qemuMemLockFormatSize(guint64 bytes);
