/*
 * vfio_spapr_test.c: the sPAPR TCE v2 IOMMU of a VFIO container
 *
 * Errnos and accounting of drivers/vfio/vfio_iommu_spapr_tce.c and
 * arch/powerpc/mm/book3s64/iommu_api.c (see reference/kernel.md §3):
 * memory preregistration charged to locked_vm against RLIMIT_MEMLOCK,
 * dynamic DMA windows, MAP/UNMAP inside windows, and the container's
 * binding to the mm of the first process that uses it.
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "tce_selftest.h"

#define BUFSZ (16UL << 20)
#define DDW_START (1ULL << 59)          /* PowerNV's second window */

static int group = -1;

#define NEED_GROUP() \
    REQUIRE(group >= 0, "TCE_BDF (a vfio-pci device in a viable group) not " \
            "given or has no IOMMU group")

typedef struct {
    int group;
    int container;
    void *buf;
} tce_ctx;

static int
ctx_open(tce_ctx *x)
{
    x->container = -1;
    x->buf = MAP_FAILED;
    if ((x->group = tce_open_group(group)) < 0)
        return -1;
    if ((x->container = tce_spapr_container(x->group)) < 0)
        return -1;
    x->buf = mmap(NULL, BUFSZ, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (x->buf == MAP_FAILED)
        return -1;
    memset(x->buf, 0x5a, BUFSZ);
    return 0;
}

static void
ctx_close(tce_ctx *x)
{
    if (x->buf != MAP_FAILED)
        munmap(x->buf, BUFSZ);
    tce_close(&x->container);
    tce_close(&x->group);
}

static int
reg(tce_ctx *x, void *vaddr, size_t size, unsigned long req)
{
    struct vfio_iommu_spapr_register_memory r = {
        .argsz = sizeof(r), .vaddr = (uintptr_t) vaddr, .size = size,
    };
    return ioctl(x->container, req, &r);
}

static int
create_window(tce_ctx *x, unsigned int shift, uint64_t size, uint64_t *start)
{
    struct vfio_iommu_spapr_tce_create cr = {
        .argsz = sizeof(cr), .page_shift = shift, .window_size = size,
        .levels = 1,
    };
    int r = ioctl(x->container, VFIO_IOMMU_SPAPR_TCE_CREATE, &cr);

    if (r == 0 && start)
        *start = cr.start_addr;
    return r;
}

static int
map(tce_ctx *x, void *vaddr, uint64_t iova, uint64_t size, uint32_t flags)
{
    struct vfio_iommu_type1_dma_map m = {
        .argsz = sizeof(m), .flags = flags, .vaddr = (uintptr_t) vaddr,
        .iova = iova, .size = size,
    };
    return ioctl(x->container, VFIO_IOMMU_MAP_DMA, &m);
}

static int
unmap(tce_ctx *x, uint64_t iova, uint64_t size, uint32_t flags)
{
    struct vfio_iommu_type1_dma_unmap u = {
        .argsz = sizeof(u), .flags = flags, .iova = iova, .size = size,
    };
    return ioctl(x->container, VFIO_IOMMU_UNMAP_DMA, &u);
}

#define RW (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)

/* run @fn in a child; its exit status is the case result */
static int
in_child(int (*fn)(char *, size_t), char *why, size_t whylen)
{
    int p[2], status = 0;
    pid_t pid;
    ssize_t n;

    if (pipe(p) < 0)
        return KSFT_FAIL;
    if ((pid = fork()) == 0) {
        char w[512] = "";
        int rc;
        close(p[0]);
        rc = fn(w, sizeof(w));
        if (write(p[1], w, strlen(w)) < 0)
            rc = KSFT_FAIL;
        _exit(rc);
    }
    close(p[1]);
    n = read(p[0], why, whylen - 1);
    why[n > 0 ? n : 0] = '\0';
    close(p[0]);
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : KSFT_FAIL;
}

/* ------------------------------------------------------------------ */

static int
t_extensions(char *why, size_t whylen)
{
    int c, v1, v2, t1;

    EXPECT_OK(c = tce_open_container());
    v1 = ioctl(c, VFIO_CHECK_EXTENSION, VFIO_SPAPR_TCE_IOMMU);
    v2 = ioctl(c, VFIO_CHECK_EXTENSION, VFIO_SPAPR_TCE_v2_IOMMU);
    t1 = ioctl(c, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU);
    close(c);
    EXPECT_TRUE(v1 == 1 && v2 == 1 && t1 == 0, "SPAPR_TCE=%d SPAPR_TCE_v2=%d "
                "TYPE1v2=%d, expected 1 1 0 on a POWER host", v1, v2, t1);
    return KSFT_PASS;
}

static int
t_get_info(char *why, size_t whylen)
{
    struct vfio_iommu_spapr_tce_info info = { .argsz = sizeof(info) };
    tce_ctx x;
    int r, e;

    NEED_GROUP();
    if (ctx_open(&x) < 0) {
        KSFT_WHY("container setup failed: errno %d", errno);
        ctx_close(&x);
        return KSFT_FAIL;
    }
    r = ioctl(x.container, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info);
    e = errno;
    ctx_close(&x);
    EXPECT_TRUE(r == 0, "TCE_GET_INFO failed: errno %d", e);
    EXPECT_TRUE(info.flags & VFIO_IOMMU_SPAPR_INFO_DDW, "no DDW flag (0x%x)",
                info.flags);
    EXPECT_TRUE(info.dma32_window_size > 0, "no 32-bit window");
    EXPECT_TRUE(info.ddw.pgsizes & (1ULL << 12), "4K TCE pages missing from "
                "pgsizes 0x%llx", (unsigned long long) info.ddw.pgsizes);
    EXPECT_TRUE(info.ddw.max_dynamic_windows_supported >= 1 &&
                info.ddw.levels >= 1, "max windows %u levels %u",
                info.ddw.max_dynamic_windows_supported, info.ddw.levels);
    printf("# tce_info dma32=0x%x+0x%x pgsizes=0x%llx windows=%u levels=%u\n",
           info.dma32_window_start, info.dma32_window_size,
           (unsigned long long) info.ddw.pgsizes,
           info.ddw.max_dynamic_windows_supported, info.ddw.levels);
    return KSFT_PASS;
}

static int
t_get_info_argsz(char *why, size_t whylen)
{
    struct vfio_iommu_spapr_tce_info info = { .argsz = 8 };
    tce_ctx x;
    int r, e;

    NEED_GROUP();
    if (ctx_open(&x) < 0) {
        KSFT_WHY("container setup failed: errno %d", errno);
        ctx_close(&x);
        return KSFT_FAIL;
    }
    r = ioctl(x.container, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info);
    e = errno;
    ctx_close(&x);
    EXPECT_TRUE(r < 0 && e == EINVAL, "argsz=8: %d errno %d, expected EINVAL",
                r, e);
    return KSFT_PASS;
}

#define SETUP(x) do { \
    NEED_GROUP(); \
    if (ctx_open(&(x)) < 0) { \
        KSFT_WHY("container setup failed: errno %d", errno); \
        ctx_close(&(x)); \
        return KSFT_FAIL; \
    } \
} while (0)

#define CHECK(x, cond, ...) do { \
    if (!(cond)) { \
        KSFT_WHY(__VA_ARGS__); \
        ctx_close(&(x)); \
        return KSFT_FAIL; \
    } \
} while (0)

static int
t_register_bad_args(char *why, size_t whylen)
{
    struct vfio_iommu_spapr_register_memory r;
    tce_ctx x;
    int rc, e;

    SETUP(x);
    rc = reg(&x, (char *) x.buf + 1, 4096, VFIO_IOMMU_SPAPR_REGISTER_MEMORY);
    e = errno;
    CHECK(x, rc < 0 && e == EINVAL, "unaligned vaddr: %d errno %d, expected "
          "EINVAL", rc, e);
    r = (struct vfio_iommu_spapr_register_memory) {
        .argsz = sizeof(r), .flags = 1, .vaddr = (uintptr_t) x.buf,
        .size = BUFSZ };
    rc = ioctl(x.container, VFIO_IOMMU_SPAPR_REGISTER_MEMORY, &r);
    e = errno;
    CHECK(x, rc < 0 && e == EINVAL, "flags=1: %d errno %d, expected EINVAL",
          rc, e);
    ctx_close(&x);
    return KSFT_PASS;
}

static int
t_register_accounting(char *why, size_t whylen)
{
    tce_ctx x;
    long before, during, after;
    int rc, e;

    SETUP(x);
    before = tce_vmlck_kib();
    rc = reg(&x, x.buf, BUFSZ, VFIO_IOMMU_SPAPR_REGISTER_MEMORY);
    e = errno;
    CHECK(x, rc == 0, "REGISTER_MEMORY failed: errno %d", e);
    during = tce_vmlck_kib();
    rc = reg(&x, x.buf, BUFSZ, VFIO_IOMMU_SPAPR_REGISTER_MEMORY);
    e = errno;
    CHECK(x, rc < 0 && e == EBUSY, "second REGISTER of the same region: %d "
          "errno %d, expected EBUSY", rc, e);
    rc = reg(&x, x.buf, BUFSZ, VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY);
    e = errno;
    CHECK(x, rc == 0, "UNREGISTER_MEMORY failed: errno %d", e);
    after = tce_vmlck_kib();
    ctx_close(&x);
    EXPECT_TRUE(during - before == (long) (BUFSZ >> 10),
                "locked_vm grew by %ld KiB for a %lu KiB registration",
                during - before, BUFSZ >> 10);
    EXPECT_TRUE(after == before, "locked_vm %ld KiB after UNREGISTER, was "
                "%ld KiB before", after, before);
    return KSFT_PASS;
}

static int
t_unregister_unknown(char *why, size_t whylen)
{
    tce_ctx x;
    int rc, e;

    SETUP(x);
    CHECK(x, reg(&x, x.buf, BUFSZ, VFIO_IOMMU_SPAPR_REGISTER_MEMORY) == 0,
          "REGISTER failed: errno %d", errno);
    rc = reg(&x, x.buf, BUFSZ / 2, VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY);
    e = errno;
    ctx_close(&x);
    EXPECT_TRUE(rc < 0 && e == ENOENT, "UNREGISTER of a region never "
                "registered: %d errno %d, expected ENOENT", rc, e);
    return KSFT_PASS;
}

static int
drop_ipc_lock(void)
{
    struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
    struct __user_cap_data_struct d[2];

    if (syscall(SYS_capget, &h, d) < 0)
        return -1;
    d[CAP_IPC_LOCK / 32].effective &= ~(1U << (CAP_IPC_LOCK % 32));
    d[CAP_IPC_LOCK / 32].permitted &= ~(1U << (CAP_IPC_LOCK % 32));
    return syscall(SYS_capset, &h, d);
}

static int
c_register_over_limit(char *why, size_t whylen)
{
    struct rlimit rl = { 1UL << 20, 1UL << 20 };    /* 1 MiB */
    tce_ctx x;
    int rc, e;

    if (drop_ipc_lock() < 0 || setrlimit(RLIMIT_MEMLOCK, &rl) < 0) {
        KSFT_WHY("cannot drop CAP_IPC_LOCK / lower RLIMIT_MEMLOCK: errno %d",
                 errno);
        return KSFT_FAIL;
    }
    SETUP(x);
    rc = reg(&x, x.buf, BUFSZ, VFIO_IOMMU_SPAPR_REGISTER_MEMORY);
    e = errno;
    ctx_close(&x);
    EXPECT_TRUE(rc < 0 && e == ENOMEM, "REGISTER of 16 MiB with a 1 MiB "
                "memlock limit: %d errno %d, expected ENOMEM", rc, e);
    return KSFT_PASS;
}

static int
t_register_over_limit(char *why, size_t whylen)
{
    NEED_GROUP();
    return in_child(c_register_over_limit, why, whylen);
}

static int
t_create_bad_args(char *why, size_t whylen)
{
    struct vfio_iommu_spapr_tce_create cr;
    tce_ctx x;
    int rc, e;

    SETUP(x);
    cr = (struct vfio_iommu_spapr_tce_create) {
        .argsz = 16, .page_shift = 12, .window_size = 1ULL << 30, .levels = 1 };
    rc = ioctl(x.container, VFIO_IOMMU_SPAPR_TCE_CREATE, &cr);
    e = errno;
    CHECK(x, rc < 0 && e == EINVAL, "argsz=16: %d errno %d, expected EINVAL",
          rc, e);
    rc = create_window(&x, 13, 1ULL << 30, NULL);
    e = errno;
    CHECK(x, rc < 0 && e == EINVAL, "page_shift=13 (8 KiB TCEs): %d errno %d, "
          "expected EINVAL", rc, e);
    ctx_close(&x);
    return KSFT_PASS;
}

static int
t_create_remove_windows(char *why, size_t whylen)
{
    struct vfio_iommu_spapr_tce_remove rm = { .argsz = sizeof(rm) };
    uint64_t start = 0, start2 = 0;
    long before, after;
    tce_ctx x;
    int rc, e;

    SETUP(x);
    CHECK(x, reg(&x, x.buf, BUFSZ, VFIO_IOMMU_SPAPR_REGISTER_MEMORY) == 0,
          "REGISTER failed: errno %d", errno);
    before = tce_vmlck_kib();
    rc = create_window(&x, 12, 1ULL << 30, &start);
    e = errno;
    CHECK(x, rc == 0, "TCE_CREATE(1 GiB, 4K) failed: errno %d", e);
    after = tce_vmlck_kib();
    CHECK(x, start == DDW_START, "window at 0x%llx, expected 0x%llx",
          (unsigned long long) start, DDW_START);
    /* 2^18 TCEs of 8 bytes: the table is charged to locked_vm */
    CHECK(x, after - before >= 2048, "locked_vm grew by %ld KiB for a "
          "2 MiB TCE table", after - before);
    rc = create_window(&x, 12, 1ULL << 30, &start2);
    e = errno;
    CHECK(x, rc < 0 && e == ENOSPC, "third window: %d errno %d, expected "
          "ENOSPC", rc, e);
    rm.start_addr = 1ULL << 58;
    rc = ioctl(x.container, VFIO_IOMMU_SPAPR_TCE_REMOVE, &rm);
    e = errno;
    CHECK(x, rc < 0 && e == EINVAL, "TCE_REMOVE of an address in no window: "
          "%d errno %d, expected EINVAL", rc, e);
    /* any address inside a window names that window */
    rm.start_addr = start + (1ULL << 20);
    rc = ioctl(x.container, VFIO_IOMMU_SPAPR_TCE_REMOVE, &rm);
    e = errno;
    CHECK(x, rc == 0, "TCE_REMOVE at window start + 1 MiB failed: errno %d", e);
    rm.start_addr = start;
    rc = ioctl(x.container, VFIO_IOMMU_SPAPR_TCE_REMOVE, &rm);
    e = errno;
    CHECK(x, rc < 0 && e == EINVAL, "TCE_REMOVE of a removed window: %d "
          "errno %d, expected EINVAL", rc, e);
    ctx_close(&x);
    return KSFT_PASS;
}

static int
t_map_unmap(char *why, size_t whylen)
{
    void *other;
    uint64_t start = 0;
    tce_ctx x;
    int rc, e;

    SETUP(x);
    CHECK(x, reg(&x, x.buf, BUFSZ, VFIO_IOMMU_SPAPR_REGISTER_MEMORY) == 0,
          "REGISTER failed: errno %d", errno);
    CHECK(x, create_window(&x, 12, 1ULL << 30, &start) == 0,
          "TCE_CREATE failed: errno %d", errno);
    rc = map(&x, x.buf, start, BUFSZ, RW);
    e = errno;
    CHECK(x, rc == 0, "MAP_DMA in the window failed: errno %d", e);
    rc = map(&x, x.buf, 1ULL << 58, 4096, RW);
    e = errno;
    CHECK(x, rc < 0 && e == ENXIO, "MAP_DMA outside every window: %d errno "
          "%d, expected ENXIO", rc, e);
    rc = map(&x, x.buf, start, 4096, 0);
    e = errno;
    CHECK(x, rc < 0 && e == EINVAL, "MAP_DMA without READ/WRITE: %d errno %d, "
          "expected EINVAL", rc, e);
    other = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    rc = map(&x, other, start + BUFSZ, 4096, RW);
    e = errno;
    munmap(other, 1 << 20);
    CHECK(x, rc < 0 && e == EINVAL, "MAP_DMA of memory never registered: %d "
          "errno %d, expected EINVAL", rc, e);
    rc = unmap(&x, start, BUFSZ, VFIO_DMA_UNMAP_FLAG_ALL);
    e = errno;
    CHECK(x, rc < 0 && e == EINVAL, "UNMAP_DMA with FLAG_ALL: %d errno %d, "
          "expected EINVAL", rc, e);
    rc = unmap(&x, start, BUFSZ, 0);
    e = errno;
    CHECK(x, rc == 0, "UNMAP_DMA failed: errno %d", e);
    rc = reg(&x, x.buf, BUFSZ, VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY);
    e = errno;
    CHECK(x, rc == 0, "UNREGISTER after UNMAP failed: errno %d", e);
    ctx_close(&x);
    return KSFT_PASS;
}

/*
 * UNREGISTER of a region that still has TCEs mapped: 6.12 returns 0 and
 * drops the region from the container, but the mm keeps it pinned (and
 * charged) until the mappings are gone; the mappings stay valid.
 */
static int
t_unregister_while_mapped(char *why, size_t whylen)
{
    uint64_t start = 0;
    long before, after;
    tce_ctx x;
    int rc, e;

    SETUP(x);
    CHECK(x, reg(&x, x.buf, BUFSZ, VFIO_IOMMU_SPAPR_REGISTER_MEMORY) == 0,
          "REGISTER failed: errno %d", errno);
    CHECK(x, create_window(&x, 12, 1ULL << 30, &start) == 0,
          "TCE_CREATE failed: errno %d", errno);
    CHECK(x, map(&x, x.buf, start, BUFSZ, RW) == 0, "MAP_DMA failed: errno "
          "%d", errno);
    before = tce_vmlck_kib();
    rc = reg(&x, x.buf, BUFSZ, VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY);
    e = errno;
    after = tce_vmlck_kib();
    CHECK(x, rc == 0, "UNREGISTER while mapped: errno %d", e);
    CHECK(x, after == before, "locked_vm went from %ld to %ld KiB although "
          "the region is still mapped", before, after);
    rc = unmap(&x, start, BUFSZ, 0);
    e = errno;
    CHECK(x, rc == 0, "UNMAP_DMA after the UNREGISTER failed: errno %d", e);
    ctx_close(&x);
    return KSFT_PASS;
}

static int
t_map_default_window(char *why, size_t whylen)
{
    struct vfio_iommu_spapr_tce_info info = { .argsz = sizeof(info) };
    tce_ctx x;
    int rc, e;

    SETUP(x);
    CHECK(x, ioctl(x.container, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info) == 0,
          "GET_INFO failed");
    CHECK(x, reg(&x, x.buf, BUFSZ, VFIO_IOMMU_SPAPR_REGISTER_MEMORY) == 0,
          "REGISTER failed: errno %d", errno);
    /* the 32-bit default window appears on first use */
    rc = map(&x, x.buf, info.dma32_window_start, BUFSZ, RW);
    e = errno;
    CHECK(x, rc == 0, "MAP_DMA in the default 32-bit window: errno %d", e);
    rc = unmap(&x, info.dma32_window_start, BUFSZ, 0);
    e = errno;
    CHECK(x, rc == 0, "UNMAP_DMA failed: errno %d", e);
    ctx_close(&x);
    return KSFT_PASS;
}

static int
t_second_process_eperm(char *why, size_t whylen)
{
    tce_ctx x;
    pid_t pid;
    int status = 0;

    SETUP(x);
    /* the first REGISTER binds the container to this process's mm */
    CHECK(x, reg(&x, x.buf, BUFSZ, VFIO_IOMMU_SPAPR_REGISTER_MEMORY) == 0,
          "REGISTER failed: errno %d", errno);
    if ((pid = fork()) == 0) {
        int rc = reg(&x, x.buf, BUFSZ / 2, VFIO_IOMMU_SPAPR_REGISTER_MEMORY);
        _exit(rc < 0 && errno == EPERM ? 0 : 1);
    }
    waitpid(pid, &status, 0);
    ctx_close(&x);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                "REGISTER from a forked child of the container's first user "
                "did not fail with EPERM");
    return KSFT_PASS;
}

static int
t_first_user_binds(char *why, size_t whylen)
{
    tce_ctx x;
    pid_t pid;
    int status = 0, rc, e;

    SETUP(x);
    if ((pid = fork()) == 0) {
        int r = reg(&x, x.buf, BUFSZ, VFIO_IOMMU_SPAPR_REGISTER_MEMORY);
        _exit(r == 0 ? 0 : 1);
    }
    waitpid(pid, &status, 0);
    rc = reg(&x, x.buf, BUFSZ, VFIO_IOMMU_SPAPR_REGISTER_MEMORY);
    e = errno;
    ctx_close(&x);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                "the child's REGISTER (first user) failed");
    EXPECT_TRUE(rc < 0 && e == EPERM, "REGISTER in the parent after a child "
                "used the container: %d errno %d, expected EPERM", rc, e);
    return KSFT_PASS;
}

static int
t_eeh(char *why, size_t whylen)
{
    struct vfio_eeh_pe_op op = { .argsz = sizeof(op), .op = VFIO_EEH_PE_ENABLE };
    tce_ctx x;
    int rc, e, st;

    SETUP(x);
    if (ioctl(x.container, VFIO_CHECK_EXTENSION, VFIO_EEH) <= 0) {
        ctx_close(&x);
        KSFT_WHY("the host has no EEH (VFIO_EEH extension is 0)");
        return KSFT_SKIP;
    }
    rc = ioctl(x.container, VFIO_EEH_PE_OP, &op);
    e = errno;
    CHECK(x, rc == 0, "EEH_PE_OP(ENABLE) failed: errno %d", e);
    op.op = VFIO_EEH_PE_GET_STATE;
    st = ioctl(x.container, VFIO_EEH_PE_OP, &op);
    op.op = 99;
    rc = ioctl(x.container, VFIO_EEH_PE_OP, &op);
    e = errno;
    ctx_close(&x);
    EXPECT_TRUE(st == VFIO_EEH_PE_STATE_NORMAL, "PE state %d, expected "
                "normal (0)", st);
    EXPECT_TRUE(rc < 0 && e == EINVAL, "unknown EEH op: %d errno %d, expected "
                "EINVAL", rc, e);
    return KSFT_PASS;
}

static int
t_container_release_unregisters(char *why, size_t whylen)
{
    tce_ctx x;
    long before, after;

    NEED_GROUP();
    before = tce_vmlck_kib();
    SETUP(x);
    CHECK(x, reg(&x, x.buf, BUFSZ, VFIO_IOMMU_SPAPR_REGISTER_MEMORY) == 0,
          "REGISTER failed: errno %d", errno);
    ctx_close(&x);
    after = tce_vmlck_kib();
    EXPECT_TRUE(after == before, "locked_vm %ld KiB after closing the group "
                "and container, %ld KiB before", after, before);
    return KSFT_PASS;
}

static const ksft_case cases[] = {
    { "spapr_extensions_v1_v2", t_extensions },
    { "spapr_tce_get_info", t_get_info },
    { "spapr_tce_get_info_argsz_einval", t_get_info_argsz },
    { "spapr_register_memory_bad_args_einval", t_register_bad_args },
    { "spapr_register_memory_locked_vm_and_twice_ebusy", t_register_accounting },
    { "spapr_unregister_unknown_enoent", t_unregister_unknown },
    { "spapr_register_memory_over_memlock_enomem", t_register_over_limit },
    { "spapr_tce_create_bad_args_einval", t_create_bad_args },
    { "spapr_tce_create_remove_windows_and_third_enospc",
      t_create_remove_windows },
    { "spapr_map_unmap_in_window", t_map_unmap },
    { "spapr_unregister_while_mapped_keeps_pinned", t_unregister_while_mapped },
    { "spapr_map_default_32bit_window", t_map_default_window },
    { "spapr_container_from_second_process_eperm", t_second_process_eperm },
    { "spapr_container_binds_first_user", t_first_user_binds },
    { "spapr_eeh_pe_op", t_eeh },
    { "spapr_container_release_unaccounts", t_container_release_unregisters },
};

int
main(void)
{
    const char *bdf = tce_env("TCE_BDF");

    if (bdf)
        group = tce_group_of(bdf);
    return ksft_run("vfio_spapr", cases, sizeof(cases) / sizeof(cases[0]));
}
