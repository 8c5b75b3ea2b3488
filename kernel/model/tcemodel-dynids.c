/*
 * tcemodel-dynids.c: PCI dynamic ids (drivers/NAME/new_id, remove_id)
 *
 * A driver's dynamic ids live in ROOT/model/drivers/NAME/dynids, one
 * "vendor device subvendor subdevice class class_mask" line (hex) each.
 * The store handlers mirror new_id_store()/remove_id_store() of
 * drivers/pci/pci-driver.c; they run under the model lock.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "tcemodel.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define PCI_ANY_ID 0xffffffffU


static unsigned int
tcemodelDevHex(const char *root, const char *bdf, const char *attr)
{
    g_autofree char *path = tcemodelPath(root, "/sys/bus/pci/devices/%s/%s",
                                         bdf, attr);
    g_autofree char *val = NULL;

    if (tcemodelFileRead(path, &val) < 0)
        return 0;
    return strtoul(val, NULL, 16);
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


/* pci_match_one_device(); @dev: vendor device subvendor subdevice class */
static bool
tcemodelDynidMatchIds(const tcemodelDynid *id, const unsigned int *dev)
{
    size_t i;

    for (i = 0; i < 4; i++) {
        if (id->v[i] != PCI_ANY_ID && id->v[i] != dev[i])
            return false;
    }
    return ((id->v[4] ^ dev[4]) & id->v[5]) == 0;
}


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

    return tcemodelDynidMatchIds(id, dev);
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


/* Does one of @drv's dynamic ids match device @bdf? */
bool
tcemodelDynidsMatch(const char *root, const char *drv, const char *bdf)
{
    g_autoptr(GPtrArray) ids = tcemodelDynidsLoad(root, drv);
    size_t i;

    for (i = 0; i < ids->len; i++) {
        if (tcemodelDynidMatch(g_ptr_array_index(ids, i), root, bdf))
            return true;
    }
    return false;
}


/*
 * pci_match_device() on the fake device new_id_store() builds from @id:
 * a dynamic id, or the static table, which the model knows only through
 * the devices whose natural driver is @drv.
 */
static bool
tcemodelDynidKnown(const char *root, const char *drv, GPtrArray *ids,
                   const tcemodelDynid *id, GPtrArray *devs)
{
    size_t i;

    for (i = 0; i < ids->len; i++) {
        if (tcemodelDynidMatchIds(g_ptr_array_index(ids, i), id->v))
            return true;
    }

    for (i = 0; i < devs->len; i++) {
        const char *bdf = g_ptr_array_index(devs, i);
        g_autofree char *path = tcemodelPath(root, "/model/devices/%s/natural",
                                             bdf);
        g_autofree char *natural = NULL;

        if (tcemodelFileRead(path, &natural) == 0 &&
            g_str_equal(g_strstrip(natural), drv) &&
            tcemodelDevHex(root, bdf, "vendor") == id->v[0] &&
            tcemodelDevHex(root, bdf, "device") == id->v[1])
            return true;
    }
    return false;
}


/* new_id_store() and pci_add_dynid(), which runs driver_attach() */
int
tcemodelDynidsStoreNewId(const char *root, const char *drv, const char *key,
                         const char *buf, size_t len)
{
    g_autofree char *val = tcemodelStoreBuf(buf, len);
    g_autofree char *dir = tcemodelPath(root, "/sys/bus/pci/devices");
    g_autoptr(GPtrArray) ids = tcemodelDynidsLoad(root, drv);
    g_autoptr(GPtrArray) devs = tcemodelListDir(dir);
    tcemodelDynid id;
    int fields;
    size_t i;
    int ret;

    if ((ret = tcemodelDynidParse(val, &id, &fields)) < 0)
        return ret;
    if (fields != 7 && tcemodelDynidKnown(root, drv, ids, &id, devs))
        return -EEXIST;

    g_ptr_array_add(ids, g_memdup2(&id, sizeof(id)));
    if ((ret = tcemodelDynidsSave(root, drv, ids)) < 0)
        return ret;

    for (i = 0; i < devs->len; i++) {
        const char *bdf = g_ptr_array_index(devs, i);
        g_autofree char *cur = tcemodelSysfsDriver(root, bdf);

        if (!cur && tcemodelSysfsMatch(root, bdf, drv))
            tcemodelSysfsAttach(root, bdf, drv);
    }
    return 0;
}


/* remove_id_store(): ANY subvendor/subdevice and the class mask match */
int
tcemodelDynidsStoreRemoveId(const char *root, const char *drv,
                            const char *key, const char *buf, size_t len)
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

        if (old->v[0] == id.v[0] && old->v[1] == id.v[1] &&
            (id.v[2] == PCI_ANY_ID || old->v[2] == id.v[2]) &&
            (id.v[3] == PCI_ANY_ID || old->v[3] == id.v[3]) &&
            !((old->v[4] ^ id.v[4]) & id.v[5])) {
            g_ptr_array_remove_index(ids, i);
            return tcemodelDynidsSave(root, drv, ids);
        }
    }
    return -ENODEV;
}
