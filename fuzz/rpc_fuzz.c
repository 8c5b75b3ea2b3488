/*
 * rpc_fuzz.c: libFuzzer target for tcevirtd's frame and XDR decoding
 *
 * The input is a byte stream as a client would send it: frames are cut
 * by their length word (virNetMessageFrameLength), their headers decoded
 * (virNetMessageDecodeHeader), and each body checked against its
 * procedure's argument layout with remoteArgsCheck(), the function
 * tcevirtd runs on every call before its dispatcher.  Decoding has no
 * side effects, so the fuzzer may run it millions of times; the
 * dispatchers themselves are driven by tests/tcevirtdwiretest.py.
 */
#include <config.h>

#include <stdint.h>

#include "remote_daemon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t pos = 0;

    while (size - pos >= VIR_NET_LEN_SIZE) {
        virNetMessageHeader hdr;
        const guint8 *body;
        size_t bodyLen;
        guint32 frameLen;
        GError *err = NULL;

        if (!virNetMessageFrameLength(data + pos, &frameLen, &err)) {
            g_error_free(err);
            break;                  /* tcevirtd closes the connection */
        }
        if (frameLen > size - pos)
            break;                  /* the rest never arrived */
        if (virNetMessageDecodeHeader(data + pos, frameLen, &hdr, &body,
                                      &bodyLen)) {
            g_autofree char *why = NULL;

            remoteArgsCheck(hdr.proc, body, bodyLen, &why);
        }
        pos += frameLen;
    }
    return 0;
}
