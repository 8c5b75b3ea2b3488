/*
 * qemu_supervisor_priv.h: the supervisor's state, shared by its parts
 * (qemu_supervisor.c: start, the loop, stop; qemu_hotplug.c: devices added
 * and removed while QEMU runs)
 */
#pragma once

#include <sys/stat.h>

#include "qemu_supervisor.h"
#include "qemu_memlock.h"
#include "qemu_monitor.h"
#include "qemu_status.h"
#include "virseccomp.h"

typedef struct {
    qemuSupervisorParams *p;
    qemuDomainStatus *st;
    uid_t uid;                      /* QEMU's: the domain's own id, or user's */
    gid_t gid;
    gid_t *groups;                  /* supplementary: user's, not its gid */
    int ngroups;
    int lockFd;
    int logFd;
    pid_t pid;
    int pidfd;
    virSeccompBroker *broker;
    GThread *brokerThread;
    gint stopBroker;
    qemuMonitor *mon;
    int ctlFd;
    const char *reason;             /* why QEMU is being stopped */
    gboolean guestShutdown;
    int killStage;                  /* 0 none, 1 quit sent, 2 SIGTERM sent, 3 SIGKILL */
    gint64 killAt;                  /* monotonic µs of the next escalation */
    gint64 powerdownDeadline;       /* shutdown --timeout, 0 = none */
    gboolean restarted;             /* STOP/RESUME already queued are stale */
    guint64 memlock;                /* RLIMIT_MEMLOCK of QEMU, 0 = as is */
    const char *logPath;            /* the domain log, sv->logFd */
    int qemuOut;                    /* read end of QEMU's stdout/stderr */
    GThread *logThread;             /* copies it into the log */
    gint stopLog;
    GHashTable *chrFds;             /* unix chardevs bound for QEMU */
    qemuMemLockHost memlockHost;    /* what the limit was computed with */
    GPtrArray *pendingDel;          /* aliases device_del was sent for */
    GPtrArray *warnings;            /* for the CLI, with the result */
} qemuSupervisor;

void qemuSupervisorLog(qemuSupervisor *sv, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
gboolean qemuSupervisorSaveStatus(qemuSupervisor *sv, int state,
                                  const char *reason);
/* Records owner and mode of @path (as @sb says) in the status, then gives
 * it to QEMU's uid and gid with @mode; the teardown restores the record.
 * A path lent already is left as it is. */
gboolean qemuSupervisorLend(qemuSupervisor *sv, const char *path,
                            const struct stat *sb, mode_t mode,
                            const char *what, GError **errp);
/* DAC mode: the nodes of @groups lent to QEMU's uid alone (0600) */
gboolean qemuSupervisorLendGroups(qemuSupervisor *sv, GArray *groups,
                                  GError **errp);
/* QEMU's locked-memory limit for @def into @limit (0: leave it), with the
 * kernel's IOMMU facts of @groups (bound to vfio-pci, not open) added to
 * what sv->memlockHost already knows (kept on success) */
gboolean qemuSupervisorMemlock(qemuSupervisor *sv, const virDomainDef *def,
                               GArray *groups, guint64 *limit, GError **errp);
