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

/* The items of a procedure's arguments, in order: checked before its
 * dispatcher runs, so that a malformed call changes nothing (and the
 * fuzz target, fuzz/rpc_fuzz.c, decodes with the same table) */
enum {
    A_END = 0, A_STR, A_OPTSTR, A_U32, A_I32, A_UUID, A_DOM, A_OPTDOM,
};
#define REMOTE_ARGS_MAX 6

typedef struct {
    int proc;
    const char *name;
    unsigned int flags;
    remoteProcFunc func;
    int args[REMOTE_ARGS_MAX];
} remoteProcDef;

#define P(num, fl, fn, ...) { REMOTE_PROC_##num, #num, fl, fn, { __VA_ARGS__ } }

static const remoteProcDef remoteProcs[] = {
    P(CONNECT_OPEN, RO | PRE, remoteConnectOpen, A_OPTSTR, A_U32),
    P(CONNECT_CLOSE, RO | PRE, remoteConnectClose),
    P(CONNECT_GET_TYPE, RO, remoteConnectGetType),
    P(CONNECT_GET_VERSION, RO, remoteConnectGetVersion),
    P(CONNECT_GET_MAX_VCPUS, RO, remoteConnectGetMaxVcpus, A_OPTSTR),
    P(NODE_GET_INFO, RO, remoteNodeGetInfo),
    P(CONNECT_GET_CAPABILITIES, RO, remoteConnectGetCapabilities),
    P(DOMAIN_CREATE, 0, remoteDomainCreate, A_DOM),
    P(DOMAIN_DEFINE_XML, 0, remoteDomainDefineXML, A_STR),
    P(DOMAIN_DESTROY, 0, remoteDomainDestroy, A_DOM),
    P(DOMAIN_GET_XML_DESC, RO, remoteDomainGetXMLDesc, A_DOM, A_U32),
    P(DOMAIN_GET_MAX_MEMORY, RO, remoteDomainGetMaxMemory, A_DOM),
    P(DOMAIN_GET_INFO, RO, remoteDomainGetInfo, A_DOM),
    P(DOMAIN_GET_OS_TYPE, RO, remoteDomainGetOSType, A_DOM),
    P(DOMAIN_LOOKUP_BY_ID, RO, remoteDomainLookupByID, A_I32),
    P(DOMAIN_LOOKUP_BY_NAME, RO, remoteDomainLookupByName, A_STR),
    P(DOMAIN_LOOKUP_BY_UUID, RO, remoteDomainLookupByUUID, A_UUID),
    P(DOMAIN_SUSPEND, 0, remoteDomainSuspend, A_DOM),
    P(DOMAIN_RESUME, 0, remoteDomainResume, A_DOM),
    P(DOMAIN_SHUTDOWN, 0, remoteDomainShutdown, A_DOM),
    P(DOMAIN_UNDEFINE, 0, remoteDomainUndefine, A_DOM),
    P(CONNECT_NUM_OF_DOMAINS, RO, remoteConnectNumOfDomains),
    P(CONNECT_GET_HOSTNAME, RO, remoteConnectGetHostname),
    P(CONNECT_SUPPORTS_FEATURE, RO | PRE, remoteConnectSupportsFeature, A_I32),
    P(AUTH_LIST, RO | PRE, remoteConnectAuthList),
    P(NODE_DEVICE_GET_PARENT, RO, remoteNodeDeviceGetParent, A_STR),
    P(NODE_DEVICE_NUM_OF_CAPS, RO, remoteNodeDeviceNumOfCaps, A_STR),
    P(NODE_DEVICE_LOOKUP_BY_NAME, RO, remoteNodeDeviceLookupByName, A_STR),
    P(NODE_DEVICE_GET_XML_DESC, RO, remoteNodeDeviceGetXMLDesc, A_STR, A_U32),
    P(NODE_DEVICE_LIST_CAPS, RO, remoteNodeDeviceListCaps, A_STR, A_I32),
    P(NODE_DEVICE_DETTACH, 0, remoteNodeDeviceDettach, A_STR),
    P(NODE_DEVICE_RE_ATTACH, 0, remoteNodeDeviceReAttach, A_STR),
    P(NODE_GET_SECURITY_MODEL, RO, remoteNodeGetSecurityModel),
    P(CONNECT_IS_SECURE, RO, remoteConnectIsSecure),
    P(DOMAIN_IS_ACTIVE, RO, remoteDomainIsActive, A_DOM),
    P(DOMAIN_IS_PERSISTENT, RO, remoteDomainIsPersistent, A_DOM),
    P(DOMAIN_GET_AUTOSTART, RO, remoteDomainGetAutostart, A_DOM),
    P(CONNECT_GET_URI, RO, remoteConnectGetURI),
    P(CONNECT_GET_LIB_VERSION, RO, remoteConnectGetLibVersion),
    P(DOMAIN_HAS_MANAGED_SAVE_IMAGE, RO, remoteDomainHasManagedSaveImage,
      A_DOM, A_U32),
    P(DOMAIN_SNAPSHOT_NUM, RO, remoteDomainSnapshotNum, A_DOM, A_U32),
    P(DOMAIN_CREATE_WITH_FLAGS, 0, remoteDomainCreateWithFlags, A_DOM, A_U32),
    P(DOMAIN_GET_STATE, RO, remoteDomainGetState, A_DOM, A_U32),
    P(DOMAIN_UNDEFINE_FLAGS, 0, remoteDomainUndefineFlags, A_DOM, A_U32),
    P(DOMAIN_SHUTDOWN_FLAGS, 0, remoteDomainShutdownFlags, A_DOM, A_U32),
    P(DOMAIN_ATTACH_DEVICE_FLAGS, 0, remoteDomainAttachDeviceFlags, A_DOM,
      A_STR, A_U32),
    P(DOMAIN_DETACH_DEVICE_FLAGS, 0, remoteDomainDetachDeviceFlags, A_DOM,
      A_STR, A_U32),
    P(CONNECT_LIST_ALL_DOMAINS, RO, remoteConnectListAllDomains, A_I32, A_U32),
    P(CONNECT_LIST_ALL_NODE_DEVICES, RO, remoteConnectListAllNodeDevices,
      A_I32, A_U32),
    P(NODE_DEVICE_DETACH_FLAGS, 0, remoteNodeDeviceDetachFlags, A_STR,
      A_OPTSTR, A_U32),
    P(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, RO,
      remoteConnectDomainEventCallbackRegisterAny, A_I32, A_OPTDOM),
    P(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, RO,
      remoteConnectDomainEventCallbackDeregisterAny, A_I32),
    P(CONNECT_GET_DOMAIN_CAPABILITIES, RO, remoteConnectGetDomainCapabilities,
      A_OPTSTR, A_OPTSTR, A_OPTSTR, A_OPTSTR, A_U32),
    P(DOMAIN_DEFINE_XML_FLAGS, 0, remoteDomainDefineXMLFlags, A_STR, A_U32),
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
remoteArgsCheck(int proc, const guint8 *body, size_t len, char **why)
{
    const remoteProcDef *def = remoteFindProc(proc);
    virXDRReader r;
    gboolean ok;
    size_t i;

    virXDRReaderInit(&r, body, len);
    for (i = 0; def && i < REMOTE_ARGS_MAX && def->args[i] != A_END; i++) {
        g_auto(remoteDomainRef) dom = { 0 };
        g_autofree char *s = NULL;
        guint8 uuid[VIR_UUID_BUFLEN];
        gboolean present;
        guint32 u;

        switch (def->args[i]) {
        case A_STR:
            virXDRReadString(&r, VIR_NET_STRING_MAX, &s);
            break;
        case A_OPTSTR:
            virXDRReadOptString(&r, VIR_NET_STRING_MAX, &s);
            break;
        case A_U32:
        case A_I32:
            virXDRReadU32(&r, &u);
            break;
        case A_UUID:
            virXDRReadFixed(&r, uuid, VIR_UUID_BUFLEN);
            break;
        case A_DOM:
            remoteReadDomain(&r, &dom);
            break;
        case A_OPTDOM:
            if (virXDRReadBool(&r, &present) && present)
                remoteReadDomain(&r, &dom);
            break;
        }
    }
    ok = virXDRReaderFinish(&r);
    if (!ok && why)
        *why = g_strdup(r.error);
    virXDRReaderClear(&r);
    return ok;
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
remoteDriver(remoteCall *call)
{
    return call->daemon->drv;
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
    g_autofree char *why = NULL;
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
    } else if (!remoteArgsCheck(hdr->proc, body, len, &why)) {
        virReportError(&err, VIR_ERR_RPC, "cannot decode the arguments of "
                       "%s: %s", def->name, why);
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
