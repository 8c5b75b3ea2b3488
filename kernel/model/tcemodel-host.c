/*
 * tcemodel-host.c: parser of host description files
 *
 * Line based; '#' starts a comment; words are separated by blanks:
 *
 *   host NAME
 *   phb DOMAIN [numa=N]
 *   group ID [type=TYPE]
 *   driver NAME
 *   device BDF vendor=HEX device=HEX group=ID|none [KEY=VALUE...]
 *   iommu KEY=NUMBER...
 *   kvm power [tce_vfio=0|1] [release=fixed|stock]
 *
 * See README.md for the keys and their defaults.  Every error is one
 * sentence "FILE:LINE: problem.".
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "tcemodel-host.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    tcemodelHost *host;
    unsigned int line;
    char *err;
} tcemodelHostParser;


static bool G_GNUC_PRINTF(2, 3)
tcemodelHostError(tcemodelHostParser *p, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    if (!p->err)
        p->err = g_strdup_printf("%s:%u: %s.", p->host->file, p->line, msg);
    return false;
}


static void
tcemodelHostDeviceFree(gpointer opaque)
{
    tcemodelHostDevice *dev = opaque;

    g_free(dev->bdf);
    g_free(dev->driver);
    g_free(dev->natural);
    g_free(dev->override);
    g_free(dev->reset);
    g_free(dev);
}


static void
tcemodelHostGroupFree(gpointer opaque)
{
    tcemodelHostGroup *group = opaque;

    g_free(group->type);
    g_free(group);
}


void
tcemodelHostFree(tcemodelHost *host)
{
    if (!host)
        return;
    g_free(host->file);
    g_free(host->name);
    g_ptr_array_unref(host->phbs);
    g_ptr_array_unref(host->groups);
    g_ptr_array_unref(host->drivers);
    g_ptr_array_unref(host->devices);
    g_ptr_array_unref(host->iommu);
    g_free(host);
}


static bool
tcemodelParseHex(const char *str, unsigned int max, unsigned int *val)
{
    const char *digits = str;
    unsigned long long v;
    char *end;

    if (g_str_has_prefix(str, "0x") || g_str_has_prefix(str, "0X"))
        digits += 2;
    if (!g_ascii_isxdigit(*digits))
        return false;
    errno = 0;
    v = strtoull(digits, &end, 16);
    if (errno || *end || v > max)
        return false;
    *val = v;
    return true;
}


static bool
tcemodelParseInt(const char *str, int min, int max, int *val)
{
    long long v;
    char *end;

    if (!*str)
        return false;
    errno = 0;
    v = strtoll(str, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *val = v;
    return true;
}


/* "NAME" or "none" -> NULL */
static bool
tcemodelParseDriver(tcemodelHostParser *p, const char *key, const char *val,
                    char **drv)
{
    g_clear_pointer(drv, g_free);
    if (g_str_equal(val, "none"))
        return true;
    if (!tcemodelNameValid(val))
        return tcemodelHostError(p, "%s '%s' is not a valid driver name",
                                 key, val);
    *drv = g_strdup(val);
    return true;
}


static tcemodelHostGroup *
tcemodelHostGroupGet(tcemodelHost *host, int id)
{
    tcemodelHostGroup *group;
    size_t i;

    for (i = 0; i < host->groups->len; i++) {
        group = g_ptr_array_index(host->groups, i);
        if (group->id == id)
            return group;
    }
    return NULL;
}


static tcemodelHostPhb *
tcemodelHostPhbGet(tcemodelHost *host, unsigned int domain)
{
    size_t i;

    for (i = 0; i < host->phbs->len; i++) {
        tcemodelHostPhb *phb = g_ptr_array_index(host->phbs, i);

        if (phb->domain == domain)
            return phb;
    }
    return NULL;
}


static bool
tcemodelHostParsePhb(tcemodelHostParser *p, char **w, size_t n)
{
    tcemodelHostPhb *phb;
    unsigned int domain;
    size_t i;

    if (n < 2 || strlen(w[1]) != 4 || !tcemodelParseHex(w[1], 0xffff, &domain))
        return tcemodelHostError(p, "expected 'phb DOMAIN' with a 4-digit "
                                 "hex domain");
    if (tcemodelHostPhbGet(p->host, domain))
        return tcemodelHostError(p, "phb %04x is declared twice", domain);

    phb = g_new0(tcemodelHostPhb, 1);
    phb->domain = domain;
    phb->numa = -1;
    phb->line = p->line;
    g_ptr_array_add(p->host->phbs, phb);

    for (i = 2; i < n; i++) {
        if (!g_str_has_prefix(w[i], "numa=") ||
            !tcemodelParseInt(w[i] + 5, -1, 4095, &phb->numa))
            return tcemodelHostError(p, "unexpected '%s' for phb %04x "
                                     "(only numa=N is known)", w[i], domain);
    }
    return true;
}


static bool
tcemodelHostParseGroup(tcemodelHostParser *p, char **w, size_t n)
{
    static const char *types[] = {
        "DMA", "DMA-FQ", "identity", "unmanaged", "blocked", "unknown", NULL
    };
    tcemodelHostGroup *group;
    int id;
    size_t i;

    if (n < 2 || !tcemodelParseInt(w[1], 0, 1 << 20, &id))
        return tcemodelHostError(p, "expected 'group ID' with a decimal id");

    if ((group = tcemodelHostGroupGet(p->host, id)) && group->line)
        return tcemodelHostError(p, "group %d is declared twice", id);
    if (!group) {
        group = g_new0(tcemodelHostGroup, 1);
        group->id = id;
        group->type = g_strdup("unknown");
        g_ptr_array_add(p->host->groups, group);
    }
    group->line = p->line;

    for (i = 2; i < n; i++) {
        if (!g_str_has_prefix(w[i], "type=") ||
            !g_strv_contains(types, w[i] + 5))
            return tcemodelHostError(p, "unexpected '%s' for group %d "
                                     "(type=DMA|DMA-FQ|identity|unmanaged|"
                                     "blocked|unknown)", w[i], id);
        g_free(group->type);
        group->type = g_strdup(w[i] + 5);
    }
    return true;
}


static bool
tcemodelHostDeviceKey(tcemodelHostParser *p, tcemodelHostDevice *dev,
                      const char *key, const char *val, char **header)
{
    struct {
        const char *key;
        unsigned int max;
        unsigned int *dst;
    } hex[] = {
        { "vendor", 0xffff, &dev->vendor },
        { "device", 0xffff, &dev->device },
        { "subvendor", 0xffff, &dev->subvendor },
        { "subdevice", 0xffff, &dev->subdevice },
        { "class", 0xffffff, &dev->class },
        { "revision", 0xff, &dev->revision },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(hex); i++) {
        if (!g_str_equal(key, hex[i].key))
            continue;
        if (!tcemodelParseHex(val, hex[i].max, hex[i].dst))
            return tcemodelHostError(p, "%s '%s' of device %s is not a hex "
                                     "number up to 0x%x", key, val, dev->bdf,
                                     hex[i].max);
        return true;
    }

    if (g_str_equal(key, "group")) {
        if (g_str_equal(val, "none"))
            dev->group = -1;
        else if (!tcemodelParseInt(val, 0, 1 << 20, &dev->group))
            return tcemodelHostError(p, "group '%s' of device %s is neither "
                                     "a decimal id nor 'none'", val, dev->bdf);
        return true;
    }
    if (g_str_equal(key, "driver"))
        return tcemodelParseDriver(p, key, val, &dev->driver);
    if (g_str_equal(key, "natural"))
        return tcemodelParseDriver(p, key, val, &dev->natural);
    if (g_str_equal(key, "override"))
        return tcemodelParseDriver(p, key, val, &dev->override);
    if (g_str_equal(key, "numa")) {
        if (!tcemodelParseInt(val, -1, 4095, &dev->numa))
            return tcemodelHostError(p, "numa '%s' of device %s is not a "
                                     "node number", val, dev->bdf);
        return true;
    }
    if (g_str_equal(key, "header")) {
        if (!g_str_equal(val, "endpoint") && !g_str_equal(val, "bridge"))
            return tcemodelHostError(p, "header '%s' of device %s is neither "
                                     "'endpoint' nor 'bridge'", val, dev->bdf);
        *header = g_strdup(val);
        return true;
    }
    if (g_str_equal(key, "reset")) {
        g_auto(GStrv) names = g_strsplit(val, ",", -1);

        g_free(dev->reset);
        dev->reset = NULL;
        if (g_str_equal(val, "none")) {
            dev->reset = g_strdup("");
            return true;
        }
        for (i = 0; names[i]; i++) {
            if (!tcemodelSysfsResetMethodKnown(names[i]))
                return tcemodelHostError(p, "reset method '%s' of device %s "
                                         "is unknown", names[i], dev->bdf);
        }
        dev->reset = g_strjoinv(" ", names);
        return true;
    }
    return tcemodelHostError(p, "unknown key '%s' for device %s", key,
                             dev->bdf);
}


static bool
tcemodelHostParseDevice(tcemodelHostParser *p, char **w, size_t n)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    g_autofree char *header = NULL;
    tcemodelHostDevice *dev;
    size_t i;

    if (n < 2 || !tcemodelBDFValid(w[1]))
        return tcemodelHostError(p, "expected 'device BDF' with a lower-case "
                                 "DDDD:BB:DD.F address");

    for (i = 0; i < p->host->devices->len; i++) {
        dev = g_ptr_array_index(p->host->devices, i);
        if (g_str_equal(dev->bdf, w[1]))
            return tcemodelHostError(p, "device %s is already declared on "
                                     "line %u", w[1], dev->line);
    }

    dev = g_new0(tcemodelHostDevice, 1);
    dev->bdf = g_strdup(w[1]);
    dev->line = p->line;
    dev->numa = -2;
    g_ptr_array_add(p->host->devices, dev);

    for (i = 2; i < n; i++) {
        g_autofree char *key = NULL;
        const char *eq = strchr(w[i], '=');

        if (!eq || eq == w[i])
            return tcemodelHostError(p, "'%s' for device %s is not KEY=VALUE",
                                     w[i], dev->bdf);
        key = g_strndup(w[i], eq - w[i]);
        if (g_hash_table_contains(seen, key))
            return tcemodelHostError(p, "key '%s' is given twice for device %s",
                                     key, dev->bdf);
        g_hash_table_add(seen, (char *)g_intern_string(key));
        if (!tcemodelHostDeviceKey(p, dev, key, eq + 1, &header))
            return false;
    }

    if (!g_hash_table_contains(seen, "vendor") ||
        !g_hash_table_contains(seen, "device") ||
        !g_hash_table_contains(seen, "group"))
        return tcemodelHostError(p, "device %s needs vendor=, device= and "
                                 "group= (group=none for no IOMMU group)",
                                 dev->bdf);

    if (!g_hash_table_contains(seen, "subvendor"))
        dev->subvendor = dev->vendor;
    if (header)
        dev->bridge = g_str_equal(header, "bridge");
    else
        dev->bridge = (dev->class >> 8) == 0x0604;
    if (!dev->reset)
        dev->reset = g_strdup(dev->bridge ? "" : "flr");

    /* natural driver: the bound one, unless that is vfio-pci */
    if (!g_hash_table_contains(seen, "natural")) {
        if (dev->driver && !g_str_equal(dev->driver, TCEMODEL_DRIVER_VFIO))
            dev->natural = g_strdup(dev->driver);
    }

    if (dev->driver && g_str_equal(dev->driver, TCEMODEL_DRIVER_VFIO)) {
        if (dev->bridge)
            return tcemodelHostError(p, "device %s is a bridge and vfio-pci "
                                     "refuses bridges (probe fails with "
                                     "EINVAL)", dev->bdf);
        if (dev->group < 0)
            return tcemodelHostError(p, "device %s has no IOMMU group and "
                                     "vfio-pci refuses such devices (probe "
                                     "fails with EINVAL)", dev->bdf);
    }
    if (dev->driver && dev->override &&
        !g_str_equal(dev->driver, dev->override))
        return tcemodelHostError(p, "device %s is bound to %s but its "
                                 "driver_override names %s", dev->bdf,
                                 dev->driver, dev->override);
    return true;
}


/*
 * "iommu KEY=NUMBER...": the table_group of every group (sPAPR TCE).
 * "kvm power [tce_vfio=0|1] [release=fixed|stock]": model /dev/kvm as a
 * POWER host's; release=stock: Debian 6.12's WARN on the release of a
 * group never linked to a TCE table (tcemodel-kvm.c).
 */
static bool
tcemodelHostParseIommu(tcemodelHostParser *p, char **w, size_t n)
{
    static const struct {
        const char *key;
        guint64 max;
    } keys[] = {
        { "dma32_start", G_MAXUINT32 }, { "dma32_size", G_MAXUINT32 },
        { "pgsizes", G_MAXUINT64 }, { "windows", 2 }, { "levels", 5 },
        { "ddw_start", G_MAXUINT64 }, { "level_max", G_MAXUINT64 },
        { "eeh", 1 },
    };
    size_t i;
    size_t j;

    if (n < 2)
        return tcemodelHostError(p, "expected 'iommu KEY=NUMBER...'");
    for (i = 1; i < n; i++) {
        const char *eq = strchr(w[i], '=');
        guint64 val;
        char *end;

        for (j = 0; eq && j < G_N_ELEMENTS(keys); j++) {
            if (strncmp(w[i], keys[j].key, eq - w[i]) == 0 &&
                !keys[j].key[eq - w[i]])
                break;
        }
        if (!eq || j == G_N_ELEMENTS(keys))
            return tcemodelHostError(p, "unexpected '%s' for iommu (keys: "
                                     "dma32_start, dma32_size, pgsizes, "
                                     "windows, levels, ddw_start, level_max, "
                                     "eeh)", w[i]);
        errno = 0;
        val = g_ascii_strtoull(eq + 1, &end, 0);
        if (errno || end == eq + 1 || *end || val > keys[j].max)
            return tcemodelHostError(p, "iommu %s needs a number up to "
                                     "%" G_GUINT64_FORMAT, keys[j].key,
                                     keys[j].max);
        g_ptr_array_add(p->host->iommu, g_strdup(w[i]));
    }
    return true;
}


static bool
tcemodelHostParseKvm(tcemodelHostParser *p, char **w, size_t n)
{
    size_t i;

    if (n < 2 || n > 4 || !g_str_equal(w[1], "power"))
        return tcemodelHostError(p, "expected 'kvm power [tce_vfio=0|1] "
                                 "[release=fixed|stock]'");
    if (p->host->kvm)
        return tcemodelHostError(p, "'kvm' is given twice");
    p->host->kvm = true;
    g_ptr_array_add(p->host->iommu, g_strdup("kvm=1"));
    for (i = 2; i < n; i++) {
        if (g_str_equal(w[i], "tce_vfio=0") || g_str_equal(w[i], "tce_vfio=1"))
            g_ptr_array_add(p->host->iommu, g_strdup_printf("kvm_%s", w[i]));
        else if (g_str_equal(w[i], "release=fixed") ||
                 g_str_equal(w[i], "release=stock"))
            g_ptr_array_add(p->host->iommu,
                            g_strdup_printf("kvm_release_warn=%d",
                                            g_str_equal(w[i], "release=stock")));
        else
            return tcemodelHostError(p, "unexpected '%s' for kvm (expected "
                                     "'kvm power [tce_vfio=0|1] "
                                     "[release=fixed|stock]')", w[i]);
    }
    return true;
}


static void
tcemodelHostAddDriver(tcemodelHost *host, const char *drv)
{
    if (drv && !g_ptr_array_find_with_equal_func(host->drivers, drv,
                                                 g_str_equal, NULL))
        g_ptr_array_add(host->drivers, g_strdup(drv));
}


static gint
tcemodelHostGroupCmp(gconstpointer a, gconstpointer b)
{
    const tcemodelHostGroup *ga = *(const tcemodelHostGroup * const *)a;
    const tcemodelHostGroup *gb = *(const tcemodelHostGroup * const *)b;

    return ga->id - gb->id;
}


static gint
tcemodelHostStrCmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char * const *)a, *(const char * const *)b);
}


/* cross-line checks and derived data */
static bool
tcemodelHostFinish(tcemodelHostParser *p)
{
    tcemodelHost *host = p->host;
    size_t i;
    size_t j;

    if (!host->name)
        return tcemodelHostError(p, "the file has no 'host NAME' line");

    tcemodelHostAddDriver(host, TCEMODEL_DRIVER_VFIO);
    for (i = 0; i < host->devices->len; i++) {
        tcemodelHostDevice *dev = g_ptr_array_index(host->devices, i);
        tcemodelHostPhb *phb;
        unsigned int domain = strtoul(dev->bdf, NULL, 16);

        p->line = dev->line;
        if (!(phb = tcemodelHostPhbGet(host, domain)))
            return tcemodelHostError(p, "device %s is on domain %04x but "
                                     "there is no 'phb %04x' line", dev->bdf,
                                     domain, domain);
        if (dev->numa == -2)
            dev->numa = phb->numa;

        if (dev->group >= 0 && !tcemodelHostGroupGet(host, dev->group)) {
            tcemodelHostGroup *group = g_new0(tcemodelHostGroup, 1);

            group->id = dev->group;
            group->type = g_strdup("unknown");
            g_ptr_array_add(host->groups, group);
        }
        tcemodelHostAddDriver(host, dev->driver);
        tcemodelHostAddDriver(host, dev->natural);

        for (j = 0; j < host->devices->len; j++) {
            tcemodelHostDevice *other = g_ptr_array_index(host->devices, j);

            if (other != dev && strncmp(other->bdf, dev->bdf, 10) == 0)
                dev->multifunction = true;
        }
    }

    g_ptr_array_sort(host->groups, tcemodelHostGroupCmp);
    g_ptr_array_sort(host->drivers, tcemodelHostStrCmp);
    return true;
}


static bool
tcemodelHostParseLine(tcemodelHostParser *p, char *line)
{
    g_auto(GStrv) words = NULL;
    g_autoptr(GPtrArray) w = g_ptr_array_new();
    char *hash;
    size_t i;

    if ((hash = strchr(line, '#')))
        *hash = '\0';
    words = g_strsplit_set(line, " \t\r", -1);
    for (i = 0; words[i]; i++) {
        if (*words[i])
            g_ptr_array_add(w, words[i]);
    }
    if (w->len == 0)
        return true;
    g_ptr_array_add(w, NULL);

#define W ((char **)w->pdata)
    if (g_str_equal(W[0], "host")) {
        if (p->host->name)
            return tcemodelHostError(p, "'host' is given twice");
        if (w->len != 3)
            return tcemodelHostError(p, "expected 'host NAME'");
        p->host->name = g_strdup(W[1]);
        return true;
    }
    if (g_str_equal(W[0], "phb"))
        return tcemodelHostParsePhb(p, W, w->len - 1);
    if (g_str_equal(W[0], "group"))
        return tcemodelHostParseGroup(p, W, w->len - 1);
    if (g_str_equal(W[0], "device"))
        return tcemodelHostParseDevice(p, W, w->len - 1);
    if (g_str_equal(W[0], "iommu"))
        return tcemodelHostParseIommu(p, W, w->len - 1);
    if (g_str_equal(W[0], "kvm"))
        return tcemodelHostParseKvm(p, W, w->len - 1);
    if (g_str_equal(W[0], "driver")) {
        if (w->len != 3 || !tcemodelNameValid(W[1]))
            return tcemodelHostError(p, "expected 'driver NAME'");
        tcemodelHostAddDriver(p->host, W[1]);
        return true;
    }
    return tcemodelHostError(p, "unknown keyword '%s' (expected host, phb, "
                             "group, driver, device, iommu or kvm)", W[0]);
#undef W
}


tcemodelHost *
tcemodelHostParse(const char *file, char **err)
{
    g_autoptr(tcemodelHost) host = g_new0(tcemodelHost, 1);
    g_autoptr(GError) gerr = NULL;
    g_autofree char *data = NULL;
    g_auto(GStrv) lines = NULL;
    tcemodelHostParser p = { .host = host };
    size_t i;

    host->file = g_strdup(file);
    host->phbs = g_ptr_array_new_with_free_func(g_free);
    host->groups = g_ptr_array_new_with_free_func(tcemodelHostGroupFree);
    host->drivers = g_ptr_array_new_with_free_func(g_free);
    host->devices = g_ptr_array_new_with_free_func(tcemodelHostDeviceFree);
    host->iommu = g_ptr_array_new_with_free_func(g_free);

    if (!g_file_get_contents(file, &data, NULL, &gerr)) {
        *err = g_strdup_printf("%s: cannot read the host file: %s.", file,
                               gerr->message);
        return NULL;
    }

    lines = g_strsplit(data, "\n", -1);
    for (i = 0; lines[i]; i++) {
        p.line = i + 1;
        if (!tcemodelHostParseLine(&p, lines[i])) {
            *err = p.err;
            return NULL;
        }
    }

    /* errors about the whole file point at its last line */
    p.line = (i > 1 && !*lines[i - 1]) ? i - 1 : MAX(i, 1);
    if (!tcemodelHostFinish(&p)) {
        *err = p.err;
        return NULL;
    }
    return g_steal_pointer(&host);
}
