/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-proto.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "openvswitch/dynamic-string.h"
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

/* The IP protocol numbers used below. */
enum {
    IPP_ICMP = 1, IPP_IGMP = 2, IPP_TCP = 6, IPP_UDP = 17, IPP_ESP = 50,
    IPP_AH = 51, IPP_ICMPV6 = 58, IPP_SCTP = 132, IPP_UDPLITE = 136,
};

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
    PROTO(TCP, "tcp", IPV4, ETH_TYPE_IP, IPP_TCP, false, tcp_attrs),
    PROTO(UDP, "udp", IPV4, ETH_TYPE_IP, IPP_UDP, false, udp_attrs),
    PROTO(UDPLITE, "udplite", IPV4, ETH_TYPE_IP, IPP_UDPLITE, false,
          ipcommon4_attrs),
    PROTO(ESP, "esp", IPV4, ETH_TYPE_IP, IPP_ESP, false,
          ipcommon4_attrs),
    PROTO(AH, "ah", IPV4, ETH_TYPE_IP, IPP_AH, false,
          ipcommon4_attrs),
    PROTO(SCTP, "sctp", IPV4, ETH_TYPE_IP, IPP_SCTP, false,
          udp_attrs),
    PROTO(ICMP, "icmp", IPV4, ETH_TYPE_IP, IPP_ICMP, false,
          icmp_attrs),
    PROTO(IGMP, "igmp", IPV4, ETH_TYPE_IP, IPP_IGMP, false,
          ipcommon4_attrs),
    PROTO(ALL, "all", IPV4, ETH_TYPE_IP, 0, false, ipcommon4_attrs),
    PROTO(TCP_IPV6, "tcp-ipv6", IPV6, ETH_TYPE_IPV6, IPP_TCP, false,
          tcp6_attrs),
    PROTO(UDP_IPV6, "udp-ipv6", IPV6, ETH_TYPE_IPV6, IPP_UDP, false,
          udp6_attrs),
    PROTO(UDPLITE_IPV6, "udplite-ipv6", IPV6, ETH_TYPE_IPV6, IPP_UDPLITE,
          false, ipcommon6_attrs),
    PROTO(ESP_IPV6, "esp-ipv6", IPV6, ETH_TYPE_IPV6, IPP_ESP, false,
          ipcommon6_attrs),
    PROTO(AH_IPV6, "ah-ipv6", IPV6, ETH_TYPE_IPV6, IPP_AH, false,
          ipcommon6_attrs),
    PROTO(SCTP_IPV6, "sctp-ipv6", IPV6, ETH_TYPE_IPV6, IPP_SCTP, false,
          udp6_attrs),
    PROTO(ICMPV6, "icmpv6", IPV6, ETH_TYPE_IPV6, IPP_ICMPV6, false,
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

/* Symbolic names of numbers. */
struct name_map {
    uint32_t value;
    const char *name;
};

static const struct name_map ethertype_names[] = {
    { ETH_TYPE_ARP, "arp" },
    { ETH_TYPE_RARP, "rarp" },
    { ETH_TYPE_IP, "ipv4" },
    { ETH_TYPE_IPV6, "ipv6" },
    { ETH_TYPE_VLAN_8021Q, "vlan" },
    { 0, NULL },
};

static const struct name_map arp_opcode_names[] = {
    { 1, "Request" },
    { 2, "Reply" },
    { 3, "Request_Reverse" },
    { 4, "Reply_Reverse" },
    { 5, "DRARP_Request" },
    { 6, "DRARP_Reply" },
    { 7, "DRARP_Error" },
    { 8, "InARP_Request" },
    { 9, "ARP_NAK" },
    { 0, NULL },
};

static const struct name_map ip_proto_names[] = {
    { IPP_TCP, "tcp" },
    { IPP_UDP, "udp" },
    { IPP_UDPLITE, "udplite" },
    { IPP_ESP, "esp" },
    { IPP_AH, "ah" },
    { IPP_ICMP, "icmp" },
    { IPP_IGMP, "igmp" },
    { IPP_SCTP, "sctp" },
    { IPP_ICMPV6, "icmpv6" },
    { 0, NULL },
};

/* Bits are listed in printing order. */
static const struct name_map state_names[] = {
    { NWF_STATE_NEW, "NEW" },
    { NWF_STATE_ESTABLISHED, "ESTABLISHED" },
    { NWF_STATE_RELATED, "RELATED" },
    { NWF_STATE_INVALID, "INVALID" },
    { NWF_STATE_NONE, "NONE" },
    { 0, NULL },
};

static const struct name_map tcp_flag_names[] = {
    { NWF_TCP_FIN, "FIN" },
    { NWF_TCP_SYN, "SYN" },
    { NWF_TCP_RST, "RST" },
    { NWF_TCP_PSH, "PSH" },
    { NWF_TCP_ACK, "ACK" },
    { NWF_TCP_URG, "URG" },
    { NWF_TCP_ALL, "ALL" },
    { 0, "NONE" },
    { 0, NULL },
};

static const char *
name_of(const struct name_map *map, uint32_t value)
{
    for (; map->name; map++) {
        if (map->value == value) {
            return map->name;
        }
    }
    return NULL;
}

static bool
value_of(const struct name_map *map, const char *name, uint32_t *value)
{
    for (; map->name; map++) {
        if (!strcasecmp(map->name, name)) {
            *value = map->value;
            return true;
        }
    }
    return false;
}

static void
list_names(const struct name_map *map, struct ds *s)
{
    for (const struct name_map *m = map; m->name; m++) {
        ds_put_format(s, "%s%s", m == map ? "" : ", ", m->name);
    }
}

/* Returns the name libvirt uses for ethertype 'type' ("ipv4", ...), or
 * NULL. */
const char *
nwf_ethertype_name(uint16_t type)
{
    return name_of(ethertype_names, type);
}

/* Returns the name libvirt uses for IP protocol 'proto' ("tcp", ...), or
 * NULL. */
const char *
nwf_ip_proto_name(uint8_t proto)
{
    return name_of(ip_proto_names, proto);
}

/* Parses 's' as an unsigned number in 'base' the way strtoul() does it
 * (leading white space and '+' allowed, "0x" allowed in base 16), but
 * requiring the whole string to be used and refusing negative numbers,
 * which strtoul() would silently wrap. */
static bool
parse_number(const char *s, int base, uint32_t *valuep)
{
    const char *p = s;
    while (isspace((unsigned char) *p)) {
        p++;
    }
    if (*p == '-' || *p == '\0') {
        return false;
    }

    char *end;
    errno = 0;
    unsigned long long value = strtoull(s, &end, base);
    if (errno || end == s || *end != '\0' || value > UINT32_MAX) {
        return false;
    }
    *valuep = value;
    return true;
}

static uint32_t
type_width_max(enum nwf_type type)
{
    switch (type) {
    case NWF_TYPE_UINT8:
    case NWF_TYPE_IP_PROTOCOL:
        return UINT8_MAX;
    case NWF_TYPE_UINT16:
    case NWF_TYPE_ETHERTYPE:
    case NWF_TYPE_ARP_OPCODE:
        return UINT16_MAX;
    default:
        return UINT32_MAX;
    }
}

/* Numbers: decimal first, then (if the row allows it) hexadecimal, then
 * (for types with names) a name.  Like libvirt, a number that fits the
 * type's width is taken even if the row's range then rejects it, without
 * trying the next way of reading it. */
static char *
parse_numeric(const struct nwf_attr_desc *desc, const char *text,
              struct nwf_value *value)
{
    uint32_t width = type_width_max(desc->type);
    const struct name_map *names
        = (desc->type == NWF_TYPE_ETHERTYPE ? ethertype_names
           : desc->type == NWF_TYPE_ARP_OPCODE ? arp_opcode_names
           : desc->type == NWF_TYPE_IP_PROTOCOL ? ip_proto_names
           : NULL);
    uint32_t n;
    bool found = false;

    if (parse_number(text, 10, &n) && n <= width) {
        value->hex = false;
        found = true;
    } else if (desc->flags & NWF_AF_HEX
               && parse_number(text, 16, &n) && n <= width) {
        value->hex = true;
        found = true;
    } else if (names && value_of(names, text, &n)) {
        /* Names are always printed back as names, whatever the range. */
        value->hex = false;
        value->u32 = n;
        return NULL;
    }

    if (found && n >= desc->min && n <= desc->max) {
        value->u32 = n;
        return NULL;
    }

    struct ds msg = DS_EMPTY_INITIALIZER;
    if (desc->min > 0 && desc->max == width) {
        ds_put_format(&msg, "must be a number from 0x%"PRIx32" to 0x%"PRIx32,
                      desc->min, desc->max);
    } else {
        ds_put_format(&msg, "must be a number from %"PRIu32" to %"PRIu32,
                      desc->min, desc->max);
    }
    ds_put_cstr(&msg, desc->flags & NWF_AF_HEX ? " (decimal or hex)"
                : " (decimal)");
    if (names) {
        ds_put_cstr(&msg, " or one of ");
        list_names(names, &msg);
    }
    return ds_steal_cstr(&msg);
}

/* Parses 's' as a MAC address, as libvirt reads one everywhere: six
 * groups of one or two hex digits separated by ':'. */
bool
nwf_proto_parse_mac(const char *s, struct eth_addr *mac)
{
    for (int i = 0; i < 6; i++) {
        int n = 0;
        unsigned int byte = 0;
        while (n < 3 && isxdigit((unsigned char) s[n])) {
            byte = byte * 16 + hexit_value(s[n]);
            n++;
        }
        if (n < 1 || n > 2) {
            return false;
        }
        mac->ea[i] = byte;
        s += n;
        if (i < 5) {
            if (*s++ != ':') {
                return false;
            }
        }
    }
    /* libvirt ignores anything after white space here; we accept only
     * trailing white space. */
    while (isspace((unsigned char) *s)) {
        s++;
    }
    return *s == '\0';
}

static bool
mac_is_cidr(const struct eth_addr *mac)
{
    bool zeros = false;
    for (int i = 0; i < 48; i++) {
        bool bit = mac->ea[i / 8] & (0x80 >> (i % 8));
        if (bit && zeros) {
            return false;
        }
        zeros = !bit;
    }
    return true;
}

/* IPv4 address, in every numeric form inet_aton() takes (as libvirt, which
 * uses getaddrinfo(AI_NUMERICHOST)): "10.1" is 10.0.0.1. */
static bool
parse_ipv4(const char *s, ovs_be32 *ip)
{
    struct in_addr in;
    if (!*s || s[strspn(s, "0123456789abcdefABCDEFxX.")] != '\0'
        || !inet_aton(s, &in)) {
        return false;
    }
    *ip = in.s_addr;
    return true;
}

static bool
parse_ipv6(const char *s, struct in6_addr *ip)
{
    return inet_pton(AF_INET6, s, ip) == 1;
}

/* A mask: a prefix length, or an address-form netmask with contiguous
 * ones, stored as its prefix length. */
static char *
parse_mask(const struct nwf_attr_desc *desc, const char *text,
           struct nwf_value *value)
{
    bool v6 = desc->type == NWF_TYPE_IPV6_MASK;
    uint32_t max = v6 ? 128 : 32;
    uint32_t n;

    if (parse_number(text, 10, &n)) {
        if (n <= max) {
            value->u32 = n;
            return NULL;
        }
    } else if (v6) {
        struct in6_addr mask;
        if (parse_ipv6(text, &mask) && ipv6_is_cidr(&mask)) {
            value->u32 = ipv6_count_cidr_bits(&mask);
            return NULL;
        }
    } else {
        ovs_be32 mask;
        if (parse_ipv4(text, &mask) && ip_is_cidr(mask)) {
            value->u32 = ip_count_cidr_bits(mask);
            return NULL;
        }
    }
    return xasprintf("must be a prefix length from 0 to %"PRIu32" or a "
                     "contiguous %s netmask", max, v6 ? "IPv6" : "IPv4");
}

/* Comma-separated names from 'map', OR-ed together into '*bits'.  Follows
 * libvirt: white space and commas between names are skipped and names
 * are matched case-insensitively as prefixes of the remaining text. */
static bool
parse_name_list(const struct name_map *map, const char *s, uint32_t *bits)
{
    *bits = 0;
    while (*s) {
        while (isspace((unsigned char) *s) || *s == ',') {
            s++;
        }
        if (!*s) {
            break;
        }

        const struct name_map *m;
        for (m = map; m->name; m++) {
            size_t len = strlen(m->name);
            if (!strncasecmp(s, m->name, len)) {
                *bits |= m->value;
                s += len;
                break;
            }
        }
        if (!m->name) {
            return false;
        }
    }
    return true;
}

/* Prints the names of the bits set in 'bits', in table order. */
static void
format_name_list(const struct name_map *map, uint32_t bits, struct ds *s)
{
    bool first = true;
    for (; map->name; map++) {
        if (map->value && !(map->value & (map->value - 1))
            && bits & map->value) {
            ds_put_format(s, "%s%s", first ? "" : ",", map->name);
            first = false;
        }
    }
}

static char *
parse_state(const char *text, struct nwf_value *value)
{
    uint32_t bits;
    if (!parse_name_list(state_names, text, &bits)) {
        return xstrdup("must be a comma-separated list of NEW, "
                       "ESTABLISHED, RELATED, INVALID or NONE");
    }
    value->u32 = bits & NWF_STATE_NONE ? NWF_STATE_NONE : bits;
    return NULL;
}

static char *
parse_tcp_flags(const char *text, struct nwf_value *value)
{
    const char *slash = strchr(text, '/');
    if (slash) {
        char *mask_s = xmemdup0(text, slash - text);
        uint32_t mask, set;
        bool ok = (parse_name_list(tcp_flag_names, mask_s, &mask)
                   && parse_name_list(tcp_flag_names, slash + 1, &set));
        free(mask_s);
        if (ok) {
            value->tcp_flags.mask = mask & NWF_TCP_ALL;
            value->tcp_flags.set = set & NWF_TCP_ALL;
            return NULL;
        }
    }
    return xstrdup("must be MASK/FLAGS, each a comma-separated list of "
                   "SYN, ACK, URG, PSH, FIN, RST, or NONE or ALL");
}

static void
format_tcp_flag_set(uint8_t bits, struct ds *s)
{
    if (!bits) {
        ds_put_cstr(s, "NONE");
    } else if (bits == NWF_TCP_ALL) {
        ds_put_cstr(s, "ALL");
    } else {
        format_name_list(tcp_flag_names, bits, s);
    }
}

static char *
parse_ipset(const char *text, struct nwf_value *value)
{
    static const char valid[] = "abcdefghijklmnopqrstuvwxyz"
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-+ ";
    if (strlen(text) > NWF_IPSET_NAME_MAX) {
        return xasprintf("ipset name is longer than %d characters",
                         NWF_IPSET_NAME_MAX);
    }
    if (text[strspn(text, valid)]) {
        return xstrdup("ipset name may only contain letters, digits, "
                       "spaces and _.:-+");
    }
    value->string = xstrdup(text);
    return NULL;
}

static char *
parse_ipsetflags(const char *text, struct nwf_value *value)
{
    const char *s = text;
    int n = 0;
    uint8_t src_bits = 0;

    for (;;) {
        if (!strncasecmp(s, "src", 3)) {
            src_bits |= 1 << n;
        } else if (strncasecmp(s, "dst", 3)) {
            goto error;
        }
        n++;
        s += 3;
        if (*s != ',' || n >= NWF_IPSETFLAGS_MAX) {
            break;
        }
        s++;
    }
    if (*s) {
        goto error;
    }
    value->ipsetflags.n = n;
    value->ipsetflags.src_bits = src_bits;
    return NULL;

error:
    return xasprintf("must be 1 to %d comma-separated src or dst",
                     NWF_IPSETFLAGS_MAX);
}

/* Cuts 'text' to at most NWF_COMMENT_MAX bytes, as libvirt does, but never
 * in the middle of a UTF-8 sequence. */
static char *
cut_comment(const char *text)
{
    size_t len = strlen(text);
    if (len > NWF_COMMENT_MAX) {
        len = NWF_COMMENT_MAX;
        while (len > 0 && ((unsigned char) text[len] & 0xc0) == 0x80) {
            len--;
        }
    }
    return xmemdup0(text, len);
}

/* Parses 'text' as a value of the attribute described by 'desc' into
 * '*value'.  Returns NULL on success, otherwise a malloc()ed message that
 * says what the value must look like (the caller adds where).
 *
 * 'text' must not be a variable reference: the parser keeps those
 * symbolic, and the resolver calls this function with the substituted
 * value. */
char *
nwf_value_parse(const struct nwf_attr_desc *desc, const char *text,
                struct nwf_value *value)
{
    memset(value, 0, sizeof *value);

    switch (desc->type) {
    case NWF_TYPE_UINT8:
    case NWF_TYPE_UINT16:
    case NWF_TYPE_UINT32:
    case NWF_TYPE_ETHERTYPE:
    case NWF_TYPE_ARP_OPCODE:
    case NWF_TYPE_IP_PROTOCOL:
        return parse_numeric(desc, text, value);

    case NWF_TYPE_MAC:
        return (nwf_proto_parse_mac(text, &value->mac) ? NULL
                : xstrdup("must be a MAC address (6 groups of 1 or 2 hex "
                          "digits separated by ':')"));

    case NWF_TYPE_MAC_MASK:
        if (!nwf_proto_parse_mac(text, &value->mac)) {
            return xstrdup("must be a MAC mask (6 groups of 1 or 2 hex "
                           "digits separated by ':')");
        }
        return (mac_is_cidr(&value->mac) ? NULL
                : xstrdup("MAC mask must be contiguous ones followed by "
                          "zeros"));

    case NWF_TYPE_IPV4:
        return (parse_ipv4(text, &value->ipv4) ? NULL
                : xstrdup("must be a numeric IPv4 address"));

    case NWF_TYPE_IPV6:
        return (parse_ipv6(text, &value->ipv6) ? NULL
                : xstrdup("must be a numeric IPv6 address"));

    case NWF_TYPE_IPV4_MASK:
    case NWF_TYPE_IPV6_MASK:
        return parse_mask(desc, text, value);

    case NWF_TYPE_BOOLEAN:
        /* As libvirt: anything but these three words is false. */
        value->boolean = (!strcmp(text, "true") || !strcmp(text, "1")
                          || !strcmp(text, "yes"));
        return NULL;

    case NWF_TYPE_COMMENT:
        value->string = cut_comment(text);
        return NULL;

    case NWF_TYPE_STATE:
        return parse_state(text, value);

    case NWF_TYPE_TCP_FLAGS:
        return parse_tcp_flags(text, value);

    case NWF_TYPE_IPSET:
        return parse_ipset(text, value);

    case NWF_TYPE_IPSETFLAGS:
        return parse_ipsetflags(text, value);
    }
    OVS_NOT_REACHED();
}

static void
format_number(const struct nwf_value *value, struct ds *s)
{
    ds_put_format(s, value->hex ? "0x%"PRIx32 : "%"PRIu32, value->u32);
}

/* Appends 'value' of the attribute described by 'desc' to 's' the way
 * libvirt prints it: numbers in the base they were written in, known
 * ethertypes, IP protocols and ARP opcodes by name (unknown opcodes always
 * in decimal), masks as prefix lengths, MACs as lower-case 2-digit groups.
 * The text is not XML-escaped. */
void
nwf_value_format(const struct nwf_attr_desc *desc,
                 const struct nwf_value *value, struct ds *s)
{
    const char *name;
    char buf[INET6_ADDRSTRLEN];

    switch (desc->type) {
    case NWF_TYPE_UINT8:
    case NWF_TYPE_UINT16:
    case NWF_TYPE_UINT32:
        format_number(value, s);
        break;

    case NWF_TYPE_ETHERTYPE:
    case NWF_TYPE_IP_PROTOCOL:
        name = (desc->type == NWF_TYPE_ETHERTYPE
                ? name_of(ethertype_names, value->u32)
                : name_of(ip_proto_names, value->u32));
        if (name) {
            ds_put_cstr(s, name);
        } else {
            format_number(value, s);
        }
        break;

    case NWF_TYPE_ARP_OPCODE:
        name = name_of(arp_opcode_names, value->u32);
        if (name) {
            ds_put_cstr(s, name);
        } else {
            ds_put_format(s, "%"PRIu32, value->u32);
        }
        break;

    case NWF_TYPE_MAC:
    case NWF_TYPE_MAC_MASK:
        ds_put_format(s, ETH_ADDR_FMT, ETH_ADDR_ARGS(value->mac));
        break;

    case NWF_TYPE_IPV4:
        ds_put_cstr(s, inet_ntop(AF_INET, &value->ipv4, buf, sizeof buf));
        break;

    case NWF_TYPE_IPV6:
        ds_put_cstr(s, inet_ntop(AF_INET6, &value->ipv6, buf, sizeof buf));
        break;

    case NWF_TYPE_IPV4_MASK:
    case NWF_TYPE_IPV6_MASK:
        ds_put_format(s, "%"PRIu32, value->u32);
        break;

    case NWF_TYPE_BOOLEAN:
        ds_put_cstr(s, value->boolean ? "true" : "false");
        break;

    case NWF_TYPE_COMMENT:
    case NWF_TYPE_IPSET:
        ds_put_cstr(s, value->string);
        break;

    case NWF_TYPE_STATE:
        format_name_list(state_names, value->u32, s);
        break;

    case NWF_TYPE_TCP_FLAGS:
        format_tcp_flag_set(value->tcp_flags.mask, s);
        ds_put_char(s, '/');
        format_tcp_flag_set(value->tcp_flags.set, s);
        break;

    case NWF_TYPE_IPSETFLAGS:
        for (int i = 0; i < value->ipsetflags.n; i++) {
            ds_put_format(s, "%s%s", i ? "," : "",
                          value->ipsetflags.src_bits & (1 << i)
                          ? "src" : "dst");
        }
        break;
    }
}

static bool
type_has_string(enum nwf_type type)
{
    return type == NWF_TYPE_COMMENT || type == NWF_TYPE_IPSET;
}

/* Makes '*dst' a deep copy of '*src'. */
void
nwf_value_clone(const struct nwf_attr_desc *desc, struct nwf_value *dst,
                const struct nwf_value *src)
{
    *dst = *src;
    if (type_has_string(desc->type) && src->string) {
        dst->string = xstrdup(src->string);
    }
}

/* Frees what '*value' owns. */
void
nwf_value_destroy(const struct nwf_attr_desc *desc, struct nwf_value *value)
{
    if (value && type_has_string(desc->type)) {
        free(value->string);
        value->string = NULL;
    }
}

/* Returns true if 'a' and 'b' would be printed the same way. */
bool
nwf_value_equal(const struct nwf_attr_desc *desc, const struct nwf_value *a,
                const struct nwf_value *b)
{
    struct ds sa = DS_EMPTY_INITIALIZER;
    struct ds sb = DS_EMPTY_INITIALIZER;
    nwf_value_format(desc, a, &sa);
    nwf_value_format(desc, b, &sb);
    bool equal = !strcmp(ds_cstr(&sa), ds_cstr(&sb));
    ds_destroy(&sa);
    ds_destroy(&sb);
    return equal;
}

/* Compares 'a' and 'b', values of a number or IP address attribute
 * described by 'desc', in the order a range goes: returns a negative
 * number, 0 or a positive number as 'a' is below, equal to or above
 * 'b'. */
int
nwf_value_compare(const struct nwf_attr_desc *desc, const struct nwf_value *a,
                  const struct nwf_value *b)
{
    switch (desc->type) {
    case NWF_TYPE_IPV4: {
        uint32_t x = ntohl(a->ipv4), y = ntohl(b->ipv4);
        return x < y ? -1 : x > y;
    }
    case NWF_TYPE_IPV6:
        return memcmp(&a->ipv6, &b->ipv6, sizeof a->ipv6);
    default:
        return a->u32 < b->u32 ? -1 : a->u32 > b->u32;
    }
}

/* Whether 'desc' is the end of a range that its 'pair' attribute starts
 * (dstportend, a "-hi" value, srcipto, ...), rather than a mask or
 * ipsetflags. */
bool
nwf_attr_is_range_end(const struct nwf_attr_desc *desc)
{
    switch (desc->type) {
    case NWF_TYPE_UINT8:
    case NWF_TYPE_UINT16:
    case NWF_TYPE_UINT32:
    case NWF_TYPE_IPV4:
    case NWF_TYPE_IPV6:
        return desc->pair != NWF_ATTR_NONE;
    default:
        return false;
    }
}
