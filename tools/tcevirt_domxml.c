/*
 * tcevirt_domxml.c: verbs that work on a domain XML file
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "tcevirt.h"
#include "qemu_domain.h"
#include "qemu_command.h"
#include "virerror.h"
#include "virxml.h"

/* Parses the options shared by the XML verbs: [--normalized] FILE */
static const char *
tcevirtXMLArgs(const char *verb, int argc, char **argv, gboolean allowDump,
               gboolean *dump, int *rc)
{
    const char *file = NULL;
    int i;

    for (i = 1; i < argc; i++) {
        if (allowDump && g_str_equal(argv[i], "--normalized")) {
            *dump = TRUE;
        } else if (g_str_equal(argv[i], "--format")) {
            if (i + 1 >= argc || !g_str_equal(argv[i + 1], "qemu-argv")) {
                *rc = tcevirtUsageError(verb, "--format takes 'qemu-argv' "
                                        "(the only format tcevirt knows)");
                return NULL;
            }
            i++;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            *rc = tcevirtUsageError(verb, "unknown option '%s'", argv[i]);
            return NULL;
        } else if (file) {
            *rc = tcevirtUsageError(verb, "more than one FILE given");
            return NULL;
        } else {
            file = argv[i];
        }
    }
    if (!file)
        *rc = tcevirtUsageError(verb, "no domain XML FILE given");
    return file;
}

char *
tcevirtReadXML(const char **file, gsize *len, GError **errp)
{
    g_autoptr(GError) lerr = NULL;
    char *xml = NULL;

    if (g_str_equal(*file, "-")) {
        GString *buf = g_string_new(NULL);
        char chunk[65536];
        size_t n;

        while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
            g_string_append_len(buf, chunk, n);
            if (buf->len > VIR_XML_MAX_SIZE)
                break;
        }
        *len = buf->len;
        *file = "(stdin)";
        return g_string_free(buf, FALSE);
    }
    if (!g_file_get_contents(*file, &xml, len, &lerr)) {
        virReportError(errp, VIR_ERR_OPEN_FAILED,
                       "cannot read domain XML: %s", lerr->message);
        return NULL;
    }
    return xml;
}

static virDomainDef *
tcevirtLoadDomain(const char *file, GError **errp)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *xml = NULL;
    virDomainDef *def;
    gsize len;

    if (!(xml = tcevirtReadXML(&file, &len, errp)))
        return NULL;
    def = qemuDomainDefParseAndNormalize(xml, len, file, warnings, errp);
    tcevirtPrintWarnings(warnings);
    return def;
}

static int
tcevirtCmdValidate(int argc, char **argv)
{
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) err = NULL;
    gboolean dump = FALSE;
    int rc = 0;
    const char *file = tcevirtXMLArgs("validate", argc, argv, TRUE, &dump, &rc);

    if (!file)
        return rc;
    if (!(def = tcevirtLoadDomain(file, &err))) {
        tcevirtPrintError(err);
        return 1;
    }
    if (dump) {
        g_autofree char *xml = virDomainDefFormat(def);
        fputs(xml, stdout);
    } else {
        printf("Domain '%s' in %s is valid\n", def->name, file);
    }
    return 0;
}

static int
tcevirtCmdDomxmlToNative(int argc, char **argv)
{
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) cmd = NULL;
    g_autofree char *text = NULL;
    gboolean dump = FALSE;
    int rc = 0;
    const char *file = tcevirtXMLArgs("domxml-to-native", argc, argv, FALSE,
                                      &dump, &rc);

    if (!file)
        return rc;
    if (!(def = tcevirtLoadDomain(file, &err)) ||
        !(cmd = qemuBuildCommandLine(def, NULL, &err))) {
        tcevirtPrintError(err);
        return 1;
    }
    text = qemuCommandLineFormat(cmd);
    fputs(text, stdout);
    return 0;
}

static const char validateHelp[] =
"NAME\n"
"    tcevirt validate - check a libvirt domain XML for a pseries guest\n"
"\n"
"SYNOPSIS\n"
"    tcevirt validate [--normalized] FILE\n"
"\n"
"DESCRIPTION\n"
"    Parses FILE (or standard input when FILE is '-') as libvirt domain\n"
"    XML, checks it, and fills in what tcevirt adds to every definition\n"
"    it keeps: the default\n"
"    PHB, one spapr-pci-host-bridge per host IOMMU group of the <hostdev>\n"
"    devices (read from /sys/bus/pci/devices/BDF/iommu_group), guest PCI\n"
"    slots, spapr-vio registers, aliases and default devices.\n"
"\n"
"    Unknown elements or attributes are errors naming the element, file\n"
"    and line: nothing is silently dropped. Host devices that are not\n"
"    present on this host give a warning only; start checks them again.\n"
"\n"
"OPTIONS\n"
"    --normalized   print the normalized domain XML instead of a\n"
"                   one-line verdict\n"
"\n"
"EXIT STATUS\n"
"    0 valid, 1 invalid (the error names the cause), 2 usage error.\n"
"\n"
"EXAMPLES\n"
"    tcevirt validate guest.xml\n"
"    tcevirt validate --normalized guest.xml > guest-normalized.xml\n";

static const char toNativeHelp[] =
"NAME\n"
"    tcevirt domxml-to-native - show the QEMU command line of a domain\n"
"\n"
"SYNOPSIS\n"
"    tcevirt domxml-to-native [--format qemu-argv] FILE\n"
"\n"
"DESCRIPTION\n"
"    Like `virsh domxml-to-native qemu-argv FILE`: normalizes the domain\n"
"    as `tcevirt validate` does and prints the qemu-system-ppc64 command\n"
"    line tcevirt would run, one option per line. Devices use QEMU's JSON\n"
"    -device syntax; host devices appear as vfio-pci on their own\n"
"    spapr-pci-host-bridge. The monitor socket is under\n"
"    " QEMU_DEFAULT_RUN_DIR "/NAME/.\n"
"\n"
"    The output depends only on the XML and the IOMMU groups of this\n"
"    host, so it can be compared against golden files.\n"
"\n"
"OPTIONS\n"
"    --format qemu-argv   accepted for virsh compatibility (the default)\n"
"\n"
"EXIT STATUS\n"
"    0 success, 1 invalid domain, 2 usage error.\n"
"\n"
"EXAMPLES\n"
"    tcevirt domxml-to-native guest.xml\n";

static const char helpHelp[] =
"NAME\n"
"    tcevirt help - show the manual page of a verb\n"
"\n"
"SYNOPSIS\n"
"    tcevirt help [VERB]\n";

static int
tcevirtCmdHelp(int argc, char **argv)
{
    const tcevirtVerb *verb;
    size_t i;

    if (argc < 2) {
        printf("Verbs:\n");
        for (i = 0; tcevirtVerbs[i].name; i++)
            printf("  %-20s %s\n", tcevirtVerbs[i].name,
                   tcevirtVerbs[i].summary);
        return 0;
    }
    if (!(verb = tcevirtFindVerb(argv[1]))) {
        fprintf(stderr, "error: unknown verb '%s'\n", argv[1]);
        return 2;
    }
    fputs(verb->help, stdout);
    return 0;
}


const tcevirtVerb tcevirtVerbs[] = {
    { "validate", tcevirtCmdValidate,
      "check (and normalize) a domain XML file", validateHelp },
    { "domxml-to-native", tcevirtCmdDomxmlToNative,
      "print the QEMU command line of a domain XML file", toNativeHelp },
    { "define", tcevirtCmdDefine,
      "define or redefine a domain from an XML file", tcevirtDefineHelp },
    { "undefine", tcevirtCmdUndefine,
      "remove a domain's stored definition", tcevirtUndefineHelp },
    { "start", tcevirtCmdStart, "start a defined domain", tcevirtStartHelp },
    { "shutdown", tcevirtCmdShutdown, "ask the guest to power off",
      tcevirtShutdownHelp },
    { "destroy", tcevirtCmdDestroy, "stop a domain at once", tcevirtDestroyHelp },
    { "suspend", tcevirtCmdSuspend, "stop a running guest's CPUs",
      tcevirtSuspendHelp },
    { "resume", tcevirtCmdResume, "let a suspended guest run", tcevirtResumeHelp },
    { "attach-device", tcevirtCmdAttachDevice,
      "add a host PCI device to a domain (--live: hot-plug)",
      tcevirtAttachDeviceHelp },
    { "detach-device", tcevirtCmdDetachDevice,
      "remove a host PCI device from a domain (--live: hot-unplug)",
      tcevirtDetachDeviceHelp },
    { "dumpxml", tcevirtCmdDumpXML, "print a domain's XML", tcevirtDumpXMLHelp },
    { "list", tcevirtCmdList, "list domains", tcevirtListHelp },
    { "dominfo", tcevirtCmdDominfo, "show a domain's basic information",
      tcevirtDominfoHelp },
    { "domstate", tcevirtCmdDomstate, "show a domain's state",
      tcevirtDomstateHelp },
    { "domtce", tcevirtCmdDomtce,
      "is in-kernel TCE acceleration on, per IOMMU group", tcevirtDomtceHelp },
    { "nodedev-detach", tcevirtCmdNodedevDetach,
      "give a host PCI device to vfio-pci", tcevirtNodedevDetachHelp },
    { "nodedev-reattach", tcevirtCmdNodedevReattach,
      "give a host PCI device back to its driver", tcevirtNodedevReattachHelp },
    { "nodedev-list", tcevirtCmdNodedevList,
      "list the host's PCI devices (--details: groups, drivers, claims)",
      tcevirtNodedevListHelp },
    { "nodedev-dumpxml", tcevirtCmdNodedevDumpXML,
      "print a PCI device as libvirt node device XML",
      tcevirtNodedevDumpXMLHelp },
    { "nodedev-preflight", tcevirtCmdNodedevPreflight,
      "try a device's IOMMU group in a scratch VFIO container",
      tcevirtNodedevPreflightHelp },
    { "host-validate", tcevirtCmdHostValidate,
      "check the host can run pseries guests with VFIO devices",
      tcevirtHostValidateHelp },
    { "memlock", tcevirtCmdMemlock,
      "show the locked-memory limit a domain needs, item by item",
      tcevirtMemlockHelp },
    { "help", tcevirtCmdHelp, "show the manual page of a verb", helpHelp },
    { NULL, NULL, NULL, NULL },
};
