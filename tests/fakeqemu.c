/*
 * fakeqemu.c: a fake qemu-system-ppc64 for lifecycle tests in the fake host
 *
 * Takes the argv of src/qemu/qemu_command.c and behaves like QEMU 10.0
 * where a supervisor sees it, running unmodified under kernel/model:
 * chardev sockets listen first, then the accelerator starts, then the
 * -device list is realized in order.  vfio-pci opens VFIO as QEMU's legacy
 * backend does (hw/vfio/container.c, spapr.c, helpers.c), one container
 * per PHB, the KVM-VFIO device with accel=kvm; errors are QEMU's texts on
 * stderr and exit status 1 (the socket file stays, as with QEMU).  QMP on
 * the -mon mode=control chardev, one client at a time.  20 ms after the
 * guest first runs it creates the 32-bit DMA window of every PHB with host
 * devices: VFIO_IOMMU_SPAPR_TCE_CREATE, and with KVM_CAP_SPAPR_TCE_64 and
 * _VFIO a KVM TCE table linked to the groups (KVM_DEV_VFIO_GROUP_SET_SPAPR_
 * TCE), else two H_PUT_TCEs through QEMU.  -trace patterns print as QEMU
 * 10.0's "log" backend: "PID@SEC.USEC:NAME ARGS" with -msg timestamp=on.
 * SIGTERM/SIGINT/SIGHUP and quit: SHUTDOWN, exit 0, socket files removed.
 * Nothing else is written to disk.
 *
 * Environment knobs for tests:
 *   FAKEQEMU_EXIT_AFTER_MS=N      crash: abort() (no core) N ms after the
 *                                 guest first runs
 *   FAKEQEMU_GUEST_POWEROFF_MS=N  the guest powers off N ms after it first
 *                                 runs (SHUTDOWN guest-shutdown)
 *   FAKEQEMU_OPEN_GROUP=N         misbehave: after the devices, open
 *                                 /dev/vfio/N too, print "fakeqemu: open
 *                                 /dev/vfio/N: <strerror>", exit 1 if opened
 *   FAKEQEMU_HANG_QUIT=1          ignore quit (no reply) and SIGTERM/INT/HUP
 *
 * Not modelled: RAM preregistration and MAP_DMA, the 64-bit DDW, the
 * window at machine reset (QEMU creates it before -S's prelaunch ends),
 * device regions and config space, hotplug, other chardev backends.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <linux/kvm.h>
#include <linux/vfio.h>

#include <glib.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>

/* powerpc-only KVM uAPI (asm/kvm.h) in this machine's encoding, as the
 * model expects */
struct fqSpaprTce64 {
    __u64 liobn;
    __u32 page_shift;
    __u32 flags;
    __u64 offset;
    __u64 size;
};
#define FQ_KVM_CREATE_SPAPR_TCE_64 _IOW(KVMIO, 0xa8, struct fqSpaprTce64)

#define FQ_DMA_WIN_SIZE 0x40000000ULL   /* spapr-pci-host-bridge dma_win_size */
#define FQ_MAX_PHB 30

typedef enum { FQ_PRELAUNCH, FQ_RUNNING, FQ_PAUSED, FQ_SHUTDOWN } fqRunState;
static const char *fqRunStateNames[] = {
    "prelaunch", "running", "paused", "shutdown",
};

typedef struct {
    int fd;
    int phb;
    unsigned long iommu;                /* VFIO_SPAPR_TCE(_v2)_IOMMU */
    GPtrArray *groups;
} fqContainer;

typedef struct {
    int id;
    int fd;
    fqContainer *container;
    GPtrArray *names;                   /* its devices, opened */
} fqGroup;

typedef struct {
    const char *driver;
    const char *id;
    GHashTable *props;
    int phb;                            /* its index, or its bus's PHB's */
    char *name;                         /* vfio-pci: the host device */
    int devfd;                          /* vfio-pci: its VFIO device fd */
    fqGroup *group;
    bool unplugging;                    /* device_del sent */
} fqDevice;

static struct {
    const char *accel;
    bool startPaused, noShutdown, timestamp, hangQuit;
    GPtrArray *sockets;                 /* socket files to remove at exit */
    GPtrArray *devices, *groups, *containers;
    GPtrArray *traceRules;              /* "PATTERN" or "-PATTERN" */
    bool kvm, capTce64, capTceVfio;
    int vmFd, kvmVfioFd;
    fqRunState state;
    bool everRun, windowPending;
    int monitorFd, client;
    bool negotiated;
    GString *inbuf;
} fq = { .vmFd = -1, .kvmVfioFd = -1, .monitorFd = -1, .client = -1 };

static const char *fqLoc;               /* the option being processed */

/* ------------------------------------------------------------------ */
/* messages                                                            */

/* error_report(): [TIMESTAMP ]qemu-system-ppc64: [LOC: ]MSG[\nHINT] */
static void G_GNUC_PRINTF(1, 2)
fqErrorReport(const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (fq.timestamp) {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        g_autofree char *ts = g_date_time_format_iso8601(now);

        fprintf(stderr, "%s ", ts);
    }
    fprintf(stderr, "qemu-system-ppc64: %s%s%s\n", fqLoc ? fqLoc : "",
            fqLoc ? ": " : "", msg);
}

/* the "log" trace backend of QEMU 10.0 (scripts/tracetool/backend/log.py) */
static void G_GNUC_PRINTF(2, 3)
fqTrace(const char *event, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    bool on = false;
    va_list ap;
    guint i;

    for (i = 0; i < fq.traceRules->len; i++) {
        const char *rule = g_ptr_array_index(fq.traceRules, i);

        if (g_pattern_match_simple(rule + (rule[0] == '-'), event))
            on = rule[0] != '-';
    }
    if (!on)
        return;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (fq.timestamp) {
        gint64 now = g_get_real_time();

        fprintf(stderr, "%d@%zu.%06zu:%s %s\n", (int)getpid(),
                (size_t)(now / G_USEC_PER_SEC),
                (size_t)(now % G_USEC_PER_SEC), event, msg);
    } else {
        fprintf(stderr, "%s %s\n", event, msg);
    }
}

/* an Error for *errp, ": strerror(err)" appended if err; returns false */
static bool G_GNUC_PRINTF(3, 4)
fqFail(char **errp, int err, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_free(*errp);
    *errp = err ? g_strdup_printf("%s: %s", msg, g_strerror(err))
                : g_steal_pointer(&msg);
    return false;
}

/* ------------------------------------------------------------------ */
/* options, chardevs, accelerator                                      */

/* QemuOpts: "[IMPLIED-VALUE,]KEY=VALUE,...", ",," is a comma */
static GHashTable *
fqOptsParse(const char *str, const char *implied)
{
    GHashTable *opts = g_hash_table_new_full(g_str_hash, g_str_equal,
                                             g_free, g_free);
    const char *p = str;
    bool first = true;

    while (*p) {
        g_autoptr(GString) item = g_string_new(NULL);
        char *eq;

        for (; *p && (*p != ',' || p[1] == ','); p++)
            g_string_append_c(item, *p == ',' ? *p++ : *p);
        if (*p)
            p++;
        if ((eq = strchr(item->str, '='))) {
            *eq = '\0';
            g_hash_table_replace(opts, g_strdup(item->str), g_strdup(eq + 1));
        } else if (first && implied) {
            g_hash_table_replace(opts, g_strdup(implied), g_strdup(item->str));
        } else if (item->len) {
            g_hash_table_replace(opts, g_strdup(item->str), g_strdup("on"));
        }
        first = false;
    }
    return opts;
}

/* -device JSON or QemuOpts, as strings */
static GHashTable *
fqDeviceProps(const char *arg)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    GHashTable *props;
    JsonObject *obj;
    GList *members, *l;

    if (arg[0] != '{')
        return fqOptsParse(arg, "driver");
    if (!json_parser_load_from_data(parser, arg, -1, NULL) ||
        !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
        return NULL;
    props = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    obj = json_node_get_object(json_parser_get_root(parser));
    members = json_object_get_members(obj);
    for (l = members; l; l = l->next) {
        JsonNode *node = json_object_get_member(obj, l->data);
        bool isStr = JSON_NODE_HOLDS_VALUE(node) &&
                     json_node_get_value_type(node) == G_TYPE_STRING;

        g_hash_table_replace(props, g_strdup(l->data),
                             isStr ? g_strdup(json_node_get_string(node))
                                   : json_to_string(node, FALSE));
    }
    g_list_free(members);
    return props;
}

/* -chardev socket,server=on: QEMU binds and listens among the early
 * backends, before the accelerator and the devices */
/* QEMU's exit(1) on a startup error: the socket files stay; no leak
 * check in an ASan build, for which the half-built state is no leak */
static void G_GNUC_NORETURN
fqStartupFail(void)
{
    fflush(NULL);
    _exit(1);
}

static int
fqListen(const char *arg)
{
    g_autoptr(GHashTable) opts = fqOptsParse(arg, "backend");
    const char *path = g_hash_table_lookup(opts, "path");
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    g_autofree char *loc = g_strdup_printf("-chardev %s", arg);
    int fd;

    const char *fdstr = g_hash_table_lookup(opts, "fd");

    if (g_strcmp0(g_hash_table_lookup(opts, "backend"), "socket") != 0 ||
        (!path && !fdstr) ||
        g_strcmp0(g_hash_table_lookup(opts, "server"), "on") != 0)
        return -1;
    fqLoc = loc;
    if (fdstr) {
        /* a listening socket the caller made and passed (as libvirt and
         * tcevirt's supervisor do) */
        int accepting = 0;
        socklen_t len = sizeof(accepting);

        fd = atoi(fdstr);
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) < 0 ||
            !accepting) {
            fqErrorReport("fd %s is not a listening socket", fdstr);
            fqStartupFail();
        }
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        fqLoc = NULL;
        return fd;
    }
    if (strlen(path) >= sizeof(sa.sun_path)) {
        fqErrorReport("UNIX socket path '%s' is too long", path);
        fqStartupFail();
    }
    strcpy(sa.sun_path, path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        (unlink(path) < 0 && errno != ENOENT) ||
        bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(fd, 1) < 0) {
        fqErrorReport("Failed to bind socket to %s: %s", path,
                      g_strerror(errno));
        fqStartupFail();
    }
    g_ptr_array_add(fq.sockets, g_strdup(path));
    fqLoc = NULL;
    return fd;
}

/* a clean exit: QEMU's chardev cleanup removes its listening sockets */
static void G_GNUC_NORETURN
fqExit(int status)
{
    guint i;

    for (i = 0; i < fq.sockets->len; i++)
        unlink(g_ptr_array_index(fq.sockets, i));
    exit(status);
}

/* kvm_init() and kvm_arch_init() */
static void
fqKvmInit(void)
{
    int kvmFd;
    int err;

    if ((kvmFd = open("/dev/kvm", O_RDWR | O_CLOEXEC)) < 0) {
        err = errno;
        fqErrorReport("Could not access KVM kernel module: %s",
                      g_strerror(err));
        fqErrorReport("failed to initialize kvm: %s", g_strerror(err));
        fqStartupFail();
    }
    if (ioctl(kvmFd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION ||
        (fq.vmFd = ioctl(kvmFd, KVM_CREATE_VM, 0)) < 0) {
        err = errno;
        fqErrorReport("ioctl(KVM_CREATE_VM) failed: %s", g_strerror(err));
        fqErrorReport("failed to initialize kvm: %s", g_strerror(err));
        fqStartupFail();
    }
    /* cap_spapr_tce(_64) on the system fd, cap_spapr_vfio on the VM */
    fq.capTce64 = ioctl(kvmFd, KVM_CHECK_EXTENSION, KVM_CAP_SPAPR_TCE) > 0 &&
                  ioctl(kvmFd, KVM_CHECK_EXTENSION, KVM_CAP_SPAPR_TCE_64) > 0;
    fq.capTceVfio = ioctl(fq.vmFd, KVM_CHECK_EXTENSION,
                          KVM_CAP_SPAPR_TCE_VFIO) > 0;
    fq.kvm = true;
}

/* ------------------------------------------------------------------ */
/* VFIO, the legacy backend of QEMU 10.0                               */

/* vfio_kvm_device_add_group(): errors are not fatal */
static void
fqKvmAddGroup(fqGroup *group)
{
    struct kvm_device_attr attr = {
        .group = KVM_DEV_VFIO_GROUP, .attr = KVM_DEV_VFIO_GROUP_ADD,
        .addr = (uintptr_t)&group->fd,
    };

    if (!fq.kvm)
        return;
    if (fq.kvmVfioFd < 0) {
        struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO };

        if (ioctl(fq.vmFd, KVM_CREATE_DEVICE, &cd) < 0) {
            fqErrorReport("group ID %d: Failed to create KVM VFIO device: %s",
                          group->id, g_strerror(errno));
            return;
        }
        fq.kvmVfioFd = cd.fd;
    }
    if (ioctl(fq.kvmVfioFd, KVM_SET_DEVICE_ATTR, &attr) < 0)
        fqErrorReport("group ID %d: Failed to add fd %d to KVM VFIO device: %s",
                      group->id, group->fd, g_strerror(errno));
}

/* vfio_connect_container(): an existing container of the PHB's address
 * space, else a new one (vfio_create_container, vfio_spapr_container_setup) */
static bool
fqConnectContainer(fqGroup *group, int phb, char **errp)
{
    static const unsigned long types[] = {
        VFIO_TYPE1v2_IOMMU, VFIO_TYPE1_IOMMU,
        VFIO_SPAPR_TCE_v2_IOMMU, VFIO_SPAPR_TCE_IOMMU,
    };
    struct vfio_iommu_spapr_tce_info info = { .argsz = sizeof(info) };
    struct vfio_iommu_spapr_tce_remove rm = { .argsz = sizeof(rm) };
    fqContainer *c = NULL;
    guint i;
    int ret;

    for (i = 0; i < fq.containers->len && !c; i++) {
        c = g_ptr_array_index(fq.containers, i);
        if (c->phb != phb ||
            ioctl(group->fd, VFIO_GROUP_SET_CONTAINER, &c->fd) < 0)
            c = NULL;
    }
    if (!c) {
        c = g_new0(fqContainer, 1);
        c->phb = phb;
        c->groups = g_ptr_array_new();
        if ((c->fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC)) < 0)
            return fqFail(errp, errno, "Could not open '/dev/vfio/vfio'");
        if ((ret = ioctl(c->fd, VFIO_GET_API_VERSION)) != VFIO_API_VERSION)
            return fqFail(errp, 0, "supported vfio version: %d, reported "
                          "version: %d", VFIO_API_VERSION, ret);
        for (i = 0; i < G_N_ELEMENTS(types) && !c->iommu; i++) {
            if (ioctl(c->fd, VFIO_CHECK_EXTENSION, types[i]) > 0)
                c->iommu = types[i];
        }
        if (!c->iommu)
            return fqFail(errp, 0, "No available IOMMU models");
        if (ioctl(group->fd, VFIO_GROUP_SET_CONTAINER, &c->fd) < 0)
            return fqFail(errp, errno, "Failed to set group container");
        if (ioctl(c->fd, VFIO_SET_IOMMU, c->iommu) < 0) {
            /* v2 may not fit this group: QEMU retries with v1 */
            if (c->iommu != VFIO_SPAPR_TCE_v2_IOMMU ||
                ioctl(c->fd, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_IOMMU) < 0)
                return fqFail(errp, errno, "Failed to set iommu for container");
            c->iommu = VFIO_SPAPR_TCE_IOMMU;
        }
        if (c->iommu == VFIO_SPAPR_TCE_IOMMU &&
            ioctl(c->fd, VFIO_IOMMU_ENABLE) < 0)
            return fqFail(errp, errno, "failed to enable container");
        if (ioctl(c->fd, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info) < 0)
            return fqFail(errp, errno, "VFIO_IOMMU_SPAPR_TCE_GET_INFO failed");
        if (c->iommu == VFIO_SPAPR_TCE_v2_IOMMU) {
            /* v2 creates windows on demand: remove the default one */
            rm.start_addr = info.dma32_window_start;
            if (ioctl(c->fd, VFIO_IOMMU_SPAPR_TCE_REMOVE, &rm) < 0)
                return fqFail(errp, errno, "failed to remove existing window");
            fqTrace("vfio_spapr_remove_window", "offset=0x%" G_GINT64_MODIFIER
                    "x", (guint64)rm.start_addr);
        }
        g_ptr_array_add(fq.containers, c);
    }
    group->container = c;
    g_ptr_array_add(c->groups, group);
    fqKvmAddGroup(group);
    return true;
}

/* vfio_get_group() */
static fqGroup *
fqGroupGet(int id, int phb, char **errp)
{
    struct vfio_group_status status = { .argsz = sizeof(status) };
    g_autofree char *path = g_strdup_printf("/dev/vfio/%d", id);
    g_autofree char *msg = NULL;
    fqGroup *group;
    guint i;

    for (i = 0; i < fq.groups->len; i++) {
        group = g_ptr_array_index(fq.groups, i);
        if (group->id == id && group->container->phb == phb)
            return group;
        if (group->id == id) {
            fqFail(errp, 0, "group %d used in multiple address spaces", id);
            return NULL;
        }
    }
    group = g_new0(fqGroup, 1);
    group->id = id;
    group->names = g_ptr_array_new();
    if ((group->fd = open(path, O_RDWR | O_CLOEXEC)) < 0) {
        fqFail(errp, errno, "Could not open '%s'", path);
    } else if (ioctl(group->fd, VFIO_GROUP_GET_STATUS, &status) < 0) {
        fqFail(errp, errno, "failed to get group %d status", id);
    } else if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
        fqFail(errp, 0, "group %d is not viable\nPlease ensure all devices "
               "within the iommu_group are bound to their vfio bus driver.",
               id);
    } else if (!fqConnectContainer(group, phb, errp)) {
        msg = g_steal_pointer(errp);
        fqFail(errp, 0, "failed to setup container for group %d: %s", id, msg);
    } else {
        g_ptr_array_add(fq.groups, group);
        return group;
    }
    return NULL;
}

/* vfio_realize() up to the device info */
static bool
fqVfioRealize(fqDevice *dev, char **errp)
{
    struct vfio_device_info info = { .argsz = sizeof(info) };
    const char *host = g_hash_table_lookup(dev->props, "host");
    const char *sysfsdev = g_hash_table_lookup(dev->props, "sysfsdev");
    g_autofree char *hostdev = NULL;
    g_autofree char *linkpath = NULL;
    g_autofree char *msg = NULL;
    char link[PATH_MAX] = "";
    unsigned dom = 0, bus, slot, fn;
    struct stat sb;
    fqGroup *group;
    ssize_t n;
    int devfd;
    int id;

    if (host && sscanf(host, "%x:%x:%x.%x", &dom, &bus, &slot, &fn) != 4 &&
        sscanf(host, "%x:%x.%x", &bus, &slot, &fn) != 3)
        return fqFail(errp, 0, "Property 'vfio-pci.host' doesn't take value "
                      "'%s'", host);
    if (host)
        sysfsdev = hostdev = g_strdup_printf("/sys/bus/pci/devices/"
                                             "%04x:%02x:%02x.%01x",
                                             dom, bus, slot, fn);
    if (!sysfsdev)
        return fqFail(errp, 0, "No provided host device\nUse -device "
                      "vfio-pci,host=DDDD:BB:DD.F or -device "
                      "vfio-pci,sysfsdev=PATH_TO_DEVICE");
    if (stat(sysfsdev, &sb) < 0)
        return fqFail(errp, errno, "vfio %s: no such host device", sysfsdev);
    dev->name = g_path_get_basename(sysfsdev);

    linkpath = g_strdup_printf("%s/iommu_group", sysfsdev);
    if ((n = readlink(linkpath, link, sizeof(link) - 1)) < 0)
        return fqFail(errp, errno, "vfio %s: no iommu_group found", dev->name);
    link[n] = '\0';
    if (sscanf(strrchr(link, '/') ? strrchr(link, '/') + 1 : link, "%d",
               &id) != 1)
        return fqFail(errp, 0, "vfio %s: failed to read %s", dev->name,
                      linkpath);

    if (!(group = fqGroupGet(id, dev->phb, errp))) {
        msg = g_steal_pointer(errp);
        return fqFail(errp, 0, "vfio %s: %s", dev->name, msg);
    }
    if (g_ptr_array_find_with_equal_func(group->names, dev->name,
                                         g_str_equal, NULL))
        return fqFail(errp, 0, "vfio %s: device is already attached",
                      dev->name);
    if ((devfd = ioctl(group->fd, VFIO_GROUP_GET_DEVICE_FD, dev->name)) < 0)
        return fqFail(errp, 0, "vfio %s: error getting device from group %d: "
                      "%s\nVerify all devices in group %d are bound to "
                      "vfio-pci or pci-stub and not already in use",
                      dev->name, group->id, g_strerror(errno), group->id);
    if (ioctl(devfd, VFIO_DEVICE_GET_INFO, &info) < 0)
        return fqFail(errp, errno, "vfio %s: error getting device info",
                      dev->name);
    g_ptr_array_add(group->names, dev->name);
    dev->devfd = devfd;
    dev->group = group;
    return true;
}

/* vfio_exitfn() and vfio_put_group(): the device fd, then with the last
 * device of a group the group (out of KVM's VFIO device first, which holds
 * it), then with the last group the container */
static void
fqVfioUnrealize(fqDevice *dev)
{
    fqGroup *group = dev->group;
    fqContainer *c = group ? group->container : NULL;

    if (!group)
        return;
    close(dev->devfd);
    g_ptr_array_remove(group->names, dev->name);
    dev->group = NULL;
    if (group->names->len)
        return;
    if (fq.kvmVfioFd >= 0) {
        struct kvm_device_attr attr = {
            .group = KVM_DEV_VFIO_GROUP, .attr = KVM_DEV_VFIO_GROUP_DEL,
            .addr = (uintptr_t)&group->fd,
        };

        ioctl(fq.kvmVfioFd, KVM_SET_DEVICE_ATTR, &attr);
    }
    ioctl(group->fd, VFIO_GROUP_UNSET_CONTAINER);
    close(group->fd);
    g_ptr_array_remove(c->groups, group);
    g_ptr_array_remove(fq.groups, group);
    g_ptr_array_unref(group->names);
    g_free(group);
    if (c->groups->len)
        return;
    close(c->fd);
    g_ptr_array_remove(fq.containers, c);
    g_ptr_array_unref(c->groups);
    g_free(c);
}

static fqDevice *
fqDeviceFind(const char *id)
{
    guint i;

    for (i = 0; id && i < fq.devices->len; i++) {
        fqDevice *dev = g_ptr_array_index(fq.devices, i);

        if (g_strcmp0(dev->id, id) == 0)
            return dev;
    }
    return NULL;
}

static bool
fqDeviceRealize(fqDevice *dev, char **errp)
{
    const char *bus = g_hash_table_lookup(dev->props, "bus");
    const char *index = g_hash_table_lookup(dev->props, "index");
    guint i;

    if (fqDeviceFind(dev->id))
        return fqFail(errp, 0, "Duplicate ID '%s' for device", dev->id);
    if (g_str_equal(dev->driver, "spapr-pci-host-bridge")) {
        if (!index)
            return fqFail(errp, 0, "\"index\" for PAPR PHB is mandatory");
        if ((dev->phb = atoi(index)) > FQ_MAX_PHB)
            return fqFail(errp, 0, "\"index\" for PAPR PHB is too large "
                          "(max 30)");
        for (i = 0; i < fq.devices->len; i++) {
            fqDevice *o = g_ptr_array_index(fq.devices, i);

            if (g_str_equal(o->driver, dev->driver) && o->phb == dev->phb)
                break;
        }
        if (dev->phb == 0 || i < fq.devices->len)
            return fqFail(errp, 0, "PHB %d already attached", dev->phb);
        return true;
    }
    /* bus pci.0 is the default PHB's, ID.0 that of the PHB ID */
    if (bus && !g_str_equal(bus, "pci.0")) {
        g_autofree char *id = g_strndup(bus, strlen(bus) - 2);
        fqDevice *phb = g_str_has_suffix(bus, ".0") ? fqDeviceFind(id) : NULL;

        if (!phb || !g_str_equal(phb->driver, "spapr-pci-host-bridge"))
            return fqFail(errp, 0, "Bus '%s' not found", bus);
        dev->phb = phb->phb;
    }
    if (g_str_equal(dev->driver, "vfio-pci"))
        return fqVfioRealize(dev, errp);
    return true;
}

/* ------------------------------------------------------------------ */
/* the guest                                                           */

/* hw_error() from a memory listener at runtime */
static void G_GNUC_NORETURN
fqHwError(const char *msg)
{
    fqErrorReport("%s", msg);
    fprintf(stderr, "qemu: hardware error: vfio: DMA mapping failed, "
            "unable to continue\n");
    prctl(PR_SET_DUMPABLE, 0);          /* no core file */
    abort();
}

/* the 32-bit DMA window of a PHB: its TCE table (spapr_tce_alloc_table(),
 * kvmppc_create_spapr_tce() with need_vfio), the host window of each
 * container (vfio_spapr_create_window()) and the in-kernel link
 * (vfio_spapr_container_add_section_window()) */
static void
fqCreateWindow(int phb)
{
    static char table;                  /* stands for the table's mapping */
    guint32 liobn = 0x80000000U | ((guint32)phb << 8);    /* SPAPR_PCI_LIOBN */
    g_autofree char *msg = NULL;
    int tablefd = -1;
    guint i, j;

    if (fq.kvm && fq.capTce64 && fq.capTceVfio) {
        struct fqSpaprTce64 args = {
            .liobn = liobn, .page_shift = 12, .size = FQ_DMA_WIN_SIZE >> 12,
        };

        if ((tablefd = ioctl(fq.vmFd, FQ_KVM_CREATE_SPAPR_TCE_64, &args)) < 0)
            fprintf(stderr, "KVM: Failed to create TCE64 table for liobn "
                    "0x%x\n", liobn);
    }
    fqTrace("spapr_iommu_new_table", "liobn=%x table=%p fd=%d", liobn,
            (void *)&table, tablefd);

    for (i = 0; i < fq.containers->len; i++) {
        fqContainer *c = g_ptr_array_index(fq.containers, i);
        struct vfio_iommu_spapr_tce_create cr = {
            .argsz = sizeof(cr), .page_shift = 12,
            .window_size = FQ_DMA_WIN_SIZE, .levels = 1,
        };

        /* v1 keeps the host's default window, and gets no KVM link */
        if (c->phb != phb || c->iommu != VFIO_SPAPR_TCE_v2_IOMMU)
            continue;
        if (ioctl(c->fd, VFIO_IOMMU_SPAPR_TCE_CREATE, &cr) < 0) {
            msg = g_strdup_printf("Failed to create a window, ret = -1: %s",
                                  g_strerror(errno));
            fqHwError(msg);
        }
        fqTrace("vfio_spapr_create_window", "pageshift=0x%x levels=%u "
                "winsize=0x%" G_GINT64_MODIFIER "x offset=0x%"
                G_GINT64_MODIFIER "x", 12, 1, (guint64)FQ_DMA_WIN_SIZE,
                (guint64)cr.start_addr);
        if (cr.start_addr != 0) {
            msg = g_strdup_printf("Host doesn't support DMA window at 0, must "
                                  "be %" G_GINT64_MODIFIER "x",
                                  (guint64)cr.start_addr);
            fqHwError(msg);
        }
        for (j = 0; tablefd >= 0 && j < c->groups->len; j++) {
            fqGroup *g = g_ptr_array_index(c->groups, j);
            struct kvm_vfio_spapr_tce param = { g->fd, tablefd };
            struct kvm_device_attr attr = {
                .group = KVM_DEV_VFIO_GROUP,
                .attr = KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE,
                .addr = (uintptr_t)&param,
            };

            errno = EBADF;
            if (fq.kvmVfioFd < 0 ||
                ioctl(fq.kvmVfioFd, KVM_SET_DEVICE_ATTR, &attr) < 0) {
                msg = g_strdup_printf("vfio: failed GROUP_SET_SPAPR_TCE for "
                                      "KVM VFIO device %d and group fd %d: "
                                      "%s", tablefd, g->fd, g_strerror(errno));
                fqHwError(msg);
            }
            fqTrace("vfio_spapr_group_attach",
                    "Attached groupfd %d to liobn fd %d", g->fd, tablefd);
        }
    }
    /* a userspace table: the guest's H_PUT_TCEs reach QEMU */
    for (i = 0; tablefd < 0 && i < 2; i++)
        fqTrace("spapr_iommu_put", "liobn=%x ioba=0x%x tce=0x%x ret=%d",
                liobn, i << 12, 0x7e000003 + (i << 12), 0);
}

/* every PHB with a container, in index order */
static void
fqCreateWindows(void)
{
    int phb;
    guint i;

    for (phb = 0; phb <= FQ_MAX_PHB; phb++) {
        for (i = 0; i < fq.containers->len; i++) {
            if (((fqContainer *)g_ptr_array_index(fq.containers, i))->phb ==
                phb) {
                fqCreateWindow(phb);
                break;
            }
        }
    }
}

static void fqEvent(const char *event, const char *data);
static void fqShutdown(bool guest, const char *reason);

static gboolean
fqWindowTimer(gpointer opaque G_GNUC_UNUSED)
{
    if (fq.state == FQ_RUNNING)
        fqCreateWindows();
    else
        fq.windowPending = true;
    return G_SOURCE_REMOVE;
}

static gboolean
fqCrashTimer(gpointer opaque G_GNUC_UNUSED)
{
    prctl(PR_SET_DUMPABLE, 0);          /* no core file */
    abort();
}

static gboolean
fqPoweroffTimer(gpointer opaque G_GNUC_UNUSED)
{
    if (fq.state == FQ_RUNNING)
        fqShutdown(true, "guest-shutdown");
    return G_SOURCE_REMOVE;
}

static void
fqTimerFromEnv(const char *name, GSourceFunc func)
{
    const char *val = g_getenv(name);

    if (val)
        g_timeout_add(g_ascii_strtoull(val, NULL, 10), func, NULL);
}

static void
fqRun(void)
{
    if (fq.state == FQ_RUNNING)
        return;
    fq.state = FQ_RUNNING;
    fqEvent("RESUME", NULL);
    if (fq.windowPending) {
        fq.windowPending = false;
        fqCreateWindows();
    }
    if (fq.everRun)
        return;
    fq.everRun = true;
    if (fq.groups->len)
        g_timeout_add(20, fqWindowTimer, NULL);
    fqTimerFromEnv("FAKEQEMU_EXIT_AFTER_MS", fqCrashTimer);
    fqTimerFromEnv("FAKEQEMU_GUEST_POWEROFF_MS", fqPoweroffTimer);
}

static void
fqStop(fqRunState state)
{
    bool wasRunning = fq.state == FQ_RUNNING;

    fq.state = state;
    if (wasRunning)
        fqEvent("STOP", NULL);
}

/* ------------------------------------------------------------------ */
/* QMP                                                                 */

static void G_GNUC_PRINTF(1, 2)
fqSend(const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    size_t done = 0;
    ssize_t n;
    va_list ap;

    if (fq.client < 0)
        return;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    while (msg[done]) {
        if ((n = send(fq.client, msg + done, strlen(msg + done),
                      MSG_NOSIGNAL)) < 0 && errno != EINTR)
            return;                     /* the reader sees the hangup */
        done += MAX(n, 0);
    }
}

static void
fqEvent(const char *event, const char *data)
{
    gint64 now = g_get_real_time();

    if (fq.negotiated)
        fqSend("{\"timestamp\": {\"seconds\": %" G_GINT64_FORMAT ", "
               "\"microseconds\": %" G_GINT64_FORMAT "}, \"event\": \"%s\"%s"
               "%s}\r\n", now / G_USEC_PER_SEC, now % G_USEC_PER_SEC, event,
               data ? ", \"data\": " : "", data ? data : "");
}

/* {"return": JSON} or {"error": {"class": KLASS, "desc": TEXT}}, + id */
static void
fqReply(JsonNode *id, const char *klass, const char *text)
{
    g_autofree char *idstr = id ? json_to_string(id, FALSE) : NULL;
    g_autoptr(JsonNode) desc = NULL;
    g_autofree char *descstr = NULL;

    if (klass) {
        desc = json_node_init_string(json_node_alloc(), text);
        descstr = json_to_string(desc, FALSE);
        fqSend("{\"error\": {\"class\": \"%s\", \"desc\": %s}%s%s}\r\n",
               klass, descstr, id ? ", \"id\": " : "", id ? idstr : "");
    } else {
        fqSend("{\"return\": %s%s%s}\r\n", text, id ? ", \"id\": " : "",
               id ? idstr : "");
    }
}

/* qemu_system_shutdown_request(): only the guest's honours -no-shutdown */
static void
fqShutdown(bool guest, const char *reason)
{
    g_autofree char *data = g_strdup_printf("{\"guest\": %s, \"reason\": "
                                            "\"%s\"}", guest ? "true" : "false",
                                            reason);

    fqEvent("SHUTDOWN", data);
    if (!guest || !fq.noShutdown)
        fqExit(0);
    fqStop(FQ_SHUTDOWN);
}

/* a string argument, or NULL after an error reply */
static const char *
fqArgStr(JsonObject *args, const char *name, JsonNode *id)
{
    g_autofree char *msg = g_strdup_printf("Parameter '%s' is missing", name);
    JsonNode *node = args ? json_object_get_member(args, name) : NULL;

    if (node && JSON_NODE_HOLDS_VALUE(node) &&
        json_node_get_value_type(node) == G_TYPE_STRING)
        return json_node_get_string(node);
    fqReply(id, "GenericError", msg);
    return NULL;
}

/* the device at /machine/peripheral/ID, or NULL after an error reply */
static fqDevice *
fqQomDevice(const char *path, JsonNode *id)
{
    g_autofree char *msg = g_strdup_printf("Device '%s' not found", path);
    fqDevice *dev = NULL;

    if (g_str_has_prefix(path, "/machine/peripheral/"))
        dev = fqDeviceFind(path + strlen("/machine/peripheral/"));
    if (!dev)
        fqReply(id, "DeviceNotFound", msg);
    return dev;
}

/* qom-list of /machine/peripheral or of a device there */
static void
fqQomList(const char *path, JsonNode *id)
{
    g_autoptr(GString) ret = g_string_new("[");
    guint i;

    if (!g_str_equal(path, "/machine/peripheral")) {
        if (fqQomDevice(path, id))
            fqReply(id, NULL, "[{\"name\": \"type\", \"type\": \"string\"}, "
                    "{\"name\": \"realized\", \"type\": \"bool\"}]");
        return;
    }
    for (i = 0; i < fq.devices->len; i++) {
        fqDevice *dev = g_ptr_array_index(fq.devices, i);

        if (dev->id)
            g_string_append_printf(ret, "%s{\"name\": \"%s\", \"type\": "
                                   "\"child<%s>\"}", ret->len > 1 ? ", " : "",
                                   dev->id, dev->driver);
    }
    g_string_append_c(ret, ']');
    fqReply(id, NULL, ret->str);
}

/* query-pci: a root bus per PHB ("bus": 0 on every one, as pseries says),
 * host devices only, with the IDs the host's sysfs gives */
static void
fqQueryPci(JsonNode *id)
{
    static const char *files[] = { "vendor", "device", "class" };
    g_autoptr(GString) ret = g_string_new("[");
    int phb;
    guint i, f;

    for (phb = 0; phb <= FQ_MAX_PHB; phb++) {
        g_autoptr(GString) devs = g_string_new(NULL);

        for (i = 0; i < fq.devices->len; i++) {
            fqDevice *dev = g_ptr_array_index(fq.devices, i);
            const char *addr = g_hash_table_lookup(dev->props, "addr");
            char *end = NULL;
            guint slot = addr ? g_ascii_strtoull(addr, &end, 16) : i;
            guint v[3] = { 0 };

            if (!dev->name || dev->phb != phb)
                continue;
            for (f = 0; f < G_N_ELEMENTS(files); f++) {
                g_autofree char *path = g_strdup_printf(
                    "/sys/bus/pci/devices/%s/%s", dev->name, files[f]);
                g_autofree char *text = NULL;

                if (g_file_get_contents(path, &text, NULL, NULL))
                    v[f] = g_ascii_strtoull(text, NULL, 16);
            }
            g_string_append_printf(devs, "%s{\"bus\": 0, \"slot\": %u, "
                                   "\"function\": %u, \"class_info\": "
                                   "{\"class\": %u}, \"id\": {\"device\": %u, "
                                   "\"vendor\": %u}, \"regions\": [], "
                                   "\"qdev_id\": \"%s\"}",
                                   devs->len ? ", " : "", slot,
                                   end && *end == '.' ?
                                   (guint)g_ascii_strtoull(end + 1, NULL, 16) : 0,
                                   v[2] >> 8, v[1], v[0], dev->id ? dev->id : "");
        }
        if (devs->len || phb == 0)
            g_string_append_printf(ret, "%s{\"bus\": 0, \"devices\": [%s]}",
                                   ret->len > 1 ? ", " : "", devs->str);
    }
    g_string_append_c(ret, ']');
    fqReply(id, NULL, ret->str);
}

/* device_add: realized at once, like QEMU; FAKEQEMU_DEVICE_ADD_FAIL=ID
 * makes the device with that id fail after realize (its group closed
 * again, as QEMU's unrealize does) */
static void
fqDeviceAdd(JsonObject *args, JsonNode *id)
{
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *text = NULL;
    g_autofree char *err = NULL;
    const char *fail = g_getenv("FAKEQEMU_DEVICE_ADD_FAIL");
    fqDevice *dev = g_new0(fqDevice, 1);
    char *hint;

    node = json_node_init_object(json_node_alloc(), args ? args : json_object_new());
    text = json_to_string(node, FALSE);
    if (!(dev->props = fqDeviceProps(text)) ||
        !(dev->driver = g_hash_table_lookup(dev->props, "driver"))) {
        fqReply(id, "GenericError", "Parameter 'driver' is missing");
        return;
    }
    dev->id = g_hash_table_lookup(dev->props, "id");
    if (!fqDeviceRealize(dev, &err)) {
        if ((hint = strchr(err, '\n')))
            *hint = '\0';
        fqReply(id, "GenericError", err);
        return;
    }
    if (fail && g_strcmp0(fail, dev->id) == 0) {
        fqVfioUnrealize(dev);
        fqReply(id, "GenericError", "fakeqemu: injected device_add failure");
        return;
    }
    g_ptr_array_add(fq.devices, dev);
    /* a new container of a running guest gets its PHB's windows now */
    if (fq.everRun && dev->group && dev->group->container->groups->len == 1 &&
        dev->group->names->len == 1)
        fqCreateWindow(dev->phb);
    fqReply(id, NULL, "{}");
}

static gboolean
fqUnplugTimer(gpointer opaque)
{
    g_autofree char *devId = opaque;
    g_autofree char *data = NULL;
    fqDevice *dev = fqDeviceFind(devId);

    if (!dev)
        return G_SOURCE_REMOVE;
    fqVfioUnrealize(dev);
    g_ptr_array_remove(fq.devices, dev);
    data = g_strdup_printf("{\"device\": \"%s\", \"path\": "
                           "\"/machine/peripheral/%s\"}", devId, devId);
    fqEvent("DEVICE_DELETED", data);
    return G_SOURCE_REMOVE;
}

/* device_del: the guest releases the device after FAKEQEMU_UNPLUG_MS
 * (default 100; "never": a guest without its hotplug tools) */
static void
fqDeviceDel(const char *devId, JsonNode *id)
{
    const char *ms = g_getenv("FAKEQEMU_UNPLUG_MS");
    fqDevice *dev = fqDeviceFind(devId);
    g_autofree char *msg = NULL;

    if (!dev) {
        msg = g_strdup_printf("Device '%s' not found", devId);
        fqReply(id, "DeviceNotFound", msg);
        return;
    }
    if (dev->unplugging) {
        msg = g_strdup_printf("Device %s is already in the process of unplug",
                              devId);
        fqReply(id, "GenericError", msg);
        return;
    }
    dev->unplugging = true;
    fqReply(id, NULL, "{}");
    if (g_strcmp0(ms, "never") != 0)
        g_timeout_add(ms ? atoi(ms) : 100, fqUnplugTimer, g_strdup(devId));
}

static void
fqExecute(const char *cmd, JsonObject *args, JsonNode *id)
{
    g_autofree char *msg = NULL;
    const char *path, *prop;
    JsonNode *enable;
    fqDevice *dev;

    if (!fq.negotiated && !g_str_equal(cmd, "qmp_capabilities")) {
        fqReply(id, "CommandNotFound",
                "Expecting capabilities negotiation with 'qmp_capabilities'");
    } else if (g_str_equal(cmd, "qmp_capabilities")) {
        if (fq.negotiated) {
            fqReply(id, "CommandNotFound", "Capabilities negotiation is "
                    "already complete, command ignored");
        } else {
            fq.negotiated = true;
            fqReply(id, NULL, "{}");
        }
    } else if (g_str_equal(cmd, "query-status")) {
        msg = g_strdup_printf("{\"status\": \"%s\", \"running\": %s}",
                              fqRunStateNames[fq.state],
                              fq.state == FQ_RUNNING ? "true" : "false");
        fqReply(id, NULL, msg);
    } else if (g_str_equal(cmd, "cont")) {
        if (fq.state == FQ_SHUTDOWN) {
            fqReply(id, "GenericError",
                    "Resetting the Virtual Machine is required");
            return;
        }
        fqReply(id, NULL, "{}");
        fqRun();
    } else if (g_str_equal(cmd, "stop")) {
        fqReply(id, NULL, "{}");
        if (fq.state != FQ_SHUTDOWN)
            fqStop(FQ_PAUSED);
    } else if (g_str_equal(cmd, "system_reset")) {
        /* a guest in shutdown state comes back stopped (prelaunch) */
        fqReply(id, NULL, "{}");
        fqEvent("RESET", "{\"guest\": false, \"reason\": \"host-qmp-system-reset\"}");
        if (fq.state == FQ_SHUTDOWN)
            fq.state = FQ_PRELAUNCH;
    } else if (g_str_equal(cmd, "system_powerdown")) {
        fqReply(id, NULL, "{}");
        fqEvent("POWERDOWN", NULL);
        if (fq.state == FQ_RUNNING)     /* the guest reacts */
            g_timeout_add(50, fqPoweroffTimer, NULL);
    } else if (g_str_equal(cmd, "quit")) {
        if (fq.hangQuit)
            return;
        fqReply(id, NULL, "{}");
        fqShutdown(false, "host-qmp-quit");
    } else if (g_str_equal(cmd, "qom-get")) {
        if (!(path = fqArgStr(args, "path", id)) ||
            !(prop = fqArgStr(args, "property", id)) ||
            !(dev = fqQomDevice(path, id)))
            return;
        if (g_str_equal(prop, "realized")) {
            fqReply(id, NULL, "true");
            return;
        }
        msg = g_strdup_printf("Property '%s.%s' not found", dev->driver, prop);
        fqReply(id, "GenericError", msg);
    } else if (g_str_equal(cmd, "qom-list")) {
        if ((path = fqArgStr(args, "path", id)))
            fqQomList(path, id);
    } else if (g_str_equal(cmd, "query-pci")) {
        fqQueryPci(id);
    } else if (g_str_equal(cmd, "device_add")) {
        fqDeviceAdd(args, id);
    } else if (g_str_equal(cmd, "device_del")) {
        if ((path = fqArgStr(args, "id", id)))
            fqDeviceDel(path, id);
    } else if (g_str_equal(cmd, "trace-event-set-state")) {
        enable = args ? json_object_get_member(args, "enable") : NULL;
        if (!(path = fqArgStr(args, "name", id)))
            return;
        if (!enable || !JSON_NODE_HOLDS_VALUE(enable) ||
            json_node_get_value_type(enable) != G_TYPE_BOOLEAN) {
            fqReply(id, "GenericError", "Parameter 'enable' is missing");
            return;
        }
        g_ptr_array_add(fq.traceRules, g_strdup_printf(
            "%s%s", json_node_get_boolean(enable) ? "" : "-", path));
        fqReply(id, NULL, "{}");
    } else {
        msg = g_strdup_printf("The command %s has not been found", cmd);
        fqReply(id, "CommandNotFound", msg);
    }
}

static void
fqDispatch(const char *text)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *msg = NULL;
    JsonObject *obj;
    JsonNode *id, *exec, *args;

    if (!json_parser_load_from_data(parser, text, -1, &err)) {
        msg = g_strdup_printf("JSON parse error, %s", err->message);
        fqReply(NULL, "GenericError", msg);
        return;
    }
    if (!JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
        fqReply(NULL, "GenericError", "QMP input must be a JSON object");
        return;
    }
    obj = json_node_get_object(json_parser_get_root(parser));
    id = json_object_get_member(obj, "id");
    exec = json_object_get_member(obj, "execute");
    args = json_object_get_member(obj, "arguments");
    if (!exec || !JSON_NODE_HOLDS_VALUE(exec) ||
        json_node_get_value_type(exec) != G_TYPE_STRING)
        fqReply(id, "GenericError", "QMP input lacks member 'execute'");
    else
        fqExecute(json_node_get_string(exec), args && JSON_NODE_HOLDS_OBJECT(
                  args) ? json_node_get_object(args) : NULL, id);
}

/* split the input into top-level JSON texts (or bad tokens) */
static void
fqSplit(void)
{
    GString *in = fq.inbuf;
    size_t pos = 0, end;

    while (fq.client >= 0) {
        g_autofree char *text = NULL;
        bool str = false, esc = false, json;
        int depth = 0;

        while (pos < in->len && g_ascii_isspace(in->str[pos]))
            pos++;
        json = in->str[pos] == '{' || in->str[pos] == '[';
        for (end = pos; end < in->len; end++) {
            char c = in->str[end];

            if (!json && (g_ascii_isspace(c) || c == '{' || c == '['))
                break;
            if (!json)
                continue;
            if (esc)
                esc = false;
            else if (str && c == '\\')
                esc = true;
            else if (c == '"')
                str = !str;
            else if (!str && (c == '{' || c == '['))
                depth++;
            else if (!str && (c == '}' || c == ']') && --depth == 0)
                break;
        }
        end += json && end < in->len;   /* past the closing bracket */
        if (pos == in->len || (end == in->len && (!json || depth > 0)))
            break;                      /* wait for the rest */
        text = g_strndup(in->str + pos, end - pos);
        pos = end;
        fqDispatch(text);
    }
    g_string_erase(in, 0, MIN(pos, in->len));
}

static gboolean fqAccept(int fd, GIOCondition cond, gpointer opaque);

static gboolean
fqClientIO(int fd, GIOCondition cond, gpointer opaque)
{
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof(buf));

    if (n < 0 && errno == EINTR)
        return G_SOURCE_CONTINUE;
    if (n <= 0) {
        close(fq.client);
        fq.client = -1;
        fq.negotiated = false;
        g_string_truncate(fq.inbuf, 0);
        g_unix_fd_add(fq.monitorFd, G_IO_IN, fqAccept, NULL);
        return G_SOURCE_REMOVE;
    }
    g_string_append_len(fq.inbuf, buf, n);
    fqSplit();
    return G_SOURCE_CONTINUE;
}

/* one client at a time: the next waits in the backlog */
static gboolean
fqAccept(int fd, GIOCondition cond, gpointer opaque)
{
    if ((fq.client = accept4(fd, NULL, NULL, SOCK_CLOEXEC)) < 0)
        return G_SOURCE_CONTINUE;
    fqSend("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 2, \"minor\": 0, "
           "\"major\": 10}, \"package\": \"fakeqemu\"}, \"capabilities\": "
           "[\"oob\"]}}\r\n");
    g_unix_fd_add(fq.client, G_IO_IN | G_IO_HUP, fqClientIO, NULL);
    return G_SOURCE_REMOVE;
}

/* qemu_system_killed() + qemu_kill_report() */
static gboolean
fqSignal(int fd, GIOCondition cond, gpointer opaque)
{
    struct signalfd_siginfo si;
    g_autofree char *path = NULL;
    g_autofree char *cmd = NULL;

    if (read(fd, &si, sizeof(si)) != sizeof(si) || fq.hangQuit)
        return G_SOURCE_CONTINUE;
    if (si.ssi_pid == 0) {
        fqErrorReport("terminating on signal %u", si.ssi_signo);
    } else {
        path = g_strdup_printf("/proc/%u/cmdline", si.ssi_pid);
        g_file_get_contents(path, &cmd, NULL, NULL);
        fqErrorReport("terminating on signal %u from pid %u (%s)",
                      si.ssi_signo, si.ssi_pid,
                      cmd ? cmd : "<unknown process>");
    }
    fqShutdown(false, "host-signal");
    return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------ */

int
main(int argc, char **argv)
{
    /* options without an argument (all others take one) */
    static const char *flags[] = {
        "-S", "-no-shutdown", "-no-reboot", "-no-user-config", "-nodefaults",
        "-nographic", "-enable-kvm", "-daemonize", "-snapshot", "-no-hpet",
        "-full-screen", "-preconfig", NULL,
    };
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    const char *monitor = NULL, *val;
    const char *openGroup = g_getenv("FAKEQEMU_OPEN_GROUP");
    sigset_t sigs;
    int sfd, fd, i;

    fq.sockets = g_ptr_array_new();
    fq.devices = g_ptr_array_new();
    fq.groups = g_ptr_array_new();
    fq.containers = g_ptr_array_new();
    fq.traceRules = g_ptr_array_new();
    fq.inbuf = g_string_new(NULL);
    fq.hangQuit = g_strcmp0(g_getenv("FAKEQEMU_HANG_QUIT"), "1") == 0;

    for (i = 1; i < argc; i++) {
        const char *opt = argv[i] + (argv[i][0] == '-' && argv[i][1] == '-');
        const char *arg = i + 1 < argc ? argv[i + 1] : "";
        g_autoptr(GHashTable) opts = NULL;

        if (g_strv_contains(flags, opt)) {
            fq.startPaused |= g_str_equal(opt, "-S");
            fq.noShutdown |= g_str_equal(opt, "-no-shutdown");
            if (g_str_equal(opt, "-enable-kvm"))
                fq.accel = "kvm";
            continue;
        }
        i++;
        if (g_str_equal(opt, "-machine") || g_str_equal(opt, "-M")) {
            opts = fqOptsParse(arg, "type");
            if ((val = g_hash_table_lookup(opts, "accel")))
                fq.accel = g_strdup(val);
        } else if (g_str_equal(opt, "-mon")) {
            opts = fqOptsParse(arg, "chardev");
            if (g_strcmp0(g_hash_table_lookup(opts, "mode"), "control") == 0)
                monitor = g_strdup(g_hash_table_lookup(opts, "chardev"));
        } else if (g_str_equal(opt, "-trace")) {
            opts = fqOptsParse(arg, "enable");
            if ((val = g_hash_table_lookup(opts, "enable")))
                g_ptr_array_add(fq.traceRules, g_strdup(val));
        } else if (g_str_equal(opt, "-msg")) {
            opts = fqOptsParse(arg, NULL);
            fq.timestamp = g_strcmp0(g_hash_table_lookup(opts, "timestamp"),
                                     "on") == 0;
        }
    }

    /* signals wait for the main loop, as in QEMU */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    sigprocmask(SIG_BLOCK, &sigs, NULL);
    sfd = signalfd(-1, &sigs, SFD_CLOEXEC);

    /* early backends: chardev sockets */
    for (i = 1; i + 1 < argc; i++) {
        g_autoptr(GHashTable) opts = NULL;

        if (!g_str_equal(argv[i], "-chardev") || (fd = fqListen(argv[++i])) < 0)
            continue;
        opts = fqOptsParse(argv[i], "backend");
        if (g_strcmp0(g_hash_table_lookup(opts, "id"), monitor) == 0)
            fq.monitorFd = fd;
    }

    if (g_str_has_prefix(fq.accel ? fq.accel : "tcg", "kvm"))
        fqKvmInit();

    /* the devices in order; an error is fatal (&error_fatal) */
    for (i = 1; i + 1 < argc; i++) {
        g_autofree char *loc = NULL;
        g_autofree char *err = NULL;
        fqDevice *dev;
        char *hint;

        if (!g_str_equal(argv[i], "-device"))
            continue;
        dev = g_new0(fqDevice, 1);
        fqLoc = loc = g_strdup_printf("-device %s", argv[++i]);
        if (!(dev->props = fqDeviceProps(argv[i])) ||
            !(dev->driver = g_hash_table_lookup(dev->props, "driver"))) {
            fqErrorReport(dev->props ? "Parameter 'driver' is missing"
                                     : "JSON parse error");
            fqStartupFail();
        }
        dev->id = g_hash_table_lookup(dev->props, "id");
        if (!fqDeviceRealize(dev, &err)) {
            if ((hint = strchr(err, '\n')))
                *hint++ = '\0';
            fqErrorReport("%s", err);
            if (hint)
                fprintf(stderr, "%s\n", hint);
            fqStartupFail();
        }
        g_ptr_array_add(fq.devices, dev);
        fqLoc = NULL;
    }

    if (openGroup) {
        g_autofree char *path = g_strdup_printf("/dev/vfio/%s", openGroup);

        fd = open(path, O_RDWR | O_CLOEXEC);
        fprintf(stderr, "fakeqemu: open %s: %s\n", path,
                g_strerror(fd < 0 ? errno : 0));
        if (fd >= 0)
            fqStartupFail();
    }

    if (sfd >= 0)
        g_unix_fd_add(sfd, G_IO_IN, fqSignal, NULL);
    if (fq.monitorFd >= 0)
        g_unix_fd_add(fq.monitorFd, G_IO_IN, fqAccept, NULL);
    if (!fq.startPaused)
        fqRun();
    g_main_loop_run(loop);
    return 0;
}
