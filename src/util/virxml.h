/*
 * virxml.h: strict libxml2 helpers; every error names file, line and element
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

#include "virenum.h"

/* NULL-terminated list literal for the allowed attributes/children */
#define VIR_XML_LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define VIR_XML_NONE ((const char *const[]){ NULL })

/* Largest document tcevirt reads (virsh uses the same bound) */
#define VIR_XML_MAX_SIZE (10 * 1024 * 1024)

typedef gboolean (*virXMLParseNodeFunc)(xmlNodePtr root, void *opaque,
                                        GError **errp);

xmlDocPtr virXMLParseString(const char *xml, size_t len, const char *name,
                            GError **errp);

char *virXMLNodeLocation(xmlNodePtr node);
void virXMLReportError(GError **errp, xmlNodePtr node, int code,
                       const char *fmt, ...) G_GNUC_PRINTF(4, 5);

gboolean virXMLCheckElement(xmlNodePtr node,
                            const char *const *attrs,
                            const char *const *children,
                            gboolean text,
                            GError **errp);
gboolean virXMLChildOnce(xmlNodePtr node, const char *name,
                         xmlNodePtr *child, GError **errp);
gboolean virXMLCheckSingletons(xmlNodePtr node, const char *const *names,
                               GError **errp);
xmlNodePtr virXMLChild(xmlNodePtr node, const char *name);
#define VIR_XML_FOREACH_CHILD(node, cur) \
    for (cur = (node)->children; cur; cur = cur->next) \
        if (cur->type == XML_ELEMENT_NODE)
#define VIR_XML_IS(cur, str) g_str_equal((const char *) (cur)->name, (str))

char *virXMLPropString(xmlNodePtr node, const char *name);
char *virXMLNodeText(xmlNodePtr node);

gboolean virXMLParseUInt64(xmlNodePtr node, const char *what, const char *str,
                           int base, guint64 max, guint64 *val,
                           GError **errp);
gboolean virXMLPropUInt(xmlNodePtr node, const char *name, int base,
                        unsigned int max, gboolean required,
                        unsigned int *val, gboolean *present, GError **errp);
gboolean virXMLPropULL(xmlNodePtr node, const char *name, int base,
                       gboolean required, guint64 *val, gboolean *present,
                       GError **errp);
gboolean virXMLNodeTextUInt(xmlNodePtr node, unsigned int max,
                            unsigned int *val, GError **errp);
gboolean virXMLPropEnumImpl(xmlNodePtr node, const char *name,
                            int (*fromString)(const char *),
                            const char *const *list, size_t n,
                            gboolean allowFirst, gboolean required,
                            int *val, GError **errp);
#define virXMLPropEnum(node, name, type, allowFirst, required, val, errp) \
    virXMLPropEnumImpl(node, name, type##TypeFromString, \
                       type##TypeList, type##TypeListLen, \
                       allowFirst, required, val, errp)

gboolean virXMLParseScaledInteger(xmlNodePtr node, const char *defaultUnit,
                                  guint64 *bytes, GError **errp);
gboolean virScaleUnit(const char *unit, guint64 *scale);

void virXMLFormatEscaped(GString *buf, const char *str);
void virXMLFormatAttr(GString *buf, const char *name, const char *value);
void virXMLIndent(GString *buf, int level);
