/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* nwf-controller: keeps the flows of every managed Open vSwitch bridge
 * equal to what the filters bound to its ports require.
 *
 * The main loop wires the modules together, as ovn-controller does, and
 * runs each of them in turn: the OVSDB IDL (which bridges and interfaces
 * exist), the bridges (bridge.c: one ofctrl per bridge, the OpenFlow
 * connection and flow-table sync, and fail_mode), IP learning
 * (iplearn.c), the bindings (binding.c: each bound port's inputs compiled
 * into its flows, statuses) and the unixctl server (nwf-ofctl and
 * ovs-appctl; nwf-unixctl.c, filter-cmds.c, capture.c). */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "command-line.h"
#include "daemon.h"
#include "binding.h"
#include "bridge.h"
#include "capture.h"
#include "dirs.h"
#include "fatal-signal.h"
#include "filter-cmds.h"
#include "filter-db.h"
#include "filter-dir.h"
#include "iplearn.h"
#include "nwf-diag.h"
#include "nwf-pipeline.h"
#include "nwf-store.h"
#include "nwf-unixctl.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "latch.h"
#include "pinctrl.h"
#include "sset.h"
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
static char *filter_db_remote;  /* --filter-db, or NULL. */
static char *host_name;         /* --host-name. */

static struct nwf_store *filter_store_open(void);
static void parse_options(int argc, char *argv[]);
OVS_NO_RETURN static void usage(void);
static void filter_store_reload(struct nwf_store *);
static void sighup_init(void);

/* Set by SIGHUP (a latch's write is safe in a signal handler). */
static struct latch sighup_latch;
static unixctl_cb_func nwf_exit;
static pinctrl_port_packet_cb port_packet_in;

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

    struct ovsdb_idl_loop idl_loop = OVSDB_IDL_LOOP_INITIALIZER(
        ovsdb_idl_create(db_remote, &ovsrec_idl_class, false, true));
    struct ovsdb_idl *idl = idl_loop.idl;

    daemonize_complete();
    VLOG_INFO("ovs-nwfilter %s starting: database %s, OVS run directory %s, "
              "filter directory %s, state directory %s", NWF_VERSION,
              db_remote, ovs_rundir_opt, filter_dir, state_dir);
    if (mkdir(state_dir, 0755) && errno != EEXIST) {
        VLOG_ERR("%s: cannot create state directory (%s): learned "
                 "addresses will not survive a restart", state_dir,
                 ovs_strerror(errno));
    }
    struct nwf_store *store = filter_store_open();
    iplearn_init(state_dir);
    capture_init(binding_port_is_bound);
    bridge_init(idl, ovs_rundir_opt);
    binding_init(idl, store);
    pinctrl_set_port_packet_cb(port_packet_in);
    nwf_unixctl_init();
    filter_cmds_register(store, binding_filter_hooks());
    if (filter_db_remote) {
        char *why = xasprintf("this host's filters come from the filter "
                              "database %s: define them there (nwf-ofctl "
                              "--db=%s)", filter_db_remote,
                              filter_db_remote);
        filter_cmds_set_read_only(why);
        free(why);
        filter_db_init(filter_db_remote, host_name, store);
    }
    sighup_init();

    bool db_connected = false;
    while (!exiting) {
        struct ovsdb_idl_txn *txn = ovsdb_idl_loop_run(&idl_loop);
        if (ovsdb_idl_is_connected(idl) != db_connected) {
            db_connected = !db_connected;
            if (db_connected) {
                VLOG_INFO("connected to OVSDB at %s", db_remote);
            } else {
                VLOG_INFO("lost connection to OVSDB at %s", db_remote);
            }
        }
        if (latch_poll(&sighup_latch)) {
            filter_store_reload(store);
        }

        unixctl_server_run(unixctl);
        if (filter_db_remote) {
            filter_db_run();
        }

        struct sset learned = SSET_INITIALIZER(&learned);
        iplearn_run(&learned);
        binding_addresses_changed(&learned);
        sset_destroy(&learned);

        /* The switch's replies first, so that the statuses binding_run()
         * writes see the flows just confirmed. */
        bridge_run(idl, txn);
        binding_run(idl, txn);
        ovsdb_idl_loop_commit_and_wait(&idl_loop);

        bridge_wait();
        if (filter_db_remote) {
            filter_db_wait();
        }
        iplearn_wait();
        unixctl_server_wait(unixctl);
        latch_wait(&sighup_latch);
        if (exiting) {
            poll_immediate_wake();
        }
        poll_block();
    }

    VLOG_INFO("exiting; installed flows stay in place");
    if (filter_db_remote) {
        filter_db_destroy();
    }
    binding_destroy();
    bridge_destroy();
    iplearn_destroy();
    capture_destroy();
    nwf_store_destroy(store);
    ovsdb_idl_loop_destroy(&idl_loop);
    unixctl_server_destroy(unixctl);
    return 0;
}

/* A packet-in of port 'ofport' (pinctrl.h): for its capture, if one is
 * running, and for learning its address. */
static void
port_packet_in(struct ofctrl *ofctrl, uint16_t ofport, bool from_vm,
               uint8_t reason, const void *packet, size_t size)
{
    const char *name = binding_port_by_ofport(ofctrl_get_bridge(ofctrl),
                                              ofport);
    if (name) {
        capture_packet(name, packet, size);
        if (reason == NWF_PUNT_LEARN) {
            iplearn_handle_frame(name, packet, size, from_vm);
        }
    }
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
    struct nwf_store *store = nwf_store_create(
        nwf_filter_dir_create(filter_dir));
    unsigned int n_bad = nwf_store_load(store, &diag);

    /* With a filter database, it alone says what is defined. */
    struct sset added = SSET_INITIALIZER(&added);
    if (!filter_db_remote) {
        n_bad += nwf_filter_dir_install_builtins(store, builtin_dir, &added,
                                                 &diag);
    }
    log_diag(&diag);
    VLOG_INFO("%s: %"PRIuSIZE" filters loaded (%"PRIuSIZE" built-in filters "
              "added from %s), %u files with errors", filter_dir,
              nwf_store_count(store), sset_count(&added), builtin_dir, n_bad);
    sset_destroy(&added);
    nwf_diag_destroy(&diag);
    return store;
}

static void
sighup_handler(int signr OVS_UNUSED)
{
    latch_set(&sighup_latch);
}

/* OVS treats SIGHUP as fatal; the controller takes it over, once OVS's
 * own signal set-up (daemonizing, pidfile, unixctl) is done. */
static void
sighup_init(void)
{
    struct sigaction sa = { .sa_handler = sighup_handler };
    latch_init(&sighup_latch);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(SIGHUP, &sa, NULL)) {
        VLOG_ERR("cannot handle SIGHUP (%s)", ovs_strerror(errno));
    }
}

/* SIGHUP, as for libvirtd: re-reads the filter directory and rebuilds
 * the ports whose filters changed.  Filters whose files were deleted stay
 * defined, as in libvirt. */
static void
filter_store_reload(struct nwf_store *store)
{
    struct nwf_diag diag;
    struct sset changed = SSET_INITIALIZER(&changed);

    nwf_diag_init(&diag);
    unsigned int n_bad = nwf_store_reload(store, &changed, &diag);
    log_diag(&diag);
    VLOG_INFO("SIGHUP: %s reloaded, %"PRIuSIZE" filters changed, %u files "
              "with errors", filter_dir, sset_count(&changed), n_bad);
    binding_filters_changed(&changed);
    sset_destroy(&changed);
    nwf_diag_destroy(&diag);
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
parse_options(int argc, char *argv[])
{
    enum {
        OPT_DB = UCHAR_MAX + 1,
        OPT_OVS_RUNDIR,
        OPT_FILTER_DIR,
        OPT_BUILTIN_DIR,
        OPT_STATE_DIR,
        OPT_UNIXCTL,
        OPT_FILTER_DB,
        OPT_HOST_NAME,
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
        {"filter-db", required_argument, NULL, OPT_FILTER_DB},
        {"host-name", required_argument, NULL, OPT_HOST_NAME},
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

        case OPT_FILTER_DB:
            free(filter_db_remote);
            filter_db_remote = xstrdup(optarg);
            break;

        case OPT_HOST_NAME:
            free(host_name);
            host_name = xstrdup(optarg);
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
    if (filter_db_remote) {
        /* The store caches what the filter database defined, so that the
         * host keeps its definitions while the database is away. */
        free(filter_dir);
        filter_dir = xasprintf("%s/filter-db-cache", state_dir);
    }
    if (!host_name) {
        char name[256];
        host_name = xstrdup(gethostname(name, sizeof name) ? "localhost"
                            : name);
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
           "OVS_RUNDIR/%s.PID.ctl)\n"
           "  --filter-db=REMOTE[,REMOTE...]\n"
           "                          take the filters from the filter "
           "database of a\n"
           "                          fleet (docs/distributed.md), cached in "
           "STATE-DIR,\n"
           "                          instead of --filter-dir\n"
           "  --host-name=NAME        this host's row there (default: the "
           "host name)\n",
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
