/*
 * qemu_monitor.c: a blocking QMP client for the per-domain supervisor
 *
 * QMP (docs/interop/qmp-spec.rst, /work/shared/reference/qemu.md §6): JSON
 * objects separated by CRLF.  QEMU greets with {"QMP": {"version": ...}},
 * accepts nothing but qmp_capabilities until negotiation, then answers each
 * {"execute", "arguments", "id"} with {"return"|"error", "id"} and sends
 * {"event", "data", "timestamp"} at any time.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "qemu_monitor.h"
#include "virerror.h"

#define QEMU_MONITOR_MAX_MESSAGE (16 * 1024 * 1024)
#define QEMU_MONITOR_READ_CHUNK 65536
/* at most this much per qemuMonitorReadAvailable(), so a flood of events
 * cannot starve the supervisor's other fds */
#define QEMU_MONITOR_READ_MAX (1024 * 1024)
#define QEMU_MONITOR_RETRY_MS 2
#define QEMU_MONITOR_ID_PREFIX "tcevirt-"

struct _qemuMonitor {
    int fd;
    char *path;
    GByteArray *buf;        /* the start of a message not complete yet */
    gsize scanned;          /* bytes of @buf known to hold no newline */
    GQueue events;          /* of qemuMonitorEvent, oldest first */
    JsonObject *greeting;
    guint64 lastId;         /* number of the last command sent */
    guint64 awaitId;        /* number of the command waiting, or 0 */
    JsonObject *reply;      /* its reply once read */
    GError *dead;           /* why the monitor is unusable */
    gboolean eof;           /* @dead is QEMU closing the socket */
    int major, minor, micro;
};

void
qemuMonitorEventFree(qemuMonitorEvent *event)
{
    if (!event)
        return;
    g_free(event->name);
    if (event->data)
        json_object_unref(event->data);
    g_free(event);
}

void
qemuMonitorClose(qemuMonitor *mon)
{
    if (!mon)
        return;
    if (mon->fd >= 0)
        close(mon->fd);
    g_free(mon->path);
    g_byte_array_unref(mon->buf);
    g_queue_clear_full(&mon->events, (GDestroyNotify) qemuMonitorEventFree);
    g_clear_pointer(&mon->greeting, json_object_unref);
    g_clear_pointer(&mon->reply, json_object_unref);
    g_clear_error(&mon->dead);
    g_free(mon);
}

int
qemuMonitorGetFD(qemuMonitor *mon)
{
    return mon->fd;
}

void
qemuMonitorGetVersion(qemuMonitor *mon, int *major, int *minor, int *micro)
{
    if (major)
        *major = mon->major;
    if (minor)
        *minor = mon->minor;
    if (micro)
        *micro = mon->micro;
}

/* typed members; NULL/FALSE when absent or of another type */
static JsonNode *
qemuMonitorJSONValue(JsonObject *obj, const char *name, GType type)
{
    JsonNode *node = obj ? json_object_get_member(obj, name) : NULL;

    if (!node || !JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != type)
        return NULL;
    return node;
}

static const char *
qemuMonitorJSONString(JsonObject *obj, const char *name)
{
    JsonNode *node = qemuMonitorJSONValue(obj, name, G_TYPE_STRING);

    return node ? json_node_get_string(node) : NULL;
}

static gint64
qemuMonitorJSONInt(JsonObject *obj, const char *name)
{
    JsonNode *node = qemuMonitorJSONValue(obj, name, G_TYPE_INT64);

    return node ? json_node_get_int(node) : 0;
}

static JsonObject *
qemuMonitorJSONObject(JsonObject *obj, const char *name)
{
    JsonNode *node = obj ? json_object_get_member(obj, name) : NULL;

    return node && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node)
                                                : NULL;
}

/* Copy the reason the monitor is dead to @errp */
static gboolean
qemuMonitorFailDead(qemuMonitor *mon, GError **errp)
{
    if (errp)
        *errp = g_error_copy(mon->dead);
    return FALSE;
}

/* The monitor is unusable from now on; takes @err */
static gboolean
qemuMonitorSetDead(qemuMonitor *mon, GError *err, GError **errp)
{
    if (!mon->dead)
        mon->dead = err;
    else
        g_error_free(err);
    return qemuMonitorFailDead(mon, errp);
}

static G_GNUC_PRINTF(3, 4) gboolean
qemuMonitorProtocolError(qemuMonitor *mon, GError **errp,
                         const char *fmt, ...)
{
    g_autofree char *what = NULL;
    va_list ap;

    va_start(ap, fmt);
    what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return qemuMonitorSetDead(mon,
        g_error_new(VIR_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "QMP protocol error on QEMU monitor %s: %s; the monitor "
                    "is no longer usable, stop QEMU",
                    mon->path, what), errp);
}

static gboolean
qemuMonitorSetEOF(qemuMonitor *mon, GError **errp)
{
    mon->eof = TRUE;
    return qemuMonitorSetDead(mon,
        g_error_new(VIR_ERROR, VIR_ERR_OPERATION_FAILED,
                    "QEMU closed its monitor %s; the QEMU process has "
                    "probably exited, see its log", mon->path), errp);
}

static void
qemuMonitorQueueEvent(qemuMonitor *mon, JsonObject *obj, const char *name)
{
    qemuMonitorEvent *event = g_new0(qemuMonitorEvent, 1);
    JsonObject *data = qemuMonitorJSONObject(obj, "data");
    JsonObject *stamp = qemuMonitorJSONObject(obj, "timestamp");

    event->name = g_strdup(name);
    event->data = data ? json_object_ref(data) : json_object_new();
    event->seconds = qemuMonitorJSONInt(stamp, "seconds");
    event->micros = qemuMonitorJSONInt(stamp, "microseconds");
    g_queue_push_tail(&mon->events, event);
}

/* One message: queue an event, keep the greeting or the awaited reply */
static gboolean
qemuMonitorHandleMessage(qemuMonitor *mon, const char *text, gsize len,
                         GError **errp)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *expected = NULL;
    JsonNode *root;
    JsonObject *obj;
    const char *str;
    guint64 num;

    if (!json_parser_load_from_data(parser, text, len, &err))
        return qemuMonitorProtocolError(mon, errp, "invalid JSON (%s)",
                                        err->message);
    root = json_parser_get_root(parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root))
        return qemuMonitorProtocolError(mon, errp,
                                        "a message is not a JSON object");
    obj = json_node_get_object(root);

    if ((str = qemuMonitorJSONString(obj, "event"))) {
        qemuMonitorQueueEvent(mon, obj, str);
        return TRUE;
    }
    if (json_object_has_member(obj, "QMP")) {
        if (mon->greeting)
            return qemuMonitorProtocolError(mon, errp, "a second greeting");
        mon->greeting = json_object_ref(obj);
        return TRUE;
    }
    if (!json_object_has_member(obj, "return") &&
        !qemuMonitorJSONObject(obj, "error"))
        return qemuMonitorProtocolError(mon, errp,
                                        "a message that is neither a reply "
                                        "nor an event");
    if (!(str = qemuMonitorJSONString(obj, "id")))
        return qemuMonitorProtocolError(mon, errp, "a reply without id");

    expected = g_strdup_printf(QEMU_MONITOR_ID_PREFIX "%" G_GUINT64_FORMAT,
                               mon->awaitId);
    if (mon->awaitId && !mon->reply && g_str_equal(str, expected)) {
        mon->reply = json_object_ref(obj);
        return TRUE;
    }
    /* the late reply to a command that timed out */
    if (mon->lastId > 0 && g_str_has_prefix(str, QEMU_MONITOR_ID_PREFIX) &&
        g_ascii_string_to_unsigned(str + strlen(QEMU_MONITOR_ID_PREFIX), 10,
                                   1, mon->lastId, &num, NULL) &&
        num != mon->awaitId)
        return TRUE;
    return qemuMonitorProtocolError(mon, errp, "a reply with unknown id '%s'",
                                    str);
}

/* Handle every complete message in the buffer */
static gboolean
qemuMonitorProcessBuffer(qemuMonitor *mon, GError **errp)
{
    GByteArray *buf = mon->buf;
    gsize start = 0;
    guint8 *nl;

    while ((nl = memchr(buf->data + mon->scanned, '\n',
                        buf->len - mon->scanned))) {
        gsize end = nl - buf->data;
        gsize len = end - start;
        const char *text = (const char *) buf->data + start;

        start = mon->scanned = end + 1;
        if (len > QEMU_MONITOR_MAX_MESSAGE)
            return qemuMonitorProtocolError(mon, errp,
                                            "a message of more than %d bytes",
                                            QEMU_MONITOR_MAX_MESSAGE);
        while (len > 0 && g_ascii_isspace(text[len - 1]))
            len--;
        if (len > 0 && !qemuMonitorHandleMessage(mon, text, len, errp))
            return FALSE;
    }
    g_byte_array_remove_range(buf, 0, start);
    mon->scanned = buf->len;
    if (buf->len > QEMU_MONITOR_MAX_MESSAGE)
        return qemuMonitorProtocolError(mon, errp,
                                        "a message of more than %d bytes",
                                        QEMU_MONITOR_MAX_MESSAGE);
    return TRUE;
}

gboolean
qemuMonitorReadAvailable(qemuMonitor *mon, GError **errp)
{
    gsize total = 0;

    if (mon->dead)
        return qemuMonitorFailDead(mon, errp);

    while (total < QEMU_MONITOR_READ_MAX) {
        guint old = mon->buf->len;
        ssize_t n;
        int err;

        g_byte_array_set_size(mon->buf, old + QEMU_MONITOR_READ_CHUNK);
        n = recv(mon->fd, mon->buf->data + old, QEMU_MONITOR_READ_CHUNK,
                 MSG_DONTWAIT);
        err = errno;
        g_byte_array_set_size(mon->buf, old + MAX(n, 0));
        if (n < 0) {
            if (err == EINTR)
                continue;
            if (err == EAGAIN || err == EWOULDBLOCK)
                return TRUE;
            if (err == ECONNRESET)
                return qemuMonitorSetEOF(mon, errp);
            virReportSystemError(&mon->dead, err,
                                 "Cannot read from QEMU monitor %s",
                                 mon->path);
            return qemuMonitorFailDead(mon, errp);
        }
        if (n == 0)
            return qemuMonitorSetEOF(mon, errp);
        if (!qemuMonitorProcessBuffer(mon, errp))
            return FALSE;
        total += n;
    }
    return TRUE;
}

/* monotonic deadline in µs, -1 for none */
static gint64
qemuMonitorDeadline(int timeoutMs)
{
    return timeoutMs < 0 ? -1 : g_get_monotonic_time() + timeoutMs * 1000LL;
}

static int
qemuMonitorRemainingMs(gint64 deadline)
{
    gint64 left;

    if (deadline < 0)
        return -1;
    left = deadline - g_get_monotonic_time();
    return left <= 0 ? 0 : (int) ((left + 999) / 1000);
}

/* 1 when the fd is ready for @events, 0 at the deadline, -1 on error */
static int
qemuMonitorWait(qemuMonitor *mon, short events, gint64 deadline,
                GError **errp)
{
    for (;;) {
        struct pollfd pfd = { .fd = mon->fd, .events = events };
        int ms = qemuMonitorRemainingMs(deadline);
        int rc = poll(&pfd, 1, ms);

        if (rc > 0)
            return 1;
        if (rc == 0) {
            if (ms == 0 || qemuMonitorRemainingMs(deadline) == 0)
                return 0;
            continue;
        }
        if (errno != EINTR) {
            virReportSystemError(errp, errno, "Cannot poll QEMU monitor %s",
                                 mon->path);
            return -1;
        }
    }
}

static gboolean
qemuMonitorSend(qemuMonitor *mon, const char *data, gsize len,
                gint64 deadline, GError **errp)
{
    gsize off = 0;

    while (off < len) {
        ssize_t n = send(mon->fd, data + off, len - off,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        int rc;

        if (n >= 0) {
            off += n;
            continue;
        }
        if (errno == EPIPE || errno == ECONNRESET)
            return qemuMonitorSetEOF(mon, errp);
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            virReportSystemError(&mon->dead, errno,
                                 "Cannot write to QEMU monitor %s", mon->path);
            return qemuMonitorFailDead(mon, errp);
        }
        if ((rc = qemuMonitorWait(mon, POLLOUT, deadline, errp)) < 0)
            return FALSE;
        if (rc == 0)   /* half a command went out: nothing can follow */
            return qemuMonitorSetDead(mon,
                g_error_new(VIR_ERROR, VIR_ERR_OPERATION_TIMEOUT,
                            "Timed out writing to QEMU monitor %s; QEMU "
                            "does not read it, stop QEMU", mon->path), errp);
    }
    return TRUE;
}

/* Wait for the fd to be readable and read.  1 after a read, 0 at the
 * deadline, -1 when the monitor is dead or poll() failed.  A read that fails
 * makes the monitor dead: the caller first takes what came before (a reply,
 * an event), the next call reports it. */
static int
qemuMonitorReadSome(qemuMonitor *mon, gint64 deadline, GError **errp)
{
    int rc;

    if (mon->dead) {
        qemuMonitorFailDead(mon, errp);
        return -1;
    }
    if ((rc = qemuMonitorWait(mon, POLLIN, deadline, errp)) <= 0)
        return rc;
    qemuMonitorReadAvailable(mon, NULL);
    return 1;
}

JsonNode *
qemuMonitorCommand(qemuMonitor *mon, const char *cmd, JsonObject *args,
                   int timeoutMs, GError **errp)
{
    gint64 deadline = qemuMonitorDeadline(timeoutMs);
    g_autoptr(JsonObject) msg = json_object_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *id = NULL;
    g_autofree char *text = NULL;
    g_autofree char *line = NULL;
    JsonNode *ret = NULL;
    JsonObject *error;
    int rc;

    if (mon->dead) {
        qemuMonitorFailDead(mon, errp);
        goto prefix;
    }

    id = g_strdup_printf(QEMU_MONITOR_ID_PREFIX "%" G_GUINT64_FORMAT,
                         ++mon->lastId);
    json_object_set_string_member(msg, "execute", cmd);
    if (args)
        json_object_set_object_member(msg, "arguments", json_object_ref(args));
    json_object_set_string_member(msg, "id", id);
    root = json_node_init_object(json_node_alloc(), msg);
    text = json_to_string(root, FALSE);
    line = g_strconcat(text, "\r\n", NULL);

    mon->awaitId = mon->lastId;
    if (!qemuMonitorSend(mon, line, strlen(line), deadline, errp))
        goto prefix;

    while (!mon->reply) {
        if ((rc = qemuMonitorReadSome(mon, deadline, errp)) < 0)
            goto prefix;
        if (rc == 0) {
            virReportError(errp, VIR_ERR_OPERATION_TIMEOUT,
                           "Timed out after %d ms waiting for QEMU's reply to "
                           "'%s' on monitor %s; QEMU may be stuck",
                           timeoutMs, cmd, mon->path);
            goto cleanup;
        }
    }

    if ((error = qemuMonitorJSONObject(mon->reply, "error"))) {
        const char *desc = qemuMonitorJSONString(error, "desc");
        const char *klass = qemuMonitorJSONString(error, "class");

        virReportError(errp, VIR_ERR_OPERATION_FAILED,
                       "QEMU command '%s' failed: %s (%s)", cmd,
                       desc ? desc : "no description",
                       klass ? klass : "no class");
        goto cleanup;
    }
    ret = json_node_ref(json_object_get_member(mon->reply, "return"));
    goto cleanup;

 prefix:
    if (errp && *errp)
        g_prefix_error(errp, "Cannot run QEMU command '%s': ", cmd);
 cleanup:
    mon->awaitId = 0;
    g_clear_pointer(&mon->reply, json_object_unref);
    return ret;
}

qemuMonitorEvent *
qemuMonitorPopEvent(qemuMonitor *mon)
{
    return g_queue_pop_head(&mon->events);
}

qemuMonitorEvent *
qemuMonitorWaitEvent(qemuMonitor *mon, const char *name, int timeoutMs,
                     GError **errp)
{
    gint64 deadline = qemuMonitorDeadline(timeoutMs);

    for (;;) {
        GList *l;
        int rc;

        for (l = mon->events.head; l; l = l->next) {
            qemuMonitorEvent *event = l->data;

            if (g_str_equal(event->name, name)) {
                g_queue_delete_link(&mon->events, l);
                return event;
            }
        }
        if ((rc = qemuMonitorReadSome(mon, deadline, errp)) < 0) {
            g_prefix_error(errp, "Cannot wait for QEMU event %s: ", name);
            return NULL;
        }
        if (rc == 0) {
            virReportError(errp, VIR_ERR_OPERATION_TIMEOUT,
                           "Timed out after %d ms waiting for QEMU event %s "
                           "on monitor %s", timeoutMs, name, mon->path);
            return NULL;
        }
    }
}

qemuMonitor *
qemuMonitorOpen(const char *path, int timeoutMs, GError **errp)
{
    gint64 deadline = qemuMonitorDeadline(timeoutMs);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    g_autoptr(qemuMonitor) mon = NULL;
    g_autoptr(JsonNode) ret = NULL;
    JsonObject *version;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        virReportError(errp, VIR_ERR_INVALID_ARG,
                       "QEMU monitor path %s is longer than a unix socket "
                       "path may be; use a shorter run directory", path);
        return NULL;
    }
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));

    mon = g_new0(qemuMonitor, 1);
    mon->fd = -1;
    mon->path = g_strdup(path);
    mon->buf = g_byte_array_new();
    g_queue_init(&mon->events);

    for (;;) {
        int err;

        mon->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (mon->fd < 0) {
            virReportSystemError(errp, errno, "Cannot create a socket for "
                                 "QEMU monitor %s", path);
            return NULL;
        }
        if (connect(mon->fd, (struct sockaddr *) &addr, sizeof(addr)) == 0)
            break;
        err = errno;
        close(mon->fd);
        mon->fd = -1;
        if (err != ENOENT && err != ECONNREFUSED && err != EAGAIN &&
            err != EINTR) {
            virReportSystemError(errp, err, "Cannot connect to QEMU monitor %s",
                                 path);
            return NULL;
        }
        if (qemuMonitorRemainingMs(deadline) == 0) {
            virReportError(errp, VIR_ERR_OPERATION_TIMEOUT,
                           "QEMU monitor %s did not accept a connection "
                           "within %d ms (%s); check that QEMU is running "
                           "and see its log", path, timeoutMs, g_strerror(err));
            return NULL;
        }
        g_usleep(MIN((guint) qemuMonitorRemainingMs(deadline),
                     QEMU_MONITOR_RETRY_MS) * 1000);
    }

    while (!mon->greeting) {
        int rc = qemuMonitorReadSome(mon, deadline, errp);

        if (rc < 0)
            return NULL;
        if (rc == 0) {
            virReportError(errp, VIR_ERR_OPERATION_TIMEOUT,
                           "QEMU sent no greeting on monitor %s within %d ms; "
                           "QEMU may be stuck", path, timeoutMs);
            return NULL;
        }
    }

    version = qemuMonitorJSONObject(qemuMonitorJSONObject(
        qemuMonitorJSONObject(mon->greeting, "QMP"), "version"), "qemu");
    if (!version) {
        qemuMonitorProtocolError(mon, errp, "the greeting has no version");
        return NULL;
    }
    mon->major = qemuMonitorJSONInt(version, "major");
    mon->minor = qemuMonitorJSONInt(version, "minor");
    mon->micro = qemuMonitorJSONInt(version, "micro");

    if (!(ret = qemuMonitorCommand(mon, "qmp_capabilities", NULL,
                                   qemuMonitorRemainingMs(deadline), errp)))
        return NULL;
    return g_steal_pointer(&mon);
}

/* Run @cmd, not needing what it returns */
static gboolean
qemuMonitorSimple(qemuMonitor *mon, const char *cmd, JsonObject *args,
                  GError **errp)
{
    g_autoptr(JsonNode) ret = qemuMonitorCommand(mon, cmd, args,
                                                 QEMU_MONITOR_TIMEOUT_MS,
                                                 errp);
    return ret != NULL;
}

gboolean
qemuMonitorQueryStatus(qemuMonitor *mon, char **status, gboolean *running,
                       GError **errp)
{
    g_autoptr(JsonNode) ret = NULL;
    JsonObject *obj;
    JsonNode *run;
    const char *str;

    if (!(ret = qemuMonitorCommand(mon, "query-status", NULL,
                                   QEMU_MONITOR_TIMEOUT_MS, errp)))
        return FALSE;
    obj = JSON_NODE_HOLDS_OBJECT(ret) ? json_node_get_object(ret) : NULL;
    if (!(str = qemuMonitorJSONString(obj, "status")) ||
        !(run = qemuMonitorJSONValue(obj, "running", G_TYPE_BOOLEAN))) {
        virReportError(errp, VIR_ERR_INTERNAL_ERROR,
                       "QEMU's reply to 'query-status' on monitor %s lacks "
                       "'status' or 'running'", mon->path);
        return FALSE;
    }
    if (status)
        *status = g_strdup(str);
    if (running)
        *running = json_node_get_boolean(run);
    return TRUE;
}

gboolean
qemuMonitorGetRealized(qemuMonitor *mon, const char *devAlias,
                       gboolean *realized, GError **errp)
{
    g_autoptr(JsonObject) args = json_object_new();
    g_autofree char *path = g_strdup_printf("/machine/peripheral/%s",
                                            devAlias);
    g_autoptr(JsonNode) ret = NULL;

    json_object_set_string_member(args, "path", path);
    json_object_set_string_member(args, "property", "realized");
    if (!(ret = qemuMonitorCommand(mon, "qom-get", args,
                                   QEMU_MONITOR_TIMEOUT_MS, errp)))
        return FALSE;
    if (!JSON_NODE_HOLDS_VALUE(ret) ||
        json_node_get_value_type(ret) != G_TYPE_BOOLEAN) {
        virReportError(errp, VIR_ERR_INTERNAL_ERROR,
                       "QEMU's 'realized' property of device %s is not a "
                       "boolean", devAlias);
        return FALSE;
    }
    *realized = json_node_get_boolean(ret);
    return TRUE;
}

gboolean
qemuMonitorCont(qemuMonitor *mon, GError **errp)
{
    return qemuMonitorSimple(mon, "cont", NULL, errp);
}

gboolean
qemuMonitorStop(qemuMonitor *mon, GError **errp)
{
    return qemuMonitorSimple(mon, "stop", NULL, errp);
}

gboolean
qemuMonitorSystemPowerdown(qemuMonitor *mon, GError **errp)
{
    return qemuMonitorSimple(mon, "system_powerdown", NULL, errp);
}

gboolean
qemuMonitorQuit(qemuMonitor *mon, GError **errp)
{
    g_autoptr(GError) err = NULL;
    gboolean wasDead = mon->dead != NULL;

    if (qemuMonitorSimple(mon, "quit", NULL, &err))
        return TRUE;
    if (!wasDead && mon->eof)   /* QEMU went before its reply */
        return TRUE;
    g_propagate_error(errp, g_steal_pointer(&err));
    return FALSE;
}

gboolean
qemuMonitorSetTraceEvent(qemuMonitor *mon, const char *name, gboolean enable,
                         GError **errp)
{
    g_autoptr(JsonObject) args = json_object_new();

    json_object_set_string_member(args, "name", name);
    json_object_set_boolean_member(args, "enable", enable);
    return qemuMonitorSimple(mon, "trace-event-set-state", args, errp);
}


gboolean
qemuMonitorDeviceAdd(qemuMonitor *mon, JsonObject *props, GError **errp)
{
    return qemuMonitorSimple(mon, "device_add", props, errp);
}


gboolean
qemuMonitorDeviceDel(qemuMonitor *mon, const char *alias, GError **errp)
{
    g_autoptr(JsonObject) args = json_object_new();

    json_object_set_string_member(args, "id", alias);
    return qemuMonitorSimple(mon, "device_del", args, errp);
}
