/*
 * remote_daemon.h: libvirt's remote program on top of the driver
 *
 * One dispatcher per procedure (remote_connect.c, remote_domain.c,
 * remote_nodedev.c, remote_events.c), each decoding its arguments,
 * calling the driver (src/qemu, src/hypervisor, src/conf) and encoding
 * the reply.  The table in remote_dispatch.c maps procedure numbers to
 * them; anything else gets VIR_ERR_NO_SUPPORT naming the procedure.
 */
#pragma once

#include <glib.h>

#include "qemu_capabilities.h"
#include "qemu_conf.h"
#include "qemu_driver.h"
#include "qemu_events.h"
#include "remote_protocol.h"
#include "virnetserver.h"
#include "virnetxdr.h"

typedef struct {
    virNetServer *srv;
    qemuDriver *drv;                /* one for the daemon's life, cached */
    qemuEventWatcher *events;
    qemuCapsCache *caps;
    char *startHelper;              /* tools/tcevirt_start_helper.c */
    GMutex jobLock;
    GCond jobCond;
    GHashTable *jobs;               /* names of domains with a job running */
} remoteDaemon;

typedef struct {
    int id;
    int eventID;
    gboolean hasDom;
    unsigned char uuid[VIR_UUID_BUFLEN];
} remoteEventCallback;

/* per connection */
typedef struct {
    GMutex lock;
    gboolean opened;
    gboolean readonly;              /* the socket, or VIR_CONNECT_RO */
    gboolean closeCallback;
    GArray *callbacks;              /* remoteEventCallback */
    int nextCallbackID;
} remoteClient;

/* One call being dispatched */
typedef struct {
    remoteDaemon *daemon;
    virNetServerClient *client;
    remoteClient *priv;
    const char *procName;
    virXDRReader *args;
    GByteArray *ret;                /* the reply body */
} remoteCall;

typedef gboolean (*remoteProcFunc)(remoteCall *call, GError **errp);

/* remote_nonnull_domain: how every procedure names a domain */
typedef struct {
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    gint32 id;
} remoteDomainRef;

void remoteDomainRefClear(remoteDomainRef *ref);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(remoteDomainRef, remoteDomainRefClear);
void remoteReadDomain(virXDRReader *r, remoteDomainRef *ref);
void remoteWriteDomain(GByteArray *w, const char *name,
                       const unsigned char *uuid, int id);

/* The arguments of @proc decode with its layout and nothing trails them
 * (checked before its dispatcher runs; also fuzz/rpc_fuzz.c) */
gboolean remoteArgsCheck(int proc, const guint8 *body, size_t len,
                         char **why);
/* Every argument was read, nothing more is there: call before acting */
gboolean remoteArgsEnd(remoteCall *call, GError **errp);
/* flags outside @allowed: libvirt's "unsupported flags" error */
gboolean remoteCheckFlags(remoteCall *call, guint32 flags, guint32 allowed,
                          GError **errp);

/* The driver, opened for one call */
/* The daemon's driver (with its cache): borrowed, never closed */
qemuDriver *remoteDriver(remoteCall *call);

/* One job per domain across the daemon's clients (the driver's locks
 * serialize with the CLI) */
void remoteDomainJobBegin(remoteDaemon *d, const char *name);
void remoteDomainJobEnd(remoteDaemon *d, const char *name);

/* the procedures, one file per group */
gboolean remoteConnectAuthList(remoteCall *call, GError **errp);
gboolean remoteConnectSupportsFeature(remoteCall *call, GError **errp);
gboolean remoteConnectOpen(remoteCall *call, GError **errp);
gboolean remoteConnectClose(remoteCall *call, GError **errp);
gboolean remoteConnectGetType(remoteCall *call, GError **errp);
gboolean remoteConnectGetVersion(remoteCall *call, GError **errp);
gboolean remoteConnectGetLibVersion(remoteCall *call, GError **errp);
gboolean remoteConnectGetHostname(remoteCall *call, GError **errp);
gboolean remoteConnectGetURI(remoteCall *call, GError **errp);
gboolean remoteConnectGetMaxVcpus(remoteCall *call, GError **errp);
gboolean remoteConnectIsSecure(remoteCall *call, GError **errp);
gboolean remoteNodeGetInfo(remoteCall *call, GError **errp);
gboolean remoteNodeGetSecurityModel(remoteCall *call, GError **errp);
gboolean remoteConnectGetCapabilities(remoteCall *call, GError **errp);
gboolean remoteConnectGetDomainCapabilities(remoteCall *call, GError **errp);
gboolean remoteConnectRegisterCloseCallback(remoteCall *call, GError **errp);
gboolean remoteConnectUnregisterCloseCallback(remoteCall *call, GError **errp);

gboolean remoteDomainLookupByName(remoteCall *call, GError **errp);
gboolean remoteDomainLookupByUUID(remoteCall *call, GError **errp);
gboolean remoteDomainLookupByID(remoteCall *call, GError **errp);
gboolean remoteDomainDefineXML(remoteCall *call, GError **errp);
gboolean remoteDomainDefineXMLFlags(remoteCall *call, GError **errp);
gboolean remoteDomainUndefine(remoteCall *call, GError **errp);
gboolean remoteDomainUndefineFlags(remoteCall *call, GError **errp);
gboolean remoteDomainCreate(remoteCall *call, GError **errp);
gboolean remoteDomainCreateWithFlags(remoteCall *call, GError **errp);
gboolean remoteDomainDestroy(remoteCall *call, GError **errp);
gboolean remoteDomainShutdown(remoteCall *call, GError **errp);
gboolean remoteDomainShutdownFlags(remoteCall *call, GError **errp);
gboolean remoteDomainAttachDeviceFlags(remoteCall *call, GError **errp);
gboolean remoteDomainDetachDeviceFlags(remoteCall *call, GError **errp);
gboolean remoteDomainSuspend(remoteCall *call, GError **errp);
gboolean remoteDomainResume(remoteCall *call, GError **errp);
gboolean remoteDomainGetXMLDesc(remoteCall *call, GError **errp);
gboolean remoteDomainGetInfo(remoteCall *call, GError **errp);
gboolean remoteDomainGetState(remoteCall *call, GError **errp);
gboolean remoteDomainGetOSType(remoteCall *call, GError **errp);
gboolean remoteDomainGetMaxMemory(remoteCall *call, GError **errp);
gboolean remoteDomainGetAutostart(remoteCall *call, GError **errp);
gboolean remoteDomainIsActive(remoteCall *call, GError **errp);
gboolean remoteDomainIsPersistent(remoteCall *call, GError **errp);
gboolean remoteDomainHasManagedSaveImage(remoteCall *call, GError **errp);
gboolean remoteDomainSnapshotNum(remoteCall *call, GError **errp);
gboolean remoteConnectListAllDomains(remoteCall *call, GError **errp);
gboolean remoteConnectNumOfDomains(remoteCall *call, GError **errp);

gboolean remoteConnectListAllNodeDevices(remoteCall *call, GError **errp);
gboolean remoteNodeDeviceLookupByName(remoteCall *call, GError **errp);
gboolean remoteNodeDeviceGetXMLDesc(remoteCall *call, GError **errp);
gboolean remoteNodeDeviceGetParent(remoteCall *call, GError **errp);
gboolean remoteNodeDeviceNumOfCaps(remoteCall *call, GError **errp);
gboolean remoteNodeDeviceListCaps(remoteCall *call, GError **errp);
gboolean remoteNodeDeviceDettach(remoteCall *call, GError **errp);
gboolean remoteNodeDeviceDetachFlags(remoteCall *call, GError **errp);
gboolean remoteNodeDeviceReAttach(remoteCall *call, GError **errp);

gboolean remoteConnectDomainEventCallbackRegisterAny(remoteCall *call,
                                                     GError **errp);
gboolean remoteConnectDomainEventCallbackDeregisterAny(remoteCall *call,
                                                       GError **errp);

/* the daemon: tools/tcevirtd.c */
remoteDaemon *remoteDaemonNew(const char *startHelper, GError **errp);
void remoteDaemonFree(remoteDaemon *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(remoteDaemon, remoteDaemonFree);

/* Dispatches one CALL (virNetServerCallFunc) */
GByteArray *remoteDispatch(virNetServerClient *client,
                           const virNetMessageHeader *hdr,
                           const guint8 *body, size_t len, gpointer opaque);
/* A client went away: its callbacks with it (virNetServerClientGoneFunc) */
void remoteClientGone(virNetServerClient *client, gpointer opaque);
/* Pushes a lifecycle event to every callback that wants it
 * (qemuDomainEventFunc) */
void remoteEventBroadcast(const qemuDomainEvent *ev, gpointer opaque);
