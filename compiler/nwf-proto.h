/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_PROTO_H
#define NWF_PROTO_H 1

/* The protocol descriptor table.
 *
 * One row per protocol element of libvirt's filter language (<mac>, <tcp>,
 * <icmpv6>, ...) and, inside it, one row per attribute.  The rows drive
 * everything that depends on the kind of a rule: the XML parser looks
 * attribute names up here and parses values with the row's datatype, the
 * formatter prints attributes in row order, validation uses the ranges and
 * the negation links, and the flow compiler reads the protocol's layer,
 * ethertype and IP protocol and each attribute's OpenFlow field.
 *
 * Adding an attribute to a protocol is adding one row to its list in
 * nwf-proto.c (plus tests).  nwf-value.h reads and writes the values of
 * a row's type. */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "nwf-value.h"           /* A row's values, for every user. */
#include "openvswitch/compiler.h"
#include "openvswitch/types.h"

struct ds;

/* Where a protocol is matched.  libvirt evaluates Ethernet-layer rules
 * (ebtables) and IP-layer rules (iptables/ip6tables) as two independent
 * stages; the compiler keeps that split. */
enum nwf_layer {
    NWF_LAYER_ETH,              /* mac, vlan, stp, arp, rarp, ip, ipv6, none */
    NWF_LAYER_IPV4,             /* tcp, udp, ..., all. */
    NWF_LAYER_IPV6,             /* tcp-ipv6, ..., icmpv6, all-ipv6. */
};

enum nwf_proto_id {
    NWF_PROTO_NONE,             /* <rule> without a protocol element. */
    NWF_PROTO_MAC,
    NWF_PROTO_VLAN,
    NWF_PROTO_STP,
    NWF_PROTO_ARP,
    NWF_PROTO_RARP,
    NWF_PROTO_IP,
    NWF_PROTO_IPV6,
    NWF_PROTO_TCP,
    NWF_PROTO_UDP,
    NWF_PROTO_UDPLITE,
    NWF_PROTO_ESP,
    NWF_PROTO_AH,
    NWF_PROTO_SCTP,
    NWF_PROTO_ICMP,
    NWF_PROTO_IGMP,
    NWF_PROTO_ALL,
    NWF_PROTO_TCP_IPV6,
    NWF_PROTO_UDP_IPV6,
    NWF_PROTO_UDPLITE_IPV6,
    NWF_PROTO_ESP_IPV6,
    NWF_PROTO_AH_IPV6,
    NWF_PROTO_SCTP_IPV6,
    NWF_PROTO_ICMPV6,
    NWF_PROTO_ALL_IPV6,
    NWF_N_PROTOS
};

/* Attribute identities, one per attribute *name*.  A name that occurs in
 * several elements ("srcipaddr", "type", "flags") has one id; its datatype
 * and meaning come from the row of the element it is used in. */
enum nwf_attr_id {
    NWF_ATTR_NONE = -1,         /* "no base attribute". */

    /* Ethernet header. */
    NWF_ATTR_SRCMACADDR,
    NWF_ATTR_SRCMACMASK,
    NWF_ATTR_DSTMACADDR,
    NWF_ATTR_DSTMACMASK,
    NWF_ATTR_PROTOCOLID,
    NWF_ATTR_VLANID,
    NWF_ATTR_ENCAP_PROTOCOL,

    /* STP. */
    NWF_ATTR_TYPE,              /* Also ICMP/ICMPv6 type. */
    NWF_ATTR_FLAGS,             /* Also TCP flags. */
    NWF_ATTR_ROOT_PRIORITY,
    NWF_ATTR_ROOT_PRIORITY_HI,
    NWF_ATTR_ROOT_ADDRESS,
    NWF_ATTR_ROOT_ADDRESS_MASK,
    NWF_ATTR_ROOT_COST,
    NWF_ATTR_ROOT_COST_HI,
    NWF_ATTR_SENDER_PRIORITY,
    NWF_ATTR_SENDER_PRIORITY_HI,
    NWF_ATTR_SENDER_ADDRESS,
    NWF_ATTR_SENDER_ADDRESS_MASK,
    NWF_ATTR_PORT,
    NWF_ATTR_PORT_HI,
    NWF_ATTR_AGE,
    NWF_ATTR_AGE_HI,
    NWF_ATTR_MAX_AGE,
    NWF_ATTR_MAX_AGE_HI,
    NWF_ATTR_HELLO_TIME,
    NWF_ATTR_HELLO_TIME_HI,
    NWF_ATTR_FORWARD_DELAY,
    NWF_ATTR_FORWARD_DELAY_HI,

    /* ARP/RARP. */
    NWF_ATTR_HWTYPE,
    NWF_ATTR_PROTOCOLTYPE,
    NWF_ATTR_OPCODE,
    NWF_ATTR_ARPSRCMACADDR,
    NWF_ATTR_ARPDSTMACADDR,
    NWF_ATTR_ARPSRCIPADDR,
    NWF_ATTR_ARPSRCIPMASK,
    NWF_ATTR_ARPDSTIPADDR,
    NWF_ATTR_ARPDSTIPMASK,
    NWF_ATTR_GRATUITOUS,

    /* IP header, both families. */
    NWF_ATTR_SRCIPADDR,
    NWF_ATTR_SRCIPMASK,
    NWF_ATTR_DSTIPADDR,
    NWF_ATTR_DSTIPMASK,
    NWF_ATTR_SRCIPFROM,
    NWF_ATTR_SRCIPTO,
    NWF_ATTR_DSTIPFROM,
    NWF_ATTR_DSTIPTO,
    NWF_ATTR_PROTOCOL,
    NWF_ATTR_DSCP,
    NWF_ATTR_CONNLIMIT_ABOVE,
    NWF_ATTR_STATE,
    NWF_ATTR_IPSET,
    NWF_ATTR_IPSETFLAGS,

    /* Transport. */
    NWF_ATTR_SRCPORTSTART,
    NWF_ATTR_SRCPORTEND,
    NWF_ATTR_DSTPORTSTART,
    NWF_ATTR_DSTPORTEND,
    NWF_ATTR_OPTION,            /* TCP option. */
    NWF_ATTR_TYPEEND,           /* ICMPv6 type range in <ipv6>. */
    NWF_ATTR_CODE,
    NWF_ATTR_CODEEND,

    NWF_ATTR_COMMENT,
    NWF_N_ATTRS
};

/* How an attribute value is written and stored (see struct nwf_value). */
enum nwf_type {
    NWF_TYPE_UINT8,             /* u32, range in the row. */
    NWF_TYPE_UINT16,            /* u32, range in the row. */
    NWF_TYPE_UINT32,            /* u32, range in the row. */
    NWF_TYPE_MAC,               /* mac: 6 groups of 1-2 hex digits. */
    NWF_TYPE_MAC_MASK,          /* mac, contiguous ones then zeros. */
    NWF_TYPE_IPV4,              /* ipv4 (inet_aton forms accepted). */
    NWF_TYPE_IPV4_MASK,         /* u32 = prefix length: 0-32 or netmask. */
    NWF_TYPE_IPV6,              /* ipv6. */
    NWF_TYPE_IPV6_MASK,         /* u32 = prefix length: 0-128 or netmask. */
    NWF_TYPE_BOOLEAN,           /* boolean: true/1/yes, anything else false. */
    NWF_TYPE_COMMENT,           /* string, cut to NWF_COMMENT_MAX bytes. */
    NWF_TYPE_ETHERTYPE,         /* u32: number in range or arp, rarp, ipv4,
                                 * ipv6, vlan. */
    NWF_TYPE_ARP_OPCODE,        /* u32: number or Request, Reply, ... */
    NWF_TYPE_IP_PROTOCOL,       /* u32: number or tcp, udp, ... */
    NWF_TYPE_STATE,             /* u32: NWF_STATE_* bits. */
    NWF_TYPE_TCP_FLAGS,         /* tcp_flags: MASK/FLAGS. */
    NWF_TYPE_IPSET,             /* string: ipset name. */
    NWF_TYPE_IPSETFLAGS,        /* ipsetflags: 1-6 of src/dst. */
};

/* Connection-state bits of NWF_TYPE_STATE, in printing order. */
enum {
    NWF_STATE_NEW = 1 << 0,
    NWF_STATE_ESTABLISHED = 1 << 1,
    NWF_STATE_RELATED = 1 << 2,
    NWF_STATE_INVALID = 1 << 3,
    NWF_STATE_NONE = 1 << 4,    /* Overrides the others. */
};

/* TCP flag bits of NWF_TYPE_TCP_FLAGS (as in the TCP header). */
enum {
    NWF_TCP_FIN = 0x01,
    NWF_TCP_SYN = 0x02,
    NWF_TCP_RST = 0x04,
    NWF_TCP_PSH = 0x08,
    NWF_TCP_ACK = 0x10,
    NWF_TCP_URG = 0x20,
    NWF_TCP_ALL = 0x3f,
};

#define NWF_COMMENT_MAX 256     /* Longer comments are cut (as libvirt). */
#define NWF_IPSET_NAME_MAX 31
#define NWF_IPSETFLAGS_MAX 6

/* The IP protocol numbers of the table's rows and of their names. */
enum {
    NWF_IPP_ICMP = 1, NWF_IPP_IGMP = 2, NWF_IPP_TCP = 6, NWF_IPP_UDP = 17,
    NWF_IPP_ESP = 50, NWF_IPP_AH = 51, NWF_IPP_ICMPV6 = 58,
    NWF_IPP_SCTP = 132, NWF_IPP_UDPLITE = 136,
};

/* Row flags. */
enum {
    NWF_AF_HEX = 1 << 0,        /* Numbers may also be written in hex. */
    NWF_AF_DEC_ONLY = 1 << 1,   /* Documentation only: decimal on purpose. */
};

/* How the flow compiler (nwf-match.c) matches an attribute: the OpenFlow
 * field its value goes into, or another treatment.  The OpenFlow names of
 * the fields, which depend on the address family and the transport
 * protocol, their widths and which field takes a field's place in a
 * mirrored copy are in nwf-match.c's field table.
 *
 * OpenFlow fields are listed in the order in which a match prints them. */
enum nwf_field {
    NWF_FIELD_NONE,             /* Nothing of its own: a mask or range end
                                 * (matched with its 'pair'), a comment. */

    /* OpenFlow fields. */
    NWF_FIELD_ETH_TYPE,         /* dl_type. */
    NWF_FIELD_VLAN_TCI,         /* 802.1Q tag present and VLAN id. */
    NWF_FIELD_ETH_SRC,          /* dl_src. */
    NWF_FIELD_ETH_DST,          /* dl_dst. */
    NWF_FIELD_ARP_OP,           /* arp_op. */
    NWF_FIELD_ARP_SPA,          /* arp_spa. */
    NWF_FIELD_ARP_TPA,          /* arp_tpa. */
    NWF_FIELD_ARP_SHA,          /* arp_sha. */
    NWF_FIELD_ARP_THA,          /* arp_tha. */
    NWF_FIELD_IP_SRC,           /* nw_src, ipv6_src. */
    NWF_FIELD_IP_DST,           /* nw_dst, ipv6_dst. */
    NWF_FIELD_IP_PROTO,         /* nw_proto. */
    NWF_FIELD_IP_DSCP,          /* ip_dscp. */
    NWF_FIELD_L4_SRC,           /* tcp_src, udp_src, sctp_src. */
    NWF_FIELD_L4_DST,           /* tcp_dst, udp_dst, sctp_dst. */
    NWF_FIELD_TCP_FLAGS,        /* tcp_flags. */
    NWF_FIELD_ICMP_TYPE,        /* icmp_type, icmpv6_type. */
    NWF_FIELD_ICMP_CODE,        /* icmp_code, icmpv6_code. */

    /* Other treatments. */
    NWF_FIELD_ETHERTYPE,        /* An ethertype: dl_type, and whether the
                                 * frame is tagged (as ebtables -p). */
    NWF_FIELD_ARP_HTYPE,        /* Must be 1 (Ethernet) ... */
    NWF_FIELD_ARP_PTYPE,        /* ... and 0x800 (IPv4), the only ARP that
                                 * Open vSwitch parses. */
    NWF_FIELD_ARP_GRATUITOUS,   /* Sender IP address = target IP address. */
    NWF_FIELD_CT_STATE,         /* Connection state: the flow compiler
                                 * matches ct_state itself. */

    /* Nothing in OpenFlow matches these: an error. */
    NWF_FIELD_NO_IPSET,
    NWF_FIELD_NO_CONNLIMIT,
    NWF_FIELD_NO_STP_BPDU,
    NWF_FIELD_NO_TCP_OPTION,

    NWF_N_FIELDS
};

/* One attribute of one protocol element. */
struct nwf_attr_desc {
    enum nwf_attr_id id;
    const char *name;           /* XML attribute name. */
    enum nwf_type type;
    unsigned int flags;         /* NWF_AF_*. */
    uint32_t min, max;          /* Range of numeric types (incl. ETHERTYPE,
                                 * ARP_OPCODE, IP_PROTOCOL). */

    /* The attribute this one completes: a mask its address, a range end
     * or "-hi" value its start, "srcipto" its "srcipfrom"; NWF_ATTR_NONE
     * for an attribute that stands alone.  For the compiler. */
    enum nwf_attr_id pair;

    /* The attribute whose match='no' this one takes over after parsing,
     * exactly as libvirt's fix-up does it, or NWF_ATTR_NONE to keep its
     * own.  Usually 'pair', but libvirt also ties dstportstart and
     * dstportend to srcportstart in tcp/udp/sctp, and ties nothing in
     * arp/rarp or the MAC masks of ip/ipv6.  An attribute whose neg_from
     * attribute is absent ends up not negated. */
    enum nwf_attr_id neg_from;

    /* What the flow compiler matches this attribute with (see enum
     * nwf_field).  Rows that complete another one ('pair' set) are matched
     * together with it and have NWF_FIELD_NONE, unless the attribute
     * cannot be matched at all. */
    enum nwf_field field;
};

/* One protocol element. */
struct nwf_proto {
    enum nwf_proto_id id;
    const char *name;           /* Element name; "none" for NWF_PROTO_NONE,
                                 * which has no element. */
    enum nwf_layer layer;
    uint16_t eth_type;          /* Ethertype this element implies, 0 if any
                                 * (none, mac, vlan: given by attributes;
                                 * stp: 802.3 frame, see eth_dst). */
    uint8_t ip_proto;           /* IP protocol it implies, 0 if any. */
    bool ports_need_protocol;   /* ip, ipv6: port attributes require
                                 * protocol tcp/udp/dccp/sctp. */
    const struct nwf_attr_desc *attrs;  /* Output order. */
    size_t n_attrs;
    struct eth_addr eth_dst;    /* Destination MAC this element implies
                                 * (stp), all-zeros if none. */
};

/* A parsed literal value.  Which member is valid depends on the row's type
 * (see enum nwf_type); 'hex' remembers that a number was written in
 * hexadecimal so that it can be formatted back the same way. */
struct nwf_value {
    bool hex;
    union {
        uint32_t u32;
        bool boolean;
        struct eth_addr mac;
        ovs_be32 ipv4;
        struct in6_addr ipv6;
        char *string;
        struct {
            uint8_t mask;           /* Flags to examine. */
            uint8_t set;            /* Of those, flags that must be set. */
        } tcp_flags;
        struct {
            uint8_t n;              /* Number of flags, 1-6. */
            uint8_t src_bits;       /* Bit i set: flag i is "src". */
        } ipsetflags;
    };
};

/* The table. */
const struct nwf_proto *nwf_proto_by_id(enum nwf_proto_id);
const struct nwf_proto *nwf_proto_by_name(const char *element);
const char *nwf_attr_name(enum nwf_attr_id);

int nwf_proto_attr_index(const struct nwf_proto *, enum nwf_attr_id);
const struct nwf_attr_desc *nwf_proto_find_attr(const struct nwf_proto *,
                                                const char *name);

#endif /* nwf-proto.h */
