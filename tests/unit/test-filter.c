/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* The filter model (compiler/nwf-filter.c): clone, compare, references,
 * chains.  Variable references are struct nwf_var_access, tested with the
 * rest of compiler/nwf-vars.c in test-vars.c. */

#include <config.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-unit.h"
#include "nwf-xml.h"
#include "sset.h"
#include "svec.h"
#include "util.h"

static const char sample[] =
    "<filter name='sample' chain='ipv4-x' priority='-710'>\n"
    "  <uuid>5c6d49af-b071-6127-b4ec-6f8ed4b55335</uuid>\n"
    "  <filterref filter='no-mac-spoofing'/>\n"
    "  <rule action='accept' direction='out' priority='100'>\n"
    "    <tcp srcipaddr='$IP' dstportstart='0x50' comment='web'/>\n"
    "    <tcp match='no' dstipaddr='10.0.0.1'/>\n"
    "  </rule>\n"
    "  <filterref filter='allow-dhcp'>\n"
    "    <parameter name='DHCPSERVER' value='10.0.0.1'/>\n"
    "    <parameter name='DHCPSERVER' value='10.0.0.2'/>\n"
    "  </filterref>\n"
    "  <filterref filter='no-mac-spoofing'/>\n"
    "  <rule action='drop' direction='inout' priority='500'/>\n"
    "</filter>\n";

static struct nwf_filter *
parse(const char *xml)
{
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_filter *filter = nwf_xml_parse_buffer(xml, strlen(xml),
                                                     "sample.xml", &diag);
    if (!filter) {
        fprintf(stderr, "\n%s\n", nwf_diag_text(&diag));
    }
    nwf_diag_destroy(&diag);
    return filter;
}

static void
test_model_fields(void)
{
    struct nwf_filter *f = parse(sample);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);

    CU_ASSERT_STRING_EQUAL(f->name, "sample");
    CU_ASSERT_STRING_EQUAL(f->chain, "ipv4-x");
    CU_ASSERT_EQUAL(f->chain_priority, -710);
    CU_ASSERT_TRUE(f->chain_priority_given);
    CU_ASSERT_TRUE(f->uuid_given);
    CU_ASSERT_EQUAL(f->n_entries, 5);

    CU_ASSERT_EQUAL(f->entries[1].type, NWF_ENTRY_RULE);
    const struct nwf_rule *r = f->entries[1].rule;
    CU_ASSERT_EQUAL(r->action, NWF_ACTION_ACCEPT);
    CU_ASSERT_EQUAL(r->direction, NWF_DIR_OUT);
    CU_ASSERT_EQUAL(r->priority, 100);
    CU_ASSERT_TRUE(r->statematch);
    CU_ASSERT_EQUAL(r->proto->id, NWF_PROTO_TCP);
    CU_ASSERT_EQUAL(r->line, 4);
    CU_ASSERT_TRUE(nwf_rule_has_vars(r));

    const struct nwf_rule_attr *a = nwf_rule_get(r, NWF_ATTR_SRCIPADDR);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_TRUE(a->is_var);
    CU_ASSERT_STRING_EQUAL(a->var.name, "IP");
    CU_ASSERT_EQUAL(a->var.type, NWF_VAR_ITERATOR);
    CU_ASSERT_EQUAL(a->var.index, 0);

    a = nwf_rule_get(r, NWF_ATTR_DSTPORTSTART);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_FALSE(a->is_var);
    CU_ASSERT_FALSE(a->negated);
    CU_ASSERT_EQUAL(a->value.u32, 80);
    CU_ASSERT_TRUE(a->value.hex);

    a = nwf_rule_get(r, NWF_ATTR_DSTIPADDR);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_TRUE(a->negated);
    CU_ASSERT_EQUAL(a->value.ipv4, htonl(0x0a000001));

    CU_ASSERT_PTR_NULL(nwf_rule_get(r, NWF_ATTR_SRCPORTSTART));
    CU_ASSERT_PTR_NULL(nwf_rule_get(r, NWF_ATTR_VLANID));

    const struct nwf_filterref *ref = f->entries[2].ref;
    CU_ASSERT_EQUAL(f->entries[2].type, NWF_ENTRY_FILTERREF);
    CU_ASSERT_STRING_EQUAL(ref->filter, "allow-dhcp");
    const struct svec *v = nwf_filterref_get_param(ref, "DHCPSERVER");
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT_EQUAL(v->n, 2);
    CU_ASSERT_STRING_EQUAL(v->names[1], "10.0.0.2");
    CU_ASSERT_PTR_NULL(nwf_filterref_get_param(ref, "IP"));

    CU_ASSERT_EQUAL(f->entries[4].rule->proto->id, NWF_PROTO_NONE);
    CU_ASSERT_FALSE(nwf_rule_has_vars(f->entries[4].rule));

    struct sset refs = SSET_INITIALIZER(&refs);
    nwf_filter_get_refs(f, &refs);
    CU_ASSERT_EQUAL(sset_count(&refs), 2);
    CU_ASSERT_TRUE(sset_contains(&refs, "allow-dhcp"));
    CU_ASSERT_TRUE(sset_contains(&refs, "no-mac-spoofing"));
    sset_destroy(&refs);

    nwf_filter_destroy(f);
}

static void
test_model_clone_equal(void)
{
    struct nwf_filter *a = parse(sample);
    struct nwf_filter *b = parse(sample);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_TRUE(nwf_filter_equal(a, b));

    struct nwf_filter *c = nwf_filter_clone(a);
    CU_ASSERT_TRUE(nwf_filter_equal(a, c));
    char *xa = nwf_xml_format_string(a);
    char *xc = nwf_xml_format_string(c);
    CU_ASSERT_STRING_EQUAL(xa, xc);
    free(xa);
    free(xc);

    /* Each kind of difference counts. */
    c->entries[1].rule->priority = 101;
    CU_ASSERT_FALSE(nwf_filter_equal(a, c));
    c->entries[1].rule->priority = 100;
    CU_ASSERT_TRUE(nwf_filter_equal(a, c));

    struct nwf_rule_attr *attr = CONST_CAST(struct nwf_rule_attr *,
        nwf_rule_get(c->entries[1].rule, NWF_ATTR_DSTPORTSTART));
    attr->value.hex = false;                /* Prints "80", not "0x50". */
    CU_ASSERT_FALSE(nwf_filter_equal(a, c));
    attr->value.hex = true;
    attr->negated = true;
    CU_ASSERT_FALSE(nwf_filter_equal(a, c));
    attr->negated = false;

    nwf_filterref_add_param(c->entries[2].ref, "DHCPSERVER", "10.0.0.3");
    CU_ASSERT_FALSE(nwf_filter_equal(a, c));

    b->uuid.parts[0]++;
    CU_ASSERT_FALSE(nwf_filter_equal(a, b));

    /* The "given" flags and lines do not count. */
    struct nwf_filter *d = nwf_filter_clone(a);
    d->uuid_given = false;
    d->entries[1].rule->line = 99;
    CU_ASSERT_TRUE(nwf_filter_equal(a, d));

    nwf_filter_destroy(a);
    nwf_filter_destroy(b);
    nwf_filter_destroy(c);
    nwf_filter_destroy(d);
}

static void
test_model_build(void)
{
    /* Building a filter in code formats like parsed XML. */
    struct nwf_filter *f = nwf_filter_create("built");
    const struct nwf_proto *udp = nwf_proto_by_id(NWF_PROTO_UDP);
    struct nwf_rule *r = nwf_filter_add_rule(f, udp);
    r->action = NWF_ACTION_ACCEPT;
    r->direction = NWF_DIR_OUT;

    int idx = nwf_proto_attr_index(udp, NWF_ATTR_DSTPORTSTART);
    CU_ASSERT_FATAL(idx >= 0);
    char *error = nwf_value_parse(&udp->attrs[idx], "53",
                                  &r->attrs[idx].value);
    CU_ASSERT_PTR_NULL(error);
    r->attrs[idx].present = true;

    struct nwf_filterref *ref = nwf_filter_add_filterref(f, "other");
    nwf_filterref_add_param(ref, "B", "2");
    nwf_filterref_add_param(ref, "A", "1");

    char *xml = nwf_xml_format_string(f);
    CU_ASSERT_STRING_EQUAL(
        xml,
        "<filter name='built' chain='root'>\n"
        "  <uuid>00000000-0000-0000-0000-000000000000</uuid>\n"
        "  <rule action='accept' direction='out' priority='500'>\n"
        "    <udp dstportstart='53'/>\n"
        "  </rule>\n"
        "  <filterref filter='other'>\n"
        "    <parameter name='A' value='1'/>\n"
        "    <parameter name='B' value='2'/>\n"
        "  </filterref>\n"
        "</filter>\n");
    free(xml);
    nwf_filter_destroy(f);
}

static void
test_chains(void)
{
    CU_ASSERT_STRING_EQUAL(nwf_chain_prefix("root"), "root");
    CU_ASSERT_PTR_NULL(nwf_chain_prefix("rootx"));
    CU_ASSERT_STRING_EQUAL(nwf_chain_prefix("arp-xyz"), "arp");
    CU_ASSERT_STRING_EQUAL(nwf_chain_prefix("rarp"), "rarp");
    CU_ASSERT_STRING_EQUAL(nwf_chain_prefix("ipv6-ip"), "ipv6");
    CU_ASSERT_PTR_NULL(nwf_chain_prefix("foo"));

    CU_ASSERT_EQUAL(nwf_chain_default_priority("root"), 0);
    CU_ASSERT_EQUAL(nwf_chain_default_priority("stp"), 0);
    CU_ASSERT_EQUAL(nwf_chain_default_priority("stp-x"), 0);
    CU_ASSERT_EQUAL(nwf_chain_default_priority("mac"), -800);
    CU_ASSERT_EQUAL(nwf_chain_default_priority("vlan"), -750);
    CU_ASSERT_EQUAL(nwf_chain_default_priority("ipv4-ip"), -700);
    CU_ASSERT_EQUAL(nwf_chain_default_priority("ipv6"), -600);
    CU_ASSERT_EQUAL(nwf_chain_default_priority("arp-mac"), -500);
    CU_ASSERT_EQUAL(nwf_chain_default_priority("rarp"), -400);

    char *error = nwf_chain_check("mac_1.a:b-c");
    CU_ASSERT_PTR_NULL(error);
    free(error);
    error = nwf_chain_check("mac456789012");
    CU_ASSERT_PTR_NULL(error);
    free(error);
    error = nwf_chain_check("mac4567890123");
    CU_ASSERT_PTR_NOT_NULL(error);
    free(error);
    error = nwf_chain_check("mac x");
    CU_ASSERT_PTR_NOT_NULL(error);
    free(error);
}

/* Whether nwf_filter_name_check() accepts 'name'. */
static bool
name_ok(const char *name)
{
    char *error = nwf_filter_name_check(name);
    free(error);
    return !error;
}

static void
test_filter_names(void)
{
    CU_ASSERT_TRUE(name_ok("clean-traffic"));
    CU_ASSERT_TRUE(name_ok("0_a-B.c:d"));
    CU_ASSERT_TRUE(name_ok("_x"));
    CU_ASSERT_FALSE(name_ok(""));
    CU_ASSERT_FALSE(name_ok(".hidden"));
    CU_ASSERT_FALSE(name_ok("-x"));
    CU_ASSERT_FALSE(name_ok(":x"));
    CU_ASSERT_FALSE(name_ok("a/b"));
    CU_ASSERT_FALSE(name_ok("$(id)"));
    CU_ASSERT_FALSE(name_ok("a'b"));
    CU_ASSERT_FALSE(name_ok("a\"b"));
    CU_ASSERT_FALSE(name_ok("a b"));
    CU_ASSERT_FALSE(name_ok("a\tb"));
    CU_ASSERT_FALSE(name_ok("a\xe2\x80\xae" "b"));     /* U+202E */
    CU_ASSERT_FALSE(name_ok("caf\xc3\xa9"));

    char *name = xasprintf("%0*d", NWF_FILTER_NAME_MAX, 0);
    CU_ASSERT_TRUE(name_ok(name));
    free(name);
    name = xasprintf("%0*d", NWF_FILTER_NAME_MAX + 1, 0);
    CU_ASSERT_FALSE(name_ok(name));
    free(name);

    /* The check of a definition names the element and attribute, and
     * echoes a bad byte escaped, not as it is. */
    struct nwf_filter *f = nwf_filter_create("a\xe2\x80\xae" "b");
    nwf_filter_add_filterref(f, "x y")->line = 7;
    nwf_filter_add_filterref(f, "fine");
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    CU_ASSERT_FALSE(nwf_filter_check(f, "f.xml", &diag));
    CU_ASSERT_STRING_EQUAL(
        nwf_diag_text(&diag),
        "f.xml: <filter> attribute 'name' value 'a\\xe2\\x80\\xaeb': "
        "filter name may contain only letters, digits and _.:- (byte 2 is "
        "0xe2)\n"
        "f.xml:7: <filterref> attribute 'filter' value 'x y': filter name "
        "may contain only letters, digits and _.:- (byte 2 is 0x20)");
    nwf_diag_destroy(&diag);
    nwf_filter_destroy(f);
}

/* nwf_filter_check() of the filter whose rule body is 'body': the
 * messages, "" if none. */
static char *
check_rule(const char *body)
{
    char *xml = xasprintf("<filter name='r'>\n<rule action='accept' "
                          "direction='in'>\n%s\n</rule>\n</filter>\n",
                          body);
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_filter *f = nwf_xml_parse_buffer(xml, strlen(xml), "r.xml",
                                                &diag);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    bool ok = nwf_filter_check(f, "r.xml", &diag);
    char *text = xstrdup(nwf_diag_text(&diag));
    CU_ASSERT_EQUAL(ok, !text[0]);
    nwf_filter_destroy(f);
    nwf_diag_destroy(&diag);
    free(xml);
    return text;
}

#define CHECK_RULE(BODY, EXPECTED)                      \
    do {                                                \
        char *got_ = check_rule(BODY);                  \
        CU_ASSERT_STRING_EQUAL(got_, EXPECTED);         \
        free(got_);                                     \
    } while (0)

static void
test_ranges(void)
{
    CHECK_RULE("<tcp dstportstart='100' dstportend='10'/>",
               "r.xml:2: <tcp> attribute 'dstportend' value '10': the end "
               "of the range is below its start, dstportstart='100'");
    CHECK_RULE("<udp srcportstart='0x20' srcportend='0x10'/>",
               "r.xml:2: <udp> attribute 'srcportend' value '0x10': the end "
               "of the range is below its start, srcportstart='0x20'");
    CHECK_RULE("<udp srcipfrom='10.0.0.9' srcipto='10.0.0.1'/>",
               "r.xml:2: <udp> attribute 'srcipto' value '10.0.0.1': the end "
               "of the range is below its start, srcipfrom='10.0.0.9'");
    CHECK_RULE("<tcp-ipv6 dstipfrom='::9' dstipto='::1'/>",
               "r.xml:2: <tcp-ipv6> attribute 'dstipto' value '::1': the "
               "end of the range is below its start, dstipfrom='::9'");
    CHECK_RULE("<stp root-priority='9' root-priority-hi='8'/>",
               "r.xml:2: <stp> attribute 'root-priority-hi' value '8': the "
               "end of the range is below its start, root-priority='9'");

    /* Ranges in order, one port, masks, and ranges whose values come
     * from variables (checked when the port's values are known). */
    CHECK_RULE("<tcp dstportstart='10' dstportend='100'/>", "");
    CHECK_RULE("<tcp dstportstart='10' dstportend='10'/>", "");
    CHECK_RULE("<tcp srcipaddr='10.0.0.0' srcipmask='8'/>", "");
    CHECK_RULE("<tcp dstportstart='$A' dstportend='10'/>", "");
    CHECK_RULE("<tcp dstportstart='100' dstportend='$B'/>", "");
    CHECK_RULE("<tcp dstportend='10'/>", "");
}

static void
test_names(void)
{
    enum nwf_action action;
    enum nwf_direction dir;
    CU_ASSERT_TRUE(nwf_action_from_string("return", &action));
    CU_ASSERT_EQUAL(action, NWF_ACTION_RETURN);
    CU_ASSERT_STRING_EQUAL(nwf_action_to_string(NWF_ACTION_CONTINUE),
                           "continue");
    CU_ASSERT_FALSE(nwf_action_from_string("DROP", &action));
    CU_ASSERT_TRUE(nwf_direction_from_string("inout", &dir));
    CU_ASSERT_EQUAL(dir, NWF_DIR_INOUT);
    CU_ASSERT_STRING_EQUAL(nwf_direction_to_string(NWF_DIR_IN), "in");
    CU_ASSERT_FALSE(nwf_direction_from_string("In", &dir));
}

static const struct nwf_unit_test filter_tests[] = {
    { "model fields", test_model_fields },
    { "clone and equal", test_model_clone_equal },
    { "building in code", test_model_build },
    { "chains", test_chains },
    { "filter names", test_filter_names },
    { "range order", test_ranges },
    { "action and direction names", test_names },
    { NULL, NULL },
};

NWF_UNIT_SUITE(filter, filter_tests);
