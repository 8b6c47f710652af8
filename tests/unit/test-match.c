/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* One rule into OpenFlow matches (compiler/nwf-match.c).
 *
 * Rules come from small XML snippets.  Every string the module produces
 * is fed to ovs-ofctl's parser (parse_ofp_flow_mod_str), must be usable
 * with OpenFlow 1.3 and survive encoding to OpenFlow 1.3 and decoding
 * back unchanged; every alternative joined with every negation string
 * must parse to exactly the intersection of the two. */

#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-match.h"
#include "nwf-ofpacts.h"
#include "nwf-unit.h"
#include "nwf-xml.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/util.h"
#include "svec.h"
#include "util.h"

enum {
    WRITTEN = NWF_MATCH_AS_WRITTEN,
    MIRRORED = NWF_MATCH_MIRRORED,
};

/* Parses 'match' with ovs-ofctl's parser into '*out'.  Checks that it is
 * usable with OpenFlow 1.3 and encodes and decodes unchanged. */
static bool
ofctl_parse(const char *match, struct match *out)
{
    char *s = xasprintf("%s%sactions=drop", match, *match ? "," : "");
    struct ofputil_flow_mod fm;
    enum ofputil_protocol usable;
    char *error = parse_ofp_flow_mod_str(&fm, s, NULL, NULL, OFPFC_ADD,
                                         &usable);
    if (error) {
        fprintf(stderr, "\n'%s' does not parse: %s\n", match, error);
        CU_FAIL("match does not parse");
        free(error);
        free(s);
        return false;
    }
    free(s);

    bool ok = true;
    if (!(usable & OFPUTIL_P_OF13_OXM)) {
        fprintf(stderr, "\n'%s' is not usable with OpenFlow 1.3 (%s)\n",
                match, ofputil_protocols_to_string(usable));
        CU_FAIL("match is not usable with OpenFlow 1.3");
        ok = false;
    } else {
        struct ofpbuf *msg = ofputil_encode_flow_mod(&fm, OFPUTIL_P_OF13_OXM);
        struct ofputil_flow_mod fm2;
        struct ofpbuf ofpacts;
        ofpbuf_init(&ofpacts, 64);
        enum ofperr err = ofputil_decode_flow_mod(&fm2, msg->data,
                                                  OFPUTIL_P_OF13_OXM, NULL,
                                                  NULL, &ofpacts, OFPP_MAX,
                                                  255);
        if (err) {
            fprintf(stderr, "\n'%s' does not decode: %s\n", match,
                    ofperr_to_string(err));
            CU_FAIL("match does not decode from OpenFlow 1.3");
            ok = false;
        } else {
            if (!minimatch_equal(&fm.match, &fm2.match)) {
                fprintf(stderr, "\n'%s' changes through OpenFlow 1.3\n",
                        match);
                CU_FAIL("match changes through OpenFlow 1.3");
                ok = false;
            }
            minimatch_destroy(&fm2.match);
        }
        ofpbuf_uninit(&ofpacts);
        ofpbuf_delete(msg);
    }
    minimatch_expand(&fm.match, out);
    minimatch_destroy(&fm.match);
    free(CONST_CAST(struct ofpact *, fm.ofpacts));
    return ok;
}

/* Checks that 'joined' is exactly 'a' and 'b': its mask is the union of
 * theirs and it agrees with each on its mask. */
static bool
is_intersection(const struct match *joined, const struct match *a,
                const struct match *b)
{
    const uint8_t *jf = (const uint8_t *) &joined->flow;
    const uint8_t *jm = (const uint8_t *) &joined->wc.masks;
    const struct match *parts[] = { a, b };

    for (size_t p = 0; p < ARRAY_SIZE(parts); p++) {
        const uint8_t *f = (const uint8_t *) &parts[p]->flow;
        const uint8_t *m = (const uint8_t *) &parts[p]->wc.masks;
        for (size_t i = 0; i < sizeof(struct flow); i++) {
            if ((jf[i] & m[i]) != (f[i] & m[i])) {
                return false;
            }
        }
    }
    for (size_t i = 0; i < sizeof(struct flow); i++) {
        const uint8_t *am = (const uint8_t *) &a->wc.masks;
        const uint8_t *bm = (const uint8_t *) &b->wc.masks;
        if (jm[i] != (am[i] | bm[i])) {
            return false;
        }
    }
    return true;
}

/* Appends 'm' as Open vSwitch prints it ("<all>" for every packet) and
 * a new line to 's', after checking that ovs-ofctl's parser reads the text
 * back as 'm' and that OpenFlow 1.3 carries it. */
static void
put_match(const struct match *m, struct ds *s)
{
    char *text = match_to_string(m, NULL, OFP_DEFAULT_PRIORITY);
    struct match parsed, typed = *m;
    nwf_match_add_ethernet_prereq(&typed);
    if (*text && ofctl_parse(text, &parsed) && !match_equal(&parsed, &typed)) {
        fprintf(stderr, "\n'%s' does not parse back as itself\n", text);
        CU_FAIL("match does not parse back as itself");
    }
    ds_put_format(s, "%s\n", *text ? text : "<all>");
    free(text);
}

/* 'expected', as a person writes matches, printed as put_match() prints
 * them: every line that is a match ("STRING" or "!N STRING") parsed and
 * printed again; "<all>", "<none>" and errors as they are. */
static char *
canonical_expected(const char *expected)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    char *copy = xstrdup(expected);
    char *save_ptr = NULL;
    for (char *line = strtok_r(copy, "\n", &save_ptr); line;
         line = strtok_r(NULL, "\n", &save_ptr)) {
        struct match m;
        const char *text = line;
        int n = 0;
        if (line[0] == '!') {
            sscanf(line, "!%*d %n", &n);
            text = line + n;
        }
        if (line[0] == '<' || !strncmp(line, "error: ", 7)
            || !strncmp(line, "XML error", 9) || !strncmp(line, "  ", 2)
            || !ofctl_parse(text, &m)) {
            ds_put_format(&out, "%s\n", line);
        } else {
            ds_put_buffer(&out, line, n);
            put_match(&m, &out);
        }
    }
    free(copy);
    return ds_steal_cstr(&out);
}

/* The first rule of a filter whose rules are 'rules_xml'. */
static struct nwf_filter *
parse_rules(const char *rules_xml, struct nwf_diag *diag)
{
    char *xml = xasprintf("<filter name='t'>%s</filter>", rules_xml);
    struct nwf_filter *filter = nwf_xml_parse_buffer(xml, strlen(xml),
                                                     "t.xml", diag);
    free(xml);
    return filter;
}

/* Matches a rule whose protocol elements are 'elements' and returns the
 * result as text: the alternatives one per line ("<all>" for ""), or
 * "<none>" if there are none, then the strings of negation N each on a
 * line "!N STRING"; or "error: MESSAGES".  Every string is checked with
 * ovs-ofctl's parser. */
static char *
match_text(const char *elements, int orient, bool with_srcmac)
{
    struct nwf_diag diag;
    nwf_diag_init(&diag);

    char *rule_xml = xasprintf("<rule action='accept' direction='out'>%s"
                               "</rule>", elements);
    struct nwf_filter *filter = parse_rules(rule_xml, &diag);
    free(rule_xml);
    if (!filter) {
        char *text = xasprintf("XML error: %s", nwf_diag_text(&diag));
        nwf_diag_destroy(&diag);
        return text;
    }
    CU_ASSERT_FATAL(filter->n_entries == 1);

    const struct nwf_match_options opts = {
        .orient = orient, .with_srcmac = with_srcmac,
    };
    struct nwf_rule_match m;
    struct ds s = DS_EMPTY_INITIALIZER;
    nwf_rule_match_init(&m);
    if (nwf_match_rule(filter->entries[0].rule, &opts, &m, NULL, &diag)) {
        CU_ASSERT_FALSE(nwf_diag_has_errors(&diag));
        for (size_t i = 0; i < m.alternatives.n; i++) {
            put_match(&m.alternatives.matches[i], &s);
        }
        if (!m.alternatives.n) {
            ds_put_cstr(&s, "<none>\n");
            CU_ASSERT_EQUAL(m.n_negations, 0);
        }
        for (size_t i = 0; i < m.n_negations; i++) {
            CU_ASSERT(m.negations[i].n > 0);
            for (size_t j = 0; j < m.negations[i].n; j++) {
                ds_put_format(&s, "!%"PRIuSIZE" ", i + 1);
                put_match(&m.negations[i].matches[j], &s);
            }
        }
    } else {
        CU_ASSERT_TRUE(nwf_diag_has_errors(&diag));
        CU_ASSERT_EQUAL(m.alternatives.n, 0);
        CU_ASSERT_EQUAL(m.n_negations, 0);
        ds_put_format(&s, "error: %s\n", nwf_diag_text(&diag));
    }
    nwf_rule_match_destroy(&m);
    nwf_filter_destroy(filter);
    nwf_diag_destroy(&diag);
    return ds_steal_cstr(&s);
}

static void
check_opts(const char *elements, int orient, bool with_srcmac,
           const char *expected_)
{
    char *got = match_text(elements, orient, with_srcmac);
    char *expected = canonical_expected(expected_);
    if (strcmp(got, expected)) {
        fprintf(stderr, "\n%s (%s%s)\nexpected:\n%sgot:\n%s", elements,
                orient == MIRRORED ? "mirrored" : "as written",
                with_srcmac ? "" : ", without srcmacaddr", expected, got);
    }
    CU_ASSERT_STRING_EQUAL(got, expected);
    free(expected);
    free(got);
}

/* As written, with srcmacaddr. */
static void
check(const char *elements, const char *expected)
{
    check_opts(elements, WRITTEN, true, expected);
}

static void
check_mirrored(const char *elements, const char *expected)
{
    check_opts(elements, MIRRORED, true, expected);
}

/* Checks that 'elements' is an error whose message has each of the
 * NULL-terminated strings that follow. */
static void
check_error(const char *elements, ...)
{
    char *got = match_text(elements, WRITTEN, true);
    bool ok = !strncmp(got, "error: ", 7);
    va_list args;

    va_start(args, elements);
    for (const char *want; (want = va_arg(args, const char *)) != NULL;) {
        if (!strstr(got, want)) {
            ok = false;
        }
    }
    va_end(args);
    if (!ok) {
        fprintf(stderr, "\n%s\nexpected an error, got:\n%s", elements, got);
    }
    CU_ASSERT(ok);
    free(got);
}

#define UNTAGGED "vlan_tci=0x0000/0x1000"

static void
test_none(void)
{
    /* A rule without a protocol element, or an element that says nothing
     * (comment), matches every frame. */
    check("", "<all>\n");
    check("<mac/>", "<all>\n");
    check("<mac comment='anything'/>", "<all>\n");
}

static void
test_mac(void)
{
    /* libvirt's mac.xml: -p implies untagged frames of that type. */
    check("<mac srcmacaddr='1:2:3:4:5:6' srcmacmask='ff:ff:ff:ff:ff:ff' "
          "protocolid='arp'/>",
          "arp,"UNTAGGED",dl_src=01:02:03:04:05:06\n");
    check("<mac dstmacaddr='aa:bb:cc:dd:ee:ff' dstmacmask='ff:ff:ff:ff:ff:ff' "
          "protocolid='ipv4'/>",
          "ip,"UNTAGGED",dl_dst=aa:bb:cc:dd:ee:ff\n");
    check("<mac protocolid='1536'/>",
          "dl_type=0x0600,"UNTAGGED"\n");
    check("<mac protocolid='65535'/>",
          "dl_type=0xffff,"UNTAGGED"\n");
    check("<mac protocolid='ipv6'/>", "ipv6,"UNTAGGED"\n");
    check("<mac protocolid='rarp'/>", "rarp,"UNTAGGED"\n");
    check("<mac protocolid='0x1234'/>", "dl_type=0x1234,"UNTAGGED"\n");

    /* 802.1Q: tagged frames, whatever they carry. */
    check("<mac protocolid='vlan'/>", "vlan_tci=0x1000/0x1000\n");
    check_error("<mac protocolid='0x88a8'/>",
                "<mac> attribute 'protocolid' value '0x88a8'", "802.1ad",
                NULL);

    /* Masks. */
    check("<mac srcmacaddr='1:2:3:4:5:6' srcmacmask='ff:ff:ff:00:00:00' "
          "dstmacaddr='aa:bb:cc:dd:ee:ff' dstmacmask='ff:ff:ff:ff:ff:f0'/>",
          "dl_src=01:02:03:00:00:00/ff:ff:ff:00:00:00,"
          "dl_dst=aa:bb:cc:dd:ee:f0/ff:ff:ff:ff:ff:f0\n");
    check("<mac srcmacaddr='1:2:3:4:5:6' srcmacmask='0:0:0:0:0:0'/>",
          "<all>\n");
    /* A mask without its address means nothing (libvirt ignores it). */
    check("<mac dstmacmask='ff:ff:ff:ff:ff:ff'/>", "<all>\n");
}

static void
test_mac_mirrored(void)
{
    const char *mac = "<mac srcmacaddr='1:2:3:4:5:6' "
        "srcmacmask='ff:ff:ff:ff:ff:0' dstmacaddr='aa:bb:cc:dd:ee:ff' "
        "protocolid='ipv6'/>";
    check(mac, "ipv6,"UNTAGGED",dl_src=01:02:03:04:05:00/"
          "ff:ff:ff:ff:ff:00,dl_dst=aa:bb:cc:dd:ee:ff\n");
    check_mirrored(mac, "ipv6,"UNTAGGED",dl_src=aa:bb:cc:dd:ee:ff,"
                   "dl_dst=01:02:03:04:05:00/ff:ff:ff:ff:ff:00\n");
}

static void
test_mac_negation(void)
{
    /* match='no' negates each attribute: neither from X nor untagged
     * ARP. */
    check("<mac match='no' srcmacaddr='1:2:3:4:5:6' protocolid='arp'/>",
          "<all>\n"
          "!1 dl_src=01:02:03:04:05:06\n"
          "!2 arp,"UNTAGGED"\n");
    /* Merged with a positive element, each exclusion repeats the
     * prerequisites. */
    check("<mac protocolid='ipv4'/>"
          "<mac match='no' srcmacaddr='1:2:3:4:5:6' "
          "srcmacmask='ff:ff:ff:ff:ff:0'/>",
          "ip,"UNTAGGED"\n"
          "!1 ip,"UNTAGGED",dl_src=01:02:03:04:05:00/ff:ff:ff:ff:ff:00\n");
    /* Not tagged. */
    check("<mac match='no' protocolid='vlan'/>",
          "<all>\n"
          "!1 vlan_tci=0x1000/0x1000\n");
    /* Excluding every frame leaves nothing. */
    check("<mac match='no' srcmacaddr='1:2:3:4:5:6' "
          "srcmacmask='0:0:0:0:0:0'/>", "<none>\n");
}

static void
test_vlan(void)
{
    /* libvirt's vlan.xml. */
    const char *v = "<vlan srcmacaddr='1:2:3:4:5:6' "
        "srcmacmask='ff:ff:ff:ff:ff:ff' dstmacaddr='aa:bb:cc:dd:ee:ff' "
        "dstmacmask='ff:ff:ff:ff:ff:ff' vlanid='0x123'/>";
    check(v, "dl_vlan=291,dl_src=01:02:03:04:05:06,"
          "dl_dst=aa:bb:cc:dd:ee:ff\n");
    check_mirrored(v, "dl_vlan=291,dl_src=aa:bb:cc:dd:ee:ff,"
                   "dl_dst=01:02:03:04:05:06\n");

    check("<vlan/>", "vlan_tci=0x1000/0x1000\n");
    check("<vlan vlanid='0'/>", "dl_vlan=0\n");
    check("<vlan vlanid='4095'/>", "dl_vlan=4095\n");

    /* encap-protocol is the type inside the tag. */
    check("<vlan encap-protocol='arp'/>", "arp,vlan_tci=0x1000/0x1000\n");
    check("<vlan encap-protocol='0x1234' vlanid='5'/>",
          "dl_type=0x1234,dl_vlan=5\n");
    check_error("<vlan encap-protocol='vlan'/>",
                "attribute 'encap-protocol' value 'vlan'",
                "outer VLAN tag", NULL);
    check_error("<vlan encap-protocol='0x88a8'/>", "802.1ad", NULL);
    check_error("<vlan encap-protocol='0x3c'/>",
                "attribute 'encap-protocol' value '0x3c'", "802.3", NULL);

    /* Tagged, but not VLAN 10; the exclusion refines the tag match. */
    check("<vlan match='no' vlanid='10'/>",
          "vlan_tci=0x1000/0x1000\n"
          "!1 dl_vlan=10\n");
    check("<vlan vlanid='10'/><vlan match='no' encap-protocol='ipv4'/>",
          "dl_vlan=10\n"
          "!1 ip,dl_vlan=10\n");
}

static void
test_stp(void)
{
    check("<stp/>", "dl_dst=01:80:c2:00:00:00\n");
    check("<stp srcmacaddr='1:2:3:4:5:6' srcmacmask='ff:ff:ff:ff:ff:0'/>",
          "dl_src=01:02:03:04:05:00/ff:ff:ff:ff:ff:00,"
          "dl_dst=01:80:c2:00:00:00\n");
    check("<stp match='no' srcmacaddr='1:2:3:4:5:6'/>",
          "dl_dst=01:80:c2:00:00:00\n"
          "!1 dl_src=01:02:03:04:05:06,dl_dst=01:80:c2:00:00:00\n");

    /* Mirrored, the source MAC is the destination, which is already
     * 01:80:c2:00:00:00. */
    check_mirrored("<stp srcmacaddr='1:80:c2:0:0:0'/>",
                   "dl_dst=01:80:c2:00:00:00\n");
    check_mirrored("<stp srcmacaddr='1:2:3:4:5:6'/>", "<none>\n");
    check_mirrored("<stp match='no' srcmacaddr='1:80:c2:0:0:0'/>",
                   "<none>\n");
}

/* Every STP BPDU attribute is an error naming it. */
static void
test_stp_unsupported(void)
{
    const struct nwf_proto *stp = nwf_proto_by_id(NWF_PROTO_STP);
    size_t n = 0;

    for (size_t i = 0; i < stp->n_attrs; i++) {
        const struct nwf_attr_desc *d = &stp->attrs[i];
        if (d->field != NWF_FIELD_NO_STP_BPDU) {
            continue;
        }
        const char *value = (d->type == NWF_TYPE_MAC ? "1:2:3:4:5:6"
                             : d->type == NWF_TYPE_MAC_MASK
                             ? "ff:ff:ff:ff:ff:ff" : "1");
        char *xml = xasprintf("<stp %s='%s'/>", d->name, value);
        char *where = xasprintf("<stp> attribute '%s'", d->name);
        check_error(xml, where, "STP BPDUs", "cannot be matched", NULL);
        free(where);
        free(xml);
        n++;
    }
    CU_ASSERT_EQUAL(n, 22);
}

static void
test_arp(void)
{
    /* libvirt's arp.xml, first rule, but with the only hardware and
     * protocol types Open vSwitch parses. */
    const char *a = "<arp srcmacaddr='1:2:3:4:5:6' "
        "srcmacmask='ff:ff:ff:ff:ff:ff' dstmacaddr='aa:bb:cc:dd:ee:ff' "
        "dstmacmask='ff:ff:ff:ff:ff:ff' hwtype='1' protocoltype='0x800' "
        "opcode='Request' arpsrcmacaddr='1:2:3:4:5:6' "
        "arpdstmacaddr='a:b:c:d:e:f'/>";
    check(a, "arp,"UNTAGGED",dl_src=01:02:03:04:05:06,"
          "dl_dst=aa:bb:cc:dd:ee:ff,arp_op=1,arp_sha=01:02:03:04:05:06,"
          "arp_tha=0a:0b:0c:0d:0e:0f\n");
    check_mirrored(a, "arp,"UNTAGGED",dl_src=aa:bb:cc:dd:ee:ff,"
                   "dl_dst=01:02:03:04:05:06,arp_op=1,"
                   "arp_sha=0a:0b:0c:0d:0e:0f,arp_tha=01:02:03:04:05:06\n");

    const char *ip = "<arp arpsrcipaddr='10.0.0.1' arpsrcipmask='24' "
        "arpdstipaddr='10.0.0.2' opcode='Reply'/>";
    check(ip, "arp,"UNTAGGED",arp_op=2,arp_spa=10.0.0.0/24,"
          "arp_tpa=10.0.0.2\n");
    check_mirrored(ip, "arp,"UNTAGGED",arp_op=2,arp_spa=10.0.0.2,"
                   "arp_tpa=10.0.0.0/24\n");
    check("<arp arpdstipaddr='10.1.2.3' arpdstipmask='255.255.0.0'/>",
          "arp,"UNTAGGED",arp_tpa=10.1.0.0/16\n");

    /* The rest of libvirt's arp.xml: types Open vSwitch does not parse,
     * opcodes it cannot match. */
    check_error("<arp hwtype='12' protocoltype='34'/>",
                "<arp> attribute 'hwtype' value '12': Open vSwitch parses "
                "only ARP for Ethernet (hardware type 1)",
                "<arp> attribute 'protocoltype' value '34': Open vSwitch "
                "parses only ARP for IPv4 (protocol type 0x800)", NULL);
    check_error("<arp match='no' hwtype='1'/>", "'hwtype'", "match='no'",
                NULL);
    check_error("<arp opcode='65535'/>",
                "<arp> attribute 'opcode' value '65535': Open vSwitch "
                "matches only ARP opcodes from 1 to 255", NULL);
    check_error("<arp opcode='0'/>", "'opcode'", NULL);
    check("<arp opcode='255'/>", "arp,"UNTAGGED",arp_op=255\n");

    /* Negated: libvirt negates a MAC with its mask. */
    check("<arp srcmacmask='ff:ff:ff:0:0:0'/>"
          "<arp match='no' srcmacaddr='1:2:3:4:5:6' opcode='1'/>",
          "arp,"UNTAGGED"\n"
          "!1 arp,"UNTAGGED",dl_src=01:02:03:00:00:00/ff:ff:ff:00:00:00\n"
          "!2 arp,"UNTAGGED",arp_op=1\n");
}

static void
test_rarp(void)
{
    const char *r = "<rarp srcmacaddr='1:2:3:4:5:6' opcode='Request_Reverse' "
        "hwtype='1' protocoltype='2048' arpsrcmacaddr='1:2:3:4:5:6' "
        "arpdstmacaddr='1:2:3:4:5:6'/>";
    check(r, "rarp,"UNTAGGED",dl_src=01:02:03:04:05:06,arp_op=3,"
          "arp_sha=01:02:03:04:05:06,arp_tha=01:02:03:04:05:06\n");
    check("<rarp/>", "rarp,"UNTAGGED"\n");
    check_error("<rarp hwtype='256'/>", "<rarp> attribute 'hwtype'", NULL);
}

static void
test_arp_gratuitous(void)
{
    /* Sender IP = target IP: possible when one of them is given. */
    check("<arp arpsrcipaddr='10.0.0.1' gratuitous='true'/>",
          "arp,"UNTAGGED",arp_spa=10.0.0.1,arp_tpa=10.0.0.1\n");
    check("<arp arpdstipaddr='10.0.0.2' gratuitous='1'/>",
          "arp,"UNTAGGED",arp_spa=10.0.0.2,arp_tpa=10.0.0.2\n");
    check_mirrored("<arp arpdstipaddr='10.0.0.2' gratuitous='yes'/>",
                   "arp,"UNTAGGED",arp_spa=10.0.0.2,arp_tpa=10.0.0.2\n");
    check("<arp arpsrcipaddr='10.0.0.1' arpdstipaddr='10.0.0.0' "
          "arpdstipmask='24' gratuitous='true'/>",
          "arp,"UNTAGGED",arp_spa=10.0.0.1,arp_tpa=10.0.0.1\n");
    check("<arp arpsrcipaddr='10.0.0.1' arpdstipaddr='10.0.0.2' "
          "gratuitous='true'/>", "<none>\n");
    /* gratuitous='false' asks for nothing. */
    check("<arp gratuitous='false'/>", "arp,"UNTAGGED"\n");

    /* Not gratuitous. */
    check("<arp arpsrcipaddr='10.0.0.1'/>"
          "<arp match='no' gratuitous='true'/>",
          "arp,"UNTAGGED",arp_spa=10.0.0.1\n"
          "!1 arp,"UNTAGGED",arp_tpa=10.0.0.1\n");

    /* libvirt's arp.xml: gratuitous alone. */
    check_error("<arp gratuitous='true'/>",
                "<arp> attribute 'gratuitous' value 'true': Open vSwitch "
                "cannot compare the sender and target IP addresses", NULL);
    check_error("<arp arpsrcipaddr='10.0.0.0' arpsrcipmask='8' "
                "gratuitous='true'/>", "'gratuitous'", NULL);
    check_error("<arp gratuitous='true'/>"
                "<arp match='no' arpsrcipaddr='10.0.0.1'/>",
                "'gratuitous'", NULL);
}

static void
test_ip(void)
{
    /* libvirt's ip.xml. */
    check("<ip srcmacaddr='1:2:3:4:5:6' srcmacmask='ff:ff:ff:ff:ff:ff' "
          "dstmacaddr='aa:bb:cc:dd:ee:ff' dstmacmask='ff:ff:ff:ff:ff:ff' "
          "srcipaddr='10.1.2.3' srcipmask='255.255.255.255' "
          "dstipaddr='10.1.2.3' dstipmask='255.255.255.255' protocol='udp' "
          "srcportstart='20' srcportend='22' dstportstart='100' "
          "dstportend='101'/>",
          "udp,"UNTAGGED",dl_src=01:02:03:04:05:06,dl_dst=aa:bb:cc:dd:ee:ff,"
          "nw_src=10.1.2.3,nw_dst=10.1.2.3,udp_src=20/0xfffe,"
          "udp_dst=100/0xfffe\n"
          "udp,"UNTAGGED",dl_src=01:02:03:04:05:06,dl_dst=aa:bb:cc:dd:ee:ff,"
          "nw_src=10.1.2.3,nw_dst=10.1.2.3,udp_src=22,udp_dst=100/0xfffe\n");
    /* dscp: DSCP semantics (libvirt feeds the value to --ip-tos). */
    check("<ip srcipaddr='10.1.2.3' srcipmask='255.255.128.0' "
          "dstipaddr='10.1.2.3' dstipmask='255.255.255.0' protocol='17' "
          "dscp='63'/>",
          "udp,"UNTAGGED",nw_src=10.1.0.0/17,nw_dst=10.1.2.0/24,"
          "ip_dscp=63\n");
    check("<ip srcipaddr='10.1.2.3' srcipmask='255.255.255.254' "
          "dstipaddr='10.1.2.3' dstipmask='255.255.255.128' protocol='255' "
          "dscp='63'/>",
          "ip,"UNTAGGED",nw_src=10.1.2.2/31,nw_dst=10.1.2.0/25,"
          "nw_proto=255,ip_dscp=63\n");

    check("<ip/>", "ip,"UNTAGGED"\n");
    check("<ip protocol='tcp' dstportstart='80'/>",
          "tcp,"UNTAGGED",tcp_dst=80\n");
    check("<ip protocol='sctp' srcportstart='5' dstportstart='6'/>",
          "sctp,"UNTAGGED",sctp_src=5,sctp_dst=6\n");
    check_mirrored("<ip protocol='sctp' srcportstart='5' dstportstart='6' "
                   "srcipaddr='1.2.3.4'/>",
                   "sctp,"UNTAGGED",nw_dst=1.2.3.4,sctp_src=6,"
                   "sctp_dst=5\n");
    check("<ip protocol='icmp'/>", "icmp,"UNTAGGED"\n");
    check("<ip protocol='esp'/>", "ip,"UNTAGGED",nw_proto=50\n");

    /* Open vSwitch does not parse DCCP. */
    check_error("<ip protocol='33' dstportstart='80'/>",
                "<ip> attribute 'dstportstart' value '80': Open vSwitch "
                "matches this only for protocol tcp, udp or sctp "
                "(protocol is 33)", NULL);
}

static void
test_ip_negation(void)
{
    check("<ip match='no' protocol='tcp'/>",
          "ip,"UNTAGGED"\n"
          "!1 tcp,"UNTAGGED"\n");
    check("<ip protocol='tcp'/><ip match='no' dstportstart='22'/>",
          "tcp,"UNTAGGED"\n"
          "!1 tcp,"UNTAGGED",tcp_dst=22\n");
    check("<ip match='no' srcipaddr='10.0.0.0' srcipmask='8' dscp='4'/>",
          "ip,"UNTAGGED"\n"
          "!1 ip,"UNTAGGED",nw_src=10.0.0.0/8\n"
          "!2 ip,"UNTAGGED",ip_dscp=4\n");
    /* Ports need the protocol they belong to. */
    check_error("<ip match='no' protocol='tcp' dstportstart='22'/>",
                "'dstportstart'", "protocol is negated", NULL);
}

static void
test_ipv6(void)
{
    /* libvirt's ipv6.xml. */
    check("<ipv6 srcmacaddr='1:2:3:4:5:6' srcmacmask='ff:ff:ff:ff:ff:fe' "
          "dstmacaddr='aa:bb:cc:dd:ee:ff' dstmacmask='ff:ff:ff:ff:ff:80' "
          "srcipaddr='::ffff:10.1.2.3' srcipmask='22' "
          "dstipaddr='::ffff:10.1.2.3' "
          "dstipmask='ffff:ffff:ffff:ffff:ffff:ffff:ffff:8000' "
          "protocol='udp' srcportstart='20' srcportend='22' "
          "dstportstart='100' dstportend='101'/>",
          "udp6,"UNTAGGED",dl_src=01:02:03:04:05:06/ff:ff:ff:ff:ff:fe,"
          "dl_dst=aa:bb:cc:dd:ee:80/ff:ff:ff:ff:ff:80,ipv6_src=::/22,"
          "ipv6_dst=::ffff:10.1.0.0/113,udp_src=20/0xfffe,"
          "udp_dst=100/0xfffe\n"
          "udp6,"UNTAGGED",dl_src=01:02:03:04:05:06/ff:ff:ff:ff:ff:fe,"
          "dl_dst=aa:bb:cc:dd:ee:80/ff:ff:ff:ff:ff:80,ipv6_src=::/22,"
          "ipv6_dst=::ffff:10.1.0.0/113,udp_src=22,udp_dst=100/0xfffe\n");

    /* Its inout rules: the from-VM copy swaps addresses and ports. */
    const char *tcp = "<ipv6 srcipaddr='1::2' srcipmask='128' "
        "dstipaddr='a:b:c::' dstipmask='ffff:ffff:ffff:ffff:8000::' "
        "protocol='6' srcportstart='255' srcportend='256' "
        "dstportstart='65535' dstportend='65535'/>";
    check(tcp, "tcp6,"UNTAGGED",ipv6_src=1::2,ipv6_dst=a:b:c::/65,"
          "tcp_src=255,tcp_dst=65535\n"
          "tcp6,"UNTAGGED",ipv6_src=1::2,ipv6_dst=a:b:c::/65,"
          "tcp_src=256,tcp_dst=65535\n");
    check_mirrored(tcp, "tcp6,"UNTAGGED",ipv6_src=a:b:c::/65,"
                   "ipv6_dst=1::2,tcp_src=65535,tcp_dst=255\n"
                   "tcp6,"UNTAGGED",ipv6_src=a:b:c::/65,"
                   "ipv6_dst=1::2,tcp_src=65535,tcp_dst=256\n");
    check("<ipv6 protocol='18'/>", "ipv6,"UNTAGGED",nw_proto=18\n");
}

static void
test_ipv6_icmp(void)
{
    /* type 1..11 and code 10..11: one match per pair (neither field can
     * be masked). */
    struct ds want = DS_EMPTY_INITIALIZER;
    for (int type = 1; type <= 11; type++) {
        for (int code = 10; code <= 11; code++) {
            ds_put_format(&want, "icmp6,"UNTAGGED",ipv6_src=1::2,"
                          "icmpv6_type=%d,icmpv6_code=%d\n", type, code);
        }
    }
    check("<ipv6 srcipaddr='1::2' protocol='icmpv6' type='1' typeend='11' "
          "code='10' codeend='11'/>", ds_cstr(&want));
    ds_destroy(&want);

    check("<ipv6 protocol='icmpv6' type='1' code='10'/>",
          "icmp6,"UNTAGGED",icmpv6_type=1,icmpv6_code=10\n");
    check("<ipv6 protocol='icmpv6' code='10'/>",
          "icmp6,"UNTAGGED",icmpv6_code=10\n");
    check("<ipv6 protocol='icmpv6' type='0' typeend='255'/>",
          "icmp6,"UNTAGGED"\n");
    /* An end without its start means nothing, as in libvirt. */
    check("<ipv6 protocol='icmpv6' typeend='3' codeend='4'/>",
          "icmp6,"UNTAGGED"\n");
    check_error("<ipv6 type='1'/>",
                "<ipv6> attribute 'type' value '1': Open vSwitch matches "
                "this only for protocol icmpv6 (protocol is missing)", NULL);
    check_error("<ipv6 protocol='icmp' type='1'/>", "(protocol is icmp)",
                NULL);
    check_error("<ipv6 protocol='icmpv6' type='5' typeend='4'/>",
                "<ipv6> attribute 'typeend' value '4': the end of the "
                "range is below its start", NULL);

    /* Negated, type and code are excluded together. */
    check("<ipv6 protocol='icmpv6'/>"
          "<ipv6 match='no' type='1' typeend='2' code='3'/>",
          "icmp6,"UNTAGGED"\n"
          "!1 icmp6,"UNTAGGED",icmpv6_type=1,icmpv6_code=3\n"
          "!1 icmp6,"UNTAGGED",icmpv6_type=2,icmpv6_code=3\n");
}

static void
test_tcp(void)
{
    /* libvirt's tcp.xml: out, as written (FI) and mirrored (FO). */
    const char *t1 = "<tcp srcmacaddr='1:2:3:4:5:6' dstipaddr='10.1.2.3' "
        "dstipmask='255.255.255.255' dscp='2'/>";
    check(t1, "tcp,"UNTAGGED",dl_src=01:02:03:04:05:06,nw_dst=10.1.2.3,"
          "ip_dscp=2\n");
    check_opts(t1, MIRRORED, false,
               "tcp,"UNTAGGED",nw_src=10.1.2.3,ip_dscp=2\n");

    const char *t2 = "<tcp srcmacaddr='1:2:3:4:5:6' srcipaddr='10.1.2.3' "
        "srcipmask='32' dscp='63' srcportstart='255' srcportend='256' "
        "dstportstart='65535' dstportend='65535'/>";
    check(t2, "tcp,"UNTAGGED",dl_src=01:02:03:04:05:06,nw_src=10.1.2.3,"
          "ip_dscp=63,tcp_src=255,tcp_dst=65535\n"
          "tcp,"UNTAGGED",dl_src=01:02:03:04:05:06,nw_src=10.1.2.3,"
          "ip_dscp=63,tcp_src=256,tcp_dst=65535\n");
    check_opts(t2, MIRRORED, false,
               "tcp,"UNTAGGED",nw_dst=10.1.2.3,ip_dscp=63,tcp_src=65535,"
               "tcp_dst=255\n"
               "tcp,"UNTAGGED",nw_dst=10.1.2.3,ip_dscp=63,tcp_src=65535,"
               "tcp_dst=256\n");
    /* with_srcmac=false drops only srcmacaddr. */
    check_opts(t2, WRITTEN, false,
               "tcp,"UNTAGGED",nw_src=10.1.2.3,ip_dscp=63,tcp_src=255,"
               "tcp_dst=65535\n"
               "tcp,"UNTAGGED",nw_src=10.1.2.3,ip_dscp=63,tcp_src=256,"
               "tcp_dst=65535\n");
    /* Mirrored with srcmacaddr, it is the destination. */
    check_mirrored("<tcp srcmacaddr='1:2:3:4:5:6'/>",
                   "tcp,"UNTAGGED",dl_dst=01:02:03:04:05:06\n");

    /* Connection state is the flow compiler's. */
    check("<tcp state='NEW,ESTABLISHED'/>", "tcp,"UNTAGGED"\n");
}

static void
test_tcp_flags(void)
{
    /* MASK/FLAGS as iptables --tcp-flags MASK FLAGS. */
    check("<tcp flags='SYN,ACK/SYN'/>", "tcp,"UNTAGGED",tcp_flags=+syn-ack\n");
    check("<tcp flags='RST/NONE'/>", "tcp,"UNTAGGED",tcp_flags=-rst\n");
    check("<tcp flags='PSH/NONE'/>", "tcp,"UNTAGGED",tcp_flags=-psh\n");
    check("<tcp flags='ALL/FIN,URG'/>",
          "tcp,"UNTAGGED",tcp_flags=+fin-syn-rst-psh-ack+urg\n");
    check("<tcp flags='NONE/NONE'/>", "tcp,"UNTAGGED"\n");
    /* libvirt's tcp.xml: flags outside the mask never match, as in
     * iptables. */
    check("<tcp flags='SYN/ALL'/>", "<none>\n");
    check("<tcp flags='SYN/SYN,ACK'/>", "<none>\n");

    check("<tcp match='no' flags='SYN,ACK/SYN'/>",
          "tcp,"UNTAGGED"\n"
          "!1 tcp,"UNTAGGED",tcp_flags=+syn-ack\n");
    check("<tcp match='no' flags='SYN/ALL'/>", "tcp,"UNTAGGED"\n");
    check("<tcp match='no' flags='NONE/NONE'/>", "<none>\n");
}

static void
test_port_ranges(void)
{
    check("<udp dstportstart='20' dstportend='22'/>",
          "udp,"UNTAGGED",udp_dst=20/0xfffe\n"
          "udp,"UNTAGGED",udp_dst=22\n");
    check("<udp dstportstart='1' dstportend='65535'/>",
          "udp,"UNTAGGED",udp_dst=1\n"
          "udp,"UNTAGGED",udp_dst=2/0xfffe\n"
          "udp,"UNTAGGED",udp_dst=4/0xfffc\n"
          "udp,"UNTAGGED",udp_dst=8/0xfff8\n"
          "udp,"UNTAGGED",udp_dst=16/0xfff0\n"
          "udp,"UNTAGGED",udp_dst=32/0xffe0\n"
          "udp,"UNTAGGED",udp_dst=64/0xffc0\n"
          "udp,"UNTAGGED",udp_dst=128/0xff80\n"
          "udp,"UNTAGGED",udp_dst=256/0xff00\n"
          "udp,"UNTAGGED",udp_dst=512/0xfe00\n"
          "udp,"UNTAGGED",udp_dst=1024/0xfc00\n"
          "udp,"UNTAGGED",udp_dst=2048/0xf800\n"
          "udp,"UNTAGGED",udp_dst=4096/0xf000\n"
          "udp,"UNTAGGED",udp_dst=8192/0xe000\n"
          "udp,"UNTAGGED",udp_dst=16384/0xc000\n"
          "udp,"UNTAGGED",udp_dst=32768/0x8000\n");
    check("<udp dstportstart='0' dstportend='65535'/>", "udp,"UNTAGGED"\n");
    check("<udp srcportstart='100' srcportend='1111'/>",
          "udp,"UNTAGGED",udp_src=100/0xfffc\n"
          "udp,"UNTAGGED",udp_src=104/0xfff8\n"
          "udp,"UNTAGGED",udp_src=112/0xfff0\n"
          "udp,"UNTAGGED",udp_src=128/0xff80\n"
          "udp,"UNTAGGED",udp_src=256/0xff00\n"
          "udp,"UNTAGGED",udp_src=512/0xfe00\n"
          "udp,"UNTAGGED",udp_src=1024/0xffc0\n"
          "udp,"UNTAGGED",udp_src=1088/0xfff0\n"
          "udp,"UNTAGGED",udp_src=1104/0xfff8\n");
    /* Two ranges: their product, the first field changing slowest. */
    check("<sctp srcportstart='20' srcportend='22' dstportstart='6' "
          "dstportend='7'/>",
          "sctp,"UNTAGGED",sctp_src=20/0xfffe,sctp_dst=6/0xfffe\n"
          "sctp,"UNTAGGED",sctp_src=22,sctp_dst=6/0xfffe\n");
    check("<sctp srcportstart='1' srcportend='2' dstportstart='5' "
          "dstportend='6'/>",
          "sctp,"UNTAGGED",sctp_src=1,sctp_dst=5\n"
          "sctp,"UNTAGGED",sctp_src=1,sctp_dst=6\n"
          "sctp,"UNTAGGED",sctp_src=2,sctp_dst=5\n"
          "sctp,"UNTAGGED",sctp_src=2,sctp_dst=6\n");
    check_mirrored("<udp srcportstart='20' srcportend='22'/>",
                   "udp,"UNTAGGED",udp_dst=20/0xfffe\n"
                   "udp,"UNTAGGED",udp_dst=22\n");
    /* An end without its start means nothing. */
    check("<udp srcportend='22'/>", "udp,"UNTAGGED"\n");
    check_error("<udp dstportstart='22' dstportend='20'/>",
                "<udp> attribute 'dstportend' value '20': the end of the "
                "range is below its start, 'dstportstart'", NULL);
}

static void
test_port_negation(void)
{
    /* libvirt ties the negation of every port to srcportstart: without
     * it, dstportstart is positive. */
    check("<tcp match='no' dstportstart='22'/>",
          "tcp,"UNTAGGED",tcp_dst=22\n");
    /* With it, each range is one exclusion. */
    check("<tcp match='no' srcportstart='1024' srcportend='65535' "
          "dstportstart='22'/>",
          "tcp,"UNTAGGED"\n"
          "!1 tcp,"UNTAGGED",tcp_src=1024/0xfc00\n"
          "!1 tcp,"UNTAGGED",tcp_src=2048/0xf800\n"
          "!1 tcp,"UNTAGGED",tcp_src=4096/0xf000\n"
          "!1 tcp,"UNTAGGED",tcp_src=8192/0xe000\n"
          "!1 tcp,"UNTAGGED",tcp_src=16384/0xc000\n"
          "!1 tcp,"UNTAGGED",tcp_src=32768/0x8000\n"
          "!2 tcp,"UNTAGGED",tcp_dst=22\n");
    check_mirrored("<udp match='no' srcportstart='53'/>",
                   "udp,"UNTAGGED"\n"
                   "!1 udp,"UNTAGGED",udp_dst=53\n");
}

static void
test_ip_ranges(void)
{
    check("<tcp srcipfrom='10.0.0.1' srcipto='10.0.0.6'/>",
          "tcp,"UNTAGGED",nw_src=10.0.0.1\n"
          "tcp,"UNTAGGED",nw_src=10.0.0.2/31\n"
          "tcp,"UNTAGGED",nw_src=10.0.0.4/31\n"
          "tcp,"UNTAGGED",nw_src=10.0.0.6\n");
    check("<udp dstipfrom='10.0.0.0' dstipto='10.0.0.255'/>",
          "udp,"UNTAGGED",nw_dst=10.0.0.0/24\n");
    check_mirrored("<udp dstipfrom='10.0.0.0' dstipto='10.0.0.255'/>",
                   "udp,"UNTAGGED",nw_src=10.0.0.0/24\n");
    /* From alone is one address; to alone is ignored, as in libvirt. */
    check("<all srcipfrom='10.0.0.1'/>", "ip,"UNTAGGED",nw_src=10.0.0.1\n");
    check("<all srcipto='10.0.0.1' dstipto='10.0.0.2'/>", "ip,"UNTAGGED"\n");
    /* With an address and mask too: both. */
    check("<all srcipaddr='10.0.0.0' srcipmask='8' srcipfrom='9.255.255.255' "
          "srcipto='10.0.0.3'/>",
          "ip,"UNTAGGED",nw_src=10.0.0.0/30\n");
    check("<all srcipaddr='11.0.0.0' srcipmask='8' srcipfrom='10.0.0.1' "
          "srcipto='10.0.0.3'/>", "<none>\n");
    check_error("<all dstipfrom='10.0.0.2' dstipto='10.0.0.1'/>",
                "attribute 'dstipto' value '10.0.0.1'", NULL);

    /* IPv6. */
    check("<tcp-ipv6 srcipfrom='::1' srcipto='::3' dstipfrom='a::' "
          "dstipto='a::ffff'/>",
          "tcp6,"UNTAGGED",ipv6_src=::1,ipv6_dst=a::/112\n"
          "tcp6,"UNTAGGED",ipv6_src=::2/127,ipv6_dst=a::/112\n");
    check("<all-ipv6 srcipfrom='::' srcipto='ffff:ffff:ffff:ffff:ffff:ffff:"
          "ffff:ffff'/>", "ipv6,"UNTAGGED"\n");
    check("<all-ipv6 srcipfrom='8000::' srcipto='ffff:ffff:ffff:ffff:ffff:"
          "ffff:ffff:ffff'/>", "ipv6,"UNTAGGED",ipv6_src=8000::/1\n");
    /* Across the 64-bit halves. */
    check("<all-ipv6 srcipfrom='::ffff:ffff:ffff:fffe' "
          "srcipto='0:0:0:1::1'/>",
          "ipv6,"UNTAGGED",ipv6_src=::ffff:ffff:ffff:fffe/127\n"
          "ipv6,"UNTAGGED",ipv6_src=0:0:0:1::/127\n");
    /* The worst case: one prefix per length. */
    char *got = match_text("<all-ipv6 srcipfrom='::' srcipto='7fff:ffff:"
                           "ffff:ffff:ffff:ffff:ffff:fffe'/>", WRITTEN,
                           true);
    struct svec lines;
    svec_init(&lines);
    svec_parse_words(&lines, got);
    CU_ASSERT_EQUAL(lines.n, 127);
    if (lines.n == 127) {
        CU_ASSERT_STRING_EQUAL(lines.names[0],
                               "ipv6,"UNTAGGED",ipv6_src=::/2");
        CU_ASSERT_STRING_EQUAL(lines.names[1],
                               "ipv6,"UNTAGGED",ipv6_src=4000::/3");
        CU_ASSERT_STRING_EQUAL(lines.names[95],
                               "ipv6,"UNTAGGED",ipv6_src=7fff:ffff:ffff:"
                               "ffff:ffff:ffff::/97");
        CU_ASSERT_STRING_EQUAL(lines.names[126],
                               "ipv6,"UNTAGGED",ipv6_src=7fff:ffff:ffff:"
                               "ffff:ffff:ffff:ffff:fffe");
    }
    svec_destroy(&lines);
    free(got);

    /* Too many matches. */
    check_error("<all-ipv6 srcipfrom='::1' srcipto='ffff::fffe' "
                "dstipfrom='::1' dstipto='ffff::fffe'/>",
                "<all-ipv6>", "more than 4096", NULL);
}

static void
test_ip_range_negation(void)
{
    /* Inside one prefix: an exclusion that refines it. */
    check("<tcp srcipaddr='10.0.0.0' srcipmask='24'/>"
          "<tcp match='no' srcipfrom='10.0.0.1' srcipto='10.0.0.2'/>",
          "tcp,"UNTAGGED",nw_src=10.0.0.0/24\n"
          "!1 tcp,"UNTAGGED",nw_src=10.0.0.1\n"
          "!1 tcp,"UNTAGGED",nw_src=10.0.0.2\n");
    /* Limited to what the rule matches. */
    check("<tcp srcipaddr='10.0.0.0' srcipmask='30'/>"
          "<tcp match='no' srcipfrom='10.0.0.2' srcipto='10.0.0.9'/>",
          "tcp,"UNTAGGED",nw_src=10.0.0.0/30\n"
          "!1 tcp,"UNTAGGED",nw_src=10.0.0.2/31\n");
    /* Outside it: nothing to exclude. */
    check("<tcp srcipaddr='10.0.0.0' srcipmask='24'/>"
          "<tcp match='no' srcipfrom='10.1.0.1' srcipto='10.1.0.2'/>",
          "tcp,"UNTAGGED",nw_src=10.0.0.0/24\n");
    /* The rule's own range is several prefixes: the exclusion is
     * folded into it. */
    check("<tcp srcipfrom='10.0.0.1' srcipto='10.0.0.6'/>"
          "<tcp match='no' srcipaddr='10.0.0.4' srcipmask='31'/>",
          "tcp,"UNTAGGED",nw_src=10.0.0.1\n"
          "tcp,"UNTAGGED",nw_src=10.0.0.2/31\n"
          "tcp,"UNTAGGED",nw_src=10.0.0.6\n");
    check("<tcp srcipfrom='10.0.0.1' srcipto='10.0.0.6'/>"
          "<tcp match='no' srcipaddr='10.0.0.0' srcipmask='24'/>",
          "<none>\n");
    /* A negated range alone. */
    check_mirrored("<udp match='no' srcipfrom='10.0.0.1' "
                   "srcipto='10.0.0.2'/>",
                   "udp,"UNTAGGED"\n"
                   "!1 udp,"UNTAGGED",nw_dst=10.0.0.1\n"
                   "!1 udp,"UNTAGGED",nw_dst=10.0.0.2\n");
}

static void
test_ip_layer_protocols(void)
{
    check("<udp srcipaddr='1.2.3.4' dstportstart='53'/>",
          "udp,"UNTAGGED",nw_src=1.2.3.4,udp_dst=53\n");
    check("<sctp srcportstart='5' dscp='10'/>",
          "sctp,"UNTAGGED",ip_dscp=10,sctp_src=5\n");
    check("<udplite srcipaddr='1.2.3.4'/>",
          "ip,"UNTAGGED",nw_src=1.2.3.4,nw_proto=136\n");
    check("<esp dstipaddr='1.2.3.4'/>",
          "ip,"UNTAGGED",nw_dst=1.2.3.4,nw_proto=50\n");
    check("<ah/>", "ip,"UNTAGGED",nw_proto=51\n");
    check("<igmp/>", "ip,"UNTAGGED",nw_proto=2\n");
    check("<all/>", "ip,"UNTAGGED"\n");
    check("<all match='no' srcipaddr='1.2.3.4'/>",
          "ip,"UNTAGGED"\n"
          "!1 ip,"UNTAGGED",nw_src=1.2.3.4\n");

    check("<tcp-ipv6 dstportstart='22'/>", "tcp6,"UNTAGGED",tcp_dst=22\n");
    check("<udp-ipv6 srcportstart='546'/>", "udp6,"UNTAGGED",udp_src=546\n");
    check("<sctp-ipv6 dstportstart='7'/>", "sctp6,"UNTAGGED",sctp_dst=7\n");
    check("<udplite-ipv6/>", "ipv6,"UNTAGGED",nw_proto=136\n");
    check("<esp-ipv6/>", "ipv6,"UNTAGGED",nw_proto=50\n");
    check("<ah-ipv6/>", "ipv6,"UNTAGGED",nw_proto=51\n");
    check("<all-ipv6/>", "ipv6,"UNTAGGED"\n");

    /* libvirt's all-ipv6.xml. */
    const char *a = "<all-ipv6 srcmacaddr='1:2:3:4:5:6' "
        "dstipaddr='a:b:c::d:e:f' dstipmask='128' srcipaddr='f:e:d::c:b:a' "
        "srcipmask='127' dscp='2'/>";
    check(a, "ipv6,"UNTAGGED",dl_src=01:02:03:04:05:06,"
          "ipv6_src=f:e:d::c:b:a/127,ipv6_dst=a:b:c::d:e:f,ip_dscp=2\n");
    check_opts(a, MIRRORED, false,
               "ipv6,"UNTAGGED",ipv6_src=a:b:c::d:e:f,"
               "ipv6_dst=f:e:d::c:b:a/127,ip_dscp=2\n");
}

static void
test_icmp(void)
{
    /* libvirt's icmp.xml. */
    check("<icmp srcmacaddr='1:2:3:4:5:6' dstipaddr='10.1.2.3' "
          "dstipmask='255.255.255.255' dscp='2' type='12' code='11'/>",
          "icmp,"UNTAGGED",dl_src=01:02:03:04:05:06,nw_dst=10.1.2.3,"
          "ip_dscp=2,icmp_type=12,icmp_code=11\n");
    check("<icmp srcipaddr='10.1.2.3' srcipmask='22' dscp='33' type='255' "
          "code='255'/>",
          "icmp,"UNTAGGED",nw_src=10.1.0.0/22,ip_dscp=33,icmp_type=255,"
          "icmp_code=255\n");
    /* Type and code are not swapped in the mirrored copy. */
    check_mirrored("<icmp type='8'/>", "icmp,"UNTAGGED",icmp_type=8\n");
    /* A code alone is matched (libvirt drops it). */
    check("<icmp code='3'/>", "icmp,"UNTAGGED",icmp_code=3\n");
    /* "! --icmp-type 8/0": type and code excluded together. */
    check("<icmp match='no' type='8' code='0'/>",
          "icmp,"UNTAGGED"\n"
          "!1 icmp,"UNTAGGED",icmp_type=8,icmp_code=0\n");

    /* libvirt's icmpv6.xml. */
    check("<icmpv6 srcmacaddr='1:2:3:4:5:6' dstipaddr='a:b:c::d:e:f' "
          "dstipmask='128' srcipaddr='f:e:d::c:b:a' srcipmask='127' "
          "dscp='2' type='12' code='11'/>",
          "icmp6,"UNTAGGED",dl_src=01:02:03:04:05:06,"
          "ipv6_src=f:e:d::c:b:a/127,ipv6_dst=a:b:c::d:e:f,ip_dscp=2,"
          "icmpv6_type=12,icmpv6_code=11\n");
    check("<icmpv6 srcipaddr='::ffff:10.1.2.3' srcipmask='128' type='135'/>",
          "icmp6,"UNTAGGED",ipv6_src=::ffff:10.1.2.3,icmpv6_type=135\n");
    check("<icmpv6 match='no' type='128'/>",
          "icmp6,"UNTAGGED"\n"
          "!1 icmp6,"UNTAGGED",icmpv6_type=128\n");
}

/* Attributes that OpenFlow cannot match are errors naming them. */
static void
test_unsupported(void)
{
    check_error("<tcp option='2'/>",
                "<tcp> attribute 'option' value '2': cannot be matched: "
                "OpenFlow in Open vSwitch has no field for TCP options",
                NULL);
    check_error("<tcp-ipv6 option='2'/>", "<tcp-ipv6> attribute 'option'",
                "TCP options", NULL);
    check_error("<udp connlimit-above='10'/>",
                "<udp> attribute 'connlimit-above' value '10': cannot be "
                "matched", "connection counts", NULL);
    check_error("<all ipset='blacklist' ipsetflags='src,dst'/>",
                "<all> attribute 'ipset' value 'blacklist': cannot be "
                "matched", "IP sets",
                "<all> attribute 'ipsetflags' value 'src,dst'", NULL);
    check_error("<all-ipv6 ipset='x'/>", "<all-ipv6> attribute 'ipset'",
                NULL);
    /* Every problem of the rule is reported. */
    check_error("<tcp option='2' connlimit-above='1' ipset='s'/>",
                "'option'", "'connlimit-above'", "'ipset'", NULL);
}

/* Every attribute of every element, with some value: the result either
 * parses with ovs-ofctl (match_text checks) or is an error naming the
 * attribute. */
static void
test_every_attribute(void)
{
    for (int id = 1; id < NWF_N_PROTOS; id++) {
        const struct nwf_proto *proto = nwf_proto_by_id(id);
        for (size_t i = 0; i < proto->n_attrs; i++) {
            const struct nwf_attr_desc *d = &proto->attrs[i];
            struct ds xml = DS_EMPTY_INITIALIZER;

            ds_put_format(&xml, "<%s ", proto->name);
            if (d->pair != NWF_ATTR_NONE) {
                const struct nwf_attr_desc *base
                    = &proto->attrs[nwf_proto_attr_index(proto, d->pair)];
                ds_put_format(&xml, "%s='%s' ", base->name,
                              base->type == NWF_TYPE_MAC ? "1:2:3:4:5:6"
                              : base->type == NWF_TYPE_IPV4 ? "10.0.0.1"
                              : base->type == NWF_TYPE_IPV6 ? "1::1"
                              : base->type == NWF_TYPE_IPSET ? "s" : "1");
            }
            if (proto->ports_need_protocol
                && (d->field == NWF_FIELD_L4_SRC
                    || d->field == NWF_FIELD_L4_DST
                    || d->pair == NWF_ATTR_SRCPORTSTART
                    || d->pair == NWF_ATTR_DSTPORTSTART)) {
                ds_put_cstr(&xml, "protocol='tcp' ");
            } else if (d->field == NWF_FIELD_ICMP_TYPE
                       || d->field == NWF_FIELD_ICMP_CODE
                       || d->pair == NWF_ATTR_TYPE
                       || d->pair == NWF_ATTR_CODE) {
                if (id == NWF_PROTO_IPV6) {
                    ds_put_cstr(&xml, "protocol='icmpv6' ");
                }
            }

            const char *value;
            switch (d->type) {
            case NWF_TYPE_MAC: value = "1:2:3:4:5:6"; break;
            case NWF_TYPE_MAC_MASK: value = "ff:ff:ff:ff:ff:0"; break;
            case NWF_TYPE_IPV4: value = "10.0.0.9"; break;
            case NWF_TYPE_IPV6: value = "1::9"; break;
            case NWF_TYPE_IPV4_MASK: value = "24"; break;
            case NWF_TYPE_IPV6_MASK: value = "64"; break;
            case NWF_TYPE_BOOLEAN: value = "false"; break;
            case NWF_TYPE_COMMENT: value = "c"; break;
            case NWF_TYPE_ETHERTYPE: value = "0x1234"; break;
            case NWF_TYPE_STATE: value = "NEW"; break;
            case NWF_TYPE_TCP_FLAGS: value = "SYN,ACK/SYN"; break;
            case NWF_TYPE_IPSET: value = "s"; break;
            case NWF_TYPE_IPSETFLAGS: value = "src"; break;
            case NWF_TYPE_UINT8:
            case NWF_TYPE_UINT16:
            case NWF_TYPE_UINT32:
            case NWF_TYPE_ARP_OPCODE:
            case NWF_TYPE_IP_PROTOCOL:
            default:
                value = "9";
                break;
            }
            ds_put_format(&xml, "%s='%s'/>", d->name, value);

            char *got = match_text(ds_cstr(&xml), WRITTEN, true);
            char *name = xasprintf("attribute '%s'", d->name);
            bool ok = (!strncmp(got, "error: ", 7) ? strstr(got, name) != NULL
                       : got[0] && !strstr(got, "error"));
            if (!ok) {
                fprintf(stderr, "\n%s: %s", ds_cstr(&xml), got);
            }
            CU_ASSERT(ok);
            /* Which attributes are errors is the table's say. */
            bool error = !strncmp(got, "error: ", 7);
            bool expect_error = (d->field >= NWF_FIELD_NO_IPSET
                                 || d->field == NWF_FIELD_ARP_HTYPE
                                 || d->field == NWF_FIELD_ARP_PTYPE
                                 || (d->pair == NWF_ATTR_IPSET));
            if (error != expect_error) {
                fprintf(stderr, "\n%s: %s", ds_cstr(&xml), got);
            }
            CU_ASSERT_EQUAL(error, expect_error);
            free(name);
            free(got);
            ds_destroy(&xml);
        }
    }
}

static void
test_diag_location(void)
{
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_filter *filter = parse_rules(
        "<rule action='drop' direction='in'>\n"
        "  <tcp option='2'/>\n"
        "</rule>", &diag);
    CU_ASSERT_PTR_NOT_NULL_FATAL(filter);

    const struct nwf_match_options opts = { NWF_MATCH_AS_WRITTEN, true };
    const struct nwf_diag_loc loc = { .file = "port vnet0, filter t" };
    struct nwf_rule_match m;
    nwf_rule_match_init(&m);
    CU_ASSERT_FALSE(nwf_match_rule(filter->entries[0].rule, &opts, &m, &loc,
                                   &diag));
    CU_ASSERT_STRING_EQUAL(nwf_diag_text(&diag),
                           "port vnet0, filter t:1: <tcp> attribute "
                           "'option' value '2': cannot be matched: "
                           "OpenFlow in Open vSwitch has no field for TCP "
                           "options");

    /* The same 'out' can be used again. */
    nwf_diag_clear(&diag);
    nwf_rule_destroy(filter->entries[0].rule);
    filter->entries[0].rule = nwf_rule_create(nwf_proto_by_id(NWF_PROTO_ALL));
    CU_ASSERT_TRUE(nwf_match_rule(filter->entries[0].rule, &opts, &m, &loc,
                                  &diag));
    CU_ASSERT_EQUAL(m.alternatives.n, 1);
    CU_ASSERT_TRUE(nwf_match_rule(filter->entries[0].rule, &opts, &m, &loc,
                                  &diag));
    CU_ASSERT_EQUAL(m.alternatives.n, 1);
    nwf_rule_match_destroy(&m);
    nwf_filter_destroy(filter);
    nwf_diag_destroy(&diag);
}

/* Every row of the descriptor table says how it is matched: a row that
 * completes another is matched with it, any other row but a comment has
 * a field or treatment of its own. */
static void
test_table_fields(void)
{
    for (int id = 0; id < NWF_N_PROTOS; id++) {
        const struct nwf_proto *proto = nwf_proto_by_id(id);
        for (size_t i = 0; i < proto->n_attrs; i++) {
            const struct nwf_attr_desc *d = &proto->attrs[i];
            bool unsupported = d->field >= NWF_FIELD_NO_IPSET;
            bool ok = (d->pair != NWF_ATTR_NONE
                       ? d->field == NWF_FIELD_NONE || unsupported
                       : d->id == NWF_ATTR_COMMENT
                       ? d->field == NWF_FIELD_NONE
                       : d->field != NWF_FIELD_NONE);
            if (!ok) {
                fprintf(stderr, "\n<%s> %s: field %d\n", proto->name,
                        d->name, d->field);
            }
            CU_ASSERT(ok);
        }
    }
}

/* The join check itself catches ovs-ofctl overwriting a field. */
static void
test_join_checker(void)
{
    struct match a, b, joined;

    CU_ASSERT_TRUE(ofctl_parse("vlan_tci=0x1000/0x1000", &a));
    CU_ASSERT_TRUE(ofctl_parse("dl_vlan=5", &b));
    CU_ASSERT_TRUE(ofctl_parse("vlan_tci=0x1000/0x1000,dl_vlan=5", &joined));
    CU_ASSERT_TRUE(is_intersection(&joined, &a, &b));
    CU_ASSERT_TRUE(ofctl_parse("dl_vlan=5,vlan_tci=0x1000/0x1000", &joined));
    CU_ASSERT_FALSE(is_intersection(&joined, &b, &a));

    CU_ASSERT_TRUE(ofctl_parse("ip,nw_src=10.0.0.0/8", &a));
    CU_ASSERT_TRUE(ofctl_parse("ip,nw_src=10.1.0.0/16", &b));
    CU_ASSERT_TRUE(ofctl_parse("ip,nw_src=10.0.0.0/8,ip,nw_src=10.1.0.0/16",
                               &joined));
    CU_ASSERT_TRUE(is_intersection(&joined, &a, &b));
    CU_ASSERT_TRUE(ofctl_parse("ip,nw_src=10.1.0.0/16,ip,nw_src=10.0.0.0/8",
                               &joined));
    CU_ASSERT_FALSE(is_intersection(&joined, &b, &a));
}

static const struct nwf_unit_test match_tests[] = {
    { "descriptor table fields", test_table_fields },
    { "join checker", test_join_checker },
    { "no protocol", test_none },
    { "mac", test_mac },
    { "mac mirrored", test_mac_mirrored },
    { "mac negated", test_mac_negation },
    { "vlan", test_vlan },
    { "stp", test_stp },
    { "stp BPDU fields", test_stp_unsupported },
    { "arp", test_arp },
    { "rarp", test_rarp },
    { "arp gratuitous", test_arp_gratuitous },
    { "ip", test_ip },
    { "ip negated", test_ip_negation },
    { "ipv6", test_ipv6 },
    { "ipv6 icmp type and code ranges", test_ipv6_icmp },
    { "tcp", test_tcp },
    { "tcp flags", test_tcp_flags },
    { "port ranges", test_port_ranges },
    { "port negation", test_port_negation },
    { "ip ranges", test_ip_ranges },
    { "ip range negation", test_ip_range_negation },
    { "ip layer protocols", test_ip_layer_protocols },
    { "icmp and icmpv6", test_icmp },
    { "unsupported attributes", test_unsupported },
    { "every attribute of every element", test_every_attribute },
    { "diagnostic location", test_diag_location },
    { NULL, NULL },
};

NWF_UNIT_SUITE(match, match_tests);
