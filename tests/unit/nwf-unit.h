/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_UNIT_H
#define NWF_UNIT_H 1

/* Registration of CUnit suites for the single unit-test runner.
 *
 * Each tests/unit/test-*.c file declares its suite with NWF_UNIT_SUITE, so
 * adding a test file means adding it to tests/automake.mk and nothing
 * else:
 *
 *     static void test_foo(void) { CU_ASSERT_EQUAL(1, 1); }
 *
 *     static const struct nwf_unit_test foo_tests[] = {
 *         { "foo", test_foo },
 *         { NULL, NULL },
 *     };
 *     NWF_UNIT_SUITE(foo, foo_tests);
 */

#include <stdbool.h>
#include <CUnit/CUnit.h>

struct nwf_unit_test {
    const char *name;
    void (*func)(void);
};

struct nwf_unit_suite {
    const char *name;
    const struct nwf_unit_test *tests;
    struct nwf_unit_suite *next;
};

void nwf_unit_register(struct nwf_unit_suite *);

#define NWF_UNIT_SUITE(NAME, TESTS)                                     \
    static struct nwf_unit_suite nwf_unit_suite_##NAME = {              \
        #NAME, TESTS, NULL                                              \
    };                                                                  \
    static void nwf_unit_register_##NAME(void)                          \
        __attribute__((constructor));                                   \
    static void                                                         \
    nwf_unit_register_##NAME(void)                                      \
    {                                                                   \
        nwf_unit_register(&nwf_unit_suite_##NAME);                      \
    }

/* Directory of the source tree's tests/, for tests that read data files
 * (set by the runner from $srcdir or its own location). */
const char *nwf_unit_srcdir(void);

/* Reads all of 'file' into 's'; returns false if it cannot. */
struct ds;
bool nwf_unit_read_text(const char *file, struct ds *s);

/* Directory of the shared reference data (../shared/reference from the
 * project root), or NULL if it is not present. */
const char *nwf_unit_reference_dir(void);

struct nwf_flow;

/* Asserts that 'flow', printed, is a flow that Open vSwitch's own parser
 * reads as a flow_mod usable over OpenFlow 1.3, and that the parser makes
 * of that text exactly 'flow': the same table, priority, cookie, match and
 * ofpacts, byte for byte.  'what', if nonnull, names the case in the
 * failure message. */
void nwf_unit_check_flow(const struct nwf_flow *flow, const char *what);

/* Expectations for flow sets are written in ovs-ofctl syntax as a person
 * writes it ("in_port=3,reg0=0,ip actions=set_field:9->reg3"), while the
 * compiler's flows print as Open vSwitch prints them.  This returns
 * 'text' with each line that is a flow ("table=...") parsed and printed
 * again as nwf_flow_format() does, each run of flow lines sorted as
 * nwf_flow_set_format() sorts them; other lines ("# bridge-wide") stay as
 * they are.  A line that does not parse becomes "UNPARSABLE: LINE". */
char *nwf_unit_canonical_flows(const char *text);

/* Where the flow 'flow' (one flow, as a person writes it) is in 'text'
 * (flows as nwf_flow_format() prints them, one per line), or NULL. */
const char *nwf_unit_find_flow(const char *text, const char *flow);

#endif /* nwf-unit.h */
