/*
 * tce_selftest.h: devices under test and small VFIO helpers
 *
 * The devices a test may use come from the environment, so no test ever
 * touches a device it was not given:
 *   TCE_BDF            a device bound to vfio-pci whose IOMMU group is
 *                      viable (every member on vfio-pci or unbound)
 *   TCE_NONVIABLE_BDF  a device bound to vfio-pci whose group is NOT
 *                      viable (a sibling function on a host driver)
 *   TCE_SYSFS_BDF      a device on its host driver that the sysfs tests
 *                      may move to vfio-pci and back
 * A case whose device is not given is skipped with the variable's name.
 */
#pragma once

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "tce_ksft.h"

static inline const char *
tce_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* IOMMU group number of @bdf from sysfs, -1 if none */
static inline int
tce_group_of(const char *bdf)
{
    char path[PATH_MAX], target[PATH_MAX];
    ssize_t n;
    const char *base;

    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
    if ((n = readlink(path, target, sizeof(target) - 1)) < 0)
        return -1;
    target[n] = '\0';
    base = strrchr(target, '/');
    return atoi(base ? base + 1 : target);
}

static inline int
tce_open_group(int group)
{
    char path[64];

    snprintf(path, sizeof(path), "/dev/vfio/%d", group);
    return open(path, O_RDWR | O_CLOEXEC);
}

static inline int
tce_open_container(void)
{
    return open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
}

static inline int
tce_group_flags(int groupfd)
{
    struct vfio_group_status st = { .argsz = sizeof(st) };

    if (ioctl(groupfd, VFIO_GROUP_GET_STATUS, &st) < 0)
        return -1;
    return st.flags;
}

/* Container with @groupfd attached and the sPAPR v2 IOMMU set */
static inline int
tce_spapr_container(int groupfd)
{
    int c = tce_open_container();

    if (c < 0)
        return -1;
    if (ioctl(groupfd, VFIO_GROUP_SET_CONTAINER, &c) < 0 ||
        ioctl(c, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU) < 0) {
        int e = errno;
        close(c);
        errno = e;
        return -1;
    }
    return c;
}

static inline void
tce_close(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* locked_vm of this process in KiB (VmLck), -1 if unknown */
static inline long
tce_vmlck_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;

    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "VmLck:", 6) == 0)
            v = strtol(line + 6, NULL, 10);
    }
    fclose(f);
    return v;
}
