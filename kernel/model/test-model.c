/*
 * test-model.c: the fake host as production code sees it
 *
 * Runs under LD_PRELOAD=libtcemodel.so with TCEMODEL_ROOT set (see
 * test-model.sh) and uses plain libc and GLib on /sys and /dev paths.
 * The scenario follows ROOT/model/host.  Prints TAP; exits 1 on failure.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEVS "/sys/bus/pci/devices/"
#define DRVS "/sys/bus/pci/drivers/"

static int testNum;
static int testFailed;
static const char *testRoot;

#define CHECK(cond, ...) \
    do { \
        g_autofree char *msg_ = g_strdup_printf(__VA_ARGS__); \
        testNum++; \
        if (cond) { \
            printf("ok %d - %s\n", testNum, msg_); \
        } else { \
            printf("not ok %d - %s (line %d)\n", testNum, msg_, __LINE__); \
            testFailed++; \
        } \
    } while (0)

#define CHECK_STR(got, want, what) \
    do { \
        g_autofree char *got_ = (got); \
        g_autofree char *gotEsc_ = got_ ? g_strescape(got_, NULL) : NULL; \
        g_autofree char *wantEsc_ = g_strescape(want, NULL); \
        CHECK(g_strcmp0(got_, want) == 0, "%s: '%s' (want '%s')", what, \
              gotEsc_ ? gotEsc_ : "(NULL)", wantEsc_); \
    } while (0)

#define CHECK_ERR(got, want, what) \
    do { \
        int got_ = (got); \
        CHECK(got_ == (want), "%s -> %s (want %s)", what, \
              got_ ? g_strerror(got_) : "success", \
              (want) ? g_strerror(want) : "success"); \
    } while (0)


/* open + write + close as virFileWriteStr does; 0 or the errno */
static int
writeStr(const char *path, const char *str, size_t len)
{
    int fd = open(path, O_WRONLY | O_TRUNC);
    int err = 0;

    if (fd < 0)
        return errno;
    if (write(fd, str, len) != (ssize_t)len)
        err = errno;
    close(fd);
    return err;
}

#define WRITE(path, str) writeStr(path, str, strlen(str))

static char *
readStr(const char *path)
{
    char *data = NULL;

    if (!g_file_get_contents(path, &data, NULL, NULL))
        return NULL;
    return data;
}

static char *
linkBase(const char *path)
{
    g_autofree char *target = g_file_read_link(path, NULL);

    return target ? g_path_get_basename(target) : NULL;
}

static char *
driverOf(const char *bdf)
{
    g_autofree char *link = g_strconcat(DEVS, bdf, "/driver", NULL);
    char *drv = linkBase(link);

    return drv ? drv : g_strdup("none");
}

static int
openErr(const char *path, int flags)
{
    int fd = open(path, flags, 0644);

    if (fd < 0)
        return errno;
    close(fd);
    return 0;
}

static bool
exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static gint
cmpStr(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char * const *)a, *(const char * const *)b);
}

/* a write(2) that does not go through libc's write symbol */
static bool
rawWriteFails(int fd)
{
    return syscall(SYS_write, fd, "x", 1) < 0 && errno == EBADF;
}

static char *
listDir(const char *path)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    struct dirent *ent;
    DIR *dir;

    if (!(dir = opendir(path)))
        return g_strdup_printf("error %s", g_strerror(errno));
    while ((ent = readdir(dir))) {
        if (ent->d_name[0] != '.')
            g_ptr_array_add(names, g_strdup(ent->d_name));
    }
    closedir(dir);
    g_ptr_array_sort(names, cmpStr);
    g_ptr_array_add(names, NULL);
    return g_strjoinv(" ", (char **)names->pdata);
}

static void
setFaults(const char *text)
{
    g_autofree char *path = g_strconcat(testRoot, "/faults", NULL);

    if (text)
        g_file_set_contents(path, text, -1, NULL);
    else
        unlink(path);
}

/* move @bdf to @drv the way libvirt does: override, unbind, probe */
static void
moveTo(const char *bdf, const char *drv)
{
    g_autofree char *ovr = g_strconcat(DEVS, bdf, "/driver_override", NULL);
    g_autofree char *unbind = g_strconcat(DEVS, bdf, "/driver/unbind", NULL);

    WRITE(ovr, drv ? drv : "\n");
    if (exists(unbind))
        WRITE(unbind, bdf);
    WRITE("/sys/bus/pci/drivers_probe", bdf);
}


static void
testReaders(void)
{
    g_autofree char *cfg = NULL;
    gsize len = 0;
    struct stat sb;
    struct statx stx;
    char buf[PATH_MAX];
    ssize_t n;

    n = readlink(DEVS "0000:01:00.0/iommu_group", buf, sizeof(buf) - 1);
    buf[MAX(n, 0)] = '\0';
    CHECK(n > 0 && g_str_equal(buf, "../../../kernel/iommu_groups/0"),
          "readlink iommu_group is relative: %s", buf);
    CHECK_STR(linkBase(DEVS "0001:01:00.0/iommu_group"), "1",
              "g_file_read_link group of 0001:01:00.0");
    CHECK_STR(listDir("/sys/kernel/iommu_groups/0/devices"),
              "0000:01:00.0 0000:01:00.1", "readdir group 0");
    CHECK_STR(listDir("/sys/kernel/iommu_groups"), "0 1 2", "readdir groups");
    CHECK_STR(realpath(DEVS "0000:01:00.0", NULL),
              "/sys/devices/pci0000:00/0000:01:00.0", "realpath device");
    CHECK_STR(g_strdup(realpath(DEVS "0001:01:00.0/iommu_group", buf)),
              "/sys/kernel/iommu_groups/1", "realpath iommu_group (buffer)");
    CHECK_STR(canonicalize_file_name(DEVS "0000:02:00.0/driver"),
              "/sys/bus/pci/drivers/e1000e", "canonicalize driver link");
    CHECK_STR(readStr(DEVS "0000:01:00.0/vendor"), "0x14e4\n", "vendor");
    CHECK_STR(readStr(DEVS "0000:01:00.0/class"), "0x020000\n", "class");
    CHECK_STR(readStr(DEVS "0001:01:00.0/numa_node"), "8\n", "numa_node");
    CHECK_STR(readStr(DEVS "0000:01:00.0/driver_override"), "(null)\n",
              "driver_override unset");
    CHECK_STR(readStr(DEVS "0001:01:00.0/driver_override"), "vfio-pci\n",
              "driver_override set");
    CHECK_STR(readStr(DEVS "0000:01:00.0/reset_method"), "flr pm bus\n",
              "reset_method");
    CHECK_STR(readStr(DEVS "0000:02:00.0/modalias"),
              "pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00\n",
              "modalias");
    CHECK(g_file_get_contents(DEVS "0000:01:00.1/config", &cfg, &len, NULL) &&
          len >= 64 && (guint8)cfg[0] == 0xe4 && cfg[1] == 0x14 &&
          (guint8)cfg[2] == 0x57 && cfg[3] == 0x16 && (guint8)cfg[14] == 0x80,
          "config header: vendor, device, multifunction endpoint");
    CHECK(stat(DEVS "0000:01:00.0", &sb) == 0 && S_ISDIR(sb.st_mode),
          "stat device follows the link");
    CHECK(lstat(DEVS "0000:01:00.0", &sb) == 0 && S_ISLNK(sb.st_mode),
          "lstat device is a link");
    CHECK(statx(AT_FDCWD, DEVS "0000:01:00.0/vendor", 0, STATX_MODE, &stx) == 0 &&
          (stx.stx_mode & 0777) == 0444, "statx vendor is 0444");
    CHECK(g_file_test(DEVS "0000:01:00.0", G_FILE_TEST_IS_SYMLINK) &&
          g_file_test(DEVS "0000:01:00.0/driver", G_FILE_TEST_IS_DIR),
          "g_file_test symlink and dir");
    CHECK(exists("/dev/vfio/vfio") && exists("/dev/vfio/1") &&
          !exists("/dev/vfio/0") && !exists("/dev/vfio/2"),
          "/dev/vfio has vfio and 1 only");
    CHECK(!exists(DEVS "0000:09:00.0"), "unknown device absent");
    CHECK(!exists("/sys/bus/pci/drivers/vfio-pci/0000:01:00.0"),
          "driver dir has no link for unbound device");
}


static void
testErrors(void)
{
    CHECK_ERR(openErr(DEVS "0000:01:00.0/vendor", O_WRONLY), EACCES,
              "open read-only attribute for writing");
    CHECK_ERR(openErr(DRVS "tg3/bind", O_RDONLY), EACCES,
              "open write-only bind for reading");
    CHECK_ERR(openErr(DRVS "tg3/bind", O_RDWR), EACCES, "open bind O_RDWR");
    CHECK_ERR(openErr(DEVS "0000:01:00.0/new", O_WRONLY | O_CREAT), EACCES,
              "create a file in sysfs");
    CHECK(!g_file_set_contents(DEVS "0000:01:00.0/driver_override", "x", -1,
                               NULL), "g_file_set_contents (temp+rename) fails");
    CHECK_ERR(mkdir(DEVS "0000:01:00.0/d", 0755) < 0 ? errno : 0, EPERM,
              "mkdir in sysfs");
    CHECK_ERR(unlink(DEVS "0000:01:00.0/vendor") < 0 ? errno : 0, EPERM,
              "unlink in sysfs");
    CHECK_ERR(WRITE(DRVS "tg3/unbind", "0000:09:00.0"), ENODEV,
              "unbind unknown device");
    CHECK_ERR(WRITE(DRVS "tg3/unbind", "garbage\n"), ENODEV,
              "unbind garbage");
    CHECK_ERR(WRITE(DRVS "e1000e/unbind", "0000:01:00.0"), ENODEV,
              "unbind from a driver it is not bound to");
    CHECK_ERR(WRITE(DRVS "tg3/bind", "0000:01:00.0\n"), EBUSY,
              "bind an already bound device");
    CHECK_ERR(WRITE(DRVS "vfio-pci/bind", "0000:01:00.0"), ENODEV,
              "bind to a driver that does not match");
    CHECK_ERR(WRITE(DRVS "tg3/bind", "0001:01:00.0"), ENODEV,
              "bind against driver_override");
    CHECK_ERR(WRITE("/sys/bus/pci/drivers_probe", "0000:09:00.0"), ENODEV,
              "drivers_probe unknown device");
    CHECK_ERR(WRITE("/sys/bus/pci/drivers_probe", "0000:01:00.0"), 0,
              "drivers_probe bound device");
    CHECK_STR(driverOf("0000:01:00.0"), "tg3", "still on tg3");
    CHECK_ERR(writeStr(DRVS "tg3/unbind", "", 0), 0, "empty write is a no-op");
    CHECK_STR(driverOf("0000:01:00.0"), "tg3", "empty write had no effect");
    CHECK_ERR(WRITE(DEVS "0000:02:00.0/reset", "2"), EINVAL, "reset 2");
    CHECK_ERR(WRITE(DEVS "0000:02:00.0/reset", "1\n"), 0, "reset 1");
    CHECK_ERR(WRITE(DEVS "0000:02:00.0/reset_method", "bus"), EINVAL,
              "reset_method unsupported");
    CHECK_ERR(WRITE(DEVS "0000:02:00.0/reset_method", "warm"), EINVAL,
              "reset_method unknown");
    CHECK_ERR(WRITE(DEVS "0000:02:00.0/reset_method", "\n"), 0,
              "reset_method cleared");
    CHECK_ERR(WRITE(DEVS "0000:02:00.0/reset", "1"), ENOTTY,
              "reset without methods");
    CHECK_ERR(WRITE(DEVS "0000:02:00.0/reset_method", "default"), 0,
              "reset_method default");
    CHECK_STR(readStr(DEVS "0000:02:00.0/reset_method"), "flr\n",
              "reset_method restored");
}


static void
testMove(void)
{
    FILE *fp;
    int fd;

    CHECK_ERR(WRITE(DEVS "0000:01:00.0/driver_override", "vfio-pci\n"), 0,
              "driver_override vfio-pci");
    CHECK_STR(readStr(DEVS "0000:01:00.0/driver_override"), "vfio-pci\n",
              "driver_override reads back");
    CHECK_ERR(WRITE(DEVS "0000:01:00.0/driver/unbind", "0000:01:00.0"), 0,
              "unbind through device/driver/unbind");
    CHECK(!exists(DEVS "0000:01:00.0/driver") &&
          !exists(DRVS "tg3/0000:01:00.0"), "both driver links are gone");
    CHECK_ERR(WRITE("/sys/bus/pci/drivers_probe", "0000:01:00.0"), 0,
              "drivers_probe");
    CHECK_STR(driverOf("0000:01:00.0"), "vfio-pci", "probe honours override");
    CHECK(exists("/dev/vfio/0"), "/dev/vfio/0 created by first vfio bind");
    CHECK(exists(DRVS "vfio-pci/0000:01:00.0"), "vfio-pci lists the device");

    /* second function: stdio override, driver unbind file, explicit bind */
    fp = fopen(DEVS "0000:01:00.1/driver_override", "w");
    CHECK(fp && fprintf(fp, "vfio-pci") > 0 && fclose(fp) == 0,
          "fopen/fprintf/fclose driver_override");
    fp = fopen(DRVS "vfio-pci/bind", "w");
    CHECK(fp && fputs("0000:01:00.1", fp) >= 0 && fclose(fp) == EOF &&
          errno == EBUSY, "stdio bind while bound reports EBUSY at fclose");
    CHECK_ERR(WRITE(DRVS "tg3/unbind", "0000:01:00.1"), 0, "unbind from tg3");
    CHECK_ERR(WRITE(DRVS "vfio-pci/bind", "0000:01:00.1"), 0,
              "bind to vfio-pci");
    CHECK_ERR(WRITE(DRVS "vfio-pci/bind", "0000:01:00.1"), EBUSY,
              "bind again");
    CHECK_STR(listDir("/dev/vfio"), "0 1 vfio", "/dev/vfio lists group 0");

    /* and back */
    CHECK_ERR(WRITE(DRVS "vfio-pci/unbind", "0000:01:00.0"), 0,
              "unbind .0 from vfio-pci");
    CHECK(exists("/dev/vfio/0"), "/dev/vfio/0 stays while .1 is on vfio-pci");
    fd = open(DEVS "0000:01:00.1/driver/unbind", O_WRONLY | O_CLOEXEC);
    CHECK(fd >= 0 && write(fd, "0000:01:00.1\n", 13) == 13 && close(fd) == 0,
          "unbind .1 with a trailing newline");
    CHECK(!exists("/dev/vfio/0"), "/dev/vfio/0 removed with the last one");
    CHECK_ERR(WRITE(DEVS "0000:01:00.0/driver_override", "\n"), 0,
              "clear override with newline");
    CHECK_ERR(writeStr(DEVS "0000:01:00.1/driver_override", "\0", 1), 0,
              "clear override with a NUL byte");
    CHECK_STR(readStr(DEVS "0000:01:00.1/driver_override"), "(null)\n",
              "override cleared");
    WRITE("/sys/bus/pci/drivers_probe", "0000:01:00.0");
    WRITE("/sys/bus/pci/drivers_probe", "0000:01:00.1\n");
    CHECK_STR(driverOf("0000:01:00.0"), "tg3", ".0 back on tg3");
    CHECK_STR(driverOf("0000:01:00.1"), "tg3", ".1 back on tg3");
}


static void
testFdPaths(void)
{
    struct iovec iov[2] = {
        { (void *)"vfio", 4 }, { (void *)"-pci\n", 5 },
    };
    g_autoptr(GError) err = NULL;
    int dirfd;
    int fd;
    int fd2;

    fd = open(DEVS "0000:02:00.0/driver_override", O_WRONLY);
    fd2 = dup(fd);
    close(fd);
    CHECK(fd2 >= 0 && writev(fd2, iov, 2) == 9, "writev through a dup");
    CHECK_STR(readStr(DEVS "0000:02:00.0/driver_override"), "vfio-pci\n",
              "writev stored");
    fd = fcntl(fd2, F_DUPFD_CLOEXEC, 100);
    close(fd2);
    CHECK(fd >= 100 && pwrite(fd, "\n", 1, 0) == 1 && close(fd) == 0,
          "pwrite through F_DUPFD_CLOEXEC");
    CHECK_STR(readStr(DEVS "0000:02:00.0/driver_override"), "(null)\n",
              "pwrite cleared it");

    dirfd = open(DEVS "0000:02:00.0", O_RDONLY | O_DIRECTORY);
    fd = openat(dirfd, "driver_override", O_WRONLY);
    CHECK(fd >= 0 && write(fd, "e1000e", 6) == 6,
          "openat relative to a device dirfd");
    close(fd);
    close(dirfd);
    CHECK_STR(readStr(DEVS "0000:02:00.0/driver_override"), "e1000e\n",
              "relative write stored");

    CHECK(g_file_set_contents_full(DEVS "0000:02:00.0/driver_override", "\n",
                                   -1, G_FILE_SET_CONTENTS_NONE, 0644, &err),
          "g_file_set_contents_full(NONE) on driver_override");
    CHECK_STR(readStr(DEVS "0000:02:00.0/driver_override"), "(null)\n",
              "g_file_set_contents_full stored");

    /* write that bypasses write(2): refused instead of editing the tree */
    fd = open(DRVS "e1000e/unbind", O_WRONLY);
    CHECK(fd >= 0 && rawWriteFails(fd), "raw syscall write is EBADF");
    close(fd);
}


static void
testFaults(void)
{
    g_autofree char *path = g_strconcat(testRoot, "/faults", NULL);

    setFaults("# comment\nunbind:0000:01:00.0 EBUSY 1\n"
              "open:/sys/bus/pci/devices/0000:02:00.0/config EIO\n");
    CHECK_ERR(WRITE(DRVS "tg3/unbind", "0000:01:00.0"), EBUSY,
              "injected unbind EBUSY");
    CHECK_STR(driverOf("0000:01:00.0"), "tg3", "fault had no effect");
    CHECK_STR(readStr(path), "# comment\nunbind:0000:01:00.0 EBUSY 0\n"
              "open:/sys/bus/pci/devices/0000:02:00.0/config EIO\n",
              "count used up in the faults file");
    CHECK_ERR(WRITE(DRVS "tg3/unbind", "0000:01:00.0"), 0,
              "second unbind succeeds");
    CHECK_ERR(openErr(DEVS "0000:02:00.0/config", O_RDONLY), EIO,
              "injected open EIO");
    setFaults("bind:* ENOSPC\n");
    CHECK_ERR(WRITE(DRVS "tg3/bind", "0000:01:00.0"), ENOSPC,
              "pattern fault on bind");
    setFaults(NULL);
    CHECK_ERR(WRITE(DRVS "tg3/bind", "0000:01:00.0"), 0, "bind back");
}


static void
testNewId(void)
{
    CHECK_ERR(WRITE(DRVS "e1000e/unbind", "0000:02:00.0"), 0, "unbind 02:00.0");
    CHECK_ERR(WRITE(DRVS "vfio-pci/new_id", "zz"), EINVAL, "new_id garbage");
    CHECK_ERR(WRITE(DRVS "vfio-pci/new_id", "8086 10d3"), 0, "new_id");
    CHECK_STR(driverOf("0000:02:00.0"), "vfio-pci", "new_id binds unbound");
    CHECK(exists("/dev/vfio/2"), "/dev/vfio/2 created");
    CHECK_ERR(WRITE(DRVS "vfio-pci/new_id", "8086 10d3"), EEXIST,
              "new_id twice");
    CHECK_ERR(WRITE(DRVS "e1000e/new_id", "8086 10d3"), EEXIST,
              "new_id already in the static table");
    CHECK_ERR(WRITE(DRVS "vfio-pci/remove_id", "8086 10d3"), 0, "remove_id");
    CHECK_ERR(WRITE(DRVS "vfio-pci/remove_id", "8086 10d3"), ENODEV,
              "remove_id twice");
    moveTo("0000:02:00.0", NULL);
    CHECK_STR(driverOf("0000:02:00.0"), "e1000e", "back on e1000e");
    CHECK(!exists("/dev/vfio/2"), "/dev/vfio/2 removed");
}


/* several processes share the host: flock serialises their updates */
static void
testProcesses(void)
{
    const char *bdfs[] = { "0000:01:00.0", "0000:01:00.1", "0000:02:00.0" };
    const char *natural[] = { "tg3", "tg3", "e1000e" };
    int status;
    size_t i;
    int j;
    bool ok = true;

    for (i = 0; i < G_N_ELEMENTS(bdfs); i++) {
        if (fork() == 0) {
            for (j = 0; j < 20; j++) {
                moveTo(bdfs[i], "vfio-pci");
                moveTo(bdfs[i], NULL);
            }
            moveTo(bdfs[i], "vfio-pci");
            _exit(0);
        }
    }
    while (wait(&status) > 0)
        ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    CHECK(ok, "children exited");
    for (i = 0; i < G_N_ELEMENTS(bdfs); i++)
        CHECK_STR(driverOf(bdfs[i]), "vfio-pci", bdfs[i]);
    CHECK_STR(listDir("/dev/vfio"), "0 1 2 vfio", "/dev/vfio after children");
    for (i = 0; i < G_N_ELEMENTS(bdfs); i++) {
        moveTo(bdfs[i], NULL);
        CHECK_STR(driverOf(bdfs[i]), natural[i], bdfs[i]);
    }
    CHECK_STR(listDir("/dev/vfio"), "1 vfio", "/dev/vfio restored");
}


static void
testLibvirtHost(void)
{
    CHECK_STR(listDir("/sys/kernel/iommu_groups/1/devices"),
              "0005:90:01.0 0005:90:01.1 0005:90:01.2", "group 1");
    CHECK_STR(realpath(DEVS "0005:90:01.2", NULL),
              "/sys/devices/pci0005:00/0005:90:01.2", "realpath");
    CHECK_STR(driverOf("0002:01:00.0"), "none", "0002:01:00.0 unbound");
    CHECK_ERR(WRITE("/sys/bus/pci/drivers_probe", "0002:01:00.0"), 0,
              "probe without a matching driver succeeds");
    CHECK_STR(driverOf("0002:01:00.0"), "none", "and leaves it unbound");
    CHECK_ERR(WRITE(DEVS "0000:00:00.0/driver_override", "vfio-pci"), 0,
              "override the bridge");
    CHECK_ERR(WRITE(DRVS "pcieport/unbind", "0000:00:00.0"), 0,
              "unbind the bridge");
    CHECK_ERR(WRITE(DRVS "vfio-pci/bind", "0000:00:00.0"), EINVAL,
              "vfio-pci refuses a bridge");
    CHECK_ERR(WRITE("/sys/bus/pci/drivers_probe", "0000:00:00.0"), 0,
              "probe swallows the probe error");
    CHECK(!exists("/dev/vfio/3"), "no /dev/vfio/3");
    CHECK_STR(driverOf("0000:00:00.0"), "none", "bridge stays unbound");
    moveTo("0000:00:00.0", NULL);
    CHECK_STR(driverOf("0000:00:00.0"), "pcieport", "bridge back");
}


static void
testMultifnHost(void)
{
    CHECK_STR(driverOf("0000:01:00.0"), "vfio-pci", ".0 on vfio-pci");
    CHECK_STR(driverOf("0000:01:00.1"), "ahci", ".1 on ahci");
    CHECK_STR(listDir("/dev/vfio"), "0 vfio",
              "group node exists although the group is not viable");
    moveTo("0000:01:00.1", "vfio-pci");
    CHECK_STR(driverOf("0000:01:00.1"), "vfio-pci", ".1 moved");
    moveTo("0001:01:00.0", "vfio-pci");
    CHECK_STR(listDir("/dev/vfio"), "0 1 vfio", "group 1 node");
    moveTo("0000:01:00.0", NULL);
    CHECK_STR(driverOf("0000:01:00.0"), "xhci_hcd", ".0 to natural driver");
}


int
main(void)
{
    g_autofree char *hostPath = NULL;
    g_autofree char *host = NULL;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (!(testRoot = getenv("TCEMODEL_ROOT"))) {
        fprintf(stderr, "test-model: run me with TCEMODEL_ROOT and "
                "LD_PRELOAD=libtcemodel.so (see test-model.sh)\n");
        return 1;
    }
    hostPath = g_strconcat(testRoot, "/model/host", NULL);
    host = readStr(hostPath);
    printf("# host %s\n", host ? host : "?");

    if (g_strcmp0(host, "power9-2phb") == 0) {
        testReaders();
        testErrors();
        testMove();
        testFdPaths();
        testFaults();
        testNewId();
        testProcesses();
    } else if (g_strcmp0(host, "ppc-libvirt") == 0) {
        testLibvirtHost();
    } else if (g_strcmp0(host, "power9-multifn-hostdrv") == 0) {
        testMultifnHost();
    } else {
        CHECK(false, "unknown host '%s'", host);
    }

    printf("1..%d\n", testNum);
    return testFailed ? 1 : 0;
}
