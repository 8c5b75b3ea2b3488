/*
 * testutils.c: helpers for golden-file tests
 */
#include <config.h>

#include <string.h>
#include <unistd.h>

#include "testutils.h"

gboolean
testRegenerate(void)
{
    const char *env = g_getenv("VIR_TEST_REGENERATE");

    return env && g_str_equal(env, "1");
}

static void
testPrintDiff(const char *expected, const char *actual)
{
    g_auto(GStrv) e = g_strsplit(expected, "\n", -1);
    g_auto(GStrv) a = g_strsplit(actual, "\n", -1);
    size_t i;

    for (i = 0; e[i] || a[i]; i++) {
        if (e[i] && a[i] && g_str_equal(e[i], a[i])) {
            if (!e[i + 1] || !a[i + 1])
                continue;
            continue;
        }
        g_printerr("  first difference at line %zu:\n  - %s\n  + %s\n",
                   i + 1, e[i] ? e[i] : "(end of file)",
                   a[i] ? a[i] : "(end of output)");
        return;
    }
}

gboolean
testCompareToFile(const char *actual, const char *path)
{
    g_autofree char *expected = NULL;

    if (testRegenerate()) {
        g_autoptr(GError) err = NULL;
        if (!g_file_get_contents(path, &expected, NULL, NULL) ||
            !g_str_equal(expected, actual)) {
            if (!g_file_set_contents(path, actual, -1, &err)) {
                g_printerr("cannot write %s: %s\n", path, err->message);
                return FALSE;
            }
            g_printerr("regenerated %s\n", path);
        }
        return TRUE;
    }
    if (!g_file_get_contents(path, &expected, NULL, NULL)) {
        g_printerr("missing expected output %s (run with "
                   "VIR_TEST_REGENERATE=1 to create it, then review it)\n",
                   path);
        return FALSE;
    }
    if (!g_str_equal(expected, actual)) {
        g_printerr("output differs from %s\n", path);
        testPrintDiff(expected, actual);
        return FALSE;
    }
    return TRUE;
}

gboolean
testExpectNoFile(const char *path)
{
    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return TRUE;
    if (testRegenerate()) {
        unlink(path);
        g_printerr("removed %s\n", path);
        return TRUE;
    }
    g_printerr("%s exists but this case does not produce it\n", path);
    return FALSE;
}

static gint
testCompareStr(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

GPtrArray *
testListCases(const char *dir, const char *suffix)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        if (g_str_has_suffix(name, suffix))
            g_ptr_array_add(list, g_strndup(name, strlen(name) - strlen(suffix)));
    }
    g_ptr_array_sort(list, testCompareStr);
    return list;
}
