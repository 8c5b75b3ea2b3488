/*
 * qemu_identity.c: one uid and gid per running domain's QEMU
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "qemu_identity.h"
#include "qemu_status.h"
#include "virerror.h"
#include "virfile.h"

static char *
qemuIdentityPath(const qemuDriverConfig *cfg, const char *file)
{
    return g_build_filename(cfg->runDir, "ids", file, NULL);
}

/* Known to NSS as a user or a group: not ours to hand out */
static gboolean
qemuIdentityKnown(uid_t id)
{
    struct passwd pwbuf, *pw = NULL;
    struct group grbuf, *gr = NULL;
    char buf[4096];

    return (getpwuid_r(id, &pwbuf, buf, sizeof(buf), &pw) == 0 && pw) ||
           (getgrgid_r(id, &grbuf, buf, sizeof(buf), &gr) == 0 && gr);
}

/* Whether domain @owner still has a status (it runs, or its teardown is
 * not finished): then its id is not free */
static gboolean
qemuIdentityInUse(const qemuDriverConfig *cfg, const char *owner)
{
    g_autofree char *status = qemuDomainStatusPath(cfg, owner, "status");

    return g_file_test(status, G_FILE_TEST_EXISTS);
}

/* Takes @path for @name; an existing file whose domain has no status is
 * a leftover and is taken back */
static gboolean
qemuIdentityTake(const qemuDriverConfig *cfg, const char *path,
                 const char *name)
{
    g_autofree char *owner = NULL;
    int fd;

    if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
        if (errno != EEXIST || !(owner = virFileReadValue(path)) ||
            qemuIdentityInUse(cfg, owner))
            return FALSE;
        return virFileWriteAtomic(path, name, NULL);
    }
    if (write(fd, name, strlen(name)) != (ssize_t) strlen(name)) {
        close(fd);
        unlink(path);
        return FALSE;
    }
    close(fd);
    return TRUE;
}

gboolean
qemuIdentityAcquire(const qemuDriverConfig *cfg, const char *name, uid_t *id,
                    GError **errp)
{
    g_autofree char *dir = qemuIdentityPath(cfg, NULL);
    g_autofree char *lockPath = qemuIdentityPath(cfg, ".lock");
    gboolean ok = FALSE;
    uid_t n;
    int lock;

    if (!virFileMakeDirs(dir, errp) ||
        (lock = virFileLockExclusive(lockPath, errp)) < 0)
        return FALSE;
    for (n = cfg->idFirst; n <= cfg->idLast && n >= cfg->idFirst; n++) {
        g_autofree char *file = g_strdup_printf("%u", (unsigned) n);
        g_autofree char *path = qemuIdentityPath(cfg, file);

        if (qemuIdentityKnown(n) || !qemuIdentityTake(cfg, path, name))
            continue;
        *id = n;
        ok = TRUE;
        break;
    }
    close(lock);
    if (!ok)
        virReportError(errp, VIR_ERR_OPERATION_FAILED,
                       "no free QEMU identity for domain '%s' in uid_range "
                       "%u-%u (one per running domain; ids in /etc/passwd or "
                       "/etc/group are skipped): widen uid_range in [qemu] "
                       "of %s", name, (unsigned) cfg->idFirst,
                       (unsigned) cfg->idLast, QEMU_CONF_FILE);
    return ok;
}

char *
qemuIdentityHolder(const qemuDriverConfig *cfg, uid_t id)
{
    g_autofree char *file = g_strdup_printf("%u", (unsigned) id);
    g_autofree char *path = qemuIdentityPath(cfg, file);
    g_autofree char *owner = NULL;

    if (id < cfg->idFirst || id > cfg->idLast || !cfg->idLast ||
        !(owner = virFileReadValue(path)) || !qemuIdentityInUse(cfg, owner))
        return NULL;
    return g_steal_pointer(&owner);
}

void
qemuIdentityRelease(const qemuDriverConfig *cfg, const char *name, uid_t id)
{
    g_autofree char *lockPath = qemuIdentityPath(cfg, ".lock");
    g_autofree char *file = g_strdup_printf("%u", (unsigned) id);
    g_autofree char *path = qemuIdentityPath(cfg, file);
    g_autofree char *owner = NULL;
    int lock;

    if ((lock = virFileLockExclusive(lockPath, NULL)) < 0)
        return;
    if ((owner = virFileReadValue(path)) && g_str_equal(owner, name))
        virFileRemove(path);
    close(lock);
}
