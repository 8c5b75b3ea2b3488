/*
 * virnetserver.h: a server of libvirt's remote protocol framing
 *
 * Listens on UNIX sockets (read-write and read-only) and optionally TCP,
 * reads frames, answers the keepalive program itself and hands every CALL
 * of the remote program to a worker thread, so that a slow call never
 * holds up another client or another call.  Replies and events are
 * queued per client and written from the main loop; a client whose
 * queue grows past a bound (it stopped reading) is dropped.  Nothing here
 * knows a procedure: that is src/remote.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "virnetmessage.h"

typedef struct _virNetServer virNetServer;
typedef struct _virNetServerClient virNetServerClient;

/* Runs in a worker thread for each CALL of the remote program; returns
 * the reply frame, or NULL to send none */
typedef GByteArray *(*virNetServerCallFunc)(virNetServerClient *client,
                                            const virNetMessageHeader *hdr,
                                            const guint8 *body, size_t len,
                                            gpointer opaque);
/* Runs on the main loop when a client has gone (after its last call) */
typedef void (*virNetServerClientGoneFunc)(virNetServerClient *client,
                                           gpointer opaque);

virNetServer *virNetServerNew(virNetServerCallFunc call,
                              virNetServerClientGoneFunc gone,
                              gpointer opaque);
void virNetServerFree(virNetServer *srv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetServer, virNetServerFree);

/* A UNIX socket at @path with @mode; a stale socket file is replaced, a
 * live one (another daemon answers) is an error.  On a read-write socket
 * only root (and the daemon's own user) may connect; on a read-only one
 * anyone, for read-only procedures. */
gboolean virNetServerAddUNIX(virNetServer *srv, const char *path, mode_t mode,
                             gboolean readonly, GError **errp);
/* A TCP listener on ADDR:PORT (no TLS, no authentication: labs only) */
gboolean virNetServerAddTCP(virNetServer *srv, const char *addrPort,
                            GError **errp);

/* Serves until virNetServerQuit() */
void virNetServerRun(virNetServer *srv);
/* Thread-safe; also from a signal handler's GSource */
void virNetServerQuit(virNetServer *srv);

/* Calls @func for every connected client (with a reference held) */
void virNetServerForEachClient(virNetServer *srv,
                               void (*func)(virNetServerClient *client,
                                            gpointer data),
                               gpointer data);
guint virNetServerClientCount(virNetServer *srv);

/* Client: every function here is thread-safe */
virNetServerClient *virNetServerClientRef(virNetServerClient *c);
void virNetServerClientUnref(virNetServerClient *c);
gboolean virNetServerClientReadonly(virNetServerClient *c);
/* the peer's uid and pid (SO_PEERCRED); -1 on TCP */
gint64 virNetServerClientUid(virNetServerClient *c);
gint64 virNetServerClientPid(virNetServerClient *c);
guint64 virNetServerClientId(virNetServerClient *c);
/* Queues @frame (finished, owned by the queue) for writing */
void virNetServerClientSend(virNetServerClient *c, GByteArray *frame);
/* Closes the connection once the queued frames are written */
void virNetServerClientCloseLater(virNetServerClient *c);
/* Data of the layer above, freed with @free when the client goes */
void virNetServerClientSetPrivate(virNetServerClient *c, gpointer data,
                                  GDestroyNotify free);
gpointer virNetServerClientGetPrivate(virNetServerClient *c);
