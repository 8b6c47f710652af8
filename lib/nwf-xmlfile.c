/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-xmlfile.h"

#include <stdlib.h>

#include "nwf-binding.h"
#include "nwf-file.h"
#include "nwf-xml.h"
#include "nwf-xmldoc.h"

/* Reads XML file 'file_name' whole, up to one byte more than
 * NWF_XML_MAX_SIZE, so that the parser refuses a larger one with its own
 * message.  Returns a malloc()ed buffer of '*lenp' bytes, or NULL after
 * reporting to 'diag'. */
char *
nwf_xmlfile_read(const char *file_name, size_t *lenp, struct nwf_diag *diag)
{
    return nwf_file_read(file_name, NWF_XML_MAX_SIZE, lenp, diag);
}

/* nwf_xml_parse_buffer() of file 'file_name'.  Returns the filter, or
 * NULL after adding at least one message to 'diag'. */
struct nwf_filter *
nwf_xml_parse_file(const char *file_name, struct nwf_diag *diag)
{
    size_t len;
    char *buf = nwf_xmlfile_read(file_name, &len, diag);
    if (!buf) {
        return NULL;
    }
    struct nwf_filter *filter = nwf_xml_parse_buffer(buf, len, file_name,
                                                     diag);
    free(buf);
    return filter;
}

/* nwf_xml_validate_buffer() of file 'file_name', for "nwf-ofctl
 * validate". */
bool
nwf_xml_validate_file(const char *file_name,
                      const struct nwf_schema *schema, struct nwf_diag *diag)
{
    size_t len;
    char *buf = nwf_xmlfile_read(file_name, &len, diag);
    if (!buf) {
        return false;
    }
    bool ok = nwf_xml_validate_buffer(buf, len, file_name, schema, diag);
    free(buf);
    return ok;
}

/* nwf_binding_validate_buffer() of file 'file_name'. */
bool
nwf_binding_parse_file(const char *file_name, const struct nwf_schema *schema,
                       struct nwf_binding *b, struct nwf_diag *diag)
{
    size_t len;
    char *buf = nwf_xmlfile_read(file_name, &len, diag);
    if (!buf) {
        return false;
    }
    bool ok = nwf_binding_validate_buffer(buf, len, file_name, schema, b,
                                          diag);
    free(buf);
    return ok;
}
