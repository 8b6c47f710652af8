/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef CAPTURE_H
#define CAPTURE_H 1

/* Packet capture: writes the packets the controller receives for a port
 * (its packet-ins: learning copies and rejected packets) to a pcap file
 * that Wireshark or tcpdump can read, with libpcap.
 *
 * unixctl commands (nwf-ofctl capture):
 *   capture/start PORT FILE   starts writing PORT's packet-ins to FILE
 *                             (replacing a capture of PORT in progress);
 *   capture/stop PORT         closes the file;
 *   capture/list              lists the captures in progress. */

#include <stddef.h>

void capture_init(void);
void capture_destroy(void);

/* A packet-in of port 'port'. */
void capture_packet(const char *port, const void *packet, size_t size);

#endif /* capture.h */
