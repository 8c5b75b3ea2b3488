/*
 * tcemodel-spapr.c: the sPAPR TCE v2 IOMMU of the fake host's containers
 *
 * drivers/vfio/vfio_iommu_spapr_tce.c and arch/powerpc/mm/book3s64/
 * iommu_api.c (6.12) on a PowerNV POWER9 (IODA2) host: the container binds
 * to the mm of its first user; preregistered memory lives in that mm
 * (used/mapped counters, charged to locked_vm against RLIMIT_MEMLOCK);
 * windows are TCE tables (slot 0 at dma32 start, slot 1 at the DDW start),
 * the 32-bit default window is created on first use; MAP/UNMAP only fill
 * a shadow of the table (runs of TCEs) and move the regions' mapped
 * counters.  The table_group properties come from ROOT/model/iommu.
 * Nothing is pinned for real: pinning checks the caller's mappings.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "tcemodel-vfio.h"

#include <errno.h>
#include <string.h>

#define POWERNV_IOMMU_MAX_LEVELS 5

#define PS() tcemodelPageShift()
#define REGION_END(r) ((r)->ua + ((r)->entries << PS()))

/* EEH PE state bits kept per group (tcemodelObj.eeh) */
#define EEH_MMIO_FROZEN 1
#define EEH_DMA_FROZEN 2
#define EEH_RESET 4


void
tcemodelTableFree(tcemodelTable *tbl)
{
    if (tbl->tces)
        g_array_unref(tbl->tces);
    memset(tbl, 0, sizeof(*tbl));
}


int
tcemodelSpaprCheckExtension(tcemodelState *st, unsigned long ext)
{
    switch (ext) {
    case VFIO_SPAPR_TCE_IOMMU:
    case VFIO_SPAPR_TCE_v2_IOMMU:
        return 1;
    case VFIO_EEH:
        return st->info.eeh ? 1 : 0;
    }
    return 0;
}


static int
tcemodelPreregFind(tcemodelObj *c, guint64 ua, guint64 entries)
{
    guint i;

    for (i = 0; i < c->prereg->len; i++) {
        tcemodelRegion *p = &g_array_index(c->prereg, tcemodelRegion, i);

        if (p->ua == ua && p->entries == entries)
            return i;
    }
    return -1;
}


/* tce_iommu_register_pages() */
static int
tcemodelRegisterPages(tcemodelState *st, tcemodelObj *c, guint64 vaddr,
                      guint64 size)
{
    tcemodelMm *mm = tcemodelMmFind(st, c->mm);
    guint64 entries = size >> PS();
    tcemodelRegion p = { vaddr, entries, 0, 0 };
    int idx;
    int ret;

    if ((vaddr | size) & ((1ULL << PS()) - 1) || vaddr + size < vaddr)
        return -EINVAL;
    if ((idx = tcemodelMmIommuGet(mm, vaddr, entries)) >= 0) {
        if (tcemodelPreregFind(c, vaddr, entries) >= 0) {
            tcemodelMmIommuPut(st, mm, idx);
            return -EBUSY;
        }
    } else if ((ret = tcemodelMmIommuNew(st, mm, vaddr, entries)) < 0) {
        return ret;
    }
    g_array_prepend_val(c->prereg, p);
    c->enabled = true;
    return 0;
}


/* tce_iommu_prereg_free() */
static int
tcemodelPreregFree(tcemodelState *st, tcemodelObj *c, int pidx)
{
    tcemodelRegion *p = &g_array_index(c->prereg, tcemodelRegion, pidx);
    tcemodelMm *mm = tcemodelMmFind(st, c->mm);
    int idx = -1;
    guint i;
    int ret;

    for (i = 0; mm && i < mm->regions->len; i++) {
        tcemodelRegion *r = &g_array_index(mm->regions, tcemodelRegion, i);

        if (r->ua == p->ua && r->entries == p->entries)
            idx = i;
    }
    if (idx >= 0 && (ret = tcemodelMmIommuPut(st, mm, idx)) < 0)
        return ret;
    g_array_remove_index(c->prereg, pidx);
    return 0;
}


/*
 * tce_iommu_unregister_pages().  With TCEs still pointing into the region
 * the container forgets it (0) but the mm keeps it, pinned and charged,
 * as 6.12 does.
 */
static int
tcemodelUnregisterPages(tcemodelState *st, tcemodelObj *c, guint64 vaddr,
                        guint64 size)
{
    tcemodelMm *mm = tcemodelMmFind(st, c->mm);
    int pidx;
    int idx;
    int ret;

    if ((vaddr | size) & ((1ULL << PS()) - 1))
        return -EINVAL;
    if ((idx = tcemodelMmIommuGet(mm, vaddr, size >> PS())) < 0)
        return -ENOENT;
    if ((pidx = tcemodelPreregFind(c, vaddr, size >> PS())) < 0)
        ret = -ENOENT;
    else
        ret = tcemodelPreregFree(st, c, pidx);
    /* our reference keeps the region in place until this put */
    tcemodelMmIommuPut(st, mm, idx);
    return ret;
}


/* ------------------------------------------------------------------ */
/* TCE tables                                                          */

/* tce_iommu_clear(): drop entries [entry, entry + n) */
static void
tcemodelTceClear(tcemodelState *st, tcemodelObj *c, tcemodelTable *tbl,
                 guint64 entry, guint64 n)
{
    tcemodelMm *mm = tcemodelMmFind(st, c->mm);
    guint64 end = entry + n;
    guint i = 0;

    while (tbl->tces && i < tbl->tces->len) {
        tcemodelTce t = g_array_index(tbl->tces, tcemodelTce, i);
        guint64 from = MAX(t.entry, entry);
        guint64 to = MIN(t.entry + t.n, end);

        if (from >= to) {
            i++;
            continue;
        }
        tcemodelMmIommuMapped(mm, t.ua + ((from - t.entry) << tbl->shift),
                              to - from, tbl->shift, false);
        g_array_remove_index(tbl->tces, i);
        if (t.entry < from) {
            tcemodelTce head = { t.entry, from - t.entry, t.ua };
            g_array_insert_val(tbl->tces, i++, head);
        }
        if (to < t.entry + t.n) {
            tcemodelTce tail = { to, t.entry + t.n - to,
                                 t.ua + ((to - t.entry) << tbl->shift) };
            g_array_insert_val(tbl->tces, i++, tail);
        }
    }
}


/* number of leading IOMMU pages at @ua backed by preregistered memory */
static guint64
tcemodelTceBacked(tcemodelMm *mm, guint64 ua, guint64 n, unsigned int shift)
{
    guint64 pg = 1ULL << shift;
    guint64 i = 0;

    while (i < n) {
        int idx = tcemodelMmIommuLookup(mm, ua + i * pg, pg);
        tcemodelRegion *r;
        unsigned int rshift;

        if (idx < 0)
            break;
        r = &g_array_index(mm->regions, tcemodelRegion, idx);
        /* mm_iommu_ua_to_hpa(): no IOMMU page above the region's pages */
        rshift = MIN(g_bit_nth_lsf(r->ua | (r->entries << PS()), -1),
                     (gint)PS());
        if (shift > rshift)
            break;
        i = MIN(n, (REGION_END(r) - ua) / pg);
    }
    return i;
}


/* tce_iommu_build_v2() */
static int
tcemodelTceBuild(tcemodelState *st, tcemodelObj *c, tcemodelTable *tbl,
                 guint64 entry, guint64 ua, guint64 n)
{
    tcemodelMm *mm = tcemodelMmFind(st, c->mm);
    guint64 ok = tcemodelTceBacked(mm, ua, n, tbl->shift);
    tcemodelTce t = { entry, n, ua };
    guint i;

    /* what was built is cleared again on failure, old entries included */
    tcemodelTceClear(st, c, tbl, entry, ok < n ? ok : n);
    if (ok < n)
        return -EINVAL;
    for (i = 0; i < tbl->tces->len; i++) {
        if (g_array_index(tbl->tces, tcemodelTce, i).entry > entry)
            break;
    }
    g_array_insert_val(tbl->tces, i, t);
    tcemodelMmIommuMapped(mm, ua, n, tbl->shift, true);
    return 0;
}


static int
tcemodelTableFind(tcemodelObj *c, guint64 ioba)
{
    int i;

    for (i = 0; i < TCEMODEL_TABLES; i++) {
        tcemodelTable *tbl = &c->tables[i];
        guint64 entry = ioba >> tbl->shift;

        if (tbl->used && tbl->offset <= entry &&
            entry < tbl->offset + tbl->size)
            return i;
    }
    return -1;
}


/* pnv_pci_ioda2_get_table_size() */
static guint64
tcemodelTableSize(guint32 shift, guint64 window, guint32 levels)
{
    unsigned int entriesShift;
    unsigned int tableShift;
    guint64 tceTable;
    guint64 direct;
    guint64 bytes = 0;

    if (!levels || levels > POWERNV_IOMMU_MAX_LEVELS || !window ||
        (window & (window - 1)) || shift >= 64 || (window >> shift) == 0)
        return 0;
    entriesShift = g_bit_nth_msf(window, -1) - shift;
    tceTable = MAX(0x1000ULL, 1ULL << (entriesShift + 3));
    entriesShift = (entriesShift + levels - 1) / levels;
    tableShift = MAX(entriesShift + 3, PS());
    direct = 1ULL << tableShift;

    for (; levels; levels--) {
        bytes += (tceTable + direct - 1) & ~(direct - 1);
        tceTable = MAX((tceTable / direct) << 3, direct);
    }
    return bytes + bytes;       /* hardware table and userspace copy */
}


/* tce_iommu_create_window() with pnv_pci_ioda2_create_table_userspace() */
static int
tcemodelCreateWindow(tcemodelState *st, tcemodelObj *c, guint32 shift,
                     guint64 window, guint32 levels, guint64 *start)
{
    tcemodelTable *tbl = NULL;
    unsigned int levelShift;
    guint64 bytes;
    int num;
    int ret;

    for (num = 0; num < TCEMODEL_TABLES && c->tables[num].used; num++)
        ;
    if (num == TCEMODEL_TABLES)
        return -ENOSPC;
    if (!c->groups->len)
        return -EFAULT;
    if (shift >= 64 || !(st->info.pgsizes & (1ULL << shift)))
        return -EINVAL;
    if (!(bytes = tcemodelTableSize(shift, window, levels)))
        return -EINVAL;
    if ((ret = tcemodelMmAccount(st, c->mm, bytes >> PS(), true)) < 0)
        return ret;

    /* pnv_pci_ioda2_table_alloc_pages(); the charge above stays on
     * failure, as in the kernel */
    levelShift = (g_bit_nth_msf(window, -1) - shift + levels - 1) / levels;
    levelShift = MAX(levelShift + 3, PS());
    if ((levelShift - 3) * levels + shift >= 55)
        return -EINVAL;
    if ((1ULL << levelShift) > st->info.levelMax)
        return -ENOMEM;

    tbl = &c->tables[num];
    *tbl = (tcemodelTable) {
        .used = true, .shift = shift, .levels = levels,
        .offset = (num ? st->info.ddwStart : st->info.dma32Start) >> shift,
        .size = window >> shift, .pages = bytes >> PS(),
        .tces = g_array_new(FALSE, FALSE, sizeof(tcemodelTce)),
    };
    *start = tbl->offset << shift;
    return 0;
}


/* tce_iommu_clear() + tce_iommu_free_table() */
static void
tcemodelTableRemove(tcemodelState *st, tcemodelObj *c, int num)
{
    tcemodelTable *tbl = &c->tables[num];

    tcemodelTceClear(st, c, tbl, tbl->offset, tbl->size);
    tcemodelMmAccount(st, c->mm, tbl->pages, false);
    tcemodelTableFree(tbl);
}


static int
tcemodelCreateDefaultWindow(tcemodelState *st, tcemodelObj *c)
{
    guint64 start = 0;
    int ret;

    if (!c->pending)
        return 0;
    if (!c->groups->len)
        return -ENODEV;
    if ((ret = tcemodelCreateWindow(st, c, 12, st->info.dma32Size, 1,
                                    &start)) == 0)
        c->pending = false;
    return ret;
}


/* ------------------------------------------------------------------ */
/* container life                                                      */

/* vfio_ioctl_set_iommu() over the one registered driver */
int
tcemodelSpaprSetIommu(tcemodelState *st, tcemodelObj *c, unsigned long type)
{
    if (tcemodelSpaprCheckExtension(st, type) <= 0)
        return -ENODEV;
    /* tce_iommu_open() */
    if (type != VFIO_SPAPR_TCE_IOMMU && type != VFIO_SPAPR_TCE_v2_IOMMU)
        return -EINVAL;
    /* tce_iommu_attach_group(): IODA2 groups have take_ownership, which a
     * v1 container refuses */
    if (type == VFIO_SPAPR_TCE_IOMMU)
        return -EPERM;
    c->iommu = type;
    c->pending = true;
    return 0;
}


/* tce_iommu_attach_group() to a container whose backend is set */
int
tcemodelSpaprAttach(tcemodelState *st, tcemodelObj *c, tcemodelObj *g)
{
    /* same ops everywhere; windows are programmed into the new group */
    return 0;
}


/* tce_iommu_release(): the last group went away */
void
tcemodelSpaprRelease(tcemodelState *st, tcemodelObj *c)
{
    int i;

    for (i = 0; i < TCEMODEL_TABLES; i++) {
        if (c->tables[i].used)
            tcemodelTableRemove(st, c, i);
    }
    while (c->prereg->len) {
        /* WARN_ON: a busy region stays with the mm */
        if (tcemodelPreregFree(st, c, 0) < 0)
            g_array_remove_index(c->prereg, 0);
    }
    g_clear_pointer(&c->mm, g_free);
    c->enabled = false;
    c->pending = false;
}


/* ------------------------------------------------------------------ */
/* EEH (eeh_pe_* on the group's PE)                                    */

static int
tcemodelEehOp(tcemodelState *st, tcemodelObj *g, struct vfio_eeh_pe_op *op)
{
    if (!st->info.eeh)
        return -ENODEV;
    if (op->argsz < offsetofend(struct vfio_eeh_pe_op, op) || op->flags)
        return -EINVAL;

    switch (op->op) {
    case VFIO_EEH_PE_DISABLE:
    case VFIO_EEH_PE_ENABLE:
        return 0;
    case VFIO_EEH_PE_UNFREEZE_IO:
        g->eeh &= ~EEH_MMIO_FROZEN;
        return 0;
    case VFIO_EEH_PE_UNFREEZE_DMA:
        g->eeh &= ~EEH_DMA_FROZEN;
        return 0;
    case VFIO_EEH_PE_GET_STATE:
        if (g->eeh & EEH_RESET)
            return VFIO_EEH_PE_STATE_RESET;
        switch (g->eeh & (EEH_MMIO_FROZEN | EEH_DMA_FROZEN)) {
        case 0:
            return VFIO_EEH_PE_STATE_NORMAL;
        case EEH_MMIO_FROZEN | EEH_DMA_FROZEN:
            return VFIO_EEH_PE_STATE_STOPPED;
        case EEH_DMA_FROZEN:
            return VFIO_EEH_PE_STATE_STOPPED_DMA;
        }
        return VFIO_EEH_PE_STATE_UNAVAIL;
    case VFIO_EEH_PE_RESET_HOT:
    case VFIO_EEH_PE_RESET_FUNDAMENTAL:
        g->eeh |= EEH_RESET;
        return 0;
    case VFIO_EEH_PE_RESET_DEACTIVATE:
    case VFIO_EEH_PE_CONFIGURE:
        g->eeh = 0;
        return 0;
    case VFIO_EEH_PE_INJECT_ERR:
        if (op->argsz < offsetofend(struct vfio_eeh_pe_op, err.mask))
            return -EINVAL;
        if (op->err.type > 1 || op->err.func > 25)
            return -EINVAL;
        g->eeh |= EEH_MMIO_FROZEN | EEH_DMA_FROZEN;
        return 0;
    }
    return -EINVAL;
}


/* ------------------------------------------------------------------ */
/* ioctls                                                              */

static int
tcemodelMmSet(tcemodelState *st, tcemodelObj *c)
{
    if (c->mm)
        return g_str_equal(c->mm, tcemodelMmSelf()) ? 0 : -EPERM;
    c->mm = g_strdup(tcemodelMmSelfGet(st)->id);
    return 0;
}


static int
tcemodelSpaprGetInfo(tcemodelState *st, tcemodelObj *c,
                     struct vfio_iommu_spapr_tce_info *arg)
{
    struct vfio_iommu_spapr_tce_info info = { 0 };
    size_t minsz = offsetofend(struct vfio_iommu_spapr_tce_info,
                               dma32_window_size);

    if (!c->groups->len)
        return -ENXIO;
    if (arg->argsz < minsz)
        return -EINVAL;
    info.argsz = arg->argsz;
    info.dma32_window_start = st->info.dma32Start;
    info.dma32_window_size = st->info.dma32Size;
    if (st->info.windows && c->iommu == VFIO_SPAPR_TCE_v2_IOMMU) {
        info.flags |= VFIO_IOMMU_SPAPR_INFO_DDW;
        info.ddw.pgsizes = st->info.pgsizes;
        info.ddw.max_dynamic_windows_supported = st->info.windows;
        info.ddw.levels = st->info.levels;
    }
    if (arg->argsz >= offsetofend(struct vfio_iommu_spapr_tce_info, ddw))
        minsz = offsetofend(struct vfio_iommu_spapr_tce_info, ddw);
    memcpy(arg, &info, minsz);
    return 0;
}


static int
tcemodelSpaprMap(tcemodelState *st, tcemodelObj *c,
                 struct vfio_iommu_type1_dma_map *p)
{
    guint32 rw = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
    tcemodelTable *tbl;
    guint64 mask;
    int num;
    int ret;

    if (!c->enabled)
        return -EPERM;
    if (p->argsz < offsetofend(struct vfio_iommu_type1_dma_map, size) ||
        p->flags & ~rw)
        return -EINVAL;
    if ((ret = tcemodelCreateDefaultWindow(st, c)) < 0)
        return ret;
    if ((num = tcemodelTableFind(c, p->iova)) < 0)
        return -ENXIO;
    tbl = &c->tables[num];
    mask = (1ULL << tbl->shift) - 1;
    if ((p->size | p->vaddr) & mask || !(p->flags & rw))
        return -EINVAL;
    /* iommu_tce_put_param_check() checks the first page only; the model
     * refuses a range leaving the window instead of writing past it */
    if (p->iova & mask ||
        (p->iova >> tbl->shift) + (p->size >> tbl->shift) >
        tbl->offset + tbl->size)
        return -EINVAL;
    return tcemodelTceBuild(st, c, tbl, p->iova >> tbl->shift, p->vaddr,
                            p->size >> tbl->shift);
}


static int
tcemodelSpaprUnmap(tcemodelState *st, tcemodelObj *c,
                   struct vfio_iommu_type1_dma_unmap *p)
{
    tcemodelTable *tbl;
    guint64 mask;
    int num;
    int ret;

    if (!c->enabled)
        return -EPERM;
    if (p->argsz < offsetofend(struct vfio_iommu_type1_dma_unmap, size) ||
        p->flags)
        return -EINVAL;
    if ((ret = tcemodelCreateDefaultWindow(st, c)) < 0)
        return ret;
    if ((num = tcemodelTableFind(c, p->iova)) < 0)
        return -ENXIO;
    tbl = &c->tables[num];
    mask = (1ULL << tbl->shift) - 1;
    /* iommu_tce_clear_param_check() */
    if (p->size & mask || p->iova & mask ||
        (p->iova >> tbl->shift) + (p->size >> tbl->shift) >
        tbl->offset + tbl->size)
        return -EINVAL;
    tcemodelTceClear(st, c, tbl, p->iova >> tbl->shift, p->size >> tbl->shift);
    return 0;
}


static int
tcemodelSpaprCreate(tcemodelState *st, tcemodelObj *c,
                    struct vfio_iommu_spapr_tce_create *p)
{
    guint64 start = 0;
    int ret;

    if ((ret = tcemodelMmSet(st, c)) < 0)
        return ret;
    if (!c->groups->len)
        return -ENXIO;
    if (p->argsz < offsetofend(struct vfio_iommu_spapr_tce_create,
                               start_addr) || p->flags)
        return -EINVAL;
    if ((ret = tcemodelCreateDefaultWindow(st, c)) == 0 &&
        (ret = tcemodelCreateWindow(st, c, p->page_shift, p->window_size,
                                    p->levels, &start)) == 0)
        p->start_addr = start;
    return ret;
}


static int
tcemodelSpaprRemove(tcemodelState *st, tcemodelObj *c,
                    struct vfio_iommu_spapr_tce_remove *p)
{
    int num;
    int ret;

    if ((ret = tcemodelMmSet(st, c)) < 0)
        return ret;
    if (!c->groups->len)
        return -ENXIO;
    if (p->argsz < offsetofend(struct vfio_iommu_spapr_tce_remove,
                               start_addr) || p->flags)
        return -EINVAL;
    if (c->pending && !p->start_addr) {
        c->pending = false;
        return 0;
    }
    if ((num = tcemodelTableFind(c, p->start_addr)) < 0)
        return -EINVAL;
    tcemodelTableRemove(st, c, num);
    return 0;
}


static int
tcemodelSpaprRegister(tcemodelState *st, tcemodelObj *c, unsigned long req,
                      struct vfio_iommu_spapr_register_memory *p)
{
    bool reg = req == VFIO_IOMMU_SPAPR_REGISTER_MEMORY;
    int ret;

    if (reg && (ret = tcemodelMmSet(st, c)) < 0)
        return ret;
    if (!reg && !c->mm)
        return -EPERM;
    if (p->argsz < offsetofend(struct vfio_iommu_spapr_register_memory,
                               size) || p->flags)
        return -EINVAL;
    if (reg)
        return tcemodelRegisterPages(st, c, p->vaddr, p->size);
    return tcemodelUnregisterPages(st, c, p->vaddr, p->size);
}


int
tcemodelSpaprIoctl(tcemodelState *st, tcemodelObj *c, unsigned long req,
                   void *arg)
{
    guint i;
    int ret = 0;

    /* one userspace must not manipulate another's mm */
    if (c->mm && !g_str_equal(c->mm, tcemodelMmSelf()))
        return -EPERM;

    switch (req) {
    case VFIO_IOMMU_SPAPR_TCE_GET_INFO:
        return tcemodelSpaprGetInfo(st, c, arg);
    case VFIO_IOMMU_MAP_DMA:
        return tcemodelSpaprMap(st, c, arg);
    case VFIO_IOMMU_UNMAP_DMA:
        return tcemodelSpaprUnmap(st, c, arg);
    case VFIO_IOMMU_SPAPR_REGISTER_MEMORY:
    case VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY:
        return tcemodelSpaprRegister(st, c, req, arg);
    case VFIO_EEH_PE_OP:
        for (i = 0; i < c->groups->len && ret >= 0; i++) {
            guint64 ino = g_array_index(c->groups, guint64, i);

            ret = tcemodelEehOp(st, tcemodelStateObj(st, ino), arg);
        }
        return ret;
    case VFIO_IOMMU_SPAPR_TCE_CREATE:
        return tcemodelSpaprCreate(st, c, arg);
    case VFIO_IOMMU_SPAPR_TCE_REMOVE:
        return tcemodelSpaprRemove(st, c, arg);
    }
    /* VFIO_IOMMU_ENABLE/DISABLE are v1 only */
    return -ENOTTY;
}
