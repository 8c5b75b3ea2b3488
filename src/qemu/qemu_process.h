/*
 * qemu_process.h: start and stop domains (the CLI side of the supervisor)
 */
#pragma once

#include <json-glib/json-glib.h>

#include "qemu_driver.h"

/* Forks the domain's supervisor and waits until QEMU runs with every
 * host device realized (or is paused, with @paused), or until the start
 * failed and was rolled back.  Returns QEMU's pid, -1 with @errp set. */
pid_t qemuProcessStart(qemuDriver *drv, const char *nameOrUUID,
                       gboolean paused, GPtrArray *warnings, GError **errp);

/* Sends one request to the supervisor of @name and returns its "return"
 * member; errors of the supervisor become @errp */
JsonNode *qemuProcessControl(qemuDriver *drv, const char *name,
                             const char *execute, JsonObject *args,
                             GError **errp);

/* Waits until the supervisor of @name has finished its teardown; the
 * reason it recorded goes to *@reason */
gboolean qemuProcessWaitStopped(qemuDriver *drv, const char *name,
                                unsigned int timeoutMs, char **reason,
                                GError **errp);
