/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* Filter bindings (compiler/nwf-binding) and the bindings of a libvirt
 * domain (compiler/nwf-domain): parsing, printing against libvirt 9.0's
 * own output, the external-ids that carry a binding, and the errors. */

#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nwf-binding.h"
#include "nwf-diag.h"
#include "nwf-domain.h"
#include "nwf-unit.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "smap.h"
#include "sset.h"
#include "util.h"
#include "uuid.h"

/* Bindings created with "virsh nwfilter-binding-create NAME.xml" on
 * libvirt 9.0 here, whose "nwfilter-binding-dumpxml" output is
 * NAME.libvirt.xml (tests/data/binding/README.md). */
static const char *const recorded[] = {
    "simple", "one-param", "list-param", "explicit-mac", "odd-formatting",
    "param-sort", "mac-case",
};

static char *
data_file(const char *name)
{
    return xasprintf("%s/data/%s", nwf_unit_srcdir(), name);
}

/* Parses 'text' as a binding; on success formats it into 'out' as
 * "nwf-ofctl binding-dumpxml" prints it after "binding-create": through
 * the external-ids it is written as, with virsh's final empty line.
 * Returns the diag's text (empty on success), malloc()ed. */
static char *
parse_and_format(const char *text, struct ds *out)
{
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_binding b;
    nwf_binding_init(&b);
    ds_clear(out);
    if (nwf_binding_parse_buffer(text, strlen(text), "test.xml", &b,
                                 &diag)) {
        struct smap old = SMAP_INITIALIZER(&old);
        struct smap ids = SMAP_INITIALIZER(&ids);
        struct sset unset = SSET_INITIALIZER(&unset);
        nwf_binding_to_ids(&b, &old, &ids, &unset);
        struct nwf_binding back;
        nwf_binding_init(&back);
        char *error = nwf_binding_from_ids(b.portdev, &ids, &back);
        CU_ASSERT_PTR_NULL(error);
        free(error);
        nwf_binding_format(&back, out);
        ds_put_char(out, '\n');
        nwf_binding_destroy(&back);
        smap_destroy(&ids);
        sset_destroy(&unset);
    }
    char *msgs = xstrdup(nwf_diag_text(&diag));
    nwf_binding_destroy(&b);
    nwf_diag_destroy(&diag);
    return msgs;
}

/* Strips virsh's final empty line. */
static void
strip_virsh_newline(struct ds *s)
{
    if (s->length >= 2 && !strcmp(&s->string[s->length - 2], "\n\n")) {
        s->length--;
        s->string[s->length] = '\0';
    }
}

/* Each recorded input formats as libvirt printed it, and libvirt's output
 * formats as itself. */
static void
test_libvirt_round_trip(void)
{
    struct ds in = DS_EMPTY_INITIALIZER;
    struct ds expected = DS_EMPTY_INITIALIZER;
    struct ds out = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < ARRAY_SIZE(recorded); i++) {
        char *in_file = xasprintf("%s/data/binding/%s.xml",
                                  nwf_unit_srcdir(), recorded[i]);
        char *out_file = xasprintf("%s/data/binding/%s.libvirt.xml",
                                   nwf_unit_srcdir(), recorded[i]);
        CU_ASSERT_FATAL(nwf_unit_read_text(in_file, &in));
        CU_ASSERT_FATAL(nwf_unit_read_text(out_file, &expected));

        char *msgs = parse_and_format(ds_cstr(&in), &out);
        if (strcmp(ds_cstr(&out), ds_cstr(&expected))) {
            fprintf(stderr, "%s: %s\nformatted:\n%s\nlibvirt:\n%s\n",
                    in_file, msgs, ds_cstr(&out), ds_cstr(&expected));
            CU_FAIL("binding does not format as libvirt does");
        }
        free(msgs);

        strip_virsh_newline(&expected);
        msgs = parse_and_format(ds_cstr(&expected), &out);
        strip_virsh_newline(&out);
        CU_ASSERT_STRING_EQUAL(ds_cstr(&out), ds_cstr(&expected));
        free(msgs);
        free(in_file);
        free(out_file);
    }
    ds_destroy(&in);
    ds_destroy(&expected);
    ds_destroy(&out);
}

/* libvirt's own binding test data: each file prints as filter-vars.xml,
 * which is simple.xml with the MAC parameter dumpxml adds (and
 * simple-backend.master.xml's <backend>, ignored). */
static void
test_libvirt_test_data(void)
{
    const char *ref = nwf_unit_reference_dir();
    CU_ASSERT_PTR_NOT_NULL_FATAL(ref);
    struct ds in = DS_EMPTY_INITIALIZER;
    struct ds out = DS_EMPTY_INITIALIZER;
    struct ds expected = DS_EMPTY_INITIALIZER;
    char *file = xasprintf("%s/libvirt/binding/filter-vars.xml", ref);
    CU_ASSERT_FATAL(nwf_unit_read_text(file, &expected));
    free(file);

    static const char *const files[] = {
        "filter-vars.xml", "simple.xml", "simple-backend.master.xml",
    };
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        file = xasprintf("%s/libvirt/binding/%s", ref, files[i]);
        CU_ASSERT_FATAL(nwf_unit_read_text(file, &in));
        char *msgs = parse_and_format(ds_cstr(&in), &out);
        strip_virsh_newline(&out);
        CU_ASSERT_STRING_EQUAL(msgs, "");
        CU_ASSERT_STRING_EQUAL(ds_cstr(&out), ds_cstr(&expected));
        free(msgs);
        free(file);
    }
    ds_destroy(&in);
    ds_destroy(&out);
    ds_destroy(&expected);
}

/* Where we differ from libvirt on purpose (docs/libvirt.md): a filter
 * name is escaped (libvirt prints it raw, which makes its output
 * ill-formed), and invalid parameters are errors, each one named
 * (libvirt drops them). */
static void
test_libvirt_differences(void)
{
    struct ds in = DS_EMPTY_INITIALIZER;
    struct ds out = DS_EMPTY_INITIALIZER;
    struct ds again = DS_EMPTY_INITIALIZER;
    char *file = data_file("binding/filter-escape.xml");
    CU_ASSERT_FATAL(nwf_unit_read_text(file, &in));
    free(file);
    char *msgs = parse_and_format(ds_cstr(&in), &out);
    CU_ASSERT_STRING_EQUAL(msgs, "");
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&out), "<filterref filter='x&apos;"
                                  "&amp;&lt;&gt;&quot;y'>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&out), "<name>vm&amp;&lt;&apos;"
                                  "&quot;&gt;6</name>"));
    free(msgs);
    strip_virsh_newline(&out);
    msgs = parse_and_format(ds_cstr(&out), &again);
    strip_virsh_newline(&again);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&again), ds_cstr(&out));
    free(msgs);

    file = data_file("binding/param-invalid.xml");
    CU_ASSERT_FATAL(nwf_unit_read_text(file, &in));
    free(file);
    msgs = parse_and_format(ds_cstr(&in), &out);
    CU_ASSERT_EQUAL(out.length, 0);
    static const char *const named[] = {
        ":10: <parameter>", ":11: <parameter>", ":12: <parameter>",
        ":13: <parameter>", ":14: <parameter>", ":15: <parameter>",
        ":17: <parameter>", ":18: <parameter> attribute 'value'",
        ":19: <parameter> attribute 'name'",
    };
    for (size_t i = 0; i < ARRAY_SIZE(named); i++) {
        if (!strstr(msgs, named[i])) {
            fprintf(stderr, "missing '%s' in:\n%s\n", named[i], msgs);
            CU_FAIL("an invalid parameter is not named");
        }
    }
    CU_ASSERT(!strstr(msgs, ":16:") && !strstr(msgs, ":20:")
              && !strstr(msgs, ":21:"));
    free(msgs);
    ds_destroy(&in);
    ds_destroy(&out);
    ds_destroy(&again);
}

static const char good[] =
    "<filterbinding>\n"
    "  <owner>\n"
    "    <name>vm</name>\n"
    "    <uuid>d54df46f-1ab5-4a22-8618-4560ef5fac2c</uuid>\n"
    "  </owner>\n"
    "  <portdev name='vnet0'/>\n"
    "  <mac address='52:54:00:7b:35:93'/>\n"
    "  <filterref filter='clean-traffic'>\n"
    "    <parameter name='IP' value='10.0.0.1'/>\n"
    "  </filterref>\n"
    "</filterbinding>\n";

/* Replaces the first 'from' of 'good' with 'to', parses the result and
 * asserts it is refused with a message containing 'needle'. */
static void
check_refused(const char *from, const char *to, const char *needle)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(good, from));
    struct ds replaced = DS_EMPTY_INITIALIZER;
    for (const char *p = good; *p; ) {
        if (!strncmp(p, from, strlen(from))) {
            ds_put_cstr(&replaced, to);
            p += strlen(from);
        } else {
            ds_put_char(&replaced, *p++);
        }
    }
    char *text = ds_steal_cstr(&replaced);
    struct ds out = DS_EMPTY_INITIALIZER;
    char *msgs = parse_and_format(text, &out);
    if (out.length || !strstr(msgs, needle)) {
        fprintf(stderr, "input:\n%s\nmessages: %s\nexpected: %s\n", text,
                msgs, needle);
        CU_FAIL("bad binding not refused as expected");
    }
    free(msgs);
    free(text);
    ds_destroy(&out);
}

static void
test_errors(void)
{
    check_refused("</filterbinding>", "</binding>",
                  "test.xml:11: Opening and ending tag mismatch");
    check_refused("filterbinding>", "filter>",
                  "test.xml:1: <filter>: unknown root element (expected "
                  "<filterbinding>)");
    check_refused("    <name>vm</name>\n", "",
                  "<name>: <owner><name> is required");
    check_refused("d54df46f-1ab5", "x54df46f-1ab5", "malformed UUID");
    check_refused("  <portdev name='vnet0'/>\n", "",
                  "<portdev>: required element is missing");
    check_refused("name='vnet0'", "name=''",
                  "<portdev> attribute 'name': required attribute is "
                  "missing or empty");
    check_refused("52:54:00:7b:35:93", "52:54:00:7b:35",
                  "test.xml:7: <mac> attribute 'address' value "
                  "'52:54:00:7b:35': malformed MAC address");
    check_refused("  <mac address", "  <linkdev name='eth0'/>\n"
                  "  <mac address", "<linkdev>: a link device (macvtap)");
    check_refused(" filter='clean-traffic'", "",
                  "<filterref> attribute 'filter'");
    check_refused("value='10.0.0.1'", "value='10.0.0.1 x'",
                  "test.xml:9: <parameter>:");
    check_refused("name='IP'", "name='I-P'", "<parameter>:");
    check_refused("<parameter name='IP' ", "<parameter ",
                  "<parameter> attribute 'name': required attribute is "
                  "missing");
    check_refused("<filterbinding>", "<!DOCTYPE x [<!ENTITY a 'b'>]>"
                  "<filterbinding>", "DTDs");
}

/* A binding as external-ids and back. */
static void
test_external_ids(void)
{
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_binding b;
    nwf_binding_init(&b);
    const char *xml =
        "<filterbinding><owner><name>vm</name>"
        "<uuid>d54df46f-1ab5-4a22-8618-4560ef5fac2c</uuid></owner>"
        "<portdev name='vnet0'/><mac address='52:54:00:7b:35:93'/>"
        "<filterref filter='clean-traffic'>"
        "<parameter name='IP' value='10.0.0.2'/>"
        "<parameter name='DHCPSERVER' value='10.0.0.254'/>"
        "<parameter name='IP' value='10.0.0.1'/>"
        "</filterref></filterbinding>";
    CU_ASSERT_FATAL(nwf_binding_parse_buffer(xml, strlen(xml), "x", &b,
                                             &diag));

    struct smap old = SMAP_INITIALIZER(&old);
    smap_add(&old, "filterref-param-STALE", "1");
    smap_add(&old, "iface-id", "port-uuid");
    struct smap set = SMAP_INITIALIZER(&set);
    struct sset unset = SSET_INITIALIZER(&unset);
    nwf_binding_to_ids(&b, &old, &set, &unset);
    CU_ASSERT_STRING_EQUAL(smap_get_def(&set, "filterref", ""),
                           "clean-traffic");
    CU_ASSERT_STRING_EQUAL(smap_get_def(&set, "filterref-param-IP", ""),
                           "10.0.0.2,10.0.0.1");
    CU_ASSERT_STRING_EQUAL(smap_get_def(&set, "filterref-param-DHCPSERVER",
                                        ""), "10.0.0.254");
    CU_ASSERT_STRING_EQUAL(smap_get_def(&set, "attached-mac", ""),
                           "52:54:00:7b:35:93");
    CU_ASSERT_STRING_EQUAL(smap_get_def(&set, "vm-id", ""),
                           "d54df46f-1ab5-4a22-8618-4560ef5fac2c");
    CU_ASSERT_STRING_EQUAL(smap_get_def(&set, "filterref-owner", ""), "vm");
    CU_ASSERT_EQUAL(smap_count(&set), 6);
    CU_ASSERT(sset_contains(&unset, "filterref-param-STALE"));
    CU_ASSERT_EQUAL(sset_count(&unset), 1);

    /* What was written reads back as the same binding, with the $MAC
     * that libvirt's dumpxml shows too. */
    struct nwf_binding back;
    nwf_binding_init(&back);
    char *error = nwf_binding_from_ids("vnet0", &set, &back);
    CU_ASSERT_PTR_NULL(error);
    struct ds a = DS_EMPTY_INITIALIZER;
    struct ds z = DS_EMPTY_INITIALIZER;
    nwf_var_table_set_default(&b.params, "MAC", "52:54:00:7b:35:93");
    nwf_binding_format(&b, &a);
    nwf_binding_format(&back, &z);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&a), ds_cstr(&z));

    /* Ports of another VM. */
    CU_ASSERT_PTR_NULL(nwf_binding_check_port(&b, &set));
    struct smap other = SMAP_INITIALIZER(&other);
    smap_add(&other, "attached-mac", "52:54:00:00:00:01");
    error = nwf_binding_check_port(&b, &other);
    CU_ASSERT(error && strstr(error, "attached-mac=52:54:00:00:00:01"));
    free(error);
    smap_replace(&other, "attached-mac", "52:54:00:7b:35:93");
    smap_add(&other, "vm-id", "11111111-2222-3333-4444-555555555555");
    error = nwf_binding_check_port(&b, &other);
    CU_ASSERT(error && strstr(error, "external_ids:vm-id"));
    free(error);

    /* binding-delete removes the binding, not libvirt's keys. */
    sset_clear(&unset);
    nwf_binding_unset_ids(&set, &unset);
    CU_ASSERT_EQUAL(sset_count(&unset), 4);
    CU_ASSERT(!sset_contains(&unset, "vm-id"));
    CU_ASSERT(!sset_contains(&unset, "attached-mac"));

    /* A port bound by hand has an owner made of what it has. */
    struct smap hand = SMAP_INITIALIZER(&hand);
    smap_add(&hand, "filterref", "clean-traffic");
    smap_add(&hand, "attached-mac", "52:54:00:7b:35:93");
    smap_add(&hand, "iface-id", "port-uuid");
    struct nwf_binding h;
    nwf_binding_init(&h);
    CU_ASSERT_PTR_NULL(nwf_binding_from_ids("tap1", &hand, &h));
    CU_ASSERT_STRING_EQUAL(h.owner_name, "port-uuid");
    CU_ASSERT(uuid_is_zero(&h.owner_uuid));
    ds_clear(&a);
    nwf_binding_format_owner(&hand, &a);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&a), "iface-id=port-uuid");
    ds_clear(&a);
    nwf_binding_format_owner(&set, &a);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&a),
                           "vm vm-id=d54df46f-1ab5-4a22-8618-4560ef5fac2c");
    error = nwf_binding_from_ids("tap2", &other, &h);
    CU_ASSERT(error && strstr(error, "no filter binding"));
    free(error);

    nwf_binding_destroy(&h);
    smap_destroy(&hand);
    smap_destroy(&other);
    ds_destroy(&a);
    ds_destroy(&z);
    nwf_binding_destroy(&back);
    smap_destroy(&set);
    smap_destroy(&old);
    sset_destroy(&unset);
    nwf_binding_destroy(&b);
    nwf_diag_destroy(&diag);
}

static enum nwf_domain_status
parse_domain_text(const char *text, struct nwf_domain *dom, struct ds *msgs)
{
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    memset(dom, 0, sizeof *dom);
    enum nwf_domain_status status = nwf_domain_parse(text, strlen(text),
                                                     "domain", dom, &diag);
    ds_put_cstr(msgs, nwf_diag_text(&diag));
    nwf_diag_destroy(&diag);
    return status;
}

static enum nwf_domain_status
parse_domain_file(const char *name, struct nwf_domain *dom, struct ds *msgs)
{
    char *file = data_file(name);
    struct ds text = DS_EMPTY_INITIALIZER;
    CU_ASSERT_FATAL(nwf_unit_read_text(file, &text));
    enum nwf_domain_status status = parse_domain_text(ds_cstr(&text), dom,
                                                      msgs);
    ds_destroy(&text);
    free(file);
    return status;
}

static void
test_domain(void)
{
    struct ds msgs = DS_EMPTY_INITIALIZER;
    struct nwf_domain dom;
    CU_ASSERT_EQUAL(parse_domain_file("libvirt/domain-vm1-metadata.xml", &dom, &msgs),
                    NWF_DOMAIN_OK);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&msgs), "");
    CU_ASSERT_STRING_EQUAL(dom.name, "nwf-vm1");
    CU_ASSERT_EQUAL_FATAL(dom.n_ifaces, 2);

    const struct nwf_domain_iface *ovs = dom.ifaces[0];
    CU_ASSERT(ovs->openvswitch);
    CU_ASSERT(ovs->in_metadata);
    CU_ASSERT_STRING_EQUAL(ovs->binding.portdev, "@PORT_VM1@");
    CU_ASSERT_STRING_EQUAL(ovs->binding.filter, "clean-traffic");
    CU_ASSERT_STRING_EQUAL(ovs->binding.owner_name, "nwf-vm1");
    CU_ASSERT(uuid_equals(&ovs->binding.owner_uuid, &dom.uuid));
    CU_ASSERT_STRING_EQUAL(nwf_var_table_get(&ovs->binding.params, "IP", 0),
                           "10.9.12.1");
    struct eth_addr mac;
    CU_ASSERT(eth_addr_from_string("02:00:00:00:0c:01", &mac));
    CU_ASSERT(eth_addr_equals(ovs->binding.mac, mac));

    const struct nwf_domain_iface *lbr = dom.ifaces[1];
    CU_ASSERT(!lbr->openvswitch);
    CU_ASSERT_STRING_EQUAL(lbr->binding.portdev, "vnet91");
    CU_ASSERT(shash_is_empty(&lbr->binding.params.vars));
    nwf_domain_destroy(&dom);

    ds_clear(&msgs);
    CU_ASSERT_EQUAL(parse_domain_file("libvirt/domain-vm2-interface.xml",
                                      &dom, &msgs), NWF_DOMAIN_OK);
    CU_ASSERT_EQUAL_FATAL(dom.n_ifaces, 1);
    CU_ASSERT(!dom.ifaces[0]->in_metadata);
    CU_ASSERT(dom.ifaces[0]->openvswitch);
    CU_ASSERT_STRING_EQUAL(dom.ifaces[0]->binding.filter, "no-mac-spoofing");
    CU_ASSERT(shash_is_empty(&dom.ifaces[0]->binding.params.vars));
    CU_ASSERT_STRING_EQUAL(dom.ifaces[0]->binding.portdev, "@PORT_VM2@");
    nwf_domain_destroy(&dom);
    ds_destroy(&msgs);
}

/* A domain's filter references that cannot work, and documents that are
 * not domains. */
static void
test_domain_errors(void)
{
    static const struct {
        const char *xml;
        enum nwf_domain_status status;
        const char *needle;
    } cases[] = {
        { "<domain><name>a</name><uuid>6f2c1d0e-7a43-4b8e-9c55-1f0a2b3c4d01"
          "</uuid><metadata><f:filterrefs xmlns:f='"NWF_DOMAIN_XMLNS"'>"
          "<f:interface mac='52:54:00:00:00:09'><f:filterref filter='x'/>"
          "</f:interface></f:filterrefs></metadata></domain>",
          NWF_DOMAIN_BAD_REFS, "no interface of the domain has MAC "
          "52:54:00:00:00:09" },
        { "<domain><name>a</name><uuid>6f2c1d0e-7a43-4b8e-9c55-1f0a2b3c4d01"
          "</uuid><metadata><f:filterrefs xmlns:f='"NWF_DOMAIN_XMLNS"'>"
          "<f:interface mac='52:54:00:00:00:01'><f:filterref filter='x'/>"
          "</f:interface></f:filterrefs></metadata><devices><interface "
          "type='bridge'><mac address='52:54:00:00:00:01'/><filterref "
          "filter='y'/></interface></devices></domain>",
          NWF_DOMAIN_BAD_REFS, "already has a <filterref>" },
        { "<domain><name>a</name><uuid>6f2c1d0e-7a43-4b8e-9c55-1f0a2b3c4d01"
          "</uuid><devices><interface type='bridge'><mac address="
          "'52:54:00:00:00:01'/><filterref filter=''/></interface>"
          "</devices></domain>",
          NWF_DOMAIN_BAD_REFS, "<filterref> attribute 'filter'" },
        /* Another namespace's metadata is not ours. */
        { "<domain><name>a</name><uuid>6f2c1d0e-7a43-4b8e-9c55-1f0a2b3c4d01"
          "</uuid><metadata><f:filterrefs xmlns:f='urn:other'>"
          "<f:interface mac='52:54:00:00:00:09'/></f:filterrefs>"
          "</metadata></domain>", NWF_DOMAIN_OK, "" },
        { "<domain><name>a</name></domain>", NWF_DOMAIN_BAD_XML,
          "<name> and <uuid> are required" },
        { "<filter name='x'/>", NWF_DOMAIN_BAD_XML,
          "expected <domain>" },
        { "<domain><name>a", NWF_DOMAIN_BAD_XML, "domain:" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct ds msgs = DS_EMPTY_INITIALIZER;
        struct nwf_domain dom;
        enum nwf_domain_status status = parse_domain_text(cases[i].xml,
                                                          &dom, &msgs);
        if (status != cases[i].status
            || !strstr(ds_cstr(&msgs), cases[i].needle)) {
            fprintf(stderr, "case %"PRIuSIZE": status %d, messages: %s\n",
                    i, status, ds_cstr(&msgs));
            CU_FAIL("domain not judged as expected");
        }
        nwf_domain_destroy(&dom);
        ds_destroy(&msgs);
    }
}

static const struct nwf_unit_test binding_tests[] = {
    { "libvirt round trip", test_libvirt_round_trip },
    { "libvirt test data", test_libvirt_test_data },
    { "libvirt differences", test_libvirt_differences },
    { "errors", test_errors },
    { "external-ids", test_external_ids },
    { "domain", test_domain },
    { "domain errors", test_domain_errors },
    { NULL, NULL },
};
NWF_UNIT_SUITE(binding, binding_tests);
