/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* nwf-controller: keeps the flows of every managed Open vSwitch bridge
 * equal to what the filters bound to its ports require.
 *
 * The main loop wires the modules together, as ovn-controller does: the
 * OVSDB IDL (which bridges and interfaces exist), one ofctrl per bridge
 * (the OpenFlow connection and flow-table sync) and the unixctl server
 * (nwf-ofctl and ovs-appctl). */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "command-line.h"
#include "daemon.h"
#include "dirs.h"
#include "fatal-signal.h"
#include "nwf-diag.h"
#include "nwf-store.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vconn.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "ofctrl.h"
#include "pinctrl.h"
#include "stream.h"
#include "unixctl.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(nwf_controller);

/* Command-line settings. */
static char *db_remote;
static char *ovs_rundir_opt;
static char *filter_dir;
static char *builtin_dir;
static char *state_dir;
static char *unixctl_path;

/* One bridge known to OVSDB and its OpenFlow connection. */
struct nwf_bridge {
    struct shash_node *node;    /* In 'bridges', keyed by name. */
    struct ofctrl *ofctrl;

    /* Flows added through the "debug/add-flow" command.  A non-empty set
     * makes the bridge managed: its whole flow table becomes this set. */
    struct ofctrl_flows debug_flows;
};

static struct shash bridges = SHASH_INITIALIZER(&bridges);

static struct nwf_store *filter_store_open(void);
static void parse_options(int argc, char *argv[]);
OVS_NO_RETURN static void usage(void);
static void bridges_update(const struct ovsdb_idl *);
static void bridges_run(void);
static void bridges_wait(void);
static void bridges_destroy(void);
static unixctl_cb_func nwf_exit;
static unixctl_cb_func nwf_bridges_show;
static unixctl_cb_func nwf_debug_add_flow;
static unixctl_cb_func nwf_debug_del_flow;
static unixctl_cb_func nwf_debug_dump_flows;

int
main(int argc, char *argv[])
{
    struct unixctl_server *unixctl;
    bool exiting = false;

    ovs_cmdl_proctitle_init(argc, argv);
    set_program_name(argv[0]);
    fatal_ignore_sigpipe();
    parse_options(argc, argv);

    daemonize_start(false);

    int error = unixctl_server_create(unixctl_path, &unixctl);
    if (error) {
        ovs_fatal(error, "could not create unixctl server");
    }
    unixctl_command_register("exit", "", 0, 0, nwf_exit, &exiting);
    unixctl_command_register("bridges/show", "", 0, 0, nwf_bridges_show,
                             NULL);
    unixctl_command_register("debug/add-flow", "BRIDGE FLOW", 2, 2,
                             nwf_debug_add_flow, NULL);
    unixctl_command_register("debug/del-flow", "BRIDGE FLOW", 2, 2,
                             nwf_debug_del_flow, NULL);
    unixctl_command_register("debug/dump-flows", "BRIDGE", 1, 1,
                             nwf_debug_dump_flows, NULL);

    struct ovsdb_idl *idl = ovsdb_idl_create(db_remote, &ovsrec_idl_class,
                                             false, true);
    ovsdb_idl_add_table(idl, &ovsrec_table_bridge);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_name);

    daemonize_complete();
    VLOG_INFO("ovs-nwfilter %s starting: database %s, OVS run directory %s, "
              "filter directory %s, state directory %s", NWF_VERSION,
              db_remote, ovs_rundir_opt, filter_dir, state_dir);
    struct nwf_store *store = filter_store_open();

    bool db_connected = false;
    unsigned int idl_seqno = 0;
    while (!exiting) {
        ovsdb_idl_run(idl);
        if (ovsdb_idl_is_connected(idl) != db_connected) {
            db_connected = !db_connected;
            if (db_connected) {
                VLOG_INFO("connected to OVSDB at %s", db_remote);
            } else {
                VLOG_INFO("lost connection to OVSDB at %s", db_remote);
            }
        }
        if (ovsdb_idl_get_seqno(idl) != idl_seqno) {
            idl_seqno = ovsdb_idl_get_seqno(idl);
            bridges_update(idl);
        }

        bridges_run();
        unixctl_server_run(unixctl);

        ovsdb_idl_wait(idl);
        bridges_wait();
        unixctl_server_wait(unixctl);
        if (exiting) {
            poll_immediate_wake();
        }
        poll_block();
    }

    VLOG_INFO("exiting; installed flows stay in place");
    bridges_destroy();
    nwf_store_destroy(store);
    ovsdb_idl_destroy(idl);
    unixctl_server_destroy(unixctl);
    return 0;
}

static void
log_diag(const struct nwf_diag *diag)
{
    const char *text = nwf_diag_text(diag);
    while (*text) {
        size_t len = strcspn(text, "\n");
        VLOG_ERR("%.*s", (int) len, text);
        text += len + (text[len] == '\n');
    }
}

/* Loads the filter directory, creating it if needed, and defines every
 * built-in filter that it lacks (an administrator's filter of the same
 * name is never replaced).  A bad file is logged and skipped: the other
 * filters still load. */
static struct nwf_store *
filter_store_open(void)
{
    struct nwf_diag diag;
    nwf_diag_init(&diag);

    int error = mkdir(filter_dir, 0755);
    if (error && errno != EEXIST) {
        VLOG_ERR("%s: cannot create filter directory (%s)", filter_dir,
                 ovs_strerror(errno));
    }
    struct nwf_store *store = nwf_store_create(filter_dir);
    unsigned int n_bad = nwf_store_load(store, &diag);

    struct sset added = SSET_INITIALIZER(&added);
    n_bad += nwf_store_install_builtins(store, builtin_dir, &added, &diag);
    log_diag(&diag);
    VLOG_INFO("%s: %"PRIuSIZE" filters loaded (%"PRIuSIZE" built-in filters "
              "added from %s), %u files with errors", filter_dir,
              nwf_store_count(store), sset_count(&added), builtin_dir, n_bad);
    sset_destroy(&added);
    nwf_diag_destroy(&diag);
    return store;
}

static struct nwf_bridge *
bridge_find(const char *name)
{
    return shash_find_data(&bridges, name);
}

static void
bridge_destroy(struct nwf_bridge *br)
{
    ofctrl_destroy(br->ofctrl);
    ofctrl_flows_destroy(&br->debug_flows);
    shash_delete(&bridges, br->node);
    free(br);
}

/* Opens a connection to every bridge that OVSDB lists and closes those of
 * bridges that are gone. */
static void
bridges_update(const struct ovsdb_idl *idl)
{
    struct sset seen = SSET_INITIALIZER(&seen);
    const struct ovsrec_bridge *row;

    OVSREC_BRIDGE_FOR_EACH (row, idl) {
        sset_add(&seen, row->name);
        if (!bridge_find(row->name)) {
            struct nwf_bridge *br = xzalloc(sizeof *br);
            br->ofctrl = ofctrl_create(row->name, ovs_rundir_opt);
            ofctrl_set_packet_in_cb(br->ofctrl, pinctrl_handle_packet_in);
            ofctrl_flows_init(&br->debug_flows);
            br->node = shash_add(&bridges, row->name, br);
        }
    }

    struct shash_node *node, *next;
    SHASH_FOR_EACH_SAFE (node, next, &bridges) {
        if (!sset_contains(&seen, node->name)) {
            VLOG_INFO("%s: bridge removed from OVSDB", node->name);
            bridge_destroy(node->data);
        }
    }
    sset_destroy(&seen);
}

static void
bridges_run(void)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, &bridges) {
        struct nwf_bridge *br = node->data;
        ofctrl_run(br->ofctrl);
    }
}

static void
bridges_wait(void)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, &bridges) {
        struct nwf_bridge *br = node->data;
        ofctrl_wait(br->ofctrl);
    }
}

static void
bridges_destroy(void)
{
    struct shash_node *node, *next;
    SHASH_FOR_EACH_SAFE (node, next, &bridges) {
        bridge_destroy(node->data);
    }
    shash_destroy(&bridges);
}

static void
nwf_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
         const char *argv[] OVS_UNUSED, void *exiting_)
{
    bool *exiting = exiting_;
    *exiting = true;
    unixctl_command_reply(conn, NULL);
}

static void
nwf_bridges_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
                 const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    const struct shash_node **sorted = shash_sort(&bridges);
    for (size_t i = 0; i < shash_count(&bridges); i++) {
        const struct nwf_bridge *br = sorted[i]->data;
        ds_put_format(&s, "%s: %s\n", sorted[i]->name,
                      ofctrl_is_connected(br->ofctrl)
                      ? "connected" : "not connected");
    }
    free(sorted);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static struct nwf_bridge *
debug_bridge(struct unixctl_conn *conn, const char *name)
{
    struct nwf_bridge *br = bridge_find(name);
    if (!br) {
        char *error = xasprintf("%s: no such bridge in OVSDB", name);
        unixctl_command_reply_error(conn, error);
        free(error);
    }
    return br;
}

/* "debug/add-flow BRIDGE FLOW": adds FLOW (ovs-ofctl syntax) to the
 * bridge's desired flows.  For testing the OpenFlow path by hand: once a
 * bridge has such flows, ofctrl owns its whole flow table. */
static void
nwf_debug_add_flow(struct unixctl_conn *conn, int argc OVS_UNUSED,
                   const char *argv[], void *aux OVS_UNUSED)
{
    struct nwf_bridge *br = debug_bridge(conn, argv[1]);
    if (!br) {
        return;
    }
    char *error = ofctrl_flows_add(&br->debug_flows, argv[2]);
    if (error) {
        unixctl_command_reply_error(conn, error);
        free(error);
        return;
    }
    ofctrl_put(br->ofctrl, &br->debug_flows);
    unixctl_command_reply(conn, NULL);
}

static void
nwf_debug_del_flow(struct unixctl_conn *conn, int argc OVS_UNUSED,
                   const char *argv[], void *aux OVS_UNUSED)
{
    struct nwf_bridge *br = debug_bridge(conn, argv[1]);
    if (!br) {
        return;
    }
    if (!ofctrl_flows_remove(&br->debug_flows, argv[2])) {
        unixctl_command_reply_error(conn, "no such flow");
        return;
    }
    ofctrl_put(br->ofctrl, &br->debug_flows);
    unixctl_command_reply(conn, NULL);
}

static void
nwf_debug_dump_flows(struct unixctl_conn *conn, int argc OVS_UNUSED,
                     const char *argv[], void *aux OVS_UNUSED)
{
    struct nwf_bridge *br = debug_bridge(conn, argv[1]);
    if (!br) {
        return;
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    ofctrl_flows_format(&br->debug_flows, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
parse_options(int argc, char *argv[])
{
    enum {
        OPT_DB = UCHAR_MAX + 1,
        OPT_OVS_RUNDIR,
        OPT_FILTER_DIR,
        OPT_BUILTIN_DIR,
        OPT_STATE_DIR,
        OPT_UNIXCTL,
        OPT_VERSION,
        DAEMON_OPTION_ENUMS,
        VLOG_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"ovs-rundir", required_argument, NULL, OPT_OVS_RUNDIR},
        {"filter-dir", required_argument, NULL, OPT_FILTER_DIR},
        {"builtin-dir", required_argument, NULL, OPT_BUILTIN_DIR},
        {"state-dir", required_argument, NULL, OPT_STATE_DIR},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        DAEMON_LONG_OPTIONS,
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
        case OPT_DB:
            free(db_remote);
            db_remote = xstrdup(optarg);
            break;

        case OPT_OVS_RUNDIR:
            free(ovs_rundir_opt);
            ovs_rundir_opt = xstrdup(optarg);
            break;

        case OPT_FILTER_DIR:
            free(filter_dir);
            filter_dir = xstrdup(optarg);
            break;

        case OPT_BUILTIN_DIR:
            free(builtin_dir);
            builtin_dir = xstrdup(optarg);
            break;

        case OPT_STATE_DIR:
            free(state_dir);
            state_dir = xstrdup(optarg);
            break;

        case OPT_UNIXCTL:
            free(unixctl_path);
            unixctl_path = xstrdup(optarg);
            break;

        case 'h':
            usage();

        case OPT_VERSION:
            printf("%s (ovs-nwfilter) %s\n", program_name, NWF_VERSION);
            exit(EXIT_SUCCESS);

        DAEMON_OPTION_HANDLERS
        VLOG_OPTION_HANDLERS

        case '?':
            exit(EXIT_FAILURE);

        default:
            abort();
        }
    }
    free(short_options);

    if (optind < argc) {
        ovs_fatal(0, "%s takes no arguments; use --help for help",
                  program_name);
    }

    /* Defaults that fit a Debian host running Open vSwitch as a service. */
    if (!ovs_rundir_opt) {
        ovs_rundir_opt = xstrdup(ovs_rundir());
    }
    if (!db_remote) {
        db_remote = xasprintf("unix:%s/db.sock", ovs_rundir_opt);
    }
    if (!filter_dir) {
        filter_dir = xstrdup(NWF_SYSCONFDIR "/ovs-nwfilter/filters");
    }
    if (!builtin_dir) {
        builtin_dir = xstrdup(NWF_PKGDATADIR "/filters");
    }
    if (!state_dir) {
        state_dir = xstrdup(NWF_LOCALSTATEDIR "/lib/ovs-nwfilter");
    }
}

static void
usage(void)
{
    printf("%s: ovs-nwfilter controller, libvirt's nwfilter for Open vSwitch\n"
           "usage: %s [OPTIONS]\n"
           "\nOptions:\n"
           "  --db=REMOTE             OVSDB to watch (default: "
           "unix:OVS_RUNDIR/db.sock)\n"
           "  --ovs-rundir=DIR        where BRIDGE.mgmt sockets live "
           "(default: %s)\n"
           "  --filter-dir=DIR        filter store (default: %s)\n"
           "  --builtin-dir=DIR       built-in filters to add to the store "
           "(default: %s)\n"
           "  --state-dir=DIR         learned state (default: %s)\n"
           "  --unixctl=PATH          control socket (default: "
           "OVS_RUNDIR/%s.PID.ctl)\n",
           program_name, program_name, ovs_rundir(),
           NWF_SYSCONFDIR "/ovs-nwfilter/filters",
           NWF_PKGDATADIR "/filters",
           NWF_LOCALSTATEDIR "/lib/ovs-nwfilter", program_name);
    daemon_usage();
    vlog_usage();
    printf("\nOther options:\n"
           "  -h, --help              display this help message\n"
           "  --version               display version information\n");
    exit(EXIT_SUCCESS);
}
