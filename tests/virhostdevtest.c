/*
 * virhostdevtest.c: ownership of host devices on the fake POWER9 host
 *
 * Runs in kernel/model's fake host hosts/power9-2phb.host:
 *   group 0: 0000:01:00.0 and .1 (tg3), group 1: 0001:01:00.0 (already
 *   on vfio-pci), group 2: 0000:02:00.0 (e1000e).
 * Every case starts from that host and must leave it exactly so (the
 * model is reset between cases by undoing what the case did, and each
 * case checks the end state).  Crash cases use the model's KILL fault:
 * a child process doing the work is SIGKILLed at a chosen sysfs write.
 */
#include <config.h>

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutils.h"
#include "virhostdev.h"
#include "virpci.h"
#include "qemu_domain.h"

static char *stateDir;

#define FAIL_IF(cond, ...) do { \
    if (cond) { \
        g_test_fail_printf(__VA_ARGS__); \
        return; \
    } \
} while (0)

static const char *const hostDrivers[][2] = {
    { "0000:01:00.0", "tg3" },
    { "0000:01:00.1", "tg3" },
    { "0001:01:00.0", "vfio-pci" },
    { "0000:02:00.0", "e1000e" },
};

static virDomainDef *
testDomain(const char *name, const char *const *bdfs, const char *managed)
{
    GString *xml = g_string_new(NULL);
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) err = NULL;
    virDomainDef *def;
    size_t i;

    g_string_append_printf(xml, "<domain type='kvm'><name>%s</name>"
                           "<memory unit='GiB'>1</memory><os><type>hvm</type>"
                           "</os><devices>", name);
    for (i = 0; bdfs[i]; i++) {
        virPCIDeviceAddress a;
        g_assert_true(virPCIDeviceAddressParse(bdfs[i], &a));
        g_string_append_printf(xml, "<hostdev mode='subsystem' type='pci' "
                               "managed='%s'><source><address domain='0x%x' "
                               "bus='0x%x' slot='0x%x' function='0x%x'/>"
                               "</source></hostdev>", managed, a.domain,
                               a.bus, a.slot, a.function);
    }
    g_string_append(xml, "</devices></domain>");
    def = qemuDomainDefParseAndNormalize(xml->str, xml->len, name, warnings,
                                         &err);
    if (!def)
        g_printerr("%s\n", err->message);
    g_assert_nonnull(def);
    g_string_free(xml, TRUE);
    return def;
}

static char *
testDriver(const char *bdf)
{
    virPCIDeviceAddress a;
    char *drv;

    g_assert_true(virPCIDeviceAddressParse(bdf, &a));
    drv = virPCIDeviceGetDriver(&a);
    return drv ? drv : g_strdup("none");
}

/* NULL when the host is as the host file describes and no state is left */
static char *
testHostPristine(void)
{
    g_autofree char *groups = g_build_filename(stateDir, "hostdev", "groups",
                                               NULL);
    g_autofree char *devices = g_build_filename(stateDir, "hostdev",
                                                "devices", NULL);
    g_autofree char *journal = g_build_filename(stateDir, "hostdev",
                                                "journal", NULL);
    const char *dirs[] = { groups, devices, journal };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(hostDrivers); i++) {
        g_autofree char *drv = testDriver(hostDrivers[i][0]);
        g_autofree char *ovpath = g_strdup_printf(VIR_PCI_SYSFS_DEVICES
                                                  "/%s/driver_override",
                                                  hostDrivers[i][0]);
        g_autofree char *ov = NULL;

        if (!g_str_equal(drv, hostDrivers[i][1]))
            return g_strdup_printf("%s is on %s, expected %s",
                                   hostDrivers[i][0], drv, hostDrivers[i][1]);
        g_file_get_contents(ovpath, &ov, NULL, NULL);
        if (ov && !g_str_has_prefix(ov, "(null)") &&
            !g_str_equal(hostDrivers[i][1], "vfio-pci"))
            return g_strdup_printf("%s keeps driver_override %s",
                                   hostDrivers[i][0], ov);
    }
    for (i = 0; i < G_N_ELEMENTS(dirs); i++) {
        g_autoptr(GDir) d = g_dir_open(dirs[i], 0, NULL);
        const char *n = d ? g_dir_read_name(d) : NULL;
        if (n)
            return g_strdup_printf("%s/%s left behind", dirs[i], n);
    }
    return NULL;
}

static virHostdevManager *
testManager(void)
{
    g_autoptr(GError) err = NULL;
    virHostdevManager *mgr = virHostdevManagerNew(stateDir, &err);

    g_assert_nonnull(mgr);
    return mgr;
}

static void
testSetFault(const char *line)
{
    g_autofree char *path = g_build_filename(g_getenv("TCEMODEL_ROOT"),
                                             "faults", NULL);
    if (line)
        g_assert_true(g_file_set_contents(path, line, -1, NULL));
    else
        unlink(path);
}

static void
testRoundTrip(void)
{
    const char *bdfs[] = { "0000:01:00.0", "0000:01:00.1", "0000:02:00.0",
                           "0001:01:00.0", NULL };
    g_autoptr(virDomainDef) def = testDomain("rt", bdfs, "yes");
    g_autoptr(virHostdevManager) mgr = testManager();
    g_autoptr(GError) err = NULL;
    g_autofree char *owner = NULL;
    g_autofree char *why = NULL;
    size_t i;

    FAIL_IF(!virHostdevPrepareDomain(mgr, def, &err), "prepare: %s",
            err->message);
    for (i = 0; bdfs[i]; i++) {
        g_autofree char *drv = testDriver(bdfs[i]);
        FAIL_IF(!g_str_equal(drv, "vfio-pci"), "%s on %s after prepare",
                bdfs[i], drv);
    }
    owner = virHostdevGroupOwner(mgr, 0);
    FAIL_IF(g_strcmp0(owner, "rt") != 0, "group 0 owner %s", owner);
    FAIL_IF(!virHostdevReleaseDomain(mgr, def, &err), "release: %s",
            err->message);
    FAIL_IF((why = testHostPristine()), "after release: %s", why);
}

static void
testSiblingOnHostDriver(void)
{
    const char *bdfs[] = { "0000:01:00.0", NULL };
    g_autoptr(virDomainDef) def = testDomain("half", bdfs, "yes");
    g_autoptr(virHostdevManager) mgr = testManager();
    g_autoptr(GError) err = NULL;
    g_autofree char *why = NULL;

    FAIL_IF(virHostdevPrepareDomain(mgr, def, &err),
            "prepare of half a group succeeded");
    FAIL_IF(!strstr(err->message, "0000:01:00.1") ||
            !strstr(err->message, "tg3"), "message does not name the "
            "sibling and its driver: %s", err->message);
    FAIL_IF((why = testHostPristine()), "after refusal: %s", why);
}

static void
testClaimedByOther(void)
{
    const char *bdfs[] = { "0000:02:00.0", NULL };
    g_autoptr(virDomainDef) a = testDomain("alpha", bdfs, "yes");
    g_autoptr(virDomainDef) b = testDomain("beta", bdfs, "yes");
    g_autoptr(virHostdevManager) mgr = testManager();
    g_autoptr(GError) err = NULL;
    g_autofree char *why = NULL;
    virPCIDeviceAddress addr;

    FAIL_IF(!virHostdevPrepareDomain(mgr, a, &err), "alpha: %s", err->message);
    FAIL_IF(virHostdevPrepareDomain(mgr, b, &err), "beta took alpha's group");
    FAIL_IF(!strstr(err->message, "'alpha'"), "message does not name the "
            "owner: %s", err->message);
    g_clear_error(&err);
    g_assert_true(virPCIDeviceAddressParse("0000:02:00.0", &addr));
    FAIL_IF(virHostdevNodeReattach(mgr, &addr, &err), "nodedev-reattach of "
            "a claimed device succeeded");
    g_clear_error(&err);
    FAIL_IF(!virHostdevReleaseDomain(mgr, a, &err), "release: %s",
            err->message);
    FAIL_IF((why = testHostPristine()), "after release: %s", why);
}

static void
testRace(void)
{
    const char *bdfs[] = { "0000:02:00.0", NULL };
    g_autoptr(virHostdevManager) mgr = testManager();
    g_autoptr(GError) err = NULL;
    g_autofree char *why = NULL;
    g_autofree char *owner = NULL;
    pid_t pids[2];
    int wins = 0, status, i;

    for (i = 0; i < 2; i++) {
        if ((pids[i] = fork()) == 0) {
            g_autoptr(virDomainDef) def = testDomain(i ? "racer1" : "racer0",
                                                     bdfs, "yes");
            g_autoptr(virHostdevManager) m = testManager();
            _exit(virHostdevPrepareDomain(m, def, NULL) ? 0 : 1);
        }
    }
    for (i = 0; i < 2; i++) {
        waitpid(pids[i], &status, 0);
        wins += WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    FAIL_IF(wins != 1, "%d of 2 racing prepares won", wins);
    owner = virHostdevGroupOwner(mgr, 2);
    FAIL_IF(!owner, "nobody owns group 2");
    {
        g_autoptr(virDomainDef) def = testDomain(owner, bdfs, "yes");
        FAIL_IF(!virHostdevReleaseDomain(mgr, def, &err), "release: %s",
                err->message);
    }
    FAIL_IF((why = testHostPristine()), "after release: %s", why);
}

static void
testUnbindEbusyRollback(void)
{
    const char *bdfs[] = { "0000:02:00.0", "0000:01:00.0", "0000:01:00.1",
                           NULL };
    g_autoptr(virDomainDef) def = testDomain("busy", bdfs, "yes");
    g_autoptr(virHostdevManager) mgr = testManager();
    g_autoptr(GError) err = NULL;
    g_autofree char *why = NULL;

    /* the third device refuses to unbind: the first two were moved */
    testSetFault("unbind:0000:01:00.1 EBUSY\n");
    FAIL_IF(virHostdevPrepareDomain(mgr, def, &err),
            "prepare succeeded despite EBUSY");
    testSetFault(NULL);
    FAIL_IF(!strstr(err->message, "0000:01:00.1"), "message does not name "
            "the device: %s", err->message);
    FAIL_IF((why = testHostPristine()), "after rollback: %s", why);
}

static void
testUnmanagedOnHostDriver(void)
{
    const char *bdfs[] = { "0000:02:00.0", NULL };
    g_autoptr(virDomainDef) def = testDomain("unmanaged", bdfs, "no");
    g_autoptr(virHostdevManager) mgr = testManager();
    g_autoptr(GError) err = NULL;
    g_autofree char *why = NULL;

    FAIL_IF(virHostdevPrepareDomain(mgr, def, &err), "unmanaged device on "
            "e1000e accepted");
    FAIL_IF(!strstr(err->message, "nodedev-detach"), "no fix in: %s",
            err->message);
    FAIL_IF((why = testHostPristine()), "after refusal: %s", why);
}

static void
testNodedevDetachReattach(void)
{
    g_autoptr(virHostdevManager) mgr = testManager();
    g_autoptr(GError) err = NULL;
    g_autofree char *why = NULL;
    g_autofree char *drv = NULL;
    g_autofree char *orig = NULL;
    virPCIDeviceAddress addr;

    g_assert_true(virPCIDeviceAddressParse("0000:02:00.0", &addr));
    FAIL_IF(!virHostdevNodeDetach(mgr, &addr, &err), "detach: %s",
            err->message);
    drv = testDriver("0000:02:00.0");
    orig = virHostdevOrigDriver(mgr, &addr);
    FAIL_IF(!g_str_equal(drv, "vfio-pci") || g_strcmp0(orig, "e1000e"),
            "after detach: driver %s, recorded %s", drv, orig);
    FAIL_IF(!virHostdevNodeReattach(mgr, &addr, &err), "reattach: %s",
            err->message);
    FAIL_IF((why = testHostPristine()), "after reattach: %s", why);
}

/* ---- crash cases: kill -9 at each step, then recover ---- */

typedef enum { RECOVER_REATTACH, RECOVER_NEXT_PREPARE } testRecovery;

typedef struct {
    const char *name;
    const char *fault;              /* the op the child dies at */
    gboolean release;               /* die during release, not prepare */
    testRecovery how;
} testCrash;

static void
testCrashAt(gconstpointer data)
{
    const testCrash *tc = data;
    const char *bdfs[] = { "0000:02:00.0", "0000:01:00.0", "0000:01:00.1",
                           NULL };
    g_autoptr(virDomainDef) def = testDomain("crash", bdfs, "yes");
    g_autoptr(virHostdevManager) mgr = testManager();
    g_autoptr(GError) err = NULL;
    g_autofree char *why = NULL;
    g_autofree char *fault = g_strdup_printf("%s KILL 1\n", tc->fault);
    pid_t pid;
    int status = 0;

    if (tc->release)
        FAIL_IF(!virHostdevPrepareDomain(mgr, def, &err), "prepare: %s",
                err->message);
    testSetFault(fault);
    if ((pid = fork()) == 0) {
        g_autoptr(virHostdevManager) m = testManager();
        gboolean ok = tc->release ? virHostdevReleaseDomain(m, def, NULL) :
                                    virHostdevPrepareDomain(m, def, NULL);
        _exit(ok ? 0 : 1);
    }
    waitpid(pid, &status, 0);
    testSetFault(NULL);
    FAIL_IF(!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL,
            "the child was not killed at %s (status 0x%x)", tc->fault,
            status);

    if (tc->how == RECOVER_REATTACH) {
        virPCIDeviceAddress addr;
        g_assert_true(virPCIDeviceAddressParse("0000:02:00.0", &addr));
        /* nodedev-reattach first finishes the interrupted operation */
        FAIL_IF(!virHostdevNodeReattach(mgr, &addr, &err),
                "nodedev-reattach after the crash: %s", err->message);
    } else {
        /* the next start of the domain works and its stop restores */
        FAIL_IF(!virHostdevPrepareDomain(mgr, def, &err),
                "prepare after the crash: %s", err->message);
        FAIL_IF(!virHostdevReleaseDomain(mgr, def, &err),
                "release after the crash: %s", err->message);
    }
    FAIL_IF((why = testHostPristine()), "after recovery: %s", why);
}

static const testCrash crashes[] = {
    { "prepare/first-override", "driver_override:0000:02:00.0", FALSE,
      RECOVER_REATTACH },
    { "prepare/first-unbind", "unbind:0000:02:00.0", FALSE, RECOVER_REATTACH },
    { "prepare/first-probe", "drivers_probe:0000:02:00.0", FALSE,
      RECOVER_NEXT_PREPARE },
    { "prepare/second-unbind", "unbind:0000:01:00.0", FALSE,
      RECOVER_NEXT_PREPARE },
    { "prepare/last-probe", "drivers_probe:0000:01:00.1", FALSE,
      RECOVER_REATTACH },
    { "release/first-override", "driver_override:0000:02:00.0", TRUE,
      RECOVER_REATTACH },
    { "release/unbind-vfio", "unbind:0000:01:00.0", TRUE,
      RECOVER_NEXT_PREPARE },
    { "release/bind-host", "bind:0000:01:00.1", TRUE, RECOVER_REATTACH },
};

int
main(int argc, char **argv)
{
    g_autofree char *tmp = NULL;
    size_t i;
    int ret;

    g_test_init(&argc, &argv, NULL);
    if (!g_getenv("TCEMODEL_ROOT")) {
        g_printerr("run me in the fake host: tcemodel-run power9-2phb %s\n",
                   argv[0]);
        return 1;
    }
    tmp = g_dir_make_tmp("virhostdevtest-XXXXXX", NULL);
    stateDir = tmp;
    g_test_add_func("/virhostdev/managed-round-trip", testRoundTrip);
    g_test_add_func("/virhostdev/sibling-on-host-driver", testSiblingOnHostDriver);
    g_test_add_func("/virhostdev/claimed-by-other-domain", testClaimedByOther);
    g_test_add_func("/virhostdev/two-processes-race", testRace);
    g_test_add_func("/virhostdev/unbind-ebusy-rolls-back",
                    testUnbindEbusyRollback);
    g_test_add_func("/virhostdev/unmanaged-on-host-driver",
                    testUnmanagedOnHostDriver);
    g_test_add_func("/virhostdev/nodedev-detach-reattach",
                    testNodedevDetachReattach);
    for (i = 0; i < G_N_ELEMENTS(crashes); i++) {
        g_autofree char *path = g_strdup_printf("/virhostdev/kill-9/%s",
                                                crashes[i].name);
        g_test_add_data_func(path, &crashes[i], testCrashAt);
    }
    ret = g_test_run();
    {
        g_autofree char *q = g_shell_quote(tmp);
        g_autofree char *rm = g_strdup_printf("rm -rf %s", q);
        g_spawn_command_line_sync(rm, NULL, NULL, NULL, NULL);
    }
    return ret;
}
