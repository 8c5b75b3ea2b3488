/*
 * domain_validate.h: checks of a parsed definition that need no host
 */
#pragma once

#include "domain_conf.h"

gboolean virDomainDefValidate(const virDomainDef *def, GError **errp);
gboolean virDomainParseCpuList(const char *str, unsigned int max,
                               GError **errp);
