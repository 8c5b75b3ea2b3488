/*
 * pci_sysfs_test.c: PCI sysfs as tcevirt uses it to move devices between
 * their host driver and vfio-pci (reference/kernel.md §7)
 *
 *   TCE_SYSFS_BDF          a device on a host driver; moved to vfio-pci
 *                          and back, ending where it started
 *   TCE_SYSFS_SIBLING_BDF  optional: another function of its IOMMU group,
 *                          on a host driver (for the viability case)
 */
#include <dirent.h>
#include <sys/stat.h>

#include "tce_selftest.h"

static const char *bdf;
static const char *sibling;
static char hostdrv[64];

#define NEED_DEV() \
    REQUIRE(bdf && *hostdrv, "TCE_SYSFS_BDF (a device bound to a host " \
            "driver) not given or not bound")

static int
sysfs_write(const char *path, const char *val)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    ssize_t n;
    int e;

    if (fd < 0)
        return -errno;
    n = write(fd, val, strlen(val));
    e = errno;
    close(fd);
    if (n < 0)
        return -e;
    return 0;
}

static int
sysfs_read(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return -errno;
    n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0)
        return -errno;
    buf[n] = '\0';
    while (n > 0 && buf[n - 1] == '\n')
        buf[--n] = '\0';
    return 0;
}

static void
driver_of(const char *dev, char *out, size_t len)
{
    char path[PATH_MAX], target[PATH_MAX];
    ssize_t n;
    const char *b;

    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", dev);
    out[0] = '\0';
    if ((n = readlink(path, target, sizeof(target) - 1)) < 0)
        return;
    target[n] = '\0';
    b = strrchr(target, '/');
    snprintf(out, len, "%.*s", (int) len - 1, b ? b + 1 : target);
}

static int
dev_write(const char *dev, const char *file, const char *val)
{
    char path[PATH_MAX];

    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", dev, file);
    return sysfs_write(path, val);
}

/* driver_override + unbind + drivers_probe, as tcevirt does */
static int
move_to(const char *dev, const char *drv)
{
    char cur[64];
    int r;

    if ((r = dev_write(dev, "driver_override", drv ? drv : "\n")) < 0)
        return r;
    driver_of(dev, cur, sizeof(cur));
    if (*cur && (r = dev_write(dev, "driver/unbind", dev)) < 0)
        return r;
    return sysfs_write("/sys/bus/pci/drivers_probe", dev);
}

static int
t_iommu_group_link(char *why, size_t whylen)
{
    char path[PATH_MAX];
    struct stat st;
    int g;

    NEED_DEV();
    g = tce_group_of(bdf);
    EXPECT_TRUE(g >= 0, "%s has no iommu_group link", bdf);
    snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/devices/%s", g,
             bdf);
    EXPECT_TRUE(lstat(path, &st) == 0 && S_ISLNK(st.st_mode),
                "%s missing or not a symlink", path);
    return KSFT_PASS;
}

static int
t_group_members(char *why, size_t whylen)
{
    char path[PATH_MAX];
    DIR *d;
    struct dirent *e;
    int g, n = 0, self = 0;

    NEED_DEV();
    g = tce_group_of(bdf);
    snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/devices", g);
    EXPECT_TRUE((d = opendir(path)) != NULL, "cannot list %s", path);
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        n++;
        self |= strcmp(e->d_name, bdf) == 0;
        /* every member names the same group */
        if (tce_group_of(e->d_name) != g) {
            closedir(d);
            KSFT_WHY("member %s of group %d points to group %d", e->d_name,
                     g, tce_group_of(e->d_name));
            return KSFT_FAIL;
        }
    }
    closedir(d);
    EXPECT_TRUE(self && n >= 1, "group %d lists %d devices, %s %s", g, n, bdf,
                self ? "included" : "missing");
    return KSFT_PASS;
}

static int
t_driver_override_initial(char *why, size_t whylen)
{
    char path[PATH_MAX], buf[64];

    NEED_DEV();
    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
             bdf);
    EXPECT_OK(sysfs_read(path, buf, sizeof(buf)));
    EXPECT_TRUE(strcmp(buf, "(null)") == 0, "driver_override reads '%s', "
                "expected '(null)'", buf);
    return KSFT_PASS;
}

static int
t_override_then_probe_bound(char *why, size_t whylen)
{
    char path[PATH_MAX], buf[64], drv[64];
    int r;

    NEED_DEV();
    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
             bdf);
    EXPECT_OK(sysfs_write(path, "vfio-pci"));
    EXPECT_OK(sysfs_read(path, buf, sizeof(buf)));
    /* probing a bound device leaves it where it is */
    r = sysfs_write("/sys/bus/pci/drivers_probe", bdf);
    driver_of(bdf, drv, sizeof(drv));
    sysfs_write(path, "\n");
    EXPECT_TRUE(strcmp(buf, "vfio-pci") == 0, "driver_override reads '%s'",
                buf);
    EXPECT_TRUE(r == 0, "drivers_probe of a bound device failed: %d", r);
    EXPECT_TRUE(strcmp(drv, hostdrv) == 0, "device moved to '%s' without an "
                "unbind", drv);
    return KSFT_PASS;
}

static int
t_move_to_vfio_and_back(char *why, size_t whylen)
{
    char drv[64], node[64];
    struct stat st;
    int r, g = -1, onvfio, nodeExists, back, nodeGone;

    NEED_DEV();
    g = tce_group_of(bdf);
    snprintf(node, sizeof(node), "/dev/vfio/%d", g);
    r = move_to(bdf, "vfio-pci");
    driver_of(bdf, drv, sizeof(drv));
    onvfio = strcmp(drv, "vfio-pci") == 0;
    nodeExists = stat(node, &st) == 0;
    /* back to the host driver */
    back = move_to(bdf, NULL);
    driver_of(bdf, drv, sizeof(drv));
    nodeGone = stat(node, &st) < 0 || sibling;
    EXPECT_TRUE(r == 0 && onvfio, "move to vfio-pci: %d, driver now '%s'", r,
                drv);
    EXPECT_TRUE(nodeExists, "%s missing while the device is on vfio-pci",
                node);
    EXPECT_TRUE(back == 0 && strcmp(drv, hostdrv) == 0, "move back: %d, "
                "driver '%s', expected '%s'", back, drv, hostdrv);
    EXPECT_TRUE(nodeGone, "%s still exists with no device on vfio-pci", node);
    return KSFT_PASS;
}

static int
t_bind_wrong_override_enodev(char *why, size_t whylen)
{
    char path[PATH_MAX], drv[64];
    int r;

    NEED_DEV();
    /* with driver_override=vfio-pci the host driver does not match */
    EXPECT_OK(dev_write(bdf, "driver_override", "vfio-pci"));
    EXPECT_OK(dev_write(bdf, "driver/unbind", bdf));
    snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind", hostdrv);
    r = sysfs_write(path, bdf);
    dev_write(bdf, "driver_override", "\n");
    sysfs_write("/sys/bus/pci/drivers_probe", bdf);
    driver_of(bdf, drv, sizeof(drv));
    EXPECT_TRUE(r == -ENODEV, "bind to %s with driver_override=vfio-pci: "
                "%d, expected -ENODEV", hostdrv, r);
    EXPECT_TRUE(strcmp(drv, hostdrv) == 0, "device not back on %s ('%s')",
                hostdrv, drv);
    return KSFT_PASS;
}

static int
t_bind_bound_ebusy(char *why, size_t whylen)
{
    char path[PATH_MAX];
    int r;

    NEED_DEV();
    snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind", hostdrv);
    r = sysfs_write(path, bdf);
    EXPECT_TRUE(r == -EBUSY, "bind of a device already bound to %s: %d, "
                "expected -EBUSY", hostdrv, r);
    return KSFT_PASS;
}

static int
t_unbind_wrong_driver_enodev(char *why, size_t whylen)
{
    int r;

    NEED_DEV();
    r = sysfs_write("/sys/bus/pci/drivers/vfio-pci/unbind", bdf);
    EXPECT_TRUE(r == -ENODEV, "unbind from vfio-pci of a device on %s: %d, "
                "expected -ENODEV", hostdrv, r);
    return KSFT_PASS;
}

static int
t_probe_unknown_enodev(char *why, size_t whylen)
{
    int r = sysfs_write("/sys/bus/pci/drivers_probe", "ffff:ff:1f.7");

    EXPECT_TRUE(r == -ENODEV, "drivers_probe of ffff:ff:1f.7: %d, expected "
                "-ENODEV", r);
    return KSFT_PASS;
}

static int
t_viability_follows_drivers(char *why, size_t whylen)
{
    char sdrv[64], drv[64];
    int g, f1 = -1, f2 = -1, fd;

    NEED_DEV();
    REQUIRE(sibling, "TCE_SYSFS_SIBLING_BDF (another function of the group "
            "on a host driver) not given");
    driver_of(sibling, sdrv, sizeof(sdrv));
    REQUIRE(*sdrv, "sibling %s has no driver", sibling);
    g = tce_group_of(bdf);
    EXPECT_TRUE(g == tce_group_of(sibling), "%s and %s are not in one group",
                bdf, sibling);
    /* one function on vfio-pci, the other on its host driver */
    EXPECT_OK(move_to(bdf, "vfio-pci"));
    if ((fd = tce_open_group(g)) >= 0) {
        f1 = tce_group_flags(fd);
        close(fd);
    }
    /* both on vfio-pci */
    if (move_to(sibling, "vfio-pci") == 0 && (fd = tce_open_group(g)) >= 0) {
        f2 = tce_group_flags(fd);
        close(fd);
    }
    move_to(sibling, NULL);
    move_to(bdf, NULL);
    driver_of(bdf, drv, sizeof(drv));
    EXPECT_TRUE(f1 == 0, "group %d flags 0x%x with %s on %s, expected not "
                "viable", g, f1, sibling, sdrv);
    EXPECT_TRUE(f2 == VFIO_GROUP_FLAGS_VIABLE, "group %d flags 0x%x with both "
                "on vfio-pci, expected viable", g, f2);
    EXPECT_TRUE(strcmp(drv, hostdrv) == 0, "device not restored (%s)", drv);
    return KSFT_PASS;
}

static int
t_reset_method(char *why, size_t whylen)
{
    char path[PATH_MAX], buf[256];

    NEED_DEV();
    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset_method", bdf);
    REQUIRE(access(path, F_OK) == 0, "%s has no reset method", bdf);
    EXPECT_OK(sysfs_read(path, buf, sizeof(buf)));
    EXPECT_TRUE(*buf, "reset_method is empty");
    printf("# %s reset_method: %s\n", bdf, buf);
    return KSFT_PASS;
}

static const ksft_case cases[] = {
    { "pci_iommu_group_link", t_iommu_group_link },
    { "pci_iommu_group_members", t_group_members },
    { "pci_driver_override_initially_null", t_driver_override_initial },
    { "pci_driver_override_probe_bound_device_noop",
      t_override_then_probe_bound },
    { "pci_move_to_vfio_pci_and_back", t_move_to_vfio_and_back },
    { "pci_bind_with_other_override_enodev", t_bind_wrong_override_enodev },
    { "pci_bind_bound_device_ebusy", t_bind_bound_ebusy },
    { "pci_unbind_from_wrong_driver_enodev", t_unbind_wrong_driver_enodev },
    { "pci_drivers_probe_unknown_device_enodev", t_probe_unknown_enodev },
    { "pci_group_viability_follows_drivers", t_viability_follows_drivers },
    { "pci_reset_method", t_reset_method },
};

int
main(void)
{
    if ((bdf = tce_env("TCE_SYSFS_BDF")))
        driver_of(bdf, hostdrv, sizeof(hostdrv));
    if (bdf && strcmp(hostdrv, "vfio-pci") == 0)
        hostdrv[0] = '\0';
    sibling = tce_env("TCE_SYSFS_SIBLING_BDF");
    return ksft_run("pci_sysfs", cases, sizeof(cases) / sizeof(cases[0]));
}
