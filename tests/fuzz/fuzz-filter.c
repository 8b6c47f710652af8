/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* Fuzz target for the parser, the formatter and the resolver.
 *
 * The input is up to NWF_FUZZ_MAX_DOCS filter documents separated by a
 * line "--".  Each is parsed; a parsed filter is formatted, and the
 * formatted text must parse again and format to the same bytes (the
 * canonical form is a fixed point).  Then the first filter is resolved
 * for a port with a few variables, looking the others up by name, so
 * filterrefs, lists and iterators are exercised too.
 *
 * Built with libFuzzer by "make fuzz" (clang); tests/fuzz/replay.c runs
 * the same function over the corpus in "make check". */

#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-resolve.h"
#include "nwf-vars.h"
#include "nwf-xml.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "util.h"

#define NWF_FUZZ_MAX_DOCS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_filters {
    struct nwf_filter *filters[NWF_FUZZ_MAX_DOCS];
    size_t n;
};

static const struct nwf_filter *
fuzz_lookup(const char *name, void *aux)
{
    const struct fuzz_filters *ff = aux;
    for (size_t i = 0; i < ff->n; i++) {
        if (ff->filters[i] && !strcmp(ff->filters[i]->name, name)) {
            return ff->filters[i];
        }
    }
    return NULL;
}

/* Formatting, parsing the result and formatting again must give the same
 * text: anything else is a formatter or parser bug. */
static void
check_round_trip(const struct nwf_filter *filter)
{
    char *first = nwf_xml_format_string(filter);
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_filter *again = nwf_xml_parse_buffer(first, strlen(first),
                                                    "formatted", &diag);
    if (!again) {
        fprintf(stderr, "formatted filter does not parse: %s\n%s\n",
                nwf_diag_text(&diag), first);
        abort();
    }
    char *second = nwf_xml_format_string(again);
    if (strcmp(first, second)) {
        fprintf(stderr, "format is not a fixed point:\n%s\n---\n%s\n",
                first, second);
        abort();
    }
    free(second);
    nwf_filter_destroy(again);
    nwf_diag_destroy(&diag);
    free(first);
}

static void
fuzz_resolve(struct fuzz_filters *ff)
{
    static const struct eth_addr mac = ETH_ADDR_C(52,54,00,12,34,56);
    struct nwf_var_table vars;
    nwf_var_table_init(&vars);
    nwf_var_table_add(&vars, "IP", "10.0.0.1");
    nwf_var_table_add(&vars, "IP", "10.0.0.2");
    nwf_var_table_add(&vars, "A", "80");
    nwf_var_table_add(&vars, "A", "90");
    nwf_var_table_add(&vars, "DHCPSERVER", "10.0.0.254");

    struct nwf_resolved resolved;
    struct nwf_diag diag;
    nwf_resolved_init(&resolved);
    nwf_diag_init(&diag);
    enum nwf_resolve_status status
        = nwf_resolve(ff->filters[0]->name, &vars, &mac, fuzz_lookup, ff,
                      &resolved, &diag);
    if (status == NWF_RESOLVE_OK) {
        struct ds s = DS_EMPTY_INITIALIZER;
        nwf_resolved_format(&resolved, &s);
        ds_destroy(&s);
    }
    nwf_diag_destroy(&diag);
    nwf_resolved_destroy(&resolved);
    nwf_var_table_destroy(&vars);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialized;
    if (!initialized) {
        initialized = true;
        vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
    }

    struct fuzz_filters ff = { .n = 0 };
    const char *p = (const char *) data;
    const char *end = p + size;
    while (p <= end && ff.n < NWF_FUZZ_MAX_DOCS) {
        const char *sep = memmem(p, end - p, "\n--\n", 4);
        const char *doc_end = sep ? sep : end;

        struct nwf_diag diag;
        nwf_diag_init(&diag);
        struct nwf_filter *f = nwf_xml_parse_buffer(p, doc_end - p,
                                                    "fuzz", &diag);
        if (f) {
            check_round_trip(f);
        } else if (!nwf_diag_has_errors(&diag)) {
            fprintf(stderr, "parse failed without a message\n");
            abort();
        }
        nwf_diag_destroy(&diag);
        ff.filters[ff.n++] = f;

        if (!sep) {
            break;
        }
        p = sep + 4;
    }

    if (ff.n && ff.filters[0]) {
        fuzz_resolve(&ff);
    }
    for (size_t i = 0; i < ff.n; i++) {
        nwf_filter_destroy(ff.filters[i]);
    }
    return 0;
}
