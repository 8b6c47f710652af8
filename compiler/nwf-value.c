/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-value.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nwf-proto.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "packets.h"
#include "util.h"

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
    { NWF_IPP_TCP, "tcp" },
    { NWF_IPP_UDP, "udp" },
    { NWF_IPP_UDPLITE, "udplite" },
    { NWF_IPP_ESP, "esp" },
    { NWF_IPP_AH, "ah" },
    { NWF_IPP_ICMP, "icmp" },
    { NWF_IPP_IGMP, "igmp" },
    { NWF_IPP_SCTP, "sctp" },
    { NWF_IPP_ICMPV6, "icmpv6" },
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
