/*
 * qemu_command_priv.h: helpers shared by the command line builders
 */
#pragma once

#include <json-glib/json-glib.h>

#include "domain_conf.h"

void qemuArgv(GPtrArray *argv, const char *opt, const char *val);
/* a value inside a QEMU "key=value,..." option: commas doubled */
char *qemuOptEscape(const char *value);
void qemuArgvf(GPtrArray *argv, const char *opt, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
JsonBuilder *qemuJSONNew(const char *key, const char *value);
void qemuJSONStr(JsonBuilder *b, const char *key, const char *value);
void qemuJSONInt(JsonBuilder *b, const char *key, gint64 value);
void qemuJSONBool(JsonBuilder *b, const char *key, gboolean value);
void qemuJSONFinish(GPtrArray *argv, const char *opt, JsonBuilder *b);
void qemuJSONAddress(JsonBuilder *b, const virDomainDef *def,
                     const virDomainDeviceInfo *info);
void qemuJSONRom(JsonBuilder *b, const virDomainDeviceInfo *info);

void qemuBuildGraphics(GPtrArray *argv, const virDomainDef *def);
gboolean qemuBuildDevices(GPtrArray *argv, const virDomainDef *def,
                          GHashTable *chrFds, GError **errp);
