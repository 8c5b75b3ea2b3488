/*
 * remote_nodedev.c: host PCI devices as libvirt's node devices
 */
#include <config.h>

#include <string.h>

#include "node_device_conf.h"
#include "remote_daemon.h"
#include "virerror.h"
#include "virhostdev.h"
#include "virpci.h"

/* virConnectListAllNodeDeviceFlags */
#define REMOTE_NODEDEV_CAP_PCI_DEV (1u << 1)
#define REMOTE_NODEDEV_CAPS_ALL ((1u << 30) - 1)
#define REMOTE_NODEDEV_INACTIVE (1u << 30)
#define REMOTE_NODEDEV_ACTIVE (1u << 31)

/* The PCI device a node device name (pci_DDDD_BB_SS_F) names */
static virPCIDevice *
remoteNodeDevice(const char *name, GError **errp)
{
    g_autoptr(GError) err = NULL;
    virPCIDeviceAddress addr;
    virPCIDevice *dev;

    if (!g_str_has_prefix(name, "pci_") ||
        !virPCIDeviceAddressParseNodeName(name, &addr)) {
        virReportError(errp, VIR_ERR_NO_NODE_DEVICE,
                       "no node device with matching name '%s' (tcevirt "
                       "knows PCI devices, named pci_DDDD_BB_SS_F)", name);
        return NULL;
    }
    if (!(dev = virPCIDeviceNew(&addr, &err)))
        virReportError(errp, VIR_ERR_NO_NODE_DEVICE,
                       "no node device with matching name '%s': %s", name,
                       err->message);
    return dev;
}

/* Reads the device name (and the flags word when @flags is not NULL) */
static virPCIDevice *
remoteNodeDeviceArgs(remoteCall *call, guint32 *flags, GError **errp)
{
    g_autofree char *name = NULL;

    virXDRReadString(call->args, VIR_NET_STRING_MAX, &name);
    if (flags)
        virXDRReadU32(call->args, flags);
    if (!remoteArgsEnd(call, errp))
        return NULL;
    return remoteNodeDevice(name, errp);
}

gboolean
remoteConnectListAllNodeDevices(remoteCall *call, GError **errp)
{
    g_autoptr(GPtrArray) devs = NULL;
    gint32 need = 0;
    guint32 flags = 0, caps;
    gboolean pci;
    guint i;

    virXDRReadI32(call->args, &need);
    virXDRReadU32(call->args, &flags);
    if (!remoteArgsEnd(call, errp))
        return FALSE;
    caps = flags & REMOTE_NODEDEV_CAPS_ALL;
    /* every host PCI device is active (it exists); other capabilities
     * (net, mdev, vdpa, ...) are an empty list, not an error */
    pci = (!caps || (caps & REMOTE_NODEDEV_CAP_PCI_DEV)) &&
          (!(flags & REMOTE_NODEDEV_INACTIVE) ||
           (flags & REMOTE_NODEDEV_ACTIVE));
    if (pci && !(devs = virPCIDeviceListAll(errp)))
        return FALSE;
    if (devs && devs->len > REMOTE_NODE_DEVICE_LIST_MAX) {
        virReportError(errp, VIR_ERR_RPC, "%u node devices are more than the "
                       "protocol's %d in one list", devs->len,
                       REMOTE_NODE_DEVICE_LIST_MAX);
        return FALSE;
    }
    virXDRWriteU32(call->ret, need && devs ? devs->len : 0);
    for (i = 0; need && devs && i < devs->len; i++) {
        virPCIDevice *dev = g_ptr_array_index(devs, i);
        g_autofree char *name = virPCIDeviceAddressNodeName(&dev->addr);

        virXDRWriteString(call->ret, name);
    }
    virXDRWriteU32(call->ret, devs ? devs->len : 0);
    return TRUE;
}

gboolean
remoteNodeDeviceLookupByName(remoteCall *call, GError **errp)
{
    g_autoptr(virPCIDevice) dev = NULL;
    g_autofree char *name = NULL;

    if (!(dev = remoteNodeDeviceArgs(call, NULL, errp)))
        return FALSE;
    name = virPCIDeviceAddressNodeName(&dev->addr);
    virXDRWriteString(call->ret, name);
    return TRUE;
}

gboolean
remoteNodeDeviceGetXMLDesc(remoteCall *call, GError **errp)
{
    g_autoptr(virPCIDevice) dev = NULL;
    g_autofree char *xml = NULL;
    guint32 flags = 0;

    if (!(dev = remoteNodeDeviceArgs(call, &flags, errp)) ||
        !remoteCheckFlags(call, flags, 0, errp) ||
        !(xml = virNodeDeviceDefFormatPCI(dev, errp)))
        return FALSE;
    virXDRWriteString(call->ret, xml);
    return TRUE;
}

gboolean
remoteNodeDeviceGetParent(remoteCall *call, GError **errp)
{
    g_autoptr(virPCIDevice) dev = NULL;
    g_autofree char *parent = NULL;

    if (!(dev = remoteNodeDeviceArgs(call, NULL, errp)))
        return FALSE;
    parent = virNodeDeviceParentName(dev);
    virXDRWriteOptString(call->ret, parent);
    return TRUE;
}

/* "pci", as libvirt lists a PCI device's capabilities */
gboolean
remoteNodeDeviceNumOfCaps(remoteCall *call, GError **errp)
{
    g_autoptr(virPCIDevice) dev = NULL;

    if (!(dev = remoteNodeDeviceArgs(call, NULL, errp)))
        return FALSE;
    virXDRWriteI32(call->ret, 1);
    return TRUE;
}

gboolean
remoteNodeDeviceListCaps(remoteCall *call, GError **errp)
{
    g_autoptr(virPCIDevice) dev = NULL;
    g_autofree char *name = NULL;
    gint32 max = 0;

    virXDRReadString(call->args, VIR_NET_STRING_MAX, &name);
    virXDRReadI32(call->args, &max);
    if (!remoteArgsEnd(call, errp) || !(dev = remoteNodeDevice(name, errp)))
        return FALSE;
    if (max < 0 || max > REMOTE_NODE_DEVICE_CAPS_LIST_MAX) {
        virReportError(errp, VIR_ERR_RPC, "maxnames %d is outside 0 to %d",
                       max, REMOTE_NODE_DEVICE_CAPS_LIST_MAX);
        return FALSE;
    }
    virXDRWriteU32(call->ret, max >= 1 ? 1 : 0);
    if (max >= 1)
        virXDRWriteString(call->ret, "pci");
    return TRUE;
}

static gboolean
remoteNodeDeviceMove(remoteCall *call, virPCIDevice *dev, gboolean detach,
                     GError **errp)
{
    g_autoptr(virHostdevManager) mgr = NULL;
    g_autoptr(GPtrArray) report = g_ptr_array_new_with_free_func(g_free);
    gboolean ok;
    guint i;

    ok = (mgr = virHostdevManagerNew(remoteDriver(call)->cfg->stateDir,
                                     errp)) &&
         virHostdevRecover(mgr, report, errp) &&
         (detach ? virHostdevNodeDetach(mgr, &dev->addr, errp)
                 : virHostdevNodeReattach(mgr, &dev->addr, errp));
    for (i = 0; i < report->len; i++)
        g_message("%s", (const char *) g_ptr_array_index(report, i));
    return ok;
}

gboolean
remoteNodeDeviceDettach(remoteCall *call, GError **errp)
{
    g_autoptr(virPCIDevice) dev = remoteNodeDeviceArgs(call, NULL, errp);

    return dev && remoteNodeDeviceMove(call, dev, TRUE, errp);
}

gboolean
remoteNodeDeviceDetachFlags(remoteCall *call, GError **errp)
{
    g_autoptr(virPCIDevice) dev = NULL;
    g_autofree char *name = NULL;
    g_autofree char *driver = NULL;
    guint32 flags = 0;

    virXDRReadString(call->args, VIR_NET_STRING_MAX, &name);
    virXDRReadOptString(call->args, VIR_NET_STRING_MAX, &driver);
    virXDRReadU32(call->args, &flags);
    if (!remoteArgsEnd(call, errp) || !remoteCheckFlags(call, flags, 0, errp))
        return FALSE;
    if (driver && *driver && !g_str_equal(driver, "vfio")) {
        virReportError(errp, VIR_ERR_INVALID_ARG,
                       "unknown driver name '%s': VFIO ('vfio') is the only "
                       "device assignment backend on POWER", driver);
        return FALSE;
    }
    return (dev = remoteNodeDevice(name, errp)) &&
           remoteNodeDeviceMove(call, dev, TRUE, errp);
}

gboolean
remoteNodeDeviceReAttach(remoteCall *call, GError **errp)
{
    g_autoptr(virPCIDevice) dev = remoteNodeDeviceArgs(call, NULL, errp);

    return dev && remoteNodeDeviceMove(call, dev, FALSE, errp);
}
