/*
 * qemu_hotplug.c: host devices added to and removed from a running QEMU
 *
 * Runs in the supervisor, with the guarantees of start: the device is
 * placed by the same normalization (a PHB already holding its group, else
 * a new spapr-pci-host-bridge), its group is preflighted and claimed and a
 * managed device moved to vfio-pci by the journaled host-device manager,
 * QEMU's RLIMIT_MEMLOCK is raised to the new bound before device_add, and
 * the group is lent to this QEMU only (the broker's groups, or the node in
 * DAC mode).  The live definition in the status names the device before
 * anything on the host changes, so a crash at any step leaves a teardown
 * that finds and returns it.  Removal asks the guest (device_del), waits
 * for QEMU's DEVICE_DELETED and for the kernel to let the group go before
 * the device goes back to its driver; a guest that does not answer leaves
 * everything lent and consistent.
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qemu_hotplug.h"
#include "qemu_command.h"
#include "qemu_domain.h"
#include "qemu_supervisor_priv.h"
#include "qemu_teardown.h"
#include "virerror.h"
#include "virhostdev.h"
#include "virpci.h"
#include "virprocess.h"
#include "virvfio.h"

/* how long the kernel may take to let a group go after DEVICE_DELETED */
#define QEMU_HOTPLUG_RELEASE_WAIT_MS 10000

/* A definition named like @def holding only @hostdevs (borrowed), for the
 * host-device manager */
static virDomainDef *
qemuHotplugSubDef(const virDomainDef *def, GPtrArray *hostdevs)
{
    virDomainDef *sub = virDomainDefNew();
    guint i;

    sub->name = g_strdup(def->name);
    memcpy(sub->uuid, def->uuid, sizeof(sub->uuid));
    g_ptr_array_unref(sub->hostdevs);
    sub->hostdevs = g_ptr_array_new();
    for (i = 0; i < hostdevs->len; i++)
        g_ptr_array_add(sub->hostdevs, g_ptr_array_index(hostdevs, i));
    return sub;
}

static gboolean
qemuHotplugHasPHB(const virDomainDef *def, unsigned int idx)
{
    guint i;

    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (virDomainControllerIsPHB(c) && c->idx == idx)
            return TRUE;
    }
    return FALSE;
}

/* QEMU's RLIMIT_MEMLOCK, now (prlimit: QEMU is not our process image) */
static gboolean
qemuHotplugSetMemlock(qemuSupervisor *sv, guint64 limit, GError **errp)
{
    struct rlimit rl = { limit, limit };

    if (limit == sv->memlock || !limit)
        return TRUE;
    if (limit == G_MAXUINT64)
        rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
    if (prlimit(sv->pid, RLIMIT_MEMLOCK, &rl, NULL) < 0) {
        if (errno == EPERM)
            virReportError(errp, VIR_ERR_OPERATION_DENIED,
                           "cannot raise the locked-memory limit of QEMU (pid "
                           "%d) of domain '%s' to %" G_GUINT64_FORMAT " KiB: "
                           "tcevirt needs CAP_SYS_RESOURCE for that, or give "
                           "the domain a <memtune><hard_limit> that covers "
                           "the device from the start", (int) sv->pid,
                           sv->st->name, limit / 1024);
        else
            virReportSystemError(errp, errno, "cannot set the locked-memory "
                                 "limit of QEMU (pid %d) of domain '%s' to %"
                                 G_GUINT64_FORMAT " KiB", (int) sv->pid,
                                 sv->st->name, limit / 1024);
        return FALSE;
    }
    qemuSupervisorLog(sv, "memlock of QEMU: %" G_GUINT64_FORMAT " -> %"
                      G_GUINT64_FORMAT " bytes", sv->memlock, limit);
    sv->memlock = limit;
    return TRUE;
}

/* The groups QEMU may open from now on: the broker's list, or in DAC mode
 * the node of each new group lent to QEMU's uid */
static gboolean
qemuHotplugLendGroups(qemuSupervisor *sv, const virDomainDef *def,
                      GError **errp)
{
    g_autoptr(GArray) groups = qemuDomainHostdevGroups(def);
    g_autofree unsigned int *list = NULL;
    guint i;

    if (!sv->broker)
        return qemuSupervisorLendGroups(sv, groups, errp);
    list = g_new0(unsigned int, groups->len + 1);
    for (i = 0; i < groups->len; i++)
        list[i] = g_array_index(groups, int, i);
    virSeccompBrokerSetGroups(sv->broker, list, groups->len);
    return TRUE;
}

/* DAC mode: the node of @group back to its owner (QEMU has closed it) */
static void
qemuHotplugUnlendGroup(qemuSupervisor *sv, int group)
{
    g_autofree char *path = virVFIOGroupPath(group);
    int i = qemuDomainStatusFindOwner(sv->st, path);
    qemuStatusOwner *own;

    if (i < 0)
        return;
    own = g_ptr_array_index(sv->st->owners, i);
    if (chown(path, own->uid, own->gid) < 0 || chmod(path, own->mode) < 0)
        qemuSupervisorLog(sv, "cannot give %s back: %s (the teardown "
                          "retries)", path, g_strerror(errno));
    else
        g_ptr_array_remove_index(sv->st->owners, i);
}

static void
qemuHotplugSetDef(qemuSupervisor *sv, virDomainDef *def)
{
    virDomainDef *old = sv->p->def;

    g_free(sv->st->defXML);
    sv->st->defXML = virDomainDefFormat(def);
    sv->p->def = def;
    virDomainDefFree(old);
}

/* The live definition with the device XML @devXML added, normalized as at
 * define: placement, aliases, the group of every host device */
static virDomainDef *
qemuHotplugMerge(const virDomainDef *def, const char *devXML, GError **errp)
{
    g_autofree char *xml = virDomainDefFormat(def);
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GString) merged = g_string_new(NULL);
    g_autofree char *what = g_strdup_printf("device XML for domain '%s'",
                                            def->name);
    const char *end = g_strrstr(xml, "</devices>");

    if (!end) {
        virReportError(errp, VIR_ERR_INTERNAL_ERROR,
                       "the live definition of '%s' has no <devices>",
                       def->name);
        return NULL;
    }
    g_string_append_len(merged, xml, end - xml);
    g_string_append(merged, devXML);
    g_string_append(merged, end);
    return qemuDomainDefParseAndNormalize(merged->str, merged->len, what,
                                          warnings, errp);
}

/* Everything but host devices and PHBs must be as it was */
static gboolean
qemuHotplugOnlyHostdevs(const virDomainDef *old, const virDomainDef *nd,
                        GError **errp)
{
    guint oldNets = 0, newNets = 0, i;

    for (i = 0; i < old->nets->len; i++)
        oldNets += ((virDomainNetDef *) g_ptr_array_index(old->nets, i))->type !=
                   VIR_DOMAIN_NET_TYPE_HOSTDEV;
    for (i = 0; i < nd->nets->len; i++)
        newNets += ((virDomainNetDef *) g_ptr_array_index(nd->nets, i))->type !=
                   VIR_DOMAIN_NET_TYPE_HOSTDEV;
    if (old->disks->len != nd->disks->len || oldNets != newNets ||
        old->serials->len != nd->serials->len ||
        old->consoles->len != nd->consoles->len ||
        old->channels->len != nd->channels->len ||
        old->videos->len != nd->videos->len ||
        old->inputs->len != nd->inputs->len) {
        virReportError(errp, VIR_ERR_OPERATION_UNSUPPORTED,
                       "only host PCI devices (<hostdev mode='subsystem' "
                       "type='pci'> or <interface type='hostdev'>) can be "
                       "attached to running domain '%s'", old->name);
        return FALSE;
    }
    return TRUE;
}

char *
qemuHotplugAttach(qemuSupervisor *sv, const char *devXML, GError **errp)
{
    const char *name = sv->st->name;
    g_autoptr(virDomainDef) nd = NULL;
    g_autoptr(virDomainDef) sub = NULL;
    g_autoptr(virHostdevManager) mgr = NULL;
    g_autoptr(GPtrArray) added = g_ptr_array_new();
    g_autoptr(GArray) newGroups = g_array_new(FALSE, FALSE, sizeof(int));
    g_autoptr(GArray) oldGroups = NULL;
    g_autoptr(GError) rerr = NULL;
    g_autofree char *oldXML = g_strdup(sv->st->defXML);
    g_autofree char *alias = NULL;
    const virDomainControllerDef *phb = NULL;
    guint64 oldLimit = sv->memlock;
    guint64 limit = 0;
    gboolean prepared = FALSE, phbAdded = FALSE, lent = FALSE;
    guint i, j;

    if (sv->killStage || !sv->mon || sv->pid <= 0) {
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "domain '%s' is stopping", name);
        return NULL;
    }
    if (!(nd = qemuHotplugMerge(sv->p->def, devXML, errp)) ||
        !qemuHotplugOnlyHostdevs(sv->p->def, nd, errp))
        return NULL;
    oldGroups = qemuDomainHostdevGroups(sv->p->def);
    for (i = 0; i < nd->hostdevs->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(nd->hostdevs, i);
        g_autofree char *bdf = virPCIDeviceAddressAsString(&h->source);
        gboolean known = FALSE;

        if (virDomainDefFindHostdev(sv->p->def, &h->source))
            continue;
        if (h->iommuGroup < 0) {
            virReportError(errp, VIR_ERR_OPERATION_INVALID,
                           "host device %s is not present on this host (no "
                           "/sys/bus/pci/devices/%s); it cannot be attached "
                           "to domain '%s'", bdf, bdf, name);
            return NULL;
        }
        g_ptr_array_add(added, h);
        for (j = 0; j < oldGroups->len; j++)
            known |= g_array_index(oldGroups, int, j) == h->iommuGroup;
        for (j = 0; j < newGroups->len; j++)
            known |= g_array_index(newGroups, int, j) == h->iommuGroup;
        if (!known)
            g_array_append_val(newGroups, h->iommuGroup);
        if (h->info.addr.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI &&
            !qemuHotplugHasPHB(sv->p->def, h->info.addr.pci.bus)) {
            for (j = 0; j < nd->controllers->len; j++) {
                virDomainControllerDef *c = g_ptr_array_index(nd->controllers, j);

                if (virDomainControllerIsPHB(c) && c->idx == h->info.addr.pci.bus)
                    phb = c;
            }
        }
    }
    if (added->len != 1) {
        virReportError(errp, added->len ? VIR_ERR_OPERATION_UNSUPPORTED :
                       VIR_ERR_OPERATION_INVALID, added->len ?
                       "attach one host device at a time to domain '%s'" :
                       "the device is already attached to domain '%s', or "
                       "the XML holds no host PCI device", name);
        return NULL;
    }
    alias = g_strdup(((virDomainHostdevDef *) g_ptr_array_index(added, 0))->info.alias);
    sub = qemuHotplugSubDef(nd, added);
    if (!(mgr = virHostdevManagerNew(sv->p->cfg->stateDir, errp)))
        return NULL;

    /* 1. the live definition names the device before the host changes */
    g_free(sv->st->defXML);
    sv->st->defXML = virDomainDefFormat(nd);
    if (!qemuDomainStatusSave(sv->p->cfg, sv->st, errp))
        goto rollback;
    virProcessCrashPoint("hotplug-recorded");
    /* 2. claim the group, the managed device to vfio-pci (journaled) */
    if (!virHostdevPrepareDomain(mgr, sub, errp))
        goto rollback;
    prepared = TRUE;
    virProcessCrashPoint("hotplug-prepared");
    /* 3. QEMU may lock what the new containers and tables will charge (a
     * <hard_limit> below it is the administrator's: warned, as at start) */
    if (!qemuSupervisorMemlock(sv, nd, newGroups, &limit, errp) ||
        (limit > sv->memlock && !qemuHotplugSetMemlock(sv, limit, errp)))
        goto rollback;
    /* 4. this QEMU, and only it, may open the group */
    lent = TRUE;
    if (!qemuHotplugLendGroups(sv, nd, errp))
        goto rollback;
    virProcessCrashPoint("hotplug-lent");
    /* 5. a new PHB first, then the device */
    if (phb) {
        g_autoptr(JsonObject) props = qemuBuildHotplugProps(nd, phb->info.alias,
                                                            errp);

        if (!props || !qemuMonitorDeviceAdd(sv->mon, props, errp))
            goto rollback;
        phbAdded = TRUE;
        qemuSupervisorLog(sv, "hotplug: PHB %s (index %u) added",
                          phb->info.alias, phb->targetIndex);
    }
    {
        g_autoptr(JsonObject) props = qemuBuildHotplugProps(nd, alias, errp);

        if (!props || !qemuMonitorDeviceAdd(sv->mon, props, errp))
            goto rollback;
    }
    virProcessCrashPoint("hotplug-added");
    qemuSupervisorLog(sv, "hotplug: host device %s attached", alias);
    qemuHotplugSetDef(sv, g_steal_pointer(&nd));
    qemuSupervisorSaveStatus(sv, sv->st->state, sv->st->reason);
    return g_steal_pointer(&alias);

 rollback:
    qemuSupervisorLog(sv, "hotplug of %s failed: %s; rolling back", alias,
                      errp && *errp ? (*errp)->message : "?");
    if (lent)
        qemuHotplugLendGroups(sv, sv->p->def, NULL);
    for (i = 0; lent && !sv->broker && i < newGroups->len; i++)
        qemuHotplugUnlendGroup(sv, g_array_index(newGroups, int, i));
    if (prepared) {
        /* QEMU closes a group whose device failed to realize */
        for (i = 0; i < newGroups->len; i++) {
            int group = g_array_index(newGroups, int, i);

            if (!virVFIOGroupWaitReleased(group, QEMU_HOTPLUG_RELEASE_WAIT_MS,
                                          &rerr)) {
                qemuSupervisorLog(sv, "%s; the device stays claimed until "
                                  "the domain stops", rerr->message);
                prepared = FALSE;
            }
        }
    }
    if (prepared && !virHostdevReleaseDevices(mgr, sub, &rerr))
        qemuSupervisorLog(sv, "%s", rerr->message);
    else if (prepared)
        virProcessCrashPoint("hotplug-rolled-back");
    if (oldLimit != sv->memlock)
        qemuHotplugSetMemlock(sv, oldLimit, NULL);
    if (phbAdded) {
        /* an empty PHB the guest may not give back: it stays, named in the
         * live definition */
        g_autoptr(virDomainDef) withPHB = NULL;
        g_autofree char *phbXML = NULL;

        phbXML = g_strdup_printf("<controller type='pci' index='%u' "
                                 "model='pci-root'><model name='"
                                 "spapr-pci-host-bridge'/><target index='%u'/>"
                                 "<alias name='%s'/></controller>", phb->idx,
                                 phb->targetIndex, phb->info.alias);
        if ((withPHB = qemuHotplugMerge(sv->p->def, phbXML, NULL)))
            qemuHotplugSetDef(sv, g_steal_pointer(&withPHB));
        else
            sv->st->defXML = g_steal_pointer(&oldXML);
    } else {
        g_free(sv->st->defXML);
        sv->st->defXML = g_steal_pointer(&oldXML);
    }
    qemuDomainStatusSave(sv->p->cfg, sv->st, NULL);
    return NULL;
}

/* The host device of the live definition @devXML names */
static virDomainHostdevDef *
qemuHotplugFindDevice(qemuSupervisor *sv, const char *devXML, GError **errp)
{
    virPCIDeviceAddress addr;
    virDomainHostdevDef *h;

    if (!qemuDomainHostdevXMLSource(devXML, sv->st->name, &addr, errp))
        return NULL;
    if (!(h = virDomainDefFindHostdev(sv->p->def, &addr))) {
        g_autofree char *bdf = virPCIDeviceAddressAsString(&addr);

        virReportError(errp, VIR_ERR_DEVICE_MISSING,
                       "running domain '%s' has no host "
                       "device %s", sv->st->name, bdf);
        return NULL;
    }
    return h;
}

/* After DEVICE_DELETED of @alias: wait for the kernel to let the group go,
 * then the device back to its driver, the group unlent, the limit lowered */
void
qemuHotplugRemoved(qemuSupervisor *sv, const char *alias)
{
    g_autoptr(virDomainDef) nd = NULL;
    g_autoptr(virDomainDef) sub = NULL;
    g_autoptr(GPtrArray) gone = g_ptr_array_new();
    g_autoptr(virHostdevManager) mgr = NULL;
    g_autoptr(GArray) none = g_array_new(FALSE, FALSE, sizeof(int));
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = virDomainDefFormat(sv->p->def);
    virDomainHostdevDef *h = NULL;
    guint64 limit = 0;
    int group;
    guint i;

    for (i = 0; i < sv->pendingDel->len; i++) {
        if (g_str_equal(g_ptr_array_index(sv->pendingDel, i), alias)) {
            g_ptr_array_remove_index(sv->pendingDel, i);
            break;
        }
    }
    /* normalized again, so that every host device knows its group */
    if (!(nd = qemuDomainDefParseAndNormalize(xml, strlen(xml),
                                              "(live definition)", NULL, &err)))
        goto fail;
    for (i = 0; i < nd->hostdevs->len && !h; i++) {
        virDomainHostdevDef *c = g_ptr_array_index(nd->hostdevs, i);

        if (g_strcmp0(c->info.alias, alias) == 0)
            h = c;
    }
    if (!h)
        return;             /* not a host device: nothing of ours to undo */
    group = virPCIDeviceGetIOMMUGroup(&h->source, NULL);
    qemuSupervisorLog(sv, "hot-unplug: QEMU deleted %s; waiting for the "
                      "kernel to release IOMMU group %d", alias, group);
    if (!virVFIOGroupWaitReleased(group, QEMU_HOTPLUG_RELEASE_WAIT_MS, &err))
        goto fail;
    virProcessCrashPoint("hotunplug-group-free");
    /* QEMU will not open it again */
    g_ptr_array_add(gone, h);
    sub = qemuHotplugSubDef(nd, gone);
    if (!(mgr = virHostdevManagerNew(sv->p->cfg->stateDir, &err)) ||
        !virHostdevReleaseDevices(mgr, sub, &err))
        goto fail;
    virProcessCrashPoint("hotunplug-released");
    g_clear_pointer(&sub, virDomainDefFree);
    qemuDomainRemoveHostdev(nd, h);
    qemuHotplugLendGroups(sv, nd, NULL);
    if (!sv->broker)
        qemuHotplugUnlendGroup(sv, group);
    if (qemuSupervisorMemlock(sv, nd, none, &limit, &err) && limit)
        qemuHotplugSetMemlock(sv, limit, NULL);
    g_clear_error(&err);
    qemuHotplugSetDef(sv, g_steal_pointer(&nd));
    qemuDomainStatusAddDeviceEvent(sv->st, TRUE, alias);
    qemuSupervisorSaveStatus(sv, sv->st->state, sv->st->reason);
    qemuSupervisorLog(sv, "hot-unplug: host device %s detached, IOMMU group "
                      "%d released", alias, group);
    return;

 fail:
    qemuSupervisorLog(sv, "hot-unplug of %s: %s; the device stays claimed "
                      "and lent until the domain stops", alias,
                      err ? err->message : "unknown error");
}

gboolean
qemuHotplugDetach(qemuSupervisor *sv, const char *devXML,
                  unsigned int timeoutSec, gboolean async, GError **errp)
{
    const virDomainDef *def = sv->p->def;
    virDomainHostdevDef *h;
    g_autofree char *alias = NULL;
    gint64 deadline;
    gboolean pending = FALSE;
    guint i;

    if (sv->killStage || !sv->mon || sv->pid <= 0) {
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "domain '%s' is stopping", sv->st->name);
        return FALSE;
    }
    if (!(h = qemuHotplugFindDevice(sv, devXML, errp)))
        return FALSE;
    alias = g_strdup(h->info.alias);
    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *o = g_ptr_array_index(def->hostdevs, i);

        if (o != h && o->iommuGroup == h->iommuGroup && h->iommuGroup >= 0) {
            g_autofree char *bdf = virPCIDeviceAddressAsString(&o->source);

            virReportError(errp, VIR_ERR_OPERATION_UNSUPPORTED,
                           "host device %s of domain '%s' shares IOMMU group "
                           "%d with %s, which stays: the group is released "
                           "only as a whole, when the domain stops", alias,
                           sv->st->name, h->iommuGroup, bdf);
            return FALSE;
        }
    }
    for (i = 0; i < sv->pendingDel->len; i++)
        pending |= g_str_equal(g_ptr_array_index(sv->pendingDel, i), alias);
    if (!qemuMonitorDeviceDel(sv->mon, alias, errp)) {
        /* asked before: QEMU says it is already in progress */
        if (!pending)
            return FALSE;
        g_clear_error(errp);
    }
    if (!pending)
        g_ptr_array_add(sv->pendingDel, g_strdup(alias));
    if (async)
        timeoutSec = MIN(timeoutSec, QEMU_HOTPLUG_ASYNC_WAIT);
    deadline = g_get_monotonic_time() + timeoutSec * G_TIME_SPAN_SECOND;
    qemuSupervisorLog(sv, "hot-unplug: asked the guest to release %s (%u s)",
                      alias, timeoutSec);
    for (;;) {
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;
        g_autoptr(qemuMonitorEvent) ev = NULL;
        const char *dev;

        if (left <= 0)
            break;
        if (!(ev = qemuMonitorWaitEvent(sv->mon, "DEVICE_DELETED",
                                        (int) MIN(left, G_MAXINT), NULL)))
            break;
        dev = json_object_get_string_member_with_default(ev->data, "device", "");
        qemuHotplugRemoved(sv, dev);
        if (g_str_equal(dev, alias))
            return TRUE;
    }
    if (async) {
        qemuSupervisorLog(sv, "hot-unplug: %s not released yet; the removal "
                          "completes when the guest releases it", alias);
        return TRUE;
    }
    qemuDomainStatusAddDeviceEvent(sv->st, FALSE, alias);
    qemuSupervisorSaveStatus(sv, sv->st->state, sv->st->reason);
    virReportError(errp, VIR_ERR_OPERATION_TIMEOUT,
                   "the guest of domain '%s' did not release host device %s "
                   "within %u s; it stays attached and lent (a pseries guest "
                   "needs rtas_errd and drmgr from powerpc-utils to release "
                   "it); detach again to retry", sv->st->name, alias,
                   timeoutSec);
    return FALSE;
}


void
qemuHotplugRefused(qemuSupervisor *sv, const char *alias)
{
    guint i;

    for (i = 0; i < sv->pendingDel->len; i++) {
        if (!g_str_equal(g_ptr_array_index(sv->pendingDel, i), alias))
            continue;
        g_ptr_array_remove_index(sv->pendingDel, i);
        qemuSupervisorLog(sv, "hot-unplug: the guest refused to release %s; "
                          "it stays attached", alias);
        qemuDomainStatusAddDeviceEvent(sv->st, FALSE, alias);
        qemuDomainStatusSave(sv->p->cfg, sv->st, NULL);
        return;
    }
}
