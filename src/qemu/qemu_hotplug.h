/*
 * qemu_hotplug.h: host devices added to and removed from a running QEMU
 * (the supervisor's side of attach-device and detach-device --live)
 */
#pragma once

#include "qemu_supervisor_priv.h"

/* Nova waits 20 s per detach attempt */
#define QEMU_HOTPLUG_DEFAULT_TIMEOUT 20
/* what libvirt's qemuDomainWaitForDeviceRemoval gives the guest */
#define QEMU_HOTPLUG_ASYNC_WAIT 5

/* Attaches the <hostdev> or <interface type='hostdev'> in @devXML; returns
 * its alias.  On failure every step is undone (a PHB QEMU added stays,
 * empty, in the live definition). */
char *qemuHotplugAttach(qemuSupervisor *sv, const char *devXML,
                        GError **errp);

/* device_del of the host device @devXML names, then waits up to
 * @timeoutSec for the guest; FALSE with VIR_ERR_OPERATION_TIMEOUT when it
 * did not answer (a removal-failed device event is recorded; a later
 * DEVICE_DELETED still completes the removal).  @async (libvirt's way, for
 * tcevirtd): waits at most QEMU_HOTPLUG_ASYNC_WAIT s, then succeeds with
 * the removal pending. */
gboolean qemuHotplugDetach(qemuSupervisor *sv, const char *devXML,
                           unsigned int timeoutSec, gboolean async,
                           GError **errp);

/* QEMU deleted @alias: give back what it had (no-op for other devices) */
void qemuHotplugRemoved(qemuSupervisor *sv, const char *alias);

/* QEMU's DEVICE_UNPLUG_GUEST_ERROR for @alias: the guest refused; a
 * removal-failed device event is recorded */
void qemuHotplugRefused(qemuSupervisor *sv, const char *alias);
