/*
 * virpci.h: PCI addresses and host PCI devices in sysfs
 *
 * Everything here reads or writes /sys/bus/pci (and /sys/kernel/iommu_groups)
 * the way the kernel documents it; tests run the same code against the fake
 * host in kernel/model.
 */
#pragma once

#include <glib.h>

#define VIR_PCI_SYSFS_DEVICES "/sys/bus/pci/devices"
#define VIR_PCI_SYSFS_DRIVERS "/sys/bus/pci/drivers"
#define VIR_PCI_SYSFS_PROBE "/sys/bus/pci/drivers_probe"
#define VIR_PCI_SYSFS_IOMMU_GROUPS "/sys/kernel/iommu_groups"
#define VIR_PCI_VFIO_DRIVER "vfio-pci"

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
/* libvirt's node device name: pci_DDDD_BB_SS_F */
char *virPCIDeviceAddressNodeName(const virPCIDeviceAddress *addr);
gboolean virPCIDeviceAddressParseNodeName(const char *name,
                                          virPCIDeviceAddress *addr);

/* Returns the IOMMU group number of the host device, or -1 with
 * VIR_ERR_NO_NODE_DEVICE when the device is not present, or -1 with
 * VIR_ERR_OPERATION_INVALID when it has no IOMMU group. */
int virPCIDeviceGetIOMMUGroup(const virPCIDeviceAddress *addr, GError **errp);

/* TRUE when sysfs says the device is a PCI-to-PCI bridge (class 0x0604) */
gboolean virPCIDeviceIsBridge(const virPCIDeviceAddress *addr);

/* A snapshot of one device's sysfs state */
typedef struct _virPCIDevice virPCIDevice;
struct _virPCIDevice {
    virPCIDeviceAddress addr;
    char *name;                     /* DDDD:BB:SS.F */
    unsigned int vendor;
    unsigned int device;
    unsigned int subVendor;
    unsigned int subDevice;
    unsigned int pciClass;          /* 24 bits: class, subclass, prog-if */
    int numaNode;                   /* -1 = none */
    char *driver;                   /* NULL = no driver bound */
    char *driverOverride;           /* NULL = none */
    int iommuGroup;                 /* -1 = none */
    gboolean isBridge;
    char **resetMethods;            /* NULL-terminated, may be empty */
};

virPCIDevice *virPCIDeviceNew(const virPCIDeviceAddress *addr, GError **errp);
void virPCIDeviceFree(virPCIDevice *dev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virPCIDevice, virPCIDeviceFree);

/* Every PCI device of the host, sorted by address (virPCIDevice *) */
GPtrArray *virPCIDeviceListAll(GError **errp);
/* The members of IOMMU group @group, sorted (virPCIDeviceAddress *) */
GPtrArray *virPCIIOMMUGroupMembers(int group, GError **errp);

/* The driver bound to the device now, NULL if none */
char *virPCIDeviceGetDriver(const virPCIDeviceAddress *addr);

/*
 * Moves the device to @driver the way libvirt and tcevirt do: write
 * driver_override, unbind from the current driver, ask the bus to probe
 * (drivers_probe), then wait until the device is bound to @driver.  With
 * @driver NULL the override is cleared and the device goes back to its
 * host driver: @origDriver when given (explicit bind), else whatever the
 * kernel's probe picks, or no driver when @origDriver is "" (it had none).
 * On error nothing is left half done that the caller did not ask for:
 * the override is restored if the move failed.
 */
gboolean virPCIDeviceBindToVFIO(const virPCIDeviceAddress *addr,
                                GError **errp);
gboolean virPCIDeviceBindToHost(const virPCIDeviceAddress *addr,
                                const char *origDriver, GError **errp);

/* Function reset through sysfs "reset" when the device has a method */
gboolean virPCIDeviceReset(const virPCIDeviceAddress *addr, GError **errp);
