/*
 * virvfiotest.c: VFIO groups, the scratch-container preflight, release
 * checks and KVM's TCE capabilities on the fake host (kernel/model)
 *
 * Runs under tcemodel-run; the cases depend on the host it runs in
 * (DIR/model/host):
 *   contract                the kernel contract host: group 0 viable on
 *                           vfio-pci, group 1 with a sibling on e1000e,
 *                           group 2 on e1000e; POWER9 IOMMU defaults
 *                           (dma32 0 + 2 GiB, pgsizes 0x40211000, 2
 *                           windows, 5 levels); a fake POWER /dev/kvm
 *   power9-multifn-hostdrv  group 0: xHCI on vfio-pci, AHCI on ahci;
 *                           group 1: an unbound NIC
 *   power9-tcevfio0         tests/nodedevdata: a POWER KVM without
 *                           KVM_CAP_SPAPR_TCE_VFIO
 *   power9-2phb             no fake /dev/kvm: this machine's own KVM
 * Faults are injected through DIR/faults (kernel/model/README.md).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <linux/kvm.h>
#include <linux/vfio.h>

#include "virerror.h"
#include "virpci.h"
#include "virvfio.h"

#ifndef KVM_DEV_VFIO_FILE
# define KVM_DEV_VFIO_FILE KVM_DEV_VFIO_GROUP
# define KVM_DEV_VFIO_FILE_ADD KVM_DEV_VFIO_GROUP_ADD
#endif

#define FAIL_IF(cond, ...) do { \
    if (cond) { \
        g_test_fail_printf(__VA_ARGS__); \
        return; \
    } \
} while (0)

static void
testSetFaults(const char *lines)
{
    g_autofree char *path = g_build_filename(g_getenv("TCEMODEL_ROOT"),
                                             "faults", NULL);

    if (lines)
        g_assert_true(g_file_set_contents(path, lines, -1, NULL));
    else
        unlink(path);
}

static char *
testBlockers(const virVFIOGroupViability *v)
{
    g_autoptr(GString) s = g_string_new(NULL);
    size_t i;

    for (i = 0; i < v->blockers->len; i++)
        g_string_append_printf(s, "%s%s", i ? "; " : "",
                               (char *) g_ptr_array_index(v->blockers, i));
    return g_string_free(g_steal_pointer(&s), FALSE);
}

/* viability ---------------------------------------------------------- */

typedef struct {
    const char *name;
    int group;
    gboolean askKernel;
    virVFIOGroupState state;
    int kernelViable;
    gboolean viable;
    const char *blockers;       /* "; "-joined */
    const char *reason;         /* NULL: viable */
} testViabilityData;

static void
testViability(gconstpointer opaque)
{
    const testViabilityData *d = opaque;
    g_autoptr(virVFIOGroupViability) v = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *blockers = NULL;
    g_autofree char *reason = NULL;

    v = virVFIOGroupGetViability(d->group, d->askKernel, &err);
    FAIL_IF(!v, "group %d: %s", d->group, err->message);
    blockers = testBlockers(v);
    reason = virVFIOGroupViabilityReason(v);
    FAIL_IF(v->state != d->state, "state %d, expected %d", v->state, d->state);
    FAIL_IF(v->kernelViable != d->kernelViable, "kernelViable %d, expected %d",
            v->kernelViable, d->kernelViable);
    FAIL_IF(v->viable != d->viable, "viable %d, expected %d", v->viable,
            d->viable);
    FAIL_IF(!g_str_equal(blockers, d->blockers), "blockers '%s', expected '%s'",
            blockers, d->blockers);
    FAIL_IF(g_strcmp0(reason, d->reason) != 0, "reason '%s', expected '%s'",
            reason, d->reason);
}

static const testViabilityData multifnViability[] = {
    { "sibling-on-host-driver", 0, TRUE, VIR_VFIO_GROUP_FREE, 0, FALSE,
      "0000:01:00.1 (ahci)",
      "IOMMU group 0 is not viable: 0000:01:00.1 (ahci) is bound to a host "
      "driver; detach it with 'tcevirt nodedev-detach pci_0000_01_00_1' "
      "(every device of an IOMMU group must be on vfio-pci or unbound)" },
    { "sibling-on-host-driver-sysfs-only", 0, FALSE, VIR_VFIO_GROUP_FREE, -1,
      FALSE, "0000:01:00.1 (ahci)",
      "IOMMU group 0 is not viable: 0000:01:00.1 (ahci) is bound to a host "
      "driver; detach it with 'tcevirt nodedev-detach pci_0000_01_00_1' "
      "(every device of an IOMMU group must be on vfio-pci or unbound)" },
    { "unbound-no-node", 1, TRUE, VIR_VFIO_GROUP_NO_NODE, -1, TRUE, "", NULL },
};

static const testViabilityData contractViability[] = {
    { "viable", 0, TRUE, VIR_VFIO_GROUP_FREE, 1, TRUE, "", NULL },
    { "sibling-on-host-driver", 1, TRUE, VIR_VFIO_GROUP_FREE, 0, FALSE,
      "0001:01:00.1 (e1000e)",
      "IOMMU group 1 is not viable: 0001:01:00.1 (e1000e) is bound to a host "
      "driver; detach it with 'tcevirt nodedev-detach pci_0001_01_00_1' "
      "(every device of an IOMMU group must be on vfio-pci or unbound)" },
    { "all-on-host-driver", 2, TRUE, VIR_VFIO_GROUP_NO_NODE, -1, FALSE,
      "0002:01:00.0 (e1000e); 0002:01:00.1 (e1000e)",
      "IOMMU group 2 is not viable: 0002:01:00.0 (e1000e), 0002:01:00.1 "
      "(e1000e) are bound to a host driver; detach them with 'tcevirt "
      "nodedev-detach pci_0002_01_00_0', 'tcevirt nodedev-detach "
      "pci_0002_01_00_1' (every device of an IOMMU group must be on vfio-pci "
      "or unbound)" },
};

static void
testViabilityNoGroup(void)
{
    g_autoptr(virVFIOGroupViability) v = NULL;
    g_autoptr(GError) err = NULL;

    v = virVFIOGroupGetViability(42, TRUE, &err);
    FAIL_IF(v, "group 42 does not exist but has a viability");
    FAIL_IF(!strstr(err->message, "IOMMU group 42"), "%s", err->message);
}

/* preflight ---------------------------------------------------------- */

static void
testPreflightValues(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *pg = NULL;
    virVFIOSpaprInfo info;

    FAIL_IF(!virVFIOGroupPreflight(0, &info, &err), "%s", err->message);
    FAIL_IF(info.iommuType != VFIO_SPAPR_TCE_v2_IOMMU, "IOMMU type %u",
            info.iommuType);
    FAIL_IF(info.dma32Start != 0 || info.dma32Size != 0x80000000U,
            "dma32 window 0x%x + 0x%x", info.dma32Start, info.dma32Size);
    FAIL_IF(!info.ddw, "no DDW");
    FAIL_IF(info.pgsizes != 0x40211000, "pgsizes 0x%" G_GINT64_MODIFIER "x",
            info.pgsizes);
    FAIL_IF(info.maxWindows != 2 || info.levels != 5, "%u windows, %u levels",
            info.maxWindows, info.levels);
    FAIL_IF(!info.eeh, "no EEH");
    FAIL_IF(!info.released, "the group was not released after the preflight");
    FAIL_IF(virVFIOGroupProbe(0, &err) != VIR_VFIO_GROUP_FREE,
            "group 0 is held after the preflight");
    pg = virVFIOPageSizesFormat(info.pgsizes);
    FAIL_IF(!g_str_equal(pg, "4K 64K 2M 1G"), "page sizes '%s'", pg);
}

typedef struct {
    const char *name;
    int group;
    const char *faults;         /* DIR/faults, NULL: none */
    int code;
    const char *message;        /* the error message, or a part of it */
    gboolean exact;
} testPreflightErrorData;

static void
testPreflightError(gconstpointer opaque)
{
    const testPreflightErrorData *d = opaque;
    g_autoptr(GError) err = NULL;
    g_autoptr(GError) err2 = NULL;
    virVFIOSpaprInfo info;
    gboolean ok;
    int state;

    testSetFaults(d->faults);
    ok = virVFIOGroupPreflight(d->group, &info, &err);
    testSetFaults(NULL);
    FAIL_IF(ok, "the preflight of group %d passed", d->group);
    FAIL_IF(err->code != d->code, "code %d, expected %d (%s)", err->code,
            d->code, err->message);
    FAIL_IF(d->exact ? !g_str_equal(err->message, d->message)
                     : !strstr(err->message, d->message),
            "message '%s', expected '%s'", err->message, d->message);
    /* whatever failed, nothing stays open */
    state = virVFIOGroupProbe(d->group, &err2);
    FAIL_IF(state == VIR_VFIO_GROUP_BUSY, "group %d is held after a failed "
            "preflight", d->group);
}

static const testPreflightErrorData multifnPreflight[] = {
    { "nonviable", 0, NULL, VIR_ERR_OPERATION_INVALID,
      "IOMMU group 0 is not viable: 0000:01:00.1 (ahci) is bound to a host "
      "driver; detach it with 'tcevirt nodedev-detach pci_0000_01_00_1' "
      "(every device of an IOMMU group must be on vfio-pci or unbound)", TRUE },
    { "no-node", 1, NULL, VIR_ERR_OPERATION_INVALID,
      "IOMMU group 1 has no VFIO node /dev/vfio/1 because none of its devices "
      "is bound to vfio-pci: 0001:01:00.0 (no driver); detach it with 'tcevirt "
      "nodedev-detach pci_0001_01_00_0'", TRUE },
};

static const testPreflightErrorData contractPreflight[] = {
    { "nonviable", 1, NULL, VIR_ERR_OPERATION_INVALID,
      "IOMMU group 1 is not viable: 0001:01:00.1 (e1000e) is bound to a host "
      "driver; detach it with 'tcevirt nodedev-detach pci_0001_01_00_1' "
      "(every device of an IOMMU group must be on vfio-pci or unbound)", TRUE },
    { "no-node", 2, NULL, VIR_ERR_OPERATION_INVALID,
      "IOMMU group 2 has no VFIO node /dev/vfio/2 because none of its devices "
      "is bound to vfio-pci: 0002:01:00.0 (e1000e), 0002:01:00.1 (e1000e); "
      "detach them with 'tcevirt nodedev-detach pci_0002_01_00_0', 'tcevirt "
      "nodedev-detach pci_0002_01_00_1'", TRUE },
    { "set-container-eperm", 0, "ioctl:VFIO_GROUP_SET_CONTAINER EPERM 1\n",
      VIR_ERR_OPERATION_INVALID,
      "the kernel refused to attach IOMMU group 0 to a VFIO container "
      "(VFIO_GROUP_SET_CONTAINER: Operation not permitted)", FALSE },
    { "no-spapr-iommu", 0, "ioctl:VFIO_CHECK_EXTENSION ENOTTY\n",
      VIR_ERR_OPERATION_INVALID,
      "offers no sPAPR TCE IOMMU for IOMMU group 0", FALSE },
    { "set-iommu-enodev", 0, "ioctl:VFIO_SET_IOMMU ENODEV 1\n",
      VIR_ERR_OPERATION_INVALID,
      "no IOMMU driver accepts IOMMU group 0 (VFIO_SET_IOMMU "
      "VFIO_SPAPR_TCE_v2_IOMMU: No such device): load vfio_iommu_spapr_tce",
      FALSE },
    { "set-iommu-einval", 0, "ioctl:VFIO_SET_IOMMU EINVAL 1\n",
      VIR_ERR_OPERATION_INVALID, "its PHB offers no dynamic DMA windows",
      FALSE },
    { "get-info-eio", 0, "ioctl:VFIO_IOMMU_SPAPR_TCE_GET_INFO EIO 1\n",
      VIR_ERR_SYSTEM_ERROR,
      "cannot read the DMA windows of IOMMU group 0 "
      "(VFIO_IOMMU_SPAPR_TCE_GET_INFO): Input/output error", TRUE },
    { "open-eacces", 0, "open:/dev/vfio/0 EACCES 1\n",
      VIR_ERR_OPERATION_DENIED, "run tcevirt as root", FALSE },
    { "no-container", 0, "open:/dev/vfio/vfio ENOENT 1\n",
      VIR_ERR_OPERATION_INVALID,
      "the VFIO container device /dev/vfio/vfio is missing: load VFIO with "
      "'modprobe vfio-pci'", TRUE },
};

/* release checks ----------------------------------------------------- */

/* A child process that holds /dev/vfio/@group until its stdin pipe closes */
typedef struct {
    pid_t pid;
    int release;                /* close to make the child exit */
} testHolder;

static gboolean
testHolderStart(testHolder *h, int group)
{
    int ready[2], release[2];
    char c = 0;

    if (pipe(ready) < 0 || pipe(release) < 0)
        return FALSE;
    if ((h->pid = fork()) == 0) {
        g_autoptr(GError) err = NULL;
        int fd = virVFIOGroupOpen(group, &err);

        close(ready[0]);
        close(release[1]);
        c = fd >= 0 ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1)
            _exit(2);
        while (read(release[0], &c, 1) > 0)
            ;
        _exit(fd >= 0 ? 0 : 1);
    }
    close(ready[1]);
    close(release[0]);
    h->release = release[1];
    if (read(ready[0], &c, 1) != 1)
        c = 'n';
    close(ready[0]);
    return c == 'y';
}

static void
testHolderStop(testHolder *h)
{
    int status;

    close(h->release);
    waitpid(h->pid, &status, 0);
}

static void
testReleaseHeldByOtherProcess(void)
{
    g_autoptr(virVFIOGroupViability) v = NULL;
    g_autoptr(GError) err = NULL;
    virVFIOSpaprInfo info;
    testHolder h;
    gboolean held = testHolderStart(&h, 0);
    int busy, nobody;
    gboolean preflight, viableWhileHeld, sawBusy;

    if (!held) {
        testHolderStop(&h);
        FAIL_IF(TRUE, "the child could not open group 0");
    }
    busy = virVFIOGroupProbe(0, NULL);
    preflight = virVFIOGroupPreflight(0, &info, &err);
    v = virVFIOGroupGetViability(0, TRUE, NULL);
    viableWhileHeld = v && v->state == VIR_VFIO_GROUP_BUSY &&
                      v->kernelViable == -1 && v->viable;
    testHolderStop(&h);
    nobody = virVFIOGroupProbe(0, NULL);
    sawBusy = busy == VIR_VFIO_GROUP_BUSY;

    FAIL_IF(!sawBusy, "probe while held: %d, expected BUSY", busy);
    FAIL_IF(preflight, "the preflight passed while another process held it");
    FAIL_IF(err->code != VIR_ERR_RESOURCE_BUSY, "code %d: %s", err->code,
            err->message);
    FAIL_IF(!g_str_equal(err->message,
                         "IOMMU group 0 (/dev/vfio/0) is in use by another "
                         "process (a guest's QEMU, or KVM until that QEMU "
                         "exits); find it with 'fuser -v /dev/vfio/0' and stop "
                         "its domain first"), "%s", err->message);
    FAIL_IF(!viableWhileHeld, "viability while held: state %d kernel %d "
            "viable %d", v ? (int) v->state : -1, v ? v->kernelViable : -9,
            v ? v->viable : -1);
    FAIL_IF(nobody != VIR_VFIO_GROUP_FREE, "probe after the holder exited: %d",
            nobody);
}

static void
testReleaseWaitTimesOut(void)
{
    g_autoptr(GError) err = NULL;
    testHolder h;
    gboolean held = testHolderStart(&h, 0);
    gboolean ok = held && virVFIOGroupWaitReleased(0, 100, &err);

    testHolderStop(&h);
    FAIL_IF(!held, "the child could not open group 0");
    FAIL_IF(ok, "wait returned while the group was held");
    FAIL_IF(err->code != VIR_ERR_OPERATION_TIMEOUT, "code %d: %s", err->code,
            err->message);
    FAIL_IF(!strstr(err->message, "IOMMU group 0 (/dev/vfio/0) is still held "
                    "100 ms"), "%s", err->message);
}

static void
testReleaseWaitHolderExits(void)
{
    g_autoptr(GError) err = NULL;
    testHolder h;
    gboolean held = testHolderStart(&h, 0);
    pid_t closer;

    FAIL_IF(!held, "the child could not open group 0");
    /* the holder goes away while we wait: SIGKILL, as a crashed QEMU */
    if ((closer = fork()) == 0) {
        g_usleep(100 * 1000);
        kill(h.pid, SIGKILL);
        _exit(0);
    }
    FAIL_IF(!virVFIOGroupWaitReleased(0, 5000, &err), "%s", err->message);
    waitpid(closer, NULL, 0);
    testHolderStop(&h);
}

/* KVM's own reference: after KVM_DEV_VFIO_FILE_ADD the group stays held
 * when userspace closes its fd, until the KVM-VFIO device goes (as on the
 * real 6.12 kernel, docs/kernel-contract.rst) */
static void
testReleaseHeldByKVM(void)
{
    struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO };
    g_autoptr(GError) err = NULL;
    int kvm = open(VIR_KVM_PATH, O_RDWR | O_CLOEXEC);
    int vm = kvm >= 0 ? ioctl(kvm, KVM_CREATE_VM, 0) : -1;
    int group = virVFIOGroupOpen(0, &err);
    struct kvm_device_attr attr = {
        .group = KVM_DEV_VFIO_FILE, .attr = KVM_DEV_VFIO_FILE_ADD,
        .addr = (guint64) (uintptr_t) &group,
    };
    gboolean added = FALSE;
    int whileKVM, afterKVM;

    if (vm >= 0 && group >= 0 && ioctl(vm, KVM_CREATE_DEVICE, &cd) == 0)
        added = ioctl(cd.fd, KVM_SET_DEVICE_ATTR, &attr) == 0;
    if (group >= 0)
        close(group);
    whileKVM = virVFIOGroupProbe(0, NULL);
    if (added)
        close(cd.fd);
    if (vm >= 0)
        close(vm);
    if (kvm >= 0)
        close(kvm);
    afterKVM = virVFIOGroupProbe(0, NULL);
    FAIL_IF(!added, "could not give group 0 to the KVM-VFIO device");
    FAIL_IF(whileKVM != VIR_VFIO_GROUP_BUSY, "probe while KVM holds the group: "
            "%d, expected BUSY", whileKVM);
    FAIL_IF(afterKVM != VIR_VFIO_GROUP_FREE, "probe after KVM let go: %d",
            afterKVM);
}

static void
testProbeNoNode(void)
{
    g_autoptr(GError) err = NULL;
    int state = virVFIOGroupProbe(1, &err);

    FAIL_IF(state != VIR_VFIO_GROUP_NO_NODE, "probe of group 1: %d", state);
}

/* container ---------------------------------------------------------- */

static void
testContainerProbe(void)
{
    g_autoptr(GError) err = NULL;
    virVFIOContainerCaps caps;

    FAIL_IF(!virVFIOContainerProbe(&caps, &err), "%s", err->message);
    FAIL_IF(caps.apiVersion != VFIO_API_VERSION, "API version %d",
            caps.apiVersion);
    FAIL_IF(!caps.spaprV2 || !caps.spaprV1 || caps.type1 || !caps.eeh,
            "v2 %d v1 %d type1 %d eeh %d", caps.spaprV2, caps.spaprV1,
            caps.type1, caps.eeh);
}

/* KVM ---------------------------------------------------------------- */

static void
testKVMPower(void)
{
    g_autoptr(virVFIOKVMCaps) caps = virVFIOKVMCapsProbe();
    g_autofree char *line = NULL;
    virVFIOTCEAccel accel;

    FAIL_IF(!caps->present, "no KVM: %s", caps->why);
    FAIL_IF(!caps->power || !caps->hv, "power %d hv %d", caps->power,
            caps->hv);
    FAIL_IF(caps->apiVersion != KVM_API_VERSION, "API %d", caps->apiVersion);
    FAIL_IF(caps->spaprTce != 1 || caps->spaprTce64 != 1 ||
            caps->spaprTceVfio != 1, "SPAPR_TCE %d _64 %d _VFIO %d",
            caps->spaprTce, caps->spaprTce64, caps->spaprTceVfio);
    FAIL_IF(!caps->vfioDevice, "no KVM-VFIO device: %s",
            g_strerror(caps->vfioDeviceErrno));
    accel = virVFIOTCEAccelPredict(caps, 1, &line);
    FAIL_IF(accel != VIR_VFIO_TCE_ACCEL_AVAILABLE, "%s", line);
    FAIL_IF(!g_str_equal(line, "in-kernel TCE acceleration: available"), "%s",
            line);
    /* the probe's VM and devices are gone: a KVM-VFIO device can be made */
    g_clear_pointer(&caps, virVFIOKVMCapsFree);
    caps = virVFIOKVMCapsProbe();
    FAIL_IF(!caps->vfioDevice, "second probe: no KVM-VFIO device: %s",
            g_strerror(caps->vfioDeviceErrno));
}

static void
testKVMNone(void)
{
    g_autoptr(virVFIOKVMCaps) caps = NULL;
    g_autofree char *line = NULL;
    virVFIOTCEAccel accel;

    testSetFaults("open:/dev/kvm ENOENT\n");
    caps = virVFIOKVMCapsProbe();
    testSetFaults(NULL);
    FAIL_IF(caps->present, "KVM present despite the fault");
    FAIL_IF(!g_str_equal(caps->why, "cannot open /dev/kvm: No such file or "
                         "directory"), "%s", caps->why);
    accel = virVFIOTCEAccelPredict(caps, 1, &line);
    FAIL_IF(accel != VIR_VFIO_TCE_ACCEL_UNAVAILABLE, "%s", line);
    FAIL_IF(!g_str_equal(line, "in-kernel TCE acceleration: unavailable: no "
                         "KVM (cannot open /dev/kvm: No such file or "
                         "directory); QEMU would run the guest under TCG"),
            "%s", line);
}

static void
testKVMNoTCEVFIO(void)
{
    g_autoptr(virVFIOKVMCaps) caps = virVFIOKVMCapsProbe();
    g_autofree char *line = NULL;
    virVFIOTCEAccel accel;

    FAIL_IF(!caps->present || !caps->power, "no POWER KVM: %s", caps->why);
    FAIL_IF(caps->spaprTceVfio != 0 || caps->spaprTce != 1,
            "SPAPR_TCE %d SPAPR_TCE_VFIO %d", caps->spaprTce,
            caps->spaprTceVfio);
    accel = virVFIOTCEAccelPredict(caps, 1, &line);
    FAIL_IF(accel != VIR_VFIO_TCE_ACCEL_UNAVAILABLE, "%s", line);
    FAIL_IF(!strstr(line, "unavailable: KVM does not report "
                    "KVM_CAP_SPAPR_TCE_VFIO on a VM"), "%s", line);
}

/* this machine's own /dev/kvm (no fake one in the host) */
static void
testKVMThisMachine(void)
{
    g_autoptr(virVFIOKVMCaps) caps = virVFIOKVMCapsProbe();
    g_autofree char *line = NULL;
    virVFIOTCEAccel accel = virVFIOTCEAccelPredict(caps, 1, &line);

#if defined(__powerpc64__)
    g_test_skip("a POWER machine: its own KVM may well accelerate");
    return;
#endif
    FAIL_IF(accel != VIR_VFIO_TCE_ACCEL_UNAVAILABLE, "%s", line);
    if (caps->present) {
        FAIL_IF(caps->power || caps->spaprTce || caps->spaprTce64 ||
                caps->spaprTceVfio || caps->hv, "sPAPR capabilities on a "
                "non-POWER KVM");
        FAIL_IF(!strstr(line, "/dev/kvm is not a POWER KVM"), "%s", line);
    } else {
        FAIL_IF(!strstr(line, "no KVM (cannot open /dev/kvm") &&
                !strstr(line, "no KVM (KVM_CREATE_VM"), "%s", line);
    }
}

/* the prediction, condition by condition (reference/qemu.md §3) */
typedef struct {
    const char *name;
    virVFIOKVMCaps caps;
    int spaprV2;
    virVFIOTCEAccel accel;
    const char *part;
} testPredictData;

#define POWER_CAPS(tce64, vfio, dev) \
    { .present = TRUE, .apiVersion = 12, .power = TRUE, .hv = TRUE, \
      .spaprTce = 1, .spaprTce64 = (tce64), .spaprTceVfio = (vfio), \
      .vfioDevice = (dev), .vfioDeviceErrno = (dev) ? 0 : ENODEV }

static const testPredictData predictions[] = {
    { "all", POWER_CAPS(1, 1, TRUE), 1, VIR_VFIO_TCE_ACCEL_AVAILABLE,
      "in-kernel TCE acceleration: available" },
    { "no-tce64", POWER_CAPS(0, 1, TRUE), 1, VIR_VFIO_TCE_ACCEL_32BIT_ONLY,
      "32-bit window only: KVM lacks KVM_CAP_SPAPR_TCE_64" },
    { "no-tce-vfio", POWER_CAPS(1, 0, TRUE), 1, VIR_VFIO_TCE_ACCEL_UNAVAILABLE,
      "KVM_CAP_SPAPR_TCE_VFIO" },
    { "no-kvm-vfio-device", POWER_CAPS(1, 1, FALSE), 1,
      VIR_VFIO_TCE_ACCEL_UNAVAILABLE, "no KVM-VFIO device (KVM_CREATE_DEVICE "
      "KVM_DEV_TYPE_VFIO: No such device)" },
    { "spapr-v1-only", POWER_CAPS(1, 1, TRUE), 0,
      VIR_VFIO_TCE_ACCEL_UNAVAILABLE, "does not offer VFIO_SPAPR_TCE_v2_IOMMU" },
    { "no-container", POWER_CAPS(1, 1, TRUE), -1,
      VIR_VFIO_TCE_ACCEL_UNAVAILABLE, "there is no VFIO container" },
    { "not-power", { .present = TRUE, .apiVersion = 12, .vfioDevice = TRUE },
      1, VIR_VFIO_TCE_ACCEL_UNAVAILABLE, "/dev/kvm is not a POWER KVM" },
};

static void
testPredict(gconstpointer opaque)
{
    const testPredictData *d = opaque;
    g_autofree char *line = NULL;
    virVFIOTCEAccel accel = virVFIOTCEAccelPredict(&d->caps, d->spaprV2, &line);

    FAIL_IF(accel != d->accel, "accel %d, expected %d: %s", accel, d->accel,
            line);
    FAIL_IF(!strstr(line, d->part), "'%s' lacks '%s'", line, d->part);
    FAIL_IF(!g_str_has_prefix(line, "in-kernel TCE acceleration: "), "%s",
            line);
}

static void
testPageSizes(void)
{
    static const struct { guint64 bits; const char *text; } cases[] = {
        { 0x40211000, "4K 64K 2M 1G" },
        { 0x1000, "4K" },
        { 0x1001000, "4K 16M" },
        { 0x400000000ULL, "16G" },
        { 0, "none" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *text = virVFIOPageSizesFormat(cases[i].bits);
        FAIL_IF(!g_str_equal(text, cases[i].text), "0x%" G_GINT64_MODIFIER
                "x: '%s', expected '%s'", cases[i].bits, text, cases[i].text);
    }
}

/* -------------------------------------------------------------------- */

static void
testAddViability(const char *host, const testViabilityData *d, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        g_autofree char *path = g_strdup_printf("/virvfio/%s/viability/%s",
                                                host, d[i].name);
        g_test_add_data_func(path, &d[i], testViability);
    }
}

static void
testAddPreflightErrors(const char *host, const testPreflightErrorData *d,
                       size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        g_autofree char *path = g_strdup_printf("/virvfio/%s/preflight/%s",
                                                host, d[i].name);
        g_test_add_data_func(path, &d[i], testPreflightError);
    }
}

int
main(int argc, char **argv)
{
    const char *root = g_getenv("TCEMODEL_ROOT");
    g_autofree char *hostPath = NULL;
    g_autofree char *host = NULL;
    size_t i;

    g_test_init(&argc, &argv, NULL);
    hostPath = root ? g_build_filename(root, "model", "host", NULL) : NULL;
    if (!hostPath || !g_file_get_contents(hostPath, &host, NULL, NULL)) {
        g_printerr("run me in the fake host: tcemodel-run contract %s\n",
                   argv[0]);
        return 1;
    }
    g_strstrip(host);

    if (g_str_equal(host, "contract")) {
        testAddViability(host, contractViability,
                         G_N_ELEMENTS(contractViability));
        g_test_add_func("/virvfio/contract/viability/no-such-group",
                        testViabilityNoGroup);
        g_test_add_func("/virvfio/contract/preflight/values",
                        testPreflightValues);
        testAddPreflightErrors(host, contractPreflight,
                               G_N_ELEMENTS(contractPreflight));
        g_test_add_func("/virvfio/contract/release/held-by-other-process",
                        testReleaseHeldByOtherProcess);
        g_test_add_func("/virvfio/contract/release/wait-times-out",
                        testReleaseWaitTimesOut);
        g_test_add_func("/virvfio/contract/release/wait-holder-killed",
                        testReleaseWaitHolderExits);
        g_test_add_func("/virvfio/contract/release/held-by-kvm",
                        testReleaseHeldByKVM);
        g_test_add_func("/virvfio/contract/container/probe",
                        testContainerProbe);
        g_test_add_func("/virvfio/contract/kvm/power", testKVMPower);
        g_test_add_func("/virvfio/contract/kvm/none", testKVMNone);
        for (i = 0; i < G_N_ELEMENTS(predictions); i++) {
            g_autofree char *path = g_strdup_printf("/virvfio/contract/predict/%s",
                                                    predictions[i].name);
            g_test_add_data_func(path, &predictions[i], testPredict);
        }
        g_test_add_func("/virvfio/contract/page-sizes", testPageSizes);
    } else if (g_str_equal(host, "power9-multifn-hostdrv")) {
        testAddViability(host, multifnViability,
                         G_N_ELEMENTS(multifnViability));
        testAddPreflightErrors(host, multifnPreflight,
                               G_N_ELEMENTS(multifnPreflight));
        g_test_add_func("/virvfio/power9-multifn-hostdrv/probe/no-node",
                        testProbeNoNode);
    } else if (g_str_equal(host, "power9-tcevfio0")) {
        g_test_add_func("/virvfio/power9-tcevfio0/kvm/no-tce-vfio",
                        testKVMNoTCEVFIO);
    } else if (g_str_equal(host, "power9-2phb")) {
        g_test_add_func("/virvfio/power9-2phb/kvm/this-machine",
                        testKVMThisMachine);
    } else {
        g_printerr("virvfiotest has no cases for host '%s'\n", host);
        return 1;
    }
    return g_test_run();
}
