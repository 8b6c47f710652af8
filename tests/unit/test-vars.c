/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "nwf-unit.h"
#include "nwf-vars.h"
#include "openvswitch/dynamic-string.h"
#include "sset.h"
#include "svec.h"
#include "util.h"

/* The variable table that libvirt's nwfilterxml2firewall tests bind. */
static void
init_libvirt_table(struct nwf_var_table *t)
{
    static const char *a[] = { "1.1.1.1", "2.2.2.2", "3.3.3.3", "3.3.3.3" };
    static const char *b[] = { "80", "90", "80", "80" };
    static const char *c[] = { "1080", "1090", "1100", "1110" };

    nwf_var_table_init(t);
    for (size_t i = 0; i < 4; i++) {
        CU_ASSERT_TRUE(nwf_var_table_add(t, "A", a[i]));
        CU_ASSERT_TRUE(nwf_var_table_add(t, "B", b[i]));
        CU_ASSERT_TRUE(nwf_var_table_add(t, "C", c[i]));
    }
    CU_ASSERT_TRUE(nwf_var_table_add(t, "IPSETNAME", "tck_test"));
}

/* Expands the space-separated accesses 'refs' in 't' and returns the
 * combinations as "v1,v2 v1,v2 ..." (or "ERROR: message"). */
static char *
expand(const struct nwf_var_table *t, const char *refs)
{
    struct nwf_var_access accesses[16];
    const struct nwf_var_access *ptrs[16];
    struct svec words = SVEC_EMPTY_INITIALIZER;
    struct nwf_var_combos combos;
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t n;

    svec_parse_words(&words, refs);
    n = words.n;
    ovs_assert(n <= 16);
    for (size_t i = 0; i < n; i++) {
        char *error = nwf_var_access_parse(words.names[i], &accesses[i]);
        if (error) {
            ds_put_format(&s, "PARSE: %s", error);
            free(error);
            n = i;
            goto out;
        }
        ptrs[i] = &accesses[i];
    }

    char *error = nwf_var_expand(ptrs, n, t, &combos);
    if (error) {
        ds_put_format(&s, "ERROR: %s", error);
        free(error);
        goto out;
    }
    for (size_t c = 0; c < combos.n; c++) {
        if (c) {
            ds_put_char(&s, ' ');
        }
        for (size_t v = 0; v < n; v++) {
            ds_put_format(&s, "%s%s", v ? "," : "",
                          nwf_var_combos_get(&combos, c, v));
        }
    }
    nwf_var_combos_destroy(&combos);

out:
    for (size_t i = 0; i < n; i++) {
        nwf_var_access_destroy(&accesses[i]);
    }
    svec_destroy(&words);
    return ds_steal_cstr(&s);
}

#define CHECK_EXPAND(TABLE, REFS, EXPECTED)                 \
    do {                                                    \
        char *got_ = expand(TABLE, REFS);                   \
        CU_ASSERT_STRING_EQUAL(got_, EXPECTED);             \
        if (strcmp(got_, EXPECTED)) {                       \
            fprintf(stderr, "\n%s:\n  got  %s\n  want %s\n", \
                    REFS, got_, EXPECTED);                  \
        }                                                   \
        free(got_);                                         \
    } while (0)

static void
test_vars_lockstep(void)
{
    struct nwf_var_table t;
    init_libvirt_table(&t);

    /* iter1: the 4th pair repeats the 3rd and is skipped. */
    CHECK_EXPAND(&t, "$A $B", "1.1.1.1,80 2.2.2.2,90 3.3.3.3,80");
    CHECK_EXPAND(&t, "$A[@0] $B", "1.1.1.1,80 2.2.2.2,90 3.3.3.3,80");
    /* iter2 rule 6: the same access twice. */
    CHECK_EXPAND(&t, "$A $A",
                 "1.1.1.1,1.1.1.1 2.2.2.2,2.2.2.2 3.3.3.3,3.3.3.3");
    /* A list alone loses its duplicates. */
    CHECK_EXPAND(&t, "$B", "80 90");
    /* Three lists in parallel: no tuple repeats. */
    CHECK_EXPAND(&t, "$A $B $C",
                 "1.1.1.1,80,1080 2.2.2.2,90,1090 3.3.3.3,80,1100 "
                 "3.3.3.3,80,1110");
    nwf_var_table_destroy(&t);
}

static void
test_vars_cartesian(void)
{
    struct nwf_var_table t;
    init_libvirt_table(&t);

    /* iter2 rule 2: 3 x 2 = 6, the first iterator fastest. */
    CHECK_EXPAND(&t, "$A[@1] $B[@2]",
                 "1.1.1.1,80 2.2.2.2,80 3.3.3.3,80 "
                 "1.1.1.1,90 2.2.2.2,90 3.3.3.3,90");
    /* iter2 rule 3: B and C in lock-step, 3 x 4 = 12. */
    CHECK_EXPAND(&t, "$A[@1] $B[@2] $C[@2]",
                 "1.1.1.1,80,1080 2.2.2.2,80,1080 3.3.3.3,80,1080 "
                 "1.1.1.1,90,1090 2.2.2.2,90,1090 3.3.3.3,90,1090 "
                 "1.1.1.1,80,1100 2.2.2.2,80,1100 3.3.3.3,80,1100 "
                 "1.1.1.1,80,1110 2.2.2.2,80,1110 3.3.3.3,80,1110");
    /* iter2 rule 5: one list against itself, 3 x 3 = 9. */
    CHECK_EXPAND(&t, "$A[@1] $A[@2]",
                 "1.1.1.1,1.1.1.1 2.2.2.2,1.1.1.1 3.3.3.3,1.1.1.1 "
                 "1.1.1.1,2.2.2.2 2.2.2.2,2.2.2.2 3.3.3.3,2.2.2.2 "
                 "1.1.1.1,3.3.3.3 2.2.2.2,3.3.3.3 3.3.3.3,3.3.3.3");
    /* Iterator @0 comes first wherever it appears. */
    CHECK_EXPAND(&t, "$A[@1] $B",
                 "1.1.1.1,80 1.1.1.1,90 2.2.2.2,80 2.2.2.2,90 "
                 "3.3.3.3,80 3.3.3.3,90");
    /* Otherwise the order of first use decides. */
    CHECK_EXPAND(&t, "$B[@2] $A[@1]",
                 "80,1.1.1.1 90,1.1.1.1 80,2.2.2.2 90,2.2.2.2 "
                 "80,3.3.3.3 90,3.3.3.3");

    /* iter2 rule 4: 3 x 2 x 4 = 24, checked by count and ends. */
    char *got = expand(&t, "$A[@1] $B[@2] $C[@3]");
    struct svec words = SVEC_EMPTY_INITIALIZER;
    svec_parse_words(&words, got);
    CU_ASSERT_EQUAL(words.n, 24);
    if (words.n == 24) {
        CU_ASSERT_STRING_EQUAL(words.names[0], "1.1.1.1,80,1080");
        CU_ASSERT_STRING_EQUAL(words.names[3], "1.1.1.1,90,1080");
        CU_ASSERT_STRING_EQUAL(words.names[6], "1.1.1.1,80,1090");
        CU_ASSERT_STRING_EQUAL(words.names[23], "3.3.3.3,90,1110");
    }
    svec_destroy(&words);
    free(got);
    nwf_var_table_destroy(&t);
}

static void
test_vars_fixed_index(void)
{
    struct nwf_var_table t;
    init_libvirt_table(&t);

    /* iter3. */
    CHECK_EXPAND(&t, "$A[0] $B[@0]", "1.1.1.1,80 1.1.1.1,90");
    CHECK_EXPAND(&t, "$A[1] $B[@2]", "2.2.2.2,80 2.2.2.2,90");
    CHECK_EXPAND(&t, "$A[1] $B[2] $C[2]", "2.2.2.2,80,1100");
    CHECK_EXPAND(&t, "$A[3]", "3.3.3.3");
    /* No variables: one combination. */
    CHECK_EXPAND(&t, "", "");

    struct nwf_var_combos combos;
    char *error = nwf_var_expand(NULL, 0, &t, &combos);
    CU_ASSERT_PTR_NULL(error);
    CU_ASSERT_EQUAL(combos.n, 1);
    CU_ASSERT_EQUAL(combos.n_vars, 0);
    nwf_var_combos_destroy(&combos);
    nwf_var_table_destroy(&t);
}

static void
test_vars_cardinality(void)
{
    struct nwf_var_table t;
    init_libvirt_table(&t);
    CU_ASSERT_PTR_NULL(nwf_var_table_add_list(&t, "D", "1,2,3",
                                              NWF_VAR_STRICT));

    CHECK_EXPAND(&t, "$A $D",
                 "ERROR: Cardinality of list items must be the same for "
                 "processing them in parallel: $A has 4 values, "
                 "$D has 3 values");
    CHECK_EXPAND(&t, "$A[@1] $B $D[@1]",
                 "ERROR: Cardinality of list items must be the same for "
                 "processing them in parallel: $A[@1] has 4 values, "
                 "$D[@1] has 3 values");
    /* Different iterators may differ in length. */
    CHECK_EXPAND(&t, "$D[@1] $B[@2]", "1,80 2,80 3,80 1,90 2,90 3,90");
    /* An element access is not part of any iterator. */
    CHECK_EXPAND(&t, "$A $D[2]",
                 "1.1.1.1,3 2.2.2.2,3 3.3.3.3,3");
    nwf_var_table_destroy(&t);
}

static void
test_vars_missing(void)
{
    struct nwf_var_table t;
    init_libvirt_table(&t);

    CHECK_EXPAND(&t, "$B[4]",
                 "ERROR: unresolvable variables or unavailable list "
                 "elements: B[4]");
    CHECK_EXPAND(&t, "$Z[@2] $A $B[3] $B[7] $IP",
                 "ERROR: unresolvable variables or unavailable list "
                 "elements: B[7], IP, Z[@2]");

    struct nwf_var_access a, b, c;
    const struct nwf_var_access *ptrs[] = { &a, &b, &c };
    struct sset missing = SSET_INITIALIZER(&missing);

    CU_ASSERT_PTR_NULL(nwf_var_access_parse("$IP", &a));
    CU_ASSERT_PTR_NULL(nwf_var_access_parse("$IP[@3]", &b));
    CU_ASSERT_PTR_NULL(nwf_var_access_parse("$A", &c));
    CU_ASSERT_FALSE(nwf_var_missing_only_ip(&missing));
    nwf_var_collect_missing(ptrs, 3, &t, &missing);
    CU_ASSERT_EQUAL(sset_count(&missing), 2);
    CU_ASSERT_TRUE(nwf_var_missing_only_ip(&missing));

    sset_add(&missing, "IP[0]");
    CU_ASSERT_FALSE(nwf_var_missing_only_ip(&missing));
    sset_find_and_delete(&missing, "IP[0]");
    sset_add(&missing, "MAC");
    CU_ASSERT_FALSE(nwf_var_missing_only_ip(&missing));
    sset_find_and_delete(&missing, "MAC");
    sset_add(&missing, "IPV6");
    CU_ASSERT_FALSE(nwf_var_missing_only_ip(&missing));

    char *s = nwf_var_missing_to_string(&missing);
    CU_ASSERT_STRING_EQUAL(s, "IP, IPV6, IP[@3]");
    free(s);

    sset_destroy(&missing);
    nwf_var_access_destroy(&a);
    nwf_var_access_destroy(&b);
    nwf_var_access_destroy(&c);
    nwf_var_table_destroy(&t);
}

/* Parses 's' and returns its canonical form, or "ERROR: ...".  Also
 * checks that a copy of what was parsed equals the original. */
static char *
reformat(const char *s)
{
    struct nwf_var_access a;
    char *error = nwf_var_access_parse(s, &a);
    if (error) {
        char *r = xasprintf("ERROR: %s", error);
        free(error);
        CU_ASSERT_PTR_NULL(a.name);
        return r;
    }

    struct nwf_var_access copy;
    nwf_var_access_clone(&copy, &a);
    CU_ASSERT_TRUE(nwf_var_access_equal(&copy, &a));
    nwf_var_access_destroy(&copy);

    char *r = nwf_var_access_to_string(&a);
    nwf_var_access_destroy(&a);
    return r;
}

#define CHECK_REFORMAT(IN, OUT)                 \
    do {                                        \
        char *got_ = reformat(IN);              \
        CU_ASSERT_STRING_EQUAL(got_, OUT);      \
        free(got_);                             \
    } while (0)

static void
test_vars_access_syntax(void)
{
    CHECK_REFORMAT("$A", "$A");
    CHECK_REFORMAT("$C[@0]", "$C");
    CHECK_REFORMAT("$A[@1]", "$A[@1]");
    CHECK_REFORMAT("$A[ @1 ]", "$A[@1]");
    CHECK_REFORMAT("$B[  @0 ] ", "$B");
    CHECK_REFORMAT("$A[ 0]", "$A[0]");
    CHECK_REFORMAT("$A[ 1 ] ", "$A[1]");
    CHECK_REFORMAT("$A_1[ @ 7 ] ", "$A_1[@7]");
    CHECK_REFORMAT("$A[\t12\t]", "$A[12]");
    CHECK_REFORMAT("$X_1[17]", "$X_1[17]");
    CHECK_REFORMAT("$A[@1000]", "$A[@1000]");
    /* The limit is on iterator ids only. */
    CHECK_REFORMAT("$A[1001]", "$A[1001]");
    CHECK_REFORMAT("$A[4294967295]", "$A[4294967295]");

    /* Messages do not quote the reference: the XML parser reports it
     * with the attribute. */
    CHECK_REFORMAT("$A[@1001]",
                   "ERROR: iterator id 1001 exceeds the maximum of 1000");
    /* The limit is checked before what follows ']'. */
    CHECK_REFORMAT("$A[@1001]x",
                   "ERROR: iterator id 1001 exceeds the maximum of 1000");
    CHECK_REFORMAT("$A[@99999999999999999999]",
                   "ERROR: malformed variable reference: expected $NAME, "
                   "$NAME[@ITERATOR] or $NAME[INDEX]");
    CHECK_REFORMAT("$", "ERROR: variable name must consist of letters, "
                   "digits and '_'");
    CHECK_REFORMAT("A", "ERROR: variable reference must start with '$'");

    static const char *bad[] = {
        "$[1]", "$A[", "$A[]", "$A[@]", "$A[-1]", "$A[+1]", "$A[@ -1]",
        "$A[1", "$A[x]", "$A[1]x", "$A-B", "$A.B", "$A[@1][2]",
        "$A[4294967296]",
        /* libvirt, too, allows no blanks between the name and '['. */
        "$A [1]", "$A [@1]",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        char *got = reformat(bad[i]);
        CU_ASSERT_EQUAL(strncmp(got, "ERROR: ", 7), 0);
        if (strncmp(got, "ERROR: ", 7)) {
            fprintf(stderr, "\n'%s' was accepted as %s\n", bad[i], got);
        }
        free(got);
    }

    struct nwf_var_access a;
    char *error = nwf_var_access_parse(NULL, &a);
    CU_ASSERT_PTR_NOT_NULL(error);
    free(error);
    CU_ASSERT_TRUE(nwf_var_is_reference("$A"));
    CU_ASSERT_FALSE(nwf_var_is_reference("10.0.0.1"));
    CU_ASSERT_FALSE(nwf_var_is_reference(NULL));

    struct nwf_var_access x, y;
    CU_ASSERT_PTR_NULL(nwf_var_access_parse("$A", &x));
    CU_ASSERT_PTR_NULL(nwf_var_access_parse("$A[ @0 ]", &y));
    CU_ASSERT_TRUE(nwf_var_access_equal(&x, &y));
    nwf_var_access_destroy(&y);
    CU_ASSERT_PTR_NULL(nwf_var_access_parse("$A[0]", &y));
    CU_ASSERT_FALSE(nwf_var_access_equal(&x, &y));
    nwf_var_access_destroy(&y);
    nwf_var_access_clone(&y, &x);
    CU_ASSERT_TRUE(nwf_var_access_equal(&x, &y));
    nwf_var_access_destroy(&x);
    nwf_var_access_destroy(&y);
}

static void
test_vars_names_values(void)
{
    static const struct {
        const char *s;
        bool name;              /* Valid as a name? */
        bool value;             /* Valid as a value? */
    } cases[] = {
        { "CTRL_IP_LEARNING", true, true },
        { "a_1", true, true },
        { "10.0.0.1", false, true },
        { "fe80::1", false, true },
        { "bad-name", false, false },
        { "a/b", false, false },
        { "1 2", false, false },
        { "", false, false },
        { NULL, false, false },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        CU_ASSERT_EQUAL(nwf_var_name_is_valid(cases[i].s), cases[i].name);
        CU_ASSERT_EQUAL(nwf_var_value_is_valid(cases[i].s),
                        cases[i].value);
    }
}

static char *
format_table(const struct nwf_var_table *t)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    nwf_var_table_format(t, &s);
    return ds_steal_cstr(&s);
}

#define CHECK_TABLE(TABLE, EXPECTED)                \
    do {                                            \
        char *got_ = format_table(TABLE);           \
        CU_ASSERT_STRING_EQUAL(got_, EXPECTED);     \
        free(got_);                                 \
    } while (0)

static void
test_vars_overlay(void)
{
    struct nwf_var_table params, caller, child;

    /* <filterref filter='X'><parameter name='IP' .../> ... with the
     * binding passing its own IP: the caller's list replaces the
     * filterref's, names only the filterref has pass through. */
    nwf_var_table_init(&params);
    nwf_var_table_add(&params, "IP", "10.0.0.1");
    nwf_var_table_add(&params, "PORT", "22");
    nwf_var_table_add(&params, "PORT", "80");
    nwf_var_table_init(&caller);
    nwf_var_table_add(&caller, "IP", "192.168.0.1");
    nwf_var_table_add(&caller, "IP", "192.168.0.2");
    nwf_var_table_add(&caller, "MAC", "52:54:00:00:00:01");

    nwf_var_table_init_overlay(&child, &params, &caller);
    CHECK_TABLE(&child, "IP=192.168.0.1,192.168.0.2 "
                "MAC=52:54:00:00:00:01 PORT=22,80");
    CU_ASSERT_EQUAL(nwf_var_table_count(&child), 3);
    CU_ASSERT_EQUAL(nwf_var_table_n_values(&child, "IP"), 2);
    CU_ASSERT_STRING_EQUAL(nwf_var_table_get(&child, "IP", 1),
                           "192.168.0.2");
    CU_ASSERT_PTR_NULL(nwf_var_table_get(&child, "IP", 2));
    CU_ASSERT_PTR_NULL(nwf_var_table_get(&child, "NOPE", 0));
    /* The inputs are untouched. */
    CHECK_TABLE(&params, "IP=10.0.0.1 PORT=22,80");
    nwf_var_table_destroy(&child);

    nwf_var_table_init_overlay(&child, NULL, &caller);
    CU_ASSERT_TRUE(nwf_var_table_equal(&child, &caller));
    nwf_var_table_destroy(&child);

    /* MAC is filled in from the port only if absent. */
    CU_ASSERT_FALSE(nwf_var_table_set_default(&caller, "MAC",
                                              "52:54:00:00:00:99"));
    CU_ASSERT_TRUE(nwf_var_table_set_default(&params, "MAC",
                                             "52:54:00:00:00:99"));
    CHECK_TABLE(&caller, "IP=192.168.0.1,192.168.0.2 "
                "MAC=52:54:00:00:00:01");
    nwf_var_table_set(&caller, "IP", "1.2.3.4");
    CHECK_TABLE(&caller, "IP=1.2.3.4 MAC=52:54:00:00:00:01");
    CU_ASSERT_TRUE(nwf_var_table_remove(&caller, "IP"));
    CU_ASSERT_FALSE(nwf_var_table_remove(&caller, "IP"));

    struct nwf_var_table copy;
    nwf_var_table_clone(&copy, &params);
    CU_ASSERT_TRUE(nwf_var_table_equal(&copy, &params));
    nwf_var_table_add(&copy, "PORT", "22");
    CU_ASSERT_FALSE(nwf_var_table_equal(&copy, &params));
    nwf_var_table_swap(&copy, &params);
    CHECK_TABLE(&params, "IP=10.0.0.1 MAC=52:54:00:00:00:99 PORT=22,80,22");

    nwf_var_table_destroy(&copy);
    nwf_var_table_destroy(&params);
    nwf_var_table_destroy(&caller);
}

static void
test_vars_lenient_strict(void)
{
    struct nwf_var_table t;
    char *error;

    nwf_var_table_init(&t);

    /* Lenient, like <filterref><parameter>: bad entries vanish. */
    CU_ASSERT_FALSE(nwf_var_table_add(&t, "A", "a/b"));
    CU_ASSERT_FALSE(nwf_var_table_add(&t, "bad-name", "1"));
    CU_ASSERT_FALSE(nwf_var_table_add(&t, "A", ""));
    CU_ASSERT_FALSE(nwf_var_table_add(&t, NULL, "1"));
    CU_ASSERT_FALSE(nwf_var_table_add(&t, "A", NULL));
    CU_ASSERT_TRUE(nwf_var_table_add(&t, "A", "fe80::1"));
    CU_ASSERT_TRUE(nwf_var_table_add(&t, "A", "fe80::1"));
    CHECK_TABLE(&t, "A=fe80::1,fe80::1");

    CU_ASSERT_PTR_NULL(nwf_var_table_add_list(&t, "L", "1, 2,,x/y,3",
                                              NWF_VAR_LENIENT));
    CU_ASSERT_PTR_NULL(nwf_var_table_parse_assignment(&t, "bad-name=1",
                                                      NWF_VAR_LENIENT));
    CU_ASSERT_PTR_NULL(nwf_var_table_parse_assignment(&t, "noequals",
                                                      NWF_VAR_LENIENT));
    CHECK_TABLE(&t, "A=fe80::1,fe80::1 L=1,2,3");

    /* Strict, for OVSDB input: the error names the parameter and nothing
     * is added. */
    error = nwf_var_table_add_checked(&t, "A", "a/b");
    CU_ASSERT_STRING_EQUAL(error, "parameter 'A' value 'a/b' is invalid: "
                           "only letters, digits, '_', '.' and ':' are "
                           "allowed");
    free(error);
    error = nwf_var_table_add_checked(&t, "bad-name", "1");
    CU_ASSERT_STRING_EQUAL(error, "parameter name 'bad-name' is invalid: "
                           "only letters, digits and '_' are allowed");
    free(error);
    error = nwf_var_table_add_checked(&t, "E", "");
    CU_ASSERT_STRING_EQUAL(error, "parameter 'E' has an empty value");
    free(error);
    error = nwf_var_table_add_list(&t, "M", "1,2,,3", NWF_VAR_STRICT);
    CU_ASSERT_STRING_EQUAL(error, "parameter 'M' has an empty value");
    free(error);
    error = nwf_var_table_parse_assignment(&t, "N=10.0.0.1,10.0.0.2;x",
                                           NWF_VAR_STRICT);
    CU_ASSERT_STRING_EQUAL(error, "parameter 'N' value '10.0.0.2;x' is "
                           "invalid: only letters, digits, '_', '.' and "
                           "':' are allowed");
    free(error);
    error = nwf_var_table_parse_assignment(&t, "noequals", NWF_VAR_STRICT);
    CU_ASSERT_PTR_NOT_NULL(error);
    free(error);
    CHECK_TABLE(&t, "A=fe80::1,fe80::1 L=1,2,3");

    CU_ASSERT_PTR_NULL(nwf_var_table_add_checked(&t, "A", "x"));
    CU_ASSERT_PTR_NULL(nwf_var_table_parse_assignment(
                           &t, " IP = 10.0.0.1 , 10.0.0.2 ",
                           NWF_VAR_STRICT));
    CHECK_TABLE(&t, "A=fe80::1,fe80::1,x IP=10.0.0.1,10.0.0.2 L=1,2,3");

    CU_ASSERT_TRUE(nwf_var_table_add(&t, "CTRL_IP_LEARNING", "any"));
    CU_ASSERT_FALSE(nwf_var_table_add(&t, "a.b", "1"));
    CU_ASSERT_FALSE(nwf_var_table_add(&t, "", "1"));
    CU_ASSERT_TRUE(nwf_var_table_add(&t, "M", "52:54:00:7b:35:93"));
    CU_ASSERT_FALSE(nwf_var_table_add(&t, "M", "1 2"));
    CHECK_TABLE(&t, "A=fe80::1,fe80::1,x CTRL_IP_LEARNING=any "
                "IP=10.0.0.1,10.0.0.2 L=1,2,3 M=52:54:00:7b:35:93");

    nwf_var_table_destroy(&t);
}

static void
test_vars_ip_learning(void)
{
    struct nwf_var_table t;
    enum nwf_ip_learning mode;
    char *error;

    nwf_var_table_init(&t);
    CU_ASSERT_PTR_NULL(nwf_var_table_get_ip_learning(&t, &mode));
    CU_ASSERT_EQUAL(mode, NWF_IP_LEARNING_ANY);

    static const struct {
        const char *value;
        enum nwf_ip_learning mode;
    } good[] = {
        { "any", NWF_IP_LEARNING_ANY },
        { "DHCP", NWF_IP_LEARNING_DHCP },
        { "None", NWF_IP_LEARNING_NONE },
    };
    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        nwf_var_table_set(&t, NWF_VAR_CTRL_IP_LEARNING, good[i].value);
        CU_ASSERT_PTR_NULL(nwf_var_table_get_ip_learning(&t, &mode));
        CU_ASSERT_EQUAL(mode, good[i].mode);
    }
    CU_ASSERT_STRING_EQUAL(nwf_ip_learning_to_string(NWF_IP_LEARNING_DHCP),
                           "dhcp");

    nwf_var_table_set(&t, NWF_VAR_CTRL_IP_LEARNING, "arp");
    error = nwf_var_table_get_ip_learning(&t, &mode);
    CU_ASSERT_STRING_EQUAL(error, "learning value 'arp' of "
                           "CTRL_IP_LEARNING is invalid: use any, dhcp or "
                           "none");
    free(error);
    nwf_var_table_destroy(&t);
}

static void
test_vars_too_many(void)
{
    struct nwf_var_table t;
    nwf_var_table_init(&t);
    for (int i = 0; i < 400; i++) {
        char v[16];
        snprintf(v, sizeof v, "%d", i);
        nwf_var_table_add(&t, "X", v);
    }

    char *got = expand(&t, "$X[@1] $X[@2]");
    CU_ASSERT_EQUAL(strncmp(got, "ERROR: variables expand to more than",
                            36), 0);
    free(got);

    /* 400 x 200 stays below the limit. */
    for (int i = 0; i < 200; i++) {
        char v[16];
        snprintf(v, sizeof v, "%d", i);
        nwf_var_table_add(&t, "Y", v);
    }
    struct nwf_var_access a, b;
    const struct nwf_var_access *ptrs[] = { &a, &b };
    struct nwf_var_combos combos;
    CU_ASSERT_PTR_NULL(nwf_var_access_parse("$X[@1]", &a));
    CU_ASSERT_PTR_NULL(nwf_var_access_parse("$Y[@2]", &b));
    char *error = nwf_var_expand(ptrs, 2, &t, &combos);
    CU_ASSERT_PTR_NULL(error);
    free(error);
    CU_ASSERT_EQUAL(combos.n, 80000);
    CU_ASSERT_STRING_EQUAL(nwf_var_combos_get(&combos, 79999, 0), "399");
    CU_ASSERT_STRING_EQUAL(nwf_var_combos_get(&combos, 79999, 1), "199");
    nwf_var_combos_destroy(&combos);
    nwf_var_access_destroy(&a);
    nwf_var_access_destroy(&b);
    nwf_var_table_destroy(&t);
}

/* Expands the accesses 'refs' ("$X[@1]" ...) in 't' into 'combos',
 * asserting success. */
static void
expand_combos(const struct nwf_var_table *t, const char *const *refs,
              size_t n, struct nwf_var_combos *combos)
{
    struct nwf_var_access accesses[4];
    const struct nwf_var_access *ptrs[4];

    ovs_assert(n <= 4);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_PTR_NULL_FATAL(nwf_var_access_parse(refs[i],
                                                      &accesses[i]));
        ptrs[i] = &accesses[i];
    }
    char *error = nwf_var_expand(ptrs, n, t, combos);
    CU_ASSERT_PTR_NULL(error);
    free(error);
    for (size_t i = 0; i < n; i++) {
        nwf_var_access_destroy(&accesses[i]);
    }
}

/* Long lists with repeats keep the first occurrence of each value or tuple,
 * in list order (correctness only: speed is tests/bench's business). */
static void
test_vars_long_lists(void)
{
    enum { N = 20000, N_DISTINCT = 13001 };
    struct nwf_var_table t;
    struct nwf_var_combos combos;
    char v[32];

    /* X: 20,000 values from 13,001 distinct ones, repeats scattered.
     * What should come out: each value where it first appears. */
    bool *seen = xcalloc(N_DISTINCT, sizeof *seen);
    size_t *expected = xmalloc(N * sizeof *expected);
    size_t n_expected = 0;
    size_t n_wrong = 0;
    nwf_var_table_init(&t);
    for (size_t i = 0; i < N; i++) {
        size_t x = i * 7919 % N_DISTINCT;
        snprintf(v, sizeof v, "10.0.%"PRIuSIZE".%"PRIuSIZE,
                 x / 256, x % 256);
        n_wrong += !nwf_var_table_add(&t, "X", v);
        if (!seen[x]) {
            seen[x] = true;
            expected[n_expected++] = x;
        }
    }
    CU_ASSERT_EQUAL(n_wrong, 0);
    CU_ASSERT_EQUAL(n_expected, N_DISTINCT);

    expand_combos(&t, (const char *[]) { "$X" }, 1, &combos);
    CU_ASSERT_EQUAL(combos.n, n_expected);
    for (size_t c = 0; c < MIN(combos.n, n_expected); c++) {
        snprintf(v, sizeof v, "10.0.%"PRIuSIZE".%"PRIuSIZE,
                 expected[c] / 256, expected[c] % 256);
        n_wrong += strcmp(nwf_var_combos_get(&combos, c, 0), v) != 0;
    }
    CU_ASSERT_EQUAL(n_wrong, 0);
    nwf_var_combos_destroy(&combos);

    /* Lock-step: Y and Z repeat with periods 100 and 150, so the pairs
     * repeat with period 300, and only the first 300 positions count,
     * although most values of Y and Z repeat sooner. */
    for (size_t i = 0; i < N; i++) {
        snprintf(v, sizeof v, "%"PRIuSIZE, i % 100);
        n_wrong += !nwf_var_table_add(&t, "Y", v);
        snprintf(v, sizeof v, "%"PRIuSIZE, i % 150);
        n_wrong += !nwf_var_table_add(&t, "Z", v);
    }
    CU_ASSERT_EQUAL(n_wrong, 0);
    expand_combos(&t, (const char *[]) { "$Y", "$Z" }, 2, &combos);
    CU_ASSERT_EQUAL(combos.n, 300);
    n_wrong = 0;
    for (size_t c = 0; c < combos.n; c++) {
        char y[16], z[16];
        snprintf(y, sizeof y, "%"PRIuSIZE, c % 100);
        snprintf(z, sizeof z, "%"PRIuSIZE, c % 150);
        n_wrong += (strcmp(nwf_var_combos_get(&combos, c, 0), y)
                    || strcmp(nwf_var_combos_get(&combos, c, 1), z));
    }
    CU_ASSERT_EQUAL(n_wrong, 0);
    nwf_var_combos_destroy(&combos);

    /* Different iterators: each loses its own repeats, then they
     * multiply, the first fastest: 100 x 150. */
    expand_combos(&t, (const char *[]) { "$Y[@1]", "$Z[@2]" }, 2, &combos);
    CU_ASSERT_EQUAL(combos.n, 100 * 150);
    if (combos.n == 100 * 150) {
        CU_ASSERT_STRING_EQUAL(nwf_var_combos_get(&combos, 0, 0), "0");
        CU_ASSERT_STRING_EQUAL(nwf_var_combos_get(&combos, 99, 0), "99");
        CU_ASSERT_STRING_EQUAL(nwf_var_combos_get(&combos, 99, 1), "0");
        CU_ASSERT_STRING_EQUAL(nwf_var_combos_get(&combos, 100, 0), "0");
        CU_ASSERT_STRING_EQUAL(nwf_var_combos_get(&combos, 100, 1), "1");
        CU_ASSERT_STRING_EQUAL(nwf_var_combos_get(&combos, 14999, 0),
                               "99");
        CU_ASSERT_STRING_EQUAL(nwf_var_combos_get(&combos, 14999, 1),
                               "149");
    }
    nwf_var_combos_destroy(&combos);

    free(expected);
    free(seen);
    nwf_var_table_destroy(&t);
}

/* 's', or "(none)" for a NULL that a string assertion cannot take. */
static const char *
or_none(const char *s)
{
    return s ? s : "(none)";
}

static void
test_vars_ip_learning_limits(void)
{
    struct nwf_var_table t;
    struct nwf_ip_learning_limits limits;
    char *error;

    nwf_var_table_init(&t);
    CU_ASSERT_PTR_NULL(nwf_var_table_get_ip_learning_limits(&t, &limits));
    CU_ASSERT_EQUAL(limits.max_addrs, 1);
    CU_ASSERT_EQUAL(limits.max_lease, 86400);

    nwf_var_table_set(&t, NWF_VAR_CTRL_IP_LEARNING_MAX_ADDRS, "64");
    nwf_var_table_set(&t, NWF_VAR_CTRL_IP_LEARNING_MAX_LEASE, "4294967295");
    CU_ASSERT_PTR_NULL(nwf_var_table_get_ip_learning_limits(&t, &limits));
    CU_ASSERT_EQUAL(limits.max_addrs, 64);
    CU_ASSERT_EQUAL(limits.max_lease, NWF_IP_LEARNING_LEASE_UNLIMITED);

    static const char *bad_addrs[] = { "0", "65", "-1", "1x", "0x4" };
    for (size_t i = 0; i < ARRAY_SIZE(bad_addrs); i++) {
        nwf_var_table_set(&t, NWF_VAR_CTRL_IP_LEARNING_MAX_ADDRS,
                          bad_addrs[i]);
        error = nwf_var_table_get_ip_learning_limits(&t, &limits);
        CU_ASSERT_PTR_NOT_NULL(error);
        CU_ASSERT(error && strstr(error, "CTRL_IP_LEARNING_MAX_ADDRS"));
        free(error);
    }
    nwf_var_table_set(&t, NWF_VAR_CTRL_IP_LEARNING_MAX_ADDRS, "2");
    nwf_var_table_set(&t, NWF_VAR_CTRL_IP_LEARNING_MAX_LEASE, "59");
    error = nwf_var_table_get_ip_learning_limits(&t, &limits);
    CU_ASSERT_STRING_EQUAL(or_none(error),
                           "parameter 'CTRL_IP_LEARNING_MAX_LEASE' "
                           "value '59' is invalid: use a number from 60 "
                           "to 4294967295");
    free(error);
    nwf_var_table_set(&t, NWF_VAR_CTRL_IP_LEARNING_MAX_LEASE, "4294967296");
    error = nwf_var_table_get_ip_learning_limits(&t, &limits);
    CU_ASSERT_PTR_NOT_NULL(error);
    free(error);
    nwf_var_table_destroy(&t);
}

/* A list of 'n' values "1,1,...". */
static char *
list_of(size_t n)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n; i++) {
        ds_put_cstr(&s, i ? ",1" : "1");
    }
    return ds_steal_cstr(&s);
}

static void
test_vars_list_limits(void)
{
    struct nwf_var_table t;
    nwf_var_table_init(&t);

    char *list = list_of(NWF_VAR_MAX_VALUES);
    CU_ASSERT_PTR_NULL(nwf_var_table_add_list(&t, "A", list,
                                              NWF_VAR_STRICT));
    CU_ASSERT_EQUAL(nwf_var_table_n_values(&t, "A"), NWF_VAR_MAX_VALUES);
    free(list);

    /* One value more: refused whole, naming the parameter. */
    list = list_of(NWF_VAR_MAX_VALUES + 1);
    char *error = nwf_var_table_add_list(&t, "B", list, NWF_VAR_STRICT);
    CU_ASSERT_STRING_EQUAL(or_none(error),
                           "parameter 'B' has 1025 values, more than "
                           "the limit of 1024");
    free(error);
    CU_ASSERT_PTR_NULL(nwf_var_table_add_list(&t, "B", list,
                                              NWF_VAR_LENIENT));
    CU_ASSERT_FALSE(nwf_var_table_contains(&t, "B"));
    free(list);

    /* A value longer than the whole limit, and a million values: refused
     * on their length, before anything is split. */
    list = xmalloc(NWF_VAR_MAX_LIST_SIZE + 2);
    memset(list, 'x', NWF_VAR_MAX_LIST_SIZE + 1);
    list[NWF_VAR_MAX_LIST_SIZE + 1] = '\0';
    error = nwf_var_table_add_list(&t, "C", list, NWF_VAR_STRICT);
    CU_ASSERT_STRING_EQUAL(or_none(error),
                           "parameter 'C' is longer than the limit "
                           "of 65536 bytes");
    free(error);
    free(list);

    list = list_of(1000000);
    error = nwf_var_table_add_list(&t, "IP", list, NWF_VAR_STRICT);
    CU_ASSERT_STRING_EQUAL(or_none(error),
                           "parameter 'IP' is longer than the limit "
                           "of 65536 bytes");
    free(error);
    free(list);
    CU_ASSERT_EQUAL(nwf_var_table_count(&t), 1);
    nwf_var_table_destroy(&t);
}

static const struct nwf_unit_test vars_tests[] = {
    { "lock-step iterators skip repeated tuples", test_vars_lockstep },
    { "different iterators multiply, first fastest", test_vars_cartesian },
    { "fixed index and rule without variables", test_vars_fixed_index },
    { "lock-step lists of different length", test_vars_cardinality },
    { "missing variables and elements", test_vars_missing },
    { "access syntax, limits, canonical form", test_vars_access_syntax },
    { "valid names and values", test_vars_names_values },
    { "overlay: the caller wins", test_vars_overlay },
    { "lenient and strict parameters", test_vars_lenient_strict },
    { "CTRL_IP_LEARNING", test_vars_ip_learning },
    { "CTRL_IP_LEARNING_MAX_*", test_vars_ip_learning_limits },
    { "combination limit", test_vars_too_many },
    { "size limits of a parameter list", test_vars_list_limits },
    { "long lists with repeats: first occurrence, in order",
      test_vars_long_lists },
    { NULL, NULL },
};

NWF_UNIT_SUITE(vars, vars_tests);
