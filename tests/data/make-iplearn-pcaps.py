#!/usr/bin/python3
# Licensed under the Apache License, Version 2.0 (see COPYING).
#
# Writes the pcap files that tests/unit/test-iplearn.c feeds to the IP
# address learning packet handler (controller/iplearn-packet.c).  The files
# are committed; run this again only to change them:
#
#     /usr/bin/python3 tests/data/make-iplearn-pcaps.py tests/data
#
# Every frame gets the same fixed timestamp, so the output is reproducible.

import os
import sys

from scapy.all import (ARP, BOOTP, DHCP, IP, UDP, Dot1Q, Ether, Raw,
                       PcapWriter)

VM_MAC = "52:54:00:12:34:56"
OTHER_MAC = "52:54:00:65:43:21"
SERVER_MAC = "52:54:00:00:00:fe"
SERVER_IP = "10.0.0.1"
NEIGHBOUR_MAC = "52:54:00:aa:bb:cc"
NEIGHBOUR_IP = "10.0.0.66"
BCAST = "ff:ff:ff:ff:ff:ff"


def chaddr(mac):
    return bytes.fromhex(mac.replace(":", "")) + b"\0" * 10


def dhcp_from_vm(options, src="0.0.0.0", dst="255.255.255.255",
                 ciaddr="0.0.0.0", mac=VM_MAC, xid=0x1234):
    return (Ether(src=mac, dst=BCAST if dst == "255.255.255.255"
                  else SERVER_MAC)
            / IP(src=src, dst=dst)
            / UDP(sport=68, dport=67)
            / BOOTP(op=1, chaddr=chaddr(mac), ciaddr=ciaddr, xid=xid)
            / DHCP(options=options + ["end"]))


def dhcp_to_vm(options, yiaddr, mac=VM_MAC, eth_dst=None,
               siaddr=SERVER_IP, xid=0x1234, src_mac=SERVER_MAC,
               src_ip=SERVER_IP):
    return (Ether(src=src_mac, dst=eth_dst or mac)
            / IP(src=src_ip, dst=yiaddr)
            / UDP(sport=67, dport=68)
            / BOOTP(op=2, chaddr=chaddr(mac), yiaddr=yiaddr,
                    siaddr=siaddr, xid=xid)
            / DHCP(options=options + ["end"]))


def server_opts(msg_type, lease=3600):
    opts = [("message-type", msg_type), ("server_id", SERVER_IP)]
    if lease is not None:
        opts.append(("lease_time", lease))
    return opts


def write(outdir, name, frames):
    w = PcapWriter(os.path.join(outdir, name), linktype=1, sync=True)
    for f in frames:
        f.time = 1700000000
        w.write(f)
    w.close()


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))

    # DISCOVER, OFFER (broadcast), REQUEST, ACK (unicast), lease 3600 s.
    write(outdir, "iplearn-dhcp-exchange.pcap", [
        dhcp_from_vm([("message-type", "discover")]),
        dhcp_to_vm(server_opts("offer"), "10.0.0.5", eth_dst=BCAST),
        dhcp_from_vm([("message-type", "request"),
                      ("requested_addr", "10.0.0.5"),
                      ("server_id", SERVER_IP)]),
        dhcp_to_vm(server_opts("ack"), "10.0.0.5"),
    ])

    # An ACK for another MAC (seen by the VM because it was broadcast), an
    # ACK with an infinite lease, an ACK without option 51, and an ACK from
    # a server that leaves siaddr zero.
    write(outdir, "iplearn-dhcp-other.pcap", [
        dhcp_to_vm(server_opts("ack"), "10.0.0.9", mac=OTHER_MAC,
                   eth_dst=BCAST),
        dhcp_to_vm(server_opts("ack", 0xffffffff), "10.0.0.6"),
        dhcp_to_vm(server_opts("ack", None), "10.0.0.7"),
        dhcp_to_vm(server_opts("ack"), "10.0.0.8", siaddr="0.0.0.0"),
    ])

    # What another guest sends to the VM's MAC when it wants to choose the
    # VM's address: an OFFER with the xid of the VM's exchange, then 100
    # ACKs of never-expiring leases that answer no request of the VM.
    write(outdir, "iplearn-dhcp-unasked.pcap", [
        dhcp_to_vm([("message-type", "offer"), ("server_id", NEIGHBOUR_IP),
                    ("lease_time", 0xffffffff)], "10.0.0.66",
                   src_mac=NEIGHBOUR_MAC, src_ip=NEIGHBOUR_IP,
                   siaddr=NEIGHBOUR_IP),
    ] + [
        dhcp_to_vm([("message-type", "ack"), ("server_id", NEIGHBOUR_IP),
                    ("lease_time", 0xffffffff)], "10.0.1.%d" % (i + 1),
                   src_mac=NEIGHBOUR_MAC, src_ip=NEIGHBOUR_IP,
                   siaddr=NEIGHBOUR_IP, xid=0x7000 + i)
        for i in range(100)
    ])

    # Three exchanges of the VM, each a REQUEST and its ACK: an infinite
    # lease, one without option 51, one of 3600 s; then an ACK that repeats
    # the last request's xid with another address.
    several = []
    for i, (addr, lease) in enumerate([("10.0.0.6", 0xffffffff),
                                       ("10.0.0.7", None),
                                       ("10.0.0.8", 3600)]):
        several += [
            dhcp_from_vm([("message-type", "request"),
                          ("requested_addr", addr),
                          ("server_id", SERVER_IP)], xid=0x2001 + i),
            dhcp_to_vm(server_opts("ack", lease), addr, xid=0x2001 + i),
        ]
    several.append(dhcp_to_vm(server_opts("ack"), "10.0.0.9", xid=0x2003))
    write(outdir, "iplearn-dhcp-several.pcap", several)

    write(outdir, "iplearn-dhcp-release.pcap", [
        dhcp_from_vm([("message-type", "release"),
                      ("server_id", SERVER_IP)],
                     src="10.0.0.5", dst=SERVER_IP, ciaddr="10.0.0.5"),
    ])

    write(outdir, "iplearn-dhcp-decline.pcap", [
        dhcp_from_vm([("message-type", "decline"),
                      ("requested_addr", "10.0.0.5"),
                      ("server_id", SERVER_IP)]),
    ])

    # A request, a reply, and a request whose sender MAC is forged.
    write(outdir, "iplearn-arp.pcap", [
        Ether(src=VM_MAC, dst=BCAST)
        / ARP(op=1, hwsrc=VM_MAC, psrc="10.0.0.5", pdst="10.0.0.1"),
        Ether(src=VM_MAC, dst=SERVER_MAC)
        / ARP(op=2, hwsrc=VM_MAC, psrc="10.0.0.5", hwdst=SERVER_MAC,
              pdst="10.0.0.1"),
        Ether(src=VM_MAC, dst=BCAST)
        / ARP(op=1, hwsrc=OTHER_MAC, psrc="10.0.0.66", pdst="10.0.0.1"),
    ])

    write(outdir, "iplearn-ipv4.pcap", [
        Ether(src=VM_MAC, dst=SERVER_MAC)
        / IP(src="10.0.0.5", dst="10.0.0.1") / UDP(sport=1234, dport=53),
        Ether(src=VM_MAC, dst=SERVER_MAC)
        / IP(src="0.0.0.0", dst="10.0.0.1") / UDP(sport=1234, dport=53),
        Ether(src=VM_MAC, dst="01:00:5e:00:00:01")
        / IP(src="224.0.0.1", dst="224.0.0.1") / UDP(sport=1, dport=2),
        Ether(src=VM_MAC, dst=BCAST)
        / IP(src="255.255.255.255", dst="255.255.255.255")
        / UDP(sport=1, dport=2),
        # Not from the VM's MAC.
        Ether(src=OTHER_MAC, dst=SERVER_MAC)
        / IP(src="10.0.0.66", dst="10.0.0.1") / UDP(sport=1, dport=2),
    ])

    write(outdir, "iplearn-vlan.pcap", [
        Ether(src=VM_MAC, dst=SERVER_MAC) / Dot1Q(vlan=10)
        / IP(src="10.0.0.10", dst="10.0.0.1") / UDP(sport=1234, dport=53),
    ])

    # An ACK cut in the middle of its BOOTP header (the IP and UDP lengths
    # still claim the whole message), an ACK whose lease-time option claims
    # more bytes than the message holds, and two short replies.
    ack = dhcp_to_vm(server_opts("ack"), "10.0.0.5")
    raw = bytes(ack)
    truncated = Ether(raw[:14 + 20 + 8 + 100])
    good = bytes(ack[BOOTP])
    opts = good[236 + 4:]
    # Options: 53 (3 bytes), 54 (6 bytes), 51 (6 bytes), end.  Make option
    # 51 claim 200 bytes.
    assert opts[9] == 51 and opts[10] == 4
    bad_opts = opts[:10] + bytes([200]) + opts[11:]
    malformed = (Ether(src=SERVER_MAC, dst=VM_MAC)
                 / IP(src=SERVER_IP, dst="10.0.0.5")
                 / UDP(sport=67, dport=68)
                 / Raw(good[:240] + bad_opts))
    # A reply whose IP and UDP lengths agree but that holds only 100 bytes
    # of BOOTP header, and one that stops right after the magic cookie.
    short = (Ether(src=SERVER_MAC, dst=VM_MAC)
             / IP(src=SERVER_IP, dst="10.0.0.5")
             / UDP(sport=67, dport=68) / Raw(good[:100]))
    no_opts = (Ether(src=SERVER_MAC, dst=VM_MAC)
               / IP(src=SERVER_IP, dst="10.0.0.5")
               / UDP(sport=67, dport=68) / Raw(good[:240]))
    write(outdir, "iplearn-malformed.pcap",
          [truncated, malformed, short, no_opts])


if __name__ == "__main__":
    main()
