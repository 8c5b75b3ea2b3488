/*
 * replay_main.c: run the fuzz target over a corpus without libFuzzer
 * (one GTest case per corpus file), so `make check` replays it under
 * ASan and UBSan.
 */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
replayOne(gconstpointer data)
{
    const char *path = data;
    g_autofree char *buf = NULL;
    gsize len;

    g_assert_true(g_file_get_contents(path, &buf, &len, NULL));
    g_assert_cmpint(LLVMFuzzerTestOneInput((const uint8_t *) buf, len), ==, 0);
}

static gint
cmpstr(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

int
main(int argc, char **argv)
{
    const char *dir = g_getenv("FUZZ_CORPUS");
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = NULL;
    const char *name;
    size_t i;

    g_test_init(&argc, &argv, NULL);
    if (!dir || !(d = g_dir_open(dir, 0, NULL))) {
        g_printerr("FUZZ_CORPUS must name the corpus directory\n");
        return 1;
    }
    while ((name = g_dir_read_name(d)))
        g_ptr_array_add(files, g_strdup(name));
    g_ptr_array_sort(files, cmpstr);
    for (i = 0; i < files->len; i++) {
        const char *f = g_ptr_array_index(files, i);
        g_autofree char *tpath = g_strdup_printf("/fuzz-corpus/%s", f);
        g_test_add_data_func_full(tpath, g_build_filename(dir, f, NULL),
                                  replayOne, g_free);
    }
    return g_test_run();
}
