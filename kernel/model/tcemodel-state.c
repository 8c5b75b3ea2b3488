/*
 * tcemodel-state.c: objects of the fake host's /dev/vfio and /dev/kvm
 *
 * ROOT/model/objects.state (a GKeyFile) holds every open VFIO/KVM object
 * and every mm the model charged memory to; ROOT/model/files/INO are the
 * anchors whose open file descriptions the processes hold (see
 * tcemodel-vfio.h).  tcemodelStateOpen() takes the model lock, loads the
 * file and releases what is no longer held; tcemodelStateClose() writes
 * it back (if it changed) and drops the lock.
 *
 * The mm records (tcemodel-mm.c) are saved in the same file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "tcemodel-vfio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define TCEMODEL_STATE_FILE "/model/objects.state"
#define TCEMODEL_FILES_DIR "/model/files"

__thread int tcemodelInternal;

static const char *tcemodelObjKinds[] = {
    [TCEMODEL_OBJ_GROUP] = "group",
    [TCEMODEL_OBJ_CONTAINER] = "container",
    [TCEMODEL_OBJ_DEVICE] = "device",
    [TCEMODEL_OBJ_KVM] = "kvm",
    [TCEMODEL_OBJ_VM] = "vm",
    [TCEMODEL_OBJ_KVMDEV] = "kvm-vfio",
    [TCEMODEL_OBJ_STT] = "kvm-spapr-tce",
};

/* releases run in this order: whatever pins another object goes first */
static const tcemodelObjKind tcemodelReleaseOrder[] = {
    TCEMODEL_OBJ_DEVICE, TCEMODEL_OBJ_KVMDEV, TCEMODEL_OBJ_STT,
    TCEMODEL_OBJ_GROUP, TCEMODEL_OBJ_CONTAINER, TCEMODEL_OBJ_VM,
    TCEMODEL_OBJ_KVM,
};


unsigned int
tcemodelPageShift(void)
{
    static unsigned int shift;

    if (!shift)
        shift = g_bit_nth_lsf(sysconf(_SC_PAGESIZE), -1);
    return shift;
}


/* ------------------------------------------------------------------ */
/* host properties                                                     */

/* Set property @key of @info from "NUMBER"; false if @key is unknown */
bool
tcemodelIommuInfoSet(tcemodelIommuInfo *info, const char *key,
                     const char *val)
{
    const struct {
        const char *key;
        guint64 *val;
    } keys[] = {
        { "dma32_start", &info->dma32Start },
        { "dma32_size", &info->dma32Size },
        { "pgsizes", &info->pgsizes },
        { "windows", &info->windows },
        { "levels", &info->levels },
        { "ddw_start", &info->ddwStart },
        { "level_max", &info->levelMax },
        { "eeh", &info->eeh },
        { "kvm", &info->kvm },
        { "kvm_tce_vfio", &info->kvmTceVfio },
        { "kvm_release_warn", &info->kvmReleaseWarn },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(keys); i++) {
        if (g_str_equal(key, keys[i].key)) {
            *keys[i].val = g_ascii_strtoull(val, NULL, 0);
            return true;
        }
    }
    return false;
}


/* ROOT/model/iommu (KEY=VALUE lines) over the defaults */
int
tcemodelIommuInfoRead(const char *root, tcemodelIommuInfo *info)
{
    g_autofree char *path = tcemodelPath(root, "/model/iommu");
    g_autofree char *data = NULL;
    g_auto(GStrv) lines = NULL;
    size_t i;

    /* PowerNV POWER9 (PHB4) as Debian's 6.12 reports it in the lab */
    *info = (tcemodelIommuInfo) {
        .dma32Size = 0x80000000, .pgsizes = 0x40211000, .windows = 2,
        .levels = 5, .ddwStart = 1ULL << 59, .levelMax = 16 << 20, .eeh = 1,
        .kvmTceVfio = 1,
    };
    if (tcemodelFileRead(path, &data) < 0)
        return 0;

    lines = g_strsplit(data, "\n", -1);
    for (i = 0; lines[i]; i++) {
        char *eq = strchr(lines[i], '=');

        if (eq) {
            *eq = '\0';
            tcemodelIommuInfoSet(info, lines[i], eq + 1);
        }
    }
    return 0;
}


/* ------------------------------------------------------------------ */
/* objects                                                             */

static void
tcemodelObjFree(gpointer opaque)
{
    tcemodelObj *obj = opaque;
    size_t i;

    g_free(obj->mm);
    g_free(obj->bdf);
    g_array_unref(obj->groups);
    g_array_unref(obj->prereg);
    g_array_unref(obj->files);
    for (i = 0; i < TCEMODEL_TABLES; i++)
        tcemodelTableFree(&obj->tables[i]);
    g_free(obj);
}


static tcemodelObj *
tcemodelObjNew(guint64 ino, tcemodelObjKind kind)
{
    tcemodelObj *obj = g_new0(tcemodelObj, 1);

    obj->ino = ino;
    obj->kind = kind;
    obj->groups = g_array_new(FALSE, FALSE, sizeof(guint64));
    obj->prereg = g_array_new(FALSE, FALSE, sizeof(tcemodelRegion));
    obj->files = g_array_new(FALSE, FALSE, sizeof(guint64));
    return obj;
}


tcemodelObj *
tcemodelStateObj(tcemodelState *st, guint64 ino)
{
    size_t i;

    for (i = 0; ino && i < st->objs->len; i++) {
        tcemodelObj *obj = g_ptr_array_index(st->objs, i);

        if (obj->ino == ino)
            return obj;
    }
    return NULL;
}


/* ------------------------------------------------------------------ */
/* anchors                                                             */

static gint tcemodelAnchorSeq;

/* Inode of the anchor @fd refers to, 0 if it is not one (or no fd). */
guint64
tcemodelAnchorIno(const char *root, int fd)
{
    g_autofree char *dir = NULL;
    char name[32];
    struct stat fsb;
    struct stat sb;

    if (fstat(fd, &fsb) < 0 || !S_ISREG(fsb.st_mode))
        return 0;
    dir = tcemodelPath(root, TCEMODEL_FILES_DIR);
    if (stat(dir, &sb) < 0 || sb.st_dev != fsb.st_dev)
        return 0;
    g_snprintf(name, sizeof(name), "/%" G_GUINT64_FORMAT,
               (guint64)fsb.st_ino);
    g_free(g_steal_pointer(&dir));
    dir = tcemodelPath(root, TCEMODEL_FILES_DIR "%s", name);
    if (lstat(dir, &sb) < 0 || sb.st_ino != fsb.st_ino)
        return 0;
    return fsb.st_ino;
}


tcemodelObj *
tcemodelStateObjFd(tcemodelState *st, int fd, int *err)
{
    struct stat sb;
    guint64 ino;

    *err = 0;
    if (fd < 0 || fstat(fd, &sb) < 0) {
        *err = EBADF;
        return NULL;
    }
    if (!(ino = tcemodelAnchorIno(st->root, fd)))
        return NULL;
    return tcemodelStateObj(st, ino);
}


/* Does an open file description other than a fresh one hold @ino? */
static bool
tcemodelAnchorHeld(const char *root, guint64 ino)
{
    g_autofree char *path = tcemodelPath(root, TCEMODEL_FILES_DIR
                                         "/%" G_GUINT64_FORMAT, ino);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    bool held;

    if (fd < 0)
        return false;
    tcemodelPrivateFd(fd, true);
    held = flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
    tcemodelPrivateFd(fd, false);
    close(fd);
    return held;
}


/*
 * A new object of @kind: an anchor file opened with the access mode and
 * O_CLOEXEC of @flags, holding LOCK_SH.  Returns the fd (the caller's
 * file) or -errno.
 */
int
tcemodelStateAnchor(tcemodelState *st, tcemodelObjKind kind, int flags,
                    tcemodelObj **objp)
{
    g_autofree char *dir = tcemodelPath(st->root, TCEMODEL_FILES_DIR);
    g_autofree char *tmp = NULL;
    g_autofree char *path = NULL;
    struct stat sb;
    int fd;
    int ret;

    if ((ret = tcemodelMkdir(dir)) < 0)
        return ret;
    tmp = g_strdup_printf("%s/.new-%d-%u", dir, (int)getpid(),
                          (unsigned int)g_atomic_int_add(&tcemodelAnchorSeq, 1));
    fd = open(tmp, (flags & (O_ACCMODE | O_CLOEXEC)) | O_CREAT | O_EXCL |
              O_NOFOLLOW, 0666);
    if (fd < 0)
        return -errno;
    if (fchmod(fd, 0666) < 0 || flock(fd, LOCK_SH) < 0 || fstat(fd, &sb) < 0)
        goto error;
    path = g_strdup_printf("%s/%" G_GUINT64_FORMAT, dir, (guint64)sb.st_ino);
    if (rename(tmp, path) < 0)
        goto error;

    *objp = tcemodelObjNew(sb.st_ino, kind);
    g_ptr_array_add(st->objs, *objp);
    return fd;

 error:
    ret = -errno;
    unlink(tmp);
    close(fd);
    return ret;
}


/* Forget @obj and its anchor (after its release ran). */
void
tcemodelStateRemove(tcemodelState *st, tcemodelObj *obj)
{
    g_autofree char *path = tcemodelPath(st->root, TCEMODEL_FILES_DIR
                                         "/%" G_GUINT64_FORMAT, obj->ino);

    unlink(path);
    g_ptr_array_remove(st->objs, obj);
}


/* ------------------------------------------------------------------ */
/* serialisation                                                       */

static char *
tcemodelU64s(const guint64 *v, size_t n)
{
    GString *s = g_string_new(NULL);
    size_t i;

    for (i = 0; i < n; i++)
        g_string_append_printf(s, "%s0x%" G_GINT64_MODIFIER "x",
                               i ? ":" : "", v[i]);
    return g_string_free(s, FALSE);
}


static bool
tcemodelU64sParse(const char *str, guint64 *v, size_t n)
{
    g_auto(GStrv) parts = g_strsplit(str, ":", -1);
    size_t i;

    if (g_strv_length(parts) != n)
        return false;
    for (i = 0; i < n; i++)
        v[i] = g_ascii_strtoull(parts[i], NULL, 0);
    return true;
}


/* @arr holds records of @n guint64 each */
static void
tcemodelKeySetArray(GKeyFile *kf, const char *grp, const char *key,
                    GArray *arr, size_t n)
{
    g_autoptr(GPtrArray) strs = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    if (!arr || !arr->len)
        return;
    for (i = 0; i < arr->len; i++)
        g_ptr_array_add(strs, tcemodelU64s((guint64 *)(arr->data +
                                            i * g_array_get_element_size(arr)),
                                           n));
    g_key_file_set_string_list(kf, grp, key,
                               (const char * const *)strs->pdata, strs->len);
}


static void
tcemodelKeyGetArray(GKeyFile *kf, const char *grp, const char *key,
                    GArray *arr, size_t n)
{
    g_auto(GStrv) strs = g_key_file_get_string_list(kf, grp, key, NULL, NULL);
    guint64 v[8];
    size_t i;

    for (i = 0; strs && strs[i]; i++) {
        if (tcemodelU64sParse(strs[i], v, n))
            g_array_append_vals(arr, v, 1);
    }
}


static void
tcemodelKeySetU64(GKeyFile *kf, const char *grp, const char *key, guint64 v)
{
    if (v)
        g_key_file_set_uint64(kf, grp, key, v);
}


static guint64
tcemodelKeyGetU64(GKeyFile *kf, const char *grp, const char *key)
{
    return g_key_file_get_uint64(kf, grp, key, NULL);
}


static void
tcemodelObjSave(GKeyFile *kf, tcemodelObj *obj)
{
    g_autofree char *grp = g_strdup_printf("obj %" G_GUINT64_FORMAT,
                                           obj->ino);
    size_t i;

    g_key_file_set_string(kf, grp, "kind", tcemodelObjKinds[obj->kind]);
    if (obj->kind == TCEMODEL_OBJ_GROUP)
        g_key_file_set_integer(kf, grp, "group", obj->group);
    tcemodelKeySetU64(kf, grp, "gone", obj->gone);
    tcemodelKeySetU64(kf, grp, "container", obj->container);
    tcemodelKeySetU64(kf, grp, "eeh", obj->eeh);
    tcemodelKeySetU64(kf, grp, "iommu", obj->iommu);
    if (obj->mm)
        g_key_file_set_string(kf, grp, "mm", obj->mm);
    tcemodelKeySetU64(kf, grp, "enabled", obj->enabled);
    tcemodelKeySetU64(kf, grp, "pending", obj->pending);
    tcemodelKeySetArray(kf, grp, "groups", obj->groups, 1);
    tcemodelKeySetArray(kf, grp, "prereg", obj->prereg, 4);
    for (i = 0; i < TCEMODEL_TABLES; i++) {
        tcemodelTable *tbl = &obj->tables[i];
        g_autofree char *key = g_strdup_printf("table%zu", i);
        g_autofree char *tkey = g_strdup_printf("tces%zu", i);
        guint64 v[] = { tbl->shift, tbl->levels, tbl->offset, tbl->size,
                        tbl->pages };
        g_autofree char *val = tcemodelU64s(v, G_N_ELEMENTS(v));

        if (!tbl->used)
            continue;
        g_key_file_set_string(kf, grp, key, val);
        tcemodelKeySetArray(kf, grp, tkey, tbl->tces, 3);
    }
    tcemodelKeySetU64(kf, grp, "owner", obj->owner);
    if (obj->bdf)
        g_key_file_set_string(kf, grp, "bdf", obj->bdf);
    tcemodelKeySetArray(kf, grp, "files", obj->files, 1);
    tcemodelKeySetU64(kf, grp, "liobn", obj->liobn);
    tcemodelKeySetU64(kf, grp, "tce_shift", obj->tceShift);
    tcemodelKeySetU64(kf, grp, "tce_offset", obj->tceOffset);
    tcemodelKeySetU64(kf, grp, "tce_size", obj->tceSize);
    tcemodelKeySetU64(kf, grp, "locked", obj->locked);
}


static tcemodelObj *
tcemodelObjLoad(GKeyFile *kf, const char *grp)
{
    g_autofree char *kind = g_key_file_get_string(kf, grp, "kind", NULL);
    tcemodelObj *obj;
    size_t i;
    size_t k;

    for (k = 0; k < TCEMODEL_OBJ_LAST; k++) {
        if (g_strcmp0(kind, tcemodelObjKinds[k]) == 0)
            break;
    }
    if (k == TCEMODEL_OBJ_LAST)
        return NULL;

    obj = tcemodelObjNew(g_ascii_strtoull(grp + 4, NULL, 10), k);
    obj->group = g_key_file_get_integer(kf, grp, "group", NULL);
    obj->gone = tcemodelKeyGetU64(kf, grp, "gone");
    obj->container = tcemodelKeyGetU64(kf, grp, "container");
    obj->eeh = tcemodelKeyGetU64(kf, grp, "eeh");
    obj->iommu = tcemodelKeyGetU64(kf, grp, "iommu");
    obj->mm = g_key_file_get_string(kf, grp, "mm", NULL);
    obj->enabled = tcemodelKeyGetU64(kf, grp, "enabled");
    obj->pending = tcemodelKeyGetU64(kf, grp, "pending");
    tcemodelKeyGetArray(kf, grp, "groups", obj->groups, 1);
    tcemodelKeyGetArray(kf, grp, "prereg", obj->prereg, 4);
    for (i = 0; i < TCEMODEL_TABLES; i++) {
        tcemodelTable *tbl = &obj->tables[i];
        g_autofree char *key = g_strdup_printf("table%zu", i);
        g_autofree char *tkey = g_strdup_printf("tces%zu", i);
        g_autofree char *val = g_key_file_get_string(kf, grp, key, NULL);
        guint64 v[5];

        if (!val || !tcemodelU64sParse(val, v, G_N_ELEMENTS(v)))
            continue;
        *tbl = (tcemodelTable) {
            .used = true, .shift = v[0], .levels = v[1], .offset = v[2],
            .size = v[3], .pages = v[4],
            .tces = g_array_new(FALSE, FALSE, sizeof(tcemodelTce)),
        };
        tcemodelKeyGetArray(kf, grp, tkey, tbl->tces, 3);
    }
    obj->owner = tcemodelKeyGetU64(kf, grp, "owner");
    obj->bdf = g_key_file_get_string(kf, grp, "bdf", NULL);
    tcemodelKeyGetArray(kf, grp, "files", obj->files, 1);
    obj->liobn = tcemodelKeyGetU64(kf, grp, "liobn");
    obj->tceShift = tcemodelKeyGetU64(kf, grp, "tce_shift");
    obj->tceOffset = tcemodelKeyGetU64(kf, grp, "tce_offset");
    obj->tceSize = tcemodelKeyGetU64(kf, grp, "tce_size");
    obj->locked = tcemodelKeyGetU64(kf, grp, "locked");
    return obj;
}


static char *
tcemodelStateFormat(tcemodelState *st)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    size_t i;

    g_key_file_set_uint64(kf, "model", "seq", st->seq);
    for (i = 0; i < st->mms->len; i++) {
        tcemodelMm *mm = g_ptr_array_index(st->mms, i);
        g_autofree char *grp = g_strdup_printf("mm %s", mm->id);

        g_key_file_set_int64(kf, grp, "pid", mm->pid);
        g_key_file_set_uint64(kf, grp, "start", mm->start);
        g_key_file_set_uint64(kf, grp, "seq", mm->seq);
        tcemodelKeySetU64(kf, grp, "locked", mm->locked);
        tcemodelKeySetArray(kf, grp, "regions", mm->regions, 4);
    }
    for (i = 0; i < st->objs->len; i++)
        tcemodelObjSave(kf, g_ptr_array_index(st->objs, i));
    return g_key_file_to_data(kf, NULL, NULL);
}


static void
tcemodelStateParse(tcemodelState *st, const char *data)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_auto(GStrv) groups = NULL;
    size_t i;

    if (!g_key_file_load_from_data(kf, data, -1, G_KEY_FILE_NONE, NULL))
        return;
    st->seq = tcemodelKeyGetU64(kf, "model", "seq");
    groups = g_key_file_get_groups(kf, NULL);
    for (i = 0; groups[i]; i++) {
        const char *grp = groups[i];
        tcemodelObj *obj;

        if (g_str_has_prefix(grp, "mm ")) {
            tcemodelMm *mm = g_new0(tcemodelMm, 1);

            mm->id = g_strdup(grp + 3);
            mm->pid = g_key_file_get_int64(kf, grp, "pid", NULL);
            mm->start = tcemodelKeyGetU64(kf, grp, "start");
            mm->seq = tcemodelKeyGetU64(kf, grp, "seq");
            mm->locked = tcemodelKeyGetU64(kf, grp, "locked");
            mm->regions = g_array_new(FALSE, FALSE, sizeof(tcemodelRegion));
            tcemodelKeyGetArray(kf, grp, "regions", mm->regions, 4);
            g_ptr_array_add(st->mms, mm);
        } else if (g_str_has_prefix(grp, "obj ") &&
                   (obj = tcemodelObjLoad(kf, grp))) {
            g_ptr_array_add(st->objs, obj);
        }
    }
}


/* ------------------------------------------------------------------ */
/* load, release, save                                                 */

static void
tcemodelMarkAlive(tcemodelState *st, guint64 ino, bool *changed)
{
    tcemodelObj *obj = tcemodelStateObj(st, ino);

    if (obj && !obj->alive) {
        obj->alive = true;
        *changed = true;
    }
}


/*
 * Release every object that no open file description holds and no live
 * object references, in the kernel's order (device files before their
 * group, groups before their container, ...).
 */
static void
tcemodelStateCollect(tcemodelState *st)
{
    bool changed = true;
    size_t i;
    size_t k;
    size_t j;

    for (i = 0; i < st->objs->len; i++) {
        tcemodelObj *obj = g_ptr_array_index(st->objs, i);

        obj->alive = tcemodelAnchorHeld(st->root, obj->ino);
    }
    while (changed) {
        changed = false;
        for (i = 0; i < st->objs->len; i++) {
            tcemodelObj *obj = g_ptr_array_index(st->objs, i);

            if (!obj->alive)
                continue;
            tcemodelMarkAlive(st, obj->owner, &changed);
            tcemodelMarkAlive(st, obj->container, &changed);
            for (j = 0; obj->kind == TCEMODEL_OBJ_KVMDEV &&
                        j < obj->files->len; j++)
                tcemodelMarkAlive(st, g_array_index(obj->files, guint64, j),
                                  &changed);
        }
    }

    for (k = 0; k < G_N_ELEMENTS(tcemodelReleaseOrder); k++) {
        i = 0;
        while (i < st->objs->len) {
            tcemodelObj *obj = g_ptr_array_index(st->objs, i);

            if (obj->alive || obj->kind != tcemodelReleaseOrder[k]) {
                i++;
                continue;
            }
            tcemodelVfioRelease(st, obj);
            tcemodelStateRemove(st, obj);
        }
    }
    tcemodelMmCollect(st);
}


/*
 * Lock the model (unless @locked: the caller holds ROOT/lock), load the
 * objects and release the dead ones.  0 or -errno.
 */
int
tcemodelStateOpen(const char *root, bool locked, tcemodelState **stp)
{
    g_autofree char *path = tcemodelPath(root, TCEMODEL_STATE_FILE);
    g_autofree char *data = NULL;
    tcemodelState *st;
    int lockfd = -1;

    if (!locked && (lockfd = tcemodelLockAcquire(root)) < 0)
        return lockfd;
    tcemodelInternal++;

    st = g_new0(tcemodelState, 1);
    st->root = g_strdup(root);
    st->lockfd = lockfd;
    st->objs = g_ptr_array_new_with_free_func(tcemodelObjFree);
    st->mms = g_ptr_array_new_with_free_func(tcemodelMmFree);
    tcemodelIommuInfoRead(root, &st->info);
    if (tcemodelFileRead(path, &data) == 0)
        tcemodelStateParse(st, data);
    st->loaded = g_steal_pointer(&data);
    tcemodelStateCollect(st);
    *stp = st;
    return 0;
}


/* Write the state back if it changed, unlock, free.  0 or -errno. */
int
tcemodelStateClose(tcemodelState *st)
{
    g_autofree char *path = tcemodelPath(st->root, TCEMODEL_STATE_FILE);
    g_autofree char *data = tcemodelStateFormat(st);
    int ret = 0;

    if (g_strcmp0(data, st->loaded ? st->loaded : "") != 0 &&
        (st->objs->len || st->mms->len || st->loaded))
        ret = tcemodelFileReplace(st->root, path, data, 0644);

    tcemodelLockRelease(st->lockfd);
    tcemodelInternal--;
    g_ptr_array_unref(st->objs);
    g_ptr_array_unref(st->mms);
    g_free(st->loaded);
    g_free(st->root);
    g_free(st);
    return ret;
}
