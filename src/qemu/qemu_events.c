/*
 * qemu_events.c: lifecycle events from the state on disk (inotify)
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <glib-unix.h>

#include "domain_conf.h"
#include "qemu_events.h"
#include "qemu_status.h"
#include "virerror.h"
#include "virinotify.h"
#include "virfile.h"

/* libvirt's event numbers (include/libvirt/libvirt-domain.h) */
enum {
    EV_DEFINED = 0, EV_UNDEFINED = 1, EV_STARTED = 2, EV_SUSPENDED = 3,
    EV_RESUMED = 4, EV_STOPPED = 5,
};
enum {
    STOPPED_SHUTDOWN = 0, STOPPED_DESTROYED = 1, STOPPED_CRASHED = 2,
    STOPPED_FAILED = 5,
};

/* what the watcher last saw of one domain */
typedef enum {
    SEEN_SHUTOFF = 0,
    SEEN_STARTING,                  /* a status, QEMU not yet running */
    SEEN_RUNNING,
    SEEN_PAUSED,
} qemuEventSeen;

typedef struct {
    unsigned char uuid[VIR_UUID_BUFLEN];
    gboolean persistent;
    qemuEventSeen seen;
    int id;
    guint64 deviceSeq;              /* the last device event emitted */
} qemuEventDomain;

struct _qemuEventWatcher {
    const qemuDriverConfig *cfg;
    char *configDir;
    int fd;
    int runWatch;
    int configWatch;
    guint source;
    GHashTable *doms;               /* name -> qemuEventDomain */
    qemuDomainEventFunc func;
    gpointer opaque;
};

int
qemuEventStoppedDetail(const char *reason)
{
    if (g_strcmp0(reason, "shutdown") == 0)
        return STOPPED_SHUTDOWN;
    if (g_strcmp0(reason, "crashed") == 0)
        return STOPPED_CRASHED;
    if (g_strcmp0(reason, "failed") == 0)
        return STOPPED_FAILED;
    return STOPPED_DESTROYED;
}

static qemuEventDomain *
qemuEventDomainGet(qemuEventWatcher *w, const char *name)
{
    qemuEventDomain *d = g_hash_table_lookup(w->doms, name);

    if (!d) {
        d = g_new0(qemuEventDomain, 1);
        d->id = -1;
        g_hash_table_insert(w->doms, g_strdup(name), d);
    }
    return d;
}

static void
qemuEventEmit(qemuEventWatcher *w, const char *name, qemuEventDomain *d,
              int event, int detail)
{
    qemuDomainEvent ev = { (char *) name, { 0 }, d->id, event, detail,
                           QEMU_DOMAIN_EVENT_LIFECYCLE, NULL };

    memcpy(ev.uuid, d->uuid, VIR_UUID_BUFLEN);
    w->func(&ev, w->opaque);
}

/* The definition of @name was written: its UUID, and DEFINED */
static void
qemuEventDefinition(qemuEventWatcher *w, const char *name, gboolean emit)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);
    g_autofree char *path = g_build_filename(w->configDir, file, NULL);
    g_autofree char *xml = NULL;
    g_autoptr(virDomainDef) def = NULL;
    qemuEventDomain *d;
    gboolean was;
    gsize len;

    if (!g_file_get_contents(path, &xml, &len, NULL) ||
        !(def = virDomainDefParseString(xml, len, path, NULL)))
        return;
    d = qemuEventDomainGet(w, name);
    was = d->persistent;
    memcpy(d->uuid, def->uuid, VIR_UUID_BUFLEN);
    d->persistent = TRUE;
    if (emit)
        qemuEventEmit(w, name, d, EV_DEFINED, was ? 1 : 0);
}

static void
qemuEventUndefined(qemuEventWatcher *w, const char *name)
{
    qemuEventDomain *d = g_hash_table_lookup(w->doms, name);

    if (!d || !d->persistent)
        return;
    d->persistent = FALSE;
    qemuEventEmit(w, name, d, EV_UNDEFINED, 0);
    if (d->seen == SEEN_SHUTOFF)
        g_hash_table_remove(w->doms, name);
}

/* The hot-unplug outcomes recorded since the last look; at the first look
 * (or a new QEMU: the numbers start again) only remembered */
static void
qemuEventDevices(qemuEventWatcher *w, const char *name, qemuEventDomain *d,
                 const qemuDomainStatus *st, gboolean emit)
{
    guint64 last = 0;
    guint i;

    for (i = 0; i < st->deviceEvents->len; i++) {
        qemuStatusDeviceEvent *dev = g_ptr_array_index(st->deviceEvents, i);
        qemuDomainEvent ev = { (char *) name, { 0 }, d->id, 0, 0,
                               dev->removed ? QEMU_DOMAIN_EVENT_DEVICE_REMOVED :
                               QEMU_DOMAIN_EVENT_DEVICE_REMOVAL_FAILED,
                               dev->alias };

        last = dev->seq;
        if (!emit || dev->seq <= d->deviceSeq)
            continue;
        memcpy(ev.uuid, d->uuid, VIR_UUID_BUFLEN);
        w->func(&ev, w->opaque);
    }
    d->deviceSeq = last;
}

/* A supervisor wrote the status of @name */
static void
qemuEventStatus(qemuEventWatcher *w, const char *name, gboolean emit)
{
    g_autoptr(qemuDomainStatus) st = qemuDomainStatusLoad(w->cfg, name, NULL);
    qemuEventDomain *d;
    qemuEventSeen now, was;

    if (!st)
        return;
    switch (st->state) {
    case QEMU_STATE_RUNNING:
        now = SEEN_RUNNING;
        break;
    case QEMU_STATE_PAUSED:
        now = SEEN_PAUSED;
        break;
    case QEMU_STATE_STARTING:
        now = SEEN_STARTING;
        break;
    default:
        return;                     /* shutting down: STOPPED comes later */
    }
    d = qemuEventDomainGet(w, name);
    if (st->uuid)
        virUUIDParse(st->uuid, d->uuid);
    qemuEventDevices(w, name, d, st, emit);
    was = d->seen;
    d->seen = now;
    d->id = st->qemuPid > 0 ? (int) st->qemuPid : -1;
    if (!emit || now == was || now == SEEN_STARTING)
        return;
    if (was == SEEN_SHUTOFF || was == SEEN_STARTING)
        qemuEventEmit(w, name, d, EV_STARTED, 0);
    if (now == SEEN_PAUSED)
        qemuEventEmit(w, name, d, EV_SUSPENDED, 0);
    else if (was == SEEN_PAUSED)
        qemuEventEmit(w, name, d, EV_RESUMED, 0);
}

/* A supervisor (or a recovery) recorded why @name stopped */
static void
qemuEventShutoff(qemuEventWatcher *w, const char *name)
{
    g_autofree char *reason = qemuDomainStatusShutoffReason(w->cfg, name);
    qemuEventDomain *d = g_hash_table_lookup(w->doms, name);

    if (!d || d->seen == SEEN_SHUTOFF)
        return;
    d->seen = SEEN_SHUTOFF;
    d->id = -1;
    d->deviceSeq = 0;
    qemuEventEmit(w, name, d, EV_STOPPED, qemuEventStoppedDetail(reason));
    if (!d->persistent)
        g_hash_table_remove(w->doms, name);
}

/* NAME of a file NAME.SUFFIX, or NULL (temporary files, locks, ...) */
static char *
qemuEventFileName(const char *file, const char *suffix)
{
    if (!g_str_has_suffix(file, suffix) || strlen(file) <= strlen(suffix))
        return NULL;
    return g_strndup(file, strlen(file) - strlen(suffix));
}

static void
qemuEventHandle(const struct inotify_event *ev, gpointer data)
{
    qemuEventWatcher *w = data;
    g_autofree char *name = NULL;
    gboolean gone = ev->mask & (IN_DELETE | IN_MOVED_FROM);

    if (!ev->len)
        return;
    if (ev->wd == w->configWatch) {
        if (!(name = qemuEventFileName(ev->name, ".xml")))
            return;
        if (gone)
            qemuEventUndefined(w, name);
        else
            qemuEventDefinition(w, name, TRUE);
    } else if (ev->wd == w->runWatch && !gone) {
        if ((name = qemuEventFileName(ev->name, ".status")))
            qemuEventStatus(w, name, TRUE);
        else if ((name = qemuEventFileName(ev->name, ".shutoff")))
            qemuEventShutoff(w, name);
    }
}

static gboolean
qemuEventRead(gint fd, GIOCondition cond, gpointer data)
{
    virInotifyDrain(fd, qemuEventHandle, data);
    return G_SOURCE_CONTINUE;
}

/* What is there now, without events */
static void
qemuEventScan(qemuEventWatcher *w)
{
    g_autoptr(GDir) d = NULL;
    const char *ent;

    if ((d = g_dir_open(w->configDir, 0, NULL))) {
        while ((ent = g_dir_read_name(d))) {
            g_autofree char *name = qemuEventFileName(ent, ".xml");
            if (name)
                qemuEventDefinition(w, name, FALSE);
        }
        g_clear_pointer(&d, g_dir_close);
    }
    if ((d = g_dir_open(w->cfg->qemuRunDir, 0, NULL))) {
        while ((ent = g_dir_read_name(d))) {
            g_autofree char *name = qemuEventFileName(ent, ".status");
            if (name)
                qemuEventStatus(w, name, FALSE);
        }
    }
}

qemuEventWatcher *
qemuEventWatcherNew(const qemuDriverConfig *cfg, qemuDomainEventFunc func,
                    gpointer opaque, GError **errp)
{
    g_autoptr(qemuEventWatcher) w = g_new0(qemuEventWatcher, 1);
    const guint32 mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
                         IN_DELETE;

    w->cfg = cfg;
    w->fd = -1;
    w->func = func;
    w->opaque = opaque;
    w->configDir = g_build_filename(cfg->stateDir, "qemu", NULL);
    w->doms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    if (!virFileMakeDirs(w->configDir, errp) ||
        !virFileMakeDirs(cfg->qemuRunDir, errp))
        return NULL;
    if ((w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0 ||
        (w->configWatch = inotify_add_watch(w->fd, w->configDir, mask)) < 0 ||
        (w->runWatch = inotify_add_watch(w->fd, cfg->qemuRunDir, mask)) < 0) {
        virReportSystemError(errp, errno, "cannot watch %s and %s for domain "
                             "events", w->configDir, cfg->qemuRunDir);
        return NULL;
    }
    qemuEventScan(w);
    w->source = g_unix_fd_add(w->fd, G_IO_IN, qemuEventRead, w);
    return g_steal_pointer(&w);
}

void
qemuEventWatcherFree(qemuEventWatcher *w)
{
    if (!w)
        return;
    if (w->source)
        g_source_remove(w->source);
    if (w->fd >= 0)
        close(w->fd);
    g_hash_table_unref(w->doms);
    g_free(w->configDir);
    g_free(w);
}
