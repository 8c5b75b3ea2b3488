/*
 * qemu_command.c: build the QEMU command line of a normalized definition
 *
 * Devices use the JSON -device syntax libvirt uses, so properties are typed
 * and the output can be diffed against libvirt's.  Output is deterministic:
 * it depends only on the definition and @cfg.
 */
#include <config.h>

#include <string.h>
#include <json-glib/json-glib.h>

#include "qemu_command.h"
#include "qemu_command_priv.h"
#include "qemu_domain.h"
#include "domain_validate.h"
#include "virerror.h"

/* ---- small builders ---- */

void
qemuArgv(GPtrArray *argv, const char *opt, const char *val)
{
    g_ptr_array_add(argv, g_strdup(opt));
    if (val)
        g_ptr_array_add(argv, g_strdup(val));
}

char *
qemuOptEscape(const char *value)
{
    GString *buf = g_string_new(NULL);

    for (; value && *value; value++) {
        if (*value == ',')
            g_string_append_c(buf, ',');
        g_string_append_c(buf, *value);
    }
    return g_string_free(buf, FALSE);
}

void
qemuArgvf(GPtrArray *argv, const char *opt, const char *fmt, ...)
{
    va_list ap;

    g_ptr_array_add(argv, g_strdup(opt));
    va_start(ap, fmt);
    g_ptr_array_add(argv, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

JsonBuilder *
qemuJSONNew(const char *key, const char *value)
{
    JsonBuilder *b = json_builder_new();

    json_builder_begin_object(b);
    qemuJSONStr(b, key, value);
    return b;
}

void
qemuJSONStr(JsonBuilder *b, const char *key, const char *value)
{
    if (!value)
        return;
    json_builder_set_member_name(b, key);
    json_builder_add_string_value(b, value);
}

void
qemuJSONInt(JsonBuilder *b, const char *key, gint64 value)
{
    json_builder_set_member_name(b, key);
    json_builder_add_int_value(b, value);
}

void
qemuJSONBool(JsonBuilder *b, const char *key, gboolean value)
{
    json_builder_set_member_name(b, key);
    json_builder_add_boolean_value(b, value);
}

/* Ends the object started by qemuJSONNew and adds "OPT JSON" to argv */
void
qemuJSONFinish(GPtrArray *argv, const char *opt, JsonBuilder *b)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = NULL;

    json_builder_end_object(b);
    root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    g_ptr_array_add(argv, g_strdup(opt));
    g_ptr_array_add(argv, json_generator_to_data(gen, NULL));
    g_object_unref(b);
}

void
qemuJSONAddress(JsonBuilder *b, const virDomainDef *def,
                const virDomainDeviceInfo *info)
{
    const virDomainDeviceAddress *addr = &info->addr;

    switch ((virDomainDeviceAddressType) addr->type) {
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI: {
        g_autofree char *bus = NULL;
        g_autofree char *slot = NULL;

        if (addr->pci.bus == 0)
            bus = g_strdup("pci.0");
        else
            bus = g_strdup_printf("%s.0",
                                  qemuDomainPHBBusName(def, addr->pci.bus));
        if (addr->pci.function)
            slot = g_strdup_printf("0x%x.0x%x", addr->pci.slot,
                                   addr->pci.function);
        else
            slot = g_strdup_printf("0x%x", addr->pci.slot);
        qemuJSONStr(b, "bus", bus);
        qemuJSONStr(b, "addr", slot);
        if (addr->multifunction == VIR_TRISTATE_SWITCH_ON)
            qemuJSONBool(b, "multifunction", TRUE);
        break;
    }
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_SPAPRVIO:
        if (addr->spaprvioHasReg)
            qemuJSONInt(b, "reg", addr->spaprvioReg);
        break;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB: {
        g_autofree char *bus = g_strdup_printf("usb.%u", addr->usb.bus);
        qemuJSONStr(b, "bus", bus);
        qemuJSONStr(b, "port", addr->usb.port);
        break;
    }
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE:
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE:
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST:
        break;
    }
}

void
qemuJSONRom(JsonBuilder *b, const virDomainDeviceInfo *info)
{
    if (info->romBar == VIR_TRISTATE_SWITCH_OFF)
        qemuJSONInt(b, "rombar", 0);
    else if (info->romBar == VIR_TRISTATE_SWITCH_ON)
        qemuJSONInt(b, "rombar", 1);
    qemuJSONStr(b, "romfile", info->romFile);
}

/* ---- machine, cpu, memory ---- */

static const char *
qemuCPUCompatName(const char *model)
{
    if (g_str_equal(model, "POWER8"))
        return "power8";
    if (g_str_equal(model, "POWER9"))
        return "power9";
    return "power10";
}

static void
qemuBuildMachine(GPtrArray *argv, const virDomainDef *def)
{
    const virDomainFeatures *f = &def->features;
    GString *m = g_string_new(def->os.machine);
    gboolean kvm = def->virtType == VIR_DOMAIN_VIRT_KVM;

    g_string_append_printf(m, ",accel=%s,usb=off,dump-guest-core=off",
                           kvm ? "kvm" : "tcg");
    if (def->cpu.cells->len == 0)
        g_string_append(m, ",memory-backend=ppc_spapr.ram");
    if (def->mem.nosharepages)
        g_string_append(m, ",mem-merge=off");
    if (kvm && def->cpu.model && def->cpu.mode != VIR_CPU_MODE_HOST_PASSTHROUGH)
        g_string_append_printf(m, ",max-cpu-compat=%s",
                               qemuCPUCompatName(def->cpu.model));
    if (f->htm)
        g_string_append_printf(m, ",cap-htm=%s",
                               virTristateSwitchTypeToString(f->htm));
    if (f->nestedHV)
        g_string_append_printf(m, ",cap-nested-hv=%s",
                               virTristateSwitchTypeToString(f->nestedHV));
    if (f->ccfAssist)
        g_string_append_printf(m, ",cap-ccf-assist=%s",
                               virTristateSwitchTypeToString(f->ccfAssist));
    if (f->cfpc)
        g_string_append_printf(m, ",cap-cfpc=%s",
                               virDomainCapValueTypeToString(f->cfpc));
    if (f->sbbc)
        g_string_append_printf(m, ",cap-sbbc=%s",
                               virDomainCapValueTypeToString(f->sbbc));
    if (f->ibs)
        g_string_append_printf(m, ",cap-ibs=%s", virDomainIBSTypeToString(f->ibs));
    if (f->hptMaxPageSize)
        g_string_append_printf(m, ",cap-hpt-max-page-size=%" G_GUINT64_FORMAT,
                               f->hptMaxPageSize * 1024);
    if (f->hptResizing)
        g_string_append_printf(m, ",resize-hpt=%s",
                               virDomainHPTResizingTypeToString(f->hptResizing));
    if (def->icMode)
        g_string_append_printf(m, ",ic-mode=%s",
                               virDomainICModeTypeToString(def->icMode));
    qemuArgv(argv, "-machine", m->str);
    g_string_free(m, TRUE);

    if (!def->cpu.present || def->cpu.mode == VIR_CPU_MODE_NONE) {
        if (def->cpu.model)
            qemuArgv(argv, "-cpu", kvm ? "host" : def->cpu.model);
    } else if (def->cpu.mode == VIR_CPU_MODE_CUSTOM && !kvm) {
        qemuArgv(argv, "-cpu", def->cpu.model);
    } else {
        qemuArgv(argv, "-cpu", "host");
    }
}

static void
qemuBuildMemoryBackend(GPtrArray *argv, const virDomainDef *def,
                       const qemuCommandConfig *cfg, const char *id,
                       guint64 kib, const char *nodeset, int mode,
                       gboolean share)
{
    gboolean file = FALSE;
    guint64 pagesize = 0;
    JsonBuilder *b;

    if (def->mem.hugepages->len)
        pagesize = g_array_index(def->mem.hugepages, virDomainHugePage, 0).size;
    if (def->mem.hasHugepages && def->mem.memfd) {
        b = qemuJSONNew("qom-type", "memory-backend-memfd");
        qemuJSONStr(b, "id", id);
        qemuJSONBool(b, "hugetlb", TRUE);
        if (pagesize)
            qemuJSONInt(b, "hugetlbsize", (gint64) pagesize * 1024);
        qemuJSONBool(b, "prealloc", TRUE);
    } else if (def->mem.hasHugepages) {
        g_autofree char *path = qemuDomainMemoryPath(def, cfg);
        b = qemuJSONNew("qom-type", "memory-backend-file");
        qemuJSONStr(b, "id", id);
        qemuJSONStr(b, "mem-path", path);
        qemuJSONBool(b, "prealloc", TRUE);
        file = TRUE;
    } else if (def->mem.source == 1) {
        g_autofree char *path = qemuDomainMemoryPath(def, cfg);
        b = qemuJSONNew("qom-type", "memory-backend-file");
        qemuJSONStr(b, "id", id);
        qemuJSONStr(b, "mem-path", path);
        file = TRUE;
    } else if (def->mem.memfd) {
        b = qemuJSONNew("qom-type", "memory-backend-memfd");
        qemuJSONStr(b, "id", id);
    } else {
        b = qemuJSONNew("qom-type", "memory-backend-ram");
        qemuJSONStr(b, "id", id);
    }
    if (share)
        qemuJSONBool(b, "share", TRUE);
    if (def->mem.prealloc && !def->mem.hasHugepages)
        qemuJSONBool(b, "prealloc", TRUE);
    if (def->mem.discard && file)
        qemuJSONBool(b, "discard-data", TRUE);
    qemuJSONInt(b, "size", (gint64) kib * 1024);
    /* 'restrictive' limits memory through cgroups only, not mbind */
    if (nodeset && mode != VIR_DOMAIN_NUMATUNE_MODE_RESTRICTIVE) {
        g_autoptr(GArray) nodes = virDomainCpuListExpand(nodeset, 1024, NULL);
        size_t i;

        json_builder_set_member_name(b, "host-nodes");
        json_builder_begin_array(b);
        for (i = 0; nodes && i < nodes->len; i++)
            json_builder_add_int_value(b, g_array_index(nodes, guint, i));
        json_builder_end_array(b);
        qemuJSONStr(b, "policy",
                    mode == VIR_DOMAIN_NUMATUNE_MODE_PREFERRED ? "preferred" :
                    mode == VIR_DOMAIN_NUMATUNE_MODE_INTERLEAVE ? "interleave" :
                    "bind");
    }
    qemuJSONFinish(argv, "-object", b);
}

static void
qemuBuildMemory(GPtrArray *argv, const virDomainDef *def,
                const qemuCommandConfig *cfg)
{
    const virDomainNumatune *nt = &def->numatune;
    size_t i;

    if (def->mem.maxMemory)
        qemuArgvf(argv, "-m", "size=%" G_GUINT64_FORMAT "k,slots=%u,maxmem=%"
                  G_GUINT64_FORMAT "k", def->mem.total, def->mem.slots,
                  def->mem.maxMemory);
    else
        qemuArgvf(argv, "-m", "size=%" G_GUINT64_FORMAT "k", def->mem.total);

    if (def->cpu.cells->len == 0) {
        qemuBuildMemoryBackend(argv, def, cfg, "ppc_spapr.ram",
                               def->mem.total, nt->nodeset, nt->mode,
                               def->mem.shared);
    } else {
        for (i = 0; i < def->cpu.cells->len; i++) {
            virDomainNumaCell *c = &g_array_index(def->cpu.cells,
                                                  virDomainNumaCell, i);
            g_autofree char *id = g_strdup_printf("ram-node%zu", i);
            const char *nodeset = nt->nodeset;
            int mode = nt->mode;
            size_t j;

            for (j = 0; j < nt->memnodes->len; j++) {
                virDomainNumatuneMemnode *mn =
                    &g_array_index(nt->memnodes, virDomainNumatuneMemnode, j);
                if (mn->cellid == c->id) {
                    nodeset = mn->nodeset;
                    mode = mn->mode;
                }
            }
            /* memAccess of the cell wins over <access mode=...> */
            qemuBuildMemoryBackend(argv, def, cfg, id, c->memory, nodeset,
                                   mode, c->memAccess ?
                                   g_str_equal(c->memAccess, "shared") :
                                   def->mem.access == 1);
        }
    }
    qemuArgv(argv, "-overcommit", def->mem.locked ? "mem-lock=on" :
                                                    "mem-lock=off");
}

static void
qemuBuildSmpNuma(GPtrArray *argv, const virDomainDef *def)
{
    const virCPUDef *cpu = &def->cpu;
    GString *smp = g_string_new(NULL);
    size_t i;

    g_string_append_printf(smp, "%u", def->vcpus);
    if (def->vcpus != def->maxvcpus)
        g_string_append_printf(smp, ",maxcpus=%u", def->maxvcpus);
    if (cpu->hasTopology)
        g_string_append_printf(smp, ",sockets=%u,cores=%u,threads=%u",
                               cpu->sockets, cpu->cores, cpu->threads);
    else
        g_string_append_printf(smp, ",sockets=%u,cores=1,threads=1",
                               def->maxvcpus);
    qemuArgv(argv, "-smp", smp->str);
    g_string_free(smp, TRUE);

    for (i = 0; i < cpu->cells->len; i++) {
        virDomainNumaCell *c = &g_array_index(cpu->cells, virDomainNumaCell, i);
        GString *n = g_string_new(NULL);

        g_string_append_printf(n, "node,nodeid=%u", c->id);
        if (c->cpus) {
            g_autoptr(GArray) cpus = virDomainCpuListExpand(c->cpus,
                                                            def->maxvcpus,
                                                            NULL);
            g_autofree char *ranges = cpus ?
                virDomainCpuListFormatRanges(cpus, ",cpus=") : NULL;
            if (ranges)
                g_string_append_printf(n, ",cpus=%s", ranges);
        }
        g_string_append_printf(n, ",memdev=ram-node%zu", i);
        qemuArgv(argv, "-numa", n->str);
        g_string_free(n, TRUE);
    }
}

/* ---- the whole command line ---- */

char *
qemuDomainMonitorPath(const virDomainDef *def, const qemuCommandConfig *cfg)
{
    return g_strdup_printf("%s/%s/monitor.sock",
                           cfg && cfg->runDir ? cfg->runDir :
                           QEMU_DEFAULT_RUN_DIR, def->name);
}

char *
qemuDomainMemoryPath(const virDomainDef *def, const qemuCommandConfig *cfg)
{
    if (def->mem.hasHugepages && !def->mem.memfd)
        return g_strdup_printf("%s/tcevirt/%s", cfg && cfg->hugepagesDir ?
                               cfg->hugepagesDir : QEMU_DEFAULT_HUGEPAGES_DIR,
                               def->name);
    if (!def->mem.hasHugepages && def->mem.source == 1)
        return g_strdup_printf("%s/%s", cfg && cfg->memoryDir ?
                               cfg->memoryDir : QEMU_DEFAULT_MEMORY_DIR,
                               def->name);
    return NULL;
}

char **
qemuBuildCommandLine(const virDomainDef *def, const qemuCommandConfig *cfgIn,
                     GError **errp)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    qemuCommandConfig cfg = {
        .runDir = QEMU_DEFAULT_RUN_DIR,
        .hugepagesDir = QEMU_DEFAULT_HUGEPAGES_DIR,
        .memoryDir = QEMU_DEFAULT_MEMORY_DIR,
    };
    g_autofree char *monitor = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (cfgIn && cfgIn->runDir)
        cfg.runDir = cfgIn->runDir;
    if (cfgIn && cfgIn->hugepagesDir)
        cfg.hugepagesDir = cfgIn->hugepagesDir;
    if (cfgIn) {
        cfg.monitorFd = cfgIn->monitorFd;
        cfg.chrFds = cfgIn->chrFds;
    }
    if (cfgIn && cfgIn->memoryDir)
        cfg.memoryDir = cfgIn->memoryDir;

    g_ptr_array_add(argv, g_strdup(def->emulator));
    {
        g_autofree char *name = qemuOptEscape(def->name);
        qemuArgvf(argv, "-name", "guest=%s,debug-threads=on", name);
    }
    qemuArgv(argv, "-S", NULL);
    qemuBuildMachine(argv, def);
    qemuBuildMemory(argv, def, &cfg);
    qemuBuildSmpNuma(argv, def);
    if (def->iothreads) {
        unsigned int i;
        for (i = 1; i <= def->iothreads; i++) {
            JsonBuilder *b = qemuJSONNew("qom-type", "iothread");
            g_autofree char *id = g_strdup_printf("iothread%u", i);
            qemuJSONStr(b, "id", id);
            qemuJSONFinish(argv, "-object", b);
        }
    }
    virUUIDFormat(def->uuid, uuid);
    qemuArgv(argv, "-uuid", uuid);
    qemuBuildGraphics(argv, def);
    qemuArgv(argv, "-no-user-config", NULL);
    qemuArgv(argv, "-nodefaults", NULL);
    monitor = qemuDomainMonitorPath(def, &cfg);
    if (cfg.monitorFd > 0) {
        qemuArgvf(argv, "-chardev", "socket,id=charmonitor,fd=%d,server=on,"
                  "wait=off", cfg.monitorFd);
    } else {
        g_autofree char *path = qemuOptEscape(monitor);
        qemuArgvf(argv, "-chardev", "socket,id=charmonitor,path=%s,server=on,"
                  "wait=off", path);
    }
    qemuArgv(argv, "-mon", "chardev=charmonitor,id=monitor,mode=control");
    qemuArgvf(argv, "-rtc", "base=%s",
              def->clockOffset == VIR_DOMAIN_CLOCK_OFFSET_LOCALTIME ?
              "localtime" : "utc");
    qemuArgv(argv, "-no-shutdown", NULL);
    if (def->onReboot == VIR_DOMAIN_LIFECYCLE_DESTROY)
        qemuArgv(argv, "-no-reboot", NULL);
    if (def->os.bootmenu == VIR_TRISTATE_BOOL_YES &&
        def->os.hasBootmenuTimeout)
        qemuArgvf(argv, "-boot", "menu=on,splash-time=%u,strict=on",
                  def->os.bootmenuTimeout);
    else
        qemuArgv(argv, "-boot", def->os.bootmenu == VIR_TRISTATE_BOOL_YES ?
                                "menu=on,strict=on" : "strict=on");
    if (def->os.kernel)
        qemuArgv(argv, "-kernel", def->os.kernel);
    if (def->os.initrd)
        qemuArgv(argv, "-initrd", def->os.initrd);
    if (def->os.cmdline)
        qemuArgv(argv, "-append", def->os.cmdline);

    if (!qemuBuildDevices(argv, def, cfg.chrFds, errp))
        return NULL;

    qemuArgv(argv, "-sandbox", "on,obsolete=deny,elevateprivileges=deny,"
                               "spawn=deny,resourcecontrol=deny");
    qemuArgv(argv, "-msg", "timestamp=on");
    g_ptr_array_add(argv, NULL);
    return (char **) g_ptr_array_free(g_steal_pointer(&argv), FALSE);
}

static gboolean
qemuArgNeedsQuote(const char *s)
{
    if (!*s)
        return TRUE;
    for (; *s; s++) {
        if (!g_ascii_isalnum(*s) && !strchr("_,=./:@+-%", *s))
            return TRUE;
    }
    return FALSE;
}

static void
qemuAppendQuoted(GString *buf, const char *s)
{
    if (!qemuArgNeedsQuote(s)) {
        g_string_append(buf, s);
        return;
    }
    g_string_append_c(buf, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            g_string_append(buf, "'\\''");
        else
            g_string_append_c(buf, *s);
    }
    g_string_append_c(buf, '\'');
}

char *
qemuCommandLineFormat(char *const *argv)
{
    GString *buf = g_string_new(NULL);
    size_t i;

    for (i = 0; argv[i]; i++) {
        if (i > 0)
            g_string_append(buf, argv[i][0] == '-' ? " \\\n" : " ");
        qemuAppendQuoted(buf, argv[i]);
    }
    g_string_append_c(buf, '\n');
    return g_string_free(buf, FALSE);
}
