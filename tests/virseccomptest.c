/*
 * virseccomptest.c: the seccomp broker (src/util/virseccomp.c) against the
 * fake host's /dev/vfio
 *
 * Run under "tcemodel-run power9-2phb.host": group 1 (0001:01:00.0) is on
 * vfio-pci, so /dev/vfio/1 exists and is viable; groups 0 and 2 have no
 * node.  The domain owns groups 1 and 2.  Each case forks, installs the
 * filter in the child and execs tests/seccompopener (path in argv[1]),
 * which opens with raw syscalls (trapped) and reports one line per open;
 * this process is the broker, with the model's preload, so its open of
 * /dev/vfio/N gives a model fd that works in the target.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "virseccomp.h"

static const char *openerPath;
static char *tmpFile;           /* an ordinary file, root-only (0600) */

#define MODEL_FD "link=.*/model/files/[0-9]+$"

typedef struct {
    char **lines;               /* the opener's output */
    GPtrArray *log;             /* the broker's log lines */
    virSeccompBrokerCounters counters;
} testRun;

static void
testRunClear(testRun *run)
{
    g_strfreev(run->lines);
    g_ptr_array_unref(run->log);
}

static void
testLog(const char *line, void *opaque)
{
    g_ptr_array_add(opaque, g_strdup(line));
}

/*
 * Run the opener with @ops as @uid ((uid_t) -1: as we are), answering its
 * opens until it exits.  @dropBroker: free the broker (closing the only
 * listener) once the opener prints "ready".
 */
static void
testRunOpener(const char *const *ops, uid_t uid, gboolean dropBroker,
              testRun *run)
{
    static const unsigned int groups[] = { 1, 2 };
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_auto(GStrv) envp = g_environ_setenv(g_get_environ(),
                                          "TCEMODEL_VFIO_OPEN", "syscall", TRUE);
    g_autoptr(virSeccompBroker) b = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    gboolean eof = FALSE;
    gboolean exited = FALSE;
    int sv[2], outp[2], inp[2];
    int listener;
    int status = 0;
    pid_t pid;
    size_t i;

    g_ptr_array_add(argv, (char *) openerPath);
    for (i = 0; ops[i]; i++)
        g_ptr_array_add(argv, (char *) ops[i]);
    g_ptr_array_add(argv, NULL);
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
    g_assert_cmpint(pipe2(outp, O_CLOEXEC), ==, 0);
    g_assert_cmpint(pipe2(inp, O_CLOEXEC), ==, 0);

    if ((pid = fork()) == 0) {
        if (dup2(inp[0], 0) < 0 || dup2(outp[1], 1) < 0)
            _exit(124);
        if (virSeccompNotifyInstall(sv[1]) < 0)
            _exit(126);
        /* QEMU's drop of privileges, after the filter as in production */
        if (uid != (uid_t) -1 &&
            (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0))
            _exit(125);
        execve(openerPath, (char **) argv->pdata, envp);
        _exit(127);
    }
    g_assert_cmpint(pid, >, 0);
    close(sv[1]);
    close(outp[1]);
    close(inp[0]);

    listener = virSeccompNotifyReceive(sv[0], &err);
    g_assert_no_error(err);
    close(sv[0]);
    b = virSeccompBrokerNew(listener, "/dev/vfio", groups,
                            G_N_ELEMENTS(groups), &err);
    g_assert_no_error(err);
    run->log = g_ptr_array_new_with_free_func(g_free);
    virSeccompBrokerSetLog(b, testLog, run->log);

    while (!exited || !eof) {
        struct pollfd fds[2] = {
            { b ? virSeccompBrokerGetFD(b) : -1, POLLIN, 0 },
            { eof ? -1 : outp[0], POLLIN, 0 },
        };

        if (g_get_monotonic_time() > deadline)
            kill(pid, SIGKILL);
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        if (poll(fds, 2, 50) < 0 && errno != EINTR)
            g_assert_not_reached();
        if (b && (fds[0].revents & POLLIN)) {
            g_assert_true(virSeccompBrokerHandle(b, &err));
            g_assert_no_error(err);
        }
        if (!eof && (fds[1].revents & (POLLIN | POLLHUP))) {
            char buf[4096];
            ssize_t n = read(outp[0], buf, sizeof(buf));

            if (n <= 0)
                eof = TRUE;
            else
                g_string_append_len(out, buf, n);
            if (dropBroker && b && strstr(out->str, "ready\n")) {
                virSeccompBrokerGetCounters(b, &run->counters);
                g_clear_pointer(&b, virSeccompBrokerFree);
                g_assert_cmpint(write(inp[1], "x", 1), ==, 1);
            }
        }
        if (!exited && waitpid(pid, &status, WNOHANG) == pid)
            exited = TRUE;
    }
    close(outp[0]);
    close(inp[1]);
    if (b)
        virSeccompBrokerGetCounters(b, &run->counters);

    if (g_test_verbose()) {
        g_printerr("opener output:\n%s", out->str);
        for (i = 0; i < run->log->len; i++)
            g_printerr("broker: %s\n", (char *) run->log->pdata[i]);
    }
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    if (out->len > 0 && out->str[out->len - 1] == '\n')
        g_string_truncate(out, out->len - 1);
    run->lines = g_strsplit(out->str, "\n", -1);
}

/* each line of @lines matches the regex of the same index in @expect */
static void
testCheckLines(char **lines, const char *const *expect)
{
    size_t i;

    for (i = 0; expect[i]; i++) {
        g_assert_nonnull(lines[i]);
        if (!g_regex_match_simple(expect[i], lines[i], 0, 0))
            g_error("line %zu '%s' does not match '%s'", i, lines[i], expect[i]);
    }
    g_assert_null(lines[i]);
}

/* the broker's log lines against @expect (regexes, NULL-terminated) */
static void
testCheckLog(testRun *run, const char **expect)
{
    g_ptr_array_add(run->log, NULL);
    testCheckLines((char **) run->log->pdata, expect);
    g_ptr_array_remove_index(run->log, run->log->len - 1);
}

static void
testOwnedGroup(void)
{
    const char *ops[] = { "open,rw,ce=/dev/vfio/1", NULL };
    const char *expect[] = {
        "^open /dev/vfio/1: fd cloexec=1 status=0x1 " MODEL_FD, NULL };
    const char *log[] = {
        "^injected /dev/vfio/1 into pid [0-9]+ as fd [0-9]+ \\(close-on-exec\\)$",
        NULL };
    testRun run = { 0 };

    testRunOpener(ops, (uid_t) -1, FALSE, &run);
    testCheckLines(run.lines, expect);
    testCheckLog(&run, log);
    g_assert_cmpuint(run.counters.injected, ==, 1);
    g_assert_cmpuint(run.counters.denied, ==, 0);
    g_assert_cmpuint(run.counters.trapped, ==,
                     run.counters.continued + run.counters.injected);
    testRunClear(&run);
}

static void
testContainer(void)
{
    const char *ops[] = { "open,rw,ce=/dev/vfio/vfio", NULL };
    const char *expect[] = {
        "^open /dev/vfio/vfio: fd cloexec=1 api=0 " MODEL_FD, NULL };
    testRun run = { 0 };

    testRunOpener(ops, (uid_t) -1, FALSE, &run);
    testCheckLines(run.lines, expect);
    g_assert_cmpuint(run.counters.injected, ==, 1);
    testRunClear(&run);
}

static void
testOtherGroup(void)
{
    const char *ops[] = { "open,rw,ce=/dev/vfio/0", "open,rw=/dev/vfio/devices/vfio0",
                          "open,rw=/dev/vfio/01", NULL };
    const char *expect[] = { "^open /dev/vfio/0: errno=EACCES$",
                             "^open /dev/vfio/devices/vfio0: errno=EACCES$",
                             "^open /dev/vfio/01: errno=EACCES$", NULL };
    const char *log[] = {
        "^denied open of /dev/vfio/0: IOMMU group 0 does not belong to this domain$",
        "^denied open of /dev/vfio/devices/vfio0: it is not a VFIO group or container under /dev/vfio$",
        "^denied open of /dev/vfio/01: ", NULL };
    testRun run = { 0 };

    testRunOpener(ops, (uid_t) -1, FALSE, &run);
    testCheckLines(run.lines, expect);
    testCheckLog(&run, log);
    g_assert_cmpuint(run.counters.denied, ==, 3);
    g_assert_cmpuint(run.counters.injected, ==, 0);
    testRunClear(&run);
}

/* an owned group without a node: the broker's own ENOENT is the answer */
static void
testOwnedMissing(void)
{
    const char *ops[] = { "open,rw,ce=/dev/vfio/2", NULL };
    const char *expect[] = { "^open /dev/vfio/2: errno=ENOENT$", NULL };
    testRun run = { 0 };

    testRunOpener(ops, (uid_t) -1, FALSE, &run);
    testCheckLines(run.lines, expect);
    g_assert_cmpuint(run.counters.failed, ==, 1);
    g_assert_cmpuint(run.log->len, ==, 1);
    g_assert_true(g_str_has_prefix(run.log->pdata[0], "failed open of /dev/vfio/2 for pid "));
    testRunClear(&run);
}

/* an ordinary file opened for writing is trapped and continued; opened
 * read-only it never reaches the broker */
static void
testOrdinaryFile(void)
{
    g_autofree char *ro = g_strdup_printf("open=%s", tmpFile);
    g_autofree char *rw = g_strdup_printf("openat,rw=%s", tmpFile);
    g_autofree char *reRO = g_strdup_printf("^open %s: fd cloexec=0 link=%s$",
                                            tmpFile, tmpFile);
    g_autofree char *reRW = g_strdup_printf("^openat %s: fd cloexec=0 link=%s$",
                                            tmpFile, tmpFile);
    const char *ops[] = { ro, rw, "open,ce=/nonexistent/x",
                          "open,rw=/nonexistent/x", NULL };
    const char *expect[] = { reRO, reRW, "^open /nonexistent/x: errno=ENOENT$",
                             "^open /nonexistent/x: errno=ENOENT$", NULL };
    testRun run = { 0 };

    testRunOpener(ops, (uid_t) -1, FALSE, &run);
    testCheckLines(run.lines, expect);
    g_assert_cmpuint(run.counters.injected, ==, 0);
    g_assert_cmpuint(run.counters.denied, ==, 0);
    g_assert_cmpuint(run.counters.trapped, ==, 2);
    g_assert_cmpuint(run.counters.continued, ==, 2);
    g_assert_cmpuint(run.log->len, ==, 0);
    testRunClear(&run);
}

/* relative to the cwd, and lexical normalisation */
static void
testRelativeCwd(void)
{
    const char *ops[] = { "cd=/dev", "open,rw,ce=vfio/./1", "open,rw=./vfio/../vfio//vfio",
                          "open,rw=vfio/0", "open,rw,ce=/dev//vfio/../vfio/1",
                          "open,rw=../../dev/vfio/1", NULL };
    const char *expect[] = { "^cd /dev: ok$",
                             "^open vfio/./1: fd cloexec=1 status=0x1 " MODEL_FD,
                             "^open ./vfio/../vfio//vfio: fd cloexec=0 api=0 " MODEL_FD,
                             "^open vfio/0: errno=EACCES$",
                             "^open /dev//vfio/../vfio/1: fd cloexec=1 status=0x1 " MODEL_FD,
                             "^open ../../dev/vfio/1: fd cloexec=0 status=0x1 " MODEL_FD,
                             NULL };
    testRun run = { 0 };

    testRunOpener(ops, (uid_t) -1, FALSE, &run);
    testCheckLines(run.lines, expect);
    g_assert_cmpuint(run.counters.injected, ==, 4);
    g_assert_cmpuint(run.counters.denied, ==, 1);
    testRunClear(&run);
}

/* relative to a dirfd, with openat and openat2 */
static void
testRelativeDirfd(void)
{
    const char *ops[] = { "dir=/dev", "openat,rw,ce=vfio/1", "openat2,rw,ce=vfio/1",
                          "openat2,rw=vfio/vfio", "openat,rw=vfio/0",
                          "openat,rw,ce=/dev/vfio/1", NULL };
    const char *expect[] = { "^dir /dev: ok$",
                             "^openat vfio/1: fd cloexec=1 status=0x1 " MODEL_FD,
                             "^openat2 vfio/1: fd cloexec=1 status=0x1 " MODEL_FD,
                             "^openat2 vfio/vfio: fd cloexec=0 api=0 " MODEL_FD,
                             "^openat vfio/0: errno=EACCES$",
                             "^openat /dev/vfio/1: fd cloexec=1 status=0x1 " MODEL_FD,
                             NULL };
    testRun run = { 0 };

    testRunOpener(ops, (uid_t) -1, FALSE, &run);
    testCheckLines(run.lines, expect);
    g_assert_cmpuint(run.counters.injected, ==, 4);
    g_assert_cmpuint(run.counters.denied, ==, 1);
    testRunClear(&run);
}

/* the caller's O_CLOEXEC (from the flags, or open_how for openat2) */
static void
testCloexec(void)
{
    const char *ops[] = { "open,rw=/dev/vfio/1", "openat,rw=/dev/vfio/1",
                          "openat2,rw=/dev/vfio/1", "openat2,rw,ce=/dev/vfio/1",
                          "open,rw,ce=/dev/vfio/vfio", NULL };
    const char *expect[] = { "^open /dev/vfio/1: fd cloexec=0 status=0x1 " MODEL_FD,
                             "^openat /dev/vfio/1: fd cloexec=0 status=0x1 " MODEL_FD,
                             "^openat2 /dev/vfio/1: fd cloexec=0 status=0x1 " MODEL_FD,
                             "^openat2 /dev/vfio/1: fd cloexec=1 status=0x1 " MODEL_FD,
                             "^open /dev/vfio/vfio: fd cloexec=1 api=0 " MODEL_FD,
                             NULL };
    testRun run = { 0 };

    testRunOpener(ops, (uid_t) -1, FALSE, &run);
    testCheckLines(run.lines, expect);
    g_assert_cmpuint(run.counters.injected, ==, 5);
    g_assert_false(g_str_has_suffix(run.log->pdata[0], "(close-on-exec)"));
    g_assert_true(g_str_has_suffix(run.log->pdata[3], "(close-on-exec)"));
    testRunClear(&run);
}

/*
 * The target as nobody: it gets the group fd it could not open itself,
 * while DAC still applies to what continues to the kernel.  (The model's
 * ioctls need its root-only state directory, so only the fd's identity is
 * checked here.)
 */
static void
testUnprivileged(void)
{
    g_autofree char *op = g_strdup_printf("open=%s", tmpFile);
    g_autofree char *re = g_strdup_printf("^open %s: errno=EACCES$", tmpFile);
    const char *ops[] = { "open,rw,ce=/dev/vfio/1", "open,rw=/dev/vfio/0", op, NULL };
    const char *expect[] = { "^open /dev/vfio/1: fd cloexec=1 .*" MODEL_FD,
                             "^open /dev/vfio/0: errno=EACCES$", re, NULL };
    testRun run = { 0 };

    if (geteuid() != 0) {
        g_test_skip("needs root to drop to uid 65534");
        return;
    }
    testRunOpener(ops, 65534, FALSE, &run);
    testCheckLines(run.lines, expect);
    g_assert_cmpuint(run.counters.injected, ==, 1);
    g_assert_cmpuint(run.counters.denied, ==, 1);
    testRunClear(&run);
}

/* the pitfall: without a listener every trapped open of the target is
 * ENOSYS (a read-only one, never trapped, still works) */
static void
testBrokerGone(void)
{
    g_autofree char *rw = g_strdup_printf("open,rw=%s", tmpFile);
    g_autofree char *ro = g_strdup_printf("open=%s", tmpFile);
    g_autofree char *reRW = g_strdup_printf("^open %s: errno=ENOSYS$", tmpFile);
    g_autofree char *reRO = g_strdup_printf("^open %s: fd cloexec=0 link=%s$",
                                            tmpFile, tmpFile);
    const char *ops[] = { "wait", rw, ro, "open,rw,ce=/dev/vfio/1", NULL };
    const char *expect[] = { "^ready$", reRW, reRO,
                             "^open /dev/vfio/1: errno=ENOSYS$", NULL };
    testRun run = { 0 };

    testRunOpener(ops, (uid_t) -1, TRUE, &run);
    testCheckLines(run.lines, expect);
    g_assert_cmpuint(run.counters.injected, ==, 0);
    testRunClear(&run);
}

/* the injected fd is what the caller asked for, or the kernel's errno */
static void
testOpenFlags(void)
{
    const char *ops[] = { "open,wo,ce=/dev/vfio/1", "open,rw=/dev/vfio/1/",
                          "openat2,rw,nosym=/dev/vfio/1", NULL };
    const char *expect[] = { "^open /dev/vfio/1: fd cloexec=1 acc=wo .*" MODEL_FD,
                             "^open /dev/vfio/1/: errno=ENOTDIR$",
                             "^openat2 /dev/vfio/1: errno=EACCES$", NULL };
    const char *log[] = {
        "^injected /dev/vfio/1 into pid [0-9]* as fd [0-9]* \\(close-on-exec\\)$",
        "^failed open of /dev/vfio/1/ for pid [0-9]*: Not a directory$",
        "^denied open of /dev/vfio/1: openat2 with RESOLVE_\\* flags 0x4 ", NULL };
    testRun run = { 0 };

    testRunOpener(ops, (uid_t) -1, FALSE, &run);
    testCheckLines(run.lines, expect);
    testCheckLog(&run, log);
    g_assert_cmpuint(run.counters.injected, ==, 1);
    g_assert_cmpuint(run.counters.failed, ==, 1);
    g_assert_cmpuint(run.counters.denied, ==, 1);
    testRunClear(&run);
}

/* no route into another process: not its memory, not its fds (the
 * target is this test, root, which the opener could otherwise trace) */
static void
testReach(void)
{
    g_autofree char *op = g_strdup_printf("reach=%d", (int) getpid());
    const char *ops[] = { op, NULL };
    const char *expect[] = { "^reach ptrace: errno=EPERM$",
                             "^reach process_vm_readv: errno=EPERM$",
                             "^reach process_vm_writev: errno=EPERM$",
                             "^reach pidfd_getfd: errno=EPERM$",
                             "^reach kcmp: errno=EPERM$", NULL };
    testRun run = { 0 };

    testRunOpener(ops, (uid_t) -1, FALSE, &run);
    testCheckLines(run.lines, expect);
    g_assert_cmpuint(run.counters.trapped, ==, 0);
    testRunClear(&run);
}

/* a child that dies before sending its listener is a clear error */
static void
testReceiveNothing(void)
{
    g_autoptr(GError) err = NULL;
    int sv[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
    g_assert_cmpint(write(sv[1], "x", 1), ==, 1);
    close(sv[1]);
    g_assert_cmpint(virSeccompNotifyReceive(sv[0], &err), ==, -1);
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err->message, "did not send its seccomp listener"));
    g_clear_error(&err);
    g_assert_cmpint(virSeccompNotifyReceive(sv[0], &err), ==, -1);
    g_assert_nonnull(err);
    close(sv[0]);
    g_clear_error(&err);

    g_assert_null(virSeccompBrokerNew(-1, "/dev/vfio", NULL, 0, &err));
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) err = NULL;
    int fd;
    int ret;

    /* argv[1]: the opener (before GTest's options) */
    if (argc > 1 && argv[1][0] != '-') {
        openerPath = argv[1];
        argv[1] = argv[0];
        argv++;
        argc--;
    } else {
        openerPath = g_getenv("SECCOMPOPENER");
    }
    g_test_init(&argc, &argv, NULL);
    if (!openerPath) {
        g_printerr("usage: virseccomptest SECCOMPOPENER [GTEST-OPTIONS]\n");
        return 1;
    }
    if ((fd = g_file_open_tmp("virseccomptest-XXXXXX", &tmpFile, &err)) < 0)
        g_error("%s", err->message);
    close(fd);

    g_test_add_func("/seccomp/owned-group", testOwnedGroup);
    g_test_add_func("/seccomp/container", testContainer);
    g_test_add_func("/seccomp/other-group", testOtherGroup);
    g_test_add_func("/seccomp/owned-missing", testOwnedMissing);
    g_test_add_func("/seccomp/ordinary-file", testOrdinaryFile);
    g_test_add_func("/seccomp/reach-another-process", testReach);
    g_test_add_func("/seccomp/open-flags", testOpenFlags);
    g_test_add_func("/seccomp/relative-cwd", testRelativeCwd);
    g_test_add_func("/seccomp/relative-dirfd", testRelativeDirfd);
    g_test_add_func("/seccomp/cloexec", testCloexec);
    g_test_add_func("/seccomp/unprivileged", testUnprivileged);
    g_test_add_func("/seccomp/broker-gone", testBrokerGone);
    g_test_add_func("/seccomp/receive-nothing", testReceiveNothing);
    ret = g_test_run();

    unlink(tmpFile);
    g_free(tmpFile);
    return ret;
}
