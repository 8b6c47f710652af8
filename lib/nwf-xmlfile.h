/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_XMLFILE_H
#define NWF_XMLFILE_H 1

/* The compiler's XML parsers, fed from files.
 *
 * The compiler parses buffers only; these read a file (a regular file,
 * at most NWF_XML_MAX_SIZE bytes: nwf-file.h) and hand its content to the
 * parser of the same name without "_file", with the file's name for the
 * messages.  A file that cannot be read is reported against its name
 * ("FILE: not a regular file"), as any other problem with it. */

#include <stdbool.h>
#include <stddef.h>

#include "openvswitch/compiler.h"

struct nwf_binding;
struct nwf_diag;
struct nwf_filter;
struct nwf_schema;

char *nwf_xmlfile_read(const char *file_name, size_t *lenp,
                       struct nwf_diag *)
    OVS_WARN_UNUSED_RESULT;

struct nwf_filter *nwf_xml_parse_file(const char *file_name,
                                      struct nwf_diag *)
    OVS_WARN_UNUSED_RESULT;
bool nwf_xml_validate_file(const char *file_name,
                           const struct nwf_schema *, struct nwf_diag *);
bool nwf_binding_parse_file(const char *file_name,
                            const struct nwf_schema *,
                            struct nwf_binding *, struct nwf_diag *)
    OVS_WARN_UNUSED_RESULT;

#endif /* nwf-xmlfile.h */
