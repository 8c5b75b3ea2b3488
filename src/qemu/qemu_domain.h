/*
 * qemu_domain.h: pseries defaults and address assignment at define time
 */
#pragma once

#include "domain_conf.h"

/* Fill in defaults, PHBs, guest addresses and aliases.  Reads the IOMMU
 * group of each host device from sysfs.  Warnings (devices missing on the
 * host, several IOMMU groups sharing a PHB) are appended to @warnings. */
gboolean qemuDomainDefPostParse(virDomainDef *def, GPtrArray *warnings,
                                GError **errp);

/* Checks that need the normalized definition: PCI slot collisions,
 * IOMMU groups spanning PHBs, alias uniqueness. */
gboolean qemuDomainDefValidate(const virDomainDef *def, GPtrArray *warnings,
                               GError **errp);

/* Parse, validate, normalize and validate again: what `define` does */
virDomainDef *qemuDomainDefParseAndNormalize(const char *xml, size_t len,
                                             const char *filename,
                                             GPtrArray *warnings,
                                             GError **errp);

const char *qemuDomainPHBBusName(const virDomainDef *def, unsigned int idx);
char *qemuDomainDeviceName(const virDomainDef *def,
                           const virDomainDeviceInfo *info);

/* The host PCI address of the one <hostdev> or <interface type='hostdev'>
 * in @devXML (a device element, as attach-device and detach-device take
 * it), for domain @name (errors name it) */
gboolean qemuDomainHostdevXMLSource(const char *devXML, const char *name,
                                    virPCIDeviceAddress *addr, GError **errp);

/* Removes @h from @def, with the <interface type='hostdev'> it belongs to */
void qemuDomainRemoveHostdev(virDomainDef *def, virDomainHostdevDef *h);
