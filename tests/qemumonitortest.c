/*
 * qemumonitortest.c: the QMP client against a scripted fake server and
 * against Debian's qemu-system-ppc64 (skipped when it is not installed)
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "testutils.h"
#include "qemu_monitor.h"
#include "virerror.h"

#define TEST_QEMU "/usr/bin/qemu-system-ppc64"
#define TEST_IO_TIMEOUT_MS 10000

/* ------------------------------------------------------------------ */
/* the fake QMP server: one thread, one connection, a script            */

typedef enum {
    STEP_END = 0,
    STEP_SEND,      /* write @text ("@ID@": the id of the last command) */
    STEP_SPLIT,     /* the same in pieces of @num bytes */
    STEP_EXPECT,    /* read a command, which must be @text */
    STEP_SLEEP,     /* @num ms */
    STEP_CLOSE,     /* close the connection */
    STEP_HUGE,      /* @num bytes of 'x' without newline */
} testStepType;

typedef struct {
    testStepType type;
    const char *text;
    int num;
} testStep;

#define GREETING \
    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 2, \"minor\": 0, " \
    "\"major\": 10}, \"package\": \"fake\"}, \"capabilities\": [\"oob\"]}}\r\n"
#define NEGOTIATE \
    { STEP_SEND, GREETING, 0 }, \
    { STEP_EXPECT, "qmp_capabilities", 0 }, \
    { STEP_SEND, "{\"return\": {}, \"id\": @ID@}\r\n", 0 }
#define EVENT(name, data) \
    "{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 42}, " \
    "\"event\": \"" name "\", \"data\": " data "}\r\n"

typedef struct {
    char *dir;
    char *path;
    const testStep *steps;
    int delayMs;            /* before listening */
    GThread *thread;
    char *failure;          /* what went wrong on the server side */
    char *lastId;           /* JSON text of the last command's id */
    GString *in;
} testServer;

static gboolean
testServerWait(int fd)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };

    return poll(&pfd, 1, TEST_IO_TIMEOUT_MS) == 1;
}

static gboolean
testServerWrite(int fd, const char *data, gsize len, gsize piece)
{
    while (len > 0) {
        ssize_t n = send(fd, data, MIN(len, piece), MSG_NOSIGNAL);

        if (n < 0)
            return FALSE;
        data += n;
        len -= n;
        if (piece < G_MAXSIZE)
            g_usleep(200);
    }
    return TRUE;
}

/* one line from the client, NULL at EOF or after the timeout */
static char *
testServerReadLine(testServer *s, int fd)
{
    char *nl;
    char buf[4096];

    while (!(nl = strchr(s->in->str, '\n'))) {
        ssize_t n;

        if (!testServerWait(fd) || (n = read(fd, buf, sizeof(buf))) <= 0)
            return NULL;
        g_string_append_len(s->in, buf, n);
    }
    {
        char *line = g_strndup(s->in->str, nl - s->in->str);
        g_string_erase(s->in, 0, nl - s->in->str + 1);
        return line;
    }
}

static char *
testServerExpand(testServer *s, const char *text)
{
    const char *at = strstr(text, "@ID@");

    if (!at)
        return g_strdup(text);
    return g_strdup_printf("%.*s%s%s", (int) (at - text), text,
                           s->lastId ? s->lastId : "null", at + 4);
}

static gboolean
testServerExpect(testServer *s, int fd, const char *cmd)
{
    g_autofree char *line = testServerReadLine(s, fd);
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *obj;
    JsonNode *id;

    if (!line) {
        s->failure = g_strdup_printf("no command, expected %s", cmd);
        return FALSE;
    }
    if (!json_parser_load_from_data(parser, line, -1, NULL) ||
        !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
        s->failure = g_strdup_printf("bad command '%s'", line);
        return FALSE;
    }
    obj = json_node_get_object(json_parser_get_root(parser));
    if (!json_object_has_member(obj, "execute") ||
        g_strcmp0(json_object_get_string_member(obj, "execute"), cmd) != 0 ||
        !(id = json_object_get_member(obj, "id"))) {
        s->failure = g_strdup_printf("got '%s', expected %s", line, cmd);
        return FALSE;
    }
    g_free(s->lastId);
    s->lastId = json_to_string(id, FALSE);
    return TRUE;
}

static gpointer
testServerRun(gpointer opaque)
{
    testServer *s = opaque;
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    const testStep *step;
    int lfd, fd = -1;
    char buf[4096];

    if (s->delayMs)
        g_usleep(s->delayMs * 1000);
    g_strlcpy(addr.sun_path, s->path, sizeof(addr.sun_path));
    unlink(s->path);
    lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *) &addr, sizeof(addr)) < 0 ||
        listen(lfd, 1) < 0 || !testServerWait(lfd) ||
        (fd = accept(lfd, NULL, NULL)) < 0) {
        s->failure = g_strdup_printf("no connection: %s", g_strerror(errno));
        goto cleanup;
    }

    for (step = s->steps; step->type != STEP_END && !s->failure; step++) {
        g_autofree char *text = NULL;
        g_autofree char *huge = NULL;

        switch (step->type) {
        case STEP_SEND:
        case STEP_SPLIT:
            text = testServerExpand(s, step->text);
            if (!testServerWrite(fd, text, strlen(text),
                                 step->type == STEP_SPLIT ? (gsize) step->num
                                                          : G_MAXSIZE))
                s->failure = g_strdup_printf("cannot send '%s'", text);
            break;
        case STEP_HUGE:
            huge = g_malloc(step->num);
            memset(huge, 'x', step->num);
            testServerWrite(fd, huge, step->num, G_MAXSIZE);
            break;
        case STEP_EXPECT:
            testServerExpect(s, fd, step->text);
            break;
        case STEP_SLEEP:
            g_usleep(step->num * 1000);
            break;
        case STEP_CLOSE:
            close(fd);
            fd = -1;
            goto cleanup;
        case STEP_END:
            break;
        }
    }
    /* until the client hangs up */
    while (fd >= 0 && testServerWait(fd) && read(fd, buf, sizeof(buf)) > 0)
        ;

 cleanup:
    if (fd >= 0)
        close(fd);
    if (lfd >= 0)
        close(lfd);
    return NULL;
}

static testServer *
testServerStart(const testStep *steps, int delayMs)
{
    testServer *s = g_new0(testServer, 1);
    g_autoptr(GError) err = NULL;

    s->dir = g_dir_make_tmp("qemumonitortest-XXXXXX", &err);
    g_assert_no_error(err);
    s->path = g_build_filename(s->dir, "monitor.sock", NULL);
    s->steps = steps;
    s->delayMs = delayMs;
    s->in = g_string_new(NULL);
    s->thread = g_thread_new("fakeqmp", testServerRun, s);
    return s;
}

/* join the server (the client must be closed) and check it was happy */
static void
testServerFinish(testServer *s)
{
    g_thread_join(s->thread);
    g_assert_cmpstr(s->failure, ==, NULL);
    unlink(s->path);
    g_assert_cmpint(rmdir(s->dir), ==, 0);
    g_free(s->dir);
    g_free(s->path);
    g_free(s->lastId);
    g_string_free(s->in, TRUE);
    g_free(s);
}

static qemuMonitor *
testOpen(testServer *s)
{
    g_autoptr(GError) err = NULL;
    qemuMonitor *mon = qemuMonitorOpen(s->path, TEST_IO_TIMEOUT_MS, &err);

    g_assert_no_error(err);
    g_assert_nonnull(mon);
    return mon;
}

/* ------------------------------------------------------------------ */

static void
testNegotiate(void)
{
    static const testStep steps[] = {
        NEGOTIATE,
        { STEP_EXPECT, "query-status", 0 },
        { STEP_SEND, "{\"return\": {\"status\": \"prelaunch\", "
                     "\"running\": false}, \"id\": @ID@}\n", 0 },
        { 0 } };
    testServer *s = testServerStart(steps, 0);
    qemuMonitor *mon = testOpen(s);
    g_autoptr(GError) err = NULL;
    g_autofree char *status = NULL;
    gboolean running = TRUE;
    int major, minor, micro;

    qemuMonitorGetVersion(mon, &major, &minor, &micro);
    g_assert_cmpint(major, ==, 10);
    g_assert_cmpint(minor, ==, 0);
    g_assert_cmpint(micro, ==, 2);
    g_assert_cmpint(qemuMonitorGetFD(mon), >=, 0);
    g_assert_true(qemuMonitorQueryStatus(mon, &status, &running, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(status, ==, "prelaunch");
    g_assert_false(running);
    g_assert_null(qemuMonitorPopEvent(mon));
    qemuMonitorClose(mon);
    testServerFinish(s);
}

static void
testErrorReply(void)
{
    static const testStep steps[] = {
        NEGOTIATE,
        { STEP_EXPECT, "qom-get", 0 },
        { STEP_SEND, "{\"id\": @ID@, \"error\": {\"class\": \"DeviceNotFound\", "
                     "\"desc\": \"Device 'hostdev7' not found\"}}\r\n", 0 },
        { STEP_EXPECT, "qom-get", 0 },
        { STEP_SEND, "{\"return\": true, \"id\": @ID@}\r\n", 0 },
        { 0 } };
    testServer *s = testServerStart(steps, 0);
    g_autoptr(qemuMonitor) mon = testOpen(s);
    g_autoptr(GError) err = NULL;
    gboolean realized = FALSE;

    g_assert_false(qemuMonitorGetRealized(mon, "hostdev7", &realized, &err));
    g_assert_error(err, VIR_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_nonnull(strstr(err->message, "'qom-get'"));
    g_assert_nonnull(strstr(err->message, "Device 'hostdev7' not found"));
    g_clear_error(&err);
    /* the monitor is still usable */
    g_assert_true(qemuMonitorGetRealized(mon, "hostdev0", &realized, &err));
    g_assert_no_error(err);
    g_assert_true(realized);
    g_clear_pointer(&mon, qemuMonitorClose);
    testServerFinish(s);
}

static void
testEvents(void)
{
    static const testStep steps[] = {
        NEGOTIATE,
        { STEP_EXPECT, "cont", 0 },
        /* two events and the reply in one write */
        { STEP_SEND, EVENT("RESET", "{\"guest\": false, \"reason\": \"host-qmp-system-reset\"}")
                     EVENT("RESUME", "{}")
                     "{\"return\": {}, \"id\": @ID@}\r\n", 0 },
        { STEP_SLEEP, NULL, 50 },
        { STEP_SEND, "{\"event\": \"POWERDOWN\", \"timestamp\": "
                     "{\"seconds\": 1, \"microseconds\": 2}}\r\n", 0 },
        { STEP_SLEEP, NULL, 50 },
        { STEP_SEND, EVENT("SHUTDOWN", "{\"guest\": true, \"reason\": \"guest-shutdown\"}"), 0 },
        { 0 } };
    testServer *s = testServerStart(steps, 0);
    g_autoptr(qemuMonitor) mon = testOpen(s);
    g_autoptr(GError) err = NULL;
    g_autoptr(qemuMonitorEvent) ev1 = NULL;
    g_autoptr(qemuMonitorEvent) ev2 = NULL;
    g_autoptr(qemuMonitorEvent) ev3 = NULL;
    g_autoptr(qemuMonitorEvent) ev4 = NULL;

    g_assert_true(qemuMonitorCont(mon, &err));
    g_assert_no_error(err);
    ev1 = qemuMonitorPopEvent(mon);
    ev2 = qemuMonitorPopEvent(mon);
    g_assert_nonnull(ev1);
    g_assert_nonnull(ev2);
    g_assert_null(qemuMonitorPopEvent(mon));
    g_assert_cmpstr(ev1->name, ==, "RESET");
    g_assert_cmpstr(json_object_get_string_member(ev1->data, "reason"), ==,
                    "host-qmp-system-reset");
    g_assert_cmpint(ev1->seconds, ==, 1700000000);
    g_assert_cmpint(ev1->micros, ==, 42);
    g_assert_cmpstr(ev2->name, ==, "RESUME");

    /* POWERDOWN comes first and stays queued */
    ev3 = qemuMonitorWaitEvent(mon, "SHUTDOWN", TEST_IO_TIMEOUT_MS, &err);
    g_assert_no_error(err);
    g_assert_nonnull(ev3);
    g_assert_true(json_object_get_boolean_member(ev3->data, "guest"));
    ev4 = qemuMonitorPopEvent(mon);
    g_assert_nonnull(ev4);
    g_assert_cmpstr(ev4->name, ==, "POWERDOWN");
    g_assert_nonnull(ev4->data);
    g_assert_cmpint(json_object_get_size(ev4->data), ==, 0);
    g_assert_cmpint(ev4->micros, ==, 2);
    g_assert_null(qemuMonitorPopEvent(mon));
    g_clear_pointer(&mon, qemuMonitorClose);
    testServerFinish(s);
}

static void
testSplit(void)
{
    static const testStep steps[] = {
        { STEP_SPLIT, GREETING, 3 },
        { STEP_EXPECT, "qmp_capabilities", 0 },
        { STEP_SPLIT, "{\"return\": {}, \"id\": @ID@}\r\n", 1 },
        { STEP_EXPECT, "query-status", 0 },
        { STEP_SPLIT, EVENT("STOP", "{}") "\r\n\n"
                      "{\"return\": {\"status\": \"paused\", \"running\": false, "
                      "\"singlestep\": false}, \"id\": @ID@}\n"
                      EVENT("RESUME", "{}"), 5 },
        { 0 } };
    testServer *s = testServerStart(steps, 0);
    g_autoptr(qemuMonitor) mon = testOpen(s);
    g_autoptr(GError) err = NULL;
    g_autofree char *status = NULL;
    g_autoptr(qemuMonitorEvent) ev = NULL;
    gboolean running = TRUE;

    g_assert_true(qemuMonitorQueryStatus(mon, &status, &running, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(status, ==, "paused");
    ev = qemuMonitorWaitEvent(mon, "RESUME", TEST_IO_TIMEOUT_MS, &err);
    g_assert_no_error(err);
    g_assert_nonnull(ev);
    g_clear_pointer(&ev, qemuMonitorEventFree);
    ev = qemuMonitorPopEvent(mon);
    g_assert_cmpstr(ev->name, ==, "STOP");
    g_clear_pointer(&mon, qemuMonitorClose);
    testServerFinish(s);
}

static void
testEOF(void)
{
    static const testStep steps[] = {
        NEGOTIATE,
        { STEP_EXPECT, "stop", 0 },
        { STEP_SEND, EVENT("STOP", "{}"), 0 },
        { STEP_CLOSE, NULL, 0 },
        { 0 } };
    testServer *s = testServerStart(steps, 0);
    g_autoptr(qemuMonitor) mon = testOpen(s);
    g_autoptr(GError) err = NULL;
    g_autoptr(qemuMonitorEvent) ev = NULL;

    g_assert_false(qemuMonitorStop(mon, &err));
    g_assert_error(err, VIR_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_nonnull(strstr(err->message, "'stop'"));
    g_assert_nonnull(strstr(err->message, "QEMU closed its monitor"));
    g_clear_error(&err);
    /* the event read before EOF is kept; the monitor stays dead */
    ev = qemuMonitorPopEvent(mon);
    g_assert_nonnull(ev);
    g_assert_cmpstr(ev->name, ==, "STOP");
    g_assert_false(qemuMonitorReadAvailable(mon, &err));
    g_assert_nonnull(strstr(err->message, "QEMU closed its monitor"));
    g_clear_error(&err);
    g_assert_false(qemuMonitorCont(mon, &err));
    g_assert_nonnull(strstr(err->message, "QEMU closed its monitor"));
    g_clear_pointer(&mon, qemuMonitorClose);
    testServerFinish(s);
}

static void
testQuit(void)
{
    /* the reply, the event and EOF at once; then QEMU gone before a reply */
    static const testStep replied[] = {
        NEGOTIATE,
        { STEP_EXPECT, "quit", 0 },
        { STEP_SEND, "{\"return\": {}, \"id\": @ID@}\r\n"
                     EVENT("SHUTDOWN", "{\"guest\": false, \"reason\": \"host-qmp-quit\"}"), 0 },
        { STEP_CLOSE, NULL, 0 },
        { 0 } };
    static const testStep gone[] = {
        NEGOTIATE, { STEP_EXPECT, "quit", 0 }, { STEP_CLOSE, NULL, 0 }, { 0 } };
    testServer *s = testServerStart(replied, 0);
    g_autoptr(qemuMonitor) mon = testOpen(s);
    g_autoptr(GError) err = NULL;
    g_autoptr(qemuMonitorEvent) ev = NULL;

    g_assert_true(qemuMonitorQuit(mon, &err));
    g_assert_no_error(err);
    ev = qemuMonitorWaitEvent(mon, "SHUTDOWN", TEST_IO_TIMEOUT_MS, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(json_object_get_string_member(ev->data, "reason"), ==,
                    "host-qmp-quit");
    g_assert_null(qemuMonitorWaitEvent(mon, "SHUTDOWN", TEST_IO_TIMEOUT_MS,
                                       &err));
    g_assert_nonnull(strstr(err->message, "QEMU closed its monitor"));
    g_clear_error(&err);
    g_clear_pointer(&mon, qemuMonitorClose);
    testServerFinish(s);

    s = testServerStart(gone, 0);
    mon = testOpen(s);
    g_assert_true(qemuMonitorQuit(mon, &err));
    g_assert_no_error(err);
    /* but not on a monitor that was dead before */
    g_assert_false(qemuMonitorQuit(mon, &err));
    g_assert_nonnull(strstr(err->message, "QEMU closed its monitor"));
    g_clear_pointer(&mon, qemuMonitorClose);
    testServerFinish(s);
}

static void
testTimeout(void)
{
    static const testStep steps[] = {
        NEGOTIATE,
        { STEP_EXPECT, "query-status", 0 },
        { STEP_SLEEP, NULL, 400 },
        /* late: dropped by the client */
        { STEP_SEND, "{\"return\": {\"status\": \"running\", \"running\": true},"
                     " \"id\": @ID@}\r\n", 0 },
        { STEP_EXPECT, "stop", 0 },
        { STEP_SEND, "{\"return\": {}, \"id\": @ID@}\r\n", 0 },
        { 0 } };
    testServer *s = testServerStart(steps, 0);
    g_autoptr(qemuMonitor) mon = testOpen(s);
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ret = NULL;

    ret = qemuMonitorCommand(mon, "query-status", NULL, 200, &err);
    g_assert_null(ret);
    g_assert_error(err, VIR_ERROR, VIR_ERR_OPERATION_TIMEOUT);
    g_assert_nonnull(strstr(err->message, "'query-status'"));
    g_clear_error(&err);
    g_assert_true(qemuMonitorStop(mon, &err));
    g_assert_no_error(err);
    g_clear_pointer(&mon, qemuMonitorClose);
    testServerFinish(s);
}

static void
testConnectRetry(void)
{
    static const testStep steps[] = { NEGOTIATE, { 0 } };
    testServer *s = testServerStart(steps, 300);
    g_autoptr(qemuMonitor) mon = testOpen(s);   /* ENOENT for 300 ms */

    g_clear_pointer(&mon, qemuMonitorClose);
    testServerFinish(s);
}

static void
testConnectRefused(void)
{
    static const testStep steps[] = { NEGOTIATE, { 0 } };
    g_autofree char *dir = g_dir_make_tmp("qemumonitortest-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "stale.sock", NULL);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    g_autoptr(GError) err = NULL;
    qemuMonitor *mon;
    testServer *s;
    int fd;

    /* a socket file nobody listens on: ECONNREFUSED until the timeout */
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(bind(fd, (struct sockaddr *) &addr, sizeof(addr)), ==, 0);
    close(fd);
    mon = qemuMonitorOpen(path, 200, &err);
    g_assert_null(mon);
    g_assert_error(err, VIR_ERROR, VIR_ERR_OPERATION_TIMEOUT);
    g_assert_nonnull(strstr(err->message, path));
    g_clear_error(&err);
    unlink(path);
    g_assert_cmpint(rmdir(dir), ==, 0);

    /* nothing at all, then a server a bit later */
    s = testServerStart(steps, 200);
    mon = qemuMonitorOpen(s->path, 100, &err);
    g_assert_error(err, VIR_ERROR, VIR_ERR_OPERATION_TIMEOUT);
    g_clear_error(&err);
    mon = testOpen(s);
    qemuMonitorClose(mon);
    testServerFinish(s);
}

static void
testGarbageCase(const testStep *steps, const char *cmd, const char *what)
{
    testServer *s = testServerStart(steps, 0);
    g_autoptr(qemuMonitor) mon = testOpen(s);
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ret = NULL;

    if (cmd) {
        ret = qemuMonitorCommand(mon, cmd, NULL, TEST_IO_TIMEOUT_MS, &err);
        g_assert_null(ret);
    } else {
        struct pollfd pfd = { .fd = qemuMonitorGetFD(mon), .events = POLLIN };

        /* the garbage may have come with the reply in qemuMonitorOpen() */
        while (qemuMonitorReadAvailable(mon, &err))
            g_assert_cmpint(poll(&pfd, 1, TEST_IO_TIMEOUT_MS), ==, 1);
    }
    g_assert_error(err, VIR_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_assert_nonnull(strstr(err->message, "protocol error"));
    g_assert_nonnull(strstr(err->message, what));
    g_clear_error(&err);
    /* dead for good */
    g_assert_false(qemuMonitorCont(mon, &err));
    g_assert_nonnull(strstr(err->message, what));
    g_clear_pointer(&mon, qemuMonitorClose);
    testServerFinish(s);
}

static void
testGarbage(void)
{
    static const testStep notJSON[] = {
        NEGOTIATE,
        { STEP_EXPECT, "query-status", 0 },
        { STEP_SEND, "Unknown command 'query-status'\r\n", 0 },
        { 0 } };
    static const testStep notObject[] = {
        NEGOTIATE, { STEP_SEND, "[1, 2]\r\n", 0 }, { 0 } };
    static const testStep noId[] = {
        NEGOTIATE,
        { STEP_EXPECT, "query-status", 0 },
        { STEP_SEND, "{\"return\": {}}\r\n", 0 },
        { 0 } };
    static const testStep wrongId[] = {
        NEGOTIATE,
        { STEP_EXPECT, "query-status", 0 },
        { STEP_SEND, "{\"return\": {}, \"id\": \"libvirt-7\"}\r\n", 0 },
        { 0 } };
    static const testStep huge[] = {
        NEGOTIATE,
        { STEP_SEND, "{\"event\": \"", 0 },
        { STEP_HUGE, NULL, 16 * 1024 * 1024 + 1 },
        { 0 } };

    testGarbageCase(notJSON, "query-status", "invalid JSON");
    testGarbageCase(notObject, NULL, "not a JSON object");
    testGarbageCase(noId, "query-status", "without id");
    testGarbageCase(wrongId, "query-status", "'libvirt-7'");
    testGarbageCase(huge, NULL, "more than 16777216 bytes");

    {
        /* a reply before any command was sent: qemuMonitorOpen() fails */
        static const testStep early[] = {
            { STEP_SEND, GREETING "{\"return\": {}, \"id\": \"tcevirt-5\"}\r\n", 0 },
            { 0 } };
        testServer *s = testServerStart(early, 0);
        g_autoptr(GError) err = NULL;

        g_assert_null(qemuMonitorOpen(s->path, TEST_IO_TIMEOUT_MS, &err));
        g_assert_error(err, VIR_ERROR, VIR_ERR_INTERNAL_ERROR);
        g_assert_nonnull(strstr(err->message, "unknown id 'tcevirt-5'"));
        testServerFinish(s);
    }
}

/* ------------------------------------------------------------------ */
/* real QEMU                                                            */

static void
testChildSetup(gpointer opaque)
{
    /* no QEMU outlives an aborted test */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

/* exit status of @pid, -1 when it did not exit within 30 s (then killed) */
static int
testReap(GPid pid)
{
    int status = 0;
    int i;

    for (i = 0; i < 3000; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        g_usleep(10 * 1000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

static void
testRealQemu(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = NULL;
    g_autofree char *sock = NULL;
    g_autofree char *chardev = NULL;
    g_autofree char *status = NULL;
    g_autoptr(qemuMonitor) mon = NULL;
    g_autoptr(qemuMonitorEvent) ev = NULL;
    g_autoptr(JsonObject) args = json_object_new();
    g_autoptr(JsonNode) ret = NULL;
    gboolean running = TRUE, realized = FALSE;
    int major = 0, minor = 0, micro = 0;
    GPid pid;

    if (!g_file_test(TEST_QEMU, G_FILE_TEST_IS_EXECUTABLE)) {
        g_test_skip(TEST_QEMU " is not installed");
        return;
    }
    dir = g_dir_make_tmp("qemumonitortest-XXXXXX", &err);
    g_assert_no_error(err);
    sock = g_build_filename(dir, "monitor.sock", NULL);
    chardev = g_strdup_printf("socket,id=m,path=%s,server=on,wait=off", sock);
    {
        const char *argv[] = {
            TEST_QEMU, "-M", "pseries,accel=tcg,cap-cfpc=broken,cap-sbbc=broken,"
            "cap-ibs=broken,cap-ccf-assist=off", "-m", "256",
            "-nodefaults", "-display", "none", "-S", "-no-shutdown",
            "-chardev", chardev, "-mon", "chardev=m,mode=control",
            "-device", "virtio-rng-pci,id=rng0", NULL };

        g_assert_true(g_spawn_async(NULL, (char **) argv, NULL,
                                    G_SPAWN_DO_NOT_REAP_CHILD |
                                    G_SPAWN_STDOUT_TO_DEV_NULL,
                                    testChildSetup, NULL, &pid, &err));
        g_assert_no_error(err);
    }

    mon = qemuMonitorOpen(sock, 30000, &err);
    g_assert_no_error(err);
    qemuMonitorGetVersion(mon, &major, &minor, &micro);
    g_test_message("QEMU %d.%d.%d", major, minor, micro);
    g_assert_cmpint(major, ==, 10);

    g_assert_true(qemuMonitorQueryStatus(mon, &status, &running, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(status, ==, "prelaunch");
    g_assert_false(running);

    g_assert_true(qemuMonitorGetRealized(mon, "rng0", &realized, &err));
    g_assert_no_error(err);
    g_assert_true(realized);
    g_assert_false(qemuMonitorGetRealized(mon, "nosuchdev", &realized, &err));
    g_test_message("%s", err->message);
    g_assert_nonnull(strstr(err->message, "nosuchdev"));
    g_clear_error(&err);

    g_assert_true(qemuMonitorCont(mon, &err));
    g_assert_no_error(err);
    ev = qemuMonitorWaitEvent(mon, "RESUME", 10000, &err);
    g_assert_no_error(err);
    g_clear_pointer(&ev, qemuMonitorEventFree);
    g_clear_pointer(&status, g_free);
    g_assert_true(qemuMonitorQueryStatus(mon, &status, &running, &err));
    g_assert_cmpstr(status, ==, "running");
    g_assert_true(running);

    /* Debian's QEMU has the log trace backend: every event can be set */
    g_assert_true(qemuMonitorSetTraceEvent(mon, "vfio_spapr_group_attach",
                                           TRUE, &err));
    g_assert_no_error(err);
    json_object_set_string_member(args, "name", "vfio_spapr_group_attach");
    ret = qemuMonitorCommand(mon, "trace-event-get-state", args, 10000, &err);
    g_assert_no_error(err);
    g_assert_true(JSON_NODE_HOLDS_ARRAY(ret));
    g_assert_cmpint(json_array_get_length(json_node_get_array(ret)), ==, 1);
    g_assert_cmpstr(json_object_get_string_member(
        json_array_get_object_element(json_node_get_array(ret), 0), "state"),
        ==, "enabled");
    g_assert_false(qemuMonitorSetTraceEvent(mon, "tcevirt_no_such_event",
                                            TRUE, &err));
    g_test_message("%s", err->message);
    g_assert_nonnull(strstr(err->message, "tcevirt_no_such_event"));
    g_clear_error(&err);

    g_assert_true(qemuMonitorSystemPowerdown(mon, &err));
    g_assert_no_error(err);
    ev = qemuMonitorWaitEvent(mon, "POWERDOWN", 10000, &err);
    g_assert_no_error(err);
    g_clear_pointer(&ev, qemuMonitorEventFree);

    g_assert_true(qemuMonitorQuit(mon, &err));
    g_assert_no_error(err);
    ev = qemuMonitorWaitEvent(mon, "SHUTDOWN", 10000, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(json_object_get_string_member(ev->data, "reason"), ==,
                    "host-qmp-quit");
    g_assert_false(json_object_get_boolean_member(ev->data, "guest"));
    g_clear_pointer(&mon, qemuMonitorClose);

    g_assert_cmpint(testReap(pid), ==, 0);
    unlink(sock);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemumonitor/negotiate", testNegotiate);
    g_test_add_func("/qemumonitor/error-reply", testErrorReply);
    g_test_add_func("/qemumonitor/events", testEvents);
    g_test_add_func("/qemumonitor/split", testSplit);
    g_test_add_func("/qemumonitor/eof", testEOF);
    g_test_add_func("/qemumonitor/quit", testQuit);
    g_test_add_func("/qemumonitor/timeout", testTimeout);
    g_test_add_func("/qemumonitor/connect-retry", testConnectRetry);
    g_test_add_func("/qemumonitor/connect-refused", testConnectRefused);
    g_test_add_func("/qemumonitor/garbage", testGarbage);
    g_test_add_func("/qemumonitor/real-qemu", testRealQemu);
    return g_test_run();
}
