/*
 * domain_parse.c: libvirt domain XML -> virDomainDef (top-level elements)
 *
 * The parser is strict: an element or attribute it does not know is an
 * error naming it, so nothing in a definition is silently dropped.
 */
#include <config.h>

#include <string.h>
#include <libxml/parser.h>

#include "domain_parse_priv.h"
#include "virerror.h"

gboolean
virDomainParseMemoryKiB(xmlNodePtr node, const char *const *attrs,
                        guint64 *kib, GError **errp)
{
    guint64 bytes;

    if (!virXMLCheckElement(node, attrs ? attrs : VIR_XML_LIST("unit"),
                            VIR_XML_NONE, TRUE, errp))
        return FALSE;
    if (!virXMLParseScaledInteger(node, "KiB", &bytes, errp))
        return FALSE;
    /* round up to whole KiB as libvirt does */
    *kib = bytes / 1024 + (bytes % 1024 ? 1 : 0);
    if (*kib > VIR_DOMAIN_MEMORY_MAX_KIB) {
        virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                          "<%s> of %" G_GUINT64_FORMAT " KiB is out of range "
                          "(maximum %llu KiB)", (const char *) node->name,
                          *kib, VIR_DOMAIN_MEMORY_MAX_KIB);
        return FALSE;
    }
    return TRUE;
}

static gboolean
virDomainParseText(xmlNodePtr node, char **out, GError **errp)
{
    if (!virXMLCheckElement(node, VIR_XML_NONE, VIR_XML_NONE, TRUE, errp))
        return FALSE;
    *out = virXMLNodeText(node);
    return TRUE;
}

static gboolean
virDomainParseMetadata(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    xmlBufferPtr buf = NULL;
    xmlDocPtr tmpdoc = NULL;
    xmlNodePtr copy;
    xmlNodePtr cur;

    if (node->properties) {
        virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                          "unsupported attribute '%s' on <metadata>",
                          (const char *) node->properties->name);
        return FALSE;
    }
    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type == XML_TEXT_NODE && !xmlIsBlankNode(cur)) {
            virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                              "unexpected text in <metadata>");
            return FALSE;
        }
        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (!cur->ns || !cur->ns->href) {
            virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                              "element <%s> in <metadata> needs its own XML "
                              "namespace", (const char *) cur->name);
            return FALSE;
        }
        if (g_str_equal((const char *) cur->ns->href, VIR_DOMAIN_TCEVIRT_NS)) {
            xmlNodePtr ic;

            if (!VIR_XML_IS(cur, "domain")) {
                virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                  "tcevirt metadata goes inside "
                                  "<tcevirt:domain>, not <%s>",
                                  (const char *) cur->name);
                return FALSE;
            }
            VIR_XML_FOREACH_CHILD(cur, ic) {
                g_autofree char *val = NULL;
                if (!ic->ns || !g_str_equal((const char *) ic->ns->href,
                                            VIR_DOMAIN_TCEVIRT_NS)) {
                    virXMLReportError(errp, ic, VIR_ERR_XML_ERROR,
                                      "element <%s> in <tcevirt:domain> must "
                                      "be in the tcevirt namespace %s",
                                      (const char *) ic->name,
                                      VIR_DOMAIN_TCEVIRT_NS);
                    return FALSE;
                }
                if (!VIR_XML_IS(ic, "ic-mode")) {
                    virXMLReportError(errp, ic, VIR_ERR_XML_ERROR,
                                      "unsupported element <tcevirt:%s> "
                                      "(supported: <tcevirt:ic-mode>)",
                                      (const char *) ic->name);
                    return FALSE;
                }
                val = virXMLNodeText(ic);
                if ((def->icMode = virDomainICModeTypeFromString(val)) <= 0) {
                    virXMLReportError(errp, ic, VIR_ERR_XML_ERROR,
                                      "invalid interrupt controller mode "
                                      "'%s' (expected 'xics', 'xive' or "
                                      "'dual')", val);
                    return FALSE;
                }
            }
        }
    }

    /* Serialize a standalone copy so namespaces declared on ancestors
     * are carried along (kept verbatim otherwise). */
    tmpdoc = xmlNewDoc(BAD_CAST "1.0");
    copy = xmlDocCopyNode(node, tmpdoc, 1);
    xmlDocSetRootElement(tmpdoc, copy);
    buf = xmlBufferCreate();
    xmlNodeDump(buf, tmpdoc, copy, 0, 0);
    def->metadata = g_strdup((const char *) xmlBufferContent(buf));
    xmlBufferFree(buf);
    xmlFreeDoc(tmpdoc);
    return TRUE;
}

static gboolean
virDomainParseMemoryBacking(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    xmlNodePtr cur;

    const char *const children[] = { "hugepages", "nosharepages", "locked",
                                     "source", "access", "allocation",
                                     "discard", NULL };

    if (!virXMLCheckElement(node, VIR_XML_NONE, children, FALSE, errp) ||
        !virXMLCheckSingletons(node, children, errp))
        return FALSE;

    VIR_XML_FOREACH_CHILD(node, cur) {
        if (VIR_XML_IS(cur, "source") || VIR_XML_IS(cur, "access") ||
            VIR_XML_IS(cur, "allocation")) {
            const char *attr = VIR_XML_IS(cur, "source") ? "type" : "mode";
            g_autofree char *val = NULL;
            const char *const *values =
                VIR_XML_IS(cur, "source") ?
                VIR_XML_LIST("anonymous", "file", "memfd") :
                VIR_XML_IS(cur, "access") ? VIR_XML_LIST("", "shared", "private") :
                VIR_XML_LIST("", "immediate", "ondemand");
            int *out = VIR_XML_IS(cur, "source") ? &def->mem.source :
                       VIR_XML_IS(cur, "access") ? &def->mem.access :
                       &def->mem.allocation;
            int i;

            if (!virXMLCheckElement(cur, VIR_XML_LIST(attr), VIR_XML_NONE,
                                    FALSE, errp))
                return FALSE;
            val = virXMLPropString(cur, attr);
            for (i = 0; values[i]; i++) {
                if (val && *values[i] && g_str_equal(val, values[i]))
                    break;
            }
            if (!values[i]) {
                virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                  "invalid value '%s' for attribute '%s' of "
                                  "<%s>", val ? val : "", attr,
                                  (const char *) cur->name);
                return FALSE;
            }
            *out = i;
            if (VIR_XML_IS(cur, "source"))
                def->mem.hasSource = TRUE;
        } else if (VIR_XML_IS(cur, "discard")) {
            if (!virXMLCheckElement(cur, VIR_XML_NONE, VIR_XML_NONE, FALSE,
                                    errp))
                return FALSE;
            def->mem.discard = TRUE;
        } else if (VIR_XML_IS(cur, "locked") || VIR_XML_IS(cur, "nosharepages")) {
            if (!virXMLCheckElement(cur, VIR_XML_NONE, VIR_XML_NONE, FALSE,
                                    errp))
                return FALSE;
            if (VIR_XML_IS(cur, "locked"))
                def->mem.locked = TRUE;
            else
                def->mem.nosharepages = TRUE;
        } else if (VIR_XML_IS(cur, "hugepages")) {
            xmlNodePtr page;

            if (!virXMLCheckElement(cur, VIR_XML_NONE, VIR_XML_LIST("page"),
                                    FALSE, errp))
                return FALSE;
            def->mem.hasHugepages = TRUE;
            VIR_XML_FOREACH_CHILD(cur, page) {
                virDomainHugePage hp = { 0 };
                g_autofree char *size = NULL;
                g_autofree char *unit = NULL;
                guint64 scale;
                guint64 v;

                if (!virXMLCheckElement(page, VIR_XML_LIST("size", "unit",
                                                           "nodeset"),
                                        VIR_XML_NONE, FALSE, errp))
                    return FALSE;
                if (!(size = virXMLPropString(page, "size"))) {
                    virXMLReportError(errp, page, VIR_ERR_XML_ERROR,
                                      "missing attribute 'size' in <page>");
                    return FALSE;
                }
                unit = virXMLPropString(page, "unit");
                if (!virScaleUnit(unit ? unit : "KiB", &scale)) {
                    virXMLReportError(errp, page, VIR_ERR_XML_ERROR,
                                      "unknown unit '%s' in <page>", unit);
                    return FALSE;
                }
                if (!virXMLParseUInt64(page, "page size", size, 10,
                                       G_MAXUINT64 / scale, &v, errp))
                    return FALSE;
                hp.size = v * scale / 1024;
                if (hp.size == 0) {
                    virXMLReportError(errp, page, VIR_ERR_XML_ERROR,
                                      "hugepage size '%s' is smaller than "
                                      "1 KiB", size);
                    return FALSE;
                }
                hp.nodeset = virXMLPropString(page, "nodeset");
                g_array_append_val(def->mem.hugepages, hp);
            }
        }
    }
    return TRUE;
}

static gboolean
virDomainParseMemtune(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    xmlNodePtr hard;

    if (!virXMLCheckElement(node, VIR_XML_NONE, VIR_XML_LIST("hard_limit"),
                            FALSE, errp) ||
        !virXMLCheckSingletons(node, VIR_XML_LIST("hard_limit"), errp))
        return FALSE;
    if ((hard = virXMLChild(node, "hard_limit"))) {
        if (!virDomainParseMemoryKiB(hard, NULL, &def->mem.hardLimit, errp))
            return FALSE;
        if (def->mem.hardLimit == 0) {
            virXMLReportError(errp, hard, VIR_ERR_XML_ERROR,
                              "<hard_limit> must be larger than 0");
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
virDomainParseVcpu(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    g_autofree char *placement = NULL;
    gboolean hasCurrent = FALSE;

    if (!virXMLCheckElement(node, VIR_XML_LIST("placement", "cpuset",
                                               "current"),
                            VIR_XML_NONE, TRUE, errp))
        return FALSE;
    if (!virXMLNodeTextUInt(node, 16384, &def->maxvcpus, errp))
        return FALSE;
    if (!virXMLPropUInt(node, "current", 10, 16384, FALSE, &def->vcpus,
                        &hasCurrent, errp))
        return FALSE;
    if (!hasCurrent)
        def->vcpus = def->maxvcpus;
    def->cpuset = virXMLPropString(node, "cpuset");
    if ((placement = virXMLPropString(node, "placement"))) {
        if (g_str_equal(placement, "static")) {
            def->vcpuPlacement = 1;
        } else if (g_str_equal(placement, "auto")) {
            def->vcpuPlacement = 2;
        } else {
            virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                              "invalid value '%s' for attribute 'placement' "
                              "of <vcpu> (expected 'static' or 'auto')",
                              placement);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
virDomainParseCputune(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    virDomainCputune *tune = &def->cputune;
    xmlNodePtr cur;

    if (!virXMLCheckElement(node, VIR_XML_NONE,
                            VIR_XML_LIST("shares", "period", "quota",
                                         "vcpupin", "emulatorpin",
                                         "iothreadpin"),
                            FALSE, errp) ||
        !virXMLCheckSingletons(node, VIR_XML_LIST("shares", "period",
                                                  "quota", "emulatorpin"),
                               errp))
        return FALSE;

    VIR_XML_FOREACH_CHILD(node, cur) {
        g_autofree char *text = NULL;

        if (VIR_XML_IS(cur, "vcpupin") || VIR_XML_IS(cur, "iothreadpin")) {
            gboolean vcpu = VIR_XML_IS(cur, "vcpupin");
            const char *idattr = vcpu ? "vcpu" : "iothread";
            virDomainVcpuPin pin = { 0 };

            if (!virXMLCheckElement(cur, VIR_XML_LIST(idattr, "cpuset"),
                                    VIR_XML_NONE, FALSE, errp) ||
                !virXMLPropUInt(cur, idattr, 10, 16383, TRUE, &pin.vcpu,
                                NULL, errp))
                return FALSE;
            if (!(pin.cpuset = virXMLPropString(cur, "cpuset"))) {
                virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                  "missing attribute 'cpuset' in <%s>",
                                  (const char *) cur->name);
                return FALSE;
            }
            g_array_append_val(vcpu ? tune->vcpupins : tune->iothreadpins,
                               pin);
            continue;
        }
        if (VIR_XML_IS(cur, "emulatorpin")) {
            if (!virXMLCheckElement(cur, VIR_XML_LIST("cpuset"), VIR_XML_NONE,
                                    FALSE, errp))
                return FALSE;
            if (!(tune->emulatorpin = virXMLPropString(cur, "cpuset"))) {
                virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                  "missing attribute 'cpuset' in "
                                  "<emulatorpin>");
                return FALSE;
            }
            continue;
        }
        if (!virDomainParseText(cur, &text, errp))
            return FALSE;
        if (VIR_XML_IS(cur, "shares")) {
            if (!virXMLParseUInt64(cur, "value", text, 10, 262144,
                                   &tune->shares, errp))
                return FALSE;
            tune->hasShares = TRUE;
        } else if (VIR_XML_IS(cur, "period")) {
            if (!virXMLParseUInt64(cur, "value", text, 10, 1000000,
                                   &tune->period, errp))
                return FALSE;
            if (tune->period < 1000) {
                virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                  "<period> must be 1000-1000000 "
                                  "microseconds, not %s", text);
                return FALSE;
            }
            tune->hasPeriod = TRUE;
        } else {
            guint64 v;
            gboolean neg = text[0] == '-';

            if (!virXMLParseUInt64(cur, "value", text + (neg ? 1 : 0), 10,
                                   17592186044415ULL, &v, errp))
                return FALSE;
            tune->quota = neg ? -(gint64) v : (gint64) v;
            if ((neg && v != 1) || (!neg && v < 1000)) {
                virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                  "<quota> must be -1 (no limit) or at "
                                  "least 1000 microseconds, not %s", text);
                return FALSE;
            }
            tune->hasQuota = TRUE;
        }
    }
    return TRUE;
}

static gboolean
virDomainParseNumatune(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    virDomainNumatune *nt = &def->numatune;
    xmlNodePtr cur;

    if (!virXMLCheckElement(node, VIR_XML_NONE,
                            VIR_XML_LIST("memory", "memnode"), FALSE, errp) ||
        !virXMLCheckSingletons(node, VIR_XML_LIST("memory"), errp))
        return FALSE;
    nt->present = TRUE;
    VIR_XML_FOREACH_CHILD(node, cur) {
        if (VIR_XML_IS(cur, "memory")) {
            if (!virXMLCheckElement(cur, VIR_XML_LIST("mode", "nodeset"),
                                    VIR_XML_NONE, FALSE, errp) ||
                !virXMLPropEnum(cur, "mode", virDomainNumatuneMode, FALSE,
                                FALSE, &nt->mode, errp))
                return FALSE;
            nt->nodeset = virXMLPropString(cur, "nodeset");
        } else {
            virDomainNumatuneMemnode mn = { 0 };

            if (!virXMLCheckElement(cur, VIR_XML_LIST("cellid", "mode",
                                                      "nodeset"),
                                    VIR_XML_NONE, FALSE, errp) ||
                !virXMLPropUInt(cur, "cellid", 10, 255, TRUE, &mn.cellid,
                                NULL, errp) ||
                !virXMLPropEnum(cur, "mode", virDomainNumatuneMode, FALSE,
                                FALSE, &mn.mode, errp))
                return FALSE;
            if (!(mn.nodeset = virXMLPropString(cur, "nodeset"))) {
                virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                  "missing attribute 'nodeset' in <memnode>");
                return FALSE;
            }
            g_array_append_val(nt->memnodes, mn);
        }
    }
    return TRUE;
}

static gboolean
virDomainParseCPU(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    virCPUDef *cpu = &def->cpu;
    xmlNodePtr cur;

    if (!virXMLCheckElement(node, VIR_XML_LIST("mode", "match", "check"),
                            VIR_XML_LIST("model", "topology", "numa"),
                            FALSE, errp) ||
        !virXMLCheckSingletons(node, VIR_XML_LIST("model", "topology",
                                                  "numa"), errp) ||
        !virXMLPropEnum(node, "mode", virCPUMode, FALSE, FALSE, &cpu->mode,
                        errp))
        return FALSE;
    cpu->present = TRUE;
    cpu->match = virXMLPropString(node, "match");
    cpu->check = virXMLPropString(node, "check");

    VIR_XML_FOREACH_CHILD(node, cur) {
        if (VIR_XML_IS(cur, "model")) {
            if (!virXMLCheckElement(cur, VIR_XML_LIST("fallback"),
                                    VIR_XML_NONE, TRUE, errp))
                return FALSE;
            cpu->model = virXMLNodeText(cur);
            if (!*cpu->model)
                g_clear_pointer(&cpu->model, g_free);
            cpu->fallback = virXMLPropString(cur, "fallback");
        } else if (VIR_XML_IS(cur, "topology")) {
            cpu->dies = 1;
            if (!virXMLCheckElement(cur, VIR_XML_LIST("sockets", "dies",
                                                      "clusters", "cores",
                                                      "threads"),
                                    VIR_XML_NONE, FALSE, errp) ||
                !virXMLPropUInt(cur, "sockets", 10, 16384, TRUE,
                                &cpu->sockets, NULL, errp) ||
                !virXMLPropUInt(cur, "dies", 10, 16384, FALSE, &cpu->dies,
                                NULL, errp) ||
                !virXMLPropUInt(cur, "cores", 10, 16384, TRUE, &cpu->cores,
                                NULL, errp) ||
                !virXMLPropUInt(cur, "threads", 10, 16384, TRUE,
                                &cpu->threads, NULL, errp))
                return FALSE;
            if (xmlHasProp(cur, BAD_CAST "clusters")) {
                unsigned int clusters = 1;
                if (!virXMLPropUInt(cur, "clusters", 10, 1, FALSE, &clusters,
                                    NULL, errp))
                    return FALSE;
            }
            cpu->hasTopology = TRUE;
        } else {
            xmlNodePtr cell;

            if (!virXMLCheckElement(cur, VIR_XML_NONE, VIR_XML_LIST("cell"),
                                    FALSE, errp))
                return FALSE;
            VIR_XML_FOREACH_CHILD(cur, cell) {
                virDomainNumaCell c = { 0 };
                g_autofree char *mem = NULL;
                g_autofree char *unit = NULL;
                guint64 scale;
                guint64 v;

                if (!virXMLCheckElement(cell, VIR_XML_LIST("id", "cpus",
                                                           "memory", "unit",
                                                           "memAccess"),
                                        VIR_XML_NONE, FALSE, errp) ||
                    !virXMLPropUInt(cell, "id", 10, 255, TRUE, &c.id, NULL,
                                    errp))
                    return FALSE;
                unit = virXMLPropString(cell, "unit");
                mem = virXMLPropString(cell, "memory");
                if (!mem || !virScaleUnit(unit ? unit : "KiB", &scale)) {
                    virXMLReportError(errp, cell, VIR_ERR_XML_ERROR,
                                      mem ? "unknown unit '%s' in <cell>" :
                                      "missing attribute 'memory' in <cell>",
                                      unit);
                    return FALSE;
                }
                if (!virXMLParseUInt64(cell, "memory size", mem, 10,
                                       (VIR_DOMAIN_MEMORY_MAX_KIB * 1024) /
                                       scale, &v, errp))
                    return FALSE;
                c.memory = v * scale / 1024;
                c.cpus = virXMLPropString(cell, "cpus");
                c.memAccess = virXMLPropString(cell, "memAccess");
                if (c.memAccess && !g_str_equal(c.memAccess, "shared") &&
                    !g_str_equal(c.memAccess, "private")) {
                    virXMLReportError(errp, cell, VIR_ERR_XML_ERROR,
                                      "invalid memAccess '%s' (expected "
                                      "'shared' or 'private')", c.memAccess);
                    g_free(c.cpus);
                    g_free(c.memAccess);
                    return FALSE;
                }
                g_array_append_val(cpu->cells, c);
            }
        }
    }
    return TRUE;
}

static gboolean
virDomainParseOS(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    xmlNodePtr cur;

    if (!virXMLCheckElement(node, VIR_XML_NONE,
                            VIR_XML_LIST("type", "kernel", "initrd",
                                         "cmdline", "boot", "bootmenu"),
                            FALSE, errp) ||
        !virXMLCheckSingletons(node, VIR_XML_LIST("type", "kernel", "initrd",
                                                  "cmdline", "bootmenu"),
                               errp))
        return FALSE;

    VIR_XML_FOREACH_CHILD(node, cur) {
        if (VIR_XML_IS(cur, "type")) {
            g_autofree char *text = NULL;

            g_autofree char *arch = virXMLPropString(cur, "arch");

            if (!virXMLCheckElement(cur, VIR_XML_LIST("arch", "machine"),
                                    VIR_XML_NONE, TRUE, errp))
                return FALSE;
            if (arch && (def->os.arch = virArchTypeFromString(arch)) <= 0) {
                virXMLReportError(errp, cur, VIR_ERR_CONFIG_UNSUPPORTED,
                                  "architecture '%s' is not supported: "
                                  "tcevirt runs pseries guests (arch='ppc64' "
                                  "or 'ppc64le')", arch);
                return FALSE;
            }
            text = virXMLNodeText(cur);
            if (!g_str_equal(text, "hvm")) {
                virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                  "OS type '%s' is not supported; pseries "
                                  "guests use <type>hvm</type>", text);
                return FALSE;
            }
            def->os.machine = virXMLPropString(cur, "machine");
        } else if (VIR_XML_IS(cur, "kernel")) {
            if (!virDomainParseText(cur, &def->os.kernel, errp))
                return FALSE;
        } else if (VIR_XML_IS(cur, "initrd")) {
            if (!virDomainParseText(cur, &def->os.initrd, errp))
                return FALSE;
        } else if (VIR_XML_IS(cur, "cmdline")) {
            if (!virXMLCheckElement(cur, VIR_XML_NONE, VIR_XML_NONE, TRUE,
                                    errp))
                return FALSE;
            def->os.cmdline = virXMLNodeText(cur);
        } else if (VIR_XML_IS(cur, "bootmenu")) {
            if (!virXMLCheckElement(cur, VIR_XML_LIST("enable", "timeout"),
                                    VIR_XML_NONE, FALSE, errp) ||
                !virXMLPropEnum(cur, "enable", virTristateBool, FALSE, TRUE,
                                &def->os.bootmenu, errp) ||
                !virXMLPropUInt(cur, "timeout", 10, 65535, FALSE,
                                &def->os.bootmenuTimeout,
                                &def->os.hasBootmenuTimeout, errp))
                return FALSE;
        } else {
            int dev = 0;
            size_t i;

            if (!virXMLCheckElement(cur, VIR_XML_LIST("dev"), VIR_XML_NONE,
                                    FALSE, errp) ||
                !virXMLPropEnum(cur, "dev", virDomainBootDev, TRUE, TRUE,
                                &dev, errp))
                return FALSE;
            for (i = 0; i < def->os.nBootDevs; i++) {
                if (def->os.bootDevs[i] == dev) {
                    virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                      "boot device '%s' is listed twice",
                                      virDomainBootDevTypeToString(dev));
                    return FALSE;
                }
            }
            def->os.bootDevs[def->os.nBootDevs++] = dev;
        }
    }
    return TRUE;
}

static gboolean
virDomainParseFeatureState(xmlNodePtr node, int *state, GError **errp)
{
    if (!virXMLCheckElement(node, VIR_XML_LIST("state"), VIR_XML_NONE,
                            FALSE, errp) ||
        !virXMLPropEnum(node, "state", virTristateSwitch, FALSE, TRUE,
                        state, errp))
        return FALSE;
    return TRUE;
}

static gboolean
virDomainParseFeatures(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    virDomainFeatures *f = &def->features;
    const char *const names[] = { "htm", "nested-hv", "ccf-assist", "cfpc",
                                  "sbbc", "ibs", "hpt", "acpi", "apic",
                                  "pmu", "kvm", NULL };
    xmlNodePtr cur;

    if (!virXMLCheckElement(node, VIR_XML_NONE, names, FALSE, errp) ||
        !virXMLCheckSingletons(node, names, errp))
        return FALSE;
    f->present = TRUE;

    VIR_XML_FOREACH_CHILD(node, cur) {
        gboolean ok = TRUE;

        if (VIR_XML_IS(cur, "acpi") || VIR_XML_IS(cur, "apic")) {
            /* written by OpenStack Nova for every guest; pseries has no
             * ACPI, so they are kept in the XML and have no effect */
            ok = virXMLCheckElement(cur, VIR_XML_NONE, VIR_XML_NONE, FALSE,
                                    errp);
            if (VIR_XML_IS(cur, "acpi"))
                f->acpi = TRUE;
            else
                f->apic = TRUE;
        } else if (VIR_XML_IS(cur, "kvm")) {
            /* x86 (hide KVM from the guest); kept, no effect on pseries */
            xmlNodePtr hidden;
            ok = virXMLCheckElement(cur, VIR_XML_NONE, VIR_XML_LIST("hidden"),
                                    FALSE, errp) &&
                 virXMLCheckSingletons(cur, VIR_XML_LIST("hidden"), errp);
            if (ok && (hidden = virXMLChild(cur, "hidden")))
                ok = virDomainParseFeatureState(hidden, &f->kvmHidden, errp);
        } else if (VIR_XML_IS(cur, "pmu")) {
            ok = virDomainParseFeatureState(cur, &f->pmu, errp);
        } else if (VIR_XML_IS(cur, "htm")) {
            ok = virDomainParseFeatureState(cur, &f->htm, errp);
        } else if (VIR_XML_IS(cur, "nested-hv")) {
            ok = virDomainParseFeatureState(cur, &f->nestedHV, errp);
        } else if (VIR_XML_IS(cur, "ccf-assist")) {
            ok = virDomainParseFeatureState(cur, &f->ccfAssist, errp);
        } else if (VIR_XML_IS(cur, "cfpc") || VIR_XML_IS(cur, "sbbc")) {
            ok = virXMLCheckElement(cur, VIR_XML_LIST("value"), VIR_XML_NONE,
                                    FALSE, errp) &&
                 virXMLPropEnum(cur, "value", virDomainCapValue, FALSE, TRUE,
                                VIR_XML_IS(cur, "cfpc") ? &f->cfpc : &f->sbbc,
                                errp);
        } else if (VIR_XML_IS(cur, "ibs")) {
            ok = virXMLCheckElement(cur, VIR_XML_LIST("value"), VIR_XML_NONE,
                                    FALSE, errp) &&
                 virXMLPropEnum(cur, "value", virDomainIBS, FALSE, TRUE,
                                &f->ibs, errp);
        } else {
            xmlNodePtr mps;

            f->hasHPT = TRUE;
            ok = virXMLCheckElement(cur, VIR_XML_LIST("resizing"),
                                    VIR_XML_LIST("maxpagesize"), FALSE,
                                    errp) &&
                 virXMLCheckSingletons(cur, VIR_XML_LIST("maxpagesize"),
                                       errp) &&
                 virXMLPropEnum(cur, "resizing", virDomainHPTResizing, FALSE,
                                FALSE, &f->hptResizing, errp);
            if (ok && (mps = virXMLChild(cur, "maxpagesize"))) {
                ok = virDomainParseMemoryKiB(mps, NULL, &f->hptMaxPageSize, errp);
                if (ok && (f->hptMaxPageSize < 4 ||
                           (f->hptMaxPageSize & (f->hptMaxPageSize - 1)))) {
                    virXMLReportError(errp, mps, VIR_ERR_XML_ERROR,
                                      "HPT maximum page size must be a power "
                                      "of two of at least 4 KiB, not %"
                                      G_GUINT64_FORMAT " KiB",
                                      f->hptMaxPageSize);
                    ok = FALSE;
                }
            }
        }
        if (!ok)
            return FALSE;
    }
    return TRUE;
}

static gboolean
virDomainParseClock(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    xmlNodePtr timer;

    if (!virXMLCheckElement(node, VIR_XML_LIST("offset"),
                            VIR_XML_LIST("timer"), FALSE, errp) ||
        !virXMLPropEnum(node, "offset", virDomainClockOffset, TRUE, FALSE,
                        &def->clockOffset, errp))
        return FALSE;
    def->hasClock = TRUE;
    /* timers are x86 concepts (pit, rtc, hpet...) that Nova writes for
     * every guest; they are kept and have no effect on pseries */
    VIR_XML_FOREACH_CHILD(node, timer) {
        g_autofree char *name = NULL;
        g_autofree char *tick = NULL;
        g_autofree char *present = NULL;

        if (!virXMLCheckElement(timer, VIR_XML_LIST("name", "tickpolicy",
                                                    "present"),
                                VIR_XML_NONE, FALSE, errp))
            return FALSE;
        name = virXMLPropString(timer, "name");
        tick = virXMLPropString(timer, "tickpolicy");
        present = virXMLPropString(timer, "present");
        if (!name || strchr(name, '\t') || (tick && strchr(tick, '\t')) ||
            (present && strchr(present, '\t'))) {
            virXMLReportError(errp, timer, VIR_ERR_XML_ERROR,
                              "<timer> needs a 'name' attribute");
            return FALSE;
        }
        g_ptr_array_add(def->timers,
                        g_strdup_printf("%s\t%s\t%s", name, tick ? tick : "",
                                        present ? present : ""));
    }
    return TRUE;
}

/* host perf counters Nova can enable; kept in the definition */
static gboolean
virDomainParsePerf(xmlNodePtr node, virDomainDef *def, GError **errp)
{
    xmlNodePtr ev;

    if (!virXMLCheckElement(node, VIR_XML_NONE, VIR_XML_LIST("event"), FALSE,
                            errp))
        return FALSE;
    VIR_XML_FOREACH_CHILD(node, ev) {
        g_autofree char *name = NULL;
        int enabled = 0;

        if (!virXMLCheckElement(ev, VIR_XML_LIST("name", "enabled"),
                                VIR_XML_NONE, FALSE, errp) ||
            !virXMLPropEnum(ev, "enabled", virTristateBool, FALSE, TRUE,
                            &enabled, errp))
            return FALSE;
        name = virXMLPropString(ev, "name");
        if (!name || !*name || strchr(name, '\t')) {
            virXMLReportError(errp, ev, VIR_ERR_XML_ERROR,
                              "<event> needs a 'name' attribute");
            return FALSE;
        }
        g_ptr_array_add(def->perfEvents,
                        g_strdup_printf("%s\t%s", name,
                                        virTristateBoolTypeToString(enabled)));
    }
    return TRUE;
}

static gboolean
virDomainParseLifecycle(xmlNodePtr node, int *action, GError **errp)
{
    g_autofree char *text = NULL;

    if (!virDomainParseText(node, &text, errp))
        return FALSE;
    if ((*action = virDomainLifecycleActionTypeFromString(text)) <= 0) {
        virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                          "invalid action '%s' in <%s> (expected destroy, "
                          "restart, preserve, rename-restart, "
                          "coredump-destroy or coredump-restart)",
                          text, (const char *) node->name);
        return FALSE;
    }
    return TRUE;
}

static gboolean
virDomainDefParseNode(xmlNodePtr root, virDomainDef *def, GError **errp)
{
    const char *const singles[] = {
        "name", "uuid", "title", "description", "metadata", "maxMemory",
        "memory", "currentMemory", "memoryBacking", "memtune", "vcpu",
        "cputune", "numatune", "cpu", "os", "features", "clock", "iothreads",
        "perf",
        "on_poweroff", "on_reboot", "on_crash", "devices", NULL
    };
    xmlNodePtr cur;
    gboolean hasUUID = FALSE;

    if (!g_str_equal((const char *) root->name, "domain")) {
        virXMLReportError(errp, root, VIR_ERR_XML_ERROR,
                          "expected a <domain> document, found <%s>",
                          (const char *) root->name);
        return FALSE;
    }
    if (!virXMLCheckElement(root, VIR_XML_LIST("type", "id"), singles,
                            FALSE, errp) ||
        !virXMLCheckSingletons(root, singles, errp) ||
        !virXMLPropEnum(root, "type", virDomainVirt, FALSE, TRUE,
                        &def->virtType, errp))
        return FALSE;

    VIR_XML_FOREACH_CHILD(root, cur) {
        gboolean ok = TRUE;

        if (VIR_XML_IS(cur, "name")) {
            ok = virDomainParseText(cur, &def->name, errp);
        } else if (VIR_XML_IS(cur, "uuid")) {
            g_autofree char *text = NULL;

            ok = virDomainParseText(cur, &text, errp);
            if (ok && !virUUIDParse(text, def->uuid)) {
                virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                  "malformed UUID '%s'", text);
                ok = FALSE;
            }
            hasUUID = TRUE;
        } else if (VIR_XML_IS(cur, "title")) {
            ok = virDomainParseText(cur, &def->title, errp);
            if (ok && strchr(def->title, '\n')) {
                virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                  "<title> must be a single line");
                ok = FALSE;
            }
        } else if (VIR_XML_IS(cur, "description")) {
            if ((ok = virXMLCheckElement(cur, VIR_XML_NONE, VIR_XML_NONE,
                                         TRUE, errp))) {
                xmlChar *content = xmlNodeGetContent(cur);
                def->description = g_strdup((const char *) content);
                xmlFree(content);
            }
        } else if (VIR_XML_IS(cur, "metadata")) {
            ok = virDomainParseMetadata(cur, def, errp);
        } else if (VIR_XML_IS(cur, "maxMemory")) {
            ok = virDomainParseMemoryKiB(cur, VIR_XML_LIST("slots", "unit"),
                                         &def->mem.maxMemory, errp) &&
                 virXMLPropUInt(cur, "slots", 10, 4096, FALSE,
                                &def->mem.slots, NULL, errp);
        } else if (VIR_XML_IS(cur, "memory")) {
            ok = virDomainParseMemoryKiB(cur, NULL, &def->mem.total, errp);
        } else if (VIR_XML_IS(cur, "currentMemory")) {
            ok = virDomainParseMemoryKiB(cur, NULL, &def->mem.current, errp);
        } else if (VIR_XML_IS(cur, "memoryBacking")) {
            ok = virDomainParseMemoryBacking(cur, def, errp);
        } else if (VIR_XML_IS(cur, "memtune")) {
            ok = virDomainParseMemtune(cur, def, errp);
        } else if (VIR_XML_IS(cur, "vcpu")) {
            ok = virDomainParseVcpu(cur, def, errp);
        } else if (VIR_XML_IS(cur, "perf")) {
            ok = virDomainParsePerf(cur, def, errp);
        } else if (VIR_XML_IS(cur, "iothreads")) {
            ok = virXMLCheckElement(cur, VIR_XML_NONE, VIR_XML_NONE, TRUE,
                                    errp) &&
                 virXMLNodeTextUInt(cur, 64, &def->iothreads, errp);
        } else if (VIR_XML_IS(cur, "cputune")) {
            ok = virDomainParseCputune(cur, def, errp);
        } else if (VIR_XML_IS(cur, "numatune")) {
            ok = virDomainParseNumatune(cur, def, errp);
        } else if (VIR_XML_IS(cur, "cpu")) {
            ok = virDomainParseCPU(cur, def, errp);
        } else if (VIR_XML_IS(cur, "os")) {
            ok = virDomainParseOS(cur, def, errp);
        } else if (VIR_XML_IS(cur, "features")) {
            ok = virDomainParseFeatures(cur, def, errp);
        } else if (VIR_XML_IS(cur, "clock")) {
            ok = virDomainParseClock(cur, def, errp);
        } else if (VIR_XML_IS(cur, "on_poweroff")) {
            ok = virDomainParseLifecycle(cur, &def->onPoweroff, errp);
        } else if (VIR_XML_IS(cur, "on_reboot")) {
            ok = virDomainParseLifecycle(cur, &def->onReboot, errp);
        } else if (VIR_XML_IS(cur, "on_crash")) {
            ok = virDomainParseLifecycle(cur, &def->onCrash, errp);
        } else if (VIR_XML_IS(cur, "devices")) {
            ok = virDomainDevicesParse(cur, def, errp);
        }
        if (!ok)
            return FALSE;
    }

    if (!def->name || !*def->name) {
        virXMLReportError(errp, root, VIR_ERR_XML_ERROR,
                          "the domain has no <name>");
        return FALSE;
    }
    if (!virXMLChild(root, "memory")) {
        virXMLReportError(errp, root, VIR_ERR_XML_ERROR,
                          "domain '%s' has no <memory> element", def->name);
        return FALSE;
    }
    if (!virXMLChild(root, "os")) {
        virXMLReportError(errp, root, VIR_ERR_XML_ERROR,
                          "domain '%s' has no <os> element; pseries guests "
                          "need <os><type arch='ppc64le' machine='pseries'>"
                          "hvm</type></os>", def->name);
        return FALSE;
    }
    if (!virXMLChild(root, "vcpu"))
        def->maxvcpus = def->vcpus = 1;
    if (!hasUUID) {
        virUUIDGenerate(def->uuid);
        def->uuidGenerated = TRUE;
    }
    return TRUE;
}

virDomainDef *
virDomainDefParseString(const char *xml, size_t len, const char *filename,
                        GError **errp)
{
    g_autoptr(virDomainDef) def = NULL;
    xmlDocPtr doc;

    if (!(doc = virXMLParseString(xml, len, filename, errp)))
        return NULL;
    def = virDomainDefNew();
    if (!virDomainDefParseNode(xmlDocGetRootElement(doc), def, errp))
        g_clear_pointer(&def, virDomainDefFree);
    xmlFreeDoc(doc);
    return g_steal_pointer(&def);
}

virDomainDef *
virDomainDefParseFile(const char *path, GError **errp)
{
    g_autofree char *xml = NULL;
    g_autoptr(GError) lerr = NULL;
    gsize len;

    if (!g_file_get_contents(path, &xml, &len, &lerr)) {
        virReportError(errp, VIR_ERR_OPEN_FAILED,
                       "cannot read domain XML file: %s", lerr->message);
        return NULL;
    }
    return virDomainDefParseString(xml, len, path, errp);
}
