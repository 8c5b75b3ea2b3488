/*
 * kvm_vfio_release_test.c: a VFIO group added to the KVM-VFIO device but
 * never linked to a KVM TCE table must be dropped without a kernel WARN.
 *
 * This is what a QEMU does that fails between KVM_DEV_VFIO_FILE_ADD and
 * KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE (a refused capability, a memlock
 * failure, a kill): on kernels with CONFIG_SPAPR_TCE_IOMMU since 6.1,
 * kvm_spapr_tce_release_vfio_group() hits WARN_ON_ONCE(!kvf->iommu_group)
 * for such a group, from kvm_vfio_release() (the device fd closed) and from
 * kvm_vfio_file_del() (FILE_DEL).  kernel/patches/0001-* is the fix.
 *
 * Each case reads /dev/kmsg from its end before the operation and fails
 * when the kernel logged a WARNING during it.  WARN_ON_ONCE fires once
 * per boot: each case first writes /sys/kernel/debug/clear_warn_once
 * (debugfs mounted) so that it sees its own WARN; without debugfs it says
 * so and only the first case of a boot can see the stock kernel's WARN.
 *
 *   TCE_BDF  a vfio-pci device in a viable IOMMU group (required)
 */
#include "tce_selftest.h"
#include "tce_kvm.h"

#define CLEAR_WARN_ONCE "/sys/kernel/debug/clear_warn_once"

static int group = -1;
static int warnOnceCleared = -1;    /* -1 unknown, 0 no, 1 yes */

/* /dev/kmsg positioned at its end, or -1 */
static int
kmsg_open(void)
{
    int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

    if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/*
 * Kernel log records since kmsg_open() that are WARNINGs; the first one's
 * text goes to @first.  /dev/kmsg gives one record per read and EAGAIN at
 * the end (EPIPE when records were overwritten: read on); a plain file
 * (the model's) gives lines and 0 at the end.
 */
static int
kmsg_warnings(int fd, char *first, size_t firstlen)
{
    char buf[8192];
    int warns = 0;

    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        char *line, *save = NULL;

        if (n < 0 && errno == EPIPE)
            continue;
        if (n <= 0)
            break;
        buf[n] = '\0';
        for (line = strtok_r(buf, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
            char *msg = strchr(line, ';');

            /* continuation lines of a record start with a space */
            if (line[0] == ' ' || !msg)
                continue;
            if (strncmp(msg + 1, "WARNING:", 8) == 0 && warns++ == 0)
                snprintf(first, firstlen, "%s", msg + 1);
        }
    }
    return warns;
}

static void
clear_warn_once(void)
{
    int fd = open(CLEAR_WARN_ONCE, O_WRONLY | O_CLOEXEC);

    warnOnceCleared = fd >= 0 && write(fd, "1", 1) == 1;
    if (fd >= 0)
        close(fd);
}

typedef struct {
    int kvm, vm, dev, grp, container, kmsg;
} release_ctx;

static void
rctx_close(release_ctx *c)
{
    tce_close(&c->dev);
    tce_close(&c->vm);
    tce_close(&c->kvm);
    tce_close(&c->grp);
    tce_close(&c->container);
    tce_close(&c->kmsg);
}

/*
 * What QEMU has done when it fails before SET_SPAPR_TCE: the group in an
 * sPAPR v2 container, a VM, its KVM-VFIO device, the group added to it.
 * Returns KSFT_PASS with everything open, or fills @why.
 */
static int
rctx_setup(release_ctx *c, char *why, size_t whylen)
{
    struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO };

    c->kvm = c->vm = c->dev = c->grp = c->container = c->kmsg = -1;
    REQUIRE(group >= 0, "TCE_BDF (a vfio-pci device in a viable group) not "
            "given");
    REQUIRE((c->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC)) >= 0,
            "/dev/kvm is not available (errno %d)", errno);
    if (ioctl(c->kvm, KVM_CHECK_EXTENSION, KVM_CAP_SPAPR_TCE_VFIO) <= 0) {
        rctx_close(c);
        KSFT_WHY("KVM has no KVM_CAP_SPAPR_TCE_VFIO (not a POWER host "
                 "with CONFIG_SPAPR_TCE_IOMMU)");
        return KSFT_SKIP;
    }
    if ((c->kmsg = kmsg_open()) < 0) {
        KSFT_WHY("/dev/kmsg cannot be read (errno %d)", errno);
        rctx_close(c);
        return KSFT_SKIP;
    }
    if ((c->grp = tce_open_group(group)) < 0 ||
        (c->container = tce_spapr_container(c->grp)) < 0 ||
        (c->vm = ioctl(c->kvm, KVM_CREATE_VM, 0)) < 0 ||
        ioctl(c->vm, KVM_CREATE_DEVICE, &cd) < 0) {
        KSFT_WHY("group %d, container, VM or KVM-VFIO device: errno %d",
                 group, errno);
        rctx_close(c);
        return KSFT_FAIL;
    }
    c->dev = cd.fd;
    if (vfio_file_attr(c->dev, KVM_DEV_VFIO_FILE_ADD, &c->grp) < 0) {
        KSFT_WHY("KVM_DEV_VFIO_FILE_ADD of group %d: errno %d", group, errno);
        rctx_close(c);
        return KSFT_FAIL;
    }
    return KSFT_PASS;
}

/*
 * After the operation: every fd closed, then whether the group can be
 * opened again (nothing kept it) and the WARNINGs logged since setup (the
 * log is read last, so that it covers the whole teardown).
 */
static int
rctx_finish(release_ctx *c, int *warns, char *warning, size_t len)
{
    int kmsg = c->kmsg, g, free;

    c->kmsg = -1;
    rctx_close(c);
    g = tce_open_group(group);
    free = g >= 0;
    if (g >= 0)
        close(g);
    *warns = kmsg_warnings(kmsg, warning, len);
    close(kmsg);
    return free;
}

static int
t_release_unlinked(char *why, size_t whylen)
{
    char warning[512] = "";
    release_ctx c;
    int rc, warns, free;

    clear_warn_once();
    if ((rc = rctx_setup(&c, why, whylen)) != KSFT_PASS)
        return rc;
    /* the KVM-VFIO device fd closed: kvm_vfio_release() */
    tce_close(&c.dev);
    free = rctx_finish(&c, &warns, warning, sizeof(warning));
    EXPECT_TRUE(warns == 0, "closing the KVM-VFIO device logged %d kernel "
                "WARNING(s): \"%s\"", warns, warning);
    EXPECT_TRUE(free, "group %d still busy after every fd was closed", group);
    return KSFT_PASS;
}

static int
t_file_del_unlinked(char *why, size_t whylen)
{
    char warning[512] = "";
    release_ctx c;
    int rc, r, e, warns, free;

    clear_warn_once();
    if ((rc = rctx_setup(&c, why, whylen)) != KSFT_PASS)
        return rc;
    /* KVM_DEV_VFIO_FILE_DEL: kvm_vfio_file_del() */
    r = vfio_file_attr(c.dev, KVM_DEV_VFIO_FILE_DEL, &c.grp);
    e = errno;
    free = rctx_finish(&c, &warns, warning, sizeof(warning));
    EXPECT_TRUE(r == 0, "KVM_DEV_VFIO_FILE_DEL of group %d: errno %d", group,
                e);
    EXPECT_TRUE(warns == 0, "FILE_DEL logged %d kernel WARNING(s): \"%s\"",
                warns, warning);
    EXPECT_TRUE(free, "group %d still busy after every fd was closed", group);
    return KSFT_PASS;
}

static const ksft_case cases[] = {
    { "kvm_vfio_release_unlinked_group_no_warn", t_release_unlinked },
    { "kvm_vfio_file_del_unlinked_group_no_warn", t_file_del_unlinked },
};

int
main(void)
{
    const char *bdf = tce_env("TCE_BDF");
    int rc;

    if (bdf)
        group = tce_group_of(bdf);
    rc = ksft_run("kvm_vfio_release", cases, sizeof(cases) / sizeof(cases[0]));
    if (warnOnceCleared == 0)
        printf("# %s not writable (mount debugfs): WARN_ON_ONCE fires once "
               "per boot, so only the first case could see it\n",
               CLEAR_WARN_ONCE);
    return rc;
}
