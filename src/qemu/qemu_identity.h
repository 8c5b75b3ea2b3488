/*
 * qemu_identity.h: one uid and gid per running domain's QEMU
 *
 * QEMUs that share a uid can open each other's lent nodes (DAC mode) and
 * signal each other.  So each running domain takes an id N from
 * [qemu] uid_range in qemu.conf and its QEMU runs as uid N, gid N (plus
 * the supplementary groups of [qemu] user, for /dev/kvm).  An id is taken
 * by creating RUNDIR/ids/N (O_EXCL, under RUNDIR/ids/.lock) holding the
 * domain's name, recorded in the domain's status before QEMU runs and
 * released by its teardown, so recovery after a crash finds and frees
 * it.  Ids that /etc/passwd or /etc/group (NSS) know are skipped; a file
 * whose domain has no status left (a supervisor killed between taking
 * the id and recording it) is taken back.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "qemu_conf.h"

/* The lowest free id of the range for domain @name */
gboolean qemuIdentityAcquire(const qemuDriverConfig *cfg, const char *name,
                             uid_t *id, GError **errp);
/* The domain that holds @id now, or NULL */
char *qemuIdentityHolder(const qemuDriverConfig *cfg, uid_t id);
/* Frees @id if it is still @name's (a second teardown after a crash may
 * find it taken by another domain since) */
void qemuIdentityRelease(const qemuDriverConfig *cfg, const char *name,
                         uid_t id);
