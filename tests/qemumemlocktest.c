/*
 * qemumemlocktest.c: the locked-memory limit of pseries guests
 *
 * Definitions are parsed and normalized like `tcevirt define` does (host
 * devices are looked up in the fake host the test runs in; each gets a
 * PHB of its own).  The expected numbers are derived by hand below, from
 * the kernel and QEMU code docs/memlock.rst cites, not by calling the
 * code under test.
 */
#include <config.h>

#include <string.h>
#include <unistd.h>

#include "qemu_domain.h"
#include "qemu_memlock.h"
#include "virerror.h"

#define KiB ((guint64) 1 << 10)
#define MiB ((guint64) 1 << 20)
#define GiB ((guint64) 1 << 30)
#define TiB ((guint64) 1 << 40)

/* ---- building and evaluating definitions ---- */

/* single-device IOMMU groups of kernel/model/hosts/xml2argv.host */
static const char *const hostdevSources[] = {
    "0x0030", "0x0031", "0x0032", "0x0033", "0x0034", "0x0035",
    "0x0006", "0x0002",
};

typedef struct {
    const char *type;               /* "kvm" or "qemu" */
    guint64 memKiB;
    guint64 maxMemKiB;              /* 0: no <maxMemory> */
    const char *backing;            /* <memoryBacking> content or NULL */
    const char *memtune;            /* <memtune> content or NULL */
    const char *cpu;                /* <cpu> element or NULL */
    const char *devices;            /* extra devices */
    guint nHostdevs;
} testDomain;

/* a source for the first host device instead of hostdevSources[0] */
static const char *hostdevSourcesOverride;

static char *
testDomainXML(const testDomain *d)
{
    GString *x = g_string_new(NULL);
    guint i;

    g_string_append_printf(x, "<domain type='%s'>\n  <name>memlock</name>\n",
                           d->type ? d->type : "kvm");
    if (d->maxMemKiB)
        g_string_append_printf(x, "  <maxMemory slots='4' unit='KiB'>%"
                               G_GUINT64_FORMAT "</maxMemory>\n",
                               d->maxMemKiB);
    g_string_append_printf(x, "  <memory unit='KiB'>%" G_GUINT64_FORMAT
                           "</memory>\n", d->memKiB);
    if (d->memtune)
        g_string_append_printf(x, "  <memtune>%s</memtune>\n", d->memtune);
    if (d->backing)
        g_string_append_printf(x, "  <memoryBacking>%s</memoryBacking>\n",
                               d->backing);
    g_string_append(x, "  <vcpu>2</vcpu>\n"
                       "  <os><type arch='ppc64le' machine='pseries'>hvm"
                       "</type></os>\n");
    if (d->cpu)
        g_string_append_printf(x, "  %s\n", d->cpu);
    g_string_append(x, "  <devices>\n"
                       "    <controller type='usb' model='none'/>\n"
                       "    <memballoon model='none'/>\n");
    for (i = 0; i < d->nHostdevs; i++)
        g_string_append_printf(x, "    <hostdev mode='subsystem' type='pci' "
                               "managed='yes'><source><address domain='%s' "
                               "bus='0x01' slot='0x00' function='0x0'/>"
                               "</source></hostdev>\n",
                               i == 0 && hostdevSourcesOverride ?
                               hostdevSourcesOverride : hostdevSources[i]);
    if (d->devices)
        g_string_append_printf(x, "    %s\n", d->devices);
    g_string_append(x, "  </devices>\n</domain>\n");
    return g_string_free(x, FALSE);
}

static virDomainDef *
testDomainDef(const testDomain *d)
{
    g_autofree char *xml = testDomainXML(d);
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) err = NULL;
    virDomainDef *def;

    def = qemuDomainDefParseAndNormalize(xml, strlen(xml), "memlock.xml",
                                         warnings, &err);
    if (!def)
        g_error("cannot normalize:\n%s\n%s", xml, err->message);
    return def;
}

/* evaluates @d on @host; checks that the breakdown adds up */
static void
testEval(const testDomain *d, const qemuMemLockHost *host, qemuMemLock *ml)
{
    g_autoptr(virDomainDef) def = testDomainDef(d);
    g_autoptr(GError) err = NULL;
    guint64 sum = 0;
    size_t i;

    if (!qemuDomainGetMemLockLimit(def, host, ml, &err))
        g_error("qemuDomainGetMemLockLimit: %s", err->message);
    for (i = 0; i < ml->items->len; i++) {
        qemuMemLockItem *item = &g_array_index(ml->items, qemuMemLockItem, i);

        g_assert_nonnull(item->what);
        g_assert_nonnull(item->why);
        g_assert_cmpuint(item->count, >, 0);
        sum += item->bytes;
    }
    g_assert_cmpuint(sum, ==, ml->need);
}

/* bytes of the item called @what, 0 if there is none */
static guint64
testItem(const qemuMemLock *ml, const char *what)
{
    size_t i;

    for (i = 0; i < ml->items->len; i++) {
        qemuMemLockItem *item = &g_array_index(ml->items, qemuMemLockItem, i);
        if (g_str_equal(item->what, what))
            return item->bytes;
    }
    return 0;
}

#define ITEM_RAM "guest RAM, preregistered"
#define ITEM_VGA "VGA framebuffer, preregistered"
#define ITEM_H32 "host TCE tables, 32-bit windows"
#define ITEM_H64 "host TCE tables, 64-bit DDW"
#define ITEM_K32 "KVM TCE tables, 32-bit windows"
#define ITEM_K64 "KVM TCE tables, 64-bit DDW"
#define ITEM_VIO "KVM TCE tables, spapr-vio"
#define ITEM_HPT "hash page table"
#define ITEM_ROM "option ROM BARs, preregistered"
#define ITEM_V1 "32-bit windows, sPAPR TCE v1"

/* ---- the hand-derived table sizes ----
 *
 * Host TCE table (VFIO_IOMMU_SPAPR_TCE_CREATE): QEMU asks for
 * levels = ceil(log2(table bytes) / (log2(host page) + 8)); the kernel
 * charges pnv_pci_ioda2_get_table_size(): each level rounded up to the
 * level size (at least a host page), doubled for the userspace copy.
 * KVM table (KVM_CREATE_SPAPR_TCE_64): kvmppc_stt_pages() = table pages
 * + pages of (header <= 256 bytes + 8 bytes per table page).
 *
 * H32: the 1 GiB 32-bit window in 4 KiB TCEs: 2^18 TCEs, 2 MiB.
 *   64K host: 21 bits / 24 per level = 1 level: 2 MiB x 2 = 4 MiB.
 *   4K host:  21 / 20 = 2 levels of 2^9 entries (4 KiB each): 2 MiB leaf +
 *             one 4 KiB directory = 2101248, x 2 = 4202496.
 * K32: 2^18 TCEs = 2 MiB = 32 pages of 64K + 1 header page = 33 * 64 KiB
 *   = 2162688; 4K host: 512 pages + ceil((256 + 4096) / 4096) = 2 -> 514
 *   * 4 KiB = 2105344.
 * DDW: window = guest RAM rounded up to a power of 2; guest TCEs 16 MiB;
 *   host TCEs: 64 KiB (64K host), 4 KiB (4K host), 2 MiB (2 MiB
 *   hugepages on a 64K host).
 * H64, 64K host:  1 GiB: 2^14 TCEs, 128 KiB, 1 level, x2 = 262144.
 *                 64 GiB: 2^20 TCEs, 8 MiB, 1 level, x2 = 16777216.
 *                 1 TiB: 2^24 TCEs, 128 MiB, 27/24 -> 2 levels of 2^12
 *                 entries (level size 32 KiB -> a 64 KiB page): 128 MiB +
 *                 64 KiB, x2 = 268566528.
 * H64, 4K host:   1 GiB: 2^18 TCEs as H32: 4202496.
 *                 64 GiB: 2^24 TCEs, 128 MiB, 27/20 -> 2 levels of 2^12
 *                 (32 KiB): 128 MiB + 32 KiB, x2 = 268500992.
 *                 1 TiB: 2^28 TCEs, 2 GiB, 31/20 -> 2 levels of 2^14
 *                 (128 KiB): 2 GiB + 128 KiB, x2 = 4295229440.
 * H64, 2M pages:  1 GiB: 512 TCEs, 4 KiB -> one 64 KiB page, x2 = 131072.
 *                 64 GiB: 2^15 TCEs, 256 KiB, x2 = 524288.
 *                 1 TiB: 2^19 TCEs, 4 MiB, x2 = 8388608.
 * K64 (16 MiB guest TCEs): 1 GiB: 64 TCEs; 64 GiB: 4096; 1 TiB: 65536.
 *   64K host: 1 table page + 1 header page = 131072 for 1 GiB and 64 GiB;
 *             1 TiB: 512 KiB = 8 pages + 1 = 589824.
 *   4K host:  1 GiB: 1 + 1 = 8192; 64 GiB: 32 KiB = 8 + 1 = 36864;
 *             1 TiB: 512 KiB = 128 + 1 = 528384.
 */

typedef enum {
    TEST_HOST_4K,
    TEST_HOST_64K,
    TEST_HOST_64K_2M_HUGEPAGES,
    TEST_HOST_LAST
} testHostKind;

static const char *const testHostNames[] = { "4K", "64K", "2M-hugepages" };

typedef struct {
    guint64 h32, h64, k32, k64;
} testTables;

static const guint64 testMemSizes[] = { GiB, 64 * GiB, TiB };
static const char *const testMemNames[] = { "1GiB", "64GiB", "1TiB" };

static const testTables testTableSizes[3][TEST_HOST_LAST] = {
    /* 1 GiB */
    { { 4202496, 4202496, 2105344, 8192 },
      { 4194304, 262144, 2162688, 131072 },
      { 4194304, 131072, 2162688, 131072 } },
    /* 64 GiB */
    { { 4202496, 268500992, 2105344, 36864 },
      { 4194304, 16777216, 2162688, 131072 },
      { 4194304, 524288, 2162688, 131072 } },
    /* 1 TiB */
    { { 4202496, 4295229440ULL, 2105344, 528384 },
      { 4194304, 268566528, 2162688, 589824 },
      { 4194304, 8388608, 2162688, 589824 } },
};

static void
testHostFor(testHostKind kind, qemuMemLockHost *host)
{
    qemuMemLockHostInit(host, kind == TEST_HOST_4K ? 4 * KiB : 64 * KiB);
}

typedef struct {
    guint mem;                      /* index into testMemSizes */
    testHostKind host;
    guint nHostdevs;
} testMatrixCase;

static void
testMatrix(gconstpointer data)
{
    const testMatrixCase *c = data;
    const testTables *t = &testTableSizes[c->mem][c->host];
    guint64 ram = testMemSizes[c->mem];
    guint64 n = c->nHostdevs;
    testDomain d = {
        .memKiB = ram / KiB,
        .backing = c->host == TEST_HOST_64K_2M_HUGEPAGES ?
                   "<hugepages><page size='2' unit='MiB'/></hugepages>" : NULL,
        .nHostdevs = c->nHostdevs,
    };
    qemuMemLockHost host;
    g_auto(qemuMemLock) ml = { 0 };
    /* one container per host device PHB, KVM tables on those and PHB 0 */
    guint64 expect = (n ? ram : 0) + n * (t->h32 + t->h64) +
                     (n + 1) * (t->k32 + t->k64);

    testHostFor(c->host, &host);
    testEval(&d, &host, &ml);
    g_assert_cmpint(ml.source, ==, QEMU_MEMLOCK_SOURCE_COMPUTED);
    g_assert_cmpuint(testItem(&ml, ITEM_RAM), ==, n ? ram : 0);
    g_assert_cmpuint(testItem(&ml, ITEM_H32), ==, n * t->h32);
    g_assert_cmpuint(testItem(&ml, ITEM_H64), ==, n * t->h64);
    g_assert_cmpuint(testItem(&ml, ITEM_K32), ==, (n + 1) * t->k32);
    g_assert_cmpuint(testItem(&ml, ITEM_K64), ==, (n + 1) * t->k64);
    g_assert_cmpuint(testItem(&ml, ITEM_HPT), ==, 0);
    g_assert_cmpuint(ml.limit, ==, expect);
    g_assert_cmpuint(ml.need, ==, expect);
}

/* Totals written out in full, as docs/memlock.rst shows them */
static void
testHeadlines(void)
{
    static const struct {
        guint mem;
        testHostKind host;
        guint n;
        guint64 total;
    } cases[] = {
        /* 1 GiB + 4 MiB + 256 KiB + 2 * (2162688 + 131072) */
        { 0, TEST_HOST_64K, 1, 1082785792ULL },
        /* 64 GiB + 8 * (4202496 + 268500992) + 9 * (2105344 + 36864) */
        { 1, TEST_HOST_4K, 8, 70920384512ULL },
        /* 1 TiB + 8 * (4 MiB + 268566528) + 9 * (2162688 + 589824) */
        { 2, TEST_HOST_64K, 8, 1101718487040ULL },
        /* 1 TiB + 8 * (4 MiB + 8 MiB) + 9 * (2162688 + 589824) */
        { 2, TEST_HOST_64K_2M_HUGEPAGES, 8, 1099637063680ULL },
        /* no host device: 2162688 + 131072 */
        { 0, TEST_HOST_64K, 0, 2293760ULL },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        testMatrixCase mc = { cases[i].mem, cases[i].host, cases[i].n };
        testDomain d = {
            .memKiB = testMemSizes[mc.mem] / KiB,
            .backing = mc.host == TEST_HOST_64K_2M_HUGEPAGES ?
                       "<hugepages><page size='2' unit='MiB'/></hugepages>" :
                       NULL,
            .nHostdevs = mc.nHostdevs,
        };
        qemuMemLockHost host;
        g_auto(qemuMemLock) ml = { 0 };

        testHostFor(mc.host, &host);
        testEval(&d, &host, &ml);
        g_assert_cmpuint(ml.limit, ==, cases[i].total);
    }
}

/* ---- the other rules ---- */

static void
testTCG(void)
{
    qemuMemLockHost host;
    testDomain d = { .type = "qemu", .memKiB = GiB / KiB };
    g_auto(qemuMemLock) ml = { 0 };
    g_auto(qemuMemLock) ml2 = { 0 };

    qemuMemLockHostInit(&host, 64 * KiB);
    /* nothing is charged: leave the limit alone */
    testEval(&d, &host, &ml);
    g_assert_cmpint(ml.source, ==, QEMU_MEMLOCK_SOURCE_NONE);
    g_assert_cmpuint(ml.limit, ==, 0);
    g_assert_cmpuint(ml.items->len, ==, 0);

    /* VFIO charges the same under TCG, KVM's tables are missing */
    d.nHostdevs = 1;
    testEval(&d, &host, &ml2);
    g_assert_cmpint(ml2.source, ==, QEMU_MEMLOCK_SOURCE_COMPUTED);
    g_assert_cmpuint(testItem(&ml2, ITEM_K32), ==, 0);
    g_assert_cmpuint(ml2.limit, ==, GiB + 4194304 + 262144);
}

static void
testHardLimit(void)
{
    qemuMemLockHost host;
    testDomain d = {
        .memKiB = GiB / KiB, .nHostdevs = 1,
        .memtune = "<hard_limit unit='GiB'>2</hard_limit>",
    };
    g_auto(qemuMemLock) ml = { 0 };
    g_auto(qemuMemLock) low = { 0 };

    qemuMemLockHostInit(&host, 64 * KiB);
    testEval(&d, &host, &ml);
    g_assert_cmpint(ml.source, ==, QEMU_MEMLOCK_SOURCE_HARD_LIMIT);
    g_assert_cmpuint(ml.limit, ==, 2 * GiB);
    g_assert_cmpuint(ml.need, ==, 1082785792ULL);
    g_assert_null(ml.warning);

    /* below the need: the limit still wins, with a warning naming the
     * domain, the need and the fix */
    d.memtune = "<hard_limit unit='MiB'>512</hard_limit>";
    testEval(&d, &host, &low);
    g_assert_cmpuint(low.limit, ==, 512 * MiB);
    g_assert_nonnull(low.warning);
    g_assert_nonnull(strstr(low.warning, "domain 'memlock'"));
    g_assert_nonnull(strstr(low.warning, "1057408 KiB"));
    g_assert_nonnull(strstr(low.warning, "raise <hard_limit>"));
}

static void
testLocked(void)
{
    qemuMemLockHost host;
    testDomain d = { .memKiB = GiB / KiB, .nHostdevs = 1,
                     .backing = "<locked/>" };
    g_auto(qemuMemLock) ml = { 0 };

    qemuMemLockHostInit(&host, 64 * KiB);
    testEval(&d, &host, &ml);
    g_assert_cmpint(ml.source, ==, QEMU_MEMLOCK_SOURCE_LOCKED);
    g_assert_cmpuint(ml.limit, ==, QEMU_MEMLOCK_UNLIMITED);
    g_assert_cmpuint(ml.need, ==, 1082785792ULL);
}

/* <maxMemory>: the DDW covers the hotplug area, which starts at RAM
 * rounded up to 1 GiB; only plugged RAM is registered (tcevirt plugs no
 * DIMMs) */
static void
testMaxMemory(void)
{
    qemuMemLockHost host;
    testDomain d = { .memKiB = 1280 * MiB / KiB, .maxMemKiB = 4 * GiB / KiB,
                     .nHostdevs = 1 };
    g_auto(qemuMemLock) ml = { 0 };

    qemuMemLockHostInit(&host, 64 * KiB);
    testEval(&d, &host, &ml);
    /* top of hotplug memory 2 GiB + 2.75 GiB -> an 8 GiB DDW: 2^17
     * 64 KiB TCEs = 1 MiB, x2; KVM: 512 16 MiB TCEs, 1 page + 1 */
    g_assert_cmpuint(testItem(&ml, ITEM_RAM), ==, 1280 * MiB);
    g_assert_cmpuint(testItem(&ml, ITEM_H64), ==, 2 * MiB);
    g_assert_cmpuint(testItem(&ml, ITEM_K64), ==, 2 * 131072);
    g_assert_cmpuint(ml.limit, ==, 1280 * MiB + 4 * MiB + 2 * MiB +
                     2 * (2162688 + 131072));
}

/* spapr-vlan and spapr-vscsi: a 256 MiB window of 4 KiB TCEs each,
 * 512 KiB = 8 pages + 1; spapr-vty has no DMA window */
static void
testVIO(void)
{
    qemuMemLockHost host;
    testDomain d = {
        .memKiB = GiB / KiB,
        .devices = "<controller type='scsi' model='ibmvscsi'/>"
                   "<interface type='user'><model type='spapr-vlan'/>"
                   "</interface>"
                   "<serial type='pty'><target type='spapr-vio-serial'/>"
                   "</serial>",
    };
    g_auto(qemuMemLock) ml = { 0 };

    qemuMemLockHostInit(&host, 64 * KiB);
    testEval(&d, &host, &ml);
    g_assert_cmpuint(testItem(&ml, ITEM_VIO), ==, 2 * 589824);
    g_assert_cmpuint(ml.limit, ==, 2293760ULL + 2 * 589824);
}

/* the VGA framebuffer is RAM in the guest address space: preregistered */
static void
testVGA(void)
{
    qemuMemLockHost host;
    testDomain d = { .memKiB = GiB / KiB, .nHostdevs = 1,
                     .devices = "<video><model type='vga'/></video>" };
    g_auto(qemuMemLock) ml = { 0 };

    qemuMemLockHostInit(&host, 64 * KiB);
    testEval(&d, &host, &ml);
    g_assert_cmpuint(testItem(&ml, ITEM_VGA), ==, 16 * MiB);
    g_assert_cmpuint(ml.limit, ==, 1082785792ULL + 16 * MiB + 256 * KiB);
    g_assert_cmpuint(testItem(&ml, ITEM_ROM), ==, 256 * KiB);
}

/* hash-MMU guests: pow2ceil(max memory) / 128 */
static void
testHPT(void)
{
    qemuMemLockHost host;
    testDomain d = { .memKiB = 64 * GiB / KiB,
                     .cpu = "<cpu mode='custom'><model>POWER8</model></cpu>" };
    g_auto(qemuMemLock) ml = { 0 };
    g_auto(qemuMemLock) hashHost = { 0 };
    g_auto(qemuMemLock) radix = { 0 };

    qemuMemLockHostInit(&host, 64 * KiB);
    testEval(&d, &host, &ml);
    g_assert_cmpuint(testItem(&ml, ITEM_HPT), ==, 512 * MiB);
    g_assert_cmpuint(ml.limit, ==, 512 * MiB + 2162688 + 131072);

    /* a POWER9 guest on a hash host */
    d.cpu = "<cpu mode='custom'><model>POWER9</model></cpu>";
    host.radix = FALSE;
    testEval(&d, &host, &hashHost);
    g_assert_cmpuint(testItem(&hashHost, ITEM_HPT), ==, 512 * MiB);

    /* ... and on a radix host: no HPT */
    host.radix = TRUE;
    testEval(&d, &host, &radix);
    g_assert_cmpuint(testItem(&radix, ITEM_HPT), ==, 0);
}

/* 1 GiB hugepages: QEMU caps the host TCE at the guest's 16 MiB TCE and
 * takes the largest host size below, 2 MiB: same tables as 2M pages */
static void
testGigantic(void)
{
    qemuMemLockHost host;
    testDomain d = { .memKiB = TiB / KiB, .nHostdevs = 1,
                     .backing = "<hugepages><page size='1' unit='GiB'/>"
                                "</hugepages>" };
    g_auto(qemuMemLock) ml = { 0 };
    g_auto(qemuMemLock) dflt = { 0 };

    qemuMemLockHostInit(&host, 64 * KiB);
    testEval(&d, &host, &ml);
    g_assert_cmpuint(testItem(&ml, ITEM_H64), ==, 8388608);

    /* <hugepages/> without a size: the host's default hugepage size */
    d.backing = "<hugepages/>";
    host.hugepageSize = 2 * MiB;
    testEval(&d, &host, &dflt);
    g_assert_cmpuint(testItem(&dflt, ITEM_H64), ==, 8388608);
}

static void
testHostErrors(void)
{
    qemuMemLockHost host;
    testDomain d = { .memKiB = TiB / KiB, .nHostdevs = 1 };
    g_autoptr(virDomainDef) def = testDomainDef(&d);
    g_auto(qemuMemLock) ml = { 0 };
    g_autoptr(GError) err = NULL;
    g_autoptr(GError) err2 = NULL;

    /* no 4 KiB TCEs: the 32-bit window cannot exist */
    qemuMemLockHostInit(&host, 64 * KiB);
    host.iommuPageSizes = (1ULL << 16) | (1ULL << 21);
    g_assert_false(qemuDomainGetMemLockLimit(def, &host, &ml, &err));
    g_assert_error(err, VIR_ERROR, VIR_ERR_CONFIG_UNSUPPORTED);
    g_assert_nonnull(strstr(err->message, "domain 'memlock'"));
    g_assert_nonnull(strstr(err->message, "32-bit DMA window"));

    /* the 1 TiB DDW in 64 KiB TCEs needs 2 levels */
    qemuMemLockHostInit(&host, 64 * KiB);
    host.tceLevels = 1;
    g_assert_false(qemuDomainGetMemLockLimit(def, &host, &ml, &err2));
    g_assert_nonnull(strstr(err2->message, "2-level TCE table"));
    g_assert_nonnull(strstr(err2->message, "hugepages"));
}

static void
testHostFromSystem(void)
{
    qemuMemLockHost host;

    qemuMemLockHostFromSystem(&host);
    g_assert_cmpuint(host.pageSize, ==, (guint64) sysconf(_SC_PAGESIZE));
    g_assert_cmpuint(host.hugepageSize, >=, host.pageSize);
    g_assert_cmpuint(host.hugepageSize & (host.hugepageSize - 1), ==, 0);
    g_assert_cmpuint(host.iommuPageSizes, ==, 0x40211000);
    g_assert_cmpuint(host.tceLevels, ==, 5);
    g_assert_cmpint(host.iommuGroup, ==, -1);
    g_assert_false(host.iommuV1);
}

/* The IOMMU facts from the (fake) kernel: group 10 of xml2argv.host is on
 * vfio-pci; ROOT/model/iommu changes what GET_INFO says */
static void
testHostReadGroups(void)
{
    const char *root = g_getenv("TCEMODEL_ROOT");
    g_autofree char *iommu = g_build_filename(root, "model", "iommu", NULL);
    g_autofree char *saved = NULL;
    g_autofree char *changed = NULL;
    gsize savedLen = 0;
    const int g10[] = { 10 };
    const int g4[] = { 4 };
    qemuMemLockHost host;
    testDomain d = { .memKiB = 512 * MiB / KiB, .nHostdevs = 1 };
    g_autoptr(virDomainDef) def = NULL;
    g_auto(qemuMemLock) ml = { 0 };
    g_autoptr(GError) err = NULL;
    g_autoptr(GError) err2 = NULL;

    g_assert_nonnull(root);
    qemuMemLockHostInit(&host, 4 * KiB);
    g_assert_true(qemuMemLockHostReadGroups(&host, g10, 1, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(host.iommuPageSizes, ==, 0x40211000);
    g_assert_cmpuint(host.tceLevels, ==, 5);
    g_assert_cmpint(host.iommuGroup, ==, 10);

    /* an IOMMU with 4 KiB TCEs only and one level: the 1 GiB window of
     * 4 KiB TCEs (2 MiB of TCEs) needs 2 levels of 4 KiB host pages */
    if (!g_file_get_contents(iommu, &saved, &savedLen, NULL))
        saved = NULL;
    changed = g_strdup_printf("%s\npgsizes=0x1000\nlevels=1\n",
                              saved ? saved : "");
    g_assert_true(g_file_set_contents(iommu, changed, -1, NULL));
    qemuMemLockHostInit(&host, 4 * KiB);
    g_assert_true(qemuMemLockHostReadGroups(&host, g10, 1, &err));
    g_assert_cmpuint(host.iommuPageSizes, ==, 0x1000);
    g_assert_cmpuint(host.tceLevels, ==, 1);
    hostdevSourcesOverride = "0x0006";
    def = testDomainDef(&d);
    hostdevSourcesOverride = NULL;
    g_assert_false(qemuDomainGetMemLockLimit(def, &host, &ml, &err2));
    g_assert_nonnull(strstr(err2->message, "32-bit DMA window"));
    g_assert_nonnull(strstr(err2->message, "2-level TCE table"));
    g_assert_nonnull(strstr(err2->message, "at most 1 levels"));
    if (saved)
        g_assert_true(g_file_set_contents(iommu, saved, savedLen, NULL));
    else
        g_assert_cmpint(unlink(iommu), ==, 0);

    /* a group on a host driver has no /dev/vfio node: the error names it */
    qemuMemLockHostInit(&host, 4 * KiB);
    g_clear_error(&err);
    g_assert_false(qemuMemLockHostReadGroups(&host, g4, 1, &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err->message, "4"));
    g_assert_cmpint(host.iommuGroup, ==, -1);
}

/* sPAPR TCE v1: no preregistration, no tables of QEMU's, the whole 32-bit
 * window of each group charged at VFIO_IOMMU_ENABLE */
static void
testIOMMUv1(void)
{
    qemuMemLockHost host;
    testDomain d = { .memKiB = GiB / KiB, .nHostdevs = 2 };
    g_auto(qemuMemLock) ml = { 0 };

    qemuMemLockHostInit(&host, 64 * KiB);
    host.iommuV1 = TRUE;
    host.dma32Size = 2 * GiB;
    testEval(&d, &host, &ml);
    g_assert_cmpuint(testItem(&ml, ITEM_RAM), ==, 0);
    g_assert_cmpuint(testItem(&ml, ITEM_H32), ==, 0);
    g_assert_cmpuint(testItem(&ml, ITEM_H64), ==, 0);
    g_assert_cmpuint(testItem(&ml, ITEM_V1), ==, 4 * GiB);
    /* KVM's tables stay: three PHBs */
    g_assert_cmpuint(ml.limit, ==, 4 * GiB + 3 * (2162688 + 131072));
}

/* option ROM BARs of emulated PCI devices: 256 KiB each for QEMU's own,
 * none with <rom bar='off'/> or file='', the size of a given file
 * rounded up to a power of 2 */
static void
testOptionROM(void)
{
    g_autofree char *big = g_build_filename(g_get_tmp_dir(),
                                            "qemumemlocktest-rom.bin", NULL);
    g_autofree char *devices = NULL;
    g_autofree char *data = g_malloc0(600 * 1024);
    qemuMemLockHost host;
    testDomain d = { .memKiB = GiB / KiB, .nHostdevs = 1 };
    g_auto(qemuMemLock) ml = { 0 };
    g_auto(qemuMemLock) tcg = { 0 };

    g_assert_true(g_file_set_contents(big, data, 600 * 1024, NULL));
    devices = g_strdup_printf(
        "<interface type='user'><model type='virtio'/></interface>"
        "<interface type='user'><model type='e1000'/><rom bar='off'/></interface>"
        "<interface type='user'><model type='virtio'/><rom file=''/></interface>"
        "<interface type='user'><model type='virtio'/><rom file='%s'/></interface>"
        "<interface type='user'><model type='spapr-vlan'/></interface>", big);
    d.devices = devices;
    qemuMemLockHostInit(&host, 64 * KiB);
    testEval(&d, &host, &ml);
    g_assert_cmpuint(testItem(&ml, ITEM_ROM), ==, 256 * KiB + MiB);
    g_assert_cmpuint(ml.limit, ==, 1082785792ULL + 256 * KiB + MiB + 589824);

    /* nothing is preregistered without a host device */
    d.nHostdevs = 0;
    testEval(&d, &host, &tcg);
    g_assert_cmpuint(testItem(&tcg, ITEM_ROM), ==, 0);
    unlink(big);
}

static void
testFormatSize(void)
{
    static const struct { guint64 bytes; const char *text; } cases[] = {
        { 0, "0 bytes" }, { 4096, "4 KiB" }, { 1536 * MiB, "1536 MiB" },
        { TiB, "1 TiB" }, { 4202496, "4104 KiB" }, { 1000, "1000 bytes" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *s = qemuMemLockFormatSize(cases[i].bytes);
        g_assert_cmpstr(s, ==, cases[i].text);
    }
}

int
main(int argc, char **argv)
{
    static const guint nHostdevs[] = { 1, 2, 4, 8 };
    g_autoptr(GPtrArray) matrix = g_ptr_array_new_with_free_func(g_free);
    guint m, h, n;

    g_test_init(&argc, &argv, NULL);
    for (m = 0; m < G_N_ELEMENTS(testMemSizes); m++) {
        for (h = 0; h < TEST_HOST_LAST; h++) {
            for (n = 0; n <= G_N_ELEMENTS(nHostdevs); n++) {
                testMatrixCase *c = g_new0(testMatrixCase, 1);
                g_autofree char *path = NULL;

                c->mem = m;
                c->host = h;
                c->nHostdevs = n ? nHostdevs[n - 1] : 0;
                path = g_strdup_printf("/qemumemlock/kvm/%s/%s/%uphb",
                                       testMemNames[m], testHostNames[h],
                                       c->nHostdevs);
                g_ptr_array_add(matrix, c);
                g_test_add_data_func(path, c, testMatrix);
            }
        }
    }
    g_test_add_func("/qemumemlock/headlines", testHeadlines);
    g_test_add_func("/qemumemlock/tcg", testTCG);
    g_test_add_func("/qemumemlock/hard-limit", testHardLimit);
    g_test_add_func("/qemumemlock/locked", testLocked);
    g_test_add_func("/qemumemlock/max-memory", testMaxMemory);
    g_test_add_func("/qemumemlock/spapr-vio", testVIO);
    g_test_add_func("/qemumemlock/vga", testVGA);
    g_test_add_func("/qemumemlock/hpt", testHPT);
    g_test_add_func("/qemumemlock/gigantic-pages", testGigantic);
    g_test_add_func("/qemumemlock/host-errors", testHostErrors);
    g_test_add_func("/qemumemlock/host-from-system", testHostFromSystem);
    g_test_add_func("/qemumemlock/host-read-groups", testHostReadGroups);
    g_test_add_func("/qemumemlock/iommu-v1", testIOMMUv1);
    g_test_add_func("/qemumemlock/option-rom", testOptionROM);
    g_test_add_func("/qemumemlock/format-size", testFormatSize);
    return g_test_run();
}
