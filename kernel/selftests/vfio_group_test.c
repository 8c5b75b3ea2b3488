/*
 * vfio_group_test.c: VFIO group and container lifecycle (legacy uAPI)
 *
 * The errnos are those of Linux drivers/vfio/group.c and container.c
 * (6.2+); see ../shared/reference/kernel.md section 2.
 */
#include <signal.h>
#include <sys/wait.h>

#include "tce_selftest.h"

static int group = -1;
static const char *bdf;

#define NEED_GROUP() \
    REQUIRE(bdf && group >= 0, "TCE_BDF (a vfio-pci device in a viable " \
            "group) not given or has no IOMMU group")

static int
t_container_open(char *why, size_t whylen)
{
    int c;

    EXPECT_OK(c = tce_open_container());
    close(c);
    return KSFT_PASS;
}

static int
t_api_version(char *why, size_t whylen)
{
    int c, v;

    EXPECT_OK(c = tce_open_container());
    v = ioctl(c, VFIO_GET_API_VERSION);
    close(c);
    EXPECT_TRUE(v == VFIO_API_VERSION, "API version %d, expected %d", v,
                VFIO_API_VERSION);
    return KSFT_PASS;
}

static int
t_check_extension_unknown(char *why, size_t whylen)
{
    int c, v;

    EXPECT_OK(c = tce_open_container());
    v = ioctl(c, VFIO_CHECK_EXTENSION, 1000);
    close(c);
    EXPECT_TRUE(v == 0, "CHECK_EXTENSION(1000) returned %d, expected 0", v);
    return KSFT_PASS;
}

static int
t_set_iommu_no_group(char *why, size_t whylen)
{
    int c;

    EXPECT_OK(c = tce_open_container());
    errno = 0;
    if (ioctl(c, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU) == 0 ||
        errno != EINVAL) {
        int e = errno;
        close(c);
        KSFT_WHY("SET_IOMMU without a group: errno %d, expected EINVAL", e);
        return KSFT_FAIL;
    }
    close(c);
    return KSFT_PASS;
}

static int
t_container_ioctl_before_set_iommu(char *why, size_t whylen)
{
    struct vfio_iommu_spapr_tce_info info = { .argsz = sizeof(info) };
    int c;
    int rc = KSFT_PASS;

    EXPECT_OK(c = tce_open_container());
    errno = 0;
    if (ioctl(c, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info) == 0 || errno != EINVAL) {
        KSFT_WHY("TCE_GET_INFO before SET_IOMMU: errno %d, expected EINVAL",
                 errno);
        rc = KSFT_FAIL;
    }
    close(c);
    return rc;
}

static int
t_group_open(char *why, size_t whylen)
{
    int g;

    NEED_GROUP();
    EXPECT_OK(g = tce_open_group(group));
    close(g);
    return KSFT_PASS;
}

static int
t_group_second_open_ebusy(char *why, size_t whylen)
{
    int g, g2;

    NEED_GROUP();
    EXPECT_OK(g = tce_open_group(group));
    errno = 0;
    g2 = tce_open_group(group);
    if (g2 >= 0 || errno != EBUSY) {
        int e = errno;
        tce_close(&g2);
        close(g);
        KSFT_WHY("second open of /dev/vfio/%d: fd %d errno %d, expected "
                 "EBUSY", group, g2, e);
        return KSFT_FAIL;
    }
    close(g);
    return KSFT_PASS;
}

static int
t_group_dup_keeps_open(char *why, size_t whylen)
{
    int g, d, g2;

    NEED_GROUP();
    EXPECT_OK(g = tce_open_group(group));
    EXPECT_OK(d = dup(g));
    close(g);
    g2 = tce_open_group(group);
    if (g2 >= 0) {
        close(g2);
        close(d);
        KSFT_WHY("group reopened while a dup of its fd was still open");
        return KSFT_FAIL;
    }
    close(d);
    EXPECT_OK(g2 = tce_open_group(group));
    close(g2);
    return KSFT_PASS;
}

static int
t_group_status_argsz(char *why, size_t whylen)
{
    struct vfio_group_status st = { .argsz = 4 };
    int g, r, e;

    NEED_GROUP();
    EXPECT_OK(g = tce_open_group(group));
    r = ioctl(g, VFIO_GROUP_GET_STATUS, &st);
    e = errno;
    close(g);
    EXPECT_TRUE(r < 0 && e == EINVAL, "GET_STATUS argsz=4: %d errno %d, "
                "expected EINVAL", r, e);
    return KSFT_PASS;
}

static int
t_group_status_viable(char *why, size_t whylen)
{
    int g, f;

    NEED_GROUP();
    EXPECT_OK(g = tce_open_group(group));
    f = tce_group_flags(g);
    close(g);
    EXPECT_TRUE(f == VFIO_GROUP_FLAGS_VIABLE, "flags 0x%x, expected VIABLE "
                "only (0x1)", f);
    return KSFT_PASS;
}

static int
t_get_device_fd_no_container(char *why, size_t whylen)
{
    int g, d, e;

    NEED_GROUP();
    EXPECT_OK(g = tce_open_group(group));
    d = ioctl(g, VFIO_GROUP_GET_DEVICE_FD, bdf);
    e = errno;
    if (d >= 0)
        close(d);
    close(g);
    EXPECT_TRUE(d < 0 && e == EINVAL, "GET_DEVICE_FD without container: %d "
                "errno %d, expected EINVAL", d, e);
    return KSFT_PASS;
}

static int
t_set_container_bad_fd(char *why, size_t whylen)
{
    int g, bad = -1, r, e;

    NEED_GROUP();
    EXPECT_OK(g = tce_open_group(group));
    r = ioctl(g, VFIO_GROUP_SET_CONTAINER, &bad);
    e = errno;
    close(g);
    EXPECT_TRUE(r < 0 && e == EBADF, "SET_CONTAINER(-1): %d errno %d, "
                "expected EBADF", r, e);
    return KSFT_PASS;
}

static int
t_set_container_not_container(char *why, size_t whylen)
{
    int g, n, r, e;

    NEED_GROUP();
    EXPECT_OK(g = tce_open_group(group));
    EXPECT_OK(n = open("/dev/null", O_RDWR | O_CLOEXEC));
    r = ioctl(g, VFIO_GROUP_SET_CONTAINER, &n);
    e = errno;
    close(n);
    close(g);
    EXPECT_TRUE(r < 0 && e == EBADFD, "SET_CONTAINER(/dev/null): %d errno "
                "%d, expected EBADFD", r, e);
    return KSFT_PASS;
}

static int
t_unset_container_none(char *why, size_t whylen)
{
    int g, r, e;

    NEED_GROUP();
    EXPECT_OK(g = tce_open_group(group));
    r = ioctl(g, VFIO_GROUP_UNSET_CONTAINER);
    e = errno;
    close(g);
    EXPECT_TRUE(r < 0 && e == EINVAL, "UNSET_CONTAINER without container: "
                "%d errno %d, expected EINVAL", r, e);
    return KSFT_PASS;
}

static int
t_set_container_status(char *why, size_t whylen)
{
    int g, c, f, r, e;

    NEED_GROUP();
    EXPECT_OK(g = tce_open_group(group));
    EXPECT_OK(c = tce_open_container());
    r = ioctl(g, VFIO_GROUP_SET_CONTAINER, &c);
    e = errno;
    f = tce_group_flags(g);
    if (r == 0) {
        /* a second SET_CONTAINER is refused */
        int r2 = ioctl(g, VFIO_GROUP_SET_CONTAINER, &c);
        int e2 = errno;
        close(c);
        close(g);
        EXPECT_TRUE(r2 < 0 && e2 == EINVAL, "second SET_CONTAINER: %d errno "
                    "%d, expected EINVAL", r2, e2);
    } else {
        close(c);
        close(g);
    }
    EXPECT_TRUE(r == 0, "SET_CONTAINER failed: errno %d", e);
    EXPECT_TRUE(f == (VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET),
                "flags 0x%x after SET_CONTAINER, expected 0x3", f);
    return KSFT_PASS;
}

static int
t_get_device_fd_before_set_iommu(char *why, size_t whylen)
{
    int g, c, d, e;

    NEED_GROUP();
    EXPECT_OK(g = tce_open_group(group));
    EXPECT_OK(c = tce_open_container());
    EXPECT_OK(ioctl(g, VFIO_GROUP_SET_CONTAINER, &c));
    d = ioctl(g, VFIO_GROUP_GET_DEVICE_FD, bdf);
    e = errno;
    if (d >= 0)
        close(d);
    close(g);
    close(c);
    EXPECT_TRUE(d < 0 && e == EINVAL, "GET_DEVICE_FD before SET_IOMMU: %d "
                "errno %d, expected EINVAL", d, e);
    return KSFT_PASS;
}

static int
t_set_iommu_type1_enodev(char *why, size_t whylen)
{
    int g, c, r, e;

    NEED_GROUP();
    EXPECT_OK(g = tce_open_group(group));
    EXPECT_OK(c = tce_open_container());
    EXPECT_OK(ioctl(g, VFIO_GROUP_SET_CONTAINER, &c));
    r = ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU);
    e = errno;
    close(g);
    close(c);
    EXPECT_TRUE(r < 0 && e == ENODEV, "SET_IOMMU(TYPE1v2) on sPAPR: %d errno "
                "%d, expected ENODEV", r, e);
    return KSFT_PASS;
}

static int
t_set_iommu_spapr_v2(char *why, size_t whylen)
{
    int g, c, r, e, r2, e2;

    NEED_GROUP();
    EXPECT_OK(g = tce_open_group(group));
    EXPECT_OK(c = tce_open_container());
    EXPECT_OK(ioctl(g, VFIO_GROUP_SET_CONTAINER, &c));
    r = ioctl(c, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU);
    e = errno;
    r2 = ioctl(c, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU);
    e2 = errno;
    close(g);
    close(c);
    EXPECT_TRUE(r == 0, "SET_IOMMU(SPAPR_TCE_v2): errno %d", e);
    EXPECT_TRUE(r2 < 0 && e2 == EINVAL, "second SET_IOMMU: %d errno %d, "
                "expected EINVAL", r2, e2);
    return KSFT_PASS;
}

static int
t_get_device_fd_wrong_name(char *why, size_t whylen)
{
    int g, c, d, e;

    NEED_GROUP();
    EXPECT_OK(g = tce_open_group(group));
    EXPECT_OK(c = tce_spapr_container(g));
    d = ioctl(g, VFIO_GROUP_GET_DEVICE_FD, "ffff:ff:1f.7");
    e = errno;
    if (d >= 0)
        close(d);
    close(g);
    close(c);
    EXPECT_TRUE(d < 0 && e == ENODEV, "GET_DEVICE_FD(ffff:ff:1f.7): %d errno "
                "%d, expected ENODEV", d, e);
    return KSFT_PASS;
}

static int
t_get_device_fd(char *why, size_t whylen)
{
    int g, c, d, flags;

    NEED_GROUP();
    EXPECT_OK(g = tce_open_group(group));
    EXPECT_OK(c = tce_spapr_container(g));
    EXPECT_OK(d = ioctl(g, VFIO_GROUP_GET_DEVICE_FD, bdf));
    flags = fcntl(d, F_GETFD);
    close(d);
    close(g);
    close(c);
    EXPECT_TRUE(flags & FD_CLOEXEC, "device fd lacks O_CLOEXEC");
    return KSFT_PASS;
}

static int
t_unset_container_device_open(char *why, size_t whylen)
{
    int g, c, d, r, e;

    NEED_GROUP();
    EXPECT_OK(g = tce_open_group(group));
    EXPECT_OK(c = tce_spapr_container(g));
    EXPECT_OK(d = ioctl(g, VFIO_GROUP_GET_DEVICE_FD, bdf));
    r = ioctl(g, VFIO_GROUP_UNSET_CONTAINER);
    e = errno;
    close(d);
    if (r == 0) {
        close(g);
        close(c);
        KSFT_WHY("UNSET_CONTAINER succeeded with a device fd open");
        return KSFT_FAIL;
    }
    /* with the device closed it works */
    r = ioctl(g, VFIO_GROUP_UNSET_CONTAINER);
    close(g);
    close(c);
    EXPECT_TRUE(e == EBUSY, "UNSET_CONTAINER with device open: errno %d, "
                "expected EBUSY", e);
    EXPECT_TRUE(r == 0, "UNSET_CONTAINER after closing the device failed");
    return KSFT_PASS;
}

static int
t_group_release_on_close(char *why, size_t whylen)
{
    int g, c, d;

    NEED_GROUP();
    EXPECT_OK(g = tce_open_group(group));
    EXPECT_OK(c = tce_spapr_container(g));
    EXPECT_OK(d = ioctl(g, VFIO_GROUP_GET_DEVICE_FD, bdf));
    close(d);
    close(g);
    close(c);
    EXPECT_OK(g = tce_open_group(group));
    /* the container went away with the group: status has no container */
    d = tce_group_flags(g);
    close(g);
    EXPECT_TRUE(d == VFIO_GROUP_FLAGS_VIABLE, "flags 0x%x after reopen", d);
    return KSFT_PASS;
}

/* child holds the group until killed */
static pid_t
tce_spawn_holder(int *ready)
{
    int p[2];
    pid_t pid;
    char c = 0;

    if (pipe(p) < 0)
        return -1;
    if ((pid = fork()) == 0) {
        int g = tce_open_group(group);
        char ok = g >= 0 ? 'y' : 'n';
        if (write(p[1], &ok, 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(p[1]);
    if (read(p[0], &c, 1) != 1)
        c = 'n';
    close(p[0]);
    *ready = c == 'y';
    return pid;
}

static int
t_group_held_by_other_process(char *why, size_t whylen)
{
    int ready = 0, g, e, status;
    pid_t pid;

    NEED_GROUP();
    EXPECT_OK(pid = tce_spawn_holder(&ready));
    g = tce_open_group(group);
    e = errno;
    if (g >= 0)
        close(g);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    EXPECT_TRUE(ready, "child could not open the group");
    EXPECT_TRUE(g < 0 && e == EBUSY, "open while another process holds the "
                "group: %d errno %d, expected EBUSY", g, e);
    return KSFT_PASS;
}

static int
t_group_released_after_sigkill(char *why, size_t whylen)
{
    int ready = 0, g, status, i;
    pid_t pid;

    NEED_GROUP();
    EXPECT_OK(pid = tce_spawn_holder(&ready));
    EXPECT_TRUE(ready, "child could not open the group");
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    /* fput of the last reference may finish asynchronously: allow 1 s */
    for (i = 0; i < 100; i++) {
        if ((g = tce_open_group(group)) >= 0)
            break;
        usleep(10000);
    }
    EXPECT_TRUE(g >= 0, "group still busy 1 s after its holder was killed: "
                "errno %d", errno);
    close(g);
    return KSFT_PASS;
}

static int
t_nonviable_status(char *why, size_t whylen)
{
    const char *nb = tce_env("TCE_NONVIABLE_BDF");
    int ng, g, f;

    REQUIRE(nb && (ng = tce_group_of(nb)) >= 0,
            "TCE_NONVIABLE_BDF (a vfio-pci device in a group with a sibling "
            "on a host driver) not given");
    EXPECT_OK(g = tce_open_group(ng));
    f = tce_group_flags(g);
    close(g);
    EXPECT_TRUE(f == 0, "non-viable group %d flags 0x%x, expected 0", ng, f);
    return KSFT_PASS;
}

static int
t_nonviable_set_container_eperm(char *why, size_t whylen)
{
    const char *nb = tce_env("TCE_NONVIABLE_BDF");
    int ng, g, c, r, e;

    REQUIRE(nb && (ng = tce_group_of(nb)) >= 0,
            "TCE_NONVIABLE_BDF not given");
    EXPECT_OK(g = tce_open_group(ng));
    EXPECT_OK(c = tce_open_container());
    r = ioctl(g, VFIO_GROUP_SET_CONTAINER, &c);
    e = errno;
    close(g);
    close(c);
    EXPECT_TRUE(r < 0 && e == EPERM, "SET_CONTAINER on non-viable group %d: "
                "%d errno %d, expected EPERM", ng, r, e);
    return KSFT_PASS;
}

static const ksft_case cases[] = {
    { "container_open", t_container_open },
    { "container_api_version", t_api_version },
    { "container_check_extension_unknown", t_check_extension_unknown },
    { "container_set_iommu_without_group_einval", t_set_iommu_no_group },
    { "container_ioctl_before_set_iommu_einval",
      t_container_ioctl_before_set_iommu },
    { "group_open", t_group_open },
    { "group_second_open_ebusy", t_group_second_open_ebusy },
    { "group_dup_keeps_it_open", t_group_dup_keeps_open },
    { "group_get_status_argsz_einval", t_group_status_argsz },
    { "group_get_status_viable", t_group_status_viable },
    { "group_get_device_fd_without_container_einval",
      t_get_device_fd_no_container },
    { "group_set_container_bad_fd_ebadf", t_set_container_bad_fd },
    { "group_set_container_not_a_container_ebadfd",
      t_set_container_not_container },
    { "group_unset_container_without_container_einval",
      t_unset_container_none },
    { "group_set_container_status_and_twice_einval", t_set_container_status },
    { "group_get_device_fd_before_set_iommu_einval",
      t_get_device_fd_before_set_iommu },
    { "container_set_iommu_type1v2_enodev", t_set_iommu_type1_enodev },
    { "container_set_iommu_spapr_v2_and_twice_einval", t_set_iommu_spapr_v2 },
    { "group_get_device_fd_unknown_device_enodev", t_get_device_fd_wrong_name },
    { "group_get_device_fd_cloexec", t_get_device_fd },
    { "group_unset_container_with_device_fd_open_ebusy",
      t_unset_container_device_open },
    { "group_release_on_close", t_group_release_on_close },
    { "group_held_by_other_process_ebusy", t_group_held_by_other_process },
    { "group_released_after_holder_sigkill", t_group_released_after_sigkill },
    { "group_nonviable_status", t_nonviable_status },
    { "group_nonviable_set_container_eperm", t_nonviable_set_container_eperm },
};

int
main(void)
{
    if ((bdf = tce_env("TCE_BDF")))
        group = tce_group_of(bdf);
    return ksft_run("vfio_group", cases, sizeof(cases) / sizeof(cases[0]));
}
