/*
 * qemu_driver.c: the domain API behind the CLI (define, lookup, list)
 */
#include <config.h>

#include <string.h>
#include <unistd.h>

#include "qemu_driver.h"
#include "qemu_domain.h"
#include "qemu_teardown.h"
#include "virerror.h"
#include "viruuid.h"

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
    g_autoptr(GError) err = NULL;
    qemuDomainStatus *st;

    if (!qemuDomainStatusSupervised(drv->cfg, name)) {
        qemuTeardownRecover(drv->cfg, name, warnings);
        if (!qemuDomainStatusSupervised(drv->cfg, name))
            return NULL;
    }
    if (!(st = qemuDomainStatusLoad(drv->cfg, name, &err)) && err)
        virWarningAdd(warnings, "%s", err->message);
    return st;
}

static qemuDriverDomain *
qemuDriverDomainMake(virDomainDef *persistent,
                     qemuDomainStatus *st, gboolean inactive,
                     GPtrArray *warnings)
{
    g_autoptr(qemuDriverDomain) dom = g_new0(qemuDriverDomain, 1);
    g_autoptr(GError) err = NULL;

    dom->persistent = persistent != NULL;
    dom->status = st;
    if (st && !inactive && st->defXML && *st->defXML) {
        if (!(dom->def = virDomainDefParseString(st->defXML, strlen(st->defXML),
                                                 "(live definition)", &err)))
            virWarningAdd(warnings, "the live definition of '%s' does not "
                          "parse: %s", st->name, err->message);
    }
    if (!dom->def && persistent)
        dom->def = persistent;
    else
        virDomainDefFree(persistent);
    if (!dom->def)
        return NULL;
    return g_steal_pointer(&dom);
}

qemuDriverDomain *
qemuDriverLookup(qemuDriver *drv, const char *nameOrUUID, gboolean inactive,
                 GPtrArray *warnings, GError **errp)
{
    g_autoptr(GPtrArray) all = NULL;
    g_autoptr(GError) lerr = NULL;
    virDomainDef *def;
    guint i;

    if ((def = virDomainStoreLookup(drv->store, nameOrUUID, &lerr)))
        return qemuDriverDomainMake(def,
                                    qemuDriverLoadStatus(drv, def->name, warnings),
                                    inactive, warnings);
    /* a transient (undefined while running) domain */
    if (!(all = qemuDriverListAll(drv, warnings, errp)))
        return NULL;
    for (i = 0; i < all->len; i++) {
        qemuDriverDomain *dom = g_ptr_array_index(all, i);
        char uuid[VIR_UUID_STRING_BUFLEN];

        virUUIDFormat(dom->def->uuid, uuid);
        if (!dom->persistent && (g_str_equal(dom->def->name, nameOrUUID) ||
                                 g_ascii_strcasecmp(uuid, nameOrUUID) == 0))
            return g_ptr_array_steal_index(all, i);
    }
    g_propagate_error(errp, g_steal_pointer(&lerr));
    return NULL;
}

static gint
qemuDriverDomainCompare(gconstpointer a, gconstpointer b)
{
    const qemuDriverDomain *da = *(qemuDriverDomain * const *) a;
    const qemuDriverDomain *db = *(qemuDriverDomain * const *) b;

    return strcmp(da->def->name, db->def->name);
}

GPtrArray *
qemuDriverListAll(qemuDriver *drv, GPtrArray *warnings, GError **errp)
{
    g_autoptr(GPtrArray) defs = NULL;
    g_autoptr(GPtrArray) doms =
        g_ptr_array_new_with_free_func((GDestroyNotify) qemuDriverDomainFree);
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                       g_free, NULL);
    g_autoptr(GDir) dir = NULL;
    const char *ent;

    if (!(defs = virDomainStoreLoadAll(drv->store, warnings, errp)))
        return NULL;
    while (defs->len) {
        virDomainDef *def = g_ptr_array_steal_index(defs, 0);
        qemuDriverDomain *dom;

        g_hash_table_add(seen, g_strdup(def->name));
        dom = qemuDriverDomainMake(def,
                                   qemuDriverLoadStatus(drv, def->name, warnings),
                                   FALSE, warnings);
        if (dom)
            g_ptr_array_add(doms, dom);
    }
    /* running domains whose definition was removed */
    dir = g_dir_open(drv->cfg->qemuRunDir, 0, NULL);
    while (dir && (ent = g_dir_read_name(dir))) {
        g_autofree char *name = NULL;
        qemuDomainStatus *st;
        qemuDriverDomain *dom;

        if (!g_str_has_suffix(ent, ".status"))
            continue;
        name = g_strndup(ent, strlen(ent) - strlen(".status"));
        if (g_hash_table_contains(seen, name) ||
            !(st = qemuDriverLoadStatus(drv, name, warnings)))
            continue;
        if ((dom = qemuDriverDomainMake(NULL, st, FALSE, warnings)))
            g_ptr_array_add(doms, dom);
    }
    g_ptr_array_sort(doms, qemuDriverDomainCompare);
    return g_steal_pointer(&doms);
}
