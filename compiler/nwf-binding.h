/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_BINDING_H
#define NWF_BINDING_H 1

/* Filter bindings: a filter bound to one VM port with its parameters, as
 * libvirt's <filterbinding> document and as the OVSDB Interface
 * external-ids that carry it on Open vSwitch.
 *
 * XML
 * ---
 * The format of "virsh nwfilter-binding-create" and "-dumpxml":
 *
 *     <filterbinding>
 *       <owner><name>VM</name><uuid>UUID</uuid></owner>
 *       <portdev name='vnet0'/>
 *       <mac address='52:54:00:7b:35:93'/>
 *       <filterref filter='clean-traffic'>
 *         <parameter name='IP' value='10.0.0.5'/>
 *       </filterref>
 *     </filterbinding>
 *
 * nwf_binding_format() prints a binding byte for byte as libvirt 9.0's
 * dumpxml does.  The parser reads what libvirt's reads, with the checks of
 * nwf-xmldoc.h, and differs from libvirt in that a <parameter> with a bad
 * name or value is an error (libvirt drops it silently) and <linkdev>
 * (macvtap's lower device, meaningless on Open vSwitch) is refused.
 *
 * External-ids
 * ------------
 * A binding on an Interface is:
 *     filterref=FILTER
 *     filterref-param-NAME=V1[,V2...]     one key per parameter
 *     attached-mac=MAC                    libvirt's key: the VM's MAC
 *     vm-id=UUID                          libvirt's key: the owner's UUID
 *     filterref-owner=NAME                the owner's name
 * libvirt itself sets attached-mac, vm-id and iface-id on the Open vSwitch
 * ports of its domains; a binding never overwrites another value of
 * theirs (nwf_binding_check_port()). */

#include <stdbool.h>
#include <stddef.h>

#include "nwf-vars.h"
#include "openvswitch/compiler.h"
#include "openvswitch/types.h"
#include "openvswitch/uuid.h"

struct ds;
struct nwf_diag;
struct nwf_schema;
struct smap;
struct sset;

/* Interface external-ids. */
#define NWF_KEY_FILTERREF "filterref"
#define NWF_KEY_PARAM_PREFIX "filterref-param-"
#define NWF_KEY_OWNER "filterref-owner"
#define NWF_KEY_STATUS "filterref-status"
#define NWF_KEY_ZONE "filterref-ct-zone"
#define NWF_KEY_LEARNED_IP "filterref-learned-ip"
#define NWF_KEY_ATTACHED_MAC "attached-mac"     /* libvirt's. */
#define NWF_KEY_VM_ID "vm-id"                   /* libvirt's. */
#define NWF_KEY_IFACE_ID "iface-id"             /* libvirt's, OVN's. */

struct nwf_binding {
    char *owner_name;
    struct uuid owner_uuid;
    char *portdev;              /* The port's name: an OVSDB Interface. */
    struct eth_addr mac;
    char *filter;
    struct nwf_var_table params;
};

void nwf_binding_init(struct nwf_binding *);
void nwf_binding_destroy(struct nwf_binding *);

/* XML. */
bool nwf_binding_parse_buffer(const char *buf, size_t len, const char *name,
                              struct nwf_binding *, struct nwf_diag *)
    OVS_WARN_UNUSED_RESULT;
bool nwf_binding_validate_buffer(const char *buf, size_t len,
                                 const char *name,
                                 const struct nwf_schema *schema,
                                 struct nwf_binding *, struct nwf_diag *)
    OVS_WARN_UNUSED_RESULT;
void nwf_binding_format(const struct nwf_binding *, struct ds *);

/* The <filterref> of a binding or a domain's interface, for nwf-domain. */
struct _xmlNode;
struct nwf_xmldoc_ctx;
void nwf_binding_parse_filterref(struct nwf_xmldoc_ctx *,
                                 const struct _xmlNode *,
                                 char **filter, struct nwf_var_table *);

/* External-ids. */
char *nwf_binding_read_params(const struct smap *ids,
                              struct nwf_var_table *)
    OVS_WARN_UNUSED_RESULT;
char *nwf_binding_read_mac(const struct smap *ids, struct eth_addr *)
    OVS_WARN_UNUSED_RESULT;
char *nwf_binding_from_ids(const char *port, const struct smap *ids,
                           struct nwf_binding *)
    OVS_WARN_UNUSED_RESULT;
char *nwf_binding_check_port(const struct nwf_binding *,
                             const struct smap *ids)
    OVS_WARN_UNUSED_RESULT;
void nwf_binding_to_ids(const struct nwf_binding *, const struct smap *old,
                        struct smap *set, struct sset *unset);
void nwf_binding_unset_ids(const struct smap *old, struct sset *unset);
void nwf_binding_format_owner(const struct smap *ids, struct ds *);

#endif /* nwf-binding.h */
