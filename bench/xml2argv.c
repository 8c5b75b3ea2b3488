/*
 * bench/xml2argv.c: parse + normalize + argv throughput
 *
 * Builds a domain with 64 PCI host devices in 32 IOMMU groups (two
 * functions per group) and measures how many times per second tcevirt
 * parses, validates, normalizes (sysfs IOMMU group lookups included) and
 * builds the command line for it.  Run through scripts/bench.sh, which
 * provides the fake host with those 32 groups.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "qemu_domain.h"
#include "qemu_command.h"

static char *
benchDomainXML(void)
{
    GString *buf = g_string_new(NULL);
    int g, f;

    g_string_append(buf,
        "<domain type='kvm'>\n"
        "  <name>bench64</name>\n"
        "  <uuid>0f0e0d0c-0b0a-4908-8706-050403020100</uuid>\n"
        "  <memory unit='GiB'>64</memory>\n"
        "  <vcpu>16</vcpu>\n"
        "  <os><type arch='ppc64le' machine='pseries'>hvm</type></os>\n"
        "  <devices>\n");
    for (g = 0; g < 32; g++) {
        for (f = 0; f < 2; f++)
            g_string_append_printf(buf,
                "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
                "      <source><address domain='0x%04x' bus='0x01' "
                "slot='0x00' function='0x%x'/></source>\n"
                "    </hostdev>\n", 0x100 + g, f);
    }
    g_string_append(buf, "  </devices>\n</domain>\n");
    return g_string_free(buf, FALSE);
}

int
main(int argc, char **argv)
{
    g_autofree char *xml = benchDomainXML();
    size_t len = strlen(xml);
    double seconds = argc > 1 ? g_ascii_strtod(argv[1], NULL) : 5.0;
    gint64 start, now;
    guint64 iterations = 0;
    size_t args = 0;
    struct rusage ru;

    start = g_get_monotonic_time();
    do {
        g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GError) err = NULL;
        g_autoptr(virDomainDef) def = NULL;
        g_auto(GStrv) cmd = NULL;

        def = qemuDomainDefParseAndNormalize(xml, len, "bench.xml", warnings,
                                             &err);
        if (!def || !(cmd = qemuBuildCommandLine(def, NULL, &err))) {
            fprintf(stderr, "bench: %s\n", err->message);
            return 1;
        }
        if (iterations == 0) {
            args = g_strv_length(cmd);
            fprintf(stderr, "bench: %u warnings (groups sharing PHBs)\n",
                    warnings->len);
        }
        iterations++;
        now = g_get_monotonic_time();
    } while (now - start < seconds * G_USEC_PER_SEC);

    getrusage(RUSAGE_SELF, &ru);
    printf("xml2argv: 64 hostdevs in 32 IOMMU groups, %zu-byte XML, "
           "%zu argv words\n", len, args);
    printf("xml2argv: %" G_GUINT64_FORMAT " iterations in %.2f s = %.0f "
           "parse+normalize+argv per second (%.1f us each)\n",
           iterations, (now - start) / 1e6,
           iterations / ((now - start) / 1e6),
           (now - start) / (double) iterations);
    printf("xml2argv: peak RSS %ld KiB\n", ru.ru_maxrss);
    return 0;
}
