/*
 * qemu_domain.c: pseries defaults, PHB placement, guest addresses, aliases
 *
 * Placement rules (docs/formatdomain.rst, "PHBs and slots"):
 *  - the default PHB (index 0) carries the emulated PCI devices;
 *  - every host IOMMU group gets a spapr-pci-host-bridge of its own, shared
 *    only by devices of that group: QEMU binds one VFIO container per PHB
 *    address space, EEH needs exactly one group per PHB and KVM links the
 *    in-kernel TCE table reliably only for the first group of a container;
 *  - addresses given by the user are kept; a group placed on two PHBs is
 *    refused, two groups on one PHB are accepted with a warning.
 */
#include <config.h>

#include <string.h>

#include "qemu_domain.h"
#include "domain_validate.h"
#include "virerror.h"

#define QEMU_PCI_SLOTS 32

typedef struct {
    gboolean exists;
    gboolean emulated;              /* hosts emulated devices */
    GArray *groups;                 /* IOMMU groups (int) placed here */
    guint8 used[QEMU_PCI_SLOTS];    /* function bitmap per slot */
} qemuPHBUse;

typedef struct {
    qemuPHBUse phb[VIR_DOMAIN_PHB_MAX_INDEX + 1];
} qemuAddrSet;

static void
qemuAddrSetClear(qemuAddrSet *set)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(set->phb); i++)
        g_clear_pointer(&set->phb[i].groups, g_array_unref);
}

static gboolean
qemuPHBHasGroup(const qemuPHBUse *phb, int group)
{
    size_t i;

    for (i = 0; phb->groups && i < phb->groups->len; i++) {
        if (g_array_index(phb->groups, int, i) == group)
            return TRUE;
    }
    return FALSE;
}

static void
qemuPHBAddGroup(qemuPHBUse *phb, int group)
{
    if (!phb->groups)
        phb->groups = g_array_new(FALSE, FALSE, sizeof(int));
    if (!qemuPHBHasGroup(phb, group))
        g_array_append_val(phb->groups, group);
}

static gboolean
qemuPHBIsEmpty(const qemuPHBUse *phb)
{
    size_t i;

    if (phb->emulated || (phb->groups && phb->groups->len))
        return FALSE;
    for (i = 0; i < QEMU_PCI_SLOTS; i++) {
        if (phb->used[i])
            return FALSE;
    }
    return TRUE;
}

static virDomainControllerDef *
qemuDomainAddPHB(virDomainDef *def, qemuAddrSet *set, unsigned int idx)
{
    virDomainControllerDef *cont;

    cont = virDomainControllerDefNew(VIR_DOMAIN_CONTROLLER_TYPE_PCI, idx);
    cont->model = VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT;
    cont->hasModelName = TRUE;
    g_ptr_array_add(def->controllers, cont);
    set->phb[idx].exists = TRUE;
    return cont;
}

/* The lowest PHB index not used by any PCI controller, or -1 */
static int
qemuDomainFreePHBIndex(const qemuAddrSet *set)
{
    int i;

    for (i = 1; i <= VIR_DOMAIN_PHB_MAX_INDEX; i++) {
        if (!set->phb[i].exists)
            return i;
    }
    return -1;
}

/* ---- walking the PCI devices of a definition ---- */

typedef enum {
    QEMU_PCI_DEV_EMULATED,
    QEMU_PCI_DEV_HOSTDEV,
} qemuPCIDevKind;

typedef gboolean (*qemuPCIDevCallback)(virDomainDef *def,
                                       virDomainDeviceInfo *info,
                                       qemuPCIDevKind kind,
                                       virDomainHostdevDef *hostdev,
                                       void *opaque, GError **errp);

static gboolean
qemuDomainControllerIsPCIDevice(const virDomainControllerDef *c)
{
    switch ((virDomainControllerType) c->type) {
    case VIR_DOMAIN_CONTROLLER_TYPE_USB:
        return c->model != VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE;
    case VIR_DOMAIN_CONTROLLER_TYPE_SCSI:
        return c->model == VIR_DOMAIN_CONTROLLER_MODEL_SCSI_VIRTIO;
    case VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
        return TRUE;
    case VIR_DOMAIN_CONTROLLER_TYPE_PCI:
    case VIR_DOMAIN_CONTROLLER_TYPE_LAST:
        break;
    }
    return FALSE;
}

static gboolean
qemuDomainNetIsPCIDevice(const virDomainNetDef *net)
{
    /* type='hostdev' is placed through its hostdev */
    return net->type != VIR_DOMAIN_NET_TYPE_HOSTDEV &&
           net->model != VIR_DOMAIN_NET_MODEL_SPAPR_VLAN;
}

/* Visits PCI devices in the order their slots are assigned: network
 * interfaces, disks, host devices, controllers, video, balloon, rng. */
static gboolean
qemuDomainForeachPCIDevice(virDomainDef *def, qemuPCIDevCallback cb,
                           void *opaque, GError **errp)
{
    size_t i;

    for (i = 0; i < def->nets->len; i++) {
        virDomainNetDef *n = g_ptr_array_index(def->nets, i);
        if (qemuDomainNetIsPCIDevice(n) &&
            !cb(def, &n->info, QEMU_PCI_DEV_EMULATED, NULL, opaque, errp))
            return FALSE;
    }
    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *d = g_ptr_array_index(def->disks, i);
        if (d->bus == VIR_DOMAIN_DISK_BUS_VIRTIO &&
            !cb(def, &d->info, QEMU_PCI_DEV_EMULATED, NULL, opaque, errp))
            return FALSE;
    }
    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(def->hostdevs, i);
        if (!cb(def, &h->info, QEMU_PCI_DEV_HOSTDEV, h, opaque, errp))
            return FALSE;
    }
    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        if (qemuDomainControllerIsPCIDevice(c) &&
            !cb(def, &c->info, QEMU_PCI_DEV_EMULATED, NULL, opaque, errp))
            return FALSE;
    }
    for (i = 0; i < def->videos->len; i++) {
        virDomainVideoDef *v = g_ptr_array_index(def->videos, i);
        if (v->type != VIR_DOMAIN_VIDEO_TYPE_NONE &&
            !cb(def, &v->info, QEMU_PCI_DEV_EMULATED, NULL, opaque, errp))
            return FALSE;
    }
    for (i = 0; i < def->watchdogs->len; i++) {
        virDomainWatchdogDef *w = g_ptr_array_index(def->watchdogs, i);
        if (!cb(def, &w->info, QEMU_PCI_DEV_EMULATED, NULL, opaque, errp))
            return FALSE;
    }
    if (def->memballoon &&
        def->memballoon->model == VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO &&
        !cb(def, &def->memballoon->info, QEMU_PCI_DEV_EMULATED, NULL, opaque,
            errp))
        return FALSE;
    for (i = 0; i < def->rngs->len; i++) {
        virDomainRNGDef *r = g_ptr_array_index(def->rngs, i);
        if (!cb(def, &r->info, QEMU_PCI_DEV_EMULATED, NULL, opaque, errp))
            return FALSE;
    }
    return TRUE;
}

/* ---- defaults ---- */

static void
qemuDomainSetDefaultAlias(virDomainDeviceInfo *info, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static void
qemuDomainSetDefaultAlias(virDomainDeviceInfo *info, const char *fmt, ...)
{
    va_list ap;

    if (info->alias)
        return;
    va_start(ap, fmt);
    info->alias = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

static void
qemuDomainAddDefaultDevices(virDomainDef *def)
{
    size_t i;
    gboolean hasKbd = FALSE, hasPointer = FALSE;
    gboolean needVirtioSerial = FALSE;

    if (!virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_PCI, 0)) {
        virDomainControllerDef *phb0 =
            virDomainControllerDefNew(VIR_DOMAIN_CONTROLLER_TYPE_PCI, 0);
        g_ptr_array_insert(def->controllers, 0, phb0);
    }
    if (!virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_USB, 0)) {
        virDomainControllerDef *usb =
            virDomainControllerDefNew(VIR_DOMAIN_CONTROLLER_TYPE_USB, 0);
        usb->model = VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI;
        g_ptr_array_add(def->controllers, usb);
    }
    /* every SCSI controller a disk names exists (ibmvscsi, as libvirt) */
    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *d = g_ptr_array_index(def->disks, i);
        unsigned int idx = d->info.addr.drive.controller;

        if (d->bus != VIR_DOMAIN_DISK_BUS_SCSI ||
            d->info.addr.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE ||
            virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_SCSI,
                                       idx))
            continue;
        {
            virDomainControllerDef *scsi =
                virDomainControllerDefNew(VIR_DOMAIN_CONTROLLER_TYPE_SCSI, idx);
            scsi->model = VIR_DOMAIN_CONTROLLER_MODEL_SCSI_IBMVSCSI;
            g_ptr_array_add(def->controllers, scsi);
        }
    }
    for (i = 0; i < def->consoles->len; i++) {
        virDomainChrDef *c = g_ptr_array_index(def->consoles, i);
        if (c->targetType == VIR_DOMAIN_CHR_TARGET_VIRTIO)
            needVirtioSerial = TRUE;
    }
    if (def->channels->len)
        needVirtioSerial = TRUE;
    if (needVirtioSerial &&
        !virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL,
                                    0))
        g_ptr_array_add(def->controllers,
                        virDomainControllerDefNew(VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL,
                                                  0));

    /* libvirt gives pseries guests with graphics a USB keyboard and mouse
     * (when they have USB) */
    for (i = 0; i < def->inputs->len; i++) {
        virDomainInputDef *in = g_ptr_array_index(def->inputs, i);
        if (in->type == VIR_DOMAIN_INPUT_TYPE_KBD)
            hasKbd = TRUE;
        else if (in->type == VIR_DOMAIN_INPUT_TYPE_MOUSE)
            hasPointer = TRUE;
    }
    {
        virDomainControllerDef *usb =
            virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_USB, 0);
        if (usb && usb->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE)
            hasKbd = hasPointer = TRUE;
    }
    if (def->graphics->len && !hasKbd) {
        virDomainInputDef *in = g_new0(virDomainInputDef, 1);
        in->type = VIR_DOMAIN_INPUT_TYPE_KBD;
        g_ptr_array_add(def->inputs, in);
    }
    if (def->graphics->len && !hasPointer) {
        virDomainInputDef *in = g_new0(virDomainInputDef, 1);
        in->type = VIR_DOMAIN_INPUT_TYPE_MOUSE;
        g_ptr_array_add(def->inputs, in);
    }
    if (def->graphics->len && def->videos->len == 0) {
        virDomainVideoDef *v = g_new0(virDomainVideoDef, 1);
        v->type = VIR_DOMAIN_VIDEO_TYPE_VGA;
        g_ptr_array_add(def->videos, v);
    }
    /* a <console type='serial'> is the first serial port's console */
    if (def->serials->len == 0) {
        for (i = 0; i < def->consoles->len; i++) {
            virDomainChrDef *c = g_ptr_array_index(def->consoles, i);
            if (c->targetType == VIR_DOMAIN_CHR_TARGET_NONE ||
                c->targetType == VIR_DOMAIN_CHR_TARGET_SERIAL) {
                virDomainChrDef *s = g_new0(virDomainChrDef, 1);
                s->deviceType = VIR_DOMAIN_CHR_DEVICE_SERIAL;
                s->type = c->type;
                s->path = g_strdup(c->path);
                s->host = g_strdup(c->host);
                s->service = g_strdup(c->service);
                s->listen = c->listen;
                s->append = c->append;
                s->logFile = g_strdup(c->logFile);
                s->logAppend = c->logAppend;
                s->targetPort = -1;
                g_ptr_array_add(def->serials, s);
                break;
            }
        }
    }
    /* ... and the first serial port is the console, as libvirt shows it */
    if (def->serials->len && def->consoles->len == 0) {
        virDomainChrDef *s = g_ptr_array_index(def->serials, 0);
        virDomainChrDef *c = g_new0(virDomainChrDef, 1);
        c->deviceType = VIR_DOMAIN_CHR_DEVICE_CONSOLE;
        c->type = s->type;
        c->path = g_strdup(s->path);
        c->host = g_strdup(s->host);
        c->service = g_strdup(s->service);
        c->listen = s->listen;
        c->append = s->append;
        c->logFile = g_strdup(s->logFile);
        c->logAppend = s->logAppend;
        c->targetType = VIR_DOMAIN_CHR_TARGET_SERIAL;
        c->targetPort = 0;
        g_ptr_array_add(def->consoles, c);
    }
    if (def->panics->len == 0)
        g_ptr_array_add(def->panics, g_new0(virDomainPanicDef, 1));
    if (!def->memballoon) {
        def->memballoon = g_new0(virDomainMemballoonDef, 1);
        def->memballoon->model = VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO;
    }
}

/* pseries needs RAM, maxmem and every NUMA node in multiples of 256 MiB
 * (and of the hugepage size): round up as libvirt does on ppc64 */
#define QEMU_PSERIES_MEM_ALIGN_KIB (256ULL * 1024)

static guint64
qemuAlignUp(guint64 kib, guint64 align)
{
    return kib % align ? kib + align - kib % align : kib;
}

static gboolean
qemuDomainAlignMemory(virDomainDef *def, GError **errp)
{
    guint64 align = QEMU_PSERIES_MEM_ALIGN_KIB;
    guint64 total = 0;
    size_t i;

    if (def->mem.hugepages->len) {
        guint64 page = g_array_index(def->mem.hugepages,
                                     virDomainHugePage, 0).size;
        if (page > align && page % align == 0)
            align = page;
    }
    for (i = 0; i < def->cpu.cells->len; i++) {
        virDomainNumaCell *c = &g_array_index(def->cpu.cells,
                                              virDomainNumaCell, i);
        c->memory = qemuAlignUp(c->memory, align);
        total += c->memory;
    }
    def->mem.total = def->cpu.cells->len ? total :
                     qemuAlignUp(def->mem.total, align);
    if (def->mem.maxMemory)
        def->mem.maxMemory = qemuAlignUp(def->mem.maxMemory, align);
    if (def->mem.maxMemory && def->mem.total > def->mem.maxMemory) {
        virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                       "domain '%s': pseries guest memory comes in multiples "
                       "of %" G_GUINT64_FORMAT " MiB per NUMA cell, which "
                       "makes <memory> %" G_GUINT64_FORMAT " MiB, more than "
                       "<maxMemory> (%" G_GUINT64_FORMAT " MiB after the "
                       "same rounding); raise <maxMemory> or use fewer, "
                       "larger cells", def->name, align >> 10,
                       def->mem.total >> 10, def->mem.maxMemory >> 10);
        return FALSE;
    }
    if (def->mem.current > def->mem.total)
        def->mem.current = def->mem.total;
    return TRUE;
}


static void
qemuDomainSetDeviceDefaults(virDomainDef *def)
{
    size_t i;
    unsigned int nserial = 0;

    if (!def->os.arch)
        def->os.arch = VIR_ARCH_PPC64LE;
    if (!def->os.machine)
        def->os.machine = g_strdup("pseries");
    if (!def->emulator)
        def->emulator = g_strdup(TCEVIRT_DEFAULT_EMULATOR);
    if (!def->vcpuPlacement)
        def->vcpuPlacement = 1;
    if (!def->onPoweroff)
        def->onPoweroff = VIR_DOMAIN_LIFECYCLE_DESTROY;
    if (!def->onReboot)
        def->onReboot = VIR_DOMAIN_LIFECYCLE_RESTART;
    if (!def->onCrash)
        def->onCrash = VIR_DOMAIN_LIFECYCLE_DESTROY;
    if (!def->mem.current)
        def->mem.current = def->mem.total;
    def->mem.memfd = def->mem.source == 2;
    def->mem.prealloc = def->mem.allocation == 1;
    def->mem.shared = def->mem.access == 1;
    for (i = 0; i < def->cpu.cells->len; i++) {
        virDomainNumaCell *cell = &g_array_index(def->cpu.cells,
                                                 virDomainNumaCell, i);
        if (cell->memAccess && g_str_equal(cell->memAccess, "shared"))
            def->mem.shared = TRUE;
    }

    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (c->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI) {
            c->model = VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT;
            c->hasModelName = TRUE;
        } else if (c->type == VIR_DOMAIN_CONTROLLER_TYPE_USB && !c->model) {
            c->model = VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI;
        } else if (c->type == VIR_DOMAIN_CONTROLLER_TYPE_SCSI && !c->model) {
            c->model = VIR_DOMAIN_CONTROLLER_MODEL_SCSI_IBMVSCSI;
        }
    }
    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(def->hostdevs, i);
        h->hasDriver = TRUE;
    }
    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *d = g_ptr_array_index(def->disks, i);

        if (!d->bus)
            d->bus = g_str_has_prefix(d->dst, "vd") ? VIR_DOMAIN_DISK_BUS_VIRTIO :
                                                      VIR_DOMAIN_DISK_BUS_SCSI;
        if (!d->format) {
            d->hasDriver = TRUE;
            d->format = VIR_STORAGE_FORMAT_RAW;
        }
        if (d->device == VIR_DOMAIN_DISK_DEVICE_CDROM)
            d->readonly = TRUE;
        if (d->bus == VIR_DOMAIN_DISK_BUS_SCSI && !d->info.addr.type) {
            d->info.addr.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE;
            d->info.addr.drive.unit = virDomainDiskNameToIndex(d->dst);
        }
    }
    for (i = 0; i < def->nets->len; i++) {
        virDomainNetDef *n = g_ptr_array_index(def->nets, i);

        if (!n->model && n->type == VIR_DOMAIN_NET_TYPE_VHOSTUSER)
            n->model = VIR_DOMAIN_NET_MODEL_VIRTIO;
        else if (!n->model && n->type != VIR_DOMAIN_NET_TYPE_HOSTDEV)
            n->model = VIR_DOMAIN_NET_MODEL_SPAPR_VLAN;
        if (!n->hasMac) {
            n->mac[0] = 0x52;
            n->mac[1] = 0x54;
            n->mac[2] = 0x00;
            n->mac[3] = g_random_int_range(0, 256);
            n->mac[4] = g_random_int_range(0, 256);
            n->mac[5] = g_random_int_range(0, 256);
            n->hasMac = TRUE;
        }
    }
    for (i = 0; i < def->rngs->len; i++) {
        virDomainRNGDef *r = g_ptr_array_index(def->rngs, i);
        if (!r->backendPath)
            r->backendPath = g_strdup("/dev/urandom");
    }
    for (i = 0; i < def->serials->len; i++) {
        virDomainChrDef *c = g_ptr_array_index(def->serials, i);

        c->targetType = VIR_DOMAIN_CHR_TARGET_SPAPR_VIO_SERIAL;
        c->hasModel = TRUE;
        if (c->targetPort < 0)
            c->targetPort = nserial;
        nserial = MAX(nserial, (unsigned int) c->targetPort + 1);
    }
    for (i = 0; i < def->consoles->len; i++) {
        virDomainChrDef *c = g_ptr_array_index(def->consoles, i);

        if (!c->targetType)
            c->targetType = VIR_DOMAIN_CHR_TARGET_SERIAL;
        if (c->targetPort < 0)
            c->targetPort = c->targetType == VIR_DOMAIN_CHR_TARGET_SERIAL ?
                            0 : (int) i;
    }
}

static void
qemuDomainAssignAliases(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        switch ((virDomainControllerType) c->type) {
        case VIR_DOMAIN_CONTROLLER_TYPE_PCI:
            qemuDomainSetDefaultAlias(&c->info, "pci.%u", c->idx);
            break;
        case VIR_DOMAIN_CONTROLLER_TYPE_USB:
            if (c->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE)
                break;
            if (c->idx == 0)
                qemuDomainSetDefaultAlias(&c->info, "usb");
            else
                qemuDomainSetDefaultAlias(&c->info, "usb%u", c->idx);
            break;
        case VIR_DOMAIN_CONTROLLER_TYPE_SCSI:
            qemuDomainSetDefaultAlias(&c->info, "scsi%u", c->idx);
            break;
        case VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
            qemuDomainSetDefaultAlias(&c->info, "virtio-serial%u", c->idx);
            break;
        case VIR_DOMAIN_CONTROLLER_TYPE_LAST:
            break;
        }
    }
    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *d = g_ptr_array_index(def->disks, i);
        if (d->bus == VIR_DOMAIN_DISK_BUS_VIRTIO)
            qemuDomainSetDefaultAlias(&d->info, "virtio-disk%u",
                                      virDomainDiskNameToIndex(d->dst));
        else
            qemuDomainSetDefaultAlias(&d->info, "scsi%u-%u-%u-%u",
                                      d->info.addr.drive.controller,
                                      d->info.addr.drive.bus,
                                      d->info.addr.drive.target,
                                      d->info.addr.drive.unit);
    }
    for (i = 0; i < def->nets->len; i++) {
        virDomainNetDef *n = g_ptr_array_index(def->nets, i);
        if (n->type != VIR_DOMAIN_NET_TYPE_HOSTDEV)
            qemuDomainSetDefaultAlias(&n->info, "net%zu", i);
    }
    for (i = 0; i < def->hostdevs->len; i++)
        qemuDomainSetDefaultAlias(&((virDomainHostdevDef *)
                                    g_ptr_array_index(def->hostdevs, i))->info,
                                  "hostdev%zu", i);
    for (i = 0; i < def->serials->len; i++)
        qemuDomainSetDefaultAlias(&((virDomainChrDef *)
                                    g_ptr_array_index(def->serials, i))->info,
                                  "serial%zu", i);
    for (i = 0; i < def->consoles->len; i++) {
        virDomainChrDef *c = g_ptr_array_index(def->consoles, i);
        if (c->targetType == VIR_DOMAIN_CHR_TARGET_SERIAL)
            qemuDomainSetDefaultAlias(&c->info, "serial%d", c->targetPort);
        else
            qemuDomainSetDefaultAlias(&c->info, "console%zu", i);
    }
    for (i = 0; i < def->channels->len; i++)
        qemuDomainSetDefaultAlias(&((virDomainChrDef *)
                                    g_ptr_array_index(def->channels, i))->info,
                                  "channel%zu", i);
    for (i = 0; i < def->inputs->len; i++) {
        virDomainInputDef *in = g_ptr_array_index(def->inputs, i);
        qemuDomainSetDefaultAlias(&in->info, "input%zu", i);
    }
    for (i = 0; i < def->videos->len; i++)
        qemuDomainSetDefaultAlias(&((virDomainVideoDef *)
                                    g_ptr_array_index(def->videos, i))->info,
                                  "video%zu", i);
    for (i = 0; i < def->rngs->len; i++)
        qemuDomainSetDefaultAlias(&((virDomainRNGDef *)
                                    g_ptr_array_index(def->rngs, i))->info,
                                  "rng%zu", i);
    if (def->memballoon &&
        def->memballoon->model == VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO)
        qemuDomainSetDefaultAlias(&def->memballoon->info, "balloon0");
    for (i = 0; i < def->watchdogs->len; i++)
        qemuDomainSetDefaultAlias(&((virDomainWatchdogDef *)
                                    g_ptr_array_index(def->watchdogs, i))->info,
                                  "watchdog%zu", i);
}

/* spapr-vio register numbers as libvirt assigns them */
static void
qemuDomainAssignVIOAddress(virDomainDef *def, virDomainDeviceInfo *info,
                           guint64 base, GPtrArray *vio)
{
    guint64 reg = base;
    size_t i;

    if (info->addr.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_SPAPRVIO &&
        info->addr.spaprvioHasReg) {
        g_ptr_array_add(vio, info);
        return;
    }
 retry:
    for (i = 0; i < vio->len; i++) {
        virDomainDeviceInfo *o = g_ptr_array_index(vio, i);
        if (o->addr.spaprvioReg == reg) {
            reg += 0x1000;
            goto retry;
        }
    }
    info->addr.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_SPAPRVIO;
    info->addr.spaprvioReg = reg;
    info->addr.spaprvioHasReg = TRUE;
    g_ptr_array_add(vio, info);
}

static void
qemuDomainAssignVIOAddresses(virDomainDef *def)
{
    g_autoptr(GPtrArray) vio = g_ptr_array_new();
    size_t i, pass;

    /* user-given registers first, so generated ones avoid them */
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < def->nets->len; i++) {
            virDomainNetDef *n = g_ptr_array_index(def->nets, i);
            if (n->model == VIR_DOMAIN_NET_MODEL_SPAPR_VLAN &&
                (pass == 1) != n->info.addr.spaprvioHasReg)
                qemuDomainAssignVIOAddress(def, &n->info, 0x1000, vio);
        }
        for (i = 0; i < def->controllers->len; i++) {
            virDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
            if (c->model == VIR_DOMAIN_CONTROLLER_MODEL_SCSI_IBMVSCSI &&
                (pass == 1) != c->info.addr.spaprvioHasReg)
                qemuDomainAssignVIOAddress(def, &c->info, 0x2000, vio);
        }
        for (i = 0; i < def->serials->len; i++) {
            virDomainChrDef *c = g_ptr_array_index(def->serials, i);
            if ((pass == 1) != c->info.addr.spaprvioHasReg)
                qemuDomainAssignVIOAddress(def, &c->info, 0x30000000, vio);
        }
    }
}

/* ---- PCI placement ---- */

static gboolean
qemuDomainReserveUserAddress(virDomainDef *def, virDomainDeviceInfo *info,
                             qemuPCIDevKind kind, virDomainHostdevDef *hostdev,
                             void *opaque, GError **errp)
{
    qemuAddrSet *set = opaque;
    qemuPHBUse *phb;

    if (info->addr.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI)
        return TRUE;
    if (info->addr.pci.domain != 0 ||
        info->addr.pci.bus > VIR_DOMAIN_PHB_MAX_INDEX) {
        g_autofree char *name = qemuDomainDeviceName(def, info);
        virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                       "%s: guest PCI address domain %u bus %u is out of "
                       "range; on pseries the domain is 0 and the bus is the "
                       "PHB index 0-30", name, info->addr.pci.domain,
                       info->addr.pci.bus);
        return FALSE;
    }
    phb = &set->phb[info->addr.pci.bus];
    if (!phb->exists) {
        unsigned int i;
        /* like libvirt: create the PHB and any missing ones below it */
        for (i = 1; i <= info->addr.pci.bus; i++) {
            if (!set->phb[i].exists)
                qemuDomainAddPHB(def, set, i);
        }
    }
    phb->used[info->addr.pci.slot] |= 1 << info->addr.pci.function;
    if (kind == QEMU_PCI_DEV_HOSTDEV)
        qemuPHBAddGroup(phb, hostdev->iommuGroup);
    else
        phb->emulated = TRUE;
    return TRUE;
}

static int
qemuPHBFreeSlot(const qemuPHBUse *phb)
{
    int slot;

    for (slot = 1; slot < QEMU_PCI_SLOTS; slot++) {
        if (!phb->used[slot])
            return slot;
    }
    return -1;
}

static gboolean
qemuDomainPlaceHostdev(virDomainDef *def, virDomainDeviceInfo *info,
                       qemuPCIDevKind kind, virDomainHostdevDef *hostdev,
                       void *opaque, GError **errp)
{
    qemuAddrSet *set = opaque;
    int idx = -1;
    int slot;
    int i;

    if (kind != QEMU_PCI_DEV_HOSTDEV || info->addr.type)
        return TRUE;

    /* 1. the PHB that already holds this IOMMU group (PHB 0 too, when
     *    the user put a function of the group there) */
    for (i = 0; i <= VIR_DOMAIN_PHB_MAX_INDEX && idx < 0; i++) {
        if (set->phb[i].exists && qemuPHBHasGroup(&set->phb[i],
                                                  hostdev->iommuGroup) &&
            qemuPHBFreeSlot(&set->phb[i]) > 0)
            idx = i;
    }
    /* 2. an empty PHB the user defined */
    for (i = 1; i <= VIR_DOMAIN_PHB_MAX_INDEX && idx < 0; i++) {
        if (set->phb[i].exists && qemuPHBIsEmpty(&set->phb[i]))
            idx = i;
    }
    /* 3. a new PHB */
    if (idx < 0 && (idx = qemuDomainFreePHBIndex(set)) > 0)
        qemuDomainAddPHB(def, set, idx);
    /* 4. all 31 PHBs exist: share the hostdev PHB with the fewest groups
     * (validation warns about the groups sharing it) */
    if (idx < 0) {
        int best = -1;

        for (i = 1; i <= VIR_DOMAIN_PHB_MAX_INDEX; i++) {
            qemuPHBUse *phb = &set->phb[i];
            if (phb->exists && phb->groups && phb->groups->len &&
                !phb->emulated && qemuPHBFreeSlot(phb) > 0 &&
                (best < 0 || phb->groups->len < set->phb[best].groups->len))
                best = i;
        }
        idx = best;
    }
    if (idx < 0) {
        g_autofree char *bdf = virPCIDeviceAddressAsString(&hostdev->source);
        virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                       "host device %s cannot be placed: all 31 pseries PHBs "
                       "(index 0-30) and their PCI slots are in use in "
                       "domain '%s'", bdf, def->name);
        return FALSE;
    }
    slot = qemuPHBFreeSlot(&set->phb[idx]);
    info->addr.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
    info->addr.pci.domain = 0;
    info->addr.pci.bus = idx;
    info->addr.pci.slot = slot;
    info->addr.pci.function = 0;
    set->phb[idx].used[slot] |= 1;
    qemuPHBAddGroup(&set->phb[idx], hostdev->iommuGroup);
    return TRUE;
}

static gboolean
qemuDomainPlaceEmulated(virDomainDef *def, virDomainDeviceInfo *info,
                        qemuPCIDevKind kind, virDomainHostdevDef *hostdev,
                        void *opaque, GError **errp)
{
    qemuAddrSet *set = opaque;
    int idx;
    int slot = -1;

    if (kind != QEMU_PCI_DEV_EMULATED || info->addr.type)
        return TRUE;

    /* the default PHB first, then PHBs that hold only emulated devices */
    for (idx = 0; idx <= VIR_DOMAIN_PHB_MAX_INDEX; idx++) {
        qemuPHBUse *phb = &set->phb[idx];

        /* PHB 0 keeps the emulated devices even if the user put a host
         * device there; other PHBs with host devices stay theirs */
        if (!phb->exists || !phb->emulated ||
            (idx > 0 && phb->groups && phb->groups->len))
            continue;
        if ((slot = qemuPHBFreeSlot(phb)) > 0)
            break;
    }
    if (slot < 0) {
        if ((idx = qemuDomainFreePHBIndex(set)) < 0) {
            g_autofree char *name = qemuDomainDeviceName(def, info);
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "%s: no free PCI slot is left on any PHB", name);
            return FALSE;
        }
        qemuDomainAddPHB(def, set, idx);
        set->phb[idx].emulated = TRUE;
        slot = qemuPHBFreeSlot(&set->phb[idx]);
    }
    info->addr.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
    info->addr.pci.domain = 0;
    info->addr.pci.bus = idx;
    info->addr.pci.slot = slot;
    info->addr.pci.function = 0;
    set->phb[idx].used[slot] |= 1;
    return TRUE;
}

static gboolean
qemuDomainAssignPCIAddresses(virDomainDef *def, GError **errp)
{
    qemuAddrSet set = { 0 };
    gboolean ret = FALSE;
    size_t i;

    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        if (virDomainControllerIsPHB(c))
            set.phb[c->idx].exists = TRUE;
    }
    set.phb[0].exists = TRUE;
    set.phb[0].emulated = TRUE;

    if (qemuDomainForeachPCIDevice(def, qemuDomainReserveUserAddress, &set,
                                   errp) &&
        qemuDomainForeachPCIDevice(def, qemuDomainPlaceHostdev, &set, errp) &&
        qemuDomainForeachPCIDevice(def, qemuDomainPlaceEmulated, &set, errp))
        ret = TRUE;
    qemuAddrSetClear(&set);
    return ret;
}

static void
qemuDomainAssignPHBTargets(virDomainDef *def)
{
    gboolean used[VIR_DOMAIN_PHB_MAX_INDEX + 1] = { FALSE };
    size_t i;

    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        if (virDomainControllerIsPHB(c) && c->targetIndex >= 0)
            used[c->targetIndex] = TRUE;
    }
    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        int t;

        if (!virDomainControllerIsPHB(c) || c->targetIndex >= 0)
            continue;
        if (c->idx == 0) {
            t = 0;
        } else if (!used[c->idx]) {
            t = c->idx;
        } else {
            for (t = 1; t <= VIR_DOMAIN_PHB_MAX_INDEX && used[t]; t++)
                ;
        }
        c->targetIndex = t;
        used[t] = TRUE;
    }
}

static gint
qemuControllerCompare(gconstpointer a, gconstpointer b)
{
    const virDomainControllerDef *ca = *(virDomainControllerDef *const *) a;
    const virDomainControllerDef *cb = *(virDomainControllerDef *const *) b;

    if (ca->type != cb->type)
        return ca->type - cb->type;
    return (int) ca->idx - (int) cb->idx;
}

static gboolean
qemuDomainLookupIOMMUGroups(virDomainDef *def, GPtrArray *warnings,
                            GError **errp)
{
    size_t i;

    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(def->hostdevs, i);
        g_autoptr(GError) lerr = NULL;

        h->iommuGroup = virPCIDeviceGetIOMMUGroup(&h->source, &lerr);
        if (h->iommuGroup >= 0 && virPCIDeviceIsBridge(&h->source)) {
            g_autofree char *bdf = virPCIDeviceAddressAsString(&h->source);
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "host PCI device %s is a PCI bridge; only "
                           "endpoint devices can be passed through (remove "
                           "its <hostdev> from domain '%s')", bdf, def->name);
            return FALSE;
        }
        if (h->iommuGroup < 0) {
            virWarningAdd(warnings, "%s; it is placed on a PHB of its own "
                          "and checked again when domain '%s' starts",
                          lerr->message, def->name);
            /* a group number no real device has: one PHB per device */
            h->iommuGroup = -1 - (int) i;
        }
    }
    return TRUE;
}

/* USB ports 1, 2, ... of the first USB controller, as libvirt numbers them */
static void
qemuDomainAssignUSBAddresses(virDomainDef *def)
{
    g_autoptr(GHashTable) used = g_hash_table_new(g_str_hash, g_str_equal);
    unsigned int port = 1;
    size_t i;

    for (i = 0; i < def->inputs->len; i++) {
        virDomainInputDef *in = g_ptr_array_index(def->inputs, i);
        if (in->info.addr.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB &&
            in->info.addr.usb.port)
            g_hash_table_add(used, in->info.addr.usb.port);
    }
    for (i = 0; i < def->inputs->len; i++) {
        virDomainInputDef *in = g_ptr_array_index(def->inputs, i);
        g_autofree char *p = NULL;

        if (in->info.addr.type &&
            (in->info.addr.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB ||
             in->info.addr.usb.port))
            continue;
        while (g_hash_table_contains(used, (p = g_strdup_printf("%u", port)))) {
            g_free(p);
            port++;
        }
        in->info.addr.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB;
        in->info.addr.usb.bus = 0;
        in->info.addr.usb.port = g_steal_pointer(&p);
        g_hash_table_add(used, in->info.addr.usb.port);
    }
}

gboolean
qemuDomainDefPostParse(virDomainDef *def, GPtrArray *warnings, GError **errp)
{
    if (!qemuDomainAlignMemory(def, errp))
        return FALSE;
    qemuDomainSetDeviceDefaults(def);
    qemuDomainAddDefaultDevices(def);
    qemuDomainSetDeviceDefaults(def);
    if (!qemuDomainLookupIOMMUGroups(def, warnings, errp) ||
        !qemuDomainAssignPCIAddresses(def, errp))
        return FALSE;
    qemuDomainAssignPHBTargets(def);
    g_ptr_array_sort(def->controllers, qemuControllerCompare);
    qemuDomainAssignVIOAddresses(def);
    qemuDomainAssignUSBAddresses(def);
    qemuDomainAssignAliases(def);
    return TRUE;
}


gboolean
qemuDomainHostdevXMLSource(const char *devXML, const char *name,
                           virPCIDeviceAddress *addr, GError **errp)
{
    g_autofree char *xml = g_strdup_printf(
        "<domain type='kvm'><name>%s</name><memory unit='KiB'>262144</memory>"
        "<os><type arch='ppc64le' machine='pseries'>hvm</type></os>"
        "<devices>%s</devices></domain>", name, devXML);
    g_autofree char *what = g_strdup_printf("device XML for domain '%s'", name);
    g_autoptr(virDomainDef) parsed = NULL;

    if (!(parsed = virDomainDefParseString(xml, strlen(xml), what, errp)))
        return FALSE;
    if (parsed->hostdevs->len != 1) {
        virReportError(errp, VIR_ERR_OPERATION_UNSUPPORTED,
                       "the device XML for domain '%s' must hold exactly one "
                       "host PCI device (<hostdev mode='subsystem' "
                       "type='pci'> or <interface type='hostdev'>)", name);
        return FALSE;
    }
    *addr = ((virDomainHostdevDef *) g_ptr_array_index(parsed->hostdevs, 0))->source;
    return TRUE;
}


void
qemuDomainRemoveHostdev(virDomainDef *def, virDomainHostdevDef *h)
{
    guint i;

    for (i = 0; i < def->nets->len; i++) {
        virDomainNetDef *n = g_ptr_array_index(def->nets, i);

        if (n->type == VIR_DOMAIN_NET_TYPE_HOSTDEV && n->hostdev == h) {
            g_ptr_array_remove_index(def->nets, i);
            break;
        }
    }
    g_ptr_array_remove(def->hostdevs, h);
}
