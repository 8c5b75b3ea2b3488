/*
 * domain_store.c: persistent domain definitions
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "domain_store.h"
#include "virerror.h"
#include "virfile.h"
#include "viruuid.h"

virDomainStore *
virDomainStoreNew(const char *stateDir, GError **errp)
{
    g_autoptr(virDomainStore) store = g_new0(virDomainStore, 1);

    store->configDir = g_build_filename(stateDir, "qemu", NULL);
    if (!virFileMakeDirs(store->configDir, errp))
        return NULL;
    return g_steal_pointer(&store);
}

void
virDomainStoreFree(virDomainStore *store)
{
    if (!store)
        return;
    g_free(store->configDir);
    g_free(store);
}

int
virDomainStoreLock(virDomainStore *store, GError **errp)
{
    g_autofree char *path = g_build_filename(store->configDir, ".lock", NULL);

    return virFileLockExclusive(path, errp);
}

char *
virDomainStoreConfigPath(virDomainStore *store, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(store->configDir, file, NULL);
}

gboolean
virDomainStoreCheckName(const char *name, GError **errp)
{
    const char *p;

    if (!name || !*name || name[0] == '.' || strchr(name, '/')) {
        virReportError(errp, VIR_ERR_INVALID_ARG,
                       "domain name '%s' cannot be used: it must not be "
                       "empty, start with '.' or contain '/'",
                       name ? name : "");
        return FALSE;
    }
    for (p = name; *p; p++) {
        if ((unsigned char) *p < 0x20) {
            virReportError(errp, VIR_ERR_INVALID_ARG,
                           "domain name '%s' cannot be used: it contains a "
                           "control character", name);
            return FALSE;
        }
    }
    if (strlen(name) > 200) {
        virReportError(errp, VIR_ERR_INVALID_ARG,
                       "domain name '%.40s...' is longer than 200 bytes", name);
        return FALSE;
    }
    return TRUE;
}

static virDomainDef *
virDomainStoreLoadFile(const char *path, GError **errp)
{
    g_autofree char *xml = NULL;
    g_autoptr(GError) lerr = NULL;
    gsize len;

    if (!g_file_get_contents(path, &xml, &len, &lerr)) {
        virReportError(errp, VIR_ERR_READ_FAILED,
                       "cannot read the definition %s: %s", path, lerr->message);
        return NULL;
    }
    return virDomainDefParseString(xml, len, path, errp);
}

gint
virDomainStoreCompareName(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char * const *) a, *(const char * const *) b);
}

virDomainDef *
virDomainStoreLoad(virDomainStore *store, const char *name, GError **errp)
{
    g_autofree char *path = virDomainStoreConfigPath(store, name);
    g_autoptr(virDomainDef) def = NULL;

    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return NULL;
    if (!(def = virDomainStoreLoadFile(path, errp)))
        return NULL;
    if (!g_str_equal(def->name, name)) {
        virReportError(errp, VIR_ERR_XML_ERROR,
                       "the definition %s names domain '%s'; rename the "
                       "file to %s.xml", path, def->name, def->name);
        return NULL;
    }
    return g_steal_pointer(&def);
}

GPtrArray *
virDomainStoreNames(virDomainStore *store, GError **errp)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GError) lerr = NULL;
    const char *ent;

    if (!(dir = g_dir_open(store->configDir, 0, &lerr))) {
        virReportError(errp, VIR_ERR_OPEN_FAILED,
                       "cannot list domain definitions in %s: %s",
                       store->configDir, lerr->message);
        return NULL;
    }
    while ((ent = g_dir_read_name(dir))) {
        if (ent[0] != '.' && g_str_has_suffix(ent, ".xml") &&
            strlen(ent) > strlen(".xml"))
            g_ptr_array_add(names, g_strndup(ent, strlen(ent) - strlen(".xml")));
    }
    g_ptr_array_sort(names, virDomainStoreCompareName);
    return g_steal_pointer(&names);
}

GPtrArray *
virDomainStoreLoadAll(virDomainStore *store, GPtrArray *warnings,
                      GError **errp)
{
    g_autoptr(GPtrArray) defs =
        g_ptr_array_new_with_free_func((GDestroyNotify) virDomainDefFree);
    g_autoptr(GPtrArray) names = NULL;
    guint i;

    if (!(names = virDomainStoreNames(store, errp)))
        return NULL;
    for (i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_autoptr(GError) ferr = NULL;
        virDomainDef *def;

        if ((def = virDomainStoreLoad(store, name, &ferr)))
            g_ptr_array_add(defs, def);
        else if (ferr)
            virWarningAdd(warnings, "skipping domain '%s': %s", name,
                          ferr->message);
    }
    return g_steal_pointer(&defs);
}

virDomainDef *
virDomainStoreLookup(virDomainStore *store, const char *nameOrUUID,
                     GError **errp)
{
    g_autoptr(GPtrArray) defs = NULL;
    unsigned char uuid[VIR_UUID_BUFLEN];
    size_t i;

    if (virDomainStoreCheckName(nameOrUUID, NULL)) {
        g_autoptr(GError) lerr = NULL;
        virDomainDef *def;

        if ((def = virDomainStoreLoad(store, nameOrUUID, &lerr)) || lerr) {
            if (lerr)
                g_propagate_error(errp, g_steal_pointer(&lerr));
            return def;
        }
    }
    if (virUUIDParse(nameOrUUID, uuid)) {
        if (!(defs = virDomainStoreLoadAll(store, NULL, errp)))
            return NULL;
        for (i = 0; i < defs->len; i++) {
            virDomainDef *def = g_ptr_array_index(defs, i);

            if (memcmp(def->uuid, uuid, VIR_UUID_BUFLEN) == 0)
                return g_ptr_array_steal_index(defs, i);
        }
    }
    virReportError(errp, VIR_ERR_NO_DOMAIN,
                   "no domain with matching name or uuid '%s'; "
                   "'tcevirt list --all' shows the defined domains",
                   nameOrUUID);
    return NULL;
}

gboolean
virDomainStoreSave(virDomainStore *store, virDomainDef *def,
                   gboolean *replaced, GError **errp)
{
    g_autoptr(GPtrArray) defs = NULL;
    g_autofree char *path = NULL;
    g_autofree char *xml = NULL;
    size_t i;

    *replaced = FALSE;
    if (!virDomainStoreCheckName(def->name, errp) ||
        !(defs = virDomainStoreLoadAll(store, NULL, errp)))
        return FALSE;
    for (i = 0; i < defs->len; i++) {
        virDomainDef *old = g_ptr_array_index(defs, i);
        gboolean sameName = g_str_equal(old->name, def->name);
        gboolean sameUUID = memcmp(old->uuid, def->uuid, VIR_UUID_BUFLEN) == 0;
        char uuidstr[VIR_UUID_STRING_BUFLEN];

        if (sameName && !sameUUID && def->uuidGenerated) {
            memcpy(def->uuid, old->uuid, VIR_UUID_BUFLEN);
            sameUUID = TRUE;
        }
        virUUIDFormat(old->uuid, uuidstr);
        if (sameName && !sameUUID) {
            virReportError(errp, VIR_ERR_OPERATION_FAILED,
                           "domain '%s' is already defined with uuid %s; "
                           "use that <uuid> to redefine it, or another name",
                           old->name, uuidstr);
            return FALSE;
        }
        if (sameUUID && !sameName) {
            virReportError(errp, VIR_ERR_OPERATION_FAILED,
                           "uuid %s already belongs to domain '%s'; remove "
                           "<uuid> to get a new one, or undefine '%s' first",
                           uuidstr, old->name, old->name);
            return FALSE;
        }
        if (sameName)
            *replaced = TRUE;
    }
    path = virDomainStoreConfigPath(store, def->name);
    xml = virDomainDefFormat(def);
    return virFileWriteAtomic(path, xml, errp);
}

gboolean
virDomainStoreDelete(virDomainStore *store, const char *name, GError **errp)
{
    g_autofree char *path = virDomainStoreConfigPath(store, name);

    if (!virFileRemove(path) && errno != ENOENT) {
        virReportSystemError(errp, errno, "cannot remove the definition %s",
                             path);
        return FALSE;
    }
    return TRUE;
}
