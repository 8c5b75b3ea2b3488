/*
 * qemu_driver.h: the domain API behind the CLI (define, lookup, list)
 */
#pragma once

#include <glib.h>

#include "domain_conf.h"
#include "domain_store.h"
#include "qemu_conf.h"
#include "qemu_status.h"

typedef struct _qemuDriverCache qemuDriverCache;

typedef struct {
    qemuDriverConfig *cfg;
    virDomainStore *store;
    qemuDriverCache *cache;         /* NULL: read the files every time */
} qemuDriver;

qemuDriver *qemuDriverOpen(GError **errp);
void qemuDriverClose(qemuDriver *drv);
/* For a long-running caller: keep the definitions and states read, and
 * read again only what inotify says changed.  The domains returned then
 * share their definitions and status with the cache and with other
 * threads: read them, never change them. */
gboolean qemuDriverEnableCache(qemuDriver *drv, GError **errp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuDriver, qemuDriverClose);

/* What `virsh define` does: parse, normalize, check uniqueness, persist.
 * A running domain keeps its live definition; the new one applies at the
 * next start. */
virDomainDef *qemuDriverDefineXML(qemuDriver *drv, const char *xml, size_t len,
                                  const char *filename, GPtrArray *warnings,
                                  gboolean *replaced, GError **errp);
gboolean qemuDriverUndefine(qemuDriver *drv, const char *nameOrUUID,
                            char **name, GError **errp);

/* One domain as list/dominfo see it */
typedef struct {
    virDomainDef *def;              /* live definition when running */
    gboolean persistent;
    qemuDomainStatus *status;       /* NULL when shut off */
    char *shutoffReason;            /* shut off: why (destroyed, ...), or NULL */
} qemuDriverDomain;

void qemuDriverDomainFree(qemuDriverDomain *dom);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuDriverDomain, qemuDriverDomainFree);

/* Finds a defined or running domain; a status left by a dead supervisor is
 * recovered first (teardown finished, reported in @warnings). */
qemuDriverDomain *qemuDriverLookup(qemuDriver *drv, const char *nameOrUUID,
                                   gboolean inactive, GPtrArray *warnings,
                                   GError **errp);
/* Every defined or running domain, sorted by name */
GPtrArray *qemuDriverListAll(qemuDriver *drv, GPtrArray *warnings,
                             GError **errp);
