/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_DOMAIN_H
#define NWF_DOMAIN_H 1

/* The filter bindings that a libvirt domain's XML asks for, for the
 * libvirt hook ("nwf-ofctl libvirt-hook").
 *
 * An interface of <devices> asks for a binding in one of two ways:
 *
 *   - its own <filterref> (libvirt's element), or
 *
 *   - in the domain's <metadata>, an element of our namespace
 *     NWF_DOMAIN_XMLNS that names the interface by its MAC address:
 *
 *         <metadata>
 *           <nwf:filterrefs xmlns:nwf='https://ovs-nwfilter.org/xmlns/...'>
 *             <nwf:interface mac='52:54:00:00:00:01'>
 *               <nwf:filterref filter='clean-traffic'>
 *                 <nwf:parameter name='IP' value='10.0.0.5'/>
 *               </nwf:filterref>
 *             </nwf:interface>
 *           </nwf:filterrefs>
 *         </metadata>
 *
 *     for interfaces on which libvirt does not accept <filterref>
 *     (docs/libvirt.md says which).
 *
 * Each such interface gives one binding owned by the domain (its <name>
 * and <uuid>), with the interface's <mac> and, once the domain runs, its
 * <target dev> as the port.  Problems with the filter references (no
 * filter name, a bad parameter, a metadata entry for a MAC that no
 * interface has, both ways for one interface) are kept apart from
 * problems with the document itself, because the hook treats them
 * differently: the former are the administrator's to fix, the latter are
 * not a reason to stop a domain. */

#include <stdbool.h>
#include <stddef.h>

#include "nwf-binding.h"
#include "openvswitch/compiler.h"
#include "openvswitch/uuid.h"

struct nwf_diag;

#define NWF_DOMAIN_XMLNS "https://ovs-nwfilter.org/xmlns/filterref/1"

struct nwf_domain_iface {
    struct nwf_binding binding; /* 'portdev' NULL without <target dev>. */
    bool openvswitch;           /* <virtualport type='openvswitch'>. */
    bool in_metadata;           /* Its <filterref> is in <metadata>. */
    int line;                   /* Of its <interface>. */
};

struct nwf_domain {
    char *name;
    struct uuid uuid;
    struct nwf_domain_iface **ifaces;   /* Those with a filter reference. */
    size_t n_ifaces;
};

enum nwf_domain_status {
    NWF_DOMAIN_OK,
    NWF_DOMAIN_BAD_REFS,        /* Readable, but a filter reference is
                                 * wrong: 'diag' says which. */
    NWF_DOMAIN_BAD_XML,         /* Not a readable domain document. */
};

enum nwf_domain_status nwf_domain_parse(const char *buf, size_t len,
                                        const char *name, struct nwf_domain *,
                                        struct nwf_diag *)
    OVS_WARN_UNUSED_RESULT;
void nwf_domain_destroy(struct nwf_domain *);

#endif /* nwf-domain.h */
