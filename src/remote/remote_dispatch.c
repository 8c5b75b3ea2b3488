/*
 * remote_dispatch.c: procedure table, permission checks, error replies
 */
#include <config.h>

#include "remote_daemon.h"
#include "virerror.h"

/* callable on the read-only socket (libvirt's read-only procedures) */
#define RO (1 << 0)
/* callable before CONNECT_OPEN */
#define PRE (1 << 1)

typedef struct {
    int proc;
    const char *name;
    unsigned int flags;
    remoteProcFunc func;
} remoteProcDef;

#define P(num, fl, fn) { REMOTE_PROC_##num, #num, fl, fn }

static const remoteProcDef remoteProcs[] = {
    P(CONNECT_OPEN, RO | PRE, remoteConnectOpen),
    P(CONNECT_CLOSE, RO | PRE, remoteConnectClose),
    P(CONNECT_GET_TYPE, RO, remoteConnectGetType),
    P(CONNECT_GET_VERSION, RO, remoteConnectGetVersion),
    P(CONNECT_GET_MAX_VCPUS, RO, remoteConnectGetMaxVcpus),
    P(NODE_GET_INFO, RO, remoteNodeGetInfo),
    P(CONNECT_GET_CAPABILITIES, RO, remoteConnectGetCapabilities),
    P(DOMAIN_CREATE, 0, remoteDomainCreate),
    P(DOMAIN_DEFINE_XML, 0, remoteDomainDefineXML),
    P(DOMAIN_DESTROY, 0, remoteDomainDestroy),
    P(DOMAIN_GET_XML_DESC, RO, remoteDomainGetXMLDesc),
    P(DOMAIN_GET_MAX_MEMORY, RO, remoteDomainGetMaxMemory),
    P(DOMAIN_GET_INFO, RO, remoteDomainGetInfo),
    P(DOMAIN_GET_OS_TYPE, RO, remoteDomainGetOSType),
    P(DOMAIN_LOOKUP_BY_ID, RO, remoteDomainLookupByID),
    P(DOMAIN_LOOKUP_BY_NAME, RO, remoteDomainLookupByName),
    P(DOMAIN_LOOKUP_BY_UUID, RO, remoteDomainLookupByUUID),
    P(DOMAIN_SUSPEND, 0, remoteDomainSuspend),
    P(DOMAIN_RESUME, 0, remoteDomainResume),
    P(DOMAIN_SHUTDOWN, 0, remoteDomainShutdown),
    P(DOMAIN_UNDEFINE, 0, remoteDomainUndefine),
    P(CONNECT_NUM_OF_DOMAINS, RO, remoteConnectNumOfDomains),
    P(CONNECT_GET_HOSTNAME, RO, remoteConnectGetHostname),
    P(CONNECT_SUPPORTS_FEATURE, RO | PRE, remoteConnectSupportsFeature),
    P(AUTH_LIST, RO | PRE, remoteConnectAuthList),
    P(NODE_DEVICE_GET_PARENT, RO, remoteNodeDeviceGetParent),
    P(NODE_DEVICE_NUM_OF_CAPS, RO, remoteNodeDeviceNumOfCaps),
    P(NODE_DEVICE_LOOKUP_BY_NAME, RO, remoteNodeDeviceLookupByName),
    P(NODE_DEVICE_GET_XML_DESC, RO, remoteNodeDeviceGetXMLDesc),
    P(NODE_DEVICE_LIST_CAPS, RO, remoteNodeDeviceListCaps),
    P(NODE_DEVICE_DETTACH, 0, remoteNodeDeviceDettach),
    P(NODE_DEVICE_RE_ATTACH, 0, remoteNodeDeviceReAttach),
    P(NODE_GET_SECURITY_MODEL, RO, remoteNodeGetSecurityModel),
    P(CONNECT_IS_SECURE, RO, remoteConnectIsSecure),
    P(DOMAIN_IS_ACTIVE, RO, remoteDomainIsActive),
    P(DOMAIN_IS_PERSISTENT, RO, remoteDomainIsPersistent),
    P(DOMAIN_GET_AUTOSTART, RO, remoteDomainGetAutostart),
    P(CONNECT_GET_URI, RO, remoteConnectGetURI),
    P(CONNECT_GET_LIB_VERSION, RO, remoteConnectGetLibVersion),
    P(DOMAIN_HAS_MANAGED_SAVE_IMAGE, RO, remoteDomainHasManagedSaveImage),
    P(DOMAIN_SNAPSHOT_NUM, RO, remoteDomainSnapshotNum),
    P(DOMAIN_CREATE_WITH_FLAGS, 0, remoteDomainCreateWithFlags),
    P(DOMAIN_GET_STATE, RO, remoteDomainGetState),
    P(DOMAIN_UNDEFINE_FLAGS, 0, remoteDomainUndefineFlags),
    P(DOMAIN_SHUTDOWN_FLAGS, 0, remoteDomainShutdownFlags),
    P(CONNECT_LIST_ALL_DOMAINS, RO, remoteConnectListAllDomains),
    P(CONNECT_LIST_ALL_NODE_DEVICES, RO, remoteConnectListAllNodeDevices),
    P(NODE_DEVICE_DETACH_FLAGS, 0, remoteNodeDeviceDetachFlags),
    P(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, RO,
      remoteConnectDomainEventCallbackRegisterAny),
    P(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, RO,
      remoteConnectDomainEventCallbackDeregisterAny),
    P(CONNECT_GET_DOMAIN_CAPABILITIES, RO, remoteConnectGetDomainCapabilities),
    P(DOMAIN_DEFINE_XML_FLAGS, 0, remoteDomainDefineXMLFlags),
    P(CONNECT_REGISTER_CLOSE_CALLBACK, RO, remoteConnectRegisterCloseCallback),
    P(CONNECT_UNREGISTER_CLOSE_CALLBACK, RO,
      remoteConnectUnregisterCloseCallback),
};

static const remoteProcDef *
remoteFindProc(int proc)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(remoteProcs); i++) {
        if (remoteProcs[i].proc == proc)
            return &remoteProcs[i];
    }
    return NULL;
}

gboolean
remoteArgsEnd(remoteCall *call, GError **errp)
{
    if (virXDRReaderFinish(call->args))
        return TRUE;
    virReportError(errp, VIR_ERR_RPC, "cannot decode the arguments of %s: %s",
                   call->procName, call->args->error);
    return FALSE;
}

gboolean
remoteCheckFlags(remoteCall *call, guint32 flags, guint32 allowed,
                 GError **errp)
{
    if (!(flags & ~allowed))
        return TRUE;
    virReportError(errp, VIR_ERR_INVALID_ARG,
                   "unsupported flags (0x%x) in %s; tcevirtd knows 0x%x",
                   flags & ~allowed, call->procName, allowed);
    return FALSE;
}

qemuDriver *
remoteDriverOpen(remoteCall *call, GError **errp)
{
    return qemuDriverOpen(errp);
}

void
remoteDomainJobBegin(remoteDaemon *d, const char *name)
{
    g_mutex_lock(&d->jobLock);
    while (g_hash_table_contains(d->jobs, name))
        g_cond_wait(&d->jobCond, &d->jobLock);
    g_hash_table_add(d->jobs, g_strdup(name));
    g_mutex_unlock(&d->jobLock);
}

void
remoteDomainJobEnd(remoteDaemon *d, const char *name)
{
    g_mutex_lock(&d->jobLock);
    g_hash_table_remove(d->jobs, name);
    g_cond_broadcast(&d->jobCond);
    g_mutex_unlock(&d->jobLock);
}

/* libvirt's error domain for an error code, as its drivers report it */
static int
remoteErrorDomain(int code)
{
    switch (code) {
    case VIR_ERR_RPC:
        return VIR_FROM_RPC;
    case VIR_ERR_XML_ERROR:
    case VIR_ERR_XML_DETAIL:
    case VIR_ERR_CONFIG_UNSUPPORTED:
    case VIR_ERR_INVALID_MAC:
        return VIR_FROM_DOMAIN;
    case VIR_ERR_NO_NODE_DEVICE:
        return VIR_FROM_NODEDEV;
    case VIR_ERR_OPERATION_DENIED:
    case VIR_ERR_AUTH_FAILED:
        return VIR_FROM_REMOTE;
    default:
        return VIR_FROM_QEMU;
    }
}

static void
remoteClientFree(remoteClient *priv)
{
    g_array_unref(priv->callbacks);
    g_mutex_clear(&priv->lock);
    g_free(priv);
}

/* The connection's state, made by its first call (up to five calls of
 * one client run at once, hence the lock) */
static remoteClient *
remoteClientEnsure(virNetServerClient *client)
{
    static GMutex createLock;
    remoteClient *priv;

    g_mutex_lock(&createLock);
    if (!(priv = virNetServerClientGetPrivate(client))) {
        priv = g_new0(remoteClient, 1);
        g_mutex_init(&priv->lock);
        priv->readonly = virNetServerClientReadonly(client);
        priv->callbacks = g_array_new(FALSE, TRUE, sizeof(remoteEventCallback));
        priv->nextCallbackID = 1;
        virNetServerClientSetPrivate(client, priv,
                                     (GDestroyNotify) remoteClientFree);
    }
    g_mutex_unlock(&createLock);
    return priv;
}

GByteArray *
remoteDispatch(virNetServerClient *client, const virNetMessageHeader *hdr,
               const guint8 *body, size_t len, gpointer opaque)
{
    remoteDaemon *d = opaque;
    remoteClient *priv = remoteClientEnsure(client);
    const remoteProcDef *def = remoteFindProc(hdr->proc);
    g_autoptr(GError) err = NULL;
    g_autoptr(GByteArray) ret = g_byte_array_new();
    virXDRReader args;
    remoteCall call = { d, client, priv, NULL, &args, ret };
    gboolean opened, readonly;
    GByteArray *reply;
    virNetMessageHeader rh;

    virXDRReaderInit(&args, body, len);
    g_mutex_lock(&priv->lock);
    opened = priv->opened;
    readonly = priv->readonly;
    g_mutex_unlock(&priv->lock);

    if (!def) {
        virReportError(&err, VIR_ERR_NO_SUPPORT,
                       "procedure %d of libvirt's remote protocol is not "
                       "implemented by tcevirtd (docs/tcevirtd.rst lists "
                       "what is)", hdr->proc);
    } else if (!opened && !(def->flags & PRE)) {
        virReportError(&err, VIR_ERR_INTERNAL_ERROR,
                       "%s before CONNECT_OPEN: the connection is not open",
                       def->name);
    } else if (readonly && !(def->flags & RO)) {
        virReportError(&err, VIR_ERR_OPERATION_DENIED,
                       "read-only access prevents %s: connect to the "
                       "read-write socket as root", def->name);
    } else {
        call.procName = def->name;
        if (def->func(&call, &err) && !remoteArgsEnd(&call, &err))
            g_warning("%s succeeded without reading all of its arguments",
                      def->name);
    }
    virXDRReaderClear(&args);

    if (!err) {
        rh = virNetMessageReplyHeader(hdr, VIR_NET_OK);
        reply = virNetMessageNew(&rh);
        g_byte_array_append(reply, ret->data, ret->len);
        if (virNetMessageFinish(reply))
            return reply;
        g_byte_array_unref(reply);
        virReportError(&err, VIR_ERR_RPC, "the reply to %s would be larger "
                       "than the protocol's %d bytes", def->name,
                       VIR_NET_MESSAGE_MAX);
    }
    if (err->domain == VIR_ERROR) {
        g_autofree char *msg = g_strdup_printf("%s: %s",
                                               virErrorCodeDescription(err->code),
                                               err->message);
        return virNetMessageErrorReply(hdr, err->code,
                                       remoteErrorDomain(err->code), msg);
    }
    return virNetMessageErrorReply(hdr, VIR_ERR_INTERNAL_ERROR, VIR_FROM_QEMU,
                                   err->message);
}

void
remoteClientGone(virNetServerClient *client, gpointer opaque)
{
    remoteClient *priv = virNetServerClientGetPrivate(client);

    if (!priv)
        return;
    g_mutex_lock(&priv->lock);
    g_array_set_size(priv->callbacks, 0);
    priv->opened = FALSE;
    g_mutex_unlock(&priv->lock);
}
