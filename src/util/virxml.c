/*
 * virxml.c: strict libxml2 helpers
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "virxml.h"
#include "virerror.h"

static void
virXMLIgnoreError(void *ctx G_GNUC_UNUSED, const char *msg G_GNUC_UNUSED, ...)
{
}

typedef struct {
    char *message;
    int line;
} virXMLFirstError;

/* keeps the first error: the last one is usually a consequence of it */
static void
virXMLCaptureError(void *data, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = data;
    virXMLFirstError *first = ctxt ? ctxt->_private : NULL;

    if (!first || first->message || !err || !err->message ||
        err->level < XML_ERR_ERROR)
        return;
    first->message = g_strchomp(g_strdup(err->message));
    first->line = err->line;
}

xmlDocPtr
virXMLParseString(const char *xml, size_t len, const char *name,
                  GError **errp)
{
    virXMLFirstError first = { NULL, 0 };
    xmlParserCtxtPtr ctxt = NULL;
    xmlDocPtr doc = NULL;

    if (len > VIR_XML_MAX_SIZE) {
        virReportError(errp, VIR_ERR_XML_ERROR,
                       "%s: document is %zu bytes, larger than the %d bytes "
                       "tcevirt accepts for a domain definition",
                       name, len, VIR_XML_MAX_SIZE);
        return NULL;
    }
    if (len > INT_MAX || !(ctxt = xmlNewParserCtxt())) {
        virReportError(errp, VIR_ERR_INTERNAL_ERROR,
                       "%s: cannot allocate an XML parser", name);
        return NULL;
    }
    /* libxml2 reports some errors (encoding) through the thread's generic
     * handler instead of the context: keep them off stderr too */
    xmlSetGenericErrorFunc(NULL, virXMLIgnoreError);
    ctxt->_private = &first;
    ctxt->sax->serror = virXMLCaptureError;
    ctxt->sax->error = virXMLIgnoreError;
    ctxt->sax->warning = virXMLIgnoreError;
    ctxt->vctxt.error = virXMLIgnoreError;
    ctxt->vctxt.warning = virXMLIgnoreError;

    doc = xmlCtxtReadMemory(ctxt, xml, (int) len, name, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOWARNING |
                            XML_PARSE_NOERROR);
    if (!doc || !ctxt->wellFormed) {
        if (!first.message) {
            xmlErrorPtr xerr = xmlCtxtGetLastError(ctxt);
            if (xerr && xerr->message) {
                first.message = g_strchomp(g_strdup(xerr->message));
                first.line = xerr->line;
            }
        }
        if (first.message)
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "%s:%d: malformed XML: %s", name, first.line,
                           first.message);
        else
            virReportError(errp, VIR_ERR_XML_ERROR,
                           "%s: malformed XML document", name);
        g_clear_pointer(&doc, xmlFreeDoc);
    } else if (!xmlDocGetRootElement(doc)) {
        virReportError(errp, VIR_ERR_XML_ERROR,
                       "%s: the document has no root element", name);
        g_clear_pointer(&doc, xmlFreeDoc);
    }
    g_free(first.message);
    ctxt->_private = NULL;
    xmlFreeParserCtxt(ctxt);
    return doc;
}

char *
virXMLNodeLocation(xmlNodePtr node)
{
    const char *url = NULL;

    if (node && node->doc && node->doc->URL)
        url = (const char *) node->doc->URL;
    return g_strdup_printf("%s:%ld", url ? url : "(xml)",
                           node ? xmlGetLineNo(node) : 0L);
}

void
virXMLReportError(GError **errp, xmlNodePtr node, int code,
                  const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;
    g_autofree char *loc = virXMLNodeLocation(node);

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(errp, VIR_ERROR, code, "%s: %s", loc, msg);
}

static gboolean
virXMLListHas(const char *const *list, const char *name)
{
    for (; list && *list; list++) {
        if (g_str_equal(*list, name))
            return TRUE;
    }
    return FALSE;
}

static char *
virXMLListFormat(const char *const *list, const char *open, const char *close)
{
    GString *buf = g_string_new(NULL);

    for (; list && *list; list++) {
        if (buf->len)
            g_string_append(buf, ", ");
        g_string_append_printf(buf, "%s%s%s", open, *list, close);
    }
    if (!buf->len)
        g_string_append(buf, "none");
    return g_string_free(buf, FALSE);
}

gboolean
virXMLCheckElement(xmlNodePtr node,
                   const char *const *attrs,
                   const char *const *children,
                   gboolean text,
                   GError **errp)
{
    xmlAttrPtr attr;
    xmlNodePtr cur;

    for (attr = node->properties; attr; attr = attr->next) {
        const char *aname = (const char *) attr->name;

        if (attr->ns) {
            virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                              "unsupported attribute '%s:%s' on <%s>",
                              (const char *) attr->ns->prefix, aname,
                              (const char *) node->name);
            return FALSE;
        }
        if (!virXMLListHas(attrs, aname)) {
            g_autofree char *known = virXMLListFormat(attrs, "'", "'");
            virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                              "unsupported attribute '%s' on <%s> "
                              "(supported: %s)",
                              aname, (const char *) node->name, known);
            return FALSE;
        }
    }

    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE) {
            if (cur->ns && cur->ns->href) {
                virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                  "unsupported element <%s:%s> in <%s>; "
                                  "namespaced content is only kept inside "
                                  "<metadata>",
                                  cur->ns->prefix ?
                                  (const char *) cur->ns->prefix : "",
                                  (const char *) cur->name,
                                  (const char *) node->name);
                return FALSE;
            }
            if (!virXMLListHas(children, (const char *) cur->name)) {
                g_autofree char *known = virXMLListFormat(children, "<", ">");
                virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                  "unsupported element <%s> in <%s> "
                                  "(supported: %s)",
                                  (const char *) cur->name,
                                  (const char *) node->name, known);
                return FALSE;
            }
        } else if ((cur->type == XML_TEXT_NODE ||
                    cur->type == XML_CDATA_SECTION_NODE) && !text) {
            if (!xmlIsBlankNode(cur)) {
                virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                                  "unexpected text in <%s>",
                                  (const char *) node->name);
                return FALSE;
            }
        }
    }
    return TRUE;
}

gboolean
virXMLChildOnce(xmlNodePtr node, const char *name, xmlNodePtr *child,
                GError **errp)
{
    xmlNodePtr cur;

    *child = NULL;
    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type != XML_ELEMENT_NODE ||
            !g_str_equal((const char *) cur->name, name))
            continue;
        if (*child) {
            virXMLReportError(errp, cur, VIR_ERR_XML_ERROR,
                              "element <%s> may appear only once in <%s>",
                              name, (const char *) node->name);
            return FALSE;
        }
        *child = cur;
    }
    return TRUE;
}

gboolean
virXMLCheckSingletons(xmlNodePtr node, const char *const *names,
                      GError **errp)
{
    xmlNodePtr child;

    for (; names && *names; names++) {
        if (!virXMLChildOnce(node, *names, &child, errp))
            return FALSE;
    }
    return TRUE;
}

xmlNodePtr
virXMLChild(xmlNodePtr node, const char *name)
{
    xmlNodePtr cur;

    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE &&
            g_str_equal((const char *) cur->name, name))
            return cur;
    }
    return NULL;
}

char *
virXMLPropString(xmlNodePtr node, const char *name)
{
    xmlChar *prop = xmlGetNoNsProp(node, BAD_CAST name);
    char *ret;

    if (!prop)
        return NULL;
    ret = g_strdup((const char *) prop);
    xmlFree(prop);
    return ret;
}

char *
virXMLNodeText(xmlNodePtr node)
{
    xmlChar *content = xmlNodeGetContent(node);
    char *ret;

    if (!content)
        return g_strdup("");
    ret = g_strstrip(g_strdup((const char *) content));
    xmlFree(content);
    return ret;
}

gboolean
virXMLParseUInt64(xmlNodePtr node, const char *what, const char *str,
                  int base, guint64 max, guint64 *val, GError **errp)
{
    guint64 v;
    char *end = NULL;

    if (!str || !*str || !g_ascii_isdigit(*str)) {
        virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                          "invalid %s '%s' in <%s>: expected a non-negative "
                          "integer", what, str ? str : "",
                          (const char *) node->name);
        return FALSE;
    }
    errno = 0;
    v = g_ascii_strtoull(str, &end, base);
    if (errno == ERANGE || v > max) {
        virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                          "%s '%s' in <%s> is out of range (maximum %"
                          G_GUINT64_FORMAT ")", what, str,
                          (const char *) node->name, max);
        return FALSE;
    }
    if (errno || !end || *end) {
        virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                          "invalid %s '%s' in <%s>: expected a %s integer",
                          what, str, (const char *) node->name,
                          base == 10 ? "decimal" :
                          base == 16 ? "hexadecimal" :
                          "decimal or 0x-prefixed hexadecimal");
        return FALSE;
    }
    *val = v;
    return TRUE;
}

gboolean
virXMLPropUInt(xmlNodePtr node, const char *name, int base,
               unsigned int max, gboolean required,
               unsigned int *val, gboolean *present, GError **errp)
{
    g_autofree char *str = virXMLPropString(node, name);
    g_autofree char *what = g_strdup_printf("value of attribute '%s'", name);
    guint64 v;

    if (present)
        *present = str != NULL;
    if (!str) {
        if (required) {
            virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                              "missing attribute '%s' in <%s>",
                              name, (const char *) node->name);
            return FALSE;
        }
        return TRUE;
    }
    if (!virXMLParseUInt64(node, what, str, base, max, &v, errp))
        return FALSE;
    *val = (unsigned int) v;
    return TRUE;
}

gboolean
virXMLPropULL(xmlNodePtr node, const char *name, int base,
              gboolean required, guint64 *val, gboolean *present,
              GError **errp)
{
    g_autofree char *str = virXMLPropString(node, name);
    g_autofree char *what = g_strdup_printf("value of attribute '%s'", name);

    if (present)
        *present = str != NULL;
    if (!str) {
        if (required) {
            virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                              "missing attribute '%s' in <%s>",
                              name, (const char *) node->name);
            return FALSE;
        }
        return TRUE;
    }
    return virXMLParseUInt64(node, what, str, base, G_MAXUINT64, val, errp);
}

gboolean
virXMLNodeTextUInt(xmlNodePtr node, unsigned int max, unsigned int *val,
                   GError **errp)
{
    g_autofree char *str = virXMLNodeText(node);
    guint64 v;

    if (!virXMLParseUInt64(node, "value", str, 10, max, &v, errp))
        return FALSE;
    *val = (unsigned int) v;
    return TRUE;
}

gboolean
virXMLPropEnumImpl(xmlNodePtr node, const char *name,
                   int (*fromString)(const char *),
                   const char *const *list, size_t n,
                   gboolean allowFirst, gboolean required,
                   int *val, GError **errp)
{
    g_autofree char *str = virXMLPropString(node, name);
    int v;

    if (!str) {
        if (required) {
            virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                              "missing attribute '%s' in <%s>",
                              name, (const char *) node->name);
            return FALSE;
        }
        return TRUE;
    }
    v = fromString(str);
    if (v < 0 || (v == 0 && !allowFirst)) {
        g_autofree char *known = virEnumListValues(list, n, allowFirst ? 0 : 1);
        virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                          "invalid value '%s' for attribute '%s' of <%s> "
                          "(expected %s)", str, name,
                          (const char *) node->name, known);
        return FALSE;
    }
    *val = v;
    return TRUE;
}

static const struct {
    const char *unit;
    guint64 scale;
} virScaleUnits[] = {
    { "b", 1 }, { "bytes", 1 },
    { "KB", 1000ULL }, { "k", 1024ULL }, { "K", 1024ULL }, { "KiB", 1024ULL },
    { "MB", 1000ULL * 1000 }, { "m", 1ULL << 20 }, { "M", 1ULL << 20 },
    { "MiB", 1ULL << 20 },
    { "GB", 1000ULL * 1000 * 1000 }, { "g", 1ULL << 30 }, { "G", 1ULL << 30 },
    { "GiB", 1ULL << 30 },
    { "TB", 1000ULL * 1000 * 1000 * 1000 }, { "t", 1ULL << 40 },
    { "T", 1ULL << 40 }, { "TiB", 1ULL << 40 },
    { "PB", 1000ULL * 1000 * 1000 * 1000 * 1000 }, { "p", 1ULL << 50 },
    { "P", 1ULL << 50 }, { "PiB", 1ULL << 50 },
    { "EB", 1000ULL * 1000 * 1000 * 1000 * 1000 * 1000 }, { "e", 1ULL << 60 },
    { "E", 1ULL << 60 }, { "EiB", 1ULL << 60 },
};

gboolean
virScaleUnit(const char *unit, guint64 *scale)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(virScaleUnits); i++) {
        if (g_str_equal(virScaleUnits[i].unit, unit)) {
            *scale = virScaleUnits[i].scale;
            return TRUE;
        }
    }
    return FALSE;
}

gboolean
virXMLParseScaledInteger(xmlNodePtr node, const char *defaultUnit,
                         guint64 *bytes, GError **errp)
{
    g_autofree char *unit = virXMLPropString(node, "unit");
    g_autofree char *text = virXMLNodeText(node);
    guint64 scale;
    guint64 v;

    if (!virScaleUnit(unit ? unit : defaultUnit, &scale)) {
        virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                          "unknown unit '%s' in <%s> (use b, KiB, MiB, GiB, "
                          "TiB, PiB, EiB, KB, MB, GB, TB, PB or EB)",
                          unit, (const char *) node->name);
        return FALSE;
    }
    if (!virXMLParseUInt64(node, "value", text, 10, G_MAXUINT64, &v, errp))
        return FALSE;
    if (v > G_MAXUINT64 / scale) {
        virXMLReportError(errp, node, VIR_ERR_XML_ERROR,
                          "value '%s %s' in <%s> is too large",
                          text, unit ? unit : defaultUnit,
                          (const char *) node->name);
        return FALSE;
    }
    *bytes = v * scale;
    return TRUE;
}

void
virXMLFormatEscaped(GString *buf, const char *str)
{
    for (; *str; str++) {
        switch (*str) {
        case '<': g_string_append(buf, "&lt;"); break;
        case '>': g_string_append(buf, "&gt;"); break;
        case '&': g_string_append(buf, "&amp;"); break;
        case '"': g_string_append(buf, "&quot;"); break;
        case '\'': g_string_append(buf, "&apos;"); break;
        default: g_string_append_c(buf, *str); break;
        }
    }
}

void
virXMLFormatAttr(GString *buf, const char *name, const char *value)
{
    if (!value)
        return;
    g_string_append_printf(buf, " %s='", name);
    virXMLFormatEscaped(buf, value);
    g_string_append_c(buf, '\'');
}

void
virXMLIndent(GString *buf, int level)
{
    g_string_append_printf(buf, "%*s", level * 2, "");
}
