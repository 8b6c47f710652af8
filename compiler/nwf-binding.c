/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-binding.h"

#include <string.h>

#include <libxml/tree.h>

#include "nwf-diag.h"
#include "nwf-proto.h"
#include "nwf-xml.h"
#include "nwf-xmldoc.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "packets.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"
#include "util.h"
#include "uuid.h"

/* <filterbinding> nests four levels: <filterref><parameter> is the
 * deepest. */
#define BINDING_MAX_DEPTH 4

void
nwf_binding_init(struct nwf_binding *b)
{
    memset(b, 0, sizeof *b);
    nwf_var_table_init(&b->params);
}

void
nwf_binding_destroy(struct nwf_binding *b)
{
    if (b) {
        free(b->owner_name);
        free(b->portdev);
        free(b->filter);
        nwf_var_table_destroy(&b->params);
    }
}

/* ---- XML. ---- */

/* Returns the text of <PARENT><NAME> under 'root' (NULL if missing or
 * empty), reporting it missing as libvirt does. */
static char *
required_text(struct nwf_xmldoc_ctx *ctx, const xmlNode *root,
              const char *parent, const char *name)
{
    const xmlNode *p = nwf_xmldoc_child(root, parent);
    char *text = p ? nwf_xmldoc_child_text(p, name, NULL) : NULL;
    if (!text) {
        nwf_xmldoc_report(ctx, nwf_xmldoc_line(p ? p : root), name, NULL,
                          NULL, "<%s><%s> is required", parent, name);
    }
    return text;
}

/* Returns attribute 'attr' of the first <ELEMENT> under 'root' (NULL if
 * missing or empty), reporting it missing, and stores the element's line
 * in '*linep'. */
static char *
required_attr(struct nwf_xmldoc_ctx *ctx, const xmlNode *root,
              const char *element, const char *attr, int *linep)
{
    const xmlNode *e = nwf_xmldoc_child(root, element);
    char *value = e ? nwf_xmldoc_nonempty_prop(e, attr) : NULL;
    *linep = nwf_xmldoc_line(e ? e : root);
    if (!e) {
        nwf_xmldoc_report(ctx, *linep, element, NULL, NULL,
                          "required element is missing");
    } else if (!value) {
        nwf_xmldoc_report(ctx, *linep, element, attr, NULL,
                          "required attribute is missing or empty");
    }
    return value;
}

static void
parse_owner(struct nwf_xmldoc_ctx *ctx, const xmlNode *root,
            struct nwf_binding *b)
{
    char *name = required_text(ctx, root, "owner", "name");
    b->owner_name = name ? xstrdup(name) : NULL;
    xmlFree(name);

    char *uuid = required_text(ctx, root, "owner", "uuid");
    if (uuid && !nwf_xmldoc_parse_uuid(uuid, &b->owner_uuid)) {
        nwf_xmldoc_report(ctx, nwf_xmldoc_line(nwf_xmldoc_child(root,
                                                                "owner")),
                          "uuid", NULL, uuid, "malformed UUID");
    }
    xmlFree(uuid);
}

/* Parses the <parameter>s of <filterref> 'ref' into 'params', each bad
 * one reported. */
static void
parse_params(struct nwf_xmldoc_ctx *ctx, const xmlNode *ref,
             struct nwf_var_table *params)
{
    for (const xmlNode *c = ref->children; c; c = c->next) {
        if (!nwf_xmldoc_is(c, "parameter")) {
            continue;
        }
        char *name = nwf_xmldoc_prop(c, "name");
        char *value = nwf_xmldoc_prop(c, "value");
        if (!name || !value) {
            nwf_xmldoc_report(ctx, nwf_xmldoc_line(c), "parameter",
                              name ? "value" : "name", NULL,
                              "required attribute is missing");
        } else {
            char *error = nwf_var_table_add_checked(params, name, value);
            if (error) {
                nwf_xmldoc_report(ctx, nwf_xmldoc_line(c), "parameter",
                                  NULL, NULL, "%s", error);
                free(error);
            }
        }
        xmlFree(name);
        xmlFree(value);
    }
}

/* Reads the <filterref> of an interface or a binding, 'node', into
 * 'filter' and 'params'.  Shared with the domain parser (nwf-domain). */
void
nwf_binding_parse_filterref(struct nwf_xmldoc_ctx *ctx, const xmlNode *node,
                            char **filter, struct nwf_var_table *params)
{
    char *name = nwf_xmldoc_nonempty_prop(node, "filter");
    if (!name) {
        nwf_xmldoc_report(ctx, nwf_xmldoc_line(node), "filterref", "filter",
                          NULL, "required attribute is missing or empty");
    } else {
        *filter = xstrdup(name);
        xmlFree(name);
    }
    parse_params(ctx, node, params);
}

static bool
parse_binding(struct nwf_xmldoc_ctx *ctx, const xmlNode *root,
              struct nwf_binding *b)
{
    unsigned int errors_before = ctx->n_errors;
    if (strcmp(nwf_xmldoc_name(root), "filterbinding")) {
        nwf_xmldoc_report(ctx, nwf_xmldoc_line(root), nwf_xmldoc_name(root),
                          NULL, NULL, "unknown root element (expected "
                          "<filterbinding>)");
        return false;
    }

    parse_owner(ctx, root, b);

    int line;
    char *portdev = required_attr(ctx, root, "portdev", "name", &line);
    b->portdev = portdev ? xstrdup(portdev) : NULL;
    xmlFree(portdev);

    const xmlNode *linkdev = nwf_xmldoc_child(root, "linkdev");
    if (linkdev) {
        nwf_xmldoc_report(ctx, nwf_xmldoc_line(linkdev), "linkdev", NULL,
                          NULL, "a link device (macvtap) has no meaning on "
                          "an Open vSwitch port");
    }

    char *mac = required_attr(ctx, root, "mac", "address", &line);
    if (mac && !nwf_proto_parse_mac(mac, &b->mac)) {
        nwf_xmldoc_report(ctx, line, "mac", "address", mac,
                          "malformed MAC address");
    }
    xmlFree(mac);

    const xmlNode *ref = nwf_xmldoc_child(root, "filterref");
    if (!ref) {
        nwf_xmldoc_report(ctx, nwf_xmldoc_line(root), "filterref", NULL,
                          NULL, "required element is missing");
    } else {
        nwf_binding_parse_filterref(ctx, ref, &b->filter, &b->params);
    }
    return ctx->n_errors == errors_before;
}

/* Parses the <filterbinding> document in 'len' bytes at 'buf' ('name' is
 * used in messages) into 'b', which the caller initialized.  Returns true
 * if it is valid; otherwise adds every problem to 'diag'. */
bool
nwf_binding_parse_buffer(const char *buf, size_t len, const char *name,
                         struct nwf_binding *b, struct nwf_diag *diag)
{
    struct nwf_xmldoc_ctx ctx = { .file = name, .diag = diag,
                                  .max_depth = BINDING_MAX_DEPTH };
    xmlDocPtr doc = nwf_xmldoc_parse(&ctx, buf, len);
    bool ok = doc && parse_binding(&ctx, xmlDocGetRootElement(doc), b);
    xmlFreeDoc(doc);
    return ok;
}

/* Like nwf_binding_parse_buffer(), also checked against RELAX NG schema
 * 'schema' unless it is NULL (for a file an admin wrote). */
bool
nwf_binding_validate_buffer(const char *buf, size_t len, const char *name,
                            const struct nwf_schema *schema,
                            struct nwf_binding *b,
                            struct nwf_diag *diag)
{
    struct nwf_xmldoc_ctx ctx = { .file = name, .diag = diag,
                                  .max_depth = BINDING_MAX_DEPTH };
    xmlDocPtr doc = nwf_xmldoc_parse(&ctx, buf, len);
    if (!doc) {
        return false;
    }
    if (schema) {
        nwf_xmldoc_validate_schema(&ctx, doc, schema);
    }
    bool ok = parse_binding(&ctx, xmlDocGetRootElement(doc), b);
    xmlFreeDoc(doc);
    return ok && !ctx.n_errors;
}

/* Appends 'b' to 'out' as "virsh nwfilter-binding-dumpxml" prints it. */
void
nwf_binding_format(const struct nwf_binding *b, struct ds *out)
{
    ds_put_cstr(out, "<filterbinding>\n  <owner>\n    <name>");
    nwf_xmldoc_put_escaped(out, b->owner_name);
    ds_put_format(out, "</name>\n    <uuid>"UUID_FMT"</uuid>\n  </owner>\n",
                  UUID_ARGS(&b->owner_uuid));
    ds_put_cstr(out, "  <portdev name='");
    nwf_xmldoc_put_escaped(out, b->portdev);
    ds_put_format(out, "'/>\n  <mac address='"ETH_ADDR_FMT"'/>\n",
                  ETH_ADDR_ARGS(b->mac));
    nwf_xml_format_filterref(b->filter, &b->params.vars, out);
    ds_put_cstr(out, "</filterbinding>\n");
}

/* ---- External-ids. ---- */

static bool
is_param_key(const char *key)
{
    return !strncmp(key, NWF_KEY_PARAM_PREFIX, strlen(NWF_KEY_PARAM_PREFIX));
}

/* Reads a port's parameters: every external_ids:filterref-param-NAME.  A
 * bad name or value is an error for the port (libvirt drops such
 * parameters silently; a port plugin's typo should be visible).  Returns
 * NULL, or a malloc()ed message. */
char *
nwf_binding_read_params(const struct smap *ids, struct nwf_var_table *vars)
{
    const struct smap_node *node;
    SMAP_FOR_EACH (node, ids) {
        if (is_param_key(node->key)) {
            const char *name = node->key + strlen(NWF_KEY_PARAM_PREFIX);
            char *error = nwf_var_table_add_list(vars, name, node->value,
                                                 NWF_VAR_STRICT);
            if (error) {
                return error;
            }
        }
    }
    return NULL;
}

/* Reads a port's MAC: the first value of filterref-param-MAC, else
 * attached-mac.  Returns NULL, or a malloc()ed message. */
char *
nwf_binding_read_mac(const struct smap *ids, struct eth_addr *mac)
{
    const char *key = NWF_KEY_PARAM_PREFIX "MAC";
    const char *s = smap_get(ids, key);
    if (!s) {
        key = NWF_KEY_ATTACHED_MAC;
        s = smap_get(ids, key);
    }
    if (!s) {
        return xstrdup("no MAC address: set external_ids:attached-mac or "
                       "filterref-param-MAC");
    }
    char *first = xmemdup0(s, strcspn(s, ","));
    bool ok = eth_addr_from_string(first, mac);
    free(first);
    return ok ? NULL : xasprintf("%s: bad MAC address '%s'", key, s);
}

/* Fills 'b' (initialized by the caller) with the binding on Interface
 * 'port' whose external-ids are 'ids', for binding-dumpxml.  Like libvirt's
 * dumpxml of a binding on an existing port, its parameters include $MAC:
 * the port's MAC unless a MAC parameter was given.  A port bound by hand
 * may lack an owner: its name is then iface-id, else the port's own name,
 * and its UUID vm-id, else all zeros.
 * Returns NULL, or a malloc()ed message if 'port' is not bound or its
 * binding cannot be read. */
char *
nwf_binding_from_ids(const char *port, const struct smap *ids,
                     struct nwf_binding *b)
{
    const char *filter = smap_get(ids, NWF_KEY_FILTERREF);
    if (!filter) {
        return xasprintf("port '%s' has no filter binding", port);
    }
    char *error = nwf_binding_read_params(ids, &b->params);
    if (!error) {
        const char *mac = smap_get(ids, NWF_KEY_ATTACHED_MAC);
        if (mac && eth_addr_from_string(mac, &b->mac)) {
            /* libvirt's <mac> is the VM's MAC, which attached-mac is. */
        } else {
            error = nwf_binding_read_mac(ids, &b->mac);
        }
    }
    if (error) {
        char *msg = xasprintf("port '%s': %s", port, error);
        free(error);
        return msg;
    }
    char mac[ETH_ADDR_STRLEN + 1];
    snprintf(mac, sizeof mac, ETH_ADDR_FMT, ETH_ADDR_ARGS(b->mac));
    nwf_var_table_set_default(&b->params, NWF_VAR_MAC, mac);

    const char *owner = smap_get(ids, NWF_KEY_OWNER);
    if (!owner) {
        owner = smap_get_def(ids, NWF_KEY_IFACE_ID, port);
    }
    b->owner_name = xstrdup(owner);
    const char *vm_id = smap_get(ids, NWF_KEY_VM_ID);
    if (!vm_id || !uuid_from_string(&b->owner_uuid, vm_id)) {
        uuid_zero(&b->owner_uuid);
    }
    b->portdev = xstrdup(port);
    b->filter = xstrdup(filter);
    return NULL;
}

/* Checks that 'b' may be written on the Interface whose external-ids are
 * 'ids': libvirt's own keys there (attached-mac, vm-id) must not say
 * another VM owns the port.  Returns NULL, or a malloc()ed message. */
char *
nwf_binding_check_port(const struct nwf_binding *b, const struct smap *ids)
{
    const char *mac_s = smap_get(ids, NWF_KEY_ATTACHED_MAC);
    struct eth_addr mac;
    if (mac_s && (!eth_addr_from_string(mac_s, &mac)
                  || !eth_addr_equals(mac, b->mac))) {
        return xasprintf("port '%s' has external_ids:attached-mac=%s, not "
                         "the binding's <mac address='"ETH_ADDR_FMT"'/>",
                         b->portdev, mac_s, ETH_ADDR_ARGS(b->mac));
    }
    const char *vm_id = smap_get(ids, NWF_KEY_VM_ID);
    struct uuid uuid;
    if (vm_id && (!uuid_from_string(&uuid, vm_id)
                  || !uuid_equals(&uuid, &b->owner_uuid))) {
        return xasprintf("port '%s' belongs to the domain with UUID %s "
                         "(external_ids:vm-id), not to the binding's owner "
                         UUID_FMT, b->portdev, vm_id,
                         UUID_ARGS(&b->owner_uuid));
    }
    return NULL;
}

/* Computes how the external-ids 'old' of 'b''s Interface change to carry
 * 'b': the keys to set go into 'set', those to remove (parameters 'b' no
 * longer has) into 'unset'.  Parameter values cannot hold ',' (see
 * nwf_var_value_is_valid()), so a list is written comma-separated. */
void
nwf_binding_to_ids(const struct nwf_binding *b, const struct smap *old,
                   struct smap *set, struct sset *unset)
{
    smap_add(set, NWF_KEY_FILTERREF, b->filter);
    smap_add(set, NWF_KEY_OWNER, b->owner_name);
    smap_add_format(set, NWF_KEY_VM_ID, UUID_FMT, UUID_ARGS(&b->owner_uuid));
    smap_add_format(set, NWF_KEY_ATTACHED_MAC, ETH_ADDR_FMT,
                    ETH_ADDR_ARGS(b->mac));

    struct shash_node *node;
    SHASH_FOR_EACH (node, &b->params.vars) {
        char *value = svec_join(node->data, ",", "");
        smap_add_nocopy(set, xasprintf(NWF_KEY_PARAM_PREFIX"%s", node->name),
                        value);
    }

    const struct smap_node *onode;
    SMAP_FOR_EACH (onode, old) {
        if (is_param_key(onode->key) && !smap_get(set, onode->key)) {
            sset_add(unset, onode->key);
        }
    }
}

/* Adds to 'unset' the keys of the external-ids 'old' that make up a
 * binding, as binding-delete removes them.  libvirt's attached-mac and
 * vm-id stay: they describe the port, whoever filters it.  The
 * controller removes the keys it writes itself (status, zone, learned
 * addresses) once the port is unbound. */
void
nwf_binding_unset_ids(const struct smap *old, struct sset *unset)
{
    const struct smap_node *node;
    SMAP_FOR_EACH (node, old) {
        if (is_param_key(node->key)
            || !strcmp(node->key, NWF_KEY_FILTERREF)
            || !strcmp(node->key, NWF_KEY_OWNER)) {
            sset_add(unset, node->key);
        }
    }
}

/* Appends who owns the port with external-ids 'ids', for listings: the
 * owner's name (filterref-owner) and libvirt's vm-id, else OVN's and
 * libvirt's iface-id, else "-". */
void
nwf_binding_format_owner(const struct smap *ids, struct ds *out)
{
    const char *name = smap_get(ids, NWF_KEY_OWNER);
    const char *vm_id = smap_get(ids, NWF_KEY_VM_ID);
    const char *iface_id = smap_get(ids, NWF_KEY_IFACE_ID);
    size_t start = out->length;
    if (name) {
        ds_put_cstr(out, name);
    }
    if (vm_id) {
        ds_put_format(out, "%svm-id=%s", name ? " " : "", vm_id);
    } else if (iface_id) {
        ds_put_format(out, "%siface-id=%s", name ? " " : "", iface_id);
    }
    if (out->length == start) {
        ds_put_char(out, '-');
    }
}
