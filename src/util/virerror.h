/*
 * virerror.h: error reporting with GError, codes matching libvirt's VIR_ERR_*
 */
#pragma once

#include <glib.h>

#define VIR_ERROR (virErrorQuark())
GQuark virErrorQuark(void);

/* The values are libvirt's (include/libvirt/virterror.h), so tools that
 * branch on libvirt error codes see the same numbers. */
typedef enum {
    VIR_ERR_OK = 0,
    VIR_ERR_INTERNAL_ERROR = 1,
    VIR_ERR_NO_SUPPORT = 3,
    VIR_ERR_INVALID_ARG = 8,
    VIR_ERR_OPERATION_FAILED = 9,
    VIR_ERR_XML_ERROR = 27,
    VIR_ERR_DOM_EXIST = 28,
    VIR_ERR_OPERATION_DENIED = 29,
    VIR_ERR_OPEN_FAILED = 30,
    VIR_ERR_READ_FAILED = 31,
    VIR_ERR_WRITE_FAILED = 34,
    VIR_ERR_XML_DETAIL = 35,
    VIR_ERR_SYSTEM_ERROR = 38,
    VIR_ERR_RPC = 39,
    VIR_ERR_NO_DOMAIN = 42,
    VIR_ERR_INVALID_MAC = 44,
    VIR_ERR_AUTH_FAILED = 45,
    VIR_ERR_NO_NODE_DEVICE = 53,
    VIR_ERR_OPERATION_INVALID = 55,
    VIR_ERR_CONFIG_UNSUPPORTED = 67,
    VIR_ERR_OPERATION_TIMEOUT = 68,
    VIR_ERR_ARGUMENT_UNSUPPORTED = 74,
    VIR_ERR_OPERATION_UNSUPPORTED = 84,
    VIR_ERR_RESOURCE_BUSY = 87,
    VIR_ERR_DEVICE_MISSING = 99,
} virErrorNumber;

#define virReportError(errp, code, ...) \
    g_set_error((errp), VIR_ERROR, (code), __VA_ARGS__)

void virReportSystemError(GError **errp, int errnum, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

const char *virErrorCodeDescription(int code);

/* Warnings collected while processing a definition; NULL means "ignore" */
void virWarningAdd(GPtrArray *warnings, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
