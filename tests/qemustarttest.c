/*
 * qemustarttest.c: every golden command line without host devices starts
 *
 * For each tests/qemuxml2argvdata case that normalizes and has no
 * <hostdev>, build the command line and run Debian's qemu-system-ppc64
 * with it (-S), talk QMP over the monitor socket (capabilities,
 * query-status, query-pci) and quit.  Paths that only exist on a real
 * host (disk images, kernels, logs, sockets, hugetlbfs, host NUMA nodes)
 * are pointed into a scratch directory first; KVM guests run under TCG on
 * this x86 machine (accel=tcg, -cpu host -> POWER10, KVM-only caps off).
 * The command line is otherwise the golden one.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
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
        testMakeFile(def->os.kernel, NULL);
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
        } else if (g_str_equal(argv[i], "-cpu") && argv[i + 1] &&
                   g_str_equal(argv[i + 1], "host")) {
            g_free(argv[i + 1]);
            argv[i + 1] = g_strdup("POWER10");
        }
    }
}

static int
testConnect(const char *path, GPid pid)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int i;

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    for (i = 0; i < 600; i++) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int status;

        if (connect(fd, (struct sockaddr *) &addr, sizeof(addr)) == 0)
            return fd;
        close(fd);
        if (waitpid(pid, &status, WNOHANG) == pid)
            return -1;
        g_usleep(50 * 1000);
    }
    return -1;
}

static char *
testQMP(int fd, const char *cmd)
{
    GString *buf = g_string_new(NULL);
    char c;

    if (cmd && write(fd, cmd, strlen(cmd)) != (ssize_t) strlen(cmd))
        return g_string_free(buf, TRUE);
    /* one reply line, skipping asynchronous events */
    for (;;) {
        ssize_t n = read(fd, &c, 1);
        if (n <= 0)
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

static GHashTable *deviceHelp;   /* driver -> help text */

/* every property of every -device exists in `-device DRIVER,help` */
static void
testCheckDeviceProps(char **argv)
{
    size_t i;

    for (i = 0; argv[i]; i++) {
        g_autoptr(JsonParser) parser = NULL;
        JsonObject *obj;
        GList *members, *l;
        const char *driver;
        const char *help;

        if (!g_str_equal(argv[i], "-device") || !argv[i + 1] ||
            argv[i + 1][0] != '{')
            continue;
        parser = json_parser_new();
        g_assert_true(json_parser_load_from_data(parser, argv[i + 1], -1,
                                                 NULL));
        obj = json_node_get_object(json_parser_get_root(parser));
        driver = json_object_get_string_member(obj, "driver");
        if (!(help = g_hash_table_lookup(deviceHelp, driver))) {
            g_autofree char *cmd =
                g_strdup_printf("%s -device %s,help", TCEVIRT_DEFAULT_EMULATOR,
                                driver);
            char *out = NULL;
            gint st = 0;

            g_assert_true(g_spawn_command_line_sync(cmd, &out, NULL, &st,
                                                    NULL));
            if (st != 0)
                g_test_message("QEMU has no device '%s'", driver);
            g_assert_cmpint(st, ==, 0);
            g_hash_table_insert(deviceHelp, g_strdup(driver), out);
            help = out;
        }
        members = json_object_get_members(obj);
        for (l = members; l; l = l->next) {
            g_autofree char *needle = g_strdup_printf("  %s=", (char *) l->data);
            if (g_str_equal(l->data, "driver") || g_str_equal(l->data, "id") ||
                g_str_equal(l->data, "bus"))
                continue;
            if (!strstr(help, needle))
                g_test_message("device %s has no property '%s'", driver,
                               (char *) l->data);
            g_assert_nonnull(strstr(help, needle));
        }
        g_list_free(members);
    }
}

static void
testStart(gconstpointer data)
{
    const char *name = data;
    g_autofree char *path = g_strdup_printf("%s/%s.xml", datadir, name);
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *dir = NULL;
    g_autofree char *hugedir = NULL;
    g_autofree char *rundir = NULL;
    g_autofree char *logpath = NULL;
    g_autofree char *monitor = NULL;
    g_autofree char *greeting = NULL;
    g_autofree char *reply = NULL;
    g_autofree char *log = NULL;
    g_auto(GStrv) argv = NULL;
    qemuCommandConfig cfg = { 0 };
    GPid pid;
    int logfd, fd, status = 0;
    gsize len;

    g_assert_true(g_file_get_contents(path, &xml, &len, NULL));
    def = qemuDomainDefParseAndNormalize(xml, len, name, warnings, &err);
    g_assert_nonnull(def);
    dir = g_dir_make_tmp("qemustart-XXXXXX", NULL);
    g_assert_nonnull(dir);
    if (!testLocalize(def, dir)) {
        /* host devices cannot be opened here: check the properties */
        argv = qemuBuildCommandLine(def, NULL, &err);
        g_assert_nonnull(argv);
        testCheckDeviceProps(argv);
        g_assert_cmpint(rmdir(dir), ==, 0);
        return;
    }
    rundir = g_strdup_printf("%s/run", dir);
    hugedir = g_strdup_printf("%s/huge", dir);
    cfg.runDir = rundir;
    cfg.hugepagesDir = hugedir;
    g_assert_cmpint(g_mkdir_with_parents(rundir, 0700), ==, 0);
    {
        g_autofree char *m = g_strdup_printf("%s/%s", rundir, def->name);
        g_autofree char *h = g_strdup_printf("%s/tcevirt", hugedir);
        g_assert_cmpint(g_mkdir_with_parents(m, 0700), ==, 0);
        g_assert_cmpint(g_mkdir_with_parents(h, 0700), ==, 0);
    }
    argv = qemuBuildCommandLine(def, &cfg, &err);
    g_assert_nonnull(argv);
    testCheckDeviceProps(argv);
    testTCGify(argv);
    monitor = qemuDomainMonitorPath(def, &cfg);

    logpath = g_strdup_printf("%s/qemu.log", dir);
    logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    g_assert_cmpint(logfd, >=, 0);
    g_assert_true(g_spawn_async_with_fds(NULL, argv, NULL,
                                         G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                         &pid, -1, logfd, logfd, &err));
    close(logfd);

    fd = testConnect(monitor, pid);
    if (fd < 0) {
        g_file_get_contents(logpath, &log, NULL, NULL);
        g_test_message("QEMU did not come up for %s:\n%s", name, log);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        g_assert_not_reached();
    }
    greeting = testQMP(fd, NULL);
    g_assert_nonnull(strstr(greeting, "\"QMP\""));
    g_free(reply);
    reply = testQMP(fd, "{\"execute\":\"qmp_capabilities\"}\n");
    g_assert_nonnull(strstr(reply, "\"return\""));
    g_free(reply);
    reply = testQMP(fd, "{\"execute\":\"query-status\"}\n");
    g_assert_nonnull(strstr(reply, "\"prelaunch\""));
    g_free(reply);
    reply = testQMP(fd, "{\"execute\":\"query-pci\"}\n");
    g_assert_nonnull(strstr(reply, "\"return\""));
    g_free(reply);
    reply = testQMP(fd, "{\"execute\":\"quit\"}\n");
    close(fd);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_spawn_close_pid(pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        g_file_get_contents(logpath, &log, NULL, NULL);
        g_test_message("QEMU exited with status %d:\n%s", status, log);
    }
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    {
        g_autofree char *rm = g_strdup_printf("rm -rf '%s'", dir);
        g_assert_true(g_spawn_command_line_sync(rm, NULL, NULL, NULL, NULL));
    }
}

int
main(int argc, char **argv)
{
    g_autoptr(GPtrArray) cases = NULL;
    size_t i;

    g_test_init(&argc, &argv, NULL);
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
