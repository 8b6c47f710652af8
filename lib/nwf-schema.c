/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-schema.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <libxml/relaxng.h>

#include "nwf-diag.h"
#include "nwf-xmldoc.h"
#include "util.h"

struct nwf_schema *
nwf_schema_read(const char *file_name, struct nwf_diag *diag)
{
    /* libxml2 would say only that it failed to load the file. */
    if (access(file_name, R_OK)) {
        struct nwf_diag_loc loc = { .file = file_name };
        nwf_diag_error(diag, &loc, "cannot read the RELAX NG schema: %s",
                       ovs_strerror(errno));
        return NULL;
    }

    /* Parsed from its file name, so that its <include>s are found next to
     * it. */
    struct nwf_xmldoc_ctx ctx = {
        .file = file_name, .diag = diag, .prefix = "schema: ",
    };
    xmlRelaxNGParserCtxtPtr pctxt = xmlRelaxNGNewParserCtxt(file_name);
    xmlRelaxNGSetParserStructuredErrors(pctxt, nwf_xmldoc_error_handler,
                                        &ctx);
    xmlRelaxNGPtr rng = xmlRelaxNGParse(pctxt);
    xmlRelaxNGFreeParserCtxt(pctxt);
    if (!rng) {
        if (!ctx.n_errors) {
            nwf_xmldoc_report(&ctx, 0, NULL, NULL, NULL, "cannot parse the "
                              "RELAX NG schema %s", file_name);
        }
        return NULL;
    }

    struct nwf_schema *schema = xmalloc(sizeof *schema);
    schema->rng = rng;
    schema->name = xstrdup(file_name);
    return schema;
}

void
nwf_schema_destroy(struct nwf_schema *schema)
{
    if (schema) {
        xmlRelaxNGFree(schema->rng);
        free(schema->name);
        free(schema);
    }
}
