/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include <stdlib.h>

#include "nwf-diag.h"
#include "nwf-unit.h"

static void
test_diag_full_location(void)
{
    struct nwf_diag diag;
    nwf_diag_init(&diag);

    struct nwf_diag_loc loc = {
        .file = "f.xml", .line = 7, .element = "tcp",
        .attr = "dstportstart", .value = "70000",
    };
    nwf_diag_error(&diag, &loc, "must be %d to %d", 0, 65535);
    CU_ASSERT_STRING_EQUAL(nwf_diag_text(&diag),
                           "f.xml:7: <tcp> attribute 'dstportstart' "
                           "value '70000': must be 0 to 65535");
    CU_ASSERT_EQUAL(diag.n_errors, 1);
    nwf_diag_destroy(&diag);
}

static void
test_diag_partial_and_first(void)
{
    struct nwf_diag diag;
    nwf_diag_init(&diag);

    CU_ASSERT_FALSE(nwf_diag_has_errors(&diag));
    nwf_diag_error(&diag, &(struct nwf_diag_loc) { .file = "a.xml" },
                   "not well-formed");
    nwf_diag_error(&diag, NULL, "second");
    CU_ASSERT_STRING_EQUAL(nwf_diag_text(&diag),
                           "a.xml: not well-formed\nsecond");

    char *first = nwf_diag_first(&diag);
    CU_ASSERT_STRING_EQUAL(first, "a.xml: not well-formed");
    free(first);

    nwf_diag_clear(&diag);
    CU_ASSERT_STRING_EQUAL(nwf_diag_text(&diag), "");
    nwf_diag_destroy(&diag);
}

static const struct nwf_unit_test diag_tests[] = {
    { "full location", test_diag_full_location },
    { "partial location and first line", test_diag_partial_and_first },
    { NULL, NULL },
};

NWF_UNIT_SUITE(diag, diag_tests);
