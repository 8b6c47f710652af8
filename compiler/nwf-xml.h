/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_XML_H
#define NWF_XML_H 1

/* Filter XML <-> model.
 *
 * The parser reads libvirt's <filter> language into a struct nwf_filter,
 * doing the checks libvirt does in C (chains, priorities, attribute
 * datatypes and ranges, ports only with tcp/udp/dccp/sctp, ...).  The
 * formatter prints a filter in libvirt's canonical layout, byte for byte
 * what "virsh nwfilter-dumpxml" prints for the same input.
 *
 * Input is untrusted, comes as a buffer (lib/nwf-xmlfile.h reads files)
 * and is read as nwf-xmldoc.h says (no DTD, no entities,
 * at most NWF_XML_MAX_SIZE bytes and NWF_XML_MAX_DEPTH levels, UTF-8).
 * Every problem is reported through struct nwf_diag with the file, line,
 * element, attribute and value. */

#include <stdbool.h>
#include <stddef.h>
#include "nwf-xmldoc.h"
#include "openvswitch/compiler.h"

struct ds;
struct nwf_diag;
struct nwf_filter;
struct nwf_schema;
struct shash;

struct nwf_filter *nwf_xml_parse_buffer(const char *buf, size_t len,
                                        const char *name, struct nwf_diag *)
    OVS_WARN_UNUSED_RESULT;
struct nwf_filter *nwf_xml_parse_named(const char *buf, size_t len,
                                       const char *origin, const char *name,
                                       struct nwf_diag *)
    OVS_WARN_UNUSED_RESULT;

void nwf_xml_format(const struct nwf_filter *, struct ds *);
char *nwf_xml_format_string(const struct nwf_filter *);
void nwf_xml_format_filterref(const char *filter, const struct shash *params,
                              struct ds *);

/* Full check of a filter file's content, for "nwf-ofctl validate": safe
 * and well-formed XML, valid against RELAX NG schema 'schema'
 * (schemas/nwfilter.rng; skipped if NULL), accepted by the parser and by
 * nwf_filter_check() as a define would be.  Returns true if valid;
 * otherwise adds one message per problem. */
bool nwf_xml_validate_buffer(const char *buf, size_t len, const char *name,
                             const struct nwf_schema *schema,
                             struct nwf_diag *);

#endif /* nwf-xml.h */
