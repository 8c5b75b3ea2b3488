/*
 * tcevirt_hostdev.c: nodedev-detach and nodedev-reattach
 */
#include <config.h>

#include <stdio.h>

#include "tcevirt.h"
#include "virerror.h"
#include "virhostdev.h"
#include "virpci.h"

const char *
tcevirtStateDir(void)
{
    const char *dir = g_getenv("TCEVIRT_STATE_DIR");

    return dir && *dir ? dir : TCEVIRT_STATEDIR;
}

static int
tcevirtNodedevMove(const char *verb, int argc, char **argv, gboolean detach)
{
    g_autoptr(virHostdevManager) mgr = NULL;
    g_autoptr(GPtrArray) report = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) err = NULL;
    virPCIDeviceAddress addr;
    const char *name = NULL;
    int i;

    for (i = 1; i < argc; i++) {
        if (g_str_equal(argv[i], "--driver") && i + 1 < argc) {
            if (!g_str_equal(argv[++i], "vfio"))
                return tcevirtUsageError(verb, "--driver takes 'vfio' (the "
                                         "only backend on POWER)");
        } else if (argv[i][0] == '-') {
            return tcevirtUsageError(verb, "unknown option '%s'", argv[i]);
        } else if (name) {
            return tcevirtUsageError(verb, "more than one device given");
        } else {
            name = argv[i];
        }
    }
    if (!name)
        return tcevirtUsageError(verb, "no device given (pci_DDDD_BB_SS_F or "
                                 "DDDD:BB:SS.F)");
    if (!virPCIDeviceAddressParseNodeName(name, &addr))
        return tcevirtUsageError(verb, "'%s' is not a PCI device name "
                                 "(pci_DDDD_BB_SS_F or DDDD:BB:SS.F)", name);
    if (!(mgr = virHostdevManagerNew(tcevirtStateDir(), &err)) ||
        !virHostdevRecover(mgr, report, &err) ||
        !(detach ? virHostdevNodeDetach(mgr, &addr, &err) :
                   virHostdevNodeReattach(mgr, &addr, &err))) {
        tcevirtPrintWarnings(report);
        tcevirtPrintError(err);
        return 1;
    }
    tcevirtPrintWarnings(report);
    printf("Device %s %s\n", name, detach ? "detached" : "re-attached");
    return 0;
}

int
tcevirtCmdNodedevDetach(int argc, char **argv)
{
    return tcevirtNodedevMove("nodedev-detach", argc, argv, TRUE);
}

int
tcevirtCmdNodedevReattach(int argc, char **argv)
{
    return tcevirtNodedevMove("nodedev-reattach", argc, argv, FALSE);
}

const char tcevirtNodedevDetachHelp[] =
"NAME\n"
"    tcevirt nodedev-detach - give a host PCI device to vfio-pci\n"
"\n"
"SYNOPSIS\n"
"    tcevirt nodedev-detach [--driver vfio] DEVICE\n"
"\n"
"DESCRIPTION\n"
"    Like virsh nodedev-detach: unbinds DEVICE (pci_DDDD_BB_SS_F or\n"
"    DDDD:BB:SS.F) from its host driver and binds it to vfio-pci through\n"
"    driver_override and drivers_probe.  The original driver is recorded\n"
"    in STATEDIR/hostdev/devices before the device moves, so\n"
"    nodedev-reattach (or a crash recovery) puts it back.  Detach every\n"
"    function of an IOMMU group whose devices a domain uses with\n"
"    managed='no'.  Refused while a domain owns the device's IOMMU group.\n"
"\n"
"    Any operation a crashed tcevirt left half done is finished first.\n"
"\n"
"OPTIONS\n"
"    --driver vfio   accepted for virsh compatibility (the only backend)\n"
"\n"
"ENVIRONMENT\n"
"    TCEVIRT_STATE_DIR   state directory (default " TCEVIRT_STATEDIR ")\n"
"\n"
"EXIT STATUS\n"
"    0 success, 1 failure (the error names the device and the fix),\n"
"    2 usage error.\n"
"\n"
"EXAMPLES\n"
"    tcevirt nodedev-detach pci_0000_01_00_1\n";

const char tcevirtNodedevReattachHelp[] =
"NAME\n"
"    tcevirt nodedev-reattach - give a host PCI device back to its driver\n"
"\n"
"SYNOPSIS\n"
"    tcevirt nodedev-reattach DEVICE\n"
"\n"
"DESCRIPTION\n"
"    Like virsh nodedev-reattach: clears driver_override, unbinds DEVICE\n"
"    from vfio-pci and binds it to the driver it had before tcevirt moved\n"
"    it (recorded by nodedev-detach or by a domain's managed detach); a\n"
"    device tcevirt has no record of is handed to the kernel's probe.\n"
"    Refused while a domain owns the device's IOMMU group.  Any operation\n"
"    a crashed tcevirt left half done is finished first, so this also\n"
"    repairs a host after a crash.\n"
"\n"
"ENVIRONMENT\n"
"    TCEVIRT_STATE_DIR   state directory (default " TCEVIRT_STATEDIR ")\n"
"\n"
"EXIT STATUS\n"
"    0 success, 1 failure, 2 usage error.\n"
"\n"
"EXAMPLES\n"
"    tcevirt nodedev-reattach pci_0000_01_00_1\n";
