/*
 * domain_validate.h: checks of a parsed definition that need no host
 */
#pragma once

#include "domain_conf.h"

gboolean virDomainDefValidate(const virDomainDef *def, GError **errp);
gboolean virDomainParseCpuList(const char *str, unsigned int max,
                               GError **errp);
/* sorted, unique members of a list like "0-7,^3"; NULL on error */
GArray *virDomainCpuListExpand(const char *str, unsigned int max,
                               GError **errp);
/* "0-2,4" style text for a sorted list */
char *virDomainCpuListFormatRanges(GArray *list, const char *sep);
