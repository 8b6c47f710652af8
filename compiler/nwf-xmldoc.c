/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-xmldoc.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>

#include "nwf-diag.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "util.h"
#include "uuid.h"

/* Values echoed into messages are cut to this many bytes. */
#define MAX_ECHO 64

/* Adds a message to the context's diag, about 'value' of attribute 'attr'
 * of 'element' at 'line' (each left out when NULL or 0).  A long value is
 * cut, never in the middle of a UTF-8 sequence. */
void
nwf_xmldoc_report(struct nwf_xmldoc_ctx *ctx, int line, const char *element,
                  const char *attr, const char *value,
                  const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *msg = xvasprintf(format, args);
    va_end(args);

    char *echo = NULL;
    if (value && strlen(value) > MAX_ECHO) {
        size_t len = MAX_ECHO;
        while (len > 0 && ((unsigned char) value[len] & 0xc0) == 0x80) {
            len--;
        }
        echo = xasprintf("%.*s...", (int) len, value);
        value = echo;
    }

    struct nwf_diag_loc loc = {
        .file = ctx->file, .line = line, .element = element,
        .attr = attr, .value = value,
    };
    nwf_diag_error(ctx->diag, &loc, "%s", msg);
    ctx->n_errors++;
    free(echo);
    free(msg);
}

/* ---- Nodes. ---- */

/* The line of 'node', or 0 if unknown. */
int
nwf_xmldoc_line(const xmlNode *node)
{
    long line = xmlGetLineNo(node);
    return line > 0 && line <= INT_MAX ? line : 0;
}

const char *
nwf_xmldoc_name(const xmlNode *node)
{
    return (const char *) node->name;
}

/* Whether 'node' is an element called 'name'. */
bool
nwf_xmldoc_is(const xmlNode *node, const char *name)
{
    return (node->type == XML_ELEMENT_NODE
            && !strcmp(nwf_xmldoc_name(node), name));
}

/* Returns the value of attribute 'name' of 'node', or NULL.  The caller
 * frees it with xmlFree(). */
char *
nwf_xmldoc_prop(const xmlNode *node, const char *name)
{
    return (char *) xmlGetProp(node, (const xmlChar *) name);
}

/* Returns attribute 'name' of 'node', or NULL if it is missing or empty
 * (libvirt reads most attributes through XPath string(), which makes no
 * difference between the two).  The caller frees it with xmlFree(). */
char *
nwf_xmldoc_nonempty_prop(const xmlNode *node, const char *name)
{
    char *s = nwf_xmldoc_prop(node, name);
    if (s && !s[0]) {
        xmlFree(s);
        s = NULL;
    }
    return s;
}

/* Returns the first child element of 'node' called 'name', or NULL. */
const xmlNode *
nwf_xmldoc_child(const xmlNode *node, const char *name)
{
    for (const xmlNode *c = node->children; c; c = c->next) {
        if (nwf_xmldoc_is(c, name)) {
            return c;
        }
    }
    return NULL;
}

/* Returns the text of the first child element of 'node' called 'name', or
 * NULL if there is none or it is empty (as libvirt's XPath
 * "string(./NAME)"), and stores its line in '*linep' if there is one.  The
 * caller frees it with xmlFree(). */
char *
nwf_xmldoc_child_text(const xmlNode *node, const char *name, int *linep)
{
    const xmlNode *c = nwf_xmldoc_child(node, name);
    if (!c) {
        return NULL;
    }
    char *text = (char *) xmlNodeGetContent(c);
    if (linep) {
        *linep = nwf_xmldoc_line(c);
    }
    if (text && !text[0]) {
        xmlFree(text);
        text = NULL;
    }
    return text;
}

/* ---- Input checks and libxml2. ---- */

static size_t
utf8_valid_prefix(const char *s_, size_t len)
{
    const unsigned char *s = (const unsigned char *) s_;
    size_t i = 0;

    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        uint32_t cp;

        if (c == 0) {
            return i;
        } else if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (len - i <= n) {
            return i;
        }
        for (size_t j = 1; j <= n; j++) {
            if ((s[i + j] & 0xc0) != 0x80) {
                return i;
            }
            cp = (cp << 6) | (s[i + j] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)
            || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
            return i;           /* Overlong, surrogate or too large. */
        }
        i += n + 1;
    }
    return len;
}

static int
line_at(const char *buf, size_t offset)
{
    int line = 1;
    for (size_t i = 0; i < offset; i++) {
        line += buf[i] == '\n';
    }
    return line;
}

/* libxml2 reports through here while it parses. */

/* libxml2 reports through here while it parses. */
void
nwf_xmldoc_error_handler(void *ctx_, xmlErrorPtr error)
{
    struct nwf_xmldoc_ctx *ctx = ctx_;

    if (error->level < XML_ERR_ERROR) {
        return;                 /* Warnings do not make input invalid. */
    }

    char *msg = xstrdup(error->message ? error->message : "XML error");
    size_t len = strlen(msg);
    while (len > 0 && isspace((unsigned char) msg[len - 1])) {
        msg[--len] = '\0';
    }
    /* Schema validation errors know their element. */
    const xmlNode *node = error->node;
    const char *element = (node && node->type == XML_ELEMENT_NODE
                           ? nwf_xmldoc_name(node) : NULL);
    int line = (error->line > 0 ? error->line
                : node ? nwf_xmldoc_line(node) : 0);
    nwf_xmldoc_report(ctx, line, element, NULL, NULL, "%s%s",
                      ctx->prefix ? ctx->prefix : "", msg);
    free(msg);
}

/* SAX hook called for <!DOCTYPE ...>: documents with a DTD are refused
 * outright, before any entity is declared, so entity expansion attacks
 * and external subsets never get a chance. */
static void
refuse_dtd(void *ctxt_, const xmlChar *name OVS_UNUSED,
           const xmlChar *external_id OVS_UNUSED,
           const xmlChar *system_id OVS_UNUSED)
{
    xmlParserCtxtPtr ctxt = ctxt_;
    struct nwf_xmldoc_ctx *ctx = ctxt->_private;

    if (!ctx->saw_dtd) {
        ctx->saw_dtd = true;
        nwf_xmldoc_report(ctx, xmlSAX2GetLineNumber(ctxt), NULL, NULL, NULL,
                          "document type declarations (DTDs) and entities "
                          "are not allowed");
    }
    xmlStopParser(ctxt);
}

static bool
check_depth(struct nwf_xmldoc_ctx *ctx, const xmlNode *node, int depth,
            int max_depth)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (depth > max_depth) {
            nwf_xmldoc_report(ctx, nwf_xmldoc_line(node),
                              nwf_xmldoc_name(node), NULL, NULL,
                              "elements are nested deeper than %d levels",
                              max_depth);
            return false;
        }
        if (!check_depth(ctx, node->children, depth + 1, max_depth)) {
            return false;
        }
    }
    return true;
}

/* Parses 'len' bytes at 'buf' into a document, refusing what nwf-xmldoc.h
 * says is refused.  Returns NULL after reporting problems to 'ctx'. */
xmlDocPtr
nwf_xmldoc_parse(struct nwf_xmldoc_ctx *ctx, const char *buf, size_t len)
{
    if (len > NWF_XML_MAX_SIZE) {
        nwf_xmldoc_report(ctx, 0, NULL, NULL, NULL, "input is %"PRIuSIZE
                          " bytes, more than the limit of %d",
                          len, NWF_XML_MAX_SIZE);
        return NULL;
    }

    size_t valid = utf8_valid_prefix(buf, len);
    if (valid < len) {
        nwf_xmldoc_report(ctx, line_at(buf, valid), NULL, NULL, NULL,
                          "%s at byte offset %"PRIuSIZE" (input must be "
                          "UTF-8)", buf[valid] ? "invalid UTF-8"
                          : "NUL character", valid);
        return NULL;
    }

    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        nwf_xmldoc_report(ctx, 0, NULL, NULL, NULL, "out of memory");
        return NULL;
    }
    ctxt->_private = ctx;
    ctxt->sax->internalSubset = refuse_dtd;

    /* No XML_PARSE_NOENT (no entity substitution), no DTD loading, no
     * network; libxml2's own limits stay on (no XML_PARSE_HUGE).  The
     * encoding is forced to UTF-8 whatever the declaration says. */
    int options = XML_PARSE_NONET | XML_PARSE_BIG_LINES;
    unsigned int errors_before = ctx->n_errors;
    xmlSetStructuredErrorFunc(ctx, nwf_xmldoc_error_handler);
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, buf, len, ctx->file, "UTF-8",
                                      options);
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlFreeParserCtxt(ctxt);

    if (doc && (ctx->n_errors > errors_before || ctx->saw_dtd
                || doc->intSubset || doc->extSubset)) {
        if (!ctx->saw_dtd && ctx->n_errors == errors_before) {
            nwf_xmldoc_report(ctx, 0, NULL, NULL, NULL,
                              "DTDs are not allowed");
        }
        xmlFreeDoc(doc);
        return NULL;
    }
    if (!doc) {
        if (ctx->n_errors == errors_before) {
            nwf_xmldoc_report(ctx, 0, NULL, NULL, NULL,
                              "not a well-formed XML document");
        }
        return NULL;
    }

    int max_depth = ctx->max_depth ? ctx->max_depth : NWF_XML_MAX_DEPTH;
    if (!xmlDocGetRootElement(doc)) {
        nwf_xmldoc_report(ctx, 0, NULL, NULL, NULL,
                          "document has no root element");
    } else if (check_depth(ctx, xmlDocGetRootElement(doc), 1, max_depth)) {
        return doc;
    }
    xmlFreeDoc(doc);
    return NULL;
}

/* Reports in 'ctx' every way 'doc' does not match 'schema'. */
void
nwf_xmldoc_validate_schema(struct nwf_xmldoc_ctx *ctx, xmlDocPtr doc,
                           const struct nwf_schema *schema)
{
    unsigned int errors_before = ctx->n_errors;
    xmlRelaxNGValidCtxtPtr vctxt = xmlRelaxNGNewValidCtxt(schema->rng);
    xmlRelaxNGSetValidStructuredErrors(vctxt, nwf_xmldoc_error_handler, ctx);
    ctx->prefix = "schema: ";
    int rc = xmlRelaxNGValidateDoc(vctxt, doc);
    ctx->prefix = NULL;
    xmlRelaxNGFreeValidCtxt(vctxt);

    if (rc && ctx->n_errors == errors_before) {
        nwf_xmldoc_report(ctx, 0, NULL, NULL, NULL,
                          "schema: does not match %s", schema->name);
    }
}

/* ---- Values. ---- */

bool
nwf_xmldoc_parse_uuid(const char *s, struct uuid *uuid)
{
    uint8_t bytes[16];

    while (isspace((unsigned char) *s)) {
        s++;
    }
    for (int i = 0; i < 16; ) {
        if (*s == '-' || *s == ' ') {
            s++;
            continue;
        }
        if (!isxdigit((unsigned char) s[0])
            || !isxdigit((unsigned char) s[1])) {
            return false;
        }
        bytes[i++] = hexit_value(s[0]) * 16 + hexit_value(s[1]);
        s += 2;
    }
    while (isspace((unsigned char) *s)) {
        s++;
    }
    if (*s) {
        return false;
    }

    for (int i = 0; i < 4; i++) {
        uuid->parts[i] = ((uint32_t) bytes[4 * i] << 24
                          | (uint32_t) bytes[4 * i + 1] << 16
                          | (uint32_t) bytes[4 * i + 2] << 8
                          | bytes[4 * i + 3]);
    }
    return true;
}

/* Appends 's' escaped for an attribute value in single quotes, the way
 * libvirt escapes: markup characters become references, tab, newline and
 * carriage return stay, other control characters are dropped. */
void
nwf_xmldoc_put_escaped(struct ds *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = *s;
        switch (c) {
        case '<': ds_put_cstr(out, "&lt;"); break;
        case '>': ds_put_cstr(out, "&gt;"); break;
        case '&': ds_put_cstr(out, "&amp;"); break;
        case '"': ds_put_cstr(out, "&quot;"); break;
        case '\'': ds_put_cstr(out, "&apos;"); break;
        default:
            if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                ds_put_char(out, c);
            }
        }
    }
}
