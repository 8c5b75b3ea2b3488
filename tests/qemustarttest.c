/*
 * qemustarttest.c: every golden command line without host devices starts
 *
 * For each tests/qemuxml2argvdata case that normalizes and has no
 * host device or vhost-user interface (those need real host resources;
 * their -device properties are checked against QEMU's help), build the
 * command line and run Debian's qemu-system-ppc64
 * with it (-S), talk QMP over the monitor socket (capabilities,
 * query-status, query-pci) and quit.  Paths that only exist on a real
 * host (disk images, kernels, logs, sockets, hugetlbfs, host NUMA nodes)
 * are pointed into a scratch directory first; KVM guests run under TCG on
 * this x86 machine (accel=tcg, -cpu host -> POWER10, KVM-only caps off),
 * and memfd hugepages become plain memfd (no hugepages are reserved).
 * The command line is otherwise the golden one.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "testutils.h"
#include "qemu_domain.h"
#include "qemu_command.h"

static const char *datadir;

static void
testMakeFile(const char *path, const char *format)
{
    if (format && g_str_equal(format, "qcow2")) {
        const char *argv[] = { "qemu-img", "create", "-q", "-f", "qcow2",
                               path, "16M", NULL };
        gint status = 0;
        g_autoptr(GError) err = NULL;

        g_assert_true(g_spawn_sync(NULL, (char **) argv, NULL,
                                   G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                                   NULL, &status, &err));
        g_assert_cmpint(status, ==, 0);
    } else {
        g_autofree char *zeros = g_malloc0(1024 * 1024);
        g_assert_true(g_file_set_contents(path, zeros, 1024 * 1024, NULL));
    }
}

/* A minimal little-endian ppc64 ELF executable: QEMU's pseries loader
 * wants an ELF kernel; with -S it is loaded and never run */
static void
testMakeKernel(const char *path)
{
    guint8 img[64 + 56 + 8] = { 0 };
    guint8 *e = img, *p = img + 64;

    memcpy(e, "\x7f" "ELF", 4);
    e[4] = 2;                       /* ELFCLASS64 */
    e[5] = 1;                       /* little endian */
    e[6] = 1;                       /* EV_CURRENT */
    e[16] = 2;                      /* ET_EXEC */
    e[18] = 21;                     /* EM_PPC64 */
    e[20] = 1;                      /* e_version */
    e[32] = 64;                     /* e_phoff */
    e[52] = 64;                     /* e_ehsize */
    e[54] = 56;                     /* e_phentsize */
    e[56] = 1;                      /* e_phnum */
    p[0] = 1;                       /* PT_LOAD */
    p[4] = 5;                       /* PF_R | PF_X */
    p[8] = 120;                     /* p_offset */
    p[32] = 8;                      /* p_filesz */
    p[40] = 8;                      /* p_memsz */
    p[48] = 4;                      /* p_align */
    memcpy(img + 120, "\x00\x00\x00\x60\x00\x00\x00\x48", 8); /* nop; b . */
    g_assert_true(g_file_set_contents(path, (const char *) img, sizeof(img),
                                      NULL));
}

static char *
testScratch(const char *dir, const char *what, size_t i)
{
    return g_strdup_printf("%s/%s%zu", dir, what, i);
}

/* Point host paths into @dir; returns FALSE when the case has hostdevs */
static gboolean
testLocalize(virDomainDef *def, const char *dir)
{
    GPtrArray *chrs[] = { def->serials, def->consoles, def->channels };
    size_t i, j;

    if (def->hostdevs->len)
        return FALSE;
    for (i = 0; i < def->nets->len; i++) {
        virDomainNetDef *n = g_ptr_array_index(def->nets, i);
        /* vhost-user needs a switch on the other end of the socket */
        if (n->type == VIR_DOMAIN_NET_TYPE_VHOSTUSER)
            return FALSE;
    }
    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *d = g_ptr_array_index(def->disks, i);
        if (!d->src)
            continue;
        g_free(d->src);
        d->src = testScratch(dir, "disk", i);
        d->type = VIR_DOMAIN_DISK_TYPE_FILE;
        testMakeFile(d->src, virStorageFileFormatTypeToString(d->format));
    }
    if (def->os.kernel) {
        g_free(def->os.kernel);
        def->os.kernel = testScratch(dir, "kernel", 0);
        testMakeKernel(def->os.kernel);
    }
    if (def->os.initrd) {
        g_free(def->os.initrd);
        def->os.initrd = testScratch(dir, "initrd", 0);
        testMakeFile(def->os.initrd, NULL);
    }
    for (j = 0; j < G_N_ELEMENTS(chrs); j++) {
        for (i = 0; i < chrs[j]->len; i++) {
            virDomainChrDef *c = g_ptr_array_index(chrs[j], i);
            if (c->path) {
                g_free(c->path);
                c->path = g_strdup_printf("%s/chr%zu-%zu", dir, j, i);
            }
            if (c->logFile) {
                g_free(c->logFile);
                c->logFile = g_strdup_printf("%s/log%zu-%zu", dir, j, i);
            }
        }
    }
    for (i = 0; i < def->graphics->len; i++) {
        virDomainGraphicsDef *g = g_ptr_array_index(def->graphics, i);
        if (g->socket) {
            g_free(g->socket);
            g->socket = g_strdup_printf("%s/vnc.sock", dir);
        }
    }
    for (i = 0; i < def->numatune.memnodes->len; i++) {
        virDomainNumatuneMemnode *mn =
            &g_array_index(def->numatune.memnodes, virDomainNumatuneMemnode, i);
        g_free(mn->nodeset);
        mn->nodeset = g_strdup("0");
    }
    if (def->numatune.nodeset) {
        g_free(def->numatune.nodeset);
        def->numatune.nodeset = g_strdup("0");
    }
    return TRUE;
}

/* KVM guests run under TCG here */
static void
testTCGify(char **argv)
{
    size_t i;

    for (i = 0; argv[i]; i++) {
        if (g_str_equal(argv[i], "-machine") && argv[i + 1]) {
            g_auto(GStrv) props = g_strsplit(argv[i + 1], ",", -1);
            GString *m = g_string_new(props[0]);
            size_t j;

            for (j = 1; props[j]; j++) {
                if (g_str_equal(props[j], "accel=kvm"))
                    g_string_append(m, ",accel=tcg");
                else if (g_str_equal(props[j], "cap-htm=on") ||
                         g_str_has_prefix(props[j], "cap-hpt-max-page-size=") ||
                         g_str_equal(props[j], "resize-hpt=required") ||
                         g_str_has_prefix(props[j], "ic-mode="))
                    continue;   /* KVM-HV only */
                else
                    g_string_append_printf(m, ",%s", props[j]);
            }
            g_free(argv[i + 1]);
            argv[i + 1] = g_string_free(m, FALSE);
        } else if (g_str_equal(argv[i], "-object") && argv[i + 1] &&
                   strstr(argv[i + 1], "\"hugetlb\":true")) {
            /* this host has no hugepages reserved: plain memfd */
            g_autoptr(JsonParser) parser = json_parser_new();
            g_autoptr(JsonGenerator) gen = json_generator_new();
            JsonObject *obj;

            g_assert_true(json_parser_load_from_data(parser, argv[i + 1], -1,
                                                     NULL));
            obj = json_node_get_object(json_parser_get_root(parser));
            json_object_remove_member(obj, "hugetlb");
            json_object_remove_member(obj, "hugetlbsize");
            json_object_remove_member(obj, "prealloc");
            json_generator_set_root(gen, json_parser_get_root(parser));
            g_free(argv[i + 1]);
            argv[i + 1] = json_generator_to_data(gen, NULL);
        } else if (g_str_equal(argv[i], "-cpu") && argv[i + 1] &&
                   g_str_equal(argv[i + 1], "host")) {
            g_free(argv[i + 1]);
            argv[i + 1] = g_strdup("POWER10");
        }
    }
}

/* Connects to QEMU's monitor; -1 when QEMU exited first (its wait
 * status in @status, and @exited set) or never listened */
static int
testConnect(const char *path, GPid pid, int *status, gboolean *exited)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int i;

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    for (i = 0; i < 600; i++) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (connect(fd, (struct sockaddr *) &addr, sizeof(addr)) == 0)
            return fd;
        close(fd);
        if (waitpid(pid, status, WNOHANG) == pid) {
            *exited = TRUE;
            return -1;
        }
        g_usleep(50 * 1000);
    }
    return -1;
}

/* How long QEMU may take for one QMP reply before the case fails */
#define TEST_QMP_TIMEOUT_MS (60 * 1000)

/* One reply line, skipping asynchronous events; empty when QEMU closed
 * the socket, hung or could not be written to (the caller names the step) */
static char *
testQMP(int fd, const char *cmd)
{
    GString *buf = g_string_new(NULL);
    char c;

    if (cmd && send(fd, cmd, strlen(cmd), MSG_NOSIGNAL) != (ssize_t) strlen(cmd))
        return g_string_free(buf, FALSE);
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        if (poll(&pfd, 1, TEST_QMP_TIMEOUT_MS) <= 0) {
            g_string_assign(buf, "");
            break;
        }
        if ((n = read(fd, &c, 1)) <= 0)
            break;
        if (c == '\n') {
            if (strstr(buf->str, "\"event\"")) {
                g_string_truncate(buf, 0);
                continue;
            }
            break;
        }
        g_string_append_c(buf, c);
    }
    return g_string_free(buf, FALSE);
}

/* QEMUSTART_EXTRA_ARGS: arguments appended to every command line (the
 * failure test points a device at a missing ROM with it) */
static char **
testAppendExtraArgs(char **argv)
{
    const char *extra = g_getenv("QEMUSTART_EXTRA_ARGS");
    g_auto(GStrv) add = NULL;
    GPtrArray *all;
    size_t i;

    if (!extra || !*extra || !g_shell_parse_argv(extra, NULL, &add, NULL))
        return argv;
    all = g_ptr_array_new();
    for (i = 0; argv[i]; i++)
        g_ptr_array_add(all, argv[i]);
    for (i = 0; add[i]; i++)
        g_ptr_array_add(all, g_strdup(add[i]));
    g_ptr_array_add(all, NULL);
    g_free(argv);
    return (char **) g_ptr_array_free(all, FALSE);
}

/* Waits up to @ms for @pid to exit; kills it when it does not */
static gboolean
testWaitExit(GPid pid, int ms, int *status)
{
    int waited;

    for (waited = 0; waited < ms; waited += 20) {
        if (waitpid(pid, status, WNOHANG) == pid)
            return TRUE;
        g_usleep(20 * 1000);
    }
    kill(pid, SIGKILL);
    return FALSE;
}

static GHashTable *deviceHelp;   /* driver -> help text */

/* every property of every -device exists in `-device DRIVER,help`;
 * NULL when they all do */
static char *
testCheckDeviceProps(char **argv)
{
    size_t i;

    for (i = 0; argv[i]; i++) {
        g_autoptr(JsonParser) parser = NULL;
        JsonObject *obj;
        GList *members, *l;
        const char *driver;
        const char *help;
        char *bad = NULL;

        if (!g_str_equal(argv[i], "-device") || !argv[i + 1] ||
            argv[i + 1][0] != '{')
            continue;
        parser = json_parser_new();
        if (!json_parser_load_from_data(parser, argv[i + 1], -1, NULL))
            return g_strdup_printf("-device %s is not JSON", argv[i + 1]);
        obj = json_node_get_object(json_parser_get_root(parser));
        driver = json_object_get_string_member(obj, "driver");
        if (!(help = g_hash_table_lookup(deviceHelp, driver))) {
            g_autofree char *cmd =
                g_strdup_printf("%s -device %s,help", TCEVIRT_DEFAULT_EMULATOR,
                                driver);
            char *out = NULL;
            gint st = 0;

            if (!g_spawn_command_line_sync(cmd, &out, NULL, &st, NULL) ||
                st != 0) {
                g_free(out);
                return g_strdup_printf("QEMU has no device '%s'", driver);
            }
            g_hash_table_insert(deviceHelp, g_strdup(driver), out);
            help = out;
        }
        members = json_object_get_members(obj);
        for (l = members; l && !bad; l = l->next) {
            g_autofree char *needle = g_strdup_printf("  %s=", (char *) l->data);
            if (g_str_equal(l->data, "driver") || g_str_equal(l->data, "id") ||
                g_str_equal(l->data, "bus"))
                continue;
            if (!strstr(help, needle))
                bad = g_strdup_printf("device %s has no property '%s'",
                                      driver, (char *) l->data);
        }
        g_list_free(members);
        if (bad)
            return bad;
    }
    return NULL;
}

static void
testRemoveTree(const char *dir)
{
    g_autofree char *q = g_shell_quote(dir);
    g_autofree char *rm = g_strdup_printf("rm -rf %s", q);

    g_spawn_command_line_sync(rm, NULL, NULL, NULL, NULL);
}

/* NULL when the case passes, else why it failed */
static char *
testStartOne(const char *name, const char *dir)
{
    g_autofree char *path = g_strdup_printf("%s/%s.xml", datadir, name);
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *rundir = g_strdup_printf("%s/run", dir);
    g_autofree char *hugedir = g_strdup_printf("%s/huge", dir);
    g_autofree char *memdir = g_strdup_printf("%s/ram", dir);
    g_autofree char *logpath = g_strdup_printf("%s/qemu.log", dir);
    g_autofree char *monitor = NULL;
    g_autofree char *log = NULL;
    g_autofree char *why = NULL;
    g_auto(GStrv) argv = NULL;
    qemuCommandConfig cfg = { rundir, hugedir, memdir };
    GPid pid;
    int logfd, fd, status = 0;
    gboolean exited = FALSE;
    gsize len;
    const char *step;
    static const char *const cmds[] = {
        NULL,
        "{\"execute\":\"qmp_capabilities\"}\n",
        "{\"execute\":\"query-status\"}\n",
        "{\"execute\":\"query-pci\"}\n",
    };
    static const char *const expect[] = {
        "\"QMP\"", "\"return\"", "\"prelaunch\"", "\"return\"",
    };
    size_t i;

    if (!g_file_get_contents(path, &xml, &len, NULL))
        return g_strdup_printf("cannot read %s", path);
    if (!(def = qemuDomainDefParseAndNormalize(xml, len, name, warnings, &err)))
        return g_strdup_printf("does not normalize: %s", err->message);
    if (!testLocalize(def, dir)) {
        /* host devices cannot be opened here: check the properties */
        if (!(argv = qemuBuildCommandLine(def, NULL, &err)))
            return g_strdup_printf("no command line: %s", err->message);
        return testCheckDeviceProps(argv);
    }
    {
        g_autofree char *m = g_strdup_printf("%s/%s", rundir, def->name);
        g_autofree char *h = g_strdup_printf("%s/tcevirt", hugedir);
        if (g_mkdir_with_parents(m, 0700) < 0 ||
            g_mkdir_with_parents(h, 0700) < 0 ||
            g_mkdir_with_parents(memdir, 0700) < 0)
            return g_strdup_printf("cannot create scratch directories");
    }
    if (!(argv = qemuBuildCommandLine(def, &cfg, &err)))
        return g_strdup_printf("no command line: %s", err->message);
    if ((why = testCheckDeviceProps(argv)))
        return g_steal_pointer(&why);
    testTCGify(argv);
    argv = testAppendExtraArgs(argv);
    monitor = qemuDomainMonitorPath(def, &cfg);

    logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (logfd < 0 ||
        !g_spawn_async_with_fds(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &pid, -1, logfd, logfd, &err)) {
        if (logfd >= 0)
            close(logfd);
        return g_strdup_printf("cannot run QEMU: %s",
                               err ? err->message : g_strerror(errno));
    }
    close(logfd);

    if ((fd = testConnect(monitor, pid, &status, &exited)) < 0) {
        step = "connecting to the monitor";
    } else {
        step = NULL;
        for (i = 0; i < G_N_ELEMENTS(cmds) && !step; i++) {
            g_autofree char *reply = testQMP(fd, cmds[i]);
            if (!strstr(reply, expect[i]))
                step = cmds[i] ? cmds[i] : "the QMP greeting";
        }
        g_free(testQMP(fd, "{\"execute\":\"quit\"}\n"));
        close(fd);
    }
    if (step && !exited) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    } else if (!step && !testWaitExit(pid, 30 * 1000, &status)) {
        step = "exiting after quit (killed after 30 s)";
        waitpid(pid, &status, 0);
    }
    g_spawn_close_pid(pid);
    if (!step && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return NULL;
    g_file_get_contents(logpath, &log, NULL, NULL);
    return g_strdup_printf("QEMU failed (%s; exit status 0x%x):\n%s",
                           step ? step : "after quit", status,
                           log ? log : "");
}

static void
testStart(gconstpointer data)
{
    const char *name = data;
    g_autofree char *dir = g_dir_make_tmp("qemustart-XXXXXX", NULL);
    g_autofree char *why = NULL;

    g_assert_nonnull(dir);
    why = testStartOne(name, dir);
    testRemoveTree(dir);
    if (why)
        g_test_fail_printf("%s: %s", name, why);
}

int
main(int argc, char **argv)
{
    g_autoptr(GPtrArray) cases = NULL;
    size_t i;

    g_test_init(&argc, &argv, NULL);
    /* a QEMU that dies under us is that case's failure, not ours */
    signal(SIGPIPE, SIG_IGN);
    deviceHelp = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    datadir = g_getenv("QEMUXML2ARGV_DATA");
    cases = testListCases(datadir, ".args");
    for (i = 0; i < cases->len; i++) {
        const char *name = g_ptr_array_index(cases, i);
        g_autofree char *tpath = g_strdup_printf("/qemustart/%s", name);
        g_test_add_data_func(tpath, name, testStart);
    }
    return g_test_run();
}
