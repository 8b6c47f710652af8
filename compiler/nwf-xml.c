/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-xml.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-proto.h"
#include "nwf-vars.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "openvswitch/util.h"
#include "svec.h"
#include "util.h"
#include "uuid.h"

/* Where the parser follows libvirt's C parser rather than its schema, and
 * silently accepts or drops things (for docs/filter-format.md):
 *
 *   - Unknown attributes on <filter>, <rule>, protocol elements and
 *     <filterref> are ignored, e.g. srcmacmask on <tcp> or "srcporttend".
 *   - Unknown child elements of <filter> and <rule> are ignored.  A rule
 *     whose children include no protocol element is a rule without
 *     protocol, which matches every frame in its filter's chain.
 *   - In a rule, the first protocol element decides the protocol; later
 *     elements of the same name are merged into it (later values win),
 *     elements of other protocols are ignored.
 *   - match='no' negates only for the exact string "no".
 *   - Masks, range ends and "-hi" values take over the negation of another
 *     attribute (struct nwf_attr_desc's neg_from), as libvirt's fix-up does,
 *     including its quirk that dstportstart/dstportend of tcp, udp, sctp
 *     (and -ipv6) follow srcportstart: <tcp match='no' dstportstart='22'/>
 *     without srcportstart means port 22, not "not 22".
 *   - ipset without ipsetflags gets flags "src".
 *   - A rule priority outside -1000..1000 becomes 500.
 *   - statematch other than "0" or "false" (any case) keeps state matching.
 *   - gratuitous other than "true", "1" or "yes" is false.
 *   - comment is cut to 256 bytes.
 *   - A filter priority given without a chain is dropped.  Empty name,
 *     chain and priority attributes of <filter> count as absent.
 *   - An empty <uuid> counts as absent (a UUID is generated).
 *   - <parameter> elements of a <filterref> with a missing or invalid name
 *     or value are dropped.
 *
 * Where we deliberately differ from libvirt 11.3.0's parser:
 *   - dstipto in the IPv6 elements is an IPv6 address (libvirt parses it
 *     as IPv4, which ip6tables would then reject).
 *   - Ports in <ip>/<ipv6> are checked against protocol once all elements
 *     of the rule are merged (libvirt checks after each element).
 *   - Numbers must not be negative (libvirt wraps "-1" of a 32-bit value
 *     to 4294967295).  A MAC address may be followed only by white space
 *     (libvirt ignores anything after white space).
 *   - A variable reference may be followed only by white space after its
 *     ']' (libvirt ignores the rest), and "$" alone is an error.
 *   - A comment is never cut in the middle of a UTF-8 sequence.
 *   - <filterref filter=''> is an error.
 *   - "rootx" as chain gets an error message (libvirt fails silently).
 *   - All errors in a document are reported, not only the first.
 *   - Hardening: no DTD, no entities, at most NWF_XML_MAX_SIZE bytes and
 *     NWF_XML_MAX_DEPTH levels of elements, UTF-8 only. */

/* State of one parse. */
struct parse_ctx {
    const char *file;           /* Name for messages. */
    struct nwf_diag *diag;
    unsigned int n_errors;      /* Errors added by this parse. */
    bool saw_dtd;
    const char *prefix;         /* For libxml2's messages, or NULL. */
};

/* Values echoed into messages are cut to this many bytes. */
#define MAX_ECHO 64

static void OVS_PRINTF_FORMAT(6, 7)
report(struct parse_ctx *ctx, int line, const char *element,
       const char *attr, const char *value, const char *format, ...)
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

static int
node_line(const xmlNode *node)
{
    long line = xmlGetLineNo(node);
    return line > 0 && line <= INT_MAX ? line : 0;
}

static const char *
node_name(const xmlNode *node)
{
    return (const char *) node->name;
}

static bool
node_is(const xmlNode *node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && !strcmp(node_name(node), name);
}

/* Returns the value of attribute 'name' of 'node', or NULL.  The caller
 * frees it with xmlFree(). */
static char *
get_prop(const xmlNode *node, const char *name)
{
    return (char *) xmlGetProp(node, (const xmlChar *) name);
}

/* ---- Input checks and libxml2. ---- */

/* Returns the length of the longest prefix of 's' that is valid UTF-8
 * without NUL characters (so 'len' if all of it is). */
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
static void
xml_error_handler(void *ctx_, xmlErrorPtr error)
{
    struct parse_ctx *ctx = ctx_;

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
                           ? node_name(node) : NULL);
    int line = error->line > 0 ? error->line : node ? node_line(node) : 0;
    report(ctx, line, element, NULL, NULL, "%s%s",
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
    struct parse_ctx *ctx = ctxt->_private;

    if (!ctx->saw_dtd) {
        ctx->saw_dtd = true;
        report(ctx, xmlSAX2GetLineNumber(ctxt), NULL, NULL, NULL,
               "document type declarations (DTDs) and entities are not "
               "allowed");
    }
    xmlStopParser(ctxt);
}

static bool
check_depth(struct parse_ctx *ctx, const xmlNode *node, int depth)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (depth > NWF_XML_MAX_DEPTH) {
            report(ctx, node_line(node), node_name(node), NULL, NULL,
                   "elements are nested deeper than %d levels",
                   NWF_XML_MAX_DEPTH);
            return false;
        }
        if (!check_depth(ctx, node->children, depth + 1)) {
            return false;
        }
    }
    return true;
}

/* Parses 'len' bytes at 'buf' into a document, refusing what nwf-xml.h
 * says is refused.  Returns NULL after reporting problems to 'ctx'. */
static xmlDocPtr
parse_document(struct parse_ctx *ctx, const char *buf, size_t len)
{
    if (len > NWF_XML_MAX_SIZE) {
        report(ctx, 0, NULL, NULL, NULL,
               "input is %"PRIuSIZE" bytes, more than the limit of %d",
               len, NWF_XML_MAX_SIZE);
        return NULL;
    }

    size_t valid = utf8_valid_prefix(buf, len);
    if (valid < len) {
        report(ctx, line_at(buf, valid), NULL, NULL, NULL,
               "%s at byte offset %"PRIuSIZE" (input must be UTF-8)",
               buf[valid] ? "invalid UTF-8" : "NUL character", valid);
        return NULL;
    }

    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        report(ctx, 0, NULL, NULL, NULL, "out of memory");
        return NULL;
    }
    ctxt->_private = ctx;
    ctxt->sax->internalSubset = refuse_dtd;

    /* No XML_PARSE_NOENT (no entity substitution), no DTD loading, no
     * network; libxml2's own limits stay on (no XML_PARSE_HUGE).  The
     * encoding is forced to UTF-8 whatever the declaration says. */
    int options = XML_PARSE_NONET | XML_PARSE_BIG_LINES;
    unsigned int errors_before = ctx->n_errors;
    xmlSetStructuredErrorFunc(ctx, xml_error_handler);
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, buf, len, ctx->file, "UTF-8",
                                      options);
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlFreeParserCtxt(ctxt);

    if (doc && (ctx->n_errors > errors_before || ctx->saw_dtd
                || doc->intSubset || doc->extSubset)) {
        if (!ctx->saw_dtd && ctx->n_errors == errors_before) {
            report(ctx, 0, NULL, NULL, NULL, "DTDs are not allowed");
        }
        xmlFreeDoc(doc);
        return NULL;
    }
    if (!doc) {
        if (ctx->n_errors == errors_before) {
            report(ctx, 0, NULL, NULL, NULL, "not a well-formed XML "
                   "document");
        }
        return NULL;
    }

    if (!check_depth(ctx, xmlDocGetRootElement(doc), 1)) {
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

/* Reads all of 'file_name' into a malloc()ed buffer, up to one byte more
 * than the size limit (so that parse_document() can refuse it). */
static char *
read_file(struct parse_ctx *ctx, const char *file_name, size_t *lenp)
{
    FILE *stream = fopen(file_name, "rb");
    if (!stream) {
        report(ctx, 0, NULL, NULL, NULL, "cannot open: %s",
               ovs_strerror(errno));
        return NULL;
    }

    size_t cap = NWF_XML_MAX_SIZE + 1;
    char *buf = xmalloc(cap);
    size_t len = fread(buf, 1, cap, stream);
    bool failed = ferror(stream);
    fclose(stream);
    if (failed) {
        report(ctx, 0, NULL, NULL, NULL, "read error");
        free(buf);
        return NULL;
    }
    *lenp = len;
    return buf;
}

/* ---- The filter language. ---- */

static bool
parse_int(const char *s, int *valuep)
{
    char *end;
    errno = 0;
    long value = strtol(s, &end, 10);
    if (errno || end == s || *end || value < INT_MIN || value > INT_MAX) {
        return false;
    }
    *valuep = value;
    return true;
}

/* UUIDs are read as libvirt reads them: 32 hex digits, with '-' and ' '
 * allowed between pairs of digits and white space around. */
static bool
parse_uuid(const char *s, struct uuid *uuid)
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

/* Parses the attributes of one protocol element 'node' into 'rule'. */
static void
parse_proto_element(struct parse_ctx *ctx, const xmlNode *node,
                    struct nwf_rule *rule)
{
    const struct nwf_proto *proto = rule->proto;
    char *match = get_prop(node, "match");
    bool negated = match && !strcmp(match, "no");
    xmlFree(match);

    for (size_t i = 0; i < proto->n_attrs; i++) {
        const struct nwf_attr_desc *desc = &proto->attrs[i];
        char *text = get_prop(node, desc->name);
        if (!text) {
            continue;
        }

        struct nwf_rule_attr attr = { .present = true, .negated = negated };
        char *error;
        if (text[0] == '$') {
            attr.is_var = true;
            error = nwf_var_access_parse(text, &attr.var);
        } else {
            error = nwf_value_parse(desc, text, &attr.value);
        }

        if (error) {
            report(ctx, node_line(node), proto->name, desc->name, text,
                   "%s", error);
            free(error);
            if (!attr.is_var) {
                nwf_value_destroy(desc, &attr.value);
            }
        } else {
            nwf_rule_attr_clear(desc, &rule->attrs[i]);
            rule->attrs[i] = attr;
        }
        xmlFree(text);
    }
}

static struct nwf_rule_attr *
rule_attr(struct nwf_rule *rule, enum nwf_attr_id id)
{
    int idx = nwf_proto_attr_index(rule->proto, id);
    return idx >= 0 && rule->attrs[idx].present ? &rule->attrs[idx] : NULL;
}

/* What libvirt does to a rule once all its elements are read: negation
 * taken over from other attributes, and the ipset quirk (see the comment
 * at the top). */
static void
fix_up_rule(struct nwf_rule *rule)
{
    const struct nwf_proto *proto = rule->proto;

    for (size_t i = 0; i < proto->n_attrs; i++) {
        const struct nwf_attr_desc *desc = &proto->attrs[i];
        struct nwf_rule_attr *attr = &rule->attrs[i];
        if (attr->present && desc->neg_from != NWF_ATTR_NONE) {
            const struct nwf_rule_attr *from = rule_attr(rule,
                                                         desc->neg_from);
            attr->negated = from && from->negated;
        }
    }

    /* libvirt defaults the flags of a lone ipset to "src". */
    int set_idx = nwf_proto_attr_index(proto, NWF_ATTR_IPSET);
    int flags_idx = nwf_proto_attr_index(proto, NWF_ATTR_IPSETFLAGS);
    if (set_idx >= 0 && flags_idx >= 0) {
        struct nwf_rule_attr *set = &rule->attrs[set_idx];
        struct nwf_rule_attr *flags = &rule->attrs[flags_idx];
        if (set->present && !flags->present) {
            flags->present = true;
            flags->value.ipsetflags.n = 1;
            flags->value.ipsetflags.src_bits = 1;
        }
    }
}

/* ipsetflags says which addresses to look up in an ipset: it means
 * nothing without one.  (libvirt drops it silently, and drops ipset with
 * ipsetflags on every element but all/all-ipv6, so that its own dumpxml
 * output of a lone ipset loses the set when defined again.  We keep
 * ipset with ipsetflags everywhere.) */
static void
check_ipset(struct parse_ctx *ctx, const struct nwf_rule *rule, int line)
{
    if (nwf_rule_get(rule, NWF_ATTR_IPSETFLAGS)
        && !nwf_rule_get(rule, NWF_ATTR_IPSET)) {
        report(ctx, line, rule->proto->name,
               nwf_attr_name(NWF_ATTR_IPSETFLAGS), NULL,
               "ipsetflags needs an ipset attribute");
    }
}

/* In <ip> and <ipv6>, ports need a transport protocol that has them. */
static void
check_ports(struct parse_ctx *ctx, const struct nwf_rule *rule, int line)
{
    static const enum nwf_attr_id ports[] = {
        NWF_ATTR_SRCPORTSTART, NWF_ATTR_SRCPORTEND,
        NWF_ATTR_DSTPORTSTART, NWF_ATTR_DSTPORTEND,
    };

    if (!rule->proto->ports_need_protocol) {
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
        if (!nwf_rule_get(rule, ports[i])) {
            continue;
        }

        const struct nwf_rule_attr *p = nwf_rule_get(rule,
                                                     NWF_ATTR_PROTOCOL);
        if (p && !p->is_var) {
            switch (p->value.u32) {
            case 6: case 17: case 33: case 132:
                return;
            }
        }

        struct ds value = DS_EMPTY_INITIALIZER;
        if (p) {
            int idx = nwf_proto_attr_index(rule->proto, NWF_ATTR_PROTOCOL);
            nwf_rule_attr_format(&rule->proto->attrs[idx], p, &value);
        }
        report(ctx, line, rule->proto->name, nwf_attr_name(ports[i]),
               NULL, "port attributes need protocol tcp(6), udp(17), "
               "dccp(33) or sctp(132)%s%s%s",
               p ? " (protocol is '" : " (protocol is missing)",
               p ? ds_cstr(&value) : "", p ? "')" : "");
        ds_destroy(&value);
        return;
    }
}

static struct nwf_rule *
parse_rule(struct parse_ctx *ctx, const xmlNode *node)
{
    int line = node_line(node);
    unsigned int errors_before = ctx->n_errors;
    enum nwf_action action = NWF_ACTION_DROP;
    enum nwf_direction direction = NWF_DIR_IN;
    int priority = NWF_RULE_PRIORITY_DEFAULT;

    char *s = get_prop(node, "action");
    if (!s) {
        report(ctx, line, "rule", "action", NULL,
               "required attribute is missing");
    } else if (!nwf_action_from_string(s, &action)) {
        report(ctx, line, "rule", "action", s, "unknown action (must be "
               "drop, accept, reject, return or continue)");
    }
    xmlFree(s);

    s = get_prop(node, "direction");
    if (!s) {
        report(ctx, line, "rule", "direction", NULL,
               "required attribute is missing");
    } else if (!nwf_direction_from_string(s, &direction)) {
        report(ctx, line, "rule", "direction", s,
               "unknown direction (must be in, out or inout)");
    }
    xmlFree(s);

    s = get_prop(node, "priority");
    if (s) {
        int value;
        if (!parse_int(s, &value)) {
            report(ctx, line, "rule", "priority", s,
                   "must be an integer (-1000 to 1000)");
        } else if (value >= NWF_RULE_PRIORITY_MIN
                   && value <= NWF_RULE_PRIORITY_MAX) {
            priority = value;
        }
        /* Else, like libvirt, keep the default. */
    }
    xmlFree(s);

    s = get_prop(node, "statematch");
    bool statematch = !s || (strcmp(s, "0") && strcasecmp(s, "false"));
    xmlFree(s);

    /* The first protocol element decides the protocol. */
    const struct nwf_proto *proto = NULL;
    for (const xmlNode *c = node->children; c && !proto; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            proto = nwf_proto_by_name(node_name(c));
        }
    }
    if (!proto) {
        proto = nwf_proto_by_id(NWF_PROTO_NONE);
    }

    struct nwf_rule *rule = nwf_rule_create(proto);
    rule->action = action;
    rule->direction = direction;
    rule->priority = priority;
    rule->statematch = statematch;
    rule->line = line;

    if (proto->id != NWF_PROTO_NONE) {
        for (const xmlNode *c = node->children; c; c = c->next) {
            if (node_is(c, proto->name)) {
                parse_proto_element(ctx, c, rule);
            }
        }
        check_ports(ctx, rule, line);
        check_ipset(ctx, rule, line);
        fix_up_rule(rule);
    }

    if (ctx->n_errors > errors_before) {
        nwf_rule_destroy(rule);
        return NULL;
    }
    return rule;
}

static void
parse_filterref(struct parse_ctx *ctx, const xmlNode *node,
                struct nwf_filter *filter)
{
    int line = node_line(node);
    char *name = get_prop(node, "filter");
    if (!name || !name[0]) {
        report(ctx, line, "filterref", "filter", name,
               name ? "must not be empty" : "required attribute is missing");
        xmlFree(name);
        return;
    }

    struct nwf_filterref *ref = nwf_filter_add_filterref(filter, name);
    ref->line = line;
    xmlFree(name);

    for (const xmlNode *c = node->children; c; c = c->next) {
        if (!node_is(c, "parameter")) {
            continue;
        }
        char *pname = get_prop(c, "name");
        char *pvalue = get_prop(c, "value");
        if (pname && pvalue && nwf_var_name_is_valid(pname)
            && nwf_var_value_is_valid(pvalue)) {
            nwf_filterref_add_param(ref, pname, pvalue);
        }
        xmlFree(pname);
        xmlFree(pvalue);
    }
}

/* Returns the text of the first <uuid> child of 'root', or NULL if there
 * is none or it is empty (as libvirt's XPath "string(./uuid)"). */
static char *
get_uuid_text(const xmlNode *root, int *linep)
{
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (node_is(c, "uuid")) {
            char *text = (char *) xmlNodeGetContent(c);
            *linep = node_line(c);
            if (text && !text[0]) {
                xmlFree(text);
                text = NULL;
            }
            return text;
        }
    }
    return NULL;
}

/* Returns attribute 'name' of 'node', or NULL if it is missing or empty
 * (libvirt reads <filter>'s attributes through XPath string(), which makes
 * no difference between the two). */
static char *
get_nonempty_prop(const xmlNode *node, const char *name)
{
    char *s = get_prop(node, name);
    if (s && !s[0]) {
        xmlFree(s);
        s = NULL;
    }
    return s;
}

static struct nwf_filter *
parse_filter(struct parse_ctx *ctx, const xmlNode *root)
{
    int line = node_line(root);
    unsigned int errors_before = ctx->n_errors;

    if (strcmp(node_name(root), "filter")) {
        report(ctx, line, node_name(root), NULL, NULL,
               "unknown root element (expected <filter>)");
        return NULL;
    }

    char *name = get_nonempty_prop(root, "name");
    if (!name) {
        report(ctx, line, "filter", "name", NULL,
               "required attribute is missing or empty");
    }
    struct nwf_filter *filter = nwf_filter_create(name ? name : "");
    xmlFree(name);

    int priority = 0;
    char *prio_s = get_nonempty_prop(root, "priority");
    if (prio_s) {
        if (!parse_int(prio_s, &priority)) {
            report(ctx, line, "filter", "priority", prio_s,
                   "must be an integer (%d to %d)",
                   NWF_CHAIN_PRIORITY_MIN, NWF_CHAIN_PRIORITY_MAX);
        } else if (priority < NWF_CHAIN_PRIORITY_MIN
                   || priority > NWF_CHAIN_PRIORITY_MAX) {
            report(ctx, line, "filter", "priority", prio_s,
                   "priority is outside the valid range %d to %d",
                   NWF_CHAIN_PRIORITY_MIN, NWF_CHAIN_PRIORITY_MAX);
        }
    }

    char *chain = get_nonempty_prop(root, "chain");
    if (chain) {
        char *error = nwf_chain_check(chain);
        if (error) {
            report(ctx, line, "filter", "chain", chain, "%s", error);
            free(error);
        } else {
            free(filter->chain);
            filter->chain = xstrdup(chain);
            if (prio_s) {
                filter->chain_priority = priority;
                filter->chain_priority_given = true;
            } else {
                filter->chain_priority = nwf_chain_default_priority(chain);
            }
        }
    }
    xmlFree(chain);
    xmlFree(prio_s);

    int uuid_line = line;
    char *uuid_s = get_uuid_text(root, &uuid_line);
    if (uuid_s) {
        if (parse_uuid(uuid_s, &filter->uuid)) {
            filter->uuid_given = true;
        } else {
            report(ctx, uuid_line, "uuid", NULL, uuid_s, "malformed UUID");
        }
        xmlFree(uuid_s);
    } else {
        uuid_generate(&filter->uuid);
    }

    for (const xmlNode *c = root->children; c; c = c->next) {
        if (node_is(c, "rule")) {
            struct nwf_rule *rule = parse_rule(ctx, c);
            if (rule) {
                nwf_filter_append_rule(filter, rule);
            }
        } else if (node_is(c, "filterref")) {
            parse_filterref(ctx, c, filter);
        }
    }

    if (ctx->n_errors > errors_before) {
        nwf_filter_destroy(filter);
        return NULL;
    }
    return filter;
}

static struct nwf_filter *
parse_buffer(struct parse_ctx *ctx, const char *buf, size_t len)
{
    xmlDocPtr doc = parse_document(ctx, buf, len);
    if (!doc) {
        return NULL;
    }

    struct nwf_filter *filter = NULL;
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (!root) {
        report(ctx, 0, NULL, NULL, NULL, "document has no root element");
    } else {
        filter = parse_filter(ctx, root);
    }
    xmlFreeDoc(doc);
    return filter;
}

/* Parses the filter XML in 'len' bytes at 'buf'.  'name' (e.g. a file
 * name or "<stdin>") is used in messages.  Returns the filter, or NULL
 * after adding at least one message to 'diag'. */
struct nwf_filter *
nwf_xml_parse_buffer(const char *buf, size_t len, const char *name,
                     struct nwf_diag *diag)
{
    struct parse_ctx ctx = { .file = name, .diag = diag };
    return parse_buffer(&ctx, buf, len);
}

/* Parses the filter XML in file 'file_name'.  Returns the filter, or NULL
 * after adding at least one message to 'diag'. */
struct nwf_filter *
nwf_xml_parse_file(const char *file_name, struct nwf_diag *diag)
{
    struct parse_ctx ctx = { .file = file_name, .diag = diag };
    size_t len;
    char *buf = read_file(&ctx, file_name, &len);
    if (!buf) {
        return NULL;
    }
    struct nwf_filter *filter = parse_buffer(&ctx, buf, len);
    free(buf);
    return filter;
}

/* ---- Formatting. ---- */

/* Appends 's' escaped for an attribute value in single quotes, the way
 * libvirt escapes: markup characters become references, tab, newline and
 * carriage return stay, other control characters are dropped. */
static void
put_escaped(struct ds *out, const char *s)
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

/* Prints one protocol element holding the attributes of 'rule' whose
 * negation is 'negated', if there are any; returns true if it printed. */
static bool
format_proto_element(const struct nwf_rule *rule, bool negated,
                     struct ds *out)
{
    const struct nwf_proto *proto = rule->proto;
    bool started = false;
    struct ds value = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < proto->n_attrs; i++) {
        const struct nwf_rule_attr *attr = &rule->attrs[i];
        if (!attr->present || attr->negated != negated) {
            continue;
        }
        if (!started) {
            ds_put_format(out, "    <%s%s", proto->name,
                          negated ? " match='no'" : "");
            started = true;
        }
        ds_clear(&value);
        nwf_rule_attr_format(&proto->attrs[i], attr, &value);
        ds_put_format(out, " %s='", proto->attrs[i].name);
        put_escaped(out, ds_cstr(&value));
        ds_put_char(out, '\'');
    }
    if (started) {
        ds_put_cstr(out, "/>\n");
    }
    ds_destroy(&value);
    return started;
}

/* libvirt 11.3.0 prints the attributes that are not negated first, in
 * table order, then the negated ones in a second element with
 * match='no'; an element with no attributes at all is printed empty. */
static void
format_rule(const struct nwf_rule *rule, struct ds *out)
{
    ds_put_format(out, "  <rule action='%s' direction='%s' priority='%d'",
                  nwf_action_to_string(rule->action),
                  nwf_direction_to_string(rule->direction),
                  rule->priority);
    if (!rule->statematch) {
        ds_put_cstr(out, " statematch='false'");
    }
    if (rule->proto->id == NWF_PROTO_NONE) {
        ds_put_cstr(out, "/>\n");
        return;
    }

    ds_put_cstr(out, ">\n");
    bool printed = format_proto_element(rule, false, out);
    printed |= format_proto_element(rule, true, out);
    if (!printed) {
        ds_put_format(out, "    <%s/>\n", rule->proto->name);
    }
    ds_put_cstr(out, "  </rule>\n");
}

/* Parameters are printed sorted by name, each value of a list as its own
 * <parameter>. */
static void
format_filterref(const struct nwf_filterref *ref, struct ds *out)
{
    ds_put_cstr(out, "  <filterref filter='");
    put_escaped(out, ref->filter);
    ds_put_char(out, '\'');
    if (shash_is_empty(&ref->params)) {
        ds_put_cstr(out, "/>\n");
        return;
    }

    ds_put_cstr(out, ">\n");
    const struct shash_node **nodes = shash_sort(&ref->params);
    for (size_t i = 0; i < shash_count(&ref->params); i++) {
        const struct svec *values = nodes[i]->data;
        for (size_t j = 0; j < values->n; j++) {
            ds_put_cstr(out, "    <parameter name='");
            put_escaped(out, nodes[i]->name);
            ds_put_cstr(out, "' value='");
            put_escaped(out, values->names[j]);
            ds_put_cstr(out, "'/>\n");
        }
    }
    free(nodes);
    ds_put_cstr(out, "  </filterref>\n");
}

/* Appends 'filter' to 'out' in libvirt's canonical layout (what
 * "virsh nwfilter-dumpxml" prints), ending with a newline. */
void
nwf_xml_format(const struct nwf_filter *filter, struct ds *out)
{
    ds_put_cstr(out, "<filter name='");
    put_escaped(out, filter->name);
    ds_put_cstr(out, "' chain='");
    put_escaped(out, filter->chain);
    ds_put_char(out, '\'');
    /* libvirt prints the priority only when it is not 0, so that a chain
     * such as 'mac' given priority 0 came back with its default -800 after
     * dumpxml and define.  Printing it whenever the default differs keeps
     * the formatted filter meaning the same. */
    if (filter->chain_priority
        || nwf_chain_default_priority(filter->chain) != 0) {
        ds_put_format(out, " priority='%d'", filter->chain_priority);
    }
    ds_put_cstr(out, ">\n");
    ds_put_format(out, "  <uuid>"UUID_FMT"</uuid>\n",
                  UUID_ARGS(&filter->uuid));

    for (size_t i = 0; i < filter->n_entries; i++) {
        const struct nwf_entry *entry = &filter->entries[i];
        if (entry->type == NWF_ENTRY_RULE) {
            format_rule(entry->rule, out);
        } else {
            format_filterref(entry->ref, out);
        }
    }
    ds_put_cstr(out, "</filter>\n");
}

/* Returns 'filter' formatted as by nwf_xml_format(), as a malloc()ed
 * string. */
char *
nwf_xml_format_string(const struct nwf_filter *filter)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    nwf_xml_format(filter, &out);
    return ds_steal_cstr(&out);
}

/* ---- Validation. ---- */

/* Reports in 'ctx' every way 'doc' does not match the RELAX NG schema in
 * 'schema_file'; problems with the schema itself are reported against the
 * schema's file. */
static void
validate_against_schema(struct parse_ctx *ctx, xmlDocPtr doc,
                        const char *schema_file)
{
    if (access(schema_file, R_OK)) {
        struct nwf_diag_loc loc = { .file = schema_file };
        nwf_diag_error(ctx->diag, &loc, "cannot read the RELAX NG schema: "
                       "%s", ovs_strerror(errno));
        ctx->n_errors++;
        return;
    }

    struct parse_ctx schema_ctx = { .file = schema_file, .diag = ctx->diag,
                                    .prefix = "schema: " };
    xmlRelaxNGParserCtxtPtr pctxt = xmlRelaxNGNewParserCtxt(schema_file);
    xmlRelaxNGSetParserStructuredErrors(pctxt, xml_error_handler,
                                        &schema_ctx);
    xmlRelaxNGPtr schema = xmlRelaxNGParse(pctxt);
    xmlRelaxNGFreeParserCtxt(pctxt);
    ctx->n_errors += schema_ctx.n_errors;
    if (!schema) {
        if (!schema_ctx.n_errors) {
            report(ctx, 0, NULL, NULL, NULL, "cannot parse the RELAX NG "
                   "schema %s", schema_file);
        }
        return;
    }

    unsigned int errors_before = ctx->n_errors;
    xmlRelaxNGValidCtxtPtr vctxt = xmlRelaxNGNewValidCtxt(schema);
    xmlRelaxNGSetValidStructuredErrors(vctxt, xml_error_handler, ctx);
    ctx->prefix = "schema: ";
    int rc = xmlRelaxNGValidateDoc(vctxt, doc);
    ctx->prefix = NULL;
    xmlRelaxNGFreeValidCtxt(vctxt);
    xmlRelaxNGFree(schema);

    if (rc && ctx->n_errors == errors_before) {
        report(ctx, 0, NULL, NULL, NULL, "schema: does not match %s",
               schema_file);
    }
}

/* Checks the filter file 'file_name' the way "nwf-ofctl validate" does:
 * it must be safe, well-formed XML (see nwf-xml.h), match the RELAX NG
 * schema in 'schema_file' (unless it is NULL) and pass every check of the
 * parser.  Returns true if it does; otherwise adds every problem found to
 * 'diag'. */
bool
nwf_xml_validate_file(const char *file_name, const char *schema_file,
                      struct nwf_diag *diag)
{
    struct parse_ctx ctx = { .file = file_name, .diag = diag };
    size_t len;
    char *buf = read_file(&ctx, file_name, &len);
    if (!buf) {
        return false;
    }
    xmlDocPtr doc = parse_document(&ctx, buf, len);
    free(buf);
    if (!doc) {
        return false;
    }

    if (schema_file) {
        validate_against_schema(&ctx, doc, schema_file);
    }

    const xmlNode *root = xmlDocGetRootElement(doc);
    if (root) {
        nwf_filter_destroy(parse_filter(&ctx, root));
    }
    xmlFreeDoc(doc);
    return !ctx.n_errors;
}
