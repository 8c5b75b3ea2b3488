/*
 * qemu_supervisor.c: the per-domain supervisor, QEMU's parent
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "qemu_supervisor_priv.h"
#include "qemu_hotplug.h"
#include "qemu_command.h"
#include "qemu_identity.h"
#include "qemu_monitor.h"
#include "qemu_status.h"
#include "qemu_tce.h"
#include "qemu_teardown.h"
#include "virerror.h"
#include "virfile.h"
#include "virhostdev.h"
#include "virprocess.h"
#include "virseccomp.h"
#include "virvfio.h"
#include "qemu_memlock.h"
#include "viruuid.h"

#define QEMU_QUIT_WAIT_MS 3000          /* quit, then SIGTERM */
#define QEMU_TERM_WAIT_MS 5000          /* SIGTERM, then SIGKILL */
#define QEMU_LOG_ROTATE_BYTES (8 << 20)  /* a domain log past it: NAME.log.1 */


char *
qemuSupervisorControlPath(const qemuDriverConfig *cfg, const char *name)
{
    return qemuDomainStatusPath(cfg, name, "ctl");
}

void
qemuSupervisorLog(qemuSupervisor *sv, const char *fmt, ...)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *stamp = g_date_time_format(now, "%F %T");
    g_autofree char *msg = NULL;
    g_autofree char *line = NULL;
    va_list ap;

    if (sv->logFd < 0)
        return;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    line = g_strdup_printf("%s.%03d+0000: tcevirt: %s\n", stamp,
                           g_date_time_get_microsecond(now) / 1000, msg);
    if (write(sv->logFd, line, strlen(line)) < 0)
        return;
}

static void
qemuSupervisorBrokerLog(const char *line, void *opaque)
{
    qemuSupervisorLog(opaque, "%s", line);
}

static gpointer
qemuSupervisorBrokerThread(gpointer opaque)
{
    qemuSupervisor *sv = opaque;
    struct pollfd pfd = { .fd = virSeccompBrokerGetFD(sv->broker), .events = POLLIN };
    g_autoptr(GError) err = NULL;

    while (!g_atomic_int_get(&sv->stopBroker)) {
        int rc = poll(&pfd, 1, 100);

        if (rc < 0 && errno != EINTR) {
            virReportSystemError(&err, errno, "cannot poll the seccomp listener");
            break;
        }
        if (rc <= 0)
            continue;
        /* QEMU is gone: nothing left to answer */
        if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
            break;
        if (virProcessTestFault("seccomp-broker"))
            virReportError(&err, VIR_ERR_INTERNAL_ERROR, "test fault");
        if (err || !virSeccompBrokerHandle(sv->broker, &err))
            break;
    }
    /* QEMU's next trapped open would wait for an answer forever: it dies
     * instead, and the domain stops as crashed */
    if (err) {
        qemuSupervisorLog(sv, "seccomp listener failed: %s", err->message);
        qemuSupervisorLog(sv, "the seccomp broker stopped; killing QEMU, whose "
                          "opens it can no longer answer");
        if (sv->pidfd >= 0)
            syscall(SYS_pidfd_send_signal, sv->pidfd, SIGKILL, NULL, 0);
    }
    return NULL;
}

gboolean
qemuSupervisorSaveStatus(qemuSupervisor *sv, int state, const char *reason)
{
    g_autoptr(GError) err = NULL;

    char *old = sv->st->reason;

    sv->st->state = state;
    sv->st->reason = g_strdup(reason);      /* @reason may be the old one */
    g_free(old);
    if (!qemuDomainStatusSave(sv->p->cfg, sv->st, &err)) {
        qemuSupervisorLog(sv, "%s", err->message);
        return FALSE;
    }
    return TRUE;
}

/* ---- lending files to QEMU's uid, recorded to be given back ---- */

gboolean
qemuSupervisorLend(qemuSupervisor *sv, const char *path,
                   const struct stat *sb, mode_t mode, const char *what,
                   GError **errp)
{
    qemuStatusOwner *own;

    /* lent already: the record keeps the first owner */
    if (qemuDomainStatusFindOwner(sv->st, path) >= 0)
        return TRUE;
    own = g_new0(qemuStatusOwner, 1);
    own->path = g_strdup(path);
    own->uid = sb->st_uid;
    own->gid = sb->st_gid;
    own->mode = sb->st_mode & 07777;
    g_ptr_array_add(sv->st->owners, own);
    /* recorded before it is changed */
    if (!qemuDomainStatusSave(sv->p->cfg, sv->st, errp))
        return FALSE;
    if (chown(path, sv->uid, sv->gid) < 0 ||
        (own->mode != mode && chmod(path, mode) < 0)) {
        virReportSystemError(errp, errno, "cannot give %s to QEMU's uid %u "
                             "of domain '%s'", path, (unsigned) sv->uid,
                             sv->st->name);
        return FALSE;
    }
    qemuSupervisorLog(sv, "lent %s to uid %u%s (was %u:%u %04o)", path,
                      (unsigned) sv->uid, what, (unsigned) own->uid,
                      (unsigned) own->gid, own->mode);
    return TRUE;
}

/* ---- DAC fallback: lend the group nodes to QEMU's uid ---- */

gboolean
qemuSupervisorLendGroups(qemuSupervisor *sv, GArray *groups, GError **errp)
{
    guint i;

    for (i = 0; i < groups->len; i++) {
        g_autofree char *path = virVFIOGroupPath(g_array_index(groups, int, i));
        struct stat sb;

        if (stat(path, &sb) < 0) {
            virReportSystemError(errp, errno, "cannot stat %s", path);
            return FALSE;
        }
        if (!qemuSupervisorLend(sv, path, &sb, 0600, "", errp))
            return FALSE;
    }
    return TRUE;
}

/* ---- QEMU's output: through the supervisor into the rotated log ---- */

/* A log past QEMU_LOG_ROTATE_BYTES becomes NAME.log.1 (replacing the
 * older one) and writing goes on in a new NAME.log, on the same fd */
static void
qemuSupervisorRotateLog(const char *path, int fd)
{
    g_autofree char *old = g_strdup_printf("%s.1", path);
    g_autofree char *dir = g_path_get_dirname(path);
    struct stat sb;
    int nfd;

    if ((fd >= 0 ? fstat(fd, &sb) : stat(path, &sb)) < 0 ||
        sb.st_size <= QEMU_LOG_ROTATE_BYTES || rename(path, old) < 0)
        return;
    if (fd >= 0 &&
        (nfd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) >= 0) {
        dup3(nfd, fd, O_CLOEXEC);
        close(nfd);
    }
    virFileSyncDir(dir);
}

/* Copies QEMU's stdout and stderr into the domain log until QEMU and
 * everything it forked closed them, or for at most a second once asked to
 * stop (a descendant of QEMU may hold them forever); rotating as it goes,
 * so a QEMU that writes without end fills no disk */
static gpointer
qemuSupervisorLogThread(gpointer opaque)
{
    qemuSupervisor *sv = opaque;
    gint64 stopBy = 0;
    char buf[16384];

    for (;;) {
        struct pollfd pfd = { .fd = sv->qemuOut, .events = POLLIN };
        ssize_t n;
        int r;

        if (g_atomic_int_get(&sv->stopLog)) {
            if (!stopBy)
                stopBy = g_get_monotonic_time() + G_USEC_PER_SEC;
            else if (g_get_monotonic_time() > stopBy)
                break;
        }
        if ((r = poll(&pfd, 1, 100)) < 0 && errno != EINTR)
            break;
        if (r <= 0) {
            if (stopBy)
                break;
            continue;
        }
        if ((n = read(sv->qemuOut, buf, sizeof(buf))) < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            break;
        }
        if (n == 0)
            break;
        if (write(sv->logFd, buf, n) < 0)
            continue;
        qemuSupervisorRotateLog(sv->logPath, sv->logFd);
    }
    return NULL;
}

/* Everything QEMU wrote is in the log once this returns (QEMU is gone) */
static void
qemuSupervisorLogStop(qemuSupervisor *sv)
{
    if (sv->logThread) {
        g_atomic_int_set(&sv->stopLog, 1);
        g_thread_join(sv->logThread);
        sv->logThread = NULL;
    }
    if (sv->qemuOut >= 0) {
        close(sv->qemuOut);
        sv->qemuOut = -1;
    }
}

/* ---- the files QEMU opens itself: lent to its uid, given back ---- */

/* Lends @path to QEMU's uid for @write (else reading) unless it can
 * already do that as anyone; the owner and mode are recorded in the
 * status before they change.  A file missing that QEMU writes (a file
 * chardev) is created root-only first. */
static gboolean
qemuSupervisorLendFile(qemuSupervisor *sv, const char *path, gboolean write,
                       GError **errp)
{
    const qemuDriverConfig *cfg = sv->p->cfg;
    g_autofree char *holder = NULL;
    mode_t need = write ? 0600 : 0400;
    struct stat sb;

    if (stat(path, &sb) < 0 && write && errno == ENOENT) {
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

        if (fd >= 0)
            close(fd);
    }
    if (stat(path, &sb) < 0) {
        virReportSystemError(errp, errno, "cannot stat %s, which QEMU of "
                             "domain '%s' must open", path, sv->st->name);
        return FALSE;
    }
    if (!write && (sb.st_mode & S_IROTH))
        return TRUE;
    if ((holder = qemuIdentityHolder(cfg, sb.st_uid)) &&
        !g_str_equal(holder, sv->st->name)) {
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "%s belongs to domain '%s' (its QEMU uid %u) while "
                       "that runs; give domain '%s' its own copy%s",
                       path, holder, (unsigned) sb.st_uid, sv->st->name,
                       write ? "" : ", or make it readable by all");
        return FALSE;
    }
    return qemuSupervisorLend(sv, path, &sb, (sb.st_mode & 07777) | need,
                              write ? " for writing" : " for reading", errp);
}

static gboolean
qemuSupervisorLendChrs(qemuSupervisor *sv, GPtrArray *chrs, GError **errp)
{
    guint i;

    for (i = 0; i < chrs->len; i++) {
        virDomainChrDef *chr = g_ptr_array_index(chrs, i);

        if (chr->type == VIR_DOMAIN_CHR_TYPE_FILE && chr->path &&
            !qemuSupervisorLendFile(sv, chr->path, TRUE, errp))
            return FALSE;
        if (chr->logFile && !qemuSupervisorLendFile(sv, chr->logFile, TRUE, errp))
            return FALSE;
    }
    return TRUE;
}

/* Disk images, file chardevs and their logs, kernel and initrd: what QEMU
 * opens by path as its own uid (only with per-domain ids: a shared QEMU
 * user owns its files as the administrator arranged) */
static gboolean
qemuSupervisorLendFiles(qemuSupervisor *sv, GError **errp)
{
    const virDomainDef *def = sv->p->def;
    guint i;

    if (!sv->st->qemuUid)
        return TRUE;
    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (disk->src && *disk->src &&
            !qemuSupervisorLendFile(sv, disk->src, !disk->readonly, errp))
            return FALSE;
    }
    if ((def->os.kernel && !qemuSupervisorLendFile(sv, def->os.kernel, FALSE, errp)) ||
        (def->os.initrd && !qemuSupervisorLendFile(sv, def->os.initrd, FALSE, errp)))
        return FALSE;
    return qemuSupervisorLendChrs(sv, def->serials, errp) &&
           qemuSupervisorLendChrs(sv, def->consoles, errp) &&
           qemuSupervisorLendChrs(sv, def->channels, errp);
}

/* The directory QEMU creates its file-backed RAM in: its parent root's
 * and only traversable (STATEDIR/ram, and STATEDIR itself, whose other
 * directories stay 0700; or HUGETLBFS/tcevirt), the directory given to
 * the domain's uid alone; removed at teardown */
static gboolean
qemuSupervisorMemoryDir(qemuSupervisor *sv, const qemuCommandConfig *ccfg,
                        GError **errp)
{
    const qemuDriverConfig *cfg = sv->p->cfg;
    g_autofree char *path = qemuDomainMemoryPath(sv->p->def, ccfg);
    g_autofree char *parent = NULL;
    struct stat sb;

    if (!path)
        return TRUE;
    parent = g_path_get_dirname(path);
    if (!virFileMakeDirs(parent, errp))
        return FALSE;
    if (chmod(parent, 0711) < 0 ||
        (g_str_equal(parent, cfg->memoryDir) && chmod(cfg->stateDir, 0711) < 0))
        goto error;
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        goto error;
    if (lstat(path, &sb) < 0)
        goto error;
    if (!S_ISDIR(sb.st_mode)) {
        errno = ENOTDIR;
        goto error;
    }
    if (chown(path, sv->uid, sv->gid) < 0 || chmod(path, 0700) < 0)
        goto error;
    return TRUE;

 error:
    virReportSystemError(errp, errno, "cannot make %s, where QEMU of domain "
                         "'%s' keeps its guest RAM, a directory of its own; "
                         "check that %s exists and is writable by root",
                         path, sv->st->name, parent);
    return FALSE;
}

/* ---- starting QEMU ---- */

typedef struct {
    int stage;
    int err;
} qemuSupervisorExecError;

enum {
    QEMU_EXEC_STAGE_RLIMIT = 1,
    QEMU_EXEC_STAGE_USER,
    QEMU_EXEC_STAGE_SECCOMP,
    QEMU_EXEC_STAGE_EXEC,
};

static void G_GNUC_NORETURN
qemuSupervisorChild(qemuSupervisor *sv, char **argv, int seccompSock,
                    int errPipe, int monFd, int out)
{
    qemuSupervisorExecError e = { 0, 0 };
    int null = open("/dev/null", O_RDONLY);

    if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
        _exit(126);
    signal(SIGPIPE, SIG_DFL);       /* ignored dispositions survive exec */
    /* QEMU's QMP listening socket (-chardev socket,fd=N), and those of its
     * listening unix chardevs */
    if (fcntl(monFd, F_SETFD, 0) < 0)
        _exit(126);
    if (sv->chrFds) {
        GHashTableIter it;
        gpointer fd;

        g_hash_table_iter_init(&it, sv->chrFds);
        while (g_hash_table_iter_next(&it, NULL, &fd)) {
            if (fcntl(GPOINTER_TO_INT(fd), F_SETFD, 0) < 0)
                _exit(126);
        }
    }
    setsid();
    if (sv->memlock) {
        struct rlimit rl = { sv->memlock, sv->memlock };

        if (sv->memlock == G_MAXUINT64)
            rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
        if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0) {
            e = (qemuSupervisorExecError) { QEMU_EXEC_STAGE_RLIMIT, errno };
            goto fail;
        }
    }
    /* as root: always exactly the groups chosen, never the caller's */
    if (geteuid() == 0 || sv->uid != geteuid() || sv->gid != getegid()) {
        if (setgroups(sv->ngroups, sv->groups) < 0 || setgid(sv->gid) < 0 ||
            setuid(sv->uid) < 0) {
            e = (qemuSupervisorExecError) { QEMU_EXEC_STAGE_USER, errno };
            goto fail;
        }
    }
    /* after the credential change, which clears it */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1)
        _exit(126);
    if (seccompSock >= 0) {
        int rc = virSeccompNotifyInstall(seccompSock);

        if (rc < 0) {
            e = (qemuSupervisorExecError) { QEMU_EXEC_STAGE_SECCOMP, -rc };
            goto fail;
        }
    } else {
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    }
    execv(argv[0], argv);
    e = (qemuSupervisorExecError) { QEMU_EXEC_STAGE_EXEC, errno };
 fail:
    if (write(errPipe, &e, sizeof(e)) < 0)
        _exit(127);
    _exit(127);
}

static gboolean
qemuSupervisorExecFailed(const qemuSupervisorExecError *e, const char *emulator,
                         const qemuDriverConfig *cfg, uid_t uid,
                         guint64 memlock, GError **errp)
{
    switch (e->stage) {
    case QEMU_EXEC_STAGE_RLIMIT: {
        struct rlimit rl = { 0, 0 };

        getrlimit(RLIMIT_MEMLOCK, &rl);
        virReportSystemError(errp, e->err, "cannot raise QEMU's locked-memory "
                             "limit to %" G_GUINT64_FORMAT " KiB (the hard "
                             "limit here is %llu KiB): tcevirt needs "
                             "CAP_SYS_RESOURCE for that, or a lower "
                             "<memtune><hard_limit>", memlock / 1024,
                             rl.rlim_max == RLIM_INFINITY ? 0ULL :
                             (unsigned long long) rl.rlim_max / 1024);
        break;
    }
    case QEMU_EXEC_STAGE_USER:
        virReportSystemError(errp, e->err, "cannot switch QEMU to uid %u "
                             "(user '%s', uid_range); run tcevirt as root, or "
                             "set user= and an empty uid_range= in "
                             QEMU_CONF_FILE, (unsigned) uid, cfg->user);
        break;
    case QEMU_EXEC_STAGE_SECCOMP:
        virReportSystemError(errp, e->err, "cannot install the seccomp "
                             "filter that hands QEMU its VFIO files; set "
                             "fd_handoff=dac in " QEMU_CONF_FILE);
        break;
    default:
        virReportSystemError(errp, e->err, "cannot execute the emulator %s",
                             emulator);
        break;
    }
    return FALSE;
}

/* QEMU's own error lines since @offset, for the start error */
static char *
qemuSupervisorQEMUErrors(qemuSupervisor *sv, off_t offset)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autofree char *buf = g_malloc0(8192);
    g_auto(GStrv) lines = NULL;
    ssize_t n = pread(sv->logFd, buf, 8191, offset);
    size_t i;

    if (n <= 0)
        return NULL;
    lines = g_strsplit(buf, "\n", -1);
    for (i = 0; lines[i]; i++) {
        if (!*lines[i] || strstr(lines[i], ": tcevirt: "))
            continue;
        if (out->len)
            g_string_append(out, "; ");
        g_string_append(out, g_strstrip(lines[i]));
    }
    return out->len ? g_strdup(out->str) : NULL;
}

/* What we know about a failed start that QEMU's text does not say */
static const char *
qemuSupervisorDiagnose(const char *qemuText)
{
    if (!qemuText)
        return NULL;
    if (strstr(qemuText, "/dev/vfio/") && strstr(qemuText, "Permission denied"))
        return "QEMU runs without access to /dev/vfio; the supervisor hands "
               "it the files of the domain's own IOMMU groups only, so the "
               "device's group is not one of them (check `tcevirt "
               "nodedev-list --details`)";
    if (strstr(qemuText, "Cannot allocate memory") ||
        strstr(qemuText, "locked memory"))
        return "the locked-memory limit was too low for what the kernel "
               "charged; see `tcevirt memlock` and raise "
               "<memtune><hard_limit> if it is set";
    if (strstr(qemuText, "not viable") || strstr(qemuText, "viable"))
        return "a device of the IOMMU group is bound to a host driver; "
               "`tcevirt nodedev-preflight BDF` names it";
    if (strstr(qemuText, "Function not implemented"))
        return "the seccomp listener was gone while QEMU opened a file";
    return NULL;
}

static gboolean
qemuSupervisorWaitChildExit(qemuSupervisor *sv, int *status, int timeoutMs)
{
    struct pollfd pfd = { .fd = sv->pidfd, .events = POLLIN };

    if (sv->pid <= 0)
        return TRUE;
    if (poll(&pfd, 1, timeoutMs) <= 0)
        return FALSE;
    if (waitpid(sv->pid, status, 0) == sv->pid) {
        sv->pid = 0;
        return TRUE;
    }
    return FALSE;
}

/* QEMU listens on the socket the supervisor made and handed it (its
 * -chardev socket,fd=N): one connect, which the kernel queues until QEMU
 * accepts, then QEMU's greeting.  A QEMU that exits resets the queued
 * connection, so this returns at once with QEMU's own words. */
static gboolean
qemuSupervisorConnect(qemuSupervisor *sv, const char *monPath, off_t logStart,
                      GError **errp)
{
    g_autoptr(GError) lerr = NULL;
    int status;

    if ((sv->mon = qemuMonitorOpen(monPath, sv->p->cfg->startTimeout * 1000,
                                   &lerr)))
        return TRUE;
    if (qemuSupervisorWaitChildExit(sv, &status, 1000)) {
        g_autofree char *text = NULL;
        const char *why;

        qemuSupervisorLogStop(sv);
        text = qemuSupervisorQEMUErrors(sv, logStart);
        why = qemuSupervisorDiagnose(text);

        virReportError(errp, VIR_ERR_INTERNAL_ERROR,
                       "QEMU exited while starting domain '%s' (%s %d): "
                       "%s%s%s", sv->st->name,
                       WIFSIGNALED(status) ? "signal" : "status",
                       WIFSIGNALED(status) ? WTERMSIG(status) :
                       WEXITSTATUS(status),
                       text ? text : "no output",
                       why ? "; " : "", why ? why : "");
        return FALSE;
    }
    virReportError(errp, VIR_ERR_OPERATION_TIMEOUT,
                   "QEMU of domain '%s' did not answer on its monitor "
                   "%s within %u s (%s); raise start_timeout in "
                   QEMU_CONF_FILE " if the host is slow",
                   sv->st->name, monPath, sv->p->cfg->startTimeout,
                   lerr->message);
    return FALSE;
}

/* The QMP listening socket QEMU inherits, bound to @path (a stale socket
 * file of an earlier run is replaced) */
static int
qemuSupervisorMonitorListen(const char *path, GError **errp)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        virReportError(errp, VIR_ERR_INVALID_ARG,
                       "QEMU monitor path %s is longer than a unix socket "
                       "path may be; use a shorter run directory", path);
        return -1;
    }
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    unlink(path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 ||
        listen(fd, 1) < 0) {
        virReportSystemError(errp, errno, "cannot listen on the QEMU monitor "
                             "socket %s", path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static void
qemuSupervisorCloseFd(gpointer fd)
{
    close(GPOINTER_TO_INT(fd));
}

/* The listening unix chardevs (serial, virtio console, channel with
 * <source mode='bind' path>): bound here, as root, and handed to QEMU by
 * fd, so that QEMU's own uid needs no right to their directories; a
 * socket left from before is replaced, any other file is not.  The
 * sockets are root's (0755 by the umask: only root connects); the
 * teardown removes them. */
static gboolean
qemuSupervisorChrListen(qemuSupervisor *sv, GHashTable *fds, GError **errp)
{
    const virDomainDef *def = sv->p->def;
    g_autoptr(GPtrArray) chrs = g_ptr_array_new();
    guint i;

    /* what qemuBuildChardevs() gives a backend: a serial console is its
     * serial port */
    for (i = 0; i < def->serials->len; i++)
        g_ptr_array_add(chrs, g_ptr_array_index(def->serials, i));
    for (i = 0; i < def->consoles->len; i++) {
        virDomainChrDef *chr = g_ptr_array_index(def->consoles, i);

        if (chr->targetType == VIR_DOMAIN_CHR_TARGET_VIRTIO)
            g_ptr_array_add(chrs, chr);
    }
    for (i = 0; i < def->channels->len; i++)
        g_ptr_array_add(chrs, g_ptr_array_index(def->channels, i));

    for (i = 0; i < chrs->len; i++) {
        const virDomainChrDef *chr = g_ptr_array_index(chrs, i);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        struct stat sb;
        int fd;

        if (chr->type != VIR_DOMAIN_CHR_TYPE_UNIX || !chr->listen ||
            !chr->path || g_hash_table_contains(fds, chr->path))
            continue;
        if (strlen(chr->path) >= sizeof(sa.sun_path)) {
            virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                           "unix socket path %s of %s of domain '%s' is "
                           "longer than %zu bytes; choose a shorter path",
                           chr->path, chr->info.alias, def->name,
                           sizeof(sa.sun_path) - 1);
            return FALSE;
        }
        if (lstat(chr->path, &sb) == 0) {
            if (!S_ISSOCK(sb.st_mode)) {
                virReportError(errp, VIR_ERR_OPERATION_INVALID,
                               "%s, the unix socket of %s of domain '%s', "
                               "exists and is not a socket; remove it or "
                               "choose another path", chr->path,
                               chr->info.alias, def->name);
                return FALSE;
            }
            unlink(chr->path);
        }
        g_strlcpy(sa.sun_path, chr->path, sizeof(sa.sun_path));
        if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
            bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 ||
            listen(fd, 8) < 0) {
            virReportSystemError(errp, errno, "cannot listen on %s, the unix "
                                 "socket of %s of domain '%s'; check that its "
                                 "directory exists", chr->path,
                                 chr->info.alias, def->name);
            if (fd >= 0)
                close(fd);
            return FALSE;
        }
        g_hash_table_insert(fds, g_strdup(chr->path), GINT_TO_POINTER(fd));
    }
    return TRUE;
}

static gboolean
qemuSupervisorCheckRealized(qemuSupervisor *sv, GError **errp)
{
    const virDomainDef *def = sv->p->def;
    size_t i;

    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(def->hostdevs, i);
        gboolean realized = FALSE;

        if (!qemuMonitorGetRealized(sv->mon, h->info.alias, &realized, errp))
            return FALSE;
        if (!realized) {
            g_autofree char *bdf = virPCIDeviceAddressAsString(&h->source);

            virReportError(errp, VIR_ERR_INTERNAL_ERROR,
                           "QEMU did not realize host device %s (%s) of "
                           "domain '%s'", bdf, h->info.alias, sv->st->name);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
qemuSupervisorMemlock(qemuSupervisor *sv, const virDomainDef *def,
                      GArray *groups, guint64 *limit, GError **errp)
{
    g_auto(qemuMemLock) ml = { 0 };
    qemuMemLockHost host = sv->memlockHost;

    if (!host.pageSize)
        qemuMemLockHostFromSystem(&host);
    if (!qemuMemLockHostReadGroups(&host, (const int *) groups->data,
                                   groups->len, errp) ||
        !qemuDomainGetMemLockLimit(def, &host, &ml, errp))
        return FALSE;
    if (groups->len) {
        g_autofree char *sizes = virVFIOPageSizesFormat(host.iommuPageSizes);

        qemuSupervisorLog(sv, "IOMMU of the host devices' groups "
                          "(VFIO_IOMMU_SPAPR_TCE_GET_INFO): sPAPR TCE %s, "
                          "TCE page sizes %s, at most %u levels",
                          host.iommuV1 ? "v1" : "v2", sizes, host.tceLevels);
    }
    if (ml.warning) {
        qemuSupervisorLog(sv, "warning: %s", ml.warning);
        g_ptr_array_add(sv->warnings, g_strdup(ml.warning));
    }
    sv->memlockHost = host;
    *limit = ml.source == QEMU_MEMLOCK_SOURCE_NONE ? 0 : ml.limit;
    return TRUE;
}

static gboolean
qemuSupervisorLaunch(qemuSupervisor *sv, GError **errp)
{
    const qemuDriverConfig *cfg = sv->p->cfg;
    const virDomainDef *def = sv->p->def;
    qemuCommandConfig ccfg = { .runDir = cfg->qemuRunDir,
                               .hugepagesDir = cfg->hugepagesDir,
                               .memoryDir = cfg->memoryDir };
    g_autoptr(GArray) groups = qemuDomainHostdevGroups(def);
    g_autoptr(virHostdevManager) mgr = NULL;
    g_autoptr(GPtrArray) report = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *domDir = g_build_filename(cfg->qemuRunDir, def->name, NULL);
    g_autofree char *monPath = NULL;
    g_autofree char *cmd = NULL;
    g_auto(GStrv) argv = NULL;
    g_autoptr(GStrvBuilder) argvb = g_strv_builder_new();
    qemuSupervisorExecError e = { 0, 0 };
    g_autoptr(GError) recvErr = NULL;
    int sv2[2] = { -1, -1 };
    int errPipe[2] = { -1, -1 };
    int out[2] = { -1, -1 };
    g_autoptr(GHashTable) chrFds = g_hash_table_new_full(g_str_hash,
                                                         g_str_equal, g_free,
                                                         qemuSupervisorCloseFd);
    int monFd = -1;
    off_t logStart;
    gboolean seccomp = sv->p->handoff == QEMU_FD_HANDOFF_SECCOMP;
    gboolean ok = FALSE;
    guint i;
    ssize_t n;

    {
        g_autofree gid_t *gids = g_new0(gid_t, sv->ngroups + 1);

        gids[0] = sv->gid;
        memcpy(gids + 1, sv->groups, sv->ngroups * sizeof(gid_t));
        if (!virVFIONodesCheckClosed(sv->uid, gids, sv->ngroups + 1, errp))
            return FALSE;
    }
    if (def->hostdevs->len) {
        if (!(mgr = virHostdevManagerNew(cfg->stateDir, errp)) ||
            !virHostdevRecover(mgr, report, errp) ||
            !virHostdevPrepareDomain(mgr, def, errp))
            return FALSE;
        virProcessCrashPoint("hostdevs-prepared");
        for (i = 0; i < report->len; i++)
            qemuSupervisorLog(sv, "%s", (char *) g_ptr_array_index(report, i));
        if (!seccomp && !qemuSupervisorLendGroups(sv, groups, errp))
            return FALSE;
    }
    if (!qemuSupervisorMemlock(sv, def, groups, &sv->memlock, errp))
        return FALSE;
    if (!qemuSupervisorLendFiles(sv, errp) ||
        !qemuSupervisorMemoryDir(sv, &ccfg, errp) ||
        !virFileMakeDirs(domDir, errp))
        return FALSE;
    if (chown(domDir, sv->uid, sv->gid) < 0) {
        virReportSystemError(errp, errno, "cannot give %s to the QEMU user",
                             domDir);
        return FALSE;
    }
    monPath = qemuDomainMonitorPath(def, &ccfg);
    if (!qemuSupervisorChrListen(sv, chrFds, errp) ||
        (monFd = qemuSupervisorMonitorListen(monPath, errp)) < 0)
        return FALSE;
    ccfg.monitorFd = monFd;
    ccfg.chrFds = chrFds;
    sv->chrFds = chrFds;
    if (!(argv = qemuBuildCommandLine(def, &ccfg, errp)))
        goto cleanup;
    /* the trace events domtce reads back from the log */
    g_strv_builder_addv(argvb, (const char **) argv);
    if (def->hostdevs->len) {
        g_strv_builder_add_many(argvb, "-trace", "enable=vfio_spapr_create_window",
                                "-trace", "enable=vfio_spapr_group_attach", NULL);
    }
    g_strfreev(argv);
    argv = g_strv_builder_end(argvb);
    cmd = qemuCommandLineFormat(argv);
    qemuSupervisorLog(sv, "starting QEMU (fd handoff: %s, memlock %"
                      G_GUINT64_FORMAT " bytes, user %u):\n%s",
                      seccomp ? "seccomp" : "dac", sv->memlock,
                      (unsigned) sv->uid, cmd);
    /* QEMU's own words start here */
    logStart = lseek(sv->logFd, 0, SEEK_END);
    if ((seccomp && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv2) < 0) ||
        pipe2(errPipe, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
        virReportSystemError(errp, errno, "cannot create the pipes to start QEMU");
        goto cleanup;
    }
    if ((sv->pid = fork()) < 0) {
        virReportSystemError(errp, errno, "cannot fork QEMU");
        goto cleanup;
    }
    if (sv->pid == 0)
        qemuSupervisorChild(sv, argv, sv2[1], errPipe[1], monFd, out[1]);
    /* QEMU holds the listening socket now: if it dies, a connection
     * waiting to be accepted is reset instead of waiting forever */
    close(monFd);
    monFd = -1;
    close(errPipe[1]);
    errPipe[1] = -1;
    close(out[1]);
    out[1] = -1;
    sv->qemuOut = out[0];
    out[0] = -1;
    sv->logThread = g_thread_new("log", qemuSupervisorLogThread, sv);
    virProcessCrashPoint("qemu-forked");
    sv->pidfd = syscall(SYS_pidfd_open, sv->pid, 0);
    /* the kernel's own word on the TCE attach, for domtce; QEMU is still
     * loading its libraries, far from its VFIO setup */
    if (def->hostdevs->len && def->virtType == VIR_DOMAIN_VIRT_KVM) {
        g_autofree char *why = NULL;

        if (qemuTCEArmEvidence(def->name, sv->pid, &why))
            qemuSupervisorLog(sv, "kernel evidence: kprobe on "
                              "kvm_spapr_tce_attach_iommu_group armed for "
                              "QEMU pid %d", (int) sv->pid);
        else
            qemuSupervisorLog(sv, "kernel evidence unavailable: %s; domtce "
                              "will say 'unverified'", why);
    }
    if (seccomp) {
        int listener;

        close(sv2[1]);
        sv2[1] = -1;
        if ((listener = virSeccompNotifyReceive(sv2[0], &recvErr)) < 0)
            goto exec_error;
        if (!(sv->broker = virSeccompBrokerNew(listener, "/dev/vfio",
                                               (const unsigned int *) groups->data,
                                               groups->len, errp))) {
            close(listener);
            goto cleanup;
        }
        virSeccompBrokerSetLog(sv->broker, qemuSupervisorBrokerLog, sv);
        sv->brokerThread = g_thread_new("seccomp", qemuSupervisorBrokerThread, sv);
    }
 exec_error:
    while ((n = read(errPipe[0], &e, sizeof(e))) < 0 && errno == EINTR)
        ;
    if (n == sizeof(e)) {
        /* what the child says beats "it sent no listener" */
        qemuSupervisorExecFailed(&e, argv[0], cfg, sv->uid, sv->memlock,
                                 errp);
        goto cleanup;
    }
    if (recvErr) {
        g_propagate_error(errp, g_steal_pointer(&recvErr));
        goto cleanup;
    }
    if (seccomp && !sv->broker)
        goto cleanup;
    sv->st->qemuPid = sv->pid;
    sv->st->qemuStart = virProcessGetStartTime(sv->pid);
    qemuSupervisorSaveStatus(sv, QEMU_STATE_STARTING, "booting");
    if (!qemuSupervisorConnect(sv, monPath, logStart, errp) ||
        !qemuSupervisorCheckRealized(sv, errp))
        goto cleanup;
    virProcessCrashPoint("qemu-realized");
    if (!sv->p->paused && !qemuMonitorCont(sv->mon, errp))
        goto cleanup;
    ok = TRUE;
 cleanup:
    for (i = 0; i < 2; i++) {
        if (sv2[i] >= 0)
            close(sv2[i]);
        if (errPipe[i] >= 0)
            close(errPipe[i]);
        if (out[i] >= 0)
            close(out[i]);
    }
    if (monFd >= 0)
        close(monFd);
    /* QEMU holds them, or start failed: the hash table closes ours */
    sv->chrFds = NULL;
    return ok;
}

/* ---- stopping QEMU ---- */

static void
qemuSupervisorStopQEMU(qemuSupervisor *sv, const char *reason)
{
    g_autoptr(GError) err = NULL;

    if (sv->killStage || sv->pid <= 0)
        return;
    sv->reason = reason;
    qemuSupervisorSaveStatus(sv, QEMU_STATE_STOPPING, reason);
    qemuSupervisorLog(sv, "stopping QEMU (%s)", reason);
    sv->killStage = 1;
    sv->killAt = g_get_monotonic_time() + QEMU_QUIT_WAIT_MS * G_TIME_SPAN_MILLISECOND;
    if (sv->mon) {
        g_autoptr(JsonNode) ret = NULL;

        /* a short wait: a QEMU that does not answer is escalated */
        ret = qemuMonitorCommand(sv->mon, "quit", NULL, 500, &err);
    } else {
        sv->killStage = 2;
        kill(sv->pid, SIGTERM);
        sv->killAt = g_get_monotonic_time() + QEMU_TERM_WAIT_MS * G_TIME_SPAN_MILLISECOND;
    }
}

static void
qemuSupervisorEscalate(qemuSupervisor *sv)
{
    gint64 now = g_get_monotonic_time();

    if (sv->powerdownDeadline && now > sv->powerdownDeadline && !sv->killStage) {
        qemuSupervisorLog(sv, "the guest did not power off in time");
        sv->powerdownDeadline = 0;
        qemuSupervisorStopQEMU(sv, "destroyed");
    }
    if (!sv->killStage || now < sv->killAt || sv->pid <= 0)
        return;
    if (sv->killStage == 1) {
        qemuSupervisorLog(sv, "QEMU ignored quit; sending SIGTERM");
        kill(sv->pid, SIGTERM);
        sv->killStage = 2;
        sv->killAt = now + QEMU_TERM_WAIT_MS * G_TIME_SPAN_MILLISECOND;
    } else if (sv->killStage == 2) {
        qemuSupervisorLog(sv, "QEMU ignored SIGTERM; sending SIGKILL");
        kill(sv->pid, SIGKILL);
        sv->killStage = 3;
        sv->killAt = G_MAXINT64;
    }
}

/* ---- QMP events ---- */

/* <on_poweroff> / <on_crash>: @action of the definition, @dflt when unset */
static void
qemuSupervisorLifecycle(qemuSupervisor *sv, int action, const char *what,
                        const char *reason)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ret = NULL;

    switch (action) {
    case VIR_DOMAIN_LIFECYCLE_RESTART:
    case VIR_DOMAIN_LIFECYCLE_RENAME_RESTART:
    case VIR_DOMAIN_LIFECYCLE_COREDUMP_RESTART:
        /* the host devices stay with the domain across the restart */
        qemuSupervisorLog(sv, "%s: restarting the guest", what);
        if (!(ret = qemuMonitorCommand(sv->mon, "system_reset", NULL,
                                       QEMU_MONITOR_TIMEOUT_MS, &err)) ||
            !qemuMonitorCont(sv->mon, &err)) {
            qemuSupervisorLog(sv, "cannot restart the guest: %s", err->message);
            qemuSupervisorStopQEMU(sv, reason);
            return;
        }
        qemuSupervisorSaveStatus(sv, QEMU_STATE_RUNNING, "booted");
        sv->restarted = TRUE;
        return;
    case VIR_DOMAIN_LIFECYCLE_PRESERVE:
        qemuSupervisorLog(sv, "%s: preserved for inspection; 'tcevirt destroy' "
                          "ends it", what);
        qemuSupervisorSaveStatus(sv, g_str_equal(reason, "crashed") ?
                                 QEMU_STATE_PAUSED : QEMU_STATE_SHUTDOWN, reason);
        return;
    default:                        /* destroy, coredump-destroy */
        qemuSupervisorStopQEMU(sv, reason);
        return;
    }
}

static void
qemuSupervisorEvents(qemuSupervisor *sv)
{
    qemuMonitorEvent *ev;

    while (sv->mon && (ev = qemuMonitorPopEvent(sv->mon))) {
        g_autoptr(qemuMonitorEvent) event = ev;

        if (g_str_equal(event->name, "SHUTDOWN")) {
            gboolean guest = json_object_get_boolean_member_with_default(
                event->data, "guest", FALSE);

            qemuSupervisorLog(sv, "QEMU event SHUTDOWN (%s)",
                              json_object_get_string_member_with_default(
                                  event->data, "reason", "?"));
            if (guest && !sv->killStage) {
                sv->guestShutdown = TRUE;
                sv->powerdownDeadline = 0;
                qemuSupervisorLifecycle(sv, sv->p->def->onPoweroff,
                                        "the guest powered off", "shutdown");
            }
        } else if (sv->restarted && (g_str_equal(event->name, "STOP") ||
                                     g_str_equal(event->name, "RESUME"))) {
            continue;
        } else if (g_str_equal(event->name, "STOP") && !sv->killStage) {
            if (sv->st->state != QEMU_STATE_SHUTDOWN &&
                !g_str_equal(sv->st->reason, "crashed"))
                qemuSupervisorSaveStatus(sv, QEMU_STATE_PAUSED, "user");
        } else if (g_str_equal(event->name, "RESUME") && !sv->killStage &&
                   sv->st->state != QEMU_STATE_RUNNING) {
            qemuSupervisorSaveStatus(sv, QEMU_STATE_RUNNING, "unpaused");
        } else if (g_str_equal(event->name, "DEVICE_DELETED") && !sv->killStage) {
            /* a guest that released a device after detach timed out */
            qemuHotplugRemoved(sv, json_object_get_string_member_with_default(
                                   event->data, "device", ""));
        } else if (g_str_equal(event->name, "DEVICE_UNPLUG_GUEST_ERROR") &&
                   !sv->killStage) {
            qemuHotplugRefused(sv, json_object_get_string_member_with_default(
                                   event->data, "device", ""));
        } else if (g_str_equal(event->name, "GUEST_PANICKED") && !sv->killStage) {
            qemuSupervisorLog(sv, "the guest panicked");
            qemuSupervisorLifecycle(sv, sv->p->def->onCrash, "the guest panicked",
                                    "crashed");
        }
    }
    sv->restarted = FALSE;
}

/* ---- control socket ---- */

static int
qemuSupervisorListen(const char *path, GError **errp)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        virReportError(errp, VIR_ERR_INTERNAL_ERROR,
                       "control socket path %s is too long", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    unlink(path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 ||
        chmod(path, 0600) < 0 || listen(fd, 8) < 0) {
        virReportSystemError(errp, errno, "cannot listen on %s", path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static JsonNode *
qemuSupervisorReply(gboolean ok, JsonNode *value)
{
    JsonObject *obj = json_object_new();
    JsonNode *node = json_node_alloc();

    if (!value)
        value = json_node_init_object(json_node_alloc(), json_object_new());
    json_object_set_member(obj, ok ? "return" : "error", value);
    json_node_init_object(node, obj);
    json_object_unref(obj);
    return node;
}

static JsonNode *
qemuSupervisorError(const GError *err)
{
    JsonObject *obj = json_object_new();
    JsonNode *node = json_node_alloc();

    json_object_set_int_member(obj, "code", err->domain == VIR_ERROR ? err->code : 1);
    json_object_set_string_member(obj, "message", err->message);
    json_node_init_object(node, obj);
    json_object_unref(obj);
    return qemuSupervisorReply(FALSE, node);
}

static JsonNode *
qemuSupervisorHandle(qemuSupervisor *sv, JsonObject *req)
{
    const char *cmd = json_object_get_string_member_with_default(req, "execute", "");
    g_autoptr(GError) err = NULL;

    if (g_str_equal(cmd, "status")) {
        JsonObject *obj = json_object_new();
        JsonNode *node = json_node_alloc();
        g_autofree char *status = NULL;
        gboolean running = FALSE;

        json_object_set_string_member(obj, "state",
                                      qemuDomainStateTypeToString(sv->st->state));
        json_object_set_string_member(obj, "reason", sv->st->reason);
        json_object_set_int_member(obj, "qemu-pid", sv->pid);
        if (sv->mon && !sv->killStage &&
            qemuMonitorQueryStatus(sv->mon, &status, &running, NULL))
            json_object_set_string_member(obj, "qemu-status", status);
        json_node_init_object(node, obj);
        json_object_unref(obj);
        return qemuSupervisorReply(TRUE, node);
    }
    if (g_str_equal(cmd, "destroy")) {
        qemuSupervisorStopQEMU(sv, "destroyed");
        return qemuSupervisorReply(TRUE, NULL);
    }
    if (g_str_equal(cmd, "shutdown")) {
        gint64 timeout = json_object_get_int_member_with_default(
            req, "timeout", sv->p->cfg->shutdownTimeout);

        /* a week at most: the deadline is microseconds in a gint64 */
        if (timeout < 0 || timeout > 7 * 24 * 3600) {
            virReportError(&err, VIR_ERR_INVALID_ARG,
                           "shutdown timeout %" G_GINT64_FORMAT " s of domain "
                           "'%s' is out of range (0 to 604800 s)", timeout,
                           sv->st->name);
            return qemuSupervisorError(err);
        }
        if (sv->killStage || !qemuMonitorSystemPowerdown(sv->mon, &err)) {
            if (!err)
                virReportError(&err, VIR_ERR_OPERATION_INVALID,
                               "domain '%s' is already stopping", sv->st->name);
            return qemuSupervisorError(err);
        }
        qemuSupervisorLog(sv, "asked the guest to power off (%" G_GINT64_FORMAT
                          " s before destroy)", timeout);
        sv->powerdownDeadline = g_get_monotonic_time() + timeout * G_TIME_SPAN_SECOND;
        return qemuSupervisorReply(TRUE, NULL);
    }
    if (g_str_equal(cmd, "suspend") || g_str_equal(cmd, "resume")) {
        gboolean ok = !sv->killStage && (cmd[0] == 's' ?
                                         qemuMonitorStop(sv->mon, &err) :
                                         qemuMonitorCont(sv->mon, &err));
        if (!ok) {
            if (!err)
                virReportError(&err, VIR_ERR_OPERATION_INVALID,
                               "domain '%s' is stopping", sv->st->name);
            return qemuSupervisorError(err);
        }
        qemuSupervisorSaveStatus(sv, cmd[0] == 's' ? QEMU_STATE_PAUSED :
                                 QEMU_STATE_RUNNING,
                                 cmd[0] == 's' ? "user" : "unpaused");
        return qemuSupervisorReply(TRUE, NULL);
    }
    if (g_str_equal(cmd, "attach-device")) {
        const char *xml = json_object_get_string_member_with_default(req, "xml", "");
        g_autofree char *alias = NULL;
        JsonObject *obj;
        JsonArray *warn;
        JsonNode *node;
        guint i;

        g_ptr_array_set_size(sv->warnings, 0);
        if (!(alias = qemuHotplugAttach(sv, xml, &err)))
            return qemuSupervisorError(err);
        obj = json_object_new();
        warn = json_array_new();
        json_object_set_string_member(obj, "alias", alias);
        for (i = 0; i < sv->warnings->len; i++)
            json_array_add_string_element(warn, g_ptr_array_index(sv->warnings, i));
        json_object_set_array_member(obj, "warnings", warn);
        node = json_node_init_object(json_node_alloc(), obj);
        json_object_unref(obj);
        return qemuSupervisorReply(TRUE, node);
    }
    if (g_str_equal(cmd, "detach-device")) {
        const char *xml = json_object_get_string_member_with_default(req, "xml", "");
        gint64 timeout = json_object_get_int_member_with_default(
            req, "timeout", QEMU_HOTPLUG_DEFAULT_TIMEOUT);

        if (timeout < 1 || timeout > 3600) {
            virReportError(&err, VIR_ERR_INVALID_ARG,
                           "detach timeout %" G_GINT64_FORMAT " s of domain "
                           "'%s' is out of range (1 to 3600 s)", timeout,
                           sv->st->name);
            return qemuSupervisorError(err);
        }
        if (!qemuHotplugDetach(sv, xml, timeout,
                               json_object_get_boolean_member_with_default(
                                   req, "async", FALSE), &err))
            return qemuSupervisorError(err);
        return qemuSupervisorReply(TRUE, NULL);
    }
    virReportError(&err, VIR_ERR_NO_SUPPORT,
                   "the supervisor of '%s' does not know '%s'", sv->st->name, cmd);
    return qemuSupervisorError(err);
}

/* One request line, one reply line, then the connection closes */
static void
qemuSupervisorServe(qemuSupervisor *sv)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) reply = NULL;
    g_autofree char *text = NULL;
    char buf[4096];
    size_t len = 0;
    int fd = accept4(sv->ctlFd, NULL, NULL, SOCK_CLOEXEC);
    struct pollfd pfd = { .fd = fd, .events = POLLIN };

    if (fd < 0)
        return;
    while (len < sizeof(buf) - 1 && !memchr(buf, '\n', len)) {
        ssize_t n;

        if (poll(&pfd, 1, 2000) <= 0 || (n = read(fd, buf + len, sizeof(buf) - 1 - len)) <= 0)
            break;
        len += n;
    }
    buf[len] = '\0';
    if (json_parser_load_from_data(parser, buf, len, NULL) &&
        json_parser_get_root(parser) &&
        JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
        reply = qemuSupervisorHandle(sv,
                    json_node_get_object(json_parser_get_root(parser)));
    } else {
        g_autoptr(GError) err = NULL;

        virReportError(&err, VIR_ERR_INVALID_ARG, "malformed control request");
        reply = qemuSupervisorError(err);
    }
    json_generator_set_root(gen, reply);
    text = json_generator_to_data(gen, NULL);
    if (send(fd, text, strlen(text), MSG_NOSIGNAL) < 0 ||
        send(fd, "\n", 1, MSG_NOSIGNAL) < 0)
        qemuSupervisorLog(sv, "cannot answer a control request: %s",
                          g_strerror(errno));
    close(fd);
}

/* ---- the main loop ---- */

static const char *
qemuSupervisorLoop(qemuSupervisor *sv)
{
    int status = 0;

    while (sv->pid > 0) {
        struct pollfd pfd[3] = {
            { .fd = sv->pidfd, .events = POLLIN },
            { .fd = sv->ctlFd, .events = POLLIN },
            { .fd = sv->mon ? qemuMonitorGetFD(sv->mon) : -1, .events = POLLIN },
        };

        if (poll(pfd, 3, 100) < 0 && errno != EINTR)
            break;
        if (pfd[2].revents) {
            g_autoptr(GError) err = NULL;

            if (!qemuMonitorReadAvailable(sv->mon, &err)) {
                qemuSupervisorEvents(sv);
                qemuMonitorClose(sv->mon);
                sv->mon = NULL;
            }
            qemuSupervisorEvents(sv);
        }
        if (pfd[1].revents & POLLIN)
            qemuSupervisorServe(sv);
        qemuSupervisorEscalate(sv);
        if (pfd[0].revents && qemuSupervisorWaitChildExit(sv, &status, 0))
            break;
    }
    /* QEMU's last words before ours */
    qemuSupervisorLogStop(sv);
    if (WIFSIGNALED(status))
        qemuSupervisorLog(sv, "QEMU ended by signal %d", WTERMSIG(status));
    else
        qemuSupervisorLog(sv, "QEMU exited with status %d", WEXITSTATUS(status));
    if (sv->reason)
        return sv->reason;
    return sv->guestShutdown ? "shutdown" : "crashed";
}

static void
qemuSupervisorReport(qemuSupervisor *sv, const GError *err)
{
    g_autofree char *line = NULL;

    guint i;

    if (sv->p->resultFd < 0)
        return;
    for (i = 0; i < sv->warnings->len; i++) {
        g_autofree char *w = g_strdelimit(g_strdup(g_ptr_array_index(sv->warnings, i)),
                                          "\n", ' ');
        g_autofree char *wl = g_strdup_printf("W %s\n", w);

        if (write(sv->p->resultFd, wl, strlen(wl)) < 0)
            break;
    }
    if (err)
        line = g_strdup_printf("%d %s\n", err->domain == VIR_ERROR ? err->code : 1,
                               err->message);
    else
        line = g_strdup_printf("0 %d\n", (int) sv->pid);
    if (write(sv->p->resultFd, line, strlen(line)) < 0)
        qemuSupervisorLog(sv, "the CLI is gone: %s", g_strerror(errno));
    close(sv->p->resultFd);
    sv->p->resultFd = -1;
}

static void
qemuSupervisorFinish(qemuSupervisor *sv, const char *reason)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    int status;
    guint i;

    if (sv->pid > 0) {
        kill(sv->pid, SIGKILL);
        qemuSupervisorWaitChildExit(sv, &status, -1);
    }
    qemuSupervisorLogStop(sv);
    if (sv->brokerThread) {
        g_atomic_int_set(&sv->stopBroker, 1);
        g_thread_join(sv->brokerThread);
        sv->brokerThread = NULL;
    }
    if (sv->broker) {
        virSeccompBrokerCounters c;

        virSeccompBrokerGetCounters(sv->broker, &c);
        qemuSupervisorLog(sv, "seccomp: %" G_GUINT64_FORMAT " opens trapped, %"
                          G_GUINT64_FORMAT " VFIO files handed over, %"
                          G_GUINT64_FORMAT " denied", c.trapped, c.injected,
                          c.denied);
    }
    g_clear_pointer(&sv->broker, virSeccompBrokerFree);
    g_clear_pointer(&sv->mon, qemuMonitorClose);
    if (sv->ctlFd >= 0)
        close(sv->ctlFd);
    sv->st->qemuPid = 0;
    if (!qemuTeardown(sv->p->cfg, sv->st, reason, TRUE, warnings))
        qemuSupervisorLog(sv, "teardown incomplete; the next tcevirt command "
                          "retries it");
    for (i = 0; i < warnings->len; i++)
        qemuSupervisorLog(sv, "%s", (char *) g_ptr_array_index(warnings, i));
    qemuSupervisorLog(sv, "domain stopped (%s)", reason);
}

/* Who QEMU runs as: the domain's own id from uid_range (recorded in the
 * status before QEMU exists) with user's supplementary groups but not its
 * primary group, or user itself when uid_range is empty */
static gboolean
qemuSupervisorIdentity(qemuSupervisor *sv, GError **errp)
{
    const qemuDriverConfig *cfg = sv->p->cfg;
    uid_t id;
    int i;

    sv->groups = g_new0(gid_t, cfg->ngroups + 1);
    if (!cfg->idLast) {
        sv->uid = cfg->uid;
        sv->gid = cfg->gid;
        memcpy(sv->groups, cfg->groups, cfg->ngroups * sizeof(gid_t));
        sv->ngroups = cfg->ngroups;
        return TRUE;
    }
    if (!qemuIdentityAcquire(cfg, sv->st->name, &id, errp))
        return FALSE;
    sv->uid = id;
    sv->gid = id;
    sv->st->qemuUid = id;
    for (i = 0; i < cfg->ngroups; i++) {
        if (cfg->groups[i] != cfg->gid)
            sv->groups[sv->ngroups++] = cfg->groups[i];
    }
    return TRUE;
}

int
qemuSupervisorRun(qemuSupervisorParams *p)
{
    const qemuDriverConfig *cfg = p->cfg;
    g_autoptr(qemuDomainStatus) st = qemuDomainStatusNew();
    g_autofree char *logFile = g_strdup_printf("%s.log", p->def->name);
    g_autofree char *logPath = g_build_filename(cfg->logDir, logFile, NULL);
    g_autofree char *ctlPath = qemuSupervisorControlPath(cfg, p->def->name);
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) pendingDel = g_ptr_array_new_with_free_func(g_free);
    qemuSupervisor sv = { .p = p, .st = st, .lockFd = -1, .logFd = -1,
                          .pidfd = -1, .ctlFd = -1, .warnings = warnings,
                          .logPath = logPath, .qemuOut = -1,
                          .pendingDel = pendingDel };
    char uuid[VIR_UUID_STRING_BUFLEN];
    const char *reason;

    /* a CLI killed before it read the result must not take us down */
    signal(SIGPIPE, SIG_IGN);
    if (!virFileMakeDirs(cfg->qemuRunDir, &err) ||
        !virFileMakeDirs(cfg->logDir, &err))
        goto fail_early;
    /* QEMU's user reaches its own directory below it, nothing else */
    if (chmod(cfg->qemuRunDir, 0711) < 0 || chmod(cfg->runDir, 0711) < 0) {
        virReportSystemError(&err, errno, "cannot open %s to the QEMU user",
                             cfg->qemuRunDir);
        goto fail_early;
    }
    if ((sv.lockFd = qemuDomainStatusLock(cfg, p->def->name)) < 0) {
        virReportError(&err, VIR_ERR_OPERATION_INVALID,
                       "domain '%s' is already running", p->def->name);
        goto fail_early;
    }
    qemuSupervisorRotateLog(logPath, -1);
    if ((sv.logFd = open(logPath, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC,
                         0600)) < 0) {
        virReportSystemError(&err, errno, "cannot open the domain log %s",
                             logPath);
        goto fail_early;
    }
    virUUIDFormat(p->def->uuid, uuid);
    st->name = g_strdup(p->def->name);
    st->uuid = g_strdup(uuid);
    st->supervisorPid = getpid();
    st->supervisorStart = virProcessGetStartTime(getpid());
    st->startedAt = g_get_real_time() / G_USEC_PER_SEC;
    st->defXML = virDomainDefFormat(p->def);
    st->handoff = g_strdup(qemuFDHandoffTypeToString(p->handoff));
    if (!qemuSupervisorIdentity(&sv, &err))
        goto fail_early;
    if (!qemuSupervisorSaveStatus(&sv, QEMU_STATE_STARTING, "booting")) {
        if (st->qemuUid)
            qemuIdentityRelease(cfg, st->name, st->qemuUid);
        goto fail_early;
    }
    qemuSupervisorLog(&sv, "supervisor %d starting domain '%s'", (int) getpid(),
                      p->def->name);
    virProcessCrashPoint("status-saved");
    if ((sv.ctlFd = qemuSupervisorListen(ctlPath, &err)) < 0 ||
        !qemuSupervisorLaunch(&sv, &err)) {
        qemuSupervisorLog(&sv, "start failed: %s", err->message);
        /* the CLI hears of the failure once the host is restored */
        qemuSupervisorFinish(&sv, "failed");
        qemuSupervisorReport(&sv, err);
        close(sv.lockFd);
        g_free(sv.groups);
        return 1;
    }
    qemuSupervisorSaveStatus(&sv, p->paused ? QEMU_STATE_PAUSED : QEMU_STATE_RUNNING,
                             p->paused ? "user" : "booted");
    qemuSupervisorLog(&sv, "domain running (QEMU pid %d)", (int) sv.pid);
    qemuSupervisorReport(&sv, NULL);
    reason = qemuSupervisorLoop(&sv);
    virProcessCrashPoint("qemu-exited");
    qemuSupervisorFinish(&sv, reason);
    close(sv.logFd);
    close(sv.lockFd);
    g_free(sv.groups);
    return 0;

 fail_early:
    qemuSupervisorReport(&sv, err);
    if (sv.logFd >= 0)
        close(sv.logFd);
    if (sv.lockFd >= 0)
        close(sv.lockFd);
    g_free(sv.groups);
    return 1;
}
