/*
 * virnetmessage.c: frames of libvirt's remote protocol
 */
#include <config.h>

#include "virerror.h"
#include "virnetmessage.h"

/* virErrorLevel VIR_ERR_ERROR */
#define VIR_NET_ERROR_LEVEL 2

gboolean
virNetMessageFrameLength(const guint8 len[4], guint32 *frameLen,
                         GError **errp)
{
    guint32 n = ((guint32) len[0] << 24) | ((guint32) len[1] << 16) |
                ((guint32) len[2] << 8) | len[3];

    if (n < VIR_NET_FRAME_MIN || n > VIR_NET_MESSAGE_MAX) {
        virReportError(errp, VIR_ERR_RPC,
                       "a frame of %u bytes is outside the protocol's "
                       "%d to %d bytes", n, VIR_NET_FRAME_MIN,
                       VIR_NET_MESSAGE_MAX);
        return FALSE;
    }
    *frameLen = n;
    return TRUE;
}

gboolean
virNetMessageDecodeHeader(const guint8 *frame, size_t len,
                          virNetMessageHeader *hdr,
                          const guint8 **body, size_t *bodyLen)
{
    virXDRReader r;
    gboolean ok;

    if (len < VIR_NET_FRAME_MIN)
        return FALSE;
    virXDRReaderInit(&r, frame + VIR_NET_LEN_SIZE, VIR_NET_HEADER_SIZE);
    ok = virXDRReadU32(&r, &hdr->prog) &&
         virXDRReadU32(&r, &hdr->vers) &&
         virXDRReadI32(&r, &hdr->proc) &&
         virXDRReadI32(&r, &hdr->type) &&
         virXDRReadU32(&r, &hdr->serial) &&
         virXDRReadI32(&r, &hdr->status);
    virXDRReaderClear(&r);
    *body = frame + VIR_NET_FRAME_MIN;
    *bodyLen = len - VIR_NET_FRAME_MIN;
    return ok;
}

GByteArray *
virNetMessageNew(const virNetMessageHeader *hdr)
{
    GByteArray *msg = g_byte_array_sized_new(256);

    virXDRWriteU32(msg, 0);           /* the length, set by Finish */
    virXDRWriteU32(msg, hdr->prog);
    virXDRWriteU32(msg, hdr->vers);
    virXDRWriteI32(msg, hdr->proc);
    virXDRWriteI32(msg, hdr->type);
    virXDRWriteU32(msg, hdr->serial);
    virXDRWriteI32(msg, hdr->status);
    return msg;
}

gboolean
virNetMessageFinish(GByteArray *msg)
{
    guint32 n = msg->len;

    if (msg->len > VIR_NET_MESSAGE_MAX)
        return FALSE;
    msg->data[0] = n >> 24;
    msg->data[1] = n >> 16;
    msg->data[2] = n >> 8;
    msg->data[3] = n;
    return TRUE;
}

virNetMessageHeader
virNetMessageReplyHeader(const virNetMessageHeader *call,
                         virNetMessageStatus status)
{
    virNetMessageHeader h = *call;

    h.type = call->type == VIR_NET_CALL_WITH_FDS ? VIR_NET_REPLY_WITH_FDS
                                                 : VIR_NET_REPLY;
    h.status = status;
    return h;
}

GByteArray *
virNetMessageErrorReply(const virNetMessageHeader *call, int code,
                        int domain, const char *message)
{
    virNetMessageHeader h = virNetMessageReplyHeader(call, VIR_NET_ERROR);
    GByteArray *msg = virNetMessageNew(&h);
    g_autofree char *text = NULL;

    /* a message that would not fit is cut, never dropped */
    if (strlen(message) > 64 * 1024)
        message = text = g_strndup(message, 64 * 1024);
    virXDRWriteI32(msg, code);
    virXDRWriteI32(msg, domain);
    virXDRWriteOptString(msg, message);
    virXDRWriteI32(msg, VIR_NET_ERROR_LEVEL);
    virXDRWriteU32(msg, 0);           /* dom: absent */
    virXDRWriteOptString(msg, NULL);      /* str1 */
    virXDRWriteOptString(msg, NULL);      /* str2 */
    virXDRWriteOptString(msg, NULL);      /* str3 */
    virXDRWriteI32(msg, 0);           /* int1 */
    virXDRWriteI32(msg, 0);           /* int2 */
    virXDRWriteU32(msg, 0);           /* net: absent */
    virNetMessageFinish(msg);
    return msg;
}
