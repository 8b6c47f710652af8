/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* Offline compilation of one port (nwf-compile.h), as "nwf-ofctl compile"
 * does it. */

#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bitmap.h"
#include "filter-dir.h"
#include "flow.h"
#include "nwf-compile.h"
#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-unit.h"
#include "nwf-vars.h"
#include "nwf-xml.h"
#include "nwf-xmlfile.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "packets.h"
#include "util.h"

#define MAC "52:54:00:00:00:07"

static char *
builtin_dir(void)
{
    return xasprintf("%s/../filters", nwf_unit_srcdir());
}

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

static char *
read_file(const char *path)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    FILE *f = fopen(path, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    for (int c; (c = getc(f)) != EOF; ) {
        ds_put_char(&s, c);
    }
    fclose(f);
    return ds_steal_cstr(&s);
}

/* Initializes 'vars' with the parameters "NAME=VALUE" in 'params'
 * (NULL-terminated, or NULL). */
static void
parse_params(struct nwf_var_table *vars, const char *const *params)
{
    nwf_var_table_init(vars);
    for (size_t i = 0; params && params[i]; i++) {
        char *error = nwf_var_table_parse_assignment(vars, params[i],
                                                     NWF_VAR_STRICT);
        CU_ASSERT_PTR_NULL(error);
        free(error);
    }
}

/* Compiles 'filter' from 'dir' with the parameters "NAME=VALUE" in
 * 'params' (NULL-terminated), for ofport 3 in zone 5, an access port of
 * VLAN 'tag' or (-1) a trunk.  Returns the status; the flows are in 'out'
 * and the messages in 'diag'. */
static enum nwf_resolve_status
compile_tag(const char *filter, const char *dir, const char *const *params,
            int tag, struct ds *out, struct nwf_diag *diag)
{
    struct nwf_var_table vars;
    parse_params(&vars, params);
    struct eth_addr mac;
    CU_ASSERT(eth_addr_from_string(MAC, &mac));

    struct nwf_filter_files files;
    nwf_filter_files_init(&files, dir, NULL, diag);
    const char *top = nwf_filter_files_top(&files, filter, false);
    if (!top) {
        nwf_filter_files_destroy(&files);
        nwf_var_table_destroy(&vars);
        return NWF_RESOLVE_ERROR;
    }
    struct nwf_compile_request req = {
        .filter = top,
        .lookup = nwf_filter_files_lookup,
        .aux = &files,
        .params = &vars,
        .mac = &mac,
        .ofport = u16_to_ofp(3),
        .zone = 5,
        .tag = tag,
    };
    enum nwf_resolve_status status = nwf_compile_port(&req, out, diag);
    nwf_filter_files_destroy(&files);
    nwf_var_table_destroy(&vars);
    return status;
}

/* compile_tag() for a trunk. */
static enum nwf_resolve_status
compile(const char *filter, const char *dir, const char *const *params,
        struct ds *out, struct nwf_diag *diag)
{
    return compile_tag(filter, dir, params, -1, out, diag);
}

/* A built-in filter by name: the port's flows, then "# bridge-wide" and
 * the bridge's, the same bytes every time. */
static void
test_builtin(void)
{
    char *dir = builtin_dir();
    struct ds a = DS_EMPTY_INITIALIZER, b = DS_EMPTY_INITIALIZER;
    struct nwf_diag diag;
    nwf_diag_init(&diag);

    CU_ASSERT_EQUAL(compile("no-mac-spoofing", dir, NULL, &a, &diag),
                    NWF_RESOLVE_OK);
    CU_ASSERT_EQUAL(compile("no-mac-spoofing", dir, NULL, &b, &diag),
                    NWF_RESOLVE_OK);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&a), ds_cstr(&b));
    CU_ASSERT_FALSE(nwf_diag_has_errors(&diag));

    const char *marker = strstr(ds_cstr(&a), "\n# bridge-wide\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(marker);
    /* The port's rule flows come first, with the port in the cookie (no
     * <uuid>, so no filter id); the bridge's after the marker. */
    const char *rule = strstr(ds_cstr(&a), "cookie=0x10003,reg0=0x1,"
                              "in_port=3,dl_src=" MAC);
    CU_ASSERT(rule && rule < marker);
    CU_ASSERT_PTR_NOT_NULL(nwf_unit_find_flow(marker, "table=30,priority=65100,"
                                  "cookie=0x0,in_port=3,reg1=3 "
                                  "actions=drop\n"));
    CU_ASSERT_PTR_NULL(strstr(marker, "table=0,priority=65000"));

    ds_destroy(&a);
    ds_destroy(&b);
    nwf_diag_destroy(&diag);
    free(dir);
}

/* An access port: its OUTPUT entry takes its VLAN's frames to the rules
 * untagged (the VM gets them untagged), and the bridge-wide part is that
 * of an access port.  It was always compiled as a trunk, which pushed the
 * VLAN's tag, so that clean-traffic dropped everything the VM's VLAN
 * sent it. */
static void
test_access_port(void)
{
    char *dir = builtin_dir();
    struct ds out = DS_EMPTY_INITIALIZER;
    struct nwf_diag diag;
    nwf_diag_init(&diag);

    CU_ASSERT_EQUAL(compile_tag("no-mac-spoofing", dir, NULL, 10, &out,
                                &diag), NWF_RESOLVE_OK);
    const char *s = ds_cstr(&out);
    const char *marker = strstr(s, "\n# bridge-wide\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(marker);
    const char *entry = nwf_unit_find_flow(s, "table=30,priority=65000,cookie=0x3,reg1=3 "
                               "actions=set_field:5->reg3,set_field:0->reg0,"
                               "set_field:0xffff->reg4,goto_table:31\n");
    CU_ASSERT(entry && entry < marker);
    CU_ASSERT_PTR_NULL(strstr(s, "push_vlan"));
    CU_ASSERT_PTR_NULL(strstr(s, "reg1=0x3,reg2=0"));
    /* Its CLASSIFY entry puts it in VLAN_IN's class of access ports of
     * VLAN 10, which has no flow of its own there. */
    const char *classify = nwf_unit_find_flow(s, "table=0,priority=65000,cookie=0x3,"
                                  "in_port=3 actions=set_field:5->reg3,"
                                  "set_field:1->reg0,set_field:0xffff->reg4,"
                                  "set_field:0x100a->reg5,goto_table:10\n");
    CU_ASSERT(classify && classify < marker);
    CU_ASSERT_PTR_NOT_NULL(nwf_unit_find_flow(marker, "table=20,priority=65000,"
                                  "cookie=0x0,reg5=0x1000/0xf000,"
                                  "vlan_tci=0x0000/0x1000 actions="
                                  "move:NXM_NX_REG5[0..11]->"
                                  "NXM_NX_REG2[0..11],goto_table:21\n"));
    CU_ASSERT_PTR_NULL(strstr(marker, "table=20,priority=65000,"
                              "cookie=0x0,in_port=3"));

    /* The same port as a trunk pushes the tag of a VLAN other than 0. */
    ds_clear(&out);
    CU_ASSERT_EQUAL(compile("no-mac-spoofing", dir, NULL, &out, &diag),
                    NWF_RESOLVE_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&out), "table=30,priority=65000,"
                                  "cookie=0x3,reg1=0x3 actions=push_vlan"));
    CU_ASSERT_FALSE(nwf_diag_has_errors(&diag));

    ds_destroy(&out);
    nwf_diag_destroy(&diag);
    free(dir);
}

/* $IP missing with learning on: the caller must give it. */
static void
test_need_ip(void)
{
    char *dir = builtin_dir();
    static const char *const ip[] = { "IP=10.0.0.1", "IP=10.0.0.2", NULL };
    struct ds out = DS_EMPTY_INITIALIZER;
    struct nwf_diag diag;
    nwf_diag_init(&diag);

    CU_ASSERT_EQUAL(compile("clean-traffic", dir, NULL, &out, &diag),
                    NWF_RESOLVE_NEED_IP);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&out), "");
    CU_ASSERT_EQUAL(compile("clean-traffic", dir, ip, &out, &diag),
                    NWF_RESOLVE_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&out), "nw_src=10.0.0.2"));

    ds_destroy(&out);
    nwf_diag_destroy(&diag);
    free(dir);
}

/* Missing variables and filters are the resolver's errors. */
static void
test_errors(void)
{
    char *dir = builtin_dir();
    struct ds out = DS_EMPTY_INITIALIZER;
    struct nwf_diag diag;
    nwf_diag_init(&diag);

    CU_ASSERT_EQUAL(compile("allow-dhcp-server", dir, NULL, &out, &diag),
                    NWF_RESOLVE_ERROR);
    CU_ASSERT_STRING_EQUAL(nwf_diag_text(&diag),
                           "Cannot instantiate filter 'allow-dhcp-server' "
                           "due to unresolvable variables or unavailable "
                           "list elements: DHCPSERVER");

    nwf_diag_clear(&diag);
    CU_ASSERT_EQUAL(compile("no-such-filter", dir, NULL, &out, &diag),
                    NWF_RESOLVE_ERROR);
    CU_ASSERT_STRING_EQUAL(nwf_diag_text(&diag),
                           "referenced filter 'no-such-filter' is missing");

    nwf_diag_clear(&diag);
    CU_ASSERT_EQUAL(compile("../filters/no-mac-spoofing", NULL, NULL, &out,
                            &diag), NWF_RESOLVE_ERROR);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&out), "");

    ds_destroy(&out);
    nwf_diag_destroy(&diag);
    free(dir);
}

/* A filter given as a file stands in for the directory's filter of its
 * name and may refer to the directory's filters; its <uuid> is in the
 * cookies; a directory file without <uuid> is read, never rewritten. */
static void
test_file(void)
{
    char tmpl[] = "/tmp/nwf-compile-XXXXXX";
    char *dir = mkdtemp(tmpl);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);

    static const char child[] =
        "<filter name='child' chain='root'>\n"
        "  <rule action='drop' direction='out' priority='100'>\n"
        "    <mac protocolid='ipv4'/>\n"
        "  </rule>\n"
        "</filter>\n";
    char *child_path = xasprintf("%s/child.xml", dir);
    write_file(child_path, child);

    char *top_path = xasprintf("%s/top.xml", dir);
    write_file(top_path,
               "<filter name='top' chain='root'>\n"
               "  <uuid>abcdef01-2345-6789-abcd-ef0123456789</uuid>\n"
               "  <rule action='drop' direction='in' priority='100'>\n"
               "    <mac protocolid='arp'/>\n"
               "  </rule>\n"
               "  <filterref filter='child'/>\n"
               "</filter>\n");

    struct ds out = DS_EMPTY_INITIALIZER;
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    CU_ASSERT_EQUAL(compile(top_path, dir, NULL, &out, &diag),
                    NWF_RESOLVE_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&out), "cookie=0xabcdef0100010003"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&out), "cookie=0x10003,ip,reg0=0,in_port=3"));

    char *after = read_file(child_path);
    CU_ASSERT_STRING_EQUAL(after, child);
    free(after);

    ds_destroy(&out);
    nwf_diag_destroy(&diag);
    unlink(child_path);
    unlink(top_path);
    rmdir(dir);
    free(child_path);
    free(top_path);
}

/* ---- The port compiler, as nwf-controller calls it. ---- */

/* Built-in filters by name, read once. */
static const struct nwf_filter *
builtin_lookup(const char *name, void *filters_)
{
    struct shash *filters = filters_;
    struct shash_node *node = shash_find(filters, name);
    if (!node) {
        char *dir = builtin_dir();
        char *path = xasprintf("%s/%s.xml", dir, name);
        struct nwf_diag diag;
        nwf_diag_init(&diag);
        node = shash_add(filters, name, nwf_xml_parse_file(path, &diag));
        nwf_diag_destroy(&diag);
        free(path);
        free(dir);
    }
    return node->data;
}

static void
builtin_filters_destroy(struct shash *filters)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, filters) {
        nwf_filter_destroy(node->data);
    }
    shash_destroy(filters);
}

/* Inputs of port "vnet0", ofport 3, zone 5, with 'filter' and the
 * parameters "NAME=VALUE" in 'params' (NULL-terminated). */
static void
port_inputs(struct nwf_port_inputs *in, const char *filter,
            const char *const *params)
{
    struct nwf_var_table vars;
    parse_params(&vars, params);
    struct nwf_port port = {
        .name = "vnet0",
        .ofport = u16_to_ofp(3),
        .zone = 5,
        .bound = true,
        .tag = -1,
    };
    CU_ASSERT(eth_addr_from_string(MAC, &port.mac));
    nwf_port_inputs_init(in);
    nwf_port_inputs_set(in, filter, &vars, &port);
    nwf_var_table_destroy(&vars);
}

/* What a test of the port compiler needs: built-in filters, a port's
 * inputs, its learned addresses (none), diagnostics and the result. */
struct port_test {
    struct shash filters;
    struct nwf_filter_source src;
    struct nwf_port_inputs in;
    struct svec learned;
    struct nwf_diag diag;
    struct nwf_compiled_port c;
};

static void
port_test_init(struct port_test *t, const char *filter,
               const char *const *params)
{
    shash_init(&t->filters);
    t->src = (struct nwf_filter_source) {
        .lookup = builtin_lookup,
        .lookup_aux = &t->filters,
    };
    port_inputs(&t->in, filter, params);
    svec_init(&t->learned);
    nwf_diag_init(&t->diag);
    nwf_compiled_port_init(&t->c);
}

/* Compiles again, with 'learned' (NULL: the caller does not learn). */
static enum nwf_port_state
port_test_compile(struct port_test *t, const struct svec *learned)
{
    nwf_compiled_port_destroy(&t->c);
    nwf_compiled_port_init(&t->c);
    return nwf_compile_port_flows(&t->in, learned, &t->src, &t->c, &t->diag);
}

static void
port_test_destroy(struct port_test *t)
{
    nwf_compiled_port_destroy(&t->c);
    nwf_diag_destroy(&t->diag);
    svec_destroy(&t->learned);
    nwf_port_inputs_destroy(&t->in);
    builtin_filters_destroy(&t->filters);
}

static bool
flows_contain(const struct nwf_flow_set *flows, const char *text)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    nwf_flow_set_format(flows, &s);
    bool found = strstr(ds_cstr(&s), text) != NULL;
    ds_destroy(&s);
    return found;
}

/* A filter that needs $IP: learning flows until an address is learned,
 * then the filter's flows with it; NEED_IP for a caller that does not
 * learn. */
static void
test_port_learning(void)
{
    struct port_test t;
    port_test_init(&t, "clean-traffic", NULL);

    CU_ASSERT_EQUAL(port_test_compile(&t, NULL), NWF_PORT_NEED_IP);
    CU_ASSERT_EQUAL(nwf_flow_set_count(&t.c.flows), 0);
    CU_ASSERT(sset_contains(&t.c.filters, "no-ip-spoofing"));

    CU_ASSERT_EQUAL(port_test_compile(&t, &t.learned), NWF_PORT_LEARNING);
    CU_ASSERT_EQUAL(t.c.ip, NWF_PORT_IP_LEARNED);
    CU_ASSERT_EQUAL(t.c.learning.mode, NWF_IP_LEARNING_ANY);
    CU_ASSERT(nwf_flow_set_count(&t.c.flows) > 0);
    CU_ASSERT_EQUAL(t.c.learned_ips.n, 0);

    svec_add(&t.learned, "10.0.0.5");
    CU_ASSERT_EQUAL(port_test_compile(&t, &t.learned), NWF_PORT_ACTIVE);
    CU_ASSERT_EQUAL(t.c.ip, NWF_PORT_IP_LEARNED);
    CU_ASSERT_EQUAL_FATAL(t.c.learned_ips.n, 1);
    CU_ASSERT_STRING_EQUAL(t.c.learned_ips.names[0], "10.0.0.5");
    CU_ASSERT(flows_contain(&t.c.flows, "nw_src=10.0.0.5"));
    CU_ASSERT_FALSE(nwf_diag_has_errors(&t.diag));
    port_test_destroy(&t);
}

/* A port in error gets the flows that drop everything, and the reason. */
static void
test_port_error(void)
{
    static const char *const params[] = {
        "CTRL_IP_LEARNING=dhcp", "DHCPSERVER=server", NULL,
    };
    struct port_test t;
    port_test_init(&t, "clean-traffic", params);

    CU_ASSERT_EQUAL(port_test_compile(&t, &t.learned), NWF_PORT_ERROR);
    CU_ASSERT_EQUAL(t.c.ip, NWF_PORT_IP_UNKNOWN);
    char *first = nwf_diag_first(&t.diag);
    CU_ASSERT_STRING_EQUAL(first, "filterref-param-DHCPSERVER: 'server' is "
                           "not an IPv4 address");
    free(first);
    CU_ASSERT_EQUAL(nwf_flow_set_count(&t.c.flows), 2);
    CU_ASSERT(flows_contain(&t.c.flows, "in_port=3 actions=drop"));
    port_test_destroy(&t);
}

/* Inputs compare by value, VLANs included. */
static void
test_port_inputs_equal(void)
{
    static const char *const params[] = { "IP=10.0.0.5", NULL };
    struct nwf_port_inputs a, b;
    port_inputs(&a, "clean-traffic", params);
    port_inputs(&b, "clean-traffic", params);
    CU_ASSERT(nwf_port_inputs_equal(&a, &b));

    b.port.tag = 10;
    CU_ASSERT_FALSE(nwf_port_inputs_equal(&a, &b));
    b.port.tag = -1;
    b.port.trunks = bitmap_allocate(4096);
    CU_ASSERT_FALSE(nwf_port_inputs_equal(&a, &b));
    bitmap_free(b.port.trunks);
    b.port.trunks = NULL;
    b.port.zone = 6;
    CU_ASSERT_FALSE(nwf_port_inputs_equal(&a, &b));
    b.port.zone = 5;

    nwf_port_inputs_swap(&a, &b);
    CU_ASSERT(nwf_port_inputs_equal(&a, &b));
    nwf_port_inputs_destroy(&a);
    nwf_port_inputs_destroy(&b);
}

static const struct nwf_unit_test compile_tests[] = {
    { "built-in filter", test_builtin },
    { "access port", test_access_port },
    { "IP needed", test_need_ip },
    { "errors", test_errors },
    { "filter file", test_file },
    { "port learning", test_port_learning },
    { "port in error", test_port_error },
    { "port inputs", test_port_inputs_equal },
    { NULL, NULL },
};
NWF_UNIT_SUITE(compile, compile_tests);
