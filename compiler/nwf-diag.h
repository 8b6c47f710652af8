/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_DIAG_H
#define NWF_DIAG_H 1

/* Diagnostics for bad input.
 *
 * Every stage of the compiler reports a problem with where it is: the file
 * (or other origin, such as an OVSDB row), the line, the element and the
 * attribute, and the offending value.  struct nwf_diag collects them so a
 * caller can print all at once ("nwf-ofctl validate") or show the first
 * ("filterref-status").
 *
 * Format of one message:
 *     FILE:LINE: <ELEMENT> attribute 'ATTR' value 'VALUE': TEXT
 * where each of LINE, ELEMENT, ATTR and VALUE is left out when unknown. */

#include <stdbool.h>
#include "openvswitch/compiler.h"
#include "openvswitch/dynamic-string.h"

struct nwf_diag_loc {
    const char *file;           /* File name or other origin, or NULL. */
    int line;                   /* Line number, or 0 if unknown. */
    const char *element;        /* Element name, or NULL. */
    const char *attr;           /* Attribute name, or NULL. */
    const char *value;          /* Offending value, or NULL. */
};

struct nwf_diag {
    struct ds text;             /* Messages, one per line. */
    unsigned int n_errors;
};

void nwf_diag_init(struct nwf_diag *);
void nwf_diag_destroy(struct nwf_diag *);
void nwf_diag_clear(struct nwf_diag *);

void nwf_diag_error(struct nwf_diag *, const struct nwf_diag_loc *,
                    const char *format, ...)
    OVS_PRINTF_FORMAT(3, 4);

static inline bool
nwf_diag_has_errors(const struct nwf_diag *diag)
{
    return diag->n_errors > 0;
}

/* All messages, newline-separated, without a trailing newline. */
const char *nwf_diag_text(const struct nwf_diag *);

/* The first message only, for one-line reports. */
char *nwf_diag_first(const struct nwf_diag *);

/* The first error, or a copy of 'fallback' if there is none. */
char *nwf_diag_first_or(const struct nwf_diag *, const char *fallback);

#endif /* nwf-diag.h */
