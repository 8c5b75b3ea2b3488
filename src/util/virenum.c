/*
 * virenum.c: string <-> enum tables
 */
#include <config.h>

#include "virenum.h"

const char *
virEnumToString(const char *const *list, size_t n, int type)
{
    if (type < 0 || (size_t) type >= n)
        return NULL;
    return list[type];
}

int
virEnumFromString(const char *const *list, size_t n, const char *str)
{
    size_t i;

    if (!str)
        return -1;
    for (i = 0; i < n; i++) {
        if (list[i] && g_str_equal(list[i], str))
            return i;
    }
    return -1;
}

char *
virEnumListValues(const char *const *list, size_t n, size_t skip)
{
    GString *buf = g_string_new(NULL);
    size_t i;

    for (i = skip; i < n; i++) {
        if (!list[i] || !*list[i])
            continue;
        if (buf->len)
            g_string_append(buf, ", ");
        g_string_append_printf(buf, "'%s'", list[i]);
    }
    return g_string_free(buf, FALSE);
}
