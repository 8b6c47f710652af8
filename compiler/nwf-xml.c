/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-xml.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-proto.h"
#include "nwf-vars.h"
#include "nwf-xmldoc.h"
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

static void
parse_proto_element(struct nwf_xmldoc_ctx *ctx, const xmlNode *node,
                    struct nwf_rule *rule)
{
    const struct nwf_proto *proto = rule->proto;
    char *match = nwf_xmldoc_prop(node, "match");
    bool negated = match && !strcmp(match, "no");
    xmlFree(match);

    for (size_t i = 0; i < proto->n_attrs; i++) {
        const struct nwf_attr_desc *desc = &proto->attrs[i];
        char *text = nwf_xmldoc_prop(node, desc->name);
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
            nwf_xmldoc_report(ctx, nwf_xmldoc_line(node), proto->name,
                              desc->name, text, "%s", error);
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
check_ipset(struct nwf_xmldoc_ctx *ctx, const struct nwf_rule *rule, int line)
{
    if (nwf_rule_get(rule, NWF_ATTR_IPSETFLAGS)
        && !nwf_rule_get(rule, NWF_ATTR_IPSET)) {
        nwf_xmldoc_report(ctx, line, rule->proto->name,
                          nwf_attr_name(NWF_ATTR_IPSETFLAGS), NULL,
                          "ipsetflags needs an ipset attribute");
    }
}

/* In <ip> and <ipv6>, ports need a transport protocol that has them. */
static void
check_ports(struct nwf_xmldoc_ctx *ctx, const struct nwf_rule *rule, int line)
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
        nwf_xmldoc_report(ctx, line, rule->proto->name,
                          nwf_attr_name(ports[i]), NULL,
                          "port attributes need protocol tcp(6), udp(17), "
                          "dccp(33) or sctp(132)%s%s%s",
                          p ? " (protocol is '" : " (protocol is missing)",
                          p ? ds_cstr(&value) : "", p ? "')" : "");
        ds_destroy(&value);
        return;
    }
}

static struct nwf_rule *
parse_rule(struct nwf_xmldoc_ctx *ctx, const xmlNode *node)
{
    int line = nwf_xmldoc_line(node);
    unsigned int errors_before = ctx->n_errors;
    enum nwf_action action = NWF_ACTION_DROP;
    enum nwf_direction direction = NWF_DIR_IN;
    int priority = NWF_RULE_PRIORITY_DEFAULT;

    char *s = nwf_xmldoc_prop(node, "action");
    if (!s) {
        nwf_xmldoc_report(ctx, line, "rule", "action", NULL,
                          "required attribute is missing");
    } else if (!nwf_action_from_string(s, &action)) {
        nwf_xmldoc_report(ctx, line, "rule", "action", s,
                          "unknown action (must be "
                          "drop, accept, reject, return or continue)");
    }
    xmlFree(s);

    s = nwf_xmldoc_prop(node, "direction");
    if (!s) {
        nwf_xmldoc_report(ctx, line, "rule", "direction", NULL,
                          "required attribute is missing");
    } else if (!nwf_direction_from_string(s, &direction)) {
        nwf_xmldoc_report(ctx, line, "rule", "direction", s,
                          "unknown direction (must be in, out or inout)");
    }
    xmlFree(s);

    s = nwf_xmldoc_prop(node, "priority");
    if (s) {
        int value;
        if (!parse_int(s, &value)) {
            nwf_xmldoc_report(ctx, line, "rule", "priority", s,
                              "must be an integer (-1000 to 1000)");
        } else if (value >= NWF_RULE_PRIORITY_MIN
                   && value <= NWF_RULE_PRIORITY_MAX) {
            priority = value;
        }
        /* Else, like libvirt, keep the default. */
    }
    xmlFree(s);

    s = nwf_xmldoc_prop(node, "statematch");
    bool statematch = !s || (strcmp(s, "0") && strcasecmp(s, "false"));
    xmlFree(s);

    /* The first protocol element decides the protocol. */
    const struct nwf_proto *proto = NULL;
    for (const xmlNode *c = node->children; c && !proto; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            proto = nwf_proto_by_name(nwf_xmldoc_name(c));
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
            if (nwf_xmldoc_is(c, proto->name)) {
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
parse_filterref(struct nwf_xmldoc_ctx *ctx, const xmlNode *node,
                struct nwf_filter *filter)
{
    int line = nwf_xmldoc_line(node);
    char *name = nwf_xmldoc_prop(node, "filter");
    if (!name || !name[0]) {
        nwf_xmldoc_report(ctx, line, "filterref", "filter", name,
                          name ? "must not be empty"
                          : "required attribute is missing");
        xmlFree(name);
        return;
    }

    struct nwf_filterref *ref = nwf_filter_add_filterref(filter, name);
    ref->line = line;
    xmlFree(name);

    for (const xmlNode *c = node->children; c; c = c->next) {
        if (!nwf_xmldoc_is(c, "parameter")) {
            continue;
        }
        char *pname = nwf_xmldoc_prop(c, "name");
        char *pvalue = nwf_xmldoc_prop(c, "value");
        if (pname && pvalue && nwf_var_name_is_valid(pname)
            && nwf_var_value_is_valid(pvalue)) {
            nwf_filterref_add_param(ref, pname, pvalue);
        }
        xmlFree(pname);
        xmlFree(pvalue);
    }
}

static struct nwf_filter *
parse_filter(struct nwf_xmldoc_ctx *ctx, const xmlNode *root)
{
    int line = nwf_xmldoc_line(root);
    unsigned int errors_before = ctx->n_errors;

    if (strcmp(nwf_xmldoc_name(root), "filter")) {
        nwf_xmldoc_report(ctx, line, nwf_xmldoc_name(root), NULL, NULL,
                          "unknown root element (expected <filter>)");
        return NULL;
    }

    char *name = nwf_xmldoc_nonempty_prop(root, "name");
    if (!name) {
        nwf_xmldoc_report(ctx, line, "filter", "name", NULL,
                          "required attribute is missing or empty");
    }
    struct nwf_filter *filter = nwf_filter_create(name ? name : "");
    xmlFree(name);

    int priority = 0;
    char *prio_s = nwf_xmldoc_nonempty_prop(root, "priority");
    if (prio_s) {
        if (!parse_int(prio_s, &priority)) {
            nwf_xmldoc_report(ctx, line, "filter", "priority", prio_s,
                              "must be an integer (%d to %d)",
                              NWF_CHAIN_PRIORITY_MIN, NWF_CHAIN_PRIORITY_MAX);
        } else if (priority < NWF_CHAIN_PRIORITY_MIN
                   || priority > NWF_CHAIN_PRIORITY_MAX) {
            nwf_xmldoc_report(ctx, line, "filter", "priority", prio_s,
                              "priority is outside the valid range %d to %d",
                              NWF_CHAIN_PRIORITY_MIN, NWF_CHAIN_PRIORITY_MAX);
        }
    }

    char *chain = nwf_xmldoc_nonempty_prop(root, "chain");
    if (chain) {
        char *error = nwf_chain_check(chain);
        if (error) {
            nwf_xmldoc_report(ctx, line, "filter", "chain", chain, "%s",
                              error);
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
    char *uuid_s = nwf_xmldoc_child_text(root, "uuid", &uuid_line);
    if (uuid_s) {
        if (nwf_xmldoc_parse_uuid(uuid_s, &filter->uuid)) {
            filter->uuid_given = true;
        } else {
            nwf_xmldoc_report(ctx, uuid_line, "uuid", NULL, uuid_s,
                              "malformed UUID");
        }
        xmlFree(uuid_s);
    } else {
        uuid_generate(&filter->uuid);
    }

    for (const xmlNode *c = root->children; c; c = c->next) {
        if (nwf_xmldoc_is(c, "rule")) {
            struct nwf_rule *rule = parse_rule(ctx, c);
            if (rule) {
                nwf_filter_append_rule(filter, rule);
            }
        } else if (nwf_xmldoc_is(c, "filterref")) {
            parse_filterref(ctx, c, filter);
        }
    }

    if (ctx->n_errors > errors_before) {
        nwf_filter_destroy(filter);
        return NULL;
    }
    return filter;
}

/* Parses 'doc' (NULL after a parse error) and frees it. */
static struct nwf_filter *
parse_doc(struct nwf_xmldoc_ctx *ctx, xmlDocPtr doc)
{
    struct nwf_filter *filter = NULL;
    if (doc) {
        filter = parse_filter(ctx, xmlDocGetRootElement(doc));
        xmlFreeDoc(doc);
    }
    return filter;
}

/* Parses the filter XML in 'len' bytes at 'buf'.  'name' (e.g. a file
 * name or "<stdin>") is used in messages.  Returns the filter, or NULL
 * after adding at least one message to 'diag'. */
struct nwf_filter *
nwf_xml_parse_buffer(const char *buf, size_t len, const char *name,
                     struct nwf_diag *diag)
{
    struct nwf_xmldoc_ctx ctx = { .file = name, .diag = diag };
    return parse_doc(&ctx, nwf_xmldoc_parse(&ctx, buf, len));
}

/* Parses like nwf_xml_parse_buffer() the content of a file NAME.xml of a
 * filter directory ('origin', its path, names it in messages), whose
 * filter must be called 'name'. */
struct nwf_filter *
nwf_xml_parse_named(const char *buf, size_t len, const char *origin,
                    const char *name, struct nwf_diag *diag)
{
    struct nwf_filter *filter = nwf_xml_parse_buffer(buf, len, origin, diag);
    if (filter && strcmp(filter->name, name)) {
        struct nwf_diag_loc loc = {
            .file = origin, .element = "filter", .attr = "name",
            .value = filter->name,
        };
        nwf_diag_error(diag, &loc, "filter name does not match the file "
                       "name (expected '%s')", name);
        nwf_filter_destroy(filter);
        filter = NULL;
    }
    return filter;
}

/* ---- Formatting. ---- */

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
        nwf_xmldoc_put_escaped(out, ds_cstr(&value));
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

/* Appends <filterref filter='FILTER'> with its parameters 'params' (name
 * -> struct svec * of values), indented by two spaces, as libvirt prints it
 * in a filter and in a filter binding: parameters sorted by name, each
 * value of a list as its own <parameter>. */
void
nwf_xml_format_filterref(const char *filter, const struct shash *params,
                         struct ds *out)
{
    ds_put_cstr(out, "  <filterref filter='");
    nwf_xmldoc_put_escaped(out, filter);
    ds_put_char(out, '\'');
    if (shash_is_empty(params)) {
        ds_put_cstr(out, "/>\n");
        return;
    }

    ds_put_cstr(out, ">\n");
    const struct shash_node **nodes = shash_sort(params);
    for (size_t i = 0; i < shash_count(params); i++) {
        const struct svec *values = nodes[i]->data;
        for (size_t j = 0; j < values->n; j++) {
            ds_put_cstr(out, "    <parameter name='");
            nwf_xmldoc_put_escaped(out, nodes[i]->name);
            ds_put_cstr(out, "' value='");
            nwf_xmldoc_put_escaped(out, values->names[j]);
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
    nwf_xmldoc_put_escaped(out, filter->name);
    ds_put_cstr(out, "' chain='");
    nwf_xmldoc_put_escaped(out, filter->chain);
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
            nwf_xml_format_filterref(entry->ref->filter,
                                     &entry->ref->params, out);
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

/* Checks the filter XML in 'len' bytes at 'buf' ('name', a file name,
 * in messages) the way "nwf-ofctl validate" does: it must be safe,
 * well-formed XML (see nwf-xmldoc.h), match RELAX NG schema 'schema'
 * (unless it is NULL), pass every check of the parser and
 * those of a new definition (nwf_filter_check(), as a define does).
 * Returns true if it does; otherwise adds every problem found to
 * 'diag'. */
bool
nwf_xml_validate_buffer(const char *buf, size_t len, const char *name,
                        const struct nwf_schema *schema,
                        struct nwf_diag *diag)
{
    struct nwf_xmldoc_ctx ctx = { .file = name, .diag = diag };
    xmlDocPtr doc = nwf_xmldoc_parse(&ctx, buf, len);
    if (!doc) {
        return false;
    }
    if (schema) {
        nwf_xmldoc_validate_schema(&ctx, doc, schema);
    }
    struct nwf_filter *filter = parse_filter(&ctx,
                                             xmlDocGetRootElement(doc));
    bool ok = !ctx.n_errors;
    if (filter && !nwf_filter_check(filter, name, diag)) {
        ok = false;
    }
    nwf_filter_destroy(filter);
    xmlFreeDoc(doc);
    return ok;
}
