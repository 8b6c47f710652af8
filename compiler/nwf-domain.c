/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-domain.h"

#include <string.h>

#include <libxml/tree.h>

#include "nwf-diag.h"
#include "nwf-proto.h"
#include "nwf-xmldoc.h"
#include "packets.h"
#include "util.h"
#include "uuid.h"

/* A domain's XML nests deeper than a filter's (NUMA cells, other
 * programs' metadata). */
#define DOMAIN_MAX_DEPTH 32

/* Whether 'node' is our metadata element 'name'. */
static bool
is_ours(const xmlNode *node, const char *name)
{
    return (nwf_xmldoc_is(node, name) && node->ns && node->ns->href
            && !strcmp((const char *) node->ns->href, NWF_DOMAIN_XMLNS));
}

static struct nwf_domain_iface *
add_iface(struct nwf_domain *dom, int line)
{
    dom->ifaces = xrealloc(dom->ifaces,
                           (dom->n_ifaces + 1) * sizeof *dom->ifaces);
    struct nwf_domain_iface *iface = xzalloc(sizeof *iface);
    dom->ifaces[dom->n_ifaces++] = iface;
    nwf_binding_init(&iface->binding);
    iface->binding.owner_name = xstrdup(dom->name);
    iface->binding.owner_uuid = dom->uuid;
    iface->line = line;
    return iface;
}

/* Reads the MAC in attribute 'attr' of 'node' into '*mac'. */
static bool
get_mac(struct nwf_xmldoc_ctx *ctx, const xmlNode *node, const char *attr,
        struct eth_addr *mac)
{
    char *s = nwf_xmldoc_nonempty_prop(node, attr);
    bool ok = s && nwf_proto_parse_mac(s, mac);
    if (!ok) {
        nwf_xmldoc_report(ctx, nwf_xmldoc_line(node),
                          nwf_xmldoc_name(node), attr, s,
                          s ? "malformed MAC address"
                          : "required attribute is missing or empty");
    }
    xmlFree(s);
    return ok;
}

/* One <interface> of <devices>: added to 'dom' if it has a <filterref>. */
static void
parse_interface(struct nwf_xmldoc_ctx *ctx, const xmlNode *node,
                struct nwf_domain *dom)
{
    const xmlNode *ref = nwf_xmldoc_child(node, "filterref");
    const xmlNode *mac = nwf_xmldoc_child(node, "mac");
    const xmlNode *target = nwf_xmldoc_child(node, "target");
    const xmlNode *vport = nwf_xmldoc_child(node, "virtualport");

    struct nwf_domain_iface *iface = add_iface(dom, nwf_xmldoc_line(node));
    if (!mac) {
        /* libvirt gives every interface a MAC; without one only a
         * <filterref> can be wrong. */
        if (ref) {
            nwf_xmldoc_report(ctx, iface->line, "interface", NULL, NULL,
                              "an interface with a <filterref> has no "
                              "<mac>");
        }
    } else {
        get_mac(ctx, mac, "address", &iface->binding.mac);
    }
    if (target) {
        char *dev = nwf_xmldoc_nonempty_prop(target, "dev");
        iface->binding.portdev = dev ? xstrdup(dev) : NULL;
        xmlFree(dev);
    }
    if (vport) {
        char *type = nwf_xmldoc_prop(vport, "type");
        iface->openvswitch = type && !strcmp(type, "openvswitch");
        xmlFree(type);
    }
    if (ref) {
        nwf_binding_parse_filterref(ctx, ref, &iface->binding.filter,
                                    &iface->binding.params);
    }
}

/* Our <filterrefs> in <metadata>: each <interface mac=...> gives its
 * <filterref> to the interface of <devices> with that MAC. */
static void
parse_metadata(struct nwf_xmldoc_ctx *ctx, const xmlNode *filterrefs,
               struct nwf_domain *dom)
{
    for (const xmlNode *c = filterrefs->children; c; c = c->next) {
        if (!is_ours(c, "interface")) {
            continue;
        }
        struct eth_addr mac;
        if (!get_mac(ctx, c, "mac", &mac)) {
            continue;
        }
        const xmlNode *ref = nwf_xmldoc_child(c, "filterref");
        if (!ref || !is_ours(ref, "filterref")) {
            nwf_xmldoc_report(ctx, nwf_xmldoc_line(c), "interface", NULL,
                              NULL, "has no <filterref> of namespace %s",
                              NWF_DOMAIN_XMLNS);
            continue;
        }

        struct nwf_domain_iface *iface = NULL;
        for (size_t i = 0; i < dom->n_ifaces; i++) {
            if (eth_addr_equals(dom->ifaces[i]->binding.mac, mac)) {
                iface = dom->ifaces[i];
                break;
            }
        }
        if (!iface) {
            nwf_xmldoc_report(ctx, nwf_xmldoc_line(c), "interface", "mac",
                              NULL, "no interface of the domain has MAC "
                              ETH_ADDR_FMT, ETH_ADDR_ARGS(mac));
        } else if (iface->binding.filter || iface->in_metadata) {
            nwf_xmldoc_report(ctx, nwf_xmldoc_line(c), "interface", "mac",
                              NULL, "the interface with MAC "ETH_ADDR_FMT
                              " already has a <filterref> (line %d)",
                              ETH_ADDR_ARGS(mac), iface->line);
        } else {
            iface->in_metadata = true;
            iface->line = nwf_xmldoc_line(c);
            nwf_binding_parse_filterref(ctx, ref, &iface->binding.filter,
                                        &iface->binding.params);
        }
    }
}

/* Keeps only the interfaces that ask for a binding. */
static void
drop_unreferenced(struct nwf_domain *dom)
{
    size_t n = 0;
    for (size_t i = 0; i < dom->n_ifaces; i++) {
        struct nwf_domain_iface *iface = dom->ifaces[i];
        if (iface->binding.filter) {
            dom->ifaces[n++] = iface;
        } else {
            nwf_binding_destroy(&iface->binding);
            free(iface);
        }
    }
    dom->n_ifaces = n;
}

/* Parses the domain XML in 'len' bytes at 'buf' ('name' is used in
 * messages) into 'dom', which the caller zero-initialized and destroys
 * whatever this returns. */
enum nwf_domain_status
nwf_domain_parse(const char *buf, size_t len, const char *name,
                 struct nwf_domain *dom, struct nwf_diag *diag)
{
    struct nwf_xmldoc_ctx ctx = { .file = name, .diag = diag,
                                  .max_depth = DOMAIN_MAX_DEPTH };
    xmlDocPtr doc = nwf_xmldoc_parse(&ctx, buf, len);
    if (!doc) {
        return NWF_DOMAIN_BAD_XML;
    }

    const xmlNode *root = xmlDocGetRootElement(doc);
    int line = nwf_xmldoc_line(root);
    char *uuid_s = NULL;
    if (strcmp(nwf_xmldoc_name(root), "domain")) {
        nwf_xmldoc_report(&ctx, line, nwf_xmldoc_name(root), NULL, NULL,
                          "unknown root element (expected <domain>)");
    } else {
        char *dom_name = nwf_xmldoc_child_text(root, "name", &line);
        uuid_s = nwf_xmldoc_child_text(root, "uuid", &line);
        if (!dom_name || !uuid_s) {
            nwf_xmldoc_report(&ctx, line, "domain", NULL, NULL,
                              "<name> and <uuid> are required");
        } else if (!nwf_xmldoc_parse_uuid(uuid_s, &dom->uuid)) {
            nwf_xmldoc_report(&ctx, line, "uuid", NULL, uuid_s,
                              "malformed UUID");
        }
        dom->name = dom_name ? xstrdup(dom_name) : NULL;
        xmlFree(dom_name);
    }
    xmlFree(uuid_s);
    if (ctx.n_errors) {
        xmlFreeDoc(doc);
        return NWF_DOMAIN_BAD_XML;
    }

    const xmlNode *devices = nwf_xmldoc_child(root, "devices");
    for (const xmlNode *c = devices ? devices->children : NULL; c;
         c = c->next) {
        if (nwf_xmldoc_is(c, "interface")) {
            parse_interface(&ctx, c, dom);
        }
    }
    const xmlNode *metadata = nwf_xmldoc_child(root, "metadata");
    for (const xmlNode *c = metadata ? metadata->children : NULL; c;
         c = c->next) {
        if (is_ours(c, "filterrefs")) {
            parse_metadata(&ctx, c, dom);
        }
    }
    drop_unreferenced(dom);
    xmlFreeDoc(doc);
    return ctx.n_errors ? NWF_DOMAIN_BAD_REFS : NWF_DOMAIN_OK;
}

void
nwf_domain_destroy(struct nwf_domain *dom)
{
    if (dom) {
        for (size_t i = 0; i < dom->n_ifaces; i++) {
            nwf_binding_destroy(&dom->ifaces[i]->binding);
            free(dom->ifaces[i]);
        }
        free(dom->ifaces);
        free(dom->name);
    }
}
