/*
 * virnetserver.c: sockets, clients, frames, keepalive, worker threads
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib-unix.h>

#include "virerror.h"
#include "virnetserver.h"

/* calls one client may have running at once; beyond it its socket is
 * not read until one finishes (libvirt's max_client_requests) */
#define VIR_NET_CLIENT_MAX_INFLIGHT 5
/* bytes queued for a client that does not read before it is dropped */
#define VIR_NET_CLIENT_MAX_QUEUED (32 * 1024 * 1024)
/* worker threads: as many calls as this run at once across clients */
#define VIR_NET_SERVER_WORKERS 32
/* a client that pinged us and then says nothing for this long is dead */
#define VIR_NET_KEEPALIVE_DEAD_US (30 * G_USEC_PER_SEC)

struct _virNetServer {
    GMainContext *ctx;
    GMainLoop *loop;
    GThreadPool *pool;
    GMutex lock;
    GHashTable *clients;            /* client -> client, a reference each */
    GPtrArray *listeners;
    virNetServerCallFunc call;
    virNetServerClientGoneFunc gone;
    gpointer opaque;
    guint64 nextId;
    guint keepaliveTimer;
};

typedef struct {
    virNetServer *srv;
    int fd;
    gboolean readonly;
    gboolean tcp;
    char *path;                     /* UNIX socket file, removed at free */
    guint watch;
} virNetServerListener;

typedef struct {
    GSource source;
    virNetServerClient *client;
} virNetServerClientSource;

struct _virNetServerClient {
    gint refs;
    virNetServer *srv;
    guint64 id;
    int fd;
    gboolean readonly;
    gint64 uid;
    gint64 pid;

    /* main loop only */
    GSource *source;
    gpointer tag;
    GIOCondition events;            /* what the main loop polls for */
    guint8 lenbuf[4];
    size_t lenGot;
    GByteArray *frame;              /* the frame being read */
    guint32 frameLen;
    gint64 lastInput;
    gboolean keepalive;             /* it pinged: it has an event loop */

    /* under lock */
    GMutex lock;
    GQueue out;                     /* GByteArray frames */
    size_t outOffset;               /* written bytes of the head frame */
    size_t outBytes;
    guint inflight;
    gboolean closeLater;
    gboolean closed;
    gpointer priv;
    GDestroyNotify privFree;
};

typedef struct {
    virNetServerClient *client;
    virNetMessageHeader hdr;
    GByteArray *frame;
} virNetServerJob;

static void virNetServerClientClose(virNetServerClient *c);
static void virNetServerClientUpdateEvents(virNetServerClient *c);

virNetServerClient *
virNetServerClientRef(virNetServerClient *c)
{
    g_atomic_int_inc(&c->refs);
    return c;
}

void
virNetServerClientUnref(virNetServerClient *c)
{
    if (!c || !g_atomic_int_dec_and_test(&c->refs))
        return;
    if (c->privFree && c->priv)
        c->privFree(c->priv);
    g_queue_clear_full(&c->out, (GDestroyNotify) g_byte_array_unref);
    if (c->frame)
        g_byte_array_unref(c->frame);
    g_mutex_clear(&c->lock);
    g_free(c);
}

gboolean
virNetServerClientReadonly(virNetServerClient *c)
{
    return c->readonly;
}

gint64
virNetServerClientUid(virNetServerClient *c)
{
    return c->uid;
}

gint64
virNetServerClientPid(virNetServerClient *c)
{
    return c->pid;
}

guint64
virNetServerClientId(virNetServerClient *c)
{
    return c->id;
}

void
virNetServerClientSetPrivate(virNetServerClient *c, gpointer data,
                             GDestroyNotify free)
{
    g_mutex_lock(&c->lock);
    c->priv = data;
    c->privFree = free;
    g_mutex_unlock(&c->lock);
}

gpointer
virNetServerClientGetPrivate(virNetServerClient *c)
{
    gpointer p;

    g_mutex_lock(&c->lock);
    p = c->priv;
    g_mutex_unlock(&c->lock);
    return p;
}

/* ---- writing (main loop) -------------------------------------------- */

/* Writes what the socket takes; closes on error or when asked to once
 * everything is out */
static void
virNetServerClientFlush(virNetServerClient *c)
{
    gboolean fail = FALSE, done;

    g_mutex_lock(&c->lock);
    while (!c->closed && !g_queue_is_empty(&c->out)) {
        GByteArray *head = g_queue_peek_head(&c->out);
        ssize_t n = send(c->fd, head->data + c->outOffset,
                         head->len - c->outOffset, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR)
                fail = TRUE;
            break;
        }
        c->outOffset += n;
        c->outBytes -= n;
        if (c->outOffset == head->len) {
            g_byte_array_unref(g_queue_pop_head(&c->out));
            c->outOffset = 0;
        }
    }
    done = c->closeLater && g_queue_is_empty(&c->out);
    g_mutex_unlock(&c->lock);
    if (fail || done)
        virNetServerClientClose(c);
    else
        virNetServerClientUpdateEvents(c);
}

static gboolean
virNetServerClientFlushIdle(gpointer data)
{
    virNetServerClient *c = data;

    if (!c->closed)
        virNetServerClientFlush(c);
    return G_SOURCE_REMOVE;
}

static gboolean
virNetServerClientCloseIdle(gpointer data)
{
    virNetServerClientClose(data);
    return G_SOURCE_REMOVE;
}

void
virNetServerClientSend(virNetServerClient *c, GByteArray *frame)
{
    gboolean drop = FALSE;
    size_t sent = 0;

    g_mutex_lock(&c->lock);
    if (c->closed) {
        g_byte_array_unref(frame);
        g_mutex_unlock(&c->lock);
        return;
    }
    /* nothing queued: write it from this thread, and wake the main loop
     * only for what the socket did not take */
    if (g_queue_is_empty(&c->out)) {
        ssize_t n = send(c->fd, frame->data, frame->len,
                         MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n == (ssize_t) frame->len) {
            g_mutex_unlock(&c->lock);
            g_byte_array_unref(frame);
            return;
        }
        sent = c->outOffset = MAX(n, 0);
    }
    c->outBytes += frame->len - sent;
    g_queue_push_tail(&c->out, frame);
    drop = c->outBytes > VIR_NET_CLIENT_MAX_QUEUED;
    g_mutex_unlock(&c->lock);
    if (drop) {
        g_warning("client %" G_GUINT64_FORMAT " (pid %" G_GINT64_FORMAT
                  ") stopped reading with %d MiB queued: dropping it",
                  c->id, c->pid, VIR_NET_CLIENT_MAX_QUEUED >> 20);
        g_main_context_invoke_full(c->srv->ctx, G_PRIORITY_DEFAULT,
                                   virNetServerClientCloseIdle,
                                   virNetServerClientRef(c),
                                   (GDestroyNotify) virNetServerClientUnref);
        return;
    }
    g_main_context_invoke_full(c->srv->ctx, G_PRIORITY_DEFAULT,
                               virNetServerClientFlushIdle,
                               virNetServerClientRef(c),
                               (GDestroyNotify) virNetServerClientUnref);
}

void
virNetServerClientCloseLater(virNetServerClient *c)
{
    g_mutex_lock(&c->lock);
    c->closeLater = TRUE;
    g_mutex_unlock(&c->lock);
    g_main_context_invoke_full(c->srv->ctx, G_PRIORITY_DEFAULT,
                               virNetServerClientFlushIdle,
                               virNetServerClientRef(c),
                               (GDestroyNotify) virNetServerClientUnref);
}

/* ---- reading (main loop) -------------------------------------------- */

static void
virNetServerJobRun(gpointer data, gpointer user)
{
    virNetServerJob *job = data;
    virNetServerClient *c = job->client;
    virNetServer *srv = c->srv;
    GByteArray *reply;
    gboolean resume;

    reply = srv->call(c, &job->hdr, job->frame->data + VIR_NET_FRAME_MIN,
                      job->frame->len - VIR_NET_FRAME_MIN, srv->opaque);
    if (reply)
        virNetServerClientSend(c, reply);
    g_mutex_lock(&c->lock);
    resume = c->inflight-- == VIR_NET_CLIENT_MAX_INFLIGHT;
    g_mutex_unlock(&c->lock);
    if (resume)
        g_main_context_invoke_full(srv->ctx, G_PRIORITY_DEFAULT,
                                   virNetServerClientFlushIdle,
                                   virNetServerClientRef(c),
                                   (GDestroyNotify) virNetServerClientUnref);
    g_byte_array_unref(job->frame);
    virNetServerClientUnref(c);
    g_free(job);
}

static void
virNetServerClientSendHeaderOnly(virNetServerClient *c,
                                 const virNetMessageHeader *hdr)
{
    GByteArray *msg = virNetMessageNew(hdr);

    virNetMessageFinish(msg);
    virNetServerClientSend(c, msg);
}

/* One whole frame; takes it */
static void
virNetServerClientHandleFrame(virNetServerClient *c, GByteArray *frame)
{
    virNetMessageHeader hdr;
    const guint8 *body;
    size_t len;

    virNetMessageDecodeHeader(frame->data, frame->len, &hdr, &body, &len);
    if (hdr.prog == VIR_NET_PROGRAM_KEEPALIVE) {
        if (hdr.vers == VIR_NET_PROGRAM_KEEPALIVE_VERSION &&
            hdr.type == VIR_NET_MESSAGE && hdr.proc == VIR_NET_KEEPALIVE_PING) {
            virNetMessageHeader pong = {
                VIR_NET_PROGRAM_KEEPALIVE, VIR_NET_PROGRAM_KEEPALIVE_VERSION,
                VIR_NET_KEEPALIVE_PONG, VIR_NET_MESSAGE, 0, VIR_NET_OK,
            };
            c->keepalive = TRUE;
            virNetServerClientSendHeaderOnly(c, &pong);
        }
        g_byte_array_unref(frame);
        return;
    }
    if (hdr.type != VIR_NET_CALL && hdr.type != VIR_NET_CALL_WITH_FDS) {
        /* replies, events and streams from a client: nothing to answer */
        g_byte_array_unref(frame);
        return;
    }
    if (hdr.prog != VIR_NET_PROGRAM_REMOTE ||
        hdr.vers != VIR_NET_PROGRAM_REMOTE_VERSION) {
        g_autofree char *msg =
            g_strdup_printf("RPC error: unknown program 0x%08x version %u "
                            "(tcevirtd serves libvirt's remote program "
                            "0x%08x version %d)", hdr.prog, hdr.vers,
                            VIR_NET_PROGRAM_REMOTE,
                            VIR_NET_PROGRAM_REMOTE_VERSION);
        virNetServerClientSend(c, virNetMessageErrorReply(&hdr, VIR_ERR_RPC,
                                                          7, msg));
        g_byte_array_unref(frame);
        return;
    }
    if (hdr.type == VIR_NET_CALL_WITH_FDS) {
        virNetServerClientSend(c, virNetMessageErrorReply(&hdr,
            VIR_ERR_NO_SUPPORT, 7, "this function is not supported by the "
            "connection driver: tcevirtd takes no file descriptors from "
            "clients"));
        g_byte_array_unref(frame);
        return;
    }
    {
        virNetServerJob *job = g_new0(virNetServerJob, 1);

        job->client = virNetServerClientRef(c);
        job->hdr = hdr;
        job->frame = frame;
        g_mutex_lock(&c->lock);
        c->inflight++;
        g_mutex_unlock(&c->lock);
        g_thread_pool_push(c->srv->pool, job, NULL);
    }
}

/* Reads up to one whole frame (the poll calls again for the next), until
 * the socket is empty, or until the client must wait for its calls;
 * FALSE when the client is to be closed */
static gboolean
virNetServerClientRead(virNetServerClient *c)
{
    for (;;) {
        ssize_t n;
        guint inflight;

        g_mutex_lock(&c->lock);
        inflight = c->inflight;
        g_mutex_unlock(&c->lock);
        if (inflight >= VIR_NET_CLIENT_MAX_INFLIGHT)
            return TRUE;        /* read again when a call finishes */
        if (c->lenGot < 4) {
            n = recv(c->fd, c->lenbuf + c->lenGot, 4 - c->lenGot, 0);
        } else {
            size_t have = c->frame->len;
            g_byte_array_set_size(c->frame, c->frameLen);
            n = recv(c->fd, c->frame->data + have, c->frameLen - have, 0);
            g_byte_array_set_size(c->frame, have + MAX(n, 0));
        }
        if (n == 0)
            return FALSE;
        if (n < 0)
            return errno == EAGAIN || errno == EINTR;
        c->lastInput = g_get_monotonic_time();
        if (c->lenGot < 4) {
            g_autoptr(GError) err = NULL;

            c->lenGot += n;
            if (c->lenGot < 4)
                continue;
            if (!virNetMessageFrameLength(c->lenbuf, &c->frameLen, &err)) {
                /* the stream cannot be resynchronized: drop the client */
                g_message("client %" G_GUINT64_FORMAT " (pid %" G_GINT64_FORMAT
                          "): %s; closing the connection", c->id, c->pid,
                          err->message);
                return FALSE;
            }
            c->frame = g_byte_array_sized_new(c->frameLen);
            g_byte_array_append(c->frame, c->lenbuf, 4);
            continue;
        }
        if (c->frame->len == c->frameLen) {
            GByteArray *frame = g_steal_pointer(&c->frame);

            c->lenGot = 0;
            virNetServerClientHandleFrame(c, frame);
            /* the poll says whether more came: no recv() to learn EAGAIN */
            return TRUE;
        }
    }
}

static void
virNetServerClientUpdateEvents(virNetServerClient *c)
{
    GIOCondition want = G_IO_HUP | G_IO_ERR;

    if (c->closed)
        return;
    g_mutex_lock(&c->lock);
    if (c->inflight < VIR_NET_CLIENT_MAX_INFLIGHT)
        want |= G_IO_IN;
    if (!g_queue_is_empty(&c->out))
        want |= G_IO_OUT;
    g_mutex_unlock(&c->lock);
    /* changing the poll set wakes the main loop: only when it changes */
    if (want != c->events) {
        c->events = want;
        g_source_modify_unix_fd(c->source, c->tag, want);
    }
}

static gboolean
virNetServerClientDispatch(GSource *source, GSourceFunc cb, gpointer data)
{
    virNetServerClient *c = ((virNetServerClientSource *) source)->client;
    GIOCondition cond = g_source_query_unix_fd(source, c->tag);

    virNetServerClientRef(c);
    if (cond & G_IO_OUT)
        virNetServerClientFlush(c);
    if (!c->closed && (cond & (G_IO_IN | G_IO_HUP | G_IO_ERR))) {
        if (!virNetServerClientRead(c))
            virNetServerClientClose(c);
    }
    if (!c->closed)
        virNetServerClientUpdateEvents(c);
    virNetServerClientUnref(c);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs virNetServerClientSourceFuncs = {
    .dispatch = virNetServerClientDispatch,
};

static void
virNetServerClientClose(virNetServerClient *c)
{
    virNetServer *srv = c->srv;
    gboolean had;

    g_mutex_lock(&c->lock);
    if (c->closed) {
        g_mutex_unlock(&c->lock);
        return;
    }
    c->closed = TRUE;
    g_queue_clear_full(&c->out, (GDestroyNotify) g_byte_array_unref);
    c->outBytes = 0;
    g_mutex_unlock(&c->lock);

    g_source_destroy(c->source);
    g_source_unref(c->source);
    c->source = NULL;
    close(c->fd);
    c->fd = -1;
    g_mutex_lock(&srv->lock);
    had = g_hash_table_steal(srv->clients, c);
    g_mutex_unlock(&srv->lock);
    if (srv->gone)
        srv->gone(c, srv->opaque);
    if (had)
        virNetServerClientUnref(c);
}

/* ---- listening ------------------------------------------------------ */

static void
virNetServerAddClient(virNetServerListener *l, int fd)
{
    virNetServer *srv = l->srv;
    virNetServerClient *c = g_new0(virNetServerClient, 1);
    GSource *source;

    c->refs = 1;
    c->srv = srv;
    c->fd = fd;
    c->readonly = l->readonly;
    c->uid = c->pid = -1;
    c->lastInput = g_get_monotonic_time();
    g_mutex_init(&c->lock);
    g_queue_init(&c->out);
    if (!l->tcp) {
        struct ucred cred;
        socklen_t len = sizeof(cred);

        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
            close(fd);
            g_mutex_clear(&c->lock);
            g_free(c);
            return;
        }
        c->uid = cred.uid;
        c->pid = cred.pid;
        if (!l->readonly && cred.uid != 0 && cred.uid != geteuid()) {
            g_message("refused uid %u (pid %d) on the read-write socket %s: "
                      "only root may use it; the read-only socket is %s-ro",
                      cred.uid, cred.pid, l->path, l->path);
            close(fd);
            g_mutex_clear(&c->lock);
            g_free(c);
            return;
        }
    }
    g_mutex_lock(&srv->lock);
    c->id = ++srv->nextId;
    g_hash_table_add(srv->clients, c);
    g_mutex_unlock(&srv->lock);

    source = g_source_new(&virNetServerClientSourceFuncs,
                          sizeof(virNetServerClientSource));
    ((virNetServerClientSource *) source)->client = c;
    /* GLib blocks a non-recursive source around its dispatch by taking
     * its fd out of the poll set and back, waking the loop twice per
     * message; nothing here runs a nested loop */
    g_source_set_can_recurse(source, TRUE);
    c->events = G_IO_IN | G_IO_HUP | G_IO_ERR;
    c->tag = g_source_add_unix_fd(source, fd, c->events);
    c->source = source;
    g_source_attach(source, srv->ctx);
}

static gboolean
virNetServerAccept(gint fd, GIOCondition cond, gpointer data)
{
    virNetServerListener *l = data;
    int i;

    /* a bounded batch, so that a flood of connects cannot starve clients */
    for (i = 0; i < 64; i++) {
        int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (cfd < 0)
            break;
        virNetServerAddClient(l, cfd);
    }
    return G_SOURCE_CONTINUE;
}

static gboolean
virNetServerListen(virNetServer *srv, int fd, const char *path,
                   gboolean readonly, gboolean tcp)
{
    virNetServerListener *l = g_new0(virNetServerListener, 1);

    l->srv = srv;
    l->fd = fd;
    l->readonly = readonly;
    l->tcp = tcp;
    l->path = g_strdup(path);
    l->watch = g_unix_fd_add(fd, G_IO_IN, virNetServerAccept, l);
    g_ptr_array_add(srv->listeners, l);
    return TRUE;
}

static void
virNetServerListenerFree(gpointer data)
{
    virNetServerListener *l = data;

    g_source_remove(l->watch);
    close(l->fd);
    if (l->path && !l->tcp)
        unlink(l->path);
    g_free(l->path);
    g_free(l);
}

gboolean
virNetServerAddUNIX(virNetServer *srv, const char *path, mode_t mode,
                    gboolean readonly, GError **errp)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    g_autofree char *dir = g_path_get_dirname(path);
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                       "socket path %s is longer than the %zu bytes a UNIX "
                       "socket allows; choose a shorter --socket", path,
                       sizeof(addr.sun_path) - 1);
        return FALSE;
    }
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    if (g_mkdir_with_parents(dir, 0755) < 0) {
        virReportSystemError(errp, errno, "cannot create the socket "
                             "directory %s", dir);
        return FALSE;
    }
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
                     0)) < 0) {
        virReportSystemError(errp, errno, "cannot create a UNIX socket");
        return FALSE;
    }
    /* a socket file nobody answers on is left by a daemon that died */
    if (connect(fd, (struct sockaddr *) &addr, sizeof(addr)) == 0 ||
        errno == EAGAIN) {
        close(fd);
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "another daemon is serving %s; stop it first, or "
                       "give this one another --socket", path);
        return FALSE;
    }
    unlink(path);
    close(fd);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 ||
        bind(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0 ||
        chmod(path, mode) < 0 ||
        listen(fd, 128) < 0) {
        virReportSystemError(errp, errno, "cannot listen on %s", path);
        if (fd >= 0)
            close(fd);
        return FALSE;
    }
    return virNetServerListen(srv, fd, path, readonly, FALSE);
}

gboolean
virNetServerAddTCP(virNetServer *srv, const char *addrPort, GError **errp)
{
    g_autofree char *host = NULL;
    const char *colon = strrchr(addrPort, ':');
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
    struct addrinfo *res = NULL;
    int fd = -1, one = 1, rc;

    if (!colon || !colon[1]) {
        virReportError(errp, VIR_ERR_INVALID_ARG,
                       "--listen-tcp '%s' is not ADDR:PORT (e.g. "
                       "127.0.0.1:16509)", addrPort);
        return FALSE;
    }
    host = g_strndup(addrPort, colon - addrPort);
    if ((rc = getaddrinfo(*host ? host : NULL, colon + 1, &hints, &res)) != 0) {
        virReportError(errp, VIR_ERR_INVALID_ARG,
                       "--listen-tcp '%s': %s", addrPort, gai_strerror(rc));
        return FALSE;
    }
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(fd, res->ai_addr, res->ai_addrlen) < 0 ||
        listen(fd, 128) < 0) {
        virReportSystemError(errp, errno, "cannot listen on TCP %s", addrPort);
        if (fd >= 0)
            close(fd);
        freeaddrinfo(res);
        return FALSE;
    }
    freeaddrinfo(res);
    return virNetServerListen(srv, fd, addrPort, FALSE, TRUE);
}

/* ---- the server ----------------------------------------------------- */

static void
virNetServerDropIfSilent(virNetServerClient *c, gpointer data)
{
    if (c->keepalive &&
        g_get_monotonic_time() - c->lastInput > VIR_NET_KEEPALIVE_DEAD_US) {
        g_message("client %" G_GUINT64_FORMAT " (pid %" G_GINT64_FORMAT
                  ") sent no keepalive for 30 s: dropping it", c->id, c->pid);
        virNetServerClientClose(c);
    }
}

/* Drops clients that promised keepalive pings and went silent */
static gboolean
virNetServerKeepalive(gpointer data)
{
    virNetServerForEachClient(data, virNetServerDropIfSilent, NULL);
    return G_SOURCE_CONTINUE;
}

virNetServer *
virNetServerNew(virNetServerCallFunc call, virNetServerClientGoneFunc gone,
                gpointer opaque)
{
    virNetServer *srv = g_new0(virNetServer, 1);

    srv->ctx = g_main_context_ref(g_main_context_default());
    srv->loop = g_main_loop_new(srv->ctx, FALSE);
    srv->pool = g_thread_pool_new(virNetServerJobRun, srv,
                                  VIR_NET_SERVER_WORKERS, FALSE, NULL);
    g_mutex_init(&srv->lock);
    srv->clients = g_hash_table_new(NULL, NULL);
    srv->listeners = g_ptr_array_new_with_free_func(virNetServerListenerFree);
    srv->call = call;
    srv->gone = gone;
    srv->opaque = opaque;
    srv->keepaliveTimer = g_timeout_add_seconds(5, virNetServerKeepalive, srv);
    return srv;
}

void
virNetServerRun(virNetServer *srv)
{
    g_main_loop_run(srv->loop);
}

void
virNetServerQuit(virNetServer *srv)
{
    g_main_loop_quit(srv->loop);
}

static void
virNetServerCollect(gpointer key, gpointer value, gpointer data)
{
    g_ptr_array_add(data, virNetServerClientRef(key));
}

void
virNetServerForEachClient(virNetServer *srv,
                          void (*func)(virNetServerClient *client,
                                       gpointer data),
                          gpointer data)
{
    g_autoptr(GPtrArray) all =
        g_ptr_array_new_with_free_func((GDestroyNotify) virNetServerClientUnref);
    size_t i;

    g_mutex_lock(&srv->lock);
    g_hash_table_foreach(srv->clients, virNetServerCollect, all);
    g_mutex_unlock(&srv->lock);
    for (i = 0; i < all->len; i++)
        func(g_ptr_array_index(all, i), data);
}

guint
virNetServerClientCount(virNetServer *srv)
{
    guint n;

    g_mutex_lock(&srv->lock);
    n = g_hash_table_size(srv->clients);
    g_mutex_unlock(&srv->lock);
    return n;
}

static void
virNetServerCloseOne(virNetServerClient *c, gpointer data)
{
    virNetServerClientClose(c);
}

void
virNetServerFree(virNetServer *srv)
{
    if (!srv)
        return;
    g_ptr_array_free(srv->listeners, TRUE);
    /* finish running calls, then close every client */
    g_thread_pool_free(srv->pool, FALSE, TRUE);
    virNetServerForEachClient(srv, virNetServerCloseOne, NULL);
    g_source_remove(srv->keepaliveTimer);
    g_hash_table_unref(srv->clients);
    g_mutex_clear(&srv->lock);
    g_main_loop_unref(srv->loop);
    g_main_context_unref(srv->ctx);
    g_free(srv);
}
