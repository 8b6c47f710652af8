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
 *   capture/start PORT FILE [MAX-BYTES]
 *                             starts writing the packet-ins of PORT, a
 *                             bound port, to FILE, an absolute name of a
 *                             file that does not exist (replacing a
 *                             capture of PORT in progress), until FILE
 *                             holds MAX-BYTES (CAPTURE_MAX_BYTES_DEFAULT);
 *   capture/stop PORT         closes the file;
 *   capture/list              lists the captures in progress, and those
 *                             their size limit stopped.
 *
 * A capture never replaces a file or follows a symbolic link, and two
 * captures never share a file. */

#include <stdbool.h>
#include <stddef.h>

#define CAPTURE_MAX_BYTES_DEFAULT (64ULL * 1024 * 1024)
#define CAPTURE_MIN_BYTES 1024
#define CAPTURE_MAX_BYTES_LIMIT (1ULL << 40)

void capture_init(bool (*port_known)(const char *port));
void capture_destroy(void);

/* A packet-in of port 'port'. */
void capture_packet(const char *port, const void *packet, size_t size);

#endif /* capture.h */
