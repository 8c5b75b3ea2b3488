/*
 * remote_events.c: domain event callbacks of each connection
 */
#include <config.h>

#include <string.h>

#include "remote_daemon.h"
#include "virerror.h"

gboolean
remoteConnectDomainEventCallbackRegisterAny(remoteCall *call, GError **errp)
{
    remoteEventCallback cb = { 0 };
    g_auto(remoteDomainRef) dom = { 0 };
    gint32 eventID = -1;
    gboolean hasDom = FALSE;

    virXDRReadI32(call->args, &eventID);
    virXDRReadBool(call->args, &hasDom);
    if (hasDom)
        remoteReadDomain(call->args, &dom);
    if (!remoteArgsEnd(call, errp))
        return FALSE;
    /* every event libvirt defines may be registered; tcevirt fires
     * LIFECYCLE, DEVICE_REMOVED and DEVICE_REMOVAL_FAILED */
    if (eventID < 0 || eventID >= VIR_DOMAIN_EVENT_ID_LAST) {
        virReportError(errp, VIR_ERR_INVALID_ARG,
                       "unsupported event ID %d (libvirt's are 0 to %d)",
                       eventID, VIR_DOMAIN_EVENT_ID_LAST - 1);
        return FALSE;
    }
    cb.eventID = eventID;
    cb.hasDom = hasDom;
    memcpy(cb.uuid, dom.uuid, VIR_UUID_BUFLEN);
    g_mutex_lock(&call->priv->lock);
    cb.id = call->priv->nextCallbackID++;
    g_array_append_val(call->priv->callbacks, cb);
    g_mutex_unlock(&call->priv->lock);
    virXDRWriteI32(call->ret, cb.id);
    return TRUE;
}

gboolean
remoteConnectDomainEventCallbackDeregisterAny(remoteCall *call, GError **errp)
{
    gint32 id = 0;
    gboolean found = FALSE;
    guint i;

    virXDRReadI32(call->args, &id);
    if (!remoteArgsEnd(call, errp))
        return FALSE;
    g_mutex_lock(&call->priv->lock);
    for (i = 0; i < call->priv->callbacks->len && !found; i++) {
        if (g_array_index(call->priv->callbacks, remoteEventCallback, i).id == id) {
            g_array_remove_index(call->priv->callbacks, i);
            found = TRUE;
        }
    }
    g_mutex_unlock(&call->priv->lock);
    if (!found) {
        virReportError(errp, VIR_ERR_INVALID_ARG,
                       "domain event callback %d is not registered on this "
                       "connection", id);
        return FALSE;
    }
    return TRUE;
}

static void
remoteEventSendOne(virNetServerClient *client, gpointer data)
{
    const qemuDomainEvent *ev = data;
    remoteClient *priv = virNetServerClientGetPrivate(client);
    g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(int));
    int eventID = VIR_DOMAIN_EVENT_ID_LIFECYCLE;
    int proc = REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE;
    guint i;

    if (ev->kind == QEMU_DOMAIN_EVENT_DEVICE_REMOVED) {
        eventID = VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED;
        proc = REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED;
    } else if (ev->kind == QEMU_DOMAIN_EVENT_DEVICE_REMOVAL_FAILED) {
        eventID = VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED;
        proc = REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVAL_FAILED;
    }
    if (!priv)
        return;
    g_mutex_lock(&priv->lock);
    for (i = 0; priv->opened && i < priv->callbacks->len; i++) {
        remoteEventCallback *cb = &g_array_index(priv->callbacks,
                                                 remoteEventCallback, i);

        if (cb->eventID == eventID &&
            (!cb->hasDom || memcmp(cb->uuid, ev->uuid, VIR_UUID_BUFLEN) == 0))
            g_array_append_val(ids, cb->id);
    }
    g_mutex_unlock(&priv->lock);
    for (i = 0; i < ids->len; i++) {
        virNetMessageHeader hdr = {
            VIR_NET_PROGRAM_REMOTE, VIR_NET_PROGRAM_REMOTE_VERSION,
            proc, VIR_NET_MESSAGE, 0, VIR_NET_OK,
        };
        GByteArray *msg = virNetMessageNew(&hdr);

        virXDRWriteI32(msg, g_array_index(ids, int, i));
        remoteWriteDomain(msg, ev->name, ev->uuid, ev->id);
        if (ev->kind == QEMU_DOMAIN_EVENT_LIFECYCLE) {
            virXDRWriteI32(msg, ev->event);
            virXDRWriteI32(msg, ev->detail);
        } else {
            /* remote_domain_event_callback_device_removed_msg and
             * ..._removal_failed_msg: the device alias */
            virXDRWriteString(msg, ev->alias ? ev->alias : "");
        }
        virNetMessageFinish(msg);
        virNetServerClientSend(client, msg);
    }
}

void
remoteEventBroadcast(const qemuDomainEvent *ev, gpointer opaque)
{
    remoteDaemon *d = opaque;

    virNetServerForEachClient(d->srv, remoteEventSendOne, (gpointer) ev);
}
