/*
 * qemu_driver_device.c: attach-device and detach-device, live and in the
 * persistent definition
 */
#include <config.h>

#include <string.h>

#include "qemu_driver_device.h"
#include "qemu_domain.h"
#include "qemu_process.h"
#include "virerror.h"

/* Which of the live and persistent definitions @flags ask for, checked
 * against what the domain has */
static gboolean
qemuDriverDeviceTargets(const qemuDriverDomain *d, unsigned int flags,
                        gboolean *live, gboolean *config, GError **errp)
{
    const unsigned int known = QEMU_AFFECT_LIVE | QEMU_AFFECT_CONFIG |
                               QEMU_AFFECT_LIVE_IF_RUNNING;

    if (flags & ~known) {
        virReportError(errp, VIR_ERR_INVALID_ARG,
                       "unsupported flags (0x%x) for domain '%s'",
                       flags & ~known, d->def->name);
        return FALSE;
    }
    if (flags & QEMU_AFFECT_LIVE_IF_RUNNING) {
        flags &= ~QEMU_AFFECT_LIVE_IF_RUNNING;
        if (d->status)
            flags |= QEMU_AFFECT_LIVE;
    }
    if (!flags)
        flags = d->status ? QEMU_AFFECT_LIVE : QEMU_AFFECT_CONFIG;
    *live = !!(flags & QEMU_AFFECT_LIVE);
    *config = !!(flags & QEMU_AFFECT_CONFIG);
    if (*live && !d->status) {
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "domain '%s' is not running: change its definition "
                       "with --config", d->def->name);
        return FALSE;
    }
    if (*config && !d->persistent) {
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "domain '%s' is transient: it has no definition to "
                       "change (--config)", d->def->name);
        return FALSE;
    }
    return TRUE;
}

/* The persistent definition with the device added or removed, saved */
static gboolean
qemuDriverDeviceConfig(qemuDriver *drv, const char *name, const char *devXML,
                       gboolean attach, GPtrArray *warnings, GError **errp)
{
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virDomainDef) saved = NULL;
    g_autoptr(GString) xml = g_string_new(NULL);
    g_autofree char *text = NULL;
    gboolean replaced = FALSE;
    const char *end;

    if (!(def = virDomainStoreLoad(drv->store, name, errp)))
        return FALSE;
    if (!attach) {
        virPCIDeviceAddress addr;
        virDomainHostdevDef *h;

        if (!qemuDomainHostdevXMLSource(devXML, name, &addr, errp))
            return FALSE;
        if (!(h = virDomainDefFindHostdev(def, &addr))) {
            g_autofree char *bdf = virPCIDeviceAddressAsString(&addr);

            virReportError(errp, VIR_ERR_DEVICE_MISSING,
                           "the definition of domain '%s' "
                           "has no host device %s", name, bdf);
            return FALSE;
        }
        qemuDomainRemoveHostdev(def, h);
        text = virDomainDefFormat(def);
        g_string_append(xml, text);
    } else {
        text = virDomainDefFormat(def);
        if (!(end = g_strrstr(text, "</devices>"))) {
            virReportError(errp, VIR_ERR_INTERNAL_ERROR,
                           "the definition of '%s' has no <devices>", name);
            return FALSE;
        }
        g_string_append_len(xml, text, end - text);
        g_string_append(xml, devXML);
        g_string_append(xml, end);
    }
    return (saved = qemuDriverDefineXML(drv, xml->str, xml->len, name,
                                        warnings, &replaced, errp)) != NULL;
}

/* attach or detach: @verb through the supervisor with @req (which gets
 * the device XML) when live, then the definition; the supervisor's answer
 * in @ret, also when the definition fails afterwards */
static gboolean
qemuDriverDeviceChange(qemuDriver *drv, const char *nameOrUUID,
                       const char *devXML, unsigned int flags, gboolean attach,
                       JsonObject *req, GPtrArray *warnings, JsonNode **ret,
                       GError **errp)
{
    g_autoptr(qemuDriverDomain) d = NULL;
    g_autofree char *name = NULL;
    gboolean live = FALSE, config = FALSE;

    if (!(d = qemuDriverLookup(drv, nameOrUUID, FALSE, warnings, errp)) ||
        !qemuDriverDeviceTargets(d, flags, &live, &config, errp))
        return FALSE;
    name = g_strdup(d->def->name);
    if (live) {
        json_object_set_string_member(req, "xml", devXML);
        if (!(*ret = qemuProcessControl(drv, name, attach ? "attach-device" :
                                        "detach-device", req, errp)))
            return FALSE;
    }
    /* the live change stays if the definition cannot take it, as in
     * libvirt: say so */
    if (config && !qemuDriverDeviceConfig(drv, name, devXML, attach, warnings,
                                          errp)) {
        if (live)
            g_prefix_error(errp, "the device was %s running domain '%s', but "
                           "not %s its definition: ",
                           attach ? "attached to" : "detached from", name,
                           attach ? "to" : "from");
        return FALSE;
    }
    return TRUE;
}

gboolean
qemuDriverAttachDevice(qemuDriver *drv, const char *nameOrUUID,
                       const char *devXML, unsigned int flags,
                       GPtrArray *warnings, char **alias, GError **errp)
{
    g_autoptr(JsonObject) req = json_object_new();
    g_autoptr(JsonNode) ret = NULL;
    gboolean ok = qemuDriverDeviceChange(drv, nameOrUUID, devXML, flags, TRUE,
                                         req, warnings, &ret, errp);

    if (ret && JSON_NODE_HOLDS_OBJECT(ret)) {
        JsonObject *obj = json_node_get_object(ret);
        JsonArray *warn = json_object_has_member(obj, "warnings") ?
            json_object_get_array_member(obj, "warnings") : NULL;
        guint i;

        for (i = 0; warn && i < json_array_get_length(warn); i++)
            virWarningAdd(warnings, "%s", json_array_get_string_element(warn, i));
        if (alias)
            *alias = g_strdup(json_object_get_string_member_with_default(
                                  obj, "alias", ""));
    }
    return ok;
}

gboolean
qemuDriverDetachDevice(qemuDriver *drv, const char *nameOrUUID,
                       const char *devXML, unsigned int flags,
                       unsigned int timeout, GPtrArray *warnings,
                       GError **errp)
{
    g_autoptr(JsonObject) req = json_object_new();
    g_autoptr(JsonNode) ret = NULL;

    if (timeout == QEMU_DETACH_ASYNC)
        json_object_set_boolean_member(req, "async", TRUE);
    else if (timeout)
        json_object_set_int_member(req, "timeout", timeout);
    return qemuDriverDeviceChange(drv, nameOrUUID, devXML, flags, FALSE, req,
                                  warnings, &ret, errp);
}
