/*
 * tcemodel-mm.c: the mms (process images) of the fake host
 *
 * The kernel ties sPAPR containers, KVM VMs and preregistered memory to
 * an mm_struct.  The model names one as "PID.STARTTIME.NOW": made anew
 * in a forked child (another pid) and after exec (the preload starts
 * over), so a container bound to a parent refuses its children as the
 * kernel does.  Each mm record in the state holds the locked_vm pages
 * the model charged and the mm's preregistered regions; the model's
 * locked_vm adds to the real VmLck (the preload splices the sum into
 * /proc/PID/status).  The mm_iommu_* functions of arch/powerpc/mm/book3s64/
 * iommu_api.c (preregistered regions with their used and mapped counters)
 * work on these records.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "tcemodel-vfio.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#define PS() tcemodelPageShift()
#define REGION_END(r) ((r)->ua + ((r)->entries << PS()))


void
tcemodelMmFree(gpointer opaque)
{
    tcemodelMm *mm = opaque;

    g_free(mm->id);
    g_array_unref(mm->regions);
    g_free(mm);
}


static pthread_mutex_t tcemodelMmLock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t tcemodelMmOnce = PTHREAD_ONCE_INIT;
static pid_t tcemodelMmPid;
static char tcemodelMmId[96];


static void
tcemodelMmAtforkChild(void)
{
    pthread_mutex_init(&tcemodelMmLock, NULL);
}


static void
tcemodelMmInit(void)
{
    pthread_atfork(NULL, NULL, tcemodelMmAtforkChild);
}


/* starttime of @pid (field 22 of /proc/PID/stat), 0 if it is gone */
static guint64
tcemodelProcStart(gint64 pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%" G_GINT64_FORMAT "/stat",
                                            pid);
    g_autofree char *data = NULL;
    g_auto(GStrv) fields = NULL;
    char *paren;

    if (tcemodelFileRead(path, &data) < 0 || !(paren = strrchr(data, ')')))
        return 0;
    fields = g_strsplit(paren + 2, " ", 0);
    /* fields[0] is field 3 (state) */
    if (g_strv_length(fields) < 20)
        return 0;
    return g_ascii_strtoull(fields[19], NULL, 10);
}


/* The mm of this process image, as an id (see the file comment). */
const char *
tcemodelMmSelf(void)
{
    pid_t pid = getpid();

    pthread_once(&tcemodelMmOnce, tcemodelMmInit);
    pthread_mutex_lock(&tcemodelMmLock);
    if (tcemodelMmPid != pid) {
        /* no GRand: its lock may be held by a thread of the parent */
        g_snprintf(tcemodelMmId, sizeof(tcemodelMmId),
                   "%d.%" G_GUINT64_FORMAT ".%" G_GINT64_MODIFIER "x",
                   (int)pid, tcemodelProcStart(pid), g_get_monotonic_time());
        tcemodelMmPid = pid;
    }
    pthread_mutex_unlock(&tcemodelMmLock);
    return tcemodelMmId;
}


tcemodelMm *
tcemodelMmFind(tcemodelState *st, const char *id)
{
    size_t i;

    for (i = 0; id && i < st->mms->len; i++) {
        tcemodelMm *mm = g_ptr_array_index(st->mms, i);

        if (g_str_equal(mm->id, id))
            return mm;
    }
    return NULL;
}


tcemodelMm *
tcemodelMmSelfGet(tcemodelState *st)
{
    const char *id = tcemodelMmSelf();
    tcemodelMm *mm = tcemodelMmFind(st, id);

    if (mm)
        return mm;
    mm = g_new0(tcemodelMm, 1);
    mm->id = g_strdup(id);
    mm->pid = getpid();
    mm->start = g_ascii_strtoull(strchr(id, '.') + 1, NULL, 10);
    mm->seq = ++st->seq;
    mm->regions = g_array_new(FALSE, FALSE, sizeof(tcemodelRegion));
    g_ptr_array_add(st->mms, mm);
    return mm;
}


static bool
tcemodelCapIpcLock(void)
{
    return tcemodelCapable(CAP_IPC_LOCK);
}


/* the real kernel's locked_vm of this process, in pages */
static guint64
tcemodelRealLockedPages(void)
{
    g_autofree char *data = NULL;
    const char *line;

    tcemodelInternal++;
    if (tcemodelFileRead("/proc/self/status", &data) < 0)
        data = NULL;
    tcemodelInternal--;
    if (!data || !(line = strstr(data, "\nVmLck:")))
        return 0;
    return (g_ascii_strtoull(line + 7, NULL, 10) << 10) >> tcemodelPageShift();
}


/*
 * account_locked_vm(): charge (@inc) or uncharge @pages to mm @id.  A
 * charge is checked against RLIMIT_MEMLOCK of the caller unless it has
 * CAP_IPC_LOCK in its effective set; it counts what the real kernel has
 * locked for the caller too.
 */
int
tcemodelMmAccount(tcemodelState *st, const char *id, guint64 pages, bool inc)
{
    bool self = g_str_equal(id, tcemodelMmSelf());
    tcemodelMm *mm = self ? tcemodelMmSelfGet(st) : tcemodelMmFind(st, id);
    struct rlimit rl;

    if (!pages || !mm)
        return 0;
    if (!inc) {
        mm->locked -= MIN(pages, mm->locked);
        return 0;
    }
    if (!tcemodelCapIpcLock() && getrlimit(RLIMIT_MEMLOCK, &rl) == 0 &&
        rl.rlim_cur != RLIM_INFINITY) {
        guint64 limit = rl.rlim_cur >> tcemodelPageShift();
        guint64 locked = mm->locked + (self ? tcemodelRealLockedPages() : 0);

        if (locked + pages > limit)
            return -ENOMEM;
    }
    mm->locked += pages;
    return 0;
}


static bool
tcemodelMmReferenced(tcemodelState *st, tcemodelMm *mm)
{
    size_t i;

    for (i = 0; i < st->objs->len; i++) {
        tcemodelObj *obj = g_ptr_array_index(st->objs, i);

        if (g_strcmp0(obj->mm, mm->id) == 0)
            return true;
    }
    return false;
}


/*
 * Forget mms nobody can see any more: the process is gone, or it is an
 * earlier image of this process (exec), or nothing is charged to it; an
 * mm a container or VM is bound to stays (mmgrab).
 */
void
tcemodelMmCollect(tcemodelState *st)
{
    const char *self = tcemodelMmSelf();
    guint64 selfStart = g_ascii_strtoull(strchr(self, '.') + 1, NULL, 10);
    size_t i = 0;

    while (i < st->mms->len) {
        tcemodelMm *mm = g_ptr_array_index(st->mms, i);
        bool keep;

        if (tcemodelMmReferenced(st, mm))
            keep = true;
        else if (!mm->locked && !mm->regions->len)
            keep = false;
        else if (mm->pid == getpid() && mm->start == selfStart)
            keep = g_str_equal(mm->id, self);
        else
            keep = tcemodelProcStart(mm->pid) == mm->start;

        if (keep)
            i++;
        else
            g_ptr_array_remove_index(st->mms, i);
    }
}


/* ------------------------------------------------------------------ */
/* preregistered memory: mm_iommu_* (book3s64/iommu_api.c)              */

/* mm_iommu_lookup(): the region containing [ua, ua + size), or -1 */
int
tcemodelMmIommuLookup(tcemodelMm *mm, guint64 ua, guint64 size)
{
    guint i;

    for (i = 0; mm && i < mm->regions->len; i++) {
        tcemodelRegion *r = &g_array_index(mm->regions, tcemodelRegion, i);

        if (r->ua <= ua && ua + size <= REGION_END(r))
            return i;
    }
    return -1;
}


/* mm_iommu_get(): the region exactly at @ua with @entries, used++ */
int
tcemodelMmIommuGet(tcemodelMm *mm, guint64 ua, guint64 entries)
{
    guint i;

    for (i = 0; mm && i < mm->regions->len; i++) {
        tcemodelRegion *r = &g_array_index(mm->regions, tcemodelRegion, i);

        if (r->ua == ua && r->entries == entries) {
            r->used++;
            return i;
        }
    }
    return -1;
}


/* mm_iommu_put() */
int
tcemodelMmIommuPut(tcemodelState *st, tcemodelMm *mm, int idx)
{
    tcemodelRegion *r = &g_array_index(mm->regions, tcemodelRegion, idx);
    guint64 entries = r->entries;

    if (r->used == 0)
        return -ENOENT;
    if (--r->used)
        return 0;
    /* still mapped: keep it */
    if (r->mapped != 1) {
        r->used++;
        return -EBUSY;
    }
    g_array_remove_index(mm->regions, idx);
    tcemodelMmAccount(st, mm->id, entries, false);
    return 0;
}


/* pin_user_pages(FOLL_WRITE): every page mapped and writable */
static bool
tcemodelRangeWritable(guint64 ua, guint64 size)
{
    g_autofree char *maps = NULL;
    g_auto(GStrv) lines = NULL;
    guint64 pos = ua;
    size_t i;

    if (tcemodelFileRead("/proc/self/maps", &maps) < 0)
        return false;
    lines = g_strsplit(maps, "\n", -1);
    for (i = 0; lines[i] && pos < ua + size; i++) {
        guint64 start;
        guint64 end;
        char perms[5];

        if (sscanf(lines[i], "%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER
                   "x %4s", &start, &end, perms) != 3)
            continue;
        if (start <= pos && pos < end) {
            if (perms[1] != 'w')
                return false;
            pos = end;
        }
    }
    return pos >= ua + size;
}


/* mm_iommu_new(): a new region of the container's mm */
int
tcemodelMmIommuNew(tcemodelState *st, tcemodelMm *mm, guint64 ua,
                  guint64 entries)
{
    tcemodelRegion r = { ua, entries, 1, 1 };
    guint i;
    int ret;

    if ((ret = tcemodelMmAccount(st, mm->id, entries, true)) < 0)
        return ret;
    if (!tcemodelRangeWritable(ua, entries << PS())) {
        tcemodelMmAccount(st, mm->id, entries, false);
        return -EFAULT;
    }
    for (i = 0; i < mm->regions->len; i++) {
        tcemodelRegion *r2 = &g_array_index(mm->regions, tcemodelRegion, i);

        if (r2->ua < ua + (entries << PS()) && ua < REGION_END(r2)) {
            tcemodelMmAccount(st, mm->id, entries, false);
            return -EINVAL;
        }
    }
    g_array_prepend_val(mm->regions, r);
    return 0;
}


/* move the mapped counters of the regions behind @n pages at @ua */
void
tcemodelMmIommuMapped(tcemodelMm *mm, guint64 ua, guint64 n,
                      unsigned int shift, bool inc)
{
    guint64 pg = 1ULL << shift;
    guint i;

    for (i = 0; mm && i < mm->regions->len; i++) {
        tcemodelRegion *r = &g_array_index(mm->regions, tcemodelRegion, i);
        guint64 first = r->ua > ua ? (r->ua - ua + pg - 1) / pg : 0;
        guint64 last = REGION_END(r) > ua ? (REGION_END(r) - ua) / pg : 0;
        guint64 cnt;

        last = MIN(last, n);
        if (last <= first)
            continue;
        cnt = last - first;
        if (inc)
            r->mapped += cnt;
        else
            r->mapped = MAX(r->mapped - MIN(cnt, r->mapped), 1);
    }
}


/*
 * KiB the model charged to the locked_vm of process @pid (its current
 * image for this process, else the newest mm of @pid), -1 on error.
 */
gint64
tcemodelMmLockedKiB(const char *root, pid_t pid)
{
    tcemodelState *st;
    tcemodelMm *best = NULL;
    guint64 start = tcemodelProcStart(pid);
    gint64 kib;
    size_t i;

    if (tcemodelStateOpen(root, false, &st) < 0)
        return -1;
    if (pid == getpid()) {
        best = tcemodelMmFind(st, tcemodelMmSelf());
    } else {
        for (i = 0; i < st->mms->len; i++) {
            tcemodelMm *mm = g_ptr_array_index(st->mms, i);

            if (mm->pid == pid && mm->start == start &&
                (!best || mm->seq > best->seq))
                best = mm;
        }
    }
    kib = best ? (best->locked << tcemodelPageShift()) >> 10 : 0;
    tcemodelStateClose(st);
    return kib;
}
