/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* The bridge-wide flows (nwf_flows_for_bridge()): exact text, and every
 * flow accepted by Open vSwitch's own parser for OpenFlow 1.3. */

#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "flow.h"
#include "nwf-bridge-flows.h"
#include "nwf-flows.h"
#include "nwf-pipeline.h"
#include "nwf-unit.h"
#include "openvswitch/dynamic-string.h"
#include "svec.h"
#include "util.h"

/* ---- Helpers. ---- */

/* Whether 'flow' is one of the flows that end the segments of the rule
 * tables (nwf_flows_chain_ends()), the same on every bridge. */
static bool
is_chain_end(const struct nwf_flow *flow)
{
    return (flow->priority == NWF_PRIO_SEG_END
            && (flow->table == NWF_TABLE_ETH_OUT
                || flow->table == NWF_TABLE_IP_OUT
                || flow->table == NWF_TABLE_IP_IN
                || flow->table == NWF_TABLE_ETH_IN));
}

/* Returns the sorted bridge-wide flows for the ports given as
 * nwf_bridge_port_parse() specifications, NULL-terminated, as text, one
 * flow per line (only those of 'table', if it is not -1; with -1, all but
 * the ends of segments, which test_chain_ends() checks), after checking
 * that each flow is what Open vSwitch's parser makes of its text. */
static char *
bridge_flows(int table, const char *const *specs)
{
    size_t n = 0;
    while (specs[n]) {
        n++;
    }
    struct nwf_port *ports = xcalloc(n ? n : 1, sizeof *ports);
    for (size_t i = 0; i < n; i++) {
        char *error = nwf_bridge_port_parse(specs[i], &ports[i]);
        CU_ASSERT_PTR_NULL_FATAL(error);
    }

    struct nwf_flow_set flows;
    nwf_flow_set_init(&flows);
    nwf_flows_for_bridge(ports, n, &flows);

    size_t n_flows;
    const struct nwf_flow **sorted = nwf_flow_set_sorted(&flows, &n_flows);
    struct ds text = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n_flows; i++) {
        struct ds flow = DS_EMPTY_INITIALIZER;
        nwf_flow_format(sorted[i], &flow);
        nwf_unit_check_flow(sorted[i], NULL);
        if (table < 0 ? !is_chain_end(sorted[i])
            : sorted[i]->table == table) {
            ds_put_format(&text, "%s\n", ds_cstr(&flow));
        }
        ds_destroy(&flow);
    }
    free(sorted);

    nwf_flow_set_destroy(&flows);
    for (size_t i = 0; i < n; i++) {
        nwf_bridge_port_destroy(&ports[i]);
    }
    free(ports);
    return ds_steal_cstr(&text);
}

#define ASSERT_FLOWS(TABLE, SPECS, EXPECTED)                            \
    do {                                                                \
        static const char *const specs_[] = { SPECS, NULL };            \
        char *got_ = bridge_flows(TABLE, specs_);                       \
        char *want_ = nwf_unit_canonical_flows(EXPECTED);               \
        if (strcmp(got_, want_)) {                                      \
            fprintf(stderr, "\ngot:\n%sexpected:\n%s", got_, want_);    \
        }                                                               \
        CU_ASSERT_STRING_EQUAL(got_, want_);                            \
        free(got_);                                                     \
        free(want_);                                                    \
    } while (0)

#define COMMA ,

#define F(TABLE, PRIORITY, REST) \
    "table=" #TABLE ",priority=" #PRIORITY ",cookie=0x0" REST "\n"

/* Untagged IPv4 and IPv6 to conntrack. */
#define CT(TABLE, ACTIONS)                                          \
    F(TABLE, 65000, ",ip,vlan_tci=0x0000/0x1000 actions=" ACTIONS)  \
    F(TABLE, 65000, ",ipv6,vlan_tci=0x0000/0x1000 actions=" ACTIONS)

#define CLONE(PORT) "clone(load:" #PORT "->NXM_NX_REG1[0..15],resubmit(,30))"
#define TO_LEARN "goto_table:21"
#define POP "move:NXM_OF_VLAN_TCI[0..11]->NXM_NX_REG2[0..11],pop_vlan," \
    TO_LEARN
#define PUSH "push_vlan:0x8100,move:NXM_NX_REG2[0..11]->NXM_OF_VLAN_TCI[0..11]"
#define LOOKUP "resubmit(,22),goto_table:30"

/* VLAN_IN for the classes of VLAN input, on every bridge (access ports
 * and trunks of every VLAN have no VLAN_IN flows of their own); they
 * sort after the ports' own, which match in_port. */
#define VLAN_IN_CLASSES                                                 \
    F(20, 65000, ",reg5=0x1000/0xf000,vlan_tci=0x0000/0x1000 "          \
      "actions=move:NXM_NX_REG5[0..11]->NXM_NX_REG2[0..11]," TO_LEARN)  \
    F(20, 65000, ",reg5=0x2000,vlan_tci=0x0000/0x1000 "                 \
      "actions=load:0->NXM_NX_REG2[0..11]," TO_LEARN)                   \
    F(20, 65000, ",reg5=0x2000,vlan_tci=0x1000/0x1000 actions=" POP)
#define LEARN                                                           \
    "learn(table=22,idle_timeout=300,priority=65000,NXM_NX_REG2[0..11],"  \
    "NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],"                                \
    "load:NXM_OF_IN_PORT[]->NXM_NX_REG1[0..15])," LOOKUP

/* ---- Tests. ---- */

/* Two access ports on different VLANs and a trunk of every VLAN: the
 * whole flow set. */
static void
test_access_and_trunk(void)
{
    ASSERT_FLOWS(-1, "1,tag=10" COMMA "2,tag=20" COMMA "3",
        F(0, 65000, ",in_port=1 actions=set_field:0x100a->reg5,"
          "goto_table:20")
        F(0, 65000, ",in_port=2 actions=set_field:0x1014->reg5,"
          "goto_table:20")
        F(0, 65000, ",in_port=3 actions=set_field:0x2000->reg5,"
          "goto_table:20")
        F(0, 0, " actions=drop")
        F(10, 0, " actions=drop")
        F(11, 65001, ",reg4=0xffff actions=goto_table:20")
        CT(11, "ct(table=12,zone=NXM_NX_REG3[0..15])")
        F(11, 0, " actions=goto_table:20")
        F(12, 0, " actions=drop")
        VLAN_IN_CLASSES
        F(20, 0, " actions=drop")
        F(21, 65001, ",dl_dst=01:80:c2:00:00:00/ff:ff:ff:ff:ff:f0 "
          "actions=drop")
        F(21, 65000, ",dl_src=01:00:00:00:00:00/01:00:00:00:00:00 "
          "actions=" LOOKUP)
        F(21, 0, " actions=" LEARN)
        F(22, 0, " actions=goto_table:23")
        F(23, 65000, ",reg2=10 actions=" CLONE(1) "," CLONE(3))
        F(23, 65000, ",reg2=20 actions=" CLONE(2) "," CLONE(3))
        F(23, 0, " actions=" CLONE(3))
        F(30, 65100, ",in_port=1,reg1=1 actions=drop")
        F(30, 65100, ",in_port=2,reg1=2 actions=drop")
        F(30, 65100, ",in_port=3,reg1=3 actions=drop")
        F(30, 65001, ",reg1=3,reg2=0 actions=output:3")
        F(30, 65000, ",reg1=0 actions=drop")
        F(30, 65000, ",reg1=1,reg2=10 actions=output:1")
        F(30, 65000, ",reg1=2,reg2=20 actions=output:2")
        F(30, 65000, ",reg1=3 actions=" PUSH ",output:3")
        F(30, 0, " actions=drop")
        F(31, 65001, ",in_port=CONTROLLER actions=goto_table:33")
        F(31, 65001, ",reg4=0xffff actions=goto_table:33")
        CT(31, "ct_clear,ct(table=32,zone=NXM_NX_REG3[0..15])")
        F(31, 0, " actions=goto_table:33")
        F(32, 0, " actions=drop")
        F(33, 0, " actions=drop"));
}

/* The controller's answer to a reject rule comes from in_port CONTROLLER
 * into OUTPUT and, for a bound port, goes straight from IP_IN_CT to
 * ETH_IN: libvirt's REJECT answers from the host, past the VM's IP-layer
 * rules, so "reject one port, drop the rest" still refuses at once.  So
 * do the packets to a port without IP-layer rules (NWF_IP_SEG_UNTRACKED),
 * which have nothing to meet there. */
static void
test_reject_answer_skips_ip_layer(void)
{
    ASSERT_FLOWS(NWF_TABLE_IP_IN_CT, "1,bound" COMMA "2",
        F(31, 65001, ",in_port=CONTROLLER actions=goto_table:33")
        F(31, 65001, ",reg4=0xffff actions=goto_table:33")
        CT(31, "ct_clear,ct(table=32,zone=NXM_NX_REG3[0..15])")
        F(31, 0, " actions=goto_table:33"));
}

/* Flood lists: every member of a VLAN, trunks of every VLAN at the
 * table's catch-all, trunks with a list where they belong. */
static void
test_flood_lists(void)
{
    ASSERT_FLOWS(NWF_TABLE_FLOOD,
                 "1,tag=10" COMMA "2,tag=10" COMMA "3,tag=20" COMMA
                 "4,trunks=10,20" COMMA "5",
        F(23, 65000, ",reg2=10 actions="
          CLONE(1) "," CLONE(2) "," CLONE(4) "," CLONE(5))
        F(23, 65000, ",reg2=20 actions=" CLONE(3) "," CLONE(4) ","
          CLONE(5))
        F(23, 0, " actions=" CLONE(5)));

    /* No trunk of every VLAN: a VLAN without members floods nowhere. */
    ASSERT_FLOWS(NWF_TABLE_FLOOD, "1,tag=10" COMMA "2,tag=10",
        F(23, 65000, ",reg2=10 actions=" CLONE(1) "," CLONE(2))
        F(23, 0, " actions=drop"));

    /* A run of VLANs with the same members becomes masked matches. */
    ASSERT_FLOWS(NWF_TABLE_FLOOD, "7,trunks=8-15,17" COMMA "8,trunks=9",
        F(23, 65000, ",reg2=0xa/0xffe actions=" CLONE(7))
        F(23, 65000, ",reg2=0xc/0xffc actions=" CLONE(7))
        F(23, 65000, ",reg2=17 actions=" CLONE(7))
        F(23, 65000, ",reg2=8 actions=" CLONE(7))
        F(23, 65000, ",reg2=9 actions=" CLONE(7) "," CLONE(8))
        F(23, 0, " actions=drop"));
}

/* MAC learning: keyed by VLAN and MAC, loads the input port, 300 s of
 * aging; no learning from group sources; reserved groups dropped. */
static void
test_learn_action(void)
{
    ASSERT_FLOWS(NWF_TABLE_L2_LEARN, "1",
        F(21, 65001, ",dl_dst=01:80:c2:00:00:00/ff:ff:ff:ff:ff:f0 "
          "actions=drop")
        F(21, 65000, ",dl_src=01:00:00:00:00:00/01:00:00:00:00:00 "
          "actions=resubmit(,22),goto_table:30")
        F(21, 0, " actions=learn(table=22,idle_timeout=300,"
          "priority=65000,NXM_NX_REG2[0..11],"
          "NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],"
          "load:NXM_OF_IN_PORT[]->NXM_NX_REG1[0..15]),"
          "resubmit(,22),goto_table:30"));
    ASSERT_FLOWS(NWF_TABLE_L2_LOOKUP, "1",
        F(22, 0, " actions=goto_table:23"));
}

/* A bound port has no CLASSIFY or OUTPUT entry here (nwf_flows_for_port()
 * makes them) but is in its VLAN's flood list, has its VLAN_IN entries
 * and its hairpin drop. */
static void
test_bound_port(void)
{
    static const char *const specs[] = { "1,tag=10,bound", "2,tag=10",
                                         NULL };
    char *all = bridge_flows(-1, specs);
    CU_ASSERT_PTR_NULL(strstr(all, "table=0,priority=65000,cookie=0x0,"
                              "in_port=1 actions"));
    CU_ASSERT_PTR_NULL(strstr(all, "reg1=0x1,reg2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(all, "table=0,priority=65000,cookie=0x0,"
                                  "in_port=2 actions"));
    free(all);

    ASSERT_FLOWS(NWF_TABLE_FLOOD, "1,tag=10,bound" COMMA "2,tag=10",
        F(23, 65000, ",reg2=10 actions=" CLONE(1) "," CLONE(2))
        F(23, 0, " actions=drop"));
    ASSERT_FLOWS(NWF_TABLE_VLAN_IN, "1,tag=10,bound" COMMA "2,tag=10",
        VLAN_IN_CLASSES
        F(20, 0, " actions=drop"));
    ASSERT_FLOWS(NWF_TABLE_OUTPUT, "1,tag=10,bound" COMMA "2,tag=10",
        F(30, 65100, ",in_port=1,reg1=1 actions=drop")
        F(30, 65100, ",in_port=2,reg1=2 actions=drop")
        F(30, 65000, ",reg1=0 actions=drop")
        F(30, 65000, ",reg1=2,reg2=10 actions=output:2")
        F(30, 0, " actions=drop"));
}

/* Trunks with a list: tagged input of the listed VLANs only, untagged
 * input and output only if VLAN 0 is listed (as NORMAL's "trunks"). */
static void
test_trunk_list(void)
{
    ASSERT_FLOWS(NWF_TABLE_VLAN_IN, "4,trunks=10-20,30",
        F(20, 65000, ",in_port=4,vlan_tci=0x100a/0x1ffe actions=" POP)
        F(20, 65000, ",in_port=4,vlan_tci=0x100c/0x1ffc actions=" POP)
        F(20, 65000, ",in_port=4,vlan_tci=0x1010/0x1ffc actions=" POP)
        F(20, 65000, ",in_port=4,vlan_tci=0x1014/0x1fff actions=" POP)
        F(20, 65000, ",in_port=4,vlan_tci=0x101e/0x1fff actions=" POP)
        VLAN_IN_CLASSES
        F(20, 0, " actions=drop"));
    ASSERT_FLOWS(NWF_TABLE_OUTPUT, "4,trunks=10-11",
        F(30, 65100, ",in_port=4,reg1=4 actions=drop")
        F(30, 65000, ",reg1=0 actions=drop")
        F(30, 65000, ",reg1=4,reg2=0xa/0xffe actions=" PUSH ",output:4")
        F(30, 0, " actions=drop"));
    ASSERT_FLOWS(NWF_TABLE_OUTPUT, "4,trunks=0,10",
        F(30, 65100, ",in_port=4,reg1=4 actions=drop")
        F(30, 65001, ",reg1=4,reg2=0 actions=output:4")
        F(30, 65000, ",reg1=0 actions=drop")
        F(30, 65000, ",reg1=4,reg2=10 actions=" PUSH ",output:4")
        F(30, 0, " actions=drop"));
    ASSERT_FLOWS(NWF_TABLE_VLAN_IN, "4,trunks=0-4095",
        F(20, 65000, ",in_port=4,vlan_tci=0x0000/0x1000 "
          "actions=load:0->NXM_NX_REG2[0..11]," TO_LEARN)
        F(20, 65000, ",in_port=4,vlan_tci=0x1000/0x1000 actions=" POP)
        VLAN_IN_CLASSES
        F(20, 0, " actions=drop"));
}

/* A native-untagged port (Port.vlan_mode, as NORMAL): untagged input in
 * its native VLAN 10, tagged input of 10 and its trunks (20), never VLAN
 * 0; VLAN 10 leaves untagged (above the tagged entries), 20 tagged; it is
 * in the flood lists of both. */
static void
test_native_untagged(void)
{
#define NATIVE_UNTAGGED \
    "1,tag=10" COMMA "2,tag=10,trunks=20,vlan_mode=native-untagged" COMMA \
    "3,trunks=0,20"
    ASSERT_FLOWS(NWF_TABLE_VLAN_IN, NATIVE_UNTAGGED,
        F(20, 65000, ",in_port=2,vlan_tci=0x0000/0x1000 "
          "actions=load:10->NXM_NX_REG2[0..11]," TO_LEARN)
        F(20, 65000, ",in_port=2,vlan_tci=0x100a/0x1fff actions=" POP)
        F(20, 65000, ",in_port=2,vlan_tci=0x1014/0x1fff actions=" POP)
        F(20, 65000, ",in_port=3,vlan_tci=0x0000/0x1000 "
          "actions=load:0->NXM_NX_REG2[0..11]," TO_LEARN)
        F(20, 65000, ",in_port=3,vlan_tci=0x1000/0x1fff actions=" POP)
        F(20, 65000, ",in_port=3,vlan_tci=0x1014/0x1fff actions=" POP)
        VLAN_IN_CLASSES
        F(20, 0, " actions=drop"));
    ASSERT_FLOWS(NWF_TABLE_FLOOD, NATIVE_UNTAGGED,
        F(23, 65000, ",reg2=0 actions=" CLONE(3))
        F(23, 65000, ",reg2=10 actions=" CLONE(1) "," CLONE(2))
        F(23, 65000, ",reg2=20 actions=" CLONE(2) "," CLONE(3))
        F(23, 0, " actions=drop"));
    ASSERT_FLOWS(NWF_TABLE_OUTPUT, NATIVE_UNTAGGED,
        F(30, 65100, ",in_port=1,reg1=1 actions=drop")
        F(30, 65100, ",in_port=2,reg1=2 actions=drop")
        F(30, 65100, ",in_port=3,reg1=3 actions=drop")
        F(30, 65001, ",reg1=2,reg2=10 actions=output:2")
        F(30, 65001, ",reg1=3,reg2=0 actions=output:3")
        F(30, 65000, ",reg1=0 actions=drop")
        F(30, 65000, ",reg1=1,reg2=10 actions=output:1")
        F(30, 65000, ",reg1=2,reg2=20 actions=" PUSH ",output:2")
        F(30, 65000, ",reg1=3,reg2=20 actions=" PUSH ",output:3")
        F(30, 0, " actions=drop"));
#undef NATIVE_UNTAGGED

    /* Without a trunk list: every VLAN but 0, the native one untagged,
     * the others tagged in the fewest blocks (all of 1-4095 here; the
     * flows sort by their text). */
    ASSERT_FLOWS(NWF_TABLE_OUTPUT, "2,tag=10,vlan_mode=native-untagged",
        F(30, 65100, ",in_port=2,reg1=2 actions=drop")
        F(30, 65001, ",reg1=2,reg2=10 actions=output:2")
        F(30, 65000, ",reg1=0 actions=drop")
        F(30, 65000, ",reg1=2,reg2=0x10/0xff0 actions=" PUSH ",output:2")
        F(30, 65000, ",reg1=2,reg2=0x100/0xf00 actions=" PUSH ",output:2")
        F(30, 65000, ",reg1=2,reg2=0x2/0xffe actions=" PUSH ",output:2")
        F(30, 65000, ",reg1=2,reg2=0x20/0xfe0 actions=" PUSH ",output:2")
        F(30, 65000, ",reg1=2,reg2=0x200/0xe00 actions=" PUSH ",output:2")
        F(30, 65000, ",reg1=2,reg2=0x4/0xffc actions=" PUSH ",output:2")
        F(30, 65000, ",reg1=2,reg2=0x40/0xfc0 actions=" PUSH ",output:2")
        F(30, 65000, ",reg1=2,reg2=0x400/0xc00 actions=" PUSH ",output:2")
        F(30, 65000, ",reg1=2,reg2=0x8/0xff8 actions=" PUSH ",output:2")
        F(30, 65000, ",reg1=2,reg2=0x80/0xf80 actions=" PUSH ",output:2")
        F(30, 65000, ",reg1=2,reg2=0x800/0x800 actions=" PUSH ",output:2")
        F(30, 65000, ",reg1=2,reg2=1 actions=" PUSH ",output:2")
        F(30, 0, " actions=drop"));
}

/* A native-tagged port: input as native-untagged, but every VLAN leaves
 * tagged, the native one included. */
static void
test_native_tagged(void)
{
#define NATIVE_TAGGED \
    "1,tag=10" COMMA "2,tag=10,trunks=20,vlan_mode=native-tagged"
    ASSERT_FLOWS(NWF_TABLE_VLAN_IN, NATIVE_TAGGED,
        F(20, 65000, ",in_port=2,vlan_tci=0x0000/0x1000 "
          "actions=load:10->NXM_NX_REG2[0..11]," TO_LEARN)
        F(20, 65000, ",in_port=2,vlan_tci=0x100a/0x1fff actions=" POP)
        F(20, 65000, ",in_port=2,vlan_tci=0x1014/0x1fff actions=" POP)
        VLAN_IN_CLASSES
        F(20, 0, " actions=drop"));
    ASSERT_FLOWS(NWF_TABLE_FLOOD, NATIVE_TAGGED,
        F(23, 65000, ",reg2=10 actions=" CLONE(1) "," CLONE(2))
        F(23, 65000, ",reg2=20 actions=" CLONE(2))
        F(23, 0, " actions=drop"));
    ASSERT_FLOWS(NWF_TABLE_OUTPUT, NATIVE_TAGGED,
        F(30, 65100, ",in_port=1,reg1=1 actions=drop")
        F(30, 65100, ",in_port=2,reg1=2 actions=drop")
        F(30, 65000, ",reg1=0 actions=drop")
        F(30, 65000, ",reg1=1,reg2=10 actions=output:1")
        F(30, 65000, ",reg1=2,reg2=10 actions=" PUSH ",output:2")
        F(30, 65000, ",reg1=2,reg2=20 actions=" PUSH ",output:2")
        F(30, 0, " actions=drop"));
#undef NATIVE_TAGGED
}

/* The ends of the segments of every bound port's rules, one table after
 * the other: segment K > 0 goes on with K - 1, segment 0, the last,
 * accepts (ETH_OUT: on to the IP layer; ETH_IN: out of the port in
 * NWF_MFF_OUT; the IP tables commit the connection first, which needs
 * the ethertype in the match). */
static void
test_chain_ends(void)
{
    static const struct {
        enum nwf_table table;
        const char *reg;
        const char *const accepts[2];
    } tables[] = {
        { NWF_TABLE_ETH_OUT, "reg0", { ",reg0=0 actions=goto_table:11" } },
        { NWF_TABLE_IP_OUT, "reg4",
          { ",reg4=0,ip actions=ct(commit,zone=NXM_NX_REG3[0..15]),"
            "goto_table:20",
            ",reg4=0,ipv6 actions=ct(commit,zone=NXM_NX_REG3[0..15]),"
            "goto_table:20" } },
        { NWF_TABLE_IP_IN, "reg4",
          { ",reg4=0,ip actions=ct(commit,zone=NXM_NX_REG3[0..15]),"
            "goto_table:33",
            ",reg4=0,ipv6 actions=ct(commit,zone=NXM_NX_REG3[0..15]),"
            "goto_table:33" } },
        { NWF_TABLE_ETH_IN, "reg0",
          { ",reg0=0 actions=output:NXM_NX_REG1[0..15]" } },
    };
    static const char *const ports[] = { "1,bound", "2", NULL };

    for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
        int t = tables[i].table;
        const char *reg = tables[i].reg;
        struct svec want = SVEC_EMPTY_INITIALIZER;

        for (size_t j = 0; j < 2 && tables[i].accepts[j]; j++) {
            svec_add_nocopy(&want, xasprintf("table=%d,priority=500,"
                                             "cookie=0x0%s\n", t,
                                             tables[i].accepts[j]));
        }
        for (int k = 1; k < NWF_MAX_SEGMENTS; k++) {
            svec_add_nocopy(&want, xasprintf(
                                "table=%d,priority=500,cookie=0x0,%s=%d "
                                "actions=set_field:%d->%s,resubmit(,%d)\n",
                                t, reg, k, k - 1, reg, t));
        }
        svec_sort(&want);
        svec_add_nocopy(&want, xasprintf("table=%d,priority=0,cookie=0x0 "
                                         "actions=drop\n", t));
        char *want_joined = svec_join(&want, "", "");
        char *want_text = nwf_unit_canonical_flows(want_joined);
        free(want_joined);
        char *got = bridge_flows(t, ports);
        CU_ASSERT_STRING_EQUAL(got, want_text);
        if (strcmp(got, want_text)) {
            fprintf(stderr, "\ngot:\n%sexpected:\n%s", got, want_text);
        }
        free(got);
        free(want_text);
        svec_destroy(&want);
    }
}

/* The same ports in another order give the same bytes. */
static void
test_deterministic(void)
{
    static const char *const a[] = { "1,tag=10", "7,trunks=5-9", "3",
                                     "2,tag=10,bound", NULL };
    static const char *const b[] = { "3", "2,tag=10,bound", "7,trunks=5-9",
                                     "1,tag=10", NULL };
    char *text_a = bridge_flows(-1, a);
    char *text_b = bridge_flows(-1, b);
    CU_ASSERT_STRING_EQUAL(text_a, text_b);
    free(text_a);
    free(text_b);
}

/* No ports: only the table defaults. */
static void
test_no_ports(void)
{
    static const char *const none[] = { NULL };
    char *text = bridge_flows(NWF_TABLE_FLOOD, none);
    CU_ASSERT_STRING_EQUAL(text, F(23, 0, " actions=drop"));
    free(text);
}

static void
assert_spec_error(const char *spec, const char *expected)
{
    struct nwf_port port;
    char *error = nwf_bridge_port_parse(spec, &port);
    CU_ASSERT_PTR_NOT_NULL(error);
    if (error) {
        CU_ASSERT_STRING_EQUAL(error, expected);
    }
    free(error);
    nwf_bridge_port_destroy(&port);
}

static void
test_port_spec(void)
{
    struct nwf_port port;
    char *error = nwf_bridge_port_parse("12,trunks=1-3,7,bound", &port);
    CU_ASSERT_PTR_NULL(error);
    CU_ASSERT_EQUAL(ofp_to_u16(port.ofport), 12);
    CU_ASSERT_EQUAL(port.tag, -1);
    CU_ASSERT(port.bound);
    CU_ASSERT(port.trunks && bitmap_count1(port.trunks, 4096) == 4);
    nwf_bridge_port_destroy(&port);

    assert_spec_error("", "port '': it must start with an OpenFlow port "
                      "number (1 to 65279, or LOCAL)");
    assert_spec_error("0", "port '0': it must start with an OpenFlow port "
                      "number (1 to 65279, or LOCAL)");
    assert_spec_error("3,tag=4096", "port '3,tag=4096': invalid VLAN in "
                      "'tag=4096'");
    assert_spec_error("3,tags=1", "port '3,tags=1': unknown field "
                      "'tags=1'");
    assert_spec_error("3,trunks=5-2", "port '3,trunks=5-2': invalid VLAN "
                      "or range '5-2' in trunks");
    assert_spec_error("3,trunks=1,bound,2", "port '3,trunks=1,bound,2': "
                      "unknown field '2'");
    assert_spec_error("3,tag=1,trunks=2", "port '3,tag=1,trunks=2': a port "
                      "has a tag or trunks, not both");

    error = nwf_bridge_port_parse("5,tag=10,trunks=20-21,"
                                  "vlan_mode=native-untagged", &port);
    CU_ASSERT_PTR_NULL(error);
    CU_ASSERT_EQUAL(port.tag, 10);
    CU_ASSERT_EQUAL(port.vlan_mode, NWF_VLAN_MODE_NATIVE_UNTAGGED);
    CU_ASSERT(port.trunks && bitmap_count1(port.trunks, 4096) == 2);
    nwf_bridge_port_destroy(&port);

    error = nwf_bridge_port_parse("5,vlan_mode=native-tagged,tag=7", &port);
    CU_ASSERT_PTR_NULL(error);
    CU_ASSERT_EQUAL(port.tag, 7);
    CU_ASSERT_EQUAL(port.vlan_mode, NWF_VLAN_MODE_NATIVE_TAGGED);
    CU_ASSERT_PTR_NULL(port.trunks);
    nwf_bridge_port_destroy(&port);

    assert_spec_error("3,vlan_mode=dot1q-tunnel", "port "
                      "'3,vlan_mode=dot1q-tunnel': unknown VLAN mode in "
                      "'vlan_mode=dot1q-tunnel'");
}

/* The bridge's own interface is OpenFlow port LOCAL (65534): its flows
 * name it so, since Open vSwitch warns about the number. */
static void
test_local_port(void)
{
    ASSERT_FLOWS(NWF_TABLE_CLASSIFY, "65534",
        F(0, 65000, ",in_port=LOCAL actions=set_field:0x2000->reg5,"
          "goto_table:20")
        F(0, 0, " actions=drop"));
    ASSERT_FLOWS(NWF_TABLE_OUTPUT, "65534",
        F(30, 65100, ",in_port=LOCAL,reg1=65534 actions=drop")
        F(30, 65001, ",reg1=65534,reg2=0 actions=output:LOCAL")
        F(30, 65000, ",reg1=0 actions=drop")
        F(30, 65000, ",reg1=65534 actions=" PUSH ",output:LOCAL")
        F(30, 0, " actions=drop"));
}

static const struct nwf_unit_test bridge_flows_tests[] = {
    { "access ports and a trunk", test_access_and_trunk },
    { "reject answers skip the IP layer", test_reject_answer_skips_ip_layer },
    { "flood lists per VLAN", test_flood_lists },
    { "learn action", test_learn_action },
    { "bound port", test_bound_port },
    { "trunk with a VLAN list", test_trunk_list },
    { "native-untagged port", test_native_untagged },
    { "native-tagged port", test_native_tagged },
    { "ends of segments", test_chain_ends },
    { "deterministic", test_deterministic },
    { "no ports", test_no_ports },
    { "port specifications", test_port_spec },
    { "the bridge's own port", test_local_port },
    { NULL, NULL },
};
NWF_UNIT_SUITE(bridge_flows, bridge_flows_tests);
