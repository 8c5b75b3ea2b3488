/*
 * virpci.c: PCI addresses and host PCI devices in sysfs
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdlib.h>

#include "virfile.h"
#include "virpci.h"
#include "virerror.h"

/* how long a bind or unbind may take to show in sysfs */
#define VIR_PCI_BIND_WAIT_MS 10000

gboolean
virPCIDeviceAddressParse(const char *str, virPCIDeviceAddress *addr)
{
    unsigned int d, b, s, f;
    int n = 0;

    if (!str)
        return FALSE;
    if (sscanf(str, "%4x:%2x:%2x.%1x%n", &d, &b, &s, &f, &n) != 4 ||
        str[n] != '\0' || n != 12 || s > 0x1f || f > 7)
        return FALSE;
    addr->domain = d;
    addr->bus = b;
    addr->slot = s;
    addr->function = f;
    return TRUE;
}

char *
virPCIDeviceAddressAsString(const virPCIDeviceAddress *addr)
{
    return g_strdup_printf("%04x:%02x:%02x.%x", addr->domain, addr->bus,
                           addr->slot, addr->function);
}

gboolean
virPCIDeviceAddressEqual(const virPCIDeviceAddress *a,
                         const virPCIDeviceAddress *b)
{
    return a->domain == b->domain && a->bus == b->bus &&
           a->slot == b->slot && a->function == b->function;
}

int
virPCIDeviceAddressCompare(const virPCIDeviceAddress *a,
                           const virPCIDeviceAddress *b)
{
    if (a->domain != b->domain)
        return a->domain < b->domain ? -1 : 1;
    if (a->bus != b->bus)
        return a->bus < b->bus ? -1 : 1;
    if (a->slot != b->slot)
        return a->slot < b->slot ? -1 : 1;
    if (a->function != b->function)
        return a->function < b->function ? -1 : 1;
    return 0;
}

gboolean
virPCIDeviceIsBridge(const virPCIDeviceAddress *addr)
{
    g_autofree char *bdf = virPCIDeviceAddressAsString(addr);
    g_autofree char *path = g_strdup_printf(VIR_PCI_SYSFS_DEVICES "/%s/class",
                                            bdf);
    g_autofree char *text = NULL;
    guint64 cls;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return FALSE;
    cls = g_ascii_strtoull(text, NULL, 16);
    return (cls >> 8) == 0x0604;
}

int
virPCIDeviceGetIOMMUGroup(const virPCIDeviceAddress *addr, GError **errp)
{
    g_autofree char *bdf = virPCIDeviceAddressAsString(addr);
    g_autofree char *dev = g_strdup_printf(VIR_PCI_SYSFS_DEVICES "/%s", bdf);
    g_autofree char *link = g_strdup_printf("%s/iommu_group", dev);
    g_autofree char *target = NULL;
    g_autofree char *base = NULL;
    g_autoptr(GError) lerr = NULL;
    guint64 group;
    char *end = NULL;

    if (access(dev, F_OK) < 0) {
        virReportError(errp, VIR_ERR_NO_NODE_DEVICE,
                       "host PCI device %s is not present (%s: %s)",
                       bdf, dev, g_strerror(errno));
        return -1;
    }
    if (!(target = g_file_read_link(link, &lerr))) {
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "host PCI device %s has no IOMMU group (%s: %s); "
                       "the host kernel needs its IOMMU enabled for VFIO",
                       bdf, link, lerr->message);
        return -1;
    }
    base = g_path_get_basename(target);
    group = g_ascii_strtoull(base, &end, 10);
    if (!*base || !end || *end || group > G_MAXINT) {
        virReportError(errp, VIR_ERR_INTERNAL_ERROR,
                       "cannot read the IOMMU group of host PCI device %s: "
                       "%s points to '%s'", bdf, link, target);
        return -1;
    }
    return (int) group;
}

char *
virPCIDeviceAddressNodeName(const virPCIDeviceAddress *addr)
{
    return g_strdup_printf("pci_%04x_%02x_%02x_%x", addr->domain, addr->bus,
                           addr->slot, addr->function);
}

gboolean
virPCIDeviceAddressParseNodeName(const char *name, virPCIDeviceAddress *addr)
{
    unsigned int d, b, s, f;
    int n = 0;

    if (virPCIDeviceAddressParse(name, addr))
        return TRUE;
    if (sscanf(name, "pci_%4x_%2x_%2x_%1x%n", &d, &b, &s, &f, &n) != 4 ||
        name[n] != '\0' || n != 16 || s > 0x1f || f > 7)
        return FALSE;
    addr->domain = d;
    addr->bus = b;
    addr->slot = s;
    addr->function = f;
    return TRUE;
}

static char *
virPCIDevicePath(const virPCIDeviceAddress *addr, const char *file)
{
    g_autofree char *bdf = virPCIDeviceAddressAsString(addr);

    return g_strdup_printf(VIR_PCI_SYSFS_DEVICES "/%s%s%s", bdf,
                           file ? "/" : "", file ? file : "");
}

static guint64
virPCIReadHex(const virPCIDeviceAddress *addr, const char *file)
{
    g_autofree char *path = virPCIDevicePath(addr, file);
    g_autofree char *text = virFileReadValue(path);

    return text ? g_ascii_strtoull(text, NULL, 16) : 0;
}

char *
virPCIDeviceGetDriver(const virPCIDeviceAddress *addr)
{
    g_autofree char *link = virPCIDevicePath(addr, "driver");
    g_autofree char *target = g_file_read_link(link, NULL);

    return target ? g_path_get_basename(target) : NULL;
}

/* Writes @value to sysfs @path with one write(2); -errno on failure */
static int
virPCIWrite(const char *path, const char *value)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    ssize_t n;
    int e;

    if (fd < 0)
        return -errno;
    n = write(fd, value, strlen(value));
    e = errno;
    close(fd);
    if (n < 0)
        return -e;
    return 0;
}

virPCIDevice *
virPCIDeviceNew(const virPCIDeviceAddress *addr, GError **errp)
{
    g_autoptr(virPCIDevice) dev = g_new0(virPCIDevice, 1);
    g_autofree char *path = virPCIDevicePath(addr, NULL);
    g_autofree char *numa = NULL;
    g_autofree char *numaPath = virPCIDevicePath(addr, "numa_node");
    g_autofree char *ovPath = virPCIDevicePath(addr, "driver_override");
    g_autofree char *override = NULL;
    g_autofree char *rmPath = virPCIDevicePath(addr, "reset_method");
    g_autofree char *rm = NULL;
    g_autoptr(GError) lerr = NULL;

    if (access(path, F_OK) < 0) {
        g_autofree char *bdf = virPCIDeviceAddressAsString(addr);
        virReportError(errp, VIR_ERR_NO_NODE_DEVICE,
                       "host PCI device %s is not present (%s: %s)", bdf, path,
                       g_strerror(errno));
        return NULL;
    }
    dev->addr = *addr;
    dev->name = virPCIDeviceAddressAsString(addr);
    dev->vendor = virPCIReadHex(addr, "vendor");
    dev->device = virPCIReadHex(addr, "device");
    dev->subVendor = virPCIReadHex(addr, "subsystem_vendor");
    dev->subDevice = virPCIReadHex(addr, "subsystem_device");
    dev->pciClass = virPCIReadHex(addr, "class");
    dev->isBridge = (dev->pciClass >> 8) == 0x0604;
    numa = virFileReadValue(numaPath);
    dev->numaNode = numa ? atoi(numa) : -1;
    if (dev->numaNode < 0)
        dev->numaNode = -1;
    dev->driver = virPCIDeviceGetDriver(addr);
    override = virFileReadValue(ovPath);
    if (override && *override && !g_str_equal(override, "(null)"))
        dev->driverOverride = g_steal_pointer(&override);
    dev->iommuGroup = virPCIDeviceGetIOMMUGroup(addr, &lerr);
    rm = virFileReadValue(rmPath);
    dev->resetMethods = rm && *rm ? g_strsplit(rm, " ", -1) : g_new0(char *, 1);
    return g_steal_pointer(&dev);
}

void
virPCIDeviceFree(virPCIDevice *dev)
{
    if (!dev)
        return;
    g_free(dev->name);
    g_free(dev->driver);
    g_free(dev->driverOverride);
    g_strfreev(dev->resetMethods);
    g_free(dev);
}

static gint
virPCIDeviceCompareRef(gconstpointer a, gconstpointer b)
{
    const virPCIDevice *da = *(virPCIDevice *const *) a;
    const virPCIDevice *db = *(virPCIDevice *const *) b;

    return virPCIDeviceAddressCompare(&da->addr, &db->addr);
}

GPtrArray *
virPCIDeviceListAll(GError **errp)
{
    g_autoptr(GPtrArray) list =
        g_ptr_array_new_with_free_func((GDestroyNotify) virPCIDeviceFree);
    g_autoptr(GError) lerr = NULL;
    g_autoptr(GDir) dir = g_dir_open(VIR_PCI_SYSFS_DEVICES, 0, &lerr);
    const char *name;

    if (!dir) {
        virReportError(errp, VIR_ERR_SYSTEM_ERROR,
                       "cannot list host PCI devices: %s", lerr->message);
        return NULL;
    }
    while ((name = g_dir_read_name(dir))) {
        virPCIDeviceAddress addr;
        virPCIDevice *dev;

        if (!virPCIDeviceAddressParse(name, &addr))
            continue;
        if (!(dev = virPCIDeviceNew(&addr, errp)))
            return NULL;
        g_ptr_array_add(list, dev);
    }
    g_ptr_array_sort(list, virPCIDeviceCompareRef);
    return g_steal_pointer(&list);
}

static gint
virPCIAddressCompareRef(gconstpointer a, gconstpointer b)
{
    return virPCIDeviceAddressCompare(*(virPCIDeviceAddress *const *) a,
                                      *(virPCIDeviceAddress *const *) b);
}

GPtrArray *
virPCIIOMMUGroupMembers(int group, GError **errp)
{
    g_autofree char *path = g_strdup_printf(VIR_PCI_SYSFS_IOMMU_GROUPS
                                            "/%d/devices", group);
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) lerr = NULL;
    g_autoptr(GDir) dir = g_dir_open(path, 0, &lerr);
    const char *name;

    if (!dir) {
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "cannot list the devices of IOMMU group %d: %s", group,
                       lerr->message);
        return NULL;
    }
    while ((name = g_dir_read_name(dir))) {
        virPCIDeviceAddress *addr = g_new0(virPCIDeviceAddress, 1);

        if (!virPCIDeviceAddressParse(name, addr)) {
            g_free(addr);
            continue;
        }
        g_ptr_array_add(list, addr);
    }
    g_ptr_array_sort(list, virPCIAddressCompareRef);
    return g_steal_pointer(&list);
}

/* Waits until the device's driver is @want ("" = none) */
static gboolean
virPCIDeviceWaitDriver(const virPCIDeviceAddress *addr, const char *want)
{
    gint64 deadline = g_get_monotonic_time() + VIR_PCI_BIND_WAIT_MS * 1000;

    do {
        g_autofree char *drv = virPCIDeviceGetDriver(addr);

        if (g_str_equal(drv ? drv : "", want))
            return TRUE;
        g_usleep(10 * 1000);
    } while (g_get_monotonic_time() < deadline);
    return FALSE;
}

static gboolean
virPCIDeviceUnbindCurrent(const virPCIDeviceAddress *addr, GError **errp)
{
    g_autofree char *bdf = virPCIDeviceAddressAsString(addr);
    g_autofree char *drv = virPCIDeviceGetDriver(addr);
    g_autofree char *path = NULL;
    int rc;

    if (!drv)
        return TRUE;
    path = g_strdup_printf(VIR_PCI_SYSFS_DRIVERS "/%s/unbind", drv);
    if ((rc = virPCIWrite(path, bdf)) < 0) {
        virReportError(errp, VIR_ERR_OPERATION_FAILED,
                       "cannot unbind host PCI device %s from driver %s "
                       "(%s: %s)", bdf, drv, path, g_strerror(-rc));
        return FALSE;
    }
    if (!virPCIDeviceWaitDriver(addr, "")) {
        virReportError(errp, VIR_ERR_OPERATION_TIMEOUT,
                       "host PCI device %s is still bound to %s %d s after "
                       "the unbind", bdf, drv, VIR_PCI_BIND_WAIT_MS / 1000);
        return FALSE;
    }
    return TRUE;
}

static gboolean
virPCIDeviceSetOverride(const virPCIDeviceAddress *addr, const char *driver,
                        GError **errp)
{
    g_autofree char *bdf = virPCIDeviceAddressAsString(addr);
    g_autofree char *path = virPCIDevicePath(addr, "driver_override");
    int rc;

    if ((rc = virPCIWrite(path, driver ? driver : "\n")) < 0) {
        virReportError(errp, VIR_ERR_OPERATION_FAILED,
                       "cannot set driver_override of host PCI device %s to "
                       "'%s' (%s: %s)", bdf, driver ? driver : "", path,
                       g_strerror(-rc));
        return FALSE;
    }
    return TRUE;
}

static gboolean
virPCIDeviceProbe(const virPCIDeviceAddress *addr, GError **errp)
{
    g_autofree char *bdf = virPCIDeviceAddressAsString(addr);
    int rc;

    if ((rc = virPCIWrite(VIR_PCI_SYSFS_PROBE, bdf)) < 0) {
        virReportError(errp, VIR_ERR_OPERATION_FAILED,
                       "cannot probe host PCI device %s (%s: %s)", bdf,
                       VIR_PCI_SYSFS_PROBE, g_strerror(-rc));
        return FALSE;
    }
    return TRUE;
}

gboolean
virPCIDeviceBindToVFIO(const virPCIDeviceAddress *addr, GError **errp)
{
    g_autofree char *bdf = virPCIDeviceAddressAsString(addr);
    g_autofree char *drv = virPCIDeviceGetDriver(addr);
    g_autoptr(GError) lerr = NULL;

    if (drv && g_str_equal(drv, VIR_PCI_VFIO_DRIVER))
        return TRUE;
    if (!virPCIDeviceSetOverride(addr, VIR_PCI_VFIO_DRIVER, errp))
        return FALSE;
    if (!virPCIDeviceUnbindCurrent(addr, &lerr) ||
        !virPCIDeviceProbe(addr, &lerr)) {
        /* leave the override as it was: the device stays where it is */
        virPCIDeviceSetOverride(addr, NULL, NULL);
        g_propagate_error(errp, g_steal_pointer(&lerr));
        return FALSE;
    }
    if (!virPCIDeviceWaitDriver(addr, VIR_PCI_VFIO_DRIVER)) {
        g_autofree char *now = virPCIDeviceGetDriver(addr);
        virPCIDeviceSetOverride(addr, NULL, NULL);
        virReportError(errp, VIR_ERR_OPERATION_FAILED,
                       "host PCI device %s did not bind to %s (driver now: "
                       "%s); is the vfio-pci module loaded (modprobe "
                       "vfio-pci)?", bdf, VIR_PCI_VFIO_DRIVER,
                       now ? now : "none");
        return FALSE;
    }
    return TRUE;
}

gboolean
virPCIDeviceBindToHost(const virPCIDeviceAddress *addr, const char *origDriver,
                       GError **errp)
{
    g_autofree char *bdf = virPCIDeviceAddressAsString(addr);
    g_autofree char *drv = NULL;

    if (!virPCIDeviceSetOverride(addr, NULL, errp))
        return FALSE;
    drv = virPCIDeviceGetDriver(addr);
    if (origDriver && drv && g_str_equal(drv, origDriver))
        return TRUE;
    if (drv && !virPCIDeviceUnbindCurrent(addr, errp))
        return FALSE;
    if (origDriver && !*origDriver)
        return TRUE;                /* it had no driver */
    if (origDriver) {
        g_autofree char *path = g_strdup_printf(VIR_PCI_SYSFS_DRIVERS "/%s/bind",
                                                origDriver);
        int rc = virPCIWrite(path, bdf);

        /* the driver may be gone (module unloaded): let the bus probe */
        if (rc < 0 && !virPCIDeviceProbe(addr, errp))
            return FALSE;
        if (!virPCIDeviceWaitDriver(addr, origDriver)) {
            g_autofree char *now = virPCIDeviceGetDriver(addr);
            virReportError(errp, VIR_ERR_OPERATION_FAILED,
                           "host PCI device %s did not go back to its driver "
                           "%s (driver now: %s; bind: %s); load the driver "
                           "and run 'tcevirt nodedev-reattach %s'", bdf,
                           origDriver, now ? now : "none",
                           rc < 0 ? g_strerror(-rc) : "ok", bdf);
            return FALSE;
        }
        return TRUE;
    }
    return virPCIDeviceProbe(addr, errp);
}

gboolean
virPCIDeviceReset(const virPCIDeviceAddress *addr, GError **errp)
{
    g_autofree char *bdf = virPCIDeviceAddressAsString(addr);
    g_autofree char *path = virPCIDevicePath(addr, "reset");
    int rc;

    if (access(path, F_OK) < 0)
        return TRUE;                /* no reset method: nothing to do */
    if ((rc = virPCIWrite(path, "1")) < 0) {
        virReportError(errp, VIR_ERR_OPERATION_FAILED,
                       "cannot reset host PCI device %s (%s: %s)", bdf, path,
                       g_strerror(-rc));
        return FALSE;
    }
    return TRUE;
}
