/*
 * tcemodel-sysfs.c: PCI sysfs semantics of the fake host
 *
 * The sysfs tree under ROOT is the state: a device is bound when its
 * "driver" symlink exists, its override is the content of driver_override.
 * What sysfs cannot show lives under ROOT/model:
 *   model/devices/BDF/natural        driver the kernel's id tables pick
 *   model/devices/BDF/reset_methods  methods the device supports
 *   model/drivers/NAME/dynids        ids added through new_id
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

#define PCI_ANY_ID 0xffffffffU
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


static unsigned int
tcemodelDevHex(const char *root, const char *bdf, const char *attr)
{
    g_autofree char *path = tcemodelDevPath(root, bdf, attr);
    g_autofree char *val = tcemodelReadLine(path);

    return val ? (unsigned int)strtoul(val, NULL, 16) : 0;
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


/* A pci_device_id as new_id writes it: vendor device subv subd class mask */
typedef struct {
    unsigned int v[6];
} tcemodelDynid;


static int
tcemodelDynidParse(const char *buf, tcemodelDynid *id, int *fields)
{
    unsigned long data = 0;

    id->v[0] = id->v[1] = 0;
    id->v[2] = id->v[3] = PCI_ANY_ID;
    id->v[4] = id->v[5] = 0;
    *fields = sscanf(buf, "%x %x %x %x %x %x %lx", &id->v[0], &id->v[1],
                     &id->v[2], &id->v[3], &id->v[4], &id->v[5], &data);
    return *fields < 2 ? -EINVAL : 0;
}


/* pci_match_one_device() */
static bool
tcemodelDynidMatch(const tcemodelDynid *id, const char *root,
                   const char *bdf)
{
    unsigned int dev[5] = {
        tcemodelDevHex(root, bdf, "vendor"),
        tcemodelDevHex(root, bdf, "device"),
        tcemodelDevHex(root, bdf, "subsystem_vendor"),
        tcemodelDevHex(root, bdf, "subsystem_device"),
        tcemodelDevHex(root, bdf, "class"),
    };
    size_t i;

    for (i = 0; i < 4; i++) {
        if (id->v[i] != PCI_ANY_ID && id->v[i] != dev[i])
            return false;
    }
    return ((id->v[4] ^ dev[4]) & id->v[5]) == 0;
}


static GPtrArray *
tcemodelDynidsLoad(const char *root, const char *drv)
{
    g_autofree char *path = tcemodelPath(root, "/model/drivers/%s/dynids",
                                         drv);
    g_autofree char *data = NULL;
    g_auto(GStrv) lines = NULL;
    GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    if (tcemodelFileRead(path, &data) < 0)
        return ids;
    lines = g_strsplit(data, "\n", -1);
    for (i = 0; lines[i]; i++) {
        tcemodelDynid id;
        int fields;

        if (tcemodelDynidParse(lines[i], &id, &fields) == 0)
            g_ptr_array_add(ids, g_memdup2(&id, sizeof(id)));
    }
    return ids;
}


static int
tcemodelDynidsSave(const char *root, const char *drv, GPtrArray *ids)
{
    g_autofree char *dir = tcemodelPath(root, "/model/drivers/%s", drv);
    g_autofree char *path = g_strconcat(dir, "/dynids", NULL);
    g_autoptr(GString) data = g_string_new(NULL);
    size_t i;
    int ret;

    for (i = 0; i < ids->len; i++) {
        tcemodelDynid *id = g_ptr_array_index(ids, i);

        g_string_append_printf(data, "%x %x %x %x %x %x\n", id->v[0],
                               id->v[1], id->v[2], id->v[3], id->v[4],
                               id->v[5]);
    }
    if ((ret = tcemodelMkdir(dir)) < 0)
        return ret;
    return tcemodelFileReplace(root, path, data->str, 0644);
}


/*
 * pci_bus_match(): driver_override decides alone when set; otherwise the
 * driver's dynamic ids, then its static table (the "natural" driver).
 */
static bool
tcemodelMatch(const char *root, const char *bdf, const char *drv)
{
    g_autofree char *override = tcemodelDevOverride(root, bdf);
    g_autofree char *natural = NULL;
    g_autoptr(GPtrArray) ids = NULL;
    size_t i;

    if (override)
        return g_str_equal(override, drv);

    ids = tcemodelDynidsLoad(root, drv);
    for (i = 0; i < ids->len; i++) {
        if (tcemodelDynidMatch(g_ptr_array_index(ids, i), root, bdf))
            return true;
    }

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

    node = tcemodelPath(root, "/dev/vfio/%s", group);
    fd = open(node, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST)
        return -errno;
    if (fd >= 0) {
        fchmod(fd, 0600);
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

    if (g_str_equal(drv, TCEMODEL_DRIVER_VFIO) &&
        (ret = tcemodelProbeVfio(root, bdf)) < 0)
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
 * group's last vfio device.
 * XXX later stage: vfio_pci_remove() blocks while the device is open.
 */
int
tcemodelSysfsDetach(const char *root, const char *bdf, const char *drv)
{
    g_autofree char *drvLink = tcemodelDrvPath(root, drv, bdf);
    g_autofree char *devLink = tcemodelDevPath(root, bdf, "driver");
    g_autofree char *group = NULL;

    if (unlink(devLink) < 0)
        return -errno;
    unlink(drvLink);

    if (g_str_equal(drv, TCEMODEL_DRIVER_VFIO) &&
        (group = tcemodelSysfsGroup(root, bdf)) &&
        !tcemodelGroupHasDriver(root, group, TCEMODEL_DRIVER_VFIO)) {
        g_autofree char *node = tcemodelPath(root, "/dev/vfio/%s", group);

        unlink(node);
    }
    return 0;
}


static gint
tcemodelStrcmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char * const *)a, *(const char * const *)b);
}


static GPtrArray *
tcemodelListDir(const char *path)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir)))
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, tcemodelStrcmp);
    return names;
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

    if (natural && tcemodelMatch(root, bdf, natural) &&
        tcemodelSysfsAttach(root, bdf, natural) == 0)
        return;

    for (i = 0; i < names->len; i++) {
        const char *drv = g_ptr_array_index(names, i);

        if (natural && g_str_equal(drv, natural))
            continue;
        if (tcemodelMatch(root, bdf, drv) &&
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

    if (!tcemodelDevExists(root, bdf) || !tcemodelMatch(root, bdf, drv))
        return -ENODEV;
    if ((cur = tcemodelSysfsDriver(root, bdf)))
        return -EBUSY;
    /* XXX later stage: -EBUSY for a host driver while the group is
     * claimed by a vfio user (iommu_device_use_default_domain) */
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


/* new_id_store() and pci_add_dynid(), which runs driver_attach() */
static int
tcemodelStoreNewId(const char *root, const char *drv, const char *key,
                   const char *buf, size_t len)
{
    g_autofree char *val = tcemodelStoreBuf(buf, len);
    g_autofree char *devs = tcemodelPath(root, "/sys/bus/pci/devices");
    g_autoptr(GPtrArray) ids = tcemodelDynidsLoad(root, drv);
    g_autoptr(GPtrArray) names = NULL;
    tcemodelDynid id;
    int fields;
    size_t i;
    int ret;

    if ((ret = tcemodelDynidParse(val, &id, &fields)) < 0)
        return ret;

    if (fields != 7) {
        /* the kernel matches a fake device against the driver */
        for (i = 0; i < ids->len; i++) {
            tcemodelDynid *old = g_ptr_array_index(ids, i);

            if (memcmp(old->v, id.v, 4 * sizeof(id.v[0])) == 0)
                return -EEXIST;
        }
    }

    g_ptr_array_add(ids, g_memdup2(&id, sizeof(id)));
    if ((ret = tcemodelDynidsSave(root, drv, ids)) < 0)
        return ret;

    names = tcemodelListDir(devs);
    for (i = 0; i < names->len; i++) {
        const char *bdf = g_ptr_array_index(names, i);
        g_autofree char *cur = tcemodelSysfsDriver(root, bdf);

        if (!cur && tcemodelMatch(root, bdf, drv))
            tcemodelSysfsAttach(root, bdf, drv);
    }
    return 0;
}


static int
tcemodelStoreRemoveId(const char *root, const char *drv, const char *key,
                      const char *buf, size_t len)
{
    g_autofree char *val = tcemodelStoreBuf(buf, len);
    g_autoptr(GPtrArray) ids = tcemodelDynidsLoad(root, drv);
    tcemodelDynid id;
    int fields;
    size_t i;
    int ret;

    if ((ret = tcemodelDynidParse(val, &id, &fields)) < 0)
        return ret;

    for (i = 0; i < ids->len; i++) {
        tcemodelDynid *old = g_ptr_array_index(ids, i);

        if (memcmp(old->v, id.v, sizeof(id.v)) == 0) {
            g_ptr_array_remove_index(ids, i);
            return tcemodelDynidsSave(root, drv, ids);
        }
    }
    return -ENODEV;
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
    ATTR("new_id", false, tcemodelStoreNewId),
    ATTR("remove_id", false, tcemodelStoreRemoveId),
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
