/*
 * virhostdev.c: ownership of host PCI devices across domains
 *
 * State under STATEDIR/hostdev, every change made under the flock of
 * STATEDIR/hostdev/lock and written atomically:
 *   groups/N       the claim of IOMMU group N: [claim] domain, uuid
 *   devices/BDF    a device tcevirt moved to vfio-pci: [device] driver
 *                  (its original driver, "" for none), owner (a domain or
 *                  "nodedev" for nodedev-detach); written before the move
 *   journal/NAME   an operation in progress for domain NAME: [journal] op
 *                  (prepare|release), pid and start time of the process,
 *                  groups and devices touched so far
 * A journal whose process is gone is finished by virHostdevRecover():
 * an interrupted prepare is rolled back, an interrupted release is
 * completed.  Either way the host ends as it was before the domain.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "virhostdev.h"
#include "virerror.h"
#include "virfile.h"
#include "virpci.h"
#include "virprocess.h"

#define NODEDEV_OWNER "nodedev"

virHostdevManager *
virHostdevManagerNew(const char *stateDir, GError **errp)
{
    g_autoptr(virHostdevManager) mgr = g_new0(virHostdevManager, 1);
    const char *const sub[] = { "groups", "devices", "journal" };
    size_t i;

    mgr->stateDir = g_build_filename(stateDir, "hostdev", NULL);
    for (i = 0; i < G_N_ELEMENTS(sub); i++) {
        g_autofree char *dir = g_build_filename(mgr->stateDir, sub[i], NULL);
        if (!virFileMakeDirs(dir, errp))
            return NULL;
    }
    return g_steal_pointer(&mgr);
}

void
virHostdevManagerFree(virHostdevManager *mgr)
{
    if (!mgr)
        return;
    g_free(mgr->stateDir);
    g_free(mgr);
}

static char *
virHostdevPath(virHostdevManager *mgr, const char *kind, const char *name)
{
    return g_build_filename(mgr->stateDir, kind, name, NULL);
}

static int
virHostdevLock(virHostdevManager *mgr, GError **errp)
{
    g_autofree char *path = g_build_filename(mgr->stateDir, "lock", NULL);

    return virFileLockExclusive(path, errp);
}

static GKeyFile *
virHostdevLoad(const char *path)
{
    GKeyFile *kf = g_key_file_new();

    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL)) {
        g_key_file_free(kf);
        return NULL;
    }
    return kf;
}

static gboolean
virHostdevSave(const char *path, GKeyFile *kf, GError **errp)
{
    g_autofree char *data = g_key_file_to_data(kf, NULL, NULL);

    return virFileWriteAtomic(path, data, errp);
}

static char *
virHostdevGroupName(int group)
{
    return g_strdup_printf("%d", group);
}

char *
virHostdevGroupOwner(virHostdevManager *mgr, int group)
{
    g_autofree char *name = virHostdevGroupName(group);
    g_autofree char *path = virHostdevPath(mgr, "groups", name);
    g_autoptr(GKeyFile) kf = virHostdevLoad(path);

    return kf ? g_key_file_get_string(kf, "claim", "domain", NULL) : NULL;
}

static char *
virHostdevDeviceField(virHostdevManager *mgr, const virPCIDeviceAddress *addr,
                      const char *field)
{
    g_autofree char *bdf = virPCIDeviceAddressAsString(addr);
    g_autofree char *path = virHostdevPath(mgr, "devices", bdf);
    g_autoptr(GKeyFile) kf = virHostdevLoad(path);

    return kf ? g_key_file_get_string(kf, "device", field, NULL) : NULL;
}

char *
virHostdevOrigDriver(virHostdevManager *mgr, const virPCIDeviceAddress *addr)
{
    return virHostdevDeviceField(mgr, addr, "driver");
}

/* Records @addr's current driver before it is moved (kept if a record
 * exists: the first record knows the real original driver) */
static gboolean
virHostdevRecordDevice(virHostdevManager *mgr, const virPCIDeviceAddress *addr,
                       const char *owner, GError **errp)
{
    g_autofree char *bdf = virPCIDeviceAddressAsString(addr);
    g_autofree char *path = virHostdevPath(mgr, "devices", bdf);
    g_autofree char *drv = NULL;
    g_autoptr(GKeyFile) kf = virHostdevLoad(path);

    if (kf) {
        g_key_file_set_string(kf, "device", "owner", owner);
        return virHostdevSave(path, kf, errp);
    }
    kf = g_key_file_new();
    drv = virPCIDeviceGetDriver(addr);
    g_key_file_set_string(kf, "device", "driver", drv ? drv : "");
    g_key_file_set_string(kf, "device", "owner", owner);
    return virHostdevSave(path, kf, errp);
}

static void
virHostdevForgetDevice(virHostdevManager *mgr, const virPCIDeviceAddress *addr)
{
    g_autofree char *bdf = virPCIDeviceAddressAsString(addr);
    g_autofree char *path = virHostdevPath(mgr, "devices", bdf);

    virFileRemove(path);
}

/* Puts @addr back on its recorded driver and forgets the record */
static gboolean
virHostdevRestoreDevice(virHostdevManager *mgr,
                        const virPCIDeviceAddress *addr, GError **errp)
{
    g_autofree char *orig = virHostdevOrigDriver(mgr, addr);

    if (!virPCIDeviceBindToHost(addr, orig, errp))
        return FALSE;
    virHostdevForgetDevice(mgr, addr);
    return TRUE;
}

/* ---- journal ---- */

typedef struct {
    char *path;
    GKeyFile *kf;
} virHostdevJournal;

static void
virHostdevJournalFree(virHostdevJournal *j)
{
    if (!j)
        return;
    g_free(j->path);
    if (j->kf)
        g_key_file_free(j->kf);
    g_free(j);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virHostdevJournal, virHostdevJournalFree);

static virHostdevJournal *
virHostdevJournalBegin(virHostdevManager *mgr, const char *domain,
                       const char *op, GError **errp)
{
    g_autoptr(virHostdevJournal) j = g_new0(virHostdevJournal, 1);
    pid_t pid = getpid();

    j->path = virHostdevPath(mgr, "journal", domain);
    j->kf = g_key_file_new();
    g_key_file_set_string(j->kf, "journal", "op", op);
    g_key_file_set_string(j->kf, "journal", "domain", domain);
    g_key_file_set_integer(j->kf, "journal", "pid", pid);
    g_key_file_set_uint64(j->kf, "journal", "start",
                          virProcessGetStartTime(pid));
    if (!virHostdevSave(j->path, j->kf, errp))
        return NULL;
    return g_steal_pointer(&j);
}

static gboolean
virHostdevJournalAdd(virHostdevJournal *j, const char *key, const char *value,
                     GError **errp)
{
    g_auto(GStrv) old = g_key_file_get_string_list(j->kf, "journal", key,
                                                   NULL, NULL);
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    g_auto(GStrv) list = NULL;

    if (old)
        g_strv_builder_addv(b, (const char **) old);
    g_strv_builder_add(b, value);
    list = g_strv_builder_end(b);
    g_key_file_set_string_list(j->kf, "journal", key,
                               (const char *const *) list,
                               g_strv_length(list));
    return virHostdevSave(j->path, j->kf, errp);
}

static void
virHostdevJournalEnd(virHostdevJournal *j)
{
    virFileRemove(j->path);
}

/* Undo (prepare) or complete (release) what journal @kf recorded */
static gboolean
virHostdevJournalFinish(virHostdevManager *mgr, GKeyFile *kf,
                        GPtrArray *report, GError **errp)
{
    g_autofree char *op = g_key_file_get_string(kf, "journal", "op", NULL);
    g_autofree char *domain = g_key_file_get_string(kf, "journal", "domain",
                                                    NULL);
    g_auto(GStrv) devices = g_key_file_get_string_list(kf, "journal",
                                                       "devices", NULL, NULL);
    g_auto(GStrv) groups = g_key_file_get_string_list(kf, "journal", "groups",
                                                      NULL, NULL);
    size_t i;

    for (i = 0; devices && devices[i]; i++) {
        virPCIDeviceAddress addr;
        g_autofree char *owner = NULL;

        if (!virPCIDeviceAddressParse(devices[i], &addr))
            continue;
        owner = virHostdevDeviceField(mgr, &addr, "owner");
        if (!owner || !g_str_equal(owner, domain))
            continue;
        if (!virHostdevRestoreDevice(mgr, &addr, errp))
            return FALSE;
        virWarningAdd(report, "host PCI device %s returned to its driver "
                      "after an interrupted %s of domain '%s'", devices[i],
                      op ? op : "operation", domain);
    }
    for (i = 0; groups && groups[i]; i++) {
        g_autofree char *path = virHostdevPath(mgr, "groups", groups[i]);
        g_autoptr(GKeyFile) claim = virHostdevLoad(path);
        g_autofree char *owner = claim ?
            g_key_file_get_string(claim, "claim", "domain", NULL) : NULL;

        if (owner && g_str_equal(owner, domain)) {
            virFileRemove(path);
            virWarningAdd(report, "claim of IOMMU group %s by domain '%s' "
                          "dropped after an interrupted %s", groups[i],
                          domain, op ? op : "operation");
        }
    }
    return TRUE;
}

/* Finish journals of processes that died; caller holds the lock */
static gboolean
virHostdevRecoverLocked(virHostdevManager *mgr, GPtrArray *report,
                        GError **errp)
{
    g_autofree char *dir = g_build_filename(mgr->stateDir, "journal", NULL);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_autoptr(GKeyFile) kf = NULL;
        gint64 pid;
        guint64 start;

        if (strstr(name, ".tmp."))
            continue;
        if (!(kf = virHostdevLoad(path))) {
            virFileRemove(path);
            continue;
        }
        pid = g_key_file_get_int64(kf, "journal", "pid", NULL);
        start = g_key_file_get_uint64(kf, "journal", "start", NULL);
        if (pid == getpid() || virProcessIsAlive(pid, start))
            continue;
        if (!virHostdevJournalFinish(mgr, kf, report, errp))
            return FALSE;
        virFileRemove(path);
    }
    return TRUE;
}

gboolean
virHostdevRecover(virHostdevManager *mgr, GPtrArray *report, GError **errp)
{
    int lock = virHostdevLock(mgr, errp);
    gboolean ret;

    if (lock < 0)
        return FALSE;
    ret = virHostdevRecoverLocked(mgr, report, errp);
    close(lock);
    return ret;
}

/* ---- prepare ---- */

typedef struct {
    virDomainHostdevDef *hostdev;
    virPCIDevice *dev;
} virHostdevItem;

static gboolean
virHostdevDriverIsVFIO(const char *drv)
{
    return !drv || g_str_equal(drv, VIR_PCI_VFIO_DRIVER);
}

/* Checks that can be made before touching anything */
static gboolean
virHostdevCheck(virHostdevManager *mgr, const virDomainDef *def,
                GPtrArray *groups, GError **errp)
{
    size_t i, j;

    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(def->hostdevs, i);
        g_autoptr(virPCIDevice) dev = NULL;
        g_autoptr(GPtrArray) members = NULL;
        g_autofree char *owner = NULL;

        if (!(dev = virPCIDeviceNew(&h->source, errp)))
            return FALSE;
        if (dev->isBridge) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "host PCI device %s of domain '%s' is a PCI "
                           "bridge; only endpoint devices can be passed "
                           "through", dev->name, def->name);
            return FALSE;
        }
        if (dev->iommuGroup < 0) {
            virReportError(errp, VIR_ERR_OPERATION_INVALID,
                           "host PCI device %s of domain '%s' has no IOMMU "
                           "group; enable the host IOMMU for VFIO",
                           dev->name, def->name);
            return FALSE;
        }
        owner = virHostdevGroupOwner(mgr, dev->iommuGroup);
        if (owner && !g_str_equal(owner, def->name)) {
            virReportError(errp, VIR_ERR_OPERATION_INVALID,
                           "host PCI device %s is in IOMMU group %d, which "
                           "domain '%s' is using; stop that domain or remove "
                           "the device from domain '%s'", dev->name,
                           dev->iommuGroup, owner, def->name);
            return FALSE;
        }
        if (h->managed != VIR_TRISTATE_BOOL_YES &&
            !virHostdevDriverIsVFIO(dev->driver)) {
            virReportError(errp, VIR_ERR_OPERATION_INVALID,
                           "unmanaged host PCI device %s is bound to %s; "
                           "bind it to vfio-pci first (tcevirt nodedev-detach "
                           "%s) or make it managed='yes'", dev->name,
                           dev->driver, dev->name);
            return FALSE;
        }
        /* every other member of the group must be free of host drivers */
        if (!(members = virPCIIOMMUGroupMembers(dev->iommuGroup, errp)))
            return FALSE;
        for (j = 0; j < members->len; j++) {
            virPCIDeviceAddress *m = g_ptr_array_index(members, j);
            g_autofree char *drv = NULL;
            g_autofree char *mname = NULL;

            if (virDomainDefFindHostdev(def, m))
                continue;
            drv = virPCIDeviceGetDriver(m);
            if (virHostdevDriverIsVFIO(drv) || g_str_equal(drv, "pcieport"))
                continue;
            mname = virPCIDeviceAddressAsString(m);
            virReportError(errp, VIR_ERR_OPERATION_INVALID,
                           "IOMMU group %d of host PCI device %s is not "
                           "viable: %s in the same group is bound to host "
                           "driver %s; add %s to domain '%s' as a <hostdev> "
                           "or bind it to vfio-pci (tcevirt nodedev-detach "
                           "%s)", dev->iommuGroup, dev->name, mname, drv,
                           mname, def->name, mname);
            return FALSE;
        }
        for (j = 0; j < groups->len; j++) {
            if (GPOINTER_TO_INT(g_ptr_array_index(groups, j)) ==
                dev->iommuGroup)
                break;
        }
        if (j == groups->len)
            g_ptr_array_add(groups, GINT_TO_POINTER(dev->iommuGroup));
    }
    return TRUE;
}

static gboolean
virHostdevClaimGroup(virHostdevManager *mgr, const virDomainDef *def,
                     int group, GError **errp)
{
    g_autofree char *name = virHostdevGroupName(group);
    g_autofree char *path = virHostdevPath(mgr, "groups", name);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    char uuid[VIR_UUID_STRING_BUFLEN];

    virUUIDFormat(def->uuid, uuid);
    g_key_file_set_string(kf, "claim", "domain", def->name);
    g_key_file_set_string(kf, "claim", "uuid", uuid);
    return virHostdevSave(path, kf, errp);
}

/* Every member of every group is on vfio-pci or unbound */
static gboolean
virHostdevVerifyViable(const virDomainDef *def, GPtrArray *groups,
                       GError **errp)
{
    size_t i, j;

    for (i = 0; i < groups->len; i++) {
        int group = GPOINTER_TO_INT(g_ptr_array_index(groups, i));
        g_autoptr(GPtrArray) members = virPCIIOMMUGroupMembers(group, errp);

        if (!members)
            return FALSE;
        for (j = 0; j < members->len; j++) {
            virPCIDeviceAddress *m = g_ptr_array_index(members, j);
            g_autofree char *drv = virPCIDeviceGetDriver(m);
            g_autofree char *mname = NULL;

            if (virHostdevDriverIsVFIO(drv) || g_str_equal(drv, "pcieport"))
                continue;
            mname = virPCIDeviceAddressAsString(m);
            virReportError(errp, VIR_ERR_OPERATION_FAILED,
                           "IOMMU group %d is still not viable after the "
                           "detach: %s is bound to %s (domain '%s')", group,
                           mname, drv, def->name);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
virHostdevPrepareDomain(virHostdevManager *mgr, const virDomainDef *def,
                        GError **errp)
{
    g_autoptr(GPtrArray) groups = g_ptr_array_new();
    g_autoptr(virHostdevJournal) journal = NULL;
    g_autoptr(GError) lerr = NULL;
    gboolean ok = FALSE;
    int lock;
    size_t i;

    if ((lock = virHostdevLock(mgr, errp)) < 0)
        return FALSE;
    if (!virHostdevRecoverLocked(mgr, NULL, errp) ||
        !virHostdevCheck(mgr, def, groups, errp))
        goto out;
    if (!(journal = virHostdevJournalBegin(mgr, def->name, "prepare", errp)))
        goto out;

    for (i = 0; i < groups->len; i++) {
        int group = GPOINTER_TO_INT(g_ptr_array_index(groups, i));
        g_autofree char *name = virHostdevGroupName(group);

        if (!virHostdevJournalAdd(journal, "groups", name, &lerr) ||
            !virHostdevClaimGroup(mgr, def, group, &lerr))
            goto rollback;
    }
    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(def->hostdevs, i);
        g_autofree char *bdf = virPCIDeviceAddressAsString(&h->source);
        g_autofree char *drv = virPCIDeviceGetDriver(&h->source);

        if (h->managed != VIR_TRISTATE_BOOL_YES || virHostdevDriverIsVFIO(drv))
            continue;
        /* the original driver is on disk before the device moves */
        if (!virHostdevJournalAdd(journal, "devices", bdf, &lerr) ||
            !virHostdevRecordDevice(mgr, &h->source, def->name, &lerr) ||
            !virPCIDeviceBindToVFIO(&h->source, &lerr))
            goto rollback;
    }
    if (!virHostdevVerifyViable(def, groups, &lerr))
        goto rollback;
    virHostdevJournalEnd(journal);
    ok = TRUE;
    goto out;

 rollback:
    {
        g_autoptr(GError) rerr = NULL;

        if (!virHostdevJournalFinish(mgr, journal->kf, NULL, &rerr)) {
            /* keep the journal: the next tcevirt command tries again */
            virReportError(errp, lerr->code, "%s; undoing the prepare also "
                           "failed (%s) and is retried by the next tcevirt "
                           "command", lerr->message, rerr->message);
        } else {
            virHostdevJournalEnd(journal);
            g_propagate_error(errp, g_steal_pointer(&lerr));
        }
    }
 out:
    close(lock);
    return ok;
}

/* ---- release ---- */

static gboolean
virHostdevGroupHeld(int group)
{
    g_autofree char *path = g_strdup_printf("/dev/vfio/%d", group);
    int fd = open(path, O_RDWR | O_CLOEXEC);

    if (fd >= 0) {
        close(fd);
        return FALSE;
    }
    return errno == EBUSY;
}

/* @listed: only the groups of def->hostdevs, else every group the domain
 * claims */
static gboolean
virHostdevRelease(virHostdevManager *mgr, const virDomainDef *def,
                  gboolean listed, GError **errp)
{
    g_autoptr(GArray) only = g_array_new(FALSE, FALSE, sizeof(int));
    g_autoptr(virHostdevJournal) journal = NULL;
    g_autofree char *gdir = g_build_filename(mgr->stateDir, "groups", NULL);
    g_autoptr(GDir) d = NULL;
    const char *name;
    gboolean ok = FALSE;
    int lock;
    size_t i;

    for (i = 0; listed && i < def->hostdevs->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(def->hostdevs, i);
        int group = virPCIDeviceGetIOMMUGroup(&h->source, NULL);

        g_array_append_val(only, group);
    }
    if ((lock = virHostdevLock(mgr, errp)) < 0)
        return FALSE;
    if (!(journal = virHostdevJournalBegin(mgr, def->name, "release", errp)))
        goto out;
    d = g_dir_open(gdir, 0, NULL);
    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(gdir, name, NULL);
        g_autoptr(GKeyFile) kf = virHostdevLoad(path);
        g_autofree char *owner = kf ?
            g_key_file_get_string(kf, "claim", "domain", NULL) : NULL;
        gboolean wanted = !listed;
        guint k;

        for (k = 0; k < only->len; k++)
            wanted |= g_array_index(only, int, k) == atoi(name);
        if (!owner || !g_str_equal(owner, def->name) || !wanted)
            continue;
        if (virHostdevGroupHeld(atoi(name))) {
            virReportError(errp, VIR_ERR_OPERATION_INVALID,
                           "IOMMU group %s of domain '%s' is still held by a "
                           "process (is QEMU still running?); its devices "
                           "stay on vfio-pci until it is released", name,
                           def->name);
            goto out;
        }
        if (!virHostdevJournalAdd(journal, "groups", name, errp))
            goto out;
    }
    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(def->hostdevs, i);
        g_autofree char *bdf = virPCIDeviceAddressAsString(&h->source);

        if (!virHostdevJournalAdd(journal, "devices", bdf, errp))
            goto out;
    }
    if (!virHostdevJournalFinish(mgr, journal->kf, NULL, errp))
        goto out;
    virHostdevJournalEnd(journal);
    ok = TRUE;
 out:
    close(lock);
    return ok;
}

gboolean
virHostdevReleaseDomain(virHostdevManager *mgr, const virDomainDef *def,
                        GError **errp)
{
    return virHostdevRelease(mgr, def, FALSE, errp);
}

gboolean
virHostdevReleaseDevices(virHostdevManager *mgr, const virDomainDef *def,
                         GError **errp)
{
    return virHostdevRelease(mgr, def, TRUE, errp);
}

/* ---- nodedev ---- */

static gboolean
virHostdevCheckNotClaimed(virHostdevManager *mgr,
                          const virPCIDeviceAddress *addr, const char *verb,
                          GError **errp)
{
    g_autofree char *bdf = virPCIDeviceAddressAsString(addr);
    g_autofree char *owner = NULL;
    int group = virPCIDeviceGetIOMMUGroup(addr, errp);

    if (group < 0)
        return FALSE;
    if ((owner = virHostdevGroupOwner(mgr, group))) {
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "cannot %s host PCI device %s: its IOMMU group %d is "
                       "in use by domain '%s'", verb, bdf, group, owner);
        return FALSE;
    }
    return TRUE;
}

gboolean
virHostdevNodeDetach(virHostdevManager *mgr, const virPCIDeviceAddress *addr,
                     GError **errp)
{
    g_autoptr(virPCIDevice) dev = NULL;
    gboolean ok = FALSE;
    int lock;

    if ((lock = virHostdevLock(mgr, errp)) < 0)
        return FALSE;
    if (!virHostdevRecoverLocked(mgr, NULL, errp) ||
        !(dev = virPCIDeviceNew(addr, errp)) ||
        !virHostdevCheckNotClaimed(mgr, addr, "detach", errp))
        goto out;
    if (dev->isBridge) {
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "host PCI device %s is a PCI bridge and cannot be "
                       "detached for passthrough", dev->name);
        goto out;
    }
    if (!virHostdevDriverIsVFIO(dev->driver) &&
        !virHostdevRecordDevice(mgr, addr, NODEDEV_OWNER, errp))
        goto out;
    if (!virPCIDeviceBindToVFIO(addr, errp)) {
        g_autofree char *orig = virHostdevOrigDriver(mgr, addr);
        /* the device did not move: the record would only mislead */
        if (orig && dev->driver && g_str_equal(orig, dev->driver))
            virHostdevForgetDevice(mgr, addr);
        goto out;
    }
    ok = TRUE;
 out:
    close(lock);
    return ok;
}

gboolean
virHostdevNodeReattach(virHostdevManager *mgr, const virPCIDeviceAddress *addr,
                       GError **errp)
{
    gboolean ok = FALSE;
    int lock;

    if ((lock = virHostdevLock(mgr, errp)) < 0)
        return FALSE;
    if (!virHostdevRecoverLocked(mgr, NULL, errp) ||
        !virHostdevCheckNotClaimed(mgr, addr, "reattach", errp))
        goto out;
    ok = virHostdevRestoreDevice(mgr, addr, errp);
 out:
    close(lock);
    return ok;
}
