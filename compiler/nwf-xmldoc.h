/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_XMLDOC_H
#define NWF_XMLDOC_H 1

/* Untrusted XML documents: the one way the compiler's parsers (filters,
 * filter bindings, libvirt domains) read XML with libxml2.
 *
 * A document is refused if it is larger than NWF_XML_MAX_SIZE, is not
 * UTF-8 (or holds a NUL), has a DTD (so no entity is ever declared or
 * expanded), nests elements deeper than 'max_depth' or is not well
 * formed; the parser never touches the network.  Every problem goes to
 * the context's struct nwf_diag with the file, line, element, attribute
 * and value (nwf-diag.h), and is counted in the context, so that a
 * parser can tell whether its own part added errors.
 *
 * Documents come as buffers: reading files is for the callers
 * (lib/nwf-xmlfile.h), since the compiler touches no file. */

#include <stdbool.h>
#include <stddef.h>

#include <libxml/relaxng.h>
#include <libxml/tree.h>

#include "openvswitch/compiler.h"

struct ds;
struct nwf_diag;
struct uuid;

#define NWF_XML_MAX_SIZE (1024 * 1024)  /* Bytes. */
#define NWF_XML_MAX_DEPTH 16            /* Element nesting of filters. */

/* State of the parse of one document. */
struct nwf_xmldoc_ctx {
    const char *file;           /* Name for messages. */
    struct nwf_diag *diag;
    unsigned int n_errors;      /* Errors added through this context. */
    int max_depth;              /* 0 means NWF_XML_MAX_DEPTH. */
    bool saw_dtd;
    const char *prefix;         /* For libxml2's messages, or NULL. */
};

void nwf_xmldoc_report(struct nwf_xmldoc_ctx *, int line,
                       const char *element, const char *attr,
                       const char *value, const char *format, ...)
    OVS_PRINTF_FORMAT(6, 7);

xmlDocPtr nwf_xmldoc_parse(struct nwf_xmldoc_ctx *, const char *buf,
                           size_t len)
    OVS_WARN_UNUSED_RESULT;

/* libxml2's structured errors for a parse with context 'ctx_' (a struct
 * nwf_xmldoc_ctx), reported through it: for readers of what the compiler
 * does not read itself, such as RELAX NG schemas (lib/nwf-schema.h). */
void nwf_xmldoc_error_handler(void *ctx_, xmlErrorPtr);

/* A RELAX NG schema, parsed (lib/nwf-schema.h reads one from its file,
 * with the files it includes). */
struct nwf_schema {
    xmlRelaxNGPtr rng;
    char *name;                 /* Its file, for messages. */
};

void nwf_xmldoc_validate_schema(struct nwf_xmldoc_ctx *, xmlDocPtr,
                                const struct nwf_schema *);

/* Nodes. */
int nwf_xmldoc_line(const xmlNode *);
const char *nwf_xmldoc_name(const xmlNode *);
bool nwf_xmldoc_is(const xmlNode *, const char *name);
char *nwf_xmldoc_prop(const xmlNode *, const char *name);
char *nwf_xmldoc_nonempty_prop(const xmlNode *, const char *name);
const xmlNode *nwf_xmldoc_child(const xmlNode *, const char *name);
char *nwf_xmldoc_child_text(const xmlNode *, const char *name, int *linep);

/* Values. */
bool nwf_xmldoc_parse_uuid(const char *, struct uuid *);
void nwf_xmldoc_put_escaped(struct ds *, const char *);

#endif /* nwf-xmldoc.h */
