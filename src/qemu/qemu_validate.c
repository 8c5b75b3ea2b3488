/*
 * qemu_validate.c: checks of a normalized pseries definition
 */
#include <config.h>

#include <string.h>

#include "qemu_domain.h"
#include "domain_validate.h"
#include "virerror.h"

const char *
qemuDomainPHBBusName(const virDomainDef *def, unsigned int idx)
{
    virDomainControllerDef *c;

    if (idx == 0)
        return "pci.0";
    c = virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_PCI, idx);
    return c ? c->info.alias : NULL;
}

/* "hostdev0 (host device 0001:01:00.0)" style names for messages */
char *
qemuDomainDeviceName(const virDomainDef *def, const virDomainDeviceInfo *info)
{
    size_t i;

    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(def->hostdevs, i);
        if (&h->info == info) {
            g_autofree char *bdf = virPCIDeviceAddressAsString(&h->source);
            return g_strdup_printf("host device %s", bdf);
        }
    }
    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *d = g_ptr_array_index(def->disks, i);
        if (&d->info == info)
            return g_strdup_printf("disk '%s'", d->dst);
    }
    for (i = 0; i < def->nets->len; i++) {
        virDomainNetDef *n = g_ptr_array_index(def->nets, i);
        if (&n->info == info) {
            g_autofree char *mac = virMacAddrFormat(n->mac);
            return g_strdup_printf("interface %s", mac);
        }
    }
    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        if (&c->info == info)
            return g_strdup_printf("%s controller %u",
                                   virDomainControllerTypeToString(c->type),
                                   c->idx);
    }
    if (info->alias)
        return g_strdup_printf("device '%s'", info->alias);
    return g_strdup("device");
}

static gboolean
qemuDomainValidatePCIAddresses(const virDomainDef *def, GError **errp)
{
    g_autoptr(GPtrArray) all = virDomainDefCollectDeviceInfos(def);
    g_autoptr(GPtrArray) list = g_ptr_array_new();
    size_t i, j;

    for (i = 0; i < all->len; i++) {
        virDomainDeviceInfo *info = g_ptr_array_index(all, i);
        if (info->addr.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI)
            g_ptr_array_add(list, info);
    }
    for (i = 0; i < list->len; i++) {
        virDomainDeviceInfo *a = g_ptr_array_index(list, i);

        if (!virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_PCI,
                                        a->addr.pci.bus)) {
            g_autofree char *name = qemuDomainDeviceName(def, a);
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "%s is at guest PCI bus %u, but domain '%s' has no "
                           "PCI controller with index %u", name,
                           a->addr.pci.bus, def->name, a->addr.pci.bus);
            return FALSE;
        }
        for (j = 0; j < i; j++) {
            virDomainDeviceInfo *b = g_ptr_array_index(list, j);
            if (a->addr.pci.bus == b->addr.pci.bus &&
                a->addr.pci.slot == b->addr.pci.slot &&
                a->addr.pci.function == b->addr.pci.function) {
                g_autofree char *na = qemuDomainDeviceName(def, a);
                g_autofree char *nb = qemuDomainDeviceName(def, b);
                virReportError(errp, VIR_ERR_XML_ERROR,
                               "%s and %s both use guest PCI address "
                               "0000:%02x:%02x.%x; give one of them another "
                               "slot or remove its <address>", nb, na,
                               a->addr.pci.bus, a->addr.pci.slot,
                               a->addr.pci.function);
                return FALSE;
            }
        }
        if (a->addr.pci.slot == 0) {
            g_autofree char *name = qemuDomainDeviceName(def, a);
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "%s: guest PCI slot 0 is reserved on pseries "
                           "PHBs; use slots 1-31", name);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
qemuDomainValidateGroups(const virDomainDef *def, GPtrArray *warnings,
                         GError **errp)
{
    size_t i, j;

    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *a = g_ptr_array_index(def->hostdevs, i);

        for (j = 0; j < i; j++) {
            virDomainHostdevDef *b = g_ptr_array_index(def->hostdevs, j);
            g_autofree char *bdfa = NULL;
            g_autofree char *bdfb = NULL;

            if (a->iommuGroup != b->iommuGroup ||
                a->info.addr.pci.bus == b->info.addr.pci.bus)
                continue;
            bdfa = virPCIDeviceAddressAsString(&a->source);
            bdfb = virPCIDeviceAddressAsString(&b->source);
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "IOMMU group %d is split across PHBs (host device "
                           "%s is on %s and %s is on %s), which QEMU refuses "
                           "with \"group %d used in multiple address "
                           "spaces\"; put every device of the group on one "
                           "PHB or remove their <address> elements",
                           a->iommuGroup, bdfb,
                           qemuDomainPHBBusName(def, b->info.addr.pci.bus),
                           bdfa,
                           qemuDomainPHBBusName(def, a->info.addr.pci.bus),
                           a->iommuGroup);
            return FALSE;
        }
    }

    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *a = g_ptr_array_index(def->hostdevs, i);

        for (j = 0; j < i; j++) {
            virDomainHostdevDef *b = g_ptr_array_index(def->hostdevs, j);
            g_autofree char *bdfa = NULL;
            g_autofree char *bdfb = NULL;

            /* devices absent from the host have their own warning */
            if (a->iommuGroup == b->iommuGroup || a->iommuGroup < 0 ||
                b->iommuGroup < 0 ||
                a->info.addr.pci.bus != b->info.addr.pci.bus)
                continue;
            bdfa = virPCIDeviceAddressAsString(&a->source);
            bdfb = virPCIDeviceAddressAsString(&b->source);
            virWarningAdd(warnings,
                          "host devices %s (IOMMU group %d) and %s (group "
                          "%d) share %s, so the guest loses EEH error "
                          "recovery on that PHB and KVM may link the "
                          "in-kernel TCE table only for the first group "
                          "(DMA of the other falls back to slow userspace "
                          "TCE handling); give each IOMMU group its own PHB",
                          bdfb, b->iommuGroup, bdfa, a->iommuGroup,
                          qemuDomainPHBBusName(def, a->info.addr.pci.bus));
            break;
        }
    }
    return TRUE;
}

static gboolean
qemuDomainValidateAliases(const virDomainDef *def, GError **errp)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GPtrArray) list = virDomainDefCollectDeviceInfos(def);
    size_t i;

    for (i = 0; i < list->len; i++) {
        virDomainDeviceInfo *info = g_ptr_array_index(list, i);

        if (!info->alias)
            continue;
        if (g_hash_table_contains(seen, info->alias)) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "device alias '%s' is used twice in domain '%s'",
                           info->alias, def->name);
            return FALSE;
        }
        g_hash_table_add(seen, info->alias);
    }
    return TRUE;
}

/* every device has the kind of address its bus takes */
static gboolean
qemuDomainCheckAddressType(const virDomainDef *def,
                           const virDomainDeviceInfo *info, int want,
                           GError **errp)
{
    g_autofree char *name = NULL;

    if (info->addr.type == want)
        return TRUE;
    name = qemuDomainDeviceName(def, info);
    virReportError(errp, VIR_ERR_XML_ERROR,
                   "%s sits on the %s bus, so its <address> must be "
                   "type='%s', not '%s'", name,
                   virDomainDeviceAddressTypeToString(want),
                   virDomainDeviceAddressTypeToString(want),
                   virDomainDeviceAddressTypeToString(info->addr.type));
    return FALSE;
}

static gboolean
qemuDomainValidateAddressTypes(const virDomainDef *def, GError **errp)
{
    const int pci = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
    const int vio = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_SPAPRVIO;
    size_t i;

    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *d = g_ptr_array_index(def->disks, i);
        if (!qemuDomainCheckAddressType(def, &d->info,
                                        d->bus == VIR_DOMAIN_DISK_BUS_VIRTIO ?
                                        pci : VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE,
                                        errp))
            return FALSE;
    }
    for (i = 0; i < def->nets->len; i++) {
        virDomainNetDef *n = g_ptr_array_index(def->nets, i);
        if (n->type != VIR_DOMAIN_NET_TYPE_HOSTDEV &&
            !qemuDomainCheckAddressType(def, &n->info,
                                        n->model == VIR_DOMAIN_NET_MODEL_SPAPR_VLAN ?
                                        vio : pci, errp))
            return FALSE;
    }
    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(def->hostdevs, i);
        if (!qemuDomainCheckAddressType(def, &h->info, pci, errp))
            return FALSE;
    }
    for (i = 0; i < def->serials->len; i++) {
        virDomainChrDef *c = g_ptr_array_index(def->serials, i);
        if (!qemuDomainCheckAddressType(def, &c->info, vio, errp))
            return FALSE;
    }
    for (i = 0; i < def->inputs->len; i++) {
        virDomainInputDef *in = g_ptr_array_index(def->inputs, i);
        if (!qemuDomainCheckAddressType(def, &in->info,
                                        VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB,
                                        errp))
            return FALSE;
    }
    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        if (c->model == VIR_DOMAIN_CONTROLLER_MODEL_SCSI_IBMVSCSI &&
            !qemuDomainCheckAddressType(def, &c->info, vio, errp))
            return FALSE;
        if (c->info.addr.type && c->model != VIR_DOMAIN_CONTROLLER_MODEL_SCSI_IBMVSCSI &&
            !qemuDomainCheckAddressType(def, &c->info, pci, errp))
            return FALSE;
    }
    for (i = 0; i < def->videos->len; i++) {
        virDomainVideoDef *v = g_ptr_array_index(def->videos, i);
        if (v->info.addr.type && !qemuDomainCheckAddressType(def, &v->info, pci, errp))
            return FALSE;
    }
    for (i = 0; i < def->rngs->len; i++) {
        virDomainRNGDef *r = g_ptr_array_index(def->rngs, i);
        if (!qemuDomainCheckAddressType(def, &r->info, pci, errp))
            return FALSE;
    }
    for (i = 0; i < def->watchdogs->len; i++) {
        virDomainWatchdogDef *w = g_ptr_array_index(def->watchdogs, i);
        if (!qemuDomainCheckAddressType(def, &w->info, pci, errp))
            return FALSE;
    }
    if (def->memballoon && def->memballoon->info.addr.type &&
        !qemuDomainCheckAddressType(def, &def->memballoon->info, pci, errp))
        return FALSE;
    for (i = 0; i < def->consoles->len + def->channels->len; i++) {
        virDomainChrDef *c = i < def->consoles->len ?
            g_ptr_array_index(def->consoles, i) :
            g_ptr_array_index(def->channels, i - def->consoles->len);
        if (c->info.addr.type) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "<%s> '%s': virtio-serial addresses are not "
                           "supported; remove the <address>",
                           virDomainChrDeviceTypeToString(c->deviceType),
                           c->info.alias ? c->info.alias : "");
            return FALSE;
        }
    }
    return TRUE;
}

/* no two devices share a spapr-vio register, a USB port or a SCSI drive
 * address */
static gboolean
qemuDomainValidateOtherAddresses(const virDomainDef *def, GError **errp)
{
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash,
                                                        g_str_equal, g_free,
                                                        g_free);
    g_autoptr(GPtrArray) list = virDomainDefCollectDeviceInfos(def);
    size_t i;

    for (i = 0; i < list->len; i++) {
        virDomainDeviceInfo *info = g_ptr_array_index(list, i);
        g_autofree char *key = NULL;
        g_autofree char *what = NULL;
        const char *other;

        switch (info->addr.type) {
        case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_SPAPRVIO:
            key = g_strdup_printf("spapr-vio reg 0x%" G_GINT64_MODIFIER "x",
                                  info->addr.spaprvioReg);
            break;
        case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB:
            key = g_strdup_printf("USB bus %u port %s", info->addr.usb.bus,
                                  info->addr.usb.port ? info->addr.usb.port : "");
            break;
        case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE:
            key = g_strdup_printf("SCSI address %u:%u:%u:%u",
                                  info->addr.drive.controller,
                                  info->addr.drive.bus,
                                  info->addr.drive.target,
                                  info->addr.drive.unit);
            break;
        default:
            continue;
        }
        what = qemuDomainDeviceName(def, info);
        if ((other = g_hash_table_lookup(seen, key))) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "%s and %s both use %s in domain '%s'; give one "
                           "of them another address or remove it", other,
                           what, key, def->name);
            return FALSE;
        }
        g_hash_table_insert(seen, g_steal_pointer(&key),
                            g_steal_pointer(&what));
    }
    return TRUE;
}

gboolean
qemuDomainDefValidate(const virDomainDef *def, GPtrArray *warnings,
                      GError **errp)
{
    return qemuDomainValidateAddressTypes(def, errp) &&
           qemuDomainValidatePCIAddresses(def, errp) &&
           qemuDomainValidateOtherAddresses(def, errp) &&
           qemuDomainValidateGroups(def, warnings, errp) &&
           qemuDomainValidateAliases(def, errp);
}

virDomainDef *
qemuDomainDefParseAndNormalize(const char *xml, size_t len,
                               const char *filename, GPtrArray *warnings,
                               GError **errp)
{
    g_autoptr(virDomainDef) def = NULL;

    /* validate the user's definition, then again with the defaults */
    if (!(def = virDomainDefParseString(xml, len, filename, errp)) ||
        !virDomainDefValidate(def, errp) ||
        !qemuDomainDefPostParse(def, warnings, errp) ||
        !virDomainDefValidate(def, errp) ||
        !qemuDomainDefValidate(def, warnings, errp))
        return NULL;
    return g_steal_pointer(&def);
}
