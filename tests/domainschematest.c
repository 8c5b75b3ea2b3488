/*
 * domainschematest.c: every test input is valid libvirt domain XML
 *
 * Validates tests/qemuxml2argvdata/NAME.xml (inputs) and
 * tests/qemuxml2xmloutdata/NAME.xml (normalized outputs) against libvirt's
 * own RelaxNG schema (Debian package libvirt-common), so tcevirt's dialect
 * stays libvirt's.
 */
#include <config.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "testutils.h"

static xmlRelaxNGPtr schema;

static void
testSchemaError(void *ctx, const char *msg, ...)
{
    va_list ap;
    g_autofree char *text = NULL;

    va_start(ap, msg);
    text = g_strdup_vprintf(msg, ap);
    va_end(ap);
    g_printerr("%s", text);
}

static void
testValidate(gconstpointer data)
{
    const char *path = data;
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    xmlRelaxNGValidCtxtPtr ctxt;
    int rc;

    g_assert_nonnull(doc);
    ctxt = xmlRelaxNGNewValidCtxt(schema);
    xmlRelaxNGSetValidErrors(ctxt, testSchemaError, testSchemaError, NULL);
    rc = xmlRelaxNGValidateDoc(ctxt, doc);
    xmlRelaxNGFreeValidCtxt(ctxt);
    xmlFreeDoc(doc);
    if (rc != 0)
        g_test_message("%s does not validate against domain.rng", path);
    g_assert_cmpint(rc, ==, 0);
}

static void
testAddDir(const char *dir, const char *prefix)
{
    g_autoptr(GPtrArray) cases = testListCases(dir, ".xml");
    size_t i;

    for (i = 0; i < cases->len; i++) {
        const char *name = g_ptr_array_index(cases, i);
        char *path = g_strdup_printf("%s/%s.xml", dir, name);
        g_autofree char *tpath = g_strdup_printf("/domainschema/%s/%s",
                                                 prefix, name);
        g_test_add_data_func_full(tpath, path, testValidate, g_free);
    }
}

int
main(int argc, char **argv)
{
    const char *rng = g_getenv("DOMAIN_RNG");
    xmlRelaxNGParserCtxtPtr pctxt;
    int ret;

    g_test_init(&argc, &argv, NULL);
    if (!rng || !g_file_test(rng, G_FILE_TEST_EXISTS)) {
        g_printerr("libvirt's domain.rng (%s) is missing: install the Debian "
                   "package libvirt-common\n", rng ? rng : "DOMAIN_RNG unset");
        return 1;
    }
    pctxt = xmlRelaxNGNewParserCtxt(rng);
    schema = xmlRelaxNGParse(pctxt);
    xmlRelaxNGFreeParserCtxt(pctxt);
    if (!schema) {
        g_printerr("cannot parse %s\n", rng);
        return 1;
    }
    testAddDir(g_getenv("QEMUXML2ARGV_DATA"), "input");
    testAddDir(g_getenv("QEMUXML2XMLOUT_DATA"), "normalized");
    ret = g_test_run();
    xmlRelaxNGFree(schema);
    return ret;
}
