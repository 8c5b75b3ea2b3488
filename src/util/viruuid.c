/*
 * viruuid.c: UUID parse/format/generate
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "viruuid.h"

/* Accepts 32 hex digits, optionally separated by '-' (as libvirt does),
 * with surrounding whitespace ignored. */
gboolean
virUUIDParse(const char *str, unsigned char *uuid)
{
    size_t i = 0;
    const char *cur = str;

    while (g_ascii_isspace(*cur))
        cur++;
    while (i < VIR_UUID_BUFLEN) {
        int hi, lo;

        if (*cur == '-') {
            cur++;
            continue;
        }
        if ((hi = g_ascii_xdigit_value(cur[0])) < 0 ||
            (lo = g_ascii_xdigit_value(cur[1])) < 0)
            return FALSE;
        uuid[i++] = (hi << 4) | lo;
        cur += 2;
    }
    while (g_ascii_isspace(*cur))
        cur++;
    return *cur == '\0';
}

void
virUUIDFormat(const unsigned char *u, char *str)
{
    snprintf(str, VIR_UUID_STRING_BUFLEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
             u[10], u[11], u[12], u[13], u[14], u[15]);
}

void
virUUIDGenerate(unsigned char *uuid)
{
    g_autofree char *str = g_uuid_string_random();

    if (!virUUIDParse(str, uuid))
        g_assert_not_reached();
}

gboolean
virUUIDIsNull(const unsigned char *uuid)
{
    static const unsigned char zero[VIR_UUID_BUFLEN];

    return memcmp(uuid, zero, VIR_UUID_BUFLEN) == 0;
}
