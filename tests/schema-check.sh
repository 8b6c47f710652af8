#! /bin/sh
# Licensed under the Apache License, Version 2.0 (see COPYING).
#
# Validates filter XML against schemas/nwfilter.rng with xmllint and checks
# that every file gets the expected verdict:
#
#   - our built-in filters (filters/*.xml), all 24 of them, must validate;
#   - libvirt's round-trip test inputs: those libvirt's parser accepts must
#     validate, except quirks-invalid.xml, which breaks the schema on
#     purpose; every *-invalid.xml input must be rejected;
#   - libvirt's round-trip outputs, its firewall-test filters and its
#     built-in filters must validate;
#   - a set of small cases below, each marked valid or invalid, that pin
#     down the range checks and the places where the schema is stricter
#     than libvirt's parser.
#
# Prints one line per file, then a summary, and exits 1 if any verdict was
# unexpected.  Exits 77 (skipped) when xmllint is missing.  The libvirt
# files are read from $NWF_SHARED/reference/libvirt (default:
# $srcdir/../shared); they are skipped with a note if absent.
#
# Usage: tests/schema-check.sh        (from the source tree, or set srcdir)

srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
XMLLINT=${XMLLINT:-xmllint}
schema=$srcdir/schemas/nwfilter.rng
shared=${NWF_SHARED:-$srcdir/../shared}
libvirt=$shared/reference/libvirt

if ! command -v "$XMLLINT" >/dev/null 2>&1; then
    echo "FAIL: schema-check: $XMLLINT not found (apt-get install libxml2-utils)"
    exit 1
fi
if ! test -f "$schema"; then
    echo "FAIL: schema-check: $schema not found"
    exit 1
fi

n_pass=0
n_fail=0
n_skip=0

# check EXPECT FILE [LABEL]: EXPECT is "valid" or "invalid".
check () {
    expect=$1
    file=$2
    label=${3:-$2}
    if errors=$("$XMLLINT" --noout --relaxng "$schema" "$file" 2>&1); then
        got=valid
    else
        got=invalid
    fi
    if test "$got" = "$expect"; then
        printf 'PASS: schema %-8s %s\n' "$got" "$label"
        n_pass=$((n_pass + 1))
    else
        printf 'FAIL: schema %-8s %s (expected %s)\n' "$got" "$label" "$expect"
        if test "$got" = invalid; then
            printf '%s\n' "$errors" | grep -m 3 'error' | sed 's/^/      /'
        fi
        n_fail=$((n_fail + 1))
    fi
}

# Missing reference data fails the run: without it these conformance checks
# would prove nothing.
skip () {
    printf 'FAIL: schema: %s\n' "$1"
    n_fail=$((n_fail + 1))
}

# --- Our built-in filters --------------------------------------------------

builtins="allow-arp allow-dhcp allow-dhcp-server allow-dhcpv6
          allow-dhcpv6-server allow-incoming-ipv4 allow-incoming-ipv6
          allow-ipv4 allow-ipv6 clean-traffic clean-traffic-gateway
          no-arp-ip-spoofing no-arp-mac-spoofing no-arp-spoofing
          no-ip-multicast no-ip-spoofing no-ipv6-multicast no-ipv6-spoofing
          no-mac-broadcast no-mac-spoofing no-other-l2-traffic
          no-other-rarp-traffic qemu-announce-self qemu-announce-self-rarp"
for name in $builtins; do
    f=$srcdir/filters/$name.xml
    if test -f "$f"; then
        check valid "$f" "filters/$name.xml"
    else
        printf 'FAIL  missing  filters/%s.xml\n' "$name"
        n_fail=$((n_fail + 1))
    fi
done

# --- libvirt's test data -----------------------------------------------------

# Inputs libvirt 11.3.0's parser accepts (xml2xml/INDEX.txt, PARSE-OK).
parse_ok="stp-test igmp-test udplite-test esp-test ah-test all-test ref-test
          ref-rule-test ipt-no-macspoof-test icmp-direction-test
          icmp-direction2-test icmp-direction3-test conntrack-test example-1
          example-2 attr-value-test iter-test1 iter-test2 iter-test3
          ipset-test"

# Inputs libvirt's parser rejects (PARSE-FAIL).  Each one has a value out
# of range or malformed, which the schema catches on its own.
parse_fail="mac-test-invalid vlan-test-invalid arp-test-invalid
            rarp-test-invalid ip-test-invalid ipv6-test-invalid
            tcp-test-invalid udp-test-invalid icmp-test-invalid
            sctp-test-invalid tcp-ipv6-test-invalid udp-ipv6-test-invalid
            icmpv6-test-invalid sctp-ipv6-test-invalid
            udplite-ipv6-test-invalid esp-ipv6-test-invalid
            ah-ipv6-test-invalid all-ipv6-test-invalid hex-data-test-invalid
            comment-test-invalid chain_prefixtest1-invalid"

x2x=$libvirt/xml2xml
if test -d "$x2x/nwfilterxml2xmlin"; then
    for name in $parse_ok; do
        check valid "$x2x/nwfilterxml2xmlin/$name.xml" "libvirt xml2xml in/$name.xml"
    done
    # Parses in libvirt (five <tcp> in one rule, misspelt attributes) but
    # breaks the schema, in libvirt's as in ours.
    check invalid "$x2x/nwfilterxml2xmlin/quirks-invalid.xml" \
          "libvirt xml2xml in/quirks-invalid.xml"
    for name in $parse_fail; do
        check invalid "$x2x/nwfilterxml2xmlin/$name.xml" "libvirt xml2xml in/$name.xml"
    done
    for f in "$x2x"/nwfilterxml2xmlout/*.xml; do
        check valid "$f" "libvirt xml2xml out/$(basename "$f")"
    done
else
    skip "libvirt xml2xml data (no $x2x)"
fi

fw=$libvirt/firewall/nwfilterxml2firewalldata
if test -d "$fw"; then
    for f in "$fw"/*.xml; do
        check valid "$f" "libvirt firewall/$(basename "$f")"
    done
else
    skip "libvirt firewall data (no $fw)"
fi

if test -d "$libvirt/builtin-filters"; then
    for f in "$libvirt"/builtin-filters/*.xml; do
        check valid "$f" "libvirt builtin-filters/$(basename "$f")"
    done
else
    skip "libvirt built-in filters (no $libvirt/builtin-filters)"
fi

# --- Small cases -----------------------------------------------------------

tmp=$(mktemp -d "${TMPDIR:-/tmp}/schema-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# case EXPECT NAME FILTER-ATTRIBUTES BODY
case_ () {
    printf "<filter name='t'%s>\n%s\n</filter>\n" "$3" "$4" > "$tmp/$2.xml"
    check "$1" "$tmp/$2.xml" "case $2"
}
# rule EXPECT NAME RULE-CONTENT: one accept-out rule around the content.
rule () {
    case_ "$1" "$2" "" "<rule action='accept' direction='out'>$3</rule>"
}

# named EXPECT NAME FILTER-NAME: an empty filter called FILTER-NAME.
named () {
    printf "<filter name='%s'/>\n" "$3" > "$tmp/$2.xml"
    check "$1" "$tmp/$2.xml" "case $2"
}

# Filter names: the rule of nwf_filter_name_check().
named valid   name-200-bytes    "$(printf '%200s' '' | tr ' ' n)"
named invalid name-201-bytes    "$(printf '%201s' '' | tr ' ' n)"
named valid   name-all-chars    "0_a-B.c:d"
named invalid name-leading-dash "-a"
named invalid name-space        "a b"
named invalid name-dollar       '$(id)'
named invalid name-quote        "a&quot;b"
named invalid name-rlo          "$(printf 'a\342\200\256b')"

# Filter and rule attributes.
case_ valid   chain-arp-prefix    " chain='arp-xyz'" ""
case_ valid   chain-12-chars      " chain='ipv4-abcdefg'" ""
case_ invalid chain-13-chars      " chain='ipv4-abcdefgh'" ""
case_ invalid chain-rootx         " chain='rootx'" ""
case_ invalid chain-unknown       " chain='foo'" ""
case_ invalid chain-bad-char      " chain='arp/x'" ""
case_ valid   chain-priority      " chain='arp' priority='-1000'" ""
case_ invalid chain-priority-1001 " chain='arp' priority='1001'" ""
case_ invalid priority-no-chain   " priority='10'" ""
case_ valid   rule-priority-plus  "" "<rule action='drop' direction='in' priority='+5'/>"
case_ invalid rule-priority-2000  "" "<rule action='drop' direction='in' priority='2000'/>"
case_ invalid rule-priority-abc   "" "<rule action='drop' direction='in' priority='abc'/>"
case_ invalid rule-no-action      "" "<rule direction='in'/>"
case_ invalid rule-bad-direction  "" "<rule action='drop' direction='both'/>"
case_ valid   statematch-false    "" "<rule action='accept' direction='in' statematch='FALSE'/>"
case_ invalid statematch-no       "" "<rule action='accept' direction='in' statematch='no'/>"
case_ invalid param-bad-name      "" "<filterref filter='x'><parameter name='bad-name' value='1'/></filterref>"
case_ invalid param-bad-value     "" "<filterref filter='x'><parameter name='a' value='a/b'/></filterref>"
case_ invalid unknown-child       "" "<chain/>"

# Protocol elements.
rule valid   empty-rule         ""
rule valid   neg-pair           "<tcp dstportstart='22'/><tcp match='no' srcipaddr='10.0.0.1'/>"
rule invalid two-positive       "<tcp dstportstart='22'/><tcp srcipaddr='10.0.0.1'/>"
rule invalid two-protocols      "<tcp/><udp match='no'/>"
rule invalid unknown-attribute  "<tcp srcmacmask='ff:ff:ff:ff:ff:ff'/>"
rule invalid tcp-ipv6-flags     "<tcp-ipv6 flags='SYN/SYN'/>"
rule valid   tcp-ipv6-dstipto   "<tcp-ipv6 dstipfrom='::1' dstipto='::9'/>"
rule invalid ipv6-dscp          "<ipv6 dscp='1'/>"
rule invalid ip-ports-no-proto  "<ip dstportstart='80'/>"
rule invalid ip-ports-icmp      "<ip protocol='icmp' dstportstart='80'/>"
rule invalid ip-ports-var-proto "<ip protocol='\$P' dstportstart='80'/>"
rule valid   ip-ports-dccp      "<ip protocol='33' dstportstart='80'/>"
rule valid   ip-ports-sctp-hex  "<ip protocol='0x84' dstportstart='80'/>"
rule valid   ip-pair-ports      "<ip protocol='tcp'/><ip match='no' dstportstart='22'/>"

# Values.
rule valid   protocolid-0x600   "<mac protocolid='0x600'/>"
rule invalid protocolid-0x5ff   "<mac protocolid='0x5ff'/>"
rule invalid protocolid-700     "<mac protocolid='700'/>"
rule valid   protocolid-name    "<mac protocolid='IPv4'/>"
rule valid   encap-0x3c         "<vlan encap-protocol='0x3c'/>"
rule invalid encap-0x3b         "<vlan encap-protocol='0x3b'/>"
rule invalid vlanid-4096        "<vlan vlanid='4096'/>"
rule valid   vlanid-fff         "<vlan vlanid='fff'/>"
rule valid   stp-cost-u32       "<stp root-cost='4294967295'/>"
rule invalid stp-cost-2p32      "<stp root-cost='4294967296'/>"
rule valid   dscp-hex-3f        "<udp dscp='3f'/>"
rule invalid dscp-64            "<udp dscp='64'/>"
rule invalid icmp-type-256      "<icmp type='256'/>"
rule invalid connlimit-hex      "<tcp connlimit-above='0x1'/>"
rule valid   opcode-name        "<arp opcode='request_reverse'/>"
rule invalid opcode-unknown     "<arp opcode='Request_Forward'/>"
rule invalid mac-dash           "<mac srcmacaddr='1-2-3-4-5-6'/>"
rule valid   mac-short-groups   "<mac srcmacaddr='1:2:3:4:5:6'/>"
rule invalid macmask-holes      "<mac srcmacmask='ff:00:ff:00:00:00'/>"
rule valid   ipmask-dotted      "<udp srcipmask='255.255.248.0'/>"
rule invalid ipmask-holes       "<udp srcipmask='255.0.255.0'/>"
rule invalid ipmask-33          "<udp srcipmask='33'/>"
rule valid   ipv6mask-text      "<udp-ipv6 srcipmask='ffff:ffff::'/>"
rule invalid ipv6mask-holes     "<udp-ipv6 srcipmask='ffff:0:ffff::'/>"
rule invalid ipv6mask-129       "<udp-ipv6 srcipmask='129'/>"
rule valid   ipv6-mapped        "<udp-ipv6 srcipaddr='::ffff:10.1.2.3'/>"
rule invalid ipv6-short         "<udp-ipv6 srcipaddr='a:b:c'/>"
rule invalid ipv4-short-form    "<udp srcipaddr='10.1'/>"
rule valid   state-list         "<all state='new,Established'/>"
rule invalid state-syn          "<all state='SYN'/>"
rule valid   tcp-flags          "<tcp flags='SYN,ACK/SYN'/>"
rule invalid tcp-flags-no-slash "<tcp flags='SYN'/>"
rule valid   ipset              "<all ipset='set:_.-+' ipsetflags='SRC,dst'/>"
rule invalid ipset-32-chars     "<all ipset='abcdefghijklmnopqrstuvwxyz012345'/>"
rule invalid ipsetflags-7       "<all ipset='s' ipsetflags='src,src,src,src,src,src,src'/>"
rule invalid gratuitous-maybe   "<arp gratuitous='maybe'/>"
rule invalid comment-257        "<udp comment='$(printf '%257s' '' | tr ' ' x)'/>"
rule valid   comment-256        "<udp comment='$(printf '%256s' '' | tr ' ' x)'/>"

# Variable references.
rule valid   var-plain          "<udp srcipaddr='\$IP'/>"
rule valid   var-iterator       "<udp srcipaddr='\$IP[@3]' srcportstart='\$P[ @ 3 ] '/>"
rule valid   var-element        "<udp srcipaddr='\$IP[ 2 ]'/>"
rule invalid var-iterator-1001  "<udp srcipaddr='\$IP[@1001]'/>"
rule invalid var-bad-name       "<udp srcipaddr='\$IP-A'/>"
rule invalid var-trailing-blank "<udp srcipaddr='\$IP '/>"
rule invalid var-in-match       "<udp match='\$M'/>"

echo "schema-check: $n_pass as expected, $n_fail unexpected, $n_skip skipped"
test "$n_fail" -eq 0
