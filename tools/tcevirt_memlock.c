/*
 * tcevirt_memlock.c: the memlock verb, the locked-memory limit of a domain
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "tcevirt.h"
#include "qemu_domain.h"
#include "qemu_memlock.h"
#include "virpci.h"
#include "virvfio.h"
#include "virerror.h"
#include "virxml.h"


const char tcevirtMemlockHelp[] =
"NAME\n"
"    tcevirt memlock - show the locked-memory limit QEMU needs for a domain\n"
"\n"
"SYNOPSIS\n"
"    tcevirt memlock [--bytes] [--host-page-size SIZE] FILE\n"
"\n"
"DESCRIPTION\n"
"    Normalizes the domain XML in FILE (standard input when FILE is '-')\n"
"    as `tcevirt validate` does and prints what the kernel will charge to\n"
"    the locked memory (RLIMIT_MEMLOCK) of the QEMU process running it,\n"
"    item by item with the kernel path that charges it, then the total\n"
"    and the limit tcevirt sets:\n"
"\n"
"      - guest RAM (<memory>), preregistered once with VFIO when the\n"
"        domain has host devices, with the VGA framebuffers and option\n"
"        ROM BARs of emulated PCI devices;\n"
"      - per PHB with host devices, the host TCE tables of its 32-bit DMA\n"
"        window and of the 64-bit DDW covering guest RAM up to\n"
"        <maxMemory> (with the sPAPR TCE v1 IOMMU instead: the whole\n"
"        32-bit window of every group);\n"
"      - for KVM guests, the KVM TCE tables of both windows of every PHB\n"
"        and of the spapr-vlan and spapr-vscsi devices;\n"
"      - the hash page table of hash-MMU (POWER8 compatible) guests.\n"
"\n"
"    The TCE page sizes follow the host page size and the RAM backing\n"
"    (hugepages give larger TCEs and smaller tables).  A\n"
"    <memtune><hard_limit> is used as the limit instead (with a warning\n"
"    when it is below the need); <memoryBacking><locked/> makes it\n"
"    unlimited; a TCG guest without host devices needs none, and the\n"
"    limit is left alone.  docs/memlock.rst explains every term.\n"
"\n"
"    The host facts are this host's: its page size, its default hugepage\n"
"    size and whether it runs radix guests.  The IOMMU's TCE page sizes\n"
"    and table levels come from the kernel (VFIO_IOMMU_SPAPR_TCE_GET_INFO\n"
"    on a scratch container of each host device's group), as `tcevirt\n"
"    start` reads them; when a group cannot be opened now (not bound to\n"
"    vfio-pci, in use, or no such device here) POWER9's are assumed (TCE\n"
"    pages 4K, 64K, 2M, 1G; 5 levels) and the output says why.\n"
"\n"
"OPTIONS\n"
"    --bytes                only print the limit: a number of bytes,\n"
"                           'unlimited', or 0 when no limit is set\n"
"    --host-page-size SIZE  compute for a host with this page size\n"
"                           instead (4096, 65536, 4k, 64KiB, ...), e.g.\n"
"                           a 64 KiB POWER host from an x86 machine\n"
"\n"
"EXIT STATUS\n"
"    0 success, 1 invalid domain or a host that cannot run it, 2 usage\n"
"    error.\n"
"\n"
"EXAMPLES\n"
"    tcevirt memlock guest.xml\n"
"    tcevirt memlock --bytes --host-page-size 64k guest.xml\n";


/* "4096", "64k", "64KiB" */
static gboolean
tcevirtParsePageSize(const char *str, guint64 *size)
{
    char *end = NULL;
    guint64 v;

    if (!g_ascii_isdigit(*str))
        return FALSE;
    v = g_ascii_strtoull(str, &end, 10);
    if (g_ascii_strcasecmp(end, "k") == 0 ||
        g_ascii_strcasecmp(end, "KiB") == 0)
        v *= 1024;
    else if (*end)
        return FALSE;
    if (v < 4096 || v > (1 << 20) || (v & (v - 1)))
        return FALSE;
    *size = v;
    return TRUE;
}


static virDomainDef *
tcevirtMemlockLoad(const char *file, GError **errp)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *xml = NULL;
    g_autoptr(GError) lerr = NULL;
    virDomainDef *def;
    gsize len;

    if (g_str_equal(file, "-")) {
        GString *buf = g_string_new(NULL);
        char chunk[65536];
        size_t n;

        while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
            g_string_append_len(buf, chunk, n);
            if (buf->len > VIR_XML_MAX_SIZE)
                break;
        }
        len = buf->len;
        xml = g_string_free(buf, FALSE);
        file = "(stdin)";
    } else if (!g_file_get_contents(file, &xml, &len, &lerr)) {
        virReportError(errp, VIR_ERR_OPEN_FAILED,
                       "cannot read domain XML: %s", lerr->message);
        return NULL;
    }
    def = qemuDomainDefParseAndNormalize(xml, len, file, warnings, errp);
    tcevirtPrintWarnings(warnings);
    return def;
}


/* @text wrapped at 76 columns, every line indented by 4 */
static void
tcevirtPrintWrapped(const char *text)
{
    g_auto(GStrv) words = g_strsplit(text, " ", -1);
    size_t col = 0;
    size_t i;

    for (i = 0; words[i]; i++) {
        size_t len = strlen(words[i]);

        if (!len)
            continue;
        if (col && col + 1 + len > 76) {
            putchar('\n');
            col = 0;
        }
        if (!col) {
            fputs("    ", stdout);
            col = 4;
        } else {
            putchar(' ');
            col++;
        }
        fputs(words[i], stdout);
        col += len;
    }
    if (col)
        putchar('\n');
}


static void
tcevirtPrintBytesLine(const char *label, guint64 count, guint64 bytes)
{
    g_autofree char *human = g_format_size_full(bytes, G_FORMAT_SIZE_IEC_UNITS);

    if (count)
        printf("%-34s %5" G_GUINT64_FORMAT " %16" G_GUINT64_FORMAT " %10s\n",
               label, count, bytes, human);
    else
        printf("%-34s %5s %16" G_GUINT64_FORMAT " %10s\n",
               label, "", bytes, human);
}


static void
tcevirtMemlockPrint(const virDomainDef *def, const qemuMemLockHost *host,
                    const char *iommuWhy, const qemuMemLock *ml)
{
    g_autofree char *page = qemuMemLockFormatSize(host->pageSize);
    size_t i;

    g_autofree char *sizes = virVFIOPageSizesFormat(host->iommuPageSizes);

    printf("Locked memory of domain '%s' (%s guest), host pages %s, IOMMU "
           "%s: TCE pages %s, %u levels (%s)\n", def->name,
           def->virtType == VIR_DOMAIN_VIRT_KVM ? "KVM" : "TCG", page,
           host->iommuV1 ? "sPAPR TCE v1" : "sPAPR TCE v2", sizes,
           host->tceLevels, host->iommuGroup >= 0 ?
           "from the kernel" : "POWER9's, assumed");
    if (iommuWhy)
        printf("  (%s)\n", iommuWhy);
    putchar('\n');
    if (ml->items->len) {
        printf("%-34s %5s %16s %10s\n", "WHAT", "COUNT", "BYTES", "SIZE");
        for (i = 0; i < ml->items->len; i++) {
            const qemuMemLockItem *item = &g_array_index(ml->items,
                                                         qemuMemLockItem, i);

            tcevirtPrintBytesLine(item->what, item->count, item->bytes);
            tcevirtPrintWrapped(item->why);
        }
        putchar('\n');
    }
    tcevirtPrintBytesLine("total (what the kernel charges)", 0, ml->need);

    switch ((qemuMemLockSource) ml->source) {
    case QEMU_MEMLOCK_SOURCE_COMPUTED:
        tcevirtPrintBytesLine("limit (the total)", 0, ml->limit);
        break;
    case QEMU_MEMLOCK_SOURCE_HARD_LIMIT:
        tcevirtPrintBytesLine("limit (<memtune><hard_limit>)", 0, ml->limit);
        break;
    case QEMU_MEMLOCK_SOURCE_LOCKED:
        printf("%-34s %5s %16s\n", "limit (<memoryBacking><locked/>)", "",
               "unlimited");
        break;
    case QEMU_MEMLOCK_SOURCE_NONE:
    case QEMU_MEMLOCK_SOURCE_LAST:
        printf("limit: not set (a TCG guest without host devices has "
               "nothing charged)\n");
        break;
    }
}


/* The IOMMU facts of @def's groups from the kernel into @host; NULL, or
 * why POWER9's stay assumed */
static char *
tcevirtMemlockReadIOMMU(const virDomainDef *def, qemuMemLockHost *host)
{
    g_autoptr(GArray) groups = g_array_new(FALSE, FALSE, sizeof(int));
    g_autoptr(GError) err = NULL;
    qemuMemLockHost read = *host;
    size_t i;

    for (i = 0; i < def->hostdevs->len; i++) {
        virDomainHostdevDef *h = g_ptr_array_index(def->hostdevs, i);
        g_autofree char *bdf = virPCIDeviceAddressAsString(&h->source);

        if (h->iommuGroup < 0)
            return g_strdup_printf("host device %s is not on this host", bdf);
        g_array_append_val(groups, h->iommuGroup);
    }
    if (!groups->len)
        return NULL;
    if (!qemuMemLockHostReadGroups(&read, (const int *) groups->data,
                                   groups->len, &err))
        return g_strdup_printf("the kernel's could not be read now: %s",
                               err->message);
    *host = read;
    return NULL;
}


int
tcevirtCmdMemlock(int argc, char **argv)
{
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) err = NULL;
    g_auto(qemuMemLock) ml = { 0 };
    qemuMemLockHost host;
    g_autofree char *iommuWhy = NULL;
    const char *file = NULL;
    gboolean bytesOnly = FALSE;
    guint64 pageSize = 0;
    int i;

    for (i = 1; i < argc; i++) {
        if (g_str_equal(argv[i], "--bytes")) {
            bytesOnly = TRUE;
        } else if (g_str_equal(argv[i], "--host-page-size")) {
            if (i + 1 >= argc || !tcevirtParsePageSize(argv[i + 1], &pageSize))
                return tcevirtUsageError("memlock", "--host-page-size takes a "
                                         "power of 2 from 4096 to 1048576 "
                                         "bytes, e.g. 65536 or 64k");
            i++;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return tcevirtUsageError("memlock", "unknown option '%s'", argv[i]);
        } else if (file) {
            return tcevirtUsageError("memlock", "more than one FILE given");
        } else {
            file = argv[i];
        }
    }
    if (!file)
        return tcevirtUsageError("memlock", "no domain XML FILE given");

    qemuMemLockHostFromSystem(&host);
    if (pageSize)
        host.pageSize = pageSize;

    if (!(def = tcevirtMemlockLoad(file, &err))) {
        tcevirtPrintError(err);
        return 1;
    }
    iommuWhy = tcevirtMemlockReadIOMMU(def, &host);
    if (!qemuDomainGetMemLockLimit(def, &host, &ml, &err)) {
        tcevirtPrintError(err);
        return 1;
    }
    if (ml.warning)
        fprintf(stderr, "warning: %s\n", ml.warning);

    if (bytesOnly) {
        if (ml.source == QEMU_MEMLOCK_SOURCE_LOCKED)
            printf("unlimited\n");
        else
            printf("%" G_GUINT64_FORMAT "\n", ml.limit);
        return 0;
    }
    tcevirtMemlockPrint(def, &host, iommuWhy, &ml);
    return 0;
}
