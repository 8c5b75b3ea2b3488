/*
 * domainparsetest.c: bad input gets one clear error and never a crash
 *
 * tests/domainparsedata/NAME.xml with NAME.err: inputs that are not valid
 * libvirt domain XML at all (malformed, unknown elements, wrong types,
 * out-of-range numbers), so they cannot live in qemuxml2argvdata, whose
 * inputs all validate against libvirt's schema.  Generated inputs cover
 * 10 MB documents and deep nesting.
 */
#include <config.h>

#include <string.h>

#include "testutils.h"
#include "qemu_domain.h"
#include "virerror.h"
#include "virxml.h"

static const char *datadir;

static char *
testNormalize(const char *xml, size_t len, const char *name)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) err = NULL;

    def = qemuDomainDefParseAndNormalize(xml, len, name, warnings, &err);
    if (def)
        return NULL;
    g_assert_nonnull(err);
    g_assert_true(err->domain == VIR_ERROR);
    return g_strdup_printf("%s: %s\n", virErrorCodeDescription(err->code),
                           err->message);
}

static void
testFile(gconstpointer data)
{
    const char *name = data;
    g_autofree char *path = g_strdup_printf("%s/%s.xml", datadir, name);
    g_autofree char *errpath = g_strdup_printf("%s/%s.err", datadir, name);
    g_autofree char *base = g_strdup_printf("%s.xml", name);
    g_autofree char *xml = NULL;
    g_autofree char *msg = NULL;
    gsize len;

    g_assert_true(g_file_get_contents(path, &xml, &len, NULL));
    msg = testNormalize(xml, len, base);
    if (!msg)
        g_test_message("%s was accepted but must be refused", path);
    g_assert_nonnull(msg);
    /* one sentence on one line */
    g_assert_true(strchr(msg, '\n') == msg + strlen(msg) - 1);
    g_assert_true(testCompareToFile(msg, errpath));
}

static void
testHuge(void)
{
    GString *buf = g_string_new("<domain type='qemu'><name>big</name>"
                                "<memory>1</memory><os><type>hvm</type></os>"
                                "<description>");
    g_autofree char *msg = NULL;

    while (buf->len < VIR_XML_MAX_SIZE + 1)
        g_string_append(buf, "0123456789abcdef");
    g_string_append(buf, "</description></domain>");
    msg = testNormalize(buf->str, buf->len, "huge.xml");
    g_assert_nonnull(msg);
    g_assert_nonnull(strstr(msg, "larger than"));
    g_string_free(buf, TRUE);
}

static void
testDeep(void)
{
    GString *buf = g_string_new("<domain type='qemu'><name>deep</name>"
                                "<memory>1</memory><os><type>hvm</type></os>"
                                "<metadata>");
    g_autofree char *msg = NULL;
    int i;

    for (i = 0; i < 100000; i++)
        g_string_append(buf, "<x:a xmlns:x='urn:x'>");
    msg = testNormalize(buf->str, buf->len, "deep.xml");
    g_assert_nonnull(msg);
    g_assert_nonnull(strstr(msg, "deep.xml"));
    g_string_free(buf, TRUE);
}

static void
testLargeValid(void)
{
    /* a big but legal document (9 MB of metadata) is accepted */
    GString *buf = g_string_new("<domain type='qemu'><name>large</name>"
                                "<memory>1048576</memory><os><type>hvm</type>"
                                "</os><metadata><x:blob xmlns:x='urn:x'>");
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) err = NULL;

    while (buf->len < 9 * 1024 * 1024)
        g_string_append(buf, "0123456789abcdef");
    g_string_append(buf, "</x:blob></metadata></domain>");
    def = qemuDomainDefParseAndNormalize(buf->str, buf->len, "large.xml",
                                         warnings, &err);
    g_assert_nonnull(def);
    g_string_free(buf, TRUE);
}

static void
testTruncations(void)
{
    /* every prefix of a valid document fails cleanly */
    g_autofree char *path = g_strdup_printf("%s/../qemuxml2argvdata/"
                                            "pseries-hostdevs-1.xml", datadir);
    g_autofree char *xml = NULL;
    gsize len, i;

    if (!g_file_get_contents(path, &xml, &len, NULL)) {
        g_test_skip("pseries-hostdevs-1.xml not found");
        return;
    }
    for (i = 0; i < len - 1; i += 7) {
        g_autofree char *msg = testNormalize(xml, i, "prefix.xml");
        g_assert_nonnull(msg);
    }
}

int
main(int argc, char **argv)
{
    g_autoptr(GPtrArray) cases = NULL;
    size_t i;

    g_test_init(&argc, &argv, NULL);
    if (!(datadir = g_getenv("DOMAINPARSE_DATA"))) {
        g_printerr("set DOMAINPARSE_DATA\n");
        return 1;
    }
    cases = testListCases(datadir, ".xml");
    for (i = 0; i < cases->len; i++) {
        const char *name = g_ptr_array_index(cases, i);
        g_autofree char *tpath = g_strdup_printf("/domainparse/%s", name);
        g_test_add_data_func(tpath, name, testFile);
    }
    g_test_add_func("/domainparse/generated/huge", testHuge);
    g_test_add_func("/domainparse/generated/deep-nesting", testDeep);
    g_test_add_func("/domainparse/generated/large-valid", testLargeValid);
    g_test_add_func("/domainparse/generated/truncations", testTruncations);
    return g_test_run();
}
