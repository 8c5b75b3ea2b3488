/*
 * domain_parse_priv.h: shared helpers of the domain XML parser
 */
#pragma once

#include <libxml/tree.h>

#include "domain_conf.h"
#include "virxml.h"

#define VIR_DOMAIN_TCEVIRT_NS "http://tcevirt.org/schemas/domain/1.0"

/* Memory sizes above this are refused (4 PiB, in KiB) */
#define VIR_DOMAIN_MEMORY_MAX_KIB (1ULL << 42)

gboolean virDomainDevicesParse(xmlNodePtr devices, virDomainDef *def,
                               GError **errp);
gboolean virDomainParseMemoryKiB(xmlNodePtr node, const char *const *attrs,
                                 guint64 *kib, GError **errp);
