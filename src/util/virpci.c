/*
 * virpci.c: PCI addresses and host PCI devices in sysfs
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "virpci.h"
#include "virerror.h"

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
