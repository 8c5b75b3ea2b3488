/*
 * tcevirt_lifecycle.c: start, destroy, shutdown, suspend, resume
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "tcevirt.h"
#include "qemu_process.h"
#include "virerror.h"

#define TCEVIRT_DESTROY_WAIT_MS 60000

typedef struct {
    const char *domain;
    gboolean paused;
    gint64 timeout;                 /* -1 = not given */
} tcevirtLifecycleArgs;

static int
tcevirtLifecycleParse(const char *verb, int argc, char **argv,
                      gboolean allowPaused, gboolean allowTimeout,
                      tcevirtLifecycleArgs *args)
{
    int i;

    args->timeout = -1;
    for (i = 1; i < argc; i++) {
        if (allowPaused && g_str_equal(argv[i], "--paused")) {
            args->paused = TRUE;
        } else if (allowTimeout && g_str_equal(argv[i], "--timeout")) {
            guint64 v;
            int rc;

            if ((rc = tcevirtParseTimeout(verb, argc, argv, &i, &v)))
                return rc;
            args->timeout = v;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return tcevirtUsageError(verb, "unknown option '%s'", argv[i]);
        } else if (args->domain) {
            return tcevirtUsageError(verb, "unexpected argument '%s'", argv[i]);
        } else {
            args->domain = argv[i];
        }
    }
    if (!args->domain)
        return tcevirtUsageError(verb, "no domain given (a name or UUID)");
    return 0;
}

/* The name of a running domain given by name or UUID */
static char *
tcevirtRunningName(qemuDriver *drv, const char *dom, GError **errp)
{
    g_autoptr(qemuDriverDomain) d = tcevirtLookup(drv, dom, FALSE, errp);

    if (!d)
        return NULL;
    if (!d->status) {
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "domain '%s' is not running", d->def->name);
        return NULL;
    }
    return g_strdup(d->def->name);
}

int
tcevirtCmdStart(int argc, char **argv)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(qemuDriver) drv = NULL;
    g_autoptr(GError) err = NULL;
    tcevirtLifecycleArgs args = { 0 };
    int rc;

    if ((rc = tcevirtLifecycleParse("start", argc, argv, TRUE, FALSE, &args)))
        return rc;
    if (!(drv = qemuDriverOpen(&err)) ||
        qemuProcessStart(drv, args.domain, args.paused, warnings, &err) < 0)
        return tcevirtFail(err, warnings);
    tcevirtPrintWarnings(warnings);
    printf("Domain '%s' started%s\n", args.domain,
           args.paused ? " (paused)" : "");
    return 0;
}

/* One request to a running domain's supervisor: VERB [--timeout S] DOMAIN;
 * destroy also waits for the teardown */
static int
tcevirtControlVerb(const char *verb, int argc, char **argv, const char *done)
{
    g_autoptr(qemuDriver) drv = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ret = NULL;
    g_autoptr(JsonObject) req = json_object_new();
    g_autofree char *name = NULL;
    tcevirtLifecycleArgs args = { 0 };
    gboolean destroy = g_str_equal(verb, "destroy");
    int rc;

    if ((rc = tcevirtLifecycleParse(verb, argc, argv, FALSE,
                                    g_str_equal(verb, "shutdown"), &args)))
        return rc;
    if (args.timeout > 0)
        json_object_set_int_member(req, "timeout", args.timeout);
    if (!(drv = qemuDriverOpen(&err)) ||
        !(name = tcevirtRunningName(drv, args.domain, &err)) ||
        !(ret = qemuProcessControl(drv, name, verb, req, &err)) ||
        (destroy && !qemuProcessWaitStopped(drv, name, TCEVIRT_DESTROY_WAIT_MS,
                                            NULL, &err)))
        return tcevirtFail(err, NULL);
    printf("Domain '%s' %s\n", name, done);
    return 0;
}

int
tcevirtCmdDestroy(int argc, char **argv)
{
    return tcevirtControlVerb("destroy", argc, argv, "destroyed");
}

int
tcevirtCmdShutdown(int argc, char **argv)
{
    return tcevirtControlVerb("shutdown", argc, argv, "is being shutdown");
}

int
tcevirtCmdSuspend(int argc, char **argv)
{
    return tcevirtControlVerb("suspend", argc, argv, "suspended");
}

int
tcevirtCmdResume(int argc, char **argv)
{
    return tcevirtControlVerb("resume", argc, argv, "resumed");
}

const char tcevirtStartHelp[] =
"NAME\n"
"    tcevirt start - start a defined domain\n"
"\n"
"SYNOPSIS\n"
"    tcevirt start [--paused] DOMAIN\n"
"\n"
"DESCRIPTION\n"
"    Like `virsh start`. Reads the host devices' IOMMU groups again and\n"
"    forks the domain's supervisor, which outlives this command: it claims\n"
"    the IOMMU groups and moves managed devices to vfio-pci, computes\n"
"    QEMU's locked-memory limit from the IOMMU the kernel reports for\n"
"    them (`tcevirt memlock`), starts QEMU as\n"
"    the QEMU user (" QEMU_DEFAULT_USER " unless user= in " QEMU_CONF_FILE ")\n"
"    with no access to /dev/vfio, hands QEMU the domain's own VFIO files\n"
"    over a seccomp listener (or lends it the group nodes where the\n"
"    kernel lacks SECCOMP_ADDFD_FLAG_SEND), and checks over QMP that every\n"
"    host device was realized.\n"
"\n"
"    It returns when the guest runs, or fails with QEMU's own words and\n"
"    what they mean, after undoing everything: devices back on their\n"
"    drivers, claims released, no runtime files left.\n"
"\n"
"    QEMU's output and the supervisor's notes go to STATEDIR/log/NAME.log.\n"
"\n"
"OPTIONS\n"
"    --paused   leave the guest's CPUs stopped (`tcevirt resume` starts them)\n"
"\n"
"EXIT STATUS\n"
"    0 started, 1 failed (nothing left behind), 2 usage error.\n";

const char tcevirtDestroyHelp[] =
"NAME\n"
"    tcevirt destroy - stop a domain at once\n"
"\n"
"SYNOPSIS\n"
"    tcevirt destroy DOMAIN\n"
"\n"
"DESCRIPTION\n"
"    Like `virsh destroy`: the supervisor asks QEMU to quit, then sends\n"
"    SIGTERM, then SIGKILL. Returns after the teardown: the kernel has\n"
"    released every IOMMU group, managed devices are back on the driver\n"
"    they had before start, claims are released. `domstate --reason`\n"
"    then says 'shut off (destroyed)'.\n";

const char tcevirtShutdownHelp[] =
"NAME\n"
"    tcevirt shutdown - ask the guest to power off\n"
"\n"
"SYNOPSIS\n"
"    tcevirt shutdown [--timeout SECONDS] DOMAIN\n"
"\n"
"DESCRIPTION\n"
"    Like `virsh shutdown`: sends the guest a power-off request (RTAS\n"
"    EPOW on pseries) and returns. When the guest powers off, the\n"
"    supervisor tears down as for destroy ('shut off (shutdown)'). A\n"
"    guest that has not powered off after SECONDS (default 120, or\n"
"    shutdown_timeout in " QEMU_CONF_FILE ") is destroyed.\n";

const char tcevirtSuspendHelp[] =
"NAME\n"
"    tcevirt suspend - stop a running guest's CPUs\n"
"\n"
"SYNOPSIS\n"
"    tcevirt suspend DOMAIN\n";

const char tcevirtResumeHelp[] =
"NAME\n"
"    tcevirt resume - let a suspended (or start --paused) guest run\n"
"\n"
"SYNOPSIS\n"
"    tcevirt resume DOMAIN\n";
