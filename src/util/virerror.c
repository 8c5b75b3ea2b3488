/*
 * virerror.c: error reporting helpers
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "virerror.h"

GQuark
virErrorQuark(void)
{
    return g_quark_from_static_string("tcevirt-error-quark");
}

void
virReportSystemError(GError **errp, int errnum, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(errp, VIR_ERROR, VIR_ERR_SYSTEM_ERROR, "%s: %s",
                msg, g_strerror(errnum));
}

const char *
virErrorCodeDescription(int code)
{
    switch ((virErrorNumber) code) {
    case VIR_ERR_XML_ERROR:
    case VIR_ERR_XML_DETAIL:
        return "XML error";
    case VIR_ERR_CONFIG_UNSUPPORTED:
        return "unsupported configuration";
    case VIR_ERR_OPERATION_INVALID:
        return "Requested operation is not valid";
    case VIR_ERR_OPERATION_FAILED:
        return "operation failed";
    case VIR_ERR_INVALID_ARG:
        return "invalid argument";
    case VIR_ERR_NO_DOMAIN:
        return "Domain not found";
    case VIR_ERR_NO_NODE_DEVICE:
        return "Node device not found";
    case VIR_ERR_SYSTEM_ERROR:
    case VIR_ERR_OPEN_FAILED:
    case VIR_ERR_READ_FAILED:
    case VIR_ERR_WRITE_FAILED:
        return "system error";
    case VIR_ERR_RESOURCE_BUSY:
        return "resource busy";
    case VIR_ERR_DEVICE_MISSING:
        return "device not found";
    case VIR_ERR_OPERATION_TIMEOUT:
        return "Timed out during operation";
    case VIR_ERR_DOM_EXIST:
        return "operation failed";
    case VIR_ERR_OPERATION_DENIED:
        return "operation forbidden";
    case VIR_ERR_INVALID_MAC:
        return "invalid MAC address";
    case VIR_ERR_NO_SUPPORT:
        return "this function is not supported by the connection driver";
    case VIR_ERR_RPC:
        return "RPC error";
    case VIR_ERR_AUTH_FAILED:
        return "authentication failed";
    case VIR_ERR_ARGUMENT_UNSUPPORTED:
        return "argument unsupported";
    case VIR_ERR_OPERATION_UNSUPPORTED:
        return "Operation not supported";
    case VIR_ERR_INTERNAL_ERROR:
    case VIR_ERR_OK:
        break;
    }
    return "internal error";
}

void
virWarningAdd(GPtrArray *warnings, const char *fmt, ...)
{
    va_list ap;

    if (!warnings)
        return;
    va_start(ap, fmt);
    g_ptr_array_add(warnings, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}
