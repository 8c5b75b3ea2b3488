/*
 * domain_conf.c: domain definition objects, enum tables, lifetimes
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "domain_conf.h"

VIR_ENUM_IMPL(virTristateBool, VIR_TRISTATE_BOOL_LAST,
              "default", "yes", "no");
VIR_ENUM_IMPL(virTristateSwitch, VIR_TRISTATE_SWITCH_LAST,
              "default", "on", "off");
VIR_ENUM_IMPL(virDomainVirt, VIR_DOMAIN_VIRT_LAST,
              "none", "kvm", "qemu");
VIR_ENUM_IMPL(virArch, VIR_ARCH_LAST,
              "none", "ppc64", "ppc64le");
VIR_ENUM_IMPL(virDomainLifecycleAction, VIR_DOMAIN_LIFECYCLE_LAST,
              "", "destroy", "restart", "preserve", "rename-restart",
              "coredump-destroy", "coredump-restart");
VIR_ENUM_IMPL(virDomainDeviceAddress, VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST,
              "none", "pci", "drive", "spapr-vio", "usb");
VIR_ENUM_IMPL(virDomainController, VIR_DOMAIN_CONTROLLER_TYPE_LAST,
              "pci", "usb", "scsi", "virtio-serial");
VIR_ENUM_IMPL(virDomainControllerModel, VIR_DOMAIN_CONTROLLER_MODEL_LAST,
              "", "pci-root", "qemu-xhci", "nec-xhci", "pci-ohci", "none",
              "virtio-scsi", "ibmvscsi");
VIR_ENUM_IMPL(virDomainDiskType, VIR_DOMAIN_DISK_TYPE_LAST,
              "file", "block");
VIR_ENUM_IMPL(virDomainDiskDevice, VIR_DOMAIN_DISK_DEVICE_LAST,
              "disk", "cdrom");
VIR_ENUM_IMPL(virDomainDiskBus, VIR_DOMAIN_DISK_BUS_LAST,
              "", "virtio", "scsi");
VIR_ENUM_IMPL(virStorageFileFormat, VIR_STORAGE_FORMAT_LAST,
              "", "raw", "qcow2");
VIR_ENUM_IMPL(virDomainDiskCache, VIR_DOMAIN_DISK_CACHE_LAST,
              "default", "none", "writethrough", "writeback", "directsync",
              "unsafe");
VIR_ENUM_IMPL(virDomainDiskIo, VIR_DOMAIN_DISK_IO_LAST,
              "default", "native", "threads", "io_uring");
VIR_ENUM_IMPL(virDomainDiskDiscard, VIR_DOMAIN_DISK_DISCARD_LAST,
              "default", "unmap", "ignore");
VIR_ENUM_IMPL(virDomainNet, VIR_DOMAIN_NET_TYPE_LAST,
              "user", "ethernet", "bridge", "hostdev", "vhostuser");
VIR_ENUM_IMPL(virDomainDiskIotune, VIR_DOMAIN_DISK_IOTUNE_LAST,
              "total_bytes_sec", "read_bytes_sec", "write_bytes_sec",
              "total_iops_sec", "read_iops_sec", "write_iops_sec");
VIR_ENUM_IMPL(virDomainNetModel, VIR_DOMAIN_NET_MODEL_LAST,
              "", "virtio", "spapr-vlan", "e1000");
VIR_ENUM_IMPL(virDomainChrDevice, VIR_DOMAIN_CHR_DEVICE_LAST,
              "serial", "console", "channel");
VIR_ENUM_IMPL(virDomainChr, VIR_DOMAIN_CHR_TYPE_LAST,
              "pty", "file", "unix", "null", "tcp");
VIR_ENUM_IMPL(virDomainChrTarget, VIR_DOMAIN_CHR_TARGET_LAST,
              "", "spapr-vio-serial", "serial", "virtio");
VIR_ENUM_IMPL(virDomainInput, VIR_DOMAIN_INPUT_TYPE_LAST,
              "tablet", "keyboard", "mouse");
VIR_ENUM_IMPL(virDomainVideo, VIR_DOMAIN_VIDEO_TYPE_LAST,
              "default", "vga", "none", "virtio");
VIR_ENUM_IMPL(virDomainWatchdogAction, VIR_DOMAIN_WATCHDOG_ACTION_LAST,
              "reset", "shutdown", "poweroff", "pause", "dump", "none",
              "inject-nmi");
VIR_ENUM_IMPL(virDomainGraphicsListen, VIR_DOMAIN_GRAPHICS_LISTEN_LAST,
              "none", "address", "socket");
VIR_ENUM_IMPL(virDomainMemballoonModel, VIR_DOMAIN_MEMBALLOON_MODEL_LAST,
              "virtio", "none");
VIR_ENUM_IMPL(virCPUMode, VIR_CPU_MODE_LAST,
              "", "custom", "host-model", "host-passthrough");
VIR_ENUM_IMPL(virDomainNumatuneMode, VIR_DOMAIN_NUMATUNE_MODE_LAST,
              "", "strict", "preferred", "interleave", "restrictive");
VIR_ENUM_IMPL(virDomainCapValue, VIR_DOMAIN_CAP_VALUE_LAST,
              "", "broken", "workaround", "fixed");
VIR_ENUM_IMPL(virDomainIBS, VIR_DOMAIN_IBS_LAST,
              "", "broken", "workaround", "fixed-ibs", "fixed-ccd",
              "fixed-na");
VIR_ENUM_IMPL(virDomainHPTResizing, VIR_DOMAIN_HPT_RESIZING_LAST,
              "", "enabled", "disabled", "required");
VIR_ENUM_IMPL(virDomainICMode, VIR_DOMAIN_IC_MODE_LAST,
              "", "xics", "xive", "dual");
VIR_ENUM_IMPL(virDomainBootDev, VIR_DOMAIN_BOOT_LAST,
              "hd", "cdrom", "network");
VIR_ENUM_IMPL(virDomainClockOffset, VIR_DOMAIN_CLOCK_OFFSET_LAST,
              "utc", "localtime");

void
virDomainDeviceInfoClear(virDomainDeviceInfo *info)
{
    g_clear_pointer(&info->alias, g_free);
    g_clear_pointer(&info->romFile, g_free);
    g_clear_pointer(&info->addr.usb.port, g_free);
}

void
virDomainControllerDefFree(virDomainControllerDef *def)
{
    if (!def)
        return;
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}

void
virDomainHostdevDefFree(virDomainHostdevDef *def)
{
    if (!def)
        return;
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}

void
virDomainDiskDefFree(virDomainDiskDef *def)
{
    if (!def)
        return;
    g_free(def->src);
    g_free(def->dst);
    g_free(def->serial);
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}

void
virDomainNetDefFree(virDomainNetDef *def)
{
    if (!def)
        return;
    g_free(def->ifname);
    g_free(def->bridge);
    g_free(def->vhostuserPath);
    g_free(def->virtPortType);
    g_free(def->virtPortInterfaceID);
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}

void
virDomainChrDefFree(virDomainChrDef *def)
{
    if (!def)
        return;
    g_free(def->path);
    g_free(def->host);
    g_free(def->service);
    g_free(def->targetName);
    g_free(def->logFile);
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}

void
virDomainInputDefFree(virDomainInputDef *def)
{
    if (!def)
        return;
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}

void
virDomainVideoDefFree(virDomainVideoDef *def)
{
    if (!def)
        return;
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}

void
virDomainGraphicsDefFree(virDomainGraphicsDef *def)
{
    if (!def)
        return;
    g_free(def->keymap);
    g_free(def->listenAddress);
    g_free(def->socket);
    g_free(def);
}

void
virDomainRNGDefFree(virDomainRNGDef *def)
{
    if (!def)
        return;
    g_free(def->backendPath);
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}

void
virDomainWatchdogDefFree(virDomainWatchdogDef *def)
{
    if (!def)
        return;
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}

void
virDomainMemballoonDefFree(virDomainMemballoonDef *def)
{
    if (!def)
        return;
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}

static void
virDomainHugePageClear(gpointer p)
{
    g_free(((virDomainHugePage *) p)->nodeset);
}

static void
virDomainNumaCellClear(gpointer p)
{
    g_free(((virDomainNumaCell *) p)->cpus);
    g_free(((virDomainNumaCell *) p)->memAccess);
}

static void
virDomainVcpuPinClear(gpointer p)
{
    g_free(((virDomainVcpuPin *) p)->cpuset);
}

static void
virDomainMemnodeClear(gpointer p)
{
    g_free(((virDomainNumatuneMemnode *) p)->nodeset);
}

static GArray *
virArrayNew(size_t size, GDestroyNotify clear)
{
    GArray *arr = g_array_new(FALSE, TRUE, size);

    g_array_set_clear_func(arr, clear);
    return arr;
}

virDomainDef *
virDomainDefNew(void)
{
    virDomainDef *def = g_new0(virDomainDef, 1);

    def->refs = 1;

    def->mem.hugepages = virArrayNew(sizeof(virDomainHugePage),
                                     virDomainHugePageClear);
    def->cpu.cells = virArrayNew(sizeof(virDomainNumaCell),
                                 virDomainNumaCellClear);
    def->cputune.vcpupins = virArrayNew(sizeof(virDomainVcpuPin),
                                        virDomainVcpuPinClear);
    def->cputune.iothreadpins = virArrayNew(sizeof(virDomainVcpuPin),
                                            virDomainVcpuPinClear);
    def->timers = g_ptr_array_new_with_free_func(g_free);
    def->perfEvents = g_ptr_array_new_with_free_func(g_free);
    def->watchdogs =
        g_ptr_array_new_with_free_func((GDestroyNotify) virDomainWatchdogDefFree);
    def->numatune.memnodes = virArrayNew(sizeof(virDomainNumatuneMemnode),
                                         virDomainMemnodeClear);
    def->controllers =
        g_ptr_array_new_with_free_func((GDestroyNotify) virDomainControllerDefFree);
    def->disks =
        g_ptr_array_new_with_free_func((GDestroyNotify) virDomainDiskDefFree);
    def->nets =
        g_ptr_array_new_with_free_func((GDestroyNotify) virDomainNetDefFree);
    def->hostdevs =
        g_ptr_array_new_with_free_func((GDestroyNotify) virDomainHostdevDefFree);
    def->serials =
        g_ptr_array_new_with_free_func((GDestroyNotify) virDomainChrDefFree);
    def->consoles =
        g_ptr_array_new_with_free_func((GDestroyNotify) virDomainChrDefFree);
    def->channels =
        g_ptr_array_new_with_free_func((GDestroyNotify) virDomainChrDefFree);
    def->inputs =
        g_ptr_array_new_with_free_func((GDestroyNotify) virDomainInputDefFree);
    def->videos =
        g_ptr_array_new_with_free_func((GDestroyNotify) virDomainVideoDefFree);
    def->graphics =
        g_ptr_array_new_with_free_func((GDestroyNotify) virDomainGraphicsDefFree);
    def->rngs =
        g_ptr_array_new_with_free_func((GDestroyNotify) virDomainRNGDefFree);
    def->panics = g_ptr_array_new_with_free_func(g_free);
    return def;
}

virDomainDef *
virDomainDefRef(virDomainDef *def)
{
    g_atomic_int_inc(&def->refs);
    return def;
}

void
virDomainDefFree(virDomainDef *def)
{
    if (!def || !g_atomic_int_dec_and_test(&def->refs))
        return;
    g_free(def->name);
    g_free(def->title);
    g_free(def->description);
    g_free(def->metadata);
    g_array_unref(def->mem.hugepages);
    g_free(def->cpuset);
    g_free(def->cputune.emulatorpin);
    g_array_unref(def->cputune.vcpupins);
    g_array_unref(def->cputune.iothreadpins);
    g_ptr_array_unref(def->timers);
    g_ptr_array_unref(def->perfEvents);
    g_ptr_array_unref(def->watchdogs);
    g_free(def->numatune.nodeset);
    g_array_unref(def->numatune.memnodes);
    g_free(def->cpu.match);
    g_free(def->cpu.check);
    g_free(def->cpu.model);
    g_free(def->cpu.fallback);
    g_array_unref(def->cpu.cells);
    g_free(def->os.machine);
    g_free(def->os.kernel);
    g_free(def->os.initrd);
    g_free(def->os.cmdline);
    g_free(def->emulator);
    g_ptr_array_unref(def->controllers);
    g_ptr_array_unref(def->disks);
    g_ptr_array_unref(def->nets);
    g_ptr_array_unref(def->hostdevs);
    g_ptr_array_unref(def->serials);
    g_ptr_array_unref(def->consoles);
    g_ptr_array_unref(def->channels);
    g_ptr_array_unref(def->inputs);
    g_ptr_array_unref(def->videos);
    g_ptr_array_unref(def->graphics);
    g_ptr_array_unref(def->rngs);
    g_ptr_array_unref(def->panics);
    virDomainMemballoonDefFree(def->memballoon);
    g_free(def);
}

virDomainControllerDef *
virDomainControllerDefNew(int type, unsigned int idx)
{
    virDomainControllerDef *cont = g_new0(virDomainControllerDef, 1);

    cont->type = type;
    cont->idx = idx;
    cont->targetIndex = -1;
    cont->numaNode = -1;
    return cont;
}

virDomainControllerDef *
virDomainDefFindController(const virDomainDef *def, int type, unsigned int idx)
{
    size_t i;

    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *cont = g_ptr_array_index(def->controllers, i);

        if (cont->type == type && cont->idx == idx)
            return cont;
    }
    return NULL;
}

GPtrArray *
virDomainDefCollectDeviceInfos(const virDomainDef *def)
{
    GPtrArray *list = g_ptr_array_new();
    size_t i;

#define ADD_ALL(arr, type) \
    for (i = 0; i < (arr)->len; i++) \
        g_ptr_array_add(list, &((type *) g_ptr_array_index((arr), i))->info)
    ADD_ALL(def->controllers, virDomainControllerDef);
    ADD_ALL(def->disks, virDomainDiskDef);
    ADD_ALL(def->nets, virDomainNetDef);
    ADD_ALL(def->hostdevs, virDomainHostdevDef);
    ADD_ALL(def->serials, virDomainChrDef);
    ADD_ALL(def->channels, virDomainChrDef);
    ADD_ALL(def->inputs, virDomainInputDef);
    ADD_ALL(def->videos, virDomainVideoDef);
    ADD_ALL(def->rngs, virDomainRNGDef);
    ADD_ALL(def->watchdogs, virDomainWatchdogDef);
#undef ADD_ALL
    if (def->memballoon)
        g_ptr_array_add(list, &def->memballoon->info);
    return list;
}

gboolean
virDomainControllerIsPHB(const virDomainControllerDef *cont)
{
    return cont->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI &&
           cont->model == VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT;
}

guint
virDomainDiskNameToIndex(const char *dst)
{
    const char *p = dst + 2;
    guint64 idx = 0;

    for (; *p >= 'a' && *p <= 'z'; p++) {
        idx = (idx + (p == dst + 2 ? 0 : 1)) * 26 + (*p - 'a');
        if (idx > G_MAXUINT)
            return G_MAXUINT;
    }
    return idx;
}

gboolean
virMacAddrParse(const char *str, unsigned char *mac)
{
    unsigned int b[6];
    int n = 0;
    size_t i;

    if (sscanf(str, "%2x:%2x:%2x:%2x:%2x:%2x%n",
               &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &n) != 6 ||
        str[n] != '\0' || n != 17)
        return FALSE;
    for (i = 0; i < 6; i++)
        mac[i] = b[i];
    return TRUE;
}

char *
virMacAddrFormat(const unsigned char *mac)
{
    return g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x",
                           mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}


virDomainHostdevDef *
virDomainDefFindHostdev(const virDomainDef *def,
                        const virPCIDeviceAddress *addr)
{
    guint i;

    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(def->hostdevs, i);

        if (virPCIDeviceAddressEqual(&h->source, addr))
            return h;
    }
    return NULL;
}
