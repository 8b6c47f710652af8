/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef PINCTRL_H
#define PINCTRL_H 1

/* Packets the pipeline sends to the controller ("packet-ins").
 *
 * A flow's controller() action carries a userdata whose first byte is an
 * enum nwf_punt_reason (compiler/nwf-pipeline.h).  Today that is:
 *
 *   - reject: an IP-layer rule with action "reject" matched.  Like
 *     iptables' REJECT, which libvirt uses, the sender gets an ICMP (or
 *     ICMPv6) port unreachable built from the rejected packet; the packet
 *     itself is dropped by the flow.  The reply is put back into the
 *     pipeline's output stage for the port the packet came from.  It
 *     passes that port's Ethernet-layer "in" rules but not its IP-layer
 *     ones (docs/pipeline.md): libvirt's reply comes from the host's own
 *     stack, which ebtables sees and the VM's FO chain does not. */

#include <stdbool.h>
#include <stddef.h>

struct dp_packet;
struct ofctrl;
struct ofp_header;

void pinctrl_handle_packet_in(struct ofctrl *, const struct ofp_header *);

bool pinctrl_compose_reject(const void *packet, size_t size,
                            struct dp_packet *reply);

#endif /* pinctrl.h */
