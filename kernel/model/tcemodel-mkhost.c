/*
 * tcemodel-mkhost.c: build a fake host tree from a host description
 *
 *   tcemodel-mkhost HOSTFILE DIR
 *
 * DIR must be missing or empty.  The tree mirrors the kernel's layout
 * (flattened: every device sits directly under its PHB's root bus dir):
 *
 *   DIR/sys/devices/pciDDDD:00/BDF/{vendor,device,config,driver_override,...}
 *   DIR/sys/bus/pci/devices/BDF -> ../../../devices/pciDDDD:00/BDF
 *   DIR/sys/bus/pci/drivers/NAME/{bind,unbind,new_id,remove_id,BDF}
 *   DIR/sys/bus/pci/{drivers_probe,drivers_autoprobe,rescan}
 *   DIR/sys/kernel/iommu_groups/N/{devices/BDF,type,reserved_regions}
 *   DIR/dev/vfio/vfio, DIR/dev/vfio/N, DIR/dev/kvm ("kvm power")
 *   DIR/model/...  (state sysfs cannot show), DIR/lock
 *   DIR/model/iommu  (table_group properties, KEY=VALUE lines)
 *
 * Processes of any uid may use the fake host (a QEMU that dropped to an
 * unprivileged user): DIR is made 0755, the state directories DIR/model,
 * DIR/model/files 0777 and DIR/model/tmp 01777, DIR/lock is taken
 * read-only.  What the model shows (the modelled owner and mode of the
 * /dev/vfio nodes, kernfs' modes in sysfs) does not depend on these.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "tcemodel-host.h"
#include "tcemodel-vfio.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCI_CONFIG_SIZE 256

typedef struct {
    const char *root;
    const char *hostfile;
    char *err;
} tcemodelBuild;


static bool G_GNUC_PRINTF(3, 4)
tcemodelBuildFail(tcemodelBuild *b, int ret, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    if (!b->err)
        b->err = g_strdup_printf("%s: %s.", msg, g_strerror(-ret));
    return false;
}


static bool
tcemodelBuildDir(tcemodelBuild *b, const char *rel)
{
    g_autofree char *path = g_strconcat(b->root, rel, NULL);
    int ret;

    if ((ret = tcemodelMkdir(path)) < 0)
        return tcemodelBuildFail(b, ret, "cannot create directory %s", path);
    return true;
}


static bool G_GNUC_PRINTF(5, 6)
tcemodelBuildFile(tcemodelBuild *b, const void *data, size_t len,
                  mode_t mode, const char *fmt, ...)
{
    g_autofree char *rel = NULL;
    g_autofree char *path = NULL;
    va_list ap;
    int ret;

    va_start(ap, fmt);
    rel = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    path = g_strconcat(b->root, rel, NULL);

    if ((ret = tcemodelFileWrite(path, data, len, mode)) < 0)
        return tcemodelBuildFail(b, ret, "cannot write %s", path);
    return true;
}


#define tcemodelBuildText(b, text, mode, ...) \
    tcemodelBuildFile(b, text, strlen(text), mode, __VA_ARGS__)


static bool G_GNUC_PRINTF(3, 4)
tcemodelBuildLink(tcemodelBuild *b, const char *target, const char *fmt, ...)
{
    g_autofree char *rel = NULL;
    g_autofree char *path = NULL;
    va_list ap;
    int ret;

    va_start(ap, fmt);
    rel = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    path = g_strconcat(b->root, rel, NULL);

    if ((ret = tcemodelSymlink(target, path)) < 0)
        return tcemodelBuildFail(b, ret, "cannot create symlink %s", path);
    return true;
}


static void
tcemodelPut16(unsigned char *cfg, size_t off, unsigned int val)
{
    cfg[off] = val & 0xff;
    cfg[off + 1] = (val >> 8) & 0xff;
}


/* Standard header: 64 bytes that matter, zeroes up to 256. */
static void
tcemodelConfigFill(const tcemodelHostDevice *dev, unsigned char *cfg)
{
    unsigned int bus = strtoul(dev->bdf + 5, NULL, 16);

    memset(cfg, 0, PCI_CONFIG_SIZE);
    tcemodelPut16(cfg, 0x00, dev->vendor);
    tcemodelPut16(cfg, 0x02, dev->device);
    cfg[0x08] = dev->revision;
    cfg[0x09] = dev->class & 0xff;
    cfg[0x0a] = (dev->class >> 8) & 0xff;
    cfg[0x0b] = (dev->class >> 16) & 0xff;
    cfg[0x0e] = (dev->bridge ? 0x01 : 0x00) | (dev->multifunction ? 0x80 : 0);
    if (dev->bridge) {
        cfg[0x18] = bus;
        cfg[0x19] = bus + 1;
        cfg[0x1a] = bus + 1;
    } else {
        tcemodelPut16(cfg, 0x2c, dev->subvendor);
        tcemodelPut16(cfg, 0x2e, dev->subdevice);
    }
}


static bool
tcemodelBuildDevice(tcemodelBuild *b, const tcemodelHostDevice *dev)
{
    g_autofree char *target = tcemodelSysfsDevTarget(dev->bdf);
    g_autofree char *dir = g_strdup_printf("/sys/%s", target);
    g_autofree char *busLink = g_strdup_printf("../../../%s", target);
    g_autofree char *modalias = NULL;
    g_autofree char *override = NULL;
    g_autofree char *modelDir = NULL;
    unsigned char cfg[PCI_CONFIG_SIZE];
    struct {
        const char *name;
        char *value;
    } attrs[] = {
        { "vendor", g_strdup_printf("0x%04x\n", dev->vendor) },
        { "device", g_strdup_printf("0x%04x\n", dev->device) },
        { "subsystem_vendor", g_strdup_printf("0x%04x\n", dev->subvendor) },
        { "subsystem_device", g_strdup_printf("0x%04x\n", dev->subdevice) },
        { "class", g_strdup_printf("0x%06x\n", dev->class) },
        { "revision", g_strdup_printf("0x%02x\n", dev->revision) },
        { "numa_node", g_strdup_printf("%d\n", dev->numa) },
    };
    bool ok = true;
    size_t i;

    ok = tcemodelBuildDir(b, dir);
    for (i = 0; i < G_N_ELEMENTS(attrs); i++) {
        ok = ok && tcemodelBuildText(b, attrs[i].value, 0444, "%s/%s", dir,
                                     attrs[i].name);
        g_free(attrs[i].value);
    }
    if (!ok)
        return false;

    modalias = g_strdup_printf("pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n",
                               dev->vendor, dev->device, dev->subvendor,
                               dev->subdevice, dev->class >> 16,
                               (dev->class >> 8) & 0xff, dev->class & 0xff);
    override = g_strdup_printf("%s\n", dev->override ? dev->override
                                                     : "(null)");
    tcemodelConfigFill(dev, cfg);

    if (!tcemodelBuildText(b, modalias, 0444, "%s/modalias", dir) ||
        !tcemodelBuildFile(b, cfg, sizeof(cfg), 0644, "%s/config", dir) ||
        !tcemodelBuildText(b, override, 0644, "%s/driver_override", dir) ||
        !tcemodelBuildLink(b, "../../../bus/pci", "%s/subsystem", dir) ||
        !tcemodelBuildLink(b, busLink, "/sys/bus/pci/devices/%s", dev->bdf))
        return false;

    /* reset and reset_method only exist if the device can be reset */
    if (*dev->reset) {
        g_autofree char *methods = g_strdup_printf("%s\n", dev->reset);

        if (!tcemodelBuildText(b, methods, 0644, "%s/reset_method", dir) ||
            !tcemodelBuildText(b, "", 0200, "%s/reset", dir))
            return false;
    }

    if (dev->group >= 0) {
        g_autofree char *groupLink =
            g_strdup_printf("../../../kernel/iommu_groups/%d", dev->group);
        g_autofree char *memberLink = g_strdup_printf("../../../../%s", target);

        if (!tcemodelBuildLink(b, groupLink, "%s/iommu_group", dir) ||
            !tcemodelBuildLink(b, memberLink,
                               "/sys/kernel/iommu_groups/%d/devices/%s",
                               dev->group, dev->bdf))
            return false;
    }

    modelDir = g_strdup_printf("/model/devices/%s", dev->bdf);
    return tcemodelBuildDir(b, modelDir) &&
        tcemodelBuildText(b, dev->reset, 0644, "/model/devices/%s/reset_methods",
                          dev->bdf) &&
        tcemodelBuildText(b, dev->natural ? dev->natural : "", 0644,
                          "/model/devices/%s/natural", dev->bdf);
}


/* ROOT/model/iommu: the defaults overridden by the host's iommu lines */
static bool
tcemodelBuildIommu(tcemodelBuild *b, const tcemodelHost *host)
{
    g_autofree char *text = NULL;
    tcemodelIommuInfo info;
    size_t i;

    tcemodelIommuInfoRead(b->root, &info);     /* no file yet: defaults */
    for (i = 0; i < host->iommu->len; i++) {
        g_auto(GStrv) kv = g_strsplit(g_ptr_array_index(host->iommu, i),
                                      "=", 2);

        tcemodelIommuInfoSet(&info, kv[0], kv[1]);
    }
    text = g_strdup_printf("dma32_start=0x%" G_GINT64_MODIFIER "x\n"
                           "dma32_size=0x%" G_GINT64_MODIFIER "x\n"
                           "pgsizes=0x%" G_GINT64_MODIFIER "x\n"
                           "windows=%" G_GUINT64_FORMAT "\n"
                           "levels=%" G_GUINT64_FORMAT "\n"
                           "ddw_start=0x%" G_GINT64_MODIFIER "x\n"
                           "level_max=0x%" G_GINT64_MODIFIER "x\n"
                           "eeh=%" G_GUINT64_FORMAT "\n"
                           "kvm=%" G_GUINT64_FORMAT "\n"
                           "kvm_tce_vfio=%" G_GUINT64_FORMAT "\n"
                           "kvm_release_warn=%" G_GUINT64_FORMAT "\n",
                           info.dma32Start, info.dma32Size, info.pgsizes,
                           info.windows, info.levels, info.ddwStart,
                           info.levelMax, info.eeh, info.kvm,
                           info.kvmTceVfio, info.kvmReleaseWarn);
    /* with a modelled /dev/kvm, the kernel log it writes to: /dev/kmsg */
    return tcemodelBuildText(b, text, 0644, "/model/iommu") &&
        (!host->kvm || (tcemodelBuildText(b, "", 0666, "/dev/kvm") &&
                        tcemodelBuildText(b, "", 0644, "/dev/kmsg")));
}


/* chmod ignoring the umask; the directory must exist */
static bool
tcemodelBuildChmod(tcemodelBuild *b, const char *rel, mode_t mode)
{
    g_autofree char *path = g_strconcat(b->root, rel, NULL);

    if (chmod(path, mode) < 0)
        return tcemodelBuildFail(b, -errno, "cannot chmod %s", path);
    return true;
}


static bool
tcemodelBuildTree(tcemodelBuild *b, const tcemodelHost *host)
{
    static const char *dirs[] = {
        "/sys/bus/pci/devices", "/sys/bus/pci/drivers",
        "/sys/kernel/iommu_groups", "/dev/vfio",
        "/model/devices", "/model/drivers", "/model/tmp", "/model/files",
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(dirs); i++) {
        if (!tcemodelBuildDir(b, dirs[i]))
            return false;
    }
    /* usable by processes of other uids (see the top of this file) */
    if (!tcemodelBuildChmod(b, "", 0755) ||
        !tcemodelBuildChmod(b, "/model", 0777) ||
        !tcemodelBuildChmod(b, "/model/files", 0777) ||
        !tcemodelBuildChmod(b, "/model/tmp", 01777))
        return false;

    if (!tcemodelBuildText(b, "", 0644, "/lock") ||
        !tcemodelBuildText(b, host->name, 0644, "/model/host") ||
        !tcemodelBuildText(b, "", 0200, "/sys/bus/pci/drivers_probe") ||
        !tcemodelBuildText(b, "1\n", 0644, "/sys/bus/pci/drivers_autoprobe") ||
        !tcemodelBuildText(b, "", 0200, "/sys/bus/pci/rescan") ||
        !tcemodelBuildText(b, "", 0666, "/dev/vfio/vfio") ||
        !tcemodelBuildIommu(b, host))
        return false;

    for (i = 0; i < host->phbs->len; i++) {
        tcemodelHostPhb *phb = g_ptr_array_index(host->phbs, i);
        g_autofree char *dir = g_strdup_printf("/sys/devices/pci%04x:00",
                                               phb->domain);

        if (!tcemodelBuildDir(b, dir))
            return false;
    }

    for (i = 0; i < host->groups->len; i++) {
        tcemodelHostGroup *group = g_ptr_array_index(host->groups, i);
        g_autofree char *dir = g_strdup_printf("/sys/kernel/iommu_groups/%d",
                                               group->id);
        g_autofree char *devs = g_strconcat(dir, "/devices", NULL);
        g_autofree char *type = g_strdup_printf("%s\n", group->type);

        if (!tcemodelBuildDir(b, devs) ||
            !tcemodelBuildText(b, type, 0444, "%s/type", dir) ||
            !tcemodelBuildText(b, "", 0444, "%s/reserved_regions", dir))
            return false;
    }

    for (i = 0; i < host->drivers->len; i++) {
        const char *drv = g_ptr_array_index(host->drivers, i);
        static const char *ctl[] = { "bind", "unbind", "new_id", "remove_id" };
        g_autofree char *dir = g_strdup_printf("/sys/bus/pci/drivers/%s", drv);
        size_t j;

        if (!tcemodelBuildDir(b, dir))
            return false;
        for (j = 0; j < G_N_ELEMENTS(ctl); j++) {
            if (!tcemodelBuildText(b, "", 0200, "%s/%s", dir, ctl[j]))
                return false;
        }
    }

    for (i = 0; i < host->devices->len; i++) {
        if (!tcemodelBuildDevice(b, g_ptr_array_index(host->devices, i)))
            return false;
    }

    /* bind last: probing looks at the whole group */
    for (i = 0; i < host->devices->len; i++) {
        tcemodelHostDevice *dev = g_ptr_array_index(host->devices, i);
        int ret;

        if (dev->driver &&
            (ret = tcemodelSysfsAttach(b->root, dev->bdf, dev->driver)) < 0) {
            b->err = g_strdup_printf("%s:%u: cannot bind device %s to %s: %s.",
                                     b->hostfile, dev->line, dev->bdf,
                                     dev->driver, g_strerror(-ret));
            return false;
        }
    }
    return true;
}


/* DIR must be missing or an empty directory; returns it absolute. */
static char *
tcemodelBuildRoot(const char *dir, char **err)
{
    g_autoptr(GDir) d = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autofree char *abs = NULL;
    int ret;

    if ((ret = tcemodelMkdir(dir)) < 0) {
        *err = g_strdup_printf("cannot create directory %s: %s.", dir,
                               g_strerror(-ret));
        return NULL;
    }
    if (!(d = g_dir_open(dir, 0, &gerr))) {
        *err = g_strdup_printf("cannot open directory %s: %s.", dir,
                               gerr->message);
        return NULL;
    }
    if (g_dir_read_name(d)) {
        *err = g_strdup_printf("%s is not empty; give a new or empty "
                               "directory.", dir);
        return NULL;
    }

    if (!(abs = realpath(dir, NULL))) {
        *err = g_strdup_printf("cannot resolve %s: %s.", dir,
                               g_strerror(errno));
        return NULL;
    }
    return g_steal_pointer(&abs);
}


int
main(int argc, char **argv)
{
    g_autoptr(tcemodelHost) host = NULL;
    g_autofree char *root = NULL;
    g_autofree char *err = NULL;
    tcemodelBuild b = { 0 };

    if (argc != 3 || argv[1][0] == '-') {
        fprintf(stderr, "usage: %s HOSTFILE DIR\n"
                "Builds the fake host described by HOSTFILE in DIR "
                "(see kernel/model/README.md).\n",
                argc > 0 ? argv[0] : "tcemodel-mkhost");
        return argc == 2 && g_str_equal(argv[1], "--help") ? 0 : 1;
    }

    if (!(host = tcemodelHostParse(argv[1], &err)) ||
        !(root = tcemodelBuildRoot(argv[2], &err))) {
        fprintf(stderr, "tcemodel-mkhost: %s\n", err);
        return 1;
    }

    b.root = root;
    b.hostfile = argv[1];
    if (!tcemodelBuildTree(&b, host)) {
        fprintf(stderr, "tcemodel-mkhost: %s\n", b.err);
        return 1;
    }
    return 0;
}
