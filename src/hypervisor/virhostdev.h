/*
 * virhostdev.h: ownership of host PCI devices across domains
 *
 * A domain owns its host devices by IOMMU group: a persistent claim per
 * group under STATEDIR/hostdev/ names the domain.  Prepare claims every
 * group of a domain, checks viability, detaches managed devices to
 * vfio-pci (recording each device's original driver before touching it)
 * and verifies viability again; it is all-or-nothing.  Release undoes it
 * once the kernel has released the groups.  A crash at any step leaves a
 * journal that virHostdevRecover() (run by every command that changes
 * host devices) finishes.
 */
#pragma once

#include <glib.h>

#include "domain_conf.h"

/* Where claims and device records live: STATEDIR/hostdev */
typedef struct {
    char *stateDir;
} virHostdevManager;

virHostdevManager *virHostdevManagerNew(const char *stateDir, GError **errp);
void virHostdevManagerFree(virHostdevManager *mgr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virHostdevManager, virHostdevManagerFree);

/* The domain that holds IOMMU group @group, or NULL (no error) if none */
char *virHostdevGroupOwner(virHostdevManager *mgr, int group);

/* The driver @addr was bound to before tcevirt moved it to vfio-pci:
 * NULL when tcevirt has no record, "" when it had no driver */
char *virHostdevOrigDriver(virHostdevManager *mgr,
                           const virPCIDeviceAddress *addr);

gboolean virHostdevPrepareDomain(virHostdevManager *mgr,
                                 const virDomainDef *def, GError **errp);
gboolean virHostdevReleaseDomain(virHostdevManager *mgr,
                                 const virDomainDef *def, GError **errp);
/* Hotplug: prepare takes a definition holding only the devices added (and
 * claims what they need: groups the domain already owns stay its own);
 * this releases only the groups of def->hostdevs, with their devices */
gboolean virHostdevReleaseDevices(virHostdevManager *mgr,
                                  const virDomainDef *def, GError **errp);

/* virsh nodedev-detach / nodedev-reattach semantics */
gboolean virHostdevNodeDetach(virHostdevManager *mgr,
                              const virPCIDeviceAddress *addr, GError **errp);
gboolean virHostdevNodeReattach(virHostdevManager *mgr,
                                const virPCIDeviceAddress *addr, GError **errp);

/* Finish what an interrupted prepare or release left behind; appends one
 * line per action to @report (may be NULL) */
gboolean virHostdevRecover(virHostdevManager *mgr, GPtrArray *report,
                           GError **errp);
