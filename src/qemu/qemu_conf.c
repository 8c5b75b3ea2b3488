/*
 * qemu_conf.c: where tcevirt keeps its state and how it runs QEMU
 */
#include <config.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "qemu_conf.h"
#include "qemu_command.h"
#include "virenum.h"
#include "virerror.h"

VIR_ENUM_IMPL(qemuFDHandoff, QEMU_FD_HANDOFF_LAST, "auto", "seccomp", "dac");

void
qemuDriverConfigFree(qemuDriverConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->stateDir);
    g_free(cfg->hugepagesDir);
    g_free(cfg->memoryDir);
    g_free(cfg->runDir);
    g_free(cfg->qemuRunDir);
    g_free(cfg->logDir);
    g_free(cfg->user);
    g_free(cfg->groups);
    g_free(cfg);
}

static const char *
qemuConfEnv(const char *name, const char *fallback)
{
    const char *val = g_getenv(name);

    return val && *val ? val : fallback;
}

/* FIRST-LAST, or empty: every QEMU runs as [qemu] user */
static gboolean
qemuDriverConfigParseRange(qemuDriverConfig *cfg, const char *path,
                           const char *val, GError **errp)
{
    g_auto(GStrv) parts = g_strsplit(val, "-", 2);
    guint64 first = 0, last = 0;

    if (!*val) {
        cfg->idFirst = cfg->idLast = 0;
        return TRUE;
    }
    if (g_strv_length(parts) != 2 ||
        !g_ascii_string_to_unsigned(g_strstrip(parts[0]), 10, 1, G_MAXINT32 - 1,
                                    &first, NULL) ||
        !g_ascii_string_to_unsigned(g_strstrip(parts[1]), 10, first,
                                    G_MAXINT32 - 1, &last, NULL)) {
        virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                       "%s: uid_range='%s' must be FIRST-LAST with 1 <= FIRST "
                       "<= LAST < 2147483647 (or empty: every QEMU runs as "
                       "user=)", path, val);
        return FALSE;
    }
    cfg->idFirst = first;
    cfg->idLast = last;
    return TRUE;
}

static gboolean
qemuDriverConfigLoadFile(qemuDriverConfig *cfg, const char *path,
                         gboolean mustExist, GError **errp)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) lerr = NULL;
    g_auto(GStrv) keys = NULL;
    size_t i;

    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &lerr)) {
        if (!mustExist && g_error_matches(lerr, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return TRUE;
        virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                       "cannot read the configuration file %s: %s", path,
                       lerr->message);
        return FALSE;
    }
    keys = g_key_file_get_keys(kf, "qemu", NULL, NULL);
    for (i = 0; keys && keys[i]; i++) {
        g_autofree char *val = g_key_file_get_string(kf, "qemu", keys[i], NULL);
        guint64 num = 0;

        if (g_str_equal(keys[i], "user")) {
            g_free(cfg->user);
            cfg->user = g_steal_pointer(&val);
        } else if (g_str_equal(keys[i], "hugetlbfs_mount")) {
            if (!val || !g_path_is_absolute(val)) {
                virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                               "%s: hugetlbfs_mount='%s' is not an absolute "
                               "path", path, val ? val : "");
                return FALSE;
            }
            g_free(cfg->hugepagesDir);
            cfg->hugepagesDir = g_steal_pointer(&val);
        } else if (g_str_equal(keys[i], "uid_range")) {
            if (!qemuDriverConfigParseRange(cfg, path, val, errp))
                return FALSE;
            cfg->idRangeSet = TRUE;
        } else if (g_str_equal(keys[i], "fd_handoff")) {
            if ((cfg->fdHandoff = qemuFDHandoffTypeFromString(val)) < 0) {
                virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                               "%s: fd_handoff='%s' is not one of auto, "
                               "seccomp, dac", path, val);
                return FALSE;
            }
        } else if (g_str_equal(keys[i], "start_timeout") ||
                   g_str_equal(keys[i], "shutdown_timeout")) {
            if (!g_ascii_string_to_unsigned(val, 10, 1, 3600, &num, NULL)) {
                virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                               "%s: %s='%s' must be a number of seconds "
                               "from 1 to 3600", path, keys[i], val);
                return FALSE;
            }
            if (keys[i][1] == 't')
                cfg->startTimeout = num;
            else
                cfg->shutdownTimeout = num;
        } else {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "%s: unknown key '%s' in [qemu] (known: user, "
                           "uid_range, fd_handoff, start_timeout, "
                           "shutdown_timeout, hugetlbfs_mount)",
                           path, keys[i]);
            return FALSE;
        }
    }
    return TRUE;
}

qemuDriverConfig *
qemuDriverConfigNew(GError **errp)
{
    g_autoptr(qemuDriverConfig) cfg = g_new0(qemuDriverConfig, 1);
    const char *conf = g_getenv("TCEVIRT_CONF");

    cfg->stateDir = g_strdup(qemuConfEnv("TCEVIRT_STATE_DIR", TCEVIRT_STATEDIR));
    cfg->runDir = g_strdup(qemuConfEnv("TCEVIRT_RUN_DIR",
                                       TCEVIRT_RUNSTATEDIR "/tcevirt"));
    cfg->qemuRunDir = g_build_filename(cfg->runDir, "qemu", NULL);
    cfg->logDir = g_build_filename(cfg->stateDir, "log", NULL);
    cfg->memoryDir = g_build_filename(cfg->stateDir, "ram", NULL);
    cfg->hugepagesDir = g_strdup(QEMU_DEFAULT_HUGEPAGES_DIR);
    cfg->user = g_strdup(QEMU_DEFAULT_USER);
    cfg->idFirst = QEMU_DEFAULT_ID_FIRST;
    cfg->idLast = QEMU_DEFAULT_ID_LAST;
    cfg->startTimeout = 30;
    cfg->shutdownTimeout = 120;
    if (!qemuDriverConfigLoadFile(cfg, conf && *conf ? conf : QEMU_CONF_FILE,
                                  conf && *conf, errp))
        return NULL;
    if (g_getenv("TCEVIRT_QEMU_USER")) {
        g_free(cfg->user);
        cfg->user = g_strdup(g_getenv("TCEVIRT_QEMU_USER"));
    }
    cfg->uid = getuid();
    cfg->gid = getgid();
    /* only root can give QEMU another id: without it, the default is off */
    if (geteuid() != 0 && !cfg->idRangeSet)
        cfg->idFirst = cfg->idLast = 0;
    return g_steal_pointer(&cfg);
}

/* QEMU never runs as root: not uid 0, not gid 0, not in group 0 (root
 * bypasses every file check, and the seccomp broker's answers are advice,
 * not a wall: DAC is what keeps QEMU away from /dev/vfio) */
static gboolean
qemuDriverConfigCheckUnprivileged(const qemuDriverConfig *cfg, GError **errp)
{
    const char *who = *cfg->user ? cfg->user : "(empty: the user who starts it)";
    int i;
    gboolean rootGroup = cfg->gid == 0;

    for (i = 0; i < cfg->ngroups; i++)
        rootGroup |= cfg->groups[i] == 0;
    if (cfg->uid != 0 && !rootGroup)
        return TRUE;
    virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                   "QEMU would run with root's privileges (user %s: uid %u, "
                   "gid %u%s); tcevirt never runs QEMU as root: set user= in "
                   "[qemu] of %s (or TCEVIRT_QEMU_USER) to an unprivileged "
                   "account, e.g. 'useradd --system --no-create-home --shell "
                   "/usr/sbin/nologin %s'", who, (unsigned) cfg->uid,
                   (unsigned) cfg->gid,
                   cfg->uid != 0 && cfg->gid != 0 ? ", in group 0" : "",
                   QEMU_CONF_FILE, QEMU_DEFAULT_USER);
    return FALSE;
}

gboolean
qemuDriverConfigResolveUser(qemuDriverConfig *cfg, GError **errp)
{
    struct passwd pwbuf;
    struct passwd *pw = NULL;
    char buf[4096];
    int rc;

    if (!*cfg->user)
        return qemuDriverConfigCheckUnprivileged(cfg, errp);
    if ((rc = getpwnam_r(cfg->user, &pwbuf, buf, sizeof(buf), &pw)) != 0 || !pw) {
        virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                       "the QEMU user '%s' does not exist%s%s; create it with "
                       "'useradd --system --no-create-home --shell "
                       "/usr/sbin/nologin %s' or set user= in [qemu] of %s",
                       cfg->user, rc ? ": " : "", rc ? g_strerror(rc) : "",
                       cfg->user, QEMU_CONF_FILE);
        return FALSE;
    }
    cfg->uid = pw->pw_uid;
    cfg->gid = pw->pw_gid;
    /* its supplementary groups (kvm on most hosts) go with it; NSS is not
     * safe after fork, so they are resolved here */
    cfg->ngroups = 16;
    cfg->groups = g_new0(gid_t, cfg->ngroups);
    if (getgrouplist(cfg->user, cfg->gid, cfg->groups, &cfg->ngroups) < 0) {
        cfg->groups = g_renew(gid_t, cfg->groups, cfg->ngroups);
        if (getgrouplist(cfg->user, cfg->gid, cfg->groups, &cfg->ngroups) < 0)
            cfg->ngroups = 0;
    }
    return qemuDriverConfigCheckUnprivileged(cfg, errp);
}
