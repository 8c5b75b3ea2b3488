/*
 * qemu_process.c: start and stop domains (the CLI side of the supervisor)
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu_process.h"
#include "qemu_domain.h"
#include "qemu_supervisor.h"
#include "qemu_teardown.h"
#include "virerror.h"
#include "virfile.h"
#include "virpci.h"
#include "virprocess.h"
#include "virseccomp.h"

static virDomainDef *
qemuProcessPrepareDef(qemuDriver *drv, const char *nameOrUUID,
                      GPtrArray *warnings, GError **errp)
{
    g_autoptr(virDomainDef) stored = NULL;
    g_autoptr(virDomainDef) def = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *what = NULL;
    size_t i;

    if (!(stored = virDomainStoreLookup(drv->store, nameOrUUID, errp)))
        return NULL;
    qemuTeardownRecover(drv->cfg, stored->name, TRUE, warnings);
    if (qemuDomainStatusSupervised(drv->cfg, stored->name)) {
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "domain '%s' is already running", stored->name);
        return NULL;
    }
    /* the host may have changed since define: read the groups again */
    xml = virDomainDefFormat(stored);
    what = g_strdup_printf("definition of '%s'", stored->name);
    if (!(def = qemuDomainDefParseAndNormalize(xml, strlen(xml), what,
                                               warnings, errp)))
        return NULL;
    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(def->hostdevs, i);
        g_autofree char *bdf = virPCIDeviceAddressAsString(&h->source);

        if (h->iommuGroup < 0) {
            virReportError(errp, VIR_ERR_OPERATION_INVALID,
                           "host device %s of domain '%s' is not present on "
                           "this host (no /sys/bus/pci/devices/%s); remove its "
                           "<hostdev> or start the domain where it exists",
                           bdf, def->name, bdf);
            return NULL;
        }
    }
    return g_steal_pointer(&def);
}

static void G_GNUC_NORETURN
qemuProcessDaemonize(qemuSupervisorParams *params)
{
    int null;
    pid_t pid;

    /* The supervisor lives as long as the domain and never execs: it must
     * not keep what other threads of a daemon had open at the fork (a
     * copy of another start's store lock would hold that flock, of its
     * result pipe that start's reader, for the domain's lifetime).  Only
     * the result pipe's write end stays; the store lock and the read end
     * go with the rest. */
    virFileCloseInherited(params->resultFd);
    setsid();
    if ((pid = fork()) != 0)
        _exit(pid < 0 ? 1 : 0);
    if ((null = open("/dev/null", O_RDWR)) >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (null > 2)
            close(null);
    }
    if (chdir("/") < 0)
        _exit(1);
    _exit(qemuSupervisorRun(params));
}

pid_t
qemuProcessStart(qemuDriver *drv, const char *nameOrUUID, gboolean paused,
                 GPtrArray *warnings, GError **errp)
{
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GString) answer = g_string_new(NULL);
    qemuSupervisorParams params = { .cfg = drv->cfg, .paused = paused };
    int result[2] = { -1, -1 };
    pid_t child;
    pid_t ret = -1;
    char buf[1024];
    ssize_t n;
    int lock;
    int code;
    char *msg = NULL;
    char *line;
    char *eol;

    if ((lock = virDomainStoreLock(drv->store, errp)) < 0)
        return -1;
    if (!(def = qemuProcessPrepareDef(drv, nameOrUUID, warnings, errp)) ||
        !qemuDriverConfigResolveUser(drv->cfg, errp))
        goto cleanup;
    params.def = def;
    params.handoff = drv->cfg->fdHandoff;
    if (params.handoff == QEMU_FD_HANDOFF_AUTO) {
        g_autofree char *why = NULL;

        params.handoff = virSeccompCanHandOff(&why) ? QEMU_FD_HANDOFF_SECCOMP
                                                    : QEMU_FD_HANDOFF_DAC;
    }
    if (pipe2(result, O_CLOEXEC) < 0) {
        virReportSystemError(errp, errno, "cannot create a pipe");
        goto cleanup;
    }
    params.resultFd = result[1];
    fflush(NULL);
    if ((child = fork()) < 0) {
        virReportSystemError(errp, errno, "cannot fork the supervisor of '%s'",
                             def->name);
        goto cleanup;
    }
    if (child == 0)
        qemuProcessDaemonize(&params);
    close(result[1]);
    result[1] = -1;
    while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
        ;
    while ((n = read(result[0], buf, sizeof(buf))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        g_string_append_len(answer, buf, n);
    }
    /* "W warning" lines, then the result */
    line = answer->str;
    while (g_str_has_prefix(line, "W ") && (eol = strchr(line, '\n'))) {
        *eol = '\0';
        virWarningAdd(warnings, "%s", line + 2);
        line = eol + 1;
    }
    g_strchomp(line);
    code = (int) g_ascii_strtoll(line, &msg, 10);
    if (!*line || msg == line) {
        virReportError(errp, VIR_ERR_INTERNAL_ERROR,
                       "the supervisor of domain '%s' ended without a word; "
                       "see %s/%s.log", def->name, drv->cfg->logDir, def->name);
        goto cleanup;
    }
    if (*msg == ' ')
        msg++;
    if (code != 0) {
        g_set_error_literal(errp, VIR_ERROR, code, msg);
        goto cleanup;
    }
    ret = (pid_t) atoi(msg);
 cleanup:
    if (result[0] >= 0)
        close(result[0]);
    if (result[1] >= 0)
        close(result[1]);
    close(lock);
    return ret;
}

JsonNode *
qemuProcessControl(qemuDriver *drv, const char *name, const char *execute,
                   JsonObject *args, GError **errp)
{
    g_autofree char *path = qemuSupervisorControlPath(drv->cfg, name);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(JsonNode) req = json_node_alloc();
    g_autoptr(GString) in = g_string_new(NULL);
    g_autofree char *text = NULL;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    JsonObject *obj = args ? json_object_ref(args) : json_object_new();
    /* a request that waits (detach-device) gets its own time and more */
    int waitMs = (30 + (int) CLAMP(json_object_get_int_member_with_default(
                                       obj, "timeout", 0), 0, 3600)) * 1000;
    JsonObject *reply;
    struct pollfd pfd;
    char buf[4096];
    int fd;

    json_object_set_string_member(obj, "execute", execute);
    json_node_init_object(req, obj);
    json_object_unref(obj);
    json_generator_set_root(gen, req);
    text = json_generator_to_data(gen, NULL);
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
        int e = errno;

        /* it stopped after the caller looked (another client's destroy
         * won the race): what libvirt says of a domain that is not running */
        if ((e == ENOENT || e == ECONNREFUSED) &&
            !qemuDomainStatusSupervised(drv->cfg, name))
            virReportError(errp, VIR_ERR_OPERATION_INVALID,
                           "domain '%s' is not running", name);
        else
            virReportSystemError(errp, e, "cannot reach the supervisor of "
                                 "domain '%s' on %s; is the domain running?",
                                 name, path);
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (send(fd, text, strlen(text), MSG_NOSIGNAL) < 0 ||
        send(fd, "\n", 1, MSG_NOSIGNAL) < 0) {
        virReportSystemError(errp, errno, "cannot talk to the supervisor of "
                             "domain '%s'", name);
        close(fd);
        return NULL;
    }
    pfd = (struct pollfd) { .fd = fd, .events = POLLIN };
    while (!strchr(in->str, '\n')) {
        ssize_t n;

        if (poll(&pfd, 1, waitMs) <= 0 || (n = read(fd, buf, sizeof(buf))) <= 0)
            break;
        g_string_append_len(in, buf, n);
    }
    close(fd);
    if (!in->len || !json_parser_load_from_data(parser, in->str, in->len, NULL) ||
        !json_parser_get_root(parser) ||
        !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
        virReportError(errp, VIR_ERR_INTERNAL_ERROR,
                       "the supervisor of domain '%s' gave no answer to '%s'",
                       name, execute);
        return NULL;
    }
    reply = json_node_get_object(json_parser_get_root(parser));
    if (json_object_has_member(reply, "error")) {
        JsonObject *e = json_object_get_object_member(reply, "error");

        g_set_error_literal(errp, VIR_ERROR,
                            json_object_get_int_member_with_default(e, "code", 1),
                            json_object_get_string_member_with_default(
                                e, "message", "unknown error"));
        return NULL;
    }
    return json_object_has_member(reply, "return") ?
        json_node_copy(json_object_get_member(reply, "return")) :
        json_node_init_null(json_node_alloc());
}

gboolean
qemuProcessWaitStopped(qemuDriver *drv, const char *name,
                       unsigned int timeoutMs, char **reason, GError **errp)
{
    gint64 deadline = g_get_monotonic_time() + (gint64) timeoutMs * 1000;
    g_autofree char *status = qemuDomainStatusPath(drv->cfg, name, "status");

    while (qemuDomainStatusSupervised(drv->cfg, name)) {
        g_autoptr(qemuDomainStatus) st = NULL;

        if (g_get_monotonic_time() > deadline) {
            virReportError(errp, VIR_ERR_OPERATION_TIMEOUT,
                           "domain '%s' did not stop within %u s; its log "
                           "%s/%s.log says why", name, timeoutMs / 1000,
                           drv->cfg->logDir, name);
            return FALSE;
        }
        /* the supervisor holds the lock until it exits: wait on its pidfd;
         * only in the instant after it removed its status, or while
         * another command recovers the domain, look again shortly */
        st = qemuDomainStatusLoad(drv->cfg, name, NULL);
        if (st && st->supervisorPid > 0)
            virProcessWaitExit(st->supervisorPid, st->supervisorStart, deadline);
        else
            g_usleep(5 * 1000);
    }
    if (g_file_test(status, G_FILE_TEST_EXISTS)) {
        virReportError(errp, VIR_ERR_OPERATION_FAILED,
                       "domain '%s' stopped but its teardown is incomplete; "
                       "%s/%s.log says why, the next tcevirt command retries",
                       name, drv->cfg->logDir, name);
        return FALSE;
    }
    if (reason)
        *reason = qemuDomainStatusShutoffReason(drv->cfg, name);
    return TRUE;
}
