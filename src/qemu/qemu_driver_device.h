/*
 * qemu_driver_device.h: attach-device and detach-device (virsh's, and
 * virDomainAttachDeviceFlags / virDomainDetachDeviceFlags through
 * tcevirtd): host PCI devices, live (the supervisor hot-plugs them) and in
 * the persistent definition
 */
#pragma once

#include "qemu_driver.h"

/* libvirt's virDomainDeviceModifyFlags; 0 is "current": live when the
 * domain runs, else the definition */
#define QEMU_AFFECT_LIVE 1
#define QEMU_AFFECT_CONFIG 2
/* virsh's --persistent: live as well when the domain runs */
#define QEMU_AFFECT_LIVE_IF_RUNNING 0x100

/* @alias: the live device's alias (may be NULL) */
gboolean qemuDriverAttachDevice(qemuDriver *drv, const char *nameOrUUID,
                                const char *devXML, unsigned int flags,
                                GPtrArray *warnings, char **alias,
                                GError **errp);
/* libvirt's live detach: the guest gets a few seconds, then the call
 * returns with the removal pending (DEVICE_REMOVED comes when it is done) */
#define QEMU_DETACH_ASYNC G_MAXUINT

/* @timeout: seconds the guest gets to release the device before the call
 * fails, the device staying attached and a DEVICE_REMOVAL_FAILED recorded
 * (0: the supervisor's default, 20 s as Nova waits); QEMU_DETACH_ASYNC:
 * libvirt's behaviour instead */
gboolean qemuDriverDetachDevice(qemuDriver *drv, const char *nameOrUUID,
                                const char *devXML, unsigned int flags,
                                unsigned int timeout, GPtrArray *warnings,
                                GError **errp);
