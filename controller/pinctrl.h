/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef PINCTRL_H
#define PINCTRL_H 1

/* Packets the pipeline sends to the controller ("packet-ins").
 *
 * A flow's controller() action carries a userdata whose first byte is an
 * enum nwf_punt_reason (compiler/nwf-pipeline.h):
 *
 *   - reject: an IP-layer rule with action "reject" matched.  Like
 *     iptables' REJECT, which libvirt uses, the sender gets an ICMP (or
 *     ICMPv6) port unreachable built from the rejected packet; the packet
 *     itself is dropped by the flow.  The reply is put back into the
 *     pipeline's output stage for the port the packet came from.  It
 *     passes that port's Ethernet-layer "in" rules but not its IP-layer
 *     ones (docs/pipeline.md): libvirt's reply comes from the host's own
 *     stack, which ebtables sees and the VM's FO chain does not.
 *
 *   - learn: a copy of a frame from or to a port that learns its IP
 *     address, for controller/iplearn.c.
 *
 * Every packet-in that belongs to a port, whatever its reason, is also
 * handed to the callback set with pinctrl_set_port_packet_cb(), which
 * learns from it and can write it to a capture file. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dp_packet;
struct ofctrl;
struct ofp_header;

void pinctrl_handle_packet_in(struct ofctrl *, const struct ofp_header *);

/* A packet-in of port 'ofport' of 'ofctrl''s bridge: 'from_vm' says
 * whether the port sent it or was to receive it. */
typedef void pinctrl_port_packet_cb(struct ofctrl *, uint16_t ofport,
                                    bool from_vm, uint8_t reason,
                                    const void *packet, size_t size);
void pinctrl_set_port_packet_cb(pinctrl_port_packet_cb *);

bool pinctrl_compose_reject(const void *packet, size_t size,
                            struct dp_packet *reply);

#endif /* pinctrl.h */
