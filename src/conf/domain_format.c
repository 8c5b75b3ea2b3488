/*
 * domain_format.c: virDomainDef -> libvirt domain XML
 *
 * Element order and quoting follow libvirt's output so that diffs against
 * `virsh dumpxml` stay small.
 */
#include <config.h>

#include "domain_conf.h"
#include "virxml.h"

static void
fmtLine(GString *buf, int level, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void
fmtLine(GString *buf, int level, const char *fmt, ...)
{
    va_list ap;

    virXMLIndent(buf, level);
    va_start(ap, fmt);
    g_string_append_vprintf(buf, fmt, ap);
    va_end(ap);
    g_string_append_c(buf, '\n');
}

static void
fmtTextElement(GString *buf, int level, const char *name, const char *text)
{
    if (!text)
        return;
    virXMLIndent(buf, level);
    g_string_append_printf(buf, "<%s>", name);
    virXMLFormatEscaped(buf, text);
    g_string_append_printf(buf, "</%s>\n", name);
}

static void
fmtAddress(GString *buf, int level, const virDomainDeviceAddress *addr)
{
    virXMLIndent(buf, level);
    switch ((virDomainDeviceAddressType) addr->type) {
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI:
        g_string_append_printf(buf, "<address type='pci' domain='0x%04x' "
                               "bus='0x%02x' slot='0x%02x' function='0x%x'",
                               addr->pci.domain, addr->pci.bus,
                               addr->pci.slot, addr->pci.function);
        if (addr->multifunction)
            g_string_append_printf(buf, " multifunction='%s'",
                                   virTristateSwitchTypeToString(addr->multifunction));
        break;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE:
        g_string_append_printf(buf, "<address type='drive' controller='%u' "
                               "bus='%u' target='%u' unit='%u'",
                               addr->drive.controller, addr->drive.bus,
                               addr->drive.target, addr->drive.unit);
        break;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_SPAPRVIO:
        g_string_append(buf, "<address type='spapr-vio'");
        if (addr->spaprvioHasReg)
            g_string_append_printf(buf, " reg='0x%08" G_GINT64_MODIFIER "x'",
                                   addr->spaprvioReg);
        break;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB:
        g_string_append_printf(buf, "<address type='usb' bus='%u'",
                               addr->usb.bus);
        virXMLFormatAttr(buf, "port", addr->usb.port);
        break;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE:
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST:
        break;
    }
    g_string_append(buf, "/>\n");
}

static void
fmtInfo(GString *buf, int level, const virDomainDeviceInfo *info)
{
    if (info->bootIndex)
        fmtLine(buf, level, "<boot order='%u'/>", info->bootIndex);
    if (info->alias) {
        virXMLIndent(buf, level);
        g_string_append(buf, "<alias");
        virXMLFormatAttr(buf, "name", info->alias);
        g_string_append(buf, "/>\n");
    }
    if (info->hasRom) {
        virXMLIndent(buf, level);
        g_string_append(buf, "<rom");
        if (info->romBar)
            virXMLFormatAttr(buf, "bar",
                             virTristateSwitchTypeToString(info->romBar));
        virXMLFormatAttr(buf, "file", info->romFile);
        g_string_append(buf, "/>\n");
    }
    if (info->addr.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE)
        fmtAddress(buf, level, &info->addr);
}

static void
fmtDisk(GString *buf, const virDomainDiskDef *disk)
{
    fmtLine(buf, 2, "<disk type='%s' device='%s'>",
            virDomainDiskTypeTypeToString(disk->type),
            virDomainDiskDeviceTypeToString(disk->device));
    if (disk->hasDriver) {
        virXMLIndent(buf, 3);
        g_string_append(buf, "<driver name='qemu'");
        if (disk->format)
            virXMLFormatAttr(buf, "type",
                             virStorageFileFormatTypeToString(disk->format));
        if (disk->cache)
            virXMLFormatAttr(buf, "cache",
                             virDomainDiskCacheTypeToString(disk->cache));
        if (disk->io)
            virXMLFormatAttr(buf, "io", virDomainDiskIoTypeToString(disk->io));
        if (disk->discard)
            virXMLFormatAttr(buf, "discard",
                             virDomainDiskDiscardTypeToString(disk->discard));
        if (disk->iothread)
            g_string_append_printf(buf, " iothread='%u'", disk->iothread);
        g_string_append(buf, "/>\n");
    }
    if (disk->src) {
        virXMLIndent(buf, 3);
        g_string_append(buf, "<source");
        virXMLFormatAttr(buf, disk->type == VIR_DOMAIN_DISK_TYPE_BLOCK ?
                         "dev" : "file", disk->src);
        g_string_append(buf, "/>\n");
    }
    virXMLIndent(buf, 3);
    g_string_append(buf, "<target");
    virXMLFormatAttr(buf, "dev", disk->dst);
    if (disk->bus)
        virXMLFormatAttr(buf, "bus", virDomainDiskBusTypeToString(disk->bus));
    g_string_append(buf, "/>\n");
    if (disk->readonly)
        fmtLine(buf, 3, "<readonly/>");
    if (disk->shareable)
        fmtLine(buf, 3, "<shareable/>");
    fmtTextElement(buf, 3, "serial", disk->serial);
    if (disk->logicalBlockSize || disk->physicalBlockSize) {
        virXMLIndent(buf, 3);
        g_string_append(buf, "<blockio");
        if (disk->logicalBlockSize)
            g_string_append_printf(buf, " logical_block_size='%u'",
                                   disk->logicalBlockSize);
        if (disk->physicalBlockSize)
            g_string_append_printf(buf, " physical_block_size='%u'",
                                   disk->physicalBlockSize);
        g_string_append(buf, "/>\n");
    }
    {
        size_t i;
        gboolean any = FALSE;

        for (i = 0; i < VIR_DOMAIN_DISK_IOTUNE_LAST; i++)
            any |= disk->iotune[i] != 0;
        if (any) {
            fmtLine(buf, 3, "<iotune>");
            for (i = 0; i < VIR_DOMAIN_DISK_IOTUNE_LAST; i++) {
                if (disk->iotune[i])
                    fmtLine(buf, 4, "<%s>%" G_GUINT64_FORMAT "</%s>",
                            virDomainDiskIotuneTypeToString(i), disk->iotune[i],
                            virDomainDiskIotuneTypeToString(i));
            }
            fmtLine(buf, 3, "</iotune>");
        }
    }
    fmtInfo(buf, 3, &disk->info);
    fmtLine(buf, 2, "</disk>");
}

static void
fmtController(GString *buf, const virDomainControllerDef *cont)
{
    gboolean children = cont->hasModelName || cont->targetIndex >= 0 ||
                        cont->numaNode >= 0 || cont->info.alias ||
                        cont->info.addr.type;

    virXMLIndent(buf, 2);
    g_string_append_printf(buf, "<controller type='%s' index='%u'",
                           virDomainControllerTypeToString(cont->type),
                           cont->idx);
    if (cont->model)
        virXMLFormatAttr(buf, "model",
                         virDomainControllerModelTypeToString(cont->model));
    if (cont->ports)
        g_string_append_printf(buf, " ports='%u'", cont->ports);
    if (cont->vectors)
        g_string_append_printf(buf, " vectors='%u'", cont->vectors);
    if (!children) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    if (cont->hasModelName)
        fmtLine(buf, 3, "<model name='spapr-pci-host-bridge'/>");
    if (cont->targetIndex >= 0 || cont->numaNode >= 0) {
        virXMLIndent(buf, 3);
        g_string_append(buf, "<target");
        if (cont->targetIndex >= 0)
            g_string_append_printf(buf, " index='%d'", cont->targetIndex);
        if (cont->numaNode >= 0)
            g_string_append_printf(buf, ">\n%*s<node>%d</node>\n%*s</target>\n",
                                   8, "", cont->numaNode, 6, "");
        else
            g_string_append(buf, "/>\n");
    }
    fmtInfo(buf, 3, &cont->info);
    fmtLine(buf, 2, "</controller>");
}

static void
fmtNet(GString *buf, const virDomainNetDef *net)
{
    const virDomainHostdevDef *hostdev = net->hostdev;

    virXMLIndent(buf, 2);
    g_string_append_printf(buf, "<interface type='%s'",
                           virDomainNetTypeToString(net->type));
    if (hostdev && hostdev->managed)
        virXMLFormatAttr(buf, "managed",
                         virTristateBoolTypeToString(hostdev->managed));
    g_string_append(buf, ">\n");
    if (net->hasMac) {
        g_autofree char *mac = virMacAddrFormat(net->mac);
        fmtLine(buf, 3, "<mac address='%s'/>", mac);
    }
    if (hostdev) {
        if (hostdev->hasDriver)
            fmtLine(buf, 3, "<driver name='vfio'/>");
        fmtLine(buf, 3, "<source>");
        fmtLine(buf, 4, "<address type='pci' domain='0x%04x' bus='0x%02x' "
                "slot='0x%02x' function='0x%x'/>", hostdev->source.domain,
                hostdev->source.bus, hostdev->source.slot,
                hostdev->source.function);
        fmtLine(buf, 3, "</source>");
    }
    if (net->vhostuserPath) {
        virXMLIndent(buf, 3);
        g_string_append(buf, "<source type='unix'");
        virXMLFormatAttr(buf, "path", net->vhostuserPath);
        virXMLFormatAttr(buf, "mode", net->vhostuserServer ? "server" : "client");
        g_string_append(buf, "/>\n");
    }
    if (net->bridge) {
        virXMLIndent(buf, 3);
        g_string_append(buf, "<source");
        virXMLFormatAttr(buf, "bridge", net->bridge);
        g_string_append(buf, "/>\n");
    }
    if (net->virtPortType) {
        fmtLine(buf, 3, "<virtualport type='%s'>", net->virtPortType);
        if (net->virtPortInterfaceID) {
            virXMLIndent(buf, 4);
            g_string_append(buf, "<parameters");
            virXMLFormatAttr(buf, "interfaceid", net->virtPortInterfaceID);
            g_string_append(buf, "/>\n");
        }
        fmtLine(buf, 3, "</virtualport>");
    }
    if (net->hasVlan) {
        fmtLine(buf, 3, "<vlan>");
        fmtLine(buf, 4, "<tag id='%u'/>", net->vlanTag);
        fmtLine(buf, 3, "</vlan>");
    }
    if (net->ifname) {
        virXMLIndent(buf, 3);
        g_string_append(buf, "<target");
        virXMLFormatAttr(buf, "dev", net->ifname);
        if (net->targetManaged)
            virXMLFormatAttr(buf, "managed",
                             virTristateBoolTypeToString(net->targetManaged));
        g_string_append(buf, "/>\n");
    }
    if (net->model)
        fmtLine(buf, 3, "<model type='%s'/>",
                virDomainNetModelTypeToString(net->model));
    if (net->driverName || net->queues || net->rxQueueSize ||
        net->txQueueSize || net->packed) {
        virXMLIndent(buf, 3);
        g_string_append(buf, "<driver");
        if (net->driverName)
            virXMLFormatAttr(buf, "name", net->driverName == 1 ? "vhost" : "qemu");
        if (net->queues)
            g_string_append_printf(buf, " queues='%u'", net->queues);
        if (net->rxQueueSize)
            g_string_append_printf(buf, " rx_queue_size='%u'", net->rxQueueSize);
        if (net->txQueueSize)
            g_string_append_printf(buf, " tx_queue_size='%u'", net->txQueueSize);
        if (net->packed)
            virXMLFormatAttr(buf, "packed",
                             virTristateSwitchTypeToString(net->packed));
        g_string_append(buf, "/>\n");
    }
    if (net->mtu)
        fmtLine(buf, 3, "<mtu size='%u'/>", net->mtu);
    fmtInfo(buf, 3, hostdev ? &hostdev->info : &net->info);
    fmtLine(buf, 2, "</interface>");
}

static void
fmtChr(GString *buf, const virDomainChrDef *chr)
{
    const char *elem = virDomainChrDeviceTypeToString(chr->deviceType);

    fmtLine(buf, 2, "<%s type='%s'>", elem, virDomainChrTypeToString(chr->type));
    if (chr->path || chr->host || chr->service) {
        virXMLIndent(buf, 3);
        g_string_append(buf, "<source");
        if (chr->type == VIR_DOMAIN_CHR_TYPE_UNIX ||
            chr->type == VIR_DOMAIN_CHR_TYPE_TCP)
            virXMLFormatAttr(buf, "mode", chr->listen ? "bind" : "connect");
        virXMLFormatAttr(buf, "host", chr->host);
        virXMLFormatAttr(buf, "service", chr->service);
        virXMLFormatAttr(buf, "path", chr->path);
        if (chr->append)
            virXMLFormatAttr(buf, "append",
                             virTristateSwitchTypeToString(chr->append));
        g_string_append(buf, "/>\n");
    }
    if (chr->logFile) {
        virXMLIndent(buf, 3);
        g_string_append(buf, "<log");
        virXMLFormatAttr(buf, "file", chr->logFile);
        if (chr->logAppend)
            virXMLFormatAttr(buf, "append",
                             virTristateSwitchTypeToString(chr->logAppend));
        g_string_append(buf, "/>\n");
    }
    virXMLIndent(buf, 3);
    g_string_append(buf, "<target");
    if (chr->targetType)
        virXMLFormatAttr(buf, "type",
                         virDomainChrTargetTypeToString(chr->targetType));
    virXMLFormatAttr(buf, "name", chr->targetName);
    if (chr->targetPort >= 0)
        g_string_append_printf(buf, " port='%d'", chr->targetPort);
    if (chr->hasModel)
        g_string_append_printf(buf, ">\n%*s<model name='spapr-vty'/>\n%*s"
                               "</target>\n", 8, "", 6, "");
    else
        g_string_append(buf, "/>\n");
    fmtInfo(buf, 3, &chr->info);
    fmtLine(buf, 2, "</%s>", elem);
}

static void
fmtHostdev(GString *buf, const virDomainHostdevDef *hostdev)
{
    virXMLIndent(buf, 2);
    g_string_append(buf, "<hostdev mode='subsystem' type='pci'");
    if (hostdev->managed)
        virXMLFormatAttr(buf, "managed",
                         virTristateBoolTypeToString(hostdev->managed));
    g_string_append(buf, ">\n");
    if (hostdev->hasDriver)
        fmtLine(buf, 3, "<driver name='vfio'/>");
    fmtLine(buf, 3, "<source>");
    fmtLine(buf, 4, "<address domain='0x%04x' bus='0x%02x' slot='0x%02x' "
            "function='0x%x'/>", hostdev->source.domain, hostdev->source.bus,
            hostdev->source.slot, hostdev->source.function);
    fmtLine(buf, 3, "</source>");
    fmtInfo(buf, 3, &hostdev->info);
    fmtLine(buf, 2, "</hostdev>");
}

static void
fmtSimpleDevice(GString *buf, const char *open, const char *close,
                const virDomainDeviceInfo *info)
{
    if (!info->alias && !info->addr.type) {
        fmtLine(buf, 2, "%s/>", open);
        return;
    }
    fmtLine(buf, 2, "%s>", open);
    fmtInfo(buf, 3, info);
    fmtLine(buf, 2, "%s", close);
}

static void
fmtGraphics(GString *buf, const virDomainGraphicsDef *gr)
{
    virXMLIndent(buf, 2);
    g_string_append(buf, "<graphics type='vnc'");
    if (gr->listenType == VIR_DOMAIN_GRAPHICS_LISTEN_SOCKET || gr->hasListenNone)
        ;
    else if (gr->port >= 0)
        g_string_append_printf(buf, " port='%d' autoport='no'", gr->port);
    else
        g_string_append(buf, " port='-1' autoport='yes'");
    if (gr->listenType == VIR_DOMAIN_GRAPHICS_LISTEN_ADDRESS)
        virXMLFormatAttr(buf, "listen", gr->listenAddress);
    virXMLFormatAttr(buf, "keymap", gr->keymap);
    if (gr->listenType == VIR_DOMAIN_GRAPHICS_LISTEN_NONE && !gr->hasListenNone) {
        g_string_append(buf, "/>\n");
        return;
    }
    if (gr->listenType == VIR_DOMAIN_GRAPHICS_LISTEN_NONE) {
        g_string_append(buf, ">\n");
        fmtLine(buf, 3, "<listen type='none'/>");
        fmtLine(buf, 2, "</graphics>");
        return;
    }
    g_string_append(buf, ">\n");
    virXMLIndent(buf, 3);
    g_string_append_printf(buf, "<listen type='%s'",
                           virDomainGraphicsListenTypeToString(gr->listenType));
    if (gr->listenType == VIR_DOMAIN_GRAPHICS_LISTEN_ADDRESS)
        virXMLFormatAttr(buf, "address", gr->listenAddress);
    else
        virXMLFormatAttr(buf, "socket", gr->socket);
    g_string_append(buf, "/>\n");
    fmtLine(buf, 2, "</graphics>");
}

static void
fmtVideo(GString *buf, const virDomainVideoDef *video)
{
    fmtLine(buf, 2, "<video>");
    virXMLIndent(buf, 3);
    g_string_append_printf(buf, "<model type='%s'",
                           virDomainVideoTypeToString(video->type));
    if (video->vram)
        g_string_append_printf(buf, " vram='%u'", video->vram);
    if (video->heads)
        g_string_append_printf(buf, " heads='%u'", video->heads);
    if (video->primary)
        virXMLFormatAttr(buf, "primary",
                         virTristateBoolTypeToString(video->primary));
    g_string_append(buf, "/>\n");
    fmtInfo(buf, 3, &video->info);
    fmtLine(buf, 2, "</video>");
}

static void
fmtMemballoon(GString *buf, const virDomainMemballoonDef *mb)
{
    g_autofree char *open = NULL;

    GString *o = g_string_new(NULL);

    g_string_append_printf(o, "<memballoon model='%s'",
                           virDomainMemballoonModelTypeToString(mb->model));
    if (mb->autodeflate)
        virXMLFormatAttr(o, "autodeflate",
                         virTristateSwitchTypeToString(mb->autodeflate));
    if (mb->freePageReporting)
        virXMLFormatAttr(o, "freePageReporting",
                         virTristateSwitchTypeToString(mb->freePageReporting));
    open = g_string_free(o, FALSE);
    if (!mb->period) {
        fmtSimpleDevice(buf, open, "</memballoon>", &mb->info);
        return;
    }
    fmtLine(buf, 2, "%s>", open);
    fmtLine(buf, 3, "<stats period='%u'/>", mb->period);
    fmtInfo(buf, 3, &mb->info);
    fmtLine(buf, 2, "</memballoon>");
}

static void
fmtRNG(GString *buf, const virDomainRNGDef *rng)
{
    fmtLine(buf, 2, "<rng model='virtio'>");
    if (rng->rateBytes) {
        virXMLIndent(buf, 3);
        g_string_append_printf(buf, "<rate bytes='%u'", rng->rateBytes);
        if (rng->ratePeriod)
            g_string_append_printf(buf, " period='%u'", rng->ratePeriod);
        g_string_append(buf, "/>\n");
    }
    virXMLIndent(buf, 3);
    g_string_append(buf, "<backend model='random'>");
    virXMLFormatEscaped(buf, rng->backendPath ? rng->backendPath : "");
    g_string_append(buf, "</backend>\n");
    fmtInfo(buf, 3, &rng->info);
    fmtLine(buf, 2, "</rng>");
}

static void
fmtDevices(GString *buf, const virDomainDef *def)
{
    size_t i;

    fmtLine(buf, 1, "<devices>");
    fmtTextElement(buf, 2, "emulator", def->emulator);
    for (i = 0; i < def->disks->len; i++)
        fmtDisk(buf, g_ptr_array_index(def->disks, i));
    for (i = 0; i < def->controllers->len; i++)
        fmtController(buf, g_ptr_array_index(def->controllers, i));
    for (i = 0; i < def->nets->len; i++)
        fmtNet(buf, g_ptr_array_index(def->nets, i));
    for (i = 0; i < def->serials->len; i++)
        fmtChr(buf, g_ptr_array_index(def->serials, i));
    for (i = 0; i < def->consoles->len; i++)
        fmtChr(buf, g_ptr_array_index(def->consoles, i));
    for (i = 0; i < def->channels->len; i++)
        fmtChr(buf, g_ptr_array_index(def->channels, i));
    for (i = 0; i < def->inputs->len; i++) {
        virDomainInputDef *input = g_ptr_array_index(def->inputs, i);
        g_autofree char *open =
            g_strdup_printf("<input type='%s' bus='usb'",
                            virDomainInputTypeToString(input->type));
        fmtSimpleDevice(buf, open, "</input>", &input->info);
    }
    for (i = 0; i < def->graphics->len; i++)
        fmtGraphics(buf, g_ptr_array_index(def->graphics, i));
    for (i = 0; i < def->videos->len; i++)
        fmtVideo(buf, g_ptr_array_index(def->videos, i));
    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *hostdev = g_ptr_array_index(def->hostdevs, i);
        if (!hostdev->parentNet)
            fmtHostdev(buf, hostdev);
    }
    if (def->memballoon)
        fmtMemballoon(buf, def->memballoon);
    for (i = 0; i < def->rngs->len; i++)
        fmtRNG(buf, g_ptr_array_index(def->rngs, i));
    for (i = 0; i < def->watchdogs->len; i++) {
        virDomainWatchdogDef *wd = g_ptr_array_index(def->watchdogs, i);
        g_autofree char *open =
            g_strdup_printf("<watchdog model='i6300esb'%s%s%s",
                            wd->hasAction ? " action='" : "",
                            wd->hasAction ?
                            virDomainWatchdogActionTypeToString(wd->action) : "",
                            wd->hasAction ? "'" : "");
        fmtSimpleDevice(buf, open, "</watchdog>", &wd->info);
    }
    for (i = 0; i < def->panics->len; i++)
        fmtLine(buf, 2, "<panic model='pseries'/>");
    fmtLine(buf, 1, "</devices>");
}

static void
fmtCPU(GString *buf, const virCPUDef *cpu)
{
    size_t i;

    virXMLIndent(buf, 1);
    g_string_append(buf, "<cpu");
    if (cpu->mode)
        virXMLFormatAttr(buf, "mode", virCPUModeTypeToString(cpu->mode));
    virXMLFormatAttr(buf, "match", cpu->match);
    virXMLFormatAttr(buf, "check", cpu->check);
    if (!cpu->model && !cpu->fallback && !cpu->hasTopology &&
        cpu->cells->len == 0) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    if (cpu->model || cpu->fallback) {
        virXMLIndent(buf, 2);
        g_string_append(buf, "<model");
        virXMLFormatAttr(buf, "fallback", cpu->fallback);
        if (cpu->model) {
            g_string_append_c(buf, '>');
            virXMLFormatEscaped(buf, cpu->model);
            g_string_append(buf, "</model>\n");
        } else {
            g_string_append(buf, "/>\n");
        }
    }
    if (cpu->hasTopology)
        fmtLine(buf, 2, "<topology sockets='%u' dies='%u' cores='%u' "
                "threads='%u'/>", cpu->sockets, cpu->dies, cpu->cores,
                cpu->threads);
    if (cpu->cells->len) {
        fmtLine(buf, 2, "<numa>");
        for (i = 0; i < cpu->cells->len; i++) {
            virDomainNumaCell *c = &g_array_index(cpu->cells, virDomainNumaCell, i);

            virXMLIndent(buf, 3);
            g_string_append_printf(buf, "<cell id='%u'", c->id);
            virXMLFormatAttr(buf, "cpus", c->cpus);
            g_string_append_printf(buf, " memory='%" G_GUINT64_FORMAT
                                   "' unit='KiB'", c->memory);
            virXMLFormatAttr(buf, "memAccess", c->memAccess);
            g_string_append(buf, "/>\n");
        }
        fmtLine(buf, 2, "</numa>");
    }
    fmtLine(buf, 1, "</cpu>");
}

static void
fmtFeatureState(GString *buf, const char *name, int state)
{
    if (state)
        fmtLine(buf, 2, "<%s state='%s'/>", name,
                virTristateSwitchTypeToString(state));
}

static void
fmtFeatures(GString *buf, const virDomainFeatures *f)
{
    if (!f->present)
        return;
    if (!f->hasHPT && !f->htm && !f->nestedHV && !f->ccfAssist && !f->cfpc &&
        !f->sbbc && !f->ibs && !f->acpi && !f->apic && !f->pmu &&
        !f->kvmHidden) {
        fmtLine(buf, 1, "<features/>");
        return;
    }
    fmtLine(buf, 1, "<features>");
    if (f->acpi)
        fmtLine(buf, 2, "<acpi/>");
    if (f->apic)
        fmtLine(buf, 2, "<apic/>");
    fmtFeatureState(buf, "pmu", f->pmu);
    if (f->kvmHidden) {
        fmtLine(buf, 2, "<kvm>");
        fmtLine(buf, 3, "<hidden state='%s'/>",
                virTristateSwitchTypeToString(f->kvmHidden));
        fmtLine(buf, 2, "</kvm>");
    }
    if (f->hasHPT) {
        virXMLIndent(buf, 2);
        g_string_append(buf, "<hpt");
        if (f->hptResizing)
            virXMLFormatAttr(buf, "resizing",
                             virDomainHPTResizingTypeToString(f->hptResizing));
        if (f->hptMaxPageSize)
            g_string_append_printf(buf, ">\n%*s<maxpagesize unit='KiB'>%"
                                   G_GUINT64_FORMAT "</maxpagesize>\n%*s"
                                   "</hpt>\n", 6, "", f->hptMaxPageSize,
                                   4, "");
        else
            g_string_append(buf, "/>\n");
    }
    fmtFeatureState(buf, "htm", f->htm);
    fmtFeatureState(buf, "nested-hv", f->nestedHV);
    fmtFeatureState(buf, "ccf-assist", f->ccfAssist);
    if (f->cfpc)
        fmtLine(buf, 2, "<cfpc value='%s'/>",
                virDomainCapValueTypeToString(f->cfpc));
    if (f->sbbc)
        fmtLine(buf, 2, "<sbbc value='%s'/>",
                virDomainCapValueTypeToString(f->sbbc));
    if (f->ibs)
        fmtLine(buf, 2, "<ibs value='%s'/>", virDomainIBSTypeToString(f->ibs));
    fmtLine(buf, 1, "</features>");
}

static void
fmtTuning(GString *buf, const virDomainDef *def)
{
    const virDomainCputune *tune = &def->cputune;
    const virDomainNumatune *nt = &def->numatune;
    size_t i;

    if (tune->hasShares || tune->hasPeriod || tune->hasQuota ||
        tune->emulatorpin || tune->vcpupins->len ||
        tune->iothreadpins->len) {
        fmtLine(buf, 1, "<cputune>");
        if (tune->hasShares)
            fmtLine(buf, 2, "<shares>%" G_GUINT64_FORMAT "</shares>",
                    tune->shares);
        if (tune->hasPeriod)
            fmtLine(buf, 2, "<period>%" G_GUINT64_FORMAT "</period>",
                    tune->period);
        if (tune->hasQuota)
            fmtLine(buf, 2, "<quota>%" G_GINT64_FORMAT "</quota>", tune->quota);
        for (i = 0; i < tune->vcpupins->len; i++) {
            virDomainVcpuPin *pin = &g_array_index(tune->vcpupins,
                                                   virDomainVcpuPin, i);
            virXMLIndent(buf, 2);
            g_string_append_printf(buf, "<vcpupin vcpu='%u'", pin->vcpu);
            virXMLFormatAttr(buf, "cpuset", pin->cpuset);
            g_string_append(buf, "/>\n");
        }
        if (tune->emulatorpin) {
            virXMLIndent(buf, 2);
            g_string_append(buf, "<emulatorpin");
            virXMLFormatAttr(buf, "cpuset", tune->emulatorpin);
            g_string_append(buf, "/>\n");
        }
        for (i = 0; i < tune->iothreadpins->len; i++) {
            virDomainVcpuPin *pin = &g_array_index(tune->iothreadpins,
                                                   virDomainVcpuPin, i);
            virXMLIndent(buf, 2);
            g_string_append_printf(buf, "<iothreadpin iothread='%u'", pin->vcpu);
            virXMLFormatAttr(buf, "cpuset", pin->cpuset);
            g_string_append(buf, "/>\n");
        }
        fmtLine(buf, 1, "</cputune>");
    }
    if (nt->present) {
        fmtLine(buf, 1, "<numatune>");
        if (nt->mode || nt->nodeset) {
            virXMLIndent(buf, 2);
            g_string_append(buf, "<memory");
            if (nt->mode)
                virXMLFormatAttr(buf, "mode",
                                 virDomainNumatuneModeTypeToString(nt->mode));
            virXMLFormatAttr(buf, "nodeset", nt->nodeset);
            g_string_append(buf, "/>\n");
        }
        for (i = 0; i < nt->memnodes->len; i++) {
            virDomainNumatuneMemnode *mn =
                &g_array_index(nt->memnodes, virDomainNumatuneMemnode, i);
            virXMLIndent(buf, 2);
            g_string_append_printf(buf, "<memnode cellid='%u'", mn->cellid);
            if (mn->mode)
                virXMLFormatAttr(buf, "mode",
                                 virDomainNumatuneModeTypeToString(mn->mode));
            virXMLFormatAttr(buf, "nodeset", mn->nodeset);
            g_string_append(buf, "/>\n");
        }
        fmtLine(buf, 1, "</numatune>");
    }
}

static void
fmtMemory(GString *buf, const virDomainDef *def)
{
    size_t i;

    if (def->mem.maxMemory)
        fmtLine(buf, 1, "<maxMemory slots='%u' unit='KiB'>%" G_GUINT64_FORMAT
                "</maxMemory>", def->mem.slots, def->mem.maxMemory);
    fmtLine(buf, 1, "<memory unit='KiB'>%" G_GUINT64_FORMAT "</memory>",
            def->mem.total);
    if (def->mem.current)
        fmtLine(buf, 1, "<currentMemory unit='KiB'>%" G_GUINT64_FORMAT
                "</currentMemory>", def->mem.current);
    if (def->mem.hardLimit) {
        fmtLine(buf, 1, "<memtune>");
        fmtLine(buf, 2, "<hard_limit unit='KiB'>%" G_GUINT64_FORMAT
                "</hard_limit>", def->mem.hardLimit);
        fmtLine(buf, 1, "</memtune>");
    }
    if (def->mem.hasHugepages || def->mem.locked || def->mem.nosharepages ||
        def->mem.hasSource || def->mem.access || def->mem.allocation ||
        def->mem.discard) {
        fmtLine(buf, 1, "<memoryBacking>");
        if (def->mem.hasHugepages && def->mem.hugepages->len == 0)
            fmtLine(buf, 2, "<hugepages/>");
        if (def->mem.hugepages->len) {
            fmtLine(buf, 2, "<hugepages>");
            for (i = 0; i < def->mem.hugepages->len; i++) {
                virDomainHugePage *hp = &g_array_index(def->mem.hugepages,
                                                       virDomainHugePage, i);
                virXMLIndent(buf, 3);
                g_string_append_printf(buf, "<page size='%" G_GUINT64_FORMAT
                                       "' unit='KiB'", hp->size);
                virXMLFormatAttr(buf, "nodeset", hp->nodeset);
                g_string_append(buf, "/>\n");
            }
            fmtLine(buf, 2, "</hugepages>");
        }
        if (def->mem.nosharepages)
            fmtLine(buf, 2, "<nosharepages/>");
        if (def->mem.locked)
            fmtLine(buf, 2, "<locked/>");
        if (def->mem.hasSource)
            fmtLine(buf, 2, "<source type='%s'/>",
                    def->mem.source == 1 ? "file" :
                    def->mem.source == 2 ? "memfd" : "anonymous");
        if (def->mem.access)
            fmtLine(buf, 2, "<access mode='%s'/>",
                    def->mem.access == 1 ? "shared" : "private");
        if (def->mem.allocation)
            fmtLine(buf, 2, "<allocation mode='%s'/>",
                    def->mem.allocation == 1 ? "immediate" : "ondemand");
        if (def->mem.discard)
            fmtLine(buf, 2, "<discard/>");
        fmtLine(buf, 1, "</memoryBacking>");
    }
}

static void
fmtOS(GString *buf, const virDomainDef *def)
{
    size_t i;

    fmtLine(buf, 1, "<os>");
    virXMLIndent(buf, 2);
    g_string_append(buf, "<type");
    if (def->os.arch)
        virXMLFormatAttr(buf, "arch", virArchTypeToString(def->os.arch));
    virXMLFormatAttr(buf, "machine", def->os.machine);
    g_string_append(buf, ">hvm</type>\n");
    fmtTextElement(buf, 2, "kernel", def->os.kernel);
    fmtTextElement(buf, 2, "initrd", def->os.initrd);
    fmtTextElement(buf, 2, "cmdline", def->os.cmdline);
    for (i = 0; i < def->os.nBootDevs; i++)
        fmtLine(buf, 2, "<boot dev='%s'/>",
                virDomainBootDevTypeToString(def->os.bootDevs[i]));
    if (def->os.bootmenu && def->os.hasBootmenuTimeout)
        fmtLine(buf, 2, "<bootmenu enable='%s' timeout='%u'/>",
                virTristateBoolTypeToString(def->os.bootmenu),
                def->os.bootmenuTimeout);
    else if (def->os.bootmenu)
        fmtLine(buf, 2, "<bootmenu enable='%s'/>",
                virTristateBoolTypeToString(def->os.bootmenu));
    fmtLine(buf, 1, "</os>");
}

char *
virDomainDefFormat(const virDomainDef *def)
{
    GString *buf = g_string_new(NULL);
    char uuid[VIR_UUID_STRING_BUFLEN];

    g_string_append_printf(buf, "<domain type='%s'>\n",
                           virDomainVirtTypeToString(def->virtType));
    fmtTextElement(buf, 1, "name", def->name);
    virUUIDFormat(def->uuid, uuid);
    fmtLine(buf, 1, "<uuid>%s</uuid>", uuid);
    fmtTextElement(buf, 1, "title", def->title);
    fmtTextElement(buf, 1, "description", def->description);
    if (def->metadata) {
        virXMLIndent(buf, 1);
        g_string_append(buf, def->metadata);
        g_string_append_c(buf, '\n');
    }
    fmtMemory(buf, def);

    virXMLIndent(buf, 1);
    g_string_append(buf, "<vcpu");
    if (def->vcpuPlacement)
        virXMLFormatAttr(buf, "placement",
                         def->vcpuPlacement == 1 ? "static" : "auto");
    virXMLFormatAttr(buf, "cpuset", def->cpuset);
    if (def->vcpus != def->maxvcpus)
        g_string_append_printf(buf, " current='%u'", def->vcpus);
    g_string_append_printf(buf, ">%u</vcpu>\n", def->maxvcpus);
    if (def->iothreads)
        fmtLine(buf, 1, "<iothreads>%u</iothreads>", def->iothreads);

    fmtTuning(buf, def);
    fmtOS(buf, def);
    fmtFeatures(buf, &def->features);
    if (def->cpu.present)
        fmtCPU(buf, &def->cpu);
    if (def->hasClock && def->timers->len == 0) {
        fmtLine(buf, 1, "<clock offset='%s'/>",
                virDomainClockOffsetTypeToString(def->clockOffset));
    } else if (def->hasClock) {
        size_t i;

        fmtLine(buf, 1, "<clock offset='%s'>",
                virDomainClockOffsetTypeToString(def->clockOffset));
        for (i = 0; i < def->timers->len; i++) {
            g_auto(GStrv) t = g_strsplit(g_ptr_array_index(def->timers, i),
                                         "\t", 3);
            virXMLIndent(buf, 2);
            g_string_append(buf, "<timer");
            virXMLFormatAttr(buf, "name", t[0]);
            if (*t[1])
                virXMLFormatAttr(buf, "tickpolicy", t[1]);
            if (*t[2])
                virXMLFormatAttr(buf, "present", t[2]);
            g_string_append(buf, "/>\n");
        }
        fmtLine(buf, 1, "</clock>");
    }
    if (def->onPoweroff)
        fmtTextElement(buf, 1, "on_poweroff",
                       virDomainLifecycleActionTypeToString(def->onPoweroff));
    if (def->onReboot)
        fmtTextElement(buf, 1, "on_reboot",
                       virDomainLifecycleActionTypeToString(def->onReboot));
    if (def->onCrash)
        fmtTextElement(buf, 1, "on_crash",
                       virDomainLifecycleActionTypeToString(def->onCrash));
    if (def->perfEvents->len) {
        size_t i;

        fmtLine(buf, 1, "<perf>");
        for (i = 0; i < def->perfEvents->len; i++) {
            g_auto(GStrv) ev = g_strsplit(g_ptr_array_index(def->perfEvents, i),
                                          "\t", 2);
            virXMLIndent(buf, 2);
            g_string_append(buf, "<event");
            virXMLFormatAttr(buf, "name", ev[0]);
            virXMLFormatAttr(buf, "enabled", ev[1]);
            g_string_append(buf, "/>\n");
        }
        fmtLine(buf, 1, "</perf>");
    }
    fmtDevices(buf, def);
    g_string_append(buf, "</domain>\n");
    return g_string_free(buf, FALSE);
}
