/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* The CUnit runner for every unit suite registered with NWF_UNIT_SUITE.
 *
 * Usage: nwf-unit-tests [SUITE...]
 * Runs the named suites, or all of them, and ends with a line
 * "N passed, N failed" counting individual tests. */

#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <CUnit/Basic.h>

#include "byte-order.h"
#include "nwf-flow-set.h"
#include "nwf-unit.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-protocol.h"
#include "util.h"

static struct nwf_unit_suite *suites;
static char *srcdir;
static char *reference_dir;

/* Reads all of 'file' into 's'; returns false if it cannot. */
bool
nwf_unit_read_text(const char *file, struct ds *s)
{
    FILE *stream = fopen(file, "r");
    if (!stream) {
        return false;
    }
    ds_clear(s);
    int c;
    while ((c = getc(stream)) != EOF) {
        ds_put_char(s, c);
    }
    fclose(stream);
    return true;
}

void
nwf_unit_register(struct nwf_unit_suite *suite)
{
    suite->next = suites;
    suites = suite;
}

const char *
nwf_unit_srcdir(void)
{
    return srcdir;
}

const char *
nwf_unit_reference_dir(void)
{
    return reference_dir;
}

void
nwf_unit_check_flow(const struct nwf_flow *flow, const char *what)
{
    struct ds text = DS_EMPTY_INITIALIZER;
    nwf_flow_format(flow, &text);

    struct ofputil_flow_mod fm;
    enum ofputil_protocol usable;
    char *error = parse_ofp_flow_mod_str(&fm, ds_cstr(&text), NULL, NULL,
                                         OFPFC_ADD, &usable);
    if (error) {
        fprintf(stderr, "\n%s%s%s -> %s\n", what ? what : "",
                what ? ": " : "", ds_cstr(&text), error);
        free(error);
        CU_FAIL("flow does not parse");
        ds_destroy(&text);
        return;
    }
    CU_ASSERT(usable & OFPUTIL_P_OF13_OXM);

    /* Built typed, the flow must be what Open vSwitch's parser makes of
     * its text: the same match, and actions that go to the switch as the
     * same OpenFlow 1.3 bytes and print the same (the bytes of ofpacts
     * themselves may differ in padding, which the parser leaves as it
     * finds it). */
    struct ofpbuf parsed_of, typed_of;
    ofpbuf_init(&parsed_of, 0);
    ofpbuf_init(&typed_of, 0);
    ofpacts_put_openflow_instructions(fm.ofpacts, fm.ofpacts_len,
                                      &parsed_of, OFP13_VERSION);
    ofpacts_put_openflow_instructions(flow->ofpacts, flow->ofpacts_len,
                                      &typed_of, OFP13_VERSION);
    bool same = (fm.table_id == flow->table
                 && fm.priority == flow->priority
                 && ntohll(fm.new_cookie) == flow->cookie
                 && minimatch_equal(&fm.match, &flow->match)
                 && fm.ofpacts_len == flow->ofpacts_len
                 && ofpbuf_equal(&parsed_of, &typed_of)
                 && ofpacts_equal_stringwise(fm.ofpacts, fm.ofpacts_len,
                                             flow->ofpacts,
                                             flow->ofpacts_len));
    ofpbuf_uninit(&parsed_of);
    ofpbuf_uninit(&typed_of);
    if (!same) {
        fprintf(stderr, "\n%s%s%s: built typed, not as parsed\n",
                what ? what : "", what ? ": " : "", ds_cstr(&text));
    }
    CU_ASSERT(same);
    minimatch_destroy(&fm.match);
    free(CONST_CAST(struct ofpact *, fm.ofpacts));
    ds_destroy(&text);
}

static void
put_canonical(struct nwf_flow_set *set, struct ds *out)
{
    nwf_flow_set_format(set, out);
    nwf_flow_set_clear(set);
}

char *
nwf_unit_canonical_flows(const char *text)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    struct nwf_flow_set set;
    nwf_flow_set_init(&set);

    char *copy = xstrdup(text);
    char *save_ptr = NULL;
    for (char *line = strtok_r(copy, "\n", &save_ptr); line;
         line = strtok_r(NULL, "\n", &save_ptr)) {
        char *error = (!strncmp(line, "table=", 6)
                       ? nwf_flow_set_add_text(&set, line) : NULL);
        if (error || strncmp(line, "table=", 6)) {
            put_canonical(&set, &out);
            ds_put_format(&out, "%s%s\n", error ? "UNPARSABLE: " : "",
                          line);
        }
        free(error);
    }
    put_canonical(&set, &out);
    nwf_flow_set_destroy(&set);
    free(copy);
    return ds_steal_cstr(&out);
}

const char *
nwf_unit_find_flow(const char *text, const char *flow)
{
    char *want = nwf_unit_canonical_flows(flow);
    const char *found = (strncmp(want, "UNPARSABLE", 10)
                         ? strstr(text, want) : NULL);
    free(want);
    return found;
}

static char *
path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 1;
    char *s = malloc(n);
    if (!s) {
        abort();
    }
    snprintf(s, n, "%s%s", a, b);
    return s;
}

/* The tests find their data through $srcdir (the top of the source tree,
 * set by "make check") and the shared reference data through
 * $NWF_REFERENCE_DIR, which defaults to ../shared/reference beside the
 * source tree, where it sits in development and in CI. */
static void
find_dirs(void)
{
    const char *top = getenv("srcdir") ? getenv("srcdir") : ".";
    srcdir = path_join(top, "/tests");

    const char *env = getenv("NWF_REFERENCE_DIR");
    char *dir = (env ? path_join(env, "")
                 : path_join(top, "/../shared/reference"));
    if (access(dir, R_OK) == 0) {
        reference_dir = dir;
    } else {
        /* Conformance suites compare against this data; without it they
         * would prove nothing, so they fail rather than skip. */
        fprintf(stderr, "warning: libvirt reference data not found at %s "
                "(set NWF_REFERENCE_DIR); the conformance tests will "
                "fail\n", dir);
        free(dir);
    }
}

static int
wanted(const char *name, int argc, char *argv[])
{
    if (argc <= 1) {
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], name)) {
            return 1;
        }
    }
    return 0;
}

int
main(int argc, char *argv[])
{
    find_dirs();
    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
        return EXIT_FAILURE;
    }

    for (int i = 1; i < argc; i++) {
        bool found = false;
        for (struct nwf_unit_suite *s = suites; s; s = s->next) {
            found = found || !strcmp(s->name, argv[i]);
        }
        if (!found) {
            fprintf(stderr, "%s: no such suite\n", argv[i]);
            return EXIT_FAILURE;
        }
    }

    for (struct nwf_unit_suite *s = suites; s; s = s->next) {
        if (!wanted(s->name, argc, argv)) {
            continue;
        }
        CU_pSuite suite = CU_add_suite(s->name, NULL, NULL);
        for (const struct nwf_unit_test *t = s->tests; t->name; t++) {
            CU_add_test(suite, t->name, t->func);
        }
    }

    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned int run = CU_get_number_of_tests_run();
    unsigned int failed = CU_get_number_of_tests_failed();
    CU_cleanup_registry();

    printf("\nunit: %u passed, %u failed\n", run - failed, failed);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
