/*
 * domain_store.h: persistent domain definitions
 *
 * One normalized domain XML per domain in STATEDIR/qemu/NAME.xml, written
 * atomically; STATEDIR/qemu/.lock serializes every change (define,
 * undefine, start) so names and UUIDs stay unique across processes.
 */
#pragma once

#include <glib.h>
#include "domain_conf.h"

typedef struct {
    char *configDir;                /* STATEDIR/qemu */
} virDomainStore;

virDomainStore *virDomainStoreNew(const char *stateDir, GError **errp);
void virDomainStoreFree(virDomainStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainStore, virDomainStoreFree);

/* Takes the store's lock; returns the fd to close to unlock */
int virDomainStoreLock(virDomainStore *store, GError **errp);

/* The definition of domain @name; NULL without an error when there is
 * none, with one when its file is unreadable, does not parse or names
 * another domain */
virDomainDef *virDomainStoreLoad(virDomainStore *store, const char *name,
                                 GError **errp);
/* NAME or UUID (any case, with or without dashes as libvirt prints it) */
virDomainDef *virDomainStoreLookup(virDomainStore *store, const char *nameOrUUID,
                                   GError **errp);
/* For g_ptr_array_sort() of domain names (char *) */
gint virDomainStoreCompareName(gconstpointer a, gconstpointer b);
/* The names of the stored definitions, sorted */
GPtrArray *virDomainStoreNames(virDomainStore *store, GError **errp);
/* Every readable definition sorted by name; unreadable files become
 * warnings naming the file */
GPtrArray *virDomainStoreLoadAll(virDomainStore *store, GPtrArray *warnings,
                                 GError **errp);
/* Checks name and UUID uniqueness against the stored definitions (a
 * definition with the same name and UUID is replaced; a definition
 * without <uuid> takes the UUID of the one it replaces) and writes it.
 * Call with the lock held.  *@replaced tells whether it existed. */
gboolean virDomainStoreSave(virDomainStore *store, virDomainDef *def,
                            gboolean *replaced, GError **errp);
gboolean virDomainStoreDelete(virDomainStore *store, const char *name,
                              GError **errp);
char *virDomainStoreConfigPath(virDomainStore *store, const char *name);
/* A name can be a file name: not empty, no '/', not starting with '.' */
gboolean virDomainStoreCheckName(const char *name, GError **errp);
