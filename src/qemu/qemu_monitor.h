/*
 * qemu_monitor.h: a blocking QMP client for the per-domain supervisor
 *
 * One unix socket, poll() timeouts, no main loop: the supervisor polls
 * qemuMonitorGetFD() together with its other fds and calls
 * qemuMonitorReadAvailable() when it is readable.  Events read at any time
 * (also while waiting for a reply) are queued in arrival order.
 *
 * Once QEMU closed the monitor or sent something that is not QMP, the
 * monitor is dead: every later call fails with the same error.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

typedef struct _qemuMonitor qemuMonitor;

typedef struct {
    char *name;                 /* "SHUTDOWN", "DEVICE_DELETED", ... */
    JsonObject *data;           /* never NULL (empty when QEMU sent none) */
    gint64 seconds, micros;     /* QEMU's timestamp */
} qemuMonitorEvent;

void qemuMonitorEventFree(qemuMonitorEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMonitorEvent, qemuMonitorEventFree);

/* Connect to @path, retrying while the socket is absent or refuses until
 * @timeoutMs has passed, read the greeting and negotiate capabilities;
 * @timeoutMs covers all of it. */
qemuMonitor *qemuMonitorOpen(const char *path, int timeoutMs, GError **errp);
void qemuMonitorClose(qemuMonitor *mon);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMonitor, qemuMonitorClose);

int qemuMonitorGetFD(qemuMonitor *mon);

/* QEMU's version from the greeting */
void qemuMonitorGetVersion(qemuMonitor *mon, int *major, int *minor,
                           int *micro);

/* Run @cmd with the optional @args (borrowed) and wait up to @timeoutMs for
 * its reply.  Returns the "return" member (a new reference).  A QMP error
 * becomes VIR_ERR_OPERATION_FAILED with the command and QEMU's desc, no reply
 * in time VIR_ERR_OPERATION_TIMEOUT (the monitor stays usable; the late reply
 * is dropped). */
JsonNode *qemuMonitorCommand(qemuMonitor *mon, const char *cmd,
                             JsonObject *args, int timeoutMs, GError **errp);

/* After poll() said the fd is readable: read what is there without
 * blocking and queue events.  FALSE on EOF ("QEMU closed its monitor") or a
 * protocol error; events read before it are still queued. */
gboolean qemuMonitorReadAvailable(qemuMonitor *mon, GError **errp);

/* The oldest queued event, NULL when none is queued */
qemuMonitorEvent *qemuMonitorPopEvent(qemuMonitor *mon);

/* Wait up to @timeoutMs for an event named @name, first among the queued
 * ones; other events stay queued in order. */
qemuMonitorEvent *qemuMonitorWaitEvent(qemuMonitor *mon, const char *name,
                                       int timeoutMs, GError **errp);

/* Helpers, each with QEMU_MONITOR_TIMEOUT_MS */
#define QEMU_MONITOR_TIMEOUT_MS 30000

/* query-status: runstate ("prelaunch", "running", "shutdown", ...) */
gboolean qemuMonitorQueryStatus(qemuMonitor *mon, char **status,
                                gboolean *running, GError **errp);
/* qom-get /machine/peripheral/@devAlias realized */
gboolean qemuMonitorGetRealized(qemuMonitor *mon, const char *devAlias,
                                gboolean *realized, GError **errp);
gboolean qemuMonitorCont(qemuMonitor *mon, GError **errp);
gboolean qemuMonitorStop(qemuMonitor *mon, GError **errp);
gboolean qemuMonitorSystemPowerdown(qemuMonitor *mon, GError **errp);
/* quit; QEMU closing the monitor after (or instead of) the reply is
 * success.  The SHUTDOWN event follows the reply and may be queued. */
gboolean qemuMonitorQuit(qemuMonitor *mon, GError **errp);
/* trace-event-set-state; @name may be a pattern */
gboolean qemuMonitorSetTraceEvent(qemuMonitor *mon, const char *name,
                                  gboolean enable, GError **errp);

/* device_add with @props (borrowed: "driver", "id", ... as -device JSON);
 * QEMU has realized the device when it answers */
gboolean qemuMonitorDeviceAdd(qemuMonitor *mon, JsonObject *props,
                              GError **errp);
/* device_del: asks the guest to release @alias; DEVICE_DELETED follows
 * once it has (a pseries guest needs its hotplug tools for that) */
gboolean qemuMonitorDeviceDel(qemuMonitor *mon, const char *alias,
                              GError **errp);
