/*
 * remote_connect.c: the connection, the host and its capabilities
 */
#include <config.h>

#include <string.h>

#include "remote_daemon.h"
#include "virerror.h"

/* what CONNECT_GET_LIB_VERSION reports: the libvirt release whose remote
 * protocol tcevirtd follows (virsh and Nova compare against it) */
#define REMOTE_LIB_VERSION 11003000u

gboolean
remoteConnectAuthList(remoteCall *call, GError **errp)
{
    if (!remoteArgsEnd(call, errp))
        return FALSE;
    /* the socket's mode and the peer's uid are the authentication */
    virXDRWriteU32(call->ret, 1);
    virXDRWriteI32(call->ret, 0);       /* REMOTE_AUTH_NONE */
    return TRUE;
}

gboolean
remoteConnectSupportsFeature(remoteCall *call, GError **errp)
{
    gint32 feature = 0;
    int yes = 0;

    virXDRReadI32(call->args, &feature);
    if (!remoteArgsEnd(call, errp))
        return FALSE;
    switch (feature) {
    case VIR_DRV_FEATURE_PROGRAM_KEEPALIVE:
    case VIR_DRV_FEATURE_REMOTE_EVENT_CALLBACK:
    case VIR_DRV_FEATURE_REMOTE_CLOSE_CALLBACK:
        yes = 1;
        break;
    }
    virXDRWriteI32(call->ret, yes);
    return TRUE;
}

gboolean
remoteConnectOpen(remoteCall *call, GError **errp)
{
    g_autofree char *name = NULL;
    guint32 flags = 0;

    virXDRReadOptString(call->args, VIR_NET_STRING_MAX, &name);
    virXDRReadU32(call->args, &flags);
    if (!remoteArgsEnd(call, errp))
        return FALSE;
    if (name && *name && !g_str_has_prefix(name, "qemu:")) {
        virReportError(errp, VIR_ERR_NO_SUPPORT,
                       "tcevirtd drives QEMU only: connect with a qemu:// "
                       "URI, not '%s'", name);
        return FALSE;
    }
    g_mutex_lock(&call->priv->lock);
    call->priv->opened = TRUE;
    if (flags & VIR_CONNECT_RO)
        call->priv->readonly = TRUE;
    g_mutex_unlock(&call->priv->lock);
    return TRUE;
}

gboolean
remoteConnectClose(remoteCall *call, GError **errp)
{
    if (!remoteArgsEnd(call, errp))
        return FALSE;
    g_mutex_lock(&call->priv->lock);
    call->priv->opened = FALSE;
    g_array_set_size(call->priv->callbacks, 0);
    g_mutex_unlock(&call->priv->lock);
    return TRUE;
}

gboolean
remoteConnectGetType(remoteCall *call, GError **errp)
{
    if (!remoteArgsEnd(call, errp))
        return FALSE;
    virXDRWriteString(call->ret, "QEMU");
    return TRUE;
}

gboolean
remoteConnectGetVersion(remoteCall *call, GError **errp)
{
    g_autoptr(qemuCaps) caps = NULL;

    if (!remoteArgsEnd(call, errp) ||
        !(caps = qemuCapsCacheLookup(call->daemon->caps, NULL, errp)))
        return FALSE;
    virXDRWriteU64(call->ret, caps->version);
    return TRUE;
}

gboolean
remoteConnectGetLibVersion(remoteCall *call, GError **errp)
{
    if (!remoteArgsEnd(call, errp))
        return FALSE;
    virXDRWriteU64(call->ret, REMOTE_LIB_VERSION);
    return TRUE;
}

gboolean
remoteConnectGetHostname(remoteCall *call, GError **errp)
{
    if (!remoteArgsEnd(call, errp))
        return FALSE;
    virXDRWriteString(call->ret, g_get_host_name());
    return TRUE;
}

gboolean
remoteConnectGetURI(remoteCall *call, GError **errp)
{
    if (!remoteArgsEnd(call, errp))
        return FALSE;
    virXDRWriteString(call->ret, "qemu:///system");
    return TRUE;
}

gboolean
remoteConnectGetMaxVcpus(remoteCall *call, GError **errp)
{
    g_autofree char *type = NULL;
    g_autoptr(qemuCaps) caps = NULL;

    virXDRReadOptString(call->args, VIR_NET_STRING_MAX, &type);
    if (!remoteArgsEnd(call, errp) ||
        !(caps = qemuCapsCacheLookup(call->daemon->caps, NULL, errp)))
        return FALSE;
    virXDRWriteI32(call->ret, qemuCapsMaxCpus(caps, NULL));
    return TRUE;
}

/* UNIX sockets on this host: as secure as libvirt counts them */
gboolean
remoteConnectIsSecure(remoteCall *call, GError **errp)
{
    if (!remoteArgsEnd(call, errp))
        return FALSE;
    virXDRWriteI32(call->ret, 1);
    return TRUE;
}

/* No security driver label: QEMU's isolation is its own uid and the
 * seccomp handoff (docs/lifecycle.rst), which libvirt's model has no
 * name for; an empty model tells clients not to ask for labels */
gboolean
remoteNodeGetSecurityModel(remoteCall *call, GError **errp)
{
    if (!remoteArgsEnd(call, errp))
        return FALSE;
    virXDRWriteU32(call->ret, 0);       /* char model<> */
    virXDRWriteU32(call->ret, 0);       /* char doi<> */
    return TRUE;
}

gboolean
remoteNodeGetInfo(remoteCall *call, GError **errp)
{
    qemuNodeInfo info;
    size_t i;

    if (!remoteArgsEnd(call, errp) || !qemuCapsNodeInfo(&info, errp))
        return FALSE;
    /* char model[32]: each char an XDR int */
    for (i = 0; i < 32; i++)
        virXDRWriteI32(call->ret, (signed char) info.model[i]);
    virXDRWriteU64(call->ret, info.memoryKiB);
    virXDRWriteI32(call->ret, info.cpus);
    virXDRWriteI32(call->ret, info.mhz);
    virXDRWriteI32(call->ret, info.nodes);
    virXDRWriteI32(call->ret, info.sockets);
    virXDRWriteI32(call->ret, info.cores);
    virXDRWriteI32(call->ret, info.threads);
    return TRUE;
}

gboolean
remoteConnectGetCapabilities(remoteCall *call, GError **errp)
{
    g_autofree char *xml = NULL;

    if (!remoteArgsEnd(call, errp) ||
        !(xml = qemuCapsFormatHost(call->daemon->caps, errp)))
        return FALSE;
    virXDRWriteString(call->ret, xml);
    return TRUE;
}

gboolean
remoteConnectGetDomainCapabilities(remoteCall *call, GError **errp)
{
    g_autofree char *emulator = NULL;
    g_autofree char *arch = NULL;
    g_autofree char *machine = NULL;
    g_autofree char *virttype = NULL;
    g_autofree char *xml = NULL;
    guint32 flags = 0;

    virXDRReadOptString(call->args, VIR_NET_STRING_MAX, &emulator);
    virXDRReadOptString(call->args, VIR_NET_STRING_MAX, &arch);
    virXDRReadOptString(call->args, VIR_NET_STRING_MAX, &machine);
    virXDRReadOptString(call->args, VIR_NET_STRING_MAX, &virttype);
    virXDRReadU32(call->args, &flags);
    if (!remoteArgsEnd(call, errp) ||
        !remoteCheckFlags(call, flags, 0, errp) ||
        !(xml = qemuCapsFormatDomain(call->daemon->caps, emulator, arch,
                                     machine, virttype, errp)))
        return FALSE;
    virXDRWriteString(call->ret, xml);
    return TRUE;
}

static gboolean
remoteSetCloseCallback(remoteCall *call, gboolean on, GError **errp)
{
    if (!remoteArgsEnd(call, errp))
        return FALSE;
    g_mutex_lock(&call->priv->lock);
    call->priv->closeCallback = on;
    g_mutex_unlock(&call->priv->lock);
    return TRUE;
}

gboolean
remoteConnectRegisterCloseCallback(remoteCall *call, GError **errp)
{
    return remoteSetCloseCallback(call, TRUE, errp);
}

gboolean
remoteConnectUnregisterCloseCallback(remoteCall *call, GError **errp)
{
    return remoteSetCloseCallback(call, FALSE, errp);
}
