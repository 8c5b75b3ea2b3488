/*
 * kvm_test.c: the KVM side of in-kernel TCE acceleration
 *
 * KVM capabilities QEMU checks (SPAPR_TCE, SPAPR_TCE_64, SPAPR_TCE_VFIO),
 * KVM_CREATE_SPAPR_TCE_64, and the KVM-VFIO device: FILE_ADD/DEL,
 * SET_SPAPR_TCE linking a VFIO group to a KVM TCE table, and what the
 * kernel holds after userspace closes its fds (reference/kernel.md §1, §4).
 * Cases that need only /dev/kvm also run on x86 hosts; POWER-only cases
 * skip elsewhere.  TCE_BDF (optional) is a vfio-pci device for the
 * group cases.
 */
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/kvm.h>

#include "tce_selftest.h"
#include "tce_kvm.h"

#if defined(__powerpc64__)
# define ON_POWER 1
#else
# define ON_POWER 0
#endif

#if !ON_POWER
/* uAPI structs defined only in the powerpc kvm headers */
struct kvm_create_spapr_tce_64 {
    __u64 liobn;
    __u32 page_shift;
    __u32 flags;
    __u64 offset;
    __u64 size;
};
# define KVM_CREATE_SPAPR_TCE_64 _IOW(KVMIO, 0xa8, struct kvm_create_spapr_tce_64)
#endif

static int group = -1;

#define NEED_KVM(k) \
    REQUIRE(((k) = open("/dev/kvm", O_RDWR | O_CLOEXEC)) >= 0, \
            "/dev/kvm is not available (errno %d)", errno)

static int
vm_create(int kvm)
{
    int vm;
    int i;

    /* KVM_CREATE_VM can fail transiently with EINTR/EBUSY */
    for (i = 0; i < 10; i++) {
        if ((vm = ioctl(kvm, KVM_CREATE_VM, 0)) >= 0 || errno != EINTR)
            break;
    }
    return vm;
}

static int
vfio_dev_create(int vm)
{
    struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO };

    if (ioctl(vm, KVM_CREATE_DEVICE, &cd) < 0)
        return -1;
    return cd.fd;
}

typedef struct {
    int kvm, vm, dev;
} kvm_ctx;

static void
kctx_close(kvm_ctx *k)
{
    tce_close(&k->dev);
    tce_close(&k->vm);
    tce_close(&k->kvm);
}

#define KSETUP(k) do { \
    (k).vm = (k).dev = -1; \
    NEED_KVM((k).kvm); \
    if (((k).vm = vm_create((k).kvm)) < 0 || \
        ((k).dev = vfio_dev_create((k).vm)) < 0) { \
        KSFT_WHY("VM or KVM-VFIO device creation failed: errno %d", errno); \
        kctx_close(&(k)); \
        return KSFT_FAIL; \
    } \
} while (0)

static int
t_api_version(char *why, size_t whylen)
{
    int kvm, v;

    NEED_KVM(kvm);
    v = ioctl(kvm, KVM_GET_API_VERSION, 0);
    close(kvm);
    EXPECT_TRUE(v == KVM_API_VERSION, "KVM API version %d", v);
    return KSFT_PASS;
}

static int
t_caps(char *why, size_t whylen)
{
    int kvm, vm, tce, tce64, vfio;

    NEED_KVM(kvm);
    vm = vm_create(kvm);
    EXPECT_TRUE(vm >= 0, "KVM_CREATE_VM failed: errno %d", errno);
    tce = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_SPAPR_TCE);
    tce64 = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_SPAPR_TCE_64);
    vfio = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_SPAPR_TCE_VFIO);
    close(vm);
    close(kvm);
    printf("# SPAPR_TCE=%d SPAPR_TCE_64=%d SPAPR_TCE_VFIO=%d\n", tce, tce64,
           vfio);
    if (ON_POWER)
        EXPECT_TRUE(tce > 0 && tce64 > 0 && vfio > 0, "in-kernel TCE "
                    "capabilities missing on POWER");
    else
        EXPECT_TRUE(tce == 0 && tce64 == 0 && vfio == 0, "sPAPR capabilities "
                    "reported on a non-POWER host");
    return KSFT_PASS;
}

static int
t_vfio_device_test_flag(char *why, size_t whylen)
{
    struct kvm_create_device cd = {
        .type = KVM_DEV_TYPE_VFIO, .flags = KVM_CREATE_DEVICE_TEST,
    };
    int kvm, vm, r, e;

    NEED_KVM(kvm);
    vm = vm_create(kvm);
    EXPECT_TRUE(vm >= 0, "KVM_CREATE_VM failed: errno %d", errno);
    r = ioctl(vm, KVM_CREATE_DEVICE, &cd);
    e = errno;
    close(vm);
    close(kvm);
    EXPECT_TRUE(r == 0, "KVM_CREATE_DEVICE(VFIO, TEST) failed: errno %d", e);
    return KSFT_PASS;
}

static int
t_vfio_device_second_ebusy(char *why, size_t whylen)
{
    kvm_ctx k;
    int d2, e;

    KSETUP(k);
    d2 = vfio_dev_create(k.vm);
    e = errno;
    if (d2 >= 0)
        close(d2);
    kctx_close(&k);
    EXPECT_TRUE(d2 < 0 && e == EBUSY, "second KVM-VFIO device: %d errno %d, "
                "expected EBUSY", d2, e);
    return KSFT_PASS;
}

static int
t_file_add_not_vfio(char *why, size_t whylen)
{
    kvm_ctx k;
    int fd, r, e;

    KSETUP(k);
    fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    r = vfio_file_attr(k.dev, KVM_DEV_VFIO_FILE_ADD, &fd);
    e = errno;
    close(fd);
    kctx_close(&k);
    EXPECT_TRUE(r < 0 && e == EINVAL, "FILE_ADD(/dev/null): %d errno %d, "
                "expected EINVAL", r, e);
    return KSFT_PASS;
}

static int
t_file_add_bad_fd(char *why, size_t whylen)
{
    kvm_ctx k;
    int fd = -1, r, e;

    KSETUP(k);
    r = vfio_file_attr(k.dev, KVM_DEV_VFIO_FILE_ADD, &fd);
    e = errno;
    kctx_close(&k);
    EXPECT_TRUE(r < 0 && e == EBADF, "FILE_ADD(-1): %d errno %d, expected "
                "EBADF", r, e);
    return KSFT_PASS;
}

static int
t_file_del_not_added(char *why, size_t whylen)
{
    kvm_ctx k;
    int fd, r, e;

    KSETUP(k);
    fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    r = vfio_file_attr(k.dev, KVM_DEV_VFIO_FILE_DEL, &fd);
    e = errno;
    close(fd);
    kctx_close(&k);
    EXPECT_TRUE(r < 0 && e == ENOENT, "FILE_DEL of a file never added: %d "
                "errno %d, expected ENOENT", r, e);
    return KSFT_PASS;
}

static int
t_has_attr_unknown(char *why, size_t whylen)
{
    struct kvm_device_attr a = { .group = 99, .attr = 1 };
    kvm_ctx k;
    int r, e;

    KSETUP(k);
    r = ioctl(k.dev, KVM_HAS_DEVICE_ATTR, &a);
    e = errno;
    kctx_close(&k);
    EXPECT_TRUE(r < 0 && e == ENXIO, "HAS_DEVICE_ATTR(group 99): %d errno %d, "
                "expected ENXIO", r, e);
    return KSFT_PASS;
}

static int
t_set_spapr_tce_not_added(char *why, size_t whylen)
{
    struct kvm_vfio_spapr_tce p;
    kvm_ctx k;
    int fd, r, e;

    KSETUP(k);
    fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    p.groupfd = fd;
    p.tablefd = -1;
    r = vfio_file_attr(k.dev, KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE, &p);
    e = errno;
    close(fd);
    kctx_close(&k);
    /* POWER: the file is not in the device's list; elsewhere the
     * attribute does not exist */
    EXPECT_TRUE(r < 0 && e == (ON_POWER ? ENOENT : ENXIO),
                "SET_SPAPR_TCE with a group never added: %d errno %d, "
                "expected %s", r, e, ON_POWER ? "ENOENT" : "ENXIO");
    return KSFT_PASS;
}

static int
t_create_tce64(char *why, size_t whylen)
{
    struct kvm_create_spapr_tce_64 t = {
        .liobn = 0x80001234, .page_shift = 12, .offset = 0, .size = 1 << 18,
    };
    int kvm, vm, fd, fd2, r, e;
    long before, after;

    NEED_KVM(kvm);
    vm = vm_create(kvm);
    EXPECT_TRUE(vm >= 0, "KVM_CREATE_VM failed: errno %d", errno);
    if (!ON_POWER) {
        r = ioctl(vm, KVM_CREATE_SPAPR_TCE_64, &t);
        e = errno;
        close(vm);
        close(kvm);
        EXPECT_TRUE(r < 0 && e == ENOTTY, "KVM_CREATE_SPAPR_TCE_64 on a "
                    "non-POWER host: %d errno %d, expected ENOTTY", r, e);
        return KSFT_PASS;
    }
    t.flags = 1;
    r = ioctl(vm, KVM_CREATE_SPAPR_TCE_64, &t);
    e = errno;
    t.flags = 0;
    EXPECT_TRUE(r < 0 && e == EINVAL, "flags=1: %d errno %d, expected EINVAL",
                r, e);
    t.page_shift = 11;
    r = ioctl(vm, KVM_CREATE_SPAPR_TCE_64, &t);
    e = errno;
    t.page_shift = 12;
    EXPECT_TRUE(r < 0 && e == EINVAL, "page_shift=11: %d errno %d, expected "
                "EINVAL", r, e);
    before = tce_vmlck_kib();
    fd = ioctl(vm, KVM_CREATE_SPAPR_TCE_64, &t);
    e = errno;
    after = tce_vmlck_kib();
    EXPECT_TRUE(fd >= 0, "KVM_CREATE_SPAPR_TCE_64 failed: errno %d", e);
    fd2 = ioctl(vm, KVM_CREATE_SPAPR_TCE_64, &t);
    e = errno;
    if (fd2 >= 0)
        close(fd2);
    close(fd);
    close(vm);
    close(kvm);
    EXPECT_TRUE(fd2 < 0 && e == EBUSY, "same LIOBN twice: %d errno %d, "
                "expected EBUSY", fd2, e);
    EXPECT_TRUE(after - before >= 2048, "locked_vm grew by %ld KiB for a "
                "2 MiB KVM TCE table", after - before);
    return KSFT_PASS;
}

/* Container with a 1 GiB DDW for @groupfd; returns its fd and window */
static int
ddw_container(int groupfd, uint64_t *start)
{
    struct vfio_iommu_spapr_tce_create cr = {
        .argsz = sizeof(cr), .page_shift = 12, .window_size = 1ULL << 30,
        .levels = 1,
    };
    int c = tce_spapr_container(groupfd);

    if (c < 0)
        return -1;
    if (ioctl(c, VFIO_IOMMU_SPAPR_TCE_CREATE, &cr) < 0) {
        close(c);
        return -1;
    }
    *start = cr.start_addr;
    return c;
}

static int
t_group_add_link_release(char *why, size_t whylen)
{
    struct kvm_create_spapr_tce_64 t = { .liobn = 0x80000001, .page_shift = 12 };
    struct kvm_vfio_spapr_tce p;
    uint64_t start = 0;
    kvm_ctx k;
    int g, c, tbl = -1, r_add, e_add, r_dup, e_dup, r_set, e_set, g2, e_reopen;
    int g3, e_tbl, tbl_ok;

    REQUIRE(ON_POWER, "needs a POWER host");
    REQUIRE(group >= 0, "TCE_BDF (a vfio-pci device in a viable group) not "
            "given");
    KSETUP(k);
    if ((g = tce_open_group(group)) < 0 || (c = ddw_container(g, &start)) < 0) {
        KSFT_WHY("group/container setup failed: errno %d", errno);
        kctx_close(&k);
        return KSFT_FAIL;
    }
    t.offset = start >> 12;
    t.size = (1ULL << 30) >> 12;
    tbl = ioctl(k.vm, KVM_CREATE_SPAPR_TCE_64, &t);
    e_tbl = errno;
    tbl_ok = tbl >= 0;
    r_add = vfio_file_attr(k.dev, KVM_DEV_VFIO_FILE_ADD, &g);
    e_add = errno;
    r_dup = vfio_file_attr(k.dev, KVM_DEV_VFIO_FILE_ADD, &g);
    e_dup = errno;
    p.groupfd = g;
    p.tablefd = tbl;
    r_set = vfio_file_attr(k.dev, KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE, &p);
    e_set = errno;
    /* userspace closes its group fd: KVM still holds the group file */
    close(g);
    g2 = tce_open_group(group);
    e_reopen = errno;
    if (g2 >= 0)
        close(g2);
    /* closing the KVM-VFIO device releases it */
    tce_close(&k.dev);
    tce_close(&tbl);
    close(c);
    g3 = tce_open_group(group);
    if (g3 >= 0)
        close(g3);
    kctx_close(&k);
    EXPECT_TRUE(tbl_ok, "KVM_CREATE_SPAPR_TCE_64 for the window at 0x%llx "
                "failed: errno %d", (unsigned long long) start, e_tbl);
    EXPECT_TRUE(r_add == 0, "FILE_ADD(group) failed: errno %d", e_add);
    EXPECT_TRUE(r_dup < 0 && e_dup == EEXIST, "second FILE_ADD: %d errno %d, "
                "expected EEXIST", r_dup, e_dup);
    EXPECT_TRUE(r_set == 0, "SET_SPAPR_TCE(group, table) failed: errno %d",
                e_set);
    EXPECT_TRUE(g2 < 0 && e_reopen == EBUSY, "group reopened (%d, errno %d) "
                "while KVM still held it", g2, e_reopen);
    EXPECT_TRUE(g3 >= 0, "group still busy after closing the KVM-VFIO "
                "device and every fd");
    return KSFT_PASS;
}

static int
t_set_spapr_tce_no_window(char *why, size_t whylen)
{
    struct kvm_create_spapr_tce_64 t = {
        .liobn = 0x80000002, .page_shift = 12, .offset = (1ULL << 59) >> 12,
        .size = (1ULL << 30) >> 12,
    };
    struct kvm_vfio_spapr_tce p;
    kvm_ctx k;
    int g, c, tbl, r, e;

    REQUIRE(ON_POWER, "needs a POWER host");
    REQUIRE(group >= 0, "TCE_BDF not given");
    KSETUP(k);
    if ((g = tce_open_group(group)) < 0 || (c = tce_spapr_container(g)) < 0) {
        KSFT_WHY("group/container setup failed: errno %d", errno);
        kctx_close(&k);
        return KSFT_FAIL;
    }
    tbl = ioctl(k.vm, KVM_CREATE_SPAPR_TCE_64, &t);
    vfio_file_attr(k.dev, KVM_DEV_VFIO_FILE_ADD, &g);
    p.groupfd = g;
    p.tablefd = tbl;
    /* no VFIO window at 1<<59 yet: no hardware table to link */
    r = vfio_file_attr(k.dev, KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE, &p);
    e = errno;
    vfio_file_attr(k.dev, KVM_DEV_VFIO_FILE_DEL, &g);
    if (tbl >= 0)
        close(tbl);
    close(g);
    close(c);
    kctx_close(&k);
    EXPECT_TRUE(r < 0 && e == EINVAL, "SET_SPAPR_TCE without a matching "
                "VFIO window: %d errno %d, expected EINVAL", r, e);
    return KSFT_PASS;
}

static const ksft_case cases[] = {
    { "kvm_api_version", t_api_version },
    { "kvm_spapr_tce_capabilities", t_caps },
    { "kvm_create_device_vfio_test_flag", t_vfio_device_test_flag },
    { "kvm_vfio_device_second_instance_ebusy", t_vfio_device_second_ebusy },
    { "kvm_vfio_file_add_not_vfio_einval", t_file_add_not_vfio },
    { "kvm_vfio_file_add_bad_fd_ebadf", t_file_add_bad_fd },
    { "kvm_vfio_file_del_not_added_enoent", t_file_del_not_added },
    { "kvm_vfio_has_attr_unknown_group_enxio", t_has_attr_unknown },
    { "kvm_vfio_set_spapr_tce_group_not_added", t_set_spapr_tce_not_added },
    { "kvm_create_spapr_tce_64", t_create_tce64 },
    { "kvm_vfio_group_add_link_and_release", t_group_add_link_release },
    { "kvm_vfio_set_spapr_tce_without_window_einval",
      t_set_spapr_tce_no_window },
};

int
main(void)
{
    const char *bdf = tce_env("TCE_BDF");

    if (bdf)
        group = tce_group_of(bdf);
    return ksft_run("kvm", cases, sizeof(cases) / sizeof(cases[0]));
}
