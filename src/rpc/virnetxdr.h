/*
 * virnetxdr.h: XDR (RFC 4506) encoding and bounded decoding for libvirt's
 * remote protocol
 *
 * The reader never reads past its buffer and refuses lengths and counts
 * above the limits the caller gives, so a hostile frame costs at most its
 * own size.  After the first error every further read fails too; check
 * once at the end (virXDRReaderFinish also refuses trailing bytes).
 */
#pragma once

#include <glib.h>

/* libvirt's limits (remote_protocol.x) */
#define VIR_NET_STRING_MAX (4 * 1024 * 1024)
#define VIR_NET_MESSAGE_MAX (16 * 1024 * 1024)

typedef struct {
    const guint8 *buf;
    size_t len;
    size_t pos;
    char *error;                    /* the first decoding error */
} virXDRReader;

void virXDRReaderInit(virXDRReader *r, const guint8 *buf, size_t len);
void virXDRReaderClear(virXDRReader *r);
gboolean virXDRReadU32(virXDRReader *r, guint32 *v);
gboolean virXDRReadI32(virXDRReader *r, gint32 *v);
gboolean virXDRReadU64(virXDRReader *r, guint64 *v);
gboolean virXDRReadI64(virXDRReader *r, gint64 *v);
gboolean virXDRReadBool(virXDRReader *r, gboolean *v);
/* A string of at most @max bytes, without NUL bytes inside */
gboolean virXDRReadString(virXDRReader *r, size_t max, char **v);
/* An optional string (XDR pointer): *v NULL when absent */
gboolean virXDRReadOptString(virXDRReader *r, size_t max, char **v);
/* @n bytes, fixed length (no length word) */
gboolean virXDRReadFixed(virXDRReader *r, guint8 *v, size_t n);
/* An array count of at most @max elements */
gboolean virXDRReadCount(virXDRReader *r, guint32 max, guint32 *v);
/* TRUE when every byte was consumed without error; else @error is the
 * reason (also set for trailing bytes) */
gboolean virXDRReaderFinish(virXDRReader *r);

void virXDRWriteU32(GByteArray *w, guint32 v);
void virXDRWriteI32(GByteArray *w, gint32 v);
void virXDRWriteU64(GByteArray *w, guint64 v);
void virXDRWriteI64(GByteArray *w, gint64 v);
void virXDRWriteString(GByteArray *w, const char *v);
void virXDRWriteOptString(GByteArray *w, const char *v);
void virXDRWriteFixed(GByteArray *w, const guint8 *v, size_t n);
