/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* The protocol descriptor table (compiler/nwf-proto.c): consistency of the
 * rows, and parsing and formatting single values the way the resolver
 * does after substituting a variable. */

#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "nwf-proto.h"
#include "nwf-unit.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

static void
test_table_consistency(void)
{
    for (int id = 0; id < NWF_N_PROTOS; id++) {
        const struct nwf_proto *proto = nwf_proto_by_id(id);
        CU_ASSERT_EQUAL(proto->id, id);
        if (id == NWF_PROTO_NONE) {
            CU_ASSERT_EQUAL(proto->n_attrs, 0);
            CU_ASSERT_PTR_NULL(nwf_proto_by_name(proto->name));
            continue;
        }
        CU_ASSERT_PTR_EQUAL(nwf_proto_by_name(proto->name), proto);

        for (size_t i = 0; i < proto->n_attrs; i++) {
            const struct nwf_attr_desc *d = &proto->attrs[i];
            CU_ASSERT_PTR_NOT_NULL_FATAL(d->name);
            CU_ASSERT_STRING_EQUAL(d->name, nwf_attr_name(d->id));
            CU_ASSERT_PTR_EQUAL(nwf_proto_find_attr(proto, d->name), d);
            CU_ASSERT_EQUAL(nwf_proto_attr_index(proto, d->id), (int) i);
            /* Paired and negation-source attributes exist in the same
             * element. */
            if (d->pair != NWF_ATTR_NONE) {
                CU_ASSERT(nwf_proto_attr_index(proto, d->pair) >= 0);
            }
            if (d->neg_from != NWF_ATTR_NONE) {
                CU_ASSERT(nwf_proto_attr_index(proto, d->neg_from) >= 0);
            }
        }
        /* Every element takes a comment, as its last attribute. */
        CU_ASSERT_EQUAL(proto->attrs[proto->n_attrs - 1].id,
                        NWF_ATTR_COMMENT);
    }

    CU_ASSERT_EQUAL(nwf_proto_by_name("tcp")->layer, NWF_LAYER_IPV4);
    CU_ASSERT_EQUAL(nwf_proto_by_name("tcp")->ip_proto, 6);
    CU_ASSERT_EQUAL(nwf_proto_by_name("icmpv6")->layer, NWF_LAYER_IPV6);
    CU_ASSERT_EQUAL(nwf_proto_by_name("icmpv6")->eth_type, 0x86dd);
    CU_ASSERT_EQUAL(nwf_proto_by_name("arp")->eth_type, 0x0806);
    CU_ASSERT_EQUAL(nwf_proto_by_name("ip")->layer, NWF_LAYER_ETH);
    CU_ASSERT_PTR_NULL(nwf_proto_by_name("igmp-ipv6"));
    CU_ASSERT_PTR_NULL(nwf_proto_find_attr(nwf_proto_by_name("tcp-ipv6"),
                                           "flags"));
    CU_ASSERT_PTR_NULL(nwf_proto_find_attr(nwf_proto_by_name("ipv6"),
                                           "dscp"));
}

/* Parses 'text' as attribute 'attr' of element 'element' and checks that
 * it formats as 'expected' (NULL: must be rejected). */
static void
check_value(const char *element, const char *attr, const char *text,
            const char *expected)
{
    const struct nwf_proto *proto = nwf_proto_by_name(element);
    CU_ASSERT_PTR_NOT_NULL_FATAL(proto);
    const struct nwf_attr_desc *desc = nwf_proto_find_attr(proto, attr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(desc);

    struct nwf_value value;
    char *error = nwf_value_parse(desc, text, &value);
    if (!expected) {
        CU_ASSERT_PTR_NOT_NULL(error);
        if (!error) {
            fprintf(stderr, "\n%s %s='%s' accepted\n", element, attr, text);
            nwf_value_destroy(desc, &value);
        }
        free(error);
        return;
    }

    CU_ASSERT_PTR_NULL(error);
    if (error) {
        fprintf(stderr, "\n%s %s='%s': %s\n", element, attr, text, error);
        free(error);
        return;
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    nwf_value_format(desc, &value, &s);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&s), expected);

    struct nwf_value copy;
    nwf_value_clone(desc, &copy, &value);
    CU_ASSERT(nwf_value_equal(desc, &copy, &value));
    nwf_value_destroy(desc, &copy);
    nwf_value_destroy(desc, &value);
    ds_destroy(&s);
}

static void
test_value_numbers(void)
{
    check_value("tcp", "dstportstart", "80", "80");
    check_value("tcp", "dstportstart", "0x50", "0x50");
    check_value("tcp", "dstportstart", "ffff", "0xffff");
    check_value("tcp", "dstportstart", " 22", "22");
    check_value("tcp", "dstportstart", "65536", NULL);
    check_value("tcp", "dstportstart", "-1", NULL);
    check_value("tcp", "dstportstart", "", NULL);
    check_value("tcp", "dstportstart", "22x", NULL);
    check_value("tcp", "dstportstart", "0x", NULL);
    check_value("tcp", "connlimit-above", "10", "10");
    check_value("tcp", "connlimit-above", "a", NULL);
    check_value("ip", "dscp", "63", "63");
    check_value("ip", "dscp", "0x3f", "0x3f");
    check_value("ip", "dscp", "64", NULL);
    check_value("stp", "root-cost", "4294967295", "4294967295");
    check_value("stp", "root-cost", "4294967296", NULL);
    check_value("icmp", "code", "255", "255");
    check_value("icmp", "code", "256", NULL);
}

static void
test_value_names(void)
{
    check_value("mac", "protocolid", "ARP", "arp");
    check_value("mac", "protocolid", "0x8035", "rarp");
    check_value("mac", "protocolid", "0x1234", "0x1234");
    check_value("mac", "protocolid", "0x5ff", NULL);
    check_value("mac", "protocolid", "ip", NULL);
    check_value("ip", "protocol", "TCP", "tcp");
    check_value("ip", "protocol", "1", "icmp");
    check_value("ip", "protocol", "0x11", "udp");
    check_value("ip", "protocol", "99", "99");
    check_value("ip", "protocol", "0x63", "0x63");
    check_value("ip", "protocol", "dccp", NULL);
    check_value("arp", "opcode", "InARP_Request", "InARP_Request");
    check_value("arp", "opcode", "arp_nak", "ARP_NAK");
    check_value("arp", "opcode", "0xff", "255");
    check_value("arp", "opcode", "Bogus", NULL);
}

static void
test_value_addresses(void)
{
    check_value("mac", "srcmacaddr", "AA:bb:0:1:2:3", "aa:bb:00:01:02:03");
    check_value("mac", "srcmacaddr", "aa:bb:cc:dd:ee:ff ",
                "aa:bb:cc:dd:ee:ff");
    check_value("mac", "srcmacaddr", "aa:bb:cc:dd:ee:ff:00", NULL);
    check_value("mac", "srcmacaddr", "aa:bb:cc:dd:ee:", NULL);
    check_value("mac", "srcmacmask", "ff:ff:ff:00:00:00", "ff:ff:ff:00:00:00");
    check_value("mac", "srcmacmask", "00:00:00:00:00:00", "00:00:00:00:00:00");
    check_value("mac", "srcmacmask", "ff:ff:ff:00:00:01", NULL);
    check_value("tcp", "srcipaddr", "10.1.2.3", "10.1.2.3");
    check_value("tcp", "srcipaddr", "10.1", "10.0.0.1");
    check_value("tcp", "srcipaddr", "0x0a000002", "10.0.0.2");
    check_value("tcp", "srcipaddr", "10.1.2.3 ", NULL);
    check_value("tcp", "srcipaddr", "::1", NULL);
    check_value("tcp", "srcipmask", "24", "24");
    check_value("tcp", "srcipmask", "255.255.255.0", "24");
    check_value("tcp", "srcipmask", "0.0.0.0", "0");
    check_value("tcp", "srcipmask", "255.255.0.255", NULL);
    check_value("tcp-ipv6", "srcipaddr", "::FFFF:10.1.2.3", "::ffff:10.1.2.3");
    check_value("tcp-ipv6", "srcipaddr", "10.1.2.3", NULL);
    check_value("tcp-ipv6", "srcipmask", "128", "128");
    check_value("tcp-ipv6", "srcipmask", "ffff:ffff:ffff:ffff:ffff:ffff:"
                "ffff:8000", "113");
    check_value("tcp-ipv6", "srcipmask", "129", NULL);
    check_value("tcp-ipv6", "dstipto", "::2", "::2");
}

static void
test_value_lists(void)
{
    check_value("tcp", "state", "ESTABLISHED,NEW", "NEW,ESTABLISHED");
    check_value("tcp", "state", " related , invalid ", "RELATED,INVALID");
    check_value("tcp", "state", "NEW,NONE", "NONE");
    check_value("tcp", "state", "NEW,OLD", NULL);
    check_value("tcp", "flags", "SYN,ACK/SYN", "SYN,ACK/SYN");
    check_value("tcp", "flags", "NONE/NONE", "NONE/NONE");
    check_value("tcp", "flags", "URG,PSH,FIN/RST", "FIN,PSH,URG/RST");
    check_value("tcp", "flags", "SYN", NULL);
    check_value("all", "ipsetflags", "src", "src");
    check_value("all", "ipsetflags", "DST,src,Dst", "dst,src,dst");
    check_value("all", "ipsetflags", "src,dst,src,dst,src,dst",
                "src,dst,src,dst,src,dst");
    check_value("all", "ipsetflags", "src,dst,src,dst,src,dst,src", NULL);
    check_value("all", "ipsetflags", "src,", NULL);
    check_value("all", "ipsetflags", "", NULL);
    check_value("all", "ipset", "my set_1.2:3-4+5", "my set_1.2:3-4+5");
    check_value("all", "ipset", "0123456789012345678901234567890",
                "0123456789012345678901234567890");
    check_value("all", "ipset", "01234567890123456789012345678901", NULL);
    check_value("all", "ipset", "a/b", NULL);
    check_value("arp", "gratuitous", "1", "true");
    check_value("arp", "gratuitous", "TRUE", "false");
    check_value("tcp", "comment", "", "");
}

static const struct nwf_unit_test proto_tests[] = {
    { "table consistency", test_table_consistency },
    { "numbers", test_value_numbers },
    { "named numbers", test_value_names },
    { "addresses and masks", test_value_addresses },
    { "lists, flags, ipset, boolean", test_value_lists },
    { NULL, NULL },
};

NWF_UNIT_SUITE(proto, proto_tests);
