/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(capture);

/* The longest frame a capture keeps. */
#define CAPTURE_SNAPLEN 65535

/* Sizes in a pcap file: its header, and each record's before the frame. */
#define PCAP_FILE_HEADER_LEN 24
#define PCAP_RECORD_HEADER_LEN 16

struct capture {
    pcap_t *pcap;               /* "Dead" handle: only for writing. */
    pcap_dumper_t *dumper;      /* NULL once the size limit stopped it. */
    char *file;
    unsigned long long int n_packets;
    unsigned long long int n_bytes;     /* Size of the file. */
    unsigned long long int max_bytes;
};

static struct shash captures = SHASH_INITIALIZER(&captures);
static bool (*port_is_known)(const char *port);

static void
capture_close(struct capture *c)
{
    if (c->dumper) {
        pcap_dump_close(c->dumper);
    }
    pcap_close(c->pcap);
    free(c->file);
    free(c);
}

/* A message that says how 'c' ended, for the log and capture/stop. */
static char *
capture_summary(const struct capture *c)
{
    return xasprintf("%llu packets written to %s%s", c->n_packets, c->file,
                     c->dumper ? "" : " (stopped at its size limit)");
}

static void
capture_stop__(const char *port)
{
    struct capture *c = shash_find_and_delete(&captures, port);
    if (c) {
        char *summary = capture_summary(c);
        VLOG_INFO("%s: capture stopped: %s", port, summary);
        free(summary);
        capture_close(c);
    }
}

void
capture_packet(const char *port, const void *packet, size_t size)
{
    struct capture *c = shash_find_data(&captures, port);
    if (!c || !c->dumper) {
        return;
    }

    struct pcap_pkthdr hdr;
    struct timeval now;
    gettimeofday(&now, NULL);
    hdr.ts = now;
    hdr.len = size;
    hdr.caplen = MIN(size, CAPTURE_SNAPLEN);

    /* A guest decides how many packets there are: the file stops at its
     * limit rather than fill the disk. */
    unsigned long long int record = PCAP_RECORD_HEADER_LEN + hdr.caplen;
    if (c->n_bytes + record > c->max_bytes) {
        pcap_dump_close(c->dumper);
        c->dumper = NULL;
        VLOG_WARN("%s: capture to %s stopped: size limit of %llu bytes "
                  "reached after %llu packets", port, c->file, c->max_bytes,
                  c->n_packets);
        return;
    }
    pcap_dump((u_char *) c->dumper, &hdr, packet);
    /* Flushed at once, so that the file can be read while the capture goes
     * on. */
    pcap_dump_flush(c->dumper);
    c->n_packets++;
    c->n_bytes += record;
}

/* Creates 'file' for a capture: a new file, never an existing one or a
 * symbolic link (the daemon runs as root; a link planted where an admin
 * asks for a capture must not make it overwrite /etc/shadow), mode 0600
 * since it holds guests' traffic.  Returns the pcap writer, or NULL with
 * a message in '*errorp'. */
static pcap_dumper_t *
capture_create_file(pcap_t *pcap, const char *file, char **errorp)
{
    int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  0600);
    if (fd < 0) {
        *errorp = xasprintf("%s: cannot create capture file: %s%s", file,
                            ovs_strerror(errno),
                            errno == EEXIST ? " (a capture never replaces "
                            "a file)" : "");
        return NULL;
    }
    FILE *stream = fdopen(fd, "wb");
    pcap_dumper_t *dumper = stream ? pcap_dump_fopen(pcap, stream) : NULL;
    if (!dumper) {
        *errorp = xasprintf("%s: cannot write capture file: %s", file,
                            stream ? pcap_geterr(pcap) : ovs_strerror(errno));
        if (stream) {
            fclose(stream);
        } else {
            close(fd);
        }
        unlink(file);
    }
    return dumper;
}

/* Parses 'arg' as the size limit of a capture into '*max'.  Returns NULL
 * or an error message. */
static char *
capture_parse_max(const char *arg, unsigned long long int *max)
{
    char *end;
    errno = 0;
    unsigned long long int n = strtoull(arg, &end, 10);
    if (!arg[0] || arg[0] == '-' || *end || errno
        || n < CAPTURE_MIN_BYTES || n > CAPTURE_MAX_BYTES_LIMIT) {
        return xasprintf("%s: not a size limit in bytes (%d to %llu)", arg,
                         CAPTURE_MIN_BYTES, CAPTURE_MAX_BYTES_LIMIT);
    }
    *max = n;
    return NULL;
}

/* The port whose capture writes to 'file', or NULL. */
static const char *
capture_find_file(const char *file)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, &captures) {
        const struct capture *c = node->data;
        if (!strcmp(c->file, file)) {
            return node->name;
        }
    }
    return NULL;
}

static void
capture_unixctl_start(struct unixctl_conn *conn, int argc,
                      const char *argv[], void *aux OVS_UNUSED)
{
    const char *port = argv[1];
    const char *file = argv[2];
    unsigned long long int max_bytes = CAPTURE_MAX_BYTES_DEFAULT;
    char *error = NULL;
    const char *other;
    pcap_t *pcap = NULL;
    pcap_dumper_t *dumper = NULL;

    if (argc > 3) {
        error = capture_parse_max(argv[3], &max_bytes);
    }
    if (error) {
        /* Reported below. */
    } else if (port_is_known && !port_is_known(port)) {
        error = xasprintf("%s: no such bound port (only a port with "
                          "external_ids:filterref has packets to capture)",
                          port);
    } else if (file[0] != '/') {
        error = xasprintf("%s: the capture file must be an absolute file "
                          "name", file);
    } else if ((other = capture_find_file(file)) != NULL) {
        error = xasprintf("%s: already the file of %s's capture", file,
                          other);
    } else {
        pcap = pcap_open_dead(DLT_EN10MB, CAPTURE_SNAPLEN);
        if (!pcap) {
            error = xasprintf("%s: cannot write capture file: out of "
                              "memory", file);
        } else {
            dumper = capture_create_file(pcap, file, &error);
        }
    }
    if (error) {
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
    c->n_bytes = PCAP_FILE_HEADER_LEN;
    c->max_bytes = max_bytes;
    shash_add(&captures, port, c);
    VLOG_INFO("%s: capturing packet-ins to %s, at most %llu bytes", port,
              file, max_bytes);
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
    char *reply = capture_summary(c);
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
        ds_put_format(&s, "%s %s %llu packets, %llu of %llu bytes%s\n",
                      sorted[i]->name, c->file, c->n_packets, c->n_bytes,
                      c->max_bytes,
                      c->dumper ? "" : " (stopped at its size limit)");
    }
    free(sorted);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* Registers the capture commands.  A capture is started only for a port
 * that 'port_known' (if nonnull) knows. */
void
capture_init(bool (*port_known)(const char *port))
{
    port_is_known = port_known;
    unixctl_command_register("capture/start", "PORT FILE [MAX-BYTES]", 2, 3,
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
