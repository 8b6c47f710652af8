/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-proto.h"
#include "nwf-resolve.h"
#include "nwf-unit.h"
#include "nwf-vars.h"
#include "nwf-xml.h"
#include "nwf-xmlfile.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "packets.h"
#include "svec.h"
#include "util.h"

/* A filter store for the tests: name -> struct nwf_filter *. */
struct store {
    struct shash filters;
};

static void
store_init(struct store *s)
{
    shash_init(&s->filters);
}

static void
store_destroy(struct store *s)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, &s->filters) {
        nwf_filter_destroy(node->data);
    }
    shash_destroy(&s->filters);
}

/* Parses 'xml' and adds the filter to 's'.  Fails the test if it does not
 * parse. */
static void
store_add(struct store *s, const char *xml)
{
    struct nwf_diag diag;
    nwf_diag_init(&diag);

    struct nwf_filter *f = nwf_xml_parse_buffer(xml, strlen(xml), "test",
                                                &diag);
    CU_ASSERT_PTR_NOT_NULL(f);
    if (!f) {
        fprintf(stderr, "\nparse error: %s\n%s\n", nwf_diag_text(&diag),
                xml);
    } else {
        nwf_filter_destroy(shash_replace(&s->filters, f->name, f));
    }
    nwf_diag_destroy(&diag);
}

static bool
store_add_file(struct store *s, const char *file)
{
    struct nwf_diag diag;
    nwf_diag_init(&diag);

    struct nwf_filter *f = nwf_xml_parse_file(file, &diag);
    if (!f) {
        fprintf(stderr, "\nparse error: %s\n", nwf_diag_text(&diag));
    } else {
        nwf_filter_destroy(shash_replace(&s->filters, f->name, f));
    }
    nwf_diag_destroy(&diag);
    return f != NULL;
}

static const struct nwf_filter *
store_lookup(const char *name, void *s_)
{
    struct store *s = s_;
    return shash_find_data(&s->filters, name);
}

/* Resolves 'top' in 's' with 'vars' (space-separated NAME=V1,V2 items, may
 * be NULL) and port MAC 52:54:00:00:00:01.  Returns the instances, one per
 * line, or "need-ip" or "error: MESSAGES". */
static char *
resolve(struct store *s, const char *top, const char *vars)
{
    struct nwf_var_table table;
    struct nwf_resolved r;
    struct nwf_diag diag;
    struct ds out = DS_EMPTY_INITIALIZER;
    struct eth_addr mac = ETH_ADDR_C(52, 54, 00, 00, 00, 01);

    nwf_var_table_init(&table);
    if (vars) {
        struct svec words = SVEC_EMPTY_INITIALIZER;
        svec_parse_words(&words, vars);
        for (size_t i = 0; i < words.n; i++) {
            char *error = nwf_var_table_parse_assignment(&table,
                                                         words.names[i],
                                                         NWF_VAR_STRICT);
            CU_ASSERT_PTR_NULL(error);
            free(error);
        }
        svec_destroy(&words);
    }

    nwf_resolved_init(&r);
    nwf_diag_init(&diag);
    enum nwf_resolve_status status = nwf_resolve(top, &table, &mac,
                                                 store_lookup, s, &r, &diag);
    switch (status) {
    case NWF_RESOLVE_OK:
        CU_ASSERT_FALSE(nwf_diag_has_errors(&diag));
        nwf_resolved_format(&r, &out);
        break;
    case NWF_RESOLVE_NEED_IP:
        CU_ASSERT_EQUAL(r.n_insts, 0);
        ds_put_format(&out, "need-ip %s",
                      nwf_ip_learning_to_string(r.learning));
        break;
    case NWF_RESOLVE_ERROR:
        CU_ASSERT_EQUAL(r.n_insts, 0);
        CU_ASSERT_TRUE(nwf_diag_has_errors(&diag));
        ds_put_format(&out, "error: %s", nwf_diag_text(&diag));
        break;
    }

    nwf_diag_destroy(&diag);
    nwf_resolved_destroy(&r);
    nwf_var_table_destroy(&table);
    return ds_steal_cstr(&out);
}

#define CHECK_RESOLVE(STORE, TOP, VARS, EXPECTED)                       \
    do {                                                                \
        char *got_ = resolve(STORE, TOP, VARS);                         \
        CU_ASSERT_STRING_EQUAL(got_, EXPECTED);                         \
        if (strcmp(got_, EXPECTED)) {                                   \
            fprintf(stderr, "\n--- got:\n%s\n--- want:\n%s\n",          \
                    got_, EXPECTED);                                    \
        }                                                               \
        free(got_);                                                     \
    } while (0)

static void
test_resolve_ordering(void)
{
    struct store s;
    store_init(&s);

    store_add(&s,
              "<filter name='top' chain='root'>\n"
              "  <rule action='accept' direction='out' priority='-450'>\n"
              "    <mac protocolid='ipv4'/>\n"
              "  </rule>\n"
              "  <filterref filter='v4'/>\n"
              "  <rule action='drop' direction='inout' priority='1000'/>\n"
              "  <filterref filter='arp'/>\n"
              "  <rule action='accept' direction='in' priority='-450'>\n"
              "    <mac protocolid='arp'/>\n"
              "  </rule>\n"
              "  <rule action='accept' direction='out'>\n"
              "    <tcp dstportstart='22'/>\n"
              "  </rule>\n"
              "</filter>\n");
    store_add(&s,
              "<filter name='v4' chain='ipv4'>\n"
              "  <rule action='drop' direction='out'><ip/></rule>\n"
              "  <rule action='accept' direction='out' priority='-800'>\n"
              "    <ip protocol='udp'/>\n"
              "  </rule>\n"
              "  <rule action='accept' direction='out' priority='-750'>\n"
              "    <ip protocol='tcp'/>\n"
              "  </rule>\n"
              "</filter>\n");
    store_add(&s,
              "<filter name='arp' chain='arp-ip' priority='-510'>\n"
              "  <rule action='return' direction='out' priority='100'>\n"
              "    <arp opcode='Request'/>\n"
              "  </rule>\n"
              "  <rule action='drop' direction='out' priority='-700'/>\n"
              "</filter>\n");

    /* Root rules first, by priority, ties in document order; then the
     * others by priority, raised to their chain's (-800 and -750 become
     * -700 and keep document order; -700 in arp-ip becomes -510). */
    CHECK_RESOLVE(&s, "top", NULL,
                  "-450 root(0) top#0.0: accept out mac "
                  "protocolid=ipv4\n"
                  "-450 root(0) top#2.0: accept in mac protocolid=arp\n"
                  "500 root(0) top#3.0: accept out tcp dstportstart=22\n"
                  "1000 root(0) top#1.0: drop inout none\n"
                  "-700 ipv4(-700) v4#1.0: accept out ip priority=-800 "
                  "protocol=udp\n"
                  "-700 ipv4(-700) v4#2.0: accept out ip priority=-750 "
                  "protocol=tcp\n"
                  "-510 arp-ip(-510) arp#1.0: drop out none "
                  "priority=-700\n"
                  "100 arp-ip(-510) arp#0.0: return out arp "
                  "opcode=Request\n"
                  "500 ipv4(-700) v4#0.0: drop out ip\n");

    /* A sub-filter resolved on its own is not in the root chain either. */
    CHECK_RESOLVE(&s, "arp", NULL,
                  "-510 arp-ip(-510) arp#1.0: drop out none "
                  "priority=-700\n"
                  "100 arp-ip(-510) arp#0.0: return out arp "
                  "opcode=Request\n");
    store_destroy(&s);
}

static void
test_resolve_repeated_reference(void)
{
    struct store s;
    store_init(&s);

    /* The same filter twice, with different parameters: instantiated
     * twice, no de-duplication (docs/filter-format.md, "<filterref>"). */
    store_add(&s,
              "<filter name='top'>\n"
              "  <filterref filter='port'>\n"
              "    <parameter name='P' value='22'/>\n"
              "  </filterref>\n"
              "  <filterref filter='port'>\n"
              "    <parameter name='P' value='80'/>\n"
              "    <parameter name='P' value='443'/>\n"
              "  </filterref>\n"
              "  <filterref filter='port'>\n"
              "    <parameter name='P' value='22'/>\n"
              "  </filterref>\n"
              "</filter>\n");
    store_add(&s,
              "<filter name='port'>\n"
              "  <rule action='accept' direction='in'>\n"
              "    <tcp dstportstart='$P'/>\n"
              "  </rule>\n"
              "</filter>\n");

    CHECK_RESOLVE(&s, "top", NULL,
                  "500 root(0) port#0.0: accept in tcp dstportstart=22\n"
                  "500 root(0) port#0.0: accept in tcp dstportstart=80\n"
                  "500 root(0) port#0.1: accept in tcp dstportstart=443\n"
                  "500 root(0) port#0.0: accept in tcp dstportstart=22\n");
    store_destroy(&s);
}

static void
test_resolve_overlay(void)
{
    struct store s;
    store_init(&s);

    store_add(&s,
              "<filter name='top'>\n"
              "  <filterref filter='mid'>\n"
              "    <parameter name='X' value='1.1.1.1'/>\n"
              "    <parameter name='Y' value='2.2.2.2'/>\n"
              "  </filterref>\n"
              "</filter>\n");
    store_add(&s,
              "<filter name='mid'>\n"
              "  <rule action='accept' direction='out'>\n"
              "    <ip srcipaddr='$X' dstipaddr='$Y'/>\n"
              "  </rule>\n"
              "  <filterref filter='leaf'>\n"
              "    <parameter name='Y' value='3.3.3.3'/>\n"
              "    <parameter name='Z' value='4.4.4.4'/>\n"
              "  </filterref>\n"
              "</filter>\n");
    store_add(&s,
              "<filter name='leaf'>\n"
              "  <rule action='drop' direction='out'>\n"
              "    <ip srcipaddr='$X' dstipaddr='$Y'/>\n"
              "  </rule>\n"
              "  <rule action='drop' direction='out'>\n"
              "    <mac srcmacaddr='$MAC' dstmacaddr='$Z'/>\n"
              "  </rule>\n"
              "</filter>\n");

    /* The port's X beats the filterref's; Y from top's filterref beats
     * mid's filterref; Z is only given by mid's filterref.  $Z is an IPv4
     * address used as a MAC: a type error, tested below; here Z is
     * overridden by the port. */
    CHECK_RESOLVE(&s, "top", "X=9.9.9.9 Z=00:11:22:33:44:55",
                  "500 root(0) mid#0.0: accept out ip srcipaddr=9.9.9.9 "
                  "dstipaddr=2.2.2.2\n"
                  "500 root(0) leaf#0.0: drop out ip srcipaddr=9.9.9.9 "
                  "dstipaddr=2.2.2.2\n"
                  "500 root(0) leaf#1.0: drop out mac "
                  "srcmacaddr=52:54:00:00:00:01 "
                  "dstmacaddr=00:11:22:33:44:55\n");

    /* MAC from the port only if the table has none. */
    CHECK_RESOLVE(&s, "top", "MAC=52:54:00:aa:bb:cc Z=00:11:22:33:44:55",
                  "500 root(0) mid#0.0: accept out ip srcipaddr=1.1.1.1 "
                  "dstipaddr=2.2.2.2\n"
                  "500 root(0) leaf#0.0: drop out ip srcipaddr=1.1.1.1 "
                  "dstipaddr=2.2.2.2\n"
                  "500 root(0) leaf#1.0: drop out mac "
                  "srcmacaddr=52:54:00:aa:bb:cc "
                  "dstmacaddr=00:11:22:33:44:55\n");
    store_destroy(&s);
}

static void
test_resolve_missing_filter(void)
{
    struct store s;
    store_init(&s);

    store_add(&s,
              "<filter name='top'>\n"
              "  <filterref filter='gone'/>\n"
              "  <filterref filter='mid'/>\n"
              "  <filterref filter='gone'/>\n"
              "</filter>\n");
    store_add(&s,
              "<filter name='mid'>\n"
              "  <filterref filter='also-gone'/>\n"
              "</filter>\n");

    CHECK_RESOLVE(&s, "top", NULL,
                  "error: referenced filter 'gone' is missing "
                  "(referenced by filter 'top')\n"
                  "referenced filter 'also-gone' is missing "
                  "(referenced by filter 'mid')");
    CHECK_RESOLVE(&s, "nothing", NULL,
                  "error: referenced filter 'nothing' is missing");

    /* The caller learns which filters matter, missing ones included. */
    struct nwf_resolved r;
    struct nwf_diag diag;
    nwf_resolved_init(&r);
    nwf_diag_init(&diag);
    CU_ASSERT_EQUAL(nwf_resolve("top", NULL, NULL, store_lookup, &s, &r,
                                &diag), NWF_RESOLVE_ERROR);
    CU_ASSERT_EQUAL(sset_count(&r.filters), 4);
    CU_ASSERT_TRUE(sset_contains(&r.filters, "top"));
    CU_ASSERT_TRUE(sset_contains(&r.filters, "mid"));
    CU_ASSERT_TRUE(sset_contains(&r.filters, "gone"));
    CU_ASSERT_TRUE(sset_contains(&r.filters, "also-gone"));
    nwf_diag_destroy(&diag);
    nwf_resolved_destroy(&r);
    store_destroy(&s);
}

static void
test_resolve_loop(void)
{
    struct store s;
    store_init(&s);

    store_add(&s,
              "<filter name='a'>\n"
              "  <rule action='accept' direction='out'/>\n"
              "  <filterref filter='b'/>\n"
              "</filter>\n");
    store_add(&s, "<filter name='b'><filterref filter='a'/></filter>\n");
    store_add(&s, "<filter name='self'><filterref filter='self'/></filter>");

    CHECK_RESOLVE(&s, "a", NULL,
                  "error: filter 'a' would introduce a loop: a -> b -> a");
    CHECK_RESOLVE(&s, "self", NULL,
                  "error: filter 'self' would introduce a loop: "
                  "self -> self");
    store_destroy(&s);
}

static void
test_resolve_too_many_references(void)
{
    struct store s;
    store_init(&s);

    /* f0 -> f1 twice -> f2 twice ...: 2^20 paths without a loop. */
    for (int i = 0; i < 20; i++) {
        char *xml = xasprintf("<filter name='f%d'>"
                              "<filterref filter='f%d'/>"
                              "<filterref filter='f%d'/></filter>",
                              i, i + 1, i + 1);
        store_add(&s, xml);
        free(xml);
    }
    store_add(&s, "<filter name='f20'><rule action='drop' "
              "direction='out'/></filter>");

    char *got = resolve(&s, "f0", NULL);
    CU_ASSERT_STRING_EQUAL(got, "error: filter 'f0' leads to more than "
                           "10000 filter references");
    free(got);
    store_destroy(&s);
}

static void
test_resolve_missing_vars(void)
{
    struct store s;
    store_init(&s);

    store_add(&s,
              "<filter name='top'>\n"
              "  <rule action='accept' direction='out'>\n"
              "    <ip srcipaddr='$IP' dstipaddr='$A'/>\n"
              "  </rule>\n"
              "  <filterref filter='sub'/>\n"
              "</filter>\n");
    store_add(&s,
              "<filter name='sub'>\n"
              "  <rule action='accept' direction='out'>\n"
              "    <tcp srcportstart='$B[3]' dstportstart='$C[@2]'/>\n"
              "  </rule>\n"
              "  <rule action='accept' direction='out'>\n"
              "    <ip srcipaddr='$A'/>\n"
              "  </rule>\n"
              "</filter>\n");

    /* Everything missing is listed once, IP included. */
    CHECK_RESOLVE(&s, "top", "B=1,2",
                  "error: Cannot instantiate filter 'top' due to "
                  "unresolvable variables or unavailable list elements: "
                  "A, B[3], C[@2], IP");

    /* Only IP missing: learning, unless CTRL_IP_LEARNING=none. */
    CHECK_RESOLVE(&s, "top", "A=1.2.3.4 B=1,2,3,4 C=5", "need-ip any");
    CHECK_RESOLVE(&s, "top", "A=1.2.3.4 B=1,2,3,4 C=5 CTRL_IP_LEARNING=DHCP",
                  "need-ip dhcp");
    CHECK_RESOLVE(&s, "top", "A=1.2.3.4 B=1,2,3,4 C=5 CTRL_IP_LEARNING=none",
                  "error: Cannot instantiate filter 'top' due to "
                  "unresolvable variables or unavailable list elements: "
                  "IP");
    CHECK_RESOLVE(&s, "top", "A=1.2.3.4 B=1,2,3,4 C=5 CTRL_IP_LEARNING=arp",
                  "error: learning value 'arp' of CTRL_IP_LEARNING is "
                  "invalid: use any, dhcp or none");

    /* As in libvirt, a bad learning mode is harmless when no learning is
     * needed. */
    CHECK_RESOLVE(&s, "top",
                  "A=1.2.3.4 B=1,2,3,4 C=5 IP=10.0.0.1 CTRL_IP_LEARNING=arp",
                  "500 root(0) top#0.0: accept out ip srcipaddr=10.0.0.1 "
                  "dstipaddr=1.2.3.4\n"
                  "500 root(0) sub#0.0: accept out tcp srcportstart=4 "
                  "dstportstart=5\n"
                  "500 root(0) sub#1.0: accept out ip srcipaddr=1.2.3.4\n");
    store_destroy(&s);
}

static void
test_resolve_wrong_type(void)
{
    struct store s;
    store_init(&s);

    store_add(&s,
              "<filter name='top'>\n"
              "  <filterref filter='spoof'/>\n"
              "  <filterref filter='spoof'/>\n"
              "</filter>\n");
    store_add(&s,
              "<filter name='spoof'>\n"
              "  <rule action='return' direction='out'>\n"
              "    <ip srcipaddr='$IP'/>\n"
              "  </rule>\n"
              "  <rule action='accept' direction='out'>\n"
              "    <tcp dstportstart='$PORT'/>\n"
              "  </rule>\n"
              "</filter>\n");

    /* Each bad value is reported once, with the variable, the value, the
     * filter, the rule and the attribute. */
    CHECK_RESOLVE(&s, "top", "IP=10.0.0.1,foo,10.0.0.2 PORT=80,70000",
                  "error: <ip> attribute 'srcipaddr' value 'foo': "
                  "variable $IP in filter 'spoof' (rule 1, line 2): "
                  "must be a numeric IPv4 address\n"
                  "<tcp> attribute 'dstportstart' value '70000': "
                  "variable $PORT in filter 'spoof' (rule 2, line 5): "
                  "must be a number from 0 to 65535 (decimal or hex)");
    CHECK_RESOLVE(&s, "top", "IP=10.0.0.1 PORT=80,443",
                  "500 root(0) spoof#0.0: return out ip "
                  "srcipaddr=10.0.0.1\n"
                  "500 root(0) spoof#1.0: accept out tcp dstportstart=80\n"
                  "500 root(0) spoof#1.1: accept out tcp dstportstart=443\n"
                  "500 root(0) spoof#0.0: return out ip "
                  "srcipaddr=10.0.0.1\n"
                  "500 root(0) spoof#1.0: accept out tcp dstportstart=80\n"
                  "500 root(0) spoof#1.1: accept out tcp dstportstart=443\n");
    store_destroy(&s);
}

static void
test_resolve_lists(void)
{
    struct store s;
    store_init(&s);

    store_add(&s,
              "<filter name='top' chain='ipv4'>\n"
              "  <rule action='accept' direction='out' priority='10'>\n"
              "    <ip srcipaddr='$IP' protocol='udp'\n"
              "        dstportstart='$PORTS[@1]'/>\n"
              "  </rule>\n"
              "  <rule action='drop' direction='out' priority='5'>\n"
              "    <ip match='no' srcipaddr='$IP[1]'/>\n"
              "  </rule>\n"
              "  <rule action='accept' direction='out' priority='10'>\n"
              "    <ip srcipaddr='$IP' dstipaddr='$GW'/>\n"
              "  </rule>\n"
              "</filter>\n");

    /* 2 addresses x 2 ports; $IP and $GW in lock-step; a constant. */
    CHECK_RESOLVE(&s, "top",
                  "IP=10.0.0.1,10.0.0.2 PORTS=53,67 GW=10.0.0.254,10.0.0.254",
                  "5 ipv4(-700) top#1.0: drop out ip "
                  "!srcipaddr=10.0.0.2\n"
                  "10 ipv4(-700) top#0.0: accept out ip "
                  "srcipaddr=10.0.0.1 protocol=udp dstportstart=53\n"
                  "10 ipv4(-700) top#0.1: accept out ip "
                  "srcipaddr=10.0.0.2 protocol=udp dstportstart=53\n"
                  "10 ipv4(-700) top#0.2: accept out ip "
                  "srcipaddr=10.0.0.1 protocol=udp dstportstart=67\n"
                  "10 ipv4(-700) top#0.3: accept out ip "
                  "srcipaddr=10.0.0.2 protocol=udp dstportstart=67\n"
                  "10 ipv4(-700) top#2.0: accept out ip "
                  "srcipaddr=10.0.0.1 dstipaddr=10.0.0.254\n"
                  "10 ipv4(-700) top#2.1: accept out ip "
                  "srcipaddr=10.0.0.2 dstipaddr=10.0.0.254\n");

    CHECK_RESOLVE(&s, "top", "IP=10.0.0.1,10.0.0.2 PORTS=53 GW=10.0.0.254",
                  "error: filter 'top' (rule 3, line 9): Cardinality of "
                  "list items must be the same for processing them in "
                  "parallel: $IP has 2 values, $GW has 1 value");
    store_destroy(&s);
}

/* Conformance with libvirt's iter1/iter2/iter3 tests: the rules libvirt
 * emitted into FJ-vnet0 (from the VM, primary direction), in order,
 * against our instances. */

/* Returns the "-A FJ-vnet0" commands of the .args file 'name' as
 * "PROTO src=S dst=D dscp=X sport=P dport=Q" lines (absent parts left
 * out). */
static char *
libvirt_fj_rules(const char *args_file)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    struct ds cmd = DS_EMPTY_INITIALIZER;
    FILE *f = fopen(args_file, "r");
    char line[512];

    if (!f) {
        return NULL;
    }
    while (fgets(line, sizeof line, f)) {
        size_t len = strcspn(line, "\n");
        bool more = len >= 2 && line[len - 1] == '\\';

        line[more ? len - 2 : len] = '\0';
        ds_put_format(&cmd, "%s\n", line);
        if (more) {
            continue;
        }

        struct svec args = SVEC_EMPTY_INITIALIZER;
        svec_parse_words(&args, ds_cstr(&cmd));
        ds_clear(&cmd);
        if (args.n < 4 || strcmp(args.names[2], "-A")
            || strcmp(args.names[3], "FJ-vnet0")) {
            svec_destroy(&args);
            continue;
        }

        const char *keys[] = { "-p", "--source", "--destination", "--dscp",
                               "--sport", "--dport" };
        const char *names[] = { "", "src=", "dst=", "dscp=", "sport=",
                                "dport=" };
        const char *vals[ARRAY_SIZE(keys)] = { NULL };
        for (size_t i = 0; i + 1 < args.n; i++) {
            for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
                if (!strcmp(args.names[i], keys[k])) {
                    vals[k] = args.names[i + 1];
                }
            }
        }
        bool first = true;
        for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
            if (vals[k]) {
                ds_put_format(&out, "%s%s%s", first ? "" : " ", names[k],
                              vals[k]);
                first = false;
            }
        }
        ds_put_char(&out, '\n');
        svec_destroy(&args);
    }
    fclose(f);
    ds_destroy(&cmd);
    return ds_steal_cstr(&out);
}

static void
put_attr(struct ds *s, const struct nwf_rule *rule, enum nwf_attr_id id,
         const char *label)
{
    int idx = nwf_proto_attr_index(rule->proto, id);
    if (idx >= 0 && rule->attrs[idx].present) {
        ds_put_format(s, " %s", label);
        nwf_value_format(&rule->proto->attrs[idx], &rule->attrs[idx].value,
                         s);
    }
}

static void
test_resolve_libvirt_iter(void)
{
    const char *ref = nwf_unit_reference_dir();
    if (!ref) {
        CU_FAIL_FATAL("libvirt reference data not found");
    }

    static const char *tests[] = { "iter1", "iter2", "iter3" };
    static const size_t n_expected[] = { 3, 3 + 6 + 12 + 24 + 9 + 3, 5 };
    for (size_t t = 0; t < ARRAY_SIZE(tests); t++) {
        char *dir = xasprintf("%s/libvirt/firewall/nwfilterxml2firewalldata",
                              ref);
        char *xml = xasprintf("%s/%s.xml", dir, tests[t]);
        char *args = xasprintf("%s/%s-linux.args", dir, tests[t]);
        char *want = libvirt_fj_rules(args);
        struct store s;

        CU_ASSERT_PTR_NOT_NULL(want);
        store_init(&s);
        CU_ASSERT_TRUE(store_add_file(&s, xml));

        /* The variables libvirt's harness binds. */
        struct nwf_var_table vars;
        nwf_var_table_init(&vars);
        const char *assignments[] = {
            "IPSETNAME=tck_test",
            "A=1.1.1.1,2.2.2.2,3.3.3.3,3.3.3.3",
            "B=80,90,80,80",
            "C=1080,1090,1100,1110",
        };
        for (size_t i = 0; i < ARRAY_SIZE(assignments); i++) {
            char *error = nwf_var_table_parse_assignment(&vars,
                                                         assignments[i],
                                                         NWF_VAR_STRICT);
            CU_ASSERT_PTR_NULL(error);
            free(error);
        }

        struct nwf_resolved r;
        struct nwf_diag diag;
        nwf_resolved_init(&r);
        nwf_diag_init(&diag);
        CU_ASSERT_EQUAL(nwf_resolve("tck-testcase", &vars, NULL,
                                    store_lookup, &s, &r, &diag),
                        NWF_RESOLVE_OK);

        struct ds got = DS_EMPTY_INITIALIZER;
        for (size_t i = 0; i < r.n_insts; i++) {
            const struct nwf_rule *rule = r.insts[i].rule;
            ds_put_cstr(&got, rule->proto->name);
            put_attr(&got, rule, NWF_ATTR_SRCIPADDR, "src=");
            put_attr(&got, rule, NWF_ATTR_DSTIPADDR, "dst=");
            put_attr(&got, rule, NWF_ATTR_DSCP, "dscp=");
            put_attr(&got, rule, NWF_ATTR_SRCPORTSTART, "sport=");
            put_attr(&got, rule, NWF_ATTR_DSTPORTSTART, "dport=");
            ds_put_char(&got, '\n');
        }
        CU_ASSERT_EQUAL(r.n_insts, n_expected[t]);
        if (want) {
            CU_ASSERT_STRING_EQUAL(ds_cstr(&got), want);
            if (strcmp(ds_cstr(&got), want)) {
                fprintf(stderr, "\n%s: got\n%s\nwant\n%s\n", tests[t],
                        ds_cstr(&got), want);
            }
        }

        ds_destroy(&got);
        nwf_diag_destroy(&diag);
        nwf_resolved_destroy(&r);
        nwf_var_table_destroy(&vars);
        store_destroy(&s);
        free(want);
        free(args);
        free(xml);
        free(dir);
    }
}

/* Conformance with the command streams libvirt's ebtables driver emitted
 * for each built-in filter (firewall/builtin-generated/): after the root
 * chain's rules and jumps come the sub-chains' rules, each command in the
 * order of libvirt's sorted rule instances.  So the sequence of rule
 * commands (jumps left out), as "DIR CHAIN TARGET", must equal our
 * instances in order, each giving "J" (from the VM) for out and inout and
 * "P" (to the VM) for in and inout. */

static const char *
ebtables_target(enum nwf_action action)
{
    switch (action) {
    case NWF_ACTION_ACCEPT:
        return "ACCEPT";
    case NWF_ACTION_DROP:
    case NWF_ACTION_REJECT:
        return "DROP";
    case NWF_ACTION_RETURN:
        return "RETURN";
    case NWF_ACTION_CONTINUE:
        return "CONTINUE";
    }
    return "?";
}

/* Reads 'file': its top filter into '*top', its variables into 'vars' and
 * its ebtables rule commands, as "J mac RETURN" lines, into the result. */
static char *
read_cmds(const char *file, char **top, struct nwf_var_table *vars)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    FILE *f = fopen(file, "r");
    char line[1024];

    *top = NULL;
    if (!f) {
        return NULL;
    }
    while (fgets(line, sizeof line, f)) {
        struct svec w = SVEC_EMPTY_INITIALIZER;
        svec_parse_words(&w, line);

        if (w.n >= 3 && !strcmp(w.names[0], "#")
            && !strcmp(w.names[1], "variables:")) {
            for (size_t i = 2; i < w.n; i++) {
                char *error = nwf_var_table_parse_assignment(
                    vars, w.names[i], NWF_VAR_STRICT);
                CU_ASSERT_PTR_NULL(error);
                free(error);
            }
        } else if (w.n >= 7 && !strcmp(w.names[1], "port")
                   && !strcmp(w.names[4], "top")) {
            *top = xstrdup(w.names[6]);
        } else if (w.n >= 8 && !strcmp(w.names[0], "ebtables")
                   && !strcmp(w.names[4], "-A")
                   && strcmp(w.names[5], "PREROUTING")
                   && strcmp(w.names[5], "POSTROUTING")) {
            const char *chain = w.names[5];
            const char *target = w.names[w.n - 1];
            bool jump = (!strncmp(target, "J-", 2)
                         || !strncmp(target, "P-", 2));

            if (!jump) {
                if (!strncmp(chain, "libvirt-", 8)) {
                    ds_put_format(&out, "%c root %s\n", chain[8], target);
                } else {
                    ds_put_format(&out, "%c %s %s\n", chain[0],
                                  strchr(chain + 2, '-') + 1, target);
                }
            }
        }
        svec_destroy(&w);
    }
    fclose(f);
    return ds_steal_cstr(&out);
}

static void
test_resolve_libvirt_builtin(void)
{
    static const char *filters[] = {
        "allow-arp", "allow-dhcp-server", "allow-dhcp",
        "allow-dhcpv6-server", "allow-dhcpv6", "allow-incoming-ipv4",
        "allow-incoming-ipv6", "allow-ipv4", "allow-ipv6",
        "clean-traffic-gateway", "clean-traffic", "no-arp-ip-spoofing",
        "no-arp-mac-spoofing", "no-arp-spoofing", "no-ip-multicast",
        "no-ip-spoofing", "no-ipv6-multicast", "no-ipv6-spoofing",
        "no-mac-broadcast", "no-mac-spoofing", "no-other-l2-traffic",
        "no-other-rarp-traffic", "qemu-announce-self-rarp",
        "qemu-announce-self",
    };
    const char *ref = nwf_unit_reference_dir();
    struct store s;

    if (!ref) {
        CU_FAIL_FATAL("libvirt reference data not found");
    }

    store_init(&s);
    for (size_t i = 0; i < ARRAY_SIZE(filters); i++) {
        char *file = xasprintf("%s/libvirt/builtin-filters/%s.xml", ref,
                               filters[i]);
        CU_ASSERT_TRUE(store_add_file(&s, file));
        free(file);
    }

    size_t n_compared = 0;
    for (size_t i = 0; i <= ARRAY_SIZE(filters); i++) {
        char *file = xasprintf("%s/libvirt/firewall/builtin-generated/"
                               "%s.cmds", ref,
                               (i < ARRAY_SIZE(filters) ? filters[i]
                                : "clean-traffic.IP-list"));
        struct nwf_var_table vars;
        char *top;

        nwf_var_table_init(&vars);
        char *want = read_cmds(file, &top, &vars);
        if (!top && i == ARRAY_SIZE(filters)) {
            /* Its header says so only in prose. */
            top = xstrdup("clean-traffic");
        }
        CU_ASSERT_PTR_NOT_NULL(want);
        CU_ASSERT_PTR_NOT_NULL(top);
        if (!want || !top) {
            free(want);
            free(file);
            nwf_var_table_destroy(&vars);
            continue;
        }

        struct nwf_resolved r;
        struct nwf_diag diag;
        nwf_resolved_init(&r);
        nwf_diag_init(&diag);
        enum nwf_resolve_status status = nwf_resolve(top, &vars, NULL,
                                                     store_lookup, &s, &r,
                                                     &diag);
        CU_ASSERT_EQUAL(status, NWF_RESOLVE_OK);
        if (status != NWF_RESOLVE_OK) {
            fprintf(stderr, "\n%s: %s\n", top, nwf_diag_text(&diag));
        }

        struct ds got = DS_EMPTY_INITIALIZER;
        for (size_t j = 0; j < r.n_insts; j++) {
            const struct nwf_rule_inst *inst = &r.insts[j];
            const struct nwf_rule *rule = inst->rule;
            const char *target = ebtables_target(rule->action);

            if (rule->proto->layer != NWF_LAYER_ETH) {
                continue;
            }
            if (rule->direction != NWF_DIR_IN) {
                ds_put_format(&got, "J %s %s\n", inst->chain, target);
            }
            if (rule->direction != NWF_DIR_OUT) {
                ds_put_format(&got, "P %s %s\n", inst->chain, target);
            }
        }
        CU_ASSERT_STRING_EQUAL(ds_cstr(&got), want);
        if (strcmp(ds_cstr(&got), want)) {
            fprintf(stderr, "\n%s: got\n%s\nwant\n%s\n", file,
                    ds_cstr(&got), want);
        } else {
            n_compared++;
        }

        ds_destroy(&got);
        nwf_diag_destroy(&diag);
        nwf_resolved_destroy(&r);
        nwf_var_table_destroy(&vars);
        free(want);
        free(top);
        free(file);
    }
    CU_ASSERT_EQUAL(n_compared, ARRAY_SIZE(filters) + 1);
    store_destroy(&s);
}

static const struct nwf_unit_test resolve_tests[] = {
    { "ordering: root first, priority, chain priority, document order",
      test_resolve_ordering },
    { "a filter referenced twice is instantiated twice",
      test_resolve_repeated_reference },
    { "overlay: the caller's parameters win", test_resolve_overlay },
    { "missing filters are reported", test_resolve_missing_filter },
    { "reference loops are reported", test_resolve_loop },
    { "exponential reference trees are refused",
      test_resolve_too_many_references },
    { "missing variables, IP learning", test_resolve_missing_vars },
    { "values of the wrong type", test_resolve_wrong_type },
    { "lists expand a rule into several instances", test_resolve_lists },
    { "libvirt iter1/iter2/iter3 expansions", test_resolve_libvirt_iter },
    { "libvirt built-in filters: rule order",
      test_resolve_libvirt_builtin },
    { NULL, NULL },
};

NWF_UNIT_SUITE(resolve, resolve_tests);
