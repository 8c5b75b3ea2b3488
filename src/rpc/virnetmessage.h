/*
 * virnetmessage.h: frames of libvirt's remote protocol
 *
 * A frame is a 4-byte big-endian length (counting itself), a 24-byte
 * header and an XDR body.
 */
#pragma once

#include <glib.h>

#include "virnetxdr.h"

#define VIR_NET_PROGRAM_REMOTE 0x20008086u
#define VIR_NET_PROGRAM_REMOTE_VERSION 1
#define VIR_NET_PROGRAM_KEEPALIVE 0x6b656570u
#define VIR_NET_PROGRAM_KEEPALIVE_VERSION 1
#define VIR_NET_KEEPALIVE_PING 1
#define VIR_NET_KEEPALIVE_PONG 2

#define VIR_NET_LEN_SIZE 4
#define VIR_NET_HEADER_SIZE 24
#define VIR_NET_FRAME_MIN (VIR_NET_LEN_SIZE + VIR_NET_HEADER_SIZE)

typedef enum {
    VIR_NET_CALL = 0,
    VIR_NET_REPLY = 1,
    VIR_NET_MESSAGE = 2,
    VIR_NET_STREAM = 3,
    VIR_NET_CALL_WITH_FDS = 4,
    VIR_NET_REPLY_WITH_FDS = 5,
} virNetMessageType;

typedef enum {
    VIR_NET_OK = 0,
    VIR_NET_ERROR = 1,
    VIR_NET_CONTINUE = 2,
} virNetMessageStatus;

typedef struct {
    guint32 prog;
    guint32 vers;
    gint32 proc;
    gint32 type;
    guint32 serial;
    gint32 status;
} virNetMessageHeader;

/* The frame length announced by the first 4 bytes; FALSE (with @errp)
 * when it is below the header size or above VIR_NET_MESSAGE_MAX */
gboolean virNetMessageFrameLength(const guint8 len[4], guint32 *frameLen,
                                  GError **errp);

/* Decodes the header of a whole frame (length word included); @body and
 * @bodyLen point into @frame */
gboolean virNetMessageDecodeHeader(const guint8 *frame, size_t len,
                                   virNetMessageHeader *hdr,
                                   const guint8 **body, size_t *bodyLen);

/* A new frame with @hdr: append the body, then virNetMessageFinish() */
GByteArray *virNetMessageNew(const virNetMessageHeader *hdr);
/* Writes the length word; FALSE when the frame is too big to send */
gboolean virNetMessageFinish(GByteArray *msg);

/* The reply header for @call with @status */
virNetMessageHeader virNetMessageReplyHeader(const virNetMessageHeader *call,
                                             virNetMessageStatus status);

/* An error reply to @call (libvirt's remote_error body): error @code in
 * error domain @domain with @message */
GByteArray *virNetMessageErrorReply(const virNetMessageHeader *call, int code,
                                    int domain, const char *message);
