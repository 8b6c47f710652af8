/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* One bound port's flows (nwf_flows_for_port()): exact text for small
 * filters, and properties of the built-in filters' flows. */

#include <config.h>

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "nwf-flow-set.h"
#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-flows.h"
#include "nwf-pipeline.h"
#include "nwf-resolve.h"
#include "nwf-unit.h"
#include "nwf-vars.h"
#include "nwf-xml.h"
#include "nwf-xmlfile.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "sset.h"
#include "svec.h"
#include "util.h"

#define OFPORT 3
#define ZONE 7

/* The filters a test compiles from, in the order given; a filter's id for
 * cookies is its position plus 1. */
struct filters {
    struct nwf_filter **f;
    size_t n;
};

static const struct nwf_filter *
filters_lookup(const char *name, void *fs_)
{
    const struct filters *fs = fs_;
    for (size_t i = 0; i < fs->n; i++) {
        if (!strcmp(fs->f[i]->name, name)) {
            return fs->f[i];
        }
    }
    return NULL;
}

static uint32_t
filters_id(const char *name, void *fs_)
{
    const struct filters *fs = fs_;
    for (size_t i = 0; i < fs->n; i++) {
        if (!strcmp(fs->f[i]->name, name)) {
            return i + 1;
        }
    }
    return 0;
}

static void
filters_add(struct filters *fs, struct nwf_filter *f)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fs->f = xrealloc(fs->f, (fs->n + 1) * sizeof *fs->f);
    fs->f[fs->n++] = f;
}

static void
filters_destroy(struct filters *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        nwf_filter_destroy(fs->f[i]);
    }
    free(fs->f);
}

/* Parses each XML text of 'xmls' (NULL-terminated) into 'fs'. */
static void
filters_parse(struct filters *fs, const char *const *xmls)
{
    for (size_t i = 0; xmls[i]; i++) {
        struct nwf_diag diag;
        nwf_diag_init(&diag);
        struct nwf_filter *f = nwf_xml_parse_buffer(xmls[i], strlen(xmls[i]),
                                                    "test", &diag);
        if (!f) {
            fprintf(stderr, "\nparse error: %s\n", nwf_diag_text(&diag));
        }
        filters_add(fs, f);
        nwf_diag_destroy(&diag);
    }
}

/* Resolves filter 'top' of 'fs' for a port with 'vars' (space-separated
 * NAME=V1,V2 items, or NULL) and compiles the port's flows into 'flows'.
 * Returns NULL on success, otherwise the messages ("resolve: ..." if the
 * filter did not resolve). */
static char *
compile_port(struct filters *fs, const char *top, const char *vars, int tag,
             struct nwf_flow_set *flows)
{
    struct eth_addr mac = ETH_ADDR_C(52, 54, 00, 00, 00, 01);
    struct nwf_var_table table;
    struct nwf_resolved r;
    struct nwf_diag diag;
    char *error = NULL;

    nwf_var_table_init(&table);
    if (vars) {
        struct svec words = SVEC_EMPTY_INITIALIZER;
        svec_parse_words(&words, vars);
        for (size_t i = 0; i < words.n; i++) {
            char *e = nwf_var_table_parse_assignment(&table, words.names[i],
                                                     NWF_VAR_STRICT);
            CU_ASSERT_PTR_NULL(e);
            free(e);
        }
        svec_destroy(&words);
    }

    nwf_resolved_init(&r);
    nwf_diag_init(&diag);
    if (nwf_resolve(top, &table, &mac, filters_lookup, fs, &r,
                    &diag) != NWF_RESOLVE_OK) {
        error = xasprintf("resolve: %s", nwf_diag_text(&diag));
    } else {
        struct nwf_port port = {
            .name = "vnet0",
            .ofport = u16_to_ofp(OFPORT),
            .mac = mac,
            .zone = ZONE,
            .bound = true,
            .tag = tag,
        };
        size_t n_before = nwf_flow_set_count(flows);
        if (!nwf_flows_for_port(&port, &r, filters_id, fs, flows, &diag)) {
            CU_ASSERT_EQUAL(nwf_flow_set_count(flows), n_before);
            CU_ASSERT_TRUE(nwf_diag_has_errors(&diag));
            error = xstrdup(nwf_diag_text(&diag));
        } else {
            CU_ASSERT_FALSE(nwf_diag_has_errors(&diag));
        }
    }
    nwf_diag_destroy(&diag);
    nwf_resolved_destroy(&r);
    nwf_var_table_destroy(&table);
    return error;
}

/* What format_rule_flows() shows. */
enum show {
    SHOW_ETH,                   /* ETH_OUT and ETH_IN, brief. */
    SHOW_IP,                    /* IP_OUT and IP_IN, brief. */
    SHOW_RULES,                 /* The four rule tables, in full. */
    SHOW_OUTPUT,                /* OUTPUT, in full. */
    SHOW_ALL,                   /* Every flow, in full. */
};

static bool
is_eth_table(uint8_t table)
{
    return table == NWF_TABLE_ETH_OUT || table == NWF_TABLE_ETH_IN;
}

static bool
is_ip_table(uint8_t table)
{
    return table == NWF_TABLE_IP_OUT || table == NWF_TABLE_IP_IN;
}

/* 'f' in brief, "TABLE PRIORITY MATCH ACTIONS", without the port's own
 * match (in_port or NWF_MFF_OUT of OFPORT) and the cookie, so that
 * expectations stay short. */
static char *
format_brief(const struct nwf_flow *f)
{
    struct match m;
    minimatch_expand(&f->match, &m);
    if (f->table == NWF_TABLE_ETH_OUT || f->table == NWF_TABLE_IP_OUT) {
        if (m.flow.in_port.ofp_port == u16_to_ofp(OFPORT)) {
            match_set_in_port(&m, OFPP_NONE);
            m.wc.masks.in_port.ofp_port = 0;
        }
    } else if (m.flow.regs[1] == OFPORT && m.wc.masks.regs[1] == UINT32_MAX) {
        match_set_reg_masked(&m, 1, 0, 0);
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "%d %d ", f->table, f->priority);
    match_format(&m, NULL, &s, OFP_DEFAULT_PRIORITY);
    ds_put_char(&s, ' ');
    nwf_flow_format_actions(f, &s);
    return ds_steal_cstr(&s);
}

/* Sorts brief lines by table, then priority from high to low, then
 * text. */
static int
compare_brief(const void *a_, const void *b_)
{
    const char *a = *(const char *const *) a_;
    const char *b = *(const char *const *) b_;
    int ta, pa, tb, pb;
    ovs_assert(sscanf(a, "%d %d", &ta, &pa) == 2);
    ovs_assert(sscanf(b, "%d %d", &tb, &pb) == 2);
    return (ta != tb ? (ta < tb ? -1 : 1)
            : pa != pb ? (pa > pb ? -1 : 1)
            : strcmp(a, b));
}

static char *
join_brief(struct svec *lines)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    qsort(lines->names, lines->n, sizeof *lines->names, compare_brief);
    for (size_t i = 0; i < lines->n; i++) {
        ds_put_format(&out, "%s\n", lines->names[i]);
    }
    svec_destroy(lines);
    return ds_steal_cstr(&out);
}

/* Formats the flows of 'flows' that 'show' selects, sorted: brief (see
 * format_brief()) for SHOW_ETH and SHOW_IP, otherwise in full. */
static char *
format_rule_flows(struct nwf_flow_set *flows, enum show show)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    struct svec brief = SVEC_EMPTY_INITIALIZER;

    size_t n;
    const struct nwf_flow **sorted = nwf_flow_set_sorted(flows, &n);
    for (size_t i = 0; i < n; i++) {
        const struct nwf_flow *f = sorted[i];
        if (show == SHOW_ALL
            || (show == SHOW_RULES
                && (is_eth_table(f->table) || is_ip_table(f->table)))
            || (show == SHOW_OUTPUT && f->table == NWF_TABLE_OUTPUT)) {
            nwf_flow_format(f, &out);
            ds_put_char(&out, '\n');
        } else if ((show == SHOW_ETH && is_eth_table(f->table))
                   || (show == SHOW_IP && is_ip_table(f->table))) {
            svec_add_nocopy(&brief, format_brief(f));
        }
    }
    free(sorted);
    if (show == SHOW_ETH || show == SHOW_IP) {
        ds_destroy(&out);
        return join_brief(&brief);
    }
    svec_destroy(&brief);
    return ds_steal_cstr(&out);
}

/* Expectations 'want' for format_rule_flows() as a person writes them,
 * printed as it prints them (nwf_unit_canonical_flows(); brief lines are
 * parsed without the port's match, which format_brief() leaves out). */
static char *
canonical_want(const char *want)
{
    if (!strncmp(want, "table=", 6)) {
        return nwf_unit_canonical_flows(want);
    } else if (!isdigit((unsigned char) want[0])) {
        return xstrdup(want);   /* "error: ..." */
    }

    struct svec lines = SVEC_EMPTY_INITIALIZER;
    char *copy = xstrdup(want);
    char *save_ptr = NULL;
    for (char *line = strtok_r(copy, "\n", &save_ptr); line;
         line = strtok_r(NULL, "\n", &save_ptr)) {
        int table, priority, len = 0;
        if (sscanf(line, "%d %d %n", &table, &priority, &len) < 2 || !len) {
            svec_add_nocopy(&lines, xasprintf("0 0 UNPARSABLE: %s", line));
            continue;
        }
        const char *rest = line + len;
        const char *space = strrchr(rest, ' ');
        char *match = space ? xmemdup0(rest, space - rest) : xstrdup("");
        char *text = xasprintf("table=%d,priority=%d%s%s actions=%s",
                               table, priority, *match ? "," : "", match,
                               space ? space + 1 : rest);
        struct nwf_flow_set set;
        nwf_flow_set_init(&set);
        char *error = nwf_flow_set_add_text(&set, text);
        if (error) {
            svec_add_nocopy(&lines, xasprintf("0 0 UNPARSABLE: %s", line));
        } else {
            const struct nwf_flow *f;
            HMAP_FOR_EACH (f, node, &set.flows) {
                svec_add_nocopy(&lines, format_brief(f));
            }
        }
        free(error);
        nwf_flow_set_destroy(&set);
        free(text);
        free(match);
    }
    free(copy);
    return join_brief(&lines);
}

/* Checks that every flow of 'flows' prints as one that ovs-ofctl would
 * add, and is what it would make of that text. */
static void
check_flows_parse(const struct nwf_flow_set *flows, const char *what)
{
    const struct nwf_flow *f;
    HMAP_FOR_EACH (f, node, &flows->flows) {
        nwf_unit_check_flow(f, what);
    }
}

/* Compiles the filters 'xmls' (the first is the port's) for a trunk port
 * and returns its flows (see format_rule_flows()), or "error:
 * MESSAGES". */
static char *
compile_rules(const char *const *xmls, const char *vars, enum show show)
{
    struct filters fs = { NULL, 0 };
    struct nwf_flow_set flows;

    filters_parse(&fs, xmls);
    nwf_flow_set_init(&flows);
    char *error = compile_port(&fs, fs.f[0]->name, vars, -1, &flows);
    check_flows_parse(&flows, fs.f[0]->name);
    char *out = (error
                 ? xasprintf("error: %s", error)
                 : format_rule_flows(&flows, show));
    free(error);
    nwf_flow_set_destroy(&flows);
    filters_destroy(&fs);
    return out;
}

/* Checks flows 'got' against expectations 'want' (canonical_want()). */
static void
check_text(const char *got, const char *want_, const char *what)
{
    char *want = canonical_want(want_);
    CU_ASSERT_STRING_EQUAL(got, want);
    if (strcmp(got, want)) {
        fprintf(stderr, "\n%s: got\n%s--- want\n%s---\n", what, got, want);
    }
    free(want);
}

#define CHECK_FLOWS(XMLS, VARS, SHOW, WANT)                             \
    do {                                                                \
        char *got_ = compile_rules(XMLS, VARS, SHOW);                   \
        check_text(got_, WANT, #XMLS);                                  \
        free(got_);                                                     \
    } while (0)
#define CHECK_ETH(XMLS, VARS, WANT) CHECK_FLOWS(XMLS, VARS, SHOW_ETH, WANT)
#define CHECK_IP(XMLS, VARS, WANT) CHECK_FLOWS(XMLS, VARS, SHOW_IP, WANT)

/* ---- Flow sets. ---- */

static void
test_flow_set(void)
{
    struct nwf_flow_set set;
    struct ds s = DS_EMPTY_INITIALIZER;
    static const char *const flows[] = {
        "table=30,priority=100,cookie=0x3,reg1=3 actions=output:3",
        "table=10,priority=100,cookie=0x3,ip actions=drop",
        "table=10,priority=200,cookie=0x100010003,in_port=3 "
        "actions=goto_table:11",
        "table=10,priority=100,cookie=0x2,arp actions=drop",
        /* Same table, priority and match as the second: replaces it. */
        "table=10,priority=100,cookie=0x3,ip actions=controller",
    };

    nwf_flow_set_init(&set);
    for (size_t i = 0; i < ARRAY_SIZE(flows); i++) {
        char *error = nwf_flow_set_add_text(&set, flows[i]);
        CU_ASSERT_PTR_NULL(error);
        free(error);
    }
    CU_ASSERT_EQUAL(nwf_flow_set_count(&set), 4);
    nwf_flow_set_format(&set, &s);
    /* Open vSwitch's own spelling, sorted by table, then priority from
     * high to low, then text. */
    CU_ASSERT_STRING_EQUAL(ds_cstr(&s),
               "table=10,priority=200,cookie=0x100010003,in_port=3 "
               "actions=goto_table:11\n"
               "table=10,priority=100,cookie=0x2,arp actions=drop\n"
               "table=10,priority=100,cookie=0x3,ip "
               "actions=CONTROLLER:65535\n"
               "table=30,priority=100,cookie=0x3,reg1=0x3 "
               "actions=output:3\n");

    /* Typed flows: the same as their text. */
    struct match m;
    match_init_catchall(&m);
    match_set_reg(&m, 1, 3);
    uint64_t stub[64 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    ofpact_put_OUTPUT(&ofpacts)->port = u16_to_ofp(4);
    nwf_flow_set_add(&set, 30, 100, 0x4, &m, &ofpacts);
    ofpbuf_uninit(&ofpacts);
    CU_ASSERT_EQUAL(nwf_flow_set_count(&set), 4);
    ds_clear(&s);
    nwf_flow_set_format(&set, &s);
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&s),
                                  "table=30,priority=100,cookie=0x4,"
                                  "reg1=0x3 actions=output:4\n"));

    CU_ASSERT_TRUE(nwf_flow_set_remove_text(&set,
                                            "table=10,priority=100,arp"));
    CU_ASSERT_EQUAL(nwf_flow_set_count(&set), 3);
    char *error = nwf_flow_set_add_text(&set, "table=10,ip actions=bogus");
    CU_ASSERT_PTR_NOT_NULL(error);
    free(error);

    /* Across sets, by identity (table, priority, match), as ofctrl keeps
     * what the switch has: typed and parsed flows find each other. */
    struct nwf_flow_set other;
    nwf_flow_set_init(&other);
    error = nwf_flow_set_add_text(&other, "table=30,priority=100,reg1=3 "
                                  "actions=drop");
    CU_ASSERT_PTR_NULL(error);
    const struct nwf_flow *typed = nwf_flow_set_find_same(
        &set, CONTAINER_OF(hmap_first(&other.flows), struct nwf_flow, node));
    CU_ASSERT(typed && typed->cookie == 0x4);
    nwf_flow_set_add_copy(&other, typed);
    CU_ASSERT_EQUAL(nwf_flow_set_count(&other), 1);
    const struct nwf_flow *copy
        = CONTAINER_OF(hmap_first(&other.flows), struct nwf_flow, node);
    CU_ASSERT(copy != typed && nwf_flow_same_content(copy, typed));
    CU_ASSERT_TRUE(nwf_flow_set_remove_same(&set, copy));
    CU_ASSERT_FALSE(nwf_flow_set_remove_same(&set, copy));
    CU_ASSERT_EQUAL(nwf_flow_set_count(&set), 2);
    nwf_flow_set_destroy(&other);

    nwf_flow_set_clear(&set);
    CU_ASSERT_EQUAL(nwf_flow_set_count(&set), 0);
    ds_clear(&s);
    nwf_flow_set_format(&set, &s);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&s), "");
    nwf_flow_set_destroy(&set);
    ds_destroy(&s);
}

/* Reads the built-in filters of the libvirt reference data into 'fs'. */
static void
filters_read_builtins(struct filters *fs)
{
    const char *ref = nwf_unit_reference_dir();
    CU_ASSERT_PTR_NOT_NULL_FATAL(ref);

    char *dir = xasprintf("%s/libvirt/builtin-filters", ref);
    struct svec files = SVEC_EMPTY_INITIALIZER;
    DIR *d = opendir(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    for (struct dirent *de; (de = readdir(d)) != NULL; ) {
        size_t len = strlen(de->d_name);
        if (len > 4 && !strcmp(de->d_name + len - 4, ".xml")) {
            svec_add_nocopy(&files, xasprintf("%s/%s", dir, de->d_name));
        }
    }
    closedir(d);
    svec_sort(&files);

    for (size_t i = 0; i < files.n; i++) {
        struct nwf_diag diag;
        nwf_diag_init(&diag);
        filters_add(fs, nwf_xml_parse_file(files.names[i], &diag));
        nwf_diag_destroy(&diag);
    }
    CU_ASSERT_EQUAL(fs->n, 24);
    svec_destroy(&files);
    free(dir);
}

/* ---- The Ethernet layer. ---- */

static void
test_root_only(void)
{
    static const char *const xmls[] = {
        "<filter name='t'>"
        "  <rule action='accept' direction='out' priority='100'>"
        "    <mac protocolid='arp'/></rule>"
        "  <rule action='drop' direction='in' priority='200'>"
        "    <mac srcmacaddr='52:54:00:00:00:02'/></rule>"
        "  <rule action='return' direction='out' priority='300'>"
        "    <mac protocolid='ipv4'/></rule>"
        "  <rule action='drop' direction='inout' priority='1000'/>"
        "</filter>",
        NULL,
    };

    /* First match in priority order; a root "return" accepts; nothing
     * after the final drop of everything. */
    CHECK_ETH(xmls, NULL,
              "10 60000 reg0=0,arp,vlan_tci=0x0000/0x1000 goto_table:11\n"
              "10 59999 reg0=0,ip,vlan_tci=0x0000/0x1000 goto_table:11\n"
              "10 59998 reg0=0 drop\n"
              "33 60000 reg0=0,dl_src=52:54:00:00:00:02 drop\n"
              "33 59999 reg0=0 drop\n");
}

/* The Ethernet-layer flows of a root rule accepting IPv4 at 'priority'
 * and an ipv4 sub-chain (-700) that drops everything. */
static char *
compile_interleave(int priority)
{
    char *top = xasprintf("<filter name='t'>"
                          "  <rule action='accept' direction='out'"
                          "        priority='%d'>"
                          "    <mac protocolid='ipv4'/></rule>"
                          "  <filterref filter='v4'/>"
                          "</filter>", priority);
    const char *const xmls[] = {
        top,
        "<filter name='v4' chain='ipv4'>"
        "  <rule action='drop' direction='out'/>"
        "</filter>",
        NULL,
    };
    char *got = compile_rules(xmls, NULL, SHOW_ETH);
    free(top);
    return got;
}

/* A root rule accepting IPv4 at -750 comes before the ipv4 chain (-700)
 * and wins; at -650 it comes after it, and the chain's drop wins; at -700,
 * a tie, the jump comes first (docs/pipeline.md, "Chains: the Ethernet
 * layer"). */
static void
test_interleave(void)
{
    static const char accept_first[] =
        "10 60000 reg0=0,ip,vlan_tci=0x0000/0x1000 goto_table:11\n"
        "10 59999 reg0=0,ip,vlan_tci=0x0000/0x1000 drop\n";
    static const char drop_first[] =
        "10 60000 reg0=0,ip,vlan_tci=0x0000/0x1000 drop\n"
        "10 59999 reg0=0,ip,vlan_tci=0x0000/0x1000 goto_table:11\n";
    static const struct {
        int priority;
        const char *want;
    } cases[] = {
        { -750, accept_first },
        { -650, drop_first },
        { -700, drop_first },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *got = compile_interleave(cases[i].priority);
        check_text(got, cases[i].want, "interleave");
        free(got);
    }
}

/* Two filters in chain "arp" with different chain priorities: the last
 * rule's (300) places the jump, after the root rule at 0. */
static void
test_shared_chain(void)
{
    static const char *const xmls[] = {
        "<filter name='t'>"
        "  <rule action='drop' direction='out' priority='0'>"
        "    <mac protocolid='arp'/></rule>"
        "  <filterref filter='a1'/>"
        "  <filterref filter='a2'/>"
        "</filter>",
        "<filter name='a1' chain='arp' priority='-500'>"
        "  <rule action='accept' direction='out'><arp opcode='Reply'/></rule>"
        "</filter>",
        "<filter name='a2' chain='arp' priority='300'>"
        "  <rule action='accept' direction='out'><arp/></rule>"
        "</filter>",
        NULL,
    };

    CHECK_ETH(xmls, NULL,
              "10 60000 reg0=0,arp,vlan_tci=0x0000/0x1000 drop\n"
              "10 59999 reg0=0,arp,vlan_tci=0x0000/0x1000,arp_op=2 "
              "goto_table:11\n"
              "10 59998 reg0=0,arp,vlan_tci=0x0000/0x1000 goto_table:11\n");
}

/* "return" goes on in the root chain after the jump: a new segment. */
static void
test_return(void)
{
    static const char *const xmls[] = {
        "<filter name='t'>"
        "  <filterref filter='m'/>"
        "  <rule action='accept' direction='out' priority='100'>"
        "    <mac protocolid='arp'/></rule>"
        "  <rule action='drop' direction='out' priority='1000'/>"
        "</filter>",
        "<filter name='m' chain='mac'>"
        "  <rule action='return' direction='out'>"
        "    <mac srcmacaddr='$MAC'/></rule>"
        "  <rule action='drop' direction='out'/>"
        "</filter>",
        NULL,
    };

    CHECK_ETH(xmls, NULL,
              "10 60000 reg0=1,dl_src=52:54:00:00:00:01 set_field:0->reg0,"
              "resubmit(,10)\n"
              "10 59999 reg0=1 drop\n"
              "10 59998 reg0=0,arp,vlan_tci=0x0000/0x1000 goto_table:11\n"
              "10 59997 reg0=0 drop\n");
}

/* Falling off a sub-chain accepts (docs/filter-format.md, "The Ethernet
 * layer: root chain and sub-chains"): IPv4 other than to 10.0.0.1 is
 * accepted although the root chain ends with a drop. */
static void
test_fall_off(void)
{
    static const char *const xmls[] = {
        "<filter name='t'>"
        "  <filterref filter='v4'/>"
        "  <rule action='drop' direction='inout' priority='1000'/>"
        "</filter>",
        "<filter name='v4' chain='ipv4'>"
        "  <rule action='drop' direction='out'>"
        "    <ip dstipaddr='10.0.0.1'/></rule>"
        "</filter>",
        NULL,
    };

    CHECK_ETH(xmls, NULL,
              "10 60000 reg0=0,ip,vlan_tci=0x0000/0x1000,nw_dst=10.0.0.1 "
              "drop\n"
              "10 59999 reg0=0,ip,vlan_tci=0x0000/0x1000 goto_table:11\n"
              "10 59998 reg0=0 drop\n"
              "33 60000 reg0=0 drop\n");
}

/* "continue" decides nothing, at either layer; a sub-chain of nothing but
 * "continue" still takes its frames, and accepts them. */
static void
test_continue(void)
{
    static const char *const xmls[] = {
        "<filter name='t'>"
        "  <rule action='continue' direction='out'>"
        "    <mac protocolid='arp'/></rule>"
        "  <rule action='continue' direction='in'>"
        "    <tcp dstportstart='22'/></rule>"
        "  <filterref filter='r'/>"
        "  <rule action='drop' direction='out' priority='600'/>"
        "</filter>",
        "<filter name='r' chain='rarp'>"
        "  <rule action='continue' direction='out'/>"
        "</filter>",
        NULL,
    };

    CHECK_ETH(xmls, NULL,
              "10 60000 reg0=0,rarp,vlan_tci=0x0000/0x1000 goto_table:11\n"
              "10 59999 reg0=0 drop\n");
    CHECK_IP(xmls, NULL,
             "");
}

/* From the VM, an inout rule is read with source and destination
 * swapped (docs/filter-format.md, "direction"): frames between the VM and
 * X. */
static void
test_inout_mirrored(void)
{
    static const char *const xmls[] = {
        "<filter name='t'>"
        "  <rule action='drop' direction='inout'>"
        "    <mac srcmacaddr='52:54:00:00:00:02'/></rule>"
        "  <rule action='drop' direction='inout'>"
        "    <arp arpsrcipaddr='10.0.0.2'/></rule>"
        "</filter>",
        NULL,
    };

    CHECK_ETH(xmls, NULL,
              "10 60000 reg0=0,dl_dst=52:54:00:00:00:02 drop\n"
              "10 59999 reg0=0,arp,vlan_tci=0x0000/0x1000,arp_tpa=10.0.0.2 "
              "drop\n"
              "33 60000 reg0=0,dl_src=52:54:00:00:00:02 drop\n"
              "33 59999 reg0=0,arp,vlan_tci=0x0000/0x1000,arp_spa=10.0.0.2 "
              "drop\n");
}

/* A rule that contradicts its sub-chain's condition gives no flow; one
 * that narrows a field of it gives the conjunction. */
static void
test_jump_conditions(void)
{
    static const char *const xmls[] = {
        "<filter name='t'>"
        "  <filterref filter='v4'/>"
        "  <filterref filter='s'/>"
        "  <filterref filter='v'/>"
        "</filter>",
        "<filter name='v4' chain='ipv4'>"
        "  <rule action='drop' direction='out'><arp/></rule>"
        "  <rule action='drop' direction='out'>"
        "    <mac protocolid='ipv4' srcmacaddr='52:54:00:00:00:02'/></rule>"
        "</filter>",
        "<filter name='s' chain='stp'>"
        "  <rule action='drop' direction='out'>"
        "    <mac dstmacaddr='01:00:00:00:00:00'"
        "         dstmacmask='ff:00:00:00:00:00'/></rule>"
        "</filter>",
        "<filter name='v' chain='vlan'>"
        "  <rule action='drop' direction='out'><vlan vlanid='5'/></rule>"
        "  <rule action='drop' direction='out'><mac protocolid='arp'/></rule>"
        "</filter>",
        NULL,
    };

    CHECK_ETH(xmls, NULL,
              "10 60000 reg0=0,dl_vlan=5 drop\n"
              "10 59999 reg0=0,vlan_tci=0x1000/0x1000 goto_table:11\n"
              "10 59998 reg0=0,ip,vlan_tci=0x0000/0x1000,"
              "dl_src=52:54:00:00:00:02 drop\n"
              "10 59997 reg0=0,ip,vlan_tci=0x0000/0x1000 goto_table:11\n"
              "10 59996 reg0=0,dl_dst=01:80:c2:00:00:00 drop\n");
}

/* ---- The IP layer. ---- */

static void
test_ip_copies(void)
{
    static const char *const xmls[] = {
        "<filter name='t'>"
        /* Stateful: new and continued connections out, replies in. */
        "  <rule action='accept' direction='out'>"
        "    <tcp dstipaddr='10.0.0.1' dstportstart='80'/></rule>"
        /* Stateless, mirrored copy kept (docs/filter-format.md,
         * "direction"). */
        "  <rule action='accept' direction='in' statematch='false'>"
        "    <udp srcipaddr='10.0.0.1' dstportstart='53'/></rule>"
        /* inout: stateless, mirrored from the VM. */
        "  <rule action='drop' direction='inout'>"
        "    <tcp srcportstart='25'/></rule>"
        /* Explicit state: own direction only. */
        "  <rule action='accept' direction='in'>"
        "    <tcp dstportstart='22' state='NEW,ESTABLISHED'/></rule>"
        "  <rule action='drop' direction='out'>"
        "    <udp state='INVALID'/></rule>"
        "  <rule action='accept' direction='out'>"
        "    <udp state='INVALID,RELATED'/></rule>"
        "  <rule action='accept' direction='in'>"
        "    <udp state='NONE'/></rule>"
        "</filter>",
        NULL,
    };

    CHECK_IP(xmls, NULL,
             "12 60000 reg4=0,tcp,vlan_tci=0x0000/0x1000,nw_dst=10.0.0.1,"
             "tcp_dst=80,ct_state=+est-rpl ct(commit,zone=NXM_NX_REG3[0..15]),"
             "goto_table:20\n"
             "12 60000 reg4=0,tcp,vlan_tci=0x0000/0x1000,nw_dst=10.0.0.1,"
             "tcp_dst=80,ct_state=+new ct(commit,zone=NXM_NX_REG3[0..15]),"
             "goto_table:20\n"
             "12 59999 reg4=0,udp,vlan_tci=0x0000/0x1000,nw_dst=10.0.0.1,"
             "udp_src=53 ct(commit,zone=NXM_NX_REG3[0..15]),goto_table:20\n"
             "12 59998 reg4=0,tcp,vlan_tci=0x0000/0x1000,tcp_dst=25 drop\n"
             "12 59997 reg4=0,udp,vlan_tci=0x0000/0x1000,ct_state=+inv drop\n"
             "12 59996 reg4=0,udp,vlan_tci=0x0000/0x1000,ct_state=+inv "
             "goto_table:20\n"
             "12 59996 reg4=0,udp,vlan_tci=0x0000/0x1000,ct_state=+rel "
             "ct(commit,zone=NXM_NX_REG3[0..15]),goto_table:20\n"
             "32 60000 reg4=0,tcp,vlan_tci=0x0000/0x1000,nw_src=10.0.0.1,"
             "tcp_src=80,ct_state=+est+rpl ct(commit,zone=NXM_NX_REG3[0..15]),"
             "goto_table:33\n"
             "32 59999 reg4=0,udp,vlan_tci=0x0000/0x1000,nw_src=10.0.0.1,"
             "udp_dst=53 ct(commit,zone=NXM_NX_REG3[0..15]),goto_table:33\n"
             "32 59998 reg4=0,tcp,vlan_tci=0x0000/0x1000,tcp_src=25 drop\n"
             "32 59997 reg4=0,tcp,vlan_tci=0x0000/0x1000,tcp_dst=22,"
             "ct_state=+est ct(commit,zone=NXM_NX_REG3[0..15]),goto_table:33\n"
             "32 59997 reg4=0,tcp,vlan_tci=0x0000/0x1000,tcp_dst=22,"
             "ct_state=+new ct(commit,zone=NXM_NX_REG3[0..15]),goto_table:33\n"
             "32 59996 reg4=0,udp,vlan_tci=0x0000/0x1000 ct(commit,"
             "zone=NXM_NX_REG3[0..15]),goto_table:33\n");
}

static void
test_ip_icmp_type(void)
{
    static const char *const xmls[] = {
        "<filter name='t'>"
        /* No mirror, no direction (docs/pipeline.md, "The IP layer"). */
        "  <rule action='accept' direction='in'><icmp type='8'/></rule>"
        "  <rule action='accept' direction='out'>"
        "    <icmpv6 type='128'/></rule>"
        /* inout: both copies as written (libvirt: none). */
        "  <rule action='accept' direction='inout'>"
        "    <icmp type='0' srcipaddr='10.0.0.1'/></rule>"
        /* Without a type: mirrored as any rule. */
        "  <rule action='drop' direction='out'><icmp/></rule>"
        "</filter>",
        NULL,
    };

    CHECK_IP(xmls, NULL,
             "12 60000 reg4=0,icmp6,vlan_tci=0x0000/0x1000,icmpv6_type=128,"
             "ct_state=+est ct(commit,zone=NXM_NX_REG3[0..15]),goto_table:20\n"
             "12 60000 reg4=0,icmp6,vlan_tci=0x0000/0x1000,icmpv6_type=128,"
             "ct_state=+new ct(commit,zone=NXM_NX_REG3[0..15]),goto_table:20\n"
             "12 59999 reg4=0,icmp,vlan_tci=0x0000/0x1000,nw_dst=10.0.0.1,"
             "icmp_type=0 ct(commit,zone=NXM_NX_REG3[0..15]),goto_table:20\n"
             "12 59998 reg4=0,icmp,vlan_tci=0x0000/0x1000 drop\n"
             "32 60000 reg4=0,icmp,vlan_tci=0x0000/0x1000,icmp_type=8,"
             "ct_state=+est ct(commit,zone=NXM_NX_REG3[0..15]),goto_table:33\n"
             "32 60000 reg4=0,icmp,vlan_tci=0x0000/0x1000,icmp_type=8,"
             "ct_state=+new ct(commit,zone=NXM_NX_REG3[0..15]),goto_table:33\n"
             "32 59999 reg4=0,icmp,vlan_tci=0x0000/0x1000,nw_src=10.0.0.1,"
             "icmp_type=0 ct(commit,zone=NXM_NX_REG3[0..15]),goto_table:33\n"
             "32 59998 reg4=0,icmp,vlan_tci=0x0000/0x1000 drop\n");
}

/* srcmacaddr only in the copy as written. */
static void
test_ip_srcmac(void)
{
    static const char *const xmls[] = {
        "<filter name='t'>"
        "  <rule action='accept' direction='out'>"
        "    <tcp srcmacaddr='$MAC' dstportstart='443'/></rule>"
        "  <rule action='drop' direction='inout'>"
        "    <all srcmacaddr='52:54:00:00:00:02'/></rule>"
        "</filter>",
        NULL,
    };

    CHECK_IP(xmls, NULL,
             "12 60000 reg4=0,tcp,vlan_tci=0x0000/0x1000,"
             "dl_src=52:54:00:00:00:01,tcp_dst=443,ct_state=+est-rpl "
             "ct(commit,zone=NXM_NX_REG3[0..15]),goto_table:20\n"
             "12 60000 reg4=0,tcp,vlan_tci=0x0000/0x1000,"
             "dl_src=52:54:00:00:00:01,tcp_dst=443,ct_state=+new ct(commit,"
             "zone=NXM_NX_REG3[0..15]),goto_table:20\n"
             "12 59999 reg4=0,ip,vlan_tci=0x0000/0x1000 drop\n"
             "32 60000 reg4=0,tcp,vlan_tci=0x0000/0x1000,tcp_src=443,"
             "ct_state=+est+rpl ct(commit,zone=NXM_NX_REG3[0..15]),"
             "goto_table:33\n"
             "32 59999 reg4=0,ip,vlan_tci=0x0000/0x1000,"
             "dl_src=52:54:00:00:00:02 drop\n");
}

static void
test_reject(void)
{
    static const char *const xmls[] = {
        "<filter name='t'>"
        "  <rule action='reject' direction='in'>"
        "    <tcp dstportstart='25'/></rule>"
        "  <rule action='reject' direction='out'>"
        "    <mac protocolid='ipv6'/></rule>"
        "</filter>",
        NULL,
    };

    /* IP layer: to the controller, both copies (docs/filter-format.md,
     * "direction"), through the port's own meter, 0x30000 + ofport;
     * Ethernet layer: a drop. */
    CHECK_ETH(xmls, NULL,
              "10 60000 reg0=0,ipv6,vlan_tci=0x0000/0x1000 drop\n");
    CHECK_IP(xmls, NULL,
             "12 60000 reg4=0,tcp,vlan_tci=0x0000/0x1000,tcp_src=25 "
             "controller(userdata=01,meter_id=196611)\n"
             "32 60000 reg4=0,tcp,vlan_tci=0x0000/0x1000,tcp_dst=25 "
             "controller(userdata=01,meter_id=196611)\n");
}

/* ---- Negation. ---- */

static void
test_negation(void)
{
    static const char *const xmls[] = {
        "<filter name='t'>"
        "  <rule action='drop' direction='out'>"
        "    <ip match='no' srcipaddr='10.0.0.5'/></rule>"
        "  <rule action='accept' direction='out' priority='600'>"
        "    <mac protocolid='ipv4'/></rule>"
        /* match='no' negates dstportstart only with srcportstart
         * (docs/filter-format.md, "IP layer"): here only the source. */
        "  <rule action='accept' direction='in'>"
        "    <tcp match='no' srcipaddr='10.0.0.0' srcipmask='8'"
        "         dstportstart='22'/></rule>"
        "  <rule action='drop' direction='in' priority='600'>"
        "    <tcp/></rule>"
        "  <filterref filter='a'/>"
        "</filter>",
        "<filter name='a' chain='arp'>"
        "  <rule action='drop' direction='in'>"
        "    <arp match='no' arpsrcipaddr='10.0.0.1'/></rule>"
        "  <rule action='return' direction='in' priority='600'>"
        "    <arp opcode='Request'/></rule>"
        "</filter>",
        NULL,
    };

    CHECK_ETH(xmls, NULL,
              "10 60000 reg0=1,ip,vlan_tci=0x0000/0x1000,nw_src=10.0.0.5 "
              "set_field:0->reg0,resubmit(,10)\n"
              "10 59999 reg0=1,ip,vlan_tci=0x0000/0x1000 drop\n"
              "10 59998 reg0=0,ip,vlan_tci=0x0000/0x1000 goto_table:11\n"
              "33 60000 reg0=2,arp,vlan_tci=0x0000/0x1000,arp_spa=10.0.0.1 "
              "set_field:1->reg0,resubmit(,33)\n"
              "33 59999 reg0=2,arp,vlan_tci=0x0000/0x1000 drop\n"
              "33 59998 reg0=1,arp,vlan_tci=0x0000/0x1000,arp_op=1 "
              "set_field:0->reg0,resubmit(,33)\n"
              "33 59997 reg0=1,arp,vlan_tci=0x0000/0x1000 output:3\n");
    CHECK_IP(xmls, NULL,
             "12 60000 reg4=1,tcp,vlan_tci=0x0000/0x1000,nw_dst=10.0.0.0/8 "
             "set_field:0->reg4,resubmit(,12)\n"
             "12 59999 reg4=1,tcp,vlan_tci=0x0000/0x1000,tcp_src=22,"
             "ct_state=+est+rpl ct(commit,zone=NXM_NX_REG3[0..15]),"
             "goto_table:20\n"
             "12 59998 reg4=0,tcp,vlan_tci=0x0000/0x1000 drop\n"
             "32 60000 reg4=1,tcp,vlan_tci=0x0000/0x1000,nw_src=10.0.0.0/8 "
             "set_field:0->reg4,resubmit(,32)\n"
             "32 59999 reg4=1,tcp,vlan_tci=0x0000/0x1000,tcp_dst=22,"
             "ct_state=+est-rpl ct(commit,zone=NXM_NX_REG3[0..15]),"
             "goto_table:33\n"
             "32 59999 reg4=1,tcp,vlan_tci=0x0000/0x1000,tcp_dst=22,"
             "ct_state=+new ct(commit,zone=NXM_NX_REG3[0..15]),goto_table:33\n"
             "32 59998 reg4=0,tcp,vlan_tci=0x0000/0x1000 drop\n");

    /* The port's entries start each table at its first segment, the
     * highest number: ETH_OUT 1, IP_OUT 1 (CLASSIFY); ETH_IN 2, IP_IN 1
     * (OUTPUT). */
    char *all = compile_rules(xmls, NULL, SHOW_ALL);
    CU_ASSERT_PTR_NOT_NULL(strstr(all, "in_port=3 actions=set_field:0x7->reg3,"
                                  "set_field:0x1->reg0,set_field:0x1->reg4,"
                                  "set_field:0x2000->reg5,goto_table:10\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(all, "reg1=0x3,reg2=0 actions="
                                  "set_field:0x7->reg3,set_field:0x2->reg0,"
                                  "set_field:0x1->reg4,goto_table:31\n"));
    free(all);
}

/* ---- Ports, cookies, errors and limits. ---- */

/* Compiles filter "t" with no rules for a port with VLAN 'tag' (-1 for a
 * trunk) and returns the flows that 'show' selects. */
static char *
compile_empty(int tag, enum show show)
{
    static const char *const xmls[] = { "<filter name='t'/>", NULL };
    struct filters fs = { NULL, 0 };
    struct nwf_flow_set flows;

    filters_parse(&fs, xmls);
    nwf_flow_set_init(&flows);
    char *error = compile_port(&fs, "t", NULL, tag, &flows);
    CU_ASSERT_PTR_NULL(error);
    free(error);
    char *out = format_rule_flows(&flows, show);
    nwf_flow_set_destroy(&flows);
    filters_destroy(&fs);
    return out;
}

/* The port's CLASSIFY and OUTPUT entries, and a port without rules: each
 * rule table's one segment accepts, and with no IP-layer rule the port
 * skips conntrack (NWF_IP_SEG_UNTRACKED instead of IP segment 0). */
static void
test_port_entries(void)
{
    char *got = compile_empty(-1, SHOW_ALL);
    check_text(got,
               "table=0,priority=65000,cookie=0x3,in_port=3 "
               "actions=set_field:7->reg3,set_field:0->reg0,set_field:0xffff->reg4,"
               "set_field:0x2000->reg5,goto_table:10\n"
               "table=30,priority=65001,cookie=0x3,reg1=3,reg2=0 "
               "actions=set_field:7->reg3,set_field:0->reg0,set_field:0xffff->reg4,"
               "goto_table:31\n"
               "table=30,priority=65000,cookie=0x3,reg1=3 "
               "actions=push_vlan:0x8100,"
               "move:NXM_NX_REG2[0..11]->NXM_OF_VLAN_TCI[0..11],"
               "set_field:7->reg3,set_field:0->reg0,set_field:0xffff->reg4,"
               "goto_table:31\n",
               "trunk");
    free(got);

    /* An access port's frames leave untagged. */
    got = compile_empty(5, SHOW_OUTPUT);
    check_text(got,
               "table=30,priority=65000,cookie=0x3,reg1=3 "
               "actions=set_field:7->reg3,set_field:0->reg0,set_field:0xffff->reg4,"
               "goto_table:31\n",
               "access port");
    free(got);
}

/* One IP-layer rule, even one with flows in IP_OUT alone (an ICMP type
 * has no mirrored copy), puts the port through conntrack both ways: its
 * states need the replies seen in its zone.  Ethernet-layer rules alone
 * do not. */
static void
test_port_tracked(void)
{
    static const char *const icmp_out[] = {
        "<filter name='t'><rule action='accept' direction='out'>"
        "<icmp type='8'/></rule></filter>", NULL
    };
    char *got = compile_rules(icmp_out, NULL, SHOW_ALL);
    CU_ASSERT_PTR_NULL(strstr(got, "0xffff->reg4"));
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "in_port=3 actions=set_field:0x7->reg3,"
                                  "set_field:0->reg0,set_field:0->reg4,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "reg1=0x3,reg2=0 actions="
                                  "set_field:0x7->reg3,set_field:0->reg0,"
                                  "set_field:0->reg4,goto_table:31\n"));
    CU_ASSERT_PTR_NULL(strstr(got, "table=32,"));
    free(got);

    static const char *const mac_only[] = {
        "<filter name='t'><rule action='drop' direction='out'>"
        "<mac protocolid='0x88cc'/></rule></filter>", NULL
    };
    got = compile_rules(mac_only, NULL, SHOW_ALL);
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "in_port=3 actions=set_field:0x7->reg3,"
                                  "set_field:0->reg0,"
                                  "set_field:0xffff->reg4,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "reg1=0x3,reg2=0 actions="
                                  "set_field:0x7->reg3,set_field:0->reg0,"
                                  "set_field:0xffff->reg4,goto_table:31\n"));
    free(got);
}

/* A port whose $IP is being learned: fixed restrictive rules, and copies
 * of what learning needs for the controller. */
static void
test_learning_port(void)
{
    struct nwf_port port = {
        .name = "p", .ofport = u16_to_ofp(3),
        .mac = ETH_ADDR_C(52, 54, 00, 00, 00, 01), .zone = 7,
        .bound = true, .tag = 5, .learn_punt = NWF_LEARN_PUNT_DHCP,
    };
    ovs_be32 server = htonl(0x0a000001);
    struct nwf_flow_set set;
    struct ds s = DS_EMPTY_INITIALIZER;

    /* dhcp mode, one trusted server, an access port. */
    nwf_flow_set_init(&set);
    nwf_flows_for_learning_port(&port, &server, 1, &set);
    nwf_flow_set_format(&set, &s);
    check_text(ds_cstr(&s),
        "table=0,priority=65002,cookie=0x3,in_port=3,"
        "dl_src=52:54:00:00:00:01,udp,tp_src=68,tp_dst=67 "
        "actions=controller(userdata=02,meter_id=262),set_field:7->reg3,"
        "set_field:0->reg0,set_field:0xffff->reg4,set_field:0x1005->reg5,"
        "goto_table:10\n"
        "table=0,priority=65000,cookie=0x3,in_port=3 "
        "actions=set_field:7->reg3,set_field:0->reg0,set_field:0xffff->reg4,"
        "set_field:0x1005->reg5,goto_table:10\n"
        "table=10,priority=60000,cookie=0x3,in_port=3,reg0=0,"
        "dl_src=52:54:00:00:00:01,udp,tp_src=68,tp_dst=67 "
        "actions=goto_table:11\n"
        "table=10,priority=59999,cookie=0x3,in_port=3,reg0=0 actions=drop\n"
        "table=30,priority=65002,cookie=0x3,reg1=3,dl_dst=52:54:00:00:00:01,"
        "udp,tp_src=67,tp_dst=68 "
        "actions=controller(userdata=02,meter_id=263),set_field:7->reg3,"
        "set_field:0->reg0,set_field:0xffff->reg4,goto_table:31\n"
        "table=30,priority=65002,cookie=0x3,reg1=3,dl_dst=ff:ff:ff:ff:ff:ff,"
        "udp,tp_src=67,tp_dst=68 "
        "actions=controller(userdata=02,meter_id=263),set_field:7->reg3,"
        "set_field:0->reg0,set_field:0xffff->reg4,goto_table:31\n"
        "table=30,priority=65000,cookie=0x3,reg1=3 "
        "actions=set_field:7->reg3,set_field:0->reg0,set_field:0xffff->reg4,"
        "goto_table:31\n"
        "table=33,priority=60000,cookie=0x3,reg1=3,reg0=0,"
        "dl_dst=52:54:00:00:00:01,udp,tp_src=67,tp_dst=68,nw_src=10.0.0.1 "
        "actions=output:3\n"
        "table=33,priority=60000,cookie=0x3,reg1=3,reg0=0,"
        "dl_dst=ff:ff:ff:ff:ff:ff,udp,tp_src=67,tp_dst=68,nw_src=10.0.0.1 "
        "actions=output:3\n"
        "table=33,priority=59999,cookie=0x3,reg1=3,reg0=0 actions=drop\n",
        "dhcp mode");

    /* any mode on a trunk: IPv4 and ARP both ways, copies of what the VM
     * sends and of DHCP replies in both OUTPUT entries. */
    port.tag = -1;
    port.learn_punt = NWF_LEARN_PUNT_ANY;
    nwf_flow_set_clear(&set);
    nwf_flows_for_learning_port(&port, NULL, 0, &set);
    static const char *const want[] = {
        "ip,in_port=3,dl_src=52:54:00:00:00:01 actions=controller(",
        "arp,in_port=3,dl_src=52:54:00:00:00:01 actions=controller(",
        "udp,reg1=0x3,reg2=0,dl_dst=52:54:00:00:00:01,tp_src=67,tp_dst=68 "
        "actions=controller(",
        "udp,reg1=0x3,dl_dst=ff:ff:ff:ff:ff:ff,tp_src=67,tp_dst=68 "
        "actions=controller(userdata=02,meter_id=263),push_vlan",
        "ip,reg0=0,reg1=0x3,dl_dst=52:54:00:00:00:01 actions=output:3",
        "arp,reg0=0,reg1=0x3,dl_dst=ff:ff:ff:ff:ff:ff actions=output:3",
    };
    ds_clear(&s);
    nwf_flow_set_format(&set, &s);
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        if (!strstr(ds_cstr(&s), want[i])) {
            fprintf(stderr, "\nany mode: no \"%s\" in\n%s", want[i],
                    ds_cstr(&s));
        }
        CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&s), want[i]));
    }
    CU_ASSERT_PTR_NULL(strstr(ds_cstr(&s), "tp_src=68,tp_dst=67"));
    check_flows_parse(&set, "learning flow");
    nwf_flow_set_destroy(&set);
    ds_destroy(&s);
}

/* The bridge's own interface bound: its flows name it LOCAL in in_port=
 * and output:, never 65534 (which ovs-vswitchd warns about), and keep the
 * number in NWF_MFF_OUT. */
static void
test_local_port(void)
{
    struct nwf_port port = {
        .name = "br0", .ofport = OFPP_LOCAL,
        .mac = ETH_ADDR_C(52, 54, 00, 00, 00, 01), .zone = 7,
        .bound = true, .tag = -1, .learn_punt = NWF_LEARN_PUNT_ANY,
    };
    struct nwf_flow_set set;
    struct ds s = DS_EMPTY_INITIALIZER;

    nwf_flow_set_init(&set);
    nwf_flows_for_learning_port(&port, NULL, 0, &set);
    nwf_flow_set_format(&set, &s);
    const char *text = ds_cstr(&s);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "reg0=0,in_port=LOCAL"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "reg0=0,reg1=0xfffe"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "actions=LOCAL"));
    CU_ASSERT_PTR_NULL(strstr(text, "in_port=65534"));
    CU_ASSERT_PTR_NULL(strstr(text, "output:65534"));
    check_flows_parse(&set, "LOCAL port flow");
    nwf_flow_set_destroy(&set);
    ds_destroy(&s);
}

/* Cookies: filter id (here its position plus 1), rule index plus 1 and
 * ofport; the port's own flows carry the ofport only. */
static void
test_cookies(void)
{
    static const char *const xmls[] = {
        "<filter name='t'>"
        "  <rule action='accept' direction='out'><all/></rule>"
        "  <filterref filter='m'/>"
        "</filter>",
        "<filter name='m' chain='mac'>"
        "  <rule action='drop' direction='out' priority='10'>"
        "    <mac srcmacaddr='52:54:00:00:00:02'/></rule>"
        "  <rule action='return' direction='out' priority='20'/>"
        "</filter>",
        NULL,
    };
    char *got = compile_rules(xmls, NULL, SHOW_RULES);
    check_text(got,
               "table=10,priority=60000,cookie=0x200010003,in_port=3,reg0=1,"
               "dl_src=52:54:00:00:00:02 actions=drop\n"
               "table=10,priority=59999,cookie=0x200020003,in_port=3,reg0=1 "
               "actions=set_field:0->reg0,resubmit(,10)\n"
               "table=12,priority=60000,cookie=0x100010003,in_port=3,reg4=0,"
               "ip,vlan_tci=0x0000/0x1000,ct_state=+est-rpl actions=ct(commit,"
               "zone=NXM_NX_REG3[0..15]),goto_table:20\n"
               "table=12,priority=60000,cookie=0x100010003,in_port=3,reg4=0,"
               "ip,vlan_tci=0x0000/0x1000,ct_state=+new actions=ct(commit,"
               "zone=NXM_NX_REG3[0..15]),goto_table:20\n"
               "table=32,priority=60000,cookie=0x100010003,reg1=3,reg4=0,ip,"
               "vlan_tci=0x0000/0x1000,ct_state=+est+rpl actions=ct(commit,"
               "zone=NXM_NX_REG3[0..15]),goto_table:33\n",
               "cookies");
    free(got);
}

static void
test_errors(void)
{
    static const char *const xmls[] = {
        "<filter name='t'>"
        "  <rule action='drop' direction='out'>"
        "    <tcp connlimit-above='3'/></rule>"
        "  <rule action='accept' direction='inout'>"
        "    <udp ipset='x'/></rule>"
        "  <rule action='accept' direction='out'><all/></rule>"
        "</filter>",
        NULL,
    };

    /* Each problem once, though the rules have two copies; nothing is
     * added (compile_port() checks). */
    char *got = compile_rules(xmls, NULL, SHOW_ETH);
    check_text(got,
               "error: filter 't' rule 1:1: <tcp> attribute 'connlimit-above' "
               "value '3': cannot be matched: OpenFlow in Open vSwitch has no "
               "field for connection counts\n"
               "filter 't' rule 2:1: <udp> attribute 'ipset' value 'x': "
               "cannot be matched: OpenFlow in Open vSwitch has no field for "
               "IP sets\n"
               "filter 't' rule 2:1: <udp> attribute 'ipsetflags' value "
               "'src': cannot be matched: OpenFlow in Open vSwitch has no "
               "field for IP sets",
               "errors");
    free(got);
}

/* Builds "NAME=V1,V2,..." with 'n' values from 'fmt' (one %d). */
static char *
list_var(const char *name, const char *fmt, int n)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "%s=", name);
    for (int i = 0; i < n; i++) {
        ds_put_format(&s, i ? "," : "");
        ds_put_format(&s, fmt, i);
    }
    return ds_steal_cstr(&s);
}

/* At most NWF_MAX_SEGMENTS segments per table. */
static void
test_segment_limit(void)
{
    static const char *const xmls[] = {
        "<filter name='t'>"
        "  <rule action='drop' direction='in'>"
        "    <mac match='no' srcmacaddr='$M'/></rule>"
        "</filter>",
        NULL,
    };

    /* Each instance cuts the chain once; segments count down from the
     * first, 23, to the last, 0, which has no flow of the port. */
    char *vars = list_var("M", "52:54:00:00:01:%02x", NWF_MAX_SEGMENTS - 1);
    char *got = compile_rules(xmls, vars, SHOW_ETH);
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "33 60000 reg0=0x17,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "set_field:0->reg0,resubmit(,33)\n"));
    CU_ASSERT_PTR_NULL(strstr(got, "reg0=0,"));
    CU_ASSERT_PTR_NULL(strstr(got, "reg0=0 "));
    free(got);
    free(vars);

    vars = list_var("M", "52:54:00:00:01:%02x", NWF_MAX_SEGMENTS);
    got = compile_rules(xmls, vars, SHOW_ETH);
    check_text(got,
               "error: filter 't' rule 1:1: <mac>: port vnet0: table ETH_IN "
               "needs more than 24 segments (each rule with match='no' and "
               "each sub-chain with a 'return' starts one)",
               "segment limit");
    free(got);
    free(vars);
}

/* Compiles 'n' instances of the one rule of filter 'xml' (built here: a
 * list variable of that length would take the resolver long) and returns
 * the rule flows in brief, or "error: MESSAGES". */
static char *
compile_copies(const char *xml, size_t n)
{
    static const char *const top = "t";
    struct filters fs = { NULL, 0 };
    struct nwf_resolved r;
    struct nwf_diag diag;
    struct nwf_flow_set flows;

    filters_parse(&fs, (const char *const[]) { xml, NULL });
    nwf_resolved_init(&r);
    const char *filter = sset_add(&r.strings, top)->name;
    const char *chain = sset_add(&r.strings, "root")->name;
    r.insts = xmalloc(n * sizeof *r.insts);
    r.allocated_insts = n;
    for (size_t i = 0; i < n; i++) {
        r.insts[r.n_insts++] = (struct nwf_rule_inst) {
            .rule = nwf_rule_clone(fs.f[0]->entries[0].rule),
            .filter = filter,
            .combo_index = i,
            .chain = chain,
            .priority = NWF_RULE_PRIORITY_DEFAULT,
        };
    }

    struct nwf_port port = {
        .name = "vnet0",
        .ofport = u16_to_ofp(OFPORT),
        .zone = ZONE,
        .bound = true,
        .tag = -1,
    };
    nwf_diag_init(&diag);
    nwf_flow_set_init(&flows);
    char *out = (nwf_flows_for_port(&port, &r, filters_id, &fs, &flows,
                                    &diag)
                 ? format_rule_flows(&flows, SHOW_IP)
                 : xasprintf("error: %s", nwf_diag_text(&diag)));
    nwf_flow_set_destroy(&flows);
    nwf_diag_destroy(&diag);
    nwf_resolved_destroy(&r);
    filters_destroy(&fs);
    return out;
}

/* At most NWF_PRIO_RULES - NWF_PRIO_RULES_MIN + 1 priorities per table. */
static void
test_priority_limit(void)
{
    static const char *const xml = (
        "<filter name='t'>\n"
        "  <rule action='drop' direction='in'><udp/></rule>\n"
        "</filter>\n");
    size_t n = NWF_PRIO_RULES - NWF_PRIO_RULES_MIN + 1;

    char *got = compile_copies(xml, n);
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "\n32 1000 "));
    free(got);

    got = compile_copies(xml, n + 1);
    check_text(got,
               "error: filter 't' rule 1:2: <udp>: port vnet0: table IP_OUT "
               "needs more than 59001 priorities (one per rule, two with "
               "match='no')",
               "priority limit");
    free(got);
}

/* ---- The built-in filters. ---- */

/* Compiles built-in filter 'top' with 'vars' into sorted 'flows'. */
static void
compile_builtin(const char *top, const char *vars,
                struct nwf_flow_set *flows)
{
    struct filters fs = { NULL, 0 };

    filters_read_builtins(&fs);
    char *error = compile_port(&fs, top, vars, -1, flows);
    if (error) {
        fprintf(stderr, "\n%s: %s\n", top, error);
        CU_FAIL("built-in filter does not compile");
        free(error);
    }
    check_flows_parse(flows, top);
    filters_destroy(&fs);
}

/* clean-traffic with one address and with four.  The count includes the
 * port's CLASSIFY and OUTPUT entries (3 on a trunk); the ends of its
 * segments are bridge-wide. */
static void
test_clean_traffic(void)
{
    static const struct {
        const char *vars;
        size_t n_flows;
    } cases[] = {
        { "IP=10.0.0.5", 23 },
        { "IP=10.0.0.5,10.0.0.6,10.0.0.7,192.168.1.9", 29 },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct nwf_flow_set flows;
        nwf_flow_set_init(&flows);
        compile_builtin("clean-traffic", cases[i].vars, &flows);
        CU_ASSERT_EQUAL(nwf_flow_set_count(&flows), cases[i].n_flows);
        if (nwf_flow_set_count(&flows) != cases[i].n_flows) {
            fprintf(stderr, "\nclean-traffic %s: %"PRIuSIZE" flows\n",
                    cases[i].vars, nwf_flow_set_count(&flows));
        }
        nwf_flow_set_destroy(&flows);
    }
}

/* clean-traffic's Ethernet layer, against libvirt's chains
 * (docs/filter-format.md, "The Ethernet layer: root chain and
 * sub-chains", and "Built-in filters").
 * From the VM: mac (return for $MAC, else drop), ipv4-ip (return for UDP
 * from 0.0.0.0 and from $IP, else drop), accept IPv4, arp-mac, arp-ip,
 * accept ARP, rarp (the announcement, else drop), accept 0x835, drop.  To
 * the VM: ipv4 (accept), accept ARP, rarp, drop. */
static void
test_clean_traffic_eth(void)
{
    struct nwf_flow_set flows;

    nwf_flow_set_init(&flows);
    compile_builtin("clean-traffic", "IP=10.0.0.5", &flows);
    char *got = format_rule_flows(&flows, SHOW_ETH);
    check_text(got,
               "10 60000 reg0=4,dl_src=52:54:00:00:00:01 set_field:3->reg0,"
               "resubmit(,10)\n"
               "10 59999 reg0=4 drop\n"
               "10 59998 reg0=3,udp,vlan_tci=0x0000/0x1000,nw_src=0.0.0.0 "
               "set_field:2->reg0,resubmit(,10)\n"
               "10 59997 reg0=3,ip,vlan_tci=0x0000/0x1000,nw_src=10.0.0.5 "
               "set_field:2->reg0,resubmit(,10)\n"
               "10 59996 reg0=3,ip,vlan_tci=0x0000/0x1000 drop\n"
               "10 59995 reg0=2,ip,vlan_tci=0x0000/0x1000 goto_table:11\n"
               "10 59994 reg0=2,arp,vlan_tci=0x0000/0x1000,"
               "arp_sha=52:54:00:00:00:01 set_field:1->reg0,resubmit(,10)\n"
               "10 59993 reg0=2,arp,vlan_tci=0x0000/0x1000 drop\n"
               "10 59992 reg0=1,arp,vlan_tci=0x0000/0x1000,arp_spa=10.0.0.5 "
               "set_field:0->reg0,resubmit(,10)\n"
               "10 59991 reg0=1,arp,vlan_tci=0x0000/0x1000 drop\n"
               "10 59990 reg0=0,arp,vlan_tci=0x0000/0x1000 goto_table:11\n"
               "10 59989 reg0=0,rarp,vlan_tci=0x0000/0x1000,"
               "dl_src=52:54:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=3,"
               "arp_spa=0.0.0.0,arp_tpa=0.0.0.0,arp_sha=52:54:00:00:00:01,"
               "arp_tha=52:54:00:00:00:01 goto_table:11\n"
               "10 59988 reg0=0,rarp,vlan_tci=0x0000/0x1000 drop\n"
               "10 59987 reg0=0,dl_type=0x0835,vlan_tci=0x0000/0x1000 "
               "goto_table:11\n"
               "10 59986 reg0=0 drop\n"
               "33 60000 reg0=0,ip,vlan_tci=0x0000/0x1000 output:3\n"
               "33 59999 reg0=0,arp,vlan_tci=0x0000/0x1000 output:3\n"
               "33 59998 reg0=0,rarp,vlan_tci=0x0000/0x1000,"
               "dl_dst=ff:ff:ff:ff:ff:ff,arp_op=3,arp_spa=0.0.0.0,"
               "arp_tpa=0.0.0.0,arp_sha=52:54:00:00:00:01,"
               "arp_tha=52:54:00:00:00:01 output:3\n"
               "33 59997 reg0=0,rarp,vlan_tci=0x0000/0x1000 drop\n"
               "33 59996 reg0=0 drop\n",
               "clean-traffic");
    free(got);
    nwf_flow_set_destroy(&flows);
}

/* Every built-in filter compiles into flows that ovs-ofctl accepts. */
static void
test_builtins_parse(void)
{
    const char *vars = ("IP=10.0.0.5 IPV6=2001:db8::5 "
                        "GATEWAY_MAC=52:54:00:aa:bb:cc DHCPSERVER=10.0.0.1");
    struct filters fs = { NULL, 0 };

    filters_read_builtins(&fs);
    for (size_t i = 0; i < fs.n; i++) {
        const char *name = fs.f[i]->name;
        struct nwf_flow_set flows;

        nwf_flow_set_init(&flows);
        compile_builtin(name, (!strcmp(name, "allow-dhcpv6-server")
                               ? "DHCPSERVER=fe80::1" : vars), &flows);
        nwf_flow_set_destroy(&flows);
    }
    filters_destroy(&fs);
}

static const struct nwf_unit_test flows_tests[] = {
    { "root chain only", test_root_only },
    { "root rules and jumps interleave by priority", test_interleave },
    { "sub-chains sharing a name", test_shared_chain },
    { "return from a sub-chain", test_return },
    { "falling off a sub-chain accepts", test_fall_off },
    { "continue produces nothing", test_continue },
    { "inout is mirrored from the VM", test_inout_mirrored },
    { "jump conditions and rule matches", test_jump_conditions },
    { "IP layer: copies and states", test_ip_copies },
    { "IP layer: ICMP with a type", test_ip_icmp_type },
    { "IP layer: srcmacaddr as written only", test_ip_srcmac },
    { "reject", test_reject },
    { "negation: exclusion flows", test_negation },
    { "port entries: access port and trunk", test_port_entries },
    { "port entries: conntrack only with IP-layer rules", test_port_tracked },
    { "learning port", test_learning_port },
    { "the bridge's own port bound", test_local_port },
    { "cookies", test_cookies },
    { "errors name filter, rule and attribute", test_errors },
    { "segment limit", test_segment_limit },
    { "priority limit", test_priority_limit },
    { "clean-traffic: flow counts", test_clean_traffic },
    { "clean-traffic: the Ethernet layer", test_clean_traffic_eth },
    { "built-in filters: flows parse", test_builtins_parse },
    { "flow sets: sort and format", test_flow_set },
    { NULL, NULL },
};

NWF_UNIT_SUITE(flows, flows_tests);
