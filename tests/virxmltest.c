/*
 * virxmltest.c: units, numbers, UUIDs, PCI and MAC addresses
 */
#include <config.h>

#include <libxml/parser.h>

#include "testutils.h"
#include "virxml.h"
#include "virpci.h"
#include "viruuid.h"
#include "domain_conf.h"

static gboolean
testScaled(const char *xml, guint64 *bytes)
{
    g_autoptr(GError) err = NULL;
    xmlDocPtr doc = virXMLParseString(xml, strlen(xml), "t.xml", &err);
    gboolean ok;

    g_assert_nonnull(doc);
    ok = virXMLParseScaledInteger(xmlDocGetRootElement(doc), "KiB", bytes,
                                  &err);
    xmlFreeDoc(doc);
    return ok;
}

static void
testUnits(void)
{
    static const struct {
        const char *xml;
        guint64 bytes;
    } ok[] = {
        { "<memory>1</memory>", 1024 },
        { "<memory unit='b'>1</memory>", 1 },
        { "<memory unit='bytes'>4096</memory>", 4096 },
        { "<memory unit='KB'>1</memory>", 1000 },
        { "<memory unit='k'>2</memory>", 2048 },
        { "<memory unit='KiB'>3</memory>", 3072 },
        { "<memory unit='MB'>1</memory>", 1000000 },
        { "<memory unit='M'>1</memory>", 1048576 },
        { "<memory unit='MiB'>5</memory>", 5242880 },
        { "<memory unit='GB'>1</memory>", 1000000000ULL },
        { "<memory unit='GiB'>64</memory>", 64ULL << 30 },
        { "<memory unit='G'>1</memory>", 1ULL << 30 },
        { "<memory unit='TiB'>1</memory>", 1ULL << 40 },
        { "<memory unit='TB'>1</memory>", 1000000000000ULL },
        { "<memory unit='PiB'>2</memory>", 2ULL << 50 },
        { "<memory unit='EiB'>1</memory>", 1ULL << 60 },
        { "<memory unit='KiB'> 42 </memory>", 43008 },
    };
    static const char *const bad[] = {
        "<memory unit='KiB'>-1</memory>",
        "<memory unit='KiB'>0x10</memory>",
        "<memory unit='KiB'>1.5</memory>",
        "<memory unit='KiB'></memory>",
        "<memory unit='parsecs'>1</memory>",
        "<memory unit='EiB'>16</memory>",
        "<memory unit='KiB'>99999999999999999999999</memory>",
        "<memory unit='KiB'>12abc</memory>",
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(ok); i++) {
        guint64 bytes = 0;
        g_assert_true(testScaled(ok[i].xml, &bytes));
        g_assert_cmpuint(bytes, ==, ok[i].bytes);
    }
    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        guint64 bytes = 0;
        g_assert_false(testScaled(bad[i], &bytes));
    }
}

static void
testPCIAddress(void)
{
    virPCIDeviceAddress a;
    g_autofree char *s = NULL;

    g_assert_true(virPCIDeviceAddressParse("0001:01:00.1", &a));
    g_assert_cmpuint(a.domain, ==, 1);
    g_assert_cmpuint(a.bus, ==, 1);
    g_assert_cmpuint(a.slot, ==, 0);
    g_assert_cmpuint(a.function, ==, 1);
    s = virPCIDeviceAddressAsString(&a);
    g_assert_cmpstr(s, ==, "0001:01:00.1");
    g_assert_false(virPCIDeviceAddressParse("0001:01:00.8", &a));
    g_assert_false(virPCIDeviceAddressParse("0001:01:20.0", &a));
    g_assert_false(virPCIDeviceAddressParse("1:1:0.0", &a));
    g_assert_false(virPCIDeviceAddressParse("0001:01:00.0x", &a));
    g_assert_false(virPCIDeviceAddressParse("", &a));
}

static void
testUUID(void)
{
    unsigned char u[VIR_UUID_BUFLEN];
    unsigned char v[VIR_UUID_BUFLEN];
    char s[VIR_UUID_STRING_BUFLEN];

    g_assert_true(virUUIDParse("c7a5fdbd-edaf-9455-926a-d65c16db1809", u));
    virUUIDFormat(u, s);
    g_assert_cmpstr(s, ==, "c7a5fdbd-edaf-9455-926a-d65c16db1809");
    g_assert_true(virUUIDParse(" c7a5fdbdedaf9455926ad65c16db1809 ", v));
    g_assert_cmpmem(u, 16, v, 16);
    g_assert_false(virUUIDParse("c7a5fdbd-edaf-9455-926a-d65c16db180", u));
    g_assert_false(virUUIDParse("c7a5fdbd-edaf-9455-926a-d65c16db18091", u));
    g_assert_false(virUUIDParse("g7a5fdbd-edaf-9455-926a-d65c16db1809", u));
    virUUIDGenerate(u);
    g_assert_false(virUUIDIsNull(u));
}

static void
testMac(void)
{
    unsigned char mac[6];
    g_autofree char *s = NULL;

    g_assert_true(virMacAddrParse("52:54:00:AB:cd:01", mac));
    s = virMacAddrFormat(mac);
    g_assert_cmpstr(s, ==, "52:54:00:ab:cd:01");
    g_assert_false(virMacAddrParse("52:54:00:ab:cd", mac));
    g_assert_false(virMacAddrParse("52-54-00-ab-cd-01", mac));
    g_assert_false(virMacAddrParse("52:54:00:ab:cd:0123", mac));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virxml/units", testUnits);
    g_test_add_func("/virpci/address", testPCIAddress);
    g_test_add_func("/viruuid/parse-format", testUUID);
    g_test_add_func("/virmac/parse-format", testMac);
    return g_test_run();
}
