/*
 * qemu_teardown.h: leave the host as it was found when a domain stops
 *
 * The same steps whether the supervisor runs them after QEMU exited or the
 * next tcevirt command runs them for a supervisor that died: make sure
 * QEMU is gone, wait until the kernel has released every IOMMU group,
 * reattach managed devices and release the claims, restore the ownership
 * the DAC fallback changed, remove the runtime files and record why the
 * domain stopped.
 */
#pragma once

#include "domain_conf.h"
#include "qemu_conf.h"
#include "qemu_status.h"

/* Sorted, unique IOMMU groups of @def's host devices (from sysfs) */
GArray *qemuDomainHostdevGroups(const virDomainDef *def);

/* @reason: "destroyed", "shutdown", "crashed", "failed".  Steps that fail
 * are reported in @warnings and the rest still run; FALSE if the host
 * could not be restored completely (the status file is then kept, so the
 * next command tries again). */
gboolean qemuTeardown(const qemuDriverConfig *cfg, qemuDomainStatus *st,
                      const char *reason, gboolean wait, GPtrArray *warnings);

/* For a status file whose supervisor is gone: finish the teardown.
 * TRUE when there was nothing to do or it completed.  Without @wait (the
 * read-only queries) nothing blocks: a QEMU still exiting or a group
 * still open is reported in @warnings ("device release pending: group
 * N") and left for the next command. */
gboolean qemuTeardownRecover(const qemuDriverConfig *cfg, const char *name,
                             gboolean wait, GPtrArray *warnings);
