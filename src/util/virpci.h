/*
 * virpci.h: PCI addresses and host PCI devices in sysfs
 */
#pragma once

#include <glib.h>

#define VIR_PCI_SYSFS_DEVICES "/sys/bus/pci/devices"

typedef struct _virPCIDeviceAddress virPCIDeviceAddress;
struct _virPCIDeviceAddress {
    unsigned int domain;
    unsigned int bus;
    unsigned int slot;
    unsigned int function;
};

gboolean virPCIDeviceAddressParse(const char *str, virPCIDeviceAddress *addr);
char *virPCIDeviceAddressAsString(const virPCIDeviceAddress *addr);
gboolean virPCIDeviceAddressEqual(const virPCIDeviceAddress *a,
                                  const virPCIDeviceAddress *b);
int virPCIDeviceAddressCompare(const virPCIDeviceAddress *a,
                               const virPCIDeviceAddress *b);

/* Returns the IOMMU group number of the host device, or -1 with
 * VIR_ERR_NO_NODE_DEVICE when the device is not present, or -1 with
 * VIR_ERR_OPERATION_INVALID when it has no IOMMU group. */
int virPCIDeviceGetIOMMUGroup(const virPCIDeviceAddress *addr, GError **errp);

/* TRUE when sysfs says the device is a PCI-to-PCI bridge (class 0x0604) */
gboolean virPCIDeviceIsBridge(const virPCIDeviceAddress *addr);
