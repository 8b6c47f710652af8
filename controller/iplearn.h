/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef IPLEARN_H
#define IPLEARN_H 1

/* IP address learning: the addresses of bound ports whose filter needs
 * $IP when none is given (libvirt's CTRL_IP_LEARNING).
 *
 * The binding module says which ports learn, in which mode, and feeds the
 * copies of their frames that the pipeline sends to the controller
 * (NWF_PUNT_LEARN); this module turns them into addresses with
 * iplearn-packet.c and keeps them:
 *
 *   any    the first IPv4 source or ARP sender address the VM uses, or
 *          the address a DHCP OFFER or ACK gives it; then no more.
 *   dhcp   one lease per DHCPACK to the VM (from a DHCPSERVER, if any
 *          are set), until it expires or the VM sends RELEASE or DECLINE.
 *
 * Addresses and leases are kept in STATE_DIR/iplearn.json, rewritten on
 * every change, so that a restarted controller does not learn again; a
 * lease's expiry is kept as wall-clock time, so it expires on time across
 * a restart.  A port's state is dropped when it stops learning (its
 * binding goes away, or it gets $IP some other way) or comes back with
 * another MAC or mode. */

#include <stdbool.h>
#include <stddef.h>

#include "nwf-vars.h"
#include "openvswitch/types.h"

struct eth_addr;
struct sset;
struct svec;

void iplearn_init(const char *state_dir);
void iplearn_destroy(void);

/* Port 'name' learns its address in 'mode' (ANY or DHCP), trusting the
 * DHCP servers 'servers' (all if 'n_servers' is 0). */
void iplearn_port_set(const char *name, const struct eth_addr *mac,
                      enum nwf_ip_learning mode,
                      const ovs_be32 *servers, size_t n_servers);
void iplearn_port_remove(const char *name);

/* Appends port 'name''s current addresses to 'addrs', sorted. */
void iplearn_port_get_addrs(const char *name, struct svec *addrs);

/* A frame of port 'name' that the pipeline copied to the controller. */
void iplearn_handle_frame(const char *name, const void *frame, size_t len,
                          bool from_vm);

/* Expires leases and adds to 'changed' the ports whose addresses changed
 * since the last call. */
void iplearn_run(struct sset *changed);
void iplearn_wait(void);

/* Drops the state read from the state directory for ports that no
 * iplearn_port_set() has claimed since: their binding went away while the
 * controller was down.  Called once the bindings are known. */
void iplearn_forget_unclaimed(void);

#endif /* iplearn.h */
