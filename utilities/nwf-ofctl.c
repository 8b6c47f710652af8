/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* nwf-ofctl: the administrator's tool for ovs-nwfilter, like
 * "virsh nwfilter-*".  Offline commands work on files with no daemon
 * running; the others talk to nwf-controller over its unixctl socket. */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "command-line.h"
#include "flow.h"
#include "nwf-bridge-flows.h"
#include "nwf-compile.h"
#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-flows.h"
#include "nwf-pipeline.h"
#include "nwf-vars.h"
#include "nwf-xml.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(nwf_ofctl);

enum {
    OPT_VERSION = UCHAR_MAX + 1,
    OPT_FILTER_DIR,
    OPT_PARAM,
    OPT_MAC,
    OPT_OFPORT,
    OPT_ZONE,
    OPT_PORT,
};

/* Where "compile" looks for filters by default: the store that
 * nwf-controller keeps. */
#define DEFAULT_FILTER_DIR NWF_SYSCONFDIR "/ovs-nwfilter/filters"

/* Options of "compile" and "compile-bridge". */
static char *filter_dir;                /* --filter-dir. */
static struct nwf_var_table params;     /* --param, repeatable. */
static struct eth_addr port_mac;        /* --mac. */
static bool port_mac_given;
static unsigned int port_ofport = 1;    /* --ofport. */
static unsigned int port_zone = NWF_ZONE_MIN;       /* --zone. */
static struct nwf_port *bridge_ports;   /* --port, repeatable. */
static size_t n_bridge_ports;

OVS_NO_RETURN static void usage(void);
static void parse_options(int argc, char *argv[]);
static void parse_compile_option(int option, const char *arg);
static const struct ovs_cmdl_command *get_all_commands(void);

int
main(int argc, char *argv[])
{
    struct ovs_cmdl_context ctx = { .argc = 0, };

    set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_WARN);
    nwf_var_table_init(&params);
    parse_options(argc, argv);

    ctx.argc = argc - optind;
    ctx.argv = argv + optind;
    ovs_cmdl_run_command(&ctx, get_all_commands());
    return 0;
}

static void
parse_options(int argc, char *argv[])
{
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {"verbose", optional_argument, NULL, 'v'},
        {"filter-dir", required_argument, NULL, OPT_FILTER_DIR},
        {"param", required_argument, NULL, OPT_PARAM},
        {"mac", required_argument, NULL, OPT_MAC},
        {"ofport", required_argument, NULL, OPT_OFPORT},
        {"zone", required_argument, NULL, OPT_ZONE},
        {"port", required_argument, NULL, OPT_PORT},
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case 'h':
            usage();

        case OPT_VERSION:
            printf("%s (ovs-nwfilter) %s\n", program_name, NWF_VERSION);
            exit(EXIT_SUCCESS);

        case 'v':
            vlog_set_verbosity(optarg);
            break;

        case '?':
            exit(EXIT_FAILURE);

        default:
            parse_compile_option(c, optarg);
            break;
        }
    }
    free(short_options);

    if (optind >= argc) {
        ovs_fatal(0, "missing command name; use --help for help");
    }
}

/* Adds the port that 'spec' describes to 'bridge_ports'.  Returns NULL,
 * or a malloc'd message. */
static char *
add_bridge_port(const char *spec)
{
    struct nwf_port port;
    char *error = nwf_bridge_port_parse(spec, &port);
    for (size_t i = 0; !error && i < n_bridge_ports; i++) {
        if (bridge_ports[i].ofport == port.ofport) {
            error = xasprintf("port %"PRIu16" is given twice",
                              ofp_to_u16(port.ofport));
        }
    }
    if (error) {
        nwf_bridge_port_destroy(&port);
        return error;
    }
    bridge_ports = xrealloc(bridge_ports, (n_bridge_ports + 1)
                            * sizeof *bridge_ports);
    bridge_ports[n_bridge_ports++] = port;
    return NULL;
}

/* Parses an option of "compile" or "compile-bridge". */
static void
parse_compile_option(int option, const char *arg)
{
    char *error = NULL;

    switch (option) {
    case OPT_FILTER_DIR:
        free(filter_dir);
        filter_dir = xstrdup(arg);
        break;

    case OPT_PARAM:
        error = nwf_var_table_parse_assignment(&params, arg,
                                               NWF_VAR_STRICT);
        break;

    case OPT_MAC:
        if (!eth_addr_from_string(arg, &port_mac)) {
            error = xasprintf("'%s' is not a MAC address", arg);
        }
        port_mac_given = true;
        break;

    case OPT_OFPORT:
        if (!str_to_uint(arg, 10, &port_ofport) || !port_ofport
            || port_ofport >= ofp_to_u16(OFPP_MAX)) {
            error = xasprintf("'%s' is not an OpenFlow port number", arg);
        }
        break;

    case OPT_ZONE:
        if (!str_to_uint(arg, 10, &port_zone) || port_zone < NWF_ZONE_MIN
            || port_zone > NWF_ZONE_MAX) {
            error = xasprintf("'%s' is not a conntrack zone (%d to %d)",
                              arg, NWF_ZONE_MIN, NWF_ZONE_MAX);
        }
        break;

    case OPT_PORT:
        error = add_bridge_port(arg);
        break;

    default:
        abort();
    }
    if (error) {
        ovs_fatal(0, "%s", error);
    }
}

static void
usage(void)
{
    printf("%s: ovs-nwfilter administration utility\n"
           "usage: %s [OPTIONS] COMMAND [ARG...]\n"
           "\nOffline commands (no daemon needed):\n"
           "  validate FILE...        check filter files, report every error\n"
           "  format FILE             print a filter as dumpxml would\n"
           "  compile NAME|FILE       print the flows of a port with that "
           "filter, then a\n"
           "                          line \"# bridge-wide\" and the "
           "bridge-wide flows of\n"
           "                          a bridge made of that port alone\n"
           "  compile-bridge --port=SPEC...\n"
           "                          print the bridge-wide flows of a "
           "bridge with those\n"
           "                          ports (with \"compile\" for each "
           "bound port: the\n"
           "                          flows of a bridge of several ports)\n"
           "\nOptions of compile:\n"
           "  --filter-dir=DIR        where NAME.xml is (default: the "
           "filter store\n"
           "                          %s,\n"
           "                          else the built-in filters)\n"
           "  --param=NAME=VALUE      a filter parameter; repeat NAME for a "
           "list\n"
           "  --mac=MAC               the VM's MAC address ($MAC)\n"
           "  --ofport=N              the port's OpenFlow port number "
           "(default 1)\n"
           "  --zone=Z                the port's conntrack zone (default 1)\n"
           "\nOptions of compile-bridge:\n"
           "  --port=OFPORT[,tag=N][,trunks=A-B,C...][,bound]\n"
           "                          a port: an access port of VLAN N, or a "
           "trunk of the\n"
           "                          listed VLANs (default: all of them); "
           "bound: it has\n"
           "                          a filter and its own flows come from "
           "compile;\n"
           "                          repeat for each port\n"
           "\nOther options:\n"
           "  -v, --verbose=[SPEC]    set logging levels\n"
           "  -h, --help              display this help message\n"
           "  --version               display version information\n",
           program_name, program_name, DEFAULT_FILTER_DIR);
    exit(EXIT_SUCCESS);
}

static void
nwf_ofctl_list_commands(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    ovs_cmdl_print_commands(get_all_commands());
}

/* Returns the first of the malloc'd 'candidates' (NULLs skipped) that
 * exists, and frees the others.  If none does, says that 'what' was not
 * found, where it looked, and 'hint', and returns NULL. */
static char *
first_existing(char **candidates, size_t n, const char *what,
               const char *hint)
{
    struct ds tried = DS_EMPTY_INITIALIZER;
    char *found = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!candidates[i]) {
            continue;
        }
        if (!found && !access(candidates[i], R_OK)) {
            found = candidates[i];
            continue;
        }
        ds_put_format(&tried, "%s%s", tried.length ? ", " : "",
                      candidates[i]);
        free(candidates[i]);
    }
    if (!found) {
        fprintf(stderr, "%s: %s not found (looked for %s); %s\n",
                program_name, what, ds_cstr(&tried), hint);
    }
    ds_destroy(&tried);
    return found;
}

/* Returns 'path' relative to the directory of this program, so that a
 * program run from the build tree finds the source tree's data. */
static char *
beside_program(const char *path)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        return NULL;
    }
    exe[n] = '\0';
    char *exe_dir = dir_name(exe);
    char *result = xasprintf("%s/%s", exe_dir, path);
    free(exe_dir);
    return result;
}

/* Returns the RELAX NG schema to validate with: $NWF_SCHEMA if set, else
 * the installed copy, else the source tree's copy next to this program's
 * build directory.  Returns NULL, after saying where it looked, if none
 * is readable. */
static char *
find_schema(void)
{
    const char *env = getenv("NWF_SCHEMA");
    if (env) {
        return xstrdup(env);    /* Its absence is reported when used. */
    }

    char *candidates[] = {
        xasprintf("%s/nwfilter.rng", NWF_PKGDATADIR),
        beside_program("../schemas/nwfilter.rng"),
    };
    return first_existing(candidates, ARRAY_SIZE(candidates),
                          "RELAX NG schema nwfilter.rng",
                          "set NWF_SCHEMA to its path");
}

/* Returns the directory "compile" reads filters from: --filter-dir, else
 * the filter store, else the installed built-in filters, else the source
 * tree's (for a program run from the build tree).  Returns NULL, after
 * saying where it looked, if there is none: a filter given as a file may
 * not need one. */
static char *
find_filter_dir(void)
{
    if (filter_dir) {
        return xstrdup(filter_dir);
    }

    char *candidates[] = {
        xstrdup(DEFAULT_FILTER_DIR),
        xasprintf("%s/filters", NWF_PKGDATADIR),
        beside_program("../filters"),
    };
    return first_existing(candidates, ARRAY_SIZE(candidates),
                          "filter directory", "use --filter-dir");
}

/* validate FILE...: schema and parser checks; every error is printed and
 * the exit status is 1 if any file is invalid (or the schema is missing). */
static void
nwf_ofctl_validate(struct ovs_cmdl_context *ctx)
{
    char *schema = find_schema();
    bool ok = schema != NULL;

    for (int i = 1; i < ctx->argc; i++) {
        struct nwf_diag diag;
        nwf_diag_init(&diag);
        if (!nwf_xml_validate_file(ctx->argv[i], schema, &diag)) {
            fprintf(stderr, "%s\n", nwf_diag_text(&diag));
            ok = false;
        }
        nwf_diag_destroy(&diag);
    }
    free(schema);
    exit(ok ? EXIT_SUCCESS : EXIT_FAILURE);
}

/* format FILE: prints the filter the way "dumpxml" would. */
static void
nwf_ofctl_format(struct ovs_cmdl_context *ctx)
{
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_filter *filter = nwf_xml_parse_file(ctx->argv[1], &diag);
    if (!filter) {
        fprintf(stderr, "%s\n", nwf_diag_text(&diag));
        exit(EXIT_FAILURE);
    }

    char *xml = nwf_xml_format_string(filter);
    fputs(xml, stdout);
    free(xml);
    nwf_filter_destroy(filter);
    nwf_diag_destroy(&diag);
}

/* compile NAME|FILE: the flows of one port with that filter, then the
 * bridge-wide flows of a bridge made of that port (nwf-compile.h). */
static void
nwf_ofctl_compile(struct ovs_cmdl_context *ctx)
{
    char *dir = find_filter_dir();
    struct nwf_compile_request req = {
        .filter = ctx->argv[1],
        .filter_dir = dir,
        .params = &params,
        .mac = port_mac_given ? &port_mac : NULL,
        .ofport = u16_to_ofp(port_ofport),
        .zone = port_zone,
    };
    struct ds out = DS_EMPTY_INITIALIZER;
    struct nwf_diag diag;
    nwf_diag_init(&diag);

    switch (nwf_compile_port(&req, &out, &diag)) {
    case NWF_RESOLVE_OK:
        fputs(ds_cstr(&out), stdout);
        break;
    case NWF_RESOLVE_NEED_IP:
        ovs_fatal(0, "%s: the filter needs the VM's IP address, which "
                  "nwf-controller would learn; compile needs "
                  "--param IP=ADDRESS", ctx->argv[1]);
    case NWF_RESOLVE_ERROR:
    default:
        ovs_fatal(0, "%s", nwf_diag_text(&diag));
    }
    nwf_diag_destroy(&diag);
    ds_destroy(&out);
    free(dir);
}

/* compile-bridge --port SPEC...: the bridge-wide flows of a bridge with
 * those ports. */
static void
nwf_ofctl_compile_bridge(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    if (!n_bridge_ports) {
        ovs_fatal(0, "compile-bridge needs at least one --port");
    }

    struct nwf_flow_set flows;
    nwf_flow_set_init(&flows);
    nwf_flows_for_bridge(bridge_ports, n_bridge_ports, &flows);
    nwf_flow_set_sort(&flows);

    struct ds out = DS_EMPTY_INITIALIZER;
    nwf_flow_set_format(&flows, &out);
    fputs(ds_cstr(&out), stdout);
    ds_destroy(&out);
    nwf_flow_set_destroy(&flows);
}

static const struct ovs_cmdl_command all_commands[] = {
    { "list-commands", NULL, 0, 0, nwf_ofctl_list_commands, OVS_RO },
    { "validate", "FILE...", 1, INT_MAX, nwf_ofctl_validate, OVS_RO },
    { "format", "FILE", 1, 1, nwf_ofctl_format, OVS_RO },
    { "compile", "NAME|FILE", 1, 1, nwf_ofctl_compile, OVS_RO },
    { "compile-bridge", "--port OFPORT[,...]...", 0, 0,
      nwf_ofctl_compile_bridge, OVS_RO },
    { NULL, NULL, 0, 0, NULL, OVS_RO },
};

static const struct ovs_cmdl_command *
get_all_commands(void)
{
    return all_commands;
}
