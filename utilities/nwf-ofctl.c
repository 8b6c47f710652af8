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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "command-line.h"
#include "daemon.h"
#include "dirs.h"
#include "fatal-signal.h"
#include "filter-dir.h"
#include "flow.h"
#include "jsonrpc.h"
#include "nwf-bridge-flows.h"
#include "nwf-compile.h"
#include "nwf-diag.h"
#include "nwf-file.h"
#include "nwf-filter.h"
#include "nwf-flows.h"
#include "nwf-ofctl.h"
#include "nwf-ofctl-db.h"
#include "nwf-pipeline.h"
#include "nwf-vars.h"
#include "nwf-schema.h"
#include "nwf-xml.h"
#include "nwf-xmlfile.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "process.h"
#include "signals.h"
#include "unicode.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(nwf_ofctl);

enum {
    OPT_VERSION = UCHAR_MAX + 1,
    OPT_FILTER_DIR,
    OPT_PARAM,
    OPT_MAC,
    OPT_OFPORT,
    OPT_ZONE,
    OPT_TAG,
    OPT_PORT,
    OPT_FORMAT,
    OPT_OVS_DB,
    OPT_DB,
    OPT_TIMEOUT,
    VLOG_OPTION_ENUMS,
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
static int port_tag = -1;               /* --tag; -1: a trunk. */
static struct nwf_port *bridge_ports;   /* --port, repeatable. */
static size_t n_bridge_ports;

/* Where Debian's openvswitch-switch keeps its sockets. */
#define OVS_SWITCH_RUNDIR "/var/run/openvswitch"

/* Options of the binding commands (nwf-ofctl.h). */
char *nwf_ofctl_ovs_db;
int nwf_ofctl_timeout = 10;

/* Options of the commands that talk to nwf-controller. */
static char *target;                    /* --target: socket or name. */
static bool format_json;                /* --format=json. */

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
    /* A failure to reach the daemon is reported once, by this program. */
    static const char *const client_modules[] = { "unixctl", "jsonrpc" };
    for (size_t i = 0; i < ARRAY_SIZE(client_modules); i++) {
        struct vlog_module *module = vlog_module_from_name(client_modules[i]);
        if (module) {
            vlog_set_levels(module, VLF_ANY_DESTINATION, VLL_ERR);
        }
    }
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
        {"filter-dir", required_argument, NULL, OPT_FILTER_DIR},
        {"param", required_argument, NULL, OPT_PARAM},
        {"mac", required_argument, NULL, OPT_MAC},
        {"ofport", required_argument, NULL, OPT_OFPORT},
        {"zone", required_argument, NULL, OPT_ZONE},
        {"tag", required_argument, NULL, OPT_TAG},
        {"port", required_argument, NULL, OPT_PORT},
        {"target", required_argument, NULL, 't'},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"ovs-db", required_argument, NULL, OPT_OVS_DB},
        {"db", required_argument, NULL, OPT_DB},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        VLOG_LONG_OPTIONS,
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

        VLOG_OPTION_HANDLERS

        case OPT_OVS_DB:
            free(nwf_ofctl_ovs_db);
            nwf_ofctl_ovs_db = xstrdup(optarg);
            break;

        case OPT_DB:
            free(nwf_ofctl_db);
            nwf_ofctl_db = xstrdup(optarg);
            break;

        case OPT_TIMEOUT:
            if (!str_to_int(optarg, 10, &nwf_ofctl_timeout)
                || nwf_ofctl_timeout < 1) {
                ovs_fatal(0, "--timeout=%s: not a number of seconds (1 or "
                          "more)", optarg);
            }
            break;

        case 't':
            free(target);
            target = xstrdup(optarg);
            break;

        case OPT_FORMAT:
            if (!strcmp(optarg, "json") || !strcmp(optarg, "text")) {
                format_json = !strcmp(optarg, "json");
            } else {
                ovs_fatal(0, "--format=%s: unknown format (use text or "
                          "json)", optarg);
            }
            break;

        case '?':
            exit(EXIT_FAILURE);

        default:
            parse_compile_option(c, optarg);
            break;
        }
    }
    free(short_options);
    if (!nwf_ofctl_ovs_db) {
        /* The switch's, not libopenvswitch's build-time directory: ours
         * is built with its default prefix, Debian's switch runs in
         * /var/run/openvswitch. */
        const char *rundir = getenv("OVS_RUNDIR");
        nwf_ofctl_ovs_db = xasprintf("unix:%s/db.sock",
                                     rundir ? rundir : OVS_SWITCH_RUNDIR);
    }

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

    case OPT_TAG: {
        unsigned int tag;
        if (str_to_uint(arg, 10, &tag) && tag <= 4095) {
            port_tag = tag;
        } else {
            error = xasprintf("'%s' is not a VLAN (0 to 4095)", arg);
        }
        break;
    }

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
           "\nCommands that talk to nwf-controller:\n"
           "  list                    the UUID and name of every filter\n"
           "  define FILE             define a filter, or replace the one "
           "of its name and\n"
           "                          UUID, from the XML in FILE\n"
           "  undefine NAME|UUID      remove a filter that no port uses\n"
           "  dumpxml NAME|UUID       print a filter's XML\n"
           "  edit NAME|UUID          edit a filter's XML with $VISUAL or "
           "$EDITOR, then\n"
           "                          define it\n"
           "  bindings                the ports with a filter\n"
           "  show PORT               a port's filter, parameters and "
           "state\n"
           "  capture PORT FILE [MAX-BYTES]\n"
           "                          write the packets the controller "
           "receives for PORT\n"
           "                          (learning copies, rejected "
           "packets) to FILE, as pcap:\n"
           "                          a new file, up to MAX-BYTES "
           "(default 64 MiB)\n"
           "  capture-stop PORT       end PORT's capture\n"
           "\nOptions of those commands:\n"
           "  -t, --target=SOCKET|NAME\n"
           "                          nwf-controller's control socket, or "
           "the name of a\n"
           "                          daemon whose pidfile is in the OVS "
           "run directory\n"
           "                          (default: nwf-controller, found as "
           "\"ovs-appctl -t\"\n"
           "                          finds it: pidfile and socket in\n"
           "                          %s)\n"
           "  --format=text|json      output of list and bindings "
           "(default: text)\n"
           "\nThe filter database of a fleet (docs/distributed.md):\n"
           "  --db=REMOTE             list, define, undefine, dumpxml and "
           "edit work on\n"
           "                          the filter database at REMOTE "
           "(\"tcp:IP:PORT\",\n"
           "                          several, comma-separated, for a "
           "cluster) instead\n"
           "                          of the daemon\n"
           "  status                  with --db: the generation each host "
           "has applied\n"
           "\nFilter binding commands (the Open_vSwitch database, no daemon "
           "needed):\n"
           "  binding-create FILE     bind a filter from libvirt's "
           "<filterbinding> XML\n"
           "  binding-delete PORT     remove PORT's binding\n"
           "  binding-list            every bound port, its filter and "
           "owner\n"
           "  binding-dumpxml PORT    print PORT's binding as virsh would\n"
           "  libvirt-hook DOMAIN OPERATION SUB-OPERATION EXTRA\n"
           "                          the libvirt hook (domain XML on "
           "stdin)\n"
           "  --ovs-db=REMOTE         the database (default: unix:%s/"
           "db.sock,\n"
           "                          or $OVS_RUNDIR/db.sock)\n"
           "  --timeout=SECS          wait at most SECS for it (default "
           "10)\n"
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
           "  --tag=N                 the port is an access port of VLAN N "
           "(default: a\n"
           "                          trunk of every VLAN)\n"
           "\nOptions of compile-bridge:\n"
           "  --port=OFPORT[,tag=N][,trunks=A-B,C...][,vlan_mode=MODE]"
           "[,bound]\n"
           "                          a port: an access port of VLAN N, or a "
           "trunk of the\n"
           "                          listed VLANs (default: all of them); "
           "MODE\n"
           "                          native-untagged or native-tagged: a "
           "trunk whose\n"
           "                          untagged frames are in VLAN N; "
           "bound: it has\n"
           "                          a filter and its own flows come from "
           "compile;\n"
           "                          repeat for each port\n"
           "\nOther options:\n"
           "  -v, --verbose=[SPEC]    set logging levels\n"
           "  -h, --help              display this help message\n"
           "  --version               display version information\n",
           program_name, program_name, ovs_rundir(), OVS_SWITCH_RUNDIR,
           DEFAULT_FILTER_DIR);
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

/* Returns the file of RELAX NG schema 'name' (nwfilter.rng or
 * nwfilterbinding.rng) to validate with: the installed copy, else the
 * source tree's copy next to this program's build directory; for
 * nwfilter.rng, $NWF_SCHEMA first if it is set.  Returns NULL, after
 * saying where it looked, if none is readable. */
static char *
find_schema(const char *name)
{
    const char *env = getenv("NWF_SCHEMA");
    if (env && !strcmp(name, "nwfilter.rng")) {
        return xstrdup(env);    /* Its absence is reported when used. */
    }

    char *in_tree = xasprintf("../schemas/%s", name);
    char *candidates[] = {
        xasprintf("%s/%s", NWF_PKGDATADIR, name),
        beside_program(in_tree),
    };
    free(in_tree);
    char *what = xasprintf("RELAX NG schema %s", name);
    char *found = first_existing(candidates, ARRAY_SIZE(candidates), what,
                                 "set NWF_SCHEMA to nwfilter.rng's path");
    free(what);
    return found;
}

/* Returns RELAX NG schema 'name' (see find_schema()), read and parsed, or
 * NULL after saying why not. */
struct nwf_schema *
nwf_ofctl_read_schema(const char *name)
{
    char *file = find_schema(name);
    if (!file) {
        return NULL;
    }

    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_schema *schema = nwf_schema_read(file, &diag);
    if (!schema) {
        fprintf(stderr, "%s\n", nwf_diag_text(&diag));
    }
    nwf_diag_destroy(&diag);
    free(file);
    return schema;
}

/* Returns the filter store's directory: --filter-dir, else
 * nwf-controller's default. */
const char *
nwf_ofctl_store_dir(void)
{
    return filter_dir ? filter_dir : DEFAULT_FILTER_DIR;
}

/* Returns the directory of the built-in filters: the installed one, else
 * the source tree's (for a program run from the build tree), or NULL,
 * after saying where it looked.  'quiet' says nothing. */
char *
nwf_ofctl_find_builtin_dir(bool quiet)
{
    char *candidates[] = {
        xasprintf("%s/filters", NWF_PKGDATADIR),
        beside_program("../filters"),
    };
    if (quiet) {
        char *found = NULL;
        for (size_t i = 0; i < ARRAY_SIZE(candidates); i++) {
            if (!found && candidates[i] && !access(candidates[i], R_OK)) {
                found = candidates[i];
            } else {
                free(candidates[i]);
            }
        }
        return found;
    }
    return first_existing(candidates, ARRAY_SIZE(candidates),
                          "built-in filter directory", "use --filter-dir");
}

/* Returns the directory "compile" reads filters from: --filter-dir, else
 * the filter store, else the built-in filters.  Returns NULL, after
 * saying where it looked, if there is none: a filter given as a file may
 * not need one. */
static char *
find_filter_dir(void)
{
    const char *store = nwf_ofctl_store_dir();
    if (filter_dir || !access(store, R_OK)) {
        return xstrdup(store);
    }
    return nwf_ofctl_find_builtin_dir(false);
}

/* validate FILE...: schema and parser checks; every error is printed and
 * the exit status is 1 if any file is invalid (or the schema is missing). */
static void
nwf_ofctl_validate(struct ovs_cmdl_context *ctx)
{
    struct nwf_schema *schema = nwf_ofctl_read_schema("nwfilter.rng");
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
    nwf_schema_destroy(schema);
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
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_filter_files files;
    nwf_filter_files_init(&files, dir, NULL, &diag);
    const char *top = nwf_filter_files_top(&files, ctx->argv[1], false);
    if (!top) {
        ovs_fatal(0, "%s", nwf_diag_text(&diag));
    }
    struct nwf_compile_request req = {
        .filter = top,
        .lookup = nwf_filter_files_lookup,
        .aux = &files,
        .params = &params,
        .mac = port_mac_given ? &port_mac : NULL,
        .ofport = u16_to_ofp(port_ofport),
        .zone = port_zone,
        .tag = port_tag,
    };
    struct ds out = DS_EMPTY_INITIALIZER;

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
    nwf_filter_files_destroy(&files);
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

    struct ds out = DS_EMPTY_INITIALIZER;
    nwf_flow_set_format(&flows, &out);
    fputs(ds_cstr(&out), stdout);
    ds_destroy(&out);
    nwf_flow_set_destroy(&flows);
}

/* ---- Commands that talk to nwf-controller. ---- */

/* Returns the path of the daemon's unixctl socket: --target if it names a
 * socket (it has a '/'), otherwise the socket of the daemon of that name
 * (default nwf-controller) found through its pidfile in the OVS run
 * directory, exactly as "ovs-appctl -t NAME" finds it. */
static char *
target_socket(void)
{
    const char *name = target ? target : "nwf-controller";
    if (strchr(name, '/')) {
        return xstrdup(name);
    }

    char *pidfile = xasprintf("%s/%s.pid", ovs_rundir(), name);
    pid_t pid = read_pidfile(pidfile);
    if (pid < 0) {
        ovs_fatal(-pid, "cannot read pidfile \"%s\"; is %s running? "
                  "(use --target to name its socket)", pidfile, name);
    }
    free(pidfile);
    return xasprintf("%s/%s.%ld.ctl", ovs_rundir(), name, (long int) pid);
}

/* Sends unixctl 'command' with its 'argc' arguments to the daemon.
 * Returns its reply, or NULL with '*errorp' set to its error message (both
 * malloc'd).  Exits if the daemon cannot be reached. */
static char *
daemon_transact(const char *command, int argc, const char *argv[],
                char **errorp)
{
    char *socket_name = target_socket();
    struct jsonrpc *client;
    int error = unixctl_client_create(socket_name, &client);
    if (error) {
        ovs_fatal(error, "cannot connect to \"%s\"", socket_name);
    }

    char *result;
    error = unixctl_client_transact(client, command, argc,
                                    (char **) argv, /* Only read. */
                                    &result, errorp);
    jsonrpc_close(client);
    if (error) {
        ovs_fatal(error, "%s: transaction error", socket_name);
    }
    free(socket_name);
    return result;
}

/* Runs filter command 'command' where the filters are: the filter
 * database with --db, else the daemon.  As daemon_transact(). */
static char *
filter_transact(const char *command, int argc, const char *argv[],
                char **errorp)
{
    return (nwf_ofctl_db
            ? nwf_ofctl_db_transact(command, argc, argv, errorp)
            : daemon_transact(command, argc, argv, errorp));
}

/* Prints 'error', a daemon's error reply, as this program's error. */
static void
print_daemon_error(const char *error)
{
    size_t len = strlen(error);
    if (len && error[len - 1] == '\n') {
        len--;
    }
    fprintf(stderr, "%s: %.*s\n", program_name, (int) len, error);
}

/* Prints 'result', a reply; if there is none, prints 'error' and exits
 * with status 1. */
static void
print_reply(char *result, char *error)
{
    if (!result) {
        print_daemon_error(error);
        exit(EXIT_FAILURE);
    }
    fputs(result, stdout);
    free(result);
}

/* Runs 'command' on the daemon and prints its reply; on an error reply,
 * prints the error and exits with status 1. */
static void
daemon_run(const char *command, int argc, const char *argv[])
{
    char *error;
    char *result = daemon_transact(command, argc, argv, &error);
    print_reply(result, error);
}

/* The same for a filter command, where the filters are (see
 * filter_transact()). */
static void
filter_run(const char *command, int argc, const char *argv[])
{
    char *error;
    char *result = filter_transact(command, argc, argv, &error);
    print_reply(result, error);
}

/* Reads file 'file_name' into 's' for sending to the daemon.  Returns
 * NULL, or a malloc'd message if the file cannot be read or cannot be a
 * filter: not a regular file (a FIFO would block), larger than the parser
 * takes, a NUL byte (the XML travels as a
 * JSON string) or not UTF-8. */
static char *
read_filter_text(const char *file_name, struct ds *s)
{
    char *open_error;
    FILE *file = nwf_file_open(file_name, &open_error);
    if (!file) {
        char *msg = xasprintf("%s: %s", file_name, open_error);
        free(open_error);
        return msg;
    }

    char buf[4096];
    size_t n;
    ds_clear(s);
    while ((n = fread(buf, 1, sizeof buf, file)) > 0
           && s->length <= NWF_XML_MAX_SIZE) {
        ds_put_buffer(s, buf, n);
    }
    int error = ferror(file) ? errno : 0;
    fclose(file);

    if (error) {
        return xasprintf("%s: read error (%s)", file_name,
                         ovs_strerror(error));
    } else if (s->length > NWF_XML_MAX_SIZE) {
        return xasprintf("%s: larger than the limit of %d bytes",
                         file_name, NWF_XML_MAX_SIZE);
    } else if (memchr(s->string ? s->string : "", '\0', s->length)) {
        return xasprintf("%s: contains a NUL byte", file_name);
    }

    char *utf8_error = utf8_validate(ds_cstr(s), NULL);
    if (utf8_error) {
        char *msg = xasprintf("%s: not UTF-8 (%s)", file_name, utf8_error);
        free(utf8_error);
        return msg;
    }
    return NULL;
}

/* list [--format=json]: the table of "virsh nwfilter-list", or JSON. */
static void
nwf_ofctl_list(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    const char *args[] = { "--format=json" };
    filter_run("filter/list", format_json ? 1 : 0, args);
}

/* Sends the filter XML 'text' read from 'file_name' to the daemon to
 * define.  Returns the daemon's reply, or NULL with '*errorp' set. */
static char *
define_text(const char *text, const char *file_name, char **errorp)
{
    const char *args[] = { text, file_name };
    return filter_transact("filter/define", 2, args, errorp);
}

/* define FILE. */
static void
nwf_ofctl_define(struct ovs_cmdl_context *ctx)
{
    struct ds text = DS_EMPTY_INITIALIZER;
    char *error = read_filter_text(ctx->argv[1], &text);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    const char *args[] = { ds_cstr(&text), ctx->argv[1] };
    filter_run("filter/define", 2, args);
    ds_destroy(&text);
}

/* undefine NAME|UUID. */
static void
nwf_ofctl_undefine(struct ovs_cmdl_context *ctx)
{
    filter_run("filter/undefine", 1, (const char **) ctx->argv + 1);
}

/* dumpxml NAME|UUID. */
static void
nwf_ofctl_dumpxml(struct ovs_cmdl_context *ctx)
{
    filter_run("filter/dumpxml", 1, (const char **) ctx->argv + 1);
}

/* Runs 'editor' (a shell command, as in $EDITOR) on 'file_name' and waits
 * for it.  Exits if it fails. */
static void
run_editor(const char *editor, const char *file_name)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        ovs_fatal(errno, "fork failed");
    } else if (!pid) {
        /* "$@" keeps the file name one word whatever it holds, while the
         * editor's own words (such as "emacs -nw") are split. */
        char *script = xasprintf("%s \"$@\"", editor);
        execl("/bin/sh", "sh", "-c", script, editor, file_name,
              (char *) NULL);
        fprintf(stderr, "%s: /bin/sh: %s\n", program_name,
                ovs_strerror(errno));
        _exit(127);
    }

    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            ovs_fatal(errno, "waiting for editor failed");
        }
    }
    fatal_signal_run();         /* Exit now if we were interrupted. */
    if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        char *msg = process_status_msg(status);
        ovs_fatal(0, "editor \"%s\" failed (%s)", editor, msg);
    }
}

/* Asks on the terminal whether to edit again, as "virsh edit" does after
 * an invalid result. */
static bool
ask_edit_again(void)
{
    /* The fatal-signal handler (installed by the unixctl client) restarts
     * reads; without SA_RESTART, Ctrl-C ends the read and then, through
     * fatal_signal_run(), the program, removing the temporary file. */
    struct sigaction sa;
    fatal_signal_init();
    xsigaction(SIGINT, NULL, &sa);
    sa.sa_flags &= ~SA_RESTART;
    xsigaction(SIGINT, &sa, NULL);

    for (;;) {
        char line[64];
        fputs("Try again? [y,n]: ", stderr);
        fflush(stderr);
        if (!fgets(line, sizeof line, stdin)) {
            fatal_signal_run();
            fputc('\n', stderr);
            return false;
        }
        if (line[0] == 'y' || line[0] == 'Y') {
            return true;
        } else if (line[0] == 'n' || line[0] == 'N') {
            return false;
        }
    }
}

/* Returns the name of the filter in 'xml', for messages, or a copy of
 * 'fallback' if it does not parse. */
static char *
filter_name_of(const char *xml, const char *fallback)
{
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_filter *filter = nwf_xml_parse_buffer(xml, strlen(xml),
                                                     fallback, &diag);
    char *name = xstrdup(filter ? filter->name : fallback);
    nwf_filter_destroy(filter);
    nwf_diag_destroy(&diag);
    return name;
}

/* edit NAME|UUID: dumpxml to a temporary file, $VISUAL or $EDITOR (or vi)
 * on it, then define the result, like "virsh nwfilter-edit".  An invalid
 * result is reported and, on a terminal, offered for editing again. */
static void
nwf_ofctl_edit(struct ovs_cmdl_context *ctx)
{
    char *error;
    char *orig = filter_transact("filter/dumpxml", 1,
                                 (const char **) ctx->argv + 1, &error);
    if (!orig) {
        print_daemon_error(error);
        exit(EXIT_FAILURE);
    }
    char *name = filter_name_of(orig, ctx->argv[1]);

    const char *tmpdir = getenv("TMPDIR");
    char *file_name = xasprintf("%s/nwf-ofctl-edit-XXXXXX.xml",
                                tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemps(file_name, 4);
    if (fd < 0) {
        ovs_fatal(errno, "%s: cannot create temporary file", file_name);
    }
    fatal_signal_add_file_to_unlink(file_name);    /* Also at exit. */
    FILE *file = fdopen(fd, "w");
    if (!file || fputs(orig, file) < 0 || fclose(file)) {
        ovs_fatal(errno, "%s: write failed", file_name);
    }

    const char *editor = getenv("VISUAL");
    if (!editor || !*editor) {
        editor = getenv("EDITOR");
    }
    if (!editor || !*editor) {
        editor = "vi";
    }

    struct ds text = DS_EMPTY_INITIALIZER;
    for (;;) {
        run_editor(editor, file_name);

        char *result = NULL;
        error = read_filter_text(file_name, &text);
        if (!error && !strcmp(ds_cstr(&text), orig)) {
            printf("filter '%s' unchanged\n", name);
            break;
        } else if (!error) {
            result = define_text(ds_cstr(&text), file_name, &error);
        }
        if (result) {
            fputs(result, stdout);
            free(result);
            break;
        }

        print_daemon_error(error);
        free(error);
        if (!isatty(STDIN_FILENO)) {
            /* Nobody to ask. */
            exit(EXIT_FAILURE);
        } else if (!ask_edit_again()) {
            fprintf(stderr, "%s: filter '%s' left unchanged\n",
                    program_name, name);
            exit(EXIT_FAILURE);
        }
    }

    fatal_signal_unlink_file_now(file_name);
    ds_destroy(&text);
    free(file_name);
    free(name);
    free(orig);
}

/* status: with --db, each host of the fleet and the generation of the
 * filter database it has applied. */
static void
nwf_ofctl_status(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    if (!nwf_ofctl_db) {
        ovs_fatal(0, "status needs --db=REMOTE, the filter database");
    }
    filter_run("status", 0, NULL);
}

/* bindings [--format=json]: the binding module's list of bound ports. */
static void
nwf_ofctl_bindings(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    const char *args[] = { "--format=json" };
    daemon_run("bindings/list", format_json ? 1 : 0, args);
}

/* show PORT: one bound port in detail. */
static void
nwf_ofctl_show(struct ovs_cmdl_context *ctx)
{
    daemon_run("bindings/show", 1, (const char **) ctx->argv + 1);
}

/* capture PORT FILE [MAX-BYTES]: the daemon writes the packets it
 * receives for PORT to FILE (pcap), a new file, up to MAX-BYTES.  The
 * daemon runs elsewhere than here, hence an absolute name. */
static void
nwf_ofctl_capture(struct ovs_cmdl_context *ctx)
{
    char *file = abs_file_name(NULL, ctx->argv[2]);
    const char *args[] = { ctx->argv[1], file, ctx->argv[3] };
    daemon_run("capture/start", ctx->argc - 1, args);
    free(file);
}

/* capture-stop PORT: ends PORT's capture. */
static void
nwf_ofctl_capture_stop(struct ovs_cmdl_context *ctx)
{
    daemon_run("capture/stop", 1, (const char **) ctx->argv + 1);
}

static const struct ovs_cmdl_command all_commands[] = {
    { "list-commands", NULL, 0, 0, nwf_ofctl_list_commands, OVS_RO },
    { "list", "[--format=json]", 0, 0, nwf_ofctl_list, OVS_RO },
    { "status", "", 0, 0, nwf_ofctl_status, OVS_RO },
    { "define", "FILE", 1, 1, nwf_ofctl_define, OVS_RW },
    { "undefine", "NAME|UUID", 1, 1, nwf_ofctl_undefine, OVS_RW },
    { "dumpxml", "NAME|UUID", 1, 1, nwf_ofctl_dumpxml, OVS_RO },
    { "edit", "NAME|UUID", 1, 1, nwf_ofctl_edit, OVS_RW },
    { "bindings", "[--format=json]", 0, 0, nwf_ofctl_bindings, OVS_RO },
    { "show", "PORT", 1, 1, nwf_ofctl_show, OVS_RO },
    { "capture", "PORT FILE [MAX-BYTES]", 2, 3, nwf_ofctl_capture, OVS_RW },
    { "capture-stop", "PORT", 1, 1, nwf_ofctl_capture_stop, OVS_RW },
    { "validate", "FILE...", 1, INT_MAX, nwf_ofctl_validate, OVS_RO },
    { "format", "FILE", 1, 1, nwf_ofctl_format, OVS_RO },
    { "compile", "NAME|FILE", 1, 1, nwf_ofctl_compile, OVS_RO },
    { "compile-bridge", "--port OFPORT[,...]...", 0, 0,
      nwf_ofctl_compile_bridge, OVS_RO },
    { NULL, NULL, 0, 0, NULL, OVS_RO },
};

/* This file's commands, then nwf-ofctl-binding.c's. */
static const struct ovs_cmdl_command *
get_all_commands(void)
{
    static struct ovs_cmdl_command *commands;
    if (!commands) {
        const struct ovs_cmdl_command *more = nwf_ofctl_binding_commands();
        size_t n = ARRAY_SIZE(all_commands) - 1, n_more = 0;
        while (more[n_more].name) {
            n_more++;
        }
        commands = xmalloc((n + n_more + 1) * sizeof *commands);
        memcpy(commands, all_commands, n * sizeof *commands);
        memcpy(&commands[n], more, (n_more + 1) * sizeof *commands);
    }
    return commands;
}
