/*
 * qemu_status.h: runtime state of a running domain
 *
 * While a domain runs, its supervisor holds an flock on RUNDIR/qemu/NAME.lock
 * and keeps RUNDIR/qemu/NAME.status (JSON, written atomically at every
 * state change) with what a recovery needs: the pids, the live
 * definition, the ownership changes to undo.  A status file whose lock is
 * free was left by a supervisor that died: the next command finishes the
 * teardown (qemuProcessRecover).  When a domain stops, the supervisor
 * leaves RUNDIR/qemu/NAME.shutoff with the reason.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "qemu_conf.h"
#include "virenum.h"

typedef enum {
    QEMU_STATE_SHUTOFF = 0,
    QEMU_STATE_STARTING,
    QEMU_STATE_RUNNING,
    QEMU_STATE_PAUSED,
    QEMU_STATE_SHUTDOWN,            /* guest powered off, QEMU still up */
    QEMU_STATE_STOPPING,            /* teardown in progress */
    QEMU_STATE_LAST,
} qemuDomainState;
VIR_ENUM_DECL(qemuDomainState);

/* One ownership change made for the DAC fallback, undone at teardown */
typedef struct {
    char *path;
    uid_t uid;
    gid_t gid;
    unsigned int mode;
} qemuStatusOwner;

typedef struct {
    gint refs;                      /* qemuDomainStatusRef / ...Free */
    char *name;
    char *uuid;
    int state;                      /* qemuDomainState */
    char *reason;                   /* libvirt's reason words: booted, user, ... */
    pid_t supervisorPid;
    guint64 supervisorStart;
    pid_t qemuPid;
    guint64 qemuStart;
    uid_t qemuUid;                  /* the domain's own id (uid = gid), 0: none */
    gint64 startedAt;               /* unix seconds */
    char *defXML;                   /* the live definition */
    char *handoff;                  /* "seccomp" or "dac" */
    GPtrArray *owners;              /* qemuStatusOwner */
    GPtrArray *deviceEvents;        /* qemuStatusDeviceEvent, the last
                                     * QEMU_STATUS_DEVICE_EVENTS */
} qemuDomainStatus;

/* A hot-unplug outcome, for tcevirtd's DEVICE_REMOVED and
 * DEVICE_REMOVAL_FAILED: numbered so that a watcher reading the status
 * later still sees each once */
typedef struct {
    guint64 seq;
    gboolean removed;               /* FALSE: removal failed */
    char *alias;
} qemuStatusDeviceEvent;

#define QEMU_STATUS_DEVICE_EVENTS 16

/* The index of the ownership record of @path in st->owners, or -1 */
int qemuDomainStatusFindOwner(const qemuDomainStatus *st, const char *path);

/* Appends an event (dropping the oldest past QEMU_STATUS_DEVICE_EVENTS);
 * the caller saves the status */
void qemuDomainStatusAddDeviceEvent(qemuDomainStatus *st, gboolean removed,
                                    const char *alias);

qemuDomainStatus *qemuDomainStatusNew(void);
/* A status shared between threads (the daemon's cache) is read-only */
qemuDomainStatus *qemuDomainStatusRef(qemuDomainStatus *st);
/* Drops a reference; the last one frees */
void qemuDomainStatusFree(qemuDomainStatus *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuDomainStatus, qemuDomainStatusFree);

char *qemuDomainStatusPath(const qemuDriverConfig *cfg, const char *name,
                           const char *suffix);
gboolean qemuDomainStatusSave(const qemuDriverConfig *cfg,
                              const qemuDomainStatus *st, GError **errp);
/* NULL without error when the domain has no status file */
qemuDomainStatus *qemuDomainStatusLoad(const qemuDriverConfig *cfg,
                                       const char *name, GError **errp);
/* Takes the domain's lock without waiting: the fd to keep (and close to
 * release it), -1 with errno set when it is held (EWOULDBLOCK) or cannot
 * be opened */
int qemuDomainStatusLock(const qemuDriverConfig *cfg, const char *name);
/* TRUE while a supervisor holds the domain's lock */
gboolean qemuDomainStatusSupervised(const qemuDriverConfig *cfg,
                                    const char *name);
/* The reason of the last stop ("destroyed", "shutdown", "crashed",
 * "failed"), or NULL */
char *qemuDomainStatusShutoffReason(const qemuDriverConfig *cfg,
                                    const char *name);
gboolean qemuDomainStatusSetShutoff(const qemuDriverConfig *cfg,
                                    const char *name, const char *reason,
                                    GError **errp);
