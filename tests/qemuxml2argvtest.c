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

/* record a failure for this case and go on with the next one */
#define FAIL_IF(cond, ...) do { \
    if (cond) { \
        g_test_fail_printf(__VA_ARGS__); \
        return; \
    } \
} while (0)

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

    FAIL_IF(!g_file_get_contents(xmlpath, &xml, &len, NULL),
            "cannot read %s", xmlpath);
    def = qemuDomainDefParseAndNormalize(xml, len, base, warnings, &err);
    if (def && !(argv = qemuBuildCommandLine(def, NULL, &err)))
        g_clear_pointer(&def, virDomainDefFree);

    warn = testJoinWarnings(warnings);
    if (*warn)
        FAIL_IF(!testCompareToFile(warn, warnpath), "warnings differ");
    else
        FAIL_IF(!testExpectNoFile(warnpath), "expected warnings missing");

    if (!def) {
        g_autofree char *msg = g_strdup_printf("%s: %s\n",
                                               virErrorCodeDescription(err->code),
                                               err->message);

        FAIL_IF(!expectFail && !testRegenerate(), "unexpected failure: %s",
                msg);
        FAIL_IF(!testCompareToFile(msg, errpath), "error message differs");
        FAIL_IF(!testExpectNoFile(argspath) || !testExpectNoFile(outpath),
                "a failing case has .args or normalized XML");
        return;
    }
    FAIL_IF(expectFail && !testRegenerate(),
            "expected failure (%s), but the case succeeded", errpath);
    FAIL_IF(!testExpectNoFile(errpath), "stale .err file");

    out = virDomainDefFormat(def);
    args = qemuCommandLineFormat(argv);
    /* compare both before failing so regeneration writes both */
    {
        gboolean okOut = testCompareToFile(out, outpath);
        gboolean okArgs = testCompareToFile(args, argspath);
        FAIL_IF(!okOut, "normalized XML differs from %s", outpath);
        FAIL_IF(!okArgs, "command line differs from %s", argspath);
    }

    /* the normalized XML is stable: parsing it gives the same result */
    def2 = qemuDomainDefParseAndNormalize(out, strlen(out), outpath,
                                          warnings2, &err);
    FAIL_IF(!def2, "normalized XML does not parse: %s", err->message);
    out2 = virDomainDefFormat(def2);
    FAIL_IF(!g_str_equal(out, out2), "normalizing the normalized XML "
            "changes it");
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
