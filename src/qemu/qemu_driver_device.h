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
/* the CLI's --persistent: live as well when the domain runs (not passed
 * to the driver) */
#define QEMU_AFFECT_LIVE_IF_RUNNING 0x100

/* @alias: the live device's alias (may be NULL) */
gboolean qemuDriverAttachDevice(qemuDriver *drv, const char *nameOrUUID,
                                const char *devXML, unsigned int flags,
                                GPtrArray *warnings, char **alias,
                                GError **errp);
/* @timeout: seconds the guest gets to release the device (0: 20) */
gboolean qemuDriverDetachDevice(qemuDriver *drv, const char *nameOrUUID,
                                const char *devXML, unsigned int flags,
                                unsigned int timeout, GPtrArray *warnings,
                                GError **errp);
