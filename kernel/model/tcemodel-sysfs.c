/*
 * tcemodel-sysfs.c: PCI sysfs semantics of the fake host
 *
 * The sysfs tree under ROOT is the state: a device is bound when its
 * "driver" symlink exists, its override is the content of driver_override.
 * What sysfs cannot show lives under ROOT/model:
 *   model/devices/BDF/natural        driver the kernel's id tables pick
 *   model/devices/BDF/reset_methods  methods the device supports
 *   model/drivers/NAME/dynids        ids added through new_id
 *                                    (tcemodel-dynids.c)
 *
 * The store handlers mirror drivers/base/bus.c (bind_store, unbind_store,
 * drivers_probe_store), drivers/base/driver.c (driver_set_override) and
 * drivers/pci/pci-sysfs.c, pci-driver.c (new_id, remove_id, reset,
 * reset_method), including the order of their checks and their errnos.
 * Each runs under the model lock.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "tcemodel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCI_HEADER_TYPE 0x0e

static const char *tcemodelResetMethods[] = {
    "device_specific", "acpi", "flr", "af_flr", "pm", "bus", "cxl_bus",
};
#define PCI_NUM_RESET_METHODS (G_N_ELEMENTS(tcemodelResetMethods) + 1)


/* "devices/pciDDDD:00/BDF", relative to ROOT/sys */
char *
tcemodelSysfsDevTarget(const char *bdf)
{
    return g_strdup_printf("devices/pci%.4s:00/%s", bdf, bdf);
}


static char *
tcemodelDevPath(const char *root, const char *bdf, const char *attr)
{
    return tcemodelPath(root, "/sys/bus/pci/devices/%s/%s", bdf, attr);
}


static char *
tcemodelDrvPath(const char *root, const char *drv, const char *attr)
{
    return tcemodelPath(root, "/sys/bus/pci/drivers/%s/%s", drv, attr);
}


static bool
tcemodelDevExists(const char *root, const char *bdf)
{
    g_autofree char *path = NULL;
    struct stat sb;

    if (!tcemodelBDFValid(bdf))
        return false;
    path = tcemodelPath(root, "/sys/bus/pci/devices/%s", bdf);
    return lstat(path, &sb) == 0;
}


/* Current driver of @bdf or NULL */
char *
tcemodelSysfsDriver(const char *root, const char *bdf)
{
    g_autofree char *path = tcemodelDevPath(root, bdf, "driver");

    return tcemodelLinkBase(path);
}


/* IOMMU group of @bdf or NULL */
char *
tcemodelSysfsGroup(const char *root, const char *bdf)
{
    g_autofree char *path = tcemodelDevPath(root, bdf, "iommu_group");

    return tcemodelLinkBase(path);
}


/* Read a one-line attribute without its newline; NULL if missing. */
static char *
tcemodelReadLine(const char *path)
{
    char *data = NULL;

    if (tcemodelFileRead(path, &data) < 0)
        return NULL;
    data[strcspn(data, "\n")] = '\0';
    return data;
}


static char *
tcemodelDevOverride(const char *root, const char *bdf)
{
    g_autofree char *path = tcemodelDevPath(root, bdf, "driver_override");
    char *val = tcemodelReadLine(path);

    if (val && (!*val || g_str_equal(val, "(null)")))
        g_clear_pointer(&val, g_free);
    return val;
}


static char *
tcemodelDevNatural(const char *root, const char *bdf)
{
    g_autofree char *path = tcemodelPath(root, "/model/devices/%s/natural",
                                         bdf);
    char *val = tcemodelReadLine(path);

    if (val && !*val)
        g_clear_pointer(&val, g_free);
    return val;
}


/*
 * pci_bus_match(): driver_override decides alone when set; otherwise the
 * driver's dynamic ids, then its static table (the "natural" driver).
 */
bool
tcemodelSysfsMatch(const char *root, const char *bdf, const char *drv)
{
    g_autofree char *override = tcemodelDevOverride(root, bdf);
    g_autofree char *natural = NULL;

    if (override)
        return g_str_equal(override, drv);
    if (tcemodelDynidsMatch(root, drv, bdf))
        return true;

    natural = tcemodelDevNatural(root, bdf);
    return natural && g_str_equal(natural, drv);
}


static bool
tcemodelGroupHasDriver(const char *root, const char *group, const char *drv)
{
    g_autofree char *path = tcemodelPath(root,
                                         "/sys/kernel/iommu_groups/%s/devices",
                                         group);
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *cur = tcemodelSysfsDriver(root, name);

        if (cur && g_str_equal(cur, drv))
            return true;
    }
    return false;
}


/*
 * vfio_pci_probe(): refuses non-endpoint headers and devices without an
 * IOMMU group (-EINVAL).  On success vfio creates /dev/vfio/N for the
 * group if it is the group's first vfio device.
 */
static int
tcemodelProbeVfio(const char *root, const char *bdf)
{
    g_autofree char *config = tcemodelDevPath(root, bdf, "config");
    g_autofree char *group = tcemodelSysfsGroup(root, bdf);
    g_autofree char *node = NULL;
    unsigned char hdr = 0;
    int fd;

    if ((fd = open(config, O_RDONLY | O_CLOEXEC)) < 0)
        return -EIO;
    if (pread(fd, &hdr, 1, PCI_HEADER_TYPE) != 1)
        hdr = 0xff;
    close(fd);

    if ((hdr & 0x7f) != 0 || !group)
        return -EINVAL;

    /* a fresh node: empty, i.e. root:root 0600 (tcemodel-node.c); the
     * tree file is 0666 so that any process may record a chown/chmod */
    node = tcemodelPath(root, "/dev/vfio/%s", group);
    fd = open(node, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST)
        return -errno;
    if (fd >= 0) {
        fchmod(fd, 0666);
        close(fd);
    }
    return 0;
}


/*
 * Probe @drv on @bdf and, on success, create the driver links.  No match
 * checks: callers (bind, probe, tree building) have done them.
 */
int
tcemodelSysfsAttach(const char *root, const char *bdf, const char *drv)
{
    g_autofree char *drvDir = tcemodelDrvPath(root, drv, "");
    g_autofree char *drvLink = tcemodelDrvPath(root, drv, bdf);
    g_autofree char *devLink = tcemodelDevPath(root, bdf, "driver");
    g_autofree char *devTarget = tcemodelSysfsDevTarget(bdf);
    g_autofree char *drvTarget = g_strdup_printf("../../../../%s", devTarget);
    g_autofree char *linkTarget = g_strdup_printf("../../../bus/pci/drivers/%s",
                                                  drv);
    int ret;

    if (access(drvDir, F_OK) < 0)
        return -ENODEV;

    if (g_str_equal(drv, TCEMODEL_DRIVER_VFIO))
        ret = tcemodelProbeVfio(root, bdf);
    else
        ret = tcemodelVfioProbeCheck(root, bdf);
    if (ret < 0)
        return ret;

    if ((ret = tcemodelSymlink(drvTarget, drvLink)) < 0)
        return ret;
    if ((ret = tcemodelSymlink(linkTarget, devLink)) < 0) {
        unlink(drvLink);
        return ret;
    }
    return 0;
}


/*
 * device_release_driver().  For vfio-pci the group node goes away with the
 * group's last vfio device, and an open group file is left dangling.
 * vfio_pci_remove() blocks while the device has open fds: the model
 * fails with EBUSY instead.
 */
int
tcemodelSysfsDetach(const char *root, const char *bdf, const char *drv)
{
    g_autofree char *drvLink = tcemodelDrvPath(root, drv, bdf);
    g_autofree char *devLink = tcemodelDevPath(root, bdf, "driver");
    g_autofree char *group = NULL;
    int ret;

    if (g_str_equal(drv, TCEMODEL_DRIVER_VFIO) &&
        (ret = tcemodelVfioUnbindCheck(root, bdf)) < 0)
        return ret;
    if (unlink(devLink) < 0)
        return -errno;
    unlink(drvLink);

    if (g_str_equal(drv, TCEMODEL_DRIVER_VFIO) &&
        (group = tcemodelSysfsGroup(root, bdf)) &&
        !tcemodelGroupHasDriver(root, group, TCEMODEL_DRIVER_VFIO)) {
        g_autofree char *node = tcemodelPath(root, "/dev/vfio/%s", group);

        unlink(node);
        tcemodelVfioGroupUnplug(root, group);
    }
    return 0;
}


/*
 * device_attach(): try the matching drivers (natural one first, then in
 * name order); a failing probe lets the next driver try.  Probe errors
 * are not reported, the device simply stays unbound.
 */
static void
tcemodelProbe(const char *root, const char *bdf)
{
    g_autofree char *drvs = tcemodelPath(root, "/sys/bus/pci/drivers");
    g_autoptr(GPtrArray) names = tcemodelListDir(drvs);
    g_autofree char *natural = tcemodelDevNatural(root, bdf);
    size_t i;

    if (natural && tcemodelSysfsMatch(root, bdf, natural) &&
        tcemodelSysfsAttach(root, bdf, natural) == 0)
        return;

    for (i = 0; i < names->len; i++) {
        const char *drv = g_ptr_array_index(names, i);

        if (natural && g_str_equal(drv, natural))
            continue;
        if (tcemodelSysfsMatch(root, bdf, drv) &&
            tcemodelSysfsAttach(root, bdf, drv) == 0)
            return;
    }
}


/* ------------------------------------------------------------------ */
/* store handlers: 0 or -errno, called with the model lock held        */

static int
tcemodelStoreBind(const char *root, const char *drv, const char *bdf,
                  const char *buf, size_t len)
{
    g_autofree char *cur = NULL;

    if (!tcemodelDevExists(root, bdf) || !tcemodelSysfsMatch(root, bdf, drv))
        return -ENODEV;
    if ((cur = tcemodelSysfsDriver(root, bdf)))
        return -EBUSY;
    /* a host driver's probe fails with EBUSY while a VFIO user owns the
     * group's DMA (tcemodelVfioProbeCheck) */
    return tcemodelSysfsAttach(root, bdf, drv);
}


static int
tcemodelStoreUnbind(const char *root, const char *drv, const char *bdf,
                    const char *buf, size_t len)
{
    g_autofree char *cur = NULL;

    if (!tcemodelDevExists(root, bdf) ||
        !(cur = tcemodelSysfsDriver(root, bdf)) ||
        !g_str_equal(cur, drv))
        return -ENODEV;
    return tcemodelSysfsDetach(root, bdf, drv);
}


static int
tcemodelStoreDriversProbe(const char *root, const char *bus, const char *bdf,
                          const char *buf, size_t len)
{
    g_autofree char *cur = NULL;

    if (!tcemodelDevExists(root, bdf))
        return -ENODEV;
    if (!(cur = tcemodelSysfsDriver(root, bdf)))
        tcemodelProbe(root, bdf);
    return 0;
}


static int
tcemodelStoreRescan(const char *root, const char *bus, const char *key,
                    const char *buf, size_t len)
{
    g_autofree char *val = tcemodelStoreBuf(buf, len);
    char *end;

    strtoul(val, &end, 0);
    if (end == val || (*end && !g_str_equal(end, "\n")))
        return -EINVAL;
    return 0;
}


/* driver_set_override() */
static int
tcemodelStoreDriverOverride(const char *root, const char *bdf,
                            const char *key, const char *buf, size_t len)
{
    g_autofree char *path = tcemodelDevPath(root, bdf, "driver_override");
    g_autofree char *val = NULL;
    g_autofree char *show = NULL;

    if (len >= TCEMODEL_PAGE_SIZE - 1)
        return -EINVAL;

    val = tcemodelStoreBuf(buf, len);
    val[strcspn(val, "\n")] = '\0';
    show = g_strdup_printf("%s\n", *val ? val : "(null)");
    return tcemodelFileReplace(root, path, show, 0644);
}


/* pci_reset_function() only reports whether a method is enabled. */
static int
tcemodelStoreReset(const char *root, const char *bdf, const char *key,
                   const char *buf, size_t len)
{
    g_autofree char *path = tcemodelDevPath(root, bdf, "reset_method");
    g_autofree char *val = tcemodelStoreBuf(buf, len);
    g_autofree char *methods = NULL;
    char *end;

    if (strtoul(val, &end, 0) != 1 || end == val ||
        (*end && !g_str_equal(end, "\n")))
        return -EINVAL;

    methods = tcemodelReadLine(path);
    if (!methods || !*methods)
        return -ENOTTY;
    return 0;
}


static bool
tcemodelStrvHas(char **strv, const char *str)
{
    return strv && g_strv_contains((const char * const *)strv, str);
}


bool
tcemodelSysfsResetMethodKnown(const char *name)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(tcemodelResetMethods); i++) {
        if (g_str_equal(tcemodelResetMethods[i], name))
            return true;
    }
    return false;
}


static int
tcemodelStoreResetMethod(const char *root, const char *bdf, const char *key,
                         const char *buf, size_t len)
{
    g_autofree char *path = tcemodelDevPath(root, bdf, "reset_method");
    g_autofree char *supPath = tcemodelPath(root,
                                            "/model/devices/%s/reset_methods",
                                            bdf);
    g_autofree char *supported = tcemodelReadLine(supPath);
    g_autofree char *val = NULL;
    g_auto(GStrv) sup = NULL;
    g_auto(GStrv) names = NULL;
    g_autoptr(GString) show = g_string_new(NULL);
    size_t n = 0;
    size_t i;

    if (len >= TCEMODEL_PAGE_SIZE - 1)
        return -EINVAL;
    val = tcemodelStoreName(buf, len);

    if (g_str_equal(val, ""))
        return tcemodelFileReplace(root, path, "", 0644);

    if (g_str_equal(val, "default")) {
        g_autofree char *def = g_strdup_printf("%s\n", supported ? supported : "");
        return tcemodelFileReplace(root, path, def, 0644);
    }

    sup = g_strsplit(supported ? supported : "", " ", -1);
    names = g_strsplit(val, " ", -1);
    for (i = 0; names[i]; i++) {
        char *name = g_strstrip(names[i]);

        if (!*name)
            continue;
        if (!tcemodelSysfsResetMethodKnown(name))
            return -EINVAL;     /* "Invalid reset method" */
        if (!tcemodelStrvHas(sup, name))
            return -EINVAL;     /* "Unsupported reset method" */
        if (++n == PCI_NUM_RESET_METHODS)
            return -EINVAL;     /* "Too many reset methods" */
        g_string_append_printf(show, "%s%s", show->len ? " " : "", name);
    }
    if (show->len)
        g_string_append_c(show, '\n');
    return tcemodelFileReplace(root, path, show->str, 0644);
}


/* ------------------------------------------------------------------ */
/* modelled files                                                      */

typedef int (*tcemodelStoreFunc)(const char *root, const char *object,
                                 const char *key, const char *buf,
                                 size_t len);

typedef struct {
    tcemodelFileOps ops;        /* must be first */
    const char *attr;
    bool keyFromBuf;            /* fault key: written BDF, else object */
    tcemodelStoreFunc store;
} tcemodelSysfsAttr;


/* sysfs_kf_write() + the attribute's store(), under the model lock */
static int
tcemodelSysfsWrite(tcemodelFile *file, const char *buf, size_t len)
{
    const tcemodelSysfsAttr *attr = (const tcemodelSysfsAttr *)file->ops;
    g_autofree char *key = NULL;
    g_autofree char *op = NULL;
    int lockfd;
    int ret;

    if (len == 0)
        return 0;

    key = attr->keyFromBuf ? tcemodelStoreName(buf, len)
                           : g_strdup(file->object);
    op = g_strdup_printf("%s:%s", attr->ops.name, key);

    if ((lockfd = tcemodelLockAcquire(file->root)) < 0)
        return -EIO;

    if ((ret = tcemodelFaultCheck(file->root, op)) == 0)
        ret = attr->store(file->root, file->object, key, buf, len);

    tcemodelLockRelease(lockfd);
    return ret;
}


#define ATTR(name, key, fn) \
    { { name, tcemodelSysfsWrite, NULL }, name, key, fn }

static const tcemodelSysfsAttr tcemodelBusAttrs[] = {
    ATTR("drivers_probe", true, tcemodelStoreDriversProbe),
    ATTR("rescan", false, tcemodelStoreRescan),
};

static const tcemodelSysfsAttr tcemodelDriverAttrs[] = {
    ATTR("bind", true, tcemodelStoreBind),
    ATTR("unbind", true, tcemodelStoreUnbind),
    ATTR("new_id", false, tcemodelDynidsStoreNewId),
    ATTR("remove_id", false, tcemodelDynidsStoreRemoveId),
};

static const tcemodelSysfsAttr tcemodelDeviceAttrs[] = {
    ATTR("driver_override", false, tcemodelStoreDriverOverride),
    ATTR("reset", false, tcemodelStoreReset),
    ATTR("reset_method", false, tcemodelStoreResetMethod),
};

#undef ATTR


static const tcemodelFileOps *
tcemodelAttrFind(const tcemodelSysfsAttr *attrs, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (g_str_equal(attrs[i].attr, name))
            return &attrs[i].ops;
    }
    return NULL;
}


/*
 * Is @path (resolved, as the process sees it) a sysfs file whose writes
 * have an effect?  Returns its ops and the object (BDF, driver, "bus").
 */
const tcemodelFileOps *
tcemodelSysfsClassify(const char *path, char **object)
{
    g_auto(GStrv) c = g_strsplit(path, "/", -1);
    guint n = g_strv_length(c);
    const tcemodelFileOps *ops = NULL;

    *object = NULL;
    if (n < 5 || *c[0] || !g_str_equal(c[1], "sys"))
        return NULL;

    if (n == 5 && g_str_equal(c[2], "bus") && g_str_equal(c[3], "pci")) {
        ops = tcemodelAttrFind(tcemodelBusAttrs,
                               G_N_ELEMENTS(tcemodelBusAttrs), c[4]);
        *object = g_strdup("bus");
    } else if (n == 7 && g_str_equal(c[2], "bus") &&
               g_str_equal(c[3], "pci") && g_str_equal(c[4], "drivers") &&
               tcemodelNameValid(c[5])) {
        ops = tcemodelAttrFind(tcemodelDriverAttrs,
                               G_N_ELEMENTS(tcemodelDriverAttrs), c[6]);
        *object = g_strdup(c[5]);
    } else if (n == 6 && g_str_equal(c[2], "devices") &&
               g_str_has_prefix(c[3], "pci") && tcemodelBDFValid(c[4])) {
        ops = tcemodelAttrFind(tcemodelDeviceAttrs,
                               G_N_ELEMENTS(tcemodelDeviceAttrs), c[5]);
        *object = g_strdup(c[4]);
    }

    if (!ops)
        g_clear_pointer(object, g_free);
    return ops;
}
