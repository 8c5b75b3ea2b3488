/*
 * qemuxml2argvtest.c: domain XML -> normalized XML + QEMU argv, golden files
 *
 * For every tests/qemuxml2argvdata/NAME.xml:
 *   NAME.err   exists: normalization must fail with exactly that message
 *   otherwise  NAME.args is the command line and
 *              tests/qemuxml2xmloutdata/NAME.xml the normalized XML, which
 *              must parse and normalize again to itself;
 *   NAME.warn  the warnings, if the case gives any.
 * Host devices are looked up in the fake host (kernel/model) the test runs
 * in.  VIR_TEST_REGENERATE=1 rewrites the expectations: review the diff.
 */
#include <config.h>

#include <string.h>

#include "testutils.h"
#include "qemu_domain.h"
#include "qemu_command.h"
#include "virerror.h"

static const char *datadir;
static const char *outdir;

static char *
testJoinWarnings(GPtrArray *warnings)
{
    GString *buf = g_string_new(NULL);
    size_t i;

    for (i = 0; i < warnings->len; i++)
        g_string_append_printf(buf, "%s\n",
                               (char *) g_ptr_array_index(warnings, i));
    return g_string_free(buf, FALSE);
}

static void
testCase(gconstpointer data)
{
    const char *name = data;
    g_autofree char *xmlpath = g_strdup_printf("%s/%s.xml", datadir, name);
    g_autofree char *base = g_strdup_printf("%s.xml", name);
    g_autofree char *argspath = g_strdup_printf("%s/%s.args", datadir, name);
    g_autofree char *errpath = g_strdup_printf("%s/%s.err", datadir, name);
    g_autofree char *warnpath = g_strdup_printf("%s/%s.warn", datadir, name);
    g_autofree char *outpath = g_strdup_printf("%s/%s.xml", outdir, name);
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) warnings2 = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virDomainDef) def2 = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *out = NULL;
    g_autofree char *out2 = NULL;
    g_autofree char *args = NULL;
    g_autofree char *warn = NULL;
    g_auto(GStrv) argv = NULL;
    gsize len;
    gboolean expectFail = g_file_test(errpath, G_FILE_TEST_EXISTS);

    g_assert_true(g_file_get_contents(xmlpath, &xml, &len, NULL));
    def = qemuDomainDefParseAndNormalize(xml, len, base, warnings, &err);
    if (def && !(argv = qemuBuildCommandLine(def, NULL, &err)))
        g_clear_pointer(&def, virDomainDefFree);

    warn = testJoinWarnings(warnings);
    if (*warn)
        g_assert_true(testCompareToFile(warn, warnpath));
    else
        g_assert_true(testExpectNoFile(warnpath));

    if (!def) {
        g_autofree char *msg = NULL;

        g_assert_nonnull(err);
        msg = g_strdup_printf("%s: %s\n", virErrorCodeDescription(err->code),
                              err->message);
        if (!expectFail && !testRegenerate())
            g_test_message("unexpected failure: %s", msg);
        g_assert_true(expectFail || testRegenerate());
        g_assert_true(testCompareToFile(msg, errpath));
        g_assert_true(testExpectNoFile(argspath));
        g_assert_true(testExpectNoFile(outpath));
        return;
    }
    if (expectFail && !testRegenerate())
        g_test_message("expected failure, but the case succeeded");
    g_assert_true(!expectFail || testRegenerate());
    g_assert_true(testExpectNoFile(errpath));

    out = virDomainDefFormat(def);
    g_assert_true(testCompareToFile(out, outpath));
    args = qemuCommandLineFormat(argv);
    g_assert_true(testCompareToFile(args, argspath));

    /* the normalized XML is stable: parsing it gives the same result */
    def2 = qemuDomainDefParseAndNormalize(out, strlen(out), outpath,
                                          warnings2, &err);
    if (!def2)
        g_test_message("normalized XML does not parse: %s", err->message);
    g_assert_nonnull(def2);
    out2 = virDomainDefFormat(def2);
    g_assert_cmpstr(out, ==, out2);
}

int
main(int argc, char **argv)
{
    g_autoptr(GPtrArray) cases = NULL;
    g_autoptr(GPtrArray) args = NULL;
    g_autoptr(GPtrArray) errs = NULL;
    g_autoptr(GPtrArray) outs = NULL;
    size_t i;

    g_test_init(&argc, &argv, NULL);
    datadir = g_getenv("QEMUXML2ARGV_DATA");
    outdir = g_getenv("QEMUXML2XMLOUT_DATA");
    if (!datadir || !outdir) {
        g_printerr("set QEMUXML2ARGV_DATA and QEMUXML2XMLOUT_DATA\n");
        return 1;
    }
    cases = testListCases(datadir, ".xml");
    for (i = 0; i < cases->len; i++) {
        const char *name = g_ptr_array_index(cases, i);
        g_autofree char *path = g_strdup_printf("/qemuxml2argv/%s", name);
        g_test_add_data_func(path, name, testCase);
    }

    /* every expectation file belongs to an input */
    args = testListCases(datadir, ".args");
    errs = testListCases(datadir, ".err");
    outs = testListCases(outdir, ".xml");
    for (i = 0; i < args->len + errs->len + outs->len; i++) {
        const char *n = i < args->len ? g_ptr_array_index(args, i) :
                        i < args->len + errs->len ?
                        g_ptr_array_index(errs, i - args->len) :
                        g_ptr_array_index(outs, i - args->len - errs->len);
        gboolean found = FALSE;
        size_t j;
        for (j = 0; j < cases->len; j++)
            found |= g_str_equal(n, g_ptr_array_index(cases, j));
        if (!found) {
            g_printerr("expectation for '%s' has no input XML\n", n);
            return 1;
        }
    }
    return g_test_run();
}
