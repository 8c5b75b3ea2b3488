/*
 * qemu_driver.c: the domain API behind the CLI (define, lookup, list)
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "qemu_driver.h"
#include "qemu_domain.h"
#include "qemu_teardown.h"
#include "virerror.h"
#include "virfile.h"
#include "virinotify.h"
#include "viruuid.h"

static void qemuDriverCacheFree(qemuDriverCache *c);

qemuDriver *
qemuDriverOpen(GError **errp)
{
    g_autoptr(qemuDriver) drv = g_new0(qemuDriver, 1);

    if (!(drv->cfg = qemuDriverConfigNew(errp)) ||
        !(drv->store = virDomainStoreNew(drv->cfg->stateDir, errp)))
        return NULL;
    return g_steal_pointer(&drv);
}

void
qemuDriverClose(qemuDriver *drv)
{
    if (!drv)
        return;
    qemuDriverCacheFree(drv->cache);
    qemuDriverConfigFree(drv->cfg);
    virDomainStoreFree(drv->store);
    g_free(drv);
}

void
qemuDriverDomainFree(qemuDriverDomain *dom)
{
    if (!dom)
        return;
    virDomainDefFree(dom->def);
    qemuDomainStatusFree(dom->status);
    g_free(dom->shutoffReason);
    g_free(dom);
}

virDomainDef *
qemuDriverDefineXML(qemuDriver *drv, const char *xml, size_t len,
                    const char *filename, GPtrArray *warnings,
                    gboolean *replaced, GError **errp)
{
    g_autoptr(virDomainDef) def = NULL;
    gboolean ok;
    int lock;

    if (!(def = qemuDomainDefParseAndNormalize(xml, len, filename, warnings,
                                               errp)))
        return NULL;
    if ((lock = virDomainStoreLock(drv->store, errp)) < 0)
        return NULL;
    ok = virDomainStoreSave(drv->store, def, replaced, errp);
    close(lock);
    return ok ? g_steal_pointer(&def) : NULL;
}

gboolean
qemuDriverUndefine(qemuDriver *drv, const char *nameOrUUID, char **name,
                   GError **errp)
{
    g_autoptr(virDomainDef) def = NULL;
    gboolean ok;
    int lock;

    if ((lock = virDomainStoreLock(drv->store, errp)) < 0)
        return FALSE;
    ok = (def = virDomainStoreLookup(drv->store, nameOrUUID, errp)) &&
        virDomainStoreDelete(drv->store, def->name, errp);
    close(lock);
    if (ok)
        *name = g_strdup(def->name);
    return ok;
}

/* The runtime state of @name if a supervisor runs it; a status whose
 * supervisor died is recovered first */
static qemuDomainStatus *
qemuDriverLoadStatus(qemuDriver *drv, const char *name, GPtrArray *warnings)
{
    g_autofree char *path = qemuDomainStatusPath(drv->cfg, name, "status");
    g_autoptr(GError) err = NULL;
    qemuDomainStatus *st;

    /* no status: shut off, and nothing to recover */
    if (access(path, F_OK) < 0)
        return NULL;
    if (!qemuDomainStatusSupervised(drv->cfg, name)) {
        qemuTeardownRecover(drv->cfg, name, FALSE, warnings);
        if (!qemuDomainStatusSupervised(drv->cfg, name))
            return NULL;
    }
    if (!(st = qemuDomainStatusLoad(drv->cfg, name, &err)) && err)
        virWarningAdd(warnings, "%s", err->message);
    return st;
}

/* A domain as its files say: the definition, the supervisor's status
 * and the live definition in it */
typedef struct {
    virDomainDef *persistent;       /* NULL: transient */
    qemuDomainStatus *status;       /* NULL: shut off */
    virDomainDef *live;             /* NULL: shut off, or unparsable */
    char *shutoffReason;            /* RUNDIR/qemu/NAME.shutoff */
} qemuDriverEntry;

static void
qemuDriverEntryFree(qemuDriverEntry *e)
{
    virDomainDefFree(e->persistent);
    qemuDomainStatusFree(e->status);
    virDomainDefFree(e->live);
    g_free(e->shutoffReason);
    g_free(e);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuDriverEntry, qemuDriverEntryFree);

/* NULL without an error when domain @name neither is defined nor runs */
static qemuDriverEntry *
qemuDriverEntryLoad(qemuDriver *drv, const char *name, GPtrArray *warnings,
                    GError **errp)
{
    g_autoptr(qemuDriverEntry) e = g_new0(qemuDriverEntry, 1);
    g_autoptr(GError) lerr = NULL;
    qemuDomainStatus *st;

    if (!(e->persistent = virDomainStoreLoad(drv->store, name, &lerr)) &&
        lerr) {
        g_propagate_error(errp, g_steal_pointer(&lerr));
        return NULL;
    }
    if ((st = e->status = qemuDriverLoadStatus(drv, name, warnings)) &&
        st->defXML && *st->defXML &&
        !(e->live = virDomainDefParseString(st->defXML, strlen(st->defXML),
                                            "(live definition)", &lerr)))
        virWarningAdd(warnings, "the live definition of '%s' does not "
                      "parse: %s", name, lerr->message);
    if (!e->persistent && !e->live)
        return NULL;
    if (!st)
        e->shutoffReason = qemuDomainStatusShutoffReason(drv->cfg, name);
    return g_steal_pointer(&e);
}

/* What the caller gets: references, never the cache's own structure */
static qemuDriverDomain *
qemuDriverDomainNew(const qemuDriverEntry *e, gboolean inactive)
{
    virDomainDef *def = !inactive && e->live ? e->live : e->persistent;
    qemuDriverDomain *dom;

    if (!def)
        return NULL;
    dom = g_new0(qemuDriverDomain, 1);
    dom->def = virDomainDefRef(def);
    dom->persistent = e->persistent != NULL;
    dom->status = e->status ? qemuDomainStatusRef(e->status) : NULL;
    dom->shutoffReason = g_strdup(e->shutoffReason);
    return dom;
}

/* ---- the daemon's cache --------------------------------------------
 *
 * A long-running caller (tcevirtd) keeps what it read, and one inotify
 * descriptor on the two directories says what changed.  Before every
 * use the queue is drained: a change finished before the call is seen,
 * whoever made it (the CLI, a supervisor, a supervisor dying: the kernel
 * closes its lock file).  An entry read while anything changed is not
 * kept, so the cache never holds what the files no longer say. */

struct _qemuDriverCache {
    GMutex lock;
    int fd;
    gboolean broken;                /* a directory went away: no caching */
    guint64 gen;                    /* changes seen */
    GHashTable *entries;            /* name -> qemuDriverEntry */
    GPtrArray *names;               /* sorted; NULL: list again */
};

static void
qemuDriverCacheEvent(const struct inotify_event *ev, gpointer data)
{
    qemuDriverCache *c = data;
    const char *dot;

    c->gen++;
    if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
        c->broken = TRUE;
        g_warning("a watched state directory was removed or moved; "
                  "tcevirtd reads the domains from disk on every call now");
    }
    if (c->broken || (ev->mask & IN_Q_OVERFLOW) || !ev->len) {
        g_hash_table_remove_all(c->entries);
        g_clear_pointer(&c->names, g_ptr_array_unref);
        return;
    }
    if (ev->mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO))
        g_clear_pointer(&c->names, g_ptr_array_unref);
    /* NAME.xml, NAME.status, NAME.lock, NAME.xml.tmp.PID, ...: a name may
     * contain dots itself, so every prefix that ends before a dot */
    for (dot = strchr(ev->name, '.'); dot; dot = strchr(dot + 1, '.')) {
        g_autofree char *name = g_strndup(ev->name, dot - ev->name);

        g_hash_table_remove(c->entries, name);
    }
}

/* Takes the lock and brings the cache up to date */
static void
qemuDriverCacheLock(qemuDriverCache *c)
{
    g_mutex_lock(&c->lock);
    virInotifyDrain(c->fd, qemuDriverCacheEvent, c);
}

gboolean
qemuDriverEnableCache(qemuDriver *drv, GError **errp)
{
    const guint32 mask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE |
                         IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB |
                         IN_DELETE_SELF | IN_MOVE_SELF;
    g_autofree qemuDriverCache *c = g_new0(qemuDriverCache, 1);

    if (!virFileMakeDirs(drv->cfg->qemuRunDir, errp))
        return FALSE;
    if ((c->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0 ||
        inotify_add_watch(c->fd, drv->store->configDir, mask) < 0 ||
        inotify_add_watch(c->fd, drv->cfg->qemuRunDir, mask) < 0) {
        virReportSystemError(errp, errno, "cannot watch %s and %s for "
                             "changes (raise fs.inotify.max_user_watches "
                             "or max_user_instances)",
                             drv->store->configDir, drv->cfg->qemuRunDir);
        if (c->fd >= 0)
            close(c->fd);
        return FALSE;
    }
    g_mutex_init(&c->lock);
    c->entries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) qemuDriverEntryFree);
    drv->cache = g_steal_pointer(&c);
    return TRUE;
}

static void
qemuDriverCacheFree(qemuDriverCache *c)
{
    if (!c)
        return;
    close(c->fd);
    g_hash_table_unref(c->entries);
    g_clear_pointer(&c->names, g_ptr_array_unref);
    g_mutex_clear(&c->lock);
    g_free(c);
}

/* Domain @name, from the cache when it has it; NULL without an error
 * when there is no such domain */
static qemuDriverDomain *
qemuDriverGet(qemuDriver *drv, const char *name, gboolean inactive,
              GPtrArray *warnings, GError **errp)
{
    qemuDriverCache *c = drv->cache;
    g_autoptr(qemuDriverEntry) e = NULL;
    const qemuDriverEntry *cached;
    qemuDriverDomain *dom;
    guint64 gen = 0;

    if (c) {
        qemuDriverCacheLock(c);
        if ((cached = g_hash_table_lookup(c->entries, name))) {
            dom = qemuDriverDomainNew(cached, inactive);
            g_mutex_unlock(&c->lock);
            return dom;
        }
        gen = c->gen;
        g_mutex_unlock(&c->lock);
    }
    if (!(e = qemuDriverEntryLoad(drv, name, warnings, errp)))
        return NULL;
    dom = qemuDriverDomainNew(e, inactive);
    if (c) {
        qemuDriverCacheLock(c);
        if (!c->broken && c->gen == gen)
            g_hash_table_replace(c->entries, g_strdup(name),
                                 g_steal_pointer(&e));
        g_mutex_unlock(&c->lock);
    }
    return dom;
}

/* The names of the defined domains and of those supervisors run */
static GPtrArray *
qemuDriverNames(qemuDriver *drv, GError **errp)
{
    qemuDriverCache *c = drv->cache;
    g_autoptr(GPtrArray) names = NULL;
    g_autoptr(GDir) dir = NULL;
    const char *ent;
    guint64 gen = 0;

    if (c) {
        qemuDriverCacheLock(c);
        if (c->names) {
            names = g_ptr_array_ref(c->names);
            g_mutex_unlock(&c->lock);
            return g_steal_pointer(&names);
        }
        gen = c->gen;
        g_mutex_unlock(&c->lock);
    }
    if (!(names = virDomainStoreNames(drv->store, errp)))
        return NULL;
    /* running domains whose definition was removed */
    dir = g_dir_open(drv->cfg->qemuRunDir, 0, NULL);
    while (dir && (ent = g_dir_read_name(dir))) {
        g_autofree char *name = NULL;

        if (ent[0] == '.' || !g_str_has_suffix(ent, ".status"))
            continue;
        name = g_strndup(ent, strlen(ent) - strlen(".status"));
        if (!g_ptr_array_find_with_equal_func(names, name, g_str_equal, NULL))
            g_ptr_array_add(names, g_steal_pointer(&name));
    }
    g_ptr_array_sort(names, virDomainStoreCompareName);
    if (c) {
        qemuDriverCacheLock(c);
        if (!c->broken && c->gen == gen && !c->names)
            c->names = g_ptr_array_ref(names);
        g_mutex_unlock(&c->lock);
    }
    return g_steal_pointer(&names);
}

qemuDriverDomain *
qemuDriverLookup(qemuDriver *drv, const char *nameOrUUID, gboolean inactive,
                 GPtrArray *warnings, GError **errp)
{
    unsigned char uuid[VIR_UUID_BUFLEN];
    g_autoptr(GError) lerr = NULL;
    qemuDriverDomain *dom = NULL;

    if (virDomainStoreCheckName(nameOrUUID, NULL) &&
        ((dom = qemuDriverGet(drv, nameOrUUID, inactive, warnings, &lerr)) ||
         lerr)) {
        if (lerr)
            g_propagate_error(errp, g_steal_pointer(&lerr));
        return dom;
    }
    if (virUUIDParse(nameOrUUID, uuid)) {
        g_autoptr(GPtrArray) all = NULL;
        guint i;

        if (!(all = qemuDriverListAll(drv, warnings, errp)))
            return NULL;
        for (i = 0; i < all->len; i++) {
            qemuDriverDomain *d = g_ptr_array_index(all, i);

            if (memcmp(d->def->uuid, uuid, VIR_UUID_BUFLEN) == 0) {
                if (!inactive)
                    return g_ptr_array_steal_index(all, i);
                if ((dom = qemuDriverGet(drv, d->def->name, TRUE, warnings,
                                         errp)) || (errp && *errp))
                    return dom;
                break;
            }
        }
    }
    virReportError(errp, VIR_ERR_NO_DOMAIN,
                   "no domain with matching name or uuid '%s'; "
                   "'tcevirt list --all' shows the defined domains",
                   nameOrUUID);
    return NULL;
}

GPtrArray *
qemuDriverListAll(qemuDriver *drv, GPtrArray *warnings, GError **errp)
{
    g_autoptr(GPtrArray) names = NULL;
    g_autoptr(GPtrArray) doms =
        g_ptr_array_new_with_free_func((GDestroyNotify) qemuDriverDomainFree);
    guint i;

    if (!(names = qemuDriverNames(drv, errp)))
        return NULL;
    for (i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_autoptr(GError) err = NULL;
        qemuDriverDomain *dom;

        if ((dom = qemuDriverGet(drv, name, FALSE, warnings, &err)))
            g_ptr_array_add(doms, dom);
        else if (err)
            virWarningAdd(warnings, "skipping domain '%s': %s", name,
                          err->message);
    }
    return g_steal_pointer(&doms);
}
