/*
 * node_device_conf.c: libvirt's node device XML of a host PCI device
 */
#include <config.h>

#include <stdlib.h>

#include "node_device_conf.h"

static void
virNodeDeviceFormatAddress(GString *xml, const char *indent,
                           const virPCIDeviceAddress *a)
{
    /* function='0x%d' as libvirt prints it */
    g_string_append_printf(xml, "%s<address domain='0x%04x' bus='0x%02x' "
                           "slot='0x%02x' function='0x%d'/>\n", indent,
                           a->domain, a->bus, a->slot, a->function);
}

/* The device a sysfs link under the device's directory points to */
static gboolean
virNodeDeviceLinkAddress(const char *devpath, const char *link,
                         virPCIDeviceAddress *addr)
{
    g_autofree char *path = g_build_filename(devpath, link, NULL);
    g_autofree char *target = g_file_read_link(path, NULL);
    g_autofree char *base = NULL;

    if (!target)
        return FALSE;
    base = g_path_get_basename(target);
    return virPCIDeviceAddressParse(base, addr);
}

static void
virNodeDeviceFormatSRIOV(GString *xml, const char *devpath)
{
    g_autofree char *totalPath = g_build_filename(devpath, "sriov_totalvfs",
                                                  NULL);
    g_autofree char *total = NULL;
    virPCIDeviceAddress a;
    unsigned int i;

    if (virNodeDeviceLinkAddress(devpath, "physfn", &a)) {
        g_string_append(xml, "    <capability type='phys_function'>\n");
        virNodeDeviceFormatAddress(xml, "      ", &a);
        g_string_append(xml, "    </capability>\n");
    }
    if (!g_file_get_contents(totalPath, &total, NULL, NULL) ||
        atoi(total) <= 0)
        return;
    g_string_append_printf(xml, "    <capability type='virt_functions' "
                           "maxCount='%d'", atoi(total));
    for (i = 0; ; i++) {
        g_autofree char *link = g_strdup_printf("virtfn%u", i);

        if (!virNodeDeviceLinkAddress(devpath, link, &a))
            break;
        if (i == 0)
            g_string_append(xml, ">\n");
        virNodeDeviceFormatAddress(xml, "      ", &a);
    }
    g_string_append(xml, i ? "    </capability>\n" : "/>\n");
}

/* The device's directory in sysfs with its real path, or NULL */
static char *
virNodeDeviceSysfsPath(const virPCIDevice *dev)
{
    g_autofree char *link = g_build_filename(VIR_PCI_SYSFS_DEVICES, dev->name,
                                             NULL);

    return realpath(link, NULL);
}

char *
virNodeDeviceParentName(const virPCIDevice *dev)
{
    g_autofree char *path = virNodeDeviceSysfsPath(dev);
    g_autofree char *dir = NULL;
    g_autofree char *base = NULL;
    virPCIDeviceAddress up;

    if (!path)
        return g_strdup("computer");
    dir = g_path_get_dirname(path);
    base = g_path_get_basename(dir);
    /* behind a bridge; on the root bus libvirt's parent is the host */
    if (virPCIDeviceAddressParse(base, &up))
        return virPCIDeviceAddressNodeName(&up);
    return g_strdup("computer");
}

/* libvirt's node device XML (virNodeDeviceDefFormat) of a PCI device */
char *
virNodeDeviceDefFormatPCI(const virPCIDevice *dev, GError **errp)
{
    g_autoptr(GString) xml = g_string_new("<device>\n");
    g_autofree char *name = virPCIDeviceAddressNodeName(&dev->addr);
    g_autofree char *path = virNodeDeviceSysfsPath(dev);
    g_autofree char *parent = virNodeDeviceParentName(dev);
    g_autoptr(GPtrArray) members = NULL;
    size_t i;

    g_string_append_printf(xml, "  <name>%s</name>\n", name);
    if (path) {
        g_autofree char *escaped = g_markup_escape_text(path, -1);

        g_string_append_printf(xml, "  <path>%s</path>\n", escaped);
    }
    g_string_append_printf(xml, "  <parent>%s</parent>\n", parent);
    if (dev->driver) {
        g_autofree char *escaped = g_markup_escape_text(dev->driver, -1);
        g_string_append_printf(xml, "  <driver>\n    <name>%s</name>\n"
                               "  </driver>\n", escaped);
    }
    g_string_append(xml, "  <capability type='pci'>\n");
    g_string_append_printf(xml, "    <class>0x%06x</class>\n", dev->pciClass);
    g_string_append_printf(xml, "    <domain>%u</domain>\n", dev->addr.domain);
    g_string_append_printf(xml, "    <bus>%u</bus>\n", dev->addr.bus);
    g_string_append_printf(xml, "    <slot>%u</slot>\n", dev->addr.slot);
    g_string_append_printf(xml, "    <function>%u</function>\n",
                           dev->addr.function);
    g_string_append_printf(xml, "    <product id='0x%04x'/>\n", dev->device);
    g_string_append_printf(xml, "    <vendor id='0x%04x'/>\n", dev->vendor);
    if (path)
        virNodeDeviceFormatSRIOV(xml, path);
    if (dev->isBridge)
        g_string_append(xml, "    <capability type='pci-bridge'/>\n");
    if (dev->iommuGroup >= 0) {
        if (!(members = virPCIIOMMUGroupMembers(dev->iommuGroup, errp)))
            return NULL;
        g_string_append_printf(xml, "    <iommuGroup number='%d'>\n",
                               dev->iommuGroup);
        for (i = 0; i < members->len; i++)
            virNodeDeviceFormatAddress(xml, "      ",
                                        g_ptr_array_index(members, i));
        g_string_append(xml, "    </iommuGroup>\n");
    }
    if (dev->numaNode >= 0)
        g_string_append_printf(xml, "    <numa node='%d'/>\n", dev->numaNode);
    g_string_append(xml, "  </capability>\n</device>\n");
    return g_string_free(g_steal_pointer(&xml), FALSE);
}
