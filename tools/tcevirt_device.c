/*
 * tcevirt_device.c: attach-device, detach-device
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "tcevirt.h"
#include "qemu_driver_device.h"
#include "virerror.h"

typedef struct {
    const char *domain;
    const char *file;
    unsigned int flags;
    unsigned int timeout;
} tcevirtDeviceArgs;

static int
tcevirtDeviceParse(const char *verb, int argc, char **argv,
                   tcevirtDeviceArgs *args)
{
    gboolean persistent = FALSE, current = FALSE;
    int i;

    for (i = 1; i < argc; i++) {
        if (g_str_equal(argv[i], "--live")) {
            args->flags |= QEMU_AFFECT_LIVE;
        } else if (g_str_equal(argv[i], "--config")) {
            args->flags |= QEMU_AFFECT_CONFIG;
        } else if (g_str_equal(argv[i], "--persistent")) {
            persistent = TRUE;
        } else if (g_str_equal(argv[i], "--current")) {
            current = TRUE;
        } else if (g_str_equal(verb, "detach-device") &&
                   g_str_equal(argv[i], "--timeout")) {
            guint64 v;
            int rc;

            if ((rc = tcevirtParseTimeout(verb, argc, argv, &i, &v)))
                return rc;
            args->timeout = v;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return tcevirtUsageError(verb, "unknown option '%s'", argv[i]);
        } else if (!args->domain) {
            args->domain = argv[i];
        } else if (!args->file) {
            args->file = argv[i];
        } else {
            return tcevirtUsageError(verb, "unexpected argument '%s'", argv[i]);
        }
    }
    if (!args->domain || !args->file)
        return tcevirtUsageError(verb, "a DOMAIN and a device XML FILE are "
                                 "needed");
    if (current && (args->flags || persistent))
        return tcevirtUsageError(verb, "--current cannot go with --live, "
                                 "--config or --persistent");
    /* virsh: --persistent is the definition, and the guest if it runs */
    if (persistent)
        args->flags |= QEMU_AFFECT_CONFIG | QEMU_AFFECT_LIVE_IF_RUNNING;
    return 0;
}

int
tcevirtCmdAttachDevice(int argc, char **argv)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(qemuDriver) drv = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *alias = NULL;
    tcevirtDeviceArgs args = { 0 };
    gsize len;
    int rc;

    if ((rc = tcevirtDeviceParse("attach-device", argc, argv, &args)))
        return rc;
    if (!(xml = tcevirtReadXML(&args.file, &len, &err)) ||
        !(drv = qemuDriverOpen(&err)) ||
        !qemuDriverAttachDevice(drv, args.domain, xml,
                                args.flags, warnings, &alias, &err))
        return tcevirtFail(err, warnings);
    tcevirtPrintWarnings(warnings);
    if (alias)
        printf("Device attached successfully (alias %s)\n", alias);
    else
        printf("Device attached successfully\n");
    return 0;
}

int
tcevirtCmdDetachDevice(int argc, char **argv)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(qemuDriver) drv = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    tcevirtDeviceArgs args = { 0 };
    gsize len;
    int rc;

    if ((rc = tcevirtDeviceParse("detach-device", argc, argv, &args)))
        return rc;
    if (!(xml = tcevirtReadXML(&args.file, &len, &err)) ||
        !(drv = qemuDriverOpen(&err)) ||
        !qemuDriverDetachDevice(drv, args.domain, xml,
                                args.flags, args.timeout, warnings, &err))
        return tcevirtFail(err, warnings);
    tcevirtPrintWarnings(warnings);
    printf("Device detached successfully\n");
    return 0;
}

const char tcevirtAttachDeviceHelp[] =
"NAME\n"
"    tcevirt attach-device - add a host PCI device to a domain\n"
"\n"
"SYNOPSIS\n"
"    tcevirt attach-device DOMAIN FILE [--live] [--config] [--persistent]\n"
"                          [--current]\n"
"\n"
"DESCRIPTION\n"
"    Like `virsh attach-device`, for a <hostdev mode='subsystem'\n"
"    type='pci'> (managed or not) or an <interface type='hostdev'> in FILE\n"
"    ('-': standard input).\n"
"\n"
"    --live hot-plugs it into the running guest, with the checks of\n"
"    start: the device's IOMMU group must be viable and not another\n"
"    domain's; it is placed on a PHB that already holds its group, else on\n"
"    a new spapr-pci-host-bridge that is hot-plugged first; the group is\n"
"    claimed and a managed device moved to vfio-pci (journaled); QEMU's\n"
"    locked-memory limit is raised to the new need (`tcevirt memlock`)\n"
"    before QEMU sees the device; the group is lent to this QEMU only\n"
"    (seccomp broker, or the node in DAC mode); then device_add.  The\n"
"    live definition names the device before the host changes, so a crash\n"
"    at any step is undone by the teardown.  Any failure undoes every\n"
"    step in reverse (a PHB that was added stays, empty).\n"
"\n"
"    --config adds it to the definition (next start).  `tcevirt dumpxml`\n"
"    shows the live device with its alias and guest address; `dumpxml\n"
"    --inactive` has it only after --config or --persistent.\n"
"\n"
"OPTIONS\n"
"    --live        the running guest\n"
"    --config      the persistent definition\n"
"    --persistent  the definition, and the guest if it runs\n"
"    --current     the guest if it runs, else the definition (default)\n"
"\n"
"EXIT STATUS\n"
"    0 attached, 1 failed (nothing changed), 2 usage error.\n";

const char tcevirtDetachDeviceHelp[] =
"NAME\n"
"    tcevirt detach-device - remove a host PCI device from a domain\n"
"\n"
"SYNOPSIS\n"
"    tcevirt detach-device DOMAIN FILE [--live] [--config] [--persistent]\n"
"                          [--current] [--timeout SECONDS]\n"
"\n"
"DESCRIPTION\n"
"    Like `virsh detach-device`; FILE names the device by its <source>\n"
"    address.\n"
"\n"
"    --live asks the guest to release it (device_del) and waits for\n"
"    QEMU's DEVICE_DELETED, then for the kernel to release the IOMMU\n"
"    group; only then does a managed device go back to its host driver,\n"
"    the claim and the lent group go, and QEMU's locked-memory limit is\n"
"    lowered.  A pseries guest releases a PCI device only with its hotplug\n"
"    tools running (rtas_errd and drmgr from powerpc-utils).  A guest that\n"
"    has not released it after SECONDS (default 20, as Nova waits per\n"
"    attempt) leaves it attached, claimed and lent, and the command fails\n"
"    (tcevirtd sends DEVICE_REMOVAL_FAILED); running it again asks again.\n"
"    If the guest releases the device later, the removal completes then\n"
"    (tcevirtd sends DEVICE_REMOVED).  A device that shares its IOMMU\n"
"    group with another of the domain's devices cannot be removed alone.\n"
"\n"
"    --config removes it from the definition.\n"
"\n"
"OPTIONS\n"
"    --live, --config, --persistent, --current   as for attach-device\n"
"    --timeout SECONDS   how long the guest gets (1-3600, default 20)\n"
"\n"
"EXIT STATUS\n"
"    0 detached, 1 failed or not released in time, 2 usage error.\n";
