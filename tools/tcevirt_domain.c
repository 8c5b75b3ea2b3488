/*
 * tcevirt_domain.c: defined domains: define, undefine, dumpxml, list,
 * dominfo, domstate
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "tcevirt.h"
#include "qemu_driver.h"
#include "qemu_process.h"
#include "qemu_tce.h"
#include "virerror.h"
#include "viruuid.h"

/* Parses VERB [--flag...] DOMAIN; @flags lists the accepted flags and
 * @set receives which were given */
static const char *
tcevirtDomainArgs(const char *verb, int argc, char **argv,
                  const char *const *flags, gboolean *set, gboolean needArg,
                  int *rc)
{
    const char *arg = NULL;
    int i;
    size_t f;

    for (i = 1; i < argc; i++) {
        gboolean known = FALSE;

        for (f = 0; flags && flags[f]; f++) {
            if (g_str_equal(argv[i], flags[f])) {
                set[f] = known = TRUE;
            }
        }
        if (known)
            continue;
        if (argv[i][0] == '-' && argv[i][1]) {
            *rc = tcevirtUsageError(verb, "unknown option '%s'", argv[i]);
            return NULL;
        }
        if (arg) {
            *rc = tcevirtUsageError(verb, "unexpected argument '%s'", argv[i]);
            return NULL;
        }
        arg = argv[i];
    }
    if (!arg && needArg) {
        *rc = tcevirtUsageError(verb, "no domain given (a name or UUID)");
        return NULL;
    }
    *rc = 0;
    return arg ? arg : "";
}

int
tcevirtCmdDefine(int argc, char **argv)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(qemuDriver) drv = NULL;
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    gboolean replaced = FALSE;
    gsize len;
    int rc;
    const char *file = tcevirtDomainArgs("define", argc, argv, NULL, NULL,
                                         FALSE, &rc);

    if (!file)
        return rc;
    if (!*file)
        return tcevirtUsageError("define", "no domain XML FILE given");
    if (!(xml = tcevirtReadXML(&file, &len, &err)) ||
        !(drv = qemuDriverOpen(&err)) ||
        !(def = qemuDriverDefineXML(drv, xml, len, file, warnings, &replaced,
                                    &err)))
        return tcevirtFail(err, warnings);
    tcevirtPrintWarnings(warnings);
    printf("Domain '%s' defined from %s\n", def->name, file);
    return 0;
}

int
tcevirtCmdUndefine(int argc, char **argv)
{
    g_autoptr(qemuDriver) drv = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *name = NULL;
    int rc;
    const char *dom = tcevirtDomainArgs("undefine", argc, argv, NULL, NULL,
                                        TRUE, &rc);

    if (!dom)
        return rc;
    if (!(drv = qemuDriverOpen(&err)) ||
        !qemuDriverUndefine(drv, dom, &name, &err))
        return tcevirtFail(err, NULL);
    if (qemuDomainStatusSupervised(drv->cfg, name))
        printf("Domain '%s' has been undefined; it keeps running until it "
               "stops\n", name);
    else
        printf("Domain '%s' has been undefined\n", name);
    return 0;
}

qemuDriverDomain *
tcevirtLookup(qemuDriver *drv, const char *dom, gboolean inactive,
              GError **errp)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    qemuDriverDomain *ret = qemuDriverLookup(drv, dom, inactive, warnings, errp);

    tcevirtPrintWarnings(warnings);
    return ret;
}

int
tcevirtCmdDumpXML(int argc, char **argv)
{
    static const char *const flags[] = { "--inactive", "--security-info", NULL };
    gboolean set[2] = { FALSE, FALSE };
    g_autoptr(qemuDriver) drv = NULL;
    g_autoptr(qemuDriverDomain) dom = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    int rc;
    const char *name = tcevirtDomainArgs("dumpxml", argc, argv, flags, set,
                                         TRUE, &rc);

    if (!name)
        return rc;
    if (!(drv = qemuDriverOpen(&err)) ||
        !(dom = tcevirtLookup(drv, name, set[0], &err)))
        return tcevirtFail(err, NULL);
    xml = virDomainDefFormat(dom->def);
    fputs(xml, stdout);
    return 0;
}

int
tcevirtCmdDomtce(int argc, char **argv)
{
    g_autoptr(qemuDriver) drv = NULL;
    g_autoptr(qemuDriverDomain) dom = NULL;
    g_autoptr(GPtrArray) tce = NULL;
    g_autoptr(GError) err = NULL;
    guint i;
    int rc;
    const char *name = tcevirtDomainArgs("domtce", argc, argv, NULL, NULL,
                                         TRUE, &rc);

    if (!name)
        return rc;
    if (!(drv = qemuDriverOpen(&err)) ||
        !(dom = tcevirtLookup(drv, name, FALSE, &err)))
        return tcevirtFail(err, NULL);
    tce = qemuDomainTCEReport(drv->cfg, dom->def, dom->status);
    if (!tce->len)
        printf("Domain '%s' has no host devices\n", dom->def->name);
    for (i = 0; i < tce->len; i++) {
        qemuTCEGroup *g = g_ptr_array_index(tce, i);

        printf("IOMMU group %d on %s (%s)\n", g->group, g->phb ? g->phb : "?",
               g->devices);
        printf("  predicted:  %s (%s)\n",
               g->predictedInKernel ? "in-kernel" : "userspace", g->predicted);
        printf("  observed:   %s (%s)\n", qemuTCEObservedString(g->observed),
               g->observedWhy);
    }
    return 0;
}

static const char *
tcevirtStateName(const qemuDriverDomain *dom)
{
    return qemuDomainStateTypeToString(dom->status ? dom->status->state
                                                   : QEMU_STATE_SHUTOFF);
}

int
tcevirtCmdList(int argc, char **argv)
{
    static const char *const flags[] = { "--all", "--inactive", "--name",
                                         "--uuid", NULL };
    gboolean set[4] = { FALSE, FALSE, FALSE, FALSE };
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(qemuDriver) drv = NULL;
    g_autoptr(GPtrArray) doms = NULL;
    g_autoptr(GError) err = NULL;
    size_t width = 4;
    guint i;
    int rc;

    if (!tcevirtDomainArgs("list", argc, argv, flags, set, FALSE, &rc))
        return rc;
    if (!(drv = qemuDriverOpen(&err)) ||
        !(doms = qemuDriverListAll(drv, warnings, &err)))
        return tcevirtFail(err, warnings);
    tcevirtPrintWarnings(warnings);
    for (i = 0; i < doms->len; i++) {
        qemuDriverDomain *dom = g_ptr_array_index(doms, i);
        width = MAX(width, strlen(dom->def->name));
    }
    if (!set[2] && !set[3]) {
        printf(" %-5s %-*s   %s\n", "Id", (int) width, "Name", "State");
        for (i = 0; i < width + 22; i++)
            putchar('-');
        putchar('\n');
    }
    for (i = 0; i < doms->len; i++) {
        qemuDriverDomain *dom = g_ptr_array_index(doms, i);
        gboolean active = dom->status != NULL;
        char uuid[VIR_UUID_STRING_BUFLEN];
        g_autofree char *id = active ?
            g_strdup_printf("%d", (int) dom->status->qemuPid) : g_strdup("-");

        if ((active && set[1]) || (!active && !set[0] && !set[1]))
            continue;
        virUUIDFormat(dom->def->uuid, uuid);
        if (set[2])
            printf("%s\n", dom->def->name);
        else if (set[3])
            printf("%s\n", uuid);
        else
            printf(" %-5s %-*s   %s\n", id, (int) width, dom->def->name,
                   tcevirtStateName(dom));
    }
    if (!set[2] && !set[3])
        putchar('\n');
    return 0;
}

static char *
tcevirtReason(const qemuDriverDomain *dom)
{
    if (dom->status)
        return g_strdup(dom->status->reason && *dom->status->reason ?
                        dom->status->reason : "unknown");
    return g_strdup(dom->shutoffReason ? dom->shutoffReason : "unknown");
}

int
tcevirtCmdDomstate(int argc, char **argv)
{
    static const char *const flags[] = { "--reason", NULL };
    gboolean set[1] = { FALSE };
    g_autoptr(qemuDriver) drv = NULL;
    g_autoptr(qemuDriverDomain) dom = NULL;
    g_autoptr(GError) err = NULL;
    int rc;
    const char *name = tcevirtDomainArgs("domstate", argc, argv, flags, set,
                                         TRUE, &rc);

    if (!name)
        return rc;
    if (!(drv = qemuDriverOpen(&err)) ||
        !(dom = tcevirtLookup(drv, name, FALSE, &err)))
        return tcevirtFail(err, NULL);
    if (set[0]) {
        g_autofree char *reason = tcevirtReason(dom);
        printf("%s (%s)\n\n", tcevirtStateName(dom), reason);
    } else {
        printf("%s\n\n", tcevirtStateName(dom));
    }
    return 0;
}

int
tcevirtCmdDominfo(int argc, char **argv)
{
    g_autoptr(qemuDriver) drv = NULL;
    g_autoptr(qemuDriverDomain) dom = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *reason = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];
    const virDomainDef *def;
    int rc;
    const char *name = tcevirtDomainArgs("dominfo", argc, argv, NULL, NULL,
                                         TRUE, &rc);

    if (!name)
        return rc;
    if (!(drv = qemuDriverOpen(&err)) ||
        !(dom = tcevirtLookup(drv, name, FALSE, &err)))
        return tcevirtFail(err, NULL);
    def = dom->def;
    virUUIDFormat(def->uuid, uuid);
    reason = tcevirtReason(dom);
    if (dom->status)
        printf("%-16s%d\n", "Id:", (int) dom->status->qemuPid);
    else
        printf("%-16s%s\n", "Id:", "-");
    printf("%-16s%s\n", "Name:", def->name);
    printf("%-16s%s\n", "UUID:", uuid);
    printf("%-16s%s\n", "OS Type:", "hvm");
    printf("%-16s%s (%s)\n", "State:", tcevirtStateName(dom), reason);
    printf("%-16s%u\n", "CPU(s):", def->vcpus);
    printf("%-16s%" G_GUINT64_FORMAT " KiB\n", "Max memory:",
           def->mem.maxMemory ? def->mem.maxMemory : def->mem.total);
    printf("%-16s%" G_GUINT64_FORMAT " KiB\n", "Used memory:",
           def->mem.current ? def->mem.current : def->mem.total);
    printf("%-16s%s\n", "Persistent:", dom->persistent ? "yes" : "no");
    printf("%-16s%s\n", "Autostart:", "disable");
    if (def->hostdevs->len) {
        g_autoptr(GPtrArray) tce = qemuDomainTCEReport(drv->cfg, def, dom->status);
        guint i;

        for (i = 0; i < tce->len; i++) {
            qemuTCEGroup *g = g_ptr_array_index(tce, i);
            g_autofree char *label = g_strdup_printf("TCE group %d:", g->group);

            printf("%-16spredicted %s, observed %s\n", label,
                   g->predictedInKernel ? "in-kernel" : "userspace",
                   qemuTCEObservedString(g->observed));
        }
    }
    if (dom->status) {
        g_autoptr(JsonNode) live = qemuProcessControl(drv, def->name, "status",
                                                      NULL, NULL);
        JsonObject *o = live && JSON_NODE_HOLDS_OBJECT(live) ?
            json_node_get_object(live) : NULL;

        /* asked of the supervisor, which asks QEMU */
        printf("%-16s%s\n", "QEMU status:", o ?
               json_object_get_string_member_with_default(o, "qemu-status", "-") :
               "(the supervisor does not answer)");
        printf("%-16s%d\n", "Supervisor:", (int) dom->status->supervisorPid);
        printf("%-16s%s\n", "VFIO handoff:",
               dom->status->handoff && *dom->status->handoff ?
               dom->status->handoff : "-");
    }
    printf("\n");
    return 0;
}

const char tcevirtDefineHelp[] =
"NAME\n"
"    tcevirt define - define (or redefine) a domain from libvirt XML\n"
"\n"
"SYNOPSIS\n"
"    tcevirt define FILE\n"
"\n"
"DESCRIPTION\n"
"    Like `virsh define`: checks and normalizes FILE ('-' for standard\n"
"    input) as `tcevirt validate --normalized` does and stores the result\n"
"    in STATEDIR/qemu/NAME.xml (STATEDIR is " TCEVIRT_STATEDIR ", or\n"
"    $TCEVIRT_STATE_DIR). `dumpxml` prints that stored definition.\n"
"\n"
"    Names and UUIDs are unique. Redefining a domain keeps its UUID when\n"
"    FILE has no <uuid>; a different <uuid> for an existing name, or an\n"
"    existing <uuid> under another name, is an error naming the other\n"
"    domain. Redefining a running domain changes what its next start\n"
"    uses; the running guest is not touched.\n"
"\n"
"EXIT STATUS\n"
"    0 defined, 1 refused (the error names the cause), 2 usage error.\n"
"\n"
"EXAMPLES\n"
"    tcevirt define guest.xml\n";

const char tcevirtUndefineHelp[] =
"NAME\n"
"    tcevirt undefine - remove a domain's stored definition\n"
"\n"
"SYNOPSIS\n"
"    tcevirt undefine DOMAIN\n"
"\n"
"DESCRIPTION\n"
"    Like `virsh undefine`. A running domain keeps running (it becomes\n"
"    transient) and disappears when it stops. DOMAIN is a name or a UUID.\n";

const char tcevirtDumpXMLHelp[] =
"NAME\n"
"    tcevirt dumpxml - print a domain's XML\n"
"\n"
"SYNOPSIS\n"
"    tcevirt dumpxml [--inactive] DOMAIN\n"
"\n"
"DESCRIPTION\n"
"    Prints the normalized definition: PHBs, guest addresses and aliases\n"
"    filled in. For a running domain, the definition it was started with.\n"
"\n"
"OPTIONS\n"
"    --inactive        the stored definition, also when the domain runs\n"
"    --security-info   accepted for virsh compatibility\n";

const char tcevirtListHelp[] =
"NAME\n"
"    tcevirt list - list domains\n"
"\n"
"SYNOPSIS\n"
"    tcevirt list [--all | --inactive] [--name | --uuid]\n"
"\n"
"DESCRIPTION\n"
"    Like `virsh list`: running domains, or with --all also those that\n"
"    are defined and shut off. The Id of a running domain is the process\n"
"    id of its QEMU. A domain whose supervisor died is torn down first\n"
"    (a warning says so) and listed as shut off.\n"
"\n"
"OPTIONS\n"
"    --all        also shut-off domains\n"
"    --inactive   only shut-off domains\n"
"    --name       names only, one per line\n"
"    --uuid       UUIDs only, one per line\n";

const char tcevirtDominfoHelp[] =
"NAME\n"
"    tcevirt dominfo - show a domain's basic information\n"
"\n"
"SYNOPSIS\n"
"    tcevirt dominfo DOMAIN\n"
"\n"
"DESCRIPTION\n"
"    Like `virsh dominfo`, plus for a running domain its supervisor's\n"
"    pid and how QEMU receives its VFIO files (seccomp or dac).\n";

const char tcevirtDomstateHelp[] =
"NAME\n"
"    tcevirt domstate - show a domain's state\n"
"\n"
"SYNOPSIS\n"
"    tcevirt domstate [--reason] DOMAIN\n"
"\n"
"DESCRIPTION\n"
"    Like `virsh domstate`: running, paused, in shutdown, shut off. With\n"
"    --reason, why: booted, unpaused, destroyed, shutdown, crashed,\n"
"    failed (the reason of the last stop is kept until the host reboots).\n";

const char tcevirtDomtceHelp[] =
"NAME\n"
"    tcevirt domtce - is in-kernel TCE acceleration on for a domain\n"
"\n"
"SYNOPSIS\n"
"    tcevirt domtce DOMAIN\n"
"\n"
"DESCRIPTION\n"
"    For every IOMMU group of the domain's host devices:\n"
"\n"
"    predicted   from this host: KVM with KVM_CAP_SPAPR_TCE_64 and\n"
"                KVM_CAP_SPAPR_TCE_VFIO, the KVM-VFIO device, a container\n"
"                offering VFIO_SPAPR_TCE_v2_IOMMU (what host-validate checks)\n"
"    observed    from the running QEMU's trace in the domain log: the\n"
"                group's file was attached to a KVM TCE table\n"
"                (vfio_spapr_group_attach) - 'in-kernel'; a DMA window\n"
"                exists but no attach - 'userspace', every H_PUT_TCE then\n"
"                goes through QEMU; no DMA window yet - 'not yet'.\n"
"\n"
"    QEMU falls back to the slow path silently; this is where it shows.\n";
