/*
 * qemu_command_devices.c: -device/-blockdev/-netdev/-chardev for devices
 */
#include <config.h>

#include <string.h>

#include "qemu_command.h"
#include "qemu_command_priv.h"
#include "qemu_domain.h"
#include "virerror.h"

static void
qemuBuildPHB(GPtrArray *argv, const virDomainControllerDef *c)
{
    JsonBuilder *b = qemuJSONNew("driver", "spapr-pci-host-bridge");

    qemuJSONInt(b, "index", c->targetIndex);
    qemuJSONStr(b, "id", c->info.alias);
    if (c->numaNode >= 0)
        qemuJSONInt(b, "numa_node", c->numaNode);
    qemuJSONFinish(argv, "-device", b);
}

static void
qemuBuildPHBs(GPtrArray *argv, const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        /* the default PHB is part of the machine */
        if (virDomainControllerIsPHB(c) && c->idx != 0)
            qemuBuildPHB(argv, c);
    }
}

static void
qemuBuildControllers(GPtrArray *argv, const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        const char *driver = NULL;
        JsonBuilder *b;

        switch ((virDomainControllerModel) c->model) {
        case VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI:
            driver = "qemu-xhci";
            break;
        case VIR_DOMAIN_CONTROLLER_MODEL_USB_NEC_XHCI:
            driver = "nec-usb-xhci";
            break;
        case VIR_DOMAIN_CONTROLLER_MODEL_USB_PCI_OHCI:
            driver = "pci-ohci";
            break;
        case VIR_DOMAIN_CONTROLLER_MODEL_SCSI_VIRTIO:
            driver = "virtio-scsi-pci";
            break;
        case VIR_DOMAIN_CONTROLLER_MODEL_SCSI_IBMVSCSI:
            driver = "spapr-vscsi";
            break;
        case VIR_DOMAIN_CONTROLLER_MODEL_DEFAULT:
            if (c->type == VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL)
                driver = "virtio-serial-pci";
            break;
        case VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT:
        case VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE:
        case VIR_DOMAIN_CONTROLLER_MODEL_LAST:
            break;
        }
        if (!driver)
            continue;
        b = qemuJSONNew("driver", driver);
        qemuJSONStr(b, "id", c->info.alias);
        if (c->type == VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL) {
            if (c->ports)
                qemuJSONInt(b, "max_ports", c->ports);
            if (c->vectors)
                qemuJSONInt(b, "vectors", c->vectors);
        }
        qemuJSONAddress(b, def, &c->info);
        qemuJSONFinish(argv, "-device", b);
    }
}

/* bootindex of a device: its own <boot order>, else from <os><boot dev> */
static unsigned int
qemuDeviceBootIndex(const virDomainDef *def, const virDomainDeviceInfo *info)
{
    gboolean perDevice = FALSE;
    size_t i, j;

    if (info->bootIndex)
        return info->bootIndex;
    for (i = 0; i < def->disks->len; i++)
        perDevice |= ((virDomainDiskDef *) g_ptr_array_index(def->disks, i))->info.bootIndex != 0;
    for (i = 0; i < def->nets->len; i++)
        perDevice |= ((virDomainNetDef *) g_ptr_array_index(def->nets, i))->info.bootIndex != 0;
    for (i = 0; i < def->hostdevs->len; i++)
        perDevice |= ((virDomainHostdevDef *) g_ptr_array_index(def->hostdevs, i))->info.bootIndex != 0;
    if (perDevice)
        return 0;

    for (i = 0; i < def->os.nBootDevs; i++) {
        switch ((virDomainBootDev) def->os.bootDevs[i]) {
        case VIR_DOMAIN_BOOT_HD:
        case VIR_DOMAIN_BOOT_CDROM:
            for (j = 0; j < def->disks->len; j++) {
                virDomainDiskDef *d = g_ptr_array_index(def->disks, j);
                int want = def->os.bootDevs[i] == VIR_DOMAIN_BOOT_HD ?
                           VIR_DOMAIN_DISK_DEVICE_DISK :
                           VIR_DOMAIN_DISK_DEVICE_CDROM;
                if (d->device == want) {
                    if (&d->info == info)
                        return i + 1;
                    break;
                }
            }
            break;
        case VIR_DOMAIN_BOOT_NETWORK:
            if (def->nets->len) {
                virDomainNetDef *n = g_ptr_array_index(def->nets, 0);
                if ((n->hostdev ? &n->hostdev->info : &n->info) == info)
                    return i + 1;
            }
            break;
        case VIR_DOMAIN_BOOT_LAST:
            break;
        }
    }
    return 0;
}

static gboolean
qemuDiskHasIotune(const virDomainDiskDef *disk)
{
    size_t i;

    for (i = 0; i < VIR_DOMAIN_DISK_IOTUNE_LAST; i++) {
        if (disk->iotune[i])
            return TRUE;
    }
    return FALSE;
}

static void
qemuBuildDisk(GPtrArray *argv, const virDomainDef *def,
              const virDomainDiskDef *disk, size_t n)
{
    g_autofree char *storage = g_strdup_printf("libvirt-%zu-storage", n);
    g_autofree char *format = g_strdup_printf("libvirt-%zu-format", n);
    gboolean direct = disk->cache == VIR_DOMAIN_DISK_CACHE_NONE ||
                      disk->cache == VIR_DOMAIN_DISK_CACHE_DIRECTSYNC;
    gboolean noflush = disk->cache == VIR_DOMAIN_DISK_CACHE_UNSAFE;
    gboolean cdrom = disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM;
    unsigned int boot = qemuDeviceBootIndex(def, &disk->info);
    JsonBuilder *b;

    if (disk->src) {
        b = qemuJSONNew("driver", disk->type == VIR_DOMAIN_DISK_TYPE_BLOCK ?
                                  "host_device" : "file");
        qemuJSONStr(b, "filename", disk->src);
        qemuJSONStr(b, "node-name", storage);
        if (disk->io)
            qemuJSONStr(b, "aio", disk->io == VIR_DOMAIN_DISK_IO_URING ?
                                  "io_uring" :
                                  virDomainDiskIoTypeToString(disk->io));
        if (disk->cache) {
            json_builder_set_member_name(b, "cache");
            json_builder_begin_object(b);
            qemuJSONBool(b, "direct", direct);
            qemuJSONBool(b, "no-flush", noflush);
            json_builder_end_object(b);
        }
        qemuJSONBool(b, "auto-read-only", TRUE);
        qemuJSONStr(b, "discard", "unmap");
        qemuJSONFinish(argv, "-blockdev", b);

        b = qemuJSONNew("node-name", format);
        qemuJSONBool(b, "read-only", disk->readonly);
        if (disk->discard)
            qemuJSONStr(b, "discard",
                        virDomainDiskDiscardTypeToString(disk->discard));
        if (disk->cache) {
            json_builder_set_member_name(b, "cache");
            json_builder_begin_object(b);
            qemuJSONBool(b, "direct", direct);
            qemuJSONBool(b, "no-flush", noflush);
            json_builder_end_object(b);
        }
        qemuJSONStr(b, "driver",
                    virStorageFileFormatTypeToString(disk->format));
        qemuJSONStr(b, "file", storage);
        qemuJSONFinish(argv, "-blockdev", b);
    }

    if (disk->src && qemuDiskHasIotune(disk)) {
        g_autofree char *group = g_strdup_printf("throttle-libvirt-%zu", n);
        g_autofree char *node = g_strdup_printf("libvirt-%zu-throttle", n);
        static const char *const keys[] = {
            "bps-total", "bps-read", "bps-write",
            "iops-total", "iops-read", "iops-write",
        };
        size_t i;

        b = qemuJSONNew("qom-type", "throttle-group");
        qemuJSONStr(b, "id", group);
        json_builder_set_member_name(b, "limits");
        json_builder_begin_object(b);
        for (i = 0; i < VIR_DOMAIN_DISK_IOTUNE_LAST; i++) {
            if (disk->iotune[i])
                qemuJSONInt(b, keys[i], disk->iotune[i]);
        }
        json_builder_end_object(b);
        qemuJSONFinish(argv, "-object", b);

        b = qemuJSONNew("driver", "throttle");
        qemuJSONStr(b, "node-name", node);
        qemuJSONStr(b, "throttle-group", group);
        qemuJSONStr(b, "file", format);
        qemuJSONFinish(argv, "-blockdev", b);
        g_free(format);
        format = g_steal_pointer(&node);
    }

    if (disk->bus == VIR_DOMAIN_DISK_BUS_VIRTIO) {
        b = qemuJSONNew("driver", "virtio-blk-pci");
        if (disk->iothread) {
            g_autofree char *it = g_strdup_printf("iothread%u", disk->iothread);
            qemuJSONStr(b, "iothread", it);
        }
        qemuJSONAddress(b, def, &disk->info);
    } else {
        virDomainControllerDef *c =
            virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_SCSI,
                                       disk->info.addr.drive.controller);
        g_autofree char *bus = g_strdup_printf("%s.0", c->info.alias);

        b = qemuJSONNew("driver", cdrom ? "scsi-cd" : "scsi-hd");
        qemuJSONStr(b, "bus", bus);
        qemuJSONInt(b, "channel", disk->info.addr.drive.bus);
        qemuJSONInt(b, "scsi-id", disk->info.addr.drive.target);
        qemuJSONInt(b, "lun", disk->info.addr.drive.unit);
    }
    if (disk->src)
        qemuJSONStr(b, "drive", format);
    qemuJSONStr(b, "id", disk->info.alias);
    if (disk->serial)
        qemuJSONStr(b, "serial", disk->serial);
    if (disk->shareable)
        qemuJSONBool(b, "share-rw", TRUE);
    if (disk->cache && disk->src)
        qemuJSONStr(b, "write-cache",
                    disk->cache == VIR_DOMAIN_DISK_CACHE_WRITETHRU ||
                    disk->cache == VIR_DOMAIN_DISK_CACHE_DIRECTSYNC ?
                    "off" : "on");
    if (disk->logicalBlockSize)
        qemuJSONInt(b, "logical_block_size", disk->logicalBlockSize);
    if (disk->physicalBlockSize)
        qemuJSONInt(b, "physical_block_size", disk->physicalBlockSize);
    if (boot)
        qemuJSONInt(b, "bootindex", boot);
    qemuJSONFinish(argv, "-device", b);
}

static void
qemuBuildNet(GPtrArray *argv, const virDomainDef *def,
             const virDomainNetDef *net, size_t n)
{
    g_autofree char *netdev = g_strdup_printf("host%s", net->info.alias);
    g_autofree char *mac = virMacAddrFormat(net->mac);
    unsigned int boot = qemuDeviceBootIndex(def, &net->info);
    const char *driver = "virtio-net-pci";
    JsonBuilder *b;

    if (net->type == VIR_DOMAIN_NET_TYPE_USER) {
        b = qemuJSONNew("type", "user");
    } else if (net->type == VIR_DOMAIN_NET_TYPE_VHOSTUSER) {
        g_autofree char *chardev = g_strdup_printf("char%s", net->info.alias);
        g_autofree char *path = qemuOptEscape(net->vhostuserPath);
        qemuArgvf(argv, "-chardev", "socket,id=%s,path=%s%s", chardev, path,
                  net->vhostuserServer ? ",server=on" : "");
        b = qemuJSONNew("type", "vhost-user");
        qemuJSONStr(b, "chardev", chardev);
        if (net->queues > 1)
            qemuJSONInt(b, "queues", net->queues);
    } else {
        g_autofree char *ifname = net->ifname ? g_strdup(net->ifname) :
                                  g_strdup_printf("vnet%zu", n);
        b = qemuJSONNew("type", "tap");
        qemuJSONStr(b, "ifname", ifname);
        qemuJSONStr(b, "script", "no");
        qemuJSONStr(b, "downscript", "no");
        if (net->driverName == 1)
            qemuJSONBool(b, "vhost", TRUE);
        if (net->queues > 1)
            qemuJSONInt(b, "queues", net->queues);
    }
    qemuJSONStr(b, "id", netdev);
    qemuJSONFinish(argv, "-netdev", b);

    if (net->model == VIR_DOMAIN_NET_MODEL_SPAPR_VLAN)
        driver = "spapr-vlan";
    else if (net->model == VIR_DOMAIN_NET_MODEL_E1000)
        driver = "e1000";
    b = qemuJSONNew("driver", driver);
    if (net->queues > 1) {
        qemuJSONBool(b, "mq", TRUE);
        qemuJSONInt(b, "vectors", 2 * net->queues + 2);
    }
    if (net->packed)
        qemuJSONBool(b, "packed", net->packed == VIR_TRISTATE_SWITCH_ON);
    if (net->rxQueueSize)
        qemuJSONInt(b, "rx_queue_size", net->rxQueueSize);
    if (net->txQueueSize)
        qemuJSONInt(b, "tx_queue_size", net->txQueueSize);
    if (net->mtu && net->model == VIR_DOMAIN_NET_MODEL_VIRTIO)
        qemuJSONInt(b, "host_mtu", net->mtu);
    qemuJSONStr(b, "netdev", netdev);
    qemuJSONStr(b, "id", net->info.alias);
    qemuJSONStr(b, "mac", mac);
    qemuJSONAddress(b, def, &net->info);
    qemuJSONRom(b, &net->info);
    if (boot)
        qemuJSONInt(b, "bootindex", boot);
    qemuJSONFinish(argv, "-device", b);
}

static void
qemuBuildChrBackend(GPtrArray *argv, const virDomainChrDef *chr,
                    const char *id, GHashTable *chrFds)
{
    gpointer fd = NULL;

    GString *s = g_string_new(NULL);
    g_autofree char *path = qemuOptEscape(chr->path);
    g_autofree char *host = qemuOptEscape(chr->host ? chr->host : "localhost");
    g_autofree char *logfile = qemuOptEscape(chr->logFile);

    switch ((virDomainChrType) chr->type) {
    case VIR_DOMAIN_CHR_TYPE_PTY:
        g_string_append_printf(s, "pty,id=%s", id);
        break;
    case VIR_DOMAIN_CHR_TYPE_FILE:
        g_string_append_printf(s, "file,id=%s,path=%s", id, path);
        if (chr->append)
            g_string_append_printf(s, ",append=%s",
                                   virTristateSwitchTypeToString(chr->append));
        break;
    case VIR_DOMAIN_CHR_TYPE_UNIX:
        /* a listening socket the supervisor bound: QEMU only accepts */
        if (chr->listen && chrFds && chr->path &&
            g_hash_table_lookup_extended(chrFds, chr->path, NULL, &fd)) {
            g_string_append_printf(s, "socket,id=%s,fd=%d,server=on,wait=off",
                                   id, GPOINTER_TO_INT(fd));
            break;
        }
        g_string_append_printf(s, "socket,id=%s,path=%s", id, path);
        if (chr->listen)
            g_string_append(s, ",server=on,wait=off");
        break;
    case VIR_DOMAIN_CHR_TYPE_TCP:
        g_string_append_printf(s, "socket,id=%s,host=%s,port=%s", id, host,
                               chr->service);
        if (chr->listen)
            g_string_append(s, ",server=on,wait=off");
        break;
    case VIR_DOMAIN_CHR_TYPE_NULL:
    case VIR_DOMAIN_CHR_TYPE_LAST:
        g_string_append_printf(s, "null,id=%s", id);
        break;
    }
    if (chr->logFile) {
        g_string_append_printf(s, ",logfile=%s", logfile);
        if (chr->logAppend)
            g_string_append_printf(s, ",logappend=%s",
                                   virTristateSwitchTypeToString(chr->logAppend));
    }
    qemuArgv(argv, "-chardev", s->str);
    g_string_free(s, TRUE);
}

static void
qemuBuildChardevs(GPtrArray *argv, const virDomainDef *def, GHashTable *chrFds)
{
    size_t i;
    unsigned int nr = 0;

    for (i = 0; i < def->serials->len; i++) {
        virDomainChrDef *chr = g_ptr_array_index(def->serials, i);
        g_autofree char *id = g_strdup_printf("char%s", chr->info.alias);
        JsonBuilder *b;

        qemuBuildChrBackend(argv, chr, id, chrFds);
        b = qemuJSONNew("driver", "spapr-vty");
        qemuJSONStr(b, "chardev", id);
        qemuJSONStr(b, "id", chr->info.alias);
        qemuJSONAddress(b, def, &chr->info);
        qemuJSONFinish(argv, "-device", b);
    }
    for (i = 0; i < def->consoles->len + def->channels->len; i++) {
        gboolean console = i < def->consoles->len;
        virDomainChrDef *chr = console ?
            g_ptr_array_index(def->consoles, i) :
            g_ptr_array_index(def->channels, i - def->consoles->len);
        g_autofree char *id = g_strdup_printf("char%s", chr->info.alias);
        JsonBuilder *b;

        /* a serial console is the first serial port: nothing more to add */
        if (console && chr->targetType != VIR_DOMAIN_CHR_TARGET_VIRTIO)
            continue;
        qemuBuildChrBackend(argv, chr, id, chrFds);
        b = qemuJSONNew("driver", console ? "virtconsole" : "virtserialport");
        qemuJSONStr(b, "bus", "virtio-serial0.0");
        qemuJSONInt(b, "nr", ++nr);
        qemuJSONStr(b, "chardev", id);
        qemuJSONStr(b, "id", chr->info.alias);
        if (!console)
            qemuJSONStr(b, "name", chr->targetName);
        qemuJSONFinish(argv, "-device", b);
    }
}

void
qemuBuildGraphics(GPtrArray *argv, const virDomainDef *def)
{
    virDomainGraphicsDef *gr;

    if (def->graphics->len == 0) {
        qemuArgv(argv, "-display", "none");
        return;
    }
    gr = g_ptr_array_index(def->graphics, 0);
    if (gr->listenType == VIR_DOMAIN_GRAPHICS_LISTEN_SOCKET) {
        g_autofree char *path = qemuOptEscape(gr->socket);
        qemuArgvf(argv, "-vnc", "unix:%s", path);
    } else if (gr->listenType == VIR_DOMAIN_GRAPHICS_LISTEN_NONE &&
               gr->hasListenNone) {
        /* <listen type='none'/>: a VNC server without a listener */
        qemuArgv(argv, "-vnc", "none");
    } else {
        const char *addr = gr->listenAddress ? gr->listenAddress : "127.0.0.1";
        gboolean v6 = strchr(addr, ':') != NULL;

        if (gr->port >= 0)
            qemuArgvf(argv, "-vnc", "%s%s%s:%d", v6 ? "[" : "", addr,
                      v6 ? "]" : "", gr->port - 5900);
        else
            /* let QEMU pick the first free display from 5900 up */
            qemuArgvf(argv, "-vnc", "%s%s%s:0,to=100", v6 ? "[" : "", addr,
                      v6 ? "]" : "");
    }
    if (gr->keymap)
        qemuArgv(argv, "-k", gr->keymap);
}

static void
qemuBuildHostdev(GPtrArray *argv, const virDomainDef *def,
                 const virDomainHostdevDef *h)
{
    g_autofree char *bdf = virPCIDeviceAddressAsString(&h->source);
    unsigned int boot = qemuDeviceBootIndex(def, &h->info);
    JsonBuilder *b = qemuJSONNew("driver", "vfio-pci");

    qemuJSONStr(b, "host", bdf);
    qemuJSONStr(b, "id", h->info.alias);
    qemuJSONAddress(b, def, &h->info);
    if (boot)
        qemuJSONInt(b, "bootindex", boot);
    qemuJSONRom(b, &h->info);
    qemuJSONFinish(argv, "-device", b);
}

static void
qemuBuildHostdevs(GPtrArray *argv, const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->hostdevs->len; i++)
        qemuBuildHostdev(argv, def, g_ptr_array_index(def->hostdevs, i));
}

JsonObject *
qemuBuildHotplugProps(const virDomainDef *def, const char *alias,
                      GError **errp)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(JsonNode) node = NULL;
    size_t i;

    for (i = 0; i < def->controllers->len && !argv->len; i++) {
        virDomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (virDomainControllerIsPHB(c) && c->idx != 0 &&
            g_strcmp0(c->info.alias, alias) == 0)
            qemuBuildPHB(argv, c);
    }
    for (i = 0; i < def->hostdevs->len && !argv->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(def->hostdevs, i);

        if (g_strcmp0(h->info.alias, alias) == 0)
            qemuBuildHostdev(argv, def, h);
    }
    if (argv->len != 2 ||
        !(node = json_from_string(g_ptr_array_index(argv, 1), NULL)) ||
        !JSON_NODE_HOLDS_OBJECT(node)) {
        virReportError(errp, VIR_ERR_INTERNAL_ERROR,
                       "domain '%s' has no PHB or host device '%s' to plug",
                       def->name, alias);
        return NULL;
    }
    return json_node_dup_object(node);
}

static void
qemuBuildMisc(GPtrArray *argv, const virDomainDef *def)
{
    size_t i;
    unsigned int port = 0;

    for (i = 0; i < def->inputs->len; i++) {
        virDomainInputDef *in = g_ptr_array_index(def->inputs, i);
        const char *drv = in->type == VIR_DOMAIN_INPUT_TYPE_TABLET ? "usb-tablet" :
                          in->type == VIR_DOMAIN_INPUT_TYPE_KBD ? "usb-kbd" :
                          "usb-mouse";
        JsonBuilder *b = qemuJSONNew("driver", drv);

        qemuJSONStr(b, "id", in->info.alias);
        qemuJSONAddress(b, def, &in->info);
        qemuJSONFinish(argv, "-device", b);
        port++;
    }
    for (i = 0; i < def->videos->len; i++) {
        virDomainVideoDef *v = g_ptr_array_index(def->videos, i);
        JsonBuilder *b;

        if (v->type == VIR_DOMAIN_VIDEO_TYPE_NONE)
            continue;
        b = qemuJSONNew("driver", v->type == VIR_DOMAIN_VIDEO_TYPE_VIRTIO ?
                                  "virtio-gpu-pci" : "VGA");
        qemuJSONStr(b, "id", v->info.alias);
        if (v->vram && v->type == VIR_DOMAIN_VIDEO_TYPE_VGA)
            qemuJSONInt(b, "vgamem_mb", MAX(1, v->vram / 1024));
        qemuJSONAddress(b, def, &v->info);
        qemuJSONFinish(argv, "-device", b);
    }
    for (i = 0; i < def->watchdogs->len; i++) {
        virDomainWatchdogDef *wd = g_ptr_array_index(def->watchdogs, i);
        JsonBuilder *b = qemuJSONNew("driver", "i6300esb");
        const char *action = virDomainWatchdogActionTypeToString(wd->action);

        qemuJSONStr(b, "id", wd->info.alias);
        qemuJSONAddress(b, def, &wd->info);
        qemuJSONFinish(argv, "-device", b);
        qemuArgvf(argv, "-action", "watchdog=%s", action);
    }
    if (def->memballoon &&
        def->memballoon->model == VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO) {
        virDomainMemballoonDef *mb = def->memballoon;
        JsonBuilder *b = qemuJSONNew("driver", "virtio-balloon-pci");

        qemuJSONStr(b, "id", mb->info.alias);
        if (mb->autodeflate)
            qemuJSONBool(b, "deflate-on-oom",
                         mb->autodeflate == VIR_TRISTATE_SWITCH_ON);
        if (mb->freePageReporting)
            qemuJSONBool(b, "free-page-reporting",
                         mb->freePageReporting == VIR_TRISTATE_SWITCH_ON);
        qemuJSONAddress(b, def, &mb->info);
        qemuJSONFinish(argv, "-device", b);
    }
    for (i = 0; i < def->rngs->len; i++) {
        virDomainRNGDef *r = g_ptr_array_index(def->rngs, i);
        g_autofree char *obj = g_strdup_printf("obj%s", r->info.alias);
        JsonBuilder *b = qemuJSONNew("qom-type", "rng-random");

        qemuJSONStr(b, "id", obj);
        qemuJSONStr(b, "filename", r->backendPath ? r->backendPath :
                                   "/dev/urandom");
        qemuJSONFinish(argv, "-object", b);
        b = qemuJSONNew("driver", "virtio-rng-pci");
        qemuJSONStr(b, "rng", obj);
        qemuJSONStr(b, "id", r->info.alias);
        if (r->rateBytes) {
            qemuJSONInt(b, "max-bytes", r->rateBytes);
            qemuJSONInt(b, "period", r->ratePeriod ? r->ratePeriod : 1000);
        }
        qemuJSONAddress(b, def, &r->info);
        qemuJSONFinish(argv, "-device", b);
    }
}

gboolean
qemuBuildDevices(GPtrArray *argv, const virDomainDef *def, GHashTable *chrFds,
                 GError **errp)
{
    size_t i;

    qemuBuildPHBs(argv, def);
    qemuBuildControllers(argv, def);
    for (i = 0; i < def->disks->len; i++)
        qemuBuildDisk(argv, def, g_ptr_array_index(def->disks, i), i + 1);
    for (i = 0; i < def->nets->len; i++) {
        virDomainNetDef *net = g_ptr_array_index(def->nets, i);
        /* type='hostdev' becomes a vfio-pci device with the hostdevs */
        if (net->type != VIR_DOMAIN_NET_TYPE_HOSTDEV)
            qemuBuildNet(argv, def, net, i);
    }
    qemuBuildChardevs(argv, def, chrFds);
    qemuBuildHostdevs(argv, def);
    qemuBuildMisc(argv, def);
    return TRUE;
}
