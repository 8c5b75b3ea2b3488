/*
 * domain_parse_devices.c: libvirt domain XML -> virDomainDef (<devices>)
 */
#include <config.h>

#include <string.h>

#include "domain_parse_priv.h"
#include "virerror.h"

#define INFO_CHILDREN "alias", "address"

static gboolean
virDomainDeviceAddressParse(xmlNodePtr node, virDomainDeviceAddress *addr,
                            GError **errp)
{
    if (!virXMLPropEnum(node, "type", virDomainDeviceAddress, FALSE, TRUE,
                        &addr->type, errp))
        return FALSE;

    switch ((virDomainDeviceAddressType) addr->type) {
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI:
        return virXMLCheckElement(node, VIR_XML_LIST("type", "domain", "bus",
                                                     "slot", "function",
                                                     "multifunction"),
                                  VIR_XML_NONE, FALSE, errp) &&
               virXMLPropUInt(node, "domain", 0, 0xffff, FALSE,
                              &addr->pci.domain, NULL, errp) &&
               virXMLPropUInt(node, "bus", 0, 0xff, FALSE, &addr->pci.bus,
                              NULL, errp) &&
               virXMLPropUInt(node, "slot", 0, 0x1f, FALSE, &addr->pci.slot,
                              NULL, errp) &&
               virXMLPropUInt(node, "function", 0, 7, FALSE,
                              &addr->pci.function, NULL, errp) &&
               virXMLPropEnum(node, "multifunction", virTristateSwitch,
                              FALSE, FALSE, &addr->multifunction, errp);
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE:
        return virXMLCheckElement(node, VIR_XML_LIST("type", "controller",
                                                     "bus", "target", "unit"),
                                  VIR_XML_NONE, FALSE, errp) &&
               virXMLPropUInt(node, "controller", 10, 31, FALSE,
                              &addr->drive.controller, NULL, errp) &&
               virXMLPropUInt(node, "bus", 10, 0, FALSE, &addr->drive.bus,
                              NULL, errp) &&
               virXMLPropUInt(node, "target", 10, 255, FALSE,
                              &addr->drive.target, NULL, errp) &&
               virXMLPropUInt(node, "unit", 10, 16383, FALSE,
                              &addr->drive.unit, NULL, errp);
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_SPAPRVIO:
        return virXMLCheckElement(node, VIR_XML_LIST("type", "reg"),
                                  VIR_XML_NONE, FALSE, errp) &&
               virXMLPropULL(node, "reg", 16, FALSE, &addr->spaprvioReg,
                             &addr->spaprvioHasReg, errp);
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB:
        if (!virXMLCheckElement(node, VIR_XML_LIST("type", "bus", "port"),
                                VIR_XML_NONE, FALSE, errp) ||
            !virXMLPropUInt(node, "bus", 10, 0, FALSE, &addr->usb.bus, NULL,
                            errp))
            return FALSE;
        addr->usb.port = virXMLPropString(node, "port");
        if (addr->usb.port) {
            g_auto(GStrv) hops = g_strsplit(addr->usb.port, ".", -1);
            size_t i;
            for (i = 0; hops[i]; i++) {
                guint64 v;
                if (!virXMLParseUInt64(node, "USB port", hops[i], 10, 255, &v,
                                       errp))
                    return FALSE;
            }
        }
        return TRUE;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE:
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST:
        break;
    }
    return FALSE;
}

static gboolean
virDomainAliasValid(const char *alias)
{
    const char *p;

    if (!*alias || strlen(alias) > 64)
        return FALSE;
    for (p = alias; *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
            return FALSE;
    }
    return TRUE;
}

/* Parses the children common to devices (alias, address, boot, rom).
 * Returns TRUE and sets *handled when @child is one of them. */
static gboolean
virDomainDeviceInfoParseChild(xmlNodePtr child, virDomainDeviceInfo *info,
                              gboolean *handled, GError **errp)
{
    *handled = TRUE;
    if (VIR_XML_IS(child, "alias")) {
        if (!virXMLCheckElement(child, VIR_XML_LIST("name"), VIR_XML_NONE,
                                FALSE, errp))
            return FALSE;
        info->alias = virXMLPropString(child, "name");
        if (!info->alias || !virDomainAliasValid(info->alias)) {
            virXMLReportError(errp, child, VIR_ERR_XML_ERROR,
                              "invalid device alias '%s': use 1-64 letters, "
                              "digits, '-', '_' or '.'",
                              info->alias ? info->alias : "");
            return FALSE;
        }
        return TRUE;
    }
    if (VIR_XML_IS(child, "address"))
        return virDomainDeviceAddressParse(child, &info->addr, errp);
    if (VIR_XML_IS(child, "boot")) {
        if (!virXMLCheckElement(child, VIR_XML_LIST("order"), VIR_XML_NONE,
                                FALSE, errp) ||
            !virXMLPropUInt(child, "order", 10, 65535, TRUE,
                            &info->bootIndex, NULL, errp))
            return FALSE;
        if (info->bootIndex == 0) {
            virXMLReportError(errp, child, VIR_ERR_XML_ERROR,
                              "boot order must be 1 or larger");
            return FALSE;
        }
        return TRUE;
    }
    if (VIR_XML_IS(child, "rom")) {
        info->hasRom = TRUE;
        if (!virXMLCheckElement(child, VIR_XML_LIST("bar", "file", "enabled"),
                                VIR_XML_NONE, FALSE, errp) ||
            !virXMLPropEnum(child, "bar", virTristateSwitch, FALSE, FALSE,
                            &info->romBar, errp))
            return FALSE;
        info->romFile = virXMLPropString(child, "file");
        if (xmlHasProp(child, BAD_CAST "enabled")) {
            virXMLReportError(errp, child, VIR_ERR_XML_ERROR,
                              "<rom enabled=...> is not supported; use "
                              "<rom bar='off'/> to hide the ROM BAR");
            return FALSE;
        }
        return TRUE;
    }
    *handled = FALSE;
    return TRUE;
}

static gboolean
virDomainDeviceStart(xmlNodePtr node, const char *const *attrs,
                     const char *const *children, GError **errp)
{
    return virXMLCheckElement(node, attrs, children, FALSE, errp) &&
           virXMLCheckSingletons(node, children, errp);
}

static char *
virDomainRequiredProp(xmlNodePtr node, const char *name, GError **errp)
{
    char *val = virXMLPropString(node, name);

    if (!val || !*val) {
        virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                          "missing attribute '%s' in <%s>", name,
                          (const char *) node->name);
        g_free(val);
        return NULL;
    }
    return val;
}

static gboolean
virDomainHostdevParse(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    g_autoptr(virDomainHostdevDef) hostdev = g_new0(virDomainHostdevDef, 1);
    g_autofree char *mode = NULL;
    g_autofree char *type = NULL;
    gboolean hasSource = FALSE;
    xmlNodePtr cur;

    hostdev->iommuGroup = -1;
    if (!virDomainDeviceStart(node, VIR_XML_LIST("mode", "type", "managed"),
                              VIR_XML_LIST("driver", "source", INFO_CHILDREN,
                                           "boot", "rom"), errp))
        return FALSE;
    mode = virXMLPropString(node, "mode");
    type = virXMLPropString(node, "type");
    if (!mode || !g_str_equal(mode, "subsystem") ||
        !type || !g_str_equal(type, "pci")) {
        virXMLReportError(errp, node, VIR_ERR_CONFIG_UNSUPPORTED,
                          "<hostdev mode='%s' type='%s'> is not supported; "
                          "tcevirt passes through PCI devices with "
                          "<hostdev mode='subsystem' type='pci'>",
                          mode ? mode : "", type ? type : "");
        return FALSE;
    }
    if (!virXMLPropEnum(node, "managed", virTristateBool, FALSE, FALSE,
                        &hostdev->managed, errp))
        return FALSE;

    VIR_XML_FOREACH_CHILD(node, cur) {
        gboolean handled;

        if (!virDomainDeviceInfoParseChild(cur, &hostdev->info, &handled,
                                           errp))
            return FALSE;
        if (handled)
            continue;
        if (VIR_XML_IS(cur, "driver")) {
            g_autofree char *name = NULL;

            if (!virXMLCheckElement(cur, VIR_XML_LIST("name"), VIR_XML_NONE,
                                    FALSE, errp))
                return FALSE;
            name = virXMLPropString(cur, "name");
            if (name && !g_str_equal(name, "vfio")) {
                virXMLReportError(errp, cur, VIR_ERR_CONFIG_UNSUPPORTED,
                                  "PCI passthrough backend '%s' is not "
                                  "supported; on POWER the only backend is "
                                  "<driver name='vfio'/>", name);
                return FALSE;
            }
            hostdev->hasDriver = TRUE;
        } else if (VIR_XML_IS(cur, "source")) {
            xmlNodePtr addr;
            unsigned int tmp;

            if (!virXMLCheckElement(cur, VIR_XML_NONE, VIR_XML_LIST("address"),
                                    FALSE, errp) ||
                !virXMLCheckSingletons(cur, VIR_XML_LIST("address"), errp))
                return FALSE;
            if (!(addr = virXMLChild(cur, "address"))) {
                virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                  "<source> of a PCI <hostdev> needs an "
                                  "<address domain= bus= slot= function=/>");
                return FALSE;
            }
            if (!virXMLCheckElement(addr, VIR_XML_LIST("domain", "bus", "slot",
                                                       "function", "type"),
                                    VIR_XML_NONE, FALSE, errp) ||
                !virXMLPropUInt(addr, "domain", 0, 0xffff, FALSE,
                                &hostdev->source.domain, NULL, errp) ||
                !virXMLPropUInt(addr, "bus", 0, 0xff, TRUE,
                                &hostdev->source.bus, NULL, errp) ||
                !virXMLPropUInt(addr, "slot", 0, 0x1f, TRUE,
                                &hostdev->source.slot, NULL, errp) ||
                !virXMLPropUInt(addr, "function", 0, 7, TRUE,
                                &hostdev->source.function, NULL, errp))
                return FALSE;
            if (xmlHasProp(addr, BAD_CAST "type")) {
                tmp = 0;
                if (!virXMLPropEnum(addr, "type", virDomainDeviceAddress,
                                    FALSE, FALSE, (int *) &tmp, errp))
                    return FALSE;
                if (tmp != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI) {
                    virXMLReportError(errp, addr, VIR_ERR_XML_ERROR,
                                      "the source address of a PCI "
                                      "<hostdev> must be of type 'pci'");
                    return FALSE;
                }
            }
            hasSource = TRUE;
        }
    }
    if (!hasSource) {
        virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                          "<hostdev> has no <source><address .../></source> "
                          "naming the host PCI device");
        return FALSE;
    }
    g_ptr_array_add(def->hostdevs, g_steal_pointer(&hostdev));
    return TRUE;
}

static gboolean
virDomainControllerParse(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    g_autoptr(virDomainControllerDef) cont = virDomainControllerDefNew(0, 0);
    gboolean hasIndex = FALSE;
    xmlNodePtr cur;

    if (!virDomainDeviceStart(node, VIR_XML_LIST("type", "index", "model",
                                                 "ports", "vectors"),
                              VIR_XML_LIST("model", "target", INFO_CHILDREN),
                              errp) ||
        !virXMLPropEnum(node, "type", virDomainController, TRUE, TRUE,
                        &cont->type, errp) ||
        !virXMLPropUInt(node, "index", 10, 255, FALSE, &cont->idx, &hasIndex,
                        errp) ||
        !virXMLPropEnum(node, "model", virDomainControllerModel, FALSE, FALSE,
                        &cont->model, errp) ||
        !virXMLPropUInt(node, "ports", 10, 31, FALSE, &cont->ports, NULL,
                        errp) ||
        !virXMLPropUInt(node, "vectors", 10, 1024, FALSE, &cont->vectors,
                        NULL, errp))
        return FALSE;

    VIR_XML_FOREACH_CHILD(node, cur) {
        gboolean handled;

        if (!virDomainDeviceInfoParseChild(cur, &cont->info, &handled, errp))
            return FALSE;
        if (handled)
            continue;
        if (VIR_XML_IS(cur, "model")) {
            g_autofree char *name = NULL;

            if (!virXMLCheckElement(cur, VIR_XML_LIST("name"), VIR_XML_NONE,
                                    FALSE, errp))
                return FALSE;
            name = virXMLPropString(cur, "name");
            if (!name || !g_str_equal(name, "spapr-pci-host-bridge")) {
                virXMLReportError(errp, cur, VIR_ERR_CONFIG_UNSUPPORTED,
                                  "PCI controller model name '%s' is not "
                                  "supported on pseries (use "
                                  "'spapr-pci-host-bridge')",
                                  name ? name : "");
                return FALSE;
            }
            cont->hasModelName = TRUE;
        } else if (VIR_XML_IS(cur, "target")) {
            xmlNodePtr numa;
            unsigned int tmp = 0;
            gboolean has = FALSE;

            if (!virXMLCheckElement(cur, VIR_XML_LIST("index"),
                                    VIR_XML_LIST("node"), FALSE, errp) ||
                !virXMLCheckSingletons(cur, VIR_XML_LIST("node"), errp) ||
                !virXMLPropUInt(cur, "index", 10, 255, FALSE, &tmp, &has,
                                errp))
                return FALSE;
            if (has)
                cont->targetIndex = tmp;
            if ((numa = virXMLChild(cur, "node"))) {
                if (!virXMLCheckElement(numa, VIR_XML_NONE, VIR_XML_NONE, TRUE,
                                        errp) ||
                    !virXMLNodeTextUInt(numa, 65535, &tmp, errp))
                    return FALSE;
                cont->numaNode = tmp;
            }
        }
    }
    if (!hasIndex && cont->type != VIR_DOMAIN_CONTROLLER_TYPE_PCI) {
        /* libvirt numbers controllers of one type from 0 */
        unsigned int idx = 0;
        while (virDomainDefFindController(def, cont->type, idx))
            idx++;
        cont->idx = idx;
    } else if (!hasIndex) {
        virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                          "PCI controllers need an 'index' attribute");
        return FALSE;
    }
    if (virDomainDefFindController(def, cont->type, cont->idx)) {
        virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                          "there are two %s controllers with index %u",
                          virDomainControllerTypeToString(cont->type),
                          cont->idx);
        return FALSE;
    }
    g_ptr_array_add(def->controllers, g_steal_pointer(&cont));
    return TRUE;
}

static gboolean
virDomainDiskParse(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    g_autoptr(virDomainDiskDef) disk = g_new0(virDomainDiskDef, 1);
    xmlNodePtr cur;

    if (!virDomainDeviceStart(node, VIR_XML_LIST("type", "device"),
                              VIR_XML_LIST("driver", "source", "target",
                                           "readonly", "shareable", "serial",
                                           "blockio", "iotune",
                                           INFO_CHILDREN, "boot"), errp) ||
        !virXMLPropEnum(node, "type", virDomainDiskType, TRUE, FALSE,
                        &disk->type, errp) ||
        !virXMLPropEnum(node, "device", virDomainDiskDevice, TRUE, FALSE,
                        &disk->device, errp))
        return FALSE;

    VIR_XML_FOREACH_CHILD(node, cur) {
        gboolean handled;

        if (!virDomainDeviceInfoParseChild(cur, &disk->info, &handled, errp))
            return FALSE;
        if (handled)
            continue;
        if (VIR_XML_IS(cur, "driver")) {
            g_autofree char *name = NULL;

            disk->hasDriver = TRUE;
            if (!virXMLCheckElement(cur, VIR_XML_LIST("name", "type", "cache",
                                                      "io", "discard",
                                                      "iothread"),
                                    VIR_XML_NONE, FALSE, errp) ||
                !virXMLPropUInt(cur, "iothread", 10, 64, FALSE,
                                &disk->iothread, NULL, errp) ||
                !virXMLPropEnum(cur, "type", virStorageFileFormat, FALSE,
                                FALSE, &disk->format, errp) ||
                !virXMLPropEnum(cur, "cache", virDomainDiskCache, FALSE,
                                FALSE, &disk->cache, errp) ||
                !virXMLPropEnum(cur, "io", virDomainDiskIo, FALSE, FALSE,
                                &disk->io, errp) ||
                !virXMLPropEnum(cur, "discard", virDomainDiskDiscard, FALSE,
                                FALSE, &disk->discard, errp))
                return FALSE;
            name = virXMLPropString(cur, "name");
            if (name && !g_str_equal(name, "qemu")) {
                virXMLReportError(errp, cur, VIR_ERR_CONFIG_UNSUPPORTED,
                                  "disk driver '%s' is not supported (use "
                                  "name='qemu')", name);
                return FALSE;
            }
        } else if (VIR_XML_IS(cur, "source")) {
            const char *attr = disk->type == VIR_DOMAIN_DISK_TYPE_BLOCK ?
                               "dev" : "file";

            if (!virXMLCheckElement(cur, VIR_XML_LIST(attr), VIR_XML_NONE,
                                    FALSE, errp))
                return FALSE;
            disk->src = virXMLPropString(cur, attr);
        } else if (VIR_XML_IS(cur, "target")) {
            if (!virXMLCheckElement(cur, VIR_XML_LIST("dev", "bus"),
                                    VIR_XML_NONE, FALSE, errp) ||
                !virXMLPropEnum(cur, "bus", virDomainDiskBus, FALSE, FALSE,
                                &disk->bus, errp) ||
                !(disk->dst = virDomainRequiredProp(cur, "dev", errp)))
                return FALSE;
        } else if (VIR_XML_IS(cur, "readonly") ||
                   VIR_XML_IS(cur, "shareable")) {
            if (!virXMLCheckElement(cur, VIR_XML_NONE, VIR_XML_NONE, FALSE,
                                    errp))
                return FALSE;
            if (VIR_XML_IS(cur, "readonly"))
                disk->readonly = TRUE;
            else
                disk->shareable = TRUE;
        } else if (VIR_XML_IS(cur, "serial")) {
            if (!virXMLCheckElement(cur, VIR_XML_NONE, VIR_XML_NONE, TRUE,
                                    errp))
                return FALSE;
            disk->serial = virXMLNodeText(cur);
        } else if (VIR_XML_IS(cur, "blockio")) {
            if (!virXMLCheckElement(cur, VIR_XML_LIST("logical_block_size",
                                                      "physical_block_size"),
                                    VIR_XML_NONE, FALSE, errp) ||
                !virXMLPropUInt(cur, "logical_block_size", 10, 65536, FALSE,
                                &disk->logicalBlockSize, NULL, errp) ||
                !virXMLPropUInt(cur, "physical_block_size", 10, 65536, FALSE,
                                &disk->physicalBlockSize, NULL, errp))
                return FALSE;
        } else if (VIR_XML_IS(cur, "iotune")) {
            xmlNodePtr lim;

            const char *const limits[] = {
                "total_bytes_sec", "read_bytes_sec", "write_bytes_sec",
                "total_iops_sec", "read_iops_sec", "write_iops_sec", NULL
            };

            if (!virXMLCheckElement(cur, VIR_XML_NONE, limits, FALSE, errp) ||
                !virXMLCheckSingletons(cur, limits, errp))
                return FALSE;
            VIR_XML_FOREACH_CHILD(cur, lim) {
                int idx = virDomainDiskIotuneTypeFromString((const char *) lim->name);
                g_autofree char *text = NULL;

                if (!virXMLCheckElement(lim, VIR_XML_NONE, VIR_XML_NONE, TRUE,
                                        errp))
                    return FALSE;
                text = virXMLNodeText(lim);
                if (!virXMLParseUInt64(lim, "limit", text, 10,
                                       1000000000000000ULL,
                                       &disk->iotune[idx], errp))
                    return FALSE;
            }
        }
    }
    if (!disk->dst) {
        virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                          "<disk> has no <target dev=.../>");
        return FALSE;
    }
    g_ptr_array_add(def->disks, g_steal_pointer(&disk));
    return TRUE;
}

static gboolean
virDomainNetParseSourceAddress(xmlNodePtr cur, virDomainNetDef *net,
                               GError **errp)
{
    xmlNodePtr addr;
    g_autofree char *type = NULL;
    virPCIDeviceAddress *src = &net->hostdev->source;

    if (!virXMLCheckElement(cur, VIR_XML_NONE, VIR_XML_LIST("address"), FALSE,
                            errp) ||
        !virXMLCheckSingletons(cur, VIR_XML_LIST("address"), errp))
        return FALSE;
    if (!(addr = virXMLChild(cur, "address"))) {
        virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                          "<interface type='hostdev'> needs <source><address "
                          "type='pci' domain= bus= slot= function=/>");
        return FALSE;
    }
    type = virXMLPropString(addr, "type");
    if (type && !g_str_equal(type, "pci")) {
        virXMLReportError(errp, addr, VIR_ERR_XML_ERROR,
                          "the source address of <interface type='hostdev'> "
                          "must be of type 'pci'");
        return FALSE;
    }
    return virXMLCheckElement(addr, VIR_XML_LIST("type", "domain", "bus",
                                                 "slot", "function"),
                              VIR_XML_NONE, FALSE, errp) &&
           virXMLPropUInt(addr, "domain", 0, 0xffff, FALSE, &src->domain,
                          NULL, errp) &&
           virXMLPropUInt(addr, "bus", 0, 0xff, TRUE, &src->bus, NULL, errp) &&
           virXMLPropUInt(addr, "slot", 0, 0x1f, TRUE, &src->slot, NULL,
                          errp) &&
           virXMLPropUInt(addr, "function", 0, 7, TRUE, &src->function, NULL,
                          errp);
}

static gboolean
virDomainNetParseChild(xmlNodePtr cur, virDomainNetDef *net, GError **errp)
{
    if (VIR_XML_IS(cur, "mac")) {
        g_autofree char *mac = NULL;

        if (!virXMLCheckElement(cur, VIR_XML_LIST("address"), VIR_XML_NONE,
                                FALSE, errp) ||
            !(mac = virDomainRequiredProp(cur, "address", errp)))
            return FALSE;
        if (!virMacAddrParse(mac, net->mac) || (net->mac[0] & 1)) {
            virXMLReportError(errp, cur, VIR_ERR_INVALID_MAC,
                              "'%s' is not a unicast MAC address (use six "
                              "hex bytes like 52:54:00:12:34:56)", mac);
            return FALSE;
        }
        net->hasMac = TRUE;
    } else if (VIR_XML_IS(cur, "model")) {
        return virXMLCheckElement(cur, VIR_XML_LIST("type"), VIR_XML_NONE,
                                  FALSE, errp) &&
               virXMLPropEnum(cur, "type", virDomainNetModel, FALSE, TRUE,
                              &net->model, errp);
    } else if (VIR_XML_IS(cur, "target")) {
        return virXMLCheckElement(cur, VIR_XML_LIST("dev", "managed"),
                                  VIR_XML_NONE, FALSE, errp) &&
               virXMLPropEnum(cur, "managed", virTristateBool, FALSE, FALSE,
                              &net->targetManaged, errp) &&
               (net->ifname = virDomainRequiredProp(cur, "dev", errp));
    } else if (VIR_XML_IS(cur, "source")) {
        if (net->type == VIR_DOMAIN_NET_TYPE_HOSTDEV)
            return virDomainNetParseSourceAddress(cur, net, errp);
        if (net->type == VIR_DOMAIN_NET_TYPE_VHOSTUSER) {
            g_autofree char *type = NULL;
            g_autofree char *mode = NULL;

            if (!virXMLCheckElement(cur, VIR_XML_LIST("type", "path", "mode"),
                                    VIR_XML_NONE, FALSE, errp) ||
                !(net->vhostuserPath = virDomainRequiredProp(cur, "path",
                                                             errp)) ||
                !(mode = virDomainRequiredProp(cur, "mode", errp)))
                return FALSE;
            type = virXMLPropString(cur, "type");
            if ((type && !g_str_equal(type, "unix")) ||
                (!g_str_equal(mode, "server") && !g_str_equal(mode, "client"))) {
                virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                  "vhost-user needs <source type='unix' "
                                  "mode='server|client' path=.../>");
                return FALSE;
            }
            net->vhostuserServer = g_str_equal(mode, "server");
            return TRUE;
        }
        if (net->type != VIR_DOMAIN_NET_TYPE_BRIDGE) {
            virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                              "<source> is only used with <interface "
                              "type='bridge'> or type='hostdev'");
            return FALSE;
        }
        return virXMLCheckElement(cur, VIR_XML_LIST("bridge"), VIR_XML_NONE,
                                  FALSE, errp) &&
               (net->bridge = virDomainRequiredProp(cur, "bridge", errp));
    } else if (VIR_XML_IS(cur, "virtualport")) {
        xmlNodePtr params;

        if (!virXMLCheckElement(cur, VIR_XML_LIST("type"),
                                VIR_XML_LIST("parameters"), FALSE, errp) ||
            !virXMLCheckSingletons(cur, VIR_XML_LIST("parameters"), errp) ||
            !(net->virtPortType = virDomainRequiredProp(cur, "type", errp)))
            return FALSE;
        if (!g_str_equal(net->virtPortType, "openvswitch")) {
            virXMLReportError(errp, cur, VIR_ERR_CONFIG_UNSUPPORTED,
                              "virtualport type '%s' is not supported (use "
                              "'openvswitch')", net->virtPortType);
            return FALSE;
        }
        if ((params = virXMLChild(cur, "parameters"))) {
            if (!virXMLCheckElement(params, VIR_XML_LIST("interfaceid"),
                                    VIR_XML_NONE, FALSE, errp))
                return FALSE;
            net->virtPortInterfaceID = virXMLPropString(params, "interfaceid");
        }
    } else if (VIR_XML_IS(cur, "mtu")) {
        return virXMLCheckElement(cur, VIR_XML_LIST("size"), VIR_XML_NONE,
                                  FALSE, errp) &&
               virXMLPropUInt(cur, "size", 10, 65535, TRUE, &net->mtu, NULL,
                              errp);
    } else if (VIR_XML_IS(cur, "vlan")) {
        xmlNodePtr tag;

        if (!virXMLCheckElement(cur, VIR_XML_NONE, VIR_XML_LIST("tag"), FALSE,
                                errp) ||
            !virXMLCheckSingletons(cur, VIR_XML_LIST("tag"), errp))
            return FALSE;
        if (!(tag = virXMLChild(cur, "tag"))) {
            virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                              "<vlan> needs a <tag id=.../>");
            return FALSE;
        }
        net->hasVlan = TRUE;
        return virXMLCheckElement(tag, VIR_XML_LIST("id"), VIR_XML_NONE, FALSE,
                                  errp) &&
               virXMLPropUInt(tag, "id", 10, 4095, TRUE, &net->vlanTag, NULL,
                              errp);
    } else if (VIR_XML_IS(cur, "driver")) {
        g_autofree char *name = NULL;

        if (!virXMLCheckElement(cur, VIR_XML_LIST("name", "queues",
                                                  "rx_queue_size",
                                                  "tx_queue_size", "packed"),
                                VIR_XML_NONE, FALSE, errp) ||
            !virXMLPropEnum(cur, "packed", virTristateSwitch, FALSE, FALSE,
                            &net->packed, errp) ||
            !virXMLPropUInt(cur, "queues", 10, 256, FALSE, &net->queues, NULL,
                            errp) ||
            !virXMLPropUInt(cur, "rx_queue_size", 10, 1024, FALSE,
                            &net->rxQueueSize, NULL, errp) ||
            !virXMLPropUInt(cur, "tx_queue_size", 10, 1024, FALSE,
                            &net->txQueueSize, NULL, errp))
            return FALSE;
        if ((name = virXMLPropString(cur, "name"))) {
            if (net->type == VIR_DOMAIN_NET_TYPE_HOSTDEV &&
                g_str_equal(name, "vfio")) {
                net->hostdev->hasDriver = TRUE;
            } else if (g_str_equal(name, "vhost")) {
                net->driverName = 1;
            } else if (g_str_equal(name, "qemu")) {
                net->driverName = 2;
            } else {
                virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                  "invalid interface driver '%s' (expected "
                                  "'vhost' or 'qemu', or 'vfio' for "
                                  "type='hostdev')", name);
                return FALSE;
            }
        }
    }
    return TRUE;
}

static gboolean
virDomainNetParse(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    g_autoptr(virDomainNetDef) net = g_new0(virDomainNetDef, 1);
    g_autoptr(virDomainHostdevDef) hostdev = NULL;
    xmlNodePtr cur;

    if (!virXMLPropEnum(node, "type", virDomainNet, TRUE, TRUE, &net->type,
                        errp))
        return FALSE;
    if (net->type == VIR_DOMAIN_NET_TYPE_HOSTDEV) {
        /* an SR-IOV VF given to the guest with vfio, plus MAC and VLAN */
        if (!virDomainDeviceStart(node, VIR_XML_LIST("type", "managed"),
                                  VIR_XML_LIST("mac", "source", "vlan",
                                               "driver", INFO_CHILDREN,
                                               "boot", "rom"), errp))
            return FALSE;
        hostdev = g_new0(virDomainHostdevDef, 1);
        hostdev->iommuGroup = -1;
        net->hostdev = hostdev;
        if (!virXMLPropEnum(node, "managed", virTristateBool, FALSE, FALSE,
                            &hostdev->managed, errp))
            return FALSE;
        if (!virXMLChild(node, "source")) {
            virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                              "<interface type='hostdev'> has no <source> "
                              "naming the host PCI device");
            return FALSE;
        }
    } else if (!virDomainDeviceStart(node, VIR_XML_LIST("type"),
                                     VIR_XML_LIST("mac", "model", "target",
                                                  "source", "virtualport",
                                                  "mtu", "driver", "vlan",
                                                  INFO_CHILDREN, "boot",
                                                  "rom"), errp)) {
        return FALSE;
    }

    VIR_XML_FOREACH_CHILD(node, cur) {
        gboolean handled;

        if (!virDomainDeviceInfoParseChild(cur, hostdev ? &hostdev->info :
                                           &net->info, &handled, errp))
            return FALSE;
        if (!handled && !virDomainNetParseChild(cur, net, errp))
            return FALSE;
    }
    if (hostdev) {
        hostdev->parentNet = net;
        g_ptr_array_add(def->hostdevs, g_steal_pointer(&hostdev));
    }
    g_ptr_array_add(def->nets, g_steal_pointer(&net));
    return TRUE;
}

static gboolean
virDomainChrParse(xmlNodePtr node, virDomainDef *def, int deviceType,
                  GError **errp)
{
    g_autoptr(virDomainChrDef) chr = g_new0(virDomainChrDef, 1);
    xmlNodePtr cur;

    chr->deviceType = deviceType;
    chr->targetPort = -1;
    if (!virDomainDeviceStart(node, VIR_XML_LIST("type"),
                              VIR_XML_LIST("source", "target", "log",
                                           INFO_CHILDREN), errp) ||
        !virXMLPropEnum(node, "type", virDomainChr, TRUE, TRUE, &chr->type,
                        errp))
        return FALSE;

    VIR_XML_FOREACH_CHILD(node, cur) {
        gboolean handled;

        if (!virDomainDeviceInfoParseChild(cur, &chr->info, &handled, errp))
            return FALSE;
        if (handled)
            continue;
        if (VIR_XML_IS(cur, "source")) {
            g_autofree char *mode = NULL;

            if (!virXMLCheckElement(cur, VIR_XML_LIST("path", "mode",
                                                      "append", "host",
                                                      "service"),
                                    VIR_XML_NONE, FALSE, errp) ||
                !virXMLPropEnum(cur, "append", virTristateSwitch, FALSE,
                                FALSE, &chr->append, errp))
                return FALSE;
            chr->path = virXMLPropString(cur, "path");
            chr->host = virXMLPropString(cur, "host");
            chr->service = virXMLPropString(cur, "service");
            mode = virXMLPropString(cur, "mode");
            if (mode && !g_str_equal(mode, "bind") &&
                !g_str_equal(mode, "connect")) {
                virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                  "invalid source mode '%s' (expected "
                                  "'bind' or 'connect')", mode);
                return FALSE;
            }
            chr->listen = !mode || g_str_equal(mode, "bind");
        } else if (VIR_XML_IS(cur, "target")) {
            xmlNodePtr model;
            unsigned int port = 0;
            gboolean hasPort = FALSE;

            if (!virXMLCheckElement(cur, VIR_XML_LIST("type", "port", "name"),
                                    VIR_XML_LIST("model"), FALSE, errp) ||
                !virXMLCheckSingletons(cur, VIR_XML_LIST("model"), errp) ||
                !virXMLPropEnum(cur, "type", virDomainChrTarget, FALSE, FALSE,
                                &chr->targetType, errp) ||
                !virXMLPropUInt(cur, "port", 10, 255, FALSE, &port, &hasPort,
                                errp))
                return FALSE;
            if (hasPort)
                chr->targetPort = port;
            chr->targetName = virXMLPropString(cur, "name");
            if ((model = virXMLChild(cur, "model"))) {
                g_autofree char *name = NULL;

                if (!virXMLCheckElement(model, VIR_XML_LIST("name"),
                                        VIR_XML_NONE, FALSE, errp))
                    return FALSE;
                name = virXMLPropString(model, "name");
                if (!name || !g_str_equal(name, "spapr-vty")) {
                    virXMLReportError(errp, model, VIR_ERR_CONFIG_UNSUPPORTED,
                                      "serial model '%s' is not supported on "
                                      "pseries (use 'spapr-vty')",
                                      name ? name : "");
                    return FALSE;
                }
                chr->hasModel = TRUE;
            }
        } else if (VIR_XML_IS(cur, "log")) {
            if (!virXMLCheckElement(cur, VIR_XML_LIST("file", "append"),
                                    VIR_XML_NONE, FALSE, errp) ||
                !virXMLPropEnum(cur, "append", virTristateSwitch, FALSE,
                                FALSE, &chr->logAppend, errp) ||
                !(chr->logFile = virDomainRequiredProp(cur, "file", errp)))
                return FALSE;
        }
    }
    if (chr->type == VIR_DOMAIN_CHR_TYPE_TCP) {
        guint64 port = 0;
        if (!chr->service ||
            !virXMLParseUInt64(node, "TCP port", chr->service, 10, 65535,
                               &port, errp)) {
            if (!chr->service)
                virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                                  "<%s type='tcp'> needs <source host=... "
                                  "service=PORT/>", (const char *) node->name);
            return FALSE;
        }
        if (chr->path) {
            virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                              "<%s type='tcp'> takes host and service, not "
                              "path", (const char *) node->name);
            return FALSE;
        }
    } else if (chr->host || chr->service) {
        virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                          "host and service belong to <%s type='tcp'>",
                          (const char *) node->name);
        return FALSE;
    }
    if ((chr->type == VIR_DOMAIN_CHR_TYPE_FILE ||
         chr->type == VIR_DOMAIN_CHR_TYPE_UNIX) && !chr->path) {
        virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                          "<%s type='%s'> needs <source path=.../>",
                          (const char *) node->name,
                          virDomainChrTypeToString(chr->type));
        return FALSE;
    }
    switch (deviceType) {
    case VIR_DOMAIN_CHR_DEVICE_SERIAL:
        g_ptr_array_add(def->serials, g_steal_pointer(&chr));
        break;
    case VIR_DOMAIN_CHR_DEVICE_CONSOLE:
        g_ptr_array_add(def->consoles, g_steal_pointer(&chr));
        break;
    default:
        g_ptr_array_add(def->channels, g_steal_pointer(&chr));
        break;
    }
    return TRUE;
}

static gboolean
virDomainInputParse(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    g_autoptr(virDomainInputDef) input = g_new0(virDomainInputDef, 1);
    g_autofree char *bus = NULL;
    xmlNodePtr cur;

    if (!virDomainDeviceStart(node, VIR_XML_LIST("type", "bus"),
                              VIR_XML_LIST(INFO_CHILDREN), errp) ||
        !virXMLPropEnum(node, "type", virDomainInput, TRUE, TRUE,
                        &input->type, errp))
        return FALSE;
    bus = virXMLPropString(node, "bus");
    if (bus && !g_str_equal(bus, "usb")) {
        virXMLReportError(errp, node, VIR_ERR_CONFIG_UNSUPPORTED,
                          "input bus '%s' is not supported on pseries "
                          "(use bus='usb')", bus);
        return FALSE;
    }
    VIR_XML_FOREACH_CHILD(node, cur) {
        gboolean handled;

        if (!virDomainDeviceInfoParseChild(cur, &input->info, &handled, errp))
            return FALSE;
    }
    g_ptr_array_add(def->inputs, g_steal_pointer(&input));
    return TRUE;
}

static gboolean
virDomainGraphicsParse(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    g_autoptr(virDomainGraphicsDef) gr = g_new0(virDomainGraphicsDef, 1);
    g_autofree char *type = NULL;
    g_autofree char *listen = NULL;
    unsigned int port = 0;
    gboolean hasPort = FALSE;
    int autoport = 0;
    xmlNodePtr cur;

    if (!virDomainDeviceStart(node, VIR_XML_LIST("type", "port", "autoport",
                                                 "listen", "keymap"),
                              VIR_XML_LIST("listen"), errp))
        return FALSE;
    type = virXMLPropString(node, "type");
    if (!type || !g_str_equal(type, "vnc")) {
        virXMLReportError(errp, node, VIR_ERR_CONFIG_UNSUPPORTED,
                          "graphics type '%s' is not supported (use "
                          "type='vnc')", type ? type : "");
        return FALSE;
    }
    if (!virXMLPropEnum(node, "autoport", virTristateBool, FALSE, FALSE,
                        &autoport, errp))
        return FALSE;
    gr->port = -1;
    {
        g_autofree char *p = virXMLPropString(node, "port");
        if (p && g_str_equal(p, "-1")) {
            autoport = VIR_TRISTATE_BOOL_YES;
        } else if (!virXMLPropUInt(node, "port", 10, 65535, FALSE, &port,
                                   &hasPort, errp)) {
            return FALSE;
        }
    }
    if (hasPort && autoport != VIR_TRISTATE_BOOL_YES) {
        if (port < 5900) {
            virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                              "VNC port %u is below 5900", port);
            return FALSE;
        }
        gr->port = port;
    }
    if (autoport == VIR_TRISTATE_BOOL_NO && gr->port < 0) {
        virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                          "<graphics autoport='no'> needs a port='59NN'");
        return FALSE;
    }
    gr->autoport = gr->port < 0;
    gr->keymap = virXMLPropString(node, "keymap");
    listen = virXMLPropString(node, "listen");
    if (listen) {
        gr->listenType = VIR_DOMAIN_GRAPHICS_LISTEN_ADDRESS;
        gr->listenAddress = g_steal_pointer(&listen);
    }
    VIR_XML_FOREACH_CHILD(node, cur) {
        int ltype = 0;

        if (!virXMLCheckElement(cur, VIR_XML_LIST("type", "address", "socket"),
                                VIR_XML_NONE, FALSE, errp) ||
            !virXMLPropEnum(cur, "type", virDomainGraphicsListen, TRUE, TRUE,
                            &ltype, errp))
            return FALSE;
        if (ltype == VIR_DOMAIN_GRAPHICS_LISTEN_ADDRESS) {
            g_autofree char *addr = virXMLPropString(cur, "address");

            if (gr->listenAddress && addr &&
                !g_str_equal(gr->listenAddress, addr)) {
                virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                  "graphics listen address '%s' does not "
                                  "match the 'listen' attribute '%s'",
                                  addr, gr->listenAddress);
                return FALSE;
            }
            if (addr) {
                g_free(gr->listenAddress);
                gr->listenAddress = g_steal_pointer(&addr);
            }
        } else if (ltype == VIR_DOMAIN_GRAPHICS_LISTEN_SOCKET) {
            gr->socket = virXMLPropString(cur, "socket");
        }
        gr->listenType = ltype;
        gr->hasListenNone = ltype == VIR_DOMAIN_GRAPHICS_LISTEN_NONE;
    }
    g_ptr_array_add(def->graphics, g_steal_pointer(&gr));
    return TRUE;
}

static gboolean
virDomainVideoParse(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    g_autoptr(virDomainVideoDef) video = g_new0(virDomainVideoDef, 1);
    xmlNodePtr cur;

    if (!virDomainDeviceStart(node, VIR_XML_NONE,
                              VIR_XML_LIST("model", INFO_CHILDREN), errp))
        return FALSE;
    video->type = VIR_DOMAIN_VIDEO_TYPE_VGA;
    VIR_XML_FOREACH_CHILD(node, cur) {
        gboolean handled;

        if (!virDomainDeviceInfoParseChild(cur, &video->info, &handled, errp))
            return FALSE;
        if (handled)
            continue;
        if (!virXMLCheckElement(cur, VIR_XML_LIST("type", "vram", "heads",
                                                  "primary"),
                                VIR_XML_NONE, FALSE, errp) ||
            !virXMLPropEnum(cur, "type", virDomainVideo, FALSE, TRUE,
                            &video->type, errp) ||
            !virXMLPropUInt(cur, "vram", 10, 1048576, FALSE, &video->vram,
                            NULL, errp) ||
            !virXMLPropUInt(cur, "heads", 10, 16, FALSE, &video->heads, NULL,
                            errp) ||
            !virXMLPropEnum(cur, "primary", virTristateBool, FALSE, FALSE,
                            &video->primary, errp))
            return FALSE;
    }
    g_ptr_array_add(def->videos, g_steal_pointer(&video));
    return TRUE;
}

static gboolean
virDomainMemballoonParse(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    g_autoptr(virDomainMemballoonDef) mb = g_new0(virDomainMemballoonDef, 1);
    xmlNodePtr cur;

    if (!virDomainDeviceStart(node, VIR_XML_LIST("model", "autodeflate",
                                                 "freePageReporting"),
                              VIR_XML_LIST("stats", INFO_CHILDREN), errp) ||
        !virXMLPropEnum(node, "freePageReporting", virTristateSwitch, FALSE,
                        FALSE, &mb->freePageReporting, errp) ||
        !virXMLPropEnum(node, "model", virDomainMemballoonModel, TRUE, TRUE,
                        &mb->model, errp) ||
        !virXMLPropEnum(node, "autodeflate", virTristateSwitch, FALSE, FALSE,
                        &mb->autodeflate, errp))
        return FALSE;
    VIR_XML_FOREACH_CHILD(node, cur) {
        gboolean handled;

        if (!virDomainDeviceInfoParseChild(cur, &mb->info, &handled, errp))
            return FALSE;
        if (handled)
            continue;
        if (!virXMLCheckElement(cur, VIR_XML_LIST("period"), VIR_XML_NONE,
                                FALSE, errp) ||
            !virXMLPropUInt(cur, "period", 10, 86400, TRUE, &mb->period, NULL,
                            errp))
            return FALSE;
    }
    def->memballoon = g_steal_pointer(&mb);
    return TRUE;
}

static gboolean
virDomainRNGParse(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    g_autoptr(virDomainRNGDef) rng = g_new0(virDomainRNGDef, 1);
    g_autofree char *model = NULL;
    xmlNodePtr cur;

    if (!virDomainDeviceStart(node, VIR_XML_LIST("model"),
                              VIR_XML_LIST("backend", "rate", INFO_CHILDREN),
                              errp))
        return FALSE;
    model = virXMLPropString(node, "model");
    if (!model || !g_str_equal(model, "virtio")) {
        virXMLReportError(errp, node, VIR_ERR_CONFIG_UNSUPPORTED,
                          "RNG model '%s' is not supported (use 'virtio')",
                          model ? model : "");
        return FALSE;
    }
    VIR_XML_FOREACH_CHILD(node, cur) {
        gboolean handled;

        if (!virDomainDeviceInfoParseChild(cur, &rng->info, &handled, errp))
            return FALSE;
        if (handled)
            continue;
        if (VIR_XML_IS(cur, "backend")) {
            g_autofree char *bmodel = NULL;

            if (!virXMLCheckElement(cur, VIR_XML_LIST("model"), VIR_XML_NONE,
                                    TRUE, errp))
                return FALSE;
            bmodel = virXMLPropString(cur, "model");
            if (!bmodel || !g_str_equal(bmodel, "random")) {
                virXMLReportError(errp, cur, VIR_ERR_CONFIG_UNSUPPORTED,
                                  "RNG backend '%s' is not supported (use "
                                  "model='random')", bmodel ? bmodel : "");
                return FALSE;
            }
            rng->backendPath = virXMLNodeText(cur);
            if (!*rng->backendPath)
                g_clear_pointer(&rng->backendPath, g_free);
        } else {
            if (!virXMLCheckElement(cur, VIR_XML_LIST("bytes", "period"),
                                    VIR_XML_NONE, FALSE, errp) ||
                !virXMLPropUInt(cur, "bytes", 10, G_MAXINT32, TRUE,
                                &rng->rateBytes, NULL, errp) ||
                !virXMLPropUInt(cur, "period", 10, G_MAXINT32, FALSE,
                                &rng->ratePeriod, NULL, errp))
                return FALSE;
        }
    }
    g_ptr_array_add(def->rngs, g_steal_pointer(&rng));
    return TRUE;
}

static gboolean
virDomainWatchdogParse(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    g_autoptr(virDomainWatchdogDef) wd = g_new0(virDomainWatchdogDef, 1);
    g_autofree char *model = NULL;
    xmlNodePtr cur;

    if (!virDomainDeviceStart(node, VIR_XML_LIST("model", "action"),
                              VIR_XML_LIST(INFO_CHILDREN), errp) ||
        !virXMLPropEnum(node, "action", virDomainWatchdogAction, TRUE, FALSE,
                        &wd->action, errp))
        return FALSE;
    wd->hasAction = xmlHasProp(node, BAD_CAST "action") != NULL;
    model = virXMLPropString(node, "model");
    if (!model || !g_str_equal(model, "i6300esb")) {
        virXMLReportError(errp, node, VIR_ERR_CONFIG_UNSUPPORTED,
                          "watchdog model '%s' is not supported on pseries "
                          "(use 'i6300esb')", model ? model : "");
        return FALSE;
    }
    VIR_XML_FOREACH_CHILD(node, cur) {
        gboolean handled;

        if (!virDomainDeviceInfoParseChild(cur, &wd->info, &handled, errp))
            return FALSE;
    }
    g_ptr_array_add(def->watchdogs, g_steal_pointer(&wd));
    return TRUE;
}

static gboolean
virDomainPanicParse(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    g_autofree char *model = NULL;

    if (!virDomainDeviceStart(node, VIR_XML_LIST("model"), VIR_XML_NONE,
                              errp))
        return FALSE;
    model = virXMLPropString(node, "model");
    if (model && !g_str_equal(model, "pseries")) {
        virXMLReportError(errp, node, VIR_ERR_CONFIG_UNSUPPORTED,
                          "panic model '%s' is not supported on pseries "
                          "(use 'pseries')", model);
        return FALSE;
    }
    g_ptr_array_add(def->panics, g_new0(virDomainPanicDef, 1));
    return TRUE;
}

gboolean
virDomainDevicesParse(xmlNodePtr devices, virDomainDef *def, GError **errp)
{
    xmlNodePtr cur;

    if (!virXMLCheckElement(devices, VIR_XML_NONE,
                            VIR_XML_LIST("emulator", "disk", "controller",
                                         "hostdev", "interface", "serial",
                                         "console", "channel", "input",
                                         "graphics", "video", "memballoon",
                                         "rng", "panic", "watchdog"),
                            FALSE, errp) ||
        !virXMLCheckSingletons(devices, VIR_XML_LIST("emulator", "memballoon"),
                               errp))
        return FALSE;

    VIR_XML_FOREACH_CHILD(devices, cur) {
        gboolean ok;

        if (VIR_XML_IS(cur, "emulator")) {
            ok = virXMLCheckElement(cur, VIR_XML_NONE, VIR_XML_NONE, TRUE,
                                    errp);
            if (ok)
                def->emulator = virXMLNodeText(cur);
        } else if (VIR_XML_IS(cur, "disk")) {
            ok = virDomainDiskParse(cur, def, errp);
        } else if (VIR_XML_IS(cur, "controller")) {
            ok = virDomainControllerParse(cur, def, errp);
        } else if (VIR_XML_IS(cur, "hostdev")) {
            ok = virDomainHostdevParse(cur, def, errp);
        } else if (VIR_XML_IS(cur, "interface")) {
            ok = virDomainNetParse(cur, def, errp);
        } else if (VIR_XML_IS(cur, "serial")) {
            ok = virDomainChrParse(cur, def, VIR_DOMAIN_CHR_DEVICE_SERIAL,
                                   errp);
        } else if (VIR_XML_IS(cur, "console")) {
            ok = virDomainChrParse(cur, def, VIR_DOMAIN_CHR_DEVICE_CONSOLE,
                                   errp);
        } else if (VIR_XML_IS(cur, "channel")) {
            ok = virDomainChrParse(cur, def, VIR_DOMAIN_CHR_DEVICE_CHANNEL,
                                   errp);
        } else if (VIR_XML_IS(cur, "input")) {
            ok = virDomainInputParse(cur, def, errp);
        } else if (VIR_XML_IS(cur, "graphics")) {
            ok = virDomainGraphicsParse(cur, def, errp);
        } else if (VIR_XML_IS(cur, "video")) {
            ok = virDomainVideoParse(cur, def, errp);
        } else if (VIR_XML_IS(cur, "memballoon")) {
            ok = virDomainMemballoonParse(cur, def, errp);
        } else if (VIR_XML_IS(cur, "rng")) {
            ok = virDomainRNGParse(cur, def, errp);
        } else if (VIR_XML_IS(cur, "watchdog")) {
            ok = virDomainWatchdogParse(cur, def, errp);
        } else {
            ok = virDomainPanicParse(cur, def, errp);
        }
        if (!ok)
            return FALSE;
    }
    return TRUE;
}
