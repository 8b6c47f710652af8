/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "capture.h"

#include <pcap/pcap.h>
#include <string.h>
#include <sys/time.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(capture);

/* The longest frame a capture keeps. */
#define CAPTURE_SNAPLEN 65535

struct capture {
    pcap_t *pcap;               /* "Dead" handle: only for writing. */
    pcap_dumper_t *dumper;
    char *file;
    unsigned long long int n_packets;
};

static struct shash captures = SHASH_INITIALIZER(&captures);

static void
capture_close(struct capture *c)
{
    pcap_dump_close(c->dumper);
    pcap_close(c->pcap);
    free(c->file);
    free(c);
}

static void
capture_stop__(const char *port)
{
    struct capture *c = shash_find_and_delete(&captures, port);
    if (c) {
        VLOG_INFO("%s: capture to %s stopped after %llu packets", port,
                  c->file, c->n_packets);
        capture_close(c);
    }
}

void
capture_packet(const char *port, const void *packet, size_t size)
{
    struct capture *c = shash_find_data(&captures, port);
    if (c) {
        struct pcap_pkthdr hdr;
        struct timeval now;
        gettimeofday(&now, NULL);
        hdr.ts = now;
        hdr.len = size;
        hdr.caplen = MIN(size, CAPTURE_SNAPLEN);
        pcap_dump((u_char *) c->dumper, &hdr, packet);
        /* Flushed at once, so that the file can be read while the
         * capture goes on. */
        pcap_dump_flush(c->dumper);
        c->n_packets++;
    }
}

static void
capture_unixctl_start(struct unixctl_conn *conn, int argc OVS_UNUSED,
                      const char *argv[], void *aux OVS_UNUSED)
{
    const char *port = argv[1];
    const char *file = argv[2];
    pcap_t *pcap = pcap_open_dead(DLT_EN10MB, CAPTURE_SNAPLEN);
    pcap_dumper_t *dumper = pcap ? pcap_dump_open(pcap, file) : NULL;
    if (!dumper) {
        char *error = xasprintf("%s: cannot write capture file: %s", file,
                                pcap ? pcap_geterr(pcap) : "out of memory");
        unixctl_command_reply_error(conn, error);
        free(error);
        if (pcap) {
            pcap_close(pcap);
        }
        return;
    }
    capture_stop__(port);

    struct capture *c = xzalloc(sizeof *c);
    c->pcap = pcap;
    c->dumper = dumper;
    c->file = xstrdup(file);
    shash_add(&captures, port, c);
    VLOG_INFO("%s: capturing packet-ins to %s", port, file);
    unixctl_command_reply(conn, NULL);
}

static void
capture_unixctl_stop(struct unixctl_conn *conn, int argc OVS_UNUSED,
                     const char *argv[], void *aux OVS_UNUSED)
{
    struct capture *c = shash_find_data(&captures, argv[1]);
    if (!c) {
        char *error = xasprintf("%s: no capture in progress", argv[1]);
        unixctl_command_reply_error(conn, error);
        free(error);
        return;
    }
    char *reply = xasprintf("%llu packets written to %s", c->n_packets,
                            c->file);
    capture_stop__(argv[1]);
    unixctl_command_reply(conn, reply);
    free(reply);
}

static void
capture_unixctl_list(struct unixctl_conn *conn, int argc OVS_UNUSED,
                     const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    const struct shash_node **sorted = shash_sort(&captures);
    for (size_t i = 0; i < shash_count(&captures); i++) {
        const struct capture *c = sorted[i]->data;
        ds_put_format(&s, "%s %s %llu packets\n", sorted[i]->name, c->file,
                      c->n_packets);
    }
    free(sorted);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

void
capture_init(void)
{
    unixctl_command_register("capture/start", "PORT FILE", 2, 2,
                             capture_unixctl_start, NULL);
    unixctl_command_register("capture/stop", "PORT", 1, 1,
                             capture_unixctl_stop, NULL);
    unixctl_command_register("capture/list", "", 0, 0,
                             capture_unixctl_list, NULL);
}

void
capture_destroy(void)
{
    struct shash_node *node, *next;
    SHASH_FOR_EACH_SAFE (node, next, &captures) {
        capture_stop__(node->name);
    }
}
