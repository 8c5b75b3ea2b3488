/*
 * qemu_events.h: domain lifecycle events, for whoever changed the domain
 *
 * The state on disk is the truth (DESIGN.md: the CLI and the daemon are
 * two front doors, the supervisors see every QEMU exit), so the events
 * come from watching it with inotify: a definition written or removed
 * under STATEDIR/qemu, a status written by a supervisor, the stop reason
 * it leaves under RUNDIR/qemu.  Each change of a domain's state becomes
 * libvirt's lifecycle event (STARTED booted, SUSPENDED paused, RESUMED
 * unpaused, STOPPED destroyed/shutdown/crashed/failed, DEFINED
 * added/updated, UNDEFINED removed), whether the daemon, the tcevirt CLI,
 * the guest or a crash caused it.  A hot-unplug's outcome the supervisor
 * records in the status becomes DEVICE_REMOVED or DEVICE_REMOVAL_FAILED.
 */
#pragma once

#include <glib.h>

#include "qemu_conf.h"
#include "viruuid.h"

typedef enum {
    QEMU_DOMAIN_EVENT_LIFECYCLE = 0,    /* event, detail */
    QEMU_DOMAIN_EVENT_DEVICE_REMOVED,   /* alias */
    QEMU_DOMAIN_EVENT_DEVICE_REMOVAL_FAILED, /* alias */
} qemuDomainEventKind;

typedef struct {
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    int id;                         /* QEMU's pid while running, else -1 */
    int event;                      /* VIR_DOMAIN_EVENT_* */
    int detail;
    int kind;                       /* qemuDomainEventKind */
    const char *alias;              /* the device, for the device events */
} qemuDomainEvent;

typedef void (*qemuDomainEventFunc)(const qemuDomainEvent *ev,
                                    gpointer opaque);

typedef struct _qemuEventWatcher qemuEventWatcher;

/* Watches on the thread-default main context; @func runs there.  Creates
 * the watched directories when missing. */
qemuEventWatcher *qemuEventWatcherNew(const qemuDriverConfig *cfg,
                                      qemuDomainEventFunc func,
                                      gpointer opaque, GError **errp);
void qemuEventWatcherFree(qemuEventWatcher *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuEventWatcher, qemuEventWatcherFree);

/* The lifecycle event and detail for a stop reason word */
int qemuEventStoppedDetail(const char *reason);
