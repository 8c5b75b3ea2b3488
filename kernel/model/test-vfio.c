/*
 * test-vfio.c: /dev/vfio and /dev/kvm of the fake host, beyond the
 * contract tests (kernel/selftests)
 *
 * Runs under LD_PRELOAD=libtcemodel.so on a fresh hosts/contract.host
 * (see test-model.sh): lifetime across processes (SCM_RIGHTS, exec,
 * seccomp ADDFD), ioctl faults, what sysfs changes do to open files,
 * VmLck of another process, containers with two groups, processes racing
 * for a group, KVM from another mm, owner and mode of the nodes (DAC)
 * for an unprivileged process.  Prints TAP; exits 1 on failure.  "test-vfio exec-child ..." is the
 * exec'd half of the exec case.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <linux/vfio.h>

#define DEVS "/sys/bus/pci/devices/"
#define DRVS "/sys/bus/pci/drivers/"
#define BDF0 "0000:01:00.0"             /* group 0, alone on vfio-pci */
#define BUF (1UL << 20)

static int testNum;
static int testFailed;
static const char *testRoot;

#define CHECK(cond, ...) \
    do { \
        g_autofree char *msg_ = g_strdup_printf(__VA_ARGS__); \
        testNum++; \
        if (cond) { \
            printf("ok %d - %s\n", testNum, msg_); \
        } else { \
            printf("not ok %d - %s (line %d)\n", testNum, msg_, __LINE__); \
            testFailed++; \
        } \
    } while (0)

/* @expr fails with @err (0: succeeds) */
#define CHECK_ERR(expr, err, what) \
    do { \
        long r_; \
        errno = 0; \
        r_ = (long)(expr); \
        CHECK((err) ? r_ < 0 && errno == (err) : r_ >= 0, \
              "%s -> %ld %s (want %s)", what, r_, \
              r_ < 0 ? g_strerror(errno) : "", \
              (err) ? g_strerror(err) : "success"); \
    } while (0)


static int
writeStr(const char *path, const char *str)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    int err = 0;

    if (fd < 0)
        return -errno;
    if (write(fd, str, strlen(str)) < 0)
        err = -errno;
    close(fd);
    return err;
}

static int
openGroup(int n)
{
    char path[32];

    g_snprintf(path, sizeof(path), "/dev/vfio/%d", n);
    return open(path, O_RDWR | O_CLOEXEC);
}

static int
groupFlags(int g)
{
    struct vfio_group_status st = { .argsz = sizeof(st) };

    return ioctl(g, VFIO_GROUP_GET_STATUS, &st) < 0 ? -errno : (int)st.flags;
}

/* a container with @g attached and the sPAPR v2 IOMMU */
static int
spaprContainer(int g)
{
    int c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);

    if (ioctl(g, VFIO_GROUP_SET_CONTAINER, &c) < 0 ||
        ioctl(c, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU) < 0) {
        close(c);
        return -1;
    }
    return c;
}

static int
reg(int c, void *buf, size_t size, unsigned long req)
{
    struct vfio_iommu_spapr_register_memory r = {
        .argsz = sizeof(r), .vaddr = (uintptr_t)buf, .size = size,
    };
    return ioctl(c, req, &r);
}

static long
vmlck(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", (int)pid);
    char line[256];
    long v = -1;
    FILE *f = fopen(path, "re");

    while (f && fgets(line, sizeof(line), f)) {
        if (strncmp(line, "VmLck:", 6) == 0)
            v = strtol(line + 6, NULL, 10);
    }
    if (f)
        fclose(f);
    return v;
}

static int
sendFd(int sock, int fd)
{
    char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
    char b = 'f';
    struct iovec iov = { &b, 1 };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = cbuf, .msg_controllen = sizeof(cbuf),
    };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof(int));
    return sendmsg(sock, &msg, 0);
}

static int
recvFd(int sock)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    char b;
    struct iovec iov = { &b, 1 };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = cbuf, .msg_controllen = sizeof(cbuf),
    };
    struct cmsghdr *cm;
    int fd;

    if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) <= 0 ||
        !(cm = CMSG_FIRSTHDR(&msg)) || cm->cmsg_type != SCM_RIGHTS)
        return -1;
    memcpy(&fd, CMSG_DATA(cm), sizeof(int));
    return fd;
}

static int
waitChild(pid_t pid)
{
    int status = 0;

    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}


/* ------------------------------------------------------------------ */

/* a group fd sent over SCM_RIGHTS keeps the group open in the receiver */
static void
testScmRights(void)
{
    int sv[2];
    int g;
    char b = 0;
    pid_t pid;

    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
    if ((pid = fork()) == 0) {
        int fd = recvFd(sv[1]);
        char ok = groupFlags(fd) == VFIO_GROUP_FLAGS_VIABLE ? 'y' : 'n';

        if (write(sv[1], &ok, 1) != 1 || read(sv[1], &ok, 1) != 1)
            _exit(2);
        _exit(0);
    }
    g = openGroup(0);
    CHECK(g >= 0 && sendFd(sv[0], g) == 1, "group fd sent");
    close(g);
    CHECK(read(sv[0], &b, 1) == 1 && b == 'y', "receiver's GET_STATUS works");
    CHECK_ERR(openGroup(0), EBUSY, "sender closed its fd, receiver holds it");
    CHECK(write(sv[0], &b, 1) == 1 && waitChild(pid) == 0, "receiver exits");
    CHECK_ERR(g = openGroup(0), 0, "released with the receiver");
    close(g);
    close(sv[0]);
    close(sv[1]);
}


/* fds inherited over exec stay; the new image is another mm */
static void
testExec(const char *self)
{
    char *buf = mmap(NULL, BUF, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int g = open("/dev/vfio/0", O_RDWR);
    int c = spaprContainer(g);
    g_autofree char *gs = g_strdup_printf("%d", g);
    g_autofree char *cs = g_strdup_printf("%d", c);
    pid_t pid;

    fcntl(c, F_SETFD, 0);
    CHECK_ERR(reg(c, buf, BUF, VFIO_IOMMU_SPAPR_REGISTER_MEMORY), 0,
              "REGISTER binds the container to this mm");
    if ((pid = fork()) == 0) {
        execl(self, self, "exec-child", gs, cs, NULL);
        _exit(127);
    }
    CHECK(waitChild(pid) == 0, "exec'd child: group fd works, container "
          "refuses the new mm (EPERM)");
    close(g);
    close(c);
    munmap(buf, BUF);
}

static int
execChild(int g, int c)
{
    char *buf = mmap(NULL, BUF, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (groupFlags(g) != (VFIO_GROUP_FLAGS_VIABLE |
                          VFIO_GROUP_FLAGS_CONTAINER_SET))
        return 1;
    if (reg(c, buf, BUF, VFIO_IOMMU_SPAPR_REGISTER_MEMORY) == 0 ||
        errno != EPERM)
        return 2;
    return 0;
}


/* the supervisor's hand-off: open trapped by seccomp, fd injected */
static int
seccompListen(void)
{
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = { G_N_ELEMENTS(code), code };

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return -1;
    return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                   SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

/* answer @pid's openat calls until it exits; returns injections made */
static int
seccompSupervise(int listener, pid_t pid)
{
    struct seccomp_notif_sizes sz;
    g_autofree struct seccomp_notif *req = NULL;
    g_autofree struct seccomp_notif_resp *resp = NULL;
    int injected = 0;

    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
        return -1;
    req = g_malloc0(MAX(sz.seccomp_notif, sizeof(*req)));
    resp = g_malloc0(MAX(sz.seccomp_notif_resp, sizeof(*resp)));
    for (;;) {
        struct pollfd p = { listener, POLLIN, 0 };
        char path[64] = "";
        struct iovec local = { path, sizeof(path) - 1 };
        struct iovec remote = { NULL, sizeof(path) - 1 };

        if (poll(&p, 1, 5000) <= 0 || (p.revents & POLLHUP))
            break;
        memset(req, 0, sz.seccomp_notif);
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
            continue;
        remote.iov_base = (void *)(uintptr_t)req->data.args[1];
        process_vm_readv(req->pid, &local, 1, &remote, 1, 0);

        if (g_str_equal(path, "/dev/vfio/0")) {
            int fd = openGroup(0);
            struct seccomp_notif_addfd add = {
                .id = req->id, .flags = SECCOMP_ADDFD_FLAG_SEND,
                .srcfd = fd, .newfd_flags = O_CLOEXEC,
            };

            if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add) >= 0)
                injected++;
            close(fd);
            continue;
        }
        memset(resp, 0, sz.seccomp_notif_resp);
        resp->id = req->id;
        resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
    }
    return injected;
}

static void
testSeccompAddfd(void)
{
    int sv[2];
    int listener;
    int injected;
    pid_t pid;
    int g;

    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
    if ((pid = fork()) == 0) {
        int l = seccompListen();

        if (l < 0 || sendFd(sv[1], l) != 1)
            _exit(3);
        close(l);
        setenv("TCEMODEL_VFIO_OPEN", "syscall", 1);
        g = openGroup(0);
        _exit(g >= 0 && groupFlags(g) == VFIO_GROUP_FLAGS_VIABLE &&
              fcntl(g, F_GETFD) == FD_CLOEXEC ? 0 : 1);
    }
    if ((listener = recvFd(sv[0])) < 0) {
        waitChild(pid);
        printf("ok %d - # SKIP no seccomp user notification here\n",
               ++testNum);
        return;
    }
    injected = seccompSupervise(listener, pid);
    close(listener);
    CHECK(injected == 1, "supervisor injected the group fd (%d)", injected);
    CHECK(waitChild(pid) == 0, "QEMU side: injected fd is the group");
    CHECK_ERR(g = openGroup(0), 0, "released when QEMU exits");
    close(g);
    close(sv[0]);
    close(sv[1]);
}


static void
setFaults(const char *text)
{
    g_autofree char *path = g_strconcat(testRoot, "/faults", NULL);

    if (text)
        g_file_set_contents(path, text, -1, NULL);
    else
        unlink(path);
}

static void
testFaults(void)
{
    char *buf = mmap(NULL, BUF, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int g = openGroup(0);
    int c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
    long before = vmlck(getpid());

    setFaults("ioctl:VFIO_SET_IOMMU ENODEV 1\n"
              "ioctl:VFIO_IOMMU_SPAPR_REGISTER_MEMORY ENOMEM\n");
    CHECK_ERR(ioctl(g, VFIO_GROUP_SET_CONTAINER, &c), 0, "SET_CONTAINER");
    CHECK_ERR(ioctl(c, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU), ENODEV,
              "injected SET_IOMMU ENODEV");
    CHECK_ERR(ioctl(c, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU), 0,
              "count used up: SET_IOMMU works");
    CHECK_ERR(reg(c, buf, BUF, VFIO_IOMMU_SPAPR_REGISTER_MEMORY), ENOMEM,
              "injected REGISTER_MEMORY ENOMEM");
    CHECK(vmlck(getpid()) == before, "a faulted REGISTER charges nothing");
    setFaults("open:/dev/vfio/0 EBUSY 1\nioctl:KVM_* EIO\n");
    close(g);
    CHECK_ERR(openGroup(0), EBUSY, "injected open fault on /dev/vfio/0");
    CHECK_ERR(g = openGroup(0), 0, "then it opens");
    setFaults(NULL);
    close(g);
    close(c);
    munmap(buf, BUF);
}


/* unbind with device fds open; unplug leaves the group file dangling */
static void
testSysfsVfio(void)
{
    int g = openGroup(0);
    int c = spaprContainer(g);
    int d = ioctl(g, VFIO_GROUP_GET_DEVICE_FD, BDF0);
    struct vfio_device_info info = { .argsz = sizeof(info) };
    int g2;

    CHECK_ERR(ioctl(d, VFIO_DEVICE_GET_INFO, &info), 0, "DEVICE_GET_INFO");
    CHECK(info.flags == (VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET) &&
          info.num_regions == VFIO_PCI_NUM_REGIONS &&
          info.num_irqs == VFIO_PCI_NUM_IRQS, "device info 0x%x %u %u",
          info.flags, info.num_regions, info.num_irqs);
    CHECK(writeStr(DRVS "vfio-pci/unbind", BDF0) == -EBUSY,
          "unbind with a device fd open: EBUSY (the kernel blocks)");
    close(d);
    CHECK(writeStr(DRVS "vfio-pci/unbind", BDF0) == 0, "unbind after close");
    CHECK(access("/dev/vfio/0", F_OK) < 0, "/dev/vfio/0 gone");
    CHECK(groupFlags(g) == -ENODEV, "open group file: GET_STATUS ENODEV");
    CHECK_ERR(ioctl(g, VFIO_GROUP_UNSET_CONTAINER), EINVAL,
              "its container was detached");
    CHECK_ERR(ioctl(c, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info), EINVAL,
              "and the container lost its IOMMU");
    CHECK(writeStr(DEVS BDF0 "/driver_override", "vfio-pci") == 0 &&
          writeStr(DRVS "vfio-pci/bind", BDF0) == 0, "bind back");
    CHECK_ERR(g2 = openGroup(0), 0, "a new group opens beside the old file");
    CHECK(groupFlags(g2) == VFIO_GROUP_FLAGS_VIABLE, "new group viable");
    close(g2);
    close(g);
    close(c);
}

/* a host driver cannot probe while a VFIO user owns the group's DMA */
static void
testSysfsClaim(void)
{
    int g;
    int c;
    g_autofree char *drv = NULL;

    CHECK(writeStr(DRVS "e1000e/unbind", "0001:01:00.1") == 0,
          "unbind 0001:01:00.1 from e1000e");
    g = openGroup(1);
    CHECK(groupFlags(g) == VFIO_GROUP_FLAGS_VIABLE, "group 1 now viable");
    c = spaprContainer(g);
    CHECK(c >= 0, "group 1 in a container");
    CHECK(writeStr(DRVS "e1000e/bind", "0001:01:00.1") == -EBUSY,
          "bind e1000e while the group is claimed: EBUSY");
    CHECK(writeStr("/sys/bus/pci/drivers_probe", "0001:01:00.1") == 0 &&
          !g_file_test(DEVS "0001:01:00.1/driver", G_FILE_TEST_EXISTS),
          "drivers_probe leaves it unbound");
    close(c);
    close(g);
    CHECK(writeStr(DRVS "e1000e/bind", "0001:01:00.1") == 0,
          "bind works once the group is released");
}


/* VmLck of another process shows what the model charged to it */
static void
testVmLckOther(void)
{
    int p[2];
    char b = 0;
    pid_t pid;

    if (pipe(p) < 0)
        return;
    if ((pid = fork()) == 0) {
        char *buf = mmap(NULL, BUF, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        int g = openGroup(0);
        int c = spaprContainer(g);

        b = reg(c, buf, BUF, VFIO_IOMMU_SPAPR_REGISTER_MEMORY) == 0 ? 'y' : 'n';
        if (write(p[1], &b, 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    CHECK(read(p[0], &b, 1) == 1 && b == 'y', "child registered 1 MiB");
    CHECK(vmlck(pid) == (long)(BUF >> 10), "/proc/%d/status VmLck %ld kB",
          (int)pid, vmlck(pid));
    kill(pid, SIGKILL);
    waitChild(pid);
    close(p[0]);
    close(p[1]);
}


/* two groups in one container: the backend goes with the last one */
static void
testTwoGroups(void)
{
    const char *fns[] = { "0002:01:00.0", "0002:01:00.1" };
    struct vfio_iommu_spapr_tce_create cr = {
        .argsz = sizeof(cr), .page_shift = 12, .window_size = 1ULL << 30,
        .levels = 1,
    };
    struct vfio_iommu_spapr_tce_info info = { .argsz = sizeof(info) };
    char *buf = mmap(NULL, BUF, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    long base = vmlck(getpid());
    int g0;
    int g2;
    int c;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(fns); i++) {
        g_autofree char *ovr = g_strconcat(DEVS, fns[i], "/driver_override",
                                           NULL);

        writeStr(ovr, "vfio-pci");
        writeStr(DRVS "e1000e/unbind", fns[i]);
        writeStr("/sys/bus/pci/drivers_probe", fns[i]);
    }
    g0 = openGroup(0);
    g2 = openGroup(2);
    c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
    CHECK_ERR(ioctl(g0, VFIO_GROUP_SET_CONTAINER, &c), 0, "group 0 attached");
    CHECK_ERR(ioctl(g2, VFIO_GROUP_SET_CONTAINER, &c), 0, "group 2 attached");
    CHECK_ERR(ioctl(c, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU), 0,
              "SET_IOMMU for both");
    CHECK_ERR(reg(c, buf, BUF, VFIO_IOMMU_SPAPR_REGISTER_MEMORY), 0,
              "REGISTER");
    CHECK_ERR(ioctl(c, VFIO_IOMMU_SPAPR_TCE_CREATE, &cr), 0, "TCE_CREATE");
    close(g0);
    CHECK_ERR(ioctl(c, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info), 0,
              "group 2 keeps the backend");
    CHECK(vmlck(getpid()) > base, "still charged");
    close(g2);
    CHECK(vmlck(getpid()) == base, "last group gone: everything uncharged");
    CHECK_ERR(ioctl(c, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info), EINVAL,
              "container deprivileged");
    close(c);
    munmap(buf, BUF);
}


static void
testMisc(void)
{
    struct vfio_eeh_pe_op op = {
        .argsz = sizeof(op), .op = VFIO_EEH_PE_INJECT_ERR,
    };
    struct vfio_iommu_spapr_tce_remove rm = { .argsz = sizeof(rm) };
    struct vfio_iommu_type1_dma_map map = {
        .argsz = sizeof(map), .flags = VFIO_DMA_MAP_FLAG_READ, .size = 4096,
    };
    char *buf = mmap(NULL, BUF, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int g = openGroup(0);
    int c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);

    CHECK_ERR(openGroup(7), ENOENT, "/dev/vfio/7");
    CHECK(ioctl(g, FIONCLEX) == 0 && fcntl(g, F_GETFD) == 0 &&
          ioctl(g, FIOCLEX) == 0 && fcntl(g, F_GETFD) == FD_CLOEXEC,
          "FIONCLEX/FIOCLEX work on a group fd (VFS ioctls)");
    CHECK_ERR(ioctl(g, VFIO_GET_API_VERSION), ENOTTY, "group: container "
              "ioctl");
    CHECK_ERR(ioctl(g, VFIO_GROUP_SET_CONTAINER, &c), 0, "SET_CONTAINER");
    CHECK_ERR(ioctl(c, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_IOMMU), EPERM,
              "v1 on an IODA2 group");
    CHECK_ERR(ioctl(c, VFIO_SET_IOMMU, VFIO_EEH), EINVAL, "SET_IOMMU(EEH)");
    CHECK_ERR(ioctl(c, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU), 0, "v2");
    CHECK_ERR(ioctl(g, VFIO_GROUP_GET_DEVICE_FD, BDF0 " vf_token=x"), EINVAL,
              "vf_token for a plain device");
    CHECK_ERR(ioctl(c, VFIO_IOMMU_ENABLE), ENOTTY, "ENABLE is v1 only");
    CHECK_ERR(ioctl(c, VFIO_EEH_PE_OP, &op), 0, "EEH inject");
    op.op = VFIO_EEH_PE_GET_STATE;
    CHECK(ioctl(c, VFIO_EEH_PE_OP, &op) == VFIO_EEH_PE_STATE_STOPPED,
          "PE stopped");
    op.op = VFIO_EEH_PE_CONFIGURE;
    ioctl(c, VFIO_EEH_PE_OP, &op);
    op.op = VFIO_EEH_PE_GET_STATE;
    CHECK(ioctl(c, VFIO_EEH_PE_OP, &op) == VFIO_EEH_PE_STATE_NORMAL,
          "PE normal after configure");
    CHECK_ERR(ioctl(c, VFIO_IOMMU_SPAPR_TCE_REMOVE, &rm), 0,
              "REMOVE(0) cancels the pending default window");
    CHECK_ERR(reg(c, buf, BUF, VFIO_IOMMU_SPAPR_REGISTER_MEMORY), 0,
              "REGISTER");
    map.vaddr = (uintptr_t)buf;
    CHECK_ERR(ioctl(c, VFIO_IOMMU_MAP_DMA, &map), ENXIO,
              "no default window any more");
    CHECK_ERR(reg(c, buf + 4096, BUF - 4096, VFIO_IOMMU_SPAPR_REGISTER_MEMORY),
              EINVAL, "overlapping registration");
    close(g);
    close(c);
    munmap(buf, BUF);
}


/* processes race for one group: one holder at a time, no stray errors */
static void
testRace(void)
{
    int status;
    int total = 0;
    int bad = 0;
    int i;
    int g;

    for (i = 0; i < 4; i++) {
        if (fork() == 0) {
            int got = 0;
            int j;

            for (j = 0; j < 200 && got < 20; j++) {
                int c;

                if ((g = openGroup(0)) < 0) {
                    if (errno != EBUSY)
                        _exit(101);
                    usleep(200);
                    continue;
                }
                got++;
                if ((c = spaprContainer(g)) < 0 ||
                    groupFlags(g) != (VFIO_GROUP_FLAGS_VIABLE |
                                      VFIO_GROUP_FLAGS_CONTAINER_SET))
                    _exit(102);
                close(g);
                close(c);
            }
            _exit(got);
        }
    }
    while (wait(&status) > 0) {
        if (!WIFEXITED(status) || WEXITSTATUS(status) > 100)
            bad++;
        else
            total += WEXITSTATUS(status);
    }
    CHECK(bad == 0 && total > 0, "4 processes take turns with group 0 "
          "(%d turns, %d failed)", total, bad);
    CHECK_ERR(g = openGroup(0), 0, "group free afterwards");
    CHECK(groupFlags(g) == VFIO_GROUP_FLAGS_VIABLE, "and not in a container");
    close(g);
}


/* KVM: another mm gets EIO; the KVM-VFIO device holds the group */
static void
testKvm(void)
{
    struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO };
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    int g = openGroup(0);
    struct kvm_device_attr a = {
        .group = KVM_DEV_VFIO_GROUP, .attr = KVM_DEV_VFIO_GROUP_ADD,
        .addr = (uintptr_t)&g,
    };
    pid_t pid;

    CHECK(vm >= 0 && ioctl(vm, KVM_CREATE_DEVICE, &cd) == 0, "VM and device");
    if ((pid = fork()) == 0)
        _exit(ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_SPAPR_TCE) < 0 &&
              errno == EIO ? 0 : 1);
    CHECK(waitChild(pid) == 0, "VM fd from a forked child: EIO");
    CHECK_ERR(ioctl(cd.fd, KVM_SET_DEVICE_ATTR, &a), 0, "FILE_ADD");
    close(g);
    CHECK_ERR(openGroup(0), EBUSY, "KVM holds the group file");
    close(cd.fd);
    CHECK_ERR(g = openGroup(0), 0, "closing the device releases it");
    close(g);
    CHECK_ERR(ioctl(vm, KVM_CREATE_DEVICE, &cd), 0, "a new device after "
              "the first was closed");
    close(cd.fd);
    close(vm);
    close(kvm);
}


/* ------------------------------------------------------------------ */
/* owner and mode of the nodes (devtmpfs), DAC for another uid         */

#define NOBODY 65534
#define GROUP0 "/dev/vfio/0"

static bool
nodeIs(const char *path, uid_t uid, gid_t gid, mode_t mode)
{
    struct stat sb, lsb;
    struct statx sx;

    return stat(path, &sb) == 0 && lstat(path, &lsb) == 0 &&
        statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &sx) == 0 &&
        S_ISCHR(sb.st_mode) && S_ISCHR(lsb.st_mode) && S_ISCHR(sx.stx_mode) &&
        sb.st_uid == uid && sb.st_gid == gid &&
        (sb.st_mode & 07777) == mode && lsb.st_mode == sb.st_mode &&
        sx.stx_mode == sb.st_mode && sx.stx_uid == uid && sx.stx_gid == gid;
}

/*
 * In a forked child that became nobody (as QEMU drops privileges): open
 * GROUP0 read-write and ask GET_STATUS.  0: it worked; else 10 + errno
 * of the failing step (open: 10+, GET_STATUS: 110+), 1 if not nobody.
 */
static int
nobodyOpen(void)
{
    pid_t pid = fork();

    if (pid == 0) {
        int g;

        if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 ||
            setuid(NOBODY) < 0)
            _exit(1);
        if ((g = open(GROUP0, O_RDWR | O_CLOEXEC)) < 0)
            _exit(10 + errno);
        if (groupFlags(g) != VFIO_GROUP_FLAGS_VIABLE)
            _exit(110 + errno);
        _exit(0);
    }
    return waitChild(pid);
}

/* what a child that became nobody gets from chown/chmod/access: errno */
static int
nobodyDo(const char *op, const char *path)
{
    pid_t pid = fork();

    if (pid == 0) {
        int r = -1;

        if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 ||
            setuid(NOBODY) < 0)
            _exit(1);
        errno = 0;
        if (g_str_equal(op, "chown-root"))
            r = chown(path, 0, 0);
        else if (g_str_equal(op, "chown-self"))
            r = chown(path, NOBODY, -1);
        else if (g_str_equal(op, "chown-nobody"))
            r = chown(path, NOBODY, NOBODY);
        else if (g_str_equal(op, "chmod-0640"))
            r = chmod(path, 0640);
        else if (g_str_equal(op, "access-rw"))
            r = access(path, R_OK | W_OK);
        else if (g_str_equal(op, "open-container"))
            r = open(path, O_RDWR | O_CLOEXEC);
        else if (g_str_equal(op, "open-wronly"))
            r = open(path, O_WRONLY | O_CLOEXEC);
        else if (g_str_equal(op, "open-rdonly"))
            r = open(path, O_RDONLY | O_CLOEXEC);
        _exit(r >= 0 ? 0 : errno);
    }
    return waitChild(pid);
}

/* the supervisor's DAC fallback: lend GROUP0 to nobody and take it back */
static void
testDac(void)
{
    struct stat sb;
    int rc;

    CHECK(nodeIs(GROUP0, 0, 0, 0600), "%s: crw------- root root", GROUP0);
    CHECK(nodeIs("/dev/vfio/vfio", 0, 0, 0666) &&
          stat("/dev/vfio/vfio", &sb) == 0 &&
          sb.st_rdev == makedev(10, 196), "/dev/vfio/vfio: crw-rw-rw- "
          "root root 10, 196");
    CHECK(access(GROUP0, R_OK | W_OK) == 0 && access(GROUP0, X_OK) < 0 &&
          errno == EACCES, "root: access rw yes, x no (no x bit)");

    if (geteuid() != 0) {
        printf("ok %d # SKIP DAC for another uid needs root\n", ++testNum);
        return;
    }
    CHECK(nobodyOpen() == 10 + EACCES, "nobody: open %s EACCES", GROUP0);
    CHECK(nobodyDo("access-rw", GROUP0) == EACCES, "nobody: access EACCES");
    CHECK(nobodyDo("open-container", "/dev/vfio/vfio") == 0,
          "nobody: /dev/vfio/vfio (0666) opens");
    CHECK(nobodyDo("chown-nobody", GROUP0) == EPERM,
          "nobody: chown EPERM (no CAP_CHOWN)");
    CHECK(nobodyDo("chmod-0640", GROUP0) == EPERM,
          "nobody: chmod of root's node EPERM");
    CHECK(nobodyDo("open-wronly", DRVS "vfio-pci/unbind") == EACCES,
          "nobody: sysfs unbind (root 0200) EACCES");
    CHECK(nobodyDo("open-rdonly", DEVS BDF0 "/vendor") == 0,
          "nobody: sysfs vendor (0444) readable");

    /* lend: stat, chown, chmod (qemuSupervisorLendGroups) */
    CHECK_ERR(chown(GROUP0, NOBODY, NOBODY), 0, "chown 65534:65534");
    CHECK_ERR(chmod(GROUP0, 0600), 0, "chmod 0600");
    CHECK(nodeIs(GROUP0, NOBODY, NOBODY, 0600), "stat: 65534 65534 0600");
    rc = nobodyOpen();
    CHECK(rc == 0, "nobody: open + GET_STATUS (got %d)", rc);
    CHECK(nobodyDo("access-rw", GROUP0) == 0, "nobody: access rw");
    CHECK(nobodyDo("chown-self", GROUP0) == 0, "nobody: chown to itself");
    CHECK(nobodyDo("chown-root", GROUP0) == EPERM, "nobody: chown to root "
          "EPERM");
    CHECK(nobodyDo("chmod-0640", GROUP0) == 0 &&
          nodeIs(GROUP0, NOBODY, NOBODY, 0640), "nobody: chmod as owner");

    /* restore (qemuTeardownRestoreOwners): chown, then chmod */
    CHECK(chown(GROUP0, 0, 0) == 0 && chmod(GROUP0, 0600) == 0 &&
          nodeIs(GROUP0, 0, 0, 0600), "restored to root:root 0600");
    CHECK(nobodyOpen() == 10 + EACCES, "nobody: EACCES again");

    /* devtmpfs: the node goes with the last vfio-pci device */
    CHECK(chown(GROUP0, NOBODY, NOBODY) == 0 && chmod(GROUP0, 0666) == 0,
          "lent again");
    CHECK(writeStr(DRVS "vfio-pci/unbind", BDF0) == 0, "unbind %s", BDF0);
    CHECK(stat(GROUP0, &sb) < 0 && errno == ENOENT, "stat: node gone");
    CHECK_ERR(chown(GROUP0, 0, 0), ENOENT, "chown of the gone node");
    CHECK_ERR(chmod(GROUP0, 0600), ENOENT, "chmod of the gone node");
    CHECK(writeStr(DRVS "vfio-pci/bind", BDF0) == 0, "bind %s again", BDF0);
    CHECK(nodeIs(GROUP0, 0, 0, 0600), "new node: root:root 0600");
    CHECK(nobodyOpen() == 10 + EACCES, "nobody: EACCES on the new node");
}


int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 4 && g_str_equal(argv[1], "exec-child"))
        return execChild(atoi(argv[2]), atoi(argv[3]));
    if (!(testRoot = getenv("TCEMODEL_ROOT"))) {
        fprintf(stderr, "test-vfio: run me with TCEMODEL_ROOT and "
                "LD_PRELOAD=libtcemodel.so on hosts/contract.host\n");
        return 1;
    }

    testScmRights();
    testExec("/proc/self/exe");
    testSeccompAddfd();
    testFaults();
    testSysfsVfio();
    testSysfsClaim();
    testVmLckOther();
    testTwoGroups();
    testMisc();
    testRace();
    testKvm();
    testDac();

    printf("1..%d\n", testNum);
    return testFailed ? 1 : 0;
}
