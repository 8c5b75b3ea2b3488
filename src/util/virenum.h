/*
 * virenum.h: string <-> enum tables
 */
#pragma once

#include <glib.h>

const char *virEnumToString(const char *const *list, size_t n, int type);
int virEnumFromString(const char *const *list, size_t n, const char *str);

#define VIR_ENUM_DECL(name) \
    extern const char *const name##TypeList[]; \
    extern const size_t name##TypeListLen; \
    const char *name##TypeToString(int type); \
    int name##TypeFromString(const char *str)

#define VIR_ENUM_IMPL(name, lastVal, ...) \
    const char *const name##TypeList[] = { __VA_ARGS__ }; \
    const size_t name##TypeListLen = G_N_ELEMENTS(name##TypeList); \
    G_STATIC_ASSERT(G_N_ELEMENTS(name##TypeList) == lastVal); \
    const char *name##TypeToString(int type) \
    { \
        return virEnumToString(name##TypeList, \
                               G_N_ELEMENTS(name##TypeList), type); \
    } \
    int name##TypeFromString(const char *str) \
    { \
        return virEnumFromString(name##TypeList, \
                                 G_N_ELEMENTS(name##TypeList), str); \
    }

/* "a|b|c" listing of the values after the first @skip ones, for messages */
char *virEnumListValues(const char *const *list, size_t n, size_t skip);
