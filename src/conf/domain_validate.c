/*
 * domain_validate.c: checks of a parsed definition that need no host
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "domain_validate.h"
#include "virerror.h"

static const char *const supportedCPUModels[] = {
    "POWER8", "POWER9", "POWER10", NULL
};

/* A cpu/node list "0-3,5,^2" as libvirt reads it: ranges and single
 * numbers, '^N' removes N; every number below @max, not empty */
GArray *
virDomainCpuListExpand(const char *str, unsigned int max, GError **errp)
{
    g_auto(GStrv) parts = NULL;
    g_autofree gboolean *set = NULL;
    GArray *list;
    size_t i;

    if (!str || !*str || max == 0)
        goto error;
    set = g_new0(gboolean, max);
    parts = g_strsplit(str, ",", -1);
    for (i = 0; parts[i]; i++) {
        const char *p = g_strstrip(parts[i]);
        gboolean neg = *p == '^';
        guint64 a, b, n;
        char *end = NULL;

        if (neg)
            p++;
        if (!g_ascii_isdigit(*p))
            goto error;
        a = g_ascii_strtoull(p, &end, 10);
        b = a;
        if (*end == '-' && !neg) {
            p = end + 1;
            if (!g_ascii_isdigit(*p))
                goto error;
            b = g_ascii_strtoull(p, &end, 10);
        }
        if (*end || a > b || b >= max)
            goto error;
        for (n = a; n <= b; n++)
            set[n] = !neg;
    }
    list = g_array_new(FALSE, FALSE, sizeof(guint));
    for (i = 0; i < max; i++) {
        guint v = i;
        if (set[i])
            g_array_append_val(list, v);
    }
    if (list->len == 0) {
        g_array_unref(list);
        goto error;
    }
    return list;

 error:
    virReportError(errp, VIR_ERR_XML_ERROR,
                   "invalid CPU or node list '%s' (expected e.g. '0-3,6' or "
                   "'0-7,^3' with numbers below %u, not empty)",
                   str ? str : "", max);
    return NULL;
}

gboolean
virDomainParseCpuList(const char *str, unsigned int max, GError **errp)
{
    GArray *list = virDomainCpuListExpand(str, max, errp);

    if (!list)
        return FALSE;
    g_array_unref(list);
    return TRUE;
}

char *
virDomainCpuListFormatRanges(GArray *list, const char *sep)
{
    GString *buf = g_string_new(NULL);
    size_t i = 0;

    while (i < list->len) {
        guint a = g_array_index(list, guint, i);
        guint b = a;

        while (i + 1 < list->len && g_array_index(list, guint, i + 1) == b + 1)
            b = g_array_index(list, guint, ++i);
        i++;
        if (buf->len)
            g_string_append(buf, sep);
        if (a == b)
            g_string_append_printf(buf, "%u", a);
        else
            g_string_append_printf(buf, "%u-%u", a, b);
    }
    return g_string_free(buf, FALSE);
}

static gboolean
virDomainDefValidateMemory(const virDomainDef *def, GError **errp)
{
    guint64 cellsum = 0;
    size_t i;

    if (def->mem.total == 0) {
        virReportError(errp, VIR_ERR_XML_ERROR,
                       "domain '%s': <memory> must be larger than 0",
                       def->name);
        return FALSE;
    }
    if (def->mem.current > def->mem.total) {
        virReportError(errp, VIR_ERR_XML_ERROR,
                       "domain '%s': <currentMemory> (%" G_GUINT64_FORMAT
                       " KiB) is larger than <memory> (%" G_GUINT64_FORMAT
                       " KiB)", def->name, def->mem.current, def->mem.total);
        return FALSE;
    }
    if (def->mem.maxMemory && def->mem.total > def->mem.maxMemory) {
        virReportError(errp, VIR_ERR_XML_ERROR,
                       "domain '%s': <memory> (%" G_GUINT64_FORMAT " KiB) is "
                       "larger than <maxMemory> (%" G_GUINT64_FORMAT " KiB)",
                       def->name, def->mem.total, def->mem.maxMemory);
        return FALSE;
    }
    if (def->mem.maxMemory && def->mem.slots == 0) {
        virReportError(errp, VIR_ERR_XML_ERROR,
                       "domain '%s': <maxMemory> needs a 'slots' attribute "
                       "(the number of memory hotplug slots, 1-4096)",
                       def->name);
        return FALSE;
    }
    for (i = 0; i < def->mem.hugepages->len; i++) {
        virDomainHugePage *hp = &g_array_index(def->mem.hugepages,
                                               virDomainHugePage, i);
        if (hp->size & (hp->size - 1)) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "domain '%s': hugepage size %" G_GUINT64_FORMAT
                           " KiB is not a power of two", def->name, hp->size);
            return FALSE;
        }
        if (hp->nodeset && !virDomainParseCpuList(hp->nodeset, 256, errp))
            return FALSE;
    }
    for (i = 1; i < def->mem.hugepages->len; i++) {
        if (g_array_index(def->mem.hugepages, virDomainHugePage, i).size !=
            g_array_index(def->mem.hugepages, virDomainHugePage, 0).size) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "domain '%s': all <page> elements must use the "
                           "same hugepage size", def->name);
            return FALSE;
        }
    }
    if (def->mem.discard && def->mem.source != 1 &&
        (!def->mem.hasHugepages || def->mem.source == 2)) {
        virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                       "domain '%s': <discard/> needs file-backed memory "
                       "(<source type='file'/> or <hugepages/>)", def->name);
        return FALSE;
    }
    for (i = 0; i < def->mem.hugepages->len; i++) {
        virDomainHugePage *hp = &g_array_index(def->mem.hugepages,
                                               virDomainHugePage, i);
        g_autoptr(GArray) nodes = NULL;

        if (!hp->nodeset)
            continue;
        if (def->cpu.cells->len == 0) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "domain '%s': <page nodeset='%s'> names guest "
                           "NUMA nodes, but the guest has no <numa> cells",
                           def->name, hp->nodeset);
            return FALSE;
        }
        if (!(nodes = virDomainCpuListExpand(hp->nodeset,
                                             def->cpu.cells->len, errp)))
            return FALSE;
    }
    for (i = 0; i < def->cpu.cells->len; i++) {
        virDomainNumaCell *c = &g_array_index(def->cpu.cells,
                                              virDomainNumaCell, i);
        if (c->id != i) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "domain '%s': NUMA cell ids must be 0, 1, 2, ... "
                           "in order; cell %zu has id %u", def->name, i,
                           c->id);
            return FALSE;
        }
        if (c->cpus) {
            g_autoptr(GArray) cpus = virDomainCpuListExpand(c->cpus,
                                                            def->maxvcpus,
                                                            errp);
            size_t j, k;

            if (!cpus)
                return FALSE;
            for (j = 0; j < i; j++) {
                virDomainNumaCell *o = &g_array_index(def->cpu.cells,
                                                      virDomainNumaCell, j);
                g_autoptr(GArray) ocpus = o->cpus ?
                    virDomainCpuListExpand(o->cpus, def->maxvcpus, NULL) : NULL;
                for (k = 0; ocpus && k < cpus->len; k++) {
                    guint v = g_array_index(cpus, guint, k);
                    size_t m;
                    for (m = 0; m < ocpus->len; m++) {
                        if (g_array_index(ocpus, guint, m) == v) {
                            virReportError(errp, VIR_ERR_XML_ERROR,
                                           "domain '%s': vCPU %u is in NUMA "
                                           "cells %u and %u; each vCPU "
                                           "belongs to one cell", def->name,
                                           v, o->id, c->id);
                            return FALSE;
                        }
                    }
                }
            }
        }
        cellsum += c->memory;
    }
    if (def->cpu.cells->len && cellsum != def->mem.total) {
        virReportError(errp, VIR_ERR_XML_ERROR,
                       "domain '%s': the NUMA cells add up to %"
                       G_GUINT64_FORMAT " KiB but <memory> is %"
                       G_GUINT64_FORMAT " KiB; they must be equal",
                       def->name, cellsum, def->mem.total);
        return FALSE;
    }
    return TRUE;
}

static gboolean
virDomainDefValidateCPU(const virDomainDef *def, GError **errp)
{
    const virCPUDef *cpu = &def->cpu;
    size_t i;

    if (def->maxvcpus == 0) {
        virReportError(errp, VIR_ERR_XML_ERROR,
                       "domain '%s': <vcpu> must be at least 1", def->name);
        return FALSE;
    }
    if (def->vcpus == 0 || def->vcpus > def->maxvcpus) {
        virReportError(errp, VIR_ERR_XML_ERROR,
                       "domain '%s': current vCPUs (%u) must be between 1 "
                       "and the maximum (%u)", def->name, def->vcpus,
                       def->maxvcpus);
        return FALSE;
    }
    if (def->cpuset && !virDomainParseCpuList(def->cpuset, 16384, errp))
        return FALSE;
    if (cpu->hasTopology) {
        guint64 n = (guint64) cpu->sockets * cpu->dies * cpu->cores *
                    cpu->threads;
        if (cpu->sockets == 0 || cpu->dies == 0 || cpu->cores == 0 ||
            cpu->threads == 0) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "domain '%s': CPU topology values must be at "
                           "least 1", def->name);
            return FALSE;
        }
        if (cpu->dies != 1) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "domain '%s': pseries guests have one die per "
                           "socket (dies='%u')", def->name, cpu->dies);
            return FALSE;
        }
        if (n != def->maxvcpus) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "domain '%s': CPU topology %u sockets x %u cores "
                           "x %u threads = %" G_GUINT64_FORMAT " does not "
                           "match the maximum vCPU count %u", def->name,
                           cpu->sockets, cpu->cores, cpu->threads, n,
                           def->maxvcpus);
            return FALSE;
        }
    }
    if (cpu->model) {
        gboolean ok = FALSE;
        for (i = 0; supportedCPUModels[i]; i++)
            ok |= g_str_equal(cpu->model, supportedCPUModels[i]);
        if (!ok) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "domain '%s': CPU model '%s' is not supported "
                           "(use POWER8, POWER9 or POWER10)", def->name,
                           cpu->model);
            return FALSE;
        }
    }
    if (cpu->mode == VIR_CPU_MODE_CUSTOM && !cpu->model) {
        virReportError(errp, VIR_ERR_XML_ERROR,
                       "domain '%s': <cpu mode='custom'> needs a <model>",
                       def->name);
        return FALSE;
    }
    if ((cpu->mode == VIR_CPU_MODE_HOST_PASSTHROUGH ||
         cpu->mode == VIR_CPU_MODE_HOST_MODEL) &&
        def->virtType != VIR_DOMAIN_VIRT_KVM) {
        virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                       "domain '%s': CPU mode '%s' needs <domain type='kvm'>; "
                       "TCG guests use <cpu mode='custom'><model>POWER9"
                       "</model></cpu>", def->name,
                       virCPUModeTypeToString(cpu->mode));
        return FALSE;
    }
    for (i = 0; i < def->cputune.iothreadpins->len; i++) {
        virDomainVcpuPin *pin = &g_array_index(def->cputune.iothreadpins,
                                               virDomainVcpuPin, i);
        if (pin->vcpu == 0 || pin->vcpu > def->iothreads) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "domain '%s': <iothreadpin iothread='%u'> names "
                           "an iothread the guest does not have (it has %u)",
                           def->name, pin->vcpu, def->iothreads);
            return FALSE;
        }
        if (!virDomainParseCpuList(pin->cpuset, 16384, errp))
            return FALSE;
    }
    for (i = 0; i < def->cputune.vcpupins->len; i++) {
        virDomainVcpuPin *pin = &g_array_index(def->cputune.vcpupins,
                                               virDomainVcpuPin, i);
        if (pin->vcpu >= def->maxvcpus) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "domain '%s': <vcpupin vcpu='%u'> names a vCPU "
                           "the guest does not have (it has %u)", def->name,
                           pin->vcpu, def->maxvcpus);
            return FALSE;
        }
        if (!virDomainParseCpuList(pin->cpuset, 16384, errp))
            return FALSE;
    }
    if (def->cputune.emulatorpin &&
        !virDomainParseCpuList(def->cputune.emulatorpin, 16384, errp))
        return FALSE;
    if (def->numatune.nodeset &&
        !virDomainParseCpuList(def->numatune.nodeset, 256, errp))
        return FALSE;
    for (i = 0; i < def->numatune.memnodes->len; i++) {
        virDomainNumatuneMemnode *mn =
            &g_array_index(def->numatune.memnodes, virDomainNumatuneMemnode, i);
        if (mn->cellid >= def->cpu.cells->len) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "domain '%s': <memnode cellid='%u'> names a NUMA "
                           "cell the guest does not have", def->name,
                           mn->cellid);
            return FALSE;
        }
        if (!virDomainParseCpuList(mn->nodeset, 256, errp))
            return FALSE;
    }
    return TRUE;
}

static gboolean
virDomainDefValidateOS(const virDomainDef *def, GError **errp)
{
    const char *m = def->os.machine;

    if (def->os.arch == VIR_ARCH_NONE && !m)
        return TRUE;
    if (m && !g_str_equal(m, "pseries")) {
        unsigned int major, minor;
        int n = 0;

        if (!g_str_has_prefix(m, "pseries-") ||
            sscanf(m, "pseries-%u.%u%n", &major, &minor, &n) != 2 ||
            m[n] != '\0') {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "domain '%s': machine type '%s' is not supported; "
                           "tcevirt runs pseries guests (machine='pseries' "
                           "or 'pseries-X.Y')", def->name, m);
            return FALSE;
        }
        if (major < 3) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "domain '%s': machine type '%s' is older than "
                           "QEMU 10.0 supports (pseries-3.0 or later)",
                           def->name, m);
            return FALSE;
        }
    }
    if (def->os.initrd && !def->os.kernel) {
        virReportError(errp, VIR_ERR_XML_ERROR,
                       "domain '%s': <initrd> needs a <kernel>", def->name);
        return FALSE;
    }
    if (def->os.cmdline && !def->os.kernel) {
        virReportError(errp, VIR_ERR_XML_ERROR,
                       "domain '%s': <cmdline> needs a <kernel>", def->name);
        return FALSE;
    }
    return TRUE;
}

static gboolean
virDomainDefValidateBoot(const virDomainDef *def, GError **errp)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
    GPtrArray *infos = virDomainDefCollectDeviceInfos(def);
    gboolean ok = TRUE;
    size_t i;

    for (i = 0; ok && i < infos->len; i++) {
        virDomainDeviceInfo *info = g_ptr_array_index(infos, i);
        gpointer key = GUINT_TO_POINTER(info->bootIndex);

        if (!info->bootIndex)
            continue;
        if (def->os.nBootDevs) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "domain '%s' mixes <os><boot dev=...> with "
                           "per-device <boot order=...>; use one or the "
                           "other", def->name);
            ok = FALSE;
        } else if (g_hash_table_contains(seen, key)) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "domain '%s': two devices have <boot order='%u'>",
                           def->name, info->bootIndex);
            ok = FALSE;
        }
        g_hash_table_add(seen, key);
    }
    g_ptr_array_free(infos, TRUE);
    return ok;
}

static gboolean
virDomainDefValidateDevices(const virDomainDef *def, GError **errp)
{
    size_t i, j;

    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        gboolean pciModel = c->model == VIR_DOMAIN_CONTROLLER_MODEL_DEFAULT ||
                            c->model == VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT;

        switch ((virDomainControllerType) c->type) {
        case VIR_DOMAIN_CONTROLLER_TYPE_PCI:
            if (!pciModel) {
                virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                               "PCI controller index %u: model '%s' is not "
                               "supported on pseries (use 'pci-root' with "
                               "<model name='spapr-pci-host-bridge'/>)",
                               c->idx,
                               virDomainControllerModelTypeToString(c->model));
                return FALSE;
            }
            if (c->idx > VIR_DOMAIN_PHB_MAX_INDEX) {
                virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                               "PCI controller index %u is out of range: "
                               "pseries has at most 31 PHBs (index 0-30)",
                               c->idx);
                return FALSE;
            }
            if (c->targetIndex > VIR_DOMAIN_PHB_MAX_INDEX) {
                virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                               "PCI controller index %u: target index %d is "
                               "out of range; pseries PHBs use target index "
                               "0-30", c->idx, c->targetIndex);
                return FALSE;
            }
            if (c->targetIndex >= 0 &&
                ((c->idx == 0) != (c->targetIndex == 0))) {
                virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                               "PCI controller index %u has target index %d, "
                               "but target index 0 is the default PHB and "
                               "belongs to controller index 0 only; change "
                               "the target index or remove it to have one "
                               "assigned", c->idx, c->targetIndex);
                return FALSE;
            }
            if (c->idx == 0 && c->numaNode >= 0) {
                virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                               "the default PHB (PCI controller index 0) "
                               "cannot have a NUMA node; give <node> to "
                               "another PHB");
                return FALSE;
            }
            if (c->info.addr.type) {
                virReportError(errp, VIR_ERR_XML_ERROR,
                               "PCI controller index %u: a PHB has no "
                               "<address>", c->idx);
                return FALSE;
            }
            for (j = 0; j < i; j++) {
                virDomainControllerDef *o = g_ptr_array_index(def->controllers, j);
                if (o->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI &&
                    c->targetIndex >= 0 && o->targetIndex == c->targetIndex) {
                    virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                                   "PCI controllers %u and %u both use "
                                   "target index %d; every PHB needs its "
                                   "own", o->idx, c->idx, c->targetIndex);
                    return FALSE;
                }
            }
            break;
        case VIR_DOMAIN_CONTROLLER_TYPE_USB:
            if (c->model && (c->model < VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI ||
                             c->model > VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE)) {
                virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                               "USB controller model '%s' is not supported "
                               "(use qemu-xhci, nec-xhci, pci-ohci or none)",
                               virDomainControllerModelTypeToString(c->model));
                return FALSE;
            }
            break;
        case VIR_DOMAIN_CONTROLLER_TYPE_SCSI:
            if (c->model && c->model != VIR_DOMAIN_CONTROLLER_MODEL_SCSI_VIRTIO &&
                c->model != VIR_DOMAIN_CONTROLLER_MODEL_SCSI_IBMVSCSI) {
                virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                               "SCSI controller model '%s' is not supported "
                               "(use virtio-scsi or ibmvscsi)",
                               virDomainControllerModelTypeToString(c->model));
                return FALSE;
            }
            break;
        case VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
            if (c->model) {
                virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                               "virtio-serial controllers have no model");
                return FALSE;
            }
            break;
        case VIR_DOMAIN_CONTROLLER_TYPE_LAST:
            break;
        }
        if (c->type != VIR_DOMAIN_CONTROLLER_TYPE_PCI &&
            (c->hasModelName || c->targetIndex >= 0 || c->numaNode >= 0)) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "%s controller %u: <model name> and <target> "
                           "belong to PCI controllers",
                           virDomainControllerTypeToString(c->type), c->idx);
            return FALSE;
        }
    }

    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(def->hostdevs, i);

        for (j = 0; j < i; j++) {
            virDomainHostdevDef *o = g_ptr_array_index(def->hostdevs, j);
            if (virPCIDeviceAddressEqual(&h->source, &o->source)) {
                g_autofree char *bdf = virPCIDeviceAddressAsString(&h->source);
                virReportError(errp, VIR_ERR_XML_ERROR,
                               "host PCI device %s is listed twice in "
                               "domain '%s'", bdf, def->name);
                return FALSE;
            }
        }
        if (h->info.addr.type &&
            h->info.addr.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI) {
            g_autofree char *bdf = virPCIDeviceAddressAsString(&h->source);
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "host device %s: the guest address of a PCI "
                           "hostdev must be <address type='pci' .../>", bdf);
            return FALSE;
        }
    }

    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *d = g_ptr_array_index(def->disks, i);

        for (j = 0; j < i; j++) {
            virDomainDiskDef *o = g_ptr_array_index(def->disks, j);
            if (g_str_equal(d->dst, o->dst)) {
                virReportError(errp, VIR_ERR_XML_ERROR,
                               "two disks use target dev '%s'", d->dst);
                return FALSE;
            }
        }
        if ((!g_str_has_prefix(d->dst, "vd") &&
             !g_str_has_prefix(d->dst, "sd")) || strlen(d->dst) < 3 ||
            strlen(d->dst) > 6 ||
            strspn(d->dst + 2, "abcdefghijklmnopqrstuvwxyz") !=
            strlen(d->dst) - 2) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "disk target '%s' is not supported on pseries: "
                           "use vdX (virtio) or sdX (scsi), e.g. vda or sdb",
                           d->dst);
            return FALSE;
        }
        if (virDomainDiskNameToIndex(d->dst) > VIR_DOMAIN_DISK_MAX_INDEX) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "disk target '%s' is beyond the last usable name "
                           "(%s%s, index %u)", d->dst,
                           g_str_has_prefix(d->dst, "vd") ? "vd" : "sd",
                           "xfd", VIR_DOMAIN_DISK_MAX_INDEX);
            return FALSE;
        }
        if (d->io == VIR_DOMAIN_DISK_IO_NATIVE &&
            d->cache != VIR_DOMAIN_DISK_CACHE_NONE &&
            d->cache != VIR_DOMAIN_DISK_CACHE_DIRECTSYNC) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "disk '%s': io='native' needs cache='none' or "
                           "cache='directsync' (QEMU opens the image with "
                           "O_DIRECT for native AIO)", d->dst);
            return FALSE;
        }
        if (d->iothread && d->bus != VIR_DOMAIN_DISK_BUS_VIRTIO &&
            d->bus != VIR_DOMAIN_DISK_BUS_NONE) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "disk '%s': <driver iothread=...> works on virtio "
                           "disks only", d->dst);
            return FALSE;
        }
        if (d->iothread > def->iothreads) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "disk '%s' uses iothread %u but domain '%s' has %u "
                           "<iothreads>", d->dst, d->iothread, def->name,
                           def->iothreads);
            return FALSE;
        }
        if (!d->src && d->device == VIR_DOMAIN_DISK_DEVICE_DISK) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "disk '%s' has no <source>; only a cdrom may be "
                           "empty", d->dst);
            return FALSE;
        }
        if (d->device == VIR_DOMAIN_DISK_DEVICE_CDROM &&
            d->bus == VIR_DOMAIN_DISK_BUS_VIRTIO) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "cdrom '%s' cannot use the virtio bus; use "
                           "bus='scsi'", d->dst);
            return FALSE;
        }
    }

    for (i = 0; i < def->nets->len; i++) {
        virDomainNetDef *n = g_ptr_array_index(def->nets, i);

        if (n->type == VIR_DOMAIN_NET_TYPE_BRIDGE && !n->bridge) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "<interface type='bridge'> needs <source "
                           "bridge=.../>");
            return FALSE;
        }
        if (n->type == VIR_DOMAIN_NET_TYPE_VHOSTUSER && def->mem.access != 1) {
            gboolean shared = def->cpu.cells->len > 0;
            size_t k;
            for (k = 0; k < def->cpu.cells->len; k++) {
                virDomainNumaCell *cell = &g_array_index(def->cpu.cells,
                                                         virDomainNumaCell, k);
                shared &= cell->memAccess &&
                          g_str_equal(cell->memAccess, "shared");
            }
            if (!shared) {
                virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                               "domain '%s': vhost-user interfaces need "
                               "shared guest memory (<memoryBacking><access "
                               "mode='shared'/>)", def->name);
                return FALSE;
            }
        }
        if (n->virtPortType && n->type != VIR_DOMAIN_NET_TYPE_BRIDGE) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "<virtualport> is only used with <interface "
                           "type='bridge'>");
            return FALSE;
        }
        if (n->model == VIR_DOMAIN_NET_MODEL_SPAPR_VLAN &&
            n->info.addr.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "a spapr-vlan interface sits on the VIO bus, not "
                           "at a PCI address");
            return FALSE;
        }
        if ((n->queues > 1 || n->rxQueueSize || n->txQueueSize ||
             n->packed || n->mtu) &&
            (n->type == VIR_DOMAIN_NET_TYPE_HOSTDEV ||
             (n->model && n->model != VIR_DOMAIN_NET_MODEL_VIRTIO))) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "interface with model '%s': queues, rx/tx queue "
                           "sizes, packed virtqueues and mtu need "
                           "<model type='virtio'/>",
                           n->type == VIR_DOMAIN_NET_TYPE_HOSTDEV ? "hostdev" :
                           virDomainNetModelTypeToString(n->model));
            return FALSE;
        }
        if (n->queues > 1 && (n->type == VIR_DOMAIN_NET_TYPE_USER ||
                              n->type == VIR_DOMAIN_NET_TYPE_HOSTDEV)) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "<interface type='%s'> has no multiqueue "
                           "(queues works with ethernet, bridge and "
                           "vhostuser)", virDomainNetTypeToString(n->type));
            return FALSE;
        }
    }

    for (i = 0; i < def->inputs->len; i++) {
        virDomainControllerDef *usb = NULL;
        for (j = 0; j < def->controllers->len; j++) {
            virDomainControllerDef *c = g_ptr_array_index(def->controllers, j);
            if (c->type == VIR_DOMAIN_CONTROLLER_TYPE_USB && c->idx == 0)
                usb = c;
        }
        if (usb && usb->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "domain '%s' has USB input devices but its USB "
                           "controller is model='none'", def->name);
            return FALSE;
        }
    }
    for (i = 0; i < def->nets->len; i++) {
        virDomainNetDef *n = g_ptr_array_index(def->nets, i);
        if (n->type == VIR_DOMAIN_NET_TYPE_HOSTDEV && (n->model || n->ifname)) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "<interface type='hostdev'> passes a host device "
                           "through: it has no <model> or <target>");
            return FALSE;
        }
    }
    if (def->graphics->len > 1) {
        virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                       "domain '%s': only one <graphics> device is supported",
                       def->name);
        return FALSE;
    }
    if (def->watchdogs->len > 1) {
        virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                       "domain '%s': only one <watchdog> is supported",
                       def->name);
        return FALSE;
    }
    for (i = 0; i < def->watchdogs->len; i++) {
        virDomainWatchdogDef *wd = g_ptr_array_index(def->watchdogs, i);
        if (wd->action == VIR_DOMAIN_WATCHDOG_ACTION_DUMP) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "domain '%s': watchdog action 'dump' is not "
                           "supported (use reset, shutdown, poweroff, pause, "
                           "inject-nmi or none)", def->name);
            return FALSE;
        }
    }
    for (i = 0; i < def->nets->len; i++) {
        virDomainNetDef *n = g_ptr_array_index(def->nets, i);
        if (n->type == VIR_DOMAIN_NET_TYPE_VHOSTUSER &&
            n->model != VIR_DOMAIN_NET_MODEL_VIRTIO && n->model) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "vhost-user interfaces need <model type='virtio'/>");
            return FALSE;
        }
    }
    if (def->panics->len > 1) {
        virReportError(errp, VIR_ERR_XML_ERROR,
                       "domain '%s': only one <panic> device is allowed",
                       def->name);
        return FALSE;
    }
    if (def->rngs->len > 1) {
        virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                       "domain '%s': only one <rng> device is supported",
                       def->name);
        return FALSE;
    }
    for (i = 0; i < def->rngs->len; i++) {
        virDomainRNGDef *r = g_ptr_array_index(def->rngs, i);
        const char *p = r->backendPath;
        if (p && !g_str_equal(p, "/dev/urandom") &&
            !g_str_equal(p, "/dev/random") && !g_str_equal(p, "/dev/hwrng")) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "RNG backend '%s' is not allowed (use "
                           "/dev/urandom, /dev/random or /dev/hwrng)", p);
            return FALSE;
        }
    }
    /* Nova writes autodeflate/freePageReporting on model='none' too:
     * kept, without effect */
    if (def->memballoon &&
        def->memballoon->model == VIR_DOMAIN_MEMBALLOON_MODEL_NONE &&
        (def->memballoon->period || def->memballoon->info.addr.type)) {
        virReportError(errp, VIR_ERR_XML_ERROR,
                       "domain '%s': <memballoon model='none'> takes no "
                       "<address> or <stats>", def->name);
        return FALSE;
    }
    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        if (virDomainControllerIsPHB(c) && c->numaNode >= 0 &&
            (unsigned int) c->numaNode >= def->cpu.cells->len) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "PHB %u is on guest NUMA node %d, but domain '%s' "
                           "has %u NUMA cells; define the node in "
                           "<cpu><numa> or remove <node>", c->idx,
                           c->numaNode, def->name, def->cpu.cells->len);
            return FALSE;
        }
    }
    if (!virDomainDefValidateBoot(def, errp))
        return FALSE;
    for (i = 0; i < def->serials->len; i++) {
        virDomainChrDef *c = g_ptr_array_index(def->serials, i);
        if (c->targetType && c->targetType !=
            VIR_DOMAIN_CHR_TARGET_SPAPR_VIO_SERIAL) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "serial target type '%s' is not supported on "
                           "pseries (use 'spapr-vio-serial')",
                           virDomainChrTargetTypeToString(c->targetType));
            return FALSE;
        }
    }
    for (i = 0; i < def->consoles->len; i++) {
        virDomainChrDef *c = g_ptr_array_index(def->consoles, i);
        virDomainChrDef *s = def->serials->len ?
                             g_ptr_array_index(def->serials, 0) : NULL;
        if (s && (c->targetType == VIR_DOMAIN_CHR_TARGET_SERIAL ||
                  !c->targetType) &&
            (c->type != s->type || g_strcmp0(c->path, s->path) != 0)) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "domain '%s': the serial console is serial port "
                           "0, so <console> needs the same type and source "
                           "as the first <serial> ('%s' vs '%s')", def->name,
                           virDomainChrTypeToString(c->type),
                           virDomainChrTypeToString(s->type));
            return FALSE;
        }
        if (c->targetType == VIR_DOMAIN_CHR_TARGET_SPAPR_VIO_SERIAL) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "console target type 'spapr-vio-serial' is not "
                           "valid (use 'serial' or 'virtio')");
            return FALSE;
        }
    }
    for (i = 0; i < def->channels->len; i++) {
        virDomainChrDef *c = g_ptr_array_index(def->channels, i);
        if (c->targetType != VIR_DOMAIN_CHR_TARGET_VIRTIO || !c->targetName) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "channels need <target type='virtio' name=.../>");
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
virDomainDefValidate(const virDomainDef *def, GError **errp)
{
    const char *p;

    for (p = def->name; *p; p++) {
        if (*p == '/' || g_ascii_iscntrl(*p)) {
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "domain name '%s' may not contain '/' or control "
                           "characters", def->name);
            return FALSE;
        }
    }
    if (strlen(def->name) > 200 || g_str_equal(def->name, ".") ||
        g_str_equal(def->name, "..")) {
        virReportError(errp, VIR_ERR_XML_ERROR,
                       "domain name '%.40s%s' is not usable (use 1-200 "
                       "characters, not '.' or '..')", def->name,
                       strlen(def->name) > 40 ? "..." : "");
        return FALSE;
    }
    return virDomainDefValidateMemory(def, errp) &&
           virDomainDefValidateCPU(def, errp) &&
           virDomainDefValidateOS(def, errp) &&
           virDomainDefValidateDevices(def, errp);
}
