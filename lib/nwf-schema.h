/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_SCHEMA_H
#define NWF_SCHEMA_H 1

/* RELAX NG schemas read from their files (schemas/nwfilter.rng,
 * schemas/nwfilterbinding.rng), with the files they include, for the
 * compiler's validators, which take them parsed (struct nwf_schema in
 * compiler/nwf-xmldoc.h) since the compiler reads no file. */

#include "openvswitch/compiler.h"

struct nwf_diag;
struct nwf_schema;

/* Reads and parses the schema in 'file_name'.  Returns it, or NULL after
 * adding to 'diag' why not, against the schema's file. */
struct nwf_schema *nwf_schema_read(const char *file_name, struct nwf_diag *)
    OVS_WARN_UNUSED_RESULT;
void nwf_schema_destroy(struct nwf_schema *);

#endif /* nwf-schema.h */
