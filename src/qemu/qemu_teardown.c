/*
 * qemu_teardown.c: leave the host as it was found when a domain stops
 */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qemu_identity.h"
#include "qemu_tce.h"
#include "qemu_teardown.h"
#include "qemu_command.h"
#include "virerror.h"
#include "virfile.h"
#include "virhostdev.h"
#include "virpci.h"
#include "virprocess.h"
#include "virvfio.h"

#define QEMU_TEARDOWN_KILL_WAIT_MS 10000
#define QEMU_TEARDOWN_GROUP_WAIT_MS 30000

static gint
qemuCompareInt(gconstpointer a, gconstpointer b)
{
    return *(const int *) a - *(const int *) b;
}

GArray *
qemuDomainHostdevGroups(const virDomainDef *def)
{
    GArray *groups = g_array_new(FALSE, FALSE, sizeof(int));
    size_t i;
    guint j;

    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(def->hostdevs, i);
        int group = virPCIDeviceGetIOMMUGroup(&h->source, NULL);
        gboolean seen = FALSE;

        for (j = 0; j < groups->len; j++)
            seen |= g_array_index(groups, int, j) == group;
        if (group >= 0 && !seen)
            g_array_append_val(groups, group);
    }
    g_array_sort(groups, qemuCompareInt);
    return groups;
}

/* QEMU is not our child here (or no longer): signal, wait on its pidfd */
static gboolean
qemuTeardownKill(qemuDomainStatus *st, gboolean wait, GPtrArray *warnings)
{
    gint64 deadline = g_get_monotonic_time() +
        (wait ? QEMU_TEARDOWN_KILL_WAIT_MS * G_TIME_SPAN_MILLISECOND : 0);

    if (st->qemuPid <= 0 || !virProcessIsAlive(st->qemuPid, st->qemuStart))
        return TRUE;
    kill(st->qemuPid, SIGKILL);
    if (!wait && !virProcessWaitExit(st->qemuPid, st->qemuStart,
                                     g_get_monotonic_time())) {
        virWarningAdd(warnings, "device release pending: QEMU of domain '%s' "
                      "(pid %d) is still exiting; the next command finishes "
                      "its teardown", st->name, (int) st->qemuPid);
        return FALSE;
    }
    if (wait && !virProcessWaitExit(st->qemuPid, st->qemuStart, deadline)) {
        virWarningAdd(warnings, "QEMU of domain '%s' (pid %d) did not "
                      "exit within %d s of SIGKILL; its host devices stay "
                      "claimed until it does", st->name,
                      (int) st->qemuPid, QEMU_TEARDOWN_KILL_WAIT_MS / 1000);
        return FALSE;
    }
    return TRUE;
}

static gboolean
qemuTeardownRestoreOwners(qemuDomainStatus *st, GPtrArray *warnings)
{
    gboolean ok = TRUE;
    guint i;

    for (i = 0; i < st->owners->len; i++) {
        qemuStatusOwner *own = g_ptr_array_index(st->owners, i);

        if ((chown(own->path, own->uid, own->gid) < 0 ||
             chmod(own->path, own->mode)) && errno != ENOENT) {
            virWarningAdd(warnings, "cannot restore owner %u:%u mode %04o of "
                          "%s: %s", (unsigned) own->uid, (unsigned) own->gid,
                          own->mode, own->path, g_strerror(errno));
            ok = FALSE;
        }
    }
    return ok;
}

/* the directory of file-backed guest RAM (QEMU unlinks its file at once;
 * a QEMU killed in between leaves it) */
static void
qemuTeardownRemoveMemory(const qemuDriverConfig *cfg, const virDomainDef *def)
{
    qemuCommandConfig ccfg = { .hugepagesDir = cfg->hugepagesDir,
                               .memoryDir = cfg->memoryDir };
    g_autofree char *dir = def ? qemuDomainMemoryPath(def, &ccfg) : NULL;
    g_autoptr(GDir) d = dir ? g_dir_open(dir, 0, NULL) : NULL;
    const char *ent;

    while (d && (ent = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, ent, NULL);

        unlink(path);
    }
    if (dir)
        rmdir(dir);
}

/* the listening unix chardevs the supervisor bound (QEMU got them by fd
 * and does not know their paths) */
static void
qemuTeardownRemoveSockets(const virDomainDef *def)
{
    GPtrArray *lists[3];
    guint i, j;

    if (!def)
        return;
    lists[0] = def->serials;
    lists[1] = def->consoles;
    lists[2] = def->channels;
    for (i = 0; i < G_N_ELEMENTS(lists); i++) {
        for (j = 0; j < lists[i]->len; j++) {
            const virDomainChrDef *chr = g_ptr_array_index(lists[i], j);
            struct stat sb;

            if (chr->type == VIR_DOMAIN_CHR_TYPE_UNIX && chr->listen &&
                chr->path && lstat(chr->path, &sb) == 0 && S_ISSOCK(sb.st_mode))
                unlink(chr->path);
        }
    }
}

static void
qemuTeardownRemoveRuntime(const qemuDriverConfig *cfg, const char *name)
{
    g_autofree char *dir = g_build_filename(cfg->qemuRunDir, name, NULL);
    g_autofree char *status = qemuDomainStatusPath(cfg, name, "status");
    g_autofree char *ctl = qemuDomainStatusPath(cfg, name, "ctl");
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;

    while (d && (ent = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, ent, NULL);

        unlink(path);
    }
    rmdir(dir);
    unlink(ctl);
    /* the last record of the domain: gone for good once this returns */
    virFileRemove(status);
}

gboolean
qemuTeardown(const qemuDriverConfig *cfg, qemuDomainStatus *st,
             const char *reason, gboolean wait, GPtrArray *warnings)
{
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virHostdevManager) mgr = NULL;
    g_autoptr(GArray) groups = NULL;
    g_autoptr(GError) err = NULL;
    gboolean ok = TRUE;
    guint i;

    if (!qemuTeardownKill(st, wait, warnings))
        return FALSE;
    if (st->defXML && *st->defXML &&
        !(def = virDomainDefParseString(st->defXML, strlen(st->defXML),
                                        "(live definition)", &err))) {
        virWarningAdd(warnings, "the live definition of '%s' in its runtime "
                      "state does not parse (%s); its host devices must be "
                      "reattached with 'tcevirt nodedev-reattach'", st->name,
                      err->message);
        g_clear_error(&err);
        ok = FALSE;
    }
    if (def && def->hostdevs->len) {
        if (!(mgr = virHostdevManagerNew(cfg->stateDir, &err))) {
            virWarningAdd(warnings, "%s", err->message);
            return FALSE;
        }
        groups = qemuDomainHostdevGroups(def);
        for (i = 0; i < groups->len; i++) {
            int group = g_array_index(groups, int, i);
            g_autofree char *owner = virHostdevGroupOwner(mgr, group);

            /* only this domain's claims: another domain may hold a group
             * this one failed to claim */
            if (!owner || !g_str_equal(owner, st->name))
                continue;
            if (!wait && virVFIOGroupProbe(group, NULL) == VIR_VFIO_GROUP_BUSY) {
                virWarningAdd(warnings, "device release pending: group %d of "
                              "domain '%s' is still open; the next command "
                              "finishes its teardown", group, st->name);
                return FALSE;
            }
            if (!virVFIOGroupWaitReleased(group, QEMU_TEARDOWN_GROUP_WAIT_MS,
                                          &err)) {
                virWarningAdd(warnings, "%s", err->message);
                return FALSE;
            }
        }
        if (!virHostdevReleaseDomain(mgr, def, &err)) {
            virWarningAdd(warnings, "cannot release the host devices of "
                          "domain '%s': %s", st->name, err->message);
            return FALSE;
        }
    }
    virProcessCrashPoint("hostdevs-released");
    ok &= qemuTeardownRestoreOwners(st, warnings);
    if (!ok)
        return FALSE;
    virProcessCrashPoint("owners-restored");
    qemuTCEDisarmEvidence(st->name);
    /* nothing of this domain's uid is left: QEMU is gone, owners restored */
    if (st->qemuUid)
        qemuIdentityRelease(cfg, st->name, st->qemuUid);
    qemuTeardownRemoveMemory(cfg, def);
    qemuTeardownRemoveSockets(def);
    qemuTeardownRemoveRuntime(cfg, st->name);
    if (!qemuDomainStatusSetShutoff(cfg, st->name, reason, &err))
        virWarningAdd(warnings, "%s", err->message);
    return TRUE;
}

gboolean
qemuTeardownRecover(const qemuDriverConfig *cfg, const char *name,
                    gboolean wait, GPtrArray *warnings)
{
    g_autoptr(qemuDomainStatus) st = NULL;
    g_autoptr(GError) err = NULL;
    gboolean ok;
    int lock;

    /* holding the domain's lock: no supervisor can be running it */
    if ((lock = qemuDomainStatusLock(cfg, name)) < 0)
        return TRUE;
    if (!(st = qemuDomainStatusLoad(cfg, name, &err))) {
        if (err)
            virWarningAdd(warnings, "%s", err->message);
        close(lock);
        return !err;
    }
    virWarningAdd(warnings, "the supervisor of domain '%s' (pid %d) is gone; "
                  "finishing its teardown", name, (int) st->supervisorPid);
    ok = qemuTeardown(cfg, st, "crashed", wait, warnings);
    close(lock);
    return ok;
}
