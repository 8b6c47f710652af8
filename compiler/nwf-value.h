/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_VALUE_H
#define NWF_VALUE_H 1

/* Attribute values: parsing one from its XML text, formatting, copying,
 * comparing, as the row of the descriptor table (nwf-proto.h) that it
 * belongs to says.  The table is data; these are the functions that walk
 * a row's type to read and write its values. */

#include <stdbool.h>
#include <stdint.h>

#include "openvswitch/compiler.h"

struct ds;
struct eth_addr;
struct nwf_attr_desc;
struct nwf_value;

/* Values. */
char *nwf_value_parse(const struct nwf_attr_desc *, const char *text,
                      struct nwf_value *)
    OVS_WARN_UNUSED_RESULT;
void nwf_value_format(const struct nwf_attr_desc *, const struct nwf_value *,
                      struct ds *);
void nwf_value_clone(const struct nwf_attr_desc *, struct nwf_value *dst,
                     const struct nwf_value *src);
void nwf_value_destroy(const struct nwf_attr_desc *, struct nwf_value *);
bool nwf_value_equal(const struct nwf_attr_desc *, const struct nwf_value *,
                     const struct nwf_value *);
int nwf_value_compare(const struct nwf_attr_desc *, const struct nwf_value *,
                      const struct nwf_value *);
bool nwf_attr_is_range_end(const struct nwf_attr_desc *);

/* Name tables shared with other modules (e.g. for messages). */
const char *nwf_ethertype_name(uint16_t);
const char *nwf_ip_proto_name(uint8_t);

/* A MAC address as libvirt's XML writes one (also <mac address=...>). */
bool nwf_proto_parse_mac(const char *, struct eth_addr *);

#endif /* nwf-value.h */
