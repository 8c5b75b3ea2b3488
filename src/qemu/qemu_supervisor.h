/*
 * qemu_supervisor.h: the per-domain supervisor, QEMU's parent
 *
 * `tcevirt start` forks it (detached: its own session, reparented away
 * from the CLI).  It takes the domain's lock, prepares the host devices,
 * starts QEMU as the unprivileged QEMU user with the computed
 * RLIMIT_MEMLOCK, no_new_privs and a seccomp listener on open* through
 * which it hands QEMU the domain's own VFIO files (or, in DAC mode, lends
 * it the group nodes), talks QMP, serves the CLI on a control socket, and
 * when QEMU exits for any reason tears down (qemu_teardown.h).
 */
#pragma once

#include "domain_conf.h"
#include "qemu_conf.h"

typedef struct {
    const qemuDriverConfig *cfg;
    virDomainDef *def;              /* normalized live definition */
    gboolean paused;                /* start --paused */
    int handoff;                    /* QEMU_FD_HANDOFF_SECCOMP or _DAC */
    int resultFd;                   /* the CLI waits here for "W warning"
                                     * lines, then "0 PID" or "CODE error" */
} qemuSupervisorParams;

/* Runs in the forked supervisor; returns the exit status */
int qemuSupervisorRun(qemuSupervisorParams *params);

/* The control socket of a domain */
char *qemuSupervisorControlPath(const qemuDriverConfig *cfg, const char *name);
