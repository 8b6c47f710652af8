/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-proto.h"

#include <stdlib.h>
#include <string.h>

#include "openvswitch/util.h"
#include "ovs-thread.h"
#include "packets.h"
#include "util.h"

/* Attribute names, indexed by enum nwf_attr_id. */
static const char *const attr_names[NWF_N_ATTRS] = {
    [NWF_ATTR_SRCMACADDR] = "srcmacaddr",
    [NWF_ATTR_SRCMACMASK] = "srcmacmask",
    [NWF_ATTR_DSTMACADDR] = "dstmacaddr",
    [NWF_ATTR_DSTMACMASK] = "dstmacmask",
    [NWF_ATTR_PROTOCOLID] = "protocolid",
    [NWF_ATTR_VLANID] = "vlanid",
    [NWF_ATTR_ENCAP_PROTOCOL] = "encap-protocol",
    [NWF_ATTR_TYPE] = "type",
    [NWF_ATTR_FLAGS] = "flags",
    [NWF_ATTR_ROOT_PRIORITY] = "root-priority",
    [NWF_ATTR_ROOT_PRIORITY_HI] = "root-priority-hi",
    [NWF_ATTR_ROOT_ADDRESS] = "root-address",
    [NWF_ATTR_ROOT_ADDRESS_MASK] = "root-address-mask",
    [NWF_ATTR_ROOT_COST] = "root-cost",
    [NWF_ATTR_ROOT_COST_HI] = "root-cost-hi",
    [NWF_ATTR_SENDER_PRIORITY] = "sender-priority",
    [NWF_ATTR_SENDER_PRIORITY_HI] = "sender-priority-hi",
    [NWF_ATTR_SENDER_ADDRESS] = "sender-address",
    [NWF_ATTR_SENDER_ADDRESS_MASK] = "sender-address-mask",
    [NWF_ATTR_PORT] = "port",
    [NWF_ATTR_PORT_HI] = "port-hi",
    [NWF_ATTR_AGE] = "age",
    [NWF_ATTR_AGE_HI] = "age-hi",
    [NWF_ATTR_MAX_AGE] = "max-age",
    [NWF_ATTR_MAX_AGE_HI] = "max-age-hi",
    [NWF_ATTR_HELLO_TIME] = "hello-time",
    [NWF_ATTR_HELLO_TIME_HI] = "hello-time-hi",
    [NWF_ATTR_FORWARD_DELAY] = "forward-delay",
    [NWF_ATTR_FORWARD_DELAY_HI] = "forward-delay-hi",
    [NWF_ATTR_HWTYPE] = "hwtype",
    [NWF_ATTR_PROTOCOLTYPE] = "protocoltype",
    [NWF_ATTR_OPCODE] = "opcode",
    [NWF_ATTR_ARPSRCMACADDR] = "arpsrcmacaddr",
    [NWF_ATTR_ARPDSTMACADDR] = "arpdstmacaddr",
    [NWF_ATTR_ARPSRCIPADDR] = "arpsrcipaddr",
    [NWF_ATTR_ARPSRCIPMASK] = "arpsrcipmask",
    [NWF_ATTR_ARPDSTIPADDR] = "arpdstipaddr",
    [NWF_ATTR_ARPDSTIPMASK] = "arpdstipmask",
    [NWF_ATTR_GRATUITOUS] = "gratuitous",
    [NWF_ATTR_SRCIPADDR] = "srcipaddr",
    [NWF_ATTR_SRCIPMASK] = "srcipmask",
    [NWF_ATTR_DSTIPADDR] = "dstipaddr",
    [NWF_ATTR_DSTIPMASK] = "dstipmask",
    [NWF_ATTR_SRCIPFROM] = "srcipfrom",
    [NWF_ATTR_SRCIPTO] = "srcipto",
    [NWF_ATTR_DSTIPFROM] = "dstipfrom",
    [NWF_ATTR_DSTIPTO] = "dstipto",
    [NWF_ATTR_PROTOCOL] = "protocol",
    [NWF_ATTR_DSCP] = "dscp",
    [NWF_ATTR_CONNLIMIT_ABOVE] = "connlimit-above",
    [NWF_ATTR_STATE] = "state",
    [NWF_ATTR_IPSET] = "ipset",
    [NWF_ATTR_IPSETFLAGS] = "ipsetflags",
    [NWF_ATTR_SRCPORTSTART] = "srcportstart",
    [NWF_ATTR_SRCPORTEND] = "srcportend",
    [NWF_ATTR_DSTPORTSTART] = "dstportstart",
    [NWF_ATTR_DSTPORTEND] = "dstportend",
    [NWF_ATTR_OPTION] = "option",
    [NWF_ATTR_TYPEEND] = "typeend",
    [NWF_ATTR_CODE] = "code",
    [NWF_ATTR_CODEEND] = "codeend",
    [NWF_ATTR_COMMENT] = "comment",
};

/* Row builders.  ROW(ID, TYPE, FLAGS, MIN, MAX, PAIR, NEG_FROM, FIELD);
 * the name comes from attr_names[] so a row cannot misspell it. */
#define ROW(ID, TYPE, FLAGS, MIN, MAX, PAIR, NEG, FIELD)                \
    { NWF_ATTR_##ID, NULL, NWF_TYPE_##TYPE, FLAGS, MIN, MAX,            \
      NWF_ATTR_##PAIR, NWF_ATTR_##NEG, NWF_FIELD_##FIELD }

/* Plain values that stand alone. */
#define U8(ID, FIELD) \
    ROW(ID, UINT8, NWF_AF_HEX, 0, UINT8_MAX, NONE, NONE, FIELD)
#define U16(ID, FIELD) \
    ROW(ID, UINT16, NWF_AF_HEX, 0, UINT16_MAX, NONE, NONE, FIELD)
#define U32(ID, FIELD) \
    ROW(ID, UINT32, NWF_AF_HEX, 0, UINT32_MAX, NONE, NONE, FIELD)
#define MAC(ID, FIELD) ROW(ID, MAC, 0, 0, 0, NONE, NONE, FIELD)

/* A value completing another one, taking over its negation.  It is
 * matched with the value it completes, so it has no field of its own
 * (FIELD is for attributes that cannot be matched at all). */
#define U8_OF(ID, BASE, FIELD) \
    ROW(ID, UINT8, NWF_AF_HEX, 0, UINT8_MAX, BASE, BASE, FIELD)
#define U16_OF(ID, BASE, FIELD) \
    ROW(ID, UINT16, NWF_AF_HEX, 0, UINT16_MAX, BASE, BASE, FIELD)
#define U32_OF(ID, BASE, FIELD) \
    ROW(ID, UINT32, NWF_AF_HEX, 0, UINT32_MAX, BASE, BASE, FIELD)
#define MACMASK_OF(ID, BASE, FIELD) \
    ROW(ID, MAC_MASK, 0, 0, 0, BASE, BASE, FIELD)

#define COMMENT_ROW ROW(COMMENT, COMMENT, 0, 0, 0, NONE, NONE, NONE)

/* Ethernet addresses of mac, vlan and ip/ipv6 (masks follow addresses). */
#define MAC4_ROWS                                                       \
    MAC(SRCMACADDR, ETH_SRC),                                           \
    MACMASK_OF(SRCMACMASK, SRCMACADDR, NONE),                           \
    MAC(DSTMACADDR, ETH_DST),                                           \
    MACMASK_OF(DSTMACMASK, DSTMACADDR, NONE)

/* The same for arp/rarp and ip/ipv6, where libvirt's fix-up ties no
 * negation together. */
#define MAC4_ROWS_NONEG                                                 \
    MAC(SRCMACADDR, ETH_SRC),                                           \
    ROW(SRCMACMASK, MAC_MASK, 0, 0, 0, SRCMACADDR, NONE, NONE),         \
    MAC(DSTMACADDR, ETH_DST),                                           \
    ROW(DSTMACMASK, MAC_MASK, 0, 0, 0, DSTMACADDR, NONE, NONE)

#define PORT_ROWS_NONEG                                                 \
    U16(SRCPORTSTART, L4_SRC),                                          \
    ROW(SRCPORTEND, UINT16, NWF_AF_HEX, 0, UINT16_MAX,                  \
        SRCPORTSTART, NONE, NONE),                                      \
    U16(DSTPORTSTART, L4_DST),                                          \
    ROW(DSTPORTEND, UINT16, NWF_AF_HEX, 0, UINT16_MAX,                  \
        DSTPORTSTART, NONE, NONE)

/* libvirt ties all port negations to srcportstart in tcp/udp/sctp. */
#define PORT_ROWS                                                       \
    U16(SRCPORTSTART, L4_SRC),                                          \
    ROW(SRCPORTEND, UINT16, NWF_AF_HEX, 0, UINT16_MAX,                  \
        SRCPORTSTART, SRCPORTSTART, NONE),                              \
    ROW(DSTPORTSTART, UINT16, NWF_AF_HEX, 0, UINT16_MAX,                \
        NONE, SRCPORTSTART, L4_DST),                                    \
    ROW(DSTPORTEND, UINT16, NWF_AF_HEX, 0, UINT16_MAX,                  \
        DSTPORTSTART, SRCPORTSTART, NONE)

#define DSCP_ROW ROW(DSCP, UINT8, NWF_AF_HEX, 0, 63, NONE, NONE, IP_DSCP)
#define IP_PROTOCOL_ROW                                                 \
    ROW(PROTOCOL, IP_PROTOCOL, NWF_AF_HEX, 0, UINT8_MAX, NONE, NONE,    \
        IP_PROTO)

/* An address with its prefix length, and an address range. */
#define IPADDR_ROWS(ADDR, MASK, TYPE, MASKTYPE, NEG, FIELD)             \
    ROW(ADDR, TYPE, 0, 0, 0, NONE, NONE, FIELD),                        \
    ROW(MASK, MASKTYPE, 0, 0, 0, ADDR, NEG, NONE)
#define IPRANGE_ROWS(FROM, TO, TYPE, FIELD)                             \
    ROW(FROM, TYPE, 0, 0, 0, NONE, NONE, FIELD),                        \
    ROW(TO, TYPE, 0, 0, 0, FROM, FROM, NONE)

/* Attributes common to the IP-layer elements.  libvirt parses dstipto as
 * IPv4 even in the IPv6 elements; we use the element's family. */
#define IPCOMMON_ROWS(ADDR, MASK)                                       \
    MAC(SRCMACADDR, ETH_SRC),                                           \
    IPADDR_ROWS(SRCIPADDR, SRCIPMASK, ADDR, MASK, SRCIPADDR, IP_SRC),   \
    IPADDR_ROWS(DSTIPADDR, DSTIPMASK, ADDR, MASK, DSTIPADDR, IP_DST),   \
    IPRANGE_ROWS(SRCIPFROM, SRCIPTO, ADDR, IP_SRC),                     \
    IPRANGE_ROWS(DSTIPFROM, DSTIPTO, ADDR, IP_DST),                     \
    DSCP_ROW,                                                           \
    ROW(CONNLIMIT_ABOVE, UINT16, NWF_AF_DEC_ONLY, 0, UINT16_MAX,        \
        NONE, NONE, NO_CONNLIMIT),                                      \
    ROW(STATE, STATE, 0, 0, 0, NONE, NONE, CT_STATE),                   \
    ROW(IPSET, IPSET, 0, 0, 0, NONE, NONE, NO_IPSET),                   \
    ROW(IPSETFLAGS, IPSETFLAGS, 0, 0, 0, IPSET, NONE, NO_IPSET)

#define IPCOMMON4_ROWS IPCOMMON_ROWS(IPV4, IPV4_MASK)
#define IPCOMMON6_ROWS IPCOMMON_ROWS(IPV6, IPV6_MASK)

/* ICMP type and code.  A negated code is excluded together with its
 * type (libvirt's "! --icmp-type T/C"): see nwf-match.c. */
#define ICMP_ROWS                                                       \
    U8(TYPE, ICMP_TYPE),                                                \
    ROW(CODE, UINT8, NWF_AF_HEX, 0, UINT8_MAX, NONE, TYPE, ICMP_CODE)

static struct nwf_attr_desc mac_attrs[] = {
    MAC4_ROWS,
    ROW(PROTOCOLID, ETHERTYPE, NWF_AF_HEX, 0x600, UINT16_MAX, NONE, NONE,
        ETHERTYPE),
    COMMENT_ROW,
};

static struct nwf_attr_desc vlan_attrs[] = {
    MAC4_ROWS,
    ROW(VLANID, UINT16, NWF_AF_HEX, 0, 4095, NONE, NONE, VLAN_TCI),
    ROW(ENCAP_PROTOCOL, ETHERTYPE, NWF_AF_HEX, 0x3c, UINT16_MAX,
        NONE, NONE, ETHERTYPE),
    COMMENT_ROW,
};

/* Spanning tree frames go to 01:80:c2:00:00:00, so there is no dst MAC.
 * OpenFlow has no fields for the BPDU: its values and their "-hi" range
 * ends, addresses and their masks. */
#define STP_RANGE(BITS, ID)                                             \
    U##BITS(ID, NO_STP_BPDU),                                           \
    U##BITS##_OF(ID##_HI, ID, NO_STP_BPDU)
#define STP_ADDRESS(ID)                                                 \
    MAC(ID, NO_STP_BPDU),                                               \
    MACMASK_OF(ID##_MASK, ID, NO_STP_BPDU)

static struct nwf_attr_desc stp_attrs[] = {
    MAC(SRCMACADDR, ETH_SRC),
    MACMASK_OF(SRCMACMASK, SRCMACADDR, NONE),
    U8(TYPE, NO_STP_BPDU),
    U8(FLAGS, NO_STP_BPDU),
    STP_RANGE(16, ROOT_PRIORITY),
    STP_ADDRESS(ROOT_ADDRESS),
    STP_RANGE(32, ROOT_COST),
    STP_RANGE(16, SENDER_PRIORITY),
    STP_ADDRESS(SENDER_ADDRESS),
    STP_RANGE(16, PORT),
    STP_RANGE(16, AGE),
    STP_RANGE(16, MAX_AGE),
    STP_RANGE(16, HELLO_TIME),
    STP_RANGE(16, FORWARD_DELAY),
    COMMENT_ROW,
};

static struct nwf_attr_desc arp_attrs[] = {
    MAC4_ROWS_NONEG,
    U16(HWTYPE, ARP_HTYPE),
    U16(PROTOCOLTYPE, ARP_PTYPE),
    ROW(OPCODE, ARP_OPCODE, NWF_AF_HEX, 0, UINT16_MAX, NONE, NONE, ARP_OP),
    MAC(ARPSRCMACADDR, ARP_SHA),
    MAC(ARPDSTMACADDR, ARP_THA),
    IPADDR_ROWS(ARPSRCIPADDR, ARPSRCIPMASK, IPV4, IPV4_MASK, NONE,
                ARP_SPA),
    IPADDR_ROWS(ARPDSTIPADDR, ARPDSTIPMASK, IPV4, IPV4_MASK, NONE,
                ARP_TPA),
    ROW(GRATUITOUS, BOOLEAN, 0, 0, 0, NONE, NONE, ARP_GRATUITOUS),
    COMMENT_ROW,
};

static struct nwf_attr_desc ip_attrs[] = {
    MAC4_ROWS_NONEG,
    IPADDR_ROWS(SRCIPADDR, SRCIPMASK, IPV4, IPV4_MASK, SRCIPADDR, IP_SRC),
    IPADDR_ROWS(DSTIPADDR, DSTIPMASK, IPV4, IPV4_MASK, DSTIPADDR, IP_DST),
    IP_PROTOCOL_ROW,
    PORT_ROWS_NONEG,
    DSCP_ROW,
    COMMENT_ROW,
};

static struct nwf_attr_desc ipv6_attrs[] = {
    MAC4_ROWS_NONEG,
    IPADDR_ROWS(SRCIPADDR, SRCIPMASK, IPV6, IPV6_MASK, SRCIPADDR, IP_SRC),
    IPADDR_ROWS(DSTIPADDR, DSTIPMASK, IPV6, IPV6_MASK, DSTIPADDR, IP_DST),
    IP_PROTOCOL_ROW,
    PORT_ROWS_NONEG,
    U8(TYPE, ICMP_TYPE),
    U8_OF(TYPEEND, TYPE, NONE),
    ROW(CODE, UINT8, NWF_AF_HEX, 0, UINT8_MAX, NONE, TYPE, ICMP_CODE),
    ROW(CODEEND, UINT8, NWF_AF_HEX, 0, UINT8_MAX, CODE, TYPE, NONE),
    COMMENT_ROW,
};

static struct nwf_attr_desc tcp_attrs[] = {
    IPCOMMON4_ROWS,
    PORT_ROWS,
    U8(OPTION, NO_TCP_OPTION),
    ROW(FLAGS, TCP_FLAGS, 0, 0, 0, NONE, NONE, TCP_FLAGS),
    COMMENT_ROW,
};

static struct nwf_attr_desc udp_attrs[] = {
    IPCOMMON4_ROWS,
    PORT_ROWS,
    COMMENT_ROW,
};

static struct nwf_attr_desc ipcommon4_attrs[] = {
    IPCOMMON4_ROWS,
    COMMENT_ROW,
};

static struct nwf_attr_desc icmp_attrs[] = {
    IPCOMMON4_ROWS,
    ICMP_ROWS,
    COMMENT_ROW,
};

/* libvirt's tcp-ipv6 has no "flags". */
static struct nwf_attr_desc tcp6_attrs[] = {
    IPCOMMON6_ROWS,
    PORT_ROWS,
    U8(OPTION, NO_TCP_OPTION),
    COMMENT_ROW,
};

static struct nwf_attr_desc udp6_attrs[] = {
    IPCOMMON6_ROWS,
    PORT_ROWS,
    COMMENT_ROW,
};

static struct nwf_attr_desc ipcommon6_attrs[] = {
    IPCOMMON6_ROWS,
    COMMENT_ROW,
};

static struct nwf_attr_desc icmp6_attrs[] = {
    IPCOMMON6_ROWS,
    ICMP_ROWS,
    COMMENT_ROW,
};

#define PROTO_DST(ID, NAME, LAYER, ETH, IPP, PORTS, ATTRS, DST)         \
    [NWF_PROTO_##ID] = { NWF_PROTO_##ID, NAME, NWF_LAYER_##LAYER, ETH,  \
                         IPP, PORTS, ATTRS, ARRAY_SIZE(ATTRS), DST }
#define PROTO(ID, NAME, LAYER, ETH, IPP, PORTS, ATTRS)                  \
    PROTO_DST(ID, NAME, LAYER, ETH, IPP, PORTS, ATTRS,                  \
              ETH_ADDR_C(00,00,00,00,00,00))
#define PROTO_NOATTRS(ID, NAME, LAYER)                                  \
    [NWF_PROTO_##ID] = { NWF_PROTO_##ID, NAME, NWF_LAYER_##LAYER, 0,    \
                         0, false, NULL, 0,                             \
                         ETH_ADDR_C(00,00,00,00,00,00) }

static const struct nwf_proto protos[NWF_N_PROTOS] = {
    PROTO_NOATTRS(NONE, "none", ETH),
    PROTO(MAC, "mac", ETH, 0, 0, false, mac_attrs),
    PROTO(VLAN, "vlan", ETH, ETH_TYPE_VLAN_8021Q, 0, false,
          vlan_attrs),
    PROTO_DST(STP, "stp", ETH, 0, 0, false, stp_attrs,
              ETH_ADDR_C(01,80,c2,00,00,00)),
    PROTO(ARP, "arp", ETH, ETH_TYPE_ARP, 0, false, arp_attrs),
    PROTO(RARP, "rarp", ETH, ETH_TYPE_RARP, 0, false, arp_attrs),
    PROTO(IP, "ip", ETH, ETH_TYPE_IP, 0, true, ip_attrs),
    PROTO(IPV6, "ipv6", ETH, ETH_TYPE_IPV6, 0, true, ipv6_attrs),
    PROTO(TCP, "tcp", IPV4, ETH_TYPE_IP, NWF_IPP_TCP, false, tcp_attrs),
    PROTO(UDP, "udp", IPV4, ETH_TYPE_IP, NWF_IPP_UDP, false, udp_attrs),
    PROTO(UDPLITE, "udplite", IPV4, ETH_TYPE_IP, NWF_IPP_UDPLITE, false,
          ipcommon4_attrs),
    PROTO(ESP, "esp", IPV4, ETH_TYPE_IP, NWF_IPP_ESP, false,
          ipcommon4_attrs),
    PROTO(AH, "ah", IPV4, ETH_TYPE_IP, NWF_IPP_AH, false,
          ipcommon4_attrs),
    PROTO(SCTP, "sctp", IPV4, ETH_TYPE_IP, NWF_IPP_SCTP, false,
          udp_attrs),
    PROTO(ICMP, "icmp", IPV4, ETH_TYPE_IP, NWF_IPP_ICMP, false,
          icmp_attrs),
    PROTO(IGMP, "igmp", IPV4, ETH_TYPE_IP, NWF_IPP_IGMP, false,
          ipcommon4_attrs),
    PROTO(ALL, "all", IPV4, ETH_TYPE_IP, 0, false, ipcommon4_attrs),
    PROTO(TCP_IPV6, "tcp-ipv6", IPV6, ETH_TYPE_IPV6, NWF_IPP_TCP, false,
          tcp6_attrs),
    PROTO(UDP_IPV6, "udp-ipv6", IPV6, ETH_TYPE_IPV6, NWF_IPP_UDP, false,
          udp6_attrs),
    PROTO(UDPLITE_IPV6, "udplite-ipv6", IPV6, ETH_TYPE_IPV6, NWF_IPP_UDPLITE,
          false, ipcommon6_attrs),
    PROTO(ESP_IPV6, "esp-ipv6", IPV6, ETH_TYPE_IPV6, NWF_IPP_ESP, false,
          ipcommon6_attrs),
    PROTO(AH_IPV6, "ah-ipv6", IPV6, ETH_TYPE_IPV6, NWF_IPP_AH, false,
          ipcommon6_attrs),
    PROTO(SCTP_IPV6, "sctp-ipv6", IPV6, ETH_TYPE_IPV6, NWF_IPP_SCTP, false,
          udp6_attrs),
    PROTO(ICMPV6, "icmpv6", IPV6, ETH_TYPE_IPV6, NWF_IPP_ICMPV6, false,
          icmp6_attrs),
    PROTO(ALL_IPV6, "all-ipv6", IPV6, ETH_TYPE_IPV6, 0, false,
          ipcommon6_attrs),
};

/* Fills in the 'name' of every row from attr_names[], once, so that a row
 * cannot misspell its name. */
static void
init_attr_names(void)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;
    if (!ovsthread_once_start(&once)) {
        return;
    }
    for (size_t i = 0; i < NWF_N_PROTOS; i++) {
        struct nwf_attr_desc *attrs
            = CONST_CAST(struct nwf_attr_desc *, protos[i].attrs);
        for (size_t j = 0; j < protos[i].n_attrs; j++) {
            attrs[j].name = attr_names[attrs[j].id];
        }
    }
    ovsthread_once_done(&once);
}

/* Returns the descriptor of protocol 'id'. */
const struct nwf_proto *
nwf_proto_by_id(enum nwf_proto_id id)
{
    ovs_assert(id >= 0 && id < NWF_N_PROTOS);
    init_attr_names();
    return &protos[id];
}

/* Returns the descriptor of the protocol element called 'element', or NULL
 * if there is none.  "none" is not an element name: it only names rules
 * without a protocol element. */
const struct nwf_proto *
nwf_proto_by_name(const char *element)
{
    init_attr_names();
    for (size_t i = 1; i < NWF_N_PROTOS; i++) {
        if (!strcmp(protos[i].name, element)) {
            return &protos[i];
        }
    }
    return NULL;
}

/* Returns the XML name of attribute 'id'. */
const char *
nwf_attr_name(enum nwf_attr_id id)
{
    ovs_assert(id >= 0 && id < NWF_N_ATTRS);
    return attr_names[id];
}

/* Returns the index of attribute 'id' in 'proto->attrs', or -1 if the
 * protocol has no such attribute. */
int
nwf_proto_attr_index(const struct nwf_proto *proto, enum nwf_attr_id id)
{
    for (size_t i = 0; i < proto->n_attrs; i++) {
        if (proto->attrs[i].id == id) {
            return i;
        }
    }
    return -1;
}

/* Returns the row of the attribute called 'name' in 'proto', or NULL. */
const struct nwf_attr_desc *
nwf_proto_find_attr(const struct nwf_proto *proto, const char *name)
{
    init_attr_names();
    for (size_t i = 0; i < proto->n_attrs; i++) {
        if (!strcmp(proto->attrs[i].name, name)) {
            return &proto->attrs[i];
        }
    }
    return NULL;
}
