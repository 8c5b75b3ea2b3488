/*
 * qemu_capabilities.c: the host (sysfs, /proc) and QEMU (QMP) as libvirt's
 * capabilities and domain capabilities
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "domain_conf.h"
#include "qemu_capabilities.h"
#include "virerror.h"
#include "virfile.h"

#define QEMU_CAPS_PROBE_TIMEOUT_MS (30 * 1000)
#define QEMU_CAPS_SYS_NODE "/sys/devices/system/node"
#define QEMU_CAPS_SYS_CPU "/sys/devices/system/cpu"

/* the POWER models libvirt's CPU map names, in QEMU's spelling lowered */
static const char *const qemuCapsPowerModels[] = {
    "POWER7", "POWER8", "POWER9", "POWER10", "POWER11",
};

static void
qemuCapsMachineFree(gpointer data)
{
    qemuCapsMachine *m = data;

    g_free(m->name);
    g_free(m->alias);
    g_free(m);
}

qemuCaps *
qemuCapsRef(qemuCaps *caps)
{
    g_atomic_int_inc(&caps->refs);
    return caps;
}

void
qemuCapsUnref(qemuCaps *caps)
{
    if (!caps || !g_atomic_int_dec_and_test(&caps->refs))
        return;
    g_free(caps->emulator);
    g_ptr_array_unref(caps->machines);
    g_ptr_array_unref(caps->cpuModels);
    g_free(caps);
}

/* ---- probing QEMU ---------------------------------------------------- */

/* Runs @emulator with QMP on stdio, sends @cmds and returns every line it
 * printed until it exited */
static char *
qemuCapsRunQMP(const char *emulator, const char *cmds, GError **errp)
{
    const char *argv[] = { emulator, "-S", "-no-user-config", "-nodefaults",
                           "-display", "none", "-machine", "none",
                           "-qmp", "stdio", NULL };
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GError) err = NULL;
    GPid pid;
    int in = -1, fd = -1, status = 0;
    gint64 deadline = g_get_monotonic_time() +
                      QEMU_CAPS_PROBE_TIMEOUT_MS * (gint64) 1000;
    gboolean timedOut = FALSE;

    if (!g_spawn_async_with_pipes(NULL, (char **) argv, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD |
                                  G_SPAWN_STDERR_TO_DEV_NULL,
                                  NULL, NULL, &pid, &in, &fd, NULL, &err)) {
        virReportError(errp, VIR_ERR_INTERNAL_ERROR,
                       "cannot run %s to learn its capabilities: %s; install "
                       "qemu-system-ppc or set the emulator", emulator,
                       err->message);
        return NULL;
    }
    if (write(in, cmds, strlen(cmds)) != (ssize_t) strlen(cmds)) {
        /* QEMU died at once: its exit status says why below */
    }
    close(in);
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;
        char buf[65536];
        ssize_t n;

        if (left <= 0 || poll(&p, 1, left) <= 0) {
            timedOut = TRUE;
            break;
        }
        if ((n = read(fd, buf, sizeof(buf))) <= 0)
            break;
        g_string_append_len(out, buf, n);
    }
    close(fd);
    if (timedOut)
        kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    g_spawn_close_pid(pid);
    if (timedOut) {
        virReportError(errp, VIR_ERR_OPERATION_TIMEOUT,
                       "%s did not answer QMP within %d s while tcevirt "
                       "probed its capabilities", emulator,
                       QEMU_CAPS_PROBE_TIMEOUT_MS / 1000);
        return NULL;
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/* The "return" members of the replies, in order (greeting and events
 * skipped) */
static GPtrArray *
qemuCapsReplies(const char *emulator, const char *text, GError **errp)
{
    g_autoptr(GPtrArray) replies =
        g_ptr_array_new_with_free_func((GDestroyNotify) json_node_unref);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    size_t i;

    for (i = 0; lines[i]; i++) {
        g_autoptr(JsonParser) parser = json_parser_new();
        JsonObject *obj;

        if (!*g_strstrip(lines[i]) ||
            !json_parser_load_from_data(parser, lines[i], -1, NULL) ||
            !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
            continue;
        obj = json_node_get_object(json_parser_get_root(parser));
        if (json_object_has_member(obj, "return"))
            g_ptr_array_add(replies,
                            json_node_copy(json_object_get_member(obj, "return")));
        else if (json_object_has_member(obj, "error")) {
            JsonObject *e = json_object_get_object_member(obj, "error");
            virReportError(errp, VIR_ERR_INTERNAL_ERROR,
                           "%s refused a capability query: %s", emulator,
                           json_object_get_string_member_with_default(e, "desc",
                                                                      "?"));
            return NULL;
        }
    }
    return g_steal_pointer(&replies);
}

static void
qemuCapsParseMachines(qemuCaps *caps, JsonArray *list)
{
    guint i;

    for (i = 0; list && i < json_array_get_length(list); i++) {
        JsonObject *o = json_array_get_object_element(list, i);
        const char *name = json_object_get_string_member_with_default(o, "name",
                                                                      "");
        qemuCapsMachine *m;

        /* tcevirt runs pseries guests only */
        if (!g_str_has_prefix(name, "pseries"))
            continue;
        m = g_new0(qemuCapsMachine, 1);
        m->name = g_strdup(name);
        m->alias = g_strdup(json_object_get_string_member_with_default(o, "alias",
                                                                       NULL));
        m->maxCpus = json_object_get_int_member_with_default(o, "cpu-max", 1);
        m->isDefault = json_object_get_boolean_member_with_default(o,
                                                                   "is-default",
                                                                   FALSE);
        m->deprecated = json_object_get_boolean_member_with_default(o,
                                                                    "deprecated",
                                                                    FALSE);
        g_ptr_array_add(caps->machines, m);
    }
}

static gint
qemuCapsMachineCmp(gconstpointer a, gconstpointer b)
{
    const qemuCapsMachine *x = *(qemuCapsMachine *const *) a;
    const qemuCapsMachine *y = *(qemuCapsMachine *const *) b;

    return g_utf8_collate(x->name, y->name);
}

static void
qemuCapsParseCPUs(qemuCaps *caps, JsonArray *list)
{
    size_t m;
    guint i;

    for (m = 0; m < G_N_ELEMENTS(qemuCapsPowerModels); m++) {
        for (i = 0; list && i < json_array_get_length(list); i++) {
            JsonObject *o = json_array_get_object_element(list, i);
            const char *name = json_object_get_string_member_with_default(o,
                                                                          "name",
                                                                          "");

            if (g_ascii_strcasecmp(name, qemuCapsPowerModels[m]) == 0) {
                g_ptr_array_add(caps->cpuModels,
                                g_strdup(qemuCapsPowerModels[m]));
                break;
            }
        }
    }
}

qemuCaps *
qemuCapsProbe(const char *emulator, GError **errp)
{
    static const char cmds[] =
        "{\"execute\":\"qmp_capabilities\"}\n"
        "{\"execute\":\"query-version\"}\n"
        "{\"execute\":\"query-machines\"}\n"
        "{\"execute\":\"query-cpu-definitions\"}\n"
        "{\"execute\":\"quit\"}\n";
    g_autoptr(qemuCaps) caps = g_new0(qemuCaps, 1);
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) replies = NULL;
    struct stat sb;
    JsonObject *ver;

    caps->refs = 1;
    caps->emulator = g_strdup(emulator);
    caps->machines = g_ptr_array_new_with_free_func(qemuCapsMachineFree);
    caps->cpuModels = g_ptr_array_new_with_free_func(g_free);
    if (stat(emulator, &sb) < 0) {
        virReportSystemError(errp, errno, "cannot find the emulator %s",
                             emulator);
        return NULL;
    }
    caps->mtime = sb.st_mtim.tv_sec * G_GINT64_CONSTANT(1000000000) +
                  sb.st_mtim.tv_nsec;
    if (!(text = qemuCapsRunQMP(emulator, cmds, errp)) ||
        !(replies = qemuCapsReplies(emulator, text, errp)))
        return NULL;
    /* qmp_capabilities, version, machines, cpus (quit may not answer) */
    if (replies->len < 4 ||
        !JSON_NODE_HOLDS_OBJECT(g_ptr_array_index(replies, 1)) ||
        !JSON_NODE_HOLDS_ARRAY(g_ptr_array_index(replies, 2)) ||
        !JSON_NODE_HOLDS_ARRAY(g_ptr_array_index(replies, 3))) {
        virReportError(errp, VIR_ERR_INTERNAL_ERROR,
                       "%s answered %u of the 4 capability queries; is it a "
                       "QEMU system emulator?", emulator, replies->len);
        return NULL;
    }
    ver = json_object_get_object_member(
        json_node_get_object(g_ptr_array_index(replies, 1)), "qemu");
    if (ver)
        caps->version =
            json_object_get_int_member_with_default(ver, "major", 0) * 1000000 +
            json_object_get_int_member_with_default(ver, "minor", 0) * 1000 +
            json_object_get_int_member_with_default(ver, "micro", 0);
    qemuCapsParseMachines(caps, json_node_get_array(g_ptr_array_index(replies,
                                                                      2)));
    g_ptr_array_sort(caps->machines, qemuCapsMachineCmp);
    qemuCapsParseCPUs(caps, json_node_get_array(g_ptr_array_index(replies, 3)));
    if (!caps->machines->len) {
        virReportError(errp, VIR_ERR_CONFIG_UNSUPPORTED,
                       "%s has no pseries machine type; tcevirt needs "
                       "qemu-system-ppc64", emulator);
        return NULL;
    }
    return g_steal_pointer(&caps);
}

const qemuCapsMachine *
qemuCapsFindMachine(qemuCaps *caps, const char *name)
{
    const qemuCapsMachine *def = NULL;
    guint i;

    for (i = 0; i < caps->machines->len; i++) {
        const qemuCapsMachine *m = g_ptr_array_index(caps->machines, i);

        if (name && (g_str_equal(m->name, name) ||
                     g_strcmp0(m->alias, name) == 0))
            return m;
        if (!def || m->isDefault || (!def->isDefault && m->alias))
            def = m;
    }
    return name ? NULL : def;
}

int
qemuCapsMaxCpus(qemuCaps *caps, const char *machine)
{
    const qemuCapsMachine *m = qemuCapsFindMachine(caps, machine);

    return m ? m->maxCpus : 1;
}

/* ---- the cache -------------------------------------------------------- */

struct _qemuCapsCache {
    GMutex lock;
    GHashTable *byPath;             /* emulator -> qemuCaps */
};

qemuCapsCache *
qemuCapsCacheNew(void)
{
    qemuCapsCache *c = g_new0(qemuCapsCache, 1);

    g_mutex_init(&c->lock);
    c->byPath = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) qemuCapsUnref);
    return c;
}

void
qemuCapsCacheFree(qemuCapsCache *c)
{
    if (!c)
        return;
    g_hash_table_unref(c->byPath);
    g_mutex_clear(&c->lock);
    g_free(c);
}

qemuCaps *
qemuCapsCacheLookup(qemuCapsCache *c, const char *emulator, GError **errp)
{
    qemuCaps *caps;
    struct stat sb;
    gint64 mtime = -1;

    if (!emulator)
        emulator = TCEVIRT_DEFAULT_EMULATOR;
    if (stat(emulator, &sb) == 0)
        mtime = sb.st_mtim.tv_sec * G_GINT64_CONSTANT(1000000000) +
                sb.st_mtim.tv_nsec;
    /* one probe at a time: a burst of clients at start-up probes once */
    g_mutex_lock(&c->lock);
    caps = g_hash_table_lookup(c->byPath, emulator);
    if (!caps || caps->mtime != mtime) {
        if ((caps = qemuCapsProbe(emulator, errp)))
            g_hash_table_replace(c->byPath, g_strdup(emulator), caps);
    }
    if (caps)
        qemuCapsRef(caps);
    g_mutex_unlock(&c->lock);
    return caps;
}

/* ---- the host --------------------------------------------------------- */

static int
qemuCapsReadInt(const char *path, int dflt)
{
    g_autofree char *text = virFileReadValue(path);
    gint64 v;

    if (!text || !g_ascii_string_to_signed(text, 10, G_MININT, G_MAXINT, &v,
                                           NULL))
        return dflt;
    return v;
}

/* "0-3,8" -> sorted ids */
static GArray *
qemuCapsParseCPUList(const char *text)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(int));
    g_auto(GStrv) parts = g_strsplit(text ? text : "", ",", -1);
    size_t i;

    for (i = 0; parts[i]; i++) {
        int a, b, k;

        if (sscanf(parts[i], "%d-%d", &a, &b) == 2) {
            for (k = a; k <= b && k - a < 65536; k++)
                g_array_append_val(ids, k);
        } else if (sscanf(parts[i], "%d", &a) == 1) {
            g_array_append_val(ids, a);
        }
    }
    return ids;
}

typedef struct {
    int id;
    int socket;
    int die;
    int cluster;
    int core;
    char *siblings;
} qemuCapsCPU;

typedef struct {
    int id;
    guint64 memKiB;
    GArray *cpus;                   /* qemuCapsCPU */
    char *distances;                /* the node's distance line */
} qemuCapsCell;

static void
qemuCapsCellFree(gpointer data)
{
    qemuCapsCell *cell = data;
    guint i;

    for (i = 0; i < cell->cpus->len; i++)
        g_free(g_array_index(cell->cpus, qemuCapsCPU, i).siblings);
    g_array_unref(cell->cpus);
    g_free(cell->distances);
    g_free(cell);
}

static guint64
qemuCapsMemTotal(const char *meminfo, const char *key)
{
    g_autofree char *kb = virFileReadField(meminfo, key);

    return kb ? g_ascii_strtoull(kb, NULL, 10) : 0;
}

static void
qemuCapsAddCPU(qemuCapsCell *cell, int id)
{
    g_autofree char *dir = g_strdup_printf(QEMU_CAPS_SYS_CPU "/cpu%d/topology",
                                           id);
    g_autofree char *online = g_strdup_printf(QEMU_CAPS_SYS_CPU "/cpu%d/online",
                                              id);
    g_autofree char *p = NULL;
    qemuCapsCPU cpu = { id, 0, 0, 0, 0, NULL };

    if (qemuCapsReadInt(online, 1) == 0)
        return;
    p = g_build_filename(dir, "physical_package_id", NULL);
    cpu.socket = MAX(qemuCapsReadInt(p, 0), 0);
    g_free(p);
    p = g_build_filename(dir, "die_id", NULL);
    cpu.die = MAX(qemuCapsReadInt(p, 0), 0);
    g_free(p);
    p = g_build_filename(dir, "cluster_id", NULL);
    cpu.cluster = MAX(qemuCapsReadInt(p, 0), 0);
    g_free(p);
    p = g_build_filename(dir, "core_id", NULL);
    cpu.core = MAX(qemuCapsReadInt(p, id), 0);
    g_free(p);
    p = g_build_filename(dir, "thread_siblings_list", NULL);
    cpu.siblings = virFileReadValue(p);
    if (!cpu.siblings)
        cpu.siblings = g_strdup_printf("%d", id);
    g_array_append_val(cell->cpus, cpu);
}

/* The NUMA cells with their online CPUs (one cell for a kernel without
 * NUMA) */
static GPtrArray *
qemuCapsCells(void)
{
    GPtrArray *cells = g_ptr_array_new_with_free_func(qemuCapsCellFree);
    g_autofree char *online = virFileReadValue(QEMU_CAPS_SYS_NODE "/online");
    g_autoptr(GArray) nodes = NULL;
    guint n, c;

    if (!online) {
        g_autofree char *cpus = virFileReadValue(QEMU_CAPS_SYS_CPU "/online");
        g_autoptr(GArray) ids = qemuCapsParseCPUList(cpus ? cpus : "0");
        qemuCapsCell *cell = g_new0(qemuCapsCell, 1);

        cell->cpus = g_array_new(FALSE, FALSE, sizeof(qemuCapsCPU));
        cell->memKiB = qemuCapsMemTotal("/proc/meminfo", "MemTotal");
        cell->distances = g_strdup("10");
        for (c = 0; c < ids->len; c++)
            qemuCapsAddCPU(cell, g_array_index(ids, int, c));
        g_ptr_array_add(cells, cell);
        return cells;
    }
    nodes = qemuCapsParseCPUList(online);
    for (n = 0; n < nodes->len; n++) {
        int id = g_array_index(nodes, int, n);
        g_autofree char *dir = g_strdup_printf(QEMU_CAPS_SYS_NODE "/node%d", id);
        g_autofree char *cpulist = g_strdup_printf("%s/cpulist", dir);
        g_autofree char *meminfo = g_strdup_printf("%s/meminfo", dir);
        g_autofree char *dist = g_strdup_printf("%s/distance", dir);
        g_autofree char *cpus = virFileReadValue(cpulist);
        g_autoptr(GArray) ids = qemuCapsParseCPUList(cpus);
        g_autofree char *key = g_strdup_printf("Node %d MemTotal", id);
        qemuCapsCell *cell = g_new0(qemuCapsCell, 1);

        cell->id = id;
        cell->cpus = g_array_new(FALSE, FALSE, sizeof(qemuCapsCPU));
        cell->memKiB = qemuCapsMemTotal(meminfo, key);
        cell->distances = virFileReadValue(dist);
        for (c = 0; c < ids->len; c++)
            qemuCapsAddCPU(cell, g_array_index(ids, int, c));
        g_ptr_array_add(cells, cell);
    }
    return cells;
}

/* libvirt's topology: sockets per node, cores per socket, threads per
 * core, from the first cell that has CPUs */
static void
qemuCapsTopology(GPtrArray *cells, int *sockets, int *cores, int *threads)
{
    guint i, j;

    *sockets = *cores = *threads = 1;
    for (i = 0; i < cells->len; i++) {
        qemuCapsCell *cell = g_ptr_array_index(cells, i);
        g_autoptr(GHashTable) socks = g_hash_table_new(NULL, NULL);
        g_autoptr(GHashTable) coreset = g_hash_table_new(NULL, NULL);
        qemuCapsCPU *first;
        g_autoptr(GArray) sib = NULL;

        if (!cell->cpus->len)
            continue;
        first = &g_array_index(cell->cpus, qemuCapsCPU, 0);
        for (j = 0; j < cell->cpus->len; j++) {
            qemuCapsCPU *cpu = &g_array_index(cell->cpus, qemuCapsCPU, j);

            g_hash_table_add(socks, GINT_TO_POINTER(cpu->socket + 1));
            if (cpu->socket == first->socket)
                g_hash_table_add(coreset, GINT_TO_POINTER(cpu->core + 1));
        }
        sib = qemuCapsParseCPUList(first->siblings);
        *sockets = MAX(g_hash_table_size(socks), 1);
        *cores = MAX(g_hash_table_size(coreset), 1);
        *threads = MAX(sib->len, 1);
        return;
    }
}

static char *
qemuCapsHostArch(void)
{
    struct utsname u;

    uname(&u);
    return g_strdup(u.machine);
}

static gboolean
qemuCapsHostIsPower(void)
{
    g_autofree char *arch = qemuCapsHostArch();

    return g_str_has_prefix(arch, "ppc64");
}

/* POWER9 from "cpu : POWER9 (architected), altivec supported" */
static char *
qemuCapsHostCPUModel(void)
{
    g_autofree char *cpu = NULL;

    if (!qemuCapsHostIsPower() ||
        !(cpu = virFileReadField("/proc/cpuinfo", "cpu")))
        return NULL;
    cpu[strcspn(cpu, " (,")] = '\0';
    return g_str_has_prefix(cpu, "POWER") ? g_steal_pointer(&cpu) : NULL;
}

/* KVM can run a pseries guest here: a POWER host with /dev/kvm */
static gboolean
qemuCapsHaveKVM(void)
{
    return qemuCapsHostIsPower() && access("/dev/kvm", R_OK | W_OK) == 0;
}

static gint
qemuCapsCmpU64(gconstpointer a, gconstpointer b)
{
    guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

    return x < y ? -1 : x > y;
}

static void
qemuCapsFormatPages(GString *xml, const char *indent, const char *dir,
                    guint64 memKiB, gboolean counts)
{
    long page = sysconf(_SC_PAGESIZE) / 1024;
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GArray) sizes = g_array_new(FALSE, FALSE, sizeof(guint64));
    const char *ent;
    guint i;

    if (counts)
        g_string_append_printf(xml, "%s<pages unit='KiB' size='%ld'>%"
                               G_GUINT64_FORMAT "</pages>\n", indent, page,
                               memKiB / page);
    else
        g_string_append_printf(xml, "%s<pages unit='KiB' size='%ld'/>\n",
                               indent, page);
    while (d && (ent = g_dir_read_name(d))) {
        guint64 kb;

        if (sscanf(ent, "hugepages-%" G_GUINT64_FORMAT "kB", &kb) == 1)
            g_array_append_val(sizes, kb);
    }
    g_array_sort(sizes, qemuCapsCmpU64);
    for (i = 0; i < sizes->len; i++) {
        guint64 kb = g_array_index(sizes, guint64, i);
        g_autofree char *nr = g_strdup_printf("%s/hugepages-%" G_GUINT64_FORMAT
                                              "kB/nr_hugepages", dir, kb);

        if (counts)
            g_string_append_printf(xml, "%s<pages unit='KiB' size='%"
                                   G_GUINT64_FORMAT "'>%d</pages>\n", indent,
                                   kb, MAX(qemuCapsReadInt(nr, 0), 0));
        else
            g_string_append_printf(xml, "%s<pages unit='KiB' size='%"
                                   G_GUINT64_FORMAT "'/>\n", indent, kb);
    }
}

static void
qemuCapsFormatCells(GString *xml, GPtrArray *cells)
{
    guint i, j;

    g_string_append_printf(xml, "    <topology>\n      <cells num='%u'>\n",
                           cells->len);
    for (i = 0; i < cells->len; i++) {
        qemuCapsCell *cell = g_ptr_array_index(cells, i);
        g_autofree char *hp = g_strdup_printf(QEMU_CAPS_SYS_NODE
                                              "/node%d/hugepages", cell->id);
        g_auto(GStrv) dist = g_strsplit(cell->distances ? cell->distances : "",
                                        " ", -1);

        g_string_append_printf(xml, "        <cell id='%d'>\n", cell->id);
        g_string_append_printf(xml, "          <memory unit='KiB'>%"
                               G_GUINT64_FORMAT "</memory>\n", cell->memKiB);
        qemuCapsFormatPages(xml, "          ", hp, cell->memKiB, TRUE);
        if (g_strv_length(dist) == cells->len) {
            g_string_append(xml, "          <distances>\n");
            for (j = 0; j < cells->len; j++)
                g_string_append_printf(xml, "            <sibling id='%d' "
                                       "value='%s'/>\n",
                                       ((qemuCapsCell *)
                                        g_ptr_array_index(cells, j))->id,
                                       dist[j]);
            g_string_append(xml, "          </distances>\n");
        }
        g_string_append_printf(xml, "          <cpus num='%u'>\n",
                               cell->cpus->len);
        for (j = 0; j < cell->cpus->len; j++) {
            qemuCapsCPU *cpu = &g_array_index(cell->cpus, qemuCapsCPU, j);

            g_string_append_printf(xml, "            <cpu id='%d' socket_id='%d' "
                                   "die_id='%d' cluster_id='%d' core_id='%d' "
                                   "siblings='%s'/>\n", cpu->id, cpu->socket,
                                   cpu->die, cpu->cluster, cpu->core,
                                   cpu->siblings);
        }
        g_string_append(xml, "          </cpus>\n        </cell>\n");
    }
    g_string_append(xml, "      </cells>\n    </topology>\n");
}

static void
qemuCapsFormatGuest(GString *xml, qemuCaps *caps, const char *arch,
                    gboolean kvm)
{
    guint i;

    g_string_append(xml, "  <guest>\n    <os_type>hvm</os_type>\n");
    g_string_append_printf(xml, "    <arch name='%s'>\n", arch);
    g_string_append(xml, "      <wordsize>64</wordsize>\n");
    g_string_append_printf(xml, "      <emulator>%s</emulator>\n",
                           caps->emulator);
    for (i = 0; i < caps->machines->len; i++) {
        qemuCapsMachine *m = g_ptr_array_index(caps->machines, i);

        g_string_append_printf(xml, "      <machine maxCpus='%d'%s>%s</machine>\n",
                               m->maxCpus,
                               m->deprecated ? " deprecated='yes'" : "",
                               m->name);
        if (m->alias)
            g_string_append_printf(xml, "      <machine canonical='%s' "
                                   "maxCpus='%d'>%s</machine>\n", m->name,
                                   m->maxCpus, m->alias);
    }
    g_string_append(xml, "      <domain type='qemu'/>\n");
    if (kvm)
        g_string_append(xml, "      <domain type='kvm'/>\n");
    g_string_append(xml, "    </arch>\n    <features>\n      <cpuselection/>\n"
                    "      <deviceboot/>\n"
                    "      <disksnapshot default='on' toggle='no'/>\n"
                    "    </features>\n  </guest>\n");
}

/* /etc/machine-id as a UUID, or NULL */
static char *
qemuCapsHostUUID(void)
{
    g_autofree char *id = virFileReadValue("/etc/machine-id");

    if (!id || strlen(id) != 32)
        return NULL;
    return g_strdup_printf("%.8s-%.4s-%.4s-%.4s-%.12s", id, id + 8, id + 12,
                           id + 16, id + 20);
}

char *
qemuCapsFormatHost(qemuCapsCache *cache, GError **errp)
{
    g_autoptr(qemuCaps) caps = qemuCapsCacheLookup(cache, NULL, errp);
    g_autoptr(GString) xml = NULL;
    g_autoptr(GPtrArray) cells = NULL;
    g_autofree char *arch = qemuCapsHostArch();
    g_autofree char *model = qemuCapsHostCPUModel();
    g_autofree char *uuid = qemuCapsHostUUID();
    g_autoptr(GDir) groups = g_dir_open("/sys/kernel/iommu_groups", 0, NULL);
    int sockets, cores, threads;
    gboolean kvm = qemuCapsHaveKVM();

    if (!caps)
        return NULL;
    cells = qemuCapsCells();
    qemuCapsTopology(cells, &sockets, &cores, &threads);
    xml = g_string_new("<capabilities>\n  <host>\n");
    if (uuid)
        g_string_append_printf(xml, "    <uuid>%s</uuid>\n", uuid);
    g_string_append_printf(xml, "    <cpu>\n      <arch>%s</arch>\n", arch);
    if (model)
        g_string_append_printf(xml, "      <model>%s</model>\n"
                               "      <vendor>IBM</vendor>\n", model);
    g_string_append_printf(xml, "      <topology sockets='%d' dies='1' "
                           "cores='%d' threads='%d'/>\n", sockets, cores,
                           threads);
    qemuCapsFormatPages(xml, "      ", "/sys/kernel/mm/hugepages", 0, FALSE);
    g_string_append(xml, "    </cpu>\n    <power_management/>\n");
    g_string_append_printf(xml, "    <iommu support='%s'/>\n",
                           groups && g_dir_read_name(groups) ? "yes" : "no");
    qemuCapsFormatCells(xml, cells);
    g_string_append(xml, "  </host>\n");
    /* qemu-system-ppc64 runs both big- and little-endian guests */
    qemuCapsFormatGuest(xml, caps, "ppc64", kvm);
    qemuCapsFormatGuest(xml, caps, "ppc64le", kvm);
    g_string_append(xml, "</capabilities>\n");
    return g_string_free(g_steal_pointer(&xml), FALSE);
}

/* <enum name='NAME'> with the values of a tcevirt enum from @first on */
static void
qemuCapsFormatEnum(GString *xml, const char *indent, const char *name,
                   const char *(*toString)(int), int first, int last)
{
    int i;

    g_string_append_printf(xml, "%s<enum name='%s'>\n", indent, name);
    for (i = first; i < last; i++)
        g_string_append_printf(xml, "%s  <value>%s</value>\n", indent,
                               toString(i));
    g_string_append_printf(xml, "%s</enum>\n", indent);
}

static void
qemuCapsFormatValues(GString *xml, const char *indent, const char *name,
                     const char *const *values)
{
    g_string_append_printf(xml, "%s<enum name='%s'>\n", indent, name);
    for (; *values; values++)
        g_string_append_printf(xml, "%s  <value>%s</value>\n", indent, *values);
    g_string_append_printf(xml, "%s</enum>\n", indent);
}

char *
qemuCapsFormatDomain(qemuCapsCache *cache, const char *emulator,
                     const char *arch, const char *machine,
                     const char *virttype, GError **errp)
{
    g_autoptr(qemuCaps) caps = qemuCapsCacheLookup(cache, emulator, errp);
    g_autoptr(GString) xml = NULL;
    g_autofree char *model = qemuCapsHostCPUModel();
    const qemuCapsMachine *m;
    gboolean kvm = qemuCapsHaveKVM();
    const char *v = "\n  ";
    guint i;

    if (!caps)
        return NULL;
    if (!arch)
        arch = qemuCapsHostIsPower() ? "ppc64le" : "ppc64";
    if (!g_str_equal(arch, "ppc64") && !g_str_equal(arch, "ppc64le")) {
        virReportError(errp, VIR_ERR_INVALID_ARG,
                       "emulator '%s' does not support arch '%s': tcevirt "
                       "runs ppc64 and ppc64le pseries guests", caps->emulator,
                       arch);
        return NULL;
    }
    if (!(m = qemuCapsFindMachine(caps, machine))) {
        virReportError(errp, VIR_ERR_INVALID_ARG,
                       "the machine '%s' is not supported by emulator '%s': "
                       "tcevirt runs pseries machine types", machine,
                       caps->emulator);
        return NULL;
    }
    if (!virttype)
        virttype = kvm ? "kvm" : "qemu";
    if (g_str_equal(virttype, "kvm") && !kvm) {
        virReportError(errp, VIR_ERR_INVALID_ARG,
                       "KVM is not available on this host (it needs a POWER "
                       "host with /dev/kvm and kvm-hv or kvm-pr loaded); ask "
                       "for virttype 'qemu'");
        return NULL;
    }
    if (!g_str_equal(virttype, "kvm") && !g_str_equal(virttype, "qemu")) {
        virReportError(errp, VIR_ERR_INVALID_ARG,
                       "virttype '%s' is not one tcevirt runs (kvm, qemu)",
                       virttype);
        return NULL;
    }
    kvm = g_str_equal(virttype, "kvm");

    xml = g_string_new("<domainCapabilities>");
    g_string_append_printf(xml, "%s<path>%s</path>", v, caps->emulator);
    g_string_append_printf(xml, "%s<domain>%s</domain>", v, virttype);
    g_string_append_printf(xml, "%s<machine>%s</machine>", v, m->name);
    g_string_append_printf(xml, "%s<arch>%s</arch>", v, arch);
    g_string_append_printf(xml, "%s<vcpu max='%d'/>", v, m->maxCpus);
    g_string_append_printf(xml, "%s<iothreads supported='yes'/>", v);
    /* direct kernel boot and SLOF; no <loader>/<nvram> */
    g_string_append(xml, "\n  <os supported='yes'>\n"
                    "    <enum name='firmware'/>\n"
                    "    <loader supported='no'/>\n  </os>\n");
    g_string_append(xml, "  <cpu>\n");
    g_string_append_printf(xml, "    <mode name='host-passthrough' "
                           "supported='%s'/>\n", kvm ? "yes" : "no");
    g_string_append(xml, "    <mode name='maximum' supported='no'/>\n");
    if (kvm && model)
        g_string_append_printf(xml, "    <mode name='host-model' "
                               "supported='yes'>\n      <model "
                               "fallback='allow'>%s</model>\n"
                               "      <vendor>IBM</vendor>\n    </mode>\n",
                               model);
    else
        g_string_append(xml, "    <mode name='host-model' supported='no'/>\n");
    g_string_append_printf(xml, "    <mode name='custom' supported='%s'>\n",
                           caps->cpuModels->len ? "yes" : "no");
    for (i = 0; i < caps->cpuModels->len; i++)
        g_string_append_printf(xml, "      <model usable='unknown' "
                               "vendor='IBM'>%s</model>\n",
                               (char *) g_ptr_array_index(caps->cpuModels, i));
    g_string_append(xml, "    </mode>\n  </cpu>\n");
    g_string_append(xml, "  <memoryBacking supported='yes'>\n");
    {
        static const char *const src[] = { "anonymous", "file", "memfd", NULL };
        qemuCapsFormatValues(xml, "    ", "sourceType", src);
    }
    g_string_append(xml, "  </memoryBacking>\n  <devices>\n");

    /* what tcevirt's parser accepts (src/conf/domain_conf.c) */
    g_string_append(xml, "    <disk supported='yes'>\n");
    qemuCapsFormatEnum(xml, "      ", "diskDevice",
                       virDomainDiskDeviceTypeToString, 0,
                       VIR_DOMAIN_DISK_DEVICE_LAST);
    qemuCapsFormatEnum(xml, "      ", "bus", virDomainDiskBusTypeToString, 1,
                       VIR_DOMAIN_DISK_BUS_LAST);
    g_string_append(xml, "    </disk>\n    <graphics supported='yes'>\n");
    {
        static const char *const vnc[] = { "vnc", NULL };
        qemuCapsFormatValues(xml, "      ", "type", vnc);
    }
    g_string_append(xml, "    </graphics>\n    <video supported='yes'>\n");
    qemuCapsFormatEnum(xml, "      ", "modelType", virDomainVideoTypeToString,
                       1, VIR_DOMAIN_VIDEO_TYPE_LAST);
    g_string_append(xml, "    </video>\n    <hostdev supported='yes'>\n");
    {
        static const char *const mode[] = { "subsystem", NULL };
        static const char *const policy[] = { "default", NULL };
        static const char *const subsys[] = { "pci", NULL };
        static const char *const backend[] = { "default", "vfio", NULL };

        qemuCapsFormatValues(xml, "      ", "mode", mode);
        qemuCapsFormatValues(xml, "      ", "startupPolicy", policy);
        qemuCapsFormatValues(xml, "      ", "subsysType", subsys);
        g_string_append(xml, "      <enum name='capsType'/>\n");
        qemuCapsFormatValues(xml, "      ", "pciBackend", backend);
    }
    g_string_append(xml, "    </hostdev>\n    <rng supported='yes'>\n");
    {
        static const char *const model_[] = { "virtio", NULL };
        static const char *const backend[] = { "random", NULL };

        qemuCapsFormatValues(xml, "      ", "model", model_);
        qemuCapsFormatValues(xml, "      ", "backendModel", backend);
    }
    g_string_append(xml, "    </rng>\n    <panic supported='yes'>\n");
    {
        static const char *const panic[] = { "pseries", NULL };
        qemuCapsFormatValues(xml, "      ", "model", panic);
    }
    g_string_append(xml, "    </panic>\n  </devices>\n  <features>\n");
    g_string_append(xml, "    <gic supported='no'/>\n"
                    "    <vmcoreinfo supported='no'/>\n"
                    "    <genid supported='no'/>\n"
                    "    <sev supported='no'/>\n  </features>\n");
    g_string_append(xml, "</domainCapabilities>\n");
    return g_string_free(g_steal_pointer(&xml), FALSE);
}

/* ---- virNodeInfo ------------------------------------------------------ */

/* MHz from "clock : 2300.000000MHz" (POWER) or "cpu MHz : 2000.0" */
static int
qemuCapsMHz(void)
{
    g_autofree char *mhz = virFileReadField("/proc/cpuinfo", "clock");

    if (!mhz)
        mhz = virFileReadField("/proc/cpuinfo", "cpu MHz");
    return mhz ? (int) g_ascii_strtod(mhz, NULL) : 0;
}

gboolean
qemuCapsNodeInfo(qemuNodeInfo *info, GError **errp)
{
    g_autoptr(GPtrArray) cells = qemuCapsCells();
    g_autofree char *arch = qemuCapsHostArch();
    guint i;

    memset(info, 0, sizeof(*info));
    g_strlcpy(info->model, arch, sizeof(info->model));
    info->memoryKiB = qemuCapsMemTotal("/proc/meminfo", "MemTotal");
    for (i = 0; i < cells->len; i++)
        info->cpus += ((qemuCapsCell *) g_ptr_array_index(cells, i))->cpus->len;
    info->mhz = qemuCapsMHz();
    info->nodes = MAX(cells->len, 1);
    qemuCapsTopology(cells, &info->sockets, &info->cores, &info->threads);
    return TRUE;
}
