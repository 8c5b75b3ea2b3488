/*
 * virnetxdr.c: XDR encoding and bounded decoding
 */
#include <config.h>

#include <string.h>

#include "virnetxdr.h"

void
virXDRReaderInit(virXDRReader *r, const guint8 *buf, size_t len)
{
    r->buf = buf;
    r->len = len;
    r->pos = 0;
    r->error = NULL;
}

void
virXDRReaderClear(virXDRReader *r)
{
    g_clear_pointer(&r->error, g_free);
}

static gboolean G_GNUC_PRINTF(2, 3)
virXDRFail(virXDRReader *r, const char *fmt, ...)
{
    va_list ap;

    if (!r->error) {
        va_start(ap, fmt);
        r->error = g_strdup_vprintf(fmt, ap);
        va_end(ap);
    }
    return FALSE;
}

static const guint8 *
virXDRTake(virXDRReader *r, size_t n, const char *what)
{
    const guint8 *p;

    if (r->error)
        return NULL;
    if (n > r->len - r->pos) {
        virXDRFail(r, "truncated message: %s needs %zu bytes at offset %zu "
                   "of %zu", what, n, r->pos, r->len);
        return NULL;
    }
    p = r->buf + r->pos;
    r->pos += n;
    return p;
}

gboolean
virXDRReadU32(virXDRReader *r, guint32 *v)
{
    const guint8 *p = virXDRTake(r, 4, "an integer");

    if (!p)
        return FALSE;
    *v = ((guint32) p[0] << 24) | ((guint32) p[1] << 16) |
         ((guint32) p[2] << 8) | p[3];
    return TRUE;
}

gboolean
virXDRReadI32(virXDRReader *r, gint32 *v)
{
    guint32 u;

    if (!virXDRReadU32(r, &u))
        return FALSE;
    *v = (gint32) u;
    return TRUE;
}

gboolean
virXDRReadU64(virXDRReader *r, guint64 *v)
{
    guint32 hi, lo;

    if (!virXDRReadU32(r, &hi) || !virXDRReadU32(r, &lo))
        return FALSE;
    *v = ((guint64) hi << 32) | lo;
    return TRUE;
}

gboolean
virXDRReadI64(virXDRReader *r, gint64 *v)
{
    guint64 u;

    if (!virXDRReadU64(r, &u))
        return FALSE;
    *v = (gint64) u;
    return TRUE;
}

gboolean
virXDRReadBool(virXDRReader *r, gboolean *v)
{
    guint32 u;

    if (!virXDRReadU32(r, &u))
        return FALSE;
    if (u > 1)
        return virXDRFail(r, "a boolean is %u, not 0 or 1", u);
    *v = u;
    return TRUE;
}

static size_t
virXDRPad(size_t n)
{
    return (4 - (n & 3)) & 3;
}

gboolean
virXDRReadString(virXDRReader *r, size_t max, char **v)
{
    guint32 n;
    const guint8 *p;

    if (!virXDRReadU32(r, &n))
        return FALSE;
    if (n > max)
        return virXDRFail(r, "a string of %u bytes is longer than the %zu "
                          "allowed", n, max);
    if (!(p = virXDRTake(r, (size_t) n + virXDRPad(n), "a string")))
        return FALSE;
    if (memchr(p, '\0', n))
        return virXDRFail(r, "a string contains a NUL byte");
    *v = g_strndup((const char *) p, n);
    return TRUE;
}

gboolean
virXDRReadOptString(virXDRReader *r, size_t max, char **v)
{
    gboolean present;

    *v = NULL;
    if (!virXDRReadBool(r, &present))
        return FALSE;
    return !present || virXDRReadString(r, max, v);
}

gboolean
virXDRReadFixed(virXDRReader *r, guint8 *v, size_t n)
{
    const guint8 *p = virXDRTake(r, n + virXDRPad(n), "fixed-length data");

    if (!p)
        return FALSE;
    memcpy(v, p, n);
    return TRUE;
}

gboolean
virXDRReadCount(virXDRReader *r, guint32 max, guint32 *v)
{
    if (!virXDRReadU32(r, v))
        return FALSE;
    if (*v > max)
        return virXDRFail(r, "an array of %u elements is longer than the %u "
                          "allowed", *v, max);
    /* every element takes at least 4 bytes */
    if ((guint64) *v * 4 > r->len - r->pos)
        return virXDRFail(r, "an array of %u elements cannot fit in the %zu "
                          "bytes left", *v, r->len - r->pos);
    return TRUE;
}

gboolean
virXDRReaderFinish(virXDRReader *r)
{
    if (r->error)
        return FALSE;
    if (r->pos != r->len)
        return virXDRFail(r, "%zu trailing bytes after the arguments",
                          r->len - r->pos);
    return TRUE;
}

void
virXDRWriteU32(GByteArray *w, guint32 v)
{
    guint8 b[4] = { v >> 24, v >> 16, v >> 8, v };

    g_byte_array_append(w, b, 4);
}

void
virXDRWriteI32(GByteArray *w, gint32 v)
{
    virXDRWriteU32(w, (guint32) v);
}

void
virXDRWriteU64(GByteArray *w, guint64 v)
{
    virXDRWriteU32(w, v >> 32);
    virXDRWriteU32(w, v & 0xffffffffu);
}

void
virXDRWriteI64(GByteArray *w, gint64 v)
{
    virXDRWriteU64(w, (guint64) v);
}

void
virXDRWriteFixed(GByteArray *w, const guint8 *v, size_t n)
{
    static const guint8 zeros[4] = { 0 };

    g_byte_array_append(w, v, n);
    g_byte_array_append(w, zeros, virXDRPad(n));
}

void
virXDRWriteString(GByteArray *w, const char *v)
{
    size_t n = strlen(v);

    virXDRWriteU32(w, n);
    virXDRWriteFixed(w, (const guint8 *) v, n);
}

void
virXDRWriteOptString(GByteArray *w, const char *v)
{
    virXDRWriteU32(w, v != NULL);
    if (v)
        virXDRWriteString(w, v);
}
