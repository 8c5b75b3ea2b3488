/*
 * node_device_conf.h: libvirt's node device XML (virsh nodedev-dumpxml)
 * of a host PCI device, from sysfs
 */
#pragma once

#include <glib.h>

#include "virpci.h"

/* <device> with the pci capability: address, vendor/product, driver,
 * IOMMU group and its members, SR-IOV functions, NUMA node */
char *virNodeDeviceDefFormatPCI(const virPCIDevice *dev, GError **errp);

/* The parent node device: the PCI bridge above, or "computer" */
char *virNodeDeviceParentName(const virPCIDevice *dev);
